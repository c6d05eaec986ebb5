//! Trigger rules on two- and three-sentence documents.

use stancegraph_core::Polarity;

use crate::test_support::{
    named, named_relations, opposes, pipeline_document, rule_findings, supports,
};

/// Stances and relations the trigger rules read in the first sentence of `text`.
#[allow(clippy::type_complexity)]
fn first_sentence(
    text: &str,
) -> (
    Vec<(String, Polarity, String)>,
    Vec<(String, String, String)>,
) {
    let doc = pipeline_document(text);
    let found = rule_findings(&doc, |x, view, out| x.trigger_rules(view, 0, out));
    (
        named(&doc, &found.stances),
        named_relations(&doc, &found.relations),
    )
}

/// `holder` opposes `target`, and not the other way round.
fn assert_opposes_one_way(stances: &[(String, Polarity, String)], holder: &str, target: &str) {
    assert!(
        opposes(stances, holder, target) && !opposes(stances, target, holder),
        "{stances:?}"
    );
}

#[test]
fn defending_against_someone_opposes_them() {
    let (stances, _) = first_sentence(
        "Dee Margo defended the city against attacks on its character by Donald Trump. The mayor said nothing else.",
    );
    assert!(
        opposes(&stances, "Dee Margo", "Donald Trump"),
        "{stances:?}"
    );
    assert!(
        !supports(&stances, "Dee Margo", "Donald Trump"),
        "{stances:?}"
    );
}

#[test]
fn dismissing_the_critics_of_someone_supports_them() {
    let (stances, _) = first_sentence(
        "Hogan Gidley dismissed those who have criticized Donald Trump for his attacks. The White House said nothing else.",
    );
    assert!(
        supports(&stances, "Hogan Gidley", "Donald Trump"),
        "{stances:?}"
    );
    assert!(
        !opposes(&stances, "Hogan Gidley", "Donald Trump"),
        "{stances:?}"
    );
}

#[test]
fn a_verb_gives_its_subject_a_stance_toward_its_object() {
    let (stances, relations) =
        first_sentence("Angela Merkel criticised Vladimir Putin on Monday. She spoke in Berlin.");
    assert_opposes_one_way(&stances, "Angela Merkel", "Vladimir Putin");
    assert!(relations.contains(&(
        "Angela Merkel".into(),
        "criticise".into(),
        "Vladimir Putin".into()
    )));
}

#[test]
fn a_passive_gives_the_agent_the_stance() {
    let (stances, _) = first_sentence(
        "Vladimir Putin was criticised by Angela Merkel on Monday. The Kremlin did not reply.",
    );
    assert_opposes_one_way(&stances, "Angela Merkel", "Vladimir Putin");
}

#[test]
fn a_phrase_object_is_an_issue() {
    let (stances, _) = first_sentence(
        "Angela Merkel criticised the new steel tariffs on Monday. She spoke in Berlin.",
    );
    assert!(
        stances.iter().any(|(h, p, t)| h == "Angela Merkel"
            && *p == Polarity::Oppose
            && t.starts_with("issue:")
            && t.contains("tariff")),
        "{stances:?}"
    );
}

#[test]
fn a_lawsuit_opposes_and_a_tribute_supports() {
    let (stances, _) = first_sentence(
        "Donald Trump has filed suit against Deutsche Bank over the subpoenas. The bank did not respond.",
    );
    assert_opposes_one_way(&stances, "Donald Trump", "Deutsche Bank");
    let (stances, _) = first_sentence(
        "Mitt Romney has bucked Donald Trump on the emergency declaration. The vote was close.",
    );
    assert_opposes_one_way(&stances, "Mitt Romney", "Donald Trump");
    let (stances, _) =
        first_sentence("Donald Trump paid tribute to Joe Biden in his speech. The crowd cheered.");
    assert!(
        supports(&stances, "Donald Trump", "Joe Biden"),
        "{stances:?}"
    );
}

#[test]
fn firing_and_investigating_oppose_and_siding_or_eulogizing_supports() {
    for (text, holder, target) in [
        (
            "Donald Trump fired James Comey in May. The White House gave no reason.",
            "Donald Trump",
            "James Comey",
        ),
        (
            "Trey Gowdy will investigate Hillary Clinton next week. She said nothing.",
            "Trey Gowdy",
            "Hillary Clinton",
        ),
    ] {
        let (stances, _) = first_sentence(text);
        assert_opposes_one_way(&stances, holder, target);
    }
    for (text, holder, target) in [
        (
            "Reed O'Connor sided with Greg Abbott in December. Experts were stunned.",
            "Reed O'Connor",
            "Greg Abbott",
        ),
        (
            "Barack Obama eulogized Beau Biden on Saturday. Mourners filled the church.",
            "Barack Obama",
            "Beau Biden",
        ),
    ] {
        let (stances, _) = first_sentence(text);
        assert!(supports(&stances, holder, target), "{text}: {stances:?}");
    }
}

#[test]
fn a_negated_or_refused_trigger_states_nothing() {
    for text in [
        "Angela Merkel did not criticise Vladimir Putin on Monday. She spoke in Berlin.",
        "Angela Merkel declined to criticise Vladimir Putin on Monday. She spoke in Berlin.",
        "Angela Merkel refused to criticise Vladimir Putin on Monday. She spoke in Berlin.",
    ] {
        let (stances, relations) = first_sentence(text);
        assert!(stances.is_empty(), "{text}: {stances:?}");
        assert!(relations.is_empty(), "{text}: {relations:?}");
    }
}

#[test]
fn a_noun_trigger_after_in_is_an_idiom() {
    let (stances, relations) = first_sentence(
        "Angela Merkel was in charge of relations with Vladimir Putin. She left in 2021.",
    );
    assert!(
        !relations.iter().any(|(_, kind, _)| kind == "accuse"),
        "{relations:?}"
    );
    assert!(
        !opposes(&stances, "Angela Merkel", "Vladimir Putin"),
        "{stances:?}"
    );
}

#[test]
fn a_conflict_without_an_object_takes_another_actor_of_the_sentence() {
    let (stances, relations) = first_sentence(
        "Donald Trump responded to China's new export rules, threatening to impose tariffs. Markets fell.",
    );
    assert!(opposes(&stances, "Donald Trump", "China"), "{stances:?}");
    assert!(
        relations.contains(&("Donald Trump".into(), "threaten".into(), "China".into())),
        "{relations:?}"
    );
}

#[test]
fn coordinated_holders_of_a_symmetric_event_meet_and_their_meeting_repeats() {
    let doc = pipeline_document(
        "Joe Biden and Xi Jinping held talks on Tuesday. Their planned Geneva meeting was postponed.",
    );
    let found = rule_findings(&doc, |x, view, out| {
        x.trigger_rules(view, 0, out);
        x.trigger_rules(view, 1, out);
    });
    let meetings: Vec<_> = found
        .relations
        .iter()
        .filter(|r| r.kind == "meet")
        .collect();
    assert_eq!(meetings.len(), 2, "{:?}", found.relations);
    let pair = named_relations(&doc, &found.relations);
    assert!(
        pair.iter()
            .all(|(s, _, t)| s == "Joe Biden" && t == "Xi Jinping"),
        "{pair:?}"
    );
    assert_eq!(
        meetings[1].attributes.get("location").map(String::as_str),
        Some("Geneva")
    );
    assert!(found.stances.is_empty(), "meetings state no stance");
}

#[test]
fn every_actor_listed_as_the_object_is_a_target() {
    let (stances, _) = first_sentence(
        "Donald Trump filed suit against Deutsche Bank and Capital One on Monday. The banks declined to comment.",
    );
    assert_opposes_one_way(&stances, "Donald Trump", "Deutsche Bank");
    assert_opposes_one_way(&stances, "Donald Trump", "Capital One");
}

#[test]
fn every_agent_listed_after_by_holds_the_stance() {
    let (stances, _) = first_sentence(
        "Donald Trump was criticised by Nancy Pelosi and Chuck Schumer on Monday. He did not reply.",
    );
    assert_opposes_one_way(&stances, "Nancy Pelosi", "Donald Trump");
    assert_opposes_one_way(&stances, "Chuck Schumer", "Donald Trump");
}

#[test]
fn a_passive_without_an_agent_gives_its_subject_no_stance() {
    let (stances, _) =
        first_sentence("Andrew McCabe was fired from the FBI in March. He sued the bureau later.");
    // The FBI's canonical name is the gazetteer's: McCabe holds no stance at all.
    assert!(
        !stances
            .iter()
            .any(|(holder, _, _)| holder == "Andrew McCabe"),
        "{stances:?}"
    );
}

#[test]
fn a_relative_passive_agent_stands_toward_the_antecedent() {
    let (stances, _) = first_sentence(
        "Reed O'Connor, who was also nominated by George W. Bush, struck down the law. Democrats appealed.",
    );
    assert!(
        supports(&stances, "George W. Bush", "Reed O'Connor")
            && !supports(&stances, "Reed O'Connor", "George W. Bush"),
        "{stances:?}"
    );
}

#[test]
fn an_agent_is_the_actor_right_after_by() {
    let (stances, _) = first_sentence(
        "The owners of Rover, who have been accused by unions of greed, met Gordon Brown. They left.",
    );
    assert!(
        !stances
            .iter()
            .any(|(_, p, t)| *p == Polarity::Oppose && t == "Rover"),
        "{stances:?}"
    );
}

#[test]
fn charged_with_is_a_passive_and_places_listed_after_in_are_no_targets() {
    let (stances, _) = first_sentence(
        "Katerina Thanou had been charged with missing tests in Tel Aviv, Chicago and Athens. She denied it.",
    );
    assert!(stances.is_empty(), "{stances:?}");
    let (stances, _) = first_sentence(
        "Greece criticised the handling of the tests in Tel Aviv, Chicago and Athens. Officials agreed.",
    );
    let places = ["Tel Aviv", "Chicago", "Athens"];
    assert!(
        !stances.iter().any(|(_, _, t)| places.contains(&t.as_str())),
        "{stances:?}"
    );
}
