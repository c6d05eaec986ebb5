//! Training the stance model: the pair classifier on SEESAW train (a slice of stories
//! held out to tune its threshold) and the target classifier on NewsMTSC train (the last
//! tenth held out as dev).

use std::path::Path;

use crate::error::RelationsError;
use crate::lexicon::Lexicon;
use crate::model::{LinearModel, StanceModel, TrainOptions};
use crate::seesaw::{load_split, newsmtsc_examples, pair_examples, PAIR_LABELS, TARGET_LABELS};

/// Figures measured while training, printed by `stancegraph train stance`.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct TrainReport {
    pub seesaw_train_pairs: usize,
    pub seesaw_dev_pairs: usize,
    /// Candidate-level triplet F1 on the held-out SEESAW stories at the chosen threshold.
    pub seesaw_dev_f1: f64,
    pub pair_threshold: f32,
    pub newsmtsc_train: usize,
    pub newsmtsc_dev: usize,
    pub newsmtsc_dev_accuracy: f64,
    pub newsmtsc_dev_macro_f1: f64,
}

/// Whether a SEESAW article belongs to the held-out dev slice (every fifth story).
fn is_dev(article_id: &str) -> bool {
    article_id
        .strip_prefix("TRIPLET_")
        .and_then(|rest| rest.get(..3))
        .and_then(|n| n.parse::<u32>().ok())
        .is_some_and(|n| n % 5 == 0)
}

/// Candidate-level F1 of (pair, polarity) decisions at `threshold`.
fn pair_f1(model: &LinearModel, examples: &[(Vec<String>, usize)], threshold: f32) -> f64 {
    let (mut correct, mut predicted, mut gold) = (0usize, 0usize, 0usize);
    for (features, label) in examples {
        let probs = model.predict(features);
        let (support, oppose) = (
            probs.get(1).copied().unwrap_or(0.0),
            probs.get(2).copied().unwrap_or(0.0),
        );
        if *label != 0 {
            gold += 1;
        }
        if support + oppose >= threshold {
            predicted += 1;
            let guess = if support > oppose { 1 } else { 2 };
            if guess == *label {
                correct += 1;
            }
        }
    }
    let p = if predicted == 0 {
        0.0
    } else {
        correct as f64 / predicted as f64
    };
    let r = if gold == 0 {
        0.0
    } else {
        correct as f64 / gold as f64
    };
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

/// Trains both classifiers. Without NewsMTSC the target classifier is trained on nothing
/// and falls back to the lexicon at prediction time (threshold above 1).
pub fn train_stance_model(
    seesaw_dir: &Path,
    newsmtsc: Option<&Path>,
    lexicon: &Lexicon,
) -> Result<(StanceModel, TrainReport), RelationsError> {
    let articles = load_split(seesaw_dir, "train")?;
    let (dev, train): (Vec<_>, Vec<_>) = articles.into_iter().partition(|a| is_dev(&a.id));
    let train_examples = pair_examples(&train, lexicon);
    let dev_examples = pair_examples(&dev, lexicon);
    let options = TrainOptions {
        epochs: 10,
        learning_rate: 0.05,
        l2: 1e-4,
        min_count: 2,
        seed: 11,
    };
    let pair = LinearModel::train(&PAIR_LABELS, &train_examples, options);
    let (mut best_threshold, mut best_f1) = (0.5f32, -1.0f64);
    for step in 2..=16 {
        let threshold = step as f32 * 0.05;
        let f1 = pair_f1(&pair, &dev_examples, threshold);
        if f1 > best_f1 {
            best_f1 = f1;
            best_threshold = threshold;
        }
    }
    let mut report = TrainReport {
        seesaw_train_pairs: train_examples.len(),
        seesaw_dev_pairs: dev_examples.len(),
        seesaw_dev_f1: best_f1.max(0.0),
        pair_threshold: best_threshold,
        ..Default::default()
    };
    let (target, target_threshold) = match newsmtsc {
        Some(path) => {
            let examples = newsmtsc_examples(path, lexicon)?;
            let split = examples.len() * 9 / 10;
            let (train_part, dev_part) = examples.split_at(split);
            let target = LinearModel::train(
                &TARGET_LABELS,
                train_part,
                TrainOptions {
                    epochs: 10,
                    learning_rate: 0.05,
                    l2: 1e-4,
                    min_count: 2,
                    seed: 5,
                },
            );
            let mut confusion = [[0usize; 3]; 3];
            for (features, label) in dev_part {
                let probs = target.predict(features);
                let guess = probs
                    .iter()
                    .enumerate()
                    .max_by(|a, b| a.1.total_cmp(b.1))
                    .map(|(i, _)| i)
                    .unwrap_or(1);
                if let Some(cell) = confusion.get_mut(*label).and_then(|row| row.get_mut(guess)) {
                    *cell += 1;
                }
            }
            let total: usize = confusion.iter().flatten().sum();
            let correct: usize = (0..3).map(|i| confusion[i][i]).sum();
            let f1s: Vec<f64> = (0..3)
                .map(|c| {
                    let tp = confusion[c][c] as f64;
                    let predicted: usize = (0..3).map(|g| confusion[g][c]).sum();
                    let gold: usize = confusion[c].iter().sum();
                    let p = if predicted == 0 {
                        0.0
                    } else {
                        tp / predicted as f64
                    };
                    let r = if gold == 0 { 0.0 } else { tp / gold as f64 };
                    if p + r == 0.0 {
                        0.0
                    } else {
                        2.0 * p * r / (p + r)
                    }
                })
                .collect();
            report.newsmtsc_train = train_part.len();
            report.newsmtsc_dev = dev_part.len();
            report.newsmtsc_dev_accuracy = if total == 0 {
                0.0
            } else {
                correct as f64 / total as f64
            };
            report.newsmtsc_dev_macro_f1 = f1s.iter().sum::<f64>() / 3.0;
            (target, 0.5)
        }
        None => (
            LinearModel {
                labels: TARGET_LABELS.iter().map(|s| s.to_string()).collect(),
                bias: vec![0.0; 3],
                weights: Default::default(),
            },
            1.1,
        ),
    };
    let trained_on = format!(
        "SEESAW train ({} articles, {} held out as dev){}",
        train.len(),
        dev.len(),
        if newsmtsc.is_some() {
            "; NewsMTSC train.jsonl (last 10% held out)"
        } else {
            ""
        }
    );
    Ok((
        StanceModel {
            pair,
            target,
            pair_threshold: best_threshold,
            target_threshold,
            trained_on,
        },
        report,
    ))
}
