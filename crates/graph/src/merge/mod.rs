//! Merging documents into the graph.
//!
//! The graph keeps what each document contributed, keyed so that nothing can count twice:
//! actors by entity key, issues by normalised label, evidence by (document, span, stage),
//! mention counts per document. The analyst's view (actors merged by known aliases,
//! edges aggregated, confidences and dates computed, everything sorted) is a pure function
//! of that state, so merging is idempotent and independent of document order, and a
//! graph read back from its own node-link JSON merges on exactly as before.
//!
//! - [`raw`]: one document's actors, quotes, stances and relations into the raw state;
//! - [`cluster`]: which actor keys name the same actor (alias clustering);
//! - [`view`]: the analyst's view built from the raw state;
//! - [`query`]: finding actors, issues and edges in the view;
//! - [`node_link`]: reading `graph.json` back into raw state;
//! - [`gender`]: choosing an actor's gender from per-document calls.

mod cluster;
mod gender;
mod node_link;
mod query;
mod raw;
mod view;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use stancegraph_core::{Polarity, Sign};

use crate::model::{DocumentNode, EdgeKind, Evidence, GraphView, RoleInfo, TargetSentiment};
use crate::sorted::{SortedMap, SortedSet};

pub use gender::stronger_gender_call;

/// Version of the node-link layout written in `graph.schema`.
pub const GRAPH_SCHEMA: u64 = 1;

const ANON_TYPE: &str = "ANON";
const UNRESOLVED_TYPE: &str = "UNRESOLVED";
const COOCCURRENCE_STAGE: &str = "graph.co_occurrence";

#[derive(Debug, Clone, Default, PartialEq)]
struct RawActor {
    actor_type: String,
    canonicals: SortedSet<String>,
    aliases: SortedSet<String>,
    roles: SortedSet<RoleInfo>,
    mentions: SortedMap<String, u64>,
    anonymous: bool,
    /// Per document, the `gender|evidence` the resolver stated for this actor (the
    /// strongest call when a document states several). Kept per document, not as counts,
    /// so that graph.json carries the votes and merged partial graphs reach the same
    /// majority as one run.
    genders_by_doc: SortedMap<String, String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
struct RawIssue {
    labels: SortedSet<String>,
    mentions: SortedMap<String, u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct EdgeId {
    source: String,
    target: String,
    kind: EdgeKind,
    label: String,
    polarity: Polarity,
    sign: Option<Sign>,
}

#[derive(Debug, Clone, Default, PartialEq)]
struct RawEdge {
    /// Sorted by [`Evidence::key`], one piece per key: a sorted `Vec` rather than a map,
    /// because a corpus graph holds hundreds of thousands of pieces and a map would store
    /// each key (two strings) a second time.
    evidence: Vec<Evidence>,
    attributes: Attributes,
    /// `said` edges: sentiment toward each actor the quotes name, by actor key (mapped to
    /// node ids when the view is built).
    sentiment: BTreeMap<String, TargetSentiment>,
}

/// Free edge attributes: names with sorted, distinct values.
type Attributes = SortedMap<String, SortedSet<String>>;

impl RawEdge {
    fn add_evidence(&mut self, evidence: Evidence) {
        match self
            .evidence
            .binary_search_by(|e| e.key_ref().cmp(&evidence.key_ref()))
        {
            Ok(at) => {
                if let Some(slot) = self.evidence.get_mut(at) {
                    if evidence.outranks(slot) {
                        *slot = evidence;
                    }
                }
            }
            Err(at) => self.evidence.insert(at, evidence),
        }
    }
}

/// What the merge records beyond the defaults (the `[graph]` settings).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GraphOptions {
    /// Fold the sentiment of each quote toward the actors it names (the relations stage's
    /// quote stances) onto the speaker's `said` edge as `sentiment` (on by default).
    pub said_sentiment: bool,
}

impl Default for GraphOptions {
    fn default() -> Self {
        GraphOptions {
            said_sentiment: true,
        }
    }
}

/// The knowledge graph of every document merged so far.
#[derive(Debug, Default)]
pub struct KnowledgeGraph {
    options: GraphOptions,
    documents: BTreeMap<String, DocumentNode>,
    actors: BTreeMap<String, RawActor>,
    issues: BTreeMap<String, RawIssue>,
    edges: BTreeMap<EdgeId, RawEdge>,
    view: OnceLock<GraphView>,
}

impl Clone for KnowledgeGraph {
    fn clone(&self) -> Self {
        KnowledgeGraph {
            options: self.options,
            documents: self.documents.clone(),
            actors: self.actors.clone(),
            issues: self.issues.clone(),
            edges: self.edges.clone(),
            view: OnceLock::new(),
        }
    }
}

impl PartialEq for KnowledgeGraph {
    /// Two graphs are equal when analysts see the same graph.
    fn eq(&self, other: &Self) -> bool {
        self.view() == other.view()
    }
}

impl KnowledgeGraph {
    /// An empty graph with default options.
    pub fn new() -> Self {
        KnowledgeGraph::default()
    }

    /// The graph with `options` for the documents merged from now on (what a graph read
    /// with [`KnowledgeGraph::from_node_link`] already holds stays).
    pub fn with_options(mut self, options: GraphOptions) -> Self {
        self.options = options;
        self
    }

    /// The options documents are merged with.
    pub fn options(&self) -> GraphOptions {
        self.options
    }
}

/// Lowercase, single-spaced, without surrounding punctuation: how names and issue labels
/// are compared.
pub fn normalise(text: &str) -> String {
    let words: Vec<String> = text
        .split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect();
    words.join(" ")
}

/// Issue identity: normalised label without a leading article.
fn issue_id(label: &str) -> String {
    let norm = normalise(label);
    let stripped = ["the ", "a ", "an "]
        .iter()
        .find_map(|a| norm.strip_prefix(a))
        .unwrap_or(&norm);
    format!("issue:{stripped}")
}

/// The name part of an entity key (`per:scott bessent` → `scott bessent`).
fn key_name(key: &str) -> String {
    normalise(key.split_once(':').map_or(key, |(_, name)| name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_issues_normalise() {
        assert_eq!(normalise("  “Scott   Bessent,” "), "scott bessent");
        assert_eq!(
            issue_id("The 100 percent tariff"),
            "issue:100 percent tariff"
        );
        assert_eq!(issue_id("100 Percent Tariff."), "issue:100 percent tariff");
        assert_eq!(key_name("per:Scott  Bessent"), "scott bessent");
    }
}
