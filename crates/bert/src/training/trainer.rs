//! The fine-tuning loop: one AdamW step per iteration over one batch of every task (losses
//! summed), warm-up then linear decay, gradient clipping, periodic checkpoints with dev
//! evaluation, the best checkpoint kept, and `resume` from the last one.
//!
//! Resuming restores the weights, the step, every task's place in its seeded batch order and
//! the elapsed time; AdamW's moment estimates restart from zero (tch exposes no optimiser
//! state), so a resumed run re-warms for `warmup_steps`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::{Deserialize, Serialize};
use stancegraph_encoder::bio::BioConstraints;
use stancegraph_encoder::windows::{DocumentWindows, Window};
use tch::{nn, nn::OptimizerConfig, Device};

use super::data::{bucketed_batches, epoch_seed, Sequence};
use super::export::init_from_model_dir;
use super::model::{read_bert_config, torch_error, EncoderModel, BODY_GROUP, HEAD_GROUP};
use super::schedule::{lr_factor, progress};
use crate::error::BertError;

/// One task's training data.
pub struct TaskData {
    /// Task name; also the name of its head.
    pub task: String,
    /// Label names of the head, indexed by the label ids of the sequences.
    pub labels: Vec<String>,
    /// The training sequences, batched by length in a seeded order each epoch.
    pub train: Vec<Sequence>,
}

/// Settings of a run.
#[derive(Debug, Clone)]
pub struct TrainOptions {
    /// Base model directory (config.json, vocab.txt, model.safetensors).
    pub base: PathBuf,
    /// Where `last.*` and `best.*` checkpoints go.
    pub checkpoints: PathBuf,
    /// Exported model directory to start from instead of the base body (continued
    /// fine-tuning); a resumed checkpoint still wins.
    pub init: Option<PathBuf>,
    /// Continue from `last.*` in `checkpoints` when it exists.
    pub resume: bool,
    /// Seed of the initialisation and of every task's batch order.
    pub seed: u64,
    /// libtorch CPU threads; 0 keeps libtorch's default.
    pub threads: usize,
    /// Stop after this much training time (resumed runs count earlier time too).
    pub max_minutes: Option<f64>,
    /// Stop after this many optimiser steps.
    pub max_steps: Option<u64>,
    /// Padded pieces per batch and task.
    pub batch_pieces: usize,
    /// Peak learning rate of the body.
    pub lr_body: f64,
    /// Peak learning rate of the heads.
    pub lr_heads: f64,
    /// AdamW weight decay.
    pub weight_decay: f64,
    /// Steps of linear warm-up (counted from the start or the resume).
    pub warmup_steps: u64,
    /// Gradients are clipped to this global norm.
    pub clip_norm: f64,
    /// Minutes between checkpoints (each with a dev evaluation).
    pub checkpoint_minutes: f64,
    /// Also checkpoint every this many steps (e.g. once per epoch).
    pub checkpoint_steps: Option<u64>,
    /// Rows of each head's case-shape embedding (the encoder's number of case shapes).
    pub case_shapes: i64,
    /// Width of the case-shape embedding appended to the hidden state.
    pub case_dim: i64,
    /// Steps between progress lines.
    pub log_every: u64,
}

/// Dev figures from the caller's evaluation: `score` picks the best checkpoint.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct DevFigures {
    /// The figure to maximise; higher is better.
    pub score: f64,
    /// Any other named figures, logged and kept in the run history.
    pub figures: BTreeMap<String, f64>,
}

/// Where a task stands in its batch order.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Cursor {
    /// Current epoch, from 0; each epoch has its own seeded batch order.
    pub epoch: u64,
    /// Index of the next batch in the epoch's order.
    pub batch: usize,
}

/// What a checkpoint records besides the weights.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct RunState {
    /// Optimiser steps taken so far.
    pub step: u64,
    /// One cursor per task, in the order of the tasks.
    pub cursors: Vec<Cursor>,
    /// Training time so far in seconds, across resumes.
    pub elapsed_secs: f64,
    /// Unpadded word pieces trained on so far.
    pub pieces_seen: u64,
    /// Step and figures of the best checkpoint (`best.safetensors`).
    pub best: Option<(u64, DevFigures)>,
    /// Every dev evaluation: (step, elapsed seconds, figures).
    pub history: Vec<(u64, f64, DevFigures)>,
}

/// The end of a run.
pub struct TrainOutcome {
    /// The final state, as written to `last.json`.
    pub state: RunState,
    /// The `best.safetensors` checkpoint, if one was written.
    pub best_weights: Option<PathBuf>,
}

fn io(path: &Path, source: std::io::Error) -> BertError {
    BertError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Builds the model for `heads` on the CPU with the base body loaded; errors when the base
/// directory lacks weights for the body.
pub fn base_model(
    base: &Path,
    heads: &[(String, Vec<String>)],
    case_shapes: i64,
    case_dim: i64,
    pad_id: u32,
) -> Result<(EncoderModel, nn::VarStore), BertError> {
    let config = read_bert_config(base)?;
    let weights = base.join("model.safetensors");
    if !weights.is_file() {
        return Err(BertError::Model {
            path: base.to_path_buf(),
            message: "no model.safetensors".into(),
        });
    }
    let mut store = nn::VarStore::new(Device::Cpu);
    let model = EncoderModel::new(&store, &config, heads, case_shapes, case_dim, pad_id);
    let missing = store.load_partial(&weights).map_err(|e| BertError::Model {
        path: weights.clone(),
        message: e.to_string(),
    })?;
    let body_missing: Vec<&String> = missing
        .iter()
        .filter(|n| !n.starts_with("heads."))
        .collect();
    if !body_missing.is_empty() {
        return Err(BertError::Model {
            path: weights,
            message: format!(
                "{} body tensors missing (e.g. {}): not a BERT checkpoint of this shape",
                body_missing.len(),
                body_missing[0]
            ),
        });
    }
    Ok((model, store))
}

fn write_state(path: &Path, state: &RunState) -> Result<(), BertError> {
    let text = serde_json::to_string_pretty(state).map_err(|source| BertError::Json {
        path: path.to_path_buf(),
        source,
    })?;
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, text).map_err(|e| io(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| io(path, e))
}

fn save_weights(store: &nn::VarStore, path: &Path) -> Result<(), BertError> {
    let tmp = path.with_extension("tmp.safetensors");
    store
        .save(&tmp)
        .map_err(|e| torch_error("saving a checkpoint", e))?;
    std::fs::rename(&tmp, path).map_err(|e| io(path, e))
}

/// Per-token log-probabilities (row-major `tokens × labels`) of whole documents under head
/// `task`, each token read from the window the encoder contract assigns it.
pub fn document_log_probs(
    model: &EncoderModel,
    task: usize,
    documents: &[DocumentWindows],
    piece_budget: usize,
) -> Result<Vec<Vec<f32>>, BertError> {
    let head = model
        .heads
        .get(task)
        .ok_or_else(|| torch_error("decode", format!("no head {task}")))?;
    let n = head.labels.len();
    let all: Vec<&Window> = documents.iter().flat_map(|d| d.windows.iter()).collect();
    let log_probs = model.window_log_probs(&all, task, piece_budget)?;
    let mut offset = 0;
    let mut out = Vec::with_capacity(documents.len());
    for document in documents {
        let mut scores = Vec::with_capacity(document.token_source.len() * n);
        for &(window, piece) in &document.token_source {
            let row = log_probs
                .get(offset + window)
                .and_then(|w| w.get(piece * n..(piece + 1) * n));
            match row {
                Some(row) => scores.extend_from_slice(row),
                None => scores.extend(std::iter::repeat_n(0.0, n)),
            }
        }
        offset += document.windows.len();
        out.push(scores);
    }
    Ok(out)
}

/// Per-token decoded label ids of whole documents: constrained BIO Viterbi over
/// [`document_log_probs`].
pub fn decode_documents(
    model: &EncoderModel,
    task: usize,
    documents: &[DocumentWindows],
    piece_budget: usize,
) -> Result<Vec<Vec<usize>>, BertError> {
    let head = model
        .heads
        .get(task)
        .ok_or_else(|| torch_error("decode", format!("no head {task}")))?;
    let constraint = BioConstraints::new(&head.labels);
    Ok(document_log_probs(model, task, documents, piece_budget)?
        .iter()
        .map(|scores| constraint.viterbi(scores, None))
        .collect())
}

/// Runs training. `dev` evaluates the model at every checkpoint; `log` receives progress lines.
pub fn train(
    tasks: &[TaskData],
    options: &TrainOptions,
    pad_id: u32,
    dev: &mut dyn FnMut(&EncoderModel) -> Result<DevFigures, BertError>,
    log: &mut dyn FnMut(&str),
) -> Result<TrainOutcome, BertError> {
    if tasks.is_empty() || tasks.iter().any(|t| t.train.is_empty()) {
        let empty: Vec<&str> = tasks
            .iter()
            .filter(|t| t.train.is_empty())
            .map(|t| t.task.as_str())
            .collect();
        return Err(BertError::Data {
            task: empty.join(", "),
            message: "no training sequences".into(),
        });
    }
    if options.threads > 0 {
        tch::set_num_threads(options.threads as i32);
    }
    tch::manual_seed(options.seed as i64);
    std::fs::create_dir_all(&options.checkpoints).map_err(|e| io(&options.checkpoints, e))?;
    let heads: Vec<(String, Vec<String>)> = tasks
        .iter()
        .map(|t| (t.task.clone(), t.labels.clone()))
        .collect();
    let (model, mut store) = base_model(
        &options.base,
        &heads,
        options.case_shapes,
        options.case_dim,
        pad_id,
    )?;
    if let Some(dir) = &options.init {
        let fresh = init_from_model_dir(&store, dir, &heads)?;
        log(&format!(
            "initialised from {} ({} variables start fresh)",
            dir.display(),
            fresh.len()
        ));
    }
    let last_weights = options.checkpoints.join("last.safetensors");
    let last_state = options.checkpoints.join("last.json");
    let best_weights = options.checkpoints.join("best.safetensors");
    let mut state = RunState {
        cursors: vec![Cursor::default(); tasks.len()],
        ..RunState::default()
    };
    if options.resume && last_state.is_file() {
        let text = std::fs::read_to_string(&last_state).map_err(|e| io(&last_state, e))?;
        state = serde_json::from_str(&text).map_err(|source| BertError::Json {
            path: last_state.clone(),
            source,
        })?;
        store.load(&last_weights).map_err(|e| BertError::Model {
            path: last_weights.clone(),
            message: e.to_string(),
        })?;
        state.cursors.resize(tasks.len(), Cursor::default());
        log(&format!(
            "resumed at step {} ({:.1} min)",
            state.step,
            state.elapsed_secs / 60.0
        ));
    }
    let mut optimizer = nn::AdamW {
        wd: options.weight_decay,
        ..Default::default()
    }
    .build(&store, options.lr_body)
    .map_err(|e| torch_error("optimizer", e))?;
    let lengths: Vec<Vec<usize>> = tasks
        .iter()
        .map(|t| t.train.iter().map(Sequence::len).collect())
        .collect();
    let epoch_batches = |task: usize, epoch: u64| {
        bucketed_batches(
            &lengths[task],
            options.batch_pieces,
            epoch_seed(options.seed, task, epoch),
        )
    };
    let mut orders: Vec<Vec<Vec<usize>>> = state
        .cursors
        .iter()
        .enumerate()
        .map(|(t, c)| epoch_batches(t, c.epoch))
        .collect();
    let max_secs = options.max_minutes.map(|m| m * 60.0);
    let started = Instant::now();
    let elapsed_before = state.elapsed_secs;
    let resumed_step = state.step;
    let mut last_checkpoint = Instant::now();
    let mut last_checkpoint_step = state.step;
    let mut window_loss = vec![0.0f64; tasks.len()];
    let mut window_steps = 0u64;
    let mut window_pieces = 0u64;
    let mut window_start = Instant::now();
    loop {
        state.elapsed_secs = elapsed_before + started.elapsed().as_secs_f64();
        let done_steps = options.max_steps.is_some_and(|m| state.step >= m);
        let done_time = max_secs.is_some_and(|m| state.elapsed_secs >= m);
        let checkpoint_due = last_checkpoint.elapsed().as_secs_f64()
            >= options.checkpoint_minutes * 60.0
            || options
                .checkpoint_steps
                .is_some_and(|n| n > 0 && state.step >= last_checkpoint_step + n);
        if done_steps || done_time || checkpoint_due {
            save_weights(&store, &last_weights)?;
            let figures = dev(&model)?;
            log(&format!(
                "dev at step {} ({:.1} min): score {:.4} {}",
                state.step,
                state.elapsed_secs / 60.0,
                figures.score,
                serde_json::to_string(&figures.figures).unwrap_or_default()
            ));
            state
                .history
                .push((state.step, state.elapsed_secs, figures.clone()));
            if state
                .best
                .as_ref()
                .is_none_or(|(_, b)| figures.score > b.score)
            {
                save_weights(&store, &best_weights)?;
                state.best = Some((state.step, figures));
            }
            write_state(&last_state, &state)?;
            last_checkpoint = Instant::now();
            last_checkpoint_step = state.step;
            if done_steps || done_time {
                break;
            }
        }
        let progress = progress(state.step, options.max_steps, state.elapsed_secs, max_secs);
        let since_start = state.step - resumed_step;
        let factor = lr_factor(since_start, options.warmup_steps, progress);
        optimizer.set_lr_group(BODY_GROUP, options.lr_body * factor);
        optimizer.set_lr_group(HEAD_GROUP, options.lr_heads * factor);
        optimizer.zero_grad();
        for (t, task) in tasks.iter().enumerate() {
            let cursor = &mut state.cursors[t];
            if cursor.batch >= orders[t].len() {
                cursor.epoch += 1;
                cursor.batch = 0;
                orders[t] = epoch_batches(t, cursor.epoch);
            }
            let Some(indices) = orders[t].get(cursor.batch) else {
                continue;
            };
            cursor.batch += 1;
            let windows: Vec<&Window> = indices.iter().map(|&i| &task.train[i].window).collect();
            let labels: Vec<&[i64]> = indices
                .iter()
                .map(|&i| task.train[i].labels.as_slice())
                .collect();
            let batch = model.batch(&windows, Some(&labels));
            let pieces = windows
                .iter()
                .map(|w| w.input_ids.len() as u64)
                .sum::<u64>();
            window_pieces += pieces;
            // Counted per step, not per log window: a run may end between two logs.
            state.pieces_seen += pieces;
            let loss = model.loss(&batch, t)?;
            window_loss[t] += f64::try_from(&loss).unwrap_or(f64::NAN);
            loss.backward();
        }
        optimizer.clip_grad_norm(options.clip_norm);
        optimizer.step();
        state.step += 1;
        window_steps += 1;
        if window_steps >= options.log_every.max(1) {
            let secs = window_start.elapsed().as_secs_f64().max(1e-9);
            let losses: Vec<String> = tasks
                .iter()
                .zip(&window_loss)
                .map(|(t, l)| format!("{} {:.4}", t.task, l / window_steps as f64))
                .collect();
            let epochs: Vec<String> = tasks
                .iter()
                .zip(&state.cursors)
                .zip(&orders)
                .map(|((t, c), o)| {
                    format!(
                        "{} {:.2}",
                        t.task,
                        c.epoch as f64 + c.batch as f64 / o.len().max(1) as f64
                    )
                })
                .collect();
            log(&format!(
                "step {} ({:.1} min) lr×{:.3} loss [{}] epochs [{}] {:.0} pieces/s",
                state.step,
                (elapsed_before + started.elapsed().as_secs_f64()) / 60.0,
                factor,
                losses.join(", "),
                epochs.join(", "),
                window_pieces as f64 / secs
            ));
            window_loss.iter_mut().for_each(|l| *l = 0.0);
            window_steps = 0;
            window_pieces = 0;
            window_start = Instant::now();
        }
    }
    Ok(TrainOutcome {
        best_weights: best_weights.is_file().then_some(best_weights),
        state,
    })
}
