//! Compact gazetteers written for this crate (see `lexicons/`): countries, demonyms,
//! cities, regions, organisations, titles, given names and organisation words. They feed
//! the tagger as features and let resolution map aliases ("US", "Beijing", "Chinese") to
//! canonical actors.

use crate::features::{FastMap, FastSet};

/// Gazetteer categories, as bits so one phrase can be several things ("Georgia").
pub mod category {
    /// A country name or alias ("United States", "US"); its entry's country is itself.
    pub const COUNTRY: u16 = 1;
    /// A major city, with its country as the entry's country ("Beijing" → China).
    pub const CITY: u16 = 1 << 1;
    /// A region, state or province; no country attached.
    pub const REGION: u16 = 1 << 2;
    /// A nationality or group (NORP), singular and plural, with the country or group it
    /// refers to ("Chinese" → China).
    pub const DEMONYM: u16 = 1 << 3;
    /// A named organisation or alias ("UN" → "United Nations").
    pub const ORGANISATION: u16 = 1 << 4;
    /// A role title ("prime minister", "vice-president").
    pub const TITLE: u16 = 1 << 5;
    /// A first name (written list plus US census given names; the census ones are
    /// features only, without an entry).
    pub const GIVEN_NAME: u16 = 1 << 6;
    /// A word that heads or ends organisation names ("Corp", "Ministry", "University").
    pub const ORG_WORD: u16 = 1 << 7;
    /// A US census surname; features only, no entry.
    pub const SURNAME: u16 = 1 << 8;
    /// Any city of over 15,000 people (GeoNames); no country attached.
    pub const WORLD_CITY: u16 = 1 << 9;
    /// Short names used in features (`gz:{name}`).
    pub const NAMES: [(u16, &str); 10] = [
        (SURNAME, "surname"),
        (WORLD_CITY, "worldcity"),
        (COUNTRY, "country"),
        (CITY, "city"),
        (REGION, "region"),
        (DEMONYM, "demonym"),
        (ORGANISATION, "org"),
        (TITLE, "title"),
        (GIVEN_NAME, "given"),
        (ORG_WORD, "orgword"),
    ];
}

const COUNTRIES: &str = include_str!("../lexicons/countries.txt");
const DEMONYMS: &str = include_str!("../lexicons/demonyms.txt");
const CITIES: &str = include_str!("../lexicons/cities.txt");
const REGIONS: &str = include_str!("../lexicons/regions.txt");
const ORGANISATIONS: &str = include_str!("../lexicons/organisations.txt");
const TITLES: &str = include_str!("../lexicons/titles.txt");
const GIVEN_NAMES: &str = include_str!("../lexicons/first_names.txt");
const ORG_WORDS: &str = include_str!("../lexicons/org_words.txt");
const CENSUS_SURNAMES: &str = include_str!("../lexicons/census_surnames.txt");
const CENSUS_GIVEN_NAMES: &str = include_str!("../lexicons/census_given_names.txt");
const GEONAMES_CITIES: &str = include_str!("../lexicons/geonames_cities.txt");
// Closed word lists of the resolution rules (not gazetteers: never tagger features).
const CAPITALS: &str = include_str!("../lexicons/capitals.txt");
const ACTING_VERBS: &str = include_str!("../lexicons/acting_verbs.txt");
const GOVERNMENT_NOUNS: &str = include_str!("../lexicons/government_nouns.txt");
const DEPARTMENTS: &str = include_str!("../lexicons/departments.txt");
const ORGANISATION_NOUNS: &str = include_str!("../lexicons/organisation_nouns.txt");
const INSTITUTION_NOUNS: &str = include_str!("../lexicons/institution_nouns.txt");
const PRONOUNS: &str = include_str!("../lexicons/pronouns.txt");
const TITLE_MODIFIERS: &str = include_str!("../lexicons/title_modifiers.txt");
const DESCRIPTION_MODIFIERS: &str = include_str!("../lexicons/description_modifiers.txt");
const HOLIDAYS: &str = include_str!("../lexicons/holidays.txt");

/// What a personal pronoun can refer to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pronoun {
    /// he, him, his, himself.
    Male,
    /// she, her, hers, herself.
    Female,
    /// they, them, their, theirs, themselves.
    Plural,
}

/// What an alias stands for: the canonical name and, for cities and demonyms, the country.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexiconEntry {
    /// Name the alias resolves to, as written in the list ("United Nations" for "UN").
    pub canonical: String,
    /// The one [`category`] bit of the list this entry comes from.
    pub category: u16,
    /// Country of a city, country or demonym ("Beijing" → "China").
    pub country: Option<String>,
}

/// A gazetteer match over a token sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LexiconMatch {
    pub start: usize,
    pub end: usize,
    pub categories: u16,
}

/// The built-in gazetteers ([`Lexicon::builtin`]) as lower-cased token phrases with their
/// [`category`] bits, the aliases' canonical entries, and the closed word lists the
/// resolution rules ask (capitals, pronouns, acting verbs, departments, ...).
#[derive(Debug, Default)]
pub struct Lexicon {
    /// Lower-cased phrase (tokens joined by one space) → categories.
    phrases: FastMap<String, u16>,
    /// Lower-cased phrase → what it stands for (first entry wins).
    entries: FastMap<String, LexiconEntry>,
    /// Lower-cased first tokens of phrases, to skip most lookups.
    first_tokens: FastSet<String>,
    max_tokens: usize,
    /// The word lists of the resolution rules (lower-cased; FNV-hashed like the phrases:
    /// resolution asks several of them about every token of a document).
    capitals: FastMap<String, String>,
    acting_verbs: FastSet<String>,
    government_nouns: FastSet<String>,
    departments: FastSet<String>,
    organisation_nouns: FastSet<String>,
    institution_nouns: FastSet<String>,
    pronouns: FastMap<String, Pronoun>,
    title_modifiers: FastSet<String>,
    description_modifiers: FastSet<String>,
    /// Named days, in [`phrase_tokens`] form ("new year 's eve").
    holidays: FastSet<String>,
}

/// Splits a phrase into lower-cased tokens the way news tokenizers cut them ("People's
/// Republic" → "people", "'s", "republic"): the form of every gazetteer key, so that
/// `phrase_tokens(name).join(" ")` is what [`Lexicon::categories`] looks up.
pub fn phrase_tokens(phrase: &str) -> Vec<String> {
    let mut out = Vec::new();
    for word in phrase.split_whitespace() {
        let lower = word.to_lowercase();
        if let Some(stem) = lower.strip_suffix("'s").filter(|s| !s.is_empty()) {
            out.push(stem.to_string());
            out.push("'s".to_string());
        } else {
            out.push(lower);
        }
    }
    out
}

fn lines(source: &str) -> impl Iterator<Item = &str> {
    source
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

impl Lexicon {
    /// The built-in gazetteers.
    pub fn builtin() -> Self {
        let mut lexicon = Lexicon::default();
        for line in lines(COUNTRIES) {
            let mut names = line.split('|');
            let canonical = names.next().unwrap_or(line).trim().to_string();
            for alias in line.split('|') {
                lexicon.add(alias, category::COUNTRY, &canonical, Some(&canonical));
            }
        }
        for line in lines(DEMONYMS) {
            let (demonym, group) = line.split_once('|').unwrap_or((line, line));
            lexicon.add(
                demonym,
                category::DEMONYM,
                demonym.trim(),
                Some(group.trim()),
            );
            // Plurals: "Americans", "Chinese" stays.
            if !demonym.ends_with('s') && !demonym.ends_with("ese") && !demonym.ends_with("ish") {
                lexicon.add(
                    &format!("{}s", demonym.trim()),
                    category::DEMONYM,
                    demonym.trim(),
                    Some(group.trim()),
                );
            }
        }
        for line in lines(CITIES) {
            let (city, country) = line.split_once('|').unwrap_or((line, line));
            lexicon.add(city, category::CITY, city.trim(), Some(country.trim()));
        }
        for line in lines(REGIONS) {
            lexicon.add(line, category::REGION, line, None);
        }
        for line in lines(ORGANISATIONS) {
            let canonical = line.split('|').next().unwrap_or(line).trim().to_string();
            for alias in line.split('|') {
                lexicon.add(alias, category::ORGANISATION, &canonical, None);
            }
        }
        for line in lines(TITLES) {
            lexicon.add(line, category::TITLE, line, None);
        }
        for line in lines(GIVEN_NAMES) {
            for name in line.split_whitespace() {
                lexicon.add(name, category::GIVEN_NAME, name, None);
            }
        }
        for line in lines(ORG_WORDS) {
            for word in line.split_whitespace() {
                lexicon.add(word, category::ORG_WORD, word, None);
            }
        }
        // Large lists are features only: no entries for resolution.
        for (source, bit) in [
            (CENSUS_SURNAMES, category::SURNAME),
            (CENSUS_GIVEN_NAMES, category::GIVEN_NAME),
            (GEONAMES_CITIES, category::WORLD_CITY),
        ] {
            for line in lines(source) {
                lexicon.add_phrase(line, bit);
            }
        }
        lexicon.read_rule_words();
        lexicon
    }

    fn read_rule_words(&mut self) {
        let words = |source: &str| lines(source).map(str::to_string).collect::<FastSet<_>>();
        let pairs = |source| lines(source).filter_map(|l| l.split_once('|'));
        self.capitals = pairs(CAPITALS)
            .map(|(capital, country)| (capital.trim().to_string(), country.trim().to_string()))
            .collect();
        self.pronouns = pairs(PRONOUNS)
            .filter_map(|(word, kind)| {
                let kind = match kind.trim() {
                    "male" => Pronoun::Male,
                    "female" => Pronoun::Female,
                    "plural" => Pronoun::Plural,
                    _ => return None,
                };
                Some((word.trim().to_string(), kind))
            })
            .collect();
        self.acting_verbs = words(ACTING_VERBS);
        self.government_nouns = words(GOVERNMENT_NOUNS);
        self.departments = words(DEPARTMENTS);
        self.organisation_nouns = words(ORGANISATION_NOUNS);
        self.institution_nouns = words(INSTITUTION_NOUNS);
        self.title_modifiers = words(TITLE_MODIFIERS);
        self.description_modifiers = words(DESCRIPTION_MODIFIERS);
        self.holidays = words(HOLIDAYS);
    }

    /// The country whose government a capital stands for when it acts ("beijing" → China).
    pub fn capital_country(&self, lower_phrase: &str) -> Option<&str> {
        self.capitals.get(lower_phrase).map(String::as_str)
    }

    /// A verb after which a capital acts as its government ("said", "imposed").
    pub fn is_acting_verb(&self, lower: &str) -> bool {
        self.acting_verbs.contains(lower)
    }

    /// A noun that makes a country or leader its government ("administration", "officials").
    pub fn is_government_noun(&self, lower: &str) -> bool {
        self.government_nouns.contains(lower)
    }

    /// A noun that describes an organisation named before ("company", "union").
    pub fn is_organisation_noun(&self, lower: &str) -> bool {
        self.organisation_nouns.contains(lower)
    }

    /// A noun that describes an institution whose name holds it ("commission", "court").
    pub fn is_institution_noun(&self, lower: &str) -> bool {
        self.institution_nouns.contains(lower)
    }

    /// A holiday or named day ("christmas day", "new year 's eve"), given as lower-cased
    /// tokens joined by one space: a date, never an actor.
    pub fn is_holiday(&self, lower_phrase: &str) -> bool {
        self.holidays.contains(lower_phrase)
    }

    /// A department word that makes a title's organisation ("treasury", "defence").
    pub fn is_department(&self, lower: &str) -> bool {
        self.departments.contains(lower)
    }

    /// What a lower-cased personal pronoun can refer to, if it is one.
    pub fn pronoun(&self, lower: &str) -> Option<Pronoun> {
        self.pronouns.get(lower).copied()
    }

    /// A word that may stand in a title before a name ("top", "former", "-").
    pub fn is_title_modifier(&self, lower: &str) -> bool {
        self.title_modifiers.contains(lower)
    }

    /// A word that may precede a title in a description ("the top US negotiator").
    pub fn is_description_modifier(&self, lower: &str) -> bool {
        self.description_modifiers.contains(lower)
    }

    fn add_phrase(&mut self, phrase: &str, category: u16) {
        let tokens = phrase_tokens(phrase.trim());
        let Some(first) = tokens.first() else { return };
        if !self.first_tokens.contains(first) {
            self.first_tokens.insert(first.clone());
        }
        self.max_tokens = self.max_tokens.max(tokens.len().min(6));
        if tokens.len() <= 6 {
            *self.phrases.entry(tokens.join(" ")).or_insert(0) |= category;
        }
    }

    fn add(&mut self, phrase: &str, category: u16, canonical: &str, country: Option<&str>) {
        let tokens = phrase_tokens(phrase.trim());
        let Some(first) = tokens.first() else { return };
        self.first_tokens.insert(first.clone());
        self.max_tokens = self.max_tokens.max(tokens.len());
        let key = tokens.join(" ");
        *self.phrases.entry(key.clone()).or_insert(0) |= category;
        let hyphen_free = key.replace('-', " ");
        if hyphen_free != key {
            // "vice-premier" may be tokenized as "vice - premier" or kept whole.
            let spaced: Vec<&str> = key.split('-').collect();
            *self.phrases.entry(spaced.join(" - ")).or_insert(0) |= category;
            *self.phrases.entry(hyphen_free.clone()).or_insert(0) |= category;
            for extra in [spaced.join(" - "), hyphen_free] {
                if let Some(first) = extra.split(' ').next() {
                    self.first_tokens.insert(first.to_string());
                }
                self.max_tokens = self.max_tokens.max(extra.split(' ').count());
            }
        }
        self.entries
            .entry(format!("{category}:{key}"))
            .or_insert_with(|| LexiconEntry {
                canonical: canonical.trim().to_string(),
                category,
                country: country.map(|c| c.trim().to_string()),
            });
    }

    /// Categories of a lower-cased phrase (tokens joined by single spaces).
    pub fn categories(&self, lower_phrase: &str) -> u16 {
        self.phrases.get(lower_phrase).copied().unwrap_or(0)
    }

    /// What `phrase` stands for in `category` (any case, tokens separated by spaces).
    pub fn lookup(&self, phrase: &str, category: u16) -> Option<&LexiconEntry> {
        let key = phrase_tokens(phrase).join(" ");
        self.entries.get(&format!("{category}:{key}"))
    }

    /// Every gazetteer phrase in a sentence of lower-cased tokens.
    pub fn matches(&self, lower_tokens: &[&str], out: &mut Vec<LexiconMatch>) {
        out.clear();
        let mut key = String::new();
        for start in 0..lower_tokens.len() {
            let Some(first) = lower_tokens.get(start) else {
                break;
            };
            if !self.first_tokens.contains(*first) {
                continue;
            }
            key.clear();
            let longest = self.max_tokens.min(lower_tokens.len() - start);
            for (offset, token) in lower_tokens[start..start + longest].iter().enumerate() {
                if offset > 0 {
                    key.push(' ');
                }
                key.push_str(token);
                if let Some(&categories) = self.phrases.get(key.as_str()) {
                    out.push(LexiconMatch {
                        start,
                        end: start + offset + 1,
                        categories,
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_multiword_phrases_and_aliases() {
        let lexicon = Lexicon::builtin();
        let tokens = [
            "us",
            "treasury",
            "secretary",
            "scott",
            "bessent",
            "in",
            "new",
            "york",
        ];
        let mut found = Vec::new();
        lexicon.matches(&tokens, &mut found);
        assert!(found
            .iter()
            .any(|m| m.start == 0 && m.end == 1 && m.categories & category::COUNTRY != 0));
        assert!(found
            .iter()
            .any(|m| m.start == 1 && m.end == 3 && m.categories & category::TITLE != 0));
        assert!(found
            .iter()
            .any(|m| m.start == 6 && m.end == 8 && m.categories & category::CITY != 0));
        assert_eq!(
            lexicon
                .lookup("U.S.", category::COUNTRY)
                .map(|e| e.canonical.as_str()),
            Some("United States")
        );
        assert_eq!(
            lexicon
                .lookup("Beijing", category::CITY)
                .and_then(|e| e.country.as_deref()),
            Some("China")
        );
        assert_eq!(
            lexicon
                .lookup("Chinese", category::DEMONYM)
                .and_then(|e| e.country.as_deref()),
            Some("China")
        );
        assert!(lexicon.categories("vice - premier") & category::TITLE != 0);
        assert!(lexicon.categories("vice premier") & category::TITLE != 0);
    }

    #[test]
    fn rule_word_lists_load_with_their_types() {
        let lexicon = Lexicon::builtin();
        assert_eq!(lexicon.capital_country("new delhi"), Some("India"));
        assert_eq!(lexicon.capital_country("delhi"), None);
        assert_eq!(lexicon.pronoun("hers"), Some(Pronoun::Female));
        assert_eq!(lexicon.pronoun("themselves"), Some(Pronoun::Plural));
        assert_eq!(lexicon.pronoun("it"), None);
        assert!(lexicon.is_acting_verb("retaliated") && !lexicon.is_acting_verb("in"));
        assert!(lexicon.is_government_noun("regime"));
        assert!(lexicon.is_department("treasury") && !lexicon.is_department("bank"));
        assert!(lexicon.is_title_modifier("-") && lexicon.is_title_modifier("former"));
        assert!(lexicon.is_description_modifier("u.s."));
    }
}
