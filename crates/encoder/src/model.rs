//! The fine-tuned encoder: a BERT body and one linear head per task over
//! concat(last hidden state, case-shape embedding). Documents are encoded in overlapping
//! windows, windows of several documents share padded batches, and each token is scored
//! from its first piece in its best window.
//!
//! The forward pass is a [`WindowForward`]: [`CandleForward`] here (pure Rust,
//! [`crate::bert::Bert`]), a libtorch one in crates/bert. Everything around it (windows,
//! batching, which token reads which piece, decoding) is [`EncoderModel`]'s and the same for
//! both, so the two backends differ only in the arithmetic of the forward pass.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use candle_core::{Device, Tensor, D};

use crate::bert::{Bert, BertConfig};
use crate::bio::BioConstraints;
use crate::spec::{EncoderSpec, HeadSpec};
use crate::weights::{load_tensors, Int8Rows};
use crate::windows::{encode_tokens, DocumentWindows, WindowSpec};
use crate::wordpiece::WordPiece;
use crate::EncoderError;

/// Files of a model directory.
pub const CONFIG_FILE: &str = "config.json";
/// See [`CONFIG_FILE`].
pub const VOCAB_FILE: &str = "vocab.txt";
/// See [`CONFIG_FILE`].
pub const HEADS_FILE: &str = "heads.json";
/// See [`CONFIG_FILE`].
pub const WEIGHTS_FILE: &str = "model.safetensors";

/// One task head, as decoding sees it (its weights live in the [`WindowForward`]).
pub struct Head {
    /// Its description from heads.json.
    pub spec: HeadSpec,
    /// Which label may follow which.
    pub constraints: BioConstraints,
    /// Learned transitions (`crf: true` heads), row-major [prev, next].
    pub transitions: Option<Vec<f32>>,
}

/// One task head's weights on candle.
struct CandleHead {
    task: String,
    case_embedding: Tensor,
    /// Classifier weight, transposed: [hidden + case_dim, labels].
    weight_t: Tensor,
    bias: Tensor,
}

/// One padded batch of windows: the input of a [`WindowForward`].
#[derive(Debug, Clone, Copy)]
pub struct PieceBatch<'a> {
    /// Word-piece ids, `rows × width` row-major, each row padded with the vocabulary's pad id.
    pub ids: &'a [u32],
    /// Windows in the batch.
    pub rows: usize,
    /// Pieces per row after padding.
    pub width: usize,
    /// Pieces of each row before padding (attention ignores the rest).
    pub lengths: &'a [usize],
    /// The pieces whose labels are read (each token's first piece in its best window), as
    /// flat indices `row * width + piece`.
    pub positions: &'a [u32],
    /// Case shape of each entry of `positions` (see [`crate::case`]).
    pub case_shapes: &'a [u32],
}

/// The encoder's forward pass on some backend: body over the padded windows, then every
/// head over concat(hidden state of the picked pieces, case-shape embedding).
pub trait WindowForward: Send + Sync {
    /// Per head (heads.json order), one row of label log-probabilities per entry of
    /// `batch.positions`, in that order. Errors are messages; [`EncoderModel::score`] names
    /// the documents of the batch.
    fn head_log_probs(&self, batch: &PieceBatch<'_>) -> Result<Vec<Vec<Vec<f32>>>, String>;
}

/// A model directory read into memory: what every backend loads its weights from, checked
/// once (heads.json valid, vocabulary within the embeddings, windows within the positions).
pub struct ModelFiles {
    /// The directory.
    pub dir: PathBuf,
    /// heads.json.
    pub spec: EncoderSpec,
    /// vocab.txt.
    pub wordpiece: WordPiece,
    /// config.json, the fields candle reads.
    pub config: BertConfig,
    /// config.json as stored (other backends parse their own config type from it).
    pub config_json: Vec<u8>,
    /// model.safetensors, for errors.
    pub weights_path: PathBuf,
    /// Every tensor of model.safetensors in f32 on the CPU; int8 rows dequantised as
    /// `q · scale` ([`crate::weights::load_tensors`]), so every backend computes with the
    /// same weights.
    pub tensors: HashMap<String, Tensor>,
    /// The int8 tensors as stored (for int8 matrix products).
    pub int8_rows: HashMap<String, Int8Rows>,
}

impl ModelFiles {
    /// Reads `dir` (config.json, vocab.txt, heads.json, model.safetensors).
    pub fn read(dir: &Path) -> Result<ModelFiles, EncoderError> {
        let heads_path = dir.join(HEADS_FILE);
        let spec: EncoderSpec =
            serde_json::from_slice(&read(&heads_path)?).map_err(|source| EncoderError::Json {
                path: heads_path.clone(),
                source,
            })?;
        spec.validate(&heads_path)?;
        let vocab_path = dir.join(VOCAB_FILE);
        let vocab = String::from_utf8(read(&vocab_path)?).map_err(|_| EncoderError::Model {
            path: vocab_path.clone(),
            reason: "vocab.txt is not UTF-8".into(),
        })?;
        let wordpiece = WordPiece::from_vocab_text(&vocab, &vocab_path)?;
        let config_path = dir.join(CONFIG_FILE);
        let config_json = read(&config_path)?;
        let config: BertConfig =
            serde_json::from_slice(&config_json).map_err(|source| EncoderError::Json {
                path: config_path.clone(),
                source,
            })?;
        if config.vocab_size < wordpiece.len() {
            return Err(EncoderError::Model {
                path: config_path,
                reason: format!(
                    "vocab_size {} is smaller than vocab.txt ({} pieces)",
                    config.vocab_size,
                    wordpiece.len()
                ),
            });
        }
        if spec.max_pieces > config.max_position_embeddings {
            return Err(EncoderError::Spec {
                path: heads_path,
                reason: format!(
                    "max_pieces {} exceeds the model's {} positions",
                    spec.max_pieces, config.max_position_embeddings
                ),
            });
        }
        let weights_path = dir.join(WEIGHTS_FILE);
        let (tensors, int8_rows) =
            load_tensors(&read(&weights_path)?, &weights_path, &Device::Cpu)?;
        Ok(ModelFiles {
            dir: dir.to_path_buf(),
            spec,
            wordpiece,
            config,
            config_json,
            weights_path,
            tensors,
            int8_rows,
        })
    }

    /// An error about model.safetensors.
    pub fn weights_error(&self, reason: String) -> EncoderError {
        EncoderError::Model {
            path: self.weights_path.clone(),
            reason,
        }
    }

    /// Tensor `name` with shape `shape`.
    pub fn tensor(&self, name: &str, shape: &[usize]) -> Result<&Tensor, EncoderError> {
        let tensor = self
            .tensors
            .get(name)
            .ok_or_else(|| self.weights_error(format!("missing tensor {name}")))?;
        if tensor.dims() != shape {
            return Err(self.weights_error(format!(
                "tensor {name} has shape {:?}, expected {shape:?}",
                tensor.dims()
            )));
        }
        Ok(tensor)
    }

    /// Tensor `name`'s values, row-major f32.
    pub fn values(&self, name: &str) -> Result<(Vec<usize>, Vec<f32>), EncoderError> {
        let tensor = self
            .tensors
            .get(name)
            .ok_or_else(|| self.weights_error(format!("missing tensor {name}")))?;
        let values = tensor
            .flatten_all()
            .and_then(|t| t.to_vec1::<f32>())
            .map_err(|e| self.weights_error(format!("tensor {name}: {e}")))?;
        Ok((tensor.dims().to_vec(), values))
    }
}

/// The candle forward pass (CPU; int8 or f32 dense layers).
pub struct CandleForward {
    bert: Bert,
    heads: Vec<CandleHead>,
    device: Device,
}

impl CandleForward {
    /// Builds the body and heads from `files`; `int8` as in [`EncoderModel::load_with`].
    pub fn new(files: &ModelFiles, int8: bool) -> Result<CandleForward, EncoderError> {
        let mut heads = Vec::with_capacity(files.spec.heads.len());
        for head in &files.spec.heads {
            heads.push(load_head(files, head)?);
        }
        let bert = if int8 && crate::quantized::fast_kernel_available() {
            Bert::from_tensors_int8(&files.tensors, &files.int8_rows, &files.config)
        } else {
            Bert::from_tensors(&files.tensors, &files.config)
        }
        .map_err(|e| files.weights_error(format!("body: {e}")))?;
        Ok(CandleForward {
            bert,
            heads,
            device: Device::Cpu,
        })
    }
}

impl WindowForward for CandleForward {
    fn head_log_probs(&self, batch: &PieceBatch<'_>) -> Result<Vec<Vec<Vec<f32>>>, String> {
        let e = |what: &str, err: candle_core::Error| format!("{what}: {err}");
        let dev = &self.device;
        let ids = Tensor::from_vec(batch.ids.to_vec(), (batch.rows, batch.width), dev)
            .map_err(|x| e("input ids", x))?;
        let hidden = self
            .bert
            .forward(&ids, batch.lengths)
            .map_err(|x| e("encoder", x))?;
        if batch.positions.is_empty() {
            return Ok(vec![Vec::new(); self.heads.len()]);
        }
        let count = batch.positions.len();
        let picked = Tensor::from_vec(batch.positions.to_vec(), count, dev)
            .map_err(|x| e("positions", x))?;
        let shapes = Tensor::from_vec(batch.case_shapes.to_vec(), count, dev)
            .map_err(|x| e("case shapes", x))?;
        let selected = hidden
            .index_select(&picked, 0)
            .map_err(|x| e("first pieces", x))?;
        let mut out = Vec::with_capacity(self.heads.len());
        for head in &self.heads {
            out.push(
                head.log_probs(&selected, &shapes)
                    .map_err(|x| e(&format!("head {}", head.task), x))?,
            );
        }
        Ok(out)
    }
}

/// Per-token log-probabilities of every head for one document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DocumentScores {
    /// Tokens scored.
    pub tokens: usize,
    /// Per head (in heads.json order): `tokens × labels` log-probabilities, row-major.
    pub heads: Vec<Vec<f32>>,
}

/// A loaded model directory.
pub struct EncoderModel {
    dir: PathBuf,
    spec: EncoderSpec,
    wordpiece: WordPiece,
    heads: Vec<Head>,
    forward: Box<dyn WindowForward>,
}

impl std::fmt::Debug for EncoderModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EncoderModel")
            .field("dir", &self.dir)
            .field("heads", &self.spec.heads)
            .finish_non_exhaustive()
    }
}

/// Reads a model file from disk or from the binary's embedded data.
fn read(path: &Path) -> Result<Vec<u8>, EncoderError> {
    stancegraph_assets::read(path).map_err(|e| EncoderError::Read {
        path: path.to_path_buf(),
        source: e.into(),
    })
}

impl EncoderModel {
    /// Loads `dir` (config.json, vocab.txt, heads.json, model.safetensors) on the CPU, with
    /// int8 matrix products in the body's dense layers.
    pub fn load(dir: &Path) -> Result<EncoderModel, EncoderError> {
        EncoderModel::load_with(dir, true)
    }

    /// Loads `dir`; `int8` chooses int8 matrix products in the body's dense layers (about
    /// 1.8× faster overall) where the CPU has AVX-512 VNNI, f32 ones (the reference
    /// computation) elsewhere or when false.
    pub fn load_with(dir: &Path, int8: bool) -> Result<EncoderModel, EncoderError> {
        let files = ModelFiles::read(dir)?;
        let forward = CandleForward::new(&files, int8)?;
        EncoderModel::with_forward(files, Box::new(forward))
    }

    /// The model of `files` with another backend's forward pass (built from the same files).
    pub fn with_forward(
        files: ModelFiles,
        forward: Box<dyn WindowForward>,
    ) -> Result<EncoderModel, EncoderError> {
        let mut heads = Vec::with_capacity(files.spec.heads.len());
        for head in &files.spec.heads {
            let n = head.labels.len();
            let transitions = if head.crf {
                let name = format!("heads.{}.transitions", head.task);
                files.tensor(&name, &[n, n])?;
                Some(files.values(&name)?.1)
            } else {
                None
            };
            heads.push(Head {
                constraints: BioConstraints::new(&head.labels),
                spec: head.clone(),
                transitions,
            });
        }
        Ok(EncoderModel {
            dir: files.dir,
            spec: files.spec,
            wordpiece: files.wordpiece,
            heads,
            forward,
        })
    }

    /// The model directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// heads.json.
    pub fn spec(&self) -> &EncoderSpec {
        &self.spec
    }

    /// The vocabulary.
    pub fn wordpiece(&self) -> &WordPiece {
        &self.wordpiece
    }

    /// The heads, in heads.json order.
    pub fn heads(&self) -> &[Head] {
        &self.heads
    }

    /// Index of the head for `task`.
    pub fn head_index(&self, task: &str) -> Option<usize> {
        self.heads.iter().position(|h| h.spec.task == task)
    }

    /// Windows of one document's tokens.
    pub fn windows<S: AsRef<str>>(
        &self,
        tokens: &[S],
        spec: WindowSpec,
    ) -> Result<DocumentWindows, EncoderError> {
        encode_tokens(&self.wordpiece, tokens, spec)
    }

    /// Scores the tokens of several documents. Windows of all documents are sorted by
    /// length and run `batch_windows` at a time (padded to the longest of each batch).
    /// `names` name the documents in errors; `stop` is polled between batches (the
    /// per-document time budget) and, when true, fails the documents not yet done. A failing
    /// batch fails only the documents that have windows in it.
    pub fn score(
        &self,
        documents: &[DocumentWindows],
        names: &[&str],
        batch_windows: usize,
        stop: &dyn Fn() -> bool,
    ) -> Vec<Result<DocumentScores, EncoderError>> {
        let mut results: Vec<Result<DocumentScores, EncoderError>> = documents
            .iter()
            .map(|d| {
                Ok(DocumentScores {
                    tokens: d.token_source.len(),
                    heads: self
                        .heads
                        .iter()
                        .map(|h| vec![0.0; d.token_source.len() * h.spec.labels.len()])
                        .collect(),
                })
            })
            .collect();
        // (document, window) pairs, longest first so that batches pad little.
        let mut order: Vec<(usize, usize)> = documents
            .iter()
            .enumerate()
            .flat_map(|(d, w)| (0..w.windows.len()).map(move |k| (d, k)))
            .collect();
        order.sort_by_key(|&(d, k)| std::cmp::Reverse(documents[d].windows[k].input_ids.len()));
        // Which tokens read from each window: (document, window) → [(token, position)].
        let mut readers: Vec<Vec<Vec<(usize, usize)>>> = documents
            .iter()
            .map(|d| vec![Vec::new(); d.windows.len()])
            .collect();
        for (d, doc) in documents.iter().enumerate() {
            for (t, &(w, pos)) in doc.token_source.iter().enumerate() {
                readers[d][w].push((t, pos));
            }
        }
        for batch in order.chunks(batch_windows.max(1)) {
            if batch.iter().all(|&(d, _)| results[d].is_err()) {
                continue;
            }
            if stop() {
                for &(d, _) in batch {
                    if results[d].is_ok() {
                        results[d] = Err(EncoderError::Inference {
                            context: format!("document {}", names.get(d).unwrap_or(&"?")),
                            reason: "over its time budget".into(),
                        });
                    }
                }
                continue;
            }
            match self.run_batch(documents, &readers, batch) {
                Ok(rows) => {
                    for (head, per_token) in rows.into_iter().enumerate() {
                        let n = self.heads[head].spec.labels.len();
                        for (d, t, row) in per_token {
                            if let Ok(scores) = &mut results[d] {
                                scores.heads[head][t * n..(t + 1) * n].copy_from_slice(&row);
                            }
                        }
                    }
                }
                Err(reason) => {
                    let mut docs: Vec<usize> = batch.iter().map(|&(d, _)| d).collect();
                    docs.dedup();
                    let listed: Vec<&str> = docs
                        .iter()
                        .map(|&d| *names.get(d).unwrap_or(&"?"))
                        .collect();
                    for d in docs {
                        results[d] = Err(EncoderError::Inference {
                            context: format!(
                                "batch of {} windows (documents {})",
                                batch.len(),
                                listed.join(", ")
                            ),
                            reason: reason.clone(),
                        });
                    }
                }
            }
        }
        results
    }

    /// Runs one padded batch of windows; per head, (document, token, log-probabilities) of
    /// every token that reads its label from these windows.
    #[allow(clippy::type_complexity)]
    fn run_batch(
        &self,
        documents: &[DocumentWindows],
        readers: &[Vec<Vec<(usize, usize)>>],
        batch: &[(usize, usize)],
    ) -> Result<Vec<Vec<(usize, usize, Vec<f32>)>>, String> {
        let width = batch
            .iter()
            .map(|&(d, k)| documents[d].windows[k].input_ids.len())
            .max()
            .unwrap_or(0);
        let rows = batch.len();
        let pad = self.wordpiece.special().pad;
        let mut ids = vec![pad; rows * width];
        let mut lengths = Vec::with_capacity(rows);
        let mut picked: Vec<u32> = Vec::new();
        let mut shapes: Vec<u32> = Vec::new();
        let mut owners: Vec<(usize, usize)> = Vec::new();
        for (b, &(d, k)) in batch.iter().enumerate() {
            let window = &documents[d].windows[k];
            let base = b * width;
            ids[base..base + window.input_ids.len()].copy_from_slice(&window.input_ids);
            lengths.push(window.input_ids.len());
            for &(t, pos) in &readers[d][k] {
                picked.push((base + pos) as u32);
                shapes.push(u32::from(window.case_shapes.get(pos).copied().unwrap_or(0)));
                owners.push((d, t));
            }
        }
        let batch = PieceBatch {
            ids: &ids,
            rows,
            width,
            lengths: &lengths,
            positions: &picked,
            case_shapes: &shapes,
        };
        let per_head = self.forward.head_log_probs(&batch)?;
        if per_head.len() != self.heads.len() {
            return Err(format!(
                "the forward pass gave {} heads, heads.json has {}",
                per_head.len(),
                self.heads.len()
            ));
        }
        let mut out = Vec::with_capacity(self.heads.len());
        for (head, rows) in self.heads.iter().zip(per_head) {
            if rows.len() != owners.len() {
                return Err(format!(
                    "head {}: {} rows for {} pieces",
                    head.spec.task,
                    rows.len(),
                    owners.len()
                ));
            }
            out.push(
                owners
                    .iter()
                    .zip(rows)
                    .map(|(&(d, t), row)| (d, t, row))
                    .collect(),
            );
        }
        Ok(out)
    }
}

impl CandleHead {
    /// Log-probabilities [tokens, labels] of the head over hidden states [tokens, hidden]
    /// and case shapes [tokens].
    fn log_probs(&self, hidden: &Tensor, shapes: &Tensor) -> candle_core::Result<Vec<Vec<f32>>> {
        let case = self.case_embedding.index_select(shapes, 0)?;
        let input = Tensor::cat(&[hidden, &case], 1)?;
        let logits = input.matmul(&self.weight_t)?.broadcast_add(&self.bias)?;
        candle_nn::ops::log_softmax(&logits, D::Minus1)?.to_vec2::<f32>()
    }
}

fn load_head(files: &ModelFiles, head: &HeadSpec) -> Result<CandleHead, EncoderError> {
    let n = head.labels.len();
    let spec = &files.spec;
    let hidden = files.config.hidden_size;
    let get = |suffix: &str, shape: &[usize]| -> Result<Tensor, EncoderError> {
        files
            .tensor(&format!("heads.{}.{suffix}", head.task), shape)
            .cloned()
    };
    let case_embedding = get("case_embedding.weight", &[spec.case_shapes, spec.case_dim])?;
    let weight = get("classifier.weight", &[n, hidden + spec.case_dim])?;
    let weight_t = weight
        .t()
        .and_then(|w| w.contiguous())
        .map_err(|e| files.weights_error(format!("head {}: {e}", head.task)))?;
    let bias = get("classifier.bias", &[n])?;
    if head.crf {
        get("transitions", &[n, n])?;
    }
    Ok(CandleHead {
        task: head.task.clone(),
        case_embedding,
        weight_t,
        bias,
    })
}
