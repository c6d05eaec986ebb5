//! A small multinomial logistic regression over string features, and the stance model
//! file that holds two of them: `pair` (none / support / oppose between two actors of a
//! sentence, learned from SEESAW) and `target` (negative / neutral / positive toward one
//! actor, learned from NewsMTSC).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::{Deserialize, Serialize};
use stancegraph_linear::Shuffler;

use crate::calibration::Calibration;
use crate::error::RelationsError;

/// File name of the stance model under the model directory.
pub const MODEL_FILE: &str = "stance_model.json";

/// A multinomial logistic regression over sparse string features: each feature listed adds
/// its weights to the class scores (see [`crate::pair_features`], [`crate::target_features`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LinearModel {
    /// Class names; `bias`, each weight vector and [`LinearModel::predict`]'s output
    /// follow this order.
    pub labels: Vec<String>,
    /// Per-class bias, one per label.
    pub bias: Vec<f32>,
    /// Per-feature weights, one per label; features not listed weigh nothing. Serialised
    /// sorted by feature.
    #[serde(serialize_with = "in_key_order")]
    pub weights: HashMap<String, Vec<f32>>,
}

/// Writes the weights sorted by feature, so that a retrained model has the same bytes.
fn in_key_order<S: serde::Serializer>(
    weights: &HashMap<String, Vec<f32>>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_map(weights.iter().collect::<BTreeMap<_, _>>())
}

/// Training settings for [`LinearModel::train`].
#[derive(Debug, Clone, Copy)]
pub struct TrainOptions {
    /// Passes over the examples.
    pub epochs: usize,
    /// SGD step size of the first epoch; epoch `e` uses `learning_rate / (1 + e / 2)`.
    pub learning_rate: f32,
    /// L2 penalty on the feature weights (the biases are not penalised).
    pub l2: f32,
    /// Features seen fewer times are dropped.
    pub min_count: usize,
    /// Seed of the per-epoch shuffle.
    pub seed: u64,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            epochs: 12,
            learning_rate: 0.1,
            l2: 1e-5,
            min_count: 2,
            seed: 7,
        }
    }
}

fn softmax(scores: &mut [f32]) {
    let max = scores.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut sum = 0.0;
    for s in scores.iter_mut() {
        *s = (*s - max).exp();
        sum += *s;
    }
    if sum > 0.0 {
        for s in scores.iter_mut() {
            *s /= sum;
        }
    }
}

impl LinearModel {
    /// Class probabilities, in the order of `labels`.
    pub fn predict(&self, features: &[String]) -> Vec<f32> {
        let mut scores = self.bias.clone();
        for feature in features {
            if let Some(w) = self.weights.get(feature) {
                for (s, w) in scores.iter_mut().zip(w) {
                    *s += w;
                }
            }
        }
        softmax(&mut scores);
        scores
    }

    /// Trains by SGD on the log loss, examples in a seeded shuffled order each epoch.
    pub fn train(
        labels: &[&str],
        examples: &[(Vec<String>, usize)],
        options: TrainOptions,
    ) -> Self {
        let k = labels.len();
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for (features, _) in examples {
            for f in features {
                *counts.entry(f.as_str()).or_default() += 1;
            }
        }
        let mut model = LinearModel {
            labels: labels.iter().map(|l| l.to_string()).collect(),
            bias: vec![0.0; k],
            weights: counts
                .into_iter()
                .filter(|(_, c)| *c >= options.min_count)
                .map(|(f, _)| (f.to_string(), vec![0.0; k]))
                .collect(),
        };
        let mut order: Vec<usize> = (0..examples.len()).collect();
        // One generator across epochs: each epoch continues the previous one's sequence.
        let mut shuffler = Shuffler::with_state(options.seed);
        for epoch in 0..options.epochs {
            shuffler.shuffle(&mut order);
            let rate = options.learning_rate / (1.0 + epoch as f32 * 0.5);
            for &index in &order {
                let Some((features, gold)) = examples.get(index) else {
                    continue;
                };
                let probs = model.predict(features);
                let gradient: Vec<f32> = probs
                    .iter()
                    .enumerate()
                    .map(|(c, p)| p - if c == *gold { 1.0 } else { 0.0 })
                    .collect();
                for (b, g) in model.bias.iter_mut().zip(&gradient) {
                    *b -= rate * g;
                }
                for f in features {
                    if let Some(w) = model.weights.get_mut(f) {
                        for (w, g) in w.iter_mut().zip(&gradient) {
                            *w -= rate * (g + options.l2 * *w);
                        }
                    }
                }
            }
        }
        // Round weights so the shipped file stays small and diffs stay readable.
        model
            .weights
            .retain(|_, w| w.iter().any(|x| x.abs() >= 1e-3));
        for w in model.weights.values_mut() {
            for x in w.iter_mut() {
                *x = (*x * 1000.0).round() / 1000.0;
            }
        }
        model
    }

    /// Index of a label.
    pub fn label_index(&self, label: &str) -> Option<usize> {
        self.labels.iter().position(|l| l == label)
    }
}

/// The shipped stance model: both classifiers and their decision thresholds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StanceModel {
    /// Labels `none`, `support`, `oppose`.
    pub pair: LinearModel,
    /// Labels `negative`, `neutral`, `positive`.
    pub target: LinearModel,
    /// A pair gets a stance when P(support) + P(oppose) reaches this (tuned on dev).
    pub pair_threshold: f32,
    /// A target sentiment counts when P(positive) or P(negative) reaches this.
    pub target_threshold: f32,
    /// What the model was trained on, for the README and provenance.
    #[serde(default)]
    pub trained_on: String,
    /// Maps raw stance scores to probabilities (absent: raw scores are kept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calibration: Option<Calibration>,
}

impl StanceModel {
    /// Reads a model file (JSON, as written by [`StanceModel::save`]); rejects a model whose
    /// classifiers do not both have three labels.
    pub fn load(path: &Path) -> Result<Self, RelationsError> {
        let text = stancegraph_assets::read_to_string(path).map_err(|e| RelationsError::Io {
            path: path.into(),
            source: e.into(),
        })?;
        let model: StanceModel =
            serde_json::from_str(&text).map_err(|e| RelationsError::Model {
                path: path.into(),
                message: e.to_string(),
            })?;
        if model.pair.labels.len() != 3 || model.target.labels.len() != 3 {
            return Err(RelationsError::Model {
                path: path.into(),
                message: "expected three labels per classifier".into(),
            });
        }
        Ok(model)
    }

    /// Writes the model as JSON (weights sorted by feature, so the bytes are reproducible).
    pub fn save(&self, path: &Path) -> Result<(), RelationsError> {
        let text = serde_json::to_string(self).map_err(|e| RelationsError::Model {
            path: path.into(),
            message: e.to_string(),
        })?;
        std::fs::write(path, text).map_err(|source| RelationsError::Io {
            path: path.into(),
            source,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learns_a_separable_problem() {
        let mut examples = Vec::new();
        for i in 0..50 {
            examples.push((vec!["bias".to_string(), format!("good{}", i % 3)], 1));
            examples.push((vec!["bias".to_string(), format!("bad{}", i % 3)], 0));
        }
        let model = LinearModel::train(&["neg", "pos"], &examples, TrainOptions::default());
        assert!(model.predict(&["good1".into()])[1] > 0.8);
        assert!(model.predict(&["bad2".into()])[0] > 0.8);
    }

    #[test]
    fn a_retrained_model_has_the_same_bytes() {
        let examples: Vec<(Vec<String>, usize)> = (0..60)
            .map(|i| (vec![format!("f{}", i % 7), format!("g{}", i % 5)], i % 2))
            .collect();
        let bytes = || {
            let model = LinearModel::train(&["a", "b"], &examples, TrainOptions::default());
            serde_json::to_string(&model).expect("serialises")
        };
        let first = bytes();
        // Separate HashMaps iterate in different orders; the file must not.
        assert!((0..5).all(|_| bytes() == first));
        let keys: Vec<&str> = first
            .match_indices("\"f")
            .map(|(i, _)| &first[i..i + 3])
            .collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted);
    }
}
