//! The multi-task encoder on libtorch: the MiniLM body (rust-bert's `BertModel`, tensor names
//! as in the base safetensors) and one head per task over
//! concat(last hidden state, case-shape embedding), as the encoder contract specifies.

use std::path::Path;

use rust_bert::bert::{BertConfig, BertEmbeddings, BertModel};
use stancegraph_encoder::windows::Window;
use tch::{nn, nn::Module, Device, Kind, Tensor};

use super::data::IGNORE;
use crate::error::BertError;

/// Optimiser groups: the body and the heads get different learning rates.
pub const BODY_GROUP: usize = 0;
/// Optimiser group of the task heads (see [`BODY_GROUP`]).
pub const HEAD_GROUP: usize = 1;
const DROPOUT: f64 = 0.1;

/// One task's head: a case-shape embedding and a linear classifier.
pub struct TaskHead {
    /// Task name (`ner`, `sentiment`, `stance`, ...); its variables live under `heads.<task>`.
    pub task: String,
    /// Label names in output order; the classifier has one output per label.
    pub labels: Vec<String>,
    case: nn::Embedding,
    classifier: nn::Linear,
}

/// Body plus heads; the variables live in the `VarStore` it was built on.
pub struct EncoderModel {
    body: BertModel<BertEmbeddings>,
    /// The task heads, in the order given at construction (a task's index is its position).
    pub heads: Vec<TaskHead>,
    /// Where the variables live; batches are moved here.
    pub device: Device,
    /// Vocabulary id used to pad batch rows to the same width.
    pub pad_id: i64,
}

/// A padded batch of windows.
pub struct Batch {
    /// Piece ids `[rows, width]`, padded with the model's pad id.
    pub ids: Tensor,
    /// Attention mask `[rows, width]`: 1 for real pieces, 0 for padding.
    pub mask: Tensor,
    /// Case-shape class of each piece `[rows, width]` (0 for padding).
    pub shapes: Tensor,
    /// Piece labels ([`IGNORE`] where no loss applies), for training batches.
    pub labels: Option<Tensor>,
    /// Length in pieces of the longest window, which every row is padded to.
    pub width: usize,
}

pub(crate) fn torch_error(context: &str, e: impl std::fmt::Display) -> BertError {
    BertError::Training {
        stage: context.to_string(),
        message: e.to_string(),
    }
}

/// Reads a Hugging Face BERT config.json.
pub fn read_bert_config(dir: &Path) -> Result<BertConfig, BertError> {
    let path = dir.join("config.json");
    let text = std::fs::read_to_string(&path).map_err(|source| BertError::Io {
        path: path.clone(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|source| BertError::Json { path, source })
}

impl EncoderModel {
    /// Creates the body under the store's root (group [`BODY_GROUP`]) and the heads under
    /// `heads.<task>` (group [`HEAD_GROUP`]), freshly initialised.
    pub fn new(
        store: &nn::VarStore,
        config: &BertConfig,
        heads: &[(String, Vec<String>)],
        case_shapes: i64,
        case_dim: i64,
        pad_id: u32,
    ) -> Self {
        let root = store.root();
        let body = BertModel::<BertEmbeddings>::new_with_optional_pooler(
            root.set_group(BODY_GROUP),
            config,
            false,
        );
        let head_root = root.set_group(HEAD_GROUP) / "heads";
        let hidden = config.hidden_size;
        let heads = heads
            .iter()
            .map(|(task, labels)| {
                let p = &head_root / task.as_str();
                TaskHead {
                    task: task.clone(),
                    labels: labels.clone(),
                    case: nn::embedding(
                        &p / "case_embedding",
                        case_shapes,
                        case_dim,
                        nn::EmbeddingConfig {
                            ws_init: nn::Init::Randn {
                                mean: 0.0,
                                stdev: 0.02,
                            },
                            ..Default::default()
                        },
                    ),
                    classifier: nn::linear(
                        &p / "classifier",
                        hidden + case_dim,
                        labels.len() as i64,
                        Default::default(),
                    ),
                }
            })
            .collect();
        EncoderModel {
            body,
            heads,
            device: store.device(),
            pad_id: i64::from(pad_id),
        }
    }

    /// Index of a task's head.
    pub fn head(&self, task: &str) -> Option<usize> {
        self.heads.iter().position(|h| h.task == task)
    }

    /// Pads windows (and their piece labels) into one batch.
    pub fn batch(&self, windows: &[&Window], labels: Option<&[&[i64]]>) -> Batch {
        let width = windows.iter().map(|w| w.input_ids.len()).max().unwrap_or(0);
        let rows = windows.len();
        let mut ids = Vec::with_capacity(rows * width);
        let mut mask = Vec::with_capacity(rows * width);
        let mut shapes = Vec::with_capacity(rows * width);
        let mut gold = Vec::with_capacity(if labels.is_some() { rows * width } else { 0 });
        for (row, window) in windows.iter().enumerate() {
            let len = window.input_ids.len();
            ids.extend(window.input_ids.iter().map(|&i| i64::from(i)));
            ids.extend(std::iter::repeat_n(self.pad_id, width - len));
            mask.extend(std::iter::repeat_n(1i64, len));
            mask.extend(std::iter::repeat_n(0i64, width - len));
            shapes.extend(window.case_shapes.iter().map(|&s| i64::from(s)));
            shapes.extend(std::iter::repeat_n(0i64, width - len));
            if let Some(labels) = labels {
                let row_labels = labels.get(row).copied().unwrap_or(&[]);
                gold.extend((0..width).map(|i| row_labels.get(i).copied().unwrap_or(IGNORE)));
            }
        }
        let shape = [rows as i64, width as i64];
        let tensor = |values: &[i64]| Tensor::from_slice(values).view(shape).to(self.device);
        Batch {
            ids: tensor(&ids),
            mask: tensor(&mask),
            shapes: tensor(&shapes),
            labels: labels.map(|_| tensor(&gold)),
            width,
        }
    }

    /// Logits `[rows, width, labels]` of head `task`.
    pub fn logits(&self, batch: &Batch, task: usize, train: bool) -> Result<Tensor, BertError> {
        let head = self
            .heads
            .get(task)
            .ok_or_else(|| torch_error("forward", format!("no head {task}")))?;
        let hidden = self
            .body
            .forward_t(
                Some(&batch.ids),
                Some(&batch.mask),
                None,
                None,
                None,
                None,
                None,
                train,
            )
            .map_err(|e| torch_error("forward", e))?
            .hidden_state
            .dropout(DROPOUT, train);
        let case = head.case.forward(&batch.shapes);
        let input = Tensor::cat(&[hidden, case], -1);
        Ok(head.classifier.forward(&input))
    }

    /// Mean cross-entropy over the labelled pieces of a training batch.
    pub fn loss(&self, batch: &Batch, task: usize) -> Result<Tensor, BertError> {
        let labels = batch
            .labels
            .as_ref()
            .ok_or_else(|| torch_error("loss", "batch without labels"))?;
        let logits = self.logits(batch, task, true)?;
        let n = logits.size().last().copied().unwrap_or(1);
        logits
            .view([-1, n])
            .f_cross_entropy_loss::<Tensor>(
                &labels.view([-1]),
                None,
                tch::Reduction::Mean,
                IGNORE,
                0.0,
            )
            .map_err(|e| torch_error("loss", e))
    }

    /// Log-probabilities of every piece of every window under head `task`, one row-major
    /// `[pieces × labels]` vector per window. Windows are run in length-sorted batches of at
    /// most `piece_budget` padded pieces.
    pub fn window_log_probs(
        &self,
        windows: &[&Window],
        task: usize,
        piece_budget: usize,
    ) -> Result<Vec<Vec<f32>>, BertError> {
        let mut order: Vec<usize> = (0..windows.len()).collect();
        order.sort_by_key(|&i| windows[i].input_ids.len());
        let mut out = vec![Vec::new(); windows.len()];
        let mut start = 0;
        while start < order.len() {
            let mut end = start + 1;
            while end < order.len()
                && windows[order[end]].input_ids.len() * (end - start + 1) <= piece_budget
            {
                end += 1;
            }
            let chunk: Vec<&Window> = order[start..end].iter().map(|&i| windows[i]).collect();
            let batch = self.batch(&chunk, None);
            let log_probs = tch::no_grad(|| {
                self.logits(&batch, task, false)
                    .map(|l| l.log_softmax(-1, Kind::Float))
            })?;
            let labels = log_probs.size().last().copied().unwrap_or(0).max(0) as usize;
            let flat = Vec::<f32>::try_from(log_probs.to(Device::Cpu).flatten(0, -1))
                .map_err(|e| torch_error("reading logits", e))?;
            for (row, &index) in order[start..end].iter().enumerate() {
                let len = windows[index].input_ids.len();
                let from = row * batch.width * labels;
                out[index] = flat
                    .get(from..from + len * labels)
                    .map(<[f32]>::to_vec)
                    .unwrap_or_default();
            }
            start = end;
        }
        Ok(out)
    }
}
