//! The `stancegraph` command line: runs configured pipelines, trains and evaluates the
//! embedded models, validates configs and exports graphs.
//!
//! A plugin distribution is a small binary that registers its own stages next to the
//! built-in ones: `fn main() -> ExitCode { stancegraph_cli::run_with(|r| my_stage::register(r)) }`.

#![deny(missing_docs)]

mod areas;
pub mod data_files;
pub mod merge;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, Subcommand};
use stancegraph_core::{BuildContext, Registry};
use stancegraph_ingest::{Ingestor, Input};
use stancegraph_runner::{
    load_config, ConfigSource, DocumentsSink, Pipeline, RunOptions, RunOutcome, RunnerError,
    MAX_WORKERS,
};

/// The default pipeline, compiled in so `run` works from any directory.
pub const DEFAULT_CONFIG: &str = include_str!("../configs/default.toml");

/// Exit code: every document processed.
pub const EXIT_OK: u8 = 0;
/// Exit code: a fatal error (I/O on outputs, runtime).
pub const EXIT_ERROR: u8 = 1;
/// Exit code: configuration or usage error.
pub const EXIT_CONFIG: u8 = 2;
/// Exit code: the run finished but some documents failed (see `failed.jsonl`).
pub const EXIT_SOME_FAILED: u8 = 3;
/// Exit code: interrupted (Ctrl-C or SIGTERM); no output file was written.
pub const EXIT_INTERRUPTED: u8 = 130;

#[derive(Parser, Debug)]
#[command(
    name = "stancegraph",
    version,
    about = "Who said what, about whom: news articles to a knowledge graph of actors, quotes and stances",
    after_help = "Exit codes: 0 all documents processed; 3 some documents failed (listed in failed.jsonl); \
2 configuration or usage error; 1 other fatal error; 130 interrupted (Ctrl-C, SIGTERM)."
)]
struct Cli {
    /// Directory with models and lexicons; its files override the embedded ones (default:
    /// $STANCEGRAPH_DATA, else the models compiled into the binary).
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run a pipeline over inputs; write documents.jsonl, graph.json and configured exports.
    Run(RunArgs),
    /// Run a pipeline and print annotated documents as JSONL on stdout.
    Annotate(AnnotateArgs),
    /// Check a config and print every problem with its path.
    Validate { file: PathBuf },
    /// Show the resolved config and the stage table (name, factory, requires, produces).
    Explain { file: Option<PathBuf> },
    /// List every registered stage with its example config.
    ListStages,
    /// Convert a graph.json into another format.
    Export(areas::graph::ExportArgs),
    /// Merge the graph.json of several runs (any order or grouping gives the same graph);
    /// write graph.json, the configured exports and the report.
    Merge(merge::MergeArgs),
    /// Train a model shipped under data/models/.
    #[command(subcommand)]
    Train(TrainTask),
    /// Score a component on a dataset; the last line printed is one JSON object.
    #[command(subcommand)]
    Eval(EvalTask),
}

#[derive(clap::Args, Debug)]
struct RunArgs {
    /// Pipeline config (default: the embedded configs/default.toml).
    #[arg(long)]
    config: Option<PathBuf>,
    /// Output directory.
    #[arg(long, default_value = "out")]
    out: PathBuf,
    /// Worker threads; 0 means one per core (default: [runner] workers, else one per core).
    #[arg(long)]
    workers: Option<usize>,
    /// Add the documents to this existing graph.json instead of starting empty.
    #[arg(long)]
    graph: Option<PathBuf>,
    /// Print documents, words, seconds and words/s as one JSON line at the end.
    #[arg(long)]
    stats: bool,
    /// Files, directories (recursive), globs, or `-` for stdin.
    #[arg(required = true)]
    inputs: Vec<String>,
}

#[derive(clap::Args, Debug)]
struct AnnotateArgs {
    #[arg(long)]
    config: Option<PathBuf>,
    #[arg(long)]
    workers: Option<usize>,
    #[arg(required = true)]
    inputs: Vec<String>,
}

#[derive(Subcommand, Debug)]
enum TrainTask {
    #[command(flatten)]
    Text(areas::text::Train),
    #[command(flatten)]
    Entities(areas::entities::Train),
    #[command(flatten)]
    Quotes(areas::quotes::Train),
    #[command(flatten)]
    Relations(areas::relations::Train),
    #[cfg(feature = "bert")]
    #[command(flatten)]
    Encoder(areas::encoder::Train),
}

#[derive(Subcommand, Debug)]
enum EvalTask {
    #[command(flatten)]
    Ingest(areas::ingest::Eval),
    #[command(flatten)]
    Text(areas::text::Eval),
    #[command(flatten)]
    Entities(areas::entities::Eval),
    #[command(flatten)]
    Quotes(areas::quotes::Eval),
    #[command(flatten)]
    Relations(areas::relations::Eval),
}

/// Every built-in stage.
pub fn builtin_registry() -> Registry {
    let mut registry = Registry::new();
    stancegraph_ingest::register(&mut registry);
    stancegraph_text::register(&mut registry);
    stancegraph_entities::register(&mut registry);
    stancegraph_quotes::register(&mut registry);
    stancegraph_relations::register(&mut registry);
    stancegraph_exec::register(&mut registry);
    stancegraph_bert::register(&mut registry);
    #[cfg(feature = "encoder")]
    stancegraph_encoder::register(&mut registry);
    registry
}

/// `--data-dir` as given on the command line, for the commands that resolve the data
/// directory themselves (`train`, `eval`).
static DATA_DIR_FLAG: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();

/// The data directory, the same for every command: `explicit`, else `--data-dir`, else
/// `$STANCEGRAPH_DATA`, else the models compiled into the binary (feature `embed`), else
/// the project's `data/` (found from the build location), else `./data`. A file missing
/// from a given directory falls back to its embedded copy.
pub fn data_dir(explicit: Option<&Path>) -> PathBuf {
    stancegraph_assets::data_dir(explicit.or(DATA_DIR_FLAG.get().map(PathBuf::as_path)))
}

/// Runs the CLI with the built-in stages.
pub fn main_entry() -> ExitCode {
    run_with(|_| {})
}

/// Runs the CLI with the built-in stages plus those `extend` registers (plugins).
pub fn run_with(extend: impl FnOnce(&mut Registry)) -> ExitCode {
    ExitCode::from(run_args_with(std::env::args_os(), extend))
}

/// [`run_with`] on explicit arguments (the program name first), returning the exit code:
/// what `python -m stancegraph` calls.
pub fn run_args_with(
    args: impl IntoIterator<Item = std::ffi::OsString>,
    extend: impl FnOnce(&mut Registry),
) -> u8 {
    let cli = Cli::parse_from(args);
    let mut registry = builtin_registry();
    extend(&mut registry);
    match dispatch(cli, registry) {
        Ok(code) => code,
        Err(error) => {
            let config_error = error
                .downcast_ref::<RunnerError>()
                .is_some_and(|e| matches!(e, RunnerError::Config { .. }))
                || error.downcast_ref::<UsageError>().is_some();
            eprintln!("error: {}", error_chain(&error));
            if config_error {
                EXIT_CONFIG
            } else {
                EXIT_ERROR
            }
        }
    }
}

/// The error and its causes on one line, each cause once: many errors already end with
/// their source's text (`out/x: Permission denied`), which `{:#}` would print again.
fn error_chain(error: &anyhow::Error) -> String {
    let mut message = String::new();
    for cause in error.chain() {
        let text = cause.to_string();
        if message.is_empty() {
            message = text;
        } else if !message.ends_with(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
    }
    message
}

/// Resolves when the process is asked to stop: Ctrl-C (SIGINT) or, on Unix, SIGTERM.
/// A signal whose handler cannot be installed never resolves.
async fn stop_requested() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let terminate = async {
            match signal(SignalKind::terminate()) {
                Ok(mut stream) => {
                    stream.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            _ = interrupt => {}
            _ = terminate => {}
        }
    }
    #[cfg(not(unix))]
    interrupt.await;
}

fn dispatch(cli: Cli, registry: Registry) -> anyhow::Result<u8> {
    if let Some(dir) = &cli.data_dir {
        let _ = DATA_DIR_FLAG.set(dir.clone());
    }
    let data_dir = data_dir(None);
    match cli.command {
        Command::Run(args) => {
            let options = RunOptions {
                inputs: expand_inputs(&args.inputs)?,
                out_dir: args.out.clone(),
                workers: 0,
                progress: std::io::stderr().is_terminal(),
                existing_graph: args.graph.clone(),
                sink: DocumentsSink::Files,
            };
            execute(
                &registry,
                &data_dir,
                args.config.as_deref(),
                args.workers,
                options,
                args.stats,
            )
        }
        Command::Annotate(args) => {
            let options = RunOptions {
                inputs: expand_inputs(&args.inputs)?,
                out_dir: PathBuf::from("."),
                workers: 0,
                progress: false,
                existing_graph: None,
                sink: DocumentsSink::Stdout,
            };
            execute(
                &registry,
                &data_dir,
                args.config.as_deref(),
                args.workers,
                options,
                false,
            )
        }
        Command::Validate { file } => {
            let checked = load_config(&ConfigSource::File(file.clone()), &registry, true).and_then(
                |config| {
                    let issues = data_files::model_file_issues(&config, &registry, &data_dir);
                    if issues.is_empty() {
                        Ok(config)
                    } else {
                        Err(RunnerError::Config {
                            origin: Some(config.origin.clone()),
                            issues,
                        })
                    }
                },
            );
            match checked {
                Ok(config) => {
                    println!(
                        "{}: ok ({} stages, {} exports)",
                        file.display(),
                        config.stages.len(),
                        config.exports.len()
                    );
                    Ok(EXIT_OK)
                }
                Err(RunnerError::Config { origin, issues }) => {
                    eprintln!(
                        "{}: {} problem(s):",
                        origin.unwrap_or_else(|| file.display().to_string()),
                        issues.len()
                    );
                    for issue in issues {
                        eprintln!("  {issue}");
                    }
                    Ok(EXIT_CONFIG)
                }
                Err(other) => Err(other.into()),
            }
        }
        Command::Explain { file } => {
            let config = load_config(&config_source(file.as_deref()), &registry, true)?;
            let context = BuildContext {
                data_dir: data_dir.clone(),
                config_path: String::new(),
            };
            let pipeline = Pipeline::build(&config, &registry, &context)?;
            println!("# config: {}", config.origin);
            println!("# data dir: {}", data_dir.display());
            println!(
                "{:<10} {:<22} {:<8} {:<40} produces",
                "path", "stage", "version", "requires"
            );
            for row in pipeline.summary() {
                println!(
                    "{:<10} {:<22} {:<8} {:<40} {}",
                    row.path,
                    row.factory,
                    row.version,
                    row.requires.join(","),
                    row.produces.join(",")
                );
            }
            println!("\n# resolved config");
            let resolved = serde_json::json!({
                "source": config.source,
                "runner": config.runner,
                "output": config.output,
                "stages": pipeline.summary().iter().map(|s| serde_json::json!({"stage": s.factory, "config": s.config, "config_hash": s.config_hash})).collect::<Vec<_>>(),
                "exports": config.exports,
            });
            println!("{}", serde_json::to_string_pretty(&resolved)?);
            Ok(EXIT_OK)
        }
        Command::ListStages => {
            for factory in registry.factories() {
                let io = factory.io(&serde_json::Value::Object(Default::default()));
                println!(
                    "{} (v{}): {}",
                    factory.name(),
                    factory.version(),
                    factory.description()
                );
                println!(
                    "  requires: {}",
                    if io.requires.is_empty() {
                        "-".into()
                    } else {
                        io.requires.join(", ")
                    }
                );
                println!("  produces: {}", io.produces.join(", "));
                println!(
                    "  example:\n    [[stages]]\n    stage = \"{}\"",
                    factory.name()
                );
                for line in factory.example_config().lines() {
                    println!("    {line}");
                }
                println!();
            }
            Ok(EXIT_OK)
        }
        Command::Export(args) => areas::graph::export(args).map(|_| EXIT_OK),
        Command::Merge(args) => merge::command(args, &registry).map(|_| EXIT_OK),
        Command::Train(task) => match task {
            TrainTask::Text(cmd) => areas::text::train(cmd),
            TrainTask::Entities(cmd) => areas::entities::train(cmd),
            TrainTask::Quotes(cmd) => areas::quotes::train(cmd),
            TrainTask::Relations(cmd) => areas::relations::train(cmd),
            #[cfg(feature = "bert")]
            TrainTask::Encoder(cmd) => areas::encoder::train(cmd),
        }
        .map(|_| EXIT_OK),
        Command::Eval(task) => match task {
            EvalTask::Ingest(cmd) => areas::ingest::eval(cmd),
            EvalTask::Text(cmd) => areas::text::eval(cmd),
            EvalTask::Entities(cmd) => areas::entities::eval(cmd),
            EvalTask::Quotes(cmd) => areas::quotes::eval(cmd),
            EvalTask::Relations(cmd) => areas::relations::eval(cmd),
        }
        .map(|_| EXIT_OK),
    }
}

/// A mistake in how the command was called (exit code 2).
#[derive(Debug)]
struct UsageError(String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

fn config_source(file: Option<&Path>) -> ConfigSource {
    match file {
        Some(path) => ConfigSource::File(path.to_path_buf()),
        None => ConfigSource::Embedded {
            name: "configs/default.toml (embedded)".into(),
            toml: DEFAULT_CONFIG.into(),
        },
    }
}

fn execute(
    registry: &Registry,
    data_dir: &Path,
    config_file: Option<&Path>,
    workers: Option<usize>,
    mut options: RunOptions,
    stats: bool,
) -> anyhow::Result<u8> {
    if workers.is_some_and(|n| n > MAX_WORKERS) {
        return Err(UsageError(format!("--workers must be at most {MAX_WORKERS}")).into());
    }
    let config = load_config(&config_source(config_file), registry, true)?;
    let context = BuildContext {
        data_dir: data_dir.to_path_buf(),
        config_path: String::new(),
    };
    let pipeline = Arc::new(Pipeline::build(&config, registry, &context)?);
    let ingestor = Arc::new(Ingestor::new(config.source.clone()).context("configuring [source]")?);
    // `--workers 0` means what `workers = 0` means in the config: one per core (the
    // runner resolves 0 the same way for both).
    options.workers = workers.unwrap_or(config.runner.workers);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let cancel = Arc::new(AtomicBool::new(false));
    let outcome = runtime.block_on(async {
        let flag = Arc::clone(&cancel);
        tokio::spawn(async move {
            stop_requested().await;
            flag.store(true, Ordering::Relaxed);
            // Plugins are killed now: a worker waiting on one must not wait out its timeout.
            stancegraph_exec::stop_all();
            eprintln!("stopping: no output will be written (signal again to exit at once)");
            stop_requested().await;
            std::process::exit(i32::from(EXIT_INTERRUPTED));
        });
        stancegraph_runner::run(pipeline, ingestor, &config, options, Arc::clone(&cancel)).await
    })?;
    runtime.shutdown_background();
    match outcome {
        RunOutcome::Cancelled(summary) => {
            eprintln!(
                "interrupted after {} documents; no output written",
                summary.documents + summary.failed
            );
            Ok(EXIT_INTERRUPTED)
        }
        RunOutcome::Completed(summary) => {
            for path in &summary.written {
                eprintln!("wrote {}", path.display());
            }
            if summary.failed > 0 {
                eprintln!(
                    "{} of {} documents failed (see failed.jsonl)",
                    summary.failed,
                    summary.failed + summary.documents
                );
            }
            if stats {
                println!("{}", serde_json::to_string(&summary)?);
            }
            Ok(if summary.failed > 0 {
                EXIT_SOME_FAILED
            } else {
                EXIT_OK
            })
        }
    }
}

/// Files and directories as given; patterns with `*`, `?` or `[` that name no existing
/// path are expanded as globs; `-` is stdin.
fn expand_inputs(raw: &[String]) -> anyhow::Result<Vec<Input>> {
    let mut inputs = Vec::new();
    for item in raw {
        if item == "-" {
            inputs.push(Input::Stdin);
        } else if !Path::new(item).exists() && item.contains(['*', '?', '[']) {
            let mut matched: Vec<PathBuf> = glob::glob(item)
                .map_err(|e| UsageError(format!("bad glob pattern `{item}`: {e}")))?
                .filter_map(Result::ok)
                .collect();
            matched.sort();
            if matched.is_empty() {
                return Err(UsageError(format!("no file matches `{item}`")).into());
            }
            inputs.extend(matched.into_iter().map(Input::Path));
        } else {
            inputs.push(Input::Path(PathBuf::from(item)));
        }
    }
    Ok(inputs)
}
