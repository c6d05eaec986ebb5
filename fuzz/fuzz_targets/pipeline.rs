//! Fuzzes the whole default pipeline (every stage of configs/default.toml) on text: any
//! text must give annotations or a per-document failure, never a panic. Run it with a
//! per-input `-timeout` so that superlinear inputs (quote floods, unbalanced brackets,
//! long tokens, pronoun chains) are reported as slow units.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use stancegraph_core::{BuildContext, Document, Metadata};
use stancegraph_runner::{load_config, ConfigSource, Pipeline};

fn pipeline() -> &'static Pipeline {
    static PIPELINE: OnceLock<Pipeline> = OnceLock::new();
    PIPELINE.get_or_init(|| {
        let registry = stancegraph_cli::builtin_registry();
        let source = ConfigSource::Embedded {
            name: "configs/default.toml".into(),
            toml: stancegraph_cli::DEFAULT_CONFIG.into(),
        };
        let config = load_config(&source, &registry, false).expect("the default config is valid");
        let context = BuildContext {
            data_dir: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../data"),
            config_path: String::new(),
        };
        Pipeline::build(&config, &registry, &context).expect("the default models load")
    })
}

fuzz_target!(|data: &[u8]| {
    // Documents reach the stages as decoded, non-empty text (ingest guarantees it).
    let text = String::from_utf8_lossy(data);
    if text.trim().is_empty() {
        return;
    }
    let mut doc = Document::new(None, text.into_owned(), Metadata::default());
    let _ = pipeline().process(&mut doc);
});
