//! Affiliations: the roles the entities stage found ("Treasury Secretary Scott Bessent")
//! as `holds_role` toward the organisation and `member_of` toward the country.

use std::collections::BTreeMap;

use stancegraph_core::{ActorRef, Document, EntityType, Relation, RelationClass, Sign, Target};

use crate::extract::Extractor;

impl Extractor {
    /// Roles of persons as affiliations: `holds_role` toward the organisation, `member_of`
    /// toward the country, each with the title.
    pub(crate) fn affiliations(&self, doc: &Document, relations: &mut Vec<Relation>) {
        let find = |name: &str| {
            let lower = name.to_lowercase();
            doc.entities.iter().find(|e| {
                e.canonical.to_lowercase() == lower
                    || e.aliases.iter().any(|a| a.to_lowercase() == lower)
            })
        };
        for entity in doc
            .entities
            .iter()
            .filter(|e| e.entity_type == EntityType::Per)
        {
            for role in &entity.roles {
                for (name, kind) in [
                    (&role.organisation, "holds_role"),
                    (&role.country, "member_of"),
                ] {
                    let Some(other) = name.as_deref().and_then(find) else {
                        continue;
                    };
                    if other.id == entity.id {
                        continue;
                    }
                    let mut attributes = BTreeMap::new();
                    attributes.insert("title".to_string(), role.title.clone());
                    relations.push(self.relation(
                        RelationClass::Affiliation,
                        kind,
                        ActorRef::Entity {
                            id: entity.id.clone(),
                        },
                        Target::Actor {
                            id: other.id.clone(),
                        },
                        Sign::Neutral,
                        attributes,
                        role.evidence,
                        None,
                        role.confidence.min(0.9),
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::{named_relations, pipeline_document};

    #[test]
    fn a_role_gives_holds_role_with_its_title() {
        let doc = pipeline_document(
            "US Treasury Secretary Scott Bessent spoke on Monday. He praised Japan.",
        );
        let mut relations = Vec::new();
        crate::test_support::extractor().affiliations(&doc, &mut relations);
        let named = named_relations(&doc, &relations);
        assert!(
            named.contains(&(
                "Scott Bessent".into(),
                "holds_role".into(),
                "US Treasury".into()
            )),
            "{named:?}"
        );
        assert!(relations
            .iter()
            .all(|r| r.attributes.get("title").map(String::as_str) == Some("Treasury Secretary")));
    }

    #[test]
    fn a_role_without_its_organisation_in_the_document_gives_nothing() {
        let doc = pipeline_document(
            "Janet Yellen, the top trade negotiator, travelled to Beijing. She met officials.",
        );
        let mut relations = Vec::new();
        crate::test_support::extractor().affiliations(&doc, &mut relations);
        assert!(relations.is_empty(), "{relations:?}");
    }
}
