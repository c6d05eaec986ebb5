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
//! not allowed to. Spans are validated on return.
//!
//! Limits: `timeout_ms` covers writing the request and reading the answer; an answer
//! line longer than `max_line_bytes` fails the document. A crash, a timeout, an
//! over-long, malformed or stray line, or an answer for another document fails the
//! document (at most that one) and the program is killed (with its process group) and
//! restarted for the next one, so no process is ever reused out of step. [`stop_all`]
//! (Ctrl-C, SIGTERM) kills every plugin at once.

#![deny(missing_docs)]

mod process;
mod program;
mod stage;

use std::path::PathBuf;
use std::process::Command;
use std::sync::Mutex;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use stancegraph_core::{CoreError, Document, Stage, StageError};

pub use process::{stop_all, stopped};
use process::{Failure, Process};
use stage::parse_layers;
pub use stage::{register, ExecConfig, ExecFactory, REPLACEABLE_LAYERS};

/// Protocol name and version sent with every request.
pub const PROTOCOL: &str = "stancegraph-exec/1";

/// Default cap on one answer line (64 MiB).
pub const DEFAULT_MAX_LINE_BYTES: u64 = 64 * 1024 * 1024;
/// Largest accepted `max_line_bytes` (4 GiB).
pub const MAX_LINE_BYTES_LIMIT: u64 = 4 * 1024 * 1024 * 1024;
/// Largest accepted `timeout_ms` (one day).
pub const TIMEOUT_MS_LIMIT: u64 = 24 * 60 * 60 * 1000;
/// Longest text of a plugin's own `error` message kept in a failure, in characters.
const PLUGIN_MESSAGE_CHARS: usize = 2000;

/// Errors of the exec stage, naming the program and the document.
#[derive(Debug, thiserror::Error)]
pub enum ExecError {
    /// The program could not be started (not found, not executable, empty `command`).
    #[error("starting `{program}`: {source}")]
    Spawn {
        /// The configured command line, arguments joined with spaces.
        program: String,
        /// Why the operating system refused to start it.
        source: std::io::Error,
    },
    /// The exchange for one document failed: the program crashed, timed out, wrote an
    /// over-long, malformed or stray line, or answered for another document (the process
    /// is then killed and the next document gets a fresh one), or [`stop_all`] was called.
    #[error("document `{doc}`: `{program}` {message}")]
    Protocol {
        /// Id of the document that failed.
        doc: String,
        /// The configured command line, arguments joined with spaces.
        program: String,
        /// What went wrong, ending in "; restarted" when the process was killed.
        message: String,
    },
    /// The program answered `{"error": …}` for this document; the process stays in use.
    #[error("document `{doc}`: `{program}` reported: {message}")]
    Plugin {
        /// Id of the document that failed.
        doc: String,
        /// The configured command line, arguments joined with spaces.
        program: String,
        /// The plugin's own message, cut to its first 2000 characters.
        message: String,
    },
    /// The answer's produced layers could not be read back into a valid document (wrong
    /// shape, spans out of range); the document is left unchanged.
    #[error("document `{doc}`: `{program}` returned invalid annotations: {source}")]
    Invalid {
        /// Id of the document that failed.
        doc: String,
        /// The configured command line, arguments joined with spaces.
        program: String,
        /// The validation error from the core document model.
        source: Box<CoreError>,
    },
}

/// A built `exec` stage: a pool of running plugin processes sharing one config. Built by
/// [`ExecFactory`]; each worker thread takes an idle process (or starts one) per document
/// and gives it back only after a well-formed answer.
pub struct ExecStage {
    config: ExecConfig,
    workdir: Option<PathBuf>,
    /// Idle processes, each in step (no unread output); each worker takes one (or starts
    /// one) per document.
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
    /// A stage with no process started yet.
    pub(crate) fn new(config: ExecConfig, workdir: Option<PathBuf>) -> Self {
        ExecStage {
            config,
            workdir,
            idle: Mutex::new(Vec::new()),
        }
    }

    fn program(&self) -> String {
        self.config.command.join(" ")
    }

    fn max_line(&self) -> usize {
        usize::try_from(self.config.max_line_bytes).unwrap_or(usize::MAX)
    }

    fn protocol_error(&self, doc: &Document, message: impl Into<String>) -> ExecError {
        ExecError::Protocol {
            doc: doc.id.clone(),
            program: self.program(),
            message: message.into(),
        }
    }

    pub(crate) fn spawn(&self) -> Result<Process, ExecError> {
        let spawn_error = |source| ExecError::Spawn {
            program: self.program(),
            source,
        };
        let (program, args) = self.config.command.split_first().ok_or_else(|| {
            spawn_error(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "empty command",
            ))
        })?;
        let mut command = Command::new(program);
        command.args(args);
        if let Some(dir) = &self.workdir {
            command.current_dir(dir);
        }
        Process::spawn(command, self.max_line()).map_err(spawn_error)
    }

    /// An idle process that is still in step, or a new one. An idle process that printed
    /// anything after its last answer (a stray line) or exited is killed and replaced.
    fn acquire(&self) -> Result<Process, ExecError> {
        loop {
            let reused = self.idle.lock().ok().and_then(|mut idle| idle.pop());
            match reused {
                Some(process) if process.out_of_step() => {
                    eprintln!(
                        "warning: exec `{}` wrote output after its last answer (or exited); restarted",
                        self.program()
                    );
                }
                Some(process) => return Ok(process),
                None => return self.spawn(),
            }
        }
    }

    pub(crate) fn release(&self, process: Process) {
        if let Ok(mut idle) = self.idle.lock() {
            idle.push(process);
        }
    }

    fn kill_idle(&self) {
        if let Ok(mut idle) = self.idle.lock() {
            idle.clear();
        }
    }

    /// Sends `doc`, reads the answer and copies the declared layers into `doc`. The
    /// process goes back to the pool only after a well-formed answer for this document;
    /// otherwise it is dropped, which kills it.
    fn exchange(&self, doc: &mut Document) -> Result<(), ExecError> {
        if process::stopped() {
            self.kill_idle();
            return Err(self.protocol_error(doc, Failure::Stopped.to_string()));
        }
        let export = doc.to_export();
        let mut request = serde_json::to_vec(&Request {
            protocol: PROTOCOL,
            document: &export,
        })
        .map_err(|e| self.protocol_error(doc, format!("request could not be encoded: {e}")))?;
        request.push(b'\n');
        let mut process = self.acquire()?;
        let timeout = Duration::from_millis(self.config.timeout_ms);
        let (line, reusable) = process
            .exchange(request, timeout, self.max_line())
            .map_err(|failure| {
                let failure = match failure {
                    Failure::Timeout { written } => format!(
                        "{failure} (timeout_ms {}{})",
                        self.config.timeout_ms,
                        if written { "" } else { ", request not read" }
                    ),
                    other => other.to_string(),
                };
                self.protocol_error(doc, format!("{failure}; restarted"))
            })?;
        let response = parse_response(&line, doc)
            .map_err(|message| self.protocol_error(doc, format!("{message}; restarted")))?;
        if reusable {
            self.release(process);
        } else {
            drop(process);
        }
        self.merge(doc, response)
    }

    /// Copies the declared layers from the plugin's answer into `doc`.
    fn merge(&self, doc: &mut Document, response: Response) -> Result<(), ExecError> {
        let program = self.program();
        if let Some(message) = response.error {
            return Err(ExecError::Plugin {
                doc: doc.id.clone(),
                program,
                message: truncate_chars(&message, PLUGIN_MESSAGE_CHARS),
            });
        }
        let Some(value) = response.document else {
            return Err(self.protocol_error(doc, "answered without `document` or `error`"));
        };

        // Start from our own document and replace only the declared layers, so nothing
        // else the plugin sent (even invalid) is read.
        let mut merged = serde_json::to_value(doc.to_export())
            .map_err(|e| self.protocol_error(doc, format!("document could not be encoded: {e}")))?;
        for layer in parse_layers(&self.config.produces) {
            match layer.namespace() {
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
                    let name = layer.name();
                    merged[name.as_ref()] = value
                        .get(name.as_ref())
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

/// Parses an answer line. A line that is not a response, or a document answer for another
/// document (a sign that the process is out of step), is an error.
fn parse_response(line: &[u8], doc: &Document) -> Result<Response, String> {
    let response: Response = serde_json::from_slice(line)
        .map_err(|e| format!("answered with a line that is not a response: {e}"))?;
    if response.document.is_none() && response.error.is_none() {
        return Err("answered without `document` or `error`".into());
    }
    if let Some(value) = &response.document {
        let same_document = value.get("id").and_then(|v| v.as_str()) == Some(doc.id.as_str())
            && value.get("text").and_then(|v| v.as_str()) == Some(doc.text());
        if !same_document {
            return Err("returned a different document (id or text changed)".into());
        }
    }
    Ok(response)
}

/// The first `max` characters of `text`, marked when cut.
fn truncate_chars(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}… (cut)", &text[..at]),
        None => text.to_string(),
    }
}

impl Stage for ExecStage {
    fn process(&self, doc: &mut Document) -> Result<(), StageError> {
        self.exchange(doc).map_err(StageError::other)
    }
}
