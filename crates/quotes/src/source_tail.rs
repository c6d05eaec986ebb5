//! A content the tagger ran on past its closing quote mark into the name that introduces
//! the attribution: "“was a real eye-opener” Farinloye | says" or "“…,” Cloverdale Minor
//! Hockey Association president Marty Jones | told CTV News". When the words after the
//! mark lead straight into the quote's cue and end on a named person or organisation (or a
//! personal pronoun), they are the quote's source: the content ends at the mark and those
//! words become a source span, so linking gives the quote its speaker.

use std::collections::HashMap;

use stancegraph_core::{Document, EntityType};

use crate::attribution::{mentions_over, token_text as word, RoleSpan};
use crate::marks::QuoteRegion;
use crate::tagger::{CONTENT, CUE, SOURCE};

/// Longest tail (in tokens) taken for a source phrase.
const MAX_TAIL: usize = 12;

/// Splits the source off every content in `spans` that ran past its closing mark into the
/// words just before its cue (see the module docs). `spans` stay in text order.
pub fn split_source_tails(doc: &Document, regions: &[QuoteRegion], spans: &mut Vec<RoleSpan>) {
    // Byte start of each top-level closing mark → byte start of its opening mark.
    let closings: HashMap<usize, usize> = regions
        .iter()
        .filter(|r| r.depth == 0)
        .filter_map(|r| r.close.map(|c| (c.start, r.open.start)))
        .collect();
    if closings.is_empty() {
        return;
    }
    let mut index = 0;
    while index < spans.len() {
        let content = spans[index];
        let cue_follows = spans
            .get(index + 1)
            .is_some_and(|next| next.role == CUE && next.first == content.last + 1);
        if content.role != CONTENT || !cue_follows {
            index += 1;
            continue;
        }
        if let Some((mark, source_first)) = source_tail(doc, &closings, content) {
            spans[index].last = mark;
            spans.insert(
                index + 1,
                RoleSpan {
                    role: SOURCE,
                    first: source_first,
                    last: content.last,
                    margin: content.margin,
                },
            );
            index += 1;
        }
        index += 1;
    }
}

/// The closing mark ending the quoted words of `content` and the first token of the source
/// phrase after it, when the tail qualifies.
fn source_tail(
    doc: &Document,
    closings: &HashMap<usize, usize>,
    content: RoleSpan,
) -> Option<(usize, usize)> {
    let content_start = doc.tokens.get(content.first)?.span.start;
    // The last closing mark inside the content whose quote opened inside it too.
    let mark = (content.first..content.last).rev().find(|&k| {
        doc.tokens.get(k).is_some_and(|t| {
            closings
                .get(&t.span.start)
                .is_some_and(|&open| open >= content_start)
        })
    })?;
    let mut first = mark + 1;
    while first <= content.last && matches!(word(doc, first), "," | "—" | "–" | "-") {
        first += 1;
    }
    let tail = first..=content.last;
    if tail.is_empty() || tail.clone().count() > MAX_TAIL {
        return None;
    }
    let punctuated = tail
        .clone()
        .any(|k| matches!(word(doc, k), "." | "!" | "?" | ";" | ":" | "“" | "”" | "\""));
    if punctuated {
        return None;
    }
    let last = doc.tokens.get(content.last)?;
    let pronoun = first == content.last
        && matches!(
            word(doc, first).to_lowercase().as_str(),
            "he" | "she" | "they" | "i" | "we"
        );
    let named = mentions_over(doc, last.span)
        .any(|m| matches!(m.entity_type, EntityType::Per | EntityType::Org));
    (pronoun || named).then_some((mark, first))
}
