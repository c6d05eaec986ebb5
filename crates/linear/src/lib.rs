//! The linear models under stancegraph's taggers, in one place: the POS tagger and the
//! dependency parser (`stancegraph-text`), the NER tagger (`stancegraph-entities`) and the
//! quote-role tagger (`stancegraph-quotes`) keep only their features and their decoding.
//!
//! - [`Trainer`]: the averaged perceptron (lazy averaging with timestamps) over [`Keyed`]
//!   rows or a [`Dense`] table, and [`Shuffler`], the deterministic order of training
//!   examples.
//! - [`Weights`]: trained weights behind a prefetching [`FeatureIndex`], scored through
//!   the [`Score`] trait (which the trainer implements too, for online decoding).
//! - Feature hashing: [`Fnv`] (the one FNV-1a), [`hash_str`] / [`feature_key`] (keys of
//!   the text models), [`KeyMap`] for maps keyed by such hashes, [`FnvMap`] for string keys.
//! - [`word_shape`]: `Bessent` → `Xxx`, with a chosen cap on repeated classes.
//! - Model files: [`Header`] (magic, model kind, format version), [`Writer`], [`Reader`],
//!   [`save_model`] / [`load_model`] and the typed [`LinearError`] / [`FormatError`].
#![deny(missing_docs)]

mod error;
mod hash;
mod index;
mod io;
mod shape;
mod train;
mod weights;

pub use error::{FormatError, LinearError};
pub use hash::{
    feature_key, fmix64, hash_str, mix, Fnv, FnvBuildHasher, FnvMap, FnvSet, KeyHasher, KeyMap,
};
pub use index::{prefetch, FeatureIndex};
pub use io::{decode_model, encode_model, load_model, save_model, Header, Reader, Writer};
pub use shape::word_shape;
pub use train::{Dense, Keyed, Layout, Shuffler, Trainer};
pub use weights::{Score, Weights};
