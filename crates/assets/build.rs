//! Compresses every file under the project's `data/models/` (except READMEs) with zstd
//! into OUT_DIR and writes `embedded.rs`, a table of (relative path, size, bytes).
use std::io::Write;
use std::path::{Path, PathBuf};

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let data = manifest.join("../../data");
    let models = data.join("models");
    println!("cargo:rerun-if-changed={}", models.display());
    println!("cargo:rerun-if-env-changed=CARGO_FEATURE_EMBED");
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets it"));
    let mut table = String::from("/// Embedded files: path relative to the data directory, size, zstd bytes.\npub static FILES: &[(&str, usize, &[u8])] = &[\n");
    if std::env::var_os("CARGO_FEATURE_EMBED").is_some() {
        let mut files = Vec::new();
        collect(&models, &mut files);
        files.sort();
        for (index, file) in files.iter().enumerate() {
            let relative = file
                .strip_prefix(&data)
                .expect("under data/")
                .to_string_lossy()
                .replace('\\', "/");
            let raw =
                std::fs::read(file).unwrap_or_else(|e| panic!("reading {}: {e}", file.display()));
            let packed = compress(&raw);
            let target = out_dir.join(format!("asset{index}.zst"));
            std::fs::File::create(&target)
                .and_then(|mut f| f.write_all(&packed))
                .unwrap_or_else(|e| panic!("writing {}: {e}", target.display()));
            table.push_str(&format!(
                "    ({relative:?}, {}, include_bytes!(concat!(env!(\"OUT_DIR\"), \"/asset{index}.zst\"))),\n",
                raw.len()
            ));
        }
    }
    table.push_str("];\n");
    std::fs::write(out_dir.join("embedded.rs"), table).expect("writing embedded.rs");
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, files);
        } else if path
            .file_name()
            .is_some_and(|n| n != "README.md" && !n.to_string_lossy().ends_with(".tmp"))
        {
            files.push(path);
        }
    }
}

#[cfg(feature = "embed")]
fn compress(raw: &[u8]) -> Vec<u8> {
    /// zstd level: 9 compresses the float weights about as well as 19 in a fraction of
    /// the build time.
    const LEVEL: i32 = 9;
    zstd::bulk::compress(raw, LEVEL).expect("zstd compression")
}

#[cfg(not(feature = "embed"))]
fn compress(_raw: &[u8]) -> Vec<u8> {
    unreachable!("only called with the embed feature")
}
