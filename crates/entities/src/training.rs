//! `train ner` and `eval ner` as library functions: read data, learn clusters from raw
//! news text, train, save, score.

use std::path::{Path, PathBuf};

use crate::clusters::{ClusterSettings, Clusters, VectorClusters};
use crate::conll::{read_conll, NerScores};
use crate::silver::{read_silver_documents, write_conll, SilverSettings};
use crate::tagger::{train_weighted, NerModel, TrainSettings};
use crate::EntitiesError;

/// What `train ner` needs.
#[derive(Debug, Clone)]
pub struct NerTrainOptions {
    /// Gold CoNLL-2003 training file; it must hold at least one sentence.
    pub train: PathBuf,
    /// CoNLL file to choose the epoch count on and to score the final model with.
    pub dev: Option<PathBuf>,
    /// Files or directories of raw text (`.txt`) to learn word clusters from, besides the
    /// training words themselves. Empty: no clusters.
    pub raw: Vec<PathBuf>,
    /// Take the word clusters of this model file instead of learning them (`raw` unused):
    /// a retrain with other training data keeps the shipped model's clusters.
    pub clusters_from: Option<PathBuf>,
    /// Static-vector clusters (`scripts/vector-clusters.py` output) to add to the clusters;
    /// without it a model from `clusters_from` keeps its own.
    pub vector_clusters: Option<PathBuf>,
    /// Most perceptron epochs per pass ([`crate::TrainSettings::epochs`]).
    pub epochs: u32,
    /// Annotated `documents.jsonl` files (`run` output of a teacher pipeline such as
    /// configs/accurate.toml) whose name mentions become silver training sentences beside
    /// `train` ([`crate::silver_document`]). Never the dev texts.
    pub silver: Vec<PathBuf>,
    /// Which teacher mentions and sentences count.
    pub silver_settings: SilverSettings,
    /// Weight of a silver document's perceptron updates (gold: 1).
    pub silver_weight: f32,
    /// Also write the silver sentences here as CoNLL text (to inspect them).
    pub silver_conll: Option<PathBuf>,
}

/// Splits raw text into tokens roughly as news tokenizers do: punctuation peeled off
/// words, "'s" split, abbreviations such as "U.S." kept whole.
pub fn tokenize_raw(text: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    for word in text.split_whitespace() {
        let mut core = word;
        let mut trailing = Vec::new();
        while let Some(c) = core.chars().next().filter(|c| !c.is_alphanumeric()) {
            tokens.push(c.to_string());
            core = &core[c.len_utf8()..];
        }
        while let Some(c) = core.chars().last().filter(|c| !c.is_alphanumeric()) {
            // Keep the final period of abbreviations like "U.S." or "Corp.".
            let abbreviation = c == '.' && core[..core.len() - 1].contains('.');
            if abbreviation {
                break;
            }
            trailing.push(c.to_string());
            core = &core[..core.len() - c.len_utf8()];
        }
        if !core.is_empty() {
            let lower = core.to_lowercase();
            if (lower.ends_with("'s") || lower.ends_with("’s")) && core.chars().count() > 2 {
                let cut = core.char_indices().rev().nth(1).map_or(0, |(i, _)| i);
                tokens.push(core[..cut].to_string());
                tokens.push(core[cut..].replace('’', "'"));
            } else {
                tokens.push(core.to_string());
            }
        }
        tokens.extend(trailing.into_iter().rev());
    }
    tokens
}

fn collect_text_files(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_file() {
        out.push(path.to_path_buf());
    } else if let Ok(entries) = std::fs::read_dir(path) {
        let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        entries.sort();
        for entry in entries {
            if entry.is_dir() {
                collect_text_files(&entry, out);
            } else if entry.extension().is_some_and(|e| e == "txt") {
                out.push(entry);
            }
        }
    }
}

/// Trains the tagger (with clusters from `raw` plus the training words), reporting each
/// epoch through `progress`. Returns the model and its dev scores, if a dev file was given.
pub fn train_ner(
    options: &NerTrainOptions,
    mut progress: impl FnMut(&str),
) -> Result<(NerModel, Option<NerScores>), EntitiesError> {
    let train_docs = read_conll(&options.train)?;
    if train_docs.is_empty() {
        return Err(EntitiesError::EmptyData {
            path: options.train.clone(),
        });
    }
    let dev_docs = match &options.dev {
        Some(path) => Some(read_conll(path)?),
        None => None,
    };
    let clusters = if let Some(model) = &options.clusters_from {
        let clusters = NerModel::load(model)?.into_clusters();
        progress(&format!(
            "{} word clusters from {}",
            clusters.len(),
            model.display()
        ));
        clusters
    } else if options.raw.is_empty() {
        Clusters::default()
    } else {
        let mut sentences: Vec<Vec<String>> = train_docs
            .iter()
            .flat_map(|d| d.sentences.iter().map(|s| s.words.clone()))
            .collect();
        let mut files = Vec::new();
        for path in &options.raw {
            collect_text_files(path, &mut files);
        }
        for file in &files {
            // Latin-1 and other odd files are read lossily: clusters only need most words.
            let Ok(bytes) = std::fs::read(file) else {
                continue;
            };
            let text = String::from_utf8_lossy(&bytes);
            for line in text.lines().filter(|l| !l.trim().is_empty()) {
                sentences.push(tokenize_raw(line));
            }
        }
        progress(&format!(
            "learning word clusters from {} files, {} lines",
            files.len(),
            sentences.len()
        ));
        let clusters = Clusters::learn(&sentences, &ClusterSettings::default());
        progress(&format!("clustered {} words", clusters.len()));
        clusters
    };
    let clusters = match &options.vector_clusters {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|source| EntitiesError::Io {
                path: path.clone(),
                source,
            })?;
            let vectors =
                VectorClusters::parse(&text).map_err(|message| EntitiesError::VectorClusters {
                    path: path.clone(),
                    message,
                })?;
            progress(&format!(
                "{} words with static-vector clusters from {}",
                vectors.len(),
                path.display()
            ));
            clusters.with_vectors(vectors)
        }
        None => clusters,
    };
    let settings = TrainSettings {
        epochs: options.epochs,
        ..TrainSettings::default()
    };
    // Gold documents first at weight 1, then the silver ones (clusters stay gold + raw).
    let mut documents = train_docs;
    let mut weights = vec![1.0; documents.len()];
    let mut all_silver = Vec::new();
    for path in &options.silver {
        let silver = read_silver_documents(path, &options.silver_settings)?;
        let sentences: usize = silver.iter().map(|d| d.sentences.len()).sum();
        progress(&format!(
            "silver {}: {} documents, {sentences} sentences, weight {}",
            path.display(),
            silver.len(),
            options.silver_weight
        ));
        all_silver.extend(silver);
    }
    if let Some(out) = &options.silver_conll {
        std::fs::write(out, write_conll(&all_silver)).map_err(|source| EntitiesError::Io {
            path: out.clone(),
            source,
        })?;
    }
    weights.extend(std::iter::repeat_n(options.silver_weight, all_silver.len()));
    documents.extend(all_silver);
    let model = train_weighted(
        &documents,
        &weights,
        dev_docs.as_deref(),
        clusters,
        &settings,
        &mut progress,
    );
    let scores = dev_docs.as_ref().map(|dev| model.evaluate(dev));
    Ok((model, scores))
}

/// Scores a model on a CoNLL file (strict entity matching).
pub fn evaluate_ner(model: &NerModel, conll: &Path) -> Result<NerScores, EntitiesError> {
    let documents = read_conll(conll)?;
    if documents.is_empty() {
        return Err(EntitiesError::EmptyData {
            path: conll.to_path_buf(),
        });
    }
    Ok(model.evaluate(&documents))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_tokenizer_peels_punctuation_and_keeps_abbreviations() {
        assert_eq!(
            tokenize_raw("“The U.S. said,” Bessent’s aide (Li) noted."),
            vec![
                "“", "The", "U.S.", "said", ",", "”", "Bessent", "'s", "aide", "(", "Li", ")",
                "noted", "."
            ]
        );
    }
}
