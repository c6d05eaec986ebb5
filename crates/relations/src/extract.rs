//! The rules and the model that read stances and relations off one annotated document.
//!
//! Everything here reads only tokens inside `doc.sentences` (so nothing comes from
//! boilerplate) and actors from `doc.mentions` resolved to `doc.entities`. The rules are
//! surface-clause heuristics over tokens and POS tags: a trigger word (verb or noun from
//! the lexicon), its holder (the clause subject, found leftwards across appositions and
//! participial clauses) and its target (the first actor after it, else another actor of
//! the clause). They stay usable whatever the parser's accuracy.

use std::collections::{BTreeMap, BTreeSet};

use stancegraph_core::{
    ActorRef, Document, EntityType, Polarity, Relation, RelationClass, Sign, Span, Stance, Target,
};

use crate::issue::{canonical_issues, normalise_issue};
use crate::lexicon::{stem, Lexicon, Trigger};
use crate::model::StanceModel;
use crate::negation;

/// The most tokens the rules read as one sentence. A longer "sentence" (a names flood, a
/// page without punctuation) is read in pieces of this size, so that every per-trigger and
/// per-pair scan stays bounded and the stage linear in the document's size. News sentences
/// are far shorter (SEESAW's longest is under 150 tokens), so they are read whole.
pub(crate) const MAX_SEGMENT_TOKENS: usize = 200;

/// The pair model pairs a holder with at most this many nearest actors on each side. News
/// sentences name fewer actors than that, so they are unaffected; a flood of names is
/// linear instead of quadratic.
const PAIR_WINDOW: usize = 12;

/// The segments of `doc` (see `View::segments`) and, per sentence, its range of segments.
#[allow(clippy::type_complexity)]
fn segments(
    doc: &Document,
) -> (
    Vec<(std::ops::Range<usize>, Span)>,
    Vec<std::ops::Range<usize>>,
) {
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
            min_confidence: 0.15,
            use_pair_model: true,
            use_quotes: true,
        }
    }
}

/// One actor mention: a mention resolved to an entity of an actor type.
#[derive(Debug, Clone)]
struct Actor {
    entity: String,
    entity_type: EntityType,
    span: Span,
    /// Document-level token indices.
    first: usize,
    last: usize,
    possessive: bool,
    /// The name modifies a following noun ("a Financial Times interview", "some Leninist
    /// business model"): a modifier, not an actor taking a stance.
    modifier: bool,
    /// The name is the object of "of" ("vice-president of the Asia Society Policy
    /// Institute"): it qualifies another actor.
    of_object: bool,
    /// A nationality that stands for its country ("Chinese companies" → China).
    demonym: bool,
}

impl Actor {
    /// A nationality or group word used as an adjective that stands for no country
    /// ("Leninist business model"): nobody a stance could be about.
    fn is_adjectival_group(&self) -> bool {
        self.entity_type == EntityType::Norp && self.modifier && !self.demonym
    }
}

/// A token seen by the rules.
#[derive(Debug, Clone)]
struct Tok<'d> {
    span: Span,
    text: &'d str,
    lower: String,
    upos: Option<&'d str>,
    xpos: Option<&'d str>,
    /// Index into the document's actor list when the token lies in an actor mention.
    actor: Option<usize>,
    /// Index of a LOC/GPE mention covering it (for meeting locations).
    place: Option<usize>,
}

impl Tok<'_> {
    fn is_noun(&self) -> bool {
        matches!(self.upos, Some("NOUN") | Some("PROPN"))
            || self.xpos.is_some_and(|x| x.starts_with("NN"))
    }
    fn is_verb(&self) -> bool {
        matches!(self.upos, Some("VERB")) || self.xpos.is_some_and(|x| x.starts_with("VB"))
    }
    fn is_gerund(&self) -> bool {
        self.xpos == Some("VBG") || (self.xpos.is_none() && self.lower.ends_with("ing"))
    }
    fn is_punct(&self) -> bool {
        self.upos == Some("PUNCT") || self.text.chars().all(|c| !c.is_alphanumeric())
    }
    fn is_skippable_before_verb(&self) -> bool {
        matches!(self.upos, Some("AUX") | Some("ADV") | Some("PART"))
            || SKIP_BEFORE_VERB.contains(&self.lower.as_str())
    }
}

const SKIP_BEFORE_VERB: &[&str] = &[
    "has",
    "have",
    "had",
    "is",
    "was",
    "were",
    "are",
    "be",
    "been",
    "will",
    "would",
    "could",
    "should",
    "may",
    "might",
    "also",
    "reportedly",
    "publicly",
    "repeatedly",
    "sharply",
    "strongly",
    "again",
    "then",
    "recently",
    "just",
    "once",
    "already",
    "openly",
    "not",
    "never",
    "quickly",
    "immediately",
    "previously",
    "later",
    "has",
    "did",
    "does",
    "do",
];

/// Words that open a new clause: a verb's subject is not looked for beyond them.
const CLAUSE_BREAKS: &[&str] = &[
    ";", "that", "which", "who", "because", "but", "while", "although", "though", "whereas",
    "when", "after", "before", "if", "since", "unless", "where", ":", "“", "”", "\"",
];

/// Determiners and modifiers an issue phrase may start with.
const NP_SKIP_START: &[&str] = &[
    "to", "the", "a", "an", "its", "their", "his", "her", "our", "what", "any", "such",
];

fn is_actor_type(t: EntityType) -> bool {
    matches!(
        t,
        EntityType::Per | EntityType::Org | EntityType::Gpe | EntityType::Norp
    )
}

/// Demonyms the entities stage may keep apart from their country.
const DEMONYMS: &[(&str, &[&str])] = &[
    (
        "american",
        &["united states", "us", "u.s.", "america", "usa"],
    ),
    ("british", &["united kingdom", "uk", "britain"]),
    ("dutch", &["netherlands"]),
    ("french", &["france"]),
    ("swiss", &["switzerland"]),
    ("israeli", &["israel"]),
    ("iraqi", &["iraq"]),
    ("pakistani", &["pakistan"]),
];

/// NORP entity id → GPE entity id of its country ("Chinese" → "China"): by a small demonym
/// table, else by a shared stem of at least four letters ("chin-ese" / "chin-a").
fn demonym_countries(doc: &Document) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    let countries: Vec<(&str, Vec<String>)> = doc
        .entities
        .iter()
        .filter(|e| e.entity_type == EntityType::Gpe)
        .map(|e| {
            (
                e.id.as_str(),
                std::iter::once(&e.canonical)
                    .chain(&e.aliases)
                    .map(|n| n.to_lowercase())
                    .collect(),
            )
        })
        .collect();
    for norp in doc
        .entities
        .iter()
        .filter(|e| e.entity_type == EntityType::Norp)
    {
        let name = norp.canonical.to_lowercase();
        let table = DEMONYMS.iter().find(|(d, _)| *d == name).map(|(_, c)| *c);
        let stem: String = ["ese", "ian", "ean", "an", "ish", "i"]
            .iter()
            .find_map(|suffix| name.strip_suffix(suffix))
            .unwrap_or(&name)
            .to_string();
        let found = countries.iter().find(|(_, names)| {
            names.iter().any(|n| match table {
                Some(list) => list.contains(&n.as_str()),
                None => stem.chars().count() >= 4 && n.starts_with(&stem),
            })
        });
        if let Some((id, _)) = found {
            map.insert(norp.id.clone(), id.to_string());
        }
    }
    map
}

/// A candidate stance before deduplication.
#[derive(Debug, Clone)]
struct Found {
    stance: Stance,
    sentence: usize,
}

/// Reads stances and relations off documents.
#[derive(Debug, Clone)]
pub struct Extractor {
    pub lexicon: Lexicon,
    pub model: Option<StanceModel>,
    pub options: ExtractOptions,
    /// The stage name recorded on every annotation.
    pub stage: String,
}

/// Per-document working state.
struct View<'d> {
    doc: &'d Document,
    tokens: Vec<Tok<'d>>,
    actors: Vec<Actor>,
    /// Actors are in text order (mentions sorted by span): ranges by binary search.
    actors_sorted: bool,
    places: Vec<(Span, String)>,
    /// The pieces the rules read as sentences: token range and text span, in text order.
    /// One per sentence, except sentences over [`MAX_SEGMENT_TOKENS`], cut into pieces.
    segments: Vec<(std::ops::Range<usize>, Span)>,
    /// For each sentence, the range of its segments in `segments`.
    sentence_segments: Vec<std::ops::Range<usize>>,
}

impl<'d> View<'d> {
    fn new(doc: &'d Document) -> Self {
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
    fn sentence_range(&self, sentence: usize) -> std::ops::Range<usize> {
        self.segments
            .get(sentence)
            .map(|(range, _)| range.clone())
            .unwrap_or(0..0)
    }

    /// Text span of segment `sentence`.
    fn sentence_span(&self, sentence: usize) -> Span {
        self.segments
            .get(sentence)
            .map(|(_, span)| *span)
            .unwrap_or_default()
    }

    /// The segment of sentence `sentence` holding `token` (its first segment if none does).
    fn segment_of(&self, sentence: usize, token: usize) -> usize {
        let Some(pieces) = self.sentence_segments.get(sentence) else {
            return self.segments.len();
        };
        let inside = &self.segments[pieces.clone()];
        let k = inside.partition_point(|(range, _)| range.end <= token);
        pieces.start + k.min(pieces.len().saturating_sub(1))
    }

    /// Lowercased words of the segment containing `token`, and that segment's first token.
    fn sentence_words(&self, token: usize) -> (Vec<&str>, usize) {
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

    /// Whether a negator or refusal before the trigger at `token` withholds it.
    fn trigger_withheld(&self, token: usize, sentence_start: usize) -> bool {
        let (words, start) = self.sentence_words(token);
        let clause = self.clause_start(token, sentence_start).max(start);
        negation::trigger_withheld(&words, token - start, clause - start).is_some()
    }

    /// "refused to criticise": a verb followed by "to" and another stance trigger.
    fn governs_trigger_infinitive(&self, token: usize, lexicon: &Lexicon) -> bool {
        self.tokens.get(token + 1).is_some_and(|t| t.lower == "to")
            && self.tokens.get(token + 2).is_some_and(|t| {
                lexicon
                    .trigger(t.text, t.is_noun())
                    .is_some_and(|x| x.stance.is_some())
            })
    }

    /// Whether an oppose reading toward `actor` is withheld in its sentence: the actor is
    /// excused or hedged about ("Xi may have been unaware"), or a stance trigger between
    /// `holder` and it is negated ("Bessent did not criticise Xi").
    fn oppose_withheld(&self, holder: Option<&Actor>, actor: &Actor, lexicon: &Lexicon) -> bool {
        let (words, start) = self.sentence_words(actor.first);
        let (first, end) = (actor.first - start, actor.last + 1 - start);
        if negation::oppose_withheld(&words, first, end).is_some() {
            return true;
        }
        let Some(holder) = holder.filter(|h| h.last < actor.first && h.first >= start) else {
            return false;
        };
        (holder.last + 1..actor.first).any(|j| {
            self.tokens.get(j).is_some_and(|t| {
                t.actor.is_none()
                    && lexicon
                        .trigger(t.text, t.is_noun())
                        .is_some_and(|x| x.stance.is_some())
                    && negation::trigger_withheld(&words, j - start, holder.last + 1 - start)
                        .is_some()
            })
        })
    }

    /// "Bessent and He Lifeng's previous meeting": an actor joined by "and" to a possessor
    /// is a possessor too, not someone taking a stance.
    fn coordinated_possessor(&self, actor: &Actor) -> bool {
        self.tokens
            .get(actor.last + 1)
            .is_some_and(|t| t.lower == "and")
            && self
                .actor_at(actor.last + 2)
                .is_some_and(|next| next.possessive)
    }

    /// The actor mention a token belongs to, skipping mentions of possessives when asked.
    fn actor_at(&self, token: usize) -> Option<&Actor> {
        self.tokens
            .get(token)
            .and_then(|t| t.actor)
            .and_then(|a| self.actors.get(a))
    }

    fn is_break(&self, token: usize) -> bool {
        self.tokens
            .get(token)
            .is_some_and(|t| CLAUSE_BREAKS.contains(&t.lower.as_str()))
    }

    /// First token of the clause containing `token` (after the last clause break before it).
    fn clause_start(&self, token: usize, sentence_start: usize) -> usize {
        (sentence_start..token)
            .rev()
            .find(|&i| self.is_break(i))
            .map(|i| i + 1)
            .unwrap_or(sentence_start)
    }

    /// The actors of the clause subject: the first actor of the clause and those joined to it
    /// by "and" or commas ("Bessent and He Lifeng prepare ...").
    fn clause_subjects(&self, from: usize, to: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut i = from;
        while i < to {
            if let Some(a) = self.tokens.get(i).and_then(|t| t.actor) {
                if self.actors.get(a).is_some_and(|x| x.possessive) && out.is_empty() {
                    // "China's moves ..." — a possessor is not the subject.
                    i = self.actors.get(a).map(|x| x.last + 1).unwrap_or(i + 1);
                    continue;
                }
                // "US Treasury Secretary Scott Bessent": the person, not the country.
                let a = self.person_after_modifier(a, to).unwrap_or(a);
                out.push(a);
                let last = self.actors.get(a).map(|x| x.last).unwrap_or(i);
                let next = self.tokens.get(last + 1).map(|t| t.lower.as_str());
                let next_is_join = matches!(next, Some("and") | Some("&"));
                let after_join = self.tokens.get(last + 2).and_then(|t| t.actor);
                if next_is_join && after_join.is_some() {
                    i = last + 2;
                    continue;
                }
                break;
            }
            if self.tokens.get(i).is_none_or(Tok::is_verb) {
                break;
            }
            i += 1;
        }
        out
    }

    /// The person right after a country or nationality that modifies them ("Chinese
    /// Vice-Premier He Lifeng"), within four title words.
    fn person_after_modifier(&self, actor: usize, end: usize) -> Option<usize> {
        let a = self.actors.get(actor)?;
        if a.entity_type == EntityType::Per || a.possessive {
            return None;
        }
        (a.last + 1..(a.last + 5).min(end))
            .take_while(|&j| {
                self.tokens.get(j).is_some_and(|t| {
                    t.actor.is_some()
                        || t.text == "-"
                        || t.text.chars().next().is_some_and(char::is_uppercase)
                })
            })
            .find_map(|j| {
                self.tokens.get(j).and_then(|t| t.actor).filter(|&p| {
                    self.actors
                        .get(p)
                        .is_some_and(|p| p.entity_type == EntityType::Per)
                })
            })
    }

    /// Indices of the actors whose first token lies in `range` (actors are in text order).
    /// When mentions come out of order, every actor (the callers filter by range too).
    fn actors_in(&self, range: &std::ops::Range<usize>) -> std::ops::Range<usize> {
        if !self.actors_sorted {
            return 0..self.actors.len();
        }
        let start = self.actors.partition_point(|a| a.first < range.start);
        let end = self.actors.partition_point(|a| a.first < range.end);
        start..end.max(start)
    }

    /// Nearest actor ending before `token` within the clause, skipping possessors.
    fn nearest_actor_left(&self, token: usize, clause_start: usize) -> Option<usize> {
        let mut i = token;
        while i > clause_start {
            i -= 1;
            if let Some(a) = self.tokens.get(i).and_then(|t| t.actor) {
                let actor = self.actors.get(a)?;
                if !actor.possessive {
                    return Some(a);
                }
                i = actor.first;
            }
        }
        None
    }

    /// The holder of a verb trigger at `token`.
    fn verb_holder(&self, token: usize, sentence_start: usize) -> Option<(usize, f32)> {
        let mut prev = token;
        while prev > sentence_start {
            prev -= 1;
            if !self
                .tokens
                .get(prev)
                .is_some_and(Tok::is_skippable_before_verb)
            {
                break;
            }
        }
        let prev_tok = self.tokens.get(prev)?;
        if prev == token {
            return None;
        }
        match prev_tok.lower.as_str() {
            "who" => {
                return self
                    .nearest_actor_left(prev, sentence_start)
                    .map(|a| (a, 0.8))
            }
            "that" | "which" => return None,
            "," => {
                let trigger = self.tokens.get(token)?;
                if trigger.is_gerund() {
                    // "Trump responded ..., threatening to ...": the main clause's subject.
                    let subjects = self.clause_subjects(sentence_start, prev);
                    return subjects.first().map(|&a| (a, 0.7));
                }
                // "Cutler, vice-president of ..., challenged": skip the apposition.
                let open = (sentence_start..prev)
                    .rev()
                    .find(|&i| self.tokens.get(i).is_some_and(|t| t.text == ","));
                if let Some(open) = open {
                    return self
                        .nearest_actor_left(open, sentence_start)
                        .map(|a| (a, 0.75));
                }
                return self
                    .clause_subjects(sentence_start, prev)
                    .first()
                    .map(|&a| (a, 0.6));
            }
            _ => {}
        }
        let clause = self.clause_start(token, sentence_start);
        self.nearest_actor_left(token, clause).map(|a| (a, 0.8))
    }

    /// The holder of a noun trigger: an actor right before it ("US accusations",
    /// "Beijing's threats"), else the clause subject.
    fn noun_holders(
        &self,
        token: usize,
        sentence_start: usize,
        symmetric: bool,
    ) -> (Vec<usize>, bool) {
        let mut pre = Vec::new();
        let mut plural_pronoun = false;
        let mut i = token;
        let mut steps = 0;
        while i > sentence_start && steps < 8 {
            i -= 1;
            steps += 1;
            let Some(t) = self.tokens.get(i) else { break };
            // Checked before actors: the entities stage may resolve "their" to one actor.
            if matches!(t.lower.as_str(), "their" | "our") {
                plural_pronoun = true;
                break;
            }
            if let Some(a) = t.actor {
                // "their planned Malaysia meeting": a place names where, not who.
                let place = symmetric
                    && self
                        .actors
                        .get(a)
                        .is_some_and(|x| x.entity_type == EntityType::Gpe && !x.possessive);
                if !pre.contains(&a) && !place {
                    pre.push(a);
                }
                continue;
            }
            if t.place.is_some() || matches!(t.lower.as_str(), "'s" | "’s" | "'" | "and") {
                continue;
            }
            if matches!(t.lower.as_str(), "their" | "our") {
                plural_pronoun = true;
                break;
            }
            let participle = matches!(t.xpos, Some("VBN") | Some("VBG"))
                || (t.upos == Some("VERB") && steps <= 3);
            if matches!(t.upos, Some("ADJ") | Some("NOUN") | Some("NUM"))
                || participle
                || (t.upos.is_none() && !t.is_punct() && steps < 3)
            {
                if t.is_noun() && pre.is_empty() && i + 1 < token {
                    break;
                }
                continue;
            }
            break;
        }
        if !pre.is_empty() {
            pre.reverse();
            return (pre, false);
        }
        let clause = self.clause_start(token, sentence_start);
        (self.clause_subjects(clause, token), plural_pronoun)
    }

    /// First actor after `token` in its clause; a nationality adjective right before a
    /// person ("Chinese Vice-Premier He Lifeng") gives way to the person.
    fn first_actor_right(
        &self,
        token: usize,
        sentence_end: usize,
        exclude: &BTreeSet<&str>,
        stop_at_comma: bool,
    ) -> Option<usize> {
        let mut i = token + 1;
        while i < sentence_end {
            let t = self.tokens.get(i)?;
            let quote_mark = matches!(t.lower.as_str(), "“" | "”" | "\"");
            if (CLAUSE_BREAKS.contains(&t.lower.as_str()) && !quote_mark)
                || (stop_at_comma && t.text == ",")
            {
                return None;
            }
            if let Some(a) = t.actor {
                let actor = self.actors.get(a)?;
                // "in Madrid", "at the White House": a place, not a participant.
                let located = matches!(actor.entity_type, EntityType::Gpe | EntityType::Loc)
                    && i > 0
                    && self
                        .tokens
                        .get(actor.first.saturating_sub(1))
                        .is_some_and(|p| matches!(p.lower.as_str(), "in" | "at"));
                if !exclude.contains(actor.entity.as_str()) && !located {
                    return Some(self.person_after_modifier(a, sentence_end).unwrap_or(a));
                }
                i = actor.last + 1;
                continue;
            }
            i += 1;
        }
        None
    }

    /// Another actor of the sentence near `token` (used when a conflict trigger has no
    /// actor after it: "responded to China's moves ..., threatening to impose tariffs").
    fn other_actor_near(
        &self,
        token: usize,
        range: &std::ops::Range<usize>,
        exclude: &BTreeSet<&str>,
    ) -> Option<usize> {
        self.actors_in(range)
            .filter_map(|i| self.actors.get(i).map(|a| (i, a)))
            .filter(|(_, a)| range.contains(&a.first) && !exclude.contains(a.entity.as_str()))
            .min_by_key(|(_, a)| a.first.abs_diff(token))
            .map(|(i, _)| i)
    }

    /// The noun phrase after a trigger, as an issue span ("an additional 100 percent
    /// tariff on Chinese goods"), skipping "to <verb>" and determiners.
    fn issue_after(&self, token: usize, sentence_end: usize) -> Option<Span> {
        let mut i = token + 1;
        // "charges of hypocrisy", "talks over tariffs": the phrase after the preposition.
        if self.tokens.get(token).is_some_and(Tok::is_noun)
            && self.tokens.get(i).is_some_and(|t| {
                matches!(t.lower.as_str(), "of" | "about" | "over" | "on" | "against")
            })
        {
            i += 1;
        }
        // "threatening to impose X": skip the infinitive verb.
        if self.tokens.get(i).is_some_and(|t| t.lower == "to")
            && self
                .tokens
                .get(i + 1)
                .is_some_and(|t| t.is_verb() || t.upos.is_none())
        {
            i += 2;
        }
        while i < sentence_end
            && self
                .tokens
                .get(i)
                .is_some_and(|t| NP_SKIP_START.contains(&t.lower.as_str()))
        {
            i += 1;
        }
        let start = i;
        let mut end = i;
        let mut seen_noun = false;
        while end < sentence_end && end - start < 10 {
            let Some(t) = self.tokens.get(end) else { break };
            if t.is_punct() && t.text != "-" && t.text != "%" {
                break;
            }
            if CLAUSE_BREAKS.contains(&t.lower.as_str())
                || (t.is_verb() && !t.is_gerund() && seen_noun)
            {
                break;
            }
            if matches!(t.upos, Some("VERB") | Some("AUX")) && end == start {
                return None;
            }
            if t.is_noun() || t.upos.is_none() {
                seen_noun = true;
            }
            end += 1;
        }
        if !seen_noun || end == start {
            return None;
        }
        // Do not end on a preposition or conjunction.
        while end > start
            && self
                .tokens
                .get(end - 1)
                .is_some_and(|t| matches!(t.upos, Some("ADP") | Some("CCONJ") | Some("DET")))
        {
            end -= 1;
        }
        let first = self.tokens.get(start)?;
        let last = self.tokens.get(end.checked_sub(1)?)?;
        Some(Span::new(first.span.start, last.span.end))
    }

    /// The place named with a meeting: a LOC/GPE right before the noun ("Malaysia meeting")
    /// or after "in" ("meeting in Madrid").
    fn meeting_place(&self, token: usize, sentence_end: usize) -> Option<String> {
        let before = token
            .checked_sub(1)
            .and_then(|i| self.tokens.get(i))
            .and_then(|t| t.place);
        let after = (self.tokens.get(token + 1).is_some_and(|t| t.lower == "in")
            && token + 2 < sentence_end)
            .then(|| self.tokens.get(token + 2).and_then(|t| t.place))
            .flatten();
        before
            .or(after)
            .and_then(|p| self.places.get(p))
            .map(|(_, name)| name.clone())
    }
}

impl Extractor {
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
        }
    }

    /// Adds stances and relations to `doc` (keeping those other stages already added).
    pub fn annotate(&self, doc: &mut Document) {
        let (stances, relations) = self.extract(doc);
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
            // Another stage (entities) may already have stated the same hierarchy or role.
            if relation.class != RelationClass::Interaction && existing.contains(&key) {
                continue;
            }
            doc.relations.push(relation);
        }
        doc.stances.extend(stances);
    }

    /// Stances and relations of a document, without touching it.
    pub fn extract(&self, doc: &Document) -> (Vec<Stance>, Vec<Relation>) {
        let view = View::new(doc);
        let mut found: Vec<Found> = Vec::new();
        let mut relations: Vec<Relation> = Vec::new();
        for sentence in 0..view.segments.len() {
            // The runner fails a document over its time budget once the stage returns.
            if stancegraph_core::over_budget() {
                break;
            }
            self.trigger_rules(&view, sentence, &mut found, &mut relations);
            self.hierarchy_rules(&view, sentence, &mut relations);
        }
        if self.options.use_quotes {
            self.quote_rules(&view, &mut found);
        }
        if self.options.use_pair_model {
            self.pair_model(&view, &mut found);
        }
        self.affiliations(doc, &mut relations);
        canonicalise_issues(&mut found, &mut relations);
        (self.dedup_stances(found), dedup_relations(relations))
    }

    fn entity_ref(view: &View<'_>, actor: usize) -> Option<ActorRef> {
        view.actors.get(actor).map(|a| ActorRef::Entity {
            id: a.entity.clone(),
        })
    }

    fn stance(
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

    #[allow(clippy::too_many_arguments)]
    fn relation(
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

    /// Verb and noun triggers: stances, interactions and evaluative predication.
    fn trigger_rules(
        &self,
        view: &View<'_>,
        sentence: usize,
        found: &mut Vec<Found>,
        relations: &mut Vec<Relation>,
    ) {
        let range = view.sentence_range(sentence);
        let evidence = view.sentence_span(sentence);
        for i in range.clone() {
            let Some(tok) = view.tokens.get(i) else {
                continue;
            };
            if tok.actor.is_some() || tok.place.is_some() {
                continue;
            }
            let is_noun = tok.is_noun();
            let Some(trigger) = self.lexicon.trigger(tok.text, is_noun) else {
                continue;
            };
            if !is_noun && tok.upos.is_some() && !tok.is_verb() {
                continue;
            }
            // "in charge of", "phone call": a noun trigger right after a preposition is idiomatic.
            if is_noun && i > range.start && view.tokens.get(i - 1).is_some_and(|t| t.lower == "in")
            {
                continue;
            }
            // "did not criticise", "declined to blame": the trigger is withheld, not stated.
            if view.trigger_withheld(i, range.start) {
                continue;
            }
            // "refused to criticise X": the infinitive's trigger decides (and is withheld).
            if trigger.stance.is_some() && view.governs_trigger_infinitive(i, &self.lexicon) {
                continue;
            }
            if trigger.predicative {
                self.predication(view, sentence, i, found);
                continue;
            }
            let (holders, confidence, plural_pronoun) = if is_noun {
                let (h, plural) = view.noun_holders(i, range.start, trigger.symmetric);
                (h, 0.65, plural)
            } else {
                match view.verb_holder(i, range.start) {
                    Some((h, c)) => (vec![h], c, false),
                    None => (Vec::new(), 0.0, false),
                }
            };
            // Passive: "X was criticised by Y".
            let passive = !is_noun
                && tok.xpos.is_none_or(|x| x == "VBN")
                && view.tokens.get(i + 1).is_some_and(|t| t.lower == "by")
                && i > range.start
                && view.tokens.get(i - 1).is_some_and(|t| {
                    matches!(
                        t.lower.as_str(),
                        "was" | "were" | "been" | "be" | "is" | "are" | "being"
                    )
                });
            if passive {
                let agent = view.first_actor_right(i + 1, range.end, &BTreeSet::new(), false);
                let patient = view.nearest_actor_left(i, view.clause_start(i, range.start));
                if let (Some(agent), Some(patient)) = (agent, patient) {
                    self.emit(
                        view,
                        trigger,
                        &[agent],
                        Some(patient),
                        None,
                        (evidence, tok.span),
                        0.75,
                        sentence,
                        found,
                        relations,
                    );
                }
                continue;
            }
            if holders.is_empty() && !(trigger.symmetric && plural_pronoun) {
                continue;
            }
            let exclude: BTreeSet<&str> = holders
                .iter()
                .filter_map(|&h| view.actors.get(h))
                .map(|a| a.entity.as_str())
                .collect();
            let sentence_end = range.end;
            let mut target = view.first_actor_right(i, sentence_end, &exclude, trigger.symmetric);
            // "talks with X", "a meeting between X and Y": a symmetric noun needs its partner
            // introduced, or "negotiations of Trump's presidency" would make Trump a party.
            if trigger.symmetric && is_noun {
                target = target.filter(|&t| {
                    let first = view.actors.get(t).map(|a| a.first).unwrap_or(i);
                    (i + 1..first).any(|j| {
                        view.tokens
                            .get(j)
                            .is_some_and(|x| matches!(x.lower.as_str(), "with" | "between"))
                    })
                });
            }
            let mut target_confidence = confidence;
            if target.is_none()
                && trigger
                    .interaction
                    .is_some_and(|(_, s)| s == Sign::Conflict)
                && trigger.stance.is_some()
            {
                target = view.other_actor_near(i, &range, &exclude);
                target_confidence = confidence * 0.75;
            }
            let issue = view.issue_after(i, sentence_end).filter(|span| {
                // An issue phrase that is just the target actor is no issue.
                target.and_then(|t| view.actors.get(t)).is_none_or(|a| {
                    !(a.span.start >= span.start
                        && a.span.end <= span.end
                        && span.end - span.start <= a.span.end - a.span.start + 4)
                })
            });
            if trigger.symmetric && holders.len() < 2 && target.is_none() && plural_pronoun {
                // "their planned Malaysia meeting": the pair of the last meeting mentioned.
                if let Some(last) = relations.iter().rev().find(|r| r.kind == "meet").cloned() {
                    let mut attributes = BTreeMap::new();
                    if let Some(place) = view.meeting_place(i, sentence_end) {
                        attributes.insert("location".to_string(), place);
                    }
                    relations.push(self.relation(
                        RelationClass::Interaction,
                        "meet",
                        last.source,
                        last.target,
                        Sign::Cooperation,
                        attributes,
                        evidence,
                        Some(tok.span),
                        0.55,
                    ));
                }
                continue;
            }
            self.emit(
                view,
                trigger,
                &holders,
                target,
                issue,
                (evidence, tok.span),
                target_confidence,
                sentence,
                found,
                relations,
            );
        }
    }

    /// Writes the stance and interaction of one trigger occurrence.
    #[allow(clippy::too_many_arguments)]
    fn emit(
        &self,
        view: &View<'_>,
        trigger: Trigger,
        holders: &[usize],
        target: Option<usize>,
        issue: Option<Span>,
        (evidence, trigger_span): (Span, Span),
        confidence: f32,
        sentence: usize,
        found: &mut Vec<Found>,
        relations: &mut Vec<Relation>,
    ) {
        let sentence_end = view.sentence_range(sentence).end;
        let trigger_token = view
            .tokens
            .partition_point(|t| t.span.start < trigger_span.start);
        // Symmetric events between coordinated holders: "Bessent and He Lifeng's meeting".
        let pairs: Vec<(usize, usize)> = match target {
            Some(t) => holders.iter().map(|&h| (h, t)).collect(),
            None if trigger.symmetric && holders.len() >= 2 => {
                holders.windows(2).map(|w| (w[0], w[1])).collect()
            }
            None => Vec::new(),
        };
        for &(h, t) in &pairs {
            let (Some(holder), Some(target_ref)) = (
                Self::entity_ref(view, h),
                view.actors.get(t).map(|a| a.entity.clone()),
            ) else {
                continue;
            };
            if holder
                == (ActorRef::Entity {
                    id: target_ref.clone(),
                })
            {
                continue;
            }
            if let Some(polarity) = trigger.stance {
                found.push(Found {
                    stance: self.stance(
                        holder.clone(),
                        Target::Actor {
                            id: target_ref.clone(),
                        },
                        polarity,
                        evidence,
                        Some(trigger_span),
                        confidence,
                    ),
                    sentence,
                });
            }
            if let Some((kind, sign)) = trigger.interaction {
                let mut attributes = BTreeMap::new();
                if let Some(span) = issue.filter(|_| !trigger.symmetric) {
                    attributes.insert("issue".to_string(), normalise_issue(view.doc.slice(span)));
                }
                if kind == "meet" || kind == "negotiate" {
                    if let Some(place) = view.meeting_place(trigger_token, sentence_end) {
                        attributes.insert("location".to_string(), place);
                    }
                }
                relations.push(self.relation(
                    RelationClass::Interaction,
                    kind,
                    holder,
                    Target::Actor { id: target_ref },
                    sign,
                    attributes,
                    evidence,
                    Some(trigger_span),
                    confidence,
                ));
            }
        }
        // A stance on an issue when the trigger's object is a phrase, not an actor
        // ("criticised the tariffs"); threats and sanctions name instruments, not targets.
        let object_is_issue = target.is_none()
            || issue.is_some_and(|s| {
                target
                    .and_then(|t| view.actors.get(t))
                    .is_some_and(|a| a.span.start > s.end)
            });
        let instrument = matches!(
            trigger.interaction,
            Some(("threaten", _))
                | Some(("sanction", _))
                | Some(("accuse", _))
                | Some(("meet", _))
                | Some(("negotiate", _))
        );
        if let (Some(polarity), Some(span), true, false) =
            (trigger.stance, issue, object_is_issue, instrument)
        {
            let label = normalise_issue(view.doc.slice(span));
            if !label.is_empty() {
                for &h in holders {
                    if let Some(holder) = Self::entity_ref(view, h) {
                        found.push(Found {
                            stance: self.stance(
                                holder,
                                Target::Issue {
                                    label: label.clone(),
                                    span: Some(span),
                                },
                                polarity,
                                evidence,
                                Some(trigger_span),
                                confidence * 0.9,
                            ),
                            sentence,
                        });
                    }
                }
            }
        }
    }

    /// "X characterized Y as Z": the holder's stance toward Y (and Y's possessor) is the
    /// valence of Z.
    fn predication(&self, view: &View<'_>, sentence: usize, verb: usize, found: &mut Vec<Found>) {
        let range = view.sentence_range(sentence);
        let Some((holder, confidence)) = view.verb_holder(verb, range.start) else {
            return;
        };
        let Some(as_token) = (verb + 1..(verb + 12).min(range.end))
            .find(|&j| view.tokens.get(j).is_some_and(|t| t.lower == "as"))
        else {
            return;
        };
        let complement: Vec<&str> = (as_token + 1..range.end)
            .map_while(|j| {
                view.tokens
                    .get(j)
                    .filter(|t| !matches!(t.lower.as_str(), ";" | "that" | "which" | "because"))
            })
            .map(|t| t.text)
            .filter(|w| !matches!(*w, "“" | "”" | "\""))
            .collect();
        let score = self.lexicon.score_words(complement.iter().copied());
        if score.abs() < 1.0 {
            return;
        }
        let polarity = if score > 0.0 {
            Polarity::Support
        } else {
            Polarity::Oppose
        };
        let evidence = view.sentence_span(sentence);
        let Some(holder_ref) = Self::entity_ref(view, holder) else {
            return;
        };
        let holder_entity = view
            .actors
            .get(holder)
            .map(|a| a.entity.as_str())
            .unwrap_or("");
        let trigger = view.tokens.get(verb).map(|t| t.span);
        // Actors inside the object ("China's export restrictions"): stance toward them.
        let mut object_start = verb + 1;
        while object_start < as_token
            && view.tokens.get(object_start).is_some_and(|t| {
                t.actor.is_some() || matches!(t.lower.as_str(), "'s" | "’s" | "the")
            })
        {
            if let Some(a) = view.actor_at(object_start) {
                if a.entity != holder_entity {
                    let stance = self.stance(
                        holder_ref.clone(),
                        Target::Actor {
                            id: a.entity.clone(),
                        },
                        polarity,
                        evidence,
                        trigger,
                        confidence * 0.85,
                    );
                    if !found.iter().any(|f| {
                        f.sentence == sentence
                            && f.stance.target == stance.target
                            && f.stance.holder == stance.holder
                    }) {
                        found.push(Found { stance, sentence });
                    }
                }
            }
            object_start += 1;
        }
        if object_start < as_token {
            let (Some(first), Some(last)) =
                (view.tokens.get(object_start), view.tokens.get(as_token - 1))
            else {
                return;
            };
            let span = Span::new(first.span.start, last.span.end);
            let label = normalise_issue(view.doc.slice(span));
            if !label.is_empty() {
                found.push(Found {
                    stance: self.stance(
                        holder_ref,
                        Target::Issue {
                            label,
                            span: Some(span),
                        },
                        polarity,
                        evidence,
                        trigger,
                        confidence,
                    ),
                    sentence,
                });
            }
        }
    }

    /// "X, the top trade negotiator under Y" and "X reports to Y": hierarchy.
    fn hierarchy_rules(&self, view: &View<'_>, sentence: usize, relations: &mut Vec<Relation>) {
        let range = view.sentence_range(sentence);
        let evidence = view.sentence_span(sentence);
        for i in range.clone() {
            let Some(tok) = view.tokens.get(i) else {
                continue;
            };
            let superior_from = match tok.lower.as_str() {
                "under" => i + 1,
                "to" if i > range.start
                    && view.tokens.get(i - 1).is_some_and(|t| {
                        matches!(stem(&t.lower).as_str(), "report" | "answer")
                    }) =>
                {
                    i + 1
                }
                _ => continue,
            };
            let superior = (superior_from..(superior_from + 5).min(range.end)).find_map(|j| {
                view.actor_at(j)
                    .filter(|a| a.entity_type == EntityType::Per)
                    .map(|a| a.entity.clone())
            });
            let Some(superior) = superior else { continue };
            // The subordinate: a person named before, in the same apposition or as subject.
            let clause = view.clause_start(i, range.start);
            let subordinate = (clause..i).rev().find_map(|j| {
                view.actor_at(j)
                    .filter(|a| a.entity_type == EntityType::Per && a.entity != superior)
                    .map(|a| (a.entity.clone(), a.last))
            });
            let Some((subordinate, last)) = subordinate else {
                continue;
            };
            // Only an apposition ("X, the ... under Y") or a reporting verb links them.
            let apposition = view.tokens.get(last + 1).is_some_and(|t| t.text == ",")
                && (last + 2..i).all(|j| {
                    view.tokens.get(j).is_some_and(|t| {
                        !t.is_verb()
                            || t.upos.is_none() && !SKIP_BEFORE_VERB.contains(&t.lower.as_str())
                    })
                });
            if tok.lower == "under" && !apposition {
                continue;
            }
            relations.push(self.relation(
                RelationClass::Hierarchy,
                "reports_to",
                ActorRef::Entity { id: subordinate },
                Target::Actor { id: superior },
                Sign::Neutral,
                BTreeMap::new(),
                evidence,
                Some(tok.span),
                0.7,
            ));
        }
    }

    /// Stances of quote speakers toward the actors their words name.
    fn quote_rules(&self, view: &View<'_>, found: &mut Vec<Found>) {
        for quote in &view.doc.quotes {
            let ActorRef::Entity { id: speaker } = &quote.speaker else {
                continue;
            };
            let content = quote.content;
            let mut seen = BTreeSet::new();
            let inside = if view.actors_sorted {
                let first = view
                    .actors
                    .partition_point(|a| a.span.start < content.start);
                let end = view.actors.partition_point(|a| a.span.start < content.end);
                view.actors.get(first..end.max(first)).unwrap_or(&[])
            } else {
                &view.actors[..]
            };
            for actor in inside.iter().filter(|a| {
                a.span.start >= content.start
                    && a.span.end <= content.end
                    && !a.is_adjectival_group()
            }) {
                if &actor.entity == speaker || !seen.insert(actor.entity.clone()) {
                    continue;
                }
                // The sentiment classifier reads one sentence (as NewsMTSC does): the part
                // of the quote in the actor's sentence.
                // (A piece of an overlong sentence: see `MAX_SEGMENT_TOKENS`.)
                let sentence = view.segment_of(
                    view.doc
                        .sentences
                        .partition_point(|s| s.span.end <= actor.span.start),
                    actor.first,
                );
                let sentence_span = Some(view.sentence_span(sentence))
                    .filter(|s| s.start <= actor.span.start && actor.span.end <= s.end)
                    .unwrap_or(content);
                let window = Span::new(
                    sentence_span.start.max(content.start),
                    sentence_span.end.min(content.end),
                );
                let text = view.doc.slice(window);
                let local = (actor.span.start - window.start)..(actor.span.end - window.start);
                let Some((polarity, confidence)) = self.target_polarity(text, local) else {
                    continue;
                };
                // "that Xi may have been unaware of ...": an excuse, not an attack.
                if polarity == Polarity::Oppose && view.oppose_withheld(None, actor, &self.lexicon)
                {
                    continue;
                }
                let mut stance = self.stance(
                    quote.speaker.clone(),
                    Target::Actor {
                        id: actor.entity.clone(),
                    },
                    polarity,
                    content,
                    None,
                    confidence,
                );
                stance.quote = Some(quote.id.clone());
                found.push(Found { stance, sentence });
            }
        }
    }

    /// Sentiment of `text` toward the words at `target` (model, else lexicon window).
    fn target_polarity(
        &self,
        text: &str,
        target: std::ops::Range<usize>,
    ) -> Option<(Polarity, f32)> {
        if let Some(model) = &self.model {
            let probs = model.target.predict(&crate::features::target_features(
                text,
                target,
                &self.lexicon,
            ));
            let (neg, pos) = (
                probs.first().copied().unwrap_or(0.0),
                probs.get(2).copied().unwrap_or(0.0),
            );
            let threshold = model.target_threshold;
            return if pos >= threshold && pos > neg {
                Some((Polarity::Support, pos))
            } else if neg >= threshold && neg > pos {
                Some((Polarity::Oppose, neg))
            } else {
                None
            };
        }
        let words = crate::features::words(text);
        let score = self.lexicon.score_words(words.iter().map(|w| w.text));
        (score.abs() >= 1.5).then_some({
            (
                if score > 0.0 {
                    Polarity::Support
                } else {
                    Polarity::Oppose
                },
                0.5,
            )
        })
    }

    /// The learned classifier over every ordered pair of actors in a sentence.
    fn pair_model(&self, view: &View<'_>, found: &mut Vec<Found>) {
        let Some(model) = &self.model else { return };
        let ruled: BTreeSet<(usize, ActorRef, Target)> = found
            .iter()
            .map(|f| (f.sentence, f.stance.holder.clone(), f.stance.target.clone()))
            .collect();
        for sentence_index in 0..view.segments.len() {
            // The runner fails a document over its time budget once the stage returns.
            if stancegraph_core::over_budget() {
                break;
            }
            let range = view.sentence_range(sentence_index);
            let sentence_span = view.sentence_span(sentence_index);
            let text = view.doc.slice(sentence_span);
            let context = crate::features::PairSentence::new(text, &self.lexicon);
            let actors: Vec<&Actor> = view
                .actors
                .get(view.actors_in(&range))
                .unwrap_or(&[])
                .iter()
                .filter(|a| range.contains(&a.first))
                .collect();
            let mut best: BTreeMap<(String, String), (Polarity, f32)> = BTreeMap::new();
            for (index, h) in actors.iter().enumerate() {
                if h.entity_type == EntityType::Norp
                    || h.modifier
                    || h.of_object
                    || view.coordinated_possessor(h)
                {
                    continue;
                }
                let nearest = actors
                    .get(
                        index.saturating_sub(PAIR_WINDOW)
                            ..(index + PAIR_WINDOW + 1).min(actors.len()),
                    )
                    .unwrap_or(&[]);
                for t in nearest.iter().filter(|t| !t.is_adjectival_group()) {
                    let located = t.first > 0
                        && view
                            .tokens
                            .get(t.first - 1)
                            .is_some_and(|p| matches!(p.lower.as_str(), "in" | "at"));
                    if h.entity == t.entity || located {
                        continue;
                    }
                    let local = |s: Span| {
                        s.start.saturating_sub(sentence_span.start)
                            ..s.end.saturating_sub(sentence_span.start)
                    };
                    let features = crate::features::pair_features_in(
                        &context,
                        local(h.span),
                        local(t.span),
                        &self.lexicon,
                    );
                    let probs = model.pair.predict(&features);
                    let (support, oppose) = (
                        probs.get(1).copied().unwrap_or(0.0),
                        probs.get(2).copied().unwrap_or(0.0),
                    );
                    if support + oppose < model.pair_threshold {
                        continue;
                    }
                    let (polarity, confidence) = if support > oppose {
                        (Polarity::Support, support + oppose)
                    } else {
                        (Polarity::Oppose, support + oppose)
                    };
                    if polarity == Polarity::Oppose
                        && view.oppose_withheld(Some(h), t, &self.lexicon)
                    {
                        continue;
                    }
                    let entry = best
                        .entry((h.entity.clone(), t.entity.clone()))
                        .or_insert((polarity, confidence));
                    if confidence > entry.1 {
                        *entry = (polarity, confidence);
                    }
                }
            }
            for ((h, t), (polarity, confidence)) in best {
                let holder = ActorRef::Entity { id: h };
                let target = Target::Actor { id: t };
                if ruled.contains(&(sentence_index, holder.clone(), target.clone())) {
                    continue;
                }
                found.push(Found {
                    stance: self.stance(
                        holder,
                        target,
                        polarity,
                        sentence_span,
                        None,
                        confidence * 0.9,
                    ),
                    sentence: sentence_index,
                });
            }
        }
    }

    /// Roles of persons as affiliations: `holds_role` toward the organisation, `member_of`
    /// toward the country, each with the title.
    fn affiliations(&self, doc: &Document, relations: &mut Vec<Relation>) {
        let find = |name: &str| {
            let lower = name.to_lowercase();
            doc.entities.iter().find(|e| {
                e.canonical.to_lowercase() == lower
                    || e.aliases.iter().any(|a| a.to_lowercase() == lower)
            })
        };
        for entity in doc
            .entities
            .iter()
            .filter(|e| e.entity_type == EntityType::Per)
        {
            for role in &entity.roles {
                for (name, kind) in [
                    (&role.organisation, "holds_role"),
                    (&role.country, "member_of"),
                ] {
                    let Some(other) = name.as_deref().and_then(find) else {
                        continue;
                    };
                    if other.id == entity.id {
                        continue;
                    }
                    let mut attributes = BTreeMap::new();
                    attributes.insert("title".to_string(), role.title.clone());
                    relations.push(self.relation(
                        RelationClass::Affiliation,
                        kind,
                        ActorRef::Entity {
                            id: entity.id.clone(),
                        },
                        Target::Actor {
                            id: other.id.clone(),
                        },
                        Sign::Neutral,
                        attributes,
                        role.evidence,
                        None,
                        role.confidence.min(0.9),
                    ));
                }
            }
        }
    }

    /// One stance per (holder, target, polarity, evidence), the most confident; drops
    /// stances under the threshold.
    fn dedup_stances(&self, found: Vec<Found>) -> Vec<Stance> {
        let mut best: BTreeMap<(ActorRef, Target, Polarity, Span), Stance> = BTreeMap::new();
        let calibration = self.model.as_ref().and_then(|m| m.calibration.as_ref());
        for mut f in found {
            if let Some(calibration) = calibration {
                f.stance.confidence = calibration.apply(&f.stance);
            }
            if f.stance.confidence < self.options.min_confidence {
                continue;
            }
            let key = (
                f.stance.holder.clone(),
                f.stance.target.clone(),
                f.stance.polarity,
                f.stance.evidence,
            );
            match best.get(&key) {
                Some(existing) if existing.confidence >= f.stance.confidence => {}
                _ => {
                    best.insert(key, f.stance);
                }
            }
        }
        let mut out: Vec<Stance> = best.into_values().collect();
        out.sort_by(|a, b| {
            a.evidence
                .cmp(&b.evidence)
                .then(b.confidence.total_cmp(&a.confidence))
        });
        out
    }
}

/// Gives every wording of one issue in the document the same key (stance targets and the
/// `issue` attribute of interactions), see [`canonical_issues`].
fn canonicalise_issues(found: &mut [Found], relations: &mut [Relation]) {
    let mut labels: Vec<String> = Vec::new();
    for f in found.iter() {
        if let Target::Issue { label, .. } = &f.stance.target {
            labels.push(label.clone());
        }
    }
    for r in relations.iter() {
        if let Some(label) = r.attributes.get("issue") {
            labels.push(label.clone());
        }
    }
    if labels.is_empty() {
        return;
    }
    let keys = canonical_issues(&labels);
    let mut keys = keys.into_iter();
    for f in found.iter_mut() {
        if let Target::Issue { label, .. } = &mut f.stance.target {
            if let Some(key) = keys.next() {
                *label = key;
            }
        }
    }
    for r in relations.iter_mut() {
        if let Some(label) = r.attributes.get_mut("issue") {
            if let Some(key) = keys.next() {
                *label = key;
            }
        }
    }
}

/// One relation per (class, kind, source, target, evidence).
fn dedup_relations(relations: Vec<Relation>) -> Vec<Relation> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for r in relations {
        if r.source == r.target_as_actor() {
            continue;
        }
        if seen.insert((
            r.class,
            r.kind.clone(),
            r.source.clone(),
            r.target.clone(),
            r.evidence,
        )) {
            out.push(r);
        }
    }
    out.sort_by(|a, b| a.evidence.cmp(&b.evidence).then(a.kind.cmp(&b.kind)));
    out
}

trait TargetAsActor {
    fn target_as_actor(&self) -> ActorRef;
}

impl TargetAsActor for Relation {
    fn target_as_actor(&self) -> ActorRef {
        match &self.target {
            Target::Actor { id } => ActorRef::Entity { id: id.clone() },
            Target::Issue { label, .. } => ActorRef::Unresolved {
                text: label.clone(),
            },
        }
    }
}
