//! `embed.sentences`: sentence vectors and what they are used for (alias merging, issue
//! grouping, optional prototype stance), independent of how vectors are computed.

use std::collections::BTreeMap;

use stancegraph_core::{
    ActorRef, Document, MentionKind, Polarity, Stage, StageError, Stance, Target,
};

use crate::{config::EmbedConfig, error::BertError};

/// Registered name of the sentence-embedding stage.
pub const EMBED_STAGE: &str = "embed.sentences";
/// Key of the extension layer in `Document::extensions` (layer name `ext:embed`).
pub const EMBED_EXTENSION: &str = "embed";

/// Turns texts into unit-length vectors (one per text, in order).
pub trait SentenceEncoder: Send + Sync {
    /// Encodes one batch (at most the configured `batch_size` texts); must return exactly
    /// one vector per text, all of the same dimension.
    fn encode(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, BertError>;
}

/// Cosine similarity; 0 for empty or zero vectors.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let na: f32 = a.iter().map(|x| x * x).sum::<f32>().sqrt();
    let nb: f32 = b.iter().map(|x| x * x).sum::<f32>().sqrt();
    if na == 0.0 || nb == 0.0 {
        0.0
    } else {
        dot / (na * nb)
    }
}

/// Whether every word of the shorter name occurs in the longer ("Xi" / "Xi Jinping").
pub fn names_compatible(a: &str, b: &str) -> bool {
    let words = |s: &str| {
        s.split_whitespace()
            .map(|w| w.to_lowercase())
            .collect::<Vec<_>>()
    };
    let (short, long) = if a.len() <= b.len() {
        (words(a), words(b))
    } else {
        (words(b), words(a))
    };
    !short.is_empty() && short.iter().all(|w| long.contains(w))
}

/// Greedy grouping: each item joins the first group whose first member is at least
/// `threshold` similar, else starts a group. Returns groups of indices.
pub fn group_by_similarity(vectors: &[Vec<f32>], threshold: f32) -> Vec<Vec<usize>> {
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (i, v) in vectors.iter().enumerate() {
        let home = groups.iter_mut().find(|g| {
            g.first()
                .and_then(|&first| vectors.get(first))
                .is_some_and(|f| cosine(f, v) >= threshold)
        });
        match home {
            Some(group) => group.push(i),
            None => groups.push(vec![i]),
        }
    }
    groups
}

fn mean(vectors: &[&Vec<f32>]) -> Vec<f32> {
    let dim = vectors.first().map_or(0, |v| v.len());
    let mut out = vec![0.0; dim];
    for v in vectors {
        for (o, x) in out.iter_mut().zip(v.iter()) {
            *o += x;
        }
    }
    let n = vectors.len().max(1) as f32;
    out.iter_mut().for_each(|o| *o /= n);
    out
}

/// The stage.
pub struct EmbedSentences<E> {
    encoder: E,
    config: EmbedConfig,
}

impl<E: SentenceEncoder> EmbedSentences<E> {
    /// Wraps an encoder (the libtorch MiniLM, or any other for tests) with the stage config.
    pub fn new(encoder: E, config: EmbedConfig) -> Self {
        EmbedSentences { encoder, config }
    }

    fn encode(&self, texts: Vec<String>) -> Result<Vec<Vec<f32>>, BertError> {
        let mut out = Vec::with_capacity(texts.len());
        for chunk in texts.chunks(self.config.batch_size.max(1)) {
            let vectors = self.encoder.encode(chunk)?;
            if vectors.len() != chunk.len() {
                return Err(BertError::VectorCount {
                    expected: chunk.len(),
                    got: vectors.len(),
                });
            }
            out.extend(vectors);
        }
        Ok(out)
    }

    fn annotate(&self, doc: &mut Document) -> Result<(), BertError> {
        let sentence_texts: Vec<String> = doc
            .sentences
            .iter()
            .map(|s| doc.slice(s.span).to_string())
            .collect();
        let sentence_vectors = self.encode(sentence_texts)?;
        let mut layer = serde_json::Map::new();
        layer.insert("model".into(), self.config.model.clone().into());
        layer.insert(
            "dim".into(),
            sentence_vectors.first().map_or(0, |v| v.len()).into(),
        );
        layer.insert("sentences".into(), sentence_vectors.len().into());
        if self.config.store_vectors {
            let spans: Vec<_> = doc
                .sentences
                .iter()
                .map(|s| doc.export_span(s.span))
                .collect();
            let rows: Vec<serde_json::Value> = spans
                .iter()
                .zip(&sentence_vectors)
                .map(|(span, v)| serde_json::json!({"start": span.start, "end": span.end, "vector": v}))
                .collect();
            layer.insert("vectors".into(), rows.into());
        }
        if self.config.alias_threshold > 0.0 {
            let merges = self.merge_aliases(doc, &sentence_vectors)?;
            layer.insert(
                "alias_merges".into(),
                serde_json::to_value(merges).unwrap_or_default(),
            );
        }
        if self.config.issue_threshold > 0.0 {
            layer.insert("issue_groups".into(), self.group_issues(doc)?.into());
        }
        if self.config.score_stance {
            layer.insert("quote_stance".into(), self.score_quotes(doc)?.into());
        }
        doc.extensions.insert(
            EMBED_EXTENSION.to_string(),
            serde_json::Value::Object(layer),
        );
        Ok(())
    }

    /// An entity's vector: its name plus the mean of the sentences it is named in.
    fn entity_vectors(
        &self,
        doc: &Document,
        sentence_vectors: &[Vec<f32>],
    ) -> Result<Vec<Vec<f32>>, BertError> {
        let names = self.encode(doc.entities.iter().map(|e| e.canonical.clone()).collect())?;
        Ok(doc
            .entities
            .iter()
            .zip(names)
            .map(|(entity, name)| {
                let contexts: Vec<&Vec<f32>> = doc
                    .mentions
                    .iter()
                    .filter(|m| {
                        m.kind == MentionKind::Name
                            && m.entity.as_deref() == Some(entity.id.as_str())
                    })
                    .filter_map(|m| {
                        doc.sentences
                            .iter()
                            .position(|s| s.span.start <= m.span.start && m.span.end <= s.span.end)
                    })
                    .filter_map(|i| sentence_vectors.get(i))
                    .collect();
                if contexts.is_empty() {
                    name
                } else {
                    let context = mean(&contexts);
                    name.iter().zip(context).map(|(a, b)| a + b).collect()
                }
            })
            .collect())
    }

    /// Merges entities of one type with compatible names and similar vectors into the one
    /// with the longer name; every reference to the merged id is rewritten.
    fn merge_aliases(
        &self,
        doc: &mut Document,
        sentence_vectors: &[Vec<f32>],
    ) -> Result<Vec<AliasMerge>, BertError> {
        if doc.entities.len() < 2 {
            return Ok(Vec::new());
        }
        let vectors = self.entity_vectors(doc, sentence_vectors)?;
        let mut into: BTreeMap<usize, usize> = BTreeMap::new();
        let mut merges = Vec::new();
        for i in 0..doc.entities.len() {
            for j in (i + 1)..doc.entities.len() {
                if into.contains_key(&i) || into.contains_key(&j) {
                    continue;
                }
                let (Some(a), Some(b), Some(va), Some(vb)) = (
                    doc.entities.get(i),
                    doc.entities.get(j),
                    vectors.get(i),
                    vectors.get(j),
                ) else {
                    continue;
                };
                let similarity = cosine(va, vb);
                if a.entity_type != b.entity_type
                    || a.canonical == b.canonical && a.key == b.key && a.id == b.id
                    || !names_compatible(&a.canonical, &b.canonical)
                    || similarity < self.config.alias_threshold
                {
                    continue;
                }
                let (keep, gone) = if b.canonical.len() > a.canonical.len() {
                    (j, i)
                } else {
                    (i, j)
                };
                into.insert(gone, keep);
                merges.push(AliasMerge {
                    kept: doc
                        .entities
                        .get(keep)
                        .map(|e| e.id.clone())
                        .unwrap_or_default(),
                    merged: doc
                        .entities
                        .get(gone)
                        .map(|e| e.id.clone())
                        .unwrap_or_default(),
                    similarity,
                });
            }
        }
        for merge in &merges {
            apply_merge(doc, &merge.kept, &merge.merged);
        }
        Ok(merges)
    }

    fn group_issues(&self, doc: &Document) -> Result<Vec<serde_json::Value>, BertError> {
        let mut labels: Vec<String> = doc
            .stances
            .iter()
            .map(|s| &s.target)
            .chain(doc.relations.iter().map(|r| &r.target))
            .filter_map(|t| match t {
                Target::Issue { label, .. } => Some(label.clone()),
                Target::Actor { .. } => None,
            })
            .collect();
        labels.sort();
        labels.dedup();
        let vectors = self.encode(labels.clone())?;
        Ok(group_by_similarity(&vectors, self.config.issue_threshold)
            .into_iter()
            .map(|group| {
                let members: Vec<&str> = group.iter().filter_map(|&i| labels.get(i)).map(String::as_str).collect();
                serde_json::json!({"label": members.first().copied().unwrap_or(""), "members": members})
            })
            .collect())
    }

    /// Scores each quote against the prototypes; adds a stance (same holder and target)
    /// where the quote's earlier stances are all neutral and the margin is clear.
    fn score_quotes(&self, doc: &mut Document) -> Result<Vec<serde_json::Value>, BertError> {
        let prototypes: Vec<String> = self
            .config
            .support_prototypes
            .iter()
            .chain(&self.config.oppose_prototypes)
            .cloned()
            .collect();
        let quotes: Vec<String> = doc
            .quotes
            .iter()
            .map(|q| doc.slice(q.content).to_string())
            .collect();
        if quotes.is_empty() || prototypes.is_empty() {
            return Ok(Vec::new());
        }
        let prototype_vectors = self.encode(prototypes)?;
        let (support, oppose) = prototype_vectors.split_at(
            self.config
                .support_prototypes
                .len()
                .min(prototype_vectors.len()),
        );
        let quote_vectors = self.encode(quotes)?;
        let best =
            |v: &[f32], set: &[Vec<f32>]| set.iter().map(|p| cosine(v, p)).fold(f32::MIN, f32::max);
        let mut scores = Vec::new();
        let mut added = Vec::new();
        for (quote, v) in doc.quotes.iter().zip(&quote_vectors) {
            let (s, o) = (best(v, support), best(v, oppose));
            let polarity = if s - o >= self.config.stance_margin {
                Polarity::Support
            } else if o - s >= self.config.stance_margin {
                Polarity::Oppose
            } else {
                Polarity::Neutral
            };
            scores.push(serde_json::json!({"quote": quote.id, "support": s, "oppose": o, "polarity": polarity}));
            let earlier: Vec<&Stance> = doc
                .stances
                .iter()
                .filter(|st| st.quote.as_deref() == Some(quote.id.as_str()))
                .collect();
            if polarity != Polarity::Neutral
                && !earlier.is_empty()
                && earlier.iter().all(|st| st.polarity == Polarity::Neutral)
            {
                for st in earlier {
                    added.push(Stance {
                        polarity,
                        trigger: None,
                        stage: EMBED_STAGE.to_string(),
                        confidence: (s - o).abs().clamp(0.0, 1.0),
                        ..st.clone()
                    });
                }
            }
        }
        doc.stances.extend(added);
        Ok(scores)
    }
}

/// One alias merge: `merged` now points at `kept`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AliasMerge {
    /// Id of the entity that stays (the one with the longer canonical name).
    pub kept: String,
    /// Id of the entity folded into `kept`; it no longer exists in the document.
    pub merged: String,
    /// Cosine similarity of the two entity vectors (name vector plus mean sentence vector).
    pub similarity: f32,
}

/// Folds entity `gone` into `keep`: aliases, roles, mentions, and every actor reference.
fn apply_merge(doc: &mut Document, keep: &str, gone: &str) {
    let Some(position) = doc.entities.iter().position(|e| e.id == gone) else {
        return;
    };
    let removed = doc.entities.remove(position);
    if let Some(target) = doc.entities.iter_mut().find(|e| e.id == keep) {
        for alias in std::iter::once(removed.canonical).chain(removed.aliases) {
            if alias != target.canonical && !target.aliases.contains(&alias) {
                target.aliases.push(alias);
            }
        }
        target.roles.extend(removed.roles);
    }
    for mention in doc
        .mentions
        .iter_mut()
        .filter(|m| m.entity.as_deref() == Some(gone))
    {
        mention.entity = Some(keep.to_string());
        mention.resolution = Some("embedding".to_string());
    }
    let fix_actor = |actor: &mut ActorRef| {
        if let ActorRef::Entity { id } = actor {
            if id == gone {
                *id = keep.to_string();
            }
        }
    };
    let fix_target = |target: &mut Target| {
        if let Target::Actor { id } = target {
            if id == gone {
                *id = keep.to_string();
            }
        }
    };
    doc.quotes
        .iter_mut()
        .for_each(|q| fix_actor(&mut q.speaker));
    for relation in &mut doc.relations {
        fix_actor(&mut relation.source);
        fix_target(&mut relation.target);
    }
    for stance in &mut doc.stances {
        fix_actor(&mut stance.holder);
        fix_target(&mut stance.target);
    }
}

impl<E: SentenceEncoder> Stage for EmbedSentences<E> {
    fn process(&self, doc: &mut Document) -> Result<(), StageError> {
        self.annotate(doc).map_err(|e| {
            StageError::other(BertError::Inference {
                doc: doc.id.clone(),
                message: e.to_string(),
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use stancegraph_core::{
        Entity, EntityType, Mention, Metadata, Quote, QuoteKind, Sentence, SentenceKind, Span,
    };

    /// Bag of lower-cased words hashed into 64 dimensions: similar wording, similar vector.
    struct BagOfWords;
    impl SentenceEncoder for BagOfWords {
        fn encode(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, BertError> {
            Ok(texts
                .iter()
                .map(|t| {
                    let mut v = vec![0.0f32; 64];
                    for w in t
                        .split(|c: char| !c.is_alphanumeric())
                        .filter(|w| !w.is_empty())
                    {
                        let h = w
                            .to_lowercase()
                            .bytes()
                            .fold(7usize, |h, b| h.wrapping_mul(31).wrapping_add(b as usize));
                        v[h % 64] += 1.0;
                    }
                    v
                })
                .collect())
        }
    }

    fn entity(id: &str, canonical: &str) -> Entity {
        Entity {
            id: id.into(),
            canonical: canonical.into(),
            entity_type: EntityType::Per,
            aliases: vec![],
            roles: vec![],
            key: format!("per:{}", canonical.to_lowercase()),
            gender: None,
            stage: "entities.resolve".into(),
            confidence: 0.9,
        }
    }

    fn doc_with_xi() -> Document {
        let text = "Chinese leader Xi Jinping met Trump. Xi said talks went well. Trump left.";
        let mut doc = Document::new(None, text, Metadata::default());
        for s in [
            "Chinese leader Xi Jinping met Trump.",
            "Xi said talks went well.",
            "Trump left.",
        ] {
            let start = text.find(s).unwrap();
            doc.sentences.push(Sentence {
                span: Span::new(start, start + s.len()),
                kind: SentenceKind::Body,
                stage: "t".into(),
                confidence: 1.0,
            });
        }
        doc.entities = vec![
            entity("E1", "Xi Jinping"),
            entity("E2", "Trump"),
            entity("E3", "Xi"),
        ];
        let mut add = |needle: &str, from: usize, id: &str| {
            let start = text[from..].find(needle).unwrap() + from;
            doc.mentions.push(Mention {
                span: Span::new(start, start + needle.len()),
                entity_type: EntityType::Per,
                kind: MentionKind::Name,
                entity: Some(id.into()),
                resolution: Some("name".into()),
                resolution_confidence: Some(1.0),
                stage: "entities.ner".into(),
                confidence: 0.9,
            });
        };
        add("Xi Jinping", 0, "E1");
        add("Trump", 0, "E2");
        add("Xi", 37, "E3");
        add("Trump", 60, "E2");
        doc.quotes.push(Quote {
            id: "Q1".into(),
            content: Span::new(40, 60),
            cue: None,
            source: None,
            speaker: ActorRef::Entity { id: "E3".into() },
            kind: QuoteKind::Indirect,
            class: Default::default(),
            stage: "t".into(),
            confidence: 0.8,
        });
        doc
    }

    #[test]
    fn merges_compatible_similar_names_and_rewrites_references() {
        let mut doc = doc_with_xi();
        let config = EmbedConfig {
            alias_threshold: 0.3,
            ..EmbedConfig::default()
        };
        EmbedSentences::new(BagOfWords, config)
            .process(&mut doc)
            .unwrap();
        let ids: Vec<&str> = doc.entities.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, vec!["E1", "E2"]);
        assert_eq!(doc.entities[0].aliases, vec!["Xi".to_string()]);
        assert!(doc
            .mentions
            .iter()
            .all(|m| m.entity.as_deref() != Some("E3")));
        assert_eq!(doc.quotes[0].speaker, ActorRef::Entity { id: "E1".into() });
        let layer = &doc.extensions[EMBED_EXTENSION];
        assert_eq!(layer["sentences"], 3);
        assert_eq!(layer["alias_merges"][0]["merged"], "E3");
        doc.validate().unwrap();
    }

    #[test]
    fn incompatible_names_never_merge() {
        assert!(names_compatible("Xi", "Xi Jinping"));
        assert!(!names_compatible("Trump", "Xi Jinping"));
        assert!(!names_compatible("", "Xi"));
        let mut doc = doc_with_xi();
        let config = EmbedConfig {
            alias_threshold: 0.01,
            ..EmbedConfig::default()
        };
        EmbedSentences::new(BagOfWords, config)
            .process(&mut doc)
            .unwrap();
        assert!(doc.entities.iter().any(|e| e.canonical == "Trump"));
    }

    #[test]
    fn groups_similar_vectors() {
        let v = vec![vec![1.0, 0.0], vec![0.9, 0.1], vec![0.0, 1.0]];
        assert_eq!(group_by_similarity(&v, 0.9), vec![vec![0, 1], vec![2]]);
        assert_eq!(cosine(&[], &[]), 0.0);
    }
}
