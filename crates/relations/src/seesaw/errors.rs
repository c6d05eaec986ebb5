//! Where one article's stances went right and wrong (`eval stance --errors`): error
//! analysis beside the scorer, never part of the score.

use std::collections::{BTreeMap, BTreeSet};

use super::{entity_names, entity_names_by_id, match_actor, PairVerdict, SeesawArticle};

/// The entity ids of `doc` that denote the listed actor `gold`.
fn entities_denoting(doc: &stancegraph_core::Document, gold: &str) -> BTreeSet<String> {
    let actors = [(gold.to_string(), String::new())];
    doc.entities
        .iter()
        .filter(|e| match_actor(&entity_names(e), &actors).is_some())
        .map(|e| e.id.clone())
        .collect()
}

/// Where one article's stances went right and wrong: every scored prediction (holder,
/// target, polarity, confidence, source, `correct` / `wrong_polarity` / `not_gold`, its
/// evidence) and every missed gold pair with what the upstream stages left for it
/// (whether holder and target are entities, share a sentence, or meet in a quote of the
/// holder). For error analysis (`eval stance --errors`), not for scoring.
pub fn error_breakdown(
    article: &SeesawArticle,
    doc: &stancegraph_core::Document,
) -> serde_json::Value {
    use stancegraph_core::{ActorRef, Target};
    let gold: BTreeMap<(String, String), bool> = article
        .gold_set()
        .into_iter()
        .map(|(s, p, o)| ((s, o), p))
        .collect();
    let names_of = |id: &str| entity_names_by_id(doc, id);
    // Per listed pair: polarity, confidence, source, evidence and trigger of the reading
    // that decides it (`PairVerdict`).
    type Best = (bool, f32, &'static str, String, String);
    let mut verdicts: BTreeMap<(String, String), PairVerdict<Best>> = BTreeMap::new();
    let mut readings: BTreeMap<(String, String), Vec<serde_json::Value>> = BTreeMap::new();
    let sentence_of = |start: usize| doc.sentences.partition_point(|s| s.span.end <= start);
    for s in &doc.stances {
        let (ActorRef::Entity { id: h }, Target::Actor { id: t }) = (&s.holder, &s.target) else {
            continue;
        };
        let positive = match s.polarity {
            stancegraph_core::Polarity::Support => true,
            stancegraph_core::Polarity::Oppose => false,
            stancegraph_core::Polarity::Neutral => continue,
        };
        let (Some(hg), Some(tg)) = (
            match_actor(&names_of(h), &article.actors),
            match_actor(&names_of(t), &article.actors),
        ) else {
            continue;
        };
        if hg == tg {
            continue;
        }
        let trigger = s
            .trigger
            .map(|t| doc.slice(t).to_string())
            .unwrap_or_default();
        let entry = (
            positive,
            s.confidence,
            crate::calibration::stance_source(s),
            doc.slice(s.evidence).to_string(),
            trigger,
        );
        let key = (hg.to_string(), tg.to_string());
        readings
            .entry(key.clone())
            .or_default()
            .push(serde_json::json!([
                s.confidence,
                positive,
                crate::calibration::stance_source(s),
                sentence_of(s.evidence.start)
            ]));
        verdicts
            .entry(key)
            .or_default()
            .add(positive, s.confidence, entry);
    }
    let best: BTreeMap<(String, String), Best> = verdicts
        .into_iter()
        .filter_map(|(key, verdict)| verdict.verdict().map(|(_, _, best)| (key, best)))
        .collect();
    let sentences_with = |ids: &BTreeSet<String>| -> BTreeSet<usize> {
        doc.mentions
            .iter()
            .filter(|m| m.entity.as_ref().is_some_and(|e| ids.contains(e)))
            .map(|m| sentence_of(m.span.start))
            .collect()
    };
    let mentions_of = |ids: &BTreeSet<String>| {
        doc.mentions
            .iter()
            .filter(|m| m.entity.as_ref().is_some_and(|e| ids.contains(e)))
            .count()
    };
    let predictions: Vec<serde_json::Value> = best
        .iter()
        .map(
            |((h, t), (positive, confidence, source, evidence, trigger))| {
                let (hs, ts) = (entities_denoting(doc, h), entities_denoting(doc, t));
                let shared = sentences_with(&hs)
                    .intersection(&sentences_with(&ts))
                    .count();
                let status = match gold.get(&(h.clone(), t.clone())) {
                    Some(g) if g == positive => "correct",
                    Some(_) => "wrong_polarity",
                    None => "not_gold",
                };
                serde_json::json!({"holder": h, "target": t, "positive": positive,
                "confidence": confidence, "source": source, "status": status,
                "evidence": evidence, "trigger": trigger,
                "readings": readings.get(&(h.clone(), t.clone())),
                "holder_mentions": mentions_of(&hs), "target_mentions": mentions_of(&ts),
                "shared_sentences": shared, "sentences": doc.sentences.len()})
            },
        )
        .collect();
    let misses: Vec<serde_json::Value> = gold
        .iter()
        .filter(|(pair, _)| !best.contains_key(*pair))
        .map(|((s, o), positive)| {
            let (hs, ts) = (entities_denoting(doc, s), entities_denoting(doc, o));
            let (h_sent, t_sent) = (sentences_with(&hs), sentences_with(&ts));
            let shared = h_sent.intersection(&t_sent).count();
            let in_quote = doc.quotes.iter().any(|q| {
                matches!(&q.speaker, ActorRef::Entity { id } if hs.contains(id))
                    && doc.mentions.iter().any(|m| {
                        q.content.contains(m.span)
                            && m.entity.as_ref().is_some_and(|e| ts.contains(e))
                    })
            });
            let gold_sentences: Vec<&str> = article
                .triplets
                .iter()
                .filter(|g| &g.subject == s && &g.object == o)
                .filter_map(|g| article.sentences.get(g.sentence).map(String::as_str))
                .collect();
            let adjacent = h_sent
                .iter()
                .any(|a| t_sent.contains(&(a + 1)) || (*a > 0 && t_sent.contains(&(a - 1))));
            serde_json::json!({"holder": s, "target": o, "positive": positive,
                "holder_entity": !hs.is_empty(), "target_entity": !ts.is_empty(),
                "shared_sentences": shared, "adjacent_sentences": adjacent,
                "target_in_holder_quote": in_quote, "gold_sentences": gold_sentences})
        })
        .collect();
    serde_json::json!({"article": article.id, "predictions": predictions, "misses": misses})
}
