//! Development loop for the stance model: prepares SEESAW train and valid with the text,
//! entities and quotes stages (cached as JSON under a scratch directory), trains the pair
//! and sentiment classifiers, fits the calibration on train and scores valid with a
//! reliability table. What `stancegraph train stance` + `eval stance` do, with a cache:
//! `cargo run --release -p stancegraph-relations --example stance_dev -- SEESAW NEWSMTSC OUT.json CACHE_DIR`
use std::path::{Path, PathBuf};

use stancegraph_core::Document;
use stancegraph_relations::calibration::{format_reliability, reliability_table};
use stancegraph_relations::seesaw::{
    evaluate_prepared, load_split, prepare_documents, SeesawArticle,
};

type Error = Box<dyn std::error::Error>;

fn prepared(articles: &[SeesawArticle], cache: &Path, data: &Path) -> Result<Vec<Document>, Error> {
    if let Ok(text) = std::fs::read_to_string(cache) {
        return Ok(serde_json::from_str(&text)?);
    }
    let text = stancegraph_text::Analyzer::load(data)?;
    let entities = stancegraph_entities::EntityAnalyzer::load(data)?;
    let quotes = stancegraph_quotes::Attributor::load(data)?;
    let docs = prepare_documents(articles, |_, doc| {
        text.annotate(doc).map_err(|e| e.to_string())?;
        entities.annotate(doc).map_err(|e| e.to_string())?;
        quotes.annotate(doc).map_err(|e| e.to_string())?;
        Ok::<(), String>(())
    })?;
    std::fs::write(cache, serde_json::to_string(&docs)?)?;
    Ok(docs)
}

fn main() -> Result<(), Error> {
    let args: Vec<PathBuf> = std::env::args().skip(1).map(PathBuf::from).collect();
    let [seesaw, newsmtsc, out, cache] = args.as_slice() else {
        return Err("usage: stance_dev SEESAW NEWSMTSC OUT.json CACHE_DIR".into());
    };
    std::fs::create_dir_all(cache)?;
    let data = stancegraph_relations::default_data_dir();
    let dir = stancegraph_relations::model_dir(&data);
    let lexicon = stancegraph_relations::Lexicon::load(&dir)?;
    let train = load_split(seesaw, "train")?;
    let valid = load_split(seesaw, "valid")?;
    let train_docs = prepared(&train, &cache.join("train.json"), &data)?;
    let valid_docs = prepared(&valid, &cache.join("valid.json"), &data)?;
    let (mut model, report) = stancegraph_relations::train_stance_model(
        seesaw,
        Some(newsmtsc),
        None,
        &lexicon,
        &[&train_docs[..]],
    )?;
    println!("{}", serde_json::to_string(&report)?);
    let raw = model.clone();
    model.calibration = Some(stancegraph_relations::fit_calibration(
        &train,
        &train_docs,
        &[],
        &model,
        &lexicon,
    ));
    model.save(out)?;
    if let Some(c) = &model.calibration {
        println!("{}", c.fitted_on);
    }
    for (name, m, min) in [
        ("raw", &raw, 0.3f32),
        ("calibrated", &model, 0.3),
        ("calibrated@0.2", &model, 0.2),
        ("calibrated@0.15", &model, 0.15),
        ("calibrated@0.5", &model, 0.5),
    ] {
        let extractor = stancegraph_relations::Extractor::new(
            lexicon.clone(),
            Some(m.clone()),
            stancegraph_relations::ExtractOptions {
                min_confidence: min,
                ..Default::default()
            },
            "relations.rules",
        );
        let r = evaluate_prepared(&valid, &valid_docs, &extractor);
        let (tp, tr, tf) = r.counts.triplet_prf();
        let (pp, pr, pf) = r.counts.pair_prf();
        println!("{name}: triplet P {tp:.3} R {tr:.3} F1 {tf:.3}; pair P {pp:.3} R {pr:.3} F1 {pf:.3}; polarity {:.3}; {:.0} words/s", r.counts.polarity_accuracy(), r.words as f64 / r.relation_seconds.max(1e-9));
        let points: Vec<(f32, bool)> = r.scored.iter().map(|(_, c, ok)| (*c, *ok)).collect();
        print!(
            "{}",
            format_reliability(&reliability_table(&points, 10), 30, 0.15)
        );
    }
    Ok(())
}
