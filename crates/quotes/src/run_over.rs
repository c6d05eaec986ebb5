//! Attributions that a tagger read as content.
//!
//! PolNeAR marks “Coal isn't the villain,” he said. “The villain is …” and "Acts of protest,
//! Mr. Obama said, are acts of patriotism" as one discontinuous content around its source
//! and cue, and a tagger trained on first-to-last extents learns to tag the attribution as
//! content too: the quote then has no cue of its own and links to the nearest other one
//! ("… are continuing, he said." before it), or is dropped as reported speech without a cue.
//! Where the words between two quoted parts are such an attribution
//! ([`crate::interrupted::interrupts`]), or a sentence's first comma-enclosed words after a
//! short fronted part (the shape `fronted.rs` joins), and the tags hold only content there,
//! the perceptron tagger's reading of those words is spliced in when it finds a cue there.
//! The content after the attribution starts anew and is linked to that cue and source before
//! anything else (the nearest-first linking would give the first part a cue before it as
//! near: "…, Mr. Obama said in his interview. “If …,” he said, “…”"), a second quoted part
//! keeps no cue of its own, and the joining rules make the parts one content again (or keep
//! them apart where the preset does not join).

use stancegraph_core::{Document, Span};

use crate::attribution::{link, token_text, Linked, RoleSpan};
use crate::fronted::{MAX_ATTRIBUTION_WORDS, MAX_FRONTED_WORDS};
use crate::lexicon::CueLexicon;
use crate::marks::QuoteRegion;
use crate::speakers::{phrase_beside, region_cue};
use crate::tagger::{begin_tag, is_begin, role_of, CONTENT, CUE, O, SOURCE};

const B_SOURCE: usize = begin_tag(SOURCE);
const B_CUE: usize = begin_tag(CUE);
const B_CONTENT: usize = begin_tag(CONTENT);
/// Words a sentence may open with outside its content before a fronted part ("But", "And
/// perhaps").
const MAX_LEADING_WORDS: usize = 2;

/// Where an attribution read as content sits, in token indices: its words are
/// `first..=last`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum RunOver {
    /// Between two quoted parts; `opening` is the second part's opening mark.
    Quoted {
        first: usize,
        last: usize,
        opening: usize,
        /// The first part's quoted region.
        region: QuoteRegion,
    },
    /// Between two commas after the start of a sentence of reported speech ("Acts of
    /// protest, Mr. Obama said, are acts of patriotism"); `fronted` is the sentence's first
    /// token and `resume` the first after the second comma.
    Fronted {
        fronted: usize,
        first: usize,
        last: usize,
        resume: usize,
    },
}

impl RunOver {
    fn words(self) -> (usize, usize) {
        match self {
            RunOver::Quoted { first, last, .. } | RunOver::Fronted { first, last, .. } => {
                (first, last)
            }
        }
    }
}

/// The attributions between two quoted parts that the tags read as content.
fn quoted_run_overs(doc: &Document, regions: &[QuoteRegion], tags: &[usize]) -> Vec<RunOver> {
    let text = doc.text();
    let top: Vec<&QuoteRegion> = regions
        .iter()
        .filter(|r| r.depth == 0 && r.closed)
        .collect();
    let first_token_at = |offset: usize| doc.tokens.partition_point(|t| t.span.end <= offset);
    let role = |i: usize| tags.get(i).and_then(|&t| role_of(t));
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
        let read_as_content = (from..opening).all(|i| role(i) == Some(CONTENT) || tags[i] == O)
            && (from..opening).any(|i| role(i) == Some(CONTENT))
            && from > 0
            && role(from - 1) == Some(CONTENT);
        if read_as_content {
            out.push(RunOver::Quoted {
                first: from,
                last: opening - 1,
                opening,
                region: *first,
            });
        }
    }
    out
}

/// The comma-enclosed attributions after a sentence's first words that the tags read as
/// content with the whole sentence: the sentence's first comma after two to
/// [`MAX_FRONTED_WORDS`] tokens without quote marks, the next within
/// [`MAX_ATTRIBUTION_WORDS`] tokens (the shape `fronted.rs` joins), content tags from the
/// sentence's start to the token after it.
fn fronted_run_overs(doc: &Document, tags: &[usize]) -> Vec<RunOver> {
    let word = |i: usize| token_text(doc, i);
    let role = |i: usize| tags.get(i).and_then(|&t| role_of(t));
    let quote_mark = |w: &str| w.contains(['"', '\u{201c}', '\u{201d}']) || w.contains("''");
    let n = tags.len().min(doc.tokens.len());
    let mut out = Vec::new();
    let mut start = 0;
    while start < n {
        let sentence = doc.tokens[start].sentence;
        let end = start
            + doc.tokens[start..n]
                .iter()
                .take_while(|t| t.sentence == sentence)
                .count();
        let first_comma = (start..end)
            .take(MAX_FRONTED_WORDS + 1)
            .find(|&i| word(i) == "," || quote_mark(word(i)));
        let second_comma = first_comma.filter(|&c| word(c) == ",").and_then(|c| {
            (c + 1..end)
                .take(MAX_ATTRIBUTION_WORDS + 1)
                .find(|&i| word(i) == "," || quote_mark(word(i)))
                .filter(|&i| word(i) == ",")
        });
        if let (Some(c1), Some(c2)) = (first_comma, second_comma) {
            let shaped = c1 >= start + 2 && c2 > c1 + 1 && c2 + 1 < end;
            // The encoder may read the cue and still take the source for content ("To
            // understand …, Chief Justice Roberts said, one should …").
            // A conjunction may open the sentence outside the content ("But to prevent
            // problems, he said, …"), and a word after the attribution may be left out of
            // it ("The museum, Mr. Bush said, celebrated several …").
            let lead = (start..c1).take_while(|&i| tags[i] == O).count();
            let resumes = role(c2 + 1) == Some(CONTENT)
                || (tags[c2 + 1] == O && c2 + 2 < end && role(c2 + 2) == Some(CONTENT));
            let read_as_content = lead <= MAX_LEADING_WORDS
                && (start + lead..=c1).all(|i| role(i) == Some(CONTENT))
                && (c1 + 1..c2).all(|i| matches!(role(i), Some(CONTENT | CUE)))
                && (c1 + 1..c2).any(|i| role(i) == Some(CONTENT))
                && matches!(role(c2), Some(CONTENT) | None)
                && resumes;
            if shaped && read_as_content {
                out.push(RunOver::Fronted {
                    fronted: start,
                    first: c1 + 1,
                    last: c2 - 1,
                    resume: c2 + 1,
                });
            }
        }
        start = end.max(start + 1);
    }
    out
}

/// Splices `fallback`'s tags (and margins) into the attributions read as content where
/// `fallback` reads a cue there: the second quoted part starts a content anew; a fronted
/// part loses its tags (`fronted.rs` gives the sentence's start back to the content) and
/// the content starts after the attribution. `fallback` is asked only when there is such
/// an attribution. Returns the attributions spliced, for [`link_split_attributions`].
pub(crate) fn split_run_over_attributions(
    doc: &Document,
    regions: &[QuoteRegion],
    lexicon: &CueLexicon,
    tags: &mut [usize],
    margins: &mut [f32],
    fallback: impl FnOnce() -> (Vec<usize>, Vec<f32>),
) -> Vec<RunOver> {
    let mut attributions = quoted_run_overs(doc, regions, tags);
    attributions.extend(fronted_run_overs(doc, tags));
    if attributions.is_empty() {
        return Vec::new();
    }
    let (mut other_tags, mut other_margins) = fallback();
    if other_tags.len() != tags.len() {
        return Vec::new();
    }
    let mut spliced = Vec::new();
    for attribution in attributions {
        let (first, last) = attribution.words();
        let mut reads_cue = (first..=last).any(|i| role_of(other_tags[i]) == Some(CUE));
        if let (false, RunOver::Quoted { region, .. }) = (reads_cue, attribution) {
            reads_cue = read_attribution(doc, lexicon, region, (first, last), &mut other_tags);
            if reads_cue {
                other_margins[first..=last].fill(0.0);
            }
        }
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
        let starts_anew = match attribution {
            RunOver::Quoted { opening, .. } => opening,
            RunOver::Fronted {
                fronted, resume, ..
            } => {
                // The fronted words and the comma after the attribution.
                for i in (fronted..first).chain([last + 1]) {
                    tags[i] = O;
                }
                // A word left out between the comma and the content joins it ("Mr. Bush
                // said, | celebrated several …").
                if tags[resume] == O && tags.get(resume + 1) == Some(&B_CONTENT) {
                    tags[resume + 1] = B_CONTENT + 1;
                    tags[resume] = B_CONTENT;
                }
                resume
            }
        };
        if role_of(tags[starts_anew]) == Some(CONTENT) {
            tags[starts_anew] = B_CONTENT;
        }
        spliced.push(attribution);
    }
    spliced
}

/// Where the perceptron reads no cue between two quoted parts either ("''…,'' he said.
/// ''…''"): the first part's cue by the speaker rules ([`region_cue`]: a reporting verb just
/// after its closing mark) with the words beside it as the source ([`phrase_beside`]), as
/// tags over `words` in `tags`. Whether there was such a cue.
fn read_attribution(
    doc: &Document,
    lexicon: &CueLexicon,
    region: QuoteRegion,
    words: (usize, usize),
    tags: &mut [usize],
) -> bool {
    let (first, last) = words;
    let Some(cue) = region_cue(doc, lexicon, &region).filter(|c| (first..=last).contains(c)) else {
        return false;
    };
    tags[first..=last].fill(O);
    tags[cue] = B_CUE;
    let source = phrase_beside(doc, cue, region.outer()).filter(|&(a, b)| a >= first && b <= last);
    if let Some((a, b)) = source {
        tags[a] = B_SOURCE;
        tags[a + 1..=b].fill(B_SOURCE + 1);
    }
    true
}

/// [`link`] with each spliced attribution's cue and source linked first to its content: the
/// first quoted part (the content that ends just before it), with the second part left
/// without a cue of its own (a cue before it would make it another quotation), or the
/// content after a fronted attribution. Everything else is linked as usual. Links come in
/// content order.
pub(crate) fn link_split_attributions(spans: &[RoleSpan], spliced: &[RunOver]) -> Vec<Linked> {
    // In token order, each lookup is a binary search: a flood of interrupted quotations
    // stays linear.
    let mut sorted = spans.to_vec();
    sorted.sort_by_key(|s| (s.first, s.last));
    let spans = &sorted[..];
    let at_or_after = |token: usize| spans.partition_point(|s| s.first < token);
    let content_at = |token: usize, taken: &[bool]| {
        (at_or_after(token)..spans.len())
            .take_while(|&i| spans[i].first == token)
            .find(|&i| spans[i].role == CONTENT && !taken[i])
    };
    let mut taken = vec![false; spans.len()];
    let mut links = Vec::new();
    for &attribution in spliced {
        let (first, last) = attribution.words();
        let inside = |role: usize| {
            (at_or_after(first)..spans.len())
                .take_while(|&i| spans[i].first <= last)
                .find(|&i| spans[i].role == role && spans[i].last <= last)
        };
        let (content, second) = match attribution {
            // The first part: a content ending on the token before the attribution (or
            // the one before that, when its comma was trimmed).
            RunOver::Quoted { opening, .. } => (
                (0..at_or_after(first)).rev().take(3).find(|&i| {
                    spans[i].role == CONTENT && spans[i].last < first && spans[i].last + 2 >= first
                }),
                Some(opening),
            ),
            RunOver::Fronted { resume, .. } => (content_at(resume, &taken), None),
        };
        let (Some(content), Some(cue)) = (content, inside(CUE)) else {
            continue;
        };
        if taken[content] || taken[cue] {
            continue;
        }
        let source = inside(SOURCE).filter(|&s| !taken[s]);
        for i in [Some(content), Some(cue), source].into_iter().flatten() {
            taken[i] = true;
        }
        links.push(Linked {
            content: spans[content],
            cue: Some(spans[cue]),
            source: source.map(|s| spans[s]),
        });
        if let Some(second) = second.and_then(|opening| content_at(opening, &taken)) {
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
    use crate::rules::test_docs::{analysed, cue_lexicon, tag, token};

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
        tag(&mut other, B_SOURCE, he, he);
        tag(&mut other, B_CUE, he + 1, he + 1);
        tag(&mut other, B_CONTENT, opening, n - 1);
        let Some(lexicon) = cue_lexicon() else { return };
        split_run_over_attributions(&doc, &regions, &lexicon, &mut tags, &mut margins, || {
            (other.clone(), vec![2.0; n])
        });
        assert_eq!(role_of(tags[he]), Some(SOURCE), "{:?}", tags);
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
    fn a_fronted_source_read_as_content_beside_a_tagged_cue_is_split_off() {
        let Some(doc) =
            analysed("But to prevent problems, he said, local officials should be vigilant.\n")
        else {
            return;
        };
        let w = words(&doc);
        let he = w.iter().position(|&x| x == "he").unwrap();
        let n = doc.tokens.len();
        // Encoder-like tags: "But" outside, the source inside the content, the cue read.
        let mut tags = vec![O; n];
        tag(&mut tags, B_CONTENT, 1, he);
        tag(&mut tags, B_CUE, he + 1, he + 1);
        tag(&mut tags, B_CONTENT, he + 3, n - 2);
        let mut margins = vec![1.0; n];
        let mut other = vec![O; n];
        tag(&mut other, B_SOURCE, he, he);
        tag(&mut other, B_CUE, he + 1, he + 1);
        tag(&mut other, B_CONTENT, he + 3, n - 2);
        let Some(lexicon) = cue_lexicon() else { return };
        let spliced =
            split_run_over_attributions(&doc, &[], &lexicon, &mut tags, &mut margins, || {
                (other.clone(), vec![2.0; n])
            });
        assert_eq!(spliced.len(), 1, "{tags:?}");
        assert_eq!(tags[he], B_SOURCE, "{tags:?}");
        assert_eq!(tags[he + 1], B_CUE);
        assert_eq!(
            tags[he + 3],
            B_CONTENT,
            "the content starts anew after the attribution"
        );
        assert!(
            tags[..he].iter().all(|&t| t == O),
            "fronted.rs gives the start back"
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
        tag(&mut tags, B_SOURCE, he, he);
        tag(&mut tags, B_CUE, he + 1, he + 1);
        tag(&mut tags, B_CONTENT, he + 3, n - 1);
        let before = tags.clone();
        let mut margins = vec![1.0; n];
        let Some(lexicon) = cue_lexicon() else { return };
        split_run_over_attributions(&doc, &regions, &lexicon, &mut tags, &mut margins, || {
            panic!("no attribution read as content: the other tagger is not asked")
        });
        assert_eq!(tags, before);
    }

    #[test]
    fn where_the_other_tagger_reads_no_cue_the_speaker_rules_give_one() {
        let Some(doc) =
            analysed("''I don't judge what people buy,'' Mr. Hess said. ''Most people wish.''\n")
        else {
            return;
        };
        let Some(lexicon) = cue_lexicon() else { return };
        let regions = crate::sentence_quote_regions(&doc);
        let n = doc.tokens.len();
        let mut tags = vec![O; n];
        tag(&mut tags, B_CONTENT, 0, n - 1);
        let mut margins = vec![1.0; n];
        // The other tagger reads the whole line as one content too.
        let other = tags.clone();
        let spliced =
            split_run_over_attributions(&doc, &regions, &lexicon, &mut tags, &mut margins, || {
                (other, vec![1.0; n])
            });
        assert_eq!(spliced.len(), 1);
        let said = token(&doc, "said");
        assert_eq!(tags[said], B_CUE);
        let mr = token(&doc, "Mr.");
        assert_eq!((tags[mr], tags[mr + 1]), (B_SOURCE, B_SOURCE + 1));
        assert_eq!(tags[said + 2], B_CONTENT, "the second part opens anew");
    }
}
