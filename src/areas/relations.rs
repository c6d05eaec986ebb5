//! `train stance` and `eval stance`: entity-to-entity stance learned and scored on SEESAW.
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use stancegraph_relations::seesaw::{add_oracle_actors, evaluate, load_split};
use stancegraph_relations::{
    load_extractor, model_dir, train_stance_model, Lexicon, RelationsConfig,
};

#[derive(clap::Subcommand, Debug)]
pub enum Train {
    /// Learn stance lexicons/models from SEESAW train and NewsMTSC.
    Stance(TrainArgs),
}

#[derive(clap::Args, Debug)]
pub struct TrainArgs {
    #[arg(long)]
    pub seesaw: PathBuf,
    #[arg(long)]
    pub newsmtsc: Option<PathBuf>,
    /// Output model file, e.g. data/models/relations/stance_model.json.
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(clap::Subcommand, Debug)]
pub enum Eval {
    /// Score stance triplets on a SEESAW split.
    Stance(EvalArgs),
}

#[derive(clap::Args, Debug)]
pub struct EvalArgs {
    #[arg(long)]
    pub seesaw: PathBuf,
    /// SEESAW split to score (`valid` by default).
    #[arg(long, default_value = "valid")]
    pub split: String,
    /// Use SEESAW's listed actors as mentions instead of the entities and quotes stages
    /// (scores the relations stage alone).
    #[arg(long)]
    pub oracle_entities: bool,
}

fn project_data_dir() -> PathBuf {
    crate::data_dir(None)
}

pub fn train(cmd: Train) -> anyhow::Result<()> {
    let Train::Stance(args) = cmd;
    let lexicon_dir = args
        .out
        .parent()
        .filter(|dir| dir.join(stancegraph_relations::VADER_FILE).exists())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| model_dir(&project_data_dir()));
    let lexicon = Lexicon::load(&lexicon_dir)
        .with_context(|| format!("loading lexicons from {}", lexicon_dir.display()))?;
    let started = Instant::now();
    let (model, report) = train_stance_model(&args.seesaw, args.newsmtsc.as_deref(), &lexicon)?;
    model.save(&args.out)?;
    println!("trained on {}", model.trained_on);
    println!(
        "SEESAW dev pairs {}: candidate F1 {:.3} at threshold {:.2}; NewsMTSC dev {}: accuracy {:.3}, macro-F1 {:.3}",
        report.seesaw_dev_pairs,
        report.seesaw_dev_f1,
        report.pair_threshold,
        report.newsmtsc_dev,
        report.newsmtsc_dev_accuracy,
        report.newsmtsc_dev_macro_f1
    );
    println!(
        "wrote {} in {:.1}s",
        args.out.display(),
        started.elapsed().as_secs_f64()
    );
    println!(
        "{}",
        serde_json::json!({"task": "train_stance", "report": report})
    );
    Ok(())
}

pub fn eval(cmd: Eval) -> anyhow::Result<()> {
    let Eval::Stance(args) = cmd;
    let data_dir = project_data_dir();
    let articles = load_split(&args.seesaw, &args.split)?;
    let text = stancegraph_text::Analyzer::load(&data_dir).context("loading the text models")?;
    let extractor = load_extractor(&model_dir(&data_dir), &RelationsConfig::default())?;
    let report = if args.oracle_entities {
        evaluate(&articles, &extractor, |article, doc| {
            text.annotate(doc).map_err(|e| e.to_string())?;
            add_oracle_actors(doc, article);
            Ok::<(), String>(())
        })?
    } else {
        let entities = stancegraph_entities::EntityAnalyzer::load(&data_dir)
            .context("loading the entity models")?;
        let quotes =
            stancegraph_quotes::Attributor::load(&data_dir).context("loading the quote models")?;
        evaluate(&articles, &extractor, |_, doc| {
            text.annotate(doc).map_err(|e| e.to_string())?;
            entities.annotate(doc).map_err(|e| e.to_string())?;
            quotes.annotate(doc).map_err(|e| e.to_string())?;
            Ok::<(), String>(())
        })?
    };
    let counts = report.counts;
    let (tp, tr, tf) = counts.triplet_prf();
    let (pp, pr, pf) = counts.pair_prf();
    println!(
        "SEESAW {}{}: {} articles, {} gold triplets, {} predicted",
        args.split,
        if args.oracle_entities {
            " (gold actors as mentions)"
        } else {
            ""
        },
        report.articles,
        counts.gold_triplets,
        counts.predicted_triplets
    );
    println!("triplet P {tp:.3} R {tr:.3} F1 {tf:.3}; pair P {pp:.3} R {pr:.3} F1 {pf:.3}; polarity accuracy {:.3}", counts.polarity_accuracy());
    println!(
        "pipeline {:.1}s ({:.0} words/s); relations stage alone {:.3}s ({:.0} words/s)",
        report.seconds,
        report.words as f64 / report.seconds.max(1e-9),
        report.relation_seconds,
        report.words as f64 / report.relation_seconds.max(1e-9)
    );
    let round = |x: f64| (x * 10000.0).round() / 10000.0;
    println!(
        "{}",
        serde_json::json!({
            "task": "stance",
            "triplet": {"p": round(tp), "r": round(tr), "f1": round(tf)},
            "pair": {"p": round(pp), "r": round(pr), "f1": round(pf)},
            "polarity_accuracy": round(counts.polarity_accuracy()),
        })
    );
    Ok(())
}
