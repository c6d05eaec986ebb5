//! Names of the annotation layers a stage reads and writes.
//!
//! A [`Layer`] names one field of [`crate::Document`] (`tokens`, `quotes`, …), a property of
//! the tokens (`pos`, `lemmas`, `deps`) or a plugin's extension layer (`ext:<namespace>`,
//! stored in [`crate::Document::extensions`]). The constants below ([`TOKENS`], [`QUOTES`],
//! …) are the standard layers, so that `StageIo::new(&[layer::TOKENS], &[layer::QUOTES])`
//! reads as before layers were typed.
//!
//! Adding a standard layer: add a variant here (with its name in [`Layer::name`] and
//! [`Layer::STANDARD`]), a field to [`crate::Document`], and the field to the document's
//! layer walk (`Document::walk_layers`) when it holds spans, so that validation and the code
//! point export cover it.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// One annotation layer.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Layer {
    /// Text blocks (lines or paragraphs) classified as body, heading or boilerplate.
    Blocks,
    /// Sentence spans.
    Sentences,
    /// Token spans.
    Tokens,
    /// UPOS / PTB tags on tokens.
    Pos,
    /// Lemmas on tokens.
    Lemmas,
    /// Dependency heads and relations on tokens.
    Deps,
    /// Entity mentions (named, nominal, pronominal).
    Mentions,
    /// Resolved entities (mentions grouped into actors).
    Entities,
    /// Attributed quotes (direct, indirect, mixed).
    Quotes,
    /// Relations between actors (interactions, affiliations, hierarchy).
    Relations,
    /// Stances of holders toward actors or issues.
    Stances,
    /// A plugin's layer `ext:<namespace>`, kept in `Document::extensions[namespace]`.
    Extension(String),
}

/// Text blocks (lines or paragraphs) classified as body, heading or boilerplate.
pub const BLOCKS: Layer = Layer::Blocks;
/// Sentence spans.
pub const SENTENCES: Layer = Layer::Sentences;
/// Token spans.
pub const TOKENS: Layer = Layer::Tokens;
/// UPOS / PTB tags on tokens.
pub const POS: Layer = Layer::Pos;
/// Lemmas on tokens.
pub const LEMMAS: Layer = Layer::Lemmas;
/// Dependency heads and relations on tokens.
pub const DEPS: Layer = Layer::Deps;
/// Entity mentions (named, nominal, pronominal).
pub const MENTIONS: Layer = Layer::Mentions;
/// Resolved entities (mentions grouped into actors).
pub const ENTITIES: Layer = Layer::Entities;
/// Attributed quotes (direct, indirect, mixed).
pub const QUOTES: Layer = Layer::Quotes;
/// Relations between actors (interactions, affiliations, hierarchy).
pub const RELATIONS: Layer = Layer::Relations;
/// Stances of holders toward actors or issues.
pub const STANCES: Layer = Layer::Stances;
/// Prefix of plugin extension layers: `ext:<namespace>`.
pub const EXTENSION_PREFIX: &str = "ext:";

impl Layer {
    /// Every standard layer, in pipeline order.
    pub const STANDARD: [Layer; 11] = [
        Layer::Blocks,
        Layer::Sentences,
        Layer::Tokens,
        Layer::Pos,
        Layer::Lemmas,
        Layer::Deps,
        Layer::Mentions,
        Layer::Entities,
        Layer::Quotes,
        Layer::Relations,
        Layer::Stances,
    ];

    /// The extension layer `ext:<namespace>`.
    pub fn extension(namespace: impl Into<String>) -> Layer {
        Layer::Extension(namespace.into())
    }

    /// The name used in configs and messages: `tokens`, `ext:issues`, …
    pub fn name(&self) -> Cow<'static, str> {
        Cow::Borrowed(match self {
            Layer::Blocks => "blocks",
            Layer::Sentences => "sentences",
            Layer::Tokens => "tokens",
            Layer::Pos => "pos",
            Layer::Lemmas => "lemmas",
            Layer::Deps => "deps",
            Layer::Mentions => "mentions",
            Layer::Entities => "entities",
            Layer::Quotes => "quotes",
            Layer::Relations => "relations",
            Layer::Stances => "stances",
            Layer::Extension(namespace) => {
                return Cow::Owned(format!("{EXTENSION_PREFIX}{namespace}"))
            }
        })
    }

    /// The namespace of an extension layer.
    pub fn namespace(&self) -> Option<&str> {
        match self {
            Layer::Extension(namespace) => Some(namespace),
            _ => None,
        }
    }
}

impl fmt::Display for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

/// A name that is neither a standard layer nor `ext:<namespace>`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown layer `{name}`; expected one of {}, or `ext:<namespace>`", Layer::STANDARD.map(|l| l.name()).join(", "))]
pub struct UnknownLayer {
    /// The name as given.
    pub name: String,
}

impl FromStr for Layer {
    type Err = UnknownLayer;

    fn from_str(name: &str) -> Result<Layer, UnknownLayer> {
        if let Some(namespace) = name.strip_prefix(EXTENSION_PREFIX) {
            if !namespace.is_empty() {
                return Ok(Layer::extension(namespace));
            }
        }
        Layer::STANDARD
            .into_iter()
            .find(|layer| layer.name() == name)
            .ok_or_else(|| UnknownLayer {
                name: name.to_string(),
            })
    }
}

impl PartialEq<str> for Layer {
    fn eq(&self, name: &str) -> bool {
        self.name() == name
    }
}

impl PartialEq<&str> for Layer {
    fn eq(&self, name: &&str) -> bool {
        self.name() == *name
    }
}

impl PartialEq<String> for Layer {
    fn eq(&self, name: &String) -> bool {
        self.name() == name.as_str()
    }
}

impl Serialize for Layer {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.name())
    }
}

impl<'de> Deserialize<'de> for Layer {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Layer, D::Error> {
        let name = String::deserialize(deserializer)?;
        name.parse().map_err(serde::de::Error::custom)
    }
}

/// The layers a stage reads or writes, in declaration order. A slice of [`Layer`]s that
/// also compares with names (`io.produces.contains("quotes")`), for tests and messages.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Layers(Vec<Layer>);

impl Layers {
    /// True when `layer` (a [`Layer`] or a name) is in the list.
    pub fn contains<T: ?Sized>(&self, layer: &T) -> bool
    where
        Layer: PartialEq<T>,
    {
        self.0.iter().any(|l| l == layer)
    }

    /// The names, joined by `separator` (`tokens, pos`).
    pub fn join(&self, separator: &str) -> String {
        self.0
            .iter()
            .map(|l| l.name())
            .collect::<Vec<_>>()
            .join(separator)
    }

    /// The layers as a vector.
    pub fn into_vec(self) -> Vec<Layer> {
        self.0
    }
}

impl std::ops::Deref for Layers {
    type Target = [Layer];
    fn deref(&self) -> &[Layer] {
        &self.0
    }
}

impl From<Vec<Layer>> for Layers {
    fn from(layers: Vec<Layer>) -> Layers {
        Layers(layers)
    }
}

impl From<&[Layer]> for Layers {
    fn from(layers: &[Layer]) -> Layers {
        Layers(layers.to_vec())
    }
}

impl FromIterator<Layer> for Layers {
    fn from_iter<I: IntoIterator<Item = Layer>>(iter: I) -> Layers {
        Layers(iter.into_iter().collect())
    }
}

impl<'a> IntoIterator for &'a Layers {
    type Item = &'a Layer;
    type IntoIter = std::slice::Iter<'a, Layer>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl IntoIterator for Layers {
    type Item = Layer;
    type IntoIter = std::vec::IntoIter<Layer>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<T> PartialEq<Vec<T>> for Layers
where
    Layer: PartialEq<T>,
{
    fn eq(&self, other: &Vec<T>) -> bool {
        self.0.len() == other.len() && self.0.iter().zip(other).all(|(a, b)| a == b)
    }
}

impl<T, const N: usize> PartialEq<[T; N]> for Layers
where
    Layer: PartialEq<T>,
{
    fn eq(&self, other: &[T; N]) -> bool {
        self.0.len() == N && self.0.iter().zip(other).all(|(a, b)| a == b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_names_are_errors() {
        for layer in Layer::STANDARD {
            assert_eq!(layer.name().parse::<Layer>(), Ok(layer));
        }
        assert_eq!("ext:issues".parse(), Ok(Layer::extension("issues")));
        assert_eq!(Layer::extension("issues").to_string(), "ext:issues");
        let err = "token".parse::<Layer>().unwrap_err();
        assert!(err.to_string().contains("unknown layer `token`"), "{err}");
        assert!("ext:".parse::<Layer>().is_err());
        let json = serde_json::to_string(&Layers::from(vec![TOKENS, Layer::extension("x")]));
        assert_eq!(json.unwrap(), r#"["tokens","ext:x"]"#);
        assert!(serde_json::from_str::<Layer>(r#""lemma""#).is_err());
    }

    #[test]
    fn layer_lists_compare_with_names() {
        let layers = Layers::from(vec![MENTIONS, TOKENS]);
        assert!(layers.contains(&TOKENS));
        assert!(layers.contains("tokens"));
        assert!(layers.contains(&"mentions".to_string()));
        assert!(!layers.contains("quotes"));
        assert_eq!(layers, vec!["mentions", "tokens"]);
        assert_eq!(layers.join(","), "mentions,tokens");
    }
}
