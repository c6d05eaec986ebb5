//! People named after a title inside a longer name the tagger gave another type: a photo
//! credit run into its caption ("The Canadian Press Prime Minister Justin Trudeau", MISC),
//! a question's first word ("Will ECB President Mario Draghi", MISC) or an adjective
//! ("New Home Secretary Charles Clarke", ORG). When the words after the title are the full
//! name of a person the document tags elsewhere, they are that person; the rest is dropped,
//! as the title before a tagged person's name is.

use std::ops::Range;

use stancegraph_core::EntityType;

use super::tagged_names::TaggedNames;
use super::State;
use crate::lexicon::category;

impl State<'_, '_> {
    /// The person's name at the end of the non-person name over `range`, after a personal
    /// title, when the document tags that name as a person elsewhere.
    pub(super) fn person_after_title(
        &self,
        range: &Range<usize>,
        names: &TaggedNames<'_>,
    ) -> Option<Range<usize>> {
        // The last title with at least two words after it ("Prime Minister | Justin
        // Trudeau"): the words after it are the candidate name.
        let start = (range.start..range.end.saturating_sub(2))
            .rev()
            .find(|&i| self.is_personal_title(self.lower(i)))?
            + 1;
        let words: Vec<&str> = (start..range.end).map(|i| self.lower(i)).collect();
        let tagged_person = names.type_of(&words) == Some(EntityType::Per);
        // "House Majority Whip James Clyburn": a given name and a surname after an office
        // held in a body the name starts with. A name that starts with the title is a
        // place or thing named after someone ("Prince Edward Island").
        let office_holder = start > range.start + 1
            && words.len() == 2
            && self.lexicon().categories(words[0]) & category::GIVEN_NAME != 0;
        (tagged_person || office_holder).then_some(start..range.end)
    }
}

#[cfg(test)]
mod tests {
    use stancegraph_core::EntityType::{Misc, Org, Per};

    use super::super::test_support::{canonical_of, mention, resolved};

    #[test]
    fn a_person_after_a_title_inside_a_caption_credit_is_the_person() {
        let doc = resolved(
            "Prime Minister Justin Trudeau visited .\nThe Canadian Press Prime Minister \
             Justin Trudeau holds a meeting .\n",
            &[
                ("Justin Trudeau", Per),
                ("Canadian Press Prime Minister Justin Trudeau", Misc),
            ],
        );
        assert_eq!(doc.entities.len(), 1, "{:?}", doc.entities);
        let second = doc
            .mentions
            .iter()
            .filter(|m| doc.slice(m.span) == "Justin Trudeau")
            .count();
        assert_eq!(second, 2);
    }

    #[test]
    fn a_given_name_and_surname_after_an_office_are_its_holder() {
        let doc = resolved(
            "House Majority Whip James Clyburn said the president was loose with his words .\n",
            &[("House Majority Whip James Clyburn", Org)],
        );
        let clyburn = mention(&doc, "James Clyburn");
        assert_eq!(canonical_of(&doc, clyburn), Some("James Clyburn"));
        assert!(doc
            .entities
            .iter()
            .all(|e| e.canonical != "House Majority Whip James Clyburn"));
    }

    #[test]
    fn a_member_of_parliament_is_an_office_holder() {
        let doc = resolved(
            "Liberal MP Marco Mendicino went on CBC .\n",
            &[("Liberal MP Marco Mendicino", Org)],
        );
        let person = mention(&doc, "Marco Mendicino");
        assert_eq!(canonical_of(&doc, person), Some("Marco Mendicino"));
    }

    #[test]
    fn a_titled_name_the_document_never_tags_as_a_person_stays() {
        let doc = resolved(
            "Prince Edward visited .\nThe Prince Edward Island ferry left .\n",
            &[("Prince Edward", Per), ("Prince Edward Island", Org)],
        );
        let island = mention(&doc, "Prince Edward Island");
        assert_eq!(canonical_of(&doc, island), Some("Prince Edward Island"));
    }
}
