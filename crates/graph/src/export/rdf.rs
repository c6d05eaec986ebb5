//! RDF: the graph as N-Triples (written by oxrdf) and JSON-LD, with each edge reified as a
//! resource whose evidence is a W3C Web Annotation `SpecificResource` on the document with a
//! `TextPositionSelector` (code point offsets) and a `TextQuoteSelector` (the text).

use oxrdf::vocab::{rdf, rdfs, xsd};
use oxrdf::{Literal, NamedNode, Triple};
use serde_json::{json, Value};

use crate::filter::ExportFormat;
use crate::model::{Edge, GraphView, Node};
use crate::GraphError;

const VOCAB: &str = "urn:stancegraph:vocab#";
const OA: &str = "http://www.w3.org/ns/oa#";

/// Percent-encodes everything but unreserved characters, so any id is a valid IRI part.
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn node_iri(id: &str) -> String {
    format!("urn:stancegraph:node:{}", encode(id))
}

fn edge_iri(edge: &Edge) -> String {
    format!(
        "urn:stancegraph:edge:{}:{}:{}",
        encode(&edge.source),
        encode(&edge.target),
        encode(&edge.key)
    )
}

fn class_name(node: &Node) -> &'static str {
    match node {
        Node::Actor(_) => "Actor",
        Node::Issue(_) => "Issue",
        Node::Document(_) => "Document",
    }
}

fn edge_class(edge: &Edge) -> String {
    let kind = edge.kind.as_str();
    kind.split('_')
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

struct Triples {
    lines: Vec<String>,
}

impl Triples {
    fn iri(iri: &str) -> Result<NamedNode, GraphError> {
        NamedNode::new(iri).map_err(|e| GraphError::write(ExportFormat::Nt, format!("{iri}: {e}")))
    }

    fn add(
        &mut self,
        subject: &str,
        predicate: &str,
        object: impl Into<oxrdf::Term>,
    ) -> Result<(), GraphError> {
        let triple = Triple::new(Triples::iri(subject)?, Triples::iri(predicate)?, object);
        self.lines.push(format!("{triple} ."));
        Ok(())
    }

    fn link(&mut self, subject: &str, predicate: &str, object: &str) -> Result<(), GraphError> {
        let object = Triples::iri(object)?;
        self.add(subject, predicate, object)
    }

    fn text(&mut self, subject: &str, predicate: &str, value: &str) -> Result<(), GraphError> {
        self.add(subject, predicate, Literal::new_simple_literal(value))
    }

    fn typed(
        &mut self,
        subject: &str,
        predicate: &str,
        value: String,
        datatype: oxrdf::NamedNodeRef<'_>,
    ) -> Result<(), GraphError> {
        self.add(
            subject,
            predicate,
            Literal::new_typed_literal(value, datatype),
        )
    }
}

pub(crate) fn ntriples(view: &GraphView) -> Result<Vec<u8>, GraphError> {
    let mut t = Triples { lines: Vec::new() };
    let v = |name: &str| format!("{VOCAB}{name}");
    let oa = |name: &str| format!("{OA}{name}");
    for node in &view.nodes {
        let iri = node_iri(node.id());
        t.link(&iri, rdf::TYPE.as_str(), &v(class_name(node)))?;
        t.text(&iri, rdfs::LABEL.as_str(), node.label())?;
        t.text(&iri, &v("id"), node.id())?;
        t.text(&iri, &v("type"), node.node_type())?;
        for alias in node.aliases() {
            t.text(&iri, &v("alias"), alias)?;
        }
        match node {
            Node::Actor(a) => {
                for role in &a.roles {
                    t.text(&iri, &v("role"), &super::role_text(role))?;
                }
                t.typed(&iri, &v("mentions"), a.mentions.to_string(), xsd::INTEGER)?;
            }
            Node::Document(d) => {
                if let Some(date) = &d.date {
                    t.text(&iri, &v("published"), date)?;
                }
                if let Some(source) = &d.source {
                    t.text(&iri, &v("source"), source)?;
                }
            }
            Node::Issue(_) => {}
        }
    }
    for edge in &view.links {
        let iri = edge_iri(edge);
        let (source, target) = (node_iri(&edge.source), node_iri(&edge.target));
        t.link(&source, &v(edge.kind.as_str()), &target)?;
        t.link(&iri, rdf::TYPE.as_str(), &v(&edge_class(edge)))?;
        t.link(&iri, &v("source"), &source)?;
        t.link(&iri, &v("target"), &target)?;
        t.text(&iri, &v("key"), &edge.key)?;
        t.text(&iri, rdfs::LABEL.as_str(), &edge.label)?;
        t.text(
            &iri,
            &v("polarity"),
            crate::model::polarity_str(edge.polarity),
        )?;
        if let Some(sign) = edge.sign {
            t.text(&iri, &v("sign"), crate::model::sign_str(sign))?;
        }
        t.typed(
            &iri,
            &v("confidence"),
            edge.confidence.to_string(),
            xsd::DOUBLE,
        )?;
        for stage in &edge.stages {
            t.text(&iri, &v("stage"), stage)?;
        }
        for (target, reading) in &edge.sentiment {
            let node = format!("{iri}:sentiment:{}", encode(target));
            t.link(&iri, &v("sentiment"), &node)?;
            t.link(&node, &v("target"), &node_iri(target))?;
            t.text(&node, &v("label"), &reading.label)?;
            t.typed(&node, &v("score"), reading.score.to_string(), xsd::DOUBLE)?;
        }
        for (i, evidence) in edge.evidence.iter().enumerate() {
            let ev = format!("{iri}:evidence:{i}");
            let (position, quote) = (format!("{ev}:position"), format!("{ev}:quote"));
            t.link(&iri, &v("evidence"), &ev)?;
            t.link(&ev, rdf::TYPE.as_str(), &oa("SpecificResource"))?;
            t.link(
                &ev,
                &oa("hasSource"),
                &node_iri(&format!("doc:{}", evidence.doc)),
            )?;
            t.link(&ev, &oa("hasSelector"), &position)?;
            t.link(&ev, &oa("hasSelector"), &quote)?;
            t.link(&position, rdf::TYPE.as_str(), &oa("TextPositionSelector"))?;
            t.typed(
                &position,
                &oa("start"),
                evidence.start.to_string(),
                xsd::NON_NEGATIVE_INTEGER,
            )?;
            t.typed(
                &position,
                &oa("end"),
                evidence.end.to_string(),
                xsd::NON_NEGATIVE_INTEGER,
            )?;
            t.link(&quote, rdf::TYPE.as_str(), &oa("TextQuoteSelector"))?;
            t.text(&quote, &oa("exact"), &evidence.text)?;
            t.typed(
                &ev,
                &v("confidence"),
                evidence.confidence.to_string(),
                xsd::DOUBLE,
            )?;
            if !evidence.stage.is_empty() {
                t.text(&ev, &v("stage"), &evidence.stage)?;
            }
        }
    }
    let mut out = t.lines.join("\n");
    out.push('\n');
    Ok(out.into_bytes())
}

/// The same statements as JSON-LD (compacted with a context).
pub(crate) fn jsonld(view: &GraphView) -> Value {
    let mut graph = Vec::new();
    for node in &view.nodes {
        let mut object = json!({
            "@id": node_iri(node.id()),
            "@type": format!("sg:{}", class_name(node)),
            "rdfs:label": node.label(),
            "sg:id": node.id(),
            "sg:type": node.node_type(),
            "sg:alias": node.aliases(),
        });
        if let (Node::Actor(a), Some(map)) = (node, object.as_object_mut()) {
            map.insert(
                "sg:role".into(),
                json!(a.roles.iter().map(super::role_text).collect::<Vec<_>>()),
            );
            map.insert("sg:mentions".into(), json!(a.mentions));
        }
        if let (Node::Document(d), Some(map)) = (node, object.as_object_mut()) {
            map.insert("sg:published".into(), json!(d.date));
            map.insert("sg:source".into(), json!(d.source));
        }
        graph.push(object);
    }
    for edge in &view.links {
        let iri = edge_iri(edge);
        let evidence: Vec<Value> = edge
            .evidence
            .iter()
            .enumerate()
            .map(|(i, ev)| {
                json!({
                    "@id": format!("{iri}:evidence:{i}"),
                    "@type": "oa:SpecificResource",
                    "oa:hasSource": {"@id": node_iri(&format!("doc:{}", ev.doc))},
                    "oa:hasSelector": [
                        {"@type": "oa:TextPositionSelector", "oa:start": ev.start, "oa:end": ev.end},
                        {"@type": "oa:TextQuoteSelector", "oa:exact": ev.text},
                    ],
                    "sg:confidence": ev.confidence,
                    "sg:stage": ev.stage,
                })
            })
            .collect();
        let mut object = json!({
            "@id": iri,
            "@type": format!("sg:{}", edge_class(edge)),
            "sg:source": {"@id": node_iri(&edge.source)},
            "sg:target": {"@id": node_iri(&edge.target)},
            "sg:key": edge.key,
            "rdfs:label": edge.label,
            "sg:polarity": crate::model::polarity_str(edge.polarity),
            "sg:sign": edge.sign.map(crate::model::sign_str),
            "sg:confidence": edge.confidence,
            "sg:stage": edge.stages,
            "sg:evidence": evidence,
        });
        if let (false, Some(map)) = (edge.sentiment.is_empty(), object.as_object_mut()) {
            map.insert("sg:sentiment".into(), sentiment_objects(edge));
        }
        graph.push(object);
    }
    json!({
        "@context": {
            "sg": VOCAB,
            "oa": OA,
            "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        },
        "@graph": graph,
    })
}

/// A `said` edge's sentiment as JSON-LD objects: one per target actor.
fn sentiment_objects(edge: &Edge) -> Value {
    edge.sentiment
        .iter()
        .map(|(target, reading)| {
            json!({
                "sg:target": {"@id": node_iri(target)},
                "sg:label": reading.label,
                "sg:score": reading.score,
            })
        })
        .collect()
}
