//! One running plugin process and the exchange of one request line for one answer line.
//!
//! Requests are written by a writer thread and answers read by a reader thread, both
//! reporting to one event channel, so the caller's deadline covers the write as well as
//! the answer: a plugin that never reads its input cannot block a worker. Answer lines are
//! read with a hard length cap, so a plugin that writes without a newline cannot exhaust
//! memory. Every plugin runs in its own process group, which is killed as a whole.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender, TryRecvError};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Set by [`stop_all`]: every exchange ends at once and no new plugin starts.
static STOPPED: AtomicBool = AtomicBool::new(false);

/// Process ids of live (not yet reaped) plugins, so [`stop_all`] can kill them while
/// workers wait on them. A pid leaves this set before its process is reaped, so a reused
/// pid is never killed.
static LIVE: Mutex<BTreeSet<u32>> = Mutex::new(BTreeSet::new());

/// How often a waiting exchange looks at the stop flag.
const STOP_POLL: Duration = Duration::from_millis(50);

/// Kills every running plugin of every exec stage in this process and makes later
/// documents fail at once instead of starting new plugins. Called by the command line's
/// Ctrl-C and SIGTERM handler; a run cannot be resumed afterwards.
pub fn stop_all() {
    STOPPED.store(true, Ordering::SeqCst);
    if let Ok(live) = LIVE.lock() {
        for &pid in live.iter() {
            kill_group(pid);
        }
    }
}

/// Whether [`stop_all`] was called.
pub fn stopped() -> bool {
    STOPPED.load(Ordering::SeqCst)
}

#[cfg(unix)]
fn kill_group(pid: u32) {
    if let Ok(pid) = libc::pid_t::try_from(pid) {
        // SAFETY: kill(2) has no memory-safety preconditions; the negative pid names the
        // plugin's own process group (set at spawn), which is still alive or a zombie
        // because its leader is only reaped after leaving `LIVE`.
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
    }
}

#[cfg(not(unix))]
fn kill_group(_pid: u32) {}

/// What the writer and reader threads report.
enum Event {
    /// The request was written and flushed (or writing failed).
    Written(Result<(), String>),
    /// One answer line, without its newline.
    Line(Vec<u8>),
    /// Standard output closed.
    Eof,
    /// A line grew past the cap before its newline; reading stopped.
    TooLong,
    /// Reading standard output failed.
    ReadFailed(String),
}

/// Why an exchange failed. The process is out of step or dead afterwards and must not be
/// used again.
#[derive(Debug)]
pub(crate) enum Failure {
    Stopped,
    Timeout { written: bool },
    WriteFailed(String),
    Exited(String),
    TooLong(usize),
    Unreadable(String),
    TwoLines,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Stopped => f.write_str("was stopped (the run was interrupted)"),
            Failure::Timeout { written: true } => f.write_str("did not answer in time"),
            Failure::Timeout { written: false } => f.write_str("did not read its request in time"),
            Failure::WriteFailed(e) => write!(f, "stopped reading its input ({e})"),
            Failure::Exited(status) => write!(f, "exited without answering ({status})"),
            Failure::TooLong(cap) => write!(
                f,
                "wrote an answer line longer than max_line_bytes ({cap} bytes) without a newline"
            ),
            Failure::Unreadable(e) => write!(f, "output unreadable: {e}"),
            Failure::TwoLines => f.write_str("answered one request with more than one line"),
        }
    }
}

/// A running plugin: requests go to the writer thread, lines come from the reader thread.
pub(crate) struct Process {
    child: Child,
    requests: Option<Sender<Vec<u8>>>,
    events: Receiver<Event>,
    registered: bool,
}

impl Process {
    /// Starts `command`, capping answer lines at `max_line` bytes.
    pub(crate) fn spawn(mut command: Command, max_line: usize) -> std::io::Result<Process> {
        if stopped() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::Interrupted,
                "the run was interrupted",
            ));
        }
        command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        // Its own process group: the plugin and anything it starts are killed together,
        // and the terminal's Ctrl-C reaches only stancegraph, which stops plugins itself.
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        // Registered before the child exists would need its pid; instead the lock is held
        // across the spawn so `stop_all` cannot miss a process started concurrently.
        let mut live = LIVE
            .lock()
            .map_err(|_| std::io::Error::other("plugin registry"))?;
        if stopped() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::Interrupted,
                "the run was interrupted",
            ));
        }
        let mut child = command.spawn()?;
        live.insert(child.id());
        drop(live);
        let (stdin, stdout) = (child.stdin.take(), child.stdout.take());
        let (events_tx, events) = mpsc::channel();
        let (requests, requests_rx) = mpsc::channel::<Vec<u8>>();
        // From here on, dropping `process` kills the child.
        let process = Process {
            child,
            requests: Some(requests),
            events,
            registered: true,
        };
        let (Some(stdin), Some(stdout)) = (stdin, stdout) else {
            return Err(std::io::Error::other("no pipes to the child process"));
        };
        let written = events_tx.clone();
        std::thread::Builder::new()
            .name("stancegraph-exec-writer".into())
            .spawn(move || write_requests(stdin, requests_rx, written))?;
        std::thread::Builder::new()
            .name("stancegraph-exec-reader".into())
            .spawn(move || read_lines(stdout, max_line, events_tx))?;
        Ok(process)
    }

    /// Whether the process said or did anything since its last answer (a stray line, an
    /// exit): then it is out of step and must be replaced.
    pub(crate) fn out_of_step(&self) -> bool {
        !matches!(self.events.try_recv(), Err(TryRecvError::Empty))
    }

    /// Sends `request` (one line, newline included) and waits for the one answer line,
    /// everything within `timeout`. Returns the line and whether the process may take the
    /// next request (not when it answered before reading all of this one, or exited).
    pub(crate) fn exchange(
        &mut self,
        request: Vec<u8>,
        timeout: Duration,
        max_line: usize,
    ) -> Result<(Vec<u8>, bool), Failure> {
        // A plugin killed by `stop_all` shows up as an exit: name the real cause.
        self.exchange_until_stopped(request, timeout, max_line)
            .map_err(|failure| if stopped() { Failure::Stopped } else { failure })
    }

    fn exchange_until_stopped(
        &mut self,
        request: Vec<u8>,
        timeout: Duration,
        max_line: usize,
    ) -> Result<(Vec<u8>, bool), Failure> {
        let deadline = Instant::now() + timeout;
        let sent = self.requests.as_ref().map(|r| r.send(request));
        if !matches!(sent, Some(Ok(()))) {
            return Err(Failure::Exited(self.exit_status()));
        }
        let (mut written, mut early, mut answer) = (false, false, None);
        let mut reusable = true;
        loop {
            if written && answer.is_some() {
                break;
            }
            if stopped() {
                return Err(Failure::Stopped);
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(Failure::Timeout { written });
            }
            match self.events.recv_timeout(left.min(STOP_POLL)) {
                Ok(Event::Written(Ok(()))) => written = true,
                Ok(Event::Written(Err(e))) => {
                    if answer.is_none() {
                        return Err(Failure::WriteFailed(e));
                    }
                    written = true;
                    reusable = false;
                }
                Ok(Event::Line(line)) => {
                    if answer.is_some() {
                        return Err(Failure::TwoLines);
                    }
                    early = !written;
                    answer = Some(line);
                }
                Ok(Event::Eof) | Err(RecvTimeoutError::Disconnected) => {
                    if answer.is_none() {
                        return Err(Failure::Exited(self.exit_status()));
                    }
                    reusable = false;
                    // Its input is closed too: the write ends (or has ended) at once.
                    written = true;
                }
                Ok(Event::TooLong) => return Err(Failure::TooLong(max_line)),
                Ok(Event::ReadFailed(e)) => return Err(Failure::Unreadable(e)),
                Err(RecvTimeoutError::Timeout) => {}
            }
        }
        // An answer before the whole request was read leaves the rest of the request in
        // the pipe, where it would start the next exchange.
        let line = answer.unwrap_or_default();
        Ok((line, reusable && !early))
    }

    /// The exit status, if the process has exited (waiting up to a moment for it).
    fn exit_status(&mut self) -> String {
        self.unregister();
        for _ in 0..20 {
            match self.child.try_wait() {
                Ok(Some(status)) => return status.to_string(),
                Ok(None) => std::thread::sleep(Duration::from_millis(5)),
                Err(e) => return e.to_string(),
            }
        }
        "closed its output".into()
    }

    fn unregister(&mut self) {
        if self.registered {
            if let Ok(mut live) = LIVE.lock() {
                live.remove(&self.child.id());
            }
            self.registered = false;
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        self.requests = None;
        let pid = self.child.id();
        let alive = self.registered;
        self.unregister();
        if alive {
            // Not reaped yet, so the group id is still ours.
            kill_group(pid);
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn write_requests(
    mut stdin: std::process::ChildStdin,
    requests: Receiver<Vec<u8>>,
    events: Sender<Event>,
) {
    for request in requests {
        let result = stdin
            .write_all(&request)
            .and_then(|_| stdin.flush())
            .map_err(|e| e.to_string());
        let failed = result.is_err();
        if events.send(Event::Written(result)).is_err() || failed {
            break;
        }
    }
}

fn read_lines(stdout: std::process::ChildStdout, max_line: usize, events: Sender<Event>) {
    let mut reader = BufReader::with_capacity(64 * 1024, stdout);
    loop {
        let event = match read_capped_line(&mut reader, max_line) {
            Ok(Some(line)) => Event::Line(line),
            Ok(None) => Event::Eof,
            Err(LineError::TooLong) => Event::TooLong,
            Err(LineError::Io(e)) => Event::ReadFailed(e.to_string()),
        };
        let last = !matches!(event, Event::Line(_));
        if events.send(event).is_err() || last {
            break;
        }
    }
}

#[derive(Debug)]
pub(crate) enum LineError {
    TooLong,
    Io(std::io::Error),
}

/// Reads one line (without its `\n`) of at most `max` bytes; `None` at the end of input.
/// A last line without a newline counts as a line. Never holds more than `max` bytes
/// plus one buffer.
pub(crate) fn read_capped_line<R: Read>(
    reader: &mut BufReader<R>,
    max: usize,
) -> Result<Option<Vec<u8>>, LineError> {
    let mut line = Vec::new();
    loop {
        let buffer = match reader.fill_buf() {
            Ok(buffer) => buffer,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(LineError::Io(e)),
        };
        if buffer.is_empty() {
            return Ok((!line.is_empty()).then_some(line));
        }
        let (take, done) = match buffer.iter().position(|&b| b == b'\n') {
            Some(at) => (at, true),
            None => (buffer.len(), false),
        };
        if line.len() + take > max {
            return Err(LineError::TooLong);
        }
        line.extend_from_slice(&buffer[..take]);
        reader.consume(if done { take + 1 } else { take });
        if done {
            return Ok(Some(line));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &[u8], max: usize) -> Vec<Result<Option<Vec<u8>>, String>> {
        let mut reader = BufReader::with_capacity(4, input);
        let mut out = Vec::new();
        loop {
            let next = read_capped_line(&mut reader, max);
            let end = !matches!(next, Ok(Some(_)));
            out.push(next.map_err(|e| format!("{e:?}")));
            if end {
                return out;
            }
        }
    }

    #[test]
    fn lines_are_split_and_capped() {
        assert_eq!(
            lines(b"ab\n\ncdefg\nh", 5),
            vec![
                Ok(Some(b"ab".to_vec())),
                Ok(Some(Vec::new())),
                Ok(Some(b"cdefg".to_vec())),
                Ok(Some(b"h".to_vec())),
                Ok(None)
            ]
        );
        assert_eq!(
            lines(b"abcdef\n", 5),
            vec![Err("TooLong".to_string())],
            "six bytes over a cap of five"
        );
        // A line without a newline stops at the cap, however much follows.
        let endless = vec![b'x'; 1000];
        assert_eq!(lines(&endless, 100), vec![Err("TooLong".to_string())]);
    }
}
