//! Range checks of the `[source]` settings, for `validate`: each problem with its field.

use crate::IngestConfig;

/// Largest `source.max_bytes`: one document (or one JSONL line, or one WARC record) of
/// more than 1 GiB is no news article, and would need several times that in memory.
pub const MAX_INPUT_BYTES: u64 = 1 << 30;

impl IngestConfig {
    /// Every out-of-range or malformed value, as `(field, message)`.
    pub fn problems(&self) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        if !(1..=MAX_INPUT_BYTES).contains(&self.max_bytes) {
            problems.push((
                "max_bytes".to_string(),
                format!("{} is outside 1..={MAX_INPUT_BYTES}", self.max_bytes),
            ));
        }
        if self.max_bytes > 0 && self.min_chars as u64 > self.max_bytes {
            problems.push((
                "min_chars".to_string(),
                format!(
                    "{} is more than source.max_bytes ({}): every document would be rejected",
                    self.min_chars, self.max_bytes
                ),
            ));
        }
        if !(0.0..=1.0).contains(&self.near_duplicate_similarity) {
            problems.push((
                "near_duplicate_similarity".to_string(),
                format!(
                    "{} is outside 0..=1 (0 turns near-duplicate detection off)",
                    self.near_duplicate_similarity
                ),
            ));
        }
        for (field, patterns) in [("include", &self.include), ("exclude", &self.exclude)] {
            for (i, pattern) in patterns.iter().enumerate() {
                if let Err(e) = glob::Pattern::new(pattern) {
                    problems.push((
                        format!("{field}[{i}]"),
                        format!("bad glob `{pattern}`: {e}"),
                    ));
                }
            }
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bad_value_is_reported() {
        let config = IngestConfig {
            max_bytes: 2 << 30,
            min_chars: 3 << 30,
            near_duplicate_similarity: 1.5,
            include: vec!["[".into()],
            ..IngestConfig::default()
        };
        let fields: Vec<String> = config.problems().into_iter().map(|(f, _)| f).collect();
        assert_eq!(
            fields,
            [
                "max_bytes",
                "min_chars",
                "near_duplicate_similarity",
                "include[0]"
            ]
        );
        assert!(IngestConfig::default().problems().is_empty());
    }
}
