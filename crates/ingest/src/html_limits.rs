//! Hard limits on an HTML page's shape, checked by one linear pass over the markup before
//! the page is parsed. The HTML parser checks each new attribute against all earlier ones
//! of its element (quadratic in attributes per element), and readability scoring walks
//! ancestors and subtrees (steeply superlinear in depth): so a page with too many
//! elements, too deep a nesting or too many attributes is rejected with the limit it broke
//! instead of being parsed.
//!
//! The pass models what a browser's tree builder does closely enough to see the nesting
//! that hostile pages hide: `<div/>` opens a `div` (the slash means nothing on HTML
//! elements), and an end tag closes only an element that is open (`<div></x>` nests).
//! Elements whose end tag is optional (`p`, `li`, table cells, ...) are not counted as
//! nesting, so the estimate errs low on real pages.

/// The limits; real news pages stay far below them (the largest of the 91 pages of the
/// article-extraction benchmark: 1,596 elements, 64 attributes on one element, 3,625 in all).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HtmlLimits {
    /// Open elements inside each other.
    pub max_depth: usize,
    /// Start tags in the page.
    pub max_elements: usize,
    /// Attributes on one element.
    pub max_attributes_per_element: usize,
    /// Attributes in the page.
    pub max_attributes: usize,
}

impl Default for HtmlLimits {
    fn default() -> Self {
        HtmlLimits {
            max_depth: 512,
            max_elements: 100_000,
            max_attributes_per_element: 256,
            max_attributes: 200_000,
        }
    }
}

/// What the pass counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HtmlShape {
    /// Deepest nesting of open elements seen (optional-end and void elements not counted).
    pub max_depth: usize,
    /// Start tags in the page.
    pub elements: usize,
    /// Most attributes on any one element.
    pub max_attributes_per_element: usize,
    /// Attributes in the page, all elements together.
    pub attributes: usize,
}

/// The limit a page broke, in words a person understands.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShapeError {
    /// Nesting went past [`HtmlLimits::max_depth`] (the limit it broke).
    #[error("HTML nesting deeper than {0} elements")]
    TooDeep(usize),
    /// More start tags than [`HtmlLimits::max_elements`] (the limit it broke).
    #[error("HTML page with more than {0} elements")]
    TooManyElements(usize),
    /// One element had more than [`HtmlLimits::max_attributes_per_element`] (the limit).
    #[error("an HTML element with more than {0} attributes")]
    TooManyAttributesOnElement(usize),
    /// More attributes in all than [`HtmlLimits::max_attributes`] (the limit it broke).
    #[error("HTML page with more than {0} attributes")]
    TooManyAttributes(usize),
}

/// Elements that never have content.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr", "param", "keygen", "frame",
];

/// Elements whose end tag may be left out (the next sibling closes them): not counted as
/// nesting, so that pages with unclosed paragraphs are not overestimated.
const OPTIONAL_END: &[&str] = &[
    "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "thead", "tbody", "tfoot",
    "colgroup", "caption", "rb", "rt", "rp", "rtc", "html", "head", "body",
];

/// Elements whose content is raw text up to their end tag.
const RAW_TEXT: &[&str] = &[
    "script",
    "style",
    "textarea",
    "title",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "plaintext",
];

/// Counts elements, nesting and attributes of `html`, failing as soon as a limit is
/// passed. Linear in the page's length: every byte is looked at a bounded number of
/// times, and end tags search the open elements only up to `max_depth`.
pub fn check_shape(html: &str, limits: &HtmlLimits) -> Result<HtmlShape, ShapeError> {
    let bytes = html.as_bytes();
    let mut shape = HtmlShape::default();
    let mut open: Vec<String> = Vec::new();
    // Open `svg`/`math` elements: inside them `/>` does close an element.
    let mut foreign = 0usize;
    let mut i = 0;
    while let Some(offset) = bytes.get(i..).and_then(|rest| memchr(b'<', rest)) {
        let start = i + offset;
        let rest = &bytes[start..];
        if rest.starts_with(b"<!--") {
            i = find(bytes, start + 4, b"-->").map_or(bytes.len(), |p| p + 3);
            continue;
        }
        if rest.starts_with(b"<!") || rest.starts_with(b"<?") {
            i = memchr(b'>', rest).map_or(bytes.len(), |p| start + p + 1);
            continue;
        }
        let closing = rest.get(1) == Some(&b'/');
        let name_start = start + if closing { 2 } else { 1 };
        let name_len = bytes.get(name_start..).map_or(0, |r| {
            if !r.first().is_some_and(u8::is_ascii_alphabetic) {
                return 0;
            }
            r.iter()
                .take_while(|b| !b.is_ascii_whitespace() && **b != b'/' && **b != b'>')
                .count()
        });
        if name_len == 0 {
            // A lone `<` is text.
            i = start + 1;
            continue;
        }
        let name = html
            .get(name_start..name_start + name_len)
            .unwrap_or("")
            .to_ascii_lowercase();
        let tag = scan_tag(bytes, name_start + name_len);
        i = tag.end;
        if closing {
            // Close the innermost open element of that name, if there is one.
            if let Some(at) = open.iter().rposition(|n| *n == name) {
                foreign -= open[at..]
                    .iter()
                    .filter(|n| matches!(n.as_str(), "svg" | "math"))
                    .count();
                open.truncate(at);
            }
            continue;
        }
        shape.elements += 1;
        shape.attributes += tag.attributes;
        shape.max_attributes_per_element = shape.max_attributes_per_element.max(tag.attributes);
        if shape.elements > limits.max_elements {
            return Err(ShapeError::TooManyElements(limits.max_elements));
        }
        if tag.attributes > limits.max_attributes_per_element {
            return Err(ShapeError::TooManyAttributesOnElement(
                limits.max_attributes_per_element,
            ));
        }
        if shape.attributes > limits.max_attributes {
            return Err(ShapeError::TooManyAttributes(limits.max_attributes));
        }
        let never_nests = VOID.contains(&name.as_str()) || OPTIONAL_END.contains(&name.as_str());
        // In SVG and MathML `/>` does close the element.
        let closed_at_once = tag.self_closing && foreign > 0;
        let nests = !(never_nests || closed_at_once);
        if nests {
            if matches!(name.as_str(), "svg" | "math") {
                foreign += 1;
            }
            open.push(name.clone());
            shape.max_depth = shape.max_depth.max(open.len());
            if open.len() > limits.max_depth {
                return Err(ShapeError::TooDeep(limits.max_depth));
            }
        }
        if RAW_TEXT.contains(&name.as_str()) && foreign == 0 {
            match find_end_tag(bytes, i, name.as_bytes()) {
                Some(at) => i = at,
                // Raw text runs to the end of the page.
                None => break,
            }
        }
    }
    Ok(shape)
}

/// Where a start tag's attributes end.
struct Tag {
    /// Just past the `>` (or the end of the input).
    end: usize,
    attributes: usize,
    self_closing: bool,
}

/// Reads attributes from `i` (just after the tag name) to the closing `>`.
fn scan_tag(bytes: &[u8], mut i: usize) -> Tag {
    let mut attributes = 0;
    let mut self_closing = false;
    loop {
        while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        match bytes.get(i) {
            None => {
                return Tag {
                    end: bytes.len(),
                    attributes,
                    self_closing,
                }
            }
            Some(b'>') => {
                return Tag {
                    end: i + 1,
                    attributes,
                    self_closing,
                }
            }
            Some(b'/') => {
                self_closing = true;
                i += 1;
                continue;
            }
            Some(_) => {}
        }
        self_closing = false;
        attributes += 1;
        // The name: up to whitespace, `=`, `/` or `>` (its first byte may be `=`).
        i += 1;
        while bytes
            .get(i)
            .is_some_and(|b| !b.is_ascii_whitespace() && !matches!(b, b'=' | b'/' | b'>'))
        {
            i += 1;
        }
        while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        if bytes.get(i) != Some(&b'=') {
            continue;
        }
        i += 1;
        while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        match bytes.get(i) {
            Some(&quote @ (b'"' | b'\'')) => {
                i = bytes
                    .get(i + 1..)
                    .and_then(|r| memchr(quote, r))
                    .map_or(bytes.len(), |p| i + 1 + p + 1);
            }
            _ => {
                while bytes
                    .get(i)
                    .is_some_and(|b| !b.is_ascii_whitespace() && *b != b'>')
                {
                    i += 1;
                }
            }
        }
    }
}

fn memchr(needle: u8, haystack: &[u8]) -> Option<usize> {
    haystack.iter().position(|&b| b == needle)
}

/// First occurrence of `needle` at or after `from`.
fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

/// Offset of the first `</name` (ASCII case-insensitive) at or after `from`.
fn find_end_tag(bytes: &[u8], from: usize, name: &[u8]) -> Option<usize> {
    let mut at = from;
    loop {
        let p = find(bytes, at, b"</")?;
        if bytes
            .get(p + 2..p + 2 + name.len())
            .is_some_and(|n| n.eq_ignore_ascii_case(name))
        {
            return Some(p);
        }
        at = p + 2;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(html: &str) -> Result<HtmlShape, ShapeError> {
        check_shape(html, &HtmlLimits::default())
    }

    #[test]
    fn counts_a_normal_page() {
        let page = "<html><head><title>a < b</title><meta charset=utf-8></head><body><div class=\"x\" id='y' hidden><p>One<p>Two <b>bold</b></div><!-- <div><div> --><script>if (a<b) {}</script></body></html>";
        let shape = shape(page).unwrap();
        assert_eq!(shape.elements, 10);
        assert_eq!(shape.max_attributes_per_element, 3);
        assert_eq!(shape.attributes, 4);
        // html/head/body/p are not counted; div > b.
        assert_eq!(shape.max_depth, 2);
    }

    #[test]
    fn self_closing_divs_and_unmatched_end_tags_still_nest() {
        let slashes = "<div/>".repeat(600);
        assert_eq!(shape(&slashes), Err(ShapeError::TooDeep(512)));
        let unmatched = "<div></x>".repeat(600);
        assert_eq!(shape(&unmatched), Err(ShapeError::TooDeep(512)));
        let closed = "<div></div>".repeat(600);
        assert_eq!(shape(&closed).unwrap().max_depth, 1);
        // In SVG the slash does close.
        let svg = format!("<svg>{}</svg>", "<path/>".repeat(600));
        assert_eq!(shape(&svg).unwrap().max_depth, 1);
    }

    #[test]
    fn attribute_floods_and_element_floods_are_refused() {
        let attributes: String = (0..300).map(|i| format!(" a{i}=\"v\"")).collect();
        assert_eq!(
            shape(&format!("<div{attributes}>x</div>")),
            Err(ShapeError::TooManyAttributesOnElement(256))
        );
        let same = " a".repeat(300);
        assert_eq!(
            shape(&format!("<div{same}>")),
            Err(ShapeError::TooManyAttributesOnElement(256))
        );
        assert_eq!(
            shape(&"<br>".repeat(100_001)),
            Err(ShapeError::TooManyElements(100_000))
        );
        let many: String = "<i a b c d e f g h i j></i>".repeat(20_001);
        assert_eq!(shape(&many), Err(ShapeError::TooManyAttributes(200_000)));
    }

    #[test]
    fn unterminated_constructs_end_the_scan() {
        for page in [
            "<div a=\"never closed",
            "<!-- open",
            "<script>a<b",
            "<div",
            "a < b",
        ] {
            assert!(shape(page).is_ok(), "{page}");
        }
    }
}
