//! The NER tagger: an averaged perceptron over BILOU labels, decoded greedily left to
//! right with BILOU transition constraints and a document-level prediction history
//! (Ratinov & Roth 2009). Training, decoding and the model file live here.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::io::Write;
use std::path::Path;

use crate::clusters::Clusters;
use crate::conll::{ConllDocument, NerScorer, NerScores, TokenEntity};
use crate::features::{
    dynamic_features, FeatureExtractor, PreparedDocument, SentenceFeatures, WordHistory,
};
use crate::lexicon::Lexicon;
use crate::EntitiesError;

/// CoNLL entity types, in label order.
pub const TYPES: [&str; 4] = ["PER", "ORG", "LOC", "MISC"];
/// `O` plus B, I, L, U for each type.
pub const LABELS: usize = 1 + 4 * TYPES.len();

const MAGIC: &[u8; 8] = b"SGNER\0\0\x03";

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

/// Identity hasher for keys that are already hashes.
#[derive(Default)]
struct IdentityHasher(u64);

impl Hasher for IdentityHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | b as u64;
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = v;
    }
}

type FeatureIndex = HashMap<u64, u32, BuildHasherDefault<IdentityHasher>>;

/// Entity found by the tagger in one sentence, with a confidence in 0..1.
#[derive(Debug, Clone, PartialEq)]
pub struct TaggedEntity {
    pub start: usize,
    pub end: usize,
    /// Index into [`TYPES`].
    pub type_index: usize,
    pub confidence: f32,
}

impl TaggedEntity {
    pub fn label(&self) -> &'static str {
        TYPES.get(self.type_index).copied().unwrap_or("MISC")
    }
}

/// Weights keyed by feature hash, one row of [`LABELS`] scores each.
trait Weights {
    fn add_scores(&self, feature: u64, scores: &mut [f32; LABELS]);
}

/// Averaged weights of one tagging pass.
#[derive(Default, Clone)]
struct Table {
    index: FeatureIndex,
    weights: Vec<f32>,
}

/// A trained tagger: a first pass, and a second pass that also reads the first pass's
/// labels of the whole document (so a headline learns from the body below it).
pub struct NerModel {
    first: Table,
    second: Option<Table>,
    features: FeatureExtractor,
    /// Number of averaged-perceptron epochs the final pass was trained for.
    pub epochs: u32,
}

impl Weights for Table {
    #[inline]
    fn add_scores(&self, feature: u64, scores: &mut [f32; LABELS]) {
        if let Some(&row) = self.index.get(&feature) {
            let start = row as usize * LABELS;
            if let Some(values) = self.weights.get(start..start + LABELS) {
                for (s, w) in scores.iter_mut().zip(values) {
                    *s += w;
                }
            }
        }
    }
}

/// Reusable buffers for decoding.
#[derive(Default)]
struct Scratch {
    dynamic: Vec<u64>,
}

/// Greedy decoding of one document. `on_token` sees every token's features and prediction
/// and returns the label to keep (training passes the prediction through after updating).
fn decode<W: Weights>(
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
            for &f in statics.iter().chain(scratch.dynamic.iter()) {
                weights.add_scores(f, &mut scores);
            }
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

    pub fn lexicon(&self) -> &Lexicon {
        &self.features.lexicon
    }

    pub fn feature_count(&self) -> usize {
        self.first.index.len() + self.second.as_ref().map_or(0, |t| t.index.len())
    }

    /// Strict CoNLL scores on documents with gold entities.
    pub fn evaluate(&self, documents: &[ConllDocument]) -> NerScores {
        score_with(&self.first, self.second.as_ref(), &self.features, documents)
    }

    /// Writes the model: header, clusters, then sparse feature rows.
    pub fn save(&self, path: &Path) -> Result<(), EntitiesError> {
        let io = |source| EntitiesError::Io {
            path: path.to_path_buf(),
            source,
        };
        let mut out: Vec<u8> = Vec::new();
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&self.epochs.to_le_bytes());
        let mut clusters: Vec<(&String, &Vec<u32>)> = self.features.clusters.entries().collect();
        clusters.sort();
        out.extend_from_slice(&(clusters.len() as u32).to_le_bytes());
        for (word, paths) in clusters {
            let bytes = word.as_bytes();
            out.push(bytes.len().min(255) as u8);
            out.extend_from_slice(&bytes[..bytes.len().min(255)]);
            out.push(paths.len() as u8);
            for &p in paths {
                out.extend_from_slice(&(p as u16).to_le_bytes());
            }
        }
        let mut case: Vec<(&String, &u8)> = self.features.clusters.case_entries().collect();
        case.sort();
        out.extend_from_slice(&(case.len() as u32).to_le_bytes());
        for (word, class) in case {
            let bytes = word.as_bytes();
            out.push(bytes.len().min(255) as u8);
            out.extend_from_slice(&bytes[..bytes.len().min(255)]);
            out.push(*class);
        }
        write_table(&mut out, &self.first);
        match &self.second {
            Some(table) => {
                out.push(1);
                write_table(&mut out, table);
            }
            None => out.push(0),
        }
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        let temp = path.with_extension("bin.tmp");
        let mut file = std::fs::File::create(&temp).map_err(io)?;
        file.write_all(&out).map_err(io)?;
        drop(file);
        std::fs::rename(&temp, path).map_err(io)
    }

    /// Reads a model written by [`NerModel::save`].
    pub fn load(path: &Path) -> Result<Self, EntitiesError> {
        let bytes = stancegraph_assets::read(path).map_err(|e| EntitiesError::Io {
            path: path.to_path_buf(),
            source: e.into(),
        })?;
        Self::from_bytes(&bytes).map_err(|message| EntitiesError::Model {
            path: path.to_path_buf(),
            message,
        })
    }

    fn from_bytes(bytes: &[u8]) -> Result<Self, String> {
        let mut reader = ByteReader { bytes, at: 0 };
        if reader.take(MAGIC.len())? != MAGIC {
            return Err("not a stancegraph NER model (bad magic or version)".into());
        }
        let epochs = reader.u32()?;
        let cluster_count = reader.u32()? as usize;
        let mut clusters = crate::features::FastMap::default();
        for _ in 0..cluster_count {
            let len = reader.u8()? as usize;
            let word = String::from_utf8(reader.take(len)?.to_vec()).map_err(|e| e.to_string())?;
            let levels = reader.u8()? as usize;
            let mut paths = Vec::with_capacity(levels);
            for _ in 0..levels {
                paths.push(reader.u16()? as u32);
            }
            clusters.insert(word, paths);
        }
        let case_count = reader.u32()? as usize;
        let mut case = crate::features::FastMap::default();
        for _ in 0..case_count {
            let len = reader.u8()? as usize;
            let word = String::from_utf8(reader.take(len)?.to_vec()).map_err(|e| e.to_string())?;
            case.insert(word, reader.u8()?);
        }
        let first = read_table(&mut reader)?;
        let second = if reader.u8()? == 1 {
            Some(read_table(&mut reader)?)
        } else {
            None
        };
        Ok(NerModel {
            first,
            second,
            features: FeatureExtractor {
                lexicon: Lexicon::builtin(),
                clusters: Clusters::from_entries(clusters, case),
            },
            epochs,
        })
    }
}

fn write_table(out: &mut Vec<u8>, table: &Table) {
    let mut rows: Vec<(u64, u32)> = table.index.iter().map(|(&f, &r)| (f, r)).collect();
    rows.sort_unstable();
    out.extend_from_slice(&(rows.len() as u64).to_le_bytes());
    for (feature, row) in rows {
        let start = row as usize * LABELS;
        let values = table.weights.get(start..start + LABELS).unwrap_or(&[]);
        out.extend_from_slice(&feature.to_le_bytes());
        let nonzero: Vec<(usize, f32)> = values
            .iter()
            .copied()
            .enumerate()
            .filter(|&(_, w)| w != 0.0)
            .collect();
        out.push(nonzero.len() as u8);
        for (label, w) in nonzero {
            out.push(label as u8);
            out.extend_from_slice(&w.to_le_bytes());
        }
    }
}

fn read_table(reader: &mut ByteReader<'_>) -> Result<Table, String> {
    let rows = reader.u64()? as usize;
    if rows > reader.bytes.len() {
        return Err("corrupt model: row count past the file".into());
    }
    let mut index = FeatureIndex::with_capacity_and_hasher(rows, Default::default());
    let mut weights = vec![0f32; rows * LABELS];
    for row in 0..rows {
        let feature = reader.u64()?;
        let nonzero = reader.u8()? as usize;
        for _ in 0..nonzero {
            let label = reader.u8()? as usize;
            let w = f32::from_bits(reader.u32()?);
            if label < LABELS {
                weights[row * LABELS + label] = w;
            }
        }
        index.insert(feature, row as u32);
    }
    Ok(Table { index, weights })
}

struct ByteReader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> ByteReader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let slice = self
            .bytes
            .get(self.at..self.at + n)
            .ok_or("truncated model file")?;
        self.at += n;
        Ok(slice)
    }
    fn u8(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?[0])
    }
    fn u16(&mut self) -> Result<u16, String> {
        let b = self.take(2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }
    fn u32(&mut self) -> Result<u32, String> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn u64(&mut self) -> Result<u64, String> {
        let b = self.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_le_bytes(a))
    }
}

/// Training settings.
#[derive(Debug, Clone)]
pub struct TrainSettings {
    pub epochs: u32,
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

/// Averaged-perceptron state: current weights, their running sums and last-update times.
struct Trainer {
    index: FeatureIndex,
    weights: Vec<f32>,
    totals: Vec<f64>,
    stamps: Vec<u32>,
    time: u32,
}

impl Weights for RefCell<Trainer> {
    #[inline]
    fn add_scores(&self, feature: u64, scores: &mut [f32; LABELS]) {
        let trainer = self.borrow();
        if let Some(&row) = trainer.index.get(&feature) {
            let start = row as usize * LABELS;
            for (s, w) in scores
                .iter_mut()
                .zip(&trainer.weights[start..start + LABELS])
            {
                *s += w;
            }
        }
    }
}

impl Trainer {
    fn update(&mut self, feature: u64, label: usize, delta: f32) {
        let next = self.index.len() as u32;
        let row = *self.index.entry(feature).or_insert(next);
        if row == next {
            self.weights.extend_from_slice(&[0.0; LABELS]);
            self.totals.extend_from_slice(&[0.0; LABELS]);
            self.stamps.extend_from_slice(&[0; LABELS]);
        }
        let i = row as usize * LABELS + label;
        self.totals[i] += (self.time - self.stamps[i]) as f64 * self.weights[i] as f64;
        self.stamps[i] = self.time;
        self.weights[i] += delta;
    }

    fn averaged(&self) -> Vec<f32> {
        let time = self.time.max(1) as f64;
        self.weights
            .iter()
            .zip(&self.totals)
            .zip(&self.stamps)
            .map(|((&w, &total), &stamp)| {
                ((total + (self.time - stamp) as f64 * w as f64) / time) as f32
            })
            .collect()
    }
}

/// Tags one document with a first pass and an optional second pass.
fn tag_with(
    first: &Table,
    second: Option<&Table>,
    extractor: &FeatureExtractor,
    sentences: &[Vec<&str>],
) -> Vec<Vec<(usize, f32)>> {
    let mut prepared = PreparedDocument::new(sentences);
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
    first: &Table,
    second: Option<&Table>,
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
/// pass. `evaluate` scores each epoch's averaged weights (higher is better); the best is kept.
fn train_pass(
    extractor: &FeatureExtractor,
    documents: &[ConllDocument],
    priors: Option<&[Vec<Vec<usize>>]>,
    epochs: u32,
    seed: u64,
    evaluate: &mut dyn FnMut(&Table) -> Option<f64>,
    progress: &mut dyn FnMut(&str),
) -> (Table, u32) {
    let trainer = RefCell::new(Trainer {
        index: FeatureIndex::default(),
        weights: Vec::new(),
        totals: Vec::new(),
        stamps: Vec::new(),
        time: 0,
    });
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
    let mut rng = seed.max(1);
    let mut best: Option<(f64, Table, u32)> = None;
    for epoch in 1..=epochs {
        // Fisher-Yates with xorshift: deterministic shuffles.
        for i in (1..order.len()).rev() {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            order.swap(i, (rng % (i as u64 + 1)) as usize);
        }
        let mut errors = 0usize;
        let mut tokens = 0usize;
        for &d in &order {
            let sentences = words_of(&documents[d]);
            let mut prepared = PreparedDocument::new(&sentences);
            if let Some(prior) = priors.and_then(|p| p.get(d)) {
                prepared.set_prior(prior.clone());
            }
            let gold_doc = &gold[d];
            let features = extractor.document_features(&prepared);
            // Online learning: scores borrow the trainer per feature, updates between tokens.
            decode(
                &trainer,
                &features,
                &prepared,
                |statics, dynamic, predicted, _prev, s, i| {
                    tokens += 1;
                    let mut trainer = trainer.borrow_mut();
                    trainer.time += 1;
                    let truth = gold_doc.get(s).and_then(|g| g.get(i)).copied().unwrap_or(0);
                    if truth != predicted {
                        errors += 1;
                        for &f in statics.iter().chain(dynamic) {
                            trainer.update(f, truth, 1.0);
                            trainer.update(f, predicted, -1.0);
                        }
                    }
                    predicted
                },
            );
        }
        let table = {
            let trainer = trainer.borrow();
            let mut table = Table {
                index: trainer.index.clone(),
                weights: trainer.averaged(),
            };
            table.prune();
            table
        };
        let mut line = format!(
            "  epoch {epoch}: train token error {:.4}, features {}",
            errors as f64 / tokens.max(1) as f64,
            table.index.len()
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
        let (table, _) = train_pass(
            &extractor,
            &subset,
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

impl Table {
    /// Drops features whose averaged weights are all zero.
    fn prune(&mut self) {
        let mut index = FeatureIndex::default();
        let mut weights = Vec::new();
        for (&feature, &row) in &self.index {
            let start = row as usize * LABELS;
            let Some(values) = self.weights.get(start..start + LABELS) else {
                continue;
            };
            if values.iter().any(|&w| w != 0.0) {
                index.insert(feature, (weights.len() / LABELS) as u32);
                weights.extend_from_slice(values);
            }
        }
        self.index = index;
        self.weights = weights;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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
        }
        let documents = parse_conll(&text);
        let model = train(
            &documents,
            Some(&documents),
            Clusters::default(),
            &TrainSettings { epochs: 3, seed: 1 },
            |_| {},
        );
        assert!(model.evaluate(&documents).f1 > 0.99);
        let dir = std::env::temp_dir().join(format!("stancegraph-ner-test-{}", std::process::id()));
        let path = dir.join("ner.bin");
        model.save(&path).unwrap();
        let loaded = NerModel::load(&path).unwrap();
        assert!(loaded.evaluate(&documents).f1 > 0.99);
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn load_rejects_garbage() {
        assert!(NerModel::from_bytes(b"not a model").is_err());
        let mut truncated = MAGIC.to_vec();
        truncated.extend_from_slice(&[1, 0, 0, 0, 5]);
        assert!(NerModel::from_bytes(&truncated).is_err());
    }
}
