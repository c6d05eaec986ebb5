//! "According to X, …" opening a sentence: X is the source, the clause after the comma what
//! X says. The cue comes before both, which the default tagger learned only in part
//! (PolNeAR dev: it missed half of the twelve capitalised "According to" cues); the caller
//! adds one only where no tagged quote covers the clause.

use stancegraph_core::{Document, Span};

use crate::attribution::{is_finite_verb, token_span, token_text};
use crate::speakers::lower;

/// Tokens the source may run before its comma ("According to a spokeswoman for the
/// ministry,").
const MAX_SOURCE_TOKENS: usize = 12;

/// Each sentence that opens with "According to SOURCE," and goes on with a clause: (source
/// tokens, cue span, content span without the final punctuation).
pub fn opening_according_to(doc: &Document) -> Vec<((usize, usize), Span, Span)> {
    let mut found = Vec::new();
    let mut start = 0;
    while start < doc.tokens.len() {
        let sentence = doc.tokens.get(start).map(|t| t.sentence);
        let end = start
            + doc
                .tokens
                .get(start..)
                .unwrap_or(&[])
                .iter()
                .take_while(|t| Some(t.sentence) == sentence)
                .count();
        // `end` is one past the sentence's last token.
        found.extend(according_to_in(doc, start, end));
        start = end.max(start + 1);
    }
    found
}

/// The attribution of the sentence `start..end`, if it opens with "According to".
fn according_to_in(
    doc: &Document,
    start: usize,
    end: usize,
) -> Option<((usize, usize), Span, Span)> {
    if lower(doc, start) != "according" || lower(doc, start + 1) != "to" {
        return None;
    }
    let source_first = start + 2;
    let reach = end.min(source_first + MAX_SOURCE_TOKENS + 1);
    let next_comma = |from: usize| (from..reach).find(|&i| token_text(doc, i) == ",");
    let mut comma = next_comma(source_first)?;
    // An apposition belongs to the source ("According to the city's assessment, published
    // in November, the number …").
    let apposition = matches!(lower(doc, comma + 1).as_str(), "which" | "who")
        || doc
            .tokens
            .get(comma + 1)
            .is_some_and(|t| matches!(t.xpos.as_deref(), Some("VBN" | "VBG")));
    if apposition {
        comma = next_comma(comma + 1)?;
    }
    let source_last = comma.checked_sub(1).filter(|&l| l >= source_first)?;
    let mut content_last = end.checked_sub(1)?;
    while content_last > comma && is_punctuation(doc, content_last) {
        content_last -= 1;
    }
    let content_first = comma + 1;
    let finite_verb = (content_first..=content_last).any(|i| is_finite_verb(doc, i));
    if content_last < content_first || !finite_verb {
        return None;
    }
    Some((
        (source_first, source_last),
        token_span(doc, start, start + 1)?,
        token_span(doc, content_first, content_last)?,
    ))
}

fn is_punctuation(doc: &Document, i: usize) -> bool {
    doc.tokens
        .get(i)
        .is_some_and(|t| t.upos.as_deref() == Some("PUNCT"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_docs::analysed;

    fn attributions(text: &str) -> Option<Vec<(String, String, String)>> {
        let doc = analysed(text)?;
        Some(
            opening_according_to(&doc)
                .into_iter()
                .map(|((first, last), cue, content)| {
                    let source = token_span(&doc, first, last).map_or("", |s| doc.slice(s));
                    (
                        source.to_string(),
                        doc.slice(cue).to_string(),
                        doc.slice(content).to_string(),
                    )
                })
                .collect(),
        )
    }

    #[test]
    fn a_sentence_opening_with_according_to_is_an_attribution() {
        let Some(found) = attributions(
            "Prices rose. According to a spokeswoman for the ministry, the talks will resume next week.",
        ) else {
            return;
        };
        assert_eq!(
            found,
            [(
                "a spokeswoman for the ministry".to_string(),
                "According to".to_string(),
                "the talks will resume next week".to_string()
            )]
        );
    }

    #[test]
    fn an_apposition_belongs_to_the_source() {
        let Some(found) = attributions(
            "According to the city's assessment, published in November, the number of homeless people rose.",
        ) else {
            return;
        };
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, "the city's assessment, published in November");
        assert_eq!(found[0].2, "the number of homeless people rose");
    }

    #[test]
    fn no_clause_or_no_comma_is_no_attribution() {
        // A phrase without a finite verb, and a source that never closes.
        let Some(found) = attributions(
            "According to the report, a fine result. According to the report the talks resumed.",
        ) else {
            return;
        };
        assert!(found.is_empty(), "{found:?}");
    }
}
