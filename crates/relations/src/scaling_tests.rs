//! The stage stays linear on hostile input (a flood of names with no sentence
//! punctuation) and stops when the document's time budget is spent.

use std::time::{Duration, Instant};

use stancegraph_core::{start_document_budget, EntityType, Polarity};

use crate::test_support::{document, extractor, opposes, stances};

const NAMES: [&str; 8] = [
    "Anna", "Clarke", "Tom", "Evans", "Maria", "Moreno", "Li", "Chen",
];

/// `"Anna Clarke Tom Evans Maria Moreno Li Chen "` repeated: one sentence of names.
fn names_flood(repeats: usize) -> stancegraph_core::Document {
    let text = "Anna Clarke Tom Evans Maria Moreno Li Chen ".repeat(repeats);
    let actors: Vec<(&str, EntityType)> = NAMES.iter().map(|n| (*n, EntityType::Per)).collect();
    document(&text, &actors, &[])
}

/// Best of `runs` wall times of the extractor on `doc` (the best resists a busy machine).
fn best_time(doc: &stancegraph_core::Document, runs: usize) -> Duration {
    (0..runs)
        .map(|_| {
            let start = Instant::now();
            let _ = std::hint::black_box(extractor().extract(doc));
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

#[test]
fn a_names_flood_is_linear() {
    let small = names_flood(60);
    let large = names_flood(240);
    let (small_time, large_time) = (best_time(&small, 5), best_time(&large, 5));
    let ratio = large_time.as_secs_f64() / small_time.as_secs_f64().max(1e-6);
    eprintln!("names flood: {small_time:?} -> {large_time:?} ({ratio:.1}x)");
    // 4x the text: linear work takes ~4x; quadratic pairing took ~16x.
    assert!(
        ratio < 10.0,
        "4x the names took {ratio:.1}x the time ({small_time:?} -> {large_time:?})"
    );
}

#[test]
fn an_overlong_sentence_is_still_read() {
    let text = format!(
        "Obama blasted Putin over the war {}",
        "Anna Clarke Tom Evans ".repeat(100)
    );
    let doc = document(
        &text,
        &[
            ("Obama", EntityType::Per),
            ("Putin", EntityType::Per),
            ("Anna", EntityType::Per),
            ("Evans", EntityType::Per),
        ],
        &[],
    );
    assert!(doc.tokens.len() > crate::extract::MAX_SEGMENT_TOKENS);
    let found = stances(&doc);
    assert!(opposes(&found, "Obama", "Putin"), "{found:?}");
}

#[test]
fn a_spent_budget_stops_the_rules() {
    let doc = document(
        "Obama blasted Putin over the war. Merkel praised Macron.",
        &[
            ("Obama", EntityType::Per),
            ("Putin", EntityType::Per),
            ("Merkel", EntityType::Per),
            ("Macron", EntityType::Per),
        ],
        &[],
    );
    let found = stances(&doc);
    assert!(opposes(&found, "Obama", "Putin"), "{found:?}");
    let _budget = start_document_budget(Some(Instant::now()), None);
    let spent = stances(&doc);
    assert!(
        !spent.iter().any(|(_, p, _)| *p == Polarity::Oppose),
        "{spent:?}"
    );
}
