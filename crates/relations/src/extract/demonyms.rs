//! Nationalities that stand for their country: "Chinese companies" are China's.

use std::collections::BTreeMap;

use stancegraph_core::{Document, EntityType};

/// Demonyms the entities stage may keep apart from their country.
const DEMONYMS: &[(&str, &[&str])] = &[
    (
        "american",
        &["united states", "us", "u.s.", "america", "usa"],
    ),
    ("british", &["united kingdom", "uk", "britain"]),
    ("dutch", &["netherlands"]),
    ("french", &["france"]),
    ("swiss", &["switzerland"]),
    ("israeli", &["israel"]),
    ("iraqi", &["iraq"]),
    ("pakistani", &["pakistan"]),
];

/// NORP entity id → GPE entity id of its country ("Chinese" → "China"): by a small demonym
/// table, else by a shared stem of at least four letters ("chin-ese" / "chin-a").
pub(crate) fn demonym_countries(doc: &Document) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    let countries: Vec<(&str, Vec<String>)> = doc
        .entities
        .iter()
        .filter(|e| e.entity_type == EntityType::Gpe)
        .map(|e| {
            (
                e.id.as_str(),
                std::iter::once(&e.canonical)
                    .chain(&e.aliases)
                    .map(|n| n.to_lowercase())
                    .collect(),
            )
        })
        .collect();
    for norp in doc
        .entities
        .iter()
        .filter(|e| e.entity_type == EntityType::Norp)
    {
        let name = norp.canonical.to_lowercase();
        let table = DEMONYMS.iter().find(|(d, _)| *d == name).map(|(_, c)| *c);
        let stem: String = ["ese", "ian", "ean", "an", "ish", "i"]
            .iter()
            .find_map(|suffix| name.strip_suffix(suffix))
            .unwrap_or(&name)
            .to_string();
        let found = countries.iter().find(|(_, names)| {
            names.iter().any(|n| match table {
                Some(list) => list.contains(&n.as_str()),
                None => stem.chars().count() >= 4 && n.starts_with(&stem),
            })
        });
        if let Some((id, _)) = found {
            map.insert(norp.id.clone(), id.to_string());
        }
    }
    map
}

#[cfg(test)]
mod tests {
    use crate::extract::view::View;
    use crate::test_support::pipeline_document;

    fn entity_id(doc: &stancegraph_core::Document, name: &str) -> String {
        doc.entities
            .iter()
            .find(|e| e.canonical == name)
            .map(|e| e.id.clone())
            .unwrap_or_default()
    }

    #[test]
    fn a_nationality_stands_for_its_country() {
        let doc = pipeline_document(
            "Chinese companies were hit hard. China condemned the United States over the tariffs.",
        );
        let china = entity_id(&doc, "China");
        let chinese = entity_id(&doc, "Chinese");
        assert_eq!(
            super::demonym_countries(&doc).get(&chinese),
            Some(&china),
            "{:?}",
            doc.entities
        );
        let view = View::new(&doc);
        let first = view.actors.first().expect("an actor");
        assert!(first.demonym && first.entity == china);
    }

    #[test]
    fn a_nationality_without_its_country_in_the_document_stays_itself() {
        let doc = pipeline_document(
            "French farmers protested on Monday. The European Commission did not comment.",
        );
        assert!(
            super::demonym_countries(&doc).is_empty(),
            "{:?}",
            doc.entities
        );
    }

    #[test]
    fn a_listed_demonym_finds_its_country_by_another_name() {
        let doc = pipeline_document(
            "American farmers protested on Monday. The US government did not comment.",
        );
        let map = super::demonym_countries(&doc);
        assert_eq!(map.len(), 1, "{:?}", doc.entities);
    }
}
