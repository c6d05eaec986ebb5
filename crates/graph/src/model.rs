//! The merged graph as analysts see it: nodes, edges and evidence with code point
//! offsets, in the shape of networkx node-link data.

use std::collections::BTreeMap;

use petgraph::graph::{DiGraph, NodeIndex};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use stancegraph_core::{Polarity, Sign};

/// What an edge says. One edge per (source, target, kind, label, polarity) with all its
/// evidence; the multigraph key is derived from kind and label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EdgeKind {
    /// Actor → document: the actor is quoted there; evidence is each quote.
    Said,
    /// Holder → actor or issue with a polarity.
    Stance,
    /// Actor → actor event (meet, threaten, accuse, ...) with a cooperation/conflict sign.
    Interaction,
    /// Person → organisation or country (from entity roles or affiliation relations).
    Affiliation,
    /// Reports to / works under.
    Hierarchy,
    /// Two actors named in the same sentence (source < target by id).
    CoOccurrence,
    /// Actor × actor: both hold the same stance on a shared target (actor network only).
    Agreement,
    /// Actor × actor: opposite stances on a shared target (actor network only).
    Conflict,
}

impl EdgeKind {
    /// Every kind, in declaration order (what [`EdgeKind::parse`] searches).
    pub const ALL: [EdgeKind; 8] = [
        EdgeKind::Said,
        EdgeKind::Stance,
        EdgeKind::Interaction,
        EdgeKind::Affiliation,
        EdgeKind::Hierarchy,
        EdgeKind::CoOccurrence,
        EdgeKind::Agreement,
        EdgeKind::Conflict,
    ];

    /// The snake_case name used in node-link JSON, exports and config (`co_occurrence`).
    pub fn as_str(&self) -> &'static str {
        match self {
            EdgeKind::Said => "said",
            EdgeKind::Stance => "stance",
            EdgeKind::Interaction => "interaction",
            EdgeKind::Affiliation => "affiliation",
            EdgeKind::Hierarchy => "hierarchy",
            EdgeKind::CoOccurrence => "co_occurrence",
            EdgeKind::Agreement => "agreement",
            EdgeKind::Conflict => "conflict",
        }
    }

    /// The kind named `name` (trimmed, case-insensitive, `-` read as `_`), or `None`.
    pub fn parse(name: &str) -> Option<EdgeKind> {
        let name = name.trim().to_ascii_lowercase().replace('-', "_");
        EdgeKind::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

/// Polarity as a lowercase word (`support`, `oppose`, `neutral`).
pub fn polarity_str(polarity: Polarity) -> &'static str {
    match polarity {
        Polarity::Support => "support",
        Polarity::Oppose => "oppose",
        Polarity::Neutral => "neutral",
    }
}

/// Sign as a lowercase word (`cooperation`, `conflict`, `neutral`).
pub fn sign_str(sign: Sign) -> &'static str {
    match sign {
        Sign::Cooperation => "cooperation",
        Sign::Conflict => "conflict",
        Sign::Neutral => "neutral",
    }
}

/// Identity of a piece of evidence: document, code point start and end, stage.
pub(crate) type EvidenceKey = (String, usize, usize, String);

/// One piece of text that supports an edge. Offsets are Unicode code points into the
/// document text (Python string indices).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// Id of the document the span is in (without the `doc:` prefix).
    pub doc: String,
    /// Start of the span, in code points (inclusive).
    pub start: usize,
    /// End of the span, in code points (exclusive).
    pub end: usize,
    /// The document text of the span, copied so exports need not reread the document.
    pub text: String,
    /// The annotation's confidence, rounded to 4 decimals.
    #[serde(default)]
    pub confidence: f64,
    /// The stage that made the annotation.
    #[serde(default)]
    pub stage: String,
    /// The word or phrase that carries the edge ("challenged", the reporting verb).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trigger: Option<String>,
}

impl Evidence {
    /// Identity of a piece of evidence: the same span of the same document from the same
    /// stage is one piece, however often the document is merged.
    pub(crate) fn key(&self) -> EvidenceKey {
        (self.doc.clone(), self.start, self.end, self.stage.clone())
    }

    /// The key without copying its strings.
    pub(crate) fn key_ref(&self) -> (&str, usize, usize, &str) {
        (&self.doc, self.start, self.end, &self.stage)
    }

    /// Whether `self` is kept over `other` when both have the same key: a total order, so
    /// the merged graph does not depend on merge order.
    pub(crate) fn outranks(&self, other: &Evidence) -> bool {
        (
            self.confidence.to_bits(),
            self.trigger.as_deref(),
            self.text.as_str(),
        ) > (
            other.confidence.to_bits(),
            other.trigger.as_deref(),
            other.text.as_str(),
        )
    }
}

/// A role an actor holds, as stated in some document.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct RoleInfo {
    /// The title as written (`Treasury Secretary`), trimmed.
    pub title: String,
    /// The organisation the title is held in, when stated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    /// The country the title is held for, when stated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

/// A person, organisation, place or anonymous source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActorNode {
    /// The cross-document key of the actor (`per:scott bessent`); anonymous sources are
    /// `anon:<doc>:<description>`, unresolved ones `unresolved:<text>`.
    pub id: String,
    /// Display name: the canonical name of the representative key, else the name in its key.
    pub label: String,
    /// Entity type (`PER`, `ORG`, `GPE`, ...), `ANON` or `UNRESOLVED`.
    #[serde(rename = "type")]
    pub actor_type: String,
    /// Other names and canonical forms the actor appears under, sorted, without `label`.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Roles stated for the actor in any document, sorted and deduplicated.
    #[serde(default)]
    pub roles: Vec<RoleInfo>,
    /// Mentions (or, for anonymous and unresolved sources, references) over all documents.
    #[serde(default)]
    pub mentions: u64,
    /// Mentions per document id; `mentions` is their sum and `documents` their count.
    #[serde(default)]
    pub mentions_by_doc: BTreeMap<String, u64>,
    /// Number of documents that mention the actor.
    #[serde(default)]
    pub documents: usize,
    /// Every entity key merged into this node (by key or by a known alias).
    #[serde(default)]
    pub keys: Vec<String>,
    /// True for anonymous sources ("a senior official"), whose ids are per document.
    #[serde(default)]
    pub anonymous: bool,
    /// `female` or `male` when the documents state it (honorific, first name, pronouns).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender: Option<String>,
    /// What the gender rests on: `honorific`, `kinship`, `first_name` or `pronoun`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender_evidence: Option<String>,
    /// The votes behind `gender`: per document, the `gender|evidence` it states. Saved so
    /// that merging graph.json files reaches the same majority as one run.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub gender_by_doc: BTreeMap<String, String>,
    /// Earliest publication date (ISO 8601) of a document that mentions the actor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_seen: Option<String>,
    /// Latest publication date (ISO 8601) of a document that mentions the actor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_seen: Option<String>,
}

/// A normalised noun phrase that stances and relations point at.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IssueNode {
    /// `issue:<normalised label>`.
    pub id: String,
    /// Display name: the alphabetically first of the labels the issue was written as.
    pub label: String,
    /// Always `ISSUE`.
    #[serde(rename = "type")]
    pub issue_type: String,
    /// The other labels that normalise to the same issue, sorted.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Times stances and relations point at the issue, over all documents.
    #[serde(default)]
    pub mentions: u64,
    /// Mentions per document id; merging a document again keeps the larger count, never the sum.
    #[serde(default)]
    pub mentions_by_doc: BTreeMap<String, u64>,
    /// Number of documents that mention the issue.
    #[serde(default)]
    pub documents: usize,
    /// Earliest publication date (ISO 8601) of a document that mentions the issue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_seen: Option<String>,
    /// Latest publication date (ISO 8601) of a document that mentions the issue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_seen: Option<String>,
}

/// One merged article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentNode {
    /// `doc:<document id>`.
    pub id: String,
    /// The title when known, else the document id.
    pub label: String,
    /// Always `DOCUMENT`.
    #[serde(rename = "type")]
    pub doc_type: String,
    /// The document's own id (`id` without the `doc:` prefix), as evidence names it.
    pub doc_id: String,
    /// The article title from the document metadata, when not blank.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Publication date (ISO 8601).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// File path or URL the document was read from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Publishing outlet (`BBC News`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outlet: Option<String>,
    /// Where the story was filed from, by its dateline (`WASHINGTON`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dateline_place: Option<String>,
    /// The wire service or outlet its dateline credits (`AP`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dateline_credit: Option<String>,
}

/// A node of the node-link data, tagged by `kind`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Node {
    /// A person, organisation, place or anonymous source (`kind: "actor"`).
    Actor(ActorNode),
    /// A stance or relation target that is not an actor (`kind: "issue"`).
    Issue(IssueNode),
    /// A merged article (`kind: "document"`), the target of `said` edges.
    Document(DocumentNode),
}

impl Node {
    /// The node id (`per:...`, `issue:...`, `doc:...`), unique in the graph.
    pub fn id(&self) -> &str {
        match self {
            Node::Actor(n) => &n.id,
            Node::Issue(n) => &n.id,
            Node::Document(n) => &n.id,
        }
    }

    /// The display name: actor name, issue label, or document title (else its id).
    pub fn label(&self) -> &str {
        match self {
            Node::Actor(n) => &n.label,
            Node::Issue(n) => &n.label,
            Node::Document(n) => &n.label,
        }
    }

    /// `actor`, `issue` or `document`.
    pub fn kind(&self) -> &'static str {
        match self {
            Node::Actor(_) => "actor",
            Node::Issue(_) => "issue",
            Node::Document(_) => "document",
        }
    }

    /// Entity type for actors, `ISSUE` and `DOCUMENT` otherwise.
    pub fn node_type(&self) -> &str {
        match self {
            Node::Actor(n) => &n.actor_type,
            Node::Issue(n) => &n.issue_type,
            Node::Document(n) => &n.doc_type,
        }
    }

    /// Other names of actors and issues; empty for documents.
    pub fn aliases(&self) -> &[String] {
        match self {
            Node::Actor(n) => &n.aliases,
            Node::Issue(n) => &n.aliases,
            Node::Document(_) => &[],
        }
    }

    /// First and last publication dates the node was seen on.
    pub fn seen(&self) -> (Option<&str>, Option<&str>) {
        match self {
            Node::Actor(n) => (n.first_seen.as_deref(), n.last_seen.as_deref()),
            Node::Issue(n) => (n.first_seen.as_deref(), n.last_seen.as_deref()),
            Node::Document(n) => (n.date.as_deref(), n.date.as_deref()),
        }
    }
}

/// One edge of the multigraph with its aggregated evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Edge {
    /// Node id the edge starts from (the actor, holder or speaker).
    pub source: String,
    /// Node id the edge points at.
    pub target: String,
    /// Multigraph key, unique among the edges from `source` to `target`.
    pub key: String,
    /// What the edge says.
    pub kind: EdgeKind,
    /// Polarity for stances, the relation kind (`meet`, `reports_to`) for relations, the
    /// title for role affiliations.
    pub label: String,
    /// Support/oppose for stances; cooperation → support and conflict → oppose for relations.
    pub polarity: Polarity,
    /// The relation's cooperation/conflict sign for edges from relations; `None` for quotes,
    /// stances, roles and co-occurrence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sign: Option<Sign>,
    /// Noisy-or of the evidence confidences.
    pub confidence: f64,
    /// Number of pieces of evidence.
    pub weight: usize,
    /// Every piece of text behind the edge, one per (document, span, stage).
    pub evidence: Vec<Evidence>,
    /// Earliest publication date (ISO 8601) among the evidence's documents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_seen: Option<String>,
    /// Latest publication date (ISO 8601) among the evidence's documents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_seen: Option<String>,
    /// Stages whose annotations the evidence comes from.
    #[serde(default)]
    pub stages: Vec<String>,
    /// Free attributes (`location`, `title`, `quote_kind`, `concepts`), each a sorted set.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, Vec<String>>,
    /// `said` edges (with [`GraphOptions::said_sentiment`](crate::GraphOptions)): how the
    /// speaker talks about each actor their quotes name, by that actor's node id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub sentiment: BTreeMap<String, TargetSentiment>,
}

/// The sentiment a speaker's quotes express toward one actor they name: `positive` or
/// `negative` (the relations stage's quote stances, support → positive, oppose →
/// negative) with the classifier's probability for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetSentiment {
    /// `positive`, `negative` or `neutral`.
    pub label: String,
    /// The classifier's probability for `label`, rounded to 4 decimals.
    pub score: f64,
}

impl TargetSentiment {
    /// Of two readings toward one target (two quotes of a document, or two keys merged
    /// into one actor), the one to keep: the higher score, then the larger label, so the
    /// result never depends on the order documents, parts or keys arrive in.
    pub fn stronger(self, other: TargetSentiment) -> TargetSentiment {
        match self
            .score
            .total_cmp(&other.score)
            .then_with(|| self.label.cmp(&other.label))
        {
            std::cmp::Ordering::Less => other,
            _ => self,
        }
    }

    /// Folds `reading` into `map` under `target`, keeping the stronger of two readings.
    pub fn fold_into(
        map: &mut BTreeMap<String, TargetSentiment>,
        target: String,
        reading: TargetSentiment,
    ) {
        let kept = match map.remove(&target) {
            Some(old) => old.stronger(reading),
            None => reading,
        };
        map.insert(target, kept);
    }
}

/// The whole graph in node-link form, sorted: nodes by id, links by (source, target, key).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GraphView {
    /// Always true: edges have a direction (co-occurrence runs from the smaller id).
    pub directed: bool,
    /// Always true: two nodes may be joined by several edges, told apart by `key`.
    pub multigraph: bool,
    /// Graph attributes: `name`, `schema` ([`GRAPH_SCHEMA`](crate::GRAPH_SCHEMA)), `documents`,
    /// `actors`, `issues` (counts) and `offsets` (`codepoint`).
    #[serde(default)]
    pub graph: BTreeMap<String, Value>,
    /// Every node, sorted by id (so [`GraphView::node`] can binary-search).
    pub nodes: Vec<Node>,
    /// Every edge, sorted by (source, target, key).
    pub links: Vec<Edge>,
}

impl GraphView {
    pub(crate) fn new(
        graph: BTreeMap<String, Value>,
        mut nodes: Vec<Node>,
        mut links: Vec<Edge>,
    ) -> GraphView {
        nodes.sort_by(|a, b| a.id().cmp(b.id()));
        links.sort_by(|a, b| (&a.source, &a.target, &a.key).cmp(&(&b.source, &b.target, &b.key)));
        GraphView {
            directed: true,
            multigraph: true,
            graph,
            nodes,
            links,
        }
    }

    /// The node with id `id` (`per:...`, `issue:...`, `doc:...`), by binary search.
    pub fn node(&self, id: &str) -> Option<&Node> {
        self.nodes
            .binary_search_by(|n| n.id().cmp(id))
            .ok()
            .and_then(|i| self.nodes.get(i))
    }

    /// The publication date of a merged document, by document id.
    pub fn doc_date(&self, doc: &str) -> Option<&str> {
        match self.node(&format!("doc:{doc}")) {
            Some(Node::Document(d)) => d.date.as_deref(),
            _ => None,
        }
    }

    /// The graph as a petgraph `DiGraph` (for graph algorithms); weights borrow from `self`.
    pub fn petgraph(&self) -> DiGraph<&Node, &Edge> {
        let mut graph = DiGraph::with_capacity(self.nodes.len(), self.links.len());
        let index: BTreeMap<&str, NodeIndex> = self
            .nodes
            .iter()
            .map(|n| (n.id(), graph.add_node(n)))
            .collect();
        for edge in &self.links {
            if let (Some(&a), Some(&b)) = (
                index.get(edge.source.as_str()),
                index.get(edge.target.as_str()),
            ) {
                graph.add_edge(a, b, edge);
            }
        }
        graph
    }
}

/// Noisy-or of confidences, rounded to 4 decimals so that equal evidence sets always
/// print the same number.
pub(crate) fn noisy_or(confidences: impl IntoIterator<Item = f64>) -> f64 {
    let miss: f64 = confidences
        .into_iter()
        .map(|c| 1.0 - c.clamp(0.0, 1.0))
        .product();
    round4(1.0 - miss)
}

/// Rounds to 4 decimals: confidences print the same in JSON values and text, and survive
/// a round trip through node-link JSON exactly.
pub(crate) fn round4(value: f64) -> f64 {
    if value.is_finite() {
        (value * 10_000.0).round() / 10_000.0
    } else {
        0.0
    }
}
