use std::path::PathBuf;

/// Everything that can go wrong in the linguistic core.
#[derive(Debug, thiserror::Error)]
pub enum TextError {
    #[error("reading {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Model(#[from] stancegraph_linear::LinearError),
    #[error("{path}:{line}: {message}")]
    Conllu {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("document `{doc}`: {message}")]
    Document { doc: String, message: String },
    #[error("{0}")]
    Invalid(String),
}

impl TextError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        TextError::Io {
            path: path.into(),
            source,
        }
    }
}
