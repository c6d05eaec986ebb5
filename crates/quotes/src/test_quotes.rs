//! Quotes written by hand for the rules' unit tests.

use stancegraph_core::{ActorRef, CueClass, Quote, QuoteKind, Span};

/// The span of the first occurrence of `part` in `text`.
pub(crate) fn span_of(text: &str, part: &str) -> Span {
    let start = text.find(part).expect("part of the text");
    Span::new(start, start + part.len())
}

/// A direct quote of `text` with its content, cue and source given as the words they cover.
pub(crate) fn quote(text: &str, content: &str, cue: Option<&str>, source: Option<&str>) -> Quote {
    Quote {
        id: String::new(),
        content: span_of(text, content),
        cue: cue.map(|c| span_of(text, c)),
        source: source.map(|s| span_of(text, s)),
        speaker: ActorRef::Unresolved {
            text: String::new(),
        },
        kind: QuoteKind::Direct,
        class: CueClass::default(),
        stage: "t".into(),
        confidence: 1.0,
    }
}
