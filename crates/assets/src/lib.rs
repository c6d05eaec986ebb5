//! The default models and lexicons, compiled into the binary, and the one resolver for the
//! data directory that `run`, `annotate`, `train`, `eval` and the Python package share.
//!
//! With the default `embed` feature every file under the project's `data/models/` is
//! compressed with zstd at build time and decompressed when a loader asks for it (once per
//! pipeline build, never per document). Loaders call [`read`] / [`read_to_string`] instead
//! of `std::fs`: a file that exists on disk always wins, so `--data-dir` or
//! `STANCEGRAPH_DATA` override any single file; a file missing there comes from the
//! embedded copy.
#![deny(missing_docs)]

use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

/// The data directory that names the embedded files (`<embedded>/models/text/pos.bin`).
pub const EMBEDDED_ROOT: &str = "<embedded>";

/// Environment variable naming a data directory (overridden by `--data-dir`).
pub const DATA_ENV: &str = "STANCEGRAPH_DATA";

/// A data file that could not be read.
#[derive(Debug, thiserror::Error)]
pub enum AssetError {
    /// Neither on disk nor embedded.
    #[error("{path}: {source}")]
    Io {
        /// The path asked for.
        path: PathBuf,
        /// What the file system said.
        source: std::io::Error,
    },
    /// The embedded copy did not decompress (a corrupt build).
    #[error("{path}: embedded copy is corrupt: {message}")]
    Corrupt {
        /// The embedded path.
        path: String,
        /// The decoder's message.
        message: String,
    },
}

impl From<AssetError> for std::io::Error {
    fn from(error: AssetError) -> Self {
        match error {
            AssetError::Io { source, .. } => source,
            corrupt @ AssetError::Corrupt { .. } => {
                std::io::Error::new(std::io::ErrorKind::InvalidData, corrupt.to_string())
            }
        }
    }
}

/// Where a data file comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// A file on disk.
    Disk,
    /// The copy compiled into the binary.
    Embedded,
}

/// Data directories chosen by the user (`--data-dir`, `STANCEGRAPH_DATA`): a file missing
/// under one of them falls back to the embedded copy of the same relative path.
fn overlay_roots() -> &'static Mutex<Vec<PathBuf>> {
    static ROOTS: OnceLock<Mutex<Vec<PathBuf>>> = OnceLock::new();
    ROOTS.get_or_init(|| Mutex::new(Vec::new()))
}

/// The data directory: `explicit` (`--data-dir`), else `$STANCEGRAPH_DATA`, else the
/// embedded files ([`EMBEDDED_ROOT`]) when they are compiled in, else the project's
/// `data/` when the binary runs where it was built, else `./data`.
pub fn data_dir(explicit: Option<&Path>) -> PathBuf {
    let chosen = explicit
        .map(Path::to_path_buf)
        .or_else(|| std::env::var_os(DATA_ENV).map(PathBuf::from));
    if let Some(dir) = chosen {
        register_overlay(&dir);
        return dir;
    }
    if has_embedded() {
        return PathBuf::from(EMBEDDED_ROOT);
    }
    let built = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data");
    if built.join("models").is_dir() {
        built
    } else {
        PathBuf::from("data")
    }
}

/// A directory that is never compiled in (the sentiment and stance encoders): `dir` itself
/// when it exists; for a path under [`EMBEDDED_ROOT`], the same relative path under the
/// project's `data/` when the binary runs where it was built, else under `./data`; else
/// `dir` unchanged, so that the caller's error names the path it tried.
pub fn disk_dir(dir: &Path) -> PathBuf {
    if dir.is_dir() {
        return dir.to_path_buf();
    }
    let Ok(relative) = dir.strip_prefix(EMBEDDED_ROOT) else {
        return dir.to_path_buf();
    };
    let built = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data");
    [built, PathBuf::from("data")]
        .into_iter()
        .map(|root| root.join(relative))
        .find(|candidate| candidate.is_dir())
        .unwrap_or_else(|| dir.to_path_buf())
}

/// Lets files missing under `dir` fall back to the embedded copies (done by [`data_dir`]
/// for the directory it returns).
pub fn register_overlay(dir: &Path) {
    if let Ok(mut roots) = overlay_roots().lock() {
        if !roots.iter().any(|root| root == dir) {
            roots.push(dir.to_path_buf());
        }
    }
}

/// Whether the models were compiled in (the `embed` feature).
pub fn has_embedded() -> bool {
    !embedded::FILES.is_empty()
}

/// Paths (relative to the data directory) and sizes of the embedded files.
pub fn embedded_files() -> impl Iterator<Item = (&'static str, usize)> {
    embedded::FILES.iter().map(|(path, size, _)| (*path, *size))
}

/// The path of `path` relative to the embedded root: `<embedded>/x` gives `x`, and so does
/// `D/x` for a user data directory D (see [`register_overlay`]).
fn embedded_key(path: &Path) -> Option<String> {
    let relative = match path.strip_prefix(EMBEDDED_ROOT) {
        Ok(rest) => rest.to_path_buf(),
        Err(_) => {
            let roots = overlay_roots().lock().ok()?;
            roots
                .iter()
                .find_map(|root| path.strip_prefix(root).ok())?
                .to_path_buf()
        }
    };
    Some(
        relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
    )
}

/// The embedded file `path` names, if any.
fn embedded_entry(path: &Path) -> Option<&'static (&'static str, usize, &'static [u8])> {
    let key = embedded_key(path)?;
    embedded::FILES.iter().find(|(name, _, _)| *name == key)
}

/// Where `path` (a file or a directory) would be read from, or `None` if it exists nowhere.
pub fn origin(path: &Path) -> Option<Origin> {
    if path.exists() {
        return Some(Origin::Disk);
    }
    let key = embedded_key(path)?;
    let is_dir_prefix = |name: &str| {
        key.is_empty()
            || name
                .strip_prefix(key.as_str())
                .is_some_and(|rest| rest.starts_with('/'))
    };
    embedded::FILES
        .iter()
        .any(|(name, _, _)| *name == key || is_dir_prefix(name))
        .then_some(Origin::Embedded)
}

/// Whether `path` exists on disk or embedded (a file, or a directory holding embedded files).
pub fn exists(path: &Path) -> bool {
    origin(path).is_some()
}

/// The bytes of a data file: from disk when it exists there, else the embedded copy.
pub fn read(path: &Path) -> Result<Vec<u8>, AssetError> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(bytes),
        Err(source) if source.kind() == std::io::ErrorKind::NotFound => {
            match embedded_entry(path) {
                Some(entry) => decompress(entry),
                None => Err(AssetError::Io {
                    path: path.to_path_buf(),
                    source,
                }),
            }
        }
        Err(source) => Err(AssetError::Io {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// A data file as UTF-8 text (see [`read`]).
pub fn read_to_string(path: &Path) -> Result<String, AssetError> {
    let bytes = read(path)?;
    String::from_utf8(bytes).map_err(|e| AssetError::Io {
        path: path.to_path_buf(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidData, e),
    })
}

#[cfg(feature = "embed")]
fn decompress(entry: &(&str, usize, &[u8])) -> Result<Vec<u8>, AssetError> {
    let (name, size, packed) = *entry;
    zstd::bulk::decompress(packed, size).map_err(|e| AssetError::Corrupt {
        path: name.to_string(),
        message: e.to_string(),
    })
}

#[cfg(not(feature = "embed"))]
fn decompress(entry: &(&str, usize, &[u8])) -> Result<Vec<u8>, AssetError> {
    Err(AssetError::Corrupt {
        path: entry.0.to_string(),
        message: "built without the embed feature".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project_data() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data")
    }

    #[test]
    fn embedded_copies_equal_the_files_on_disk() {
        if !has_embedded() {
            return;
        }
        for (name, size) in embedded_files() {
            let embedded = read(&Path::new(EMBEDDED_ROOT).join(name)).expect("embedded");
            assert_eq!(embedded.len(), size, "{name}");
            let on_disk = std::fs::read(project_data().join(name)).expect("on disk");
            assert!(embedded == on_disk, "{name} differs from data/{name}");
        }
        assert!(embedded_files().any(|(n, _)| n == "models/text/parser.bin"));
        assert!(!embedded_files().any(|(n, _)| n.ends_with("README.md")));
    }

    #[test]
    fn a_directory_never_embedded_is_found_in_the_project_data() {
        let unembedded = Path::new(EMBEDDED_ROOT).join("sentiment-encoder");
        assert_eq!(
            disk_dir(&unembedded),
            project_data().join("sentiment-encoder"),
            "the project's data/ serves what the binary does not carry"
        );
        let missing = Path::new(EMBEDDED_ROOT).join("no-such-model");
        assert_eq!(
            disk_dir(&missing),
            missing,
            "a missing directory keeps its name"
        );
        let user = tempfile::tempdir().expect("temp dir");
        assert_eq!(disk_dir(user.path()), user.path());
    }

    #[test]
    fn a_user_directory_overrides_single_files() {
        if !has_embedded() {
            return;
        }
        let dir = tempfile::tempdir().expect("temp dir");
        let lexicon = dir.path().join("models/relations/news_lexicon.tsv");
        std::fs::create_dir_all(lexicon.parent().expect("parent")).expect("mkdir");
        std::fs::write(&lexicon, "override\t1.0\n").expect("write");
        // Not registered yet: a missing file is just missing.
        let stance = dir.path().join("models/relations/stance_model.json");
        assert!(matches!(read(&stance), Err(AssetError::Io { .. })));
        assert_eq!(data_dir(Some(dir.path())), dir.path());
        assert_eq!(read_to_string(&lexicon).expect("disk"), "override\t1.0\n");
        assert_eq!(origin(&lexicon), Some(Origin::Disk));
        assert_eq!(origin(&stance), Some(Origin::Embedded));
        assert!(read_to_string(&stance).expect("embedded").contains("pair"));
        let missing = dir.path().join("models/relations/none.tsv");
        let error = read(&missing).expect_err("neither on disk nor embedded");
        assert!(error.to_string().contains("none.tsv"), "{error}");
    }

    #[test]
    fn the_embedded_root_names_only_embedded_files() {
        let root = Path::new(EMBEDDED_ROOT);
        assert!(read(&root.join("models/text/nothing.bin")).is_err());
        assert!(!exists(&root.join("samples/000_668776db8feb23be.txt")));
        if has_embedded() {
            assert!(exists(&root.join("models/quotes/cues.json")));
            assert!(exists(&root.join("models/relations")));
            assert!(!exists(&root.join("models/rel")));
        }
    }
}
