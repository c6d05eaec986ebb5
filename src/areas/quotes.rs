//! `train quotes` and `eval quotes`: attribution learned and scored on PolNeAR.
use std::path::PathBuf;

use anyhow::Context;
use stancegraph_core::Document;
use stancegraph_quotes::{score::Role, silver, train, Attributor};

mod ggt_eval;
mod polnear_dump;

#[derive(clap::Subcommand, Debug)]
pub enum Train {
    /// Learn attribution cues and models from a PolNeAR split.
    Quotes(TrainArgs),
}

#[derive(clap::Args, Debug)]
pub struct TrainArgs {
    /// PolNeAR split directory (with `text/` and `attributions/`), e.g. ../shared/data/polnear/train
    #[arg(long)]
    pub polnear: PathBuf,
    /// Output directory for `tagger.bin` and `cues.json`, e.g. data/models/quotes
    #[arg(long)]
    pub out: PathBuf,
    /// Perceptron passes over the training data.
    #[arg(long, default_value_t = 12)]
    pub epochs: usize,
    /// log2 of the number of hashed feature buckets.
    #[arg(long, default_value_t = 18)]
    pub bucket_bits: u32,
    /// Distillation: a teacher pipeline's `documents.jsonl` (e.g. `run --config
    /// configs/accurate.toml` over raw news, never PolNeAR dev) whose quotes become silver
    /// training examples beside the PolNeAR split (repeatable).
    #[arg(long)]
    pub silver: Vec<PathBuf>,
    /// Scale of a silver document's updates (gold documents: 1).
    #[arg(long, default_value_t = 1.0)]
    pub silver_weight: f32,
    /// Leave out silver documents holding a teacher quote less confident than this.
    #[arg(long, default_value_t = 0.0)]
    pub silver_min_confidence: f32,
    /// The stage whose quotes are the teacher's.
    #[arg(long, default_value = "quotes.encoder")]
    pub silver_stage: String,
}

#[derive(clap::Subcommand, Debug)]
pub enum Eval {
    /// Score attribution (source, cue, content) on a PolNeAR split.
    Quotes(EvalArgs),
}

#[derive(clap::Args, Debug)]
pub struct EvalArgs {
    /// PolNeAR split directory, e.g. ../shared/data/polnear/dev
    #[arg(long, required_unless_present = "ggt")]
    pub polnear: Option<PathBuf>,
    /// Gender Gap Tracker evaluation file, e.g. ../shared/data/ggt/ggt_dev.jsonl: runs the
    /// default pipeline on each article's `rawtext` and scores with the tracker's metric.
    #[arg(long, conflicts_with = "polnear")]
    pub ggt: Option<PathBuf>,
    /// Write every gold and predicted quote (with --ggt) or span of each role (with
    /// --polnear: exact, boundary, missed, spurious) with its outcome to this JSONL file,
    /// for error analysis; it holds article text, keep it out of the repository.
    #[arg(long)]
    pub dump: Option<PathBuf>,
    /// Directory holding `tagger.bin` and `cues.json` (default: the shipped model).
    #[arg(long, conflicts_with_all = ["ggt", "config"])]
    pub model: Option<PathBuf>,
    /// Run the pipeline of this config (e.g. configs/accurate.toml) instead of the default
    /// models: on PolNeAR its stages after ingest, on GGT the whole pipeline.
    #[arg(long)]
    pub config: Option<PathBuf>,
}

/// The pipeline of `config` (the embedded default without one), keeping only the stages
/// whose registered name passes `keep`.
pub(crate) fn config_pipeline(
    config: Option<&std::path::Path>,
    keep: impl Fn(&str) -> bool,
) -> anyhow::Result<(
    stancegraph_runner::PipelineConfig,
    stancegraph_runner::Pipeline,
)> {
    adjusted_pipeline(config, keep, |_, _| {})
}

/// [`config_pipeline`] with each kept stage's config table passed through `adjust`
/// (factory name, table) before the pipeline is built.
fn adjusted_pipeline(
    config: Option<&std::path::Path>,
    keep: impl Fn(&str) -> bool,
    mut adjust: impl FnMut(&str, &mut serde_json::Value),
) -> anyhow::Result<(
    stancegraph_runner::PipelineConfig,
    stancegraph_runner::Pipeline,
)> {
    use stancegraph_runner::{load_config, ConfigSource, Pipeline};
    let registry = crate::builtin_registry();
    let name = config.map_or("the default config".to_string(), |p| {
        p.display().to_string()
    });
    let source = match config {
        Some(path) => ConfigSource::File(path.to_path_buf()),
        None => ConfigSource::Embedded {
            name: "configs/default.toml (embedded)".into(),
            toml: crate::DEFAULT_CONFIG.into(),
        },
    };
    let mut config = load_config(&source, &registry, false)?;
    config.stages.retain(|s| keep(&s.factory));
    for stage in &mut config.stages {
        adjust(&stage.factory, &mut stage.config);
    }
    let context = stancegraph_core::BuildContext {
        data_dir: data_dir(),
        config_path: String::new(),
    };
    let pipeline = Pipeline::build(&config, &registry, &context)
        .with_context(|| format!("building the pipeline of {name}"))?;
    Ok((config, pipeline))
}

/// Fills the layers the attribution stage reads: tokens, tags and parse from the text
/// models, mentions and entities from the entity model when it loads. Training and
/// evaluation prepare documents the same way, as the pipeline does.
struct Preparer {
    text: stancegraph_text::Analyzer,
    entities: Option<stancegraph_entities::EntityAnalyzer>,
}

impl Preparer {
    fn load(with_entities: bool) -> anyhow::Result<Self> {
        let data = data_dir();
        let text = stancegraph_text::Analyzer::load(&data).context("loading the text models")?;
        let entities = if with_entities {
            match stancegraph_entities::EntityAnalyzer::load(&data) {
                Ok(analyzer) => Some(analyzer),
                Err(e) => {
                    eprintln!("warning: no entity model ({e}); speakers stay unresolved");
                    None
                }
            }
        } else {
            None
        };
        Ok(Preparer { text, entities })
    }

    fn prepare(&self, doc: &mut Document) -> Result<(), String> {
        self.text.annotate(doc).map_err(|e| e.to_string())?;
        if let Some(entities) = &self.entities {
            entities.annotate(doc).map_err(|e| e.to_string())?;
        }
        Ok(())
    }
}

fn data_dir() -> PathBuf {
    crate::data_dir(None)
}

pub fn train(cmd: Train) -> anyhow::Result<()> {
    let Train::Quotes(args) = cmd;
    let start = std::time::Instant::now();
    let preparer = Preparer::load(false)?;
    let examples = train::load_examples(&args.polnear, |doc| preparer.prepare(doc))
        .context("reading the PolNeAR split")?;
    let tokens: usize = examples.iter().map(|e| e.doc.tokens.len()).sum();
    println!("read {} articles, {tokens} tokens", examples.len());
    anyhow::ensure!(
        args.silver_weight > 0.0 && args.silver_weight.is_finite(),
        "--silver-weight must be a positive number"
    );
    let settings = silver::SilverSettings {
        stage: args.silver_stage.clone(),
        min_confidence: args.silver_min_confidence,
    };
    let mut silver_examples = Vec::new();
    for path in &args.silver {
        let read = silver::read_silver_examples(path, &settings)
            .with_context(|| format!("reading silver documents {}", path.display()))?;
        let quotes: usize = read.iter().map(|e| e.gold.len()).sum();
        println!(
            "silver {}: {} documents, {quotes} attributions, weight {}",
            path.display(),
            read.len(),
            args.silver_weight
        );
        silver_examples.extend(read);
    }
    let options = train::TrainOptions {
        epochs: args.epochs,
        buckets: 1 << args.bucket_bits.clamp(10, 24),
    };
    let attributor = train::train_with_silver(
        &examples,
        &silver_examples,
        args.silver_weight,
        options,
        |epoch, errors| println!("epoch {}: {errors} token errors", epoch + 1),
    );
    attributor
        .save(&args.out)
        .with_context(|| format!("writing the model to {}", args.out.display()))?;
    let cues = attributor.lexicon().words.len();
    println!(
        "wrote {} ({cues} cue words) in {:.1}s",
        args.out.display(),
        start.elapsed().as_secs_f64()
    );
    println!(
        "{}",
        serde_json::json!({"task": "quotes", "trained": args.out.display().to_string(), "articles": examples.len(), "tokens": tokens, "cue_words": cues})
    );
    Ok(())
}

pub fn eval(cmd: Eval) -> anyhow::Result<()> {
    let Eval::Quotes(args) = cmd;
    if let Some(ggt) = &args.ggt {
        return ggt_eval::eval(ggt, args.dump.as_deref(), args.config.as_deref());
    }
    let Some(polnear) = &args.polnear else {
        anyhow::bail!("eval quotes needs --polnear DIR or --ggt FILE");
    };
    if let Some(config) = &args.config {
        return eval_polnear_pipeline(polnear, config, args.dump.as_deref());
    }
    let attributor = match &args.model {
        Some(dir) => Attributor::from_files(&dir.join("tagger.bin"), &dir.join("cues.json")),
        None => Attributor::load(&data_dir()),
    }
    .context("loading the attribution model")?;
    let preparer = Preparer::load(true)?;
    let examples = train::load_examples(polnear, |doc| preparer.prepare(doc))
        .context("reading the PolNeAR split")?;
    let start = std::time::Instant::now();
    let predicted: Vec<_> = examples.iter().map(|e| attributor.find(&e.doc)).collect();
    let seconds = start.elapsed().as_secs_f64();
    let scorer = train::score_predictions(&examples, predicted.iter().map(Vec::as_slice));
    if let Some(path) = &args.dump {
        dump_polnear(path, &examples, predicted.iter().map(Vec::as_slice))?;
    }
    let tokens: usize = examples.iter().map(|e| e.doc.tokens.len()).sum();
    let report = scorer.report();
    println!(
        "{} articles, {tokens} tokens, attribution in {seconds:.2}s ({:.0} tokens/s)",
        examples.len(),
        tokens as f64 / seconds.max(1e-9)
    );
    print_roles(&scorer, &report);
    println!("{}", serde_json::to_string(&report)?);
    Ok(())
}

/// `eval quotes --polnear DIR --config FILE`: every article through the config's stages
/// (ingest stages left out, as the default evaluation reads the plain text), its quotes
/// scored as the default evaluation scores them. PolNeAR annotates attributions of every
/// kind, so the quote stages keep every cue class here, as the default evaluation does
/// (the config's `classes` choose what the graph shows, not what is an attribution).
fn eval_polnear_pipeline(
    polnear: &std::path::Path,
    config: &std::path::Path,
    dump: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    let every_class: Vec<&str> = stancegraph_core::CueClass::ALL
        .iter()
        .map(|c| c.as_str())
        .collect();
    let (_, pipeline) = adjusted_pipeline(
        Some(config),
        |stage| !stage.starts_with("ingest."),
        |stage, table| set_on_quote_stages(stage, table, "classes", serde_json::json!(every_class)),
    )?;
    let start = std::time::Instant::now();
    let examples = train::load_examples(polnear, |doc| {
        pipeline
            .process(doc)
            .map_err(|f| format!("{} failed: {}", f.stage, f.reason))
    })
    .context("reading and annotating the PolNeAR split")?;
    let seconds = start.elapsed().as_secs_f64();
    let predicted = || examples.iter().map(|e| e.doc.quotes.as_slice());
    let scorer = train::score_predictions(&examples, predicted());
    if let Some(path) = dump {
        dump_polnear(path, &examples, predicted())?;
    }
    let tokens: usize = examples.iter().map(|e| e.doc.tokens.len()).sum();
    let report = scorer.report();
    println!(
        "{} articles, {tokens} tokens, whole pipeline of {} in {seconds:.2}s ({:.0} tokens/s)",
        examples.len(),
        config.display(),
        tokens as f64 / seconds.max(1e-9)
    );
    print_roles(&scorer, &report);
    println!("{}", serde_json::to_string(&report)?);
    Ok(())
}

/// Writes the `--dump` file of a PolNeAR evaluation, with each example's predicted quotes.
fn dump_polnear<'q>(
    path: &std::path::Path,
    examples: &[train::Example],
    predicted: impl IntoIterator<Item = &'q [stancegraph_core::Quote]>,
) -> anyhow::Result<()> {
    use std::io::Write;
    let file =
        std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
    let mut out = std::io::BufWriter::new(file);
    for (example, quotes) in examples.iter().zip(predicted) {
        let id = example.doc.id.as_str();
        polnear_dump::write_document(&mut out, id, example.doc.text(), &example.gold, quotes)?;
    }
    out.flush()?;
    Ok(())
}

/// Sets `key` to `value` in the config table of `stage` when it is a quote stage (the
/// evaluations adapt them to a dataset's conventions).
fn set_on_quote_stages(
    stage: &str,
    table: &mut serde_json::Value,
    key: &str,
    value: serde_json::Value,
) {
    if let Some(table) = table
        .as_object_mut()
        .filter(|_| QUOTE_STAGES.contains(&stage))
    {
        table.insert(key.into(), value);
    }
}

/// Stages whose config has the `classes` filter of [`stancegraph_quotes::AttributionConfig`].
const QUOTE_STAGES: &[&str] = &["quotes.attribution", "quotes.encoder"];

/// The per-role table of a PolNeAR evaluation.
fn print_roles(
    scorer: &stancegraph_quotes::score::Scorer,
    report: &stancegraph_quotes::score::Report,
) {
    println!(
        "{:<8} {:>22} {:>22}",
        "role", "exact P/R/F1", "overlap P/R/F1"
    );
    for (i, role) in Role::ALL.iter().enumerate() {
        let (e, o) = match role {
            Role::Source => (report.exact.source, report.overlap.source),
            Role::Cue => (report.exact.cue, report.overlap.cue),
            Role::Content => (report.exact.content, report.overlap.content),
        };
        let c = scorer.counts[i];
        println!(
            "{:<8} {:>6.3} {:>6.3} {:>6.3}   {:>6.3} {:>6.3} {:>6.3}   (gold {}, predicted {})",
            role.name(),
            e.p,
            e.r,
            e.f1,
            o.p,
            o.r,
            o.f1,
            c.gold,
            c.predicted
        );
    }
    println!(
        "speaker resolved for {:.3} of gold sources",
        report.speaker_resolved
    );
}
