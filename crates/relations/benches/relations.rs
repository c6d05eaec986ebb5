//! Speed of the `relations.rules` stage alone on the seed article, annotated beforehand by
//! the text, entities and quotes stages (those that have shipped models).
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use stancegraph_core::{Document, Metadata};
use stancegraph_relations::{load_extractor, model_dir, RelationsConfig};

fn annotated_seed() -> Document {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../data/samples/000_668776db8feb23be.txt"
    );
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let mut doc = Document::new(Some("seed".into()), text, Metadata::default());
    let data = stancegraph_relations::default_data_dir();
    if let Ok(analyzer) = stancegraph_text::Analyzer::load(&data) {
        let _ = analyzer.annotate(&mut doc);
    }
    if let Ok(entities) = stancegraph_entities::EntityAnalyzer::load(&data) {
        let _ = entities.annotate(&mut doc);
    }
    if let Ok(quotes) = stancegraph_quotes::Attributor::load(&data) {
        let _ = quotes.annotate(&mut doc);
    }
    doc.stances.clear();
    doc.relations.clear();
    doc
}

fn bench(c: &mut Criterion) {
    let data = stancegraph_relations::default_data_dir();
    let Ok(extractor) = load_extractor(&model_dir(&data), &RelationsConfig::default()) else {
        eprintln!("skipping: relations models missing");
        return;
    };
    let doc = annotated_seed();
    let mut group = c.benchmark_group("relations");
    group.throughput(Throughput::Elements(doc.word_count() as u64));
    group.bench_function("seed_article", |b| {
        b.iter(|| {
            let mut d = doc.clone();
            let _ = extractor.annotate(&mut d);
            d.stances.len()
        })
    });
    group.bench_function("load", |b| {
        b.iter(|| {
            load_extractor(&model_dir(&data), &RelationsConfig::default())
                .map(|e| e.options.min_confidence)
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
