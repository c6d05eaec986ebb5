//! Quotes whose speaker is a label rather than a reporting verb:
//!
//! - a transcript turn, `WALLACE: Let's start with breaking news …` (and a headline such as
//!   `Pence: Flowers Won't Be at Debate`): the label is the source, the colon the cue, the
//!   rest of the line the content (a headline's, the document's first line, without the
//!   full stop that closes the title);
//! - a quotation signed with a dash, `“He represents our greatest shame.” ― Sonya Herridge`:
//!   the name is the source, the dash the cue, the quotation the content.
//!
//! The tagger reads neither (no verb of saying), so such lines came out as quotes without a
//! speaker. A transcript label counts only when it names a person of the document (a person
//! mention, or a capitalised label matching a word of a person's name: "WALLACE" for Chris
//! Wallace), so that "UPDATE:" or "WATCH:" are not speakers.

use stancegraph_core::{ActorRef, CueClass, Document, EntityType, Quote, QuoteKind, Span};

use std::collections::{HashMap, HashSet};

use crate::attribution::{resolve_speaker_indexed, token_span, MentionIndex, OuterIndex};

/// A transcript label has at most this many words ("SEN. JOHN SMITH").
const MAX_LABEL_WORDS: usize = 3;
/// A signature after a dash has at most this many words.
const MAX_SIGNATURE_WORDS: usize = 5;
/// A turn's content has at least this many tokens after the colon.
const MIN_TURN_TOKENS: usize = 2;
/// Confidence of a labelled quote.
const LABELLED_CONFIDENCE: f32 = 0.8;

/// Quote marks a line may open with.
const OPENING_MARKS: &[&str] = &["\"", "\u{201c}", "\u{201d}", "'", "\u{2018}"];
/// Dashes that sign a quotation.
const DASHES: &[&str] = &["\u{2015}", "\u{2014}", "\u{2013}", "--"];
/// Lower-case words a personal name may hold ("Charles de Gaulle").
const NAME_PARTICLES: &[&str] = &["de", "van", "von", "da", "der", "la", "bin", "al"];

/// Adds the transcript turns and signed quotations of `doc` as quotes. An earlier quote over
/// the same words without its own attribution inside them (the tagger's reading of the line)
/// gives way; quotes nested inside with a cue of their own stay.
pub(crate) fn add_labelled_quotes(
    doc: &Document,
    mentions: &MentionIndex,
    quotes: &mut Vec<Quote>,
    stage: &str,
) {
    let mut found = Vec::new();
    let text = doc.text();
    let mut people = None;
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let end = start + line.trim_end().len();
        let tokens = token_range(doc, Span::new(start, end));
        if let Some(quote) = transcript_turn(doc, mentions, &mut people, tokens.clone(), stage)
            .or_else(|| signed_quotation(doc, mentions, tokens, stage))
        {
            found.push(quote);
        }
        start += line.len();
    }
    if found.is_empty() {
        return;
    }
    // One line each: the found contents do not overlap, so an index answers per quote.
    let index = OuterIndex::from_spans(found.iter().map(|q| q.content).collect());
    quotes.retain(|q| {
        !index
            .overlapping(q.content)
            .any(|f| !q.cue.is_some_and(|c| f.contains(c)))
    });
    quotes.extend(found);
}

/// The document's person entities, built when a transcript label first asks (once per
/// document, not per line).
#[derive(Default)]
struct People {
    /// Their ids.
    ids: HashSet<String>,
    /// Each lower-cased word of their names → the one person with that word ("wallace" →
    /// Chris Wallace); `None` for a word of several people's names.
    by_word: HashMap<String, Option<String>>,
}

impl People {
    fn of(doc: &Document) -> Self {
        let mut people = People::default();
        for entity in doc
            .entities
            .iter()
            .filter(|e| e.entity_type == EntityType::Per)
        {
            people.ids.insert(entity.id.clone());
            for name in std::iter::once(&entity.canonical).chain(&entity.aliases) {
                for w in name.split_whitespace() {
                    people
                        .by_word
                        .entry(w.to_lowercase())
                        .and_modify(|id| {
                            if id.as_deref() != Some(entity.id.as_str()) {
                                *id = None;
                            }
                        })
                        .or_insert_with(|| Some(entity.id.clone()));
                }
            }
        }
        people
    }
}

/// Indices of the tokens inside `span`.
fn token_range(doc: &Document, span: Span) -> std::ops::Range<usize> {
    let first = doc.tokens.partition_point(|t| t.span.end <= span.start);
    let end = doc.tokens.partition_point(|t| t.span.start < span.end);
    first..end.max(first)
}

/// The word of token `i`.
fn word(doc: &Document, i: usize) -> &str {
    doc.tokens.get(i).map_or("", |t| doc.slice(t.span))
}

/// `LABEL: words …` on the line of `tokens`.
fn transcript_turn(
    doc: &Document,
    mentions: &MentionIndex,
    people: &mut Option<People>,
    tokens: std::ops::Range<usize>,
    stage: &str,
) -> Option<Quote> {
    let mut first = tokens.start;
    while first < tokens.end && OPENING_MARKS.contains(&word(doc, first)) {
        first += 1;
    }
    let colon =
        (first + 1..tokens.end.min(first + MAX_LABEL_WORDS + 1)).find(|&i| word(doc, i) == ":")?;
    let mut last = tokens.end - 1;
    while last > colon && OPENING_MARKS.contains(&word(doc, last)) {
        last -= 1;
    }
    // A headline's words carry no full stop of their own (the one after "Pence: Flowers
    // Won't Be at Debate" closes the title line, and PolNeAR leaves it out); a transcript
    // turn's stop is the speaker's.
    if tokens.start == 0 && last > colon + MIN_TURN_TOKENS && word(doc, last) == "." {
        last -= 1;
    }
    if last < colon + MIN_TURN_TOKENS {
        return None;
    }
    let label = (first, colon - 1);
    // A label is a name, not a clause ("Doug McCallum said: …" is the tagger's).
    if !(first..colon).all(|i| word(doc, i).chars().next().is_some_and(char::is_uppercase)) {
        return None;
    }
    let all_caps = (first..colon).all(|i| {
        let w = word(doc, i).trim_end_matches('.');
        w.chars().any(char::is_alphabetic)
            && w.chars().all(|c| c.is_uppercase() || !c.is_alphabetic())
            && w.chars().filter(|c| c.is_alphabetic()).count() >= 2
    });
    let people = people.get_or_insert_with(|| People::of(doc));
    let speaker = match resolve_speaker_indexed(doc, mentions, Some(label)) {
        ActorRef::Entity { id } if people.ids.contains(&id) => ActorRef::Entity { id },
        _ if all_caps => {
            let id = people
                .by_word
                .get(&word(doc, colon - 1).trim_end_matches('.').to_lowercase())?
                .clone()?;
            ActorRef::Entity { id }
        }
        _ => return None,
    };
    Some(labelled_quote(
        token_span(doc, colon + 1, last)?,
        token_span(doc, colon, colon)?,
        token_span(doc, label.0, label.1)?,
        speaker,
        stage,
    ))
}

/// `“words …” ― Name` on the line of `tokens`.
fn signed_quotation(
    doc: &Document,
    mentions: &MentionIndex,
    tokens: std::ops::Range<usize>,
    stage: &str,
) -> Option<Quote> {
    if tokens.is_empty() || !OPENING_MARKS.contains(&word(doc, tokens.start)) {
        return None;
    }
    // The signature: the name after the last dash of the line, trailing full stop aside.
    let mut last = tokens.end - 1;
    while last > tokens.start && matches!(word(doc, last), "." | ",") {
        last -= 1;
    }
    let dash = (tokens.start + 1..=last)
        .rev()
        .take(MAX_SIGNATURE_WORDS + 1)
        .find(|&i| DASHES.contains(&word(doc, i)))?;
    let closing = dash - 1;
    if dash == last || !OPENING_MARKS.contains(&word(doc, closing)) || closing == tokens.start {
        return None;
    }
    let is_name_word = |i: usize| {
        let w = word(doc, i);
        w.chars().next().is_some_and(char::is_uppercase)
            || NAME_PARTICLES.contains(&w)
            || matches!(w, "." | "-")
    };
    if !(dash + 1..=last).all(is_name_word) {
        return None;
    }
    let source = (dash + 1, last);
    let speaker = resolve_speaker_indexed(doc, mentions, Some(source));
    Some(labelled_quote(
        token_span(doc, tokens.start, closing)?,
        token_span(doc, dash, dash)?,
        token_span(doc, source.0, source.1)?,
        speaker,
        stage,
    ))
}

/// A direct quote with a punctuation cue.
fn labelled_quote(content: Span, cue: Span, source: Span, speaker: ActorRef, stage: &str) -> Quote {
    Quote {
        id: String::new(),
        content,
        cue: Some(cue),
        source: Some(source),
        speaker,
        kind: QuoteKind::Direct,
        class: CueClass::Speech,
        stage: stage.to_string(),
        confidence: LABELLED_CONFIDENCE,
    }
}
