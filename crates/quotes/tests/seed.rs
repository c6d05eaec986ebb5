//! Golden test on the seed article: the full text → entities → quotes chain.
use std::path::PathBuf;

use stancegraph_core::{ActorRef, Block, BlockKind, Document, Metadata, QuoteKind, Span};
use stancegraph_quotes::Attributor;

fn data_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../data"))
}

/// The seed with its spam lines (first two, last two) marked as boilerplate.
fn seed() -> Document {
    let path = data_dir().join("samples/000_668776db8feb23be.txt");
    let text = std::fs::read_to_string(&path).expect("seed article");
    let mut doc = Document::new(None, text.clone(), Metadata::default());
    let lines: Vec<(usize, &str)> = text
        .split_inclusive('\n')
        .scan(0, |at, l| {
            let start = *at;
            *at += l.len();
            Some((start, l))
        })
        .collect();
    let last = lines.len();
    for (i, (start, line)) in lines.iter().enumerate() {
        let kind = if i < 2 || i + 2 >= last {
            BlockKind::Boilerplate
        } else if !line.trim_end().ends_with('.') && !line.trim_end().ends_with('”') {
            BlockKind::Heading
        } else {
            BlockKind::Body
        };
        let end = start + line.trim_end().len();
        doc.blocks.push(Block {
            span: Span::new(*start, end),
            kind,
            reason: String::new(),
            stage: "test".into(),
            confidence: 1.0,
        });
    }
    let text_analyzer = stancegraph_text::Analyzer::load(&data_dir()).expect("text models");
    text_analyzer.annotate(&mut doc).expect("text layers");
    let entities = stancegraph_entities::EntityAnalyzer::load(&data_dir()).expect("entity model");
    entities.annotate(&mut doc).expect("entity layers");
    Attributor::load(&data_dir())
        .expect("quotes model")
        .annotate(&mut doc)
        .expect("quotes");
    doc
}

fn speaker_name(doc: &Document, speaker: &ActorRef) -> String {
    match speaker {
        ActorRef::Entity { id } => doc
            .entities
            .iter()
            .find(|e| &e.id == id)
            .map(|e| e.canonical.clone())
            .unwrap_or_default(),
        ActorRef::Anonymous { description } => format!("anonymous: {description}"),
        ActorRef::Unresolved { text } => format!("unresolved: {text}"),
    }
}

#[test]
fn seed_article_quotes_and_speakers() {
    let doc = seed();
    for q in &doc.quotes {
        eprintln!(
            "{} {:?} [{}] cue [{}] source [{}] -> {}",
            q.id,
            q.kind,
            doc.slice(q.content),
            q.cue.map_or("", |c| doc.slice(c)),
            q.source.map_or("", |s| doc.slice(s)),
            speaker_name(&doc, &q.speaker)
        );
    }
    let find = |needle: &str| {
        doc.quotes
            .iter()
            .find(|q| doc.slice(q.content).contains(needle))
            .unwrap_or_else(|| panic!("no quote containing {needle:?}"))
    };
    let cases = [
        ("substantial unprovoked escalation", "Bessent"),
        ("The notion that a longtime", "Cutler"),
        ("Leninist business model", "Bessent"),
        ("It looks like it’s going forward", "Trump"),
        ("Xi Jinping may have been unaware", "Bessent"),
        ("he might move up", "Trump"),
    ];
    for (needle, speaker) in cases {
        let quote = find(needle);
        let name = speaker_name(&doc, &quote.speaker);
        assert!(
            name.contains(speaker),
            "{needle:?} attributed to {name:?}, expected {speaker}"
        );
    }
    assert_eq!(
        find("substantial unprovoked escalation").kind,
        QuoteKind::Mixed
    );
    assert_eq!(find("Leninist business model").kind, QuoteKind::Direct);
    // The nested ‘go rogue’ stays inside Cutler's quote.
    assert!(doc
        .slice(find("The notion that").content)
        .contains("‘go rogue’"));
    // Nothing from the spam lines.
    let spam: Vec<Span> = doc
        .blocks
        .iter()
        .filter(|b| b.kind == BlockKind::Boilerplate)
        .map(|b| b.span)
        .collect();
    assert!(doc
        .quotes
        .iter()
        .all(|q| spam.iter().all(|s| !s.overlaps(q.content))));
}

/// Claims of unnamed sources: "multiple sources … express pessimism about …" and
/// "analysts say …" keep anonymous speakers, never the nearest name.
#[test]
fn seed_article_anonymous_sources() {
    let doc = seed();
    for needle in ["pessimism", "could severely impact"] {
        let quote = doc
            .quotes
            .iter()
            .find(|q| doc.slice(q.content).contains(needle))
            .unwrap_or_else(|| panic!("no quote containing {needle:?}"));
        assert!(
            matches!(quote.speaker, ActorRef::Anonymous { .. }),
            "{:?}",
            quote.speaker
        );
    }
}
