//! `train encoder` (feature `bert`): fine-tunes MiniLM with an NER head (CoNLL-2003) and an
//! attribution head (PolNeAR source/cue/content) on libtorch, evaluates on dev while it
//! trains, and exports the best checkpoint as the model directory the `*.encoder` stages read.
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context};
use stancegraph_bert::training::data::{sequences, LabelledText};
use stancegraph_bert::training::encoder::{encode_tokens, DocumentWindows, WindowSpec, WordPiece};
use stancegraph_bert::training::export::{export, load_model_dir, spec_for, Precision};
use stancegraph_bert::training::model::EncoderModel;
use stancegraph_bert::training::trainer::{
    base_model, decode_documents, train as run_training, DevFigures, TaskData, TrainOptions,
};
use stancegraph_core::{Document, Span};
use stancegraph_encoder::spec::EncoderSpec;
use stancegraph_entities::{read_conll, NerScorer, TokenEntity};

const NER_LABELS: [&str; 9] = [
    "O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC",
];
/// In the order of the quotes tagger's tags (1 + role × 2 + inside), roles source, cue, content.
const ATTRIBUTION_LABELS: [&str; 7] = [
    "O",
    "B-SOURCE",
    "I-SOURCE",
    "B-CUE",
    "I-CUE",
    "B-CONTENT",
    "I-CONTENT",
];
const ROLES: [&str; 3] = ["SOURCE", "CUE", "CONTENT"];
/// Padded pieces per inference batch during dev evaluation.
const EVAL_BATCH_PIECES: usize = 4096;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bio_spans_follow_begin_and_inside_labels() {
        let spans = bio_spans(&[1, 2, 0, 3, 1, 2, 2], &NER_LABELS);
        let got: Vec<(usize, usize, &str)> = spans
            .iter()
            .map(|e| (e.start, e.end, e.label.as_str()))
            .collect();
        assert_eq!(got, vec![(0, 2, "PER"), (3, 4, "ORG"), (4, 7, "PER")]);
    }

    #[test]
    fn conll_entities_become_bio_ids_and_unknown_types_are_errors() {
        let entities = vec![TokenEntity {
            start: 1,
            end: 3,
            label: "LOC".into(),
        }];
        assert_eq!(bio_ids(&entities, 4).expect("ids"), vec![0, 5, 6, 0]);
        let bad = vec![TokenEntity {
            start: 0,
            end: 1,
            label: "GPE".into(),
        }];
        assert!(bio_ids(&bad, 2).is_err());
    }

    #[test]
    fn spans_are_trimmed_like_the_quotes_scorer() {
        assert_eq!(trim(" said ", Span::new(0, 6)), Span::new(1, 5));
        assert_eq!(trim("   ", Span::new(0, 3)), Span::new(0, 3));
    }
}

#[derive(clap::Subcommand, Debug)]
pub enum Train {
    /// Fine-tune the MiniLM encoder (NER + attribution heads) on libtorch and export it
    /// (see data/models/encoder/README.md).
    Encoder(Box<TrainArgs>),
    /// Fine-tune MiniLM for target-directed sentiment on NewsMTSC train minus its held-out
    /// slice and export it (see data/sentiment-encoder/README.md).
    SentimentEncoder(Box<super::sentiment_encoder::SentimentEncoderArgs>),
    /// Fine-tune MiniLM as a stance pair classifier on SEESAW train minus its held-out
    /// stories and export it (see data/stance-encoder/README.md).
    StanceEncoder(Box<super::stance_encoder::StanceEncoderArgs>),
}

/// What every fine-tuning command takes: base model, checkpoints, export and the run's bounds.
#[derive(clap::Args, Debug)]
pub struct RunArgs {
    /// Base model directory (config.json, vocab.txt, model.safetensors): all-MiniLM-L6-v2
    /// from scripts/fetch-test-models.sh.
    #[arg(long, default_value = ".cache/models/minilm")]
    pub base: PathBuf,
    /// Checkpoint directory (last.* and best.*).
    #[arg(long)]
    pub checkpoints: PathBuf,
    /// Model directory to export the best checkpoint to (e.g. data/models/encoder).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Start from an exported model directory (e.g. data/models/encoder) instead of the
    /// base body, to continue fine-tuning it; heads it lacks start fresh.
    #[arg(long)]
    pub init: Option<PathBuf>,
    /// Continue from the last checkpoint in --checkpoints.
    #[arg(long)]
    pub resume: bool,
    /// Skip training: export (and score) the best checkpoint in --checkpoints.
    #[arg(long, requires = "out")]
    pub export_only: bool,
    /// Stored precision of body matrices: int8-row, f16 or f32.
    #[arg(long, default_value = "int8-row")]
    pub precision: String,
    #[arg(long, default_value_t = 1)]
    pub threads: usize,
    /// Wall-clock bound of the run (the learning rate decays to 0 by then).
    #[arg(long)]
    pub max_minutes: Option<f64>,
    /// Step bound of the run (smoke tests).
    #[arg(long)]
    pub steps: Option<u64>,
    #[arg(long, default_value_t = 13)]
    pub seed: u64,
    /// Padded word pieces per batch (and task).
    #[arg(long, default_value_t = 1024)]
    pub batch_pieces: usize,
    #[arg(long, default_value_t = 1e-3)]
    pub lr_heads: f64,
    /// Use only the first N training and dev examples of each task (smoke tests).
    #[arg(long)]
    pub limit: Option<usize>,
    #[arg(long, default_value_t = 20)]
    pub log_every: u64,
}

impl RunArgs {
    /// The trainer's options: these arguments, the command's own schedule (`lr_body`,
    /// warm-up, checkpoint interval and step bound) and the settings every command shares.
    pub(crate) fn options(&self, schedule: Schedule) -> TrainOptions {
        TrainOptions {
            base: self.base.clone(),
            checkpoints: self.checkpoints.clone(),
            init: self.init.clone(),
            resume: self.resume,
            seed: self.seed,
            threads: self.threads,
            max_minutes: self.max_minutes,
            max_steps: schedule.max_steps,
            batch_pieces: self.batch_pieces,
            lr_body: schedule.lr_body,
            lr_heads: self.lr_heads,
            weight_decay: 0.01,
            warmup_steps: schedule.warmup_steps,
            clip_norm: 1.0,
            checkpoint_minutes: schedule.checkpoint_minutes,
            checkpoint_steps: schedule.checkpoint_steps,
            case_shapes: stancegraph_bert::training::encoder::N_CASE_SHAPES as i64,
            case_dim: 16,
            log_every: self.log_every,
        }
    }
}

/// What differs between the fine-tuning commands' schedules.
pub(crate) struct Schedule {
    pub lr_body: f64,
    pub warmup_steps: u64,
    pub checkpoint_minutes: f64,
    pub checkpoint_steps: Option<u64>,
    pub max_steps: Option<u64>,
}

#[derive(clap::Args, Debug)]
pub struct TrainArgs {
    /// Checkpoints, export and the run's bounds (shared with the other `train` commands).
    #[command(flatten)]
    pub run: RunArgs,
    /// CoNLL-2003 training file (NER head); omit to train without it.
    #[arg(long)]
    pub conll_train: Option<PathBuf>,
    #[arg(long, requires = "conll_train")]
    pub conll_dev: Option<PathBuf>,
    /// PolNeAR training split directory (attribution head); omit to train without it.
    #[arg(long)]
    pub polnear_train: Option<PathBuf>,
    #[arg(long, requires = "polnear_train")]
    pub polnear_dev: Option<PathBuf>,
    /// Training window of the NER data (CoNLL documents cut without overlap).
    #[arg(long, default_value_t = 128)]
    pub ner_pieces: usize,
    /// Training window of the attribution data; also the inference window in heads.json.
    #[arg(long, default_value_t = 256)]
    pub max_pieces: usize,
    /// Overlap of inference windows written to heads.json (and used for dev scoring).
    #[arg(long, default_value_t = 64)]
    pub stride: usize,
    #[arg(long, default_value_t = 1e-4)]
    pub lr_body: f64,
    #[arg(long, default_value_t = 60)]
    pub warmup_steps: u64,
    #[arg(long, default_value_t = 10.0)]
    pub checkpoint_minutes: f64,
    /// Dev documents per task scored at checkpoints (0 = all); the export scores all.
    #[arg(long, default_value_t = 0)]
    pub dev_docs: usize,
}

/// The dev side of NER: windows per CoNLL document, and per sentence its length and gold.
struct NerDev {
    windows: Vec<DocumentWindows>,
    sentences: Vec<Vec<(usize, Vec<TokenEntity>)>>,
}

/// The dev side of attribution: windows per article, its text, token spans and gold spans.
struct AttributionDev {
    windows: Vec<DocumentWindows>,
    articles: Vec<(String, Vec<Span>, [Vec<Span>; 3])>,
}

fn label_names(labels: &[&str]) -> Vec<String> {
    labels.iter().map(|l| l.to_string()).collect()
}

fn bio_ids(entities: &[TokenEntity], len: usize) -> anyhow::Result<Vec<usize>> {
    let mut ids = vec![0; len];
    for e in entities {
        let Some(kind) = NER_LABELS
            .iter()
            .position(|l| l.strip_prefix("B-") == Some(&e.label))
        else {
            bail!(
                "CoNLL entity type `{}` is not one of PER, ORG, LOC, MISC",
                e.label
            );
        };
        for (i, slot) in ids
            .iter_mut()
            .enumerate()
            .take(e.end.min(len))
            .skip(e.start)
        {
            *slot = if i == e.start { kind } else { kind + 1 };
        }
    }
    Ok(ids)
}

/// Per sentence of a CoNLL document: its token count and gold entities.
type ConllSentences = Vec<(usize, Vec<TokenEntity>)>;
/// A PolNeAR article: labelled tokens, raw text, token spans, gold source/cue/content spans.
type PolnearText = (LabelledText, String, Vec<Span>, [Vec<Span>; 3]);

/// CoNLL documents as whole texts (sentences concatenated) with BIO ids, plus their sentences.
fn conll_texts(path: &Path) -> anyhow::Result<Vec<(LabelledText, ConllSentences)>> {
    let documents = read_conll(path).with_context(|| format!("reading {}", path.display()))?;
    if documents.is_empty() {
        bail!("{}: no CoNLL sentences", path.display());
    }
    let mut out = Vec::with_capacity(documents.len());
    for document in documents {
        let mut text = LabelledText::default();
        let mut sentences = Vec::new();
        for sentence in document.sentences {
            let ids = bio_ids(&sentence.entities, sentence.words.len())?;
            text.labels.extend(ids);
            sentences.push((sentence.words.len(), sentence.entities));
            text.words.extend(sentence.words);
        }
        out.push((text, sentences));
    }
    Ok(out)
}

/// PolNeAR articles tokenized as the pipeline does, with BIO ids of the roles (cues first so
/// that overlapping annotations keep the most specific role, as the quotes tagger trains).
fn polnear_texts(dir: &Path) -> anyhow::Result<Vec<PolnearText>> {
    let examples = stancegraph_quotes::train::load_examples(dir, |doc: &mut Document| {
        stancegraph_text::tokenize_document(doc, stancegraph_text::DEFAULT_MAX_SENTENCE_TOKENS);
        Ok(())
    })
    .with_context(|| format!("reading PolNeAR from {}", dir.display()))?;
    if examples.is_empty() {
        bail!("{}: no PolNeAR articles", dir.display());
    }
    let mut out = Vec::with_capacity(examples.len());
    for example in examples {
        let mut spans = Vec::new();
        let mut gold: [Vec<Span>; 3] = Default::default();
        for g in &example.gold {
            for (role, span) in [g.source, g.cue, g.content].into_iter().enumerate() {
                if let Some(span) = span {
                    spans.push((role, span));
                    gold[role].push(span);
                }
            }
        }
        spans.sort_by_key(|(role, s)| (usize::from(*role != 1), s.start));
        let labels = stancegraph_quotes::tagger::gold_tags(&example.doc, &spans);
        let text = example.doc.text();
        let token_spans: Vec<Span> = example.doc.tokens.iter().map(|t| t.span).collect();
        let words = token_spans
            .iter()
            .map(|s| text.get(s.start..s.end).unwrap_or("").to_string())
            .collect();
        out.push((
            LabelledText { words, labels },
            text.to_string(),
            token_spans,
            gold,
        ));
    }
    Ok(out)
}

/// Spans of a BIO label sequence from the constrained decoder (`B-X I-X*`; a stray `I-X`
/// opens a span too), typed by `X`.
fn bio_spans(labels: &[usize], names: &[&str]) -> Vec<TokenEntity> {
    let mut out: Vec<TokenEntity> = Vec::new();
    let mut open: Option<(usize, &str)> = None;
    for (i, &label) in labels.iter().enumerate() {
        let name = names.get(label).copied().unwrap_or("O");
        let (prefix, kind) = name.split_once('-').unwrap_or(("O", ""));
        let continues = prefix == "I" && open.is_some_and(|(_, k)| k == kind);
        if !continues {
            if let Some((start, k)) = open.take() {
                out.push(TokenEntity {
                    start,
                    end: i,
                    label: k.to_string(),
                });
            }
            if prefix != "O" && !kind.is_empty() {
                open = Some((i, kind));
            }
        }
    }
    if let Some((start, k)) = open {
        out.push(TokenEntity {
            start,
            end: labels.len(),
            label: k.to_string(),
        });
    }
    out
}

fn doc_windows(
    wordpiece: &WordPiece,
    words: &[String],
    spec: WindowSpec,
) -> anyhow::Result<DocumentWindows> {
    encode_tokens(wordpiece, words, spec).map_err(|e| anyhow::anyhow!("windows: {e}"))
}

fn score_ner(
    model: &EncoderModel,
    head: usize,
    dev: &NerDev,
    docs: usize,
) -> anyhow::Result<BTreeMap<String, f64>> {
    let docs = if docs == 0 {
        dev.windows.len()
    } else {
        docs.min(dev.windows.len())
    };
    let labels = decode_documents(model, head, &dev.windows[..docs], EVAL_BATCH_PIECES)?;
    let mut scorer = NerScorer::default();
    for (predicted, sentences) in labels.iter().zip(&dev.sentences) {
        let mut offset = 0;
        for (len, gold) in sentences {
            let tags = predicted.get(offset..offset + len).unwrap_or(&[]);
            scorer.add_sentence(gold, &bio_spans(tags, &NER_LABELS), *len);
            offset += len;
        }
    }
    let scores = scorer.scores();
    let mut out = BTreeMap::new();
    out.insert("ner_f1".to_string(), scores.f1);
    for (kind, prf) in &scores.per_type {
        out.insert(format!("ner_f1_{kind}"), prf.f1);
    }
    Ok(out)
}

/// Leading and trailing whitespace off a span (as the quotes scorer compares spans).
fn trim(text: &str, span: Span) -> Span {
    let Some(slice) = text.get(span.start..span.end) else {
        return span;
    };
    let start = span.start + (slice.len() - slice.trim_start().len());
    let end = span.end - (slice.len() - slice.trim_end().len());
    if start >= end {
        span
    } else {
        Span::new(start, end)
    }
}

/// Exact-match P/R/F1 per role over predicted token spans, counted as `eval quotes` counts
/// (trimmed, de-duplicated byte spans per document).
fn score_attribution(
    model: &EncoderModel,
    head: usize,
    dev: &AttributionDev,
    docs: usize,
) -> anyhow::Result<BTreeMap<String, f64>> {
    let docs = if docs == 0 {
        dev.windows.len()
    } else {
        docs.min(dev.windows.len())
    };
    let labels = decode_documents(model, head, &dev.windows[..docs], EVAL_BATCH_PIECES)?;
    let mut counts = [(0usize, 0usize, 0usize); 3];
    for (predicted, (text, tokens, gold)) in labels.iter().zip(&dev.articles) {
        let mut found: [Vec<Span>; 3] = Default::default();
        for e in bio_spans(predicted, &ATTRIBUTION_LABELS) {
            let (Some(role), Some(first), Some(last)) = (
                ROLES.iter().position(|r| *r == e.label),
                tokens.get(e.start),
                e.end.checked_sub(1).and_then(|l| tokens.get(l)),
            ) else {
                continue;
            };
            found[role].push(trim(text, Span::new(first.start, last.end)));
        }
        for role in 0..3 {
            let mut g: Vec<Span> = gold[role].iter().map(|s| trim(text, *s)).collect();
            g.sort();
            g.dedup();
            let p = &mut found[role];
            p.sort();
            p.dedup();
            counts[role].0 += p.iter().filter(|s| g.binary_search(s).is_ok()).count();
            counts[role].1 += p.len();
            counts[role].2 += g.len();
        }
    }
    let mut out = BTreeMap::new();
    for (role, (correct, predicted, gold)) in ROLES.iter().zip(counts) {
        let (_, _, f1) =
            stancegraph_core::metrics::precision_recall_f1(correct, predicted, correct, gold);
        out.insert(format!("{}_exact_f1", role.to_lowercase()), f1);
    }
    Ok(out)
}

/// All dev figures, and the score that picks the best checkpoint: the mean of NER F1 and the
/// three attribution exact F1s' mean, over the tasks present.
fn evaluate(
    model: &EncoderModel,
    ner: Option<&NerDev>,
    attribution: Option<&AttributionDev>,
    docs: usize,
) -> anyhow::Result<DevFigures> {
    let mut figures = BTreeMap::new();
    let mut parts = Vec::new();
    if let (Some(dev), Some(head)) = (ner, model.head("ner")) {
        let f = score_ner(model, head, dev, docs)?;
        parts.push(f.get("ner_f1").copied().unwrap_or(0.0));
        figures.extend(f);
    }
    if let (Some(dev), Some(head)) = (attribution, model.head("attribution")) {
        let f = score_attribution(model, head, dev, docs)?;
        parts.push(f.values().sum::<f64>() / 3.0);
        figures.extend(f);
    }
    let score = if parts.is_empty() {
        0.0
    } else {
        parts.iter().sum::<f64>() / parts.len() as f64
    };
    Ok(DevFigures { score, figures })
}

pub(crate) fn check_base(base: &Path) -> anyhow::Result<()> {
    for name in ["config.json", "vocab.txt", "model.safetensors"] {
        if !base.join(name).is_file() {
            bail!(
                "base model {}: no {name} (run scripts/fetch-test-models.sh for all-MiniLM-L6-v2)",
                base.display()
            );
        }
    }
    Ok(())
}

/// The stored precision and the vocabulary of a fine-tuning run, its base model checked.
pub(crate) fn prepare_base(base: &Path, precision: &str) -> anyhow::Result<(Precision, WordPiece)> {
    let Some(parsed) = Precision::parse(precision) else {
        bail!("--precision {precision}: expected int8-row, f16 or f32");
    };
    check_base(base)?;
    let wordpiece =
        WordPiece::from_vocab_file(base.join("vocab.txt")).map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok((parsed, wordpiece))
}

/// The end of a fine-tuning run, shared by `train encoder` and `train sentiment-encoder`.
pub(crate) struct Finish<'a> {
    pub tasks: &'a [TaskData],
    pub options: &'a TrainOptions,
    pub pad: u32,
    /// Skip training: export the best checkpoint already in `options.checkpoints`.
    pub export_only: bool,
    pub out: Option<&'a Path>,
    pub precision: Precision,
    /// heads.json of the export (its `quantization` and `dev` are filled here).
    pub spec: EncoderSpec,
    /// Batches per epoch, when the run counts in epochs (the summary gives each dev score's epoch).
    pub steps_per_epoch: Option<u64>,
    /// The `task` of the closing JSON line (`train-encoder`, …).
    pub command: &'static str,
}

/// Trains (unless `export_only`), then, with an `out` directory, exports the best checkpoint,
/// scores it in f32 and as stored on the whole dev set, and writes heads.json with the figures.
/// `dev(model, whole)` scores a model: the cheaper subset during training, all of dev at export.
pub(crate) fn train_and_export(
    finish: Finish,
    dev: &dyn Fn(&EncoderModel, bool) -> anyhow::Result<DevFigures>,
) -> anyhow::Result<()> {
    let Finish {
        tasks,
        options,
        pad,
        export_only,
        out,
        precision,
        mut spec,
        steps_per_epoch,
        command,
    } = finish;
    let heads: Vec<(String, Vec<String>)> = tasks
        .iter()
        .map(|t| (t.task.clone(), t.labels.clone()))
        .collect();
    let best = options.checkpoints.join("best.safetensors");
    let mut summary = serde_json::json!({});
    if !export_only {
        let mut during = |model: &EncoderModel| {
            dev(model, false).map_err(|e| stancegraph_bert::BertError::Training {
                stage: "dev evaluation".into(),
                message: format!("{e:#}"),
            })
        };
        let mut log = |line: &str| eprintln!("{line}");
        let outcome = run_training(tasks, options, pad, &mut during, &mut log)?;
        let epoch = |step: u64| steps_per_epoch.map(|n| step as f64 / n.max(1) as f64);
        summary = serde_json::json!({
            "steps": outcome.state.step,
            "steps_per_epoch": steps_per_epoch,
            "minutes": outcome.state.elapsed_secs / 60.0,
            "pieces_seen": outcome.state.pieces_seen,
            "best_step": outcome.state.best.as_ref().map(|b| b.0),
            "history": outcome.state.history.iter().map(|(step, secs, f)| serde_json::json!({
                "step": step, "epoch": epoch(*step), "minutes": secs / 60.0, "dev": f.figures,
            })).collect::<Vec<_>>(),
        });
    }
    let Some(out) = out else {
        return Ok(());
    };
    if !best.is_file() {
        bail!("no best checkpoint {} to export", best.display());
    }
    let (model, mut store) = base_model(
        &options.base,
        &heads,
        options.case_shapes,
        options.case_dim,
        pad,
    )?;
    store
        .load(&best)
        .map_err(|e| anyhow::anyhow!("loading {}: {e}", best.display()))?;
    let full = dev(&model, true)?;
    eprintln!(
        "best checkpoint, f32, full dev: {}",
        serde_json::to_string(&full.figures)?
    );
    spec.command = Some(std::env::args().collect::<Vec<_>>().join(" "));
    let bytes = export(&store, &spec, &options.base, out, precision)?;
    let (exported, _store, _) = load_model_dir(out)?;
    let stored = dev(&exported, true)?;
    eprintln!(
        "exported {} ({:.1} MB model.safetensors), {} full dev: {}",
        out.display(),
        bytes as f64 / 1e6,
        precision.name(),
        serde_json::to_string(&stored.figures)?
    );
    spec.quantization = Some(precision.name().to_string());
    spec.dev = serde_json::json!({ "f32": full.figures, precision.name(): stored.figures, "training": summary });
    spec.write(out.join("heads.json"))
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    println!(
        "{}",
        serde_json::json!({ "task": command, "out": out, "bytes": bytes, "dev": spec.dev })
    );
    Ok(())
}

pub fn train(cmd: Train) -> anyhow::Result<()> {
    let args = match cmd {
        Train::Encoder(args) => *args,
        Train::SentimentEncoder(args) => return super::sentiment_encoder::train(*args),
        Train::StanceEncoder(args) => return super::stance_encoder::train(*args),
    };
    let started = Instant::now();
    if args.conll_train.is_none() && args.polnear_train.is_none() {
        bail!("nothing to train: give --conll-train and/or --polnear-train");
    }
    let (precision, wordpiece) = prepare_base(&args.run.base, &args.run.precision)?;
    let eval_spec = WindowSpec {
        max_pieces: args.max_pieces,
        stride: args.stride,
    };
    eval_spec.validate().map_err(|e| anyhow::anyhow!("{e}"))?;
    let limit = |n: usize| args.run.limit.map_or(n, |l| l.min(n));

    let mut tasks = Vec::new();
    let mut ner_dev = None;
    if let Some(path) = &args.conll_train {
        let mut texts: Vec<LabelledText> = conll_texts(path)?.into_iter().map(|(t, _)| t).collect();
        texts.truncate(limit(texts.len()));
        let train = sequences(&texts, &wordpiece, args.ner_pieces, "ner")?;
        eprintln!("ner: {} texts, {} windows", texts.len(), train.len());
        tasks.push(TaskData {
            task: "ner".into(),
            labels: label_names(&NER_LABELS),
            train,
        });
        if let Some(dev) = &args.conll_dev {
            let mut docs = conll_texts(dev)?;
            docs.truncate(limit(docs.len()));
            let mut windows = Vec::with_capacity(docs.len());
            let mut sentences = Vec::with_capacity(docs.len());
            for (text, s) in docs {
                windows.push(doc_windows(&wordpiece, &text.words, eval_spec)?);
                sentences.push(s);
            }
            ner_dev = Some(NerDev { windows, sentences });
        }
    }
    let mut attribution_dev = None;
    if let Some(dir) = &args.polnear_train {
        let mut texts: Vec<LabelledText> = polnear_texts(dir)?.into_iter().map(|t| t.0).collect();
        texts.truncate(limit(texts.len()));
        let train = sequences(&texts, &wordpiece, args.max_pieces, "attribution")?;
        eprintln!(
            "attribution: {} texts, {} windows",
            texts.len(),
            train.len()
        );
        tasks.push(TaskData {
            task: "attribution".into(),
            labels: label_names(&ATTRIBUTION_LABELS),
            train,
        });
        if let Some(dev) = &args.polnear_dev {
            let mut docs = polnear_texts(dev)?;
            docs.truncate(limit(docs.len()));
            let mut windows = Vec::with_capacity(docs.len());
            let mut articles = Vec::with_capacity(docs.len());
            for (text, raw, spans, gold) in docs {
                windows.push(doc_windows(&wordpiece, &text.words, eval_spec)?);
                articles.push((raw, spans, gold));
            }
            attribution_dev = Some(AttributionDev { windows, articles });
        }
    }
    eprintln!("data ready in {:.1} s", started.elapsed().as_secs_f64());
    let options = args.run.options(Schedule {
        lr_body: args.lr_body,
        warmup_steps: args.warmup_steps,
        checkpoint_minutes: args.checkpoint_minutes,
        checkpoint_steps: None,
        max_steps: args.run.steps,
    });
    let heads: Vec<(String, Vec<String>)> = tasks
        .iter()
        .map(|t| (t.task.clone(), t.labels.clone()))
        .collect();
    let mut spec = spec_for(
        &heads,
        args.max_pieces,
        args.stride,
        options.case_dim as usize,
    );
    spec.trained_on = Some(trained_on(&args));
    let finish = Finish {
        tasks: &tasks,
        options: &options,
        pad: wordpiece.special().pad,
        export_only: args.run.export_only,
        out: args.run.out.as_deref(),
        precision,
        spec,
        steps_per_epoch: None,
        command: "train-encoder",
    };
    train_and_export(finish, &|model, whole| {
        let docs = if whole { 0 } else { args.dev_docs };
        evaluate(model, ner_dev.as_ref(), attribution_dev.as_ref(), docs)
    })
}

fn trained_on(args: &TrainArgs) -> String {
    let mut parts = Vec::new();
    if let Some(p) = &args.conll_train {
        parts.push(format!("CoNLL-2003 {}", p.display()));
    }
    if let Some(p) = &args.polnear_train {
        parts.push(format!("PolNeAR {}", p.display()));
    }
    parts.join("; ")
}
