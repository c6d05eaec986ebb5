//! The `exec` stage: runs any program as a stage, so plugins can be written in any
//! language (Python, R, a JVM tool) without linking against stancegraph.
//!
//! Protocol `stancegraph-exec/1`, one JSON object per line in each direction:
//! - request (stdin of the program): `{"protocol":"stancegraph-exec/1","document":DOC}`
//!   where `DOC` is the document in exported form (code point offsets, as in
//!   `documents.jsonl`);
//! - response (stdout): `{"document":DOC}` with the annotated document, or
//!   `{"error":"reason"}` to fail this document.
//!
//! Only the layers the config declares in `produces` are taken from the response; the
//! text and every other layer stay as they were, so a plugin cannot change what it was
//! not allowed to. Spans are validated on return. A crash, a timeout or a garbage line
//! fails the document; the program is restarted for the next one.

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::Mutex;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use stancegraph_core::{
    layer, BuildContext, ConfigIssue, CoreError, Document, Registry, Stage, StageError, StageIo,
    TypedFactory,
};

/// Protocol name and version sent with every request.
pub const PROTOCOL: &str = "stancegraph-exec/1";

/// Layers an exec stage may declare in `produces`.
pub const REPLACEABLE_LAYERS: &[&str] = &[
    layer::BLOCKS,
    layer::SENTENCES,
    layer::TOKENS,
    layer::MENTIONS,
    layer::ENTITIES,
    layer::QUOTES,
    layer::RELATIONS,
    layer::STANCES,
];

/// Errors of the exec stage, naming the program and the document.
#[derive(Debug, thiserror::Error)]
pub enum ExecError {
    #[error("starting `{program}`: {source}")]
    Spawn {
        program: String,
        source: std::io::Error,
    },
    #[error("document `{doc}`: `{program}` {message}")]
    Protocol {
        doc: String,
        program: String,
        message: String,
    },
    #[error("document `{doc}`: `{program}` reported: {message}")]
    Plugin {
        doc: String,
        program: String,
        message: String,
    },
    #[error("document `{doc}`: `{program}` returned invalid annotations: {source}")]
    Invalid {
        doc: String,
        program: String,
        source: Box<CoreError>,
    },
}

/// Config of an `exec` stage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ExecConfig {
    /// Program and arguments, e.g. `["python3", "plugins/keywords.py"]`.
    pub command: Vec<String>,
    /// Layers the program reads (checked against earlier stages).
    pub requires: Vec<String>,
    /// Layers the program may write: standard layers or `ext:<namespace>`.
    pub produces: Vec<String>,
    /// Longest time one document may take.
    pub timeout_ms: u64,
    /// Working directory of the program (default: the current one).
    pub workdir: String,
}

impl Default for ExecConfig {
    fn default() -> Self {
        ExecConfig {
            command: vec!["python3".into(), "plugin.py".into()],
            requires: Vec::new(),
            produces: vec!["ext:plugin".into()],
            timeout_ms: 30_000,
            workdir: String::new(),
        }
    }
}

pub struct ExecFactory;

impl TypedFactory for ExecFactory {
    type Config = ExecConfig;
    const NAME: &'static str = "exec";
    const DESCRIPTION: &'static str =
        "Runs an external program as a stage over the stancegraph-exec/1 JSON-lines protocol";
    const VERSION: &'static str = "1";

    fn io(&self, config: &ExecConfig) -> StageIo {
        StageIo {
            requires: config.requires.clone(),
            produces: config.produces.clone(),
        }
    }

    fn check(&self, config: &ExecConfig) -> Vec<ConfigIssue> {
        let mut issues = Vec::new();
        if config.command.is_empty() {
            issues.push(ConfigIssue::new("command", "must name a program"));
        }
        if config.timeout_ms == 0 {
            issues.push(ConfigIssue::new("timeout_ms", "must be at least 1"));
        }
        for (i, name) in config.produces.iter().enumerate() {
            let extension = name
                .strip_prefix(layer::EXTENSION_PREFIX)
                .is_some_and(|ns| !ns.is_empty());
            if !extension && !REPLACEABLE_LAYERS.contains(&name.as_str()) {
                issues.push(ConfigIssue::new(
                    format!("produces[{i}]"),
                    format!("`{name}` is not a layer an exec stage may write; use one of {} or `ext:<namespace>`", REPLACEABLE_LAYERS.join(", ")),
                ));
            }
        }
        issues
    }

    fn build(
        &self,
        config: ExecConfig,
        context: &BuildContext,
    ) -> Result<Box<dyn Stage>, StageError> {
        let stage = ExecStage {
            config,
            workdir: None,
            idle: Mutex::new(Vec::new()),
        };
        let workdir =
            (!stage.config.workdir.is_empty()).then(|| context.resolve(&stage.config.workdir));
        let stage = ExecStage { workdir, ..stage };
        // Start one process now so a wrong command fails at build time, not per document.
        let process = stage.spawn().map_err(|e| StageError::Build {
            stage: Self::NAME.into(),
            message: e.to_string(),
        })?;
        stage.release(process);
        Ok(Box::new(stage))
    }
}

/// A running plugin process: stdin for requests, a reader thread delivering stdout lines.
struct Process {
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<std::io::Result<String>>,
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub struct ExecStage {
    config: ExecConfig,
    workdir: Option<PathBuf>,
    /// Idle processes; each worker takes one (or starts one) per document.
    idle: Mutex<Vec<Process>>,
}

#[derive(Serialize)]
struct Request<'a> {
    protocol: &'a str,
    document: &'a Document,
}

#[derive(Deserialize)]
struct Response {
    #[serde(default)]
    document: Option<serde_json::Value>,
    #[serde(default)]
    error: Option<String>,
}

impl ExecStage {
    fn program(&self) -> String {
        self.config.command.join(" ")
    }

    fn spawn(&self) -> Result<Process, ExecError> {
        let (program, args) =
            self.config
                .command
                .split_first()
                .ok_or_else(|| ExecError::Spawn {
                    program: String::new(),
                    source: std::io::Error::new(std::io::ErrorKind::InvalidInput, "empty command"),
                })?;
        let mut command = Command::new(program);
        command
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        if let Some(dir) = &self.workdir {
            command.current_dir(dir);
        }
        let mut child = command.spawn().map_err(|source| ExecError::Spawn {
            program: self.program(),
            source,
        })?;
        let (stdin, stdout) = match (child.stdin.take(), child.stdout.take()) {
            (Some(stdin), Some(stdout)) => (stdin, stdout),
            _ => {
                let _ = child.kill();
                return Err(ExecError::Spawn {
                    program: self.program(),
                    source: std::io::Error::other("no pipes to the child process"),
                });
            }
        };
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Ok(Process {
            child,
            stdin,
            lines,
        })
    }

    fn acquire(&self) -> Result<Process, ExecError> {
        let reused = self.idle.lock().ok().and_then(|mut idle| idle.pop());
        match reused {
            Some(process) => Ok(process),
            None => self.spawn(),
        }
    }

    fn release(&self, process: Process) {
        if let Ok(mut idle) = self.idle.lock() {
            idle.push(process);
        }
    }

    /// Sends one document and waits for its line. On any failure the process is dropped
    /// (killed), so the next document gets a fresh one.
    fn exchange(&self, process: &mut Process, doc: &Document) -> Result<String, ExecError> {
        let protocol_error = |message: String| ExecError::Protocol {
            doc: doc.id.clone(),
            program: self.program(),
            message,
        };
        let export = doc.to_export();
        let mut request = serde_json::to_string(&Request {
            protocol: PROTOCOL,
            document: &export,
        })
        .map_err(|e| protocol_error(format!("request could not be encoded: {e}")))?;
        request.push('\n');
        process
            .stdin
            .write_all(request.as_bytes())
            .and_then(|_| process.stdin.flush())
            .map_err(|e| protocol_error(format!("stopped reading its input: {e}")))?;
        match process
            .lines
            .recv_timeout(Duration::from_millis(self.config.timeout_ms))
        {
            Ok(Ok(line)) => Ok(line),
            Ok(Err(e)) => Err(protocol_error(format!("output unreadable: {e}"))),
            Err(RecvTimeoutError::Timeout) => Err(protocol_error(format!(
                "timed out after {} ms",
                self.config.timeout_ms
            ))),
            Err(RecvTimeoutError::Disconnected) => {
                let status = process
                    .child
                    .try_wait()
                    .ok()
                    .flatten()
                    .map(|s| s.to_string())
                    .unwrap_or_default();
                Err(protocol_error(
                    format!("exited without answering {status}")
                        .trim_end()
                        .to_string(),
                ))
            }
        }
    }

    /// Copies the declared layers from the plugin's answer into `doc`.
    fn merge(&self, doc: &mut Document, line: &str) -> Result<(), ExecError> {
        let program = self.program();
        let response: Response = serde_json::from_str(line).map_err(|e| ExecError::Protocol {
            doc: doc.id.clone(),
            program: program.clone(),
            message: format!("answered with a line that is not a response: {e}"),
        })?;
        if let Some(message) = response.error {
            return Err(ExecError::Plugin {
                doc: doc.id.clone(),
                program,
                message,
            });
        }
        let Some(value) = response.document else {
            return Err(ExecError::Protocol {
                doc: doc.id.clone(),
                program,
                message: "answered without `document` or `error`".into(),
            });
        };
        let same_document = value.get("id").and_then(|v| v.as_str()) == Some(doc.id.as_str())
            && value.get("text").and_then(|v| v.as_str()) == Some(doc.text());
        if !same_document {
            return Err(ExecError::Protocol {
                doc: doc.id.clone(),
                program,
                message: "returned a different document (id or text changed)".into(),
            });
        }
        // Start from our own document and replace only the declared layers, so nothing
        // else the plugin sent (even invalid) is read.
        let mut merged =
            serde_json::to_value(doc.to_export()).map_err(|e| ExecError::Protocol {
                doc: doc.id.clone(),
                program: program.clone(),
                message: format!("document could not be encoded: {e}"),
            })?;
        for name in &self.config.produces {
            match name.strip_prefix(layer::EXTENSION_PREFIX) {
                Some(namespace) => {
                    let answer = value
                        .get("extensions")
                        .and_then(|e| e.get(namespace))
                        .cloned();
                    if let Some(extensions) =
                        merged.get_mut("extensions").and_then(|e| e.as_object_mut())
                    {
                        match answer {
                            Some(answer) => extensions.insert(namespace.to_string(), answer),
                            None => extensions.remove(namespace),
                        };
                    } else if let Some(answer) = answer {
                        merged["extensions"] = serde_json::json!({ namespace: answer });
                    }
                }
                None => {
                    merged[name.as_str()] = value
                        .get(name.as_str())
                        .cloned()
                        .unwrap_or_else(|| serde_json::json!([]))
                }
            }
        }
        *doc = Document::from_export(&merged.to_string()).map_err(|source| ExecError::Invalid {
            doc: doc.id.clone(),
            program: program.clone(),
            source: Box::new(source),
        })?;
        Ok(())
    }
}

impl Stage for ExecStage {
    fn process(&self, doc: &mut Document) -> Result<(), StageError> {
        let mut process = self.acquire().map_err(StageError::other)?;
        // A failed exchange drops (kills) the process; the next document starts a new one.
        let line = self
            .exchange(&mut process, doc)
            .map_err(StageError::other)?;
        self.release(process);
        self.merge(doc, &line).map_err(StageError::other)
    }
}

/// Registers the `exec` stage.
pub fn register(registry: &mut Registry) {
    registry.register_typed(ExecFactory);
}
