//! Coreference: descriptions ("the President", "the Treasury Secretary") resolved to the
//! person holding a matching role, and pronouns (he, she, they) to the nearest fitting
//! entity mentioned before.

use std::collections::HashMap;

use stancegraph_core::{EntityType, Gender, MentionKind};

use super::{State, Work, RESOLVE_STAGE};
use crate::lexicon::{category, Pronoun};

/// How many earlier mentions a pronoun weighs at most.
const MAX_PRONOUN_LOOKBACK: usize = 200;

impl<'r, 'd> State<'r, 'd> {
    /// "the President", "the Treasury Secretary", "the negotiator": a description resolved to
    /// the latest person holding a matching role.
    pub(super) fn nominal_mentions(&mut self) {
        let mut found = Vec::new();
        for i in 0..self.table.len() {
            if self.lower(i) != "the" {
                continue;
            }
            let mut end = i + 1;
            while end < self.table.len() && end - i <= 4 && self.same_sentence(end, i) {
                let lower = self.lower(end);
                if self.lexicon().categories(lower) & category::TITLE == 0
                    && !self.lexicon().is_department(lower)
                    && !self.lexicon().is_description_modifier(lower)
                {
                    break;
                }
                end += 1;
            }
            if end == i + 1 || self.mention_at_token(i + 1).is_some() {
                continue;
            }
            let Some(title) = self.title_in(i + 1..end, false) else {
                continue;
            };
            if title.end != end {
                continue;
            }
            // "the President Donald Trump" is a premodifier; "the president of France" names another.
            let next = self.word(end);
            if self.mention_at_token(end).is_some() || next == "of" {
                continue;
            }
            let head = self.lower(end - 1);
            found.push((i..end, head));
        }
        // Indexes instead of scans per description: the people holding each title head
        // (roles do not change below), and each entity's mention starts, kept sorted.
        let mut holders: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, e) in self.entities.iter().enumerate() {
            if e.entity_type != EntityType::Per {
                continue;
            }
            for r in &e.roles {
                let lower = r.title.to_lowercase();
                if let Some(last) = lower.split([' ', '-']).next_back() {
                    let owners = holders.entry(last.to_string()).or_default();
                    if owners.last() != Some(&i) {
                        owners.push(i);
                    }
                }
            }
        }
        let mut starts_of: HashMap<usize, Vec<usize>> = HashMap::new();
        for w in &self.mentions {
            if let Some(e) = w.entity {
                starts_of.entry(e).or_default().push(w.span.start);
            }
        }
        for starts in starts_of.values_mut() {
            starts.sort_unstable();
        }
        for (range, head) in found {
            let start_byte = self.span_of(range.clone()).map_or(0, |s| s.start);
            // (mentions before the description, start of the latest of them)
            let before = |e: usize| {
                let starts = starts_of.get(&e)?;
                let count = starts.partition_point(|&s| s < start_byte);
                let at = *starts.get(count.checked_sub(1)?)?;
                Some((count, at))
            };
            let candidate = holders
                .get(head)
                .map(Vec::as_slice)
                .unwrap_or(&[])
                .iter()
                .filter_map(|&i| before(i).map(|found| (i, found)))
                // The most mentioned holder of the title so far, then the latest.
                .max_by_key(|&(_, found)| found)
                .map(|(i, _)| i);
            let Some(entity) = candidate else { continue };
            let Some(work) = self.work(
                range,
                EntityType::Per,
                MentionKind::Nominal,
                0.8,
                RESOLVE_STAGE,
            ) else {
                continue;
            };
            let start = work.span.start;
            self.push_assigned(work, entity, "title", 0.8);
            let starts = starts_of.entry(entity).or_default();
            starts.insert(starts.partition_point(|&s| s <= start), start);
        }
        self.sort_mentions();
    }

    /// Whether the mention over `tokens` is the subject of its clause (by its last token).
    fn is_subject(&self, tokens: std::ops::Range<usize>) -> bool {
        tokens
            .end
            .checked_sub(1)
            .is_some_and(|last| self.doc.is_subject(last))
    }

    /// he/she/they resolved to the nearest fitting entity mentioned before (a singular
    /// pronoun in a later sentence to the nearest that was a subject, see the loop).
    pub(super) fn pronoun_mentions(&mut self) {
        let mut added = Vec::new();
        let genders = self.entity_genders();
        // Name mentions so far per entity, advanced with the pronouns (plural salience).
        let mut named_so_far: HashMap<usize, usize> = HashMap::new();
        let mut counted = 0;
        // Singular pronouns resolved so far: (token, entity, whether a subject, whether
        // "she").
        let mut resolved_singular: Vec<(usize, usize, bool, bool)> = Vec::new();
        for i in 0..self.table.len() {
            let lower = self.lower(i);
            if !self.is_pronoun(lower) || self.mention_at_token(i).is_some() {
                continue;
            }
            let Some(span) = self.table.span(i) else {
                continue;
            };
            let pronoun = self.lexicon().pronoun(lower);
            let plural = pronoun == Some(Pronoun::Plural);
            let female = pronoun == Some(Pronoun::Female);
            let sentence = self.table.sentence(i).unwrap_or(0);
            let mut best: Option<(usize, f32)> = None;
            // Plural pronouns weigh every fitting candidate of the window by how often the
            // document has named it so far: in "… ISS challenging Tesla … the President
            // said, “They want to meet”", they are the story's China, not the last company.
            let mut plural_candidates: Vec<(usize, f32, usize)> = Vec::new();
            // Mentions are sorted by start: those before the pronoun.
            let earlier = self
                .mentions
                .get(..self.mentions.partition_point(|w| w.span.start < span.start))
                .unwrap_or(&[]);
            for work in earlier.get(counted..).unwrap_or(&[]) {
                if let (Some(e), false) = (work.entity, work.kind == MentionKind::Pronoun) {
                    *named_so_far.entry(e).or_default() += 1;
                }
            }
            counted = earlier.len();
            // Singular pronouns fit persons of their gender: (token, entity, sentence,
            // whether a subject), nearest first.
            let mut singular_candidates: Vec<(usize, usize, u32, bool)> = Vec::new();
            // A bounded look back keeps a pronoun flood linear (the sentence window bounds
            // it on real text; a text without sentence breaks needs this).
            for work in earlier
                .iter()
                .rev()
                .take(MAX_PRONOUN_LOOKBACK)
                .filter(|w| w.span.end <= span.start)
            {
                let Some(entity) = work
                    .entity
                    .and_then(|e| self.entities.get(e).map(|x| (e, x)))
                else {
                    continue;
                };
                let token_sentence = self.table.sentence(work.tokens.start).unwrap_or(0);
                // Singular pronouns look three sentences back; plural ones, weighed by
                // salience, look further.
                if sentence.saturating_sub(token_sentence) > if plural { 8 } else { 3 } {
                    break;
                }
                if !plural {
                    let fits = entity.1.entity_type == EntityType::Per
                        // A person of unknown gender fits either pronoun.
                        && match genders.get(entity.0).copied().unwrap_or(Gender::Unknown) {
                            Gender::Female => female,
                            Gender::Male => !female,
                            Gender::Unknown => true,
                        };
                    if fits {
                        let subject = self.is_subject(work.tokens.clone());
                        singular_candidates.push((
                            work.tokens.start,
                            entity.0,
                            token_sentence,
                            subject,
                        ));
                    }
                    continue;
                }
                // A nationality used as an adjective ("Leninist business model", "Chinese
                // goods") names no group that could be "they".
                let modifier = entity.1.entity_type == EntityType::Norp
                    && self
                        .tokens()
                        .get(work.tokens.end)
                        .is_some_and(|t| matches!(t.upos.as_deref(), Some("NOUN" | "PROPN")));
                let fits = !modifier
                    && matches!(
                        entity.1.entity_type,
                        EntityType::Gpe | EntityType::Org | EntityType::Norp
                    );
                if fits && !plural_candidates.iter().any(|c| c.0 == entity.0) {
                    let confidence = if token_sentence == sentence { 0.7 } else { 0.6 };
                    let named = named_so_far.get(&entity.0).copied().unwrap_or(0);
                    plural_candidates.push((entity.0, confidence, named));
                }
            }
            if !plural {
                // Pronouns of the same form resolved before stand for their person ("Vickers
                // said he … He said … his father's friend, Martin Legere … he said").
                // Bounded as the mentions are: by the oldest candidate, the three-sentence
                // window and the look-back count (a flood of pronouns stays linear).
                let oldest = singular_candidates.last().map_or(0, |c| c.0);
                let within_window = |token: usize| {
                    self.table
                        .sentence(token)
                        .filter(|&at| sentence.saturating_sub(at) <= 3)
                };
                singular_candidates.extend(
                    resolved_singular
                        .iter()
                        .rev()
                        .take(MAX_PRONOUN_LOOKBACK)
                        .take_while(|&&(token, ..)| {
                            token >= oldest && within_window(token).is_some()
                        })
                        .filter(|&&(_, _, _, was_female)| was_female == female)
                        .filter_map(|&(token, entity, subject, _)| {
                            Some((token, entity, within_window(token)?, subject))
                        }),
                );
                singular_candidates.sort_by_key(|c| std::cmp::Reverse(c.0));
                best = nearest_subject_first(&singular_candidates, sentence);
            }
            // "Bessent and He Lifeng prepare for their meeting": a plural pronoun after
            // people joined by "and" in its own sentence refers to them together, which
            // no single entity stands for.
            let joined_people = plural && {
                let in_sentence = |w: &&Work| self.table.sentence(w.tokens.start) == Some(sentence);
                let mut people: Vec<&Work> = earlier
                    .iter()
                    .rev()
                    .take_while(in_sentence)
                    .filter(|w| w.entity_type == EntityType::Per && w.kind != MentionKind::Pronoun)
                    .collect();
                people.reverse();
                people.windows(2).any(|pair| {
                    (pair[0].tokens.end..pair[1].tokens.start).any(|k| self.lower(k) == "and")
                })
            };
            if joined_people {
                plural_candidates.clear();
            }
            if plural {
                // Most named first; among equals the nearest (candidates are in order of
                // distance, and `max_by_key` keeps the last maximum, hence the reversal).
                best = plural_candidates
                    .iter()
                    .rev()
                    .max_by_key(|c| c.2)
                    .map(|c| (c.0, c.1));
            }
            if let Some((entity, confidence)) = best {
                let entity_type = self.entities[entity].entity_type;
                added.push((i, entity, entity_type, confidence));
                if !plural {
                    resolved_singular.push((i, entity, self.is_subject(i..i + 1), female));
                }
            }
        }
        for (i, entity, entity_type, confidence) in added {
            let Some(work) = self.work(
                i..i + 1,
                entity_type,
                MentionKind::Pronoun,
                0.9,
                RESOLVE_STAGE,
            ) else {
                continue;
            };
            self.push_assigned(work, entity, "pronoun", confidence);
        }
        self.sort_mentions();
    }
}

/// The person a singular pronoun in sentence `sentence` refers to, from `candidates`
/// (token, entity, sentence, whether a subject; nearest first), with a confidence: in its
/// own sentence the nearest; before it, the nearest subject of the latest sentence naming a
/// candidate ("Smith met Jones. He said …" is Smith), else that sentence's nearest.
fn nearest_subject_first(
    candidates: &[(usize, usize, u32, bool)],
    sentence: u32,
) -> Option<(usize, f32)> {
    let &(_, nearest, latest, _) = candidates.first()?;
    if latest == sentence {
        return Some((nearest, 0.7));
    }
    let subject = candidates
        .iter()
        .take_while(|c| c.2 == latest)
        .find(|c| c.3)
        .map_or(nearest, |c| c.1);
    Some((subject, 0.6))
}

#[cfg(test)]
mod tests {
    use stancegraph_core::EntityType::{Gpe, Norp, Org, Per};

    use crate::resolve::resolve_entities;
    use crate::resolve::test_support::{canonical_of, document, mention, mentions, resolved};

    #[test]
    fn description_is_the_holder_of_the_title() {
        let doc = resolved(
            "Treasury Secretary Scott Bessent spoke .\nThe Treasury Secretary left .\n",
            &[("Scott Bessent", Per)],
        );
        let description = mention(&doc, "The Treasury Secretary");
        assert_eq!(canonical_of(&doc, description), Some("Scott Bessent"));
        assert_eq!(description.resolution.as_deref(), Some("title"));
    }

    #[test]
    fn title_of_somewhere_else_names_another_person() {
        let doc = resolved(
            "President Ann Lee spoke .\nthe president of France left .\n",
            &[("Ann Lee", Per), ("France", Gpe)],
        );
        assert!(
            mentions(&doc, "the president").is_empty(),
            "{:?}",
            doc.mentions
        );
    }

    #[test]
    fn most_mentioned_holder_of_a_title_wins() {
        let doc = resolved(
            "Minister Ann Lee spoke .\nAnn Lee agreed .\nMinister Bob Stone spoke .\nthe minister left .\n",
            &[("Ann Lee", Per), ("Ann Lee", Per), ("Bob Stone", Per)],
        );
        assert_eq!(
            canonical_of(&doc, mention(&doc, "the minister")),
            Some("Ann Lee")
        );
    }

    #[test]
    fn singular_pronoun_takes_the_nearest_person_of_its_gender() {
        let doc = resolved(
            "Wendy Cutler met John Smith .\nShe left and he stayed .\n",
            &[("Wendy Cutler", Per), ("John Smith", Per)],
        );
        let she = mention(&doc, "She");
        assert_eq!(canonical_of(&doc, she), Some("Wendy Cutler"));
        assert_eq!(she.resolution.as_deref(), Some("pronoun"));
        assert_eq!(canonical_of(&doc, mention(&doc, "he")), Some("John Smith"));
    }

    #[test]
    fn pronoun_in_a_later_sentence_takes_the_last_subject_and_its_pronouns() {
        let text = "Kevin Vickers praised his father , Bill .\nHe said his friend , Martin \
                    Legere , helped .\nHe smiled .\n";
        let mut doc = document(
            text,
            &[
                ("Kevin Vickers", Per),
                ("Bill", Per),
                ("Martin Legere", Per),
            ],
        );
        for (token, deprel) in doc.tokens.iter_mut().zip(text.split_whitespace()) {
            let subject = matches!(deprel, "Vickers" | "He");
            token.deprel = Some(if subject { "nsubj" } else { "dep" }.to_string());
        }
        resolve_entities(&mut doc);
        let he = mentions(&doc, "He");
        assert_eq!(he.len(), 2);
        for m in he {
            assert_eq!(canonical_of(&doc, m), Some("Kevin Vickers"));
        }
    }

    #[test]
    fn singular_pronoun_looks_three_sentences_back_at_most() {
        // "He left" is three sentences after the name; "He came back" is four after the
        // name but two after "He left", which stands for the person.
        let doc = resolved(
            "John Smith spoke .\nIt rained .\nIt snowed .\nHe left .\nIt cleared .\nHe came \
             back .\nIt rained .\nIt snowed .\nIt hailed .\nHe slept .\n",
            &[("John Smith", Per)],
        );
        let he = mentions(&doc, "He");
        assert_eq!(he.len(), 2, "{:?}", doc.mentions);
        assert!(he[1].span.start < doc.text().find("He slept").unwrap_or(0));
    }

    #[test]
    fn plural_pronoun_takes_the_most_named_group() {
        let doc = resolved(
            "China spoke .\nChina agreed .\nTesla said they would wait .\n",
            &[("China", Gpe), ("China", Gpe), ("Tesla", Org)],
        );
        assert_eq!(canonical_of(&doc, mention(&doc, "they")), Some("China"));
    }

    #[test]
    fn nationality_used_as_an_adjective_is_not_they() {
        let text = "Chinese goods sold .\nThey rose .\n";
        let mut doc = document(text, &[("Chinese", Norp)]);
        doc.tokens[1].upos = Some("NOUN".into());
        resolve_entities(&mut doc);
        assert!(mentions(&doc, "They").is_empty(), "{:?}", doc.mentions);
    }

    #[test]
    fn plural_pronoun_after_people_joined_by_and_stays_unresolved() {
        let doc = resolved(
            "Ann Lee met China .\nAnn Lee and Bob Stone prepare for their meeting .\n",
            &[
                ("Ann Lee", Per),
                ("China", Gpe),
                ("Ann Lee", Per),
                ("Bob Stone", Per),
            ],
        );
        assert!(mentions(&doc, "their").is_empty(), "{:?}", doc.mentions);
    }
}
