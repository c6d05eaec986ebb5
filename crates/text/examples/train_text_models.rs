//! Trains the shipped models without the CLI (same library calls as
//! `stancegraph train pos|parser`): `cargo run --release -p stancegraph-text --example
//! train_text_models -- TRAIN.conllu DEV.conllu OUT_DIR [tagger_iterations parser_iterations jackknife]`.
use std::path::PathBuf;

use stancegraph_text::{train_parser, train_tagger, ParserOptions, TaggerOptions};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 3 {
        return Err(
            "usage: train_text_models TRAIN DEV OUT_DIR [tagger_iters parser_iters jackknife]"
                .into(),
        );
    }
    let (train, dev, out) = (
        PathBuf::from(&args[0]),
        PathBuf::from(&args[1]),
        PathBuf::from(&args[2]),
    );
    let number =
        |i: usize, default: usize| args.get(i).and_then(|s| s.parse().ok()).unwrap_or(default);
    let mut log = |line: &str| eprintln!("{line}");
    let tagger = train_tagger(
        &train,
        Some(&dev),
        &out.join("pos.bin"),
        &TaggerOptions {
            iterations: number(3, 10),
            ..TaggerOptions::default()
        },
        &mut log,
    )?;
    if number(4, 15) == 0 {
        return Ok(());
    }
    train_parser(
        &train,
        Some(&dev),
        &out.join("parser.bin"),
        Some(&tagger),
        number(5, 0),
        &ParserOptions {
            iterations: number(4, 15),
            ..ParserOptions::default()
        },
        &mut log,
    )?;
    Ok(())
}
