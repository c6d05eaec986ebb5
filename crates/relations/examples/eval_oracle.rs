//! Scores the relations stage alone on a SEESAW split, with the text stage for tokens and
//! the gold actor list as mentions (what `stancegraph eval stance --oracle-entities` does):
//! `cargo run --release -p stancegraph-relations --example eval_oracle -- SEESAW_DIR [SPLIT]`
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = PathBuf::from(
        args.first()
            .ok_or("usage: eval_oracle SEESAW_DIR [SPLIT]")?,
    );
    let split = args
        .get(1)
        .filter(|a| !a.starts_with("--"))
        .map(String::as_str)
        .unwrap_or("valid");
    let data = stancegraph_relations::default_data_dir();
    let extractor = stancegraph_relations::load_extractor(
        &stancegraph_relations::model_dir(&data),
        &Default::default(),
    )?;
    let analyzer = stancegraph_text::Analyzer::load(&data)?;
    let articles = stancegraph_relations::seesaw::load_split(&dir, split)?;
    // `--full`: the entities and quotes stages instead of the gold actor list.
    let full = args.iter().any(|a| a == "--full");
    let entities = if full {
        Some(stancegraph_entities::EntityAnalyzer::load(&data)?)
    } else {
        None
    };
    let quotes = if full {
        Some(stancegraph_quotes::Attributor::load(&data)?)
    } else {
        None
    };
    let report = stancegraph_relations::seesaw::evaluate(&articles, &extractor, |article, doc| {
        analyzer.annotate(doc).map_err(|e| e.to_string())?;
        match (&entities, &quotes) {
            (Some(entities), Some(quotes)) => {
                entities.annotate(doc).map_err(|e| e.to_string())?;
                quotes.annotate(doc).map_err(|e| e.to_string())?;
            }
            _ => stancegraph_relations::seesaw::add_oracle_actors(doc, article),
        }
        Ok::<(), String>(())
    })?;
    let (tp, tr, tf) = report.counts.triplet_prf();
    let (pp, pr, pf) = report.counts.pair_prf();
    println!("{} articles; triplet P {tp:.3} R {tr:.3} F1 {tf:.3}; pair P {pp:.3} R {pr:.3} F1 {pf:.3}; polarity {:.3}; relations {:.0} words/s", report.articles, report.counts.polarity_accuracy(), report.words as f64 / report.relation_seconds.max(1e-9));
    Ok(())
}
