//! The token facts resolution reads again and again, computed once per document: byte
//! spans and sentences in compact arrays (a search over 24-byte entries, not over whole
//! `Token`s with their tag strings), and every token's normalised word and lower-case form
//! in two text buffers, so that reading a word allocates nothing.

use stancegraph_core::{Document, Span};

/// Per-token spans, sentences, words and lower-case words of one document.
pub(super) struct TokenTable {
    spans: Vec<Span>,
    sentences: Vec<u32>,
    /// Normalised words (curly quotes made straight) one after another; `word_ends[i]` is
    /// where token `i`'s ends.
    words: String,
    word_ends: Vec<usize>,
    /// The words lower-cased (`str::to_lowercase` of each), laid out the same way.
    lowers: String,
    lower_ends: Vec<usize>,
    /// Tokens whose text has a hyphen ("US-China"), in order.
    hyphenated: Vec<usize>,
}

impl TokenTable {
    pub(super) fn new(doc: &Document) -> Self {
        let count = doc.tokens.len();
        let mut table = TokenTable {
            spans: Vec::with_capacity(count),
            sentences: Vec::with_capacity(count),
            words: String::with_capacity(doc.text().len()),
            word_ends: Vec::with_capacity(count),
            lowers: String::with_capacity(doc.text().len()),
            lower_ends: Vec::with_capacity(count),
            hyphenated: Vec::new(),
        };
        for (i, token) in doc.tokens.iter().enumerate() {
            let raw = doc.slice(token.span);
            table.spans.push(token.span);
            table.sentences.push(token.sentence);
            if raw.contains('-') {
                table.hyphenated.push(i);
            }
            let start = table.words.len();
            if raw.is_ascii() {
                // No curly quotes, and lower-casing is byte by byte.
                table.words.push_str(raw);
                let lower_start = table.lowers.len();
                table.lowers.push_str(raw);
                if let Some(lower) = table.lowers.get_mut(lower_start..) {
                    lower.make_ascii_lowercase();
                }
            } else {
                push_normalised(&mut table.words, raw);
                let word = table.words.get(start..).unwrap_or("");
                table.lowers.push_str(&word.to_lowercase());
            }
            table.word_ends.push(table.words.len());
            table.lower_ends.push(table.lowers.len());
        }
        table
    }

    pub(super) fn len(&self) -> usize {
        self.spans.len()
    }

    pub(super) fn span(&self, i: usize) -> Option<Span> {
        self.spans.get(i).copied()
    }

    pub(super) fn sentence(&self, i: usize) -> Option<u32> {
        self.sentences.get(i).copied()
    }

    /// Token `i`'s normalised word ("" past the end).
    pub(super) fn word(&self, i: usize) -> &str {
        slot(&self.words, &self.word_ends, i)
    }

    /// Token `i`'s word lower-cased ("" past the end).
    pub(super) fn lower(&self, i: usize) -> &str {
        slot(&self.lowers, &self.lower_ends, i)
    }

    pub(super) fn hyphenated(&self) -> &[usize] {
        &self.hyphenated
    }

    /// The token range a byte span covers. `hint` is where the previous search started:
    /// the search gallops from there, so that spans taken in order of position cost
    /// constant time each (a plain binary search per span is n·log n with a cache miss a
    /// step on long documents); any order gives the same ranges.
    pub(super) fn range(&self, span: Span, hint: &mut usize) -> std::ops::Range<usize> {
        let start = gallop(&self.spans, *hint, |t| t.end <= span.start);
        let end = gallop(&self.spans, start, |t| t.start < span.end);
        *hint = start;
        start..end.max(start)
    }
}

/// `text` with curly quotes made straight (what every rule compares words with).
pub(super) fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_normalised(&mut out, text);
    out
}

fn push_normalised(out: &mut String, text: &str) {
    out.extend(text.chars().map(|c| match c {
        '’' | '‘' => '\'',
        '“' | '”' => '"',
        c => c,
    }));
}

fn slot<'a>(text: &'a str, ends: &[usize], i: usize) -> &'a str {
    let Some(&end) = ends.get(i) else {
        return "";
    };
    let start = i
        .checked_sub(1)
        .and_then(|p| ends.get(p))
        .copied()
        .unwrap_or(0);
    text.get(start..end).unwrap_or("")
}

/// `items.partition_point(pred)` for a `pred` true on a prefix, searched outwards from
/// `hint`: steps of 1, 2, 4, … towards the boundary, then a binary search inside the
/// last step, so the cost is logarithmic in the distance from `hint`, not in the length.
fn gallop<T>(items: &[T], hint: usize, pred: impl Fn(&T) -> bool) -> usize {
    let hint = hint.min(items.len());
    let holds = |i: usize| items.get(i).is_some_and(&pred);
    if hint < items.len() && holds(hint) {
        // The boundary is after `hint`.
        let (mut low, mut step) = (hint + 1, 1);
        while low + step <= items.len() && holds(low + step - 1) {
            low += step;
            step *= 2;
        }
        let high = (low + step).min(items.len());
        low + items.get(low..high).map_or(0, |s| s.partition_point(&pred))
    } else {
        // The boundary is at or before `hint`.
        let (mut high, mut step) = (hint, 1);
        while high >= step && !holds(high - step) {
            high -= step;
            step *= 2;
        }
        let low = high.saturating_sub(step);
        low + items.get(low..high).map_or(0, |s| s.partition_point(&pred))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn galloping_finds_the_boundary_from_any_hint() {
        for len in 0..40usize {
            let items: Vec<usize> = (0..len).collect();
            for boundary in 0..=len {
                for hint in 0..=len + 2 {
                    let found = gallop(&items, hint, |&x| x < boundary);
                    assert_eq!(found, boundary, "len {len} hint {hint}");
                }
            }
        }
    }

    #[test]
    fn words_are_normalised_and_lower_cased_once() {
        let mut doc = stancegraph_core::Document::new(
            None,
            "Trump’s ÉTAT US-China",
            stancegraph_core::Metadata::default(),
        );
        for (start, end) in [(0, 5), (5, 9), (10, 15), (16, 24)] {
            doc.tokens.push(stancegraph_core::Token {
                span: Span::new(start, end),
                ..Default::default()
            });
        }
        let table = TokenTable::new(&doc);
        assert_eq!(table.word(1), "'s");
        assert_eq!(table.word(2), "ÉTAT");
        assert_eq!(table.lower(2), "état");
        assert_eq!(table.lower(0), "trump");
        assert_eq!(table.word(9), "");
        assert_eq!(table.hyphenated(), &[3]);
        let mut hint = 3;
        assert_eq!(table.range(Span::new(0, 9), &mut hint), 0..2);
        assert_eq!(table.range(Span::new(16, 18), &mut hint), 3..4);
    }
}
