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
