//! Documents for the rule tests: one sentence a line, tokens split on spaces, name
//! mentions given as the tagger would give them, so that each test states its input.

use stancegraph_core::{
    Document, Entity, EntityType, Mention, MentionKind, Metadata, Sentence, SentenceKind, Span,
    Token,
};

/// A one-sentence-per-line document tokenized on spaces, with name mentions given as
/// (text, type) in order of appearance.
pub(super) fn document(text: &str, names: &[(&str, EntityType)]) -> Document {
    build(text, names, false)
}

/// As [`document`], with hyphens inside words as tokens of their own touching their
/// neighbours ("Wilson-Raybould" → "Wilson", "-", "Raybould"), as news tokenizers cut them.
pub(super) fn document_cut_at_hyphens(text: &str, names: &[(&str, EntityType)]) -> Document {
    build(text, names, true)
}

/// As [`resolved`], with every capitalised word a proper noun and every other word `X`, as
/// a tagger would tag them (for rules that read parts of speech).
pub(super) fn resolved_with_proper_nouns(text: &str, names: &[(&str, EntityType)]) -> Document {
    let mut doc = document(text, names);
    let text = doc.text().to_string();
    for token in doc.tokens.iter_mut() {
        let word = &text[token.span.start..token.span.end];
        let upos = if word.starts_with(char::is_uppercase) {
            "PROPN"
        } else {
            "X"
        };
        token.upos = Some(upos.to_string());
    }
    super::resolve_entities(&mut doc);
    doc
}

/// The document, resolved with the default configuration.
pub(super) fn resolved(text: &str, names: &[(&str, EntityType)]) -> Document {
    let mut doc = document(text, names);
    super::resolve_entities(&mut doc);
    doc
}

/// The mentions whose text is exactly `text`, in order.
pub(super) fn mentions<'a>(doc: &'a Document, text: &str) -> Vec<&'a Mention> {
    doc.mentions
        .iter()
        .filter(|m| doc.slice(m.span) == text)
        .collect()
}

/// The first mention whose text is exactly `text`.
pub(super) fn mention<'a>(doc: &'a Document, text: &str) -> &'a Mention {
    mentions(doc, text)
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no mention {text:?}: {:?}", doc.mentions))
}

/// The canonical name of the entity a mention belongs to.
pub(super) fn canonical_of<'a>(doc: &'a Document, mention: &Mention) -> Option<&'a str> {
    let id = mention.entity.as_ref()?;
    doc.entities
        .iter()
        .find(|e| &e.id == id)
        .map(|e| e.canonical.as_str())
}

fn build(text: &str, names: &[(&str, EntityType)], cut_at_hyphens: bool) -> Document {
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
            let mut pieces = vec![(at, word.len())];
            if cut_at_hyphens && word.len() > 1 && word.contains('-') {
                pieces.clear();
                let mut from = 0;
                for (i, _) in word.match_indices('-') {
                    pieces.extend([(at + from, i - from), (at + i, 1)]);
                    from = i + 1;
                }
                pieces.push((at + from, word.len() - from));
            }
            for (start, len) in pieces.into_iter().filter(|p| p.1 > 0) {
                doc.tokens.push(Token {
                    span: Span::new(start, start + len),
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
