//! Golden test on the seed article: its actors, their roles, one entity per person, and
//! nothing from the spam lines. Runs the default pipeline up to entity resolution.

use stancegraph_core::{ActorRef, Document, Entity, EntityType, MentionKind, Target};
use stancegraph_testkit::{is_in_heading, records_on_spam_lines, seed_until};

/// The seed through ingest, the linguistic core and the entity stages, as `stancegraph
/// run` processes it.
fn analysed() -> Document {
    seed_until("entities.resolve")
}

fn entity<'a>(doc: &'a Document, canonical: &str) -> &'a Entity {
    doc.entities
        .iter()
        .find(|e| e.canonical == canonical)
        .unwrap_or_else(|| {
            panic!(
                "no entity `{canonical}` in {:#?}",
                doc.entities
                    .iter()
                    .map(|e| &e.canonical)
                    .collect::<Vec<_>>()
            )
        })
}

#[test]
fn seed_article_actors_roles_and_resolution() {
    let doc = analysed();
    let summary: Vec<String> = doc
        .entities
        .iter()
        .map(|e| {
            format!(
                "{} {} {:?} {:?}",
                e.id,
                e.key,
                e.aliases,
                e.roles
                    .iter()
                    .map(|r| (&r.title, &r.organisation, &r.country))
                    .collect::<Vec<_>>()
            )
        })
        .collect();
    eprintln!("{}", summary.join("\n"));

    let bessent = entity(&doc, "Scott Bessent");
    assert_eq!(bessent.entity_type, EntityType::Per);
    assert_eq!(bessent.key, "per:scott bessent");
    let role = bessent
        .roles
        .iter()
        .find(|r| r.title == "Treasury Secretary")
        .expect("Bessent's role");
    assert_eq!(role.organisation.as_deref(), Some("US Treasury"));
    assert_eq!(role.country.as_deref(), Some("United States"));

    // One entity per person, whatever the form of the name.
    for (canonical, surname) in [
        ("Donald Trump", "trump"),
        ("Xi Jinping", "xi"),
        ("Scott Bessent", "bessent"),
    ] {
        let people: Vec<&Entity> = doc
            .entities
            .iter()
            .filter(|e| {
                e.entity_type == EntityType::Per
                    && e.canonical.to_lowercase().split(' ').any(|w| w == surname)
            })
            .collect();
        assert_eq!(people.len(), 1, "{canonical}: {people:?}");
        assert_eq!(people[0].canonical, canonical);
    }
    let trump = entity(&doc, "Donald Trump");
    assert!(
        trump.roles.iter().any(|r| r.title == "President"),
        "{:?}",
        trump.roles
    );
    let xi = entity(&doc, "Xi Jinping");
    assert!(
        xi.roles
            .iter()
            .any(|r| r.title == "leader" && r.country.as_deref() == Some("China")),
        "{:?}",
        xi.roles
    );
    // "the President" is Trump; "President Xi" is Xi.
    let mention_of = |text: &str| doc.mentions.iter().find(|m| doc.slice(m.span) == text);
    let president = mention_of("The President").expect("nominal mention `The President`");
    assert_eq!(president.kind, MentionKind::Nominal);
    assert_eq!(president.entity.as_deref(), Some(trump.id.as_str()));
    assert_eq!(president.resolution.as_deref(), Some("title"));

    let he = entity(&doc, "He Lifeng");
    assert_eq!(he.entity_type, EntityType::Per);
    assert!(
        he.roles
            .iter()
            .any(|r| r.title == "Vice-Premier" && r.country.as_deref() == Some("China")),
        "{:?}",
        he.roles
    );
    assert!(
        !doc.entities.iter().any(|e| e.canonical == "He"),
        "\"He\" of He Lifeng must not be its own entity"
    );

    let li = entity(&doc, "Li Chenggang");
    assert!(
        li.roles.iter().any(|r| r.title == "top trade negotiator"),
        "{:?}",
        li.roles
    );
    assert!(doc.relations.iter().any(|r| r.kind == "reports_to"
        && r.source == ActorRef::Entity { id: li.id.clone() }
        && r.target == Target::Actor { id: he.id.clone() }));

    let cutler = entity(&doc, "Wendy Cutler");
    let role = cutler
        .roles
        .iter()
        .find(|r| r.title == "vice-president")
        .expect("Cutler's role");
    assert_eq!(
        role.organisation.as_deref(),
        Some("Asia Society Policy Institute")
    );
    assert_eq!(
        entity(&doc, "Asia Society Policy Institute").entity_type,
        EntityType::Org
    );

    let china = entity(&doc, "China");
    assert_eq!(china.key, "gpe:china");
    let us = entity(&doc, "United States");
    assert_eq!(us.entity_type, EntityType::Gpe);
    // "Beijing’s recent imposition": the capital acting for the country.
    let beijing = mention_of("Beijing").expect("Beijing mention");
    assert_eq!(beijing.entity.as_deref(), Some(china.id.as_str()));
    assert_eq!(beijing.resolution.as_deref(), Some("metonymy"));
    // "the Trump administration" is the US government.
    let administration = mention_of("the Trump administration").expect("government mention");
    let government = doc
        .entities
        .iter()
        .find(|e| Some(&e.id) == administration.entity.as_ref())
        .expect("government entity");
    assert_eq!(government.key, "org:united states government");

    // Nothing from the spam lines.
    assert_eq!(records_on_spam_lines(&doc), Vec::<String>::new());
    assert!(!doc
        .entities
        .iter()
        .any(|e| e.canonical.contains("Industrial Monitor")));
    // Title-case headings are not names.
    let from_headings: Vec<&str> = doc
        .mentions
        .iter()
        .filter(|m| is_in_heading(m.span))
        .map(|m| doc.slice(m.span))
        .collect();
    assert!(
        from_headings.is_empty(),
        "mentions in headings: {from_headings:?}"
    );
    for heading in [
        "Diplomatic",
        "Maneuvers",
        "Dynamics",
        "Path Forward",
        "Geopolitical",
    ] {
        assert!(
            !doc.entities.iter().any(|e| e.canonical.contains(heading)),
            "entity from a heading: {heading}"
        );
    }
}

/// The pronoun mention at the first `they`/`their` after `context` in the seed article.
fn pronoun_after<'a>(doc: &'a Document, context: &str) -> Option<&'a stancegraph_core::Mention> {
    let at = doc.text().find(context)? + context.len();
    doc.mentions
        .iter()
        .filter(|m| m.kind == MentionKind::Pronoun && m.span.start >= at)
        .min_by_key(|m| m.span.start)
        .filter(|m| m.span.start < at + 40)
}

/// Plural pronouns go to the story's salient actor, not to the last organisation or an
/// adjectival nationality, and are left alone after people joined by "and".
#[test]
fn plural_pronouns_follow_salience() {
    let doc = analysed();
    let china = entity(&doc, "China").id.clone();
    // "… ISS challenging Tesla’s governance … stating, “… They want to meet.”"
    let they = pronoun_after(&doc, "going forward. ").expect("They want to meet");
    assert_eq!(they.entity.as_deref(), Some(china.as_str()));
    // "Maybe there is some Leninist business model …, but they are the largest supplier"
    let they = pronoun_after(&doc, "a good idea, but ").expect("they are the largest supplier");
    assert_eq!(they.entity.as_deref(), Some(china.as_str()));
    // "As Bessent and He Lifeng prepare for their critical meeting": no single actor.
    let at = doc.text().find("prepare for their").expect("seed sentence");
    assert!(!doc
        .mentions
        .iter()
        .any(|m| m.kind == MentionKind::Pronoun && m.span.start > at && m.span.start < at + 20));
}

/// Dates are marked (the November 1 deadline, the December 1 start of the controls) but
/// never become actors.
#[test]
fn seed_dates_are_mentions_not_actors() {
    let doc = analysed();
    let dates: Vec<&str> = doc
        .mentions
        .iter()
        .filter(|m| m.entity_type == EntityType::Date)
        .map(|m| doc.slice(m.span))
        .collect();
    for wanted in ["November 1", "December 1"] {
        assert!(dates.contains(&wanted), "{wanted} not in {dates:?}");
    }
    assert!(doc
        .mentions
        .iter()
        .filter(|m| matches!(m.entity_type, EntityType::Date | EntityType::Money))
        .all(|m| m.entity.is_none()));
    assert!(doc
        .entities
        .iter()
        .all(|e| !matches!(e.entity_type, EntityType::Date | EntityType::Money)));
}
