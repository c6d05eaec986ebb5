//! Merging real-looking documents: the seed article's required edges, idempotence, order
//! independence, incremental merging, and the golden node-link output.

mod common;

use common::*;
use serde_json::Value;
use stancegraph_core::{Polarity, Sign};
use stancegraph_graph::{EdgeKind, KnowledgeGraph, Node};

macro_rules! seed_or_skip {
    () => {
        match seed_document() {
            Some(doc) => doc,
            None => {
                eprintln!(
                    "skipping: {} not found",
                    stancegraph_testkit::seed_path().display()
                );
                return;
            }
        }
    };
}

fn graph_of(docs: &[&stancegraph_core::Document]) -> KnowledgeGraph {
    let mut graph = KnowledgeGraph::new();
    for doc in docs {
        graph.merge_document(doc);
    }
    graph
}

/// The text between code point offsets, as Python would slice it.
fn chars(text: &str, start: usize, end: usize) -> String {
    text.chars().skip(start).take(end - start).collect()
}

#[test]
fn seed_graph_has_the_required_edges_with_code_point_evidence() {
    let seed = seed_or_skip!();
    let graph = graph_of(&[&seed]);

    let opposes = graph.edges_between("Scott Bessent", EXPORT_CONTROLS);
    let stance = opposes
        .iter()
        .find(|e| e.kind == EdgeKind::Stance)
        .expect("Bessent → export controls stance");
    assert_eq!(stance.polarity, Polarity::Oppose);
    let evidence = &stance.evidence[0];
    assert!(
        evidence.text.contains("substantial unprovoked escalation"),
        "{}",
        evidence.text
    );
    assert_eq!(
        evidence.trigger.as_deref(),
        Some("substantial unprovoked escalation")
    );
    // Offsets are code points: the sentence follows curly quotes and apostrophes.
    assert_eq!(
        chars(seed.text(), evidence.start, evidence.end),
        evidence.text
    );
    assert_ne!(
        seed.text().get(evidence.start..evidence.end),
        Some(evidence.text.as_str()),
        "byte offsets leaked"
    );

    let reports = graph.edges_between("Li Chenggang", "He Lifeng");
    assert!(
        reports
            .iter()
            .any(|e| e.kind == EdgeKind::Hierarchy && e.label == "reports_to"),
        "{reports:?}"
    );

    let meets = graph.edges_between("Bessent", "He Lifeng");
    let meet = meets.iter().find(|e| e.label == "meet").expect("meet edge");
    assert_eq!(meet.sign, Some(Sign::Cooperation));
    assert_eq!(
        meet.attributes.get("location"),
        Some(&vec!["Malaysia".to_string()])
    );

    let threat = graph.edges_between("Trump", "China");
    assert!(
        threat
            .iter()
            .any(|e| e.label == "threaten" && e.polarity == Polarity::Oppose),
        "{threat:?}"
    );
    let accuse = graph.edges_between("Beijing", "US");
    assert!(accuse.iter().any(|e| e.label == "accuse"), "{accuse:?}");
    let positive = graph.edges_between("the President", "Xi");
    assert!(positive
        .iter()
        .any(|e| e.kind == EdgeKind::Stance && e.polarity == Polarity::Support));
    let dispute = graph.edges_between("Wendy Cutler", "Bessent");
    assert!(dispute.iter().any(|e| e.polarity == Polarity::Oppose
        && e.evidence[0].trigger.as_deref() == Some("challenged")));

    // One node each for Trump and Xi, with their aliases and mention counts.
    let view = graph.view();
    let trumps: Vec<&Node> = view
        .nodes
        .iter()
        .filter(|n| n.label().contains("Trump"))
        .collect();
    assert_eq!(trumps.len(), 1, "{trumps:?}");
    let xi = graph.actor("Xi Jinping").expect("Xi node");
    assert!(xi.aliases.contains(&"President Xi".to_string()));
    assert_eq!(xi.mentions, seed.text().matches("Xi").count() as u64);

    // Roles, and affiliations derived from them.
    let bessent = graph.actor("Bessent").expect("Bessent");
    assert!(bessent
        .roles
        .iter()
        .any(|r| r.title == "Treasury Secretary"));
    for (person, title) in [
        ("Wendy Cutler", "vice-president"),
        ("He Lifeng", "Vice-Premier"),
        ("Li Chenggang", "top trade negotiator"),
    ] {
        let actor = graph.actor(person).expect(person);
        assert!(
            actor.roles.iter().any(|r| r.title == title),
            "{person}: {:?}",
            actor.roles
        );
    }
    let cutler_org = graph.edges_between("Wendy Cutler", "Asia Society Policy Institute");
    assert!(cutler_org
        .iter()
        .any(|e| e.kind == EdgeKind::Affiliation && e.label == "vice-president"));
    assert!(
        graph.actor("US Treasury").is_some(),
        "role organisation becomes an actor"
    );

    // Quotes: Bessent is quoted twice in the article.
    let said = graph.edges_of("Bessent", EdgeKind::Said);
    assert_eq!(said.len(), 1);
    assert_eq!(said[0].weight, 2);
    assert_eq!(said[0].target, "doc:000_668776db8feb23be");

    // Anonymous sources are per document and never merged with named actors.
    let analysts = graph.actor("analysts").expect("anonymous analysts");
    assert!(analysts.anonymous);
    assert_eq!(analysts.id, "anon:000_668776db8feb23be:analysts");

    // Actors named in one sentence co-occur (one edge per pair, source < target by id).
    let together = graph.edges_between("Donald Trump", "Xi Jinping");
    let co = together
        .iter()
        .find(|e| e.kind == EdgeKind::CoOccurrence)
        .expect("Trump and Xi co-occur");
    assert_eq!(co.weight, 2, "two sentences name both");
    assert!(graph.edges_between("Xi Jinping", "Donald Trump").is_empty());

    // The petgraph view has the same shape: one weakly connected graph plus the anonymous
    // analysts and the issue only they speak about.
    let petgraph = graph.view().petgraph();
    assert_eq!(
        (petgraph.node_count(), petgraph.edge_count()),
        (graph.node_count(), graph.edge_count())
    );
    assert_eq!(petgraph::algo::connected_components(&petgraph), 2);

    // Nothing from the spam lines.
    let json = graph.to_node_link().to_string();
    assert!(
        !json.contains("Industrial Monitor"),
        "spam leaked into the graph"
    );
}

#[test]
fn node_link_has_the_networkx_shape() {
    let seed = seed_or_skip!();
    let value = graph_of(&[&seed]).to_node_link();
    assert_eq!(value["directed"], true);
    assert_eq!(value["multigraph"], true);
    assert!(value["graph"].is_object());
    let nodes = value["nodes"].as_array().expect("nodes");
    for node in nodes {
        for field in ["id", "kind", "label", "type"] {
            assert!(node.get(field).is_some(), "node lacks {field}: {node}");
        }
    }
    let actor = nodes
        .iter()
        .find(|n| n["id"] == "per:scott bessent")
        .expect("Bessent node");
    assert!(actor["aliases"].is_array() && actor["roles"].is_array());
    let links = value["links"].as_array().expect("links");
    for link in links {
        for field in [
            "source",
            "target",
            "key",
            "kind",
            "polarity",
            "label",
            "confidence",
            "evidence",
        ] {
            assert!(link.get(field).is_some(), "link lacks {field}: {link}");
        }
        for ev in link["evidence"].as_array().expect("evidence list") {
            for field in ["doc", "start", "end", "text"] {
                assert!(ev.get(field).is_some(), "evidence lacks {field}");
            }
        }
    }
    // Multigraph keys are unique per (source, target).
    let mut keys: Vec<(String, String, String)> = links
        .iter()
        .map(|l| {
            (
                l["source"].to_string(),
                l["target"].to_string(),
                l["key"].to_string(),
            )
        })
        .collect();
    let total = keys.len();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), total);
}

#[test]
fn merging_is_idempotent_and_order_independent() {
    let seed = seed_or_skip!();
    let second = second_document();
    let once = graph_of(&[&seed, &second]);
    let twice = graph_of(&[&seed, &second, &seed, &second]);
    let reversed = graph_of(&[&second, &seed]);
    assert_eq!(once.to_node_link(), twice.to_node_link());
    assert_eq!(once.to_node_link(), reversed.to_node_link());
}

#[test]
fn incremental_merge_equals_merging_all_at_once() {
    let seed = seed_or_skip!();
    let second = second_document();
    let all = graph_of(&[&seed, &second]);
    for (first, then) in [(&seed, &second), (&second, &seed)] {
        let saved = graph_of(&[first]).to_node_link();
        let text = serde_json::to_string(&saved).expect("serialise");
        let mut resumed =
            KnowledgeGraph::from_node_link(&serde_json::from_str::<Value>(&text).expect("parse"))
                .expect("read back");
        assert_eq!(
            resumed.to_node_link(),
            saved,
            "round trip changes the graph"
        );
        resumed.merge_document(then);
        assert_eq!(resumed.to_node_link(), all.to_node_link());
    }
}

#[test]
fn surname_only_actor_of_another_document_merges_by_alias() {
    let seed = seed_or_skip!();
    let graph = graph_of(&[&seed, &second_document()]);
    let bessent = graph.actor("per:bessent").expect("Bessent");
    assert_eq!(bessent.id, "per:scott bessent");
    assert_eq!(
        bessent.keys,
        vec!["per:bessent".to_string(), "per:scott bessent".to_string()]
    );
    assert_eq!(bessent.documents, 2);
    assert_eq!(bessent.first_seen.as_deref(), Some("2025-09-15"));
    assert_eq!(bessent.last_seen.as_deref(), Some("2025-10-11"));
    let trump = graph.actor("Trump").expect("Trump");
    assert_eq!(trump.id, "per:donald trump");
    // Both documents' stances on the same issue land on one edge with two pieces of evidence.
    let stance = graph.edges_between("Bessent", EXPORT_CONTROLS);
    let stance = stance
        .iter()
        .find(|e| e.kind == EdgeKind::Stance)
        .expect("stance");
    assert_eq!(stance.weight, 2);
    assert!(
        stance.confidence > 0.7,
        "noisy-or of two 0.7s: {}",
        stance.confidence
    );
    assert_eq!(stance.first_seen.as_deref(), Some("2025-09-15"));
    // The issue label with an article normalises to the same issue.
    let issue = graph
        .issue("the export controls on rare earth minerals")
        .expect("issue");
    assert_eq!(issue.documents, 2);
}

#[test]
fn reading_bad_node_link_is_an_error_not_a_panic() {
    for bad in [
        serde_json::json!({}),
        serde_json::json!({"directed": true, "multigraph": true, "nodes": [{"id": 3}], "links": []}),
        serde_json::json!({"directed": true, "multigraph": true, "nodes": [],
            "links": [{"source": "a", "target": "b", "key": "k", "kind": "said", "label": "said",
                       "polarity": "neutral", "confidence": 1.0, "weight": 1, "evidence": []}]}),
    ] {
        assert!(KnowledgeGraph::from_node_link(&bad).is_err(), "{bad}");
    }
}

#[test]
fn golden_node_link_of_the_seed_fixture() {
    let seed = seed_or_skip!();
    let actual =
        serde_json::to_string_pretty(&graph_of(&[&seed, &second_document()]).to_node_link())
            .expect("json")
            + "\n";
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/golden/seed_fixture.node_link.json"
    );
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(path, &actual).expect("write golden");
        return;
    }
    let expected =
        std::fs::read_to_string(path).expect("golden file (regenerate with UPDATE_GOLDEN=1)");
    assert!(
        actual == expected,
        "node-link output differs from {path}; rerun with UPDATE_GOLDEN=1 if intended"
    );
}
