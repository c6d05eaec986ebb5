//! Throughput of the linguistic core in tokens per second on one core: tokenize + split,
//! POS tagging, parsing, and all three together. `cargo bench -p stancegraph-text` (uses
//! 300 BBC News texts when ../shared/data exists, else the seed article).
//!
//! The `tags` group prices `Token`'s tags as heap `String`s (what `tag_document` and
//! `parse_document` store: UPOS, XPOS and deprel) against a prototype that stores them as
//! one-byte indices into the models' label tables (an enum or interned tag): filling them
//! into every token of the same documents and dropping the tokens again.

use std::path::PathBuf;

use criterion::measurement::WallTime;
use criterion::{
    criterion_group, criterion_main, BatchSize, BenchmarkGroup, Criterion, Throughput,
};
use stancegraph_core::{Document, Metadata, Span, Token};
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
    let mut parsed = tagged;
    for doc in &mut parsed {
        parse_document(&analyzer.parser, doc);
    }
    tag_storage(c, &tokenized, &parsed, tokens);
}

/// A token whose UPOS, XPOS and deprel are indices into label tables: the prototype of
/// enum or interned tags (everything else as in [`Token`]).
#[derive(Clone)]
#[allow(dead_code)] // the fields stand for the storage only
struct InternedToken {
    span: Span,
    sentence: u32,
    upos: Option<u8>,
    xpos: Option<u8>,
    lemma: Option<String>,
    head: Option<u32>,
    deprel: Option<u8>,
}

/// The labels seen in a layer, each once, and every token's index into them.
#[derive(Default)]
struct Labels {
    names: Vec<String>,
}

impl Labels {
    fn id(&mut self, label: Option<&str>) -> u8 {
        let label = label.unwrap_or("");
        match self.names.iter().position(|n| n == label) {
            Some(i) => i as u8,
            None => {
                self.names.push(label.to_string());
                (self.names.len() - 1) as u8
            }
        }
    }
}

/// `tags/strings` against `tags/interned`: the cost that `String` tags add per token,
/// allocation and free included (the documents' other layers are the same either way).
fn tag_storage(c: &mut Criterion, tokenized: &[Document], parsed: &[Document], tokens: usize) {
    let (mut upos, mut xpos, mut deprel) =
        (Labels::default(), Labels::default(), Labels::default());
    let ids: Vec<Vec<[u8; 3]>> = parsed
        .iter()
        .map(|doc| {
            doc.tokens
                .iter()
                .map(|t| {
                    [
                        upos.id(t.upos.as_deref()),
                        xpos.id(t.xpos.as_deref()),
                        deprel.id(t.deprel.as_deref()),
                    ]
                })
                .collect()
        })
        .collect();
    let untagged: Vec<Vec<Token>> = tokenized.iter().map(|d| d.tokens.clone()).collect();
    let interned: Vec<Vec<InternedToken>> = untagged
        .iter()
        .map(|tokens| {
            tokens
                .iter()
                .map(|t| InternedToken {
                    span: t.span,
                    sentence: t.sentence,
                    upos: None,
                    xpos: None,
                    lemma: None,
                    head: None,
                    deprel: None,
                })
                .collect()
        })
        .collect();
    let mut group = c.benchmark_group("tags");
    group.throughput(Throughput::Elements(tokens as u64));
    group.sample_size(10);
    fill(
        &mut group,
        "strings",
        &untagged,
        &ids,
        |token, [u, x, d]| {
            token.upos = Some(upos.names[*u as usize].to_string());
            token.xpos = Some(xpos.names[*x as usize].to_string());
            token.deprel = Some(deprel.names[*d as usize].to_string());
        },
    );
    fill(
        &mut group,
        "interned",
        &interned,
        &ids,
        |token, [u, x, d]| {
            token.upos = Some(*u);
            token.xpos = Some(*x);
            token.deprel = Some(*d);
        },
    );
    group.finish();
}

/// Benchmarks setting every token's tags (`set`, from its label ids) on fresh copies of
/// `docs`, dropping the tokens inside the timed part (freeing is part of the cost).
fn fill<T: Clone>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    name: &str,
    docs: &[Vec<T>],
    ids: &[Vec<[u8; 3]>],
    set: impl Fn(&mut T, &[u8; 3]),
) {
    group.bench_function(name, |b| {
        b.iter_batched(
            || docs.to_vec(),
            |mut docs| {
                for (tokens, ids) in docs.iter_mut().zip(ids) {
                    for (token, id) in tokens.iter_mut().zip(ids) {
                        set(token, id);
                    }
                }
                drop(std::hint::black_box(docs));
            },
            BatchSize::LargeInput,
        )
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
