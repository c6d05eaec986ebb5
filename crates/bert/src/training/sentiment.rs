//! Target-directed sentiment training data and scoring (`stancegraph train sentiment-encoder`):
//! each (sentence, target, label) becomes one window with the target between marker pieces
//! (crates/encoder's `sentiment::text_target_window`) and the label on the opening marker, so
//! the multi-task model, trainer and export run it as a one-token tagging task.

use std::ops::Range;

use stancegraph_encoder::sentiment::{text_target_window, TargetWindow};
use stancegraph_encoder::wordpiece::WordPiece;

use super::data::{Sequence, IGNORE};
use crate::error::BertError;

/// One labelled target: a sentence, the byte range of the mention, a label index
/// (0 negative, 1 neutral, 2 positive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetExample {
    /// The sentence text.
    pub sentence: String,
    /// Byte range of the target mention in `sentence`.
    pub target: Range<usize>,
    /// Gold label index: 0 negative, 1 neutral, 2 positive.
    pub label: usize,
}

/// The model inputs of `examples` (in order); an example whose target is not a range of its
/// sentence is an error naming it.
pub fn target_windows(
    examples: &[TargetExample],
    wordpiece: &WordPiece,
    max_pieces: usize,
) -> Result<Vec<TargetWindow>, BertError> {
    examples
        .iter()
        .enumerate()
        .map(|(i, e)| {
            text_target_window(wordpiece, &e.sentence, e.target.clone(), max_pieces).map_err(
                |err| BertError::Data {
                    task: "sentiment".into(),
                    message: format!("example {i}: {err}"),
                },
            )
        })
        .collect()
}

/// Training sequences: one per example, labelled on the opening marker only.
pub fn sentiment_sequences(
    examples: &[TargetExample],
    wordpiece: &WordPiece,
    max_pieces: usize,
    labels: usize,
) -> Result<Vec<Sequence>, BertError> {
    let windows = target_windows(examples, wordpiece, max_pieces)?;
    let inputs = windows.into_iter().map(|w| (w.window, w.marker));
    let gold: Vec<usize> = examples.iter().map(|e| e.label).collect();
    marker_sequences("sentiment", inputs, &gold, labels)
}

/// Training sequences of marker windows (crates/encoder's `sentiment::marked_window`): one
/// per (window, position of the piece the head reads), labelled `gold[i]` on that piece only
/// and IGNORE elsewhere; a label out of range is an error naming the example.
pub fn marker_sequences(
    task: &str,
    inputs: impl IntoIterator<Item = (stancegraph_encoder::Window, usize)>,
    gold: &[usize],
    labels: usize,
) -> Result<Vec<Sequence>, BertError> {
    inputs
        .into_iter()
        .zip(gold)
        .enumerate()
        .map(|(i, ((window, marker), &label))| {
            if label >= labels || marker >= window.input_ids.len() {
                return Err(BertError::Data {
                    task: task.into(),
                    message: format!("example {i}: label {label} of {labels}"),
                });
            }
            let mut piece_labels = vec![IGNORE; window.input_ids.len()];
            piece_labels[marker] = label as i64;
            Ok(Sequence {
                text: i,
                window,
                labels: piece_labels,
            })
        })
        .collect()
}

/// Accuracy, macro-F1 and per-class F1 of predictions against gold label indices.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct ClassScore {
    /// Number of (gold, guess) pairs counted (both labels in range).
    pub examples: usize,
    /// Share of counted pairs guessed right, 0 to 1 (0 when none were counted).
    pub accuracy: f64,
    /// Unweighted mean of `f1` over all classes, 0 to 1.
    pub macro_f1: f64,
    /// F1 of each class, indexed by label; 0 for a class never predicted nor gold.
    pub f1: Vec<f64>,
}

/// Scores `guess` against `gold` over `classes` classes (pairs past the shorter list and
/// labels out of range are ignored).
pub fn class_score(gold: &[usize], guess: &[usize], classes: usize) -> ClassScore {
    let mut confusion = vec![vec![0usize; classes]; classes];
    for (&g, &p) in gold.iter().zip(guess) {
        if g < classes && p < classes {
            confusion[g][p] += 1;
        }
    }
    let total: usize = confusion.iter().flatten().sum();
    let correct: usize = (0..classes).map(|c| confusion[c][c]).sum();
    let f1: Vec<f64> = (0..classes)
        .map(|c| {
            let tp = confusion[c][c] as f64;
            let predicted: usize = (0..classes).map(|g| confusion[g][c]).sum();
            let actual: usize = confusion[c].iter().sum();
            if predicted + actual == 0 {
                0.0
            } else {
                2.0 * tp / (predicted + actual) as f64
            }
        })
        .collect();
    ClassScore {
        examples: total,
        accuracy: if total == 0 {
            0.0
        } else {
            correct as f64 / total as f64
        },
        macro_f1: if classes == 0 {
            0.0
        } else {
            f1.iter().sum::<f64>() / classes as f64
        },
        f1,
    }
}

/// Class log-probabilities of every input under head `task` (read at the opening marker).
#[cfg(feature = "torch")]
pub fn marker_log_probs(
    model: &super::model::EncoderModel,
    task: usize,
    inputs: &[TargetWindow],
    piece_budget: usize,
) -> Result<Vec<Vec<f32>>, BertError> {
    let inputs: Vec<_> = inputs.iter().map(|i| (&i.window, i.marker)).collect();
    marker_rows(model, task, &inputs, piece_budget)
}

/// Class log-probabilities under head `task` of every (window, marker position), read at
/// the marker.
#[cfg(feature = "torch")]
pub fn marker_rows(
    model: &super::model::EncoderModel,
    task: usize,
    inputs: &[(&stancegraph_encoder::Window, usize)],
    piece_budget: usize,
) -> Result<Vec<Vec<f32>>, BertError> {
    let n = model
        .heads
        .get(task)
        .map(|h| h.labels.len())
        .ok_or_else(|| super::model::torch_error("marker head", format!("no head {task}")))?;
    let windows: Vec<&stancegraph_encoder::Window> = inputs.iter().map(|i| i.0).collect();
    let rows = model.window_log_probs(&windows, task, piece_budget)?;
    Ok(inputs
        .iter()
        .zip(rows)
        .map(|(&(_, marker), row)| {
            row.get(marker * n..(marker + 1) * n)
                .map(<[f32]>::to_vec)
                .unwrap_or_else(|| vec![0.0; n])
        })
        .collect())
}

/// Index of the largest value (0 for an empty row).
pub fn argmax(row: &[f32]) -> usize {
    row.iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .map_or(0, |(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocab() -> WordPiece {
        let words =
            "[PAD]\n[unused0]\n[unused1]\n[UNK]\n[CLS]\n[SEP]\nthe\nsenator\nattacked\nobama\n.\n";
        WordPiece::from_vocab_text(words, std::path::Path::new("v.txt")).expect("vocab")
    }

    #[test]
    fn the_label_sits_on_the_opening_marker_only() {
        let wp = vocab();
        let e = TargetExample {
            sentence: "The senator attacked Obama.".into(),
            target: 21..26,
            label: 0,
        };
        let seqs = sentiment_sequences(&[e], &wp, 64, 3).expect("sequences");
        // [CLS] the senator attacked [unused0] obama [unused1] . [SEP]
        assert_eq!(
            seqs[0].labels,
            vec![IGNORE, IGNORE, IGNORE, IGNORE, 0, IGNORE, IGNORE, IGNORE, IGNORE]
        );
        assert_eq!(seqs[0].window.input_ids[4], 1);
    }

    #[test]
    fn bad_examples_are_data_errors() {
        let wp = vocab();
        let outside = TargetExample {
            sentence: "Obama.".into(),
            target: 3..40,
            label: 1,
        };
        let err = sentiment_sequences(&[outside], &wp, 64, 3).unwrap_err();
        assert!(matches!(err, BertError::Data { .. }) && err.to_string().contains("example 0"));
        let label = TargetExample {
            sentence: "Obama.".into(),
            target: 0..5,
            label: 3,
        };
        assert!(sentiment_sequences(&[label], &wp, 64, 3).is_err());
    }

    #[test]
    fn macro_f1_averages_the_classes() {
        let s = class_score(&[0, 0, 1, 2], &[0, 1, 1, 2], 3);
        assert_eq!(s.examples, 4);
        assert!((s.accuracy - 0.75).abs() < 1e-12);
        // negative 2/3, neutral 2/3, positive 1.
        assert!((s.macro_f1 - (2.0 / 3.0 + 2.0 / 3.0 + 1.0) / 3.0).abs() < 1e-12);
        assert_eq!(class_score(&[], &[], 3).macro_f1, 0.0);
        assert_eq!(argmax(&[-3.0, -0.1, -2.0]), 1);
    }
}
