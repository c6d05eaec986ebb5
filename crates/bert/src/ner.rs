//! `entities.bert`: token-classification NER over the document's own tokens, independent
//! of how the scores are computed (libtorch in `crate::torch`, fakes in tests).

use stancegraph_core::{Document, Mention, MentionKind, Span, Stage, StageError};

use crate::{
    align::model_word,
    config::{BertNerConfig, NerMode},
    error::BertError,
    labels::LabelScheme,
};

/// Registered name of the transformer NER stage.
pub const BERT_NER_STAGE: &str = "entities.bert";

/// Scores every word of every sentence against a label set.
pub trait TokenClassifier: Send + Sync {
    /// For each sentence (its words), one probability row per word over the model labels.
    fn classify(&self, sentences: &[Vec<String>]) -> Result<Vec<Vec<Vec<f32>>>, BertError>;
}

/// The stage: reads tokens inside sentences, writes name mentions.
pub struct BertNer<C> {
    classifier: C,
    scheme: LabelScheme,
    config: BertNerConfig,
}

/// Where one sentence's words came from.
struct SentenceRef {
    doc: usize,
    tokens: std::ops::Range<usize>,
}

impl<C: TokenClassifier> BertNer<C> {
    /// Wraps a classifier with the scheme of its labels (from the same checkpoint's
    /// `id2label`, see [`LabelScheme::new`]) and the stage config.
    pub fn new(classifier: C, scheme: LabelScheme, config: BertNerConfig) -> Self {
        BertNer {
            classifier,
            scheme,
            config,
        }
    }

    /// Name mentions the model finds in `docs`, one list per document, sorted.
    pub fn find_mentions(&self, docs: &[Document]) -> Result<Vec<Vec<Mention>>, BertError> {
        let mut refs = Vec::new();
        let mut words = Vec::new();
        for (doc_index, doc) in docs.iter().enumerate() {
            for sentence in 0..doc.sentences.len() {
                let range = doc.sentence_token_range(sentence);
                if range.is_empty() {
                    continue;
                }
                let tokens = doc.tokens.get(range.clone()).unwrap_or(&[]);
                words.push(
                    tokens
                        .iter()
                        .map(|t| model_word(doc.slice(t.span)))
                        .collect::<Vec<_>>(),
                );
                refs.push(SentenceRef {
                    doc: doc_index,
                    tokens: range,
                });
            }
        }
        let mut found: Vec<Vec<Mention>> = vec![Vec::new(); docs.len()];
        let batch = self.config.batch_size.max(1);
        for (chunk_index, chunk) in words.chunks(batch).enumerate() {
            let scores = self.classifier.classify(chunk)?;
            for (offset, rows) in scores.iter().enumerate() {
                let Some(sentence) = refs.get(chunk_index * batch + offset) else {
                    continue;
                };
                let (Some(doc), Some(out)) = (docs.get(sentence.doc), found.get_mut(sentence.doc))
                else {
                    continue;
                };
                let tokens = doc.tokens.get(sentence.tokens.clone()).unwrap_or(&[]);
                for span in self.scheme.decode(rows) {
                    let confidence = span.confidence();
                    let (Some(first), Some(last)) = (
                        tokens.get(span.start),
                        tokens.get(span.end.saturating_sub(1)),
                    ) else {
                        continue;
                    };
                    if confidence < self.config.min_confidence {
                        continue;
                    }
                    out.push(Mention {
                        span: Span::new(first.span.start, last.span.end),
                        entity_type: span.entity_type,
                        kind: MentionKind::Name,
                        entity: None,
                        resolution: None,
                        resolution_confidence: None,
                        stage: BERT_NER_STAGE.to_string(),
                        confidence,
                    });
                }
            }
        }
        Ok(found)
    }

    fn apply(&self, doc: &mut Document, found: Vec<Mention>) {
        let existing = std::mem::take(&mut doc.mentions);
        doc.mentions = match self.config.mode {
            NerMode::Replace => replace_names(existing, found),
            NerMode::Vote => vote(existing, found, self.config.vote_weight),
        };
    }
}

impl<C: TokenClassifier> Stage for BertNer<C> {
    fn process(&self, doc: &mut Document) -> Result<(), StageError> {
        let mut results = self.process_batch(std::slice::from_mut(doc));
        results.pop().unwrap_or(Ok(()))
    }

    fn process_batch(&self, docs: &mut [Document]) -> Vec<Result<(), StageError>> {
        match self.find_mentions(docs) {
            Ok(found) => docs
                .iter_mut()
                .zip(found)
                .map(|(doc, mentions)| {
                    self.apply(doc, mentions);
                    Ok(())
                })
                .collect(),
            Err(error) => {
                let message = error.to_string();
                docs.iter()
                    .map(|doc| {
                        Err(StageError::other(BertError::Inference {
                            doc: doc.id.clone(),
                            message: message.clone(),
                        }))
                    })
                    .collect()
            }
        }
    }
}

fn overlaps(a: Span, b: Span) -> bool {
    a.start < b.end && b.start < a.end
}

fn sorted(mut mentions: Vec<Mention>) -> Vec<Mention> {
    mentions.sort_by_key(|m| (m.span.start, m.span.end));
    mentions
}

/// Replace mode: earlier name mentions go; nominal and pronoun mentions stay unless the
/// model found a name over them.
pub fn replace_names(existing: Vec<Mention>, found: Vec<Mention>) -> Vec<Mention> {
    let mut out: Vec<Mention> = existing
        .into_iter()
        .filter(|m| m.kind != MentionKind::Name && !found.iter().any(|f| overlaps(f.span, m.span)))
        .collect();
    out.extend(found);
    sorted(out)
}

/// Vote mode. For each model mention: no earlier name mention overlaps → it is added;
/// the same span → agreement raises the confidence, disagreement on the type goes to
/// the more confident side (model confidence × `weight`); a different overlapping span →
/// the model's span replaces the earlier ones only when it is more confident than all.
pub fn vote(existing: Vec<Mention>, found: Vec<Mention>, weight: f32) -> Vec<Mention> {
    let mut out = existing;
    for proposal in found {
        let weighted = (proposal.confidence * weight).clamp(0.0, 1.0);
        let rivals: Vec<usize> = out
            .iter()
            .enumerate()
            .filter(|(_, m)| m.kind == MentionKind::Name && overlaps(m.span, proposal.span))
            .map(|(i, _)| i)
            .collect();
        if rivals.is_empty() {
            out.push(proposal);
            continue;
        }
        let same = rivals
            .iter()
            .copied()
            .find(|&i| out.get(i).is_some_and(|m| m.span == proposal.span));
        if let (Some(i), true) = (same, rivals.len() == 1) {
            if let Some(earlier) = out.get_mut(i) {
                if earlier.entity_type == proposal.entity_type {
                    earlier.confidence = 1.0 - (1.0 - earlier.confidence) * (1.0 - weighted);
                } else if weighted > earlier.confidence {
                    earlier.entity_type = proposal.entity_type;
                    earlier.confidence = weighted;
                }
            }
            continue;
        }
        let strongest = rivals
            .iter()
            .filter_map(|&i| out.get(i))
            .map(|m| m.confidence)
            .fold(0.0, f32::max);
        if weighted > strongest {
            let mut index = 0;
            out.retain(|_| {
                let keep = !rivals.contains(&index);
                index += 1;
                keep
            });
            out.push(proposal);
        }
    }
    sorted(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    use stancegraph_core::{EntityType, Metadata, Registry};

    const BESSENT: &str =
        "US Treasury Secretary Scott Bessent is preparing for critical talks with Chinese Vice-Premier He Lifeng.";

    fn mention(
        text: &str,
        needle: &str,
        entity_type: EntityType,
        confidence: f32,
        stage: &str,
    ) -> Mention {
        let start = text.find(needle).unwrap_or(0);
        Mention {
            span: Span::new(start, start + needle.len()),
            entity_type,
            kind: MentionKind::Name,
            entity: None,
            resolution: None,
            resolution_confidence: None,
            stage: stage.to_string(),
            confidence,
        }
    }

    /// Labels words that start with a capital after "Secretary"/"Premier" as names, the
    /// way a person-name tagger would, so the stage logic is tested without libtorch.
    struct TitleFollower;
    impl TokenClassifier for TitleFollower {
        fn classify(&self, sentences: &[Vec<String>]) -> Result<Vec<Vec<Vec<f32>>>, BertError> {
            Ok(sentences
                .iter()
                .map(|words| {
                    let mut state = 0; // 0 = outside, 1 = after title, 2 = given name seen
                    words
                        .iter()
                        .map(|w| {
                            let capital = w.chars().next().is_some_and(char::is_uppercase);
                            let label = match (state, capital) {
                                (1, true) => 1,
                                (2, true) => 3,
                                _ => 0,
                            };
                            state = if w == "Secretary" || w.ends_with("Premier") {
                                1
                            } else if label == 1 {
                                2
                            } else {
                                0
                            };
                            (0..4)
                                .map(|i| if i == label { 0.9 } else { 0.03 })
                                .collect()
                        })
                        .collect()
                })
                .collect())
        }
    }

    fn tokenized(text: &str) -> Document {
        let mut registry = Registry::new();
        stancegraph_text::register(&mut registry);
        let context = stancegraph_core::BuildContext {
            data_dir: "data".into(),
            config_path: "test".into(),
        };
        let mut doc = Document::new(None, text, Metadata::default());
        if let Some(factory) = registry.get("text.tokenize") {
            if let Ok(stage) = factory.build(&serde_json::json!({}), &context) {
                let _ = stage.process(&mut doc);
            }
        }
        doc
    }

    fn stage(mode: NerMode) -> BertNer<TitleFollower> {
        let id2label: BTreeMap<usize, String> = ["O", "B-GIVEN_NAME", "I-GIVEN_NAME", "B-SURNAME"]
            .iter()
            .enumerate()
            .map(|(i, l)| (i, l.to_string()))
            .collect();
        let config = BertNerConfig {
            mode,
            batch_size: 1,
            ..BertNerConfig::default()
        };
        let scheme = LabelScheme::new(&id2label, &config.labels).unwrap_or_default();
        BertNer::new(TitleFollower, scheme, config)
    }

    #[test]
    fn finds_people_over_document_tokens() {
        let mut doc = tokenized(BESSENT);
        assert!(!doc.tokens.is_empty(), "text.tokenize produced no tokens");
        stage(NerMode::Replace).process(&mut doc).unwrap();
        let names: Vec<&str> = doc.mentions.iter().map(|m| doc.slice(m.span)).collect();
        assert!(names.contains(&"Scott Bessent"), "{names:?}");
        assert!(doc
            .mentions
            .iter()
            .all(|m| m.entity_type == EntityType::Per && m.stage == BERT_NER_STAGE));
        doc.validate().unwrap();
    }

    #[test]
    fn batching_across_documents_keeps_results_apart() {
        let mut docs = vec![
            tokenized(BESSENT),
            tokenized("Nothing here. Secretary Jane Roe spoke."),
            tokenized(""),
        ];
        let results = stage(NerMode::Vote).process_batch(&mut docs);
        assert!(results.iter().all(Result::is_ok));
        assert!(docs[0]
            .mentions
            .iter()
            .any(|m| docs[0].slice(m.span) == "Scott Bessent"));
        assert_eq!(
            docs[1]
                .mentions
                .iter()
                .map(|m| docs[1].slice(m.span))
                .collect::<Vec<_>>(),
            vec!["Jane Roe"]
        );
        assert!(docs[2].mentions.is_empty());
    }

    #[test]
    fn vote_confirms_retypes_adds_and_respects_stronger_earlier_spans() {
        let t = BESSENT;
        let existing = vec![
            mention(t, "US", EntityType::Gpe, 0.9, "entities.ner"),
            mention(t, "Scott Bessent", EntityType::Per, 0.6, "entities.ner"),
            mention(t, "He Lifeng", EntityType::Org, 0.4, "entities.ner"),
            mention(t, "Chinese", EntityType::Norp, 0.95, "entities.ner"),
        ];
        let found = vec![
            mention(t, "Scott Bessent", EntityType::Per, 0.8, BERT_NER_STAGE),
            mention(t, "He Lifeng", EntityType::Per, 0.9, BERT_NER_STAGE),
            mention(t, "Chinese Vice", EntityType::Per, 0.7, BERT_NER_STAGE),
            mention(t, "Treasury", EntityType::Org, 0.7, BERT_NER_STAGE),
        ];
        let out = vote(existing, found, 1.0);
        let view: Vec<(&str, EntityType)> = out
            .iter()
            .map(|m| (&t[m.span.start..m.span.end], m.entity_type))
            .collect();
        assert_eq!(
            view,
            vec![
                ("US", EntityType::Gpe),
                ("Treasury", EntityType::Org),
                ("Scott Bessent", EntityType::Per),
                ("Chinese", EntityType::Norp),
                ("He Lifeng", EntityType::Per),
            ]
        );
        let bessent = out
            .iter()
            .find(|m| &t[m.span.start..m.span.end] == "Scott Bessent")
            .unwrap();
        assert!(
            (bessent.confidence - 0.92).abs() < 1e-4,
            "agreement raises confidence: {}",
            bessent.confidence
        );
    }

    #[test]
    fn replace_keeps_pronouns_but_drops_earlier_names() {
        let t = BESSENT;
        let mut pronoun = mention(t, "He", EntityType::Per, 0.5, "entities.ner");
        pronoun.kind = MentionKind::Pronoun;
        let mut nominal = mention(
            t,
            "Treasury Secretary",
            EntityType::Per,
            0.5,
            "entities.ner",
        );
        nominal.kind = MentionKind::Nominal;
        let existing = vec![
            mention(t, "US", EntityType::Gpe, 0.9, "entities.ner"),
            nominal,
            pronoun,
        ];
        let found = vec![mention(
            t,
            "He Lifeng",
            EntityType::Per,
            0.9,
            BERT_NER_STAGE,
        )];
        let out = replace_names(existing, found);
        let view: Vec<&str> = out.iter().map(|m| &t[m.span.start..m.span.end]).collect();
        assert_eq!(view, vec!["Treasury Secretary", "He Lifeng"]);
    }
}
