//! Surnames the tagger left untagged: "Blair said" after "Tony Blair", in a sentence where
//! the tagger missed the name. Each is a mention of the person, so that the quote or stance
//! in that sentence keeps its actor.

use std::collections::HashMap;

use stancegraph_core::{EntityType, MentionKind};

use super::{State, RESOLVE_STAGE};
use crate::gender::GivenNames;
use crate::lexicon::category;

/// Capitalised words that are surnames of some and common words or dates to most.
pub(super) const NOT_SURNAMES: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "Will",
    "Christmas",
    "Easter",
];

impl State<'_, '_> {
    /// Mentions for the untagged surnames of people named in full ("Tony Blair"): a proper
    /// noun standing alone (no capitalised word beside it but a title), of exactly one
    /// person whose name begins with a known given name.
    pub(super) fn untagged_surnames(&mut self) {
        let surnames = self.surnames_of_people();
        if surnames.is_empty() {
            return;
        }
        let mut found = Vec::new();
        for i in 0..self.table.len() {
            let Some(&entity) = surnames.get(self.word(i)) else {
                continue;
            };
            let proper_noun = self
                .tokens()
                .get(i)
                .is_some_and(|t| t.upos.as_deref() == Some("PROPN"));
            if !proper_noun || self.mention_at_token(i).is_some() || self.in_longer_name(i) {
                continue;
            }
            found.push((i, entity));
        }
        for (i, entity) in found {
            let Some(work) = self.work(
                i..i + 1,
                EntityType::Per,
                MentionKind::Name,
                0.7,
                RESOLVE_STAGE,
            ) else {
                continue;
            };
            self.push_assigned(work, entity, "surname", 0.7);
        }
        self.sort_mentions();
    }

    /// The last word of each person's multi-word name that begins with a known given name,
    /// where no other person's name ends with that word.
    fn surnames_of_people(&self) -> HashMap<String, usize> {
        let mut surnames: HashMap<String, Option<usize>> = HashMap::new();
        for (i, e) in self.entities.iter().enumerate() {
            if e.entity_type != EntityType::Per || e.canonical_words < 2 {
                continue;
            }
            let mut words = e.canonical.split_whitespace();
            let (Some(first), Some(last)) = (words.next(), words.next_back()) else {
                continue;
            };
            let first = first.to_lowercase();
            let given = self.lexicon().categories(&first) & category::GIVEN_NAME != 0
                || GivenNames::builtin().female_share(&first).is_some();
            let capitalised = last.chars().next().is_some_and(char::is_uppercase)
                && last
                    .chars()
                    .all(|c| c.is_alphabetic() || matches!(c, '\'' | '’' | '-'));
            // Another person with the surname ("Ivanka Trump" beside "Donald Trump") makes
            // it ambiguous, whatever their given name.
            let eligible = given && capitalised && !NOT_SURNAMES.contains(&last);
            surnames
                .entry(last.to_string())
                .and_modify(|owner| {
                    if *owner != Some(i) {
                        *owner = None;
                    }
                })
                .or_insert(eligible.then_some(i));
        }
        surnames
            .into_iter()
            .filter_map(|(surname, owner)| owner.map(|i| (surname, i)))
            .collect()
    }

    /// Whether token `i` is part of a longer capitalised run ("Blair Witch", "Tony Blair
    /// Institute") or a hyphenated word, rather than a surname alone; a title or honorific
    /// before it ("Mr Blair") leaves it alone.
    fn in_longer_name(&self, i: usize) -> bool {
        let capitalised_word = |j: usize| {
            self.same_sentence(i, j)
                && self.word(j).chars().next().is_some_and(char::is_uppercase)
                && self.word(j).chars().any(char::is_alphabetic)
        };
        let before = i > 0 && capitalised_word(i - 1) && !self.is_personal_title(self.lower(i - 1));
        let after = i + 1 < self.table.len() && capitalised_word(i + 1);
        let hyphenated = (i > 0 && self.hyphen_touching(i - 1, i))
            || (i + 1 < self.table.len() && self.hyphen_touching(i + 1, i));
        before || after || hyphenated
    }
}

#[cfg(test)]
mod tests {
    use stancegraph_core::EntityType::{Org, Per};

    use super::super::test_support::{
        canonical_of, mentions, resolved_with_proper_nouns as tagged,
    };

    #[test]
    fn an_untagged_surname_is_the_person_named_in_full() {
        let doc = tagged(
            "Tony Blair spoke .\nLater , Blair said no .\nMr Blair left .\n",
            &[("Tony Blair", Per)],
        );
        let blair = mentions(&doc, "Blair");
        assert_eq!(blair.len(), 2);
        for m in blair {
            assert_eq!(canonical_of(&doc, m), Some("Tony Blair"));
        }
    }

    #[test]
    fn shared_dates_longer_names_and_non_people_are_left_alone() {
        let doc = tagged(
            "Donald Trump and Ivanka Trump met .\nTrump smiled .\nTheresa May left in May .\n\
             The Blair Witch Project and Tony Blair .\nPokemon Shield sold .\nShield won .\n",
            &[
                ("Donald Trump", Per),
                ("Ivanka Trump", Per),
                ("Theresa May", Per),
                ("Tony Blair", Per),
                ("Pokemon Shield", Org),
            ],
        );
        assert!(mentions(&doc, "Trump").is_empty());
        assert!(mentions(&doc, "May").is_empty());
        assert!(mentions(&doc, "Blair").is_empty());
        assert!(mentions(&doc, "Shield").is_empty());
    }
}
