//! The seed article, read from the repository.

use std::path::PathBuf;

use stancegraph_core::{Block, Document, Metadata};

use crate::lines::seed_lines;

/// The seed's document id, as the CLI names it (the file stem).
pub const SEED_ID: &str = "000_668776db8feb23be";

/// Path of the seed article, found from this crate's manifest (no dependence on the
/// shared data directory or the working directory).
pub fn seed_path() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../data/samples/000_668776db8feb23be.txt"
    ))
}

/// The seed article's text. Panics when the file is missing: it is part of the repository.
pub fn seed_text() -> String {
    let path = seed_path();
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("the seed article {} is unreadable: {e}", path.display()))
}

/// The seed as a document with id [`SEED_ID`] and one block per line, marked boilerplate
/// ([`crate::SPAM_LINES`]), heading ([`crate::HEADINGS`]) or body, as ingest marks them.
/// For tests that run stages by hand; [`crate::seed_until`] runs the real ingest instead.
pub fn seed_document() -> Document {
    let mut doc = Document::new(Some(SEED_ID.into()), seed_text(), Metadata::default());
    doc.blocks = seed_lines()
        .into_iter()
        .map(|line| Block {
            span: line.span,
            kind: line.kind,
            reason: "stancegraph-testkit".into(),
            stage: "testkit".into(),
            confidence: 1.0,
        })
        .collect();
    doc
}

#[cfg(test)]
mod tests {
    use stancegraph_core::BlockKind;

    use super::*;

    #[test]
    fn the_seed_document_has_one_block_per_line_and_valid_spans() {
        let mut doc = seed_document();
        assert_eq!(doc.id, SEED_ID);
        assert_eq!(doc.text(), seed_text());
        assert_eq!(doc.blocks.len(), seed_text().lines().count());
        doc.validate().expect("blocks on char boundaries");
        let count = |kind| doc.blocks.iter().filter(|b| b.kind == kind).count();
        assert_eq!(count(BlockKind::Boilerplate), 4);
        assert_eq!(count(BlockKind::Heading), 6);
        assert_eq!(count(BlockKind::Body), 14);
        assert!(doc
            .slice(doc.blocks[3].span)
            .starts_with("US Treasury Secretary"));
    }
}
