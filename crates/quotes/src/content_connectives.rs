//! A reported content the tagger started on the connective that joins its sentence to the
//! one before ("And | the deal is dead", "However, | taxes would rise"): the connective is the
//! writer's, not the speaker's, and PolNeAR leaves it out. Only contents outside quote marks
//! change: a quotation keeps the speaker's own "But".

use stancegraph_core::Document;

use crate::attribution::{token_span, token_text, OuterIndex, RoleSpan};
use crate::marks::QuoteRegion;
use crate::tagger::CONTENT;

/// Sentence connectives, lower-cased; a two-word one is written with a space.
const CONNECTIVES: &[&str] = &["and", "but", "yet"];
/// Connectives that count only with their comma ("Still, …"; "still supports" is content).
const COMMA_CONNECTIVES: &[&str] = &[
    "however",
    "in addition",
    "still",
    "also",
    "meanwhile",
    "moreover",
];

/// Starts each unquoted content of `spans` after a connective (and its comma) it opens
/// with, when words remain.
pub fn drop_leading_connectives(doc: &Document, regions: &[QuoteRegion], spans: &mut [RoleSpan]) {
    // Indexed, not scanned per content: a flood of quotes would make the scan quadratic.
    let quoted_regions = OuterIndex::from_spans(regions.iter().map(QuoteRegion::outer).collect());
    for span in spans.iter_mut().filter(|s| s.role == CONTENT) {
        let quoted = token_span(doc, span.first, span.last)
            .is_none_or(|content| quoted_regions.any_overlapping(content));
        if quoted {
            continue;
        }
        let plain = connective_length(doc, CONNECTIVES, span.first, span.last);
        let (length, needs_comma) = match plain {
            Some(length) => (length, false),
            None => match connective_length(doc, COMMA_CONNECTIVES, span.first, span.last) {
                Some(length) => (length, true),
                None => continue,
            },
        };
        let comma = token_text(doc, span.first + length) == ",";
        if needs_comma && !comma {
            continue;
        }
        let first = span.first + length + usize::from(comma);
        if first <= span.last {
            span.first = first;
        }
    }
}

/// How many tokens the connective of `connectives` at `first` takes, if the content (up to
/// `last`) opens with one.
fn connective_length(
    doc: &Document,
    connectives: &[&str],
    first: usize,
    last: usize,
) -> Option<usize> {
    connectives.iter().find_map(|connective| {
        let words: Vec<&str> = connective.split(' ').collect();
        let matches = words.iter().enumerate().all(|(offset, word)| {
            first + offset <= last && token_text(doc, first + offset).eq_ignore_ascii_case(word)
        });
        matches.then_some(words.len())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_docs::{analysed, token};

    /// The content of `text` from the word `first` to its last word before the full stop,
    /// after the rule.
    fn content_after(text: &str, first: &str) -> Option<String> {
        let doc = analysed(text)?;
        let mut spans = vec![RoleSpan {
            role: CONTENT,
            first: token(&doc, first),
            last: doc.tokens.len() - 2,
            margin: 1.0,
        }];
        let regions = crate::sentence_quote_regions(&doc);
        drop_leading_connectives(&doc, &regions, &mut spans);
        let span = token_span(&doc, spans[0].first, spans[0].last)?;
        Some(doc.slice(span).to_string())
    }

    #[test]
    fn a_reported_content_starts_after_the_writers_connective() {
        let Some(content) = content_after("Polls show. And Clinton now holds a lead.", "And")
        else {
            return;
        };
        assert_eq!(content, "Clinton now holds a lead");
        let Some(content) = content_after(
            "Aides said. In addition, the campaign plans to release records.",
            "In",
        ) else {
            return;
        };
        assert_eq!(content, "the campaign plans to release records");
    }

    #[test]
    fn an_adverb_without_its_comma_and_a_quotation_keep_their_first_word() {
        let Some(content) = content_after("Aides said she still supports the plan.", "still")
        else {
            return;
        };
        assert_eq!(content, "still supports the plan");
        let Some(content) = content_after("He said: \"But we will win the vote.\"", "But") else {
            return;
        };
        assert!(content.starts_with("But"), "{content}");
    }
}
