//! Constrained BIO decoding: the best label sequence under per-token log-probabilities in
//! which an `I-X` only follows `B-X` or `I-X` (Viterbi with forbidden transitions).

/// Which label may follow which, for a BIO label list.
#[derive(Debug, Clone)]
pub struct BioConstraints {
    /// `allowed[prev * n + next]`.
    allowed: Vec<bool>,
    /// Labels allowed at the first token (no `I-X`).
    start: Vec<bool>,
    n: usize,
}

impl BioConstraints {
    /// Constraints for labels named `O`, `B-X`, `I-X` (other names are unconstrained).
    pub fn new<S: AsRef<str>>(labels: &[S]) -> BioConstraints {
        let n = labels.len();
        let inside: Vec<Option<&str>> = labels
            .iter()
            .map(|l| l.as_ref().strip_prefix("I-"))
            .collect();
        let class = |l: &str| {
            l.strip_prefix("B-")
                .or_else(|| l.strip_prefix("I-"))
                .map(str::to_string)
        };
        let mut allowed = vec![true; n * n];
        for (next, inside_of) in inside.iter().enumerate() {
            if let Some(x) = inside_of {
                for (prev, label) in labels.iter().enumerate() {
                    allowed[prev * n + next] = class(label.as_ref()).as_deref() == Some(*x);
                }
            }
        }
        let start = inside.iter().map(Option::is_none).collect();
        BioConstraints { allowed, start, n }
    }

    /// How many labels.
    pub fn len(&self) -> usize {
        self.n
    }

    /// True when there are no labels.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// Whether `next` may follow `prev`.
    pub fn allows(&self, prev: usize, next: usize) -> bool {
        self.allowed[prev * self.n + next]
    }

    /// The best allowed label sequence for `scores` (row-major, one row of `len()` log-probabilities
    /// per token, plus `transitions[prev * n + next]` when a head has learned ones). Linear in the
    /// number of tokens.
    pub fn viterbi(&self, scores: &[f32], transitions: Option<&[f32]>) -> Vec<usize> {
        let n = self.n;
        if n == 0 || scores.is_empty() {
            return Vec::new();
        }
        let tokens = scores.len() / n;
        let mut back = vec![0u32; tokens * n];
        let mut prev: Vec<f32> = (0..n)
            .map(|j| {
                if self.start[j] {
                    scores[j]
                } else {
                    f32::NEG_INFINITY
                }
            })
            .collect();
        let mut cur = vec![0f32; n];
        for t in 1..tokens {
            let row = &scores[t * n..(t + 1) * n];
            for next in 0..n {
                let mut best = f32::NEG_INFINITY;
                let mut arg = 0usize;
                for (p, &score) in prev.iter().enumerate() {
                    if !self.allowed[p * n + next] {
                        continue;
                    }
                    let s = score + transitions.map_or(0.0, |tr| tr[p * n + next]);
                    if s > best {
                        best = s;
                        arg = p;
                    }
                }
                cur[next] = best + row[next];
                back[t * n + next] = arg as u32;
            }
            std::mem::swap(&mut prev, &mut cur);
        }
        let mut label = (0..n)
            .filter(|&j| prev[j] > f32::NEG_INFINITY)
            .max_by(|&a, &b| prev[a].total_cmp(&prev[b]).then(b.cmp(&a)))
            .unwrap_or(0);
        let mut path = vec![0usize; tokens];
        for t in (0..tokens).rev() {
            path[t] = label;
            label = back[t * n + label] as usize;
        }
        path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LABELS: [&str; 5] = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG"];

    fn row(best: usize, second: usize) -> Vec<f32> {
        let mut r = vec![-10.0; 5];
        r[best] = -0.1;
        r[second] = -0.5;
        r
    }

    #[test]
    fn inside_never_follows_outside_or_another_class() {
        let c = BioConstraints::new(&LABELS);
        assert!(c.allows(1, 2) && c.allows(2, 2));
        assert!(!c.allows(0, 2) && !c.allows(3, 2) && !c.allows(4, 2));
        assert!(c.allows(0, 1) && c.allows(2, 3) && c.allows(4, 0));
    }

    #[test]
    fn argmax_is_repaired_to_the_best_allowed_path() {
        let c = BioConstraints::new(&LABELS);
        // Greedy would say O, I-PER: I-PER after O is forbidden; B-PER I-PER costs less than
        // O O here.
        let mut second = row(2, 0);
        second[0] = -1.0;
        let scores: Vec<f32> = [row(0, 1), second].concat();
        assert_eq!(c.viterbi(&scores, None), [1, 2]);
        // An I-ORG at the start becomes B-ORG when that is the next best.
        let scores: Vec<f32> = [row(4, 3), row(4, 0)].concat();
        assert_eq!(c.viterbi(&scores, None), [3, 4]);
        // A clean argmax path is kept.
        let scores: Vec<f32> = [row(1, 0), row(2, 0), row(0, 1)].concat();
        assert_eq!(c.viterbi(&scores, None), [1, 2, 0]);
    }

    #[test]
    fn learned_transitions_are_added() {
        let c = BioConstraints::new(&LABELS);
        let scores: Vec<f32> = [row(1, 3), row(0, 1)].concat();
        let mut tr = vec![0.0; 25];
        // B-PER -> O and B-PER -> B-PER are penalised: B-ORG O wins.
        tr[5] = -5.0;
        tr[6] = -5.0;
        assert_eq!(c.viterbi(&scores, Some(&tr)), [3, 0]);
    }

    #[test]
    fn empty_input_gives_no_labels() {
        let c = BioConstraints::new(&LABELS);
        assert!(c.viterbi(&[], None).is_empty());
    }
}
