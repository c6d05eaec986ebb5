//! `export --format sources`: who is quoted, one row per quoted speaker per document (name,
//! type, gender and its evidence, quote count, outlet, date), so that a newsroom can count
//! whose voices it quotes. Written as CSV, or as JSON when `--out` ends in `.json`.

use std::collections::BTreeMap;

use serde::Serialize;
use stancegraph_graph::{ActorNode, DocumentNode, EdgeKind, GraphView, Node};

/// One quoted speaker in one document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceRow {
    pub document: String,
    pub name: String,
    #[serde(rename = "type")]
    pub actor_type: String,
    pub gender: String,
    pub gender_evidence: String,
    pub quotes: usize,
    pub outlet: String,
    pub date: String,
    pub title: String,
}

/// The rows of a graph: each `said` edge is one speaker in one document.
pub fn rows(view: &GraphView) -> Vec<SourceRow> {
    let mut actors: BTreeMap<&str, &ActorNode> = BTreeMap::new();
    let mut documents: BTreeMap<&str, &DocumentNode> = BTreeMap::new();
    for node in &view.nodes {
        match node {
            Node::Actor(a) => {
                actors.insert(a.id.as_str(), a);
            }
            Node::Document(d) => {
                documents.insert(d.id.as_str(), d);
            }
            Node::Issue(_) => {}
        }
    }
    let mut rows: Vec<SourceRow> = view
        .links
        .iter()
        .filter(|e| e.kind == EdgeKind::Said)
        .filter_map(|edge| {
            let actor = actors.get(edge.source.as_str())?;
            let doc = documents.get(edge.target.as_str());
            Some(SourceRow {
                document: doc.map_or_else(
                    || edge.target.trim_start_matches("doc:").to_string(),
                    |d| d.doc_id.clone(),
                ),
                name: actor.label.clone(),
                actor_type: actor.actor_type.clone(),
                gender: actor.gender.clone().unwrap_or_else(|| "unknown".into()),
                gender_evidence: actor.gender_evidence.clone().unwrap_or_default(),
                quotes: edge.weight,
                outlet: doc.and_then(|d| d.outlet.clone()).unwrap_or_default(),
                date: doc.and_then(|d| d.date.clone()).unwrap_or_default(),
                title: doc.and_then(|d| d.title.clone()).unwrap_or_default(),
            })
        })
        .collect();
    rows.sort_by(|a, b| (&a.document, &a.name).cmp(&(&b.document, &b.name)));
    rows
}

/// A CSV cell: quoted when needed, and a leading `=`, `+`, `-`, `@`, tab or carriage return
/// neutralised with a leading apostrophe (OWASP: no formula runs when a newsroom opens it).
fn cell(value: &str) -> String {
    let safe = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
    };
    if safe.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", safe.replace('"', "\"\""))
    } else {
        safe
    }
}

pub fn to_csv(rows: &[SourceRow]) -> String {
    let mut out =
        String::from("document,name,type,gender,gender_evidence,quotes,outlet,date,title\n");
    for r in rows {
        let cells = [
            cell(&r.document),
            cell(&r.name),
            cell(&r.actor_type),
            cell(&r.gender),
            cell(&r.gender_evidence),
            r.quotes.to_string(),
            cell(&r.outlet),
            cell(&r.date),
            cell(&r.title),
        ];
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_and_formulas_neutralised() {
        assert_eq!(cell("Doug McCallum"), "Doug McCallum");
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("-1"), "'-1");
        assert_eq!(cell("a, b"), "\"a, b\"");
    }
}
