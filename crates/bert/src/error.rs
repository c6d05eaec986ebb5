use std::path::PathBuf;

/// Everything that can go wrong in this crate, with the file or setting involved.
#[derive(Debug, thiserror::Error)]
pub enum BertError {
    /// A transformer stage was configured but the crate was built without `torch`.
    #[error("{stage}: stancegraph was built without the `bert` feature; rebuild with `cargo build --release --features bert` (needs libtorch 2.4.0: run scripts/install-libtorch.sh and set the variables it prints)")]
    NotCompiled {
        /// Name of the stage that cannot be built, e.g. `entities.bert`.
        stage: String,
    },
    /// A model directory is incomplete or inconsistent (missing file or tensor, bad shape,
    /// unavailable device), or a model file could not be written.
    #[error("model directory {path}: {message}")]
    Model {
        /// The model directory or file involved.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// A file could not be read or written.
    #[error("reading {path}: {source}")]
    Io {
        /// The file involved.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// A JSON file (a model's config.json, a saved training state) could not be parsed.
    #[error("parsing {path}: {source}")]
    Json {
        /// The file involved.
        path: PathBuf,
        /// The parse error, with line and column.
        source: serde_json::Error,
    },
    #[error("invalid device `{0}`: expected `cpu`, `cuda` or `cuda:N`")]
    /// A `device` setting that is not `cpu`, `cuda` or `cuda:N`; holds the text as given.
    Device(String),
    #[error("label `{label}` of {path} maps to unknown entity type `{entity_type}`")]
    /// The `labels` setting maps a model label to an entity type stancegraph does not know.
    LabelMap {
        /// The model directory whose labels are mapped.
        path: PathBuf,
        /// The model's label type (without `B-`/`I-`).
        label: String,
        /// The unknown entity type it was mapped to.
        entity_type: String,
    },
    #[error("document `{doc}`: {message}")]
    /// The forward pass failed.
    Inference {
        /// Id of the document being processed; empty where the failing call is not tied to
        /// one document (a batch across documents).
        doc: String,
        /// The error from the model or libtorch.
        message: String,
    },
    #[error("training data for {task}: {message}")]
    /// Training examples that cannot be turned into model inputs (token and label counts
    /// differ, a span outside its sentence, a label out of range, no sequences at all).
    Data {
        /// The training task (`ner`, `sentiment`, `stance`, ...); a comma-separated list when
        /// several tasks have no data.
        task: String,
        /// What is wrong, usually naming the example's index.
        message: String,
    },
    #[error("training ({stage}): {message}")]
    /// A libtorch operation failed during training or export.
    Training {
        /// The step that failed (`forward`, `loss`, `optimizer`, `saving a checkpoint`, ...).
        stage: String,
        /// The error from libtorch.
        message: String,
    },
    #[error("the encoder returned {got} vectors for {expected} texts")]
    /// A [`crate::SentenceEncoder`] broke its contract of one vector per input text.
    VectorCount {
        /// Number of texts passed to the encoder.
        expected: usize,
        /// Number of vectors it returned.
        got: usize,
    },
}
