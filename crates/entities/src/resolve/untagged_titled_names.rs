//! Names after an honorific or a personal title that the tagger left untagged: "Mr
//! MacDonell said …", "Mr. Ban focused …", "Hereditary Chief Na'moks said …". Each becomes a
//! person's name mention, so that the quote or stance of its sentence keeps its actor and
//! the pronouns after it can find them.

use stancegraph_core::{EntityType, MentionKind, SentenceKind};

use super::untagged_surnames::NOT_SURNAMES;
use super::{State, RESOLVE_STAGE};
use crate::lexicon::category;

/// The most words a name after a title may have.
const MAX_NAME_WORDS: usize = 3;

/// Titles that are also adjectives of capitalised nouns ("General Election", "General
/// Assembly").
const ADJECTIVE_TITLES: &[&str] = &["general"];

/// Words in these gazetteer categories name places, peoples or organisations.
const NOT_PERSON: u16 = category::COUNTRY
    | category::CITY
    | category::REGION
    | category::DEMONYM
    | category::ORGANISATION
    | category::ORG_WORD;

/// The tagger's confidence stands in for a name mention; this rule's is lower.
const CONFIDENCE: f32 = 0.6;

impl State<'_, '_> {
    /// Person mentions for the capitalised words after an honorific or a personal title
    /// that no mention covers (see the module docs).
    pub(super) fn untagged_titled_names(&mut self) {
        let mut found = Vec::new();
        let mut i = 1;
        while i < self.table.len() {
            match self.name_after_title(i) {
                Some(end) => {
                    found.push(i..end);
                    i = end;
                }
                None => i += 1,
            }
        }
        if found.is_empty() {
            return;
        }
        for range in found {
            if let Some(work) = self.work(
                range,
                EntityType::Per,
                MentionKind::Name,
                CONFIDENCE,
                RESOLVE_STAGE,
            ) {
                self.mentions.push(work);
            }
        }
        self.sort_mentions();
    }

    /// The end of the untagged name that starts at token `start`, right after a
    /// capitalised title of the same sentence: one to [`MAX_NAME_WORDS`] capitalised proper
    /// nouns, no title, date or gazetteer word among them, followed by a word in lower case
    /// or punctuation, outside headings.
    fn name_after_title(&self, start: usize) -> Option<usize> {
        let title = start.checked_sub(1)?;
        let capitalised = |i: usize| self.word(i).starts_with(char::is_uppercase);
        let titled = capitalised(title)
            && self.is_personal_title(self.lower(title))
            && !ADJECTIVE_TITLES.contains(&self.lower(title))
            && !(title > 0 && self.hyphen_touching(title - 1, title))
            && self.mention_at_token(title).is_none();
        if !titled || !self.same_sentence(title, start) || self.in_heading(start) {
            return None;
        }
        let is_name_word = |i: usize| {
            let lower = self.lower(i);
            self.same_sentence(title, i)
                && capitalised(i)
                && self.word(i).chars().any(char::is_alphabetic)
                && self.tokens().get(i).and_then(|t| t.upos.as_deref()) == Some("PROPN")
                && self.mention_at_token(i).is_none()
                && !self.is_personal_title(lower)
                && !NOT_SURNAMES.contains(&self.word(i))
                && self.lexicon().categories(lower) & NOT_PERSON == 0
        };
        let end = (start..self.table.len())
            .take_while(|&i| is_name_word(i))
            .take(MAX_NAME_WORDS + 1)
            .last()?
            + 1;
        let words = end - start;
        // A longer capitalised run goes on past the name ("Lord Chancellor's Office").
        let ends_there = !(self.same_sentence(title, end) && capitalised(end));
        (words <= MAX_NAME_WORDS && ends_there).then_some(end)
    }

    fn in_heading(&self, i: usize) -> bool {
        self.tokens()
            .get(i)
            .and_then(|t| self.doc.sentences.get(t.sentence as usize))
            .is_some_and(|s| s.kind == SentenceKind::Heading)
    }
}

#[cfg(test)]
mod tests {
    use stancegraph_core::EntityType::{Misc, Per};

    use super::super::test_support::{
        canonical_of, mentions, resolved_with_proper_nouns as tagged,
    };

    #[test]
    fn an_untagged_name_after_a_title_is_a_person() {
        let doc = tagged(
            "But Wet'suwet'en Hereditary Chief Na'moks said he was worried .\nMr MacDonell agreed .\n",
            &[("Wet'suwet'en", Misc)],
        );
        let namoks = mentions(&doc, "Na'moks");
        assert_eq!(namoks.len(), 1);
        assert_eq!(canonical_of(&doc, namoks[0]), Some("Na'moks"));
        assert_eq!(mentions(&doc, "MacDonell").len(), 1);
    }

    #[test]
    fn an_untagged_honorific_name_joins_the_person_named_in_full() {
        let doc = tagged(
            "Ban Ki-moon spoke .\nIt was under Mr. Ban that the plan grew .\n",
            &[("Ban Ki-moon", Per)],
        );
        let ban = mentions(&doc, "Ban");
        assert!(ban
            .iter()
            .any(|m| canonical_of(&doc, m) == Some("Ban Ki-moon")));
    }

    #[test]
    fn adjectives_runs_and_places_after_a_title_are_no_names() {
        let doc = tagged(
            "It came before the General Election .\nThe Lord Chancellor Office met .\nMr Cameron of Sussex said no .\nMinister London agreed .\n",
            &[],
        );
        assert!(mentions(&doc, "Election").is_empty());
        assert!(mentions(&doc, "Chancellor Office").is_empty());
        assert!(mentions(&doc, "London").is_empty());
        assert_eq!(mentions(&doc, "Cameron").len(), 1);
    }
}
