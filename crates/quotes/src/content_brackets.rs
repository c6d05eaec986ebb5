//! A content the tagger ran on over the closing bracket of an aside it sits in ("(… that
//! she has pneumonia)"): the bracket closes the writer's parenthesis, not the speaker's
//! words, and PolNeAR leaves it out. A bracket the content opens itself stays.

use stancegraph_core::Document;

use crate::attribution::{token_text, RoleSpan};
use crate::tagger::CONTENT;

/// Ends each content of `spans` before a closing bracket at its end that no opening
/// bracket inside the content matches, when words remain.
pub fn drop_unmatched_closing_brackets(doc: &Document, spans: &mut [RoleSpan]) {
    for span in spans.iter_mut().filter(|s| s.role == CONTENT) {
        // Bracket depth over the whole content, counted once: a run of closing brackets
        // is dropped one by one without counting again (no quadratic work on a flood).
        let mut depth = (span.first..=span.last).fold(0i64, |depth, i| match token_text(doc, i) {
            "(" => depth + 1,
            ")" => depth - 1,
            _ => depth,
        });
        // The last bracket is unmatched when the words before it leave no bracket open
        // (depth without it = depth + 1 ≤ 0).
        while span.last > span.first && token_text(doc, span.last) == ")" && depth < 0 {
            span.last -= 1;
            depth += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use stancegraph_core::Document;

    use super::*;
    use crate::test_quotes::{content, parsed};

    /// An unparsed one-sentence document of the space-separated `text`.
    fn words(text: &str) -> Document {
        let words: Vec<(&str, Option<u32>)> = text.split(' ').map(|w| (w, None)).collect();
        parsed(&words)
    }

    #[test]
    fn a_content_leaves_the_bracket_of_the_aside_it_sits_in() {
        let doc = words("Clinton left early ( aides said that she has pneumonia ) .");
        let mut spans = vec![content(6, 10)];
        drop_unmatched_closing_brackets(&doc, &mut spans);
        assert_eq!(spans[0].last, 9, "ends on 'pneumonia'");
    }

    #[test]
    fn a_run_of_unmatched_brackets_goes_up_to_the_one_the_content_opened() {
        let doc = words("( the plan ( which he opposes ) ) ) failed");
        let mut spans = vec![content(2, 9)];
        drop_unmatched_closing_brackets(&doc, &mut spans);
        assert_eq!(
            spans[0].last, 7,
            "keeps the bracket closing '( which', drops two"
        );
    }

    #[test]
    fn a_bracket_the_content_opens_stays() {
        // "He said the plan ( which he opposes )": the content holds both brackets.
        let doc = words("He said the plan ( which he opposes )");
        let mut spans = vec![content(2, 8)];
        drop_unmatched_closing_brackets(&doc, &mut spans);
        assert_eq!(spans[0].last, 8);
    }
}
