//! Feature extraction for the tagger: hashed string features of a token and its
//! neighbours (forms, shapes, affixes, gazetteers, word clusters, document case
//! statistics), plus the dynamic features that depend on earlier predictions. POS tags
//! are deliberately not used, so the tagger runs the same on CoNLL tokens and ours.

use stancegraph_linear::{word_shape, Fnv};

use crate::clusters::{cluster_paths, vector_paths, Clusters};
use crate::lexicon::{category, Lexicon, LexiconMatch};

/// A hash map with FNV-1a: fast on the short string keys of gazetteers, clusters and
/// documents.
pub type FastMap<K, V> = stancegraph_linear::FnvMap<K, V>;
/// A hash set with FNV-1a.
pub type FastSet<K> = stancegraph_linear::FnvSet<K>;

/// A stable 64-bit hash of a feature (template id plus strings). FNV-1a with a final mix:
/// stable across Rust versions, so model files stay valid.
#[derive(Clone, Copy)]
pub struct FeatureHash(Fnv);

impl FeatureHash {
    #[inline]
    pub fn new(template: u8) -> Self {
        FeatureHash(Fnv::new().byte(template))
    }

    #[inline]
    pub fn str(self, s: &str) -> Self {
        // Separator so ("ab","c") differs from ("a","bc").
        FeatureHash(self.0.bytes(s.as_bytes()).byte(0xff))
    }

    #[inline]
    pub fn num(self, v: u64) -> Self {
        FeatureHash(self.0.word(v.wrapping_mul(0x9e37_79b9_7f4a_7c15)))
    }

    #[inline]
    pub fn finish(self) -> u64 {
        let mut x = self.0.value();
        x ^= x >> 33;
        x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
        x ^= x >> 33;
        x
    }
}

// Template ids. Changing them invalidates trained models.
const T_BIAS: u8 = 1;
const T_WORD: u8 = 2;
const T_LOWER: u8 = 3; // + offset
const T_SHAPE: u8 = 10;
const T_SHORT_SHAPE: u8 = 11; // + offset
const T_PREFIX: u8 = 20;
const T_SUFFIX: u8 = 21;
const T_BIGRAM_LEFT: u8 = 22;
const T_BIGRAM_RIGHT: u8 = 23;
const T_SHAPE_TRIGRAM: u8 = 24;
const T_SHAPE_LEFT: u8 = 25;
const T_SHAPE_RIGHT: u8 = 26;
const T_FIRST: u8 = 27;
const T_CAPS_SENTENCE: u8 = 28;
const T_PREV_WORD_SHAPE: u8 = 29;
const T_SHAPE_NEXT_WORD: u8 = 30;
const T_HYPHEN_PART: u8 = 31;
const T_GAZ: u8 = 32;
const T_GAZ_CAP: u8 = 33;
const T_GAZ_BEFORE: u8 = 34;
const T_GAZ_AFTER: u8 = 35;
const T_DOC_CASE: u8 = 36;
const T_CLUSTER: u8 = 37; // + offset
const T_CASE_CLASS: u8 = 47;
const T_PRIOR_LABEL: u8 = 40; // + offset
const T_PRIOR_WORD_TYPE: u8 = 44;
const T_PRIOR_WORD_MAJORITY: u8 = 45;
const T_PRIOR_LABEL_WORD: u8 = 46;
const T_PREV_LABEL: u8 = 50;
const T_PREV_TWO_LABELS: u8 = 51;
const T_PREV_LABEL_WORD: u8 = 52;
const T_PREV_LABEL_SHAPE: u8 = 53;
const T_HISTORY_LAST: u8 = 54;
const T_HISTORY_MAJORITY: u8 = 55;
const T_HISTORY_LAST_SHAPE: u8 = 56;
const T_CLUSTER_FAR: u8 = 57; // + offset (the words two to the left and right)
const T_PREV_LABEL_CLUSTER: u8 = 59;
const T_CLUSTER_BIGRAM: u8 = 60;
const T_VECTOR_CLUSTER: u8 = 61; // + offset (the word and its neighbours)
const T_VECTOR_FAR: u8 = 64; // + offset (the words two to the left and right)
const T_PREV_LABEL_VECTOR: u8 = 66;

/// A word's shape: `Xxxx` → `Xx` (short) and `Xxxx` (long, runs capped at 4).
pub fn shapes(word: &str) -> (String, String) {
    (word_shape(word, 4), word_shape(word, 1))
}

/// Per-token strings computed once per document.
#[derive(Debug, Clone)]
pub struct TokenView<'a> {
    pub word: &'a str,
    pub lower: String,
    pub shape: String,
    pub short_shape: String,
    pub capitalised: bool,
    /// The word's middle-granularity cluster id, if it has clusters.
    pub cluster: Option<u32>,
    /// The word's static-vector row and clusters, if the vectors know it.
    pub vector: Option<(u16, [u16; 3])>,
}

impl<'a> TokenView<'a> {
    pub fn new(word: &'a str, clusters: &Clusters) -> Self {
        let (shape, short_shape) = shapes(word);
        let lower = word.to_lowercase();
        TokenView {
            word,
            vector: vector_paths(clusters, word, &lower),
            lower,
            shape,
            short_shape,
            capitalised: word.chars().next().is_some_and(char::is_uppercase),
            cluster: cluster_paths(clusters, word).and_then(|p| p.get(1).copied()),
        }
    }
}

/// A document prepared for tagging: token views per sentence and document statistics.
pub struct PreparedDocument<'a> {
    pub sentences: Vec<Vec<TokenView<'a>>>,
    /// Lower-cased form → (seen capitalised inside a sentence, seen lower-case).
    case_stats: FastMap<String, (bool, bool)>,
    /// First-pass labels (BILOU ids) per sentence, for the second-pass tagger.
    prior: Option<Vec<Vec<usize>>>,
    /// First-pass coarse label counts of each capitalised lower-cased word in the document.
    prior_words: FastMap<String, [u16; 5]>,
}

impl<'a> PreparedDocument<'a> {
    pub fn new(sentences: &[Vec<&'a str>], clusters: &Clusters) -> Self {
        let sentences: Vec<Vec<TokenView<'a>>> = sentences
            .iter()
            .map(|s| s.iter().map(|w| TokenView::new(w, clusters)).collect())
            .collect();
        let mut case_stats: FastMap<String, (bool, bool)> = FastMap::default();
        for sentence in &sentences {
            let headline = is_caps_sentence(sentence);
            for (i, token) in sentence.iter().enumerate() {
                if !token.word.chars().next().is_some_and(char::is_alphabetic) {
                    continue;
                }
                if token.capitalised && i > 0 && !headline && token.shape.contains('x') {
                    case_stats.entry(token.lower.clone()).or_default().0 = true;
                } else if !token.capitalised {
                    case_stats.entry(token.lower.clone()).or_default().1 = true;
                }
            }
        }
        PreparedDocument {
            sentences,
            case_stats,
            prior: None,
            prior_words: FastMap::default(),
        }
    }

    /// Adds first-pass labels (the second pass reads them as features).
    pub fn set_prior(&mut self, labels: Vec<Vec<usize>>) {
        let mut words: FastMap<String, [u16; 5]> = FastMap::default();
        for (sentence, labels) in self.sentences.iter().zip(&labels) {
            for (token, &label) in sentence.iter().zip(labels) {
                if token.capitalised {
                    let coarse = if label == 0 { 0 } else { 1 + (label - 1) / 4 };
                    if let Some(c) = words
                        .entry(token.lower.clone())
                        .or_default()
                        .get_mut(coarse)
                    {
                        *c = c.saturating_add(1);
                    }
                }
            }
        }
        self.prior_words = words;
        self.prior = Some(labels);
    }
}

/// True for headline-like sentences whose letters are all capitals.
fn is_caps_sentence(sentence: &[TokenView<'_>]) -> bool {
    let mut letters = 0;
    for token in sentence {
        if token.word.chars().any(char::is_lowercase) {
            return false;
        }
        if token.word.chars().any(char::is_alphabetic) {
            letters += 1;
        }
    }
    letters > 1
}

/// Static feature hashes of a sentence's tokens: token `i` has
/// `features[offsets[i]..offsets[i + 1]]`.
#[derive(Debug, Clone, Default)]
pub struct SentenceFeatures {
    pub features: Vec<u64>,
    pub offsets: Vec<usize>,
}

impl SentenceFeatures {
    pub fn token(&self, i: usize) -> &[u64] {
        let start = self.offsets.get(i).copied().unwrap_or(0);
        let end = self.offsets.get(i + 1).copied().unwrap_or(start);
        self.features.get(start..end).unwrap_or(&[])
    }
}

/// Computes features; owns the gazetteer and clusters.
pub struct FeatureExtractor {
    pub lexicon: Lexicon,
    pub clusters: Clusters,
}

const BOUNDARY_LEFT: &str = "<s>";
const BOUNDARY_RIGHT: &str = "</s>";

impl FeatureExtractor {
    /// Static features (independent of predictions) of every token of a sentence, appended
    /// to `out` with `offsets[i]..offsets[i+1]` delimiting token `i`.
    pub fn sentence_features(
        &self,
        doc: &PreparedDocument<'_>,
        sentence_index: usize,
        out: &mut Vec<u64>,
        offsets: &mut Vec<usize>,
        matches: &mut Vec<LexiconMatch>,
    ) {
        out.clear();
        offsets.clear();
        let sentence: &[TokenView<'_>] = doc
            .sentences
            .get(sentence_index)
            .map_or(&[], |s| s.as_slice());
        let lowers: Vec<&str> = sentence.iter().map(|t| t.lower.as_str()).collect();
        self.lexicon.matches(&lowers, matches);
        let headline = is_caps_sentence(sentence);
        let paths_of: Vec<Option<&[u32]>> = sentence
            .iter()
            .map(|t| cluster_paths(&self.clusters, t.word))
            .collect();
        let lower_at = |i: isize| -> &str {
            if i < 0 {
                BOUNDARY_LEFT
            } else {
                sentence
                    .get(i as usize)
                    .map_or(BOUNDARY_RIGHT, |t| t.lower.as_str())
            }
        };
        let short_at = |i: isize| -> &str {
            if i < 0 {
                BOUNDARY_LEFT
            } else {
                sentence
                    .get(i as usize)
                    .map_or(BOUNDARY_RIGHT, |t| t.short_shape.as_str())
            }
        };
        for (i, token) in sentence.iter().enumerate() {
            offsets.push(out.len());
            let at = i as isize;
            out.push(FeatureHash::new(T_BIAS).finish());
            out.push(FeatureHash::new(T_WORD).str(token.word).finish());
            for k in -2isize..=2 {
                out.push(
                    FeatureHash::new(T_LOWER)
                        .num((k + 2) as u64)
                        .str(lower_at(at + k))
                        .finish(),
                );
            }
            out.push(FeatureHash::new(T_SHAPE).str(&token.shape).finish());
            for k in -1isize..=1 {
                out.push(
                    FeatureHash::new(T_SHORT_SHAPE)
                        .num((k + 1) as u64)
                        .str(short_at(at + k))
                        .finish(),
                );
            }
            let chars: Vec<(usize, char)> = token.word.char_indices().collect();
            for len in 1..=4usize.min(chars.len()) {
                let prefix_end = chars.get(len).map_or(token.word.len(), |&(b, _)| b);
                let suffix_start = chars.get(chars.len() - len).map_or(0, |&(b, _)| b);
                out.push(
                    FeatureHash::new(T_PREFIX)
                        .str(&token.word[..prefix_end])
                        .finish(),
                );
                out.push(
                    FeatureHash::new(T_SUFFIX)
                        .str(&token.word[suffix_start..])
                        .finish(),
                );
            }
            out.push(
                FeatureHash::new(T_BIGRAM_LEFT)
                    .str(lower_at(at - 1))
                    .str(&token.lower)
                    .finish(),
            );
            out.push(
                FeatureHash::new(T_BIGRAM_RIGHT)
                    .str(&token.lower)
                    .str(lower_at(at + 1))
                    .finish(),
            );
            out.push(
                FeatureHash::new(T_SHAPE_TRIGRAM)
                    .str(short_at(at - 1))
                    .str(&token.short_shape)
                    .str(short_at(at + 1))
                    .finish(),
            );
            out.push(
                FeatureHash::new(T_SHAPE_LEFT)
                    .str(short_at(at - 1))
                    .str(&token.short_shape)
                    .finish(),
            );
            out.push(
                FeatureHash::new(T_SHAPE_RIGHT)
                    .str(&token.short_shape)
                    .str(short_at(at + 1))
                    .finish(),
            );
            out.push(
                FeatureHash::new(T_FIRST)
                    .num((i == 0) as u64)
                    .str(&token.short_shape)
                    .finish(),
            );
            if headline {
                out.push(FeatureHash::new(T_CAPS_SENTENCE).str(&token.lower).finish());
            }
            out.push(
                FeatureHash::new(T_PREV_WORD_SHAPE)
                    .str(lower_at(at - 1))
                    .str(&token.short_shape)
                    .finish(),
            );
            out.push(
                FeatureHash::new(T_SHAPE_NEXT_WORD)
                    .str(&token.short_shape)
                    .str(lower_at(at + 1))
                    .finish(),
            );
            if token.word.len() < 40 && token.word.contains('-') {
                for part in token.lower.split('-').filter(|p| !p.is_empty()) {
                    out.push(FeatureHash::new(T_HYPHEN_PART).str(part).finish());
                }
            }
            for m in matches.iter() {
                let covers = m.start <= i && i < m.end;
                for &(bit, name) in &category::NAMES {
                    if m.categories & bit == 0 {
                        continue;
                    }
                    if covers {
                        let position = if m.end - m.start == 1 {
                            0
                        } else if i == m.start {
                            1
                        } else if i + 1 == m.end {
                            3
                        } else {
                            2
                        };
                        out.push(FeatureHash::new(T_GAZ).str(name).num(position).finish());
                        out.push(
                            FeatureHash::new(T_GAZ_CAP)
                                .str(name)
                                .num(position)
                                .num(token.capitalised as u64)
                                .finish(),
                        );
                    } else if m.end == i {
                        out.push(FeatureHash::new(T_GAZ_BEFORE).str(name).finish());
                    } else if m.start == i + 1 {
                        out.push(FeatureHash::new(T_GAZ_AFTER).str(name).finish());
                    }
                }
            }
            if token.word.chars().next().is_some_and(char::is_alphabetic) {
                let class = self.clusters.case_class(&token.lower).map_or(9, u64::from);
                let context = if headline { 2 } else { (i == 0) as u64 };
                out.push(
                    FeatureHash::new(T_CASE_CLASS)
                        .num(class)
                        .num(context)
                        .num(token.capitalised as u64)
                        .finish(),
                );
            }
            if token.capitalised {
                let (cap, low) = doc
                    .case_stats
                    .get(&token.lower)
                    .copied()
                    .unwrap_or_default();
                let context = if headline { 2 } else { (i == 0) as u64 };
                out.push(
                    FeatureHash::new(T_DOC_CASE)
                        .num(cap as u64)
                        .num(low as u64)
                        .num(context)
                        .finish(),
                );
            }
            // Clusters of the ±1 words at every granularity, of the ±2 words at the coarser
            // two (Ratinov & Roth 2009 use a ±2 window).
            for k in -2isize..=2 {
                let Some(paths) = usize::try_from(at + k)
                    .ok()
                    .and_then(|j| paths_of.get(j).copied().flatten())
                else {
                    continue;
                };
                for (level, path) in paths.iter().enumerate() {
                    let template = if k.abs() == 2 {
                        if level == 2 {
                            continue;
                        }
                        FeatureHash::new(T_CLUSTER_FAR).num((k + 2) as u64)
                    } else {
                        FeatureHash::new(T_CLUSTER + (k + 1) as u8)
                    };
                    out.push(template.num(level as u64).num(*path as u64).finish());
                }
            }
            // Coarse cluster pair of the previous word and this one ("Mr" + surname-like).
            let coarse_at = |j: isize| -> u64 {
                usize::try_from(j)
                    .ok()
                    .and_then(|j| paths_of.get(j).copied().flatten())
                    .and_then(|p| p.first().copied())
                    .map_or(9999, u64::from)
            };
            out.push(
                FeatureHash::new(T_CLUSTER_BIGRAM)
                    .num(coarse_at(at - 1))
                    .num(coarse_at(at))
                    .finish(),
            );
            // Static-vector clusters of the ±1 words: three granularities and the row; of
            // the ±2 words: the coarser two.
            for k in -2isize..=2 {
                let Some((row, paths)) = usize::try_from(at + k)
                    .ok()
                    .and_then(|j| sentence.get(j))
                    .and_then(|t| t.vector)
                else {
                    continue;
                };
                let (template, ids) = if k.abs() == 2 {
                    (T_VECTOR_FAR + (k > 0) as u8, &paths[..2])
                } else {
                    (T_VECTOR_CLUSTER + (k + 1) as u8, &paths[..])
                };
                let row = (k.abs() < 2).then_some(row);
                for (level, id) in ids.iter().copied().chain(row).enumerate() {
                    out.push(
                        FeatureHash::new(template)
                            .num(level as u64)
                            .num(u64::from(id))
                            .finish(),
                    );
                }
            }
        }
        offsets.push(out.len());
    }

    /// Second-pass features of token `i` of sentence `sentence_index`: the first pass's
    /// labels around it and what the first pass called the same word elsewhere.
    pub fn prior_features(
        &self,
        doc: &PreparedDocument<'_>,
        sentence_index: usize,
        i: usize,
        out: &mut Vec<u64>,
    ) {
        let prior = doc.prior.as_ref().and_then(|p| p.get(sentence_index));
        let Some(token) = doc.sentences.get(sentence_index).and_then(|s| s.get(i)) else {
            return;
        };
        let at = i as isize;
        if let Some(prior) = prior {
            let label_at = |j: isize| -> u64 {
                usize::try_from(j)
                    .ok()
                    .and_then(|j| prior.get(j))
                    .map_or(99, |&l| l as u64)
            };
            for k in -1isize..=1 {
                out.push(
                    FeatureHash::new(T_PRIOR_LABEL + (k + 1) as u8)
                        .num(label_at(at + k))
                        .finish(),
                );
            }
            out.push(
                FeatureHash::new(T_PRIOR_LABEL_WORD)
                    .num(label_at(at))
                    .str(&token.short_shape)
                    .finish(),
            );
            if token.capitalised {
                if let Some(counts) = doc.prior_words.get(&token.lower) {
                    // Counts include this token's own label; remove it.
                    let own = prior
                        .get(i)
                        .map_or(0, |&l| if l == 0 { 0 } else { 1 + (l - 1) / 4 });
                    let mut others = *counts;
                    if let Some(c) = others.get_mut(own) {
                        *c = c.saturating_sub(1);
                    }
                    for (t, &c) in others.iter().enumerate().skip(1) {
                        if c > 0 {
                            out.push(FeatureHash::new(T_PRIOR_WORD_TYPE).num(t as u64).finish());
                        }
                    }
                    let majority = others
                        .iter()
                        .enumerate()
                        .filter(|(_, &c)| c > 0)
                        .max_by_key(|&(t, &c)| (c, std::cmp::Reverse(t)))
                        .map_or(9, |(t, _)| t as u64);
                    out.push(
                        FeatureHash::new(T_PRIOR_WORD_MAJORITY)
                            .num(majority)
                            .finish(),
                    );
                }
            }
        }
    }

    /// Features of every sentence of a document: static ones, plus second-pass ones when
    /// the document has first-pass labels.
    pub fn document_features(&self, doc: &PreparedDocument<'_>) -> Vec<SentenceFeatures> {
        let mut matches = Vec::new();
        (0..doc.sentences.len())
            .map(|s| {
                let mut features = SentenceFeatures::default();
                self.sentence_features(
                    doc,
                    s,
                    &mut features.features,
                    &mut features.offsets,
                    &mut matches,
                );
                if doc.prior.is_some() {
                    features = self.with_prior(doc, s, &features);
                }
                features
            })
            .collect()
    }

    /// `statics` of sentence `s` with the second-pass features appended to each token.
    pub fn with_prior(
        &self,
        doc: &PreparedDocument<'_>,
        s: usize,
        statics: &SentenceFeatures,
    ) -> SentenceFeatures {
        let mut out = SentenceFeatures::default();
        let tokens = statics.offsets.len().saturating_sub(1);
        let mut extra = Vec::new();
        for i in 0..tokens {
            out.offsets.push(out.features.len());
            out.features.extend_from_slice(statics.token(i));
            extra.clear();
            self.prior_features(doc, s, i, &mut extra);
            out.features.extend_from_slice(&extra);
        }
        out.offsets.push(out.features.len());
        out
    }
}

/// What the document has seen of a word so far: label types assigned to it.
#[derive(Debug, Clone, Copy, Default)]
pub struct WordHistory {
    pub counts: [u16; 5],
    pub last: u8,
}

/// Dynamic features of token `token` given the two previous labels and its history.
pub fn dynamic_features(
    prev1: u8,
    prev2: u8,
    token: &TokenView<'_>,
    history: Option<&WordHistory>,
    out: &mut Vec<u64>,
) {
    out.clear();
    out.push(FeatureHash::new(T_PREV_LABEL).num(prev1 as u64).finish());
    out.push(
        FeatureHash::new(T_PREV_TWO_LABELS)
            .num(prev1 as u64)
            .num(prev2 as u64)
            .finish(),
    );
    out.push(
        FeatureHash::new(T_PREV_LABEL_WORD)
            .num(prev1 as u64)
            .str(&token.lower)
            .finish(),
    );
    out.push(
        FeatureHash::new(T_PREV_LABEL_SHAPE)
            .num(prev1 as u64)
            .str(&token.short_shape)
            .finish(),
    );
    if let Some(cluster) = token.cluster {
        out.push(
            FeatureHash::new(T_PREV_LABEL_CLUSTER)
                .num(prev1 as u64)
                .num(u64::from(cluster))
                .finish(),
        );
    }
    if let Some((_, paths)) = token.vector {
        out.push(
            FeatureHash::new(T_PREV_LABEL_VECTOR)
                .num(prev1 as u64)
                .num(u64::from(paths[1]))
                .finish(),
        );
    }
    if let Some(history) = history {
        out.push(
            FeatureHash::new(T_HISTORY_LAST)
                .num(history.last as u64)
                .finish(),
        );
        out.push(
            FeatureHash::new(T_HISTORY_LAST_SHAPE)
                .num(history.last as u64)
                .str(&token.short_shape)
                .finish(),
        );
        let majority = history
            .counts
            .iter()
            .enumerate()
            .max_by_key(|&(i, c)| (*c, std::cmp::Reverse(i)))
            .map_or(0, |(i, _)| i);
        out.push(
            FeatureHash::new(T_HISTORY_MAJORITY)
                .num(majority as u64)
                .finish(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_collapse_runs() {
        assert_eq!(shapes("Bessent"), ("Xxxxx".to_string(), "Xx".to_string()));
        assert_eq!(shapes("U.S."), ("X.X.".to_string(), "X.X.".to_string()));
        assert_eq!(
            shapes("1996-08-22"),
            ("dddd-dd-dd".to_string(), "d-d-d".to_string())
        );
    }

    fn clusters_of(entries: &[(&str, [u32; 3])]) -> Clusters {
        let map = entries
            .iter()
            .map(|(word, paths)| (word.to_string(), paths.to_vec()))
            .collect();
        Clusters::from_entries(map, FastMap::default())
    }

    #[test]
    fn an_all_caps_headline_word_takes_the_clusters_of_its_title_case_form() {
        let clusters = clusters_of(&[("Germany", [1, 2, 3]), ("US", [4, 5, 6])]);
        assert_eq!(cluster_paths(&clusters, "GERMANY"), Some(&[1, 2, 3][..]));
        // A word with clusters of its own keeps them; lower case and one letter never fold.
        assert_eq!(cluster_paths(&clusters, "US"), Some(&[4, 5, 6][..]));
        assert_eq!(cluster_paths(&clusters, "germany"), None);
        assert_eq!(cluster_paths(&clusters, "G"), None);
        // In a document: the headline's "GERMANY" gets the cluster features of the body's
        // "Germany" (same neighbours' clusters aside).
        let extractor = FeatureExtractor {
            lexicon: Lexicon::builtin(),
            clusters,
        };
        let sentences = vec![
            vec!["GERMANY", "BEAT", "ITALY"],
            vec!["Germany", "won", "."],
        ];
        let doc = PreparedDocument::new(&sentences, &extractor.clusters);
        assert_eq!(doc.sentences[0][0].cluster, Some(2));
        let features = extractor.document_features(&doc);
        let own_cluster = FeatureHash::new(T_CLUSTER + 1).num(2).num(3).finish();
        assert!(features[0].token(0).contains(&own_cluster));
        assert!(features[1].token(0).contains(&own_cluster));
        // "ITALY" sees it as its neighbour two to the left (coarsest level).
        let far = FeatureHash::new(T_CLUSTER_FAR)
            .num(0)
            .num(0)
            .num(1)
            .finish();
        assert!(features[0].token(2).contains(&far));
    }

    #[test]
    fn hashes_are_stable_and_separate_fields() {
        let a = FeatureHash::new(1).str("ab").str("c").finish();
        let b = FeatureHash::new(1).str("a").str("bc").finish();
        assert_ne!(a, b);
        assert_eq!(a, FeatureHash::new(1).str("ab").str("c").finish());
        // Keys are stored in data/models/entities/ner.bin: this value may never change.
        assert_eq!(
            FeatureHash::new(2).str("Bessent").num(7).finish(),
            0x5f4d_f6be_0212_3677
        );
    }
}
