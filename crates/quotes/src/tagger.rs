//! A BIO sequence tagger for attribution roles (source, cue, content) over the document's
//! tokens: an averaged structured perceptron with hashed features and Viterbi decoding.
//! Features read words, the cue lexicon, quote marks, sentence position and, when the
//! document has them, POS tags and the dependency parse. Decoding runs over the whole
//! document (contents may cross sentences) in O(tokens × tags²).

use std::path::Path;

use stancegraph_core::{Document, Span};
use stancegraph_linear::{
    load_model, save_model, Fnv, FormatError, Header, LinearError, Reader, Shuffler, Trainer,
    Writer,
};

use crate::lexicon::{normalise, CueLexicon};
use crate::marks::QuoteRegion;
use crate::QuotesError;

/// Tags: O, then B/I for source, cue, content.
pub const TAGS: usize = 7;
/// The outside tag: the token has no role. B-X is [`begin_tag`]`(X)`, I-X the tag after it.
pub const O: usize = 0;
/// Model file header (the layout is the one of the former `SGQTAG01` files).
const HEADER: Header = Header::new("quote tagger", *b"QTAG", 1);

/// Roles as [`role_of`] numbers them.
pub const SOURCE: usize = 0;
/// See [`SOURCE`].
pub const CUE: usize = 1;
/// See [`SOURCE`].
pub const CONTENT: usize = 2;

/// The B tag of `role` (its I tag is the next).
pub const fn begin_tag(role: usize) -> usize {
    1 + 2 * role
}

/// Which role a B/I tag belongs to (0 source, 1 cue, 2 content).
pub fn role_of(tag: usize) -> Option<usize> {
    (tag != O).then(|| (tag - 1) / 2)
}

/// Whether `tag` is a B (begin) tag, i.e. starts a new span of its role.
pub fn is_begin(tag: usize) -> bool {
    tag != O && (tag - 1).is_multiple_of(2)
}

fn allowed(prev: usize, tag: usize) -> bool {
    // I-X only after B-X or I-X.
    if tag == O || is_begin(tag) {
        return true;
    }
    prev != O && role_of(prev) == role_of(tag)
}

/// FNV-1a seeded by feature family, stable across builds and platforms (feature ids are
/// stored in the model).
fn fnv(bytes: &[u8], seed: u64) -> u64 {
    Fnv::with_seed(seed).bytes(bytes).value()
}

fn mix(a: u64, b: u64) -> u64 {
    let mut h = a ^ b.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    h ^= h >> 29;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^ (h >> 32)
}

fn bucket(distance: usize) -> u64 {
    match distance {
        0 => 0,
        1 => 1,
        2 => 2,
        3..=4 => 3,
        5..=8 => 4,
        9..=16 => 5,
        _ => 6,
    }
}

/// The hashed feature rows of one document: [`Features::token`]`(i)` lists the feature slots
/// of token `i`.
pub struct Features {
    /// Feature buckets of all tokens, concatenated; each is below the tagger's `buckets`.
    pub slots: Vec<u32>,
    /// Start of each token's run in `slots`, plus the final end (tokens + 1 entries).
    pub offsets: Vec<usize>,
}

impl Features {
    /// The feature buckets of token `i` (token index, not byte offset); empty when out of
    /// range.
    pub fn token(&self, i: usize) -> &[u32] {
        let start = self.offsets.get(i).copied().unwrap_or(0);
        let end = self.offsets.get(i + 1).copied().unwrap_or(start);
        self.slots.get(start..end).unwrap_or(&[])
    }

    /// Number of tokens.
    pub fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// Whether there are no tokens.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A coarse class of a token from its first character (capitalised, all caps, lower case,
/// number, kinds of quote mark and punctuation): ten values, cheaper than a word shape
/// and all the tagger needs to find quote boundaries.
fn token_class(word: &str) -> u64 {
    let mut chars = word.chars();
    let first = chars.next();
    match first {
        None => 0,
        Some(c) if c.is_uppercase() => {
            if word.chars().all(|c| !c.is_lowercase()) {
                1
            } else {
                2
            }
        }
        Some(c) if c.is_lowercase() => 3,
        Some(c) if c.is_numeric() => 4,
        Some('"' | '“' | '”' | '«' | '»') => 5,
        Some('\'' | '‘' | '’') => 6,
        Some(',' | ';' | ':') => 7,
        Some('.' | '!' | '?') => 8,
        Some(_) => 9,
    }
}

#[allow(clippy::needless_range_loop)] // parallel per-token arrays
/// Computes hashed features for every token of `doc`. `quotes` are its quote regions.
pub fn extract(
    doc: &Document,
    lexicon: &CueLexicon,
    quotes: &[QuoteRegion],
    buckets: u32,
) -> Features {
    let n = doc.tokens.len();
    let mut words = Vec::with_capacity(n);
    let mut suffixes = Vec::with_capacity(n);
    let mut shapes = Vec::with_capacity(n);
    let mut cue = Vec::with_capacity(n);
    let mut buf = String::new();
    for token in &doc.tokens {
        let raw = doc.slice(token.span);
        normalise(raw, &mut buf);
        words.push(fnv(buf.as_bytes(), 1));
        let suffix_start = buf.char_indices().rev().nth(2).map_or(0, |(i, _)| i);
        suffixes.push(fnv(buf.get(suffix_start..).unwrap_or("").as_bytes(), 2));
        shapes.push(token_class(raw));
        let p = lexicon.cue_probability(&buf);
        cue.push(if p >= 0.5 {
            4
        } else if p >= 0.2 {
            3
        } else if p >= 0.05 {
            2
        } else if p > 0.0 {
            1
        } else {
            0
        });
    }
    // Quote depth per token: regions sorted by start; sweep with a pointer (linear).
    let mut in_quote = vec![0u64; n];
    let mut region = 0;
    let top: Vec<&QuoteRegion> = quotes.iter().filter(|r| r.depth == 0).collect();
    for (i, token) in doc.tokens.iter().enumerate() {
        while top
            .get(region)
            .is_some_and(|r| r.outer().end <= token.span.start)
        {
            region += 1;
        }
        if let Some(r) = top.get(region) {
            if r.open == token.span {
                in_quote[i] = 2;
            } else if r.close == Some(token.span) {
                in_quote[i] = 3;
            } else if r.inner.start <= token.span.start && token.span.end <= r.inner.end {
                in_quote[i] = 1;
            }
        }
    }
    // Nearest strong cue to the left and right within the sentence.
    let mut left = vec![(usize::MAX, 0u64); n];
    let mut right = vec![(usize::MAX, 0u64); n];
    let mut last: Option<usize> = None;
    for i in 0..n {
        if i > 0 && doc.tokens[i].sentence != doc.tokens[i - 1].sentence {
            last = None;
        }
        if let Some(j) = last {
            left[i] = (i - j, words[j]);
        }
        if cue[i] >= 3 {
            last = Some(i);
        }
    }
    last = None;
    for i in (0..n).rev() {
        if i + 1 < n && doc.tokens[i].sentence != doc.tokens[i + 1].sentence {
            last = None;
        }
        if let Some(j) = last {
            right[i] = (j - i, words[j]);
        }
        if cue[i] >= 3 {
            last = Some(i);
        }
    }
    // Position within the sentence.
    let mut sentence_start = vec![0usize; n];
    let mut sentence_end = vec![0usize; n];
    for i in 0..n {
        sentence_start[i] = if i > 0 && doc.tokens[i].sentence == doc.tokens[i - 1].sentence {
            sentence_start[i - 1]
        } else {
            i
        };
    }
    for i in (0..n).rev() {
        sentence_end[i] = if i + 1 < n && doc.tokens[i].sentence == doc.tokens[i + 1].sentence {
            sentence_end[i + 1]
        } else {
            i
        };
    }
    let pos_hash = |i: usize| {
        doc.tokens
            .get(i)
            .and_then(|t| t.upos.as_deref())
            .map_or(7, |p| fnv(p.as_bytes(), 3))
    };
    let at = |v: &Vec<u64>, i: isize| -> u64 {
        if i < 0 {
            11
        } else {
            v.get(i as usize).copied().unwrap_or(13)
        }
    };
    // Parse path to the nearest cue ancestor: the relation just below the cue (ccomp →
    // content, nsubj → source), how far up it is and on which side of the cue the token sits.
    let mut cue_path = vec![0u64; n];
    for i in 0..n {
        if doc.tokens[i].head.is_none() {
            continue;
        }
        let mut child = i;
        let mut steps = 0u64;
        let mut found = 0u64;
        while steps < 12 {
            let Some(head) = doc
                .tokens
                .get(child)
                .and_then(|t| t.head)
                .map(|h| h as usize)
            else {
                break;
            };
            if head >= n || head == child {
                break;
            }
            if cue.get(head).is_some_and(|&c| c >= 3) {
                let rel = doc
                    .tokens
                    .get(child)
                    .and_then(|t| t.deprel.as_deref())
                    .unwrap_or("-");
                let rel = rel.split(':').next().unwrap_or(rel);
                let side = u64::from(i > head);
                found = mix(mix(fnv(rel.as_bytes(), 5), bucket(steps as usize)), side) | 1;
                break;
            }
            child = head;
            steps += 1;
        }
        cue_path[i] = found;
    }
    let mut slots = Vec::with_capacity(n * 40);
    let mut offsets = Vec::with_capacity(n + 1);
    let emit = |template: u64, value: u64, slots: &mut Vec<u32>| {
        slots.push((mix(template, value) % u64::from(buckets)) as u32);
    };
    for i in 0..n {
        offsets.push(slots.len());
        let s = i as isize;
        let w0 = words[i];
        let (ld, lw) = left[i];
        let (rd, rw) = right[i];
        let lb = if ld == usize::MAX { 9 } else { bucket(ld) };
        let rb = if rd == usize::MAX { 9 } else { bucket(rd) };
        let q = in_quote[i];
        let from_start = bucket(i - sentence_start[i]);
        let to_end = bucket(sentence_end[i] - i);
        emit(0, 0, &mut slots);
        emit(1, w0, &mut slots);
        emit(2, at(&words, s - 1), &mut slots);
        emit(3, at(&words, s + 1), &mut slots);
        emit(4, at(&words, s - 2), &mut slots);
        emit(5, at(&words, s + 2), &mut slots);
        emit(6, mix(at(&words, s - 1), w0), &mut slots);
        emit(7, mix(w0, at(&words, s + 1)), &mut slots);
        emit(8, suffixes[i], &mut slots);
        emit(9, shapes[i], &mut slots);
        emit(
            10,
            mix(mix(at(&shapes, s - 1), shapes[i]), at(&shapes, s + 1)),
            &mut slots,
        );
        emit(11, cue[i], &mut slots);
        emit(12, at(&cue, s - 1), &mut slots);
        emit(13, at(&cue, s + 1), &mut slots);
        emit(14, q, &mut slots);
        emit(15, mix(q, at(&in_quote, s - 1)), &mut slots);
        emit(16, mix(q, lb), &mut slots);
        emit(17, mix(q, rb), &mut slots);
        emit(18, mix(mix(lb, rb), q), &mut slots);
        emit(19, from_start, &mut slots);
        emit(20, to_end, &mut slots);
        emit(21, mix(w0, lb), &mut slots);
        emit(22, mix(w0, rb), &mut slots);
        emit(23, mix(lw, lb), &mut slots);
        emit(24, mix(rw, rb), &mut slots);
        emit(25, mix(mix(from_start, rb), shapes[i]), &mut slots);
        emit(26, mix(mix(to_end, lb), q), &mut slots);
        emit(27, mix(cue[i], mix(lb, rb)), &mut slots);
        emit(28, mix(at(&words, s - 1), rb), &mut slots);
        emit(29, mix(at(&words, s + 1), lb), &mut slots);
        if doc.tokens[i].upos.is_some() {
            emit(30, pos_hash(i), &mut slots);
            emit(
                31,
                mix(
                    mix(pos_hash(i.wrapping_sub(1)), pos_hash(i)),
                    pos_hash(i + 1),
                ),
                &mut slots,
            );
            emit(32, mix(pos_hash(i), mix(lb, rb)), &mut slots);
        }
        if let Some(rel) = doc.tokens[i].deprel.as_deref() {
            let rel = fnv(rel.as_bytes(), 4);
            let head = doc.tokens[i].head.map(|h| h as usize);
            let head_word = head.and_then(|h| words.get(h).copied()).unwrap_or(17);
            let head_cue = head.and_then(|h| cue.get(h).copied()).unwrap_or(0);
            emit(33, rel, &mut slots);
            emit(34, mix(rel, head_cue), &mut slots);
            emit(35, mix(rel, head_word), &mut slots);
            emit(36, mix(mix(rel, head_cue), q), &mut slots);
            emit(37, cue_path[i], &mut slots);
            emit(38, mix(cue_path[i], q), &mut slots);
            emit(39, mix(cue_path[i], shapes[i]), &mut slots);
            emit(
                40,
                mix(cue_path[i], mix(at(&cue_path, s - 1), at(&cue_path, s + 1))),
                &mut slots,
            );
            emit(41, mix(cue_path[i], to_end), &mut slots);
        }
    }
    offsets.push(slots.len());
    Features { slots, offsets }
}

/// The role tagger: `buckets × TAGS` emission weights over hashed feature buckets plus a
/// transition matrix, decoded with Viterbi. (Feature hashing into a fixed table makes a
/// lookup one multiply, so it scores from a dense table, not `stancegraph_linear::Weights`;
/// it trains on the linear crate's dense [`Trainer`] layout.)
#[derive(Debug, Clone, PartialEq)]
pub struct RoleTagger {
    /// Size of the hashed feature table; features must be extracted with the same value.
    pub buckets: u32,
    /// `emission[bucket * TAGS + tag]`: weight of a tag given one feature bucket.
    pub emission: Vec<f32>,
    /// `transition[prev * TAGS + tag]`, with row `TAGS` for the start.
    pub transition: Vec<f32>,
}

/// The weights a decoder reads: the tagger's, or a trainer's current ones.
#[derive(Clone, Copy)]
struct Tables<'a> {
    emission: &'a [f32],
    transition: &'a [f32],
}

impl RoleTagger {
    /// A tagger with every weight 0.
    pub fn zero(buckets: u32) -> Self {
        RoleTagger {
            buckets,
            emission: vec![0.0; buckets as usize * TAGS],
            transition: vec![0.0; (TAGS + 1) * TAGS],
        }
    }

    fn tables(&self) -> Tables<'_> {
        Tables {
            emission: &self.emission,
            transition: &self.transition,
        }
    }

    /// Best tag sequence under the BIO constraints, with the margin of each token's tag
    /// over the best alternative (a rough confidence). Decodes paragraph by paragraph, as
    /// the tagger was trained.
    pub fn decode(&self, doc: &Document, features: &Features) -> (Vec<usize>, Vec<f32>) {
        let mut tags = Vec::with_capacity(features.len());
        let mut margins = Vec::with_capacity(features.len());
        for (from, to) in segments(doc, &[]) {
            let (t, m) = self.decode_range(features, from, to.min(features.len()));
            tags.extend(t);
            margins.extend(m);
        }
        (tags, margins)
    }

    /// Decodes tokens `from..to` only (training segments).
    pub fn decode_range(
        &self,
        features: &Features,
        from: usize,
        to: usize,
    ) -> (Vec<usize>, Vec<f32>) {
        self.tables().decode_range(features, from, to)
    }

    /// Writes the model file: buckets, transitions, then the non-zero emission weights as
    /// (index, value) pairs.
    pub fn save(&self, path: &Path) -> Result<(), QuotesError> {
        save_model(path, &HEADER, |out| self.encode(out)).map_err(|e| model_error(path, e))
    }

    fn encode(&self, out: &mut Writer) {
        out.u32(self.buckets);
        for w in &self.transition {
            out.f32(*w);
        }
        let nonzero: Vec<(u32, f32)> = self
            .emission
            .iter()
            .enumerate()
            .filter(|(_, w)| **w != 0.0)
            .map(|(i, w)| (i as u32, *w))
            .collect();
        out.u64(nonzero.len() as u64);
        for (i, w) in nonzero {
            out.u32(i);
            out.f32(w);
        }
    }

    /// Reads a model file (from disk, else from the embedded models).
    pub fn load(path: &Path) -> Result<Self, QuotesError> {
        load_model(path, &HEADER, RoleTagger::read).map_err(|e| model_error(path, e))
    }

    fn read(input: &mut Reader) -> Result<Self, FormatError> {
        let buckets = input.u32()?;
        if buckets == 0 || buckets > 1 << 24 {
            return Err(input.invalid(format!("implausible bucket count {buckets}")));
        }
        let mut model = RoleTagger::zero(buckets);
        for w in model.transition.iter_mut() {
            *w = input.f32()?;
        }
        let count = input.u64()?;
        for _ in 0..input.count(count, 8)? {
            let index = input.u32()? as usize;
            let value = input.f32()?;
            let slot = model.emission.get_mut(index);
            *slot.ok_or_else(|| input.invalid(format!("weight index {index} out of range")))? =
                value;
        }
        Ok(model)
    }
}

impl Tables<'_> {
    fn score(self, slots: &[u32], out: &mut [f32; TAGS]) {
        *out = [0.0; TAGS];
        for &slot in slots {
            let base = slot as usize * TAGS;
            if let Some(row) = self.emission.get(base..base + TAGS) {
                for (o, w) in out.iter_mut().zip(row) {
                    *o += *w;
                }
            }
        }
    }

    /// Viterbi over tokens `from..to`.
    #[allow(clippy::needless_range_loop)] // Viterbi over parallel score arrays
    fn decode_range(self, features: &Features, from: usize, to: usize) -> (Vec<usize>, Vec<f32>) {
        let n = to.saturating_sub(from);
        let mut back = vec![[0u8; TAGS]; n];
        let mut emissions = vec![[0f32; TAGS]; n];
        let mut best = [f32::NEG_INFINITY; TAGS];
        let mut scores = [0f32; TAGS];
        for i in 0..n {
            self.score(features.token(from + i), &mut scores);
            emissions[i] = scores;
            let mut next = [f32::NEG_INFINITY; TAGS];
            for tag in 0..TAGS {
                if i == 0 {
                    if allowed(O, tag) {
                        next[tag] = scores[tag]
                            + self
                                .transition
                                .get(TAGS * TAGS + tag)
                                .copied()
                                .unwrap_or(0.0);
                    }
                    continue;
                }
                for prev in 0..TAGS {
                    if !allowed(prev, tag) || best[prev] == f32::NEG_INFINITY {
                        continue;
                    }
                    let s = best[prev]
                        + self
                            .transition
                            .get(prev * TAGS + tag)
                            .copied()
                            .unwrap_or(0.0)
                        + scores[tag];
                    if s > next[tag] {
                        next[tag] = s;
                        back[i][tag] = prev as u8;
                    }
                }
            }
            best = next;
        }
        let mut tags = vec![O; n];
        let mut tag = (0..TAGS)
            .max_by(|&a, &b| best[a].total_cmp(&best[b]))
            .unwrap_or(O);
        for i in (0..n).rev() {
            tags[i] = tag;
            tag = back[i][tag] as usize;
        }
        let margins = tags
            .iter()
            .zip(&emissions)
            .map(|(&t, e)| {
                let other = e
                    .iter()
                    .enumerate()
                    .filter(|(k, _)| *k != t)
                    .map(|(_, v)| *v)
                    .fold(f32::NEG_INFINITY, f32::max);
                e[t] - other
            })
            .collect();
        (tags, margins)
    }
}

/// The crate's error for a model file (its message names the file once).
fn model_error(path: &Path, error: LinearError) -> QuotesError {
    match error {
        LinearError::Io { source, .. } => QuotesError::io(path, source),
        format @ LinearError::Format { .. } => QuotesError::Model {
            path: path.to_path_buf(),
            message: format.detail(),
        },
    }
}

/// Gold BIO tags of a document's tokens from role spans `(role, span)`.
pub fn gold_tags(doc: &Document, spans: &[(usize, Span)]) -> Vec<usize> {
    let mut tags = vec![O; doc.tokens.len()];
    for &(role, span) in spans {
        let mut first = true;
        for (i, token) in doc.tokens.iter().enumerate() {
            if token.span.overlaps(span) && tags[i] == O {
                tags[i] = 1 + role * 2 + usize::from(!first);
                first = false;
            }
        }
    }
    tags
}

/// A document's features, gold tags and training segments (token ranges).
pub type TrainingSequence = (Features, Vec<usize>, Vec<(usize, usize)>);

/// Averaged structured perceptron training over prepared documents, on the linear crate's
/// [`Trainer`] with a dense table: rows `0..buckets` hold the emission weights, rows
/// `buckets + prev` the transitions out of tag `prev` (`prev = TAGS`: the start).
pub fn train(
    data: &[TrainingSequence],
    buckets: u32,
    epochs: usize,
    progress: impl FnMut(usize, usize),
) -> RoleTagger {
    train_weighted(data, &[], buckets, epochs, progress)
}

/// [`train`] with a weight per sequence scaling its updates (silver data from another
/// tagger below 1; sequences past the end of `weights` get 1, as gold data).
pub fn train_weighted(
    data: &[TrainingSequence],
    weights: &[f32],
    buckets: u32,
    epochs: usize,
    mut progress: impl FnMut(usize, usize),
) -> RoleTagger {
    let emission_keys = u64::from(buckets);
    let mut trainer = Trainer::dense(buckets as usize + TAGS + 1, TAGS);
    // The clock starts at 1, as in the trainer these models were first made with.
    trainer.tick();
    let mut order: Vec<(usize, usize)> = data
        .iter()
        .enumerate()
        .flat_map(|(d, (_, _, segments))| (0..segments.len()).map(move |k| (d, k)))
        .collect();
    // Deterministic shuffle so training reproduces exactly.
    let mut shuffler = Shuffler::with_state(0x2545_f491_4f6c_dd1d);
    for epoch in 0..epochs {
        shuffler.shuffle(&mut order);
        let mut errors = 0;
        for &(d, k) in &order {
            let (features, all_gold, segments) = &data[d];
            let weight = weights.get(d).copied().unwrap_or(1.0);
            let (from, to) = segments[k];
            let (emission, transition) = trainer.table().split_at(buckets as usize * TAGS);
            let tables = Tables {
                emission,
                transition,
            };
            let (predicted, _) = tables.decode_range(features, from, to);
            let gold = &all_gold[from..to];
            for i in 0..gold.len() {
                let (g, p) = (gold[i], predicted[i]);
                let gp = if i == 0 { TAGS } else { gold[i - 1] };
                let pp = if i == 0 { TAGS } else { predicted[i - 1] };
                if g != p {
                    errors += 1;
                    for &slot in features.token(from + i) {
                        trainer.add(u64::from(slot), g, weight);
                        trainer.add(u64::from(slot), p, -weight);
                    }
                }
                if g != p || gp != pp {
                    trainer.add(emission_keys + gp as u64, g, weight);
                    trainer.add(emission_keys + pp as u64, p, -weight);
                }
            }
            trainer.tick();
        }
        progress(epoch, errors);
    }
    let mut emission = trainer.average_table();
    let transition = emission.split_off(buckets as usize * TAGS);
    RoleTagger {
        buckets,
        emission,
        transition,
    }
}

/// Splits a document into training segments at paragraph breaks that no gold span
/// crosses (I-tags never start a segment). Shorter sequences mean more, finer updates.
pub fn segments(doc: &Document, gold: &[usize]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..doc.tokens.len() {
        let between = doc
            .text()
            .get(doc.tokens[i - 1].span.end..doc.tokens[i].span.start)
            .unwrap_or("");
        let boundary = between.contains('\n');
        if boundary && gold.get(i).is_none_or(|&t| t == O || is_begin(t)) {
            out.push((start, i));
            start = i;
        }
    }
    if start < doc.tokens.len() {
        out.push((start, doc.tokens.len()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_files_round_trip_and_name_what_is_wrong() {
        let mut model = RoleTagger::zero(16);
        model.emission[3] = 0.5;
        model.emission[16 * TAGS - 1] = -2.0;
        model.transition[TAGS * TAGS + 1] = 1.5;
        let dir = std::env::temp_dir().join(format!("stancegraph-qtag-{}", std::process::id()));
        let path = dir.join("tagger.bin");
        model.save(&path).unwrap();
        assert_eq!(RoleTagger::load(&path).unwrap(), model);
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.truncate(bytes.len() - 2);
        std::fs::write(&path, &bytes).unwrap();
        let message = RoleTagger::load(&path).unwrap_err().to_string();
        assert!(message.contains("tagger.bin: at byte 246"), "{message}");
        std::fs::write(&path, b"SGQTAG01").unwrap();
        let message = RoleTagger::load(&path).unwrap_err().to_string();
        assert!(message.contains("not a quote tagger model"), "{message}");
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn training_learns_the_tags_into_emission_and_transition_tables() {
        // Two documents of random features; gold tags a valid BIO sequence where a cue
        // feature (slot 1) marks the cue and slot 2 the content after it.
        let buckets = 64;
        let mut random = Shuffler::new(11);
        let data: Vec<TrainingSequence> = (0..2)
            .map(|_| {
                let (mut slots, mut offsets, mut gold) = (Vec::new(), Vec::new(), Vec::new());
                for i in 0..60 {
                    offsets.push(slots.len());
                    let tag = match i % 10 {
                        3 => 3,     // B-cue
                        4 => 5,     // B-content
                        5 | 6 => 6, // I-content
                        _ => O,
                    };
                    slots.push(match tag {
                        3 => 1,
                        5 | 6 => 2,
                        _ => 3,
                    });
                    for _ in 0..3 {
                        slots.push((random.next_u64() % u64::from(buckets)) as u32);
                    }
                    gold.push(tag);
                }
                offsets.push(slots.len());
                let segments = vec![(0, 20), (20, 40), (40, 60)];
                (Features { slots, offsets }, gold, segments)
            })
            .collect();
        let mut errors = Vec::new();
        let trained = train(&data, buckets, 4, |_, e| errors.push(e));
        assert!(errors[0] > 0 && errors[3] < errors[0], "{errors:?}");
        assert_eq!(trained.emission.len(), buckets as usize * TAGS);
        assert_eq!(trained.transition.len(), (TAGS + 1) * TAGS);
        // The averaged tagger finds the gold tags of the training data.
        for (features, gold, _) in &data {
            assert_eq!(&trained.decode_range(features, 0, 60).0, gold);
        }
        // The cue feature (slot 1) votes for B-cue; the transition rows after the
        // emission rows learnt that content follows the cue, and the start row never saw
        // an I-tag (not allowed there).
        assert!(trained.emission[TAGS + 3] > trained.emission[TAGS + O]);
        assert!(trained.transition[3 * TAGS + 5] > 0.0);
        assert_eq!(trained.transition[TAGS * TAGS + 6], 0.0);
    }

    #[test]
    fn token_classes_tell_quote_marks_from_words() {
        assert_eq!(token_class("Bessent"), 2);
        assert_eq!(token_class("NATO"), 1);
        assert_eq!(token_class("said"), 3);
        assert_eq!(token_class("“"), 5);
        assert_eq!(token_class("’"), 6);
        assert_eq!(token_class(","), 7);
        assert_eq!(token_class(""), 0);
    }
}
