//! The edges of a tagged source, as PolNeAR marks them:
//! - a relative pronoun after the source's comma belongs to the clause, not the source
//!   ("Mr. Obama, | who said …" → "Mr. Obama");
//! - a comma that ends a source without another comma inside is the sentence's, not the
//!   source's ("The Tax Policy Center, | reviewing …"); an apposition's closing comma stays
//!   ("Mr. King, 82,");
//! - a negation before a quantifier is part of the source ("Not everyone", "No one").

use stancegraph_core::Document;

use crate::attribution::{token_text as word, RoleSpan};
use crate::tagger::SOURCE;

const RELATIVE_PRONOUNS: &[&str] = &["who", "which", "that"];
const NEGATIONS: &[&str] = &["not", "no"];
const QUANTIFIERS: &[&str] = &["everyone", "everybody", "one", "all", "many"];

/// Adjusts the edges of every source of `spans` (see the module docs).
pub fn fix_source_edges(doc: &Document, spans: &mut [RoleSpan]) {
    let lower = |i: usize| word(doc, i).to_lowercase();
    for span in spans.iter_mut().filter(|s| s.role == SOURCE) {
        if span.last > span.first + 1
            && RELATIVE_PRONOUNS.contains(&lower(span.last).as_str())
            && word(doc, span.last - 1) == ","
        {
            span.last -= 1;
        }
        let other_comma = (span.first..span.last).any(|i| word(doc, i) == ",");
        if span.last > span.first && word(doc, span.last) == "," && !other_comma {
            span.last -= 1;
        }
        if span.first > 0
            && QUANTIFIERS.contains(&lower(span.first).as_str())
            && NEGATIONS.contains(&lower(span.first - 1).as_str())
        {
            span.first -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_docs::{analysed, token};

    fn source_after(text: &str, first: &str, last_word: &str) -> Option<String> {
        let doc = analysed(text)?;
        let first = token(&doc, first);
        let last = (first..doc.tokens.len()).find(|&i| word(&doc, i) == last_word)?;
        let mut spans = vec![RoleSpan {
            role: SOURCE,
            first,
            last,
            margin: 1.0,
        }];
        fix_source_edges(&doc, &mut spans);
        let (a, b) = (spans[0].first, spans[0].last);
        Some(doc.text()[doc.tokens[a].span.start..doc.tokens[b].span.end].to_string())
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
