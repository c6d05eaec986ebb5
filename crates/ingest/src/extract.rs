//! HTML main-body extraction: the article's paragraphs and headings plus title, byline,
//! site name and publication date from meta tags, OpenGraph and JSON-LD.
//!
//! Built on `dom_smoothie` (a Readability.js port, the fastest of the measured crates):
//! page furniture that Readability tends to keep (captions, credits, bylines, related-story
//! lists, share bars) is removed from the DOM first, and the chosen content is walked into
//! paragraphs whose furniture lines (photo credits, "Updated ..." stamps) are dropped.

use dom_query::{Document as Dom, NodeRef};

pub use crate::html_limits::{check_shape, HtmlLimits, HtmlShape, ShapeError};

fn limits() -> HtmlLimits {
    HtmlLimits {
        max_depth: MAX_NESTING,
        ..HtmlLimits::default()
    }
}

/// One paragraph of extracted article text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paragraph {
    /// The paragraph's text, trimmed; never empty and without newlines inside.
    pub text: String,
    /// From an `h1`..`h6` element.
    pub heading: bool,
}

/// The article found in an HTML page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extracted {
    /// From OpenGraph/`<meta>`/JSON-LD, else the readability title.
    pub title: Option<String>,
    /// Author(s) as written in the page (`author` meta, JSON-LD, readability byline).
    pub byline: Option<String>,
    /// Publisher name (`og:site_name`, `application-name`, JSON-LD).
    pub site_name: Option<String>,
    /// As found in the page (normalise with [`crate::dates::to_iso8601`]).
    pub published: Option<String>,
    /// The page's declared language (`<html lang>`), as written and unchecked.
    pub language: Option<String>,
    /// The article body in reading order; holds at least one non-heading paragraph.
    pub paragraphs: Vec<Paragraph>,
}

impl Extracted {
    /// Paragraphs joined by newlines.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for p in &self.paragraphs {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(&p.text);
        }
        out
    }
}

/// Why no article could be extracted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExtractError {
    /// Readability found no content, or only headings were left after furniture removal.
    #[error("no article body found in the page")]
    NoBody,
    /// The page broke one of the [`HtmlLimits`] (too deep, too many elements or
    /// attributes) and was not parsed.
    #[error(transparent)]
    Shape(#[from] ShapeError),
}

/// Pages nested deeper than this are rejected: the parser and readability scoring
/// recurse over the tree, and no real article needs it.
pub const MAX_NESTING: usize = 512;

/// Tags removed before readability scoring when their text is short (page furniture).
const FURNITURE_TAGS: &[&str] = &["figcaption", "aside", "nav"];

/// Substrings of `class`/`id` values that mark page furniture (matched lower-cased).
const FURNITURE_NAMES: &[&str] = &[
    "caption",
    "credit",
    "byline",
    "related",
    "share",
    "social",
    "newsletter",
    "promo",
    "advert",
    "recommend",
    "timestamp",
    "author",
    "breadcrumb",
    "subscribe",
    "signup",
    "tags",
    "gallery",
    "comments",
    "slideshow",
    "toolbar",
    "disclaimer",
    "copyright",
    "inline-ad",
    "ad-container",
    "sponsor",
    "more-stories",
    "trending",
];

/// Longest text (in bytes) a furniture element may hold to be removed: containers that
/// merely carry such a class name but hold the article stay.
const FURNITURE_MAX_TEXT: usize = 600;

/// Extracts the article from an HTML page.
pub fn extract_article(html: &str) -> Result<Extracted, ExtractError> {
    check_shape(html, &limits())?;
    let dom = Dom::from(strip_unused(html));
    let meta = read_metadata(&dom);
    remove_furniture(&dom);
    let config = dom_smoothie::Config {
        max_elements_to_parse: 0,
        ..Default::default()
    };
    let article = dom_smoothie::Readability::with_document(dom, None, Some(config))
        .and_then(|mut r| r.parse())
        .map_err(|_| ExtractError::NoBody)?;
    let content = Dom::from(article.content.as_ref());
    let paragraphs: Vec<Paragraph> = paragraphs_of(&content)
        .into_iter()
        .filter(|p| !is_furniture_line(&p.text))
        .collect();
    if paragraphs.iter().all(|p| p.heading) {
        return Err(ExtractError::NoBody);
    }
    let nonempty = |s: Option<String>| s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    Ok(Extracted {
        title: nonempty(meta.title).or_else(|| nonempty(Some(article.title.clone()))),
        byline: nonempty(meta.byline).or_else(|| nonempty(article.byline.clone())),
        site_name: nonempty(meta.site_name).or_else(|| nonempty(article.site_name.clone())),
        published: nonempty(meta.published).or_else(|| nonempty(article.published_time.clone())),
        language: nonempty(meta.language).or_else(|| nonempty(article.lang.clone())),
        paragraphs,
    })
}

/// Paragraphs of an HTML fragment (a feed item's content), without readability scoring.
pub fn fragment_paragraphs(html: &str) -> Vec<Paragraph> {
    if check_shape(html, &limits()).is_err() {
        return Vec::new();
    }
    let dom = Dom::from(strip_unused(html));
    paragraphs_of(&dom)
}

/// Removes short elements whose tag, class or id marks them as page furniture.
fn remove_furniture(dom: &Dom) {
    let Some(body) = dom.select("body").nodes().first().copied() else {
        return;
    };
    let mut doomed = Vec::new();
    let mut stack: Vec<NodeRef<'_>> = body.children_it(false).collect();
    while let Some(node) = stack.pop() {
        if !node.is_element() {
            continue;
        }
        let name = node
            .node_name()
            .map(|n| n.to_ascii_lowercase())
            .unwrap_or_default();
        let mut furniture = FURNITURE_TAGS.contains(&name.as_str())
            || node.attr("role").is_some_and(|r| &*r == "complementary");
        if !furniture {
            for attr in ["class", "id"] {
                if let Some(value) = node.attr(attr) {
                    let value = value.to_ascii_lowercase();
                    if FURNITURE_NAMES.iter().any(|f| value.contains(f)) {
                        furniture = true;
                        break;
                    }
                }
            }
        }
        if furniture && text_len_at_most(&node, FURNITURE_MAX_TEXT) {
            doomed.push(node);
        } else {
            stack.extend(node.children_it(false));
        }
    }
    for node in doomed {
        node.remove_from_parent();
    }
}

/// True when the text under `node` has at most `limit` bytes (stops counting early).
fn text_len_at_most(node: &NodeRef<'_>, limit: usize) -> bool {
    let mut total = 0;
    let mut stack = vec![*node];
    while let Some(n) = stack.pop() {
        if n.is_text() {
            total += n.text().len();
            if total > limit {
                return false;
            }
        } else {
            stack.extend(n.children_it(false));
        }
    }
    true
}

/// The page without comments and the raw-text elements extraction never reads (scripts
/// other than JSON-LD, styles, SVG): they are a large part of a news page and parsing
/// them into the tree costs time.
pub fn strip_unused(html: &str) -> String {
    let bytes = html.as_bytes();
    let mut out = String::with_capacity(html.len() / 2);
    let mut copied = 0;
    let mut i = 0;
    // Tags whose end tag is missing from some point on (so from every later point too):
    // remembered so that a flood of unclosed `<script` never rescans the rest of the page.
    let mut unclosed = [false; 3];
    while let Some(offset) = bytes
        .get(i..)
        .and_then(|rest| rest.iter().position(|&b| b == b'<'))
    {
        let start = i + offset;
        let rest = bytes.get(start..).unwrap_or(&[]);
        let skip_to = if rest.starts_with(b"<!--") {
            Some(find_bytes(rest, b"-->").map_or(bytes.len(), |p| start + p + 3))
        } else {
            ["script", "style", "svg"]
                .iter()
                .enumerate()
                .find_map(|(t, tag)| {
                    let opens = !unclosed[t]
                        && rest
                            .get(1..=tag.len())
                            .is_some_and(|n| n.eq_ignore_ascii_case(tag.as_bytes()))
                        && rest
                            .get(tag.len() + 1)
                            .is_some_and(|b| b.is_ascii_whitespace() || *b == b'>' || *b == b'/');
                    if !opens {
                        return None;
                    }
                    let Some(close) = find_end_tag(rest, tag.as_bytes()) else {
                        unclosed[t] = true;
                        return None;
                    };
                    // The open tag ends before its end tag does.
                    let tag_end = rest
                        .get(..close)
                        .and_then(|r| r.iter().position(|&b| b == b'>'));
                    let open_tag = rest.get(..tag_end.unwrap_or(close)).unwrap_or(&[]);
                    if *tag == "script"
                        && find_bytes(&open_tag.to_ascii_lowercase(), b"ld+json").is_some()
                    {
                        return None;
                    }
                    let close_end = rest
                        .get(close..)
                        .and_then(|r| r.iter().position(|&b| b == b'>'))
                        .map_or(rest.len(), |p| close + p + 1);
                    Some(start + close_end)
                })
        };
        match skip_to {
            Some(end) => {
                out.push_str(html.get(copied..start).unwrap_or(""));
                copied = end.min(html.len());
                i = copied;
            }
            None => i = start + 1,
        }
    }
    out.push_str(html.get(copied..).unwrap_or(""));
    out
}

fn find_bytes(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Offset of the first `</name` (ASCII case-insensitive) in `haystack`.
fn find_end_tag(haystack: &[u8], name: &[u8]) -> Option<usize> {
    haystack.windows(name.len() + 2).position(|w| {
        w.first() == Some(&b'<')
            && w.get(1) == Some(&b'/')
            && w.get(2..).is_some_and(|n| n.eq_ignore_ascii_case(name))
    })
}

#[derive(Debug, Default)]
struct PageMeta {
    title: Option<String>,
    byline: Option<String>,
    site_name: Option<String>,
    published: Option<String>,
    language: Option<String>,
}

/// Title, byline, site and date from OpenGraph, `<meta>` tags and JSON-LD (in that order).
fn read_metadata(dom: &Dom) -> PageMeta {
    // (key, content) of every <meta>, keyed by property, name or itemprop, lower-cased.
    let mut metas: Vec<(String, String)> = Vec::new();
    for node in dom.select("meta").nodes() {
        let Some(content) = node.attr("content") else {
            continue;
        };
        let content = content.trim();
        if content.is_empty() {
            continue;
        }
        for key_attr in ["property", "name", "itemprop"] {
            if let Some(key) = node.attr(key_attr) {
                metas.push((key.trim().to_ascii_lowercase(), content.to_string()));
            }
        }
    }
    let first = |keys: &[&str]| {
        keys.iter().find_map(|k| {
            metas
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.clone())
        })
    };
    let mut meta = PageMeta {
        title: first(&["og:title", "twitter:title", "title"]),
        byline: first(&["author", "article:author", "byl", "dc.creator"]),
        site_name: first(&["og:site_name", "application-name"]),
        published: first(&[
            "article:published_time",
            "datepublished",
            "pubdate",
            "publishdate",
            "date",
            "dc.date.issued",
            "dc.date",
            "og:published_time",
            "sailthru.date",
        ]),
        language: dom
            .select("html")
            .attr("lang")
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty()),
    };
    if meta.published.is_none() {
        meta.published = dom
            .select("time[datetime]")
            .nodes()
            .first()
            .and_then(|n| n.attr("datetime"))
            .map(|d| d.trim().to_string())
            .filter(|d| !d.is_empty());
    }
    if meta.title.is_none() {
        let title = dom.select("title").text().trim().to_string();
        meta.title = (!title.is_empty()).then_some(title);
    }
    for script in dom.select("script[type='application/ld+json']").nodes() {
        let Ok(value) = serde_json::from_str::<serde_json::Value>(script.text().trim()) else {
            continue;
        };
        json_ld_into(&value, &mut meta, 0);
    }
    meta
}

/// Fills missing fields from a JSON-LD value (objects, arrays and `@graph` lists).
fn json_ld_into(value: &serde_json::Value, meta: &mut PageMeta, depth: usize) {
    if depth > 8 {
        return;
    }
    match value {
        serde_json::Value::Array(items) => {
            items.iter().for_each(|v| json_ld_into(v, meta, depth + 1))
        }
        serde_json::Value::Object(map) => {
            if let Some(graph) = map.get("@graph") {
                json_ld_into(graph, meta, depth + 1);
            }
            let kind = map.get("@type").map(|t| t.to_string()).unwrap_or_default();
            if !(kind.contains("Article") || kind.contains("Posting") || kind.contains("Report")) {
                return;
            }
            let text = |key: &str| {
                map.get(key)
                    .and_then(|v| v.as_str())
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
            };
            if meta.published.is_none() {
                meta.published = text("datePublished")
                    .or_else(|| text("dateCreated"))
                    .map(str::to_string);
            }
            if meta.title.is_none() {
                meta.title = text("headline")
                    .or_else(|| text("name"))
                    .map(str::to_string);
            }
            if meta.byline.is_none() {
                meta.byline = map.get("author").and_then(person_names);
            }
            if meta.site_name.is_none() {
                meta.site_name = map
                    .get("publisher")
                    .and_then(|p| p.get("name"))
                    .and_then(|n| n.as_str())
                    .map(str::to_string);
            }
        }
        _ => {}
    }
}

fn person_names(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        serde_json::Value::Object(map) => map
            .get("name")
            .and_then(|n| n.as_str())
            .map(|s| s.trim().to_string()),
        serde_json::Value::Array(items) => {
            let names: Vec<String> = items.iter().filter_map(person_names).collect();
            (!names.is_empty()).then(|| names.join(", "))
        }
        _ => None,
    }
}

/// Elements that start a new paragraph.
fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "section"
            | "article"
            | "header"
            | "footer"
            | "main"
            | "blockquote"
            | "pre"
            | "ul"
            | "ol"
            | "li"
            | "dl"
            | "dt"
            | "dd"
            | "table"
            | "tr"
            | "figure"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "br"
            | "hr"
            | "address"
            | "form"
            | "fieldset"
            | "details"
            | "summary"
    )
}

/// Walks the content tree (iteratively: no recursion on deep trees) into paragraphs.
fn paragraphs_of(dom: &Dom) -> Vec<Paragraph> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut heading_depth = 0usize;
    let mut current_heading = false;
    let flush = |current: &mut String, heading: bool, out: &mut Vec<Paragraph>| {
        let text = current.trim();
        if !text.is_empty() {
            out.push(Paragraph {
                text: text.to_string(),
                heading,
            });
        }
        current.clear();
    };
    let Some(root) = dom
        .select("body")
        .nodes()
        .first()
        .cloned()
        .or_else(|| dom.root().first_child())
    else {
        return out;
    };
    // (node, entering)
    let mut stack: Vec<(NodeRef<'_>, bool)> = vec![(root, true)];
    while let Some((node, entering)) = stack.pop() {
        if node.is_text() {
            let text = node.text();
            if heading_depth > 0 && !current_heading && !current.trim().is_empty() {
                flush(&mut current, false, &mut out);
            }
            current_heading = heading_depth > 0;
            push_collapsed(&mut current, &text);
            continue;
        }
        if !node.is_element() {
            continue;
        }
        let name = node
            .node_name()
            .map(|n| n.to_ascii_lowercase())
            .unwrap_or_default();
        if matches!(
            name.as_str(),
            "script" | "style" | "noscript" | "template" | "button" | "select" | "svg"
        ) {
            continue;
        }
        let heading = matches!(name.as_str(), "h1" | "h2" | "h3" | "h4" | "h5" | "h6");
        if entering {
            if matches!(name.as_str(), "td" | "th")
                && !current.is_empty()
                && !current.ends_with(' ')
            {
                current.push(' ');
            }
            if is_block(&name) {
                flush(&mut current, current_heading, &mut out);
                current_heading = false;
            }
            if heading {
                heading_depth += 1;
            }
            stack.push((node, false));
            let children: Vec<NodeRef<'_>> = node.children_it(true).collect();
            stack.extend(children.into_iter().map(|c| (c, true)));
        } else {
            if is_block(&name) {
                flush(&mut current, current_heading, &mut out);
                current_heading = false;
            }
            if heading {
                heading_depth = heading_depth.saturating_sub(1);
            }
        }
    }
    flush(&mut current, current_heading, &mut out);
    out
}

/// Appends `text` with runs of whitespace collapsed to one space.
fn push_collapsed(out: &mut String, text: &str) {
    for (i, word) in text.split_whitespace().enumerate() {
        let glue = i > 0 || text.starts_with(char::is_whitespace);
        if glue && !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
        out.push_str(word);
    }
    if text.ends_with(char::is_whitespace) && !out.is_empty() && !out.ends_with(' ') {
        out.push(' ');
    }
}

/// Lines of page furniture that survive readability: credits, captions, timestamps,
/// gallery counters, "you may also like" headers.
fn is_furniture_line(line: &str) -> bool {
    let lower = line.trim().to_lowercase();
    let words = lower.split_whitespace().count();
    // Gallery counters ("6", "1/8") and lines of punctuation; numeric table rows stay.
    if lower.chars().all(|c| !c.is_alphabetic())
        && (lower.len() <= 5 || !lower.chars().any(char::is_alphanumeric))
    {
        return true;
    }
    const STARTS: &[&str] = &[
        "photo:",
        "photo by",
        "photograph:",
        "image:",
        "image ",
        "picture:",
        "credit:",
        "caption",
        "close",
        "updated ",
        "posted ",
        "published ",
        "last updated",
        "you may also like",
        "advertisement",
        "read more",
        "related:",
        "related articles",
        "related stories",
        "share this",
        "follow us",
        "sign up",
        "subscribe",
        "copyright",
        "©",
        "(c) ",
    ];
    if words <= 14 && STARTS.iter().any(|s| lower.starts_with(s)) {
        return true;
    }
    // Bylines: "By Jane Doe" / "By Jane Doe - 11/18/19 ...".
    if words <= 12 && lower.starts_with("by ") && !lower.ends_with('.') {
        return true;
    }
    words <= 8
        && (lower.contains("credit:")
            || lower.ends_with("getty images")
            || lower.contains("/ getty"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<html lang="en"><head><title>Fallback title</title>
        <meta property="og:title" content="Council Approves Budget">
        <meta property="article:published_time" content="2024-03-05T10:00:00Z">
        <script type="application/ld+json">{"@type":"NewsArticle","author":{"name":"Jane Doe"},"publisher":{"name":"Daily Example"}}</script>
        </head><body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
        <article><h1>Council Approves Budget</h1>
        <p class="byline">By Jane Doe</p>
        <p>The city council approved the budget on Tuesday after a long debate about the costs of the new harbour and the schools.</p>
        <figure><img src="a.jpg"><figcaption>Photo: John Smith, Getty Images</figcaption></figure>
        <h2>Opposition Response</h2>
        <p>Opposition members said the plan ignored residents and promised to keep fighting the proposal in the coming months.</p>
        <p>The mayor said she was confident the budget would pass a second vote next week, and thanked the council.</p>
        </article><footer>© 2024 Daily Example. All rights reserved.</footer></body></html>"#;

    #[test]
    fn extracts_body_headings_and_metadata() {
        let article = extract_article(PAGE).unwrap();
        assert_eq!(article.title.as_deref(), Some("Council Approves Budget"));
        assert_eq!(article.byline.as_deref(), Some("Jane Doe"));
        assert_eq!(article.site_name.as_deref(), Some("Daily Example"));
        assert_eq!(article.published.as_deref(), Some("2024-03-05T10:00:00Z"));
        assert_eq!(article.language.as_deref(), Some("en"));
        let text = article.text();
        assert!(
            text.contains("The city council approved the budget"),
            "{text}"
        );
        assert!(!text.contains("Getty"), "{text}");
        assert!(!text.contains("All rights reserved"), "{text}");
        assert!(!text.contains("Home"), "{text}");
        assert!(
            article
                .paragraphs
                .iter()
                .any(|p| p.heading && p.text == "Opposition Response"),
            "{:?}",
            article.paragraphs
        );
    }

    #[test]
    fn page_without_body_is_an_error() {
        assert_eq!(
            extract_article("<html><head><title>x</title></head></html>"),
            Err(ExtractError::NoBody)
        );
        assert_eq!(extract_article(""), Err(ExtractError::NoBody));
    }

    #[test]
    fn deeply_nested_page_is_rejected_without_panic() {
        let html = format!(
            "<html><body>{}text{}</body></html>",
            "<div>".repeat(100_000),
            "</div>".repeat(100_000)
        );
        assert_eq!(
            extract_article(&html),
            Err(ExtractError::Shape(ShapeError::TooDeep(MAX_NESTING)))
        );
        assert_eq!(
            check_shape(
                "<div><p>a<br><img src=x/></div><script>if (a<b) {}</script>",
                &limits()
            )
            .map(|shape| shape.max_depth),
            Ok(1)
        );
        // Hidden nesting (`<div/>` opens a div) and attribute floods are refused too.
        for page in [
            "<div/>".repeat(2_000),
            format!("<p {}>x</p>", " a".repeat(1_000)),
        ] {
            assert!(
                matches!(extract_article(&page), Err(ExtractError::Shape(_))),
                "{}",
                &page[..20]
            );
        }
    }
}
