use std::path::PathBuf;

/// Everything that can go wrong in attribution: loading models, reading PolNeAR, training.
#[derive(Debug, thiserror::Error)]
pub enum QuotesError {
    /// A file (model, lexicon, corpus or export) could not be read or written.
    #[error("reading {path}: {source}")]
    Io {
        /// The file that failed.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A tagger model file was read but is malformed (bad header, wrong sizes, truncated).
    #[error("model {path}: {message}")]
    Model {
        /// The model file.
        path: PathBuf,
        /// What is wrong with it, without the path.
        message: String,
    },
    /// A training or evaluation corpus (PolNeAR or GGT) is unusable: no annotation files, or
    /// a record that does not parse.
    #[error("PolNeAR {path}: {message}")]
    Corpus {
        /// The corpus file or directory.
        path: PathBuf,
        /// What is wrong with it, without the path.
        message: String,
    },
    /// One document could not be prepared or parsed (e.g. the upstream pipeline failed on a
    /// training article, or a line of a document export is not valid).
    #[error("document `{doc}`: {message}")]
    Document {
        /// The document's name, or `file line N` for a line of an export.
        doc: String,
        /// What went wrong.
        message: String,
    },
    /// A JSON file (the cue lexicon) could not be parsed or serialized.
    #[error("JSON in {path}: {source}")]
    Json {
        /// The JSON file.
        path: PathBuf,
        /// The underlying serde_json error.
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
