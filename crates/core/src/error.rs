use std::fmt;

/// Errors of the document model itself: bad spans, bad exported documents.
#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    #[error("invalid span {start}..{end}: {reason}")]
    /// A span that is out of order, past the text or off a character boundary.
    InvalidSpan {
        /// Start offset.
        start: usize,
        /// End offset.
        end: usize,
        /// Why the span is invalid.
        reason: String,
    },
    #[error("document `{doc}`: {layer} has an invalid span {start}..{end}: {reason}")]
    /// A span of a document layer is invalid.
    InvalidLayerSpan {
        /// The document's id.
        doc: String,
        /// The layer holding the span.
        layer: crate::Layer,
        /// Start offset.
        start: usize,
        /// End offset.
        end: usize,
        /// Why the span is invalid.
        reason: String,
    },
    #[error("document `{doc}`: {message}")]
    /// A document that breaks a rule beyond its spans (a token head past the last token).
    InvalidDocument {
        /// The document's id.
        doc: String,
        /// What is wrong.
        message: String,
    },
    #[error("document JSON: {0}")]
    /// A document that is not valid JSON of the schema.
    Json(#[from] serde_json::Error),
}

/// What a stage returns when it cannot process one document. The runner adds the
/// document id and stage name; other documents are unaffected.
#[derive(Debug, thiserror::Error)]
pub enum StageError {
    /// A plain explanation, for stages whose failure needs no structure.
    #[error("{0}")]
    Message(String),
    #[error(transparent)]
    /// An error of the document model.
    Core(#[from] CoreError),
    #[error("building stage `{stage}`: {message}")]
    /// A stage could not be built (a missing model, a bad value).
    Build {
        /// The stage's registered name.
        stage: String,
        /// What went wrong.
        message: String,
    },
    /// Any error of the stage's own crate (each crate has its own `thiserror` enum).
    #[error(transparent)]
    Other(Box<dyn std::error::Error + Send + Sync>),
}

impl StageError {
    /// Wraps an error of a stage crate's own error type.
    pub fn other<E: std::error::Error + Send + Sync + 'static>(error: E) -> Self {
        StageError::Other(Box::new(error))
    }
}

/// One problem in a configuration, with the path of the offending value,
/// for example `stages[2].max_distance`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ConfigIssue {
    /// Where the problem is, e.g. `stages[2].max_distance` (empty: the whole config).
    pub path: String,
    /// What is wrong, and what would be right.
    pub message: String,
}

impl ConfigIssue {
    /// An issue at `path` (relative to the table being checked).
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        ConfigIssue {
            path: path.into(),
            message: message.into(),
        }
    }

    /// The same issue with its path placed under `prefix` (`max_distance` → `stages[2].max_distance`).
    pub fn under(mut self, prefix: &str) -> Self {
        self.path = if self.path.is_empty() {
            prefix.to_string()
        } else if prefix.is_empty() {
            self.path
        } else if self.path.starts_with('[') {
            format!("{prefix}{}", self.path)
        } else {
            format!("{prefix}.{}", self.path)
        };
        self
    }
}

impl fmt::Display for ConfigIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}
