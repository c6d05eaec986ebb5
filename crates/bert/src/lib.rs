//! Transformer stages for stancegraph on rust-bert/libtorch: `entities.bert` (NER from any
//! local Hugging Face BERT, DistilBERT or RoBERTa token classifier) and `embed.sentences`
//! (MiniLM sentence vectors used to merge actor aliases, group issues and, optionally,
//! score stance against prototypes), and `entities.encoder_tch` (the fine-tuned MiniLM encoder
//! of crates/encoder with its forward pass on libtorch, `device = "cpu" | "cuda" | "cuda:N"`).
//!
//! The crate always compiles: without the `torch` feature the stages register and validate
//! but refuse to build with a message saying how to enable them, so the default build never
//! needs libtorch. Everything that needs no model (label maps, word-piece windows, voting,
//! similarity logic) is plain Rust and tested here; `torch` adds the model code.

#![deny(missing_docs)]

mod align;
mod config;
mod embed;
mod encoder_stage;
mod error;
mod labels;
mod ner;
mod stages;
#[cfg(feature = "torch")]
pub mod tch_encoder;
#[cfg(feature = "torch")]
pub mod torch;
pub mod training;

pub use align::{model_word, windows, Window};
pub use config::{BertNerConfig, DeviceSpec, EmbedConfig, NerMode};
pub use embed::{
    cosine, group_by_similarity, names_compatible, AliasMerge, EmbedSentences, SentenceEncoder,
    EMBED_EXTENSION, EMBED_STAGE,
};
pub use encoder_stage::{
    EncoderTchConfig, EncoderTchFactory, DEFAULT_ENCODER_DIR, ENCODER_EXTENSION, ENCODER_TCH_STAGE,
};
pub use error::BertError;
pub use labels::{LabelMeaning, LabelScheme, WordSpan};
pub use ner::{replace_names, vote, BertNer, TokenClassifier, BERT_NER_STAGE};
pub use stages::{BertNerFactory, EmbedFactory, TORCH_ENABLED};

/// Registers every stage of this crate: `entities.bert`, `embed.sentences` and
/// `entities.encoder_tch`.
pub fn register(registry: &mut stancegraph_core::Registry) {
    stages::register(registry);
    registry.register_typed(EncoderTchFactory);
}
