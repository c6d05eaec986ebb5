//! CPU-time throughput check for busy machines (where the criterion bench's wall clock is
//! shared): `speed DATA_DIR TEXT_DIR REPEATS`; run with REPEATS 1 and N under `time` and
//! divide the user-time difference by (N - 1) × tokens.
use std::path::PathBuf;

use stancegraph_core::{Document, Metadata};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [data, texts, repeats] = args.as_slice() else {
        return Err("usage: speed DATA_DIR TEXT_DIR REPEATS".into());
    };
    let analyzer = stancegraph_entities::EntityAnalyzer::load(&PathBuf::from(data))?;
    let mut paths: Vec<PathBuf> = std::fs::read_dir(texts)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    paths.sort();
    let docs: Vec<Document> = paths
        .iter()
        .take(100)
        .filter_map(|p| std::fs::read(p).ok())
        .map(|bytes| {
            let mut doc = Document::new(
                None,
                String::from_utf8_lossy(&bytes).as_ref(),
                Metadata::default(),
            );
            stancegraph_text::tokenize_document(&mut doc, 200);
            doc
        })
        .collect();
    let tokens: usize = docs.iter().map(|d| d.tokens.len()).sum();
    for _ in 0..repeats.parse::<usize>()? {
        for doc in &docs {
            let mut doc = doc.clone();
            analyzer.annotate(&mut doc)?;
        }
    }
    println!("{tokens} tokens per repeat");
    Ok(())
}
