//! A self-contained binary: copied into an empty folder with no `data/` and run with
//! `STANCEGRAPH_DATA` unset, it must build every default stage from the models compiled
//! into it and write the same graph and documents as a run on the checkout's files.
#![cfg(feature = "embed")]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn seed() -> PathBuf {
    stancegraph_testkit::seed_path()
}

fn run(binary: &Path, cwd: &Path, extra: &[&str], out: &Path) -> Output {
    let output = Command::new(binary)
        .current_dir(cwd)
        .env_remove("STANCEGRAPH_DATA")
        .args(extra)
        .arg("run")
        .arg(seed())
        .arg("--workers")
        .arg("1")
        .arg("--out")
        .arg(out)
        .output()
        .expect("the binary starts");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

#[test]
fn a_copied_binary_without_data_writes_the_same_graph() {
    let home = tempfile::tempdir().expect("temp dir");
    let binary = home.path().join("stancegraph");
    std::fs::copy(env!("CARGO_BIN_EXE_stancegraph"), &binary).expect("copy the binary");
    assert!(!home.path().join("data").exists());

    let relocated = home.path().join("out");
    run(&binary, home.path(), &[], &relocated);

    let checkout = tempfile::tempdir().expect("temp dir");
    let data = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data");
    let data_arg = data.to_string_lossy().into_owned();
    run(
        Path::new(env!("CARGO_BIN_EXE_stancegraph")),
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &["--data-dir", &data_arg],
        checkout.path(),
    );

    for file in ["graph.json", "documents.jsonl"] {
        let a = std::fs::read(relocated.join(file)).expect("relocated output");
        let b = std::fs::read(checkout.path().join(file)).expect("checkout output");
        assert!(!a.is_empty(), "{file} is empty");
        assert!(
            a == b,
            "{file} differs between the copied binary and the checkout"
        );
    }
    let graph = std::fs::read_to_string(relocated.join("graph.json")).expect("graph");
    assert!(
        graph.contains("Tesla"),
        "the seed's actors are in the graph"
    );
}

#[test]
fn explain_names_the_embedded_data_dir_and_an_empty_override_falls_back() {
    let empty = tempfile::tempdir().expect("temp dir");
    let output = Command::new(env!("CARGO_BIN_EXE_stancegraph"))
        .current_dir(empty.path())
        .env_remove("STANCEGRAPH_DATA")
        .arg("explain")
        .output()
        .expect("runs");
    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("# data dir: <embedded>"), "{stdout}");

    // An empty STANCEGRAPH_DATA directory overrides nothing: every file falls back.
    let output = Command::new(env!("CARGO_BIN_EXE_stancegraph"))
        .current_dir(empty.path())
        .env("STANCEGRAPH_DATA", empty.path())
        .arg("explain")
        .output()
        .expect("runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn validate_lists_every_model_file_that_exists_nowhere() {
    let dir = tempfile::tempdir().expect("temp dir");
    let default = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("configs/default.toml"),
    )
    .expect("default config");
    let broken = default
        .replacen(
            "stage = \"text.pos\"\n",
            "stage = \"text.pos\"\nmodel = \"models/text/nope.bin\"\n",
            1,
        )
        .replacen(
            "stage = \"relations.rules\"\n",
            "stage = \"relations.rules\"\nmodel_dir = \"/nonexistent/relations\"\n",
            1,
        );
    assert_ne!(broken, default);
    let config = dir.path().join("broken.toml");
    std::fs::write(&config, broken).expect("write config");
    let output = Command::new(env!("CARGO_BIN_EXE_stancegraph"))
        .current_dir(dir.path())
        .env_remove("STANCEGRAPH_DATA")
        .arg("validate")
        .arg(&config)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("2 problem(s)"), "{stderr}");
    assert!(
        stderr.contains("stages[2].model: `models/text/nope.bin` not found"),
        "{stderr}"
    );
    assert!(stderr.contains("stages[7].model_dir"), "{stderr}");

    let output = Command::new(env!("CARGO_BIN_EXE_stancegraph"))
        .current_dir(dir.path())
        .env_remove("STANCEGRAPH_DATA")
        .arg("validate")
        .arg(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("configs/default.toml"))
        .output()
        .expect("runs");
    assert!(
        output.status.success(),
        "the embedded models satisfy the default config"
    );
}
