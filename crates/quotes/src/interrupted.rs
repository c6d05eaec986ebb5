//! A quotation interrupted by its attribution is one quote:
//! “The plan will cost jobs,” she said. “We will fight it.” → one content from the first
//! opening mark to the last closing mark (the attribution inside it), as PolNeAR marks it
//! (the Gender Gap Tracker keeps the parts apart: `join_interrupted = false`).
//!
//! The first part must end with a comma, question or exclamation mark inside its closing
//! mark (a full stop ends the quotation: what follows is a new one), the text between the
//! parts must be short, on one line, hold the first part's cue and end with a comma, full
//! stop or colon; a second part with a cue of its own (other than the first part's) is
//! another quotation, unless that cue comes after a second part that ends its sentence
//! ("“…,” he said. “….” Trump told the forum …": the next attribution's). On PolNeAR dev,
//! 117 of 127 such pairs on one line are one gold content, and 1 of 16 across a paragraph
//! break.

use std::collections::{BTreeMap, HashMap};

use stancegraph_core::{ActorRef, Document, Quote, QuoteKind, Span};

use crate::marks::QuoteRegion;

/// The longest attribution between the two parts, in bytes ("Leonard E. Burman, director of
/// the centrist Urban-Brookings Tax Policy Center and a professor at the Maxwell School of
/// Syracuse University, said of Mrs. Clinton's plan." is 155; PolNeAR dev content exact F1
/// 0.497 at 120 bytes, 0.500 at 160, 0.501 at 200 and 300).
const MAX_GAP_BYTES: usize = 200;

/// Joins each quote whose content holds a quoted region interrupted by its own cue (and
/// ends there or in the attribution) with the next quoted region and the quote found
/// there, which is removed.
pub(crate) fn join_interrupted_quotes(
    doc: &Document,
    regions: &[QuoteRegion],
    quotes: &mut Vec<Quote>,
) {
    let text = doc.text();
    let top: Vec<&QuoteRegion> = regions
        .iter()
        .filter(|r| r.depth == 0 && r.closed)
        .collect();
    let mut removed = vec![false; quotes.len()];
    // Quotes by where their content ends and starts (a flood of quotes stays linear). A
    // joined quote keeps its entry under its old end: only the gap of its cue joins it.
    let mut by_end: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    let mut by_start: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, q) in quotes.iter().enumerate() {
        by_end.entry(q.content.end).or_default().push(i);
        by_start.entry(q.content.start).or_default().push(i);
    }
    for pair in top.windows(2) {
        let (first, second) = (pair[0], pair[1]);
        let gap = Span::new(first.outer().end, second.open.start);
        if !interrupts(text, first, gap) {
            continue;
        }
        // The first part's quote: its content holds the first region and ends there or
        // (as the tagger sometimes reads it) in the attribution after it.
        let Some(a) = by_end
            .range(first.inner.end..=gap.end)
            .flat_map(|(_, list)| list.iter().copied())
            .find(|&i| {
                let q = &quotes[i];
                !removed[i]
                    && q.content.start <= first.inner.start
                    && q.cue.is_some_and(|c| gap.contains(c))
            })
        else {
            continue;
        };
        let second_quote = [second.open.start, second.inner.start]
            .iter()
            .filter_map(|o| by_start.get(o))
            .flatten()
            .copied()
            .find(|&i| i != a && !removed[i]);
        let first_cue = quotes[a].cue;
        if let Some(b) = second_quote {
            // A cue of the second part other than the first's ("…,” he said, adding, “…”)
            // starts another attribution.
            // A cue after a second part that ends its sentence ("“…,” he said. “….” Trump
            // told the forum …") starts the next attribution.
            let second_ends = text
                .get(second.inner.start..second.inner.end)
                .is_some_and(|inner| inner.trim_end().ends_with('.'));
            let own_cue = quotes[b].cue.is_some_and(|c| {
                let shared = first_cue.is_some_and(|f| f.overlaps(c));
                let next_attributions = second_ends && c.start >= second.outer().end;
                !(shared || next_attributions)
            });
            if own_cue {
                continue;
            }
            removed[b] = true;
        }
        let end = if quotes[a].content.end == first.inner.end {
            second.inner.end
        } else {
            second.outer().end
        };
        let joined = &mut quotes[a];
        joined.content = Span::new(joined.content.start, end);
        // Two quoted parts and their attribution; words before the first keep it mixed.
        joined.kind = if joined.content.start >= first.open.start {
            QuoteKind::Direct
        } else {
            QuoteKind::Mixed
        };
        if let Some(b) = second_quote {
            let (source, speaker) = (quotes[b].source, quotes[b].speaker.clone());
            let second_cue = quotes[b].cue;
            let joined = &mut quotes[a];
            joined.source = joined.source.or(source);
            // Of two readings of the same cue ("said" and "said Monday") the longer.
            if let (Some(first), Some(second)) = (joined.cue, second_cue) {
                if second.contains(first) {
                    joined.cue = Some(second);
                }
            }
            if matches!(joined.speaker, ActorRef::Unresolved { .. })
                && !matches!(speaker, ActorRef::Unresolved { .. })
            {
                joined.speaker = speaker;
            }
        }
    }
    let mut index = 0;
    quotes.retain(|_| {
        index += 1;
        !removed[index - 1]
    });
}

/// Whether the text `gap` after the quoted region `first` is an attribution interrupting a
/// quotation: `first` ends with , ? or ! inside its marks, and the gap is short, on one
/// line, without quote marks and ends with , . or :.
pub(crate) fn interrupts(text: &str, first: &QuoteRegion, gap: Span) -> bool {
    let inner = text.get(first.inner.start..first.inner.end).unwrap_or("");
    // A nested quote may close first: “… it was the fault of those 5,000 people,’” Merkley said.
    let continues = inner
        .trim_end()
        .trim_end_matches(['\u{2019}', '\'', '"', '\u{201d}'])
        .ends_with([',', '?', '!']);
    let between = text.get(gap.start..gap.end).unwrap_or("");
    let attribution = between.trim();
    continues
        && gap.end > gap.start
        && between.len() <= MAX_GAP_BYTES
        && !between.contains('\n')
        && !attribution.is_empty()
        && attribution.ends_with([',', '.', ':'])
        && !attribution.contains(['"', '\u{201c}', '\u{201d}'])
}

#[cfg(test)]
mod tests {
    use stancegraph_core::{Document, Metadata, Quote};

    use super::join_interrupted_quotes;
    use crate::marks::find_quotes;
    use crate::test_quotes::quote;

    fn joined(text: &str, quotes: Vec<Quote>) -> Vec<String> {
        let doc = Document::new(None, text, Metadata::default());
        let mut quotes = quotes;
        join_interrupted_quotes(&doc, &find_quotes(text), &mut quotes);
        quotes
            .iter()
            .map(|q| doc.slice(q.content).to_string())
            .collect()
    }

    #[test]
    fn a_quote_interrupted_by_its_attribution_is_one_quote() {
        let text = "Unions met on Monday. \u{201c}The plan will cost jobs,\u{201d} she said. \u{201c}We will fight it.\u{201d}";
        let found = joined(
            text,
            vec![
                quote(
                    text,
                    "\u{201c}The plan will cost jobs,\u{201d}",
                    Some("said"),
                    None,
                ),
                quote(text, "\u{201c}We will fight it.\u{201d}", None, None),
            ],
        );
        assert_eq!(
            found,
            ["\u{201c}The plan will cost jobs,\u{201d} she said. \u{201c}We will fight it.\u{201d}"]
        );
    }

    #[test]
    fn a_second_part_nobody_attributed_is_joined_too() {
        let text =
            "\"We are ready,\" Lee told reporters, \"and we will win.\" Polls open at eight.";
        let found = joined(
            text,
            vec![quote(text, "\"We are ready,\"", Some("told"), None)],
        );
        assert_eq!(
            found,
            ["\"We are ready,\" Lee told reporters, \"and we will win.\""]
        );
    }

    #[test]
    fn a_first_part_read_over_its_attribution_is_joined_too() {
        let text = "\"We are ready,\" Lee said on Monday. \"We will win.\"";
        let found = joined(
            text,
            vec![
                quote(
                    text,
                    "\"We are ready,\" Lee said on Monday.",
                    Some("said"),
                    None,
                ),
                quote(text, "\"We will win.\"", None, None),
            ],
        );
        assert_eq!(found, [text]);
    }

    #[test]
    fn a_full_stop_a_paragraph_break_or_a_second_cue_keeps_two_quotes() {
        let stop = "\"We are ready.\" Lee said. \"We will win.\"";
        let quotes = vec![
            quote(stop, "\"We are ready.\"", Some("said"), None),
            quote(stop, "\"We will win.\"", None, None),
        ];
        assert_eq!(joined(stop, quotes).len(), 2);
        let paragraph = "\"We are ready,\" Lee said.\n\"We will win.\"";
        let quotes = vec![
            quote(paragraph, "\"We are ready,\"", Some("said"), None),
            quote(paragraph, "\"We will win.\"", None, None),
        ];
        assert_eq!(joined(paragraph, quotes).len(), 2);
        let answered = "\"Are you ready?\" Lee asked. \"Never,\" Kim replied.";
        let quotes = vec![
            quote(answered, "\"Are you ready?\"", Some("asked"), None),
            quote(answered, "\"Never,\"", Some("replied"), None),
        ];
        assert_eq!(joined(answered, quotes).len(), 2);
        let added = "\"We are ready,\" Lee said, adding: \"We will win.\"";
        let quotes = vec![
            quote(added, "\"We are ready,\"", Some("said"), None),
            quote(added, "\"We will win.\"", Some("adding"), None),
        ];
        assert_eq!(joined(added, quotes).len(), 2);
    }

    #[test]
    fn a_first_part_whose_nested_quote_closes_first_is_joined_too() {
        let text = "\u{201c}They told us, \u{2018}It was their fault,\u{2019}\u{201d} Lee said. \u{201c}It was not.\u{201d}";
        let first = "\u{201c}They told us, \u{2018}It was their fault,\u{2019}\u{201d}";
        let quotes = vec![
            quote(text, first, Some("said"), None),
            quote(text, "\u{201c}It was not.\u{201d}", None, None),
        ];
        assert_eq!(joined(text, quotes), [text]);
    }

    #[test]
    fn a_cue_after_a_second_part_that_ends_its_sentence_is_the_next_ones() {
        let text = "\"We are ready,\" Lee said. \"We will win.\" Kim told reporters it was over.";
        let quotes = vec![
            quote(text, "\"We are ready,\"", Some("said"), None),
            quote(text, "\"We will win.\"", Some("told"), None),
        ];
        assert_eq!(
            joined(text, quotes),
            ["\"We are ready,\" Lee said. \"We will win.\""]
        );
    }
}
