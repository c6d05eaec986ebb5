//! One type per name per document: a tagger may call the same multi-word name a person in
//! one sentence and an organisation in the next ("He Lifeng" PER three times, ORG once at
//! 0.30). Such a split makes two actors of one. Every mention of the name takes the type
//! with the most tagger confidence over all its mentions. One-word names are left alone:
//! "Ford" or "Washington" can be a person and a company or a place in one article.

use std::collections::HashMap;

use stancegraph_core::EntityType;

use super::Work;

/// Relabels the name mentions of `works` whose words (case-insensitive) occur under more
/// than one type to the type with the highest summed confidence (ties: the first mention's).
pub(super) fn unify_name_types(works: &mut [Work]) {
    let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, work) in works.iter().enumerate() {
        if work.words.len() > 1 {
            by_name
                .entry(work.words.join(" ").to_lowercase())
                .or_default()
                .push(i);
        }
    }
    for indices in by_name.values().filter(|list| list.len() > 1) {
        let first_type = works[indices[0]].entity_type;
        if indices.iter().all(|&i| works[i].entity_type == first_type) {
            continue;
        }
        let mut weight: Vec<(EntityType, f32)> = Vec::new();
        for &i in indices {
            let (entity_type, confidence) = (works[i].entity_type, works[i].confidence);
            match weight.iter_mut().find(|(t, _)| *t == entity_type) {
                Some((_, sum)) => *sum += confidence,
                None => weight.push((entity_type, confidence)),
            }
        }
        // The first type seen wins ties: `max_by` keeps the last maximum, so scan reversed.
        let Some(&(winner, _)) = weight.iter().rev().max_by(|a, b| a.1.total_cmp(&b.1)) else {
            continue;
        };
        for &i in indices {
            works[i].entity_type = winner;
        }
    }
}

#[cfg(test)]
mod tests {
    use stancegraph_core::EntityType::{Org, Per};

    use crate::resolve::resolve_entities;
    use crate::resolve::test_support::{canonical_of, document, mentions};

    #[test]
    fn a_name_tagged_two_ways_takes_the_type_it_has_most_surely() {
        let mut doc = document(
            "Bessent met He Lifeng .\nHe Lifeng spoke .\nBessent and He Lifeng will meet .\n",
            &[("He Lifeng", Per), ("He Lifeng", Per), ("He Lifeng", Org)],
        );
        doc.mentions[2].confidence = 0.3;
        resolve_entities(&mut doc);
        let found = mentions(&doc, "He Lifeng");
        assert_eq!(found.len(), 3);
        assert!(found.iter().all(|m| m.entity_type == Per), "{found:?}");
        assert!(found
            .iter()
            .all(|m| canonical_of(&doc, m) == Some("He Lifeng")));
        assert_eq!(
            doc.entities
                .iter()
                .filter(|e| e.canonical == "He Lifeng")
                .count(),
            1
        );
    }

    #[test]
    fn a_one_word_name_may_keep_two_types() {
        let doc = {
            let mut doc = document(
                "Ford spoke .\nFord shares fell .\n",
                &[("Ford", Per), ("Ford", Org)],
            );
            resolve_entities(&mut doc);
            doc
        };
        let types: Vec<_> = mentions(&doc, "Ford")
            .iter()
            .map(|m| m.entity_type)
            .collect();
        assert_eq!(types, vec![Per, Org]);
    }
}
