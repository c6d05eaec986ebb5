//! Golden test on the seed article: the default pipeline up to entity resolution, then this
//! crate's [`Attributor`] with its own defaults (every cue class, `other` included, which
//! the `quotes.attribution` stage of the default config leaves out).
use stancegraph_core::{ActorRef, Document, QuoteKind};
use stancegraph_quotes::Attributor;
use stancegraph_testkit::{data_dir, records_on_spam_lines, seed_until};

/// The seed through ingest, text and entities as `stancegraph run` processes it, then
/// quote attribution.
fn seed() -> Document {
    let mut doc = seed_until("entities.resolve");
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
    assert_eq!(records_on_spam_lines(&doc), Vec::<String>::new());
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
