//! Overlapping windows over a whole document: the encoder sees at most `max_pieces` pieces at a
//! time, so a long document is cut into windows that overlap by about `stride` pieces, never
//! inside a token, and every token reads its label from the window where it has the most
//! context on both sides.

use std::ops::Range;

use crate::case::CASE_SPECIAL;
use crate::wordpiece::{SpecialIds, WordPiece};
use crate::EncoderError;

/// Default pieces per window, [CLS] and [SEP] included.
pub const DEFAULT_MAX_PIECES: usize = 256;
/// Default overlap between consecutive windows, in pieces.
pub const DEFAULT_STRIDE: usize = 64;

/// Window geometry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WindowSpec {
    /// Pieces per window, [CLS] and [SEP] included (≥ 3).
    pub max_pieces: usize,
    /// Pieces shared by consecutive windows (at most; tokens are never split), ≤ max_pieces − 3.
    pub stride: usize,
}

impl Default for WindowSpec {
    fn default() -> Self {
        WindowSpec {
            max_pieces: DEFAULT_MAX_PIECES,
            stride: DEFAULT_STRIDE,
        }
    }
}

impl WindowSpec {
    /// Checks the geometry leaves room for one token and makes progress.
    pub fn validate(&self) -> Result<(), EncoderError> {
        if self.max_pieces < 3 || self.stride + 3 > self.max_pieces {
            return Err(EncoderError::Windows {
                max_pieces: self.max_pieces,
                stride: self.stride,
            });
        }
        Ok(())
    }

    /// Pieces of the document a window holds between [CLS] and [SEP].
    fn budget(&self) -> usize {
        self.max_pieces - 2
    }
}

/// One window: [CLS], the pieces of a run of tokens, [SEP].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    /// The document tokens it covers.
    pub tokens: Range<usize>,
    /// Piece ids, [CLS] first and [SEP] last.
    pub input_ids: Vec<u32>,
    /// Case shape of every piece (its token's; [CLS]/[SEP] are special).
    pub case_shapes: Vec<u8>,
    /// For each token of `tokens`, the position of its first piece in `input_ids`.
    pub first_pieces: Vec<usize>,
}

/// A document's windows and where each token reads its label.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocumentWindows {
    /// The windows, in document order.
    pub windows: Vec<Window>,
    /// Per document token: (window index, position of its first piece in that window).
    pub token_source: Vec<(usize, usize)>,
}

impl DocumentWindows {
    /// Total pieces over all windows (what the encoder will run on).
    pub fn total_pieces(&self) -> usize {
        self.windows.iter().map(|w| w.input_ids.len()).sum()
    }
}

/// Word pieces and case shapes of every token, then its windows.
pub fn encode_tokens<S: AsRef<str>>(
    wordpiece: &WordPiece,
    tokens: &[S],
    spec: WindowSpec,
) -> Result<DocumentWindows, EncoderError> {
    let pieces: Vec<Vec<u32>> = tokens
        .iter()
        .map(|t| wordpiece.pieces(t.as_ref()))
        .collect();
    let shapes: Vec<u8> = tokens
        .iter()
        .map(|t| crate::case::case_shape(t.as_ref()))
        .collect();
    build_windows(&pieces, &shapes, wordpiece.special(), spec)
}

/// Cuts a document (pieces and case shape per token) into windows. A token with more pieces
/// than a window holds keeps its first `max_pieces − 2` (its label comes from the first one);
/// a token with no piece counts as `[UNK]`.
pub fn build_windows(
    pieces: &[Vec<u32>],
    shapes: &[u8],
    special: SpecialIds,
    spec: WindowSpec,
) -> Result<DocumentWindows, EncoderError> {
    spec.validate()?;
    let budget = spec.budget();
    let n = pieces.len();
    let count = |t: usize| pieces[t].len().clamp(1, budget);
    let mut windows = Vec::new();
    let mut start = 0;
    while start < n {
        // Fill the window with whole tokens.
        let mut end = start;
        let mut used = 0;
        while end < n && used + count(end) <= budget {
            used += count(end);
            end += 1;
        }
        windows.push(make_window(pieces, shapes, special, start..end, budget));
        if end >= n {
            break;
        }
        // The next window starts as early as keeps the overlap within `stride` pieces and
        // still leaves room for the next new token, so every window adds at least one token.
        let mut next = end;
        let mut overlap = 0;
        while next > start + 1 {
            let c = count(next - 1);
            if overlap + c > spec.stride || overlap + c + count(end) > budget {
                break;
            }
            overlap += c;
            next -= 1;
        }
        start = next;
    }
    let token_source = choose_sources(&windows, n);
    Ok(DocumentWindows {
        windows,
        token_source,
    })
}

fn make_window(
    pieces: &[Vec<u32>],
    shapes: &[u8],
    special: SpecialIds,
    tokens: Range<usize>,
    budget: usize,
) -> Window {
    let mut input_ids = vec![special.cls];
    let mut case_shapes = vec![CASE_SPECIAL];
    let mut first_pieces = Vec::with_capacity(tokens.len());
    for t in tokens.clone() {
        first_pieces.push(input_ids.len());
        let shape = shapes.get(t).copied().unwrap_or(CASE_SPECIAL);
        let ids: &[u32] = if pieces[t].is_empty() {
            std::slice::from_ref(&special.unk)
        } else {
            &pieces[t][..pieces[t].len().min(budget)]
        };
        input_ids.extend_from_slice(ids);
        case_shapes.extend(std::iter::repeat_n(shape, ids.len()));
    }
    input_ids.push(special.sep);
    case_shapes.push(CASE_SPECIAL);
    Window {
        tokens,
        input_ids,
        case_shapes,
        first_pieces,
    }
}

/// For every token, the window where its first piece is farthest from both edges (the earlier
/// window on a tie).
fn choose_sources(windows: &[Window], n: usize) -> Vec<(usize, usize)> {
    let mut best: Vec<Option<(usize, usize, usize)>> = vec![None; n];
    for (w, window) in windows.iter().enumerate() {
        let last = window.input_ids.len() - 1;
        for (i, t) in window.tokens.clone().enumerate() {
            let pos = window.first_pieces[i];
            let margin = pos.min(last - pos);
            if best[t].is_none_or(|(_, _, m)| margin > m) {
                best[t] = Some((w, pos, margin));
            }
        }
    }
    best.into_iter()
        .map(|b| b.map_or((0, 0), |(w, pos, _)| (w, pos)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPECIAL: SpecialIds = SpecialIds {
        cls: 101,
        sep: 102,
        pad: 0,
        unk: 100,
    };

    /// Token t has `sizes[t]` pieces, ids 1000·t + k.
    fn doc(sizes: &[usize]) -> (Vec<Vec<u32>>, Vec<u8>) {
        let pieces = sizes
            .iter()
            .enumerate()
            .map(|(t, &s)| (0..s).map(|k| (1000 * t + k) as u32).collect())
            .collect();
        (pieces, vec![1; sizes.len()])
    }

    #[test]
    fn short_document_is_one_window() {
        let (p, s) = doc(&[1, 2, 1]);
        let w = build_windows(&p, &s, SPECIAL, WindowSpec::default()).unwrap();
        assert_eq!(w.windows.len(), 1);
        assert_eq!(w.windows[0].input_ids, [101, 0, 1000, 1001, 2000, 102]);
        assert_eq!(w.windows[0].case_shapes, [0, 1, 1, 1, 1, 0]);
        assert_eq!(w.windows[0].first_pieces, [1, 2, 4]);
        assert_eq!(w.token_source, [(0, 1), (0, 2), (0, 4)]);
    }

    #[test]
    fn empty_document_has_no_window() {
        let w = build_windows(&[], &[], SPECIAL, WindowSpec::default()).unwrap();
        assert!(w.windows.is_empty() && w.token_source.is_empty());
    }

    #[test]
    fn windows_overlap_by_stride_and_cover_every_token() {
        let sizes: Vec<usize> = (0..100).map(|t| 1 + t % 3).collect();
        let (p, s) = doc(&sizes);
        let spec = WindowSpec {
            max_pieces: 20,
            stride: 6,
        };
        let w = build_windows(&p, &s, SPECIAL, spec).unwrap();
        assert!(w.windows.len() > 5);
        for pair in w.windows.windows(2) {
            let (a, b) = (&pair[0], &pair[1]);
            assert!(a.input_ids.len() <= 20 && b.input_ids.len() <= 20);
            assert!(b.tokens.start > a.tokens.start, "progress");
            assert!(b.tokens.start <= a.tokens.end, "no gap");
            let shared: usize = (b.tokens.start..a.tokens.end).map(|t| sizes[t]).sum();
            assert!(shared <= 6, "overlap {shared}");
            // Overlap is as large as whole tokens allow: one more token would pass the stride.
            if b.tokens.start > a.tokens.start + 1 {
                assert!(shared + sizes[b.tokens.start - 1] > 6 || shared == 0);
            }
        }
        assert_eq!(w.windows.first().unwrap().tokens.start, 0);
        assert_eq!(w.windows.last().unwrap().tokens.end, 100);
        // Every token reads its first piece.
        for (t, &(win, pos)) in w.token_source.iter().enumerate() {
            assert_eq!(
                w.windows[win].input_ids[pos],
                (1000 * t) as u32,
                "token {t}"
            );
        }
    }

    #[test]
    fn first_piece_comes_from_the_window_with_most_context() {
        // 12 one-piece tokens, windows of 8 pieces (6 tokens), overlap 4.
        let (p, s) = doc(&[1; 12]);
        let spec = WindowSpec {
            max_pieces: 8,
            stride: 4,
        };
        let w = build_windows(&p, &s, SPECIAL, spec).unwrap();
        let ranges: Vec<_> = w.windows.iter().map(|w| w.tokens.clone()).collect();
        assert_eq!(ranges, [0..6, 2..8, 4..10, 6..12]);
        // Token 5 sits at position 6 of window 0 (margin 1) and 4 of window 1 (margin 3),
        // and at position 2 of window 2 (margin 2): window 1 wins.
        assert_eq!(w.token_source[5], (1, 4));
        // Token 0 is only in window 0; token 11 only in the last.
        assert_eq!(w.token_source[0], (0, 1));
        assert_eq!(w.token_source[11].0, 3);
    }

    #[test]
    fn oversized_token_is_truncated_not_split() {
        let (p, s) = doc(&[2, 50, 3]);
        let spec = WindowSpec {
            max_pieces: 12,
            stride: 2,
        };
        let w = build_windows(&p, &s, SPECIAL, spec).unwrap();
        for win in &w.windows {
            assert!(win.input_ids.len() <= 12);
        }
        let (win, pos) = w.token_source[1];
        assert_eq!(w.windows[win].input_ids[pos], 1000);
        assert_eq!(w.windows.last().unwrap().tokens.end, 3);
    }

    #[test]
    fn bad_geometry_is_an_error() {
        let (p, s) = doc(&[1]);
        for (max_pieces, stride) in [(2, 0), (10, 8), (3, 1)] {
            let spec = WindowSpec { max_pieces, stride };
            let err = build_windows(&p, &s, SPECIAL, spec).unwrap_err();
            assert!(err.to_string().contains("invalid windows"), "{err}");
        }
    }

    #[test]
    fn window_count_is_linear() {
        let (p, s) = doc(&vec![1; 10_000]);
        let w = build_windows(&p, &s, SPECIAL, WindowSpec::default()).unwrap();
        // 254 pieces per window, 64 shared: about 10_000 / 190 windows.
        assert!(w.windows.len() <= 10_000 / 190 + 2, "{}", w.windows.len());
    }
}
