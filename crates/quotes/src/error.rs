use std::path::PathBuf;

/// Everything that can go wrong in attribution: loading models, reading PolNeAR, training.
#[derive(Debug, thiserror::Error)]
pub enum QuotesError {
    #[error("reading {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("model {path}: {message}")]
    Model { path: PathBuf, message: String },
    #[error("PolNeAR {path}: {message}")]
    Corpus { path: PathBuf, message: String },
    #[error("document `{doc}`: {message}")]
    Document { doc: String, message: String },
    #[error("JSON in {path}: {source}")]
    Json {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
}

impl QuotesError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        QuotesError::Io {
            path: path.into(),
            source,
        }
    }
}
