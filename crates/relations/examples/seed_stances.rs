//! Prints the stances and relations the default pipeline reads off a text file (the seed
//! article by default), one per line with its confidence and evidence:
//! `cargo run --release -p stancegraph-relations --example seed_stances -- [FILE]`
use stancegraph_core::{ActorRef, Document, Metadata, Target};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let data = stancegraph_relations::default_data_dir();
    let path = std::env::args()
        .nth(1)
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| data.join("samples/000_668776db8feb23be.txt"));
    let text = std::fs::read_to_string(&path)?;
    let mut doc = Document::new(Some("seed".into()), text, Metadata::default());
    stancegraph_text::Analyzer::load(&data)?.annotate(&mut doc)?;
    stancegraph_entities::EntityAnalyzer::load(&data)?.annotate(&mut doc)?;
    stancegraph_quotes::Attributor::load(&data)?.annotate(&mut doc)?;
    let extractor = stancegraph_relations::load_extractor(
        &stancegraph_relations::model_dir(&data),
        &Default::default(),
    )?;
    extractor.annotate(&mut doc)?;
    let name = |id: &str| {
        doc.entities
            .iter()
            .find(|e| e.id == id)
            .map(|e| e.canonical.clone())
            .unwrap_or_else(|| id.to_string())
    };
    let holder = |a: &ActorRef| match a {
        ActorRef::Entity { id } => name(id),
        other => format!("{other:?}"),
    };
    let target = |t: &Target| match t {
        Target::Actor { id } => name(id),
        Target::Issue { label, .. } => format!("issue:{label}"),
    };
    for s in &doc.stances {
        println!(
            "stance {} {:?} {} {:.2} [{}] {}",
            holder(&s.holder),
            s.polarity,
            target(&s.target),
            s.confidence,
            s.trigger.map(|t| doc.slice(t)).unwrap_or(""),
            doc.slice(s.evidence).chars().take(90).collect::<String>()
        );
    }
    for r in &doc.relations {
        println!(
            "relation {} {} -> {} {:?} {:.2}",
            r.kind,
            holder(&r.source),
            target(&r.target),
            r.attributes,
            r.confidence
        );
    }
    Ok(())
}
