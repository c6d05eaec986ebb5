//! Words in quotes that are a term or a title, not anyone's words: "the “sextortion” scam",
//! "speaking Sunday on “Fox & Friends,” alleged …". A verb of saying after the marks
//! ("…, the senders asked for money") does not make them a quote, and a tagged reading with
//! neither cue nor source inside them is dropped (a later rule would give it the last
//! speaker).

use stancegraph_core::{Document, Quote, Span};

use crate::speakers::{lower, starts_paragraph};

/// The most words a quoted term holds.
const TERM_WORDS: usize = 3;

/// The region `outer` (tokens `first_token..end_token`, marks included) is a term or a
/// title inside its sentence rather than a quote: a title after a preposition, or a short
/// phrase that modifies the noun after its closing mark.
pub(crate) fn is_term(doc: &Document, outer: Span, first_token: usize, end_token: usize) -> bool {
    title_after_preposition(doc, outer, first_token, end_token)
        || (!starts_paragraph(doc, outer)
            && is_short_phrase(doc, first_token, end_token)
            && modifies_noun_after(doc, end_token))
}

/// The region, which no cue goes with, is a short phrase or a title after a preposition:
/// a tagged reading with neither cue nor source inside it is no one's words.
pub(crate) fn is_term_without_cue(
    doc: &Document,
    outer: Span,
    first_token: usize,
    end_token: usize,
) -> bool {
    is_short_phrase(doc, first_token, end_token)
        || title_after_preposition(doc, outer, first_token, end_token)
}

/// At most [`TERM_WORDS`] words and no sentence mark between the marks.
fn is_short_phrase(doc: &Document, first_token: usize, end_token: usize) -> bool {
    let sentence_mark = doc
        .tokens
        .get(first_token..end_token)
        .unwrap_or(&[])
        .iter()
        .any(|t| matches!(doc.slice(t.span), "." | "!" | "?"));
    word_count(doc, first_token, end_token) <= TERM_WORDS && !sentence_mark
}

/// The tokens of `first_token..end_token` that hold a letter or digit (marks and commas
/// are no words).
fn word_count(doc: &Document, first_token: usize, end_token: usize) -> usize {
    doc.tokens
        .get(first_token..end_token)
        .unwrap_or(&[])
        .iter()
        .filter(|t| doc.slice(t.span).chars().any(char::is_alphanumeric))
        .count()
}

/// The token right after the closing mark is a lower-case noun of the same sentence: the
/// quoted words premodify it ("the “sextortion” case", "the 'unpredictable' nature").
fn modifies_noun_after(doc: &Document, end_token: usize) -> bool {
    let (Some(next), Some(close)) = (
        doc.tokens.get(end_token),
        end_token.checked_sub(1).and_then(|i| doc.tokens.get(i)),
    ) else {
        return false;
    };
    next.sentence == close.sentence
        && next.upos.as_deref() == Some("NOUN")
        && doc.slice(next.span).starts_with(char::is_lowercase)
}

/// Drops the readings at `inside` that have neither cue nor source.
pub(crate) fn drop_bare_readings(quotes: &[Quote], inside: &[usize], keep: &mut [bool]) {
    for &i in inside {
        let bare = quotes
            .get(i)
            .is_some_and(|q| q.cue.is_none() && q.source.is_none());
        if let (true, Some(k)) = (bare, keep.get_mut(i)) {
            *k = false;
        }
    }
}

/// A short title-cased phrase in quotes right after "on", "in" or "at", inside a sentence
/// ("speaking Sunday on “Fox & Friends,” alleged …"): a programme's or work's title, whatever
/// verb follows its marks. ("described as “basically kidnapping”" stays a quote.)
pub(crate) fn title_after_preposition(
    doc: &Document,
    outer: Span,
    first_token: usize,
    end_token: usize,
) -> bool {
    const TITLE_WORDS: usize = 8;
    const CONNECTORS: &[&str] = &["and", "&", "of", "the", "a", "an", "for", "to", "in", "on"];
    let Some(before) = first_token.checked_sub(1) else {
        return false;
    };
    let title_cased = (first_token..end_token).all(|i| {
        let word = doc.tokens.get(i).map_or("", |t| doc.slice(t.span));
        !word.starts_with(char::is_alphabetic)
            || word.starts_with(char::is_uppercase)
            || CONNECTORS.contains(&word)
    });
    word_count(doc, first_token, end_token) <= TITLE_WORDS
        && !starts_paragraph(doc, outer)
        && matches!(lower(doc, before).as_str(), "on" | "in" | "at")
        && title_cased
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_docs::{analysed, attributed};

    /// The contents of the quotes the shipped attributor finds in `text`.
    fn quoted(text: &str) -> Option<Vec<String>> {
        let (doc, quotes) = attributed(text)?;
        Some(
            quotes
                .iter()
                .map(|q| doc.slice(q.content).to_string())
                .collect(),
        )
    }

    #[test]
    fn a_quoted_word_before_its_noun_is_a_term_whatever_verb_follows() {
        let Some(contents) = quoted(
            "The mayor said the plan would fail.\n\nIn the “sextortion” case, the senders asked for money.",
        ) else {
            return;
        };
        assert!(
            !contents.iter().any(|c| c.contains("sextortion")),
            "{contents:?}"
        );
        assert!(
            contents.iter().any(|c| c == "the plan would fail"),
            "{contents:?}"
        );
    }

    #[test]
    fn a_bare_reading_of_a_quoted_name_is_no_quote() {
        let Some(contents) = quoted(
            "Jerry Yang, who remains the firm's \"Chief Yahoo\", is proud of the company. \"In just one decade, the internet has changed everything,\" he said.",
        ) else {
            return;
        };
        assert!(
            !contents.iter().any(|c| c.contains("Chief Yahoo")),
            "{contents:?}"
        );
        assert!(
            contents.iter().any(|c| c.contains("In just one decade")),
            "{contents:?}"
        );
    }

    #[test]
    fn a_long_title_after_a_preposition_is_no_quote() {
        let Some(contents) = quoted(
            "The legend gets a modern spin in “The Kid Who Would Be King,” a delightful film full of action.\n\nThe director said he loved it.",
        ) else {
            return;
        };
        assert!(
            !contents.iter().any(|c| c.contains("Would Be King")),
            "{contents:?}"
        );
        assert!(contents.iter().any(|c| c == "he loved it"), "{contents:?}");
    }

    #[test]
    fn short_words_said_mid_sentence_stay_a_quote() {
        let Some(contents) =
            quoted("Asked about the vote, the senator said “absolutely not” before leaving.")
        else {
            return;
        };
        assert!(
            contents.iter().any(|c| c.contains("absolutely not")),
            "{contents:?}"
        );
    }

    /// The first quoted region's outer span, its first token and the token after its last.
    fn first_region_tokens(doc: &Document) -> (Span, usize, usize) {
        let outer = crate::marks::find_quotes(doc.text())
            .first()
            .map(|r| r.outer())
            .expect("a quoted region");
        let first = doc.tokens.partition_point(|t| t.span.end <= outer.start);
        let end = doc.tokens.partition_point(|t| t.span.start < outer.end);
        (outer, first, end)
    }

    #[test]
    fn a_short_quoted_phrase_after_a_preposition_is_a_title() {
        let Some(doc) = analysed(
            "Gallagher, speaking Sunday on “Fox & Friends,” alleged the Navy was acting in retaliation.",
        ) else {
            return;
        };
        let (outer, first, end) = first_region_tokens(&doc);
        assert!(title_after_preposition(&doc, outer, first, end));
        // Words after "as" or in lower case are someone's words.
        for text in [
            "The arrest was described as “basically kidnapping” in state media.",
            "He insisted on “full transparency,” officials said.",
        ] {
            let Some(quote) = analysed(text) else {
                return;
            };
            let (outer, first, end) = first_region_tokens(&quote);
            assert!(
                !title_after_preposition(&quote, outer, first, end),
                "{text}"
            );
        }
    }
}
