//! Alias clustering: which actor keys name the same actor, and which key represents
//! each group in the view.

use std::collections::{BTreeMap, HashMap};

use petgraph::unionfind::UnionFind;

use super::{key_name, normalise, KnowledgeGraph, UNRESOLVED_TYPE};

/// Aliases that can identify an actor across documents: names, not descriptions or pronouns.
fn name_like(alias: &str) -> bool {
    let trimmed = alias.trim();
    trimmed.chars().next().is_some_and(|c| c.is_uppercase())
        && !["The ", "A ", "An ", "He", "She", "They", "It"]
            .iter()
            .any(|p| trimmed.starts_with(p))
}

impl KnowledgeGraph {
    /// Groups actor keys that name the same actor: a key whose name is another key's
    /// alias (same type, or an unresolved source). Returns key → representative key.
    pub(super) fn cluster_actors(&self) -> BTreeMap<&str, &str> {
        let keys: Vec<&str> = self.actors.keys().map(String::as_str).collect();
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, key) in keys.iter().enumerate() {
            if self.actors.get(*key).is_some_and(|a| !a.anonymous) {
                by_name.entry(key_name(key)).or_default().push(i);
            }
        }
        let mut union = UnionFind::<usize>::new(keys.len());
        for (i, key) in keys.iter().enumerate() {
            let Some(actor) = self.actors.get(*key).filter(|a| !a.anonymous) else {
                continue;
            };
            let names = actor
                .aliases
                .iter()
                .chain(&actor.canonicals)
                .filter(|a| name_like(a))
                .map(|a| normalise(a));
            for name in names {
                for &j in by_name.get(&name).into_iter().flatten() {
                    let other = keys.get(j).and_then(|k| self.actors.get(*k));
                    let compatible = other.is_some_and(|o| {
                        o.actor_type == actor.actor_type
                            || o.actor_type == UNRESOLVED_TYPE
                            || actor.actor_type == UNRESOLVED_TYPE
                    });
                    if compatible {
                        union.union(i, j);
                    }
                }
            }
        }
        let mut members: BTreeMap<usize, Vec<&str>> = BTreeMap::new();
        for (i, key) in keys.iter().enumerate() {
            members.entry(union.find(i)).or_default().push(key);
        }
        let mut representative = BTreeMap::new();
        for group in members.values() {
            // A key whose name another member lists as an alias is that member's short or
            // metonymic form ("Trump" of Donald Trump, "Beijing" of China): never the label.
            let aliased = |key: &str| {
                let name = key_name(key);
                group.iter().any(|other| {
                    *other != key
                        && self
                            .actors
                            .get(*other)
                            .is_some_and(|a| a.aliases.iter().any(|al| normalise(al) == name))
                })
            };
            let best = group
                .iter()
                .copied()
                .min_by_key(|k| (aliased(k), self.representative_rank(k)))
                .unwrap_or_default();
            for key in group {
                representative.insert(*key, best);
            }
        }
        representative
    }

    /// Smaller is better: a resolved type, the fullest name, then the key itself.
    fn representative_rank<'k>(
        &self,
        key: &'k str,
    ) -> (
        bool,
        std::cmp::Reverse<usize>,
        std::cmp::Reverse<usize>,
        &'k str,
    ) {
        let unresolved = self
            .actors
            .get(key)
            .is_some_and(|a| a.actor_type == UNRESOLVED_TYPE);
        let name = key_name(key);
        (
            unresolved,
            std::cmp::Reverse(name.split(' ').count()),
            std::cmp::Reverse(name.len()),
            key,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_capitalised_and_not_descriptions_or_pronouns() {
        assert!(name_like("Bessent") && !name_like("the President") && !name_like("He"));
        assert!(!name_like("The President") && !name_like("They"));
    }
}
