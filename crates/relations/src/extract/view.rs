//! The per-document view the rules read: tokens with their actor and place, actor
//! mentions with the facts the rules ask about, and the segments read as sentences.

use std::ops::Range;

use stancegraph_core::{Document, EntityType, Span};

use super::demonyms::demonym_countries;
use super::MAX_SEGMENT_TOKENS;

/// One actor mention: a mention resolved to an entity of an actor type.
#[derive(Debug, Clone)]
pub(crate) struct Actor {
    pub entity: String,
    pub entity_type: EntityType,
    pub span: Span,
    /// Document-level token indices.
    pub first: usize,
    pub last: usize,
    pub possessive: bool,
    /// The name modifies a following noun ("a Financial Times interview", "some Leninist
    /// business model"): a modifier, not an actor taking a stance.
    pub modifier: bool,
    /// The name is the object of "of" ("vice-president of the Asia Society Policy
    /// Institute"): it qualifies another actor.
    pub of_object: bool,
    /// A nationality that stands for its country ("Chinese companies" → China).
    pub demonym: bool,
}

impl Actor {
    /// A nationality or group word used as an adjective that stands for no country
    /// ("Leninist business model"): nobody a stance could be about.
    pub fn is_adjectival_group(&self) -> bool {
        self.entity_type == EntityType::Norp && self.modifier && !self.demonym
    }
}

/// A token seen by the rules.
#[derive(Debug, Clone)]
pub(crate) struct Tok<'d> {
    pub span: Span,
    pub text: &'d str,
    pub lower: String,
    pub upos: Option<&'d str>,
    pub xpos: Option<&'d str>,
    /// Index into the document's actor list when the token lies in an actor mention.
    pub actor: Option<usize>,
    /// Index of a LOC/GPE mention covering it (for meeting locations).
    pub place: Option<usize>,
}

impl Tok<'_> {
    pub fn is_noun(&self) -> bool {
        matches!(self.upos, Some("NOUN") | Some("PROPN"))
            || self.xpos.is_some_and(|x| x.starts_with("NN"))
    }
    pub fn is_verb(&self) -> bool {
        matches!(self.upos, Some("VERB")) || self.xpos.is_some_and(|x| x.starts_with("VB"))
    }
    pub fn is_gerund(&self) -> bool {
        self.xpos == Some("VBG") || (self.xpos.is_none() && self.lower.ends_with("ing"))
    }
    pub fn is_punct(&self) -> bool {
        self.upos == Some("PUNCT") || self.text.chars().all(|c| !c.is_alphanumeric())
    }
    pub fn is_skippable_before_verb(&self) -> bool {
        matches!(self.upos, Some("AUX") | Some("ADV") | Some("PART"))
            || super::clause::SKIP_BEFORE_VERB.contains(&self.lower.as_str())
    }
}

/// Entity types that can hold or receive a stance.
fn is_actor_type(t: EntityType) -> bool {
    matches!(
        t,
        EntityType::Per | EntityType::Org | EntityType::Gpe | EntityType::Norp
    )
}

/// Per-document working state.
pub(crate) struct View<'d> {
    pub doc: &'d Document,
    pub tokens: Vec<Tok<'d>>,
    pub actors: Vec<Actor>,
    /// Actors are in text order (mentions sorted by span): ranges by binary search.
    pub actors_sorted: bool,
    pub places: Vec<(Span, String)>,
    /// The pieces the rules read as sentences: token range and text span, in text order.
    /// One per sentence, except sentences over [`MAX_SEGMENT_TOKENS`], cut into pieces.
    pub segments: Vec<(Range<usize>, Span)>,
    /// For each sentence, the range of its segments in `segments`.
    pub sentence_segments: Vec<Range<usize>>,
}

impl<'d> View<'d> {
    pub fn new(doc: &'d Document) -> Self {
        let mut tokens: Vec<Tok<'d>> = doc
            .tokens
            .iter()
            .map(|t| {
                let text = doc.slice(t.span);
                Tok {
                    span: t.span,
                    text,
                    lower: text.to_lowercase(),
                    upos: t.upos.as_deref(),
                    xpos: t.xpos.as_deref(),
                    actor: None,
                    place: None,
                }
            })
            .collect();
        let (actors, places) = actors_and_places(doc, &mut tokens);
        let actors_sorted = actors
            .windows(2)
            .all(|w| w[0].first <= w[1].first && w[0].span.start <= w[1].span.start);
        let (segments, sentence_segments) = segments(doc);
        View {
            doc,
            tokens,
            actors,
            actors_sorted,
            places,
            segments,
            sentence_segments,
        }
    }

    /// Token range of segment `sentence` (a sentence, or a piece of an overlong one).
    pub fn sentence_range(&self, sentence: usize) -> Range<usize> {
        self.segments
            .get(sentence)
            .map(|(range, _)| range.clone())
            .unwrap_or(0..0)
    }

    /// Text span of segment `sentence`.
    pub fn sentence_span(&self, sentence: usize) -> Span {
        self.segments
            .get(sentence)
            .map(|(_, span)| *span)
            .unwrap_or_default()
    }

    /// The segment of sentence `sentence` holding `token` (its first segment if none does).
    pub fn segment_of(&self, sentence: usize, token: usize) -> usize {
        let Some(pieces) = self.sentence_segments.get(sentence) else {
            return self.segments.len();
        };
        let inside = &self.segments[pieces.clone()];
        let k = inside.partition_point(|(range, _)| range.end <= token);
        pieces.start + k.min(pieces.len().saturating_sub(1))
    }

    /// Lowercased words of the segment containing `token`, and that segment's first token.
    pub fn sentence_words(&self, token: usize) -> (Vec<&str>, usize) {
        let sentence = self
            .doc
            .tokens
            .get(token)
            .map(|t| t.sentence as usize)
            .unwrap_or(0);
        let range = self.sentence_range(self.segment_of(sentence, token));
        let start = range.start;
        let words = self
            .tokens
            .get(range)
            .unwrap_or(&[])
            .iter()
            .map(|t| t.lower.as_str())
            .collect();
        (words, start)
    }

    /// The actor mention a token belongs to.
    pub fn actor_at(&self, token: usize) -> Option<&Actor> {
        self.tokens
            .get(token)
            .and_then(|t| t.actor)
            .and_then(|a| self.actors.get(a))
    }

    /// Indices of the actors whose first token lies in `range` (actors are in text order).
    /// When mentions come out of order, every actor (the callers filter by range too).
    pub fn actors_in(&self, range: &Range<usize>) -> Range<usize> {
        if !self.actors_sorted {
            return 0..self.actors.len();
        }
        let start = self.actors.partition_point(|a| a.first < range.start);
        let end = self.actors.partition_point(|a| a.first < range.end);
        start..end.max(start)
    }
}

/// The actor mentions of `doc` (marking their tokens) and its LOC/GPE mentions as places.
fn actors_and_places(doc: &Document, tokens: &mut [Tok<'_>]) -> (Vec<Actor>, Vec<(Span, String)>) {
    let mut actors = Vec::new();
    let mut places = Vec::new();
    let demonym_country = demonym_countries(doc);
    let token_range = |span: Span| {
        let first = doc.tokens.partition_point(|t| t.span.end <= span.start);
        let end = doc.tokens.partition_point(|t| t.span.start < span.end);
        first..end.max(first)
    };
    for mention in &doc.mentions {
        let range = token_range(mention.span);
        if range.is_empty() {
            continue;
        }
        if matches!(mention.entity_type, EntityType::Loc | EntityType::Gpe) {
            let place = places.len();
            places.push((mention.span, doc.slice(mention.span).to_string()));
            for t in tokens.get_mut(range.clone()).into_iter().flatten() {
                t.place = Some(place);
            }
        }
        let Some(entity) = mention.entity.as_ref() else {
            continue;
        };
        // "Chinese goods", "Chinese companies": the nationality stands for the country.
        let country = demonym_country.get(entity.as_str());
        let demonym = country.is_some();
        let entity = country.unwrap_or(entity);
        if !is_actor_type(mention.entity_type) {
            continue;
        }
        let index = actors.len();
        let after = doc.text().get(mention.span.end..).unwrap_or("");
        let modifier = doc
            .tokens
            .get(range.end)
            .is_some_and(|t| t.upos.as_deref() == Some("NOUN"));
        let before = |k: usize| {
            range
                .start
                .checked_sub(k)
                .and_then(|i| doc.tokens.get(i))
                .map(|t| doc.slice(t.span).to_lowercase())
        };
        let of_object = before(1).as_deref() == Some("of")
            || (before(1).as_deref() == Some("the") && before(2).as_deref() == Some("of"));
        actors.push(Actor {
            entity: entity.clone(),
            entity_type: mention.entity_type,
            span: mention.span,
            first: range.start,
            last: range.end - 1,
            possessive: after.starts_with("'s")
                || after.starts_with("’s")
                || after.starts_with('\''),
            modifier,
            of_object,
            demonym,
        });
        for t in tokens.get_mut(range).into_iter().flatten() {
            t.actor.get_or_insert(index);
        }
    }
    (actors, places)
}

/// The segments of `doc` (see [`View::segments`]) and, per sentence, its range of segments.
#[allow(clippy::type_complexity)]
fn segments(doc: &Document) -> (Vec<(Range<usize>, Span)>, Vec<Range<usize>>) {
    let mut segments = Vec::with_capacity(doc.sentences.len());
    let mut sentence_segments = Vec::with_capacity(doc.sentences.len());
    for (index, sentence) in doc.sentences.iter().enumerate() {
        let range = doc.sentence_token_range(index);
        let first_segment = segments.len();
        if range.len() <= MAX_SEGMENT_TOKENS {
            segments.push((range, sentence.span));
        } else {
            let mut start = range.start;
            while start < range.end {
                let end = (start + MAX_SEGMENT_TOKENS).min(range.end);
                let from = if start == range.start {
                    sentence.span.start
                } else {
                    doc.tokens
                        .get(start)
                        .map_or(sentence.span.start, |t| t.span.start)
                };
                let to = if end == range.end {
                    sentence.span.end
                } else {
                    doc.tokens
                        .get(end - 1)
                        .map_or(sentence.span.end, |t| t.span.end)
                };
                segments.push((start..end, Span::new(from, to.max(from))));
                start = end;
            }
        }
        sentence_segments.push(first_segment..segments.len());
    }
    (segments, sentence_segments)
}
