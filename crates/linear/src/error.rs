//! Errors of model files: where (path, model kind) and what was expected.

use std::path::PathBuf;

/// A model file that could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum LinearError {
    /// The file could not be read or written.
    #[error("{kind} model {path}: {source}")]
    Io {
        /// What the file holds, e.g. "POS tagger".
        kind: &'static str,
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The file was read but is not a valid model of its kind.
    #[error("{kind} model {path}: {problem}")]
    Format {
        /// What the file should hold, e.g. "NER tagger".
        kind: &'static str,
        /// The file.
        path: PathBuf,
        /// What was wrong, and where.
        #[source]
        problem: FormatError,
    },
}

impl LinearError {
    /// The problem without the path and kind, for callers whose own error already names
    /// the file.
    pub fn detail(&self) -> String {
        match self {
            LinearError::Io { source, .. } => source.to_string(),
            LinearError::Format { problem, .. } => problem.to_string(),
        }
    }
}

/// What is wrong with the bytes of a model file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FormatError {
    /// The file does not start with the expected header.
    #[error("not a {expected} model file (it starts with {found:?})")]
    Magic {
        /// The expected model kind.
        expected: &'static str,
        /// The first bytes of the file, lossily decoded.
        found: String,
    },
    /// The header names a format version this build cannot read.
    #[error("format version {found}, this build reads version {supported}")]
    Version {
        /// Version in the file.
        found: u16,
        /// The one version this build reads.
        supported: u16,
    },
    /// The file ends before a value.
    #[error("truncated: expected {expected} at byte {offset}, the file ends at byte {len}")]
    Truncated {
        /// Where the value should start.
        offset: usize,
        /// The value, e.g. "u32".
        expected: &'static str,
        /// Length of the file.
        len: usize,
    },
    /// A value is out of range or inconsistent with another.
    #[error("at byte {offset}: {message}")]
    Invalid {
        /// Position of the reader when the problem was found.
        offset: usize,
        /// What was expected and what was found.
        message: String,
    },
}
