//! Governments: "the Trump administration", "US officials", "the administration" become
//! mentions of a country's government entity, and a named leader heads it.

use std::collections::{BTreeMap, HashMap, HashSet};

use stancegraph_core::{EntityType, MentionKind, RelationClass};

use super::{PendingRelation, State, RESOLVE_STAGE};
use crate::lexicon::category;

/// Political parties by their adjective or members ("Conservative", "Tories"): a party's
/// government is its country's, not a government of its own.
fn is_party_word(lower: &str) -> bool {
    matches!(
        lower,
        "conservative"
            | "conservatives"
            | "tory"
            | "tories"
            | "labour"
            | "republican"
            | "republicans"
            | "democratic"
            | "democrat"
            | "democrats"
            | "liberal"
            | "liberals"
            | "socialist"
            | "socialists"
            | "communist"
            | "communists"
    )
}

impl<'r, 'd> State<'r, 'd> {
    /// The government entity of a country (created on first use).
    pub(super) fn government(&mut self, country: &str, mention: usize) -> usize {
        if let Some(i) = self
            .entities
            .iter()
            .position(|e| e.government_of.as_deref() == Some(country))
        {
            return i;
        }
        let name = format!("{country} government");
        let entity = self.new_entity(EntityType::Org, name, true, mention);
        self.entities[entity].government_of = Some(country.to_string());
        entity
    }

    /// A tagger may read "Trump administration" as one organisation name; the government
    /// rules below want the leader (or the country: "US government") apart from the
    /// lower-case executive noun. Returns the name's range without the noun and its type:
    /// GPE for a country, NORP for a demonym, else PER. Capitalised nouns stay
    /// organisations ("Federal Aviation Administration"), as do longer prefixes.
    pub(super) fn name_before_executive_noun(
        &self,
        range: &std::ops::Range<usize>,
    ) -> Option<(std::ops::Range<usize>, EntityType)> {
        let last = range.end.checked_sub(1)?;
        if !(range.len() == 2 || range.len() == 3)
            || !matches!(self.word(last), "administration" | "government")
        {
            return None;
        }
        let name = range.start..last;
        if !name.clone().all(|i| super::capitalised(self.word(i))) {
            return None;
        }
        let categories = self.lexicon().categories(self.lower(name.start));
        let entity_type = if name.len() > 1 {
            EntityType::Per
        } else if categories & category::COUNTRY != 0 {
            EntityType::Gpe
        } else if categories & category::DEMONYM != 0 {
            EntityType::Norp
        } else {
            EntityType::Per
        };
        Some((name, entity_type))
    }

    /// The country most mentioned in the document (the default government).
    pub(super) fn main_country(&self) -> Option<String> {
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for work in &self.mentions {
            if let Some(e) = work.entity.and_then(|e| self.entities.get(e)) {
                if e.entity_type == EntityType::Gpe
                    && e.fixed
                    && self
                        .lexicon()
                        .lookup(&e.canonical, category::COUNTRY)
                        .is_some()
                {
                    *counts.entry(e.canonical.as_str()).or_default() += 1;
                }
            }
        }
        counts
            .into_iter()
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0)))
            .map(|(c, _)| c.to_string())
    }

    /// "the Trump administration", "the US administration", "US officials", "the administration".
    /// Explicit countries first, so that a bare or leader-named administration can join the
    /// government already named.
    pub(super) fn government_mentions(&mut self) {
        // (tokens, country if explicit, leader if named)
        let mut found: Vec<(std::ops::Range<usize>, Option<String>, Option<usize>)> = Vec::new();
        for i in 0..self.table.len() {
            let lower = self.lower(i);
            if !self.lexicon().is_government_noun(lower) {
                continue;
            }
            let executive = lower == "administration" || lower == "government";
            let before = i.checked_sub(1).filter(|&b| self.same_sentence(b, i));
            let modifier = before.and_then(|b| self.mention_at_token(b));
            let mut start = i;
            let mut country = None;
            let mut leader = None;
            if let Some(m) = modifier {
                let work = &self.mentions[m];
                start = work.tokens.start;
                // "a Conservative government", "the Republican administration": the party
                // governs its country, found below as for "the administration".
                let party = executive
                    && matches!(work.entity_type, EntityType::Gpe | EntityType::Norp)
                    && is_party_word(&work.words.join(" ").to_lowercase());
                match work.entity_type {
                    EntityType::Per if executive => leader = work.entity,
                    EntityType::Gpe | EntityType::Norp if !party => {
                        country = self.country_of_word(&work.words.join(" ")).or_else(|| {
                            work.entity
                                .and_then(|e| self.entities.get(e))
                                .map(|e| e.canonical.clone())
                        });
                    }
                    _ if party => {}
                    _ => continue,
                }
                if leader.is_none() && country.is_none() && !party {
                    continue;
                }
            } else if let Some(b) = before {
                let word = self.word(b);
                if let Some(c) = self.country_of_word(word) {
                    start = b;
                    country = Some(c);
                } else if !(self.lower(b) == "the" && executive) {
                    continue;
                }
            } else {
                continue;
            }
            if start > 0 && self.lower(start - 1) == "the" && self.same_sentence(start - 1, i) {
                start -= 1;
            }
            found.push((start..i + 1, country, leader));
        }
        found.sort_by_key(|(range, country, _)| (country.is_none(), range.start));
        // The main country counts GPE mentions, which this loop never adds: count them once.
        let mut main_country: Option<Option<String>> = None;
        // Governments by country, and the first one named: indexes kept in step with
        // `government`, the only place that sets `government_of`.
        let mut governments: HashMap<String, usize> = HashMap::new();
        for (i, e) in self.entities.iter().enumerate() {
            if let Some(country) = &e.government_of {
                governments.entry(country.clone()).or_insert(i);
            }
        }
        let mut first_named = self.entities.iter().find_map(|e| e.government_of.clone());
        // Pairs already related, so that a leader heads a government once.
        let mut related: HashSet<(usize, usize)> = self
            .relations
            .iter()
            .map(|r| (r.source, r.target))
            .collect();
        for (range, country, leader) in found {
            let country = match country {
                Some(country) => country,
                None => {
                    let leader_country = leader
                        .and_then(|e| self.entities.get(e))
                        .and_then(|e| e.roles.iter().find_map(|r| r.country.clone()));
                    let named = first_named.clone();
                    let main = || {
                        main_country
                            .get_or_insert_with(|| self.main_country())
                            .clone()
                    };
                    match leader_country.or(named).or_else(main) {
                        Some(country) => country,
                        None => continue,
                    }
                }
            };
            let how = if leader.is_some() {
                "government_of_leader"
            } else {
                "government"
            };
            let Some(mut work) = self.work(
                range.clone(),
                EntityType::Org,
                MentionKind::Nominal,
                0.8,
                RESOLVE_STAGE,
            ) else {
                continue;
            };
            work.words = vec![self.text_of(range)];
            self.mentions.push(work);
            let m = self.mentions.len() - 1;
            let government = match governments.get(&country) {
                Some(&g) => g,
                None => {
                    let g = self.government(&country, m);
                    governments.insert(country.clone(), g);
                    first_named.get_or_insert_with(|| country.clone());
                    g
                }
            };
            self.assign(m, government, how, 0.75);
            if let Some(leader) = leader {
                let span = self.mentions[m].span;
                if related.insert((leader, government)) {
                    self.relations.push(PendingRelation {
                        source: leader,
                        target: government,
                        kind: "head_of",
                        class: RelationClass::Affiliation,
                        evidence: span,
                        attributes: BTreeMap::new(),
                    });
                }
            }
        }
        self.sort_mentions();
    }

    /// A leader of a government ("the Trump administration") holds roles in its country.
    pub(super) fn leaders_take_government_country(&mut self) {
        let links: Vec<(usize, usize)> = self
            .relations
            .iter()
            .filter(|r| r.kind == "head_of")
            .map(|r| (r.source, r.target))
            .collect();
        for (leader, government) in links {
            let country = self
                .entities
                .get(government)
                .and_then(|g| g.government_of.clone());
            if let (Some(country), Some(e)) = (country, self.entities.get_mut(leader)) {
                for role in e
                    .roles
                    .iter_mut()
                    .filter(|r| r.country.is_none() && r.organisation.is_none())
                {
                    role.country = Some(country.clone());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use stancegraph_core::EntityType::{Gpe, Norp, Org, Per};
    use stancegraph_core::{ActorRef, Target};

    use crate::resolve::test_support::{canonical_of, entity, mention, resolved};

    #[test]
    fn an_administration_tagged_as_one_organisation_name_is_still_the_leaders_government() {
        let doc = resolved(
            "US President Joe Biden spoke .\nThe Biden administration agreed with the Federal Aviation Administration .\n",
            &[
                ("US", Gpe),
                ("Joe Biden", Per),
                ("Biden administration", Org),
                ("Federal Aviation Administration", Org),
            ],
        );
        let administration = mention(&doc, "The Biden administration");
        assert_eq!(
            canonical_of(&doc, administration),
            Some("United States government")
        );
        assert_eq!(
            canonical_of(&doc, mention(&doc, "Biden")),
            Some("Joe Biden")
        );
        assert_eq!(
            canonical_of(&doc, mention(&doc, "Federal Aviation Administration")),
            Some("Federal Aviation Administration")
        );
    }

    #[test]
    fn leader_named_administration_is_the_government_the_leader_heads() {
        let doc = resolved(
            "US President Donald Trump spoke .\nThe Trump administration agreed .\n",
            &[("US", Gpe), ("Donald Trump", Per), ("Trump", Per)],
        );
        let administration = mention(&doc, "The Trump administration");
        assert_eq!(
            canonical_of(&doc, administration),
            Some("United States government")
        );
        assert_eq!(
            administration.resolution.as_deref(),
            Some("government_of_leader")
        );
        let trump = entity(&doc, "Donald Trump");
        let government = entity(&doc, "United States government");
        let heads: Vec<_> = doc
            .relations
            .iter()
            .filter(|r| r.kind == "head_of")
            .collect();
        assert_eq!(heads.len(), 1);
        assert_eq!(
            heads[0].source,
            ActorRef::Entity {
                id: trump.id.clone()
            }
        );
        assert_eq!(
            heads[0].target,
            Target::Actor {
                id: government.id.clone()
            }
        );
    }

    #[test]
    fn country_or_nationality_before_a_government_noun() {
        let doc = resolved(
            "US officials met .\nChinese authorities agreed .\n",
            &[("US", Gpe), ("Chinese", Norp)],
        );
        let us = mention(&doc, "US officials");
        assert_eq!(canonical_of(&doc, us), Some("United States government"));
        assert_eq!(us.resolution.as_deref(), Some("government"));
        assert_eq!(
            canonical_of(&doc, mention(&doc, "Chinese authorities")),
            Some("China government")
        );
    }

    #[test]
    fn bare_government_is_the_most_mentioned_country() {
        let doc = resolved(
            "France won .\nFrance and Spain met .\nThe government agreed .\n",
            &[("France", Gpe), ("France", Gpe), ("Spain", Gpe)],
        );
        assert_eq!(
            canonical_of(&doc, mention(&doc, "The government")),
            Some("France government")
        );
    }

    #[test]
    fn a_party_government_is_its_countrys() {
        let doc = resolved(
            "Britain votes .\nA Conservative government would cut taxes , Britain heard .\nThe government disagreed .\n",
            &[("Britain", Gpe), ("Conservative", Norp), ("Britain", Gpe)],
        );
        assert_eq!(
            canonical_of(&doc, mention(&doc, "Conservative government")),
            Some("United Kingdom government")
        );
        assert!(
            doc.entities
                .iter()
                .all(|e| e.canonical != "Conservative government"),
            "{:?}",
            doc.entities
        );
    }

    #[test]
    fn bare_administration_joins_the_government_already_named() {
        let doc = resolved(
            "France won .\nFrance and Spain met .\nSpanish officials agreed .\nThe administration left .\n",
            &[("France", Gpe), ("France", Gpe), ("Spain", Gpe), ("Spanish", Norp)],
        );
        assert_eq!(
            canonical_of(&doc, mention(&doc, "The administration")),
            Some("Spain government")
        );
    }

    #[test]
    fn leader_of_a_government_takes_its_country_for_roles() {
        let doc = resolved(
            "President Donald Trump spoke .\nUS officials agreed .\nThe Trump administration won .\n",
            &[("President Donald Trump", Per), ("US", Gpe), ("Trump", Per)],
        );
        let trump = entity(&doc, "Donald Trump");
        assert_eq!(trump.roles[0].title, "President");
        assert_eq!(trump.roles[0].country.as_deref(), Some("United States"));
    }
}
