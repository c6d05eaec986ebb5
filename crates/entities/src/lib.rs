//! Entity extraction: finds the actors of a news story and resolves every mention of one
//! actor to one entity.
//!
//! Two stages, registered by [`register`]:
//! - `entities.ner`: a statistical tagger (averaged perceptron, BILOU, greedy decoding with
//!   document-level prediction history, gazetteer and word-cluster features) trained on
//!   CoNLL-2003, producing name mentions typed PER / ORG / GPE / LOC / NORP / MISC.
//! - `entities.resolve`: groups mentions into entities (aliases, titles, metonymy such as
//!   "Beijing" → China, pronouns and nominals such as "the President"), reads roles and
//!   affiliations ("US Treasury Secretary Scott Bessent"), and gives each entity a canonical
//!   name and a cross-document key (`per:scott bessent`).
//!
//! [`EntityAnalyzer`] runs both on a tokenized document, for tests and other crates.

#![deny(missing_docs)]

mod clusters;
mod conll;
mod features;
pub mod gender;
mod lexicon;
mod model_file;
mod name_edges;
mod ner;
mod person_names;
mod resolve;
mod silver;
mod stage;
mod tagger;
mod temporal;
mod training;

use std::path::PathBuf;

pub use clusters::{ClusterSettings, Clusters, VectorClusters};
pub use conll::{
    parse_conll, read_conll, ConllDocument, ConllSentence, NerScorer, NerScores, Prf, TokenEntity,
};
pub use lexicon::{category, phrase_tokens, Lexicon, LexiconEntry, Pronoun};
pub use name_edges::{opens_sentence_or_quote, trim_name_edges};
pub use ner::{name_type, normalise_token, tag_mentions, NER_STAGE};
pub use person_names::same_person_name;
pub use resolve::{entity_key, is_party_state_tag, resolve_entities, Resolver, RESOLVE_STAGE};
pub use silver::{conll_type, read_silver_documents, silver_document, write_conll, SilverSettings};
pub use stage::{register, EntityAnalyzer, NerConfig, ResolveConfig, DEFAULT_MODEL};
pub use tagger::{train, train_weighted, NerModel, TaggedEntity, TrainSettings, LABELS, TYPES};
pub use temporal::date_and_money_mentions;
pub use training::{evaluate_ner, tokenize_raw, train_ner, NerTrainOptions};

/// Errors of the entity stages and their training commands.
#[derive(Debug, thiserror::Error)]
pub enum EntitiesError {
    /// A data, model output or silver file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file that failed.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// A model file that could not be read or written (its message names the file once:
    /// "NER tagger model data/models/entities/ner.bin: truncated: …").
    #[error(transparent)]
    Model(#[from] stancegraph_linear::LinearError),
    /// A document that failed to parse or validate: after [`EntityAnalyzer::annotate`], or a
    /// line of a silver `documents.jsonl` file.
    #[error("document `{doc}`, stage `{stage}`: {message}")]
    Document {
        /// Document id, or for a silver file its path and line number ("a.jsonl line 3").
        doc: String,
        /// The stage whose output was rejected (`entities.resolve`), or `silver`.
        stage: String,
        /// The core model's validation or parse error.
        message: String,
    },
    /// A CoNLL file given for training or scoring holds no sentence.
    #[error("{path}: no CoNLL sentences found")]
    EmptyData {
        /// The CoNLL file.
        path: PathBuf,
    },
    /// A static-vector cluster file (`scripts/vector-clusters.py` output) that is not
    /// `word<TAB>row<TAB>c1<TAB>c2<TAB>c3` lines.
    #[error("{path}: {message}")]
    VectorClusters {
        /// The cluster file.
        path: PathBuf,
        /// What is wrong, with its line number.
        message: String,
    },
}
