//! The edges of a tagged source, as PolNeAR marks them:
//! - a relative pronoun after the source's comma belongs to the clause, not the source
//!   ("Mr. Obama, | who said …" → "Mr. Obama");
//! - a comma that ends a source without another comma inside is the sentence's, not the
//!   source's ("The Tax Policy Center, | reviewing …"); an apposition's closing comma stays
//!   ("Mr. King, 82,");
//! - an apposition the source opens closes with its comma ("Mr. King, 82|,"), and a
//!   closing aside that opens with a preposition is not the source's ("Donald Trump, | in
//!   particular,");
//! - a negation before a quantifier is part of the source ("Not everyone", "No one");
//! - a dangling word the tagger ran on with is not the source's: a preposition or a verb
//!   right after the noun ("Congress | with", "Protesters | marching through"), a dateline
//!   before it ("BRUSSELS - | European leaders"), "how" ("how | experts");
//! - a time phrase at the end is the attribution's, not the source's ("an arbitration
//!   panel | in 2001", "the Supreme Court | this month"): a date of the entities stage
//!   with its preposition, or "this" / "last" … with a unit of time.

use stancegraph_core::{Document, EntityType};

use crate::attribution::{mentions_over, token_text as word, RoleSpan};
use crate::tagger::SOURCE;

const RELATIVE_PRONOUNS: &[&str] = &["who", "which", "that"];
const NEGATIONS: &[&str] = &["not", "no"];
const QUANTIFIERS: &[&str] = &["everyone", "everybody", "one", "all", "many"];

/// Adjusts the edges of every source of `spans` (see the module docs).
pub fn fix_source_edges(doc: &Document, spans: &mut [RoleSpan]) {
    let lower = |i: usize| word(doc, i).to_lowercase();
    for span in spans.iter_mut().filter(|s| s.role == SOURCE) {
        trim_dangling_words(doc, span);
        if span.last > span.first + 1
            && RELATIVE_PRONOUNS.contains(&lower(span.last).as_str())
            && word(doc, span.last - 1) == ","
        {
            span.last -= 1;
        }
        trim_parenthetical(doc, span);
        let other_comma = (span.first..span.last).any(|i| word(doc, i) == ",");
        if span.last > span.first && word(doc, span.last) == "," && !other_comma {
            span.last -= 1;
        }
        // "Mr. King, 82 | ,": an apposition the source opens closes with its comma.
        if other_comma && word(doc, span.last) != "," && word(doc, span.last + 1) == "," {
            span.last += 1;
        }
        span.last = before_time_phrase(doc, span.first, span.last);
        if span.first > 0
            && QUANTIFIERS.contains(&lower(span.first).as_str())
            && NEGATIONS.contains(&lower(span.first - 1).as_str())
        {
            span.first -= 1;
        }
    }
}

/// Drops what the tagger ran a source on with (see the module docs).
fn trim_dangling_words(doc: &Document, span: &mut RoleSpan) {
    let upos = |i: usize| doc.tokens.get(i).and_then(|t| t.upos.as_deref());
    let lowercase = |i: usize| word(doc, i).starts_with(|c: char| c.is_lowercase());
    while span.last > span.first && lowercase(span.last) {
        let after_noun = matches!(upos(span.last - 1), Some("NOUN" | "PROPN"));
        match upos(span.last) {
            Some("ADP") => span.last -= 1,
            Some("VERB") if after_noun => span.last -= 1,
            _ => break,
        }
    }
    let dateline = span.last > span.first + 1
        && word(doc, span.first)
            .chars()
            .all(|c| c.is_ascii_uppercase())
        && word(doc, span.first).len() > 2
        && matches!(word(doc, span.first + 1), "-" | "—" | "–");
    if dateline {
        span.first += 2;
    }
    if span.last > span.first && word(doc, span.first).eq_ignore_ascii_case("how") {
        span.first += 1;
    }
}

/// Drops a closing comma-enclosed phrase that opens with a preposition: an aside about
/// the speaker, not a name for them ("Donald Trump, | in particular,",
/// "Hillary Clinton, | like Obama,"); an apposition ("Mr. King, 82,", "Mr. Obama, who …")
/// stays.
fn trim_parenthetical(doc: &Document, span: &mut RoleSpan) {
    if span.last <= span.first + 2 || word(doc, span.last) != "," {
        return;
    }
    let Some(open) = (span.first + 1..span.last)
        .rev()
        .find(|&i| word(doc, i) == ",")
    else {
        return;
    };
    let aside = doc.tokens.get(open + 1).and_then(|t| t.upos.as_deref()) == Some("ADP")
        && !word(doc, open + 1).eq_ignore_ascii_case("including")
        && open + 1 < span.last;
    if aside {
        span.last = open - 1;
    }
}

const TIME_UNITS: &[&str] = &["week", "month", "year", "weekend", "morning", "evening"];
const DEICTICS: &[&str] = &["this", "last", "next", "earlier", "later"];

/// The last token of a source from `first` to `last` without a time phrase at its end
/// ([`time_phrase_start`]); `last` when there is none or nothing would stay.
fn before_time_phrase(doc: &Document, first: usize, last: usize) -> usize {
    let Some(phrase_start) = time_phrase_start(doc, last) else {
        return last;
    };
    // "a poll released last week": the time belongs to the participle's clause.
    let participle = (first..phrase_start)
        .any(|i| doc.tokens.get(i).and_then(|t| t.upos.as_deref()) == Some("VERB"));
    if phrase_start > first && !participle {
        phrase_start - 1
    } else {
        last
    }
}

/// The first token of a time phrase ending at token `last`: a date the entities stage
/// found ("2001" after "in", "Monday", "July 2015") with its preposition, or a deictic
/// one ("this month", "last week").
fn time_phrase_start(doc: &Document, last: usize) -> Option<usize> {
    let lower = |i: usize| word(doc, i).to_lowercase();
    let token = doc.tokens.get(last)?;
    let date = mentions_over(doc, token.span)
        .find(|m| m.entity_type == EntityType::Date && m.span.end == token.span.end);
    if let Some(date) = date {
        let first = doc
            .tokens
            .partition_point(|t| t.span.start < date.span.start);
        let preposition = first
            .checked_sub(1)
            .filter(|&i| matches!(lower(i).as_str(), "in" | "on"));
        return Some(preposition.unwrap_or(first));
    }
    let deictic = TIME_UNITS.contains(&lower(last).as_str())
        && last
            .checked_sub(1)
            .is_some_and(|i| DEICTICS.contains(&lower(i).as_str()));
    deictic.then(|| last - 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_docs::{analysed, token};

    /// The source tagged over tokens `first..=last` of `doc`, after the edge rules.
    fn fixed_source(doc: &Document, first: usize, last: usize) -> String {
        let mut spans = vec![RoleSpan {
            role: SOURCE,
            first,
            last,
            margin: 1.0,
        }];
        fix_source_edges(doc, &mut spans);
        let (a, b) = (spans[0].first, spans[0].last);
        doc.text()[doc.tokens[a].span.start..doc.tokens[b].span.end].to_string()
    }

    /// [`fixed_source`] from the word `first` to the next `last_word`.
    fn source_after(text: &str, first: &str, last_word: &str) -> Option<String> {
        let doc = analysed(text)?;
        let first = token(&doc, first);
        let last = (first..doc.tokens.len()).find(|&i| word(&doc, i) == last_word)?;
        Some(fixed_source(&doc, first, last))
    }

    #[test]
    fn a_relative_pronoun_and_a_lone_closing_comma_leave_the_source() {
        let Some(source) = source_after("Mr. Obama, who spoke first, said it works.", "Mr.", "who")
        else {
            return;
        };
        assert_eq!(source, "Mr. Obama");
        let Some(source) = source_after("The Tax Center, reviewing it, said so.", "The", ",")
        else {
            return;
        };
        assert_eq!(source, "The Tax Center");
    }

    #[test]
    fn an_apposition_closes_with_its_comma_and_an_aside_leaves_the_source() {
        let Some(source) = source_after("Mr. King, 82, said it works.", "Mr.", "82") else {
            return;
        };
        assert_eq!(source, "Mr. King, 82,");
        // Tagged up to the aside's closing comma (the second comma).
        let Some(doc) = analysed("Donald Trump, in particular, said it works.") else {
            return;
        };
        let second_comma = (0..doc.tokens.len())
            .filter(|&i| word(&doc, i) == ",")
            .nth(1)
            .expect("two commas");
        assert_eq!(fixed_source(&doc, 0, second_comma), "Donald Trump");
    }

    /// Each (text, first word, last word, source wanted) after the edge rules.
    fn assert_sources(cases: &[(&str, &str, &str, &str)]) {
        for &(text, first, last, want) in cases {
            let Some(source) = source_after(text, first, last) else {
                return;
            };
            assert_eq!(source, want, "{text}");
        }
    }

    #[test]
    fn dangling_words_leave_the_source() {
        assert_sources(&[
            (
                "Protesters marching through the city said no.",
                "Protesters",
                "through",
                "Protesters",
            ),
            (
                "Congress with one voice said no.",
                "Congress",
                "with",
                "Congress",
            ),
            (
                "BRUSSELS - European leaders said no.",
                "BRUSSELS",
                "leaders",
                "European leaders",
            ),
            (
                "He asked how experts would see it.",
                "how",
                "experts",
                "experts",
            ),
            (
                "All the experts I interviewed said no.",
                "All",
                "interviewed",
                "All the experts I interviewed",
            ),
        ]);
    }

    #[test]
    fn a_time_phrase_at_the_end_leaves_the_source() {
        assert_sources(&[
            (
                "An arbitration panel in 2001 said it was legal.",
                "An",
                "2001",
                "An arbitration panel",
            ),
            (
                "The Supreme Court this month said no.",
                "The",
                "month",
                "The Supreme Court",
            ),
            (
                "The agency on Monday said no.",
                "The",
                "Monday",
                "The agency",
            ),
            (
                "A poll released last week said so.",
                "A",
                "week",
                "A poll released last week",
            ),
        ]);
    }

    #[test]
    fn an_apposition_keeps_its_closing_comma_and_a_negation_joins_its_quantifier() {
        let Some(doc) = analysed("Mr. King, 82, said it works.") else {
            return;
        };
        let mut spans = vec![RoleSpan {
            role: SOURCE,
            first: 0,
            last: token(&doc, "said") - 1,
            margin: 1.0,
        }];
        fix_source_edges(&doc, &mut spans);
        assert_eq!(word(&doc, spans[0].last), ",", "Mr. King, 82,");
        let Some(source) =
            source_after("Not everyone agrees that it works.", "everyone", "everyone")
        else {
            return;
        };
        assert_eq!(source, "Not everyone");
    }
}
