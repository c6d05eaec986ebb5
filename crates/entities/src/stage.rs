//! Stage factories (`entities.ner`, `entities.resolve`) and [`EntityAnalyzer`], which runs
//! both without a pipeline.

use std::path::Path;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use stancegraph_core::{
    layer, BuildContext, ConfigIssue, Document, Registry, Stage, StageError, StageIo, TypedFactory,
};

use crate::ner::{tag_mentions, NER_STAGE};
use crate::resolve::{Resolver, RESOLVE_STAGE};
use crate::tagger::NerModel;
use crate::EntitiesError;

/// The shipped model, relative to the project's `data/` directory.
pub const DEFAULT_MODEL: &str = "models/entities/ner.bin";

/// Registers `entities.ner` and `entities.resolve`.
pub fn register(registry: &mut Registry) {
    registry.register_typed(NerFactory);
    registry.register_typed(ResolveFactory);
}

/// Config of the `entities.ner` stage (reads tokens and sentences, writes mentions).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NerConfig {
    /// Model file; relative paths resolve against the project's `data/` directory.
    pub model: String,
    /// Mentions the tagger is less sure of are dropped.
    pub min_confidence: f32,
    /// Also mark dates and amounts of money (DATE / MONEY mentions, found by rules).
    pub dates_and_money: bool,
}

impl Default for NerConfig {
    fn default() -> Self {
        NerConfig {
            model: DEFAULT_MODEL.to_string(),
            min_confidence: 0.0,
            dates_and_money: true,
        }
    }
}

struct NerFactory;

struct NerStage {
    model: Arc<NerModel>,
    min_confidence: f32,
    dates_and_money: bool,
}

impl Stage for NerStage {
    fn process(&self, doc: &mut Document) -> Result<(), StageError> {
        doc.mentions = all_mentions(&self.model, doc, self.min_confidence, self.dates_and_money);
        Ok(())
    }
}

/// Name mentions from the tagger, plus (when asked) DATE and MONEY mentions, in text order.
fn all_mentions(
    model: &NerModel,
    doc: &Document,
    min_confidence: f32,
    dates_and_money: bool,
) -> Vec<stancegraph_core::Mention> {
    let mut mentions = tag_mentions(model, doc, min_confidence);
    if dates_and_money {
        let extra = crate::temporal::date_and_money_mentions(doc, &mentions);
        mentions.extend(extra);
        mentions.sort_by_key(|m| (m.span.start, m.span.end));
    }
    mentions
}

impl TypedFactory for NerFactory {
    type Config = NerConfig;
    const NAME: &'static str = NER_STAGE;
    const DESCRIPTION: &'static str =
        "Named-entity tagger (averaged perceptron trained on CoNLL-2003): PER, ORG, GPE, LOC, NORP, MISC mentions; DATE and MONEY by rules";
    const VERSION: &'static str = "1";

    fn io(&self, _config: &NerConfig) -> StageIo {
        StageIo::new(&[layer::TOKENS, layer::SENTENCES], &[layer::MENTIONS])
    }

    fn check(&self, config: &NerConfig) -> Vec<ConfigIssue> {
        let mut issues = Vec::new();
        if !(0.0..=1.0).contains(&config.min_confidence) {
            issues.push(ConfigIssue::new(
                "min_confidence",
                "must be between 0 and 1",
            ));
        }
        issues
    }

    fn build(
        &self,
        config: NerConfig,
        context: &BuildContext,
    ) -> Result<Box<dyn Stage>, StageError> {
        let path = context.resolve(&config.model);
        let model = NerModel::load(&path).map_err(|e| StageError::Build {
            stage: NER_STAGE.to_string(),
            message: format!("{} ({})", e, context.config_path),
        })?;
        Ok(Box::new(NerStage {
            model: Arc::new(model),
            min_confidence: config.min_confidence,
            dates_and_money: config.dates_and_money,
        }))
    }
}

/// Config of the `entities.resolve` stage; [`Default`] turns every rule on.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ResolveConfig {
    /// Resolve pronouns (he, she, they, it) to earlier entities.
    pub pronouns: bool,
    /// Resolve descriptions (the President, the negotiator) to earlier entities.
    pub nominals: bool,
    /// Map capitals acting as governments to their country ("Beijing said" → China).
    pub metonymy: bool,
    /// Share of bearers a first name needs to decide a person's gender (0.5-1).
    pub gender_threshold: f32,
}

impl Default for ResolveConfig {
    fn default() -> Self {
        ResolveConfig {
            pronouns: true,
            nominals: true,
            metonymy: true,
            gender_threshold: crate::gender::DEFAULT_NAME_THRESHOLD,
        }
    }
}

struct ResolveFactory;

struct ResolveStage {
    resolver: Resolver,
}

impl Stage for ResolveStage {
    fn process(&self, doc: &mut Document) -> Result<(), StageError> {
        self.resolver.resolve(doc);
        Ok(())
    }
}

impl TypedFactory for ResolveFactory {
    type Config = ResolveConfig;
    const NAME: &'static str = RESOLVE_STAGE;
    const DESCRIPTION: &'static str =
        "Groups mentions into entities: aliases, titles, roles, metonymy, pronoun and nominal coreference";
    const VERSION: &'static str = "1";

    fn io(&self, _config: &ResolveConfig) -> StageIo {
        StageIo::new(
            &[layer::MENTIONS, layer::TOKENS],
            &[layer::ENTITIES, layer::RELATIONS],
        )
    }

    fn check(&self, config: &ResolveConfig) -> Vec<ConfigIssue> {
        let mut issues = Vec::new();
        if !(0.5..=1.0).contains(&config.gender_threshold) {
            issues.push(ConfigIssue::new(
                "gender_threshold",
                "must be between 0.5 and 1",
            ));
        }
        issues
    }

    fn build(
        &self,
        config: ResolveConfig,
        _context: &BuildContext,
    ) -> Result<Box<dyn Stage>, StageError> {
        Ok(Box::new(ResolveStage {
            resolver: Resolver::new(config),
        }))
    }
}

/// Runs tagging and resolution on a document that already has sentences and tokens.
pub struct EntityAnalyzer {
    model: NerModel,
    resolver: Resolver,
}

impl EntityAnalyzer {
    /// Loads the shipped model from `data_dir/models/entities/ner.bin`.
    pub fn load(data_dir: &Path) -> Result<Self, EntitiesError> {
        Self::with_model(&data_dir.join(DEFAULT_MODEL))
    }

    /// Loads a model from an explicit path.
    pub fn with_model(model: &Path) -> Result<Self, EntitiesError> {
        Ok(EntityAnalyzer {
            model: NerModel::load(model)?,
            resolver: Resolver::new(ResolveConfig::default()),
        })
    }

    /// The loaded tagger, e.g. to tag sentences without resolution or to read its
    /// lexicon.
    pub fn model(&self) -> &NerModel {
        &self.model
    }

    /// Fills `doc.mentions` and `doc.entities` (and hierarchy relations), replacing earlier ones.
    pub fn annotate(&self, doc: &mut Document) -> Result<(), EntitiesError> {
        doc.mentions = all_mentions(&self.model, doc, 0.0, true);
        self.resolver.resolve(doc);
        doc.validate().map_err(|e| EntitiesError::Document {
            doc: doc.id.clone(),
            stage: RESOLVE_STAGE.to_string(),
            message: e.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registers_both_stages_with_their_layers() {
        let mut registry = Registry::new();
        register(&mut registry);
        let ner = registry.get(NER_STAGE).expect("entities.ner");
        let io = ner.io(&serde_json::json!({}));
        assert_eq!(io.produces, vec![layer::MENTIONS.to_string()]);
        assert!(io.requires.contains(&layer::TOKENS.to_string()));
        assert!(ner.example_config().contains("models/entities/ner.bin"));
        assert!(!ner
            .validate(&serde_json::json!({"min_confidence": 2.0}))
            .is_empty());
        let resolve = registry.get(RESOLVE_STAGE).expect("entities.resolve");
        assert!(resolve
            .io(&serde_json::json!({}))
            .requires
            .contains(&layer::MENTIONS.to_string()));
        assert!(!resolve
            .validate(&serde_json::json!({"pronoun": true}))
            .is_empty());
        let missing = BuildContext {
            data_dir: "/nonexistent".into(),
            config_path: "stages[3]".into(),
        };
        let error = ner
            .build(&serde_json::json!({}), &missing)
            .err()
            .expect("missing model fails to build");
        assert!(error.to_string().contains("stages[3]"), "{error}");
    }
}
