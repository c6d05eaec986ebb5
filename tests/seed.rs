//! Seed acceptance: the default pipeline on the user's canonical article must produce the
//! graph the brief asks for, with every edge traceable to its sentence, and nothing from
//! the spam lines.

use std::sync::OnceLock;

use stancegraph_core::Document;
use stancegraph_graph::{EdgeKind, KnowledgeGraph};
use stancegraph_testkit::{records_on_spam_lines, seed_path};

struct SeedRun {
    _dir: tempfile::TempDir,
    document: serde_json::Value,
    graph: KnowledgeGraph,
}

/// Runs the binary once on the sample and shares the outputs between the tests.
fn seed() -> &'static SeedRun {
    static RUN: OnceLock<SeedRun> = OnceLock::new();
    RUN.get_or_init(|| {
        let sample = seed_path();
        let dir = tempfile::tempdir().unwrap();
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_stancegraph"))
            .arg("run")
            .arg(&sample)
            .arg("--out")
            .arg(dir.path())
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let documents = std::fs::read_to_string(dir.path().join("documents.jsonl")).unwrap();
        let document = serde_json::from_str(documents.lines().next().unwrap()).unwrap();
        let graph_json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.path().join("graph.json")).unwrap())
                .unwrap();
        let graph = KnowledgeGraph::from_node_link(&graph_json).unwrap();
        SeedRun {
            _dir: dir,
            document,
            graph,
        }
    })
}

fn evidence_texts(
    graph: &KnowledgeGraph,
    source: &str,
    target: &str,
    kind: EdgeKind,
) -> Vec<String> {
    graph
        .edges_between(source, target)
        .into_iter()
        .filter(|e| e.kind == kind)
        .flat_map(|e| e.evidence.iter().map(|ev| ev.text.clone()))
        .collect()
}

#[test]
fn nothing_comes_from_the_spam_lines() {
    // Every layer of documents.jsonl, read back to byte offsets.
    let line = serde_json::to_string(&seed().document).unwrap();
    let doc = Document::from_export(&line).expect("documents.jsonl holds a valid document");
    assert_eq!(records_on_spam_lines(&doc), Vec::<String>::new());
    let graph = &seed().graph;
    assert!(graph.actor("Industrial Monitor Direct").is_none());
    assert!(graph.actor("SCADA").is_none());
}

#[test]
fn actors_have_one_node_each_and_their_roles() {
    let graph = &seed().graph;
    for name in ["Donald Trump", "Trump", "the President"] {
        assert_eq!(
            graph.actor(name).map(|a| a.id.as_str()),
            graph.actor("Donald Trump").map(|a| a.id.as_str()),
            "{name}"
        );
    }
    assert_eq!(
        graph.actor("Xi").map(|a| &a.id),
        graph.actor("Xi Jinping").map(|a| &a.id)
    );
    let role = |name: &str| -> String {
        let actor = graph
            .actor(name)
            .unwrap_or_else(|| panic!("no actor {name}"));
        actor
            .roles
            .iter()
            .map(|r| format!("{r:?}"))
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    assert!(role("Scott Bessent").contains("treasury secretary"));
    assert!(role("Wendy Cutler").contains("vice-president"));
    assert!(role("He Lifeng").contains("vice-premier"));
    assert!(role("Li Chenggang").contains("negotiator"));
    assert_eq!(graph.actor("He Lifeng").unwrap().actor_type, "PER");
}

#[test]
fn bessent_opposes_the_export_controls() {
    let graph = &seed().graph;
    let stances = graph.edges_of("Scott Bessent", EdgeKind::Stance);
    let evidence: Vec<String> = stances
        .iter()
        .filter(|e| e.label == "oppose" && e.source == graph.actor("Scott Bessent").unwrap().id)
        .flat_map(|e| e.evidence.iter().map(|ev| ev.text.clone()))
        .collect();
    assert!(
        evidence
            .iter()
            .any(|t| t.contains("substantial unprovoked escalation")),
        "{stances:#?}"
    );
}

#[test]
fn cutler_disputes_bessent() {
    let graph = &seed().graph;
    let texts = evidence_texts(graph, "Wendy Cutler", "Scott Bessent", EdgeKind::Stance);
    assert!(
        texts
            .iter()
            .any(|t| t.contains("challenged") || t.contains("not credible")),
        "{texts:?}"
    );
}

#[test]
fn trump_threatens_china_and_likes_xi() {
    let graph = &seed().graph;
    let threats = evidence_texts(graph, "Donald Trump", "China", EdgeKind::Interaction);
    assert!(
        threats.iter().any(|t| t.contains("100 percent tariff")),
        "{threats:?}"
    );
    let xi = graph.edges_between("Donald Trump", "Xi Jinping");
    assert!(
        xi.iter().any(|e| e.kind == EdgeKind::Stance
            && e.label == "support"
            && e.evidence
                .iter()
                .any(|ev| ev.text.contains("very good relationship"))),
        "{xi:#?}"
    );
}

#[test]
fn china_accuses_the_us_of_hypocrisy() {
    let graph = &seed().graph;
    let us = graph
        .actor("United States")
        .or_else(|| graph.actor("US"))
        .expect("no US actor");
    let edges = graph.edges_between("China", &us.id);
    assert!(
        edges
            .iter()
            .any(|e| e.evidence.iter().any(|ev| ev.text.contains("hypocrisy"))),
        "{edges:#?}"
    );
}

#[test]
fn li_reports_to_he_and_bessent_meets_he() {
    let graph = &seed().graph;
    let hierarchy = graph.edges_between("Li Chenggang", "He Lifeng");
    assert!(
        hierarchy.iter().any(|e| e.kind == EdgeKind::Hierarchy),
        "{hierarchy:#?}"
    );
    let meets: Vec<_> = graph
        .edges_between("Scott Bessent", "He Lifeng")
        .into_iter()
        .chain(graph.edges_between("He Lifeng", "Scott Bessent"))
        .filter(|e| e.kind == EdgeKind::Interaction)
        .collect();
    assert!(!meets.is_empty(), "no Bessent–He Lifeng interaction");
}

#[test]
fn quotes_are_attributed() {
    let doc = &seed().document;
    let text: Vec<char> = doc["text"].as_str().unwrap().chars().collect();
    let entities = doc["entities"].as_array().unwrap();
    let speaker_of = |needle: &str| -> Option<String> {
        doc["quotes"].as_array().unwrap().iter().find_map(|q| {
            let (s, e) = (
                q["content"]["start"].as_u64()? as usize,
                q["content"]["end"].as_u64()? as usize,
            );
            let content: String = text.get(s..e)?.iter().collect();
            if !content.contains(needle) {
                return None;
            }
            let id = q["speaker"]["id"].as_str()?;
            entities
                .iter()
                .find(|en| en["id"] == id)
                .and_then(|en| en["canonical"].as_str())
                .map(str::to_string)
        })
    };
    assert_eq!(speaker_of("not credible").as_deref(), Some("Wendy Cutler"));
    assert_eq!(
        speaker_of("Leninist business model").as_deref(),
        Some("Scott Bessent")
    );
    assert_eq!(
        speaker_of("very good relationship").as_deref(),
        Some("Donald Trump")
    );
    assert_eq!(
        speaker_of("substantial unprovoked escalation").as_deref(),
        Some("Scott Bessent")
    );
}

/// "Beijing" stands for China: the merged actor is labelled China (the name that lists
/// Beijing as an alias), and no actor has an edge to itself once its names are merged.
#[test]
fn metonyms_merge_under_the_full_actor_without_self_loops() {
    let graph = &seed().graph;
    let china = graph.actor("Beijing").expect("China / Beijing actor");
    assert_eq!(china.label, "China");
    assert_eq!(china.id, "gpe:china");
    assert!(china.aliases.iter().any(|a| a == "Beijing"));
    assert!(graph.view().links.iter().all(|l| l.source != l.target));
}
