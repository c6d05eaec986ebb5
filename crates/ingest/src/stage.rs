//! The `ingest.blocks` stage: configuration, factory and the [`Stage`] wrapper around
//! [`classify_blocks`], and the crate's [`register`].

use serde::{Deserialize, Serialize};
use stancegraph_core::{
    layer, BlockKind, BuildContext, ConfigIssue, Document, Registry, Stage, StageError, StageIo,
    TypedFactory,
};

use crate::blocks::classify_blocks;

/// Name of the stage in configs.
pub const BLOCKS_STAGE: &str = "ingest.blocks";

/// Configuration of `ingest.blocks`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BlocksConfig {
    /// A line whose boilerplate score reaches this is boilerplate.
    pub boilerplate_threshold: f32,
    /// Headings have at most this many words.
    pub max_heading_words: usize,
    /// Keep the blocks a reader already set from the page structure (HTML headings stay
    /// headings) and only turn body blocks the scorer finds to be boilerplate into
    /// boilerplate; when false, every document is classified from its text alone.
    pub refine_existing: bool,
}

impl Default for BlocksConfig {
    fn default() -> Self {
        BlocksConfig {
            boilerplate_threshold: 1.0,
            max_heading_words: 14,
            refine_existing: true,
        }
    }
}

/// Factory of [`BlocksStage`].
pub struct BlocksFactory;

impl TypedFactory for BlocksFactory {
    type Config = BlocksConfig;
    const NAME: &'static str = BLOCKS_STAGE;
    const DESCRIPTION: &'static str =
        "Scores every line as body, heading or boilerplate (spam, ads, disclaimers) from general features";
    const VERSION: &'static str = "1";

    fn io(&self, _config: &BlocksConfig) -> StageIo {
        StageIo::new(&[], &[layer::BLOCKS])
    }

    fn check(&self, config: &BlocksConfig) -> Vec<ConfigIssue> {
        let mut issues = Vec::new();
        if !(config.boilerplate_threshold.is_finite() && config.boilerplate_threshold > 0.0) {
            issues.push(ConfigIssue::new(
                "boilerplate_threshold",
                "must be a positive number",
            ));
        }
        if config.max_heading_words == 0 {
            issues.push(ConfigIssue::new("max_heading_words", "must be at least 1"));
        }
        issues
    }

    fn build(
        &self,
        config: BlocksConfig,
        _context: &BuildContext,
    ) -> Result<Box<dyn Stage>, StageError> {
        Ok(Box::new(BlocksStage { config }))
    }
}

/// The stage: fills `doc.blocks` from the text, or, when a reader already set blocks and
/// `refine_existing` is on, only marks their body blocks that score as boilerplate.
#[derive(Debug, Clone, Default)]
pub struct BlocksStage {
    /// The stage's `[[stages]]` settings, already validated by the factory.
    pub config: BlocksConfig,
}

impl Stage for BlocksStage {
    fn process(&self, doc: &mut Document) -> Result<(), StageError> {
        let classified = classify_blocks(doc.text(), &self.config);
        if !self.config.refine_existing || doc.blocks.is_empty() {
            doc.blocks = classified;
            return Ok(());
        }
        for block in doc.blocks.iter_mut().filter(|b| b.kind == BlockKind::Body) {
            if let Some(found) = classified
                .iter()
                .find(|c| c.span == block.span && c.kind == BlockKind::Boilerplate)
            {
                block.kind = BlockKind::Boilerplate;
                block.reason = format!("{} (refined by {BLOCKS_STAGE})", found.reason);
                block.stage = BLOCKS_STAGE.to_string();
                block.confidence = found.confidence;
            }
        }
        Ok(())
    }
}

/// Registers the ingest crate's stages.
pub fn register(registry: &mut Registry) {
    registry.register_typed(BlocksFactory);
}

#[cfg(test)]
mod tests {
    use stancegraph_core::{Block, Span};

    use super::*;

    #[test]
    fn stage_refines_blocks_set_by_a_reader() {
        let text = "Council Votes\nThe council of Leeds voted on Tuesday to approve the plan, Leeds officials said.\nMore on the Leeds vote is expected from the council next week, officials said.\nShop the best deals on premium rugged tablets and accessories, trusted by professionals.";
        let mut doc = Document::new(None, text, Default::default());
        let mut start = 0;
        for (i, line) in text.split('\n').enumerate() {
            doc.blocks.push(Block {
                span: Span::new(start, start + line.len()),
                kind: if i == 0 {
                    BlockKind::Heading
                } else {
                    BlockKind::Body
                },
                reason: "from HTML".into(),
                stage: "ingest.html".into(),
                confidence: 1.0,
            });
            start += line.len() + 1;
        }
        BlocksStage::default().process(&mut doc).unwrap();
        let kinds: Vec<BlockKind> = doc.blocks.iter().map(|b| b.kind).collect();
        assert_eq!(
            kinds,
            vec![
                BlockKind::Heading,
                BlockKind::Body,
                BlockKind::Body,
                BlockKind::Boilerplate
            ],
            "{:?}",
            doc.blocks
        );
        let mut doc = Document::new(None, "", Default::default());
        BlocksStage::default().process(&mut doc).unwrap();
        assert!(doc.blocks.is_empty());
    }

    #[test]
    fn without_refining_the_text_alone_decides() {
        let text = "Council Votes\nThe council of Leeds voted on Tuesday to approve the plan, officials said.";
        let reader_blocks = || {
            vec![Block {
                span: Span::new(0, text.len()),
                kind: BlockKind::Body,
                reason: "from HTML".into(),
                stage: "ingest.html".into(),
                confidence: 1.0,
            }]
        };
        let mut doc = Document::new(None, text, Default::default());
        doc.blocks = reader_blocks();
        let stage = BlocksStage {
            config: BlocksConfig {
                refine_existing: false,
                ..BlocksConfig::default()
            },
        };
        stage.process(&mut doc).unwrap();
        let kinds: Vec<BlockKind> = doc.blocks.iter().map(|b| b.kind).collect();
        assert_eq!(kinds, [BlockKind::Heading, BlockKind::Body]);
        let mut kept = Document::new(None, text, Default::default());
        kept.blocks = reader_blocks();
        BlocksStage::default().process(&mut kept).unwrap();
        assert_eq!(kept.blocks, reader_blocks());
    }
}
