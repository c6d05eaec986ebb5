//! Scores the shipped (or given) models on a CoNLL-U file, like `stancegraph eval`:
//! `cargo run --release -p stancegraph-text --example evaluate -- FILE.conllu [raw] [pos-only]`.
use std::path::Path;

use stancegraph_text::{default_data_dir, evaluate, read_conllu, Analyzer};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(file) = args.first() else {
        return Err("usage: evaluate FILE.conllu [raw] [pos-only]".into());
    };
    let raw = args.iter().any(|a| a == "raw");
    let pos_only = args.iter().any(|a| a == "pos-only");
    let analyzer = Analyzer::load(&default_data_dir())?;
    let sentences = read_conllu(Path::new(file))?;
    let parser = if pos_only {
        None
    } else {
        Some(analyzer.parser.as_ref())
    };
    let scores = evaluate(&analyzer.tagger, parser, &sentences, raw);
    println!("{}", serde_json::to_string(&scores)?);
    Ok(())
}
