//! The stance pair model on candle: a model directory whose `stance` head reads the holder's
//! opening marker (see the parent module), run through [`EncoderModel::score`] with each
//! (sentence, holder, target) as a one-token document, so the inputs of many pairs share
//! padded batches.

use std::ops::Range;
use std::path::Path;

use super::{pair_window, PairWindow, STANCE_LABELS, STANCE_SCHEME, STANCE_TASK};
use crate::model::EncoderModel;
use crate::sentiment::{marker_scores, split_words_at};
use crate::EncoderError;

/// The shipped model directory, relative to the project's `data/` directory (outside
/// `data/models/`, whose files are embedded in the default binary).
pub const DEFAULT_STANCE_DIR: &str = "stance-encoder";

/// A loaded stance pair model directory.
#[derive(Debug)]
pub struct StancePairModel {
    encoder: EncoderModel,
    head: usize,
}

impl StancePairModel {
    /// Loads `dir` (config.json, vocab.txt, heads.json with a `stance` head labelled
    /// none/support/oppose in the `pair-marker` scheme, model.safetensors) with int8 matrix
    /// products where the CPU has them, as [`EncoderModel::load`].
    pub fn load(dir: &Path) -> Result<StancePairModel, EncoderError> {
        let encoder = EncoderModel::load(dir)?;
        StancePairModel::checked(dir, encoder)
    }

    /// Loads `dir`; `int8` chooses int8 matrix products (fast) or f32 ones (the reference
    /// computation, equal to libtorch's within float rounding).
    pub fn load_with(dir: &Path, int8: bool) -> Result<StancePairModel, EncoderError> {
        let encoder = EncoderModel::load_with(dir, int8)?;
        StancePairModel::checked(dir, encoder)
    }

    fn checked(dir: &Path, encoder: EncoderModel) -> Result<StancePairModel, EncoderError> {
        let bad = |reason: String| EncoderError::Model {
            path: dir.to_path_buf(),
            reason,
        };
        let head = encoder
            .head_index(STANCE_TASK)
            .ok_or_else(|| bad(format!("heads.json has no {STANCE_TASK:?} head")))?;
        let spec = &encoder.heads()[head].spec;
        if spec.labels.iter().map(String::as_str).ne(STANCE_LABELS) {
            return Err(bad(format!(
                "stance labels {:?}, expected {STANCE_LABELS:?}",
                spec.labels
            )));
        }
        if spec.scheme != STANCE_SCHEME {
            return Err(bad(format!(
                "stance head scheme {:?}, expected {STANCE_SCHEME:?}",
                spec.scheme
            )));
        }
        Ok(StancePairModel { encoder, head })
    }

    /// The underlying encoder (spec, vocabulary).
    pub fn encoder(&self) -> &EncoderModel {
        &self.encoder
    }

    /// The model input for a sentence as text and holder and target as byte ranges of it
    /// (non-empty, on character boundaries, not overlapping; otherwise an error naming them).
    pub fn window(
        &self,
        sentence: &str,
        holder: Range<usize>,
        target: Range<usize>,
    ) -> Result<PairWindow, EncoderError> {
        let (words, spans) = split_words_at(
            sentence,
            &[("stance holder", holder), ("stance target", target)],
        )?;
        self.token_window(&words, spans[0].clone(), spans[1].clone())
    }

    /// The model input for a sentence as tokens and holder and target as token ranges.
    pub fn token_window<S: AsRef<str>>(
        &self,
        tokens: &[S],
        holder: Range<usize>,
        target: Range<usize>,
    ) -> Result<PairWindow, EncoderError> {
        let spec = self.encoder.spec();
        pair_window(
            self.encoder.wordpiece(),
            tokens,
            holder,
            target,
            spec.max_pieces,
        )
    }

    /// Class probabilities (in [`STANCE_LABELS`] order) of many inputs, batched; one result
    /// per input.
    pub fn predict(&self, inputs: &[PairWindow]) -> Vec<Result<[f32; 3], EncoderError>> {
        let documents: Vec<_> = inputs.iter().map(PairWindow::document).collect();
        marker_scores(&self.encoder, self.head, &documents, "stance pair")
            .into_iter()
            .map(|row| {
                let row = row?;
                <[f32; 3]>::try_from(row.as_slice())
                    .map(|row| row.map(f32::exp))
                    .map_err(|_| EncoderError::Inference {
                        context: "stance".into(),
                        reason: format!("{} scores for the holder marker", row.len()),
                    })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shipped model (data/stance-encoder), when present.
    fn shipped() -> Option<StancePairModel> {
        let dir =
            Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../data")).join(DEFAULT_STANCE_DIR);
        if !dir.join("model.safetensors").is_file() {
            eprintln!("skipping: no {}", dir.display());
            return None;
        }
        Some(StancePairModel::load(&dir).expect("the shipped stance model loads"))
    }

    fn label(probs: &[f32; 3]) -> &'static str {
        let best = (0..3).max_by(|&a, &b| probs[a].total_cmp(&probs[b]));
        STANCE_LABELS[best.unwrap_or(0)]
    }

    #[test]
    fn the_shipped_model_tells_support_from_opposition_and_holder_from_target() {
        let Some(model) = shipped() else { return };
        let cases = [
            (
                "Obama blasted Republicans for blocking the bill, calling their tactics a disgrace.",
                "Obama",
                "Republicans",
                "oppose",
            ),
            (
                "Sanders endorsed Clinton on Tuesday, praising her as the best candidate to lead the party.",
                "Sanders",
                "Clinton",
                "support",
            ),
        ];
        let at = |sentence: &str, mention: &str| {
            let start = sentence.find(mention).expect("mention");
            start..start + mention.len()
        };
        let mut windows = Vec::new();
        for (sentence, holder, target, _) in cases {
            let (h, t) = (at(sentence, holder), at(sentence, target));
            windows.push(
                model
                    .window(sentence, h.clone(), t.clone())
                    .expect("window"),
            );
            windows.push(model.window(sentence, t, h).expect("reverse window"));
        }
        let out = model.predict(&windows);
        for (i, (sentence, holder, target, expected)) in cases.iter().enumerate() {
            let forward = out[2 * i].as_ref().expect("prediction");
            let reverse = out[2 * i + 1].as_ref().expect("prediction");
            assert_eq!(
                label(forward),
                *expected,
                "{holder} -> {target} in {sentence:?}: {forward:?}"
            );
            let sum: f32 = forward.iter().sum();
            assert!((sum - 1.0).abs() < 1e-4, "{sum}");
            // The target does not hold the stance: the reverse pair gets less of it.
            let k = STANCE_LABELS
                .iter()
                .position(|l| l == expected)
                .unwrap_or(0);
            assert!(
                reverse[k] < forward[k],
                "{target} -> {holder}: {reverse:?} vs {forward:?}"
            );
        }
        // Batched and single predictions agree.
        let single = model.predict(&windows[..1]).remove(0).expect("single");
        let batched = out[0].as_ref().expect("batched");
        assert!(
            (single[2] - batched[2]).abs() < 1e-4,
            "{single:?} vs {batched:?}"
        );
        // Bad ranges are errors, not panics.
        let s = cases[0].0;
        assert!(model.window(s, 0..5, 5..500).is_err());
        assert!(model.window(s, 0..5, 2..9).is_err());
        assert!(model.token_window(&["Obama"], 0..1, 1..2).is_err());
    }
}
