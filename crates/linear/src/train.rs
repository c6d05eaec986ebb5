//! The averaged perceptron trainer and the deterministic shuffle of training examples.

use std::cell::RefCell;

use crate::{KeyMap, Score, Weights};

#[derive(Clone, Copy)]
struct Slot {
    class: u16,
    weight: f32,
    /// Sum of the weight over the ticks before `stamp`.
    total: f64,
    stamp: u64,
}

/// Trains weights with the averaged perceptron, averaging lazily: each weight remembers
/// when it last changed, so an update costs the same however long training has run.
///
/// The clock starts at 0. A caller [`tick`](Trainer::tick)s once per training instance
/// and [`update`](Trainer::update)s on a wrong guess; [`average`](Trainer::average) then
/// gives every weight's mean over the ticks so far. Scoring with the current (not
/// averaged) weights goes through [`Score`].
pub struct Trainer {
    n_classes: usize,
    rows: KeyMap<Vec<Slot>>,
    clock: u64,
}

impl Trainer {
    /// A trainer for `n_classes` classes (at most 65,536), every weight 0.
    pub fn new(n_classes: usize) -> Self {
        Trainer {
            n_classes,
            rows: KeyMap::default(),
            clock: 0,
        }
    }

    /// Advances time by one training instance.
    pub fn tick(&mut self) {
        self.clock += 1;
    }

    /// Number of features with a weight.
    pub fn n_features(&self) -> usize {
        self.rows.len()
    }

    /// Moves weight from `guess` to `truth` on every feature (nothing when they agree).
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

    /// The averaged weights, dropping those whose magnitude is below `min_abs` and those
    /// that are 0 (features left with no weight are dropped too).
    pub fn average(&self, min_abs: f32) -> Weights {
        let clock = self.clock.max(1) as f64;
        let rows = self
            .rows
            .iter()
            .map(|(&key, row)| {
                let mut entries: Vec<(u16, f32)> = row
                    .iter()
                    .map(|s| {
                        let total = s.total
                            + self.clock.saturating_sub(s.stamp) as f64 * f64::from(s.weight);
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

impl Score for Trainer {
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

/// Lets a decoder score with a trainer that its callback updates between decisions.
impl<S: Score> Score for RefCell<S> {
    fn add_scores(&self, features: &[u64], scores: &mut [f32]) {
        self.borrow().add_scores(features, scores);
    }
}

fn bump(row: &mut Vec<Slot>, class: u16, delta: f32, clock: u64) {
    let i = match row.iter().position(|s| s.class == class) {
        Some(i) => i,
        None => {
            row.push(Slot {
                class,
                weight: 0.0,
                total: 0.0,
                stamp: clock,
            });
            row.len() - 1
        }
    };
    let slot = &mut row[i];
    slot.total += clock.saturating_sub(slot.stamp) as f64 * f64::from(slot.weight);
    slot.stamp = clock;
    slot.weight += delta;
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
