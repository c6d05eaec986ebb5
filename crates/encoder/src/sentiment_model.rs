//! The target-sentiment model on candle: a model directory whose `sentiment` head reads the
//! opening target marker (see the parent module), run through [`EncoderModel::score`] with
//! each (sentence, target) as a one-token document, so inputs of many targets share padded
//! batches.

use std::ops::Range;
use std::path::Path;

use super::{
    target_window, text_target_window, TargetWindow, SENTIMENT_LABELS, SENTIMENT_SCHEME,
    SENTIMENT_TASK,
};
use crate::model::EncoderModel;
use crate::EncoderError;

/// The shipped model directory, relative to the project's `data/` directory. It lies outside
/// `data/models/` on purpose: everything there is embedded in the default binary, and these
/// 23 MB of weights are read from the data directory by the accurate preset only.
pub const DEFAULT_SENTIMENT_DIR: &str = "sentiment-encoder";
/// Inputs per forward pass.
const BATCH_INPUTS: usize = 32;

/// The sentiment toward one target.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TargetSentiment {
    /// Index into [`SENTIMENT_LABELS`] of the most probable class.
    pub label: usize,
    /// Probabilities of negative, neutral, positive.
    pub probs: [f32; 3],
}

impl TargetSentiment {
    /// "negative", "neutral" or "positive".
    pub fn label_name(&self) -> &'static str {
        SENTIMENT_LABELS[self.label.min(2)]
    }

    fn from_log_probs(row: &[f32]) -> Option<TargetSentiment> {
        let [a, b, c] = <[f32; 3]>::try_from(row).ok()?;
        let probs = [a.exp(), b.exp(), c.exp()];
        let label = (0..3).max_by(|&i, &j| probs[i].total_cmp(&probs[j]))?;
        Some(TargetSentiment { label, probs })
    }
}

/// A loaded sentiment model directory.
#[derive(Debug)]
pub struct SentimentModel {
    encoder: EncoderModel,
    head: usize,
}

impl SentimentModel {
    /// Loads `dir` (config.json, vocab.txt, heads.json with a `sentiment` head labelled
    /// negative/neutral/positive, model.safetensors) with int8 matrix products, as
    /// [`EncoderModel::load`].
    pub fn load(dir: &Path) -> Result<SentimentModel, EncoderError> {
        SentimentModel::load_with(dir, true)
    }

    /// Loads `dir`; `int8` chooses int8 matrix products (fast) or f32 ones (the reference
    /// computation, equal to libtorch's within float rounding).
    pub fn load_with(dir: &Path, int8: bool) -> Result<SentimentModel, EncoderError> {
        let encoder = EncoderModel::load_with(dir, int8)?;
        let head = encoder
            .head_index(SENTIMENT_TASK)
            .ok_or_else(|| EncoderError::Model {
                path: dir.to_path_buf(),
                reason: format!("heads.json has no {SENTIMENT_TASK:?} head"),
            })?;
        let labels = &encoder.heads()[head].spec.labels;
        if labels.iter().map(String::as_str).ne(SENTIMENT_LABELS) {
            return Err(EncoderError::Model {
                path: dir.to_path_buf(),
                reason: format!("sentiment labels {labels:?}, expected {SENTIMENT_LABELS:?}"),
            });
        }
        let scheme = &encoder.heads()[head].spec.scheme;
        if scheme != SENTIMENT_SCHEME {
            return Err(EncoderError::Model {
                path: dir.to_path_buf(),
                reason: format!("sentiment head scheme {scheme:?}, expected {SENTIMENT_SCHEME:?}"),
            });
        }
        Ok(SentimentModel { encoder, head })
    }

    /// The underlying encoder (spec, vocabulary).
    pub fn encoder(&self) -> &EncoderModel {
        &self.encoder
    }

    /// The model input for tokens `target` of a sentence's tokens.
    pub fn window<S: AsRef<str>>(
        &self,
        tokens: &[S],
        target: Range<usize>,
    ) -> Result<TargetWindow, EncoderError> {
        target_window(
            self.encoder.wordpiece(),
            tokens,
            target,
            self.encoder.spec().max_pieces,
        )
    }

    /// The model input for a sentence as text and its target as a byte range.
    pub fn text_window(
        &self,
        sentence: &str,
        target: Range<usize>,
    ) -> Result<TargetWindow, EncoderError> {
        text_target_window(
            self.encoder.wordpiece(),
            sentence,
            target,
            self.encoder.spec().max_pieces,
        )
    }

    /// Classifies many inputs, batched; one result per input.
    pub fn predict(&self, inputs: &[TargetWindow]) -> Vec<Result<TargetSentiment, EncoderError>> {
        let documents: Vec<_> = inputs.iter().map(TargetWindow::document).collect();
        marker_scores(&self.encoder, self.head, &documents, "sentiment target")
            .into_iter()
            .map(|row| {
                let row = row?;
                TargetSentiment::from_log_probs(&row).ok_or_else(|| EncoderError::Inference {
                    context: "sentiment".into(),
                    reason: format!("{} scores for the target marker", row.len()),
                })
            })
            .collect()
    }

    /// [`Self::predict`] on one window.
    fn predict_one(&self, input: &TargetWindow) -> Result<TargetSentiment, EncoderError> {
        self.predict(std::slice::from_ref(input))
            .pop()
            .unwrap_or_else(|| {
                Err(EncoderError::Inference {
                    context: "sentiment".into(),
                    reason: "no result".into(),
                })
            })
    }

    /// The sentiment of a sentence (our tokens) toward the tokens `target`.
    pub fn target_sentiment<S: AsRef<str>>(
        &self,
        tokens: &[S],
        target: Range<usize>,
    ) -> Result<TargetSentiment, EncoderError> {
        let input = self.window(tokens, target)?;
        self.predict_one(&input)
    }

    /// The sentiment of a sentence (text) toward the byte range `target` of it.
    pub fn text_sentiment(
        &self,
        sentence: &str,
        target: Range<usize>,
    ) -> Result<TargetSentiment, EncoderError> {
        let input = self.text_window(sentence, target)?;
        self.predict_one(&input)
    }
}

/// The log-probabilities of head `head` at the one token of each one-token document (a
/// marker window), batched; `what` names the inputs in errors ("sentiment target 3").
pub(crate) fn marker_scores(
    encoder: &EncoderModel,
    head: usize,
    documents: &[crate::windows::DocumentWindows],
    what: &str,
) -> Vec<Result<Vec<f32>, EncoderError>> {
    let names: Vec<String> = (0..documents.len())
        .map(|i| format!("{what} {i}"))
        .collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    encoder
        .score(documents, &names, BATCH_INPUTS, &|| false)
        .into_iter()
        .enumerate()
        .map(|(i, scored)| {
            scored?
                .heads
                .get(head)
                .cloned()
                .ok_or_else(|| EncoderError::Inference {
                    context: format!("{what} {i}"),
                    reason: "no scores for the marker".into(),
                })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shipped model (data/sentiment-encoder), when present.
    fn shipped() -> Option<SentimentModel> {
        let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../data"))
            .join(DEFAULT_SENTIMENT_DIR);
        if !dir.join("model.safetensors").is_file() {
            eprintln!("skipping: no {}", dir.display());
            return None;
        }
        Some(SentimentModel::load(&dir).expect("the shipped sentiment model loads"))
    }

    #[test]
    fn the_shipped_model_reads_the_marked_target_and_rejects_bad_spans() {
        let Some(model) = shipped() else { return };
        let sentence = "Critics accused Johnson of lying to parliament, while Brown was praised for her courage.";
        let at = |mention: &str| {
            let start = sentence.find(mention).expect("mention");
            start..start + mention.len()
        };
        let johnson = model
            .text_sentiment(sentence, at("Johnson"))
            .expect("Johnson");
        let brown = model.text_sentiment(sentence, at("Brown")).expect("Brown");
        assert_eq!(johnson.label_name(), "negative", "{johnson:?}");
        assert_eq!(brown.label_name(), "positive", "{brown:?}");
        let sum: f32 = johnson.probs.iter().sum();
        assert!((sum - 1.0).abs() < 1e-4, "{sum}");
        // Batched and single predictions agree.
        let inputs = [
            model.text_window(sentence, at("Johnson")).expect("window"),
            model.text_window(sentence, at("Brown")).expect("window"),
        ];
        let batch = model.predict(&inputs);
        assert_eq!(batch[1].as_ref().expect("batch").label, brown.label);
        assert!((batch[0].as_ref().expect("batch").probs[0] - johnson.probs[0]).abs() < 1e-4);
        // Bad spans are errors, not panics.
        assert!(model.text_sentiment(sentence, 5..500).is_err());
        assert!(model.text_sentiment(sentence, 3..3).is_err());
        assert!(model.target_sentiment(&["Brown"], 1..2).is_err());
    }
}
