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

mod clusters;
mod conll;
mod features;
pub mod gender;
mod lexicon;
mod model_file;
mod ner;
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
pub use ner::{name_type, normalise_token, tag_mentions, NER_STAGE};
pub use resolve::{entity_key, resolve_entities, Resolver, RESOLVE_STAGE};
pub use silver::{conll_type, read_silver_documents, silver_document, write_conll, SilverSettings};
pub use stage::{register, EntityAnalyzer, NerConfig, ResolveConfig, DEFAULT_MODEL};
pub use tagger::{train, train_weighted, NerModel, TaggedEntity, TrainSettings, LABELS, TYPES};
pub use temporal::date_and_money_mentions;
pub use training::{evaluate_ner, tokenize_raw, train_ner, NerTrainOptions};

/// Errors of the entity stages and their training commands.
#[derive(Debug, thiserror::Error)]
pub enum EntitiesError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A model file that could not be read or written (its message names the file once:
    /// "NER tagger model data/models/entities/ner.bin: truncated: …").
    #[error(transparent)]
    Model(#[from] stancegraph_linear::LinearError),
    #[error("document `{doc}`, stage `{stage}`: {message}")]
    Document {
        doc: String,
        stage: String,
        message: String,
    },
    #[error("{path}: no CoNLL sentences found")]
    EmptyData { path: PathBuf },
    #[error("{path}: {message}")]
    VectorClusters { path: PathBuf, message: String },
}
