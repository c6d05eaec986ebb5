//! Edge words the uncased encoder lets into a name. It reads "new england", "keycorp and"
//! and "party of democratic action (" without case, and carries a run over a neighbouring
//! word now and then. Names do not begin with an ordinary lower-case word or end with a
//! connective, a comma or an opening bracket (of 23,499 CoNLL-2003 train names, none ends
//! with "," "(" "and" or "of"), so such edge words are cut off. Lower-case words are only
//! judged in a run that also holds a capitalised word: in text written without case, every
//! word is lower-case and the encoder is the only judge. Lower-case words after a place, or
//! ending in an institution ("Bucharest stock exchange", "Inner Mongolia health authority"),
//! name a body of that place, so they stay.

use stancegraph_entities::{category, Lexicon};

use crate::layers::{lexicon_key, LabelledRun};

/// Lower-case words that begin names ("van der Sar", "de Klerk", "al-Assad", "bin Laden").
const NAME_PARTICLES: &[&str] = &[
    "al", "bin", "ibn", "da", "das", "de", "del", "della", "der", "di", "dos", "du", "el", "la",
    "le", "van", "von", "y", "zu",
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

/// Words that join names and never end one.
const CONNECTIVES: &[&str] = &[
    "and", "or", "of", "the", "for", "in", "on", "at", "to", "by", "with", "from", "a", "an",
];

/// Runs with their edge words cut off (see the module doc); a run keeps at least one token.
/// `lexicon` tells the places.
pub fn trim_run_edges(
    runs: Vec<LabelledRun>,
    words: &[String],
    lexicon: &Lexicon,
) -> Vec<LabelledRun> {
    let places = category::COUNTRY | category::CITY | category::REGION;
    runs.into_iter()
        .map(|mut run| {
            let Some(tokens) = words.get(run.first..=run.last) else {
                return run;
            };
            let cased = tokens.iter().any(|w| starts_upper(w));
            let (mut first, mut last) = (0, tokens.len() - 1);
            while first < last && loose_start(&tokens[first], cased) {
                first += 1;
            }
            let mut last_word_cut = None;
            while last > first && loose_end(&tokens[last], &tokens[first..last], cased) {
                if cased && is_ordinary_lowercase_word(&tokens[last]) {
                    last_word_cut.get_or_insert(last);
                }
                last -= 1;
            }
            if let Some(word) = last_word_cut {
                let rest = tokens[first..=last].join(" ");
                let institution = tokens[last + 1..=word]
                    .iter()
                    .any(|w| lexicon.is_institution_noun(w) || lexicon.is_government_noun(w));
                if institution || lexicon.categories(&lexicon_key(&rest)) & places != 0 {
                    last = word;
                }
            }
            // A lone letter left over is the pronoun "I" of "I, Robot" or an initial: the
            // run stays as decoded for the resolver's rules, which read its neighbours.
            if last == first && tokens[first].chars().count() == 1 && tokens.len() > 1 {
                return run;
            }
            run.last = run.first + last;
            run.first += first;
            run
        })
        .collect()
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
        || CLAUSE_OPENERS.contains(&word.to_lowercase().as_str())
        || (cased && is_ordinary_lowercase_word(word))
}

/// A last word the name does not end with: punctuation other than an abbreviation's full
/// stop, an apostrophe, a plus ("Disney +") or a bracket closing one opened inside the name; a connective; or (in
/// a cased run) another lower-case word. `before` is the rest of the run.
fn loose_end(word: &str, before: &[String], cased: bool) -> bool {
    if is_punctuation(word) {
        return match word {
            "." | "'" | "!" | "+" => false,
            ")" => !before.iter().any(|w| w == "("),
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

    fn run(first: usize, last: usize) -> LabelledRun {
        LabelledRun {
            first,
            last,
            kind: "ORG".into(),
            confidence: 0.9,
        }
    }

    fn trimmed(sentence: &str, first: usize, last: usize) -> String {
        let words: Vec<String> = sentence.split(' ').map(str::to_string).collect();
        let out = trim_run_edges(vec![run(first, last)], &words, &Lexicon::builtin());
        words[out[0].first..=out[0].last].join(" ")
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
    fn brackets_and_stops_that_belong_to_the_name_stay() {
        assert_eq!(trimmed("Mladost ( L ) won 2-1", 0, 3), "Mladost ( L )");
        assert_eq!(trimmed("at Salomon Bros . today", 1, 3), "Salomon Bros .");
        assert_eq!(trimmed("on Disney + next", 1, 2), "Disney +");
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
