//! The format readers: plain text, HTML pages, JSONL records, RSS/Atom feeds and WARC
//! archives. Each turns raw bytes into documents or per-document failures.

use std::io::{BufRead, Read};
use std::ops::ControlFlow;

use stancegraph_core::{Block, BlockKind, Document, Metadata, Span};

use crate::decode::{self, MappedText};
use crate::ordered::DocResult;
use crate::{dates, extract, failed, Ingestor, ReadState};

/// Name of the HTML reader in `Block::stage`.
pub const HTML_READER: &str = "ingest.html";

/// Plain text: decoded, normalised, with a source map to `raw`.
pub(crate) fn text_document(
    ing: &Ingestor,
    source: &str,
    id: Option<String>,
    raw: &[u8],
    mut metadata: Metadata,
) -> DocResult {
    let fail_id = id.clone().unwrap_or_else(|| source.to_string());
    if raw.len() as u64 > ing.config.max_bytes {
        return Err((
            fail_id,
            format!(
                "{} bytes is over the limit of {} (source.max_bytes)",
                raw.len(),
                ing.config.max_bytes
            ),
        ));
    }
    let decoded = decode::decode_text(raw, None).map_err(|e| (fail_id.clone(), e.to_string()))?;
    let normalised = decode::normalise(decoded.chars_with_raw_offsets());
    if normalised.text.is_empty() {
        return Err((fail_id, "empty document".into()));
    }
    if let Some(encoding) = decoded.transcoded_from {
        metadata
            .extra
            .insert("encoding".into(), encoding.to_string());
    }
    metadata.source.get_or_insert_with(|| source.to_string());
    let mut doc = Document::new(id, normalised.text, metadata);
    doc.source_map = Some(normalised.source_map);
    Ok(doc)
}

/// `charset=` of a `<meta>` tag in the first 2 KiB of a page.
fn declared_charset(raw: &[u8]) -> Option<String> {
    let head =
        String::from_utf8_lossy(raw.get(..2048.min(raw.len())).unwrap_or(&[])).to_ascii_lowercase();
    let at = head.find("charset=")? + "charset=".len();
    let value: String = head
        .get(at..)?
        .trim_start_matches(['"', '\''])
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    (!value.is_empty()).then_some(value)
}

/// An HTML page: main body extracted, title prepended as a heading, blocks from the
/// structure, metadata from meta/OpenGraph/JSON-LD.
pub(crate) fn html_document(
    max_bytes: u64,
    source: &str,
    id: Option<String>,
    raw: &[u8],
    charset: Option<&str>,
) -> DocResult {
    let fail_id = id.clone().unwrap_or_else(|| source.to_string());
    if raw.len() as u64 > max_bytes {
        return Err((
            fail_id,
            format!(
                "{} bytes is over the limit of {} (source.max_bytes)",
                raw.len(),
                max_bytes
            ),
        ));
    }
    let declared = charset
        .map(str::to_string)
        .or_else(|| declared_charset(raw));
    let decoded = decode::decode_text(raw, declared.as_deref())
        .map_err(|e| (fail_id.clone(), e.to_string()))?;
    let article =
        extract::extract_article(&decoded.text).map_err(|e| (fail_id.clone(), e.to_string()))?;
    let mut metadata = Metadata {
        source: Some(source.to_string()),
        ..Metadata::default()
    };
    metadata.title = article.title.clone();
    metadata.author = article.byline.clone();
    metadata.outlet = article.site_name.clone();
    if let Some(published) = &article.published {
        match dates::to_iso8601(published) {
            Some(iso) => metadata.published = Some(iso),
            None => {
                metadata
                    .extra
                    .insert("published_raw".into(), published.clone());
            }
        }
    }
    if let Some(lang) = &article.language {
        metadata.extra.insert("html_lang".into(), lang.clone());
    }
    if let Some(encoding) = decoded.transcoded_from {
        metadata
            .extra
            .insert("encoding".into(), encoding.to_string());
    }
    // Offsets into `decoded.text` equal raw offsets only for UTF-8 input.
    let exact_offsets = decoded.transcoded_from.is_none();
    let mut text = MappedText::new();
    let mut blocks = Vec::new();
    let mut cursor = 0;
    let mut paragraphs: Vec<(&str, bool)> = Vec::new();
    if let Some(title) = &article.title {
        let repeated = article
            .paragraphs
            .first()
            .is_some_and(|p| p.text.trim() == title.trim());
        if !repeated {
            paragraphs.push((title.as_str(), true));
        }
    }
    paragraphs.extend(
        article
            .paragraphs
            .iter()
            .map(|p| (p.text.as_str(), p.heading)),
    );
    for (paragraph, heading) in paragraphs {
        let paragraph = paragraph.trim();
        if paragraph.is_empty() {
            continue;
        }
        if !text.text().is_empty() {
            text.push_synthetic("\n");
        }
        let start = text.text().len();
        let raw_at = if exact_offsets {
            find_in_raw(&decoded.text, paragraph, &mut cursor).map(|p| p + decoded.bom_len)
        } else {
            None
        };
        text.push_str_at(paragraph, raw_at);
        let end = text.text().len();
        blocks.push(Block {
            span: Span::new(start, end),
            kind: if heading {
                BlockKind::Heading
            } else {
                BlockKind::Body
            },
            reason: if heading {
                "HTML heading or page title".into()
            } else {
                "HTML paragraph in the extracted body".into()
            },
            stage: HTML_READER.to_string(),
            confidence: if heading { 0.95 } else { 0.8 },
        });
    }
    let normalised = text.finish();
    if normalised.text.trim().is_empty() {
        return Err((fail_id, "no article text in the page".into()));
    }
    let mut doc = Document::new(id, normalised.text, metadata);
    doc.source_map = Some(normalised.source_map);
    doc.blocks = blocks;
    Ok(doc)
}

/// Where the paragraph's first words appear in the page at or after `cursor`, advancing
/// it; `None` when the markup interrupts them (entities, inline tags).
fn find_in_raw(page: &str, paragraph: &str, cursor: &mut usize) -> Option<usize> {
    let probe: String = paragraph.chars().take(24).collect();
    let probe = probe.trim_end();
    if probe.len() < 8 {
        return None;
    }
    let found = page.get(*cursor..)?.find(probe).map(|p| p + *cursor)?;
    *cursor = found + probe.len();
    Some(found)
}

/// JSONL: one record per line; bad lines fail with their line number, the rest go on.
pub(crate) fn read_jsonl(
    ing: &Ingestor,
    source: &str,
    raw: &[u8],
    state: &mut ReadState<'_>,
) -> ControlFlow<()> {
    read_jsonl_stream(ing, source, std::io::Cursor::new(raw), state)
}

/// `file` as a buffered reader, decompressed when its first bytes are a gzip header.
fn gunzipped_if_gzip(file: std::fs::File) -> std::io::Result<Box<dyn BufRead>> {
    let mut file = std::io::BufReader::new(file);
    if decode::is_gzip(file.fill_buf()?) {
        Ok(Box::new(std::io::BufReader::new(
            flate2::read::MultiGzDecoder::new(file),
        )))
    } else {
        Ok(Box::new(file))
    }
}

/// A JSONL file, gzipped or not, read line by line: memory stays bounded by
/// `source.max_bytes` per line whatever the size of the file.
pub(crate) fn read_jsonl_file(
    ing: &Ingestor,
    source: &str,
    file: std::fs::File,
    state: &mut ReadState<'_>,
) -> ControlFlow<()> {
    match gunzipped_if_gzip(file) {
        Ok(reader) => read_jsonl_stream(ing, source, reader, state),
        Err(e) => state.emit(failed(source, source, e.to_string())),
    }
}

fn read_jsonl_stream(
    ing: &Ingestor,
    source: &str,
    mut reader: impl BufRead,
    state: &mut ReadState<'_>,
) -> ControlFlow<()> {
    let limit = ing.config.max_bytes;
    let mut offset = 0usize;
    let mut line = Vec::new();
    for number in 1.. {
        line.clear();
        let read = reader
            .by_ref()
            .take(limit.saturating_add(1))
            .read_until(b'\n', &mut line);
        let n = match read {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) => {
                return state.emit(failed(
                    source,
                    source,
                    format!("line {number}: read stopped: {e}"),
                ))
            }
        };
        let line_start = offset;
        offset += n;
        if line.last() == Some(&b'\n') {
            line.pop();
        } else if line.len() as u64 > limit {
            // Too long: skip to the end of the line without holding it.
            let skipped = match skip_line(&mut reader) {
                Ok(skipped) => skipped,
                Err(e) => {
                    return state.emit(failed(
                        source,
                        source,
                        format!("line {number}: read stopped: {e}"),
                    ))
                }
            };
            offset += skipped;
            state.emit(failed(
                &format!("{source}:{number}"),
                source,
                format!(
                    "line {number}: more than {limit} bytes, over the limit of source.max_bytes"
                ),
            ))?;
            continue;
        }
        jsonl_record(ing, source, number, line_start, &line, state)?;
    }
    ControlFlow::Continue(())
}

/// Consumes the rest of a line (through its newline); returns the bytes consumed.
fn skip_line(reader: &mut impl BufRead) -> std::io::Result<usize> {
    let mut consumed = 0;
    loop {
        let chunk = reader.fill_buf()?;
        if chunk.is_empty() {
            return Ok(consumed);
        }
        match chunk.iter().position(|&b| b == b'\n') {
            Some(at) => {
                reader.consume(at + 1);
                return Ok(consumed + at + 1);
            }
            None => {
                let len = chunk.len();
                reader.consume(len);
                consumed += len;
            }
        }
    }
}

/// One JSONL line (without its newline) starting at byte `line_start` of the input.
fn jsonl_record(
    ing: &Ingestor,
    source: &str,
    number: usize,
    line_start: usize,
    line: &[u8],
    state: &mut ReadState<'_>,
) -> ControlFlow<()> {
    let fields = &ing.config.jsonl;
    {
        let where_ = format!("{source}:{number}");
        if line.iter().all(u8::is_ascii_whitespace) {
            return ControlFlow::Continue(());
        }
        let value: serde_json::Value = match serde_json::from_slice(line) {
            Ok(value) => value,
            Err(e) => {
                return state.emit(failed(
                    &where_,
                    source,
                    format!("line {number}: invalid JSON: {e}"),
                ));
            }
        };
        let Some(record) = value.as_object() else {
            return state.emit(failed(
                &where_,
                source,
                format!("line {number}: not a JSON object"),
            ));
        };
        let string = |key: &str| match record.get(key) {
            Some(serde_json::Value::String(s)) if !s.trim().is_empty() => Some(s.clone()),
            Some(serde_json::Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        let id = string(&fields.id);
        let url = string(&fields.url);
        let doc_source = url.clone().unwrap_or_else(|| where_.clone());
        let overrides = Overrides {
            title: string(&fields.title),
            outlet: string(&fields.outlet),
            author: string(&fields.author),
            date: string(&fields.date),
        };
        if let Some(text) = string(&fields.text) {
            let mut metadata = Metadata {
                source: Some(doc_source.clone()),
                ..Metadata::default()
            };
            metadata.extra.insert("line".into(), number.to_string());
            let result = text_document(ing, &doc_source, id.clone(), text.as_bytes(), metadata)
                .map(|mut doc| {
                    // The text came JSON-escaped: anchor the document at its line only.
                    doc.source_map = Some(stancegraph_core::SourceMap {
                        anchors: vec![(0, line_start)],
                    });
                    overrides.apply(doc)
                });
            match result {
                Ok(doc) => state.finish(Ok(doc)),
                Err((id, reason)) => {
                    state.emit(failed(&id, source, format!("line {number}: {reason}")))
                }
            }
        } else if let Some(html) = string(&fields.html) {
            let max_bytes = ing.config.max_bytes;
            let fail_id = id.clone().unwrap_or_else(|| doc_source.clone());
            state.extract(
                fail_id,
                source.to_string(),
                Box::new(move || {
                    html_document(max_bytes, &doc_source, id, html.as_bytes(), None)
                        .map(|mut doc| {
                            doc.source_map = Some(stancegraph_core::SourceMap {
                                anchors: vec![(0, line_start)],
                            });
                            doc.metadata.extra.insert("line".into(), number.to_string());
                            overrides.apply(doc)
                        })
                        .map_err(|(id, reason)| (id, format!("line {number}: {reason}")))
                }),
            )
        } else {
            state.emit(failed(
                &id.unwrap_or(where_),
                source,
                format!(
                    "line {number}: no `{}` or `{}` field",
                    fields.text, fields.html
                ),
            ))
        }
    }
}

/// Metadata fields of a JSONL record that replace what the reader found.
struct Overrides {
    title: Option<String>,
    outlet: Option<String>,
    author: Option<String>,
    date: Option<String>,
}

impl Overrides {
    fn apply(self, mut doc: Document) -> Document {
        if let Some(title) = self.title {
            doc.metadata.title = Some(title);
        }
        if let Some(outlet) = self.outlet {
            doc.metadata.outlet = Some(outlet);
        }
        if let Some(author) = self.author {
            doc.metadata.author = Some(author);
        }
        if let Some(date) = self.date {
            match dates::to_iso8601(&date) {
                Some(iso) => doc.metadata.published = Some(iso),
                None => {
                    doc.metadata.extra.insert("published_raw".into(), date);
                }
            }
        }
        doc
    }
}

/// RSS and Atom: one document per item, from its content or description.
pub(crate) fn read_feed(
    ing: &Ingestor,
    source: &str,
    raw: &[u8],
    state: &mut ReadState<'_>,
) -> ControlFlow<()> {
    let feed = match feed_rs::parser::parse(raw) {
        Ok(feed) => feed,
        Err(e) => return state.emit(failed(source, source, format!("not an RSS/Atom feed: {e}"))),
    };
    let outlet = feed
        .title
        .as_ref()
        .map(|t| t.content.trim().to_string())
        .filter(|t| !t.is_empty());
    for (index, entry) in feed.entries.iter().enumerate() {
        let link = entry.links.first().map(|l| l.href.clone());
        let id = if entry.id.trim().is_empty() {
            link.clone()
                .unwrap_or_else(|| format!("{source}#{}", index + 1))
        } else {
            entry.id.clone()
        };
        let body = entry
            .content
            .as_ref()
            .and_then(|c| c.body.clone())
            .filter(|b| !b.trim().is_empty())
            .or_else(|| entry.summary.as_ref().map(|s| s.content.clone()));
        let Some(body) = body.filter(|b| !b.trim().is_empty()) else {
            state.emit(failed(
                &id,
                source,
                format!("feed item {} has no content or description", index + 1),
            ))?;
            continue;
        };
        let text = if body.contains('<') {
            extract::fragment_paragraphs(&body)
                .iter()
                .map(|p| p.text.as_str())
                .collect::<Vec<_>>()
                .join("\n")
        } else {
            body
        };
        let mut metadata = Metadata {
            source: Some(link.clone().unwrap_or_else(|| source.to_string())),
            title: entry
                .title
                .as_ref()
                .map(|t| t.content.trim().to_string())
                .filter(|t| !t.is_empty()),
            outlet: outlet.clone(),
            author: (!entry.authors.is_empty()).then(|| {
                entry
                    .authors
                    .iter()
                    .map(|a| a.name.clone())
                    .collect::<Vec<_>>()
                    .join(", ")
            }),
            published: entry
                .published
                .or(entry.updated)
                .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
            ..Metadata::default()
        };
        metadata.extra.insert("feed".into(), source.to_string());
        let result = text_document(ing, source, Some(id.clone()), text.as_bytes(), metadata).map(
            |mut doc| {
                doc.source_map = None;
                doc
            },
        );
        state.finish(result)?;
    }
    ControlFlow::Continue(())
}

/// A WARC file, gzipped or not, read record by record.
pub(crate) fn read_warc_file(
    ing: &Ingestor,
    source: &str,
    file: std::fs::File,
    state: &mut ReadState<'_>,
) -> ControlFlow<()> {
    match gunzipped_if_gzip(file) {
        Ok(reader) => read_warc(ing, source, reader, state),
        Err(e) => state.emit(failed(source, source, e.to_string())),
    }
}

pub(crate) fn read_warc_bytes(
    ing: &Ingestor,
    source: &str,
    raw: &[u8],
    state: &mut ReadState<'_>,
) -> ControlFlow<()> {
    read_warc(ing, source, std::io::Cursor::new(raw), state)
}

/// Reads one line of at most 64 KiB; `Ok(None)` at the end of input.
fn read_line(reader: &mut impl BufRead) -> std::io::Result<Option<String>> {
    let mut buf = Vec::new();
    let n = reader
        .by_ref()
        .take(64 * 1024)
        .read_until(b'\n', &mut buf)?;
    if n == 0 {
        return Ok(None);
    }
    Ok(Some(
        String::from_utf8_lossy(&buf)
            .trim_end_matches(['\r', '\n'])
            .to_string(),
    ))
}

fn read_warc(
    ing: &Ingestor,
    source: &str,
    mut reader: impl BufRead,
    state: &mut ReadState<'_>,
) -> ControlFlow<()> {
    let mut records = 0usize;
    let io_failure = |records: usize, e: std::io::Error| {
        let what = if e.kind() == std::io::ErrorKind::UnexpectedEof {
            "truncated input".to_string()
        } else {
            e.to_string()
        };
        failed(
            source,
            source,
            format!("WARC read stopped after {records} record(s): {what}"),
        )
    };
    loop {
        let first = match read_line(&mut reader) {
            Ok(Some(line)) if line.trim().is_empty() => continue,
            Ok(Some(line)) => line,
            Ok(None) => break,
            Err(e) => return state.emit(io_failure(records, e)),
        };
        if !first.starts_with("WARC/") {
            return state.emit(failed(
                source,
                source,
                format!("record {}: expected a `WARC/` version line", records + 1),
            ));
        }
        let mut headers: Vec<(String, String)> = Vec::new();
        loop {
            match read_line(&mut reader) {
                Ok(Some(line)) if line.is_empty() => break,
                Ok(Some(line)) => {
                    if let Some((name, value)) = line.split_once(':') {
                        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
                    }
                    if headers.len() > 256 {
                        return state.emit(failed(
                            source,
                            source,
                            format!("record {}: too many headers", records + 1),
                        ));
                    }
                }
                Ok(None) => {
                    return state.emit(io_failure(
                        records,
                        std::io::ErrorKind::UnexpectedEof.into(),
                    ))
                }
                Err(e) => return state.emit(io_failure(records, e)),
            }
        }
        records += 1;
        let header = |name: &str| {
            headers
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
        };
        let record_id = header("warc-record-id").unwrap_or("").to_string();
        let uri = header("warc-target-uri").map(|u| u.trim_matches(['<', '>']).to_string());
        let doc_source = uri.clone().unwrap_or_else(|| format!("{source}#{records}"));
        let Some(length) = header("content-length").and_then(|l| l.parse::<u64>().ok()) else {
            return state.emit(failed(
                source,
                source,
                format!("record {records}: missing or bad Content-Length"),
            ));
        };
        let wanted = header("warc-type") == Some("response")
            && header("content-type")
                .is_some_and(|t| t.to_ascii_lowercase().contains("application/http"));
        if !wanted || length > ing.config.max_bytes {
            if let Err(e) = std::io::copy(&mut reader.by_ref().take(length), &mut std::io::sink()) {
                return state.emit(io_failure(records, e));
            }
            if wanted {
                let reason = format!(
                    "{length} bytes is over the limit of {} (source.max_bytes)",
                    ing.config.max_bytes
                );
                state.emit(failed(&doc_source, &doc_source, reason))?;
            }
            continue;
        }
        let mut block = Vec::new();
        match reader.by_ref().take(length).read_to_end(&mut block) {
            Ok(n) if n as u64 == length => {}
            Ok(_) => {
                return state.emit(io_failure(
                    records,
                    std::io::ErrorKind::UnexpectedEof.into(),
                ))
            }
            Err(e) => return state.emit(io_failure(records, e)),
        }
        let page = match http_response_page(ing, &doc_source, &block) {
            Ok(Some(page)) => page,
            Ok(None) => continue,
            Err((id, reason)) => {
                state.emit(failed(&id, &doc_source, reason))?;
                continue;
            }
        };
        let warc_file = source.to_string();
        let warc_date = header("warc-date").map(str::to_string);
        let max_bytes = ing.config.max_bytes;
        let uri = doc_source.clone();
        state.extract(
            doc_source.clone(),
            doc_source,
            Box::new(move || {
                let (body, charset) = page;
                let mut doc = html_document(
                    max_bytes,
                    &uri,
                    Some(uri.clone()),
                    &body,
                    charset.as_deref(),
                )?;
                doc.metadata.extra.insert("warc_file".into(), warc_file);
                if !record_id.is_empty() {
                    doc.metadata
                        .extra
                        .insert("warc_record_id".into(), record_id);
                }
                if let Some(date) = warc_date {
                    doc.metadata.extra.insert("warc_date".into(), date);
                }
                Ok(doc)
            }),
        )?;
    }
    ControlFlow::Continue(())
}

/// An HTML page's bytes and the charset its HTTP headers declare.
type HtmlBody = (Vec<u8>, Option<String>);

/// The body and charset of an HTTP response (status line, headers, body) holding an HTML
/// page; `None` for other content types.
fn http_response_page(
    ing: &Ingestor,
    uri: &str,
    block: &[u8],
) -> Result<Option<HtmlBody>, (String, String)> {
    let split = decode_find(block, b"\r\n\r\n")
        .map(|p| (p, 4))
        .or_else(|| decode_find(block, b"\n\n").map(|p| (p, 2)));
    let Some((head_len, sep)) = split else {
        return Err((uri.to_string(), "HTTP response without a header end".into()));
    };
    let head = String::from_utf8_lossy(block.get(..head_len).unwrap_or(&[])).to_ascii_lowercase();
    let body = block.get(head_len + sep..).unwrap_or(&[]);
    let header = |name: &str| {
        head.lines().skip(1).find_map(|l| {
            l.split_once(':')
                .filter(|(n, _)| n.trim() == name)
                .map(|(_, v)| v.trim().to_string())
        })
    };
    let content_type = header("content-type").unwrap_or_default();
    if !content_type.is_empty() && !content_type.contains("html") {
        return Ok(None);
    }
    let charset = content_type.split(';').find_map(|p| {
        p.trim()
            .strip_prefix("charset=")
            .map(|c| c.trim_matches('"').to_string())
    });
    let dechunked;
    let body = if header("transfer-encoding").is_some_and(|t| t.contains("chunked")) {
        dechunked = dechunk(body);
        &dechunked[..]
    } else {
        body
    };
    let gunzipped;
    let body = if decode::is_gzip(body) {
        gunzipped = decode::gunzip(body, ing.config.max_bytes)
            .map_err(|e| (uri.to_string(), e.to_string()))?;
        &gunzipped[..]
    } else {
        body
    };
    Ok(Some((body.to_vec(), charset)))
}

fn decode_find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Removes HTTP chunked transfer framing (best effort: stops at the first bad chunk).
fn dechunk(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut rest = body;
    while let Some(line_end) = decode_find(rest, b"\r\n") {
        let size_text = String::from_utf8_lossy(rest.get(..line_end).unwrap_or(&[])).to_string();
        let size_text = size_text.split(';').next().unwrap_or("").trim().to_string();
        let Ok(size) = usize::from_str_radix(&size_text, 16) else {
            break;
        };
        if size == 0 {
            break;
        }
        let start = line_end + 2;
        let Some(chunk) = rest.get(start..start.saturating_add(size)) else {
            out.extend_from_slice(rest.get(start..).unwrap_or(&[]));
            break;
        };
        out.extend_from_slice(chunk);
        rest = rest.get(start + size..).unwrap_or(&[]);
        rest = rest.strip_prefix(b"\r\n").unwrap_or(rest);
    }
    out
}
