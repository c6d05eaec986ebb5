use crate::{error::CoreError, Span};

/// Converts between byte offsets and Unicode code point offsets of one text.
///
/// Built once per document export. Only multi-byte characters are recorded, with the
/// surplus bytes accumulated before them, so conversion is a binary search and
/// ASCII-heavy news text costs almost nothing.
#[derive(Debug, Clone)]
pub struct CodepointIndex {
    /// For each multi-byte char: (byte offset, code point offset, surplus bytes before it).
    multibyte: Vec<(usize, usize, usize)>,
    text_bytes: usize,
    text_chars: usize,
}

impl CodepointIndex {
    /// The index of `text` (one pass over it).
    pub fn new(text: &str) -> Self {
        let mut multibyte = Vec::new();
        let mut chars = 0usize;
        let mut surplus = 0usize;
        for (byte, ch) in text.char_indices() {
            let len = ch.len_utf8();
            if len > 1 {
                multibyte.push((byte, chars, surplus));
                surplus += len - 1;
            }
            chars += 1;
        }
        CodepointIndex {
            multibyte,
            text_bytes: text.len(),
            text_chars: chars,
        }
    }

    /// Number of code points in the text.
    pub fn char_len(&self) -> usize {
        self.text_chars
    }

    /// Code point offset of a byte offset that lies on a char boundary.
    pub fn byte_to_char(&self, byte: usize) -> usize {
        let after = self.multibyte.partition_point(|&(b, _, _)| b < byte);
        if after == 0 {
            return byte;
        }
        let (b, c, _) = self.multibyte[after - 1];
        // The char at `b` is multi-byte; everything between it and `byte` is ASCII or
        // accounted for by later entries (there are none before `after`).
        c + 1 + (byte - b).saturating_sub(self.char_len_at(after - 1))
    }

    fn char_len_at(&self, index: usize) -> usize {
        let (_, _, surplus) = self.multibyte[index];
        let next_surplus = match self.multibyte.get(index + 1) {
            Some(&(_, _, s)) => s,
            None => self.text_bytes - self.text_chars,
        };
        next_surplus - surplus + 1
    }

    /// Byte offset of a code point offset, or an error past the end of the text.
    pub fn char_to_byte(&self, ch: usize) -> Result<usize, CoreError> {
        if ch > self.text_chars {
            return Err(CoreError::InvalidSpan {
                start: ch,
                end: ch,
                reason: format!(
                    "code point offset past the text ({} code points)",
                    self.text_chars
                ),
            });
        }
        let after = self.multibyte.partition_point(|&(_, c, _)| c < ch);
        if after == 0 {
            return Ok(ch);
        }
        let (b, c, _) = self.multibyte[after - 1];
        Ok(b + self.char_len_at(after - 1) + (ch - c - 1))
    }

    /// A byte span as code point offsets.
    pub fn span_to_chars(&self, span: Span) -> Span {
        Span::new(self.byte_to_char(span.start), self.byte_to_char(span.end))
    }

    /// A code point span as byte offsets; an error when it is past the text.
    pub fn span_to_bytes(&self, span: Span) -> Result<Span, CoreError> {
        if span.start > span.end {
            return Err(CoreError::InvalidSpan {
                start: span.start,
                end: span.end,
                reason: "start is after end".into(),
            });
        }
        // Errors name the whole span as given, not the one offset that failed.
        let whole = |e: CoreError| match e {
            CoreError::InvalidSpan { reason, .. } => CoreError::InvalidSpan {
                start: span.start,
                end: span.end,
                reason,
            },
            other => other,
        };
        Ok(Span::new(
            self.char_to_byte(span.start).map_err(whole)?,
            self.char_to_byte(span.end).map_err(whole)?,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn converts_curly_quotes_both_ways() {
        let text = "Bessent said “no” — twice.";
        let index = CodepointIndex::new(text);
        let byte_start = text.find("no").unwrap();
        let chars = index.byte_to_char(byte_start);
        assert_eq!(chars, text[..byte_start].chars().count());
        assert_eq!(chars, 14);
        assert_eq!(index.char_to_byte(chars).unwrap(), byte_start);
        assert_eq!(index.byte_to_char(text.len()), text.chars().count());
        assert!(index.char_to_byte(text.chars().count() + 1).is_err());
    }

    #[test]
    fn a_span_past_the_text_is_reported_whole() {
        let index = CodepointIndex::new("Bessent said “no”.");
        let err = index.span_to_bytes(Span::new(6, 7078)).unwrap_err();
        assert!(err.to_string().contains("6..7078"), "{err}");
    }

    proptest! {
        #[test]
        fn agrees_with_char_indices(text in "\\PC{0,40}") {
            let index = CodepointIndex::new(&text);
            let mut boundaries: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
            boundaries.push(text.len());
            for (char_pos, &byte) in boundaries.iter().enumerate() {
                prop_assert_eq!(index.byte_to_char(byte), char_pos);
                prop_assert_eq!(index.char_to_byte(char_pos).unwrap(), byte);
            }
        }
    }
}
