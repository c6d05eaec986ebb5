//! From candidates to the final layers: one issue key per wording, one stance per
//! (holder, target, polarity, evidence) after calibration, one relation per fact.

use std::collections::{BTreeMap, BTreeSet};

use stancegraph_core::{ActorRef, Polarity, Relation, Span, Stance, Target};

use super::Extractor;
use crate::issue::canonical_issues;

impl Extractor {
    /// One stance per (holder, target, polarity, evidence), the most confident; drops
    /// stances under the threshold.
    pub(crate) fn dedup_stances(&self, candidates: Vec<Stance>) -> Vec<Stance> {
        let mut best: BTreeMap<(ActorRef, Target, Polarity, Span), Stance> = BTreeMap::new();
        let calibration = self.model.as_ref().and_then(|m| m.calibration.as_ref());
        for mut stance in candidates {
            if let Some(calibration) = calibration {
                stance.confidence = calibration.apply(&stance);
            }
            if stance.confidence < self.options.min_confidence {
                continue;
            }
            let key = (
                stance.holder.clone(),
                stance.target.clone(),
                stance.polarity,
                stance.evidence,
            );
            match best.get(&key) {
                Some(existing) if existing.confidence >= stance.confidence => {}
                _ => {
                    best.insert(key, stance);
                }
            }
        }
        let mut out: Vec<Stance> = best.into_values().collect();
        out.sort_by(|a, b| {
            a.evidence
                .cmp(&b.evidence)
                .then(b.confidence.total_cmp(&a.confidence))
        });
        out
    }
}

/// Gives every wording of one issue in the document the same key (stance targets and the
/// `issue` attribute of interactions), see [`canonical_issues`].
pub(crate) fn canonicalise_issues(stances: &mut [Stance], relations: &mut [Relation]) {
    let mut labels: Vec<String> = Vec::new();
    for stance in stances.iter() {
        if let Target::Issue { label, .. } = &stance.target {
            labels.push(label.clone());
        }
    }
    for r in relations.iter() {
        if let Some(label) = r.attributes.get("issue") {
            labels.push(label.clone());
        }
    }
    if labels.is_empty() {
        return;
    }
    let keys = canonical_issues(&labels);
    let mut keys = keys.into_iter();
    for stance in stances.iter_mut() {
        if let Target::Issue { label, .. } = &mut stance.target {
            if let Some(key) = keys.next() {
                *label = key;
            }
        }
    }
    for r in relations.iter_mut() {
        if let Some(label) = r.attributes.get_mut("issue") {
            if let Some(key) = keys.next() {
                *label = key;
            }
        }
    }
}

/// One relation per (class, kind, source, target, evidence).
pub(crate) fn dedup_relations(relations: Vec<Relation>) -> Vec<Relation> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for r in relations {
        if r.source == r.target_as_actor() {
            continue;
        }
        if seen.insert((
            r.class,
            r.kind.clone(),
            r.source.clone(),
            r.target.clone(),
            r.evidence,
        )) {
            out.push(r);
        }
    }
    out.sort_by(|a, b| a.evidence.cmp(&b.evidence).then(a.kind.cmp(&b.kind)));
    out
}

trait TargetAsActor {
    fn target_as_actor(&self) -> ActorRef;
}

impl TargetAsActor for Relation {
    fn target_as_actor(&self) -> ActorRef {
        match &self.target {
            Target::Actor { id } => ActorRef::Entity { id: id.clone() },
            Target::Issue { label, .. } => ActorRef::Unresolved {
                text: label.clone(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use stancegraph_core::{ActorRef, RelationClass, Sign, Target};

    use super::{canonicalise_issues, dedup_relations};
    use crate::test_support::{extractor, pipeline_document, rule_findings};

    const TEXT: &str = "Angela Merkel criticised Vladimir Putin on Monday. She spoke in Berlin.";

    #[test]
    fn one_stance_per_fact_the_most_confident() {
        let doc = pipeline_document(TEXT);
        let found = rule_findings(&doc, |x, view, out| x.trigger_rules(view, 0, out));
        let first = found.stances.first().cloned().expect("a stance");
        let mut weaker = first.clone();
        weaker.confidence = first.confidence / 2.0;
        let mut faint = first.clone();
        faint.target = Target::Actor { id: "E9".into() };
        faint.confidence = 0.0;
        // Without calibration, so that the confidences are the ones written here.
        let plain = crate::Extractor {
            model: None,
            ..extractor().clone()
        };
        let kept = plain.dedup_stances(vec![weaker, first.clone(), faint]);
        assert_eq!(kept.len(), 1, "{kept:?}");
        assert_eq!(kept[0].target, first.target);
        let alone = plain.dedup_stances(vec![first.clone()]);
        assert_eq!(
            kept[0].confidence, alone[0].confidence,
            "the stronger one stays"
        );
    }

    #[test]
    fn one_relation_per_fact_and_none_with_itself() {
        let doc = pipeline_document(TEXT);
        let found = rule_findings(&doc, |x, view, out| x.trigger_rules(view, 0, out));
        let relation = found.relations.first().cloned().expect("a relation");
        let mut itself = relation.clone();
        let ActorRef::Entity { id } = &relation.source else {
            panic!("an entity source");
        };
        itself.target = Target::Actor { id: id.clone() };
        let kept = dedup_relations(vec![relation.clone(), itself, relation.clone()]);
        assert_eq!(kept.len(), 1, "{kept:?}");
        assert_eq!(kept[0].class, RelationClass::Interaction);
        assert_eq!(kept[0].sign, Sign::Conflict);
    }

    #[test]
    fn wordings_of_one_issue_share_a_key() {
        let doc = pipeline_document(
            "Angela Merkel criticised the export controls on rare earth minerals. Emmanuel Macron criticised the export control.",
        );
        let mut found = rule_findings(&doc, |x, view, out| {
            x.trigger_rules(view, 0, out);
            x.trigger_rules(view, 1, out);
        });
        let labels = |stances: &[stancegraph_core::Stance]| -> Vec<String> {
            stances
                .iter()
                .filter_map(|s| match &s.target {
                    Target::Issue { label, .. } => Some(label.clone()),
                    _ => None,
                })
                .collect()
        };
        let before = labels(&found.stances);
        assert_eq!(before.len(), 2, "{before:?}");
        assert_ne!(before[0], before[1]);
        canonicalise_issues(&mut found.stances, &mut found.relations);
        let after = labels(&found.stances);
        assert_eq!(after[0], after[1], "{before:?} -> {after:?}");
    }
}
