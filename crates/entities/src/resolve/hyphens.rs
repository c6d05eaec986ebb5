//! Names the tokenizer cut at their hyphens: "Wilson-Raybould", "Jong-un" and "al-Shabaab"
//! are glued back into one name, "Trump-era" and "anti-Trump" are not, and "US-China" is two
//! countries.

use stancegraph_core::{EntityType, MentionKind, Span};

use super::name_extent::{is_name_part_after_hyphen, is_name_part_before_hyphen};
use super::{State, Work};
use crate::lexicon::category;

impl State<'_, '_> {
    /// Whether token `hyphen` is a "-" touching token `word` beside it ("Jong" "-" "un").
    pub(super) fn hyphen_touching(&self, hyphen: usize, word: usize) -> bool {
        self.word(hyphen) == "-" && self.touching(hyphen.min(word), hyphen.max(word))
    }

    /// True when token `a` ends exactly where token `b` starts.
    pub(super) fn touching(&self, a: usize, b: usize) -> bool {
        match (self.table.span(a), self.table.span(b)) {
            (Some(x), Some(y)) => x.end == y.start,
            _ => false,
        }
    }

    /// A name the tokenizer cut at its hyphens ("Wilson-Raybould", "Jong-un",
    /// "SNC-Lavalin", "al-Shabaab") is one name: the range grows over touching `-` + word,
    /// but not over a modifier made with the name ("Trump-era", "anti-Trump").
    pub(super) fn join_hyphens(&self, mut range: std::ops::Range<usize>) -> std::ops::Range<usize> {
        let not_country = |word: &str| self.lexicon().lookup(word, category::COUNTRY).is_none();
        while self.word(range.end) == "-"
            && self.touching(range.end - 1, range.end)
            && self.touching(range.end, range.end + 1)
            && not_country(self.word(range.end + 1))
            && is_name_part_after_hyphen(self.word(range.end + 1))
        {
            range.end += 2;
        }
        while range.start >= 2
            && self.word(range.start - 1) == "-"
            && self.touching(range.start - 2, range.start - 1)
            && self.touching(range.start - 1, range.start)
            && not_country(self.word(range.start - 2))
            && is_name_part_before_hyphen(self.word(range.start - 2))
        {
            range.start -= 2;
        }
        range
    }

    /// The words of a name, hyphenated parts glued back ("Wilson", "-", "Raybould" →
    /// "Wilson-Raybould").
    pub(super) fn hyphenated_words(&self, range: std::ops::Range<usize>) -> Vec<String> {
        let mut words: Vec<String> = Vec::new();
        let mut glue = false;
        for i in range {
            let word = self.word(i);
            let joins =
                word == "-" && self.touching(i.saturating_sub(1), i) && self.touching(i, i + 1);
            match words.last_mut() {
                Some(last) if joins => {
                    last.push('-');
                    glue = true;
                    continue;
                }
                Some(last) if glue => last.push_str(word),
                _ => words.push(word.to_string()),
            }
            glue = false;
        }
        words
    }

    /// "US-China": two countries in one token become two mentions, and the tagger's
    /// mentions over such a token are dropped (in one pass, not one pass per token).
    pub(super) fn split_country_pairs(&self, works: &mut Vec<Work>) {
        // "US-China": two countries in one token (the tagger's mentions over such a token
        // are dropped in one pass afterwards, not one pass per token).
        let mut split_tokens: Vec<Span> = Vec::new();
        let mut splits = Vec::new();
        let tokens = self.tokens();
        for (i, token) in self
            .table
            .hyphenated()
            .iter()
            .filter_map(|&i| tokens.get(i).map(|t| (i, t)))
        {
            let text = self.doc.slice(token.span);
            let Some((left, right)) = text.split_once('-') else {
                continue;
            };
            let country = |s: &str| self.lexicon().lookup(s, category::COUNTRY).is_some();
            if left.is_empty() || right.is_empty() || !country(left) || !country(right) {
                continue;
            }
            split_tokens.push(token.span);
            let split = token.span.start + left.len();
            for (span, word) in [
                (Span::new(token.span.start, split), left),
                (Span::new(split + 1, token.span.end), right),
            ] {
                splits.push(Work {
                    span,
                    tokens: i..i + 1,
                    words: vec![word.to_string()],
                    entity_type: EntityType::Gpe,
                    kind: MentionKind::Name,
                    confidence: 0.9,
                    stage: crate::ner::NER_STAGE.to_string(),
                    entity: None,
                    resolution: "",
                    resolution_confidence: 0.0,
                });
            }
        }
        if !split_tokens.is_empty() {
            // Tokens do not overlap: the split token a mention might overlap is the last
            // one starting before the mention ends.
            works.retain(|w: &Work| {
                let after = split_tokens.partition_point(|t| t.start < w.span.end);
                !after
                    .checked_sub(1)
                    .is_some_and(|k| split_tokens[k].overlaps(w.span))
            });
        }
        works.extend(splits);
    }
}

#[cfg(test)]
mod tests {
    use stancegraph_core::EntityType::{Misc, Per};

    use super::super::test_support::{
        canonical_of, document_cut_at_hyphens, entity, mention, mentions, resolved,
    };
    use crate::resolve::resolve_entities;

    #[test]
    fn names_cut_at_hyphens_are_glued_back() {
        let mut doc = document_cut_at_hyphens(
            "Jody Wilson-Raybould resigned .\nWilson-Raybould left .\n",
            &[("Jody Wilson", Per), ("Wilson", Per)],
        );
        resolve_entities(&mut doc);
        let jody = entity(&doc, "Jody Wilson-Raybould");
        assert_eq!(
            mention(&doc, "Wilson-Raybould").entity.as_ref(),
            Some(&jody.id)
        );
    }

    #[test]
    fn two_countries_joined_by_a_hyphen_are_two_mentions() {
        let doc = resolved("The US-China talks ended .\n", &[("US-China", Misc)]);
        assert_eq!(
            canonical_of(&doc, mention(&doc, "US")),
            Some("United States")
        );
        assert_eq!(canonical_of(&doc, mention(&doc, "China")), Some("China"));
        assert!(mentions(&doc, "US-China").is_empty());
    }
}
