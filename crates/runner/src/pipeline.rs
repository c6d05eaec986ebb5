//! The built stage chain and per-document fault isolation.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};

use serde::Serialize;
use stancegraph_core::{
    config_hash, BuildContext, Document, Layers, Provenance, Registry, Stage, StageError, StageIo,
};

use crate::{config::PipelineConfig, RunnerError};

struct BuiltStage {
    factory: String,
    path: String,
    io: StageIo,
    stage: Box<dyn Stage>,
    provenance: Provenance,
    resolved: serde_json::Value,
}

/// A row of `explain`: one configured stage.
#[derive(Debug, Clone, Serialize)]
pub struct StageSummary {
    /// Its place in the config, `stages[i]`.
    pub path: String,
    /// The registered stage name.
    pub factory: String,
    /// The factory's version, as recorded in provenance.
    pub version: String,
    /// Layers the stage needs from earlier stages.
    pub requires: Layers,
    /// Layers the stage adds to each document.
    pub produces: Layers,
    /// Hash of `config` (first 16 hex digits of its SHA-256), as recorded in provenance.
    pub config_hash: String,
    /// The stage's config with every default filled in (`null` for stages built in code).
    pub config: serde_json::Value,
}

/// Why one document could not be processed. Written to `failed.jsonl`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentFailure {
    /// The document's id (for input errors, the path or `path:line` when it had none).
    pub id: String,
    /// The failing stage's registered name (`ingest` for input errors).
    pub stage: String,
    /// What went wrong, in words (error, panic message, budget exceeded).
    pub reason: String,
    /// Where the document came from (path or URL), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// The configured chain of stages, shared by all workers.
pub struct Pipeline {
    stages: Vec<BuiltStage>,
    /// Time one document may take in the stages (`runner.document_seconds`).
    budget: Option<Duration>,
    /// Tokens one document may have (`runner.max_tokens`).
    max_tokens: Option<usize>,
}

impl Pipeline {
    /// Builds every stage of a validated config (loading models). All build failures are
    /// reported together.
    pub fn build(
        config: &PipelineConfig,
        registry: &Registry,
        context: &BuildContext,
    ) -> Result<Pipeline, RunnerError> {
        let mut stages = Vec::new();
        let mut issues = Vec::new();
        for stage_config in &config.stages {
            let Some(factory) = registry.get(&stage_config.factory) else {
                issues.push(stancegraph_core::ConfigIssue::new(
                    format!("{}.stage", stage_config.path),
                    format!("unknown stage `{}`", stage_config.factory),
                ));
                continue;
            };
            let context = BuildContext {
                config_path: stage_config.path.clone(),
                ..context.clone()
            };
            let resolved = match factory.resolved_config(&stage_config.config) {
                Ok(resolved) => resolved,
                Err(problems) => {
                    issues.extend(problems.into_iter().map(|i| i.under(&stage_config.path)));
                    continue;
                }
            };
            match factory.build(&stage_config.config, &context) {
                Ok(stage) => {
                    let io = factory.io(&stage_config.config);
                    stages.push(BuiltStage {
                        factory: factory.name().to_string(),
                        path: stage_config.path.clone(),
                        provenance: Provenance {
                            stage: factory.name().to_string(),
                            version: factory.version().to_string(),
                            config_hash: config_hash(&resolved),
                            layers: io.produces.iter().map(|l| l.to_string()).collect(),
                        },
                        io,
                        stage,
                        resolved,
                    })
                }
                Err(e) => issues.push(stancegraph_core::ConfigIssue::new(
                    stage_config.path.clone(),
                    e.to_string(),
                )),
            }
        }
        if issues.is_empty() {
            Ok(Pipeline {
                stages,
                budget: Some(Duration::from_secs(config.runner.document_seconds)),
                max_tokens: Some(config.runner.max_tokens),
            })
        } else {
            Err(RunnerError::Config {
                origin: Some(config.origin.clone()),
                issues,
            })
        }
    }

    /// A pipeline from already-built stages (for tests and embedding).
    pub fn from_stages(stages: Vec<(String, Box<dyn Stage>)>) -> Pipeline {
        Pipeline {
            stages: stages
                .into_iter()
                .enumerate()
                .map(|(i, (name, stage))| BuiltStage {
                    provenance: Provenance {
                        stage: name.clone(),
                        version: "0".into(),
                        config_hash: config_hash(&serde_json::Value::Null),
                        layers: Vec::new(),
                    },
                    factory: name,
                    path: format!("stages[{i}]"),
                    io: StageIo::default(),
                    stage,
                    resolved: serde_json::Value::Null,
                })
                .collect(),
            budget: None,
            max_tokens: None,
        }
    }

    /// The same pipeline with a time budget and a token budget per document (`None`: no
    /// limit).
    pub fn with_budgets(mut self, budget: Option<Duration>, max_tokens: Option<usize>) -> Self {
        self.budget = budget;
        self.max_tokens = max_tokens;
        self
    }

    /// One row per stage, in run order, for `explain`.
    pub fn summary(&self) -> Vec<StageSummary> {
        self.stages
            .iter()
            .map(|s| StageSummary {
                path: s.path.clone(),
                factory: s.factory.clone(),
                version: s.provenance.version.clone(),
                requires: s.io.requires.clone(),
                produces: s.io.produces.clone(),
                config_hash: s.provenance.config_hash.clone(),
                config: s.resolved.clone(),
            })
            .collect()
    }

    /// Runs every stage on one document. A stage error, a panic, a stage output with
    /// invalid spans, more tokens than the token budget or more time than the time budget
    /// fails the document (and only it). Stages see the deadline through
    /// [`stancegraph_core::over_budget`] and may stop early.
    pub fn process(&self, doc: &mut Document) -> Result<(), DocumentFailure> {
        self.process_timed(doc).map(|_| ())
    }

    /// [`Pipeline::process`], returning how long each stage took by wall time (for
    /// profiles), as `(factory, duration)` in stage order.
    pub fn process_timed(
        &self,
        doc: &mut Document,
    ) -> Result<Vec<(String, Duration)>, DocumentFailure> {
        let origin = Instant::now();
        self.process_clocked(doc, &|| origin.elapsed())
    }

    /// [`Pipeline::process_timed`] with the stages timed by `clock` (any monotonic reading,
    /// e.g. the calling thread's CPU time, which other processes on the machine do not
    /// lengthen: scaling tests use it). The time budget stays on wall time.
    pub fn process_clocked(
        &self,
        doc: &mut Document,
        clock: &dyn Fn() -> Duration,
    ) -> Result<Vec<(String, Duration)>, DocumentFailure> {
        let mut timings = Vec::with_capacity(self.stages.len());
        let started = Instant::now();
        let budget = self.budget;
        let _budget =
            stancegraph_core::start_document_budget(budget.map(|b| started + b), self.max_tokens);
        for built in &self.stages {
            let stage_started = clock();
            let outcome = run_stage(built, std::slice::from_mut(doc)).pop();
            timings.push((built.factory.clone(), clock().saturating_sub(stage_started)));
            let outcome = outcome.unwrap_or_else(|| Err("stage returned no result".into()));
            if let Some(reason) = self.problem(doc, outcome, started, budget) {
                return Err(self.failure(built, doc, reason));
            }
            doc.record_provenance(built.provenance.clone());
        }
        Ok(timings)
    }

    /// Runs every stage on a batch of documents, handing each stage the documents still
    /// alive through [`Stage::process_batch`] (so a batching stage sees them together).
    /// Returns one result per document, in input order; a failing document fails alone
    /// and skips the later stages. The batch shares a time budget of the per-document
    /// budget times its length; a panic inside a batch fails every document of it (the
    /// stage cannot say which one caused it).
    pub fn process_batch(&self, docs: Vec<Document>) -> Vec<Result<Document, DocumentFailure>> {
        let started = Instant::now();
        let budget = self
            .budget
            .map(|b| b.saturating_mul(u32::try_from(docs.len()).unwrap_or(u32::MAX)));
        let _budget =
            stancegraph_core::start_document_budget(budget.map(|b| started + b), self.max_tokens);
        let mut results: Vec<Option<Result<Document, DocumentFailure>>> =
            (0..docs.len()).map(|_| None).collect();
        // The documents still in the chain, with their input positions.
        let mut alive = docs;
        let mut positions: Vec<usize> = (0..alive.len()).collect();
        for built in &self.stages {
            if alive.is_empty() {
                break;
            }
            let outcomes = run_stage(built, &mut alive);
            let mut kept = Vec::with_capacity(alive.len());
            let mut kept_positions = Vec::with_capacity(alive.len());
            for ((mut doc, position), outcome) in alive.into_iter().zip(positions).zip(outcomes) {
                match self.problem(&mut doc, outcome, started, budget) {
                    Some(reason) => {
                        results[position] = Some(Err(self.failure(built, &doc, reason)));
                    }
                    None => {
                        doc.record_provenance(built.provenance.clone());
                        kept.push(doc);
                        kept_positions.push(position);
                    }
                }
            }
            alive = kept;
            positions = kept_positions;
        }
        for (doc, position) in alive.into_iter().zip(positions) {
            results[position] = Some(Ok(doc));
        }
        results
            .into_iter()
            .map(|r| r.expect("every document ends failed or processed"))
            .collect()
    }

    /// Why `doc` fails after a stage, if it does: over the time budget, a stage error or
    /// panic, over the token budget, or invalid annotations.
    fn problem(
        &self,
        doc: &mut Document,
        outcome: StageOutcome,
        started: Instant,
        budget: Option<Duration>,
    ) -> Option<String> {
        let over_time = budget.filter(|b| started.elapsed() > *b);
        match (over_time, outcome) {
            (Some(_), _) => Some(format!(
                "took longer than the time budget of {} s per document \
                 (runner.document_seconds): stopped in this stage after {:.1} s",
                self.budget.unwrap_or_default().as_secs(),
                started.elapsed().as_secs_f64()
            )),
            (None, Ok(Ok(()))) => match self.max_tokens {
                Some(max) if doc.tokens.len() > max => Some(format!(
                    "{} tokens is over the limit of {max} per document (runner.max_tokens); \
                     split the document or raise the limit",
                    doc.tokens.len()
                )),
                _ => doc
                    .validate()
                    .err()
                    .map(|e| format!("stage produced invalid annotations: {e}")),
            },
            (None, Ok(Err(error))) => Some(error.to_string()),
            (None, Err(panic)) => Some(panic),
        }
    }

    fn failure(&self, built: &BuiltStage, doc: &Document, reason: String) -> DocumentFailure {
        DocumentFailure {
            id: doc.id.clone(),
            stage: built.factory.clone(),
            reason,
            source: doc.metadata.source.clone(),
        }
    }
}

/// What a stage did to one document: its own result, or why the runner rejects the call.
type StageOutcome = Result<Result<(), StageError>, String>;

/// Runs one stage on `docs`: one outcome per document. A panic, or a wrong number of
/// results, fails every document of the call.
fn run_stage(built: &BuiltStage, docs: &mut [Document]) -> Vec<StageOutcome> {
    let count = docs.len();
    let reason = match catch_unwind(AssertUnwindSafe(|| built.stage.process_batch(docs))) {
        Ok(results) if results.len() == count => return results.into_iter().map(Ok).collect(),
        Ok(results) => format!(
            "stage returned {} results for a batch of {count} documents",
            results.len()
        ),
        Err(panic) => format!("stage panicked: {}", panic_message(&panic)),
    };
    (0..count).map(|_| Err(reason.clone())).collect()
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic payload".to_string()
    }
}
