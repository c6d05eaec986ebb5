//! Target-directed sentiment (NewsMTSC): how a sentence speaks about one mention in it,
//! negative / neutral / positive.
//!
//! The input is the sentence's word pieces with the target mention wrapped in two marker
//! pieces (`[unused0]` … `[unused1]`, untouched by pretraining, so fine-tuning gives them
//! their meaning); the `sentiment` head of a model directory classifies the hidden state of
//! the opening marker (entity-start pooling). The marker is the one "token" of the window,
//! so training (crates/bert, piece labels) and inference (the encoder's per-token scoring)
//! reuse the token machinery unchanged. This part always compiles; the candle model is in
//! `SentimentModel` (feature `candle`).

use std::ops::Range;

use crate::case::{case_shape, CASE_SPECIAL};
use crate::windows::{DocumentWindows, Window};
use crate::wordpiece::{is_punctuation, WordPiece};
use crate::EncoderError;

#[cfg(feature = "candle")]
#[path = "sentiment_model.rs"]
mod model;
#[cfg(feature = "candle")]
pub use model::{SentimentModel, TargetSentiment, DEFAULT_SENTIMENT_DIR};

/// The head's task name in heads.json.
pub const SENTIMENT_TASK: &str = "sentiment";
/// Labels in head order (NewsMTSC polarity 2 / 4 / 6).
pub const SENTIMENT_LABELS: [&str; 3] = ["negative", "neutral", "positive"];
/// Vocabulary entry opening the target mention.
pub const TARGET_OPEN: &str = "[unused0]";
/// Vocabulary entry closing the target mention.
pub const TARGET_CLOSE: &str = "[unused1]";
/// Default window of one (sentence, target) input, [CLS] and [SEP] included.
pub const SENTIMENT_MAX_PIECES: usize = 128;

/// One model input: the window and the position of the opening marker (the piece the head
/// reads).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetWindow {
    /// [CLS], pieces with the two markers around the target, [SEP].
    pub window: Window,
    /// Position of [`TARGET_OPEN`] in `window.input_ids`.
    pub marker: usize,
}

impl TargetWindow {
    /// As a one-token "document" whose token reads the marker (what
    /// `EncoderModel::score` takes).
    pub fn document(&self) -> DocumentWindows {
        DocumentWindows {
            windows: vec![self.window.clone()],
            token_source: vec![(0, self.marker)],
        }
    }
}

/// Splits text into words (whitespace, and every punctuation character a word of its own,
/// as BERT's basic tokenisation does) and returns them with the word range covering the
/// byte range `target`. Errors when `target` is empty, outside the text or not on character
/// boundaries.
pub fn split_words(
    text: &str,
    target: Range<usize>,
) -> Result<(Vec<&str>, Range<usize>), EncoderError> {
    if target.start >= target.end
        || target.end > text.len()
        || !text.is_char_boundary(target.start)
        || !text.is_char_boundary(target.end)
    {
        return Err(EncoderError::Inference {
            context: format!("sentiment target {}..{}", target.start, target.end),
            reason: format!(
                "not a non-empty character range of the {}-byte sentence",
                text.len()
            ),
        });
    }
    let mut words = Vec::new();
    let mut first = None;
    let mut last = None;
    for (i, part) in [
        &text[..target.start],
        &text[target.clone()],
        &text[target.end..],
    ]
    .into_iter()
    .enumerate()
    {
        let before = words.len();
        push_words(part, &mut words);
        if i == 1 {
            first = Some(before);
            last = Some(words.len());
        }
    }
    let (Some(first), Some(last)) = (first, last) else {
        return Err(EncoderError::Inference {
            context: format!("sentiment target {}..{}", target.start, target.end),
            reason: "no target".into(),
        });
    };
    if first == last {
        return Err(EncoderError::Inference {
            context: format!("sentiment target {:?}", &text[target]),
            reason: "the target has no word (only whitespace or control characters)".into(),
        });
    }
    Ok((words, first..last))
}

fn push_words<'a>(text: &'a str, words: &mut Vec<&'a str>) {
    let mut start = None;
    for (i, c) in text.char_indices() {
        if c.is_whitespace() || c.is_control() {
            if let Some(s) = start.take() {
                words.push(&text[s..i]);
            }
        } else if is_punctuation(c) {
            if let Some(s) = start.take() {
                words.push(&text[s..i]);
            }
            words.push(&text[i..i + c.len_utf8()]);
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        words.push(&text[s..]);
    }
}

/// The heads.json `scheme` of the sentiment head: the marker input above.
pub const SENTIMENT_SCHEME: &str = "marker";

/// The model input for the tokens `target` of a sentence: the target's pieces between the
/// markers, with as much context on both sides as fits `max_pieces` (taken alternately left
/// and right of the target, so a long sentence keeps the words nearest the mention). A target
/// longer than the window keeps its first pieces.
pub fn target_window<S: AsRef<str>>(
    wordpiece: &WordPiece,
    tokens: &[S],
    target: Range<usize>,
    max_pieces: usize,
) -> Result<TargetWindow, EncoderError> {
    let context = || format!("sentiment target tokens {}..{}", target.start, target.end);
    if target.start >= target.end || target.end > tokens.len() {
        return Err(EncoderError::Inference {
            context: context(),
            reason: format!("not a non-empty range of the {} tokens", tokens.len()),
        });
    }
    // [CLS], two markers, [SEP], and at least one piece of the target.
    if max_pieces < 5 {
        return Err(EncoderError::Inference {
            context: context(),
            reason: format!("max_pieces {max_pieces} leaves no room for the target"),
        });
    }
    let (Some(open), Some(close)) = (wordpiece.id(TARGET_OPEN), wordpiece.id(TARGET_CLOSE)) else {
        return Err(EncoderError::Inference {
            context: context(),
            reason: format!("the vocabulary has no {TARGET_OPEN} / {TARGET_CLOSE} entries"),
        });
    };
    let special = wordpiece.special();
    let pieces: Vec<Vec<u32>> = tokens
        .iter()
        .map(|t| {
            let p = wordpiece.pieces(t.as_ref());
            if p.is_empty() {
                vec![special.unk]
            } else {
                p
            }
        })
        .collect();
    let target_pieces: usize = pieces[target.clone()].iter().map(Vec::len).sum();
    let budget = max_pieces - 4;
    let mut used = target_pieces.min(budget);
    let (mut left, mut right) = (target.start, target.end);
    loop {
        let mut grew = false;
        if left > 0 && used + pieces[left - 1].len() <= budget {
            left -= 1;
            used += pieces[left].len();
            grew = true;
        }
        if right < tokens.len() && used + pieces[right].len() <= budget {
            used += pieces[right].len();
            right += 1;
            grew = true;
        }
        if !grew {
            break;
        }
    }
    let mut input_ids = vec![special.cls];
    let mut case_shapes = vec![CASE_SPECIAL];
    let mut first_pieces = Vec::with_capacity(right - left);
    let mut marker = 0;
    let mut target_left = budget;
    for t in left..right {
        if t == target.start {
            marker = input_ids.len();
            input_ids.push(open);
            case_shapes.push(CASE_SPECIAL);
        }
        let ids: &[u32] = if target.contains(&t) {
            let n = pieces[t].len().min(target_left);
            target_left -= n;
            &pieces[t][..n]
        } else {
            &pieces[t]
        };
        first_pieces.push(input_ids.len());
        let shape = case_shape(tokens[t].as_ref());
        input_ids.extend_from_slice(ids);
        case_shapes.extend(std::iter::repeat_n(shape, ids.len()));
        if t + 1 == target.end {
            input_ids.push(close);
            case_shapes.push(CASE_SPECIAL);
        }
    }
    input_ids.push(special.sep);
    case_shapes.push(CASE_SPECIAL);
    Ok(TargetWindow {
        window: Window {
            tokens: left..right,
            input_ids,
            case_shapes,
            first_pieces,
        },
        marker,
    })
}

/// [`target_window`] for a sentence as text and the target as a byte range of it.
pub fn text_target_window(
    wordpiece: &WordPiece,
    sentence: &str,
    target: Range<usize>,
    max_pieces: usize,
) -> Result<TargetWindow, EncoderError> {
    let (words, span) = split_words(sentence, target)?;
    target_window(wordpiece, &words, span, max_pieces)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn vocab() -> WordPiece {
        let pieces = [
            "[PAD]",
            "[unused0]",
            "[unused1]",
            "[UNK]",
            "[CLS]",
            "[SEP]",
            "the",
            "senator",
            "praised",
            "obama",
            ".",
            ",",
            "and",
            "##s",
            "attacked",
            "smith",
        ];
        WordPiece::from_vocab_text(&pieces.join("\n"), Path::new("vocab.txt")).unwrap()
    }

    #[test]
    fn words_split_at_punctuation_and_at_the_target() {
        let text = "The senator praised Obama, and Smiths.";
        let start = text.find("Obama").unwrap();
        let (words, span) = split_words(text, start..start + 5).unwrap();
        assert_eq!(
            words,
            ["The", "senator", "praised", "Obama", ",", "and", "Smiths", "."]
        );
        assert_eq!(span, 3..4);
        // A target inside a word splits the word.
        let (words, span) = split_words("Obamas", 0..5).unwrap();
        assert_eq!(words, ["Obama", "s"]);
        assert_eq!(span, 0..1);
    }

    #[test]
    fn bad_targets_are_errors_not_panics() {
        assert!(split_words("Obama", 3..3).is_err());
        assert!(split_words("Obama", 2..9).is_err());
        assert!(split_words("Émile", 1..3).is_err());
        assert!(split_words("a   b", 1..3).is_err());
        let wp = vocab();
        assert!(target_window(&wp, &["the"], 0..2, 16).is_err());
        assert!(target_window(&wp, &["the"], 0..1, 4).is_err());
        let no_markers =
            WordPiece::from_vocab_text("[PAD]\n[UNK]\n[CLS]\n[SEP]\nthe", Path::new("v")).unwrap();
        let err = target_window(&no_markers, &["the"], 0..1, 16).unwrap_err();
        assert!(err.to_string().contains("[unused0]"));
    }

    #[test]
    fn markers_wrap_the_target_and_the_head_reads_the_opening_one() {
        let wp = vocab();
        let text = "The senator praised Obama.";
        let w = text_target_window(&wp, text, 20..25, 32).unwrap();
        let pieces: Vec<&str> = w
            .window
            .input_ids
            .iter()
            .map(|&i| wp.piece(i).unwrap())
            .collect();
        assert_eq!(
            pieces,
            [
                "[CLS]",
                "the",
                "senator",
                "praised",
                "[unused0]",
                "obama",
                "[unused1]",
                ".",
                "[SEP]"
            ]
        );
        assert_eq!(w.marker, 4);
        assert_eq!(w.window.case_shapes[4], CASE_SPECIAL);
        assert_eq!(w.window.case_shapes[5], crate::case::CASE_TITLE);
        assert_eq!(w.document().token_source, vec![(0, 4)]);
    }

    #[test]
    fn long_sentences_keep_the_words_nearest_the_target() {
        let wp = vocab();
        let mut tokens = vec!["the"; 20];
        tokens[10] = "obama";
        let w = target_window(&wp, &tokens, 10..11, 9).unwrap();
        // 9 pieces: [CLS] + 5 budget pieces (2 left, target, 2 right) + 2 markers + [SEP].
        assert_eq!(w.window.input_ids.len(), 9);
        assert_eq!(w.window.tokens, 8..13);
        assert_eq!(wp.piece(w.window.input_ids[w.marker + 1]), Some("obama"));
        // A target longer than the window keeps its first pieces and both markers.
        let long = vec!["obama"; 30];
        let w = target_window(&wp, &long, 0..30, 9).unwrap();
        assert_eq!(w.window.input_ids.len(), 9);
        assert_eq!(wp.piece(w.window.input_ids[7]), Some("[unused1]"));
    }
}
