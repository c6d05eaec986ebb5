//! GraphML and GEXF 1.3, written with quick-xml.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::io::Write;

use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;

use super::{edge_fields, field_type, node_fields};
use crate::filter::{day, ExportFormat};
use crate::model::{Edge, GraphView};
use crate::GraphError;

/// Drops characters XML 1.0 forbids (control characters other than tab and newlines),
/// which stray into scraped text and would make every XML reader reject the file.
fn xml_safe(text: &str) -> Cow<'_, str> {
    let allowed = |c: char| {
        matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
    };
    if text.chars().all(allowed) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.chars().filter(|c| allowed(*c)).collect())
    }
}

struct Xml<'w> {
    writer: Writer<&'w mut dyn Write>,
    format: ExportFormat,
}

impl<'w> Xml<'w> {
    fn new(format: ExportFormat, out: &'w mut dyn Write) -> Result<Xml<'w>, GraphError> {
        let mut xml = Xml {
            writer: Writer::new_with_indent(out, b' ', 2),
            format,
        };
        xml.event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
        Ok(xml)
    }

    fn event(&mut self, event: Event<'_>) -> Result<(), GraphError> {
        self.writer
            .write_event(event)
            .map_err(|e| GraphError::write(self.format, e))
    }

    fn element<'a>(name: &'a str, attributes: &[(&str, &str)]) -> BytesStart<'a> {
        let mut start = BytesStart::new(name);
        for (key, value) in attributes {
            start.push_attribute((*key, xml_safe(value).as_ref()));
        }
        start
    }

    fn start(&mut self, name: &str, attributes: &[(&str, &str)]) -> Result<(), GraphError> {
        self.event(Event::Start(Xml::element(name, attributes)))
    }

    fn end(&mut self, name: &str) -> Result<(), GraphError> {
        self.event(Event::End(BytesEnd::new(name)))
    }

    fn empty(&mut self, name: &str, attributes: &[(&str, &str)]) -> Result<(), GraphError> {
        self.event(Event::Empty(Xml::element(name, attributes)))
    }

    fn text_element(
        &mut self,
        name: &str,
        attributes: &[(&str, &str)],
        text: &str,
    ) -> Result<(), GraphError> {
        self.start(name, attributes)?;
        self.event(Event::Text(BytesText::new(&xml_safe(text))))?;
        self.end(name)
    }

    fn finish(self) -> Result<(), GraphError> {
        let format = self.format;
        self.writer
            .into_inner()
            .write_all(b"\n")
            .map_err(|e| GraphError::write(format, e))
    }
}

/// Field names used by any node / edge of the view, in first-seen order.
fn used_fields<T>(
    items: &[T],
    fields: impl Fn(&T) -> Vec<(&'static str, Option<String>)>,
) -> Vec<&'static str> {
    let mut seen = BTreeSet::new();
    let mut order = Vec::new();
    for item in items {
        for (name, value) in fields(item) {
            if value.is_some() && seen.insert(name) {
                order.push(name);
            }
        }
    }
    order
}

/// GraphML: one `<key>` per attribute, `n_*` for nodes and `e_*` for edges; edge ids are
/// the multigraph keys' positions, the key itself is the `e_key` attribute.
pub(crate) fn graphml(view: &GraphView, out: &mut dyn Write) -> Result<(), GraphError> {
    let mut xml = Xml::new(ExportFormat::Graphml, out)?;
    xml.start(
        "graphml",
        &[
            ("xmlns", "http://graphml.graphdrawing.org/xmlns"),
            ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
            (
                "xsi:schemaLocation",
                "http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd",
            ),
        ],
    )?;
    let node_keys = used_fields(&view.nodes, node_fields);
    let edge_keys = used_fields(&view.links, edge_fields);
    for (domain, prefix, keys) in [("node", "n_", &node_keys), ("edge", "e_", &edge_keys)] {
        for name in keys.iter() {
            let id = format!("{prefix}{name}");
            xml.empty(
                "key",
                &[
                    ("id", &id),
                    ("for", domain),
                    ("attr.name", name),
                    ("attr.type", field_type(name)),
                ],
            )?;
        }
    }
    xml.start(
        "graph",
        &[("id", "stancegraph"), ("edgedefault", "directed")],
    )?;
    for node in &view.nodes {
        xml.start("node", &[("id", node.id())])?;
        write_data(&mut xml, "n_", node_fields(node))?;
        xml.end("node")?;
    }
    for (index, edge) in view.links.iter().enumerate() {
        let id = format!("e{index}");
        xml.start(
            "edge",
            &[
                ("id", &id),
                ("source", &edge.source),
                ("target", &edge.target),
            ],
        )?;
        write_data(&mut xml, "e_", edge_fields(edge))?;
        xml.end("edge")?;
    }
    xml.end("graph")?;
    xml.end("graphml")?;
    xml.finish()
}

fn write_data(
    xml: &mut Xml<'_>,
    prefix: &str,
    fields: Vec<(&'static str, Option<String>)>,
) -> Result<(), GraphError> {
    for (name, value) in fields {
        if let Some(value) = value {
            let key = format!("{prefix}{name}");
            xml.text_element("data", &[("key", &key)], &value)?;
        }
    }
    Ok(())
}

/// GEXF 1.3, dynamic: nodes live from their first to their last publication date, edges
/// exist on each date they have evidence from (Gephi's timeline).
pub(crate) fn gexf(view: &GraphView, out: &mut dyn Write) -> Result<(), GraphError> {
    let mut xml = Xml::new(ExportFormat::Gexf, out)?;
    xml.start(
        "gexf",
        &[
            ("xmlns", "http://gexf.net/1.3"),
            ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
            (
                "xsi:schemaLocation",
                "http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd",
            ),
            ("version", "1.3"),
        ],
    )?;
    xml.start("meta", &[])?;
    xml.text_element("creator", &[], "stancegraph")?;
    xml.text_element(
        "description",
        &[],
        "actors, issues and documents with stances, relations and quotes",
    )?;
    xml.end("meta")?;
    xml.start(
        "graph",
        &[
            ("mode", "dynamic"),
            ("defaultedgetype", "directed"),
            ("timeformat", "date"),
            ("timerepresentation", "interval"),
        ],
    )?;
    let node_keys = used_fields(&view.nodes, |n| without(node_fields(n), &["label"]));
    let edge_keys = used_fields(&view.links, |e| {
        without(edge_fields(e), &["label", "weight"])
    });
    for (class, keys) in [("node", &node_keys), ("edge", &edge_keys)] {
        xml.start("attributes", &[("class", class), ("mode", "static")])?;
        for name in keys.iter() {
            let gexf_type = match field_type(name) {
                "long" => "long",
                "double" => "double",
                _ => "string",
            };
            xml.empty(
                "attribute",
                &[("id", name), ("title", name), ("type", gexf_type)],
            )?;
        }
        xml.end("attributes")?;
    }
    xml.start("nodes", &[])?;
    for node in &view.nodes {
        xml.start("node", &[("id", node.id()), ("label", node.label())])?;
        write_attvalues(&mut xml, without(node_fields(node), &["label"]))?;
        let (first, last) = node.seen();
        if let (Some(first), Some(last)) = (first.and_then(day), last.and_then(day)) {
            xml.start("spells", &[])?;
            xml.empty("spell", &[("start", first), ("end", last)])?;
            xml.end("spells")?;
        }
        xml.end("node")?;
    }
    xml.end("nodes")?;
    xml.start("edges", &[])?;
    for (index, edge) in view.links.iter().enumerate() {
        let id = format!("e{index}");
        let weight = edge.weight.max(1).to_string();
        xml.start(
            "edge",
            &[
                ("id", &id),
                ("source", &edge.source),
                ("target", &edge.target),
                ("kind", edge.kind.as_str()),
                ("label", &edge.label),
                ("weight", &weight),
            ],
        )?;
        write_attvalues(&mut xml, without(edge_fields(edge), &["label", "weight"]))?;
        write_edge_spells(&mut xml, view, edge)?;
        xml.end("edge")?;
    }
    xml.end("edges")?;
    xml.end("graph")?;
    xml.end("gexf")?;
    xml.finish()
}

fn without(
    fields: Vec<(&'static str, Option<String>)>,
    names: &[&str],
) -> Vec<(&'static str, Option<String>)> {
    fields
        .into_iter()
        .filter(|(name, _)| !names.contains(name))
        .collect()
}

fn write_attvalues(
    xml: &mut Xml<'_>,
    fields: Vec<(&'static str, Option<String>)>,
) -> Result<(), GraphError> {
    let present: Vec<(&str, String)> = fields
        .into_iter()
        .filter_map(|(n, v)| v.map(|v| (n, v)))
        .collect();
    if present.is_empty() {
        return Ok(());
    }
    xml.start("attvalues", &[])?;
    for (name, value) in &present {
        xml.empty("attvalue", &[("for", name), ("value", value)])?;
    }
    xml.end("attvalues")
}

fn write_edge_spells(xml: &mut Xml<'_>, view: &GraphView, edge: &Edge) -> Result<(), GraphError> {
    let dates: BTreeSet<&str> = edge
        .evidence
        .iter()
        .filter_map(|e| view.doc_date(&e.doc).and_then(day))
        .collect();
    if dates.is_empty() {
        return Ok(());
    }
    xml.start("spells", &[])?;
    for date in dates {
        xml.empty("spell", &[("start", date), ("end", date)])?;
    }
    xml.end("spells")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_xml_forbids_are_dropped() {
        assert_eq!(xml_safe("a\u{0}b\u{1b}c\td"), "abc\td");
        assert!(matches!(xml_safe("plain “text”"), Cow::Borrowed(_)));
    }
}
