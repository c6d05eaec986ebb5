use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{
    error::CoreError, layer::Layer, layers::*, offsets::CodepointIndex, span::MapSpans, Span,
};

/// Version of the documents JSONL schema (bumped when a field changes meaning).
pub const SCHEMA_VERSION: u32 = 1;
/// Value of `offsets` in exported documents: spans count Unicode code points.
pub const OFFSETS_CODEPOINT: &str = "codepoint";
const OFFSETS_BYTE: &str = "byte";

/// What is known about a document besides its text.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Metadata {
    /// File path or URL the document was read from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Headline.
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Publishing outlet, e.g. `BBC News`.
    pub outlet: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Author or byline.
    pub author: Option<String>,
    /// Publication date, ISO 8601 (`2025-10-11` or `2025-10-11T09:30:00Z`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    /// ISO 639-1 language code, e.g. `en`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Where the story was filed from, as its dateline writes it (`WASHINGTON`, `KUALA
    /// LUMPUR, Malaysia`); set by `text.tokenize` when a reader gave none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dateline_place: Option<String>,
    /// The wire service or outlet the dateline credits (`AP`, `Reuters`, `CNN`); set by
    /// `text.tokenize` when a reader gave none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dateline_credit: Option<String>,
    /// Anything else a reader found (feed categories, WARC record id, ...).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extra: BTreeMap<String, String>,
}

/// Which stage produced which layers, with what configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    /// Registered factory name, e.g. `quotes.rules`.
    pub stage: String,
    /// Version of the stage implementation.
    pub version: String,
    /// SHA-256 (hex, 16 chars) of the stage's resolved configuration.
    pub config_hash: String,
    /// Names of the layers the stage wrote (`quotes`, `ext:issues`).
    pub layers: Vec<String>,
}

/// One article: immutable text plus stand-off annotation layers.
///
/// The text can only be set at construction; stages add annotations that point into it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// Document id: given by the source, or the content hash of the text.
    pub id: String,
    #[serde(default)]
    /// What is known about the document besides its text.
    pub metadata: Metadata,
    text: Arc<str>,
    /// `byte` in memory; `codepoint` in exported JSON.
    #[serde(default = "default_offsets")]
    offsets: String,
    #[serde(default = "default_schema")]
    /// Version of the documents JSONL schema ([`SCHEMA_VERSION`]).
    pub schema: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Offsets of the text in the raw input (file or HTML page), when they differ.
    pub source_map: Option<SourceMap>,
    #[serde(default)]
    /// Text blocks (lines, paragraphs) with their kind: `ingest.blocks`.
    pub blocks: Vec<Block>,
    #[serde(default)]
    /// Sentence spans, in order: `text.tokenize`.
    pub sentences: Vec<Sentence>,
    #[serde(default)]
    /// Tokens of every sentence, in order: `text.tokenize`; tags from `text.pos` and `text.parse`.
    pub tokens: Vec<Token>,
    #[serde(default)]
    /// Entity mentions: `entities.ner` (linked to entities by `entities.resolve`).
    pub mentions: Vec<Mention>,
    #[serde(default)]
    /// Actors: mentions resolved into entities by `entities.resolve`.
    pub entities: Vec<Entity>,
    #[serde(default)]
    /// Attributed quotes: `quotes.attribution`.
    pub quotes: Vec<Quote>,
    #[serde(default)]
    /// Relations between actors: `entities.resolve` (hierarchy) and `relations.rules`.
    pub relations: Vec<Relation>,
    #[serde(default)]
    /// Stances of holders toward actors or issues: `relations.rules`.
    pub stances: Vec<Stance>,
    /// Plugin layers by namespace. A plugin stores its spans as code point offsets
    /// (see [`Document::export_span`]) since the core cannot know where they are.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extensions: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    /// Which stage wrote which layers, with what configuration (recorded by the runner).
    pub provenance: Vec<Provenance>,
}

fn default_offsets() -> String {
    OFFSETS_CODEPOINT.to_string()
}

fn default_schema() -> u32 {
    SCHEMA_VERSION
}

impl Document {
    /// A document with the given id, or the content hash of `text` when `id` is `None`.
    pub fn new(id: Option<String>, text: impl Into<Arc<str>>, metadata: Metadata) -> Self {
        let text: Arc<str> = text.into();
        let id = match id {
            Some(id) if !id.trim().is_empty() => id,
            _ => content_id(&text),
        };
        Document {
            id,
            metadata,
            text,
            offsets: OFFSETS_BYTE.to_string(),
            schema: SCHEMA_VERSION,
            source_map: None,
            blocks: Vec::new(),
            sentences: Vec::new(),
            tokens: Vec::new(),
            mentions: Vec::new(),
            entities: Vec::new(),
            quotes: Vec::new(),
            relations: Vec::new(),
            stances: Vec::new(),
            extensions: BTreeMap::new(),
            provenance: Vec::new(),
        }
    }

    /// The document's text (immutable).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The text under a span; empty when the span does not fit the text.
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.start..span.end).unwrap_or("")
    }

    /// A span checked against this document's text.
    pub fn span(&self, start: usize, end: usize) -> Result<Span, CoreError> {
        Span::checked(&self.text, start, end)
    }

    /// A span converted to code point offsets, for extension layers and exports.
    pub fn export_span(&self, span: Span) -> Span {
        CodepointIndex::new(&self.text).span_to_chars(span)
    }

    /// Number of whitespace-separated words, for throughput statistics.
    pub fn word_count(&self) -> usize {
        self.text.split_whitespace().count()
    }

    /// Checks every span of every layer against the text and cross-references
    /// (token heads, mention entities). Stages' output is checked with this.
    pub fn validate(&mut self) -> Result<(), CoreError> {
        let text = Arc::clone(&self.text);
        let doc = self.id.clone();
        for (layer, result) in self.walk_layers(&mut |span| {
            span.validate(&text)?;
            Ok(span)
        }) {
            if let Err(CoreError::InvalidSpan { start, end, reason }) = result {
                return Err(CoreError::InvalidLayerSpan {
                    doc,
                    layer,
                    start,
                    end,
                    reason,
                });
            }
            result?;
        }
        let tokens = self.tokens.len();
        if let Some(bad) = self
            .tokens
            .iter()
            .find(|t| t.head.is_some_and(|h| h as usize >= tokens))
        {
            return Err(CoreError::InvalidDocument {
                doc,
                message: format!(
                    "token at {}..{} has head {:?} past the last token",
                    bad.span.start, bad.span.end, bad.head
                ),
            });
        }
        let sentences = self.sentences.len();
        if let Some(bad) = self
            .tokens
            .iter()
            .find(|t| t.sentence as usize >= sentences && sentences > 0)
        {
            return Err(CoreError::InvalidDocument {
                doc,
                message: format!(
                    "token at {}..{} points at sentence {} of {}",
                    bad.span.start, bad.span.end, bad.sentence, sentences
                ),
            });
        }
        let ids: std::collections::HashSet<&str> =
            self.entities.iter().map(|e| e.id.as_str()).collect();
        if let Some(bad) = self
            .mentions
            .iter()
            .find(|m| m.entity.as_deref().is_some_and(|e| !ids.contains(e)))
        {
            return Err(CoreError::InvalidDocument {
                doc,
                message: format!(
                    "mention at {}..{} refers to unknown entity {:?}",
                    bad.span.start, bad.span.end, bad.entity
                ),
            });
        }
        Ok(())
    }

    /// A copy with every span in code point offsets, ready to serialise.
    pub fn to_export(&self) -> Document {
        let mut out = self.clone();
        if self.offsets == OFFSETS_CODEPOINT {
            return out;
        }
        let index = CodepointIndex::new(&self.text);
        for (_, result) in out.walk_layers(&mut |span| Ok(index.span_to_chars(span))) {
            // Conversion to code points cannot fail for spans on char boundaries.
            debug_assert!(result.is_ok());
        }
        out.offsets = OFFSETS_CODEPOINT.to_string();
        out
    }

    /// Serialises the exported (code point) form as one JSON line.
    pub fn to_json_line(&self) -> Result<String, CoreError> {
        Ok(serde_json::to_string(&self.to_export())?)
    }

    /// Reads a document in exported form (code point offsets) back into memory form,
    /// validating every span. Used by the exec protocol and incremental runs.
    pub fn from_export(json: &str) -> Result<Document, CoreError> {
        let mut doc: Document = serde_json::from_str(json)?;
        if doc.offsets == OFFSETS_CODEPOINT {
            let index = CodepointIndex::new(&doc.text);
            let id = doc.id.clone();
            for (layer, result) in doc.walk_layers(&mut |span| index.span_to_bytes(span)) {
                if let Err(CoreError::InvalidSpan { start, end, reason }) = result {
                    return Err(CoreError::InvalidLayerSpan {
                        doc: id,
                        layer,
                        start,
                        end,
                        reason,
                    });
                }
                result?;
            }
        } else if doc.offsets != OFFSETS_BYTE {
            return Err(CoreError::InvalidDocument {
                doc: doc.id,
                message: format!("unknown offsets `{}` (expected `codepoint`)", doc.offsets),
            });
        }
        doc.offsets = OFFSETS_BYTE.to_string();
        doc.validate()?;
        Ok(doc)
    }

    /// Records that `stage` produced `layers` (replacing an earlier record of the same stage).
    pub fn record_provenance(&mut self, provenance: Provenance) {
        self.provenance.retain(|p| p.stage != provenance.stage);
        self.provenance.push(provenance);
    }

    /// Applies `f` to every span of every standard layer, returning one result per layer.
    fn walk_layers(
        &mut self,
        f: &mut dyn FnMut(Span) -> Result<Span, CoreError>,
    ) -> Vec<(Layer, Result<(), CoreError>)> {
        vec![
            (Layer::Blocks, self.blocks.map_spans(f)),
            (Layer::Sentences, self.sentences.map_spans(f)),
            (Layer::Tokens, self.tokens.map_spans(f)),
            (Layer::Mentions, self.mentions.map_spans(f)),
            (Layer::Entities, self.entities.map_spans(f)),
            (Layer::Quotes, self.quotes.map_spans(f)),
            (Layer::Relations, self.relations.map_spans(f)),
            (Layer::Stances, self.stances.map_spans(f)),
        ]
    }

    /// Sentences that belong to the article body or headings, in order. Boilerplate
    /// never becomes a sentence, so this is every sentence.
    pub fn sentence_tokens(&self, sentence: usize) -> &[Token] {
        let start = self
            .tokens
            .partition_point(|t| (t.sentence as usize) < sentence);
        let end = self
            .tokens
            .partition_point(|t| (t.sentence as usize) <= sentence);
        &self.tokens[start..end]
    }

    /// Index range of the tokens of `sentence` within `tokens`.
    pub fn sentence_token_range(&self, sentence: usize) -> std::ops::Range<usize> {
        let start = self
            .tokens
            .partition_point(|t| (t.sentence as usize) < sentence);
        let end = self
            .tokens
            .partition_point(|t| (t.sentence as usize) <= sentence);
        start..end
    }

    /// Whether token `i` names the subject of its clause: its dependency relation is
    /// `nsubj` or `nsubj:pass`, or it is a name part or apposition of a subject ("Senate
    /// Judiciary Chairman Lindsey Graham", where a parser may make "Chairman" the subject
    /// and "Graham" its apposition). False when unparsed.
    pub fn is_subject(&self, i: usize) -> bool {
        self.names_a(i, |d| d.starts_with("nsubj"))
    }

    /// Whether token `i` names the object of a verb or preposition (`obj`, `iobj`, `obl`),
    /// itself or as a name part or apposition of one ("praised Robert | Jones"). False when
    /// unparsed.
    pub fn is_object(&self, i: usize) -> bool {
        self.names_a(i, |d| matches!(d, "obj" | "iobj" | "obl"))
    }

    /// Whether token `i`, or the head it is a name part or apposition of, has a dependency
    /// relation `role` accepts.
    fn names_a(&self, i: usize, role: impl Fn(&str) -> bool) -> bool {
        let plays = |t: &Token| t.deprel.as_deref().is_some_and(&role);
        let Some(token) = self.tokens.get(i) else {
            return false;
        };
        if plays(token) {
            return true;
        }
        let part = matches!(token.deprel.as_deref(), Some("appos" | "flat" | "compound"));
        part && token
            .head
            .and_then(|h| self.tokens.get(h as usize))
            .is_some_and(plays)
    }

    /// The block containing a byte offset, if blocks were computed.
    pub fn block_at(&self, byte: usize) -> Option<&Block> {
        let i = self.blocks.partition_point(|b| b.span.end <= byte);
        self.blocks.get(i).filter(|b| b.span.start <= byte)
    }
}

/// Stable id from content: the first 16 hex digits of the SHA-256 of the text.
pub fn content_id(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sample() -> Document {
        let mut doc = Document::new(None, "“Hi,” said Xi. Ünïcode ok.", Metadata::default());
        let hi = doc.text().find("Hi").unwrap();
        let xi = doc.text().find("Xi").unwrap();
        doc.quotes.push(Quote {
            id: "Q1".into(),
            content: Span::new(hi, hi + 3),
            cue: None,
            source: Some(Span::new(xi, xi + 2)),
            speaker: ActorRef::Unresolved { text: "Xi".into() },
            kind: QuoteKind::Direct,
            class: Default::default(),
            stage: "test".into(),
            confidence: 0.9,
        });
        doc
    }

    #[test]
    fn subjects_and_objects_count_their_name_parts() {
        // "Lee praised Robert Jones": Lee the subject; Jones a flat part of the object Robert.
        let mut doc = Document::new(None, "Lee praised Robert Jones", Metadata::default());
        for (start, end, head, deprel) in [
            (0, 3, Some(1), "nsubj"),
            (4, 11, None, "root"),
            (12, 18, Some(1), "obj"),
            (19, 24, Some(2), "flat"),
        ] {
            doc.tokens.push(Token {
                span: Span::new(start, end),
                head,
                deprel: Some(deprel.into()),
                ..Token::default()
            });
        }
        assert!(doc.is_subject(0) && !doc.is_object(0));
        assert!(doc.is_object(2) && doc.is_object(3) && !doc.is_subject(3));
        assert!(!doc.is_object(1) && !doc.is_object(9));
    }

    #[test]
    fn id_defaults_to_content_hash_and_is_stable() {
        let a = Document::new(None, "same text", Metadata::default());
        let b = Document::new(Some(" ".into()), "same text", Metadata::default());
        assert_eq!(a.id, b.id);
        assert_eq!(a.id.len(), 16);
        assert_eq!(
            Document::new(Some("given".into()), "same text", Metadata::default()).id,
            "given"
        );
    }

    #[test]
    fn export_uses_code_points_and_round_trips() {
        let doc = sample();
        let line = doc.to_json_line().unwrap();
        let value: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(value["offsets"], "codepoint");
        // "“" is one code point but three bytes: "Hi" starts at code point 1.
        assert_eq!(value["quotes"][0]["content"]["start"], 1);
        let back = Document::from_export(&line).unwrap();
        assert_eq!(back, doc);
    }

    #[test]
    fn from_export_rejects_spans_past_the_text() {
        let mut value: serde_json::Value =
            serde_json::from_str(&sample().to_json_line().unwrap()).unwrap();
        value["quotes"][0]["content"]["end"] = 1000.into();
        let err = Document::from_export(&value.to_string()).unwrap_err();
        assert!(err.to_string().contains("quotes"), "{err}");
    }

    proptest! {
        // Law: validation accepts exactly the ordered, in-range, char-boundary spans, and
        // never panics on arbitrary offsets.
        #[test]
        fn span_validation_matches_definition(text in "\\PC{0,30}", start in 0usize..120, end in 0usize..120) {
            let ok = start <= end && end <= text.len() && text.is_char_boundary(start) && text.is_char_boundary(end);
            prop_assert_eq!(Span::checked(&text, start, end).is_ok(), ok);
            let mut doc = Document::new(None, text.as_str(), Metadata::default());
            doc.sentences.push(Sentence { span: Span::new(start, end), kind: SentenceKind::Body, stage: "t".into(), confidence: 1.0 });
            prop_assert_eq!(doc.validate().is_ok(), ok);
            if ok {
                let line = doc.to_json_line().unwrap();
                prop_assert_eq!(Document::from_export(&line).unwrap(), doc);
            }
        }

        // Law: exported offsets never fail to import, whatever code points they are given.
        #[test]
        fn import_of_arbitrary_codepoint_spans_never_panics(text in "\\PC{0,30}", start in 0usize..60, end in 0usize..60) {
            let mut doc = Document::new(None, text.as_str(), Metadata::default());
            doc.sentences.push(Sentence { span: Span::new(0, 0), kind: SentenceKind::Body, stage: "t".into(), confidence: 1.0 });
            let mut value: serde_json::Value = serde_json::from_str(&doc.to_json_line().unwrap()).unwrap();
            value["sentences"][0]["span"] = serde_json::json!({"start": start, "end": end});
            let chars = text.chars().count();
            prop_assert_eq!(Document::from_export(&value.to_string()).is_ok(), start <= end && end <= chars);
        }
    }
}
