//! `stancegraph._native`: the pipeline, graph merge and exports for Python (PyO3).
//!
//! The Python package (`python/stancegraph`) wraps these classes with `pipe`, networkx
//! conversion and docstrings. Every call that runs the pipeline or touches a whole graph
//! releases the GIL; pipelines are shared between threads (`frozen` classes, `Arc`s).
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use pyo3::create_exception;
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString, PyTuple};
use stancegraph_cli::merge::{merge_node_links, read_part, write_outputs};
use stancegraph_core::{BuildContext, ConfigIssue, Document, Registry};
use stancegraph_graph::{render, ExportFormat, ExportSpec, KnowledgeGraph};
use stancegraph_ingest::{format_from_name, sniff_format, Format, IngestEvent, Ingestor, Input};
use stancegraph_runner::{
    load_config, ConfigSource, DocumentsSink, Pipeline as Stages, PipelineConfig, RunOptions,
    RunOutcome, RunnerError,
};

create_exception!(
    _native,
    ConfigError,
    PyValueError,
    "A pipeline config with problems; `problems` lists (path, message) pairs."
);
create_exception!(
    _native,
    StancegraphError,
    PyRuntimeError,
    "A pipeline that could not be built or run."
);

/// The configured pipeline, its reader and settings; shared by every thread that calls it.
#[pyclass(frozen, subclass, module = "stancegraph._native")]
struct Pipeline {
    stages: Arc<Stages>,
    ingestor: Arc<Ingestor>,
    config: PipelineConfig,
    workers: usize,
    data_dir: PathBuf,
}

/// One input to `annotate`, taken from Python while the GIL is held.
enum Item {
    /// Raw file content named `source` (a `str`, `bytes` or `(source, content)` item).
    File {
        source: String,
        format: Format,
        raw: Vec<u8>,
    },
    /// A JSONL record (a `dict`), read with the `[source.jsonl]` field names.
    Record(String),
    /// Not something a document can be made from.
    Invalid(String),
}

/// What became of one input.
enum Outcome {
    /// The document as one `documents.jsonl` line.
    Done(String),
    Failed {
        id: String,
        source: Option<String>,
        stage: String,
        reason: String,
        skipped: bool,
    },
}

fn config_error(py: Python<'_>, origin: &str, issues: &[ConfigIssue]) -> PyErr {
    let mut message = format!("{origin}: {} problem(s):", issues.len());
    for issue in issues {
        message.push_str("\n  ");
        message.push_str(&issue.to_string());
    }
    let error = ConfigError::new_err(message);
    let problems: Vec<(String, String)> = issues
        .iter()
        .map(|i| (i.path.clone(), i.message.clone()))
        .collect();
    // Attaching the list cannot fail on a fresh exception object; if it did, the message
    // still lists every problem.
    let _ = error.value(py).setattr("problems", problems);
    error
}

fn runner_error(py: Python<'_>, origin: &str, error: RunnerError) -> PyErr {
    match error {
        RunnerError::Config { origin: o, issues } => {
            config_error(py, o.as_deref().unwrap_or(origin), &issues)
        }
        other => StancegraphError::new_err(other.to_string()),
    }
}

fn load(py: Python<'_>, path: Option<String>, toml: Option<String>) -> PyResult<PipelineConfig> {
    let source = match (path, toml) {
        (Some(path), _) => ConfigSource::File(PathBuf::from(path)),
        (None, Some(toml)) => ConfigSource::Embedded {
            name: "<config string>".into(),
            toml,
        },
        (None, None) => ConfigSource::Embedded {
            name: "configs/default.toml (embedded)".into(),
            toml: stancegraph_cli::DEFAULT_CONFIG.into(),
        },
    };
    let origin = match &source {
        ConfigSource::File(path) => path.display().to_string(),
        ConfigSource::Embedded { name, .. } => name.clone(),
    };
    load_config(&source, &registry(), true).map_err(|e| match e {
        RunnerError::Config { .. } => runner_error(py, &origin, e),
        // An unreadable config file is a config problem too.
        other => config_error(py, &origin, &[ConfigIssue::new("", other.to_string())]),
    })
}

fn registry() -> Registry {
    stancegraph_cli::builtin_registry()
}

impl Pipeline {
    fn item(py: Python<'_>, object: &Bound<'_, PyAny>) -> Item {
        if let Ok(text) = object.downcast::<PyString>() {
            return match text.to_cow() {
                Ok(text) => Item::File {
                    source: "<string>".into(),
                    format: Format::Text,
                    raw: text.as_bytes().to_vec(),
                },
                Err(e) => Item::Invalid(format!("not valid UTF-8: {e}")),
            };
        }
        if let Ok(bytes) = object.downcast::<PyBytes>() {
            return Item::File {
                source: "<bytes>".into(),
                format: Format::Text,
                raw: bytes.as_bytes().to_vec(),
            };
        }
        if object.downcast::<PyDict>().is_ok() {
            let dumped = py
                .import("json")
                .and_then(|json| json.call_method1("dumps", (object,)))
                .and_then(|line| line.extract::<String>());
            return match dumped {
                Ok(line) => Item::Record(line),
                Err(e) => Item::Invalid(format!("the dict is not JSON-serialisable: {e}")),
            };
        }
        if let Ok(pair) = object.downcast::<PyTuple>() {
            if pair.len() == 2 {
                return Self::named_item(pair);
            }
        }
        let kind = object
            .get_type()
            .name()
            .map(|n| n.to_string())
            .unwrap_or_else(|_| "?".into());
        Item::Invalid(format!(
            "expected str, bytes, dict or (source, content), got {kind}"
        ))
    }

    /// `(source, content)`: content read as the CLI reads a file of that name.
    fn named_item(pair: &Bound<'_, PyTuple>) -> Item {
        let (Ok(source), Ok(content)) = (pair.get_item(0), pair.get_item(1)) else {
            return Item::Invalid("a (source, content) pair could not be read".into());
        };
        let Ok(source) = source.extract::<String>() else {
            return Item::Invalid("the source of a (source, content) pair must be a str".into());
        };
        let raw = if let Ok(text) = content.downcast::<PyString>() {
            match text.to_cow() {
                Ok(text) => text.as_bytes().to_vec(),
                Err(e) => return Item::Invalid(format!("{source}: not valid UTF-8: {e}")),
            }
        } else if let Ok(bytes) = content.downcast::<PyBytes>() {
            bytes.as_bytes().to_vec()
        } else {
            return Item::Invalid(format!("{source}: content must be str or bytes"));
        };
        let format = match format_from_name(&source) {
            Format::Auto => sniff_format(&raw),
            known => known,
        };
        match format {
            Format::Text | Format::Html | Format::Auto => Item::File {
                source,
                format,
                raw,
            },
            several => Item::Invalid(format!(
                "{source}: a {several:?} input holds several documents; pass its records as dicts or use run()"
            )),
        }
    }

    /// Reads one input into a document and runs the stages on it.
    fn process(&self, item: Item) -> Outcome {
        let (source, format, raw) = match item {
            Item::Invalid(reason) => {
                return Outcome::Failed {
                    id: String::new(),
                    source: None,
                    stage: "input".into(),
                    reason,
                    skipped: false,
                }
            }
            Item::File {
                source,
                format,
                raw,
            } => (source, format, raw),
            Item::Record(line) => ("<dict>".to_string(), Format::Jsonl, line.into_bytes()),
        };
        let mut first = None;
        let _ = self
            .ingestor
            .read_bytes(&source, format, &raw, &mut |event| {
                first = Some(event);
                ControlFlow::Break(())
            });
        let mut doc: Document = match first {
            Some(IngestEvent::Document(doc)) => *doc,
            Some(IngestEvent::Failed { id, source, reason }) => {
                return Outcome::Failed {
                    id,
                    source: Some(source),
                    stage: "ingest".into(),
                    reason,
                    skipped: false,
                }
            }
            Some(IngestEvent::Skipped { id, source, reason }) => {
                return Outcome::Failed {
                    id,
                    source: Some(source),
                    stage: "ingest".into(),
                    reason,
                    skipped: true,
                }
            }
            None => {
                return Outcome::Failed {
                    id: String::new(),
                    source: Some(source),
                    stage: "ingest".into(),
                    reason: "no document in the input".into(),
                    skipped: true,
                }
            }
        };
        let failed = |stage: String, reason: String, doc: &Document| Outcome::Failed {
            id: doc.id.clone(),
            source: doc.metadata.source.clone(),
            stage,
            reason,
            skipped: false,
        };
        match self.stages.process(&mut doc) {
            Ok(()) => match doc.to_json_line() {
                Ok(line) => Outcome::Done(line),
                Err(e) => failed("output".into(), e.to_string(), &doc),
            },
            Err(failure) => failed(failure.stage, failure.reason, &doc),
        }
    }

    /// Runs every item on up to `workers` threads; outcomes in input order.
    fn process_all(&self, items: Vec<Item>) -> Vec<Outcome> {
        let count = items.len();
        let queue: Vec<Mutex<Option<Item>>> =
            items.into_iter().map(|i| Mutex::new(Some(i))).collect();
        let results: Vec<Mutex<Option<Outcome>>> = (0..count).map(|_| Mutex::new(None)).collect();
        let next = AtomicUsize::new(0);
        let threads = self.workers.clamp(1, count.max(1));
        std::thread::scope(|scope| {
            for _ in 0..threads {
                scope.spawn(|| loop {
                    let at = next.fetch_add(1, Ordering::Relaxed);
                    if at >= count {
                        break;
                    }
                    let item = queue[at].lock().ok().and_then(|mut slot| slot.take());
                    if let Some(item) = item {
                        let outcome = self.process(item);
                        if let Ok(mut slot) = results[at].lock() {
                            *slot = Some(outcome);
                        }
                    }
                });
            }
        });
        results
            .into_iter()
            .map(|slot| {
                slot.into_inner().ok().flatten().unwrap_or(Outcome::Failed {
                    id: String::new(),
                    source: None,
                    stage: "worker".into(),
                    reason: "the worker thread stopped".into(),
                    skipped: false,
                })
            })
            .collect()
    }
}

#[pymethods]
impl Pipeline {
    #[new]
    #[pyo3(signature = (config_path=None, config_toml=None, workers=None, data_dir=None))]
    fn new(
        py: Python<'_>,
        config_path: Option<String>,
        config_toml: Option<String>,
        workers: Option<usize>,
        data_dir: Option<PathBuf>,
    ) -> PyResult<Self> {
        let config = load(py, config_path, config_toml)?;
        let data_dir = stancegraph_cli::data_dir(data_dir.as_deref());
        let registry = registry();
        let missing = stancegraph_cli::data_files::model_file_issues(&config, &registry, &data_dir);
        if !missing.is_empty() {
            return Err(config_error(py, &config.origin, &missing));
        }
        let context = BuildContext {
            data_dir: data_dir.clone(),
            config_path: String::new(),
        };
        let stages = py
            .allow_threads(|| Stages::build(&config, &registry, &context))
            .map_err(|e| runner_error(py, &config.origin, e))?;
        let ingestor = Ingestor::new(config.source.clone())
            .map_err(|e| StancegraphError::new_err(format!("configuring [source]: {e}")))?;
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let workers = match workers {
            Some(n) => n.max(1),
            None if config.runner.workers > 0 => config.runner.workers,
            None => cores,
        };
        Ok(Pipeline {
            stages: Arc::new(stages),
            ingestor: Arc::new(ingestor),
            config,
            workers,
            data_dir,
        })
    }

    /// Worker threads used by `annotate` and `run`.
    #[getter]
    fn workers(&self) -> usize {
        self.workers
    }

    /// The data directory models were read from (`<embedded>` for the compiled-in ones).
    #[getter]
    fn data_dir(&self) -> String {
        self.data_dir.display().to_string()
    }

    /// Where the config came from.
    #[getter]
    fn origin(&self) -> String {
        self.config.origin.clone()
    }

    /// Annotates a list of inputs; one dict per input, in order.
    fn annotate<'py>(
        &self,
        py: Python<'py>,
        items: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyList>> {
        let inputs: Vec<Item> = if items.downcast::<PyString>().is_ok()
            || items.downcast::<PyBytes>().is_ok()
            || items.downcast::<PyDict>().is_ok()
        {
            vec![Self::item(py, items)]
        } else {
            items
                .try_iter()?
                .map(|object| object.map(|o| Self::item(py, &o)))
                .collect::<PyResult<_>>()?
        };
        let outcomes = py.allow_threads(|| self.process_all(inputs));
        let json = py.import("json")?;
        let out = PyList::empty(py);
        for outcome in outcomes {
            match outcome {
                Outcome::Done(line) => out.append(json.call_method1("loads", (line,))?)?,
                Outcome::Failed {
                    id,
                    source,
                    stage,
                    reason,
                    skipped,
                } => {
                    let record = PyDict::new(py);
                    record.set_item("id", id)?;
                    record.set_item("source", source)?;
                    record.set_item("stage", stage)?;
                    record.set_item("error", reason)?;
                    record.set_item("skipped", skipped)?;
                    out.append(record)?;
                }
            }
        }
        Ok(out)
    }

    /// Runs the pipeline over files and directories as `stancegraph run` does; returns the
    /// run summary (documents, failed, skipped, words, seconds, words_per_s, written).
    #[pyo3(signature = (paths, out))]
    fn run<'py>(
        &self,
        py: Python<'py>,
        paths: Vec<PathBuf>,
        out: PathBuf,
    ) -> PyResult<Bound<'py, PyAny>> {
        let options = RunOptions {
            inputs: paths.into_iter().map(Input::Path).collect(),
            out_dir: out,
            workers: self.workers,
            progress: false,
            existing_graph: None,
            sink: DocumentsSink::Files,
        };
        let (stages, ingestor) = (Arc::clone(&self.stages), Arc::clone(&self.ingestor));
        let config = &self.config;
        let outcome = py.allow_threads(|| {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .map_err(|e| RunnerError::Runtime(format!("starting the async runtime: {e}")))?;
            let cancel = Arc::new(AtomicBool::new(false));
            let outcome = runtime.block_on(stancegraph_runner::run(
                stages, ingestor, config, options, cancel,
            ));
            runtime.shutdown_background();
            outcome
        });
        let summary = match outcome.map_err(|e| runner_error(py, &self.config.origin, e))? {
            RunOutcome::Completed(summary) => summary,
            RunOutcome::Cancelled(_) => {
                return Err(StancegraphError::new_err("the run was interrupted"))
            }
        };
        let line = serde_json::to_string(&summary)
            .map_err(|e| StancegraphError::new_err(e.to_string()))?;
        py.import("json")?.call_method1("loads", (line,))
    }
}

/// The knowledge graph: actors, issues, documents and the evidence for every edge.
#[pyclass(frozen, subclass, module = "stancegraph._native")]
struct Graph {
    inner: KnowledgeGraph,
}

fn graph_error(e: impl std::fmt::Display) -> PyErr {
    StancegraphError::new_err(e.to_string())
}

#[pymethods]
impl Graph {
    #[new]
    fn new() -> Self {
        Graph {
            inner: KnowledgeGraph::new(),
        }
    }

    /// A graph of annotated documents (dicts as `annotate` returns them; error records are
    /// left out).
    #[staticmethod]
    fn from_documents(py: Python<'_>, docs: &Bound<'_, PyAny>) -> PyResult<Self> {
        let json = py.import("json")?;
        let mut lines = Vec::new();
        for doc in docs.try_iter()? {
            let doc = doc?;
            if doc.downcast::<PyDict>()?.contains("error")? {
                continue;
            }
            lines.push(json.call_method1("dumps", (doc,))?.extract::<String>()?);
        }
        let inner = py.allow_threads(|| {
            let mut graph = KnowledgeGraph::new();
            for line in &lines {
                let doc = Document::from_export(line)?;
                graph.merge_document(&doc);
            }
            Ok::<_, stancegraph_core::CoreError>(graph)
        });
        let inner = inner.map_err(|e| PyValueError::new_err(format!("a document: {e}")))?;
        Ok(Graph { inner })
    }

    /// Reads a `graph.json` (or the output folder of a run).
    #[staticmethod]
    fn load(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        let inner = py.allow_threads(|| {
            let value = read_part(&path).map_err(graph_error)?;
            KnowledgeGraph::from_node_link(&value).map_err(graph_error)
        })?;
        Ok(Graph { inner })
    }

    /// Reads a graph from its node-link JSON text.
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &str) -> PyResult<Self> {
        let inner = py.allow_threads(|| {
            let value: serde_json::Value = serde_json::from_str(text).map_err(graph_error)?;
            KnowledgeGraph::from_node_link(&value).map_err(graph_error)
        })?;
        Ok(Graph { inner })
    }

    /// This graph and `others` merged into a new graph (order and grouping do not matter).
    #[pyo3(signature = (*others))]
    fn merge(&self, py: Python<'_>, others: Vec<PyRef<'_, Graph>>) -> PyResult<Self> {
        let parts: Vec<&KnowledgeGraph> = std::iter::once(&self.inner)
            .chain(others.iter().map(|g| &g.inner))
            .collect();
        let inner = py.allow_threads(|| {
            let values: Vec<serde_json::Value> = parts.iter().map(|g| g.to_node_link()).collect();
            merge_node_links(values).map_err(graph_error)
        })?;
        Ok(Graph { inner })
    }

    /// The node-link JSON that `run` writes to graph.json (without the final newline).
    fn to_json(&self, py: Python<'_>) -> PyResult<String> {
        py.allow_threads(|| serde_json::to_string(self.inner.view()).map_err(graph_error))
    }

    /// Writes graph.json and the exports of `config` (default: the embedded config's,
    /// GraphML and the HTML report) into `out`; returns the paths written.
    #[pyo3(signature = (out, config_path=None, config_toml=None))]
    fn save(
        &self,
        py: Python<'_>,
        out: PathBuf,
        config_path: Option<String>,
        config_toml: Option<String>,
    ) -> PyResult<Vec<String>> {
        let config = load(py, config_path, config_toml)?;
        let graph = self.inner.clone();
        let written = py
            .allow_threads(|| write_outputs(graph, &config.exports, &out))
            .map_err(graph_error)?;
        Ok(written.iter().map(|p| p.display().to_string()).collect())
    }

    /// Writes one export (`graphml`, `gexf`, `dot`, `neo4j`, `dna`, `nt`, `jsonld`, `html`,
    /// `json`) to `path` (a folder for neo4j); returns the paths written.
    fn export(&self, py: Python<'_>, format: &str, path: PathBuf) -> PyResult<Vec<String>> {
        let parsed = ExportFormat::parse(format).ok_or_else(|| {
            let known: Vec<&str> = ExportFormat::ALL.iter().map(|f| f.as_str()).collect();
            PyValueError::new_err(format!(
                "unknown export format `{format}` (expected one of: {})",
                known.join(", ")
            ))
        })?;
        const NAME: &str = "export";
        let spec = ExportSpec {
            path: Some(NAME.into()),
            ..ExportSpec::new(parsed)
        };
        py.allow_threads(|| {
            let files = render(&self.inner, &spec).map_err(graph_error)?;
            let mut written = Vec::new();
            for (name, bytes) in files {
                let target = match name.strip_prefix(NAME) {
                    Some("") => path.clone(),
                    Some(rest) => path.join(rest.trim_start_matches('/')),
                    None => path.join(&name),
                };
                if let Some(parent) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
                    std::fs::create_dir_all(parent).map_err(graph_error)?;
                }
                std::fs::write(&target, bytes).map_err(graph_error)?;
                written.push(target.display().to_string());
            }
            Ok(written)
        })
    }

    #[getter]
    fn node_count(&self) -> usize {
        self.inner.node_count()
    }

    #[getter]
    fn edge_count(&self) -> usize {
        self.inner.edge_count()
    }

    #[getter]
    fn document_count(&self) -> usize {
        self.inner.document_count()
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .downcast::<Graph>()
            .is_ok_and(|other| self.inner == other.get().inner)
    }

    fn __repr__(&self) -> String {
        format!(
            "<stancegraph.Graph: {} documents, {} nodes, {} edges>",
            self.inner.document_count(),
            self.inner.node_count(),
            self.inner.edge_count()
        )
    }
}

/// Runs the command line with `argv` (program name first); returns the exit code.
#[pyfunction]
fn cli(py: Python<'_>, argv: Vec<String>) -> u8 {
    let args: Vec<std::ffi::OsString> = argv.into_iter().map(Into::into).collect();
    py.allow_threads(|| stancegraph_cli::run_args_with(args, |_| {}))
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Pipeline>()?;
    m.add_class::<Graph>()?;
    m.add_function(wrap_pyfunction!(cli, m)?)?;
    m.add("ConfigError", m.py().get_type::<ConfigError>())?;
    m.add("StancegraphError", m.py().get_type::<StancegraphError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
