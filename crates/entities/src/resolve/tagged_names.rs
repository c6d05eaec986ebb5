//! The names the tagger found in a document, read before any is cleaned: what the other
//! mentions say a name is. Splitting coordinations, names after people and titled people
//! all ask it; each table is built the first time a rule needs it, once per document.

use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};

use stancegraph_core::{Document, EntityType, MentionKind};

/// The tagger's names of one document, read lazily.
pub(super) struct TaggedNames<'d> {
    doc: &'d Document,
    /// Lower-case names (without a leading "the") and the type of their first mention.
    types: OnceCell<HashMap<String, EntityType>>,
    /// Last words of the multi-word person names ("musk" of "Elon Musk").
    surnames: OnceCell<HashSet<String>>,
}

impl<'d> TaggedNames<'d> {
    /// The tagged names of `doc` (nothing is read yet).
    pub(super) fn new(doc: &'d Document) -> Self {
        TaggedNames {
            doc,
            types: OnceCell::new(),
            surnames: OnceCell::new(),
        }
    }

    /// The lower-case words of each name mention, without a leading "the".
    fn names(&self) -> impl Iterator<Item = (Vec<String>, EntityType)> + '_ {
        self.doc
            .mentions
            .iter()
            .filter(|m| m.kind == MentionKind::Name)
            .map(|m| {
                let lower = self.doc.slice(m.span).to_lowercase();
                let mut words: Vec<String> = lower.split_whitespace().map(String::from).collect();
                if words.len() > 1 && words[0] == "the" {
                    words.remove(0);
                }
                (words, m.entity_type)
            })
    }

    /// The type of the first mention of the name whose lower-case words are `words`.
    pub(super) fn type_of(&self, words: &[&str]) -> Option<EntityType> {
        let types = self.types.get_or_init(|| {
            let mut types = HashMap::new();
            for (words, entity_type) in self.names() {
                types.entry(words.join(" ")).or_insert(entity_type);
            }
            types
        });
        types.get(&words.join(" ")).copied()
    }

    /// Whether the lower-case `word` ends a multi-word person name ("clinton" of "Hillary
    /// Clinton").
    pub(super) fn is_surname(&self, word: &str) -> bool {
        let surnames = self.surnames.get_or_init(|| {
            self.names()
                .filter(|(words, entity_type)| *entity_type == EntityType::Per && words.len() > 1)
                .filter_map(|(mut words, _)| words.pop())
                .collect()
        });
        surnames.contains(word)
    }
}
