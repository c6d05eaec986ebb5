//! The interactive HTML report: one self-contained page (no network at view time) with the
//! graph as JSON, the vendored JavaScript libraries and the page's own script inlined.
//!
//! The libraries are minified npm releases pinned in `assets/README.md`; their licence texts
//! are shown in the page. The graph goes into a `<script type="application/json">` block,
//! with every `<` written as `\u003c` so that no string in the data can close the block.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::filter::ExportFormat;
use crate::model::GraphView;
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
    graph: &'a GraphView,
    /// Node id → `[x, y]` from [`super::layout::positions`].
    positions: BTreeMap<String, [f64; 2]>,
    options: PageOptions,
}

#[derive(Serialize)]
struct PageOptions {
    /// Nodes drawn at first, by prominence (0: all).
    top: usize,
}

/// The report page for `view`, drawing the `top` most prominent nodes at first.
pub(crate) fn report(view: &GraphView, top: usize) -> Result<Vec<u8>, GraphError> {
    let data = PageData {
        graph: view,
        positions: super::layout::positions(view),
        options: PageOptions { top },
    };
    let json =
        serde_json::to_string(&data).map_err(|e| GraphError::write(ExportFormat::Html, e))?;
    let title = view
        .graph
        .get("name")
        .and_then(|v| v.as_str())
        .filter(|s| !s.trim().is_empty())
        .unwrap_or("stancegraph report");
    let libraries: String = LIBRARIES
        .iter()
        .map(|(name, _, source)| {
            format!(
                "<script data-library=\"{name}\">\n{}\n</script>\n",
                script_safe(source)
            )
        })
        .collect();
    let licences: String = LIBRARIES
        .iter()
        .map(|(name, licence, _)| {
            format!(
                "<h4>{}</h4>\n<pre>{}</pre>\n",
                escape_html(name),
                escape_html(licence)
            )
        })
        .collect();
    // Placeholders are replaced in one pass, so text inserted for one is never scanned again.
    let mut page = String::with_capacity(TEMPLATE.len() + json.len() + 700_000);
    let mut rest = TEMPLATE;
    while let Some(at) = rest.find("@@") {
        page.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        let Some(end) = after.find("@@") else {
            page.push_str(&rest[at..]);
            rest = "";
            break;
        };
        match &after[..end] {
            "TITLE" => page.push_str(&escape_html(title)),
            "STYLE" => page.push_str(STYLE),
            "DATA" => page.push_str(&json_script_safe(&json)),
            "LIBRARIES" => page.push_str(&libraries),
            "APP" => page.push_str(&script_safe(APP)),
            "LICENCES" => page.push_str(&licences),
            other => {
                return Err(GraphError::write(
                    ExportFormat::Html,
                    format!("unknown template placeholder @@{other}@@"),
                ))
            }
        }
        rest = &after[end + 2..];
    }
    page.push_str(rest);
    Ok(page.into_bytes())
}

/// JSON that can sit inside a `<script>` element: `<` only occurs inside JSON strings, where
/// `\u003c` means the same, so `</script>` and `<!--` cannot appear.
fn json_script_safe(json: &str) -> String {
    json.replace('<', "\\u003c")
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
        let page = String::from_utf8(report(&view, 10).expect("page")).expect("UTF-8");
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
        let page = String::from_utf8(report(&view, 10).expect("page")).expect("UTF-8");
        for (name, _, _) in LIBRARIES {
            assert!(page.contains(&format!("data-library=\"{name}\"")), "{name}");
            assert!(page.contains(&format!("<h4>{name}</h4>")), "{name}");
        }
        assert!(page.contains("Permission is hereby granted"));
    }

    #[test]
    fn escaping_keeps_scripts_inert() {
        assert_eq!(script_safe("a = '</SCRIPT>';"), "a = '<\\/SCRIPT>';");
        assert_eq!(script_safe("if (a</b/.x) {}"), "if (a</b/.x) {}");
        assert_eq!(json_script_safe(r#"{"a":"<!--"}"#), r#"{"a":"\u003c!--"}"#);
        assert_eq!(escape_html("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
    }
}
