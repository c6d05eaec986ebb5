//! Name mentions and their clusters: the tagger's mentions cleaned (possessives, titles;
//! hyphenated names and "US-China" in `hyphens`), then grouped by gazetteer canonical names, capitals acting
//! as their governments (metonymy), full names, surnames and given names, and acronyms.

use std::collections::HashMap;

use stancegraph_core::{Document, EntityType, MentionKind, SentenceKind, Span};

use super::tagged_names::TaggedNames;
use super::{is_possessive, is_timeless, State};
use crate::lexicon::{category, phrase_tokens};
use crate::person_names::{person_name_key, same_person_name};

/// Whether the mention at `span` is a congressional party and state tag, or its party or
/// state part: "D-Calif." (or "D", or "Calif.") after a comma or an opening bracket
/// ("Pelosi, D-Calif.,", "(R-S.C.)").
fn is_party_tag(text: &str, span: Span) -> bool {
    let (Some(before), Some(name), Some(after)) = (
        text.get(..span.start),
        text.get(span.start..span.end),
        text.get(span.end..),
    ) else {
        return false;
    };
    // The whole tag around the mention: back over "D-" before a state, on over "-Calif."
    // after a party letter.
    let (before, tag) = match before.strip_suffix('-') {
        Some(rest) if rest.ends_with(['D', 'R', 'I']) => {
            (&rest[..rest.len() - 1], &text[rest.len() - 1..span.end])
        }
        _ if is_party_letter(name) && after.starts_with('-') => {
            let state = after[1..]
                .find(|c: char| !(c.is_ascii_alphabetic() || c == '.'))
                .map_or(after.len(), |i| i + 1);
            (before, &text[span.start..span.end + state])
        }
        _ => (before, name),
    };
    // After a comma or bracket: "AD-Calif" or "Pelosi D-Calif" is no tag.
    is_party_state_tag(tag) && before.trim_end().ends_with([',', '('])
}

/// Whether `tag` is a congressional party and state tag: "R-Ill.", "D-N.Y.", "I-Vt"
/// (brackets around it are allowed: "(D-N.Y.)").
pub fn is_party_state_tag(tag: &str) -> bool {
    let tag = tag.trim_start_matches('(').trim_end_matches(')');
    let Some((party, state)) = tag.split_once('-') else {
        return false;
    };
    is_party_letter(party)
        && (2..=MAX_STATE_BYTES).contains(&state.len())
        && state.starts_with(|c: char| c.is_ascii_uppercase())
        && state.chars().all(|c| c.is_ascii_alphabetic() || c == '.')
}

/// Longest state in a party tag ("Massachusetts.").
const MAX_STATE_BYTES: usize = 14;

fn is_party_letter(word: &str) -> bool {
    matches!(word, "D" | "R" | "I")
}

/// Abbreviated titles news writes before names ("Rep. Nancy Pelosi", "Gen. Mark Milley").
const TITLE_ABBREVIATIONS: &[&str] = &[
    "rep.", "sen.", "gov.", "lt.", "gen.", "col.", "sgt.", "capt.", "cmdr.", "adm.", "maj.",
    "rev.", "atty.", "supt.", "prof.", "amb.",
];

/// "Mr", "Mrs.", "Dr": said before a name, never alone.
pub(super) fn is_honorific(lower: &str) -> bool {
    matches!(
        lower,
        "mr" | "mr." | "mrs" | "mrs." | "ms" | "ms." | "dr" | "dr."
    )
}

/// Closed-class words a tagger now and then reads as a whole name at the start of a sentence
/// or a title ("The | Steelers", "A: I think", "All political parties", "Many | Republicans",
/// "I, Robot"). "us" is left out: "US" is the country. A word list, not the part-of-speech
/// test `name_extent` makes of what is left of a cut name: the tagger's whole name is
/// judged with or without `text.pos`, and "Many", "Most", "One" are tagged ADJ or NUM.
const FUNCTION_WORDS: &[&str] = &[
    "the", "a", "an", "this", "that", "these", "those", "some", "all", "every", "each", "no",
    "any", "both", "one", "many", "most", "few", "several", "other", "others", "such", "in", "of",
    "and", "or", "but", "for", "to", "at", "on", "by", "with", "as", "from", "it", "its", "his",
    "her", "their", "our", "my", "your", "we", "they", "he", "she", "i", "you", "me", "him",
    "them",
];

/// Abbreviated months and name suffixes, which a tagger now and then reads as a whole name
/// ("Jan." ORG of "Jan. 3", "Jr." cut from its name).
const ABBREVIATIONS_OF_NO_NAME: &[&str] = &[
    "jan.", "feb.", "mar.", "apr.", "aug.", "sep.", "sept.", "oct.", "nov.", "dec.", "jr.", "sr.",
];

/// The weight of the tagger's confidence (and so of its type) for a name cut shorter than
/// the tagger's span.
const CUT_NAME_TYPE_WEIGHT: f32 = 0.5;

impl<'r, 'd> State<'r, 'd> {
    /// Whether `lower` is a title, an honorific or a demonym before a person's name
    /// ("President", "Mr.", "Chinese").
    fn is_title_word(&self, lower: &str) -> bool {
        self.is_personal_title(lower) || self.lexicon().categories(lower) & category::DEMONYM != 0
    }

    /// Whether `lower` is a title or an honorific only a person holds ("Prince", "Mr.",
    /// "Sen."); a demonym ("Chinese") also goes before organisations.
    pub(super) fn is_personal_title(&self, lower: &str) -> bool {
        self.lexicon().categories(lower) & category::TITLE != 0
            || is_honorific(lower)
            || TITLE_ABBREVIATIONS.contains(&lower)
    }

    /// Whether the last word of `range` is a capitalised head word of organisations'
    /// names (`lexicons/org_words.txt`) that is no surname or given name, after no given
    /// name ("Alice Union" stays a person).
    fn ends_in_organisation_word(&self, range: &std::ops::Range<usize>) -> bool {
        let Some(last) = range.end.checked_sub(1) else {
            return false;
        };
        let categories = self.lexicon().categories(self.lower(last));
        let given_first = range.len() > 1
            && self.lexicon().categories(self.lower(range.start)) & category::GIVEN_NAME != 0;
        super::capitalised(self.word(last))
            && categories & category::ORG_WORD != 0
            && categories & (category::SURNAME | category::GIVEN_NAME) == 0
            && !given_first
    }

    /// Whether the tokens of `range` name a holiday or named day ("Christmas Day", "New
    /// Year's Eve", "Labor Day").
    fn is_holiday(&self, range: std::ops::Range<usize>) -> bool {
        let phrase = range
            .map(|i| self.lower(i).replace('’', "'"))
            .collect::<Vec<_>>()
            .join(" ");
        self.lexicon().is_holiday(&phrase)
    }

    /// Whether token `token` opens a title: with the next word it makes one ("Vice
    /// President", "Vice Premier"), or it is one and a name follows ("Senator | John McCain",
    /// "Mayor | Bill de Blasio"). Either way it is no name by itself.
    fn opens_title(&self, token: usize) -> bool {
        let next = token + 1;
        if !self.same_sentence(token, next) {
            return false;
        }
        let lexicon = self.lexicon();
        let two_words = format!("{} {}", self.lower(token), self.lower(next));
        lexicon.categories(&two_words) & category::TITLE != 0
            || (lexicon.categories(self.lower(token)) & category::TITLE != 0
                && super::capitalised(self.word(next)))
    }

    /// Whether token `token` lies in a dateline sentence.
    fn in_dateline(&self, token: usize) -> bool {
        let doc: &Document = self.doc;
        doc.tokens
            .get(token)
            .and_then(|t| doc.sentences.get(t.sentence as usize))
            .is_some_and(|s| s.kind == SentenceKind::Dateline)
    }

    /// Name mentions from the tagger, cleaned: possessives and leading titles stripped, lone
    /// pronouns dropped, "US-China" split into two countries.
    pub(super) fn collect_name_mentions(&mut self) {
        let doc: &'d Document = self.doc;
        let mut works = Vec::with_capacity(doc.mentions.len());
        let title_case = self.title_case_sentences();
        let tagged_names = TaggedNames::new(doc);
        let mut hint = 0;
        // Where the last name read on past its tagged span ends ("Clinton | Foundation"):
        // the tagger's mentions inside it are part of it.
        let mut covered_until = 0;
        for mention in doc
            .mentions
            .iter()
            .filter(|m| m.kind == MentionKind::Name && !is_timeless(m.entity_type))
        {
            // "Pelosi, D-Calif.,": the party and state tag after a name is no one.
            if is_party_tag(doc.text(), mention.span) {
                continue;
            }
            let range = self.table.range(mention.span, &mut hint);
            if range.start < covered_until {
                continue;
            }
            // "The Aviator, starring Leonardo", "Trump-era": only what names.
            let in_title_case = doc
                .tokens
                .get(range.start)
                .and_then(|t| title_case.get(t.sentence as usize))
                .copied()
                .unwrap_or(false);
            let tagged = range.clone();
            let Some(range) = self.name_extent(range, mention.entity_type, in_title_case) else {
                continue;
            };
            // The tagger typed the longer span ("New York businessman": ORG); a cut name's
            // type counts for less when the document's mentions of the name are made to agree.
            let confidence = if range == tagged {
                mention.confidence
            } else {
                mention.confidence * CUT_NAME_TYPE_WEIGHT
            };
            // "WASHINGTON (AP) —": where the story was filed and by whom, not an actor.
            if self.in_dateline(range.start) {
                continue;
            }
            // "The Canadian Press Prime Minister Justin Trudeau" (MISC): the person after the
            // title, when the document tags that name as a person elsewhere.
            let person = (mention.entity_type != EntityType::Per)
                .then(|| self.person_after_title(&range, &tagged_names))
                .flatten();
            let (range, tagged_type) = match person {
                Some(person) => (person, EntityType::Per),
                None => (range, mention.entity_type),
            };
            // "the Queen and Prince Philip": two names the tagger ran together.
            let split = self.split_names(&range, tagged_type, &tagged_names);
            let was_split = split.is_some();
            let (first, second) = match split {
                Some([first, second]) => (first, Some(second)),
                None => ((range, tagged_type), None),
            };
            for (range, mut entity_type) in std::iter::once(first).chain(second) {
                // A part keeps only what names ("' Thousands of Shootings").
                let Some(mut range) = (if was_split {
                    self.name_extent(range, entity_type, in_title_case)
                } else {
                    Some(range)
                }) else {
                    continue;
                };
                let confidence = if was_split && entity_type == tagged_type {
                    mention.confidence * CUT_NAME_TYPE_WEIGHT
                } else {
                    confidence
                };
                while range.len() > 1 && is_possessive(self.word(range.end - 1)) {
                    range.end -= 1;
                }
                if entity_type == EntityType::Org {
                    if let Some((name, name_type)) = self.name_before_executive_noun(&range) {
                        range = name;
                        entity_type = name_type;
                    }
                }
                // "Mr Mittal" typed ORG, "Mr. Obama" typed LOC: an honorific only goes
                // before a person's name.
                if range.len() > 1 && is_honorific(self.lower(range.start)) {
                    entity_type = EntityType::Per;
                }
                // "Christmas Day" tagged PER, "Labor Day" MISC: a named day is a date.
                if self.is_holiday(range.clone()) {
                    entity_type = EntityType::Date;
                }
                // "General Motors" tagged PER: a name ending in an organisation's head
                // word that is nobody's surname ("Motors", "Committee", not "Church").
                if entity_type == EntityType::Per && self.ends_in_organisation_word(&range) {
                    entity_type = EntityType::Org;
                }
                if entity_type == EntityType::Per {
                    // "President Donald Trump" tagged whole: the title is a role, not the name.
                    while range.len() > 1 && self.is_title_word(self.lower(range.start)) {
                        range.start += 1;
                    }
                    if range.len() == 1 && self.is_pronoun(self.lower(range.start)) {
                        continue;
                    }
                    // "James M. Hill | High School": the school, not the person.
                    if !in_title_case {
                        if let Some((named, named_type)) =
                            self.named_after_person(&range, &tagged_names)
                        {
                            covered_until = named.end;
                            range = named;
                            entity_type = named_type;
                        }
                    }
                }
                // A title the tagger cut from its name ("Rep." | "Nancy Pelosi"), of whatever
                // type, names no one by itself.
                // An honorific alone ("Mr") names no one either.
                if range.len() == 1 {
                    let lower = self.lower(range.start);
                    if (lower.ends_with('.') && self.is_title_word(lower)) || is_honorific(lower) {
                        continue;
                    }
                    // "The" (of "The Steelers"), "All", "According" (to): no name is a lone
                    // closed-class word; nor is a title before a name ("Vice" of "Vice
                    // President Biden", "Senator" cut from "John McCain").
                    if FUNCTION_WORDS.contains(&lower)
                        || ABBREVIATIONS_OF_NO_NAME.contains(&lower)
                        || lower == "according"
                        || self.opens_title(range.start)
                    {
                        continue;
                    }
                }
                // Places joined by hyphens ("US-China") stay apart; only names of people and
                // organisations are glued.
                let range = if matches!(entity_type, EntityType::Per | EntityType::Org) {
                    self.join_hyphens(range)
                } else {
                    range
                };
                if let Some(mut work) = self.work(
                    range.clone(),
                    entity_type,
                    MentionKind::Name,
                    confidence,
                    &mention.stage,
                ) {
                    work.words = self.hyphenated_words(range);
                    works.push(work);
                }
            }
        }
        self.split_country_pairs(&mut works);
        works.sort_by_key(|w| (w.span.start, std::cmp::Reverse(w.span.end)));
        works.dedup_by(|b, a| a.span.overlaps(b.span) && a.tokens.len() > 1);
        super::type_consistency::unify_name_types(&mut works);
        self.sorted = works.len();
        self.mentions = works;
    }

    /// Does the GPE mention act (subject, possessor, or followed by a verb)?
    pub(super) fn acts(&self, range: std::ops::Range<usize>) -> bool {
        let last = range.end.saturating_sub(1);
        let tokens = self.tokens();
        let deprel = tokens
            .get(last)
            .and_then(|t| t.deprel.as_deref())
            .unwrap_or("");
        if deprel.starts_with("nsubj") || deprel == "nmod:poss" {
            return true;
        }
        let next = self.word(range.end);
        if is_possessive(next) {
            return true;
        }
        match tokens.get(range.end).and_then(|t| t.xpos.as_deref()) {
            Some(tag) => (tag.starts_with("VB") && tag != "VBG" && tag != "VBN") || tag == "MD",
            // Untagged tokens: a few verbs that make a capital an actor.
            None => self.lexicon().is_acting_verb(&next.to_lowercase()),
        }
    }

    /// Groups name mentions: gazetteer canonical names for places and organisations, full
    /// names then surnames / given names for people, acronyms for organisations.
    pub(super) fn cluster_names(&mut self) {
        let count = self.mentions.len();
        // Pass 1: everything except single-word person-like names.
        let mut people_by_name: HashMap<(String, String), usize> = HashMap::new();
        let mut deferred = Vec::new();
        let mut deferred_orgs = Vec::new();
        for m in 0..count {
            let work = &self.mentions[m];
            let (entity_type, tokens, one_word) =
                (work.entity_type, work.tokens.clone(), work.words.len() == 1);
            let phrase = work.words.join(" ");
            let lower = phrase_tokens(&phrase).join(" ");
            match entity_type {
                EntityType::Gpe | EntityType::Loc => {
                    let capital = self.lexicon().capital_country(&lower);
                    if let (Some(country), true) =
                        (capital, self.resolver.config.metonymy && self.acts(tokens))
                    {
                        let entity = self.fixed_entity(EntityType::Gpe, country, m);
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
                        let entity = self.fixed_entity(EntityType::Gpe, &canonical, m);
                        self.mentions[m].entity_type = EntityType::Gpe;
                        let how = if canonical.eq_ignore_ascii_case(&phrase) {
                            "name"
                        } else {
                            "alias"
                        };
                        self.assign(m, entity, how, 0.95);
                        continue;
                    }
                    if one_word && self.person_word_match(&lower, None).is_some() {
                        deferred.push(m);
                        continue;
                    }
                    self.by_exact_name(m, entity_type, &phrase);
                }
                EntityType::Org => {
                    if let Some(entry) = self.lexicon().lookup(&phrase, category::ORGANISATION) {
                        let canonical = entry.canonical.clone();
                        let entity = self.fixed_entity(EntityType::Org, &canonical, m);
                        let how = if canonical.eq_ignore_ascii_case(&phrase) {
                            "name"
                        } else {
                            "alias"
                        };
                        self.assign(m, entity, how, 0.95);
                        continue;
                    }
                    if one_word {
                        deferred.push(m);
                        continue;
                    }
                    self.by_exact_name(m, EntityType::Org, &phrase);
                }
                EntityType::Per => {
                    if one_word {
                        deferred.push(m);
                    } else {
                        self.by_person_name(m, &phrase, &mut people_by_name);
                    }
                }
                EntityType::Norp => {
                    let canonical = self
                        .lexicon()
                        .lookup(&phrase, category::DEMONYM)
                        .map_or(phrase.clone(), |e| e.canonical.clone());
                    let entity = self.fixed_entity(EntityType::Norp, &canonical, m);
                    self.assign(m, entity, "name", 0.9);
                }
                _ => {
                    if one_word && self.person_word_match(&lower, None).is_some() {
                        deferred.push(m);
                    } else {
                        self.by_exact_name(m, entity_type, &phrase);
                    }
                }
            }
        }
        for m in deferred_orgs {
            let phrase = self.mentions[m].words.join(" ");
            if let Some(entry) = self.lexicon().lookup(&phrase, category::ORGANISATION) {
                let canonical = entry.canonical.clone();
                let entity = self.fixed_entity(EntityType::Org, &canonical, m);
                self.assign(m, entity, "name", 0.9);
            }
        }
        // Pass 2: one-word names join a person whose name contains them ("Bessent", "Xi"),
        // an organisation they abbreviate, or become entities of their own.
        let mut full_names: HashMap<usize, Vec<usize>> = HashMap::new();
        for (m, work) in self.mentions.iter().enumerate() {
            if let (Some(entity), true) = (work.entity, work.words.len() > 1) {
                full_names.entry(entity).or_default().push(m);
            }
        }
        let organisations_by_last_word = self.organisations_by_last_word();
        for m in deferred {
            let work = &self.mentions[m];
            let entity_type = work.entity_type;
            let word = work.words.join(" ");
            let lower = word.to_lowercase();
            if let Some(entity) = self.person_named_before(&lower, m, &full_names) {
                self.mentions[m].entity_type = EntityType::Per;
                self.assign(m, entity, "alias", 0.9);
                continue;
            }
            if entity_type == EntityType::Org {
                let named =
                    self.organisation_head_named_before(&word, m, &organisations_by_last_word);
                if let Some(entity) = named {
                    self.assign(m, entity, "alias", 0.8);
                    continue;
                }
            }
            if entity_type == EntityType::Org
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
            self.by_exact_name(m, entity_type, &word);
        }
    }

    /// A person's full name (mention `m`, its text `phrase`): the person the document already
    /// calls by that name, or by the same first and last name with middle names, initials
    /// or a suffix left out or a familiar first name ("Joe Biden" ~ "Joseph R. Biden", "Pat
    /// Carlineo" ~ "Patrick W. Carlineo Jr."), unless both give middle initials and they
    /// differ ("George W. Bush", "George H. W. Bush"); else a new person.
    /// `people_by_name` holds the people named so far by their [`person_name_key`].
    fn by_person_name(
        &mut self,
        m: usize,
        phrase: &str,
        people_by_name: &mut HashMap<(String, String), usize>,
    ) {
        let exact = self
            .names
            .contains_key(&(EntityType::Per, phrase.to_lowercase()));
        let key = person_name_key(phrase);
        let same_person = key
            .as_ref()
            .filter(|_| !exact)
            .and_then(|key| people_by_name.get(key).copied())
            .filter(|&person| {
                self.entities
                    .get(person)
                    .is_some_and(|e| same_person_name(&e.canonical, phrase))
            });
        match same_person {
            Some(person) => self.assign(m, person, "alias", 0.9),
            None => self.by_exact_name(m, EntityType::Per, phrase),
        }
        if let (Some(key), Some(person)) = (key, self.mentions[m].entity) {
            people_by_name.entry(key).or_insert(person);
        }
    }

    /// The entity of a fixed (gazetteer) canonical name, created with mention `m` as its
    /// first when the document has none yet.
    fn fixed_entity(&mut self, entity_type: EntityType, canonical: &str, m: usize) -> usize {
        self.find_fixed(entity_type, canonical)
            .unwrap_or_else(|| self.new_entity(entity_type, canonical.to_string(), true, m))
    }

    pub(super) fn by_exact_name(&mut self, m: usize, entity_type: EntityType, phrase: &str) {
        let lower = phrase.to_lowercase();
        let found = self.names.get(&(entity_type, lower)).copied();
        let entity =
            found.unwrap_or_else(|| self.new_entity(entity_type, phrase.to_string(), false, m));
        self.assign(m, entity, "name", if found.is_some() { 0.95 } else { 1.0 });
    }
}

#[cfg(test)]
mod tests {
    use stancegraph_core::EntityType::{Gpe, Loc, Misc, Norp, Org, Per};

    use stancegraph_core::{EntityType, SentenceKind};

    use crate::resolve::resolve_entities;
    use crate::resolve::test_support::{
        canonical_of, document, document_cut_at_hyphens, entity, mention, mentions, resolved,
    };

    #[test]
    fn possessive_ending_is_not_part_of_the_name() {
        let doc = resolved(
            "Trump 's tariffs hurt .\nTrump spoke .\n",
            &[("Trump 's", Per), ("Trump", Per)],
        );
        assert_eq!(mentions(&doc, "Trump").len(), 2, "{:?}", doc.mentions);
        assert_eq!(doc.entities.len(), 1);
        assert_eq!(doc.entities[0].canonical, "Trump");
    }

    #[test]
    fn leading_title_and_honorific_are_no_part_of_a_person_name() {
        let doc = resolved(
            "President Donald Trump spoke .\nMr Trump left .\n",
            &[("President Donald Trump", Per), ("Mr Trump", Per)],
        );
        let trump = entity(&doc, "Donald Trump");
        assert_eq!(mention(&doc, "Trump").entity.as_ref(), Some(&trump.id));
        assert_eq!(trump.roles[0].title, "President");
    }

    #[test]
    fn a_holiday_is_a_date_whatever_its_tag() {
        let doc = resolved(
            "On Christmas Day , he plans a party .\nLabor Day and New Year 's Eve passed .\n",
            &[
                ("Christmas Day", Per),
                ("Labor Day", Misc),
                ("New Year 's Eve", Org),
            ],
        );
        for name in ["Christmas Day", "Labor Day", "New Year 's Eve"] {
            assert_eq!(mention(&doc, name).entity_type, EntityType::Date, "{name}");
        }
    }

    #[test]
    fn lone_pronoun_tagged_as_a_name_is_dropped() {
        let doc = resolved("He said so .\n", &[("He", Per)]);
        assert!(doc.entities.is_empty(), "{:?}", doc.entities);
        assert!(doc.mentions.is_empty(), "{:?}", doc.mentions);
    }

    #[test]
    fn a_lone_closed_class_word_or_a_title_before_a_name_names_no_one() {
        let doc = resolved(
            "The Steelers won .\nAll parties agreed with Vice President Biden .\nAccording to Many , it rained .\nSenator John McCain and Mr. Justice spoke .\nOn Jan. 3 , Jr. left .\n",
            &[
                ("The", Org),
                ("Steelers", Org),
                ("All", Org),
                ("Vice", Per),
                ("Biden", Per),
                ("According", Per),
                ("Many", Org),
                ("Senator", Misc),
                ("John McCain", Per),
                ("Justice", Per),
                ("Jan.", Org),
                ("Jr.", Per),
            ],
        );
        let names: Vec<&str> = doc.entities.iter().map(|e| e.canonical.as_str()).collect();
        assert_eq!(
            names,
            ["Steelers", "Biden", "John McCain", "Justice"],
            "{:?}",
            doc.entities
        );
    }

    #[test]
    fn a_name_after_an_honorific_is_a_person_whatever_its_tag() {
        let doc = resolved(
            "Mr Mittal 's firm merged .\nMs. Cooper testified .\n",
            &[("Mr Mittal", Org), ("Ms. Cooper", Misc)],
        );
        assert_eq!(
            entity(&doc, "Mittal").entity_type,
            Per,
            "{:?}",
            doc.entities
        );
        assert_eq!(
            entity(&doc, "Cooper").entity_type,
            Per,
            "{:?}",
            doc.entities
        );
    }

    #[test]
    fn full_names_differing_in_middle_initials_or_a_familiar_first_name_are_one_person() {
        let doc = resolved(
            "Joe Biden spoke .\nJoseph R. Biden Jr. left .\nGeorge W. Bush and George H. W. Bush met .\n",
            &[
                ("Joe Biden", Per),
                ("Joseph R. Biden Jr.", Per),
                ("George W. Bush", Per),
                ("George H. W. Bush", Per),
            ],
        );
        let names: Vec<&str> = doc.entities.iter().map(|e| e.canonical.as_str()).collect();
        assert_eq!(
            names,
            ["Joseph R. Biden Jr.", "George W. Bush", "George H. W. Bush"],
            "{:?}",
            doc.entities
        );
    }

    #[test]
    fn a_party_and_state_tag_and_a_lone_abbreviated_title_name_no_one() {
        let doc = resolved(
            "Rep. Nancy Pelosi , D-Calif. , spoke .\nSen. Ted Cruz ( R-Texas ) and Calif. officials replied .\nMr Lee left .\n",
            &[
                ("Rep.", Org),
                ("Nancy Pelosi", Per),
                ("D-Calif.", Per),
                ("Sen. Ted Cruz", Per),
                ("R-Texas", Loc),
                ("Calif.", Gpe),
                ("Mr", Per),
                ("Lee", Per),
            ],
        );
        let names: Vec<&str> = doc.entities.iter().map(|e| e.canonical.as_str()).collect();
        for no_one in ["Rep.", "D-Calif.", "R-Texas", "Texas", "Mr"] {
            assert!(!names.contains(&no_one), "{names:?}");
        }
        for someone in ["Nancy Pelosi", "Ted Cruz", "Calif."] {
            assert!(names.contains(&someone), "{names:?}");
        }
        // The state tag cut at its hyphen, as news tokenizers cut it.
        let mut doc = document_cut_at_hyphens(
            "Nancy Pelosi , D-Calif. , spoke .\n",
            &[("Nancy Pelosi", Per), ("D", Per), ("Calif.", Gpe)],
        );
        resolve_entities(&mut doc);
        assert_eq!(doc.entities.len(), 1, "{:?}", doc.entities);
    }

    #[test]
    fn names_in_a_dateline_are_no_actors() {
        let mut doc = document(
            "WASHINGTON ( AP ) —\nPresident Trump spoke in Washington .\n",
            &[
                ("WASHINGTON", Gpe),
                ("AP", Org),
                ("Trump", Per),
                ("Washington", Gpe),
            ],
        );
        doc.sentences[0].kind = SentenceKind::Dateline;
        resolve_entities(&mut doc);
        let names: Vec<&str> = doc.entities.iter().map(|e| e.canonical.as_str()).collect();
        assert_eq!(names, ["Trump", "Washington"], "{:?}", doc.entities);
    }

    #[test]
    fn capital_acting_through_a_possessive_is_its_country() {
        let doc = resolved(
            "Moscow 's envoy left .\nThe envoy flew to Moscow .\n",
            &[("Moscow", Gpe), ("Moscow", Gpe)],
        );
        let moscow = mentions(&doc, "Moscow");
        assert_eq!(moscow[0].resolution.as_deref(), Some("metonymy"));
        assert_eq!(canonical_of(&doc, moscow[0]), Some("Russia"));
        assert_eq!(canonical_of(&doc, moscow[1]), Some("Moscow"));
    }

    #[test]
    fn country_aliases_join_the_canonical_country() {
        let doc = resolved(
            "U.S. troops left .\nThe United States agreed .\n",
            &[("U.S.", Gpe), ("United States", Gpe)],
        );
        assert_eq!(doc.entities.len(), 1);
        assert_eq!(doc.entities[0].canonical, "United States");
        assert_eq!(mention(&doc, "U.S.").resolution.as_deref(), Some("alias"));
        let full = mention(&doc, "United States");
        assert_eq!(full.resolution.as_deref(), Some("name"));
    }

    #[test]
    fn place_tagged_name_of_a_known_organisation_is_that_organisation() {
        let doc = resolved("EU ministers met .\n", &[("EU", Gpe)]);
        let eu = entity(&doc, "European Union");
        assert_eq!(eu.entity_type, Org);
    }

    #[test]
    fn gazetteer_alias_of_an_organisation_takes_its_canonical_name() {
        let doc = resolved("The IMF warned .\n", &[("IMF", Org)]);
        let imf = mention(&doc, "IMF");
        assert_eq!(canonical_of(&doc, imf), Some("International Monetary Fund"));
        assert_eq!(imf.resolution.as_deref(), Some("alias"));
    }

    #[test]
    fn demonym_and_its_plural_are_one_group() {
        let doc = resolved(
            "Americans voted .\nAmerican voters agreed .\n",
            &[("Americans", Norp), ("American", Norp)],
        );
        assert_eq!(doc.entities.len(), 1, "{:?}", doc.entities);
        assert_eq!(doc.entities[0].canonical, "American");
        assert_eq!(doc.entities[0].entity_type, Norp);
    }

    #[test]
    fn same_name_again_is_the_same_entity() {
        let doc = resolved(
            "Acme Widgets grew .\nAcme Widgets fell .\n",
            &[("Acme Widgets", Org), ("Acme Widgets", Org)],
        );
        assert_eq!(doc.entities.len(), 1);
        let again = mentions(&doc, "Acme Widgets")[1];
        assert_eq!(again.resolution.as_deref(), Some("name"));
        assert_eq!(again.resolution_confidence, Some(0.95));
    }
}
