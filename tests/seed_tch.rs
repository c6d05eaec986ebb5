//! The accurate preset on libtorch (configs/accurate-tch.toml, feature `bert`) against the
//! same preset on candle with f32 products (configs/accurate.toml with `int8 = false`, the
//! computation libtorch's must match): `stancegraph run` on the seed writes the same
//! documents.jsonl (every layer: mentions, entities, quotes, stances; floats within 1e-3,
//! everything else equal; provenance differs only at the encoder stage) and the same graph. And through the CLI: a bad device string fails
//! `validate`, CUDA without a GPU fails `run` naming the device.
#![cfg(feature = "bert")]

use std::path::{Path, PathBuf};
use std::process::Output;

/// Largest difference allowed between floats of the two runs (confidences, margins, stance
/// scores): f32 sums in another order (measured ~1e-5 on log-probabilities).
const TOLERANCE: f64 = 1e-3;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn stancegraph(args: &[&std::ffi::OsStr]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_stancegraph"))
        .arg("--data-dir")
        .arg(root().join("data"))
        .args(args)
        .output()
        .expect("stancegraph runs")
}

/// Runs `config` on the seed; documents.jsonl's first line and graph.json.
fn run(config: &Path, out: &Path) -> (serde_json::Value, serde_json::Value) {
    let seed = root().join("data/samples/000_668776db8feb23be.txt");
    let output = stancegraph(&[
        "run".as_ref(),
        "--config".as_ref(),
        config.as_os_str(),
        seed.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
    ]);
    assert!(
        output.status.success(),
        "{}: {}",
        config.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    let documents = std::fs::read_to_string(out.join("documents.jsonl")).expect("documents");
    let document = serde_json::from_str(documents.lines().next().expect("one document"))
        .expect("document json");
    let graph =
        serde_json::from_str(&std::fs::read_to_string(out.join("graph.json")).expect("graph"))
            .expect("graph json");
    (document, graph)
}

/// Equal up to [`TOLERANCE`] on floats (see [`stancegraph_testkit::compare_json`]).
fn compare(path: &str, a: &serde_json::Value, b: &serde_json::Value) -> Result<f64, String> {
    stancegraph_testkit::compare_json(path, a, b, TOLERANCE)
}

/// configs/accurate-tch.toml with its `device = "cpu"` line replaced.
fn tch_config_with_device(dir: &Path, device: &str) -> PathBuf {
    let text = std::fs::read_to_string(root().join("configs/accurate-tch.toml")).expect("config");
    assert!(text.contains("device = \"cpu\""));
    let path = dir.join(format!("device-{}.toml", device.replace(':', "-")));
    std::fs::write(
        &path,
        text.replace("device = \"cpu\"", &format!("device = \"{device}\"")),
    )
    .expect("write config");
    path
}

#[test]
fn candle_and_tch_presets_agree_on_the_seed() {
    let scratch = tempfile::tempdir().expect("tempdir");
    let accurate = std::fs::read_to_string(root().join("configs/accurate.toml")).expect("config");
    assert!(accurate.contains("int8 = true"));
    let candle_config = scratch.path().join("accurate-f32.toml");
    std::fs::write(
        &candle_config,
        accurate.replace("int8 = true", "int8 = false"),
    )
    .expect("write config");
    let (candle_doc, candle_graph) = run(&candle_config, &scratch.path().join("candle"));
    let (torch_doc, torch_graph) = run(
        &root().join("configs/accurate-tch.toml"),
        &scratch.path().join("tch"),
    );
    for layer in ["mentions", "entities", "quotes"] {
        let count = candle_doc[layer].as_array().map_or(0, Vec::len);
        assert!(count > 0, "the seed has {layer}");
        let worst =
            compare(layer, &candle_doc[layer], &torch_doc[layer]).unwrap_or_else(|e| panic!("{e}"));
        eprintln!("{layer}: {count} equal, worst float difference {worst:.2e}");
    }
    // Provenance names the stages that ran and hashes their configs: it differs at the
    // encoder stage (entities.encoder vs entities.encoder_tch) and only there.
    let provenance = |doc: &serde_json::Value| -> Vec<serde_json::Value> {
        doc["provenance"].as_array().cloned().unwrap_or_default()
    };
    let (candle_steps, torch_steps) = (provenance(&candle_doc), provenance(&torch_doc));
    assert_eq!(candle_steps.len(), torch_steps.len());
    let differing: Vec<String> = candle_steps
        .iter()
        .zip(&torch_steps)
        .filter(|(a, b)| a != b)
        .map(|(a, b)| format!("{a} / {b}"))
        .collect();
    assert_eq!(differing.len(), 1, "{differing:?}");
    assert!(
        differing[0].contains("entities.encoder_tch"),
        "{differing:?}"
    );
    let without_provenance = |doc: &serde_json::Value| {
        let mut doc = doc.clone();
        if let Some(object) = doc.as_object_mut() {
            object.remove("provenance");
        }
        doc
    };
    compare(
        "document",
        &without_provenance(&candle_doc),
        &without_provenance(&torch_doc),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    compare("graph", &candle_graph, &torch_graph).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn a_bad_device_fails_validation() {
    let scratch = tempfile::tempdir().expect("tempdir");
    let config = tch_config_with_device(scratch.path(), "gpu");
    let output = stancegraph(&["validate".as_ref(), config.as_os_str()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert!(
        stderr.contains("device") && stderr.contains("`gpu`"),
        "{stderr}"
    );
}

#[test]
fn cuda_without_a_gpu_fails_the_build_naming_the_device() {
    // The libtorch of scripts/install-libtorch.sh is CPU-only; a CUDA one with 9 GPUs would
    // make cuda:8 valid, hence the unlikely index.
    let scratch = tempfile::tempdir().expect("tempdir");
    let config = tch_config_with_device(scratch.path(), "cuda:8");
    let seed = root().join("data/samples/000_668776db8feb23be.txt");
    let out = scratch.path().join("out");
    let output = stancegraph(&[
        "run".as_ref(),
        "--config".as_ref(),
        config.as_os_str(),
        seed.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert!(
        stderr.contains("entities.encoder_tch") && stderr.contains("`cuda:8`"),
        "{stderr}"
    );
    assert!(stderr.contains("not available"), "{stderr}");
}
