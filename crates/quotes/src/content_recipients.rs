//! A reported content the tagger started on the person told ("told | the BBC progress had
//! been made", "assured | residents the water was safe", "told | him the offer was final"):
//! "tell" and its kin take whom they address before what is said, and PolNeAR leaves the
//! addressee (with a date or a setting after it: "told CNN Tuesday", "told reporters in a
//! briefing that …") out of the content. Only contents outside quote marks change, and only
//! where a clause with a finite verb remains.

use stancegraph_core::{Document, EntityType, MentionKind};

use crate::attribution::{is_finite_verb, mentions_over, token_text, Linked, OuterIndex};
use crate::marks::QuoteRegion;
use crate::speakers::lower;

/// Lemmas of verbs that name whom they address before the clause ("told reporters the …").
const ADDRESSING_VERBS: &[&str] = &["tell", "assure", "inform", "remind", "notify"];
/// Object pronouns that are an addressee on their own.
const OBJECT_PRONOUNS: &[&str] = &["me", "him", "her", "us", "them", "you"];
/// Tokens a setting may run before its "that" ("in a phone interview that …").
const SETTING_REACH: usize = 8;

/// Starts each unquoted content linked to an addressing cue right before it after the
/// addressee the tagger let into it. Runs on linked attributions, not on role spans: cut
/// before linking, the content would lie farther from its cue than a neighbour's.
pub fn drop_leading_recipients(doc: &Document, regions: &[QuoteRegion], links: &mut [Linked]) {
    // Indexed, not scanned per content: a flood of quotes would make the scan quadratic.
    let quoted_regions = OuterIndex::from_spans(regions.iter().map(QuoteRegion::outer).collect());
    for linked in links.iter_mut() {
        let Some(cue) = linked.cue else { continue };
        let span = &mut linked.content;
        let addressing = cue.last + 1 == span.first
            && doc
                .tokens
                .get(cue.last)
                .and_then(|t| t.lemma.as_deref())
                .is_some_and(|lemma| ADDRESSING_VERBS.contains(&lemma));
        if !addressing {
            continue;
        }
        let quoted = crate::attribution::token_span(doc, span.first, span.last)
            .is_none_or(|content| quoted_regions.any_overlapping(content));
        if quoted {
            continue;
        }
        let Some(addressee_last) = addressee_end(doc, span.first, span.last) else {
            continue;
        };
        let first = said_start(doc, addressee_last + 1, span.last);
        if first <= span.last
            && opens_clause(doc, first)
            && (first..=span.last).any(|i| is_finite_verb(doc, i))
        {
            span.first = first;
        }
    }
}

/// The last token of the addressee that opens the content at `first`: a name (with its
/// "the"), an object pronoun, or a noun phrase up to its last noun ("reporters", "a crowd
/// in Miami" stops at "in").
fn addressee_end(doc: &Document, first: usize, last: usize) -> Option<usize> {
    let article = matches!(lower(doc, first).as_str(), "the" | "a" | "an");
    let name_at = if article { first + 1 } else { first };
    if let Some(token) = doc.tokens.get(name_at) {
        let name = mentions_over(doc, token.span).find(|m| {
            m.span.start == token.span.start
                && m.kind == MentionKind::Name
                && matches!(
                    m.entity_type,
                    EntityType::Per
                        | EntityType::Org
                        | EntityType::Gpe
                        | EntityType::Loc
                        | EntityType::Norp
                )
        });
        if let Some(name) = name {
            let mut end = doc
                .tokens
                .partition_point(|t| t.span.start < name.span.end)
                .checked_sub(1)?;
            // A nationality modifies the noun after it ("the American people").
            if name.entity_type == EntityType::Norp {
                while doc
                    .tokens
                    .get(end + 1)
                    .is_some_and(|t| t.upos.as_deref() == Some("NOUN"))
                {
                    end += 1;
                }
            }
            return Some(end).filter(|&end| end < last);
        }
    }
    let word = lower(doc, first);
    let upos = |i: usize| doc.tokens.get(i).and_then(|t| t.upos.as_deref());
    let noun_follows = matches!(upos(first + 1), Some("NOUN" | "ADJ" | "PROPN"));
    if OBJECT_PRONOUNS.contains(&word.as_str()) && !(word == "her" && noun_follows) {
        return Some(first);
    }
    // A noun phrase: determiners and modifiers, then nouns; a second determiner or a
    // pronoun starts the said clause ("reporters | the plan would …").
    let mut head = None;
    for i in first..=last {
        let opens_phrase = i == first && (article || word == "her");
        match upos(i) {
            Some("DET") if opens_phrase => {}
            Some("PRON") if opens_phrase => {}
            Some("ADJ" | "NUM") if head.is_none() => {}
            Some("NOUN" | "PROPN") => head = Some(i),
            _ => break,
        }
    }
    head.filter(|&h| h < last)
}

/// Where what is said starts after the addressee ending before `at`: past a date ("told
/// CNN Tuesday,"), or at the "that" after a setting ("told reporters in a briefing that").
fn said_start(doc: &Document, mut at: usize, last: usize) -> usize {
    // A date the entities stage marked, after "on" or alone ("on Tuesday", "last week").
    if lower(doc, at) == "on" && is_date(doc, at + 1) {
        at += 1;
    }
    while at <= last && is_date(doc, at) {
        at += 1;
    }
    if token_text(doc, at) == "," {
        at += 1;
    }
    if matches!(
        lower(doc, at).as_str(),
        "in" | "at" | "during" | "after" | "on"
    ) {
        let that = (at + 1..=last.min(at + SETTING_REACH))
            .take_while(|&i| !is_finite_verb(doc, i))
            .find(|&i| lower(doc, i) == "that");
        if let Some(that) = that {
            return that;
        }
    }
    at
}

/// Whether token `i` lies in a DATE mention.
fn is_date(doc: &Document, i: usize) -> bool {
    doc.tokens
        .get(i)
        .is_some_and(|t| mentions_over(doc, t.span).any(|m| m.entity_type == EntityType::Date))
}

/// Whether token `i` can open the said clause: "that", or the first word of its subject.
fn opens_clause(doc: &Document, i: usize) -> bool {
    lower(doc, i) == "that"
        || doc.tokens.get(i).is_some_and(|t| {
            matches!(
                t.upos.as_deref(),
                Some("DET" | "PRON" | "PROPN" | "NOUN" | "NUM" | "ADJ")
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attribution::{token_span, RoleSpan};
    use crate::rules::test_docs::{analysed, token};
    use crate::tagger::{CONTENT, CUE};

    /// The content of `text` from the word `first` to its last word before the full stop,
    /// after the rule.
    fn content_after(text: &str, first: &str) -> Option<String> {
        let doc = analysed(text)?;
        let first = token(&doc, first);
        let role = |role, first, last| RoleSpan {
            role,
            first,
            last,
            margin: 1.0,
        };
        let mut links = vec![Linked {
            content: role(CONTENT, first, doc.tokens.len() - 2),
            cue: Some(role(CUE, first - 1, first - 1)),
            source: None,
        }];
        let regions = crate::sentence_quote_regions(&doc);
        drop_leading_recipients(&doc, &regions, &mut links);
        let span = token_span(&doc, links[0].content.first, links[0].content.last)?;
        Some(doc.slice(span).to_string())
    }

    #[test]
    fn the_person_told_is_not_what_was_said() {
        let cases = [
            (
                "Ms Kelly told the BBC progress had been made.",
                "the",
                "progress had been made",
            ),
            (
                "The mayor assured residents the water was safe.",
                "residents",
                "the water was safe",
            ),
            (
                "Brown told him the offer was final.",
                "him",
                "the offer was final",
            ),
            (
                "Lee told her staff the plan was dead.",
                "her",
                "the plan was dead",
            ),
            (
                "Obama told the American people we are winning.",
                "the",
                "we are winning",
            ),
            (
                "Smith told CNN on Tuesday he would run again.",
                "CNN",
                "he would run again",
            ),
            (
                "Jones told reporters at a briefing that the deal was dead.",
                "reporters",
                "that the deal was dead",
            ),
        ];
        for (text, first, said) in cases {
            let Some(content) = content_after(text, first) else {
                return;
            };
            assert_eq!(content, said, "{text}");
        }
    }

    #[test]
    fn a_content_without_addressee_or_clause_keeps_its_words() {
        // "said" addresses no one; "told the story" says nothing after its object.
        let Some(content) = content_after("Jones said the deal was dead.", "the") else {
            return;
        };
        assert_eq!(content, "the deal was dead");
        let Some(content) = content_after("Jones told the story of his youth.", "the") else {
            return;
        };
        assert_eq!(content, "the story of his youth");
    }
}
