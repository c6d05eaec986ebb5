//! Reported speech interrupted by its attribution is one content, from the sentence's
//! start: "Too often, Mr. Clarke said, the debate is inflamed." → content "Too often, Mr.
//! Clarke said, the debate is inflamed", as PolNeAR marks it (the tagger starts it after
//! the attribution).
//!
//! The attribution (source and cue, at most [`MAX_ATTRIBUTION_WORDS`] words, no comma) sits
//! between two commas, the content follows the second, and the words before the first
//! start the sentence: two to [`MAX_FRONTED_WORDS`], no quote mark, no other quote's
//! content among them.

use stancegraph_core::{Document, Quote, Span};

use crate::attribution::OuterIndex;

/// The longest attribution between the commas ("the Republican nominee told reporters").
pub(crate) const MAX_ATTRIBUTION_WORDS: usize = 6;

/// The longest fronted part ("The program, which was created in 1990, …" is about it).
pub(crate) const MAX_FRONTED_WORDS: usize = 12;

/// Starts each content that follows its own comma-enclosed attribution at the start of
/// the sentence, over the attribution.
pub(crate) fn join_fronted_parts(doc: &Document, quotes: &mut [Quote]) {
    let text = doc.text();
    let contents = OuterIndex::from_spans(quotes.iter().map(|q| q.content).collect());
    for quote in quotes.iter_mut() {
        let (Some(cue), Some(source)) = (quote.cue, quote.source) else {
            continue;
        };
        let attribution = Span::new(cue.start.min(source.start), cue.end.max(source.end));
        let after = text.get(attribution.end..quote.content.start).unwrap_or("");
        let said = text.get(attribution.start..attribution.end).unwrap_or(",");
        // "Mr. Clarke said", not "the President struck a note recently, stating".
        let plain = !said.contains(',') && said.split_whitespace().count() <= MAX_ATTRIBUTION_WORDS;
        if attribution.end > quote.content.start || after.trim() != "," || !plain {
            continue;
        }
        let sentence = doc
            .sentences
            .get(
                doc.sentences
                    .partition_point(|s| s.span.end <= attribution.start),
            )
            .map(|s| s.span)
            .filter(|s| s.start <= attribution.start);
        let Some(sentence) = sentence else { continue };
        let Some(fronted) = text.get(sentence.start..attribution.start) else {
            continue;
        };
        let fronted_words = fronted.split_whitespace().count();
        let other_quote_there =
            contents.any_overlapping(Span::new(sentence.start, attribution.start));
        if fronted.trim_end().ends_with(',')
            && (2..=MAX_FRONTED_WORDS).contains(&fronted_words)
            && !fronted.contains(['"', '\u{201c}', '\u{201d}'])
            && !fronted.contains("''")
            && !other_quote_there
        {
            quote.content = Span::new(sentence.start, quote.content.end);
        }
    }
}

#[cfg(test)]
mod tests {
    use stancegraph_core::{Document, Metadata, Sentence, SentenceKind, Span};

    use super::join_fronted_parts;
    use crate::test_quotes::quote;

    /// The content after the rule, in a document whose sentences end at each full stop.
    fn content_after(text: &str, content: &str, cue: &str, source: &str) -> String {
        let mut doc = Document::new(None, text, Metadata::default());
        let mut start = 0;
        for (i, _) in text.match_indices(". ") {
            doc.sentences.push(sentence(start, i + 1));
            start = i + 2;
        }
        doc.sentences.push(sentence(start, text.len()));
        let mut quotes = vec![quote(text, content, Some(cue), Some(source))];
        join_fronted_parts(&doc, &mut quotes);
        doc.slice(quotes[0].content).to_string()
    }

    fn sentence(start: usize, end: usize) -> Sentence {
        Sentence {
            span: Span::new(start, end),
            kind: SentenceKind::Body,
            stage: "t".into(),
            confidence: 1.0,
        }
    }

    #[test]
    fn reported_speech_around_its_attribution_starts_the_sentence() {
        let text = "Coal towns are worried. Too often, Mr. Clarke said, the debate is inflamed.";
        assert_eq!(
            content_after(text, "the debate is inflamed", "said", "Mr. Clarke"),
            "Too often, Mr. Clarke said, the debate is inflamed"
        );
    }

    #[test]
    fn an_attribution_not_between_commas_or_after_a_long_part_stays() {
        let text = "Coal towns are worried. Mr. Clarke said, the debate is inflamed.";
        let content = "the debate is inflamed";
        assert_eq!(content_after(text, content, "said", "Mr. Clarke"), content);
        let text =
            "Despite doubts, the mayor struck a hopeful note, saying, the debate is inflamed.";
        assert_eq!(content_after(text, content, "saying", "the mayor"), content);
        let text = "After a long day of meetings in the capital with miners and their unions and two mayors, Mr. Clarke said, the debate is inflamed.";
        assert_eq!(content_after(text, content, "said", "Mr. Clarke"), content);
    }
}
