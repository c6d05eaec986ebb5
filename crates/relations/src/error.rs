use std::path::PathBuf;

/// Everything that can go wrong while loading or running the relations stage.
#[derive(Debug, thiserror::Error)]
pub enum RelationsError {
    #[error("reading {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}:{line}: {message}")]
    Format {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("model {path}: {message}")]
    Model { path: PathBuf, message: String },
    #[error("SEESAW {path}: {message}")]
    Seesaw { path: PathBuf, message: String },
    #[error("document `{doc}`: {message}")]
    Document { doc: String, message: String },
    /// A scorer (pair or target-sentiment model) failed on a document's batch.
    #[error("document `{doc}`: {scorer} scorer: {message}")]
    Scorer {
        doc: String,
        scorer: String,
        message: String,
    },
}
