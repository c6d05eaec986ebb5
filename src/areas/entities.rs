//! `train ner` and `eval ner`: the entity tagger's commands.
use std::path::PathBuf;

mod conll_pipeline;

use stancegraph_entities::{
    evaluate_ner, train_ner, NerModel, NerScores, NerTrainOptions, SilverSettings, DEFAULT_MODEL,
};

#[derive(clap::Subcommand, Debug)]
pub enum Train {
    /// Train the NER tagger on CoNLL-2003 files (see data/models/entities/README.md).
    Ner(TrainArgs),
}

#[derive(clap::Args, Debug)]
pub struct TrainArgs {
    #[arg(long)]
    pub train: PathBuf,
    /// Dev file: picks the number of epochs and is scored at the end.
    #[arg(long)]
    pub dev: Option<PathBuf>,
    #[arg(long)]
    pub out: PathBuf,
    /// Raw text files or directories (`.txt`) to learn word clusters from (repeatable).
    #[arg(long)]
    pub raw: Vec<PathBuf>,
    /// Reuse the word clusters of this model file (e.g. data/models/entities/ner.bin)
    /// instead of learning them from --raw.
    #[arg(long, conflicts_with = "raw")]
    pub clusters_from: Option<PathBuf>,
    /// Static-vector clusters to add (`scripts/vector-clusters.py` output; see
    /// data/models/entities/README.md).
    #[arg(long)]
    pub vector_clusters: Option<PathBuf>,
    /// Training passes over the data (the best epoch on --dev is kept).
    #[arg(long, default_value_t = 10)]
    pub epochs: u32,
    /// Distillation: a teacher pipeline's `documents.jsonl` (e.g. `run --config
    /// configs/accurate.toml` over raw news, never the dev texts) whose name mentions become
    /// silver training sentences (repeatable).
    #[arg(long)]
    pub silver: Vec<PathBuf>,
    /// Scale of a silver document's updates (gold documents: 1).
    #[arg(long, default_value_t = 1.0)]
    pub silver_weight: f32,
    /// Leave out silver sentences holding a teacher mention less confident than this.
    #[arg(long, default_value_t = 0.0)]
    pub silver_min_confidence: f32,
    /// The stage whose mentions are the teacher's.
    #[arg(long, default_value = "entities.encoder")]
    pub silver_stage: String,
    /// Write the silver sentences as CoNLL text to this file (for inspection).
    #[arg(long)]
    pub silver_conll: Option<PathBuf>,
}

#[derive(clap::Subcommand, Debug)]
pub enum Eval {
    /// Score NER against a CoNLL-2003 file (conlleval, strict entity matching).
    Ner(EvalArgs),
}

#[derive(clap::Args, Debug)]
pub struct EvalArgs {
    #[arg(long)]
    pub conll: PathBuf,
    /// Model file (default: the shipped data/models/entities/ner.bin).
    #[arg(long, conflicts_with = "config")]
    pub model: Option<PathBuf>,
    /// Run the pipeline of this config (e.g. configs/accurate.toml) on the CoNLL tokens: its
    /// stages after tokenization, up to the last one that writes mentions.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// With `--config`: write each sentence whose predicted entities differ from the gold
    /// (JSON lines: document, sentence, words, gold, predicted) to this file.
    #[arg(long, requires = "config")]
    pub errors: Option<PathBuf>,
}

fn print_scores(scores: &NerScores) -> anyhow::Result<()> {
    for (label, prf) in &scores.per_type {
        println!(
            "{label:5} precision {:.4}  recall {:.4}  F1 {:.4}",
            prf.precision, prf.recall, prf.f1
        );
    }
    println!(
        "all   precision {:.4}  recall {:.4}  F1 {:.4}",
        scores.precision, scores.recall, scores.f1
    );
    let json = serde_json::json!({
        "task": "ner",
        "precision": scores.precision,
        "recall": scores.recall,
        "f1": scores.f1,
        "per_type": scores.per_type,
    });
    println!("{json}");
    Ok(())
}

pub fn train(cmd: Train) -> anyhow::Result<()> {
    let Train::Ner(args) = cmd;
    let options = NerTrainOptions {
        train: args.train,
        dev: args.dev,
        raw: args.raw,
        clusters_from: args.clusters_from,
        vector_clusters: args.vector_clusters,
        epochs: args.epochs,
        silver: args.silver,
        silver_settings: SilverSettings {
            stage: args.silver_stage,
            min_confidence: args.silver_min_confidence,
            ..SilverSettings::default()
        },
        silver_weight: args.silver_weight,
        silver_conll: args.silver_conll,
    };
    anyhow::ensure!(
        args.silver_weight > 0.0 && args.silver_weight.is_finite(),
        "--silver-weight must be a positive number"
    );
    let (model, scores) = train_ner(&options, |line| println!("{line}"))?;
    model.save(&args.out)?;
    println!(
        "wrote {} ({} features, {} epochs)",
        args.out.display(),
        model.feature_count(),
        model.epochs
    );
    match scores {
        Some(scores) => print_scores(&scores),
        None => {
            println!(
                "{}",
                serde_json::json!({"task": "ner", "model": args.out.display().to_string()})
            );
            Ok(())
        }
    }
}

pub fn eval(cmd: Eval) -> anyhow::Result<()> {
    let Eval::Ner(args) = cmd;
    if let Some(config) = &args.config {
        return conll_pipeline::eval(&args.conll, config, args.errors.as_deref())
            .and_then(|s| print_scores(&s));
    }
    let path = args
        .model
        .unwrap_or_else(|| crate::data_dir(None).join(DEFAULT_MODEL));
    let started = std::time::Instant::now();
    let model = NerModel::load(&path)?;
    println!(
        "loaded {} in {:.2}s",
        path.display(),
        started.elapsed().as_secs_f64()
    );
    let started = std::time::Instant::now();
    let scores = evaluate_ner(&model, &args.conll)?;
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{} tokens in {seconds:.2}s ({:.0} tokens/s)",
        scores.tokens,
        scores.tokens as f64 / seconds.max(1e-9)
    );
    print_scores(&scores)
}
