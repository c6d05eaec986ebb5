//! `train stance-encoder` (feature `bert`): fine-tunes MiniLM as a stance pair classifier on
//! SEESAW train minus its held-out stories (every fifth story, the slice the linear pair model
//! is tuned on): every ordered pair of listed actors found in a sentence, holder and target
//! between marker pieces, the head on the holder's marker, labelled none / support / oppose
//! from the gold triplets. Checkpoints once per epoch with the held-out figures (compared
//! with the linear pair model on the same pairs at the start) and exports the best checkpoint
//! (data/stance-encoder when shipped).
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context};
use stancegraph_bert::training::encoder::stance::{
    PairWindow, STANCE_LABELS, STANCE_SCHEME, STANCE_TASK,
};
use stancegraph_bert::training::model::EncoderModel;
use stancegraph_bert::training::sentiment::{argmax, marker_rows};
use stancegraph_bert::training::stance::{
    pair_score, pair_windows, stance_sequences, PairExample, PairScore,
};
use stancegraph_bert::training::trainer::DevFigures;
use stancegraph_relations::seesaw::{load_split, locate, SeesawArticle};
use stancegraph_relations::{pair_features, Lexicon, StanceModel};

use super::sentiment_encoder::{train_marker_head, MarkerHead};

/// Padded pieces per inference batch during dev evaluation.
const EVAL_BATCH_PIECES: usize = 4096;

#[derive(clap::Args, Debug)]
pub struct StanceEncoderArgs {
    /// Checkpoints, export and the run's bounds (shared with the other `train` commands).
    #[command(flatten)]
    pub run: super::encoder::RunArgs,
    /// SEESAW directory (its train split; every fifth story is held out and never trained on).
    #[arg(long)]
    pub seesaw: PathBuf,
    /// Epochs, window and learning schedule (shared with `train sentiment-encoder`).
    #[command(flatten)]
    pub marker: super::sentiment_encoder::MarkerArgs,
    /// Fraction of the training pairs labelled none that are kept (seeded choice; the
    /// held-out pairs are all kept).
    #[arg(long, default_value_t = 1.0)]
    pub none_keep: f64,
    /// The linear stance model scored on the same held-out pairs for comparison (its
    /// lexicons are read from the same directory).
    #[arg(long, default_value = "data/models/relations/stance_model.json")]
    pub linear: PathBuf,
}

/// The story number of a SEESAW article id (`TRIPLET_012_DOCUMENT_1` → 12); the held-out
/// stories are those the relations crate's `train::is_dev` holds out (number % 5 == 0).
fn held_out(article_id: &str) -> bool {
    let story = article_id
        .strip_prefix("TRIPLET_")
        .and_then(|rest| rest.get(..3))
        .and_then(|n| n.parse::<u32>().ok())
        .unwrap_or(0);
    story.is_multiple_of(5)
}

/// Every ordered pair of distinct listed actors located (without overlap) in a sentence,
/// labelled from the sentence's gold triplet (the pairs of `seesaw::pair_examples`).
fn pairs_of(articles: &[SeesawArticle]) -> Vec<PairExample> {
    let mut out = Vec::new();
    for article in articles {
        for (index, sentence) in article.sentences.iter().enumerate() {
            let found: Vec<(&str, std::ops::Range<usize>)> = article
                .actors
                .iter()
                .filter_map(|(name, kind)| Some((name.as_str(), locate(sentence, name, kind)?)))
                .collect();
            for (holder, h) in &found {
                for (target, t) in found.iter().filter(|(name, _)| name != holder) {
                    if h.start < t.end && t.start < h.end {
                        continue;
                    }
                    let gold = article.triplets.iter().find(|g| {
                        g.sentence == index && g.subject == *holder && g.object == *target
                    });
                    out.push(PairExample {
                        sentence: sentence.clone(),
                        holder: h.clone(),
                        target: t.clone(),
                        label: gold.map_or(0, |g| if g.positive { 1 } else { 2 }),
                    });
                }
            }
        }
    }
    out
}

/// Keeps every stance pair and about `keep` of the none pairs (a seeded choice).
fn subsample_none(examples: Vec<PairExample>, keep: f64, seed: u64) -> Vec<PairExample> {
    if keep >= 1.0 {
        return examples;
    }
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    examples
        .into_iter()
        .filter(|e| {
            // xorshift64*: a fixed sequence per seed, independent of the platform.
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            let draw =
                (state.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64;
            e.label != 0 || draw < keep
        })
        .collect()
}

/// The linear pair model's decisions on `examples`: argmax, and with its tuned threshold
/// (a stance when P(support) + P(oppose) reaches it), as the relations stage decides.
fn linear_guesses(
    path: &Path,
    examples: &[PairExample],
) -> anyhow::Result<(Vec<usize>, Vec<usize>)> {
    let model = StanceModel::load(path).with_context(|| format!("reading {}", path.display()))?;
    let dir = path.parent().unwrap_or(Path::new("."));
    let lexicon = Lexicon::load(dir).with_context(|| format!("lexicons in {}", dir.display()))?;
    let (mut plain, mut tuned) = (Vec::new(), Vec::new());
    for e in examples {
        let features = pair_features(&e.sentence, e.holder.clone(), e.target.clone(), &lexicon);
        let probs = model.pair.predict(&features);
        plain.push(argmax(&probs));
        let (support, oppose) = (probs[1], probs[2]);
        tuned.push(if support + oppose < model.pair_threshold {
            0
        } else if support > oppose {
            1
        } else {
            2
        });
    }
    Ok((plain, tuned))
}

fn score_model(
    model: &EncoderModel,
    inputs: &[PairWindow],
    gold: &[usize],
) -> anyhow::Result<PairScore> {
    let head = model
        .head(STANCE_TASK)
        .ok_or_else(|| anyhow::anyhow!("the model has no {STANCE_TASK} head"))?;
    let inputs: Vec<_> = inputs
        .iter()
        .map(|i| (&i.window, i.holder_marker))
        .collect();
    let guess: Vec<usize> = marker_rows(model, head, &inputs, EVAL_BATCH_PIECES)?
        .iter()
        .map(|row| argmax(row))
        .collect();
    Ok(pair_score(gold, &guess))
}

fn figures(score: &PairScore) -> DevFigures {
    let mut figures = std::collections::BTreeMap::new();
    figures.insert("stance_f1".to_string(), score.f1);
    figures.insert("stance_precision".to_string(), score.precision);
    figures.insert("stance_recall".to_string(), score.recall);
    figures.insert("macro_f1".to_string(), score.classes.macro_f1);
    figures.insert("accuracy".to_string(), score.classes.accuracy);
    for (label, f1) in STANCE_LABELS.iter().zip(&score.classes.f1) {
        figures.insert(format!("f1_{label}"), *f1);
    }
    DevFigures {
        score: score.f1,
        figures,
    }
}

pub fn train(args: StanceEncoderArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let (precision, wordpiece) = super::encoder::prepare_base(&args.run.base, &args.run.precision)?;
    if !(args.none_keep > 0.0 && args.none_keep <= 1.0) {
        bail!(
            "--none-keep {}: expected a fraction in (0, 1]",
            args.none_keep
        );
    }
    let articles = load_split(&args.seesaw, "train")?;
    let (dev_articles, train_articles): (Vec<_>, Vec<_>) =
        articles.into_iter().partition(|a| held_out(&a.id));
    let limit = |mut list: Vec<PairExample>| {
        list.truncate(args.run.limit.unwrap_or(usize::MAX));
        list
    };
    let all_train = pairs_of(&train_articles);
    let train_examples = limit(subsample_none(all_train, args.none_keep, args.run.seed));
    let heldout = limit(pairs_of(&dev_articles));
    if train_examples.is_empty() {
        bail!(
            "{}: no training pairs outside the held-out stories",
            args.seesaw.display()
        );
    }
    let max_pieces = args.marker.max_pieces;
    let train = stance_sequences(&train_examples, &wordpiece, max_pieces, STANCE_LABELS.len())?;
    let dev_inputs = pair_windows(&heldout, &wordpiece, max_pieces)?;
    let dev_gold: Vec<usize> = heldout.iter().map(|e| e.label).collect();
    if args.linear.is_file() {
        let (plain, tuned) = linear_guesses(&args.linear, &heldout)?;
        eprintln!(
            "{}",
            serde_json::json!({ "linear_pair_model": args.linear, "heldout_argmax": pair_score(&dev_gold, &plain), "heldout_tuned_threshold": pair_score(&dev_gold, &tuned) })
        );
    }
    let count =
        |list: &[PairExample], label: usize| list.iter().filter(|e| e.label == label).count();
    let head = MarkerHead {
        run: &args.run,
        marker: &args.marker,
        task: STANCE_TASK,
        labels: &STANCE_LABELS,
        scheme: STANCE_SCHEME,
        train,
        precision,
        pad: wordpiece.special().pad,
        trained_on: format!(
            "SEESAW {} train minus the held-out stories (story number % 5 == 0): {} pairs (share of none pairs kept: {})",
            args.seesaw.display(),
            train_examples.len(),
            args.none_keep,
        ),
        command: "train-stance-encoder",
    };
    let describe = |pieces: usize, steps_per_epoch: u64| {
        format!(
            "stance: {} training pairs from {} articles (none/support/oppose {}/{}/{}; {} pieces, {} steps per epoch), {} held-out pairs from {} articles ({}/{}/{}); data ready in {:.1} s",
            train_examples.len(),
            train_articles.len(),
            count(&train_examples, 0),
            count(&train_examples, 1),
            count(&train_examples, 2),
            pieces,
            steps_per_epoch,
            heldout.len(),
            dev_articles.len(),
            count(&heldout, 0),
            count(&heldout, 1),
            count(&heldout, 2),
            started.elapsed().as_secs_f64()
        )
    };
    train_marker_head(head, &describe, &|model| {
        score_model(model, &dev_inputs, &dev_gold).map(|s| figures(&s))
    })
}
