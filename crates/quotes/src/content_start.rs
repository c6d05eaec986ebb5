//! A reported content before its sentence-final attribution starts with its sentence:
//! "Hypertension is the leading cause of stroke, … and be prescribed a drug, says Kim." The
//! tagger, which sees a few words either side, often starts such a long content late ("a
//! person to see a doctor …"); PolNeAR and the Gender Gap Tracker mark the whole clause
//! before the comma.
//!
//! Only where the comma is followed by the attribution alone (a cue and a source, either
//! order) up to the sentence's end, and the words before the content are neither tagged nor
//! quoted.

use stancegraph_core::Document;

use crate::attribution::RoleSpan;
use crate::tagger::{CONTENT, CUE, SOURCE};

/// Starts each content of `spans` (in text order) that ends at the comma before its
/// sentence-final attribution at the start of its sentence.
pub(crate) fn start_contents_at_their_sentence(doc: &Document, spans: &mut [RoleSpan]) {
    for i in 0..spans.len() {
        let Some(&content) = spans.get(i) else {
            continue;
        };
        if content.role != CONTENT || !attribution_closes_sentence(doc, spans, i) {
            continue;
        }
        let Some(sentence) = doc.tokens.get(content.first).map(|t| t.sentence) else {
            continue;
        };
        let start = (0..content.first)
            .rev()
            .take_while(|&j| doc.tokens.get(j).is_some_and(|t| t.sentence == sentence))
            .last()
            .unwrap_or(content.first);
        let previous_ends_before = i
            .checked_sub(1)
            .and_then(|p| spans.get(p))
            .is_none_or(|p| p.last < start);
        let unquoted = (start..content.first).all(|j| !is_quote_mark(doc, j));
        let heading = doc
            .sentences
            .get(sentence as usize)
            .is_some_and(|s| s.kind == stancegraph_core::SentenceKind::Heading);
        if start < content.first && previous_ends_before && unquoted && !heading {
            if let Some(span) = spans.get_mut(i) {
                span.first = start;
            }
        }
    }
}

/// The content `spans[i]` is followed by a comma, then a cue and a source side by side
/// (either order), then only punctuation to its sentence's end.
fn attribution_closes_sentence(doc: &Document, spans: &[RoleSpan], i: usize) -> bool {
    let (Some(content), Some(a), Some(b)) = (spans.get(i), spans.get(i + 1), spans.get(i + 2))
    else {
        return false;
    };
    let comma = content.last + 1;
    let roles = (a.role == CUE && b.role == SOURCE) || (a.role == SOURCE && b.role == CUE);
    let side_by_side = a.first == comma + 1 && b.first == a.last + 1;
    let Some(sentence) = doc.tokens.get(content.first).map(|t| t.sentence) else {
        return false;
    };
    let closes = doc
        .tokens
        .iter()
        .skip(b.last + 1)
        .take_while(|t| t.sentence == sentence)
        .all(|t| !doc.slice(t.span).chars().any(char::is_alphanumeric));
    let same_sentence = doc
        .tokens
        .get(b.last)
        .is_some_and(|t| t.sentence == sentence);
    roles && side_by_side && same_sentence && closes && word(doc, comma) == ","
}

fn word(doc: &Document, i: usize) -> &str {
    doc.tokens.get(i).map_or("", |t| doc.slice(t.span))
}

fn is_quote_mark(doc: &Document, i: usize) -> bool {
    let w = word(doc, i);
    !w.is_empty()
        && w.chars()
            .all(|c| matches!(c, '"' | '\'' | '“' | '”' | '‘' | '’' | '«' | '»' | '`'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_docs::{analysed, token};

    fn span(role: usize, first: usize, last: usize) -> RoleSpan {
        RoleSpan {
            role,
            first,
            last,
            margin: 1.0,
        }
    }

    /// The first word of the content after the rule, given the tagged content's first and
    /// last words and the cue and source after it.
    fn content_start_after(
        text: &str,
        first: &str,
        last: &str,
        cue: &str,
        source: &str,
    ) -> Option<String> {
        let doc = analysed(text)?;
        let (cue, source) = (token(&doc, cue), token(&doc, source));
        let mut spans = vec![
            span(CONTENT, token(&doc, first), token(&doc, last)),
            span(CUE, cue, cue),
            span(SOURCE, source, source),
        ];
        start_contents_at_their_sentence(&doc, &mut spans);
        Some(word(&doc, spans[0].first).to_string())
    }

    #[test]
    fn a_content_before_a_closing_attribution_starts_with_its_sentence() {
        let text = "The program began last year.\n\nHypertension is a leading cause of stroke and one of the reasons to see a doctor, says Kim. It is common.";
        let Some(start) = content_start_after(text, "one", "doctor", "says", "Kim") else {
            return;
        };
        assert_eq!(start, "Hypertension");
    }

    #[test]
    fn an_attribution_that_goes_on_leaves_the_content_alone() {
        let text = "Hypertension is a leading cause of stroke and one of the reasons to see a doctor, says Kim, who runs the program.";
        let Some(start) = content_start_after(text, "one", "doctor", "says", "Kim") else {
            return;
        };
        assert_eq!(start, "one");
    }

    #[test]
    fn quoted_words_before_the_content_leave_it_alone() {
        let text = "“We will see,” he added, and one of the reasons is cost, says Kim.";
        let Some(start) = content_start_after(text, "one", "cost", "says", "Kim") else {
            return;
        };
        assert_eq!(start, "one");
    }
}
