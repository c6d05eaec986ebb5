//! `train stance`, `train sentiment`, `eval stance` and `eval sentiment`: entity-to-entity
//! stance learned and scored on SEESAW, target-directed sentiment on NewsMTSC.
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use stancegraph_core::Document;
use stancegraph_relations::calibration::{format_reliability, reliability_table};
use stancegraph_relations::seesaw::{
    add_oracle_actors, evaluate, evaluate_with, load_split, prepare_documents, EvalReport,
    SeesawArticle,
};
use stancegraph_relations::sentiment::{evaluate_sentiment, train_sentiment};
use stancegraph_relations::{
    fit_calibration, fit_scorer_calibration, is_dev, load_extractor, model_dir, train_stance_model,
    Lexicon, RelationsConfig, StanceModel, MODEL_FILE,
};

#[derive(clap::Subcommand, Debug)]
pub enum Train {
    /// Learn the stance pair classifier from SEESAW train (and the sentiment classifier
    /// from NewsMTSC when given), then fit the confidence calibration on SEESAW train.
    Stance(TrainArgs),
    /// Retrain the target-sentiment classifier on NewsMTSC train (every tenth line held
    /// out) inside an existing stance model file.
    Sentiment(SentimentTrainArgs),
    /// Fit the confidence calibration of a `relations.encoder` stage (its `pair` and
    /// `quote` stances) on the held-out stories of SEESAW train (every fifth story, which
    /// the stance encoder is never trained on), e.g. data/stance-encoder/calibration.json.
    StanceCalibration(CalibrationArgs),
}

#[derive(clap::Args, Debug)]
pub struct CalibrationArgs {
    #[arg(long)]
    pub seesaw: PathBuf,
    /// Config whose relations stage is calibrated, e.g. configs/accurate.toml.
    #[arg(long)]
    pub config: PathBuf,
    /// Output file, e.g. data/stance-encoder/calibration.json (next to the pair model).
    #[arg(long)]
    pub out: PathBuf,
    /// Reuse the upstream stages' documents from this file (written on first use).
    #[arg(long)]
    pub upstream_cache: Option<PathBuf>,
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
    /// SEESAW train as another pipeline's upstream stages annotated it (the file `eval
    /// stance --split train --config C --upstream-cache F` writes): its candidate pairs
    /// are training examples too, besides the default pipeline's.
    #[arg(long)]
    pub extra_upstream: Vec<PathBuf>,
}

#[derive(clap::Args, Debug)]
pub struct SentimentTrainArgs {
    #[arg(long)]
    pub newsmtsc: PathBuf,
    /// Stance model file to update, e.g. data/models/relations/stance_model.json.
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(clap::Subcommand, Debug)]
pub enum Eval {
    /// Score stance triplets on a SEESAW split, with a reliability table.
    Stance(EvalArgs),
    /// Score target sentiment on the held-out slice (every tenth line) of NewsMTSC train.
    Sentiment(SentimentEvalArgs),
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
    /// Run the stages of this config (e.g. configs/accurate.toml; ingest stages left out,
    /// as the default evaluation reads the plain text) instead of the default models.
    #[arg(long, conflicts_with = "oracle_entities")]
    pub config: Option<PathBuf>,
    /// With --config: reuse the documents of the stages before the relations stage from
    /// this file, written on first use (for tuning the relations stage; delete it when the
    /// config's earlier stages or the split change).
    #[arg(long, requires = "config")]
    pub upstream_cache: Option<PathBuf>,
    /// Write every article's scored predictions and missed gold pairs to this JSONL file
    /// (error analysis: which stances were right, wrong in polarity, not gold, or missed,
    /// and what the upstream stages left for each miss).
    #[arg(long)]
    pub errors: Option<PathBuf>,
    /// With --config: write every actor the pipeline's quotes name, labelled with the gold
    /// stance of the speaker toward it, as NewsMTSC lines to this file (training data for
    /// the quote reader: `train sentiment-encoder --extra`; use `--split train`).
    #[arg(long, requires = "config")]
    pub quote_examples: Option<PathBuf>,
}

#[derive(clap::Args, Debug)]
pub struct SentimentEvalArgs {
    #[arg(long)]
    pub newsmtsc: PathBuf,
    /// Score the fine-tuned MiniLM sentiment model in this directory (candle) instead of the
    /// linear classifier, e.g. data/sentiment-encoder.
    #[cfg(feature = "encoder")]
    #[arg(long)]
    pub encoder: Option<PathBuf>,
    /// With --encoder: f32 matrix products (the reference computation) instead of int8.
    #[cfg(feature = "encoder")]
    #[arg(long, requires = "encoder")]
    pub f32_products: bool,
}

fn project_data_dir() -> PathBuf {
    crate::data_dir(None)
}

/// Runs the text, entities and quotes stages on SEESAW articles.
fn prepare_seesaw(data_dir: &Path, articles: &[SeesawArticle]) -> anyhow::Result<Vec<Document>> {
    let text = stancegraph_text::Analyzer::load(data_dir).context("loading the text models")?;
    let entities = stancegraph_entities::EntityAnalyzer::load(data_dir)
        .context("loading the entity models")?;
    let quotes =
        stancegraph_quotes::Attributor::load(data_dir).context("loading the quote models")?;
    Ok(prepare_documents(articles, |_, doc| {
        text.annotate(doc).map_err(|e| e.to_string())?;
        entities.annotate(doc).map_err(|e| e.to_string())?;
        quotes.annotate(doc).map_err(|e| e.to_string())?;
        Ok::<(), String>(())
    })?)
}

fn lexicon_for(out: &Path) -> anyhow::Result<Lexicon> {
    let lexicon_dir = out
        .parent()
        .filter(|dir| dir.join(stancegraph_relations::VADER_FILE).exists())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| model_dir(&project_data_dir()));
    Lexicon::load(&lexicon_dir)
        .with_context(|| format!("loading lexicons from {}", lexicon_dir.display()))
}

pub fn train(cmd: Train) -> anyhow::Result<()> {
    match cmd {
        Train::Stance(args) => train_stance(args),
        Train::StanceCalibration(args) => train_calibration(args),
        Train::Sentiment(args) => {
            let lexicon = lexicon_for(&args.out)?;
            let mut model = StanceModel::load(&args.out)
                .with_context(|| format!("reading {}", args.out.display()))?;
            let started = Instant::now();
            let (target, dev) = train_sentiment(&args.newsmtsc, &lexicon)?;
            model.target = target;
            model.target_threshold = 0.5;
            model.save(&args.out)?;
            println!(
                "NewsMTSC held-out slice (every 10th line) {}: accuracy {:.3}, macro-F1 {:.3} (negative {:.3}, neutral {:.3}, positive {:.3}); wrote {} in {:.1}s",
                dev.examples, dev.accuracy, dev.macro_f1, dev.f1[0], dev.f1[1], dev.f1[2],
                args.out.display(),
                started.elapsed().as_secs_f64()
            );
            println!(
                "{}",
                serde_json::json!({"task": "train_sentiment", "heldout": dev})
            );
            Ok(())
        }
    }
}

fn train_stance(args: TrainArgs) -> anyhow::Result<()> {
    let lexicon = lexicon_for(&args.out)?;
    let started = Instant::now();
    // Without NewsMTSC, keep the sentiment classifier of the model being replaced.
    let previous = StanceModel::load(&args.out)
        .ok()
        .map(|m| (m.target, m.target_threshold));
    let articles = load_split(&args.seesaw, "train")?;
    let prepared = prepare_seesaw(&project_data_dir(), &articles)?;
    let mut extra = Vec::new();
    for path in &args.extra_upstream {
        extra.push(
            read_upstream_cache(Some(path), &articles)?
                .with_context(|| format!("{} is no upstream file", path.display()))?,
        );
    }
    let extra: Vec<&[Document]> = extra.iter().map(Vec::as_slice).collect();
    let mut upstreams: Vec<&[Document]> = vec![&prepared];
    upstreams.extend_from_slice(&extra);
    let (mut model, report) = train_stance_model(
        &args.seesaw,
        args.newsmtsc.as_deref(),
        previous,
        &lexicon,
        &upstreams,
    )?;
    let calibration = fit_calibration(&articles, &prepared, &extra, &model, &lexicon);
    println!("calibration fitted on {}", calibration.fitted_on);
    model.calibration = Some(calibration);
    model.save(&args.out)?;
    println!("trained on {}", model.trained_on);
    println!(
        "SEESAW dev pairs {}: candidate F1 {:.3} at threshold {:.2}; NewsMTSC held-out {}: accuracy {:.3}, macro-F1 {:.3}",
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
    let args = match cmd {
        Eval::Stance(args) => args,
        Eval::Sentiment(args) => {
            #[cfg(feature = "encoder")]
            if let Some(encoder) = &args.encoder {
                let (score, seconds) =
                    super::sentiment_candle::evaluate(&args.newsmtsc, encoder, !args.f32_products)?;
                println!(
                    "NewsMTSC held-out slice (every 10th line of {}), sentiment encoder {} ({} products): {} targets in {:.1} s, accuracy {:.3}, macro-F1 {:.3} (negative {:.3}, neutral {:.3}, positive {:.3})",
                    args.newsmtsc.display(),
                    encoder.display(),
                    if args.f32_products { "f32" } else { "int8" },
                    score.examples, seconds, score.accuracy, score.macro_f1, score.f1[0], score.f1[1], score.f1[2]
                );
                println!(
                    "{}",
                    serde_json::json!({"task": "sentiment", "model": encoder, "int8_products": !args.f32_products, "heldout": score})
                );
                return Ok(());
            }
            let dir = model_dir(&project_data_dir());
            let lexicon = Lexicon::load(&dir)?;
            let model = StanceModel::load(&dir.join(MODEL_FILE))?;
            let score = evaluate_sentiment(&model.target, &args.newsmtsc, &lexicon)?;
            println!(
                "NewsMTSC held-out slice (every 10th line of {}): {} targets, accuracy {:.3}, macro-F1 {:.3} (negative {:.3}, neutral {:.3}, positive {:.3})",
                args.newsmtsc.display(),
                score.examples, score.accuracy, score.macro_f1, score.f1[0], score.f1[1], score.f1[2]
            );
            println!(
                "{}",
                serde_json::json!({"task": "sentiment", "heldout": score})
            );
            return Ok(());
        }
    };
    let data_dir = project_data_dir();
    let articles = load_split(&args.seesaw, &args.split)?;
    let (report, min_confidence) = match &args.config {
        Some(config) => evaluate_config(
            &articles,
            config,
            args.upstream_cache.as_deref(),
            args.quote_examples.as_deref(),
            |_| {},
        )?,
        None => (
            evaluate_default(&data_dir, &articles, args.oracle_entities)?,
            RelationsConfig::default().min_confidence,
        ),
    };
    print_stance_report(&args, &report, min_confidence)
}

/// The default models (text, entities, quotes, then `relations.rules` with its default
/// config) on every article; with `oracle_entities`, SEESAW's listed actors as mentions.
fn evaluate_default(
    data_dir: &Path,
    articles: &[SeesawArticle],
    oracle_entities: bool,
) -> anyhow::Result<EvalReport> {
    let data_dir = data_dir.to_path_buf();
    let text = stancegraph_text::Analyzer::load(&data_dir).context("loading the text models")?;
    let config = RelationsConfig::default();
    let extractor = load_extractor(&model_dir(&data_dir), &config)?;
    Ok(if oracle_entities {
        evaluate(articles, &extractor, |article, doc| {
            text.annotate(doc).map_err(|e| e.to_string())?;
            add_oracle_actors(doc, article);
            Ok::<(), String>(())
        })?
    } else {
        let entities = stancegraph_entities::EntityAnalyzer::load(&data_dir)
            .context("loading the entity models")?;
        let quotes =
            stancegraph_quotes::Attributor::load(&data_dir).context("loading the quote models")?;
        evaluate(articles, &extractor, |_, doc| {
            text.annotate(doc).map_err(|e| e.to_string())?;
            entities.annotate(doc).map_err(|e| e.to_string())?;
            quotes.annotate(doc).map_err(|e| e.to_string())?;
            Ok::<(), String>(())
        })?
    })
}

/// `eval stance --config FILE`: the config's stages before the relations stages prepare
/// every article, then its relations stages (timed alone) read the stances that are
/// scored. Returns the report and the relations stage's `min_confidence`.
fn evaluate_config(
    articles: &[SeesawArticle],
    config: &Path,
    upstream_cache: Option<&Path>,
    quote_examples: Option<&Path>,
    adjust_relations: impl Fn(&mut serde_json::Value),
) -> anyhow::Result<(EvalReport, f32)> {
    let is_relations = |stage: &str| stage.starts_with("relations.");
    let started = Instant::now();
    let (relations_config, relations) =
        stance_pipeline(config, is_relations, |table| adjust_relations(table))?;
    if relations_config.stages.is_empty() {
        anyhow::bail!("{} has no relations stage", config.display());
    }
    let min_confidence = relations_config
        .stages
        .iter()
        .filter_map(|s| s.config.get("min_confidence").and_then(|v| v.as_f64()))
        .next_back()
        .map_or(RelationsConfig::default().min_confidence, |v| v as f32);
    let prepared = match read_upstream_cache(upstream_cache, articles)? {
        Some(prepared) => prepared,
        None => {
            let (_, upstream) = stance_pipeline(
                config,
                |stage| !stage.starts_with("ingest.") && !is_relations(stage),
                |_| {},
            )?;
            let prepared = prepare_documents(articles, |_, doc| {
                upstream
                    .process(doc)
                    .map_err(|f| format!("{} failed: {}", f.stage, f.reason))
            })?;
            write_upstream_cache(upstream_cache, &prepared)?;
            prepared
        }
    };
    if let Some(path) = quote_examples {
        write_quote_examples(path, articles, &prepared)?;
    }
    let mut report = evaluate_with(articles, &prepared, |doc| {
        relations
            .process(doc)
            .map_err(|f| format!("{} failed: {}", f.stage, f.reason))
    });
    report.seconds = started.elapsed().as_secs_f64();
    Ok((report, min_confidence))
}

/// `eval stance --quote-examples FILE`: the labelled quote queries of the prepared
/// articles, one NewsMTSC line each.
fn write_quote_examples(
    path: &Path,
    articles: &[SeesawArticle],
    prepared: &[Document],
) -> anyhow::Result<()> {
    let examples = stancegraph_relations::seesaw::pipeline_quote_examples(articles, prepared);
    let mut out = String::new();
    for example in &examples {
        out.push_str(&serde_json::to_string(&example.to_newsmtsc())?);
        out.push('\n');
    }
    std::fs::write(path, out).with_context(|| format!("writing {}", path.display()))?;
    let count = |label| examples.iter().filter(|e| e.label == label).count();
    eprintln!(
        "wrote {} quote examples to {} (oppose {}, none {}, support {})",
        examples.len(),
        path.display(),
        count(0),
        count(1),
        count(2)
    );
    Ok(())
}

/// The stages of `config` that `keep` selects, built. Quote stages keep every cue class, as
/// the default evaluation's quote model and `eval quotes` do: the config's `classes`
/// choose what the graph shows, and with them `--config configs/default.toml` scores
/// exactly what the default evaluation scores.
fn stance_pipeline(
    config: &Path,
    keep: impl Fn(&str) -> bool,
    adjust_relations: impl Fn(&mut serde_json::Value),
) -> anyhow::Result<(
    stancegraph_runner::PipelineConfig,
    stancegraph_runner::Pipeline,
)> {
    use stancegraph_runner::{load_config, ConfigSource, Pipeline};
    let registry = crate::builtin_registry();
    let mut pipeline_config =
        load_config(&ConfigSource::File(config.to_path_buf()), &registry, false)?;
    pipeline_config.stages.retain(|s| keep(&s.factory));
    let every_class: Vec<&str> = stancegraph_core::CueClass::ALL
        .iter()
        .map(|c| c.as_str())
        .collect();
    for stage in &mut pipeline_config.stages {
        if ["quotes.attribution", "quotes.encoder"].contains(&stage.factory.as_str()) {
            if let Some(table) = stage.config.as_object_mut() {
                table.insert("classes".into(), serde_json::json!(every_class));
            }
        }
        if stage.factory.starts_with("relations.") {
            adjust_relations(&mut stage.config);
        }
    }
    let context = stancegraph_core::BuildContext {
        data_dir: project_data_dir(),
        config_path: String::new(),
    };
    let pipeline = Pipeline::build(&pipeline_config, &registry, &context)
        .with_context(|| format!("building the pipeline of {}", config.display()))?;
    Ok((pipeline_config, pipeline))
}

/// The documents of `cache` when it is given and exists (one JSON document per line, the
/// articles' ids in order), else `None`.
fn read_upstream_cache(
    cache: Option<&Path>,
    articles: &[SeesawArticle],
) -> anyhow::Result<Option<Vec<Document>>> {
    let Some(path) = cache.filter(|p| p.is_file()) else {
        return Ok(None);
    };
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let docs = text
        .lines()
        .map(serde_json::from_str::<Document>)
        .collect::<Result<Vec<_>, _>>()
        .with_context(|| format!("reading the documents of {}", path.display()))?;
    let same = docs.len() == articles.len() && docs.iter().zip(articles).all(|(d, a)| d.id == a.id);
    if !same {
        anyhow::bail!(
            "{} holds other articles than this split (delete it to rebuild it)",
            path.display()
        );
    }
    eprintln!("upstream documents read from {}", path.display());
    Ok(Some(docs))
}

/// Writes `docs` to `cache` when it is given.
fn write_upstream_cache(cache: Option<&Path>, docs: &[Document]) -> anyhow::Result<()> {
    let Some(path) = cache else { return Ok(()) };
    let mut out = String::new();
    for doc in docs {
        out.push_str(&serde_json::to_string(doc)?);
        out.push('\n');
    }
    std::fs::write(path, out).with_context(|| format!("writing {}", path.display()))
}

/// `train stance-calibration`: the config's relations stage (a `relations.encoder`) reads
/// the held-out stories of SEESAW train with raw scores and no threshold; one isotonic map
/// per encoder source (`pair`, `quote`) is fitted on them.
fn train_calibration(args: CalibrationArgs) -> anyhow::Result<()> {
    let articles: Vec<SeesawArticle> = load_split(&args.seesaw, "train")?
        .into_iter()
        .filter(|a| is_dev(&a.id))
        .collect();
    let uses_encoder = std::fs::read_to_string(&args.config)
        .with_context(|| format!("reading {}", args.config.display()))?
        .contains("relations.encoder");
    if !uses_encoder {
        anyhow::bail!(
            "{} has no relations.encoder stage to calibrate",
            args.config.display()
        );
    }
    let (report, _) = evaluate_config(
        &articles,
        &args.config,
        args.upstream_cache.as_deref(),
        None,
        |table| {
            if let Some(table) = table.as_object_mut() {
                table.insert("min_confidence".into(), 0.0.into());
                table.insert("calibrate".into(), false.into());
            }
        },
    )?;
    for (article, reason) in &report.failed {
        eprintln!("warning: {article}: {reason} (left out)");
    }
    let samples: Vec<(String, f32, bool)> = report
        .scored
        .iter()
        .map(|(source, score, ok)| (source.to_string(), *score, *ok))
        .collect();
    let base = StanceModel::load(&model_dir(&project_data_dir()).join(MODEL_FILE))?.calibration;
    let calibration = fit_scorer_calibration(
        &samples,
        report.counts.gold_triplets,
        base.as_ref(),
        &["pair", "quote"],
        &format!(
            "SEESAW train held-out stories (story % 5 == 0, never trained on), {} articles, relations stage of {}",
            articles.len(),
            args.config.display()
        ),
    );
    std::fs::write(
        &args.out,
        serde_json::to_string_pretty(&calibration)? + "\n",
    )
    .with_context(|| format!("writing {}", args.out.display()))?;
    println!("calibration fitted on {}", calibration.fitted_on);
    for (source, map) in &calibration.by_source {
        println!(
            "{source}: {} knots, raw {:?} -> probability {:?}",
            map.x.len(),
            map.x,
            map.y
        );
    }
    println!("wrote {}", args.out.display());
    Ok(())
}

/// Prints the figures of a stance evaluation and its JSON line.
fn print_stance_report(
    args: &EvalArgs,
    report: &EvalReport,
    min_confidence: f32,
) -> anyhow::Result<()> {
    for (article, reason) in &report.failed {
        eprintln!("warning: {article}: {reason} (scored as predicting nothing)");
    }
    if let Some(path) = &args.errors {
        let mut out = String::new();
        for article in &report.breakdown {
            out.push_str(&serde_json::to_string(article)?);
            out.push('\n');
        }
        std::fs::write(path, out).with_context(|| format!("writing {}", path.display()))?;
    }
    let counts = report.counts;
    let (tp, tr, tf) = counts.triplet_prf();
    let (pp, pr, pf) = counts.pair_prf();
    println!(
        "SEESAW {}{}: {} articles, {} gold triplets, {} predicted (min_confidence {})",
        args.split,
        if args.oracle_entities {
            " (gold actors as mentions)"
        } else {
            ""
        },
        report.articles,
        counts.gold_triplets,
        counts.predicted_triplets,
        min_confidence
    );
    println!("triplet P {tp:.3} R {tr:.3} F1 {tf:.3}; pair P {pp:.3} R {pr:.3} F1 {pf:.3}; polarity accuracy {:.3}", counts.polarity_accuracy());
    println!(
        "pipeline {:.1}s ({:.0} words/s); relations stage alone {:.3}s ({:.0} words/s)",
        report.seconds,
        report.words as f64 / report.seconds.max(1e-9),
        report.relation_seconds,
        report.words as f64 / report.relation_seconds.max(1e-9)
    );
    let points: Vec<(f32, bool)> = report.scored.iter().map(|(_, c, ok)| (*c, *ok)).collect();
    let table = reliability_table(&points, 10);
    println!("reliability (one prediction per article and actor pair; bar: |precision - confidence| <= 0.15 in bins of >= 30):");
    print!("{}", format_reliability(&table, 30, 0.15));
    let round = |x: f64| (x * 10000.0).round() / 10000.0;
    let mut line = serde_json::json!({
        "task": "stance",
        "triplet": {"p": round(tp), "r": round(tr), "f1": round(tf)},
        "pair": {"p": round(pp), "r": round(pr), "f1": round(pf)},
        "polarity_accuracy": round(counts.polarity_accuracy()),
        "reliability": table.iter().filter(|b| b.count > 0).collect::<Vec<_>>(),
    });
    // Only where they apply, so that the default line stays as it was.
    if let Some(object) = line.as_object_mut() {
        if let Some(config) = &args.config {
            object.insert("config".into(), config.display().to_string().into());
        }
        if !report.failed.is_empty() {
            object.insert("failed_articles".into(), report.failed.len().into());
        }
    }
    println!("{line}");
    Ok(())
}
