//! Small sorted collections for the raw graph state.
//!
//! A corpus graph holds tens of thousands of actors and edges, each with a handful of
//! names, roles and per-document counts. `BTreeSet`/`BTreeMap` allocate a node of several
//! hundred bytes even for one element; these sorted vectors allocate what they hold.

/// A set kept as a sorted vector without duplicates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SortedSet<T>(Vec<T>);

impl<T> Default for SortedSet<T> {
    fn default() -> Self {
        SortedSet(Vec::new())
    }
}

impl<T: Ord> SortedSet<T> {
    /// Adds `value`; false when it was already there.
    pub(crate) fn insert(&mut self, value: T) -> bool {
        match self.0.binary_search(&value) {
            Ok(_) => false,
            Err(at) => {
                self.0.insert(at, value);
                true
            }
        }
    }

    pub(crate) fn iter(&self) -> std::slice::Iter<'_, T> {
        self.0.iter()
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }
}

impl<T: Ord> Extend<T> for SortedSet<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, items: I) {
        for item in items {
            self.insert(item);
        }
    }
}

impl<T: Ord> FromIterator<T> for SortedSet<T> {
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> Self {
        let mut set = SortedSet::default();
        set.extend(items);
        set
    }
}

impl<T> IntoIterator for SortedSet<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a, T> IntoIterator for &'a SortedSet<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// A map kept as a vector of (key, value) sorted by key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SortedMap<K, V>(Vec<(K, V)>);

impl<K, V> Default for SortedMap<K, V> {
    fn default() -> Self {
        SortedMap(Vec::new())
    }
}

impl<K: Ord, V: Default> SortedMap<K, V> {
    /// The value of `key`, inserted as the default when absent.
    pub(crate) fn entry_or_default(&mut self, key: K) -> &mut V {
        let at = match self.0.binary_search_by(|(k, _)| k.cmp(&key)) {
            Ok(at) => at,
            Err(at) => {
                self.0.insert(at, (key, V::default()));
                at
            }
        };
        &mut self.0[at].1
    }

    pub(crate) fn keys(&self) -> impl Iterator<Item = &K> {
        self.0.iter().map(|(k, _)| k)
    }

    pub(crate) fn values(&self) -> impl Iterator<Item = &V> {
        self.0.iter().map(|(_, v)| v)
    }

    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }

    pub(crate) fn to_map(&self) -> std::collections::BTreeMap<K, V>
    where
        K: Clone,
        V: Clone,
    {
        self.0.iter().cloned().collect()
    }
}

impl<K: Ord, V: Default> FromIterator<(K, V)> for SortedMap<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(items: I) -> Self {
        let mut map = SortedMap::default();
        for (k, v) in items {
            *map.entry_or_default(k) = v;
        }
        map
    }
}

impl<K, V> IntoIterator for SortedMap<K, V> {
    type Item = (K, V);
    type IntoIter = std::vec::IntoIter<(K, V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The sorted collections agree with the standard B-tree ones.
        #[test]
        fn agree_with_btree(items in proptest::collection::vec((0u8..20, any::<u16>()), 0..60)) {
            let mut set = SortedSet::default();
            let mut map: SortedMap<u8, u16> = SortedMap::default();
            let mut bset = std::collections::BTreeSet::new();
            let mut bmap = std::collections::BTreeMap::new();
            for (k, v) in &items {
                prop_assert_eq!(set.insert(*k), bset.insert(*k));
                *map.entry_or_default(*k) = *v;
                bmap.insert(*k, *v);
            }
            prop_assert_eq!(set.iter().copied().collect::<Vec<_>>(), bset.iter().copied().collect::<Vec<_>>());
            prop_assert_eq!(map.to_map(), bmap);
            prop_assert_eq!(set.len(), bset.len());
        }
    }
}
