//! `train stance-encoder` on the real MiniLM (feature `torch`): a few steps on a few
//! SEESAW-like pairs learn them (two pairs of one sentence with opposite labels, and a pair and
//! its reverse: only the markers tell them apart), a checkpoint per epoch, export to int8
//! rows, and the torch model and the candle `StancePairModel` (crates/encoder) give the same
//! probabilities. Without .cache/models/minilm (scripts/fetch-test-models.sh) the tests skip
//! with a notice.
#![cfg(feature = "torch")]

use std::ops::Range;
use std::path::{Path, PathBuf};

use stancegraph_bert::training::encoder::stance::{
    StancePairModel, STANCE_LABELS, STANCE_SCHEME, STANCE_TASK,
};
use stancegraph_bert::training::encoder::{EncoderSpec, WordPiece};
use stancegraph_bert::training::export::load_model_dir;
use stancegraph_bert::training::sentiment::marker_rows;
use stancegraph_bert::training::stance::{pair_windows, stance_sequences, PairExample};
use stancegraph_bert::training::trainer::DevFigures;
use stancegraph_bert::BertError;

mod common;
use common::{check_agreement, minilm, trained_marker_model};

fn at(sentence: &str, mention: &str) -> Range<usize> {
    let start = sentence.find(mention).expect("mention in sentence");
    start..start + mention.len()
}

fn pair(sentence: &str, holder: &str, target: &str, label: usize) -> PairExample {
    PairExample {
        sentence: sentence.into(),
        holder: at(sentence, holder),
        target: at(sentence, target),
        label,
    }
}

/// One sentence, three labels: Smith supports Jones, opposes Brown, and the reverse pair is
/// no stance.
fn examples() -> Vec<PairExample> {
    let both = "Smith praised Jones but called Brown a liar.";
    vec![
        pair(both, "Smith", "Jones", 1),
        pair(both, "Smith", "Brown", 2),
        pair(both, "Jones", "Smith", 0),
        pair(
            "The senator met Obama in Paris on Monday.",
            "Obama",
            "Paris",
            0,
        ),
    ]
}

/// Trains 30 steps on [`examples`] and exports the last checkpoint (int8 rows).
fn trained_model(base: &Path, scratch: &Path) -> (PathBuf, Vec<(u64, f64, DevFigures)>) {
    let wordpiece = WordPiece::from_vocab_file(base.join("vocab.txt")).expect("vocab");
    let train = stance_sequences(&examples(), &wordpiece, 64, 3).expect("sequences");
    let head = (STANCE_TASK, &STANCE_LABELS[..], STANCE_SCHEME);
    trained_marker_model(base, scratch, head, train, 30)
}

#[test]
fn a_few_steps_learn_the_pairs_and_torch_and_candle_agree() {
    let Some(base) = minilm() else { return };
    let scratch = tempfile::tempdir().expect("tempdir");
    let (dir, _) = trained_model(&base, scratch.path());
    let unseen = [
        pair(
            "Protesters booed Johnson outside the court.",
            "Protesters",
            "Johnson",
            2,
        ),
        pair(
            "“It was a great honour,” Merkel said of Macron.",
            "Merkel",
            "Macron",
            1,
        ),
    ];
    let inputs: Vec<PairExample> = examples().into_iter().chain(unseen).collect();
    let gold: Vec<usize> = inputs.iter().map(|e| e.label).collect();
    let (torch_model, _store, spec) = load_model_dir(&dir).expect("torch load");
    // f32 products (the reference computation), then int8 ones.
    let [candle_model, candle_int8] =
        [false, true].map(|int8| StancePairModel::load_with(&dir, int8).expect("candle load"));
    let windows = pair_windows(&inputs, candle_model.encoder().wordpiece(), spec.max_pieces)
        .expect("windows");
    let markers: Vec<_> = windows
        .iter()
        .map(|w| (&w.window, w.holder_marker))
        .collect();
    let torch_rows = marker_rows(&torch_model, 0, &markers, 4096).expect("torch");
    let [f32_probs, int8_probs] = [&candle_model, &candle_int8].map(|model| {
        let predicted = model.predict(&windows);
        predicted
            .into_iter()
            .collect::<Result<Vec<_>, _>>()
            .expect("candle predictions")
    });
    // The training pairs are learned (the three pairs of the shared sentence too).
    check_agreement(&torch_rows, &f32_probs, &int8_probs, &gold, 4);
    // Text and token entry points give the same answer.
    let e = &inputs[1];
    let by_text = candle_model
        .window(&e.sentence, e.holder.clone(), e.target.clone())
        .expect("text");
    let tokens = [
        "Smith", "praised", "Jones", "but", "called", "Brown", "a", "liar", ".",
    ];
    let by_tokens = candle_model
        .token_window(&tokens, 0..1, 5..6)
        .expect("tokens");
    assert_eq!(by_text, by_tokens);
}

#[test]
fn bad_inputs_are_errors() {
    let Some(base) = minilm() else { return };
    let scratch = tempfile::tempdir().expect("tempdir");
    let (dir, _) = trained_model(&base, scratch.path());
    let model = StancePairModel::load(&dir).expect("load");
    let s = "Obama spoke to Putin.";
    // Ranges outside the sentence, empty, overlapping or not on a character boundary.
    assert!(model.window(s, 0..5, 15..40).is_err());
    assert!(model.window(s, 3..3, 15..20).is_err());
    assert!(model.window(s, 0..5, 2..8).is_err());
    assert!(model.window("Émile spoke to Putin.", 1..4, 15..20).is_err());
    assert!(model.token_window(&["Obama", "Putin"], 0..1, 1..3).is_err());
    // Bad training examples are data errors naming the example.
    let wordpiece = model.encoder().wordpiece();
    let bad = PairExample {
        sentence: s.into(),
        holder: 0..5,
        target: 0..5,
        label: 1,
    };
    let err = stance_sequences(&[bad], wordpiece, 64, 3).unwrap_err();
    assert!(matches!(err, BertError::Data { .. }), "{err}");
    // A model directory whose head is not the stance head, or that does not exist.
    let mut spec = EncoderSpec::from_file(dir.join("heads.json")).expect("spec");
    spec.heads[0].labels.reverse();
    spec.write(dir.join("heads.json")).expect("write");
    let err = StancePairModel::load(&dir).unwrap_err().to_string();
    assert!(err.contains("stance labels"), "{err}");
    assert!(StancePairModel::load(&scratch.path().join("missing")).is_err());
}
