//! The HTML report opened in a real browser (headless Debian `chromium`): the seed graph's
//! actors are drawn, selecting Bessent shows his "substantial unprovoked escalation"
//! statement, and a screenshot is saved under `$CARGO_TARGET_TMPDIR/report-test/`.
//!
//! The page writes its state (drawn labels, details panel text, layout time) as JSON into
//! `<pre id="report-state">` after each layout; chromium's `--dump-dom` prints the DOM once
//! the page has loaded. Skips with a notice when chromium is not installed
//! (`apt-get install -y chromium`); `STANCEGRAPH_CHROMIUM` names another binary.
//!
//! The large-graph timing (3,000 actors, 20,000 edges) is `#[ignore]`d: run it with
//! `cargo test -p stancegraph-graph --release --test report_browser -- --ignored --nocapture`.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use serde_json::{json, Value};
use stancegraph_graph::{render, ExportFormat, ExportSpec, KnowledgeGraph};

const OUTPUT: &str = concat!(env!("CARGO_TARGET_TMPDIR"), "/report-test");

fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("STANCEGRAPH_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    path.exists().then_some(path)
}

/// Runs headless chromium on `url` with a fresh profile and no network services; returns
/// stdout. Killed after `limit`.
fn run_chromium(binary: &Path, extra: &[String], url: &str, limit: Duration) -> String {
    let profile = tempfile::tempdir().expect("profile dir");
    let mut args: Vec<String> = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
        "--allow-file-access-from-files",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    args.push(format!("--user-data-dir={}", profile.path().display()));
    args.extend(extra.iter().cloned());
    args.push(url.to_string());
    let mut child = Command::new(binary)
        .args(&args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start chromium");
    let stdout = child.stdout.take().expect("stdout");
    let stderr = child.stderr.take().expect("stderr");
    let out_reader =
        std::thread::spawn(move || std::io::read_to_string(stdout).unwrap_or_default());
    let err_reader =
        std::thread::spawn(move || std::io::read_to_string(stderr).unwrap_or_default());
    let started = Instant::now();
    loop {
        if child.try_wait().expect("wait chromium").is_some() {
            break;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = out_reader.join().unwrap_or_default();
    if out.trim().is_empty() {
        eprintln!("chromium stderr: {}", err_reader.join().unwrap_or_default());
    }
    out
}

/// The JSON the page wrote into `<pre id="report-state">`, from a dumped DOM.
fn page_state(dom: &str) -> Value {
    let start = dom.find("id=\"report-state\"").unwrap_or_else(|| {
        panic!(
            "no report-state in the DOM: {}",
            &dom[..dom.len().min(2000)]
        )
    });
    let after = &dom[start..];
    let open = after.find('>').expect("tag end") + 1;
    let close = after.find("</pre>").expect("pre end");
    let text = after[open..close]
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("state is not JSON ({e}): {text}"))
}

fn write_report(graph: &KnowledgeGraph, name: &str, top: Option<usize>) -> PathBuf {
    let mut spec = ExportSpec::new(ExportFormat::Html);
    spec.top_actors = top;
    let files = render(graph, &spec).expect("render html");
    assert_eq!(files.len(), 1);
    let folder = PathBuf::from(OUTPUT);
    std::fs::create_dir_all(&folder).expect("output folder");
    let path = folder.join(name);
    std::fs::write(&path, &files[0].1).expect("write report");
    path
}

fn file_url(path: &Path, fragment: &str) -> String {
    format!("file://{}#{fragment}", path.display())
}

#[test]
fn seed_report_draws_actors_and_shows_bessents_statement() {
    let Some(browser) = chromium() else {
        eprintln!("skipping: /usr/bin/chromium not found (apt-get install -y chromium)");
        return;
    };
    let Some(seed) = seed_document() else {
        eprintln!(
            "skipping: {} not found",
            stancegraph_testkit::seed_path().display()
        );
        return;
    };
    let mut graph = KnowledgeGraph::new();
    graph.merge_document(&seed);
    graph.merge_document(&second_document());
    let report = write_report(&graph, "seed.html", None);
    let html = std::fs::read_to_string(&report).expect("read report");
    assert!(
        !html.contains("http://") || !html.contains("<script src"),
        "no remote scripts"
    );

    let url = file_url(&report, "select=Scott%20Bessent");
    let dom = run_chromium(
        &browser,
        &["--dump-dom".into(), "--virtual-time-budget=10000".into()],
        &url,
        Duration::from_secs(120),
    );
    let state = page_state(&dom);
    assert_eq!(state["ready"], json!(true), "{state}");
    let drawn: Vec<&str> = state["drawn_labels"]
        .as_array()
        .expect("labels")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for actor in [
        "Scott Bessent",
        "He Lifeng",
        "Donald Trump",
        "Xi Jinping",
        "China",
        "Li Chenggang",
        "Wendy Cutler",
    ] {
        assert!(drawn.contains(&actor), "{actor} is not drawn: {drawn:?}");
    }
    assert!(
        state["positioned"].as_u64() == Some(drawn.len() as u64),
        "every drawn node has a position: {state}"
    );
    assert!(state["drawn_edges"].as_u64().unwrap_or(0) >= 5, "{state}");
    assert_eq!(state["selected"], json!("Scott Bessent"), "{state}");
    let details = state["details"].as_str().expect("details text");
    assert!(
        details.contains("substantial unprovoked escalation"),
        "Bessent's statement is shown: {details}"
    );
    assert!(details.contains("Treasury Secretary"), "role: {details}");
    assert!(
        details.contains("export controls on rare earth minerals"),
        "stance target: {details}"
    );
    assert!(
        details.contains("000_668776db8feb23be"),
        "document id: {details}"
    );
    // The highlighted trigger is a <mark> in the details panel.
    assert!(
        dom.contains("<mark class=\"trigger\">substantial unprovoked escalation</mark>"),
        "the justifying text is highlighted"
    );
    assert!(
        state["statements"].as_u64().unwrap_or(0) >= 8,
        "statements table: {state}"
    );

    let screenshot = PathBuf::from(OUTPUT).join("seed.png");
    let _ = std::fs::remove_file(&screenshot);
    run_chromium(
        &browser,
        &[
            format!("--screenshot={}", screenshot.display()),
            "--window-size=1400,900".into(),
            "--virtual-time-budget=10000".into(),
        ],
        &url,
        Duration::from_secs(120),
    );
    let png = std::fs::read(&screenshot).expect("screenshot written");
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 20_000,
        "a real screenshot"
    );
    eprintln!("screenshot: {}", screenshot.display());
}

/// A synthetic node-link graph: `actors` actors with Zipf-like prominence, `edges` stance,
/// interaction and co-occurrence links with one to three pieces of evidence each, over 500
/// dated documents.
fn synthetic_graph(actors: usize, edges: usize) -> KnowledgeGraph {
    let mut seed: u64 = 0x5eed;
    let mut next = move |n: usize| -> usize {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((seed >> 33) as usize) % n.max(1)
    };
    let documents = 500;
    let mut nodes = Vec::new();
    for d in 0..documents {
        nodes.push(json!({
            "kind": "document", "id": format!("doc:d{d:04}"), "label": format!("Article {d}"),
            "type": "DOCUMENT", "doc_id": format!("d{d:04}"),
            "title": format!("Article {d}"),
            "date": format!("2025-{:02}-{:02}", 1 + d % 12, 1 + d % 28),
        }));
    }
    let types = ["PER", "PER", "PER", "ORG", "GPE"];
    for a in 0..actors {
        let mentions = 1 + 2000 / (a + 1);
        let doc = format!("d{:04}", a % documents);
        let prefix = types[a % types.len()].to_lowercase();
        nodes.push(json!({
            "kind": "actor", "id": format!("{prefix}:actor {a:05}"),
            "label": format!("Actor {a:05}"), "type": types[a % types.len()],
            "aliases": [], "roles": [], "mentions": mentions,
            "mentions_by_doc": { doc: mentions }, "documents": 1,
        }));
    }
    let id_of = |a: usize| format!("{}:actor {a:05}", types[a % types.len()].to_lowercase());
    let mut links = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    while links.len() < edges {
        // Prominent actors take part in more edges.
        let a = next(actors).min(next(actors));
        let b = next(actors);
        let kind = ["stance", "interaction", "co_occurrence"][next(3)];
        if a == b || !seen.insert((a, b, kind)) {
            continue;
        }
        let (source, target) = if kind == "co_occurrence" && id_of(a) > id_of(b) {
            (id_of(b), id_of(a))
        } else {
            (id_of(a), id_of(b))
        };
        let polarity = ["support", "oppose", "neutral"][next(3)];
        let evidence: Vec<Value> = (0..1 + next(3))
            .map(|i| {
                let doc = format!("d{:04}", next(documents));
                json!({"doc": doc, "start": i * 40, "end": i * 40 + 38,
                       "text": format!("Actor {a:05} spoke about Actor {b:05} in a long sentence."),
                       "confidence": 0.6, "stage": "synthetic", "trigger": "spoke"})
            })
            .collect();
        let mut link = json!({
            "source": source, "target": target, "key": format!("{kind}:{polarity}"),
            "kind": kind, "label": if kind == "interaction" { "meet" } else { polarity },
            "polarity": polarity, "confidence": 0.8, "weight": evidence.len(),
            "evidence": evidence, "stages": ["synthetic"],
        });
        if kind == "interaction" {
            link["sign"] = json!("cooperation");
        }
        links.push(link);
    }
    let value =
        json!({"directed": true, "multigraph": true, "graph": {}, "nodes": nodes, "links": links});
    KnowledgeGraph::from_node_link(&value).expect("synthetic graph loads")
}

#[test]
#[ignore = "timing: run with --ignored --nocapture and record the figure"]
fn large_graph_loads_and_lays_out_within_ten_seconds() {
    let Some(browser) = chromium() else {
        eprintln!("skipping: /usr/bin/chromium not found (apt-get install -y chromium)");
        return;
    };
    let graph = synthetic_graph(3_000, 20_000);
    let rendering = Instant::now();
    let report = write_report(&graph, "large.html", None);
    eprintln!(
        "large graph: export (filter, layout in Rust, page) took {:.2} s",
        rendering.elapsed().as_secs_f64()
    );
    let size = std::fs::metadata(&report).map(|m| m.len()).unwrap_or(0);
    for (fragment, label) in [("", "default top actors"), ("top=1000", "top 1000")] {
        let started = Instant::now();
        let dom = run_chromium(
            &browser,
            &["--dump-dom".into(), "--virtual-time-budget=60000".into()],
            &file_url(&report, fragment),
            Duration::from_secs(300),
        );
        let wall = started.elapsed();
        let state = page_state(&dom);
        assert_eq!(state["ready"], json!(true), "{state}");
        let load_to_layout = state["load_to_layout_ms"].as_f64().unwrap_or(f64::MAX);
        eprintln!(
            "large graph ({} nodes, {} links, {:.1} MB page), {label}: drew {} nodes / {} edges; \
             navigation start → first layout done {load_to_layout:.0} ms (layout {} ms); \
             chromium process {:.1} s",
            state["nodes_in_graph"],
            state["links_in_graph"],
            size as f64 / 1e6,
            state["drawn_nodes"],
            state["drawn_edges"],
            state["layout_ms"],
            wall.as_secs_f64(),
        );
        if fragment.is_empty() {
            assert!(load_to_layout < 10_000.0, "{state}");
        }
    }
}
