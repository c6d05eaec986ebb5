//! Pull quotes: a paragraph that is nothing but a short quotation without cue or source
//! ("'Just listen to us'" as a subheading) repeats words a quote of the body attributes
//! ("… Dennis Brooks says: 'Just listen. Just listen to us. We're people.'"). Kept, it
//! would count the same words twice, the second time for whoever spoke last before the
//! subheading; it is dropped where the body quotes its words. Tests: `tests/speakers.rs`
//! (they need ingest's paragraphs).

use std::collections::{BTreeSet, HashSet};

use stancegraph_core::{Document, Quote, QuoteKind};

/// Words a pull quote holds at most (longer ones are paragraphs of speech, not
/// subheadings).
const MAX_PULL_QUOTE_WORDS: usize = 12;

/// Removes from `quotes` each pull quote (a paragraph of a short quotation alone) whose
/// words another quote holds in a row.
pub fn drop_pull_quotes(doc: &Document, quotes: &mut Vec<Quote>) {
    let candidates: Vec<bool> = quotes
        .iter()
        .map(|q| {
            q.cue.is_none()
                && q.source.is_none()
                && q.kind == QuoteKind::Direct
                && alone_in_its_paragraph(doc, q)
                && (1..=MAX_PULL_QUOTE_WORDS).contains(&words(doc.slice(q.content)).len())
        })
        .collect();
    // Most documents have none: the other quotes' words are read only when one exists.
    if !candidates.contains(&true) {
        return;
    }
    let words_of: Vec<Vec<String>> = quotes.iter().map(|q| words(doc.slice(q.content))).collect();
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
    let mut repeated = repeated.into_iter();
    quotes.retain(|_| !repeated.next().unwrap_or(false));
}

/// The lower-cased words of `text`, without punctuation.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
        .map(|w| w.trim_matches(['\'', '’']).to_lowercase())
        .filter(|w| !w.is_empty())
        .collect()
}

/// Whether the quote's paragraph (ingest's block) holds nothing else but punctuation.
fn alone_in_its_paragraph(doc: &Document, quote: &Quote) -> bool {
    let Some(block) = doc.block_at(quote.content.start) else {
        return false;
    };
    let text = doc.text();
    [
        text.get(block.span.start..quote.content.start),
        text.get(quote.content.end..block.span.end),
    ]
    .iter()
    .all(|part| {
        part.is_some_and(|p| {
            p.chars()
                .all(|c| c.is_whitespace() || c.is_ascii_punctuation())
        })
    })
}
