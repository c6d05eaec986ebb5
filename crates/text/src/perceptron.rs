//! Averaged perceptron over hashed sparse features, shared by the tagger and the parser,
//! and the compact binary format the models are stored in.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::feature_index::{prefetch, FeatureIndex};

/// Hasher for keys that are already well-mixed 64-bit hashes.
#[derive(Default, Clone, Copy)]
pub struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// A map keyed by pre-hashed `u64` keys.
pub type KeyMap<V> = HashMap<u64, V, BuildHasherDefault<KeyHasher>>;

/// Final mixer of splitmix64: spreads bits so that feature keys can be used as hashes.
#[inline]
pub fn fmix(mut x: u64) -> u64 {
    x ^= x >> 30;
    x = x.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x ^= x >> 27;
    x = x.wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// Combines a running hash with another value.
#[inline]
pub fn mix(h: u64, v: u64) -> u64 {
    fmix(h ^ v.wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(17))
}

/// FNV-1a of a string, mixed.
pub fn hash_str(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.as_bytes() {
        h = (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3);
    }
    fmix(h)
}

/// Key of feature template `template` over values `values`.
#[inline]
pub fn feature(template: u64, values: &[u64]) -> u64 {
    let mut h = fmix(template.wrapping_add(0x51_7cc1_b727_220a));
    for v in values {
        h = mix(h, *v);
    }
    h
}

#[derive(Clone, Copy)]
struct Slot {
    class: u16,
    weight: f32,
    total: f64,
    stamp: u64,
}

/// Trains weights with the averaged perceptron (lazy averaging with timestamps).
pub struct Trainer {
    n_classes: usize,
    rows: KeyMap<Vec<Slot>>,
    clock: u64,
}

impl Trainer {
    pub fn new(n_classes: usize) -> Self {
        Trainer {
            n_classes,
            rows: KeyMap::default(),
            clock: 1,
        }
    }

    /// Adds the current weights of `features` into `scores` (which is zeroed first).
    pub fn scores(&self, features: &[u64], scores: &mut [f32]) {
        scores.fill(0.0);
        for f in features {
            if let Some(row) = self.rows.get(f) {
                for slot in row {
                    if let Some(s) = scores.get_mut(slot.class as usize) {
                        *s += slot.weight;
                    }
                }
            }
        }
    }

    /// Advances time by one training instance.
    pub fn tick(&mut self) {
        self.clock += 1;
    }

    /// Moves weight from `guess` to `truth` on every feature.
    pub fn update(&mut self, features: &[u64], truth: usize, guess: usize) {
        if truth == guess {
            return;
        }
        let clock = self.clock;
        for f in features {
            let row = self.rows.entry(*f).or_default();
            bump(row, truth as u16, 1.0, clock);
            bump(row, guess as u16, -1.0, clock);
        }
    }

    /// The averaged weights, dropping those whose magnitude is below `min_abs`.
    pub fn average(&self, min_abs: f32) -> Weights {
        let clock = self.clock as f64;
        let rows = self
            .rows
            .iter()
            .map(|(&key, row)| {
                let mut entries: Vec<(u16, f32)> = row
                    .iter()
                    .map(|s| {
                        let total = s.total + (self.clock - s.stamp) as f64 * f64::from(s.weight);
                        (s.class, (total / clock) as f32)
                    })
                    .filter(|(_, w)| w.abs() >= min_abs && *w != 0.0)
                    .collect();
                entries.sort_by_key(|e| e.0);
                (key, entries)
            })
            .collect();
        Weights::from_rows(self.n_classes, rows)
    }
}

fn bump(row: &mut Vec<Slot>, class: u16, delta: f32, clock: u64) {
    let slot = match row.iter_mut().position(|s| s.class == class) {
        Some(i) => &mut row[i],
        None => {
            row.push(Slot {
                class,
                weight: 0.0,
                total: 0.0,
                stamp: clock,
            });
            let last = row.len() - 1;
            &mut row[last]
        }
    };
    slot.total += (clock - slot.stamp) as f64 * f64::from(slot.weight);
    slot.stamp = clock;
    slot.weight += delta;
}

/// Trained, averaged weights: for each feature key, a row of class weights. Rows with
/// many classes are stored densely (a vectorisable add); the rest sparsely.
#[derive(Default, Clone)]
pub struct Weights {
    n_classes: usize,
    /// key → (start, len) into `classes`/`values`, or (start, DENSE) into `dense`.
    index: FeatureIndex<(u32, u32)>,
    classes: Vec<u16>,
    values: Vec<f32>,
    dense: Vec<f32>,
}

const DENSE: u32 = u32::MAX;

/// Features looked up together in [`Weights::scores`] (their cache misses overlap).
const SCORE_CHUNK: usize = 48;

impl Weights {
    /// Builds weights from sparse rows; rows covering a quarter of the classes or more are
    /// stored densely.
    pub fn from_rows(n_classes: usize, rows: Vec<(u64, Vec<(u16, f32)>)>) -> Weights {
        let mut weights = Weights {
            n_classes,
            index: FeatureIndex::with_capacity(rows.len()),
            ..Weights::default()
        };
        let dense_from = Weights::dense_from(n_classes);
        for (key, row) in rows {
            weights.push_row(key, &row, dense_from);
        }
        weights.shrink_to_fit();
        weights
    }

    fn dense_from(n_classes: usize) -> usize {
        (n_classes / 4).max(8)
    }

    /// Appends one row; empty rows are skipped.
    fn push_row(&mut self, key: u64, row: &[(u16, f32)], dense_from: usize) {
        if row.is_empty() {
            return;
        }
        if row.len() >= dense_from {
            let start = self.dense.len();
            self.dense.resize(start + self.n_classes, 0.0);
            for &(c, w) in row {
                if let Some(slot) = self.dense.get_mut(start + c as usize) {
                    *slot = w;
                }
            }
            self.index.insert(key, (start as u32, DENSE));
        } else {
            let start = self.classes.len() as u32;
            for &(c, w) in row {
                self.classes.push(c);
                self.values.push(w);
            }
            self.index.insert(key, (start, row.len() as u32));
        }
    }

    /// Gives back the slack of the growing vectors (up to half their size).
    fn shrink_to_fit(&mut self) {
        self.classes.shrink_to_fit();
        self.values.shrink_to_fit();
        self.dense.shrink_to_fit();
    }

    /// Every row as (key, sparse entries), sorted by key.
    pub fn rows(&self) -> Vec<(u64, Vec<(u16, f32)>)> {
        let mut rows: Vec<(u64, Vec<(u16, f32)>)> = self
            .index
            .iter()
            .map(|(key, (start, len))| {
                let start = start as usize;
                let row = if len == DENSE {
                    self.dense
                        .get(start..start + self.n_classes)
                        .unwrap_or(&[])
                        .iter()
                        .enumerate()
                        .filter(|(_, w)| **w != 0.0)
                        .map(|(c, w)| (c as u16, *w))
                        .collect()
                } else {
                    let end = start + len as usize;
                    self.classes
                        .get(start..end)
                        .unwrap_or(&[])
                        .iter()
                        .copied()
                        .zip(self.values.get(start..end).unwrap_or(&[]).iter().copied())
                        .collect()
                };
                (key, row)
            })
            .collect();
        rows.sort_unstable_by_key(|r| r.0);
        rows
    }

    pub fn n_classes(&self) -> usize {
        self.n_classes
    }

    /// Number of stored weights.
    pub fn n_weights(&self) -> usize {
        self.values.len() + self.dense.len()
    }

    /// A copy without the `fraction` (0..1) of weights smallest in magnitude: they change
    /// few decisions, and fewer features means a smaller, faster model.
    pub fn pruned(&self, fraction: f64) -> Weights {
        let rows = self.rows();
        let mut magnitudes: Vec<f32> = rows
            .iter()
            .flat_map(|r| r.1.iter().map(|e| e.1.abs()))
            .collect();
        if magnitudes.is_empty() || fraction <= 0.0 {
            return Weights::from_rows(self.n_classes, rows);
        }
        let k = ((magnitudes.len() as f64 * fraction) as usize).min(magnitudes.len() - 1);
        let (_, threshold, _) = magnitudes.select_nth_unstable_by(k, f32::total_cmp);
        let threshold = *threshold;
        let rows = rows
            .into_iter()
            .map(|(key, row)| {
                (
                    key,
                    row.into_iter()
                        .filter(|e| e.1.abs() >= threshold)
                        .collect::<Vec<_>>(),
                )
            })
            .filter(|r| !r.1.is_empty())
            .collect();
        Weights::from_rows(self.n_classes, rows)
    }

    /// Sums the weights of `features` into `scores` (zeroed first).
    ///
    /// Scoring is bound by memory latency (dozens of random lookups into a table of tens of
    /// megabytes per decision), so lookups go in three passes over a chunk of features:
    /// prefetch the index slots, resolve them and prefetch the rows, then add. The misses
    /// of a chunk then overlap instead of queueing one behind the other.
    #[inline]
    pub fn scores(&self, features: &[u64], scores: &mut [f32]) {
        scores.fill(0.0);
        let n = self.n_classes.min(scores.len());
        let mut found = [(0u32, 0u32); SCORE_CHUNK];
        for chunk in features.chunks(SCORE_CHUNK) {
            for f in chunk {
                self.index.prefetch(*f);
            }
            let mut hits = 0;
            for f in chunk {
                if let Some((start, len)) = self.index.get(*f) {
                    if len == DENSE {
                        prefetch(self.dense.as_ptr().wrapping_add(start as usize));
                    } else {
                        prefetch(self.values.as_ptr().wrapping_add(start as usize));
                        prefetch(self.classes.as_ptr().wrapping_add(start as usize));
                    }
                    found[hits] = (start, len);
                    hits += 1;
                }
            }
            for &(start, len) in &found[..hits] {
                let start = start as usize;
                if len == DENSE {
                    if let Some(row) = self.dense.get(start..start + n) {
                        for (s, w) in scores[..n].iter_mut().zip(row) {
                            *s += *w;
                        }
                    }
                    continue;
                }
                let range = start..start + len as usize;
                if let (Some(classes), Some(values)) =
                    (self.classes.get(range.clone()), self.values.get(range))
                {
                    for (c, w) in classes.iter().zip(values) {
                        if let Some(s) = scores.get_mut(*c as usize) {
                            *s += *w;
                        }
                    }
                }
            }
        }
    }

    /// Serialises the weights; values are quantised to 16 bits with one scale.
    pub fn write(&self, out: &mut Writer) {
        out.u32(self.n_classes as u32);
        let rows = self.rows();
        let max = rows
            .iter()
            .flat_map(|r| r.1.iter().map(|e| e.1.abs()))
            .fold(0f32, f32::max)
            .max(1e-9);
        let scale = max / 32767.0;
        out.f32(scale);
        out.u32(rows.len() as u32);
        for (key, row) in rows {
            out.u64(key);
            out.u8(row.len().min(255) as u8);
            for (c, w) in row.into_iter().take(255) {
                out.u8(c as u8);
                out.i16((w / scale).round().clamp(-32767.0, 32767.0) as i16);
            }
        }
    }

    /// Reads weights written by [`Weights::write`], straight into their final layout (no
    /// intermediate rows: the parser's table is tens of megabytes).
    pub fn read(input: &mut Reader) -> Result<Weights, String> {
        let n_classes = input.u32()? as usize;
        if n_classes > 256 {
            return Err(format!("{n_classes} classes (at most 256 supported)"));
        }
        let scale = input.f32()?;
        let n_keys = input.u32()? as usize;
        if n_keys > input.remaining() {
            return Err("corrupt model: row count past the end of the file".into());
        }
        let mut weights = Weights {
            n_classes,
            index: FeatureIndex::with_capacity(n_keys),
            ..Weights::default()
        };
        let dense_from = Weights::dense_from(n_classes);
        let mut row: Vec<(u16, f32)> = Vec::with_capacity(256);
        for _ in 0..n_keys {
            let key = input.u64()?;
            let len = input.u8()?;
            row.clear();
            for _ in 0..len {
                let class = u16::from(input.u8()?);
                let value = f32::from(input.i16()?) * scale;
                if value != 0.0 {
                    row.push((class, value));
                }
            }
            weights.push_row(key, &row, dense_from);
        }
        weights.shrink_to_fit();
        Ok(weights)
    }
}

/// Little-endian binary writer.
#[derive(Default)]
pub struct Writer {
    pub bytes: Vec<u8>,
}

impl Writer {
    pub fn u8(&mut self, v: u8) {
        self.bytes.push(v);
    }
    pub fn i16(&mut self, v: i16) {
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }
    pub fn u32(&mut self, v: u32) {
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }
    pub fn u64(&mut self, v: u64) {
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }
    pub fn f32(&mut self, v: f32) {
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }
    pub fn str(&mut self, s: &str) {
        self.u32(s.len() as u32);
        self.bytes.extend_from_slice(s.as_bytes());
    }
    pub fn strings(&mut self, items: &[String]) {
        self.u32(items.len() as u32);
        for s in items {
            self.str(s);
        }
    }
}

/// Little-endian binary reader that reports truncation instead of panicking.
pub struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes, pos: 0 }
    }
    /// Bytes not read yet.
    pub fn remaining(&self) -> usize {
        self.bytes.len().saturating_sub(self.pos)
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.bytes.len())
            .ok_or("truncated model file")?;
        let slice = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(slice)
    }
    fn array<const N: usize>(&mut self) -> Result<[u8; N], String> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }
    pub fn u8(&mut self) -> Result<u8, String> {
        Ok(self.array::<1>()?[0])
    }
    pub fn i16(&mut self) -> Result<i16, String> {
        Ok(i16::from_le_bytes(self.array()?))
    }
    pub fn u32(&mut self) -> Result<u32, String> {
        Ok(u32::from_le_bytes(self.array()?))
    }
    pub fn u64(&mut self) -> Result<u64, String> {
        Ok(u64::from_le_bytes(self.array()?))
    }
    pub fn f32(&mut self) -> Result<f32, String> {
        Ok(f32::from_le_bytes(self.array()?))
    }
    pub fn str(&mut self) -> Result<String, String> {
        let len = self.u32()? as usize;
        let bytes = self.take(len)?;
        String::from_utf8(bytes.to_vec()).map_err(|e| e.to_string())
    }
    pub fn strings(&mut self) -> Result<Vec<String>, String> {
        let n = self.u32()? as usize;
        let mut out = Vec::with_capacity(n.min(1 << 20));
        for _ in 0..n {
            out.push(self.str()?);
        }
        Ok(out)
    }
    /// Checks the file's magic tag.
    pub fn expect_magic(&mut self, magic: &[u8]) -> Result<(), String> {
        if self.take(magic.len())? == magic {
            Ok(())
        } else {
            Err(format!(
                "not a {} model (bad magic)",
                String::from_utf8_lossy(magic)
            ))
        }
    }
}

/// Deterministic xorshift generator for shuffling training data.
pub struct Shuffler(u64);

impl Shuffler {
    pub fn new(seed: u64) -> Self {
        Shuffler(seed | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            items.swap(i, j);
        }
    }
    /// A value in 0..1.
    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learns_a_separable_problem_and_round_trips() {
        let mut trainer = Trainer::new(2);
        let data = [
            (vec![1u64, 10], 0usize),
            (vec![2, 10], 1),
            (vec![1, 11], 0),
            (vec![2, 11], 1),
        ];
        let mut scores = [0f32; 2];
        for _ in 0..5 {
            for (f, y) in &data {
                trainer.scores(f, &mut scores);
                let guess = usize::from(scores[1] > scores[0]);
                trainer.update(f, *y, guess);
                trainer.tick();
            }
        }
        let weights = trainer.average(0.0);
        let mut w = Writer::default();
        weights.write(&mut w);
        let back = Weights::read(&mut Reader::new(&w.bytes)).unwrap();
        for (f, y) in &data {
            back.scores(f, &mut scores);
            assert_eq!(usize::from(scores[1] > scores[0]), *y);
        }
        assert!(Weights::read(&mut Reader::new(&w.bytes[..w.bytes.len() - 1])).is_err());
    }
}
