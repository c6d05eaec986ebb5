//! Ingest: turns raw inputs into [`Document`]s whose text holds only the article.
//!
//! [`Document`]: stancegraph_core::Document
//!
//! Plain text, HTML (main-body extraction), JSONL, RSS/Atom feeds and WARC archives are
//! read from files, directories or stdin. Every input yields one [`IngestEvent`] per
//! document: a clean document (with metadata, a source map back to the raw bytes and, for
//! HTML, structural blocks), or a per-document failure or skip with the reason, so that
//! one bad file never stops a run. The `ingest.blocks` stage then marks boilerplate lines
//! so that spam and disclaimers never reach later stages.

#![deny(missing_docs)]

pub mod benchmark;
pub mod blocks;
mod config;
mod config_checks;
pub mod dates;
pub mod decode;
pub mod dedup;
pub mod extract;
mod files;
pub mod html_limits;
mod ingestor;
mod language;
mod ordered;
mod readers;
mod sniff;
mod stage;

pub use blocks::classify_blocks;
pub use config::{Format, IngestConfig, JsonlFields};
pub use config_checks::MAX_INPUT_BYTES;
pub use extract::{extract_article, ExtractError, Extracted, Paragraph};
pub(crate) use ingestor::failed;
pub use ingestor::{IngestEvent, Ingestor, Input};
pub use language::identify_language;
pub use ordered::ExtractOptions;
pub(crate) use ordered::ReadState;
pub use sniff::{format_from_name, sniff_format};
pub use stage::{register, BlocksConfig, BlocksFactory, BlocksStage, BLOCKS_STAGE};

/// Errors of the ingest crate, each naming the input it concerns.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// Reading a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file that could not be read.
        path: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A file was read but its content is not what was expected (e.g. bad JSON).
    #[error("{path}: {message}")]
    Invalid {
        /// The file at fault.
        path: String,
        /// What is wrong with it.
        message: String,
    },
    /// An include or exclude pattern of `[source]` is not a valid glob.
    #[error("bad glob `{pattern}`: {message}")]
    Glob {
        /// The pattern as written in the config.
        pattern: String,
        /// The glob parser's complaint.
        message: String,
    },
}
