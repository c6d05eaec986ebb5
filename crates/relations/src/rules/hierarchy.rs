//! Hierarchy: "X, the top trade negotiator under Y" and "X reports to Y" give X
//! `reports_to` Y (persons only).

use std::collections::BTreeMap;

use stancegraph_core::{ActorRef, EntityType, Relation, RelationClass, Sign, Target};

use crate::extract::clause::SKIP_BEFORE_VERB;
use crate::extract::view::View;
use crate::extract::Extractor;
use crate::lexicon::stem;

impl Extractor {
    /// "X, the top trade negotiator under Y" and "X reports to Y": hierarchy.
    pub(crate) fn hierarchy_rules(
        &self,
        view: &View<'_>,
        sentence: usize,
        relations: &mut Vec<Relation>,
    ) {
        let range = view.sentence_range(sentence);
        let evidence = view.sentence_span(sentence);
        for i in range.clone() {
            let Some(tok) = view.tokens.get(i) else {
                continue;
            };
            let superior_from = match tok.lower.as_str() {
                "under" => i + 1,
                "to" if i > range.start
                    && view.tokens.get(i - 1).is_some_and(|t| {
                        matches!(stem(&t.lower).as_str(), "report" | "answer")
                    }) =>
                {
                    i + 1
                }
                _ => continue,
            };
            let superior = (superior_from..(superior_from + 5).min(range.end)).find_map(|j| {
                view.actor_at(j)
                    .filter(|a| a.entity_type == EntityType::Per)
                    .map(|a| a.entity.clone())
            });
            let Some(superior) = superior else { continue };
            // The subordinate: a person named before, in the same apposition or as subject.
            let clause = view.clause_start(i, range.start);
            let subordinate = (clause..i).rev().find_map(|j| {
                view.actor_at(j)
                    .filter(|a| a.entity_type == EntityType::Per && a.entity != superior)
                    .map(|a| (a.entity.clone(), a.last))
            });
            let Some((subordinate, last)) = subordinate else {
                continue;
            };
            // Only an apposition ("X, the ... under Y") or a reporting verb links them.
            let apposition = view.tokens.get(last + 1).is_some_and(|t| t.text == ",")
                && (last + 2..i).all(|j| {
                    view.tokens.get(j).is_some_and(|t| {
                        !t.is_verb()
                            || t.upos.is_none() && !SKIP_BEFORE_VERB.contains(&t.lower.as_str())
                    })
                });
            if tok.lower == "under" && !apposition {
                continue;
            }
            relations.push(self.relation(
                RelationClass::Hierarchy,
                "reports_to",
                ActorRef::Entity { id: subordinate },
                Target::Actor { id: superior },
                Sign::Neutral,
                BTreeMap::new(),
                evidence,
                Some(tok.span),
                0.7,
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::{named_relations, pipeline_document, rule_findings};

    fn hierarchy(text: &str) -> Vec<(String, String, String)> {
        let doc = pipeline_document(text);
        let found = rule_findings(&doc, |x, view, out| {
            x.hierarchy_rules(view, 0, &mut out.relations)
        });
        named_relations(&doc, &found.relations)
    }

    fn reports(subordinate: &str, superior: &str) -> (String, String, String) {
        (subordinate.into(), "reports_to".into(), superior.into())
    }

    #[test]
    fn an_apposition_with_under_is_hierarchy() {
        let found = hierarchy(
            "Janet Yellen, a senior official under Joe Biden, travelled to Beijing. She met officials.",
        );
        assert_eq!(found, vec![reports("Janet Yellen", "Joe Biden")]);
    }

    #[test]
    fn reports_to_is_hierarchy() {
        let found =
            hierarchy("Janet Yellen reports to Joe Biden. She travelled to Beijing on Monday.");
        assert_eq!(found, vec![reports("Janet Yellen", "Joe Biden")]);
    }

    #[test]
    fn under_outside_an_apposition_is_not() {
        let found = hierarchy(
            "Janet Yellen spoke under pressure from Joe Biden. She travelled to Beijing on Monday.",
        );
        assert!(found.is_empty(), "{found:?}");
    }
}
