//! Duplicate detection across one read: exact (SHA-256 of the normalised text) and near
//! duplicates (MinHash of word 3-shingles with LSH banding, estimated Jaccard similarity).

use std::collections::HashMap;

use sha2::{Digest, Sha256};
use stancegraph_linear::Fnv;

const HASHES: usize = 64;
const BANDS: usize = 16;
const ROWS: usize = HASHES / BANDS;

/// Remembers the documents seen so far in a run.
#[derive(Debug, Default)]
pub struct Deduplicator {
    exact: HashMap<[u8; 32], String>,
    /// LSH: (band, hash of the band's rows) → documents; near duplicates share a band
    /// with high probability (≈1 at similarity 0.8 with 16 bands of 4 rows).
    bands: HashMap<(usize, u64), Vec<usize>>,
    signatures: Vec<([u64; HASHES], String)>,
    min_similarity: f32,
}

/// Why a document is a duplicate.
#[derive(Debug, Clone, PartialEq)]
pub enum Duplicate {
    /// Same normalised text (SHA-256) as an earlier document.
    Exact {
        /// Id of the earlier document.
        original: String,
    },
    /// Estimated shingle similarity at or over the threshold with an earlier document.
    Near {
        /// Id of the earlier document.
        original: String,
        /// Estimated Jaccard similarity of word 3-shingles (0..=1).
        similarity: f32,
    },
}

impl Duplicate {
    /// The human-readable reason written to a skipped document's record.
    pub fn reason(&self) -> String {
        match self {
            Duplicate::Exact { original } => format!("exact duplicate of `{original}`"),
            Duplicate::Near {
                original,
                similarity,
            } => {
                format!(
                    "near duplicate of `{original}` (estimated shingle similarity {similarity:.2})"
                )
            }
        }
    }
}

impl Deduplicator {
    /// `min_similarity` (0..1) is the estimated Jaccard similarity of word 3-shingles from
    /// which a document is a near duplicate; 0 disables near-duplicate detection.
    pub fn new(min_similarity: f32) -> Self {
        Deduplicator {
            min_similarity,
            ..Default::default()
        }
    }

    /// Records `text` under `id`, or returns the earlier document it duplicates.
    pub fn check(&mut self, id: &str, text: &str) -> Option<Duplicate> {
        let digest: [u8; 32] = Sha256::digest(text.as_bytes()).into();
        if let Some(original) = self.exact.get(&digest) {
            return Some(Duplicate::Exact {
                original: original.clone(),
            });
        }
        self.exact.insert(digest, id.to_string());
        if self.min_similarity.is_nan() || self.min_similarity <= 0.0 {
            return None;
        }
        let words: Vec<String> = text.split_whitespace().map(|w| w.to_lowercase()).collect();
        if words.len() < 20 {
            return None;
        }
        let signature = minhash(&words);
        let keys: Vec<(usize, u64)> = (0..BANDS)
            .map(|band| (band, band_key(&signature, band)))
            .collect();
        let mut best: Option<(f32, usize)> = None;
        for key in &keys {
            for &index in self.bands.get(key).into_iter().flatten() {
                let Some((other, _)) = self.signatures.get(index) else {
                    continue;
                };
                let equal = signature.iter().zip(other).filter(|(a, b)| a == b).count();
                let similarity = equal as f32 / HASHES as f32;
                if similarity >= self.min_similarity && best.is_none_or(|(s, _)| similarity > s) {
                    best = Some((similarity, index));
                }
            }
        }
        if let Some((similarity, index)) = best {
            let original = self
                .signatures
                .get(index)
                .map(|(_, id)| id.clone())
                .unwrap_or_default();
            return Some(Duplicate::Near {
                original,
                similarity,
            });
        }
        let index = self.signatures.len();
        self.signatures.push((signature, id.to_string()));
        for key in keys {
            self.bands.entry(key).or_default().push(index);
        }
        None
    }
}

fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e3779b97f4a7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58476d1ce4e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d049bb133111eb);
    x ^ (x >> 31)
}

/// MinHash signature over word 3-shingles (FNV-1a, re-mixed per hash function).
fn minhash(words: &[String]) -> [u64; HASHES] {
    let mut signature = [u64::MAX; HASHES];
    for shingle in words.windows(3) {
        let h = shingle
            .iter()
            .fold(Fnv::new(), |h, word| h.bytes(word.as_bytes()).byte(b' '))
            .value();
        for (i, slot) in signature.iter_mut().enumerate() {
            let value = splitmix(h ^ (i as u64).wrapping_mul(0x9e3779b97f4a7c15));
            if value < *slot {
                *slot = value;
            }
        }
    }
    signature
}

fn band_key(signature: &[u64; HASHES], band: usize) -> u64 {
    signature
        .iter()
        .skip(band * ROWS)
        .take(ROWS)
        .fold(band as u64, |acc, v| splitmix(acc ^ v))
}

#[cfg(test)]
mod tests {
    use super::*;

    const STORY: &str = "Treasury Secretary Scott Bessent is preparing for critical talks with Chinese Vice-Premier He Lifeng amid escalating tensions over export controls on rare earth minerals, which carry significant implications for global supply chains and could decide whether the two leaders meet in South Korea later this month. The talks follow a scheduled phone call on Friday evening ahead of a planned meeting in Malaysia, officials said, and both sides have signalled that they want to avoid a return to the punishing tariffs of the spring.";

    #[test]
    fn exact_and_near_duplicates_name_the_original() {
        let mut dedup = Deduplicator::new(0.7);
        assert_eq!(dedup.check("a", STORY), None);
        assert_eq!(
            dedup.check("b", STORY),
            Some(Duplicate::Exact {
                original: "a".into()
            })
        );
        let edited = STORY.replace("critical", "crucial");
        match dedup.check("c", &edited) {
            Some(Duplicate::Near {
                original,
                similarity,
            }) => {
                assert_eq!(original, "a");
                assert!(similarity > 0.8, "{similarity}");
            }
            other => panic!("expected a near duplicate, got {other:?}"),
        }
        let other = "The city council approved a new harbour budget on Tuesday after a long debate about costs, schools, roads and the future of the old port district, which residents say has been neglected for decades by successive administrations.";
        assert_eq!(dedup.check("d", other), None);
    }
}
