//! Throughput of the stance pair model (`StancePairModel::predict`) in pairs per second. One
//! core: `RAYON_NUM_THREADS=1 cargo bench -p stancegraph-encoder --bench stance`. The model
//! is data/stance-encoder, or the directory in $STANCEGRAPH_STANCE; the pairs are those of
//! SEESAW's held-out train stories (two actors located in a sentence, both orders), so the
//! bench skips with a notice without ../shared/data/seesaw or the model.

use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use stancegraph_encoder::stance::{PairWindow, StancePairModel, DEFAULT_STANCE_DIR};
use stancegraph_relations::seesaw::{load_split, locate};

/// Windows of the held-out stories' sentences: for each sentence, its first two located
/// actors as holder and target, in both orders.
fn windows(model: &StancePairModel, seesaw: &std::path::Path) -> Option<Vec<PairWindow>> {
    let articles = load_split(seesaw, "train").ok()?;
    let mut out = Vec::new();
    for article in articles.iter().filter(|a| {
        a.id.get(8..11)
            .and_then(|n| n.parse::<u32>().ok())
            .is_some_and(|story| story.is_multiple_of(5))
    }) {
        for sentence in &article.sentences {
            let mut found = article
                .actors
                .iter()
                .filter_map(|(name, kind)| locate(sentence, name, kind));
            let (Some(a), Some(b)) = (found.next(), found.next()) else {
                continue;
            };
            for (holder, target) in [(a.clone(), b.clone()), (b, a)] {
                if let Ok(w) = model.window(sentence, holder, target) {
                    out.push(w);
                }
            }
        }
    }
    Some(out)
}

fn bench(c: &mut Criterion) {
    let root = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."));
    let dir = std::env::var_os("STANCEGRAPH_STANCE")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("data").join(DEFAULT_STANCE_DIR));
    let seesaw = root.join("../shared/data/seesaw");
    let mut group = c.benchmark_group("stance");
    group.sample_size(10);
    for int8 in [true, false] {
        let model = match StancePairModel::load_with(&dir, int8) {
            Ok(model) => model,
            Err(e) => {
                eprintln!("skipping: {e}");
                return;
            }
        };
        let Some(inputs) = windows(&model, &seesaw) else {
            eprintln!("skipping: no SEESAW train split in {}", seesaw.display());
            return;
        };
        group.throughput(Throughput::Elements(inputs.len() as u64));
        let name = if int8 { "int8" } else { "f32" };
        group.bench_function(format!("{} held-out pairs {name}", inputs.len()), |b| {
            b.iter(|| model.predict(&inputs))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
