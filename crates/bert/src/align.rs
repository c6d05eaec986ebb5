//! Word pieces to words: packing a sentence's words into model windows and reading one
//! prediction per word (the prediction of its first piece, as in BERT's NER fine-tuning).

use std::ops::Range;

/// One model input: the pieces of `words` (without `[CLS]`/`[SEP]`) and where each word starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    /// Indices of the sentence's words in this window (consecutive windows are adjacent).
    pub words: Range<usize>,
    /// Vocabulary ids of the words' pieces, at most `max_pieces` of them.
    pub piece_ids: Vec<i64>,
    /// For each word of `words`, the index of its first piece in `piece_ids`.
    pub first_piece: Vec<usize>,
}

/// Packs words into windows of at most `max_pieces` pieces. A word with no pieces gets
/// `unknown_id`; a word longer than a window is cut to `max_pieces` pieces.
pub fn windows(word_pieces: &[Vec<i64>], max_pieces: usize, unknown_id: i64) -> Vec<Window> {
    let max_pieces = max_pieces.max(1);
    let mut out = Vec::new();
    let mut current = Window {
        words: 0..0,
        piece_ids: Vec::new(),
        first_piece: Vec::new(),
    };
    for (index, pieces) in word_pieces.iter().enumerate() {
        let pieces: &[i64] = if pieces.is_empty() {
            std::slice::from_ref(&unknown_id)
        } else {
            pieces
        };
        let pieces = &pieces[..pieces.len().min(max_pieces)];
        if current.piece_ids.len() + pieces.len() > max_pieces && !current.first_piece.is_empty() {
            let next = Window {
                words: index..index,
                piece_ids: Vec::new(),
                first_piece: Vec::new(),
            };
            out.push(std::mem::replace(&mut current, next));
        }
        current.first_piece.push(current.piece_ids.len());
        current.piece_ids.extend_from_slice(pieces);
        current.words.end = index + 1;
    }
    if !current.first_piece.is_empty() {
        out.push(current);
    }
    out
}

/// Text of a sentence's tokens as the model should see them: typographic quotes and
/// dashes become ASCII so that vocabularies without them do not map them to `[UNK]`.
pub fn model_word(token_text: &str) -> String {
    token_text
        .chars()
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' | '\u{201B}' | '\u{2032}' => '\'',
            '\u{201C}' | '\u{201D}' | '\u{201F}' | '\u{2033}' => '"',
            '\u{2013}' | '\u{2014}' | '\u{2212}' => '-',
            '\u{00A0}' => ' ',
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_packed_without_splitting_and_long_words_are_cut() {
        let pieces = vec![
            vec![1, 2],
            vec![3],
            vec![],
            vec![4, 5, 6],
            vec![7, 8, 9, 10, 11],
        ];
        let w = windows(&pieces, 4, 100);
        assert_eq!(w.len(), 3, "{w:?}");
        assert_eq!(
            w[0],
            Window {
                words: 0..3,
                piece_ids: vec![1, 2, 3, 100],
                first_piece: vec![0, 2, 3]
            }
        );
        assert_eq!(
            w[1],
            Window {
                words: 3..4,
                piece_ids: vec![4, 5, 6],
                first_piece: vec![0]
            }
        );
        assert_eq!(
            w[2],
            Window {
                words: 4..5,
                piece_ids: vec![7, 8, 9, 10],
                first_piece: vec![0]
            }
        );
        let covered: Vec<usize> = w.iter().flat_map(|w| w.words.clone()).collect();
        assert_eq!(covered, vec![0, 1, 2, 3, 4]);
    }

    #[test]
    fn no_words_no_windows_and_zero_limit_is_safe() {
        assert!(windows(&[], 8, 0).is_empty());
        assert_eq!(windows(&[vec![1, 2]], 0, 0).len(), 1);
    }

    #[test]
    fn curly_punctuation_becomes_ascii() {
        assert_eq!(model_word("“Xi’s”—"), "\"Xi's\"-");
    }
}
