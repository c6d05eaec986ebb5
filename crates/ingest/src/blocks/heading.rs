//! Headings: short kept lines without terminal punctuation, title-cased or standing as
//! the first line, followed by body text.

use super::lexicon::lexicons;
use crate::stage::BlocksConfig;

/// Why a kept line is a heading, with a confidence; `None` for body text.
pub(super) fn heading_reason(
    text: &str,
    words: &[&str],
    first_kept: bool,
    next_is_body: bool,
    has_more: bool,
    config: &BlocksConfig,
) -> Option<(String, f32)> {
    let count = words.len();
    if count == 0 || count > config.max_heading_words + if first_kept { 6 } else { 0 } {
        return None;
    }
    let trimmed = text.trim_end();
    let unquoted = trimmed.trim_end_matches(['"', '”', '’', '\'']);
    // A quoted ending is a quotation ("..., he said.”) unless the quote closes a short
    // headline phrase; an ellipsis is a teaser title, not the end of a sentence.
    let ellipsis = unquoted.ends_with("...") || unquoted.ends_with('…');
    let terminal = !ellipsis && unquoted.ends_with(['.', '!', ';', ',', ':']);
    if terminal || (ellipsis && !first_kept) {
        return None;
    }
    let content: Vec<&str> = words
        .iter()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| w.chars().next().is_some_and(char::is_alphabetic))
        .filter(|w| {
            !lexicons()
                .title_small_words
                .contains(w.to_lowercase().as_str())
        })
        .collect();
    if content.is_empty() {
        return None;
    }
    let capitalised = content
        .iter()
        .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
        .count();
    let title_cased = capitalised * 4 >= content.len() * 3;
    if first_kept && (next_is_body || has_more) {
        return Some((
            "first line, short, no terminal punctuation: title".into(),
            if title_cased { 0.9 } else { 0.75 },
        ));
    }
    if title_cased && next_is_body {
        return Some((
            "short title-cased line without terminal punctuation before body text".into(),
            0.85,
        ));
    }
    if title_cased && count <= 6 {
        return Some((
            "short title-cased line without terminal punctuation".into(),
            0.6,
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The heading verdict on `text` as the first kept line or not, with body text after it.
    fn verdict(text: &str, first: bool, next_is_body: bool) -> Option<(String, f32)> {
        let words: Vec<&str> = text.split_whitespace().collect();
        heading_reason(
            text,
            &words,
            first,
            next_is_body,
            true,
            &BlocksConfig::default(),
        )
    }

    fn confidence(text: &str, first: bool, next_is_body: bool) -> Option<f32> {
        verdict(text, first, next_is_body).map(|(_, c)| c)
    }

    #[test]
    fn first_line_is_a_title_more_surely_when_title_cased() {
        assert_eq!(confidence("Leaders Meet In Geneva", true, true), Some(0.9));
        assert_eq!(
            confidence("Leaders meet in rainy Geneva", true, true),
            Some(0.75)
        );
        let last = heading_reason(
            "Leaders meet quietly",
            &["Leaders", "meet", "quietly"],
            true,
            false,
            false,
            &BlocksConfig::default(),
        );
        assert_eq!(last, None, "a lone line is no title of anything");
    }

    #[test]
    fn title_cased_lines_before_body_or_very_short_are_headings() {
        assert_eq!(
            confidence("Global Economic Implications Of The Deal", false, true),
            Some(0.85)
        );
        assert_eq!(
            confidence("Path Forward Uncertain", false, false),
            Some(0.6)
        );
        // Seven title-cased words not followed by body: no heading.
        assert_eq!(
            confidence(
                "Path Forward Uncertain For All Trade Partners",
                false,
                false
            ),
            None
        );
        assert_eq!(confidence("path forward uncertain", false, true), None);
    }

    #[test]
    fn terminal_punctuation_and_ellipses() {
        assert_eq!(confidence("Leaders Meet Today.", false, true), None);
        assert_eq!(confidence("Leaders Meet Today.", true, true), None);
        assert_eq!(confidence("What Comes Next…", false, true), None);
        assert_eq!(confidence("What Comes Next…", true, true), Some(0.9));
        assert_eq!(confidence("“Leaders Meet” Today”", false, true), Some(0.85));
    }

    #[test]
    fn long_lines_and_lines_without_words_are_no_headings() {
        let fifteen = "Word ".repeat(15);
        assert_eq!(confidence(fifteen.trim(), false, true), None);
        // The first line may be six words longer.
        assert_eq!(confidence(fifteen.trim(), true, true), Some(0.9));
        let twenty_one = "Word ".repeat(21);
        assert_eq!(confidence(twenty_one.trim(), true, true), None);
        assert_eq!(confidence("2024 – 25", false, true), None);
        assert_eq!(confidence("Of The And", false, true), None);
    }
}
