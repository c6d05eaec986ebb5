//! A person's gender as far as the text shows it: an honorific next to a name (Mr, Ms,
//! Mrs, Miss), a kinship noun before it ("her son Kody Cook"), the statistics of the first name (1990 US Census given-name frequencies,
//! public domain) above a threshold, or the pronouns resolved to the person. Never from a
//! surname alone: a one-word name gets no first-name decision.

use std::collections::HashMap;
use std::sync::OnceLock;

use stancegraph_core::{Gender, GenderCall};

const GIVEN_NAME_GENDER: &str = include_str!("../lexicons/given_name_gender.tsv");

/// Share of bearers a first name needs for a decision (0.9: "Kim", 0.86 female, stays unknown).
pub const DEFAULT_NAME_THRESHOLD: f32 = 0.9;

/// Given names with the share of female bearers.
#[derive(Debug, Clone, Default)]
pub struct GivenNames {
    female_share: HashMap<String, f32>,
}

impl GivenNames {
    /// Parses `name<TAB>share` lines (`#` comments).
    pub fn parse(text: &str) -> Self {
        let female_share = text
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| {
                let (name, share) = l.split_once('\t')?;
                Some((name.trim().to_lowercase(), share.trim().parse().ok()?))
            })
            .collect();
        GivenNames { female_share }
    }

    /// The shipped table, parsed once.
    pub fn builtin() -> &'static GivenNames {
        static NAMES: OnceLock<GivenNames> = OnceLock::new();
        NAMES.get_or_init(|| GivenNames::parse(GIVEN_NAME_GENDER))
    }

    /// Share of female bearers of a given name, if the table knows it.
    pub fn female_share(&self, name: &str) -> Option<f32> {
        self.female_share.get(&name.to_lowercase()).copied()
    }
}

/// Gender an honorific states.
pub fn honorific_gender(word: &str) -> Option<Gender> {
    match word.trim_end_matches('.').to_lowercase().as_str() {
        "mr" | "sir" | "lord" | "mister" => Some(Gender::Male),
        "ms" | "mrs" | "miss" | "madam" | "dame" | "lady" => Some(Gender::Female),
        _ => None,
    }
}

/// Gender a kinship noun before a name states ("her son Kody Cook", "his wife, Mary").
pub fn kinship_gender(word: &str) -> Option<Gender> {
    match word.to_lowercase().as_str() {
        "son" | "sons" | "brother" | "father" | "husband" | "nephew" | "uncle" | "grandson"
        | "grandfather" | "stepson" | "stepfather" | "boyfriend" | "widower" => Some(Gender::Male),
        "daughter" | "daughters" | "sister" | "mother" | "wife" | "niece" | "aunt"
        | "granddaughter" | "grandmother" | "stepdaughter" | "stepmother" | "girlfriend"
        | "widow" => Some(Gender::Female),
        _ => None,
    }
}

/// Gender a third-person singular pronoun states.
pub fn pronoun_gender(word: &str) -> Option<Gender> {
    match word.to_lowercase().as_str() {
        "he" | "him" | "his" | "himself" => Some(Gender::Male),
        "she" | "her" | "hers" | "herself" => Some(Gender::Female),
        _ => None,
    }
}

/// What the text says about one person.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GenderClues {
    /// Gender stated by an honorific before a name of the person ("Mr", "Mrs"); the
    /// strongest clue.
    pub honorific: Option<Gender>,
    /// Gender stated by a kinship noun before a name of the person ("her son Kody Cook").
    pub kinship: Option<Gender>,
    /// Number of male pronouns (he, him, his, himself) resolved to the person.
    pub male_pronouns: usize,
    /// Number of female pronouns (she, her, hers, herself) resolved to the person.
    pub female_pronouns: usize,
}

/// Decides a person's gender from their fullest name and the clues, strongest evidence
/// first: honorific, kinship noun, first name (only for names of two or more words),
/// pronouns (two or more, all agreeing).
pub fn decide(
    canonical: &str,
    clues: GenderClues,
    names: &GivenNames,
    threshold: f32,
) -> Option<GenderCall> {
    if let Some(gender) = clues.honorific {
        return Some(GenderCall {
            gender,
            evidence: "honorific".into(),
            confidence: 0.95,
        });
    }
    if let Some(gender) = clues.kinship {
        return Some(GenderCall {
            gender,
            evidence: "kinship".into(),
            confidence: 0.9,
        });
    }
    let words: Vec<&str> = canonical.split_whitespace().collect();
    if words.len() >= 2 {
        if let Some(share) = words.first().and_then(|w| names.female_share(w)) {
            let (gender, confidence) = if share >= threshold {
                (Gender::Female, share)
            } else if 1.0 - share >= threshold {
                (Gender::Male, 1.0 - share)
            } else {
                (Gender::Unknown, 0.0)
            };
            if gender != Gender::Unknown {
                return Some(GenderCall {
                    gender,
                    evidence: "first_name".into(),
                    confidence,
                });
            }
        }
    }
    let (m, f) = (clues.male_pronouns, clues.female_pronouns);
    let gender = match (m, f) {
        (m, 0) if m >= 2 => Gender::Male,
        (0, f) if f >= 2 => Gender::Female,
        _ => return None,
    };
    Some(GenderCall {
        gender,
        evidence: "pronoun".into(),
        confidence: 0.8,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_names_decide_above_the_threshold_only() {
        let names = GivenNames::builtin();
        let call = |name: &str| decide(name, GenderClues::default(), names, DEFAULT_NAME_THRESHOLD);
        assert_eq!(
            call("Cindy Dalglish").map(|c| c.gender),
            Some(Gender::Female)
        );
        assert_eq!(call("Doug McCallum").map(|c| c.gender), Some(Gender::Male));
        // Ambiguous first name, and a surname alone: no decision.
        assert_eq!(call("Kim Smith"), None);
        assert_eq!(call("Mary"), None);
    }

    #[test]
    fn honorific_beats_first_name_and_pronouns_need_agreement() {
        let names = GivenNames::builtin();
        let clues = GenderClues {
            honorific: Some(Gender::Female),
            ..Default::default()
        };
        let call = decide("Robin Jones", clues, names, DEFAULT_NAME_THRESHOLD);
        assert_eq!(
            call.map(|c| (c.gender, c.evidence)),
            Some((Gender::Female, "honorific".into()))
        );
        let pronouns = GenderClues {
            male_pronouns: 2,
            ..Default::default()
        };
        let call = decide("Telford", pronouns, names, DEFAULT_NAME_THRESHOLD);
        assert_eq!(call.clone().map(|c| c.evidence), Some("pronoun".into()));
        // A kinship noun beats the first name's statistics and the pronouns.
        let kin = GenderClues {
            kinship: Some(Gender::Female),
            ..pronouns
        };
        let kin_call = decide("Robert Jones", kin, names, DEFAULT_NAME_THRESHOLD);
        assert_eq!(
            kin_call.map(|c| (c.gender, c.evidence)),
            Some((Gender::Female, "kinship".into()))
        );
        assert_eq!(call.map(|c| c.evidence), Some("pronoun".into()));
        let mixed = GenderClues {
            male_pronouns: 2,
            female_pronouns: 1,
            ..Default::default()
        };
        assert_eq!(
            decide("Telford", mixed, names, DEFAULT_NAME_THRESHOLD),
            None
        );
    }
}
