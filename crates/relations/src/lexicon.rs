//! Word lists the rules read: a valence lexicon (VADER plus political-news words), the
//! stance and interaction triggers (verbs and nouns) and the negators.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use stancegraph_core::{Polarity, Sign};

use crate::error::RelationsError;

/// File name of the VADER valence list (`word<TAB>valence`, -4..4) under the model
/// directory.
pub const VADER_FILE: &str = "vader_words.tsv";
/// File name of the political-news valence list (same format as [`VADER_FILE`]; its entries
/// override VADER's) under the model directory.
pub const NEWS_FILE: &str = "news_lexicon.tsv";

/// What a trigger word means for stance and interaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Trigger {
    /// Stance of the holder toward the target, if the word states one.
    pub stance: Option<Polarity>,
    /// Interaction kind (`meet`, `threaten`, ...) and its CAMEO-style sign.
    pub interaction: Option<(&'static str, Sign)>,
    /// `characterize X as Y`: the stance comes from the words of Y.
    pub predicative: bool,
    /// The holder acts on both sides (`meet`, `talk`): the relation is symmetric.
    pub symmetric: bool,
}

const fn trig(stance: Option<Polarity>, interaction: Option<(&'static str, Sign)>) -> Trigger {
    Trigger {
        stance,
        interaction,
        predicative: false,
        symmetric: false,
    }
}

const OPPOSE: Option<Polarity> = Some(Polarity::Oppose);
const SUPPORT: Option<Polarity> = Some(Polarity::Support);

/// A meeting or negotiation: an interaction without a stance of its own.
const fn meeting(kind: &'static str, symmetric: bool) -> Trigger {
    Trigger {
        stance: None,
        interaction: Some((kind, Sign::Cooperation)),
        predicative: false,
        symmetric,
    }
}

/// `describe X as Y`: the complement carries the polarity.
const PREDICATIVE: Trigger = Trigger {
    stance: None,
    interaction: None,
    predicative: true,
    symmetric: false,
};

/// Verb and noun triggers by lemma (the surface forms are matched through [`stem`]), in
/// groups of one meaning. Kinds follow the issue: meet, negotiate, threaten, accuse,
/// sanction, support, criticise, plus praise and reject; signs follow CAMEO's
/// verbal/material cooperation and conflict.
const TRIGGERS: &[(&[&str], Trigger)] = &[
    // Conflict: criticism and accusation.
    (
        &[
            "accuse",
            "accusation",
            "allege",
            "allegation",
            "blame",
            "charge",
            "investigate",
        ],
        trig(OPPOSE, Some(("accuse", Sign::Conflict))),
    ),
    (
        &[
            "criticize",
            "criticise",
            "criticism",
            "condemn",
            "condemnation",
            "denounce",
            "decry",
            "blast",
            "slam",
            "lambast",
            "rebuke",
            "chastise",
            "scold",
            "attack",
            "mock",
            "ridicule",
            "deride",
            "fault",
            "challenge",
            "dispute",
            "contradict",
        ],
        trig(OPPOSE, Some(("criticise", Sign::Conflict))),
    ),
    (&["question", "doubt", "oppose"], trig(OPPOSE, None)),
    (
        &[
            "reject", "dismiss", "rebuff", "refuse", "resist", "block", "veto", "buck",
        ],
        trig(OPPOSE, Some(("reject", Sign::Conflict))),
    ),
    (
        &["sue", "suit", "lawsuit", "impeach"],
        trig(OPPOSE, Some(("accuse", Sign::Conflict))),
    ),
    // Conflict: threats and coercion.
    (
        &["threaten", "threat", "warn", "ultimatum", "retaliate"],
        trig(OPPOSE, Some(("threaten", Sign::Conflict))),
    ),
    (
        &[
            "sanction", "punish", "penalize", "penalise", "embargo", "expel", "fire",
        ],
        trig(OPPOSE, Some(("sanction", Sign::Conflict))),
    ),
    // Cooperation: support and praise.
    (
        &[
            "support",
            "endorse",
            "endorsement",
            "defend",
            "champion",
            "nominate",
            "welcome",
            "embrace",
        ],
        trig(SUPPORT, Some(("support", Sign::Cooperation))),
    ),
    (
        &[
            "praise",
            "commend",
            "applaud",
            "hail",
            "laud",
            "thank",
            "congratulate",
            "tribute",
            "eulogize",
            "eulogise",
        ],
        trig(SUPPORT, Some(("praise", Sign::Cooperation))),
    ),
    (
        &["side"],
        trig(SUPPORT, Some(("support", Sign::Cooperation))),
    ),
    (
        &["agree"],
        trig(SUPPORT, Some(("agree", Sign::Cooperation))),
    ),
    (
        &["ally"],
        trig(SUPPORT, Some(("support", Sign::Cooperation))),
    ),
    // Cooperation: meetings and negotiation (no stance of their own).
    (
        &["meet", "met", "meeting", "talk", "summit"],
        meeting("meet", true),
    ),
    (&["visit", "host"], meeting("meet", false)),
    (&["negotiate", "negotiation"], meeting("negotiate", true)),
    // Evaluative predication: the complement carries the polarity.
    (
        &[
            "characterize",
            "characterise",
            "describe",
            "call",
            "label",
            "brand",
            "dub",
        ],
        PREDICATIVE,
    ),
];

/// Triggers that only count as verbs (as nouns they rarely carry the meaning:
/// "the question of", "a voting block", "a phone call", "at fault").
pub const VERB_ONLY: &[&str] = &[
    "question", "doubt", "block", "call", "dub", "brand", "label", "host", "visit", "champion",
    "fault", "hail", "ally", "attack", "support", "back", "term", "blast", "slam", "buck", "fire",
    "side",
];

/// Triggers that only count as nouns ("filed suit against": the verb "suit" means "fit").
pub const NOUN_ONLY: &[&str] = &["suit"];

/// Words that flip the polarity of what follows within a short window.
pub const NEGATORS: &[&str] = &[
    "not", "n't", "no", "never", "neither", "nor", "without", "hardly", "barely", "cannot", "none",
    "nothing",
];

/// A crude, consistent stemmer: the same function is applied to lexicon keys and to text,
/// so `criticized`, `criticizes` and `criticize` meet at `criticiz`.
pub fn stem(word: &str) -> String {
    let mut w = word.to_lowercase();
    for suffix in ["'s", "’s"] {
        if let Some(stripped) = w.strip_suffix(suffix) {
            w = stripped.to_string();
        }
    }
    let len = w.chars().count();
    let undouble = |s: &str| -> String {
        let chars: Vec<char> = s.chars().collect();
        match chars.as_slice() {
            [.., a, b] if a == b && !matches!(a, 'l' | 's' | 'z' | 'e' | 'o') => {
                chars[..chars.len() - 1].iter().collect()
            }
            _ => s.to_string(),
        }
    };
    if len > 5 && w.ends_with("ing") {
        w = undouble(&w[..w.len() - 3]);
    } else if len > 4 && (w.ends_with("ied") || w.ends_with("ies")) {
        w = format!("{}y", &w[..w.len() - 3]);
    } else if len > 4 && w.ends_with("ed") {
        w = undouble(&w[..w.len() - 2]);
    } else if len > 3
        && (w.ends_with("ses") || w.ends_with("xes") || w.ends_with("ches") || w.ends_with("shes"))
    {
        w.truncate(w.len() - 2);
    } else if len > 3 && w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") {
        w.truncate(w.len() - 1);
    }
    if w.chars().count() > 3 && w.ends_with('e') {
        w.truncate(w.len() - 1);
    }
    w
}

/// Valences and triggers, loaded once per stage.
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    valence: HashMap<String, f32>,
    triggers: HashMap<String, Trigger>,
    /// Stems of [`VERB_ONLY`] and [`NOUN_ONLY`], stemmed once rather than per token.
    verb_only: HashSet<String>,
    noun_only: HashSet<String>,
}

impl Lexicon {
    /// Reads the valence files from `dir` (both optional files must exist).
    pub fn load(dir: &Path) -> Result<Self, RelationsError> {
        let mut valence = HashMap::new();
        for name in [VADER_FILE, NEWS_FILE] {
            let path = dir.join(name);
            let text =
                stancegraph_assets::read_to_string(&path).map_err(|e| RelationsError::Io {
                    path: path.clone(),
                    source: e.into(),
                })?;
            for (line_no, line) in text.lines().enumerate() {
                if line.starts_with('#') || line.trim().is_empty() {
                    continue;
                }
                let mut parts = line.split('\t');
                let (Some(word), Some(value)) = (parts.next(), parts.next()) else {
                    return Err(RelationsError::Format {
                        path,
                        line: line_no + 1,
                        message: "expected word<TAB>valence".into(),
                    });
                };
                let value: f32 = value.trim().parse().map_err(|_| RelationsError::Format {
                    path: path.clone(),
                    line: line_no + 1,
                    message: format!("bad valence `{value}`"),
                })?;
                valence.insert(word.to_string(), value);
            }
        }
        Ok(Self::from_valence(valence))
    }

    /// A lexicon from an in-memory valence table (tests, benches).
    pub fn from_valence(valence: HashMap<String, f32>) -> Self {
        // In table order, so that of two lemmas with one stem the later one wins.
        let triggers = TRIGGERS
            .iter()
            .flat_map(|(lemmas, t)| lemmas.iter().map(|lemma| (stem(lemma), *t)))
            .collect();
        let stems = |words: &[&str]| words.iter().map(|w| stem(w)).collect();
        Lexicon {
            valence,
            triggers,
            verb_only: stems(VERB_ONLY),
            noun_only: stems(NOUN_ONLY),
        }
    }

    /// Valence of a word (-4..4), trying the word as written, lowercased, then its stem.
    pub fn valence(&self, word: &str) -> f32 {
        let lower = word.to_lowercase();
        self.valence
            .get(&lower)
            .or_else(|| self.valence.get(&stem(&lower)))
            .copied()
            .unwrap_or(0.0)
    }

    /// The trigger entry of a word (by stem), if any. `is_noun` (when the tagger says so)
    /// rules out triggers that only count as verbs; a verb, those that only count as nouns.
    pub fn trigger(&self, word: &str, is_noun: bool) -> Option<Trigger> {
        let key = stem(word);
        let trigger = self.triggers.get(&key).copied()?;
        let other_part = if is_noun {
            &self.verb_only
        } else {
            &self.noun_only
        };
        (!other_part.contains(&key)).then_some(trigger)
    }

    /// Whether a word negates what follows (`not`, `never`, `without`, any `...n't`),
    /// case-insensitively.
    pub fn is_negator(word: &str) -> bool {
        let lower = word.to_lowercase();
        NEGATORS.contains(&lower.as_str()) || lower.ends_with("n't")
    }

    /// Negation-aware valence of a run of words: a negator flips the next three words,
    /// as VADER does (with its 0.74 damping), and "but" weights what follows more.
    pub fn score_words<'a>(&self, words: impl IntoIterator<Item = &'a str>) -> f32 {
        let mut total = 0.0;
        let mut negate_left = 0usize;
        let mut weight = 1.0f32;
        for word in words {
            if Self::is_negator(word) {
                negate_left = 3;
                continue;
            }
            if word.eq_ignore_ascii_case("but") {
                total *= 0.5;
                weight = 1.5;
                continue;
            }
            let mut value = self.valence(word);
            if negate_left > 0 {
                value *= -0.74;
                negate_left -= 1;
            }
            total += value * weight;
        }
        total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verb_only_and_noun_only_triggers_keep_to_their_part_of_speech() {
        let lexicon = Lexicon::from_valence(HashMap::new());
        for verb in ["fired", "sided", "bucked"] {
            assert!(lexicon.trigger(verb, false).is_some(), "{verb}");
        }
        for noun in ["fire", "side", "buck"] {
            assert!(lexicon.trigger(noun, true).is_none(), "{noun}");
        }
        assert!(lexicon.trigger("suit", true).is_some());
        assert!(lexicon.trigger("suits", false).is_none());
        assert!(lexicon.trigger("lawsuit", true).is_some());
    }

    #[test]
    fn stems_meet_across_inflections() {
        assert_eq!(stem("criticized"), stem("criticize"));
        assert_eq!(stem("threatening"), stem("threaten"));
        assert_eq!(stem("accuses"), stem("accuse"));
        assert_eq!(stem("talks"), stem("talk"));
        assert_eq!(stem("challenged"), stem("challenge"));
        assert_eq!(stem("characterized"), stem("characterize"));
        assert_ne!(stem("meet"), stem("met"));
    }

    #[test]
    fn negation_flips_valence() {
        let lex = Lexicon::from_valence([("credible".to_string(), 1.2)].into_iter().collect());
        assert!(lex.score_words(["is", "credible"]) > 0.0);
        assert!(lex.score_words(["is", "not", "credible"]) < 0.0);
        assert!(lex
            .trigger("accused", false)
            .is_some_and(|t| t.stance == Some(Polarity::Oppose)));
    }
}
