//! Executing a pipeline over inputs: tokio edges, worker threads, ordered atomic sink.

use std::collections::BTreeMap;
use std::io::Write;
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use stancegraph_core::Document;
use stancegraph_graph::KnowledgeGraph;
use stancegraph_ingest::{ExtractOptions, IngestEvent, Ingestor, Input};

use crate::{
    config::{PipelineConfig, RunnerSettings, MAX_QUEUE_PER_WORKER},
    output::AtomicOutputs,
    pipeline::{DocumentFailure, Pipeline},
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

#[derive(Debug, Clone)]
pub struct RunOptions {
    pub inputs: Vec<Input>,
    pub out_dir: PathBuf,
    /// Worker threads; 0 means one per available core (as `runner.workers = 0`).
    pub workers: usize,
    /// Show a progress bar (only drawn when stderr is a terminal).
    pub progress: bool,
    /// An existing `graph.json` to add the new documents to.
    pub existing_graph: Option<PathBuf>,
    pub sink: DocumentsSink,
}

/// Counts of a run, printed by `--stats` as one JSON line.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RunSummary {
    pub documents: usize,
    pub failed: usize,
    pub skipped: usize,
    pub words: usize,
    pub seconds: f64,
    pub words_per_s: f64,
    pub workers: usize,
    #[serde(skip)]
    pub written: Vec<PathBuf>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum RunOutcome {
    Completed(RunSummary),
    /// Stopped by the cancel flag (Ctrl-C); no output file was written.
    Cancelled(RunSummary),
}

/// A skipped input (duplicate, other language), written to `skipped.jsonl`.
#[derive(Debug, Clone, Serialize)]
struct Skip {
    id: String,
    source: String,
    reason: String,
}

enum SourceItem {
    Document(Box<Document>),
    Failed(DocumentFailure),
    Skipped(Skip),
}

enum Outcome {
    Processed {
        line: String,
        words: usize,
        doc: Box<Document>,
    },
    Failed(DocumentFailure),
    Skipped(Skip),
}

/// Runs `pipeline` over the inputs. Output order and content do not depend on the number
/// of workers: the sink restores input order before writing or merging anything.
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
    let (work_tx, work_rx) = async_channel::bounded::<(u64, SourceItem)>(capacity);
    let (done_tx, done_rx) = async_channel::bounded::<(u64, Outcome)>(capacity);

    let mut graph = match &options.existing_graph {
        Some(path) => load_graph(path)?,
        None => KnowledgeGraph::new(),
    };
    let build_graph =
        options.sink == DocumentsSink::Files && (config.output.graph || !config.exports.is_empty());
    let mut outputs = match options.sink {
        DocumentsSink::Files => Some(AtomicOutputs::new(&options.out_dir)?),
        DocumentsSink::Stdout => None,
    };

    // Source edge: file reading is blocking I/O, so it runs on tokio's blocking pool.
    let inputs = options.inputs.clone();
    let source_cancel = Arc::clone(&cancel);
    // HTML extraction runs beside the source, one page per worker at most, within the
    // per-document time budget: one slow page never stalls the others.
    let extract = ExtractOptions {
        threads: workers,
        budget: Some(Duration::from_secs(config.runner.document_seconds.max(1))),
    };
    let source = tokio::task::spawn_blocking(move || {
        let mut seq = 0u64;
        ingestor.read_with(&inputs, extract, &mut |event| {
            if source_cancel.load(Ordering::Relaxed) {
                return ControlFlow::Break(());
            }
            let item = match event {
                IngestEvent::Document(doc) => SourceItem::Document(doc),
                IngestEvent::Failed { id, source, reason } => SourceItem::Failed(DocumentFailure {
                    id,
                    stage: "ingest".into(),
                    reason,
                    source: Some(source),
                }),
                IngestEvent::Skipped { id, source, reason } => {
                    SourceItem::Skipped(Skip { id, source, reason })
                }
            };
            if work_tx.send_blocking((seq, item)).is_err() {
                return ControlFlow::Break(());
            }
            seq += 1;
            ControlFlow::Continue(())
        });
    });

    // Workers: plain threads, so CPU-bound stages never block the async runtime.
    let mut handles = Vec::with_capacity(workers);
    for index in 0..workers {
        let (rx, tx, pipeline) = (work_rx.clone(), done_tx.clone(), Arc::clone(&pipeline));
        let handle = std::thread::Builder::new()
            .name(format!("stancegraph-worker-{index}"))
            .spawn(move || {
                while let Ok((seq, item)) = rx.recv_blocking() {
                    let outcome = match item {
                        SourceItem::Document(mut doc) => match pipeline.process(&mut doc) {
                            Ok(()) => match doc.to_json_line() {
                                Ok(line) => Outcome::Processed {
                                    line,
                                    words: doc.word_count(),
                                    doc,
                                },
                                Err(e) => Outcome::Failed(DocumentFailure {
                                    id: doc.id.clone(),
                                    stage: "output".into(),
                                    reason: e.to_string(),
                                    source: doc.metadata.source.clone(),
                                }),
                            },
                            Err(failure) => Outcome::Failed(failure),
                        },
                        SourceItem::Failed(failure) => Outcome::Failed(failure),
                        SourceItem::Skipped(skip) => Outcome::Skipped(skip),
                    };
                    if tx.send_blocking((seq, outcome)).is_err() {
                        break;
                    }
                }
            })
            .map_err(|e| RunnerError::Runtime(format!("starting worker thread: {e}")))?;
        handles.push(handle);
    }
    drop(done_tx);
    drop(work_rx);

    let progress = if options.progress {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {pos} documents ({per_sec}) {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };

    // Sink edge: restore input order, then write and merge.
    let mut summary = RunSummary {
        workers,
        ..RunSummary::default()
    };
    let mut pending: BTreeMap<u64, Outcome> = BTreeMap::new();
    let mut next = 0u64;
    let stdout = std::io::stdout();
    let mut sink_error: Option<RunnerError> = None;
    while let Ok((seq, outcome)) = done_rx.recv().await {
        pending.insert(seq, outcome);
        while let Some(outcome) = pending.remove(&next) {
            next += 1;
            progress.inc(1);
            if sink_error.is_some() {
                continue;
            }
            let result = match outcome {
                Outcome::Processed { line, words, doc } => {
                    summary.documents += 1;
                    summary.words += words;
                    if build_graph {
                        graph.merge_document(&doc);
                    }
                    match outputs.as_mut() {
                        Some(out) if config.output.documents => {
                            write_line(out, "documents.jsonl", &line)
                        }
                        Some(_) => Ok(()),
                        None => writeln!(stdout.lock(), "{line}")
                            .map_err(|e| RunnerError::io("stdout", e)),
                    }
                }
                Outcome::Failed(failure) => {
                    summary.failed += 1;
                    progress.set_message(format!("{} failed", summary.failed));
                    let line = serde_json::to_string(&failure).unwrap_or_default();
                    match outputs.as_mut() {
                        Some(out) => write_line(out, "failed.jsonl", &line),
                        None => writeln!(std::io::stderr(), "failed: {line}")
                            .map_err(|e| RunnerError::io("stderr", e)),
                    }
                }
                Outcome::Skipped(skip) => {
                    summary.skipped += 1;
                    let line = serde_json::to_string(&skip).unwrap_or_default();
                    match outputs.as_mut() {
                        Some(out) => write_line(out, "skipped.jsonl", &line),
                        None => writeln!(std::io::stderr(), "skipped: {line}")
                            .map_err(|e| RunnerError::io("stderr", e)),
                    }
                }
            };
            if let Err(e) = result {
                // Stop feeding work; drain the channel so workers can finish.
                cancel.store(true, Ordering::Relaxed);
                sink_error = Some(e);
            }
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
    if let Some(error) = sink_error {
        return Err(error);
    }

    summary.seconds = started.elapsed().as_secs_f64();
    summary.words_per_s = if summary.seconds > 0.0 {
        summary.words as f64 / summary.seconds
    } else {
        0.0
    };
    if cancel.load(Ordering::Relaxed) {
        if let Some(out) = outputs {
            out.abandon();
        }
        return Ok(RunOutcome::Cancelled(summary));
    }
    if let Some(mut out) = outputs {
        // Always (re)write the per-run report files, even when empty, so no stale file
        // from an earlier run is mistaken for this run's.
        for name in ["failed.jsonl", "skipped.jsonl"] {
            out.writer(name)?;
        }
        if config.output.documents {
            out.writer("documents.jsonl")?;
        }
        // The merged graph is consumed into its view: evidence moves, nothing is copied.
        let view = graph.into_view();
        if config.output.graph {
            // Streamed from the view: a `serde_json::Value` of a corpus graph would take
            // several times the memory of the graph itself.
            let writer = out.writer("graph.json")?;
            serde_json::to_writer(&mut *writer, &view).map_err(|e| RunnerError::Serialize {
                doc: "graph".into(),
                message: e.to_string(),
            })?;
            writer
                .write_all(b"\n")
                .map_err(|e| RunnerError::io("graph.json", e))?;
        }
        for spec in &config.exports {
            stancegraph_graph::write_view(&view, spec, &mut out).map_err(|e| {
                RunnerError::Serialize {
                    doc: "graph export".into(),
                    message: e.to_string(),
                }
            })?;
        }
        summary.written = out.commit()?;
    }
    Ok(RunOutcome::Completed(summary))
}

fn write_line(out: &mut AtomicOutputs, name: &str, line: &str) -> Result<(), RunnerError> {
    let writer = out.writer(name)?;
    writer
        .write_all(line.as_bytes())
        .and_then(|_| writer.write_all(b"\n"))
        .map_err(|e| RunnerError::io(name, e))
}

fn load_graph(path: &PathBuf) -> Result<KnowledgeGraph, RunnerError> {
    let text = std::fs::read_to_string(path).map_err(|e| RunnerError::io(path.display(), e))?;
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| RunnerError::Graph {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    KnowledgeGraph::from_node_link(&value).map_err(|e| RunnerError::Graph {
        path: path.display().to_string(),
        message: e.to_string(),
    })
}
