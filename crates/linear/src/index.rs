//! A hash index for feature keys that lets a model prefetch its lookups.
//!
//! Linear models over hashed sparse features (POS tagger, parser, NER) spend most of
//! their time waiting for memory: each decision reads dozens of random rows from a table of
//! megabytes. `std::collections::HashMap` cannot say where a key lives before it is looked
//! up; this open-addressing index can, so a caller can [`FeatureIndex::prefetch`] every
//! key of a decision first and let the cache misses overlap.

/// Hints the CPU to start loading the cache line at `ptr`. Never dereferences it, so any
/// address (even one past the end of a buffer) is allowed.
#[inline(always)]
pub fn prefetch<T>(ptr: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: `_mm_prefetch` is a hint; it cannot fault, whatever the address.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(ptr.cast::<i8>());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = ptr;
}

/// One slot of [`FeatureIndex`].
#[derive(Clone, Copy, Default)]
#[repr(C)]
struct Entry<V> {
    key: u64,
    value: V,
}

/// Open-addressing (linear probing) map from a feature key to a small `Copy` value (where
/// its weights are). Keys are already mixed hashes, so their low bits pick the slot; key 0
/// marks an empty slot (a real key of 0 is stored as 1, a collision of one key in 2^64).
/// Unlike `HashMap`, a lookup's slot can be prefetched before it is needed: see
/// [`crate::Weights`].
#[derive(Clone)]
pub struct FeatureIndex<V> {
    entries: Vec<Entry<V>>,
    mask: usize,
    len: usize,
}

impl<V: Copy + Default> Default for FeatureIndex<V> {
    fn default() -> Self {
        FeatureIndex {
            entries: Vec::new(),
            mask: 0,
            len: 0,
        }
    }
}

impl<V: Copy + Default> FeatureIndex<V> {
    /// An index that holds `n` keys without growing.
    pub fn with_capacity(n: usize) -> FeatureIndex<V> {
        // Load factor at most 3/4, so probe sequences stay short.
        let slots = (n + n / 3 + 1).next_power_of_two().max(16);
        FeatureIndex {
            entries: vec![Entry::default(); slots],
            mask: slots - 1,
            len: 0,
        }
    }

    #[inline(always)]
    fn stored(key: u64) -> u64 {
        key.max(1)
    }

    /// Number of keys stored.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no key is stored.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Inserts or replaces the value of `key`.
    pub fn insert(&mut self, key: u64, value: V) {
        if self.entries.is_empty() || (self.len + 1) * 4 > self.entries.len() * 3 {
            let mut grown = FeatureIndex::with_capacity((self.len + 1) * 2);
            for e in self.entries.iter().filter(|e| e.key != 0) {
                grown.insert(e.key, e.value);
            }
            *self = grown;
        }
        let key = Self::stored(key);
        let mut i = key as usize & self.mask;
        while let Some(entry) = self.entries.get_mut(i) {
            if entry.key == 0 {
                *entry = Entry { key, value };
                self.len += 1;
                return;
            }
            if entry.key == key {
                entry.value = value;
                return;
            }
            i = (i + 1) & self.mask;
        }
    }

    /// Starts loading the slot of `key` into the cache.
    #[inline(always)]
    pub fn prefetch(&self, key: u64) {
        let i = Self::stored(key) as usize & self.mask;
        prefetch(self.entries.as_ptr().wrapping_add(i));
    }

    /// The value of `key`, if stored.
    #[inline]
    pub fn get(&self, key: u64) -> Option<V> {
        if self.entries.is_empty() {
            return None;
        }
        let key = Self::stored(key);
        let mut i = key as usize & self.mask;
        loop {
            let entry = self.entries.get(i)?;
            if entry.key == key {
                return Some(entry.value);
            }
            if entry.key == 0 {
                return None;
            }
            i = (i + 1) & self.mask;
        }
    }

    /// Every (key, value), in slot order.
    pub fn iter(&self) -> impl Iterator<Item = (u64, V)> + '_ {
        self.entries
            .iter()
            .filter(|e| e.key != 0)
            .map(|e| (e.key, e.value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The index agrees with a `HashMap` on every key inserted or not.
        #[test]
        fn behaves_like_a_map(pairs in proptest::collection::vec((any::<u64>(), any::<u32>()), 0..300), probes in proptest::collection::vec(any::<u64>(), 0..50)) {
            let mut index = FeatureIndex::default();
            let mut model = std::collections::HashMap::new();
            for (k, v) in &pairs {
                index.insert(*k, *v);
                model.insert((*k).max(1), *v);
            }
            prop_assert_eq!(index.len(), model.len());
            for (k, _) in &pairs {
                prop_assert_eq!(index.get(*k), model.get(&(*k).max(1)).copied());
            }
            for k in probes {
                index.prefetch(k);
                prop_assert_eq!(index.get(k), model.get(&k.max(1)).copied());
            }
            let mut listed: Vec<(u64, u32)> = index.iter().collect();
            listed.sort_unstable();
            let mut expected: Vec<(u64, u32)> = model.into_iter().collect();
            expected.sort_unstable();
            prop_assert_eq!(listed, expected);
        }
    }
}
