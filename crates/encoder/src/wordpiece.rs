//! BERT uncased word pieces of one of our tokens (the rules of BERT's `BasicTokenizer` with
//! lowercasing and accent stripping, then greedy longest-match-first WordPiece).

use std::collections::HashMap;
use std::path::Path;

use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategory, GeneralCategoryGroup, UnicodeGeneralCategory};

use crate::EncoderError;

/// Words longer than this many characters become `[UNK]` (BERT's `max_input_chars_per_word`).
pub const MAX_WORD_CHARS: usize = 100;

/// The ids of the special pieces BERT needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpecialIds {
    /// `[CLS]`, first piece of every window.
    pub cls: u32,
    /// `[SEP]`, last piece of every window.
    pub sep: u32,
    /// `[PAD]`, fills a batch's shorter windows.
    pub pad: u32,
    /// `[UNK]`, for words with no match.
    pub unk: u32,
}

/// A WordPiece vocabulary (vocab.txt: one piece per line, id = line number).
#[derive(Debug, Clone)]
pub struct WordPiece {
    ids: HashMap<String, u32>,
    pieces: Vec<String>,
    special: SpecialIds,
}

impl WordPiece {
    /// Reads a vocab.txt.
    pub fn from_vocab_file(path: impl AsRef<Path>) -> Result<WordPiece, EncoderError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| EncoderError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        WordPiece::from_vocab_text(&text, path)
    }

    /// Builds the vocabulary from vocab.txt's text; `origin` names it in errors.
    pub fn from_vocab_text(text: &str, origin: &Path) -> Result<WordPiece, EncoderError> {
        let pieces: Vec<String> = text
            .lines()
            .map(|l| l.strip_suffix('\r').unwrap_or(l).to_string())
            .collect();
        if u32::try_from(pieces.len()).is_err() {
            return Err(EncoderError::VocabTooLarge {
                path: origin.to_path_buf(),
                entries: pieces.len(),
            });
        }
        let mut ids = HashMap::with_capacity(pieces.len());
        for (i, p) in pieces.iter().enumerate() {
            // A repeated line keeps its last id, as BERT's own loader does.
            ids.insert(p.clone(), i as u32);
        }
        let find = |token: &'static str| {
            ids.get(token)
                .copied()
                .ok_or_else(|| EncoderError::MissingSpecialToken {
                    path: origin.to_path_buf(),
                    token,
                })
        };
        let special = SpecialIds {
            cls: find("[CLS]")?,
            sep: find("[SEP]")?,
            pad: find("[PAD]")?,
            unk: find("[UNK]")?,
        };
        Ok(WordPiece {
            ids,
            pieces,
            special,
        })
    }

    /// The special piece ids.
    pub fn special(&self) -> SpecialIds {
        self.special
    }

    /// How many pieces the vocabulary has.
    pub fn len(&self) -> usize {
        self.pieces.len()
    }

    /// True for an empty vocabulary (never: a loaded one has the special pieces).
    pub fn is_empty(&self) -> bool {
        self.pieces.is_empty()
    }

    /// The text of a piece id (`##ing` for a continuation).
    pub fn piece(&self, id: u32) -> Option<&str> {
        self.pieces.get(id as usize).map(String::as_str)
    }

    /// The id of a piece's text.
    pub fn id(&self, piece: &str) -> Option<u32> {
        self.ids.get(piece).copied()
    }

    /// The word-piece ids of ONE of our tokens: never empty (a token with no piece, such as
    /// only whitespace or control characters, is `[UNK]`).
    pub fn pieces(&self, token: &str) -> Vec<u32> {
        let mut out = Vec::new();
        for word in basic_words(token) {
            self.word_pieces(&word, &mut out);
        }
        if out.is_empty() {
            out.push(self.special.unk);
        }
        out
    }

    /// Greedy longest-match-first WordPiece of one basic word, appended to `out`.
    fn word_pieces(&self, word: &str, out: &mut Vec<u32>) {
        let bounds: Vec<usize> = word
            .char_indices()
            .map(|(i, _)| i)
            .chain(std::iter::once(word.len()))
            .collect();
        let chars = bounds.len() - 1;
        if chars > MAX_WORD_CHARS {
            out.push(self.special.unk);
            return;
        }
        let mark = out.len();
        let mut candidate = String::with_capacity(word.len() + 2);
        let mut start = 0;
        while start < chars {
            let mut end = chars;
            let mut found = None;
            while end > start {
                candidate.clear();
                if start > 0 {
                    candidate.push_str("##");
                }
                candidate.push_str(&word[bounds[start]..bounds[end]]);
                if let Some(&id) = self.ids.get(candidate.as_str()) {
                    found = Some(id);
                    break;
                }
                end -= 1;
            }
            match found {
                Some(id) => {
                    out.push(id);
                    start = end;
                }
                None => {
                    out.truncate(mark);
                    out.push(self.special.unk);
                    return;
                }
            }
        }
    }
}

/// BERT's basic tokenisation of one token: drop control characters, split on whitespace,
/// lowercase, strip accents (NFD, drop non-spacing marks), and cut every punctuation
/// character and every CJK ideograph into a word of its own.
pub fn basic_words(token: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let flush = |current: &mut String, words: &mut Vec<String>| {
        if !current.is_empty() {
            words.push(std::mem::take(current));
        }
    };
    for c in token.chars() {
        if c == '\0' || c == '\u{fffd}' || is_control(c) {
            continue;
        }
        if is_whitespace(c) {
            flush(&mut current, &mut words);
            continue;
        }
        for l in c.to_lowercase() {
            for d in std::iter::once(l).nfd() {
                if d.general_category() == GeneralCategory::NonspacingMark {
                    continue;
                }
                if is_punctuation(d) || is_cjk(d) {
                    flush(&mut current, &mut words);
                    words.push(d.to_string());
                } else {
                    current.push(d);
                }
            }
        }
    }
    flush(&mut current, &mut words);
    words
}

/// BERT's whitespace: space, tab, newline, carriage return, and Unicode space separators.
fn is_whitespace(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r') || c.general_category() == GeneralCategory::SpaceSeparator
}

/// BERT's control characters: Unicode "C*" categories except tab, newline and carriage return
/// (which count as whitespace).
fn is_control(c: char) -> bool {
    if matches!(c, '\t' | '\n' | '\r') {
        return false;
    }
    c.general_category_group() == GeneralCategoryGroup::Other
}

/// BERT's punctuation: all non-letter/number ASCII symbols plus Unicode "P*".
pub fn is_punctuation(c: char) -> bool {
    let cp = c as u32;
    (33..=47).contains(&cp)
        || (58..=64).contains(&cp)
        || (91..=96).contains(&cp)
        || (123..=126).contains(&cp)
        || c.general_category_group() == GeneralCategoryGroup::Punctuation
}

/// The CJK Unified Ideograph blocks BERT splits into single characters.
fn is_cjk(c: char) -> bool {
    let cp = c as u32;
    (0x4E00..=0x9FFF).contains(&cp)
        || (0x3400..=0x4DBF).contains(&cp)
        || (0x20000..=0x2A6DF).contains(&cp)
        || (0x2A700..=0x2B73F).contains(&cp)
        || (0x2B740..=0x2B81F).contains(&cp)
        || (0x2B820..=0x2CEAF).contains(&cp)
        || (0xF900..=0xFAFF).contains(&cp)
        || (0x2F800..=0x2FA1F).contains(&cp)
}

#[cfg(test)]
mod tests {
    use super::*;

    const VOCAB: &str = "[PAD]\n[UNK]\n[CLS]\n[SEP]\nthe\ncafe\nu\n.\ns\n-\n'\n,\nun\n##believ\n##able\nbel\n##ie\n##ve\no\nneil\n##l\nnei\n%\n3\n5\n北\n京\n";

    fn vocab() -> WordPiece {
        WordPiece::from_vocab_text(VOCAB, Path::new("test-vocab")).expect("vocab")
    }

    fn texts(wp: &WordPiece, token: &str) -> Vec<String> {
        wp.pieces(token)
            .into_iter()
            .map(|id| wp.piece(id).unwrap_or("?").to_string())
            .collect()
    }

    #[test]
    fn specials_are_found() {
        let wp = vocab();
        assert_eq!(
            wp.special(),
            SpecialIds {
                cls: 2,
                sep: 3,
                pad: 0,
                unk: 1
            }
        );
        let err = WordPiece::from_vocab_text("a\nb\n", Path::new("v.txt")).unwrap_err();
        assert!(err.to_string().contains("v.txt"), "{err}");
        assert!(err.to_string().contains("[CLS]"), "{err}");
    }

    #[test]
    fn accents_are_stripped_and_case_lowered() {
        let wp = vocab();
        assert_eq!(texts(&wp, "Café"), ["cafe"]);
        assert_eq!(texts(&wp, "CAFÉ"), ["cafe"]);
        // A decomposed accent (e + combining acute) is the same word.
        assert_eq!(texts(&wp, "cafe\u{301}"), ["cafe"]);
        assert_eq!(texts(&wp, "THE"), ["the"]);
    }

    #[test]
    fn punctuation_is_split() {
        let wp = vocab();
        assert_eq!(texts(&wp, "U.S."), ["u", ".", "s", "."]);
        assert_eq!(texts(&wp, "O'Neill"), ["o", "'", "neil", "##l"]);
        assert_eq!(texts(&wp, "3,5%"), ["3", ",", "5", "%"]);
        // Unicode punctuation (an em dash, a curly quote) is split too: no entry → [UNK].
        assert_eq!(texts(&wp, "the—the"), ["the", "[UNK]", "the"]);
        assert_eq!(basic_words("“Hi”"), ["“", "hi", "”"]);
        // ASCII symbols that are not Unicode punctuation ($, +, ^) split as BERT does.
        assert_eq!(basic_words("a$b+c^d"), ["a", "$", "b", "+", "c", "^", "d"]);
    }

    #[test]
    fn greedy_longest_match_first() {
        let wp = vocab();
        assert_eq!(texts(&wp, "unbelievable"), ["un", "##believ", "##able"]);
        assert_eq!(texts(&wp, "believe"), ["bel", "##ie", "##ve"]);
        // One unmatched remainder makes the whole word [UNK], not a partial split.
        assert_eq!(texts(&wp, "thex"), ["[UNK]"]);
    }

    #[test]
    fn long_words_and_empty_tokens_are_unk() {
        let wp = vocab();
        let long = "u".repeat(MAX_WORD_CHARS + 1);
        assert_eq!(texts(&wp, &long), ["[UNK]"]);
        assert_eq!(texts(&wp, "\u{200b}"), ["[UNK]"]);
        assert_eq!(texts(&wp, " \t"), ["[UNK]"]);
        assert_eq!(texts(&wp, ""), ["[UNK]"]);
        // Control characters vanish without splitting the word.
        assert_eq!(texts(&wp, "th\u{7}e"), ["the"]);
    }

    #[test]
    fn cjk_ideographs_are_single_words() {
        let wp = vocab();
        assert_eq!(texts(&wp, "北京"), ["北", "京"]);
    }
}
