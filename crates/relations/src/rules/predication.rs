//! Evaluative predication: "X described Y as Z" gives X's stance toward Y (and toward
//! the actors named in Y) from the valence of Z.

use stancegraph_core::{Polarity, Span, Target};

use crate::extract::findings::Findings;
use crate::extract::view::View;
use crate::extract::Extractor;
use crate::issue::normalise_issue;

/// How far after the verb its "as" may come ("described the latest export restrictions
/// as ...").
const AS_WINDOW: usize = 12;
/// Valence of the complement needed for a stance (the lexicon's scale).
const MIN_COMPLEMENT_VALENCE: f32 = 1.0;
/// An actor inside the object is judged less directly than the object itself.
const OBJECT_ACTOR_DISCOUNT: f32 = 0.85;

impl Extractor {
    /// "X characterized Y as Z" at predicative verb `verb` of segment `segment`.
    pub(crate) fn predication(
        &self,
        view: &View<'_>,
        segment: usize,
        verb: usize,
        findings: &mut Findings,
    ) {
        let range = view.sentence_range(segment);
        let Some((holder, confidence)) = view.verb_holder(verb, range.start) else {
            return;
        };
        let Some(as_token) = (verb + 1..(verb + AS_WINDOW).min(range.end))
            .find(|&j| view.tokens.get(j).is_some_and(|t| t.lower == "as"))
        else {
            return;
        };
        let Some(polarity) = self.complement_polarity(view, as_token, range.end) else {
            return;
        };
        let evidence = view.sentence_span(segment);
        let Some(holder_ref) = Self::entity_ref(view, holder) else {
            return;
        };
        let holder_entity = view
            .actors
            .get(holder)
            .map(|a| a.entity.as_str())
            .unwrap_or("");
        let trigger = view.tokens.get(verb).map(|t| t.span);
        // Actors inside the object ("China's export restrictions"): stance toward them,
        // unless an earlier rule already read this pair in the segment.
        let mut object_start = verb + 1;
        while object_start < as_token
            && view.tokens.get(object_start).is_some_and(|t| {
                t.actor.is_some() || matches!(t.lower.as_str(), "'s" | "’s" | "the")
            })
        {
            if let Some(a) = view.actor_at(object_start) {
                let target = Target::Actor {
                    id: a.entity.clone(),
                };
                if a.entity != holder_entity && !findings.has_pair(segment, &holder_ref, &target) {
                    let stance = self.stance(
                        holder_ref.clone(),
                        target,
                        polarity,
                        evidence,
                        trigger,
                        confidence * OBJECT_ACTOR_DISCOUNT,
                    );
                    findings.push_stance(stance, segment);
                }
            }
            object_start += 1;
        }
        // The rest of the object is the issue judged ("the export restrictions").
        if object_start < as_token {
            let (Some(first), Some(last)) =
                (view.tokens.get(object_start), view.tokens.get(as_token - 1))
            else {
                return;
            };
            let span = Span::new(first.span.start, last.span.end);
            let label = normalise_issue(view.doc.slice(span));
            if !label.is_empty() {
                let stance = self.stance(
                    holder_ref,
                    Target::Issue {
                        label,
                        span: Some(span),
                    },
                    polarity,
                    evidence,
                    trigger,
                    confidence,
                );
                findings.push_stance(stance, segment);
            }
        }
    }

    /// The polarity the words after "as" give (up to the clause's end), when strong enough.
    fn complement_polarity(
        &self,
        view: &View<'_>,
        as_token: usize,
        segment_end: usize,
    ) -> Option<Polarity> {
        let complement: Vec<&str> = (as_token + 1..segment_end)
            .map_while(|j| {
                view.tokens
                    .get(j)
                    .filter(|t| !matches!(t.lower.as_str(), ";" | "that" | "which" | "because"))
            })
            .map(|t| t.text)
            .filter(|w| !matches!(*w, "“" | "”" | "\""))
            .collect();
        let score = self.lexicon.score_words(complement.iter().copied());
        if score.abs() < MIN_COMPLEMENT_VALENCE {
            return None;
        }
        Some(if score > 0.0 {
            Polarity::Support
        } else {
            Polarity::Oppose
        })
    }
}

#[cfg(test)]
mod tests {
    use stancegraph_core::{ActorRef, Polarity, Span, Target};

    use crate::test_support::{named, opposes, pipeline_document, rule_findings};

    const TEXT: &str = "Angela Merkel described Vladimir Putin's latest policies as dangerous and reckless. Germany is worried.";

    #[test]
    fn described_as_gives_a_stance_toward_the_object_and_its_possessor() {
        let doc = pipeline_document(TEXT);
        let found = rule_findings(&doc, |x, view, out| x.trigger_rules(view, 0, out));
        let stances = named(&doc, &found.stances);
        assert!(
            opposes(&stances, "Angela Merkel", "Vladimir Putin"),
            "{stances:?}"
        );
        assert!(
            stances.iter().any(|(h, p, t)| h == "Angela Merkel"
                && *p == Polarity::Oppose
                && t.starts_with("issue:")
                && t.contains("polic")),
            "{stances:?}"
        );
    }

    #[test]
    fn a_favourable_complement_is_support() {
        let doc = pipeline_document(
            "Angela Merkel described Emmanuel Macron's reform plan as brave and excellent. France agreed.",
        );
        let found = rule_findings(&doc, |x, view, out| x.trigger_rules(view, 0, out));
        let stances = named(&doc, &found.stances);
        assert!(
            stances.iter().any(|(h, p, t)| h == "Angela Merkel"
                && *p == Polarity::Support
                && t == "Emmanuel Macron"),
            "{stances:?}"
        );
    }

    #[test]
    fn a_pair_read_earlier_in_the_sentence_is_not_read_again() {
        let doc = pipeline_document(TEXT);
        let id = |name: &str| {
            doc.entities
                .iter()
                .find(|e| e.canonical == name)
                .map(|e| e.id.clone())
                .unwrap_or_default()
        };
        let (holder, target) = (
            ActorRef::Entity {
                id: id("Angela Merkel"),
            },
            Target::Actor {
                id: id("Vladimir Putin"),
            },
        );
        let found = rule_findings(&doc, |x, view, out| {
            let earlier = x.stance(
                holder.clone(),
                target.clone(),
                Polarity::Support,
                Span::new(0, 10),
                None,
                0.5,
            );
            out.push_stance(earlier, 0);
            x.trigger_rules(view, 0, out);
        });
        let pair: Vec<_> = found
            .stances
            .iter()
            .filter(|s| s.holder == holder && s.target == target)
            .collect();
        assert_eq!(pair.len(), 1, "{pair:?}");
        assert_eq!(pair[0].polarity, Polarity::Support);
    }
}
