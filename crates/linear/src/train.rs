//! The averaged perceptron trainer and the deterministic shuffle of training examples.

use std::cell::RefCell;

use crate::{KeyMap, Score, Weights};

/// What averaging needs of one weight besides its value: the sum of the value over the
/// ticks before `stamp`. The one averaging arithmetic of both layouts.
#[derive(Clone, Copy, Default)]
struct History {
    total: f64,
    stamp: u64,
}

impl History {
    /// Adds `delta` to `weight` at time `clock`, first banking the ticks it held its
    /// former value.
    fn bump(&mut self, weight: &mut f32, delta: f32, clock: u64) {
        self.total += clock.saturating_sub(self.stamp) as f64 * f64::from(*weight);
        self.stamp = clock;
        *weight += delta;
    }

    /// The mean of a weight now worth `weight` over the ticks `0..clock`.
    fn mean(&self, weight: f32, clock: u64) -> f32 {
        let total = self.total + clock.saturating_sub(self.stamp) as f64 * f64::from(weight);
        (total / clock.max(1) as f64) as f32
    }
}

#[derive(Clone, Copy)]
struct Slot {
    class: u16,
    weight: f32,
    history: History,
}

/// Weights kept per hashed feature key, each a short row of the classes seen with it: for
/// open-ended feature sets (the text models, NER). The default layout of [`Trainer`].
pub struct Keyed {
    n_classes: usize,
    rows: KeyMap<Vec<Slot>>,
}

/// Weights in one dense `keys × classes` table, key `k` class `c` at `k * classes + c`:
/// for features hashed into a fixed number of buckets (the quote-role tagger), where a
/// lookup is one multiply. Made by [`Trainer::dense`].
pub struct Dense {
    n_classes: usize,
    weights: Vec<f32>,
    history: Vec<History>,
}

mod sealed {
    /// The storage operations a [`super::Trainer`] needs of its layout.
    pub trait Store {
        /// Adds `delta` to the weight of (`key`, `class`) at time `clock`.
        fn bump(&mut self, key: u64, class: usize, delta: f32, clock: u64);
        fn add_scores(&self, features: &[u64], scores: &mut [f32]);
    }
}

/// Where a [`Trainer`] keeps its weights: [`Keyed`] rows or a [`Dense`] table. Both
/// average the same way.
pub trait Layout: sealed::Store {}

impl Layout for Keyed {}
impl Layout for Dense {}

impl sealed::Store for Keyed {
    fn bump(&mut self, key: u64, class: usize, delta: f32, clock: u64) {
        let row = self.rows.entry(key).or_default();
        let class = class as u16;
        let i = match row.iter().position(|s| s.class == class) {
            Some(i) => i,
            None => {
                row.push(Slot {
                    class,
                    weight: 0.0,
                    history: History {
                        total: 0.0,
                        stamp: clock,
                    },
                });
                row.len() - 1
            }
        };
        let slot = &mut row[i];
        slot.history.bump(&mut slot.weight, delta, clock);
    }

    fn add_scores(&self, features: &[u64], scores: &mut [f32]) {
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
}

impl Dense {
    fn at(&self, key: u64, class: usize) -> usize {
        assert!(
            class < self.n_classes && (key as usize) < self.weights.len() / self.n_classes,
            "weight ({key}, {class}) outside the dense table of {} keys × {} classes",
            self.weights.len() / self.n_classes.max(1),
            self.n_classes
        );
        key as usize * self.n_classes + class
    }
}

impl sealed::Store for Dense {
    fn bump(&mut self, key: u64, class: usize, delta: f32, clock: u64) {
        let i = self.at(key, class);
        self.history[i].bump(&mut self.weights[i], delta, clock);
    }

    fn add_scores(&self, features: &[u64], scores: &mut [f32]) {
        let n = self.n_classes.min(scores.len());
        for &f in features {
            let start = f as usize * self.n_classes;
            if let Some(row) = self.weights.get(start..start + n) {
                for (s, w) in scores.iter_mut().zip(row) {
                    *s += *w;
                }
            }
        }
    }
}

/// Trains weights with the averaged perceptron, averaging lazily: each weight remembers
/// when it last changed, so an update costs the same however long training has run.
///
/// The clock starts at 0. A caller [`tick`](Trainer::tick)s once per training instance
/// and [`update`](Trainer::update)s on a wrong guess (or [`add`](Trainer::add)s to single
/// weights); [`average`](Trainer::average) (or [`average_table`](Trainer::average_table)
/// for a dense table) then gives every weight's mean over the ticks so far. Scoring with the current (not averaged) weights goes through [`Score`]. The
/// weights live in [`Keyed`] rows ([`Trainer::new`]) or a [`Dense`] table
/// ([`Trainer::dense`]).
pub struct Trainer<L: Layout = Keyed> {
    layout: L,
    clock: u64,
}

impl Trainer<Keyed> {
    /// A trainer for `n_classes` classes (at most 65,536) over hashed feature keys, every
    /// weight 0.
    pub fn new(n_classes: usize) -> Self {
        Trainer {
            layout: Keyed {
                n_classes,
                rows: KeyMap::default(),
            },
            clock: 0,
        }
    }

    /// Number of features with a weight.
    pub fn n_features(&self) -> usize {
        self.layout.rows.len()
    }

    /// The averaged weights, dropping those whose magnitude is below `min_abs` and those
    /// that are 0 (features left with no weight are dropped too).
    pub fn average(&self, min_abs: f32) -> Weights {
        let clock = self.clock;
        let rows = self
            .layout
            .rows
            .iter()
            .map(|(&key, row)| {
                let mut entries: Vec<(u16, f32)> = row
                    .iter()
                    .map(|s| (s.class, s.history.mean(s.weight, clock)))
                    .filter(|(_, w)| w.abs() >= min_abs && *w != 0.0)
                    .collect();
                entries.sort_by_key(|e| e.0);
                (key, entries)
            })
            .collect();
        Weights::from_rows(self.layout.n_classes, rows)
    }
}

impl Trainer<Dense> {
    /// A trainer over a dense table of keys `0..n_keys` × `n_classes` classes, every
    /// weight 0. Its methods panic on a key or class outside the table.
    pub fn dense(n_keys: usize, n_classes: usize) -> Self {
        let n_classes = n_classes.max(1);
        Trainer {
            layout: Dense {
                n_classes,
                weights: vec![0.0; n_keys * n_classes],
                history: vec![History::default(); n_keys * n_classes],
            },
            clock: 0,
        }
    }

    /// The current (not averaged) weights, key `k` class `c` at `k * classes + c`: what a
    /// decoder reads during training.
    pub fn table(&self) -> &[f32] {
        &self.layout.weights
    }

    /// The averaged weights as a table laid out as [`Trainer::table`] (keys are table rows,
    /// not hashes, so they do not go into [`Weights`]).
    pub fn average_table(&self) -> Vec<f32> {
        self.layout
            .weights
            .iter()
            .zip(&self.layout.history)
            .map(|(w, h)| h.mean(*w, self.clock))
            .collect()
    }
}

impl<L: Layout> Trainer<L> {
    /// Advances time by one training instance.
    pub fn tick(&mut self) {
        self.clock += 1;
    }

    /// Ticks so far.
    pub fn clock(&self) -> u64 {
        self.clock
    }

    /// Adds `delta` to the weight of `feature` for `class` (for updates that are not one
    /// truth-against-guess move, e.g. transitions between differing previous tags).
    pub fn add(&mut self, feature: u64, class: usize, delta: f32) {
        self.layout.bump(feature, class, delta, self.clock);
    }

    /// Moves weight from `guess` to `truth` on every feature (nothing when they agree).
    pub fn update(&mut self, features: &[u64], truth: usize, guess: usize) {
        if truth == guess {
            return;
        }
        for &f in features {
            self.add(f, truth, 1.0);
            self.add(f, guess, -1.0);
        }
    }
}

impl<L: Layout> Score for Trainer<L> {
    fn add_scores(&self, features: &[u64], scores: &mut [f32]) {
        self.layout.add_scores(features, scores);
    }
}

/// Lets a decoder score with a trainer that its callback updates between decisions.
impl<S: Score> Score for RefCell<S> {
    fn add_scores(&self, features: &[u64], scores: &mut [f32]) {
        self.borrow().add_scores(features, scores);
    }
}

/// Deterministic xorshift64 generator: training data is shuffled the same way on every
/// machine, so a model retrains to the same bytes.
pub struct Shuffler(u64);

impl Shuffler {
    /// A generator from a seed (made odd, so that it is never the all-zero state).
    pub fn new(seed: u64) -> Self {
        Shuffler(seed | 1)
    }

    /// A generator from a raw state; 0 (which xorshift never leaves) becomes 1.
    pub fn with_state(state: u64) -> Self {
        Shuffler(state.max(1))
    }

    /// The next value.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// Fisher-Yates shuffle of `items`.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = (self.next_u64() % (i as u64 + 1)) as usize;
            items.swap(i, j);
        }
    }

    /// A value in 0..1.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Reader;

    fn argmax(scores: &[f32]) -> usize {
        (0..scores.len()).fold(0, |b, i| if scores[i] > scores[b] { i } else { b })
    }

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
                trainer.tick();
                trainer.scores(f, &mut scores);
                trainer.update(f, *y, argmax(&scores));
            }
        }
        assert!(trainer.n_features() >= 2);
        let weights = trainer.average(0.0);
        let mut quantized = crate::Writer::default();
        weights.write_quantized(&mut quantized);
        let mut exact = crate::Writer::default();
        weights.write_exact(&mut exact);
        let backs = [
            Weights::read_quantized(&mut Reader::new(quantized.as_bytes())).unwrap(),
            Weights::read_exact(&mut Reader::new(exact.as_bytes()), 2).unwrap(),
        ];
        for back in &backs {
            for (f, y) in &data {
                back.scores(f, &mut scores);
                assert_eq!(argmax(&scores), *y);
            }
        }
        assert_eq!(backs[1].rows(), weights.rows());
    }

    #[test]
    fn averages_over_the_ticks() {
        // Feature 5 moves weight to class 1 at tick 1 and back at tick 3, of 4 ticks.
        let mut trainer = Trainer::new(2);
        trainer.tick();
        trainer.update(&[5], 1, 0); // weights (-1, +1) from tick 1
        trainer.tick();
        trainer.tick();
        trainer.update(&[5], 0, 1); // back to (0, 0) from tick 3
        trainer.tick();
        // Weights in force at ticks 1 and 2 count; the average is 2/4 of (-1, +1).
        let rows = trainer.average(0.0).rows();
        assert_eq!(rows, vec![(5, vec![(0, -0.5), (1, 0.5)])]);
        // A threshold drops small weights, and with them the row.
        assert!(trainer.average(0.6).rows().is_empty());
    }

    #[test]
    fn single_weight_additions_average_like_updates() {
        // add() moves one weight; a pair of adds is an update, and adds to one weight at
        // one tick that cancel leave nothing.
        let mut by_update = Trainer::new(3);
        let mut by_add = Trainer::new(3);
        by_update.tick();
        by_add.tick();
        by_update.update(&[4, 7], 2, 0);
        for f in [4, 7] {
            by_add.add(f, 2, 1.0);
            by_add.add(f, 0, -1.0);
        }
        by_add.add(9, 1, 1.0);
        by_add.add(9, 1, -1.0);
        by_update.tick();
        by_add.tick();
        assert_eq!(by_add.clock(), 2);
        let rows = by_add.average(0.0).rows();
        assert_eq!(rows, by_update.average(0.0).rows());
        assert_eq!(rows[0], (4, vec![(0, -0.5), (2, 0.5)]));
    }

    /// The averaged weights by the textbook formula `w - Σ(clock × delta) / clock` of an
    /// eager trainer whose clock starts at 1 (the quote tagger's former trainer).
    fn eager_average(updates: &[(u64, u64, usize, f32)], ticks: u64, n: usize) -> Vec<f32> {
        let mut weights = vec![0f64; n];
        let mut totals = vec![0f64; n];
        for &(clock, _, i, delta) in updates {
            weights[i] += f64::from(delta);
            totals[i] += clock as f64 * f64::from(delta);
        }
        let c = (ticks + 1) as f64;
        weights
            .iter()
            .zip(&totals)
            .map(|(w, t)| (w - t / c) as f32)
            .collect()
    }

    #[test]
    fn dense_table_averages_as_the_eager_formula_and_as_keyed_rows() {
        // (clock, key, index into a 3 keys × 2 classes table, delta)
        let updates = [
            (1, 0, 1, 1.0),
            (1, 2, 4, -1.0),
            (2, 0, 1, 1.0),
            (4, 1, 3, 1.0),
            (4, 0, 0, -1.0),
            (5, 2, 4, 1.0),
        ];
        let ticks = 6;
        let mut dense = Trainer::dense(3, 2);
        // Keyed rows take hashed keys (0 is the index's empty mark), so key k is 100 + k.
        let mut keyed = Trainer::new(2);
        dense.tick(); // the clock starts at 1, as the eager formula's
        keyed.tick();
        for clock in 1..=ticks {
            for &(at, key, i, delta) in &updates {
                if at == clock {
                    dense.add(key, i % 2, delta);
                    keyed.add(100 + key, i % 2, delta);
                }
            }
            if clock == 4 {
                // The current weights are what a decoder reads.
                assert_eq!(dense.table(), &[-1.0, 2.0, 0.0, 1.0, -1.0, 0.0]);
                let mut scores = [0f32; 2];
                dense.scores(&[0, 1, 9], &mut scores);
                assert_eq!(scores, [-1.0, 3.0]);
            }
            dense.tick();
            keyed.tick();
        }
        let table = dense.average_table();
        assert_eq!(table, eager_average(&updates, ticks, 6));
        // Key 2 class 0 was -1 from tick 1 to 5 of 7: -4/7.
        assert_eq!(table[4], (-4.0f64 / 7.0) as f32);
        let rows = keyed.average(0.0).rows();
        assert_eq!(rows.len(), 3);
        for (key, row) in rows {
            for (class, w) in row {
                assert_eq!(table[(key as usize - 100) * 2 + class as usize], w);
            }
        }
    }

    #[test]
    #[should_panic(expected = "outside the dense table")]
    fn dense_table_refuses_keys_past_its_end() {
        Trainer::dense(3, 2).add(3, 0, 1.0);
    }

    #[test]
    fn shuffles_are_reproducible_permutations() {
        let mut a: Vec<u32> = (0..50).collect();
        let mut b = a.clone();
        Shuffler::new(7).shuffle(&mut a);
        Shuffler::with_state(7).shuffle(&mut b);
        assert_eq!(a, b);
        assert_ne!(a, (0..50).collect::<Vec<_>>());
        a.sort_unstable();
        assert_eq!(a, (0..50).collect::<Vec<_>>());
        let u = Shuffler::new(3).unit();
        assert!((0.0..1.0).contains(&u));
        assert_eq!(
            Shuffler::with_state(0).next_u64(),
            Shuffler::new(0).next_u64()
        );
    }
}
