//! `stop_all` (the command line's Ctrl-C and SIGTERM handler) kills running plugins and
//! ends a waiting exchange at once. Its own test binary: the stop is process-wide.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use stancegraph_core::{BuildContext, Document, Metadata, Registry};

#[test]
fn stop_all_ends_waiting_exchanges_and_kills_plugins() {
    let dir = tempfile::tempdir().expect("temp dir");
    let pid_file = dir.path().join("pid");
    // Records its pid, then never answers.
    let script = format!("echo $$ > '{}'; exec sleep 60", pid_file.display());
    let mut registry = Registry::new();
    stancegraph_exec::register(&mut registry);
    let config = serde_json::json!({
        "command": ["sh", "-c", script],
        "produces": ["ext:nothing"],
        "timeout_ms": 60_000,
    });
    let context = BuildContext {
        data_dir: PathBuf::from("data"),
        config_path: "stages[0]".into(),
    };
    let stage = registry
        .get("exec")
        .expect("exec is registered")
        .build(&config, &context)
        .expect("plugin starts");
    let started = Instant::now();
    let worker = std::thread::spawn(move || {
        let mut doc = Document::new(None, "Waiting forever.", Metadata::default());
        stage.process(&mut doc).map_err(|e| e.to_string())
    });
    std::thread::sleep(Duration::from_millis(300));
    let pid = std::fs::read_to_string(&pid_file).expect("plugin started");
    stancegraph_exec::stop_all();
    let error = worker
        .join()
        .expect("worker")
        .expect_err("stopped, not answered");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(error.contains("stopped"), "{error}");
    // The plugin is gone (reaped, so no /proc entry) shortly after.
    let proc_entry = PathBuf::from("/proc").join(pid.trim());
    if PathBuf::from("/proc/self").exists() {
        let deadline = Instant::now() + Duration::from_secs(3);
        while proc_entry.exists() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(!proc_entry.exists(), "plugin {} still running", pid.trim());
    }
    assert!(stancegraph_exec::stopped());
}
