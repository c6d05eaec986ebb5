//! `entities.encoder_tch` (forward pass on libtorch) against `entities.encoder` (candle) on
//! the seed article with the shipped model: per-token log-probabilities within 1e-3, the same
//! decoded labels, and the same stage outputs (mentions and attribution tags; floats within
//! 1e-3, everything else equal). Candle runs its f32 products here (`int8 = false`), the
//! computation libtorch's must match; its int8 products (the accurate preset's default on
//! AVX-512 VNNI CPUs) round activations and are compared by label agreement only. Also: a bad
//! device string is a config error, CUDA without a GPU a build error naming the device.
#![cfg(feature = "torch")]

use std::path::PathBuf;

use stancegraph_bert::tch_encoder::load_tch_encoder;
use stancegraph_bert::ENCODER_TCH_STAGE;
use stancegraph_core::{BuildContext, Document, Metadata, Registry};
use stancegraph_encoder::model::EncoderModel;

/// Largest difference allowed between the backends' log-probabilities, confidences and
/// margins: f32 sums in another order over 6 layers (measured ~1e-5).
const TOLERANCE: f64 = 1e-3;

fn root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

fn model_dir() -> PathBuf {
    root().join("data/models/encoder")
}

fn context() -> BuildContext {
    BuildContext {
        data_dir: root().join("data"),
        config_path: "stages[4]".into(),
    }
}

fn registry() -> Registry {
    let mut registry = Registry::new();
    stancegraph_encoder::register(&mut registry);
    stancegraph_bert::register(&mut registry);
    registry
}

fn seed() -> Document {
    let text = std::fs::read_to_string(root().join("data/samples/000_668776db8feb23be.txt"))
        .expect("seed article");
    let mut doc = Document::new(Some("seed".into()), text, Metadata::default());
    stancegraph_text::tokenize_document(&mut doc, stancegraph_text::DEFAULT_MAX_SENTENCE_TOKENS);
    doc
}

/// Equal up to [`TOLERANCE`] on floats (see [`stancegraph_testkit::compare_json`]).
fn compare(path: &str, a: &serde_json::Value, b: &serde_json::Value) -> Result<f64, String> {
    stancegraph_testkit::compare_json(path, a, b, TOLERANCE)
}

fn has_model() -> bool {
    let present = model_dir().join("model.safetensors").is_file();
    if !present {
        eprintln!("skipped: no data/models/encoder/model.safetensors");
    }
    present
}

#[test]
fn candle_and_tch_scores_agree_on_the_seed() {
    if !has_model() {
        return;
    }
    let doc = seed();
    let words: Vec<String> = doc
        .tokens
        .iter()
        .map(|t| stancegraph_entities::normalise_token(doc.slice(t.span)))
        .collect();
    let candle = EncoderModel::load_with(&model_dir(), false).expect("candle f32");
    let int8 = EncoderModel::load_with(&model_dir(), true).expect("candle int8");
    let torch = load_tch_encoder(&model_dir(), "cpu").expect("tch");
    let windows = candle
        .windows(&words, candle.spec().windows())
        .expect("windows");
    assert!(windows.windows.len() > 1, "the seed needs several windows");
    let score = |model: &EncoderModel| {
        model
            .score(std::slice::from_ref(&windows), &["seed"], 8, &|| false)
            .pop()
            .expect("one document")
            .expect("scores")
    };
    let (candle_scores, int8_scores, torch_scores) = (score(&candle), score(&int8), score(&torch));
    for (h, head) in candle.heads().iter().enumerate() {
        let (a, b) = (&candle_scores.heads[h], &torch_scores.heads[h]);
        assert_eq!(a.len(), b.len());
        let worst = a
            .iter()
            .zip(b)
            .map(|(x, y)| (x - y).abs())
            .fold(0.0f32, f32::max);
        let labels = |rows: &[f32]| head.constraints.viterbi(rows, head.transitions.as_deref());
        let torch_labels = labels(b);
        let int8_labels = labels(&int8_scores.heads[h]);
        let int8_agree = torch_labels
            .iter()
            .zip(&int8_labels)
            .filter(|(x, y)| x == y)
            .count() as f64
            / torch_labels.len().max(1) as f64;
        eprintln!(
            "{}: {} tokens, max |log-prob difference| candle f32 vs tch {worst:.2e}; candle int8 labels agree with tch on {int8_agree:.4}",
            head.spec.task,
            words.len()
        );
        assert!(f64::from(worst) < TOLERANCE, "{}: {worst}", head.spec.task);
        assert_eq!(labels(a), torch_labels, "{}", head.spec.task);
    }
}

#[test]
fn candle_and_tch_stages_write_the_same_layers_on_the_seed() {
    if !has_model() {
        return;
    }
    let registry = registry();
    let build = |name: &str, config: serde_json::Value| {
        registry
            .get(name)
            .expect("registered")
            .build(&config, &context())
            .unwrap_or_else(|e| panic!("{name}: {e}"))
    };
    let candle = build(
        stancegraph_encoder::ENTITIES_STAGE,
        serde_json::json!({ "int8": false }),
    );
    let torch = build(ENCODER_TCH_STAGE, serde_json::json!({ "device": "cpu" }));
    let mut by_candle = seed();
    let mut by_torch = seed();
    candle.process(&mut by_candle).expect("candle stage");
    torch.process(&mut by_torch).expect("tch stage");
    assert!(
        by_candle.mentions.len() > 10,
        "{}",
        by_candle.mentions.len()
    );
    let mentions = |doc: &Document| serde_json::to_value(&doc.mentions).expect("json");
    let worst = compare("mentions", &mentions(&by_candle), &mentions(&by_torch))
        .unwrap_or_else(|e| panic!("{e}"));
    let tags = |doc: &Document| doc.extensions.get("encoder").cloned().expect("ext:encoder");
    let worst_tags = compare("ext:encoder", &tags(&by_candle), &tags(&by_torch))
        .unwrap_or_else(|e| panic!("{e}"));
    eprintln!(
        "{} mentions, {} attribution tags equal; worst float difference {worst:.2e} (mentions), {worst_tags:.2e} (margins)",
        by_candle.mentions.len(),
        tags(&by_candle)["tags"].as_array().map_or(0, Vec::len)
    );
}

#[test]
fn a_bad_device_is_a_config_error() {
    let registry = registry();
    let factory = registry.get(ENCODER_TCH_STAGE).expect("registered");
    let issues = factory.validate(&serde_json::json!({ "device": "gpu:0" }));
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert_eq!(issues[0].path, "device");
    assert!(issues[0].message.contains("`gpu:0`"), "{}", issues[0]);
}

#[test]
fn cuda_without_a_gpu_is_a_build_error_naming_the_device() {
    let visible = if tch::Cuda::is_available() {
        tch::Cuda::device_count()
    } else {
        0
    };
    let registry = registry();
    let factory = registry.get(ENCODER_TCH_STAGE).expect("registered");
    // One past the last visible device: unavailable on any machine.
    for device in [format!("cuda:{visible}"), "cuda".to_string()] {
        if device == "cuda" && visible > 0 {
            continue;
        }
        let config =
            serde_json::json!({ "device": device, "model": model_dir().display().to_string() });
        assert!(
            factory.validate(&config).is_empty(),
            "{device} is well formed"
        );
        let error = factory
            .build(&config, &context())
            .err()
            .unwrap_or_else(|| panic!("{device}: built without a GPU"))
            .to_string();
        assert!(error.contains(ENCODER_TCH_STAGE), "{error}");
        assert!(error.contains(&format!("`{device}`")), "{error}");
        assert!(error.contains("not available"), "{error}");
    }
}
