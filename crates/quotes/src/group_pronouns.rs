//! "they" after a group the text names without a name: "Republican senators are eager to
//! confirm judges, and they say …", "The owners, Tore Sohlberg and Lehla Abreder, said …
//! “…,” they said". The nearest such group speaks, not the organisation or country named
//! before it: a plural subject ("senators", "the Conservatives") or subjects joined by
//! "and", in the pronoun's sentence or the one before.

use stancegraph_core::{Document, Span};

/// How many sentences before the pronoun's own a group subject may stand.
const GROUP_SENTENCES: u32 = 1;

/// How many tokens before the pronoun a group subject may stand, and how long its phrase
/// may run on either side of its head: bounds that keep a text without sentence breaks
/// linear.
const GROUP_LOOKBACK: usize = 80;
const PHRASE_REACH: usize = 12;

/// The nearest plural subject before `source` (a "they" source) within
/// [`GROUP_SENTENCES`], outside quotes unless the source is quoted too (`in_quote` tells):
/// its phrase as an inclusive token range.
pub(crate) fn group_before(
    doc: &Document,
    source: Span,
    in_quote: impl Fn(Span) -> bool,
) -> Option<(usize, usize)> {
    let at = doc.tokens.partition_point(|t| t.span.end <= source.start);
    let sentence = doc.tokens.get(at)?.sentence;
    let source_quoted = in_quote(source);
    (at.saturating_sub(GROUP_LOOKBACK)..at)
        .rev()
        .take_while(|&k| {
            doc.tokens
                .get(k)
                .is_some_and(|t| sentence.saturating_sub(t.sentence) <= GROUP_SENTENCES)
        })
        .filter(|&k| {
            doc.tokens
                .get(k)
                .is_some_and(|t| in_quote(t.span) == source_quoted)
        })
        .find(|&k| is_group_subject(doc, k))
        .map(|k| phrase_of(doc, k))
}

/// The contiguous words the parse hangs from token `head` in its sentence up to a comma
/// after it, as an inclusive token range ("the restaurant's owners", "Tore Sohlberg and
/// Lehla Abreder").
fn phrase_of(doc: &Document, head: usize) -> (usize, usize) {
    let sentence = doc.tokens.get(head).map_or(0, |t| t.sentence as usize);
    let range = doc.sentence_token_range(sentence);
    // A verb inside is a parse that ran the phrase into its clause ("rules permit members").
    let member = |k: usize| {
        range.contains(&k)
            && crate::rules::dominated_by(doc, k, head)
            && doc
                .tokens
                .get(k)
                .is_some_and(|t| !matches!(t.upos.as_deref(), Some("VERB" | "AUX")))
    };
    let punctuation = |k: usize| {
        doc.tokens
            .get(k)
            .is_some_and(|t| !doc.slice(t.span).chars().any(char::is_alphanumeric))
    };
    let mut first = head;
    while first > head.saturating_sub(PHRASE_REACH) && member(first - 1) {
        first -= 1;
    }
    while first < head && punctuation(first) {
        first += 1;
    }
    let mut last = head;
    // An apposition or relative clause after a comma describes the group, not names it.
    while last < head + PHRASE_REACH
        && member(last + 1)
        && doc
            .tokens
            .get(last + 1)
            .is_some_and(|t| doc.slice(t.span) != ",")
    {
        last += 1;
    }
    (first, last)
}

/// Token `k` heads a subject that names several people: a plural name or noun of people,
/// or one joined to another by "and".
fn is_group_subject(doc: &Document, k: usize) -> bool {
    let Some(token) = doc.tokens.get(k) else {
        return false;
    };
    if !token
        .deprel
        .as_deref()
        .is_some_and(|d| d.starts_with("nsubj"))
        || !crate::non_speakers::names_people(doc, k)
    {
        return false;
    }
    let plural = matches!(token.xpos.as_deref(), Some("NNS" | "NNPS"));
    let noun = matches!(token.upos.as_deref(), Some("NOUN" | "PROPN"));
    let joined = noun
        && doc
            .tokens
            .iter()
            .enumerate()
            .skip(k + 1)
            .take(8)
            .any(|(j, t)| {
                t.head == Some(k as u32)
                    && t.deprel.as_deref() == Some("conj")
                    && (k + 1..j).any(|c| {
                        doc.tokens
                            .get(c)
                            .is_some_and(|w| doc.slice(w.span).eq_ignore_ascii_case("and"))
                    })
            });
    plural || joined
}

#[cfg(test)]
mod tests {
    use stancegraph_core::ActorRef;

    use crate::rules::test_docs::attributed;

    /// The speaker of the quote whose content holds `words`, as a name or a description.
    fn speaker_of(text: &str, words: &str) -> Option<String> {
        let (doc, quotes) = attributed(text)?;
        let quote = quotes
            .iter()
            .find(|q| doc.slice(q.content).contains(words))
            .unwrap_or_else(|| panic!("no quote with {words:?}"));
        Some(match &quote.speaker {
            ActorRef::Entity { id } => doc
                .entities
                .iter()
                .find(|e| &e.id == id)
                .map(|e| e.canonical.clone())
                .unwrap_or_default(),
            ActorRef::Anonymous { description } => description.clone(),
            ActorRef::Unresolved { text } => format!("unresolved {text}"),
        })
    }

    #[test]
    fn they_after_a_group_of_people_is_that_group() {
        let Some(speaker) = speaker_of(
            "It is unclear if the House would pass the bills. Republican senators are eager to confirm judges, and they say they don't want to consider more shutdown legislation.",
            "shutdown legislation",
        ) else {
            return;
        };
        assert_eq!(speaker, "Republican senators");
    }

    #[test]
    fn things_are_no_group_that_speaks() {
        let Some(speaker) = speaker_of(
            "The House approved the plan on Monday. The renovations lasted months, and they say the costs will fall.",
            "the costs will fall",
        ) else {
            return;
        };
        assert_eq!(speaker, "House");
    }
}
