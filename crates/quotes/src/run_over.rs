//! A tagged content that runs over the attribution interrupting its quotation.
//!
//! PolNeAR marks “Coal isn't the villain,” he said. “The villain is …” as one discontinuous
//! content around its source and cue, and a tagger trained on its first-to-last extent learns
//! to tag the attribution as content too: the quote then has no cue of its own and links to
//! the nearest other one ("… are continuing, he said." before it). Where the text between two
//! quoted parts is such an attribution ([`crate::interrupted::interrupts`]) and the tags hold
//! no cue there but content, the perceptron tagger's reading of those words is spliced in
//! when it finds a cue there, and the second part starts a content of its own. The first
//! part is linked to that cue and source before anything else (the nearest-first linking
//! would give it a cue before it as near: "…, Mr. Obama said in his interview. “If …,” he
//! said, “…”"), and joining interrupted quotes makes the two parts one again (or keeps them
//! apart where the preset does not join).

use stancegraph_core::{Document, Span};

use crate::attribution::{link, Linked, RoleSpan};
use crate::marks::QuoteRegion;
use crate::tagger::{is_begin, role_of, O};

/// Role index of sources, cues and contents in the tagger's numbering.
const SOURCE: usize = 0;
const CUE: usize = 1;
const CONTENT: usize = 2;
/// The B tag of a content.
const B_CONTENT: usize = 1 + 2 * CONTENT;

/// The attributions between two quoted parts that the tags read as content, as token ranges
/// `first..last` (inclusive) of the text between the parts, with the token that opens the
/// second part.
fn run_over_attributions(
    doc: &Document,
    regions: &[QuoteRegion],
    tags: &[usize],
) -> Vec<(usize, usize, usize)> {
    let text = doc.text();
    let top: Vec<&QuoteRegion> = regions
        .iter()
        .filter(|r| r.depth == 0 && r.closed)
        .collect();
    let first_token_at = |offset: usize| doc.tokens.partition_point(|t| t.span.end <= offset);
    let mut out = Vec::new();
    for pair in top.windows(2) {
        let (first, second) = (pair[0], pair[1]);
        let gap = Span::new(first.outer().end, second.open.start);
        if !crate::interrupted::interrupts(text, first, gap) {
            continue;
        }
        let (from, opening) = (first_token_at(gap.start), first_token_at(second.open.start));
        if from >= opening || opening >= tags.len() {
            continue;
        }
        let role = |i: usize| tags.get(i).and_then(|&t| role_of(t));
        let read_as_content = (from..opening).all(|i| role(i) == Some(CONTENT) || tags[i] == O)
            && (from..opening).any(|i| role(i) == Some(CONTENT))
            && from > 0
            && role(from - 1) == Some(CONTENT);
        if read_as_content {
            out.push((from, opening - 1, opening));
        }
    }
    out
}

/// Splices `fallback`'s tags (and margins) into the attributions of [`run_over_attributions`]
/// where `fallback` reads a cue there, and starts the second quoted part's content anew.
/// `fallback` is asked only when there is such an attribution. Returns the token ranges
/// spliced with the token opening the second part, for [`link_split_attributions`].
pub(crate) fn split_run_over_attributions(
    doc: &Document,
    regions: &[QuoteRegion],
    tags: &mut [usize],
    margins: &mut [f32],
    fallback: impl FnOnce() -> (Vec<usize>, Vec<f32>),
) -> Vec<(usize, usize, usize)> {
    let attributions = run_over_attributions(doc, regions, tags);
    if attributions.is_empty() {
        return Vec::new();
    }
    let (other_tags, other_margins) = fallback();
    if other_tags.len() != tags.len() {
        return Vec::new();
    }
    let mut spliced = Vec::new();
    for (first, last, opening) in attributions {
        let reads_cue = (first..=last).any(|i| role_of(other_tags[i]) == Some(CUE));
        if !reads_cue {
            continue;
        }
        for i in first..=last {
            // Its content tags there would continue the first part: no content in between.
            let tag = match role_of(other_tags[i]) {
                Some(CONTENT) | None => O,
                Some(_) => other_tags[i],
            };
            tags[i] = tag;
            margins[i] = other_margins.get(i).copied().unwrap_or(0.0);
        }
        // An I tag left after a spliced O would start nothing: begin the spliced spans.
        for i in first..=last {
            let previous = if i > first { tags[i - 1] } else { O };
            if tags[i] != O && !is_begin(tags[i]) && role_of(previous) != role_of(tags[i]) {
                tags[i] -= 1;
            }
        }
        if role_of(tags[opening]) == Some(CONTENT) {
            tags[opening] = B_CONTENT;
        }
        spliced.push((first, last, opening));
    }
    spliced
}

/// [`link`] with each spliced attribution's cue and source linked first to the content that
/// ends just before it (the first quoted part), and the second part's content left without
/// a cue of its own (a cue before it would make it another quotation); everything else is
/// linked as usual. Links come in content order.
pub(crate) fn link_split_attributions(
    spans: &[RoleSpan],
    spliced: &[(usize, usize, usize)],
) -> Vec<Linked> {
    // In token order, each lookup is a binary search: a flood of interrupted quotations
    // stays linear.
    let mut sorted = spans.to_vec();
    sorted.sort_by_key(|s| (s.first, s.last));
    let spans = &sorted[..];
    let at_or_after = |token: usize| spans.partition_point(|s| s.first < token);
    let mut taken = vec![false; spans.len()];
    let mut links = Vec::new();
    for &(first, last, opening) in spliced {
        let inside = |role: usize| {
            (at_or_after(first)..spans.len())
                .take_while(|&i| spans[i].first <= last)
                .find(|&i| spans[i].role == role && spans[i].last <= last)
        };
        // The first part: a content ending on the token before the attribution (or the
        // one before that, when its comma was trimmed).
        let part = (0..at_or_after(first)).rev().take(3).find(|&i| {
            spans[i].role == CONTENT && spans[i].last < first && spans[i].last + 2 >= first
        });
        let (Some(part), Some(cue)) = (part, inside(CUE)) else {
            continue;
        };
        if taken[part] || taken[cue] {
            continue;
        }
        let source = inside(SOURCE).filter(|&s| !taken[s]);
        for i in [Some(part), Some(cue), source].into_iter().flatten() {
            taken[i] = true;
        }
        links.push(Linked {
            content: spans[part],
            cue: Some(spans[cue]),
            source: source.map(|s| spans[s]),
        });
        let second = (at_or_after(opening)..spans.len())
            .take_while(|&i| spans[i].first == opening)
            .find(|&i| spans[i].role == CONTENT && !taken[i]);
        if let Some(second) = second {
            taken[second] = true;
            links.push(Linked {
                content: spans[second],
                cue: None,
                source: None,
            });
        }
    }
    let rest: Vec<RoleSpan> = spans
        .iter()
        .zip(&taken)
        .filter(|(_, &t)| !t)
        .map(|(s, _)| *s)
        .collect();
    links.extend(link(&rest));
    links.sort_by_key(|l| (l.content.first, l.content.last));
    links
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_docs::{analysed, tag};

    fn words(doc: &Document) -> Vec<&str> {
        doc.tokens.iter().map(|t| doc.slice(t.span)).collect()
    }

    #[test]
    fn an_attribution_read_as_content_takes_the_other_taggers_cue_and_source() {
        let Some(doc) = analysed(
            "Talks go on, he said.\n\n\"Coal isn't the villain,\" he said. \"Carbon is.\"\n",
        ) else {
            return;
        };
        let w = words(&doc);
        let he = w.iter().rposition(|&x| x == "he").unwrap();
        let opening = he + 3;
        assert_eq!(w[opening], "\"");
        let regions = crate::sentence_quote_regions(&doc);
        let n = doc.tokens.len();
        // Encoder-like tags: the whole interrupted quotation one content.
        let mut tags = vec![O; n];
        let first_mark = w.iter().position(|&x| x == "\"").unwrap();
        tag(&mut tags, B_CONTENT, first_mark, n - 1);
        let mut margins = vec![1.0; n];
        // Perceptron-like tags: source "he", cue "said", contents around them.
        let mut other = vec![O; n];
        tag(&mut other, B_CONTENT, first_mark, he - 1);
        tag(&mut other, 1, he, he);
        tag(&mut other, 3, he + 1, he + 1);
        tag(&mut other, B_CONTENT, opening, n - 1);
        split_run_over_attributions(&doc, &regions, &mut tags, &mut margins, || {
            (other.clone(), vec![2.0; n])
        });
        assert_eq!(role_of(tags[he]), Some(0), "{:?}", tags);
        assert_eq!(role_of(tags[he + 1]), Some(CUE));
        assert_eq!(tags[he + 2], O, "the full stop after the cue");
        assert_eq!(tags[opening], B_CONTENT);
        assert_eq!(
            role_of(tags[he - 1]),
            Some(CONTENT),
            "the first part keeps its tags"
        );
    }

    #[test]
    fn a_tagged_cue_or_a_second_quotation_is_left_alone() {
        let Some(doc) =
            analysed("\"Coal isn't the villain,\" he said. \"Carbon is.\"\n\n\"Go,\" she said.\n")
        else {
            return;
        };
        let w = words(&doc);
        let he = w.iter().position(|&x| x == "he").unwrap();
        let regions = crate::sentence_quote_regions(&doc);
        let n = doc.tokens.len();
        let mut tags = vec![O; n];
        tag(&mut tags, B_CONTENT, 0, he - 1);
        tag(&mut tags, 1, he, he);
        tag(&mut tags, 3, he + 1, he + 1);
        tag(&mut tags, B_CONTENT, he + 3, n - 1);
        let before = tags.clone();
        let mut margins = vec![1.0; n];
        split_run_over_attributions(&doc, &regions, &mut tags, &mut margins, || {
            panic!("no attribution read as content: the other tagger is not asked")
        });
        assert_eq!(tags, before);
    }
}
