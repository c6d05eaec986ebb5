//! Nationalities that stand for their country: "Chinese companies" are China's, "Indian
//! officials" India's, "Scottish ministers" the United Kingdom's, by the entities crate's
//! demonym and country lexicon (one lexicon for the whole pipeline).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use stancegraph_core::{Document, EntityType};
use stancegraph_entities::{category, Lexicon};

/// The entities crate's built-in lexicon, parsed once per process.
fn lexicon() -> &'static Lexicon {
    static LEXICON: OnceLock<Lexicon> = OnceLock::new();
    LEXICON.get_or_init(Lexicon::builtin)
}

/// Whether a lower-cased place name names `country` (lower-cased canonical), directly or by
/// one of its aliases ("scotland" names "united kingdom").
fn names_country(lexicon: &Lexicon, name: &str, country: &str) -> bool {
    name == country
        || lexicon
            .lookup(name, category::COUNTRY)
            .is_some_and(|entry| entry.canonical.to_lowercase() == country)
}

/// NORP entity id → GPE entity id of its country ("Chinese" → "China"): by the shared
/// demonym lexicon, else, for a demonym it lacks, by a shared stem of at least four
/// letters ("chin-ese" / "chin-a").
pub(crate) fn demonym_countries(doc: &Document) -> BTreeMap<String, String> {
    let lexicon = lexicon();
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
        let listed = lexicon
            .lookup(&name, category::DEMONYM)
            .and_then(|entry| entry.country.as_deref())
            .map(str::to_lowercase);
        let stem: String = ["ese", "ian", "ean", "an", "ish", "i"]
            .iter()
            .find_map(|suffix| name.strip_suffix(suffix))
            .unwrap_or(&name)
            .to_string();
        let found = countries.iter().find(|(_, names)| {
            names.iter().any(|n| match &listed {
                Some(country) => names_country(lexicon, n, country),
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

    #[test]
    fn a_demonym_the_stem_misses_finds_its_country_in_the_lexicon() {
        // "ind-ian" leaves a stem of three letters: only the lexicon links it.
        let doc = pipeline_document(
            "Indian officials rejected the proposal on Monday. India said the talks would go on.",
        );
        let india = entity_id(&doc, "India");
        let indian = entity_id(&doc, "Indian");
        assert!(
            !india.is_empty() && !indian.is_empty(),
            "{:?}",
            doc.entities
        );
        assert_eq!(super::demonym_countries(&doc).get(&indian), Some(&india));
    }

    #[test]
    fn a_demonym_of_a_constituent_nation_finds_its_state_by_an_alias() {
        // Scottish → United Kingdom in the lexicon; the document names it "Britain".
        let doc = pipeline_document(
            "Scottish ministers criticised the new rules. Britain said it would not change them.",
        );
        let britain = doc
            .entities
            .iter()
            .find(|e| e.entity_type == stancegraph_core::EntityType::Gpe)
            .map(|e| e.id.clone())
            .unwrap_or_default();
        let scottish = entity_id(&doc, "Scottish");
        assert!(
            !britain.is_empty() && !scottish.is_empty(),
            "{:?}",
            doc.entities
        );
        assert_eq!(
            super::demonym_countries(&doc).get(&scottish),
            Some(&britain)
        );
    }

    #[test]
    fn the_lexicon_reads_plurals_and_country_aliases() {
        let lexicon = super::lexicon();
        let country = |demonym: &str| {
            lexicon
                .lookup(demonym, stancegraph_entities::category::DEMONYM)
                .and_then(|e| e.country.clone())
        };
        assert_eq!(country("Indians").as_deref(), Some("India"));
        assert_eq!(country("Scottish").as_deref(), Some("United Kingdom"));
        assert!(super::names_country(lexicon, "scotland", "united kingdom"));
        assert!(super::names_country(
            lexicon,
            "united kingdom",
            "united kingdom"
        ));
        assert!(!super::names_country(lexicon, "india", "united kingdom"));
    }
}
