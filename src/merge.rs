//! `merge`: the graphs of several runs (say one per Spark partition) into one graph, the
//! same whatever the order or grouping of the parts.
//!
//! The graph crate's node-link loader is the merge: it adds every node's names, keys and
//! roles to the state keyed by actor, issue and evidence, and every link's evidence by its
//! key, all of which is order-independent. Two things it assigns rather than adds, because
//! a single file never repeats a node: mention counts and a node's type. So the parts are
//! combined into one node-link document first, with each repeated node's counts joined
//! (per document, the larger, as when documents are merged) and repeats in a fixed order.
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};
use stancegraph_graph::{ExportSpec, GraphView, KnowledgeGraph};
use stancegraph_runner::AtomicOutputs;

/// `stancegraph merge OUT_DIR PART...`.
#[derive(clap::Args, Debug)]
pub struct MergeArgs {
    /// Output directory: graph.json, the configured exports and the report.
    pub out: PathBuf,
    /// Output directories of earlier runs (or their graph.json files).
    #[arg(required = true)]
    pub parts: Vec<PathBuf>,
    /// Config whose [[exports]] are written (default: the embedded configs/default.toml).
    // The doc comment is the `--help` text, so `[[exports]]` stays as written there.
    #[allow(rustdoc::broken_intra_doc_links)]
    #[arg(long)]
    pub config: Option<PathBuf>,
}

/// Reads every part, merges them and writes the outputs; prints what was written.
pub fn command(args: MergeArgs, registry: &stancegraph_core::Registry) -> anyhow::Result<()> {
    let config = stancegraph_runner::load_config(
        &crate::config_source(args.config.as_deref()),
        registry,
        true,
    )?;
    let parts = args
        .parts
        .iter()
        .map(|part| read_part(part))
        .collect::<Result<Vec<_>, _>>()?;
    let count = parts.len();
    let graph = merge_node_links(parts)?;
    let (documents, nodes) = (graph.document_count(), graph.node_count());
    for path in write_outputs(graph, &config.exports, &args.out)? {
        eprintln!("wrote {}", path.display());
    }
    println!(
        "{}",
        serde_json::json!({"task": "merge", "parts": count, "documents": documents, "nodes": nodes})
    );
    Ok(())
}

/// A part that could not be read or merged.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    /// Reading a part failed.
    #[error("{path}: {source}")]
    Io {
        /// The graph.json that was tried (a directory part resolves to its graph.json).
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// A part is not a node-link graph.
    #[error("{part}: {message}")]
    Invalid {
        /// The part's file, `part N` (1-based, in argument order) or `merged parts`.
        part: String,
        /// What is wrong: not JSON, a missing `nodes`/`links` array, a node without an id.
        message: String,
    },
    /// Writing the merged graph or an export failed.
    #[error("writing {what}: {message}")]
    Write {
        /// What was being written: `graph.json`, an export format, or the output folder.
        what: String,
        /// The underlying error.
        message: String,
    },
}

/// The graph.json of a run: `part` is a run's output directory or the file itself.
pub fn read_part(part: &Path) -> Result<Value, MergeError> {
    let file = if part.is_dir() {
        part.join("graph.json")
    } else {
        part.to_path_buf()
    };
    let text = std::fs::read_to_string(&file).map_err(|source| MergeError::Io {
        path: file.clone(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|e| MergeError::Invalid {
        part: file.display().to_string(),
        message: format!("not JSON: {e}"),
    })
}

/// Merges node-link graphs (`graph.json` values) into one graph. The parts are consumed:
/// their nodes and links move into the merged document rather than being copied.
pub fn merge_node_links(parts: Vec<Value>) -> Result<KnowledgeGraph, MergeError> {
    let mut nodes: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    let mut links: Vec<Value> = Vec::new();
    for (index, mut part) in parts.into_iter().enumerate() {
        let invalid = |message: &str| MergeError::Invalid {
            part: format!("part {}", index + 1),
            message: message.to_string(),
        };
        let mut take = |key: &str| match part.get_mut(key).map(Value::take) {
            Some(Value::Array(items)) => Ok(items),
            _ => Err(invalid(&format!("no `{key}` array"))),
        };
        let (part_nodes, part_links) = (take("nodes")?, take("links")?);
        for node in part_nodes {
            let id = node
                .get("id")
                .and_then(Value::as_str)
                .ok_or_else(|| invalid("a node without a string `id`"))?
                .to_string();
            nodes.entry(id).or_default().push(node);
        }
        links.extend(part_links);
    }
    let mut merged_nodes = Vec::with_capacity(nodes.len());
    for (_, mut repeats) in nodes {
        if repeats.len() > 1 {
            join_mentions(&mut repeats);
            join_gender_votes(&mut repeats);
            repeats.sort_by_cached_key(|node| node.to_string());
            repeats.dedup();
        }
        merged_nodes.extend(repeats);
    }
    let combined = serde_json::json!({
        "directed": true,
        "multigraph": true,
        "graph": {},
        "nodes": merged_nodes,
        "links": links,
    });
    KnowledgeGraph::from_node_link(&combined).map_err(|e| MergeError::Invalid {
        part: "merged parts".into(),
        message: e.to_string(),
    })
}

/// Gives every repeat of a node the same `mentions_by_doc`: per document, the largest
/// count any repeat has.
fn join_mentions(repeats: &mut [Value]) {
    let mut joined: BTreeMap<String, u64> = BTreeMap::new();
    let mut any = false;
    for node in repeats.iter() {
        if let Some(counts) = node.get("mentions_by_doc").and_then(Value::as_object) {
            any = true;
            for (doc, count) in counts {
                let count = count.as_u64().unwrap_or(0);
                let slot = joined.entry(doc.clone()).or_default();
                *slot = (*slot).max(count);
            }
        }
    }
    if !any {
        return;
    }
    let joined: Map<String, Value> = joined
        .into_iter()
        .map(|(doc, count)| (doc, Value::from(count)))
        .collect();
    for node in repeats.iter_mut() {
        if let Some(object) = node.as_object_mut() {
            object.insert("mentions_by_doc".into(), Value::Object(joined.clone()));
        }
    }
}

/// Gives every repeat of an actor the same `gender_by_doc`: per document, the stronger
/// call any repeat has (the rule one run applies), so a document counted in two parts
/// votes once.
fn join_gender_votes(repeats: &mut [Value]) {
    let mut joined: BTreeMap<String, String> = BTreeMap::new();
    for node in repeats.iter() {
        if let Some(calls) = node.get("gender_by_doc").and_then(Value::as_object) {
            for (doc, call) in calls {
                let call = call.as_str().unwrap_or("");
                let slot = joined.entry(doc.clone()).or_default();
                *slot = stancegraph_graph::stronger_gender_call(slot, call).to_string();
            }
        }
    }
    if joined.is_empty() {
        return;
    }
    let joined: Map<String, Value> = joined
        .into_iter()
        .map(|(doc, call)| (doc, Value::from(call)))
        .collect();
    for node in repeats.iter_mut() {
        if let Some(object) = node.as_object_mut() {
            object.insert("gender_by_doc".into(), Value::Object(joined.clone()));
        }
    }
}

/// Writes `graph.json` (as `run` writes it) and every export into `out_dir`, atomically;
/// returns the files written.
pub fn write_outputs(
    graph: KnowledgeGraph,
    exports: &[ExportSpec],
    out_dir: &Path,
) -> Result<Vec<PathBuf>, MergeError> {
    let failed = |what: &str, e: &dyn std::fmt::Display| MergeError::Write {
        what: what.to_string(),
        message: e.to_string(),
    };
    let mut out = AtomicOutputs::new(out_dir).map_err(|e| failed("the output folder", &e))?;
    let view: GraphView = graph.into_view();
    {
        let writer = out
            .writer("graph.json")
            .map_err(|e| failed("graph.json", &e))?;
        serde_json::to_writer(&mut *writer, &view).map_err(|e| failed("graph.json", &e))?;
        std::io::Write::write_all(writer, b"\n").map_err(|e| failed("graph.json", &e))?;
    }
    for spec in exports {
        stancegraph_graph::write_view(&view, spec, &mut out)
            .map_err(|e| failed(spec.format.as_str(), &e))?;
    }
    out.commit().map_err(|e| failed("the outputs", &e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(id: &str, label: &str, mentions: &[(&str, u64)]) -> Value {
        let by_doc: Map<String, Value> = mentions
            .iter()
            .map(|(d, c)| (d.to_string(), Value::from(*c)))
            .collect();
        serde_json::json!({
            "kind": "actor", "id": id, "label": label, "type": "PER", "aliases": [label],
            "roles": [], "mentions": 0, "mentions_by_doc": by_doc, "documents": 0,
            "keys": [id], "anonymous": false
        })
    }

    fn document(id: &str) -> Value {
        serde_json::json!({"kind": "document", "id": format!("doc:{id}"), "label": id,
            "type": "DOCUMENT", "doc_id": id, "source": format!("{id}.txt")})
    }

    fn said(actor: &str, doc: &str) -> Value {
        serde_json::json!({"source": actor, "target": format!("doc:{doc}"), "key": "said",
            "kind": "said", "label": "said", "polarity": "neutral", "confidence": 0.5,
            "weight": 1, "evidence": [{"doc": doc, "start": 0, "end": 4, "text": "text",
            "confidence": 0.5, "stage": "quotes.attribution"}], "stages": ["quotes.attribution"],
            "attributes": {}})
    }

    fn part(nodes: Vec<Value>, links: Vec<Value>) -> Value {
        serde_json::json!({"directed": true, "multigraph": true, "graph": {}, "nodes": nodes, "links": links})
    }

    fn json(graph: KnowledgeGraph) -> String {
        serde_json::to_string(&graph.into_view()).expect("serialises")
    }

    #[test]
    fn an_actor_in_two_parts_keeps_the_mentions_of_both() {
        let a = part(
            vec![
                actor("per:ann lee", "Ann Lee", &[("d1", 2)]),
                document("d1"),
            ],
            vec![said("per:ann lee", "d1")],
        );
        let b = part(
            vec![
                actor("per:ann lee", "Ann Lee", &[("d2", 3)]),
                document("d2"),
            ],
            vec![said("per:ann lee", "d2")],
        );
        let merged = merge_node_links(vec![a.clone(), b.clone()]).expect("merges");
        let node = merged.actor("Ann Lee").expect("the actor");
        assert_eq!(node.mentions_by_doc.get("d1"), Some(&2));
        assert_eq!(node.mentions_by_doc.get("d2"), Some(&3));
        assert_eq!(merged.document_count(), 2);
        assert_eq!(merged.edge_count(), 2);
        let reversed = merge_node_links(vec![b, a]).expect("merges");
        assert_eq!(json(merged), json(reversed));
    }

    fn with_gender(mut node: Value, votes: &[(&str, &str)]) -> Value {
        let by_doc: Map<String, Value> = votes
            .iter()
            .map(|(d, call)| (d.to_string(), Value::from(*call)))
            .collect();
        node["gender_by_doc"] = Value::Object(by_doc);
        node
    }

    #[test]
    fn gender_votes_of_all_parts_decide_once_per_document() {
        // Part a alone would say female (one vote), part b alone male (two votes); the
        // document both parts saw (d2) votes once, so the whole is male 2 : 1.
        let a = part(
            vec![
                with_gender(
                    actor("per:sam lee", "Sam Lee", &[("d1", 1), ("d2", 1)]),
                    &[("d1", "female|first_name"), ("d2", "male|honorific")],
                ),
                document("d1"),
                document("d2"),
            ],
            vec![said("per:sam lee", "d1")],
        );
        let b = part(
            vec![
                with_gender(
                    actor("per:sam lee", "Sam Lee", &[("d2", 1), ("d3", 1)]),
                    &[("d2", "male|honorific"), ("d3", "male|pronoun")],
                ),
                document("d2"),
                document("d3"),
            ],
            vec![said("per:sam lee", "d3")],
        );
        let merged = merge_node_links(vec![a.clone(), b.clone()]).expect("merges");
        let node = merged.actor("Sam Lee").expect("the actor");
        assert_eq!(node.gender.as_deref(), Some("male"));
        assert_eq!(node.gender_by_doc.len(), 3);
        let reversed = merge_node_links(vec![b, a]).expect("merges");
        assert_eq!(json(merged), json(reversed));
    }

    #[test]
    fn grouping_does_not_matter() {
        let parts: Vec<Value> = (1..=3)
            .map(|i| {
                let doc = format!("d{i}");
                part(
                    vec![
                        actor("per:ann lee", "Ann Lee", &[(&doc, i)]),
                        document(&doc),
                    ],
                    vec![said("per:ann lee", &doc)],
                )
            })
            .collect();
        let flat = json(merge_node_links(parts.clone()).expect("merges"));
        let left = merge_node_links(parts[..2].to_vec())
            .expect("merges")
            .to_node_link();
        let nested = json(merge_node_links(vec![left, parts[2].clone()]).expect("merges"));
        assert_eq!(flat, nested);
    }

    #[test]
    fn a_member_key_joins_a_key_of_another_part_as_in_one_run() {
        // One run clustered loc:tories, misc:tories and unresolved:tories (the unresolved
        // source named "Tories" is compatible with both types); split in two parts, the
        // unresolved member must still carry its name to join misc:tories of the other part.
        // misc:tories is only a stance target in its part: no mention, a lower-case label,
        // so it cannot name a cluster itself.
        let node = |id: &str, label: &str, kind: &str, keys: &[&str], doc: &str| {
            let mentions = if label == "Tories" { 1 } else { 0 };
            serde_json::json!({
                "kind": "actor", "id": id, "label": label, "type": kind, "aliases": [],
                "roles": [], "mentions": mentions, "mentions_by_doc": {doc: mentions},
                "documents": 1, "keys": keys, "anonymous": false
            })
        };
        let a = part(
            vec![
                node(
                    "loc:tories",
                    "Tories",
                    "LOC",
                    &["loc:tories", "unresolved:tories"],
                    "d1",
                ),
                document("d1"),
            ],
            vec![said("loc:tories", "d1")],
        );
        let b = part(
            vec![
                node("misc:tories", "tories", "MISC", &["misc:tories"], "d2"),
                document("d2"),
            ],
            vec![said("misc:tories", "d2")],
        );
        let merged = merge_node_links(vec![a, b]).expect("merges");
        let misc = merged.actor("misc:tories").expect("misc key");
        let loc = merged.actor("loc:tories").expect("loc key");
        assert_eq!(misc.id, loc.id, "one actor, as in one run");
        assert_eq!(misc.mentions_by_doc.len(), 2);
    }

    #[test]
    fn a_part_that_is_not_a_graph_is_an_error_naming_it() {
        let error = merge_node_links(vec![serde_json::json!({"nodes": []})]).expect_err("no links");
        assert!(error.to_string().contains("part 1"), "{error}");
        let dangling = part(vec![], vec![said("per:ann lee", "d1")]);
        assert!(merge_node_links(vec![dangling]).is_err());
    }

    #[test]
    fn said_sentiment_of_one_document_in_two_parts_keeps_the_stronger_reading() {
        let with_sentiment = |label: &str, score: f64| {
            let mut link = said("per:a", "d1");
            link["sentiment"] = serde_json::json!({"per:b": {"label": label, "score": score}});
            link
        };
        let nodes = || {
            vec![
                actor("per:a", "A", &[("d1", 1)]),
                actor("per:b", "B", &[("d1", 1)]),
                document("d1"),
            ]
        };
        let warm = part(nodes(), vec![with_sentiment("positive", 0.6)]);
        let cold = part(nodes(), vec![with_sentiment("negative", 0.8)]);
        let forward = json(merge_node_links(vec![warm.clone(), cold.clone()]).expect("merges"));
        let backward = json(merge_node_links(vec![cold, warm]).expect("merges"));
        assert_eq!(forward, backward);
        assert!(
            forward.contains(r#""sentiment":{"per:b":{"label":"negative","score":0.8}}"#),
            "{forward}"
        );
    }
}
