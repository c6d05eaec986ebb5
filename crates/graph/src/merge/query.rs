//! Finding actors, issues and edges in the analyst's view by id, name or alias.

use super::{issue_id, normalise, KnowledgeGraph};
use crate::model::{ActorNode, Edge, EdgeKind, IssueNode, Node};

impl KnowledgeGraph {
    /// Number of nodes analysts see (actors after alias merging, issues, documents).
    pub fn node_count(&self) -> usize {
        self.view().nodes.len()
    }

    /// Number of edges analysts see (after alias merging, one per multigraph key).
    pub fn edge_count(&self) -> usize {
        self.view().links.len()
    }

    /// Number of documents merged (each counts once, however often it was merged).
    pub fn document_count(&self) -> usize {
        self.documents.len()
    }

    /// An actor by node id, entity key, label or alias (case-insensitive).
    pub fn actor(&self, name: &str) -> Option<&ActorNode> {
        let wanted = normalise(name);
        let actors = || {
            self.view().nodes.iter().filter_map(|n| match n {
                Node::Actor(a) => Some(a),
                _ => None,
            })
        };
        actors()
            .find(|a| a.id == name || a.keys.iter().any(|k| k == name))
            .or_else(|| actors().find(|a| normalise(&a.label) == wanted))
            .or_else(|| actors().find(|a| a.aliases.iter().any(|al| normalise(al) == wanted)))
    }

    /// An issue by node id or label (compared normalised).
    pub fn issue(&self, label: &str) -> Option<&IssueNode> {
        let id = if label.starts_with("issue:") {
            label.to_string()
        } else {
            issue_id(label)
        };
        self.view().nodes.iter().find_map(|n| match n {
            Node::Issue(i) if i.id == id || i.aliases.iter().any(|a| issue_id(a) == id) => Some(i),
            _ => None,
        })
    }

    /// The node id of an actor or issue name, or of a node id.
    fn resolve(&self, name: &str) -> Option<String> {
        if self.view().node(name).is_some() {
            return Some(name.to_string());
        }
        self.actor(name)
            .map(|a| a.id.clone())
            .or_else(|| self.issue(name).map(|i| i.id.clone()))
    }

    /// Edges from `source` to `target` (each a node id, actor name or alias, or issue label).
    pub fn edges_between(&self, source: &str, target: &str) -> Vec<&Edge> {
        let (Some(s), Some(t)) = (self.resolve(source), self.resolve(target)) else {
            return Vec::new();
        };
        self.view()
            .links
            .iter()
            .filter(|e| e.source == s && e.target == t)
            .collect()
    }

    /// Where `source` stands toward `target`: the stronger of its stance edges to it (each
    /// edge's confidence is the noisy-or of its evidence, so three readings of 0.5 outweigh
    /// one of 0.7); `None` when it has none. Ties go to the edge with more evidence.
    pub fn stance_between(&self, source: &str, target: &str) -> Option<&Edge> {
        self.edges_between(source, target)
            .into_iter()
            .filter(|e| e.kind == EdgeKind::Stance)
            .max_by(|a, b| {
                a.confidence
                    .total_cmp(&b.confidence)
                    .then(a.weight.cmp(&b.weight))
                    .then(b.key.cmp(&a.key))
            })
    }

    /// Edges of one kind leaving or entering the named node.
    pub fn edges_of(&self, name: &str, kind: EdgeKind) -> Vec<&Edge> {
        let Some(id) = self.resolve(name) else {
            return Vec::new();
        };
        self.view()
            .links
            .iter()
            .filter(|e| e.kind == kind && (e.source == id || e.target == id))
            .collect()
    }
}
