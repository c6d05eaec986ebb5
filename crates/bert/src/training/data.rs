//! Training data for the encoder: texts of our tokens with one label id per token, cut into
//! non-overlapping windows of word pieces (the label sits on each token's first piece, the
//! other pieces are ignored by the loss), and length-bucketed batches in a seeded order.

use stancegraph_encoder::windows::{build_windows, Window, WindowSpec};
use stancegraph_encoder::wordpiece::WordPiece;

use crate::error::BertError;

/// Label of pieces the loss ignores (continuation pieces, `[CLS]`, `[SEP]`, padding).
pub const IGNORE: i64 = -100;

/// One text (a CoNLL document, a PolNeAR article) as our tokens and their gold label ids.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LabelledText {
    /// The text's tokens, in order.
    pub words: Vec<String>,
    /// The gold label id of each token; same length as `words`.
    pub labels: Vec<usize>,
}

/// One model input with its piece labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sequence {
    /// Index of the text in the list it was cut from.
    pub text: usize,
    /// The word pieces of the window, with `[CLS]`/`[SEP]`, and which tokens they cover.
    pub window: Window,
    /// One per piece of `window.input_ids`: the token's label on its first piece, else [`IGNORE`].
    pub labels: Vec<i64>,
}

impl Sequence {
    /// Length in pieces, `[CLS]` and `[SEP]` included (the unpadded input length).
    pub fn len(&self) -> usize {
        self.window.input_ids.len()
    }

    /// Whether the window has no pieces at all.
    pub fn is_empty(&self) -> bool {
        self.window.input_ids.is_empty()
    }
}

/// Cuts every text into windows of at most `max_pieces` pieces (`[CLS]` and `[SEP]` included)
/// without overlap, and puts each token's label on its first piece.
pub fn sequences(
    texts: &[LabelledText],
    wordpiece: &WordPiece,
    max_pieces: usize,
    task: &str,
) -> Result<Vec<Sequence>, BertError> {
    let spec = WindowSpec {
        max_pieces,
        stride: 0,
    };
    let mut out = Vec::new();
    for (index, text) in texts.iter().enumerate() {
        if text.words.len() != text.labels.len() {
            return Err(BertError::Data {
                task: task.to_string(),
                message: format!(
                    "text {index} has {} tokens but {} labels",
                    text.words.len(),
                    text.labels.len()
                ),
            });
        }
        let pieces: Vec<Vec<u32>> = text.words.iter().map(|w| wordpiece.pieces(w)).collect();
        let shapes: Vec<u8> = text
            .words
            .iter()
            .map(|w| stancegraph_encoder::case_shape(w))
            .collect();
        let windows = build_windows(&pieces, &shapes, wordpiece.special(), spec).map_err(|e| {
            BertError::Data {
                task: task.to_string(),
                message: e.to_string(),
            }
        })?;
        for window in windows.windows {
            let mut labels = vec![IGNORE; window.input_ids.len()];
            for (token, &piece) in window.tokens.clone().zip(&window.first_pieces) {
                if let (Some(slot), Some(&label)) = (labels.get_mut(piece), text.labels.get(token))
                {
                    *slot = label as i64;
                }
            }
            out.push(Sequence {
                text: index,
                window,
                labels,
            });
        }
    }
    Ok(out)
}

/// A small seeded generator (SplitMix64): training order reproduces exactly from the seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 random bits; advances the state.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n ≥ 1).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// Shuffles `items` in place (Fisher-Yates), reproducibly for a given state.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for k in (1..items.len()).rev() {
            let j = self.below(k + 1);
            items.swap(k, j);
        }
    }
}

/// The batches of one epoch: sequences grouped by length (shuffled first, so equal lengths
/// mix) so that padding stays small, each batch holding at most `piece_budget` padded pieces
/// (at least one sequence), in shuffled order. Depends only on `lengths`, the budget and `seed`.
pub fn bucketed_batches(lengths: &[usize], piece_budget: usize, seed: u64) -> Vec<Vec<usize>> {
    let mut rng = Rng(seed);
    let mut order: Vec<usize> = (0..lengths.len()).collect();
    rng.shuffle(&mut order);
    order.sort_by_key(|&i| lengths[i]);
    let mut batches = Vec::new();
    let mut current: Vec<usize> = Vec::new();
    let mut longest = 0;
    for i in order {
        let width = longest.max(lengths[i]);
        if !current.is_empty() && width * (current.len() + 1) > piece_budget {
            batches.push(std::mem::take(&mut current));
            longest = 0;
        }
        longest = longest.max(lengths[i]);
        current.push(i);
    }
    if !current.is_empty() {
        batches.push(current);
    }
    rng.shuffle(&mut batches);
    batches
}

/// Seed of one task's epoch, so that a resumed run rebuilds the same batch order.
pub fn epoch_seed(seed: u64, task: usize, epoch: u64) -> u64 {
    let mut rng = Rng(seed ^ ((task as u64) << 32) ^ epoch.wrapping_mul(0x2545_f491_4f6c_dd1d));
    rng.next_u64()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocab() -> WordPiece {
        let words = "[PAD]\n[UNK]\n[CLS]\n[SEP]\nthe\nbank\n##s\nsaid\n.\nreuters\nrose\n";
        WordPiece::from_vocab_text(words, std::path::Path::new("test-vocab.txt"))
            .expect("test vocabulary")
    }

    #[test]
    fn labels_sit_on_first_pieces_only() {
        let wp = vocab();
        let text = LabelledText {
            words: ["Banks", "said", "Reuters", "rose", "."]
                .map(String::from)
                .to_vec(),
            labels: vec![3, 0, 5, 0, 0],
        };
        let seqs = sequences(std::slice::from_ref(&text), &wp, 64, "ner").expect("sequences");
        assert_eq!(seqs.len(), 1);
        let s = &seqs[0];
        // [CLS] bank ##s said reuters rose . [SEP]
        assert_eq!(s.window.input_ids.len(), 8);
        assert_eq!(s.labels, vec![IGNORE, 3, IGNORE, 0, 5, 0, 0, IGNORE]);
        assert_eq!(s.window.case_shapes[1], s.window.case_shapes[2]);
    }

    #[test]
    fn long_texts_are_cut_without_overlap_and_mismatched_labels_are_an_error() {
        let wp = vocab();
        let words: Vec<String> = (0..10).map(|_| "banks".to_string()).collect();
        let text = LabelledText {
            labels: vec![1; 10],
            words,
        };
        let seqs = sequences(std::slice::from_ref(&text), &wp, 7, "ner").expect("sequences");
        // 5 pieces of room each: two tokens (4 pieces) per window.
        assert_eq!(seqs.len(), 5);
        let covered: usize = seqs.iter().map(|s| s.window.tokens.len()).sum();
        assert_eq!(covered, 10);
        let bad = LabelledText {
            words: vec!["the".into()],
            labels: vec![],
        };
        assert!(matches!(
            sequences(&[bad], &wp, 7, "ner"),
            Err(BertError::Data { .. })
        ));
    }

    #[test]
    fn batches_respect_the_budget_cover_everything_and_reproduce() {
        let lengths: Vec<usize> = (0..50).map(|i| 5 + (i * 7) % 40).collect();
        let batches = bucketed_batches(&lengths, 128, 7);
        let mut seen: Vec<usize> = batches.iter().flatten().copied().collect();
        seen.sort();
        assert_eq!(seen, (0..50).collect::<Vec<_>>());
        for batch in &batches {
            let width = batch.iter().map(|&i| lengths[i]).max().unwrap_or(0);
            assert!(batch.len() == 1 || width * batch.len() <= 128);
        }
        assert_eq!(batches, bucketed_batches(&lengths, 128, 7));
        assert_ne!(batches, bucketed_batches(&lengths, 128, 8));
        // A sequence longer than the budget still gets its own batch.
        assert_eq!(bucketed_batches(&[500, 3], 128, 1).len(), 2);
    }
}
