//! The NER tagger: an averaged perceptron over BILOU labels, decoded greedily left to
//! right with BILOU transition constraints and a document-level prediction history
//! (Ratinov & Roth 2009). Training and decoding live here, the model file in
//! `model_file.rs`; the weights,
//! the averaged perceptron and the file format are `stancegraph-linear`'s.

use std::cell::RefCell;

use stancegraph_linear::{Score, Shuffler, Trainer, Weights};

use crate::clusters::Clusters;
use crate::conll::{ConllDocument, NerScorer, NerScores, TokenEntity};
use crate::features::{
    dynamic_features, FeatureExtractor, PreparedDocument, SentenceFeatures, WordHistory,
};
use crate::lexicon::Lexicon;

/// CoNLL entity types, in label order.
pub const TYPES: [&str; 4] = ["PER", "ORG", "LOC", "MISC"];
/// `O` plus B, I, L, U for each type.
pub const LABELS: usize = 1 + 4 * TYPES.len();

/// Position of a BILOU label: 0 B, 1 I, 2 L, 3 U.
#[inline]
fn position(label: usize) -> Option<usize> {
    label.checked_sub(1).map(|l| l % 4)
}

/// Entity type index (0-based into [`TYPES`]) of a label.
#[inline]
fn type_of(label: usize) -> Option<usize> {
    label.checked_sub(1).map(|l| l / 4)
}

/// 0 for O, else 1 + type: the coarse label used by the prediction history.
#[inline]
fn coarse(label: usize) -> u8 {
    type_of(label).map_or(0, |t| t as u8 + 1)
}

fn label_of(type_index: usize, position: usize) -> usize {
    1 + type_index * 4 + position
}

/// Whether `next` may follow `prev` (BILOU), and whether it may end the sentence.
#[inline]
fn allowed(prev: usize, next: usize, last: bool) -> bool {
    let inside = matches!(position(prev), Some(0) | Some(1));
    let ok = if inside {
        type_of(next) == type_of(prev) && matches!(position(next), Some(1) | Some(2))
    } else {
        matches!(position(next), None | Some(0) | Some(3))
    };
    ok && !(last && matches!(position(next), Some(0) | Some(1)))
}

/// Entity found by the tagger in one sentence, with a confidence in 0..1.
#[derive(Debug, Clone, PartialEq)]
pub struct TaggedEntity {
    /// Index of the first token in the sentence (a token index, not a byte offset).
    pub start: usize,
    /// Index one past the last token (exclusive).
    pub end: usize,
    /// Index into [`TYPES`].
    pub type_index: usize,
    /// The lowest confidence of the entity's tokens, in 0..1.
    pub confidence: f32,
}

impl TaggedEntity {
    /// The entity's type name from [`TYPES`] (`MISC` for an out-of-range index).
    pub fn label(&self) -> &'static str {
        TYPES.get(self.type_index).copied().unwrap_or("MISC")
    }
}

/// A trained tagger: a first pass, and a second pass that also reads the first pass's
/// labels of the whole document (so a headline learns from the body below it).
pub struct NerModel {
    pub(crate) first: Weights,
    pub(crate) second: Option<Weights>,
    pub(crate) features: FeatureExtractor,
    /// Number of averaged-perceptron epochs the final pass was trained for.
    pub epochs: u32,
}

impl NerModel {
    /// The model's word clusters and case classes (learned from raw text when it was
    /// trained), for a retrain that keeps them.
    pub fn into_clusters(self) -> Clusters {
        self.features.clusters
    }
}

/// Reusable buffers for decoding.
#[derive(Default)]
struct Scratch {
    dynamic: Vec<u64>,
}

/// Greedy decoding of one document. `on_token` sees every token's features and prediction
/// and returns the label to keep (training passes the prediction through after updating).
fn decode<W: Score>(
    weights: &W,
    features: &[SentenceFeatures],
    doc: &PreparedDocument<'_>,
    mut on_token: impl FnMut(&[u64], &[u64], usize, usize, usize, usize) -> usize,
) -> Vec<Vec<(usize, f32)>> {
    let mut scratch = Scratch::default();
    let mut history: crate::features::FastMap<&str, WordHistory> = Default::default();
    let mut output = Vec::with_capacity(doc.sentences.len());
    for (s, sentence) in doc.sentences.iter().enumerate() {
        let Some(sentence_features) = features.get(s) else {
            break;
        };
        let mut labels: Vec<(usize, f32)> = Vec::with_capacity(sentence.len());
        let (mut prev1, mut prev2) = (0usize, 0usize);
        for (i, token) in sentence.iter().enumerate() {
            let statics = sentence_features.token(i);
            let seen = if token.capitalised {
                history.get(token.lower.as_str())
            } else {
                None
            };
            dynamic_features(
                coarse_or_label(prev1),
                coarse_or_label(prev2),
                token,
                seen,
                &mut scratch.dynamic,
            );
            let mut scores = [0f32; LABELS];
            weights.add_scores(statics, &mut scores);
            weights.add_scores(&scratch.dynamic, &mut scores);
            let last = i + 1 == sentence.len();
            let mut best = (f32::MIN, 0usize);
            let mut second = f32::MIN;
            for (label, &score) in scores.iter().enumerate() {
                if !allowed(prev1, label, last) {
                    continue;
                }
                if score > best.0 {
                    second = best.0;
                    best = (score, label);
                } else if score > second {
                    second = score;
                }
            }
            let predicted = on_token(statics, &scratch.dynamic, best.1, prev1, s, i);
            let margin = if second == f32::MIN {
                10.0
            } else {
                best.0 - second
            };
            let confidence = 1.0 / (1.0 + (-margin).exp());
            labels.push((predicted, confidence));
            if token.capitalised {
                let entry = history.entry(token.lower.as_str()).or_default();
                let c = coarse(predicted);
                if let Some(count) = entry.counts.get_mut(c as usize) {
                    *count = count.saturating_add(1);
                }
                entry.last = c;
            }
            prev2 = prev1;
            prev1 = predicted;
        }
        output.push(labels);
    }
    output
}

/// Previous-label features use the full BILOU label.
#[inline]
fn coarse_or_label(label: usize) -> u8 {
    label as u8
}

/// Entities of a BILOU label sequence; confidence is the lowest token confidence.
fn labels_to_entities(labels: &[(usize, f32)]) -> Vec<TaggedEntity> {
    let mut entities = Vec::new();
    let mut open: Option<(usize, usize, f32)> = None;
    for (i, &(label, confidence)) in labels.iter().enumerate() {
        match (position(label), type_of(label)) {
            (Some(0), Some(t)) => open = Some((i, t, confidence)),
            (Some(1), Some(t)) => {
                if let Some(o) = open.as_mut().filter(|o| o.1 == t) {
                    o.2 = o.2.min(confidence);
                }
            }
            (Some(2), Some(t)) => {
                if let Some((start, ot, c)) = open.take() {
                    if ot == t {
                        entities.push(TaggedEntity {
                            start,
                            end: i + 1,
                            type_index: t,
                            confidence: c.min(confidence),
                        });
                    }
                }
            }
            (Some(3), Some(t)) => {
                open = None;
                entities.push(TaggedEntity {
                    start: i,
                    end: i + 1,
                    type_index: t,
                    confidence,
                });
            }
            _ => open = None,
        }
    }
    entities
}

/// BILOU labels of a sentence from its entities.
fn entities_to_labels(len: usize, entities: &[TokenEntity]) -> Vec<usize> {
    let mut labels = vec![0usize; len];
    for entity in entities {
        let Some(t) = TYPES.iter().position(|&name| name == entity.label) else {
            continue;
        };
        if entity.end > len || entity.start >= entity.end {
            continue;
        }
        if entity.end - entity.start == 1 {
            labels[entity.start] = label_of(t, 3);
        } else {
            labels[entity.start] = label_of(t, 0);
            for label in &mut labels[entity.start + 1..entity.end - 1] {
                *label = label_of(t, 1);
            }
            labels[entity.end - 1] = label_of(t, 2);
        }
    }
    labels
}

impl NerModel {
    /// Entities of every sentence of a document (each sentence a list of token strings).
    pub fn tag_document(&self, sentences: &[Vec<&str>]) -> Vec<Vec<TaggedEntity>> {
        tag_with(&self.first, self.second.as_ref(), &self.features, sentences)
            .iter()
            .map(|labels| labels_to_entities(labels))
            .collect()
    }

    /// The gazetteers the model's features were built with (always the built-in ones).
    pub fn lexicon(&self) -> &Lexicon {
        &self.features.lexicon
    }

    /// Number of features with weights, over both passes (a size measure for reports).
    pub fn feature_count(&self) -> usize {
        self.first.n_features() + self.second.as_ref().map_or(0, Weights::n_features)
    }

    /// Strict CoNLL scores on documents with gold entities.
    pub fn evaluate(&self, documents: &[ConllDocument]) -> NerScores {
        score_with(&self.first, self.second.as_ref(), &self.features, documents)
    }
}

/// Training settings.
#[derive(Debug, Clone)]
pub struct TrainSettings {
    /// Most perceptron epochs per pass; with dev data the epoch with the best dev F1 is
    /// kept, otherwise the last.
    pub epochs: u32,
    /// Seed of the per-epoch shuffle of training documents (same seed, same model).
    pub seed: u64,
}

impl Default for TrainSettings {
    fn default() -> Self {
        TrainSettings {
            epochs: 12,
            seed: 7,
        }
    }
}

/// Tags one document with a first pass and an optional second pass.
fn tag_with(
    first: &Weights,
    second: Option<&Weights>,
    extractor: &FeatureExtractor,
    sentences: &[Vec<&str>],
) -> Vec<Vec<(usize, f32)>> {
    let mut prepared = PreparedDocument::new(sentences, &extractor.clusters);
    let statics = extractor.document_features(&prepared);
    let labels = decode(first, &statics, &prepared, |_, _, predicted, _, _, _| {
        predicted
    });
    match second {
        Some(second) => {
            prepared.set_prior(
                labels
                    .iter()
                    .map(|s| s.iter().map(|&(l, _)| l).collect())
                    .collect(),
            );
            // Static features are shared by both passes; only the prior ones are new.
            let features: Vec<SentenceFeatures> = statics
                .iter()
                .enumerate()
                .map(|(s, f)| extractor.with_prior(&prepared, s, f))
                .collect();
            decode(second, &features, &prepared, |_, _, predicted, _, _, _| {
                predicted
            })
        }
        None => labels,
    }
}

fn words_of(document: &ConllDocument) -> Vec<Vec<&str>> {
    document
        .sentences
        .iter()
        .map(|s| s.words.iter().map(String::as_str).collect())
        .collect()
}

fn score_with(
    first: &Weights,
    second: Option<&Weights>,
    extractor: &FeatureExtractor,
    documents: &[ConllDocument],
) -> NerScores {
    let mut scorer = NerScorer::default();
    for document in documents {
        let predicted = tag_with(first, second, extractor, &words_of(document));
        for (sentence, labels) in document.sentences.iter().zip(&predicted) {
            let entities: Vec<TokenEntity> = labels_to_entities(labels)
                .iter()
                .map(|e| TokenEntity {
                    start: e.start,
                    end: e.end,
                    label: e.label().to_string(),
                })
                .collect();
            scorer.add_sentence(&sentence.entities, &entities, sentence.words.len());
        }
    }
    scorer.scores()
}

/// Trains one pass for `epochs`; `priors` (first-pass labels per document) make it a second
/// pass. `weights[d]` scales the updates of document `d` (missing: 1, as for gold data). `evaluate` scores each epoch's averaged weights (higher is better); the best is kept.
#[allow(clippy::too_many_arguments)]
fn train_pass(
    extractor: &FeatureExtractor,
    documents: &[ConllDocument],
    weights: &[f32],
    priors: Option<&[Vec<Vec<usize>>]>,
    epochs: u32,
    seed: u64,
    evaluate: &mut dyn FnMut(&Weights) -> Option<f64>,
    progress: &mut dyn FnMut(&str),
) -> (Weights, u32) {
    let trainer = RefCell::new(Trainer::new(LABELS));
    let gold: Vec<Vec<Vec<usize>>> = documents
        .iter()
        .map(|d| {
            d.sentences
                .iter()
                .map(|s| entities_to_labels(s.words.len(), &s.entities))
                .collect()
        })
        .collect();
    let mut order: Vec<usize> = (0..documents.len()).collect();
    let mut shuffler = Shuffler::with_state(seed);
    let mut best: Option<(f64, Weights, u32)> = None;
    for epoch in 1..=epochs {
        shuffler.shuffle(&mut order);
        let mut errors = 0usize;
        let mut tokens = 0usize;
        for &d in &order {
            let sentences = words_of(&documents[d]);
            let mut prepared = PreparedDocument::new(&sentences, &extractor.clusters);
            if let Some(prior) = priors.and_then(|p| p.get(d)) {
                prepared.set_prior(prior.clone());
            }
            let gold_doc = &gold[d];
            let weight = weights.get(d).copied().unwrap_or(1.0);
            let features = extractor.document_features(&prepared);
            // Online learning: scores borrow the trainer per feature, updates between tokens.
            decode(
                &trainer,
                &features,
                &prepared,
                |statics, dynamic, predicted, _prev, s, i| {
                    tokens += 1;
                    let mut trainer = trainer.borrow_mut();
                    trainer.tick();
                    let truth = gold_doc.get(s).and_then(|g| g.get(i)).copied().unwrap_or(0);
                    if truth != predicted {
                        errors += 1;
                        if weight == 1.0 {
                            trainer.update(statics, truth, predicted);
                            trainer.update(dynamic, truth, predicted);
                        } else {
                            for &f in statics.iter().chain(dynamic) {
                                trainer.add(f, truth, weight);
                                trainer.add(f, predicted, -weight);
                            }
                        }
                    }
                    predicted
                },
            );
        }
        let table = trainer.borrow().average(0.0);
        let mut line = format!(
            "  epoch {epoch}: train token error {:.4}, features {}",
            errors as f64 / tokens.max(1) as f64,
            table.n_features()
        );
        let score = evaluate(&table);
        if let Some(score) = score {
            line.push_str(&format!(", dev F1 {score:.4}"));
        }
        progress(&line);
        let score = score.unwrap_or(epoch as f64);
        if best.as_ref().is_none_or(|(b, _, _)| score > *b) {
            best = Some((score, table, epoch));
        }
    }
    best.map(|(_, table, epoch)| (table, epoch))
        .unwrap_or_default()
}

/// Trains a tagger on CoNLL documents: a first pass (its epoch count chosen on `dev` when
/// given), first-pass labels for the training documents by 4-fold jackknifing, then a
/// second pass that reads them. `progress` receives one line per epoch.
pub fn train(
    train: &[ConllDocument],
    dev: Option<&[ConllDocument]>,
    clusters: Clusters,
    settings: &TrainSettings,
    progress: impl FnMut(&str),
) -> NerModel {
    train_weighted(train, &[], dev, clusters, settings, progress)
}

/// [`train`] with a weight per training document scaling its perceptron updates (silver
/// data from another tagger below 1, gold at 1; documents past the end of `weights` get 1).
pub fn train_weighted(
    train: &[ConllDocument],
    weights: &[f32],
    dev: Option<&[ConllDocument]>,
    clusters: Clusters,
    settings: &TrainSettings,
    mut progress: impl FnMut(&str),
) -> NerModel {
    let extractor = FeatureExtractor {
        lexicon: Lexicon::builtin(),
        clusters,
    };
    progress("first pass");
    let (first, first_epochs) = train_pass(
        &extractor,
        train,
        weights,
        None,
        settings.epochs,
        settings.seed,
        &mut |table| dev.map(|dev| score_with(table, None, &extractor, dev).f1),
        &mut progress,
    );
    const FOLDS: usize = 4;
    let mut priors: Vec<Vec<Vec<usize>>> = vec![Vec::new(); train.len()];
    for fold in 0..FOLDS {
        progress(&format!(
            "jackknife fold {} of {FOLDS} ({first_epochs} epochs)",
            fold + 1
        ));
        let (rest, held): (Vec<usize>, Vec<usize>) =
            (0..train.len()).partition(|d| d % FOLDS != fold);
        let subset: Vec<ConllDocument> = rest.iter().map(|&d| train[d].clone()).collect();
        let subset_weights: Vec<f32> = rest
            .iter()
            .map(|&d| weights.get(d).copied().unwrap_or(1.0))
            .collect();
        let (table, _) = train_pass(
            &extractor,
            &subset,
            &subset_weights,
            None,
            first_epochs,
            settings.seed + fold as u64 + 1,
            &mut |_| None,
            &mut |_| {},
        );
        for d in held {
            let labels = tag_with(&table, None, &extractor, &words_of(&train[d]));
            priors[d] = labels
                .into_iter()
                .map(|s| s.into_iter().map(|(l, _)| l).collect())
                .collect();
        }
    }
    progress("second pass");
    let (second, epochs) = train_pass(
        &extractor,
        train,
        weights,
        Some(&priors),
        settings.epochs,
        settings.seed,
        &mut |table| dev.map(|dev| score_with(&first, Some(table), &extractor, dev).f1),
        &mut progress,
    );
    NerModel {
        first,
        second: Some(second),
        features: extractor,
        epochs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clusters::VectorClusters;
    use crate::conll::parse_conll;

    #[test]
    fn bilou_round_trip_and_constraints() {
        let entities = vec![
            TokenEntity {
                start: 0,
                end: 2,
                label: "PER".into(),
            },
            TokenEntity {
                start: 3,
                end: 4,
                label: "LOC".into(),
            },
        ];
        let labels = entities_to_labels(5, &entities);
        let tagged = labels_to_entities(&labels.iter().map(|&l| (l, 1.0)).collect::<Vec<_>>());
        assert_eq!(tagged.len(), 2);
        assert_eq!(
            (tagged[0].start, tagged[0].end, tagged[0].label()),
            (0, 2, "PER")
        );
        assert!(!allowed(label_of(0, 0), 0, false));
        assert!(allowed(label_of(0, 0), label_of(0, 2), true));
        assert!(!allowed(0, label_of(1, 0), true));
    }

    #[test]
    fn learns_a_toy_corpus_and_round_trips_through_a_file() {
        let mut text = String::new();
        for _ in 0..20 {
            text.push_str("-DOCSTART- -X- O O\n\nJohn X X I-PER\nSmith X X I-PER\nvisited X X O\nParis X X I-LOC\n. X X O\n\n");
            text.push_str("-DOCSTART- -X- O O\n\nMary X X I-PER\nJones X X I-PER\nleft X X O\nRome X X I-LOC\ntoday X X O\n. X X O\n\n");
        }
        let documents = parse_conll(&text);
        let vectors = VectorClusters::parse("Jones\t7\t1\t2\t3\nRome\t9\t4\t5\t6\n").unwrap();
        let model = train(
            &documents,
            Some(&documents),
            Clusters::default().with_vectors(vectors),
            &TrainSettings { epochs: 3, seed: 1 },
            |_| {},
        );
        assert!(model.evaluate(&documents).f1 > 0.99);
        let dir = std::env::temp_dir().join(format!("stancegraph-ner-test-{}", std::process::id()));
        let path = dir.join("ner.bin");
        model.save(&path).unwrap();
        let loaded = NerModel::load(&path).unwrap();
        assert!(loaded.evaluate(&documents).f1 > 0.99);
        assert_eq!(loaded.feature_count(), model.feature_count());
        let bytes = model.to_bytes();
        let decoded = NerModel::from_bytes(&bytes).unwrap();
        assert_eq!(decoded.to_bytes(), bytes);
        let vectors = decoded.into_clusters();
        assert_eq!(vectors.vectors().get("Rome"), Some((9, [4, 5, 6])));
        assert_eq!(vectors.vectors().len(), 2);
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn an_unseen_name_is_tagged_through_its_static_vector_cluster() {
        // Training never sees "Garcia"; the vectors put it in the cluster of the training
        // surnames, so "Garcia" after an unknown first name is still a person.
        let mut text = String::new();
        for (first, last, place) in [("John", "Smith", "Paris"), ("Mary", "Jones", "Rome")] {
            for _ in 0..20 {
                text.push_str(&format!(
                    "-DOCSTART- -X- O O\n\nbut X X O\n{first} X X I-PER\n{last} X X I-PER\nleft X X O\n\nthey X X O\nleft X X O\n{place} X X I-LOC\n\n"
                ));
            }
        }
        let documents = parse_conll(&text);
        let vectors = VectorClusters::parse(
            "Smith\t1\t1\t1\t1\nJones\t2\t1\t1\t1\nGarcia\t3\t1\t1\t1\nJohn\t4\t2\t2\t2\nMary\t5\t2\t2\t2\nAna\t6\t2\t2\t2\nParis\t7\t3\t3\t3\nRome\t8\t3\t3\t3\n",
        )
        .unwrap();
        let settings = TrainSettings { epochs: 5, seed: 1 };
        let probe = parse_conll(
            "-DOCSTART- -X- O O\n\nthey X X O\nleft X X O\nAna X X I-PER\nGarcia X X I-PER\n\n",
        );
        let with = train(
            &documents,
            None,
            Clusters::default().with_vectors(vectors),
            &settings,
            |_| {},
        );
        assert!(
            with.evaluate(&probe).f1 > 0.99,
            "{:?}",
            with.evaluate(&probe)
        );
        let without = train(&documents, None, Clusters::default(), &settings, |_| {});
        assert!(
            without.evaluate(&probe).f1 < 0.5,
            "{:?}",
            without.evaluate(&probe)
        );
    }
}
