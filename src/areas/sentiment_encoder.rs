//! `train sentiment-encoder` (feature `bert`): fine-tunes MiniLM for target-directed
//! sentiment on NewsMTSC train minus its held-out slice (every tenth line, the split `eval
//! sentiment` scores), with the target mention between marker pieces and the head on the
//! opening marker; checkpoints once per epoch with the held-out macro-F1, and exports the best
//! checkpoint as a model directory (data/sentiment-encoder when shipped).
use std::path::PathBuf;
use std::time::Instant;

use anyhow::bail;
use stancegraph_bert::training::data::bucketed_batches;
use stancegraph_bert::training::data::epoch_seed;
use stancegraph_bert::training::encoder::sentiment::{
    TargetWindow, SENTIMENT_LABELS, SENTIMENT_MAX_PIECES, SENTIMENT_SCHEME, SENTIMENT_TASK,
};
use stancegraph_bert::training::export::spec_for;
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
    /// Epochs over the training targets (the learning rate decays to 0 at the end).
    #[arg(long, default_value_t = 3)]
    pub epochs: u64,
    /// Window of one (sentence, target) input.
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
    Ok((convert(train), convert(heldout)))
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
    let labels: Vec<String> = SENTIMENT_LABELS.iter().map(|l| l.to_string()).collect();
    let train = sentiment_sequences(&train_examples, &wordpiece, args.max_pieces, labels.len())?;
    let dev_inputs = target_windows(&heldout, &wordpiece, args.max_pieces)?;
    let dev_gold: Vec<usize> = heldout.iter().map(|e| e.label).collect();
    let pieces: usize = train.iter().map(|s| s.len()).sum();
    let lengths: Vec<usize> = train.iter().map(|s| s.len()).collect();
    let steps_per_epoch = bucketed_batches(
        &lengths,
        args.run.batch_pieces,
        epoch_seed(args.run.seed, 0, 0),
    )
    .len()
    .max(1) as u64;
    eprintln!(
        "sentiment: {} training targets ({} pieces, {} steps per epoch), {} held-out targets; data ready in {:.1} s",
        train.len(),
        pieces,
        steps_per_epoch,
        heldout.len(),
        started.elapsed().as_secs_f64()
    );
    let tasks = vec![TaskData {
        task: SENTIMENT_TASK.into(),
        labels: labels.clone(),
        train,
    }];
    let options = args.run.options(super::encoder::Schedule {
        lr_body: args.lr_body,
        warmup_steps: args.warmup_steps,
        checkpoint_minutes: args.checkpoint_minutes,
        checkpoint_steps: Some(steps_per_epoch),
        max_steps: Some(args.run.steps.unwrap_or(args.epochs * steps_per_epoch)),
    });
    let heads = vec![(SENTIMENT_TASK.to_string(), labels)];
    let mut spec = spec_for(&heads, args.max_pieces, 0, options.case_dim as usize);
    spec.heads[0].scheme = SENTIMENT_SCHEME.into();
    spec.trained_on = Some(format!(
        "NewsMTSC {} minus the held-out slice (every tenth line): {} targets",
        args.newsmtsc.display(),
        train_examples.len()
    ));
    let finish = super::encoder::Finish {
        tasks: &tasks,
        options: &options,
        pad: wordpiece.special().pad,
        export_only: args.run.export_only,
        out: args.run.out.as_deref(),
        precision,
        spec,
        steps_per_epoch: Some(steps_per_epoch),
        command: "train-sentiment-encoder",
    };
    // The held-out slice is small: scored whole during training and at export alike.
    super::encoder::train_and_export(finish, &|model, _whole| {
        score_model(model, &dev_inputs, &dev_gold).map(|s| figures(&s))
    })
}
