//! Quote rules: the stance of a quote's speaker toward each actor the quote names, from
//! the sentiment toward that actor (the NewsMTSC-trained classifier, else the lexicon).

use std::collections::BTreeSet;

use stancegraph_core::{ActorRef, Polarity, Quote, Span, Target};

use crate::error::RelationsError;
use crate::extract::findings::Findings;
use crate::extract::view::{Actor, View};
use crate::extract::Extractor;
use crate::lexicon::Lexicon;
use crate::scorer::{expect_len, TargetQuery};

/// One actor a quote names, with the text the sentiment reader sees.
struct Named<'v> {
    quote: &'v Quote,
    actor: &'v Actor,
    /// Segment of the actor's sentence.
    sentence: usize,
    /// The part of the quote in the actor's sentence, and the actor's bytes in it.
    query: TargetQuery<'v>,
}

impl Extractor {
    /// Stances of quote speakers toward the actors their words name. The sentiment toward
    /// every named actor of the document is read in one call to the target scorer.
    pub(crate) fn quote_rules(
        &self,
        view: &View<'_>,
        findings: &mut Findings,
    ) -> Result<(), RelationsError> {
        let named = named_actors(view);
        let readings = self.target_polarities(view, &named)?;
        for (named, reading) in named.iter().zip(readings) {
            let Some((polarity, confidence)) = reading else {
                continue;
            };
            let (quote, actor) = (named.quote, named.actor);
            // "I commend Bob Mueller's office for correcting the false story": the
            // speaker's own verb says where they stand, whatever else the sentence says.
            let polarity = first_person_stance(view, &self.lexicon, named).unwrap_or(polarity);
            // "the president did nothing wrong": the reader sees "wrong", the speaker
            // defends.
            let polarity = if polarity == Polarity::Oppose && view.target_defended(actor) {
                Polarity::Support
            } else {
                polarity
            };
            // "denied that Craig broke the law": the speaker stands against what the
            // content says of Craig.
            let polarity = if denies(view, quote) {
                opposite(polarity)
            } else {
                polarity
            };
            // "that Xi may have been unaware of ...": an excuse, not an attack.
            if polarity == Polarity::Oppose && view.oppose_withheld(None, actor, &self.lexicon) {
                continue;
            }
            let mut stance = self.stance(
                quote.speaker.clone(),
                Target::Actor {
                    id: actor.entity.clone(),
                },
                polarity,
                quote.content,
                None,
                confidence,
            );
            stance.quote = Some(quote.id.clone());
            findings.push_stance(stance, named.sentence);
        }
        Ok(())
    }

    /// Sentiment toward each named actor (the target scorer, else a lexicon window).
    fn target_polarities(
        &self,
        view: &View<'_>,
        named: &[Named<'_>],
    ) -> Result<Vec<Option<(Polarity, f32)>>, RelationsError> {
        let Some(scorer) = self.target_scorer() else {
            return Ok(named
                .iter()
                .map(|n| self.lexicon_polarity(n.query.sentence))
                .collect());
        };
        let scorer = scorer.get();
        if named.is_empty() {
            return Ok(Vec::new());
        }
        let queries: Vec<TargetQuery<'_>> = named.iter().map(|n| n.query.clone()).collect();
        let probs = scorer.score_targets(&view.doc.id, &queries)?;
        expect_len(&view.doc.id, "target", probs.len(), queries.len())?;
        let threshold = scorer.threshold();
        Ok(probs
            .into_iter()
            .map(|[neg, _, pos]| {
                if pos >= threshold && pos > neg {
                    Some((Polarity::Support, pos))
                } else if neg >= threshold && neg > pos {
                    Some((Polarity::Oppose, neg))
                } else {
                    None
                }
            })
            .collect())
    }

    /// Sentiment of `text` from the lexicon alone (no model).
    fn lexicon_polarity(&self, text: &str) -> Option<(Polarity, f32)> {
        let words = crate::features::words(text);
        let score = self.lexicon.score_words(words.iter().map(|w| w.text));
        (score.abs() >= 1.5).then_some({
            (
                if score > 0.0 {
                    Polarity::Support
                } else {
                    Polarity::Oppose
                },
                0.5,
            )
        })
    }
}

/// One actor a quote names, as the target scorer reads it (for training that reader on
/// quotes: `seesaw::pipeline_quote_examples`).
pub(crate) struct QuotedTarget<'v> {
    /// Entity ids of the quote's speaker and of the named actor.
    pub speaker: &'v str,
    pub target: &'v str,
    /// Byte offset of the actor's mention in the document.
    pub offset: usize,
    pub query: TargetQuery<'v>,
    /// Whether the quote's cue denies its content: the rule turns the reader's reading.
    pub denied: bool,
}

/// Every actor the document's quotes name, with the query the quote rule scores.
pub(crate) fn quoted_targets<'v>(view: &'v View<'_>) -> Vec<QuotedTarget<'v>> {
    named_actors(view)
        .into_iter()
        .filter_map(|named| {
            let ActorRef::Entity { id: speaker } = &named.quote.speaker else {
                return None;
            };
            Some(QuotedTarget {
                speaker,
                target: &named.actor.entity,
                offset: named.actor.span.start,
                query: named.query,
                denied: denies(view, named.quote),
            })
        })
        .collect()
}

/// Cues by which a speaker rejects the content they report ("denied that …").
const DENIAL_CUES: &[&str] = &[
    "deny",
    "denied",
    "denies",
    "denying",
    "dispute",
    "disputed",
    "disputes",
    "disputing",
    "refute",
    "refuted",
    "refutes",
    "rebut",
    "rebutted",
    "dismiss",
    "dismissed",
    "dismisses",
    "reject",
    "rejected",
    "rejects",
];

/// Whether the quote's cue denies its (reported) content.
fn denies(view: &View<'_>, quote: &Quote) -> bool {
    let Some(cue) = quote.cue.filter(|cue| cue.end <= quote.content.start) else {
        return false;
    };
    let first = view.tokens.partition_point(|t| t.span.start < cue.start);
    view.tokens[first..]
        .iter()
        .take_while(|t| t.span.end <= cue.end)
        .any(|t| DENIAL_CUES.contains(&t.lower.as_str()))
}

fn opposite(polarity: Polarity) -> Polarity {
    match polarity {
        Polarity::Support => Polarity::Oppose,
        Polarity::Oppose => Polarity::Support,
        Polarity::Neutral => Polarity::Neutral,
    }
}

/// The stance of a first-person stance verb right before the named actor inside its
/// quote's content ("I commend Bob Mueller", "we strongly condemn Iran"), unless negated
/// ("I do not blame him"). Up to three words may stand between verb and actor, none of them
/// another actor or a clause break.
fn first_person_stance(view: &View<'_>, lexicon: &Lexicon, named: &Named<'_>) -> Option<Polarity> {
    let (actor, content) = (named.actor, named.quote.content);
    let is_pronoun = |i: usize| {
        view.tokens
            .get(i)
            .is_some_and(|t| matches!(t.lower.as_str(), "i" | "we"))
    };
    for verb in (actor.first.saturating_sub(4)..actor.first).rev() {
        let token = view.tokens.get(verb)?;
        let breaks = matches!(token.lower.as_str(), "," | ";" | ":" | "." | "that" | "who");
        if token.span.start < content.start || token.actor.is_some() || breaks {
            return None;
        }
        let Some(stance) = lexicon
            .trigger(token.text, token.is_noun())
            .and_then(|t| t.stance)
        else {
            continue;
        };
        let before = verb.checked_sub(1)?;
        let adverb = view
            .tokens
            .get(before)
            .is_some_and(|t| t.upos == Some("ADV"));
        let first_person =
            is_pronoun(before) || (adverb && before.checked_sub(1).is_some_and(is_pronoun));
        // The negator is looked for from the actor's segment on, not the document's start.
        let withheld = view.trigger_withheld(verb, view.sentence_range(named.sentence).start);
        return (first_person && !withheld).then_some(stance);
    }
    None
}

/// Every (quote, actor it names) of the document whose speaker is an entity, one per
/// quote and entity, in quote order.
fn named_actors<'v>(view: &'v View<'_>) -> Vec<Named<'v>> {
    let mut named = Vec::new();
    for quote in &view.doc.quotes {
        let ActorRef::Entity { id: speaker } = &quote.speaker else {
            continue;
        };
        let content = quote.content;
        let mut seen = BTreeSet::new();
        for actor in quoted_actors(view, content).iter().filter(|a| {
            a.span.start >= content.start && a.span.end <= content.end && !a.is_adjectival_group()
        }) {
            if &actor.entity == speaker || !seen.insert(actor.entity.clone()) {
                continue;
            }
            // The sentiment classifier reads one sentence (as NewsMTSC does): the part
            // of the quote in the actor's sentence.
            // (A piece of an overlong sentence: see `MAX_SEGMENT_TOKENS`.)
            let sentence = view.segment_of(
                view.doc
                    .sentences
                    .partition_point(|s| s.span.end <= actor.span.start),
                actor.first,
            );
            let sentence_span = Some(view.sentence_span(sentence))
                .filter(|s| s.start <= actor.span.start && actor.span.end <= s.end)
                .unwrap_or(content);
            let window = Span::new(
                sentence_span.start.max(content.start),
                sentence_span.end.min(content.end),
            );
            named.push(Named {
                quote,
                actor,
                sentence,
                query: TargetQuery {
                    sentence: view.doc.slice(window),
                    target: (actor.span.start - window.start)..(actor.span.end - window.start),
                },
            });
        }
    }
    named
}

/// The actors whose mention starts inside `content` (every actor when mentions come out
/// of text order; the caller checks containment).
fn quoted_actors<'v>(view: &'v View<'_>, content: Span) -> &'v [Actor] {
    if !view.actors_sorted {
        return &view.actors[..];
    }
    let first = view
        .actors
        .partition_point(|a| a.span.start < content.start);
    let end = view.actors.partition_point(|a| a.span.start < content.end);
    view.actors.get(first..end.max(first)).unwrap_or(&[])
}

#[cfg(test)]
mod tests {
    use stancegraph_core::Polarity;

    use crate::test_support::{named, opposes, pipeline_document, rule_findings};

    fn quote_stances(text: &str) -> Vec<(String, Polarity, String)> {
        let doc = pipeline_document(text);
        let found = rule_findings(&doc, |x, view, out| {
            x.quote_rules(view, out).expect("linear scorer")
        });
        assert!(
            found.stances.iter().all(|s| s.quote.is_some()),
            "quote stances name their quote"
        );
        named(&doc, &found.stances)
    }

    #[test]
    fn a_hostile_quote_is_opposition_toward_whom_it_names() {
        let found = quote_stances(
            "Angela Merkel said Vladimir Putin was a dangerous liar who had betrayed Europe. Russia denied it.",
        );
        assert!(
            opposes(&found, "Angela Merkel", "Vladimir Putin"),
            "{found:?}"
        );
    }

    #[test]
    fn a_warm_quote_is_support() {
        let found = quote_stances(
            "Donald Trump said he has a very good relationship with Xi Jinping. The two leaders will meet.",
        );
        assert!(
            found.iter().any(|(h, p, t)| h == "Donald Trump"
                && *p == Polarity::Support
                && t == "Xi Jinping"),
            "{found:?}"
        );
    }

    #[test]
    fn denying_an_accusation_is_no_opposition() {
        let found = quote_stances(
            "Angela Merkel denied that Vladimir Putin was a dangerous liar who had betrayed Europe. Russia welcomed the remark.",
        );
        assert!(
            !opposes(&found, "Angela Merkel", "Vladimir Putin"),
            "{found:?}"
        );
        assert!(
            found.iter().any(|(h, p, t)| h == "Angela Merkel"
                && *p == Polarity::Support
                && t == "Vladimir Putin"),
            "denying that someone did wrong stands by them: {found:?}"
        );
    }

    #[test]
    fn a_quote_denying_fault_stands_by_the_actor() {
        let found = quote_stances(
            "\u{201c}Despite weeks of hearings, Donald Trump did nothing wrong,\u{201d} Stephanie Grisham said. The hearings go on.",
        );
        assert!(
            !opposes(&found, "Stephanie Grisham", "Donald Trump"),
            "{found:?}"
        );
    }

    #[test]
    fn the_speakers_own_stance_verb_decides_the_quote() {
        let found = quote_stances(
            "\u{201c}I commend Robert Mueller for exposing the lies, the corruption and the disgraceful, horrible attacks,\u{201d} Rudy Giuliani said. \u{201c}We never blame Nancy Pelosi for the good, honest and wonderful work,\u{201d} he added.",
        );
        assert!(
            found.iter().any(|(h, p, t)| h == "Rudy Giuliani"
                && *p == Polarity::Support
                && t == "Robert Mueller"),
            "{found:?}"
        );
        assert!(
            !opposes(&found, "Rudy Giuliani", "Nancy Pelosi"),
            "a negated verb says nothing: {found:?}"
        );
    }

    #[test]
    fn an_exculpating_quote_is_no_opposition() {
        let found = quote_stances(
            "Angela Merkel said that Vladimir Putin may have been unaware of the attack. Russia welcomed the remark.",
        );
        assert!(
            !opposes(&found, "Angela Merkel", "Vladimir Putin"),
            "{found:?}"
        );
    }
}
