//! Training examples for the reader of quotes: every actor a pipeline quote names in a SEESAW
//! article, as the quote rule's target scorer reads it, labelled with the gold stance of
//! the quote's speaker toward that actor. NewsMTSC teaches the reader how a sentence speaks
//! of someone; these teach it where a speaker stands ("the president did nothing wrong" is
//! support, however negative its words).

use std::collections::{BTreeMap, HashMap};

use serde_json::json;

use super::{entity_names_by_id, match_actor, SeesawArticle};

/// Labels as NewsMTSC codes them (negative, neutral, positive).
const NEWSMTSC_POLARITY: [f64; 3] = [2.0, 4.0, 6.0];

/// One labelled query: the part of the quote in the actor's sentence, the actor's bytes in
/// it, and 0 / 1 / 2 for oppose / none / support.
#[derive(Debug, Clone, PartialEq)]
pub struct QuoteExample {
    /// The SEESAW article id ([`SeesawArticle::id`]).
    pub article: String,
    /// The part of the quote inside the actor's sentence.
    pub sentence: String,
    /// Byte range of the actor's mention in `sentence`.
    pub target: std::ops::Range<usize>,
    /// 0 oppose, 1 none, 2 support (the order of NewsMTSC's negative / neutral / positive).
    pub label: usize,
}

impl QuoteExample {
    /// The example as a NewsMTSC line (`from`/`to` in code points), which
    /// `train sentiment-encoder --extra` reads.
    pub fn to_newsmtsc(&self) -> serde_json::Value {
        let code_points = |byte: usize| self.sentence.get(..byte).map_or(0, |s| s.chars().count());
        json!({
            "primary_gid": format!("seesaw_{}_{}", self.article, self.target.start),
            "sentence_normalized": self.sentence,
            "targets": [{
                "from": code_points(self.target.start),
                "to": code_points(self.target.end),
                "mention": self.sentence.get(self.target.clone()).unwrap_or(""),
                "polarity": NEWSMTSC_POLARITY[self.label],
            }],
        })
    }
}

/// Examples from the quotes of upstream-annotated documents (`prepared`, same order as
/// `articles`, one sentence a line). The label is the majority gold stance of the two listed
/// actors in the actor's sentence or a neighbouring one (a quote's stance is often annotated
/// on the sentence of its cue), turned where the cue denies the content ("denied that X
/// broke the law": the content opposes X); none when the article holds no stance of the
/// pair; no example when the pair's stance lies elsewhere in the article, or the annotators
/// tie.
pub fn pipeline_quote_examples(
    articles: &[SeesawArticle],
    prepared: &[stancegraph_core::Document],
) -> Vec<QuoteExample> {
    let mut examples = Vec::new();
    for (article, doc) in articles.iter().zip(prepared) {
        let view = crate::extract::view::View::new(doc);
        let mut listed: HashMap<String, Option<String>> = HashMap::new();
        let mut actor_of = |id: &str| -> Option<String> {
            listed
                .entry(id.to_string())
                .or_insert_with(|| {
                    match_actor(&entity_names_by_id(doc, id), &article.actors).map(str::to_string)
                })
                .clone()
        };
        for quoted in crate::rules::quotes::quoted_targets(&view) {
            let (Some(holder), Some(target)) = (actor_of(quoted.speaker), actor_of(quoted.target))
            else {
                continue;
            };
            if holder == target {
                continue;
            }
            let line = doc
                .text()
                .get(..quoted.offset)
                .map_or(0, |before| before.matches('\n').count());
            let Some(label) = quote_label(article, &holder, &target, line) else {
                continue;
            };
            // The reader says how the content speaks; for a denied content the rule turns
            // that into the speaker's stance, so the reader learns the content's side.
            let label = if quoted.denied { 2 - label } else { label };
            examples.push(QuoteExample {
                article: article.id.clone(),
                sentence: quoted.query.sentence.to_string(),
                target: quoted.query.target.clone(),
                label,
            });
        }
    }
    examples
}

/// The gold label of `holder` toward `target` near sentence `line` (see
/// [`pipeline_quote_examples`]).
fn quote_label(article: &SeesawArticle, holder: &str, target: &str, line: usize) -> Option<usize> {
    let of_pair: Vec<_> = article
        .triplets
        .iter()
        .filter(|t| t.subject == holder && t.object == target)
        .collect();
    if of_pair.is_empty() {
        return Some(1);
    }
    let mut votes: BTreeMap<usize, (usize, usize)> = BTreeMap::new();
    for t in &of_pair {
        let entry = votes.entry(t.sentence).or_default();
        if t.positive {
            entry.0 += 1;
        } else {
            entry.1 += 1;
        }
    }
    let nearby = [Some(line), line.checked_sub(1), Some(line + 1)];
    let (support, oppose) = nearby
        .into_iter()
        .flatten()
        .find_map(|sentence| votes.get(&sentence))?;
    match support.cmp(oppose) {
        std::cmp::Ordering::Greater => Some(2),
        std::cmp::Ordering::Less => Some(0),
        std::cmp::Ordering::Equal => None,
    }
}
