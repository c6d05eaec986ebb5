//! Silver NER data for distillation: the name mentions another tagger (the accurate preset's
//! `entities.encoder`) wrote into annotated documents, turned back into CoNLL sentences that
//! `train ner --silver` reads beside the gold data.

use std::fmt::Write as _;
use std::path::Path;

use stancegraph_core::{Document, EntityType, MentionKind, SentenceKind};

use crate::conll::{ConllDocument, ConllSentence, TokenEntity};
use crate::ner::normalise_token;
use crate::EntitiesError;

/// Which sentences of a labelled document become silver sentences.
#[derive(Debug, Clone, PartialEq)]
pub struct SilverSettings {
    /// Only mentions written by this stage count (e.g. `entities.encoder`); mentions that
    /// later stages add (pronouns, descriptions, gazetteer names) are not the teacher's.
    pub stage: String,
    /// A sentence holding a teacher mention less confident than this is left out whole: its
    /// other tokens would otherwise teach "not a name" where the teacher was unsure.
    pub min_confidence: f32,
    /// Sentences with fewer tokens are left out (headline fragments, bylines).
    pub min_tokens: usize,
}

impl Default for SilverSettings {
    fn default() -> Self {
        SilverSettings {
            stage: "entities.encoder".to_string(),
            min_confidence: 0.0,
            min_tokens: 3,
        }
    }
}

/// The CoNLL-2003 type of a mention type; DATE and MONEY (rules, not the tagger) have none.
pub fn conll_type(entity_type: EntityType) -> Option<&'static str> {
    match entity_type {
        EntityType::Per => Some("PER"),
        EntityType::Org => Some("ORG"),
        EntityType::Loc | EntityType::Gpe => Some("LOC"),
        EntityType::Norp | EntityType::Misc => Some("MISC"),
        EntityType::Date | EntityType::Money => None,
    }
}

/// The body sentences of `doc` as CoNLL sentences whose entities are the teacher's name
/// mentions (tokens as the tagger reads them, see [`normalise_token`]). Headings are left
/// out (the teacher drops heading names the body does not repeat, so their O tags are not
/// its judgement), and so is every sentence failing [`SilverSettings`] or holding a mention
/// whose edges are not token edges.
pub fn silver_document(doc: &Document, settings: &SilverSettings) -> ConllDocument {
    let mut mentions: Vec<_> = doc
        .mentions
        .iter()
        .filter(|m| m.kind == MentionKind::Name && m.stage == settings.stage)
        .filter_map(|m| conll_type(m.entity_type).map(|t| (m.span, t, m.confidence)))
        .collect();
    mentions.sort_by_key(|(span, _, _)| (span.start, span.end));
    let mut sentences = Vec::new();
    for (s, sentence) in doc.sentences.iter().enumerate() {
        if sentence.kind == SentenceKind::Heading {
            continue;
        }
        let range = doc.sentence_token_range(s);
        let tokens = &doc.tokens[range];
        let (Some(first), Some(last)) = (tokens.first(), tokens.last()) else {
            continue;
        };
        if tokens.len() < settings.min_tokens {
            continue;
        }
        let from = mentions.partition_point(|(span, _, _)| span.start < first.span.start);
        let to = mentions.partition_point(|(span, _, _)| span.start < last.span.end);
        let mut entities = Vec::new();
        let mut keep = true;
        for &(span, label, confidence) in &mentions[from..to] {
            let start = tokens.iter().position(|t| t.span.start == span.start);
            let end = tokens.iter().position(|t| t.span.end == span.end);
            let (Some(start), Some(end)) = (start, end) else {
                keep = false;
                break;
            };
            let overlaps = entities.last().is_some_and(|e: &TokenEntity| e.end > start);
            if confidence < settings.min_confidence || end < start || overlaps {
                keep = false;
                break;
            }
            entities.push(TokenEntity {
                start,
                end: end + 1,
                label: label.to_string(),
            });
        }
        if !keep {
            continue;
        }
        let words = tokens
            .iter()
            .map(|t| conll_word(&normalise_token(doc.slice(t.span))))
            .collect();
        sentences.push(ConllSentence { words, entities });
    }
    ConllDocument { sentences }
}

/// Silver documents of every line of an annotated `documents.jsonl` (the `run` output,
/// code point offsets). A line that is not a document is an error naming file and line.
pub fn read_silver_documents(
    path: &Path,
    settings: &SilverSettings,
) -> Result<Vec<ConllDocument>, EntitiesError> {
    let text = std::fs::read_to_string(path).map_err(|source| EntitiesError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let doc = Document::from_export(line).map_err(|e| EntitiesError::Document {
            doc: format!("{} line {}", path.display(), n + 1),
            stage: "silver".to_string(),
            message: e.to_string(),
        })?;
        out.push(silver_document(&doc, settings));
    }
    Ok(out)
}

/// A token as one CoNLL column: whitespace inside it (which would split the column) is `_`.
fn conll_word(word: &str) -> String {
    word.chars()
        .map(|c| if c.is_whitespace() { '_' } else { c })
        .collect()
}

/// Writes documents as CoNLL-2003 text with IOB2 tags (`word _ _ B-PER`), one
/// `-DOCSTART-` line per document; [`crate::parse_conll`] reads it back.
pub fn write_conll(documents: &[ConllDocument]) -> String {
    let mut out = String::new();
    for document in documents.iter().filter(|d| !d.sentences.is_empty()) {
        out.push_str("-DOCSTART- -X- -X- O\n\n");
        for sentence in &document.sentences {
            let mut tags = vec!["O".to_string(); sentence.words.len()];
            for entity in &sentence.entities {
                for (i, tag) in tags
                    .iter_mut()
                    .enumerate()
                    .take(entity.end)
                    .skip(entity.start)
                {
                    let prefix = if i == entity.start { "B" } else { "I" };
                    *tag = format!("{prefix}-{}", entity.label);
                }
            }
            for (word, tag) in sentence.words.iter().zip(&tags) {
                let _ = writeln!(out, "{word} _ _ {tag}");
            }
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use stancegraph_core::{Mention, Metadata, Sentence, Span, Token};

    /// Tokens at whitespace, sentences at the given token counts.
    fn document(text: &str, sentence_sizes: &[usize]) -> Document {
        let mut doc = Document::new(Some("t".into()), text.to_string(), Metadata::default());
        let mut offset = 0;
        let mut spans = Vec::new();
        for word in text.split_whitespace() {
            let start = text[offset..].find(word).unwrap() + offset;
            offset = start + word.len();
            spans.push(Span::new(start, offset));
        }
        let mut next = 0;
        for (s, &size) in sentence_sizes.iter().enumerate() {
            let words = &spans[next..next + size];
            doc.sentences.push(Sentence {
                span: Span::new(words[0].start, words[size - 1].end),
                kind: SentenceKind::Body,
                stage: String::new(),
                confidence: 1.0,
            });
            for &span in words {
                doc.tokens.push(Token {
                    span,
                    sentence: s as u32,
                    ..Token::default()
                });
            }
            next += size;
        }
        doc
    }

    fn mention(doc: &Document, phrase: &str, entity_type: EntityType, stage: &str) -> Mention {
        let start = doc.text().find(phrase).unwrap();
        Mention {
            span: Span::new(start, start + phrase.len()),
            entity_type,
            kind: MentionKind::Name,
            entity: None,
            resolution: None,
            resolution_confidence: None,
            stage: stage.to_string(),
            confidence: 0.9,
        }
    }

    #[test]
    fn a_two_sentence_document_becomes_bio_lines() {
        let mut doc = document(
            "Scott Bessent met He Lifeng in Geneva . Chinese officials said so .",
            &[8, 5],
        );
        doc.mentions = vec![
            mention(&doc, "Scott Bessent", EntityType::Per, "entities.encoder"),
            mention(&doc, "He Lifeng", EntityType::Per, "entities.encoder"),
            mention(&doc, "Geneva", EntityType::Gpe, "entities.encoder"),
            mention(&doc, "Chinese", EntityType::Norp, "entities.encoder"),
            // Not the teacher's: a later stage's name.
            mention(&doc, "officials", EntityType::Org, "entities.resolve"),
        ];
        let silver = silver_document(&doc, &SilverSettings::default());
        assert_eq!(
            write_conll(&[silver]),
            "-DOCSTART- -X- -X- O\n\n\
             Scott _ _ B-PER\nBessent _ _ I-PER\nmet _ _ O\nHe _ _ B-PER\nLifeng _ _ I-PER\n\
             in _ _ O\nGeneva _ _ B-LOC\n. _ _ O\n\n\
             Chinese _ _ B-MISC\nofficials _ _ O\nsaid _ _ O\nso _ _ O\n. _ _ O\n\n"
        );
    }

    #[test]
    fn the_written_text_reads_back_as_the_same_entities() {
        let mut doc = document("Talks in New York City ended .", &[6]);
        doc.mentions = vec![mention(
            &doc,
            "New York City",
            EntityType::Gpe,
            "entities.encoder",
        )];
        let silver = silver_document(&doc, &SilverSettings::default());
        let read = crate::parse_conll(&write_conll(std::slice::from_ref(&silver)));
        assert_eq!(read.len(), 1);
        assert_eq!(read[0].sentences[0].entities, silver.sentences[0].entities);
        assert_eq!(
            silver.sentences[0].entities,
            vec![TokenEntity {
                start: 2,
                end: 5,
                label: "LOC".into()
            }]
        );
    }

    #[test]
    fn unsure_misaligned_and_heading_sentences_are_left_out() {
        let mut doc = document(
            "Markets Rally Today . Smith sold Acme shares . Jones bought Beta Corp stock .",
            &[4, 5, 6],
        );
        doc.sentences[0].kind = SentenceKind::Heading;
        let mut unsure = mention(&doc, "Smith", EntityType::Per, "entities.encoder");
        unsure.confidence = 0.4;
        let mut misaligned = mention(&doc, "Beta Corp", EntityType::Org, "entities.encoder");
        misaligned.span.end -= 2;
        doc.mentions = vec![
            unsure,
            mention(&doc, "Acme", EntityType::Org, "entities.encoder"),
            mention(&doc, "Jones", EntityType::Per, "entities.encoder"),
            misaligned,
        ];
        let settings = SilverSettings {
            min_confidence: 0.5,
            ..SilverSettings::default()
        };
        assert!(silver_document(&doc, &settings).sentences.is_empty());
        // Without the confidence floor the second sentence is kept.
        let kept = silver_document(&doc, &SilverSettings::default());
        assert_eq!(kept.sentences.len(), 1);
        assert_eq!(kept.sentences[0].words[0], "Smith");
        assert_eq!(kept.sentences[0].entities.len(), 2);
    }

    #[test]
    fn dates_and_money_are_not_ner_types() {
        assert_eq!(conll_type(EntityType::Date), None);
        assert_eq!(conll_type(EntityType::Money), None);
        assert_eq!(conll_type(EntityType::Gpe), Some("LOC"));
        assert_eq!(conll_type(EntityType::Norp), Some("MISC"));
    }
}
