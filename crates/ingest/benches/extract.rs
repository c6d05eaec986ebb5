//! HTML extraction throughput on the article-extraction benchmark pages (one core).
use std::io::Read;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

fn pages() -> Vec<String> {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/article-extraction/html"
    );
    let Ok(entries) = std::fs::read_dir(dir) else {
        eprintln!("skipping: ../shared/data not found");
        return Vec::new();
    };
    let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    paths
        .iter()
        .filter_map(|p| {
            let mut html = String::new();
            flate2::read::GzDecoder::new(std::fs::File::open(p).ok()?)
                .read_to_string(&mut html)
                .ok()?;
            Some(html)
        })
        .collect()
}

fn extraction(c: &mut Criterion) {
    let pages = pages();
    if pages.is_empty() {
        return;
    }
    let mut group = c.benchmark_group("extract");
    group.throughput(Throughput::Elements(pages.len() as u64));
    group.sample_size(10);
    group.bench_function("all_benchmark_pages", |b| {
        b.iter(|| {
            pages
                .iter()
                .filter(|html| stancegraph_ingest::extract_article(html).is_ok())
                .count()
        })
    });
    group.finish();
}

criterion_group!(benches, extraction);
criterion_main!(benches);
