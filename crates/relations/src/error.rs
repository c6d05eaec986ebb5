use std::path::PathBuf;

/// Everything that can go wrong while loading or running the relations stage.
#[derive(Debug, thiserror::Error)]
pub enum RelationsError {
    /// A file (lexicon, model, SEESAW or NewsMTSC data) could not be read, or the model
    /// could not be written.
    #[error("reading {path}: {source}")]
    Io {
        /// The file that failed.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A line of a lexicon TSV or a NewsMTSC JSONL file does not parse.
    #[error("{path}:{line}: {message}")]
    Format {
        /// The file holding the line.
        path: PathBuf,
        /// 1-based line number; 0 when the complaint is about the whole file.
        line: usize,
        /// What is wrong with the line.
        message: String,
    },
    /// The stance model file does not parse, or a classifier lacks its three labels.
    #[error("model {path}: {message}")]
    Model {
        /// The model file (`stance_model.json`).
        path: PathBuf,
        /// Why it was rejected.
        message: String,
    },
    /// A SEESAW split is missing, empty or holds a file that does not parse.
    #[error("SEESAW {path}: {message}")]
    Seesaw {
        /// The SEESAW file or directory.
        path: PathBuf,
        /// Why it was rejected.
        message: String,
    },
    /// The upstream pipeline failed on an evaluation article before the relations stage ran.
    #[error("document `{doc}`: {message}")]
    Document {
        /// The document (article) id.
        doc: String,
        /// The upstream stage's error, as text.
        message: String,
    },
    /// A scorer (pair or target-sentiment model) failed on a document's batch.
    #[error("document `{doc}`: {scorer} scorer: {message}")]
    Scorer {
        /// The document id, as passed to the scorer.
        doc: String,
        /// Which scorer failed (`pair`, `target`, or the name an encoder scorer gives).
        scorer: String,
        /// The scorer's reason (or a wrong number of answers).
        message: String,
    },
}
