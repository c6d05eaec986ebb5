//! The stance pair model on candle: a model directory whose `stance` head reads the holder's
//! opening marker (see the parent module), run through [`EncoderModel::score`] with each
//! (sentence, holder, target) as a one-token document, so the inputs of many pairs share
//! padded batches.

use std::ops::Range;
use std::path::Path;

use super::{pair_window, text_pair_window, PairWindow, STANCE_LABELS, STANCE_SCHEME, STANCE_TASK};
use crate::model::EncoderModel;
use crate::EncoderError;

/// The shipped model directory, relative to the project's `data/` directory (outside
/// `data/models/`, whose files are embedded in the default binary).
pub const DEFAULT_STANCE_DIR: &str = "stance-encoder";
/// Inputs per forward pass.
const BATCH_INPUTS: usize = 32;

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
        text_pair_window(
            self.encoder.wordpiece(),
            sentence,
            holder,
            target,
            self.encoder.spec().max_pieces,
        )
    }

    /// The model input for a sentence as tokens and holder and target as token ranges.
    pub fn token_window<S: AsRef<str>>(
        &self,
        tokens: &[S],
        holder: Range<usize>,
        target: Range<usize>,
    ) -> Result<PairWindow, EncoderError> {
        pair_window(
            self.encoder.wordpiece(),
            tokens,
            holder,
            target,
            self.encoder.spec().max_pieces,
        )
    }

    /// Class probabilities (in [`STANCE_LABELS`] order) of many inputs, batched; one result
    /// per input.
    pub fn predict(&self, inputs: &[PairWindow]) -> Vec<Result<[f32; 3], EncoderError>> {
        let documents: Vec<_> = inputs.iter().map(PairWindow::document).collect();
        let names: Vec<String> = (0..inputs.len())
            .map(|i| format!("stance pair {i}"))
            .collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        self.encoder
            .score(&documents, &names, BATCH_INPUTS, &|| false)
            .into_iter()
            .enumerate()
            .map(|(i, scored)| {
                let scores = scored?;
                scores
                    .heads
                    .get(self.head)
                    .and_then(|row| <[f32; 3]>::try_from(row.as_slice()).ok())
                    .map(|row| row.map(f32::exp))
                    .ok_or_else(|| EncoderError::Inference {
                        context: format!("stance pair {i}"),
                        reason: "no scores for the holder marker".into(),
                    })
            })
            .collect()
    }
}
