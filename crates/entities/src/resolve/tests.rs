//! Rules working together on short documents (each rule's own test is in its file).

use stancegraph_core::{ActorRef, EntityType, Mention, RelationClass, Target};

use super::resolve_entities;
use super::test_support::{document, entity};

#[test]
fn roles_aliases_titles_and_pronouns() {
    let text = "US Treasury Secretary Scott Bessent met Chinese Vice-Premier He Lifeng .\n\
                Bessent said he was hopeful , and the Treasury Secretary left .\n\
                Wendy Cutler , vice-president of the Asia Society Policy Institute , said she doubted it .\n";
    let mut doc = document(
        text,
        &[
            ("US", EntityType::Gpe),
            ("Scott Bessent", EntityType::Per),
            ("Chinese", EntityType::Norp),
            ("He Lifeng", EntityType::Per),
            ("Bessent", EntityType::Org),
            ("Wendy Cutler", EntityType::Per),
            ("Asia Society Policy Institute", EntityType::Org),
        ],
    );
    resolve_entities(&mut doc);
    let bessent = entity(&doc, "Scott Bessent");
    assert_eq!(bessent.key, "per:scott bessent");
    assert_eq!(bessent.roles[0].title, "Treasury Secretary");
    assert_eq!(
        bessent.roles[0].organisation.as_deref(),
        Some("US Treasury")
    );
    assert_eq!(bessent.roles[0].country.as_deref(), Some("United States"));
    let he = entity(&doc, "He Lifeng");
    assert_eq!(he.roles[0].title, "Vice-Premier");
    assert_eq!(he.roles[0].country.as_deref(), Some("China"));
    let by_text = |t: &str| {
        doc.mentions
            .iter()
            .find(|m| doc.slice(m.span) == t)
            .unwrap_or_else(|| panic!("{t}"))
    };
    // The surname joins the person even though the tagger called it an organisation.
    assert_eq!(by_text("Bessent").entity.as_ref(), Some(&bessent.id));
    assert_eq!(by_text("he").entity.as_ref(), Some(&bessent.id));
    assert_eq!(by_text("he").resolution.as_deref(), Some("pronoun"));
    assert_eq!(
        by_text("the Treasury Secretary").entity.as_ref(),
        Some(&bessent.id)
    );
    let cutler = entity(&doc, "Wendy Cutler");
    assert_eq!(
        cutler.roles[0].organisation.as_deref(),
        Some("Asia Society Policy Institute")
    );
    assert_eq!(by_text("she").entity.as_ref(), Some(&cutler.id));
    assert_eq!(entity(&doc, "United States").key, "gpe:united states");
    doc.validate().expect("valid layers");
}

#[test]
fn reports_to_metonymy_and_governments() {
    let text =
        "Li Chenggang , the top trade negotiator under Vice-Premier He Lifeng , resigned .\n\
                Beijing said the Trump administration and US officials erred in Beijing .\n\
                Donald Trump disagreed .\n";
    let mut doc = document(
        text,
        &[
            ("Li Chenggang", EntityType::Per),
            ("He Lifeng", EntityType::Per),
            ("Beijing", EntityType::Gpe),
            ("Trump", EntityType::Per),
            ("US", EntityType::Gpe),
            ("Beijing", EntityType::Gpe),
            ("Donald Trump", EntityType::Per),
        ],
    );
    resolve_entities(&mut doc);
    let li = entity(&doc, "Li Chenggang");
    let he = entity(&doc, "He Lifeng");
    assert_eq!(li.roles[0].title, "top trade negotiator");
    let link = doc
        .relations
        .iter()
        .find(|r| r.kind == "reports_to")
        .expect("reports_to");
    assert_eq!(link.class, RelationClass::Hierarchy);
    assert_eq!(link.source, ActorRef::Entity { id: li.id.clone() });
    assert_eq!(link.target, Target::Actor { id: he.id.clone() });
    // "Beijing said" is China; "in Beijing" is the city.
    let beijing: Vec<&Mention> = doc
        .mentions
        .iter()
        .filter(|m| doc.slice(m.span) == "Beijing")
        .collect();
    assert_eq!(beijing[0].resolution.as_deref(), Some("metonymy"));
    assert_eq!(beijing[0].entity.as_ref(), Some(&entity(&doc, "China").id));
    assert_ne!(beijing[1].entity, beijing[0].entity);
    let government = entity(&doc, "United States government");
    assert_eq!(government.key, "org:united states government");
    for phrase in ["the Trump administration", "US officials"] {
        let mention = doc
            .mentions
            .iter()
            .find(|m| doc.slice(m.span) == phrase)
            .expect(phrase);
        assert_eq!(mention.entity.as_ref(), Some(&government.id), "{phrase}");
    }
    // The early surname and the later full name are one person, named in full.
    let trump = entity(&doc, "Donald Trump");
    assert!(doc.relations.iter().any(|r| r.kind == "head_of"
        && r.source
            == ActorRef::Entity {
                id: trump.id.clone()
            }));
    assert_eq!(
        doc.entities
            .iter()
            .filter(|e| e.key.contains("trump") && e.entity_type == EntityType::Per)
            .count(),
        1
    );
}

#[test]
fn resolving_twice_gives_the_same_layers() {
    let text = "US President Donald Trump spoke .\nThe Trump administration agreed .\n";
    let mut doc = document(
        text,
        &[
            ("US", EntityType::Gpe),
            ("Donald Trump", EntityType::Per),
            ("Trump", EntityType::Per),
        ],
    );
    resolve_entities(&mut doc);
    let once = (
        doc.mentions.clone(),
        doc.entities.clone(),
        doc.relations.clone(),
    );
    resolve_entities(&mut doc);
    assert_eq!(
        (
            doc.mentions.clone(),
            doc.entities.clone(),
            doc.relations.clone()
        ),
        once
    );
}

#[test]
fn cross_document_key_is_type_and_plain_lower_case_words() {
    assert_eq!(
        super::entity_key(EntityType::Org, "Asia-Pacific  Council (APC)"),
        "org:asia pacific council apc"
    );
    assert_eq!(
        super::entity_key(EntityType::Per, "Ng'ang'a"),
        "per:ng'ang'a"
    );
}

#[test]
fn a_name_tagged_person_ending_in_an_organisation_word_is_an_organisation() {
    let mut doc = document(
        "The Ethics Committee met .\nCharlotte Church sang .\nAlice Union spoke .\n",
        &[
            ("Ethics Committee", EntityType::Per),
            ("Charlotte Church", EntityType::Per),
            ("Alice Union", EntityType::Per),
        ],
    );
    resolve_entities(&mut doc);
    assert_eq!(
        entity(&doc, "Ethics Committee").entity_type,
        EntityType::Org
    );
    assert_eq!(
        entity(&doc, "Charlotte Church").entity_type,
        EntityType::Per
    );
    assert_eq!(entity(&doc, "Alice Union").entity_type, EntityType::Per);
}
