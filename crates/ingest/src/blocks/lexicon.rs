//! The word lists of the blocks classifier, kept as data in `crates/ingest/lexicons/*.txt`
//! (one entry a line, `#` comments) and compiled into the binary.

use std::collections::HashSet;
use std::sync::OnceLock;

/// Every list the classifier reads.
pub(super) struct Lexicons {
    /// Promotional, advertising and product vocabulary (whole lower-case words).
    pub(super) promo_words: HashSet<&'static str>,
    /// Disclaimer, credit and page-furniture phrases (lower-case substrings), each counted.
    pub(super) disclaimer_phrases: Vec<&'static str>,
    /// Lead-ins of editor's notes, captions and furniture (lower-case line starts).
    pub(super) lead_markers: Vec<&'static str>,
    /// Words that stay lower case in title case.
    pub(super) title_small_words: HashSet<&'static str>,
    /// Capitalised sentence starters that are no names (case-sensitive).
    pub(super) not_names: HashSet<&'static str>,
    /// Words that carry no topic.
    pub(super) stopwords: HashSet<&'static str>,
}

/// The entries of a list file: trimmed lines, without blanks and `#` comments.
fn entries(text: &'static str) -> impl Iterator<Item = &'static str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// The lists, read once.
pub(super) fn lexicons() -> &'static Lexicons {
    static LEXICONS: OnceLock<Lexicons> = OnceLock::new();
    LEXICONS.get_or_init(|| Lexicons {
        promo_words: entries(include_str!("../../lexicons/promo_words.txt")).collect(),
        disclaimer_phrases: entries(include_str!("../../lexicons/disclaimer_phrases.txt"))
            .collect(),
        lead_markers: entries(include_str!("../../lexicons/lead_markers.txt")).collect(),
        title_small_words: entries(include_str!("../../lexicons/title_small_words.txt")).collect(),
        not_names: entries(include_str!("../../lexicons/not_names.txt")).collect(),
        stopwords: entries(include_str!("../../lexicons/stopwords.txt")).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_read_without_comments_blanks_or_duplicates() {
        let lex = lexicons();
        assert!(lex.promo_words.contains("coupon") && !lex.promo_words.contains("#"));
        assert!(lex.disclaimer_phrases.contains(&"all rights reserved"));
        assert!(lex.lead_markers.contains(&"editor’s note"));
        assert!(lex.not_names.contains("However") && !lex.not_names.contains("however"));
        assert!(lex.title_small_words.contains("vs."));
        assert!(lex.stopwords.contains("because"));
        let counted: Vec<&str> = entries("# comment\n\n  one \ntwo\n").collect();
        assert_eq!(counted, ["one", "two"]);
        let unique: HashSet<&str> = lex.disclaimer_phrases.iter().copied().collect();
        assert_eq!(unique.len(), lex.disclaimer_phrases.len());
    }
}
