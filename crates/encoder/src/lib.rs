//! A fine-tuned MiniLM encoder for named entities and quote attribution.
//!
//! Always compiled (training in crates/bert depends on it without candle):
//! - [`wordpiece`]: BERT uncased word pieces of one of our tokens;
//! - [`case`]: the case-shape class each piece carries into the heads;
//! - [`windows`]: overlapping windows over a whole document and which window each token
//!   reads its label from;
//! - [`spec`]: `heads.json`, the description of a model directory;
//! - [`bio`]: constrained BIO (Viterbi) decoding.
//!
//! With the default `candle` feature, the model runs in pure Rust on candle and the
//! `entities.encoder` and `quotes.encoder` stages produce the same layers as the default
//! `entities.ner` and quote stages. The forward pass is behind [`model::WindowForward`], so
//! another backend (libtorch, crates/bert's `entities.encoder_tch`) reuses the windows,
//! batching, alignment and decoding unchanged.
#![deny(missing_docs)]

pub mod bio;
pub mod case;
mod error;
pub mod sentiment;
pub mod spec;
pub mod stance;
pub mod windows;
pub mod wordpiece;

pub use case::{case_shape, N_CASE_SHAPES};
pub use error::EncoderError;
pub use spec::{EncoderSpec, HeadSpec};
pub use windows::{build_windows, encode_tokens, DocumentWindows, Window, WindowSpec};
pub use wordpiece::{SpecialIds, WordPiece};

#[cfg(feature = "candle")]
pub mod bert;
#[cfg(feature = "candle")]
pub mod kernels;
#[cfg(feature = "candle")]
mod layers;
#[cfg(feature = "candle")]
pub mod model;
#[cfg(feature = "candle")]
pub mod quantized;
#[cfg(feature = "candle")]
pub mod relations_stage;
#[cfg(feature = "candle")]
pub mod stage;
#[cfg(feature = "candle")]
pub mod weights;

#[cfg(feature = "candle")]
pub use layers::{ENTITIES_STAGE, QUOTES_STAGE};
#[cfg(feature = "candle")]
pub use model::{
    CandleForward, DocumentScores, EncoderModel, ModelFiles, PieceBatch, WindowForward,
};
#[cfg(feature = "candle")]
pub use stage::{register, DEFAULT_MODEL_DIR};
