//! Trains the stance model without the CLI (same library call as `stancegraph train stance`):
//! `cargo run --release -p stancegraph-relations --example train_stance -- SEESAW_DIR NEWSMTSC_JSONL OUT_JSON`
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [seesaw, newsmtsc, out] = args.as_slice() else {
        return Err("usage: train_stance SEESAW_DIR NEWSMTSC_JSONL OUT_JSON".into());
    };
    let lexicon = stancegraph_relations::Lexicon::load(&stancegraph_relations::model_dir(
        &stancegraph_relations::default_data_dir(),
    ))?;
    let (model, report) = stancegraph_relations::train_stance_model(
        &PathBuf::from(seesaw),
        Some(&PathBuf::from(newsmtsc)),
        &lexicon,
    )?;
    model.save(&PathBuf::from(out))?;
    println!("{}", serde_json::to_string(&report)?);
    Ok(())
}
