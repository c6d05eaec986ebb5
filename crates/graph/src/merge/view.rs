//! The analyst's view: actors merged by alias cluster, edges re-pointed to their
//! representatives and aggregated (confidence, weight, dates, multigraph keys), every
//! list sorted.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::json;

use super::gender::{majority_gender, stronger_gender_call};
use super::{key_name, EdgeId, KnowledgeGraph, RawActor, RawEdge, GRAPH_SCHEMA};
use crate::model::{
    noisy_or, ActorNode, Edge, EdgeKind, Evidence, GraphView, IssueNode, Node, TargetSentiment,
};

impl KnowledgeGraph {
    /// The merged, sorted graph (computed once after each change).
    pub fn view(&self) -> &GraphView {
        self.view.get_or_init(|| self.build_view())
    }

    fn seen<'a>(
        &self,
        docs: impl IntoIterator<Item = &'a String>,
    ) -> (Option<String>, Option<String>) {
        let dates: BTreeSet<&str> = docs
            .into_iter()
            .filter_map(|d| self.documents.get(d).and_then(|n| n.date.as_deref()))
            .collect();
        (
            dates.first().map(|d| d.to_string()),
            dates.last().map(|d| d.to_string()),
        )
    }

    fn build_view(&self) -> GraphView {
        self.clone().into_view()
    }

    /// The analyst's view, consuming the graph: evidence moves into the view instead of
    /// being copied, so a corpus-sized graph is never held twice (what `run` does once
    /// every document is merged).
    pub fn into_view(mut self) -> GraphView {
        if let Some(view) = self.view.take() {
            return view;
        }
        let representative: BTreeMap<String, String> = self
            .cluster_actors()
            .into_iter()
            .map(|(k, r)| (k.to_string(), r.to_string()))
            .collect();
        let mut groups: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (key, rep) in &representative {
            groups.entry(rep.as_str()).or_default().push(key.as_str());
        }
        let mut nodes: Vec<Node> = self
            .documents
            .values()
            .cloned()
            .map(Node::Document)
            .collect();
        // Raw actors are moved into their nodes, not copied.
        let mut raw_actors = std::mem::take(&mut self.actors);
        for (rep, members) in &groups {
            let owned: Vec<(&str, RawActor)> = members
                .iter()
                .filter_map(|k| raw_actors.remove(*k).map(|a| (*k, a)))
                .collect();
            nodes.push(Node::Actor(self.actor_node(rep, owned)));
        }
        drop(raw_actors);
        for (id, issue) in &self.issues {
            let label = issue
                .labels
                .iter()
                .next()
                .cloned()
                .unwrap_or_else(|| id.trim_start_matches("issue:").to_string());
            let (first_seen, last_seen) = self.seen(issue.mentions.keys());
            nodes.push(Node::Issue(IssueNode {
                id: id.clone(),
                aliases: issue
                    .labels
                    .iter()
                    .filter(|l| **l != label)
                    .cloned()
                    .collect(),
                label,
                issue_type: "ISSUE".into(),
                mentions: issue.mentions.values().sum(),
                documents: issue.mentions.len(),
                mentions_by_doc: issue.mentions.to_map(),
                first_seen,
                last_seen,
            }));
        }
        let actors = groups.len();
        let issues = self.issues.len();
        drop(groups);
        // Nodes are built: free what is left before the edges are moved into the view.
        self.issues = BTreeMap::new();
        let edges = std::mem::take(&mut self.edges);
        let links = self.build_links(edges, &representative);
        let graph = BTreeMap::from([
            ("name".to_string(), json!("stancegraph")),
            ("schema".to_string(), json!(GRAPH_SCHEMA)),
            ("documents".to_string(), json!(self.documents.len())),
            ("actors".to_string(), json!(actors)),
            ("issues".to_string(), json!(issues)),
            ("offsets".to_string(), json!("codepoint")),
        ]);
        GraphView::new(graph, nodes, links)
    }

    fn actor_node(&self, rep: &str, members: Vec<(&str, RawActor)>) -> ActorNode {
        let keys: Vec<String> = members.iter().map(|(k, _)| k.to_string()).collect();
        let mut label = None;
        let mut actor_type = String::new();
        let mut anonymous = false;
        let mut aliases = BTreeSet::new();
        let mut roles = BTreeSet::new();
        let mut mentions: BTreeMap<String, u64> = BTreeMap::new();
        let mut gender_by_doc: BTreeMap<String, String> = BTreeMap::new();
        for (key, actor) in members {
            for (doc, call) in actor.genders_by_doc {
                let slot = gender_by_doc.entry(doc).or_default();
                *slot = stronger_gender_call(slot, &call).to_string();
            }
            if key == rep {
                label = actor.canonicals.iter().next().cloned();
                actor_type.clone_from(&actor.actor_type);
                anonymous = actor.anonymous;
            }
            aliases.extend(actor.aliases);
            aliases.extend(actor.canonicals);
            roles.extend(actor.roles);
            for (doc, count) in actor.mentions {
                *mentions.entry(doc).or_default() += count;
            }
        }
        let label = label.unwrap_or_else(|| key_name(rep));
        aliases.remove(&label);
        let (first_seen, last_seen) = self.seen(mentions.keys());
        let mut votes: BTreeMap<String, u64> = BTreeMap::new();
        for call in gender_by_doc.values() {
            *votes.entry(call.clone()).or_default() += 1;
        }
        let (gender, gender_evidence) = majority_gender(&votes);
        ActorNode {
            id: rep.to_string(),
            label,
            actor_type,
            aliases: aliases.into_iter().collect(),
            roles: roles.into_iter().collect(),
            mentions: mentions.values().sum(),
            documents: mentions.len(),
            mentions_by_doc: mentions,
            keys,
            anonymous,
            gender,
            gender_evidence,
            gender_by_doc,
            first_seen,
            last_seen,
        }
    }

    fn build_links(
        &self,
        edges: BTreeMap<EdgeId, RawEdge>,
        representative: &BTreeMap<String, String>,
    ) -> Vec<Edge> {
        let map = |id: &str| {
            representative
                .get(id)
                .map_or_else(|| id.to_string(), |r| r.to_string())
        };
        let mut merged: BTreeMap<EdgeId, RawEdge> = BTreeMap::new();
        for (id, raw) in edges {
            let (mut source, mut target) = (map(&id.source), map(&id.target));
            // Two names of one actor, merged: an actor has no stance or tie to itself.
            if source == target {
                continue;
            }
            if id.kind == EdgeKind::CoOccurrence && source > target {
                std::mem::swap(&mut source, &mut target);
            }
            let id = EdgeId {
                source,
                target,
                ..id
            };
            match merged.entry(id) {
                std::collections::btree_map::Entry::Vacant(slot) => {
                    slot.insert(raw);
                }
                std::collections::btree_map::Entry::Occupied(mut slot) => {
                    let out = slot.get_mut();
                    for evidence in raw.evidence {
                        out.add_evidence(evidence);
                    }
                    for (name, values) in raw.attributes {
                        out.attributes.entry_or_default(name).extend(values);
                    }
                    for (target, reading) in raw.sentiment {
                        TargetSentiment::fold_into(&mut out.sentiment, target, reading);
                    }
                }
            }
        }
        // Multigraph keys: `kind:label`, with the polarity added where two edges would clash.
        let mut base_counts: BTreeMap<(String, String, String), usize> = BTreeMap::new();
        for id in merged.keys() {
            *base_counts
                .entry((id.source.clone(), id.target.clone(), base_key(id)))
                .or_default() += 1;
        }
        merged
            .into_iter()
            .map(|(id, raw)| {
                let base = base_key(&id);
                let clash = base_counts
                    .get(&(id.source.clone(), id.target.clone(), base.clone()))
                    .is_some_and(|n| *n > 1);
                let key = if clash {
                    let sign = id
                        .sign
                        .map(|s| format!(":{}", crate::model::sign_str(s)))
                        .unwrap_or_default();
                    format!("{base}:{}{sign}", crate::model::polarity_str(id.polarity))
                } else {
                    base
                };
                let evidence: Vec<Evidence> = raw.evidence;
                let (first_seen, last_seen) = self.seen(evidence.iter().map(|e| &e.doc));
                let stages: BTreeSet<String> = evidence
                    .iter()
                    .map(|e| e.stage.clone())
                    .filter(|s| !s.is_empty())
                    .collect();
                let sentiment = node_sentiment(raw.sentiment, &map, &id.source);
                Edge {
                    source: id.source,
                    target: id.target,
                    key,
                    kind: id.kind,
                    label: id.label,
                    polarity: id.polarity,
                    sign: id.sign,
                    confidence: noisy_or(evidence.iter().map(|e| e.confidence)),
                    weight: evidence.len(),
                    evidence,
                    first_seen,
                    last_seen,
                    stages: stages.into_iter().collect(),
                    attributes: raw
                        .attributes
                        .into_iter()
                        .map(|(name, values)| (name, values.into_iter().collect()))
                        .collect(),
                    sentiment,
                }
            })
            .collect()
    }
}

fn base_key(id: &EdgeId) -> String {
    if id.label == id.kind.as_str() {
        id.kind.as_str().to_string()
    } else {
        format!("{}:{}", id.kind.as_str(), id.label)
    }
}

/// Sentiment by actor key → by node id: readings toward keys of one actor fold into one,
/// and a reading toward the speaker's own node (two names of one actor) is dropped.
fn node_sentiment(
    by_key: BTreeMap<String, TargetSentiment>,
    node_of: &impl Fn(&str) -> String,
    speaker: &str,
) -> BTreeMap<String, TargetSentiment> {
    let mut by_node = BTreeMap::new();
    for (key, reading) in by_key {
        let node = node_of(&key);
        if node != speaker {
            TargetSentiment::fold_into(&mut by_node, node, reading);
        }
    }
    by_node
}
