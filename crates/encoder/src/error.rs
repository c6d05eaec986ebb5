//! The one error type of the encoder crate.

use std::path::PathBuf;

/// Everything that can go wrong loading or running the encoder, with the file, document or
/// stage it happened in.
#[derive(Debug, thiserror::Error)]
pub enum EncoderError {
    /// A model file could not be read.
    #[error("encoder: cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The vocabulary has no entry for a special token BERT needs.
    #[error("encoder: vocabulary {path} has no {token} entry")]
    MissingSpecialToken {
        /// The vocab.txt.
        path: PathBuf,
        /// `[CLS]`, `[SEP]`, `[PAD]` or `[UNK]`.
        token: &'static str,
    },
    /// The vocabulary has more entries than a piece id can hold.
    #[error("encoder: vocabulary {path} is too large ({entries} entries)")]
    VocabTooLarge {
        /// The vocab.txt.
        path: PathBuf,
        /// How many entries it has.
        entries: usize,
    },
    /// heads.json (or config.json) is not valid JSON of the expected shape.
    #[error("encoder: {path} is malformed: {source}")]
    Json {
        /// The file.
        path: PathBuf,
        /// The parse error (with line and column).
        source: serde_json::Error,
    },
    /// heads.json parses but says something inference cannot honour.
    #[error("encoder: {path}: {reason}")]
    Spec {
        /// The heads.json (or `<in memory>`).
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// Window sizes that cannot hold a token between [CLS] and [SEP], or a stride that leaves
    /// no progress.
    #[error("encoder: invalid windows: max_pieces {max_pieces}, stride {stride} (need max_pieces >= 3 and stride <= max_pieces - 3)")]
    Windows {
        /// Pieces per window, [CLS] and [SEP] included.
        max_pieces: usize,
        /// Overlap in pieces between consecutive windows.
        stride: usize,
    },
    /// The weights do not fit the model description (missing tensor, wrong shape or dtype).
    #[error("encoder: model {path}: {reason}")]
    Model {
        /// The model directory or file.
        path: PathBuf,
        /// What is missing or wrong.
        reason: String,
    },
    /// A tensor operation failed while encoding a batch.
    #[error("encoder: {context}: {reason}")]
    Inference {
        /// Which documents or step (`batch of 3 documents: doc-1, doc-2, ...`).
        context: String,
        /// The backend's message.
        reason: String,
    },
    /// Stage configuration that cannot be used.
    #[error("encoder stage {stage}: {reason}")]
    Config {
        /// The stage name.
        stage: String,
        /// What is wrong.
        reason: String,
    },
}
