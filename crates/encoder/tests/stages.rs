//! The encoder stages on a tiny random model written by the test (no download): layers
//! like the default stages', bad input within budget, failing batches fail their documents.
#![cfg(feature = "candle")]

mod tiny;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use stancegraph_core::{BuildContext, Document, Metadata, Stage, TypedFactory};
use stancegraph_encoder::stage::{
    EntitiesEncoderConfig, EntitiesEncoderFactory, QuotesEncoderFactory, EXTENSION,
};
use stancegraph_encoder::windows::WindowSpec;
use stancegraph_encoder::{EncoderModel, ENTITIES_STAGE, QUOTES_STAGE};

fn model_dir(name: &str, max_pieces: usize, stride: usize) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("encoder-test-{}-{name}", std::process::id()));
    tiny::write_model(&dir, max_pieces, stride);
    dir
}

fn project_data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data")
}

fn context() -> BuildContext {
    BuildContext {
        data_dir: project_data(),
        config_path: "stages[0]".into(),
    }
}

fn document(id: &str, text: &str) -> Document {
    let mut doc = Document::new(Some(id.to_string()), text.to_string(), Metadata::default());
    stancegraph_text::tokenize_document(&mut doc, 200);
    doc
}

fn stages(dir: &Path) -> (Box<dyn Stage>, Box<dyn Stage>) {
    let config = EntitiesEncoderConfig {
        model: dir.display().to_string(),
        batch_windows: 4,
        ..Default::default()
    };
    let entities = EntitiesEncoderFactory
        .build(config, &context())
        .expect("entities.encoder");
    let quotes = QuotesEncoderFactory
        .build(Default::default(), &context())
        .expect("quotes.encoder");
    (entities, quotes)
}

#[test]
fn two_sentences_get_the_default_layers() {
    let dir = model_dir("two", 32, 8);
    let (entities, quotes) = stages(&dir);
    let mut doc = document(
        "two",
        "Scott Bessent said the trade talks in London were \"constructive\". The minister of China was there.",
    );
    entities.process(&mut doc).expect("entities");
    assert!(doc.extensions.contains_key(EXTENSION));
    for m in &doc.mentions {
        assert!(
            m.stage == ENTITIES_STAGE || m.stage == "entities.ner",
            "{}",
            m.stage
        );
        assert!(m.span.end <= doc.text().len() && m.span.start < m.span.end);
        assert!((0.0..=1.0).contains(&m.confidence));
    }
    quotes.process(&mut doc).expect("quotes");
    assert!(
        !doc.extensions.contains_key(EXTENSION),
        "ext:encoder is consumed"
    );
    assert!(doc.quotes.iter().all(|q| q.stage == QUOTES_STAGE));
    doc.validate().expect("valid layers");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn batches_give_the_same_layers_as_single_documents() {
    let dir = model_dir("batch", 32, 8);
    let (entities, _) = stages(&dir);
    let texts = [
        "The president said on Monday that talks with China would go on.",
        "Scott Bessent was in London. He said trade was the talks' subject, and the minister agreed at length with every word of it.",
        "",
    ];
    let mut batch: Vec<Document> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| document(&format!("d{i}"), t))
        .collect();
    let results = entities.process_batch(&mut batch);
    assert!(results.iter().all(Result::is_ok));
    for (i, text) in texts.iter().enumerate() {
        let mut single = document(&format!("d{i}"), text);
        entities.process(&mut single).unwrap();
        // Padding never changes what a window computes.
        let spans = |d: &Document| {
            d.mentions
                .iter()
                .map(|m| (m.span, m.entity_type))
                .collect::<Vec<_>>()
        };
        assert_eq!(spans(&single), spans(&batch[i]), "document {i}");
        assert_eq!(
            single
                .extensions
                .get(EXTENSION)
                .map(|v| v["tags"].as_array().map(|a| a.len())),
            batch[i]
                .extensions
                .get(EXTENSION)
                .map(|v| v["tags"].as_array().map(|a| a.len()))
        );
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn empty_document_and_one_without_sentence_boundaries() {
    let dir = model_dir("bad", 32, 8);
    let (entities, quotes) = stages(&dir);
    let mut empty = document("empty", "");
    entities.process(&mut empty).expect("empty");
    quotes.process(&mut empty).expect("empty quotes");
    assert!(empty.mentions.is_empty() && empty.quotes.is_empty());

    let run_on = "the president said trade talks with china went on and on ".repeat(400);
    let mut doc = document("run-on", &run_on);
    let _budget = stancegraph_core::start_document_budget(
        Some(Instant::now() + Duration::from_secs(30)),
        None,
    );
    entities.process(&mut doc).expect("run-on");
    quotes.process(&mut doc).expect("run-on quotes");
    doc.validate().expect("valid");
    // A document whose tokens belong to no sentence gets no mentions, and no panic.
    let mut bare = document("bare", "Scott Bessent said so.");
    bare.sentences.clear();
    entities.process(&mut bare).expect("no sentences");
    assert!(bare.mentions.iter().all(|m| m.stage != ENTITIES_STAGE));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_megabyte_document_finishes_or_fails_within_its_budget() {
    let dir = model_dir("big", 64, 16);
    let (entities, _) = stages(&dir);
    let sentence =
        "Scott Bessent said the trade talks in London were constructive, and China agreed. ";
    let text = sentence.repeat((1 << 20) / sentence.len() + 1);
    let mut doc = document("big", &text);
    let budget = Duration::from_secs(20);
    let start = Instant::now();
    let outcome = {
        let _guard = stancegraph_core::start_document_budget(Some(start + budget), None);
        entities.process(&mut doc)
    };
    let took = start.elapsed();
    // One batch may still be running when the budget ends: allow a little over it.
    assert!(took < budget + Duration::from_secs(10), "took {took:?}");
    if let Err(e) = outcome {
        assert!(e.to_string().contains("time budget"), "{e}");
        assert!(e.to_string().contains("big"), "names the document: {e}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_failing_batch_fails_its_documents_only() {
    let dir = model_dir("fail", 32, 8);
    let model = EncoderModel::load(&dir).expect("model");
    let good = model
        .windows(
            &["the", "president", "said"],
            WindowSpec {
                max_pieces: 32,
                stride: 8,
            },
        )
        .unwrap();
    let mut bad = good.clone();
    bad.windows[0].input_ids[1] = 1_000_000; // no such piece: the embedding lookup fails
    let results = model.score(&[good, bad], &["good", "bad"], 1, &|| false);
    assert!(results[0].is_ok());
    let err = results[1].as_ref().unwrap_err().to_string();
    assert!(err.contains("bad") && err.contains("batch"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn quantised_and_half_matrices_are_restored() {
    let dir = model_dir("quant", 32, 8);
    let written = tiny::write_model(&dir, 32, 8);
    let bytes = std::fs::read(dir.join("model.safetensors")).unwrap();
    let loaded = stancegraph_encoder::weights::load_f32_tensors(
        &bytes,
        Path::new("model.safetensors"),
        &candle_core::Device::Cpu,
    )
    .unwrap();
    assert!(!loaded.contains_key(&format!("{}.scale", tiny::QUANTISED)));
    for (name, tolerance) in [(tiny::QUANTISED, 0.02f32), (tiny::HALF, 2e-3)] {
        let a = written[name]
            .flatten_all()
            .unwrap()
            .to_vec1::<f32>()
            .unwrap();
        let b = loaded[name]
            .flatten_all()
            .unwrap()
            .to_vec1::<f32>()
            .unwrap();
        let worst = a
            .iter()
            .zip(&b)
            .map(|(x, y)| (x - y).abs())
            .fold(0f32, f32::max);
        let scale = a.iter().map(|x| x.abs()).fold(0f32, f32::max);
        assert!(worst <= tolerance * scale.max(1.0), "{name}: {worst}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn missing_model_and_missing_layer_are_clear_errors() {
    let config = EntitiesEncoderConfig {
        model: "/nonexistent/encoder".into(),
        ..Default::default()
    };
    let err = EntitiesEncoderFactory
        .build(config, &context())
        .err()
        .expect("error")
        .to_string();
    assert!(err.contains("/nonexistent/encoder"), "{err}");
    let (_, quotes) = stages(&model_dir("layer", 32, 8));
    let mut doc = document("nolayer", "He said so.");
    let err = quotes.process(&mut doc).unwrap_err().to_string();
    assert!(
        err.contains("ext:encoder") && err.contains("nolayer"),
        "{err}"
    );
}

#[test]
fn the_body_computes_what_candle_transformers_bert_computes() {
    use candle_core::{DType, Device, Tensor};
    use candle_transformers::models::bert::{BertModel, Config};
    use stancegraph_encoder::bert::{Bert, BertConfig};
    let dir = model_dir("reference", 32, 8);
    let tensors = tiny::write_model(&dir, 32, 8);
    let config_text = std::fs::read_to_string(dir.join("config.json")).unwrap();
    let reference_config: Config = serde_json::from_str(&config_text).unwrap();
    let config: BertConfig = serde_json::from_str(&config_text).unwrap();
    let device = Device::Cpu;
    let reference = BertModel::load(
        candle_nn::VarBuilder::from_tensors(tensors.clone(), DType::F32, &device),
        &reference_config,
    )
    .unwrap();
    let ours = Bert::from_tensors(&tensors, &config).unwrap();
    // Two rows, the second padded after 5 pieces.
    let ids: Vec<u32> = vec![2, 4, 5, 6, 7, 8, 9, 3, 2, 10, 11, 12, 3, 0, 0, 0];
    let ids = Tensor::from_vec(ids, (2, 8), &device).unwrap();
    let mask = Tensor::from_vec(
        vec![1u32, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0],
        (2, 8),
        &device,
    )
    .unwrap();
    let want = reference
        .forward(&ids, &ids.zeros_like().unwrap(), Some(&mask))
        .unwrap()
        .reshape((16, 32))
        .unwrap()
        .to_vec2::<f32>()
        .unwrap();
    let got = ours
        .forward(&ids, &[8, 5])
        .unwrap()
        .to_vec2::<f32>()
        .unwrap();
    for (row, (w, g)) in want.iter().zip(&got).enumerate() {
        if row >= 13 {
            break; // padding positions are never read
        }
        for (a, b) in w.iter().zip(g) {
            assert!((a - b).abs() < 1e-4, "row {row}: {a} vs {b}");
        }
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn int8_products_compute_what_f32_ones_compute() {
    use candle_core::{Device, Tensor};
    use stancegraph_encoder::bert::{Bert, BertConfig};
    let dir = model_dir("int8", 32, 8);
    let config: BertConfig =
        serde_json::from_slice(&std::fs::read(dir.join("config.json")).unwrap()).unwrap();
    let path = dir.join("model.safetensors");
    let (tensors, int8) = stancegraph_encoder::weights::load_tensors(
        &std::fs::read(&path).unwrap(),
        &path,
        &Device::Cpu,
    )
    .unwrap();
    assert!(!int8.is_empty(), "the tiny model stores one matrix as int8");
    let exact = Bert::from_tensors(&tensors, &config).unwrap();
    let quantised = Bert::from_tensors_int8(&tensors, &int8, &config).unwrap();
    let ids: Vec<u32> = (0..2 * 12).map(|i| (i * 7 % 20) as u32).collect();
    let ids = Tensor::from_vec(ids, (2, 12), &Device::Cpu).unwrap();
    let lengths = [12, 9];
    let a = exact
        .forward(&ids, &lengths)
        .unwrap()
        .flatten_all()
        .unwrap();
    let b = quantised
        .forward(&ids, &lengths)
        .unwrap()
        .flatten_all()
        .unwrap();
    let (a, b) = (a.to_vec1::<f32>().unwrap(), b.to_vec1::<f32>().unwrap());
    let norm = |v: &[f32]| v.iter().map(|x| x * x).sum::<f32>().sqrt();
    let diff: Vec<f32> = a.iter().zip(&b).map(|(x, y)| x - y).collect();
    let relative = norm(&diff) / norm(&a);
    // Per-row activation rounding (≤ max|x|/254 per input) through two layers leaves the
    // hidden states within a few percent; a wrong row, column or scale would not.
    eprintln!("int8 vs f32 hidden states: relative error {relative:.4}");
    assert!(relative > 0.0 && relative < 0.05, "{relative}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_megabyte_without_a_sentence_boundary_goes_through_both_stages_within_its_budget() {
    let dir = model_dir("run-on-mb", 64, 16);
    let (entities, quotes) = stages(&dir);
    // No full stop, no line break: only the tokenizer's longest-sentence cut splits it.
    let clause = "the president said trade talks with China went on and on ";
    let text = clause.repeat((1 << 20) / clause.len() + 1);
    let mut doc = Document::new(Some("run-on-mb".into()), text, Metadata::default());
    stancegraph_text::tokenize_document(&mut doc, stancegraph_text::DEFAULT_MAX_SENTENCE_TOKENS);
    let budget = Duration::from_secs(30);
    let start = Instant::now();
    let outcome = {
        let _guard = stancegraph_core::start_document_budget(Some(start + budget), None);
        entities
            .process(&mut doc)
            .and_then(|()| quotes.process(&mut doc))
    };
    let took = start.elapsed();
    eprintln!(
        "1 MB without a sentence boundary: {} tokens, {} sentences, {took:?}, {:?}",
        doc.tokens.len(),
        doc.sentences.len(),
        outcome.as_ref().map(|_| doc.quotes.len())
    );
    // One batch may still be running when the budget ends: allow a little over it.
    assert!(took < budget + Duration::from_secs(10), "took {took:?}");
    match outcome {
        Ok(()) => doc.validate().expect("valid layers"),
        Err(e) => {
            let message = e.to_string();
            assert!(message.contains("time budget"), "{message}");
            assert!(
                message.contains("run-on-mb"),
                "names the document: {message}"
            );
        }
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_batch_stopped_by_the_budget_fails_each_document_with_its_reason() {
    let dir = model_dir("stopped", 32, 8);
    let (entities, _) = stages(&dir);
    let texts = ["The president said so.", "", "China agreed."];
    let mut docs: Vec<Document> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| document(&format!("doc-{i}"), t))
        .collect();
    let results = {
        // The budget has run out before the first batch.
        let _guard = stancegraph_core::start_document_budget(Some(Instant::now()), None);
        std::thread::sleep(Duration::from_millis(5));
        entities.process_batch(&mut docs)
    };
    assert_eq!(results.len(), texts.len(), "one result per document");
    for i in [0, 2] {
        let err = results[i].as_ref().expect_err("stopped").to_string();
        assert!(
            err.contains(&format!("doc-{i}")) && err.contains("time budget"),
            "{err}"
        );
        assert!(docs[i].mentions.is_empty(), "no half-written layers");
    }
    // The empty document needs no encoder work: it is done.
    assert!(results[1].is_ok(), "{:?}", results[1]);
    std::fs::remove_dir_all(&dir).ok();
}
