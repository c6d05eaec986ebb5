//! The `quotes.attribution` stage: its config, factory and registration.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use stancegraph_core::{
    layer, BuildContext, Document, Registry, Stage, StageError, StageIo, TypedFactory,
};

use crate::{classes, Attributor, DEFAULT_LEXICON, DEFAULT_MODEL, STAGE_NAME};

/// Configuration of `quotes.attribution`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AttributionConfig {
    /// Tagger weights, relative to the project's `data/` directory.
    pub model: String,
    /// Cue lexicon, relative to the project's `data/` directory.
    pub lexicon: String,
    /// Quotes below this confidence are dropped.
    pub min_confidence: f32,
    /// Cue classes kept as attributions: `speech`, `writing`, `belief`,
    /// `perception_or_evidence`, `other`. The graph makes `said` edges of speech and
    /// writing; belief feeds stance; evidence stays in the documents but is no one's quote.
    pub classes: Vec<String>,
    /// A quotation interrupted by its attribution (“We will act,” she said. “Soon.”; Too
    /// often, he said, the debate is inflamed) is one quote whose content runs over both
    /// parts, as PolNeAR marks it; `false` keeps the parts apart, as the Gender Gap
    /// Tracker marks them.
    pub join_interrupted: bool,
}

impl Default for AttributionConfig {
    fn default() -> Self {
        AttributionConfig {
            model: DEFAULT_MODEL.into(),
            lexicon: DEFAULT_LEXICON.into(),
            min_confidence: 0.0,
            classes: ["speech", "writing", "belief", "perception_or_evidence"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            join_interrupted: true,
        }
    }
}

/// Factory of the `quotes.attribution` stage.
pub struct AttributionFactory;

struct AttributionStage {
    attributor: Attributor,
}

impl Stage for AttributionStage {
    fn process(&self, doc: &mut Document) -> Result<(), StageError> {
        self.attributor.annotate(doc).map_err(StageError::other)
    }
}

impl TypedFactory for AttributionFactory {
    type Config = AttributionConfig;
    const NAME: &'static str = STAGE_NAME;
    const DESCRIPTION: &'static str =
        "Direct, mixed and reported quotes with source, cue and content (tagger learned on PolNeAR), speakers via the entity layer";
    const VERSION: &'static str = "1";

    fn io(&self, _config: &Self::Config) -> StageIo {
        StageIo::new(
            &[
                layer::SENTENCES,
                layer::TOKENS,
                layer::DEPS,
                layer::MENTIONS,
                layer::ENTITIES,
            ],
            &[layer::QUOTES],
        )
    }

    fn check(&self, config: &Self::Config) -> Vec<stancegraph_core::ConfigIssue> {
        let mut issues = Vec::new();
        if !(0.0..=1.0).contains(&config.min_confidence) {
            issues.push(stancegraph_core::ConfigIssue::new(
                "min_confidence",
                "must be between 0 and 1",
            ));
        }
        if let Err(message) = classes::parse_classes(&config.classes) {
            issues.push(stancegraph_core::ConfigIssue::new("classes", message));
        }
        issues
    }

    fn build(
        &self,
        config: Self::Config,
        context: &BuildContext,
    ) -> Result<Box<dyn Stage>, StageError> {
        let model: PathBuf = context.resolve(&config.model);
        let lexicon: PathBuf = context.resolve(&config.lexicon);
        let attributor = Attributor::from_files(&model, &lexicon)
            .map_err(|e| StageError::Build {
                stage: STAGE_NAME.to_string(),
                message: e.to_string(),
            })?
            .with_min_confidence(config.min_confidence)
            .with_join_interrupted(config.join_interrupted)
            .with_classes(classes::parse_classes(&config.classes).map_err(|message| {
                StageError::Build {
                    stage: STAGE_NAME.to_string(),
                    message,
                }
            })?);
        Ok(Box::new(AttributionStage { attributor }))
    }
}

/// Registers the attribution stage.
pub fn register(registry: &mut Registry) {
    registry.register_typed(AttributionFactory);
}
