//! Descriptions of an organisation named before them: "the company said", "the security
//! firm", "the union", "the commission" (after "the European Commission"). News names a company, a union or an agency once or twice and then
//! describes it; without this step each such speaker is an anonymous source and the
//! organisation loses its quotes.

use std::collections::HashMap;

use stancegraph_core::{EntityType, MentionKind};

use super::{State, RESOLVE_STAGE};

/// How many sentences back a description looks for the organisation it describes.
const LOOKBACK_SENTENCES: u32 = 3;

/// Most words between "the" and the head noun ("the Canadian tech giant's firm" is too far).
const MAX_MODIFIERS: usize = 3;

impl State<'_, '_> {
    /// "the company", "the security firm", "the commission": a description resolved to an
    /// organisation of the last few sentences (see [`Self::described_organisation`]).
    pub(super) fn organisation_descriptions(&mut self) {
        let found = self.organisation_description_ranges();
        if found.is_empty() {
            return;
        }
        // How often each organisation is mentioned, and where: (token, sentence, entity).
        let mut mention_count: HashMap<usize, usize> = HashMap::new();
        let mut organisations: Vec<(usize, u32, usize)> = Vec::new();
        for w in &self.mentions {
            let Some(e) = w.entity else { continue };
            if self.entities.get(e).map(|e| e.entity_type) != Some(EntityType::Org) {
                continue;
            }
            *mention_count.entry(e).or_default() += 1;
            if let Some(sentence) = self.table.sentence(w.tokens.start) {
                organisations.push((w.tokens.start, sentence, e));
            }
        }
        organisations.sort_unstable();
        for (range, head) in found {
            let before = organisations.partition_point(|&(token, _, _)| token < range.start);
            let Some(entity) = self.described_organisation(
                &organisations[..before],
                &mention_count,
                range.start,
                head,
            ) else {
                continue;
            };
            let Some(work) = self.work(
                range,
                EntityType::Org,
                MentionKind::Nominal,
                0.7,
                RESOLVE_STAGE,
            ) else {
                continue;
            };
            self.push_assigned(work, entity, "description", 0.6);
        }
        self.sort_mentions();
    }

    /// The organisation a description at token `start` with head noun `head` refers to,
    /// among `earlier` (organisation mentions before it, in order), looking back
    /// [`LOOKBACK_SENTENCES`] sentences: the latest whose name holds the head ("the bank"
    /// after "European Central Bank"); else, for an organisation noun, the most mentioned
    /// of the latest sentence naming any ("Procter & Gamble rallied. The company said").
    fn described_organisation(
        &self,
        earlier: &[(usize, u32, usize)],
        mention_count: &HashMap<usize, usize>,
        start: usize,
        head: usize,
    ) -> Option<usize> {
        let sentence = self.table.sentence(start)?;
        let window: Vec<(u32, usize)> = earlier
            .iter()
            .rev()
            .take_while(|&&(_, s, _)| s + LOOKBACK_SENTENCES >= sentence)
            .map(|&(_, s, e)| (s, e))
            .collect();
        let head_word = self.lower(head);
        let holds_head = |e: usize| {
            self.entities.get(e).is_some_and(|e| {
                e.canonical
                    .split_whitespace()
                    .any(|w| w.eq_ignore_ascii_case(head_word))
            })
        };
        if let Some(&(_, e)) = window.iter().find(|&&(_, e)| holds_head(e)) {
            return Some(e);
        }
        if !self.lexicon().is_organisation_noun(head_word) {
            return None;
        }
        let latest = window.first()?.0;
        window
            .iter()
            .take_while(|&&(s, _)| s == latest)
            .enumerate()
            // The most mentioned, then the latest (the smallest distance back).
            .max_by_key(|&(back, &(_, e))| {
                (
                    mention_count.get(&e).copied().unwrap_or(0),
                    usize::MAX - back,
                )
            })
            .map(|(_, &(_, e))| e)
    }

    /// "the" + up to three lower-case modifiers + an organisation or institution noun, in
    /// one sentence, covering no other mention and naming no one after ("the company
    /// Tesla" is the name's apposition, "the group of seven" another thing): the token
    /// ranges and their head nouns.
    fn organisation_description_ranges(&self) -> Vec<(std::ops::Range<usize>, usize)> {
        let mut found = Vec::new();
        for i in 0..self.table.len() {
            if self.lower(i) != "the" {
                continue;
            }
            let head = (i + 1..self.table.len())
                .take(MAX_MODIFIERS + 1)
                .take_while(|&j| self.same_sentence(i, j))
                .take_while(|&j| self.word(j).starts_with(|c: char| c.is_lowercase()))
                .find(|&j| {
                    let lower = self.lower(j);
                    self.lexicon().is_organisation_noun(lower)
                        || self.lexicon().is_institution_noun(lower)
                });
            let Some(head) = head else { continue };
            let after = head + 1;
            let names_another = after < self.table.len()
                && self.same_sentence(head, after)
                && (self.lower(after) == "of" || self.mention_at_token(after).is_some());
            if names_another || (i..=head).any(|j| self.mention_at_token(j).is_some()) {
                continue;
            }
            found.push((i..after, head));
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use stancegraph_core::EntityType::{Org, Per};

    use super::super::test_support::{canonical_of, mention, mentions, resolved};

    #[test]
    fn the_company_is_the_organisation_named_before() {
        let doc = resolved(
            "Tesla cut prices , Elon Musk said .\nThe company said demand was strong .\n",
            &[("Tesla", Org), ("Elon Musk", Per)],
        );
        let company = mention(&doc, "The company");
        assert_eq!(canonical_of(&doc, company), Some("Tesla"));
    }

    #[test]
    fn the_organisation_of_the_latest_sentence_wins_over_one_named_more() {
        let doc = resolved(
            "IBM rose .\nIBM gained .\nCrest maker Procter & Gamble rallied .\nThe company \
             said profit rose .\n",
            &[("IBM", Org), ("IBM", Org), ("Procter & Gamble", Org)],
        );
        let company = mention(&doc, "The company");
        assert_eq!(canonical_of(&doc, company), Some("Procter & Gamble"));
    }

    #[test]
    fn an_institution_noun_refers_only_to_a_name_holding_it() {
        let doc = resolved(
            "The European Commission fined Tesla .\nThe commission said so .\nTesla \
             appealed .\nThe council agreed .\n",
            &[("European Commission", Org), ("Tesla", Org), ("Tesla", Org)],
        );
        let commission = mention(&doc, "The commission");
        assert_eq!(canonical_of(&doc, commission), Some("European Commission"));
        assert!(mentions(&doc, "The council").is_empty());
    }

    #[test]
    fn no_organisation_nearby_or_another_thing_named_stays_unresolved() {
        let doc = resolved(
            "Unilever grew .\nSales rose .\nPrices fell .\nCosts fell .\nThe company said \
             so .\nUnilever left the group of seven .\n",
            &[("Unilever", Org), ("Unilever", Org)],
        );
        assert!(mentions(&doc, "The company").is_empty());
        assert!(mentions(&doc, "the group").is_empty());
    }
}
