//! Where a tagged name really ends. The tagger's spans sometimes run on through a comma
//! into the sentence ("The Aviator, starring Leonardo"), open a bracket they never close
//! ("Euros (£2.31m) putting him third"), or take in masked words ("Jo** Al"); and the
//! tokenizer cuts hyphenated compounds, so "Trump-era" and "Sacramento-based" reach the
//! resolver as a name, a hyphen and an English modifier. A name keeps only what names.

use std::ops::Range;

use stancegraph_core::EntityType;

use crate::name_edges::NAME_PARTICLES;

use super::State;

/// English words that follow a name and a hyphen to make a modifier ("Trump-era",
/// "Saudi-led", "BPA-free"): they are no part of the name. Longer lower-case parts are
/// never name parts (see [`is_name_part_after_hyphen`]).
const MODIFIER_WORDS: &[&str] = &[
    "era", "run", "led", "free", "like", "born", "made", "type", "wide", "old", "long", "only",
    "up", "in", "out", "off", "on", "held", "fed", "bred", "hit", "less", "ish", "day", "year",
    "area", "tied", "size",
];

/// Lower-case prefixes before a hyphen and a name that make a modifier or a former title
/// ("anti-Trump", "then-Sen.", "ex-Beatle"), not a longer name.
const PREFIX_WORDS: &[&str] = &[
    "anti", "pro", "non", "ex", "pre", "post", "mid", "then", "neo", "pan", "co", "semi", "multi",
    "self", "intra", "inter", "trans", "full", "all", "once", "former", "would-be",
];

/// Words a title-case headline may leave in lower case ("Trump Was Headed to ER").
const SMALL_WORDS: &[&str] = &[
    "a", "an", "the", "and", "or", "but", "nor", "of", "for", "to", "in", "on", "at", "by", "with",
    "as", "from", "vs", "via", "n't", "n’t",
];

/// Connecting words a comma-separated organisation name may hold ("Bureau of Alcohol,
/// Tobacco and Firearms", "Goldman, Sachs & Co").
const NAME_CONNECTORS: &[&str] = &["and", "of", "for", "the", "de", "&", "on"];

/// Whether `word`, after a name and a touching hyphen, continues the name: a capitalised
/// word or a number ("Wilson-Raybould", "F-16"), or a short lower-case syllable of a
/// transliterated name ("Kim Jong-un", "Tsai Ing-wen"), but no English modifier.
pub(super) fn is_name_part_after_hyphen(word: &str) -> bool {
    let Some(first) = word.chars().next() else {
        return false;
    };
    if !first.is_alphanumeric() {
        return false;
    }
    // "Lashkar-e-Taiba" cut as "Lashkar" | "-" | "e-Taiba": a capital inside names.
    if !first.is_lowercase() || word.contains(char::is_uppercase) {
        return true;
    }
    word.chars().count() <= 4 && !MODIFIER_WORDS.contains(&word)
}

/// Whether `word`, before a touching hyphen and a name, begins the name ("al-Shabaab",
/// "Jean-Pierre"), and is not a prefix making a modifier ("anti-Trump").
pub(super) fn is_name_part_before_hyphen(word: &str) -> bool {
    // "Trans-Pacific Partnership", "Anti-Defamation League": capitalised, the prefix names.
    word.chars().next().is_some_and(char::is_alphanumeric)
        && (word.starts_with(char::is_uppercase) || !PREFIX_WORDS.contains(&word))
}

fn is_opening(word: &str) -> bool {
    matches!(word, "(" | "[" | "{")
}

fn is_closing(word: &str) -> bool {
    matches!(word, ")" | "]" | "}")
}

/// Punctuation a name neither starts nor ends with (brackets left are balanced: "[Hillary]
/// Clinton").
fn is_edge_punctuation(word: &str) -> bool {
    // A full stop of its own: an abbreviation keeps its stop inside its token ("Asher D.").
    matches!(
        word,
        "," | ";"
            | ":"
            | "-"
            | "—"
            | "–"
            | "/"
            | "|"
            | "."
            | "&"
            | "\""
            | "“"
            | "”"
            | "‘"
            | "’"
            | "'"
            | "―"
            | "‒"
            | "…"
            | "•"
            | "·"
            | "@"
            | "«"
            | "»"
            | "„"
            | "''"
            | "``"
            | "--"
            | "<"
            | ">"
    )
}

impl State<'_, '_> {
    /// The part of the tagged name `range` that names: cut before a bracket it does not
    /// close (or a closing one it did not open) and before a comma that runs into the
    /// sentence, without punctuation or hyphenated modifiers at its edges. `None` when
    /// nothing names: masked words ("Jo** Al"), or only punctuation.
    pub(super) fn name_extent(
        &self,
        mut range: Range<usize>,
        entity_type: EntityType,
        title_case: bool,
    ) -> Option<Range<usize>> {
        let tagged = range.clone();
        // Titles of works hold any words ("Gone with the Wind", "Much Ado about Nothing").
        let titled = entity_type == EntityType::Misc;
        // Masked letters stand alone ("Jo** Al"); "E*Trade" is one word and a name.
        let masked = |word: &str| !word.is_empty() && word.chars().all(|c| c == '*');
        if range.clone().any(|i| masked(self.word(i))) {
            return None;
        }
        // "[Hillary] Clinton" tagged from "Hillary": the bracket opened just before.
        let mut depth = usize::from(range.start > 0 && is_opening(self.word(range.start - 1)));
        let mut i = range.start;
        while i < range.end {
            let word = self.word(i);
            let unbalanced = if is_opening(word) {
                !(i + 1..range.end).any(|j| is_closing(self.word(j)))
            } else {
                is_closing(word) && depth == 0
            };
            if unbalanced && i == range.start {
                // "( Hillary Clinton": the bracket opens before the name.
                range.start += 1;
            } else if unbalanced
                || (depth == 0 && word == "," && self.runs_into_sentence(i + 1..range.end))
                || (depth == 0
                    && !titled
                    && i > range.start
                    && self.sentence_goes_on_at(i, range.end, title_case))
            {
                range.end = i;
                break;
            } else if is_opening(word) {
                depth += 1;
            } else if is_closing(word) {
                depth -= 1;
            }
            i += 1;
        }
        loop {
            let before = range.clone();
            while !range.is_empty() && is_edge_punctuation(self.word(range.start)) {
                range.start += 1;
            }
            while !range.is_empty() && is_edge_punctuation(self.word(range.end - 1)) {
                range.end -= 1;
            }
            if !titled {
                // "Cannes Film Festival in 2002": a year after a preposition.
                let number = |word: &str| word.chars().all(|c| c.is_ascii_digit());
                if range.len() > 2
                    && number(self.word(range.end - 1))
                    && self.lower_case_edge(range.end - 2)
                {
                    range.end -= 1;
                }
                // "Century painting", "of Columbia": a name of people, places or
                // organisations neither starts nor ends with a lower-case word, but the
                // government rules read the executive noun after one ("the US
                // administration").
                let executive = |word: &str| matches!(word, "administration" | "government");
                while range.len() > 1
                    && self.lower_case_edge(range.end - 1)
                    && !executive(self.word(range.end - 1))
                {
                    range.end -= 1;
                }
                // "Gold Star Mom Corners Obama On": in title case a function word is
                // capitalised too.
                while title_case && range.len() > 1 && self.function_word(range.end - 1) {
                    range.end -= 1;
                }
                while range.len() > 1
                    && self.lower_case_edge(range.start)
                    && !NAME_PARTICLES.contains(&self.word(range.start))
                {
                    range.start += 1;
                }
            }
            if range.len() > 2
                && self.hyphen_touching(range.end - 2, range.end - 3)
                && !is_name_part_after_hyphen(self.word(range.end - 1))
            {
                range.end -= 2;
            }
            if range.len() > 2
                && self.hyphen_touching(range.start + 1, range.start + 2)
                && !is_name_part_before_hyphen(self.word(range.start))
            {
                range.start += 2;
            }
            // "[Elise]" tagged as "Elise ]": a bracket closing what the name did not open.
            if range.len() > 1
                && is_closing(self.word(range.end - 1))
                && !range.clone().any(|i| is_opening(self.word(i)))
            {
                range.end -= 1;
            }
            // "Cristian Garin 6-2", "Bobby !": a person's name ends with a letter.
            if entity_type == EntityType::Per
                && range.len() > 1
                && !self.word(range.end - 1).chars().any(char::is_alphabetic)
            {
                range.end -= 1;
            }
            if range == before {
                break;
            }
        }
        // "'' Perhaps", "'' It": what is left of a cut name is a word of the sentence.
        if range.len() == 1 && range != tagged && self.sentence_word(range.start) {
            return None;
        }
        let names = range
            .clone()
            .any(|i| self.word(i).chars().any(char::is_alphanumeric));
        names.then_some(range)
    }

    /// Whether the sentence takes over from the name at token `i` (before `end`, the end of
    /// the tagged name): a lower-case verb ("Cardinal | will ask", "Gerard and Gray | had
    /// agreed"), or a possessive followed by a lower-case word ("Kenyan Government | 's
    /// education"; "Alzheimer 's Society" is a name). In a title-case line, where every
    /// word is capitalised, a verb or pronoun of any case ("Hillary Clinton | Was Headed",
    /// "Lindsey Graham | Says").
    fn sentence_goes_on_at(&self, i: usize, end: usize, title_case: bool) -> bool {
        let word = self.word(i);
        if super::is_possessive(word) {
            return i + 1 < end && self.word(i + 1).starts_with(char::is_lowercase);
        }
        if NAME_PARTICLES.contains(&word) {
            return false;
        }
        let upos = self.tokens().get(i).and_then(|t| t.upos.as_deref());
        // "Stratford-upon-Avon", "Jong-un": a word in a hyphenated name is no verb.
        let hyphenated = i > 0 && self.hyphen_touching(i - 1, i);
        if hyphenated {
            return false;
        }
        if title_case {
            // "Saratoga Performing Arts Center": a gerund may name.
            let gerund = word.ends_with("ing");
            matches!(upos, Some("AUX" | "PRON")) || (upos == Some("VERB") && !gerund)
        } else {
            matches!(upos, Some("VERB" | "AUX")) && word.starts_with(char::is_lowercase)
        }
    }

    /// Whether token `i` is tagged as a word that is no name: a pronoun, determiner, adverb,
    /// verb or function word.
    fn sentence_word(&self, i: usize) -> bool {
        let upos = self.tokens().get(i).and_then(|t| t.upos.as_deref());
        matches!(
            upos,
            Some("PRON" | "DET" | "ADV" | "VERB" | "AUX" | "ADP" | "SCONJ" | "CCONJ" | "PART")
        )
    }

    /// Whether token `i` is tagged as a function word: a preposition, conjunction,
    /// determiner or particle.
    fn function_word(&self, i: usize) -> bool {
        let upos = self.tokens().get(i).and_then(|t| t.upos.as_deref());
        matches!(upos, Some("ADP" | "SCONJ" | "CCONJ" | "DET" | "PART"))
    }

    /// For each sentence, whether it is written in title case: at least four words besides
    /// articles, conjunctions and short prepositions, every one of them capitalised ("Hillary
    /// Clinton Was Headed to ER But Diverted"). The tagger cannot tell names by their case
    /// there.
    pub(super) fn title_case_sentences(&self) -> Vec<bool> {
        let sentences = self.doc.sentences.len();
        let mut words = vec![0u32; sentences];
        let mut capitalised = vec![0u32; sentences];
        for (i, token) in self.tokens().iter().enumerate() {
            let word = self.word(i);
            let Some(first) = word.chars().next().filter(|c| c.is_alphabetic()) else {
                continue;
            };
            if SMALL_WORDS.contains(&self.lower(i)) {
                continue;
            }
            let s = token.sentence as usize;
            if s < sentences {
                words[s] += 1;
                capitalised[s] += u32::from(first.is_uppercase());
            }
        }
        words
            .iter()
            .zip(&capitalised)
            .map(|(&w, &c)| w >= 4 && c == w)
            .collect()
    }

    /// Whether token `i` is a lower-case word that is no part of a hyphenated name
    /// ("Kim Jong-un", "al-Shabaab") or a brand ("iPad").
    fn lower_case_edge(&self, i: usize) -> bool {
        let hyphenated =
            (i > 0 && self.hyphen_touching(i - 1, i)) || self.hyphen_touching(i + 1, i);
        // "iPad Pro", "eBay": a brand's capital inside the word makes it a name.
        let word = self.word(i);
        word.starts_with(char::is_lowercase) && !word.contains(char::is_uppercase) && !hyphenated
    }

    /// Whether the words `rest`, after a comma inside a tagged name, are the sentence going
    /// on ("The Aviator, starring Leonardo") rather than more of the name ("Goldman, Sachs
    /// & Co", "Washington, D.C."): a lower-case word that is no connector.
    fn runs_into_sentence(&self, rest: Range<usize>) -> bool {
        rest.into_iter().any(|i| {
            let word = self.word(i);
            word.starts_with(char::is_lowercase) && !NAME_CONNECTORS.contains(&word)
        })
    }
}

#[cfg(test)]
mod tests {
    use stancegraph_core::EntityType::{Gpe, Loc, Misc, Org, Per};

    use super::{is_name_part_after_hyphen, is_name_part_before_hyphen};
    use crate::resolve::resolve_entities;
    use crate::resolve::test_support::{document, document_cut_at_hyphens};

    fn names(doc: &stancegraph_core::Document) -> Vec<&str> {
        doc.entities.iter().map(|e| e.canonical.as_str()).collect()
    }

    #[test]
    fn hyphen_parts_of_names_and_of_modifiers() {
        for part in ["Raybould", "un", "wen", "16", "Lavalin", "e-Taiba"] {
            assert!(is_name_part_after_hyphen(part), "{part}");
        }
        for part in ["era", "based", "enabled", "winning", "led", "free", "-"] {
            assert!(!is_name_part_after_hyphen(part), "{part}");
        }
        assert!(is_name_part_before_hyphen("al"));
        assert!(is_name_part_before_hyphen("Trans"));
        assert!(!is_name_part_before_hyphen("then"));
        assert!(!is_name_part_before_hyphen("anti"));
    }

    #[test]
    fn a_modifier_made_with_a_name_is_not_part_of_it() {
        let mut doc = document_cut_at_hyphens(
            "The Trump-era rules were loosened by a Sacramento-based firm .\nKim Jong-un and then-Sen. Obama met .\n",
            &[
                ("Trump", Per),
                ("Sacramento", Org),
                ("Kim Jong", Per),
                ("Sen. Obama", Per),
            ],
        );
        resolve_entities(&mut doc);
        assert_eq!(
            names(&doc),
            ["Trump", "Sacramento", "Kim Jong-un", "Obama"],
            "{:?}",
            doc.entities
        );
    }

    #[test]
    fn a_name_ends_before_a_comma_into_the_sentence_and_an_open_bracket() {
        let mut doc = document(
            "The Aviator , starring Leonardo , won .\nGoldman , Sachs & Co and Agency ( USADA said so .\nJo * * Al wrote ( Ann Lee .\n",
            &[
                ("Aviator , starring Leonardo", Misc),
                ("Goldman , Sachs & Co", Org),
                ("Agency ( USADA", Org),
                ("Jo * * Al", Per),
                ("( Ann Lee", Per),
            ],
        );
        resolve_entities(&mut doc);
        assert_eq!(
            names(&doc),
            ["Aviator", "Goldman , Sachs & Co", "Agency", "Ann Lee"],
            "{:?}",
            doc.entities
        );
    }

    #[test]
    fn a_quotation_dash_or_an_at_sign_is_no_part_of_a_name() {
        let mut doc = document(
            "― Jorge Falcon\nThe show is @ Ruoff Music Center tonight .\n",
            &[("― Jorge Falcon", Per), ("@ Ruoff Music Center", Misc)],
        );
        resolve_entities(&mut doc);
        assert_eq!(names(&doc), ["Jorge Falcon", "Ruoff Music Center"]);
    }

    #[test]
    fn a_name_ends_without_stray_brackets_scores_or_quotes() {
        let mut doc = document(
            "Coach [ Elise ] won .\nCristian Garin 6-2 lost and Bobby ! cheered .\n`` Perhaps so , '' Ann Lee said .\n",
            &[
                ("Elise ]", Per),
                ("Cristian Garin 6-2", Per),
                ("Bobby !", Per),
                ("`` Perhaps", Misc),
                ("Ann Lee", Per),
            ],
        );
        let text = doc.text().to_string();
        for token in doc.tokens.iter_mut() {
            let upos = match &text[token.span.start..token.span.end] {
                "Perhaps" => "ADV",
                _ => "PROPN",
            };
            token.upos = Some(upos.to_string());
        }
        resolve_entities(&mut doc);
        assert_eq!(names(&doc), ["Elise", "Cristian Garin", "Bobby", "Ann Lee"]);
    }

    #[test]
    fn in_a_title_case_line_a_name_ends_at_a_verb_or_function_word() {
        let mut doc = document(
            "Hillary Clinton Was Headed to ER But Diverted to Avoid Bad Optics\nSaratoga Performing Arts Center Honors Mom Corners On Refugees\n",
            &[
                ("Hillary Clinton Was Headed", Per),
                ("Saratoga Performing Arts Center", Org),
                ("Mom Corners On", Org),
            ],
        );
        let text = doc.text().to_string();
        for token in doc.tokens.iter_mut() {
            let upos = match &text[token.span.start..token.span.end] {
                "Was" => "AUX",
                "Headed" | "Diverted" | "Avoid" | "Performing" | "Honors" => "VERB",
                "to" | "On" => "ADP",
                "But" => "CCONJ",
                _ => "PROPN",
            };
            token.upos = Some(upos.to_string());
        }
        resolve_entities(&mut doc);
        assert_eq!(
            names(&doc),
            [
                "Hillary Clinton",
                "Saratoga Performing Arts Center",
                "Mom Corners"
            ],
            "{:?}",
            doc.entities
        );
    }

    #[test]
    fn a_name_ends_where_the_sentence_takes_over() {
        let mut doc = document(
            "Gerard Lee met New York officials .\nThe Century painting and the Kenyan Government 's education plan sold .\nOsama bin Laden and iPad Pro .\nThe Cannes Film Festival in 2002 opened .\nThe US administration agreed .\n",
            &[
                ("Gerard Lee met New York", Per),
                ("Century painting", Loc),
                ("Kenyan Government 's education", Org),
                ("Osama bin Laden", Per),
                ("iPad Pro", Misc),
                ("Cannes Film Festival in 2002", Org),
                ("US administration", Org),
            ],
        );
        let text = doc.text().to_string();
        for token in doc.tokens.iter_mut() {
            let upos = match &text[token.span.start..token.span.end] {
                // A tagger may read a particle as a verb: it stays in the name.
                "met" | "bin" => "VERB",
                _ => "PROPN",
            };
            token.upos = Some(upos.to_string());
        }
        resolve_entities(&mut doc);
        assert_eq!(
            names(&doc),
            [
                "Gerard Lee",
                "Century",
                "Kenyan Government",
                "Osama bin Laden",
                "iPad Pro",
                "Cannes Film Festival",
                "United States government",
                "United States"
            ],
            "{:?}",
            doc.entities
        );
    }

    #[test]
    fn a_name_cut_shorter_counts_less_for_its_type() {
        let line = "The New York businessman spoke .\n";
        let text = format!("{}New York voted .\nNew York agreed .\n", line.repeat(3));
        let mut names = vec![("New York businessman", Org); 3];
        names.extend([("New York", Gpe), ("New York", Gpe)]);
        let mut doc = document(&text, &names);
        resolve_entities(&mut doc);
        let types: Vec<_> = doc.entities.iter().map(|e| e.entity_type).collect();
        assert_eq!(types, [Gpe], "{:?}", doc.entities);
    }
}
