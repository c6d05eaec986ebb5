//! `train pos|parser` and `eval pos|parse`: the linguistic core's commands.
use std::path::PathBuf;

use anyhow::Context;
use stancegraph_text::{
    evaluate, read_conllu, train_parser, train_tagger, Parser, ParserOptions, Tagger,
    TaggerOptions, DEFAULT_PARSER_MODEL, DEFAULT_POS_MODEL,
};

#[derive(clap::Subcommand, Debug)]
pub enum Train {
    /// Train the POS tagger and lemmatizer on a CoNLL-U treebank.
    Pos(TrainArgs),
    /// Train the dependency parser on a CoNLL-U treebank.
    Parser(TrainArgs),
}

#[derive(clap::Args, Debug)]
pub struct TrainArgs {
    /// Training treebank; repeat to train on several (the shipped models use train + dev).
    #[arg(long, required = true)]
    pub train: Vec<PathBuf>,
    #[arg(long)]
    pub dev: Option<PathBuf>,
    #[arg(long)]
    pub out: PathBuf,
    /// Training passes over the data (default: 12 for the tagger, 15 for the parser).
    #[arg(long)]
    pub iterations: Option<usize>,
    /// Parser only: tagger model used to tag the dev set (default: the shipped one).
    #[arg(long)]
    pub tagger: Option<PathBuf>,
    /// Parser only: train on tags predicted by taggers trained on the other N folds
    /// (0 or 1 = gold tags).
    #[arg(long, default_value_t = 5)]
    pub jackknife: usize,
}

#[derive(clap::Subcommand, Debug)]
pub enum Eval {
    /// Score POS tags and lemmas against a CoNLL-U file.
    Pos(EvalArgs),
    /// Score tags, lemmas and dependencies against a CoNLL-U file.
    Parse(EvalArgs),
}

#[derive(clap::Args, Debug)]
pub struct EvalArgs {
    #[arg(long)]
    pub conllu: PathBuf,
    /// Tokenize and split the raw text instead of using gold tokens.
    #[arg(long)]
    pub raw: bool,
    /// Tagger model (default: the shipped one).
    #[arg(long)]
    pub pos_model: Option<PathBuf>,
    /// Parser model (default: the shipped one).
    #[arg(long)]
    pub parser_model: Option<PathBuf>,
}

fn paths_text(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(" + ")
}

fn print_line(line: &str) {
    println!("{line}");
}

pub fn train(cmd: Train) -> anyhow::Result<()> {
    match cmd {
        Train::Pos(args) => {
            let options = TaggerOptions {
                iterations: args.iterations.unwrap_or(12),
                ..TaggerOptions::default()
            };
            train_tagger(
                &args.train,
                args.dev.as_deref(),
                &args.out,
                &options,
                &mut print_line,
            )
            .with_context(|| format!("training the tagger on {}", paths_text(&args.train)))?;
            println!("wrote {}", args.out.display());
        }
        Train::Parser(args) => {
            let tagger_path = args
                .tagger
                .clone()
                .unwrap_or_else(|| crate::data_dir(None).join(DEFAULT_POS_MODEL));
            let tagger = if args.dev.is_some() {
                Some(
                    Tagger::load(&tagger_path)
                        .with_context(|| "loading the tagger that tags the dev set")?,
                )
            } else {
                None
            };
            let options = ParserOptions {
                iterations: args.iterations.unwrap_or(15),
                ..ParserOptions::default()
            };
            train_parser(
                &args.train,
                args.dev.as_deref(),
                &args.out,
                tagger.as_ref(),
                args.jackknife,
                &options,
                &mut print_line,
            )
            .with_context(|| format!("training the parser on {}", paths_text(&args.train)))?;
            println!("wrote {}", args.out.display());
        }
    }
    Ok(())
}

pub fn eval(cmd: Eval) -> anyhow::Result<()> {
    let (args, with_parser) = match cmd {
        Eval::Pos(args) => (args, false),
        Eval::Parse(args) => (args, true),
    };
    let pos_path = args
        .pos_model
        .clone()
        .unwrap_or_else(|| crate::data_dir(None).join(DEFAULT_POS_MODEL));
    let tagger = Tagger::load(&pos_path)?;
    let parser = if with_parser {
        let path = args
            .parser_model
            .clone()
            .unwrap_or_else(|| crate::data_dir(None).join(DEFAULT_PARSER_MODEL));
        Some(Parser::load(&path)?)
    } else {
        None
    };
    let sentences = read_conllu(&args.conllu)?;
    let scores = evaluate(&tagger, parser.as_ref(), &sentences, args.raw);
    println!(
        "{} sentences, {} words in {:.2} s ({:.0} words/s{})",
        scores.sentences,
        scores.words,
        scores.seconds,
        scores.words_per_second,
        if args.raw {
            ", tokenize + split + tag + parse"
        } else {
            ""
        }
    );
    println!(
        "UPOS {:.4}  XPOS {:.4}  lemma {:.4}",
        scores.upos, scores.xpos, scores.lemma
    );
    if let (Some(uas), Some(las)) = (scores.uas, scores.las) {
        println!("UAS {uas:.4}  LAS {las:.4}");
    }
    if let (Some(tokens), Some(sentences)) = (scores.tokens_f1, scores.sentences_f1) {
        println!("tokens F1 {tokens:.4}  sentences F1 {sentences:.4}");
    }
    println!("{}", serde_json::to_string(&scores)?);
    Ok(())
}
