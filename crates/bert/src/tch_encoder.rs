//! The encoder's forward pass on libtorch ([`TchForward`]), for `entities.encoder_tch`: the
//! MiniLM body (rust-bert's `BertModel`, as in training) and the task heads, with every
//! weight taken from crates/encoder's [`ModelFiles`], so int8 rows are dequantised by the
//! same code as candle's and both backends compute with identical f32 weights.

use std::path::Path;
use std::sync::Mutex;

use rust_bert::bert::{BertConfig, BertEmbeddings, BertModel};
use stancegraph_encoder::model::{EncoderModel, ModelFiles, PieceBatch, WindowForward};
use tch::{nn, nn::Module, Device, Kind, Tensor};

use crate::config::DeviceSpec;
use crate::error::BertError;

/// One task head: case-shape embedding and classifier over concat(hidden, case).
struct TchHead {
    labels: usize,
    case: nn::Embedding,
    classifier: nn::Linear,
}

/// Body and heads on a torch device, behind a mutex because tch tensors are not `Sync`
/// (as the other torch stages of this crate): workers take turns, and libtorch spreads each
/// forward pass over its own threads (OMP_NUM_THREADS).
pub struct TchForward {
    network: Mutex<Network>,
}

struct Network {
    /// Owns the variables the body and heads read.
    _store: nn::VarStore,
    body: BertModel<BertEmbeddings>,
    heads: Vec<TchHead>,
    hidden: i64,
    device: Device,
}

/// `cpu`, `cuda` or `cuda:N` as a torch device; a CUDA device libtorch cannot see is an
/// error naming it (CPU-only libtorch build, no GPU, or N past the last one).
pub fn tch_device(text: &str, dir: &Path) -> Result<Device, BertError> {
    match DeviceSpec::parse(text)? {
        DeviceSpec::Cpu => Ok(Device::Cpu),
        DeviceSpec::Cuda(n) => {
            let visible = if tch::Cuda::is_available() {
                tch::Cuda::device_count().max(0) as usize
            } else {
                0
            };
            if n < visible {
                Ok(Device::Cuda(n))
            } else {
                Err(BertError::Model {
                    path: dir.to_path_buf(),
                    message: format!(
                        "device `{text}` (cuda:{n}) is not available: libtorch sees {visible} CUDA devices (a CUDA build of libtorch 2.4.0 and a GPU are needed; the one from scripts/install-libtorch.sh is CPU-only); use device = \"cpu\""
                    ),
                })
            }
        }
    }
}

/// Loads a model directory (on disk or embedded) with its forward pass on `device`.
pub fn load_tch_encoder(dir: &Path, device: &str) -> Result<EncoderModel, BertError> {
    let device = tch_device(device, dir)?;
    let model_error = |message: String| BertError::Model {
        path: dir.to_path_buf(),
        message,
    };
    let files = ModelFiles::read(dir).map_err(|e| model_error(e.to_string()))?;
    let forward = TchForward::new(&files, device)?;
    EncoderModel::with_forward(files, Box::new(forward)).map_err(|e| model_error(e.to_string()))
}

impl TchForward {
    /// Builds the body and heads on `device` from `files` (config.json parsed by rust-bert,
    /// every variable filled from the f32 tensors; a missing or misshapen one is an error).
    pub fn new(files: &ModelFiles, device: Device) -> Result<TchForward, BertError> {
        let model_error = |message: String| BertError::Model {
            path: files.dir.clone(),
            message,
        };
        let config: BertConfig =
            serde_json::from_slice(&files.config_json).map_err(|source| BertError::Json {
                path: files.dir.join("config.json"),
                source,
            })?;
        let store = nn::VarStore::new(device);
        let root = store.root();
        let body = BertModel::<BertEmbeddings>::new_with_optional_pooler(&root, &config, false);
        let spec = &files.spec;
        let hidden = config.hidden_size;
        let case_dim = spec.case_dim as i64;
        let heads = spec
            .heads
            .iter()
            .map(|head| {
                let path = &root / "heads" / head.task.as_str();
                TchHead {
                    labels: head.labels.len(),
                    case: nn::embedding(
                        &path / "case_embedding",
                        spec.case_shapes as i64,
                        case_dim,
                        Default::default(),
                    ),
                    classifier: nn::linear(
                        &path / "classifier",
                        hidden + case_dim,
                        head.labels.len() as i64,
                        Default::default(),
                    ),
                }
            })
            .collect();
        let mut variables = store.variables();
        let mut names: Vec<String> = variables.keys().cloned().collect();
        names.sort();
        for name in names {
            let Some(variable) = variables.get_mut(&name) else {
                continue;
            };
            let (shape, values) = files
                .values(&name)
                .map_err(|e| model_error(e.to_string()))?;
            let shape: Vec<i64> = shape.iter().map(|&d| d as i64).collect();
            if shape != variable.size() {
                return Err(model_error(format!(
                    "{name}: shape {shape:?} in model.safetensors, {:?} in the model",
                    variable.size()
                )));
            }
            let value = Tensor::from_slice(&values)
                .f_view(shape.as_slice())
                .and_then(|t| t.f_to_device(device))
                .map_err(|e| model_error(format!("{name}: {e}")))?;
            tch::no_grad(|| variable.f_copy_(&value))
                .map_err(|e| model_error(format!("{name}: {e}")))?;
        }
        Ok(TchForward {
            network: Mutex::new(Network {
                _store: store,
                body,
                heads,
                hidden,
                device,
            }),
        })
    }
}

impl Network {
    fn forward(&self, batch: &PieceBatch<'_>) -> Result<Vec<Vec<Vec<f32>>>, tch::TchError> {
        let shape = [batch.rows as i64, batch.width as i64];
        let ids: Vec<i64> = batch.ids.iter().map(|&i| i64::from(i)).collect();
        let mut mask = vec![0i64; batch.rows * batch.width];
        for (row, &length) in batch.lengths.iter().enumerate() {
            let from = row * batch.width;
            mask[from..from + length.min(batch.width)].fill(1);
        }
        let ids = Tensor::from_slice(&ids)
            .f_view(shape)?
            .f_to_device(self.device)?;
        let mask = Tensor::from_slice(&mask)
            .f_view(shape)?
            .f_to_device(self.device)?;
        let hidden = self
            .body
            .forward_t(Some(&ids), Some(&mask), None, None, None, None, None, false)
            .map_err(|e| tch::TchError::Kind(e.to_string()))?
            .hidden_state;
        if batch.positions.is_empty() {
            return Ok(vec![Vec::new(); self.heads.len()]);
        }
        let positions: Vec<i64> = batch.positions.iter().map(|&p| i64::from(p)).collect();
        let shapes: Vec<i64> = batch.case_shapes.iter().map(|&s| i64::from(s)).collect();
        let positions = Tensor::from_slice(&positions).f_to_device(self.device)?;
        let shapes = Tensor::from_slice(&shapes).f_to_device(self.device)?;
        let selected = hidden
            .f_view([-1, self.hidden])?
            .f_index_select(0, &positions)?;
        let mut out = Vec::with_capacity(self.heads.len());
        for head in &self.heads {
            let case = head.case.forward(&shapes);
            let input = Tensor::f_cat(&[&selected, &case], 1)?;
            let log_probs = head
                .classifier
                .forward(&input)
                .f_log_softmax(-1, Kind::Float)?
                .f_to_device(Device::Cpu)?;
            let flat = Vec::<f32>::try_from(log_probs.f_flatten(0, -1)?)?;
            out.push(
                flat.chunks(head.labels.max(1))
                    .map(<[f32]>::to_vec)
                    .collect(),
            );
        }
        Ok(out)
    }
}

impl WindowForward for TchForward {
    fn head_log_probs(&self, batch: &PieceBatch<'_>) -> Result<Vec<Vec<Vec<f32>>>, String> {
        let network = self
            .network
            .lock()
            .map_err(|_| "libtorch: a previous forward pass panicked".to_string())?;
        tch::no_grad(|| network.forward(batch)).map_err(|e| format!("libtorch: {e}"))
    }
}
