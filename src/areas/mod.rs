//! Per-area commands (`train`, `eval`, `export`), each owned by its crate's area.
#[cfg(feature = "bert")]
pub mod encoder;
pub mod entities;
pub mod graph;
pub mod ingest;
pub mod quotes;
pub mod relations;
#[cfg(feature = "encoder")]
pub mod sentiment_candle;
#[cfg(feature = "bert")]
pub mod sentiment_encoder;
#[cfg(feature = "bert")]
pub mod stance_encoder;
pub mod text;
