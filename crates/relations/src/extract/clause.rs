//! Clause navigation: where a clause starts, who its subject is, and the holder and target
//! of a trigger word (found leftwards across appositions and participial clauses, and
//! rightwards up to the next clause break).

use std::collections::BTreeSet;
use std::ops::Range;

use stancegraph_core::EntityType;

use super::view::{Tok, View};

/// Antecedents of "who" that name nobody ("those who criticized", "anyone who"): the
/// relative clause's verb has no actor as its subject.
const GENERIC_ANTECEDENTS: &[&str] = &[
    "those",
    "anyone",
    "anybody",
    "everyone",
    "everybody",
    "someone",
    "somebody",
    "people",
    "others",
    "all",
    "many",
    "some",
    "few",
];

/// Auxiliaries and adverbs that may stand between a verb and its subject.
pub(crate) const SKIP_BEFORE_VERB: &[&str] = &[
    "has",
    "have",
    "had",
    "is",
    "was",
    "were",
    "are",
    "be",
    "been",
    "will",
    "would",
    "could",
    "should",
    "may",
    "might",
    "also",
    "reportedly",
    "publicly",
    "repeatedly",
    "sharply",
    "strongly",
    "again",
    "then",
    "recently",
    "just",
    "once",
    "already",
    "openly",
    "not",
    "never",
    "quickly",
    "immediately",
    "previously",
    "later",
    "has",
    "did",
    "does",
    "do",
];

/// Nouns of "in an attempt to", "in a bid to", "in order to": the infinitive after them
/// states the purpose of the clause's verb.
const PURPOSE_NOUNS: &[&str] = &[
    "attempt", "attempts", "effort", "efforts", "bid", "push", "order",
];

/// Words that open a new clause: a verb's subject is not looked for beyond them.
pub(crate) const CLAUSE_BREAKS: &[&str] = &[
    ";", "that", "which", "who", "because", "but", "while", "although", "though", "whereas",
    "when", "after", "before", "if", "since", "unless", "where", ":", "“", "”", "\"",
];

impl View<'_> {
    /// Whether `token` opens a new clause (see [`CLAUSE_BREAKS`]).
    pub fn is_break(&self, token: usize) -> bool {
        self.tokens
            .get(token)
            .is_some_and(|t| CLAUSE_BREAKS.contains(&t.lower.as_str()))
    }

    /// First token of the clause containing `token` (after the last clause break before it).
    pub fn clause_start(&self, token: usize, sentence_start: usize) -> usize {
        (sentence_start..token)
            .rev()
            .find(|&i| self.is_break(i))
            .map(|i| i + 1)
            .unwrap_or(sentence_start)
    }

    /// The actors of the clause subject: the first actor of the clause and those joined to it
    /// by "and" or commas ("Bessent and He Lifeng prepare ...").
    pub fn clause_subjects(&self, from: usize, to: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut i = from;
        while i < to {
            if let Some(a) = self.tokens.get(i).and_then(|t| t.actor) {
                if self.actors.get(a).is_some_and(|x| x.possessive) && out.is_empty() {
                    // "China's moves ..." — a possessor is not the subject.
                    i = self.actors.get(a).map(|x| x.last + 1).unwrap_or(i + 1);
                    continue;
                }
                // "US Treasury Secretary Scott Bessent": the person, not the country.
                let a = self.person_after_modifier(a, to).unwrap_or(a);
                out.push(a);
                let last = self.actors.get(a).map(|x| x.last).unwrap_or(i);
                let next = self.tokens.get(last + 1).map(|t| t.lower.as_str());
                let next_is_join = matches!(next, Some("and") | Some("&"));
                let after_join = self.tokens.get(last + 2).and_then(|t| t.actor);
                if next_is_join && after_join.is_some() {
                    i = last + 2;
                    continue;
                }
                break;
            }
            if self.tokens.get(i).is_none_or(Tok::is_verb) {
                break;
            }
            i += 1;
        }
        out
    }

    /// The person right after a country or nationality that modifies them ("Chinese
    /// Vice-Premier He Lifeng"), within four title words.
    pub fn person_after_modifier(&self, actor: usize, end: usize) -> Option<usize> {
        let a = self.actors.get(actor)?;
        if a.entity_type == EntityType::Per || a.possessive {
            return None;
        }
        (a.last + 1..(a.last + 5).min(end))
            .take_while(|&j| {
                self.tokens.get(j).is_some_and(|t| {
                    t.actor.is_some()
                        || t.text == "-"
                        || t.text.chars().next().is_some_and(char::is_uppercase)
                })
            })
            .find_map(|j| {
                self.tokens.get(j).and_then(|t| t.actor).filter(|&p| {
                    self.actors
                        .get(p)
                        .is_some_and(|p| p.entity_type == EntityType::Per)
                })
            })
    }

    /// Nearest actor ending before `token` within the clause, skipping possessors.
    pub fn nearest_actor_left(&self, token: usize, clause_start: usize) -> Option<usize> {
        let mut i = token;
        while i > clause_start {
            i -= 1;
            if let Some(a) = self.tokens.get(i).and_then(|t| t.actor) {
                let actor = self.actors.get(a)?;
                if !actor.possessive {
                    return Some(a);
                }
                i = actor.first;
            }
        }
        None
    }

    /// The holder of a verb trigger at `token`.
    pub fn verb_holder(&self, token: usize, sentence_start: usize) -> Option<(usize, f32)> {
        // "Trump sued the banks in an attempt to block ...": whoever sued attempts.
        if let Some(verb) = self.purpose_of(token, sentence_start) {
            return self.verb_holder(verb, sentence_start);
        }
        let mut prev = token;
        while prev > sentence_start {
            prev -= 1;
            if !self
                .tokens
                .get(prev)
                .is_some_and(Tok::is_skippable_before_verb)
            {
                break;
            }
        }
        let prev_tok = self.tokens.get(prev)?;
        if prev == token {
            return None;
        }
        match prev_tok.lower.as_str() {
            "who" => {
                // "Gidley dismissed those who criticized": "who" stands for "those".
                let generic = prev
                    .checked_sub(1)
                    .and_then(|i| self.tokens.get(i))
                    .is_some_and(|t| GENERIC_ANTECEDENTS.contains(&t.lower.as_str()));
                if generic {
                    return None;
                }
                return self
                    .nearest_actor_left(prev, sentence_start)
                    .map(|a| (a, 0.8));
            }
            "that" | "which" => return None,
            "," => {
                let trigger = self.tokens.get(token)?;
                if trigger.is_gerund() {
                    // "Trump responded ..., threatening to ...": the main clause's subject.
                    let subjects = self.clause_subjects(sentence_start, prev);
                    return subjects.first().map(|&a| (a, 0.7));
                }
                // "Cutler, vice-president of ..., challenged": skip the apposition.
                let open = (sentence_start..prev)
                    .rev()
                    .find(|&i| self.tokens.get(i).is_some_and(|t| t.text == ","));
                if let Some(open) = open {
                    return self
                        .nearest_actor_left(open, sentence_start)
                        .map(|a| (a, 0.75));
                }
                return self
                    .clause_subjects(sentence_start, prev)
                    .first()
                    .map(|&a| (a, 0.6));
            }
            _ => {}
        }
        let clause = self.clause_start(token, sentence_start);
        self.nearest_actor_left(token, clause).map(|a| (a, 0.8))
    }

    /// The verb whose purpose an infinitive at `token` states ("filed suit against the
    /// banks in an attempt to block", "in order to stop"): the last verb of the clause
    /// before the purpose phrase. Its actors (the banks) are not the infinitive's doer.
    fn purpose_of(&self, token: usize, sentence_start: usize) -> Option<usize> {
        let word = |i: usize| self.tokens.get(i).map(|t| t.lower.as_str());
        let mut to = token.checked_sub(1)?;
        while to > sentence_start && self.tokens.get(to)?.upos == Some("ADV") {
            to -= 1;
        }
        let noun = to.checked_sub(1)?;
        if word(to) != Some("to") || !word(noun).is_some_and(|w| PURPOSE_NOUNS.contains(&w)) {
            return None;
        }
        let determiner = matches!(
            noun.checked_sub(1).and_then(word),
            Some("a" | "an" | "the" | "their" | "his" | "her" | "its")
        );
        let in_at = if determiner {
            noun.checked_sub(2)?
        } else {
            noun.checked_sub(1)?
        };
        if in_at < sentence_start || word(in_at) != Some("in") {
            return None;
        }
        let clause = self.clause_start(in_at, sentence_start);
        (clause..in_at)
            .rev()
            .find(|&i| self.tokens.get(i).is_some_and(|t| t.upos == Some("VERB")))
    }

    /// The holder of a noun trigger: an actor right before it ("US accusations",
    /// "Beijing's threats"), else the clause subject.
    pub fn noun_holders(
        &self,
        token: usize,
        sentence_start: usize,
        symmetric: bool,
    ) -> (Vec<usize>, bool) {
        let mut pre = Vec::new();
        let mut plural_pronoun = false;
        let mut i = token;
        let mut steps = 0;
        while i > sentence_start && steps < 8 {
            i -= 1;
            steps += 1;
            let Some(t) = self.tokens.get(i) else { break };
            // Checked before actors: the entities stage may resolve "their" to one actor.
            if matches!(t.lower.as_str(), "their" | "our") {
                plural_pronoun = true;
                break;
            }
            if let Some(a) = t.actor {
                // "their planned Malaysia meeting": a place names where, not who.
                let place = symmetric
                    && self
                        .actors
                        .get(a)
                        .is_some_and(|x| x.entity_type == EntityType::Gpe && !x.possessive);
                if !pre.contains(&a) && !place {
                    pre.push(a);
                }
                continue;
            }
            if t.place.is_some() || matches!(t.lower.as_str(), "'s" | "’s" | "'" | "and") {
                continue;
            }
            if matches!(t.lower.as_str(), "their" | "our") {
                plural_pronoun = true;
                break;
            }
            let participle = matches!(t.xpos, Some("VBN") | Some("VBG"))
                || (t.upos == Some("VERB") && steps <= 3);
            if matches!(t.upos, Some("ADJ") | Some("NOUN") | Some("NUM"))
                || participle
                || (t.upos.is_none() && !t.is_punct() && steps < 3)
            {
                if t.is_noun() && pre.is_empty() && i + 1 < token {
                    break;
                }
                continue;
            }
            break;
        }
        if !pre.is_empty() {
            pre.reverse();
            return (pre, false);
        }
        let clause = self.clause_start(token, sentence_start);
        (self.clause_subjects(clause, token), plural_pronoun)
    }

    /// First actor after `token` in its clause; a nationality adjective right before a
    /// person ("Chinese Vice-Premier He Lifeng") gives way to the person.
    pub fn first_actor_right(
        &self,
        token: usize,
        sentence_end: usize,
        exclude: &BTreeSet<&str>,
        stop_at_comma: bool,
    ) -> Option<usize> {
        let mut i = token + 1;
        while i < sentence_end {
            let t = self.tokens.get(i)?;
            let quote_mark = matches!(t.lower.as_str(), "“" | "”" | "\"");
            if (CLAUSE_BREAKS.contains(&t.lower.as_str()) && !quote_mark)
                || (stop_at_comma && t.text == ",")
            {
                return None;
            }
            if let Some(a) = t.actor {
                let actor = self.actors.get(a)?;
                let located = self.is_located(a);
                if !exclude.contains(actor.entity.as_str()) && !located {
                    return Some(self.person_after_modifier(a, sentence_end).unwrap_or(a));
                }
                // "in Tel Aviv, Chicago and Athens": the places listed with a place.
                let listed = if located {
                    self.listed_after(a, sentence_end)
                } else {
                    Vec::new()
                };
                i = listed
                    .last()
                    .and_then(|&l| self.actors.get(l))
                    .map_or(actor.last, |l| l.last)
                    + 1;
                continue;
            }
            i += 1;
        }
        None
    }

    /// The actors listed after `actor` with it ("against Deutsche Bank and Capital One",
    /// "Pelosi, Schumer and Schiff"), before `end`. Only a list that closes with "and" or
    /// "or" counts, so an apposition ("Wendy Cutler, a former negotiator") adds no one.
    pub fn listed_after(&self, actor: usize, end: usize) -> Vec<usize> {
        let mut members = Vec::new();
        let Some(mut last) = self.actors.get(actor).map(|a| a.last) else {
            return members;
        };
        loop {
            let mut j = last + 1;
            let word = |j: usize| self.tokens.get(j).map(|t| t.lower.as_str());
            let mut closes = matches!(word(j), Some("and" | "or" | "&"));
            if word(j) == Some(",") {
                j += 1;
                closes = matches!(word(j), Some("and" | "or" | "&"));
            }
            if j == last + 1 && !closes {
                break;
            }
            if closes {
                j += 1;
            }
            if word(j) == Some("the") {
                j += 1;
            }
            let member = (j < end)
                .then(|| self.tokens.get(j).and_then(|t| t.actor))
                .flatten()
                .filter(|&a| {
                    self.actors
                        .get(a)
                        .is_some_and(|x| x.first == j && !x.possessive)
                });
            let Some(member) = member else {
                break;
            };
            let member = self.person_after_modifier(member, end).unwrap_or(member);
            members.push(member);
            if closes {
                return members;
            }
            let Some(next) = self.actors.get(member).map(|a| a.last) else {
                break;
            };
            last = next;
        }
        Vec::new()
    }

    /// "in Madrid", "at the White House": a place, not a participant.
    fn is_located(&self, actor: usize) -> bool {
        self.actors.get(actor).is_some_and(|a| {
            matches!(a.entity_type, EntityType::Gpe | EntityType::Loc)
                && a.first > 0
                && self
                    .tokens
                    .get(a.first - 1)
                    .is_some_and(|p| matches!(p.lower.as_str(), "in" | "at"))
        })
    }

    /// Another actor of the sentence near `token` (used when a conflict trigger has no
    /// actor after it: "responded to China's moves ..., threatening to impose tariffs").
    pub fn other_actor_near(
        &self,
        token: usize,
        range: &Range<usize>,
        exclude: &BTreeSet<&str>,
    ) -> Option<usize> {
        // Places ("in Tel Aviv, Chicago and Athens") are where, not whom.
        let places: BTreeSet<usize> = self
            .actors_in(range)
            .filter(|&i| self.is_located(i))
            .flat_map(|i| std::iter::once(i).chain(self.listed_after(i, range.end)))
            .collect();
        self.actors_in(range)
            .filter(|i| !places.contains(i))
            .filter_map(|i| self.actors.get(i).map(|a| (i, a)))
            .filter(|(_, a)| range.contains(&a.first) && !exclude.contains(a.entity.as_str()))
            .min_by_key(|(_, a)| a.first.abs_diff(token))
            .map(|(i, _)| i)
    }
}

#[cfg(test)]
mod tests {
    use crate::extract::view::View;
    use crate::test_support::{pipeline_document, token};

    fn name_of(view: &View<'_>, actor: usize) -> String {
        view.actors
            .get(actor)
            .map(|a| view.doc.slice(a.span).to_string())
            .unwrap_or_default()
    }

    #[test]
    fn the_holder_of_a_verb_skips_an_apposition() {
        let doc = pipeline_document(
            "Wendy Cutler, a former trade negotiator at the Asia Society, challenged Scott Bessent. He did not reply.",
        );
        let view = View::new(&doc);
        let verb = token(&view, "challenged");
        let (holder, _) = view.verb_holder(verb, 0).expect("a holder");
        assert_eq!(name_of(&view, holder), "Wendy Cutler");
        let target = view
            .first_actor_right(verb, view.sentence_range(0).end, &Default::default(), false)
            .expect("a target");
        assert_eq!(name_of(&view, target), "Scott Bessent");
    }

    #[test]
    fn a_participle_after_a_comma_takes_the_main_subject() {
        let doc = pipeline_document(
            "Donald Trump responded on Friday, threatening China with new tariffs. Markets fell.",
        );
        let view = View::new(&doc);
        let (holder, _) = view
            .verb_holder(token(&view, "threatening"), 0)
            .expect("a holder");
        assert_eq!(name_of(&view, holder), "Donald Trump");
    }

    #[test]
    fn coordinated_subjects_and_a_person_after_a_nationality() {
        let doc = pipeline_document(
            "US Treasury Secretary Scott Bessent and Chinese Vice-Premier He Lifeng held talks in Madrid. The talks went well.",
        );
        let view = View::new(&doc);
        let subjects: Vec<String> = view
            .clause_subjects(0, token(&view, "held"))
            .into_iter()
            .map(|a| name_of(&view, a))
            .collect();
        assert_eq!(
            subjects,
            ["Scott Bessent", "He Lifeng"],
            "{:?}",
            doc.entities
        );
    }

    #[test]
    fn a_list_after_an_actor_needs_its_closing_and() {
        let doc = pipeline_document(
            "Donald Trump sued Deutsche Bank and Capital One on Monday. Wendy Cutler, a former negotiator, criticised Nancy Pelosi, Chuck Schumer and Adam Schiff.",
        );
        let view = View::new(&doc);
        let end = view.sentence_range(1).end;
        let listed = |name: &str| -> Vec<String> {
            let first = token(&view, name);
            let actor = view.tokens[first].actor.expect("an actor");
            view.listed_after(actor, end)
                .into_iter()
                .map(|a| name_of(&view, a))
                .collect()
        };
        assert_eq!(listed("deutsche"), ["Capital One"]);
        assert_eq!(listed("nancy"), ["Chuck Schumer", "Adam Schiff"]);
        assert!(listed("wendy").is_empty(), "an apposition is no list");
        assert!(listed("adam").is_empty());
    }

    #[test]
    fn a_purpose_infinitive_is_done_by_the_subject_of_its_verb() {
        let doc = pipeline_document(
            "Donald Trump has filed suit against Deutsche Bank and Capital One in an attempt to block the subpoenas. The banks declined to comment.",
        );
        let view = View::new(&doc);
        let (holder, _) = view
            .verb_holder(token(&view, "block"), 0)
            .expect("a holder");
        assert_eq!(name_of(&view, holder), "Donald Trump");
    }

    #[test]
    fn a_clause_starts_after_its_break() {
        let doc = pipeline_document(
            "Scott Bessent said that China had criticised the tariffs. He left early.",
        );
        let view = View::new(&doc);
        let verb = token(&view, "criticised");
        assert_eq!(view.clause_start(verb, 0), token(&view, "that") + 1);
        let (holder, _) = view.verb_holder(verb, 0).expect("a holder");
        assert_eq!(name_of(&view, holder), "China");
    }
}
