//! The knowledge graph: every document's actors, quotes, stances and relations merged into
//! one multigraph of actors, issues and documents, and written in the formats analysts
//! open (networkx node-link JSON, GraphML, GEXF, DOT, Neo4j CSV, DNA statements, RDF, and an
//! interactive offline HTML report).
//!
//! Why a crate of its own: per-document annotations only become an answer to "who stands
//! where, on what, with whom" once they are merged across documents with their evidence,
//! and that merge must be idempotent, order-independent and incremental (`run --graph`).
//!
//! Use [`KnowledgeGraph::merge_document`] per document, then [`KnowledgeGraph::to_node_link`]
//! for `graph.json` and [`render`] for each `[[exports]]` table ([`ExportSpec`]).

#![deny(missing_docs)]

mod export;
mod filter;
mod merge;
mod model;
mod sorted;

use stancegraph_core::ConfigIssue;

pub use export::ExportSink;
pub use filter::{
    actor_network, apply as apply_filters, ExportFormat, ExportSpec, DEFAULT_TOP_ACTORS,
};
pub use merge::{normalise, stronger_gender_call, GraphOptions, KnowledgeGraph, GRAPH_SCHEMA};
pub use model::{
    polarity_str, sign_str, ActorNode, DocumentNode, Edge, EdgeKind, Evidence, GraphView,
    IssueNode, Node, RoleInfo, TargetSentiment,
};

/// Errors of reading graphs and writing exports.
#[derive(Debug, thiserror::Error)]
pub enum GraphError {
    /// Graph JSON that serde cannot read (syntax, or fields of the wrong type).
    #[error("graph JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// Graph JSON that parses but does not describe a valid graph (say an edge to no node).
    #[error("graph JSON: {0}")]
    Invalid(String),
    /// Every problem of an `[[exports]]` table, each naming its field.
    #[error("export spec: {}", join_issues(.0))]
    InvalidSpec(Vec<ConfigIssue>),
    /// Writing an export failed (I/O or serialisation).
    #[error("writing {format}: {message}")]
    Write {
        /// The format being written (`graphml`, `neo4j`, ...).
        format: &'static str,
        /// What went wrong.
        message: String,
    },
}

fn join_issues(issues: &[ConfigIssue]) -> String {
    let texts: Vec<String> = issues.iter().map(ToString::to_string).collect();
    texts.join("; ")
}

impl GraphError {
    pub(crate) fn write(format: ExportFormat, error: impl std::fmt::Display) -> GraphError {
        GraphError::Write {
            format: format.as_str(),
            message: error.to_string(),
        }
    }
}

/// Renders one export of the graph: `(path relative to the output folder, bytes)` pairs.
/// Single-file formats give one pair at [`ExportSpec::output_path`]; `neo4j` gives several
/// files under that folder.
pub fn render(
    graph: &KnowledgeGraph,
    spec: &ExportSpec,
) -> Result<Vec<(String, Vec<u8>)>, GraphError> {
    render_view(graph.view(), spec)
}

/// Streams one export of `view` into `sink`: what the runner does, so exports of a corpus
/// graph are never held whole in memory. An export without filters writes the view as it
/// is rather than a filtered copy of it.
pub fn write_view(
    view: &GraphView,
    spec: &ExportSpec,
    sink: &mut dyn ExportSink,
) -> Result<(), GraphError> {
    spec.validate()?;
    if spec.is_unfiltered() {
        return export::write_view(view, spec, sink);
    }
    let view = filter::apply(view, spec);
    export::write_view(&view, spec, sink)
}

/// [`render`] from a view (for example one taken with [`KnowledgeGraph::into_view`]): the
/// files collected in memory instead of streamed.
pub fn render_view(
    view: &GraphView,
    spec: &ExportSpec,
) -> Result<Vec<(String, Vec<u8>)>, GraphError> {
    let mut sink = export::MemorySink::default();
    write_view(view, spec, &mut sink)?;
    Ok(sink.files)
}
