//! The `relations.encoder` stage on tiny random models written by the test (no download):
//! the encoders read the pairs and quotes of a document, the calibration file next to the
//! pair model sets the confidence, bad configs and missing models are reported by key.
#![cfg(feature = "candle")]

// Shared with the other tests; this one writes models with extra heads only.
#[allow(dead_code)]
mod tiny;

use std::path::{Path, PathBuf};

use stancegraph_core::{BuildContext, Document, Metadata, Registry, TypedFactory};
use stancegraph_encoder::relations_stage::{
    RelationsEncoderConfig, RelationsEncoderFactory, CALIBRATION_FILE, RELATIONS_STAGE,
};
use stancegraph_encoder::sentiment::{SENTIMENT_LABELS, SENTIMENT_SCHEME, SENTIMENT_TASK};
use stancegraph_encoder::stance::{STANCE_LABELS, STANCE_SCHEME, STANCE_TASK};

fn project_data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data")
}

fn context() -> BuildContext {
    BuildContext {
        data_dir: project_data(),
        config_path: "stages[0]".into(),
    }
}

/// Tiny sentiment and stance models in a fresh directory.
fn models(name: &str) -> (PathBuf, PathBuf) {
    let root = std::env::temp_dir().join(format!(
        "stancegraph-relations-encoder-{}-{name}",
        std::process::id()
    ));
    let sentiment = root.join("sentiment");
    let pair = root.join("pair");
    tiny::write_model_with(
        &sentiment,
        64,
        16,
        &[(SENTIMENT_TASK, SENTIMENT_SCHEME, &SENTIMENT_LABELS)],
    );
    tiny::write_model_with(
        &pair,
        64,
        16,
        &[(STANCE_TASK, STANCE_SCHEME, &STANCE_LABELS)],
    );
    (sentiment, pair)
}

/// Two sentences through the default upstream models, as the pipeline hands them on.
fn annotated(text: &str) -> Document {
    let data = project_data();
    let mut doc = Document::new(Some("two".into()), text, Metadata::default());
    stancegraph_text::Analyzer::load(&data)
        .expect("text models")
        .annotate(&mut doc)
        .expect("text");
    stancegraph_entities::EntityAnalyzer::load(&data)
        .expect("entity models")
        .annotate(&mut doc)
        .expect("entities");
    stancegraph_quotes::Attributor::load(&data)
        .expect("quote models")
        .annotate(&mut doc)
        .expect("quotes");
    doc
}

fn config(sentiment: &Path, pair: &Path) -> RelationsEncoderConfig {
    RelationsEncoderConfig {
        sentiment_model: sentiment.display().to_string(),
        pair_model: pair.display().to_string(),
        // Every pair takes a stance, whatever the random model says.
        pair_threshold: 0.0,
        min_confidence: 0.0,
        ..Default::default()
    }
}

const TEXT: &str =
    "Angela Merkel met Joe Biden in Berlin on Monday. Merkel said Vladimir Putin had lied to her.";

#[test]
fn the_encoders_read_pairs_and_quotes_and_the_calibration_sets_confidence() {
    let (sentiment, pair) = models("ok");
    let stage = RelationsEncoderFactory
        .build(config(&sentiment, &pair), &context())
        .expect("relations.encoder");
    let mut doc = annotated(TEXT);
    stage.process(&mut doc).expect("first run");
    let pair_stances: Vec<_> = doc
        .stances
        .iter()
        .filter(|s| s.quote.is_none() && s.trigger.is_none())
        .collect();
    assert!(!pair_stances.is_empty(), "{:?}", doc.stances);
    assert!(doc.stances.iter().all(|s| s.stage == RELATIONS_STAGE));
    // Running twice gives the same document.
    let once = doc.clone();
    stage.process(&mut doc).expect("second run");
    assert_eq!(doc, once);

    // A flat calibration map for the pair source: every pair stance gets its level.
    let calibration = serde_json::json!({
        "by_source": {"pair": {"x": [0.0, 1.0], "y": [0.42, 0.42]}},
        "fitted_on": "test"
    });
    std::fs::write(pair.join(CALIBRATION_FILE), calibration.to_string()).expect("write");
    let calibrated = RelationsEncoderFactory
        .build(config(&sentiment, &pair), &context())
        .expect("relations.encoder");
    let mut doc = annotated(TEXT);
    calibrated.process(&mut doc).expect("calibrated run");
    let pairs: Vec<f32> = doc
        .stances
        .iter()
        .filter(|s| s.quote.is_none() && s.trigger.is_none())
        .map(|s| s.confidence)
        .collect();
    assert!(
        !pairs.is_empty() && pairs.iter().all(|c| (c - 0.42).abs() < 1e-6),
        "{pairs:?}"
    );

    // A malformed calibration file is a build error naming the key.
    std::fs::write(pair.join(CALIBRATION_FILE), "{not json").expect("write");
    let error = RelationsEncoderFactory
        .build(config(&sentiment, &pair), &context())
        .err()
        .expect("a malformed calibration fails the build")
        .to_string();
    assert!(
        error.contains("pair_model") && error.contains(CALIBRATION_FILE),
        "{error}"
    );
    if let Some(root) = pair.parent() {
        std::fs::remove_dir_all(root).ok();
    }
}

#[test]
fn bad_keys_and_missing_models_are_reported_by_key() {
    let mut registry = Registry::new();
    stancegraph_encoder::register(&mut registry);
    let factory = registry.get(RELATIONS_STAGE).expect("registered");
    let issues = factory.validate(&serde_json::json!({
        "pair_threshold": 1.5,
        "sentiment_modle": "x",
        "min_confidence": "high",
    }));
    let paths: Vec<&str> = issues.iter().map(|i| i.path.as_str()).collect();
    for key in ["sentiment_modle", "min_confidence"] {
        assert!(paths.iter().any(|p| p.contains(key)), "{issues:?}");
    }
    let issues = factory.validate(&serde_json::json!({"pair_threshold": 1.5}));
    assert!(
        issues.iter().any(|i| i.path.contains("pair_threshold")),
        "{issues:?}"
    );
    // The defaults validate; a missing model directory fails the build with its key.
    assert!(factory.validate(&serde_json::json!({})).is_empty());
    let missing = RelationsEncoderConfig {
        pair_model: "no/such/stance-model".into(),
        sentiment_model: String::new(),
        ..Default::default()
    };
    let error = RelationsEncoderFactory
        .build(missing, &context())
        .err()
        .expect("missing model")
        .to_string();
    assert!(error.contains("pair_model"), "{error}");
}

#[test]
fn a_mention_nested_in_the_other_reads_as_no_stance() {
    use stancegraph_encoder::relations_stage::PairEncoderScorer;
    use stancegraph_encoder::stance::StancePairModel;
    use stancegraph_relations::{PairScorer, SentencePairs};
    let (_, pair) = models("nested");
    let scorer = PairEncoderScorer {
        model: StancePairModel::load_with(&pair, false).expect("load"),
        threshold: 0.5,
    };
    let sentence = "The Chinese government criticised Joe Biden.";
    let at = |m: &str| {
        let start = sentence.find(m).expect("mention");
        start..start + m.len()
    };
    let scored = scorer
        .score_pairs(
            "nested",
            &[SentencePairs {
                sentence,
                pairs: vec![
                    (at("The Chinese government"), at("Chinese")),
                    (at("The Chinese government"), at("Joe Biden")),
                ],
            }],
        )
        .expect("scored");
    assert_eq!(scored[0], [1.0, 0.0, 0.0]);
    let sum: f32 = scored[1].iter().sum();
    assert!(
        (sum - 1.0).abs() < 1e-4 && scored[1] != [1.0, 0.0, 0.0],
        "{scored:?}"
    );
    if let Some(root) = pair.parent() {
        std::fs::remove_dir_all(root).ok();
    }
}
