//! `entities.encoder_tch`: the fine-tuned MiniLM encoder of `entities.encoder` with its
//! forward pass on libtorch (CPU or a CUDA device) instead of candle. Windows, batching,
//! alignment and decoding are crates/encoder's, unchanged; only the body and head arithmetic
//! runs in torch (crate::tch_encoder). Its mentions carry the stage name `entities.encoder`
//! and its attribution tags go to `quotes.encoder` as the candle stage's do: same model,
//! same layers, the backend is a runtime choice.
//!
//! The factory always registers (configs validate in the default build); building it needs
//! the `torch` feature.

use serde::{Deserialize, Serialize};
use stancegraph_core::{
    layer, BuildContext, ConfigIssue, Layer, Stage, StageError, StageIo, TypedFactory,
};

use crate::config::DeviceSpec;

/// Registered name of the libtorch encoder stage.
pub const ENCODER_TCH_STAGE: &str = "entities.encoder_tch";
/// The shipped model directory relative to the data directory (crates/encoder's
/// `DEFAULT_MODEL_DIR`, which the default build of this crate cannot name; a test under
/// `torch` checks they are equal).
pub const DEFAULT_ENCODER_DIR: &str = "models/encoder";
/// Namespace of the extension layer with attribution tags for `quotes.encoder` (crates/encoder's
/// `stage::EXTENSION`; checked equal under `torch`).
pub const ENCODER_EXTENSION: &str = "encoder";

/// Config of `entities.encoder_tch`: the keys of `entities.encoder` (without `int8`: libtorch
/// runs the f32 products, the reference computation) plus `device`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EncoderTchConfig {
    /// Model directory (config.json, vocab.txt, heads.json, model.safetensors with int8
    /// rows, dequantised at load as candle does); relative paths resolve against the data
    /// directory.
    pub model: String,
    /// `cpu`, `cuda` (= `cuda:0`) or `cuda:N`. CUDA needs a CUDA build of libtorch 2.4.0 and
    /// a visible GPU; otherwise building the stage fails naming the device.
    pub device: String,
    /// Mentions whose mean label probability is below this are dropped.
    pub min_confidence: f32,
    /// Also mark DATE and MONEY mentions by the rules of `entities.ner`.
    pub dates_and_money: bool,
    /// Also run the attribution head and leave its tags for `quotes.encoder` (ext:encoder).
    pub attribution: bool,
    /// Windows per forward pass (windows of several documents share batches).
    pub batch_windows: usize,
    /// The cased tagger whose capitalised names stand where the uncased encoder missed them
    /// (an `entities.ner` model file relative to the data directory); empty: none.
    pub cased_tagger: String,
}

impl Default for EncoderTchConfig {
    fn default() -> Self {
        EncoderTchConfig {
            model: DEFAULT_ENCODER_DIR.to_string(),
            device: "cpu".to_string(),
            min_confidence: 0.0,
            dates_and_money: true,
            attribution: true,
            batch_windows: 8,
            // entities.ner's DEFAULT_MODEL, as entities.encoder's default (checked under torch).
            cased_tagger: "models/entities/ner.bin".to_string(),
        }
    }
}

/// Factory of `entities.encoder_tch`.
pub struct EncoderTchFactory;

impl TypedFactory for EncoderTchFactory {
    type Config = EncoderTchConfig;
    const NAME: &'static str = ENCODER_TCH_STAGE;
    const DESCRIPTION: &'static str =
        "entities.encoder with its forward pass on libtorch (device cpu, cuda or cuda:N; needs the `bert` feature): the same mentions and attribution tags for quotes.encoder";
    const VERSION: &'static str = "1";

    fn io(&self, config: &EncoderTchConfig) -> StageIo {
        let mut produces = vec![layer::MENTIONS];
        if config.attribution {
            produces.push(Layer::extension(ENCODER_EXTENSION));
        }
        StageIo::new(&[layer::TOKENS, layer::SENTENCES], &produces)
    }

    fn check(&self, config: &EncoderTchConfig) -> Vec<ConfigIssue> {
        let mut issues = Vec::new();
        if let Err(e) = DeviceSpec::parse(&config.device) {
            issues.push(ConfigIssue::new("device", e.to_string()));
        }
        if !(0.0..=1.0).contains(&config.min_confidence) {
            issues.push(ConfigIssue::new(
                "min_confidence",
                "must be between 0 and 1",
            ));
        }
        if !(1..=256).contains(&config.batch_windows) {
            issues.push(ConfigIssue::new(
                "batch_windows",
                "must be between 1 and 256",
            ));
        }
        issues
    }

    fn build(
        &self,
        config: EncoderTchConfig,
        context: &BuildContext,
    ) -> Result<Box<dyn Stage>, StageError> {
        build(config, context)
    }
}

#[cfg(feature = "torch")]
fn build(config: EncoderTchConfig, context: &BuildContext) -> Result<Box<dyn Stage>, StageError> {
    let build_error = |message: String| StageError::Build {
        stage: ENCODER_TCH_STAGE.to_string(),
        message,
    };
    let dir = context.resolve(&config.model);
    let model = crate::tch_encoder::load_tch_encoder(&dir, &config.device)
        .map_err(|e| build_error(e.to_string()))?;
    let stage = stancegraph_encoder::stage::EntitiesEncoderStage::new(
        model,
        config.encoder_config(),
        context,
        ENCODER_TCH_STAGE,
    )?;
    Ok(Box::new(stage))
}

#[cfg(not(feature = "torch"))]
fn build(_config: EncoderTchConfig, _context: &BuildContext) -> Result<Box<dyn Stage>, StageError> {
    Err(StageError::Build {
        stage: ENCODER_TCH_STAGE.to_string(),
        message: crate::BertError::NotCompiled {
            stage: ENCODER_TCH_STAGE.to_string(),
        }
        .to_string(),
    })
}

#[cfg(feature = "torch")]
impl EncoderTchConfig {
    /// The shared stage's config (f32 products: `int8` is candle's option).
    pub fn encoder_config(&self) -> stancegraph_encoder::stage::EntitiesEncoderConfig {
        stancegraph_encoder::stage::EntitiesEncoderConfig {
            model: self.model.clone(),
            min_confidence: self.min_confidence,
            dates_and_money: self.dates_and_money,
            attribution: self.attribution,
            batch_windows: self.batch_windows,
            int8: false,
            cased_tagger: self.cased_tagger.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use stancegraph_core::Registry;

    fn registry() -> Registry {
        let mut registry = Registry::new();
        crate::register(&mut registry);
        registry
    }

    #[test]
    fn registers_and_validates_without_libtorch() {
        let registry = registry();
        let factory = registry.get(ENCODER_TCH_STAGE).expect("registered");
        for device in ["cpu", "cuda", "cuda:1", "CUDA:0"] {
            let issues = factory.validate(&serde_json::json!({ "device": device }));
            assert!(issues.is_empty(), "{device}: {issues:?}");
        }
        let io = factory.io(&serde_json::json!({}));
        assert!(io.produces.contains("ext:encoder"), "{io:?}");
    }

    #[test]
    fn a_bad_device_is_a_config_error_naming_it() {
        let registry = registry();
        let factory = registry.get(ENCODER_TCH_STAGE).expect("registered");
        for device in ["gpu", "cuda:x", "cuda:-1", "tpu:0", ""] {
            let issues = factory.validate(&serde_json::json!({ "device": device }));
            assert_eq!(issues.len(), 1, "{device}: {issues:?}");
            assert_eq!(issues[0].path, "device");
            let message = &issues[0].message;
            assert!(message.contains(&format!("`{device}`")), "{message}");
        }
        // int8 is candle's key: a config copied from entities.encoder says so.
        assert!(!factory
            .validate(&serde_json::json!({ "int8": true }))
            .is_empty());
    }

    #[cfg(not(feature = "torch"))]
    #[test]
    fn build_without_torch_explains_how_to_enable_it() {
        let context = BuildContext {
            data_dir: "data".into(),
            config_path: "stages[4]".into(),
        };
        let error = registry()
            .get(ENCODER_TCH_STAGE)
            .expect("registered")
            .build(&serde_json::json!({}), &context)
            .err()
            .expect("no libtorch");
        assert!(error.to_string().contains("--features bert"), "{error}");
    }

    #[cfg(feature = "torch")]
    #[test]
    fn defaults_are_the_candle_stage_defaults_in_f32() {
        let ours = EncoderTchConfig::default().encoder_config();
        let candle = stancegraph_encoder::stage::EntitiesEncoderConfig {
            int8: false,
            ..Default::default()
        };
        assert_eq!(ours, candle);
        assert_eq!(DEFAULT_ENCODER_DIR, stancegraph_encoder::DEFAULT_MODEL_DIR);
        assert_eq!(ENCODER_EXTENSION, stancegraph_encoder::stage::EXTENSION);
    }
}
