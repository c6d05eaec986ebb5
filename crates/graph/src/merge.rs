//! Merging documents into the graph.
//!
//! The graph keeps what each document contributed, keyed so that nothing can count twice:
//! actors by entity key, issues by normalised label, evidence by (document, span, stage),
//! mention counts per document. The analyst's view (actors merged by known aliases,
//! edges aggregated, confidences and dates computed, everything sorted) is a pure function
//! of that state, so merging is idempotent and independent of document order, and a
//! graph read back from its own node-link JSON merges on exactly as before.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::OnceLock;

use petgraph::unionfind::UnionFind;
use serde_json::{json, Value};
use stancegraph_core::{
    ActorRef, CodepointIndex, CueClass, Document, EntityType, Gender, Polarity, RelationClass,
    Sign, Span, Target,
};

use crate::model::{
    noisy_or, round4, ActorNode, DocumentNode, Edge, EdgeKind, Evidence, GraphView, IssueNode,
    Node, RoleInfo,
};
use crate::sorted::{SortedMap, SortedSet};
use crate::GraphError;

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

/// The knowledge graph of every document merged so far.
#[derive(Debug, Default)]
pub struct KnowledgeGraph {
    documents: BTreeMap<String, DocumentNode>,
    actors: BTreeMap<String, RawActor>,
    issues: BTreeMap<String, RawIssue>,
    edges: BTreeMap<EdgeId, RawEdge>,
    view: OnceLock<GraphView>,
}

impl Clone for KnowledgeGraph {
    fn clone(&self) -> Self {
        KnowledgeGraph {
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

/// Of two `gender|evidence` calls for one actor in one document, the one to keep: the
/// stronger evidence (honorific, then agreeing pronouns, then first-name statistics),
/// then the larger string, so the choice never depends on the order documents or parts
/// arrive in. An empty call is no call.
pub fn stronger_gender_call<'a>(a: &'a str, b: &'a str) -> &'a str {
    fn rank(call: &str) -> (u8, &str) {
        let strength = match call.split_once('|').map(|(_, evidence)| evidence) {
            _ if call.is_empty() => 0,
            Some("honorific") => 3,
            Some("pronoun") => 2,
            _ => 1,
        };
        (strength, call)
    }
    if rank(b) > rank(a) {
        b
    } else {
        a
    }
}

/// The gender most documents state for an actor (none on a tie) and its most frequent
/// evidence.
fn majority_gender(calls: &BTreeMap<String, u64>) -> (Option<String>, Option<String>) {
    let mut totals: BTreeMap<&str, u64> = BTreeMap::new();
    for (call, count) in calls {
        let gender = call.split('|').next().unwrap_or("");
        *totals.entry(gender).or_default() += count;
    }
    let best = totals.values().copied().max().unwrap_or(0);
    let winners: Vec<&str> = totals
        .iter()
        .filter(|(_, &c)| c == best && best > 0)
        .map(|(g, _)| *g)
        .collect();
    let [gender] = winners.as_slice() else {
        return (None, None);
    };
    let evidence = calls
        .iter()
        .filter(|(call, _)| call.split('|').next() == Some(gender))
        .max_by_key(|(_, &c)| c)
        .and_then(|(call, _)| call.split_once('|').map(|(_, e)| e.to_string()));
    (Some(gender.to_string()), evidence)
}

/// The name part of an entity key (`per:scott bessent` → `scott bessent`).
fn key_name(key: &str) -> String {
    normalise(key.split_once(':').map_or(key, |(_, name)| name))
}

/// Aliases that can identify an actor across documents: names, not descriptions or pronouns.
fn name_like(alias: &str) -> bool {
    let trimmed = alias.trim();
    trimmed.chars().next().is_some_and(|c| c.is_uppercase())
        && !["The ", "A ", "An ", "He", "She", "They", "It"]
            .iter()
            .any(|p| trimmed.starts_with(p))
}

fn is_actor_type(t: EntityType) -> bool {
    !matches!(t, EntityType::Date | EntityType::Money)
}

fn is_cooccurrence_type(t: EntityType) -> bool {
    matches!(
        t,
        EntityType::Per | EntityType::Org | EntityType::Gpe | EntityType::Norp
    )
}

fn max_option(a: &mut Option<String>, b: Option<String>) {
    if b > *a {
        *a = b;
    }
}

/// Everything one document contributes, collected before it touches the graph.
struct DocumentMerge<'d> {
    doc: &'d Document,
    codepoints: CodepointIndex,
    /// Entity id → actor key.
    entity_keys: HashMap<&'d str, String>,
    actor_mentions: BTreeMap<String, u64>,
    issue_mentions: BTreeMap<String, u64>,
}

impl<'d> DocumentMerge<'d> {
    fn evidence(
        &self,
        span: Span,
        confidence: f32,
        stage: &str,
        trigger: Option<Span>,
    ) -> Option<Evidence> {
        let text = self.doc.text();
        span.validate(text).ok()?;
        let chars = self.codepoints.span_to_chars(span);
        let trigger = trigger
            .filter(|t| t.validate(text).is_ok())
            .map(|t| self.doc.slice(t).to_string());
        Some(Evidence {
            doc: self.doc.id.clone(),
            start: chars.start,
            end: chars.end,
            text: self.doc.slice(span).to_string(),
            confidence: round4(f64::from(confidence)),
            stage: stage.to_string(),
            trigger,
        })
    }
}

impl KnowledgeGraph {
    pub fn new() -> Self {
        KnowledgeGraph::default()
    }

    /// Adds one document (spans in byte offsets, as in memory). Merging the same document
    /// again changes nothing; the order of documents does not matter.
    pub fn merge_document(&mut self, doc: &Document) {
        self.view = OnceLock::new();
        self.merge_metadata(doc);
        let mut merge = DocumentMerge {
            doc,
            codepoints: CodepointIndex::new(doc.text()),
            entity_keys: HashMap::new(),
            actor_mentions: BTreeMap::new(),
            issue_mentions: BTreeMap::new(),
        };
        self.merge_entities(&mut merge);
        self.merge_cooccurrence(&merge);
        self.merge_quotes(&mut merge);
        self.merge_stances(&mut merge);
        self.merge_relations(&mut merge);
        // Counts are per document and replaced by the larger, so re-merging never adds up.
        for (key, count) in merge.actor_mentions {
            let slot = self
                .actors
                .entry(key)
                .or_default()
                .mentions
                .entry_or_default(doc.id.clone());
            *slot = (*slot).max(count);
        }
        for (id, count) in merge.issue_mentions {
            let slot = self
                .issues
                .entry(id)
                .or_default()
                .mentions
                .entry_or_default(doc.id.clone());
            *slot = (*slot).max(count);
        }
    }

    fn merge_metadata(&mut self, doc: &Document) {
        let meta = &doc.metadata;
        let node = self
            .documents
            .entry(doc.id.clone())
            .or_insert_with(|| DocumentNode {
                id: format!("doc:{}", doc.id),
                label: String::new(),
                doc_type: "DOCUMENT".into(),
                doc_id: doc.id.clone(),
                title: None,
                date: None,
                source: None,
                outlet: None,
            });
        max_option(
            &mut node.title,
            meta.title.clone().filter(|t| !t.trim().is_empty()),
        );
        max_option(
            &mut node.date,
            meta.published.clone().filter(|t| !t.trim().is_empty()),
        );
        max_option(&mut node.source, meta.source.clone());
        max_option(&mut node.outlet, meta.outlet.clone());
        node.label = node.title.clone().unwrap_or_else(|| doc.id.clone());
    }

    fn actor_mut(&mut self, key: &str, actor_type: &str) -> &mut RawActor {
        let actor = self.actors.entry(key.to_string()).or_default();
        if actor.actor_type.is_empty() {
            actor.actor_type = actor_type.to_string();
        }
        actor
    }

    fn merge_entities<'d>(&mut self, merge: &mut DocumentMerge<'d>) {
        let doc = merge.doc;
        for entity in doc.entities.iter().filter(|e| is_actor_type(e.entity_type)) {
            let key = match entity.key.trim() {
                "" => format!(
                    "{}:{}",
                    entity.entity_type.as_str().to_lowercase(),
                    normalise(&entity.canonical)
                ),
                key => key.to_string(),
            };
            merge.entity_keys.insert(entity.id.as_str(), key.clone());
            merge.actor_mentions.entry(key.clone()).or_default();
            let actor = self.actor_mut(&key, entity.entity_type.as_str());
            actor.canonicals.insert(entity.canonical.trim().to_string());
            actor.aliases.extend(
                entity
                    .aliases
                    .iter()
                    .map(|a| a.trim().to_string())
                    .filter(|a| !a.is_empty()),
            );
            if let Some(call) = entity
                .gender
                .as_ref()
                .filter(|c| c.gender != Gender::Unknown)
            {
                let call = format!("{}|{}", call.gender.as_str(), call.evidence);
                let slot = actor.genders_by_doc.entry_or_default(doc.id.clone());
                *slot = stronger_gender_call(slot, &call).to_string();
            }
            for role in &entity.roles {
                let info = RoleInfo {
                    title: role.title.trim().to_string(),
                    organisation: role.organisation.clone(),
                    country: role.country.clone(),
                };
                actor.roles.insert(info);
            }
        }
        for mention in &doc.mentions {
            if let Some(key) = mention
                .entity
                .as_deref()
                .and_then(|id| merge.entity_keys.get(id))
            {
                *merge.actor_mentions.entry(key.clone()).or_default() += 1;
            }
        }
        // Roles become affiliation edges to the organisation and the country.
        for entity in doc.entities.iter().filter(|e| is_actor_type(e.entity_type)) {
            let Some(person) = merge.entity_keys.get(entity.id.as_str()).cloned() else {
                continue;
            };
            for role in &entity.roles {
                let targets = [
                    (role.organisation.as_deref(), EntityType::Org),
                    (role.country.as_deref(), EntityType::Gpe),
                ];
                for (name, default_type) in targets {
                    let Some(name) = name.filter(|n| !n.trim().is_empty()) else {
                        continue;
                    };
                    let target = self.actor_for_name(merge, name, default_type);
                    if target == person {
                        continue;
                    }
                    let Some(evidence) =
                        merge.evidence(role.evidence, role.confidence, &role.stage, None)
                    else {
                        continue;
                    };
                    let title = role.title.trim().to_string();
                    let id = EdgeId {
                        source: person.clone(),
                        target,
                        kind: EdgeKind::Affiliation,
                        label: if title.is_empty() {
                            "member_of".into()
                        } else {
                            title.clone()
                        },
                        polarity: Polarity::Neutral,
                        sign: None,
                    };
                    let edge = self.edges.entry(id).or_default();
                    edge.add_evidence(evidence);
                    if !title.is_empty() {
                        edge.attributes
                            .entry_or_default("title".into())
                            .insert(title);
                    }
                }
            }
        }
    }

    /// The actor a role's organisation or country names: an entity of the document with
    /// that name or alias, else a new actor keyed by the name.
    fn actor_for_name(
        &mut self,
        merge: &DocumentMerge<'_>,
        name: &str,
        default_type: EntityType,
    ) -> String {
        let wanted = normalise(name);
        let found = merge
            .doc
            .entities
            .iter()
            .filter(|e| is_actor_type(e.entity_type))
            .find(|e| {
                normalise(&e.canonical) == wanted
                    || e.aliases.iter().any(|a| normalise(a) == wanted)
            });
        if let Some(key) = found.and_then(|e| merge.entity_keys.get(e.id.as_str())) {
            return key.clone();
        }
        let key = format!("{}:{}", default_type.as_str().to_lowercase(), wanted);
        self.actor_mut(&key, default_type.as_str())
            .canonicals
            .insert(name.trim().to_string());
        key
    }

    fn merge_cooccurrence(&mut self, merge: &DocumentMerge<'_>) {
        let doc = merge.doc;
        let types: HashMap<&str, EntityType> = doc
            .entities
            .iter()
            .map(|e| (e.id.as_str(), e.entity_type))
            .collect();
        let mut sentences: Vec<Span> = doc.sentences.iter().map(|s| s.span).collect();
        sentences.sort();
        // Sentence index → actor key → lowest mention confidence.
        let mut per_sentence: BTreeMap<usize, BTreeMap<String, f32>> = BTreeMap::new();
        for mention in &doc.mentions {
            let Some(id) = mention.entity.as_deref() else {
                continue;
            };
            if !types.get(id).is_some_and(|t| is_cooccurrence_type(*t)) {
                continue;
            }
            let Some(key) = merge.entity_keys.get(id) else {
                continue;
            };
            let after = sentences.partition_point(|s| s.start <= mention.span.start);
            let Some(index) = after.checked_sub(1) else {
                continue;
            };
            if sentences
                .get(index)
                .is_some_and(|s| mention.span.end <= s.end)
            {
                let confidence = mention.confidence * mention.resolution_confidence.unwrap_or(1.0);
                let slot = per_sentence
                    .entry(index)
                    .or_default()
                    .entry(key.clone())
                    .or_insert(confidence);
                *slot = slot.min(confidence);
            }
        }
        for (index, keys) in per_sentence {
            let Some(&span) = sentences.get(index) else {
                continue;
            };
            let keys: Vec<(&String, &f32)> = keys.iter().collect();
            for (i, (a, ca)) in keys.iter().enumerate() {
                for (b, cb) in keys.iter().skip(i + 1) {
                    let Some(evidence) =
                        merge.evidence(span, ca.min(**cb), COOCCURRENCE_STAGE, None)
                    else {
                        continue;
                    };
                    let id = EdgeId {
                        source: (*a).clone(),
                        target: (*b).clone(),
                        kind: EdgeKind::CoOccurrence,
                        label: "co_occurrence".into(),
                        polarity: Polarity::Neutral,
                        sign: None,
                    };
                    self.edges.entry(id).or_default().add_evidence(evidence);
                }
            }
        }
    }

    /// The node key of a holder or speaker; `None` for an entity id the document lacks.
    fn actor_ref(&mut self, merge: &mut DocumentMerge<'_>, actor: &ActorRef) -> Option<String> {
        let key = match actor {
            ActorRef::Entity { id } => return merge.entity_keys.get(id.as_str()).cloned(),
            ActorRef::Anonymous { description } => {
                let norm = normalise(description);
                let key = format!(
                    "anon:{}:{}",
                    merge.doc.id,
                    if norm.is_empty() { "source" } else { &norm }
                );
                let actor = self.actor_mut(&key, ANON_TYPE);
                actor.anonymous = true;
                actor.canonicals.insert(description.trim().to_string());
                key
            }
            ActorRef::Unresolved { text } => {
                let norm = normalise(text);
                if norm.is_empty() {
                    return None;
                }
                let key = format!("unresolved:{norm}");
                self.actor_mut(&key, UNRESOLVED_TYPE)
                    .canonicals
                    .insert(text.trim().to_string());
                key
            }
        };
        *merge.actor_mentions.entry(key.clone()).or_default() += 1;
        Some(key)
    }

    fn target_ref(&mut self, merge: &mut DocumentMerge<'_>, target: &Target) -> Option<String> {
        match target {
            Target::Actor { id } => merge.entity_keys.get(id.as_str()).cloned(),
            Target::Issue { label, .. } => {
                let id = issue_id(label);
                if id == "issue:" {
                    return None;
                }
                self.issues
                    .entry(id.clone())
                    .or_default()
                    .labels
                    .insert(label.trim().to_string());
                *merge.issue_mentions.entry(id.clone()).or_default() += 1;
                Some(id)
            }
        }
    }

    fn merge_quotes(&mut self, merge: &mut DocumentMerge<'_>) {
        let doc = merge.doc;
        for quote in &doc.quotes {
            // Only what someone said or wrote is a `said` edge: beliefs feed stances and
            // evidence ("a study shows") is no one's quote.
            if !matches!(quote.class, CueClass::Speech | CueClass::Writing) {
                continue;
            }
            let Some(speaker) = self.actor_ref(merge, &quote.speaker) else {
                continue;
            };
            let Some(evidence) =
                merge.evidence(quote.content, quote.confidence, &quote.stage, quote.cue)
            else {
                continue;
            };
            let id = EdgeId {
                source: speaker,
                target: format!("doc:{}", doc.id),
                kind: EdgeKind::Said,
                label: "said".into(),
                polarity: Polarity::Neutral,
                sign: None,
            };
            let edge = self.edges.entry(id).or_default();
            edge.add_evidence(evidence);
            let kind = serde_json::to_value(quote.kind)
                .ok()
                .and_then(|v| v.as_str().map(String::from));
            if let Some(kind) = kind {
                edge.attributes
                    .entry_or_default("quote_kind".into())
                    .insert(kind);
            }
            edge.attributes
                .entry_or_default("cue_class".into())
                .insert(quote.class.as_str().to_string());
        }
    }

    fn merge_stances(&mut self, merge: &mut DocumentMerge<'_>) {
        for stance in &merge.doc.stances {
            let Some(holder) = self.actor_ref(merge, &stance.holder) else {
                continue;
            };
            let Some(target) = self.target_ref(merge, &stance.target) else {
                continue;
            };
            let Some(evidence) = merge.evidence(
                stance.evidence,
                stance.confidence,
                &stance.stage,
                stance.trigger,
            ) else {
                continue;
            };
            let id = EdgeId {
                source: holder,
                target,
                kind: EdgeKind::Stance,
                label: crate::model::polarity_str(stance.polarity).into(),
                polarity: stance.polarity,
                sign: None,
            };
            self.edges.entry(id).or_default().add_evidence(evidence);
        }
    }

    fn merge_relations(&mut self, merge: &mut DocumentMerge<'_>) {
        for relation in &merge.doc.relations {
            let Some(source) = self.actor_ref(merge, &relation.source) else {
                continue;
            };
            let Some(target) = self.target_ref(merge, &relation.target) else {
                continue;
            };
            let Some(evidence) = merge.evidence(
                relation.evidence,
                relation.confidence,
                &relation.stage,
                relation.trigger,
            ) else {
                continue;
            };
            let kind = match relation.class {
                RelationClass::Interaction => EdgeKind::Interaction,
                RelationClass::Affiliation => EdgeKind::Affiliation,
                RelationClass::Hierarchy => EdgeKind::Hierarchy,
            };
            let polarity = match relation.sign {
                Sign::Cooperation => Polarity::Support,
                Sign::Conflict => Polarity::Oppose,
                Sign::Neutral => Polarity::Neutral,
            };
            let label = match relation.kind.trim() {
                "" => kind.as_str().to_string(),
                k => k.to_string(),
            };
            let id = EdgeId {
                source,
                target,
                kind,
                label,
                polarity,
                sign: Some(relation.sign),
            };
            let edge = self.edges.entry(id).or_default();
            edge.add_evidence(evidence);
            for (name, value) in &relation.attributes {
                edge.attributes
                    .entry_or_default(name.clone())
                    .insert(value.clone());
            }
        }
    }

    /// Number of nodes analysts see (actors after alias merging, issues, documents).
    pub fn node_count(&self) -> usize {
        self.view().nodes.len()
    }

    pub fn edge_count(&self) -> usize {
        self.view().links.len()
    }

    pub fn document_count(&self) -> usize {
        self.documents.len()
    }

    /// The merged, sorted graph (computed once after each change).
    pub fn view(&self) -> &GraphView {
        self.view.get_or_init(|| self.build_view())
    }

    /// networkx node-link JSON (`networkx.node_link_graph(data, edges="links")`).
    pub fn to_node_link(&self) -> Value {
        serde_json::to_value(self.view()).unwrap_or_else(|_| json!({}))
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
        Ok(())
    }

    /// Groups actor keys that name the same actor: a key whose name is another key's
    /// alias (same type, or an unresolved source). Returns key → representative key.
    fn cluster_actors(&self) -> BTreeMap<&str, &str> {
        let keys: Vec<&str> = self.actors.keys().map(String::as_str).collect();
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, key) in keys.iter().enumerate() {
            if self.actors.get(*key).is_some_and(|a| !a.anonymous) {
                by_name.entry(key_name(key)).or_default().push(i);
            }
        }
        let mut union = UnionFind::<usize>::new(keys.len());
        for (i, key) in keys.iter().enumerate() {
            let Some(actor) = self.actors.get(*key).filter(|a| !a.anonymous) else {
                continue;
            };
            let names = actor
                .aliases
                .iter()
                .chain(&actor.canonicals)
                .filter(|a| name_like(a))
                .map(|a| normalise(a));
            for name in names {
                for &j in by_name.get(&name).into_iter().flatten() {
                    let other = keys.get(j).and_then(|k| self.actors.get(*k));
                    let compatible = other.is_some_and(|o| {
                        o.actor_type == actor.actor_type
                            || o.actor_type == UNRESOLVED_TYPE
                            || actor.actor_type == UNRESOLVED_TYPE
                    });
                    if compatible {
                        union.union(i, j);
                    }
                }
            }
        }
        let mut members: BTreeMap<usize, Vec<&str>> = BTreeMap::new();
        for (i, key) in keys.iter().enumerate() {
            members.entry(union.find(i)).or_default().push(key);
        }
        let mut representative = BTreeMap::new();
        for group in members.values() {
            // A key whose name another member lists as an alias is that member's short or
            // metonymic form ("Trump" of Donald Trump, "Beijing" of China): never the label.
            let aliased = |key: &str| {
                let name = key_name(key);
                group.iter().any(|other| {
                    *other != key
                        && self
                            .actors
                            .get(*other)
                            .is_some_and(|a| a.aliases.iter().any(|al| normalise(al) == name))
                })
            };
            let best = group
                .iter()
                .copied()
                .min_by_key(|k| (aliased(k), self.representative_rank(k)))
                .unwrap_or_default();
            for key in group {
                representative.insert(*key, best);
            }
        }
        representative
    }

    /// Smaller is better: a resolved type, the fullest name, then the key itself.
    fn representative_rank<'k>(
        &self,
        key: &'k str,
    ) -> (
        bool,
        std::cmp::Reverse<usize>,
        std::cmp::Reverse<usize>,
        &'k str,
    ) {
        let unresolved = self
            .actors
            .get(key)
            .is_some_and(|a| a.actor_type == UNRESOLVED_TYPE);
        let name = key_name(key);
        (
            unresolved,
            std::cmp::Reverse(name.split(' ').count()),
            std::cmp::Reverse(name.len()),
            key,
        )
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
                }
            })
            .collect()
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

fn base_key(id: &EdgeId) -> String {
    if id.label == id.kind.as_str() {
        id.kind.as_str().to_string()
    } else {
        format!("{}:{}", id.kind.as_str(), id.label)
    }
}

#[cfg(test)]
mod tests {
    use stancegraph_core::{Entity, Metadata, Quote, QuoteKind, Stance};

    use super::*;

    fn doc_with_quote(id: &str, text: &str, speaker: ActorRef) -> Document {
        let mut doc = Document::new(Some(id.into()), text, Metadata::default());
        doc.quotes.push(Quote {
            id: "Q1".into(),
            content: Span::new(0, text.len()),
            cue: None,
            source: None,
            speaker,
            kind: QuoteKind::Indirect,
            class: Default::default(),
            stage: "quotes.rules".into(),
            confidence: 0.5,
        });
        doc
    }

    #[test]
    fn names_and_issues_normalise() {
        assert_eq!(normalise("  “Scott   Bessent,” "), "scott bessent");
        assert_eq!(
            issue_id("The 100 percent tariff"),
            "issue:100 percent tariff"
        );
        assert_eq!(issue_id("100 Percent Tariff."), "issue:100 percent tariff");
        assert_eq!(key_name("per:Scott  Bessent"), "scott bessent");
        assert!(name_like("Bessent") && !name_like("the President") && !name_like("He"));
    }

    #[test]
    fn anonymous_sources_stay_per_document() {
        let analysts = || ActorRef::Anonymous {
            description: "analysts".into(),
        };
        let mut graph = KnowledgeGraph::new();
        graph.merge_document(&doc_with_quote("a", "Prices will rise.", analysts()));
        graph.merge_document(&doc_with_quote("b", "Prices will fall.", analysts()));
        let ids: Vec<&str> = graph
            .view()
            .nodes
            .iter()
            .filter(|n| n.kind() == "actor")
            .map(Node::id)
            .collect();
        assert_eq!(ids, vec!["anon:a:analysts", "anon:b:analysts"]);
    }

    #[test]
    fn unresolved_speaker_merges_with_the_named_actor_of_another_document() {
        let mut named = doc_with_quote(
            "a",
            "Wendy Cutler spoke.",
            ActorRef::Entity { id: "E1".into() },
        );
        named.entities.push(Entity {
            id: "E1".into(),
            canonical: "Wendy Cutler".into(),
            entity_type: EntityType::Per,
            aliases: vec!["Cutler".into()],
            roles: Vec::new(),
            key: "per:wendy cutler".into(),
            gender: None,
            stage: "entities.rules".into(),
            confidence: 0.9,
        });
        let unresolved = doc_with_quote(
            "b",
            "Not credible.",
            ActorRef::Unresolved {
                text: "Cutler".into(),
            },
        );
        let mut graph = KnowledgeGraph::new();
        graph.merge_document(&unresolved);
        graph.merge_document(&named);
        let cutler = graph.actor("Cutler").expect("merged actor");
        assert_eq!(cutler.id, "per:wendy cutler");
        assert_eq!(cutler.actor_type, "PER");
        assert_eq!(graph.edges_of("Wendy Cutler", EdgeKind::Said).len(), 2);
    }

    #[test]
    fn spans_outside_the_text_are_skipped_not_panicked_on() {
        let text = "Xi “spoke”.";
        let mut doc = doc_with_quote("a", text, ActorRef::Unresolved { text: "Xi".into() });
        doc.quotes[0].content = Span::new(4, 400);
        doc.stances.push(Stance {
            holder: ActorRef::Entity {
                id: "missing".into(),
            },
            target: Target::Issue {
                label: "  ".into(),
                span: None,
            },
            polarity: Polarity::Oppose,
            evidence: Span::new(5, 6),
            trigger: None,
            quote: None,
            stage: "t".into(),
            confidence: f32::NAN,
        });
        let mut graph = KnowledgeGraph::new();
        graph.merge_document(&doc);
        assert_eq!(graph.edge_count(), 0);
        assert_eq!(graph.document_count(), 1);
    }

    #[test]
    fn evidence_offsets_count_code_points() {
        let text = "“Ünïcode” matters.";
        let graph = {
            let mut doc = doc_with_quote(
                "a",
                text,
                ActorRef::Unresolved {
                    text: "Someone".into(),
                },
            );
            let start = text.find("matters").unwrap_or_default();
            doc.quotes[0].content = Span::new(start, start + "matters".len());
            let mut graph = KnowledgeGraph::new();
            graph.merge_document(&doc);
            graph
        };
        let edge = graph.edges_of("Someone", EdgeKind::Said);
        let evidence = &edge[0].evidence[0];
        assert_eq!(
            (evidence.start, evidence.end, evidence.text.as_str()),
            (10, 17, "matters")
        );
    }
}
