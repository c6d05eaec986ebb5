//! The libtorch side (feature `torch`): loading Hugging Face checkpoints with rust-bert and
//! running them. Models sit behind a mutex because tch tensors are not `Sync`; libtorch
//! parallelises each forward pass itself.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rust_bert::bert::{BertConfig, BertEmbeddings, BertForTokenClassification, BertModel};
use rust_bert::distilbert::{DistilBertConfig, DistilBertForTokenClassification};
use rust_bert::pipelines::common::{ModelType, TokenizerOption};
use rust_bert::roberta::RobertaForTokenClassification;
use stancegraph_core::BuildContext;
use tch::{nn, Device, Kind, Tensor};

use crate::{
    align::windows,
    config::{BertNerConfig, DeviceSpec, EmbedConfig},
    embed::SentenceEncoder,
    error::BertError,
    labels::LabelScheme,
    ner::TokenClassifier,
};

fn model_error(dir: &Path, message: impl std::fmt::Display) -> BertError {
    BertError::Model {
        path: dir.to_path_buf(),
        message: message.to_string(),
    }
}

fn read_json(path: &Path) -> Result<serde_json::Value, BertError> {
    let text = std::fs::read_to_string(path).map_err(|source| BertError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|source| BertError::Json {
        path: path.to_path_buf(),
        source,
    })
}

fn torch_device(spec: &str) -> Result<Device, BertError> {
    match DeviceSpec::parse(spec)? {
        DeviceSpec::Cpu => Ok(Device::Cpu),
        DeviceSpec::Cuda(n) => {
            let available = if tch::Cuda::is_available() {
                tch::Cuda::device_count().max(0) as usize
            } else {
                0
            };
            if n < available {
                Ok(Device::Cuda(n))
            } else {
                Err(BertError::Device(format!(
                    "{spec} ({available} CUDA devices visible; a CUDA build of libtorch 2.4.0 is needed, the one from scripts/install-libtorch.sh is CPU-only)"
                )))
            }
        }
    }
}

/// A checkpoint directory: its config.json, tokenizer and weights.
struct Checkpoint {
    dir: PathBuf,
    config: serde_json::Value,
    model_type: String,
    tokenizer: TokenizerOption,
    cls: i64,
    sep: i64,
    pad: i64,
    unk: i64,
    /// RoBERTa's byte-level BPE marks word starts with a space.
    prefix_space: bool,
}

impl Checkpoint {
    fn open(dir: PathBuf) -> Result<Self, BertError> {
        if !dir.is_dir() {
            return Err(model_error(
                &dir,
                "not a directory (see scripts/fetch-test-models.sh or the README's bert section)",
            ));
        }
        let config = read_json(&dir.join("config.json"))?;
        let model_type = config
            .get("model_type")
            .and_then(|v| v.as_str())
            .unwrap_or("bert")
            .to_string();
        let tokenizer_config = read_json(&dir.join("tokenizer_config.json")).ok();
        let setting = |key: &str| {
            tokenizer_config
                .as_ref()
                .and_then(|c| c.get(key))
                .and_then(|v| v.as_bool())
        };
        let path_text = |name: &str| dir.join(name).to_string_lossy().into_owned();
        let (tokenizer, prefix_space, specials) = match model_type.as_str() {
            "bert" | "distilbert" => {
                let kind = if model_type == "bert" {
                    ModelType::Bert
                } else {
                    ModelType::DistilBert
                };
                let lower = setting("do_lower_case").unwrap_or(true);
                let tokenizer = TokenizerOption::from_file(
                    kind,
                    &path_text("vocab.txt"),
                    None,
                    lower,
                    setting("strip_accents"),
                    None::<bool>,
                )
                .map_err(|e| model_error(&dir, e))?;
                (tokenizer, false, ["[CLS]", "[SEP]", "[PAD]"])
            }
            "roberta" => {
                let tokenizer = TokenizerOption::from_file(
                    ModelType::Roberta,
                    &path_text("vocab.json"),
                    Some(&path_text("merges.txt")),
                    false,
                    None::<bool>,
                    Some(true),
                )
                .map_err(|e| model_error(&dir, e))?;
                (tokenizer, true, ["<s>", "</s>", "<pad>"])
            }
            other => {
                return Err(model_error(
                    &dir,
                    format!("model_type `{other}` is not supported (bert, distilbert, roberta)"),
                ))
            }
        };
        let ids = tokenizer.convert_tokens_to_ids(&specials);
        let unk = tokenizer.get_unk_id();
        let id = |i: usize| ids.get(i).copied().unwrap_or(unk);
        Ok(Checkpoint {
            cls: id(0),
            sep: id(1),
            pad: id(2),
            unk,
            dir,
            config,
            model_type,
            tokenizer,
            prefix_space,
        })
    }

    fn weights(&self) -> Result<PathBuf, BertError> {
        let path = self.dir.join("model.safetensors");
        if path.is_file() {
            Ok(path)
        } else {
            Err(model_error(
                &self.dir,
                "no model.safetensors (convert pytorch_model.bin with the safetensors package)",
            ))
        }
    }

    fn word_pieces(&self, word: &str) -> Vec<i64> {
        let text = if self.prefix_space {
            format!(" {word}")
        } else {
            word.to_string()
        };
        let pieces = self.tokenizer.tokenize(&text);
        self.tokenizer.convert_tokens_to_ids(&pieces)
    }

    fn bert_config(&self) -> Result<BertConfig, BertError> {
        serde_json::from_value(self.config.clone())
            .map_err(|e| model_error(&self.dir, format!("config.json: {e}")))
    }

    /// `[CLS] pieces [SEP]` rows padded to one length, with their attention mask.
    fn batch(&self, rows: &[Vec<i64>], device: Device) -> (Tensor, Tensor) {
        let width = rows.iter().map(|r| r.len() + 2).max().unwrap_or(2);
        let mut ids = Vec::with_capacity(rows.len() * width);
        let mut mask = Vec::with_capacity(rows.len() * width);
        for row in rows {
            ids.push(self.cls);
            ids.extend_from_slice(row);
            ids.push(self.sep);
            mask.extend(std::iter::repeat_n(1i64, row.len() + 2));
            let pad = width - row.len() - 2;
            ids.extend(std::iter::repeat_n(self.pad, pad));
            mask.extend(std::iter::repeat_n(0i64, pad));
        }
        let shape = [rows.len() as i64, width as i64];
        (
            Tensor::from_slice(&ids).view(shape).to(device),
            Tensor::from_slice(&mask).view(shape).to(device),
        )
    }
}

fn to_vec(tensor: &Tensor) -> Result<Vec<f32>, BertError> {
    Vec::<f32>::try_from(tensor.to_kind(Kind::Float).to(Device::Cpu).flatten(0, -1)).map_err(|e| {
        BertError::Inference {
            doc: String::new(),
            message: e.to_string(),
        }
    })
}

enum TokenModel {
    Bert(BertForTokenClassification),
    DistilBert(DistilBertForTokenClassification),
    Roberta(RobertaForTokenClassification),
}

/// A token classifier checkpoint on a device.
pub struct TorchTokenClassifier {
    checkpoint: Checkpoint,
    model: Mutex<(TokenModel, nn::VarStore)>,
    device: Device,
    max_pieces: usize,
}

impl TorchTokenClassifier {
    /// Loads `config.model` and builds the label scheme from its id2label.
    pub fn load(
        config: &BertNerConfig,
        context: &BuildContext,
    ) -> Result<(Self, LabelScheme), BertError> {
        let checkpoint = Checkpoint::open(context.resolve(&config.model))?;
        let device = torch_device(&config.device)?;
        let id2label: BTreeMap<usize, String> = checkpoint
            .config
            .get("id2label")
            .and_then(|v| v.as_object())
            .ok_or_else(|| {
                model_error(
                    &checkpoint.dir,
                    "config.json has no id2label: not a token classifier",
                )
            })?
            .iter()
            .filter_map(|(k, v)| Some((k.parse().ok()?, v.as_str()?.to_string())))
            .collect();
        let scheme =
            LabelScheme::new(&id2label, &config.labels).map_err(|(label, entity_type)| {
                BertError::LabelMap {
                    path: checkpoint.dir.join("config.json"),
                    label,
                    entity_type,
                }
            })?;
        let mut store = nn::VarStore::new(device);
        let fail = |e: rust_bert::RustBertError| model_error(&checkpoint.dir, e);
        let model = match checkpoint.model_type.as_str() {
            "distilbert" => {
                let c: DistilBertConfig = serde_json::from_value(checkpoint.config.clone())
                    .map_err(|e| model_error(&checkpoint.dir, format!("config.json: {e}")))?;
                TokenModel::DistilBert(
                    DistilBertForTokenClassification::new(store.root(), &c).map_err(fail)?,
                )
            }
            "roberta" => TokenModel::Roberta(
                RobertaForTokenClassification::new(store.root(), &checkpoint.bert_config()?)
                    .map_err(fail)?,
            ),
            _ => TokenModel::Bert(
                BertForTokenClassification::new(store.root(), &checkpoint.bert_config()?)
                    .map_err(fail)?,
            ),
        };
        store
            .load(checkpoint.weights()?)
            .map_err(|e| model_error(&checkpoint.dir, e))?;
        let max_pieces = config.max_length.saturating_sub(2).max(1);
        Ok((
            TorchTokenClassifier {
                checkpoint,
                model: Mutex::new((model, store)),
                device,
                max_pieces,
            },
            scheme,
        ))
    }
}

impl TokenClassifier for TorchTokenClassifier {
    fn classify(&self, sentences: &[Vec<String>]) -> Result<Vec<Vec<Vec<f32>>>, BertError> {
        let mut owners = Vec::new();
        let mut all_windows = Vec::new();
        for (index, words) in sentences.iter().enumerate() {
            let pieces: Vec<Vec<i64>> = words
                .iter()
                .map(|w| self.checkpoint.word_pieces(w))
                .collect();
            for window in windows(&pieces, self.max_pieces, self.checkpoint.unk) {
                owners.push(index);
                all_windows.push(window);
            }
        }
        let mut out: Vec<Vec<Vec<f32>>> = sentences
            .iter()
            .map(|w| vec![Vec::new(); w.len()])
            .collect();
        if all_windows.is_empty() {
            return Ok(out);
        }
        let rows: Vec<Vec<i64>> = all_windows.iter().map(|w| w.piece_ids.clone()).collect();
        let (ids, mask) = self.checkpoint.batch(&rows, self.device);
        let guard = self.model.lock().map_err(|_| BertError::Inference {
            doc: String::new(),
            message: "model lock poisoned".into(),
        })?;
        let logits = tch::no_grad(|| match &guard.0 {
            TokenModel::Bert(m) => Ok(m
                .forward_t(Some(&ids), Some(&mask), None, None, None, false)
                .logits),
            TokenModel::Roberta(m) => Ok(m
                .forward_t(Some(&ids), Some(&mask), None, None, None, false)
                .logits),
            TokenModel::DistilBert(m) => m
                .forward_t(Some(&ids), Some(&mask), None, false)
                .map(|o| o.logits),
        })
        .map_err(|e| BertError::Inference {
            doc: String::new(),
            message: e.to_string(),
        })?;
        drop(guard);
        let (_, width, labels) = logits.size3().map_err(|e| BertError::Inference {
            doc: String::new(),
            message: e.to_string(),
        })?;
        let probabilities = to_vec(&logits.softmax(-1, Kind::Float))?;
        let (width, labels) = (width as usize, labels as usize);
        for (row, (window, &owner)) in all_windows.iter().zip(&owners).enumerate() {
            let Some(sentence) = out.get_mut(owner) else {
                continue;
            };
            for (word, &first) in window.words.clone().zip(&window.first_piece) {
                let start = (row * width + first + 1) * labels;
                if let (Some(slot), Some(values)) = (
                    sentence.get_mut(word),
                    probabilities.get(start..start + labels),
                ) {
                    *slot = values.to_vec();
                }
            }
        }
        Ok(out)
    }
}

/// A sentence-transformers BERT (mean pooling, unit length), e.g. all-MiniLM-L6-v2.
pub struct TorchSentenceEncoder {
    checkpoint: Checkpoint,
    model: Mutex<(BertModel<BertEmbeddings>, nn::VarStore)>,
    device: Device,
    max_pieces: usize,
}

impl TorchSentenceEncoder {
    /// Loads `config.model` (resolved against the build context) on `config.device`; the
    /// model must be a BERT (`model_type` bert). Inputs longer than `max_length` are cut.
    pub fn load(config: &EmbedConfig, context: &BuildContext) -> Result<Self, BertError> {
        let checkpoint = Checkpoint::open(context.resolve(&config.model))?;
        if checkpoint.model_type != "bert" {
            return Err(model_error(
                &checkpoint.dir,
                "sentence embeddings need a BERT model (model_type bert)",
            ));
        }
        let device = torch_device(&config.device)?;
        let mut store = nn::VarStore::new(device);
        let model = BertModel::<BertEmbeddings>::new_with_optional_pooler(
            store.root(),
            &checkpoint.bert_config()?,
            false,
        );
        store
            .load(checkpoint.weights()?)
            .map_err(|e| model_error(&checkpoint.dir, e))?;
        let max_pieces = config.max_length.saturating_sub(2).max(1);
        Ok(TorchSentenceEncoder {
            checkpoint,
            model: Mutex::new((model, store)),
            device,
            max_pieces,
        })
    }
}

impl SentenceEncoder for TorchSentenceEncoder {
    fn encode(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, BertError> {
        if texts.is_empty() {
            return Ok(Vec::new());
        }
        let rows: Vec<Vec<i64>> = texts
            .iter()
            .map(|t| {
                let pieces = self
                    .checkpoint
                    .tokenizer
                    .tokenize(&crate::align::model_word(t));
                let mut ids = self.checkpoint.tokenizer.convert_tokens_to_ids(&pieces);
                ids.truncate(self.max_pieces);
                ids
            })
            .collect();
        let (ids, mask) = self.checkpoint.batch(&rows, self.device);
        let guard = self.model.lock().map_err(|_| BertError::Inference {
            doc: String::new(),
            message: "model lock poisoned".into(),
        })?;
        let hidden = tch::no_grad(|| {
            guard
                .0
                .forward_t(Some(&ids), Some(&mask), None, None, None, None, None, false)
        })
        .map_err(|e| BertError::Inference {
            doc: String::new(),
            message: e.to_string(),
        })?
        .hidden_state;
        drop(guard);
        let mask = mask.to_kind(Kind::Float).unsqueeze(-1);
        let summed = (hidden * &mask).sum_dim_intlist([1i64].as_slice(), false, Kind::Float);
        let counts = mask
            .sum_dim_intlist([1i64].as_slice(), false, Kind::Float)
            .clamp_min(1e-9);
        let pooled = summed / counts;
        let norms = pooled
            .norm_scalaropt_dim(2, [1i64].as_slice(), true)
            .clamp_min(1e-12);
        let unit = pooled / norms;
        let dim = unit.size().last().copied().unwrap_or(0).max(0) as usize;
        let flat = to_vec(&unit)?;
        Ok(flat.chunks(dim.max(1)).map(<[f32]>::to_vec).collect())
    }
}
