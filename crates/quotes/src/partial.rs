//! A partial quote inside reported speech is a mixed quote whose content starts at the
//! reported clause, not at the quote mark: Clinton says Trump’s “latest meltdown is
//! unhinged” → content “Trump’s “latest meltdown is unhinged””, as PolNeAR marks it.
//!
//! The tagger tends to start such contents at the opening mark. A content that starts at
//! an opening quote mark a few words after its own cue, in the same sentence, with neither
//! punctuation nor the source between, starts right after the cue instead.

use std::collections::HashSet;

use stancegraph_core::{Document, Quote, QuoteKind, Span};

use crate::marks::QuoteRegion;

/// At most this many words between the cue and the opening mark ("the court's decision").
const MAX_WORDS_BEFORE_MARK: usize = 12;

/// Tokens that end the reported clause's lead-in: with one between the cue and the mark,
/// the quote is not the cue's clause.
const BREAKS: &[&str] = &[
    ",", ";", ":", ".", "(", ")", "\u{2014}", "\u{2013}", "-", "--", "?", "!",
];

/// Moves the start of each content that opens with a quote mark shortly after its cue to
/// the first word after the cue, and marks the quote mixed.
pub(crate) fn start_partial_quotes_at_the_clause(
    doc: &Document,
    regions: &[QuoteRegion],
    quotes: &mut [Quote],
) {
    let openings: HashSet<usize> = regions
        .iter()
        .filter(|r| r.depth == 0)
        .map(|r| r.open.start)
        .collect();
    for quote in quotes.iter_mut() {
        let Some(cue) = quote.cue else { continue };
        if cue.end > quote.content.start || !openings.contains(&quote.content.start) {
            continue;
        }
        let after_cue = doc.tokens.partition_point(|t| t.span.start < cue.end);
        let at_mark = doc
            .tokens
            .partition_point(|t| t.span.start < quote.content.start);
        let (Some(first), Some(mark)) = (doc.tokens.get(after_cue), doc.tokens.get(at_mark)) else {
            continue;
        };
        let between = doc.tokens.get(after_cue..at_mark).unwrap_or(&[]);
        let source_between = quote
            .source
            .is_some_and(|s| s.overlaps(Span::new(cue.end, quote.content.start)));
        let lead_in = !between.is_empty()
            && between.len() <= MAX_WORDS_BEFORE_MARK
            && between
                .iter()
                .all(|t| t.sentence == mark.sentence && !BREAKS.contains(&doc.slice(t.span)));
        let adjacent = doc
            .text()
            .get(cue.end..first.span.start)
            .is_some_and(|gap| gap.trim().is_empty());
        if lead_in && !source_between && adjacent {
            quote.content = Span::new(first.span.start, quote.content.end);
            quote.kind = QuoteKind::Mixed;
        }
    }
}

#[cfg(test)]
mod tests {
    use stancegraph_core::{Document, Metadata, Span, Token};

    use super::start_partial_quotes_at_the_clause;
    use crate::marks::find_quotes;
    use crate::test_quotes::quote;

    /// `text` split at spaces and before , . “ ” into tokens of one sentence.
    fn document(text: &str) -> Document {
        let mut doc = Document::new(None, text, Metadata::default());
        let mut start = None;
        let mut tokens = Vec::new();
        for (i, c) in text.char_indices() {
            let single = matches!(c, ',' | '.' | '\u{201c}' | '\u{201d}');
            if c == ' ' || single {
                if let Some(s) = start.take() {
                    tokens.push(Span::new(s, i));
                }
                if single {
                    tokens.push(Span::new(i, i + c.len_utf8()));
                }
            } else if start.is_none() {
                start = Some(i);
            }
        }
        if let Some(s) = start {
            tokens.push(Span::new(s, text.len()));
        }
        doc.tokens = tokens
            .into_iter()
            .map(|span| Token {
                span,
                sentence: 0,
                ..Default::default()
            })
            .collect();
        doc
    }

    fn content_after(text: &str, content: &str, cue: &str, source: &str) -> String {
        let doc = document(text);
        let mut quotes = vec![quote(text, content, Some(cue), Some(source))];
        start_partial_quotes_at_the_clause(&doc, &find_quotes(text), &mut quotes);
        doc.slice(quotes[0].content).to_string()
    }

    #[test]
    fn a_partial_quote_in_reported_speech_starts_at_the_clause() {
        let text = "Clinton says Trump\u{2019}s \u{201c}latest meltdown is unhinged.\u{201d} Aides agreed.";
        let content = "\u{201c}latest meltdown is unhinged.\u{201d}";
        assert_eq!(
            content_after(text, content, "says", "Clinton"),
            "Trump\u{2019}s \u{201c}latest meltdown is unhinged.\u{201d}"
        );
    }

    #[test]
    fn punctuation_or_the_source_between_keeps_the_quote_as_it_is() {
        let text = "Aides said on Monday, \u{201c}We are ready.\u{201d}";
        let content = "\u{201c}We are ready.\u{201d}";
        assert_eq!(content_after(text, content, "said", "Aides"), content);
        let text = "Said the mayor \u{201c}We are ready.\u{201d}";
        assert_eq!(content_after(text, content, "Said", "the mayor"), content);
    }
}
