//! Trains the NewsMTSC sentiment classifier and prints its held-out score (what
//! `stancegraph train sentiment` does, without writing a model):
//! `cargo run --release -p stancegraph-relations --example sentiment_dev -- NEWSMTSC`
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: sentiment_dev NEWSMTSC")?;
    let data = stancegraph_relations::default_data_dir();
    let lexicon = stancegraph_relations::Lexicon::load(&stancegraph_relations::model_dir(&data))?;
    let started = std::time::Instant::now();
    let (model, score) =
        stancegraph_relations::sentiment::train_sentiment(std::path::Path::new(&path), &lexicon)?;
    println!(
        "held-out {}: accuracy {:.3} macro-F1 {:.3} {:?}; {} weights; {:.1}s",
        score.examples,
        score.accuracy,
        score.macro_f1,
        score.f1,
        model.weights.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
