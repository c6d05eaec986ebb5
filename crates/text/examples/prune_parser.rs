//! Prunes a trained parser model on a dev treebank (the last step of `train parser`):
//! `cargo run --release -p stancegraph-text --example prune_parser -- PARSER.bin POS.bin DEV.conllu OUT.bin`.
use std::path::Path;

use stancegraph_text::{prune_parser, read_conllu, tagged_examples, Parser, Tagger};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [parser, tagger, dev, out] = args.as_slice() else {
        return Err("usage: prune_parser PARSER.bin POS.bin DEV.conllu OUT.bin".into());
    };
    let parser = Parser::load(Path::new(parser))?;
    let tagger = Tagger::load(Path::new(tagger))?;
    let dev = tagged_examples(&read_conllu(Path::new(dev))?, Some(&tagger));
    let pruned = prune_parser(parser, &dev, &mut |line| eprintln!("{line}"));
    pruned.save(Path::new(out))?;
    Ok(())
}
