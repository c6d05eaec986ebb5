//! Entity resolution stays linear in the number of mentions: a long text of distinct names
//! and pronouns without one sentence break (the shape of a huge single-line input) resolves
//! in about four times the time of a text a quarter its length, not sixteen.

use stancegraph_core::{Document, EntityType, Mention, MentionKind, Metadata, Span, Token};
use stancegraph_entities::resolve_entities;

/// `n` clauses "Alice7 Smith7 told Acme7 Group he agreed", all in one sentence, with the
/// tagger's name mentions already in place.
fn document(n: usize) -> Document {
    let mut text = String::new();
    let mut tokens = Vec::new();
    let mut mentions = Vec::new();
    let mut push = |text: &mut String, word: &str| {
        let start = text.len();
        text.push_str(word);
        text.push(' ');
        tokens.push(Token {
            span: Span::new(start, start + word.len()),
            ..Default::default()
        });
        Span::new(start, start + word.len())
    };
    for i in 0..n {
        let first = push(&mut text, &format!("Alice{i}"));
        let last = push(&mut text, &format!("Smith{i}"));
        mentions.push((Span::new(first.start, last.end), EntityType::Per));
        push(&mut text, "told");
        let org = push(&mut text, &format!("Acme{i}"));
        let group = push(&mut text, "Group");
        mentions.push((Span::new(org.start, group.end), EntityType::Org));
        push(&mut text, "she");
        push(&mut text, "agreed");
        let alias = push(&mut text, &format!("Smith{i}"));
        mentions.push((alias, EntityType::Per));
        push(&mut text, "and");
    }
    let mut doc = Document::new(None, text, Metadata::default());
    doc.tokens = tokens;
    doc.mentions = mentions
        .into_iter()
        .map(|(span, entity_type)| Mention {
            span,
            entity_type,
            kind: MentionKind::Name,
            entity: None,
            resolution: None,
            resolution_confidence: None,
            stage: "test".into(),
            confidence: 1.0,
        })
        .collect();
    doc
}

/// Best of three runs (the machine is shared), with the entity count.
fn seconds(n: usize) -> (f64, usize) {
    let mut best = f64::MAX;
    let mut entities = 0;
    for _ in 0..3 {
        let mut doc = document(n);
        let start = std::time::Instant::now();
        resolve_entities(&mut doc);
        best = best.min(start.elapsed().as_secs_f64());
        entities = doc.entities.len();
    }
    (best, entities)
}

#[test]
fn resolution_scales_linearly_with_distinct_names() {
    let (small, small_entities) = seconds(2_000);
    let (large, large_entities) = seconds(8_000);
    // Every clause names a new person and organisation; the surname alias joins its person.
    assert_eq!(small_entities, 4_000);
    assert_eq!(large_entities, 16_000);
    eprintln!("{small:.3}s -> {large:.3}s");
    assert!(large < small * 10.0 + 0.5, "{small:.3}s -> {large:.3}s");
}
