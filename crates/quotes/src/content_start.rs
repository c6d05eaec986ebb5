//! A reported content before its sentence-final attribution is the whole clause before the
//! comma: "Hypertension is the leading cause of stroke, … and be prescribed a drug, says
//! Kim." The tagger, which sees a few words either side, often starts such a long content
//! late ("a person to see a doctor …") or takes a quoted term inside it for all of it ("Most
//! of the support is provided through the “Activate” website …, says Kim"); PolNeAR and the
//! Gender Gap Tracker mark the whole clause.
//!
//! Only where the comma is followed by the attribution alone (a cue and a source side by
//! side, either order) up to the sentence's end, the words before it hold a content and no
//! cue, and the sentence does not open with a quote mark (“…,” he added, and …).

use stancegraph_core::{Document, SentenceKind};

use crate::attribution::{token_text, RoleSpan};
use crate::tagger::{CONTENT, CUE, SOURCE};

/// Makes the contents of `spans` (in text order) before a sentence-final attribution one
/// content from the sentence's start to the comma before the attribution.
pub(crate) fn start_contents_at_their_sentence(doc: &Document, spans: &mut Vec<RoleSpan>) {
    let mut out: Vec<RoleSpan> = Vec::with_capacity(spans.len());
    for (i, span) in spans.iter().enumerate() {
        let Some(comma) = attribution_closing_sentence(doc, spans, i) else {
            out.push(*span);
            continue;
        };
        let Some(sentence) = doc.tokens.get(comma).map(|t| t.sentence) else {
            out.push(*span);
            continue;
        };
        let start = doc.sentence_token_range(sentence as usize).start;
        // The spans already kept that lie in this sentence before the comma.
        let from = out.partition_point(|s| s.last < start);
        let before = out.get(from..).unwrap_or(&[]);
        // A source there without a cue of its own is the tagger reading the clause's subject
        // as one ("Most of the support | is provided through …").
        // A content begun in an earlier sentence is a quotation running on: left alone.
        let only_contents = before.iter().any(|s| s.role == CONTENT)
            && before
                .iter()
                .all(|s| s.role != CUE && s.first >= start && s.last < comma);
        let heading = doc
            .sentences
            .get(sentence as usize)
            .is_some_and(|s| s.kind == SentenceKind::Heading);
        if only_contents && !heading && !is_quote_mark(doc, start) && start < comma {
            let margin = before.iter().map(|s| s.margin).fold(f32::MIN, f32::max);
            out.truncate(from);
            out.push(RoleSpan {
                role: CONTENT,
                first: start,
                last: comma - 1,
                margin,
            });
        }
        out.push(*span);
    }
    *spans = out;
}

/// When `spans[i]` and the span after it are a cue and a source side by side (either
/// order) after a comma, with only punctuation after them to the sentence's end: the comma.
fn attribution_closing_sentence(doc: &Document, spans: &[RoleSpan], i: usize) -> Option<usize> {
    let (a, b) = (spans.get(i)?, spans.get(i + 1)?);
    let roles = (a.role == CUE && b.role == SOURCE) || (a.role == SOURCE && b.role == CUE);
    let comma = a.first.checked_sub(1)?;
    let sentence = doc.tokens.get(comma)?.sentence;
    let side_by_side = b.first == a.last + 1;
    let same_sentence = doc
        .tokens
        .get(b.last)
        .is_some_and(|t| t.sentence == sentence);
    let closes = doc
        .tokens
        .iter()
        .skip(b.last + 1)
        .take_while(|t| t.sentence == sentence)
        .all(|t| !doc.slice(t.span).chars().any(char::is_alphanumeric));
    (roles && side_by_side && same_sentence && closes && token_text(doc, comma) == ",")
        .then_some(comma)
}

fn is_quote_mark(doc: &Document, i: usize) -> bool {
    let w = token_text(doc, i);
    !w.is_empty()
        && w.chars()
            .all(|c| matches!(c, '"' | '\'' | '“' | '”' | '‘' | '’' | '«' | '»' | '`'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_docs::{analysed, token};
    use crate::test_quotes::role_span as span;

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
        Some(token_text(&doc, spans[0].first).to_string())
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

    #[test]
    fn a_quoted_term_and_a_subject_read_as_a_source_give_way_to_the_clause() {
        let text = "Most of the support comes through the “Activate” website and an app, says Kim.";
        let Some(doc) = analysed(text) else {
            return;
        };
        let (most, support) = (token(&doc, "Most"), token(&doc, "support"));
        let (says, kim) = (token(&doc, "says"), token(&doc, "Kim"));
        let mut spans = vec![
            span(SOURCE, most, support),
            span(CONTENT, token(&doc, "“"), token(&doc, "website")),
            span(CUE, says, says),
            span(SOURCE, kim, kim),
        ];
        start_contents_at_their_sentence(&doc, &mut spans);
        let roles: Vec<(usize, &str, &str)> = spans
            .iter()
            .map(|s| (s.role, token_text(&doc, s.first), token_text(&doc, s.last)))
            .collect();
        assert_eq!(
            roles,
            [
                (CONTENT, "Most", "app"),
                (CUE, "says", "says"),
                (SOURCE, "Kim", "Kim")
            ]
        );
    }

    #[test]
    fn a_content_run_on_from_an_earlier_sentence_is_left_alone() {
        let text =
            "\"The recovery will regain momentum.\" Japan will help the recovery, the OECD said.";
        let Some(doc) = analysed(text) else {
            return;
        };
        let (said, oecd) = (token(&doc, "said"), token(&doc, "OECD"));
        let content = span(CONTENT, 0, token(&doc, "help"));
        let mut spans = vec![content, span(SOURCE, oecd - 1, oecd), span(CUE, said, said)];
        start_contents_at_their_sentence(&doc, &mut spans);
        assert_eq!(
            spans.first().map(|s| (s.first, s.last)),
            Some((content.first, content.last))
        );
    }
}
