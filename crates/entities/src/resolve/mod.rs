//! Within-document resolution: groups name mentions into entities (full names, surnames,
//! gazetteer aliases, acronyms), reads roles ("US Treasury Secretary Scott Bessent",
//! "Wendy Cutler, vice-president of the Asia Society Policy Institute"), maps capitals
//! acting as governments to their country, collects government references ("the Trump
//! administration", "US officials"), and links descriptions ("the President") and pronouns
//! to earlier entities. Every resolved mention says how (`resolution`) and how surely.
//!
//! One `State` is built per document and goes through the steps in order, each in its
//! own file: `names` (name mentions and their clusters; `name_extent` cuts where a name
//! ends, `hyphens` glues names cut at hyphens and splits "US-China", `tagged_names` is
//! what the tagger's other mentions say a name is, `coordination` splits two names run
//! together over "and" or a comma,
//! `named_after` reads "Clinton | Foundation" as the foundation's name, `titled_people`
//! finds a tagged person after a title inside a name of another type,
//! `type_consistency` gives a name one type per document; `untagged_surnames` finds the
//! surnames the tagger missed), `roles` (titles and
//! appositions), `government` (governments and their leaders), `coref` (descriptions
//! and pronouns), `organisation_descriptions` ("the company") and `assembly` (numbering,
//! genders, the output layers). The word lists
//! the rules use are lexicon files (`lexicons/*.txt`, read by `crate::lexicon`).

mod assembly;
mod coordination;
mod coref;
mod government;
mod hyphens;
mod name_extent;
mod named_after;
mod names;
mod one_word_names;
mod organisation_descriptions;
mod roles;
mod tagged_names;
#[cfg(test)]
mod test_support;
#[cfg(test)]
mod tests;
mod titled_people;
mod tokens;
mod type_consistency;
mod untagged_surnames;
mod untagged_titled_names;

use std::collections::{BTreeMap, HashMap};

use stancegraph_core::{Document, EntityType, MentionKind, RelationClass, Role, Span, Token};

use crate::lexicon::Lexicon;
use crate::stage::ResolveConfig;
pub use names::is_party_state_tag;
use tokens::{normalise, TokenTable};

/// Registered name of the resolution stage.
pub const RESOLVE_STAGE: &str = "entities.resolve";

/// Builds entities from the mentions of a document.
pub struct Resolver {
    config: ResolveConfig,
    lexicon: Lexicon,
}

/// A mention being resolved, with its token range and normalised words.
#[derive(Debug, Clone)]
struct Work {
    span: Span,
    tokens: std::ops::Range<usize>,
    words: Vec<String>,
    entity_type: EntityType,
    kind: MentionKind,
    confidence: f32,
    stage: String,
    entity: Option<usize>,
    resolution: &'static str,
    resolution_confidence: f32,
}

#[derive(Debug, Clone)]
struct EntityWork {
    entity_type: EntityType,
    /// Canonical name and the number of words it has (fullest wins).
    canonical: String,
    canonical_words: usize,
    /// Fixed canonical names (gazetteer countries, governments) are not replaced.
    fixed: bool,
    roles: Vec<Role>,
    /// Country this entity is the government of.
    government_of: Option<String>,
    last_mention: usize,
    /// Sentence of the first multi-word name mention (a person's full name introduced).
    first_full_name_sentence: Option<u32>,
}

fn is_possessive(word: &str) -> bool {
    matches!(word, "'s" | "'" | "’s" | "’")
}

fn capitalised(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

/// Cross-document key: lower-cased words without punctuation, prefixed by the type.
pub fn entity_key(entity_type: EntityType, canonical: &str) -> String {
    let cleaned: String = canonical
        .to_lowercase()
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '\'' {
                c
            } else {
                ' '
            }
        })
        .collect();
    let words: Vec<&str> = cleaned.split_whitespace().collect();
    format!(
        "{}:{}",
        entity_type.as_str().to_lowercase(),
        words.join(" ")
    )
}

impl Resolver {
    /// A resolver with the built-in gazetteers and word lists.
    pub fn new(config: ResolveConfig) -> Self {
        Resolver {
            config,
            lexicon: Lexicon::builtin(),
        }
    }

    /// Replaces `doc.entities`, links `doc.mentions` to them (adding nominal, government and
    /// pronoun mentions), and adds `reports_to` / `head_of` relations it reads from roles.
    pub fn resolve(&self, doc: &mut Document) {
        let table = TokenTable::new(doc);
        // Sized once for the tagger's mentions: no rehashing of large maps on long texts.
        let capacity = doc.mentions.len();
        let mut state = State {
            resolver: self,
            doc,
            table: &table,
            mentions: Vec::new(),
            entities: Vec::new(),
            relations: Vec::new(),
            names: HashMap::with_capacity(capacity),
            person_words: HashMap::with_capacity(capacity),
            by_canonical: HashMap::with_capacity(capacity),
            by_acronym: HashMap::new(),
            sorted: 0,
        };
        state.collect_name_mentions();
        state.untagged_titled_names();
        state.cluster_names();
        state.untagged_surnames();
        state.read_roles();
        if self.config.nominals {
            state.government_mentions();
            state.nominal_mentions();
            state.organisation_descriptions();
        }
        state.leaders_take_government_country();
        if self.config.pronouns {
            state.pronoun_mentions();
        }
        let (mentions, entities, relations) = state.finish();
        doc.mentions = mentions;
        doc.entities = entities;
        doc.relations.retain(|r| r.stage != RESOLVE_STAGE);
        doc.relations.extend(relations);
    }
}

/// Resolves with the default configuration.
pub fn resolve_entities(doc: &mut Document) {
    Resolver::new(ResolveConfig::default()).resolve(doc);
}

/// A relation between entity indices, numbered when the entities are.
struct PendingRelation {
    source: usize,
    target: usize,
    kind: &'static str,
    class: RelationClass,
    evidence: Span,
    attributes: BTreeMap<String, String>,
}

struct State<'r, 'd> {
    resolver: &'r Resolver,
    doc: &'d Document,
    /// The document's tokens as resolution reads them (words, lower-case forms, spans).
    table: &'d TokenTable,
    mentions: Vec<Work>,
    entities: Vec<EntityWork>,
    relations: Vec<PendingRelation>,
    /// Lookups that keep resolution linear in the number of mentions (a scan of every
    /// entity per mention is quadratic on long inputs): lower-cased names of each type,
    /// and the person entities each word of a multi-word name belongs to.
    names: HashMap<(EntityType, String), usize>,
    person_words: HashMap<String, Vec<usize>>,
    /// The entities of each type and canonical name, and the multi-word organisations of
    /// each acronym ("IMF" for "International Monetary Fund"), kept in step with every
    /// canonical name: the first of each list is what a scan of all entities would find.
    by_canonical: HashMap<(EntityType, String), Vec<usize>>,
    by_acronym: HashMap<String, Vec<usize>>,
    /// `mentions[..sorted]` is sorted by start (mentions pushed since are scanned).
    sorted: usize,
}

impl<'r, 'd> State<'r, 'd> {
    fn is_pronoun(&self, lower: &str) -> bool {
        self.lexicon().pronoun(lower).is_some()
    }

    /// The lexicon, borrowed for the resolver's lifetime (not the state's), so that its
    /// answers can be held while the state changes.
    fn lexicon(&self) -> &'r Lexicon {
        &self.resolver.lexicon
    }

    fn tokens(&self) -> &'d [Token] {
        &self.doc.tokens
    }

    /// Token `i`'s word, curly quotes made straight ("" past the end).
    fn word(&self, i: usize) -> &'d str {
        self.table.word(i)
    }

    /// Token `i`'s word lower-cased ("" past the end).
    fn lower(&self, i: usize) -> &'d str {
        self.table.lower(i)
    }

    fn same_sentence(&self, a: usize, b: usize) -> bool {
        match (self.table.sentence(a), self.table.sentence(b)) {
            (Some(x), Some(y)) => x == y,
            _ => false,
        }
    }

    fn span_of(&self, range: std::ops::Range<usize>) -> Option<Span> {
        let first = self.table.span(range.start)?;
        let last = self.table.span(range.end.checked_sub(1)?)?;
        Some(Span::new(first.start, last.end))
    }

    fn work(
        &self,
        range: std::ops::Range<usize>,
        entity_type: EntityType,
        kind: MentionKind,
        confidence: f32,
        stage: &str,
    ) -> Option<Work> {
        let span = self.span_of(range.clone())?;
        Some(Work {
            span,
            words: range.clone().map(|i| self.word(i).to_string()).collect(),
            tokens: range,
            entity_type,
            kind,
            confidence,
            stage: stage.to_string(),
            entity: None,
            resolution: "",
            resolution_confidence: 0.0,
        })
    }

    fn text_of(&self, range: std::ops::Range<usize>) -> String {
        self.span_of(range)
            .map(|s| normalise(self.doc.slice(s)))
            .unwrap_or_default()
    }

    /// The first mention covering `token`: a binary search over the sorted mentions (with
    /// a short walk back for nested ones) and a scan of those pushed since the last sort.
    fn mention_at_token(&self, token: usize) -> Option<usize> {
        let sorted = self.mentions.get(..self.sorted).unwrap_or(&[]);
        let after = sorted.partition_point(|w| w.tokens.start <= token);
        let found = (after.saturating_sub(16)..after)
            .find(|&i| sorted.get(i).is_some_and(|w| w.tokens.contains(&token)));
        found.or_else(|| {
            self.mentions
                .iter()
                .enumerate()
                .skip(self.sorted)
                .find(|(_, w)| w.tokens.contains(&token))
                .map(|(i, _)| i)
        })
    }

    fn sort_mentions(&mut self) {
        // Keep entity indices valid: entities point at nothing positional, so sorting is safe.
        self.mentions
            .sort_by_key(|w| (w.span.start, std::cmp::Reverse(w.span.end)));
        self.sorted = self.mentions.len();
    }

    fn new_entity(
        &mut self,
        entity_type: EntityType,
        canonical: String,
        fixed: bool,
        mention: usize,
    ) -> usize {
        let words = canonical.split_whitespace().count();
        self.names
            .entry((entity_type, canonical.to_lowercase()))
            .or_insert(self.entities.len());
        self.entities.push(EntityWork {
            entity_type,
            canonical,
            canonical_words: words,
            fixed,
            roles: Vec::new(),
            government_of: None,
            last_mention: mention,
            first_full_name_sentence: None,
        });
        let entity = self.entities.len() - 1;
        self.index_canonical(entity, true);
        entity
    }

    /// Adds (or with `add` false, removes) an entity to the canonical-name indexes.
    fn index_canonical(&mut self, entity: usize, add: bool) {
        let Some(e) = self.entities.get(entity) else {
            return;
        };
        let key = (e.entity_type, e.canonical.clone());
        let acronym = (e.entity_type == EntityType::Org && e.canonical_words > 1)
            .then(|| acronym_of(&e.canonical));
        update_sorted(self.by_canonical.entry(key).or_default(), entity, add);
        if let Some(acronym) = acronym {
            update_sorted(self.by_acronym.entry(acronym).or_default(), entity, add);
        }
    }

    /// The first entity of this type with exactly this canonical name.
    fn find_fixed(&self, entity_type: EntityType, canonical: &str) -> Option<usize> {
        self.by_canonical
            .get(&(entity_type, canonical.to_string()))
            .and_then(|list| list.first().copied())
    }

    /// Adds a mention the resolver found (a description, pronoun or surname the tagger
    /// did not give) and assigns it to `entity`.
    fn push_assigned(
        &mut self,
        work: Work,
        entity: usize,
        resolution: &'static str,
        confidence: f32,
    ) {
        self.mentions.push(work);
        self.assign(self.mentions.len() - 1, entity, resolution, confidence);
    }

    fn assign(&mut self, mention: usize, entity: usize, resolution: &'static str, confidence: f32) {
        let Some(m) = self.mentions.get_mut(mention) else {
            return;
        };
        m.entity = Some(entity);
        m.resolution = resolution;
        m.resolution_confidence = confidence;
        let kind = m.kind;
        let Some(e) = self.entities.get_mut(entity) else {
            return;
        };
        e.last_mention = e.last_mention.max(mention);
        if kind != MentionKind::Name || resolution == "metonymy" {
            return;
        }
        let m = &self.mentions[mention];
        let sentence = self.table.sentence(m.tokens.start);
        let words: Vec<String> = m.words.iter().map(|w| w.to_lowercase()).collect();
        let text = m.words.join(" ");
        let e = &self.entities[entity];
        let entity_type = e.entity_type;
        if !e.fixed && words.len() > e.canonical_words {
            self.names
                .entry((entity_type, text.to_lowercase()))
                .or_insert(entity);
            self.index_canonical(entity, false);
            let e = &mut self.entities[entity];
            e.canonical = text;
            e.canonical_words = words.len();
            self.index_canonical(entity, true);
        }
        self.names
            .entry((entity_type, words.join(" ")))
            .or_insert(entity);
        if words.len() > 1 {
            let e = &mut self.entities[entity];
            if e.first_full_name_sentence.is_none() {
                e.first_full_name_sentence = sentence;
            }
            // Kept sorted: a binary search, not a scan, per word (the owners of "of" or
            // "bank" grow with the document; their order means nothing to the lookups).
            for word in words {
                match self.person_words.get_mut(&word) {
                    Some(owners) => update_sorted(owners, entity, true),
                    None => {
                        self.person_words.insert(word, vec![entity]);
                    }
                }
            }
        }
    }
}

/// Inserts `item` into (or removes it from) a sorted list.
fn update_sorted(list: &mut Vec<usize>, item: usize, add: bool) {
    match list.binary_search(&item) {
        Err(at) if add => list.insert(at, item),
        Ok(at) if !add => {
            list.remove(at);
        }
        _ => {}
    }
}

/// The capitals starting the words of a name: "IMF" for "International Monetary Fund".
fn acronym_of(canonical: &str) -> String {
    canonical
        .split_whitespace()
        .filter_map(|w| w.chars().next())
        .filter(|c| c.is_uppercase())
        .collect()
}

/// DATE and MONEY mentions: never actors, never resolved.
fn is_timeless(entity_type: EntityType) -> bool {
    matches!(entity_type, EntityType::Date | EntityType::Money)
}
