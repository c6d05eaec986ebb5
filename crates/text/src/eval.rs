//! Training entry points and the treebank scorer (CoNLL 2018 style: with gold tokens,
//! or from raw text with words aligned by character offsets).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Serialize;
use stancegraph_core::{Document, Metadata};

use crate::conllu::{raw_text, read_conllu, TreebankSentence};
use crate::parser::{Parser, ParserExample, ParserOptions};
use crate::tagger::{Tagger, TaggerOptions};
use crate::{
    parse_document, tag_document, tokenize_document, TextError, DEFAULT_MAX_SENTENCE_TOKENS,
};

/// Scores of a tagger (and parser) on a treebank, as fractions in 0..1.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Scores {
    /// `pos` (tagger only) or `parse` (tagger and parser).
    pub task: String,
    /// UPOS accuracy with gold tokens; with raw text, F1 over aligned words.
    pub upos: f64,
    /// PTB tag (xpos) accuracy with gold tokens; with raw text, F1 over aligned words.
    pub xpos: f64,
    /// Lemma accuracy with gold tokens; with raw text, F1 over aligned words.
    pub lemma: f64,
    /// Unlabeled attachment score (right head), when a parser was scored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uas: Option<f64>,
    /// Labeled attachment score (right head and relation), when a parser was scored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub las: Option<f64>,
    /// Raw text only: F1 of tokens whose byte span matches a gold word exactly.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tokens_f1: Option<f64>,
    /// Raw text only: F1 of sentences whose byte span matches a gold sentence exactly.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sentences_f1: Option<f64>,
    /// Number of gold words scored.
    pub words: usize,
    /// Number of gold sentences scored.
    pub sentences: usize,
    /// Wall-clock time of the evaluation, in seconds.
    pub seconds: f64,
    /// `words / seconds`: tagging (and parsing) speed, tokenizing included with raw text.
    pub words_per_second: f64,
}

/// The sentences of several CoNLL-U files, in order (for example train and dev for a final
/// model once the hyper-parameters are fixed).
fn read_all(paths: &[PathBuf]) -> Result<Vec<TreebankSentence>, TextError> {
    let mut sentences = Vec::new();
    for path in paths {
        sentences.extend(read_conllu(path)?);
    }
    Ok(sentences)
}

/// Trains the tagger and lemmatizer on CoNLL-U files and writes the model to `out`.
/// With `dev`, the smallest weights are then pruned while dev accuracy stays within 0.05
/// point, for a smaller, faster model.
pub fn train_tagger(
    train: &[PathBuf],
    dev: Option<&Path>,
    out: &Path,
    options: &TaggerOptions,
    log: &mut dyn FnMut(&str),
) -> Result<Tagger, TextError> {
    let train = read_all(train)?;
    let dev = dev.map(read_conllu).transpose()?;
    log(&format!("training tagger on {} sentences", train.len()));
    let mut tagger = Tagger::train(&train, dev.as_deref(), options, log);
    if let Some(dev) = dev.as_deref() {
        let full = tagger.accuracy(dev);
        let original = tagger.clone();
        for fraction in [0.5, 0.7, 0.8, 0.9] {
            let pruned = original.pruned(fraction);
            let accuracy = pruned.accuracy(dev);
            log(&format!(
                "pruning {:.0}% of weights: dev accuracy {accuracy:.4} ({} weights)",
                fraction * 100.0,
                pruned.size()
            ));
            if accuracy + 0.0005 < full {
                break;
            }
            tagger = pruned;
        }
    }
    tagger.save(out)?;
    Ok(tagger)
}

/// Trains the parser on a CoNLL-U file and writes the model to `out`.
///
/// With `tagger`, dev sentences are parsed with its predicted tags; with `jackknife`
/// folds > 1, training sentences get tags predicted by taggers trained on the other
/// folds, so that the parser learns from the kind of tags it will see.
pub fn train_parser(
    train: &[PathBuf],
    dev: Option<&Path>,
    out: &Path,
    tagger: Option<&Tagger>,
    jackknife: usize,
    options: &ParserOptions,
    log: &mut dyn FnMut(&str),
) -> Result<Parser, TextError> {
    let train = read_all(train)?;
    let dev = dev.map(read_conllu).transpose()?;
    let train_tags: Vec<Option<Vec<String>>> = if jackknife > 1 {
        jackknife_tags(&train, jackknife, log)
    } else {
        vec![None; train.len()]
    };
    let examples: Vec<ParserExample> = train
        .iter()
        .zip(train_tags)
        .map(|(s, tags)| ParserExample::from_sentence(s, tags))
        .collect();
    let dev_examples: Option<Vec<ParserExample>> = dev.map(|dev| tagged_examples(&dev, tagger));
    log(&format!("training parser on {} sentences", examples.len()));
    let mut parser = Parser::train(&examples, dev_examples.as_deref(), options, log);
    if let Some(dev) = dev_examples.as_deref() {
        parser = prune_parser(parser, dev, log);
    }
    parser.save(out)?;
    Ok(parser)
}

/// Drops the smallest weights of `parser` as long as dev LAS stays within 0.1 point:
/// a smaller model loads and parses faster.
pub fn prune_parser(parser: Parser, dev: &[ParserExample], log: &mut dyn FnMut(&str)) -> Parser {
    let (_, full) = parser.attachment(dev);
    let mut best = parser.clone();
    for fraction in [0.5, 0.7, 0.8, 0.9] {
        let pruned = parser.pruned(fraction);
        let (uas, las) = pruned.attachment(dev);
        log(&format!(
            "pruning {:.0}% of weights: dev UAS {uas:.4} LAS {las:.4} ({} weights)",
            fraction * 100.0,
            pruned.size()
        ));
        if las + 0.001 < full {
            break;
        }
        best = pruned;
    }
    best
}

/// Parser examples of treebank sentences tagged by `tagger` (gold tags without one).
pub fn tagged_examples(
    sentences: &[TreebankSentence],
    tagger: Option<&Tagger>,
) -> Vec<ParserExample> {
    sentences
        .iter()
        .map(|s| {
            let tags = tagger.map(|t| {
                let forms = s.forms();
                t.tag(&forms)
                    .into_iter()
                    .map(|c| t.xpos(c).to_string())
                    .collect()
            });
            ParserExample::from_sentence(s, tags)
        })
        .collect()
}

fn jackknife_tags(
    train: &[TreebankSentence],
    folds: usize,
    log: &mut dyn FnMut(&str),
) -> Vec<Option<Vec<String>>> {
    let mut tags = vec![None; train.len()];
    let options = TaggerOptions {
        iterations: 6,
        ..TaggerOptions::default()
    };
    for fold in 0..folds {
        let rest: Vec<TreebankSentence> = train
            .iter()
            .enumerate()
            .filter(|(i, _)| i % folds != fold)
            .map(|(_, s)| s.clone())
            .collect();
        let tagger = Tagger::train(&rest, None, &options, &mut |_| {});
        let (mut correct, mut total) = (0usize, 0usize);
        for (i, s) in train.iter().enumerate().filter(|(i, _)| i % folds == fold) {
            let forms = s.forms();
            let predicted: Vec<String> = tagger
                .tag(&forms)
                .into_iter()
                .map(|c| tagger.xpos(c).to_string())
                .collect();
            correct += predicted
                .iter()
                .zip(&s.words)
                .filter(|(p, w)| **p == w.xpos)
                .count();
            total += s.words.len();
            tags[i] = Some(predicted);
        }
        log(&format!(
            "jackknife fold {}/{folds}: xpos accuracy {:.4}",
            fold + 1,
            correct as f64 / total.max(1) as f64
        ));
    }
    tags
}

fn ratio(a: usize, b: usize) -> f64 {
    a as f64 / b.max(1) as f64
}

/// F1 of `correct` matches between `gold` gold and `system` predicted items, by the one
/// precision/recall/F1 of every eval command: nothing gold and nothing predicted scores 0
/// (an empty evaluation proves nothing), not 1.
fn f1(correct: usize, gold: usize, system: usize) -> f64 {
    stancegraph_core::metrics::precision_recall_f1(correct, system, correct, gold).2
}

/// Scores `tagger` (and `parser`, when given) on treebank sentences. With `raw`, the
/// text is rebuilt from the treebank and tokenized and split by this crate first;
/// words then count only where their character span matches exactly.
pub fn evaluate(
    tagger: &Tagger,
    parser: Option<&Parser>,
    sentences: &[TreebankSentence],
    raw: bool,
) -> Scores {
    let started = std::time::Instant::now();
    let mut scores = if raw {
        evaluate_raw(tagger, parser, sentences)
    } else {
        evaluate_gold(tagger, parser, sentences)
    };
    scores.task = if parser.is_some() { "parse" } else { "pos" }.to_string();
    scores.sentences = sentences.len();
    scores.seconds = started.elapsed().as_secs_f64();
    scores.words_per_second = scores.words as f64 / scores.seconds.max(1e-9);
    scores
}

fn evaluate_gold(
    tagger: &Tagger,
    parser: Option<&Parser>,
    sentences: &[TreebankSentence],
) -> Scores {
    let (mut upos, mut xpos, mut lemma, mut uas, mut las, mut total) = (0, 0, 0, 0, 0, 0);
    for s in sentences {
        let forms = s.forms();
        let classes = tagger.tag(&forms);
        let tags: Vec<&str> = classes.iter().map(|&c| tagger.xpos(c)).collect();
        for (w, &c) in s.words.iter().zip(&classes) {
            upos += usize::from(tagger.upos(c) == w.upos);
            xpos += usize::from(tagger.xpos(c) == w.xpos);
            lemma += usize::from(tagger.lemma(&w.form, c) == w.lemma);
        }
        if let Some(parser) = parser {
            let parse = parser.parse(&forms, &tags);
            for (i, w) in s.words.iter().enumerate() {
                let head = parse.heads[i].map_or(0, |h| h + 1);
                if head == w.head {
                    uas += 1;
                    las += usize::from(parse.labels[i] == w.deprel);
                }
            }
        }
        total += s.words.len();
    }
    Scores {
        upos: ratio(upos, total),
        xpos: ratio(xpos, total),
        lemma: ratio(lemma, total),
        uas: parser.map(|_| ratio(uas, total)),
        las: parser.map(|_| ratio(las, total)),
        words: total,
        ..Scores::default()
    }
}

fn evaluate_raw(
    tagger: &Tagger,
    parser: Option<&Parser>,
    sentences: &[TreebankSentence],
) -> Scores {
    let raw = raw_text(sentences);
    let mut doc = Document::new(
        Some("treebank".into()),
        raw.text.as_str(),
        Metadata::default(),
    );
    tokenize_document(&mut doc, DEFAULT_MAX_SENTENCE_TOKENS);
    tag_document(tagger, &mut doc);
    if let Some(parser) = parser {
        parse_document(parser, &mut doc);
    }
    let system: HashMap<(usize, usize), usize> = doc
        .tokens
        .iter()
        .enumerate()
        .map(|(i, t)| ((t.span.start, t.span.end), i))
        .collect();
    // Gold words in document order with their global index and aligned system token.
    let mut gold_offsets = Vec::with_capacity(sentences.len());
    let mut count = 0;
    for s in sentences {
        gold_offsets.push(count);
        count += s.words.len();
    }
    let mut aligned: Vec<Option<usize>> = Vec::with_capacity(count);
    for spans in &raw.word_spans {
        for &(a, b) in spans {
            aligned.push(if a < b {
                system.get(&(a, b)).copied()
            } else {
                None
            });
        }
    }
    let (mut matched, mut upos, mut xpos, mut lemma, mut uas, mut las) = (0, 0, 0, 0, 0, 0);
    for (si, s) in sentences.iter().enumerate() {
        for (wi, w) in s.words.iter().enumerate() {
            let global = gold_offsets[si] + wi;
            let Some(t) = aligned[global] else { continue };
            let token = &doc.tokens[t];
            matched += 1;
            upos += usize::from(token.upos.as_deref() == Some(w.upos.as_str()));
            xpos += usize::from(token.xpos.as_deref() == Some(w.xpos.as_str()));
            lemma += usize::from(token.lemma.as_deref() == Some(w.lemma.as_str()));
            let gold_head = if w.head == 0 {
                None
            } else {
                aligned
                    .get(gold_offsets[si] + w.head - 1)
                    .copied()
                    .flatten()
            };
            let head_ok = match (w.head, token.head) {
                (0, None) => true,
                (0, Some(_)) | (_, None) => false,
                (_, Some(h)) => gold_head == Some(h as usize),
            };
            if head_ok {
                uas += 1;
                las += usize::from(token.deprel.as_deref() == Some(w.deprel.as_str()));
            }
        }
    }
    let (gold_n, sys_n) = (count, doc.tokens.len());
    let gold_sentences: std::collections::HashSet<(usize, usize)> =
        raw.sentence_spans.iter().copied().collect();
    let sentence_hits = doc
        .sentences
        .iter()
        .filter(|s| gold_sentences.contains(&(s.span.start, s.span.end)))
        .count();
    Scores {
        upos: f1(upos, gold_n, sys_n),
        xpos: f1(xpos, gold_n, sys_n),
        lemma: f1(lemma, gold_n, sys_n),
        uas: parser.map(|_| f1(uas, gold_n, sys_n)),
        las: parser.map(|_| f1(las, gold_n, sys_n)),
        tokens_f1: Some(f1(matched, gold_n, sys_n)),
        sentences_f1: Some(f1(
            sentence_hits,
            raw.sentence_spans.len(),
            doc.sentences.len(),
        )),
        words: gold_n,
        ..Scores::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn f1_is_the_shared_one_and_empty_input_scores_zero() {
        assert_eq!(f1(0, 0, 0), 0.0);
        assert_eq!(f1(3, 4, 4), 0.75);
        assert!((f1(2, 4, 2) - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(f1(0, 5, 3), 0.0);
    }
}
