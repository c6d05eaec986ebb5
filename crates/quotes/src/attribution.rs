//! From tagged role spans to quotes: linking each content to its cue and source, deciding
//! the kind (direct, mixed, indirect) from the quote marks, and resolving the speaker
//! through the mention and entity layers.

use stancegraph_core::{ActorRef, Document, EntityType, Mention, MentionKind, QuoteKind, Span};

use crate::marks::QuoteRegion;
use crate::tagger::{is_begin, role_of, O};

/// How far (in tokens) a cue may sit from the content it introduces, and a source from its cue.
const MAX_CUE_GAP: usize = 40;
const MAX_SOURCE_GAP: usize = 20;

/// A role span found by the tagger, in token indices (inclusive).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RoleSpan {
    pub role: usize,
    pub first: usize,
    pub last: usize,
    pub margin: f32,
}

/// Groups consecutive B/I tags into role spans.
pub fn role_spans(tags: &[usize], margins: &[f32]) -> Vec<RoleSpan> {
    let mut out: Vec<RoleSpan> = Vec::new();
    let mut sum = 0.0;
    for (i, &tag) in tags.iter().enumerate() {
        let margin = margins.get(i).copied().unwrap_or(0.0);
        if tag == O {
            continue;
        }
        let Some(role) = role_of(tag) else { continue };
        let extends = !is_begin(tag)
            && out
                .last()
                .is_some_and(|s| s.role == role && s.last + 1 == i);
        match out.last_mut() {
            Some(span) if extends => {
                span.last = i;
                sum += margin;
                span.margin = sum / (span.last - span.first + 1) as f32;
            }
            _ => {
                sum = margin;
                out.push(RoleSpan {
                    role,
                    first: i,
                    last: i,
                    margin,
                });
            }
        }
    }
    out
}

fn gap(a: &RoleSpan, b: &RoleSpan) -> usize {
    if a.last < b.first {
        b.first - a.last - 1
    } else if b.last < a.first {
        a.first - b.last - 1
    } else {
        0
    }
}

/// One linked attribution in token indices.
#[derive(Debug, Clone, Copy)]
pub struct Linked {
    pub content: RoleSpan,
    pub cue: Option<RoleSpan>,
    pub source: Option<RoleSpan>,
}

/// Links contents to cues and cues to sources, greedily by distance, one to one.
pub fn link(spans: &[RoleSpan]) -> Vec<Linked> {
    let by_role = |role: usize| {
        spans
            .iter()
            .copied()
            .filter(|s| s.role == role)
            .collect::<Vec<_>>()
    };
    let (sources, cues, contents) = (by_role(0), by_role(1), by_role(2));
    // Candidate pairs within a window; each list is sorted by position.
    let mut pairs: Vec<(usize, usize, usize)> = Vec::new();
    for (c, content) in contents.iter().enumerate() {
        let from = cues.partition_point(|q| q.last + MAX_CUE_GAP < content.first);
        for (q, cue) in cues.iter().enumerate().skip(from) {
            if cue.first > content.last + MAX_CUE_GAP {
                break;
            }
            pairs.push((gap(content, cue), c, q));
        }
    }
    pairs.sort_unstable();
    let mut cue_of: Vec<Option<usize>> = vec![None; contents.len()];
    let mut cue_used = vec![false; cues.len()];
    for (_, c, q) in pairs {
        if cue_of[c].is_none() && !cue_used[q] {
            cue_of[c] = Some(q);
            cue_used[q] = true;
        }
    }
    let mut source_pairs: Vec<(usize, usize, usize)> = Vec::new();
    for (c, content) in contents.iter().enumerate() {
        // Anchor: the cue when there is one, else the content itself.
        let anchor = cue_of[c].and_then(|q| cues.get(q)).unwrap_or(content);
        let from = sources.partition_point(|s| s.last + MAX_SOURCE_GAP < anchor.first);
        for (s, source) in sources.iter().enumerate().skip(from) {
            if source.first > anchor.last + MAX_SOURCE_GAP {
                break;
            }
            // A source inside another content is never this one's.
            let penalty = if cue_of[c].is_none() {
                MAX_SOURCE_GAP
            } else {
                0
            };
            source_pairs.push((gap(anchor, source) + penalty, c, s));
        }
    }
    source_pairs.sort_unstable();
    let mut source_of: Vec<Option<usize>> = vec![None; contents.len()];
    let mut source_used = vec![false; sources.len()];
    for (_, c, s) in source_pairs {
        if source_of[c].is_none() && !source_used[s] {
            source_of[c] = Some(s);
            source_used[s] = true;
        }
    }
    contents
        .iter()
        .enumerate()
        .map(|(c, content)| Linked {
            content: *content,
            cue: cue_of[c].and_then(|q| cues.get(q).copied()),
            source: source_of[c].and_then(|s| sources.get(s).copied()),
        })
        .collect()
}

/// Byte span of a token range.
pub fn token_span(doc: &Document, first: usize, last: usize) -> Option<Span> {
    Some(Span::new(
        doc.tokens.get(first)?.span.start,
        doc.tokens.get(last)?.span.end,
    ))
}

/// Direct when the content is one quoted region (give or take punctuation), mixed when it
/// contains quote marks, indirect otherwise.
pub fn kind_of(text: &str, content: Span, regions: &[QuoteRegion]) -> QuoteKind {
    kind_of_indexed(text, content, &OuterIndex::new(regions))
}

/// Top-level quoted regions (or any spans, [`OuterIndex::from_spans`]) in text order with
/// the running maximum of their ends, so the ones overlapping a span are found by binary
/// search, not by a scan per quote.
#[derive(Debug, Clone)]
pub struct OuterIndex {
    outers: Vec<Span>,
    max_end: Vec<usize>,
    sorted: bool,
}

impl OuterIndex {
    /// Indexes the depth-0 regions of `regions`.
    pub fn new(regions: &[QuoteRegion]) -> Self {
        let outers: Vec<Span> = regions
            .iter()
            .filter(|r| r.depth == 0)
            .map(|r| r.outer())
            .collect();
        Self::indexed(outers)
    }

    /// Indexes `spans` (e.g. the contents of a document's quotes) in any order.
    pub(crate) fn from_spans(mut spans: Vec<Span>) -> Self {
        spans.sort_by_key(|s| (s.start, s.end));
        Self::indexed(spans)
    }

    fn indexed(outers: Vec<Span>) -> Self {
        let max_end = running_max(outers.iter().map(|o| o.end));
        let sorted = outers.windows(2).all(|w| w[0].start <= w[1].start);
        OuterIndex {
            outers,
            max_end,
            sorted,
        }
    }

    /// Whether some indexed span overlaps `span`.
    pub(crate) fn any_overlapping(&self, span: Span) -> bool {
        self.overlapping(span).next().is_some()
    }

    /// The regions overlapping `span`, in order.
    pub(crate) fn overlapping(&self, span: Span) -> impl Iterator<Item = Span> + '_ {
        // Before `lo` every region ends by `span.start`; from `hi` on every one starts at
        // or after `span.end` (when sorted by start).
        let lo = self.max_end.partition_point(|&e| e <= span.start);
        let hi = if self.sorted {
            self.outers.partition_point(|o| o.start < span.end)
        } else {
            self.outers.len()
        };
        self.outers
            .get(lo..hi.max(lo))
            .unwrap_or(&[])
            .iter()
            .copied()
            .filter(move |o| o.overlaps(span))
    }
}

fn running_max(values: impl Iterator<Item = usize>) -> Vec<usize> {
    let mut max = 0;
    values
        .map(|v| {
            max = max.max(v);
            max
        })
        .collect()
}

/// [`kind_of`] with the regions already indexed.
pub fn kind_of_indexed(text: &str, content: Span, index: &OuterIndex) -> QuoteKind {
    let core = trim_punctuation(text, content);
    let mut inside = index.overlapping(content);
    match inside.next() {
        None => QuoteKind::Indirect,
        Some(first) => {
            let outer = first;
            if inside.next().is_none() && outer.start <= core.start + 1 && outer.end + 2 >= core.end
            {
                QuoteKind::Direct
            } else {
                QuoteKind::Mixed
            }
        }
    }
}

fn trim_punctuation(text: &str, span: Span) -> Span {
    let Some(slice) = text.get(span.start..span.end) else {
        return span;
    };
    let trimmed_start =
        slice.trim_start_matches(|c: char| c.is_whitespace() || ",.;:—–-".contains(c));
    let trimmed =
        trimmed_start.trim_end_matches(|c: char| c.is_whitespace() || ",.;:—–-".contains(c));
    let start = span.start + (slice.len() - trimmed_start.len());
    Span::new(start, start + trimmed.len())
}

/// Nouns that describe a source without naming it: kept as anonymous speakers.
pub(crate) const ANONYMOUS_HEADS: &[&str] = &[
    "sources",
    "source",
    "analysts",
    "analyst",
    "officials",
    "official",
    "experts",
    "expert",
    "critics",
    "observers",
    "people",
    "aides",
    "aide",
    "advisers",
    "advisors",
    "adviser",
    "advisor",
    "economists",
    "economist",
    "diplomats",
    "diplomat",
    "insiders",
    "insider",
    "lawmakers",
    "investors",
    "traders",
    "executives",
    "residents",
    "voters",
    "supporters",
    "opponents",
    "members",
    "staffers",
    "sources",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "some",
    "many",
    "others",
    "report",
    "reports",
    "polls",
    "poll",
    "survey",
    "study",
    "studies",
    "researchers",
    "scientists",
    "democrats",
    "republicans",
    "conservatives",
    "liberals",
    "activists",
    "protesters",
    "leaders",
    "strategists",
];

/// Words that end the head of a source noun phrase ("sources familiar with …").
const HEAD_BREAKS: &[&str] = &[
    "of",
    "from",
    "at",
    "in",
    "with",
    "familiar",
    "who",
    "that",
    "which",
    "close",
    "on",
    "for",
    "to",
    ",",
    "(",
    "—",
    "–",
    "speaking",
    "briefed",
    "according",
    "inside",
    "within",
    "among",
];

/// Whether token `i` is a finite verb or modal (VBD, VBZ, VBP, MD): a clause's own verb.
pub(crate) fn is_finite_verb(doc: &Document, i: usize) -> bool {
    doc.tokens
        .get(i)
        .is_some_and(|t| matches!(t.xpos.as_deref(), Some("VBD" | "VBZ" | "VBP" | "MD")))
}

/// The text of token `i` ("" past the end).
pub fn token_text(doc: &Document, i: usize) -> &str {
    doc.tokens.get(i).map_or("", |t| doc.slice(t.span))
}

/// The mentions overlapping `span` (a token's), found by binary search: mentions are in
/// text order.
pub fn mentions_over(doc: &Document, span: Span) -> impl Iterator<Item = &Mention> + '_ {
    doc.mentions
        .iter()
        .skip(doc.mentions.partition_point(|m| m.span.end <= span.start))
        .take_while(move |m| m.span.start < span.end)
        .filter(move |m| m.span.overlaps(span))
}

/// Resolves the speaker of a source span through the mention and entity layers.
pub fn resolve_speaker(doc: &Document, source: Option<(usize, usize)>) -> ActorRef {
    resolve_speaker_indexed(doc, &MentionIndex::new(doc), source)
}

/// The running maximum of mention ends (mentions in text order), so the mentions containing
/// a token are found by binary search, not by a scan per quote.
#[derive(Debug, Clone)]
pub struct MentionIndex {
    max_end: Vec<usize>,
    sorted: bool,
}

impl MentionIndex {
    /// Indexes `doc.mentions`.
    pub fn new(doc: &Document) -> Self {
        MentionIndex {
            max_end: running_max(doc.mentions.iter().map(|m| m.span.end)),
            sorted: doc
                .mentions
                .windows(2)
                .all(|w| w[0].span.start <= w[1].span.start),
        }
    }

    /// Index range of the mentions that may contain `head` (start before, end after it).
    fn containing(&self, doc: &Document, head: Span) -> std::ops::Range<usize> {
        let lo = self.max_end.partition_point(|&e| e < head.end);
        let hi = if self.sorted {
            doc.mentions.partition_point(|m| m.span.start <= head.start)
        } else {
            doc.mentions.len()
        };
        lo..hi.max(lo)
    }
}

/// [`resolve_speaker`] with the mentions already indexed.
pub fn resolve_speaker_indexed(
    doc: &Document,
    index: &MentionIndex,
    source: Option<(usize, usize)>,
) -> ActorRef {
    let Some((first, last)) = source else {
        return ActorRef::Unresolved {
            text: String::new(),
        };
    };
    let Some(span) = token_span(doc, first, last) else {
        return ActorRef::Unresolved {
            text: String::new(),
        };
    };
    let source_text = doc.slice(span).trim().to_string();
    // Head region: up to the first breaking word after the first token.
    let mut head_last = last;
    for i in first + 1..=last {
        let word = doc
            .tokens
            .get(i)
            .map(|t| doc.slice(t.span).to_lowercase())
            .unwrap_or_default();
        if HEAD_BREAKS.contains(&word.as_str()) {
            head_last = i - 1;
            break;
        }
    }
    // Skip a trailing possessive clitic.
    while head_last > first {
        let word = doc
            .tokens
            .get(head_last)
            .map(|t| doc.slice(t.span))
            .unwrap_or("");
        if matches!(word, "'s" | "’s" | "'" | "’") {
            head_last -= 1;
        } else {
            break;
        }
    }
    let Some(head) = doc.tokens.get(head_last).map(|t| t.span) else {
        return ActorRef::Unresolved { text: source_text };
    };
    let head_word = doc.slice(head).to_lowercase();
    let mention = doc
        .mentions
        .get(index.containing(doc, head))
        .unwrap_or(&[])
        .iter()
        .filter(|m| m.span.start <= head.start && head.end <= m.span.end && m.span.overlaps(span))
        .min_by_key(|m| (m.kind != MentionKind::Name, m.span.len()));
    if let Some(mention) = mention {
        if let Some(id) = &mention.entity {
            if !(ANONYMOUS_HEADS.contains(&head_word.as_str()) && mention.kind != MentionKind::Name)
            {
                return ActorRef::Entity { id: id.clone() };
            }
        }
    }
    // A name inside a longer source ("Keeper of the Ruler's Seal, Syed Danial Syed Ahmad",
    // "Education Minister Rob Fleming" after a place): the person named speaks.
    if mention.is_none() {
        let named = doc
            .mentions
            .iter()
            .skip(doc.mentions.partition_point(|m| m.span.end <= span.start))
            .take_while(|m| m.span.start < span.end)
            .filter(|m| m.kind == MentionKind::Name && m.span.end <= span.end)
            .filter(|m| matches!(m.entity_type, EntityType::Per))
            .filter_map(|m| m.entity.as_ref())
            .last();
        if let Some(id) = named {
            return ActorRef::Entity { id: id.clone() };
        }
    }
    let pronoun = matches!(
        head_word.as_str(),
        "he" | "she" | "they" | "i" | "we" | "it" | "him" | "her" | "you"
    );
    let common = doc
        .slice(head)
        .chars()
        .next()
        .is_some_and(|c| c.is_lowercase());
    if !pronoun && (ANONYMOUS_HEADS.contains(&head_word.as_str()) || common) {
        return ActorRef::Anonymous {
            description: source_text,
        };
    }
    ActorRef::Unresolved { text: source_text }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_quotes::role_span as span;

    fn region(start: usize, end: usize, depth: usize) -> QuoteRegion {
        QuoteRegion {
            open: Span::new(start, start + 1),
            close: Some(Span::new(end - 1, end)),
            inner: Span::new(start + 1, end - 1),
            depth,
            closed: true,
        }
    }

    #[test]
    fn outer_index_finds_what_a_full_scan_finds() {
        // A long region that outlasts later short ones, a nested one, and disjoint ones.
        let regions = [
            region(0, 100, 0),
            region(10, 20, 1),
            region(30, 40, 0),
            region(120, 130, 0),
            region(140, 150, 0),
        ];
        let index = OuterIndex::new(&regions);
        for start in 0..160 {
            for end in start..start + 30 {
                let span = Span::new(start, end);
                let scan: Vec<Span> = regions
                    .iter()
                    .filter(|r| r.depth == 0 && r.outer().overlaps(span))
                    .map(|r| r.outer())
                    .collect();
                let indexed: Vec<Span> = index.overlapping(span).collect();
                assert_eq!(scan, indexed, "span {start}..{end}");
            }
        }
    }

    #[test]
    fn mention_index_keeps_every_mention_that_contains_the_head() {
        let text = "The Minister of State for Health Ann Lee said it.";
        let mut doc =
            stancegraph_core::Document::new(None, text, stancegraph_core::Metadata::default());
        let mention = |start: usize, end: usize| stancegraph_core::Mention {
            span: Span::new(start, end),
            entity_type: EntityType::Per,
            kind: MentionKind::Name,
            entity: None,
            resolution: None,
            resolution_confidence: None,
            stage: String::new(),
            confidence: 1.0,
        };
        // A long mention that outlasts shorter ones after it, and nested ones.
        doc.mentions = vec![
            mention(0, 40),
            mention(4, 12),
            mention(16, 21),
            mention(33, 36),
            mention(37, 40),
        ];
        let index = MentionIndex::new(&doc);
        for start in 0..text.len() {
            for end in start..text.len() {
                let head = Span::new(start, end);
                let range = index.containing(&doc, head);
                for (i, m) in doc.mentions.iter().enumerate() {
                    if m.span.start <= head.start && head.end <= m.span.end {
                        assert!(range.contains(&i), "mention {i} for head {start}..{end}");
                    }
                }
            }
        }
    }

    // Tags in the tagger's numbering: O, then B/I of source (1, 2), cue (3, 4), content (5, 6).
    const B_SOURCE: usize = 1;
    const B_CUE: usize = 3;
    const I_CUE: usize = 4;
    const B_CONTENT: usize = 5;
    const I_CONTENT: usize = 6;

    #[test]
    fn consecutive_tags_of_one_role_are_one_span_and_a_begin_starts_another() {
        let tags = [
            B_SOURCE, O, B_CUE, I_CUE, B_CONTENT, I_CONTENT, B_CONTENT, O, I_CUE,
        ];
        let margins = [1.0, 0.0, 2.0, 4.0, 1.0, 1.0, 1.0, 0.0, 1.0];
        let spans = role_spans(&tags, &margins);
        let summary: Vec<(usize, usize, usize)> =
            spans.iter().map(|s| (s.role, s.first, s.last)).collect();
        assert_eq!(
            summary,
            vec![(0, 0, 0), (1, 2, 3), (2, 4, 5), (2, 6, 6), (1, 8, 8)]
        );
        assert_eq!(spans[1].margin, 3.0, "mean margin of the span");
    }

    #[test]
    fn contents_take_the_nearest_free_cue_and_cues_the_nearest_source() {
        // "Lee said: “…” Kim added, “…”" as token spans.
        let spans = [
            span(0, 0, 0),
            span(1, 1, 1),
            span(2, 3, 8),
            span(0, 10, 10),
            span(1, 11, 11),
            span(2, 13, 18),
        ];
        let linked = link(&spans);
        let pick = |l: &Linked| (l.cue.map(|c| c.first), l.source.map(|s| s.first));
        assert_eq!(pick(&linked[0]), (Some(1), Some(0)));
        assert_eq!(pick(&linked[1]), (Some(11), Some(10)));
    }

    #[test]
    fn cue_and_source_too_far_away_stay_unlinked() {
        let spans = [span(0, 0, 0), span(1, 1, 1), span(2, 100, 110)];
        let linked = link(&spans);
        assert!(linked[0].cue.is_none() && linked[0].source.is_none());
    }

    #[test]
    fn kind_is_direct_mixed_or_indirect_from_the_marks() {
        let text = "Lee said “taxes will rise” and that “growth” may slow, and prices fall.";
        let regions = crate::marks::find_quotes(text);
        let at = |words: &str| {
            let start = text.find(words).expect("words");
            Span::new(start, start + words.len())
        };
        assert_eq!(
            kind_of(text, at("“taxes will rise”"), &regions),
            QuoteKind::Direct
        );
        assert_eq!(
            kind_of(text, at("“growth” may slow"), &regions),
            QuoteKind::Mixed
        );
        assert_eq!(
            kind_of(text, at("prices fall"), &regions),
            QuoteKind::Indirect
        );
    }

    #[test]
    fn speaker_is_the_entity_named_else_an_anonymous_description() {
        use crate::rules::test_docs::{analysed, token};
        let Some(doc) =
            analysed("Wendy Cutler said taxes will rise. Several analysts said prices fall.")
        else {
            return;
        };
        let cutler = token(&doc, "Cutler");
        let name = resolve_speaker(&doc, Some((cutler - 1, cutler)));
        let entity = doc
            .entities
            .iter()
            .find(|e| e.canonical == "Wendy Cutler")
            .expect("entity");
        assert_eq!(
            name,
            ActorRef::Entity {
                id: entity.id.clone()
            }
        );
        let analysts = token(&doc, "analysts");
        assert_eq!(
            resolve_speaker(&doc, Some((analysts - 1, analysts))),
            ActorRef::Anonymous {
                description: "Several analysts".into()
            }
        );
        assert_eq!(
            resolve_speaker(&doc, None),
            ActorRef::Unresolved {
                text: String::new()
            }
        );
    }
}
