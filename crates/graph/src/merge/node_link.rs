//! Reading `graph.json` (networkx node-link JSON) back into the raw state, so that a
//! saved graph merges on exactly as the graph it was written from.

use std::collections::BTreeSet;

use serde_json::{json, Value};
use stancegraph_core::EntityType;

use super::{key_name, normalise, EdgeId, KnowledgeGraph, ANON_TYPE, UNRESOLVED_TYPE};
use crate::model::{ActorNode, Edge, EdgeKind, GraphView, Node, TargetSentiment};
use crate::GraphError;

impl KnowledgeGraph {
    /// networkx node-link JSON (`networkx.node_link_graph(data, edges="links")`).
    pub fn to_node_link(&self) -> Value {
        serde_json::to_value(self.view()).unwrap_or_else(|_| json!({}))
    }

    /// Reads node-link JSON written by [`KnowledgeGraph::to_node_link`] back into a graph
    /// that further documents can be merged into.
    pub fn from_node_link(value: &Value) -> Result<KnowledgeGraph, GraphError> {
        let view: GraphView = serde_json::from_value(value.clone())?;
        let mut graph = KnowledgeGraph::new();
        for node in view.nodes {
            match node {
                Node::Document(d) => {
                    graph.documents.insert(d.doc_id.clone(), d);
                }
                Node::Issue(i) => {
                    let issue = graph.issues.entry(i.id.clone()).or_default();
                    issue.labels.insert(i.label);
                    issue.labels.extend(i.aliases);
                    issue.mentions = i.mentions_by_doc.into_iter().collect();
                }
                Node::Actor(a) => graph.load_actor(a),
            }
        }
        for edge in view.links {
            if !matches!(edge.kind, EdgeKind::Agreement | EdgeKind::Conflict) {
                graph.load_edge(edge)?;
            }
        }
        Ok(graph)
    }

    /// Every key of a saved actor gets the node's names: clustering at the level of the
    /// node is then exactly what it was when the keys were merged.
    fn load_actor(&mut self, node: ActorNode) {
        let mut keys: BTreeSet<String> = node.keys.into_iter().collect();
        keys.insert(node.id.clone());
        for key in keys {
            let actor = self.actors.entry(key.clone()).or_default();
            actor.actor_type = node.actor_type.clone();
            actor.anonymous = node.anonymous;
            actor.aliases.extend(node.aliases.iter().cloned());
            if key == node.id {
                actor.genders_by_doc = node.gender_by_doc.clone().into_iter().collect();
                actor.canonicals.insert(node.label.clone());
                actor.roles.extend(node.roles.iter().cloned());
                actor.mentions = node.mentions_by_doc.clone().into_iter().collect();
            } else {
                // Type of a member key comes from its prefix (`per:`), as when it was made.
                if let Some(actor_type) = type_from_key(&key) {
                    actor.actor_type = actor_type;
                }
                // A member named like the node ("unresolved:tories" of "Tories") was named
                // by that label: without it, the member could not join a key of another part
                // ("misc:tories") the way it did in one run.
                if normalise(&node.label) == key_name(&key) {
                    actor.canonicals.insert(node.label.clone());
                }
            }
        }
    }

    fn load_edge(&mut self, edge: Edge) -> Result<(), GraphError> {
        for end in [&edge.source, &edge.target] {
            let known = self.actors.contains_key(end.as_str())
                || self.issues.contains_key(end.as_str())
                || end
                    .strip_prefix("doc:")
                    .is_some_and(|d| self.documents.contains_key(d));
            if !known {
                return Err(GraphError::Invalid(format!(
                    "link {} → {} refers to unknown node {end}",
                    edge.source, edge.target
                )));
            }
        }
        let (source, target) = if edge.kind == EdgeKind::CoOccurrence && edge.source > edge.target {
            (edge.target, edge.source)
        } else {
            (edge.source, edge.target)
        };
        let id = EdgeId {
            source,
            target,
            kind: edge.kind,
            label: edge.label,
            polarity: edge.polarity,
            sign: edge.sign,
        };
        let raw = self.edges.entry(id).or_default();
        for evidence in edge.evidence {
            raw.add_evidence(evidence);
        }
        for (name, values) in edge.attributes {
            raw.attributes.entry_or_default(name).extend(values);
        }
        for (target, reading) in edge.sentiment {
            TargetSentiment::fold_into(&mut raw.sentiment, target, reading);
        }
        Ok(())
    }
}

fn type_from_key(key: &str) -> Option<String> {
    let (prefix, _) = key.split_once(':')?;
    match prefix {
        "unresolved" => Some(UNRESOLVED_TYPE.into()),
        "anon" => Some(ANON_TYPE.into()),
        other => EntityType::parse(other).map(|t| t.as_str().to_string()),
    }
}
