//! The model file format: a versioned [`Header`], then little-endian values written by
//! [`Writer`] and read back by [`Reader`], which reports truncation and bad values as a
//! [`FormatError`] instead of panicking. [`save_model`] and [`load_model`] add the file
//! (written atomically; read from disk or from the binary's embedded assets).

use std::path::{Path, PathBuf};

use crate::{FormatError, LinearError};

/// First bytes of every model file.
const MAGIC: &[u8; 4] = b"SGLM";

/// What a model file holds and in which version of its layout: `SGLM`, a four-byte tag
/// (e.g. `POS `), then the version as a little-endian `u16` (ten bytes in all).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// Human name of the model kind, for errors (e.g. "POS tagger").
    pub kind: &'static str,
    /// The tag stored in the file.
    pub tag: [u8; 4],
    /// The layout version this build writes and reads.
    pub version: u16,
}

impl Header {
    /// Length of the header in bytes.
    pub const LEN: usize = 10;

    /// A header for model kind `kind`, stored as `tag`, layout `version`.
    pub const fn new(kind: &'static str, tag: [u8; 4], version: u16) -> Header {
        Header { kind, tag, version }
    }

    /// Writes the header.
    pub fn write(&self, out: &mut Writer) {
        out.raw(MAGIC);
        out.raw(&self.tag);
        out.u16(self.version);
    }

    /// Reads a header and checks that it is this one.
    pub fn check(&self, input: &mut Reader) -> Result<(), FormatError> {
        let magic = input.raw(8, "the model header");
        let matches = magic
            .as_ref()
            .is_ok_and(|m| m[..4] == *MAGIC && m[4..] == self.tag);
        if !matches {
            let head = &input.bytes[..input.bytes.len().min(8)];
            return Err(FormatError::Magic {
                expected: self.kind,
                found: String::from_utf8_lossy(head).into_owned(),
            });
        }
        let found = input.u16()?;
        if found != self.version {
            return Err(FormatError::Version {
                found,
                supported: self.version,
            });
        }
        Ok(())
    }
}

/// Decodes a whole model from memory: checks the header, runs `decode`, and checks that
/// nothing is left over.
pub fn decode_model<T>(
    bytes: &[u8],
    header: &Header,
    decode: impl FnOnce(&mut Reader) -> Result<T, FormatError>,
) -> Result<T, FormatError> {
    let mut input = Reader::new(bytes);
    header.check(&mut input)?;
    let model = decode(&mut input)?;
    if input.remaining() != 0 {
        return Err(input.invalid(format!(
            "{} bytes after the end of the model",
            input.remaining()
        )));
    }
    Ok(model)
}

/// Reads the model file at `path` (from disk, else from the binary's embedded models)
/// and decodes it with [`decode_model`].
pub fn load_model<T>(
    path: &Path,
    header: &Header,
    decode: impl FnOnce(&mut Reader) -> Result<T, FormatError>,
) -> Result<T, LinearError> {
    let bytes = stancegraph_assets::read(path).map_err(|e| LinearError::Io {
        kind: header.kind,
        path: path.to_path_buf(),
        source: e.into(),
    })?;
    decode_model(&bytes, header, decode).map_err(|problem| LinearError::Format {
        kind: header.kind,
        path: path.to_path_buf(),
        problem,
    })
}

/// The bytes of a model file: the header, then what `encode` writes.
pub fn encode_model(header: &Header, encode: impl FnOnce(&mut Writer)) -> Vec<u8> {
    let mut out = Writer::default();
    header.write(&mut out);
    encode(&mut out);
    out.into_bytes()
}

/// Writes a model file ([`encode_model`]). Creates parent directories; writes a
/// temporary file first and renames it, so a reader never sees half a model.
pub fn save_model(
    path: &Path,
    header: &Header,
    encode: impl FnOnce(&mut Writer),
) -> Result<(), LinearError> {
    let bytes = encode_model(header, encode);
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| LinearError::Io {
            kind: header.kind,
            path,
            source,
        }
    };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(io(parent))?;
    }
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, bytes).map_err(io(&tmp))?;
    std::fs::rename(&tmp, path).map_err(io(path))
}

/// Little-endian binary writer.
#[derive(Default)]
pub struct Writer {
    bytes: Vec<u8>,
}

impl Writer {
    /// The bytes written so far.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }
    /// The bytes written.
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }
    /// Appends bytes as they are.
    pub fn raw(&mut self, bytes: &[u8]) {
        self.bytes.extend_from_slice(bytes);
    }
    /// Appends a byte.
    pub fn u8(&mut self, v: u8) {
        self.bytes.push(v);
    }
    /// Appends a `u16`.
    pub fn u16(&mut self, v: u16) {
        self.raw(&v.to_le_bytes());
    }
    /// Appends an `i16`.
    pub fn i16(&mut self, v: i16) {
        self.raw(&v.to_le_bytes());
    }
    /// Appends a `u32`.
    pub fn u32(&mut self, v: u32) {
        self.raw(&v.to_le_bytes());
    }
    /// Appends a `u64`.
    pub fn u64(&mut self, v: u64) {
        self.raw(&v.to_le_bytes());
    }
    /// Appends an `f32`.
    pub fn f32(&mut self, v: f32) {
        self.raw(&v.to_le_bytes());
    }
    /// Appends a string with a `u32` length.
    pub fn str(&mut self, s: &str) {
        self.u32(s.len() as u32);
        self.raw(s.as_bytes());
    }
    /// Appends a string of at most 255 bytes with a `u8` length (longer ones are cut).
    pub fn short_str(&mut self, s: &str) {
        let bytes = &s.as_bytes()[..s.len().min(255)];
        self.u8(bytes.len() as u8);
        self.raw(bytes);
    }
    /// Appends a `u32` count, then each string.
    pub fn strings(&mut self, items: &[String]) {
        self.u32(items.len() as u32);
        for s in items {
            self.str(s);
        }
    }
}

/// Little-endian binary reader that reports truncation instead of panicking.
pub struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    /// Reads `bytes` from the start.
    pub fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes, pos: 0 }
    }

    /// Bytes not read yet.
    pub fn remaining(&self) -> usize {
        self.bytes.len().saturating_sub(self.pos)
    }

    /// Position of the next byte.
    pub fn offset(&self) -> usize {
        self.pos
    }

    /// An [`FormatError::Invalid`] at the current position.
    pub fn invalid(&self, message: impl Into<String>) -> FormatError {
        FormatError::Invalid {
            offset: self.pos,
            message: message.into(),
        }
    }

    /// The next `n` bytes; `expected` names them in the error.
    pub fn raw(&mut self, n: usize, expected: &'static str) -> Result<&'a [u8], FormatError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.bytes.len())
            .ok_or(FormatError::Truncated {
                offset: self.pos,
                expected,
                len: self.bytes.len(),
            })?;
        let slice = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(slice)
    }

    fn array<const N: usize>(&mut self, expected: &'static str) -> Result<[u8; N], FormatError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.raw(N, expected)?);
        Ok(out)
    }
    /// Reads a byte.
    pub fn u8(&mut self) -> Result<u8, FormatError> {
        Ok(self.array::<1>("a byte")?[0])
    }
    /// Reads a `u16`.
    pub fn u16(&mut self) -> Result<u16, FormatError> {
        Ok(u16::from_le_bytes(self.array("a u16")?))
    }
    /// Reads an `i16`.
    pub fn i16(&mut self) -> Result<i16, FormatError> {
        Ok(i16::from_le_bytes(self.array("an i16")?))
    }
    /// Reads a `u32`.
    pub fn u32(&mut self) -> Result<u32, FormatError> {
        Ok(u32::from_le_bytes(self.array("a u32")?))
    }
    /// Reads a `u64`.
    pub fn u64(&mut self) -> Result<u64, FormatError> {
        Ok(u64::from_le_bytes(self.array("a u64")?))
    }
    /// Reads an `f32`.
    pub fn f32(&mut self) -> Result<f32, FormatError> {
        Ok(f32::from_le_bytes(self.array("an f32")?))
    }
    /// Reads a count of items that take at least `min_bytes` each, rejecting one that
    /// could not fit in the rest of the file (so a corrupt count cannot allocate).
    pub fn count(&mut self, count: u64, min_bytes: usize) -> Result<usize, FormatError> {
        let fits = usize::try_from(count)
            .ok()
            .filter(|&n| n.saturating_mul(min_bytes.max(1)) <= self.remaining());
        fits.ok_or_else(|| self.invalid(format!("count {count} runs past the end of the file")))
    }
    fn utf8(&self, bytes: &[u8]) -> Result<String, FormatError> {
        String::from_utf8(bytes.to_vec()).map_err(|e| self.invalid(format!("a string: {e}")))
    }
    /// Reads a string written by [`Writer::str`].
    pub fn str(&mut self) -> Result<String, FormatError> {
        let len = self.u32()? as usize;
        let bytes = self.raw(len, "string bytes")?;
        self.utf8(bytes)
    }
    /// Reads a string written by [`Writer::short_str`].
    pub fn short_str(&mut self) -> Result<String, FormatError> {
        let len = usize::from(self.u8()?);
        let bytes = self.raw(len, "string bytes")?;
        self.utf8(bytes)
    }
    /// Reads strings written by [`Writer::strings`].
    pub fn strings(&mut self) -> Result<Vec<String>, FormatError> {
        let n = self.u32()?;
        let n = self.count(u64::from(n), 4)?;
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            out.push(self.str()?);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEST: Header = Header::new("test", *b"TEST", 2);

    #[test]
    fn values_round_trip() {
        let mut out = Writer::default();
        TEST.write(&mut out);
        out.u8(7);
        out.u16(65_000);
        out.i16(-3);
        out.u32(1 << 30);
        out.u64(u64::MAX - 1);
        out.f32(0.25);
        out.str("héllo");
        out.short_str(&"x".repeat(300));
        out.strings(&["a".into(), "bc".into()]);
        let bytes = out.into_bytes();
        assert_eq!(&bytes[..10], b"SGLMTEST\x02\x00");
        let decoded = decode_model(&bytes, &TEST, |r| {
            Ok((
                r.u8()?,
                r.u16()?,
                r.i16()?,
                r.u32()?,
                r.u64()?,
                r.f32()?,
                r.str()?,
                r.short_str()?.len(),
                r.strings()?,
            ))
        })
        .unwrap();
        assert_eq!(
            decoded,
            (
                7,
                65_000,
                -3,
                1 << 30,
                u64::MAX - 1,
                0.25,
                "héllo".to_string(),
                255,
                vec!["a".to_string(), "bc".to_string()]
            )
        );
    }

    #[test]
    fn errors_say_what_was_expected_and_where() {
        let mut out = Writer::default();
        TEST.write(&mut out);
        out.u16(1);
        let bytes = out.into_bytes();
        let truncated = decode_model(&bytes, &TEST, |r| r.u32()).unwrap_err();
        assert_eq!(
            truncated,
            FormatError::Truncated {
                offset: 10,
                expected: "a u32",
                len: 12
            }
        );
        let leftover = decode_model(&bytes, &TEST, |r| r.u8()).unwrap_err();
        assert!(matches!(leftover, FormatError::Invalid { offset: 11, .. }));
        let other = Header::new("other", *b"OTHR", 2);
        assert!(matches!(
            decode_model(&bytes, &other, |r| r.u16()),
            Err(FormatError::Magic {
                expected: "other",
                ..
            })
        ));
        let newer = Header::new("test", *b"TEST", 3);
        assert_eq!(
            decode_model(&bytes, &newer, |r| r.u16()),
            Err(FormatError::Version {
                found: 2,
                supported: 3
            })
        );
        assert!(matches!(
            decode_model(b"SG", &TEST, |r| r.u8()),
            Err(FormatError::Magic { .. })
        ));
        let mut r = Reader::new(&[0, 0, 0]);
        assert!(r.count(4, 1).is_err());
        assert_eq!(r.count(3, 1), Ok(3));
    }

    #[test]
    fn files_round_trip_and_name_the_path_in_errors() {
        let dir = std::env::temp_dir().join(format!("stancegraph-linear-{}", std::process::id()));
        let path = dir.join("sub/model.bin");
        save_model(&path, &TEST, |w| w.u32(99)).unwrap();
        assert_eq!(load_model(&path, &TEST, |r| r.u32()).unwrap(), 99);
        let err = load_model(&path, &TEST, |r| r.u64()).unwrap_err();
        let message = err.to_string();
        assert!(
            message.contains("model.bin") && message.contains("u64"),
            "{message}"
        );
        assert!(!err.detail().contains("model.bin"));
        let missing = load_model(&dir.join("absent.bin"), &TEST, |r| r.u8()).unwrap_err();
        assert!(matches!(missing, LinearError::Io { kind: "test", .. }));
        let _ = std::fs::remove_dir_all(dir);
    }
}
