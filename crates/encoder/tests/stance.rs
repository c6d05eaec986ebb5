//! The stance pair model on a tiny random model written by the test (no download): loading
//! checks, batched inference, long sentences and bad inputs. (What the shipped weights
//! predict is tested in crates/encoder's stance_model tests.)
#![cfg(feature = "candle")]

mod tiny;

use std::ops::Range;

use stancegraph_encoder::stance::{StancePairModel, STANCE_LABELS, STANCE_SCHEME, STANCE_TASK};

fn model_dir(name: &str, scheme: &str) -> std::path::PathBuf {
    let dir =
        std::env::temp_dir().join(format!("stancegraph-stance-{}-{name}", std::process::id()));
    tiny::write_model_with(&dir, 32, 8, &[(STANCE_TASK, scheme, &STANCE_LABELS)]);
    dir
}

fn at(sentence: &str, mention: &str) -> Range<usize> {
    let start = sentence.find(mention).expect("mention");
    start..start + mention.len()
}

#[test]
fn pairs_are_scored_in_batches_like_one_by_one() {
    let dir = model_dir("ok", STANCE_SCHEME);
    for int8 in [false, true] {
        let model = StancePairModel::load_with(&dir, int8).expect("load");
        let s = "Bessent said the talks with China were on trade.";
        let pairs = [
            (at(s, "Bessent"), at(s, "China")),
            (at(s, "China"), at(s, "Bessent")),
            (at(s, "talks"), at(s, "trade")),
        ];
        let windows: Vec<_> = pairs
            .iter()
            .map(|(h, t)| model.window(s, h.clone(), t.clone()).expect("window"))
            .collect();
        let batch = model.predict(&windows);
        assert_eq!(batch.len(), 3);
        for (i, w) in windows.iter().enumerate() {
            let single = model
                .predict(std::slice::from_ref(w))
                .remove(0)
                .expect("single");
            let batched = batch[i].as_ref().expect("batched");
            let sum: f32 = batched.iter().sum();
            assert!((sum - 1.0).abs() < 1e-4, "{batched:?}");
            for (a, b) in single.iter().zip(batched) {
                assert!((a - b).abs() < 1e-4, "pair {i}: {single:?} vs {batched:?}");
            }
        }
        // The head reads the holder's marker: swapping holder and target is another input.
        assert_ne!(windows[0].window.input_ids, windows[1].window.input_ids);
        assert_ne!(batch[0].as_ref().ok(), batch[1].as_ref().ok());
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn long_sentences_keep_both_mentions_and_bad_ranges_are_errors() {
    let dir = model_dir("long", STANCE_SCHEME);
    let model = StancePairModel::load(&dir).expect("load");
    let filler = " and the talks".repeat(30);
    let s = format!("Bessent said{filler} to China.");
    let w = model
        .window(&s, at(&s, "Bessent"), at(&s, "China"))
        .expect("window");
    // The tiny model's windows hold 32 pieces: both mentions and their markers are in.
    assert!(w.window.input_ids.len() <= 32);
    let vocab = model.encoder().wordpiece();
    let marker = |name: &str| vocab.id(name).expect("marker id");
    assert_eq!(w.window.input_ids[w.holder_marker], marker("[unused2]"));
    assert_eq!(w.window.input_ids[w.target_marker], marker("[unused4]"));
    assert!(w.window.input_ids.contains(&marker("[unused5]")));
    assert!(model.predict(&[w])[0].is_ok());
    for (holder, target) in [(0..7, 3..9), (0..7, 9..900), (4..4, 9..12), (0..7, 0..7)] {
        let err = model
            .window(&s, holder.clone(), target.clone())
            .unwrap_err();
        assert!(
            err.to_string().contains("stance"),
            "{holder:?} {target:?}: {err}"
        );
    }
    let err = model.token_window(&["Bessent"], 0..1, 1..2).unwrap_err();
    assert!(err.to_string().contains("stance target"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn directories_without_a_stance_head_of_the_scheme_are_refused() {
    let dir = model_dir("scheme", "BIO");
    let err = StancePairModel::load(&dir).unwrap_err();
    assert!(err.to_string().contains("scheme"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
    let plain =
        std::env::temp_dir().join(format!("stancegraph-stance-{}-plain", std::process::id()));
    tiny::write_model(&plain, 32, 8);
    let err = StancePairModel::load(&plain).unwrap_err();
    assert!(err.to_string().contains("no \"stance\" head"), "{err}");
    std::fs::remove_dir_all(&plain).ok();
    assert!(StancePairModel::load(&plain).is_err());
}
