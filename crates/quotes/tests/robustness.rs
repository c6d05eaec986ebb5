//! Hostile inputs: many quote marks, only opening marks, quotes in headlines. The stage must
//! finish (size caps keep it linear) and every span must stay valid.
use std::path::PathBuf;

use stancegraph_core::{Block, BlockKind, Document, Metadata, Span};
use stancegraph_quotes::{marks, Attributor};

fn attributor() -> Option<Attributor> {
    let data = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../data"));
    Attributor::load(&data).ok()
}

fn run(text: String, blocks: Vec<(Span, BlockKind)>) -> Document {
    let mut doc = Document::new(None, text, Metadata::default());
    for (span, kind) in blocks {
        doc.blocks.push(Block {
            span,
            kind,
            reason: String::new(),
            stage: "test".into(),
            confidence: 1.0,
        });
    }
    stancegraph_text::tokenize_document(&mut doc, stancegraph_text::DEFAULT_MAX_SENTENCE_TOKENS);
    if let Some(attributor) = attributor() {
        attributor.annotate(&mut doc).expect("annotate");
    }
    doc.validate().expect("valid spans");
    doc
}

#[test]
fn five_hundred_quote_marks() {
    let text = "He said “yes” and ‘no’ and \"maybe\". ".repeat(100) + &"“".repeat(200);
    let regions = marks::find_quotes(&text);
    assert!(regions.len() <= 600);
    let doc = run(text, Vec::new());
    assert!(doc.quotes.len() <= doc.tokens.len());
}

#[test]
fn only_opening_marks() {
    let text = "“Officials said “the plan “will fail, ".repeat(300);
    let doc = run(text, Vec::new());
    assert!(doc.quotes.iter().all(|q| q.content.end <= doc.text().len()));
}

#[test]
fn quotes_inside_headlines_and_spam() {
    let text = "Trump: ‘We will win’ says aide\nBuy now “best deal” said nobody\nThe aide said “we will win” on Monday.\n".to_string();
    let first = text.find('\n').unwrap_or(0);
    let second = text[first + 1..]
        .find('\n')
        .map_or(text.len(), |i| first + 1 + i);
    let doc = run(
        text.clone(),
        vec![
            (Span::new(0, first), BlockKind::Heading),
            (Span::new(first + 1, second), BlockKind::Boilerplate),
            (Span::new(second + 1, text.len() - 1), BlockKind::Body),
        ],
    );
    let spam = Span::new(first + 1, second);
    assert!(
        doc.quotes.iter().all(|q| !q.content.overlaps(spam)),
        "{:?}",
        doc.quotes
    );
    if attributor().is_some() {
        assert!(
            doc.quotes
                .iter()
                .any(|q| doc.slice(q.content).contains("we will win")),
            "{:?}",
            doc.quotes
        );
    }
}

#[test]
fn empty_and_unannotated_documents() {
    let attributor = match attributor() {
        Some(a) => a,
        None => return,
    };
    let mut doc = Document::new(None, "", Metadata::default());
    attributor.annotate(&mut doc).expect("empty");
    assert!(doc.quotes.is_empty());
    let mut doc = Document::new(None, "“No layers,” he said.", Metadata::default());
    attributor.annotate(&mut doc).expect("no tokens");
    assert!(doc.quotes.is_empty());
}
