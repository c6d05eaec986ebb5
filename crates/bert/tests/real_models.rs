//! The stages on real weights (feature `torch`): run scripts/install-libtorch.sh and
//! scripts/fetch-test-models.sh first; without the models the tests skip with a notice.
#![cfg(feature = "torch")]

use std::path::PathBuf;

use stancegraph_bert::{EmbedConfig, NerMode, SentenceEncoder, TokenClassifier};
use stancegraph_core::{BuildContext, Document, EntityType, Metadata, Registry};

const BESSENT: &str =
    "US Treasury Secretary Scott Bessent is preparing for critical talks with Chinese Vice-Premier He Lifeng";

fn models() -> Option<PathBuf> {
    let dir = std::env::var_os("STANCEGRAPH_BERT_MODELS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../.cache/models"))
        });
    if dir.join("rampart/model.safetensors").is_file()
        && dir.join("minilm/model.safetensors").is_file()
    {
        Some(dir)
    } else {
        eprintln!(
            "skipping: no models in {} (run scripts/fetch-test-models.sh)",
            dir.display()
        );
        None
    }
}

fn context() -> BuildContext {
    BuildContext {
        data_dir: PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../data")),
        config_path: "test".into(),
    }
}

fn tokenized(text: &str) -> Document {
    let mut registry = Registry::new();
    stancegraph_text::register(&mut registry);
    let mut doc = Document::new(None, text, Metadata::default());
    let stage = registry
        .get("text.tokenize")
        .unwrap()
        .build(&serde_json::json!({}), &context())
        .unwrap();
    stage.process(&mut doc).unwrap();
    doc
}

#[test]
fn rampart_finds_scott_bessent_as_a_person() {
    let Some(dir) = models() else { return };
    let mut registry = Registry::new();
    stancegraph_bert::register(&mut registry);
    let config = serde_json::json!({"model": dir.join("rampart"), "mode": "replace"});
    let stage = registry
        .get("entities.bert")
        .unwrap()
        .build(&config, &context())
        .unwrap();
    let mut doc = tokenized(BESSENT);
    stage.process(&mut doc).unwrap();
    let people: Vec<&str> = doc
        .mentions
        .iter()
        .filter(|m| m.entity_type == EntityType::Per)
        .map(|m| doc.slice(m.span))
        .collect();
    eprintln!("persons: {people:?}");
    assert!(people.contains(&"Scott Bessent"), "{people:?}");
    doc.validate().unwrap();
}

#[test]
fn rampart_scores_every_word_with_a_distribution() {
    let Some(dir) = models() else { return };
    let config = stancegraph_bert::BertNerConfig {
        model: dir.join("rampart").display().to_string(),
        mode: NerMode::Vote,
        ..Default::default()
    };
    let (classifier, scheme) =
        stancegraph_bert::torch::TorchTokenClassifier::load(&config, &context()).unwrap();
    let words: Vec<String> = BESSENT.split(' ').map(str::to_string).collect();
    let scores = classifier.classify(&[words.clone(), vec![]]).unwrap();
    assert_eq!(scores.len(), 2);
    assert_eq!(scores[0].len(), words.len());
    for row in &scores[0] {
        assert_eq!(row.len(), scheme.len());
        assert!((row.iter().sum::<f32>() - 1.0).abs() < 1e-3);
    }
}

#[test]
fn minilm_places_xi_contexts_together() {
    let Some(dir) = models() else { return };
    let config = EmbedConfig {
        model: dir.join("minilm").display().to_string(),
        ..Default::default()
    };
    let encoder = stancegraph_bert::torch::TorchSentenceEncoder::load(&config, &context()).unwrap();
    let texts: Vec<String> = [
        "Chinese leader Xi Jinping spoke with the President.",
        "Xi said China would not back down on trade.",
        "Treasury Secretary Scott Bessent met reporters.",
        "The weather in Lisbon was sunny on Tuesday.",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let v = encoder.encode(&texts).unwrap();
    assert_eq!(v.len(), 4);
    assert_eq!(v[0].len(), 384);
    let norm: f32 = v[0].iter().map(|x| x * x).sum::<f32>().sqrt();
    assert!((norm - 1.0).abs() < 1e-3);
    let xi = stancegraph_bert::cosine(&v[0], &v[1]);
    let other = stancegraph_bert::cosine(&v[0], &v[2]).max(stancegraph_bert::cosine(&v[0], &v[3]));
    eprintln!("Xi/Xi Jinping {xi:.3}, unrelated {other:.3}");
    assert!(xi > other, "Xi contexts {xi} vs unrelated {other}");
    let names = encoder
        .encode(&["Xi".into(), "Xi Jinping".into(), "Scott Bessent".into()])
        .unwrap();
    assert!(
        stancegraph_bert::cosine(&names[0], &names[1])
            > stancegraph_bert::cosine(&names[1], &names[2])
    );
}
