//! Quote rules: the stance of a quote's speaker toward each actor the quote names, from
//! the sentiment toward that actor (the NewsMTSC-trained classifier, else the lexicon).

use std::collections::BTreeSet;
use std::ops::Range;

use stancegraph_core::{ActorRef, Polarity, Span, Target};

use crate::extract::findings::Findings;
use crate::extract::view::{Actor, View};
use crate::extract::Extractor;

impl Extractor {
    /// Stances of quote speakers toward the actors their words name.
    pub(crate) fn quote_rules(&self, view: &View<'_>, findings: &mut Findings) {
        for quote in &view.doc.quotes {
            let ActorRef::Entity { id: speaker } = &quote.speaker else {
                continue;
            };
            let content = quote.content;
            let mut seen = BTreeSet::new();
            for actor in quoted_actors(view, content).iter().filter(|a| {
                a.span.start >= content.start
                    && a.span.end <= content.end
                    && !a.is_adjectival_group()
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
                let text = view.doc.slice(window);
                let local = (actor.span.start - window.start)..(actor.span.end - window.start);
                let Some((polarity, confidence)) = self.target_polarity(text, local) else {
                    continue;
                };
                // "that Xi may have been unaware of ...": an excuse, not an attack.
                if polarity == Polarity::Oppose && view.oppose_withheld(None, actor, &self.lexicon)
                {
                    continue;
                }
                let mut stance = self.stance(
                    quote.speaker.clone(),
                    Target::Actor {
                        id: actor.entity.clone(),
                    },
                    polarity,
                    content,
                    None,
                    confidence,
                );
                stance.quote = Some(quote.id.clone());
                findings.push_stance(stance, sentence);
            }
        }
    }

    /// Sentiment of `text` toward the words at `target` (model, else lexicon window).
    fn target_polarity(&self, text: &str, target: Range<usize>) -> Option<(Polarity, f32)> {
        if let Some(model) = &self.model {
            let probs = model.target.predict(&crate::features::target_features(
                text,
                target,
                &self.lexicon,
            ));
            let (neg, pos) = (
                probs.first().copied().unwrap_or(0.0),
                probs.get(2).copied().unwrap_or(0.0),
            );
            let threshold = model.target_threshold;
            return if pos >= threshold && pos > neg {
                Some((Polarity::Support, pos))
            } else if neg >= threshold && neg > pos {
                Some((Polarity::Oppose, neg))
            } else {
                None
            };
        }
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
        let found = rule_findings(&doc, |x, view, out| x.quote_rules(view, out));
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
