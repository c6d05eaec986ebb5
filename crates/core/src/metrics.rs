//! Scoring arithmetic shared by every `eval` command, so that all tasks agree on the
//! edge cases (nothing predicted, nothing gold).

/// Precision, recall and F1 from counts. `correct_predicted` counts predictions that match
/// gold, `correct_gold` gold items that were found (equal under one-to-one matching, apart
/// under overlap matching). Empty denominators give 0.
pub fn precision_recall_f1(
    correct_predicted: usize,
    predicted: usize,
    correct_gold: usize,
    gold: usize,
) -> (f64, f64, f64) {
    let ratio = |n: usize, d: usize| if d == 0 { 0.0 } else { n as f64 / d as f64 };
    let (p, r) = (
        ratio(correct_predicted, predicted),
        ratio(correct_gold, gold),
    );
    let f1 = if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    };
    (p, r, f1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_empty_cases() {
        assert_eq!(precision_recall_f1(1, 2, 1, 4), (0.5, 0.25, 1.0 / 3.0));
        assert_eq!(precision_recall_f1(0, 0, 0, 0), (0.0, 0.0, 0.0));
    }
}
