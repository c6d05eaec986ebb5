//! CoNLL-2003 reading (4 columns, IOB1 or IOB2, `-DOCSTART-` lines) and conlleval-style
//! strict scoring: an entity counts only when its type and both boundaries match.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

use crate::EntitiesError;

/// An entity over tokens `start..end` of one sentence, with its CoNLL type (`PER`, ...).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TokenEntity {
    /// Index of the first token in the sentence (a token index, not a byte offset).
    pub start: usize,
    /// Index one past the last token (exclusive).
    pub end: usize,
    /// Entity type without the IOB prefix: `PER`, `ORG`, `LOC`, `MISC`, ...
    pub label: String,
}

/// One sentence of a CoNLL file: its words and the entities over them.
#[derive(Debug, Clone, Default)]
pub struct ConllSentence {
    /// The words of the first column, in order.
    pub words: Vec<String>,
    /// Entities read from the last column's IOB tags, indexing into `words`.
    pub entities: Vec<TokenEntity>,
}

/// The sentences between two `-DOCSTART-` lines (the whole file when it has none). The
/// tagger's second pass and document-level features work per document.
#[derive(Debug, Clone, Default)]
pub struct ConllDocument {
    /// Sentences in file order; never empty ones.
    pub sentences: Vec<ConllSentence>,
}

impl ConllDocument {
    /// Number of words over all sentences.
    pub fn token_count(&self) -> usize {
        self.sentences.iter().map(|s| s.words.len()).sum()
    }
}

/// Reads a CoNLL-2003 file: word first column, NER tag last column.
pub fn read_conll(path: &Path) -> Result<Vec<ConllDocument>, EntitiesError> {
    let text = std::fs::read_to_string(path).map_err(|source| EntitiesError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(parse_conll(&text))
}

/// Parses CoNLL-2003 text (see [`read_conll`]). Lines it cannot read are skipped.
pub fn parse_conll(text: &str) -> Vec<ConllDocument> {
    let mut documents = Vec::new();
    let mut document = ConllDocument::default();
    let mut words: Vec<String> = Vec::new();
    let mut tags: Vec<String> = Vec::new();
    let flush_sentence =
        |document: &mut ConllDocument, words: &mut Vec<String>, tags: &mut Vec<String>| {
            if !words.is_empty() {
                let entities = tags_to_entities(tags);
                document.sentences.push(ConllSentence {
                    words: std::mem::take(words),
                    entities,
                });
                tags.clear();
            }
        };
    for line in text.lines() {
        let line = line.trim_end();
        if line.starts_with("-DOCSTART-") {
            flush_sentence(&mut document, &mut words, &mut tags);
            if !document.sentences.is_empty() {
                documents.push(std::mem::take(&mut document));
            }
            continue;
        }
        let mut columns = line.split_whitespace();
        let (Some(word), Some(tag)) = (columns.next(), line.split_whitespace().last()) else {
            flush_sentence(&mut document, &mut words, &mut tags);
            continue;
        };
        words.push(word.to_string());
        tags.push(tag.to_string());
    }
    flush_sentence(&mut document, &mut words, &mut tags);
    if !document.sentences.is_empty() {
        documents.push(document);
    }
    documents
}

/// Entities of an IOB1/IOB2 tag sequence, as conlleval reads them.
pub fn tags_to_entities(tags: &[String]) -> Vec<TokenEntity> {
    let mut entities = Vec::new();
    let mut open: Option<(usize, &str)> = None;
    for (i, tag) in tags.iter().enumerate() {
        let (prefix, label) = match tag.split_once('-') {
            Some((p, l)) => (p, l),
            None => ("O", ""),
        };
        let continues = matches!(prefix, "I" | "L" | "E") && open.is_some_and(|(_, l)| l == label);
        if !continues {
            if let Some((start, l)) = open.take() {
                entities.push(TokenEntity {
                    start,
                    end: i,
                    label: l.to_string(),
                });
            }
            if prefix != "O" && !label.is_empty() {
                open = Some((i, label));
            }
        }
        if matches!(prefix, "L" | "E" | "U" | "S") {
            if let Some((start, l)) = open.take() {
                entities.push(TokenEntity {
                    start,
                    end: i + 1,
                    label: l.to_string(),
                });
            }
        }
    }
    if let Some((start, l)) = open {
        entities.push(TokenEntity {
            start,
            end: tags.len(),
            label: l.to_string(),
        });
    }
    entities
}

/// Precision, recall and F1 as fractions in 0..1.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Prf {
    /// Share of predicted entities that are correct.
    pub precision: f64,
    /// Share of gold entities that were found.
    pub recall: f64,
    /// Harmonic mean of precision and recall.
    pub f1: f64,
}

impl Prf {
    fn from_counts(correct: usize, predicted: usize, gold: usize) -> Self {
        let (precision, recall, f1) =
            stancegraph_core::metrics::precision_recall_f1(correct, predicted, correct, gold);
        Prf {
            precision,
            recall,
            f1,
        }
    }
}

/// Strict entity-level scores, overall and per type.
#[derive(Debug, Clone, Default, Serialize)]
pub struct NerScores {
    /// Name of the scored task in serialized reports; always `ner`.
    pub task: &'static str,
    /// Micro-averaged precision over all types, in 0..1.
    pub precision: f64,
    /// Micro-averaged recall over all types, in 0..1.
    pub recall: f64,
    /// Micro-averaged F1 over all types, in 0..1.
    pub f1: f64,
    /// Scores per entity type (CoNLL label), for every type seen in gold or predictions.
    pub per_type: BTreeMap<String, Prf>,
    /// Number of tokens scored.
    pub tokens: usize,
}

/// Counts strict matches of predicted against gold entities, sentence by sentence.
#[derive(Debug, Default)]
pub struct NerScorer {
    counts: BTreeMap<String, (usize, usize, usize)>,
    tokens: usize,
}

impl NerScorer {
    /// Counts one sentence: a predicted entity is correct only when an identical gold
    /// entity (same type and token range) exists. `tokens` is the sentence's length.
    pub fn add_sentence(&mut self, gold: &[TokenEntity], predicted: &[TokenEntity], tokens: usize) {
        self.tokens += tokens;
        for entity in gold {
            self.counts.entry(entity.label.clone()).or_default().2 += 1;
        }
        for entity in predicted {
            let counts = self.counts.entry(entity.label.clone()).or_default();
            counts.1 += 1;
            if gold.contains(entity) {
                counts.0 += 1;
            }
        }
    }

    /// Scores of all sentences added so far (zeros when nothing was predicted or gold).
    pub fn scores(&self) -> NerScores {
        let (mut correct, mut predicted, mut gold) = (0, 0, 0);
        let mut per_type = BTreeMap::new();
        for (label, &(c, p, g)) in &self.counts {
            correct += c;
            predicted += p;
            gold += g;
            per_type.insert(label.clone(), Prf::from_counts(c, p, g));
        }
        let overall = Prf::from_counts(correct, predicted, gold);
        NerScores {
            task: "ner",
            precision: overall.precision,
            recall: overall.recall,
            f1: overall.f1,
            per_type,
            tokens: self.tokens,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn reads_iob1_like_conlleval() {
        let entities = tags_to_entities(&tags("I-PER I-PER O I-LOC B-LOC I-MISC I-ORG"));
        let spans: Vec<(usize, usize, &str)> = entities
            .iter()
            .map(|e| (e.start, e.end, e.label.as_str()))
            .collect();
        assert_eq!(
            spans,
            vec![
                (0, 2, "PER"),
                (3, 4, "LOC"),
                (4, 5, "LOC"),
                (5, 6, "MISC"),
                (6, 7, "ORG")
            ]
        );
    }

    #[test]
    fn strict_scoring_needs_exact_boundaries() {
        let gold = tags_to_entities(&tags("I-PER I-PER O I-LOC"));
        let predicted = tags_to_entities(&tags("I-PER O O I-LOC"));
        let mut scorer = NerScorer::default();
        scorer.add_sentence(&gold, &predicted, 4);
        let scores = scorer.scores();
        assert!((scores.f1 - 0.5).abs() < 1e-9);
        assert_eq!(scores.per_type["PER"].f1, 0.0);
        assert_eq!(scores.per_type["LOC"].f1, 1.0);
    }

    #[test]
    fn parses_documents_and_sentences() {
        let text = "-DOCSTART- -X- O O\n\nEU NNP I-NP I-ORG\nrejects VBZ I-VP O\n\nPeter NNP I-NP I-PER\n\n-DOCSTART- -X- O O\n\nX NN O O\n";
        let documents = parse_conll(text);
        assert_eq!(documents.len(), 2);
        assert_eq!(documents[0].sentences.len(), 2);
        assert_eq!(documents[0].sentences[0].entities[0].label, "ORG");
    }
}
