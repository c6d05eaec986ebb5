//! Pipeline configuration: TOML through the `config` crate (file, then
//! `STANCEGRAPH__SECTION__KEY` environment overrides), validated in one pass that reports
//! every problem with its path.

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use stancegraph_core::{ConfigIssue, Layer, Registry};
use stancegraph_graph::GraphOptions;
use stancegraph_ingest::IngestConfig;

use crate::RunnerError;

/// Where a config comes from.
#[derive(Debug, Clone)]
pub enum ConfigSource {
    /// A config compiled into the binary (the default pipeline), with a name for messages.
    Embedded {
        /// Shown in messages in place of a path.
        name: String,
        /// The config's TOML text.
        toml: String,
    },
    /// A TOML file on disk, read when the config is loaded.
    File(PathBuf),
}

impl ConfigSource {
    fn origin(&self) -> String {
        match self {
            ConfigSource::Embedded { name, .. } => name.clone(),
            ConfigSource::File(path) => path.display().to_string(),
        }
    }
}

/// `[runner]`: how the chain is executed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RunnerSettings {
    /// Worker threads; 0 means one per available core. `--workers` overrides it.
    pub workers: usize,
    /// Documents in flight per worker between the source and the sink (backpressure).
    pub queue_per_worker: usize,
    /// Seconds one document may take: its HTML extraction, and then all its stages. A
    /// document over budget fails (in `failed.jsonl`) and the run goes on.
    pub document_seconds: u64,
    /// Tokens one document may have; a longer one fails after tokenization, before the
    /// costlier stages. This bounds the memory and time a document can take: about
    /// 1.7 KB per token in the default pipeline, so 170 MB for the default 100,000 tokens
    /// (about 500 KB of news text, 50 times a long article).
    pub max_tokens: usize,
    /// Documents a worker hands to each stage at once ([`stancegraph_core::Stage::process_batch`]):
    /// a worker takes what is already queued, up to this many, never waiting for more.
    /// 1 (the default) runs documents one at a time; batching stages (a transformer on a
    /// GPU) gain from more. The time budget of a batch is `document_seconds` times its length.
    pub batch_size: usize,
}

/// Upper bounds of the numeric `[runner]` settings.
pub const MAX_WORKERS: usize = 256;
/// Most documents in flight per worker.
pub const MAX_QUEUE_PER_WORKER: usize = 1024;
/// Longest time budget of one document (a day).
pub const MAX_DOCUMENT_SECONDS: u64 = 86_400;
/// Largest token budget of one document.
pub const MAX_TOKENS: usize = 10_000_000;
/// Most documents in one batch.
pub const MAX_BATCH_SIZE: usize = 1024;

impl Default for RunnerSettings {
    fn default() -> Self {
        RunnerSettings {
            workers: 0,
            queue_per_worker: 4,
            document_seconds: 30,
            max_tokens: 100_000,
            batch_size: 1,
        }
    }
}

impl RunnerSettings {
    /// Every out-of-range value, with its path.
    pub fn problems(&self) -> Vec<ConfigIssue> {
        let mut issues = Vec::new();
        let mut check = |ok: bool, field: &str, message: String| {
            if !ok {
                issues.push(ConfigIssue::new(format!("runner.{field}"), message));
            }
        };
        check(
            self.workers <= MAX_WORKERS,
            "workers",
            format!(
                "{} is more than the limit of {MAX_WORKERS} (0 means one per core)",
                self.workers
            ),
        );
        check(
            (1..=MAX_QUEUE_PER_WORKER).contains(&self.queue_per_worker),
            "queue_per_worker",
            format!(
                "{} is outside 1..={MAX_QUEUE_PER_WORKER}",
                self.queue_per_worker
            ),
        );
        check(
            (1..=MAX_DOCUMENT_SECONDS).contains(&self.document_seconds),
            "document_seconds",
            format!(
                "{} is outside 1..={MAX_DOCUMENT_SECONDS} seconds",
                self.document_seconds
            ),
        );
        check(
            (1..=MAX_TOKENS).contains(&self.max_tokens),
            "max_tokens",
            format!("{} is outside 1..={MAX_TOKENS}", self.max_tokens),
        );
        check(
            (1..=MAX_BATCH_SIZE).contains(&self.batch_size),
            "batch_size",
            format!("{} is outside 1..={MAX_BATCH_SIZE}", self.batch_size),
        );
        issues
    }

    /// Worker threads to start for a requested count: 0 means one per available core
    /// (the same for `workers = 0` and `--workers 0`), and never more than [`MAX_WORKERS`].
    pub fn resolve_workers(requested: usize) -> usize {
        let n = if requested == 0 {
            std::thread::available_parallelism().map_or(1, |n| n.get())
        } else {
            requested
        };
        n.clamp(1, MAX_WORKERS)
    }
}

/// `[output]`: which files a run writes into its output directory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OutputSettings {
    /// Write `documents.jsonl` with every annotation layer.
    pub documents: bool,
    /// Write the merged knowledge graph as `graph.json` (networkx node-link).
    pub graph: bool,
}

impl Default for OutputSettings {
    fn default() -> Self {
        OutputSettings {
            documents: true,
            graph: true,
        }
    }
}

/// One configured stage: the factory name, its config table and where it sits.
#[derive(Debug, Clone, Serialize)]
pub struct StageConfig {
    /// The registered stage name given by the `stage` key (e.g. `quotes.rules`).
    pub factory: String,
    /// The stage's table without the `stage` key.
    pub config: Value,
    /// `stages[i]`, for messages.
    pub path: String,
}

/// A validated pipeline configuration.
#[derive(Debug, Clone, Serialize)]
pub struct PipelineConfig {
    /// Where the config came from (file path or embedded name), for messages.
    pub origin: String,
    /// `[source]`: which inputs are read and how.
    pub source: IngestConfig,
    /// `[runner]`: workers, queues, per-document budgets and batching.
    pub runner: RunnerSettings,
    /// `[output]`: which files a run writes.
    pub output: OutputSettings,
    /// `[graph]`: what the merge records beyond the defaults (sentiment on `said` edges).
    pub graph: GraphOptions,
    /// `[[stages]]` in run order; each stage's required layers come from earlier ones.
    pub stages: Vec<StageConfig>,
    /// `[[exports]]`: extra graph files written beside `graph.json`.
    pub exports: Vec<stancegraph_graph::ExportSpec>,
}

const TOP_LEVEL: &[&str] = &["source", "runner", "output", "graph", "stages", "exports"];

/// Loads, merges environment overrides into, and validates a config. All problems are
/// returned together as [`RunnerError::Config`].
pub fn load_config(
    source: &ConfigSource,
    registry: &Registry,
    use_env: bool,
) -> Result<PipelineConfig, RunnerError> {
    let origin = source.origin();
    let overrides = if use_env {
        environment_overrides()
    } else {
        Vec::new()
    };
    let config_error = |mut issues: Vec<ConfigIssue>| {
        let from_env = blame_environment(&mut issues, &overrides);
        let origin = if from_env {
            format!("{origin} with environment overrides")
        } else if issues.iter().any(|i| i.path.is_empty()) && !overrides.is_empty() {
            let names: Vec<&str> = overrides.iter().map(|(n, _)| n.as_str()).collect();
            format!("{origin} with environment overrides {}", names.join(", "))
        } else {
            origin.clone()
        };
        RunnerError::Config {
            origin: Some(origin),
            issues,
        }
    };
    let file_source = match source {
        ConfigSource::Embedded { toml, .. } => {
            config::File::from_str(toml, config::FileFormat::Toml)
        }
        ConfigSource::File(path) => {
            let text =
                std::fs::read_to_string(path).map_err(|e| RunnerError::io(path.display(), e))?;
            config::File::from_str(&text, config::FileFormat::Toml)
        }
    };
    let mut builder = config::Config::builder().add_source(file_source);
    if use_env {
        builder = builder.add_source(
            config::Environment::with_prefix("STANCEGRAPH")
                .prefix_separator("__")
                .separator("__")
                .try_parsing(true),
        );
    }
    let merged = builder
        .build()
        .map_err(|e| config_error(vec![ConfigIssue::new("", e.to_string())]))?;
    let value: Value = merged
        .try_deserialize()
        .map_err(|e| config_error(vec![ConfigIssue::new("", e.to_string())]))?;
    validate_value(&value, registry, origin.clone()).map_err(config_error)
}

/// Validates a parsed config tree; exposed for tests and `validate`.
pub fn validate_value(
    value: &Value,
    registry: &Registry,
    origin: String,
) -> Result<PipelineConfig, Vec<ConfigIssue>> {
    let mut issues = Vec::new();
    let empty = serde_json::Map::new();
    let root = match value.as_object() {
        Some(root) => root,
        None => {
            issues.push(ConfigIssue::new("", "the config must be a TOML table"));
            &empty
        }
    };
    for key in root.keys() {
        if !TOP_LEVEL.contains(&key.as_str()) {
            issues.push(ConfigIssue::new(
                key.clone(),
                format!("unknown section; expected one of: {}", TOP_LEVEL.join(", ")),
            ));
        }
    }
    let source: IngestConfig = section(root.get("source"), "source", &mut issues);
    if root.get("source").is_some() {
        issues.extend(
            source
                .problems()
                .into_iter()
                .map(|(field, message)| ConfigIssue::new(format!("source.{field}"), message)),
        );
    }
    let runner: RunnerSettings = section(root.get("runner"), "runner", &mut issues);
    issues.extend(runner.problems());
    let output: OutputSettings = section(root.get("output"), "output", &mut issues);
    let graph = check_graph(root, &mut issues);

    let stages = check_stages(root, registry, &mut issues);
    let exports = check_exports(root, &mut issues);

    if issues.is_empty() {
        Ok(PipelineConfig {
            origin,
            source,
            runner,
            output,
            graph,
            stages,
            exports,
        })
    } else {
        Err(issues)
    }
}

/// `[graph]`: the merge's options; an unknown key or a value of the wrong type is an
/// issue under `graph.`, never a silent default.
fn check_graph(
    root: &serde_json::Map<String, Value>,
    issues: &mut Vec<ConfigIssue>,
) -> GraphOptions {
    match root.get("graph") {
        Some(value) if !value.is_object() => {
            issues.push(ConfigIssue::new("graph", "must be a table ([graph])"));
            GraphOptions::default()
        }
        value => section(value, "graph", issues),
    }
}

/// `[[stages]]`: each names a registered stage, its table passes the factory's checks, and
/// every layer it requires is produced by an earlier stage.
fn check_stages(
    root: &serde_json::Map<String, Value>,
    registry: &Registry,
    issues: &mut Vec<ConfigIssue>,
) -> Vec<StageConfig> {
    let mut stages = Vec::new();
    let mut available: BTreeSet<Layer> = BTreeSet::new();
    let stage_values: &[Value] = match root.get("stages") {
        None => &[],
        Some(Value::Array(items)) => items,
        Some(_) => {
            issues.push(ConfigIssue::new(
                "stages",
                "must be an array of tables ([[stages]])",
            ));
            &[]
        }
    };
    if stage_values.is_empty() {
        issues.push(ConfigIssue::new("stages", "no stages configured"));
    }
    for (i, item) in stage_values.iter().enumerate() {
        let path = format!("stages[{i}]");
        let Some(table) = item.as_object() else {
            issues.push(ConfigIssue::new(path, "must be a table with a `stage` key"));
            continue;
        };
        let Some(name) = table.get("stage").and_then(Value::as_str) else {
            issues.push(ConfigIssue::new(
                format!("{path}.stage"),
                "missing: the registered stage name, e.g. `quotes.rules`",
            ));
            continue;
        };
        let Some(factory) = registry.get(name) else {
            let suggestions = registry.suggest(name);
            let hint = if suggestions.is_empty() {
                "run `stancegraph list-stages` to see the registered stages".to_string()
            } else {
                format!(
                    "did you mean {}?",
                    suggestions
                        .iter()
                        .map(|s| format!("`{s}`"))
                        .collect::<Vec<_>>()
                        .join(" or ")
                )
            };
            issues.push(ConfigIssue::new(
                format!("{path}.stage"),
                format!("unknown stage `{name}`; {hint}"),
            ));
            continue;
        };
        let mut config = table.clone();
        config.remove("stage");
        let config = Value::Object(config);
        let stage_issues = factory.validate(&config);
        let valid = stage_issues.is_empty();
        issues.extend(stage_issues.into_iter().map(|issue| issue.under(&path)));
        if valid {
            let io = factory.io(&config);
            for layer in &io.requires {
                if !available.contains(layer) {
                    let producers = registry.producers_of(layer.clone());
                    let hint = if producers.is_empty() {
                        String::new()
                    } else {
                        format!(" (add one of these before it: {})", producers.join(", "))
                    };
                    issues.push(ConfigIssue::new(
                        format!("{path}.stage"),
                        format!("`{name}` requires layer `{layer}`, which no earlier stage produces{hint}"),
                    ));
                }
            }
            available.extend(io.produces.iter().cloned());
        }
        stages.push(StageConfig {
            factory: name.to_string(),
            config,
            path,
        });
    }
    stages
}

/// `[[exports]]`: each parses as an export spec without problems.
fn check_exports(
    root: &serde_json::Map<String, Value>,
    issues: &mut Vec<ConfigIssue>,
) -> Vec<stancegraph_graph::ExportSpec> {
    let mut exports = Vec::new();
    match root.get("exports") {
        None => {}
        Some(Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                let path = format!("exports[{i}]");
                match serde_path_to_error::deserialize::<_, stancegraph_graph::ExportSpec>(
                    item.clone(),
                ) {
                    Ok(spec) => {
                        let problems = spec.issues();
                        if problems.is_empty() {
                            exports.push(spec);
                        }
                        issues.extend(problems.into_iter().map(|issue| issue.under(&path)));
                    }
                    Err(e) => issues.push(located(&path, e)),
                }
            }
        }
        Some(_) => issues.push(ConfigIssue::new(
            "exports",
            "must be an array of tables ([[exports]])",
        )),
    }
    exports
}

fn located(prefix: &str, error: serde_path_to_error::Error<serde_json::Error>) -> ConfigIssue {
    let inner_path = error.path().to_string();
    let inner_path = if inner_path == "." {
        String::new()
    } else {
        inner_path
    };
    ConfigIssue::new(inner_path, error.into_inner().to_string()).under(prefix)
}

/// Deserialises an optional section, recording every problem and falling back to
/// defaults. Serde stops at the first bad field, so on failure each field is tried alone
/// to find the others.
fn section<T: Default + serde::de::DeserializeOwned>(
    value: Option<&Value>,
    name: &str,
    issues: &mut Vec<ConfigIssue>,
) -> T {
    let Some(value) = value else {
        return T::default();
    };
    match serde_path_to_error::deserialize::<_, T>(value.clone()) {
        Ok(parsed) => parsed,
        Err(first) => {
            let mut found = Vec::new();
            let mut good = serde_json::Map::new();
            if let Some(table) = value.as_object() {
                for (key, field) in table {
                    let alone = Value::Object([(key.clone(), field.clone())].into_iter().collect());
                    match serde_path_to_error::deserialize::<_, T>(alone) {
                        Ok(_) => {
                            good.insert(key.clone(), field.clone());
                        }
                        Err(e) => found.push(located(name, e)),
                    }
                }
            }
            if found.is_empty() {
                found.push(located(name, first));
            }
            issues.extend(found);
            // The good fields, so that their range checks still run.
            serde_json::from_value(Value::Object(good)).unwrap_or_default()
        }
    }
}

/// `STANCEGRAPH__SECTION__KEY` variables in effect, with the config path each sets
/// (`section.key`).
fn environment_overrides() -> Vec<(String, String)> {
    std::env::vars()
        .filter_map(|(name, _)| {
            let rest = name.strip_prefix("STANCEGRAPH__")?;
            let path = rest.to_ascii_lowercase().replace("__", ".");
            Some((name, path))
        })
        .collect()
}

/// Names the environment variable behind each issue it caused, so that a bad override
/// is not blamed on the config file.
fn blame_environment(issues: &mut [ConfigIssue], overrides: &[(String, String)]) -> bool {
    let mut any = false;
    for issue in issues.iter_mut() {
        let culprit = overrides.iter().find(|(_, path)| {
            issue.path == *path
                || issue.path.starts_with(&format!("{path}."))
                || issue.path.starts_with(&format!("{path}["))
        });
        if let Some((variable, _)) = culprit {
            issue
                .message
                .push_str(&format!(" (set by the environment variable {variable})"));
            any = true;
        }
    }
    any
}

#[cfg(test)]
mod tests {
    use super::*;
    use stancegraph_core::{layer, BuildContext, Document, Stage, StageError, StageIo};

    struct Noop;
    impl Stage for Noop {
        fn process(&self, _doc: &mut Document) -> Result<(), StageError> {
            Ok(())
        }
    }

    /// A factory with one config field, `max_distance`, and fixed layers.
    struct TestFactory(&'static str, &'static [Layer], &'static [Layer]);
    impl stancegraph_core::StageFactory for TestFactory {
        fn name(&self) -> &str {
            self.0
        }
        fn description(&self) -> &str {
            "test"
        }
        fn version(&self) -> &str {
            "1"
        }
        fn example_config(&self) -> String {
            "max_distance = 3\n".into()
        }
        fn validate(&self, config: &Value) -> Vec<ConfigIssue> {
            let keys = config
                .as_object()
                .map(|m| m.keys().cloned().collect::<Vec<_>>())
                .unwrap_or_default();
            keys.into_iter()
                .filter(|k| k != "max_distance")
                .map(|k| ConfigIssue::new(k.clone(), format!("unknown field `{k}`")))
                .collect()
        }
        fn io(&self, _config: &Value) -> StageIo {
            StageIo::new(self.1, self.2)
        }
        fn resolved_config(&self, config: &Value) -> Result<Value, Vec<ConfigIssue>> {
            Ok(config.clone())
        }
        fn build(
            &self,
            _config: &Value,
            _context: &BuildContext,
        ) -> Result<Box<dyn Stage>, StageError> {
            Ok(Box::new(Noop))
        }
    }

    fn registry() -> Registry {
        let mut registry = Registry::new();
        registry.register(TestFactory(
            "text.tokenize",
            &[],
            &[layer::TOKENS, layer::SENTENCES],
        ));
        registry.register(TestFactory(
            "quotes.rules",
            &[layer::TOKENS, layer::MENTIONS],
            &[layer::QUOTES],
        ));
        registry.register(TestFactory(
            "entities.ner",
            &[layer::TOKENS],
            &[layer::MENTIONS],
        ));
        registry
    }

    fn check(toml_text: &str) -> Result<PipelineConfig, Vec<ConfigIssue>> {
        let value: Value = toml::from_str(toml_text).unwrap();
        validate_value(&value, &registry(), "test".into())
    }

    #[test]
    fn reports_every_problem_with_its_path() {
        let issues = check(
            r#"
            [source]
            max_bytes = "big"
            [[stages]]
            stage = "text.tokenize"
            [[stages]]
            stage = "quote.rules"
            [[stages]]
            stage = "quotes.rules"
            max_distanse = 2
            "#,
        )
        .unwrap_err();
        let paths: Vec<&str> = issues.iter().map(|i| i.path.as_str()).collect();
        assert!(paths.contains(&"source.max_bytes"), "{issues:?}");
        assert!(paths.contains(&"stages[1].stage"), "{issues:?}");
        assert!(paths.contains(&"stages[2].max_distanse"), "{issues:?}");
        let unknown = issues.iter().find(|i| i.path == "stages[1].stage").unwrap();
        assert!(unknown.message.contains("`quotes.rules`"), "{unknown}");
    }

    #[test]
    fn missing_layer_names_the_producer() {
        let issues =
            check("[[stages]]\nstage = \"text.tokenize\"\n[[stages]]\nstage = \"quotes.rules\"\n")
                .unwrap_err();
        assert_eq!(issues.len(), 1);
        assert!(
            issues[0].message.contains("`mentions`") && issues[0].message.contains("entities.ner"),
            "{}",
            issues[0]
        );
        assert!(check("[[stages]]\nstage = \"text.tokenize\"\n[[stages]]\nstage = \"entities.ner\"\n[[stages]]\nstage = \"quotes.rules\"\n").is_ok());
    }

    /// The only test that sets `STANCEGRAPH__` variables (tests run in parallel).
    #[test]
    fn environment_overrides_apply_and_bad_ones_name_their_variable() {
        std::env::set_var("STANCEGRAPH__RUNNER__QUEUE_PER_WORKER", "9");
        let source = ConfigSource::Embedded {
            name: "t".into(),
            toml: "[[stages]]\nstage = \"text.tokenize\"\n".into(),
        };
        let config = load_config(&source, &registry(), true);
        std::env::set_var("STANCEGRAPH__RUNNER__WORKERS", "100000");
        let bad = load_config(&source, &registry(), true);
        std::env::remove_var("STANCEGRAPH__RUNNER__QUEUE_PER_WORKER");
        std::env::remove_var("STANCEGRAPH__RUNNER__WORKERS");
        assert_eq!(config.unwrap().runner.queue_per_worker, 9);
        let Err(RunnerError::Config { origin, issues }) = bad else {
            panic!("{bad:?}")
        };
        assert_eq!(issues.len(), 1, "{issues:?}");
        assert_eq!(issues[0].path, "runner.workers");
        assert!(
            issues[0]
                .message
                .contains("environment variable STANCEGRAPH__RUNNER__WORKERS"),
            "{}",
            issues[0]
        );
        assert_eq!(origin.as_deref(), Some("t with environment overrides"));
    }

    #[test]
    fn every_problem_of_a_section_is_reported_with_upper_bounds() {
        let issues = check(
            r#"
            [runner]
            queue_per_worker = 100000000000
            workers = 100000
            document_seconds = "soon"
            max_tokens = 0
            colour = "red"
            [source]
            max_bytes = 0
            near_duplicate_similarity = 2.0
            [[stages]]
            stage = "text.tokenize"
            "#,
        )
        .unwrap_err();
        let mut paths: Vec<&str> = issues.iter().map(|i| i.path.as_str()).collect();
        paths.sort();
        assert_eq!(
            paths,
            [
                "runner.colour",
                "runner.document_seconds",
                "runner.max_tokens",
                "runner.queue_per_worker",
                "runner.workers",
                "source.max_bytes",
                "source.near_duplicate_similarity"
            ],
            "{issues:?}"
        );
        // Types right, values out of range: each bound is reported.
        let issues = check(
            "[runner]\nqueue_per_worker = 100000000000\nworkers = 100000\nmax_tokens = 0\n[[stages]]\nstage = \"text.tokenize\"\n",
        )
        .unwrap_err();
        let paths: Vec<&str> = issues.iter().map(|i| i.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "runner.workers",
                "runner.queue_per_worker",
                "runner.max_tokens"
            ],
            "{issues:?}"
        );
        assert!(issues[0].message.contains("limit of 256"), "{}", issues[0]);
    }

    #[test]
    fn the_graph_section_sets_said_sentiment_and_rejects_unknown_keys() {
        let stages = "[[stages]]\nstage = \"text.tokenize\"\n";
        let absent = check(stages).expect("valid");
        assert_eq!(absent.graph, GraphOptions::default());
        assert!(absent.graph.said_sentiment, "on by default");
        let off = check(&format!("[graph]\nsaid_sentiment = false\n{stages}")).expect("valid");
        assert!(!off.graph.said_sentiment);
        let on = check(&format!("[graph]\nsaid_sentiment = true\n{stages}")).expect("valid");
        assert!(on.graph.said_sentiment);

        let issues = check(&format!(
            "[graph]\nsaid_sentiment = \"yes\"\nsaid_sentimnet = false\n{stages}"
        ))
        .unwrap_err();
        let mut paths: Vec<&str> = issues.iter().map(|i| i.path.as_str()).collect();
        paths.sort();
        assert_eq!(
            paths,
            ["graph.said_sentiment", "graph.said_sentimnet"],
            "{issues:?}"
        );
        let issues = check(&format!("graph = 3\n{stages}")).unwrap_err();
        assert_eq!(issues.len(), 1, "{issues:?}");
        assert_eq!(issues[0].path, "graph");
    }

    #[test]
    fn zero_workers_means_one_per_core() {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        assert_eq!(RunnerSettings::resolve_workers(0), cores.min(MAX_WORKERS));
        assert_eq!(RunnerSettings::resolve_workers(3), 3);
        assert_eq!(RunnerSettings::resolve_workers(100_000), MAX_WORKERS);
    }
}
