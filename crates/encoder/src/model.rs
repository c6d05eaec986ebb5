//! The fine-tuned encoder on candle: a BERT body ([`crate::bert::Bert`]) and
//! one linear head per task over concat(last hidden state, case-shape embedding).
//! Documents are encoded in overlapping windows, windows of several documents share padded
//! batches, and each token is scored from its first piece in its best window.

use std::path::{Path, PathBuf};

use candle_core::{Device, Tensor, D};

use crate::bert::{Bert, BertConfig};
use crate::bio::BioConstraints;
use crate::spec::{EncoderSpec, HeadSpec};
use crate::weights::load_tensors;
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

/// One task head.
pub struct Head {
    /// Its description from heads.json.
    pub spec: HeadSpec,
    /// Which label may follow which.
    pub constraints: BioConstraints,
    /// Learned transitions (`crf: true` heads), row-major [prev, next].
    pub transitions: Option<Vec<f32>>,
    case_embedding: Tensor,
    /// Classifier weight, transposed: [hidden + case_dim, labels].
    weight_t: Tensor,
    bias: Tensor,
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
    bert: Bert,
    heads: Vec<Head>,
    device: Device,
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
        let device = Device::Cpu;
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
        let config: BertConfig =
            serde_json::from_slice(&read(&config_path)?).map_err(|source| EncoderError::Json {
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
        let (tensors, int8_rows) = load_tensors(&read(&weights_path)?, &weights_path, &device)?;
        let model_error = |reason: String| EncoderError::Model {
            path: weights_path.clone(),
            reason,
        };
        let mut heads = Vec::with_capacity(spec.heads.len());
        for head in &spec.heads {
            heads.push(load_head(
                &tensors,
                head,
                config.hidden_size,
                &spec,
                &model_error,
            )?);
        }
        let bert = if int8 && crate::quantized::fast_kernel_available() {
            Bert::from_tensors_int8(&tensors, &int8_rows, &config)
        } else {
            Bert::from_tensors(&tensors, &config)
        }
        .map_err(|e| model_error(format!("body: {e}")))?;
        Ok(EncoderModel {
            dir: dir.to_path_buf(),
            spec,
            wordpiece,
            bert,
            heads,
            device,
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
        let e = |what: &str, err: candle_core::Error| format!("{what}: {err}");
        let dev = &self.device;
        let ids = Tensor::from_vec(ids, (rows, width), dev).map_err(|x| e("input ids", x))?;
        let hidden = self
            .bert
            .forward(&ids, &lengths)
            .map_err(|x| e("encoder", x))?;
        if picked.is_empty() {
            return Ok(vec![Vec::new(); self.heads.len()]);
        }
        let count = picked.len();
        let picked = Tensor::from_vec(picked, count, dev).map_err(|x| e("positions", x))?;
        let shapes = Tensor::from_vec(shapes, count, dev).map_err(|x| e("case shapes", x))?;
        let selected = hidden
            .index_select(&picked, 0)
            .map_err(|x| e("first pieces", x))?;
        let mut out = Vec::with_capacity(self.heads.len());
        for head in &self.heads {
            let log_probs = head
                .log_probs(&selected, &shapes)
                .map_err(|x| e(&format!("head {}", head.spec.task), x))?;
            out.push(
                owners
                    .iter()
                    .zip(log_probs)
                    .map(|(&(d, t), row)| (d, t, row))
                    .collect(),
            );
        }
        Ok(out)
    }
}

impl Head {
    /// Log-probabilities [tokens, labels] of the head over hidden states [tokens, hidden]
    /// and case shapes [tokens].
    fn log_probs(&self, hidden: &Tensor, shapes: &Tensor) -> candle_core::Result<Vec<Vec<f32>>> {
        let case = self.case_embedding.index_select(shapes, 0)?;
        let input = Tensor::cat(&[hidden, &case], 1)?;
        let logits = input.matmul(&self.weight_t)?.broadcast_add(&self.bias)?;
        candle_nn::ops::log_softmax(&logits, D::Minus1)?.to_vec2::<f32>()
    }
}

fn load_head(
    tensors: &std::collections::HashMap<String, Tensor>,
    head: &HeadSpec,
    hidden: usize,
    spec: &EncoderSpec,
    fail: &dyn Fn(String) -> EncoderError,
) -> Result<Head, EncoderError> {
    let n = head.labels.len();
    let get = |suffix: &str, shape: &[usize]| -> Result<Tensor, EncoderError> {
        let name = format!("heads.{}.{suffix}", head.task);
        let tensor = tensors
            .get(&name)
            .ok_or_else(|| fail(format!("missing tensor {name}")))?;
        if tensor.dims() != shape {
            return Err(fail(format!(
                "tensor {name} has shape {:?}, expected {shape:?}",
                tensor.dims()
            )));
        }
        Ok(tensor.clone())
    };
    let case_embedding = get("case_embedding.weight", &[spec.case_shapes, spec.case_dim])?;
    let weight = get("classifier.weight", &[n, hidden + spec.case_dim])?;
    let weight_t = weight
        .t()
        .and_then(|w| w.contiguous())
        .map_err(|e| fail(format!("head {}: {e}", head.task)))?;
    let bias = get("classifier.bias", &[n])?;
    let transitions = if head.crf {
        let t = get("transitions", &[n, n])?;
        Some(
            t.flatten_all()
                .and_then(|t| t.to_vec1::<f32>())
                .map_err(|e| fail(format!("head {}: {e}", head.task)))?,
        )
    } else {
        None
    };
    Ok(Head {
        constraints: BioConstraints::new(&head.labels),
        spec: head.clone(),
        transitions,
        case_embedding,
        weight_t,
        bias,
    })
}
