//! Atomic output files: everything is written to temporary files in the output
//! directory and renamed into place only when the run completes. An interrupted or failed
//! run leaves no half-written file behind.
//!
//! The output directory is locked for the whole run (`.stancegraph.lock`, an OS file lock
//! that dies with its process, so a killed run never blocks the next one), and temporary
//! files that earlier killed runs left behind are removed at start. Files are created with
//! the permissions the umask allows (0644 under the usual 022), like any other program's.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Read, Seek, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use crate::RunnerError;

/// Name of the lock file in the output directory.
pub const LOCK_FILE: &str = ".stancegraph.lock";
/// Prefix of the temporary files written during a run.
const TEMP_PREFIX: &str = ".stancegraph-";
/// How deep below the output directory stale temporary files are looked for (exports
/// may write into sub-folders).
const STALE_SEARCH_DEPTH: usize = 4;
/// Most directory entries looked at when searching for stale temporary files, so an
/// output directory inside a huge tree costs a bounded time.
const STALE_SEARCH_ENTRIES: usize = 100_000;

/// A set of output files being written.
pub struct AtomicOutputs {
    dir: PathBuf,
    files: BTreeMap<String, BufWriter<NamedTempFile>>,
    /// Held until the outputs are committed or abandoned.
    _lock: OutputLock,
}

impl AtomicOutputs {
    /// Creates `dir` if needed, locks it against other runs and removes temporary files
    /// of earlier runs that were killed.
    pub fn new(dir: &Path) -> Result<Self, RunnerError> {
        std::fs::create_dir_all(dir).map_err(|e| RunnerError::io(dir.display(), e))?;
        let lock = OutputLock::acquire(dir)?;
        remove_stale_temp_files(dir);
        Ok(AtomicOutputs {
            dir: dir.to_path_buf(),
            files: BTreeMap::new(),
            _lock: lock,
        })
    }

    /// The writer for `name` (relative to the output directory), created on first use.
    pub fn writer(&mut self, name: &str) -> Result<&mut BufWriter<NamedTempFile>, RunnerError> {
        if !self.files.contains_key(name) {
            let target = self.dir.join(name);
            let parent = target.parent().unwrap_or(&self.dir).to_path_buf();
            std::fs::create_dir_all(&parent).map_err(|e| RunnerError::io(parent.display(), e))?;
            let mut builder = tempfile::Builder::new();
            builder.prefix(TEMP_PREFIX);
            // tempfile's default is 0600; outputs are ordinary files, so the umask decides.
            #[cfg(unix)]
            builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
            let temp = builder
                .tempfile_in(&parent)
                .map_err(|e| RunnerError::io(parent.display(), e))?;
            self.files.insert(name.to_string(), BufWriter::new(temp));
        }
        self.files
            .get_mut(name)
            .ok_or_else(|| RunnerError::Runtime(format!("output {name} vanished")))
    }

    /// Writes a whole file.
    pub fn write_all(&mut self, name: &str, bytes: &[u8]) -> Result<(), RunnerError> {
        let path = self.dir.join(name);
        self.writer(name)?
            .write_all(bytes)
            .map_err(|e| RunnerError::io(path.display(), e))
    }

    /// Flushes and renames every file into place.
    pub fn commit(self) -> Result<Vec<PathBuf>, RunnerError> {
        let mut written = Vec::new();
        for (name, writer) in self.files {
            let target = self.dir.join(&name);
            let temp = writer
                .into_inner()
                .map_err(|e| RunnerError::io(target.display(), e.into_error()))?;
            temp.as_file()
                .sync_all()
                .map_err(|e| RunnerError::io(target.display(), e))?;
            temp.persist(&target)
                .map_err(|e| RunnerError::io(target.display(), e.error))?;
            written.push(target);
        }
        Ok(written)
    }

    /// Drops every temporary file; nothing in the output directory changes.
    pub fn abandon(self) {}
}

impl stancegraph_graph::ExportSink for AtomicOutputs {
    fn file(&mut self, path: &str) -> std::io::Result<&mut dyn Write> {
        match self.writer(path) {
            Ok(writer) => Ok(writer),
            Err(e) => Err(std::io::Error::other(e.to_string())),
        }
    }
}

/// An exclusive OS lock on `<dir>/.stancegraph.lock`, holding the owner's pid for the
/// message another run prints. The OS releases it when the process ends, however it
/// ends; a clean end also removes the file.
struct OutputLock {
    path: PathBuf,
    file: File,
}

impl OutputLock {
    fn acquire(dir: &Path) -> Result<OutputLock, RunnerError> {
        let path = dir.join(LOCK_FILE);
        let io_error = |e| RunnerError::io(path.display(), e);
        // A few rounds: the file may be removed by a run that is finishing between our
        // open and our lock; then we locked a file no longer in the folder and try again.
        for _ in 0..8 {
            let mut file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(io_error)?;
            match file.try_lock() {
                Ok(()) => {}
                Err(std::fs::TryLockError::WouldBlock) => {
                    let mut holder = String::new();
                    let _ = file.read_to_string(&mut holder);
                    let holder = holder.trim();
                    let who = if holder.chars().all(|c| c.is_ascii_digit()) && !holder.is_empty() {
                        format!("another stancegraph run (pid {holder})")
                    } else {
                        "another stancegraph run".to_string()
                    };
                    return Err(io_error(std::io::Error::new(
                        std::io::ErrorKind::WouldBlock,
                        format!(
                            "{who} is writing to {}; wait for it to finish or choose another --out",
                            dir.display()
                        ),
                    )));
                }
                Err(std::fs::TryLockError::Error(e)) => return Err(io_error(e)),
            }
            if !still_at(&file, &path) {
                continue;
            }
            file.set_len(0)
                .and_then(|_| file.rewind())
                .and_then(|_| writeln!(file, "{}", std::process::id()))
                .and_then(|_| file.flush())
                .map_err(io_error)?;
            return Ok(OutputLock { path, file });
        }
        Err(io_error(std::io::Error::other(
            "the lock file keeps disappearing; is another program removing it?",
        )))
    }
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        // Removed while still locked, so a run that opened it meanwhile sees on locking
        // that it is no longer in the folder (`still_at`) and starts over.
        #[cfg(unix)]
        let _ = std::fs::remove_file(&self.path);
        let _ = self.file.unlock();
    }
}

/// Whether `path` still names the open `file` (not removed or replaced since opening).
#[cfg(unix)]
fn still_at(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(open), Ok(named)) => open.dev() == named.dev() && open.ino() == named.ino(),
        _ => false,
    }
}

/// Other platforms never remove the lock file, so an opened one is always current.
#[cfg(not(unix))]
fn still_at(_file: &File, _path: &Path) -> bool {
    true
}

/// Removes `.stancegraph-*` temporary files that killed runs left in `dir` and its
/// sub-folders (not following links, skipping folders that are other runs' output
/// directories). Called with the lock held, so no live run owns them. Best effort.
fn remove_stale_temp_files(dir: &Path) {
    let mut budget = STALE_SEARCH_ENTRIES;
    let mut folders = vec![(dir.to_path_buf(), 0usize)];
    while let Some((folder, depth)) = folders.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            if budget == 0 {
                return;
            }
            budget -= 1;
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if kind.is_file() && name.starts_with(TEMP_PREFIX) {
                let _ = std::fs::remove_file(entry.path());
            } else if kind.is_dir()
                && depth < STALE_SEARCH_DEPTH
                && !entry.path().join(LOCK_FILE).exists()
            {
                folders.push((entry.path(), depth + 1));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_appear_only_on_commit() {
        let dir = tempfile::tempdir().unwrap();
        let mut outputs = AtomicOutputs::new(dir.path()).unwrap();
        outputs.write_all("a.json", b"{}").unwrap();
        assert!(!dir.path().join("a.json").exists());
        outputs.commit().unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.path().join("a.json")).unwrap(),
            "{}"
        );

        let mut outputs = AtomicOutputs::new(dir.path()).unwrap();
        outputs.write_all("b.json", b"{}").unwrap();
        outputs.abandon();
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "temp file left behind"
        );
    }

    #[test]
    fn a_second_writer_is_refused_until_the_first_is_done() {
        let dir = tempfile::tempdir().unwrap();
        let first = AtomicOutputs::new(dir.path()).unwrap();
        let error = AtomicOutputs::new(dir.path()).err().expect("locked");
        let message = error.to_string();
        assert!(
            message.contains(&format!(
                "another stancegraph run (pid {})",
                std::process::id()
            )),
            "{message}"
        );
        assert!(message.contains("choose another --out"), "{message}");
        first.commit().unwrap();
        assert!(!dir.path().join(LOCK_FILE).exists(), "lock file removed");
        AtomicOutputs::new(dir.path())
            .expect("free again")
            .abandon();
    }

    #[test]
    fn a_lock_file_of_a_killed_run_does_not_block() {
        let dir = tempfile::tempdir().unwrap();
        // What `kill -9` leaves: the file with a pid, but no lock on it.
        std::fs::write(dir.path().join(LOCK_FILE), "999999999\n").unwrap();
        let outputs = AtomicOutputs::new(dir.path()).expect("stale lock ignored");
        let holder = std::fs::read_to_string(dir.path().join(LOCK_FILE)).unwrap();
        assert_eq!(holder.trim(), std::process::id().to_string());
        outputs.abandon();
    }

    #[test]
    fn temp_files_of_killed_runs_are_removed_at_start() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("neo4j");
        let other_run = dir.path().join("nested-out");
        for folder in [&sub, &other_run] {
            std::fs::create_dir_all(folder).unwrap();
        }
        std::fs::write(other_run.join(LOCK_FILE), "1\n").unwrap();
        let stale = [
            dir.path().join(".stancegraph-Ab12Cd"),
            sub.join(".stancegraph-Xy34Zw"),
        ];
        let kept = [
            other_run.join(".stancegraph-Qq11Qq"),
            dir.path().join("graph.json"),
            dir.path().join(".stancegraph-dir"),
        ];
        for path in stale.iter().chain(&kept[..2]) {
            std::fs::write(path, "x").unwrap();
        }
        std::fs::create_dir(&kept[2]).unwrap();
        AtomicOutputs::new(dir.path()).unwrap().abandon();
        for path in &stale {
            assert!(!path.exists(), "{} left", path.display());
        }
        for path in &kept {
            assert!(path.exists(), "{} removed", path.display());
        }
    }

    #[cfg(unix)]
    #[test]
    fn outputs_get_the_permissions_the_umask_allows() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        // What the umask makes of an ordinary new file (0644 under umask 022).
        let reference = dir.path().join("reference");
        std::fs::write(&reference, "x").unwrap();
        let expected = std::fs::metadata(&reference).unwrap().permissions().mode() & 0o777;
        let existing = dir.path().join("graph.json");
        std::fs::write(&existing, "old").unwrap();
        std::fs::set_permissions(&existing, std::fs::Permissions::from_mode(0o644)).unwrap();
        let mut outputs = AtomicOutputs::new(dir.path()).unwrap();
        outputs.write_all("graph.json", b"{}").unwrap();
        outputs.write_all("sub/new.csv", b"a").unwrap();
        outputs.commit().unwrap();
        for name in ["graph.json", "sub/new.csv"] {
            let mode = std::fs::metadata(dir.path().join(name))
                .unwrap()
                .permissions()
                .mode()
                & 0o777;
            assert_eq!(mode, expected, "{name}: {mode:o}");
        }
    }
}
