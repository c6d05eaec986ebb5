//! Throughput of the linguistic core in tokens per second on one core: tokenize + split,
//! POS tagging, parsing, and all three together. `cargo bench -p stancegraph-text` (uses
//! 300 BBC News texts when ../shared/data exists, else the seed article).

use std::path::PathBuf;

use criterion::measurement::WallTime;
use criterion::{
    criterion_group, criterion_main, BatchSize, BenchmarkGroup, Criterion, Throughput,
};
use stancegraph_core::{Document, Metadata};
use stancegraph_text::{
    default_data_dir, parse_document, tag_document, tokenize_document, Analyzer,
};

fn texts() -> Vec<String> {
    let root = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."));
    let bbc = root.join("../shared/data/bbc-news/bbc");
    let mut paths = Vec::new();
    for topic in ["business", "entertainment", "politics", "sport", "tech"] {
        if let Ok(entries) = std::fs::read_dir(bbc.join(topic)) {
            let mut found: Vec<PathBuf> =
                entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
            found.sort();
            paths.extend(found.into_iter().take(60));
        }
    }
    let mut texts: Vec<String> = paths
        .iter()
        .filter_map(|p| std::fs::read(p).ok())
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .collect();
    if texts.is_empty() {
        eprintln!("../shared/data not found: benchmarking on the seed article");
        if let Ok(text) =
            std::fs::read_to_string(root.join("data/samples/000_668776db8feb23be.txt"))
        {
            texts.push(text);
        }
    }
    texts
}

/// Benchmarks `step` over fresh copies of `input`.
fn run(
    group: &mut BenchmarkGroup<'_, WallTime>,
    name: &str,
    input: &[Document],
    step: &dyn Fn(&mut Document),
) {
    group.bench_function(name, |b| {
        b.iter_batched(
            || input.to_vec(),
            |mut docs| {
                for doc in docs.iter_mut() {
                    step(doc);
                }
                docs
            },
            BatchSize::LargeInput,
        )
    });
}

fn bench(c: &mut Criterion) {
    let analyzer = match Analyzer::load(&default_data_dir()) {
        Ok(analyzer) => analyzer,
        Err(e) => {
            eprintln!("skipping: {e}");
            return;
        }
    };
    let max = analyzer.max_sentence_tokens;
    let raw: Vec<Document> = texts()
        .iter()
        .map(|t| Document::new(None, t.as_str(), Metadata::default()))
        .collect();
    let mut tokenized = raw.clone();
    for doc in &mut tokenized {
        tokenize_document(doc, max);
    }
    let mut tagged = tokenized.clone();
    for doc in &mut tagged {
        tag_document(&analyzer.tagger, doc);
    }
    let tokens: usize = tokenized.iter().map(|d| d.tokens.len()).sum();
    let mut group = c.benchmark_group("text");
    group.throughput(Throughput::Elements(tokens as u64));
    group.sample_size(10);
    run(&mut group, "tokenize+split", &raw, &|doc| {
        tokenize_document(doc, max)
    });
    run(&mut group, "pos", &tokenized, &|doc| {
        tag_document(&analyzer.tagger, doc)
    });
    run(&mut group, "parse", &tagged, &|doc| {
        parse_document(&analyzer.parser, doc)
    });
    run(&mut group, "all", &raw, &|doc| {
        tokenize_document(doc, max);
        tag_document(&analyzer.tagger, doc);
        parse_document(&analyzer.parser, doc);
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
