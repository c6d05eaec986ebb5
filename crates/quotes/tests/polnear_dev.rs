//! Scores the shipped model on PolNeAR dev (skipped when ../shared/data is absent).
//! Floors sit below the measured figures (exact F1 0.67 / 0.64 / 0.49) so regressions fail;
//! the content floor (0.45, the default preset's bar) also fails without the
//! interrupted-quote rule (0.44).
use std::path::PathBuf;

use stancegraph_quotes::{train, Attributor};

#[test]
fn dev_split_exact_f1_floors() {
    let shared = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data"));
    let dev = shared.join("polnear/dev");
    if !dev.exists() {
        eprintln!("skipping: ../shared/data not found");
        return;
    }
    let data = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../data"));
    let analyzer = stancegraph_text::Analyzer::load(&data).expect("text models");
    let attributor = Attributor::load(&data).expect("quotes model");
    let examples = train::load_examples(&dev, |doc| {
        analyzer.annotate(doc).map_err(|e| e.to_string())
    })
    .expect("dev split");
    let report = train::evaluate(&attributor, &examples).report();
    eprintln!("{}", serde_json::to_string(&report).unwrap_or_default());
    assert!(
        report.exact.source.f1 >= 0.62,
        "source {:?}",
        report.exact.source
    );
    assert!(report.exact.cue.f1 >= 0.60, "cue {:?}", report.exact.cue);
    assert!(
        report.exact.content.f1 >= 0.45,
        "content {:?}",
        report.exact.content
    );
    assert!(
        report.overlap.content.f1 >= 0.80,
        "content overlap {:?}",
        report.overlap.content
    );
}
