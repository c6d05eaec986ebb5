//! Per-document stances and relations: who stands where on whom or what, and who meets,
//! threatens, accuses, supports or reports to whom, each with its evidence span.
//!
//! This crate turns the actors, quotes and parse of one article into the `stances` and
//! `relations` layers that the graph crate merges across documents. It combines trigger
//! rules (reporting and evaluative verbs and nouns, evaluative predication, quotes,
//! appositions for hierarchy, entity roles for affiliations) with a small logistic model
//! trained on SEESAW (actor-to-actor stance) and NewsMTSC (sentiment toward a person).
//! Issues are normalised noun phrases ([`normalise_issue`]) so they merge across documents.

#![deny(missing_docs)]

pub mod calibration;
mod error;
mod extract;
mod features;
mod issue;
mod lexicon;
mod model;
mod negation;
mod rules;
#[cfg(test)]
mod scaling_tests;
pub mod scorer;
pub mod seesaw;
pub mod sentiment;
mod stage;
#[cfg(test)]
mod test_support;
mod train;

pub use error::RelationsError;
pub use extract::{ExtractOptions, Extractor};
pub use features::{
    pair_features, pair_features_parsed, target_features, words, ParsedToken, SentenceParse,
};
pub use issue::{canonical_issues, normalise_issue};
pub use lexicon::{stem, Lexicon, Trigger, NEWS_FILE, VADER_FILE};
pub use model::{LinearModel, StanceModel, TrainOptions, MODEL_FILE};
pub use scorer::{
    LinearPairs, LinearTargets, PairScorer, SentencePairs, TargetQuery, TargetScorer,
};
pub use stage::{
    load_extractor, model_dir, RelationsConfig, RelationsFactory, DEFAULT_MODEL_DIR, STAGE_NAME,
};
pub use train::{fit_calibration, fit_scorer_calibration, is_dev, train_stance_model, TrainReport};

/// Registers `relations.rules`.
pub fn register(registry: &mut stancegraph_core::Registry) {
    registry.register_typed(RelationsFactory);
}

/// The project's `data/` directory as seen from this crate (for tests, benches and tools).
pub fn default_data_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data")
}
