//! Atomic output files: everything is written to temporary files in the output
//! directory and renamed into place only when the run completes. An interrupted or failed
//! run leaves no half-written file behind.

use std::collections::BTreeMap;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use crate::RunnerError;

/// A set of output files being written.
pub struct AtomicOutputs {
    dir: PathBuf,
    files: BTreeMap<String, BufWriter<NamedTempFile>>,
}

impl AtomicOutputs {
    pub fn new(dir: &Path) -> Result<Self, RunnerError> {
        std::fs::create_dir_all(dir).map_err(|e| RunnerError::io(dir.display(), e))?;
        Ok(AtomicOutputs {
            dir: dir.to_path_buf(),
            files: BTreeMap::new(),
        })
    }

    /// The writer for `name` (relative to the output directory), created on first use.
    pub fn writer(&mut self, name: &str) -> Result<&mut BufWriter<NamedTempFile>, RunnerError> {
        if !self.files.contains_key(name) {
            let target = self.dir.join(name);
            let parent = target.parent().unwrap_or(&self.dir).to_path_buf();
            std::fs::create_dir_all(&parent).map_err(|e| RunnerError::io(parent.display(), e))?;
            let temp = tempfile::Builder::new()
                .prefix(".stancegraph-")
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
}
