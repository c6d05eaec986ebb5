//! Executing a pipeline over inputs: the source ([`crate::workers::spawn_source`]) →
//! bounded channel → worker threads ([`crate::workers::spawn_workers`]) → bounded channel →
//! the [`Sink`], which restores input order and writes every output atomically.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use stancegraph_ingest::{ExtractOptions, Ingestor, Input};

use crate::{
    config::{PipelineConfig, RunnerSettings, MAX_BATCH_SIZE, MAX_QUEUE_PER_WORKER},
    pipeline::Pipeline,
    sink::Sink,
    workers::{spawn_source, spawn_workers, Outcome, SourceItem},
    RunnerError,
};

/// Where annotated documents go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentsSink {
    /// `documents.jsonl`, `graph.json`, exports, `failed.jsonl` and `skipped.jsonl` in the output directory.
    Files,
    /// Documents JSONL on stdout, failures on stderr (the `annotate` command).
    Stdout,
}

/// What one run reads and where it writes; the rest comes from the [`PipelineConfig`].
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Files, directories or stdin, read in this order.
    pub inputs: Vec<Input>,
    /// The output directory (created and locked); unused when `sink` is `Stdout`.
    pub out_dir: PathBuf,
    /// Worker threads; 0 means one per available core (as `runner.workers = 0`).
    pub workers: usize,
    /// Show a progress bar (only drawn when stderr is a terminal).
    pub progress: bool,
    /// An existing `graph.json` to add the new documents to.
    pub existing_graph: Option<PathBuf>,
    /// Whether results go to files in `out_dir` or to stdout/stderr.
    pub sink: DocumentsSink,
}

/// Counts of a run, printed by `--stats` as one JSON line.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RunSummary {
    /// Documents that went through every stage.
    pub documents: usize,
    /// Documents that failed in ingest or a stage (lines of `failed.jsonl`).
    pub failed: usize,
    /// Inputs skipped as duplicates or other languages (lines of `skipped.jsonl`).
    pub skipped: usize,
    /// Words of the processed documents, as counted by `Document::word_count`.
    pub words: usize,
    /// Wall-clock time of the whole run, in seconds.
    pub seconds: f64,
    /// `words / seconds` (0 when no time passed).
    pub words_per_s: f64,
    /// Worker threads the run used, after resolving 0 to the core count.
    pub workers: usize,
    /// Final paths of the files committed to the output directory (empty if cancelled).
    #[serde(skip)]
    pub written: Vec<PathBuf>,
}

/// How a run ended; both carry the counts so far.
#[derive(Debug, Clone, PartialEq)]
pub enum RunOutcome {
    /// Every input was read and the outputs (files or stdout) were written.
    Completed(RunSummary),
    /// Stopped by the cancel flag (Ctrl-C); no output file was written.
    Cancelled(RunSummary),
}

/// Runs `pipeline` over the inputs. Output order and content do not depend on the number
/// of workers or the batch size: the sink restores input order before writing or merging
/// anything.
pub async fn run(
    pipeline: Arc<Pipeline>,
    ingestor: Arc<Ingestor>,
    config: &PipelineConfig,
    options: RunOptions,
    cancel: Arc<AtomicBool>,
) -> Result<RunOutcome, RunnerError> {
    let started = Instant::now();
    let workers = RunnerSettings::resolve_workers(options.workers);
    // Both factors are bounded (`validate`), and clamped again for configs built in code.
    let capacity = workers
        * config
            .runner
            .queue_per_worker
            .clamp(1, MAX_QUEUE_PER_WORKER);
    let batch_size = config.runner.batch_size.clamp(1, MAX_BATCH_SIZE);
    let (work_tx, work_rx) = async_channel::bounded::<(u64, SourceItem)>(capacity);
    let (done_tx, done_rx) = async_channel::bounded::<(u64, Outcome)>(capacity);
    let mut sink = Sink::open(config, &options, workers)?;

    // HTML extraction runs beside the source, one page per worker at most, within the
    // per-document time budget: one slow page never stalls the others.
    let extract = ExtractOptions {
        threads: workers,
        budget: Some(Duration::from_secs(config.runner.document_seconds.max(1))),
    };
    let source = spawn_source(
        ingestor,
        options.inputs.clone(),
        extract,
        work_tx,
        Arc::clone(&cancel),
    );
    let handles = spawn_workers(workers, batch_size, &pipeline, &work_rx, &done_tx)?;
    drop(done_tx);
    drop(work_rx);

    let progress = progress_bar(options.progress);
    while let Ok((seq, outcome)) = done_rx.recv().await {
        if sink.accept(seq, outcome, &progress) {
            // Stop feeding work; the loop drains the channel so workers can finish.
            cancel.store(true, Ordering::Relaxed);
        }
    }
    progress.finish_and_clear();
    for handle in handles {
        if handle.join().is_err() {
            return Err(RunnerError::Runtime(
                "a worker thread panicked outside a stage".into(),
            ));
        }
    }
    source
        .await
        .map_err(|e| RunnerError::Runtime(format!("source task: {e}")))?;
    if let Some(error) = sink.take_error() {
        return Err(error);
    }
    sink.finish(
        started.elapsed().as_secs_f64(),
        cancel.load(Ordering::Relaxed),
    )
}

/// A spinner on stderr (drawn only when it is a terminal), or a hidden bar.
fn progress_bar(show: bool) -> indicatif::ProgressBar {
    if !show {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {pos} documents ({per_sec}) {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    bar
}
