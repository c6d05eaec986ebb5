//! Target-directed sentiment (NewsMTSC): how a sentence speaks about one person in it,
//! negative / neutral / positive. A linear model over [`target_features`]; every tenth
//! line of NewsMTSC train is held out as dev and never trained on.

use std::ops::Range;
use std::path::Path;

use serde_json::Value;

use crate::error::RelationsError;
use crate::features::target_features;
use crate::lexicon::Lexicon;
use crate::model::{LinearModel, TrainOptions};

/// Labels of the sentiment classifier, in model order.
pub const SENTIMENT_LABELS: [&str; 3] = ["negative", "neutral", "positive"];

/// One NewsMTSC target: its line, sentence, byte range and label index.
#[derive(Debug, Clone)]
pub struct SentimentExample {
    /// 0-based line of the JSONL file (decides the dev slice, see [`is_heldout`]).
    pub line: usize,
    /// The line's `sentence_normalized`.
    pub sentence: String,
    /// Byte range of the target in `sentence` (converted from NewsMTSC's code points).
    pub target: Range<usize>,
    /// Index into [`SENTIMENT_LABELS`].
    pub label: usize,
}

/// Whether a NewsMTSC line (0-based) belongs to the held-out dev slice: every tenth line.
pub fn is_heldout(line: usize) -> bool {
    line % 10 == 9
}

/// Reads NewsMTSC JSONL (polarity 2 / 4 / 6 → negative / neutral / positive; `from`/`to`
/// are code point offsets into `sentence_normalized`).
pub fn load_newsmtsc(path: &Path) -> Result<Vec<SentimentExample>, RelationsError> {
    let text = std::fs::read_to_string(path).map_err(|source| RelationsError::Io {
        path: path.into(),
        source,
    })?;
    let mut examples = Vec::new();
    for (line_no, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let value: Value = serde_json::from_str(line).map_err(|e| RelationsError::Format {
            path: path.into(),
            line: line_no + 1,
            message: e.to_string(),
        })?;
        let Some(sentence) = value.get("sentence_normalized").and_then(Value::as_str) else {
            continue;
        };
        let offsets: Vec<usize> = sentence
            .char_indices()
            .map(|(b, _)| b)
            .chain([sentence.len()])
            .collect();
        for target in value
            .get("targets")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let (Some(from), Some(to), Some(polarity)) = (
                target.get("from").and_then(Value::as_u64),
                target.get("to").and_then(Value::as_u64),
                target.get("polarity").and_then(Value::as_f64),
            ) else {
                continue;
            };
            let (Some(&start), Some(&end)) = (offsets.get(from as usize), offsets.get(to as usize))
            else {
                continue;
            };
            if start >= end {
                continue;
            }
            let label = if polarity < 3.5 {
                0
            } else if polarity > 4.5 {
                2
            } else {
                1
            };
            examples.push(SentimentExample {
                line: line_no,
                sentence: sentence.to_string(),
                target: start..end,
                label,
            });
        }
    }
    if examples.is_empty() {
        return Err(RelationsError::Format {
            path: path.into(),
            line: 0,
            message: "no NewsMTSC targets found".into(),
        });
    }
    Ok(examples)
}

/// Accuracy and per-class F1 of a sentiment model on examples.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct SentimentScore {
    /// Examples scored.
    pub examples: usize,
    /// Share of examples whose predicted label is the gold one.
    pub accuracy: f64,
    /// Mean of the three per-class F1 scores.
    pub macro_f1: f64,
    /// F1 of negative, neutral, positive.
    pub f1: [f64; 3],
}

/// The label index a model predicts.
pub fn predict_label(model: &LinearModel, features: &[String]) -> usize {
    model
        .predict(features)
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .map(|(i, _)| i)
        .unwrap_or(1)
}

/// Scores `model` on `examples`.
pub fn score(
    model: &LinearModel,
    examples: &[SentimentExample],
    lexicon: &Lexicon,
) -> SentimentScore {
    let mut confusion = [[0usize; 3]; 3];
    for e in examples {
        let guess = predict_label(
            model,
            &target_features(&e.sentence, e.target.clone(), lexicon),
        );
        if let Some(cell) = confusion
            .get_mut(e.label)
            .and_then(|row| row.get_mut(guess))
        {
            *cell += 1;
        }
    }
    let total: usize = confusion.iter().flatten().sum();
    let correct: usize = (0..3).map(|i| confusion[i][i]).sum();
    let mut f1 = [0.0; 3];
    for (c, slot) in f1.iter_mut().enumerate() {
        let tp = confusion[c][c];
        let predicted: usize = (0..3).map(|g| confusion[g][c]).sum();
        let gold: usize = confusion[c].iter().sum();
        *slot = stancegraph_core::metrics::precision_recall_f1(tp, predicted, tp, gold).2;
    }
    SentimentScore {
        examples: total,
        accuracy: if total == 0 {
            0.0
        } else {
            correct as f64 / total as f64
        },
        macro_f1: f1.iter().sum::<f64>() / 3.0,
        f1,
    }
}

/// Training settings of the sentiment model (chosen on the held-out slice).
pub const SENTIMENT_OPTIONS: TrainOptions = TrainOptions {
    epochs: 10,
    learning_rate: 0.05,
    l2: 1e-3,
    min_count: 2,
    seed: 5,
};

/// Trains on the non-held-out lines of NewsMTSC train; returns the model and its score on
/// the held-out slice.
pub fn train_sentiment(
    path: &Path,
    lexicon: &Lexicon,
) -> Result<(LinearModel, SentimentScore), RelationsError> {
    let examples = load_newsmtsc(path)?;
    let (heldout, train): (Vec<_>, Vec<_>) = examples.into_iter().partition(|e| is_heldout(e.line));
    let featurised: Vec<(Vec<String>, usize)> = train
        .iter()
        .map(|e| {
            (
                target_features(&e.sentence, e.target.clone(), lexicon),
                e.label,
            )
        })
        .collect();
    let model = LinearModel::train(&SENTIMENT_LABELS, &featurised, SENTIMENT_OPTIONS);
    let dev = score(&model, &heldout, lexicon);
    Ok((model, dev))
}

/// Scores `model` on the held-out slice of a NewsMTSC file.
pub fn evaluate_sentiment(
    model: &LinearModel,
    path: &Path,
    lexicon: &Lexicon,
) -> Result<SentimentScore, RelationsError> {
    let heldout: Vec<SentimentExample> = load_newsmtsc(path)?
        .into_iter()
        .filter(|e| is_heldout(e.line))
        .collect();
    Ok(score(model, &heldout, lexicon))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newsmtsc_lines_map_to_labels_and_a_fixed_heldout_slice() {
        let dir = std::env::temp_dir().join(format!("newsmtsc-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("train.jsonl");
        let line = r#"{"sentence_normalized": "Émile praised Obama.", "targets": [{"from": 14, "to": 19, "polarity": 6.0}, {"from": 0, "to": 5, "polarity": 4.0}]}"#;
        std::fs::write(&path, format!("{line}\n").repeat(10)).expect("write");
        let examples = load_newsmtsc(&path).expect("read");
        assert_eq!(examples.len(), 20);
        assert_eq!(&examples[0].sentence[examples[0].target.clone()], "Obama");
        assert_eq!(examples[0].label, 2);
        assert_eq!(examples[1].label, 1);
        assert_eq!(examples.iter().filter(|e| is_heldout(e.line)).count(), 2);
        std::fs::write(&path, "{not json\n").expect("write");
        assert!(load_newsmtsc(&path).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
