//! Within-document resolution: groups name mentions into entities (full names, surnames,
//! gazetteer aliases, acronyms), reads roles ("US Treasury Secretary Scott Bessent",
//! "Wendy Cutler, vice-president of the Asia Society Policy Institute"), maps capitals
//! acting as governments to their country, collects government references ("the Trump
//! administration", "US officials"), and links descriptions ("the President") and pronouns
//! to earlier entities. Every resolved mention says how (`resolution`) and how surely.

use std::collections::{BTreeMap, HashMap, HashSet};

use stancegraph_core::{
    ActorRef, Document, Entity, EntityType, Gender, GenderCall, Mention, MentionKind, Relation,
    RelationClass, Role, Sign, Span, Target, Token,
};

use crate::gender;
use crate::lexicon::{category, phrase_tokens, Lexicon};
use crate::stages::ResolveConfig;

/// Registered name of the resolution stage.
pub const RESOLVE_STAGE: &str = "entities.resolve";

/// Capitals whose name stands for their government when they act ("Beijing said").
const CAPITALS: &[(&str, &str)] = &[
    ("beijing", "China"),
    ("washington", "United States"),
    ("moscow", "Russia"),
    ("london", "United Kingdom"),
    ("paris", "France"),
    ("berlin", "Germany"),
    ("tokyo", "Japan"),
    ("seoul", "South Korea"),
    ("pyongyang", "North Korea"),
    ("taipei", "Taiwan"),
    ("tehran", "Iran"),
    ("kyiv", "Ukraine"),
    ("kiev", "Ukraine"),
    ("new delhi", "India"),
    ("ottawa", "Canada"),
    ("canberra", "Australia"),
    ("ankara", "Turkey"),
    ("riyadh", "Saudi Arabia"),
    ("damascus", "Syria"),
    ("baghdad", "Iraq"),
    ("islamabad", "Pakistan"),
    ("havana", "Cuba"),
    ("caracas", "Venezuela"),
    ("brasilia", "Brazil"),
    ("mexico city", "Mexico"),
    ("rome", "Italy"),
    ("madrid", "Spain"),
    ("warsaw", "Poland"),
    ("hanoi", "Vietnam"),
    ("manila", "Philippines"),
    ("jakarta", "Indonesia"),
];

/// How many earlier mentions a pronoun weighs at most.
const MAX_PRONOUN_LOOKBACK: usize = 200;

const MALE_PRONOUNS: &[&str] = &["he", "him", "his", "himself"];
const FEMALE_PRONOUNS: &[&str] = &["she", "her", "hers", "herself"];
const PLURAL_PRONOUNS: &[&str] = &["they", "them", "their", "theirs", "themselves"];
/// Verbs after which a capital is a government, when tokens carry no POS tags.
const ACTING_VERBS: &[&str] = &[
    "said",
    "says",
    "has",
    "have",
    "had",
    "is",
    "was",
    "will",
    "would",
    "could",
    "may",
    "might",
    "must",
    "should",
    "announced",
    "imposed",
    "responded",
    "accused",
    "warned",
    "insisted",
    "wants",
    "wanted",
    "denied",
    "rejected",
    "urged",
    "called",
    "threatened",
    "agreed",
    "refused",
    "retaliated",
    "sanctioned",
];
/// Words that turn a country or leader into its government: "US officials", "the Trump administration".
const GOVERNMENT_NOUNS: &[&str] = &[
    "administration",
    "government",
    "officials",
    "authorities",
    "regime",
];
/// Department words that make a title's organisation: "Treasury Secretary" → "US Treasury".
const DEPARTMENTS: &[&str] = &[
    "treasury",
    "commerce",
    "defense",
    "defence",
    "state",
    "justice",
    "energy",
    "trade",
    "finance",
    "foreign",
    "interior",
    "home",
    "health",
    "agriculture",
    "labor",
    "labour",
    "education",
    "transportation",
];

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
}

fn normalise(word: &str) -> String {
    word.replace(['’', '‘'], "'").replace(['“', '”'], "\"")
}

fn is_possessive(word: &str) -> bool {
    matches!(word, "'s" | "'" | "’s" | "’")
}

fn is_pronoun(lower: &str) -> bool {
    MALE_PRONOUNS.contains(&lower)
        || FEMALE_PRONOUNS.contains(&lower)
        || PLURAL_PRONOUNS.contains(&lower)
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
    pub fn new(config: ResolveConfig) -> Self {
        Resolver {
            config,
            lexicon: Lexicon::builtin(),
        }
    }

    /// Replaces `doc.entities`, links `doc.mentions` to them (adding nominal, government and
    /// pronoun mentions), and adds `reports_to` / `head_of` relations it reads from roles.
    pub fn resolve(&self, doc: &mut Document) {
        let mut state = State {
            resolver: self,
            doc,
            mentions: Vec::new(),
            entities: Vec::new(),
            relations: Vec::new(),
            names: HashMap::new(),
            person_words: HashMap::new(),
            by_canonical: HashMap::new(),
            by_acronym: HashMap::new(),
            sorted: 0,
        };
        state.collect_name_mentions();
        state.cluster_names();
        state.read_roles();
        if self.config.nominals {
            state.government_mentions();
            state.nominal_mentions();
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
    fn lexicon(&self) -> &Lexicon {
        &self.resolver.lexicon
    }

    fn tokens(&self) -> &'d [Token] {
        &self.doc.tokens
    }

    fn word(&self, i: usize) -> String {
        self.tokens()
            .get(i)
            .map(|t| normalise(self.doc.slice(t.span)))
            .unwrap_or_default()
    }

    fn lower(&self, i: usize) -> String {
        self.word(i).to_lowercase()
    }

    fn same_sentence(&self, a: usize, b: usize) -> bool {
        match (self.tokens().get(a), self.tokens().get(b)) {
            (Some(x), Some(y)) => x.sentence == y.sentence,
            _ => false,
        }
    }

    /// Token range covered by a byte span.
    fn token_range(&self, span: Span) -> std::ops::Range<usize> {
        let tokens = self.tokens();
        let start = tokens.partition_point(|t| t.span.end <= span.start);
        let end = tokens.partition_point(|t| t.span.start < span.end);
        start..end.max(start)
    }

    fn span_of(&self, range: std::ops::Range<usize>) -> Option<Span> {
        let tokens = self.tokens();
        let first = tokens.get(range.start)?;
        let last = tokens.get(range.end.checked_sub(1)?)?;
        Some(Span::new(first.span.start, last.span.end))
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
            words: range.clone().map(|i| self.word(i)).collect(),
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

    /// Name mentions from the tagger, cleaned: possessives and leading titles stripped, lone
    /// pronouns dropped, "US-China" split into two countries.
    fn collect_name_mentions(&mut self) {
        let mut works = Vec::new();
        let existing: Vec<Mention> = self
            .doc
            .mentions
            .iter()
            .filter(|m| m.kind == MentionKind::Name && !is_timeless(m.entity_type))
            .cloned()
            .collect();
        for mention in &existing {
            let mut range = self.token_range(mention.span);
            while range.len() > 1 && is_possessive(&self.word(range.end - 1)) {
                range.end -= 1;
            }
            if mention.entity_type == EntityType::Per {
                // "President Donald Trump" tagged whole: the title is a role, not the name.
                while range.len() > 1 {
                    let lower = self.lower(range.start);
                    let title = self.lexicon().categories(&lower) & category::TITLE != 0
                        || matches!(
                            lower.as_str(),
                            "mr" | "mr." | "mrs" | "mrs." | "ms" | "ms." | "dr" | "dr."
                        )
                        || self.lexicon().categories(&lower) & category::DEMONYM != 0;
                    if title {
                        range.start += 1;
                    } else {
                        break;
                    }
                }
                if range.len() == 1 && is_pronoun(&self.lower(range.start)) {
                    continue;
                }
            }
            // Places joined by hyphens ("US-China") stay apart; only names of people and
            // organisations are glued.
            let range = if matches!(mention.entity_type, EntityType::Per | EntityType::Org) {
                self.join_hyphens(range)
            } else {
                range
            };
            if let Some(mut work) = self.work(
                range.clone(),
                mention.entity_type,
                MentionKind::Name,
                mention.confidence,
                &mention.stage,
            ) {
                work.words = self.hyphenated_words(range);
                works.push(work);
            }
        }
        // "US-China": two countries in one token (the tagger's mentions over such a token
        // are dropped in one pass afterwards, not one pass per token).
        let mut split_tokens: Vec<Span> = Vec::new();
        let mut splits = Vec::new();
        for (i, token) in self.tokens().iter().enumerate() {
            let text = self.doc.slice(token.span);
            let Some((left, right)) = text.split_once('-') else {
                continue;
            };
            let country = |s: &str| self.lexicon().lookup(s, category::COUNTRY).is_some();
            if left.is_empty() || right.is_empty() || !country(left) || !country(right) {
                continue;
            }
            split_tokens.push(token.span);
            let split = token.span.start + left.len();
            for (span, word) in [
                (Span::new(token.span.start, split), left),
                (Span::new(split + 1, token.span.end), right),
            ] {
                splits.push(Work {
                    span,
                    tokens: i..i + 1,
                    words: vec![word.to_string()],
                    entity_type: EntityType::Gpe,
                    kind: MentionKind::Name,
                    confidence: 0.9,
                    stage: crate::ner::NER_STAGE.to_string(),
                    entity: None,
                    resolution: "",
                    resolution_confidence: 0.0,
                });
            }
        }
        if !split_tokens.is_empty() {
            // Tokens do not overlap: the split token a mention might overlap is the last
            // one starting before the mention ends.
            works.retain(|w: &Work| {
                let after = split_tokens.partition_point(|t| t.start < w.span.end);
                !after
                    .checked_sub(1)
                    .is_some_and(|k| split_tokens[k].overlaps(w.span))
            });
        }
        works.extend(splits);
        works.sort_by_key(|w| (w.span.start, std::cmp::Reverse(w.span.end)));
        works.dedup_by(|b, a| a.span.overlaps(b.span) && a.tokens.len() > 1);
        self.sorted = works.len();
        self.mentions = works;
    }

    /// True when token `a` ends exactly where token `b` starts.
    fn touching(&self, a: usize, b: usize) -> bool {
        match (self.tokens().get(a), self.tokens().get(b)) {
            (Some(x), Some(y)) => x.span.end == y.span.start,
            _ => false,
        }
    }

    /// A name the tokenizer cut at its hyphens ("Wilson-Raybould", "Jong-un",
    /// "SNC-Lavalin", "al-Shabaab") is one name: the range grows over touching `-` + word.
    fn join_hyphens(&self, mut range: std::ops::Range<usize>) -> std::ops::Range<usize> {
        let wordy = |i: usize| {
            let word = self.word(i);
            self.lexicon().lookup(&word, category::COUNTRY).is_none()
                && word.chars().next().is_some_and(char::is_alphanumeric)
        };
        while self.word(range.end) == "-"
            && self.touching(range.end - 1, range.end)
            && self.touching(range.end, range.end + 1)
            && wordy(range.end + 1)
        {
            range.end += 2;
        }
        while range.start >= 2
            && self.word(range.start - 1) == "-"
            && self.touching(range.start - 2, range.start - 1)
            && self.touching(range.start - 1, range.start)
            && wordy(range.start - 2)
        {
            range.start -= 2;
        }
        range
    }

    /// The words of a name, hyphenated parts glued back ("Wilson", "-", "Raybould" →
    /// "Wilson-Raybould").
    fn hyphenated_words(&self, range: std::ops::Range<usize>) -> Vec<String> {
        let mut words: Vec<String> = Vec::new();
        let mut glue = false;
        for i in range {
            let word = self.word(i);
            let joins =
                word == "-" && self.touching(i.saturating_sub(1), i) && self.touching(i, i + 1);
            match words.last_mut() {
                Some(last) if joins => {
                    last.push('-');
                    glue = true;
                    continue;
                }
                Some(last) if glue => last.push_str(&word),
                _ => words.push(word),
            }
            glue = false;
        }
        words
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

    fn assign(&mut self, mention: usize, entity: usize, resolution: &'static str, confidence: f32) {
        let Some(m) = self.mentions.get_mut(mention) else {
            return;
        };
        m.entity = Some(entity);
        m.resolution = resolution;
        m.resolution_confidence = confidence;
        let words: Vec<String> = m.words.iter().map(|w| w.to_lowercase()).collect();
        let kind = m.kind;
        let text = m.words.join(" ");
        let Some(e) = self.entities.get_mut(entity) else {
            return;
        };
        e.last_mention = e.last_mention.max(mention);
        if kind != MentionKind::Name || resolution == "metonymy" {
            return;
        }
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
            for word in &words {
                let owners = self.person_words.entry(word.clone()).or_default();
                if !owners.contains(&entity) {
                    owners.push(entity);
                }
            }
        }
    }

    /// Does the GPE mention act (subject, possessor, or followed by a verb)?
    fn acts(&self, work: &Work) -> bool {
        let last = work.tokens.end.saturating_sub(1);
        let tokens = self.tokens();
        let deprel = tokens
            .get(last)
            .and_then(|t| t.deprel.as_deref())
            .unwrap_or("");
        if deprel.starts_with("nsubj") || deprel == "nmod:poss" {
            return true;
        }
        let next = self.word(work.tokens.end);
        if is_possessive(&next) {
            return true;
        }
        match tokens.get(work.tokens.end).and_then(|t| t.xpos.as_deref()) {
            Some(tag) => (tag.starts_with("VB") && tag != "VBG" && tag != "VBN") || tag == "MD",
            // Untagged tokens: a few verbs that make a capital an actor.
            None => ACTING_VERBS.contains(&next.to_lowercase().as_str()),
        }
    }

    /// Groups name mentions: gazetteer canonical names for places and organisations, full
    /// names then surnames / given names for people, acronyms for organisations.
    fn cluster_names(&mut self) {
        let count = self.mentions.len();
        // Pass 1: everything except single-word person-like names.
        let mut deferred = Vec::new();
        let mut deferred_orgs = Vec::new();
        for m in 0..count {
            let work = self.mentions[m].clone();
            let phrase = work.words.join(" ");
            let lower = phrase_tokens(&phrase).join(" ");
            match work.entity_type {
                EntityType::Gpe | EntityType::Loc => {
                    let capital = CAPITALS
                        .iter()
                        .find(|(c, _)| *c == lower)
                        .map(|(_, country)| *country);
                    if let (Some(country), true) =
                        (capital, self.resolver.config.metonymy && self.acts(&work))
                    {
                        let entity =
                            self.find_fixed(EntityType::Gpe, country)
                                .unwrap_or_else(|| {
                                    self.new_entity(EntityType::Gpe, country.to_string(), true, m)
                                });
                        self.mentions[m].entity_type = EntityType::Gpe;
                        self.assign(m, entity, "metonymy", 0.8);
                        continue;
                    }
                    let is_place = self.lexicon().categories(&lower)
                        & (category::COUNTRY | category::CITY | category::REGION)
                        != 0;
                    if !is_place
                        && self
                            .lexicon()
                            .lookup(&phrase, category::ORGANISATION)
                            .is_some()
                    {
                        self.mentions[m].entity_type = EntityType::Org;
                        deferred_orgs.push(m);
                        continue;
                    }
                    if let Some(entry) = self.lexicon().lookup(&phrase, category::COUNTRY) {
                        let canonical = entry.canonical.clone();
                        let entity =
                            self.find_fixed(EntityType::Gpe, &canonical)
                                .unwrap_or_else(|| {
                                    self.new_entity(EntityType::Gpe, canonical.clone(), true, m)
                                });
                        self.mentions[m].entity_type = EntityType::Gpe;
                        let how = if canonical.eq_ignore_ascii_case(&phrase) {
                            "name"
                        } else {
                            "alias"
                        };
                        self.assign(m, entity, how, 0.95);
                        continue;
                    }
                    if work.words.len() == 1 && self.person_word_match(&lower).is_some() {
                        deferred.push(m);
                        continue;
                    }
                    self.by_exact_name(m, work.entity_type, &phrase);
                }
                EntityType::Org => {
                    if let Some(entry) = self.lexicon().lookup(&phrase, category::ORGANISATION) {
                        let canonical = entry.canonical.clone();
                        let entity =
                            self.find_fixed(EntityType::Org, &canonical)
                                .unwrap_or_else(|| {
                                    self.new_entity(EntityType::Org, canonical.clone(), true, m)
                                });
                        let how = if canonical.eq_ignore_ascii_case(&phrase) {
                            "name"
                        } else {
                            "alias"
                        };
                        self.assign(m, entity, how, 0.95);
                        continue;
                    }
                    if work.words.len() == 1 {
                        deferred.push(m);
                        continue;
                    }
                    self.by_exact_name(m, EntityType::Org, &phrase);
                }
                EntityType::Per => {
                    if work.words.len() == 1 {
                        deferred.push(m);
                    } else {
                        self.by_exact_name(m, EntityType::Per, &phrase);
                    }
                }
                EntityType::Norp => {
                    let canonical = self
                        .lexicon()
                        .lookup(&phrase, category::DEMONYM)
                        .map_or(phrase.clone(), |e| e.canonical.clone());
                    let entity = self
                        .find_fixed(EntityType::Norp, &canonical)
                        .unwrap_or_else(|| {
                            self.new_entity(EntityType::Norp, canonical.clone(), true, m)
                        });
                    self.assign(m, entity, "name", 0.9);
                }
                _ => {
                    if work.words.len() == 1 && self.person_word_match(&lower).is_some() {
                        deferred.push(m);
                    } else {
                        self.by_exact_name(m, work.entity_type, &phrase);
                    }
                }
            }
        }
        for m in deferred_orgs {
            let phrase = self.mentions[m].words.join(" ");
            if let Some(entry) = self.lexicon().lookup(&phrase, category::ORGANISATION) {
                let canonical = entry.canonical.clone();
                let entity = self
                    .find_fixed(EntityType::Org, &canonical)
                    .unwrap_or_else(|| {
                        self.new_entity(EntityType::Org, canonical.clone(), true, m)
                    });
                self.assign(m, entity, "name", 0.9);
            }
        }
        // Pass 2: one-word names join a person whose name contains them ("Bessent", "Xi"),
        // an organisation they abbreviate, or become entities of their own.
        for m in deferred {
            let work = self.mentions[m].clone();
            let word = work.words.join(" ");
            let lower = word.to_lowercase();
            if let Some(entity) = self.person_word_match(&lower) {
                self.mentions[m].entity_type = EntityType::Per;
                self.assign(m, entity, "alias", 0.9);
                continue;
            }
            if work.entity_type == EntityType::Org
                && word.len() >= 2
                && word.chars().all(|c| c.is_uppercase())
            {
                let acronym = self
                    .by_acronym
                    .get(&word)
                    .and_then(|list| list.first().copied());
                if let Some(entity) = acronym {
                    self.assign(m, entity, "acronym", 0.85);
                    continue;
                }
            }
            self.by_exact_name(m, work.entity_type, &word);
        }
    }

    /// A person entity with a multi-word name containing `lower` as a word (never a pronoun).
    fn person_word_match(&self, lower: &str) -> Option<usize> {
        if is_pronoun(lower) {
            return None;
        }
        self.person_words
            .get(lower)?
            .iter()
            .filter_map(|&i| self.entities.get(i).map(|e| (i, e)))
            .filter(|(_, e)| e.entity_type == EntityType::Per && e.canonical_words > 1)
            .max_by_key(|(i, e)| (e.last_mention, std::cmp::Reverse(*i)))
            .map(|(i, _)| i)
    }

    fn by_exact_name(&mut self, m: usize, entity_type: EntityType, phrase: &str) {
        let lower = phrase.to_lowercase();
        let found = self.names.get(&(entity_type, lower)).copied();
        let entity =
            found.unwrap_or_else(|| self.new_entity(entity_type, phrase.to_string(), false, m));
        self.assign(m, entity, "name", if found.is_some() { 0.95 } else { 1.0 });
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

    /// A title phrase in `range` as a token range: the longest one ending last (for
    /// premodifiers), or with `earliest`, the longest one starting first (for appositions).
    fn title_in(
        &self,
        range: std::ops::Range<usize>,
        earliest: bool,
    ) -> Option<std::ops::Range<usize>> {
        let lowers: Vec<String> = range.clone().map(|i| self.lower(i)).collect();
        let refs: Vec<&str> = lowers.iter().map(String::as_str).collect();
        let mut matches = Vec::new();
        self.lexicon().matches(&refs, &mut matches);
        matches
            .iter()
            .filter(|m| m.categories & category::TITLE != 0)
            .max_by_key(|m| {
                if earliest {
                    (usize::MAX - m.start, m.end - m.start)
                } else {
                    (m.end, m.end - m.start)
                }
            })
            .map(|m| range.start + m.start..range.start + m.end)
    }

    fn country_of_word(&self, word: &str) -> Option<String> {
        let lexicon = self.lexicon();
        lexicon
            .lookup(word, category::COUNTRY)
            .map(|e| e.canonical.clone())
            .or_else(|| {
                lexicon
                    .lookup(word, category::DEMONYM)
                    .and_then(|e| e.country.clone())
            })
    }

    fn text_of(&self, range: std::ops::Range<usize>) -> String {
        self.span_of(range)
            .map(|s| normalise(self.doc.slice(s)))
            .unwrap_or_default()
    }

    fn push_role(&mut self, entity: usize, role: Role) {
        if let Some(e) = self.entities.get_mut(entity) {
            if !e.roles.iter().any(|r| {
                r.title.eq_ignore_ascii_case(&role.title) && r.organisation == role.organisation
            }) {
                e.roles.push(role);
            }
        }
    }

    /// Roles from title premodifiers and appositions of person names.
    fn read_roles(&mut self) {
        for m in 0..self.mentions.len() {
            let work = self.mentions[m].clone();
            let (Some(entity), EntityType::Per, MentionKind::Name) =
                (work.entity, work.entity_type, work.kind)
            else {
                continue;
            };
            if let Some(role) = self.premodifier_role(&work) {
                self.push_role(entity, role);
            }
            if let Some((role, superior)) = self.appositive_role(&work) {
                let evidence = role.evidence;
                let title = role.title.clone();
                self.push_role(entity, role);
                if let Some(boss) = superior.filter(|&b| b != entity) {
                    let mut attributes = BTreeMap::new();
                    attributes.insert("title".to_string(), title);
                    self.relations.push(PendingRelation {
                        source: entity,
                        target: boss,
                        kind: "reports_to",
                        class: RelationClass::Hierarchy,
                        evidence,
                        attributes,
                    });
                }
            }
        }
        // A subordinate without a country takes the superior's ("under Vice-Premier He Lifeng").
        let links: Vec<(usize, usize)> = self
            .relations
            .iter()
            .filter(|r| r.kind == "reports_to")
            .map(|r| (r.source, r.target))
            .collect();
        for (subordinate, boss) in links {
            let country = self
                .entities
                .get(boss)
                .and_then(|e| e.roles.iter().find_map(|r| r.country.clone()));
            if let (Some(country), Some(e)) = (country, self.entities.get_mut(subordinate)) {
                for role in e.roles.iter_mut().filter(|r| r.country.is_none()) {
                    role.country = Some(country.clone());
                }
            }
        }
    }

    /// "US Treasury Secretary Scott Bessent", "Chinese leader Xi Jinping".
    fn premodifier_role(&self, work: &Work) -> Option<Role> {
        let mut start = work.tokens.start;
        while start > 0 && self.same_sentence(start - 1, work.tokens.start) {
            let word = self.word(start - 1);
            let lower = word.to_lowercase();
            let in_person = self.mention_at_token(start - 1).is_some_and(|i| {
                self.mentions[i].entity_type == EntityType::Per
                    && self.mentions[i].tokens != work.tokens
            });
            let title_word = self.lexicon().categories(&lower) & (category::TITLE) != 0
                || matches!(
                    lower.as_str(),
                    "-" | "top" | "senior" | "former" | "acting" | "deputy" | "chief" | "trade"
                );
            if in_person || is_possessive(&word) || !(capitalised(&word) || title_word) {
                break;
            }
            start -= 1;
        }
        if start == work.tokens.start {
            return None;
        }
        let title = self.title_in(start..work.tokens.start, false)?;
        if title.end != work.tokens.start {
            return None;
        }
        // Words between the country and the title head belong to the title ("Treasury").
        let mut title_start = title.start;
        let mut country = None;
        for i in start..title.start {
            let word = self.word(i);
            match self.country_of_word(&word) {
                Some(c) if country.is_none() && i == start => country = Some(c),
                _ => {
                    title_start = title_start.min(i);
                }
            }
        }
        let title_text = self.text_of(title_start..title.end);
        let first_title_word = self.lower(title_start);
        let organisation =
            if DEPARTMENTS.contains(&first_title_word.as_str()) && title.end - title_start > 1 {
                let department = self.word(title_start);
                Some(match start < title_start && country.is_some() {
                    true => format!("{} {}", self.text_of(start..title_start), department),
                    false => department,
                })
            } else {
                None
            };
        Some(Role {
            title: title_text,
            organisation,
            country,
            evidence: self.span_of(start..work.tokens.end)?,
            stage: RESOLVE_STAGE.to_string(),
            confidence: 0.85,
        })
    }

    /// "Wendy Cutler, vice-president of the Asia Society Policy Institute";
    /// "Li Chenggang, the top trade negotiator under Vice-Premier He Lifeng" (with superior).
    fn appositive_role(&self, work: &Work) -> Option<(Role, Option<usize>)> {
        let comma = work.tokens.end;
        if self.word(comma) != "," {
            return None;
        }
        let mut end = comma + 1;
        while self.tokens().get(end).is_some() && self.same_sentence(end, comma) {
            let word = self.word(end);
            if matches!(word.as_str(), "," | "." | ";" | ":" | "\"" | "(" | ")") {
                break;
            }
            end += 1;
        }
        if end - comma > 14 {
            return None;
        }
        let mut first = comma + 1;
        while matches!(self.lower(first).as_str(), "the" | "a" | "an") {
            first += 1;
        }
        let title = self.title_in(first..end, true)?;
        // The title must open the apposition (allowing adjectives like "top").
        if title.start - first > 2 {
            return None;
        }
        let title_text = self.text_of(first..title.end);
        let connector = self.lower(title.end);
        let mut organisation = None;
        let mut country = None;
        let mut superior = None;
        if matches!(
            connector.as_str(),
            "of" | "at" | "for" | "with" | "under" | "to"
        ) {
            let mut j = title.end + 1;
            if self.lower(j) == "the" {
                j += 1;
            }
            // Skip a title before a superior's name ("under Vice-Premier He Lifeng").
            if let Some(m) = (j..end).find_map(|t| self.mention_at_token(t)) {
                let target = &self.mentions[m];
                match target.entity_type {
                    EntityType::Per if connector == "under" || connector == "to" => {
                        superior = target.entity
                    }
                    EntityType::Per => {}
                    EntityType::Gpe => {
                        country = self
                            .country_of_word(&target.words.join(" "))
                            .or(Some(target.words.join(" ")))
                    }
                    _ => organisation = Some(target.words.join(" ")),
                }
            }
            if organisation.is_none()
                && superior.is_none()
                && country.is_none()
                && j < end
                && capitalised(&self.word(j))
            {
                organisation = Some(self.text_of(j..end));
            }
        }
        let role = Role {
            title: title_text,
            organisation,
            country,
            evidence: self.span_of(work.tokens.start..end)?,
            stage: RESOLVE_STAGE.to_string(),
            confidence: 0.8,
        };
        Some((role, superior))
    }

    /// The government entity of a country (created on first use).
    fn government(&mut self, country: &str, mention: usize) -> usize {
        if let Some(i) = self
            .entities
            .iter()
            .position(|e| e.government_of.as_deref() == Some(country))
        {
            return i;
        }
        let name = format!("{country} government");
        let entity = self.new_entity(EntityType::Org, name, true, mention);
        self.entities[entity].government_of = Some(country.to_string());
        entity
    }

    /// The country most mentioned in the document (the default government).
    fn main_country(&self) -> Option<String> {
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for work in &self.mentions {
            if let Some(e) = work.entity.and_then(|e| self.entities.get(e)) {
                if e.entity_type == EntityType::Gpe
                    && e.fixed
                    && self
                        .lexicon()
                        .lookup(&e.canonical, category::COUNTRY)
                        .is_some()
                {
                    *counts.entry(e.canonical.as_str()).or_default() += 1;
                }
            }
        }
        counts
            .into_iter()
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0)))
            .map(|(c, _)| c.to_string())
    }

    /// "the Trump administration", "the US administration", "US officials", "the administration".
    /// Explicit countries first, so that a bare or leader-named administration can join the
    /// government already named.
    fn government_mentions(&mut self) {
        // (tokens, country if explicit, leader if named)
        let mut found: Vec<(std::ops::Range<usize>, Option<String>, Option<usize>)> = Vec::new();
        for i in 0..self.tokens().len() {
            let lower = self.lower(i);
            if !GOVERNMENT_NOUNS.contains(&lower.as_str()) {
                continue;
            }
            let executive = lower == "administration" || lower == "government";
            let before = i.checked_sub(1).filter(|&b| self.same_sentence(b, i));
            let modifier = before.and_then(|b| self.mention_at_token(b));
            let mut start = i;
            let mut country = None;
            let mut leader = None;
            if let Some(m) = modifier {
                let work = &self.mentions[m];
                start = work.tokens.start;
                match work.entity_type {
                    EntityType::Per if executive => leader = work.entity,
                    EntityType::Gpe | EntityType::Norp => {
                        country = self.country_of_word(&work.words.join(" ")).or_else(|| {
                            work.entity
                                .and_then(|e| self.entities.get(e))
                                .map(|e| e.canonical.clone())
                        });
                    }
                    _ => continue,
                }
                if leader.is_none() && country.is_none() {
                    continue;
                }
            } else if let Some(b) = before {
                let word = self.word(b);
                if let Some(c) = self.country_of_word(&word) {
                    start = b;
                    country = Some(c);
                } else if !(self.lower(b) == "the" && executive) {
                    continue;
                }
            } else {
                continue;
            }
            if start > 0 && self.lower(start - 1) == "the" && self.same_sentence(start - 1, i) {
                start -= 1;
            }
            found.push((start..i + 1, country, leader));
        }
        found.sort_by_key(|(range, country, _)| (country.is_none(), range.start));
        // The main country counts GPE mentions, which this loop never adds: count them once.
        let mut main_country: Option<Option<String>> = None;
        // Governments by country, and the first one named: indexes kept in step with
        // `government`, the only place that sets `government_of`.
        let mut governments: HashMap<String, usize> = HashMap::new();
        for (i, e) in self.entities.iter().enumerate() {
            if let Some(country) = &e.government_of {
                governments.entry(country.clone()).or_insert(i);
            }
        }
        let mut first_named = self.entities.iter().find_map(|e| e.government_of.clone());
        // Pairs already related, so that a leader heads a government once.
        let mut related: HashSet<(usize, usize)> = self
            .relations
            .iter()
            .map(|r| (r.source, r.target))
            .collect();
        for (range, country, leader) in found {
            let country = match country {
                Some(country) => country,
                None => {
                    let leader_country = leader
                        .and_then(|e| self.entities.get(e))
                        .and_then(|e| e.roles.iter().find_map(|r| r.country.clone()));
                    let named = first_named.clone();
                    let main = || {
                        main_country
                            .get_or_insert_with(|| self.main_country())
                            .clone()
                    };
                    match leader_country.or(named).or_else(main) {
                        Some(country) => country,
                        None => continue,
                    }
                }
            };
            let how = if leader.is_some() {
                "government_of_leader"
            } else {
                "government"
            };
            let Some(mut work) = self.work(
                range.clone(),
                EntityType::Org,
                MentionKind::Nominal,
                0.8,
                RESOLVE_STAGE,
            ) else {
                continue;
            };
            work.words = vec![self.text_of(range)];
            self.mentions.push(work);
            let m = self.mentions.len() - 1;
            let government = match governments.get(&country) {
                Some(&g) => g,
                None => {
                    let g = self.government(&country, m);
                    governments.insert(country.clone(), g);
                    first_named.get_or_insert_with(|| country.clone());
                    g
                }
            };
            self.assign(m, government, how, 0.75);
            if let Some(leader) = leader {
                let span = self.mentions[m].span;
                if related.insert((leader, government)) {
                    self.relations.push(PendingRelation {
                        source: leader,
                        target: government,
                        kind: "head_of",
                        class: RelationClass::Affiliation,
                        evidence: span,
                        attributes: BTreeMap::new(),
                    });
                }
            }
        }
        self.sort_mentions();
    }

    /// A leader of a government ("the Trump administration") holds roles in its country.
    fn leaders_take_government_country(&mut self) {
        let links: Vec<(usize, usize)> = self
            .relations
            .iter()
            .filter(|r| r.kind == "head_of")
            .map(|r| (r.source, r.target))
            .collect();
        for (leader, government) in links {
            let country = self
                .entities
                .get(government)
                .and_then(|g| g.government_of.clone());
            if let (Some(country), Some(e)) = (country, self.entities.get_mut(leader)) {
                for role in e
                    .roles
                    .iter_mut()
                    .filter(|r| r.country.is_none() && r.organisation.is_none())
                {
                    role.country = Some(country.clone());
                }
            }
        }
    }

    fn sort_mentions(&mut self) {
        // Keep entity indices valid: entities point at nothing positional, so sorting is safe.
        self.mentions
            .sort_by_key(|w| (w.span.start, std::cmp::Reverse(w.span.end)));
        self.sorted = self.mentions.len();
    }

    /// "the President", "the Treasury Secretary", "the negotiator": a description resolved to
    /// the latest person holding a matching role.
    fn nominal_mentions(&mut self) {
        let mut found = Vec::new();
        for i in 0..self.tokens().len() {
            if self.lower(i) != "the" {
                continue;
            }
            let mut end = i + 1;
            while end < self.tokens().len() && end - i <= 4 && self.same_sentence(end, i) {
                let lower = self.lower(end);
                if self.lexicon().categories(&lower) & category::TITLE == 0
                    && !DEPARTMENTS.contains(&lower.as_str())
                    && !matches!(
                        lower.as_str(),
                        "top" | "chinese" | "american" | "us" | "u.s." | "senior" | "trade"
                    )
                {
                    break;
                }
                end += 1;
            }
            if end == i + 1 || self.mention_at_token(i + 1).is_some() {
                continue;
            }
            let Some(title) = self.title_in(i + 1..end, false) else {
                continue;
            };
            if title.end != end {
                continue;
            }
            // "the President Donald Trump" is a premodifier; "the president of France" names another.
            let next = self.word(end);
            if self.mention_at_token(end).is_some() || next == "of" {
                continue;
            }
            let head = self.lower(end - 1);
            found.push((i..end, head));
        }
        // Indexes instead of scans per description: the people holding each title head
        // (roles do not change below), and each entity's mention starts, kept sorted.
        let mut holders: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, e) in self.entities.iter().enumerate() {
            if e.entity_type != EntityType::Per {
                continue;
            }
            for r in &e.roles {
                let lower = r.title.to_lowercase();
                if let Some(last) = lower.split([' ', '-']).next_back() {
                    let owners = holders.entry(last.to_string()).or_default();
                    if owners.last() != Some(&i) {
                        owners.push(i);
                    }
                }
            }
        }
        let mut starts_of: HashMap<usize, Vec<usize>> = HashMap::new();
        for w in &self.mentions {
            if let Some(e) = w.entity {
                starts_of.entry(e).or_default().push(w.span.start);
            }
        }
        for starts in starts_of.values_mut() {
            starts.sort_unstable();
        }
        for (range, head) in found {
            let start_byte = self.span_of(range.clone()).map_or(0, |s| s.start);
            // (mentions before the description, start of the latest of them)
            let before = |e: usize| {
                let starts = starts_of.get(&e)?;
                let count = starts.partition_point(|&s| s < start_byte);
                let at = *starts.get(count.checked_sub(1)?)?;
                Some((count, at))
            };
            let candidate = holders
                .get(&head)
                .map(Vec::as_slice)
                .unwrap_or(&[])
                .iter()
                .filter_map(|&i| before(i).map(|found| (i, found)))
                // The most mentioned holder of the title so far, then the latest.
                .max_by_key(|&(_, found)| found)
                .map(|(i, _)| i);
            let Some(entity) = candidate else { continue };
            let Some(work) = self.work(
                range,
                EntityType::Per,
                MentionKind::Nominal,
                0.8,
                RESOLVE_STAGE,
            ) else {
                continue;
            };
            let start = work.span.start;
            self.mentions.push(work);
            let m = self.mentions.len() - 1;
            self.assign(m, entity, "title", 0.8);
            let starts = starts_of.entry(entity).or_default();
            starts.insert(starts.partition_point(|&s| s <= start), start);
        }
        self.sort_mentions();
    }

    /// he/she/they resolved to the nearest fitting entity mentioned before.
    fn pronoun_mentions(&mut self) {
        let mut added = Vec::new();
        let genders = self.entity_genders();
        // Name mentions so far per entity, advanced with the pronouns (plural salience).
        let mut named_so_far: HashMap<usize, usize> = HashMap::new();
        let mut counted = 0;
        for i in 0..self.tokens().len() {
            let lower = self.lower(i);
            if !is_pronoun(&lower) || self.mention_at_token(i).is_some() {
                continue;
            }
            let span = self.tokens()[i].span;
            let plural = PLURAL_PRONOUNS.contains(&lower.as_str());
            let female = FEMALE_PRONOUNS.contains(&lower.as_str());
            let sentence = self.tokens()[i].sentence;
            let mut best: Option<(usize, f32)> = None;
            // Plural pronouns weigh every fitting candidate of the window by how often the
            // document has named it so far: in "… ISS challenging Tesla … the President
            // said, “They want to meet”", they are the story's China, not the last company.
            let mut plural_candidates: Vec<(usize, f32, usize)> = Vec::new();
            // Mentions are sorted by start: those before the pronoun.
            let earlier = self
                .mentions
                .get(..self.mentions.partition_point(|w| w.span.start < span.start))
                .unwrap_or(&[]);
            for work in earlier.get(counted..).unwrap_or(&[]) {
                if let (Some(e), false) = (work.entity, work.kind == MentionKind::Pronoun) {
                    *named_so_far.entry(e).or_default() += 1;
                }
            }
            counted = earlier.len();
            // A bounded look back keeps a pronoun flood linear (the sentence window bounds
            // it on real text; a text without sentence breaks needs this).
            for work in earlier
                .iter()
                .rev()
                .take(MAX_PRONOUN_LOOKBACK)
                .filter(|w| w.span.end <= span.start)
            {
                let Some(entity) = work
                    .entity
                    .and_then(|e| self.entities.get(e).map(|x| (e, x)))
                else {
                    continue;
                };
                let token_sentence = self
                    .tokens()
                    .get(work.tokens.start)
                    .map_or(0, |t| t.sentence);
                // Singular pronouns look three sentences back; plural ones, weighed by
                // salience, look further.
                if sentence.saturating_sub(token_sentence) > if plural { 8 } else { 3 } {
                    break;
                }
                let fits = if plural {
                    // A nationality used as an adjective ("Leninist business model",
                    // "Chinese goods") names no group that could be "they".
                    let modifier = entity.1.entity_type == EntityType::Norp
                        && self
                            .tokens()
                            .get(work.tokens.end)
                            .is_some_and(|t| matches!(t.upos.as_deref(), Some("NOUN" | "PROPN")));
                    !modifier
                        && matches!(
                            entity.1.entity_type,
                            EntityType::Gpe | EntityType::Org | EntityType::Norp
                        )
                } else if entity.1.entity_type != EntityType::Per {
                    false
                } else {
                    // A person of unknown gender fits either pronoun.
                    match genders.get(entity.0).copied().unwrap_or(Gender::Unknown) {
                        Gender::Female => female,
                        Gender::Male => !female,
                        Gender::Unknown => true,
                    }
                };
                if fits {
                    let confidence = if token_sentence == sentence { 0.7 } else { 0.6 };
                    if !plural {
                        best = Some((entity.0, confidence));
                        break;
                    }
                    if !plural_candidates.iter().any(|c| c.0 == entity.0) {
                        let named = named_so_far.get(&entity.0).copied().unwrap_or(0);
                        plural_candidates.push((entity.0, confidence, named));
                    }
                }
            }
            // "Bessent and He Lifeng prepare for their meeting": a plural pronoun after
            // people joined by "and" in its own sentence refers to them together, which
            // no single entity stands for.
            let joined_people = plural && {
                let in_sentence = |w: &&Work| {
                    self.tokens().get(w.tokens.start).map(|t| t.sentence) == Some(sentence)
                };
                let mut people: Vec<&Work> = earlier
                    .iter()
                    .rev()
                    .take_while(in_sentence)
                    .filter(|w| w.entity_type == EntityType::Per && w.kind != MentionKind::Pronoun)
                    .collect();
                people.reverse();
                people.windows(2).any(|pair| {
                    (pair[0].tokens.end..pair[1].tokens.start).any(|k| self.lower(k) == "and")
                })
            };
            if joined_people {
                plural_candidates.clear();
            }
            if plural {
                // Most named first; among equals the nearest (candidates are in order of
                // distance, and `max_by_key` keeps the last maximum, hence the reversal).
                best = plural_candidates
                    .iter()
                    .rev()
                    .max_by_key(|c| c.2)
                    .map(|c| (c.0, c.1));
            }
            if let Some((entity, confidence)) = best {
                let entity_type = self.entities[entity].entity_type;
                added.push((i, entity, entity_type, confidence));
            }
        }
        for (i, entity, entity_type, confidence) in added {
            let Some(work) = self.work(
                i..i + 1,
                entity_type,
                MentionKind::Pronoun,
                0.9,
                RESOLVE_STAGE,
            ) else {
                continue;
            };
            self.mentions.push(work);
            let m = self.mentions.len() - 1;
            self.assign(m, entity, "pronoun", confidence);
        }
        self.sort_mentions();
    }

    /// Honorific next to any name mention of each person ("Ms. Dalglish", "Mr Smith").
    fn honorifics(&self) -> Vec<Option<Gender>> {
        let mut found = vec![None; self.entities.len()];
        for work in self.mentions.iter().filter(|w| w.kind == MentionKind::Name) {
            let Some(slot) = work.entity.and_then(|e| found.get_mut(e)) else {
                continue;
            };
            let before = work.tokens.start.checked_sub(1).map(|b| self.word(b));
            let first = work.words.first().cloned();
            if let Some(gender) = [before, first]
                .iter()
                .flatten()
                .find_map(|w| gender::honorific_gender(w))
            {
                *slot = Some(gender);
            }
        }
        found
    }

    /// Each person's gender from honorifics and first names (what pronoun resolution may
    /// rely on; pronouns themselves only count in [`Self::gender_calls`]).
    fn entity_genders(&self) -> Vec<Gender> {
        let honorifics = self.honorifics();
        self.entities
            .iter()
            .enumerate()
            .map(|(i, e)| {
                if e.entity_type != EntityType::Per {
                    return Gender::Unknown;
                }
                let clues = gender::GenderClues {
                    honorific: honorifics.get(i).copied().flatten(),
                    ..Default::default()
                };
                gender::decide(
                    &e.canonical,
                    clues,
                    gender::GivenNames::builtin(),
                    self.resolver.config.gender_threshold,
                )
                .map_or(Gender::Unknown, |c| c.gender)
            })
            .collect()
    }

    /// The gender written on each person entity, with its evidence.
    fn gender_calls(&self, mentions_of: &[Vec<&Work>]) -> Vec<Option<GenderCall>> {
        let honorifics = self.honorifics();
        self.entities
            .iter()
            .enumerate()
            .map(|(i, e)| {
                if e.entity_type != EntityType::Per {
                    return None;
                }
                let mut clues = gender::GenderClues {
                    honorific: honorifics.get(i).copied().flatten(),
                    ..Default::default()
                };
                for work in mentions_of.get(i).map(Vec::as_slice).unwrap_or(&[]) {
                    if work.kind != MentionKind::Pronoun {
                        continue;
                    }
                    match work.words.first().and_then(|w| gender::pronoun_gender(w)) {
                        Some(Gender::Male) => clues.male_pronouns += 1,
                        Some(Gender::Female) => clues.female_pronouns += 1,
                        _ => {}
                    }
                }
                gender::decide(
                    &e.canonical,
                    clues,
                    gender::GivenNames::builtin(),
                    self.resolver.config.gender_threshold,
                )
            })
            .collect()
    }

    /// Numbers entities in order of first mention (E1, E2, ...) and writes the layers.
    fn finish(self) -> (Vec<Mention>, Vec<Entity>, Vec<Relation>) {
        let mut order: Vec<usize> = Vec::new();
        let mut seen = vec![false; self.entities.len()];
        // Each entity's mentions, gathered in one pass (not one scan per entity).
        let mut mentions_of: Vec<Vec<&Work>> = vec![Vec::new(); self.entities.len()];
        for work in &self.mentions {
            if let Some(e) = work.entity {
                if let Some(flag) = seen.get_mut(e).filter(|f| !**f) {
                    *flag = true;
                    order.push(e);
                }
                if let Some(list) = mentions_of.get_mut(e) {
                    list.push(work);
                }
            }
        }
        let genders = self.gender_calls(&mentions_of);
        let ids: HashMap<usize, String> = order
            .iter()
            .enumerate()
            .map(|(n, &e)| (e, format!("E{}", n + 1)))
            .collect();
        let mut entities = Vec::new();
        for &e in &order {
            let Some(work) = self.entities.get(e) else {
                continue;
            };
            let mut aliases: Vec<String> = Vec::new();
            let mut confidence = 0.0f32;
            for m in mentions_of.get(e).map(Vec::as_slice).unwrap_or(&[]) {
                confidence = confidence.max(m.confidence.min(1.0));
                if m.kind == MentionKind::Pronoun {
                    continue;
                }
                let text = if m.kind == MentionKind::Name {
                    m.words.join(" ")
                } else {
                    normalise(self.doc.slice(m.span))
                };
                if text != work.canonical && !aliases.contains(&text) {
                    aliases.push(text);
                }
            }
            entities.push(Entity {
                id: ids.get(&e).cloned().unwrap_or_default(),
                canonical: work.canonical.clone(),
                entity_type: work.entity_type,
                aliases,
                roles: work.roles.clone(),
                key: entity_key(work.entity_type, &work.canonical),
                gender: genders.get(e).cloned().flatten(),
                stage: RESOLVE_STAGE.to_string(),
                confidence,
            });
        }
        // Dates and amounts pass through unresolved: they are no actors.
        let passthrough: Vec<Mention> = self
            .doc
            .mentions
            .iter()
            .filter(|m| is_timeless(m.entity_type))
            .cloned()
            .collect();
        let mut mentions: Vec<Mention> = self
            .mentions
            .iter()
            .map(|w| Mention {
                span: w.span,
                entity_type: w.entity.and_then(|e| self.entities.get(e)).map_or(
                    w.entity_type,
                    |e| {
                        if w.kind == MentionKind::Name && w.entity_type == EntityType::Norp {
                            EntityType::Norp
                        } else {
                            e.entity_type
                        }
                    },
                ),
                kind: w.kind,
                entity: w.entity.and_then(|e| ids.get(&e).cloned()),
                resolution: w.entity.map(|_| w.resolution.to_string()),
                resolution_confidence: w.entity.map(|_| w.resolution_confidence),
                stage: w.stage.clone(),
                confidence: w.confidence,
            })
            .collect();
        mentions.extend(passthrough);
        mentions.sort_by_key(|m| (m.span.start, m.span.end));
        let relations = self
            .relations
            .iter()
            .filter_map(|r| {
                Some(Relation {
                    class: r.class,
                    kind: r.kind.to_string(),
                    source: ActorRef::Entity {
                        id: ids.get(&r.source)?.clone(),
                    },
                    target: Target::Actor {
                        id: ids.get(&r.target)?.clone(),
                    },
                    sign: Sign::Neutral,
                    attributes: r.attributes.clone(),
                    evidence: r.evidence,
                    trigger: None,
                    stage: RESOLVE_STAGE.to_string(),
                    confidence: 0.75,
                })
            })
            .collect();
        (mentions, entities, relations)
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

#[cfg(test)]
mod tests {
    use super::*;
    use stancegraph_core::{Metadata, Sentence, SentenceKind};

    /// A one-sentence-per-line document tokenized on spaces, with name mentions given as
    /// (text, type) in order of appearance.
    fn document(text: &str, names: &[(&str, EntityType)]) -> Document {
        let mut doc = Document::new(None, text, Metadata::default());
        let mut offset = 0;
        for (s, line) in text.split_inclusive('\n').enumerate() {
            doc.sentences.push(Sentence {
                span: Span::new(offset, offset + line.trim_end().len()),
                kind: SentenceKind::Body,
                stage: "test".into(),
                confidence: 1.0,
            });
            let mut at = offset;
            for word in line.split(' ') {
                let word = word.trim_end();
                if !word.is_empty() {
                    doc.tokens.push(Token {
                        span: Span::new(at, at + word.len()),
                        sentence: s as u32,
                        ..Token::default()
                    });
                }
                at += word.len() + 1;
            }
            offset += line.len();
        }
        let mut from = 0;
        for (name, entity_type) in names {
            let start = from + text[from..].find(name).expect("name in text");
            from = start + name.len();
            doc.mentions.push(Mention {
                span: Span::new(start, start + name.len()),
                entity_type: *entity_type,
                kind: MentionKind::Name,
                entity: None,
                resolution: None,
                resolution_confidence: None,
                stage: "test".into(),
                confidence: 0.9,
            });
        }
        doc
    }

    fn entity<'a>(doc: &'a Document, canonical: &str) -> &'a Entity {
        doc.entities
            .iter()
            .find(|e| e.canonical == canonical)
            .unwrap_or_else(|| panic!("{canonical}: {:?}", doc.entities))
    }

    #[test]
    fn roles_aliases_titles_and_pronouns() {
        let text = "US Treasury Secretary Scott Bessent met Chinese Vice-Premier He Lifeng .\n\
                    Bessent said he was hopeful , and the Treasury Secretary left .\n\
                    Wendy Cutler , vice-president of the Asia Society Policy Institute , said she doubted it .\n";
        let mut doc = document(
            text,
            &[
                ("US", EntityType::Gpe),
                ("Scott Bessent", EntityType::Per),
                ("Chinese", EntityType::Norp),
                ("He Lifeng", EntityType::Per),
                ("Bessent", EntityType::Org),
                ("Wendy Cutler", EntityType::Per),
                ("Asia Society Policy Institute", EntityType::Org),
            ],
        );
        resolve_entities(&mut doc);
        let bessent = entity(&doc, "Scott Bessent");
        assert_eq!(bessent.key, "per:scott bessent");
        assert_eq!(bessent.roles[0].title, "Treasury Secretary");
        assert_eq!(
            bessent.roles[0].organisation.as_deref(),
            Some("US Treasury")
        );
        assert_eq!(bessent.roles[0].country.as_deref(), Some("United States"));
        let he = entity(&doc, "He Lifeng");
        assert_eq!(he.roles[0].title, "Vice-Premier");
        assert_eq!(he.roles[0].country.as_deref(), Some("China"));
        let by_text = |t: &str| {
            doc.mentions
                .iter()
                .find(|m| doc.slice(m.span) == t)
                .unwrap_or_else(|| panic!("{t}"))
        };
        // The surname joins the person even though the tagger called it an organisation.
        assert_eq!(by_text("Bessent").entity.as_ref(), Some(&bessent.id));
        assert_eq!(by_text("he").entity.as_ref(), Some(&bessent.id));
        assert_eq!(by_text("he").resolution.as_deref(), Some("pronoun"));
        assert_eq!(
            by_text("the Treasury Secretary").entity.as_ref(),
            Some(&bessent.id)
        );
        let cutler = entity(&doc, "Wendy Cutler");
        assert_eq!(
            cutler.roles[0].organisation.as_deref(),
            Some("Asia Society Policy Institute")
        );
        assert_eq!(by_text("she").entity.as_ref(), Some(&cutler.id));
        assert_eq!(entity(&doc, "United States").key, "gpe:united states");
        doc.validate().expect("valid layers");
    }

    #[test]
    fn reports_to_metonymy_and_governments() {
        let text =
            "Li Chenggang , the top trade negotiator under Vice-Premier He Lifeng , resigned .\n\
                    Beijing said the Trump administration and US officials erred in Beijing .\n\
                    Donald Trump disagreed .\n";
        let mut doc = document(
            text,
            &[
                ("Li Chenggang", EntityType::Per),
                ("He Lifeng", EntityType::Per),
                ("Beijing", EntityType::Gpe),
                ("Trump", EntityType::Per),
                ("US", EntityType::Gpe),
                ("Beijing", EntityType::Gpe),
                ("Donald Trump", EntityType::Per),
            ],
        );
        resolve_entities(&mut doc);
        let li = entity(&doc, "Li Chenggang");
        let he = entity(&doc, "He Lifeng");
        assert_eq!(li.roles[0].title, "top trade negotiator");
        let link = doc
            .relations
            .iter()
            .find(|r| r.kind == "reports_to")
            .expect("reports_to");
        assert_eq!(link.class, RelationClass::Hierarchy);
        assert_eq!(link.source, ActorRef::Entity { id: li.id.clone() });
        assert_eq!(link.target, Target::Actor { id: he.id.clone() });
        // "Beijing said" is China; "in Beijing" is the city.
        let beijing: Vec<&Mention> = doc
            .mentions
            .iter()
            .filter(|m| doc.slice(m.span) == "Beijing")
            .collect();
        assert_eq!(beijing[0].resolution.as_deref(), Some("metonymy"));
        assert_eq!(beijing[0].entity.as_ref(), Some(&entity(&doc, "China").id));
        assert_ne!(beijing[1].entity, beijing[0].entity);
        let government = entity(&doc, "United States government");
        assert_eq!(government.key, "org:united states government");
        for phrase in ["the Trump administration", "US officials"] {
            let mention = doc
                .mentions
                .iter()
                .find(|m| doc.slice(m.span) == phrase)
                .expect(phrase);
            assert_eq!(mention.entity.as_ref(), Some(&government.id), "{phrase}");
        }
        // The early surname and the later full name are one person, named in full.
        let trump = entity(&doc, "Donald Trump");
        assert!(doc.relations.iter().any(|r| r.kind == "head_of"
            && r.source
                == ActorRef::Entity {
                    id: trump.id.clone()
                }));
        assert_eq!(
            doc.entities
                .iter()
                .filter(|e| e.key.contains("trump") && e.entity_type == EntityType::Per)
                .count(),
            1
        );
    }
}
