//! Throughput of `entities.encoder` (the encoder pass for both heads, decoding and mentions)
//! in words per second. One core: `RAYON_NUM_THREADS=1 cargo bench -p stancegraph-encoder`.
//! The model is data/models/encoder, or the directory in $STANCEGRAPH_ENCODER (e.g. a MiniLM
//! body with untrained heads); ten BBC politics articles when ../shared/data exists, else the
//! seed article.

use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use stancegraph_core::{BuildContext, Document, Metadata, TypedFactory};
use stancegraph_encoder::stage::{EntitiesEncoderConfig, EntitiesEncoderFactory};

fn documents() -> Vec<Document> {
    let texts = stancegraph_testkit::bbc_articles_or_seed("politics", 10);
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
    let root = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."));
    let model = std::env::var_os("STANCEGRAPH_ENCODER")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("data/models/encoder"));
    let context = BuildContext {
        data_dir: root.join("data"),
        config_path: "bench".into(),
    };
    let docs = documents();
    let words: usize = docs.iter().map(|d| d.word_count()).sum();
    let mut group = c.benchmark_group("encoder");
    group.sample_size(10);
    group.throughput(Throughput::Elements(words as u64));
    // int8 matrix products (the default) and f32 ones (the reference computation).
    for int8 in [true, false] {
        let config = EntitiesEncoderConfig {
            model: model.display().to_string(),
            int8,
            ..Default::default()
        };
        let stage = match EntitiesEncoderFactory.build(config, &context) {
            Ok(stage) => stage,
            Err(e) => {
                eprintln!("skipping: {e}");
                return;
            }
        };
        let name = if int8 { "int8" } else { "f32" };
        group.bench_function(format!("entities.encoder batch {name}"), |b| {
            b.iter_batched(
                || docs.clone(),
                |mut docs| stage.process_batch(&mut docs),
                BatchSize::LargeInput,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
