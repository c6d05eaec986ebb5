//! Scoring of HTML extraction on the article-extraction benchmark with its own metric:
//! `\w+` tokens, multisets of 4-gram shingles, per-page precision and recall averaged
//! over pages, and F1 of the two means.
//!
//! The fixed development half is every page whose index in the sorted list of page ids
//! is even; the other half is held out from tuning.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use crate::IngestError;

/// Scores over a set of pages.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Scores {
    /// Number of pages scored.
    pub pages: usize,
    /// Shingle precision per page, averaged over the pages (0..=1).
    pub precision: f64,
    /// Shingle recall per page, averaged over the pages (0..=1).
    pub recall: f64,
    /// Harmonic mean of the averaged `precision` and `recall`, not a mean of per-page F1.
    pub f1: f64,
}

/// Scores of the dev half, the held-out half and all pages, plus pages/s.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BenchmarkReport {
    /// The development half: pages at even positions of the sorted page ids.
    pub dev: Scores,
    /// The held-out half (odd positions), kept out of tuning.
    pub held_out: Scores,
    /// Every page of the benchmark.
    pub all: Scores,
    /// Extraction throughput on one thread, pages per second (wall clock).
    pub pages_per_second: f64,
    /// Pages whose extraction failed (scored as empty), as (page id, error message).
    pub failures: Vec<(String, String)>,
}

/// `\w+` tokens (letters, digits, underscore), case kept as in the benchmark.
fn tokens(text: &str) -> Vec<&str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|t| !t.is_empty())
        .collect()
}

fn shingles(text: &str) -> HashMap<Vec<&str>, usize> {
    let tokens = tokens(text);
    let mut counts = HashMap::new();
    let n = 4;
    if tokens.len() < n {
        *counts.entry(tokens.clone()).or_insert(0) += 1;
        return counts;
    }
    for window in tokens.windows(n) {
        *counts.entry(window.to_vec()).or_insert(0) += 1;
    }
    counts
}

/// Precision and recall of one page.
pub fn page_precision_recall(truth: &str, predicted: &str) -> (f64, f64) {
    let truth = shingles(truth);
    let predicted = shingles(predicted);
    let mut tp = 0usize;
    for (shingle, &count) in &predicted {
        tp += count.min(truth.get(shingle).copied().unwrap_or(0));
    }
    let predicted_total: usize = predicted.values().sum();
    let truth_total: usize = truth.values().sum();
    let (fp, fn_) = (predicted_total - tp, truth_total - tp);
    if fp == 0 && fn_ == 0 {
        return (1.0, 1.0);
    }
    if tp == 0 {
        return (0.0, 0.0);
    }
    (tp as f64 / (tp + fp) as f64, tp as f64 / (tp + fn_) as f64)
}

fn aggregate(rows: &[(f64, f64)]) -> Scores {
    if rows.is_empty() {
        return Scores::default();
    }
    let precision = rows.iter().map(|r| r.0).sum::<f64>() / rows.len() as f64;
    let recall = rows.iter().map(|r| r.1).sum::<f64>() / rows.len() as f64;
    let f1 = if precision + recall > 0.0 {
        2.0 * precision * recall / (precision + recall)
    } else {
        0.0
    };
    Scores {
        pages: rows.len(),
        precision,
        recall,
        f1,
    }
}

/// Runs [`crate::extract_article`] over `dir/html/*.html.gz` and scores it against
/// `dir/ground-truth.json`.
pub fn evaluate(dir: &Path) -> Result<BenchmarkReport, IngestError> {
    let truth_path = dir.join("ground-truth.json");
    let io = |path: &Path| {
        let path = path.display().to_string();
        move |source| IngestError::Io {
            path: path.clone(),
            source,
        }
    };
    let raw = std::fs::read(&truth_path).map_err(io(&truth_path))?;
    let truth: HashMap<String, serde_json::Value> =
        serde_json::from_slice(&raw).map_err(|e| IngestError::Invalid {
            path: truth_path.display().to_string(),
            message: e.to_string(),
        })?;
    let mut ids: Vec<&String> = truth.keys().collect();
    ids.sort();
    let mut pages = Vec::new();
    for id in &ids {
        let path = dir.join("html").join(format!("{id}.html.gz"));
        let file = std::fs::File::open(&path).map_err(io(&path))?;
        let mut bytes = Vec::new();
        flate2::read::MultiGzDecoder::new(file)
            .read_to_end(&mut bytes)
            .map_err(io(&path))?;
        pages.push(String::from_utf8_lossy(&bytes).into_owned());
    }
    let started = std::time::Instant::now();
    let mut report = BenchmarkReport::default();
    let extracted: Vec<String> = ids
        .iter()
        .zip(&pages)
        .map(|(id, html)| match crate::extract_article(html) {
            Ok(article) => article.text(),
            Err(e) => {
                report.failures.push((id.to_string(), e.to_string()));
                String::new()
            }
        })
        .collect();
    report.pages_per_second = pages.len() as f64 / started.elapsed().as_secs_f64().max(1e-9);
    let rows: Vec<(f64, f64)> = ids
        .iter()
        .zip(&extracted)
        .map(|(id, text)| {
            let gold = truth
                .get(*id)
                .and_then(|v| v.get("articleBody"))
                .and_then(|v| v.as_str())
                .unwrap_or("");
            page_precision_recall(gold, text)
        })
        .collect();
    let pick = |even: Option<bool>| -> Vec<(f64, f64)> {
        rows.iter()
            .enumerate()
            .filter(|(i, _)| even.is_none_or(|e| (i % 2 == 0) == e))
            .map(|(_, r)| *r)
            .collect()
    };
    report.dev = aggregate(&pick(Some(true)));
    report.held_out = aggregate(&pick(Some(false)));
    report.all = aggregate(&pick(None));
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metric_matches_hand_computed_values() {
        assert_eq!(page_precision_recall("a b c d e", "a b c d e"), (1.0, 1.0));
        // truth shingles: abcd, bcde; predicted: abcd, bcdx → tp 1, fp 1, fn 1.
        assert_eq!(page_precision_recall("a b c d e", "a b c d x"), (0.5, 0.5));
        assert_eq!(page_precision_recall("a b c d e", ""), (0.0, 0.0));
        let s = aggregate(&[(1.0, 0.5), (0.5, 0.5)]);
        assert!((s.precision - 0.75).abs() < 1e-9 && (s.recall - 0.5).abs() < 1e-9);
        assert!((s.f1 - 0.6).abs() < 1e-9);
    }

    #[test]
    fn extraction_meets_the_bar_on_the_dev_half() {
        let dir = Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/data/article-extraction"
        ));
        if !dir.exists() {
            eprintln!("skipping: ../shared/data not found");
            return;
        }
        let report = evaluate(dir).unwrap();
        eprintln!("{report:?}");
        assert!(report.dev.f1 >= 0.96, "{report:?}");
        assert!(report.all.f1 >= 0.96, "{report:?}");
    }
}
