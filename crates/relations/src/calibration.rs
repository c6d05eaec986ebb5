//! Calibrated confidence: a stance's confidence is the probability that it is right.
//!
//! The rules, the quote reader and the pair classifier each produce a raw score on their
//! own scale. An isotonic (monotone, piecewise-linear) map per source, fitted on SEESAW
//! train with cross-fitted predictions (each story scored by a pair model that did not
//! see it), turns each raw score into the observed share of correct stances. The
//! reliability table compares binned confidence with observed precision.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use stancegraph_core::Stance;

/// Where a stance came from: the calibration map differs per source.
pub fn stance_source(stance: &Stance) -> &'static str {
    match (&stance.quote, &stance.trigger) {
        (Some(_), _) => "quote",
        (None, Some(_)) => "trigger",
        (None, None) => "pair",
    }
}

/// A monotone non-decreasing map from raw score to probability, linear between knots.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Isotonic {
    /// Raw scores of the knots, increasing.
    pub x: Vec<f32>,
    /// Probabilities at the knots, non-decreasing.
    pub y: Vec<f32>,
}

impl Isotonic {
    /// Pool-adjacent-violators on (score, correct) pairs; each pooled block becomes one
    /// knot at its mean score. Blocks smaller than `min_block` are merged with a neighbour
    /// so that a handful of examples cannot pin the map to 0 or 1.
    pub fn fit(points: &[(f32, bool)], min_block: usize) -> Self {
        let mut sorted: Vec<(f32, bool)> = points.to_vec();
        sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
        // Blocks: (sum of scores, sum of labels, count).
        let mut blocks: Vec<(f64, f64, usize)> = Vec::new();
        for (score, correct) in sorted {
            blocks.push((score as f64, if correct { 1.0 } else { 0.0 }, 1));
            loop {
                let n = blocks.len();
                if n < 2 {
                    break;
                }
                let (a, b) = (blocks[n - 2], blocks[n - 1]);
                let violates = a.1 / a.2 as f64 >= b.1 / b.2 as f64;
                if violates || a.2 < min_block {
                    blocks.truncate(n - 2);
                    blocks.push((a.0 + b.0, a.1 + b.1, a.2 + b.2));
                } else {
                    break;
                }
            }
        }
        // The last block may be small: fold it into its neighbour.
        while blocks.len() >= 2 && blocks.last().is_some_and(|b| b.2 < min_block) {
            let (Some(b), Some(a)) = (blocks.pop(), blocks.pop()) else {
                break;
            };
            blocks.push((a.0 + b.0, a.1 + b.1, a.2 + b.2));
        }
        Isotonic {
            x: blocks.iter().map(|b| (b.0 / b.2 as f64) as f32).collect(),
            y: blocks
                .iter()
                .map(|b| ((b.1 / b.2 as f64) as f32 * 1000.0).round() / 1000.0)
                .collect(),
        }
    }

    /// The probability of a raw score (flat beyond the outer knots).
    pub fn apply(&self, score: f32) -> f32 {
        let (Some(&first_x), Some(&last_x)) = (self.x.first(), self.x.last()) else {
            return score;
        };
        if score <= first_x {
            return self.y.first().copied().unwrap_or(score);
        }
        if score >= last_x {
            return self.y.last().copied().unwrap_or(score);
        }
        let upper = self.x.partition_point(|&x| x < score);
        let (Some(&x0), Some(&x1), Some(&y0), Some(&y1)) = (
            self.x.get(upper - 1),
            self.x.get(upper),
            self.y.get(upper - 1),
            self.y.get(upper),
        ) else {
            return score;
        };
        if x1 <= x0 {
            return y1;
        }
        y0 + (y1 - y0) * (score - x0) / (x1 - x0)
    }
}

/// One isotonic map per stance source (`trigger`, `quote`, `pair`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    /// The map of each source, keyed by [`stance_source`]'s name; a source without a map
    /// keeps its raw scores.
    pub by_source: BTreeMap<String, Isotonic>,
    /// What the maps were fitted on.
    #[serde(default)]
    pub fitted_on: String,
    /// The threshold on calibrated confidence with the best cross-fitted triplet F1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub best_min_confidence: Option<f32>,
}

impl Calibration {
    /// Fits a map per source on (source, raw score, correct) samples.
    pub fn fit(samples: &[(String, f32, bool)], min_block: usize, fitted_on: &str) -> Self {
        let mut per_source: BTreeMap<String, Vec<(f32, bool)>> = BTreeMap::new();
        for (source, score, correct) in samples {
            per_source
                .entry(source.clone())
                .or_default()
                .push((*score, *correct));
        }
        Calibration {
            by_source: per_source
                .into_iter()
                .map(|(source, points)| (source, Isotonic::fit(&points, min_block)))
                .collect(),
            fitted_on: fitted_on.to_string(),
            best_min_confidence: None,
        }
    }

    /// The calibrated confidence of a stance (unchanged for a source without a map).
    pub fn apply(&self, stance: &Stance) -> f32 {
        match self.by_source.get(stance_source(stance)) {
            Some(map) => map.apply(stance.confidence),
            None => stance.confidence,
        }
    }
}

/// One row of a reliability table.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ReliabilityBin {
    /// Lower bound of the bin's confidence range (inclusive).
    pub low: f32,
    /// Upper bound of the bin's confidence range (exclusive, except 1.0 in the last bin).
    pub high: f32,
    /// Predictions whose confidence falls in the bin.
    pub count: usize,
    /// Mean confidence of those predictions (0 when the bin is empty).
    pub mean_confidence: f64,
    /// Share of those predictions that were correct (0 when the bin is empty).
    pub precision: f64,
}

/// Predictions binned by confidence (`bins` equal-width bins over 0..1) with the observed
/// share of correct ones in each.
pub fn reliability_table(points: &[(f32, bool)], bins: usize) -> Vec<ReliabilityBin> {
    let bins = bins.max(1);
    let mut rows: Vec<ReliabilityBin> = (0..bins)
        .map(|b| ReliabilityBin {
            low: b as f32 / bins as f32,
            high: (b + 1) as f32 / bins as f32,
            count: 0,
            mean_confidence: 0.0,
            precision: 0.0,
        })
        .collect();
    for &(confidence, correct) in points {
        let index = ((confidence.clamp(0.0, 1.0) * bins as f32) as usize).min(bins - 1);
        if let Some(row) = rows.get_mut(index) {
            row.count += 1;
            row.mean_confidence += confidence as f64;
            row.precision += if correct { 1.0 } else { 0.0 };
        }
    }
    for row in &mut rows {
        if row.count > 0 {
            row.mean_confidence /= row.count as f64;
            row.precision /= row.count as f64;
        }
    }
    rows
}

/// The table as Markdown, with a mark on bins of at least `min_count` predictions whose
/// precision is more than `tolerance` away from their mean confidence.
pub fn format_reliability(rows: &[ReliabilityBin], min_count: usize, tolerance: f64) -> String {
    let mut out = String::from(
        "| confidence | predictions | mean confidence | observed precision | within tolerance |\n|---|---|---|---|---|\n",
    );
    for row in rows.iter().filter(|r| r.count > 0) {
        let verdict = if row.count < min_count {
            "(too few)"
        } else if (row.precision - row.mean_confidence).abs() <= tolerance {
            "yes"
        } else {
            "NO"
        };
        out.push_str(&format!(
            "| {:.1}-{:.1} | {} | {:.3} | {:.3} | {} |\n",
            row.low, row.high, row.count, row.mean_confidence, row.precision, verdict
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isotonic_map_is_monotone_and_matches_observed_rates() {
        // Scores 0.9 are right half the time, scores 0.2 never, scores 0.5 a quarter.
        let mut points = Vec::new();
        for i in 0..40 {
            points.push((0.9, i % 2 == 0));
            points.push((0.2, false));
            points.push((0.5, i % 4 == 0));
        }
        let map = Isotonic::fit(&points, 10);
        assert!((map.apply(0.9) - 0.5).abs() < 1e-3, "{map:?}");
        assert!((map.apply(0.5) - 0.25).abs() < 1e-3, "{map:?}");
        assert!(map.apply(0.2) < 1e-3, "{map:?}");
        assert!(map.apply(0.7) >= map.apply(0.5) && map.apply(0.7) <= map.apply(0.9));
    }

    #[test]
    fn violations_are_pooled() {
        // Higher raw scores are worse here: the map pools them into one flat level.
        let points: Vec<(f32, bool)> = (0..50).map(|i| (i as f32 / 50.0, i < 25)).collect();
        let map = Isotonic::fit(&points, 5);
        assert!(map.y.windows(2).all(|w| w[0] <= w[1]), "{map:?}");
        assert!((map.apply(0.1) - 0.5).abs() < 1e-3, "{map:?}");
    }

    #[test]
    fn reliability_bins_count_and_average() {
        let rows = reliability_table(&[(0.15, true), (0.12, false), (0.95, true)], 10);
        assert_eq!(rows[1].count, 2);
        assert!((rows[1].precision - 0.5).abs() < 1e-9);
        assert_eq!(rows[9].count, 1);
        assert!(format_reliability(&rows, 1, 0.15).contains("| 0.1-0.2 | 2 |"));
    }
}
