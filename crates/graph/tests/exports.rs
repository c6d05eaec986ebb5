//! Every export format parses with a real reader and carries the seed article's stances;
//! filters and the actor network select what they promise. networkx loads the GraphML
//! when it is installed.

mod common;

use std::collections::BTreeMap;
use std::process::Command;

use common::*;
use quick_xml::events::Event;
use serde_json::Value;
use stancegraph_graph::{render, EdgeKind, ExportFormat, ExportSpec, KnowledgeGraph, Node};

fn fixture_graph() -> Option<KnowledgeGraph> {
    let seed = seed_document()?;
    let mut graph = KnowledgeGraph::new();
    graph.merge_document(&seed);
    graph.merge_document(&second_document());
    Some(graph)
}

macro_rules! graph_or_skip {
    () => {
        match fixture_graph() {
            Some(graph) => graph,
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

fn render_one(graph: &KnowledgeGraph, spec: &ExportSpec) -> (String, String) {
    let mut files = render(graph, spec).expect("render");
    assert_eq!(
        files.len(),
        1,
        "{:?}",
        files.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    let (name, bytes) = files.remove(0);
    (name, String::from_utf8(bytes).expect("UTF-8"))
}

/// Element name → count, after checking the whole document parses.
fn xml_elements(text: &str) -> BTreeMap<String, usize> {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut counts = BTreeMap::new();
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) | Event::Empty(e) => {
                *counts
                    .entry(String::from_utf8_lossy(e.name().as_ref()).into_owned())
                    .or_default() += 1;
            }
            Event::Eof => break,
            _ => {}
        }
    }
    counts
}

#[test]
fn json_export_is_the_node_link_graph() {
    let graph = graph_or_skip!();
    let (name, text) = render_one(&graph, &ExportSpec::new(ExportFormat::Json));
    assert_eq!(name, "graph.export.json");
    let value: Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(value["nodes"], graph.to_node_link()["nodes"]);
    assert_eq!(value["links"], graph.to_node_link()["links"]);
}

#[test]
fn graphml_parses_and_holds_every_node_and_edge() {
    let graph = graph_or_skip!();
    let (name, text) = render_one(&graph, &ExportSpec::new(ExportFormat::Graphml));
    assert_eq!(name, "graph.graphml");
    let counts = xml_elements(&text);
    assert_eq!(counts.get("node"), Some(&graph.node_count()));
    assert_eq!(counts.get("edge"), Some(&graph.edge_count()));
    assert!(text.contains("substantial unprovoked escalation"));
}

#[test]
fn networkx_reads_the_graphml_and_node_link() {
    let graph = graph_or_skip!();
    let has_networkx = Command::new("python3")
        .args(["-c", "import networkx"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_networkx {
        eprintln!("skipping: python3 with networkx not available (pip install networkx)");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let (_, graphml) = render_one(&graph, &ExportSpec::new(ExportFormat::Graphml));
    let graphml_path = dir.path().join("graph.graphml");
    std::fs::write(&graphml_path, graphml).expect("write");
    let json_path = dir.path().join("graph.json");
    std::fs::write(&json_path, graph.to_node_link().to_string()).expect("write");
    let script = r#"
import json, sys, networkx as nx
g = nx.read_graphml(sys.argv[1])
data = json.load(open(sys.argv[2]))
try:
    h = nx.node_link_graph(data, edges="links")
except TypeError:
    h = nx.node_link_graph(data, link="links")
e = [d for _, _, d in g.edges(data=True) if d.get("kind") == "stance" and "escalation" in d.get("evidence", "")]
print(g.number_of_nodes(), g.number_of_edges(), h.number_of_nodes(), h.number_of_edges(), len(e), type(g.nodes["per:scott bessent"]["mentions"]).__name__)
"#;
    let output = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&graphml_path)
        .arg(&json_path)
        .output()
        .expect("python3");
    assert!(
        output.status.success(),
        "networkx failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let printed = String::from_utf8_lossy(&output.stdout);
    let (n, e) = (graph.node_count(), graph.edge_count());
    assert_eq!(printed.trim(), format!("{n} {e} {n} {e} 1 int"));
}

#[test]
fn gexf_has_time_spells_from_publication_dates() {
    let graph = graph_or_skip!();
    let (name, text) = render_one(&graph, &ExportSpec::new(ExportFormat::Gexf));
    assert_eq!(name, "graph.gexf");
    let counts = xml_elements(&text);
    assert_eq!(counts.get("node"), Some(&graph.node_count()));
    assert_eq!(counts.get("edge"), Some(&graph.edge_count()));
    assert!(text.contains(r#"xmlns="http://gexf.net/1.3""#) && text.contains(r#"version="1.3""#));
    // Bessent appears in both articles: his node lives from the first to the last date.
    assert!(
        text.contains(r#"<spell start="2025-09-15" end="2025-10-11"/>"#),
        "no node spell"
    );
    assert!(counts.get("spell").is_some_and(|n| *n > graph.node_count()));
}

#[test]
fn dot_is_a_digraph_with_escaped_labels() {
    let graph = graph_or_skip!();
    let (_, text) = render_one(&graph, &ExportSpec::new(ExportFormat::Dot));
    assert!(text.starts_with("digraph stancegraph {") && text.trim_end().ends_with('}'));
    assert_eq!(text.matches(" -> ").count(), graph.edge_count());
    assert!(
        text.contains(r#""per:scott bessent" -> "issue:export controls on rare earth minerals""#)
    );
}

#[test]
fn neo4j_csvs_have_import_headers_and_consistent_ids() {
    let graph = graph_or_skip!();
    let files = render(&graph, &ExportSpec::new(ExportFormat::Neo4j)).expect("render");
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert!(
        names.contains(&"neo4j/relationships.csv") && names.contains(&"neo4j/nodes_actor.csv"),
        "{names:?}"
    );
    let mut ids = std::collections::BTreeSet::new();
    let mut relationships = Vec::new();
    for (name, bytes) in &files {
        if !name.ends_with(".csv") {
            continue;
        }
        let mut reader = csv::Reader::from_reader(bytes.as_slice());
        let headers = reader.headers().expect("header").clone();
        let records: Vec<csv::StringRecord> =
            reader.records().map(|r| r.expect("CSV record")).collect();
        if name.contains("nodes_") {
            assert_eq!(&headers[0], "id:ID");
            assert_eq!(&headers[1], ":LABEL");
            ids.extend(records.iter().map(|r| r[0].to_string()));
        } else {
            assert_eq!(
                &headers.iter().take(3).collect::<Vec<_>>(),
                &[":START_ID", ":END_ID", ":TYPE"]
            );
            relationships = records;
        }
    }
    assert_eq!(ids.len(), graph.node_count());
    assert_eq!(relationships.len(), graph.edge_count());
    for r in &relationships {
        assert!(
            ids.contains(&r[0]) && ids.contains(&r[1]),
            "dangling relationship {r:?}"
        );
    }
    assert!(relationships
        .iter()
        .any(|r| &r[0] == "per:li chenggang" && &r[2] == "HIERARCHY"));
}

#[test]
fn dna_statements_match_the_analyzer_columns() {
    let graph = graph_or_skip!();
    let (name, text) = render_one(&graph, &ExportSpec::new(ExportFormat::Dna));
    assert_eq!(name, "dna-statements.csv");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().expect("header").clone();
    for column in [
        "person",
        "organization",
        "concept",
        "agreement",
        "text",
        "start",
        "stop",
        "doc_id",
    ] {
        assert!(headers.iter().any(|h| h == column), "missing {column}");
    }
    let rows: Vec<BTreeMap<String, String>> =
        reader.deserialize().map(|r| r.expect("row")).collect();
    let bessent = rows
        .iter()
        .find(|r| {
            r["person"] == "Scott Bessent"
                && r["text"].contains("substantial unprovoked escalation")
        })
        .expect("Bessent statement");
    assert_eq!(bessent["concept"], EXPORT_CONTROLS);
    assert_eq!(bessent["agreement"], "false");
    assert_eq!(bessent["organization"], "US Treasury");
    assert_eq!(bessent["date"], "2025-10-11");
    let china = rows
        .iter()
        .find(|r| r["organization"] == "China")
        .expect("China statement");
    assert_eq!(
        (china["person"].as_str(), china["agreement"].as_str()),
        ("", "true")
    );
    // Neutral stances are not DNA statements; ids run 1..n.
    assert_eq!(
        rows.last().map(|r| r["statement_id"].clone()),
        Some(rows.len().to_string())
    );
}

#[test]
fn ntriples_and_jsonld_carry_span_provenance() {
    let graph = graph_or_skip!();
    let (_, nt) = render_one(&graph, &ExportSpec::new(ExportFormat::Nt));
    for line in nt.lines() {
        assert!(
            line.starts_with('<') && line.ends_with(" ."),
            "not an N-Triples line: {line}"
        );
    }
    assert!(nt.contains("<http://www.w3.org/ns/oa#start>"));
    assert!(
        nt.contains(r#"<http://www.w3.org/ns/oa#exact> "Bessent, speaking alongside Trump"#)
            || nt.contains("substantial unprovoked escalation")
    );
    let (_, jsonld) = render_one(&graph, &ExportSpec::new(ExportFormat::Jsonld));
    let value: Value = serde_json::from_str(&jsonld).expect("JSON-LD");
    assert!(value["@context"]["oa"].is_string());
    let items = value["@graph"].as_array().expect("@graph");
    assert_eq!(items.len(), graph.node_count() + graph.edge_count());
}

#[test]
fn filters_select_kinds_types_confidence_and_time() {
    let graph = graph_or_skip!();
    let spec = |json: Value| -> ExportSpec { serde_json::from_value(json).expect("spec") };
    let view_of = |spec: &ExportSpec| -> Value {
        let (_, text) = render_one(&graph, spec);
        serde_json::from_str(&text).expect("json")
    };
    let stances = view_of(&spec(
        serde_json::json!({"format": "json", "edge_kinds": ["stance"]}),
    ));
    let links = stances["links"].as_array().expect("links");
    assert!(!links.is_empty() && links.iter().all(|l| l["kind"] == "stance"));

    let people = view_of(&spec(
        serde_json::json!({"format": "json", "node_types": ["per"]}),
    ));
    assert!(people["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .all(|n| n["type"] == "PER"));
    assert!(people["links"]
        .as_array()
        .expect("links")
        .iter()
        .any(|l| l["kind"] == "hierarchy"));

    let confident = view_of(&spec(
        serde_json::json!({"format": "json", "min_confidence": 0.9}),
    ));
    assert!(confident["links"]
        .as_array()
        .expect("links")
        .iter()
        .all(|l| l["confidence"].as_f64() >= Some(0.9)));

    let september = view_of(&spec(
        serde_json::json!({"format": "json", "until": "2025-09-30"}),
    ));
    let links = september["links"].as_array().expect("links");
    assert!(!links.is_empty());
    assert!(links
        .iter()
        .flat_map(|l| l["evidence"].as_array().into_iter().flatten())
        .all(|e| e["doc"] == "doc-madrid"));
    assert!(september["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .all(|n| n["id"] != "doc:000_668776db8feb23be"));
}

#[test]
fn actor_network_links_agreeing_and_conflicting_actors() {
    let graph = graph_or_skip!();
    let mut spec = ExportSpec::new(ExportFormat::Json);
    spec.actor_network = true;
    let (_, text) = render_one(&graph, &spec);
    let view: stancegraph_graph::GraphView = serde_json::from_str(&text).expect("view");
    assert!(view.nodes.iter().all(|n| matches!(n, Node::Actor(_))));
    let find = |a: &str, b: &str, kind: EdgeKind| {
        view.links.iter().find(|e| {
            e.kind == kind && ((e.source == a && e.target == b) || (e.source == b && e.target == a))
        })
    };
    let agree = find("per:donald trump", "per:scott bessent", EdgeKind::Agreement)
        .expect("Trump and Bessent agree");
    assert_eq!(
        agree.attributes["concepts"],
        vec![EXPORT_CONTROLS.to_string()]
    );
    assert_eq!(agree.weight, 1);
    assert!(
        find("gpe:china", "per:scott bessent", EdgeKind::Conflict).is_some(),
        "China and Bessent conflict"
    );
    assert!(find("gpe:china", "per:scott bessent", EdgeKind::Agreement).is_none());
}

#[test]
fn export_specs_reject_unknown_fields_and_unsafe_paths() {
    let unknown = serde_json::from_value::<ExportSpec>(
        serde_json::json!({"format": "gexf", "colour": "red"}),
    );
    assert!(unknown.unwrap_err().to_string().contains("colour"));
    let bad_format = serde_json::from_value::<ExportSpec>(serde_json::json!({"format": "xlsx"}));
    assert!(bad_format.is_err());
    let mut spec = ExportSpec::new(ExportFormat::Dot);
    spec.path = Some("../outside.dot".into());
    spec.since = Some("last week".into());
    let fields: Vec<String> = spec.issues().into_iter().map(|i| i.path).collect();
    assert_eq!(fields, ["since", "path"]);
    assert_eq!(
        spec.issues()[0].to_string(),
        "since: `last week` is not an ISO 8601 date (YYYY-MM-DD)"
    );
    assert!(render(&KnowledgeGraph::new(), &spec).is_err());
    for format in ExportFormat::ALL {
        assert_eq!(ExportFormat::parse(format.as_str()), Some(format));
        assert!(
            render(&KnowledgeGraph::new(), &ExportSpec::new(format)).is_ok(),
            "{format:?} of an empty graph"
        );
    }
}

/// A document as an attacker would send it: a formula as its title, a `javascript:` URL.
fn hostile_graph() -> KnowledgeGraph {
    let mut hostile = second_document();
    hostile.metadata.title = Some("=HYPERLINK(\"http://evil.example\",\"click\")".into());
    hostile.metadata.source = Some("javascript:alert(1)".into());
    let mut web = second_document();
    web.id = "doc-web".into();
    web.metadata.title = Some("@SUM(1+1)*cmd|' /C calc'!A0".into());
    web.metadata.source = Some("https://example.org/news/1".into());
    let mut graph = KnowledgeGraph::new();
    graph.merge_document(&hostile);
    graph.merge_document(&web);
    graph
}

/// Whether a spreadsheet would evaluate `cell` (the OWASP list of leading characters),
/// numbers aside.
fn spreadsheet_formula(cell: &str) -> bool {
    cell.starts_with(['=', '+', '-', '@', '\t', '\r']) && cell.parse::<f64>().is_err()
}

#[test]
fn csv_cells_never_start_a_formula() {
    let graph = hostile_graph();
    for format in [ExportFormat::Dna, ExportFormat::Neo4j] {
        let files = render(&graph, &ExportSpec::new(format)).expect("render");
        let mut titles = 0;
        for (name, bytes) in files.iter().filter(|(name, _)| name.ends_with(".csv")) {
            let mut reader = csv::Reader::from_reader(bytes.as_slice());
            for record in reader.records() {
                let record = record.expect("CSV record");
                for cell in record.iter() {
                    assert!(!spreadsheet_formula(cell), "{name}: {cell:?}");
                    titles +=
                        usize::from(cell.starts_with("'=HYPERLINK") || cell.starts_with("'@SUM"));
                }
            }
        }
        assert!(titles >= 2, "{format:?}: the titles are kept, neutralised");
    }
}

#[test]
fn report_links_only_web_urls() {
    let graph = hostile_graph();
    let (_, page) = render_one(&graph, &ExportSpec::new(ExportFormat::Html));
    let start = page.find("id=\"graph-data\"").expect("data block");
    let data = &page[start..];
    let data =
        &data[data.find('>').expect("tag ends") + 1..data.find("</script>").expect("block ends")];
    let data: Value = serde_json::from_str(data).expect("page data is JSON");
    assert_eq!(
        data["links"],
        serde_json::json!({"doc-web": "https://example.org/news/1"}),
        "the javascript: URL is no link"
    );
}

#[test]
fn the_dateline_reaches_the_document_node_and_its_csv_row() {
    let mut doc = second_document();
    doc.metadata.dateline_place = Some("WASHINGTON".into());
    doc.metadata.dateline_credit = Some("AP".into());
    let mut graph = KnowledgeGraph::new();
    graph.merge_document(&doc);
    let node = graph
        .view()
        .nodes
        .iter()
        .find_map(|n| match n {
            Node::Document(d) => Some(d.clone()),
            _ => None,
        })
        .expect("a document node");
    assert_eq!(node.dateline_place.as_deref(), Some("WASHINGTON"));
    assert_eq!(node.dateline_credit.as_deref(), Some("AP"));
    let files = render(&graph, &ExportSpec::new(ExportFormat::Neo4j)).expect("render");
    let (_, bytes) = files
        .iter()
        .find(|(name, _)| name.ends_with("nodes_document.csv"))
        .expect("nodes_document.csv");
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    let headers = reader.headers().expect("header").clone();
    let row = reader.records().next().expect("a row").expect("CSV record");
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .map(|i| row[i].to_string())
    };
    assert_eq!(column("dateline_place").as_deref(), Some("WASHINGTON"));
    assert_eq!(column("dateline_credit").as_deref(), Some("AP"));
}
