//! Development driver: `cargo run --release -p stancegraph-entities --example train_ner -- TRAIN DEV OUT [RAW...]`.
//! The CLI's `stancegraph train ner` calls the same library function.
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [train, dev, out, raw @ ..] = args.as_slice() else {
        return Err("usage: train_ner TRAIN DEV OUT [RAW...]".into());
    };
    let epochs = std::env::var("EPOCHS")
        .ok()
        .and_then(|e| e.parse().ok())
        .unwrap_or(12);
    let options = stancegraph_entities::NerTrainOptions {
        train: PathBuf::from(train),
        dev: Some(PathBuf::from(dev)),
        raw: raw.iter().map(PathBuf::from).collect(),
        epochs,
    };
    let (model, scores) = stancegraph_entities::train_ner(&options, |line| eprintln!("{line}"))?;
    model.save(&PathBuf::from(out))?;
    println!("{}", serde_json::to_string(&scores)?);
    Ok(())
}
