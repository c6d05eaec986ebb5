//! Parse-based safety nets around the tagger: a quoted passage the tagger left alone still
//! gets its cue and source from the sentence, and a cue without a tagged source gets the
//! subject the parse gives it ("…, stating, “…”" takes the subject of the main verb).

use stancegraph_core::{Document, Span};

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
fn dominated_by(doc: &Document, mut i: usize, ancestor: usize) -> bool {
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

/// The nearest cue token to a token range within its sentence, outside the range.
pub fn nearest_cue(
    doc: &Document,
    lexicon: &CueLexicon,
    first: usize,
    last: usize,
) -> Option<usize> {
    let sentence = doc.tokens.get(first)?.sentence as usize;
    let range = doc.sentence_token_range(sentence);
    let mut buf = String::new();
    let before = (range.start..first)
        .rev()
        .find(|&k| is_cue(doc, lexicon, k, &mut buf));
    let after = (last + 1..range.end.max(last + 1)).find(|&k| is_cue(doc, lexicon, k, &mut buf));
    match (before, after) {
        (Some(b), Some(a)) => Some(if first - b <= a - last { b } else { a }),
        (b, a) => b.or(a),
    }
}
