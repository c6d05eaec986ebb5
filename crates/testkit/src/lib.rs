//! Test support shared by stancegraph's test suites (a dev-dependency only).
//!
//! - [`seed_text`], [`seed_path`], [`seed_document`]: the seed article
//!   (`data/samples/000_668776db8feb23be.txt`), the last with its lines marked body,
//!   heading or boilerplate as ingest must mark them.
//! - [`pipeline_until`], [`seed_until`]: the default pipeline (`configs/default.toml`),
//!   built through the real stage registry and cut after a named stage;
//!   [`annotate_until`] runs it after ingest on a test's own document.
//! - [`SPAM_LINES`], [`HEADINGS`], [`is_in_spam_line`], [`records_on_spam_lines`]: the one
//!   definition of which seed lines are spam and which are headings.
//! - [`compare_json`]: two backends' JSON outputs equal up to a float tolerance.
//! - [`bbc_text`]: megabytes of real news from the shared BBC corpus, for scaling tests.
//! - [`time_on_this_thread`]: the CPU time of a piece of work, for scaling tests that
//!   must not read a busy machine as a slow stage.
//!
//! Use it from integration tests (`tests/*.rs`) only, never from `#[cfg(test)]` modules of
//! the crates it depends on: those would see two copies of their own types.
#![deny(missing_docs)]

mod corpus;
mod json;
mod lines;
mod pipeline;
mod seed;
mod timing;

pub use corpus::{bbc_articles_or_seed, bbc_dir, bbc_text};
pub use json::compare_json;
pub use lines::{
    heading_spans, is_in_heading, is_in_spam_line, records_on_spam_lines, seed_lines,
    spam_line_spans, SeedLine, AGGREGATOR_NOTICE, FIRST_ADVERT, HEADINGS, IMAGE_DISCLAIMER,
    SECOND_ADVERT, SPAM_LINES,
};
pub use pipeline::{
    annotate_until, data_dir, default_pipeline, default_stages, pipeline_until, registry,
    seed_until, DEFAULT_CONFIG,
};
pub use seed::{seed_document, seed_path, seed_text, SEED_ID};
pub use timing::{thread_clock, thread_cpu_time, time_on_this_thread};
