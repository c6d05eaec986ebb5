//! Opening inputs safely: only regular files are read (a device such as `/dev/zero` never
//! ends, a FIFO without a writer blocks forever), and never more than the size limit
//! plus one byte, whatever the file system claims.

use std::fs::File;
use std::io::Read;
use std::path::Path;

/// Why an input path was not opened.
#[derive(Debug)]
pub(crate) enum OpenError {
    /// A device, FIFO or socket; the kind in words.
    NotRegular(&'static str),
    Io(std::io::Error),
}

/// The kind of a non-regular file in words, or `None` for a regular file.
pub(crate) fn irregular_kind(file_type: std::fs::FileType) -> Option<&'static str> {
    if file_type.is_file() {
        return None;
    }
    if file_type.is_dir() {
        return Some("directory");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_char_device() {
            return Some("character device");
        }
        if file_type.is_block_device() {
            return Some("block device");
        }
        if file_type.is_fifo() {
            return Some("FIFO");
        }
        if file_type.is_socket() {
            return Some("socket");
        }
    }
    Some("special file")
}

/// The reason written to `skipped.jsonl` for a non-regular input.
pub(crate) fn not_regular_reason(kind: &str) -> String {
    format!("not a regular file ({kind}); devices, FIFOs and sockets are never read")
}

/// Opens `path` if it is a regular file. The type is checked before opening (opening a
/// FIFO blocks until a writer comes) and again on the open handle, in case the path was
/// replaced in between. Returns the file and its size.
pub(crate) fn open_regular(path: &Path) -> Result<(File, u64), OpenError> {
    let before = std::fs::metadata(path).map_err(OpenError::Io)?;
    if let Some(kind) = irregular_kind(before.file_type()) {
        return Err(OpenError::NotRegular(kind));
    }
    let file = File::open(path).map_err(OpenError::Io)?;
    let meta = file.metadata().map_err(OpenError::Io)?;
    if let Some(kind) = irregular_kind(meta.file_type()) {
        return Err(OpenError::NotRegular(kind));
    }
    Ok((file, meta.len()))
}

/// Reads at most `limit + 1` bytes: a result longer than `limit` means the input is over
/// the limit, however long it really is.
pub(crate) fn read_bounded(file: impl Read, limit: u64) -> std::io::Result<Vec<u8>> {
    let mut raw = Vec::new();
    file.take(limit.saturating_add(1)).read_to_end(&mut raw)?;
    Ok(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_reads_stop_one_byte_past_the_limit() {
        let endless = std::io::repeat(b'a');
        assert_eq!(read_bounded(endless, 10).unwrap().len(), 11);
        assert_eq!(read_bounded(&b"abc"[..], 10).unwrap(), b"abc");
    }

    #[cfg(unix)]
    #[test]
    fn devices_are_not_regular_files() {
        match open_regular(Path::new("/dev/null")) {
            Err(OpenError::NotRegular(kind)) => assert_eq!(kind, "character device"),
            other => panic!("{other:?}"),
        }
    }
}
