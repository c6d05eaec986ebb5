//! What the bert crate's integration tests share.
use std::path::PathBuf;

/// all-MiniLM-L6-v2 from scripts/fetch-test-models.sh (`$STANCEGRAPH_BERT_MODELS/minilm`, else
/// the workspace's `.cache/models/minilm`); `None`, with a notice, when it is not there.
pub fn minilm() -> Option<PathBuf> {
    let dir = std::env::var_os("STANCEGRAPH_BERT_MODELS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../.cache/models"))
        })
        .join("minilm");
    if dir.join("model.safetensors").is_file() {
        Some(dir)
    } else {
        eprintln!(
            "skipping: no {} (run scripts/fetch-test-models.sh)",
            dir.display()
        );
        None
    }
}
