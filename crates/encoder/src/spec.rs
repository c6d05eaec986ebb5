//! `heads.json`: what the fine-tuned encoder's heads predict and how the model directory is
//! laid out (the contract between training in crates/bert and inference here).

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::case::N_CASE_SHAPES;
use crate::windows::WindowSpec;
use crate::EncoderError;

/// The heads.json format this crate reads.
pub const SPEC_FORMAT: u32 = 1;

/// The serde form of `heads.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EncoderSpec {
    /// Format version ([`SPEC_FORMAT`]).
    pub format: u32,
    /// The pretrained body (`all-MiniLM-L6-v2`).
    pub base: String,
    /// Pieces per window, [CLS] and [SEP] included.
    pub max_pieces: usize,
    /// Overlap between consecutive windows, in pieces.
    pub stride: usize,
    /// Rows of each head's case embedding ([`N_CASE_SHAPES`]).
    pub case_shapes: usize,
    /// Width of the case embedding appended to the hidden state.
    pub case_dim: usize,
    /// The task heads.
    pub heads: Vec<HeadSpec>,
    /// How matrices are stored: `int8-row`, `f16` or `f32` (absent = as the dtypes say).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantization: Option<String>,
    /// The training data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trained_on: Option<String>,
    /// The command that trained it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<String>,
    /// Dev figures measured at the end of training.
    #[serde(default)]
    pub dev: serde_json::Value,
}

/// One task head: a linear layer over concat(hidden state, case embedding).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeadSpec {
    /// `ner`, `attribution`, `upos`, ...: the tensor prefix is `heads.<task>.`.
    pub task: String,
    /// Tagging scheme of `labels` (`BIO`; `none` for plain classes such as UPOS).
    pub scheme: String,
    /// The label of each output, `O` first for BIO heads.
    pub labels: Vec<String>,
    /// True when the head has a learned transition matrix `heads.<task>.transitions`.
    #[serde(default)]
    pub crf: bool,
}

impl EncoderSpec {
    /// Reads and validates a heads.json.
    pub fn from_file(path: impl AsRef<Path>) -> Result<EncoderSpec, EncoderError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| EncoderError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let spec: EncoderSpec =
            serde_json::from_str(&text).map_err(|source| EncoderError::Json {
                path: path.to_path_buf(),
                source,
            })?;
        spec.validate(path)?;
        Ok(spec)
    }

    /// Writes it as pretty JSON.
    pub fn write(&self, path: impl AsRef<Path>) -> Result<(), EncoderError> {
        let path = path.as_ref();
        let text = serde_json::to_string_pretty(self).map_err(|source| EncoderError::Json {
            path: path.to_path_buf(),
            source,
        })?;
        std::fs::write(path, text + "\n").map_err(|source| EncoderError::Read {
            path: path.to_path_buf(),
            source,
        })
    }

    /// Checks what inference relies on: the format, the case shapes, window geometry, unique
    /// heads with labels, and BIO label names.
    pub fn validate(&self, origin: &Path) -> Result<(), EncoderError> {
        let fail = |reason: String| {
            Err(EncoderError::Spec {
                path: origin.to_path_buf(),
                reason,
            })
        };
        if self.format != SPEC_FORMAT {
            return fail(format!(
                "format {} (this build reads {SPEC_FORMAT})",
                self.format
            ));
        }
        if self.case_shapes != N_CASE_SHAPES {
            return fail(format!(
                "case_shapes {} (this build has {N_CASE_SHAPES})",
                self.case_shapes
            ));
        }
        self.windows().validate()?;
        for (i, head) in self.heads.iter().enumerate() {
            if self.heads[..i].iter().any(|h| h.task == head.task) {
                return fail(format!("head {:?} appears twice", head.task));
            }
            if head.labels.is_empty() {
                return fail(format!("head {:?} has no labels", head.task));
            }
            if head.scheme.eq_ignore_ascii_case("BIO") {
                if let Some(bad) = head
                    .labels
                    .iter()
                    .find(|l| l.as_str() != "O" && !(l.starts_with("B-") || l.starts_with("I-")))
                {
                    return fail(format!(
                        "head {:?}: label {bad:?} is not O, B-X or I-X",
                        head.task
                    ));
                }
            }
        }
        Ok(())
    }

    /// The window geometry it was trained with.
    pub fn windows(&self) -> WindowSpec {
        WindowSpec {
            max_pieces: self.max_pieces,
            stride: self.stride,
        }
    }

    /// The head for a task.
    pub fn head(&self, task: &str) -> Option<&HeadSpec> {
        self.heads.iter().find(|h| h.task == task)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = r#"{ "format": 1, "base": "all-MiniLM-L6-v2", "max_pieces": 256, "stride": 64,
      "case_shapes": 8, "case_dim": 16,
      "heads": [ {"task": "ner", "scheme": "BIO", "labels": ["O","B-PER","I-PER","B-ORG","I-ORG","B-LOC","I-LOC","B-MISC","I-MISC"]},
                 {"task": "attribution", "scheme": "BIO", "labels": ["O","B-SOURCE","I-SOURCE","B-CUE","I-CUE","B-CONTENT","I-CONTENT"]} ],
      "quantization": "int8-row",
      "trained_on": "...", "command": "...", "dev": { } }"#;

    #[test]
    fn contract_example_parses() {
        let spec: EncoderSpec = serde_json::from_str(EXAMPLE).unwrap();
        spec.validate(Path::new("heads.json")).unwrap();
        assert_eq!(spec.head("ner").unwrap().labels.len(), 9);
        assert!(!spec.head("attribution").unwrap().crf);
        assert_eq!(spec.windows(), WindowSpec::default());
    }

    #[test]
    fn round_trips_through_a_file() {
        let spec: EncoderSpec = serde_json::from_str(EXAMPLE).unwrap();
        let dir = std::env::temp_dir().join(format!("encoder-spec-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("heads.json");
        spec.write(&path).unwrap();
        assert_eq!(EncoderSpec::from_file(&path).unwrap(), spec);
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn bad_specs_name_the_file_and_the_reason() {
        let mut spec: EncoderSpec = serde_json::from_str(EXAMPLE).unwrap();
        spec.heads[0].labels.push("PER".into());
        let err = spec.validate(Path::new("m/heads.json")).unwrap_err();
        assert!(err.to_string().contains("m/heads.json") && err.to_string().contains("\"PER\""));
        let mut spec: EncoderSpec = serde_json::from_str(EXAMPLE).unwrap();
        spec.case_shapes = 6;
        assert!(spec.validate(Path::new("h")).is_err());
        let mut spec: EncoderSpec = serde_json::from_str(EXAMPLE).unwrap();
        spec.heads.push(spec.heads[0].clone());
        assert!(spec
            .validate(Path::new("h"))
            .unwrap_err()
            .to_string()
            .contains("twice"));
        let err = EncoderSpec::from_file("/nonexistent/heads.json").unwrap_err();
        assert!(err.to_string().contains("/nonexistent/heads.json"));
    }
}
