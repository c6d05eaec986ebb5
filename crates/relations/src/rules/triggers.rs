//! Trigger rules: a reporting or evaluative verb or noun from the lexicon ("criticised",
//! "threats", "met", "talks") with its holder and target gives a stance, an interaction
//! or both; passives ("was criticised by") swap the roles.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use stancegraph_core::{ActorRef, Polarity, Relation, RelationClass, Sign, Span, Target};

use crate::extract::findings::Findings;
use crate::extract::view::{Tok, View};
use crate::extract::Extractor;
use crate::issue::normalise_issue;
use crate::lexicon::Trigger;

/// Confidence of a holder found for a noun trigger ("US accusations").
const NOUN_HOLDER_CONFIDENCE: f32 = 0.65;
/// Confidence of a passive reading ("X was criticised by Y").
const PASSIVE_CONFIDENCE: f32 = 0.75;
/// A conflict trigger's target taken from elsewhere in the sentence is less certain.
const NEARBY_TARGET_DISCOUNT: f32 = 0.75;
/// A stance toward an issue phrase is less certain than one toward a named actor.
const ISSUE_DISCOUNT: f32 = 0.9;
/// Confidence of a meeting repeated from the last one named ("their planned meeting").
const REPEATED_MEETING_CONFIDENCE: f32 = 0.55;

/// One occurrence of a trigger word in a segment.
#[derive(Clone)]
struct Occurrence {
    trigger: Trigger,
    /// Document-level token index of the trigger word.
    token: usize,
    /// The trigger word's span.
    span: Span,
    /// The segment's token range and span (the evidence of what is read).
    range: Range<usize>,
    evidence: Span,
    segment: usize,
    is_noun: bool,
}

/// What one occurrence is read as: its holders, target actor, issue phrase and confidence.
struct Reading<'h> {
    holders: &'h [usize],
    target: Option<usize>,
    /// Actors listed with the target ("sued Deutsche Bank and Capital One").
    listed: &'h [usize],
    issue: Option<Span>,
    confidence: f32,
}

/// Holders of an occurrence, their confidence, and whether a plural pronoun ("their")
/// stood for them.
struct Holders {
    actors: Vec<usize>,
    confidence: f32,
    plural_pronoun: bool,
}

impl Extractor {
    /// Verb and noun triggers of segment `segment`: stances, interactions and evaluative
    /// predication.
    pub(crate) fn trigger_rules(&self, view: &View<'_>, segment: usize, findings: &mut Findings) {
        let range = view.sentence_range(segment);
        let evidence = view.sentence_span(segment);
        for i in range.clone() {
            let Some((tok, trigger)) = self.stated_trigger(view, &range, i) else {
                continue;
            };
            if trigger.predicative {
                self.predication(view, segment, i, findings);
                continue;
            }
            let occurrence = Occurrence {
                trigger,
                token: i,
                span: tok.span,
                range: range.clone(),
                evidence,
                segment,
                is_noun: tok.is_noun(),
            };
            if self.passive_rule(view, &occurrence, findings) {
                continue;
            }
            self.active_rule(view, &occurrence, findings);
        }
    }

    /// The trigger at token `i` when the text states it: a lexicon word in its role (verb
    /// or noun), not idiomatic ("in charge of"), not negated or refused ("did not
    /// criticise", "declined to blame"), not governing another trigger ("refused to
    /// criticise X": the infinitive's trigger decides).
    fn stated_trigger<'v>(
        &self,
        view: &'v View<'_>,
        range: &Range<usize>,
        i: usize,
    ) -> Option<(&'v Tok<'v>, Trigger)> {
        let tok = view.tokens.get(i)?;
        if tok.actor.is_some() || tok.place.is_some() {
            return None;
        }
        let is_noun = tok.is_noun();
        let trigger = self.lexicon.trigger(tok.text, is_noun)?;
        if !is_noun && tok.upos.is_some() && !tok.is_verb() {
            return None;
        }
        // "in charge of", "phone call": a noun trigger right after a preposition is idiomatic.
        if is_noun && i > range.start && view.tokens.get(i - 1).is_some_and(|t| t.lower == "in") {
            return None;
        }
        if view.trigger_withheld(i, range.start) {
            return None;
        }
        if trigger.stance.is_some() && view.governs_trigger_infinitive(i, &self.lexicon) {
            return None;
        }
        Some((tok, trigger))
    }

    /// The active reading: holders before the trigger, a target after it (or nearby for
    /// conflicts), the issue phrase after it.
    fn active_rule(&self, view: &View<'_>, at: &Occurrence, findings: &mut Findings) {
        let holders = holders_of(view, at);
        if holders.actors.is_empty() && !(at.trigger.symmetric && holders.plural_pronoun) {
            return;
        }
        let exclude: BTreeSet<&str> = holders
            .actors
            .iter()
            .filter_map(|&h| view.actors.get(h))
            .map(|a| a.entity.as_str())
            .collect();
        let (target, confidence) = target_of(view, at, &exclude, holders.confidence);
        // "dismissed those who have criticized Trump": the stance toward Trump is the
        // trigger's toward his critics, turned by theirs toward him; "defended the city
        // against Trump's attacks": against him.
        let relayed;
        let at = match (at.trigger.stance, target) {
            (Some(outer), Some(t)) => match self
                .relative_clause_stance(view, at, t)
                .map(|inner| compose(outer, inner))
                .or_else(|| against_before(view, at, t))
            {
                Some(stance) => {
                    relayed = Occurrence {
                        trigger: Trigger {
                            stance: Some(stance),
                            ..at.trigger
                        },
                        ..at.clone()
                    };
                    &relayed
                }
                None => at,
            },
            _ => at,
        };
        let issue = issue_of(view, at, target);
        if at.trigger.symmetric
            && holders.actors.len() < 2
            && target.is_none()
            && holders.plural_pronoun
        {
            self.repeat_last_meeting(view, at, findings);
            return;
        }
        let listed = target
            .map(|t| view.listed_after(t, at.range.end))
            .unwrap_or_default();
        let reading = Reading {
            holders: &holders.actors,
            target,
            listed: &listed,
            issue,
            confidence,
        };
        self.emit(view, at, &reading, findings);
    }

    /// The stance of a relative clause between the trigger and its target ("those who
    /// have criticized"): a stated stance trigger after "who" / "that", with no actor
    /// between the trigger and the relative pronoun.
    fn relative_clause_stance(
        &self,
        view: &View<'_>,
        at: &Occurrence,
        target: usize,
    ) -> Option<Polarity> {
        let first = view.actors.get(target)?.first;
        let relative = (at.token + 1..first).find(|&j| {
            view.tokens
                .get(j)
                .is_some_and(|t| matches!(t.lower.as_str(), "who" | "that"))
        })?;
        if (at.token + 1..relative).any(|j| view.tokens.get(j).is_some_and(|t| t.actor.is_some())) {
            return None;
        }
        (relative + 1..first)
            .find_map(|j| self.stated_trigger(view, &at.range, j))
            .and_then(|(_, trigger)| trigger.stance)
    }

    /// "their planned Malaysia meeting": the pair of the last meeting mentioned meets again.
    fn repeat_last_meeting(&self, view: &View<'_>, at: &Occurrence, findings: &mut Findings) {
        let Some(last) = findings
            .relations
            .iter()
            .rev()
            .find(|r| r.kind == "meet")
            .cloned()
        else {
            return;
        };
        let mut attributes = BTreeMap::new();
        if let Some(place) = view.meeting_place(at.token, at.range.end) {
            attributes.insert("location".to_string(), place);
        }
        findings.relations.push(self.interaction_at(
            at,
            "meet",
            last.source,
            last.target,
            Sign::Cooperation,
            attributes,
            REPEATED_MEETING_CONFIDENCE,
        ));
    }

    /// Writes the stances and interaction of one trigger occurrence: toward the target
    /// actor for each holder, and toward the issue when the trigger's object is a phrase.
    fn emit(
        &self,
        view: &View<'_>,
        at: &Occurrence,
        reading: &Reading<'_>,
        findings: &mut Findings,
    ) {
        let pairs = actor_pairs(at.trigger, reading.holders, reading.target);
        let listed_pairs = reading
            .holders
            .iter()
            .flat_map(|&h| reading.listed.iter().map(move |&t| (h, t)));
        for (h, t) in pairs.into_iter().chain(listed_pairs) {
            let (Some(holder), Some(target_id)) = (
                Self::entity_ref(view, h),
                view.actors.get(t).map(|a| a.entity.clone()),
            ) else {
                continue;
            };
            if holder
                == (ActorRef::Entity {
                    id: target_id.clone(),
                })
            {
                continue;
            }
            if let Some(polarity) = at.trigger.stance {
                let target = Target::Actor {
                    id: target_id.clone(),
                };
                self.push_stance_at(
                    at,
                    holder.clone(),
                    target,
                    polarity,
                    reading.confidence,
                    findings,
                );
            }
            if let Some((kind, sign)) = at.trigger.interaction {
                let attributes = interaction_attributes(view, at, kind, reading.issue);
                let target = Target::Actor { id: target_id };
                let relation = self.interaction_at(
                    at,
                    kind,
                    holder,
                    target,
                    sign,
                    attributes,
                    reading.confidence,
                );
                findings.relations.push(relation);
            }
        }
        self.issue_stances(view, at, reading, findings);
    }

    /// A stance on an issue when the trigger's object is a phrase, not an actor
    /// ("criticised the tariffs").
    fn issue_stances(
        &self,
        view: &View<'_>,
        at: &Occurrence,
        reading: &Reading<'_>,
        findings: &mut Findings,
    ) {
        let (Some(polarity), Some(span)) = (at.trigger.stance, reading.issue) else {
            return;
        };
        if !object_is_issue(view, reading.target, span) || names_instrument(at.trigger) {
            return;
        }
        let label = normalise_issue(view.doc.slice(span));
        if label.is_empty() {
            return;
        }
        for &h in reading.holders {
            if let Some(holder) = Self::entity_ref(view, h) {
                let target = Target::Issue {
                    label: label.clone(),
                    span: Some(span),
                };
                let confidence = reading.confidence * ISSUE_DISCOUNT;
                self.push_stance_at(at, holder, target, polarity, confidence, findings);
            }
        }
    }

    /// Records a stance read at an occurrence: its sentence is the evidence, its word the
    /// trigger.
    fn push_stance_at(
        &self,
        at: &Occurrence,
        holder: ActorRef,
        target: Target,
        polarity: Polarity,
        confidence: f32,
        findings: &mut Findings,
    ) {
        let stance = self.stance(
            holder,
            target,
            polarity,
            at.evidence,
            Some(at.span),
            confidence,
        );
        findings.push_stance(stance, at.segment);
    }

    /// An interaction read at an occurrence (its sentence the evidence, its word the
    /// trigger).
    #[allow(clippy::too_many_arguments)]
    fn interaction_at(
        &self,
        at: &Occurrence,
        kind: &str,
        source: ActorRef,
        target: Target,
        sign: Sign,
        attributes: BTreeMap<String, String>,
        confidence: f32,
    ) -> Relation {
        self.relation(
            RelationClass::Interaction,
            kind,
            source,
            target,
            sign,
            attributes,
            at.evidence,
            Some(at.span),
            confidence,
        )
    }
}

/// "defend the city against attacks by Trump": the target stands after "against" in the
/// trigger's object, so the act is against it, whatever the trigger's own stance.
fn against_before(view: &View<'_>, at: &Occurrence, target: usize) -> Option<Polarity> {
    let first = view.actors.get(target)?.first;
    (at.token + 1..first)
        .any(|j| view.tokens.get(j).is_some_and(|t| t.lower == "against"))
        .then_some(Polarity::Oppose)
}

/// A stance toward someone's stance toward a target, as a stance toward the target:
/// opposing an opponent is support.
fn compose(outer: Polarity, inner: Polarity) -> Polarity {
    match (outer, inner) {
        (Polarity::Neutral, _) | (_, Polarity::Neutral) => Polarity::Neutral,
        (a, b) if a == b => Polarity::Support,
        _ => Polarity::Oppose,
    }
}

/// The holders of an occurrence: an actor before a noun ("US accusations"), else the
/// clause subject; the subject of a verb.
fn holders_of(view: &View<'_>, at: &Occurrence) -> Holders {
    if at.is_noun {
        let (actors, plural_pronoun) =
            view.noun_holders(at.token, at.range.start, at.trigger.symmetric);
        return Holders {
            actors,
            confidence: NOUN_HOLDER_CONFIDENCE,
            plural_pronoun,
        };
    }
    match view.verb_holder(at.token, at.range.start) {
        Some((h, confidence)) => Holders {
            actors: vec![h],
            confidence,
            plural_pronoun: false,
        },
        None => Holders {
            actors: Vec::new(),
            confidence: 0.0,
            plural_pronoun: false,
        },
    }
}

/// The target actor of an occurrence and the confidence of the reading: the first actor
/// after the trigger; for a conflict trigger without one, another actor of the sentence.
fn target_of(
    view: &View<'_>,
    at: &Occurrence,
    exclude: &BTreeSet<&str>,
    confidence: f32,
) -> (Option<usize>, f32) {
    let i = at.token;
    let mut target = view.first_actor_right(i, at.range.end, exclude, at.trigger.symmetric);
    // "talks with X", "a meeting between X and Y": a symmetric noun needs its partner
    // introduced, or "negotiations of Trump's presidency" would make Trump a party.
    if at.trigger.symmetric && at.is_noun {
        target = target.filter(|&t| {
            let first = view.actors.get(t).map(|a| a.first).unwrap_or(i);
            (i + 1..first).any(|j| {
                view.tokens
                    .get(j)
                    .is_some_and(|x| matches!(x.lower.as_str(), "with" | "between"))
            })
        });
    }
    let is_conflict = at
        .trigger
        .interaction
        .is_some_and(|(_, s)| s == Sign::Conflict);
    if target.is_none() && is_conflict && at.trigger.stance.is_some() {
        return (
            view.other_actor_near(i, &at.range, exclude),
            confidence * NEARBY_TARGET_DISCOUNT,
        );
    }
    (target, confidence)
}

/// The issue phrase after the trigger, unless it is just the target actor's name.
fn issue_of(view: &View<'_>, at: &Occurrence, target: Option<usize>) -> Option<Span> {
    view.issue_after(at.token, at.range.end).filter(|span| {
        target.and_then(|t| view.actors.get(t)).is_none_or(|a| {
            !(a.span.start >= span.start
                && a.span.end <= span.end
                && span.end - span.start <= a.span.end - a.span.start + 4)
        })
    })
}

/// (holder, target) actor pairs of an occurrence: each holder with the target, else
/// coordinated holders of a symmetric event with each other ("Bessent and He Lifeng's
/// meeting").
fn actor_pairs(trigger: Trigger, holders: &[usize], target: Option<usize>) -> Vec<(usize, usize)> {
    match target {
        Some(t) => holders.iter().map(|&h| (h, t)).collect(),
        None if trigger.symmetric && holders.len() >= 2 => {
            holders.windows(2).map(|w| (w[0], w[1])).collect()
        }
        None => Vec::new(),
    }
}

/// The `issue` of an interaction (not of symmetric ones: "talks over tariffs" names the
/// agenda, not a side) and the `location` of meetings and negotiations.
fn interaction_attributes(
    view: &View<'_>,
    at: &Occurrence,
    kind: &str,
    issue: Option<Span>,
) -> BTreeMap<String, String> {
    let mut attributes = BTreeMap::new();
    if let Some(span) = issue.filter(|_| !at.trigger.symmetric) {
        attributes.insert("issue".to_string(), normalise_issue(view.doc.slice(span)));
    }
    if kind == "meet" || kind == "negotiate" {
        if let Some(place) = view.meeting_place(at.token, at.range.end) {
            attributes.insert("location".to_string(), place);
        }
    }
    attributes
}

/// The trigger's object is the issue phrase: there is no target actor, or the actor
/// comes after the phrase ("criticised the tariffs on China").
fn object_is_issue(view: &View<'_>, target: Option<usize>, issue: Span) -> bool {
    match target {
        None => true,
        Some(t) => view.actors.get(t).is_some_and(|a| a.span.start > issue.end),
    }
}

/// Threats, sanctions, accusations, meetings and negotiations name instruments or
/// agendas ("threatened tariffs"), not what the holder stands against.
fn names_instrument(trigger: Trigger) -> bool {
    matches!(
        trigger.interaction,
        Some(("threaten", _))
            | Some(("sanction", _))
            | Some(("accuse", _))
            | Some(("meet", _))
            | Some(("negotiate", _))
    )
}

mod passive;
#[cfg(test)]
mod tests;
