//! Stage configurations. Plain data: they compile and validate without libtorch.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::BertError;

/// Where a model runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceSpec {
    /// The CPU (always available).
    Cpu,
    /// The CUDA device of this index (`cuda:N`); needs a CUDA build of libtorch.
    Cuda(usize),
}

impl DeviceSpec {
    /// Parses `cpu`, `cuda` (= `cuda:0`) or `cuda:N`.
    pub fn parse(text: &str) -> Result<Self, BertError> {
        match text.trim().to_ascii_lowercase().as_str() {
            "cpu" => Ok(DeviceSpec::Cpu),
            "cuda" => Ok(DeviceSpec::Cuda(0)),
            other => other
                .strip_prefix("cuda:")
                .and_then(|n| n.parse().ok())
                .map(DeviceSpec::Cuda)
                .ok_or_else(|| BertError::Device(text.to_string())),
        }
    }
}

/// What `entities.bert` does with the mentions already in the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NerMode {
    /// Drop earlier name mentions (nominal and pronoun mentions stay) and keep the model's.
    Replace,
    /// Keep earlier mentions; the model confirms, retypes or adds name mentions.
    Vote,
}

/// Config of `entities.bert`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BertNerConfig {
    /// A Hugging Face checkpoint directory: config.json (with id2label), vocab.txt
    /// (BERT, DistilBERT) or vocab.json + merges.txt (RoBERTa), model.safetensors.
    pub model: String,
    /// `cpu`, `cuda` or `cuda:N` (CUDA needs a CUDA build of libtorch).
    pub device: String,
    /// Whether the model's name mentions replace the earlier ones or vote with them.
    pub mode: NerMode,
    /// Sentences per forward pass.
    pub batch_size: usize,
    /// Longest input in word pieces (with `[CLS]` and `[SEP]`); longer sentences are split.
    pub max_length: usize,
    /// Model label type (without `B-`/`I-`) to our entity type; unlisted types are ignored.
    pub labels: BTreeMap<String, String>,
    /// Mentions below this confidence are dropped.
    pub min_confidence: f32,
    /// In vote mode: how much the model's confidence counts against the earlier stage's
    /// when the two disagree on a type (1.0 = equal weight).
    pub vote_weight: f32,
}

impl Default for BertNerConfig {
    fn default() -> Self {
        let labels = [
            ("PER", "PER"),
            ("PERSON", "PER"),
            ("GIVEN_NAME", "PER"),
            ("SURNAME", "PER"),
            ("ORG", "ORG"),
            ("LOC", "LOC"),
            ("GPE", "GPE"),
            ("NORP", "NORP"),
            ("MISC", "MISC"),
        ]
        .into_iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        BertNerConfig {
            model: "models/bert/ner".to_string(),
            device: "cpu".to_string(),
            mode: NerMode::Vote,
            batch_size: 16,
            max_length: 256,
            labels,
            min_confidence: 0.5,
            vote_weight: 1.0,
        }
    }
}

/// Config of `embed.sentences`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EmbedConfig {
    /// A sentence-transformers BERT directory (config.json, vocab.txt, model.safetensors),
    /// e.g. all-MiniLM-L6-v2 from scripts/fetch-test-models.sh.
    pub model: String,
    /// `cpu`, `cuda` or `cuda:N` (CUDA needs a CUDA build of libtorch).
    pub device: String,
    /// Texts per forward pass.
    pub batch_size: usize,
    /// Longest input in word pieces; all-MiniLM-L6-v2 was trained with 256.
    pub max_length: usize,
    /// Store every sentence vector in the `ext:embed` layer (large: 384 floats a sentence).
    pub store_vectors: bool,
    /// Merge two entities of one type whose names (in context) are at least this similar
    /// and whose names are compatible (one's words within the other's). 0 disables.
    pub alias_threshold: f32,
    /// Group issue labels of stances at least this similar. 0 disables.
    pub issue_threshold: f32,
    /// Score quotes against the support/oppose prototypes and add stances.
    pub score_stance: bool,
    /// Sentences that express support; a quote's support score is its best similarity to one.
    pub support_prototypes: Vec<String>,
    /// Sentences that express opposition, scored like `support_prototypes`.
    pub oppose_prototypes: Vec<String>,
    /// Least difference between the support and oppose similarity to call a polarity.
    pub stance_margin: f32,
}

impl Default for EmbedConfig {
    fn default() -> Self {
        EmbedConfig {
            model: "models/embed/minilm".to_string(),
            device: "cpu".to_string(),
            batch_size: 32,
            max_length: 256,
            store_vectors: false,
            alias_threshold: 0.75,
            issue_threshold: 0.8,
            score_stance: false,
            support_prototypes: vec![
                "We welcome this and fully support it.".to_string(),
                "This is a good agreement and we agree with it.".to_string(),
            ],
            oppose_prototypes: vec![
                "We strongly oppose this and condemn it.".to_string(),
                "This is a bad decision and we reject it.".to_string(),
            ],
            stance_margin: 0.05,
        }
    }
}
