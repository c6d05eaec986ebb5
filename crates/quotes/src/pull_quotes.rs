//! Pull quotes: a line that is nothing but a short quotation without cue or source
//! ("'Just listen to us'" as a subheading) repeats words a quote of the body attributes
//! ("… Dennis Brooks says: 'Just listen. Just listen to us. We're people.'"). Kept, it
//! would count the same words twice, the second time for whoever spoke last before the
//! subheading; it is dropped where the body quotes its words. Tests: `tests/speakers.rs`
//! (they need ingest's paragraphs).

use std::collections::{BTreeSet, HashSet};

use stancegraph_core::{Document, Quote, QuoteKind};

/// Words a pull quote holds at most (longer lines are paragraphs of speech, not
/// subheadings).
const MAX_PULL_QUOTE_WORDS: usize = 12;

/// Removes from `quotes` each pull quote whose words another quote holds in a row.
pub fn drop_pull_quotes(doc: &Document, quotes: &mut Vec<Quote>) {
    let words_of: Vec<Vec<String>> = quotes.iter().map(|q| words(doc.slice(q.content))).collect();
    let newlines: Vec<usize> = doc.text().match_indices('\n').map(|(i, _)| i).collect();
    let candidates: Vec<bool> = quotes
        .iter()
        .zip(&words_of)
        .map(|(q, w)| {
            q.cue.is_none()
                && q.source.is_none()
                && q.kind == QuoteKind::Direct
                && !w.is_empty()
                && w.len() <= MAX_PULL_QUOTE_WORDS
                && alone_on_its_line(doc, &newlines, q)
        })
        .collect();
    if !candidates.contains(&true) {
        return;
    }
    // The candidates' word runs, sought in the other quotes only where a candidate's first
    // word stands and only at the candidates' lengths: linear in the words, and cheap.
    let wanted: HashSet<&[String]> = words_of
        .iter()
        .zip(&candidates)
        .filter(|(_, &candidate)| candidate)
        .map(|(words, _)| words.as_slice())
        .collect();
    let first_words: HashSet<&str> = wanted
        .iter()
        .filter_map(|run| run.first().map(String::as_str))
        .collect();
    let lengths: BTreeSet<usize> = wanted.iter().map(|run| run.len()).collect();
    let mut found: HashSet<&[String]> = HashSet::new();
    for (words, &candidate) in words_of.iter().zip(&candidates) {
        if candidate {
            continue;
        }
        for (start, word) in words.iter().enumerate() {
            if !first_words.contains(word.as_str()) {
                continue;
            }
            for &length in &lengths {
                if let Some(run) = words.get(start..start + length) {
                    if wanted.contains(run) {
                        found.insert(run);
                    }
                }
            }
        }
    }
    let repeated: Vec<bool> = words_of
        .iter()
        .zip(&candidates)
        .map(|(words, &candidate)| candidate && found.contains(words.as_slice()))
        .collect();
    let mut index = 0;
    quotes.retain(|_| {
        let keep = !repeated.get(index).copied().unwrap_or(false);
        index += 1;
        keep
    });
}

/// The lower-cased words of `text`, without punctuation.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
        .map(|w| w.trim_matches(['\'', '’']).to_lowercase())
        .filter(|w| !w.is_empty())
        .collect()
}

/// Whether the quote's line holds nothing else but punctuation; `newlines` are the byte
/// offsets of the text's line breaks, in order.
fn alone_on_its_line(doc: &Document, newlines: &[usize], quote: &Quote) -> bool {
    let text = doc.text();
    let before = newlines.partition_point(|&n| n < quote.content.start);
    let line_start = before
        .checked_sub(1)
        .and_then(|i| newlines.get(i))
        .map_or(0, |&n| n + 1);
    let line_end = newlines
        .get(newlines.partition_point(|&n| n < quote.content.end))
        .copied()
        .unwrap_or(text.len());
    let rest = [
        text.get(line_start..quote.content.start),
        text.get(quote.content.end..line_end),
    ];
    rest.iter().all(|part| {
        part.is_some_and(|p| {
            p.chars()
                .all(|c| c.is_whitespace() || c.is_ascii_punctuation())
        })
    })
}
