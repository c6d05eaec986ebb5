//! Case shapes: the capitalisation class of a token, embedded next to the (uncased) encoder's
//! hidden state so that the heads see what lowercasing threw away.

/// How many case-shape classes there are (the rows of a head's case embedding).
pub const N_CASE_SHAPES: usize = 8;

/// [CLS], [SEP] and padding positions.
pub const CASE_SPECIAL: u8 = 0;
/// Letters, all lowercase (`news`, `'s`).
pub const CASE_LOWER: u8 = 1;
/// Titlecase (`Paris`) or a single uppercase letter (`A`).
pub const CASE_TITLE: u8 = 2;
/// All caps, at least two letters (`NATO`, `U.S.`).
pub const CASE_UPPER: u8 = 3;
/// Other mixed case (`iPhone`, `McDonald`).
pub const CASE_MIXED: u8 = 4;
/// No letters but a digit (`2024`, `3.5%`).
pub const CASE_DIGIT: u8 = 5;
/// Only punctuation or symbols (`,`, `--`, `$`).
pub const CASE_PUNCT: u8 = 6;
/// Anything else (caseless scripts, empty tokens).
pub const CASE_OTHER: u8 = 7;

/// The case-shape class of one of our tokens (see the `CASE_*` constants). The rules are
/// tried in the order of the encoder contract: special, digits, punctuation, then the
/// letter-based classes.
pub fn case_shape(token: &str) -> u8 {
    if matches!(token, "[CLS]" | "[SEP]" | "[PAD]") {
        return CASE_SPECIAL;
    }
    let mut letters = 0usize;
    let mut upper = 0usize;
    let mut lower = 0usize;
    let mut digit = false;
    let mut first_upper = false;
    let mut rest_lower = true;
    for c in token.chars() {
        if c.is_alphabetic() {
            let is_upper = c.is_uppercase();
            let is_lower = c.is_lowercase();
            if letters == 0 {
                first_upper = is_upper;
            } else if !is_lower {
                rest_lower = false;
            }
            letters += 1;
            upper += usize::from(is_upper);
            lower += usize::from(is_lower);
        } else if c.is_numeric() {
            digit = true;
        }
    }
    if letters == 0 {
        return if digit {
            CASE_DIGIT
        } else if !token.is_empty() {
            CASE_PUNCT
        } else {
            CASE_OTHER
        };
    }
    if lower == letters {
        CASE_LOWER
    } else if first_upper && (letters == 1 || rest_lower) {
        CASE_TITLE
    } else if upper == letters {
        CASE_UPPER
    } else if upper > 0 && lower > 0 {
        CASE_MIXED
    } else {
        CASE_OTHER
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_class() {
        assert_eq!(case_shape("[CLS]"), CASE_SPECIAL);
        assert_eq!(case_shape("[SEP]"), CASE_SPECIAL);
        assert_eq!(case_shape("[PAD]"), CASE_SPECIAL);
        assert_eq!(case_shape("news"), CASE_LOWER);
        assert_eq!(case_shape("'s"), CASE_LOWER);
        assert_eq!(case_shape("café"), CASE_LOWER);
        assert_eq!(case_shape("Paris"), CASE_TITLE);
        assert_eq!(case_shape("A"), CASE_TITLE);
        assert_eq!(case_shape("Élysée"), CASE_TITLE);
        assert_eq!(case_shape("NATO"), CASE_UPPER);
        assert_eq!(case_shape("U.S."), CASE_UPPER);
        assert_eq!(case_shape("iPhone"), CASE_MIXED);
        assert_eq!(case_shape("McDonald"), CASE_MIXED);
        assert_eq!(case_shape("O'Neill"), CASE_MIXED);
        assert_eq!(case_shape("2024"), CASE_DIGIT);
        assert_eq!(case_shape("3.5%"), CASE_DIGIT);
        assert_eq!(case_shape(","), CASE_PUNCT);
        assert_eq!(case_shape("--"), CASE_PUNCT);
        assert_eq!(case_shape("$"), CASE_PUNCT);
        assert_eq!(case_shape(""), CASE_OTHER);
        assert_eq!(case_shape("北京"), CASE_OTHER);
    }

    #[test]
    fn letters_win_over_digits() {
        // A token with letters is classified by its letters, whatever digits it has.
        assert_eq!(case_shape("G7"), CASE_TITLE);
        assert_eq!(case_shape("COVID-19"), CASE_UPPER);
        assert_eq!(case_shape("1990s"), CASE_LOWER);
    }

    #[test]
    fn every_class_is_below_the_embedding_rows() {
        for t in ["[PAD]", "a", "Ab", "AB", "aB", "1", ".", "", "中"] {
            assert!(usize::from(case_shape(t)) < N_CASE_SHAPES, "{t}");
        }
    }
}
