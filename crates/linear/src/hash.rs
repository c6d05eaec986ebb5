//! Feature hashing: the one FNV-1a, the mixers of the text models' feature keys, and hash
//! maps for keys that are already hashes. Hash values are stored in model files, so none
//! of these may change without retraining every model.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// FNV-1a over bytes, optionally seeded; stable across builds and platforms.
///
/// `Fnv::new().bytes(b).value()` is textbook 64-bit FNV-1a. [`Fnv::with_seed`] starts
/// from another offset (the quote tagger separates its feature families so), and
/// [`Fnv::word`] folds a whole 64-bit value in one step (the NER tagger's numbers).
/// As a [`Hasher`] it drives [`FnvMap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv::new()
    }
}

impl Fnv {
    /// The standard FNV-1a start.
    #[inline]
    pub const fn new() -> Fnv {
        Fnv(FNV_OFFSET)
    }

    /// A start that depends on `seed` (seed 0 is [`Fnv::new`]).
    #[inline]
    pub const fn with_seed(seed: u64) -> Fnv {
        Fnv(FNV_OFFSET ^ seed.wrapping_mul(FNV_PRIME))
    }

    /// Folds in one byte.
    #[inline]
    pub const fn byte(self, b: u8) -> Fnv {
        Fnv((self.0 ^ b as u64).wrapping_mul(FNV_PRIME))
    }

    /// Folds in bytes, one at a time.
    #[inline]
    pub fn bytes(self, bytes: &[u8]) -> Fnv {
        let mut h = self.0;
        for &b in bytes {
            h = (h ^ u64::from(b)).wrapping_mul(FNV_PRIME);
        }
        Fnv(h)
    }

    /// Folds in a whole 64-bit value in one step.
    #[inline]
    pub const fn word(self, v: u64) -> Fnv {
        Fnv((self.0 ^ v).wrapping_mul(FNV_PRIME))
    }

    /// The hash so far.
    #[inline]
    pub const fn value(self) -> u64 {
        self.0
    }
}

impl Hasher for Fnv {
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        *self = self.bytes(bytes);
    }
}

/// Builds [`Fnv`] hashers for [`FnvMap`] and [`FnvSet`].
pub type FnvBuildHasher = BuildHasherDefault<Fnv>;
/// A hash map with [`Fnv`]: fast on the short string keys of gazetteers and clusters.
pub type FnvMap<K, V> = HashMap<K, V, FnvBuildHasher>;
/// A hash set with [`Fnv`].
pub type FnvSet<K> = HashSet<K, FnvBuildHasher>;

/// Hasher for keys that are already well-mixed 64-bit hashes: a `u64` passes unchanged.
#[derive(Default, Clone, Copy)]
pub struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        self.0 = Fnv(self.0).bytes(bytes).0;
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// A map keyed by pre-hashed `u64` keys.
pub type KeyMap<V> = HashMap<u64, V, BuildHasherDefault<KeyHasher>>;

/// The final mixer of splitmix64: spreads bits so that feature keys can serve as hashes.
#[inline]
pub fn fmix64(mut x: u64) -> u64 {
    x ^= x >> 30;
    x = x.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x ^= x >> 27;
    x = x.wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// Combines a running hash with another value.
#[inline]
pub fn mix(h: u64, v: u64) -> u64 {
    fmix64(h ^ v.wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(17))
}

/// FNV-1a of a string, mixed with [`fmix64`]: the string values of the text models.
pub fn hash_str(s: &str) -> u64 {
    fmix64(Fnv::new().bytes(s.as_bytes()).value())
}

/// Key of feature template `template` over values `values` (the text models' features).
#[inline]
pub fn feature_key(template: u64, values: &[u64]) -> u64 {
    let mut h = fmix64(template.wrapping_add(0x51_7cc1_b727_220a));
    for v in values {
        h = mix(h, *v);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::BuildHasher;

    #[test]
    fn fnv_matches_the_published_test_vectors() {
        // From the FNV reference (draft-eastlake-fnv): FNV-1a 64 of "" and "a" and "foobar".
        assert_eq!(Fnv::new().bytes(b"").value(), 0xcbf2_9ce4_8422_2325);
        assert_eq!(Fnv::new().bytes(b"a").value(), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(Fnv::new().bytes(b"foobar").value(), 0x8594_4171_f739_67e8);
        assert_eq!(Fnv::with_seed(0), Fnv::new());
        assert_ne!(
            Fnv::with_seed(1).bytes(b"a").value(),
            Fnv::with_seed(2).bytes(b"a").value()
        );
        assert_eq!(Fnv::new().byte(b'a'), Fnv::new().bytes(b"a"));
    }

    #[test]
    fn the_hasher_agrees_with_the_builder() {
        let mut hasher = Fnv::default();
        hasher.write(b"foo");
        hasher.write(b"bar");
        assert_eq!(hasher.finish(), Fnv::new().bytes(b"foobar").value());
        let build = FnvBuildHasher::default();
        assert_eq!(build.hash_one(7u8), Fnv::new().byte(7).value());
    }

    #[test]
    fn text_keys_are_stable() {
        // Stored in data/models/text/*.bin: these values may never change.
        assert_eq!(hash_str("the"), fmix64(Fnv::new().bytes(b"the").value()));
        assert_ne!(
            feature_key(1, &[hash_str("a")]),
            feature_key(2, &[hash_str("a")])
        );
        assert_ne!(feature_key(1, &[1, 2]), feature_key(1, &[2, 1]));
        let mut map = KeyMap::default();
        map.insert(42u64, "x");
        assert_eq!(map.get(&42), Some(&"x"));
    }
}
