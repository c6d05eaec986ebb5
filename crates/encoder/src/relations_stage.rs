//! The `relations.encoder` stage: the rules of `relations.rules` with encoder models as
//! their learned readers. The sentiment encoder (data/sentiment-encoder) reads how a quote
//! speaks about each actor it names, and the stance pair encoder (data/stance-encoder)
//! reads the actor pairs of each sentence, in place of the linear NewsMTSC and SEESAW
//! classifiers. Each reader is called once per document with every query of the document.
//!
//! Confidence stays a probability: the pair encoder's directory holds `calibration.json`,
//! isotonic maps per stance source (`pair`, `quote`) fitted on the SEESAW train stories the
//! encoder never saw; they replace the linear model's maps for those sources.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use stancegraph_core::{
    layer, BuildContext, ConfigIssue, Document, Stage, StageError, StageIo, TypedFactory,
};
use stancegraph_relations::calibration::Calibration;
use stancegraph_relations::{
    load_extractor, Extractor, PairScorer, RelationsConfig, RelationsError, SentencePairs,
    TargetQuery, TargetScorer, DEFAULT_MODEL_DIR,
};

use crate::sentiment::{SentimentModel, DEFAULT_SENTIMENT_DIR};
use crate::stance::{StancePairModel, DEFAULT_STANCE_DIR};
use crate::EncoderError;

/// Registered name of the stage (recorded on its stances and relations).
pub const RELATIONS_STAGE: &str = "relations.encoder";
/// The calibration file inside the pair model's directory.
pub const CALIBRATION_FILE: &str = "calibration.json";

/// Config of `relations.encoder`: the keys of `relations.rules` and the encoder models.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RelationsEncoderConfig {
    /// Directory with the lexicons and the linear stance model (as `relations.rules`).
    pub model_dir: String,
    /// Read stances toward actors named in quotes.
    pub use_quotes: bool,
    /// Drop stances less confident than this (confidence is a calibrated probability).
    pub min_confidence: f32,
    /// Sentiment encoder directory (relative paths: the data directory); empty = the
    /// linear NewsMTSC classifier.
    pub sentiment_model: String,
    /// A quote's sentiment toward an actor counts when P(negative) or P(positive) reaches
    /// this.
    pub sentiment_threshold: f32,
    /// Stance pair encoder directory (relative paths: the data directory); empty = the
    /// linear SEESAW classifier.
    pub pair_model: String,
    /// A pair takes a stance when the encoder's P(support) + P(oppose) reaches this.
    pub pair_threshold: f32,
    /// int8 matrix products on CPUs with AVX-512 VNNI (f32 otherwise or when false).
    pub int8: bool,
    /// Map raw scores to probabilities (the linear model's maps, and `calibration.json`
    /// of the pair model); false keeps raw scores, which is what the calibration is
    /// fitted on (`stancegraph train stance-calibration`).
    pub calibrate: bool,
}

impl Default for RelationsEncoderConfig {
    fn default() -> Self {
        let rules = RelationsConfig::default();
        RelationsEncoderConfig {
            model_dir: DEFAULT_MODEL_DIR.to_string(),
            use_quotes: rules.use_quotes,
            min_confidence: rules.min_confidence,
            sentiment_model: DEFAULT_SENTIMENT_DIR.to_string(),
            sentiment_threshold: 0.5,
            pair_model: DEFAULT_STANCE_DIR.to_string(),
            pair_threshold: 0.5,
            int8: true,
            calibrate: true,
        }
    }
}

/// Factory of `relations.encoder`.
pub struct RelationsEncoderFactory;

impl TypedFactory for RelationsEncoderFactory {
    type Config = RelationsEncoderConfig;
    const NAME: &'static str = RELATIONS_STAGE;
    const DESCRIPTION: &'static str =
        "Stances and relations by the rules of relations.rules, with a fine-tuned MiniLM (candle) reading actor pairs (SEESAW) and the sentiment of quotes toward the actors they name (NewsMTSC)";
    const VERSION: &'static str = "1";

    fn io(&self, _config: &RelationsEncoderConfig) -> StageIo {
        StageIo::new(
            &[
                layer::SENTENCES,
                layer::TOKENS,
                layer::POS,
                layer::MENTIONS,
                layer::ENTITIES,
                layer::QUOTES,
            ],
            &[layer::STANCES, layer::RELATIONS],
        )
        .merging(&[layer::STANCES, layer::RELATIONS])
    }

    fn check(&self, config: &RelationsEncoderConfig) -> Vec<ConfigIssue> {
        let mut issues = Vec::new();
        for (key, value) in [
            ("min_confidence", config.min_confidence),
            ("sentiment_threshold", config.sentiment_threshold),
            ("pair_threshold", config.pair_threshold),
        ] {
            if !(0.0..=1.0).contains(&value) {
                issues.push(ConfigIssue::new(key, "must lie in 0..1"));
            }
        }
        if config.model_dir.trim().is_empty() {
            issues.push(ConfigIssue::new(
                "model_dir",
                "must name the relations model directory",
            ));
        }
        issues
    }

    fn build(
        &self,
        config: RelationsEncoderConfig,
        context: &BuildContext,
    ) -> Result<Box<dyn Stage>, StageError> {
        let build_error = |key: &str, message: String| StageError::Build {
            stage: RELATIONS_STAGE.to_string(),
            message: format!("{key}: {message}"),
        };
        let rules = RelationsConfig {
            model_dir: config.model_dir.clone(),
            use_model: true,
            use_quotes: config.use_quotes,
            min_confidence: config.min_confidence,
        };
        let mut extractor = load_extractor(&context.resolve(&config.model_dir), &rules)
            .map_err(|e| build_error("model_dir", e.to_string()))?;
        extractor.stage = RELATIONS_STAGE.to_string();
        if !config.sentiment_model.is_empty() {
            let dir = stancegraph_assets::disk_dir(&context.resolve(&config.sentiment_model));
            let model = SentimentModel::load_with(&dir, config.int8)
                .map_err(|e| build_error("sentiment_model", with_hint(&dir, e)))?;
            extractor = extractor.with_target_scorer(Arc::new(SentimentScorer {
                model,
                threshold: config.sentiment_threshold,
            }));
        }
        if !config.pair_model.is_empty() {
            let dir = stancegraph_assets::disk_dir(&context.resolve(&config.pair_model));
            let model = StancePairModel::load_with(&dir, config.int8)
                .map_err(|e| build_error("pair_model", with_hint(&dir, e)))?;
            let calibration =
                read_calibration(&dir).map_err(|e| build_error("pair_model", e.to_string()))?;
            extractor = with_calibration(extractor, calibration.as_ref());
            extractor = extractor.with_pair_scorer(Arc::new(PairEncoderScorer {
                model,
                threshold: config.pair_threshold,
            }));
        }
        if !config.calibrate {
            if let Some(model) = extractor.model.as_mut() {
                model.calibration = None;
            }
        }
        Ok(Box::new(RelationsEncoderStage(extractor)))
    }
}

/// An encoder load error, with a hint when the directory is missing: these weights are
/// read from the data directory, never embedded.
fn with_hint(dir: &Path, error: EncoderError) -> String {
    if dir.is_dir() {
        error.to_string()
    } else {
        format!(
            "{error} (the encoder weights are not embedded in the binary: run with --data-dir pointing at the project's data/ directory, or set STANCEGRAPH_DATA)"
        )
    }
}

/// The calibration maps of a pair model directory (`None` when it has none).
pub fn read_calibration(dir: &Path) -> Result<Option<Calibration>, EncoderError> {
    let path: PathBuf = dir.join(CALIBRATION_FILE);
    if !path.is_file() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&path).map_err(|source| EncoderError::Read {
        path: path.clone(),
        source,
    })?;
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|source| EncoderError::Json { path, source })
}

/// `extractor` with `calibration`'s maps replacing its model's maps of the same sources.
pub fn with_calibration(mut extractor: Extractor, calibration: Option<&Calibration>) -> Extractor {
    let (Some(calibration), Some(model)) = (calibration, extractor.model.as_mut()) else {
        return extractor;
    };
    let mut merged = model.calibration.clone().unwrap_or_default();
    for (source, map) in &calibration.by_source {
        merged.by_source.insert(source.clone(), map.clone());
    }
    if let Some(best) = calibration.best_min_confidence {
        merged.best_min_confidence = Some(best);
    }
    model.calibration = Some(merged);
    extractor
}

/// The `relations.encoder` stage.
pub struct RelationsEncoderStage(Extractor);

impl RelationsEncoderStage {
    /// The stage around a ready extractor (tests, evaluation).
    pub fn new(extractor: Extractor) -> Self {
        RelationsEncoderStage(extractor)
    }
}

impl Stage for RelationsEncoderStage {
    fn process(&self, doc: &mut Document) -> Result<(), StageError> {
        self.0.annotate(doc).map_err(StageError::other)
    }
}

/// An encoder failure as the relations error of document `doc`.
fn scorer_error(doc: &str, scorer: &str, error: EncoderError) -> RelationsError {
    RelationsError::Scorer {
        doc: doc.to_string(),
        scorer: scorer.to_string(),
        message: error.to_string(),
    }
}

/// The sentiment encoder as the relations crate's target scorer.
#[derive(Debug)]
pub struct SentimentScorer {
    /// The loaded model.
    pub model: SentimentModel,
    /// See [`RelationsEncoderConfig::sentiment_threshold`].
    pub threshold: f32,
}

impl TargetScorer for SentimentScorer {
    fn score_targets(
        &self,
        doc: &str,
        batch: &[TargetQuery<'_>],
    ) -> Result<Vec<[f32; 3]>, RelationsError> {
        let windows = batch
            .iter()
            .map(|q| self.model.text_window(q.sentence, q.target.clone()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| scorer_error(doc, "sentiment encoder", e))?;
        self.model
            .predict(&windows)
            .into_iter()
            .map(|r| {
                r.map(|s| s.probs)
                    .map_err(|e| scorer_error(doc, "sentiment encoder", e))
            })
            .collect()
    }

    fn threshold(&self) -> f32 {
        self.threshold
    }
}

/// The stance pair encoder as the relations crate's pair scorer.
#[derive(Debug)]
pub struct PairEncoderScorer {
    /// The loaded model.
    pub model: StancePairModel,
    /// See [`RelationsEncoderConfig::pair_threshold`].
    pub threshold: f32,
}

impl PairScorer for PairEncoderScorer {
    fn score_pairs(
        &self,
        doc: &str,
        batch: &[SentencePairs<'_>],
    ) -> Result<Vec<[f32; 3]>, RelationsError> {
        // A mention nested in the other ("Chinese" in "the Chinese government") cannot be
        // marked apart, and is part of it rather than someone it takes a stance toward:
        // such pairs read as `none` without the model.
        let mut windows = Vec::new();
        let mut marked = Vec::new();
        for sentence in batch {
            for (holder, target) in &sentence.pairs {
                let nested = holder.start < target.end && target.start < holder.end;
                marked.push(!nested);
                if !nested {
                    windows.push(
                        self.model
                            .window(sentence.sentence, holder.clone(), target.clone())
                            .map_err(|e| scorer_error(doc, "stance pair encoder", e))?,
                    );
                }
            }
        }
        let mut scored = self.model.predict(&windows).into_iter();
        marked
            .into_iter()
            .map(|marked| {
                if !marked {
                    return Ok([1.0, 0.0, 0.0]);
                }
                scored
                    .next()
                    .unwrap_or_else(|| {
                        Err(EncoderError::Inference {
                            context: "stance pairs".into(),
                            reason: "fewer results than inputs".into(),
                        })
                    })
                    .map_err(|e| scorer_error(doc, "stance pair encoder", e))
            })
            .collect()
    }

    fn threshold(&self) -> f32 {
        self.threshold
    }
}
