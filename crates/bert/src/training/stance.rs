//! Stance pair training data and scoring (`stancegraph train stance-encoder`): each
//! (sentence, holder, target, label) becomes one window with both mentions between marker
//! pieces (crates/encoder's `stance::text_pair_window`) and the label on the holder's opening
//! marker, so the multi-task model, trainer and export run it as a one-token tagging task
//! (as target sentiment does).

use std::ops::Range;

use stancegraph_encoder::stance::{text_pair_window, PairWindow, STANCE_TASK};
use stancegraph_encoder::wordpiece::WordPiece;

use super::data::Sequence;
use super::sentiment::{class_score, marker_sequences, ClassScore};
use crate::error::BertError;

/// One labelled pair: a sentence, the byte ranges of holder and target, a label index
/// (0 none, 1 support, 2 oppose).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairExample {
    /// The sentence text.
    pub sentence: String,
    /// Byte range of the stance holder's mention in `sentence`.
    pub holder: Range<usize>,
    /// Byte range of the target's mention; must not overlap `holder`.
    pub target: Range<usize>,
    /// Gold label index: 0 none, 1 support, 2 oppose.
    pub label: usize,
}

/// The model inputs of `examples` (in order); an example whose ranges are not two disjoint
/// ranges of its sentence is an error naming it.
pub fn pair_windows(
    examples: &[PairExample],
    wordpiece: &WordPiece,
    max_pieces: usize,
) -> Result<Vec<PairWindow>, BertError> {
    examples
        .iter()
        .enumerate()
        .map(|(i, e)| {
            text_pair_window(
                wordpiece,
                &e.sentence,
                e.holder.clone(),
                e.target.clone(),
                max_pieces,
            )
            .map_err(|err| BertError::Data {
                task: STANCE_TASK.into(),
                message: format!("example {i}: {err}"),
            })
        })
        .collect()
}

/// Training sequences: one per example, labelled on the holder's opening marker only.
pub fn stance_sequences(
    examples: &[PairExample],
    wordpiece: &WordPiece,
    max_pieces: usize,
    labels: usize,
) -> Result<Vec<Sequence>, BertError> {
    let windows = pair_windows(examples, wordpiece, max_pieces)?;
    let inputs = windows.into_iter().map(|w| (w.window, w.holder_marker));
    let gold: Vec<usize> = examples.iter().map(|e| e.label).collect();
    marker_sequences(STANCE_TASK, inputs, &gold, labels)
}

/// Candidate-level figures of pair decisions: the three-class score, and precision, recall
/// and F1 of the stance decisions (label ≠ none) as the triplet evaluation counts them: a
/// predicted stance is right when the gold label is the same stance.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct PairScore {
    /// Accuracy and F1 over the three classes, none included.
    pub classes: ClassScore,
    /// Right stance predictions over all stance predictions, 0 to 1 (0 when none).
    pub precision: f64,
    /// Right stance predictions over all gold stances, 0 to 1 (0 when none).
    pub recall: f64,
    /// Harmonic mean of `precision` and `recall`.
    pub f1: f64,
}

/// Scores `guess` against `gold` (label indices, 0 = none).
pub fn pair_score(gold: &[usize], guess: &[usize]) -> PairScore {
    let (mut correct, mut predicted, mut actual) = (0usize, 0usize, 0usize);
    for (&g, &p) in gold.iter().zip(guess) {
        actual += usize::from(g != 0);
        predicted += usize::from(p != 0);
        correct += usize::from(p != 0 && p == g);
    }
    let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    let (precision, recall) = (ratio(correct, predicted), ratio(correct, actual));
    let f1 = if precision + recall == 0.0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    };
    PairScore {
        classes: class_score(gold, guess, 3),
        precision,
        recall,
        f1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::training::data::IGNORE;

    const SENTENCE: &str = "Smith attacked Obama.";

    /// A pair of [`SENTENCE`] ("Smith" is 0..5, "Obama" 15..20).
    fn pair(holder: Range<usize>, target: Range<usize>, label: usize) -> PairExample {
        PairExample {
            sentence: SENTENCE.into(),
            holder,
            target,
            label,
        }
    }

    fn sequences(examples: &[PairExample]) -> Result<Vec<Sequence>, BertError> {
        let entries = "[PAD] [unused0] [unused1] [unused2] [unused3] [unused4] [unused5] [UNK] [CLS] [SEP] smith attacked obama .";
        let lines: Vec<&str> = entries.split(' ').collect();
        let wp = WordPiece::from_vocab_text(&lines.join("\n"), std::path::Path::new("v.txt"))
            .expect("vocab");
        stance_sequences(examples, &wp, 64, 3)
    }

    #[test]
    fn the_label_sits_on_the_holder_marker_only() {
        let seqs = sequences(&[pair(0..5, 15..20, 2)]).expect("sequences");
        // [CLS] [unused2] smith [unused3] attacked [unused4] obama [unused5] . [SEP]
        let mut expected = vec![IGNORE; 10];
        expected[1] = 2;
        assert_eq!(seqs[0].labels, expected);
        assert_eq!(seqs[0].window.input_ids[1], 3);
    }

    #[test]
    fn bad_examples_are_data_errors() {
        let err = sequences(&[pair(0..5, 2..9, 0)]).unwrap_err();
        assert!(matches!(err, BertError::Data { .. }) && err.to_string().contains("example 0"));
        assert!(sequences(&[pair(0..5, 15..20, 3)]).is_err());
        assert!(sequences(&[pair(0..5, 15..40, 1)]).is_err());
    }

    #[test]
    fn pair_score_counts_stances_only() {
        // gold: none, support, oppose, oppose; guess: support, support, none, support.
        let s = pair_score(&[0, 1, 2, 2], &[1, 1, 0, 1]);
        for figure in [s.precision, s.recall, s.f1] {
            assert!((figure - 1.0 / 3.0).abs() < 1e-12, "{s:?}");
        }
        assert_eq!(s.classes.examples, 4);
        assert_eq!(pair_score(&[0, 0], &[0, 0]).f1, 0.0);
    }
}
