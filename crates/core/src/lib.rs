//! The plugin API of stancegraph: everything a stage crate needs and nothing else.
//!
//! A [`Document`] holds immutable text plus stand-off annotation layers. Every annotation
//! is a [`Span`] (a byte range on char boundaries) into that text, tagged with the stage
//! that made it and a confidence. Stages implement [`Stage`]; their factories implement
//! [`StageFactory`] (usually through [`TypedFactory`], which gives a typed, validated
//! config) and are registered by name (`area.impl`) in a [`Registry`].
//!
//! Exports never show byte offsets: [`Document::to_export`] rewrites every span to Unicode
//! code point offsets (Python string indices), and [`Document::from_export`] maps them back,
//! checking each one.

mod document;
mod error;
mod layers;
pub mod metrics;
mod offsets;
mod registry;
mod span;
mod stage;

pub use document::{Document, Metadata, Provenance, OFFSETS_CODEPOINT, SCHEMA_VERSION};
pub use error::{ConfigIssue, CoreError, StageError};
pub use layers::*;
pub use offsets::CodepointIndex;
pub use registry::Registry;
pub use span::{MapSpans, Span};
pub use stage::{
    config_hash, over_budget, start_document_budget, token_budget, BudgetGuard, BuildContext,
    Stage, StageFactory, StageIo, TypedFactory,
};

/// Standard layer names used in `requires` / `produces` declarations.
pub mod layer {
    /// Text blocks (lines or paragraphs) classified as body, heading or boilerplate.
    pub const BLOCKS: &str = "blocks";
    /// Sentence spans.
    pub const SENTENCES: &str = "sentences";
    /// Token spans.
    pub const TOKENS: &str = "tokens";
    /// UPOS / PTB tags on tokens.
    pub const POS: &str = "pos";
    /// Lemmas on tokens.
    pub const LEMMAS: &str = "lemmas";
    /// Dependency heads and relations on tokens.
    pub const DEPS: &str = "deps";
    /// Entity mentions (named, nominal, pronominal).
    pub const MENTIONS: &str = "mentions";
    /// Resolved entities (mentions grouped into actors).
    pub const ENTITIES: &str = "entities";
    /// Attributed quotes (direct, indirect, mixed).
    pub const QUOTES: &str = "quotes";
    /// Relations between actors (interactions, affiliations, hierarchy).
    pub const RELATIONS: &str = "relations";
    /// Stances of holders toward actors or issues.
    pub const STANCES: &str = "stances";
    /// Prefix of plugin extension layers: `ext:<namespace>`.
    pub const EXTENSION_PREFIX: &str = "ext:";
}
