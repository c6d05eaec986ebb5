//! The default pipeline, built through the real registry and cut after a named stage.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use stancegraph_core::{BuildContext, Document, Metadata, Registry};
use stancegraph_runner::{load_config, ConfigSource, Pipeline, PipelineConfig};

use crate::seed::{seed_text, SEED_ID};

/// The default pipeline config, the same file the binary embeds (`configs/default.toml`).
pub const DEFAULT_CONFIG: &str = include_str!("../../../configs/default.toml");

/// The project's `data/` directory (models and lexicons), found from this crate's manifest.
pub fn data_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../data"))
}

/// A registry with the stages of the library crates the default pipeline uses (ingest,
/// text, entities, quotes, relations), registered by their own `register` functions as
/// the binary's `builtin_registry` does. The plugin and transformer stages (exec, bert,
/// encoder) are left out: the default pipeline has none.
pub fn registry() -> Registry {
    let mut registry = Registry::new();
    let crates: [fn(&mut Registry); 5] = [
        stancegraph_ingest::register,
        stancegraph_text::register,
        stancegraph_entities::register,
        stancegraph_quotes::register,
        stancegraph_relations::register,
    ];
    for register in crates {
        register(&mut registry);
    }
    registry
}

/// The default config, validated against [`registry`] (environment overrides ignored).
fn default_config() -> PipelineConfig {
    let source = ConfigSource::Embedded {
        name: "configs/default.toml (testkit)".into(),
        toml: DEFAULT_CONFIG.into(),
    };
    load_config(&source, &registry(), false)
        .unwrap_or_else(|e| panic!("the default config does not load: {e}"))
}

/// The registered names of the default pipeline's stages, in order.
pub fn default_stages() -> Vec<String> {
    default_config()
        .stages
        .into_iter()
        .map(|s| s.factory)
        .collect()
}

/// The stage of the default pipeline that marks lines (body, heading, boilerplate).
const INGEST_STAGE: &str = "ingest.blocks";

/// The default pipeline run up to and including the stage registered as `stage` (e.g.
/// `"entities.resolve"`), with the project's models, without time or token budgets (a
/// slow test machine must not fail a golden test). Panics, naming the stage and the
/// pipeline's stages, when `stage` is not in the default pipeline.
pub fn pipeline_until(stage: &str) -> Pipeline {
    build_until(stage, true)
}

/// [`pipeline_until`], leaving out `ingest.blocks` unless `with_ingest`.
fn build_until(stage: &str, with_ingest: bool) -> Pipeline {
    let mut config = default_config();
    let Some(last) = config.stages.iter().position(|s| s.factory == stage) else {
        panic!(
            "stage `{stage}` is not in the default pipeline (configs/default.toml): {}",
            default_stages().join(", ")
        );
    };
    config.stages.truncate(last + 1);
    if !with_ingest {
        config.stages.retain(|s| s.factory != INGEST_STAGE);
    }
    let context = BuildContext {
        data_dir: data_dir(),
        config_path: String::new(),
    };
    Pipeline::build(&config, &registry(), &context)
        .unwrap_or_else(|e| panic!("building the default pipeline up to `{stage}`: {e}"))
        .with_budgets(None, None)
}

/// Runs the default pipeline's stages after `ingest.blocks`, up to and including `stage`,
/// on `doc`, whose blocks the test has marked itself (its own paragraphs, all body, say).
/// Each pipeline is built once per test binary. Panics when a stage fails.
pub fn annotate_until(doc: &mut Document, stage: &str) {
    static BUILT: OnceLock<Mutex<HashMap<String, Arc<Pipeline>>>> = OnceLock::new();
    let built = BUILT.get_or_init(Default::default);
    let pipeline = {
        let mut built = built.lock().unwrap_or_else(|e| e.into_inner());
        Arc::clone(
            built
                .entry(stage.to_string())
                .or_insert_with(|| Arc::new(build_until(stage, false))),
        )
    };
    pipeline.process(doc).unwrap_or_else(|failure| {
        panic!("document `{}` failed up to `{stage}`: {failure:?}", doc.id)
    });
}

/// The whole default pipeline, as [`pipeline_until`] builds it.
pub fn default_pipeline() -> Pipeline {
    let stages = default_stages();
    let last = stages.last().expect("the default pipeline has stages");
    pipeline_until(last)
}

/// The raw seed article (id [`SEED_ID`], no layers) run through [`pipeline_until`]`(stage)`:
/// ingest marks its lines, and every later stage up to `stage` runs as in `stancegraph
/// run`. Each stage's result is computed once per test binary and cloned.
pub fn seed_until(stage: &str) -> Document {
    static DONE: OnceLock<Mutex<HashMap<String, Document>>> = OnceLock::new();
    let done = DONE.get_or_init(Default::default);
    if let Some(doc) = done.lock().unwrap_or_else(|e| e.into_inner()).get(stage) {
        return doc.clone();
    }
    let mut doc = Document::new(Some(SEED_ID.into()), seed_text(), Metadata::default());
    pipeline_until(stage)
        .process(&mut doc)
        .unwrap_or_else(|failure| panic!("the seed failed up to `{stage}`: {failure:?}"));
    done.lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(stage.to_string(), doc.clone());
    doc
}

#[cfg(test)]
mod tests {
    use stancegraph_core::BlockKind;

    use super::*;
    use crate::{records_on_spam_lines, seed_document};

    #[test]
    fn the_default_stages_are_those_of_the_config() {
        let stages = default_stages();
        assert_eq!(stages.first().map(String::as_str), Some("ingest.blocks"));
        assert_eq!(stages.last().map(String::as_str), Some("relations.rules"));
        assert!(stages.iter().any(|s| s == "quotes.attribution"));
        let built: Vec<String> = default_pipeline()
            .summary()
            .into_iter()
            .map(|s| s.factory)
            .collect();
        assert_eq!(built, stages);
        let cut: Vec<String> = pipeline_until("text.pos")
            .summary()
            .into_iter()
            .map(|s| s.factory)
            .collect();
        assert_eq!(cut, ["ingest.blocks", "text.tokenize", "text.pos"]);
    }

    #[test]
    #[should_panic(expected = "stage `quotes.nonexistent` is not in the default pipeline")]
    fn an_unknown_stage_names_itself() {
        pipeline_until("quotes.nonexistent");
    }

    #[test]
    fn annotate_until_keeps_the_blocks_it_is_given() {
        // Ingest would mark the advert boilerplate; the test's own blocks say body.
        let mut doc = seed_document();
        for block in &mut doc.blocks {
            block.kind = BlockKind::Body;
        }
        annotate_until(&mut doc, "text.tokenize");
        assert!(doc.blocks.iter().all(|b| b.kind == BlockKind::Body));
        assert!(!records_on_spam_lines(&doc).is_empty());
        assert!(
            doc.tokens.iter().all(|t| t.upos.is_none()),
            "ran past text.tokenize"
        );
    }

    #[test]
    fn ingest_marks_the_seed_as_defined_here() {
        let ingested = seed_until("ingest.blocks");
        let wanted = seed_document();
        let kinds = |doc: &Document| -> Vec<(usize, usize, BlockKind)> {
            doc.blocks
                .iter()
                .map(|b| (b.span.start, b.span.end, b.kind))
                .collect()
        };
        assert_eq!(kinds(&ingested), kinds(&wanted));
        assert!(ingested.tokens.is_empty(), "ran past ingest.blocks");
    }

    #[test]
    fn the_tokenized_seed_has_nothing_from_spam() {
        let doc = seed_until("text.tokenize");
        assert!(!doc.tokens.is_empty());
        assert!(
            doc.tokens.iter().all(|t| t.upos.is_none()),
            "ran past text.tokenize"
        );
        assert_eq!(records_on_spam_lines(&doc), Vec::<String>::new());
    }
}
