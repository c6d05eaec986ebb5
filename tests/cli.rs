//! The `stancegraph` binary end to end: the README's run command, config validation,
//! exit codes and determinism across worker counts.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_stancegraph"))
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn sample() -> PathBuf {
    stancegraph_testkit::seed_path()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn jsonl(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn readme_run_command_processes_the_sample() {
    let out = tempfile::tempdir().unwrap();
    let output = bin()
        .arg("run")
        .arg(sample())
        .arg("--out")
        .arg(out.path())
        .arg("--stats")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let documents = jsonl(&out.path().join("documents.jsonl"));
    assert_eq!(documents.len(), 1);
    let doc = &documents[0];
    assert_eq!(doc["offsets"], "codepoint");
    assert!(!doc["sentences"].as_array().unwrap().is_empty());
    // Provenance names every configured stage.
    let stages: Vec<&str> = doc["provenance"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["stage"].as_str().unwrap())
        .collect();
    assert_eq!(stages.first(), Some(&"ingest.blocks"));
    let graph: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("graph.json")).unwrap())
            .unwrap();
    assert_eq!(graph["directed"], true);
    assert!(graph["nodes"].as_array().unwrap().len() > 1);
    let stats: serde_json::Value =
        serde_json::from_str(String::from_utf8_lossy(&output.stdout).trim()).unwrap();
    assert_eq!(stats["documents"], 1);
    assert!(stats["words"].as_u64().unwrap() > 700);
    assert_eq!(jsonl(&out.path().join("failed.jsonl")).len(), 0);
}

#[test]
fn validate_reports_all_three_mistakes_with_paths() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("bad.toml");
    std::fs::write(
        &config,
        r#"
[runner]
workers = "many"

[[stages]]
stage = "text.tokenize"

[[stages]]
stage = "text.postag"

[[stages]]
stage = "ingest.blocks"
min_scroe = 0.5
"#,
    )
    .unwrap();
    let output = bin().arg("validate").arg(&config).output().unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let text = stderr(&output);
    assert!(text.contains("runner.workers"), "{text}");
    assert!(
        text.contains("stages[1].stage") && text.contains("`text.pos`"),
        "{text}"
    );
    assert!(text.contains("stages[2].min_scroe"), "{text}");
}

#[test]
fn default_config_validates_and_explains() {
    let output = bin()
        .arg("validate")
        .arg(root().join("configs/default.toml"))
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let output = bin().arg("explain").output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let table = String::from_utf8_lossy(&output.stdout);
    assert!(
        table.contains("quotes.attribution") && table.contains("requires"),
        "{table}"
    );
    let output = bin().arg("list-stages").output().unwrap();
    assert!(String::from_utf8_lossy(&output.stdout).contains("text.parse"));
}

#[test]
fn a_broken_input_is_reported_and_the_rest_processed() {
    let input = tempfile::tempdir().unwrap();
    std::fs::copy(sample(), input.path().join("a.txt")).unwrap();
    std::fs::write(input.path().join("b.txt"), [0u8, 159, 146, 150, 0, 0, 1, 2]).unwrap();
    std::fs::write(
        input.path().join("c.txt"),
        "Officials in Brussels said on Monday that the talks would resume.\n",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let output = bin()
        .arg("run")
        .arg(input.path())
        .arg("--out")
        .arg(out.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    assert_eq!(jsonl(&out.path().join("documents.jsonl")).len(), 2);
    let failed = jsonl(&out.path().join("failed.jsonl"));
    assert_eq!(failed.len(), 1);
    assert!(failed[0]["source"].as_str().unwrap().ends_with("b.txt"));
}

#[test]
fn one_and_four_workers_give_identical_outputs() {
    // 200 documents made from the sample's paragraphs in rotating order.
    let text = std::fs::read_to_string(sample()).unwrap();
    let paragraphs: Vec<&str> = text.lines().filter(|l| l.len() > 80).collect();
    let input = tempfile::tempdir().unwrap();
    for i in 0..200 {
        let doc: Vec<&str> = (0..3)
            .map(|k| paragraphs[(i * 7 + k * 3) % paragraphs.len()])
            .collect();
        std::fs::write(input.path().join(format!("{i:03}.txt")), doc.join("\n")).unwrap();
    }
    let run = |workers: &str| {
        let out = tempfile::tempdir().unwrap();
        // Rotated paragraphs repeat; switch deduplication off through the environment.
        let output = bin()
            .env("STANCEGRAPH__SOURCE__DEDUP", "false")
            .arg("run")
            .arg(input.path())
            .arg("--out")
            .arg(out.path())
            .arg("--workers")
            .arg(workers)
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", stderr(&output));
        let read = |name: &str| std::fs::read(out.path().join(name)).unwrap();
        (read("documents.jsonl"), read("graph.json"))
    };
    let one = run("1");
    assert_eq!(one.0.iter().filter(|&&b| b == b'\n').count(), 200);
    assert!(one == run("4"), "outputs differ between 1 and 4 workers");
}

#[test]
fn unknown_input_glob_is_a_usage_error() {
    let output = bin().arg("run").arg("/nonexistent/*.txt").output().unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
}

#[test]
fn incremental_run_adds_to_an_existing_graph() {
    let first = tempfile::tempdir().unwrap();
    let output = bin()
        .arg("run")
        .arg(sample())
        .arg("--out")
        .arg(first.path())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let input = tempfile::tempdir().unwrap();
    let second_doc = input.path().join("second.txt");
    std::fs::write(
        &second_doc,
        "German Chancellor Olaf Scholz met French President Emmanuel Macron in Berlin on Monday.\n\
         Scholz said the two leaders agreed to coordinate their response to the tariffs.\n",
    )
    .unwrap();
    let second = tempfile::tempdir().unwrap();
    let output = bin()
        .arg("run")
        .arg(&second_doc)
        .arg("--graph")
        .arg(first.path().join("graph.json"))
        .arg("--out")
        .arg(second.path())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let graph: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(second.path().join("graph.json")).unwrap())
            .unwrap();
    let labels: Vec<&str> = graph["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|n| n["label"].as_str())
        .collect();
    assert!(
        labels.contains(&"Scott Bessent"),
        "the earlier graph's actors are kept"
    );
    assert!(
        labels.iter().any(|l| l.contains("Scholz")),
        "the new document's actors are added: {labels:?}"
    );
    let documents = graph["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == "document")
        .count();
    assert_eq!(documents, 2);
}

#[test]
fn ner_errors_lists_only_the_sentences_that_differ_from_the_gold() {
    let dir = tempfile::tempdir().unwrap();
    let conll = dir.path().join("tiny.conll");
    // The second sentence's gold is wrong on purpose: Paris is no person.
    std::fs::write(
        &conll,
        "-DOCSTART- -X- O O\n\nJohn NNP B-NP I-PER\nSmith NNP I-NP I-PER\nvisited VBD B-VP O\nLondon NNP B-NP I-LOC\n. . O O\n\n\
         Officials O O O\nin O O O\nParis NNP B-NP I-PER\nagreed O O O\n. . O O\n\n",
    )
    .unwrap();
    let errors = dir.path().join("errors.jsonl");
    let output = bin()
        .args(["eval", "ner", "--conll"])
        .arg(&conll)
        .arg("--config")
        .arg(root().join("configs/default.toml"))
        .arg("--errors")
        .arg(&errors)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let lines = jsonl(&errors);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["sentence"], 1);
    assert_eq!(
        lines[0]["gold"][0],
        serde_json::json!([2, 3, "PER", "Paris"])
    );
    assert_eq!(
        lines[0]["predicted"][0],
        serde_json::json!([2, 3, "LOC", "Paris"])
    );
}
