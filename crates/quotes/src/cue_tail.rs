//! A cue of a verb of saying that the tagger ran on into the start of a phrase after it
//! and stopped there: "said in an | interview", "said on Saturday night at the | rally",
//! "recalled of", "stated in". PolNeAR marks the verb alone ("said"); the cue ends at the
//! verb. Only a tail that starts with a preposition and ends on a preposition or article
//! (a phrase cut short) is dropped: "said Monday" and "according to" stay.

use stancegraph_core::Document;

use crate::attribution::{token_text as word, RoleSpan};
use crate::tagger::CUE;

/// Lemmas of the verbs of saying whose dangling tails are dropped ("told" is not among them:
/// "told reporters on" keeps its object).
const SAYING: &[&str] = &["say", "state", "warn", "recall", "write", "respond", "add"];

/// Words a cut-short phrase starts or ends with.
const PREPOSITIONS: &[&str] = &[
    "in", "at", "on", "of", "to", "with", "from", "for", "about", "by", "during",
];
const ARTICLES: &[&str] = &["a", "an", "the"];

/// Ends each cue of `spans` that runs from a verb of saying into a cut-short phrase at the
/// verb (see the module docs).
pub fn trim_dangling_cue_tails(doc: &Document, spans: &mut [RoleSpan]) {
    let lower = |i: usize| word(doc, i).to_lowercase();
    for span in spans.iter_mut().filter(|s| s.role == CUE) {
        let last = lower(span.last);
        if span.last <= span.first
            || !(PREPOSITIONS.contains(&last.as_str()) || ARTICLES.contains(&last.as_str()))
        {
            continue;
        }
        let verb = (span.first..span.last).find(|&i| {
            doc.tokens
                .get(i)
                .and_then(|t| t.lemma.as_deref())
                .is_some_and(|lemma| SAYING.contains(&lemma))
        });
        let Some(verb) = verb else { continue };
        if PREPOSITIONS.contains(&lower(verb + 1).as_str()) {
            span.last = verb;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_docs::{analysed, token};

    fn cue_after(text: &str, first: &str, last_word: &str) -> Option<String> {
        let doc = analysed(text)?;
        let (a, b) = (token(&doc, first), token(&doc, last_word));
        let mut spans = vec![RoleSpan {
            role: CUE,
            first: a,
            last: b,
            margin: 1.0,
        }];
        trim_dangling_cue_tails(&doc, &mut spans);
        let (start, end) = (doc.tokens[a].span.start, doc.tokens[spans[0].last].span.end);
        Some(doc.text()[start..end].to_string())
    }

    #[test]
    fn a_verb_of_saying_cut_off_in_a_phrase_after_it_is_the_cue() {
        let Some(cue) = cue_after("Lee said in an interview that taxes rise.", "said", "an") else {
            return;
        };
        assert_eq!(cue, "said");
        let Some(cue) = cue_after(
            "Kim recalled of the talks that nobody came.",
            "recalled",
            "of",
        ) else {
            return;
        };
        assert_eq!(cue, "recalled");
    }

    #[test]
    fn other_cues_and_whole_tails_stay() {
        let Some(cue) = cue_after("Lee called for a vote on the plan.", "called", "for") else {
            return;
        };
        assert_eq!(cue, "called for");
        let Some(cue) = cue_after("Taxes will rise, according to Lee.", "according", "to") else {
            return;
        };
        assert_eq!(cue, "according to");
        let Some(cue) = cue_after("Lee said Monday that taxes rise.", "said", "Monday") else {
            return;
        };
        assert_eq!(cue, "said Monday");
    }
}
