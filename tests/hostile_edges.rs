//! The `stancegraph` binary against hostile plugins, signals, leftovers of killed runs,
//! concurrent runs and hostile document metadata (issue 17, items 4-6 and 9-15). Plugins,
//! configs and inputs are generated at test time.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_stancegraph"))
}

fn sample() -> PathBuf {
    stancegraph_testkit::seed_path()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn python_available() -> bool {
    Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn jsonl(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect()
}

/// A config whose only stage is an exec plugin.
fn exec_config(dir: &Path, command: &[&str], timeout_ms: u64, extra: &str) -> PathBuf {
    let command: Vec<String> = command.iter().map(|c| format!("{c:?}")).collect();
    let path = dir.join("exec.toml");
    std::fs::write(
        &path,
        format!(
            "[[stages]]\nstage = \"exec\"\ncommand = [{}]\nproduces = [\"ext:echo\"]\ntimeout_ms = {timeout_ms}\n{extra}",
            command.join(", ")
        ),
    )
    .expect("config written");
    path
}

/// A Python plugin that answers every request, misbehaves on trigger words, and appends
/// its pid to `pids` when it starts.
fn echo_plugin(dir: &Path) -> String {
    let path = dir.join("echo.py");
    let pids = dir.join("pids");
    std::fs::write(
        &path,
        format!(
            r#"
import json, os, sys, time
with open({pids:?}, "a") as f:
    f.write(f"{{os.getpid()}}\n")
for line in sys.stdin:
    doc = json.loads(line)["document"]
    if "STRAY" in doc["text"]:
        print("debug: a stray line", flush=True)
    if "HANG" in doc["text"]:
        time.sleep(3600)
    doc.setdefault("extensions", {{}})["echo"] = len(doc["text"])
    print(json.dumps({{"document": doc}}), flush=True)
"#,
            pids = pids.display().to_string()
        ),
    )
    .expect("plugin written");
    path.display().to_string()
}

fn write_inputs(dir: &Path, texts: &[(&str, &str)]) -> Vec<PathBuf> {
    let inputs = dir.join("inputs");
    std::fs::create_dir_all(&inputs).expect("inputs folder");
    texts
        .iter()
        .map(|(name, text)| {
            let path = inputs.join(name);
            std::fs::write(&path, text).expect("input written");
            path
        })
        .collect()
}

fn temp_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|name| name.starts_with(".stancegraph-"))
                .collect()
        })
        .unwrap_or_default()
}

fn wait_for(what: &str, limit: Duration, mut ready: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !ready() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn wait_exit(child: &mut Child, limit: Duration) -> std::process::ExitStatus {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().expect("child status") {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the run did not stop within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn signal(pid: u32, name: &str) {
    let status = Command::new("kill")
        .arg(format!("-{name}"))
        .arg(pid.to_string())
        .status()
        .expect("kill runs");
    assert!(status.success());
}

fn pids(dir: &Path) -> Vec<String> {
    std::fs::read_to_string(dir.join("pids"))
        .unwrap_or_default()
        .lines()
        .map(str::to_string)
        .collect()
}

fn running(pid: &str) -> bool {
    // A zombie has exited; only a live process counts.
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| !stat.contains(") Z "))
}

/// Item 4: a plugin that never reads its input fails its document within the timeout,
/// however large the request.
#[test]
fn a_plugin_that_never_reads_fails_its_document_in_time() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = exec_config(dir.path(), &["sh", "-c", "exec sleep 600"], 1_000, "");
    let big = "Tariffs were raised again on Monday. ".repeat(10_000);
    let inputs = write_inputs(dir.path(), &[("big.txt", &big)]);
    let out = dir.path().join("out");
    let started = Instant::now();
    let output = bin()
        .args(["run", "--workers", "1", "--config"])
        .arg(&config)
        .arg("--out")
        .arg(&out)
        .args(&inputs)
        .output()
        .expect("binary runs");
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    assert!(started.elapsed() < Duration::from_secs(30));
    let failed = jsonl(&out.join("failed.jsonl"));
    assert_eq!(failed.len(), 1);
    let reason = failed[0]["reason"].as_str().unwrap_or_default();
    assert!(reason.contains("did not read its request"), "{reason}");
}

/// Items 4, 11, 13: SIGTERM stops a run whose plugin hangs, kills the plugin, leaves no
/// temporary file and releases the output folder; while it runs, a second run into the
/// same folder is refused with a clear message.
#[test]
fn sigterm_stops_a_hanging_run_and_a_second_run_is_refused_meanwhile() {
    if !python_available() {
        eprintln!("skipping: python3 not found");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let plugin = echo_plugin(dir.path());
    let config = exec_config(dir.path(), &["python3", &plugin], 600_000, "");
    let inputs = write_inputs(
        dir.path(),
        &[
            ("a.txt", "A first, ordinary article."),
            ("b.txt", "This one makes the plugin HANG."),
        ],
    );
    let out = dir.path().join("out");
    let mut run = bin()
        .args(["run", "--workers", "1", "--config"])
        .arg(&config)
        .arg("--out")
        .arg(&out)
        .args(&inputs)
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary runs");
    // The first document is written (to a temporary file) before the plugin hangs.
    wait_for("the first document", Duration::from_secs(60), || {
        !temp_files(&out).is_empty()
    });
    std::thread::sleep(Duration::from_millis(300));

    let second = bin()
        .args(["run", "--config"])
        .arg(&config)
        .arg("--out")
        .arg(&out)
        .args(&inputs[..1])
        .output()
        .expect("binary runs");
    assert_eq!(second.status.code(), Some(1), "{}", stderr(&second));
    let message = stderr(&second);
    assert!(
        message.contains(&format!("another stancegraph run (pid {})", run.id())),
        "{message}"
    );
    assert!(message.contains("choose another --out"), "{message}");

    let plugins = pids(dir.path());
    assert!(!plugins.is_empty());
    signal(run.id(), "TERM");
    let status = wait_exit(&mut run, Duration::from_secs(15));
    assert_eq!(status.code(), Some(130));
    for pid in &plugins {
        wait_for("the plugin to die", Duration::from_secs(5), || {
            !running(pid)
        });
    }
    assert!(temp_files(&out).is_empty(), "{:?}", temp_files(&out));
    assert!(
        !out.join("documents.jsonl").exists(),
        "no output on interrupt"
    );

    // The folder is free again.
    let third = bin()
        .args(["run", "--config"])
        .arg(&config)
        .arg("--out")
        .arg(&out)
        .args(&inputs[..1])
        .output()
        .expect("binary runs");
    assert!(third.status.success(), "{}", stderr(&third));
    assert_eq!(jsonl(&out.join("documents.jsonl")).len(), 1);
}

/// Items 11, 13: `kill -9` leaves temporary files and a lock file; the next run removes
/// the temporary files and is not blocked by the lock of a dead process.
#[test]
fn a_killed_run_leaves_nothing_that_blocks_the_next() {
    if !python_available() {
        eprintln!("skipping: python3 not found");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let plugin = echo_plugin(dir.path());
    let config = exec_config(dir.path(), &["python3", &plugin], 600_000, "");
    let inputs = write_inputs(
        dir.path(),
        &[
            ("a.txt", "A first, ordinary article."),
            ("b.txt", "This one makes the plugin HANG."),
        ],
    );
    let out = dir.path().join("out");
    let mut run = bin()
        .args(["run", "--workers", "1", "--config"])
        .arg(&config)
        .arg("--out")
        .arg(&out)
        .args(&inputs)
        .stderr(Stdio::null())
        .spawn()
        .expect("binary runs");
    wait_for("the first document", Duration::from_secs(60), || {
        !temp_files(&out).is_empty()
    });
    run.kill().expect("kill -9");
    let _ = run.wait();
    for pid in pids(dir.path()) {
        // Plugins run in their own process group; end the orphan ourselves.
        if running(&pid) {
            signal(pid.parse().expect("pid"), "KILL");
        }
    }
    let stale = temp_files(&out);
    assert!(!stale.is_empty(), "kill -9 leaves temporary files");
    assert!(out.join(".stancegraph.lock").exists());

    let next = bin()
        .args(["run", "--config"])
        .arg(&config)
        .arg("--out")
        .arg(&out)
        .args(&inputs[..1])
        .output()
        .expect("binary runs");
    assert!(next.status.success(), "{}", stderr(&next));
    assert!(temp_files(&out).is_empty(), "{:?}", temp_files(&out));
    assert!(
        !out.join(".stancegraph.lock").exists(),
        "lock removed at the end"
    );
}

/// Item 5: a plugin printing a stray line fails that one document; the plugin is restarted
/// and every later document is processed.
#[test]
fn a_stray_line_fails_one_document_not_the_rest() {
    if !python_available() {
        eprintln!("skipping: python3 not found");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let plugin = echo_plugin(dir.path());
    let config = exec_config(dir.path(), &["python3", &plugin], 10_000, "");
    let inputs = write_inputs(
        dir.path(),
        &[
            ("a.txt", "An ordinary article."),
            ("b.txt", "A STRAY line comes first."),
            ("c.txt", "Another ordinary article."),
            ("d.txt", "A third ordinary article."),
            ("e.txt", "The last ordinary article."),
        ],
    );
    let out = dir.path().join("out");
    let output = bin()
        .args(["run", "--workers", "1", "--config"])
        .arg(&config)
        .arg("--out")
        .arg(&out)
        .args(&inputs)
        .output()
        .expect("binary runs");
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    let failed = jsonl(&out.join("failed.jsonl"));
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert!(failed[0]["source"]
        .as_str()
        .is_some_and(|s| s.ends_with("b.txt")));
    let documents = jsonl(&out.join("documents.jsonl"));
    assert_eq!(documents.len(), 4);
    assert!(documents.iter().all(|d| d["extensions"]["echo"].is_u64()));
}

/// Item 6: a plugin that writes without a newline is stopped at `max_line_bytes`.
#[test]
fn an_endless_answer_line_is_cut_at_the_cap() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = exec_config(
        dir.path(),
        &["sh", "-c", "yes | tr -d '\\n'"],
        60_000,
        "max_line_bytes = 4000000\n",
    );
    let inputs = write_inputs(dir.path(), &[("a.txt", "An ordinary article.")]);
    let out = dir.path().join("out");
    let output = bin()
        .args(["run", "--config"])
        .arg(&config)
        .arg("--out")
        .arg(&out)
        .args(&inputs)
        .output()
        .expect("binary runs");
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    let failed = jsonl(&out.join("failed.jsonl"));
    let reason = failed[0]["reason"].as_str().unwrap_or_default();
    assert!(
        reason.contains("max_line_bytes (4000000 bytes)"),
        "{reason}"
    );
}

/// Items 9, 10 end to end: a `javascript:` URL from JSONL is no link in the report, and a
/// formula title is neutralised in the DNA CSV.
#[test]
fn hostile_urls_and_titles_are_defused_in_the_exports() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = std::fs::read_to_string(sample()).expect("seed article");
    let lines = [
        serde_json::json!({"id": "evil", "title": "=HYPERLINK(\"http://evil.example\")", "url": "javascript:alert(1)", "text": text}),
        serde_json::json!({"id": "good", "title": "Talks", "url": "https://example.org/a", "text": text.replace("Bessent", "Yellen")}),
    ];
    let body: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    let inputs = write_inputs(dir.path(), &[("feed.jsonl", &(body.join("\n") + "\n"))]);
    let config = dir.path().join("exports.toml");
    let default = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("configs/default.toml"),
    )
    .expect("default config");
    std::fs::write(&config, default + "\n[[exports]]\nformat = \"dna\"\n").expect("config");
    let out = dir.path().join("out");
    let output = bin()
        .args(["run", "--config"])
        .arg(&config)
        .arg("--out")
        .arg(&out)
        .args(&inputs)
        .output()
        .expect("binary runs");
    assert!(output.status.success(), "{}", stderr(&output));

    let page = std::fs::read_to_string(out.join("report.html")).expect("report");
    let start = page.find("id=\"graph-data\"").expect("data block");
    let data = &page[start..];
    let data = &data[data.find('>').expect("tag") + 1..data.find("</script>").expect("end")];
    let data: serde_json::Value = serde_json::from_str(data).expect("page data");
    let links = data["links"].as_object().expect("links");
    assert!(
        links.values().all(|url| url == "https://example.org/a"),
        "{links:?}"
    );
    assert!(!page.contains("href=\"javascript"));

    let csv = std::fs::read_to_string(out.join("dna-statements.csv")).expect("DNA export");
    let mut evil_rows = 0;
    for line in csv.lines().skip(1) {
        for cell in line.split(',') {
            let cell = cell.trim_start_matches('"');
            assert!(
                !cell.starts_with(['=', '@', '\t', '\r']),
                "formula cell in {line}"
            );
        }
        evil_rows += usize::from(line.contains("'=HYPERLINK"));
    }
    assert!(
        evil_rows > 0,
        "the hostile title is kept, neutralised:\n{csv}"
    );
}

/// Items 11, 12: temporary files of an earlier killed run are removed at start; output
/// files get the permissions the umask allows, also when they replace a 0644 file.
#[cfg(unix)]
#[test]
fn stale_temp_files_go_and_outputs_follow_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("out");
    std::fs::create_dir_all(out.join("neo4j")).expect("out");
    std::fs::write(out.join(".stancegraph-AbC123"), "x".repeat(1000)).expect("stale");
    std::fs::write(out.join("graph.json"), "{}").expect("old graph");
    std::fs::set_permissions(
        out.join("graph.json"),
        std::fs::Permissions::from_mode(0o644),
    )
    .expect("chmod");
    // What the umask makes of a new file (0644 under 022).
    std::fs::write(dir.path().join("reference"), "x").expect("reference");
    let expected = std::fs::metadata(dir.path().join("reference"))
        .expect("metadata")
        .permissions()
        .mode()
        & 0o777;
    let output = bin()
        .arg("run")
        .arg(sample())
        .arg("--out")
        .arg(&out)
        .output()
        .expect("binary runs");
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(temp_files(&out).is_empty(), "{:?}", temp_files(&out));
    for name in ["graph.json", "documents.jsonl", "report.html"] {
        let mode = std::fs::metadata(out.join(name))
            .expect("output")
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, expected, "{name}: {mode:o}");
    }
}

/// Item 15: an OS error is printed once, not once per layer of the error chain.
#[test]
fn an_os_error_is_printed_once() {
    let output = bin()
        .arg("run")
        .arg(sample())
        .args(["--out", "/dev/null/out"])
        .output()
        .expect("binary runs");
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert_eq!(message.matches("os error").count(), 1, "{message}");
    assert!(message.contains("/dev/null/out"), "{message}");
}

/// Item 15: `--workers 0` means one worker per core, as `workers = 0` in the config does.
#[test]
fn workers_zero_means_one_per_core_on_the_command_line_too() {
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let dir = tempfile::tempdir().expect("temp dir");
    let mut counts = Vec::new();
    for flag in [Some("0"), None] {
        let out = dir.path().join(format!("out-{flag:?}"));
        let mut command = bin();
        command
            .arg("run")
            .arg(sample())
            .arg("--out")
            .arg(&out)
            .arg("--stats");
        if let Some(n) = flag {
            command.args(["--workers", n]);
        }
        // The embedded config says `workers = 0`.
        let output = command.output().expect("binary runs");
        assert!(output.status.success(), "{}", stderr(&output));
        let stats: serde_json::Value = serde_json::from_slice(
            output
                .stdout
                .split(|&b| b == b'\n')
                .find(|l| l.starts_with(b"{"))
                .expect("stats line"),
        )
        .expect("stats JSON");
        counts.push(stats["workers"].as_u64());
    }
    assert_eq!(counts, vec![Some(cores as u64), Some(cores as u64)]);
    let too_many = bin()
        .arg("run")
        .arg(sample())
        .args(["--workers", "100000", "--out"])
        .arg(dir.path().join("never"))
        .output()
        .expect("binary runs");
    assert_eq!(too_many.status.code(), Some(2), "{}", stderr(&too_many));
}
