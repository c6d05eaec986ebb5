//! The stance a document gives one actor pair, read the way the graph reads it
//! (`KnowledgeGraph::stance_between`): the support readings and the oppose readings each
//! add up by noisy-or, as the graph's two stance edges would, and the stronger side wins;
//! its most confident reading gives the confidence and the source.

/// The readings of one ordered actor pair; `T` is what is kept of each reading.
#[derive(Debug, Clone)]
pub(crate) struct PairVerdict<T> {
    /// Oppose, then support.
    sides: [Side<T>; 2],
    readings: usize,
}

#[derive(Debug, Clone)]
struct Side<T> {
    /// Product of (1 - confidence) over the side's readings.
    miss: f64,
    count: usize,
    /// The most confident reading: confidence, its place among all readings, and `T`.
    best: Option<(f32, usize, T)>,
}

impl<T> Default for PairVerdict<T> {
    fn default() -> Self {
        let side = || Side {
            miss: 1.0,
            count: 0,
            best: None,
        };
        PairVerdict {
            sides: [side(), side()],
            readings: 0,
        }
    }
}

impl<T> PairVerdict<T> {
    /// Adds one reading of the pair.
    pub fn add(&mut self, positive: bool, confidence: f32, reading: T) {
        let place = self.readings;
        self.readings += 1;
        let side = &mut self.sides[usize::from(positive)];
        side.miss *= 1.0 - f64::from(confidence).clamp(0.0, 1.0);
        side.count += 1;
        if side.best.as_ref().is_none_or(|(c, _, _)| confidence > *c) {
            side.best = Some((confidence, place, reading));
        }
    }

    /// Whether the pair is supported, the confidence of the winning side's best reading,
    /// and that reading. The stronger noisy-or wins (rounded as the graph rounds edge
    /// confidences); then the side with more readings; then the one whose best came first.
    pub fn verdict(self) -> Option<(bool, f32, T)> {
        let [oppose, support] = self.sides;
        let strength = |s: &Side<T>| ((1.0 - s.miss) * 10_000.0).round() as i64;
        let key = |s: &Side<T>| {
            let first = s.best.as_ref().map_or(usize::MAX, |b| b.1);
            (strength(s), s.count, std::cmp::Reverse(first))
        };
        let positive = key(&support) > key(&oppose);
        let winner = if positive { support } else { oppose };
        winner.best.map(|(c, _, t)| (positive, c, t))
    }
}

#[cfg(test)]
mod tests {
    use super::PairVerdict;

    #[test]
    fn two_weaker_readings_outweigh_one_stronger() {
        let mut verdict = PairVerdict::default();
        verdict.add(true, 0.7, "praise");
        verdict.add(false, 0.5, "criticism");
        verdict.add(false, 0.5, "attack");
        assert_eq!(verdict.verdict(), Some((false, 0.5, "criticism")));
    }

    #[test]
    fn one_side_alone_gives_its_most_confident_reading() {
        let mut verdict = PairVerdict::default();
        verdict.add(true, 0.3, "a");
        verdict.add(true, 0.6, "b");
        assert_eq!(verdict.verdict(), Some((true, 0.6, "b")));
        assert_eq!(PairVerdict::<()>::default().verdict(), None);
    }

    #[test]
    fn an_even_split_goes_to_the_reading_that_came_first() {
        let mut verdict = PairVerdict::default();
        verdict.add(false, 0.6, "first");
        verdict.add(true, 0.6, "second");
        assert_eq!(verdict.verdict(), Some((false, 0.6, "first")));
    }
}
