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

#![deny(missing_docs)]

mod document;
mod error;
pub mod layer;
mod layers;
pub mod metrics;
mod offsets;
mod registry;
mod span;
mod stage;

pub use document::{Document, Metadata, Provenance, OFFSETS_CODEPOINT, SCHEMA_VERSION};
pub use error::{ConfigIssue, CoreError, StageError};
pub use layer::{Layer, Layers, UnknownLayer};
pub use layers::*;
pub use offsets::CodepointIndex;
pub use registry::Registry;
pub use span::{MapSpans, Span};
pub use stage::{
    config_hash, over_budget, start_document_budget, token_budget, BudgetGuard, BuildContext,
    Stage, StageFactory, StageIo, TypedFactory, WriteMode,
};
