//! Development harness: trains on PolNeAR train (tokens and sentences from the text crate;
//! with `TEXT=1` also its tags and parse) and scores dev.
//! `cargo run --release -p stancegraph-quotes --example polnear -- TRAIN_DIR DEV_DIR [OUT_DIR]`
use std::path::PathBuf;

use stancegraph_quotes::train;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(train_dir), Some(dev_dir)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: polnear TRAIN_DIR DEV_DIR [OUT_DIR]");
        return Ok(());
    };
    let epochs = std::env::var("EPOCHS")
        .ok()
        .and_then(|e| e.parse().ok())
        .unwrap_or(8);
    let analyzer = if std::env::var("TEXT").is_ok() {
        Some(stancegraph_text::Analyzer::load(
            &stancegraph_text::default_data_dir(),
        )?)
    } else {
        None
    };
    let prepare = |doc: &mut stancegraph_core::Document| match &analyzer {
        Some(a) => a.annotate(doc).map_err(|e| e.to_string()),
        None => {
            stancegraph_text::tokenize_document(doc, stancegraph_text::DEFAULT_MAX_SENTENCE_TOKENS);
            Ok(())
        }
    };
    let start = std::time::Instant::now();
    let train_examples = train::load_examples(&PathBuf::from(train_dir), prepare)?;
    let dev_examples = train::load_examples(&PathBuf::from(dev_dir), prepare)?;
    let tokens: usize = train_examples.iter().map(|e| e.doc.tokens.len()).sum();
    eprintln!(
        "loaded {} train docs ({tokens} tokens), {} dev docs in {:?}",
        train_examples.len(),
        dev_examples.len(),
        start.elapsed()
    );
    if std::env::var("ORACLE").is_ok() {
        println!(
            "oracle {}",
            serde_json::to_string(&train::oracle(&dev_examples).report())?
        );
    }
    if std::env::var("MISALIGNED").is_ok() {
        for e in dev_examples.iter().take(30) {
            for g in &e.gold {
                for (role, span) in [("source", g.source), ("cue", g.cue), ("content", g.content)] {
                    let Some(span) = span else { continue };
                    let starts = e.doc.tokens.iter().any(|t| t.span.start == span.start);
                    let ends = e.doc.tokens.iter().any(|t| t.span.end == span.end);
                    if !starts || !ends {
                        let lo = span.start.saturating_sub(10);
                        let hi = (span.end + 10).min(e.doc.text().len());
                        let ctx = e.doc.text().get(lo..hi).unwrap_or("?");
                        println!(
                            "{role} {starts} {ends} [{}] ctx [{}]",
                            e.doc.slice(span).chars().take(80).collect::<String>(),
                            ctx.chars().take(120).collect::<String>()
                        );
                    }
                }
            }
        }
    }
    debug_counts(&train_examples);
    let buckets = std::env::var("BUCKETS")
        .ok()
        .and_then(|e| e.parse().ok())
        .unwrap_or(18);
    let options = train::TrainOptions {
        epochs,
        buckets: 1 << buckets,
    };
    let attributor = train::train(&train_examples, options, |epoch, errors| {
        eprintln!("epoch {epoch}: {errors} token errors")
    });
    eprintln!("trained in {:?}", start.elapsed());
    if std::env::var("SHOW").is_ok() {
        for e in dev_examples.iter().skip(3).take(1) {
            for g in &e.gold {
                println!(
                    "GOLD S[{}] C[{}] T[{}]",
                    g.source.map_or("", |s| e.doc.slice(s)),
                    g.cue.map_or("", |s| e.doc.slice(s)),
                    g.content.map_or("", |s| e.doc.slice(s))
                );
            }
            for q in attributor.find(&e.doc) {
                println!(
                    "PRED S[{}] C[{}] T[{}] {:?}",
                    q.source.map_or("", |s| e.doc.slice(s)),
                    q.cue.map_or("", |s| e.doc.slice(s)),
                    e.doc.slice(q.content),
                    q.speaker
                );
            }
        }
    }
    let t = std::time::Instant::now();
    let scorer = train::evaluate(&attributor, &dev_examples);
    let dev_tokens: usize = dev_examples.iter().map(|e| e.doc.tokens.len()).sum();
    eprintln!("dev decode {:?} ({} tokens)", t.elapsed(), dev_tokens);
    println!("{:?}", scorer.counts);
    println!("{}", serde_json::to_string(&scorer.report())?);
    if let Some(out) = args.get(3) {
        let out = PathBuf::from(out);
        std::fs::create_dir_all(&out)?;
        attributor.save(&out)?;
    }
    Ok(())
}

#[allow(dead_code)]
fn debug_counts(examples: &[train::Example]) {
    let sentences: usize = examples.iter().map(|e| e.doc.sentences.len()).sum();
    let paragraphs: usize = examples
        .iter()
        .map(|e| stancegraph_quotes::tagger::segments(&e.doc, &[]).len())
        .sum();
    eprintln!("sentences {sentences}, paragraphs {paragraphs}");
}
