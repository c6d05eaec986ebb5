//! Word clusters learned from raw news text: words that occur in similar contexts share
//! a cluster, which lets the tagger generalise from "Bessent" to unseen surnames. Each word
//! gets cluster ids at several granularities (coarse to fine).
//!
//! Learning is a simple distributional k-means: each frequent word is represented by the
//! counts of its left and right neighbours among the most frequent context words, vectors
//! are L2-normalised, and spherical k-means runs at each granularity.

use std::collections::HashMap;

use stancegraph_linear::{fmix64, hash_str, Fnv, KeyMap};

use crate::features::FastMap;

/// Cluster ids per word (exact form), one per granularity.
#[derive(Debug, Clone, Default)]
pub struct Clusters {
    map: FastMap<String, Vec<u32>>,
    /// Lower-cased word → how often it is capitalised inside sentences of the raw text
    /// (0: almost never, 1: sometimes, 2: mostly, 3: almost always). Tells a headline's or a
    /// sentence's first word whether it is a name.
    case: FastMap<String, u8>,
    /// Clusters of pretrained static word vectors (spaCy's English md vectors): word →
    /// vector row, and per row its cluster ids at three granularities. They cover far more
    /// words (≈ 640,000) than the raw news the clusters above are learned from, so a
    /// surname or town never seen in our text still lands beside similar ones.
    vectors: VectorClusters,
}

/// Word → vector row → cluster ids (coarse to fine), from `scripts/vector-clusters.py`.
/// Words are kept as 64-bit hashes of their characters (`word_key`): the model loads
/// without one allocation per word, and a title-case form is looked up without building it.
#[derive(Debug, Clone, Default)]
pub struct VectorClusters {
    rows: KeyMap<u16>,
    paths: Vec<[u16; 3]>,
}

/// The key of the word spelt by `chars`: [`hash_str`] of that word, without building it.
pub fn word_key(chars: impl Iterator<Item = char>) -> u64 {
    let mut hash = Fnv::new();
    let mut buffer = [0u8; 4];
    for c in chars {
        hash = hash.bytes(c.encode_utf8(&mut buffer).as_bytes());
    }
    fmix64(hash.value())
}

impl VectorClusters {
    /// Reads `word<TAB>row<TAB>c1<TAB>c2<TAB>c3` lines (the script's output).
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut clusters = VectorClusters::default();
        for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.is_empty()) {
            let fields: Vec<&str> = line.split('\t').collect();
            let numbers: Option<Vec<u16>> = fields.get(1..5).map(|f| {
                f.iter()
                    .filter_map(|x| x.parse().ok())
                    .collect::<Vec<u16>>()
            });
            let (Some(word), Some(numbers)) = (fields.first(), numbers) else {
                return Err(format!(
                    "line {}: expected five tab-separated fields",
                    n + 1
                ));
            };
            let [row, a, b, c] = numbers[..] else {
                return Err(format!("line {}: expected four numbers below 65536", n + 1));
            };
            let index = usize::from(row);
            if clusters.paths.len() <= index {
                clusters.paths.resize(index + 1, [0; 3]);
            }
            clusters.paths[index] = [a, b, c];
            clusters.rows.insert(hash_str(word), row);
        }
        Ok(clusters)
    }

    /// Row and cluster ids of the word with key `key` (`word_key` / [`hash_str`]), if the
    /// vectors know it.
    pub fn get_key(&self, key: u64) -> Option<(u16, [u16; 3])> {
        let row = *self.rows.get(&key)?;
        Some((row, *self.paths.get(usize::from(row))?))
    }

    /// Row and cluster ids of `word`, if the vectors know it.
    pub fn get(&self, word: &str) -> Option<(u16, [u16; 3])> {
        self.get_key(hash_str(word))
    }

    /// Number of words known (distinct word hashes, not vector rows).
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// True when no vector clusters are loaded; `vector_paths` then finds nothing.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub(crate) fn rows(&self) -> impl Iterator<Item = (&u64, &u16)> {
        self.rows.iter()
    }

    pub(crate) fn row_paths(&self) -> &[[u16; 3]] {
        &self.paths
    }

    pub(crate) fn from_parts(rows: KeyMap<u16>, paths: Vec<[u16; 3]>) -> Self {
        VectorClusters { rows, paths }
    }
}

/// Static-vector row and clusters of `word` (lower-cased: `lower`): its own form, else
/// (capitals after the first letter: "GERMANY") its title-case form, else its lower-case
/// form.
pub fn vector_paths(clusters: &Clusters, word: &str, lower: &str) -> Option<(u16, [u16; 3])> {
    let vectors = clusters.vectors();
    if vectors.is_empty() {
        return None;
    }
    if let Some(found) = vectors.get(word) {
        return Some(found);
    }
    let mut chars = word.chars();
    let first = chars.next()?;
    if chars.clone().any(char::is_uppercase) {
        let title = std::iter::once(first).chain(chars.flat_map(char::to_lowercase));
        if let Some(found) = vectors.get_key(word_key(title)) {
            return Some(found);
        }
    }
    if lower != word {
        return vectors.get(lower);
    }
    None
}

/// Cluster ids of `word`. An all-capitals word without clusters of its own (Reuters
/// headlines and sports tables: "GERMANY", "LEICESTERSHIRE") takes those of its title-case
/// form, so a headline name reads like the same name in the body.
pub fn cluster_paths<'c>(clusters: &'c Clusters, word: &str) -> Option<&'c [u32]> {
    let exact = clusters.paths(word);
    if exact.is_some() {
        return exact;
    }
    let all_caps = word.chars().count() > 1
        && !word.chars().any(char::is_lowercase)
        && word.chars().any(char::is_uppercase);
    if !all_caps {
        return None;
    }
    let mut chars = word.chars();
    let first = chars.next()?;
    let title: String = std::iter::once(first)
        .chain(chars.flat_map(char::to_lowercase))
        .collect();
    clusters.paths(&title)
}

/// Settings for [`Clusters::learn`].
#[derive(Debug, Clone)]
pub struct ClusterSettings {
    /// Words seen fewer times get no cluster.
    pub min_count: usize,
    /// At most this many words are clustered (most frequent first).
    pub max_words: usize,
    /// Number of context words (most frequent) used as vector dimensions, per side.
    pub context_words: usize,
    /// Cluster counts, coarse to fine.
    pub granularities: Vec<usize>,
    /// Spherical k-means iterations run at each granularity.
    pub iterations: usize,
}

impl Default for ClusterSettings {
    fn default() -> Self {
        ClusterSettings {
            min_count: 3,
            max_words: 40_000,
            context_words: 1_000,
            granularities: vec![64, 256, 1024],
            iterations: 8,
        }
    }
}

impl Clusters {
    /// Cluster ids of `word` as written (case-sensitive), one per granularity, coarse to
    /// fine; `None` for a word too rare to be clustered. See `cluster_paths` for the
    /// lookup with the all-capitals fallback.
    pub fn paths(&self, word: &str) -> Option<&[u32]> {
        self.map.get(word).map(Vec::as_slice)
    }

    /// Number of clustered words (the static-vector clusters not counted).
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// True when no word has clusters learned from raw text (a model trained without
    /// raw text); the static-vector clusters may still be loaded.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    pub(crate) fn entries(&self) -> impl Iterator<Item = (&String, &Vec<u32>)> {
        self.map.iter()
    }

    pub(crate) fn from_entries(map: FastMap<String, Vec<u32>>, case: FastMap<String, u8>) -> Self {
        Clusters {
            map,
            case,
            vectors: VectorClusters::default(),
        }
    }

    /// The static-vector clusters (empty for models trained without them).
    pub fn vectors(&self) -> &VectorClusters {
        &self.vectors
    }

    /// These clusters with `vectors` as their static-vector clusters.
    pub fn with_vectors(mut self, vectors: VectorClusters) -> Self {
        self.vectors = vectors;
        self
    }

    /// Capitalisation class of a lower-cased word (see the field), if it was seen enough.
    pub fn case_class(&self, lower: &str) -> Option<u8> {
        self.case.get(lower).copied()
    }

    pub(crate) fn case_entries(&self) -> impl Iterator<Item = (&String, &u8)> {
        self.case.iter()
    }

    fn learn_case(sentences: &[Vec<String>], min_count: usize) -> FastMap<String, u8> {
        let mut counts: HashMap<String, (u32, u32)> = HashMap::new();
        for sentence in sentences {
            // Skip headline-like lines in capitals and the first word of each sentence.
            if !sentence.iter().any(|w| w.chars().any(char::is_lowercase)) {
                continue;
            }
            for word in sentence.iter().skip(1) {
                let Some(first) = word.chars().next().filter(|c| c.is_alphabetic()) else {
                    continue;
                };
                let entry = counts.entry(word.to_lowercase()).or_default();
                if first.is_uppercase() {
                    entry.0 += 1;
                } else {
                    entry.1 += 1;
                }
            }
        }
        counts
            .into_iter()
            .filter(|(_, (cap, low))| (cap + low) as usize >= min_count)
            .map(|(word, (cap, low))| {
                let ratio = cap as f32 / (cap + low) as f32;
                let class = if ratio < 0.1 {
                    0
                } else if ratio < 0.5 {
                    1
                } else if ratio < 0.9 {
                    2
                } else {
                    3
                };
                (word, class)
            })
            .collect()
    }

    /// Learns clusters from tokenized sentences.
    pub fn learn(sentences: &[Vec<String>], settings: &ClusterSettings) -> Self {
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for sentence in sentences {
            for word in sentence {
                *counts.entry(word.as_str()).or_default() += 1;
            }
        }
        let mut vocabulary: Vec<(&str, usize)> = counts
            .iter()
            .filter(|(_, &c)| c >= settings.min_count)
            .map(|(w, &c)| (*w, c))
            .collect();
        vocabulary.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        vocabulary.truncate(settings.max_words);
        let index: HashMap<&str, usize> = vocabulary
            .iter()
            .enumerate()
            .map(|(i, (w, _))| (*w, i))
            .collect();
        // Context dimensions: most frequent words, lower-cased identity kept as is.
        let contexts = settings.context_words.min(vocabulary.len());
        let mut vectors: Vec<HashMap<u32, f32>> = vec![HashMap::new(); vocabulary.len()];
        for sentence in sentences {
            for (i, word) in sentence.iter().enumerate() {
                let Some(&row) = index.get(word.as_str()) else {
                    continue;
                };
                let left = if i == 0 { None } else { sentence.get(i - 1) };
                let right = sentence.get(i + 1);
                let vector = &mut vectors[row];
                for (side, neighbour) in [(0u32, left), (1u32, right)] {
                    let dim = match neighbour.and_then(|n| index.get(n.as_str())) {
                        Some(&c) if c < contexts => c as u32,
                        // Rare or boundary neighbour: one shared "other" dimension per side.
                        _ => contexts as u32,
                    };
                    *vector
                        .entry(side * (contexts as u32 + 1) + dim)
                        .or_default() += 1.0;
                }
            }
        }
        let vectors: Vec<Vec<(u32, f32)>> = vectors
            .into_iter()
            .map(|v| {
                let mut v: Vec<(u32, f32)> =
                    v.into_iter().map(|(d, c)| (d, (1.0 + c).ln())).collect();
                v.sort_by_key(|&(d, _)| d);
                let norm = v.iter().map(|(_, x)| x * x).sum::<f32>().sqrt().max(1e-6);
                v.iter_mut().for_each(|(_, x)| *x /= norm);
                v
            })
            .collect();
        let dims = 2 * (contexts + 1);
        let mut map: FastMap<String, Vec<u32>> = FastMap::default();
        for &k in &settings.granularities {
            let assignment = spherical_kmeans(&vectors, dims, k, settings.iterations);
            for (row, cluster) in assignment.into_iter().enumerate() {
                if let Some((word, _)) = vocabulary.get(row) {
                    map.entry(word.to_string()).or_default().push(cluster);
                }
            }
        }
        let case = Self::learn_case(sentences, settings.min_count);
        Clusters::from_entries(map, case)
    }
}

fn spherical_kmeans(
    vectors: &[Vec<(u32, f32)>],
    dims: usize,
    k: usize,
    iterations: usize,
) -> Vec<u32> {
    let n = vectors.len();
    if n == 0 || k == 0 {
        return vec![0; n];
    }
    let k = k.min(n);
    // Deterministic seeding: spread over the frequency-sorted vocabulary.
    let mut centroids: Vec<Vec<f32>> = (0..k)
        .map(|c| {
            let mut dense = vec![0.0f32; dims];
            if let Some(v) = vectors.get(c * n / k) {
                for &(d, x) in v {
                    dense[d as usize] = x;
                }
            }
            dense
        })
        .collect();
    let mut assignment = vec![0u32; n];
    for _ in 0..iterations {
        for (row, vector) in vectors.iter().enumerate() {
            let mut best = (f32::MIN, 0u32);
            for (c, centroid) in centroids.iter().enumerate() {
                let score: f32 = vector.iter().map(|&(d, x)| x * centroid[d as usize]).sum();
                if score > best.0 {
                    best = (score, c as u32);
                }
            }
            assignment[row] = best.1;
        }
        for centroid in centroids.iter_mut() {
            centroid.iter_mut().for_each(|x| *x = 0.0);
        }
        for (row, vector) in vectors.iter().enumerate() {
            let centroid = &mut centroids[assignment[row] as usize];
            for &(d, x) in vector {
                centroid[d as usize] += x;
            }
        }
        for centroid in centroids.iter_mut() {
            let norm = centroid.iter().map(|x| x * x).sum::<f32>().sqrt();
            if norm > 0.0 {
                centroid.iter_mut().for_each(|x| *x /= norm);
            }
        }
    }
    assignment
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn static_vector_clusters_fall_back_to_title_and_lower_case() {
        let vectors = VectorClusters::parse("Germany\t3\t1\t2\t3\nwon\t4\t5\t6\t7\n").unwrap();
        let clusters = Clusters::default().with_vectors(vectors);
        assert_eq!(
            vector_paths(&clusters, "GERMANY", "germany"),
            Some((3, [1, 2, 3]))
        );
        assert_eq!(vector_paths(&clusters, "Won", "won"), Some((4, [5, 6, 7])));
        assert_eq!(vector_paths(&clusters, "germany", "germany"), None);
        assert_eq!(
            vector_paths(&Clusters::default(), "Germany", "germany"),
            None
        );
        // Keys are the project's string hash, also when built from characters.
        assert_eq!(word_key("Germany".chars()), hash_str("Germany"));
        assert!(VectorClusters::parse("word\t1\t2\n").is_err());
        assert!(VectorClusters::parse("word\t1\t2\t3\t70000\n").is_err());
    }

    #[test]
    fn words_in_the_same_contexts_share_a_cluster() {
        let mut sentences = Vec::new();
        for name in ["Smith", "Jones", "Brown"] {
            for _ in 0..5 {
                sentences.push(vec!["Mr".to_string(), name.to_string(), "said".to_string()]);
            }
        }
        for city in ["Paris", "Rome"] {
            for _ in 0..5 {
                sentences.push(vec![
                    "in".to_string(),
                    city.to_string(),
                    "today".to_string(),
                ]);
            }
        }
        let settings = ClusterSettings {
            min_count: 1,
            granularities: vec![2],
            ..ClusterSettings::default()
        };
        let clusters = Clusters::learn(&sentences, &settings);
        assert_eq!(clusters.paths("Smith"), clusters.paths("Jones"));
        assert_eq!(clusters.paths("Paris"), clusters.paths("Rome"));
        assert_ne!(clusters.paths("Smith"), clusters.paths("Paris"));
    }
}
