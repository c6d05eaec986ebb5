//! Places, institutions and prizes named after people. The tagger often tags the person's
//! name alone and leaves the rest ("James M. Hill | High School", "Clinton | Foundation",
//! "Max Planck | Institute for Astrophysics"), so the school, the foundation or the prize
//! would join the person and carry their quotes and stances. The whole name is the
//! institution's.

use std::ops::Range;

use stancegraph_core::EntityType;

use super::tagged_names::TaggedNames;
use super::State;
use crate::lexicon::category;

/// Head words that make a person's name before them the name of something else, and the
/// type of that thing. Heads that are also common surnames ("Hall", "Field", "Street",
/// "Park", "Bridge", "Tower") are left out: "Jerry | Hall" is more often a person the
/// tagger cut than a building.
const HEADS: &[(&str, EntityType)] = &[
    ("School", EntityType::Org),
    ("University", EntityType::Org),
    ("College", EntityType::Org),
    ("Academy", EntityType::Org),
    ("Institute", EntityType::Org),
    ("Foundation", EntityType::Org),
    ("Fund", EntityType::Org),
    ("Trust", EntityType::Org),
    ("Hospital", EntityType::Org),
    ("Clinic", EntityType::Org),
    ("Museum", EntityType::Org),
    ("Library", EntityType::Org),
    ("Center", EntityType::Org),
    ("Centre", EntityType::Org),
    ("Organization", EntityType::Org),
    ("Organisation", EntityType::Org),
    ("Airport", EntityType::Loc),
    ("Stadium", EntityType::Loc),
    ("Arena", EntityType::Loc),
    ("Building", EntityType::Loc),
    ("Avenue", EntityType::Loc),
    ("Boulevard", EntityType::Loc),
    ("Square", EntityType::Loc),
    ("Memorial", EntityType::Loc),
    ("Theatre", EntityType::Loc),
    ("Theater", EntityType::Loc),
    ("Award", EntityType::Misc),
    ("Awards", EntityType::Misc),
    ("Prize", EntityType::Misc),
    ("Trophy", EntityType::Misc),
    ("Medal", EntityType::Misc),
    ("Cup", EntityType::Misc),
    ("Lecture", EntityType::Misc),
    ("Scholarship", EntityType::Misc),
    ("Act", EntityType::Misc),
    ("Doctrine", EntityType::Misc),
];

/// Capitalised words between the person's name and the head ("Hill | High | School",
/// "Clinton | Family | Foundation").
const MAX_WORDS_BEFORE_HEAD: usize = 2;

/// Words after a head that carry the name on when a capitalised word follows ("Institute
/// for Astrophysics", "Museum of Modern Art").
const CONNECTORS: &[&str] = &["for", "of", "on"];

impl State<'_, '_> {
    /// The whole name and its type when the person's name over `person` is followed, in
    /// its sentence, by capitalised words ending in an institution, place or prize head.
    /// `None` leaves the person.
    pub(super) fn named_after_person(
        &self,
        person: &Range<usize>,
        names: &TaggedNames<'_>,
    ) -> Option<(Range<usize>, EntityType)> {
        let capitalised_at = |i: usize| {
            i < self.table.len()
                && self.same_sentence(person.start, i)
                && super::capitalised(self.word(i))
        };
        let head_type = |i: usize| {
            HEADS
                .iter()
                .find(|(head, _)| *head == self.word(i))
                .map(|&(_, entity_type)| entity_type)
        };
        let (head, entity_type) = (person.end..person.end + MAX_WORDS_BEFORE_HEAD + 1)
            .take_while(|&i| capitalised_at(i))
            .find_map(|i| head_type(i).map(|t| (i, t)))?;
        // A lone given name before a head is the person the tagger cut ("Jordan | Prize"),
        // unless it ends a person's full name ("Clinton | Foundation" after "Hillary
        // Clinton").
        if person.len() == 1
            && self.lexicon().categories(self.lower(person.start)) & category::GIVEN_NAME != 0
            && !names.is_surname(self.lower(person.start))
        {
            return None;
        }
        let mut end = head + 1;
        // Further capitalised words belong to the name ("Center for Strategic Studies").
        loop {
            if capitalised_at(end) {
                end += 1;
            } else if CONNECTORS.contains(&self.lower(end)) && capitalised_at(end + 1) {
                end += 2;
            } else {
                break;
            }
        }
        Some((person.start..end, entity_type))
    }
}

#[cfg(test)]
mod tests {
    use stancegraph_core::Document;
    use stancegraph_core::EntityType::{self, Loc, Misc, Org, Per};

    use super::super::test_support::resolved;

    fn names(doc: &Document) -> Vec<(String, EntityType)> {
        doc.entities
            .iter()
            .map(|e| (e.canonical.clone(), e.entity_type))
            .collect()
    }

    #[test]
    fn a_school_named_after_a_person_is_the_school() {
        let doc = resolved(
            "Justin Trudeau spoke at James M. Hill High School in Miramichi .\nHe said it \
             went well .\n",
            &[("Justin Trudeau", Per), ("James M. Hill", Per)],
        );
        let names = names(&doc);
        assert!(names.contains(&("James M. Hill High School".to_string(), Org)));
        assert!(!names.iter().any(|(n, _)| n == "James M. Hill"));
    }

    #[test]
    fn a_foundation_institute_airport_or_prize_is_no_person() {
        let doc = resolved(
            "Hillary Clinton met donors .\nThe Clinton Foundation paid , and the Max Planck \
             Institute for Astrophysics won the Charles Wintour Award .\nThey flew from \
             Ronald Reagan Airport .\n",
            &[
                ("Hillary Clinton", Per),
                ("Clinton", Per),
                ("Max Planck", Per),
                ("Charles Wintour", Per),
                ("Ronald Reagan", Per),
            ],
        );
        let names = names(&doc);
        assert!(names.contains(&("Clinton Foundation".to_string(), Org)));
        assert!(names.contains(&("Max Planck Institute for Astrophysics".to_string(), Org)));
        assert!(names.contains(&("Charles Wintour Award".to_string(), Misc)));
        assert!(names.contains(&("Ronald Reagan Airport".to_string(), Loc)));
        assert!(names.contains(&("Hillary Clinton".to_string(), Per)));
    }

    #[test]
    fn a_lone_given_name_or_a_surname_like_head_stays_a_person() {
        let doc = resolved(
            "Jordan Prize winners met .\nJohn Smith Hall opened .\n",
            &[("Jordan", Per), ("John Smith", Per)],
        );
        let names = names(&doc);
        assert!(names.contains(&("Jordan".to_string(), Per)));
        assert!(names.contains(&("John Smith".to_string(), Per)));
    }
}
