//! Phrases around a trigger: the issue it is about ("criticised the tariffs on Chinese
//! goods") and the place a meeting is held ("their Malaysia meeting", "talks in Madrid").

use stancegraph_core::Span;

use super::clause::CLAUSE_BREAKS;
use super::view::{Tok, View};

/// Determiners and modifiers an issue phrase may start with.
const NP_SKIP_START: &[&str] = &[
    "to", "the", "a", "an", "its", "their", "his", "her", "our", "what", "any", "such",
];

impl View<'_> {
    /// tariff on Chinese goods"), skipping "to <verb>" and determiners.
    pub fn issue_after(&self, token: usize, sentence_end: usize) -> Option<Span> {
        let mut i = token + 1;
        // "charges of hypocrisy", "talks over tariffs": the phrase after the preposition.
        if self.tokens.get(token).is_some_and(Tok::is_noun)
            && self.tokens.get(i).is_some_and(|t| {
                matches!(t.lower.as_str(), "of" | "about" | "over" | "on" | "against")
            })
        {
            i += 1;
        }
        // "threatening to impose X": skip the infinitive verb.
        if self.tokens.get(i).is_some_and(|t| t.lower == "to")
            && self
                .tokens
                .get(i + 1)
                .is_some_and(|t| t.is_verb() || t.upos.is_none())
        {
            i += 2;
        }
        while i < sentence_end
            && self
                .tokens
                .get(i)
                .is_some_and(|t| NP_SKIP_START.contains(&t.lower.as_str()))
        {
            i += 1;
        }
        let start = i;
        let mut end = i;
        let mut seen_noun = false;
        while end < sentence_end && end - start < 10 {
            let Some(t) = self.tokens.get(end) else { break };
            if t.is_punct() && t.text != "-" && t.text != "%" {
                break;
            }
            if CLAUSE_BREAKS.contains(&t.lower.as_str())
                || (t.is_verb() && !t.is_gerund() && seen_noun)
            {
                break;
            }
            if matches!(t.upos, Some("VERB") | Some("AUX")) && end == start {
                return None;
            }
            if t.is_noun() || t.upos.is_none() {
                seen_noun = true;
            }
            end += 1;
        }
        if !seen_noun || end == start {
            return None;
        }
        // Do not end on a preposition or conjunction.
        while end > start
            && self
                .tokens
                .get(end - 1)
                .is_some_and(|t| matches!(t.upos, Some("ADP") | Some("CCONJ") | Some("DET")))
        {
            end -= 1;
        }
        let first = self.tokens.get(start)?;
        let last = self.tokens.get(end.checked_sub(1)?)?;
        Some(Span::new(first.span.start, last.span.end))
    }

    /// The place named with a meeting: a LOC/GPE right before the noun ("Malaysia meeting")
    /// or after "in" ("meeting in Madrid").
    pub fn meeting_place(&self, token: usize, sentence_end: usize) -> Option<String> {
        let before = token
            .checked_sub(1)
            .and_then(|i| self.tokens.get(i))
            .and_then(|t| t.place);
        let after = (self.tokens.get(token + 1).is_some_and(|t| t.lower == "in")
            && token + 2 < sentence_end)
            .then(|| self.tokens.get(token + 2).and_then(|t| t.place))
            .flatten();
        before
            .or(after)
            .and_then(|p| self.places.get(p))
            .map(|(_, name)| name.clone())
    }
}
