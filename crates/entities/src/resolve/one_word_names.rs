//! Who a one-word name is: a person whose full name holds the word ("Bessent", "Ms.
//! Cooper"), or the organisation an organisation's head word refers back to ("the
//! Committee"). `names::cluster_names` asks, after every longer name has its entity.

use std::collections::HashMap;

use stancegraph_core::{EntityType, Gender};

use super::State;
use crate::lexicon::category;

/// How many sentences after a surname-only mention the person's full name may first come.
const LEDE_SENTENCES: u32 = 3;

impl State<'_, '_> {
    /// A person entity with a multi-word name containing `lower` as a word (never a pronoun);
    /// for a mention `at`, only a person introduced by then ([`Self::introduction_deadline`]).
    pub(super) fn person_word_match(&self, lower: &str, at: Option<usize>) -> Option<usize> {
        self.person_word_candidates(lower, at)
            .max_by_key(|&i| (self.entities[i].last_mention, std::cmp::Reverse(i)))
    }

    /// The people [`Self::person_word_match`] chooses from.
    fn person_word_candidates(
        &self,
        lower: &str,
        at: Option<usize>,
    ) -> impl Iterator<Item = usize> + '_ {
        let deadline = at.and_then(|m| self.introduction_deadline(m));
        let stated_gender = at.and_then(|m| self.honorific_before(m));
        let people = if self.is_pronoun(lower) {
            None
        } else {
            self.person_words.get(lower)
        };
        people
            .into_iter()
            .flatten()
            .filter_map(|&i| self.entities.get(i).map(|e| (i, e)))
            .filter(|(_, e)| e.entity_type == EntityType::Per && e.canonical_words > 1)
            .filter(move |(_, e)| match (deadline, e.first_full_name_sentence) {
                (Some(deadline), Some(introduced)) => introduced <= deadline,
                _ => true,
            })
            .filter(move |(_, e)| {
                stated_gender.is_none_or(|stated| !first_name_contradicts(&e.canonical, stated))
            })
            .map(|(i, _)| i)
    }

    /// The person a one-word name `m` denotes when several full names hold the word: as
    /// [`Self::person_word_match`] chooses, but among those whose full name came before it
    /// where any did ("Laura Cooper … Ms. Cooper …", and only later "Judge Pat Cooper").
    /// `full_names` lists each person's full-name mentions in document order.
    pub(super) fn person_named_before(
        &self,
        lower: &str,
        m: usize,
        full_names: &HashMap<usize, Vec<usize>>,
    ) -> Option<usize> {
        let candidates: Vec<usize> = self.person_word_candidates(lower, Some(m)).collect();
        let named_before = |person: &usize| {
            full_names
                .get(person)
                .is_some_and(|list| list.first().is_some_and(|&first| first < m))
        };
        let pool: Vec<usize> = if candidates.iter().any(named_before) {
            candidates.into_iter().filter(named_before).collect()
        } else {
            candidates
        };
        pool.into_iter()
            .max_by_key(|&i| (self.entities[i].last_mention, std::cmp::Reverse(i)))
    }

    /// The gender an honorific right before mention `m` states ("Ms." of "Ms. Cooper").
    fn honorific_before(&self, m: usize) -> Option<Gender> {
        let start = self.mentions.get(m)?.tokens.start;
        crate::gender::honorific_gender(self.word(start.checked_sub(1)?))
    }

    /// The last sentence in which a person's full name may first be given for mention `m`,
    /// a surname or given name alone, to join them: a headline or lede names someone by
    /// surname first, but a full name first given much later names someone else ("President
    /// Trump has filed suit …" and, ten sentences on, his son "Eric Trump"). `None` (no
    /// limit) after an honorific: "Mr Kennedy" refers back to someone the writer takes as
    /// known.
    fn introduction_deadline(&self, m: usize) -> Option<u32> {
        let work = self.mentions.get(m)?;
        if self.honorific_before(m).is_some() {
            return None;
        }
        self.table
            .sentence(work.tokens.start)
            .map(|s| s + LEDE_SENTENCES)
    }

    /// Where organisations are named in several words, by the lower-cased last word of the
    /// name ("committee" → the mentions of "House Intelligence Committee"): (mention, entity)
    /// in document order.
    pub(super) fn organisations_by_last_word(&self) -> HashMap<String, Vec<(usize, usize)>> {
        let mut by_last_word: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
        for (m, work) in self.mentions.iter().enumerate() {
            let (Some(entity), true) = (work.entity, work.words.len() > 1) else {
                continue;
            };
            let is_organisation = self
                .entities
                .get(entity)
                .is_some_and(|e| e.entity_type == EntityType::Org);
            if let (true, Some(last)) = (is_organisation, work.words.last()) {
                by_last_word
                    .entry(last.to_lowercase())
                    .or_default()
                    .push((m, entity));
            }
        }
        by_last_word
    }

    /// The organisation a one-word name `m` that is an organisation's head word ("the
    /// Committee", "the Foundation", `lexicons/org_words.txt`) refers back to: the one named
    /// last before it in a name ending with the word. Writers give the full name first, so
    /// there is none before the full name.
    pub(super) fn organisation_head_named_before(
        &self,
        word: &str,
        m: usize,
        by_last_word: &HashMap<String, Vec<(usize, usize)>>,
    ) -> Option<usize> {
        let lower = word.to_lowercase();
        if self.lexicon().categories(&lower) & category::ORG_WORD == 0 || !super::capitalised(word)
        {
            return None;
        }
        let named = by_last_word.get(&lower)?;
        let before = named
            .partition_point(|&(mention, _)| mention < m)
            .checked_sub(1)?;
        named.get(before).map(|&(_, organisation)| organisation)
    }
}

/// Whether the first name of `full_name` is borne almost only by the other gender than
/// `stated` ("Christopher Cooper" for "Ms. Cooper"): the two are different people.
fn first_name_contradicts(full_name: &str, stated: Gender) -> bool {
    let Some(share) = full_name
        .split_whitespace()
        .next()
        .and_then(|first| crate::gender::GivenNames::builtin().female_share(first))
    else {
        return false;
    };
    let threshold = crate::gender::DEFAULT_NAME_THRESHOLD;
    match stated {
        Gender::Female => share <= 1.0 - threshold,
        Gender::Male => share >= threshold,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use stancegraph_core::EntityType::{Gpe, Org, Per};

    use crate::resolve::test_support::{canonical_of, entity, mention, mentions, resolved};

    /// Whether the first mention "Cooper" of `text`, resolved with the tagger's `names`, is
    /// Laura Cooper.
    fn cooper_is_laura(text: &str, names: &[(&str, stancegraph_core::EntityType)]) -> bool {
        let doc = resolved(text, names);
        let laura = entity(&doc, "Laura Cooper");
        mention(&doc, "Cooper").entity.as_ref() == Some(&laura.id)
    }

    #[test]
    fn a_surname_after_an_honorific_joins_the_full_name_of_that_gender() {
        assert!(cooper_is_laura(
            "Laura Cooper testified .\nMs. Cooper left .\nJudge Christopher Cooper ruled .\n",
            &[
                ("Laura Cooper", Per),
                ("Ms. Cooper", Per),
                ("Christopher Cooper", Per),
            ],
        ));
    }

    #[test]
    fn a_surname_joins_a_person_named_before_it_rather_than_after() {
        assert!(cooper_is_laura(
            "Laura Cooper testified .\nCooper left early .\nJudge Pat Cooper ruled .\nPat Cooper spoke again .\n",
            &[
                ("Laura Cooper", Per),
                ("Cooper", Per),
                ("Pat Cooper", Per),
                ("Pat Cooper", Per),
            ],
        ));
    }

    #[test]
    fn an_organisations_head_word_alone_is_the_organisation_named_before() {
        let doc = resolved(
            "The Committee met .\nThe House Intelligence Committee met .\nThe Committee voted .\n",
            &[
                ("Committee", Org),
                ("House Intelligence Committee", Org),
                ("Committee", Org),
            ],
        );
        let named = entity(&doc, "House Intelligence Committee");
        let heads: Vec<_> = mentions(&doc, "Committee")
            .into_iter()
            .map(|m| m.entity.as_ref() == Some(&named.id))
            .collect();
        assert_eq!(heads, [false, true], "{:?}", doc.mentions);
    }

    #[test]
    fn one_word_of_a_person_name_joins_the_person_whatever_its_tag() {
        let doc = resolved(
            "Li Chenggang spoke .\nChenggang left .\nWendy Cutler agreed .\nWendy smiled .\n",
            &[
                ("Li Chenggang", Per),
                ("Chenggang", Gpe),
                ("Wendy Cutler", Per),
                ("Wendy", Per),
            ],
        );
        let chenggang = mention(&doc, "Chenggang");
        assert_eq!(canonical_of(&doc, chenggang), Some("Li Chenggang"));
        assert_eq!(chenggang.entity_type, Per);
        assert_eq!(chenggang.resolution.as_deref(), Some("alias"));
        assert_eq!(
            canonical_of(&doc, mention(&doc, "Wendy")),
            Some("Wendy Cutler")
        );
    }

    #[test]
    fn a_surname_long_before_the_only_full_name_with_it_is_someone_else() {
        let doc = resolved(
            "President Trump sued the bank .\nThe suit was filed Monday .\nThe bank was silent .\nThe panel met .\nLawyers spoke .\nEric Trump called it abuse .\n",
            &[("Trump", Per), ("Eric Trump", Per)],
        );
        assert_eq!(
            canonical_of(&doc, mention(&doc, "Trump")),
            Some("Trump"),
            "{:?}",
            doc.entities
        );
        assert_eq!(
            canonical_of(&doc, mention(&doc, "Eric Trump")),
            Some("Eric Trump")
        );
    }

    #[test]
    fn a_surname_after_an_honorific_joins_a_full_name_given_later() {
        let doc = resolved(
            "Voters chose Mr Kennedy .\nThe poll closed .\nTurnout was low .\nThe count began .\nResults came late .\nLib Dem leader Charles Kennedy spoke .\n",
            &[("Kennedy", Per), ("Charles Kennedy", Per)],
        );
        assert_eq!(
            canonical_of(&doc, mention(&doc, "Kennedy")),
            Some("Charles Kennedy")
        );
    }

    #[test]
    fn a_surname_in_a_headline_joins_the_full_name_given_in_the_lede() {
        let doc = resolved(
            "Bessent warns China .\nThe talks resumed .\nTreasury Secretary Scott Bessent spoke .\n",
            &[("Bessent", Per), ("China", Gpe), ("Scott Bessent", Per)],
        );
        assert_eq!(
            canonical_of(&doc, mention(&doc, "Bessent")),
            Some("Scott Bessent")
        );
    }

    #[test]
    fn acronym_joins_the_organisation_it_abbreviates() {
        let doc = resolved(
            "The Asia Society Policy Institute said so .\nASPI staff agreed .\n",
            &[("Asia Society Policy Institute", Org), ("ASPI", Org)],
        );
        let aspi = mention(&doc, "ASPI");
        assert_eq!(aspi.resolution.as_deref(), Some("acronym"));
        assert_eq!(
            canonical_of(&doc, aspi),
            Some("Asia Society Policy Institute")
        );
    }
}
