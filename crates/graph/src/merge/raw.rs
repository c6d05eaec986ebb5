//! One document into the raw state: its actors (with roles as affiliation edges),
//! sentence co-occurrences, quotes (`said` edges), stances and relations, with evidence
//! in code-point offsets.

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use stancegraph_core::{
    ActorRef, CodepointIndex, CueClass, Document, EntityType, Gender, Polarity, RelationClass,
    Sign, Span, Target,
};

use super::gender::stronger_gender_call;
use super::{
    issue_id, normalise, EdgeId, KnowledgeGraph, RawActor, ANON_TYPE, COOCCURRENCE_STAGE,
    UNRESOLVED_TYPE,
};
use crate::model::{round4, DocumentNode, EdgeKind, Evidence, RoleInfo, TargetSentiment};

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
                dateline_place: None,
                dateline_credit: None,
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
        max_option(&mut node.dateline_place, meta.dateline_place.clone());
        max_option(&mut node.dateline_credit, meta.dateline_credit.clone());
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
        let sentiments = if self.options.said_sentiment {
            quote_sentiments(merge)
        } else {
            HashMap::new()
        };
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
            for (target, reading) in sentiments.get(quote.id.as_str()).into_iter().flatten() {
                TargetSentiment::fold_into(&mut edge.sentiment, target.clone(), reading.clone());
            }
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
}

/// Per quote id, the sentiment its words express toward each actor they name: the
/// relations stage's stances read from that quote (`stance.quote`) toward an actor of the
/// document, support as positive and oppose as negative, with the stance's probability.
fn quote_sentiments<'d>(
    merge: &DocumentMerge<'d>,
) -> HashMap<&'d str, BTreeMap<String, TargetSentiment>> {
    let mut found: HashMap<&'d str, BTreeMap<String, TargetSentiment>> = HashMap::new();
    for stance in &merge.doc.stances {
        let (Some(quote), Target::Actor { id }) = (stance.quote.as_deref(), &stance.target) else {
            continue;
        };
        let Some(target) = merge.entity_keys.get(id.as_str()) else {
            continue;
        };
        let label = match stance.polarity {
            Polarity::Support => "positive",
            Polarity::Oppose => "negative",
            Polarity::Neutral => "neutral",
        };
        let reading = TargetSentiment {
            label: label.to_string(),
            score: round4(f64::from(stance.confidence)),
        };
        TargetSentiment::fold_into(found.entry(quote).or_default(), target.clone(), reading);
    }
    found
}

#[cfg(test)]
mod tests {
    use stancegraph_core::{Entity, Metadata, Quote, QuoteKind, Stance};

    use crate::model::Node;

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
