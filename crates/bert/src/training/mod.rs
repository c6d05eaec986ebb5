//! Fine-tuning the MiniLM encoder with task heads (`stancegraph train encoder`). The plain
//! parts (data windows, batching, schedule, quantisation) always compile and are
//! unit-tested; the model, the loop and the export need the `torch` feature.

/// The pure-Rust encoder contract (word pieces, case shapes, windows, heads.json).
pub use stancegraph_encoder as encoder;

pub mod data;
#[cfg(feature = "torch")]
pub mod export;
#[cfg(feature = "torch")]
pub mod model;
pub mod quantize;
pub mod schedule;
pub mod sentiment;
pub mod stance;
#[cfg(feature = "torch")]
pub mod trainer;
