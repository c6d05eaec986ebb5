//! What the bert crate's integration tests share.
#![allow(dead_code)] // each test file uses its part

use std::path::{Path, PathBuf};

#[cfg(feature = "torch")]
use stancegraph_bert::training::data::Sequence;
#[cfg(feature = "torch")]
use stancegraph_bert::training::encoder::{EncoderSpec, WordPiece};
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
        init: None,
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

/// Trains `tasks` with `opts`, loads the checkpoint file `checkpoint` (`last.safetensors`,
/// `best.safetensors`) and exports it (int8 rows) with `spec` to `out`; returns the run's dev
/// history.
#[cfg(feature = "torch")]
pub fn train_and_export(
    tasks: &[TaskData],
    opts: &TrainOptions,
    spec: &EncoderSpec,
    checkpoint: &str,
    out: &Path,
) -> Vec<(u64, f64, DevFigures)> {
    let wordpiece = WordPiece::from_vocab_file(opts.base.join("vocab.txt")).expect("vocab");
    let pad = wordpiece.special().pad;
    let outcome = train(
        tasks,
        opts,
        pad,
        &mut |_| Ok(DevFigures::default()),
        &mut |_| {},
    )
    .expect("training");
    let heads: Vec<_> = tasks
        .iter()
        .map(|t| (t.task.clone(), t.labels.clone()))
        .collect();
    let (_, mut store) = base_model(&opts.base, &heads, 8, 16, pad).expect("model");
    store
        .load(opts.checkpoints.join(checkpoint))
        .expect("checkpoint");
    export(&store, spec, &opts.base, out, Precision::Int8Row).expect("export");
    outcome.state.history
}

/// Trains one marker head (`task`, `labels`, heads.json `scheme`) for `steps` steps on
/// `train`, checks that it checkpointed (with dev scoring) after `steps / 2` and `steps`
/// steps, and exports the last checkpoint (int8 rows) to `scratch/model`; returns the
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
    let mut spec = spec_for(&[(task.to_string(), labels.clone())], 64, 0, 16);
    spec.heads[0].scheme = scheme.into();
    let tasks = [TaskData {
        task: task.into(),
        labels,
        train: train_data,
    }];
    let opts = options(base, &scratch.join("ckpt"), steps);
    let out = scratch.join("model");
    let history = train_and_export(&tasks, &opts, &spec, "last.safetensors", &out);
    let checkpoints: Vec<u64> = history.iter().map(|h| h.0).collect();
    assert_eq!(checkpoints, vec![steps / 2, steps]);
    (out, history)
}

/// Checks a marker head's predictions: candle with f32 products agrees with torch within 1e-3
/// and on every label, candle with int8 products keeps every label that f32 gives with
/// probability > 0.8, and the first `trained` inputs (the training examples) get their gold
/// label. `torch` holds log-probabilities, `f32` and `int8` probabilities.
pub fn check_agreement(
    torch: &[Vec<f32>],
    f32: &[[f32; 3]],
    int8: &[[f32; 3]],
    gold: &[usize],
    trained: usize,
) {
    let top = |row: &[f32]| {
        (0..row.len())
            .max_by(|&a, &b| row[a].total_cmp(&row[b]))
            .unwrap_or(0)
    };
    assert_eq!(
        (torch.len(), f32.len(), int8.len()),
        (gold.len(), gold.len(), gold.len())
    );
    let mut worst = 0.0f32;
    for i in 0..gold.len() {
        let (t, c, q) = (&torch[i], &f32[i], &int8[i]);
        for (k, &lp) in t.iter().enumerate() {
            worst = worst.max((lp.exp() - c[k]).abs());
        }
        let label = top(c);
        assert_eq!(top(t), label, "input {i}: torch {t:?} vs candle {c:?}");
        if c[label] > 0.8 {
            assert_eq!(top(q), label, "int8 input {i}: {q:?} vs {c:?}");
        }
        if i < trained {
            assert_eq!(label, gold[i], "training input {i}: {c:?}");
        }
    }
    assert!(
        worst < 1e-3,
        "torch and candle probabilities differ by {worst}"
    );
}
