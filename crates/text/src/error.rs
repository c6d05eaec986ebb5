use std::path::PathBuf;

/// Everything that can go wrong in the linguistic core.
#[derive(Debug, thiserror::Error)]
pub enum TextError {
    /// A file could not be read.
    #[error("reading {path}: {source}")]
    Io {
        /// The file being read.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A model file could not be read or written, or is not a valid model of its kind.
    #[error(transparent)]
    Model(#[from] stancegraph_linear::LinearError),
    /// A CoNLL-U file is malformed.
    #[error("{path}:{line}: {message}")]
    Conllu {
        /// The CoNLL-U file (or the name given to [`parse_conllu`](crate::parse_conllu)).
        path: PathBuf,
        /// 1-based line number of the bad line.
        line: usize,
        /// What is wrong with the line.
        message: String,
    },
}

impl TextError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        TextError::Io {
            path: path.into(),
            source,
        }
    }
}
