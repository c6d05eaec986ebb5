//! Finding an exec stage's program at validation time, so that `validate` reports a
//! missing plugin instead of the first run failing at build time.

use std::path::{Path, PathBuf};

/// Why `program` cannot be started, or `None` when it can be found. A bare name is looked
/// up on `search_path` (the `PATH` variable); a name with a slash is a file path, checked
/// when it is absolute or when no working directory will change its meaning.
pub(crate) fn missing_program(
    program: &str,
    search_path: Option<&std::ffi::OsStr>,
    workdir_set: bool,
) -> Option<String> {
    if program.contains('/') {
        let path = Path::new(program);
        if path.is_relative() && workdir_set {
            // Relative to the stage's `workdir`, which is resolved only at build time.
            return None;
        }
        return (!is_executable_file(path))
            .then(|| format!("program `{program}` does not exist or is not an executable file"));
    }
    let found = search_path
        .map(|paths| std::env::split_paths(paths).collect::<Vec<PathBuf>>())
        .unwrap_or_default()
        .iter()
        .any(|dir| is_executable_file(&dir.join(program)));
    (!found).then(|| format!("program `{program}` was not found on PATH"))
}

fn is_executable_file(path: &Path) -> bool {
    let Ok(meta) = std::fs::metadata(path) else {
        return false;
    };
    if !meta.is_file() {
        return false;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        meta.permissions().mode() & 0o111 != 0
    }
    #[cfg(not(unix))]
    {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_program_on_path_is_found_and_a_missing_one_named() {
        let path = std::env::var_os("PATH");
        assert_eq!(missing_program("sh", path.as_deref(), false), None);
        let problem = missing_program("no-such-plugin-xyz", path.as_deref(), false)
            .expect("a missing program is reported");
        assert!(problem.contains("not found on PATH"), "{problem}");
    }

    #[test]
    fn file_paths_must_be_executable_files() {
        assert_eq!(missing_program("/bin/sh", None, false), None);
        assert!(missing_program("/no/such/plugin", None, false).is_some());
        // A directory is not a program.
        assert!(missing_program("/tmp/", None, false).is_some());
        // Relative to a workdir that only the build resolves: left to the build.
        assert_eq!(missing_program("plugins/x.py", None, true), None);
    }
}
