//! Edge words a tagger lets into a name. The uncased encoder reads "new england", "keycorp
//! and" and "party of democratic action (" without case, and either tagger carries a name
//! over a neighbouring word now and then ("And McIlroy", "Xbox game"). Names do not begin with an ordinary lower-case word or end with a
//! connective, a comma or an opening bracket (of 23,499 CoNLL-2003 train names, none ends
//! with "," "(" "and" or "of"), so such edge words are cut off. Lower-case words are only
//! judged in a name that also holds a capitalised word: in text written without case, every
//! word is lower-case and the tagger is the only judge. Lower-case words after a place, or
//! ending in an institution ("Bucharest stock exchange", "Inner Mongolia health authority"),
//! name a body of that place, so they stay.

use std::ops::Range;

use crate::lexicon::{category, phrase_tokens, Lexicon};

/// Lower-case words that begin or join names ("van der Sar", "de Klerk", "al-Assad", "bin
/// Laden", "Dolce e Gabbana"); entity resolution's name extents read the same list.
pub(crate) const NAME_PARTICLES: &[&str] = &[
    "al", "bin", "ibn", "el", "van", "von", "der", "den", "de", "des", "du", "da", "di", "del",
    "della", "dos", "das", "la", "le", "les", "y", "e", "et", "und", "ter", "zu",
];

/// Words that open a sentence or clause, capitalised there, and begin no name ("In China ,",
/// "Since Mauritania", "Former South Carolina Governor").
const CLAUSE_OPENERS: &[&str] = &[
    "in",
    "since",
    "instead",
    "former",
    "when",
    "while",
    "although",
    "though",
    "because",
    "meanwhile",
    "but",
    "and",
    "if",
    "after",
    "during",
];

/// Words that join names and never end one (the particles "e", "et", "und", "y" among them:
/// "Dolce e Gabbana", but "G. Petit et al.").
const CONNECTIVES: &[&str] = &[
    "and", "or", "of", "the", "for", "in", "on", "at", "to", "by", "with", "from", "a", "an", "e",
    "et", "und", "y",
];

/// The part of a tagged name (`words`, its tokens in order) left when its edge words are
/// cut off (see the module doc), as a range of `words`; it keeps at least one token. The
/// name stays as tagged, for the resolver's rules, which read its neighbours, when what is
/// left is a lone letter (the pronoun "I" of "I, Robot", an initial) or, for a name that
/// `opens_sentence` (or a quotation: see [`opens_sentence_or_quote`]), only its capitalised
/// first word ("This is what", “That makes, “Of course": a sentence the tagger read as a
/// name). `lexicon` tells the places and institutions.
pub fn trim_name_edges<S: AsRef<str>>(
    words: &[S],
    opens_sentence: bool,
    lexicon: &Lexicon,
) -> Range<usize> {
    let word = |i: usize| words[i].as_ref();
    let n = words.len();
    let whole = 0..n;
    if n < 2 {
        return whole;
    }
    let cased = words.iter().any(|w| starts_upper(w.as_ref()));
    let (mut first, mut last) = (0, n - 1);
    while first < last && loose_start(word(first), cased) {
        first += 1;
    }
    let mut last_word_cut = None;
    while last > first && loose_end(word(last), &words[first..last], cased) {
        if cased && is_ordinary_lowercase_word(word(last)) {
            last_word_cut.get_or_insert(last);
        }
        last -= 1;
    }
    if let Some(cut) = last_word_cut {
        let institution = (last + 1..=cut)
            .any(|i| lexicon.is_institution_noun(word(i)) || lexicon.is_government_noun(word(i)));
        let rest: Vec<&str> = (first..=last).map(word).collect();
        let places = category::COUNTRY | category::CITY | category::REGION;
        let place = lexicon.categories(&phrase_tokens(&rest.join(" ")).join(" ")) & places != 0;
        if institution || place {
            last = cut;
        }
    }
    if last == first && word(first).chars().count() == 1 {
        return whole;
    }
    let own_words = last + 1 - first - usize::from(last > first && word(last) == "'s");
    let first_word_opens = (opens_sentence && (0..first).all(|i| is_punctuation(word(i))))
        || first > 0 && is_quote_mark(word(first - 1));
    if first_word_opens && own_words == 1 && (first, last) != (0, n - 1) {
        return whole;
    }
    first..last + 1
}

/// Whether a name after `before` (the words before it in its sentence) begins the sentence
/// or a quotation, where any word is capitalised: only punctuation before it, or an opening
/// quotation mark right before it.
pub fn opens_sentence_or_quote<S: AsRef<str>>(before: &[S]) -> bool {
    before.iter().all(|w| is_punctuation(w.as_ref()))
        || before.last().is_some_and(|w| is_quote_mark(w.as_ref()))
}

/// An opening (or straight) quotation mark token.
fn is_quote_mark(word: &str) -> bool {
    matches!(word, "\"" | "“" | "''" | "``" | "‘" | "'")
}

fn starts_upper(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

/// An ordinary lower-case word: lower case throughout ("al-Assad" and "iPhone" are not), no
/// hyphen ("e-tron") and not a name particle.
fn is_ordinary_lowercase_word(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_lowercase)
        && !word.chars().any(|c| c.is_uppercase() || c == '-')
        && !NAME_PARTICLES.contains(&word)
}

fn is_punctuation(word: &str) -> bool {
    !word.is_empty() && !word.chars().any(char::is_alphanumeric)
}

/// A first word the name does not begin with: punctuation, a clause opener, or (in a cased
/// run) an ordinary lower-case word.
fn loose_start(word: &str, cased: bool) -> bool {
    is_punctuation(word)
        || CLAUSE_OPENERS.iter().any(|o| o.eq_ignore_ascii_case(word))
        || (cased && is_ordinary_lowercase_word(word))
}

/// A last word the name does not end with: punctuation other than an abbreviation's full
/// stop, an apostrophe, a plus ("Disney +") or a bracket closing one opened inside the
/// name; a connective; or (in a cased name) another lower-case word. `before` is the rest
/// of the name.
fn loose_end<S: AsRef<str>>(word: &str, before: &[S], cased: bool) -> bool {
    if is_punctuation(word) {
        return match word {
            "." | "'" | "!" | "+" => false,
            ")" => !before.iter().any(|w| w.as_ref() == "("),
            _ => true,
        };
    }
    // A particle at the end is the encoder cutting a hyphenated name at its hyphen
    // ("Ghazi al" | "-" | "Gosaibi"); the resolver joins the pieces again.
    CONNECTIVES.contains(&word) || (cased && is_ordinary_lowercase_word(word) && word != "'s")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trimmed(sentence: &str, first: usize, last: usize) -> String {
        let words: Vec<&str> = sentence.split(' ').collect();
        let name = &words[first..=last];
        name[trim_name_edges(name, first == 0, &Lexicon::builtin())].join(" ")
    }

    #[test]
    fn trailing_connectives_commas_and_open_brackets_are_cut() {
        assert_eq!(
            trimmed("Shares of KeyCorp and Norwest rose .", 2, 3),
            "KeyCorp"
        );
        assert_eq!(
            trimmed("Leaders of Norwest , a bank , met .", 2, 3),
            "Norwest"
        );
        assert_eq!(
            trimmed("the Party of Democratic Action ( SDA ) won", 1, 5),
            "Party of Democratic Action"
        );
    }

    #[test]
    fn ordinary_lower_case_edge_words_are_cut_but_particles_stay() {
        assert_eq!(
            trimmed("They beat new England on Sunday .", 2, 3),
            "England"
        );
        assert_eq!(trimmed("He flew to north London today .", 3, 4), "London");
        assert_eq!(trimmed("The Singer world series opened .", 1, 3), "Singer");
        assert_eq!(trimmed("The Bafta award went to Leigh .", 1, 2), "Bafta");
        assert_eq!(
            trimmed("Goalkeeper van der Sar saved .", 1, 3),
            "van der Sar"
        );
        assert_eq!(
            trimmed("Reporter Rami al-Saadani wrote .", 1, 2),
            "Rami al-Saadani"
        );
        assert_eq!(
            trimmed("Minister Ghazi al - Gosaibi spoke", 1, 2),
            "Ghazi al"
        );
        assert_eq!(
            trimmed("the new e-tron Sportback 50 quattro", 2, 4),
            "e-tron Sportback 50"
        );
        assert_eq!(trimmed("They met at Lord 's yesterday .", 3, 4), "Lord 's");
    }

    #[test]
    fn a_capitalised_clause_opener_is_not_part_of_the_name() {
        assert_eq!(trimmed("In China , the Boxers rose .", 0, 1), "China");
        assert_eq!(
            trimmed("Since Mauritania joined , trade grew .", 0, 1),
            "Mauritania"
        );
        assert_eq!(trimmed("IN CHINA TODAY", 0, 1), "CHINA");
    }

    #[test]
    fn the_lower_case_words_after_a_place_name_an_institution_of_it() {
        assert_eq!(
            trimmed("The Bucharest stock exchange fell .", 1, 3),
            "Bucharest stock exchange"
        );
        assert_eq!(
            trimmed("Inner Mongolia health authority , said", 0, 4),
            "Inner Mongolia health authority"
        );
    }

    #[test]
    fn brackets_stops_and_pluses_that_belong_to_the_name_stay() {
        assert_eq!(trimmed("Mladost ( L ) won 2-1", 0, 3), "Mladost ( L )");
        assert_eq!(trimmed("at Salomon Bros . today", 1, 3), "Salomon Bros .");
        assert_eq!(trimmed("on Disney + next", 1, 2), "Disney +");
        assert_eq!(trimmed("as G. Petit et al. wrote", 1, 3), "G. Petit");
    }

    #[test]
    fn a_sentence_read_as_a_name_is_not_cut_down_to_its_first_word() {
        assert_eq!(trimmed("This is what they want", 0, 2), "This is what");
        assert_eq!(
            trimmed("There 's no evidence", 0, 3),
            "There 's no evidence"
        );
        assert_eq!(
            trimmed("\" These are the stories", 0, 3),
            "\" These are the"
        );
        assert_eq!(trimmed("Xbox game sales rose", 0, 1), "Xbox game");
        assert_eq!(trimmed("\" That makes me smart", 0, 1), "\" That");
        assert_eq!(trimmed("smart -- \" That makes", 2, 3), "\" That");
        assert_eq!(trimmed("Sales of the Xbox game rose", 3, 4), "Xbox");
    }

    #[test]
    fn a_quotation_opens_like_a_sentence() {
        assert!(opens_sentence_or_quote(&["\""]));
        assert!(opens_sentence_or_quote(&["asserting", ",", "''"]));
        assert!(opens_sentence_or_quote::<&str>(&[]));
        assert!(!opens_sentence_or_quote(&["Sales", "of", "the"]));
    }

    #[test]
    fn text_without_case_is_left_to_the_encoder() {
        assert_eq!(
            trimmed("they beat new england on sunday", 2, 3),
            "new england"
        );
        assert_eq!(trimmed("shares of keycorp and norwest", 2, 3), "keycorp");
    }

    #[test]
    fn a_lone_letter_is_not_cut_out_of_its_run() {
        assert_eq!(trimmed("the film I , Robot opens", 2, 3), "I ,");
    }
}
