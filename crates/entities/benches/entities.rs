//! Throughput of NER + resolution in tokens per second on one core.
//! `cargo bench -p stancegraph-entities` (uses BBC News texts when ../shared/data exists,
//! else the seed article).

use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use stancegraph_core::{Document, Metadata};
use stancegraph_entities::EntityAnalyzer;

fn documents() -> Vec<Document> {
    let texts = stancegraph_testkit::bbc_articles_or_seed("politics", 100);
    texts
        .into_iter()
        .map(|text| {
            let mut doc = Document::new(None, text.as_str(), Metadata::default());
            stancegraph_text::tokenize_document(&mut doc, 200);
            doc
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let data = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../data"));
    let analyzer = match EntityAnalyzer::load(&data) {
        Ok(analyzer) => analyzer,
        Err(e) => {
            eprintln!("skipping: {e}");
            return;
        }
    };
    let docs = documents();
    let tokens: usize = docs.iter().map(|d| d.tokens.len()).sum();
    let mut group = c.benchmark_group("entities");
    group.throughput(Throughput::Elements(tokens as u64));
    group.sample_size(10);
    group.bench_function("ner+resolve", |b| {
        b.iter_batched(
            || docs.clone(),
            |mut docs| {
                for doc in docs.iter_mut() {
                    analyzer.annotate(doc).expect("annotate");
                }
                docs
            },
            BatchSize::LargeInput,
        )
    });
    group.bench_function("ner", |b| {
        b.iter(|| {
            docs.iter()
                .map(|doc| stancegraph_entities::tag_mentions(analyzer.model(), doc, 0.0).len())
                .sum::<usize>()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
