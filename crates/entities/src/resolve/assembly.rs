//! Assembly: entities numbered in order of first mention (E1, E2, ...), their aliases,
//! confidence and gender (honorifics, kinship nouns, first names, pronouns), and the mention, entity and
//! relation layers written back.

use std::collections::HashSet;

use stancegraph_core::{
    ActorRef, Entity, EntityType, Gender, GenderCall, Mention, MentionKind, Relation, Sign, Target,
};

use super::{entity_key, is_timeless, normalise, State, Work, RESOLVE_STAGE};
use crate::gender;

impl<'r, 'd> State<'r, 'd> {
    /// What the words beside each person's name mentions state: an honorific ("Ms.
    /// Dalglish", "Mr Smith") or a kinship noun before the name ("her son Kody Cook", "his
    /// wife, Mary").
    pub(super) fn stated_genders(&self) -> Vec<gender::GenderClues> {
        let mut found = vec![gender::GenderClues::default(); self.entities.len()];
        for work in self.mentions.iter().filter(|w| w.kind == MentionKind::Name) {
            let Some(slot) = work.entity.and_then(|e| found.get_mut(e)) else {
                continue;
            };
            let before = work.tokens.start.checked_sub(1).map(|b| self.word(b));
            let first = work.words.first().map(String::as_str);
            if let Some(gender) = [before, first]
                .iter()
                .flatten()
                .find_map(|w| gender::honorific_gender(w))
            {
                slot.honorific = Some(gender);
            }
            // "her son Kody Cook", "his wife, Mary": the noun right before the name, or
            // before its comma.
            let kin_word = match before {
                Some(",") => work.tokens.start.checked_sub(2).map(|b| self.word(b)),
                other => other,
            };
            if let Some(gender) = kin_word.and_then(gender::kinship_gender) {
                slot.kinship = Some(gender);
            }
        }
        found
    }

    /// Each person's gender from honorifics, kinship nouns and first names (what pronoun resolution may
    /// rely on; pronouns themselves only count in [`Self::gender_calls`]).
    pub(super) fn entity_genders(&self) -> Vec<Gender> {
        let stated = self.stated_genders();
        self.entities
            .iter()
            .enumerate()
            .map(|(i, e)| {
                if e.entity_type != EntityType::Per {
                    return Gender::Unknown;
                }
                let clues = stated.get(i).copied().unwrap_or_default();
                gender::decide(
                    &e.canonical,
                    clues,
                    gender::GivenNames::builtin(),
                    self.resolver.config.gender_threshold,
                )
                .map_or(Gender::Unknown, |c| c.gender)
            })
            .collect()
    }

    /// The gender written on each person entity, with its evidence.
    pub(super) fn gender_calls(&self, mentions_of: &[Vec<&Work>]) -> Vec<Option<GenderCall>> {
        let stated = self.stated_genders();
        self.entities
            .iter()
            .enumerate()
            .map(|(i, e)| {
                if e.entity_type != EntityType::Per {
                    return None;
                }
                let mut clues = stated.get(i).copied().unwrap_or_default();
                for work in mentions_of.get(i).map(Vec::as_slice).unwrap_or(&[]) {
                    if work.kind != MentionKind::Pronoun {
                        continue;
                    }
                    match work.words.first().and_then(|w| gender::pronoun_gender(w)) {
                        Some(Gender::Male) => clues.male_pronouns += 1,
                        Some(Gender::Female) => clues.female_pronouns += 1,
                        _ => {}
                    }
                }
                gender::decide(
                    &e.canonical,
                    clues,
                    gender::GivenNames::builtin(),
                    self.resolver.config.gender_threshold,
                )
            })
            .collect()
    }

    /// Numbers entities in order of first mention (E1, E2, ...) and writes the layers.
    pub(super) fn finish(self) -> (Vec<Mention>, Vec<Entity>, Vec<Relation>) {
        let mut order: Vec<usize> = Vec::new();
        let mut seen = vec![false; self.entities.len()];
        // Each entity's mentions, gathered in one pass (not one scan per entity).
        let mut mentions_of: Vec<Vec<&Work>> = vec![Vec::new(); self.entities.len()];
        for work in &self.mentions {
            if let Some(e) = work.entity {
                if let Some(flag) = seen.get_mut(e).filter(|f| !**f) {
                    *flag = true;
                    order.push(e);
                }
                if let Some(list) = mentions_of.get_mut(e) {
                    list.push(work);
                }
            }
        }
        let genders = self.gender_calls(&mentions_of);
        // Entity index -> "E1", "E2", … (None for an entity no mention kept).
        let mut ids: Vec<Option<String>> = vec![None; self.entities.len()];
        for (n, &e) in order.iter().enumerate() {
            if let Some(slot) = ids.get_mut(e) {
                *slot = Some(format!("E{}", n + 1));
            }
        }
        let id_of = |e: usize| ids.get(e).and_then(Option::as_ref);
        let mut entities = Vec::new();
        for &e in &order {
            let Some(work) = self.entities.get(e) else {
                continue;
            };
            let mut aliases: Vec<String> = Vec::new();
            // What `aliases` holds, for a lookup per mention instead of a scan.
            let mut known: HashSet<String> = HashSet::new();
            let mut confidence = 0.0f32;
            for m in mentions_of.get(e).map(Vec::as_slice).unwrap_or(&[]) {
                confidence = confidence.max(m.confidence.min(1.0));
                if m.kind == MentionKind::Pronoun {
                    continue;
                }
                let text = if m.kind == MentionKind::Name {
                    m.words.join(" ")
                } else {
                    normalise(self.doc.slice(m.span))
                };
                if text != work.canonical && !known.contains(&text) {
                    known.insert(text.clone());
                    aliases.push(text);
                }
            }
            entities.push(Entity {
                id: id_of(e).cloned().unwrap_or_default(),
                canonical: work.canonical.clone(),
                entity_type: work.entity_type,
                aliases,
                roles: work.roles.clone(),
                key: entity_key(work.entity_type, &work.canonical),
                gender: genders.get(e).cloned().flatten(),
                stage: RESOLVE_STAGE.to_string(),
                confidence,
            });
        }
        // Dates and amounts pass through unresolved: they are no actors.
        let passthrough: Vec<Mention> = self
            .doc
            .mentions
            .iter()
            .filter(|m| is_timeless(m.entity_type))
            .cloned()
            .collect();
        let mut mentions: Vec<Mention> = self
            .mentions
            .iter()
            .map(|w| Mention {
                span: w.span,
                entity_type: w.entity.and_then(|e| self.entities.get(e)).map_or(
                    w.entity_type,
                    |e| {
                        if w.kind == MentionKind::Name && w.entity_type == EntityType::Norp {
                            EntityType::Norp
                        } else {
                            e.entity_type
                        }
                    },
                ),
                kind: w.kind,
                entity: w.entity.and_then(id_of).cloned(),
                resolution: w.entity.map(|_| w.resolution.to_string()),
                resolution_confidence: w.entity.map(|_| w.resolution_confidence),
                stage: w.stage.clone(),
                confidence: w.confidence,
            })
            .collect();
        mentions.extend(passthrough);
        mentions.sort_by_key(|m| (m.span.start, m.span.end));
        let relations = self
            .relations
            .iter()
            .filter_map(|r| {
                Some(Relation {
                    class: r.class,
                    kind: r.kind.to_string(),
                    source: ActorRef::Entity {
                        id: id_of(r.source)?.clone(),
                    },
                    target: Target::Actor {
                        id: id_of(r.target)?.clone(),
                    },
                    sign: Sign::Neutral,
                    attributes: r.attributes.clone(),
                    evidence: r.evidence,
                    trigger: None,
                    stage: RESOLVE_STAGE.to_string(),
                    confidence: 0.75,
                })
            })
            .collect();
        (mentions, entities, relations)
    }
}

#[cfg(test)]
mod tests {
    use stancegraph_core::EntityType::{Date, Gpe, Per};
    use stancegraph_core::Gender;

    use crate::resolve::test_support::{canonical_of, entity, mention, resolved};

    #[test]
    fn entities_are_numbered_by_first_mention_with_their_other_names_as_aliases() {
        let doc = resolved(
            "Donald Trump spoke .\nTrump left .\nChina agreed .\n",
            &[("Donald Trump", Per), ("Trump", Per), ("China", Gpe)],
        );
        let trump = entity(&doc, "Donald Trump");
        assert_eq!(trump.id, "E1");
        assert_eq!(trump.aliases, vec!["Trump".to_string()]);
        assert_eq!(entity(&doc, "China").id, "E2");
    }

    #[test]
    fn honorific_beside_a_name_decides_the_gender() {
        let doc = resolved(
            "Ms. Taylor Quinn spoke .\nQuinn left .\n",
            &[("Taylor Quinn", Per), ("Quinn", Per)],
        );
        let gender = entity(&doc, "Taylor Quinn")
            .gender
            .as_ref()
            .map(|g| g.gender);
        assert_eq!(gender, Some(Gender::Female));
    }

    #[test]
    fn kinship_noun_before_a_name_decides_the_gender_and_the_pronoun() {
        let doc = resolved(
            "Wendy Golden found her son Kody Cook .\nAfter Kody died , she called police .\n",
            &[("Wendy Golden", Per), ("Kody Cook", Per), ("Kody", Per)],
        );
        let kody = entity(&doc, "Kody Cook").gender.clone();
        assert_eq!(
            kody.map(|g| (g.gender, g.evidence)),
            Some((Gender::Male, "kinship".to_string()))
        );
        assert_eq!(
            canonical_of(&doc, mention(&doc, "she")),
            Some("Wendy Golden")
        );
    }

    #[test]
    fn dates_pass_through_unresolved() {
        let doc = resolved(
            "On Monday China spoke .\n",
            &[("Monday", Date), ("China", Gpe)],
        );
        let monday = mention(&doc, "Monday");
        assert_eq!(monday.entity, None);
        assert_eq!(monday.entity_type, Date);
        assert_eq!(doc.entities.len(), 1);
    }
}
