//! Scoring predicted quotes against gold attributions: per role (source, cue, content),
//! exact-match and overlap precision/recall/F1, and how many gold sources we resolved.

use serde::Serialize;
use stancegraph_core::{ActorRef, Quote, Span};

use crate::polnear::GoldAttribution;

/// The three roles of an attribution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Who is reported as speaking, as written.
    Source,
    /// The reporting verb or phrase.
    Cue,
    /// What was said (a predicted quote always has one).
    Content,
}

impl Role {
    /// Every role, in the order of [`Scorer::counts`] and [`RoleScores`]' fields.
    pub const ALL: [Role; 3] = [Role::Source, Role::Cue, Role::Content];

    /// Lower-case name used in reports: `source`, `cue` or `content`.
    pub fn name(&self) -> &'static str {
        match self {
            Role::Source => "source",
            Role::Cue => "cue",
            Role::Content => "content",
        }
    }
}

/// Raw counts for one role.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RoleCounts {
    /// Distinct predicted spans (trimmed, deduplicated per document).
    pub predicted: usize,
    /// Distinct gold spans (trimmed, deduplicated per document).
    pub gold: usize,
    /// Predicted spans equal to a gold span after trimming.
    pub exact: usize,
    /// Predicted spans overlapping some gold span.
    pub overlap_predicted: usize,
    /// Gold spans overlapped by some predicted span.
    pub overlap_gold: usize,
}

/// Precision, recall and F1 as fractions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Prf {
    /// Precision.
    pub p: f64,
    /// Recall.
    pub r: f64,
    /// Harmonic mean of precision and recall.
    pub f1: f64,
}

impl Prf {
    fn new(tp_p: usize, predicted: usize, tp_r: usize, gold: usize) -> Self {
        let (p, r, f1) =
            stancegraph_core::metrics::precision_recall_f1(tp_p, predicted, tp_r, gold);
        Prf { p, r, f1 }
    }
}

/// Accumulated counts over a corpus.
#[derive(Debug, Clone, Default)]
pub struct Scorer {
    /// Counts per role, in the order of [`Role::ALL`].
    pub counts: [RoleCounts; 3],
    /// Gold source spans seen (not deduplicated).
    pub gold_sources: usize,
    /// Gold sources overlapped by a predicted source whose speaker is not unresolved.
    pub resolved_sources: usize,
}

/// Per-role figures, in the order source, cue, content.
#[derive(Debug, Clone, Serialize)]
pub struct RoleScores {
    /// Scores of source spans.
    pub source: Prf,
    /// Scores of cue spans.
    pub cue: Prf,
    /// Scores of content spans.
    pub content: Prf,
}

/// The final report, shaped like the CLI's last JSON line.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Always `"quotes"`, the task key of the JSON line.
    pub task: &'static str,
    /// A predicted span counts only when it equals a gold span (both trimmed).
    pub exact: RoleScores,
    /// A predicted span counts when it overlaps a gold span, and a gold span when some
    /// predicted span overlaps it.
    pub overlap: RoleScores,
    /// Share of gold sources that a resolved predicted source overlaps (0 with no gold
    /// sources).
    pub speaker_resolved: f64,
}

/// `span` without the white space at its ends (both span sets are compared trimmed).
pub fn trim(text: &str, span: Span) -> Span {
    let Some(slice) = text.get(span.start..span.end) else {
        return span;
    };
    let start = span.start + (slice.len() - slice.trim_start().len());
    let end = span.end - (slice.len() - slice.trim_end().len());
    if start >= end {
        span
    } else {
        Span::new(start, end)
    }
}

impl Role {
    /// The span of this role in a predicted quote.
    pub fn of_quote(self, quote: &Quote) -> Option<Span> {
        match self {
            Role::Source => quote.source,
            Role::Cue => quote.cue,
            Role::Content => Some(quote.content),
        }
    }

    /// The span of this role in a gold attribution.
    pub fn of_gold(self, gold: &GoldAttribution) -> Option<Span> {
        match self {
            Role::Source => gold.source,
            Role::Cue => gold.cue,
            Role::Content => gold.content,
        }
    }
}

impl Scorer {
    /// Adds one document: `text` is the document text both span sets point into.
    pub fn add(&mut self, text: &str, gold: &[GoldAttribution], predicted: &[Quote]) {
        for (i, role) in Role::ALL.iter().enumerate() {
            let mut g: Vec<Span> = gold
                .iter()
                .filter_map(|a| role.of_gold(a))
                .map(|s| trim(text, s))
                .collect();
            let mut p: Vec<Span> = predicted
                .iter()
                .filter_map(|q| role.of_quote(q))
                .map(|s| trim(text, s))
                .collect();
            g.sort();
            g.dedup();
            p.sort();
            p.dedup();
            let c = &mut self.counts[i];
            c.gold += g.len();
            c.predicted += p.len();
            c.exact += p.iter().filter(|s| g.binary_search(s).is_ok()).count();
            c.overlap_predicted += p.iter().filter(|s| any_overlap(&g, **s)).count();
            c.overlap_gold += g.iter().filter(|s| any_overlap(&p, **s)).count();
        }
        for gold_source in gold.iter().filter_map(|a| a.source) {
            self.gold_sources += 1;
            let resolved = predicted.iter().any(|q| {
                q.source.is_some_and(|s| s.overlaps(gold_source))
                    && !matches!(q.speaker, ActorRef::Unresolved { .. })
            });
            if resolved {
                self.resolved_sources += 1;
            }
        }
    }

    /// Exact and overlap scores per role, and the resolved-speaker share, over everything
    /// added so far.
    pub fn report(&self) -> Report {
        let exact = |i: usize| {
            let c = self.counts[i];
            Prf::new(c.exact, c.predicted, c.exact, c.gold)
        };
        let overlap = |i: usize| {
            let c = self.counts[i];
            Prf::new(c.overlap_predicted, c.predicted, c.overlap_gold, c.gold)
        };
        Report {
            task: "quotes",
            exact: RoleScores {
                source: exact(0),
                cue: exact(1),
                content: exact(2),
            },
            overlap: RoleScores {
                source: overlap(0),
                cue: overlap(1),
                content: overlap(2),
            },
            speaker_resolved: if self.gold_sources == 0 {
                0.0
            } else {
                self.resolved_sources as f64 / self.gold_sources as f64
            },
        }
    }
}

/// True when some span of the sorted, disjoint-ish list overlaps `span` (linear scan over
/// the few spans of one document).
fn any_overlap(sorted: &[Span], span: Span) -> bool {
    sorted.iter().any(|s| s.overlaps(span))
}

#[cfg(test)]
mod tests {
    use super::*;
    use stancegraph_core::QuoteKind;

    fn quote(source: Span, cue: Span, content: Span) -> Quote {
        Quote {
            id: "Q1".into(),
            content,
            cue: Some(cue),
            source: Some(source),
            speaker: ActorRef::Anonymous {
                description: "x".into(),
            },
            kind: QuoteKind::Indirect,
            class: Default::default(),
            stage: "t".into(),
            confidence: 1.0,
        }
    }

    #[test]
    fn exact_and_overlap_counts() {
        let text = "Bob says it rains today.";
        let gold = [GoldAttribution {
            source: Some(Span::new(0, 3)),
            cue: Some(Span::new(4, 8)),
            content: Some(Span::new(9, 23)),
        }];
        // Content one word short: overlap yes, exact no; trailing space trimmed on the cue.
        let predicted = [quote(Span::new(0, 3), Span::new(4, 9), Span::new(9, 17))];
        let mut scorer = Scorer::default();
        scorer.add(text, &gold, &predicted);
        let report = scorer.report();
        assert_eq!(report.exact.source.f1, 1.0);
        assert_eq!(report.exact.cue.f1, 1.0);
        assert_eq!(report.exact.content.f1, 0.0);
        assert_eq!(report.overlap.content.f1, 1.0);
        assert_eq!(report.speaker_resolved, 1.0);
    }
}
