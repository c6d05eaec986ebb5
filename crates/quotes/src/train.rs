//! Training and evaluation over PolNeAR splits. The caller supplies how documents get their
//! layers (`prepare`), so that training sees the same tokens and parse as the pipeline.

use std::path::Path;

use stancegraph_core::{Document, Metadata};

use crate::polnear::{read_split, GoldAttribution};
use crate::score::Scorer;
use crate::tagger::{self, RoleTagger};
use crate::{Attributor, CueLexicon, QuotesError};

/// A PolNeAR article turned into a document with layers, plus its gold attributions.
pub struct Example {
    /// The article as a document, with the layers `prepare` gave it (or a silver document).
    pub doc: Document,
    /// The gold attributions (for silver examples, another attributor's quotes), as byte
    /// spans of `doc`'s text.
    pub gold: Vec<GoldAttribution>,
}

/// Reads a split and prepares each article with `prepare` (which fills sentences, tokens and
/// whatever else is available).
pub fn load_examples(
    dir: &Path,
    mut prepare: impl FnMut(&mut Document) -> Result<(), String>,
) -> Result<Vec<Example>, QuotesError> {
    let articles = read_split(dir)?;
    let mut out = Vec::with_capacity(articles.len());
    for article in articles {
        let mut doc = Document::new(
            Some(article.name.clone()),
            article.text,
            Metadata::default(),
        );
        prepare(&mut doc).map_err(|message| QuotesError::Document {
            doc: article.name.clone(),
            message,
        })?;
        out.push(Example {
            doc,
            gold: article.attributions,
        });
    }
    Ok(out)
}

/// Training settings.
#[derive(Debug, Clone, Copy)]
pub struct TrainOptions {
    /// Passes over the training data (8 by default).
    pub epochs: usize,
    /// Hashed feature buckets (model size is at most buckets × 7 × 8 bytes).
    pub buckets: u32,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            epochs: 8,
            buckets: 1 << 18,
        }
    }
}

/// Learns the cue lexicon and the tagger from prepared examples.
pub fn train(
    examples: &[Example],
    options: TrainOptions,
    progress: impl FnMut(usize, usize),
) -> Attributor {
    train_with_silver(examples, &[], 1.0, options, progress)
}

/// [`train`] on gold `examples` plus `silver` ones (another attributor's quotes, see
/// [`crate::silver`]) whose tagger updates are scaled by `silver_weight`. The cue lexicon
/// is learned from the gold examples only, so a silver run keeps the shipped cue words.
pub fn train_with_silver(
    examples: &[Example],
    silver: &[Example],
    silver_weight: f32,
    options: TrainOptions,
    progress: impl FnMut(usize, usize),
) -> Attributor {
    let lexicon = CueLexicon::learn(examples.iter().map(|e| (&e.doc, e.gold.as_slice())));
    let data: Vec<_> = examples
        .iter()
        .chain(silver)
        .map(|e| {
            let regions = crate::sentence_quote_regions(&e.doc);
            let features = tagger::extract(&e.doc, &lexicon, &regions, options.buckets);
            let gold = tagger::gold_tags(&e.doc, &role_spans(&e.gold));
            let segments = tagger::segments(&e.doc, &gold);
            (features, gold, segments)
        })
        .collect();
    let mut weights = vec![1.0; examples.len()];
    weights.resize(examples.len() + silver.len(), silver_weight);
    let weights: RoleTagger =
        tagger::train_weighted(&data, &weights, options.buckets, options.epochs, progress);
    Attributor::new(lexicon, weights)
}

/// The role spans of gold attributions as the tagger's gold tags read them: (0 source,
/// 1 cue, 2 content; span), cues first so that overlapping annotations keep the most
/// specific role.
pub fn role_spans(gold: &[GoldAttribution]) -> Vec<(usize, stancegraph_core::Span)> {
    let mut spans = Vec::new();
    for g in gold {
        spans.extend(g.source.map(|s| (0, s)));
        spans.extend(g.cue.map(|s| (1, s)));
        spans.extend(g.content.map(|s| (2, s)));
    }
    spans.sort_by_key(|(role, s)| (usize::from(*role != 1), s.start));
    spans
}

/// Scores an attributor on prepared examples.
pub fn evaluate(attributor: &Attributor, examples: &[Example]) -> Scorer {
    let predicted: Vec<_> = examples.iter().map(|e| attributor.find(&e.doc)).collect();
    score_predictions(examples, predicted.iter().map(Vec::as_slice))
}

/// Scores each example's predicted quotes (in example order) against its gold.
pub fn score_predictions<'q>(
    examples: &[Example],
    predicted: impl IntoIterator<Item = &'q [stancegraph_core::Quote]>,
) -> Scorer {
    let mut scorer = Scorer::default();
    for (example, quotes) in examples.iter().zip(predicted) {
        scorer.add(example.doc.text(), &example.gold, quotes);
    }
    scorer
}

/// Scores the gold tags decoded back into spans: the ceiling the tokenization allows.
pub fn oracle(examples: &[Example]) -> Scorer {
    let mut scorer = Scorer::default();
    for e in examples {
        let tags = tagger::gold_tags(&e.doc, &role_spans(&e.gold));
        let margins = vec![1.0; tags.len()];
        let quotes: Vec<stancegraph_core::Quote> = crate::attribution::role_spans(&tags, &margins)
            .iter()
            .filter_map(|s| {
                let span = crate::attribution::token_span(&e.doc, s.first, s.last)?;
                Some(stancegraph_core::Quote {
                    id: String::new(),
                    content: span,
                    cue: (s.role == 1).then_some(span),
                    source: (s.role == 0).then_some(span),
                    speaker: stancegraph_core::ActorRef::Unresolved {
                        text: String::new(),
                    },
                    kind: stancegraph_core::QuoteKind::Indirect,
                    class: Default::default(),
                    stage: String::new(),
                    confidence: 1.0,
                })
            })
            .collect();
        // Contents only from content spans.
        let quotes: Vec<_> = quotes
            .into_iter()
            .map(|mut q| {
                if q.cue.is_some() || q.source.is_some() {
                    q.content = stancegraph_core::Span::new(0, 0);
                }
                q
            })
            .collect();
        scorer.add(e.doc.text(), &e.gold, &quotes);
    }
    scorer
}
