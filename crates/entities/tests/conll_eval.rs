//! The shipped model on CoNLL-2003 dev (eng.testa), strict entity matching.

use std::path::PathBuf;

use stancegraph_entities::{evaluate_ner, NerModel};

#[test]
fn shipped_model_meets_the_dev_floor() {
    let root = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."));
    let dev = root.join("../shared/data/conll2003/eng.testa");
    if !dev.exists() {
        eprintln!("skipping: ../shared/data not found");
        return;
    }
    let model = NerModel::load(&root.join("data/models/entities/ner.bin")).expect("shipped model");
    let scores = evaluate_ner(&model, &dev).expect("scores");
    eprintln!("dev F1 {:.4} {:?}", scores.f1, scores.per_type);
    assert!(scores.f1 >= 0.90, "dev F1 {:.4}", scores.f1);
    for label in ["PER", "ORG", "LOC", "MISC"] {
        assert!(
            scores.per_type[label].f1 > 0.8,
            "{label}: {:?}",
            scores.per_type[label]
        );
    }
}
