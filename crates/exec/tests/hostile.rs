//! Plugins that misbehave on purpose, written at test time: one that never reads its
//! input, one that prints stray lines, one that writes without a newline, one that answers
//! late and one that returns a span past the text. Each may fail its own document, never
//! a later one, and never hangs a worker or exhausts memory.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use stancegraph_core::{BuildContext, Document, Metadata, Registry, Stage};

fn python_available() -> bool {
    std::process::Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn stage(command: &[&str], timeout_ms: u64, max_line_bytes: u64) -> Box<dyn Stage> {
    let mut registry = Registry::new();
    stancegraph_exec::register(&mut registry);
    let config = serde_json::json!({
        "command": command,
        "produces": ["ext:echo", "sentences"],
        "timeout_ms": timeout_ms,
        "max_line_bytes": max_line_bytes,
    });
    let factory = registry.get("exec").expect("exec is registered");
    assert!(factory.validate(&config).is_empty());
    let context = BuildContext {
        data_dir: PathBuf::from("data"),
        config_path: "stages[0]".into(),
    };
    factory.build(&config, &context).expect("plugin starts")
}

/// A Python plugin: answers every request with an `ext:echo` layer, and misbehaves when
/// the text contains a trigger word.
const ECHO: &str = r#"
import json, sys, time
for line in sys.stdin:
    doc = json.loads(line)["document"]
    text = doc["text"]
    if "STRAY-BEFORE" in text:
        print("debug: looking at", doc["id"], flush=True)
    if "SLOW" in text:
        time.sleep(6)
    if "BADSPAN" in text:
        doc["sentences"] = [{"span": {"start": 5, "end": 7078}, "kind": "body", "stage": "py", "confidence": 1.0}]
    doc.setdefault("extensions", {})["echo"] = len(text)
    print(json.dumps({"document": doc}), flush=True)
    if "STRAY-AFTER" in text:
        print("debug: done", flush=True)
"#;

fn write_plugin(dir: &Path, name: &str, source: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, source).expect("plugin written");
    path.display().to_string()
}

fn doc(text: &str) -> Document {
    Document::new(None, text, Metadata::default())
}

fn assert_healthy(stage: &dyn Stage, after: &str) {
    for i in 0..3 {
        let text = format!("Good document {i} after {after}.");
        let mut good = doc(&text);
        stage
            .process(&mut good)
            .unwrap_or_else(|e| panic!("document {i} after {after}: {e}"));
        assert_eq!(good.extensions["echo"], text.chars().count());
    }
}

#[test]
fn a_plugin_that_never_reads_cannot_block_a_worker() {
    // The request is far over a pipe buffer (64 KiB), so writing it blocks.
    let stage = stage(&["sh", "-c", "exec sleep 60"], 400, 1 << 20);
    let mut big = doc(&"Tariffs were raised again. ".repeat(20_000));
    let started = Instant::now();
    let error = stage.process(&mut big).expect_err("no answer").to_string();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
    assert!(error.contains("did not read its request"), "{error}");
    assert!(error.contains(&big.id), "{error}");
}

#[test]
fn stray_lines_fail_at_most_one_document() {
    if !python_available() {
        eprintln!("skipping: python3 not found");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let plugin = write_plugin(dir.path(), "echo.py", ECHO);
    let stage = stage(&["python3", &plugin], 5_000, 1 << 20);
    assert_healthy(stage.as_ref(), "start");

    // A stray line before the answer is taken as the answer: that document fails. When
    // the answer has arrived too by the time the stray line is read, the stage sees two
    // lines for one request instead; either way only this document fails.
    let mut before = doc("STRAY-BEFORE the answer.");
    let error = stage
        .process(&mut before)
        .expect_err("stray line")
        .to_string();
    assert!(
        error.contains("not a response") || error.contains("more than one line"),
        "{error}"
    );
    assert_healthy(stage.as_ref(), "a stray line before the answer");

    // A stray line after the answer: this document is fine, the process is replaced.
    let mut after = doc("STRAY-AFTER the answer.");
    stage
        .process(&mut after)
        .expect("answered before the stray line");
    std::thread::sleep(Duration::from_millis(1000));
    assert_healthy(stage.as_ref(), "a stray line after the answer");
}

#[test]
fn a_late_answer_is_never_read_as_the_next_one() {
    if !python_available() {
        eprintln!("skipping: python3 not found");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let plugin = write_plugin(dir.path(), "echo.py", ECHO);
    // Long enough for a fresh Python to start and answer on a busy machine.
    let stage = stage(&["python3", &plugin], 2_500, 1 << 20);
    let mut slow = doc("A SLOW document.");
    let error = stage.process(&mut slow).expect_err("too slow").to_string();
    assert!(error.contains("did not answer in time"), "{error}");
    // The late answer (for `slow`) would arrive while these wait: they must not see it.
    assert_healthy(stage.as_ref(), "a late answer");
}

#[test]
fn an_endless_line_is_cut_at_the_cap() {
    // `yes | tr -d '\n'` writes `y` forever without a newline.
    let stage = stage(&["sh", "-c", "yes | tr -d '\\n'"], 20_000, 1 << 20);
    let mut d = doc("Anything at all.");
    let started = Instant::now();
    let error = stage.process(&mut d).expect_err("endless line").to_string();
    assert!(error.contains("max_line_bytes (1048576 bytes)"), "{error}");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn an_invalid_span_is_reported_as_sent() {
    if !python_available() {
        eprintln!("skipping: python3 not found");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let plugin = write_plugin(dir.path(), "echo.py", ECHO);
    let stage = stage(&["python3", &plugin], 5_000, 1 << 20);
    let mut bad = doc("A BADSPAN document.");
    let error = stage
        .process(&mut bad)
        .expect_err("span past the text")
        .to_string();
    assert!(error.contains("5..7078"), "{error}");
    assert!(bad.sentences.is_empty());
    // The plugin answered in step: it stays usable.
    assert_healthy(stage.as_ref(), "an invalid span");
}

#[test]
fn limits_are_checked() {
    let mut registry = Registry::new();
    stancegraph_exec::register(&mut registry);
    let factory = registry.get("exec").expect("exec is registered");
    let issues = factory.validate(&serde_json::json!({
        "command": ["sh"],
        "timeout_ms": 100_000_000_000u64,
        "max_line_bytes": 0,
    }));
    let paths: Vec<&str> = issues.iter().map(|i| i.path.as_str()).collect();
    assert_eq!(paths, vec!["timeout_ms", "max_line_bytes"]);
}
