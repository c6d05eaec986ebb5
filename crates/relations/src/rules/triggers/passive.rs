//! Passive triggers: "X was criticised by Y" gives Y's stance toward X; "X was fired
//! from the FBI" names no one who holds a stance, so X is no holder.

use super::{Occurrence, Reading, PASSIVE_CONFIDENCE};
use crate::extract::findings::Findings;
use crate::extract::view::View;
use crate::extract::Extractor;

/// Forms of "be" before a passive participle.
const PASSIVE_AUXILIARIES: &[&str] = &["was", "were", "been", "be", "is", "are", "being"];

/// Participles that, with the preposition after them, state their subject's own stance
/// ("was opposed to the deal", "is allied with Moscow"): not passives.
const STATE_PARTICIPLES: &[(&str, &[&str])] = &[("opposed", &["to"]), ("allied", &["with", "to"])];

impl Extractor {
    /// Reads a passive occurrence: with a "by" agent, each agent listed holds the stance
    /// toward the subject; without one, nothing is read. Returns whether the occurrence is
    /// passive (then no active reading is tried).
    pub(super) fn passive_rule(
        &self,
        view: &View<'_>,
        at: &Occurrence,
        findings: &mut Findings,
    ) -> bool {
        let i = at.token;
        if at.is_noun || !after_passive_auxiliary(view, at) {
            return false;
        }
        let next = view.tokens.get(i + 1).map(|t| t.lower.as_str());
        let participle = view.tokens.get(i).and_then(|t| t.xpos);
        if next != Some("by") {
            // "McCabe was fired from the FBI", "was charged with fraud": the subject is
            // the one done to. Only a tagged participle counts, and not one stating its
            // subject's own stance.
            let word = view.tokens.get(i).map(|t| t.lower.as_str());
            let states = STATE_PARTICIPLES
                .iter()
                .any(|(p, preps)| word == Some(*p) && next.is_some_and(|n| preps.contains(&n)));
            return participle == Some("VBN") && !states;
        }
        if participle.is_some_and(|x| x != "VBN") {
            return false;
        }
        let agent = agent_after_by(view, i + 1, at.range.end);
        let clause = view.clause_start(i, at.range.start);
        // "O'Connor, who was nominated by Bush": the relative pronoun stands for the
        // actor before it.
        let patient = view.nearest_actor_left(i, clause).or_else(|| {
            let pronoun = clause.checked_sub(1)?;
            let relative = view
                .tokens
                .get(pronoun)
                .is_some_and(|t| matches!(t.lower.as_str(), "who" | "which"));
            relative
                .then(|| view.nearest_actor_left(pronoun, at.range.start))
                .flatten()
        });
        if let (Some(agent), Some(patient)) = (agent, patient) {
            // "was sued by Texas and California": each agent listed holds the stance.
            let mut agents = vec![agent];
            agents.extend(view.listed_after(agent, at.range.end));
            let reading = Reading {
                holders: &agents,
                target: Some(patient),
                listed: &[],
                issue: None,
                confidence: PASSIVE_CONFIDENCE,
            };
            self.emit(view, at, &reading, findings);
        }
        true
    }
}

/// Whether a form of "be" comes right before the trigger, adverbs aside ("was also
/// nominated", "were sharply criticised").
fn after_passive_auxiliary(view: &View<'_>, at: &Occurrence) -> bool {
    let mut j = at.token;
    while j > at.range.start {
        j -= 1;
        let Some(t) = view.tokens.get(j) else {
            return false;
        };
        if PASSIVE_AUXILIARIES.contains(&t.lower.as_str()) {
            return true;
        }
        if t.upos != Some("ADV") {
            return false;
        }
    }
    false
}

/// The actor right after "by" ("by Nancy Pelosi", "by the Chinese government", "by former
/// President Obama"); none when a common noun comes first ("accused by unions of ...":
/// an actor named later is not the agent).
fn agent_after_by(view: &View<'_>, by: usize, end: usize) -> Option<usize> {
    for j in by + 1..end {
        let t = view.tokens.get(j)?;
        if let Some(a) = t.actor {
            let actor = view.actors.get(a)?;
            return (actor.first == j).then(|| view.person_after_modifier(a, end).unwrap_or(a));
        }
        let capitalised = t.text.chars().next().is_some_and(char::is_uppercase);
        if !(capitalised || matches!(t.upos, Some("DET" | "ADJ" | "NUM"))) {
            return None;
        }
    }
    None
}
