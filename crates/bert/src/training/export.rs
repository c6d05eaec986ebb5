//! Writing a trained model as the model directory inference reads (config.json, vocab.txt,
//! heads.json, model.safetensors; see the encoder contract), and loading such a directory
//! back into the torch model (dequantising int8 rows and upcasting halves).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use stancegraph_encoder::spec::{EncoderSpec, HeadSpec, SPEC_FORMAT};
use tch::{nn, Device, Kind, Tensor};

use super::model::{read_bert_config, torch_error, EncoderModel};
use super::quantize::{dequantize_rows, quantize_rows};
use crate::error::BertError;

/// How body matrices are stored. Vectors (biases, LayerNorm) and the small heads stay f32.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precision {
    /// Row-wise int8 with one f32 scale per row (the shipped format, about a quarter of f32).
    Int8Row,
    /// IEEE half precision.
    F16,
    /// Full precision, as trained.
    F32,
}

impl Precision {
    /// The name written to heads.json's `quantization` and accepted by [`Precision::parse`].
    pub fn name(self) -> &'static str {
        match self {
            Precision::Int8Row => "int8-row",
            Precision::F16 => "f16",
            Precision::F32 => "f32",
        }
    }

    /// Parses `int8-row` (or `int8`), `f16` or `f32`; `None` for anything else.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "int8-row" | "int8" => Some(Precision::Int8Row),
            "f16" => Some(Precision::F16),
            "f32" => Some(Precision::F32),
            _ => None,
        }
    }
}

fn io(path: &Path, source: std::io::Error) -> BertError {
    BertError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn floats(tensor: &Tensor) -> Result<Vec<f32>, BertError> {
    Vec::<f32>::try_from(tensor.to_kind(Kind::Float).to(Device::Cpu).flatten(0, -1))
        .map_err(|e| torch_error("reading a tensor", e))
}

/// Named tensors of the store in the stored precision (sorted by name).
pub fn stored_tensors(
    store: &nn::VarStore,
    precision: Precision,
) -> Result<Vec<(String, Tensor)>, BertError> {
    let mut variables: Vec<(String, Tensor)> = store.variables().into_iter().collect();
    variables.sort_by(|a, b| a.0.cmp(&b.0));
    let mut out = Vec::with_capacity(variables.len() * 2);
    for (name, tensor) in variables {
        let tensor = tensor.detach().to(Device::Cpu).to_kind(Kind::Float);
        let matrix = tensor.dim() == 2 && !name.starts_with("heads.");
        match precision {
            Precision::Int8Row if matrix => {
                let size = tensor.size();
                let cols = size[1].max(1) as usize;
                let (q, scales) = quantize_rows(&floats(&tensor)?, cols);
                out.push((
                    name.clone(),
                    Tensor::from_slice(&q).view([size[0], size[1]]),
                ));
                out.push((format!("{name}.scale"), Tensor::from_slice(&scales)));
            }
            Precision::F16 if matrix => out.push((name, tensor.to_kind(Kind::Half))),
            _ => out.push((name, tensor)),
        }
    }
    Ok(out)
}

/// Writes the model directory `out` from a trained store; `base` supplies config.json and
/// vocab.txt. Returns the size of model.safetensors in bytes.
pub fn export(
    store: &nn::VarStore,
    spec: &EncoderSpec,
    base: &Path,
    out: &Path,
    precision: Precision,
) -> Result<u64, BertError> {
    std::fs::create_dir_all(out).map_err(|e| io(out, e))?;
    for name in ["config.json", "vocab.txt"] {
        let from = base.join(name);
        std::fs::copy(&from, out.join(name)).map_err(|e| io(&from, e))?;
    }
    let tensors = stored_tensors(store, precision)?;
    let weights = out.join("model.safetensors");
    Tensor::write_safetensors(&tensors, &weights)
        .map_err(|e| torch_error("writing model.safetensors", e))?;
    let mut spec = spec.clone();
    spec.quantization = Some(precision.name().to_string());
    let heads_path = out.join("heads.json");
    spec.write(&heads_path).map_err(|e| BertError::Model {
        path: heads_path,
        message: e.to_string(),
    })?;
    std::fs::metadata(&weights)
        .map(|m| m.len())
        .map_err(|e| io(&weights, e))
}

/// The heads.json of a run.
pub fn spec_for(
    heads: &[(String, Vec<String>)],
    max_pieces: usize,
    stride: usize,
    case_dim: usize,
) -> EncoderSpec {
    EncoderSpec {
        format: SPEC_FORMAT,
        base: "all-MiniLM-L6-v2".into(),
        max_pieces,
        stride,
        case_shapes: stancegraph_encoder::N_CASE_SHAPES,
        case_dim,
        heads: heads
            .iter()
            .map(|(task, labels)| HeadSpec {
                task: task.clone(),
                scheme: "BIO".into(),
                labels: labels.clone(),
                crf: false,
            })
            .collect(),
        quantization: None,
        trained_on: None,
        command: None,
        dev: serde_json::Value::Null,
    }
}

/// Loads a model directory written by [`export`] (or any with the same layout) on the CPU.
pub fn load_model_dir(dir: &Path) -> Result<(EncoderModel, nn::VarStore, EncoderSpec), BertError> {
    let model_error = |message: String| BertError::Model {
        path: dir.to_path_buf(),
        message,
    };
    let spec =
        EncoderSpec::from_file(dir.join("heads.json")).map_err(|e| model_error(e.to_string()))?;
    let config = read_bert_config(dir)?;
    let weights = dir.join("model.safetensors");
    if !weights.is_file() {
        return Err(model_error("no model.safetensors".into()));
    }
    let vocab = dir.join("vocab.txt");
    let wordpiece = stancegraph_encoder::WordPiece::from_vocab_file(&vocab)
        .map_err(|e| model_error(e.to_string()))?;
    let heads: Vec<(String, Vec<String>)> = spec
        .heads
        .iter()
        .map(|h| (h.task.clone(), h.labels.clone()))
        .collect();
    let store = nn::VarStore::new(Device::Cpu);
    let model = EncoderModel::new(
        &store,
        &config,
        &heads,
        spec.case_shapes as i64,
        spec.case_dim as i64,
        wordpiece.special().pad,
    );
    copy_stored_weights(&store, dir, |_| true)?;
    Ok((model, store, spec))
}

/// Copies a model directory's weights (dequantised) into `store`'s variables. `required`
/// says which variable names the directory must hold; the others keep their initial values.
fn copy_stored_weights(
    store: &nn::VarStore,
    dir: &Path,
    required: impl Fn(&str) -> bool,
) -> Result<Vec<String>, BertError> {
    let model_error = |message: String| BertError::Model {
        path: dir.to_path_buf(),
        message,
    };
    let weights = dir.join("model.safetensors");
    let stored: HashMap<String, Tensor> = Tensor::read_safetensors(&weights)
        .map_err(|e| model_error(format!("model.safetensors: {e}")))?
        .into_iter()
        .collect();
    let mut variables = store.variables();
    let mut names: Vec<String> = variables.keys().cloned().collect();
    names.sort();
    let mut kept_initial = Vec::new();
    for name in names {
        let Some(var) = variables.get_mut(&name) else {
            continue;
        };
        if !stored.contains_key(&name) && !required(&name) {
            kept_initial.push(name);
            continue;
        }
        let value = dequantized(&stored, &name).map_err(|m| model_error(format!("{name}: {m}")))?;
        if value.size() != var.size() {
            return Err(model_error(format!(
                "{name}: shape {:?} in the file, {:?} in the model",
                value.size(),
                var.size()
            )));
        }
        tch::no_grad(|| var.copy_(&value));
    }
    Ok(kept_initial)
}

/// Starts a run from an exported model directory (`train encoder --init`), e.g. to continue
/// fine-tuning the shipped encoder: body and case embedding must match; a head the
/// directory has must have the same labels; a head it lacks starts fresh. Returns the
/// variables left at their initial values.
pub fn init_from_model_dir(
    store: &nn::VarStore,
    dir: &Path,
    heads: &[(String, Vec<String>)],
) -> Result<Vec<String>, BertError> {
    let model_error = |message: String| BertError::Model {
        path: dir.to_path_buf(),
        message,
    };
    let spec =
        EncoderSpec::from_file(dir.join("heads.json")).map_err(|e| model_error(e.to_string()))?;
    for (task, labels) in heads {
        if let Some(stored) = spec.heads.iter().find(|h| &h.task == task) {
            if &stored.labels != labels {
                return Err(model_error(format!(
                    "head {task}: labels {:?} in heads.json, {:?} in this run",
                    stored.labels, labels
                )));
            }
        }
    }
    let fresh_heads: Vec<String> = heads
        .iter()
        .filter(|(task, _)| !spec.heads.iter().any(|h| &h.task == task))
        .map(|(task, _)| format!("heads.{task}."))
        .collect();
    copy_stored_weights(store, dir, |name| {
        !fresh_heads
            .iter()
            .any(|prefix| name.starts_with(prefix.as_str()))
    })
}

fn dequantized(stored: &HashMap<String, Tensor>, name: &str) -> Result<Tensor, String> {
    let tensor = stored.get(name).ok_or("missing from model.safetensors")?;
    match tensor.kind() {
        Kind::Int8 => {
            let scale = stored
                .get(&format!("{name}.scale"))
                .ok_or("int8 tensor without its .scale")?;
            let size = tensor.size();
            if size.len() != 2 || scale.size() != [size[0]] {
                return Err(format!(
                    "int8 tensor {size:?} with scale {:?}",
                    scale.size()
                ));
            }
            let q = Vec::<i8>::try_from(tensor.flatten(0, -1)).map_err(|e| e.to_string())?;
            let s = Vec::<f32>::try_from(scale.to_kind(Kind::Float)).map_err(|e| e.to_string())?;
            let values = dequantize_rows(&q, &s, size[1].max(1) as usize);
            Ok(Tensor::from_slice(&values).view([size[0], size[1]]))
        }
        _ => Ok(tensor.to_kind(Kind::Float)),
    }
}

/// The default place of the shipped model, relative to the project root.
pub fn shipped_dir(root: &Path) -> PathBuf {
    root.join("data/models/encoder")
}
