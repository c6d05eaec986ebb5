//! `eval sentiment --encoder DIR`: the fine-tuned MiniLM sentiment model (crates/encoder's
//! `SentimentModel`, candle, no libtorch) scored on the held-out slice of NewsMTSC train,
//! the same slice and label mapping as the linear classifier's `eval sentiment`.
use std::path::Path;
use std::time::Instant;

use anyhow::Context;
use stancegraph_bert::training::sentiment::class_score;
use stancegraph_encoder::sentiment::SentimentModel;
use stancegraph_relations::sentiment::{is_heldout, load_newsmtsc, SentimentScore};

/// Scores the model directory `dir` on the held-out slice of `newsmtsc` (int8 or f32 matrix
/// products); also returns the seconds inference took. A target the model cannot read is an
/// error naming its line.
pub fn evaluate(newsmtsc: &Path, dir: &Path, int8: bool) -> anyhow::Result<(SentimentScore, f64)> {
    let model = SentimentModel::load_with(dir, int8)
        .with_context(|| format!("loading the sentiment encoder {}", dir.display()))?;
    let heldout: Vec<_> = load_newsmtsc(newsmtsc)?
        .into_iter()
        .filter(|e| is_heldout(e.line))
        .collect();
    let inputs = heldout
        .iter()
        .map(|e| {
            model
                .text_window(&e.sentence, e.target.clone())
                .with_context(|| format!("{} line {}", newsmtsc.display(), e.line + 1))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let started = Instant::now();
    let mut guess = Vec::with_capacity(inputs.len());
    for (e, result) in heldout.iter().zip(model.predict(&inputs)) {
        let prediction =
            result.with_context(|| format!("{} line {}", newsmtsc.display(), e.line + 1))?;
        guess.push(prediction.label);
    }
    let seconds = started.elapsed().as_secs_f64();
    let gold: Vec<usize> = heldout.iter().map(|e| e.label).collect();
    let score = class_score(&gold, &guess, 3);
    Ok((
        SentimentScore {
            examples: score.examples,
            accuracy: score.accuracy,
            macro_f1: score.macro_f1,
            f1: [score.f1[0], score.f1[1], score.f1[2]],
        },
        seconds,
    ))
}
