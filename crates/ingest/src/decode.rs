//! Bytes to clean text: gzip, encodings (UTF-8, BOM, Windows-1252 fallback), binary
//! rejection, and whitespace normalisation that keeps a [`SourceMap`] to the raw bytes.

use std::io::Read;

use stancegraph_core::SourceMap;

/// Why bytes could not become text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// Control bytes (NUL and the like) were found; holds how many in the first 4 KiB.
    #[error("binary data, not text ({0} control bytes in the first 4 KiB)")]
    Binary(usize),
    /// The input is empty or only whitespace.
    #[error("empty document")]
    Empty,
    /// The gzip stream is truncated or corrupt; holds the decoder's message.
    #[error("gzip: {0}")]
    Gzip(String),
    /// Decompression stops one byte past the limit, so the real size is unknown.
    #[error("gzip: decompresses to more than {limit} bytes, over the limit of source.max_bytes (a gzip bomb?)")]
    Inflated {
        /// The `source.max_bytes` limit that was exceeded, in bytes.
        limit: u64,
    },
}

/// True when `raw` starts with the gzip magic number.
pub fn is_gzip(raw: &[u8]) -> bool {
    raw.starts_with(&[0x1f, 0x8b])
}

/// Decompresses (multi-member) gzip, failing on truncated or corrupt data and on output
/// larger than `limit` bytes.
pub fn gunzip(raw: &[u8], limit: u64) -> Result<Vec<u8>, DecodeError> {
    let mut out = Vec::new();
    let decoder = flate2::read::MultiGzDecoder::new(raw);
    decoder
        .take(limit.saturating_add(1))
        .read_to_end(&mut out)
        .map_err(|e| {
            DecodeError::Gzip(if e.kind() == std::io::ErrorKind::UnexpectedEof {
                "truncated input".into()
            } else {
                e.to_string()
            })
        })?;
    if out.len() as u64 > limit {
        return Err(DecodeError::Inflated { limit });
    }
    Ok(out)
}

/// Decoded text, with each char's byte offset in the raw input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The decoded text, without the BOM; not yet normalised.
    pub text: String,
    /// `Some(name)` when the input was not UTF-8 and was transcoded.
    pub transcoded_from: Option<&'static str>,
    /// Bytes of BOM skipped at the start of the raw input.
    pub bom_len: usize,
}

impl Decoded {
    /// Each char with its byte offset in the raw input.
    pub fn chars_with_raw_offsets(&self) -> Box<dyn Iterator<Item = (char, usize)> + '_> {
        let bom = self.bom_len;
        match self.transcoded_from {
            // Single-byte encodings: one raw byte per char.
            Some(_) => Box::new(
                self.text
                    .chars()
                    .enumerate()
                    .map(move |(i, c)| (c, bom + i)),
            ),
            None => Box::new(self.text.char_indices().map(move |(i, c)| (c, bom + i))),
        }
    }
}

/// Decodes text: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252 (a
/// superset of Latin-1 for printable text). Binary data (NUL and other control bytes) is
/// rejected. `declared` is a charset label from HTTP headers or `<meta charset>`.
pub fn decode_text(raw: &[u8], declared: Option<&str>) -> Result<Decoded, DecodeError> {
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Err(DecodeError::Empty);
    }
    if let Some((encoding, bom_len)) = encoding_rs::Encoding::for_bom(raw) {
        let (text, _) = encoding.decode_without_bom_handling(raw.get(bom_len..).unwrap_or(&[]));
        let transcoded_from = (encoding != encoding_rs::UTF_8).then_some(encoding.name());
        if transcoded_from.is_some() && encoding != encoding_rs::UTF_8 {
            // UTF-16: raw offsets are not one byte per char; no exact map.
            return Ok(Decoded {
                text: text.into_owned(),
                transcoded_from,
                bom_len,
            });
        }
        return check_binary(Decoded {
            text: text.into_owned(),
            transcoded_from: None,
            bom_len,
        });
    }
    let control = raw
        .iter()
        .take(4096)
        .filter(|&&b| b < 0x09 || (0x0e..0x20).contains(&b) && b != 0x1b)
        .count();
    if control > 0 {
        return Err(DecodeError::Binary(control));
    }
    if let Ok(text) = std::str::from_utf8(raw) {
        return Ok(Decoded {
            text: text.to_string(),
            transcoded_from: None,
            bom_len: 0,
        });
    }
    let encoding = declared
        .and_then(|label| encoding_rs::Encoding::for_label(label.trim().as_bytes()))
        .filter(|e| e.is_single_byte())
        .unwrap_or(encoding_rs::WINDOWS_1252);
    let (text, _, _) = encoding.decode(raw);
    Ok(Decoded {
        text: text.into_owned(),
        transcoded_from: Some(encoding.name()),
        bom_len: 0,
    })
}

fn check_binary(decoded: Decoded) -> Result<Decoded, DecodeError> {
    let control = decoded
        .text
        .chars()
        .take(4096)
        .filter(|&c| (c as u32) < 0x09 || ((0x0e..0x20).contains(&(c as u32)) && c != '\u{1b}'))
        .count();
    if control > 0 {
        Err(DecodeError::Binary(control))
    } else {
        Ok(decoded)
    }
}

/// Normalised text plus the map from its byte offsets to raw byte offsets.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Normalised {
    /// The normalised text.
    pub text: String,
    /// Anchors from byte offsets in `text` to byte offsets in the raw input.
    pub source_map: SourceMap,
}

/// Builds text while recording where its bytes came from in the raw input.
#[derive(Debug, Default)]
pub struct MappedText {
    text: String,
    anchors: Vec<(usize, usize)>,
    /// `raw - text` of the last anchor.
    delta: Option<isize>,
}

impl MappedText {
    /// Empty text with no anchors.
    pub fn new() -> Self {
        Self::default()
    }

    /// The text built so far (to look at its last characters before appending).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Appends `c`, which came from raw byte `raw`.
    pub fn push(&mut self, c: char, raw: usize) {
        let delta = raw as isize - self.text.len() as isize;
        if self.delta != Some(delta) {
            self.anchors.push((self.text.len(), raw));
            self.delta = Some(delta);
        }
        self.text.push(c);
    }

    /// Appends a whole string whose first byte came from raw byte `raw` and whose bytes
    /// follow contiguously (or, if not, at least start there).
    pub fn push_str_at(&mut self, s: &str, raw: Option<usize>) {
        if let Some(raw) = raw {
            let delta = raw as isize - self.text.len() as isize;
            if self.delta != Some(delta) {
                self.anchors.push((self.text.len(), raw));
                self.delta = Some(delta);
            }
        }
        self.text.push_str(s);
    }

    /// Appends a separator that has no counterpart in the raw input.
    pub fn push_synthetic(&mut self, s: &str) {
        self.text.push_str(s);
    }

    /// The text and its source map, with an anchor wherever the raw offset jumped.
    pub fn finish(self) -> Normalised {
        Normalised {
            text: self.text,
            source_map: SourceMap {
                anchors: self.anchors,
            },
        }
    }
}

/// Normalises plain text: CR LF and CR to LF, Unicode spaces (no-break, thin, ...) to a
/// space, zero-width characters and other format controls dropped, trailing spaces of
/// lines and blank-line runs collapsed, leading/trailing blank lines removed. Quotes and
/// dashes are kept as written.
pub fn normalise(chars: impl Iterator<Item = (char, usize)>) -> Normalised {
    let mut out = MappedText::new();
    let mut pending_spaces: Vec<usize> = Vec::new();
    let mut pending_newlines: Vec<usize> = Vec::new();
    let mut previous_cr = false;
    for (c, raw) in chars {
        let was_cr = previous_cr;
        previous_cr = c == '\r';
        match c {
            '\n' if was_cr => {}
            '\r' | '\n' | '\u{2028}' | '\u{2029}' => {
                pending_spaces.clear();
                pending_newlines.push(raw);
            }
            '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{ad}' => {}
            c if c == '\t' || c == ' ' || (c.is_whitespace() && c != '\n') => {
                pending_spaces.push(raw)
            }
            c if c.is_control() => {}
            c => {
                if !out.text().is_empty() {
                    match pending_newlines.len() {
                        0 => {}
                        1 => out.push('\n', pending_newlines[0]),
                        _ => {
                            out.push('\n', pending_newlines[0]);
                            out.push('\n', pending_newlines[1]);
                        }
                    }
                    if let Some(&first) = pending_spaces.first() {
                        if pending_newlines.is_empty() {
                            out.push(' ', first);
                        }
                    }
                }
                pending_newlines.clear();
                pending_spaces.clear();
                out.push(c, raw);
            }
        }
    }
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn normalised(raw: &[u8]) -> Normalised {
        let decoded = decode_text(raw, None).unwrap();
        normalise(decoded.chars_with_raw_offsets())
    }

    #[test]
    fn normalisation_maps_back_to_raw_bytes() {
        let raw = "\u{feff}  Bessent said\u{a0}“no”.\r\n\r\n\r\nTrump — too.  \n".as_bytes();
        let n = normalised(raw);
        assert_eq!(n.text, "Bessent said “no”.\n\nTrump — too.");
        for word in ["Bessent", "said", "“no”", "Trump", "too"] {
            let start = n.text.find(word).unwrap();
            let raw_start = n.source_map.to_raw(start);
            assert_eq!(
                &raw[raw_start..raw_start + word.len()],
                word.as_bytes(),
                "{word}"
            );
        }
    }

    #[test]
    fn latin1_falls_back_and_maps_one_byte_per_char() {
        let raw = b"Caf\xe9 owner Jos\xe9 said so.";
        let decoded = decode_text(raw, None).unwrap();
        assert_eq!(decoded.transcoded_from, Some("windows-1252"));
        let n = normalise(decoded.chars_with_raw_offsets());
        assert_eq!(n.text, "Café owner José said so.");
        let start = n.text.find("said").unwrap();
        assert_eq!(&raw[n.source_map.to_raw(start)..][..4], b"said");
    }

    #[test]
    fn binary_empty_and_truncated_gzip_are_rejected() {
        assert!(matches!(
            decode_text(b"\x00\x01\x02PNG", None),
            Err(DecodeError::Binary(_))
        ));
        assert_eq!(decode_text(b"  \n ", None), Err(DecodeError::Empty));
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(
            &mut encoder,
            "some text that is long enough ".repeat(50).as_bytes(),
        )
        .unwrap();
        let gz = encoder.finish().unwrap();
        assert!(gunzip(&gz, 1 << 20).is_ok());
        assert!(matches!(
            gunzip(&gz[..gz.len() / 2], 1 << 20),
            Err(DecodeError::Gzip(_))
        ));
        assert!(matches!(
            gunzip(&gz, 100),
            Err(DecodeError::Inflated { limit: 100 })
        ));
    }
}
