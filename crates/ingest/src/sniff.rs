//! Which reader an input needs: from its file name, else from its first bytes.

use crate::Format;

/// Format from a file name's extension (`.gz` looked through).
pub fn format_from_name(name: &str) -> Format {
    let lower = name.to_ascii_lowercase();
    let lower = lower.strip_suffix(".gz").unwrap_or(&lower);
    match lower.rsplit('.').next() {
        Some("html" | "htm" | "xhtml") => Format::Html,
        Some("jsonl" | "ndjson") => Format::Jsonl,
        Some("rss" | "atom" | "xml") => Format::Feed,
        Some("warc") => Format::Warc,
        Some("txt" | "text") => Format::Text,
        _ => Format::Auto,
    }
}

/// Format from the first bytes of the content.
pub fn sniff_format(raw: &[u8]) -> Format {
    let head = raw.get(..1024.min(raw.len())).unwrap_or(&[]);
    let head = String::from_utf8_lossy(head)
        .trim_start_matches('\u{feff}')
        .trim_start()
        .to_ascii_lowercase();
    if head.starts_with("warc/") {
        Format::Warc
    } else if head.starts_with("<!doctype html")
        || head.starts_with("<html")
        || (head.starts_with('<') && head.contains("<body"))
    {
        Format::Html
    } else if head.starts_with("<?xml") || head.starts_with("<rss") || head.starts_with("<feed") {
        if head.contains("<rss") || head.contains("<feed") || head.contains("<rdf") {
            Format::Feed
        } else {
            Format::Html
        }
    } else if head.starts_with('{') {
        Format::Jsonl
    } else {
        Format::Text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_recognised_by_name_and_content() {
        assert_eq!(format_from_name("a/b.HTML.gz"), Format::Html);
        assert_eq!(format_from_name("x.warc.gz"), Format::Warc);
        assert_eq!(sniff_format(b"WARC/1.0\r\n"), Format::Warc);
        assert_eq!(sniff_format(b"  <!DOCTYPE html><html>"), Format::Html);
        assert_eq!(
            sniff_format(b"<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'>"),
            Format::Feed
        );
        assert_eq!(sniff_format(b"{\"text\":1}"), Format::Jsonl);
        assert_eq!(sniff_format(b"Plain words."), Format::Text);
    }
}
