//! Scoring against the Gender Gap Tracker quote evaluation set, with the tracker's own
//! metric: each gold quote (in file order) takes the unused predicted quote that covers the
//! largest share of its characters; it counts when that share reaches the threshold (0.3
//! and 0.8 are reported). Leftover predictions are false positives. Speaker accuracy is
//! over matched quotes: right when the predicted source span overlaps the gold speaker
//! span, or the predicted speaker's name contains the last word of the gold `reference`.
//! Offsets are code points of the article's `rawtext`.

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::QuotesError;

/// Coverage thresholds the tracker reports.
pub const THRESHOLDS: [f64; 2] = [0.3, 0.8];

/// A half-open range of code points.
pub type CharSpan = (usize, usize);

#[derive(Debug, Clone, Deserialize)]
struct RawSpan {
    #[serde(default)]
    text: String,
    #[serde(default)]
    span: Option<[usize; 2]>,
}

#[derive(Debug, Clone, Deserialize)]
struct RawQuote {
    quote: RawSpan,
    #[serde(default)]
    speaker: Option<RawSpan>,
    #[serde(default)]
    verb: Option<RawSpan>,
    #[serde(default)]
    reference: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
struct RawArticle {
    id: String,
    #[serde(default)]
    outlet: Option<String>,
    rawtext: String,
    #[serde(default)]
    quotes: Vec<RawQuote>,
}

/// One hand-checked quote.
#[derive(Debug, Clone, PartialEq)]
pub struct GoldQuote {
    /// The quoted words, in code points of the article's `rawtext`.
    pub quote: CharSpan,
    /// The speaker as written near the quote (code points), when the annotation has a span.
    pub speaker: Option<CharSpan>,
    /// The reporting verb as written (empty when the quote has none).
    pub verb: String,
    /// The speaker's full name (or description).
    pub reference: String,
}

/// One article of the evaluation set.
#[derive(Debug, Clone)]
pub struct GgtArticle {
    /// The tracker's article id.
    pub id: String,
    /// The news outlet, when the file gives one.
    pub outlet: Option<String>,
    /// The article text; all quote and speaker spans count its code points.
    pub rawtext: String,
    /// The gold quotes with a usable span, in file order (the order matching uses).
    pub quotes: Vec<GoldQuote>,
}

/// Reads a GGT JSONL file (one article a line). Quotes without a usable span are skipped.
pub fn read(path: &Path) -> Result<Vec<GgtArticle>, QuotesError> {
    let text = std::fs::read_to_string(path).map_err(|e| QuotesError::io(path, e))?;
    let mut articles = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let raw: RawArticle = serde_json::from_str(line).map_err(|e| QuotesError::Corpus {
            path: path.to_path_buf(),
            message: format!("line {}: {e}", n + 1),
        })?;
        let quotes = raw
            .quotes
            .into_iter()
            .filter_map(|q| {
                let [start, end] = q.quote.span?;
                Some(GoldQuote {
                    quote: (start, end),
                    speaker: q.speaker.as_ref().and_then(|s| s.span).map(|[a, b]| (a, b)),
                    verb: q.verb.map(|v| v.text).unwrap_or_default(),
                    reference: q.reference.unwrap_or_default(),
                })
            })
            .collect();
        articles.push(GgtArticle {
            id: raw.id,
            outlet: raw.outlet,
            rawtext: raw.rawtext,
            quotes,
        });
    }
    Ok(articles)
}

/// How a predicted speaker was resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SpeakerKind {
    /// Resolved to an actor of the entity layer; `speaker` is its name.
    Entity,
    /// An anonymous source ("officials"); `speaker` is its description.
    Anonymous,
    /// A source span that resolved to nothing (e.g. a pronoun); `speaker` is its text.
    Unresolved,
}

/// A predicted quote in code points of the rawtext.
#[derive(Debug, Clone, PartialEq)]
pub struct PredictedQuote {
    /// The quote's content, in code points of the rawtext (see [`char_index`]).
    pub content: CharSpan,
    /// The source as written, in code points, when the quote has one.
    pub source: Option<CharSpan>,
    /// The resolved name (entity), description (anonymous) or source text (unresolved).
    pub speaker: String,
    /// How the speaker was resolved, which decides its [`SpeakerOutcome`] when wrong.
    pub kind: SpeakerKind,
    /// The cue as written, lowercased (empty when none).
    pub cue: String,
}

/// Outcome of a matched quote's speaker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SpeakerOutcome {
    /// The source span overlaps the gold speaker span, or the speaker's name contains the
    /// last word of the gold reference.
    Right,
    /// Wrong, and resolved to some other actor.
    WrongEntity,
    /// Wrong, and the source was left unresolved.
    Unresolved,
    /// Wrong, and the source was taken as anonymous.
    Anonymous,
}

fn overlap(a: CharSpan, b: CharSpan) -> usize {
    a.1.min(b.1).saturating_sub(a.0.max(b.0))
}

fn speaker_right(gold: &GoldQuote, predicted: &PredictedQuote) -> bool {
    let span_hit = match (gold.speaker, predicted.source) {
        (Some(g), Some(p)) => overlap(g, p) > 0,
        _ => false,
    };
    let last = gold
        .reference
        .split_whitespace()
        .last()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .unwrap_or_default();
    let name_hit = !last.is_empty() && predicted.speaker.to_lowercase().contains(&last);
    span_hit || name_hit
}

fn outcome(gold: &GoldQuote, predicted: &PredictedQuote) -> SpeakerOutcome {
    if speaker_right(gold, predicted) {
        return SpeakerOutcome::Right;
    }
    match predicted.kind {
        SpeakerKind::Entity => SpeakerOutcome::WrongEntity,
        SpeakerKind::Anonymous => SpeakerOutcome::Anonymous,
        SpeakerKind::Unresolved => SpeakerOutcome::Unresolved,
    }
}

/// Counts at one coverage threshold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ThresholdCounts {
    /// Gold quotes that found a predicted quote covering at least the threshold share.
    pub matched: usize,
    /// Matched quotes whose speaker is [`SpeakerOutcome::Right`].
    pub speaker_right: usize,
    /// All gold quotes seen.
    pub gold: usize,
    /// All predicted quotes seen.
    pub predicted: usize,
}

/// The result of matching one article at one threshold: for each gold quote the index of
/// its predicted quote, if any.
pub fn match_quotes(
    gold: &[GoldQuote],
    predicted: &[PredictedQuote],
    threshold: f64,
) -> Vec<Option<usize>> {
    let mut used = vec![false; predicted.len()];
    gold.iter()
        .map(|g| {
            let length = g.quote.1.saturating_sub(g.quote.0);
            if length == 0 {
                return None;
            }
            let mut best: Option<(usize, f64)> = None;
            for (i, p) in predicted.iter().enumerate() {
                if used[i] {
                    continue;
                }
                let share = overlap(g.quote, p.content) as f64 / length as f64;
                if share >= threshold && best.is_none_or(|(_, s)| share > s) {
                    best = Some((i, share));
                }
            }
            let (i, _) = best?;
            used[i] = true;
            Some(i)
        })
        .collect()
}

/// Accumulated scores over the evaluation set.
#[derive(Debug, Clone, Default)]
pub struct GgtScorer {
    /// Counts at each of [`THRESHOLDS`], in the same order.
    pub counts: [ThresholdCounts; 2],
    /// Speaker outcomes of the quotes matched at the first threshold.
    pub outcomes: HashMap<&'static str, usize>,
    /// Matched quotes (first threshold) whose speaker is unresolved.
    pub unresolved: usize,
    /// Cue words of false positives (first threshold).
    pub false_positive_cues: HashMap<String, usize>,
}

impl GgtScorer {
    /// Scores one article: matches its gold and predicted quotes at every threshold and adds
    /// the counts, speaker outcomes and false-positive cues.
    pub fn add(&mut self, gold: &[GoldQuote], predicted: &[PredictedQuote]) {
        for (t, &threshold) in THRESHOLDS.iter().enumerate() {
            let matches = match_quotes(gold, predicted, threshold);
            let counts = &mut self.counts[t];
            counts.gold += gold.len();
            counts.predicted += predicted.len();
            let mut used = vec![false; predicted.len()];
            for (g, m) in gold.iter().zip(&matches) {
                let Some(p) = m.and_then(|i| predicted.get(i).map(|p| (i, p))) else {
                    continue;
                };
                used[p.0] = true;
                counts.matched += 1;
                let outcome = outcome(g, p.1);
                if outcome == SpeakerOutcome::Right {
                    counts.speaker_right += 1;
                }
                if t == 0 {
                    *self.outcomes.entry(outcome_name(outcome)).or_default() += 1;
                    if p.1.kind == SpeakerKind::Unresolved {
                        self.unresolved += 1;
                    }
                }
            }
            if t == 0 {
                for (p, _) in predicted.iter().zip(&used).filter(|(_, u)| !**u) {
                    let cue = if p.cue.is_empty() { "(none)" } else { &p.cue };
                    *self.false_positive_cues.entry(cue.to_string()).or_default() += 1;
                }
            }
        }
    }

    /// Precision, recall, F1 and speaker accuracy at both thresholds over everything added,
    /// with the speaker confusion and the 20 most frequent false-positive cues.
    pub fn report(&self) -> GgtReport {
        let at = |t: usize| {
            let c = &self.counts[t];
            let (p, r, f1) = stancegraph_core::metrics::precision_recall_f1(
                c.matched,
                c.predicted,
                c.matched,
                c.gold,
            );
            GgtScores {
                p,
                r,
                f1,
                speaker_acc: ratio(c.speaker_right, c.matched),
            }
        };
        let mut cues: Vec<(String, usize)> = self
            .false_positive_cues
            .iter()
            .map(|(k, v)| (k.clone(), *v))
            .collect();
        cues.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        cues.truncate(20);
        GgtReport {
            low: at(0),
            high: at(1),
            unresolved: ratio(self.unresolved, self.counts[0].matched),
            confusion: ["right", "wrong_entity", "unresolved", "anonymous"]
                .iter()
                .map(|k| (k.to_string(), self.outcomes.get(k).copied().unwrap_or(0)))
                .collect(),
            false_positive_cues: cues,
        }
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

fn outcome_name(outcome: SpeakerOutcome) -> &'static str {
    match outcome {
        SpeakerOutcome::Right => "right",
        SpeakerOutcome::WrongEntity => "wrong_entity",
        SpeakerOutcome::Unresolved => "unresolved",
        SpeakerOutcome::Anonymous => "anonymous",
    }
}

/// Scores at one threshold (fractions).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct GgtScores {
    /// Precision: matched quotes over predicted quotes.
    pub p: f64,
    /// Recall: matched quotes over gold quotes.
    pub r: f64,
    /// Harmonic mean of `p` and `r`.
    pub f1: f64,
    /// Share of matched quotes whose speaker is right (0 when nothing matched).
    pub speaker_acc: f64,
}

/// Everything `eval quotes --ggt` prints.
#[derive(Debug, Clone, Serialize)]
pub struct GgtReport {
    /// Scores at the lower threshold (0.3).
    pub low: GgtScores,
    /// Scores at the higher threshold (0.8).
    pub high: GgtScores,
    /// Share of quotes matched at 0.3 whose speaker is unresolved.
    pub unresolved: f64,
    /// Speaker outcomes of quotes matched at 0.3, as `(outcome, count)` in the fixed order
    /// right, wrong_entity, unresolved, anonymous.
    pub confusion: Vec<(String, usize)>,
    /// The 20 most frequent cues of false positives at 0.3, as `(cue, count)`, most
    /// frequent first; `(none)` stands for quotes without a cue.
    pub false_positive_cues: Vec<(String, usize)>,
}

impl GgtReport {
    /// The last line of the eval: `{"task":"quotes_ggt","0.3":{…},"0.8":{…},"unresolved":…}`.
    pub fn json_line(&self) -> serde_json::Value {
        serde_json::json!({
            "task": "quotes_ggt",
            "0.3": self.low,
            "0.8": self.high,
            "unresolved": self.unresolved,
        })
    }
}

/// Code point index of every byte offset of `text` that starts a character (and the end).
pub fn char_index(text: &str) -> impl Fn(usize) -> usize + '_ {
    let starts: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
    move |byte: usize| starts.partition_point(|&b| b < byte)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gold(quote: CharSpan, speaker: Option<CharSpan>, reference: &str) -> GoldQuote {
        GoldQuote {
            quote,
            speaker,
            verb: "said".into(),
            reference: reference.into(),
        }
    }

    fn predicted(
        content: CharSpan,
        source: Option<CharSpan>,
        speaker: &str,
        kind: SpeakerKind,
    ) -> PredictedQuote {
        PredictedQuote {
            content,
            source,
            speaker: speaker.into(),
            kind,
            cue: "said".into(),
        }
    }

    #[test]
    fn greedy_coverage_matching_and_speakers() {
        let gold = [
            gold((0, 100), Some((110, 115)), "Jane Doe"),
            gold((200, 300), None, "John Roe"),
            gold((400, 500), Some((510, 512)), "Ann Poe"),
        ];
        let predicted = [
            // covers 50 % of the first quote: matched at 0.3, not at 0.8; speaker by span
            predicted((50, 100), Some((110, 112)), "he", SpeakerKind::Unresolved),
            // covers 90 % of the second quote, speaker by name
            predicted((210, 300), None, "John Roe", SpeakerKind::Entity),
            // wrong speaker on the third
            predicted(
                (400, 500),
                Some((520, 525)),
                "Bob Smith",
                SpeakerKind::Entity,
            ),
            // a false positive
            predicted((600, 700), None, "x", SpeakerKind::Anonymous),
        ];
        let mut scorer = GgtScorer::default();
        scorer.add(&gold, &predicted);
        let report = scorer.report();
        assert_eq!(scorer.counts[0].matched, 3);
        assert_eq!(scorer.counts[1].matched, 2);
        assert!((report.low.p - 0.75).abs() < 1e-9);
        assert!((report.low.speaker_acc - 2.0 / 3.0).abs() < 1e-9);
        assert!((report.unresolved - 1.0 / 3.0).abs() < 1e-9);
        assert_eq!(report.confusion[1], ("wrong_entity".to_string(), 1));
        assert_eq!(report.false_positive_cues, vec![("said".to_string(), 1)]);
    }

    #[test]
    fn char_index_counts_code_points() {
        let index = char_index("a“b”c");
        assert_eq!(index(0), 0);
        assert_eq!(index(1), 1);
        assert_eq!(index(4), 2);
        assert_eq!(index(8), 4);
    }
}
