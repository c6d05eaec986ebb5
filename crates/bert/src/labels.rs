//! From a checkpoint's `id2label` and the configured label map to entity spans over words.

use std::collections::BTreeMap;

use stancegraph_core::EntityType;

/// What one model label means for us.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LabelMeaning {
    /// `B-` (or a bare `X` / `S-X` label): a new span starts here.
    pub begins: bool,
    /// Our entity type, through the configured label map.
    pub entity_type: EntityType,
    /// Index of the model's own type, so that `B-GIVEN_NAME B-SURNAME` can form one
    /// person while `B-PER B-PER` stays two.
    pub source_type: usize,
}

/// Every model label resolved through the label map; `None` for `O` and unmapped types.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LabelScheme {
    /// Meaning of each label id, indexed by the model's output position.
    pub meanings: Vec<Option<LabelMeaning>>,
    /// The model's label text of each id (`O` for ids missing from `id2label`).
    pub names: Vec<String>,
}

impl LabelScheme {
    /// Builds the scheme from `id2label` (ids must run 0..n) and a map from model types to
    /// our type names. Returns the offending (label, type) when a type name is unknown.
    pub fn new(
        id2label: &BTreeMap<usize, String>,
        label_map: &BTreeMap<String, String>,
    ) -> Result<Self, (String, String)> {
        let count = id2label.keys().next_back().map_or(0, |last| last + 1);
        let mut names = vec!["O".to_string(); count];
        let mut source_types: Vec<String> = Vec::new();
        let mut meanings = vec![None; count];
        for (&id, label) in id2label {
            if let Some(name) = names.get_mut(id) {
                name.clone_from(label);
            }
            let (begins, model_type) = split_label(label);
            let Some(target) = label_map
                .get(model_type)
                .or_else(|| label_map.get(&model_type.to_ascii_uppercase()))
            else {
                continue;
            };
            let entity_type =
                EntityType::parse(target).ok_or_else(|| (label.clone(), target.clone()))?;
            let source_type = match source_types.iter().position(|t| t == model_type) {
                Some(i) => i,
                None => {
                    source_types.push(model_type.to_string());
                    source_types.len() - 1
                }
            };
            if let Some(slot) = meanings.get_mut(id) {
                *slot = Some(LabelMeaning {
                    begins,
                    entity_type,
                    source_type,
                });
            }
        }
        Ok(LabelScheme { meanings, names })
    }

    /// Number of labels, i.e. the width of the model's output rows.
    pub fn len(&self) -> usize {
        self.meanings.len()
    }

    /// Whether the checkpoint has no labels at all.
    pub fn is_empty(&self) -> bool {
        self.meanings.is_empty()
    }

    /// Entity spans over words from per-word label probabilities (rows may be shorter or
    /// longer than the scheme: missing labels count as `O`).
    pub fn decode(&self, word_probabilities: &[Vec<f32>]) -> Vec<WordSpan> {
        let mut spans: Vec<WordSpan> = Vec::new();
        let mut open: Option<(WordSpan, usize)> = None;
        for (word, row) in word_probabilities.iter().enumerate() {
            let best = row
                .iter()
                .enumerate()
                .max_by(|a, b| a.1.total_cmp(b.1))
                .map(|(i, p)| (i, *p));
            let meaning = best
                .and_then(|(label, p)| self.meanings.get(label).copied().flatten().map(|m| (m, p)));
            match (meaning, open.as_mut()) {
                (Some((m, p)), Some((span, source)))
                    if span.entity_type == m.entity_type
                        && span.end == word
                        && (!m.begins || *source != m.source_type) =>
                {
                    // `I-X` after X, or a different model type of the same entity type right
                    // after (given name then surname).
                    span.end = word + 1;
                    span.probability_sum += p;
                    *source = m.source_type;
                }
                (Some((m, p)), _) => {
                    if let Some((span, _)) = open.take() {
                        spans.push(span);
                    }
                    let span = WordSpan {
                        start: word,
                        end: word + 1,
                        entity_type: m.entity_type,
                        probability_sum: p,
                    };
                    open = Some((span, m.source_type));
                }
                (None, _) => {
                    if let Some((span, _)) = open.take() {
                        spans.push(span);
                    }
                }
            }
        }
        if let Some((span, _)) = open {
            spans.push(span);
        }
        spans
    }
}

/// `B-PER` → (true, `PER`); `I-PER` → (false, `PER`); `PER` / `S-PER` / `U-PER` → (true, `PER`);
/// `E-PER` / `L-PER` → (false, `PER`).
fn split_label(label: &str) -> (bool, &str) {
    match label.split_once(['-', '_']) {
        Some((prefix, rest)) if prefix.len() == 1 => match prefix {
            "B" | "S" | "U" => (true, rest),
            "I" | "E" | "L" => (false, rest),
            _ => (true, label),
        },
        _ => (true, label),
    }
}

/// A run of words `start..end` (indices into the sentence's words) of one entity type.
#[derive(Debug, Clone, PartialEq)]
pub struct WordSpan {
    /// Index of the first word.
    pub start: usize,
    /// Index one past the last word.
    pub end: usize,
    /// The entity type all its labels map to.
    pub entity_type: EntityType,
    /// Sum of the winning label probability of each word; see [`WordSpan::confidence`].
    pub probability_sum: f32,
}

impl WordSpan {
    /// Mean probability of the span's labels.
    pub fn confidence(&self) -> f32 {
        let words = (self.end - self.start).max(1) as f32;
        (self.probability_sum / words).clamp(0.0, 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rampart_like() -> LabelScheme {
        let id2label: BTreeMap<usize, String> = [
            "O",
            "B-GIVEN_NAME",
            "I-GIVEN_NAME",
            "B-SURNAME",
            "I-SURNAME",
            "B-EMAIL",
        ]
        .iter()
        .enumerate()
        .map(|(i, l)| (i, l.to_string()))
        .collect();
        LabelScheme::new(&id2label, &crate::BertNerConfig::default().labels).unwrap()
    }

    fn one_hot(labels: &[usize], count: usize) -> Vec<Vec<f32>> {
        labels
            .iter()
            .map(|&l| {
                (0..count)
                    .map(|i| if i == l { 0.9 } else { 0.02 })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn given_name_then_surname_is_one_person_and_unmapped_labels_are_ignored() {
        let scheme = rampart_like();
        // Secretary Scott Bessent , mail@x
        let spans = scheme.decode(&one_hot(&[0, 1, 3, 0, 5], 6));
        assert_eq!(spans.len(), 1, "{spans:?}");
        assert_eq!(
            (spans[0].start, spans[0].end, spans[0].entity_type),
            (1, 3, EntityType::Per)
        );
        assert!((spans[0].confidence() - 0.9).abs() < 1e-6);
    }

    #[test]
    fn conll_labels_keep_adjacent_begins_apart() {
        let id2label: BTreeMap<usize, String> = ["O", "B-PER", "I-PER", "B-LOC"]
            .iter()
            .enumerate()
            .map(|(i, l)| (i, l.to_string()))
            .collect();
        let scheme = LabelScheme::new(&id2label, &crate::BertNerConfig::default().labels).unwrap();
        let spans = scheme.decode(&one_hot(&[1, 2, 1, 0, 2, 3], 4));
        let ranges: Vec<_> = spans
            .iter()
            .map(|s| (s.start, s.end, s.entity_type))
            .collect();
        assert_eq!(
            ranges,
            vec![
                (0, 2, EntityType::Per),
                (2, 3, EntityType::Per),
                (4, 5, EntityType::Per),
                (5, 6, EntityType::Loc)
            ]
        );
    }

    #[test]
    fn unknown_target_type_is_reported() {
        let id2label: BTreeMap<usize, String> = [(0, "B-X".to_string())].into_iter().collect();
        let map: BTreeMap<String, String> = [("X".to_string(), "ANIMAL".to_string())]
            .into_iter()
            .collect();
        assert_eq!(
            LabelScheme::new(&id2label, &map),
            Err(("B-X".to_string(), "ANIMAL".to_string()))
        );
    }

    #[test]
    fn empty_and_ragged_rows_do_not_panic() {
        let scheme = rampart_like();
        assert!(scheme.decode(&[vec![], vec![0.1; 50]]).is_empty());
    }
}
