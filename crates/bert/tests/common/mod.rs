//! What the bert crate's integration tests share.
#![allow(dead_code)] // each test file uses its part

use std::path::{Path, PathBuf};

#[cfg(feature = "torch")]
use stancegraph_bert::training::data::Sequence;
#[cfg(feature = "torch")]
use stancegraph_bert::training::export::{export, spec_for, Precision};
#[cfg(feature = "torch")]
use stancegraph_bert::training::trainer::{base_model, train, DevFigures, TaskData, TrainOptions};

/// all-MiniLM-L6-v2 from scripts/fetch-test-models.sh (`$STANCEGRAPH_BERT_MODELS/minilm`, else
/// the workspace's `.cache/models/minilm`); `None`, with a notice, when it is not there.
pub fn minilm() -> Option<PathBuf> {
    let dir = std::env::var_os("STANCEGRAPH_BERT_MODELS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../.cache/models"))
        })
        .join("minilm");
    if dir.join("model.safetensors").is_file() {
        Some(dir)
    } else {
        eprintln!(
            "skipping: no {} (run scripts/fetch-test-models.sh)",
            dir.display()
        );
        None
    }
}

/// Options of the short marker-head runs: `steps` steps, a checkpoint every `steps / 2`.
#[cfg(feature = "torch")]
pub fn options(base: &Path, checkpoints: &Path, steps: u64) -> TrainOptions {
    TrainOptions {
        base: base.to_path_buf(),
        checkpoints: checkpoints.to_path_buf(),
        resume: false,
        seed: 5,
        threads: 1,
        max_minutes: None,
        max_steps: Some(steps),
        batch_pieces: 1024,
        lr_body: 1e-4,
        lr_heads: 1e-2,
        weight_decay: 0.01,
        warmup_steps: 2,
        clip_norm: 1.0,
        checkpoint_minutes: 60.0,
        checkpoint_steps: Some(steps / 2),
        case_shapes: 8,
        case_dim: 16,
        log_every: 100,
    }
}

/// Trains one marker head (`task`, `labels`, heads.json `scheme`) for `steps` steps on
/// `train` and exports the last checkpoint (int8 rows) to `scratch/model`; returns the
/// directory and the run's dev history.
#[cfg(feature = "torch")]
pub fn trained_marker_model(
    base: &Path,
    scratch: &Path,
    head: (&str, &[&str], &str),
    train_data: Vec<Sequence>,
    steps: u64,
) -> (PathBuf, Vec<(u64, f64, DevFigures)>) {
    let (task, labels, scheme) = head;
    let labels: Vec<String> = labels.iter().map(|l| l.to_string()).collect();
    let heads = vec![(task.to_string(), labels.clone())];
    let tasks = vec![TaskData {
        task: task.into(),
        labels,
        train: train_data,
    }];
    let wordpiece =
        stancegraph_bert::training::encoder::WordPiece::from_vocab_file(base.join("vocab.txt"))
            .expect("vocab");
    let pad = wordpiece.special().pad;
    let opts = options(base, &scratch.join("ckpt"), steps);
    let outcome = train(
        &tasks,
        &opts,
        pad,
        &mut |_| Ok(DevFigures::default()),
        &mut |_| {},
    )
    .expect("training");
    let (_, mut store) = base_model(base, &heads, 8, 16, pad).expect("model");
    store
        .load(scratch.join("ckpt/last.safetensors"))
        .expect("checkpoint");
    let out = scratch.join("model");
    let mut spec = spec_for(&heads, 64, 0, 16);
    spec.heads[0].scheme = scheme.into();
    export(&store, &spec, base, &out, Precision::Int8Row).expect("export");
    (out, outcome.state.history)
}
