//! Greedy labeled arc-hybrid dependency parser with an averaged perceptron, trained with
//! the dynamic oracle of Goldberg and Nivre (2013). The root sits at the end of the
//! buffer, so words attach to it only once everything to their right is done.

use std::collections::HashMap;
use std::path::Path;

use crate::conllu::TreebankSentence;
use stancegraph_linear::{
    decode_model, encode_model, feature_key, hash_str, load_model, save_model, FormatError, Header,
    Reader, Score, Shuffler, Trainer, Weights, Writer,
};

use crate::TextError;

/// Model file header (the layout is the one of the former `SGDEP1` files).
const HEADER: Header = Header::new("dependency parser", *b"DEP ", 1);
const NONE: usize = usize::MAX;
const SHIFT: usize = 0;

fn left(label: usize) -> usize {
    1 + 2 * label
}
fn right(label: usize) -> usize {
    2 + 2 * label
}

/// Parser configuration: stack, buffer front and the arcs built so far.
struct State {
    n: usize,
    stack: Vec<usize>,
    b: usize,
    heads: Vec<usize>,
    labels: Vec<usize>,
    l1: Vec<usize>,
    l2: Vec<usize>,
    r1: Vec<usize>,
    r2: Vec<usize>,
    nl: Vec<u64>,
    nr: Vec<u64>,
}

impl State {
    fn new(n: usize) -> State {
        State {
            n,
            stack: Vec::with_capacity(n),
            b: 0,
            heads: vec![NONE; n + 1],
            labels: vec![NONE; n + 1],
            l1: vec![NONE; n + 1],
            l2: vec![NONE; n + 1],
            r1: vec![NONE; n + 1],
            r2: vec![NONE; n + 1],
            nl: vec![0; n + 1],
            nr: vec![0; n + 1],
        }
    }

    fn done(&self) -> bool {
        self.stack.is_empty() && self.b >= self.n
    }

    fn valid(&self, class: usize) -> bool {
        if class == SHIFT {
            self.b < self.n
        } else if class % 2 == 1 {
            !self.stack.is_empty()
        } else {
            self.stack.len() >= 2
        }
    }

    fn apply(&mut self, class: usize) {
        if class == SHIFT {
            self.stack.push(self.b);
            self.b += 1;
            return;
        }
        let label = (class - 1) / 2;
        let Some(s0) = self.stack.pop() else { return };
        let head = if class % 2 == 1 {
            self.b
        } else {
            self.stack.last().copied().unwrap_or(self.n)
        };
        self.heads[s0] = head;
        self.labels[s0] = label;
        if head > s0 {
            self.l2[head] = self.l1[head];
            self.l1[head] = s0;
            self.nl[head] += 1;
        } else {
            self.r2[head] = self.r1[head];
            self.r1[head] = s0;
            self.nr[head] += 1;
        }
    }

    fn stack_at(&self, k: usize) -> usize {
        self.stack
            .len()
            .checked_sub(k + 1)
            .map_or(NONE, |i| self.stack[i])
    }

    /// Cost of each class: gold arcs it makes unreachable, plus a wrong label on a gold arc.
    fn costs(
        &self,
        gold_heads: &[usize],
        gold_labels: &[usize],
        n_labels: usize,
        costs: &mut [u32],
    ) {
        let s0 = self.stack_at(0);
        let s1 = self.stack_at(1);
        let b0 = self.b;
        costs.fill(u32::MAX);
        if self.valid(SHIFT) {
            let mut c = self.stack.iter().filter(|&&d| gold_heads[d] == b0).count() as u32;
            let h = gold_heads[b0];
            if h != s0 && h < self.n && self.stack.contains(&h) {
                c += 1;
            }
            costs[SHIFT] = c;
        }
        if s0 == NONE {
            return;
        }
        let deps_in_buffer = (b0..self.n).filter(|&d| gold_heads[d] == s0).count() as u32;
        let h = gold_heads[s0];
        let gold_label = gold_labels[s0];
        let mut left_cost = deps_in_buffer;
        if h != b0 && (h == s1 || h > b0 && h != NONE) {
            left_cost += 1;
        }
        for label in 0..n_labels {
            costs[left(label)] = left_cost + u32::from(h == b0 && label != gold_label);
        }
        if s1 != NONE {
            let mut right_cost = deps_in_buffer;
            if h != s1 && h >= b0 && h != NONE {
                right_cost += 1;
            }
            for label in 0..n_labels {
                costs[right(label)] = right_cost + u32::from(h == s1 && label != gold_label);
            }
        }
    }
}

/// Word and tag hashes of a sentence, with the root at index `n`.
struct Context {
    words: Vec<u64>,
    tags: Vec<u64>,
}

impl Context {
    fn new(forms: &[&str], tags: &[&str]) -> Context {
        let mut words: Vec<u64> = forms.iter().map(|f| hash_str(&f.to_lowercase())).collect();
        let mut tag_hashes: Vec<u64> = tags.iter().map(|t| hash_str(t)).collect();
        tag_hashes.resize(forms.len(), 3);
        words.push(4);
        tag_hashes.push(4);
        Context {
            words,
            tags: tag_hashes,
        }
    }
    fn w(&self, i: usize) -> u64 {
        self.words.get(i).copied().unwrap_or(0)
    }
    fn t(&self, i: usize) -> u64 {
        self.tags.get(i).copied().unwrap_or(0)
    }
}

fn label_of(state: &State, i: usize) -> u64 {
    state
        .labels
        .get(i)
        .map_or(0, |&l| if l == NONE { 0 } else { l as u64 + 1 })
}

fn child(v: &[usize], i: usize) -> usize {
    v.get(i).copied().unwrap_or(NONE)
}

fn features(state: &State, ctx: &Context, out: &mut Vec<u64>) {
    let s0 = state.stack_at(0);
    let s1 = state.stack_at(1);
    let s2 = state.stack_at(2);
    let b0 = state.b;
    let b1 = if b0 < state.n { b0 + 1 } else { NONE };
    let b2 = if b0 + 1 < state.n { b0 + 2 } else { NONE };
    let (s0w, s0t, s1w, s1t, s2t) = (ctx.w(s0), ctx.t(s0), ctx.w(s1), ctx.t(s1), ctx.t(s2));
    let (b0w, b0t, b1w, b1t, b2w, b2t) = (
        ctx.w(b0),
        ctx.t(b0),
        ctx.w(b1),
        ctx.t(b1),
        ctx.w(b2),
        ctx.t(b2),
    );
    let (s0l1, s0l2, s0r1, s0r2) = (
        child(&state.l1, s0),
        child(&state.l2, s0),
        child(&state.r1, s0),
        child(&state.r2, s0),
    );
    let (b0l1, b0l2) = (child(&state.l1, b0), child(&state.l2, b0));
    let s1r1 = child(&state.r1, s1);
    let dist = if s0 == NONE {
        0
    } else {
        (b0 - s0).min(6) as u64 + if b0 == state.n { 10 } else { 0 }
    };
    let s0nl = state.nl.get(s0).copied().unwrap_or(0).min(4);
    let s0nr = state.nr.get(s0).copied().unwrap_or(0).min(4);
    let b0nl = state.nl.get(b0).copied().unwrap_or(0).min(4);
    out.clear();
    out.extend_from_slice(&[
        feature_key(0, &[]),
        feature_key(1, &[s0w]),
        feature_key(2, &[s0t]),
        feature_key(3, &[s0w, s0t]),
        feature_key(4, &[s1w]),
        feature_key(5, &[s1t]),
        feature_key(6, &[s1w, s1t]),
        feature_key(7, &[b0w]),
        feature_key(8, &[b0t]),
        feature_key(9, &[b0w, b0t]),
        feature_key(10, &[b1w]),
        feature_key(11, &[b1t]),
        feature_key(12, &[b1w, b1t]),
        feature_key(13, &[b2w]),
        feature_key(14, &[b2t]),
        feature_key(15, &[s0w, s0t, b0w, b0t]),
        feature_key(16, &[s0w, s0t, b0w]),
        feature_key(17, &[s0w, b0w, b0t]),
        feature_key(18, &[s0w, s0t, b0t]),
        feature_key(19, &[s0t, b0w, b0t]),
        feature_key(20, &[s0w, b0w]),
        feature_key(21, &[s0t, b0t]),
        feature_key(22, &[b0t, b1t]),
        feature_key(23, &[b0t, b1t, b2t]),
        feature_key(24, &[s0t, b0t, b1t]),
        feature_key(25, &[s1t, s0t, b0t]),
        feature_key(26, &[s0t, ctx.t(s0l1), b0t]),
        feature_key(27, &[s0t, ctx.t(s0r1), b0t]),
        feature_key(28, &[s0t, b0t, ctx.t(b0l1)]),
        feature_key(29, &[s2t, s1t, s0t]),
        feature_key(30, &[s1t, s0t]),
        feature_key(31, &[s1w, s0w]),
        feature_key(32, &[s1t, b0t]),
        feature_key(33, &[s0w, dist]),
        feature_key(34, &[s0t, dist]),
        feature_key(35, &[b0w, dist]),
        feature_key(36, &[b0t, dist]),
        feature_key(37, &[s0w, b0w, dist]),
        feature_key(38, &[s0t, b0t, dist]),
        feature_key(39, &[s0w, s0nr]),
        feature_key(40, &[s0t, s0nr]),
        feature_key(41, &[s0w, s0nl]),
        feature_key(42, &[s0t, s0nl]),
        feature_key(43, &[b0w, b0nl]),
        feature_key(44, &[b0t, b0nl]),
        feature_key(45, &[ctx.w(s0l1)]),
        feature_key(46, &[ctx.t(s0l1)]),
        feature_key(47, &[label_of(state, s0l1)]),
        feature_key(48, &[ctx.w(s0r1)]),
        feature_key(49, &[ctx.t(s0r1)]),
        feature_key(50, &[label_of(state, s0r1)]),
        feature_key(51, &[ctx.w(b0l1)]),
        feature_key(52, &[ctx.t(b0l1)]),
        feature_key(53, &[label_of(state, b0l1)]),
        feature_key(54, &[ctx.t(s0l2), label_of(state, s0l2)]),
        feature_key(55, &[ctx.t(s0r2), label_of(state, s0r2)]),
        feature_key(56, &[ctx.t(b0l2), label_of(state, b0l2)]),
        feature_key(57, &[s0t, ctx.t(s0l1), ctx.t(s0l2)]),
        feature_key(58, &[s0t, ctx.t(s0r1), ctx.t(s0r2)]),
        feature_key(59, &[b0t, ctx.t(b0l1), ctx.t(b0l2)]),
        feature_key(60, &[s0w, label_of(state, s0l1), label_of(state, s0r1)]),
        feature_key(61, &[s0t, label_of(state, s0l1), label_of(state, s0r1)]),
        feature_key(62, &[b0w, label_of(state, b0l1), label_of(state, b0l2)]),
        feature_key(63, &[s1t, ctx.t(s1r1), s0t]),
        feature_key(64, &[s0t, label_of(state, s0), b0t]),
        feature_key(65, &[s1w, b0w]),
        feature_key(66, &[b0w, b1w]),
        feature_key(67, &[s0t, b0w, b1t]),
    ]);
}

/// Options of [`Parser::train`].
#[derive(Debug, Clone)]
pub struct ParserOptions {
    /// Passes over the training data; with dev data the best pass's weights are kept.
    pub iterations: usize,
    /// From this iteration on (0-based), the oracle follows the model's own predictions
    /// with probability `explore`.
    pub explore_from: usize,
    /// Probability (0..1) of following the model's prediction instead of the oracle's.
    pub explore: f64,
    /// Seed of the shuffle of the training order and of the exploration draws.
    pub seed: u64,
}

impl Default for ParserOptions {
    fn default() -> Self {
        ParserOptions {
            iterations: 15,
            explore_from: 1,
            explore: 0.9,
            seed: 11,
        }
    }
}

/// A parse: for each word, its head (`None` for the root) and relation.
#[derive(Debug, Clone, PartialEq)]
pub struct Parse {
    /// Per word, the 0-based index of its head word in the sentence; `None` for the root.
    pub heads: Vec<Option<usize>>,
    /// Per word, the dependency relation to its head (`root` for the root).
    pub labels: Vec<String>,
}

/// A sentence prepared for parser training: forms, tags (gold or predicted), gold tree.
pub struct ParserExample {
    /// The word forms, one per syntactic word (multiword tokens already split).
    pub forms: Vec<String>,
    /// Per word, the PTB tag the parser sees as a feature.
    pub tags: Vec<String>,
    /// Gold head per word, `n` for the root.
    pub heads: Vec<usize>,
    /// Gold dependency relation per word.
    pub labels: Vec<String>,
}

impl ParserExample {
    /// An example with the treebank's gold tags, or `tags` when given.
    pub fn from_sentence(s: &TreebankSentence, tags: Option<Vec<String>>) -> ParserExample {
        let n = s.words.len();
        ParserExample {
            forms: s.words.iter().map(|w| w.form.clone()).collect(),
            tags: tags.unwrap_or_else(|| s.words.iter().map(|w| w.xpos.clone()).collect()),
            heads: s
                .words
                .iter()
                .map(|w| {
                    if w.head == 0 || w.head > n {
                        n
                    } else {
                        w.head - 1
                    }
                })
                .collect(),
            labels: s.words.iter().map(|w| w.deprel.clone()).collect(),
        }
    }
}

/// The dependency parser: label set and averaged perceptron weights, read from and written
/// to a model file.
#[derive(Clone)]
pub struct Parser {
    labels: Vec<String>,
    root_label: usize,
    weights: Weights,
}

impl Parser {
    /// Parses one sentence given its forms and PTB tags.
    pub fn parse(&self, forms: &[&str], tags: &[&str]) -> Parse {
        let n = forms.len();
        let ctx = Context::new(forms, tags);
        let mut state = State::new(n);
        let mut feats = Vec::with_capacity(72);
        let mut scores = vec![0f32; self.weights.n_classes()];
        while !state.done() {
            features(&state, &ctx, &mut feats);
            self.weights.scores(&feats, &mut scores);
            let mut best = NONE;
            for (class, score) in scores.iter().enumerate() {
                if state.valid(class) && (best == NONE || *score > scores[best]) {
                    best = class;
                }
            }
            if best == NONE {
                break;
            }
            state.apply(best);
        }
        let heads = (0..n)
            .map(|i| state.heads[i])
            .map(|h| if h >= n { None } else { Some(h) })
            .collect::<Vec<_>>();
        let labels = (0..n)
            .map(|i| {
                if state.heads[i] >= n {
                    self.labels
                        .get(self.root_label)
                        .cloned()
                        .unwrap_or_else(|| "root".into())
                } else {
                    self.labels
                        .get(state.labels[i])
                        .cloned()
                        .unwrap_or_else(|| "dep".into())
                }
            })
            .collect();
        Parse { heads, labels }
    }

    /// Trains on `train`; reports dev attachment scores per iteration through `log` and
    /// keeps the best iteration's weights when `dev` is given.
    pub fn train(
        train: &[ParserExample],
        dev: Option<&[ParserExample]>,
        options: &ParserOptions,
        log: &mut dyn FnMut(&str),
    ) -> Parser {
        let mut label_ids: HashMap<String, usize> = HashMap::new();
        let mut labels = Vec::new();
        for ex in train {
            for l in &ex.labels {
                if !label_ids.contains_key(l) {
                    label_ids.insert(l.clone(), labels.len());
                    labels.push(l.clone());
                }
            }
        }
        if !label_ids.contains_key("root") {
            label_ids.insert("root".into(), labels.len());
            labels.push("root".into());
        }
        let root_label = label_ids.get("root").copied().unwrap_or(0);
        let n_labels = labels.len();
        let n_classes = 1 + 2 * n_labels;
        let mut trainer = Trainer::new(n_classes);
        // The shipped models were trained with the clock one tick ahead of the updates.
        trainer.tick();
        let mut shuffler = Shuffler::new(options.seed);
        let mut order: Vec<usize> = (0..train.len()).collect();
        let mut feats = Vec::with_capacity(72);
        let mut scores = vec![0f32; n_classes];
        let mut costs = vec![0u32; n_classes];
        let mut best: Option<(f64, Weights)> = None;
        for iteration in 0..options.iterations {
            shuffler.shuffle(&mut order);
            let (mut correct, mut total) = (0usize, 0usize);
            for &k in &order {
                let ex = &train[k];
                let n = ex.forms.len();
                let forms: Vec<&str> = ex.forms.iter().map(String::as_str).collect();
                let tags: Vec<&str> = ex.tags.iter().map(String::as_str).collect();
                let ctx = Context::new(&forms, &tags);
                let gold_labels: Vec<usize> = ex
                    .labels
                    .iter()
                    .map(|l| label_ids.get(l).copied().unwrap_or(root_label))
                    .collect();
                let mut gold_heads = ex.heads.clone();
                gold_heads.push(NONE);
                let mut gold_labels_ext = gold_labels.clone();
                gold_labels_ext.push(NONE);
                let mut state = State::new(n);
                while !state.done() {
                    features(&state, &ctx, &mut feats);
                    trainer.scores(&feats, &mut scores);
                    state.costs(&gold_heads, &gold_labels_ext, n_labels, &mut costs);
                    let min_cost = costs.iter().copied().min().unwrap_or(u32::MAX);
                    if min_cost == u32::MAX {
                        break;
                    }
                    let (mut guess, mut gold) = (NONE, NONE);
                    for class in 0..n_classes {
                        if costs[class] == u32::MAX {
                            continue;
                        }
                        if guess == NONE || scores[class] > scores[guess] {
                            guess = class;
                        }
                        if costs[class] == min_cost
                            && (gold == NONE || scores[class] > scores[gold])
                        {
                            gold = class;
                        }
                    }
                    if costs[guess] > min_cost {
                        trainer.update(&feats, gold, guess);
                    }
                    trainer.tick();
                    let follow =
                        if iteration >= options.explore_from && shuffler.unit() < options.explore {
                            guess
                        } else {
                            gold
                        };
                    state.apply(follow);
                }
                correct += state.heads[..n]
                    .iter()
                    .zip(&gold_heads)
                    .filter(|(a, b)| a == b)
                    .count();
                total += n;
            }
            let weights = trainer.average(0.0);
            let mut line = format!(
                "iteration {}: train UAS {:.4}",
                iteration + 1,
                correct as f64 / total.max(1) as f64
            );
            let parser = Parser {
                labels: labels.clone(),
                root_label,
                weights,
            };
            if let Some(dev) = dev {
                let (uas, las) = parser.attachment(dev);
                line.push_str(&format!(", dev UAS {uas:.4} LAS {las:.4}"));
                if !matches!(&best, Some(b) if b.0 >= las) {
                    best = Some((las, parser.weights));
                }
            } else {
                best = Some((0.0, parser.weights));
            }
            log(&line);
        }
        Parser {
            labels,
            root_label,
            weights: best.map(|b| b.1).unwrap_or_default(),
        }
    }

    /// A copy without the `fraction` of weights smallest in magnitude (see [`Weights::pruned`]).
    pub fn pruned(&self, fraction: f64) -> Parser {
        Parser {
            labels: self.labels.clone(),
            root_label: self.root_label,
            weights: self.weights.pruned(fraction),
        }
    }

    /// Number of stored weights.
    pub fn size(&self) -> usize {
        self.weights.n_weights()
    }

    /// Unlabeled and labeled attachment scores on examples (tags as given).
    pub fn attachment(&self, examples: &[ParserExample]) -> (f64, f64) {
        let (mut uas, mut las, mut total) = (0usize, 0usize, 0usize);
        for ex in examples {
            let n = ex.forms.len();
            let forms: Vec<&str> = ex.forms.iter().map(String::as_str).collect();
            let tags: Vec<&str> = ex.tags.iter().map(String::as_str).collect();
            let parse = self.parse(&forms, &tags);
            for i in 0..n {
                let head = parse.heads[i].unwrap_or(n);
                if head == ex.heads[i] {
                    uas += 1;
                    las += usize::from(parse.labels[i] == ex.labels[i]);
                }
            }
            total += n;
        }
        (
            uas as f64 / total.max(1) as f64,
            las as f64 / total.max(1) as f64,
        )
    }

    /// The model file's bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        encode_model(&HEADER, |out| self.encode(out))
    }

    fn encode(&self, out: &mut Writer) {
        out.strings(&self.labels);
        out.u32(self.root_label as u32);
        self.weights.write_quantized(out);
    }

    /// Reads a model from the bytes of a model file.
    pub fn from_bytes(bytes: &[u8]) -> Result<Parser, FormatError> {
        decode_model(bytes, &HEADER, Parser::decode)
    }

    fn decode(input: &mut Reader) -> Result<Parser, FormatError> {
        let labels = input.strings()?;
        let root_label = input.u32()? as usize;
        let weights = Weights::read_quantized(input)?;
        if weights.n_classes() != 1 + 2 * labels.len() || root_label >= labels.len() {
            return Err(input.invalid("weights and label table disagree"));
        }
        Ok(Parser {
            labels,
            root_label,
            weights,
        })
    }

    /// Writes the model file.
    pub fn save(&self, path: &Path) -> Result<(), TextError> {
        Ok(save_model(path, &HEADER, |out| self.encode(out))?)
    }

    /// Reads a model file (from disk, else from the embedded models).
    pub fn load(path: &Path) -> Result<Parser, TextError> {
        Ok(load_model(path, &HEADER, Parser::decode)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example(forms: &[&str], tags: &[&str], heads: &[usize], labels: &[&str]) -> ParserExample {
        ParserExample {
            forms: forms.iter().map(|s| s.to_string()).collect(),
            tags: tags.iter().map(|s| s.to_string()).collect(),
            heads: heads.to_vec(),
            labels: labels.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn learns_tiny_treebank_and_round_trips() {
        // "She reads books ." with reads as root (index 3 = root).
        let data = vec![
            example(
                &["She", "reads", "books", "."],
                &["PRP", "VBZ", "NNS", "."],
                &[1, 4, 1, 1],
                &["nsubj", "root", "obj", "punct"],
            ),
            example(
                &["He", "likes", "tea", "."],
                &["PRP", "VBZ", "NN", "."],
                &[1, 4, 1, 1],
                &["nsubj", "root", "obj", "punct"],
            ),
        ];
        let parser = Parser::train(&data, Some(&data), &ParserOptions::default(), &mut |_| {});
        let (uas, las) = parser.attachment(&data);
        assert_eq!((uas, las), (1.0, 1.0));
        let back = Parser::from_bytes(&parser.to_bytes()).unwrap();
        let parse = back.parse(&["We", "eat", "rice", "."], &["PRP", "VBP", "NN", "."]);
        assert_eq!(parse.heads, [Some(1), None, Some(1), Some(1)]);
        assert_eq!(parse.labels[1], "root");
        assert!(Parser::from_bytes(b"SGDEP1").is_err());
    }
}
