//! Direct-quote marks: finds quoted regions in one linear pass with a stack.
//!
//! Handles straight and curly double quotes (two apostrophes count as one), single quotes
//! (nested or clearly opened),
//! guillemets, quotes nested inside quotes, quotes running over several paragraphs with the
//! opening mark repeated at each paragraph start, and unbalanced marks: a stray closer is
//! ignored, an opener never closed ends at its paragraph (flagged `closed: false`), an
//! unclosed single quote is taken for an apostrophe and dropped. Every mark is pushed and
//! popped at most once, so the pass is linear whatever the input.

use stancegraph_core::Span;

/// Bound on nesting; deeper openers are ignored (no real text nests this deep).
const MAX_DEPTH: usize = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    Double,
    Single,
    Guillemet,
}

/// A quoted region of the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuoteRegion {
    /// The opening mark.
    pub open: Span,
    /// The closing mark, when one was found.
    pub close: Option<Span>,
    /// Text between the marks (whole paragraphs for multi-paragraph quotes).
    pub inner: Span,
    /// 0 for a top-level quote, 1 for a quote inside a quote, ...
    pub depth: usize,
    /// False when the quote ran to the end of its paragraph without a closing mark.
    pub closed: bool,
}

impl QuoteRegion {
    /// Marks included: from the opening mark to the closing mark (or the inner end).
    pub fn outer(&self) -> Span {
        Span::new(
            self.open.start,
            self.close.map_or(self.inner.end, |c| c.end),
        )
    }
}

#[derive(Debug, Clone, Copy)]
struct Open {
    family: Family,
    mark: Span,
    depth: usize,
}

fn is_word(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_alphanumeric())
}

/// Finds the quoted regions of `text`, sorted by opening offset.
pub fn find_quotes(text: &str) -> Vec<QuoteRegion> {
    let mut regions = Vec::new();
    let mut stack: Vec<Open> = Vec::new();
    let mut prev: Option<char> = None;
    let mut iter = text.char_indices().peekable();
    // Start of the current paragraph's content (for unclosed quotes and continuations).
    let mut paragraph_start = true;
    while let Some((at, c)) = iter.next() {
        let next = iter.peek().map(|&(_, n)| n);
        let mark = Span::new(at, at + c.len_utf8());
        if c == '\n' {
            // Paragraph end: a double quote continues only if the next paragraph opens again.
            let continues = text.get(at + 1..).map(str::trim_start).unwrap_or("");
            let reopens = continues.starts_with(['“', '"', '«']) || continues.starts_with("''");
            close_paragraph(&mut stack, &mut regions, at, reopens);
            paragraph_start = true;
            prev = Some(c);
            continue;
        }
        // Two apostrophes are one straight double quote (typewriter style: ''Yes,'' he said).
        // Two curly single quotes are one curly double quote (“…,’’ says the founder).
        let paired = match (c, next) {
            ('\'', Some('\'')) => Some('"'),
            ('’', Some('’')) => Some('”'),
            ('‘', Some('‘')) => Some('“'),
            _ => None,
        };
        let (c, mark, next) = if let Some(double) = paired {
            iter.next();
            let after = iter.peek().map(|&(_, n)| n);
            (double, Span::new(at, at + 2 * c.len_utf8()), after)
        } else {
            (c, mark, next)
        };
        let opening_context = prev.is_none_or(|p| p.is_whitespace() || "([{—–-/“‘\"'«".contains(p));
        let closing_context = next
            .is_none_or(|n| n.is_whitespace() || n.is_ascii_punctuation() || "”’»—–…".contains(n));
        match c {
            '“' | '„' | '«' => {
                let family = if c == '«' {
                    Family::Guillemet
                } else {
                    Family::Double
                };
                // Repeated opener at a paragraph start continues the open quote.
                let continuation =
                    paragraph_start && stack.last().is_some_and(|o| o.family == family);
                if !continuation {
                    push(&mut stack, family, mark);
                }
            }
            '”' | '»' => {
                let family = if c == '»' {
                    Family::Guillemet
                } else {
                    Family::Double
                };
                pop_to(&mut stack, &mut regions, family, mark);
            }
            '"' => {
                let top_double = stack.iter().any(|o| o.family == Family::Double);
                if paragraph_start && stack.last().is_some_and(|o| o.family == Family::Double) {
                    // continuation of a multi-paragraph straight quote
                } else if top_double && (closing_context || !opening_context) {
                    pop_to(&mut stack, &mut regions, Family::Double, mark);
                } else if opening_context || !top_double {
                    push(&mut stack, Family::Double, mark);
                }
            }
            '‘' => push(&mut stack, Family::Single, mark),
            '\'' | '’' => {
                let inside_word = is_word(prev) && is_word(next);
                let has_single = stack.iter().any(|o| o.family == Family::Single);
                if inside_word {
                    // apostrophe: don't, O’Malley
                } else if has_single && closing_context && !opening_context {
                    pop_to(&mut stack, &mut regions, Family::Single, mark);
                } else if c == '\'' && opening_context && is_word(next) {
                    push(&mut stack, Family::Single, mark);
                }
            }
            _ => {}
        }
        if !c.is_whitespace() {
            paragraph_start = false;
        }
        prev = Some(c);
    }
    close_paragraph(&mut stack, &mut regions, text.len(), false);
    regions.sort_by_key(|r| (r.open.start, r.depth));
    regions
}

fn push(stack: &mut Vec<Open>, family: Family, mark: Span) {
    if stack.len() < MAX_DEPTH {
        let depth = stack
            .iter()
            .filter(|o| o.family != Family::Single || family == Family::Single)
            .count()
            .min(stack.len());
        stack.push(Open {
            family,
            mark,
            depth,
        });
    }
}

/// Closes the innermost open quote of `family`, discarding unclosed single quotes above it
/// (they were apostrophes). A closer with no matching opener is ignored.
fn pop_to(stack: &mut Vec<Open>, regions: &mut Vec<QuoteRegion>, family: Family, mark: Span) {
    let Some(position) = stack.iter().rposition(|o| o.family == family) else {
        return;
    };
    stack.truncate(position + 1);
    if let Some(open) = stack.pop() {
        regions.push(QuoteRegion {
            open: open.mark,
            close: Some(mark),
            inner: Span::new(open.mark.end, mark.start),
            depth: open.depth.min(position),
            closed: true,
        });
    }
}

/// At a paragraph end: single quotes still open were apostrophes; double quotes either
/// continue (the next paragraph reopens) or end here unclosed.
fn close_paragraph(
    stack: &mut Vec<Open>,
    regions: &mut Vec<QuoteRegion>,
    at: usize,
    reopens: bool,
) {
    stack.retain(|o| o.family != Family::Single);
    if reopens {
        return;
    }
    while let Some(open) = stack.pop() {
        if at > open.mark.end {
            regions.push(QuoteRegion {
                open: open.mark,
                close: None,
                inner: Span::new(open.mark.end, at),
                depth: stack.len(),
                closed: false,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inner<'a>(text: &'a str, regions: &[QuoteRegion]) -> Vec<(&'a str, usize, bool)> {
        regions
            .iter()
            .map(|r| (&text[r.inner.start..r.inner.end], r.depth, r.closed))
            .collect()
    }

    #[test]
    fn curly_nested_and_apostrophes() {
        let text = "Cutler said, “The negotiator would ‘go rogue’ in talks, it’s not credible.”";
        let r = find_quotes(text);
        assert_eq!(
            inner(text, &r),
            [
                (
                    "The negotiator would ‘go rogue’ in talks, it’s not credible.",
                    0,
                    true
                ),
                ("go rogue", 1, true)
            ]
        );
    }

    #[test]
    fn two_apostrophes_are_a_double_quote() {
        let text =
            "''This isn't reform,'' said Mr. Smith. He was 'sure.'\n''It will pass\n''and soon.''";
        let r = find_quotes(text);
        assert_eq!(
            inner(text, &r),
            [
                ("This isn't reform,", 0, true),
                ("sure.", 0, true),
                ("It will pass\n''and soon.", 0, true)
            ]
        );
        assert_eq!(
            &text[r[0].outer().start..r[0].outer().end],
            "''This isn't reform,''"
        );
    }

    #[test]
    fn two_curly_single_quotes_are_a_curly_double_quote() {
        let text = "“We print comics,’’ says the founder. ‘‘Small runs too.’’";
        let found = inner(text, &find_quotes(text));
        assert_eq!(
            found,
            vec![("We print comics,", 0, true), ("Small runs too.", 0, true)]
        );
    }

    #[test]
    fn straight_and_guillemets() {
        let text = "He said \"we 'won' today\" and « merci » too, don't 'worry.";
        let r = find_quotes(text);
        assert_eq!(
            inner(text, &r),
            [
                ("we 'won' today", 0, true),
                ("won", 1, true),
                (" merci ", 0, true)
            ]
        );
    }

    #[test]
    fn multi_paragraph_quote_with_repeated_opener() {
        let text = "She said: “First part.\n“Second part,” she added.\nAfter.";
        let r = find_quotes(text);
        assert_eq!(inner(text, &r), [("First part.\n“Second part,", 0, true)]);
    }

    #[test]
    fn unbalanced_marks_recover() {
        let text = "Stray ” closer. “Never closed here\nNext “ok” line.";
        let r = find_quotes(text);
        assert_eq!(
            inner(text, &r),
            [("Never closed here", 0, false), ("ok", 0, true)]
        );
    }

    #[test]
    fn many_marks_and_only_openers_do_not_blow_up() {
        let text = "“".repeat(500) + &"a ”".repeat(3) + &"‘x ".repeat(500);
        let r = find_quotes(&text);
        assert!(r.len() <= 500);
        let only_open = "“a ".repeat(10_000);
        let r = find_quotes(&only_open);
        assert!(r.len() <= MAX_DEPTH);
    }
}
