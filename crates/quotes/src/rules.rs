//! Parse-based safety nets around the tagger: a quoted passage the tagger left alone still
//! gets its cue and source from the sentence, and a cue without a tagged source gets the
//! subject the parse gives it ("…, stating, “…”" takes the subject of the main verb).

use stancegraph_core::{Document, EntityType, Span};

use crate::lexicon::{normalise, CueLexicon};

/// Bound on head-chain walks, so malformed parses (cycles) stay cheap.
const MAX_HOPS: usize = 24;

/// Minimum lexicon cue probability for a word to count as a reporting cue here.
const CUE_PROBABILITY: f32 = 0.2;

fn is_cue(doc: &Document, lexicon: &CueLexicon, i: usize, buf: &mut String) -> bool {
    let Some(token) = doc.tokens.get(i) else {
        return false;
    };
    normalise(doc.slice(token.span), buf);
    let verbish = token
        .upos
        .as_deref()
        .is_none_or(|p| matches!(p, "VERB" | "ADP" | "NOUN"));
    verbish && lexicon.cue_probability(buf) >= CUE_PROBABILITY
}

/// True when `ancestor` dominates `i` in the parse (or is `i`).
pub(crate) fn dominated_by(doc: &Document, mut i: usize, ancestor: usize) -> bool {
    for _ in 0..MAX_HOPS {
        if i == ancestor {
            return true;
        }
        match doc.tokens.get(i).and_then(|t| t.head) {
            Some(h) if h as usize != i => i = h as usize,
            _ => return false,
        }
    }
    false
}

/// The subject of a cue token as an inclusive token range: its own `nsubj`, else (for
/// participles and conjuncts) the subject of the verb it hangs from.
/// Subjects overlapping `avoid` (the content) or containing quote marks are parse errors
/// and skipped.
pub fn subject_of(doc: &Document, cue: usize, avoid: Option<Span>) -> Option<(usize, usize)> {
    let sentence = doc.tokens.get(cue)?.sentence as usize;
    let range = doc.sentence_token_range(sentence);
    let mut verb = cue;
    for _ in 0..3 {
        let subject = range.clone().find(|&k| {
            doc.tokens.get(k).is_some_and(|t| {
                t.head == Some(verb as u32)
                    && t.deprel.as_deref().is_some_and(|r| r.starts_with("nsubj"))
            })
        });
        if let Some(subject) = subject {
            let members: Vec<usize> = range
                .clone()
                .filter(|&k| dominated_by(doc, k, subject))
                .collect();
            // Keep the contiguous block around the subject head (drop appositive tails after commas).
            let mut first = subject;
            while first > range.start && members.contains(&(first - 1)) {
                first -= 1;
            }
            let mut last = subject;
            while members.contains(&(last + 1)) && doc.slice(doc.tokens.get(last + 1)?.span) != ","
            {
                last += 1;
            }
            let span = Span::new(
                doc.tokens.get(first)?.span.start,
                doc.tokens.get(last)?.span.end,
            );
            let quoted = doc.slice(span).contains(['“', '”', '"', '«', '»']);
            if !quoted && !avoid.is_some_and(|a| a.overlaps(span)) {
                return Some((first, last));
            }
        }
        verb = doc.tokens.get(verb)?.head? as usize;
    }
    None
}

/// A named source set off from its cue by a relative clause the parse did not attach
/// ("Brooks, who still has the cellphone he was given, said …" parsed with "Brooks" as a
/// conjunct of an earlier phrase): the cue follows a comma closing a clause opened by ", who"
/// or ", which", and a person or organisation name ends just before that clause. Returns the
/// name's tokens.
pub fn name_before_relative_clause(doc: &Document, cue: usize) -> Option<(usize, usize)> {
    const MAX_CLAUSE: usize = 30;
    let word = |i: usize| crate::attribution::token_text(doc, i);
    let sentence = doc.tokens.get(cue)?.sentence;
    if cue < 3 || word(cue - 1) != "," {
        return None;
    }
    let mut opening = None;
    for p in (cue.saturating_sub(MAX_CLAUSE)..cue - 1).rev() {
        let w = word(p);
        if doc.tokens.get(p)?.sentence != sentence
            || matches!(w, "." | "!" | "?" | ";" | "“" | "”" | "\"")
        {
            return None;
        }
        if w == "," {
            let relative = matches!(
                word(p + 1).to_lowercase().as_str(),
                "who" | "which" | "whose"
            );
            if relative {
                opening = Some(p);
            }
            break;
        }
    }
    let last = opening?.checked_sub(1)?;
    let name_end = doc.tokens.get(last)?.span;
    let mention = crate::attribution::mentions_over(doc, name_end).find(|m| {
        m.span.end == name_end.end && matches!(m.entity_type, EntityType::Per | EntityType::Org)
    })?;
    let first = doc
        .tokens
        .partition_point(|t| t.span.end <= mention.span.start);
    (first <= last && doc.tokens.get(first)?.sentence == sentence).then_some((first, last))
}

/// Verbs that attribute a belief or claim to their subject even when the cue lexicon has
/// seen them rarely ("sources … express pessimism", "analysts fear").
const ATTITUDE_VERBS: &[&str] = &[
    "say", "express", "believe", "warn", "fear", "argue", "expect", "doubt", "predict", "suggest",
    "note", "caution", "worry", "think",
];

/// Reported speech of unnamed sources the tagger missed: an anonymous subject head
/// ("analysts", "multiple sources familiar with …") of a reporting or attitude verb. Returns
/// (subject tokens, cue token, content span): the content runs from after the verb to the
/// end of its sentence, without the final punctuation.
pub fn anonymous_attributions(
    doc: &Document,
    lexicon: &CueLexicon,
    anonymous_heads: &[&str],
) -> Vec<((usize, usize), usize, Span)> {
    let mut found = Vec::new();
    let mut buf = String::new();
    for (i, token) in doc.tokens.iter().enumerate() {
        // A subject, or a noun the parse hung from a word that cannot govern it (an
        // adverb such as a sentence-initial "However"): a parse error around the subject.
        let misattached = token
            .head
            .and_then(|h| doc.tokens.get(h as usize))
            .is_none_or(|h| {
                matches!(
                    h.upos.as_deref(),
                    Some("ADV" | "INTJ" | "PUNCT" | "CCONJ" | "SCONJ")
                )
            });
        let is_subject = token.deprel.as_deref().is_some_and(|r| {
            r.starts_with("nsubj") || (misattached && matches!(r, "obj" | "root" | "dep"))
        });
        let word = doc.slice(token.span).to_lowercase();
        if !is_subject || !anonymous_heads.contains(&word.as_str()) {
            continue;
        }
        let range = doc.sentence_token_range(token.sentence as usize);
        let attributing = |k: usize, buf: &mut String| {
            doc.tokens.get(k).is_some_and(|t| {
                let lemma = t
                    .lemma
                    .clone()
                    .unwrap_or_else(|| doc.slice(t.span).to_lowercase());
                ATTITUDE_VERBS.contains(&lemma.as_str()) || is_cue(doc, lexicon, k, buf)
            })
        };
        // The parse's head of the subject, or (when the parse went wrong, e.g. "express"
        // read as an adjective) the first attributing word shortly after the subject.
        let parsed = token.head.map(|h| h as usize).filter(|&h| {
            h > i
                && doc
                    .tokens
                    .get(h)
                    .is_some_and(|t| t.upos.as_deref() == Some("VERB"))
                && attributing(h, &mut buf)
        });
        let Some(verb) =
            parsed.or_else(|| (i + 1..range.end.min(i + 12)).find(|&k| attributing(k, &mut buf)))
        else {
            continue;
        };
        let range = doc.sentence_token_range(token.sentence as usize);
        let mut last = range.end.saturating_sub(1);
        while last > verb
            && doc
                .tokens
                .get(last)
                .is_some_and(|t| doc.slice(t.span).chars().all(|c| c.is_ascii_punctuation()))
        {
            last -= 1;
        }
        if last <= verb {
            continue;
        }
        let (Some(start), Some(end)) = (doc.tokens.get(verb + 1), doc.tokens.get(last)) else {
            continue;
        };
        let subject = match subject_of(doc, verb, None) {
            Some(subject) if subject.0 <= i && i <= subject.1 => subject,
            // The parse did not link the verb to this subject: take the subject's own
            // phrase, from its leftmost dependent up to the verb.
            _ => {
                let first = (range.start..=i)
                    .find(|&k| dominated_by(doc, k, i))
                    .unwrap_or(i);
                (first, verb.saturating_sub(1).max(i))
            }
        };
        found.push((subject, verb, Span::new(start.span.start, end.span.end)));
    }
    found
}

/// Short documents through the real text and entity stages, for the rule tests of this
/// crate (skipped with a notice when the shipped models are absent).
#[cfg(test)]
pub(crate) mod test_docs {
    use std::path::PathBuf;

    use stancegraph_core::{Document, Metadata};

    use crate::lexicon::CueLexicon;

    pub(crate) fn data_dir() -> PathBuf {
        PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../data"))
    }

    /// `text` tokenized, tagged, parsed and with its entities resolved.
    pub(crate) fn analysed(text: &str) -> Option<Document> {
        let data = data_dir();
        let (Ok(text_models), Ok(entities)) = (
            stancegraph_text::Analyzer::load(&data),
            stancegraph_entities::EntityAnalyzer::load(&data),
        ) else {
            eprintln!(
                "notice: models not found under {}; rule test skipped",
                data.display()
            );
            return None;
        };
        let mut doc = Document::new(None, text.to_string(), Metadata::default());
        text_models.annotate(&mut doc).ok()?;
        entities.annotate(&mut doc).ok()?;
        Some(doc)
    }

    /// Tags `first..=last` as one span of the role whose B tag is `begin` (the tagger's
    /// numbering: O, then B/I of source 1/2, cue 3/4, content 5/6).
    pub(crate) fn tag(tags: &mut [usize], begin: usize, first: usize, last: usize) {
        for (i, t) in tags.iter_mut().enumerate().take(last + 1).skip(first) {
            *t = if i == first { begin } else { begin + 1 };
        }
    }

    /// The shipped cue lexicon.
    pub(crate) fn cue_lexicon() -> Option<CueLexicon> {
        CueLexicon::load(&data_dir().join(crate::DEFAULT_LEXICON)).ok()
    }

    /// `text` [`analysed`], with the quotes the shipped attributor finds in it.
    pub(crate) fn attributed(text: &str) -> Option<(Document, Vec<stancegraph_core::Quote>)> {
        let doc = analysed(text)?;
        let quotes = crate::Attributor::load(&data_dir()).ok()?.find(&doc);
        Some((doc, quotes))
    }

    /// Index of the first token whose text is `word`.
    pub(crate) fn token(doc: &Document, word: &str) -> usize {
        doc.tokens
            .iter()
            .position(|t| doc.slice(t.span) == word)
            .unwrap_or_else(|| panic!("no token {word:?}"))
    }

    /// The text of an inclusive token range.
    pub(crate) fn words(doc: &Document, (first, last): (usize, usize)) -> &str {
        doc.slice(stancegraph_core::Span::new(
            doc.tokens[first].span.start,
            doc.tokens[last].span.end,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::test_docs::{analysed, cue_lexicon, token, words};
    use super::*;

    #[test]
    fn a_name_before_a_relative_clause_is_the_source_of_the_cue_after_it() {
        let Some(doc) = analysed(
            "For his part, Brooks, who still has the phone he was given, said he found a home. Nobody left.",
        ) else {
            return;
        };
        let cue = token(&doc, "said");
        let source = name_before_relative_clause(&doc, cue).expect("name");
        assert_eq!(words(&doc, source), "Brooks");
        let Some(plain) =
            analysed("For his part, the phone, which he was given, rang. Nobody left.")
        else {
            return;
        };
        assert_eq!(
            name_before_relative_clause(&plain, token(&plain, "rang")),
            None
        );
    }

    #[test]
    fn subject_of_a_cue_is_its_own_subject_phrase() {
        let Some(doc) = analysed("The finance minister said the plan works. Nobody agreed.") else {
            return;
        };
        let said = token(&doc, "said");
        let subject = subject_of(&doc, said, None).expect("subject");
        assert_eq!(words(&doc, subject), "The finance minister");
        // A subject inside the content is a parse error, not a source.
        let whole = doc.tokens[0].span.cover(doc.tokens[said - 1].span);
        assert_eq!(subject_of(&doc, said, Some(whole)), None);
    }

    #[test]
    fn participle_cue_takes_the_subject_of_its_verb() {
        let Some(doc) = analysed("The minister left the room, stating that taxes will rise.")
        else {
            return;
        };
        let stating = token(&doc, "stating");
        let subject = subject_of(&doc, stating, None).expect("subject");
        assert_eq!(words(&doc, subject), "The minister");
    }

    #[test]
    fn unnamed_sources_with_an_attitude_verb_are_attributions() {
        let (Some(doc), Some(lexicon)) = (
            analysed("Analysts fear that prices will rise. Sales fell."),
            cue_lexicon(),
        ) else {
            return;
        };
        let found = anonymous_attributions(&doc, &lexicon, &["analysts"]);
        assert_eq!(found.len(), 1, "{found:?}");
        let (subject, verb, content) = found[0];
        assert_eq!(words(&doc, subject), "Analysts");
        assert_eq!(doc.slice(doc.tokens[verb].span), "fear");
        assert_eq!(doc.slice(content), "that prices will rise");
    }

    #[test]
    fn unnamed_sources_doing_something_else_are_not() {
        let (Some(doc), Some(lexicon)) = (
            analysed("Analysts ate lunch at noon. Sales fell."),
            cue_lexicon(),
        ) else {
            return;
        };
        assert!(anonymous_attributions(&doc, &lexicon, &["analysts"]).is_empty());
    }
}
