//! Trained weights of a linear model behind a prefetching index, the [`Score`] trait that
//! decoders read weights through, and the weights' two encodings in model files.

use crate::{prefetch, FeatureIndex, FormatError, Reader, Writer};

/// Something that scores classes from hashed features: trained [`Weights`], or a
/// [`crate::Trainer`]'s current weights during online training.
pub trait Score {
    /// Adds the weights of `features` into `scores` (one entry per class), feature by
    /// feature in order, so that the sums are the same bit for bit whoever computes them.
    fn add_scores(&self, features: &[u64], scores: &mut [f32]);

    /// Sums the weights of `features` into `scores`, zeroed first.
    fn scores(&self, features: &[u64], scores: &mut [f32]) {
        scores.fill(0.0);
        self.add_scores(features, scores);
    }
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

    /// Number of classes.
    pub fn n_classes(&self) -> usize {
        self.n_classes
    }

    /// Number of features with weights.
    pub fn n_features(&self) -> usize {
        self.index.len()
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
}

impl Score for Weights {
    /// Scoring is bound by memory latency (dozens of random lookups into a table of tens of
    /// megabytes per decision), so lookups go in three passes over a chunk of features:
    /// prefetch the index slots, resolve them and prefetch the rows, then add. The misses
    /// of a chunk then overlap instead of queueing one behind the other.
    #[inline]
    fn add_scores(&self, features: &[u64], scores: &mut [f32]) {
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
}

impl Weights {
    /// Writes the weights with values quantised to 16 bits under one scale (a quarter of the
    /// size of [`Weights::write_exact`]; the text models are stored so).
    pub fn write_quantized(&self, out: &mut Writer) {
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
        write_rows(out, rows, |out, w| {
            out.i16((w / scale).round().clamp(-32767.0, 32767.0) as i16);
        });
    }

    /// Reads weights written by [`Weights::write_quantized`].
    pub fn read_quantized(input: &mut Reader) -> Result<Weights, FormatError> {
        let n_classes = input.u32()? as usize;
        if n_classes > 256 {
            return Err(input.invalid(format!("{n_classes} classes (at most 256 supported)")));
        }
        let scale = input.f32()?;
        let n_keys = input.u32()?;
        Weights::read_rows(input, n_classes, u64::from(n_keys), |input| {
            Ok(f32::from(input.i16()?) * scale)
        })
    }

    /// Writes the weights exactly (32-bit floats): a `u64` row count, then per row its
    /// key, a `u8` entry count and (class `u8`, value `f32`) pairs, rows sorted by key.
    /// The NER tagger is stored so.
    pub fn write_exact(&self, out: &mut Writer) {
        let rows = self.rows();
        out.u64(rows.len() as u64);
        write_rows(out, rows, Writer::f32);
    }

    /// Reads weights of `n_classes` classes written by [`Weights::write_exact`]; entries
    /// of classes past `n_classes` are ignored.
    pub fn read_exact(input: &mut Reader, n_classes: usize) -> Result<Weights, FormatError> {
        let n_keys = input.u64()?;
        Weights::read_rows(input, n_classes, n_keys, |input| input.f32())
    }

    /// Reads `n_keys` rows (key, `u8` entry count, (class `u8`, value) pairs) straight
    /// into their final layout (no intermediate rows: the parser's table is tens of
    /// megabytes). Zero values and classes past `n_classes` are dropped.
    fn read_rows(
        input: &mut Reader,
        n_classes: usize,
        n_keys: u64,
        mut value: impl FnMut(&mut Reader) -> Result<f32, FormatError>,
    ) -> Result<Weights, FormatError> {
        let n_keys = input.count(n_keys, 9)?;
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
                let value = value(input)?;
                if value != 0.0 && usize::from(class) < n_classes {
                    row.push((class, value));
                }
            }
            weights.push_row(key, &row, dense_from);
        }
        weights.shrink_to_fit();
        Ok(weights)
    }
}

/// Writes rows as key, `u8` entry count, then (class `u8`, value) pairs (at most 255).
fn write_rows(
    out: &mut Writer,
    rows: Vec<(u64, Vec<(u16, f32)>)>,
    mut value: impl FnMut(&mut Writer, f32),
) {
    for (key, row) in rows {
        out.u64(key);
        out.u8(row.len().min(255) as u8);
        for (c, w) in row.into_iter().take(255) {
            out.u8(c as u8);
            value(out, w);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows() -> Vec<(u64, Vec<(u16, f32)>)> {
        vec![
            (3, vec![(0, 0.5), (2, -1.0)]),
            // Eight entries or more of ten classes are stored densely.
            (9, (0..9).map(|c| (c, c as f32 + 1.0)).collect()),
            (0, vec![(1, 2.0)]),
        ]
    }

    #[test]
    fn dense_and_sparse_rows_score_alike_and_in_order() {
        let weights = Weights::from_rows(10, rows());
        assert_eq!(weights.n_features(), 3);
        assert_eq!(weights.n_weights(), 2 + 10 + 1);
        let mut scores = [0f32; 10];
        weights.scores(&[3, 9, 42, 9], &mut scores);
        assert_eq!(scores[0], 0.5 + 1.0 + 1.0);
        assert_eq!(scores[2], -1.0 + 3.0 + 3.0);
        assert_eq!(scores[9], 0.0);
        weights.add_scores(&[0], &mut scores);
        assert_eq!(scores[1], 2.0 + 2.0 + 2.0);
        // Many features at once cross the prefetch chunks and still sum in order.
        let many: Vec<u64> = std::iter::repeat_n(3, 200).collect();
        weights.scores(&many, &mut scores);
        assert_eq!(scores[0], 100.0);
    }

    #[test]
    fn encodings_round_trip() {
        let weights = Weights::from_rows(10, rows());
        let mut exact = Writer::default();
        weights.write_exact(&mut exact);
        let back = Weights::read_exact(&mut Reader::new(exact.as_bytes()), 10).unwrap();
        assert_eq!(back.rows(), weights.rows());
        let mut quantized = Writer::default();
        weights.write_quantized(&mut quantized);
        let back = Weights::read_quantized(&mut Reader::new(quantized.as_bytes())).unwrap();
        for ((k1, r1), (k2, r2)) in back.rows().iter().zip(weights.rows()) {
            assert_eq!(*k1, k2);
            for ((c1, w1), (c2, w2)) in r1.iter().zip(r2) {
                assert_eq!(*c1, c2);
                assert!((w1 - w2).abs() < 1e-3);
            }
        }
        let bytes = exact.into_bytes();
        assert!(Weights::read_exact(&mut Reader::new(&bytes[..bytes.len() - 1]), 10).is_err());
        let mut huge = Writer::default();
        huge.u64(u64::MAX);
        assert!(Weights::read_exact(&mut Reader::new(huge.as_bytes()), 10).is_err());
    }

    #[test]
    fn pruning_drops_the_smallest_weights() {
        let weights = Weights::from_rows(10, rows());
        let pruned = weights.pruned(0.5);
        assert!(pruned.n_weights() < weights.n_weights());
        let mut scores = [0f32; 10];
        pruned.scores(&[9], &mut scores);
        assert_eq!(scores[8], 9.0);
    }
}
