//! `validate`'s check that the model files a config names exist, on disk under the data
//! directory or compiled into the binary, before any stage is built.
use std::path::Path;

use stancegraph_core::{BuildContext, ConfigIssue, Registry};
use stancegraph_runner::PipelineConfig;

/// Config keys that name a model file or directory, resolved like the stages resolve them.
const PATH_KEYS: [&str; 3] = ["model", "lexicon", "model_dir"];

/// One issue per model path in a stage's resolved config that exists nowhere.
pub fn model_file_issues(
    config: &PipelineConfig,
    registry: &Registry,
    data_dir: &Path,
) -> Vec<ConfigIssue> {
    let mut issues = Vec::new();
    for stage in &config.stages {
        let Some(factory) = registry.get(&stage.factory) else {
            continue;
        };
        // An invalid stage config has its own issues (validation); no paths to check.
        let Ok(resolved) = factory.resolved_config(&stage.config) else {
            continue;
        };
        let context = BuildContext {
            data_dir: data_dir.to_path_buf(),
            config_path: stage.path.clone(),
        };
        for key in PATH_KEYS {
            let Some(value) = resolved.get(key).and_then(|v| v.as_str()) else {
                continue;
            };
            let path = context.resolve(value);
            if !stancegraph_assets::exists(&path) {
                issues.push(ConfigIssue::new(
                    format!("{}.{key}", stage.path),
                    format!(
                        "`{value}` not found (looked for {}; data directory {})",
                        path.display(),
                        data_dir.display()
                    ),
                ));
            }
        }
    }
    issues
}
