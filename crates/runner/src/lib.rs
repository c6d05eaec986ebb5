//! The pipeline runner: loads a TOML pipeline config, validates all of it at once, builds
//! the stage chain from a [`Registry`], and runs it over documents.
//!
//! Data flow of [`run`]: the ingest source (a blocking task) → bounded channel → N worker
//! threads running the stage chain (CPU work never runs on the async threads) → bounded
//! channel → the sink (an async task) that restores input order, writes
//! `documents.jsonl`, `failed.jsonl`, `skipped.jsonl`, merges the knowledge graph and
//! writes `graph.json` and the configured exports, each atomically (temp file + rename).
//!
//! [`Registry`]: stancegraph_core::Registry

#![deny(missing_docs)]

mod config;
mod output;
mod pipeline;
mod run;
mod sink;
mod workers;

pub use config::{
    load_config, ConfigSource, OutputSettings, PipelineConfig, RunnerSettings, MAX_BATCH_SIZE,
    MAX_DOCUMENT_SECONDS, MAX_QUEUE_PER_WORKER, MAX_TOKENS, MAX_WORKERS,
};
pub use output::AtomicOutputs;
pub use pipeline::{DocumentFailure, Pipeline, StageSummary};
pub use run::{run, DocumentsSink, RunOptions, RunOutcome, RunSummary};

use stancegraph_core::ConfigIssue;

/// Errors of the runner, with the config path or document they concern.
#[derive(Debug, thiserror::Error)]
pub enum RunnerError {
    /// The configuration has problems; all of them are listed.
    #[error("invalid configuration{}:\n{}", .origin.as_ref().map(|o| format!(" ({o})")).unwrap_or_default(), .issues.iter().map(|i| format!("  - {i}")).collect::<Vec<_>>().join("\n"))]
    Config {
        /// The config file or embedded config's name, noting environment overrides to blame.
        origin: Option<String>,
        /// Every problem found, each with its config path (`runner.workers`, `stages[2]`).
        issues: Vec<ConfigIssue>,
    },
    /// Reading the config or an input, or writing or locking the output directory, failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory concerned.
        path: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The existing `graph.json` to extend is not valid node-link JSON of a graph.
    #[error("reading graph {path}: {message}")]
    Graph {
        /// The graph file given to extend.
        path: String,
        /// What is wrong with it.
        message: String,
    },
    /// A document or the graph could not be serialised to JSON.
    #[error("writing document `{doc}`: {message}")]
    Serialize {
        /// The document id, or `graph` / `graph export`.
        doc: String,
        /// The serialiser's message.
        message: String,
    },
    /// The machinery itself failed (a worker thread could not start or panicked outside
    /// a stage, the source task died); never caused by one document.
    #[error("the runtime failed: {0}")]
    Runtime(String),
}

impl RunnerError {
    pub(crate) fn io(path: impl std::fmt::Display, source: std::io::Error) -> Self {
        RunnerError::Io {
            path: path.to_string(),
            source,
        }
    }
}
