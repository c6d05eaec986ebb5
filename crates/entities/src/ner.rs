//! The `entities.ner` stage's work: tag each sentence's tokens and turn the tagger's CoNLL
//! types into mention types (LOC → GPE for countries and cities, MISC → NORP for
//! nationalities and groups).

use stancegraph_core::{Document, EntityType, Mention, MentionKind, SentenceKind, Span};

use crate::lexicon::category;
use crate::tagger::NerModel;

/// Registered name of the tagging stage.
pub const NER_STAGE: &str = "entities.ner";

/// Token text as the taggers saw it in training (CoNLL and PolNeAR use ASCII quotes,
/// apostrophes and dashes): the NER tagger here and the encoder's stages.
pub fn normalise_token(word: &str) -> String {
    word.chars()
        .map(|c| match c {
            '’' | '‘' | '′' => '\'',
            '“' | '”' | '„' => '"',
            '—' | '–' => '-',
            c => c,
        })
        .collect()
}

/// Name mentions of every sentence of `doc` (read from `doc.tokens`), with mention types
/// refined by the gazetteer. Mentions whose confidence is below `min_confidence` are dropped.
pub fn tag_mentions(model: &NerModel, doc: &Document, min_confidence: f32) -> Vec<Mention> {
    let mut words: Vec<Vec<String>> = Vec::with_capacity(doc.sentences.len());
    let mut spans: Vec<Vec<Span>> = Vec::with_capacity(doc.sentences.len());
    for s in 0..doc.sentences.len() {
        let range = doc.sentence_token_range(s);
        let tokens = doc.tokens.get(range).unwrap_or(&[]);
        words.push(
            tokens
                .iter()
                .map(|t| normalise_token(doc.slice(t.span)))
                .collect(),
        );
        spans.push(tokens.iter().map(|t| t.span).collect());
    }
    let sentences: Vec<Vec<&str>> = words
        .iter()
        .map(|s| s.iter().map(String::as_str).collect())
        .collect();
    let tagged = model.tag_document(&sentences);
    let lexicon = model.lexicon();
    // Title-case headings look like names to a tagger trained on Reuters (whose headlines
    // are in capitals): keep a heading's mention only when the body or the gazetteer knows it.
    let phrase_of = |s: usize, e: &crate::tagger::TaggedEntity| {
        sentences
            .get(s)
            .and_then(|w| w.get(e.start..e.end))
            .map(|w| w.join(" ").to_lowercase())
            .unwrap_or_default()
    };
    let is_heading = |s: usize| {
        doc.sentences
            .get(s)
            .is_some_and(|x| x.kind == SentenceKind::Heading)
    };
    let body_phrases: std::collections::HashSet<String> = tagged
        .iter()
        .enumerate()
        .filter(|(s, _)| !is_heading(*s))
        .flat_map(|(s, entities)| entities.iter().map(move |e| phrase_of(s, e)))
        .collect();
    let known = category::COUNTRY
        | category::CITY
        | category::REGION
        | category::ORGANISATION
        | category::DEMONYM;
    let mut mentions = Vec::new();
    for (s, ((entities, token_spans), sentence_words)) in
        tagged.iter().zip(&spans).zip(&sentences).enumerate()
    {
        for entity in entities {
            if is_heading(s) {
                let phrase = phrase_of(s, entity);
                let lexical = lexicon.categories(&crate::lexicon::phrase_tokens(&phrase).join(" "))
                    & known
                    != 0;
                if !lexical && !body_phrases.contains(&phrase) {
                    continue;
                }
            }
            if entity.confidence < min_confidence {
                continue;
            }
            let Some(name) = sentence_words.get(entity.start..entity.end) else {
                continue;
            };
            let opens_sentence = sentence_words
                .get(..entity.start)
                .is_some_and(crate::opens_sentence_or_quote);
            let kept = crate::trim_name_edges(name, opens_sentence, lexicon);
            let (start, end) = (entity.start + kept.start, entity.start + kept.end);
            let (Some(first), Some(last)) = (token_spans.get(start), token_spans.get(end - 1))
            else {
                continue;
            };
            let phrase = name[kept].join(" ");
            let entity_type = name_type(entity.label(), &phrase, lexicon);
            mentions.push(Mention {
                span: Span::new(first.start, last.end),
                entity_type,
                kind: MentionKind::Name,
                entity: None,
                resolution: None,
                resolution_confidence: None,
                stage: NER_STAGE.to_string(),
                confidence: entity.confidence,
            });
        }
    }
    mentions
}

/// The entity type of a name the tagger labelled with a CoNLL type: LOC becomes GPE for a
/// known country or city, MISC becomes NORP for a demonym. Shared with other NER stages (the
/// encoder) so that every tagger types names alike.
pub fn name_type(label: &str, phrase: &str, lexicon: &crate::Lexicon) -> EntityType {
    match label {
        "PER" => EntityType::Per,
        "ORG" => EntityType::Org,
        "LOC" => {
            let categories = lexicon.categories(&crate::lexicon::phrase_tokens(phrase).join(" "));
            if categories & (category::COUNTRY | category::CITY | category::WORLD_CITY) != 0 {
                EntityType::Gpe
            } else {
                EntityType::Loc
            }
        }
        _ => {
            if lexicon.lookup(phrase, category::DEMONYM).is_some() {
                EntityType::Norp
            } else {
                EntityType::Misc
            }
        }
    }
}
