//! `KnowledgeGraph::stance_between`: where one actor stands toward another is the stronger
//! of its stance edges, each the noisy-or of its evidence.

mod common;

use common::*;
use stancegraph_core::{Document, EntityType, Polarity};
use stancegraph_graph::KnowledgeGraph;

/// Merkel opposes Putin in two sentences and supports him in one.
fn merkel() -> Document {
    let text = "Angela Merkel criticised Vladimir Putin. Merkel attacked Putin again. Merkel praised Putin once.";
    let mut b = Builder::new("d1", text, "Merkel", "2024-05-01");
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
        "per:vladimir putin",
    )
    .stance(
        entity("E1"),
        actor("E2"),
        Polarity::Oppose,
        "criticised",
        "criticised",
    )
    .stance(
        entity("E1"),
        actor("E2"),
        Polarity::Oppose,
        "attacked",
        "attacked",
    )
    .stance(
        entity("E1"),
        actor("E2"),
        Polarity::Support,
        "praised",
        "praised",
    );
    let mut doc = b.build();
    for (stance, confidence) in doc.stances.iter_mut().zip([0.5, 0.5, 0.7]) {
        stance.confidence = confidence;
    }
    doc
}

#[test]
fn two_weaker_readings_outweigh_one_stronger() {
    let mut graph = KnowledgeGraph::new();
    graph.merge_document(&merkel());
    let stance = graph
        .stance_between("Angela Merkel", "Vladimir Putin")
        .expect("a stance edge");
    assert_eq!(stance.polarity, Polarity::Oppose);
    assert_eq!(stance.weight, 2);
    assert!(
        (stance.confidence - 0.75).abs() < 1e-9,
        "{}",
        stance.confidence
    );
    assert!(graph
        .stance_between("Vladimir Putin", "Angela Merkel")
        .is_none());
}
