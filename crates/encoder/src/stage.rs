//! The `entities.encoder` and `quotes.encoder` stages.
//!
//! `entities.encoder` runs the encoder once per document for all its heads: the NER head
//! gives the `mentions` layer (typed and filtered as `entities.ner` does, plus the same DATE
//! and MONEY rules), the attribution head gives role tags that it leaves in the extension
//! layer `ext:encoder`. `quotes.encoder`, after `entities.resolve`, turns those tags into the
//! `quotes` layer with the quotes crate's own linking and speaker resolution, and removes
//! `ext:encoder` again, so that documents carry exactly the layers of the default pipeline.

use std::path::PathBuf;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use stancegraph_core::{
    layer, BuildContext, ConfigIssue, Document, Layer, Registry, Stage, StageError, StageIo,
    TypedFactory,
};
use stancegraph_entities::{Lexicon, NerModel};
use stancegraph_quotes::{AttributionConfig, Attributor};

use crate::layers::{
    attribution_tag, bio_runs, merge_cased_runs, name_mentions, normalise_token, trim_run_edges,
    LabelledRun, ENTITIES_STAGE, QUOTES_STAGE,
};
use crate::model::{DocumentScores, EncoderModel};
use crate::windows::DocumentWindows;
use crate::EncoderError;

/// The shipped model directory, relative to the project's `data/` directory.
pub const DEFAULT_MODEL_DIR: &str = "models/encoder";
/// Namespace of the extension layer that carries attribution tags between the two stages.
pub const EXTENSION: &str = "encoder";
/// Head names read from heads.json.
pub const NER_TASK: &str = "ner";
/// See [`NER_TASK`].
pub const ATTRIBUTION_TASK: &str = "attribution";

/// Registers `entities.encoder` and `quotes.encoder`.
pub fn register(registry: &mut Registry) {
    registry.register_typed(EntitiesEncoderFactory);
    registry.register_typed(QuotesEncoderFactory);
    registry.register_typed(crate::relations_stage::RelationsEncoderFactory);
}

/// Config of `entities.encoder`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EntitiesEncoderConfig {
    /// Model directory (config.json, vocab.txt, heads.json, model.safetensors); relative
    /// paths resolve against the project's `data/` directory.
    pub model: String,
    /// Mentions whose mean label probability is below this are dropped.
    pub min_confidence: f32,
    /// Also mark dates and amounts of money (DATE / MONEY mentions, by the rules of
    /// `entities.ner`).
    pub dates_and_money: bool,
    /// Also run the attribution head and leave its tags for `quotes.encoder` (ext:encoder).
    pub attribution: bool,
    /// Windows per encoder batch (windows of several documents share batches).
    pub batch_windows: usize,
    /// int8 matrix products in the encoder's dense layers (activations quantised per row) on
    /// CPUs with AVX-512 VNNI: about 1.8× faster, same accuracy within noise; false (or a CPU
    /// without VNNI) runs them in f32.
    pub int8: bool,
    /// The cased tagger (an `entities.ner` model file, relative to the data directory) whose
    /// capitalised names stand where the uncased encoder missed them or broke them up
    /// ("He Lifeng" read as "he" + "lifeng"); empty: the encoder's names alone.
    pub cased_tagger: String,
}

impl Default for EntitiesEncoderConfig {
    fn default() -> Self {
        EntitiesEncoderConfig {
            model: DEFAULT_MODEL_DIR.to_string(),
            min_confidence: 0.0,
            dates_and_money: true,
            attribution: true,
            batch_windows: 8,
            int8: true,
            cased_tagger: stancegraph_entities::DEFAULT_MODEL.to_string(),
        }
    }
}

/// Factory of `entities.encoder`.
pub struct EntitiesEncoderFactory;

impl TypedFactory for EntitiesEncoderFactory {
    type Config = EntitiesEncoderConfig;
    const NAME: &'static str = ENTITIES_STAGE;
    const DESCRIPTION: &'static str =
        "Named entities from a fine-tuned MiniLM encoder on candle (pure Rust): PER, ORG, GPE, LOC, NORP, MISC mentions, DATE and MONEY by rules; attribution tags for quotes.encoder";
    const VERSION: &'static str = "1";

    fn io(&self, config: &EntitiesEncoderConfig) -> StageIo {
        let mut produces = vec![layer::MENTIONS];
        if config.attribution {
            produces.push(Layer::extension(EXTENSION));
        }
        StageIo::new(&[layer::TOKENS, layer::SENTENCES], &produces)
    }

    fn check(&self, config: &EntitiesEncoderConfig) -> Vec<ConfigIssue> {
        let mut issues = Vec::new();
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
        config: EntitiesEncoderConfig,
        context: &BuildContext,
    ) -> Result<Box<dyn Stage>, StageError> {
        let dir: PathBuf = context.resolve(&config.model);
        let model = EncoderModel::load_with(&dir, config.int8).map_err(|e| StageError::Build {
            stage: ENTITIES_STAGE.to_string(),
            message: e.to_string(),
        })?;
        let stage = EntitiesEncoderStage::new(model, config, context, ENTITIES_STAGE)?;
        Ok(Box::new(stage))
    }
}

/// The `entities.encoder` stage; [`EntitiesEncoderStage::process_batch`] encodes the windows
/// of all documents of a batch together.
pub struct EntitiesEncoderStage {
    model: Arc<EncoderModel>,
    /// See [`EntitiesEncoderConfig::cased_tagger`].
    cased: Option<NerModel>,
    lexicon: Lexicon,
    ner: usize,
    attribution: Option<usize>,
    config: EntitiesEncoderConfig,
}

impl EntitiesEncoderStage {
    /// The stage over a loaded model, whichever backend runs its forward pass (candle here,
    /// libtorch in crates/bert's `entities.encoder_tch`): checks its heads against `config`
    /// and loads the cased tagger. `stage` names the registered stage in errors; mentions
    /// always carry [`ENTITIES_STAGE`] (same model, same layer, whatever the backend).
    pub fn new(
        model: EncoderModel,
        config: EntitiesEncoderConfig,
        context: &BuildContext,
        stage: &str,
    ) -> Result<EntitiesEncoderStage, StageError> {
        let build_error = |message: String| StageError::Build {
            stage: stage.to_string(),
            message,
        };
        let dir = model.dir().to_path_buf();
        let ner = model.head_index(NER_TASK).ok_or_else(|| {
            build_error(format!(
                "{}: heads.json has no `{NER_TASK}` head",
                dir.display()
            ))
        })?;
        let attribution = if config.attribution {
            Some(model.head_index(ATTRIBUTION_TASK).ok_or_else(|| {
                build_error(format!(
                    "{}: heads.json has no `{ATTRIBUTION_TASK}` head (set attribution = false to tag entities only)",
                    dir.display()
                ))
            })?)
        } else {
            None
        };
        let cased = if config.cased_tagger.is_empty() {
            None
        } else {
            let path = context.resolve(&config.cased_tagger);
            Some(
                NerModel::load(&path)
                    .map_err(|e| build_error(format!("cased_tagger {}: {e}", path.display())))?,
            )
        };
        Ok(EntitiesEncoderStage {
            model: Arc::new(model),
            cased,
            lexicon: Lexicon::builtin(),
            ner,
            attribution,
            config,
        })
    }

    /// Scores every document, then writes its layers; one result per document.
    fn annotate(&self, docs: &mut [Document]) -> Vec<Result<(), EncoderError>> {
        let mut prepared: Vec<Result<(Vec<String>, DocumentWindows), EncoderError>> = Vec::new();
        for doc in docs.iter() {
            let words: Vec<String> = doc
                .tokens
                .iter()
                .map(|t| normalise_token(doc.slice(t.span)))
                .collect();
            prepared.push(
                self.model
                    .windows(&words, self.model.spec().windows())
                    .map(|w| (words, w)),
            );
        }
        let ok: Vec<usize> = (0..docs.len()).filter(|&d| prepared[d].is_ok()).collect();
        let windows: Vec<DocumentWindows> = ok
            .iter()
            .filter_map(|&d| prepared[d].as_ref().ok().map(|(_, w)| w.clone()))
            .collect();
        let names: Vec<&str> = ok.iter().map(|&d| docs[d].id.as_str()).collect();
        let scored = self.model.score(
            &windows,
            &names,
            self.config.batch_windows,
            &stancegraph_core::over_budget,
        );
        let mut scores: Vec<Option<Result<DocumentScores, EncoderError>>> =
            (0..docs.len()).map(|_| None).collect();
        for (&d, s) in ok.iter().zip(scored) {
            scores[d] = Some(s);
        }
        let mut results = Vec::with_capacity(docs.len());
        for ((doc, prep), score) in docs.iter_mut().zip(prepared).zip(scores) {
            let result = match (prep, score) {
                (Err(e), _) => Err(e),
                (Ok(_), Some(Err(e))) => Err(e),
                (Ok((words, _)), Some(Ok(score))) => {
                    self.write_layers(doc, &words, &score);
                    Ok(())
                }
                (Ok(_), None) => Err(EncoderError::Inference {
                    context: format!("document {}", doc.id),
                    reason: "was not scored".into(),
                }),
            };
            results.push(result);
        }
        results
    }

    fn write_layers(&self, doc: &mut Document, words: &[String], score: &DocumentScores) {
        let head = &self.model.heads()[self.ner];
        let n = head.spec.labels.len();
        let log_probs = &score.heads[self.ner];
        let mut decoded = Vec::new();
        for s in 0..doc.sentences.len() {
            let range = doc.sentence_token_range(s);
            if range.is_empty() || range.end > score.tokens {
                continue;
            }
            let rows = &log_probs[range.start * n..range.end * n];
            let path = head.constraints.viterbi(rows, head.transitions.as_deref());
            let probs: Vec<f32> = path
                .iter()
                .enumerate()
                .map(|(i, &l)| rows[i * n + l].exp())
                .collect();
            decoded.extend(bio_runs(&head.spec.labels, &path, &probs, range.start));
        }
        // The token opens its sentence or a quotation.
        let opens_sentence = |t: usize| {
            let Some(range) = doc
                .tokens
                .get(t)
                .map(|token| doc.sentence_token_range(token.sentence as usize))
            else {
                return false;
            };
            words
                .get(range.start..t)
                .is_some_and(stancegraph_entities::opens_sentence_or_quote)
        };
        let mut runs = trim_run_edges(decoded, words, opens_sentence, &self.lexicon);
        if let Some(cased) = &self.cased {
            let capitalised = |t: usize| {
                doc.tokens
                    .get(t)
                    .and_then(|token| doc.slice(token.span).chars().next())
                    .is_some_and(char::is_uppercase)
            };
            // Only names capitalised throughout are a second opinion; their edges are
            // trimmed after that test, so "It 's" or "This ," never becomes "It" or "This".
            let names: Vec<LabelledRun> = cased_runs(cased, doc, words)
                .into_iter()
                .filter(|name| (name.first..=name.last).all(capitalised))
                .collect();
            runs = merge_cased_runs(
                runs,
                &trim_run_edges(names, words, opens_sentence, &self.lexicon),
                capitalised,
            );
        }
        let mut mentions =
            name_mentions(doc, words, &runs, &self.lexicon, self.config.min_confidence);
        if self.config.dates_and_money {
            let extra = stancegraph_entities::date_and_money_mentions(doc, &mentions);
            mentions.extend(extra);
            mentions.sort_by_key(|m| (m.span.start, m.span.end));
        }
        doc.mentions = mentions;
        if let Some(a) = self.attribution {
            let value =
                attribution_layer(doc, &self.model.heads()[a], &score.heads[a], score.tokens);
            doc.extensions.insert(EXTENSION.to_string(), value);
        }
    }
}

/// The cased tagger's names, as typed runs over document tokens.
fn cased_runs(model: &NerModel, doc: &Document, words: &[String]) -> Vec<LabelledRun> {
    let ranges: Vec<std::ops::Range<usize>> = (0..doc.sentences.len())
        .map(|s| doc.sentence_token_range(s))
        .filter(|r| r.end <= words.len())
        .collect();
    let sentences: Vec<Vec<&str>> = ranges
        .iter()
        .map(|r| words[r.clone()].iter().map(String::as_str).collect())
        .collect();
    let tagged = model.tag_document(&sentences);
    ranges
        .iter()
        .zip(tagged)
        .flat_map(|(range, entities)| {
            entities
                .into_iter()
                .filter(|e| e.end > e.start)
                .map(move |e| LabelledRun {
                    first: range.start + e.start,
                    last: range.start + e.end - 1,
                    kind: e.label().to_string(),
                    confidence: e.confidence,
                })
        })
        .collect()
}

/// Role tags of the attribution head, decoded paragraph by paragraph (as the quotes tagger
/// decodes): `{"tokens": n, "tags": [[token, tag, margin], ...]}` for every non-O token, tag in
/// the quotes tagger's numbering, margin = log-probability over the best other label.
fn attribution_layer(
    doc: &Document,
    head: &crate::model::Head,
    log_probs: &[f32],
    tokens: usize,
) -> serde_json::Value {
    let n = head.spec.labels.len();
    let mut tags = Vec::new();
    for (from, to) in stancegraph_quotes::tagger::segments(doc, &[]) {
        let to = to.min(tokens);
        if from >= to {
            continue;
        }
        let rows = &log_probs[from * n..to * n];
        let path = head.constraints.viterbi(rows, head.transitions.as_deref());
        for (i, &label) in path.iter().enumerate() {
            let tag = attribution_tag(&head.spec.labels[label]);
            if tag == 0 {
                continue;
            }
            let row = &rows[i * n..(i + 1) * n];
            let other = row
                .iter()
                .enumerate()
                .filter(|&(k, _)| k != label)
                .map(|(_, &v)| v)
                .fold(f32::NEG_INFINITY, f32::max);
            let margin = if other.is_finite() {
                row[label] - other
            } else {
                0.0
            };
            tags.push(serde_json::json!([from + i, tag, margin]));
        }
    }
    serde_json::json!({ "tokens": tokens, "tags": tags })
}

impl Stage for EntitiesEncoderStage {
    fn process(&self, doc: &mut Document) -> Result<(), StageError> {
        self.process_batch(std::slice::from_mut(doc))
            .pop()
            .unwrap_or(Ok(()))
    }

    fn process_batch(&self, docs: &mut [Document]) -> Vec<Result<(), StageError>> {
        self.annotate(docs)
            .into_iter()
            .map(|r| r.map_err(StageError::other))
            .collect()
    }
}

/// Factory of `quotes.encoder`; its config is the one of `quotes.attribution` (the cue
/// lexicon and rules are shared, the tagger weights are only read for their lexicon's sake).
pub struct QuotesEncoderFactory;

impl TypedFactory for QuotesEncoderFactory {
    type Config = AttributionConfig;
    const NAME: &'static str = QUOTES_STAGE;
    const DESCRIPTION: &'static str =
        "Direct, mixed and reported quotes from the encoder's attribution tags (left by entities.encoder), linked and resolved to speakers as quotes.attribution does";
    const VERSION: &'static str = "1";

    fn io(&self, _config: &AttributionConfig) -> StageIo {
        StageIo::new(
            &[
                layer::SENTENCES,
                layer::TOKENS,
                layer::DEPS,
                layer::MENTIONS,
                layer::ENTITIES,
                Layer::extension(EXTENSION),
            ],
            // ext:encoder is consumed: the stage removes it.
            &[layer::QUOTES, Layer::extension(EXTENSION)],
        )
    }

    fn check(&self, config: &AttributionConfig) -> Vec<ConfigIssue> {
        let mut issues = Vec::new();
        if !(0.0..=1.0).contains(&config.min_confidence) {
            issues.push(ConfigIssue::new(
                "min_confidence",
                "must be between 0 and 1",
            ));
        }
        if let Err(message) = stancegraph_quotes::classes::parse_classes(&config.classes) {
            issues.push(ConfigIssue::new("classes", message));
        }
        issues
    }

    fn build(
        &self,
        config: AttributionConfig,
        context: &BuildContext,
    ) -> Result<Box<dyn Stage>, StageError> {
        let build_error = |message: String| StageError::Build {
            stage: QUOTES_STAGE.to_string(),
            message,
        };
        let classes =
            stancegraph_quotes::classes::parse_classes(&config.classes).map_err(build_error)?;
        let attributor = Attributor::from_files(
            &context.resolve(&config.model),
            &context.resolve(&config.lexicon),
        )
        .map_err(|e| build_error(e.to_string()))?
        .with_min_confidence(config.min_confidence)
        .with_join_interrupted(config.join_interrupted)
        .with_classes(classes);
        Ok(Box::new(QuotesEncoderStage { attributor }))
    }
}

/// The `quotes.encoder` stage.
pub struct QuotesEncoderStage {
    attributor: Attributor,
}

impl Stage for QuotesEncoderStage {
    fn process(&self, doc: &mut Document) -> Result<(), StageError> {
        let (tags, margins) = read_attribution_layer(doc).map_err(StageError::other)?;
        doc.quotes = self
            .attributor
            .find_with_tags(doc, &tags, &margins, QUOTES_STAGE);
        doc.extensions.remove(EXTENSION);
        Ok(())
    }
}

/// Per-token tags and margins from ext:encoder.
fn read_attribution_layer(doc: &Document) -> Result<(Vec<usize>, Vec<f32>), EncoderError> {
    let fail = |reason: &str| EncoderError::Config {
        stage: QUOTES_STAGE.to_string(),
        reason: format!("document {}: {reason}", doc.id),
    };
    let layer = doc.extensions.get(EXTENSION).ok_or_else(|| {
        fail(
            "no ext:encoder layer (run entities.encoder with attribution = true before this stage)",
        )
    })?;
    let tokens = layer.get("tokens").and_then(|t| t.as_u64()).unwrap_or(0) as usize;
    if tokens != doc.tokens.len() {
        return Err(fail(&format!(
            "ext:encoder has tags for {tokens} tokens, the document has {}",
            doc.tokens.len()
        )));
    }
    let mut tags = vec![0usize; tokens];
    let mut margins = vec![0f32; tokens];
    for entry in layer
        .get("tags")
        .and_then(|t| t.as_array())
        .into_iter()
        .flatten()
    {
        let (Some(t), Some(tag), Some(margin)) = (
            entry.get(0).and_then(|v| v.as_u64()),
            entry.get(1).and_then(|v| v.as_u64()),
            entry.get(2).and_then(|v| v.as_f64()),
        ) else {
            return Err(fail("malformed ext:encoder entry"));
        };
        let t = t as usize;
        if t >= tokens || tag >= stancegraph_quotes::tagger::TAGS as u64 {
            return Err(fail("ext:encoder entry out of range"));
        }
        tags[t] = tag as usize;
        margins[t] = margin as f32;
    }
    Ok((tags, margins))
}
