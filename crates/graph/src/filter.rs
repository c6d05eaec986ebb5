//! What one export contains: the `[[exports]]` table of a pipeline config, and the
//! filters it applies to the graph before writing.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use stancegraph_core::{ConfigIssue, Polarity};

use crate::model::{noisy_or, Edge, EdgeKind, Evidence, EvidenceKey, GraphView, Node};

/// Concept id → the statements (evidence) behind one actor pair's tie on it.
type ConceptEvidence<'a> = BTreeMap<&'a str, BTreeMap<EvidenceKey, Evidence>>;
use crate::GraphError;

/// File formats the graph can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    /// networkx node-link JSON.
    Json,
    /// GraphML (networkx, Gephi, Cytoscape, yEd).
    Graphml,
    /// GEXF 1.3 with time spells from publication dates (Gephi timeline).
    Gexf,
    /// Graphviz DOT.
    Dot,
    /// Neo4j `neo4j-admin database import` CSV files (a folder).
    Neo4j,
    /// Discourse Network Analyzer statements CSV.
    Dna,
    /// RDF N-Triples with span provenance (W3C Web Annotation selectors).
    Nt,
    /// JSON-LD with the same vocabulary as `nt`.
    Jsonld,
    /// One self-contained, offline HTML page with an interactive network and statements.
    Html,
}

impl ExportFormat {
    /// Every format, in declaration order (what [`ExportFormat::parse`] searches).
    pub const ALL: [ExportFormat; 9] = [
        ExportFormat::Json,
        ExportFormat::Graphml,
        ExportFormat::Gexf,
        ExportFormat::Dot,
        ExportFormat::Neo4j,
        ExportFormat::Dna,
        ExportFormat::Nt,
        ExportFormat::Jsonld,
        ExportFormat::Html,
    ];

    /// The lowercase name used in `[[exports]]` tables (`format = "graphml"`).
    pub fn as_str(&self) -> &'static str {
        match self {
            ExportFormat::Json => "json",
            ExportFormat::Graphml => "graphml",
            ExportFormat::Gexf => "gexf",
            ExportFormat::Dot => "dot",
            ExportFormat::Neo4j => "neo4j",
            ExportFormat::Dna => "dna",
            ExportFormat::Nt => "nt",
            ExportFormat::Jsonld => "jsonld",
            ExportFormat::Html => "html",
        }
    }

    /// The format named `name` (trimmed, case-insensitive), or `None`.
    pub fn parse(name: &str) -> Option<ExportFormat> {
        let name = name.trim().to_ascii_lowercase();
        ExportFormat::ALL.into_iter().find(|f| f.as_str() == name)
    }

    /// Where the export goes in the run's output folder when `path` is not given (a folder
    /// for formats that write several files).
    pub fn default_path(&self) -> &'static str {
        match self {
            ExportFormat::Json => "graph.export.json",
            ExportFormat::Graphml => "graph.graphml",
            ExportFormat::Gexf => "graph.gexf",
            ExportFormat::Dot => "graph.dot",
            ExportFormat::Neo4j => "neo4j",
            ExportFormat::Dna => "dna-statements.csv",
            ExportFormat::Nt => "graph.nt",
            ExportFormat::Jsonld => "graph.jsonld",
            ExportFormat::Html => "report.html",
        }
    }

    /// Whether the format writes a folder of files rather than one file.
    pub fn is_folder(&self) -> bool {
        matches!(self, ExportFormat::Neo4j)
    }
}

/// One `[[exports]]` table: a format, where to write it and which part of the graph.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportSpec {
    /// The file format to write.
    pub format: ExportFormat,
    /// Relative to the run's output folder; defaults to [`ExportFormat::default_path`].
    #[serde(default)]
    pub path: Option<String>,
    /// Drop edges whose aggregated confidence is below this.
    #[serde(default)]
    pub min_confidence: Option<f64>,
    /// Keep only these edge kinds (empty: all).
    #[serde(default)]
    pub edge_kinds: Vec<EdgeKind>,
    /// Keep only nodes of these kinds (`actor`, `issue`, `document`) or actor types
    /// (`PER`, `ORG`, `GPE`, `ANON`, ...), case-insensitive (empty: all).
    #[serde(default)]
    pub node_types: Vec<String>,
    /// Keep only evidence from documents published on or after this ISO date.
    #[serde(default)]
    pub since: Option<String>,
    /// Keep only evidence from documents published on or before this ISO date.
    #[serde(default)]
    pub until: Option<String>,
    /// Replace the graph by the one-mode actor × actor network of agreement and conflict
    /// derived from shared stances (Discourse Network Analysis).
    #[serde(default)]
    pub actor_network: bool,
    /// `html` only: how many nodes (by prominence) the page draws at first; the page has a
    /// control to show more. `None`: [`DEFAULT_TOP_ACTORS`]; `0`: all.
    #[serde(default)]
    pub top_actors: Option<usize>,
}

/// Nodes an HTML report draws at first when `top_actors` is not given: enough for the
/// main players of a corpus, few enough to lay out in about a second.
pub const DEFAULT_TOP_ACTORS: usize = 300;

impl ExportSpec {
    /// True when no filter is set (the whole graph is exported).
    pub fn is_unfiltered(&self) -> bool {
        self.min_confidence.is_none()
            && self.edge_kinds.is_empty()
            && self.node_types.is_empty()
            && self.since.is_none()
            && self.until.is_none()
            && !self.actor_network
    }

    /// An unfiltered export in the format's default file.
    pub fn new(format: ExportFormat) -> ExportSpec {
        ExportSpec {
            format,
            path: None,
            min_confidence: None,
            edge_kinds: Vec::new(),
            node_types: Vec::new(),
            since: None,
            until: None,
            actor_network: false,
            top_actors: None,
        }
    }

    /// The relative output path (file, or folder for multi-file formats).
    pub fn output_path(&self) -> &str {
        self.path.as_deref().unwrap_or(self.format.default_path())
    }

    /// Every problem with the spec, each naming its field (`min_confidence`, `since`,
    /// `until`, `path`): a caller places them under the table's own path.
    pub fn issues(&self) -> Vec<ConfigIssue> {
        let mut issues = Vec::new();
        if let Some(c) = self.min_confidence {
            if !(0.0..=1.0).contains(&c) {
                issues.push(ConfigIssue::new(
                    "min_confidence",
                    format!("{c} is not between 0 and 1"),
                ));
            }
        }
        for (field, date) in [("since", &self.since), ("until", &self.until)] {
            if let Some(date) = date {
                if !looks_like_date(date) {
                    issues.push(ConfigIssue::new(
                        field,
                        format!("`{date}` is not an ISO 8601 date (YYYY-MM-DD)"),
                    ));
                }
            }
        }
        let path = self.output_path();
        let escapes = std::path::Path::new(path).components().any(|c| {
            !matches!(
                c,
                std::path::Component::Normal(_) | std::path::Component::CurDir
            )
        });
        if path.trim().is_empty() || escapes {
            issues.push(ConfigIssue::new(
                "path",
                format!("`{path}` must be a relative path inside the output folder"),
            ));
        }
        issues
    }

    /// `Err` with every problem [`ExportSpec::issues`] finds, `Ok` when there is none.
    pub fn validate(&self) -> Result<(), GraphError> {
        match self.issues() {
            issues if issues.is_empty() => Ok(()),
            issues => Err(GraphError::InvalidSpec(issues)),
        }
    }
}

fn looks_like_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() >= 10
        && bytes.iter().take(10).enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                *b == b'-'
            } else {
                b.is_ascii_digit()
            }
        })
}

/// The date part (`YYYY-MM-DD`) of an ISO 8601 date or timestamp.
pub(crate) fn day(date: &str) -> Option<&str> {
    date.get(..10).filter(|d| looks_like_date(d))
}

/// The part of the graph an export shows.
pub fn apply(view: &GraphView, spec: &ExportSpec) -> GraphView {
    let in_window = |doc: &str| -> bool {
        if spec.since.is_none() && spec.until.is_none() {
            return true;
        }
        let Some(date) = view.doc_date(doc).and_then(day) else {
            return false;
        };
        spec.since
            .as_deref()
            .and_then(day)
            .is_none_or(|s| date >= s)
            && spec
                .until
                .as_deref()
                .and_then(day)
                .is_none_or(|u| date <= u)
    };
    let windowed = spec.since.is_some() || spec.until.is_some();
    let wanted_types: BTreeSet<String> = spec
        .node_types
        .iter()
        .map(|t| t.trim().to_lowercase())
        .collect();
    let keep_node = |node: &Node| -> bool {
        let typed = wanted_types.is_empty()
            || wanted_types.contains(node.kind())
            || wanted_types.contains(&node.node_type().to_lowercase());
        let dated = !windowed
            || match node {
                Node::Document(d) => in_window(&d.doc_id),
                Node::Actor(a) => a.mentions_by_doc.keys().any(|d| in_window(d)),
                Node::Issue(i) => i.mentions_by_doc.keys().any(|d| in_window(d)),
            };
        typed && dated
    };
    let mut nodes: Vec<Node> = view
        .nodes
        .iter()
        .filter(|n| keep_node(n))
        .cloned()
        .collect();
    let kept: BTreeSet<&str> = nodes.iter().map(Node::id).collect();
    let mut links: Vec<Edge> = view
        .links
        .iter()
        .filter(|e| spec.edge_kinds.is_empty() || spec.edge_kinds.contains(&e.kind))
        .filter(|e| kept.contains(e.source.as_str()) && kept.contains(e.target.as_str()))
        .filter_map(|e| {
            if !windowed {
                return Some(e.clone());
            }
            let evidence: Vec<Evidence> = e
                .evidence
                .iter()
                .filter(|ev| in_window(&ev.doc))
                .cloned()
                .collect();
            (!evidence.is_empty()).then(|| with_evidence(view, e, evidence))
        })
        .filter(|e| spec.min_confidence.is_none_or(|min| e.confidence >= min))
        .collect();
    if spec.actor_network {
        let network = actor_network(view, &links);
        let actors: BTreeSet<&str> = network
            .iter()
            .flat_map(|e| [e.source.as_str(), e.target.as_str()])
            .collect();
        nodes.retain(|n| actors.contains(n.id()));
        links = network;
    }
    let mut graph = view.graph.clone();
    graph.insert(
        "filter".into(),
        serde_json::to_value(spec).unwrap_or_default(),
    );
    GraphView::new(graph, nodes, links)
}

/// An edge recomputed from a subset of its evidence.
fn with_evidence(view: &GraphView, edge: &Edge, evidence: Vec<Evidence>) -> Edge {
    let dates: BTreeSet<&str> = evidence
        .iter()
        .filter_map(|e| view.doc_date(&e.doc))
        .collect();
    let stages: BTreeSet<String> = evidence
        .iter()
        .map(|e| e.stage.clone())
        .filter(|s| !s.is_empty())
        .collect();
    Edge {
        confidence: noisy_or(evidence.iter().map(|e| e.confidence)),
        weight: evidence.len(),
        first_seen: dates.first().map(|d| d.to_string()),
        last_seen: dates.last().map(|d| d.to_string()),
        stages: stages.into_iter().collect(),
        evidence,
        ..edge.clone()
    }
}

/// Discourse Network Analysis: two actors are linked by agreement when they take the same
/// side on a concept and by conflict when they take opposite sides. The weight is the
/// number of shared concepts; the evidence is the statements of both actors.
pub fn actor_network(view: &GraphView, links: &[Edge]) -> Vec<Edge> {
    // Target → holder → polarity → evidence.
    let mut statements: BTreeMap<&str, BTreeMap<&str, BTreeMap<Polarity, Vec<&Evidence>>>> =
        BTreeMap::new();
    for edge in links
        .iter()
        .filter(|e| e.kind == EdgeKind::Stance && e.polarity != Polarity::Neutral)
    {
        let is_actor = matches!(view.node(&edge.source), Some(Node::Actor(_)));
        if is_actor {
            statements
                .entry(edge.target.as_str())
                .or_default()
                .entry(edge.source.as_str())
                .or_default()
                .entry(edge.polarity)
                .or_default()
                .extend(edge.evidence.iter());
        }
    }
    // (a, b, kind) → concept → evidence.
    let mut pairs: BTreeMap<(&str, &str, EdgeKind), ConceptEvidence<'_>> = BTreeMap::new();
    for (concept, holders) in &statements {
        let holders: Vec<(&&str, &BTreeMap<Polarity, Vec<&Evidence>>)> = holders.iter().collect();
        for (i, (a, a_sides)) in holders.iter().enumerate() {
            for (b, b_sides) in holders.iter().skip(i + 1) {
                for (pa, ea) in a_sides.iter() {
                    for (pb, eb) in b_sides.iter() {
                        let kind = if pa == pb {
                            EdgeKind::Agreement
                        } else {
                            EdgeKind::Conflict
                        };
                        let slot = pairs
                            .entry((**a, **b, kind))
                            .or_default()
                            .entry(concept)
                            .or_default();
                        for ev in ea.iter().chain(eb.iter()) {
                            slot.insert(ev.key(), (*ev).clone());
                        }
                    }
                }
            }
        }
    }
    pairs
        .into_iter()
        .map(|((a, b, kind), concepts)| {
            let concept_labels: Vec<String> = concepts
                .keys()
                .map(|c| {
                    view.node(c)
                        .map_or(c.to_string(), |n| n.label().to_string())
                })
                .collect();
            let evidence: Vec<Evidence> = concepts
                .values()
                .flat_map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())))
                .collect::<BTreeMap<_, _>>()
                .into_values()
                .collect();
            let base = Edge {
                source: a.to_string(),
                target: b.to_string(),
                key: kind.as_str().to_string(),
                kind,
                label: concept_labels.join("; "),
                polarity: if kind == EdgeKind::Agreement {
                    Polarity::Support
                } else {
                    Polarity::Oppose
                },
                sign: None,
                confidence: 0.0,
                weight: 0,
                evidence: Vec::new(),
                first_seen: None,
                last_seen: None,
                stages: Vec::new(),
                attributes: BTreeMap::from([("concepts".to_string(), concept_labels.clone())]),
                sentiment: BTreeMap::new(),
            };
            let mut edge = with_evidence(view, &base, evidence);
            edge.weight = concept_labels.len();
            edge
        })
        .collect()
}
