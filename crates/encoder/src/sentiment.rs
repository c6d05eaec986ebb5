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
pub(crate) use model::marker_scores;
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
    let (words, mut spans) = split_words_at(text, &[("sentiment target", target)])?;
    let span = spans.pop().unwrap_or(0..0);
    Ok((words, span))
}

/// [`split_words`] with word boundaries forced at several named byte ranges (the mentions of
/// a marked window); returns the word range of each, in the order given. Errors name the
/// range that is empty, outside the text, not on character boundaries, wordless or
/// overlapping another.
pub fn split_words_at<'a>(
    text: &'a str,
    spans: &[(&str, Range<usize>)],
) -> Result<(Vec<&'a str>, Vec<Range<usize>>), EncoderError> {
    for (name, span) in spans {
        if span.start >= span.end
            || span.end > text.len()
            || !text.is_char_boundary(span.start)
            || !text.is_char_boundary(span.end)
        {
            return Err(EncoderError::Inference {
                context: format!("{name} {}..{}", span.start, span.end),
                reason: format!(
                    "not a non-empty character range of the {}-byte sentence",
                    text.len()
                ),
            });
        }
    }
    let mut order: Vec<usize> = (0..spans.len()).collect();
    order.sort_by_key(|&i| spans[i].1.start);
    for pair in order.windows(2) {
        let (a, b) = (&spans[pair[0]], &spans[pair[1]]);
        if b.1.start < a.1.end {
            return Err(EncoderError::Inference {
                context: format!(
                    "{} {}..{} and {} {}..{}",
                    a.0, a.1.start, a.1.end, b.0, b.1.start, b.1.end
                ),
                reason: "the mentions overlap".into(),
            });
        }
    }
    let mut words = Vec::new();
    let mut word_spans = vec![0..0; spans.len()];
    let mut at = 0;
    for &i in &order {
        let (name, span) = &spans[i];
        push_words(&text[at..span.start], &mut words);
        let first = words.len();
        push_words(&text[span.clone()], &mut words);
        if first == words.len() {
            return Err(EncoderError::Inference {
                context: format!("{name} {:?}", &text[span.clone()]),
                reason: "the mention has no word (only whitespace or control characters)".into(),
            });
        }
        word_spans[i] = first..words.len();
        at = span.end;
    }
    push_words(&text[at..], &mut words);
    Ok((words, word_spans))
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
    let mark = Mark {
        name: "sentiment target",
        tokens: target,
        open: TARGET_OPEN,
        close: TARGET_CLOSE,
    };
    let (window, markers) = marked_window(wordpiece, tokens, &[mark], max_pieces)?;
    Ok(TargetWindow {
        window,
        marker: markers[0],
    })
}

/// A mention to wrap in two marker pieces: its tokens, the two vocabulary entries, and the
/// name errors give it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    /// What errors call the mention ("sentiment target", "stance holder").
    pub name: &'static str,
    /// The mention's token range.
    pub tokens: Range<usize>,
    /// Vocabulary entry put before the mention.
    pub open: &'static str,
    /// Vocabulary entry put after it.
    pub close: &'static str,
}

/// The window of a sentence with every mention of `marks` between its two marker pieces, and
/// the position of each opening marker (in the order of `marks`). The mentions must not
/// overlap. Context is added one token at a time on either side of each mention in turn while
/// it fits `max_pieces`, so a long sentence keeps the words nearest the mentions (a gap between
/// two mentions that does not fit is left out); when the mentions alone do not fit, each keeps
/// its first pieces (an equal share, the rest to the earlier ones).
pub fn marked_window<S: AsRef<str>>(
    wordpiece: &WordPiece,
    tokens: &[S],
    marks: &[Mark],
    max_pieces: usize,
) -> Result<(Window, Vec<usize>), EncoderError> {
    let context = |m: &Mark| format!("{} tokens {}..{}", m.name, m.tokens.start, m.tokens.end);
    let mut ids = Vec::with_capacity(marks.len());
    for (i, m) in marks.iter().enumerate() {
        if m.tokens.start >= m.tokens.end || m.tokens.end > tokens.len() {
            return Err(EncoderError::Inference {
                context: context(m),
                reason: format!("not a non-empty range of the {} tokens", tokens.len()),
            });
        }
        if let Some(other) = marks[..i]
            .iter()
            .find(|o| o.tokens.start < m.tokens.end && m.tokens.start < o.tokens.end)
        {
            return Err(EncoderError::Inference {
                context: format!("{} and {}", context(other), context(m)),
                reason: "the mentions overlap".into(),
            });
        }
        let (Some(open), Some(close)) = (wordpiece.id(m.open), wordpiece.id(m.close)) else {
            return Err(EncoderError::Inference {
                context: context(m),
                reason: format!("the vocabulary has no {} / {} entries", m.open, m.close),
            });
        };
        ids.push((open, close));
    }
    // [CLS], [SEP], and per mention two markers and at least one piece.
    if max_pieces < 2 + 3 * marks.len() {
        let all: Vec<String> = marks.iter().map(context).collect();
        return Err(EncoderError::Inference {
            context: all.join(", "),
            reason: format!("max_pieces {max_pieces} leaves no room for the mentions"),
        });
    }
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
    let budget = max_pieces - 2 - 2 * marks.len();
    let lengths: Vec<usize> = marks
        .iter()
        .map(|m| pieces[m.tokens.clone()].iter().map(Vec::len).sum())
        .collect();
    let share = budget / marks.len().max(1);
    let mut allowed: Vec<usize> = lengths.iter().map(|&n| n.min(share)).collect();
    let mut spare = budget - allowed.iter().sum::<usize>();
    for (allow, &n) in allowed.iter_mut().zip(&lengths) {
        let more = (n - *allow).min(spare);
        *allow += more;
        spare -= more;
    }
    let mut used: usize = allowed.iter().sum();
    let mut included = vec![false; tokens.len()];
    let mut sides: Vec<(usize, usize)> = Vec::with_capacity(marks.len());
    for m in marks {
        included[m.tokens.clone()]
            .iter_mut()
            .for_each(|t| *t = true);
        sides.push((m.tokens.start, m.tokens.end));
    }
    loop {
        let mut grew = false;
        for (left, right) in sides.iter_mut() {
            if *left > 0 && !included[*left - 1] && used + pieces[*left - 1].len() <= budget {
                *left -= 1;
                included[*left] = true;
                used += pieces[*left].len();
                grew = true;
            }
            if *right < tokens.len() && !included[*right] && used + pieces[*right].len() <= budget {
                included[*right] = true;
                used += pieces[*right].len();
                *right += 1;
                grew = true;
            }
        }
        if !grew {
            break;
        }
    }
    let first = sides.iter().map(|s| s.0).min().unwrap_or(0);
    let last = sides.iter().map(|s| s.1).max().unwrap_or(0);
    let mut input_ids = vec![special.cls];
    let mut case_shapes = vec![CASE_SPECIAL];
    let mut first_pieces = Vec::with_capacity(last - first);
    let mut markers = vec![0; marks.len()];
    let mut left_of_mention = allowed.clone();
    for t in first..last {
        let mention = marks.iter().position(|m| m.tokens.contains(&t));
        if let Some(i) = mention.filter(|&i| marks[i].tokens.start == t) {
            markers[i] = input_ids.len();
            input_ids.push(ids[i].0);
            case_shapes.push(CASE_SPECIAL);
        }
        let kept: &[u32] = match mention {
            Some(i) => {
                let n = pieces[t].len().min(left_of_mention[i]);
                left_of_mention[i] -= n;
                &pieces[t][..n]
            }
            // A gap between two mentions that did not fit is left out.
            None if !included[t] => &[],
            None => &pieces[t],
        };
        first_pieces.push(input_ids.len());
        let shape = case_shape(tokens[t].as_ref());
        input_ids.extend_from_slice(kept);
        case_shapes.extend(std::iter::repeat_n(shape, kept.len()));
        if let Some(i) = mention.filter(|&i| marks[i].tokens.end == t + 1) {
            input_ids.push(ids[i].1);
            case_shapes.push(CASE_SPECIAL);
        }
    }
    input_ids.push(special.sep);
    case_shapes.push(CASE_SPECIAL);
    Ok((
        Window {
            tokens: first..last,
            input_ids,
            case_shapes,
            first_pieces,
        },
        markers,
    ))
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
