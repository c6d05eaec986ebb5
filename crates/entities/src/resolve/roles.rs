//! Roles read around person names: title premodifiers ("US Treasury Secretary Scott
//! Bessent") and appositions ("Wendy Cutler, vice-president of the Asia Society Policy
//! Institute"), with `reports_to` relations to a superior named in the apposition.

use std::collections::BTreeMap;

use stancegraph_core::{EntityType, MentionKind, RelationClass, Role};

use super::{capitalised, is_possessive, PendingRelation, State, Work, RESOLVE_STAGE};
use crate::lexicon::category;

impl<'r, 'd> State<'r, 'd> {
    /// A title phrase in `range` as a token range: the longest one ending last (for
    /// premodifiers), or with `earliest`, the longest one starting first (for appositions).
    pub(super) fn title_in(
        &self,
        range: std::ops::Range<usize>,
        earliest: bool,
    ) -> Option<std::ops::Range<usize>> {
        let refs: Vec<&str> = range.clone().map(|i| self.lower(i)).collect();
        let mut matches = Vec::new();
        self.lexicon().matches(&refs, &mut matches);
        matches
            .iter()
            .filter(|m| m.categories & category::TITLE != 0)
            .max_by_key(|m| {
                if earliest {
                    (usize::MAX - m.start, m.end - m.start)
                } else {
                    (m.end, m.end - m.start)
                }
            })
            .map(|m| range.start + m.start..range.start + m.end)
    }

    pub(super) fn country_of_word(&self, word: &str) -> Option<String> {
        let lexicon = self.lexicon();
        lexicon
            .lookup(word, category::COUNTRY)
            .map(|e| e.canonical.clone())
            .or_else(|| {
                lexicon
                    .lookup(word, category::DEMONYM)
                    .and_then(|e| e.country.clone())
            })
    }

    pub(super) fn push_role(&mut self, entity: usize, role: Role) {
        if let Some(e) = self.entities.get_mut(entity) {
            if !e.roles.iter().any(|r| {
                r.title.eq_ignore_ascii_case(&role.title) && r.organisation == role.organisation
            }) {
                e.roles.push(role);
            }
        }
    }

    /// Roles from title premodifiers and appositions of person names.
    pub(super) fn read_roles(&mut self) {
        for m in 0..self.mentions.len() {
            let work = self.mentions[m].clone();
            let (Some(entity), EntityType::Per, MentionKind::Name) =
                (work.entity, work.entity_type, work.kind)
            else {
                continue;
            };
            if let Some(role) = self.premodifier_role(&work) {
                self.push_role(entity, role);
            }
            if let Some((role, superior)) = self.appositive_role(&work) {
                let evidence = role.evidence;
                let title = role.title.clone();
                self.push_role(entity, role);
                if let Some(boss) = superior.filter(|&b| b != entity) {
                    let mut attributes = BTreeMap::new();
                    attributes.insert("title".to_string(), title);
                    self.relations.push(PendingRelation {
                        source: entity,
                        target: boss,
                        kind: "reports_to",
                        class: RelationClass::Hierarchy,
                        evidence,
                        attributes,
                    });
                }
            }
        }
        // A subordinate without a country takes the superior's ("under Vice-Premier He Lifeng").
        let links: Vec<(usize, usize)> = self
            .relations
            .iter()
            .filter(|r| r.kind == "reports_to")
            .map(|r| (r.source, r.target))
            .collect();
        for (subordinate, boss) in links {
            let country = self
                .entities
                .get(boss)
                .and_then(|e| e.roles.iter().find_map(|r| r.country.clone()));
            if let (Some(country), Some(e)) = (country, self.entities.get_mut(subordinate)) {
                for role in e.roles.iter_mut().filter(|r| r.country.is_none()) {
                    role.country = Some(country.clone());
                }
            }
        }
    }

    /// "US Treasury Secretary Scott Bessent", "Chinese leader Xi Jinping", also past an
    /// honorific ("London mayor Mr Livingstone").
    pub(super) fn premodifier_role(&self, work: &Work) -> Option<Role> {
        let mut name_start = work.tokens.start;
        if name_start > 0
            && self.same_sentence(name_start - 1, work.tokens.start)
            && super::names::is_honorific(self.lower(name_start - 1))
        {
            name_start -= 1;
        }
        let mut start = name_start;
        while start > 0 && self.same_sentence(start - 1, work.tokens.start) {
            let word = self.word(start - 1);
            let lower = word.to_lowercase();
            let in_person = self.mention_at_token(start - 1).is_some_and(|i| {
                self.mentions[i].entity_type == EntityType::Per
                    && self.mentions[i].tokens != work.tokens
            });
            let title_word = self.lexicon().categories(&lower) & category::TITLE != 0
                || self.lexicon().is_title_modifier(&lower);
            if in_person || is_possessive(word) || !(capitalised(word) || title_word) {
                break;
            }
            start -= 1;
        }
        if start == name_start {
            return None;
        }
        let title = self.title_in(start..name_start, false)?;
        if title.end != name_start {
            return None;
        }
        // Words between the country and the title head belong to the title ("Treasury").
        let mut title_start = title.start;
        let mut country = None;
        for i in start..title.start {
            let word = self.word(i);
            match self.country_of_word(word) {
                Some(c) if country.is_none() && i == start => country = Some(c),
                _ => {
                    title_start = title_start.min(i);
                }
            }
        }
        let title_text = self.text_of(title_start..title.end);
        let first_title_word = self.lower(title_start);
        let organisation =
            if self.lexicon().is_department(first_title_word) && title.end - title_start > 1 {
                let department = self.word(title_start);
                Some(match start < title_start && country.is_some() {
                    true => format!("{} {}", self.text_of(start..title_start), department),
                    false => department.to_string(),
                })
            } else {
                None
            };
        Some(Role {
            title: title_text,
            organisation,
            country,
            evidence: self.span_of(start..work.tokens.end)?,
            stage: RESOLVE_STAGE.to_string(),
            confidence: 0.85,
        })
    }

    /// "Wendy Cutler, vice-president of the Asia Society Policy Institute";
    /// "Li Chenggang, the top trade negotiator under Vice-Premier He Lifeng" (with superior).
    pub(super) fn appositive_role(&self, work: &Work) -> Option<(Role, Option<usize>)> {
        let comma = work.tokens.end;
        if self.word(comma) != "," {
            return None;
        }
        let mut end = comma + 1;
        while end < self.table.len() && self.same_sentence(end, comma) {
            let word = self.word(end);
            if matches!(word, "," | "." | ";" | ":" | "\"" | "(" | ")") {
                break;
            }
            end += 1;
        }
        if end - comma > 14 {
            return None;
        }
        let mut first = comma + 1;
        while matches!(self.lower(first), "the" | "a" | "an") {
            first += 1;
        }
        let title = self.title_in(first..end, true)?;
        // The title must open the apposition (allowing adjectives like "top").
        if title.start - first > 2 {
            return None;
        }
        let title_text = self.text_of(first..title.end);
        let connector = self.lower(title.end);
        let mut organisation = None;
        let mut country = None;
        let mut superior = None;
        if matches!(connector, "of" | "at" | "for" | "with" | "under" | "to") {
            let mut j = title.end + 1;
            if self.lower(j) == "the" {
                j += 1;
            }
            // Skip a title before a superior's name ("under Vice-Premier He Lifeng").
            if let Some(m) = (j..end).find_map(|t| self.mention_at_token(t)) {
                let target = &self.mentions[m];
                match target.entity_type {
                    EntityType::Per if connector == "under" || connector == "to" => {
                        superior = target.entity
                    }
                    EntityType::Per => {}
                    EntityType::Gpe => {
                        country = self
                            .country_of_word(&target.words.join(" "))
                            .or(Some(target.words.join(" ")))
                    }
                    _ => organisation = Some(target.words.join(" ")),
                }
            }
            if organisation.is_none()
                && superior.is_none()
                && country.is_none()
                && j < end
                && capitalised(self.word(j))
            {
                organisation = Some(self.text_of(j..end));
            }
        }
        let role = Role {
            title: title_text,
            organisation,
            country,
            evidence: self.span_of(work.tokens.start..end)?,
            stage: RESOLVE_STAGE.to_string(),
            confidence: 0.8,
        };
        Some((role, superior))
    }
}

#[cfg(test)]
mod tests {
    use stancegraph_core::EntityType::{Gpe, Norp, Org, Per};
    use stancegraph_core::{ActorRef, Target};

    use crate::resolve::test_support::{canonical_of, entity, mention, resolved};

    #[test]
    fn title_before_a_name_with_country_and_department() {
        let doc = resolved(
            "US Treasury Secretary Scott Bessent spoke .\nHe left .\n",
            &[("US", Gpe), ("Scott Bessent", Per)],
        );
        let role = &entity(&doc, "Scott Bessent").roles[0];
        assert_eq!(role.title, "Treasury Secretary");
        assert_eq!(role.organisation.as_deref(), Some("US Treasury"));
        assert_eq!(role.country.as_deref(), Some("United States"));
    }

    #[test]
    fn lower_case_modifiers_belong_to_the_title_before_a_name() {
        let doc = resolved(
            "He met former trade minister Ann Lee .\nShe left .\n",
            &[("Ann Lee", Per)],
        );
        assert_eq!(
            entity(&doc, "Ann Lee").roles[0].title,
            "former trade minister"
        );
    }

    #[test]
    fn a_title_before_an_honorific_is_the_named_persons() {
        let doc = resolved(
            "London mayor Mr Livingstone spoke .\nLater the mayor left .\n",
            &[("London", Gpe), ("Livingstone", Per)],
        );
        assert_eq!(entity(&doc, "Livingstone").roles[0].title, "London mayor");
        let description = mention(&doc, "the mayor");
        assert_eq!(canonical_of(&doc, description), Some("Livingstone"));
    }

    #[test]
    fn apposition_names_the_organisation() {
        let doc = resolved(
            "Wendy Cutler , vice-president of the Asia Society Policy Institute , spoke .\nShe left .\n",
            &[("Wendy Cutler", Per), ("Asia Society Policy Institute", Org)],
        );
        let role = &entity(&doc, "Wendy Cutler").roles[0];
        assert_eq!(role.title, "vice-president");
        assert_eq!(
            role.organisation.as_deref(),
            Some("Asia Society Policy Institute")
        );
    }

    #[test]
    fn apposition_names_the_country() {
        let doc = resolved(
            "Ann Lee , president of France , spoke .\nShe left .\n",
            &[("Ann Lee", Per), ("France", Gpe)],
        );
        let role = &entity(&doc, "Ann Lee").roles[0];
        assert_eq!(role.title, "president");
        assert_eq!(role.country.as_deref(), Some("France"));
        assert_eq!(role.organisation, None);
    }

    #[test]
    fn superior_in_an_apposition_gets_a_reports_to_and_lends_its_country() {
        let doc = resolved(
            "Chinese Vice-Premier He Lifeng spoke .\n\
             Li Chenggang , the top trade negotiator under Vice-Premier He Lifeng , resigned .\n",
            &[
                ("Chinese", Norp),
                ("He Lifeng", Per),
                ("Li Chenggang", Per),
                ("He Lifeng", Per),
            ],
        );
        let li = entity(&doc, "Li Chenggang");
        let he = entity(&doc, "He Lifeng");
        assert_eq!(li.roles[0].title, "top trade negotiator");
        assert_eq!(li.roles[0].country.as_deref(), Some("China"));
        assert!(doc.relations.iter().any(|r| r.kind == "reports_to"
            && r.source == ActorRef::Entity { id: li.id.clone() }
            && r.target == Target::Actor { id: he.id.clone() }));
    }

    #[test]
    fn long_apposition_is_no_role() {
        let doc = resolved(
            "Ann Lee , president of a very small and very old and quite famous club in the north of the city , spoke .\n",
            &[("Ann Lee", Per)],
        );
        assert!(entity(&doc, "Ann Lee").roles.is_empty());
    }
}
