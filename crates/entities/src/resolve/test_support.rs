//! Documents for the rule tests: one sentence a line, tokens split on spaces, name
//! mentions given as the tagger would give them, so that each test states its input.

use stancegraph_core::{
    Document, Entity, EntityType, Mention, MentionKind, Metadata, Sentence, SentenceKind, Span,
    Token,
};

/// A one-sentence-per-line document tokenized on spaces, with name mentions given as
/// (text, type) in order of appearance.
pub(super) fn document(text: &str, names: &[(&str, EntityType)]) -> Document {
    let mut doc = Document::new(None, text, Metadata::default());
    let mut offset = 0;
    for (s, line) in text.split_inclusive('\n').enumerate() {
        doc.sentences.push(Sentence {
            span: Span::new(offset, offset + line.trim_end().len()),
            kind: SentenceKind::Body,
            stage: "test".into(),
            confidence: 1.0,
        });
        let mut at = offset;
        for word in line.split(' ') {
            let word = word.trim_end();
            if !word.is_empty() {
                doc.tokens.push(Token {
                    span: Span::new(at, at + word.len()),
                    sentence: s as u32,
                    ..Token::default()
                });
            }
            at += word.len() + 1;
        }
        offset += line.len();
    }
    let mut from = 0;
    for (name, entity_type) in names {
        let start = from + text[from..].find(name).expect("name in text");
        from = start + name.len();
        doc.mentions.push(Mention {
            span: Span::new(start, start + name.len()),
            entity_type: *entity_type,
            kind: MentionKind::Name,
            entity: None,
            resolution: None,
            resolution_confidence: None,
            stage: "test".into(),
            confidence: 0.9,
        });
    }
    doc
}

pub(super) fn entity<'a>(doc: &'a Document, canonical: &str) -> &'a Entity {
    doc.entities
        .iter()
        .find(|e| e.canonical == canonical)
        .unwrap_or_else(|| panic!("{canonical}: {:?}", doc.entities))
}
