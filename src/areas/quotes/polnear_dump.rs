//! `eval quotes --polnear DIR --dump FILE`: every gold and predicted span of each role with
//! its outcome, for error analysis (the file holds article text: keep it out of the
//! repository).

use std::io::Write;

use stancegraph_core::{Quote, Span};
use stancegraph_quotes::polnear::GoldAttribution;
use stancegraph_quotes::score::{trim, Role};

/// One line per gold span (`exact`, `boundary` when a predicted span overlaps it but
/// differs, `missed`) and per predicted span matching no gold one (`spurious`). For
/// `boundary`, `predicted` is the first overlapping prediction.
pub fn write_document(
    out: &mut impl Write,
    id: &str,
    text: &str,
    gold: &[GoldAttribution],
    predicted: &[Quote],
) -> anyhow::Result<()> {
    for role in Role::ALL {
        let gold_spans: Vec<Span> = gold
            .iter()
            .filter_map(|a| role.of_gold(a))
            .map(|s| trim(text, s))
            .collect();
        let predicted_spans: Vec<Span> = predicted
            .iter()
            .filter_map(|q| role.of_quote(q))
            .map(|s| trim(text, s))
            .collect();
        let slice = |s: Span| text.get(s.start..s.end).unwrap_or("");
        for &g in &gold_spans {
            let (outcome, found) = if predicted_spans.contains(&g) {
                ("exact", None)
            } else if let Some(&p) = predicted_spans.iter().find(|p| p.overlaps(g)) {
                ("boundary", Some(p))
            } else {
                ("missed", None)
            };
            let record = serde_json::json!({
                "doc": id, "role": role.name(), "outcome": outcome,
                "gold": slice(g), "predicted": found.map(slice),
                "gold_span": [g.start, g.end], "predicted_span": found.map(|p| [p.start, p.end]),
            });
            writeln!(out, "{record}")?;
        }
        for &p in &predicted_spans {
            if !gold_spans.iter().any(|g| g.overlaps(p)) {
                let record = serde_json::json!({
                    "doc": id, "role": role.name(), "outcome": "spurious",
                    "gold": null, "predicted": slice(p), "predicted_span": [p.start, p.end],
                });
                writeln!(out, "{record}")?;
            }
        }
    }
    Ok(())
}
