//! SEESAW and NewsMTSC readers, training examples for the stance model, and the
//! triplet scorer behind `stancegraph eval stance`.
//!
//! Scoring is per article: the gold is the set of (source, polarity, target) triplets over
//! all sentences and annotators, restricted to actors (People, Organization, GPE) of the
//! article's entity list. A predicted stance counts when both its holder and its target
//! match a listed actor through name canonicalisation (lowercase, titles dropped, last
//! name or word-subsequence match); stances between unlisted actors are not scored, since
//! SEESAW only annotates its listed entities.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::error::RelationsError;
use crate::features::pair_features_parsed;
use crate::lexicon::Lexicon;

mod errors;
mod names;
mod quote_examples;
mod verdict;

pub use errors::error_breakdown;
use names::surface_forms;
pub use names::{locate, match_actor, name_words, names_match};
pub use quote_examples::{pipeline_quote_examples, QuoteExample};
use verdict::PairVerdict;

/// Entity types of SEESAW that are actors (the rest are topics, events, others).
const ACTOR_TYPES: &[&str] = &["People", "Organization", "GPE"];

/// One gold stance: sentence index, subject, polarity, object (names as in the entity list).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct GoldTriplet {
    /// 0-based index into [`SeesawArticle::sentences`] (sentences sorted by SEESAW id).
    pub sentence: usize,
    /// The holder, as named in the article's entity list.
    pub subject: String,
    /// `true` for SEESAW's `POS`, `false` for `NEG` (neutral stances are not kept).
    pub positive: bool,
    /// The target, as named in the article's entity list.
    pub object: String,
}

/// One SEESAW article with its sentences, listed actors and gold triplets.
#[derive(Debug, Clone)]
pub struct SeesawArticle {
    /// File stem, e.g. `TRIPLET_000_DOCUMENT_0`.
    pub id: String,
    /// The article's headline (empty when SEESAW has none); not part of [`Self::text`].
    pub title: String,
    /// The sentences, trimmed, in SEESAW's sentence order.
    pub sentences: Vec<String>,
    /// Listed entities that are actors: (name, SEESAW type).
    pub actors: Vec<(String, String)>,
    /// Gold triplets between listed actors (majority polarity over annotators).
    pub triplets: Vec<GoldTriplet>,
}

impl SeesawArticle {
    /// The article text as our pipeline reads it: one sentence per line.
    pub fn text(&self) -> String {
        self.sentences.join("\n")
    }

    /// Article-level gold set of (subject, positive, object).
    pub fn gold_set(&self) -> BTreeSet<(String, bool, String)> {
        let mut votes: BTreeMap<(String, String), (usize, usize)> = BTreeMap::new();
        for t in &self.triplets {
            let entry = votes
                .entry((t.subject.clone(), t.object.clone()))
                .or_default();
            if t.positive {
                entry.0 += 1;
            } else {
                entry.1 += 1;
            }
        }
        votes
            .into_iter()
            .map(|((s, o), (pos, neg))| (s, pos > neg, o))
            .collect()
    }
}

fn read_json(path: &Path) -> Result<Value, RelationsError> {
    let text = std::fs::read_to_string(path).map_err(|source| RelationsError::Io {
        path: path.into(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|e| RelationsError::Seesaw {
        path: path.into(),
        message: e.to_string(),
    })
}

/// Reads every article of `split` (`train` or `valid`, from `meta/*.json`'s `Split`).
pub fn load_split(dir: &Path, split: &str) -> Result<Vec<SeesawArticle>, RelationsError> {
    let meta_dir = dir.join("meta");
    let entries = std::fs::read_dir(&meta_dir).map_err(|source| RelationsError::Io {
        path: meta_dir.clone(),
        source,
    })?;
    let mut stories: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    stories.sort();
    let mut articles = Vec::new();
    for story in stories {
        let meta = read_json(&story)?;
        if meta.get("Split").and_then(Value::as_str) != Some(split) {
            continue;
        }
        let Some(stem) = story.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        for k in 0..3 {
            let id = format!("{stem}_DOCUMENT_{k}");
            let article_path = dir.join("articles").join(format!("{id}.json"));
            let annotation_path = dir.join("annotations").join(format!("{id}.json"));
            if !article_path.exists() || !annotation_path.exists() {
                continue;
            }
            articles.push(read_article(
                &id,
                &read_json(&article_path)?,
                &read_json(&annotation_path)?,
            ));
        }
    }
    if articles.is_empty() {
        return Err(RelationsError::Seesaw {
            path: dir.into(),
            message: format!("no articles in split `{split}`"),
        });
    }
    Ok(articles)
}

fn read_article(id: &str, article: &Value, annotation: &Value) -> SeesawArticle {
    let title = article
        .get("title")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let mut sentences: Vec<(u64, String)> = article
        .get("text")
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|s| {
                    Some((
                        s.get("id")?.as_u64()?,
                        s.get("text")?.as_str()?.trim().to_string(),
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    sentences.sort_by_key(|(i, _)| *i);
    let sentence_index: HashMap<u64, usize> = sentences
        .iter()
        .enumerate()
        .map(|(pos, (id, _))| (*id, pos))
        .collect();
    let actors: Vec<(String, String)> = annotation
        .get("entity lists")
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|e| {
                    let name = e.get(0)?.as_str()?.to_string();
                    let kind = e.get(1)?.get(0)?.as_str()?.to_string();
                    ACTOR_TYPES.contains(&kind.as_str()).then_some((name, kind))
                })
                .collect()
        })
        .unwrap_or_default();
    let is_actor = |name: &str| actors.iter().any(|(n, _)| n == name);
    let mut triplets = Vec::new();
    if let Some(map) = annotation
        .get("sentence-level stances")
        .and_then(Value::as_object)
    {
        for (sentence, list) in map {
            let Some(sentence) = sentence
                .parse::<u64>()
                .ok()
                .and_then(|s| sentence_index.get(&s).copied())
            else {
                continue;
            };
            for t in list.as_array().into_iter().flatten() {
                let (Some(subject), Some(sentiment), Some(object)) = (
                    t.get("subject").and_then(Value::as_str),
                    t.get("sentiment").and_then(Value::as_str),
                    t.get("object").and_then(Value::as_str),
                ) else {
                    continue;
                };
                if subject != object
                    && is_actor(subject)
                    && is_actor(object)
                    && matches!(sentiment, "POS" | "NEG")
                {
                    triplets.push(GoldTriplet {
                        sentence,
                        subject: subject.to_string(),
                        positive: sentiment == "POS",
                        object: object.to_string(),
                    });
                }
            }
        }
    }
    triplets.sort();
    SeesawArticle {
        id: id.to_string(),
        title,
        sentences: sentences.into_iter().map(|(_, s)| s).collect(),
        actors,
        triplets,
    }
}

/// A stance our pipeline predicted, with every name of holder and target.
#[derive(Debug, Clone)]
pub struct PredictedStance {
    /// The holder entity's canonical name, then its aliases (matched against the listed
    /// actors).
    pub holder_names: Vec<String>,
    /// The target entity's canonical name, then its aliases.
    pub target_names: Vec<String>,
    /// Support (`true`) or opposition (`false`); neutral stances are not scored.
    pub positive: bool,
    /// The stance's confidence as the extractor wrote it (calibrated when the model is).
    pub confidence: f32,
    /// Where the stance came from (`trigger`, `quote`, `pair`; see [`crate::calibration`]).
    pub source: &'static str,
}

/// One scored prediction: source, confidence and whether it was right.
pub type ScoredPrediction = (&'static str, f32, bool);

/// Running counts for triplet and pair P/R/F1 and polarity accuracy.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StanceCounts {
    /// Gold (subject, polarity, object) triplets, one per actor pair and article.
    pub gold_triplets: usize,
    /// Predicted triplets after mapping onto listed actors and deduplicating per pair.
    pub predicted_triplets: usize,
    /// Predicted triplets whose pair and polarity both match the gold.
    pub correct_triplets: usize,
    /// Gold ordered actor pairs (polarity ignored).
    pub gold_pairs: usize,
    /// Predicted ordered actor pairs (equal to `predicted_triplets`).
    pub predicted_pairs: usize,
    /// Predicted pairs that are gold pairs, whatever their polarity.
    pub correct_pairs: usize,
}

impl StanceCounts {
    /// Adds one article: predictions are mapped onto listed actors, deduplicated per pair
    /// as the graph reads a pair (`verdict`: the polarity whose readings add up to more by
    /// noisy-or wins, with its most confident reading), then compared with the gold set.
    /// Returns every scored prediction (one per actor pair) with its confidence and
    /// correctness, for reliability tables and calibration.
    pub fn add(
        &mut self,
        article: &SeesawArticle,
        predicted: &[PredictedStance],
    ) -> Vec<ScoredPrediction> {
        let gold = article.gold_set();
        let mut readings: BTreeMap<(String, String), PairVerdict<&'static str>> = BTreeMap::new();
        for p in predicted {
            let (Some(h), Some(t)) = (
                match_actor(&p.holder_names, &article.actors),
                match_actor(&p.target_names, &article.actors),
            ) else {
                continue;
            };
            if h == t {
                continue;
            }
            readings
                .entry((h.to_string(), t.to_string()))
                .or_default()
                .add(p.positive, p.confidence, p.source);
        }
        let best: BTreeMap<(String, String), (bool, f32, &'static str)> = readings
            .into_iter()
            .filter_map(|(pair, verdict)| verdict.verdict().map(|v| (pair, v)))
            .collect();
        let gold_pairs: BTreeMap<(String, String), bool> = gold
            .iter()
            .map(|(s, pos, o)| ((s.clone(), o.clone()), *pos))
            .collect();
        self.gold_triplets += gold.len();
        self.gold_pairs += gold_pairs.len();
        self.predicted_triplets += best.len();
        self.predicted_pairs += best.len();
        let mut scored = Vec::with_capacity(best.len());
        for (pair, (positive, confidence, source)) in &best {
            let mut correct = false;
            if let Some(gold_positive) = gold_pairs.get(pair) {
                self.correct_pairs += 1;
                if gold_positive == positive {
                    self.correct_triplets += 1;
                    correct = true;
                }
            }
            scored.push((*source, *confidence, correct));
        }
        scored
    }

    /// Precision, recall and F1 of (holder, polarity, target) triplets.
    pub fn triplet_prf(&self) -> (f64, f64, f64) {
        prf(
            self.correct_triplets,
            self.predicted_triplets,
            self.gold_triplets,
        )
    }

    /// Precision, recall and F1 of ordered actor pairs, ignoring polarity.
    pub fn pair_prf(&self) -> (f64, f64, f64) {
        prf(self.correct_pairs, self.predicted_pairs, self.gold_pairs)
    }

    /// Share of correctly paired stances that also have the right polarity.
    pub fn polarity_accuracy(&self) -> f64 {
        if self.correct_pairs == 0 {
            0.0
        } else {
            self.correct_triplets as f64 / self.correct_pairs as f64
        }
    }
}

fn prf(correct: usize, predicted: usize, gold: usize) -> (f64, f64, f64) {
    stancegraph_core::metrics::precision_recall_f1(correct, predicted, correct, gold)
}

/// Labels of the pair classifier, in model order.
pub const PAIR_LABELS: [&str; 3] = ["none", "support", "oppose"];
/// Labels of the target classifier, in model order.
pub const TARGET_LABELS: [&str; 3] = ["negative", "neutral", "positive"];

/// The dependency parse of each sentence of `article` in `doc` (its upstream-annotated
/// document, one sentence a line); `None` for a line the document does not hold as is.
fn line_parses<'d>(
    article: &SeesawArticle,
    doc: Option<&'d stancegraph_core::Document>,
) -> Vec<Option<crate::features::SentenceParse<'d>>> {
    let Some(doc) = doc else {
        return vec![None; article.sentences.len()];
    };
    let mut start = 0;
    article
        .sentences
        .iter()
        .map(|sentence| {
            let span = stancegraph_core::Span::new(start, start + sentence.len());
            start += sentence.len() + 1;
            (doc.text().get(span.start..span.end) == Some(sentence.as_str()))
                .then(|| crate::features::SentenceParse::from_document(doc, span))
                .flatten()
        })
        .collect()
}

/// Pair-classifier examples from SEESAW articles: every ordered pair of listed actors found
/// in a sentence, labelled with the sentence's gold triplet or `none`. `prepared` holds the
/// articles' upstream-annotated documents (same order) whose parse the path features read;
/// without them the examples have no path features.
pub fn pair_examples(
    articles: &[SeesawArticle],
    prepared: Option<&[stancegraph_core::Document]>,
    lexicon: &Lexicon,
) -> Vec<(Vec<String>, usize)> {
    let mut examples = Vec::new();
    for (article_index, article) in articles.iter().enumerate() {
        let parses = line_parses(article, prepared.and_then(|docs| docs.get(article_index)));
        for (index, sentence) in article.sentences.iter().enumerate() {
            let parse = parses.get(index).and_then(Option::as_ref);
            let found: Vec<(&str, std::ops::Range<usize>)> = article
                .actors
                .iter()
                .filter_map(|(name, kind)| locate(sentence, name, kind).map(|r| (name.as_str(), r)))
                .collect();
            for (h_name, h_range) in &found {
                for (t_name, t_range) in &found {
                    if h_name == t_name || ranges_overlap(h_range, t_range) {
                        continue;
                    }
                    let label = article
                        .triplets
                        .iter()
                        .find(|t| {
                            t.sentence == index && t.subject == *h_name && t.object == *t_name
                        })
                        .map(|t| if t.positive { 1 } else { 2 })
                        .unwrap_or(0);
                    let features = pair_features_parsed(
                        sentence,
                        parse,
                        h_range.clone(),
                        t_range.clone(),
                        lexicon,
                    );
                    examples.push((features, label));
                }
            }
        }
    }
    examples
}

/// Pair-classifier examples from the pipeline's own candidates: every candidate pair the
/// pair rule reads in an upstream-annotated document (names, aliases, titles and pronouns
/// resolved by the entities stage), labelled with the gold triplet of the listed actors the
/// two entities denote in that sentence, else `none`. These match what the classifier sees
/// at prediction time, unlike [`pair_examples`] (gold names located in the sentence only).
/// `prepared` holds the documents of `articles`, in the same order (one sentence a line).
pub fn pipeline_pair_examples(
    articles: &[SeesawArticle],
    prepared: &[stancegraph_core::Document],
    lexicon: &Lexicon,
) -> Vec<(Vec<String>, usize)> {
    let mut examples = Vec::new();
    for (article, doc) in articles.iter().zip(prepared) {
        let view = crate::extract::view::View::new(doc);
        let names_of = |id: &str| entity_names_by_id(doc, id);
        let mut listed: HashMap<String, Option<&str>> = HashMap::new();
        for segment in 0..view.segments.len() {
            let (found, sentence) = crate::rules::pair_model::segment_candidates(&view, segment);
            let parse = crate::rules::pair_model::segment_parse(&view, segment, &sentence);
            // The article's sentences are the document's lines.
            let start = view.sentence_span(segment).start;
            let line = doc
                .text()
                .get(..start)
                .map_or(0, |before| before.matches('\n').count());
            for ((h, t), (h_range, t_range)) in found.pairs.iter().zip(&sentence.pairs) {
                let mut actor_of = |id: &str| {
                    *listed
                        .entry(id.to_string())
                        .or_insert_with(|| match_actor(&names_of(id), &article.actors))
                };
                let (holder, target) = (actor_of(&h.entity), actor_of(&t.entity));
                let label = match (holder, target) {
                    (Some(holder), Some(target)) if holder != target => article
                        .triplets
                        .iter()
                        .find(|g| g.sentence == line && g.subject == holder && g.object == target)
                        .map_or(0, |g| if g.positive { 1 } else { 2 }),
                    _ => 0,
                };
                let features = pair_features_parsed(
                    sentence.sentence,
                    parse.as_ref(),
                    h_range.clone(),
                    t_range.clone(),
                    lexicon,
                );
                examples.push((features, label));
            }
        }
    }
    examples
}

fn ranges_overlap(a: &std::ops::Range<usize>, b: &std::ops::Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

/// A name mention of entity `entity` given from outside the entities stage (oracle actors,
/// hand-made test documents), at full confidence.
pub fn name_mention(
    span: stancegraph_core::Span,
    entity_type: stancegraph_core::EntityType,
    entity: &str,
    stage: &str,
) -> stancegraph_core::Mention {
    stancegraph_core::Mention {
        span,
        entity_type,
        kind: stancegraph_core::MentionKind::Name,
        entity: Some(entity.to_string()),
        resolution: None,
        resolution_confidence: None,
        stage: stage.to_string(),
        confidence: 1.0,
    }
}

/// Adds the article's listed actors as mentions and entities wherever their names occur in
/// the document's sentences (an oracle for the entities stage, to score this crate alone).
pub fn add_oracle_actors(doc: &mut stancegraph_core::Document, article: &SeesawArticle) {
    use stancegraph_core::{Entity, EntityType, Mention, Span};
    let sentences: Vec<Span> = doc.sentences.iter().map(|s| s.span).collect();
    let text = doc.text().to_string();
    let mut mentions: Vec<Mention> = Vec::new();
    for (index, (name, kind)) in article.actors.iter().enumerate() {
        let id = format!("G{index}");
        let entity_type = match kind.as_str() {
            "People" => EntityType::Per,
            "Organization" => EntityType::Org,
            _ => EntityType::Gpe,
        };
        doc.entities.push(Entity {
            id: id.clone(),
            canonical: name.clone(),
            entity_type,
            aliases: surface_forms(name, kind),
            roles: Vec::new(),
            key: name.to_lowercase(),
            gender: None,
            stage: "seesaw.oracle".into(),
            confidence: 1.0,
        });
        for sentence in &sentences {
            let Some(sentence_text) = text.get(sentence.start..sentence.end) else {
                continue;
            };
            let mut from = 0;
            while let Some(found) = sentence_text
                .get(from..)
                .and_then(|rest| locate(rest, name, kind))
            {
                let span = Span::new(
                    sentence.start + from + found.start,
                    sentence.start + from + found.end,
                );
                from += found.end;
                if mentions
                    .iter()
                    .any(|m| m.span.start < span.end && span.start < m.span.end)
                {
                    continue;
                }
                mentions.push(name_mention(span, entity_type, &id, "seesaw.oracle"));
            }
        }
    }
    mentions.sort_by_key(|m| m.span);
    doc.mentions = mentions;
}

/// Result of scoring a split.
#[derive(Debug, Clone, Default)]
pub struct EvalReport {
    /// Triplet and pair counts summed over the split.
    pub counts: StanceCounts,
    /// Articles scored (including those in `failed`).
    pub articles: usize,
    /// Words of the prepared documents (failed ones included), for throughput figures.
    pub words: usize,
    /// Wall time of everything (pipeline + relations).
    pub seconds: f64,
    /// Wall time of the relations stage alone.
    pub relation_seconds: f64,
    /// Every scored prediction (one per article and actor pair).
    pub scored: Vec<ScoredPrediction>,
    /// Articles the relations stage failed on (a scorer error), with the reason; they are
    /// scored as predicting nothing.
    pub failed: Vec<(String, String)>,
    /// Per article, its scored predictions and missed gold pairs ([`error_breakdown`]).
    pub breakdown: Vec<serde_json::Value>,
}

/// The document an article becomes before any stage runs (one sentence per line).
pub fn article_document(article: &SeesawArticle) -> stancegraph_core::Document {
    stancegraph_core::Document::new(
        Some(article.id.clone()),
        article.text(),
        stancegraph_core::Metadata::default(),
    )
}

/// Actor-to-actor stances of an annotated document, with every name of holder and target.
pub fn predicted_stances(doc: &stancegraph_core::Document) -> Vec<PredictedStance> {
    use stancegraph_core::{ActorRef, Polarity, Target};
    let names_of = |id: &str| entity_names_by_id(doc, id);
    doc.stances
        .iter()
        .filter_map(|s| {
            let (ActorRef::Entity { id: holder }, Target::Actor { id: target }) =
                (&s.holder, &s.target)
            else {
                return None;
            };
            let positive = match s.polarity {
                Polarity::Support => true,
                Polarity::Oppose => false,
                Polarity::Neutral => return None,
            };
            Some(PredictedStance {
                holder_names: names_of(holder),
                target_names: names_of(target),
                positive,
                confidence: s.confidence,
                source: crate::calibration::stance_source(s),
            })
        })
        .collect()
}

/// Runs `prepare` (the upstream pipeline) on every article: the documents the relations
/// stage reads, without stances.
pub fn prepare_documents<E: std::fmt::Display>(
    articles: &[SeesawArticle],
    mut prepare: impl FnMut(&SeesawArticle, &mut stancegraph_core::Document) -> Result<(), E>,
) -> Result<Vec<stancegraph_core::Document>, RelationsError> {
    articles
        .iter()
        .map(|article| {
            let mut doc = article_document(article);
            prepare(article, &mut doc).map_err(|e| RelationsError::Document {
                doc: article.id.clone(),
                message: e.to_string(),
            })?;
            Ok(doc)
        })
        .collect()
}

/// Runs `extractor` on prepared documents (one per article, same order) and scores their
/// actor-to-actor stances against the gold triplets.
pub fn evaluate_prepared(
    articles: &[SeesawArticle],
    prepared: &[stancegraph_core::Document],
    extractor: &crate::Extractor,
) -> EvalReport {
    evaluate_with(articles, prepared, |doc| {
        extractor.annotate(doc).map_err(|e| e.to_string())
    })
}

/// Runs `relations` (a relations stage, or a pipeline of them) on prepared documents (one
/// per article, same order) and scores their actor-to-actor stances against the gold
/// triplets. A document `relations` fails on is scored as predicting nothing and listed in
/// [`EvalReport::failed`].
pub fn evaluate_with(
    articles: &[SeesawArticle],
    prepared: &[stancegraph_core::Document],
    mut relations: impl FnMut(&mut stancegraph_core::Document) -> Result<(), String>,
) -> EvalReport {
    let mut report = EvalReport {
        articles: articles.len(),
        ..Default::default()
    };
    for (article, prepared) in articles.iter().zip(prepared) {
        let mut doc = prepared.clone();
        report.words += doc.word_count();
        let stage_started = std::time::Instant::now();
        if let Err(reason) = relations(&mut doc) {
            report.failed.push((article.id.clone(), reason));
            doc.stances.clear();
        }
        report.relation_seconds += stage_started.elapsed().as_secs_f64();
        let scored = report.counts.add(article, &predicted_stances(&doc));
        report.scored.extend(scored);
        report.breakdown.push(error_breakdown(article, &doc));
    }
    report
}

/// Every name of an entity: its canonical name, then its aliases.
fn entity_names(entity: &stancegraph_core::Entity) -> Vec<String> {
    std::iter::once(entity.canonical.clone())
        .chain(entity.aliases.iter().cloned())
        .collect()
}

/// [`entity_names`] of the entity `id` of `doc` (none when it is not there).
fn entity_names_by_id(doc: &stancegraph_core::Document, id: &str) -> Vec<String> {
    doc.entities
        .iter()
        .find(|e| e.id == id)
        .map(entity_names)
        .unwrap_or_default()
}

/// Runs `prepare` (the upstream pipeline) and then `extractor` on every article and scores
/// actor-to-actor stances against the gold triplets.
pub fn evaluate<E: std::fmt::Display>(
    articles: &[SeesawArticle],
    extractor: &crate::Extractor,
    prepare: impl FnMut(&SeesawArticle, &mut stancegraph_core::Document) -> Result<(), E>,
) -> Result<EvalReport, RelationsError> {
    let started = std::time::Instant::now();
    let prepared = prepare_documents(articles, prepare)?;
    let mut report = evaluate_prepared(articles, &prepared, extractor);
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

#[cfg(test)]
mod tests;
