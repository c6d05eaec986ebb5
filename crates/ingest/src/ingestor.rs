//! The [`Ingestor`]: walks files, directories and stdin in a reproducible order and turns
//! each input into [`IngestEvent`]s (documents, failures, skips), one bad input never
//! stopping the run.

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use stancegraph_core::Document;

use crate::ordered::{ExtractOptions, ReadState};
use crate::{
    decode, files, format_from_name, readers, sniff_format, Format, IngestConfig, IngestError,
};

/// Where documents come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A file, or a directory walked recursively through the include/exclude globs.
    Path(PathBuf),
    /// Standard input, read whole (up to `max_bytes`); its source name is `-`.
    Stdin,
}

/// One outcome of reading.
#[derive(Debug)]
pub enum IngestEvent {
    /// A clean document, ready for the stage chain.
    Document(Box<Document>),
    /// The input could not be turned into a document.
    Failed {
        /// The document's id when known, else where it was read (path, `path:line`, `-`).
        id: String,
        /// The input it came from (path, URL or `-` for stdin).
        source: String,
        /// Why it failed, in words for the `failed.jsonl` record.
        reason: String,
    },
    /// The input was read but deliberately not processed (duplicate, other language).
    Skipped {
        /// The document's id, or the path when it was skipped before being read.
        id: String,
        /// The input it came from (path, URL or `-` for stdin).
        source: String,
        /// Why it was skipped, in words for the `skipped.jsonl` record.
        reason: String,
    },
}

/// Reads inputs according to an [`IngestConfig`].
#[derive(Debug, Clone)]
pub struct Ingestor {
    pub(crate) config: IngestConfig,
    include: Vec<glob::Pattern>,
    exclude: Vec<glob::Pattern>,
}

impl Ingestor {
    /// Compiles the include and exclude globs; fails on a bad pattern.
    pub fn new(config: IngestConfig) -> Result<Self, IngestError> {
        let compile = |patterns: &[String]| {
            patterns
                .iter()
                .map(|p| {
                    glob::Pattern::new(p).map_err(|e| IngestError::Glob {
                        pattern: p.clone(),
                        message: e.to_string(),
                    })
                })
                .collect::<Result<Vec<_>, _>>()
        };
        Ok(Ingestor {
            include: compile(&config.include)?,
            exclude: compile(&config.exclude)?,
            config,
        })
    }

    /// The `[source]` settings this ingestor reads with.
    pub fn config(&self) -> &IngestConfig {
        &self.config
    }

    /// Reads every input in order, calling `emit` for each event; stops early when
    /// `emit` returns `Break` (e.g. on Ctrl-C). Directories are walked recursively in
    /// sorted order so runs are reproducible. Duplicates are detected across the inputs
    /// of one call.
    pub fn read(&self, inputs: &[Input], emit: &mut dyn FnMut(IngestEvent) -> ControlFlow<()>) {
        self.read_with(inputs, ExtractOptions::default(), emit)
    }

    /// [`Ingestor::read`], with HTML extraction on `options.threads` threads of its own
    /// and a time budget per page. Events still arrive in input order.
    pub fn read_with(
        &self,
        inputs: &[Input],
        options: ExtractOptions,
        emit: &mut dyn FnMut(IngestEvent) -> ControlFlow<()>,
    ) {
        let mut state = ReadState::new(self, options, emit);
        for input in inputs {
            let flow = match input {
                Input::Stdin => {
                    let mut raw = Vec::new();
                    let limit = self.config.max_bytes.saturating_add(1);
                    match std::io::Read::read_to_end(
                        &mut std::io::Read::take(std::io::stdin().lock(), limit),
                        &mut raw,
                    ) {
                        Ok(_) => self.read_bytes_with("-", self.config.format, &raw, &mut state),
                        Err(e) => state.emit(failed("-", "-", format!("reading stdin: {e}"))),
                    }
                }
                Input::Path(path) if path.is_dir() => self.read_dir(path, &mut state),
                Input::Path(path) => self.read_file(path, &mut state),
            };
            if flow.is_break() {
                return;
            }
        }
        let _ = state.drain();
    }

    /// Reads one in-memory input named `source` (a path or URL, used for ids and
    /// messages). The entry point of the fuzz targets.
    pub fn read_bytes(
        &self,
        source: &str,
        format: Format,
        raw: &[u8],
        emit: &mut dyn FnMut(IngestEvent) -> ControlFlow<()>,
    ) -> ControlFlow<()> {
        let mut state = ReadState::new(self, ExtractOptions::default(), emit);
        self.read_bytes_with(source, format, raw, &mut state)?;
        state.drain()
    }

    fn read_dir(&self, dir: &Path, state: &mut ReadState<'_>) -> ControlFlow<()> {
        let walker = walkdir::WalkDir::new(dir)
            .sort_by_file_name()
            .follow_links(true);
        for entry in walker {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    let path = e
                        .path()
                        .map(|p| p.display().to_string())
                        .unwrap_or_else(|| dir.display().to_string());
                    state.emit(failed(&path, &path, e.to_string()))?;
                    continue;
                }
            };
            let relative = entry.path().strip_prefix(dir).unwrap_or(entry.path());
            match files::irregular_kind(entry.file_type()) {
                None if self.wanted(relative) => self.read_file(entry.path(), state)?,
                Some("directory") | None => {}
                // A device, FIFO or socket that would have been read: say why it is not.
                Some(kind) if self.wanted(relative) => {
                    let source = entry.path().display().to_string();
                    state.emit(IngestEvent::Skipped {
                        id: source.clone(),
                        source,
                        reason: files::not_regular_reason(kind),
                    })?
                }
                Some(_) => {}
            }
        }
        ControlFlow::Continue(())
    }

    fn wanted(&self, relative: &Path) -> bool {
        let options = glob::MatchOptions {
            require_literal_separator: false,
            ..Default::default()
        };
        let name = relative.file_name().map(Path::new).unwrap_or(relative);
        let matches = |p: &glob::Pattern| {
            p.matches_path_with(relative, options) || p.matches_path_with(name, options)
        };
        (self.include.is_empty() || self.include.iter().any(matches))
            && !self.exclude.iter().any(matches)
    }

    fn read_file(&self, path: &Path, state: &mut ReadState<'_>) -> ControlFlow<()> {
        let source = path.display().to_string();
        let format = match self.config.format {
            Format::Auto => format_from_name(&source),
            given => given,
        };
        let (file, size) = match files::open_regular(path) {
            Ok(opened) => opened,
            Err(files::OpenError::NotRegular(kind)) => {
                return state.emit(IngestEvent::Skipped {
                    id: source.clone(),
                    source: source.clone(),
                    reason: files::not_regular_reason(kind),
                })
            }
            Err(files::OpenError::Io(e)) => {
                return state.emit(failed(&source, &source, e.to_string()))
            }
        };
        match format {
            // Archives and JSONL hold many documents, read as streams: the limit applies
            // to each of them.
            Format::Warc => readers::read_warc_file(self, &source, file, state),
            Format::Jsonl => readers::read_jsonl_file(self, &source, file, state),
            _ if size > self.config.max_bytes => state.emit(failed(
                &source,
                &source,
                format!(
                    "{size} bytes is over the limit of {} (source.max_bytes)",
                    self.config.max_bytes
                ),
            )),
            _ => match files::read_bounded(file, self.config.max_bytes) {
                Ok(raw) => self.read_bytes_with(&source, format, &raw, state),
                Err(e) => state.emit(failed(&source, &source, e.to_string())),
            },
        }
    }

    fn read_bytes_with(
        &self,
        source: &str,
        format: Format,
        raw: &[u8],
        state: &mut ReadState<'_>,
    ) -> ControlFlow<()> {
        let decompressed;
        let raw = if decode::is_gzip(raw) {
            match decode::gunzip(raw, self.config.max_bytes) {
                Ok(bytes) => {
                    decompressed = bytes;
                    &decompressed[..]
                }
                Err(e) => return state.emit(failed(source, source, e.to_string())),
            }
        } else {
            raw
        };
        if raw.len() as u64 > self.config.max_bytes
            && !matches!(format, Format::Warc | Format::Jsonl)
        {
            return state.emit(failed(
                source,
                source,
                format!(
                    "{} bytes is over the limit of {} (source.max_bytes)",
                    raw.len(),
                    self.config.max_bytes
                ),
            ));
        }
        let format = match format {
            Format::Auto => sniff_format(raw),
            given => given,
        };
        match format {
            Format::Html => {
                let (max_bytes, owned_source, raw) =
                    (self.config.max_bytes, source.to_string(), raw.to_vec());
                state.extract(
                    source.to_string(),
                    source.to_string(),
                    Box::new(move || {
                        readers::html_document(max_bytes, &owned_source, None, &raw, None)
                    }),
                )
            }
            Format::Jsonl => readers::read_jsonl(self, source, raw, state),
            Format::Feed => readers::read_feed(self, source, raw, state),
            Format::Warc => readers::read_warc_bytes(self, source, raw, state),
            Format::Text | Format::Auto => {
                let event = readers::text_document(self, source, None, raw, Default::default());
                state.finish(event)
            }
        }
    }
}

pub(crate) fn failed(id: &str, source: &str, reason: String) -> IngestEvent {
    IngestEvent::Failed {
        id: id.to_string(),
        source: source.to_string(),
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(ingestor: &Ingestor, inputs: &[Input]) -> Vec<IngestEvent> {
        let mut events = Vec::new();
        ingestor.read(inputs, &mut |e| {
            events.push(e);
            ControlFlow::Continue(())
        });
        events
    }

    #[test]
    fn reads_directories_in_order_and_reports_bad_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("b.txt"), "Second story.").unwrap();
        std::fs::write(dir.path().join("a.txt"), "First story.").unwrap();
        std::fs::write(dir.path().join("c.txt"), b"\x00\x01\xff\xfe binary").unwrap();
        std::fs::write(dir.path().join("skip.md"), "not included").unwrap();
        let ingestor = Ingestor::new(IngestConfig::default()).unwrap();
        let events = collect(&ingestor, &[Input::Path(dir.path().to_path_buf())]);
        assert_eq!(events.len(), 3, "{events:?}");
        match (&events[0], &events[2]) {
            (IngestEvent::Document(doc), IngestEvent::Failed { reason, .. }) => {
                assert_eq!(doc.text(), "First story.");
                assert!(reason.contains("binary"), "{reason}");
            }
            other => panic!("unexpected events {other:?}"),
        }
    }

    fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(&mut encoder, bytes).unwrap();
        encoder.finish().unwrap()
    }

    const STORY: &str = "The city council of Leeds approved a new budget for schools on Tuesday after a long debate, and the mayor said the plan would help thousands of families across the region next year.";

    fn page(body: &str) -> String {
        format!(
            "<html lang=\"en\"><head><title>Budget Approved</title><meta property=\"article:published_time\" content=\"2024-03-05T10:00:00+01:00\"></head><body><nav>Home | News</nav><article><h1>Budget Approved</h1><p>{body}</p><h2>Reaction</h2><p>{body} Officials welcomed the vote.</p></article></body></html>"
        )
    }

    fn warc_record(uri: &str, html: &str) -> Vec<u8> {
        let http =
            format!("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{html}");
        let mut record = format!(
            "WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:{uri}>\r\nWARC-Target-URI: {uri}\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: {}\r\n\r\n",
            http.len()
        )
        .into_bytes();
        record.extend_from_slice(http.as_bytes());
        record.extend_from_slice(b"\r\n\r\n");
        record
    }

    #[test]
    fn html_pages_give_body_blocks_metadata_and_a_source_map() {
        let dir = tempfile::tempdir().unwrap();
        let html = page(STORY);
        write(dir.path(), "a.html", html.as_bytes());
        let ingestor = Ingestor::new(IngestConfig::default()).unwrap();
        let events = collect(&ingestor, &[Input::Path(dir.path().to_path_buf())]);
        let IngestEvent::Document(doc) = &events[0] else {
            panic!("{events:?}")
        };
        assert_eq!(doc.metadata.title.as_deref(), Some("Budget Approved"));
        assert_eq!(
            doc.metadata.published.as_deref(),
            Some("2024-03-05T09:00:00Z")
        );
        assert_eq!(doc.metadata.language.as_deref(), Some("en"));
        assert!(!doc.text().contains("Home"), "{}", doc.text());
        let kinds: Vec<_> = doc
            .blocks
            .iter()
            .map(|b| (b.kind, doc.slice(b.span)))
            .collect();
        assert_eq!(
            kinds[0],
            (stancegraph_core::BlockKind::Heading, "Budget Approved")
        );
        assert!(
            kinds.contains(&(stancegraph_core::BlockKind::Heading, "Reaction")),
            "{kinds:?}"
        );
        let start = doc.text().find("The city council").unwrap();
        let raw = doc.source_map.as_ref().unwrap().to_raw(start);
        assert!(html[raw..].starts_with("The city council"));
    }

    #[test]
    fn jsonl_bad_lines_fail_with_line_numbers_and_the_rest_continues() {
        let dir = tempfile::tempdir().unwrap();
        let other = STORY
            .replace("Leeds", "Bristol")
            .replace("schools", "roads and bridges in the old harbour district");
        let jsonl = format!(
            "{{\"id\":\"one\",\"text\":\"{STORY}\",\"title\":\"T\",\"date\":\"March 5, 2024\",\"outlet\":\"Daily\"}}\n{{broken\n\n[1,2]\n{{\"id\":\"x\"}}\n{{\"id\":\"two\",\"text\":\"{other}\"}}\n"
        );
        write(dir.path(), "feed.jsonl", jsonl.as_bytes());
        let ingestor = Ingestor::new(IngestConfig::default()).unwrap();
        let events = collect(&ingestor, &[Input::Path(dir.path().to_path_buf())]);
        assert_eq!(events.len(), 5, "{events:?}");
        let IngestEvent::Document(doc) = &events[0] else {
            panic!("{events:?}")
        };
        assert_eq!(
            (
                doc.id.as_str(),
                doc.metadata.published.as_deref(),
                doc.metadata.outlet.as_deref()
            ),
            ("one", Some("2024-03-05"), Some("Daily"))
        );
        for (event, line) in events[1..4].iter().zip(["line 2:", "line 4:", "line 5:"]) {
            let IngestEvent::Failed { reason, .. } = event else {
                panic!("{event:?}")
            };
            assert!(reason.starts_with(line), "{reason}");
        }
        assert!(matches!(&events[4], IngestEvent::Document(doc) if doc.id == "two"));
    }

    #[test]
    fn duplicates_and_other_languages_are_skipped_with_reasons() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "a.txt", STORY.as_bytes());
        write(dir.path(), "b.txt", format!("{STORY}\n").as_bytes());
        write(dir.path(), "c.txt", "Der Stadtrat von Leeds hat am Dienstag nach einer langen Debatte einen neuen Haushalt für Schulen beschlossen, und der Bürgermeister sagte, der Plan werde vielen Familien helfen.".as_bytes());
        let ingestor = Ingestor::new(IngestConfig::default()).unwrap();
        let events = collect(&ingestor, &[Input::Path(dir.path().to_path_buf())]);
        let IngestEvent::Document(original) = &events[0] else {
            panic!("{events:?}")
        };
        match &events[1] {
            IngestEvent::Skipped { reason, .. } => {
                assert!(reason.contains(&original.id), "{reason}")
            }
            other => panic!("{other:?}"),
        }
        match &events[2] {
            IngestEvent::Skipped { reason, .. } => assert!(reason.contains("`de`"), "{reason}"),
            other => panic!("{other:?}"),
        }
        let keep_all = IngestConfig {
            skip_other_languages: false,
            dedup: false,
            ..IngestConfig::default()
        };
        let events = collect(
            &Ingestor::new(keep_all).unwrap(),
            &[Input::Path(dir.path().to_path_buf())],
        );
        assert!(events.iter().all(|e| matches!(e, IngestEvent::Document(_))));
    }

    #[test]
    fn warc_feeds_and_bad_archives() {
        let dir = tempfile::tempdir().unwrap();
        let mut warc = warc_record("https://example.org/a", &page(STORY));
        warc.extend(b"WARC/1.0\r\nWARC-Type: request\r\nContent-Length: 5\r\n\r\nGET /\r\n\r\n");
        let second = STORY.replace("Leeds", "York").replace(
            "schools",
            "a tram line through the centre of the old walled city",
        );
        warc.extend(warc_record("https://example.org/b", &page(&second)));
        write(dir.path(), "a.warc.gz", &gzip(&warc));
        // A multi-member archive whose second member is cut off.
        let mut truncated = gzip(&warc_record("https://example.org/a", &page(STORY)));
        let tail = gzip(&warc_record("https://example.org/z", &page(&second)));
        truncated.extend_from_slice(&tail[..tail.len() / 2]);
        write(dir.path(), "b.warc.gz", &truncated);
        let rss = format!("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Daily</title><item><title>Budget</title><link>https://example.org/c</link><description>&lt;p&gt;{}&lt;/p&gt;</description><pubDate>Tue, 05 Mar 2024 10:00:00 GMT</pubDate></item></channel></rss>", STORY.replace("Leeds", "Hull"));
        write(dir.path(), "c.rss", rss.as_bytes());
        let ingestor = Ingestor::new(IngestConfig::default()).unwrap();
        let events = collect(&ingestor, &[Input::Path(dir.path().to_path_buf())]);
        let ids: Vec<String> = events
            .iter()
            .map(|e| match e {
                IngestEvent::Document(d) => format!("doc {}", d.id),
                IngestEvent::Failed { reason, .. } => format!("failed {reason}"),
                IngestEvent::Skipped { reason, .. } => format!("skipped {reason}"),
            })
            .collect();
        assert_eq!(ids[0], "doc https://example.org/a", "{ids:?}");
        assert_eq!(ids[1], "doc https://example.org/b", "{ids:?}");
        // The truncated copy: its complete first record is a duplicate, then the failure.
        assert!(
            ids[2].starts_with("skipped exact duplicate of `https://example.org/a`"),
            "{ids:?}"
        );
        assert!(
            ids.iter()
                .any(|i| i.starts_with("failed WARC read stopped")),
            "{ids:?}"
        );
        let IngestEvent::Document(item) = events.last().unwrap() else {
            panic!("{ids:?}")
        };
        assert_eq!(
            item.metadata.published.as_deref(),
            Some("2024-03-05T10:00:00Z")
        );
        assert_eq!(item.metadata.outlet.as_deref(), Some("Daily"));
        assert!(
            item.text().starts_with("The city council of Hull"),
            "{}",
            item.text()
        );
    }

    #[test]
    fn oversized_nested_empty_and_bodyless_pages_fail_per_document() {
        let dir = tempfile::tempdir().unwrap();
        let big = format!(
            "<html><body><p>{}</p></body></html>",
            "word ".repeat(10 * 1024 * 1024)
        );
        write(dir.path(), "big.html", big.as_bytes());
        let nested = format!(
            "<html><body>{}deep{}</body></html>",
            "<div>".repeat(50_000),
            "</div>".repeat(50_000)
        );
        write(dir.path(), "nested.html", nested.as_bytes());
        write(
            dir.path(),
            "nobody.html",
            b"<html><head><title>Nothing</title></head></html>",
        );
        write(dir.path(), "empty.txt", b"");
        write(dir.path(), "latin1.txt", b"Jos\xe9 Mart\xednez, the caf\xe9 owner, said the new rules would hurt small businesses in the town.");
        let ingestor = Ingestor::new(IngestConfig::default()).unwrap();
        let events = collect(&ingestor, &[Input::Path(dir.path().to_path_buf())]);
        let reasons: Vec<String> = events
            .iter()
            .map(|e| match e {
                IngestEvent::Failed { source, reason, .. } => format!("{source}: {reason}"),
                IngestEvent::Document(d) => format!("doc {}", d.text()),
                IngestEvent::Skipped { reason, .. } => reason.clone(),
            })
            .collect();
        assert_eq!(reasons.len(), 5, "{reasons:?}");
        assert!(
            reasons[0].contains("big.html") && reasons[0].contains("over the limit"),
            "{reasons:?}"
        );
        assert!(
            reasons[1].contains("empty.txt") && reasons[1].contains("empty"),
            "{reasons:?}"
        );
        assert!(reasons[2].starts_with("doc José Martínez"), "{reasons:?}");
        assert!(
            reasons[3].contains("nested.html") && reasons[3].contains("nesting"),
            "{reasons:?}"
        );
        assert!(
            reasons[4].contains("nobody.html") && reasons[4].contains("no article"),
            "{reasons:?}"
        );
    }

    /// The fuzz targets' entry point on their seed corpora and deterministic mutations of
    /// them (byte flips, truncations, duplications): every input gives events, no panic.
    #[test]
    fn fuzz_corpus_and_mutations_never_panic() {
        let corpus = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../fuzz/corpus"));
        let config = IngestConfig {
            max_bytes: 1 << 20,
            ..IngestConfig::default()
        };
        let ingestor = Ingestor::new(config).unwrap();
        let mut seed: u64 = 0x5eed;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut runs = 0;
        for (dir, format) in [
            ("html", Format::Html),
            ("jsonl", Format::Jsonl),
            ("feed", Format::Feed),
            ("warc", Format::Warc),
        ] {
            let Ok(entries) = std::fs::read_dir(corpus.join(dir)) else {
                continue;
            };
            for entry in entries.flatten() {
                let original = std::fs::read(entry.path()).unwrap();
                for round in 0..150 {
                    let mut data = original.clone();
                    let len = data.len().max(1);
                    match round % 4 {
                        0 => data.truncate((next() as usize) % len),
                        1 => {
                            for _ in 0..4 {
                                let at = (next() as usize) % len;
                                if let Some(byte) = data.get_mut(at) {
                                    *byte = next() as u8;
                                }
                            }
                        }
                        2 => {
                            let at = (next() as usize) % len;
                            let piece = data[at..].to_vec();
                            data.splice(at..at, piece);
                        }
                        _ => data.insert(
                            (next() as usize) % len,
                            [b'<', b'>', b'\r', b'\n', b'"', 0x00, 0xff][round % 7],
                        ),
                    }
                    let mut events = 0;
                    let _ = ingestor.read_bytes("mutant", format, &data, &mut |_| {
                        events += 1;
                        ControlFlow::Continue(())
                    });
                    runs += 1;
                }
            }
        }
        assert!(runs >= 4 * 150, "fuzz corpus missing: {runs} runs");
    }
}
