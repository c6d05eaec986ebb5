//! Tokens per second of `entities.bert` on CPU over the seed article (repeated).
//! `cargo run -p stancegraph-bert --features torch --release --example ner_speed -- MODEL_DIR [ROUNDS]`
use std::time::Instant;

use stancegraph_core::{BuildContext, Document, Metadata, Registry};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let model = args.next().ok_or("usage: ner_speed MODEL_DIR [ROUNDS]")?;
    let rounds: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(5);
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../data/samples/000_668776db8feb23be.txt"
    ))?;
    let mut registry = Registry::new();
    stancegraph_text::register(&mut registry);
    stancegraph_bert::register(&mut registry);
    let context = BuildContext {
        data_dir: "data".into(),
        config_path: "bench".into(),
    };
    let tokenize = registry
        .get("text.tokenize")
        .ok_or("no text.tokenize")?
        .build(&serde_json::json!({}), &context)?;
    let ner = registry
        .get("entities.bert")
        .ok_or("no entities.bert")?
        .build(
            &serde_json::json!({"model": model, "mode": "replace"}),
            &context,
        )?;
    let mut docs: Vec<Document> = (0..rounds)
        .map(|_| Document::new(None, text.as_str(), Metadata::default()))
        .collect();
    for doc in &mut docs {
        tokenize.process(doc)?;
    }
    let tokens: usize = docs.iter().map(|d| d.tokens.len()).sum();
    let started = Instant::now();
    for result in ner.process_batch(&mut docs) {
        result?;
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "entities.bert: {tokens} tokens in {seconds:.2} s = {:.0} tokens/s ({} threads)",
        tokens as f64 / seconds,
        tch::get_num_threads()
    );
    Ok(())
}
