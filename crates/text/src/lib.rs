//! The linguistic core of stancegraph: tokenizer, sentence splitter, POS tagger,
//! lemmatizer and dependency parser for English news, in pure Rust.
//!
//! Every later stage (entities, quotes, relations, stances) reads the tokens, sentences,
//! tags and trees made here, and no Rust crate ships trained English models, so this
//! crate trains its own on UD English EWT and ships them under `data/models/text/`.
//!
//! - Stages: `text.tokenize` (sentences + tokens), `text.pos` (UPOS, PTB tags, lemmas),
//!   `text.parse` (UD dependencies); see [`register`].
//! - [`Analyzer`] runs all three with the shipped models, for tests and tools:
//!   `Analyzer::load(&default_data_dir())?.annotate(&mut doc)?`.
//! - Training and scoring: [`train_tagger`], [`train_parser`], [`evaluate`].

#![deny(missing_docs)]

mod conllu;
mod dateline;
mod error;
mod eval;
mod lemma;
mod parser;
mod sentences;
mod stage;
mod tagger;
mod tokenize;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use stancegraph_core::Document;

pub use conllu::{
    parse_conllu, raw_text, read_conllu, MultiwordToken, RawTreebank, TreebankSentence, Word,
};
pub use dateline::{read_dateline, Dateline};
pub use error::TextError;
pub use eval::{evaluate, prune_parser, tagged_examples, train_parser, train_tagger, Scores};
pub use lemma::Lemmatizer;
pub use parser::{Parse, Parser, ParserExample, ParserOptions};
pub use sentences::{segment, split_sentences};
pub use stage::{register, ParseConfig, PosConfig, TokenizeConfig};
pub use tagger::{Tagger, TaggerOptions};
pub use tokenize::{is_abbreviation, is_separator, tokenize, tokenize_into};

/// Name recorded on sentences made by the tokenizer stage.
pub const TOKENIZE_STAGE: &str = "text.tokenize";
/// Default path of the tagger model, relative to the data directory.
pub const DEFAULT_POS_MODEL: &str = "models/text/pos.bin";
/// Default path of the parser model, relative to the data directory.
pub const DEFAULT_PARSER_MODEL: &str = "models/text/parser.bin";
/// Sentences longer than this are cut, so that tagging and parsing stay linear.
pub const DEFAULT_MAX_SENTENCE_TOKENS: usize = 400;

/// The project's `data/` directory (where the shipped models live), from this crate's
/// source location.
pub fn default_data_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../data"))
}

type Cache<T> = OnceLock<Mutex<HashMap<PathBuf, Arc<T>>>>;
static TAGGERS: Cache<Tagger> = OnceLock::new();
static PARSERS: Cache<Parser> = OnceLock::new();

fn cached<T>(
    cache: &'static Cache<T>,
    path: &Path,
    load: fn(&Path) -> Result<T, TextError>,
) -> Result<Arc<T>, TextError> {
    let map = cache.get_or_init(Default::default);
    if let Some(model) = map.lock().ok().and_then(|m| m.get(path).cloned()) {
        return Ok(model);
    }
    let model = Arc::new(load(path)?);
    if let Ok(mut m) = map.lock() {
        m.insert(path.to_path_buf(), Arc::clone(&model));
    }
    Ok(model)
}

/// Loads a tagger model once per process (stages and analyzers share it).
pub fn load_tagger(path: &Path) -> Result<Arc<Tagger>, TextError> {
    cached(&TAGGERS, path, Tagger::load)
}

/// Loads a parser model once per process.
pub fn load_parser(path: &Path) -> Result<Arc<Parser>, TextError> {
    cached(&PARSERS, path, Parser::load)
}

/// Tokenizer, splitter, tagger and parser in one, with the shipped models.
#[derive(Clone)]
pub struct Analyzer {
    /// The POS tagger and lemmatizer (shared: models are loaded once per process).
    pub tagger: Arc<Tagger>,
    /// The dependency parser (shared: models are loaded once per process).
    pub parser: Arc<Parser>,
    /// Sentences longer than this many tokens are cut ([`DEFAULT_MAX_SENTENCE_TOKENS`]).
    pub max_sentence_tokens: usize,
}

impl Analyzer {
    /// Loads the models shipped under `data_dir/models/text/`.
    pub fn load(data_dir: &Path) -> Result<Analyzer, TextError> {
        Ok(Analyzer {
            tagger: load_tagger(&data_dir.join(DEFAULT_POS_MODEL))?,
            parser: load_parser(&data_dir.join(DEFAULT_PARSER_MODEL))?,
            max_sentence_tokens: DEFAULT_MAX_SENTENCE_TOKENS,
        })
    }

    /// Replaces the document's sentences and tokens, then tags, lemmatizes and parses them.
    pub fn annotate(&self, doc: &mut Document) -> Result<(), TextError> {
        tokenize_document(doc, self.max_sentence_tokens);
        tag_document(&self.tagger, doc);
        parse_document(&self.parser, doc);
        Ok(())
    }
}

/// Sets the document's sentences and tokens (see [`segment`]), and the metadata's
/// `dateline_place` and `dateline_credit` from the first dateline where a reader set
/// neither.
pub fn tokenize_document(doc: &mut Document, max_sentence_tokens: usize) {
    let (sentences, tokens) = segment(doc, TOKENIZE_STAGE, max_sentence_tokens);
    doc.sentences = sentences;
    doc.tokens = tokens;
    fill_dateline_metadata(doc);
}

/// The place and credit of the document's first dateline sentence, into its metadata.
fn fill_dateline_metadata(doc: &mut Document) {
    if doc.metadata.dateline_place.is_some() || doc.metadata.dateline_credit.is_some() {
        return;
    }
    let Some(sentence) = doc
        .sentences
        .iter()
        .find(|s| s.kind == stancegraph_core::SentenceKind::Dateline)
    else {
        return;
    };
    let text = doc.text();
    let Some(rest) = text.get(sentence.span.start..) else {
        return;
    };
    let line = rest.split(['\n', '\r']).next().unwrap_or_default();
    let Some(dateline) = read_dateline(line) else {
        return;
    };
    let place = Some(dateline.place(line).trim())
        .filter(|p| !p.is_empty())
        .map(str::to_string);
    let credit = dateline.credit(line).map(str::to_string);
    doc.metadata.dateline_place = place;
    doc.metadata.dateline_credit = credit;
}

/// Index ranges of consecutive tokens that share a sentence.
fn sentence_groups(doc: &Document) -> Vec<std::ops::Range<usize>> {
    let mut groups = Vec::new();
    let mut start = 0;
    for i in 1..=doc.tokens.len() {
        if i == doc.tokens.len() || doc.tokens[i].sentence != doc.tokens[start].sentence {
            groups.push(start..i);
            start = i;
        }
    }
    groups
}

/// Fills `upos`, `xpos` and `lemma` of every token.
/// Stops early (the runner then fails the document) when its time budget is spent.
pub fn tag_document(tagger: &Tagger, doc: &mut Document) {
    for group in sentence_groups(doc) {
        if stancegraph_core::over_budget() {
            return;
        }
        let forms: Vec<String> = doc.tokens[group.clone()]
            .iter()
            .map(|t| doc.slice(t.span).to_string())
            .collect();
        let refs: Vec<&str> = forms.iter().map(String::as_str).collect();
        let classes = tagger.tag(&refs);
        for ((token, class), form) in doc.tokens[group].iter_mut().zip(classes).zip(&forms) {
            token.upos = Some(tagger.upos(class).to_string());
            token.xpos = Some(tagger.xpos(class).to_string());
            token.lemma = Some(tagger.lemma(form, class));
        }
    }
}

/// Fills `head` (document-level token index, `None` for the root) and `deprel`.
/// Stops early (the runner then fails the document) when its time budget is spent.
pub fn parse_document(parser: &Parser, doc: &mut Document) {
    for group in sentence_groups(doc) {
        if stancegraph_core::over_budget() {
            return;
        }
        let tokens = &doc.tokens[group.clone()];
        let forms: Vec<&str> = tokens.iter().map(|t| doc.slice(t.span)).collect();
        let tags: Vec<&str> = tokens
            .iter()
            .map(|t| t.xpos.as_deref().unwrap_or("NN"))
            .collect();
        let parse = parser.parse(&forms, &tags);
        let offset = group.start;
        for (k, (head, label)) in parse.heads.into_iter().zip(parse.labels).enumerate() {
            if let Some(token) = doc.tokens.get_mut(offset + k) {
                token.head = head.map(|h| (offset + h) as u32);
                token.deprel = Some(label);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use stancegraph_core::{Document, Metadata};

    use super::tokenize_document;

    #[test]
    fn the_dateline_gives_the_place_and_the_credit() {
        let text = "Fed Criticised\nWASHINGTON (AP) — President Donald Trump criticized the Fed on Tuesday. He said so.";
        let mut doc = Document::new(None, text, Metadata::default());
        tokenize_document(&mut doc, 500);
        assert_eq!(doc.metadata.dateline_place.as_deref(), Some("WASHINGTON"));
        assert_eq!(doc.metadata.dateline_credit.as_deref(), Some("AP"));
    }

    #[test]
    fn a_reader_s_dateline_and_a_story_without_one_are_left_alone() {
        let text = "PARIS, Aug 31 (Reuters) - French officials said talks would resume soon.";
        let metadata = Metadata {
            dateline_place: Some("Paris, France".into()),
            ..Metadata::default()
        };
        let mut doc = Document::new(None, text, metadata);
        tokenize_document(&mut doc, 500);
        assert_eq!(
            doc.metadata.dateline_place.as_deref(),
            Some("Paris, France")
        );
        assert_eq!(doc.metadata.dateline_credit, None);
        let mut plain = Document::new(
            None,
            "Officials in Paris said talks resume.",
            Metadata::default(),
        );
        tokenize_document(&mut plain, 500);
        assert_eq!(plain.metadata.dateline_place, None);
        assert_eq!(plain.metadata.dateline_credit, None);
    }
}
