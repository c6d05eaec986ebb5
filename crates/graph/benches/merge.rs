//! Throughput of merging documents into the graph and of writing it out: the seed
//! article's fixture merged under 200 different document ids (so nothing deduplicates).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use stancegraph_core::Document;
use stancegraph_graph::{render, ExportFormat, ExportSpec, KnowledgeGraph};

#[path = "../tests/common/mod.rs"]
mod common;

fn corpus() -> Vec<Document> {
    let Some(seed) = common::seed_document() else {
        return Vec::new();
    };
    (0..200)
        .map(|i| {
            let mut doc = Document::new(
                Some(format!("doc{i:03}")),
                seed.text(),
                seed.metadata.clone(),
            );
            doc.sentences = seed.sentences.clone();
            doc.mentions = seed.mentions.clone();
            doc.entities = seed.entities.clone();
            doc.quotes = seed.quotes.clone();
            doc.stances = seed.stances.clone();
            doc.relations = seed.relations.clone();
            doc
        })
        .collect()
}

fn merged(docs: &[Document]) -> KnowledgeGraph {
    let mut graph = KnowledgeGraph::new();
    for doc in docs {
        graph.merge_document(doc);
    }
    graph
}

fn bench(c: &mut Criterion) {
    let docs = corpus();
    if docs.is_empty() {
        eprintln!(
            "skipping: {} not found",
            stancegraph_testkit::seed_path().display()
        );
        return;
    }
    let mut group = c.benchmark_group("graph");
    group.sample_size(10);
    group.throughput(Throughput::Elements(docs.len() as u64));
    group.bench_function("merge_200_docs_and_view", |b| {
        b.iter(|| merged(&docs).node_count())
    });
    let graph = merged(&docs);
    group.bench_function("node_link_200_docs", |b| b.iter(|| graph.to_node_link()));
    group.bench_function("graphml_200_docs", |b| {
        b.iter(|| render(&graph, &ExportSpec::new(ExportFormat::Graphml)))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
