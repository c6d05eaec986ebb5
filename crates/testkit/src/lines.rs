//! The one definition of the seed's spam lines and headings, in byte offsets of the seed
//! text. Every other line is body text. Ingest's golden test classifies the seed the same
//! way; `tests::ingest_marks_the_seed_as_defined_here` in `pipeline.rs` checks it against
//! the real `ingest.blocks` stage.
//!
//! Lines 17 and 18 are body although they end in link spam ("ASUS beating Dell to market",
//! "American Express successfully capturing", "ISS challenging Tesla’s governance"): those
//! clauses sit inside paragraphs of the article, so ingest keeps the lines, and the
//! seed's golden tests only require that no actor of the story is taken from them.

use stancegraph_core::{BlockKind, Document, MapSpans, Span};

use crate::seed::seed_text;

/// A line of the seed article with the kind ingest must give it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeedLine {
    /// Line number as an editor shows it (the first line is 1).
    pub number: usize,
    /// The line's bytes in [`crate::seed_text`], without its line break.
    pub span: Span,
    /// Body, heading or boilerplate.
    pub kind: BlockKind,
}

const fn spam(number: usize, start: usize, end: usize) -> SeedLine {
    SeedLine {
        number,
        span: Span::new(start, end),
        kind: BlockKind::Boilerplate,
    }
}

const fn heading(number: usize, start: usize, end: usize) -> SeedLine {
    SeedLine {
        number,
        span: Span::new(start, end),
        kind: BlockKind::Heading,
    }
}

/// Line 1, "Note: Featured image is for illustrative purposes only …": a disclaimer about
/// the web page's picture, not news; it names no actor and makes no claim.
pub const IMAGE_DISCLAIMER: SeedLine = spam(1, 0, 145);

/// Line 2, "Industrial Monitor Direct produces the most advanced din rail pc panel PCs …":
/// an advertisement (promotional superlatives, "endorsed by SCADA professionals") for a
/// company the article never mentions; neither it nor SCADA may become an actor.
pub const FIRST_ADVERT: SeedLine = spam(2, 146, 315);

/// Line 23, "Industrial Monitor Direct is the preferred supplier of glass screen pc
/// solutions …": the same advertiser again, after the article's last paragraph.
pub const SECOND_ADVERT: SeedLine = spam(23, 5832, 5992);

/// Line 24, "This article aggregates information from publicly available sources. All
/// trademarks …": the aggregator's legal notice, about the site, not the story.
pub const AGGREGATOR_NOTICE: SeedLine = spam(24, 5993, 6126);

/// The seed's spam lines (boilerplate: no annotation may come from them), in text order.
pub const SPAM_LINES: [SeedLine; 4] = [
    IMAGE_DISCLAIMER,
    FIRST_ADVERT,
    SECOND_ADVERT,
    AGGREGATOR_NOTICE,
];

/// The seed's section headings (short title-cased lines without final punctuation, each
/// followed by a paragraph): structure, read as sentences of their own, never names.
pub const HEADINGS: [SeedLine; 6] = [
    heading(3, 316, 348),    // High-Stakes Diplomatic Maneuvers
    heading(6, 1266, 1302),  // Economic Weapons and Countermeasures
    heading(9, 2255, 2297),  // Internal Dynamics and Diplomatic Posturing
    heading(13, 3351, 3379), // Global Economic Implications
    heading(16, 4106, 4134), // Broader Geopolitical Context
    heading(19, 4922, 4944), // Path Forward Uncertain
];

/// Every line of the seed in order, with its kind: [`SPAM_LINES`], [`HEADINGS`], the rest
/// body.
pub fn seed_lines() -> Vec<SeedLine> {
    let text = seed_text();
    let mut lines = Vec::new();
    let mut start = 0;
    for (index, line) in text.split_inclusive('\n').enumerate() {
        let number = index + 1;
        let span = Span::new(start, start + line.trim_end_matches(['\n', '\r']).len());
        start += line.len();
        let marked = SPAM_LINES
            .iter()
            .chain(&HEADINGS)
            .find(|l| l.number == number);
        lines.push(SeedLine {
            number,
            span,
            kind: marked.map_or(BlockKind::Body, |l| l.kind),
        });
    }
    lines
}

/// Byte spans of the spam lines.
pub fn spam_line_spans() -> Vec<Span> {
    SPAM_LINES.iter().map(|l| l.span).collect()
}

/// Byte spans of the headings.
pub fn heading_spans() -> Vec<Span> {
    HEADINGS.iter().map(|l| l.span).collect()
}

/// True when any byte of `span` (byte offsets of the seed) lies on a spam line.
pub fn is_in_spam_line(span: Span) -> bool {
    SPAM_LINES.iter().any(|l| l.span.overlaps(span))
}

/// True when any byte of `span` (byte offsets of the seed) lies on a heading.
pub fn is_in_heading(span: Span) -> bool {
    HEADINGS.iter().any(|l| l.span.overlaps(span))
}

/// Every record of an annotated seed document with a span touching a spam line, described
/// as `layer: text` (empty when nothing comes from spam): sentences, tokens, mentions,
/// entities, quotes (content, cue, source), relations and stances (evidence, trigger).
/// Blocks are left out: the spam lines are blocks themselves. Panics when `doc` is not
/// the seed (with or without the final line break, which the CLI's ingest drops).
pub fn records_on_spam_lines(doc: &Document) -> Vec<String> {
    assert_eq!(
        doc.text().trim_end_matches('\n'),
        seed_text().trim_end_matches('\n'),
        "records_on_spam_lines needs the seed"
    );
    let mut found = Vec::new();
    touching("sentences", &doc.sentences, doc, &mut found);
    touching("tokens", &doc.tokens, doc, &mut found);
    touching("mentions", &doc.mentions, doc, &mut found);
    touching("entities", &doc.entities, doc, &mut found);
    touching("quotes", &doc.quotes, doc, &mut found);
    touching("relations", &doc.relations, doc, &mut found);
    touching("stances", &doc.stances, doc, &mut found);
    found
}

/// Adds to `found` each record of `layer` that holds a span on a spam line.
fn touching<T: MapSpans + Clone>(
    layer: &str,
    records: &[T],
    doc: &Document,
    found: &mut Vec<String>,
) {
    for record in records {
        let mut spam = Vec::new();
        let _ = record.clone().map_spans(&mut |span| {
            if is_in_spam_line(span) {
                spam.push(span);
            }
            Ok(span)
        });
        found.extend(spam.into_iter().map(|span| {
            let text = doc.text().get(span.start..span.end).unwrap_or("?");
            format!("{layer}: {text:?} at {}..{}", span.start, span.end)
        }));
    }
}

#[cfg(test)]
mod tests {
    use stancegraph_core::{Metadata, Sentence, SentenceKind};

    use super::*;

    #[test]
    fn the_marked_lines_are_whole_lines_of_the_seed() {
        let text = seed_text();
        let lines = seed_lines();
        assert_eq!(lines.len(), 24);
        for marked in SPAM_LINES.iter().chain(&HEADINGS) {
            assert_eq!(lines[marked.number - 1], *marked, "line {}", marked.number);
        }
        let slice = |l: &SeedLine| &text[l.span.start..l.span.end];
        assert!(slice(&IMAGE_DISCLAIMER).starts_with("Note: Featured image"));
        assert!(slice(&FIRST_ADVERT).starts_with("Industrial Monitor Direct produces"));
        assert!(slice(&SECOND_ADVERT).starts_with("Industrial Monitor Direct is"));
        assert!(slice(&AGGREGATOR_NOTICE).starts_with("This article aggregates"));
        assert_eq!(slice(&HEADINGS[5]), "Path Forward Uncertain");
        // Headings: short, no final punctuation. Body lines end a sentence.
        for line in &lines {
            let words = slice(line).split_whitespace().count();
            let ends_sentence = slice(line).ends_with(['.', '”']);
            match line.kind {
                BlockKind::Heading => assert!(words < 8 && !ends_sentence, "{line:?}"),
                BlockKind::Body => assert!(ends_sentence, "{line:?}"),
                BlockKind::Boilerplate => {}
            }
        }
    }

    #[test]
    fn spans_touching_a_spam_line_are_in_it() {
        assert_eq!(spam_line_spans().len(), 4);
        assert!(is_in_spam_line(Span::new(150, 160)));
        // The line break after line 2 belongs to no line; a span across it touches both.
        assert!(!is_in_spam_line(Span::new(315, 316)));
        assert!(is_in_spam_line(Span::new(314, 320)));
        assert!(!is_in_spam_line(Span::new(349, 891)));
        assert!(is_in_spam_line(Span::new(6000, 6001)));
        assert_eq!(heading_spans()[0], Span::new(316, 348));
        assert!(is_in_heading(Span::new(316, 327)));
        assert!(!is_in_heading(Span::new(349, 360)));
    }

    #[test]
    fn records_on_spam_lines_names_the_layer_and_text() {
        let trimmed = seed_text().trim_end().to_string();
        let mut doc = Document::new(None, trimmed, Metadata::default());
        assert!(records_on_spam_lines(&doc).is_empty());
        for span in [Span::new(146, 171), Span::new(349, 891)] {
            doc.sentences.push(Sentence {
                span,
                kind: SentenceKind::Body,
                stage: "test".into(),
                confidence: 1.0,
            });
        }
        assert_eq!(
            records_on_spam_lines(&doc),
            ["sentences: \"Industrial Monitor Direct\" at 146..171"]
        );
        let other = Document::new(None, "Not the seed.", Metadata::default());
        let refused = std::panic::catch_unwind(|| records_on_spam_lines(&other));
        assert!(refused.is_err());
    }
}
