//! Negation, refusal, hedging and exculpation read on the view: the word-level checks of
//! [`crate::negation`] applied to the segment of a trigger or a target.

use crate::lexicon::Lexicon;
use crate::negation;

use super::view::{Actor, View};

impl View<'_> {
    /// Whether a negator or refusal before the trigger at `token` withholds it.
    pub fn trigger_withheld(&self, token: usize, sentence_start: usize) -> bool {
        let (words, start) = self.sentence_words(token);
        let clause = self.clause_start(token, sentence_start).max(start);
        negation::trigger_withheld(&words, token - start, clause - start).is_some()
    }

    /// "refused to criticise": a verb followed by "to" and another stance trigger.
    pub fn governs_trigger_infinitive(&self, token: usize, lexicon: &Lexicon) -> bool {
        self.tokens.get(token + 1).is_some_and(|t| t.lower == "to")
            && self.tokens.get(token + 2).is_some_and(|t| {
                lexicon
                    .trigger(t.text, t.is_noun())
                    .is_some_and(|x| x.stance.is_some())
            })
    }

    /// Whether an oppose reading toward `actor` is withheld in its sentence: the actor is
    /// excused or hedged about ("Xi may have been unaware"), or a stance trigger between
    /// `holder` and it is negated ("Bessent did not criticise Xi").
    pub fn oppose_withheld(
        &self,
        holder: Option<&Actor>,
        actor: &Actor,
        lexicon: &Lexicon,
    ) -> bool {
        let (words, start) = self.sentence_words(actor.first);
        let (first, end) = (actor.first - start, actor.last + 1 - start);
        if negation::oppose_withheld(&words, first, end).is_some() {
            return true;
        }
        let Some(holder) = holder.filter(|h| h.last < actor.first && h.first >= start) else {
            return false;
        };
        (holder.last + 1..actor.first).any(|j| {
            self.tokens.get(j).is_some_and(|t| {
                t.actor.is_none()
                    && lexicon
                        .trigger(t.text, t.is_noun())
                        .is_some_and(|x| x.stance.is_some())
                    && negation::trigger_withheld(&words, j - start, holder.last + 1 - start)
                        .is_some()
            })
        })
    }

    /// Whether the words after `actor` in its sentence deny its fault ("the president did
    /// nothing wrong"): whoever says so stands by the actor.
    pub fn target_defended(&self, actor: &Actor) -> bool {
        let (words, start) = self.sentence_words(actor.first);
        negation::target_defended(&words, actor.last + 1 - start)
    }

    /// "Bessent and He Lifeng's previous meeting": an actor joined by "and" to a possessor
    /// is a possessor too, not someone taking a stance.
    pub fn coordinated_possessor(&self, actor: &Actor) -> bool {
        self.tokens
            .get(actor.last + 1)
            .is_some_and(|t| t.lower == "and")
            && self
                .actor_at(actor.last + 2)
                .is_some_and(|next| next.possessive)
    }
}

#[cfg(test)]
mod tests {
    use crate::extract::view::View;
    use crate::test_support::{extractor, pipeline_document, token};

    #[test]
    fn a_negated_trigger_is_withheld_and_a_plain_one_is_not() {
        let doc = pipeline_document(
            "Angela Merkel did not criticise Vladimir Putin. Emmanuel Macron criticised him.",
        );
        let view = View::new(&doc);
        let negated = token(&view, "criticise");
        let plain = token(&view, "criticised");
        let second = view.sentence_range(1).start;
        assert!(view.trigger_withheld(negated, 0));
        assert!(!view.trigger_withheld(plain, second));
    }

    #[test]
    fn a_refusal_governs_the_trigger_after_it() {
        let doc = pipeline_document(
            "Angela Merkel refused to criticise Vladimir Putin. She spoke in Berlin.",
        );
        let view = View::new(&doc);
        let refused = token(&view, "refused");
        assert!(view.governs_trigger_infinitive(refused, &extractor().lexicon));
        assert!(!view.governs_trigger_infinitive(token(&view, "spoke"), &extractor().lexicon));
    }

    #[test]
    fn an_excused_target_withholds_opposition() {
        let doc = pipeline_document(
            "Angela Merkel said Vladimir Putin may have been unaware of the attack. Emmanuel Macron blamed Vladimir Putin.",
        );
        let view = View::new(&doc);
        let putin: Vec<_> = view
            .actors
            .iter()
            .filter(|a| doc.slice(a.span) == "Vladimir Putin")
            .collect();
        assert_eq!(putin.len(), 2);
        assert!(view.oppose_withheld(None, putin[0], &extractor().lexicon));
        assert!(!view.oppose_withheld(None, putin[1], &extractor().lexicon));
    }

    #[test]
    fn an_actor_coordinated_with_a_possessor_is_a_possessor() {
        let doc = pipeline_document(
            "Joe Biden and Xi Jinping's previous meeting went well. Joe Biden praised Xi Jinping.",
        );
        let view = View::new(&doc);
        let first = view.actors.first().expect("an actor");
        assert!(view.coordinated_possessor(first));
        let later = view
            .actors
            .iter()
            .rev()
            .find(|a| doc.slice(a.span) == "Joe Biden")
            .expect("Biden again");
        assert!(!view.coordinated_possessor(later));
    }
}
