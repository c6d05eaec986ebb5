//! Throughput of the attribution stage on pre-analysed text (tokens/s per core). The text
//! crate tokenizes, tags and parses before the clock starts, so the bench measures this
//! crate, not the parser, on the layers the pipeline gives it.
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use stancegraph_core::{Document, Metadata};
use stancegraph_quotes::Attributor;

fn bench(c: &mut Criterion) {
    let data = std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../data"));
    let Ok(attributor) = Attributor::load(&data) else {
        eprintln!("skipping: no quotes model under data/models/quotes");
        return;
    };
    let seed =
        std::fs::read_to_string(data.join("samples/000_668776db8feb23be.txt")).unwrap_or_default();
    let text = seed.repeat(20);
    let mut doc = Document::new(None, text, Metadata::default());
    let analyzer = match stancegraph_text::Analyzer::load(&data) {
        Ok(analyzer) => analyzer,
        Err(e) => {
            eprintln!("skipping: {e}");
            return;
        }
    };
    if let Err(e) = analyzer.annotate(&mut doc) {
        eprintln!("skipping: {e}");
        return;
    }
    let mut group = c.benchmark_group("quotes");
    group.throughput(Throughput::Elements(doc.tokens.len() as u64));
    group.bench_function("attribution_tokens", |b| b.iter(|| attributor.find(&doc)));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
