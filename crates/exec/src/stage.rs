//! The `exec` stage's config, factory and registration.

use serde::{Deserialize, Serialize};
use stancegraph_core::{
    layer, BuildContext, ConfigIssue, Layer, Registry, Stage, StageError, StageIo, TypedFactory,
};

use crate::{program, ExecStage, DEFAULT_MAX_LINE_BYTES, MAX_LINE_BYTES_LIMIT, TIMEOUT_MS_LIMIT};

/// Layers an exec stage may declare in `produces`.
pub const REPLACEABLE_LAYERS: &[Layer] = &[
    layer::BLOCKS,
    layer::SENTENCES,
    layer::TOKENS,
    layer::MENTIONS,
    layer::ENTITIES,
    layer::QUOTES,
    layer::RELATIONS,
    layer::STANCES,
];

/// Config of an `exec` stage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ExecConfig {
    /// Program and arguments, e.g. `["python3", "plugins/keywords.py"]`.
    pub command: Vec<String>,
    /// Layers the program reads (checked against earlier stages).
    pub requires: Vec<String>,
    /// Layers the program may write: standard layers or `ext:<namespace>`.
    pub produces: Vec<String>,
    /// Longest time one document may take: writing the request and reading the answer.
    pub timeout_ms: u64,
    /// Longest answer line accepted, in bytes; a longer one fails the document and the
    /// program is restarted.
    pub max_line_bytes: u64,
    /// Working directory of the program (default: the current one).
    pub workdir: String,
}

impl Default for ExecConfig {
    fn default() -> Self {
        ExecConfig {
            command: vec!["python3".into(), "plugin.py".into()],
            requires: Vec::new(),
            produces: vec!["ext:plugin".into()],
            timeout_ms: 30_000,
            max_line_bytes: DEFAULT_MAX_LINE_BYTES,
            workdir: String::new(),
        }
    }
}

/// Factory of the `exec` stage (config [`ExecConfig`]). Its check reports a missing program,
/// out-of-range limits and layers a plugin may not write; building starts one process so a
/// wrong command fails before the first document.
pub struct ExecFactory;

impl TypedFactory for ExecFactory {
    type Config = ExecConfig;
    const NAME: &'static str = "exec";
    const DESCRIPTION: &'static str =
        "Runs an external program as a stage over the stancegraph-exec/1 JSON-lines protocol";
    const VERSION: &'static str = "1";

    /// The declared layers; the plugin's answer replaces each produced layer whole.
    fn io(&self, config: &ExecConfig) -> StageIo {
        StageIo::new(
            &parse_layers(&config.requires),
            &parse_layers(&config.produces),
        )
    }

    fn check(&self, config: &ExecConfig) -> Vec<ConfigIssue> {
        let mut issues = Vec::new();
        match config.command.first() {
            None => issues.push(ConfigIssue::new("command", "must name a program")),
            Some(program) => {
                let search_path = std::env::var_os("PATH");
                if let Some(problem) = program::missing_program(
                    program,
                    search_path.as_deref(),
                    !config.workdir.is_empty(),
                ) {
                    issues.push(ConfigIssue::new("command[0]", problem));
                }
            }
        }
        if config.timeout_ms == 0 {
            issues.push(ConfigIssue::new("timeout_ms", "must be at least 1"));
        } else if config.timeout_ms > TIMEOUT_MS_LIMIT {
            issues.push(ConfigIssue::new(
                "timeout_ms",
                format!("must be at most {TIMEOUT_MS_LIMIT} (one day)"),
            ));
        }
        if config.max_line_bytes == 0 || config.max_line_bytes > MAX_LINE_BYTES_LIMIT {
            issues.push(ConfigIssue::new(
                "max_line_bytes",
                format!("must be between 1 and {MAX_LINE_BYTES_LIMIT} (4 GiB)"),
            ));
        }
        for (i, name) in config.requires.iter().enumerate() {
            if let Err(unknown) = name.parse::<Layer>() {
                issues.push(ConfigIssue::new(
                    format!("requires[{i}]"),
                    unknown.to_string(),
                ));
            }
        }
        for (i, name) in config.produces.iter().enumerate() {
            let writable = match name.parse::<Layer>() {
                Ok(Layer::Extension(_)) => true,
                Ok(layer) => REPLACEABLE_LAYERS.contains(&layer),
                Err(_) => false,
            };
            if !writable {
                let names: Vec<_> = REPLACEABLE_LAYERS.iter().map(Layer::name).collect();
                issues.push(ConfigIssue::new(
                    format!("produces[{i}]"),
                    format!("`{name}` is not a layer an exec stage may write; use one of {} or `ext:<namespace>`", names.join(", ")),
                ));
            }
        }
        issues
    }

    fn build(
        &self,
        config: ExecConfig,
        context: &BuildContext,
    ) -> Result<Box<dyn Stage>, StageError> {
        let workdir = (!config.workdir.is_empty()).then(|| context.resolve(&config.workdir));
        let stage = ExecStage::new(config, workdir);
        // Start one process now so a wrong command fails at build time, not per document.
        let process = stage.spawn().map_err(|e| StageError::Build {
            stage: Self::NAME.into(),
            message: e.to_string(),
        })?;
        stage.release(process);
        Ok(Box::new(stage))
    }
}

/// The layers named in a config list; names that are no layer are left out (the config's
/// check reports them, so a stage is never built with one).
pub(crate) fn parse_layers(names: &[String]) -> Vec<Layer> {
    names.iter().filter_map(|name| name.parse().ok()).collect()
}

/// Registers the `exec` stage.
pub fn register(registry: &mut Registry) {
    registry.register_typed(ExecFactory);
}
