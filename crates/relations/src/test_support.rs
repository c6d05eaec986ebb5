//! Small annotated documents for the unit tests, with the shipped lexicons and model:
//! [`pipeline_document`] runs the real upstream stages (text, entities, quotes) as the
//! pipeline does; [`document`] runs the real tokenizer and tagger with actors and quotes
//! supplied by hand (for inputs the entity tagger would not read, such as name floods).

use std::sync::OnceLock;

use stancegraph_core::{
    ActorRef, Document, Entity, EntityType, Mention, Metadata, Polarity, Quote, QuoteKind,
    Relation, Span, Stance, Target,
};

use crate::extract::findings::Findings;
use crate::extract::view::View;
use crate::extract::Extractor;
use crate::seesaw::name_mention;
use crate::stage::{load_extractor, model_dir, RelationsConfig};

fn analyzer() -> &'static stancegraph_text::Analyzer {
    static ANALYZER: OnceLock<stancegraph_text::Analyzer> = OnceLock::new();
    ANALYZER.get_or_init(|| {
        stancegraph_text::Analyzer::load(&crate::default_data_dir()).expect("text models")
    })
}

fn entity_analyzer() -> &'static stancegraph_entities::EntityAnalyzer {
    static ENTITIES: OnceLock<stancegraph_entities::EntityAnalyzer> = OnceLock::new();
    ENTITIES.get_or_init(|| {
        stancegraph_entities::EntityAnalyzer::load(&crate::default_data_dir())
            .expect("entity models")
    })
}

fn attributor() -> &'static stancegraph_quotes::Attributor {
    static QUOTES: OnceLock<stancegraph_quotes::Attributor> = OnceLock::new();
    QUOTES.get_or_init(|| {
        stancegraph_quotes::Attributor::load(&crate::default_data_dir()).expect("quote models")
    })
}

/// `text` annotated by the real upstream stages (tokens and tags, entities with their
/// roles, quotes), as the pipeline hands it to `relations.rules`.
pub fn pipeline_document(text: &str) -> Document {
    let mut doc = Document::new(Some("test".into()), text, Metadata::default());
    analyzer().annotate(&mut doc).expect("text analysis");
    entity_analyzer().annotate(&mut doc).expect("entities");
    attributor().annotate(&mut doc).expect("quotes");
    doc
}

/// What one rule finds on `doc` by itself (before calibration and deduplication).
pub fn rule_findings(
    doc: &Document,
    rule: impl FnOnce(&Extractor, &View<'_>, &mut Findings),
) -> Findings {
    let view = View::new(doc);
    let mut findings = Findings::default();
    rule(extractor(), &view, &mut findings);
    findings
}

/// The shipped extractor (lexicons and stance model under data/models/relations).
pub fn extractor() -> &'static Extractor {
    static EXTRACTOR: OnceLock<Extractor> = OnceLock::new();
    EXTRACTOR.get_or_init(|| {
        load_extractor(
            &model_dir(&crate::default_data_dir()),
            &RelationsConfig::default(),
        )
        .expect("relations models")
    })
}

/// A tagged document whose actors are `actors` (name, type; every whole-word occurrence
/// becomes a mention of entity `E<index>`), with `quotes` (content text, speaker name).
pub fn document(text: &str, actors: &[(&str, EntityType)], quotes: &[(&str, &str)]) -> Document {
    let mut doc = Document::new(Some("test".into()), text, Metadata::default());
    analyzer().annotate(&mut doc).expect("text analysis");
    let mut mentions: Vec<Mention> = Vec::new();
    for (index, (name, entity_type)) in actors.iter().enumerate() {
        let id = format!("E{index}");
        // Built through serde so that fields other stages add later take their defaults.
        let entity: Entity = serde_json::from_value(serde_json::json!({
            "id": id,
            "canonical": name,
            "entity_type": entity_type,
            "aliases": [name],
            "key": name.to_lowercase(),
            "stage": "test",
            "confidence": 1.0,
        }))
        .expect("entity");
        doc.entities.push(entity);
        for (start, _) in text.match_indices(name) {
            let span = Span::new(start, start + name.len());
            let boundary = text[..start]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_alphanumeric())
                && text[span.end..]
                    .chars()
                    .next()
                    .is_none_or(|c| !c.is_alphanumeric());
            if boundary
                && !mentions
                    .iter()
                    .any(|m| m.span.start < span.end && span.start < m.span.end)
            {
                mentions.push(name_mention(span, *entity_type, &id, "test"));
            }
        }
    }
    mentions.sort_by_key(|m| m.span);
    doc.mentions = mentions;
    for (n, (content, speaker)) in quotes.iter().enumerate() {
        let start = text.find(content).expect("quote content in the text");
        let speaker = actors
            .iter()
            .position(|(name, _)| name == speaker)
            .expect("speaker among the actors");
        let quote: Quote = serde_json::from_value(serde_json::json!({
            "id": format!("Q{n}"),
            "content": Span::new(start, start + content.len()),
            "speaker": ActorRef::Entity { id: format!("E{speaker}") },
            "kind": QuoteKind::Indirect,
            "stage": "test",
            "confidence": 1.0,
        }))
        .expect("quote");
        doc.quotes.push(quote);
    }
    doc
}

/// Stances the shipped extractor reads off `doc`, as (holder, polarity, target) names.
pub fn stances(doc: &Document) -> Vec<(String, Polarity, String)> {
    let (stances, _) = extractor()
        .extract(doc)
        .expect("linear scorers do not fail");
    named(doc, &stances)
}

/// The canonical name of entity `id` (empty when there is none).
pub fn entity_name(doc: &Document, id: &str) -> String {
    doc.entities
        .iter()
        .find(|e| e.id == id)
        .map(|e| e.canonical.clone())
        .unwrap_or_default()
}

/// Stances as (holder, polarity, target) names; an issue target reads `issue:<label>`.
pub fn named(doc: &Document, stances: &[Stance]) -> Vec<(String, Polarity, String)> {
    let name = |id: &str| entity_name(doc, id);
    stances
        .iter()
        .filter_map(|s| {
            let ActorRef::Entity { id: holder } = &s.holder else {
                return None;
            };
            let target = match &s.target {
                Target::Actor { id } => name(id),
                Target::Issue { label, .. } => format!("issue:{label}"),
            };
            Some((name(holder), s.polarity, target))
        })
        .collect()
}

/// Whether `holder` opposes `target` in the stances.
pub fn opposes(stances: &[(String, Polarity, String)], holder: &str, target: &str) -> bool {
    stances
        .iter()
        .any(|(h, p, t)| h == holder && *p == Polarity::Oppose && t == target)
}

/// Whether `holder` supports `target` in the stances.
pub fn supports(stances: &[(String, Polarity, String)], holder: &str, target: &str) -> bool {
    stances
        .iter()
        .any(|(h, p, t)| h == holder && *p == Polarity::Support && t == target)
}

/// Relations as (source, kind, target) names.
pub fn named_relations(doc: &Document, relations: &[Relation]) -> Vec<(String, String, String)> {
    relations
        .iter()
        .filter_map(|r| {
            let ActorRef::Entity { id: source } = &r.source else {
                return None;
            };
            let target = match &r.target {
                Target::Actor { id } => entity_name(doc, id),
                Target::Issue { label, .. } => format!("issue:{label}"),
            };
            Some((entity_name(doc, source), r.kind.clone(), target))
        })
        .collect()
}

/// The index of the first token of `view` whose lower-cased text is `word`.
pub fn token(view: &View<'_>, word: &str) -> usize {
    view.tokens
        .iter()
        .position(|t| t.lower == word)
        .expect("the word is in the text")
}
