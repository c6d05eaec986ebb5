//! Graphviz DOT: actors as ellipses, issues as boxes, documents as notes; stance and
//! relation edges coloured by polarity.

use std::fmt::Write;

use stancegraph_core::Polarity;

use crate::model::{GraphView, Node};

/// A DOT double-quoted string: backslashes, quotes and line breaks escaped.
fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

pub(crate) fn dot(view: &GraphView) -> String {
    let mut out = String::from("digraph stancegraph {\n  graph [overlap=false, splines=true];\n  node [fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\", fontsize=10];\n");
    for node in &view.nodes {
        let shape = match node {
            Node::Actor(a) if a.anonymous => "ellipse, style=dashed",
            Node::Actor(_) => "ellipse",
            Node::Issue(_) => "box, style=rounded",
            Node::Document(_) => "note",
        };
        // Writing to a String cannot fail.
        let _ = writeln!(
            out,
            "  {} [label={}, kind={}, type={}, shape={shape}];",
            quoted(node.id()),
            quoted(node.label()),
            quoted(node.kind()),
            quoted(node.node_type())
        );
    }
    for edge in &view.links {
        let colour = match edge.polarity {
            Polarity::Support => "darkgreen",
            Polarity::Oppose => "firebrick",
            Polarity::Neutral => "gray40",
        };
        let label = format!("{}: {}", edge.kind.as_str(), edge.label);
        let _ = writeln!(
            out,
            "  {} -> {} [key={}, label={}, kind={}, color={colour}, penwidth={:.2}, confidence={:.4}, weight={}];",
            quoted(&edge.source),
            quoted(&edge.target),
            quoted(&edge.key),
            quoted(&label),
            quoted(edge.kind.as_str()),
            1.0 + edge.confidence * 2.0,
            edge.confidence,
            edge.weight
        );
    }
    out.push_str("}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_strings_escape_quotes_backslashes_and_newlines() {
        assert_eq!(quoted("say \"no\"\\\nnow"), r#""say \"no\"\\\nnow""#);
    }
}
