use std::path::PathBuf;

/// Everything that can go wrong in this crate, with the file or setting involved.
#[derive(Debug, thiserror::Error)]
pub enum BertError {
    #[error("{stage}: stancegraph was built without the `bert` feature; rebuild with `cargo build --release --features bert` (needs libtorch 2.4.0: run scripts/install-libtorch.sh and set the variables it prints)")]
    NotCompiled { stage: String },
    #[error("model directory {path}: {message}")]
    Model { path: PathBuf, message: String },
    #[error("reading {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("parsing {path}: {source}")]
    Json {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("invalid device `{0}`: expected `cpu`, `cuda` or `cuda:N`")]
    Device(String),
    #[error("label `{label}` of {path} maps to unknown entity type `{entity_type}`")]
    LabelMap {
        path: PathBuf,
        label: String,
        entity_type: String,
    },
    #[error("document `{doc}`: {message}")]
    Inference { doc: String, message: String },
    #[error("training data for {task}: {message}")]
    Data { task: String, message: String },
    #[error("training ({stage}): {message}")]
    Training { stage: String, message: String },
    #[error("the encoder returned {got} vectors for {expected} texts")]
    VectorCount { expected: usize, got: usize },
}
