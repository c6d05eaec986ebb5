//! `train sentiment-encoder` (feature `bert`): fine-tunes MiniLM for target-directed
//! sentiment on NewsMTSC train minus its held-out slice (every tenth line, the split `eval
//! sentiment` scores), with the target mention between marker pieces and the head on the
//! opening marker; checkpoints once per epoch with the held-out macro-F1, and exports the best
//! checkpoint as a model directory (data/sentiment-encoder when shipped).
use std::path::PathBuf;
use std::time::Instant;

use anyhow::bail;
use stancegraph_bert::training::data::{bucketed_batches, epoch_seed, Sequence};
use stancegraph_bert::training::encoder::sentiment::{
    TargetWindow, SENTIMENT_LABELS, SENTIMENT_MAX_PIECES, SENTIMENT_SCHEME, SENTIMENT_TASK,
};
use stancegraph_bert::training::export::{spec_for, Precision};
use stancegraph_bert::training::model::EncoderModel;
use stancegraph_bert::training::sentiment::{
    argmax, class_score, marker_log_probs, sentiment_sequences, target_windows, ClassScore,
    TargetExample,
};
use stancegraph_bert::training::trainer::{DevFigures, TaskData};
use stancegraph_relations::sentiment::{is_heldout, load_newsmtsc};

/// Padded pieces per inference batch during dev evaluation.
const EVAL_BATCH_PIECES: usize = 4096;

#[derive(clap::Args, Debug)]
pub struct SentimentEncoderArgs {
    /// Checkpoints, export and the run's bounds (shared with the other `train` commands).
    #[command(flatten)]
    pub run: super::encoder::RunArgs,
    /// NewsMTSC train.jsonl; every tenth line is held out (dev) and never trained on.
    #[arg(long)]
    pub newsmtsc: PathBuf,
    /// More targets in NewsMTSC's format, all trained on (none held out): e.g. the labelled
    /// quotes of `eval stance --split train --quote-examples`, which teach the reader where a
    /// speaker stands toward whom their quote names.
    #[arg(long)]
    pub extra: Vec<PathBuf>,
    /// Times each --extra target is trained on per epoch.
    #[arg(long, default_value_t = 1, requires = "extra")]
    pub extra_repeat: usize,
    /// Epochs, window and learning schedule (shared with `train stance-encoder`).
    #[command(flatten)]
    pub marker: MarkerArgs,
}

/// The settings of a marker-head run (`train sentiment-encoder`, `train stance-encoder`).
#[derive(clap::Args, Debug)]
pub struct MarkerArgs {
    /// Epochs over the training inputs (the learning rate decays to 0 at the end).
    #[arg(long, default_value_t = 3)]
    pub epochs: u64,
    /// Window of one input (sentence with its marked mentions).
    #[arg(long, default_value_t = SENTIMENT_MAX_PIECES)]
    pub max_pieces: usize,
    #[arg(long, default_value_t = 8e-5)]
    pub lr_body: f64,
    #[arg(long, default_value_t = 40)]
    pub warmup_steps: u64,
    /// Checkpoint (with dev scoring) at least this often, besides once per epoch.
    #[arg(long, default_value_t = 60.0)]
    pub checkpoint_minutes: f64,
}

/// One marker head to fine-tune: its heads.json entry, training sequences (labelled on the
/// marker the head reads) and what the export records.
pub(crate) struct MarkerHead<'a> {
    pub run: &'a super::encoder::RunArgs,
    pub marker: &'a MarkerArgs,
    pub task: &'static str,
    pub labels: &'static [&'static str],
    pub scheme: &'static str,
    pub train: Vec<Sequence>,
    pub precision: Precision,
    pub pad: u32,
    /// heads.json `trained_on`.
    pub trained_on: String,
    /// The `task` of the closing JSON line.
    pub command: &'static str,
}

/// Trains a marker head one epoch per checkpoint (dev scored whole each time: the held-out
/// sets are small) and exports the best checkpoint; `describe(pieces, steps_per_epoch)` is
/// logged before training.
pub(crate) fn train_marker_head(
    head: MarkerHead,
    describe: &dyn Fn(usize, u64) -> String,
    dev: &dyn Fn(&EncoderModel) -> anyhow::Result<DevFigures>,
) -> anyhow::Result<()> {
    let lengths: Vec<usize> = head.train.iter().map(|s| s.len()).collect();
    let steps_per_epoch = bucketed_batches(
        &lengths,
        head.run.batch_pieces,
        epoch_seed(head.run.seed, 0, 0),
    )
    .len()
    .max(1) as u64;
    eprintln!("{}", describe(lengths.iter().sum(), steps_per_epoch));
    let labels: Vec<String> = head.labels.iter().map(|l| l.to_string()).collect();
    let tasks = vec![TaskData {
        task: head.task.into(),
        labels: labels.clone(),
        train: head.train,
    }];
    let marker = head.marker;
    let options = head.run.options(super::encoder::Schedule {
        lr_body: marker.lr_body,
        warmup_steps: marker.warmup_steps,
        checkpoint_minutes: marker.checkpoint_minutes,
        checkpoint_steps: Some(steps_per_epoch),
        max_steps: Some(head.run.steps.unwrap_or(marker.epochs * steps_per_epoch)),
    });
    let heads = vec![(head.task.to_string(), labels)];
    let mut spec = spec_for(&heads, marker.max_pieces, 0, options.case_dim as usize);
    spec.heads[0].scheme = head.scheme.into();
    spec.trained_on = Some(head.trained_on);
    let finish = super::encoder::Finish {
        tasks: &tasks,
        options: &options,
        pad: head.pad,
        export_only: head.run.export_only,
        out: head.run.out.as_deref(),
        precision: head.precision,
        spec,
        steps_per_epoch: Some(steps_per_epoch),
        command: head.command,
    };
    super::encoder::train_and_export(finish, &|model, _whole| dev(model))
}

fn examples(
    args: &SentimentEncoderArgs,
) -> anyhow::Result<(Vec<TargetExample>, Vec<TargetExample>)> {
    let all = load_newsmtsc(&args.newsmtsc)?;
    let (heldout, train): (Vec<_>, Vec<_>) = all.into_iter().partition(|e| is_heldout(e.line));
    let convert = |list: Vec<stancegraph_relations::sentiment::SentimentExample>| {
        let n = args.run.limit.map_or(list.len(), |l| l.min(list.len()));
        list.into_iter()
            .take(n)
            .map(|e| TargetExample {
                sentence: e.sentence,
                target: e.target,
                label: e.label,
            })
            .collect::<Vec<_>>()
    };
    let mut train = convert(train);
    for path in &args.extra {
        let extra = convert(load_newsmtsc(path)?);
        for _ in 0..args.extra_repeat {
            train.extend(extra.iter().cloned());
        }
    }
    Ok((train, convert(heldout)))
}

/// How heads.json names the --extra files, e.g. ` and /tmp/quotes.jsonl (x2)`.
fn extra_description(args: &SentimentEncoderArgs) -> String {
    args.extra
        .iter()
        .map(|p| format!(" and {} (x{})", p.display(), args.extra_repeat))
        .collect()
}

fn score_model(
    model: &EncoderModel,
    inputs: &[TargetWindow],
    gold: &[usize],
) -> anyhow::Result<ClassScore> {
    let head = model
        .head(SENTIMENT_TASK)
        .ok_or_else(|| anyhow::anyhow!("the model has no {SENTIMENT_TASK} head"))?;
    let guess: Vec<usize> = marker_log_probs(model, head, inputs, EVAL_BATCH_PIECES)?
        .iter()
        .map(|row| argmax(row))
        .collect();
    Ok(class_score(gold, &guess, SENTIMENT_LABELS.len()))
}

fn figures(score: &ClassScore) -> DevFigures {
    let mut figures = std::collections::BTreeMap::new();
    figures.insert("macro_f1".to_string(), score.macro_f1);
    figures.insert("accuracy".to_string(), score.accuracy);
    for (label, f1) in SENTIMENT_LABELS.iter().zip(&score.f1) {
        figures.insert(format!("f1_{label}"), *f1);
    }
    DevFigures {
        score: score.macro_f1,
        figures,
    }
}

pub fn train(args: SentimentEncoderArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let (precision, wordpiece) = super::encoder::prepare_base(&args.run.base, &args.run.precision)?;
    let (train_examples, heldout) = examples(&args)?;
    if train_examples.is_empty() {
        bail!(
            "{}: no training targets outside the held-out slice",
            args.newsmtsc.display()
        );
    }
    let max_pieces = args.marker.max_pieces;
    let train = sentiment_sequences(
        &train_examples,
        &wordpiece,
        max_pieces,
        SENTIMENT_LABELS.len(),
    )?;
    let dev_inputs = target_windows(&heldout, &wordpiece, max_pieces)?;
    let dev_gold: Vec<usize> = heldout.iter().map(|e| e.label).collect();
    let head = MarkerHead {
        run: &args.run,
        marker: &args.marker,
        task: SENTIMENT_TASK,
        labels: &SENTIMENT_LABELS,
        scheme: SENTIMENT_SCHEME,
        train,
        precision,
        pad: wordpiece.special().pad,
        trained_on: format!(
            "NewsMTSC {} minus the held-out slice (every tenth line){}: {} targets",
            args.newsmtsc.display(),
            extra_description(&args),
            train_examples.len()
        ),
        command: "train-sentiment-encoder",
    };
    let describe = |pieces: usize, steps_per_epoch: u64| {
        format!(
            "sentiment: {} training targets ({} pieces, {} steps per epoch), {} held-out targets; data ready in {:.1} s",
            train_examples.len(),
            pieces,
            steps_per_epoch,
            heldout.len(),
            started.elapsed().as_secs_f64()
        )
    };
    train_marker_head(head, &describe, &|model| {
        score_model(model, &dev_inputs, &dev_gold).map(|s| figures(&s))
    })
}
