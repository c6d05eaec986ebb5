//! Scorer hooks: the two learned readings the rules ask for, behind traits so that another
//! model (the encoder of the accurate preset) can stand in for the linear classifiers.
//!
//! - [`PairScorer`]: "does the actor at `holder` take a stance toward the actor at `target`
//!   in this sentence": probabilities of none / support / oppose
//!   ([`crate::seesaw::PAIR_LABELS`]).
//! - [`TargetScorer`]: "how does this sentence speak about the words at `target`":
//!   probabilities of negative / neutral / positive ([`crate::sentiment::SENTIMENT_LABELS`]).
//!
//! Both are called once per document with every query of the document, so a model that
//! batches (a transformer) pays one call per document. An error fails the document, with
//! the scorer's reason (see [`RelationsError::Scorer`]).
//!
//! The linear [`StanceModel`](crate::StanceModel) classifiers are the default
//! implementations ([`LinearPairs`], [`LinearTargets`]).

use std::fmt::Debug;
use std::ops::Range;

use crate::error::RelationsError;
use crate::features::{pair_features_in, target_features, PairSentence, SentenceParse};
use crate::lexicon::Lexicon;
use crate::model::LinearModel;

/// The ordered actor pairs of one sentence to score: byte ranges inside `sentence`.
#[derive(Debug, Clone)]
pub struct SentencePairs<'a> {
    /// The sentence's text.
    pub sentence: &'a str,
    /// (holder, target) byte ranges in `sentence`.
    pub pairs: Vec<(Range<usize>, Range<usize>)>,
}

/// One target-sentiment query: the words at `target` (byte range) in `sentence`.
#[derive(Debug, Clone)]
pub struct TargetQuery<'a> {
    /// The sentence's text (for a quote, the part of the quote in that sentence).
    pub sentence: &'a str,
    /// Byte range of the target's words in `sentence`.
    pub target: Range<usize>,
}

/// Scores actor pairs: `[none, support, oppose]` per pair.
pub trait PairScorer: Send + Sync + Debug {
    /// One probability triple per pair, in the order of `batch` and of each sentence's
    /// pairs. `doc` names the document in errors.
    fn score_pairs(
        &self,
        doc: &str,
        batch: &[SentencePairs<'_>],
    ) -> Result<Vec<[f32; 3]>, RelationsError>;

    /// [`PairScorer::score_pairs`] with the dependency parse of each sentence of `batch`
    /// (same order; `None` where there is none), for scorers that read it. The default
    /// ignores the parses.
    fn score_parsed_pairs(
        &self,
        doc: &str,
        batch: &[SentencePairs<'_>],
        _parses: &[Option<SentenceParse<'_>>],
    ) -> Result<Vec<[f32; 3]>, RelationsError> {
        self.score_pairs(doc, batch)
    }

    /// A pair takes a stance when P(support) + P(oppose) reaches this.
    fn threshold(&self) -> f32;
}

/// Scores target sentiment: `[negative, neutral, positive]` per query.
pub trait TargetScorer: Send + Sync + Debug {
    /// One probability triple per query, in order. `doc` names the document in errors.
    fn score_targets(
        &self,
        doc: &str,
        batch: &[TargetQuery<'_>],
    ) -> Result<Vec<[f32; 3]>, RelationsError>;

    /// A sentiment counts when P(negative) or P(positive) reaches this (and beats the other).
    fn threshold(&self) -> f32;
}

/// The first three probabilities of a linear model's output (0 where missing).
fn triple(probs: &[f32]) -> [f32; 3] {
    [0, 1, 2].map(|i| probs.get(i).copied().unwrap_or(0.0))
}

/// The linear SEESAW pair classifier over [`pair_features_parsed`](crate::pair_features_parsed).
#[derive(Debug, Clone, Copy)]
pub struct LinearPairs<'m> {
    /// The pair classifier (labels `none`, `support`, `oppose`).
    pub model: &'m LinearModel,
    /// The lexicon the features read valences and triggers from.
    pub lexicon: &'m Lexicon,
    /// Returned by [`PairScorer::threshold`] (normally the model's `pair_threshold`).
    pub threshold: f32,
}

impl PairScorer for LinearPairs<'_> {
    fn score_pairs(
        &self,
        doc: &str,
        batch: &[SentencePairs<'_>],
    ) -> Result<Vec<[f32; 3]>, RelationsError> {
        self.score_parsed_pairs(doc, batch, &[])
    }

    fn score_parsed_pairs(
        &self,
        _doc: &str,
        batch: &[SentencePairs<'_>],
        parses: &[Option<SentenceParse<'_>>],
    ) -> Result<Vec<[f32; 3]>, RelationsError> {
        let mut out = Vec::with_capacity(batch.iter().map(|s| s.pairs.len()).sum());
        for (index, sentence) in batch.iter().enumerate() {
            if sentence.pairs.is_empty() {
                continue;
            }
            let parse = parses.get(index).and_then(Option::as_ref);
            // The sentence-wide features are read once for all its pairs.
            let context = PairSentence::new(sentence.sentence, self.lexicon);
            for (holder, target) in &sentence.pairs {
                let features = pair_features_in(
                    &context,
                    parse,
                    holder.clone(),
                    target.clone(),
                    self.lexicon,
                );
                out.push(triple(&self.model.predict(&features)));
            }
        }
        Ok(out)
    }

    fn threshold(&self) -> f32 {
        self.threshold
    }
}

/// The linear NewsMTSC target classifier over [`target_features`].
#[derive(Debug, Clone, Copy)]
pub struct LinearTargets<'m> {
    /// The target classifier (labels `negative`, `neutral`, `positive`).
    pub model: &'m LinearModel,
    /// The lexicon the features read valences from.
    pub lexicon: &'m Lexicon,
    /// Returned by [`TargetScorer::threshold`] (normally the model's `target_threshold`).
    pub threshold: f32,
}

impl TargetScorer for LinearTargets<'_> {
    fn score_targets(
        &self,
        _doc: &str,
        batch: &[TargetQuery<'_>],
    ) -> Result<Vec<[f32; 3]>, RelationsError> {
        Ok(batch
            .iter()
            .map(|q| {
                triple(&self.model.predict(&target_features(
                    q.sentence,
                    q.target.clone(),
                    self.lexicon,
                )))
            })
            .collect())
    }

    fn threshold(&self) -> f32 {
        self.threshold
    }
}

/// Checks that a scorer answered once per query.
pub(crate) fn expect_len(
    doc: &str,
    scorer: &str,
    got: usize,
    want: usize,
) -> Result<(), RelationsError> {
    if got == want {
        Ok(())
    } else {
        Err(RelationsError::Scorer {
            doc: doc.to_string(),
            scorer: scorer.to_string(),
            message: format!("{got} answers for {want} queries"),
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    use stancegraph_core::{EntityType, Polarity};

    use super::*;
    use crate::test_support::{document, extractor, named};

    /// A pair scorer that reads every pair as opposition and counts its calls.
    #[derive(Debug, Default)]
    struct Hostile {
        calls: AtomicUsize,
        pairs: AtomicUsize,
    }

    impl PairScorer for Hostile {
        fn score_pairs(
            &self,
            _doc: &str,
            batch: &[SentencePairs<'_>],
        ) -> Result<Vec<[f32; 3]>, RelationsError> {
            self.calls.fetch_add(1, Ordering::SeqCst);
            let n: usize = batch.iter().map(|s| s.pairs.len()).sum();
            self.pairs.fetch_add(n, Ordering::SeqCst);
            for s in batch {
                for (h, t) in &s.pairs {
                    // The ranges lie in the sentence and name the actors.
                    assert!(
                        s.sentence.get(h.clone()).is_some() && s.sentence.get(t.clone()).is_some()
                    );
                }
            }
            Ok(vec![[0.1, 0.1, 0.8]; n])
        }
        fn threshold(&self) -> f32 {
            0.5
        }
    }

    /// A target scorer that reads every target as praised.
    #[derive(Debug)]
    struct Warm;

    impl TargetScorer for Warm {
        fn score_targets(
            &self,
            _doc: &str,
            batch: &[TargetQuery<'_>],
        ) -> Result<Vec<[f32; 3]>, RelationsError> {
            Ok(vec![[0.05, 0.05, 0.9]; batch.len()])
        }
        fn threshold(&self) -> f32 {
            0.5
        }
    }

    /// A scorer that always fails.
    #[derive(Debug)]
    struct Broken;

    impl PairScorer for Broken {
        fn score_pairs(
            &self,
            doc: &str,
            _batch: &[SentencePairs<'_>],
        ) -> Result<Vec<[f32; 3]>, RelationsError> {
            Err(RelationsError::Scorer {
                doc: doc.to_string(),
                scorer: "broken".into(),
                message: "out of memory".into(),
            })
        }
        fn threshold(&self) -> f32 {
            0.5
        }
    }

    fn two_sentences() -> stancegraph_core::Document {
        document(
            "Anna Clarke met Tom Evans in the morning. Later Maria Moreno spoke with Li Chen.",
            &[
                ("Anna Clarke", EntityType::Per),
                ("Tom Evans", EntityType::Per),
                ("Maria Moreno", EntityType::Per),
                ("Li Chen", EntityType::Per),
            ],
            &[],
        )
    }

    #[test]
    fn every_pair_of_a_document_goes_to_the_pair_scorer_in_one_call() {
        let doc = two_sentences();
        let hostile = Arc::new(Hostile::default());
        let x = extractor().clone().with_pair_scorer(hostile.clone());
        let (stances, _) = x.extract(&doc).expect("scored");
        assert_eq!(hostile.calls.load(Ordering::SeqCst), 1);
        // Two ordered pairs in each sentence.
        assert_eq!(hostile.pairs.load(Ordering::SeqCst), 4);
        let found = named(&doc, &stances);
        for (h, t) in [("Maria Moreno", "Li Chen"), ("Li Chen", "Maria Moreno")] {
            assert!(
                found
                    .iter()
                    .any(|(a, p, b)| a == h && *p == Polarity::Oppose && b == t),
                "{found:?}"
            );
        }
    }

    #[test]
    fn the_target_scorer_reads_the_actors_a_quote_names() {
        let doc = document(
            "Anna Clarke said Tom Evans had done the work. The team agreed.",
            &[
                ("Anna Clarke", EntityType::Per),
                ("Tom Evans", EntityType::Per),
            ],
            &[("Tom Evans had done the work", "Anna Clarke")],
        );
        let x = extractor().clone().with_target_scorer(Arc::new(Warm));
        let (stances, _) = x.extract(&doc).expect("scored");
        assert!(stances
            .iter()
            .any(|s| s.quote.is_some() && s.polarity == Polarity::Support));
    }

    #[test]
    fn a_failing_scorer_fails_the_document_with_its_reason() {
        let mut doc = two_sentences();
        let x = extractor().clone().with_pair_scorer(Arc::new(Broken));
        let error = x.annotate(&mut doc).expect_err("the scorer fails");
        let message = error.to_string();
        assert!(
            message.contains("test") && message.contains("out of memory"),
            "{message}"
        );
    }

    #[test]
    fn the_linear_scorers_match_the_model_they_wrap() {
        let x = extractor();
        let model = x.model.as_ref().expect("shipped model");
        let sentence = "Angela Merkel criticised Vladimir Putin on Monday.";
        let pairs = LinearPairs {
            model: &model.pair,
            lexicon: &x.lexicon,
            threshold: model.pair_threshold,
        };
        let got = pairs
            .score_pairs(
                "d",
                &[SentencePairs {
                    sentence,
                    pairs: vec![(0..13, 25..39)],
                }],
            )
            .expect("linear");
        let want = model.pair.predict(&crate::features::pair_features(
            sentence,
            0..13,
            25..39,
            &x.lexicon,
        ));
        assert_eq!(got, vec![[want[0], want[1], want[2]]]);
    }
}
