//! The interactive HTML report: one self-contained page (no network at view time) with the
//! graph as JSON, the vendored JavaScript libraries and the page's own script inlined.
//!
//! The libraries are minified npm releases pinned in `assets/README.md`; their licence texts
//! are shown in the page. The graph goes into a `<script type="application/json">` block,
//! with every `<` written as `\u003c` so that no string in the data can close the block.

use std::collections::BTreeMap;
use std::io::Write;

use serde::ser::{SerializeSeq, SerializeStruct, Serializer};
use serde::Serialize;

use crate::filter::ExportFormat;
use crate::model::{GraphView, Node};
use crate::GraphError;

/// The page skeleton with `@@NAME@@` placeholders.
const TEMPLATE: &str = include_str!("../../assets/report.html");
const STYLE: &str = include_str!("../../assets/report.css");
const APP: &str = include_str!("../../assets/report.js");

/// A vendored library: (name@version, licence text, minified source), in load order
/// (each plugin after what it needs).
const LIBRARIES: [(&str, &str, &str); 4] = [
    (
        "cytoscape@3.35.0",
        include_str!("../../assets/licenses/cytoscape-3.35.0.LICENSE"),
        include_str!("../../assets/cytoscape-3.35.0.min.js"),
    ),
    (
        "layout-base@2.0.1",
        include_str!("../../assets/licenses/layout-base-2.0.1.LICENSE"),
        include_str!("../../assets/layout-base-2.0.1.min.js"),
    ),
    (
        "cose-base@2.2.0",
        include_str!("../../assets/licenses/cose-base-2.2.0.LICENSE"),
        include_str!("../../assets/cose-base-2.2.0.min.js"),
    ),
    (
        "cytoscape-fcose@2.2.0",
        include_str!("../../assets/licenses/cytoscape-fcose-2.2.0.LICENSE"),
        include_str!("../../assets/cytoscape-fcose-2.2.0.min.js"),
    ),
];

/// What the page's script reads from the data block.
#[derive(Serialize)]
struct PageData<'a> {
    graph: PageGraph<'a>,
    /// Node id → `[x, y]` from [`super::layout::positions`].
    positions: BTreeMap<String, [f64; 2]>,
    /// Document id → its URL, only for `http`/`https` URLs: the only hrefs the page makes,
    /// so a `javascript:` or `data:` URL from a feed or JSONL never becomes a link.
    links: BTreeMap<&'a str, &'a str>,
    options: PageOptions,
}

/// The graph as the page reads it: the view itself, except that a `said` edge's
/// sentiment is also listed among its attributes (`sentiment: Xi Jinping: negative
/// (0.81)`), which the page shows with the edge.
struct PageGraph<'a>(&'a GraphView);

impl Serialize for PageGraph<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let view = self.0;
        if view.links.iter().all(|l| l.sentiment.is_empty()) {
            return view.serialize(serializer);
        }
        // The fields of `GraphView`, in its order.
        let mut fields = serializer.serialize_struct("GraphView", 5)?;
        fields.serialize_field("directed", &view.directed)?;
        fields.serialize_field("multigraph", &view.multigraph)?;
        fields.serialize_field("graph", &view.graph)?;
        fields.serialize_field("nodes", &view.nodes)?;
        fields.serialize_field("links", &PageLinks(view))?;
        fields.end()
    }
}

struct PageLinks<'a>(&'a GraphView);

impl Serialize for PageLinks<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let view = self.0;
        let mut links = serializer.serialize_seq(Some(view.links.len()))?;
        for link in &view.links {
            if link.sentiment.is_empty() {
                links.serialize_element(link)?;
                continue;
            }
            let shown: Vec<String> = link
                .sentiment
                .iter()
                .map(|(target, reading)| {
                    let name = view.node(target).map_or(target.as_str(), Node::label);
                    format!("{name}: {} ({:.2})", reading.label, reading.score)
                })
                .collect();
            let mut link = link.clone();
            link.attributes.insert("sentiment".into(), shown);
            links.serialize_element(&link)?;
        }
        links.end()
    }
}

#[derive(Serialize)]
struct PageOptions {
    /// Nodes drawn at first, by prominence (0: all).
    top: usize,
}

/// Writes the report page for `view`, drawing the `top` most prominent nodes at first. The
/// page data is serialised straight into `out` (through [`ScriptSafe`]): a corpus report's
/// data runs to tens of megabytes.
pub(crate) fn report(view: &GraphView, top: usize, out: &mut dyn Write) -> Result<(), GraphError> {
    let fail = |e: std::io::Error| GraphError::write(ExportFormat::Html, e);
    let data = PageData {
        graph: PageGraph(view),
        positions: super::layout::positions(view),
        links: view
            .nodes
            .iter()
            .filter_map(|node| match node {
                Node::Document(d) => d
                    .source
                    .as_deref()
                    .filter(|url| is_web_url(url))
                    .map(|url| (d.doc_id.as_str(), url)),
                _ => None,
            })
            .collect(),
        options: PageOptions { top },
    };
    let title = view
        .graph
        .get("name")
        .and_then(|v| v.as_str())
        .filter(|s| !s.trim().is_empty())
        .unwrap_or("stancegraph report");
    // Placeholders are replaced in one pass, so text inserted for one is never scanned again.
    let mut rest = TEMPLATE;
    while let Some(at) = rest.find("@@") {
        out.write_all(&rest.as_bytes()[..at]).map_err(fail)?;
        let after = &rest[at + 2..];
        let Some(end) = after.find("@@") else {
            out.write_all(&rest.as_bytes()[at..]).map_err(fail)?;
            rest = "";
            break;
        };
        match &after[..end] {
            "TITLE" => out.write_all(escape_html(title).as_bytes()).map_err(fail)?,
            "STYLE" => out.write_all(STYLE.as_bytes()).map_err(fail)?,
            "DATA" => serde_json::to_writer(ScriptSafe(&mut *out), &data)
                .map_err(|e| GraphError::write(ExportFormat::Html, e))?,
            "LIBRARIES" => {
                for (name, _, source) in LIBRARIES {
                    write!(
                        out,
                        "<script data-library=\"{name}\">\n{}\n</script>\n",
                        script_safe(source)
                    )
                    .map_err(fail)?;
                }
            }
            "APP" => out.write_all(script_safe(APP).as_bytes()).map_err(fail)?,
            "LICENCES" => {
                for (name, licence, _) in LIBRARIES {
                    write!(
                        out,
                        "<h4>{}</h4>\n<pre>{}</pre>\n",
                        escape_html(name),
                        escape_html(licence)
                    )
                    .map_err(fail)?;
                }
            }
            other => {
                return Err(GraphError::write(
                    ExportFormat::Html,
                    format!("unknown template placeholder @@{other}@@"),
                ))
            }
        }
        rest = &after[end + 2..];
    }
    out.write_all(rest.as_bytes()).map_err(fail)
}

/// A writer that makes JSON safe inside a `<script>` element on the fly: `<` only occurs
/// inside JSON strings, where `\u003c` means the same, so `</script>` and `<!--` cannot
/// appear.
struct ScriptSafe<W: Write>(W);

impl<W: Write> Write for ScriptSafe<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut rest = buf;
        while let Some(at) = rest.iter().position(|&b| b == b'<') {
            self.0.write_all(&rest[..at])?;
            self.0.write_all(b"\\u003c")?;
            rest = &rest[at + 1..];
        }
        self.0.write_all(rest)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

/// JavaScript that can sit inside a `<script>` element. `</script` can only occur inside
/// string, regex or comment text of a script, where `<\/script` means the same.
fn script_safe(source: &str) -> String {
    let lower = source.to_ascii_lowercase();
    let mut out = String::with_capacity(source.len());
    let mut copied = 0;
    for (at, _) in lower.match_indices("</script") {
        out.push_str(&source[copied..at + 1]);
        out.push('\\');
        copied = at + 1;
    }
    out.push_str(&source[copied..]);
    out
}

/// An absolute `http` or `https` URL with a host and no whitespace or control characters
/// (browsers drop those inside URLs, which would let `java\tscript:` through elsewhere).
fn is_web_url(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        &url[8..]
    } else if lower.starts_with("http://") {
        &url[7..]
    } else {
        return false;
    };
    !rest.is_empty()
        && !rest.starts_with('/')
        && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_cannot_close_its_script_block() {
        let mut graph = BTreeMap::new();
        graph.insert(
            "name".to_string(),
            serde_json::Value::from("</script><b>x</b>"),
        );
        let view = GraphView::new(graph, Vec::new(), Vec::new());
        let mut bytes = Vec::new();
        report(&view, 10, &mut bytes).expect("page");
        let page = String::from_utf8(bytes).expect("UTF-8");
        let data_start = page.find("id=\"graph-data\"").expect("data block");
        let data = &page[data_start..];
        let data = &data[..data.find("</script>").expect("block ends")];
        assert!(data.contains("\\u003c/script>"), "{data}");
        assert!(page.contains("<title>&lt;/script&gt;&lt;b&gt;x&lt;/b&gt;</title>"));
        for name in ["TITLE", "STYLE", "DATA", "LIBRARIES", "APP", "LICENCES"] {
            assert!(!page.contains(&format!("@@{name}@@")), "{name} is filled");
        }
        // Self-contained: no script or stylesheet is fetched.
        assert!(!page.contains("<script src"));
        assert!(!page.contains("<link"));
    }

    #[test]
    fn vendored_libraries_are_inlined_with_their_licences() {
        let view = GraphView::new(BTreeMap::new(), Vec::new(), Vec::new());
        let mut bytes = Vec::new();
        report(&view, 10, &mut bytes).expect("page");
        let page = String::from_utf8(bytes).expect("UTF-8");
        for (name, _, _) in LIBRARIES {
            assert!(page.contains(&format!("data-library=\"{name}\"")), "{name}");
            assert!(page.contains(&format!("<h4>{name}</h4>")), "{name}");
        }
        assert!(page.contains("Permission is hereby granted"));
    }

    #[test]
    fn only_web_urls_become_links() {
        for url in [
            "https://www.bbc.co.uk/news/1",
            "HTTP://example.org",
            "http://x",
        ] {
            assert!(is_web_url(url), "{url}");
        }
        for url in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            " javascript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:x",
            "https:///etc/passwd",
            "http://",
            "/home/me/article.txt",
            "https://example.org/\u{0}x",
            "https://exa mple.org",
            "ftp://example.org",
            "",
        ] {
            assert!(!is_web_url(url), "{url:?}");
        }
    }

    #[test]
    fn escaping_keeps_scripts_inert() {
        assert_eq!(script_safe("a = '</SCRIPT>';"), "a = '<\\/SCRIPT>';");
        assert_eq!(script_safe("if (a</b/.x) {}"), "if (a</b/.x) {}");
        let mut json = Vec::new();
        ScriptSafe(&mut json)
            .write_all(br#"{"a":"<!--"}"#)
            .expect("in memory");
        assert_eq!(json, br#"{"a":"\u003c!--"}"#);
        assert_eq!(escape_html("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
    }
}
