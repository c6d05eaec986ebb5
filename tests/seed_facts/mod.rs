//! The seed's golden facts: what the pipeline must make of the user's canonical article
//! (the graph the brief asks for, every edge traceable to its sentence, nothing from the
//! spam lines). One definition, checked on the outputs of `stancegraph run` with each
//! preset: tests/seed.rs (the default pipeline) and tests/seed_accurate.rs
//! (configs/accurate.toml), each through [`seed_facts!`].

use std::path::{Path, PathBuf};

use stancegraph_core::Document;
use stancegraph_graph::{EdgeKind, KnowledgeGraph};
use stancegraph_testkit::{records_on_spam_lines, seed_path};

/// The outputs of one `stancegraph run` on the seed.
pub struct SeedRun {
    _dir: tempfile::TempDir,
    /// The seed's line of documents.jsonl.
    pub document: serde_json::Value,
    /// graph.json, read back.
    pub graph: KnowledgeGraph,
}

impl SeedRun {
    /// Runs the binary on the seed, with the pipeline of `config` (a config file the binary
    /// reads itself) or the default one. A config runs with the project's data directory:
    /// the accurate preset reads weights the binary does not embed (data/sentiment-encoder).
    pub fn new(config: Option<&Path>) -> SeedRun {
        let dir = tempfile::tempdir().unwrap();
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_stancegraph"));
        if let Some(config) = config {
            command
                .arg("--data-dir")
                .arg(stancegraph_testkit::data_dir())
                .arg("run")
                .arg("--config")
                .arg(config);
        } else {
            command.arg("run");
        }
        let output = command
            .arg(seed_path())
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
    }
}

/// A config of the repository's `configs/` directory.
pub fn config(name: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/configs")).join(name)
}

/// One `#[test]` per golden fact, on one run of the seed (shared by the tests) with the
/// config of `configs/` the expression names (`Option<&str>`; `None`: the default pipeline).
#[macro_export]
macro_rules! seed_facts {
    ($config:expr) => {
        fn seed() -> &'static seed_facts::SeedRun {
            static RUN: std::sync::OnceLock<seed_facts::SeedRun> = std::sync::OnceLock::new();
            RUN.get_or_init(|| {
                let name: Option<&str> = $config;
                seed_facts::SeedRun::new(name.map(seed_facts::config).as_deref())
            })
        }
        seed_facts!(@tests
            nothing_comes_from_the_spam_lines,
            actors_have_one_node_each_and_their_roles,
            bessent_opposes_the_export_controls,
            cutler_disputes_bessent,
            trump_threatens_china_and_likes_xi,
            china_accuses_the_us_of_hypocrisy,
            li_reports_to_he_and_bessent_meets_he,
            quotes_are_attributed,
            metonyms_merge_under_the_full_actor_without_self_loops
        );
    };
    (@tests $($fact:ident),*) => {
        $(
            #[test]
            fn $fact() {
                seed_facts::$fact(seed());
            }
        )*
    };
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

pub fn nothing_comes_from_the_spam_lines(run: &SeedRun) {
    // Every layer of documents.jsonl, read back to byte offsets.
    let line = serde_json::to_string(&run.document).unwrap();
    let doc = Document::from_export(&line).expect("documents.jsonl holds a valid document");
    assert_eq!(records_on_spam_lines(&doc), Vec::<String>::new());
    let graph = &run.graph;
    assert!(graph.actor("Industrial Monitor Direct").is_none());
    assert!(graph.actor("SCADA").is_none());
}

pub fn actors_have_one_node_each_and_their_roles(run: &SeedRun) {
    let graph = &run.graph;
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

pub fn bessent_opposes_the_export_controls(run: &SeedRun) {
    let graph = &run.graph;
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

pub fn cutler_disputes_bessent(run: &SeedRun) {
    let graph = &run.graph;
    let texts = evidence_texts(graph, "Wendy Cutler", "Scott Bessent", EdgeKind::Stance);
    assert!(
        texts
            .iter()
            .any(|t| t.contains("challenged") || t.contains("not credible")),
        "{texts:?}"
    );
}

pub fn trump_threatens_china_and_likes_xi(run: &SeedRun) {
    let graph = &run.graph;
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

pub fn china_accuses_the_us_of_hypocrisy(run: &SeedRun) {
    let graph = &run.graph;
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

pub fn li_reports_to_he_and_bessent_meets_he(run: &SeedRun) {
    let graph = &run.graph;
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

pub fn quotes_are_attributed(run: &SeedRun) {
    let doc = &run.document;
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
pub fn metonyms_merge_under_the_full_actor_without_self_loops(run: &SeedRun) {
    let graph = &run.graph;
    let china = graph.actor("Beijing").expect("China / Beijing actor");
    assert_eq!(china.label, "China");
    assert_eq!(china.id, "gpe:china");
    assert!(china.aliases.iter().any(|a| a == "Beijing"));
    assert!(graph.view().links.iter().all(|l| l.source != l.target));
}
