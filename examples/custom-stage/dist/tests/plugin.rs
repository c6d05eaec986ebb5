//! The distribution binary runs a config that uses the plugin stage on the seed article.

use std::path::PathBuf;
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../..")
}

#[test]
fn plugin_stage_runs_in_a_pipeline_and_shows_in_list_stages() {
    let out = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_stancegraph-with-issues"))
        .current_dir(root())
        .args([
            "run",
            "--config",
            "examples/custom-stage/pipeline.toml",
            "data/samples/000_668776db8feb23be.txt",
            "--out",
        ])
        .arg(out.path())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let line = std::fs::read_to_string(out.path().join("documents.jsonl")).unwrap();
    let doc: serde_json::Value = serde_json::from_str(line.lines().next().unwrap()).unwrap();
    let hits = doc["extensions"]["issues"].as_array().unwrap();
    assert!(hits.iter().any(|h| h["label"] == "trade war"));
    assert!(hits
        .iter()
        .any(|h| h["label"] == "rare earth export controls"));
    let discusses = doc["relations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["kind"] == "discusses")
        .count();
    assert!(discusses > 0);
    let graph = std::fs::read_to_string(out.path().join("graph.json")).unwrap();
    assert!(graph.contains("discusses"));

    let list = Command::new(env!("CARGO_BIN_EXE_stancegraph-with-issues"))
        .arg("list-stages")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&list.stdout).contains("example.issues"));
}

#[test]
fn misspelt_plugin_stage_gets_a_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("typo.toml");
    std::fs::write(&config, "[[stages]]\nstage = \"example.issue\"\n").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_stancegraph-with-issues"))
        .arg("validate")
        .arg(&config)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("`example.issues`"));
}
