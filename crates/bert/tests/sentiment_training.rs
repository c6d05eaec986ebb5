//! `train sentiment-encoder` on the real MiniLM (feature `torch`): a few steps on a few
//! NewsMTSC-like sentences learn them, a checkpoint per epoch, export to int8 rows, and the
//! torch model and the candle `SentimentModel` (crates/encoder) give the same probabilities.
//! Without .cache/models/minilm (scripts/fetch-test-models.sh) the tests skip with a notice.
#![cfg(feature = "torch")]

use std::path::{Path, PathBuf};

use stancegraph_bert::training::encoder::sentiment::{
    SentimentModel, SENTIMENT_LABELS, SENTIMENT_SCHEME, SENTIMENT_TASK,
};
use stancegraph_bert::training::encoder::{EncoderSpec, WordPiece};
use stancegraph_bert::training::export::load_model_dir;
use stancegraph_bert::training::sentiment::{
    marker_log_probs, sentiment_sequences, target_windows, TargetExample,
};
use stancegraph_bert::training::trainer::{train, DevFigures, TaskData};

mod common;
use common::{check_agreement, minilm, options, trained_marker_model};

fn example(sentence: &str, mention: &str, label: usize) -> TargetExample {
    let start = sentence.find(mention).expect("mention in sentence");
    TargetExample {
        sentence: sentence.into(),
        target: start..start + mention.len(),
        label,
    }
}

/// Two targets in one sentence with opposite labels: only the markers tell them apart.
fn examples() -> Vec<TargetExample> {
    let both = "Smith praised Jones but called Brown a liar.";
    vec![
        example(both, "Jones", 2),
        example(both, "Brown", 0),
        example("The senator met Obama in Paris on Monday.", "Obama", 1),
        example("Critics said Trump’s plan was a disgrace.", "Trump", 0),
    ]
}

fn heads() -> Vec<(String, Vec<String>)> {
    vec![(
        SENTIMENT_TASK.to_string(),
        SENTIMENT_LABELS.iter().map(|l| l.to_string()).collect(),
    )]
}

/// Trains 30 steps on [`examples`] and exports the best checkpoint (int8 rows) to `out`.
fn trained_model(base: &Path, scratch: &Path) -> (PathBuf, Vec<(u64, f64, DevFigures)>) {
    let wordpiece = WordPiece::from_vocab_file(base.join("vocab.txt")).expect("vocab");
    let train = sentiment_sequences(&examples(), &wordpiece, 64, 3).expect("sequences");
    let head = (SENTIMENT_TASK, &SENTIMENT_LABELS[..], SENTIMENT_SCHEME);
    trained_marker_model(base, scratch, head, train, 30)
}

#[test]
fn a_few_steps_learn_the_targets_and_torch_and_candle_agree() {
    let Some(base) = minilm() else { return };
    let scratch = tempfile::tempdir().expect("tempdir");
    // One checkpoint with dev scoring per "epoch" of 15 steps (checked there).
    let (dir, _) = trained_model(&base, scratch.path());

    let mut inputs = examples();
    inputs.push(example(
        "Protesters booed Johnson outside the court.",
        "Johnson",
        0,
    ));
    inputs.push(example(
        "“It was a great honour,” said Merkel.",
        "Merkel",
        2,
    ));
    let (torch_model, _store, spec) = load_model_dir(&dir).expect("torch load");
    // The reference (f32) products agree with torch to float rounding; the fast int8 ones
    // (activations quantised per row) keep the labels of the clear cases.
    let candle_model = SentimentModel::load_with(&dir, false).expect("candle load");
    let candle_int8 = SentimentModel::load(&dir).expect("candle int8 load");
    let wordpiece = candle_model.encoder().wordpiece();
    let windows = target_windows(&inputs, wordpiece, spec.max_pieces).expect("windows");
    let torch_rows = marker_log_probs(&torch_model, 0, &windows, 4096).expect("torch");
    let probs = |model: &SentimentModel| -> Vec<[f32; 3]> {
        let out = model.predict(&windows).into_iter();
        out.map(|r| r.expect("candle prediction").probs).collect()
    };
    let gold: Vec<usize> = inputs.iter().map(|e| e.label).collect();
    // The training targets are learned (both targets of the shared sentence too).
    check_agreement(
        &torch_rows,
        &probs(&candle_model),
        &probs(&candle_int8),
        &gold,
        4,
    );
    // Text and token entry points give the same answer.
    let e = &inputs[0];
    let by_text = candle_model
        .text_sentiment(&e.sentence, e.target.clone())
        .expect("text");
    let tokens = [
        "Smith", "praised", "Jones", "but", "called", "Brown", "a", "liar", ".",
    ];
    let by_tokens = candle_model
        .target_sentiment(&tokens, 2..3)
        .expect("tokens");
    assert_eq!(by_text.label, by_tokens.label);
    assert!((by_text.probs[2] - by_tokens.probs[2]).abs() < 1e-5);
    assert_eq!(by_text.label_name(), "positive");
}

#[test]
fn bad_inputs_are_errors() {
    let Some(base) = minilm() else { return };
    let scratch = tempfile::tempdir().expect("tempdir");
    let (dir, _) = trained_model(&base, scratch.path());
    let model = SentimentModel::load(&dir).expect("load");
    // Targets outside the sentence, empty, or not on a character boundary.
    assert!(model.text_sentiment("Obama spoke.", 4..40).is_err());
    assert!(model.text_sentiment("Obama spoke.", 3..3).is_err());
    assert!(model.text_sentiment("Émile spoke.", 1..4).is_err());
    assert!(model.target_sentiment(&["Obama"], 0..2).is_err());
    // A model directory whose head is not the sentiment head, or that does not exist.
    let mut spec = EncoderSpec::from_file(dir.join("heads.json")).expect("spec");
    spec.heads[0].labels.reverse();
    spec.write(dir.join("heads.json")).expect("write");
    let err = SentimentModel::load(&dir).unwrap_err().to_string();
    assert!(err.contains("sentiment labels"), "{err}");
    assert!(SentimentModel::load(&scratch.path().join("missing")).is_err());
    // No training data: a typed error, not a panic.
    let empty = TaskData {
        task: SENTIMENT_TASK.into(),
        labels: heads()[0].1.clone(),
        train: Vec::new(),
    };
    let opts = options(&base, &scratch.path().join("ckpt2"), 2);
    let result = train(
        &[empty],
        &opts,
        0,
        &mut |_| Ok(DevFigures::default()),
        &mut |_| {},
    );
    assert!(matches!(
        result,
        Err(stancegraph_bert::BertError::Data { .. })
    ));
}
