//! Quotes, parsed sentences and role spans written by hand for the rules' unit tests.

use stancegraph_core::{ActorRef, CueClass, Document, Metadata, Quote, QuoteKind, Span, Token};

use crate::attribution::RoleSpan;
use crate::tagger::CONTENT;

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

/// A one-sentence document from `(word, head)` pairs, words joined by single spaces (heads
/// are token indices; `None` for the root or an unparsed word).
pub(crate) fn parsed(words: &[(&str, Option<u32>)]) -> Document {
    let text = words.iter().map(|(w, _)| *w).collect::<Vec<_>>().join(" ");
    let mut doc = Document::new(Some("d".to_string()), text, Metadata::default());
    let mut start = 0;
    for (word, head) in words {
        let end = start + word.len();
        doc.tokens.push(Token {
            span: Span::new(start, end),
            sentence: 0,
            upos: None,
            xpos: None,
            lemma: None,
            head: *head,
            deprel: None,
        });
        start = end + 1;
    }
    doc
}

/// A content role span over tokens `first..=last`.
pub(crate) fn content(first: usize, last: usize) -> RoleSpan {
    role_span(CONTENT, first, last)
}

/// A role span over tokens `first..=last` with margin 1.
pub(crate) fn role_span(role: usize, first: usize, last: usize) -> RoleSpan {
    RoleSpan {
        role,
        first,
        last,
        margin: 1.0,
    }
}
