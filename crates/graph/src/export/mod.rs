//! Writers for each export format. Each takes the (filtered) [`GraphView`] and returns
//! the files to write; XML, CSV and JSON go through quick-xml, csv and serde_json.

mod csvs;
mod dot;
mod html;
mod layout;
mod rdf;
mod xml;

use crate::filter::{ExportFormat, ExportSpec, DEFAULT_TOP_ACTORS};
use crate::model::{Edge, GraphView, Node};
use crate::GraphError;
use std::io::Write;

/// Where an export's files go: a writer per file path (relative to the output folder).
/// The runner streams into atomic temporary files; `render_view` collects into memory.
pub trait ExportSink {
    /// A writer for the file at `path` (relative to the output folder; `neo4j` asks for
    /// `<folder>/<name>`). Asked again for the same path, it should return the same file,
    /// so that writes append.
    fn file(&mut self, path: &str) -> std::io::Result<&mut dyn Write>;
}

/// Collects files in memory, in the order they were first written.
#[derive(Default)]
pub(crate) struct MemorySink {
    pub(crate) files: Vec<(String, Vec<u8>)>,
}

impl ExportSink for MemorySink {
    fn file(&mut self, path: &str) -> std::io::Result<&mut dyn Write> {
        let at = match self.files.iter().position(|(p, _)| p == path) {
            Some(at) => at,
            None => {
                self.files.push((path.to_string(), Vec::new()));
                self.files.len() - 1
            }
        };
        match self.files.get_mut(at) {
            Some((_, bytes)) => Ok(bytes),
            None => Err(std::io::Error::other("export file vanished")),
        }
    }
}

/// Writes the export of `view` described by `spec` into `sink`, streaming: a corpus
/// graph's exports run to hundreds of megabytes and are never held whole in memory.
pub(crate) fn write_view(
    view: &GraphView,
    spec: &ExportSpec,
    sink: &mut dyn ExportSink,
) -> Result<(), GraphError> {
    let (format, path) = (spec.format, spec.output_path());
    let fail = |e: std::io::Error| GraphError::write(format, e);
    match format {
        ExportFormat::Json => {
            let out = sink.file(path).map_err(fail)?;
            serde_json::to_writer_pretty(&mut *out, view)
                .map_err(|e| GraphError::write(format, e))?;
            out.write_all(b"\n").map_err(fail)
        }
        ExportFormat::Graphml => xml::graphml(view, sink.file(path).map_err(fail)?),
        ExportFormat::Gexf => xml::gexf(view, sink.file(path).map_err(fail)?),
        ExportFormat::Dot => sink
            .file(path)
            .and_then(|out| out.write_all(dot::dot(view).as_bytes()))
            .map_err(fail),
        ExportFormat::Neo4j => {
            let folder = path.trim_end_matches('/');
            for (name, bytes) in csvs::neo4j(view)? {
                sink.file(&format!("{folder}/{name}"))
                    .and_then(|out| out.write_all(&bytes))
                    .map_err(fail)?;
            }
            Ok(())
        }
        ExportFormat::Dna => {
            let bytes = csvs::dna(view)?;
            sink.file(path)
                .and_then(|out| out.write_all(&bytes))
                .map_err(fail)
        }
        ExportFormat::Nt => {
            let bytes = rdf::ntriples(view)?;
            sink.file(path)
                .and_then(|out| out.write_all(&bytes))
                .map_err(fail)
        }
        ExportFormat::Jsonld => {
            let out = sink.file(path).map_err(fail)?;
            serde_json::to_writer_pretty(&mut *out, &rdf::jsonld(view))
                .map_err(|e| GraphError::write(format, e))?;
            out.write_all(b"\n").map_err(fail)
        }
        ExportFormat::Html => html::report(
            view,
            spec.top_actors.unwrap_or(DEFAULT_TOP_ACTORS),
            sink.file(path).map_err(fail)?,
        ),
    }
}

/// Attribute values shared by the tabular and XML formats, in a fixed order.
pub(crate) fn node_fields(node: &Node) -> Vec<(&'static str, Option<String>)> {
    let list = |items: &[String]| (!items.is_empty()).then(|| items.join("; "));
    let mut fields = vec![
        ("kind", Some(node.kind().to_string())),
        ("label", Some(node.label().to_string())),
        ("type", Some(node.node_type().to_string())),
        ("aliases", list(node.aliases())),
    ];
    let (first, last) = node.seen();
    match node {
        Node::Actor(a) => {
            let roles: Vec<String> = a.roles.iter().map(role_text).collect();
            fields.push(("roles", list(&roles)));
            fields.push(("mentions", Some(a.mentions.to_string())));
            fields.push(("documents", Some(a.documents.to_string())));
        }
        Node::Issue(i) => {
            fields.push(("mentions", Some(i.mentions.to_string())));
            fields.push(("documents", Some(i.documents.to_string())));
        }
        Node::Document(d) => {
            fields.push(("doc_id", Some(d.doc_id.clone())));
            fields.push(("title", d.title.clone()));
            fields.push(("date", d.date.clone()));
            fields.push(("source", d.source.clone()));
            fields.push(("outlet", d.outlet.clone()));
            fields.push(("dateline_place", d.dateline_place.clone()));
            fields.push(("dateline_credit", d.dateline_credit.clone()));
        }
    }
    fields.push(("first_seen", first.map(String::from)));
    fields.push(("last_seen", last.map(String::from)));
    fields
}

/// "Treasury Secretary, US Treasury, US".
pub(crate) fn role_text(role: &crate::model::RoleInfo) -> String {
    [
        Some(role.title.as_str()),
        role.organisation.as_deref(),
        role.country.as_deref(),
    ]
    .into_iter()
    .flatten()
    .filter(|s| !s.trim().is_empty())
    .collect::<Vec<_>>()
    .join(", ")
}

pub(crate) fn edge_fields(edge: &Edge) -> Vec<(&'static str, Option<String>)> {
    let evidence = serde_json::to_string(&edge.evidence).ok();
    let attributes = (!edge.attributes.is_empty())
        .then(|| serde_json::to_string(&edge.attributes).ok())
        .flatten();
    vec![
        ("kind", Some(edge.kind.as_str().to_string())),
        ("key", Some(edge.key.clone())),
        ("label", Some(edge.label.clone())),
        (
            "polarity",
            Some(crate::model::polarity_str(edge.polarity).to_string()),
        ),
        (
            "sign",
            edge.sign.map(|s| crate::model::sign_str(s).to_string()),
        ),
        ("confidence", Some(edge.confidence.to_string())),
        ("weight", Some(edge.weight.to_string())),
        ("first_seen", edge.first_seen.clone()),
        ("last_seen", edge.last_seen.clone()),
        (
            "stages",
            (!edge.stages.is_empty()).then(|| edge.stages.join("; ")),
        ),
        ("text", edge.evidence.first().map(|e| e.text.clone())),
        ("evidence", evidence),
        ("attributes", attributes),
        ("sentiment", sentiment_text(edge)),
    ]
}

/// A `said` edge's sentiment toward the actors its quotes name, as JSON
/// (`{"per:xi jinping": {"label": "negative", "score": 0.81}}`); `None` without any.
pub(crate) fn sentiment_text(edge: &Edge) -> Option<String> {
    (!edge.sentiment.is_empty())
        .then(|| serde_json::to_string(&edge.sentiment).ok())
        .flatten()
}

/// Declared type of a field in typed formats (GraphML, GEXF, Neo4j).
pub(crate) fn field_type(name: &str) -> &'static str {
    match name {
        "mentions" | "documents" | "weight" => "long",
        "confidence" => "double",
        _ => "string",
    }
}
