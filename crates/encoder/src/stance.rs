//! Stance between two actors of one sentence (SEESAW): does the holder support the target,
//! oppose it, or neither?
//!
//! The input is the sentence's word pieces with the holder between `[unused2]` … `[unused3]`
//! and the target between `[unused4]` … `[unused5]` (untouched by pretraining, and apart from
//! the sentiment scheme's `[unused0]`/`[unused1]`); the `stance` head of a model directory
//! classifies the hidden state of the holder's opening marker. As for target sentiment
//! ([`crate::sentiment`]), that marker is the window's one "token", so training (crates/bert)
//! and inference (the encoder's per-token scoring) reuse the token machinery unchanged. This
//! part always compiles; the candle model is [`StancePairModel`] (feature `candle`).

use std::ops::Range;

use crate::sentiment::{marked_window, split_words_at, Mark};
use crate::windows::{DocumentWindows, Window};
use crate::wordpiece::WordPiece;
use crate::EncoderError;

#[cfg(feature = "candle")]
#[path = "stance_model.rs"]
mod model;
#[cfg(feature = "candle")]
pub use model::{StancePairModel, DEFAULT_STANCE_DIR};

/// The head's task name in heads.json.
pub const STANCE_TASK: &str = "stance";
/// Labels in head order (those of the linear pair classifier,
/// `stancegraph_relations::seesaw::PAIR_LABELS`).
pub const STANCE_LABELS: [&str; 3] = ["none", "support", "oppose"];
/// The heads.json `scheme` of the stance head: two marked mentions, the head on the holder's
/// opening marker.
pub const STANCE_SCHEME: &str = "pair-marker";
/// Vocabulary entries before and after the holder mention.
pub const HOLDER_MARKERS: [&str; 2] = ["[unused2]", "[unused3]"];
/// Vocabulary entries before and after the target mention.
pub const TARGET_MARKERS: [&str; 2] = ["[unused4]", "[unused5]"];
/// Default window of one (sentence, holder, target) input, [CLS] and [SEP] included.
pub const STANCE_MAX_PIECES: usize = 128;

/// One model input: the window and the positions of the two opening markers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairWindow {
    /// [CLS], pieces with markers around holder and target, [SEP].
    pub window: Window,
    /// Where the holder's opening marker is in `window.input_ids` (the piece the head reads).
    pub holder_marker: usize,
    /// Where the target's opening marker is.
    pub target_marker: usize,
}

impl PairWindow {
    /// As a one-token "document" whose token reads the holder's marker (what
    /// `EncoderModel::score` takes).
    pub fn document(&self) -> DocumentWindows {
        DocumentWindows {
            windows: vec![self.window.clone()],
            token_source: vec![(0, self.holder_marker)],
        }
    }
}

/// The model input for the tokens `holder` and `target` of a sentence's tokens (non-empty,
/// not overlapping): both mentions marked, with as much context around them as fits
/// `max_pieces` (see [`marked_window`]; both mentions are always kept).
pub fn pair_window<S: AsRef<str>>(
    wordpiece: &WordPiece,
    tokens: &[S],
    holder: Range<usize>,
    target: Range<usize>,
    max_pieces: usize,
) -> Result<PairWindow, EncoderError> {
    let mark = |name, tokens, [open, close]: [&'static str; 2]| Mark {
        name,
        tokens,
        open,
        close,
    };
    let marks = [
        mark("stance holder", holder, HOLDER_MARKERS),
        mark("stance target", target, TARGET_MARKERS),
    ];
    let (window, markers) = marked_window(wordpiece, tokens, &marks, max_pieces)?;
    Ok(PairWindow {
        window,
        holder_marker: markers[0],
        target_marker: markers[1],
    })
}

/// [`pair_window`] for a sentence as text and holder and target as byte ranges of it
/// (non-empty, on character boundaries, not overlapping; otherwise an error naming them).
pub fn text_pair_window(
    wordpiece: &WordPiece,
    sentence: &str,
    holder: Range<usize>,
    target: Range<usize>,
    max_pieces: usize,
) -> Result<PairWindow, EncoderError> {
    let (words, spans) = split_words_at(
        sentence,
        &[("stance holder", holder), ("stance target", target)],
    )?;
    pair_window(
        wordpiece,
        &words,
        spans[0].clone(),
        spans[1].clone(),
        max_pieces,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn vocab() -> WordPiece {
        let entries = "[PAD] [unused0] [unused1] [unused2] [unused3] [unused4] [unused5] [UNK] \
                       [CLS] [SEP] the senator praised obama . smith and";
        let lines: Vec<&str> = entries.split_whitespace().collect();
        WordPiece::from_vocab_text(&lines.join("\n"), Path::new("vocab.txt")).unwrap()
    }

    fn at(sentence: &str, mention: &str) -> Range<usize> {
        let start = sentence.find(mention).unwrap();
        start..start + mention.len()
    }

    fn pieces(wp: &WordPiece, w: &PairWindow) -> Vec<String> {
        w.window
            .input_ids
            .iter()
            .map(|&i| wp.piece(i).unwrap().to_string())
            .collect()
    }

    #[test]
    fn both_mentions_are_marked_and_the_head_reads_the_holder() {
        let wp = vocab();
        let s = "Smith praised Obama.";
        let w = text_pair_window(&wp, s, at(s, "Smith"), at(s, "Obama"), 32).unwrap();
        assert_eq!(
            pieces(&wp, &w),
            [
                "[CLS]",
                "[unused2]",
                "smith",
                "[unused3]",
                "praised",
                "[unused4]",
                "obama",
                "[unused5]",
                ".",
                "[SEP]"
            ]
        );
        assert_eq!((w.holder_marker, w.target_marker), (1, 5));
        assert_eq!(w.document().token_source, vec![(0, 1)]);
        // The reversed pair: the target comes first in the sentence.
        let r = text_pair_window(&wp, s, at(s, "Obama"), at(s, "Smith"), 32).unwrap();
        assert_eq!(pieces(&wp, &r)[1], "[unused4]");
        assert_eq!(pieces(&wp, &r)[5], "[unused2]");
        assert_eq!((r.holder_marker, r.target_marker), (5, 1));
    }

    #[test]
    fn bad_ranges_are_errors_naming_them() {
        let wp = vocab();
        let s = "Smith praised Obama.";
        let err = text_pair_window(&wp, s, 0..5, 3..9, 32).unwrap_err();
        assert!(err.to_string().contains("overlap"), "{err}");
        let err = text_pair_window(&wp, s, 0..5, 14..99, 32).unwrap_err();
        assert!(err.to_string().contains("stance target"), "{err}");
        assert!(text_pair_window(&wp, s, 4..4, 14..19, 32).is_err());
        assert!(text_pair_window(&wp, "Émile praised Obama", 1..3, 14..19, 32).is_err());
        assert!(text_pair_window(&wp, s, 5..6, 14..19, 32).is_err());
        assert!(pair_window(&wp, &["smith", "obama"], 0..1, 1..3, 32).is_err());
        assert!(pair_window(&wp, &["smith", "obama"], 0..2, 1..2, 32).is_err());
        // [CLS] [SEP] and two pieces per marker leave no room for the mentions.
        assert!(pair_window(&wp, &["smith", "obama"], 0..1, 1..2, 7).is_err());
        let sentiment_only = WordPiece::from_vocab_text(
            "[PAD]\n[unused0]\n[unused1]\n[UNK]\n[CLS]\n[SEP]\nsmith",
            Path::new("v"),
        )
        .unwrap();
        let err = pair_window(&sentiment_only, &["smith", "smith"], 0..1, 1..2, 32).unwrap_err();
        assert!(err.to_string().contains("[unused2]"), "{err}");
    }

    #[test]
    fn long_sentences_keep_both_mentions_and_the_words_near_them() {
        let wp = vocab();
        let mut tokens = vec!["the"; 60];
        tokens[5] = "smith";
        tokens[50] = "obama";
        tokens[6] = "praised";
        tokens[49] = "and";
        let w = pair_window(&wp, &tokens, 5..6, 50..51, 16).unwrap();
        assert_eq!(w.window.input_ids.len(), 16);
        let p = pieces(&wp, &w);
        assert_eq!(p[w.holder_marker + 1], "smith");
        assert_eq!(p[w.target_marker + 1], "obama");
        // The words right next to each mention are in, the far middle is not.
        assert!(p.contains(&"praised".to_string()) && p.contains(&"and".to_string()));
        assert_eq!(w.window.first_pieces.len(), w.window.tokens.len());
        // Mentions longer than the window keep their first pieces and all four markers.
        let long = vec!["obama"; 40];
        let w = pair_window(&wp, &long, 0..20, 20..40, 12).unwrap();
        let p = pieces(&wp, &w);
        assert_eq!(p.len(), 12);
        for m in ["[unused2]", "[unused3]", "[unused4]", "[unused5]"] {
            assert!(p.contains(&m.to_string()), "{m} in {p:?}");
        }
        // A short sentence is whole.
        let w = pair_window(&wp, &["smith", "praised", "obama"], 2..3, 0..1, 128).unwrap();
        assert_eq!(w.window.tokens, 0..3);
    }
}
