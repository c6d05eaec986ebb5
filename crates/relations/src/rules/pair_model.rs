//! The learned pair model: a SEESAW-trained classifier over the ordered pairs of actors
//! of a segment, for the stances no trigger, predication or quote rule read.

use std::collections::BTreeMap;

use stancegraph_core::{ActorRef, EntityType, Polarity, Span, Target};

use crate::error::RelationsError;
use crate::extract::findings::Findings;
use crate::extract::view::{Actor, View};
use crate::extract::Extractor;
use crate::features::SentenceParse;
use crate::scorer::{expect_len, SentencePairs};

/// The pair model pairs a holder with at most this many nearest actors on each side. News
/// sentences name fewer actors than that, so they are unaffected; a flood of names is
/// linear instead of quadratic.
const PAIR_WINDOW: usize = 12;
/// A sentence-level reading is less certain than a rule's.
const PAIR_DISCOUNT: f32 = 0.9;

/// The best reading of each (holder entity, target entity) pair of a segment.
type PairReadings = BTreeMap<(String, String), (Polarity, f32)>;

/// The candidate pairs of one segment: the segment and its (holder, target) actors.
pub(crate) struct SegmentCandidates<'v> {
    pub segment: usize,
    pub pairs: Vec<(&'v Actor, &'v Actor)>,
}

impl Extractor {
    /// The learned classifier over the ordered pairs of actors of every segment; a pair an
    /// earlier rule already read in the segment keeps that reading. Every candidate pair
    /// of the document goes to the pair scorer in one call.
    pub(crate) fn pair_model(
        &self,
        view: &View<'_>,
        findings: &mut Findings,
    ) -> Result<(), RelationsError> {
        let Some(scorer) = self.pair_scorer() else {
            return Ok(());
        };
        let scorer = scorer.get();
        let mut candidates = Vec::new();
        let mut batch = Vec::new();
        let mut parses = Vec::new();
        for segment in 0..view.segments.len() {
            // The runner fails a document over its time budget once the stage returns.
            if stancegraph_core::over_budget() {
                break;
            }
            let (found, sentence) = segment_candidates(view, segment);
            parses.push(segment_parse(view, segment, &sentence));
            candidates.push(found);
            batch.push(sentence);
        }
        let probs = scorer.score_parsed_pairs(&view.doc.id, &batch, &parses)?;
        let asked = batch.iter().map(|s| s.pairs.len()).sum();
        expect_len(&view.doc.id, "pair", probs.len(), asked)?;
        let mut probs = probs.into_iter();
        for found in candidates {
            let segment = found.segment;
            let readings = self.segment_readings(view, found, &mut probs, scorer.threshold());
            let evidence = view.sentence_span(segment);
            for ((h, t), (polarity, confidence)) in readings {
                let holder = ActorRef::Entity { id: h };
                let target = Target::Actor { id: t };
                if findings.has_pair(segment, &holder, &target) {
                    continue;
                }
                let stance = self.stance(
                    holder,
                    target,
                    polarity,
                    evidence,
                    None,
                    confidence * PAIR_DISCOUNT,
                );
                findings.push_stance(stance, segment);
            }
        }
        Ok(())
    }

    /// The scorer's readings of the candidate pairs of one segment (their probabilities
    /// are the next ones of `probs`), the most confident per entity pair.
    fn segment_readings(
        &self,
        view: &View<'_>,
        found: SegmentCandidates<'_>,
        probs: &mut impl Iterator<Item = [f32; 3]>,
        threshold: f32,
    ) -> PairReadings {
        let mut best = PairReadings::new();
        for ((h, t), [_, support, oppose]) in found.pairs.into_iter().zip(probs) {
            if support + oppose < threshold {
                continue;
            }
            let (polarity, confidence) = if support > oppose {
                (Polarity::Support, support + oppose)
            } else {
                (Polarity::Oppose, support + oppose)
            };
            if polarity == Polarity::Oppose && view.oppose_withheld(Some(h), t, &self.lexicon) {
                continue;
            }
            let entry = best
                .entry((h.entity.clone(), t.entity.clone()))
                .or_insert((polarity, confidence));
            if confidence > entry.1 {
                *entry = (polarity, confidence);
            }
        }
        best
    }
}

/// The ordered actor pairs of one segment that may carry a stance, and the same pairs as
/// byte ranges in the segment's text for the scorer.
pub(crate) fn segment_candidates<'v>(
    view: &'v View<'_>,
    segment: usize,
) -> (SegmentCandidates<'v>, SentencePairs<'v>) {
    let range = view.sentence_range(segment);
    let sentence_span = view.sentence_span(segment);
    let local = |s: Span| {
        s.start.saturating_sub(sentence_span.start)..s.end.saturating_sub(sentence_span.start)
    };
    let actors: Vec<&Actor> = view
        .actors
        .get(view.actors_in(&range))
        .unwrap_or(&[])
        .iter()
        .filter(|a| range.contains(&a.first))
        .collect();
    let mut pairs = Vec::new();
    for (index, h) in actors.iter().enumerate() {
        if !may_hold_stance(view, h) {
            continue;
        }
        let nearest = actors
            .get(index.saturating_sub(PAIR_WINDOW)..(index + PAIR_WINDOW + 1).min(actors.len()))
            .unwrap_or(&[]);
        for t in nearest.iter().filter(|t| may_receive_stance(view, h, t)) {
            pairs.push((*h, *t));
        }
    }
    let sentence = SentencePairs {
        sentence: view.doc.slice(sentence_span),
        pairs: pairs
            .iter()
            .map(|(h, t)| (local(h.span), local(t.span)))
            .collect(),
    };
    (SegmentCandidates { segment, pairs }, sentence)
}

/// The dependency parse of segment `segment` when it has candidate pairs to score.
pub(crate) fn segment_parse<'v>(
    view: &View<'v>,
    segment: usize,
    sentence: &SentencePairs<'_>,
) -> Option<SentenceParse<'v>> {
    if sentence.pairs.is_empty() {
        return None;
    }
    SentenceParse::from_document(view.doc, view.sentence_span(segment))
}

/// Nationalities, modifiers ("a Financial Times interview"), objects of "of" and
/// coordinated possessors qualify someone else: they hold no stance.
fn may_hold_stance(view: &View<'_>, holder: &Actor) -> bool {
    !(holder.entity_type == EntityType::Norp
        || holder.modifier
        || holder.of_object
        || view.coordinated_possessor(holder))
}

/// A target is another entity, not an adjectival group ("Leninist") nor a place after
/// "in"/"at".
fn may_receive_stance(view: &View<'_>, holder: &Actor, target: &Actor) -> bool {
    let located = target.first > 0
        && view
            .tokens
            .get(target.first - 1)
            .is_some_and(|p| matches!(p.lower.as_str(), "in" | "at"));
    !target.is_adjectival_group() && holder.entity != target.entity && !located
}

#[cfg(test)]
mod tests {
    use stancegraph_core::{EntityType, Polarity};

    use super::{segment_candidates, segment_parse};
    use crate::extract::view::View;
    use crate::test_support::{document, named, pipeline_document, rule_findings};

    #[test]
    fn the_model_reads_a_stance_no_trigger_states() {
        let doc = pipeline_document(
            "Janet Yellen, an ally of Joe Biden, travelled to Beijing. She met officials.",
        );
        let found = rule_findings(&doc, |x, view, out| {
            x.pair_model(view, out).expect("linear scorer")
        });
        let stances = named(&doc, &found.stances);
        assert!(
            stances.iter().any(|(h, p, t)| h == "Janet Yellen"
                && *p == Polarity::Support
                && t == "Joe Biden"),
            "{stances:?}"
        );
        assert!(found.stances.iter().all(|s| s.trigger.is_none()));
    }

    #[test]
    fn a_pair_a_rule_read_keeps_the_rules_reading() {
        let doc = pipeline_document(
            "Angela Merkel criticised Vladimir Putin on Monday. She spoke in Berlin.",
        );
        let found = rule_findings(&doc, |x, view, out| {
            x.trigger_rules(view, 0, out);
            x.pair_model(view, out).expect("linear scorer");
        });
        let stances = named(&doc, &found.stances);
        let pair: Vec<_> = stances
            .iter()
            .filter(|(h, _, t)| h == "Angela Merkel" && t == "Vladimir Putin")
            .collect();
        assert_eq!(pair.len(), 1, "{stances:?}");
        assert!(found.stances.iter().any(|s| s.trigger.is_some()));
    }

    #[test]
    fn the_pair_features_read_the_parse_linking_the_actors() {
        let doc = pipeline_document(
            "Angela Merkel criticised Vladimir Putin on Monday. She spoke in Berlin.",
        );
        let view = View::new(&doc);
        let (_, sentence) = segment_candidates(&view, 0);
        let parse = segment_parse(&view, 0, &sentence).expect("a parsed sentence");
        let x = crate::test_support::extractor();
        let features = |holder: &str, target: &str| {
            let range = |name: &str| {
                let start = sentence.sentence.find(name).expect("name in the sentence");
                start..start + name.len()
            };
            crate::features::pair_features_parsed(
                sentence.sentence,
                Some(&parse),
                range(holder),
                range(target),
                &x.lexicon,
            )
        };
        let forward = features("Angela Merkel", "Vladimir Putin");
        assert!(forward.contains(&"dir:fwd".to_string()), "{forward:?}");
        assert!(
            forward.contains(&"dtrig:Oppose:fwd:pos".to_string()),
            "{forward:?}"
        );
        let reverse = features("Vladimir Putin", "Angela Merkel");
        assert!(reverse.contains(&"dir:rev".to_string()), "{reverse:?}");
    }

    #[test]
    fn nationalities_and_places_take_no_part() {
        let doc = document(
            "Chinese officials met Obama in Paris. Obama blasted Putin.",
            &[
                ("Chinese", EntityType::Norp),
                ("Obama", EntityType::Per),
                ("Paris", EntityType::Gpe),
                ("Putin", EntityType::Per),
            ],
            &[],
        );
        let found = rule_findings(&doc, |x, view, out| {
            x.pair_model(view, out).expect("linear scorer")
        });
        let stances = named(&doc, &found.stances);
        assert!(
            !stances
                .iter()
                .any(|(h, _, t)| h == "Chinese" || t == "Paris"),
            "{stances:?}"
        );
    }
}
