//! A reported content the tagger stopped in the middle of a phrase is completed along the
//! parse: "Trump said he has a very | good relationship with Xi" ends on "very", whose head
//! ("good") lies after it, so the content runs on over the untagged words that hang from the
//! clause it has started, up to the first word that does not (the full stop of a sentence
//! whose root lies outside the content, a comma before the next clause, a tagged cue or
//! source; a stop that hangs from a root inside the content is taken over, and trimming it
//! changed no PolNeAR dev span). A content whose last word's head
//! lies inside it or before it is left as the tagger decided, so only spans that are cut
//! inside a phrase change.
//!
//! Two contents side by side in a sentence are one content the tagger split when the
//! second opens a "that"/"to" clause of the first ("urged supporters | to monitor polling
//! places", "the notion | that Democrats …") or its phrase hangs from a word of the first
//! ("the suggestion | he won't be ready"); they are joined first.

use stancegraph_core::Document;

use crate::attribution::RoleSpan;
use crate::tagger::{CONTENT, O};

/// Joins the contents of `spans` the tagger split, then extends every content span whose
/// last token is a word governed by an untagged word after it in the same sentence (see the
/// module docs). `tags` are the decoded role tags, one per token; spans of other roles and
/// tagged tokens are never taken over.
pub fn complete_truncated_contents(doc: &Document, tags: &[usize], spans: &mut Vec<RoleSpan>) {
    join_split_contents(doc, spans);
    for index in 0..spans.len() {
        let Some(span) = spans.get(index).copied() else {
            continue;
        };
        if span.role != CONTENT || !is_truncated(doc, tags, span.last) {
            continue;
        }
        let limit = spans
            .get(index + 1)
            .map_or(doc.tokens.len(), |next| next.first);
        let last = completed_end(doc, tags, span.first, span.last, limit);
        if let Some(completed) = spans.get_mut(index) {
            completed.last = last;
        }
    }
}

/// Joins each content with the content right after it when the second opens a clause of
/// the first or hangs from it (see the module docs).
fn join_split_contents(doc: &Document, spans: &mut Vec<RoleSpan>) {
    // Rebuilt in one pass: removing joined spans one by one is quadratic on a flood.
    let mut joined: Vec<RoleSpan> = Vec::with_capacity(spans.len());
    for next in spans.drain(..) {
        if let Some(span) = joined.last_mut() {
            let joins = span.role == CONTENT
                && next.role == CONTENT
                && next.first == span.last + 1
                && (opens_own_clause(doc, *span) || continues_phrase(doc, *span, next));
            if joins {
                span.last = next.last;
                span.margin = span.margin.min(next.margin);
                continue;
            }
        }
        joined.push(next);
    }
    *spans = joined;
}

/// Whether the content `next`, in the same sentence, is a dependent of a word of `span`:
/// its phrase's head hangs from inside `span` ("the suggestion | he won't be ready").
fn continues_phrase(doc: &Document, span: RoleSpan, next: RoleSpan) -> bool {
    let same_sentence = doc.tokens.get(span.last).map(|t| t.sentence)
        == doc.tokens.get(next.first).map(|t| t.sentence);
    let root = (next.first..=next.last).find(|&i| {
        doc.tokens
            .get(i)
            .and_then(|t| t.head)
            .is_none_or(|h| !(next.first..=next.last).contains(&(h as usize)))
    });
    same_sentence
        && root.is_some_and(|root| {
            doc.tokens
                .get(root)
                .and_then(|t| t.head)
                .is_some_and(|h| (span.first..=span.last).contains(&(h as usize)))
        })
}

/// Whether the content ending at token `last` stops inside a phrase: `last` is a word
/// whose head is an untagged token after it in the same sentence.
fn is_truncated(doc: &Document, tags: &[usize], last: usize) -> bool {
    let Some(token) = doc.tokens.get(last) else {
        return false;
    };
    if !doc.slice(token.span).chars().any(char::is_alphanumeric) {
        return false;
    }
    token.head.map(|h| h as usize).is_some_and(|head| {
        head > last
            && tags.get(head) == Some(&O)
            && doc.tokens.get(head).map(|t| t.sentence) == Some(token.sentence)
    })
}

/// Whether the word after `span` starts a "that" or "to"-infinitive clause of its own: a
/// "that"/"to" marker in the same sentence whose clause hangs from a word of the span ("the
/// notion | that …"), or, for "to", from the word the span hangs from ("urged Congress | to
/// act", the object and its infinitive read together).
fn opens_own_clause(doc: &Document, span: RoleSpan) -> bool {
    let next = span.last + 1;
    let (Some(last), Some(marker)) = (doc.tokens.get(span.last), doc.tokens.get(next)) else {
        return false;
    };
    let word = doc.slice(marker.span);
    let is_to = word.eq_ignore_ascii_case("to");
    let is_marker = marker.deprel.as_deref().map_or_else(
        || matches!(marker.upos.as_deref(), Some("SCONJ" | "PART")),
        |d| d == "mark",
    );
    if marker.sentence != last.sentence
        || !is_marker
        || !(is_to || word.eq_ignore_ascii_case("that"))
    {
        return false;
    }
    let Some(clause) = marker.head.map(|h| h as usize).filter(|&h| h > next) else {
        return false;
    };
    if has_ancestor_in(doc, clause, span.first, span.last) {
        return true;
    }
    let clause_head = doc.tokens.get(clause).and_then(|t| t.head);
    let outside = clause_head.is_some_and(|h| !(span.first..=span.last).contains(&(h as usize)));
    is_to
        && outside
        && (span.first..=span.last).any(|i| doc.tokens.get(i).and_then(|t| t.head) == clause_head)
}

/// The last token of the completed content `first..=last`: untagged tokens of the same
/// sentence before `limit` are added while each is connected to the content by the parse
/// (it governs the content's last token, or one of its heads lies in the content).
fn completed_end(doc: &Document, tags: &[usize], first: usize, last: usize, limit: usize) -> usize {
    let Some(sentence) = doc.tokens.get(last).map(|t| t.sentence) else {
        return last;
    };
    let mut end = last;
    for next in last + 1..limit {
        let Some(token) = doc.tokens.get(next) else {
            break;
        };
        let connected = token.sentence == sentence
            && tags.get(next) == Some(&O)
            && (governs(doc, next, end) || has_ancestor_in(doc, next, first, end));
        if !connected {
            break;
        }
        end = next;
    }
    end
}

/// Whether `ancestor` lies on the head chain of token `of`.
fn governs(doc: &Document, ancestor: usize, of: usize) -> bool {
    head_chain(doc, of).any(|h| h == ancestor)
}

/// Whether a head of token `of` (its head, that head's head, …) lies in `first..=last`.
fn has_ancestor_in(doc: &Document, of: usize, first: usize, last: usize) -> bool {
    head_chain(doc, of).any(|h| (first..=last).contains(&h))
}

/// The heads above token `of`, nearest first; bounded by the document's length so a
/// malformed (cyclic) parse cannot loop.
fn head_chain(doc: &Document, of: usize) -> impl Iterator<Item = usize> + '_ {
    let mut current = of;
    (0..doc.tokens.len()).map_while(move |_| {
        let head = doc.tokens.get(current)?.head? as usize;
        current = head;
        Some(head)
    })
}

#[cfg(test)]
mod tests {
    use stancegraph_core::Document;

    use super::*;
    use crate::tagger::begin_tag;
    use crate::test_quotes::{content, parsed};

    /// "Trump said he has a very good relationship with Xi ." as the default parser reads it.
    fn warm_sentence() -> Document {
        parsed(&[
            ("Trump", Some(1)),
            ("said", None),
            ("he", Some(3)),
            ("has", Some(1)),
            ("a", Some(7)),
            ("very", Some(6)),
            ("good", Some(7)),
            ("relationship", Some(3)),
            ("with", Some(9)),
            ("Xi", Some(7)),
            (".", Some(1)),
        ])
    }

    #[test]
    fn a_content_cut_inside_a_phrase_runs_on_to_the_end_of_its_clause() {
        let doc = warm_sentence();
        let tags = vec![O; doc.tokens.len()];
        let mut spans = vec![content(2, 5)];
        complete_truncated_contents(&doc, &tags, &mut spans);
        assert_eq!(spans[0].last, 9, "up to 'Xi', not the full stop");
    }

    #[test]
    fn a_content_that_ends_a_phrase_is_kept() {
        let doc = warm_sentence();
        let tags = vec![O; doc.tokens.len()];
        let mut spans = vec![content(2, 7)];
        complete_truncated_contents(&doc, &tags, &mut spans);
        assert_eq!(
            spans[0].last, 7,
            "'relationship' hangs from 'has', inside the content"
        );
    }

    #[test]
    fn tagged_words_and_the_next_span_stop_the_completion() {
        let doc = warm_sentence();
        let mut tags = vec![O; doc.tokens.len()];
        tags[8] = 5;
        let mut spans = vec![content(2, 5)];
        complete_truncated_contents(&doc, &tags, &mut spans);
        assert_eq!(spans[0].last, 7, "'with' is tagged");
        let tags = vec![O; doc.tokens.len()];
        let mut spans = vec![content(2, 5), content(7, 9)];
        complete_truncated_contents(&doc, &tags, &mut spans);
        assert_eq!(spans[0].last, 6, "the next span starts at 'relationship'");
    }

    /// "He urged supporters to monitor polling places ." with "supporters" and the
    /// infinitive tagged as two contents.
    fn urged_sentence() -> (Document, Vec<usize>, Vec<RoleSpan>) {
        let mut doc = parsed(&[
            ("He", Some(1)),
            ("urged", None),
            ("supporters", Some(1)),
            ("to", Some(4)),
            ("monitor", Some(1)),
            ("polling", Some(6)),
            ("places", Some(4)),
            (".", Some(1)),
        ]);
        doc.tokens[3].deprel = Some("mark".to_string());
        doc.tokens[4].upos = Some("VERB".to_string());
        let content_begin = begin_tag(CONTENT);
        let mut tags = vec![O; doc.tokens.len()];
        tags[2] = content_begin;
        tags[3] = content_begin;
        tags[4..=6].fill(content_begin + 1);
        (doc, tags, vec![content(2, 2), content(3, 6)])
    }

    #[test]
    fn an_object_and_its_infinitive_split_by_the_tagger_are_one_content() {
        let (doc, tags, mut spans) = urged_sentence();
        complete_truncated_contents(&doc, &tags, &mut spans);
        assert_eq!(spans, vec![content(2, 6)]);
    }

    #[test]
    fn a_content_after_a_word_that_is_no_clause_marker_stays_apart() {
        let (mut doc, tags, mut spans) = urged_sentence();
        doc.tokens[3].deprel = Some("case".to_string());
        complete_truncated_contents(&doc, &tags, &mut spans);
        assert_eq!(spans.len(), 2, "'to' as a preposition opens no clause");
    }

    /// "She dismissed the suggestion he is unready ." with the noun and its clause tagged
    /// as two contents; `clause_head` is the head of "unready".
    fn suggestion_sentence(clause_head: u32) -> (Document, Vec<usize>, Vec<RoleSpan>) {
        let doc = parsed(&[
            ("She", Some(1)),
            ("dismissed", None),
            ("the", Some(3)),
            ("suggestion", Some(1)),
            ("he", Some(6)),
            ("is", Some(6)),
            ("unready", Some(clause_head)),
            (".", Some(1)),
        ]);
        let content_begin = begin_tag(CONTENT);
        let mut tags = vec![O; doc.tokens.len()];
        tags[2] = content_begin;
        tags[3] = content_begin + 1;
        tags[4] = content_begin;
        tags[5..=6].fill(content_begin + 1);
        (doc, tags, vec![content(2, 3), content(4, 6)])
    }

    #[test]
    fn a_content_that_hangs_from_the_content_before_it_joins_it() {
        let (doc, tags, mut spans) = suggestion_sentence(3);
        complete_truncated_contents(&doc, &tags, &mut spans);
        assert_eq!(spans, vec![content(2, 6)]);
    }

    #[test]
    fn a_content_that_hangs_elsewhere_stays_apart() {
        let (doc, tags, mut spans) = suggestion_sentence(1);
        complete_truncated_contents(&doc, &tags, &mut spans);
        assert_eq!(spans, vec![content(2, 3), content(4, 6)]);
    }

    #[test]
    fn a_cyclic_parse_ends() {
        let doc = parsed(&[("he", Some(1)), ("has", Some(2)), ("a", Some(1))]);
        let tags = vec![O; doc.tokens.len()];
        let mut spans = vec![content(0, 0)];
        complete_truncated_contents(&doc, &tags, &mut spans);
        assert_eq!(spans[0].last, 2);
    }
}
