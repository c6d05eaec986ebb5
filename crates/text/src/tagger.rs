//! Greedy left-to-right averaged-perceptron POS tagger predicting joint UPOS + PTB tags,
//! with a tag dictionary for frequent unambiguous words and the learned lemmatizer.

use std::collections::HashMap;
use std::path::Path;

use crate::conllu::TreebankSentence;
use crate::lemma::Lemmatizer;
use stancegraph_linear::{
    decode_model, encode_model, feature_key, hash_str, load_model, save_model, word_shape,
    FormatError, Header, KeyMap, Reader, Score, Shuffler, Trainer, Weights, Writer,
};

use crate::TextError;

/// Model file header (the layout is the one of the former `SGPOS3` files).
const HEADER: Header = Header::new("POS tagger", *b"POS ", 3);

/// Word-level values the features are built from, computed once per sentence.
#[derive(Clone, Copy, Default)]
struct WordInfo {
    lower: u64,
    form: u64,
    suffix: [u64; 4],
    prefix: [u64; 3],
    shape: u64,
    flags: u64,
    /// The set of tags the word had in training (frequent words only).
    ambiguity: u64,
}

fn word_info(word: &str) -> WordInfo {
    let lower = word.to_lowercase();
    let chars: Vec<(usize, char)> = lower.char_indices().collect();
    let n = chars.len();
    let suffix_at = |k: usize| if k >= n { 0 } else { chars[n - k].0 };
    let prefix_to = |k: usize| if k >= n { lower.len() } else { chars[k].0 };
    let mut info = WordInfo {
        lower: hash_str(&lower),
        form: hash_str(word),
        shape: hash_str(&word_shape(word, 2)),
        ..WordInfo::default()
    };
    for k in 1..=4 {
        info.suffix[k - 1] = hash_str(&lower[suffix_at(k)..]);
    }
    for k in 1..=3 {
        info.prefix[k - 1] = hash_str(&lower[..prefix_to(k)]);
    }
    let first_upper = word.chars().next().is_some_and(char::is_uppercase);
    let all_upper = word.chars().any(char::is_alphabetic) && !word.chars().any(char::is_lowercase);
    let digit = word.chars().any(|c| c.is_ascii_digit());
    let hyphen = word.contains('-');
    info.flags = u64::from(first_upper)
        | u64::from(all_upper) << 1
        | u64::from(digit) << 2
        | u64::from(hyphen) << 3;
    info
}

const BOS: WordInfo = WordInfo {
    lower: 1,
    form: 1,
    suffix: [1; 4],
    prefix: [1; 3],
    shape: 1,
    flags: 16,
    ambiguity: 1,
};
const EOS: WordInfo = WordInfo {
    lower: 2,
    form: 2,
    suffix: [2; 4],
    prefix: [2; 3],
    shape: 2,
    flags: 32,
    ambiguity: 2,
};
/// Ambiguity class of words too rare to have one.
const RARE: u64 = 3;
/// Words seen at least this often in training get an ambiguity class.
const AMBIGUITY_MIN_COUNT: u32 = 3;
const NO_TAG: u64 = 1_000;

fn features(words: &[WordInfo], i: usize, prev: u64, prev2: u64, out: &mut Vec<u64>) {
    let at = |k: isize| -> &WordInfo {
        let j = i as isize + k;
        if j < 0 {
            &BOS
        } else {
            words.get(j as usize).unwrap_or(&EOS)
        }
    };
    let w = at(0);
    let (p1, p2, n1, n2) = (at(-1), at(-2), at(1), at(2));
    out.clear();
    out.extend_from_slice(&[
        feature_key(0, &[]),
        feature_key(1, &[w.lower]),
        feature_key(2, &[w.suffix[0]]),
        feature_key(3, &[w.suffix[1]]),
        feature_key(4, &[w.suffix[2]]),
        feature_key(5, &[w.suffix[3]]),
        feature_key(6, &[w.prefix[0]]),
        feature_key(7, &[w.prefix[1]]),
        feature_key(8, &[w.prefix[2]]),
        feature_key(9, &[w.shape]),
        feature_key(10, &[prev]),
        feature_key(11, &[prev2]),
        feature_key(12, &[prev, prev2]),
        feature_key(13, &[prev, w.lower]),
        feature_key(14, &[p1.lower]),
        feature_key(15, &[p1.suffix[2]]),
        feature_key(16, &[p2.lower]),
        feature_key(17, &[n1.lower]),
        feature_key(18, &[n1.suffix[2]]),
        feature_key(19, &[n2.lower]),
        feature_key(20, &[p1.lower, w.lower]),
        feature_key(21, &[w.lower, n1.lower]),
        feature_key(22, &[n1.shape]),
        feature_key(23, &[p1.shape]),
        feature_key(24, &[w.flags, u64::from(i == 0)]),
        feature_key(25, &[prev, w.suffix[2]]),
        feature_key(26, &[w.form]),
        feature_key(27, &[w.shape, prev]),
        feature_key(28, &[n1.suffix[1]]),
        feature_key(29, &[p1.lower, n1.lower]),
        feature_key(30, &[w.suffix[1], n1.lower]),
        feature_key(31, &[n2.suffix[2]]),
        feature_key(32, &[w.ambiguity]),
        feature_key(33, &[n1.ambiguity]),
        feature_key(34, &[n2.ambiguity]),
        feature_key(35, &[w.ambiguity, n1.ambiguity]),
        feature_key(36, &[prev, n1.ambiguity]),
        feature_key(37, &[prev, w.ambiguity]),
        feature_key(38, &[p1.ambiguity, w.ambiguity, n1.ambiguity]),
    ]);
}

/// Options of [`Tagger::train`].
#[derive(Debug, Clone)]
pub struct TaggerOptions {
    /// Passes over the training data; with dev data the best pass's weights are kept.
    pub iterations: usize,
    /// Seed of the shuffle of the training order, for reproducible models.
    pub seed: u64,
}

impl Default for TaggerOptions {
    fn default() -> Self {
        TaggerOptions {
            iterations: 10,
            seed: 7,
        }
    }
}

/// The POS tagger and lemmatizer.
#[derive(Clone)]
pub struct Tagger {
    /// Joint classes: (UPOS, PTB tag).
    classes: Vec<(String, String)>,
    tagdict: KeyMap<u16>,
    /// Lowercased word hash → hash of the set of classes it had in training.
    ambiguity: KeyMap<u64>,
    weights: Weights,
    lemmatizer: Lemmatizer,
}

impl Tagger {
    /// Class index of each word of a sentence.
    pub fn tag(&self, words: &[&str]) -> Vec<usize> {
        let infos: Vec<WordInfo> = words.iter().map(|w| self.info(w)).collect();
        let mut out = Vec::with_capacity(words.len());
        let mut feats = Vec::with_capacity(40);
        let mut scores = vec![0f32; self.classes.len()];
        let (mut prev, mut prev2) = (NO_TAG, NO_TAG);
        for i in 0..infos.len() {
            let class = match self.tagdict.get(&infos[i].form) {
                Some(&c) => c as usize,
                None => {
                    features(&infos, i, prev, prev2, &mut feats);
                    self.weights.scores(&feats, &mut scores);
                    argmax(&scores)
                }
            };
            out.push(class);
            prev2 = prev;
            prev = class as u64;
        }
        out
    }

    fn info(&self, word: &str) -> WordInfo {
        let mut info = word_info(word);
        info.ambiguity = self.ambiguity.get(&info.lower).copied().unwrap_or(RARE);
        info
    }

    /// The UPOS tag of a class from [`Tagger::tag`] (`X` for an unknown class).
    pub fn upos(&self, class: usize) -> &str {
        self.classes.get(class).map_or("X", |c| c.0.as_str())
    }

    /// The PTB tag of a class from [`Tagger::tag`] (`XX` for an unknown class).
    pub fn xpos(&self, class: usize) -> &str {
        self.classes.get(class).map_or("XX", |c| c.1.as_str())
    }

    /// The lemma of `form` tagged with `class`, by the lemmatizer stored in the model.
    pub fn lemma(&self, form: &str, class: usize) -> String {
        self.lemmatizer
            .lemma(form, self.xpos(class), self.upos(class))
    }

    /// Trains on `train`, printing dev accuracy per iteration through `log` and keeping
    /// the weights of the best iteration when `dev` is given.
    pub fn train(
        train: &[TreebankSentence],
        dev: Option<&[TreebankSentence]>,
        options: &TaggerOptions,
        log: &mut dyn FnMut(&str),
    ) -> Tagger {
        let mut class_ids: HashMap<(String, String), usize> = HashMap::new();
        let mut classes = Vec::new();
        let mut word_tags: HashMap<String, HashMap<usize, u32>> = HashMap::new();
        let mut data: Vec<(Vec<WordInfo>, Vec<usize>)> = Vec::with_capacity(train.len());
        for s in train {
            let mut gold = Vec::with_capacity(s.words.len());
            for w in &s.words {
                let key = (w.upos.clone(), w.xpos.clone());
                let next = classes.len();
                let id = *class_ids.entry(key.clone()).or_insert(next);
                if id == next {
                    classes.push(key);
                }
                gold.push(id);
                *word_tags
                    .entry(w.form.clone())
                    .or_default()
                    .entry(id)
                    .or_default() += 1;
            }
            data.push((s.words.iter().map(|w| word_info(&w.form)).collect(), gold));
        }
        let mut lower_tags: HashMap<u64, HashMap<usize, u32>> = HashMap::new();
        for (word, tags) in &word_tags {
            let entry = lower_tags
                .entry(hash_str(&word.to_lowercase()))
                .or_default();
            for (&tag, &count) in tags {
                *entry.entry(tag).or_default() += count;
            }
        }
        let mut ambiguity = KeyMap::default();
        for (word, tags) in lower_tags {
            let total: u32 = tags.values().sum();
            if total < AMBIGUITY_MIN_COUNT {
                continue;
            }
            let mut set: Vec<usize> = tags
                .iter()
                .filter(|(_, &c)| c * 20 >= total)
                .map(|(&t, _)| t)
                .collect();
            set.sort_unstable();
            ambiguity.insert(
                word,
                feature_key(99, &set.iter().map(|&t| t as u64).collect::<Vec<_>>()),
            );
        }
        for (infos, _) in &mut data {
            for info in infos.iter_mut() {
                info.ambiguity = ambiguity.get(&info.lower).copied().unwrap_or(RARE);
            }
        }
        let mut tagdict = KeyMap::default();
        for (word, tags) in &word_tags {
            let total: u32 = tags.values().sum();
            if let Some((&tag, &count)) = tags.iter().max_by_key(|(t, c)| (**c, usize::MAX - **t)) {
                if total >= 20 && f64::from(count) / f64::from(total) >= 0.97 {
                    tagdict.insert(hash_str(word), tag as u16);
                }
            }
        }
        let lemmatizer = Lemmatizer::train(train);
        let mut trainer = Trainer::new(classes.len());
        // The shipped models were trained with the clock one tick ahead of the updates.
        trainer.tick();
        let mut shuffler = Shuffler::new(options.seed);
        let mut order: Vec<usize> = (0..data.len()).collect();
        let mut feats = Vec::with_capacity(40);
        let mut scores = vec![0f32; classes.len()];
        let mut best: Option<(f64, Weights)> = None;
        for iteration in 0..options.iterations {
            shuffler.shuffle(&mut order);
            let (mut correct, mut total) = (0usize, 0usize);
            for &k in &order {
                let (infos, gold) = &data[k];
                let (mut prev, mut prev2) = (NO_TAG, NO_TAG);
                for i in 0..infos.len() {
                    let guess = match tagdict.get(&infos[i].form) {
                        Some(&c) => c as usize,
                        None => {
                            features(infos, i, prev, prev2, &mut feats);
                            trainer.scores(&feats, &mut scores);
                            let guess = argmax(&scores);
                            trainer.update(&feats, gold[i], guess);
                            trainer.tick();
                            guess
                        }
                    };
                    correct += usize::from(guess == gold[i]);
                    total += 1;
                    prev2 = prev;
                    prev = guess as u64;
                }
            }
            let weights = trainer.average(0.0);
            let mut line = format!(
                "iteration {}: train accuracy {:.4}",
                iteration + 1,
                correct as f64 / total.max(1) as f64
            );
            if let Some(dev) = dev {
                let tagger = Tagger {
                    classes: classes.clone(),
                    tagdict: tagdict.clone(),
                    ambiguity: ambiguity.clone(),
                    weights,
                    lemmatizer: Lemmatizer::default(),
                };
                let accuracy = tagger.accuracy(dev);
                line.push_str(&format!(", dev UPOS+XPOS accuracy {accuracy:.4}"));
                if !matches!(&best, Some(b) if b.0 >= accuracy) {
                    best = Some((accuracy, tagger.weights));
                }
            } else {
                best = Some((0.0, weights));
            }
            log(&line);
        }
        let weights = best.map(|b| b.1).unwrap_or_default();
        Tagger {
            classes,
            tagdict,
            ambiguity,
            weights,
            lemmatizer,
        }
    }

    /// A copy without the `fraction` of weights smallest in magnitude.
    pub fn pruned(&self, fraction: f64) -> Tagger {
        Tagger {
            weights: self.weights.pruned(fraction),
            ..self.clone()
        }
    }

    /// Number of stored weights.
    pub fn size(&self) -> usize {
        self.weights.n_weights()
    }

    /// Fraction of words whose joint tag is right.
    pub fn accuracy(&self, sentences: &[TreebankSentence]) -> f64 {
        let (mut correct, mut total) = (0usize, 0usize);
        for s in sentences {
            let forms = s.forms();
            for (w, class) in s.words.iter().zip(self.tag(&forms)) {
                correct += usize::from(self.upos(class) == w.upos && self.xpos(class) == w.xpos);
                total += 1;
            }
        }
        correct as f64 / total.max(1) as f64
    }

    /// The model file's bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        encode_model(&HEADER, |out| self.encode(out))
    }

    fn encode(&self, out: &mut Writer) {
        let upos: Vec<String> = self.classes.iter().map(|c| c.0.clone()).collect();
        let xpos: Vec<String> = self.classes.iter().map(|c| c.1.clone()).collect();
        out.strings(&upos);
        out.strings(&xpos);
        let mut dict: Vec<_> = self.tagdict.iter().collect();
        dict.sort_unstable();
        out.u32(dict.len() as u32);
        for (k, v) in dict {
            out.u64(*k);
            out.u32(u32::from(*v));
        }
        let mut ambiguity: Vec<_> = self.ambiguity.iter().collect();
        ambiguity.sort_unstable();
        out.u32(ambiguity.len() as u32);
        for (k, v) in ambiguity {
            out.u64(*k);
            out.u64(*v);
        }
        self.weights.write_quantized(out);
        self.lemmatizer.write(out);
    }

    /// Reads a model from the bytes of a model file.
    pub fn from_bytes(bytes: &[u8]) -> Result<Tagger, FormatError> {
        decode_model(bytes, &HEADER, Tagger::decode)
    }

    fn decode(input: &mut Reader) -> Result<Tagger, FormatError> {
        let upos = input.strings()?;
        let xpos = input.strings()?;
        if upos.len() != xpos.len() {
            return Err(input.invalid("tag tables differ in length"));
        }
        let classes: Vec<(String, String)> = upos.into_iter().zip(xpos).collect();
        let mut tagdict = KeyMap::default();
        for _ in 0..input.u32()? {
            let k = input.u64()?;
            let v = input.u32()?;
            if v as usize >= classes.len() {
                return Err(input.invalid(format!(
                    "tag dictionary refers to class {v} of {}",
                    classes.len()
                )));
            }
            tagdict.insert(k, v as u16);
        }
        let mut ambiguity = KeyMap::default();
        for _ in 0..input.u32()? {
            let k = input.u64()?;
            ambiguity.insert(k, input.u64()?);
        }
        let weights = Weights::read_quantized(input)?;
        if weights.n_classes() != classes.len() {
            return Err(input.invalid("weights and tag table disagree"));
        }
        let lemmatizer = Lemmatizer::read(input)?;
        Ok(Tagger {
            classes,
            tagdict,
            ambiguity,
            weights,
            lemmatizer,
        })
    }

    /// Writes the model file.
    pub fn save(&self, path: &Path) -> Result<(), TextError> {
        Ok(save_model(path, &HEADER, |out| self.encode(out))?)
    }

    /// Reads a model file (from disk, else from the embedded models).
    pub fn load(path: &Path) -> Result<Tagger, TextError> {
        Ok(load_model(path, &HEADER, Tagger::decode)?)
    }
}

pub(crate) fn argmax(scores: &[f32]) -> usize {
    let mut best = 0;
    for (i, s) in scores.iter().enumerate() {
        if *s > scores[best] {
            best = i;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_files_name_what_is_wrong() {
        assert!(matches!(
            Tagger::from_bytes(b"SGPOS3"),
            Err(FormatError::Magic { .. })
        ));
        let mut header_only = Writer::default();
        HEADER.write(&mut header_only);
        assert!(matches!(
            Tagger::from_bytes(header_only.as_bytes()),
            Err(FormatError::Truncated { offset: 10, .. })
        ));
    }
}
