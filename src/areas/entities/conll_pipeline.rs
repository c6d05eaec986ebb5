//! `eval ner --conll FILE --config FILE`: a config's own NER stage(s) on CoNLL-2003 tokens,
//! scored like the shipped tagger (conlleval, strict matching, CoNLL types).

use std::path::Path;

use anyhow::Context;
use stancegraph_core::{
    Document, EntityType, MentionKind, Metadata, Sentence, SentenceKind, Span, Token,
};
use stancegraph_entities::{read_conll, ConllDocument, NerScorer, NerScores, TokenEntity};

/// Scores the mentions the config's pipeline writes on every CoNLL document; with `errors`,
/// writes there each sentence whose entities differ from the gold.
pub fn eval(conll: &Path, config: &Path, errors: Option<&Path>) -> anyhow::Result<NerScores> {
    let documents = read_conll(conll)?;
    anyhow::ensure!(!documents.is_empty(), "{}: no documents", conll.display());
    // CoNLL gives the tokens and sentences: ingest and tokenization stages are left out, and
    // so is everything after the stages that tag.
    let (full, _) = crate::areas::quotes::config_pipeline(Some(config), |_| true)?;
    let registry = crate::builtin_registry();
    let last_tagger = full
        .stages
        .iter()
        .rposition(|s| {
            registry.get(&s.factory).is_some_and(|f| {
                f.io(&s.config)
                    .produces
                    .contains(&stancegraph_core::layer::MENTIONS)
            })
        })
        .with_context(|| format!("{}: no stage writes mentions", config.display()))?;
    let keep: Vec<String> = full.stages[..=last_tagger]
        .iter()
        .map(|s| s.factory.clone())
        .filter(|name| !name.starts_with("ingest.") && name != "text.tokenize")
        .collect();
    let (_, pipeline) =
        crate::areas::quotes::config_pipeline(Some(config), |name| keep.iter().any(|k| k == name))?;
    let started = std::time::Instant::now();
    let mut scorer = NerScorer::default();
    let mut tokens = 0;
    let mut error_lines = String::new();
    for (index, conll_doc) in documents.iter().enumerate() {
        let mut doc = document(index, conll_doc);
        pipeline
            .process(&mut doc)
            .map_err(|f| anyhow::anyhow!("document {index}: {} failed: {}", f.stage, f.reason))?;
        let predicted = token_entities(&doc);
        let mut offset = 0;
        for (s, sentence) in conll_doc.sentences.iter().enumerate() {
            let n = sentence.words.len();
            let in_sentence: Vec<TokenEntity> = predicted
                .iter()
                .filter(|(sent, _)| *sent == s)
                .map(|(_, e)| TokenEntity {
                    start: e.start - offset,
                    end: e.end - offset,
                    label: e.label.clone(),
                })
                .collect();
            if errors.is_some() && !same_entities(&sentence.entities, &in_sentence) {
                error_lines.push_str(&error_line(
                    index,
                    s,
                    &sentence.words,
                    &sentence.entities,
                    &in_sentence,
                ));
                error_lines.push('\n');
            }
            scorer.add_sentence(&sentence.entities, &in_sentence, n);
            offset += n;
            tokens += n;
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    if let Some(path) = errors {
        std::fs::write(path, error_lines).with_context(|| format!("writing {}", path.display()))?;
    }
    println!(
        "{tokens} tokens through {} in {seconds:.2}s ({:.0} tokens/s)",
        keep.join(", "),
        tokens as f64 / seconds.max(1e-9)
    );
    Ok(scorer.scores())
}

/// Whether two sentences' entity lists hold the same entities, in any order.
fn same_entities(gold: &[TokenEntity], predicted: &[TokenEntity]) -> bool {
    let mut gold = gold.to_vec();
    let mut predicted = predicted.to_vec();
    gold.sort();
    predicted.sort();
    gold == predicted
}

/// One line of the `--errors` file: the sentence's words and both entity lists as
/// `[start, end, type, text]` over its tokens.
fn error_line(
    doc: usize,
    sentence: usize,
    words: &[String],
    gold: &[TokenEntity],
    predicted: &[TokenEntity],
) -> String {
    let list = |entities: &[TokenEntity]| -> Vec<serde_json::Value> {
        entities
            .iter()
            .map(|e| {
                let text = words
                    .get(e.start..e.end)
                    .map_or(String::new(), |w| w.join(" "));
                serde_json::json!([e.start, e.end, e.label, text])
            })
            .collect()
    };
    serde_json::json!({
        "document": doc,
        "sentence": sentence,
        "words": words.join(" "),
        "gold": list(gold),
        "predicted": list(predicted),
    })
    .to_string()
}

/// A document of the CoNLL words (one line per sentence), tokens and sentences set.
fn document(index: usize, conll: &ConllDocument) -> Document {
    let mut text = String::new();
    let mut spans = Vec::new();
    let mut sentences = Vec::new();
    for (s, sentence) in conll.sentences.iter().enumerate() {
        let start = text.len();
        for (i, word) in sentence.words.iter().enumerate() {
            if i > 0 {
                text.push(' ');
            }
            spans.push((Span::new(text.len(), text.len() + word.len()), s as u32));
            text.push_str(word);
        }
        sentences.push(Sentence {
            span: Span::new(start, text.len()),
            kind: SentenceKind::Body,
            stage: "conll".into(),
            confidence: 1.0,
        });
        text.push('\n');
    }
    let mut doc = Document::new(Some(format!("conll-{index}")), text, Metadata::default());
    doc.sentences = sentences;
    doc.tokens = spans
        .into_iter()
        .map(|(span, sentence)| Token {
            span,
            sentence,
            ..Default::default()
        })
        .collect();
    doc
}

/// Name mentions as (sentence, token entity in document tokens) with CoNLL types (GPE → LOC,
/// NORP → MISC); dates, money and non-name mentions are not CoNLL entities.
fn token_entities(doc: &Document) -> Vec<(usize, TokenEntity)> {
    let mut out = Vec::new();
    for m in &doc.mentions {
        if m.kind != MentionKind::Name {
            continue;
        }
        let label = match m.entity_type {
            EntityType::Per => "PER",
            EntityType::Org => "ORG",
            EntityType::Gpe | EntityType::Loc => "LOC",
            EntityType::Norp | EntityType::Misc => "MISC",
            _ => continue,
        };
        let first = doc.tokens.partition_point(|t| t.span.end <= m.span.start);
        let end = doc.tokens.partition_point(|t| t.span.start < m.span.end);
        let Some(token) = doc.tokens.get(first) else {
            continue;
        };
        if end <= first {
            continue;
        }
        out.push((
            token.sentence as usize,
            TokenEntity {
                start: first,
                end,
                label: label.to_string(),
            },
        ));
    }
    out
}
