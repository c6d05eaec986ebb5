//! The consuming edge of a run: restores input order, writes `documents.jsonl`,
//! `failed.jsonl` and `skipped.jsonl` (or stdout and stderr), merges the knowledge graph,
//! and at the end writes `graph.json` and the exports, all atomically.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use stancegraph_graph::KnowledgeGraph;

use crate::{
    config::PipelineConfig,
    output::AtomicOutputs,
    run::{DocumentsSink, RunOptions, RunSummary},
    workers::Outcome,
    RunnerError,
};

/// Everything the sink holds during a run.
pub(crate) struct Sink<'a> {
    config: &'a PipelineConfig,
    graph: KnowledgeGraph,
    /// Whether documents are merged into the graph (files sink with a graph or exports).
    build_graph: bool,
    /// The output directory's files; `None` for the stdout sink.
    outputs: Option<AtomicOutputs>,
    summary: RunSummary,
    /// Outcomes that arrived before an earlier one, by sequence number.
    pending: BTreeMap<u64, Outcome>,
    next: u64,
    /// The first write error; later outcomes are drained and dropped.
    error: Option<RunnerError>,
}

impl<'a> Sink<'a> {
    /// Loads the graph to extend (if any) and opens the output directory.
    pub(crate) fn open(
        config: &'a PipelineConfig,
        options: &RunOptions,
        workers: usize,
    ) -> Result<Self, RunnerError> {
        // `[graph]` applies to the documents of this run (a loaded graph keeps what it has).
        let graph = match &options.existing_graph {
            Some(path) => load_graph(path)?,
            None => KnowledgeGraph::new(),
        }
        .with_options(config.graph);
        let files = options.sink == DocumentsSink::Files;
        let outputs = if files {
            Some(AtomicOutputs::new(&options.out_dir)?)
        } else {
            None
        };
        Ok(Sink {
            config,
            graph,
            build_graph: files && (config.output.graph || !config.exports.is_empty()),
            outputs,
            summary: RunSummary {
                workers,
                ..RunSummary::default()
            },
            pending: BTreeMap::new(),
            next: 0,
            error: None,
        })
    }

    /// Takes the outcome of input `seq` and writes every outcome that is now next in
    /// input order. Returns true when a write just failed: the caller stops the source.
    pub(crate) fn accept(
        &mut self,
        seq: u64,
        outcome: Outcome,
        progress: &indicatif::ProgressBar,
    ) -> bool {
        self.pending.insert(seq, outcome);
        let mut failed_now = false;
        while let Some(outcome) = self.pending.remove(&self.next) {
            self.next += 1;
            progress.inc(1);
            if self.error.is_some() {
                continue;
            }
            if let Err(e) = self.write(outcome, progress) {
                self.error = Some(e);
                failed_now = true;
            }
        }
        failed_now
    }

    fn write(
        &mut self,
        outcome: Outcome,
        progress: &indicatif::ProgressBar,
    ) -> Result<(), RunnerError> {
        match outcome {
            Outcome::Processed { line, words, doc } => {
                self.summary.documents += 1;
                self.summary.words += words;
                if self.build_graph {
                    self.graph.merge_document(&doc);
                }
                match self.outputs.as_mut() {
                    Some(out) if self.config.output.documents => {
                        write_line(out, "documents.jsonl", &line)
                    }
                    Some(_) => Ok(()),
                    None => writeln!(std::io::stdout().lock(), "{line}")
                        .map_err(|e| RunnerError::io("stdout", e)),
                }
            }
            Outcome::Failed(failure) => {
                self.summary.failed += 1;
                progress.set_message(format!("{} failed", self.summary.failed));
                let line = serde_json::to_string(&failure).unwrap_or_default();
                self.report("failed", &line)
            }
            Outcome::Skipped(skip) => {
                self.summary.skipped += 1;
                let line = serde_json::to_string(&skip).unwrap_or_default();
                self.report("skipped", &line)
            }
        }
    }

    /// A failure or skip: a line of `<kind>.jsonl`, or `<kind>: line` on stderr.
    fn report(&mut self, kind: &str, line: &str) -> Result<(), RunnerError> {
        match self.outputs.as_mut() {
            Some(out) => write_line(out, &format!("{kind}.jsonl"), line),
            None => writeln!(std::io::stderr(), "{kind}: {line}")
                .map_err(|e| RunnerError::io("stderr", e)),
        }
    }

    /// The first write error of the run, if any.
    pub(crate) fn take_error(&mut self) -> Option<RunnerError> {
        self.error.take()
    }

    /// Ends the run: a cancelled run writes nothing; a completed one writes the report
    /// files, `graph.json` and the exports and commits them all at once.
    pub(crate) fn finish(
        self,
        seconds: f64,
        cancelled: bool,
    ) -> Result<super::RunOutcome, RunnerError> {
        let mut summary = self.summary;
        summary.seconds = seconds;
        summary.words_per_s = if seconds > 0.0 {
            summary.words as f64 / seconds
        } else {
            0.0
        };
        if cancelled {
            if let Some(out) = self.outputs {
                out.abandon();
            }
            return Ok(super::RunOutcome::Cancelled(summary));
        }
        if let Some(mut out) = self.outputs {
            // Always (re)write the per-run report files, even when empty, so no stale file
            // from an earlier run is mistaken for this run's.
            for name in ["failed.jsonl", "skipped.jsonl"] {
                out.writer(name)?;
            }
            if self.config.output.documents {
                out.writer("documents.jsonl")?;
            }
            // The merged graph is consumed into its view: evidence moves, nothing is copied.
            let view = self.graph.into_view();
            if self.config.output.graph {
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
            for spec in &self.config.exports {
                stancegraph_graph::write_view(&view, spec, &mut out).map_err(|e| {
                    RunnerError::Serialize {
                        doc: "graph export".into(),
                        message: e.to_string(),
                    }
                })?;
            }
            summary.written = out.commit()?;
        }
        Ok(super::RunOutcome::Completed(summary))
    }
}

fn write_line(out: &mut AtomicOutputs, name: &str, line: &str) -> Result<(), RunnerError> {
    let writer = out.writer(name)?;
    writer
        .write_all(line.as_bytes())
        .and_then(|_| writer.write_all(b"\n"))
        .map_err(|e| RunnerError::io(name, e))
}

fn load_graph(path: &Path) -> Result<KnowledgeGraph, RunnerError> {
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

#[cfg(test)]
mod tests {
    use stancegraph_graph::GraphOptions;
    use stancegraph_ingest::IngestConfig;

    use super::Sink;
    use crate::config::{OutputSettings, PipelineConfig, RunnerSettings};
    use crate::run::{DocumentsSink, RunOptions};

    #[test]
    fn the_graph_of_a_run_takes_the_graph_section() {
        for said_sentiment in [false, true] {
            let config = PipelineConfig {
                origin: "test".into(),
                source: IngestConfig::default(),
                runner: RunnerSettings::default(),
                output: OutputSettings::default(),
                graph: GraphOptions { said_sentiment },
                stages: Vec::new(),
                exports: Vec::new(),
            };
            let options = RunOptions {
                inputs: Vec::new(),
                out_dir: std::env::temp_dir(),
                workers: 1,
                progress: false,
                existing_graph: None,
                sink: DocumentsSink::Stdout,
            };
            let sink = Sink::open(&config, &options, 1).expect("a stdout sink opens");
            assert_eq!(sink.graph.options(), config.graph);
        }
    }
}
