//! The read state: events leave in input order, while HTML extraction (the slow part of
//! reading) may run on threads of its own so that one slow page never stalls the source.
//!
//! Every event goes through a short queue. An extraction job holds its place in the
//! queue while it runs; events behind it wait, so the order of events (and so which of
//! two duplicates is kept) does not depend on timing. A job that runs past the time
//! budget gives its place up as a failure; its thread is left to finish on its own
//! (the page limits of [`crate::html_limits`] bound how long that can be).

use std::collections::VecDeque;
use std::ops::ControlFlow;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use stancegraph_core::Document;

use crate::{dedup::Deduplicator, failed, identify_language, IngestEvent, Ingestor};

/// A document, or `(id, reason)` why there is none.
pub(crate) type DocResult = Result<Document, (String, String)>;

/// Work that turns raw input into a document (HTML extraction).
pub(crate) type Job = Box<dyn FnOnce() -> DocResult + Send + 'static>;

/// How HTML extraction runs during [`Ingestor::read_with`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ExtractOptions {
    /// Pages extracted at the same time, each on a thread of its own; 0 extracts on the
    /// reading thread.
    pub threads: usize,
    /// Time one page may take before it fails (`None`: no limit). Only enforced when
    /// `threads > 0`.
    pub budget: Option<Duration>,
}

enum Slot {
    /// Ready to pass on as it is.
    Event(IngestEvent),
    /// Read; language and duplicate checks still to do, in order.
    Finish(Box<DocResult>),
    /// An extraction job on its own thread.
    Running {
        result: mpsc::Receiver<DocResult>,
        id: String,
        source: String,
        started: Instant,
    },
}

/// Per-read state: the order queue and what was seen, for duplicate detection.
pub(crate) struct ReadState<'a> {
    ing: &'a Ingestor,
    dedup: Option<Deduplicator>,
    sink: &'a mut dyn FnMut(IngestEvent) -> ControlFlow<()>,
    queue: VecDeque<Slot>,
    running: usize,
    options: ExtractOptions,
}

impl<'a> ReadState<'a> {
    pub(crate) fn new(
        ing: &'a Ingestor,
        options: ExtractOptions,
        sink: &'a mut dyn FnMut(IngestEvent) -> ControlFlow<()>,
    ) -> Self {
        ReadState {
            ing,
            dedup: ing
                .config
                .dedup
                .then(|| Deduplicator::new(ing.config.near_duplicate_similarity)),
            sink,
            queue: VecDeque::new(),
            running: 0,
            options,
        }
    }

    /// Passes an event on, after everything read before it.
    pub(crate) fn emit(&mut self, event: IngestEvent) -> ControlFlow<()> {
        if self.queue.is_empty() {
            return (self.sink)(event);
        }
        self.queue.push_back(Slot::Event(event));
        self.pump(false)
    }

    /// Language identification and duplicate detection (in input order), then emits.
    pub(crate) fn finish(&mut self, result: DocResult) -> ControlFlow<()> {
        if self.queue.is_empty() {
            return self.finish_now(result);
        }
        self.queue.push_back(Slot::Finish(Box::new(result)));
        self.pump(false)
    }

    /// Runs `job` (HTML extraction) on a thread of its own when allowed, else here.
    /// `id` and `source` name the document in a failure.
    pub(crate) fn extract(&mut self, id: String, source: String, job: Job) -> ControlFlow<()> {
        if self.options.threads == 0 {
            return match job() {
                Err((id, reason)) => self.emit(failed(&id, &source, reason)),
                done => self.finish(done),
            };
        }
        // Make room first: at most `threads` jobs run at once.
        while self.running >= self.options.threads {
            self.wait_for_head()?;
        }
        let (sender, receiver) = mpsc::channel();
        let spawned = std::thread::Builder::new()
            .name("stancegraph-extract".into())
            .spawn(move || {
                // The receiver is gone when the job ran out of time: nothing to do.
                let _ = sender.send(job());
            });
        if let Err(e) = spawned {
            return self.emit(failed(
                &id,
                &source,
                format!("cannot start an extraction thread: {e}"),
            ));
        }
        self.running += 1;
        self.queue.push_back(Slot::Running {
            result: receiver,
            id,
            source,
            started: Instant::now(),
        });
        self.pump(false)
    }

    /// Passes on everything still queued, waiting for running jobs.
    pub(crate) fn drain(&mut self) -> ControlFlow<()> {
        while !self.queue.is_empty() {
            self.pump(true)?;
        }
        ControlFlow::Continue(())
    }

    /// Passes on the ready head of the queue; with `wait`, also waits for a running head.
    fn pump(&mut self, wait: bool) -> ControlFlow<()> {
        loop {
            match self.queue.front() {
                None => return ControlFlow::Continue(()),
                Some(Slot::Running { result, source, .. }) => match result.try_recv() {
                    Ok(done) => {
                        let source = source.clone();
                        self.pop_running();
                        self.finish_extracted(done, &source)?;
                    }
                    Err(mpsc::TryRecvError::Empty) if !wait => {
                        // Bound the queue: events behind a running job wait, but not
                        // without limit.
                        if self.queue.len() <= 4 * self.options.threads.max(1) {
                            return ControlFlow::Continue(());
                        }
                        self.wait_for_head()?;
                    }
                    Err(_) => self.wait_for_head()?,
                },
                Some(_) => match self.queue.pop_front() {
                    Some(Slot::Event(event)) => (self.sink)(event)?,
                    Some(Slot::Finish(result)) => self.finish_now(*result)?,
                    _ => {}
                },
            }
        }
    }

    /// Waits for the running job at the head of the queue, within its time budget.
    fn wait_for_head(&mut self) -> ControlFlow<()> {
        let Some(Slot::Running {
            result,
            id,
            source,
            started,
        }) = self.queue.front()
        else {
            // Not a running job: the next pump passes it on.
            return match self.queue.pop_front() {
                Some(Slot::Event(event)) => (self.sink)(event),
                Some(Slot::Finish(result)) => self.finish_now(*result),
                _ => ControlFlow::Continue(()),
            };
        };
        let outcome = match self.options.budget {
            Some(budget) => {
                let left = budget.saturating_sub(started.elapsed());
                result.recv_timeout(left).map_err(|e| match e {
                    mpsc::RecvTimeoutError::Timeout => format!(
                        "HTML extraction took longer than the time budget of {} s \
                         (runner.document_seconds); the page was given up",
                        budget.as_secs_f64()
                    ),
                    mpsc::RecvTimeoutError::Disconnected => "HTML extraction panicked".into(),
                })
            }
            None => result
                .recv()
                .map_err(|_| "HTML extraction panicked".to_string()),
        };
        let (id, source) = (id.clone(), source.clone());
        self.pop_running();
        match outcome {
            Ok(done) => self.finish_extracted(done, &source),
            Err(reason) => (self.sink)(failed(&id, &source, reason)),
        }
    }

    /// A finished job's result: a failure names the input it came from.
    fn finish_extracted(&mut self, done: DocResult, source: &str) -> ControlFlow<()> {
        match done {
            Err((id, reason)) => (self.sink)(failed(&id, source, reason)),
            done => self.finish_now(done),
        }
    }

    fn pop_running(&mut self) {
        if let Some(Slot::Running { .. }) = self.queue.pop_front() {
            self.running -= 1;
        }
    }

    fn finish_now(&mut self, result: DocResult) -> ControlFlow<()> {
        let config = &self.ing.config;
        let mut doc = match result {
            Ok(doc) => doc,
            Err((id, reason)) => {
                let source = id.clone();
                return (self.sink)(failed(&id, &source, reason));
            }
        };
        let source = doc
            .metadata
            .source
            .clone()
            .unwrap_or_else(|| doc.id.clone());
        let min_chars = config.min_chars.max(1);
        if doc
            .text()
            .chars()
            .filter(|c| !c.is_whitespace())
            .take(min_chars)
            .count()
            < min_chars
        {
            return (self.sink)(failed(&doc.id, &source, "empty document".into()));
        }
        if let Some((language, reliable)) = identify_language(doc.text()) {
            doc.metadata.language = Some(language.clone());
            if reliable
                && config.skip_other_languages
                && !config.languages.iter().any(|l| l == &language)
            {
                let reason = format!(
                    "language `{language}` is not in source.languages {:?}",
                    config.languages
                );
                return (self.sink)(IngestEvent::Skipped {
                    id: doc.id,
                    source,
                    reason,
                });
            }
        }
        if let Some(dedup) = &mut self.dedup {
            if let Some(duplicate) = dedup.check(&doc.id, doc.text()) {
                return (self.sink)(IngestEvent::Skipped {
                    id: doc.id,
                    source,
                    reason: duplicate.reason(),
                });
            }
        }
        (self.sink)(IngestEvent::Document(Box::new(doc)))
    }
}
