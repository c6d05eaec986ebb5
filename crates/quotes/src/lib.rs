//! Quote attribution: finds who said what in an article. For every attribution it marks the
//! content, the cue (reporting verb or phrase) and the source as written, decides whether the
//! quote is direct, mixed or reported, and resolves the speaker to an actor of the entity
//! layer (or keeps it as an anonymous source).
//!
//! The roles come from a sequence tagger learned on PolNeAR (an averaged perceptron over
//! hashed word, cue-lexicon, quote-mark and parse features) because attribution conventions,
//! especially where a reported clause starts and ends, are easier to learn than to write
//! down; quote marks are found by a separate linear scanner ([`marks`]) that handles nested,
//! multi-paragraph and unbalanced quotes. The stage reads only the document's layers
//! (sentences, tokens, parse, mentions, entities) and writes `doc.quotes`.

#![deny(missing_docs)]

mod according_to;
mod attribution;
pub mod classes;
mod clause_completion;
mod content_brackets;
mod content_connectives;
mod content_recipients;
mod content_start;
mod cue_tail;
mod error;
mod from_tags;
mod fronted;
pub mod ggt;
mod group_pronouns;
mod interrupted;
mod labelled;
pub mod lexicon;
pub mod marks;
mod non_speakers;
mod partial;
pub mod polnear;
mod pull_quotes;
mod quoted_terms;
mod rules;
mod run_over;
pub mod score;
pub mod silver;
mod source_edges;
mod source_tail;
pub mod speakers;
mod stage;
pub mod tagger;
#[cfg(test)]
mod test_quotes;
pub mod train;

use std::path::Path;

use stancegraph_core::{CueClass, Document, Quote, QuoteKind, Span};

pub use attribution::{kind_of, resolve_speaker};
pub use error::QuotesError;
pub use lexicon::CueLexicon;
pub use stage::{register, AttributionConfig, AttributionFactory};
pub use tagger::RoleTagger;

/// Registered stage name.
pub const STAGE_NAME: &str = "quotes.attribution";
/// Default tagger model path (see [`RoleTagger`]), relative to the project's `data/`
/// directory.
pub const DEFAULT_MODEL: &str = "models/quotes/tagger.bin";
/// Default cue lexicon path (JSON, see [`CueLexicon`]), relative to the project's `data/`
/// directory.
pub const DEFAULT_LEXICON: &str = "models/quotes/cues.json";

/// The attribution model: cue lexicon plus tagger weights.
#[derive(Debug, Clone)]
pub struct Attributor {
    lexicon: CueLexicon,
    weights: RoleTagger,
    min_confidence: f32,
    classes: Vec<CueClass>,
    /// See [`AttributionConfig::join_interrupted`].
    join_interrupted: bool,
    stage: String,
}

impl Attributor {
    /// Loads the shipped model from a project `data/` directory.
    pub fn load(data_dir: &Path) -> Result<Self, QuotesError> {
        Self::from_files(
            &data_dir.join(DEFAULT_MODEL),
            &data_dir.join(DEFAULT_LEXICON),
        )
    }

    /// Loads a tagger model file and a cue lexicon JSON file (each from disk, else the copy
    /// embedded in the binary), with the defaults of [`Attributor::new`].
    pub fn from_files(model: &Path, lexicon: &Path) -> Result<Self, QuotesError> {
        Ok(Self::new(
            CueLexicon::load(lexicon)?,
            RoleTagger::load(model)?,
        ))
    }

    /// An attributor from an already loaded or trained lexicon and tagger: all cue classes,
    /// no confidence floor, interrupted quotations joined, stage name [`STAGE_NAME`].
    pub fn new(lexicon: CueLexicon, weights: RoleTagger) -> Self {
        Attributor {
            lexicon,
            weights,
            min_confidence: 0.0,
            classes: CueClass::ALL.to_vec(),
            join_interrupted: true,
            stage: STAGE_NAME.to_string(),
        }
    }

    /// Keeps only attributions of these cue classes (all by default).
    pub fn with_classes(mut self, classes: Vec<CueClass>) -> Self {
        self.classes = classes;
        self
    }

    /// Whether a quotation interrupted by its attribution becomes one quote (the default)
    /// or stays one quote per part (see [`AttributionConfig::join_interrupted`]).
    pub fn with_join_interrupted(mut self, join: bool) -> Self {
        self.join_interrupted = join;
        self
    }

    /// Drops quotes below this confidence (0 keeps everything).
    pub fn with_min_confidence(mut self, min_confidence: f32) -> Self {
        self.min_confidence = min_confidence;
        self
    }

    /// The cue lexicon the tagger's features were computed with (e.g. to save it next to a
    /// freshly trained model).
    pub fn lexicon(&self) -> &CueLexicon {
        &self.lexicon
    }

    /// Finds the quotes of `doc` (replacing `doc.quotes`). Needs sentences and tokens; uses
    /// POS, parse, mentions and entities when present.
    pub fn annotate(&self, doc: &mut Document) -> Result<(), QuotesError> {
        doc.quotes = self.find(doc);
        Ok(())
    }

    /// The quote of one linked content (with its cue and source, when linked), or `None`
    /// when the link makes no quote: its content is not a text span, reported speech without
    /// a cue, or a confidence under `min_confidence`. Shared by [`Attributor::find`] and
    /// [`Attributor::find_with_tags`], which differ only in where the role tags come from.
    pub(crate) fn quote_from_link(
        &self,
        doc: &Document,
        linked: &attribution::Linked,
        outer_index: &attribution::OuterIndex,
        mention_index: &attribution::MentionIndex,
        stage: &str,
    ) -> Option<Quote> {
        let content = attribution::token_span(doc, linked.content.first, linked.content.last)?;
        let kind = attribution::kind_of_indexed(doc.text(), content, outer_index);
        // A cue in a heading introduces nothing outside that heading.
        let cue = linked
            .cue
            .filter(|c| {
                !in_heading(doc, c.first) || same_sentence(doc, c.first, linked.content.first)
            })
            .and_then(|c| attribution::token_span(doc, c.first, c.last));
        // Reported speech needs a cue; only quoted words stand on their own.
        if cue.is_none() && kind != QuoteKind::Direct {
            return None;
        }
        // A cue without a tagged source takes its subject from the parse.
        let source_tokens = linked.source.map(|s| (s.first, s.last)).or_else(|| {
            linked.cue.and_then(|c| {
                rules::subject_of(doc, c.first, Some(content))
                    .or_else(|| rules::name_before_relative_clause(doc, c.first))
            })
        });
        let source = source_tokens.and_then(|(a, b)| attribution::token_span(doc, a, b));
        let speaker = attribution::resolve_speaker_indexed(doc, mention_index, source_tokens);
        let margins: Vec<f32> = [Some(linked.content), linked.cue, linked.source]
            .iter()
            .flatten()
            .map(|s| s.margin)
            .collect();
        let mean = margins.iter().sum::<f32>() / margins.len().max(1) as f32;
        let mut confidence = 1.0 / (1.0 + (-mean / 4.0).exp());
        if cue.is_none() {
            confidence *= 0.5;
        }
        if confidence < self.min_confidence {
            return None;
        }
        Some(Quote {
            id: String::new(),
            content,
            cue,
            source,
            speaker,
            kind,
            class: classes::classify(doc, cue, source),
            stage: stage.to_string(),
            confidence,
        })
    }

    /// The quotes of `doc`, in text order, ids `Q1`, `Q2`, …
    pub fn find(&self, doc: &Document) -> Vec<Quote> {
        if doc.tokens.is_empty() {
            return Vec::new();
        }
        let regions = sentence_quote_regions(doc);
        let outer_index = attribution::OuterIndex::new(&regions);
        let mention_index = attribution::MentionIndex::new(doc);
        let features = tagger::extract(doc, &self.lexicon, &regions, self.weights.buckets);
        let (tags, margins) = self.weights.decode(doc, &features);
        let mut spans = attribution::role_spans(&tags, &margins);
        tidy_role_spans(doc, &tags, &regions, &mut spans);
        let mut quotes = Vec::new();
        let mut links = attribution::link(&spans);
        tidy_links(doc, &regions, &mut links);
        for linked in links {
            quotes.extend(self.quote_from_link(
                doc,
                &linked,
                &outer_index,
                &mention_index,
                &self.stage,
            ));
        }
        self.add_rule_attributions(doc, &outer_index, &mention_index, &mut quotes);
        speakers::consolidate_regions(doc, &self.lexicon, &regions, &mut quotes, &self.stage);
        drop_non_speakers(doc, &mut quotes);
        speakers::resolve_pronouns(doc, &regions, &mut quotes);
        pull_quotes::drop_pull_quotes(doc, &mut quotes);
        speakers::continue_speakers(doc, &mut quotes);
        if self.join_interrupted {
            interrupted::join_interrupted_quotes(doc, &regions, &mut quotes);
            fronted::join_fronted_parts(doc, &mut quotes);
        }
        partial::start_partial_quotes_at_the_clause(doc, &regions, &mut quotes);
        labelled::add_labelled_quotes(doc, &mention_index, &mut quotes, &self.stage);
        quotes.retain(|q| self.classes.contains(&q.class));
        quotes.sort_by_key(|q| (q.content.start, q.content.end));
        for (i, quote) in quotes.iter_mut().enumerate() {
            quote.id = format!("Q{}", i + 1);
        }
        quotes
    }
}

impl Attributor {
    /// Attributions the tagger left out that rules find become indirect quotes: claims of
    /// unnamed sources ("analysts say …", "sources … express pessimism about …") and
    /// sentences opening with "According to X, …". Such a sentence takes its cue back from
    /// a quotation the tagger linked it to in another sentence (that quotation keeps its
    /// words, without cue or source).
    fn add_rule_attributions(
        &self,
        doc: &Document,
        outer_index: &attribution::OuterIndex,
        mention_index: &attribution::MentionIndex,
        quotes: &mut Vec<Quote>,
    ) {
        let anonymous =
            rules::anonymous_attributions(doc, &self.lexicon, attribution::ANONYMOUS_HEADS)
                .into_iter()
                .filter_map(|(subject, verb, content)| {
                    Some((subject, doc.tokens.get(verb)?.span, content, false))
                });
        let according_to = according_to::opening_according_to(doc)
            .into_iter()
            .map(|(source, cue, content)| (source, cue, content, true));
        let mut candidates: Vec<_> = anonymous.chain(according_to).collect();
        candidates.sort_by_key(|&(_, _, content, _)| (content.start, content.end));
        // Indexed, not scanned per candidate: a flood of attributions stays linear. The
        // tagged quotes' cues are disjoint (one cue per link), so sorted by start.
        let contents =
            attribution::OuterIndex::from_spans(quotes.iter().map(|q| q.content).collect());
        let cue_of: std::collections::HashMap<Span, Option<Span>> =
            quotes.iter().map(|q| (q.content, q.cue)).collect();
        let mut cues: Vec<(Span, usize)> = quotes
            .iter()
            .enumerate()
            .filter_map(|(i, q)| Some((q.cue?, i)))
            .collect();
        cues.sort_by_key(|&(cue, _)| (cue.start, cue.end));
        let mut added_until = 0;
        for (subject, cue, content, takes_cue_back) in candidates {
            // An attribution nested in the clause, cue and all ("many disagreed with …"),
            // leaves the opening one standing.
            let inside = |span: Span| content.start <= span.start && span.end <= content.end;
            let covered = contents.overlapping(content).any(|other| {
                let nested =
                    inside(other) && cue_of.get(&other).copied().flatten().is_some_and(inside);
                !(takes_cue_back && nested)
            });
            if covered || content.start < added_until {
                continue;
            }
            let holder = cues
                .partition_point(|(c, _)| c.start < cue.end)
                .checked_sub(1)
                .and_then(|at| cues.get(at))
                .filter(|(c, _)| c.overlaps(cue))
                .map(|&(_, i)| i);
            if let Some(holder) = holder {
                let Some(quote) = quotes.get_mut(holder).filter(|q| q.cue.is_some()) else {
                    continue;
                };
                if !takes_cue_back || quote.kind != QuoteKind::Direct {
                    continue;
                }
                keep_only_the_words(quote);
            }
            let source = attribution::token_span(doc, subject.0, subject.1);
            quotes.push(Quote {
                id: String::new(),
                content,
                cue: Some(cue),
                source,
                speaker: attribution::resolve_speaker_indexed(doc, mention_index, Some(subject)),
                kind: attribution::kind_of_indexed(doc.text(), content, outer_index),
                class: classes::classify(doc, Some(cue), source),
                stage: self.stage.clone(),
                confidence: 0.55,
            });
            added_until = content.end;
        }
    }
}

/// The rules on decoded role spans that both taggers' spans pass before linking: a content
/// cut inside a phrase runs on to its clause's end, a content run into its source gives it
/// back, a content leaves the closing bracket of the aside it sits in, a cue cut short in a
/// phrase ends at its verb, a source's edges as PolNeAR marks them.
fn tidy_role_spans(
    doc: &Document,
    tags: &[usize],
    regions: &[marks::QuoteRegion],
    spans: &mut Vec<attribution::RoleSpan>,
) {
    clause_completion::complete_truncated_contents(doc, tags, spans);
    content_start::start_contents_at_their_sentence(doc, spans);
    content_connectives::drop_leading_connectives(doc, regions, spans);
    content_brackets::drop_unmatched_closing_brackets(doc, spans);
    source_tail::split_source_tails(doc, regions, spans);
    cue_tail::trim_dangling_cue_tails(doc, spans);
    source_edges::fix_source_edges(doc, spans);
}

/// The rules on linked attributions that both taggers' links pass: a cue without a
/// source shares its sentence's, a content leaves out whom its cue addresses.
pub(crate) fn tidy_links(
    doc: &Document,
    regions: &[marks::QuoteRegion],
    links: &mut [attribution::Linked],
) {
    from_tags::share_sentence_sources(doc, links);
    content_recipients::drop_leading_recipients(doc, regions, links);
}

/// Subjects that cannot speak ("Recent geopolitical cyber alliances have shown", "that")
/// name no speaker. A direct quote keeps its words without a source or cue (a later rule may
/// find who said them); reported content keeps its cue and its source as written (PolNeAR
/// marks them: "The clip says …"), but what such a subject "says" is evidence, not anyone's
/// quote.
fn drop_non_speakers(doc: &Document, quotes: &mut [Quote]) {
    for q in quotes.iter_mut() {
        let Some(source) = q.source else { continue };
        let first = doc.tokens.partition_point(|t| t.span.end <= source.start);
        let last = doc.tokens.partition_point(|t| t.span.start < source.end);
        if last <= first || !speakers::is_non_speaker(doc, (first, last - 1)) {
            continue;
        }
        if q.kind == QuoteKind::Direct {
            keep_only_the_words(q);
        } else {
            q.speaker = stancegraph_core::ActorRef::Unresolved {
                text: String::new(),
            };
            if matches!(q.class, CueClass::Speech | CueClass::Writing) {
                q.class = CueClass::PerceptionOrEvidence;
            }
        }
    }
}

/// A direct quote without cue, source or speaker: its words stand on their own, and a later
/// rule (continuation, interruption) may find who said them.
fn keep_only_the_words(quote: &mut Quote) {
    quote.speaker = stancegraph_core::ActorRef::Unresolved {
        text: String::new(),
    };
    quote.source = None;
    quote.cue = None;
    quote.class = CueClass::Speech;
}

fn in_heading(doc: &Document, token: usize) -> bool {
    doc.tokens
        .get(token)
        .and_then(|t| doc.sentences.get(t.sentence as usize))
        .is_some_and(|s| s.kind == stancegraph_core::SentenceKind::Heading)
}

fn same_sentence(doc: &Document, a: usize, b: usize) -> bool {
    doc.tokens.get(a).map(|t| t.sentence) == doc.tokens.get(b).map(|t| t.sentence)
}

/// Quote regions whose opening mark lies inside a sentence (never in boilerplate).
fn sentence_quote_regions(doc: &Document) -> Vec<marks::QuoteRegion> {
    let sentences: Vec<_> = doc.sentences.iter().map(|s| s.span).collect();
    marks::find_quotes(doc.text())
        .into_iter()
        .filter(|r| {
            let i = sentences.partition_point(|s| s.end <= r.open.start);
            sentences.get(i).is_some_and(|s| s.start <= r.open.start)
        })
        .collect()
}

impl Attributor {
    /// Writes `tagger.bin` and `cues.json` into `dir`.
    pub fn save(&self, dir: &Path) -> Result<(), QuotesError> {
        std::fs::create_dir_all(dir).map_err(|e| QuotesError::io(dir, e))?;
        self.weights.save(&dir.join("tagger.bin"))?;
        self.lexicon.save(&dir.join("cues.json"))
    }
}
