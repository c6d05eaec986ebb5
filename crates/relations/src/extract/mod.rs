//! Reading stances and relations off one annotated document: the [`Extractor`] and the
//! per-document machinery its rules share.
//!
//! Everything here reads only tokens inside `doc.sentences` (so nothing comes from
//! boilerplate) and actors from `doc.mentions` resolved to `doc.entities`. The rules (see
//! [`crate::rules`]) are surface-clause heuristics over tokens and POS tags: a trigger word
//! (verb or noun from the lexicon), its holder (the clause subject, found leftwards across
//! appositions and participial clauses) and its target (the first actor after it, else
//! another actor of the clause). They stay usable whatever the parser's accuracy.
//!
//! The jobs, one module each: [`view`] builds the per-document view (tokens, actors,
//! segments), [`clause`] finds holders and targets, [`phrase`] reads issue phrases and
//! meeting places, [`withheld`] applies negation and hedging to the view, [`demonyms`]
//! maps nationalities to their countries, [`findings`] collects candidates and [`dedup`]
//! turns them into the final layers.

pub(crate) mod clause;
pub(crate) mod dedup;
pub(crate) mod demonyms;
pub(crate) mod findings;
pub(crate) mod phrase;
pub(crate) mod view;
pub(crate) mod withheld;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use stancegraph_core::{
    ActorRef, Document, Polarity, Relation, RelationClass, Sign, Span, Stance, Target,
};

use crate::error::RelationsError;
use crate::lexicon::Lexicon;
use crate::model::StanceModel;
use crate::scorer::{LinearPairs, LinearTargets, PairScorer, TargetScorer};
use dedup::{canonicalise_issues, dedup_relations};
use findings::Findings;
use view::View;

/// The most tokens the rules read as one sentence. A longer "sentence" (a names flood, a
/// page without punctuation) is read in pieces of this size, so that every per-trigger and
/// per-pair scan stays bounded and the stage linear in the document's size. News sentences
/// are far shorter (SEESAW's longest is under 150 tokens), so they are read whole.
pub(crate) const MAX_SEGMENT_TOKENS: usize = 200;

/// Tunable knobs of the extractor (the stage config maps onto this).
#[derive(Debug, Clone, PartialEq)]
pub struct ExtractOptions {
    /// Stances below this confidence are dropped.
    pub min_confidence: f32,
    /// Use the learned pair classifier for sentence-level actor-to-actor stances.
    pub use_pair_model: bool,
    /// Read stances toward actors named inside quotes.
    pub use_quotes: bool,
}

impl Default for ExtractOptions {
    fn default() -> Self {
        ExtractOptions {
            min_confidence: crate::RelationsConfig::default().min_confidence,
            use_pair_model: true,
            use_quotes: true,
        }
    }
}

/// Reads stances and relations off documents.
#[derive(Debug, Clone)]
pub struct Extractor {
    /// Valences and triggers the rules read.
    pub lexicon: Lexicon,
    /// The linear classifiers; `None` turns the pair rule off (unless `pair_scorer` is set)
    /// and leaves quote sentiment to the lexicon (unless `target_scorer` is set).
    pub model: Option<StanceModel>,
    /// Confidence floor and which rules run.
    pub options: ExtractOptions,
    /// The stage name recorded on every annotation; the stances and relations carrying it
    /// are the ones [`Extractor::annotate`] replaces.
    pub stage: String,
    /// Reads actor pairs instead of the model's linear pair classifier.
    pub pair_scorer: Option<Arc<dyn PairScorer>>,
    /// Reads the sentiment toward actors named in quotes instead of the model's linear
    /// target classifier.
    pub target_scorer: Option<Arc<dyn TargetScorer>>,
}

impl Extractor {
    /// An extractor with the linear scorers of `model` (if any); `stage` is the name
    /// recorded on, and later replaced in, its annotations (normally [`crate::STAGE_NAME`]).
    pub fn new(
        lexicon: Lexicon,
        model: Option<StanceModel>,
        options: ExtractOptions,
        stage: impl Into<String>,
    ) -> Self {
        Extractor {
            lexicon,
            model,
            options,
            stage: stage.into(),
            pair_scorer: None,
            target_scorer: None,
        }
    }

    /// This extractor with `scorer` reading actor pairs (the pair rule runs even without
    /// a stance model then).
    pub fn with_pair_scorer(mut self, scorer: Arc<dyn PairScorer>) -> Self {
        self.pair_scorer = Some(scorer);
        self
    }

    /// This extractor with `scorer` reading the sentiment toward actors named in quotes.
    pub fn with_target_scorer(mut self, scorer: Arc<dyn TargetScorer>) -> Self {
        self.target_scorer = Some(scorer);
        self
    }

    /// The pair scorer: the one set, else the stance model's linear classifier.
    pub(crate) fn pair_scorer(&self) -> Option<PairScorerRef<'_>> {
        match (&self.pair_scorer, &self.model) {
            (Some(scorer), _) => Some(PairScorerRef::Shared(scorer.as_ref())),
            (None, Some(model)) => Some(PairScorerRef::Linear(LinearPairs {
                model: &model.pair,
                lexicon: &self.lexicon,
                threshold: model.pair_threshold,
            })),
            (None, None) => None,
        }
    }

    /// The target-sentiment scorer: the one set, else the stance model's linear
    /// classifier; `None` leaves the sentiment to the lexicon.
    pub(crate) fn target_scorer(&self) -> Option<TargetScorerRef<'_>> {
        match (&self.target_scorer, &self.model) {
            (Some(scorer), _) => Some(TargetScorerRef::Shared(scorer.as_ref())),
            (None, Some(model)) => Some(TargetScorerRef::Linear(LinearTargets {
                model: &model.target,
                lexicon: &self.lexicon,
                threshold: model.target_threshold,
            })),
            (None, None) => None,
        }
    }

    /// Writes the stances and relations of `doc`, replacing those this extractor wrote
    /// before (the ones recorded under its stage name), so that annotating twice gives the
    /// same document as annotating once. Stances and relations of other stages stay; a
    /// hierarchy or affiliation another stage (entities) already stated is not repeated.
    ///
    /// A scorer that fails returns its error (the runner then fails the document).
    pub fn annotate(&self, doc: &mut Document) -> Result<(), RelationsError> {
        doc.stances.retain(|s| s.stage != self.stage);
        doc.relations.retain(|r| r.stage != self.stage);
        let (stances, relations) = self.extract(doc)?;
        let existing: BTreeSet<(RelationClass, String, ActorRef, Target)> = doc
            .relations
            .iter()
            .map(|r| (r.class, r.kind.clone(), r.source.clone(), r.target.clone()))
            .collect();
        for relation in relations {
            let key = (
                relation.class,
                relation.kind.clone(),
                relation.source.clone(),
                relation.target.clone(),
            );
            if relation.class != RelationClass::Interaction && existing.contains(&key) {
                continue;
            }
            doc.relations.push(relation);
        }
        doc.stances.extend(stances);
        Ok(())
    }

    /// Stances and relations of a document, without touching it.
    pub fn extract(&self, doc: &Document) -> Result<(Vec<Stance>, Vec<Relation>), RelationsError> {
        let view = View::new(doc);
        let mut findings = Findings::default();
        for segment in 0..view.segments.len() {
            // The runner fails a document over its time budget once the stage returns.
            if stancegraph_core::over_budget() {
                break;
            }
            self.trigger_rules(&view, segment, &mut findings);
            self.role_rules(&view, segment, &mut findings);
            self.hierarchy_rules(&view, segment, &mut findings.relations);
        }
        if self.options.use_quotes {
            self.quote_rules(&view, &mut findings)?;
        }
        if self.options.use_pair_model {
            self.pair_model(&view, &mut findings)?;
        }
        self.affiliations(doc, &mut findings.relations);
        let Findings {
            mut stances,
            mut relations,
            ..
        } = findings;
        canonicalise_issues(&mut stances, &mut relations);
        Ok((self.dedup_stances(stances), dedup_relations(relations)))
    }

    /// The entity an actor of the view stands for, as a stance holder or relation source.
    pub(crate) fn entity_ref(view: &View<'_>, actor: usize) -> Option<ActorRef> {
        view.actors.get(actor).map(|a| ActorRef::Entity {
            id: a.entity.clone(),
        })
    }

    /// A stance recorded under this extractor's stage.
    pub(crate) fn stance(
        &self,
        holder: ActorRef,
        target: Target,
        polarity: Polarity,
        evidence: Span,
        trigger: Option<Span>,
        confidence: f32,
    ) -> Stance {
        Stance {
            holder,
            target,
            polarity,
            evidence,
            trigger,
            quote: None,
            stage: self.stage.clone(),
            confidence,
        }
    }

    /// A relation recorded under this extractor's stage.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn relation(
        &self,
        class: RelationClass,
        kind: &str,
        source: ActorRef,
        target: Target,
        sign: Sign,
        attributes: BTreeMap<String, String>,
        evidence: Span,
        trigger: Option<Span>,
        confidence: f32,
    ) -> Relation {
        Relation {
            class,
            kind: kind.to_string(),
            source,
            target,
            sign,
            attributes,
            evidence,
            trigger,
            stage: self.stage.clone(),
            confidence,
        }
    }
}

/// A pair scorer borrowed from an [`Extractor`]: a shared one or the model's linear one.
pub(crate) enum PairScorerRef<'a> {
    Shared(&'a dyn PairScorer),
    Linear(LinearPairs<'a>),
}

impl PairScorerRef<'_> {
    pub fn get(&self) -> &dyn PairScorer {
        match self {
            PairScorerRef::Shared(s) => *s,
            PairScorerRef::Linear(s) => s,
        }
    }
}

/// A target scorer borrowed from an [`Extractor`]: a shared one or the model's linear one.
pub(crate) enum TargetScorerRef<'a> {
    Shared(&'a dyn TargetScorer),
    Linear(LinearTargets<'a>),
}

impl TargetScorerRef<'_> {
    pub fn get(&self) -> &dyn TargetScorer {
        match self {
            TargetScorerRef::Shared(s) => *s,
            TargetScorerRef::Linear(s) => s,
        }
    }
}
