//! The cue lexicon learned from PolNeAR train: for every word, how often it is part of an
//! attribution cue, and on which side of the cue the source sits. Only these derived
//! counts are shipped, never corpus text.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::{Deserialize, Serialize};
use stancegraph_core::{Document, Span};

use crate::polnear::GoldAttribution;
use crate::QuotesError;

/// Counts for one word (lower-cased, `’` folded to `'`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CueStats {
    /// Occurrences inside a gold cue span.
    pub in_cue: u32,
    /// All occurrences in the training text.
    pub total: u32,
    /// Cues containing the word whose source precedes the cue.
    pub source_before: u32,
    /// Cues containing the word whose source follows the cue.
    pub source_after: u32,
}

/// Word-level cue statistics plus the most frequent whole cue phrases.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CueLexicon {
    /// Per-word counts, keyed by the [`normalise`]d word.
    pub words: BTreeMap<String, CueStats>,
    /// Whole cue phrases (normalised) seen at least twice, with their counts.
    pub phrases: BTreeMap<String, u32>,
}

/// Lower-cases and folds typographic apostrophes; digits become `0`.
pub fn normalise(word: &str, out: &mut String) {
    out.clear();
    for c in word.chars() {
        match c {
            '’' | '‘' | '`' => out.push('\''),
            '“' | '”' | '«' | '»' | '„' => out.push('"'),
            c if c.is_ascii_digit() => out.push('0'),
            c => out.extend(c.to_lowercase()),
        }
    }
}

impl CueLexicon {
    /// Counts cue words over documents whose tokens are already set.
    pub fn learn<'a>(
        docs: impl IntoIterator<Item = (&'a Document, &'a [GoldAttribution])>,
    ) -> Self {
        let mut words: HashMap<String, CueStats> = HashMap::new();
        let mut phrases: HashMap<String, u32> = HashMap::new();
        let mut buf = String::new();
        for (doc, gold) in docs {
            let cues: Vec<(Span, Option<Span>)> = gold
                .iter()
                .filter_map(|g| g.cue.map(|c| (c, g.source)))
                .collect();
            for token in &doc.tokens {
                normalise(doc.slice(token.span), &mut buf);
                let stats = words.entry(buf.clone()).or_default();
                stats.total += 1;
                if let Some((cue, source)) = cues.iter().find(|(c, _)| c.contains(token.span)) {
                    stats.in_cue += 1;
                    match source {
                        Some(s) if s.end <= cue.start => stats.source_before += 1,
                        Some(_) => stats.source_after += 1,
                        None => {}
                    }
                }
            }
            for (cue, _) in &cues {
                let phrase: Vec<String> = doc
                    .slice(*cue)
                    .split_whitespace()
                    .map(|w| {
                        let mut s = String::new();
                        normalise(w, &mut s);
                        s
                    })
                    .collect();
                if !phrase.is_empty() && phrase.len() <= 6 {
                    *phrases.entry(phrase.join(" ")).or_default() += 1;
                }
            }
        }
        CueLexicon {
            words: words.into_iter().filter(|(_, s)| s.in_cue > 0).collect(),
            phrases: phrases.into_iter().filter(|(_, n)| *n >= 2).collect(),
        }
    }

    /// Share of a word's occurrences that are cues (0 for unseen words), smoothed.
    pub fn cue_probability(&self, normalised: &str) -> f32 {
        self.words
            .get(normalised)
            .map_or(0.0, |s| s.in_cue as f32 / (s.total as f32 + 1.0))
    }

    /// Reads a lexicon JSON file (from disk, else the copy embedded in the binary).
    pub fn load(path: &Path) -> Result<Self, QuotesError> {
        let text = stancegraph_assets::read_to_string(path)
            .map_err(|e| QuotesError::io(path, e.into()))?;
        serde_json::from_str(&text).map_err(|source| QuotesError::Json {
            path: path.to_path_buf(),
            source,
        })
    }

    /// Writes the lexicon as pretty-printed JSON (the format [`CueLexicon::load`] reads).
    pub fn save(&self, path: &Path) -> Result<(), QuotesError> {
        let text = serde_json::to_string_pretty(self).map_err(|source| QuotesError::Json {
            path: path.to_path_buf(),
            source,
        })?;
        std::fs::write(path, text).map_err(|e| QuotesError::io(path, e))
    }
}

#[cfg(test)]
mod tests {
    use stancegraph_core::{Document, Metadata, Span, Token};

    use super::*;

    /// A document tokenized on spaces.
    fn spaced(text: &str) -> Document {
        let mut doc = Document::new(None, text, Metadata::default());
        let mut at = 0;
        for word in text.split(' ') {
            doc.tokens.push(Token {
                span: Span::new(at, at + word.len()),
                ..Token::default()
            });
            at += word.len() + 1;
        }
        doc
    }

    fn span_of(doc: &Document, words: &str) -> Span {
        let at = doc.text().find(words).expect("words in text");
        Span::new(at, at + words.len())
    }

    #[test]
    fn normalising_folds_case_apostrophes_quotes_and_digits() {
        let mut out = String::new();
        normalise("Minister’s", &mut out);
        assert_eq!(out, "minister's");
        normalise("“1984”", &mut out);
        assert_eq!(out, "\"0000\"");
    }

    #[test]
    fn learning_counts_cue_words_the_side_of_their_source_and_repeated_phrases() {
        let first = spaced("Lee said taxes rise . Taxes said nothing .");
        let second = spaced("told us Lee . Lee said prices fall .");
        let gold = |doc: &Document, cue: &str, source: &str| GoldAttribution {
            source: Some(span_of(doc, source)),
            cue: Some(span_of(doc, cue)),
            content: None,
        };
        let first_gold = vec![gold(&first, "said", "Lee")];
        let second_gold = vec![gold(&second, "told", "Lee"), gold(&second, "said", "Lee")];
        let lexicon = CueLexicon::learn([
            (&first, first_gold.as_slice()),
            (&second, second_gold.as_slice()),
        ]);
        let said = lexicon.words["said"];
        assert_eq!((said.in_cue, said.total), (2, 3));
        assert_eq!(said.source_before, 2);
        let told = lexicon.words["told"];
        assert_eq!((told.in_cue, told.source_after), (1, 1));
        // Words never inside a cue are not kept; phrases need two sightings.
        assert!(!lexicon.words.contains_key("taxes"));
        assert_eq!(lexicon.phrases.get("said"), Some(&2));
        assert_eq!(lexicon.phrases.get("told"), None);
        assert!((lexicon.cue_probability("said") - 0.5).abs() < 1e-6);
        assert_eq!(lexicon.cue_probability("unseen"), 0.0);
    }
}
