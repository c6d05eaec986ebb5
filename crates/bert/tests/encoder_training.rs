//! `train encoder` on the real MiniLM (feature `torch`): a few steps on a few sentences,
//! checkpoints and resume, export to the shipped format and loading it back. Without
//! .cache/models/minilm (scripts/fetch-test-models.sh) the tests skip with a notice.
#![cfg(feature = "torch")]

use std::cell::Cell;
use std::path::Path;

use stancegraph_bert::training::data::{sequences, LabelledText};
use stancegraph_bert::training::encoder::{encode_tokens, EncoderSpec, WindowSpec, WordPiece};
use stancegraph_bert::training::export::{export, load_model_dir, spec_for, Precision};
use stancegraph_bert::training::model::EncoderModel;
use stancegraph_bert::training::trainer::{
    base_model, decode_documents, train, DevFigures, TaskData, TrainOptions,
};
use stancegraph_bert::BertError;

mod common;
use common::minilm;

fn text(words: &str, labels: &[usize]) -> LabelledText {
    LabelledText {
        words: words.split(' ').map(String::from).collect(),
        labels: labels.to_vec(),
    }
}

fn ner_texts() -> Vec<LabelledText> {
    vec![
        text(
            "Scott Bessent met He Lifeng in Geneva .",
            &[1, 2, 0, 1, 2, 0, 5, 0],
        ),
        text(
            "Reuters reported the talks in London .",
            &[3, 0, 0, 0, 0, 5, 0],
        ),
    ]
}

fn attribution_texts() -> Vec<LabelledText> {
    vec![text(
        "\" We will talk , \" Bessent said on Sunday .",
        &[0, 5, 6, 6, 0, 0, 1, 3, 0, 0, 0],
    )]
}

fn labels(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

fn tasks(wordpiece: &WordPiece) -> Vec<TaskData> {
    vec![
        TaskData {
            task: "ner".into(),
            labels: labels(&[
                "O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC",
            ]),
            train: sequences(&ner_texts(), wordpiece, 32, "ner").expect("ner sequences"),
        },
        TaskData {
            task: "attribution".into(),
            labels: labels(&[
                "O",
                "B-SOURCE",
                "I-SOURCE",
                "B-CUE",
                "I-CUE",
                "B-CONTENT",
                "I-CONTENT",
            ]),
            train: sequences(&attribution_texts(), wordpiece, 32, "attribution")
                .expect("attribution sequences"),
        },
    ]
}

fn options(base: &Path, checkpoints: &Path, steps: u64) -> TrainOptions {
    TrainOptions {
        seed: 7,
        batch_pieces: 256,
        checkpoint_steps: None,
        log_every: 5,
        ..common::options(base, checkpoints, steps)
    }
}

#[test]
fn a_few_steps_learn_the_training_sentences_then_export_and_reload() {
    let Some(base) = minilm() else { return };
    let wordpiece = WordPiece::from_vocab_file(base.join("vocab.txt")).expect("vocab");
    let tasks = tasks(&wordpiece);
    let dir = tempfile::tempdir().expect("tempdir");
    let checkpoints = dir.path().join("ckpt");
    let windows: Vec<_> = ner_texts()
        .iter()
        .map(|t| encode_tokens(&wordpiece, &t.words, WindowSpec::default()).expect("windows"))
        .collect();
    let evaluations = Cell::new(0);
    let mut dev = |model: &EncoderModel| -> Result<DevFigures, BertError> {
        evaluations.set(evaluations.get() + 1);
        let decoded = decode_documents(model, 0, &windows, 1024)?;
        let gold = ner_texts();
        let right: usize = decoded
            .iter()
            .zip(&gold)
            .map(|(d, g)| d.iter().zip(&g.labels).filter(|(a, b)| a == b).count())
            .sum();
        let total: usize = gold.iter().map(|g| g.labels.len()).sum();
        Ok(DevFigures {
            score: right as f64 / total as f64,
            figures: Default::default(),
        })
    };
    let mut lines = Vec::new();
    let outcome = train(
        &tasks,
        &options(&base, &checkpoints, 30),
        wordpiece.special().pad,
        &mut dev,
        &mut |l| lines.push(l.to_string()),
    )
    .expect("training");
    assert_eq!(outcome.state.step, 30);
    assert_eq!(evaluations.get(), 1);
    let (_, best) = outcome.state.best.clone().expect("a best checkpoint");
    assert_eq!(best.score, 1.0, "training sentences not learnt: {lines:?}");
    assert!(checkpoints.join("last.safetensors").is_file());

    // Resume continues from step 30 to 32 with the same data order.
    let mut resumed = options(&base, &checkpoints, 32);
    resumed.resume = true;
    let outcome = train(
        &tasks,
        &resumed,
        wordpiece.special().pad,
        &mut dev,
        &mut |l| lines.push(l.to_string()),
    )
    .expect("resumed training");
    assert_eq!(outcome.state.step, 32);
    assert_eq!(outcome.state.history.len(), 2);
    assert!(lines.iter().any(|l| l.starts_with("resumed at step 30")));

    // Export int8 and f32, load both back: same decoded labels as the checkpoint.
    let heads: Vec<(String, Vec<String>)> = tasks
        .iter()
        .map(|t| (t.task.clone(), t.labels.clone()))
        .collect();
    let (model, mut store) =
        base_model(&base, &heads, 8, 16, wordpiece.special().pad).expect("model");
    store
        .load(checkpoints.join("best.safetensors"))
        .expect("best checkpoint");
    let expected = decode_documents(&model, 0, &windows, 1024).expect("decode");
    let spec = spec_for(&heads, 256, 64, 16);
    for precision in [Precision::Int8Row, Precision::F32] {
        let out = dir.path().join(precision.name());
        let bytes = export(&store, &spec, &base, &out, precision).expect("export");
        assert!(bytes > 0);
        let read = EncoderSpec::from_file(out.join("heads.json")).expect("heads.json");
        assert_eq!(read.quantization.as_deref(), Some(precision.name()));
        assert_eq!(read.heads.len(), 2);
        let (loaded, _store, _) = load_model_dir(&out).expect("load exported");
        let decoded = decode_documents(&loaded, 0, &windows, 1024).expect("decode exported");
        assert_eq!(decoded, expected, "{}", precision.name());
    }
    // `--init`: a run started from the exported directory decodes like it before any step
    // (a run from the base body does not); a head with other labels is refused.
    let mut from_export = options(&base, &dir.path().join("ckpt-init"), 0);
    from_export.init = Some(dir.path().join(Precision::F32.name()));
    let outcome = train(
        &tasks,
        &from_export,
        wordpiece.special().pad,
        &mut dev,
        &mut |l| lines.push(l.to_string()),
    )
    .expect("run from the exported model");
    assert_eq!(outcome.state.best.expect("dev at step 0").1.score, 1.0);
    assert!(lines.iter().any(|l| l.starts_with("initialised from")));
    let fresh = train(
        &tasks,
        &options(&base, &dir.path().join("ckpt-fresh"), 0),
        wordpiece.special().pad,
        &mut dev,
        &mut |_| {},
    )
    .expect("run from the base body");
    assert!(fresh.state.best.expect("dev at step 0").1.score < 1.0);
    let mut relabelled = self::tasks(&wordpiece);
    relabelled[0].labels.swap(1, 2);
    assert!(matches!(
        train(
            &relabelled,
            &from_export,
            wordpiece.special().pad,
            &mut dev,
            &mut |_| {},
        ),
        Err(BertError::Model { .. })
    ));
    let int8 = std::fs::metadata(dir.path().join("int8-row/model.safetensors")).expect("int8");
    let f32 = std::fs::metadata(dir.path().join("f32/model.safetensors")).expect("f32");
    assert!(
        int8.len() * 3 < f32.len(),
        "{} vs {}",
        int8.len(),
        f32.len()
    );
}

#[test]
fn bad_inputs_are_typed_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A base directory without weights.
    std::fs::write(
        dir.path().join("config.json"),
        r#"{"model_type":"bert","vocab_size":10,"hidden_size":8,"num_hidden_layers":1,"num_attention_heads":2,"intermediate_size":16,"hidden_act":"gelu","hidden_dropout_prob":0.1,"attention_probs_dropout_prob":0.1,"max_position_embeddings":16,"type_vocab_size":2,"initializer_range":0.02}"#,
    )
    .expect("config");
    let heads = vec![("ner".to_string(), labels(&["O", "B-PER", "I-PER"]))];
    assert!(matches!(
        base_model(dir.path(), &heads, 8, 16, 0),
        Err(BertError::Model { .. })
    ));
    // Not a model directory at all.
    assert!(matches!(
        base_model(&dir.path().join("missing"), &heads, 8, 16, 0),
        Err(BertError::Io { .. })
    ));
    assert!(load_model_dir(dir.path()).is_err());
    // No training data.
    let empty = vec![TaskData {
        task: "ner".into(),
        labels: labels(&["O"]),
        train: Vec::new(),
    }];
    let result = train(
        &empty,
        &options(dir.path(), &dir.path().join("ckpt"), 1),
        0,
        &mut |_| Ok(DevFigures::default()),
        &mut |_| {},
    );
    assert!(matches!(result, Err(BertError::Data { .. })));
}
