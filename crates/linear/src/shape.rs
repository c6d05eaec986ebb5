//! Word shapes: `Bessent` → `Xxxxxxx` with each character replaced by its class, runs of
//! one class cut to a chosen length.

/// The shape of `word`: upper case → `X`, lower case → `x`, ASCII digit → `d`, other
/// letters → `a`, anything else kept; at most `max_run` characters of a run of one class
/// are kept (1: `Xx`, 2: `Xxx`, 4: `Xxxxx` for `Bessent`).
pub fn word_shape(word: &str, max_run: usize) -> String {
    let mut out = String::with_capacity(word.len());
    let mut last = None;
    let mut run = 0;
    for c in word.chars() {
        let class = if c.is_uppercase() {
            'X'
        } else if c.is_lowercase() {
            'x'
        } else if c.is_ascii_digit() {
            'd'
        } else if c.is_alphabetic() {
            'a'
        } else {
            c
        };
        if Some(class) == last {
            run += 1;
        } else {
            run = 1;
            last = Some(class);
        }
        if run <= max_run {
            out.push(class);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_are_cut_to_the_chosen_length() {
        assert_eq!(word_shape("Bessent", 1), "Xx");
        assert_eq!(word_shape("Bessent", 2), "Xxx");
        assert_eq!(word_shape("Bessent", 4), "Xxxxx");
        assert_eq!(word_shape("2025-10", 2), "dd-dd");
        assert_eq!(word_shape("1996-08-22", 4), "dddd-dd-dd");
        assert_eq!(word_shape("U.S.", 1), "X.X.");
        assert_eq!(word_shape("Ωμέγα", 2), "Xxx");
        assert_eq!(word_shape("", 3), "");
        assert_eq!(word_shape("...", 2), "..");
    }
}
