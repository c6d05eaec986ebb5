//! Sentiment on `said` edges (`GraphOptions::said_sentiment`): how a speaker's quotes talk
//! about the actors they name, folded from the relations stage's quote stances; merged
//! exactly across parts, kept through graph.json, shown in the exports with edge data.

mod common;

use std::collections::BTreeMap;

use common::*;
use serde_json::{json, Value};
use stancegraph_core::{Document, EntityType, Polarity};
use stancegraph_graph::{
    render, EdgeKind, ExportFormat, ExportSpec, GraphOptions, KnowledgeGraph, TargetSentiment,
};

const ON: GraphOptions = GraphOptions {
    said_sentiment: true,
};

/// A quote stance as the relations stage writes it: read from quote `quote`, evidence the
/// quote's content, the classifier's probability as confidence.
fn quote_stance(b: &mut Builder, quote: &str, target: &str, polarity: Polarity, confidence: f32) {
    let content = b
        .doc
        .quotes
        .iter()
        .find(|q| q.id == quote)
        .map(|q| q.content)
        .expect("quote exists");
    let speaker = b
        .doc
        .quotes
        .iter()
        .find(|q| q.id == quote)
        .map(|q| q.speaker.clone())
        .expect("quote exists");
    b.doc.stances.push(stancegraph_core::Stance {
        holder: speaker,
        target: actor(target),
        polarity,
        evidence: content,
        trigger: None,
        quote: Some(quote.into()),
        stage: "relations.rules".into(),
        confidence,
    });
}

/// Two sentences: Merkel calls Putin a liar (a quote) and praises Macron (another quote);
/// a stance outside any quote must not count.
fn merkel(id: &str, putin_key: &str) -> Document {
    let text = "Angela Merkel said Vladimir Putin was a dangerous liar. \u{201c}Emmanuel Macron is a true friend,\u{201d} she added.";
    let mut b = Builder::new(id, text, "Merkel", "2024-05-01");
    b.entity(
        "E1",
        "Angela Merkel",
        EntityType::Per,
        &["Merkel"],
        "per:angela merkel",
    )
    .entity(
        "E2",
        "Vladimir Putin",
        EntityType::Per,
        &["Putin"],
        putin_key,
    )
    .entity(
        "E3",
        "Emmanuel Macron",
        EntityType::Per,
        &["Macron"],
        "per:emmanuel macron",
    )
    .quote(
        "Q1",
        entity("E1"),
        "Vladimir Putin was a dangerous liar",
        Some("said"),
    )
    .quote(
        "Q2",
        entity("E1"),
        "Emmanuel Macron is a true friend",
        Some("added"),
    )
    .stance(
        entity("E1"),
        actor("E3"),
        Polarity::Oppose,
        "she added",
        "added",
    );
    quote_stance(&mut b, "Q1", "E2", Polarity::Oppose, 0.81);
    quote_stance(&mut b, "Q2", "E3", Polarity::Support, 0.64);
    b.build()
}

/// Another article: Merkel, quoted again, speaks warmly of "Putin" (keyed by surname only).
fn merkel_again(id: &str) -> Document {
    let text = "Angela Merkel said Putin had kept his word. Analysts doubted it.";
    let mut b = Builder::new(id, text, "Merkel again", "2024-06-01");
    b.entity(
        "E1",
        "Angela Merkel",
        EntityType::Per,
        &["Merkel"],
        "per:angela merkel",
    )
    .entity("E2", "Putin", EntityType::Per, &[], "per:putin")
    .quote("Q1", entity("E1"), "Putin had kept his word", Some("said"));
    quote_stance(&mut b, "Q1", "E2", Polarity::Support, 0.58);
    b.build()
}

fn graph_of(docs: &[&Document], options: GraphOptions) -> KnowledgeGraph {
    let mut graph = KnowledgeGraph::new().with_options(options);
    for doc in docs {
        graph.merge_document(doc);
    }
    graph
}

fn reading(label: &str, score: f64) -> TargetSentiment {
    TargetSentiment {
        label: label.into(),
        score,
    }
}

/// The sentiment of the `said` edge from Merkel to `doc`.
fn said_sentiment(graph: &KnowledgeGraph, doc: &str) -> BTreeMap<String, TargetSentiment> {
    graph
        .edges_of("Angela Merkel", EdgeKind::Said)
        .into_iter()
        .find(|e| e.target == format!("doc:{doc}"))
        .map(|e| e.sentiment.clone())
        .expect("a said edge")
}

#[test]
fn quote_stances_become_sentiment_toward_each_named_actor() {
    let doc = merkel("a", "per:vladimir putin");
    let graph = graph_of(&[&doc], ON);
    let expected = BTreeMap::from([
        ("per:emmanuel macron".to_string(), reading("positive", 0.64)),
        ("per:vladimir putin".to_string(), reading("negative", 0.81)),
    ]);
    assert_eq!(said_sentiment(&graph, "a"), expected);
    // Quote stances stay stance edges too; the oppose stance outside the quotes is only one.
    assert_eq!(graph.edges_of("Emmanuel Macron", EdgeKind::Stance).len(), 2);
}

#[test]
fn on_by_default_and_when_off_nothing_changes() {
    let doc = merkel("a", "per:vladimir putin");
    assert!(GraphOptions::default().said_sentiment);
    let on = graph_of(&[&doc], GraphOptions::default());
    assert!(!said_sentiment(&on, "a").is_empty());
    let off = GraphOptions {
        said_sentiment: false,
    };
    let default = graph_of(&[&doc], off);
    assert!(said_sentiment(&default, "a").is_empty());
    let text = serde_json::to_string(&default.to_node_link()).expect("json");
    assert!(!text.contains("sentiment"), "{text}");
}

#[test]
fn two_readings_toward_one_actor_keep_the_stronger_in_any_order() {
    let mut doc = merkel("a", "per:vladimir putin");
    // A second quote about Putin, milder and warmer.
    doc.quotes.push(stancegraph_core::Quote {
        id: "Q3".into(),
        ..doc.quotes[0].clone()
    });
    let mut warm = doc.stances[1].clone();
    warm.quote = Some("Q3".into());
    warm.polarity = Polarity::Support;
    warm.confidence = 0.55;
    doc.stances.insert(0, warm);
    let sentiment = said_sentiment(&graph_of(&[&doc], ON), "a");
    assert_eq!(sentiment["per:vladimir putin"], reading("negative", 0.81));
    doc.stances.reverse();
    assert_eq!(said_sentiment(&graph_of(&[&doc], ON), "a"), sentiment);
}

#[test]
fn targets_follow_alias_clusters_and_merging_parts_equals_one_run() {
    // Document b keys Putin by surname; the view merges both keys into one node, and the
    // sentiment points at that node.
    let (a, b) = (merkel("a", "per:vladimir putin"), merkel_again("b"));
    let one_run = graph_of(&[&a, &b], ON);
    let putin = one_run.actor("Putin").expect("Putin").id.clone();
    assert_eq!(putin, "per:vladimir putin");
    assert_eq!(
        said_sentiment(&one_run, "b"),
        BTreeMap::from([(putin.clone(), reading("positive", 0.58))])
    );
    // Parts merged through their graph.json, in either order, and the same document in
    // both parts.
    let part_a = graph_of(&[&a], ON).to_node_link();
    let part_b = graph_of(&[&b, &a], ON).to_node_link();
    for parts in [[&part_a, &part_b], [&part_b, &part_a]] {
        let mut nodes: Vec<Value> = Vec::new();
        let mut links: Vec<Value> = Vec::new();
        for part in parts {
            for node in part["nodes"].as_array().into_iter().flatten() {
                if !nodes.contains(node) {
                    nodes.push(node.clone());
                }
            }
            links.extend(part["links"].as_array().into_iter().flatten().cloned());
        }
        let combined = json!({"directed": true, "multigraph": true, "graph": {},
            "nodes": nodes, "links": links});
        let merged = KnowledgeGraph::from_node_link(&combined).expect("merges");
        assert_eq!(said_sentiment(&merged, "a"), said_sentiment(&one_run, "a"));
        assert_eq!(said_sentiment(&merged, "b"), said_sentiment(&one_run, "b"));
    }
    // Incremental: a saved part, then the other document merged into it.
    let mut incremental = KnowledgeGraph::from_node_link(&part_a)
        .expect("reads")
        .with_options(ON);
    incremental.merge_document(&b);
    assert_eq!(incremental, one_run);
}

#[test]
fn graph_json_round_trip_keeps_sentiment() {
    let doc = merkel("a", "per:vladimir putin");
    let graph = graph_of(&[&doc], ON);
    let saved = graph.to_node_link();
    let read = KnowledgeGraph::from_node_link(&saved).expect("reads");
    assert_eq!(read.to_node_link(), saved);
    assert_eq!(
        saved["links"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|l| l["kind"] == "said")
            .map(|l| l["sentiment"]["per:vladimir putin"]["label"].clone())
            .collect::<Vec<_>>(),
        [json!("negative")]
    );
}

#[test]
fn exports_with_edge_data_show_sentiment_and_only_when_present() {
    let doc = merkel("a", "per:vladimir putin");
    let on = graph_of(&[&doc], ON);
    let off = graph_of(
        &[&doc],
        GraphOptions {
            said_sentiment: false,
        },
    );
    let text_of = |graph: &KnowledgeGraph, format: ExportFormat| -> String {
        render(graph, &ExportSpec::new(format))
            .expect("renders")
            .into_iter()
            .map(|(_, bytes)| String::from_utf8_lossy(&bytes).into_owned())
            .collect()
    };
    for (format, shown) in [
        (ExportFormat::Json, "\"sentiment\""),
        (ExportFormat::Graphml, "e_sentiment"),
        (ExportFormat::Gexf, "title=\"sentiment\""),
        (ExportFormat::Jsonld, "sg:sentiment"),
        (ExportFormat::Nt, "sentiment"),
        (ExportFormat::Neo4j, "sentiment"),
        (ExportFormat::Html, "Vladimir Putin: negative (0.81)"),
    ] {
        let with = text_of(&on, format);
        assert!(with.contains(shown), "{format:?} lacks {shown}");
        let without = text_of(&off, format);
        assert!(
            !without.contains(shown),
            "{format:?} shows {shown} when off"
        );
    }
}
