//! CSV exports: Neo4j admin-import files and Discourse Network Analyzer statements.

use std::borrow::Cow;
use std::collections::BTreeMap;

use stancegraph_core::Polarity;

use super::role_text;
use crate::filter::{day, ExportFormat};
use crate::model::{EdgeKind, GraphView, Node};
use crate::GraphError;

/// Every CSV file goes through here, so every cell is neutralised (see [`neutralise_cell`]).
fn table(
    format: ExportFormat,
    header: &[&str],
    rows: Vec<Vec<String>>,
) -> Result<Vec<u8>, GraphError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record(header)
        .map_err(|e| GraphError::write(format, e))?;
    for row in rows {
        writer
            .write_record(row.iter().map(|cell| match neutralise_cell(cell) {
                Cow::Borrowed(text) => Cow::Borrowed(text.as_bytes()),
                Cow::Owned(text) => Cow::Owned(text.into_bytes()),
            }))
            .map_err(|e| GraphError::write(format, e))?;
    }
    writer
        .into_inner()
        .map_err(|e| GraphError::write(format, e))
}

/// The OWASP rule against spreadsheet formula injection: a cell that starts with `=`, `+`,
/// `-`, `@`, a tab or a carriage return (a title or quote from an article can) gets a
/// leading `'`, so spreadsheets show it as text instead of evaluating it. Plain numbers
/// (`-0.5`) stay as they are: they evaluate to themselves.
pub(crate) fn neutralise_cell(cell: &str) -> Cow<'_, str> {
    let risky = matches!(
        cell.as_bytes().first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    );
    if risky && !is_plain_number(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// `-12`, `+0.5`, `-1e-3`: a decimal number and nothing else.
fn is_plain_number(cell: &str) -> bool {
    cell.bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'))
        && cell.parse::<f64>().is_ok_and(f64::is_finite)
}

/// A Neo4j array value: elements joined by `;` (the import tool's default delimiter), so
/// `;` inside an element becomes `,`.
fn neo4j_array(items: impl IntoIterator<Item = String>) -> String {
    items
        .into_iter()
        .map(|s| s.replace(';', ","))
        .collect::<Vec<_>>()
        .join(";")
}

fn actor_label(actor_type: &str) -> &'static str {
    match actor_type {
        "PER" => "Person",
        "ORG" => "Organization",
        "GPE" => "GeopoliticalEntity",
        "LOC" => "Location",
        "NORP" => "Group",
        "ANON" => "Anonymous",
        "UNRESOLVED" => "Unresolved",
        _ => "Misc",
    }
}

const IMPORT_COMMAND: &str = "neo4j-admin database import full \\\n  --nodes=nodes_actor.csv --nodes=nodes_issue.csv --nodes=nodes_document.csv \\\n  --relationships=relationships.csv --array-delimiter=';' neo4j\n";

/// `neo4j-admin database import` files: one node file per node kind, one relationship file.
pub(crate) fn neo4j(view: &GraphView) -> Result<Vec<(String, Vec<u8>)>, GraphError> {
    let format = ExportFormat::Neo4j;
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let (mut actors, mut issues, mut documents) = (Vec::new(), Vec::new(), Vec::new());
    for node in &view.nodes {
        match node {
            Node::Actor(a) => actors.push(vec![
                a.id.clone(),
                format!("Actor;{}", actor_label(&a.actor_type)),
                a.label.clone(),
                a.actor_type.clone(),
                neo4j_array(a.aliases.iter().cloned()),
                neo4j_array(a.roles.iter().map(role_text)),
                a.mentions.to_string(),
                a.documents.to_string(),
                opt(&a.first_seen),
                opt(&a.last_seen),
            ]),
            Node::Issue(i) => issues.push(vec![
                i.id.clone(),
                "Issue".into(),
                i.label.clone(),
                neo4j_array(i.aliases.iter().cloned()),
                i.mentions.to_string(),
                i.documents.to_string(),
                opt(&i.first_seen),
                opt(&i.last_seen),
            ]),
            Node::Document(d) => documents.push(vec![
                d.id.clone(),
                "Document".into(),
                d.doc_id.clone(),
                d.label.clone(),
                opt(&d.date),
                opt(&d.source),
                opt(&d.outlet),
                opt(&d.dateline_place),
                opt(&d.dateline_credit),
            ]),
        }
    }
    // The `sentiment` column only appears when a `said` edge carries sentiment, so that
    // graphs without it keep their exact files.
    let with_sentiment = view.links.iter().any(|e| !e.sentiment.is_empty());
    let relationships: Vec<Vec<String>> = view
        .links
        .iter()
        .map(|e| {
            let mut row = vec![
                e.source.clone(),
                e.target.clone(),
                e.kind.as_str().to_uppercase(),
                e.key.clone(),
                e.label.clone(),
                crate::model::polarity_str(e.polarity).into(),
                e.sign
                    .map(|s| crate::model::sign_str(s).to_string())
                    .unwrap_or_default(),
                e.confidence.to_string(),
                e.weight.to_string(),
                opt(&e.first_seen),
                opt(&e.last_seen),
                neo4j_array(e.stages.iter().cloned()),
                e.evidence
                    .first()
                    .map(|ev| ev.text.clone())
                    .unwrap_or_default(),
                serde_json::to_string(&e.evidence).unwrap_or_default(),
            ];
            if with_sentiment {
                row.push(super::sentiment_text(e).unwrap_or_default());
            }
            row
        })
        .collect();
    let mut relationship_header = vec![
        ":START_ID",
        ":END_ID",
        ":TYPE",
        "key",
        "label",
        "polarity",
        "sign",
        "confidence:double",
        "weight:long",
        "first_seen",
        "last_seen",
        "stages:string[]",
        "text",
        "evidence",
    ];
    if with_sentiment {
        relationship_header.push("sentiment");
    }
    Ok(vec![
        (
            "nodes_actor.csv".into(),
            table(
                format,
                &[
                    "id:ID",
                    ":LABEL",
                    "name",
                    "type",
                    "aliases:string[]",
                    "roles:string[]",
                    "mentions:long",
                    "documents:long",
                    "first_seen",
                    "last_seen",
                ],
                actors,
            )?,
        ),
        (
            "nodes_issue.csv".into(),
            table(
                format,
                &[
                    "id:ID",
                    ":LABEL",
                    "name",
                    "aliases:string[]",
                    "mentions:long",
                    "documents:long",
                    "first_seen",
                    "last_seen",
                ],
                issues,
            )?,
        ),
        (
            "nodes_document.csv".into(),
            table(
                format,
                &[
                    "id:ID",
                    ":LABEL",
                    "doc_id",
                    "name",
                    "date",
                    "source",
                    "outlet",
                    "dateline_place",
                    "dateline_credit",
                ],
                documents,
            )?,
        ),
        (
            "relationships.csv".into(),
            table(format, &relationship_header, relationships)?,
        ),
        ("import.txt".into(), IMPORT_COMMAND.as_bytes().to_vec()),
    ])
}

/// Columns of the DNA statement export, named as in the Discourse Network Analyzer's
/// statement table (`person`, `organization`, `concept`, `agreement`).
pub(crate) const DNA_HEADER: [&str; 12] = [
    "statement_id",
    "statement_type",
    "doc_id",
    "doc_title",
    "date",
    "start",
    "stop",
    "text",
    "person",
    "organization",
    "concept",
    "agreement",
];

/// One row per piece of evidence of each supporting or opposing stance held by an actor.
/// `person` is the holder when it is a person (its organisation is the first organisation
/// it is affiliated with); organisations and countries fill `organization` themselves.
pub(crate) fn dna(view: &GraphView) -> Result<Vec<u8>, GraphError> {
    let mut organisation_of: BTreeMap<&str, &str> = BTreeMap::new();
    for edge in view
        .links
        .iter()
        .filter(|e| e.kind == EdgeKind::Affiliation)
    {
        if let Some(Node::Actor(target)) = view.node(&edge.target) {
            if target.actor_type == "ORG" {
                organisation_of
                    .entry(edge.source.as_str())
                    .or_insert(target.label.as_str());
            }
        }
    }
    let mut statements = Vec::new();
    for edge in view
        .links
        .iter()
        .filter(|e| e.kind == EdgeKind::Stance && e.polarity != Polarity::Neutral)
    {
        let Some(Node::Actor(holder)) = view.node(&edge.source) else {
            continue;
        };
        let concept = view
            .node(&edge.target)
            .map_or(edge.target.as_str(), Node::label);
        let (person, organisation) = match holder.actor_type.as_str() {
            "ORG" | "GPE" | "NORP" => (String::new(), holder.label.clone()),
            _ => (
                holder.label.clone(),
                organisation_of
                    .get(holder.id.as_str())
                    .map(|o| o.to_string())
                    .unwrap_or_default(),
            ),
        };
        for evidence in &edge.evidence {
            let title = match view.node(&format!("doc:{}", evidence.doc)) {
                Some(Node::Document(d)) => d.label.clone(),
                _ => String::new(),
            };
            let date = view
                .doc_date(&evidence.doc)
                .and_then(day)
                .unwrap_or_default()
                .to_string();
            statements.push((
                (
                    evidence.doc.clone(),
                    evidence.start,
                    evidence.end,
                    person.clone(),
                    organisation.clone(),
                    concept.to_string(),
                ),
                vec![
                    "1".to_string(),
                    evidence.doc.clone(),
                    title,
                    date,
                    evidence.start.to_string(),
                    evidence.end.to_string(),
                    evidence.text.clone(),
                    person.clone(),
                    organisation.clone(),
                    concept.to_string(),
                    (edge.polarity == Polarity::Support).to_string(),
                ],
            ));
        }
    }
    statements.sort();
    let rows = statements
        .into_iter()
        .enumerate()
        .map(|(i, (_, row))| std::iter::once((i + 1).to_string()).chain(row).collect())
        .collect();
    table(ExportFormat::Dna, &DNA_HEADER, rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralised_and_numbers_kept() {
        for risky in [
            "=HYPERLINK(\"http://x\")",
            "+1+cmd|' /C calc'!A0",
            "-2+3",
            "@SUM(A1)",
            "\t=1",
            "\r=1",
            "-",
            "-inf",
        ] {
            assert_eq!(neutralise_cell(risky), format!("'{risky}"), "{risky:?}");
        }
        for kept in ["-0.5", "+3", "-1e-3", "12", "Trump said", " =1", "a=b", ""] {
            assert_eq!(neutralise_cell(kept), kept, "{kept:?}");
        }
    }
}
