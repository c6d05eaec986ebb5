//! The registered stages `text.tokenize`, `text.pos` and `text.parse`.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use stancegraph_core::{
    layer, BuildContext, ConfigIssue, Document, Registry, Stage, StageError, StageIo, TypedFactory,
};

use crate::{
    load_parser, load_tagger, parse_document, tag_document, tokenize_document, Parser, Tagger,
    DEFAULT_MAX_SENTENCE_TOKENS, DEFAULT_PARSER_MODEL, DEFAULT_POS_MODEL,
};

/// Registers the stages of this crate.
pub fn register(registry: &mut Registry) {
    registry.register_typed(TokenizeFactory);
    registry.register_typed(PosFactory);
    registry.register_typed(ParseFactory);
}

/// Config of the `text.tokenize` stage (sentences and tokens, with byte spans).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TokenizeConfig {
    /// Longer sentences are cut into pieces of this many tokens.
    pub max_sentence_tokens: usize,
}

impl Default for TokenizeConfig {
    fn default() -> Self {
        TokenizeConfig {
            max_sentence_tokens: DEFAULT_MAX_SENTENCE_TOKENS,
        }
    }
}

struct TokenizeFactory;
struct TokenizeStage {
    max_sentence_tokens: usize,
}

impl Stage for TokenizeStage {
    fn process(&self, doc: &mut Document) -> Result<(), StageError> {
        tokenize_document(doc, self.max_sentence_tokens);
        Ok(())
    }
}

impl TypedFactory for TokenizeFactory {
    type Config = TokenizeConfig;
    const NAME: &'static str = "text.tokenize";
    const DESCRIPTION: &'static str =
        "Rule-based tokenizer and sentence splitter (UD/PTB conventions); reads body and heading blocks only";
    const VERSION: &'static str = "1";

    fn io(&self, _config: &TokenizeConfig) -> StageIo {
        StageIo::new(&[], &[layer::SENTENCES, layer::TOKENS])
    }

    fn check(&self, config: &TokenizeConfig) -> Vec<ConfigIssue> {
        if config.max_sentence_tokens == 0 {
            vec![ConfigIssue::new(
                "max_sentence_tokens",
                "must be at least 1",
            )]
        } else {
            Vec::new()
        }
    }

    fn build(
        &self,
        config: TokenizeConfig,
        _context: &BuildContext,
    ) -> Result<Box<dyn Stage>, StageError> {
        Ok(Box::new(TokenizeStage {
            max_sentence_tokens: config.max_sentence_tokens.max(1),
        }))
    }
}

/// Config of the `text.pos` stage (tags and lemmas).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PosConfig {
    /// Tagger model; relative paths resolve against the data directory.
    pub model: String,
}

impl Default for PosConfig {
    fn default() -> Self {
        PosConfig {
            model: DEFAULT_POS_MODEL.to_string(),
        }
    }
}

struct PosFactory;
struct PosStage {
    tagger: Arc<Tagger>,
}

impl Stage for PosStage {
    fn process(&self, doc: &mut Document) -> Result<(), StageError> {
        tag_document(&self.tagger, doc);
        Ok(())
    }
}

impl TypedFactory for PosFactory {
    type Config = PosConfig;
    const NAME: &'static str = "text.pos";
    const DESCRIPTION: &'static str =
        "Averaged-perceptron POS tagger (UPOS + PTB tags) and lemmatizer trained on UD English EWT";
    const VERSION: &'static str = "1";

    fn io(&self, _config: &PosConfig) -> StageIo {
        StageIo::new(&[layer::TOKENS], &[layer::POS, layer::LEMMAS])
    }

    fn build(
        &self,
        config: PosConfig,
        context: &BuildContext,
    ) -> Result<Box<dyn Stage>, StageError> {
        let path = context.resolve(&config.model);
        let tagger = load_tagger(&path).map_err(|e| StageError::Build {
            stage: format!("{} ({}.model)", Self::NAME, context.config_path),
            message: e.to_string(),
        })?;
        Ok(Box::new(PosStage { tagger }))
    }
}

/// Config of the `text.parse` stage (dependencies).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ParseConfig {
    /// Parser model; relative paths resolve against the data directory.
    pub model: String,
}

impl Default for ParseConfig {
    fn default() -> Self {
        ParseConfig {
            model: DEFAULT_PARSER_MODEL.to_string(),
        }
    }
}

struct ParseFactory;
struct ParseStage {
    parser: Arc<Parser>,
}

impl Stage for ParseStage {
    fn process(&self, doc: &mut Document) -> Result<(), StageError> {
        parse_document(&self.parser, doc);
        Ok(())
    }
}

impl TypedFactory for ParseFactory {
    type Config = ParseConfig;
    const NAME: &'static str = "text.parse";
    const DESCRIPTION: &'static str =
        "Greedy arc-hybrid averaged-perceptron dependency parser (UD relations) trained on UD English EWT";
    const VERSION: &'static str = "1";

    fn io(&self, _config: &ParseConfig) -> StageIo {
        StageIo::new(&[layer::TOKENS, layer::POS], &[layer::DEPS])
    }

    fn build(
        &self,
        config: ParseConfig,
        context: &BuildContext,
    ) -> Result<Box<dyn Stage>, StageError> {
        let path = context.resolve(&config.model);
        let parser = load_parser(&path).map_err(|e| StageError::Build {
            stage: format!("{} ({}.model)", Self::NAME, context.config_path),
            message: e.to_string(),
        })?;
        Ok(Box::new(ParseStage { parser }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registers_three_stages_with_their_layers() {
        let mut registry = Registry::new();
        register(&mut registry);
        let names: Vec<&str> = registry.names().collect();
        assert_eq!(names, ["text.parse", "text.pos", "text.tokenize"]);
        assert_eq!(registry.producers_of(layer::TOKENS), ["text.tokenize"]);
        assert_eq!(registry.producers_of(layer::DEPS), ["text.parse"]);
        let tokenize = registry.get("text.tokenize").unwrap();
        assert_eq!(
            tokenize
                .validate(&serde_json::json!({"max_sentence_tokens": 0}))
                .len(),
            1
        );
        assert!(registry
            .get("text.pos")
            .unwrap()
            .example_config()
            .contains("models/text/pos.bin"));
    }

    #[test]
    fn missing_model_is_a_build_error() {
        let mut registry = Registry::new();
        register(&mut registry);
        let context = BuildContext {
            data_dir: "/nonexistent".into(),
            config_path: "stages[1]".into(),
        };
        let result = registry
            .get("text.pos")
            .unwrap()
            .build(&serde_json::json!({}), &context);
        assert!(result.is_err());
    }
}
