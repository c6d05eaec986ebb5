use std::path::PathBuf;

use serde::{de::DeserializeOwned, Serialize};
use sha2::{Digest, Sha256};

use crate::{
    error::{ConfigIssue, StageError},
    layer::{Layer, Layers},
    Document,
};

/// One step of a pipeline. Stages are synchronous and shared by all worker threads
/// (`&self`); a stage with mutable state guards it itself.
///
/// The runner calls [`Stage::process_batch`] with up to `runner.batch_size` documents at a
/// time (in input order); its default runs [`Stage::process`] on each. A stage for which
/// batching is cheaper (a transformer on a GPU) overrides `process_batch`. Either way every
/// document gets its own result, and a failing document fails alone: the runner records
/// its failure and keeps the others of the batch going.
pub trait Stage: Send + Sync {
    /// Annotates one document in place. An error fails this document only.
    fn process(&self, doc: &mut Document) -> Result<(), StageError>;

    /// Annotates several documents; override when batching is cheaper (e.g. a
    /// transformer on a GPU). Must return exactly one result per document, in order; an
    /// `Err` fails that document only. The time budget ([`over_budget`]) is the one of
    /// the batch's first document: a long batch should check it between documents.
    fn process_batch(&self, docs: &mut [Document]) -> Vec<Result<(), StageError>> {
        docs.iter_mut().map(|doc| self.process(doc)).collect()
    }
}

/// How a stage writes one of the layers it produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WriteMode {
    /// The stage sets the whole layer; whatever earlier stages wrote there is gone.
    Replace,
    /// The stage adds its records to the layer and keeps those of other stages; records it
    /// made itself on an earlier run (same `stage` field) are replaced, so running the
    /// stage twice gives the same document as running it once.
    Merge,
}

/// The layers a configured stage reads and writes.
///
/// Every produced layer is replaced whole unless it is listed in [`StageIo::merges`]
/// (see [`WriteMode`]); build one with [`StageIo::new`] and, for merged layers,
/// [`StageIo::merging`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StageIo {
    /// Layers that an earlier stage must have produced.
    pub requires: Layers,
    /// Layers this stage writes.
    pub produces: Layers,
    /// The produced layers the stage merges into rather than replaces.
    pub merges: Layers,
}

impl StageIo {
    /// A stage that reads `requires` and replaces every layer of `produces`.
    pub fn new(requires: &[Layer], produces: &[Layer]) -> Self {
        StageIo {
            requires: requires.into(),
            produces: produces.into(),
            merges: Layers::default(),
        }
    }

    /// The same declaration with `layers` merged into (they are added to `produces` when
    /// missing there).
    pub fn merging(mut self, layers: &[Layer]) -> Self {
        let mut produces = std::mem::take(&mut self.produces).into_vec();
        for layer in layers {
            if !produces.contains(layer) {
                produces.push(layer.clone());
            }
        }
        self.produces = produces.into();
        self.merges = layers.into();
        self
    }

    /// How the stage writes `layer` (`None` when it does not produce it).
    pub fn write_mode(&self, layer: &Layer) -> Option<WriteMode> {
        if self.merges.contains(layer) {
            Some(WriteMode::Merge)
        } else if self.produces.contains(layer) {
            Some(WriteMode::Replace)
        } else {
            None
        }
    }
}

/// What a factory may need while building a stage.
#[derive(Debug, Clone)]
pub struct BuildContext {
    /// The project's `data/` directory (models, lexicons); relative model paths in
    /// configs resolve against it.
    pub data_dir: PathBuf,
    /// Where this stage sits in the config, e.g. `stages[2]`. The runner prefixes every
    /// build error with it, so a factory need not repeat it in its messages.
    pub config_path: String,
}

impl BuildContext {
    /// Resolves a path from a config: absolute paths stay, relative ones go under `data_dir`
    /// unless they exist relative to the working directory.
    pub fn resolve(&self, path: &str) -> PathBuf {
        let candidate = PathBuf::from(path);
        if candidate.is_absolute() || candidate.exists() {
            candidate
        } else {
            self.data_dir.join(path)
        }
    }
}

/// Makes stages of one kind from configuration. Registered by [`StageFactory::name`].
///
/// Most factories implement [`TypedFactory`] instead and get this trait for free through
/// [`crate::Registry::register_typed`].
pub trait StageFactory: Send + Sync {
    /// Registered name, `area.impl`, e.g. `quotes.rules`. A change of behaviour gets a new
    /// name so that old configs still reproduce.
    fn name(&self) -> &str;
    /// One line for `list-stages`: what the stage does and what it is built on.
    fn description(&self) -> &str;
    /// Version of the implementation, recorded in each document's provenance.
    fn version(&self) -> &str;
    /// A complete example config (TOML, without the `stage` key), all defaults shown.
    fn example_config(&self) -> String;
    /// Every problem in `config`, with paths relative to the stage table.
    fn validate(&self, config: &serde_json::Value) -> Vec<ConfigIssue>;
    /// Layers read and written under `config`. Only meaningful for a config that
    /// [`StageFactory::validate`] accepts: an invalid one declares no layers at all (never
    /// those of the default config).
    fn io(&self, config: &serde_json::Value) -> StageIo;
    /// The config with defaults filled in, for `explain` and the provenance hash; every
    /// problem of an invalid config (never the defaults in its place).
    fn resolved_config(
        &self,
        config: &serde_json::Value,
    ) -> Result<serde_json::Value, Vec<ConfigIssue>>;
    /// Builds the stage (loading its models). An invalid config is an error.
    fn build(
        &self,
        config: &serde_json::Value,
        context: &BuildContext,
    ) -> Result<Box<dyn Stage>, StageError>;
}

/// A factory with a typed config: unknown fields, wrong types and defaults are handled
/// by serde (`#[serde(deny_unknown_fields, default)]` on the config struct).
pub trait TypedFactory: Send + Sync + 'static {
    /// The stage's config table (without the `stage` key).
    type Config: Serialize + DeserializeOwned + Default;
    /// See [`StageFactory::name`].
    const NAME: &'static str;
    /// See [`StageFactory::description`].
    const DESCRIPTION: &'static str;
    /// See [`StageFactory::version`].
    const VERSION: &'static str;

    /// Layers read and written under `config`, and whether each produced layer is
    /// replaced or merged into ([`StageIo::merging`]).
    fn io(&self, config: &Self::Config) -> StageIo;

    /// Checks beyond types (ranges, files that must exist), as `(field, message)`.
    fn check(&self, _config: &Self::Config) -> Vec<ConfigIssue> {
        Vec::new()
    }

    /// Builds the stage from a parsed config. Report problems as [`StageError::Build`]
    /// with the registered name in `stage`; the runner adds the config path
    /// ([`BuildContext::config_path`]) itself.
    fn build(
        &self,
        config: Self::Config,
        context: &BuildContext,
    ) -> Result<Box<dyn Stage>, StageError>;
}

/// Adapts a [`TypedFactory`] to [`StageFactory`].
pub(crate) struct Typed<F>(pub F);

impl<F: TypedFactory> Typed<F> {
    fn parse(&self, config: &serde_json::Value) -> Result<F::Config, Vec<ConfigIssue>> {
        let mut issues = Vec::new();
        // Report every unknown field ourselves (serde stops at the first one).
        let known = known_fields::<F::Config>();
        if let (Some(known), Some(given)) = (&known, config.as_object()) {
            for key in given.keys() {
                if !known.contains(key) {
                    let mut message = format!("unknown field `{key}`");
                    if let Some(best) = closest(key, known.iter().map(String::as_str)) {
                        message.push_str(&format!(" (did you mean `{best}`?)"));
                    }
                    message.push_str(&format!("; expected one of: {}", known.join(", ")));
                    issues.push(ConfigIssue::new(key.clone(), message));
                }
            }
        }
        let mut pruned = config.clone();
        if let (Some(known), Some(map)) = (&known, pruned.as_object_mut()) {
            map.retain(|k, _| known.contains(k));
        }
        match serde_path_to_error::deserialize::<_, F::Config>(pruned) {
            Ok(parsed) => {
                if issues.is_empty() {
                    Ok(parsed)
                } else {
                    Err(issues)
                }
            }
            Err(error) => {
                let path = error.path().to_string();
                let path = if path == "." { String::new() } else { path };
                issues.push(ConfigIssue::new(path, error.into_inner().to_string()));
                Err(issues)
            }
        }
    }
}

/// Field names of a config struct, read from its serialised default.
fn known_fields<C: Serialize + Default>() -> Option<Vec<String>> {
    match serde_json::to_value(C::default()) {
        Ok(serde_json::Value::Object(map)) => Some(map.keys().cloned().collect()),
        _ => None,
    }
}

/// The candidate closest to `word`, if it is close enough to be a likely typo.
pub(crate) fn closest<'a>(
    word: &str,
    candidates: impl Iterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

impl<F: TypedFactory> StageFactory for Typed<F> {
    fn name(&self) -> &str {
        F::NAME
    }
    fn description(&self) -> &str {
        F::DESCRIPTION
    }
    fn version(&self) -> &str {
        F::VERSION
    }
    fn example_config(&self) -> String {
        toml::to_string(&F::Config::default())
            .unwrap_or_else(|e| format!("# cannot render example: {e}\n"))
    }
    fn validate(&self, config: &serde_json::Value) -> Vec<ConfigIssue> {
        match self.parse(config) {
            Ok(parsed) => self.0.check(&parsed),
            Err(issues) => issues,
        }
    }
    fn io(&self, config: &serde_json::Value) -> StageIo {
        match self.parse(config) {
            Ok(parsed) => self.0.io(&parsed),
            Err(_) => StageIo::default(),
        }
    }
    fn resolved_config(
        &self,
        config: &serde_json::Value,
    ) -> Result<serde_json::Value, Vec<ConfigIssue>> {
        let parsed = self.parse(config)?;
        serde_json::to_value(parsed).map_err(|e| {
            vec![ConfigIssue::new(
                "",
                format!("cannot serialise the config: {e}"),
            )]
        })
    }
    fn build(
        &self,
        config: &serde_json::Value,
        context: &BuildContext,
    ) -> Result<Box<dyn Stage>, StageError> {
        let parsed = self.parse(config).map_err(|issues| StageError::Build {
            stage: F::NAME.to_string(),
            message: issues
                .iter()
                .map(|i| i.to_string())
                .collect::<Vec<_>>()
                .join("; "),
        })?;
        self.0.build(parsed, context)
    }
}

/// SHA-256 (first 16 hex digits) of a resolved config, for provenance.
pub fn config_hash(config: &serde_json::Value) -> String {
    // serde_json maps are sorted, so equal configs serialise identically.
    let digest = Sha256::digest(config.to_string().as_bytes());
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

thread_local! {
    /// When the document being processed on this thread runs out of time.
    static DEADLINE: std::cell::Cell<Option<std::time::Instant>> =
        const { std::cell::Cell::new(None) };
    /// How many tokens the document being processed on this thread may have.
    static TOKEN_BUDGET: std::cell::Cell<Option<usize>> = const { std::cell::Cell::new(None) };
}

/// Sets the time and token budgets of the document about to be processed on this thread
/// until the returned guard is dropped (the runner does this around each document).
pub fn start_document_budget(
    deadline: Option<std::time::Instant>,
    max_tokens: Option<usize>,
) -> BudgetGuard {
    BudgetGuard {
        deadline: DEADLINE.with(|d| d.replace(deadline)),
        max_tokens: TOKEN_BUDGET.with(|t| t.replace(max_tokens)),
    }
}

/// Restores the previous budgets when dropped.
#[must_use = "the budget ends when the guard is dropped"]
pub struct BudgetGuard {
    deadline: Option<std::time::Instant>,
    max_tokens: Option<usize>,
}

impl Drop for BudgetGuard {
    fn drop(&mut self) {
        DEADLINE.with(|d| d.set(self.deadline));
        TOKEN_BUDGET.with(|t| t.set(self.max_tokens));
    }
}

/// The most tokens the current document may have. A tokenizer may stop once it has made
/// one more than this: the runner fails the document, so its memory stays bounded by the
/// budget whatever the document's size.
pub fn token_budget() -> Option<usize> {
    TOKEN_BUDGET.with(|t| t.get())
}

/// True when the current document has used up its time budget. A stage with a long loop
/// may check it (per sentence, say) and stop early: the runner fails a document that
/// is over budget after the stage returns, so partial annotations are never written.
pub fn over_budget() -> bool {
    DEADLINE.with(|d| d.get().is_some_and(|at| std::time::Instant::now() >= at))
}

#[cfg(test)]
mod budget_tests {
    use super::*;
    use std::time::{Duration, Instant};

    #[test]
    fn the_budget_is_per_thread_and_ends_with_its_guard() {
        assert!(!over_budget());
        {
            let _guard = start_document_budget(Some(Instant::now()), Some(7));
            assert!(over_budget());
            assert_eq!(token_budget(), Some(7));
            std::thread::spawn(|| assert!(!over_budget()))
                .join()
                .unwrap();
            let _inner =
                start_document_budget(Some(Instant::now() + Duration::from_secs(60)), None);
            assert!(!over_budget());
        }
        assert!(!over_budget());
        assert_eq!(token_budget(), None);
    }
}
