//! Factories of `entities.bert` and `embed.sentences`. Both are always registered so that
//! configs validate; building them needs the `torch` feature.

use stancegraph_core::{
    layer, BuildContext, ConfigIssue, Registry, Stage, StageError, StageIo, TypedFactory,
};

use crate::{
    config::{BertNerConfig, DeviceSpec, EmbedConfig},
    embed::EMBED_STAGE,
    ner::BERT_NER_STAGE,
};

/// Registers every stage of this crate.
pub fn register(registry: &mut Registry) {
    registry.register_typed(BertNerFactory);
    registry.register_typed(EmbedFactory);
}

/// Whether this build can run the transformer stages.
pub const TORCH_ENABLED: bool = cfg!(feature = "torch");

/// Factory of `entities.bert`: validates the config anywhere, builds the stage (loading the
/// checkpoint) only with the `torch` feature.
pub struct BertNerFactory;

impl TypedFactory for BertNerFactory {
    type Config = BertNerConfig;
    const NAME: &'static str = BERT_NER_STAGE;
    const DESCRIPTION: &'static str =
        "Named entities from a local Hugging Face BERT/DistilBERT/RoBERTa token classifier (rust-bert, needs the `bert` feature)";
    const VERSION: &'static str = "1";

    fn io(&self, _config: &BertNerConfig) -> StageIo {
        StageIo::new(&[layer::SENTENCES, layer::TOKENS], &[layer::MENTIONS])
    }

    fn check(&self, config: &BertNerConfig) -> Vec<ConfigIssue> {
        let mut issues = device_issue(&config.device);
        if config.batch_size == 0 {
            issues.push(ConfigIssue::new("batch_size", "must be at least 1"));
        }
        if !(8..=4096).contains(&config.max_length) {
            issues.push(ConfigIssue::new(
                "max_length",
                "must be between 8 and 4096 word pieces",
            ));
        }
        for (label, target) in &config.labels {
            if stancegraph_core::EntityType::parse(target).is_none() {
                issues.push(ConfigIssue::new(
                    format!("labels.{label}"),
                    format!("unknown entity type `{target}` (PER, ORG, LOC, GPE, NORP, MISC, DATE, MONEY)"),
                ));
            }
        }
        issues
    }

    fn build(
        &self,
        config: BertNerConfig,
        context: &BuildContext,
    ) -> Result<Box<dyn Stage>, StageError> {
        build_ner(config, context)
    }
}

/// Factory of `embed.sentences`: validates the config anywhere, builds the stage (loading
/// the MiniLM model) only with the `torch` feature.
pub struct EmbedFactory;

impl TypedFactory for EmbedFactory {
    type Config = EmbedConfig;
    const NAME: &'static str = EMBED_STAGE;
    const DESCRIPTION: &'static str =
        "MiniLM sentence embeddings (ext:embed): merges actor aliases, groups issues, optional prototype stance (needs the `bert` feature)";
    const VERSION: &'static str = "1";

    fn io(&self, config: &EmbedConfig) -> StageIo {
        let mut produces = vec![layer::Layer::extension(crate::embed::EMBED_EXTENSION)];
        if config.alias_threshold > 0.0 {
            produces.push(layer::ENTITIES);
        }
        if config.score_stance {
            produces.push(layer::STANCES);
        }
        StageIo::new(&[layer::SENTENCES], &produces)
    }

    fn check(&self, config: &EmbedConfig) -> Vec<ConfigIssue> {
        let mut issues = device_issue(&config.device);
        if config.batch_size == 0 {
            issues.push(ConfigIssue::new("batch_size", "must be at least 1"));
        }
        for (name, value) in [
            ("alias_threshold", config.alias_threshold),
            ("issue_threshold", config.issue_threshold),
        ] {
            if !(0.0..=1.0).contains(&value) {
                issues.push(ConfigIssue::new(
                    name,
                    "must be between 0 and 1 (0 disables)",
                ));
            }
        }
        if config.score_stance
            && (config.support_prototypes.is_empty() || config.oppose_prototypes.is_empty())
        {
            issues.push(ConfigIssue::new(
                "score_stance",
                "needs support_prototypes and oppose_prototypes",
            ));
        }
        issues
    }

    fn build(
        &self,
        config: EmbedConfig,
        context: &BuildContext,
    ) -> Result<Box<dyn Stage>, StageError> {
        build_embed(config, context)
    }
}

fn device_issue(device: &str) -> Vec<ConfigIssue> {
    match DeviceSpec::parse(device) {
        Ok(_) => Vec::new(),
        Err(e) => vec![ConfigIssue::new("device", e.to_string())],
    }
}

#[cfg(feature = "torch")]
fn build_ner(config: BertNerConfig, context: &BuildContext) -> Result<Box<dyn Stage>, StageError> {
    let (classifier, scheme) =
        crate::torch::TorchTokenClassifier::load(&config, context).map_err(StageError::other)?;
    Ok(Box::new(crate::ner::BertNer::new(
        classifier, scheme, config,
    )))
}

#[cfg(feature = "torch")]
fn build_embed(config: EmbedConfig, context: &BuildContext) -> Result<Box<dyn Stage>, StageError> {
    let encoder =
        crate::torch::TorchSentenceEncoder::load(&config, context).map_err(StageError::other)?;
    Ok(Box::new(crate::embed::EmbedSentences::new(encoder, config)))
}

#[cfg(not(feature = "torch"))]
fn build_ner(
    _config: BertNerConfig,
    _context: &BuildContext,
) -> Result<Box<dyn Stage>, StageError> {
    Err(not_compiled(BERT_NER_STAGE))
}

#[cfg(not(feature = "torch"))]
fn build_embed(
    _config: EmbedConfig,
    _context: &BuildContext,
) -> Result<Box<dyn Stage>, StageError> {
    Err(not_compiled(EMBED_STAGE))
}

#[cfg(not(feature = "torch"))]
fn not_compiled(stage: &str) -> StageError {
    StageError::Build {
        stage: stage.to_string(),
        message: crate::BertError::NotCompiled {
            stage: stage.to_string(),
        }
        .to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_stages_register_and_validate_without_libtorch() {
        let mut registry = Registry::new();
        register(&mut registry);
        let ner = registry.get(BERT_NER_STAGE).unwrap();
        assert!(ner
            .validate(&serde_json::json!({"mode": "vote", "device": "cuda:1"}))
            .is_empty());
        let issues =
            ner.validate(&serde_json::json!({"device": "tpu", "labels": {"PER": "PEOPLE"}}));
        assert_eq!(issues.len(), 2, "{issues:?}");
        assert!(ner.example_config().contains("mode = \"vote\""));
        let embed = registry.get(EMBED_STAGE).unwrap();
        assert!(embed
            .io(&serde_json::json!({"score_stance": true}))
            .produces
            .contains("stances"));
        assert!(
            embed
                .validate(&serde_json::json!({"alias_threshold": 2.0}))
                .len()
                == 1
        );
    }

    #[cfg(not(feature = "torch"))]
    #[test]
    fn build_without_torch_explains_how_to_enable_it() {
        let mut registry = Registry::new();
        register(&mut registry);
        let context = BuildContext {
            data_dir: "data".into(),
            config_path: "stages[5]".into(),
        };
        let error = registry
            .get(BERT_NER_STAGE)
            .unwrap()
            .build(&serde_json::json!({}), &context)
            .err()
            .unwrap();
        assert!(error.to_string().contains("--features bert"), "{error}");
    }

    #[test]
    fn devices_parse() {
        assert_eq!(DeviceSpec::parse("CPU").unwrap(), DeviceSpec::Cpu);
        assert_eq!(DeviceSpec::parse("cuda").unwrap(), DeviceSpec::Cuda(0));
        assert_eq!(DeviceSpec::parse("cuda:3").unwrap(), DeviceSpec::Cuda(3));
        assert!(DeviceSpec::parse("cuda:x").is_err());
    }
}
