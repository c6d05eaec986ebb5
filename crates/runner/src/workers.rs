//! The two producing edges of a run: the source (ingest, on tokio's blocking pool) and the
//! worker threads that run the stage chain, in batches of up to `runner.batch_size`.

use std::ops::ControlFlow;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;

use serde::Serialize;
use stancegraph_core::Document;
use stancegraph_ingest::{ExtractOptions, IngestEvent, Ingestor, Input};

use crate::{
    pipeline::{DocumentFailure, Pipeline},
    RunnerError,
};

/// A skipped input (duplicate, other language), written to `skipped.jsonl`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Skip {
    pub id: String,
    pub source: String,
    pub reason: String,
}

/// What the source hands to the workers, numbered in input order.
pub(crate) enum SourceItem {
    Document(Box<Document>),
    Failed(DocumentFailure),
    Skipped(Skip),
}

/// What the workers hand to the sink.
pub(crate) enum Outcome {
    Processed {
        line: String,
        words: usize,
        doc: Box<Document>,
    },
    Failed(DocumentFailure),
    Skipped(Skip),
}

/// Reads the inputs on tokio's blocking pool (file reading is blocking I/O) and numbers
/// every event in input order. Stops early when `cancel` is set or the workers are gone.
pub(crate) fn spawn_source(
    ingestor: Arc<Ingestor>,
    inputs: Vec<Input>,
    extract: ExtractOptions,
    work: async_channel::Sender<(u64, SourceItem)>,
    cancel: Arc<AtomicBool>,
) -> tokio::task::JoinHandle<()> {
    tokio::task::spawn_blocking(move || {
        let mut seq = 0u64;
        ingestor.read_with(&inputs, extract, &mut |event| {
            if cancel.load(Ordering::Relaxed) {
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
            if work.send_blocking((seq, item)).is_err() {
                return ControlFlow::Break(());
            }
            seq += 1;
            ControlFlow::Continue(())
        });
    })
}

/// Starts `count` worker threads: plain threads, so CPU-bound stages never block the async
/// runtime. Each takes one item, then whatever else is already queued up to `batch_size`,
/// and runs the documents among them through the pipeline together.
pub(crate) fn spawn_workers(
    count: usize,
    batch_size: usize,
    pipeline: &Arc<Pipeline>,
    work: &async_channel::Receiver<(u64, SourceItem)>,
    done: &async_channel::Sender<(u64, Outcome)>,
) -> Result<Vec<JoinHandle<()>>, RunnerError> {
    (0..count)
        .map(|index| {
            let (work, done, pipeline) = (work.clone(), done.clone(), Arc::clone(pipeline));
            std::thread::Builder::new()
                .name(format!("stancegraph-worker-{index}"))
                .spawn(move || work_loop(&pipeline, batch_size.max(1), &work, &done))
                .map_err(|e| RunnerError::Runtime(format!("starting worker thread: {e}")))
        })
        .collect()
}

fn work_loop(
    pipeline: &Pipeline,
    batch_size: usize,
    work: &async_channel::Receiver<(u64, SourceItem)>,
    done: &async_channel::Sender<(u64, Outcome)>,
) {
    while let Ok(first) = work.recv_blocking() {
        // Never wait for a batch to fill: a slow source gives small batches, not stalls.
        let mut items = vec![first];
        while items.len() < batch_size {
            match work.try_recv() {
                Ok(item) => items.push(item),
                Err(_) => break,
            }
        }
        for (seq, outcome) in process_items(pipeline, items) {
            if done.send_blocking((seq, outcome)).is_err() {
                return;
            }
        }
    }
}

/// Runs the documents among `items` through the pipeline as one batch; failures and skips
/// from the source pass through. The outcomes keep their sequence numbers.
fn process_items(pipeline: &Pipeline, items: Vec<(u64, SourceItem)>) -> Vec<(u64, Outcome)> {
    let mut outcomes = Vec::with_capacity(items.len());
    let mut batch = Vec::new();
    let mut batch_seqs = Vec::new();
    for (seq, item) in items {
        match item {
            SourceItem::Document(doc) => {
                batch.push(*doc);
                batch_seqs.push(seq);
            }
            SourceItem::Failed(failure) => outcomes.push((seq, Outcome::Failed(failure))),
            SourceItem::Skipped(skip) => outcomes.push((seq, Outcome::Skipped(skip))),
        }
    }
    if !batch.is_empty() {
        let results = pipeline.process_batch(batch);
        outcomes.extend(batch_seqs.into_iter().zip(results).map(|(seq, result)| {
            let outcome = match result {
                Ok(doc) => serialised(doc),
                Err(failure) => Outcome::Failed(failure),
            };
            (seq, outcome)
        }));
    }
    outcomes
}

/// A processed document with its `documents.jsonl` line (made here, on the worker).
fn serialised(doc: Document) -> Outcome {
    match doc.to_json_line() {
        Ok(line) => Outcome::Processed {
            line,
            words: doc.word_count(),
            doc: Box::new(doc),
        },
        Err(e) => Outcome::Failed(DocumentFailure {
            id: doc.id.clone(),
            stage: "output".into(),
            reason: e.to_string(),
            source: doc.metadata.source.clone(),
        }),
    }
}
