//! Long real news text for scaling tests, from the shared BBC News corpus.

use std::path::PathBuf;

/// The BBC News corpus (`../shared/data/bbc-news/bbc` from the project root): one folder
/// per topic, one article a file. It is not part of the repository.
pub fn bbc_dir() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/bbc-news/bbc"
    ))
}

/// BBC News articles concatenated (one a line, topics taken in turn so that every size has
/// the same mix of sentence lengths) and cut to `bytes` bytes, at a character boundary.
/// `None` when the corpus is absent or shorter: callers skip with a printed notice.
pub fn bbc_text(bytes: usize) -> Option<String> {
    let corpus = bbc_dir();
    let mut topics = Vec::new();
    for topic in ["business", "entertainment", "politics", "sport", "tech"] {
        let mut names: Vec<PathBuf> = std::fs::read_dir(corpus.join(topic))
            .ok()?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        names.sort();
        topics.push(names);
    }
    let longest = topics.iter().map(Vec::len).max().unwrap_or(0);
    let files = (0..longest).flat_map(|i| topics.iter().filter_map(move |t| t.get(i).cloned()));
    let mut out = String::new();
    for file in files {
        if out.len() >= bytes {
            break;
        }
        out.push_str(&String::from_utf8_lossy(&std::fs::read(file).ok()?));
        out.push('\n');
    }
    (out.len() >= bytes).then(|| {
        out.truncate(out.floor_char_boundary(bytes));
        out
    })
}

/// The first `n` articles (in name order) of one BBC topic, for benches; the seed article
/// alone, with a notice, when the shared corpus is absent, so a bench always has input.
pub fn bbc_articles_or_seed(topic: &str, n: usize) -> Vec<String> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(bbc_dir().join(topic))
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    paths.sort();
    let texts: Vec<String> = paths
        .into_iter()
        .take(n)
        .filter_map(|path| std::fs::read(path).ok())
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .collect();
    if texts.is_empty() {
        eprintln!("../shared/data not found: benchmarking on the seed article");
        return vec![crate::seed_text()];
    }
    texts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bbc_text_is_cut_to_size_and_none_past_the_corpus() {
        let Some(text) = bbc_text(100_000) else {
            eprintln!("notice: {} absent; test skipped", bbc_dir().display());
            return;
        };
        assert!(
            text.len() <= 100_000 && text.len() > 99_990,
            "{}",
            text.len()
        );
        // Topics in turn: the first articles come from different folders.
        assert!(text.lines().count() > 20);
        assert_eq!(bbc_text(1 << 40), None);
    }
}
