//! The `[source]` table: which inputs are read, how, and which documents are kept.

use serde::{Deserialize, Serialize};

/// Field names of JSONL records (`[source.jsonl]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct JsonlFields {
    /// Document id; without it the id is the content hash of the text.
    pub id: String,
    /// Plain article text.
    pub text: String,
    /// An HTML page, extracted like an `.html` file when `text` is absent.
    pub html: String,
    /// Title; overrides one found in the HTML.
    pub title: String,
    /// Publication date, normalised to ISO 8601 when it parses (else kept as
    /// `published_raw` in the extra metadata).
    pub date: String,
    /// Address of the article; becomes the document's `source` instead of file:line.
    pub url: String,
    /// Publisher name; overrides one found in the HTML.
    pub outlet: String,
    /// Author name; overrides one found in the HTML.
    pub author: String,
}

impl Default for JsonlFields {
    fn default() -> Self {
        JsonlFields {
            id: "id".into(),
            text: "text".into(),
            html: "html".into(),
            title: "title".into(),
            date: "date".into(),
            url: "url".into(),
            outlet: "outlet".into(),
            author: "author".into(),
        }
    }
}

/// How to read an input. `auto` decides from the file name, then the content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// From the file extension, else by sniffing the first bytes; falls back to text.
    #[default]
    Auto,
    /// Plain text, one document per input.
    Text,
    /// An HTML page whose main body is extracted.
    Html,
    /// One JSON object per line, fields named by [`JsonlFields`]; one document a line.
    Jsonl,
    /// An RSS or Atom feed; one document per item or entry.
    Feed,
    /// A WARC archive (optionally gzipped); one document per HTTP `response` record.
    Warc,
}

/// The `[source]` table of a pipeline config.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct IngestConfig {
    /// Glob patterns (matched against paths inside input directories) to include.
    pub include: Vec<String>,
    /// Glob patterns to skip inside input directories.
    pub exclude: Vec<String>,
    /// Inputs (and documents, after decompression) larger than this are rejected.
    pub max_bytes: u64,
    /// Format of every input; `auto` decides per file.
    pub format: Format,
    /// Documents whose text has fewer characters than this are rejected as empty.
    pub min_chars: usize,
    /// Languages kept (ISO 639-1); others are flagged in `metadata.language`.
    pub languages: Vec<String>,
    /// Skip documents reliably identified as another language than `languages`.
    pub skip_other_languages: bool,
    /// Skip exact and near duplicates of earlier documents of the run.
    pub dedup: bool,
    /// Estimated Jaccard similarity of word 3-shingles (MinHash) from which a document
    /// is a near duplicate of an earlier one; 0 turns near-duplicate detection off.
    pub near_duplicate_similarity: f32,
    /// Which JSONL record fields hold the text and metadata (`[source.jsonl]`).
    pub jsonl: JsonlFields,
}

impl Default for IngestConfig {
    fn default() -> Self {
        IngestConfig {
            include: [
                "*.txt",
                "*.html",
                "*.htm",
                "*.html.gz",
                "*.htm.gz",
                "*.jsonl",
                "*.rss",
                "*.atom",
                "*.warc",
                "*.warc.gz",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect(),
            exclude: Vec::new(),
            max_bytes: 20 * 1024 * 1024,
            format: Format::Auto,
            min_chars: 1,
            languages: vec!["en".into()],
            skip_other_languages: true,
            dedup: true,
            near_duplicate_similarity: 0.7,
            jsonl: JsonlFields::default(),
        }
    }
}
