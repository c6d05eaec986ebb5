//! Two names the tagger ran together over "and" ("the Queen and Prince Philip", "Tate
//! Modern and the Science Museum") or a comma ("The Aviator, Million Dollar Baby"). Names
//! that hold an "and" themselves ("Securities and Exchange Commission", "Trinidad and
//! Tobago") stay whole: over "and", a name is split only when one side is a person or the
//! document names both sides on their own elsewhere. Over a comma, a name is split unless it
//! is a list with "and" ("Bureau of Alcohol, Tobacco and Firearms"), a suffix follows
//! ("Martin Luther King, Jr.", "Acme, Inc.") or a place says where ("Paris, Texas").

use std::ops::Range;

use stancegraph_core::EntityType;

use super::tagged_names::TaggedNames;
use super::State;
use crate::gender::GivenNames;
use crate::lexicon::category;
use crate::person_names::is_name_suffix;

/// A side of a split name and the type it takes.
pub(super) type NamePart = (Range<usize>, EntityType);

/// Company suffixes, which end a name after a comma rather than start another; so do a
/// person's (`person_names::is_name_suffix`: "Jr.", "III").
const COMPANY_SUFFIXES: &[&str] = &[
    "inc", "inc.", "ltd", "ltd.", "co", "co.", "corp", "corp.", "llc", "llp", "plc", "lp", "l.p.",
    "ag", "sa", "s.a.", "n.a.",
];

impl State<'_, '_> {
    /// The two names in `range`, with their types, when it holds two (see the module
    /// comment); `None` keeps the name whole.
    pub(super) fn split_names(
        &self,
        range: &Range<usize>,
        entity_type: EntityType,
        names: &TaggedNames<'_>,
    ) -> Option<[NamePart; 2]> {
        self.split_coordination(range, entity_type, names)
            .or_else(|| self.split_at_comma(range, entity_type, names))
    }

    /// The two names joined by the one comma in `range`.
    fn split_at_comma(
        &self,
        range: &Range<usize>,
        entity_type: EntityType,
        names: &TaggedNames<'_>,
    ) -> Option<[NamePart; 2]> {
        // "Portland, Oregon": a place and the region it lies in are one place name.
        if matches!(entity_type, EntityType::Gpe | EntityType::Loc) {
            return None;
        }
        // "Gophers (9-1, 6-1)", "Goldman, Sachs & Co": no comma between two names.
        let list_or_bracket =
            |i: usize| matches!(self.word(i), "and" | "&" | "(" | ")" | "[" | "]");
        if range.clone().any(list_or_bracket) {
            return None;
        }
        let mut commas = range.clone().filter(|&i| self.word(i) == ",");
        let comma = commas.next()?;
        if commas.next().is_some() {
            return None;
        }
        let left = range.start..comma;
        let mut right = comma + 1..range.end;
        if right.len() > 1 && self.lower(right.start) == "the" {
            right.start += 1;
        }
        if left.is_empty() || right.is_empty() || !super::capitalised(self.word(right.start)) {
            return None;
        }
        let right_words: Vec<&str> = right.clone().map(|i| self.lower(i)).collect();
        let place = category::COUNTRY | category::REGION | category::CITY;
        let suffix = |word: &str| is_name_suffix(word) || COMPANY_SUFFIXES.contains(&word);
        if (right.len() == 1 && suffix(right_words[0]))
            || self.lexicon().categories(&right_words.join(" ")) & place != 0
        {
            return None;
        }
        let sides = [left, right];
        let people = sides.clone().map(|side| self.names_a_person(&side, names));
        let known = sides.clone().map(|side| self.tagged_type(&side, names));
        let [left, right] = sides;
        Some([
            (left, side_type(people[0], known[0], entity_type)),
            (right, side_type(people[1], known[1], entity_type)),
        ])
    }

    /// The two names joined by the one "and" in `range`.
    fn split_coordination(
        &self,
        range: &Range<usize>,
        entity_type: EntityType,
        names: &TaggedNames<'_>,
    ) -> Option<[NamePart; 2]> {
        // "Kings And Queen": a capitalised "and" is part of a title.
        let mut ands = range.clone().filter(|&i| self.word(i) == "and");
        let and = ands.next()?;
        if ands.next().is_some() {
            return None;
        }
        let left = range.start..and;
        let mut right = and + 1..range.end;
        if right.len() > 1 && self.lower(right.start) == "the" {
            right.start += 1;
        }
        if left.is_empty() || right.is_empty() {
            return None;
        }
        let sides = [left, right];
        let people = sides.clone().map(|side| self.names_a_person(&side, names));
        let known = sides.clone().map(|side| self.tagged_type(&side, names));
        if !people.iter().any(|&p| p) && !known.iter().all(Option::is_some) {
            return None;
        }
        // "Daily and Sunday Telegraph": one word before or after "and" shares the other
        // side's head, unless it names a person itself ("Conlon and Maguire").
        if sides
            .iter()
            .zip(people)
            .any(|(side, person)| side.len() == 1 && !person)
        {
            return None;
        }
        let [left, right] = sides;
        Some([
            (left, side_type(people[0], known[0], entity_type)),
            (right, side_type(people[1], known[1], entity_type)),
        ])
    }

    /// The type the document's own mention of the name in `side` has.
    fn tagged_type(&self, side: &Range<usize>, names: &TaggedNames<'_>) -> Option<EntityType> {
        let words: Vec<&str> = side.clone().map(|i| self.lower(i)).collect();
        names.type_of(&words)
    }

    /// Whether `side` names a person: a name the document tags as a person, a surname of
    /// one, a title before a name ("Prince Philip") or alone ("the Queen"), or a known given
    /// name before capitalised words ("Antonio Reina").
    fn names_a_person(&self, side: &Range<usize>, names: &TaggedNames<'_>) -> bool {
        if self.tagged_type(side, names) == Some(EntityType::Per) {
            return true;
        }
        let all_capitalised = side.clone().all(|i| super::capitalised(self.word(i)));
        if !all_capitalised {
            return false;
        }
        let first = self.lower(side.start);
        let last = self.lower(side.end - 1);
        let is_title = self.is_personal_title(first);
        let given_name = self.lexicon().categories(first) & category::GIVEN_NAME != 0
            || GivenNames::builtin().female_share(first).is_some();
        let organisation_word = self.lexicon().categories(last)
            & (category::ORG_WORD | category::ORGANISATION | category::COUNTRY)
            != 0;
        is_title
            || (names.is_surname(last) && !organisation_word)
            || (side.len() > 1 && given_name && !organisation_word)
    }
}

/// A side's type: a person's is PER; another takes the type the document gives it, else the
/// tagger's type of the whole.
fn side_type(person: bool, known: Option<EntityType>, tagged: EntityType) -> EntityType {
    if person {
        EntityType::Per
    } else {
        known.unwrap_or(tagged)
    }
}

#[cfg(test)]
mod tests {
    use stancegraph_core::EntityType::{Org, Per};

    use super::super::test_support::{canonical_of, entity, mention, mentions, resolved};

    #[test]
    fn a_title_and_a_name_joined_by_and_are_two_people() {
        let doc = resolved(
            "The Queen and Prince Philip arrived .\nThey waved .\n",
            &[("Queen and Prince Philip", Org)],
        );
        assert!(mentions(&doc, "Queen and Prince Philip").is_empty());
        assert_eq!(entity(&doc, "Queen").entity_type, Per);
        assert_eq!(entity(&doc, "Philip").entity_type, Per);
    }

    #[test]
    fn surnames_of_people_named_earlier_split_a_coordination() {
        let doc = resolved(
            "Gerry Conlon and Anne Maguire were freed .\nConlon and Maguire spoke .\n",
            &[
                ("Gerry Conlon", Per),
                ("Anne Maguire", Per),
                ("Conlon and Maguire", Org),
            ],
        );
        assert_eq!(
            canonical_of(&doc, mention(&doc, "Conlon")),
            Some("Gerry Conlon")
        );
        assert_eq!(
            canonical_of(&doc, mention(&doc, "Maguire")),
            Some("Anne Maguire")
        );
    }

    #[test]
    fn a_name_holding_and_stays_whole() {
        let doc = resolved(
            "The Securities and Exchange Commission sued .\nThe Daily and Sunday Telegraph \
             wrote .\nKings And Queen won .\n",
            &[
                ("Securities and Exchange Commission", Org),
                ("Daily and Sunday Telegraph", Org),
                ("Kings And Queen", Org),
            ],
        );
        for name in [
            "Securities and Exchange Commission",
            "Daily and Sunday Telegraph",
            "Kings And Queen",
        ] {
            assert_eq!(entity(&doc, name).entity_type, Org, "{name}");
        }
    }

    #[test]
    fn two_names_the_document_gives_on_their_own_are_split() {
        let doc = resolved(
            "Tate Modern opened .\nThe Science Museum closed .\nTate Modern and the Science \
             Museum reopened .\n",
            &[
                ("Tate Modern", Org),
                ("Science Museum", Org),
                ("Tate Modern and the Science Museum", Org),
            ],
        );
        assert!(mentions(&doc, "Tate Modern and the Science Museum").is_empty());
        assert_eq!(mentions(&doc, "Science Museum").len(), 2);
    }

    #[test]
    fn two_names_over_a_comma_are_two_names() {
        let doc = resolved(
            "Nominees include The Aviator , Million Dollar Baby .
They met by the National \
             Mall , Mr. Obama smiled .
",
            &[
                ("Aviator , Million Dollar Baby", Org),
                ("National Mall , Mr. Obama", Org),
            ],
        );
        for name in ["Aviator", "Million Dollar Baby", "National Mall"] {
            assert_eq!(mentions(&doc, name).len(), 1, "{name}");
        }
        assert_eq!(entity(&doc, "Obama").entity_type, Per);
    }

    #[test]
    fn a_comma_before_a_suffix_a_place_or_in_a_list_stays_in_the_name() {
        let doc = resolved(
            "Martin Luther King , Jr. spoke .
The Bureau of Alcohol , Tobacco and Firearms \
             agreed .
The Paris , Texas office closed .
",
            &[
                ("Martin Luther King , Jr.", Per),
                ("Bureau of Alcohol , Tobacco and Firearms", Org),
                ("Paris , Texas", Org),
            ],
        );
        for name in [
            "Martin Luther King , Jr.",
            "Bureau of Alcohol , Tobacco and Firearms",
            "Paris , Texas",
        ] {
            assert_eq!(mentions(&doc, name).len(), 1, "{name}");
        }
    }
}
