//! Rules over the tagged attributions that decide who speaks:
//! - a quoted region (one or several paragraphs) is one direct quote, whatever pieces the
//!   tagger cut it into, with the cue next to its marks ("…,” McCallum told reporters",
//!   "she said: “…”", "“…,” quipped Green"), also past a name and its apposition ("“…,” Harry
//!   J. Kazianis, director of defence studies at …, said");
//! - attributions inside a quote ("I would suggest …") belong to the quote, not to a new
//!   source;
//! - subjects that cannot speak ("Recent geopolitical cyber alliances have shown", "trends
//!   that show", "that") are no sources (`non_speakers.rs` says which heads can speak);
//! - pronoun sources ("he said", also "her statement said") take the nearest person (or
//!   organisation for "it", "they") before them whose gender agrees, never one named inside
//!   a quote's own words; for he/she in a later
//!   sentence, the nearest subject of the latest sentence naming someone who fits (a
//!   pronoun the entity layer resolved counts), else its nearest; a person the pronoun's own
//!   sentence acts upon ("After the council praised Robert Jones, he said") comes last;
//! - a quoted paragraph without a cue continues the speaker of the quote just before it.
//!
//! Every pass is linear in the number of tokens, mentions and quotes (sorted lookups and
//! bounded look-backs), whatever the input.

use stancegraph_core::{
    ActorRef, CueClass, Document, EntityType, Gender, MentionKind, Quote, QuoteKind, Span,
};

use crate::attribution::token_span;
use crate::lexicon::{normalise, CueLexicon};
use crate::marks::QuoteRegion;
use crate::quoted_terms;

/// Tokens scanned after a closing mark (or before an opening one) for the cue.
const CUE_WINDOW: usize = 14;
/// Tokens an apposition may run between a name and its cue ("Kazianis, director of …, said").
const APPOSITION_WINDOW: usize = 24;
/// Mentions a pronoun looks back over at most.
const MAX_LOOKBACK: usize = 48;
/// Sentences a pronoun looks back over.
const PRONOUN_SENTENCES: u32 = 8;
/// Paragraphs a cue-less quote may sit after the quote whose speaker it continues.
const CONTINUATION_PARAGRAPHS: usize = 2;
const CUE_PROBABILITY: f32 = 0.2;

/// Token `i`'s word lower-cased ("" past the end).
pub(crate) fn lower(doc: &Document, i: usize) -> String {
    doc.tokens
        .get(i)
        .map(|t| doc.slice(t.span).to_lowercase())
        .unwrap_or_default()
}

fn is_cue_token(doc: &Document, lexicon: &CueLexicon, i: usize, buf: &mut String) -> bool {
    let Some(token) = doc.tokens.get(i) else {
        return false;
    };
    normalise(doc.slice(token.span), buf);
    let lemma_reports = token
        .lemma
        .as_deref()
        .is_some_and(crate::classes::is_reporting_lemma);
    let word_reports = crate::classes::is_reporting_lemma(buf);
    // A participle the tagger read as a noun ("…, stating, “…”") still introduces.
    let participle = buf.ends_with("ing") && token.upos.as_deref() == Some("NOUN");
    (token.upos.as_deref().is_none_or(|p| p == "VERB") || participle)
        && (lexicon.cue_probability(buf) >= CUE_PROBABILITY || lemma_reports || word_reports)
}

/// Index of the paragraph (block) holding `byte`.
fn paragraph(doc: &Document, byte: usize) -> usize {
    doc.blocks.partition_point(|b| b.span.end <= byte)
}

/// Does the quote open its paragraph (nothing but space before the mark)?
pub(crate) fn starts_paragraph(doc: &Document, outer: Span) -> bool {
    let start = doc.block_at(outer.start).map_or(0, |b| b.span.start);
    doc.text()
        .get(start..outer.start)
        .is_some_and(|before| before.trim().is_empty())
}

fn ends_sentence(word: &str) -> bool {
    matches!(word, "." | "!" | "?")
}

/// The cue of a quoted region: a reporting verb in the few tokens after the closing mark
/// (same paragraph, before the next full stop), else one shortly before the opening mark.
pub fn region_cue(doc: &Document, lexicon: &CueLexicon, region: &QuoteRegion) -> Option<usize> {
    let outer = region.outer();
    let mut buf = String::new();
    let after = doc.tokens.partition_point(|t| t.span.start < outer.end);
    let paragraph_of_close = paragraph(doc, outer.end.saturating_sub(1));
    // A quote that ends its sentence ('.”') is followed by a new sentence: only a short
    // inverted or pronoun attribution ("….” she said.") still belongs to it.
    let closing_stop = doc
        .text()
        .get(region.inner.start..region.inner.end)
        .is_some_and(|inner| inner.trim_end().ends_with(['.', '!', '?']));
    let window = if closing_stop { 4 } else { CUE_WINDOW };
    if !closing_stop {
        if let Some((cue, _)) = apposition_before_cue(doc, lexicon, after, paragraph_of_close) {
            return Some(cue);
        }
    }
    for i in after..(after + window).min(doc.tokens.len()) {
        let token = doc.tokens.get(i)?;
        let word = doc.slice(token.span);
        if paragraph(doc, token.span.start) != paragraph_of_close
            || ends_sentence(word)
            || word.contains(['“', '”', '"'])
        {
            break;
        }
        if is_cue_token(doc, lexicon, i, &mut buf) {
            // A cue before a colon introduces what follows ("…” Caddell continued: “…").
            let introduces_next = doc
                .tokens
                .get(i + 1)
                .is_some_and(|t| doc.slice(t.span) == ":");
            return (!introduces_next).then_some(i);
        }
    }
    let before = doc.tokens.partition_point(|t| t.span.end <= outer.start);
    let paragraph_of_open = paragraph(doc, outer.start);
    for i in (before.saturating_sub(CUE_WINDOW)..before).rev() {
        let token = doc.tokens.get(i)?;
        let word = doc.slice(token.span);
        if paragraph(doc, token.span.start) != paragraph_of_open
            || ends_sentence(word)
            || word.contains(['“', '”', '"'])
        {
            break;
        }
        if is_cue_token(doc, lexicon, i, &mut buf) || (word == "according" && i + 1 < before) {
            return Some(i);
        }
    }
    None
}

/// A name right behind the closing mark, then its apposition between commas, then the cue
/// ("…,” Harry J. Kazianis, director of defence studies at the Centre for the National
/// Interest, said"): the cue sits past the plain window, but only the speaker stands between.
/// Returns the cue and the source as PolNeAR marks it: the name, its apposition and the
/// comma that closes it.
fn apposition_before_cue(
    doc: &Document,
    lexicon: &CueLexicon,
    after: usize,
    paragraph_of_close: usize,
) -> Option<(usize, (usize, usize))> {
    let first = doc.tokens.get(after)?.span.start;
    let name = doc
        .mentions
        .get(doc.mentions.partition_point(|m| m.span.start < first))
        .filter(|m| {
            m.span.start == first
                && m.kind == MentionKind::Name
                && matches!(m.entity_type, EntityType::Per | EntityType::Org)
        })?;
    let comma = doc.tokens.partition_point(|t| t.span.start < name.span.end);
    if doc.tokens.get(comma).map(|t| doc.slice(t.span)) != Some(",") {
        return None;
    }
    let mut buf = String::new();
    for i in comma + 1..(comma + 1 + APPOSITION_WINDOW).min(doc.tokens.len()) {
        let token = doc.tokens.get(i)?;
        let word = doc.slice(token.span);
        if paragraph(doc, token.span.start) != paragraph_of_close
            || ends_sentence(word)
            || word.contains(['“', '”', '"'])
        {
            return None;
        }
        if word == "," && is_cue_token(doc, lexicon, i + 1, &mut buf) {
            return Some((i + 1, (after, i)));
        }
    }
    None
}

/// The source of [`apposition_before_cue`] when `cue` is the cue it found for `outer`.
fn apposed_source(
    doc: &Document,
    lexicon: &CueLexicon,
    outer: Span,
    cue: usize,
) -> Option<(usize, usize)> {
    let after = doc.tokens.partition_point(|t| t.span.start < outer.end);
    let paragraph_of_close = paragraph(doc, outer.end.saturating_sub(1));
    apposition_before_cue(doc, lexicon, after, paragraph_of_close)
        .filter(|&(found, _)| found == cue)
        .map(|(_, source)| source)
}

/// A name mention right next to the cue, for inverted or unparsed attributions
/// ("quipped Green", "Said McCallum:").
pub fn adjacent_name(doc: &Document, cue: usize, avoid: Span) -> Option<(usize, usize)> {
    let cue_span = doc.tokens.get(cue)?.span;
    let at = doc
        .mentions
        .partition_point(|m| m.span.end <= cue_span.start);
    let candidates = [at.checked_sub(1), Some(at), Some(at + 1)];
    candidates
        .iter()
        .flatten()
        .filter_map(|&i| doc.mentions.get(i))
        .filter(|m| m.kind == MentionKind::Name && !m.span.overlaps(avoid))
        .filter(|m| matches!(m.entity_type, EntityType::Per | EntityType::Org))
        .filter(|m| {
            // Touching the cue: nothing but a word or two between them.
            let gap = if m.span.end <= cue_span.start {
                doc.text().get(m.span.end..cue_span.start)
            } else {
                doc.text().get(cue_span.end..m.span.start)
            };
            gap.is_some_and(|g| g.len() <= 2 && !g.contains(['.', '”', '“', '"']))
        })
        .map(|m| {
            let first = doc.tokens.partition_point(|t| t.span.end <= m.span.start);
            let last = doc.tokens.partition_point(|t| t.span.start < m.span.end);
            (first, last.saturating_sub(1).max(first))
        })
        .next()
}

/// The words between a quote's closing mark and its cue ("…,” the affable proprietor
/// says"), or after a cue right behind the mark ("…,” said the rookie defenceman,"): the
/// source as written when the parse gave the cue no subject. At most eight words, no full
/// stop or quote mark inside.
pub fn phrase_beside(doc: &Document, cue: usize, outer: Span) -> Option<(usize, usize)> {
    let after_mark = doc.tokens.partition_point(|t| t.span.start < outer.end);
    let clean = |a: usize, b: usize| {
        (a..=b).all(|i| {
            let word = doc.tokens.get(i).map_or("", |t| doc.slice(t.span));
            !ends_sentence(word) && !word.contains(['“', '”', '"'])
        })
    };
    if cue > after_mark && cue - after_mark <= 8 {
        let (a, b) = (after_mark, cue - 1);
        return clean(a, b).then_some((a, b));
    }
    if cue + 1 >= after_mark && cue <= after_mark + 1 {
        let start = cue + 1;
        let mut end = start;
        while end < start + 8 {
            let word = doc.tokens.get(end).map_or(",", |t| doc.slice(t.span));
            if matches!(word, "," | "." | ";" | ":" | "(" | "—" | "–") {
                break;
            }
            end += 1;
        }
        // An inverted subject is a noun phrase: words with a finite verb are what was said ("…
        // on “Fox & Friends,” alleged the Navy was acting in retaliation").
        // Participles may modify it ("the bow-tied maverick"); a finite verb may not.
        let verbless = (start..end).all(|i| {
            doc.tokens.get(i).is_some_and(|t| {
                t.upos.as_deref() != Some("AUX")
                    && !(t.upos.as_deref() == Some("VERB")
                        && matches!(t.xpos.as_deref(), Some("VBD" | "VBZ" | "VBP")))
            })
        });
        return (end > start && clean(start, end - 1) && verbless).then_some((start, end - 1));
    }
    None
}

pub use crate::non_speakers::is_non_speaker;

/// Replaces the pieces the tagger cut a quoted region into by one direct quote of the
/// whole region; attributions inside a quote that name a speaker inside the same quote are
/// dropped (the quote's speaker said them).
pub fn consolidate_regions(
    doc: &Document,
    lexicon: &CueLexicon,
    regions: &[QuoteRegion],
    quotes: &mut Vec<Quote>,
    stage: &str,
) {
    quotes.sort_by_key(|q| (q.content.start, q.content.end));
    let mention_index = crate::attribution::MentionIndex::new(doc);
    let mut keep = vec![true; quotes.len()];
    let mut added = Vec::new();
    for region in regions.iter().filter(|r| r.depth == 0) {
        let outer = region.outer();
        let first_token = doc.tokens.partition_point(|t| t.span.end <= outer.start);
        let last_token = doc.tokens.partition_point(|t| t.span.start < outer.end);
        if last_token < first_token + 3 {
            continue;
        }
        let from = quotes.partition_point(|q| q.content.end <= outer.start);
        let mut inside = Vec::new();
        let mut straddles = false;
        let mut led = false;
        for (i, quote) in quotes.iter().enumerate().skip(from) {
            if quote.content.start >= outer.end {
                break;
            }
            if !quote.content.overlaps(outer) {
                continue;
            }
            // The tagger often runs a quote's content on into its attribution ("…,” the
            // mayor"): a short tail without a full stop still counts as inside.
            let tail = doc
                .text()
                .get(outer.end.min(quote.content.end)..quote.content.end)
                .unwrap_or("")
                .trim_end();
            // It may also start a few words early ("Bessent's characterization, stating,
            // “…”"): the quote is then introduced by a verb before its mark.
            let lead = doc
                .text()
                .get(quote.content.start..outer.start.max(quote.content.start))
                .unwrap_or("");
            let short_lead = outer.start <= quote.content.start + 2
                || (lead.len() <= 80
                    && !lead.contains(['.', '“', '”', '"', '\n'])
                    && 2 * outer.len() >= quote.content.len());
            let within =
                short_lead && tail.len() <= 40 && !tail.contains(['.', '“', '”', '"', '\n']);
            if within {
                led |= outer.start > quote.content.start + 2;
                inside.push(i);
            } else {
                straddles = true;
            }
        }
        // A quote that straddles the region is mixed reported speech: leave it alone.
        if straddles {
            continue;
        }
        // Sources inside the region belong to nested attributions ("I would suggest").
        // A tagged cue counts only beside the quote: in the paragraph where it opens or
        // closes (the tagger links far-away cues to quoted paragraphs without one).
        let paragraphs = paragraph(doc, outer.start)..=paragraph(doc, outer.end.saturating_sub(1));
        let beside =
            |span: Span| !span.overlaps(outer) && paragraphs.contains(&paragraph(doc, span.start));
        let tagged = inside
            .iter()
            .filter_map(|&i| quotes.get(i))
            .find(|q| q.source.is_some_and(beside) && q.cue.is_some_and(beside));
        // A content that started before the marks was cut around the verb that introduces
        // the quote: the cue beside the marks wins over the tagged one.
        // Only when the tagger's own cue is no verb of saying ("challenged …", "struck a
        // note"): a tagged reporting cue is kept (PolNeAR marks those).
        let tagged_reports = tagged.is_some_and(|q| {
            matches!(
                crate::classes::classify(doc, q.cue, q.source),
                CueClass::Speech | CueClass::Writing
            )
        });
        let beside_cue = if led && !tagged_reports {
            region_cue(doc, lexicon, region)
        } else {
            None
        };
        let tagged_source = tagged.and_then(|q| q.source).and_then(|s| {
            let a = doc.tokens.partition_point(|t| t.span.end <= s.start);
            let b = doc.tokens.partition_point(|t| t.span.start < s.end);
            (b > a).then_some((a, b - 1))
        });
        let tagged = tagged.filter(|_| beside_cue.is_none());
        let (cue, source_tokens) = match tagged {
            Some(q) => {
                let source = q.source.and_then(|s| {
                    let a = doc.tokens.partition_point(|t| t.span.end <= s.start);
                    let b = doc.tokens.partition_point(|t| t.span.start < s.end);
                    (b > a).then_some((a, b - 1))
                });
                (q.cue, source)
            }
            None => match beside_cue.or_else(|| region_cue(doc, lexicon, region)) {
                Some(_) if quoted_terms::is_term(doc, outer, first_token, last_token) => {
                    quoted_terms::drop_bare_readings(quotes, &inside, &mut keep);
                    continue;
                }
                Some(cue) => {
                    let source = apposed_source(doc, lexicon, outer, cue)
                        .or_else(|| crate::rules::subject_of(doc, cue, Some(outer)))
                        .or_else(|| adjacent_name(doc, cue, outer))
                        .or_else(|| phrase_beside(doc, cue, outer))
                        .or(tagged_source);
                    (doc.tokens.get(cue).map(|t| t.span), source)
                }
                // Without a cue only a quoted paragraph stands as someone's words (a
                // phrase in quotes inside a sentence is a term, not a quote).
                None if starts_paragraph(doc, outer) => (None, None),
                None => {
                    if quoted_terms::is_term_without_cue(doc, outer, first_token, last_token) {
                        quoted_terms::drop_bare_readings(quotes, &inside, &mut keep);
                    }
                    continue;
                }
            },
        };
        for &i in &inside {
            if let Some(k) = keep.get_mut(i) {
                *k = false;
            }
        }
        let source = source_tokens.and_then(|(a, b)| token_span(doc, a, b));
        let confidence = inside
            .iter()
            .filter_map(|&i| quotes.get(i))
            .map(|q| q.confidence)
            .fold(if cue.is_some() { 0.6 } else { 0.45 }, f32::max);
        added.push(Quote {
            id: String::new(),
            content: outer,
            cue,
            source,
            speaker: crate::attribution::resolve_speaker_indexed(
                doc,
                &mention_index,
                source_tokens,
            ),
            kind: QuoteKind::Direct,
            class: crate::classes::classify(doc, cue, source),
            stage: stage.to_string(),
            confidence,
        });
    }
    let mut i = 0;
    quotes.retain(|_| {
        i += 1;
        keep.get(i - 1).copied().unwrap_or(true)
    });
    // Attributions whose source sits inside a quote's own words are that quote's content.
    let mut nested_free: Vec<Quote> = Vec::with_capacity(quotes.len());
    let outers: Vec<Span> = regions
        .iter()
        .filter(|r| r.depth == 0)
        .map(|r| r.outer())
        .collect();
    let inside_quote = |span: Span| {
        let at = outers.partition_point(|o| o.end <= span.start);
        outers
            .get(at)
            .is_some_and(|o| o.start <= span.start && span.end <= o.end)
    };
    // A reading whose content is the source of a quoted region ("“…,’’ says the 39-year-old
    // founder": the tagger took the inverted subject for what was said) is no quote.
    // Only a sourceless reading of the same cue, after it, counts ("His views were echoed
    // by …" stays, and so does "Gallagher … alleged the Navy was acting in retaliation" when a
    // quoted title before the cue took those words for its source).
    let mut region_sources: Vec<(Span, Span)> = added
        .iter()
        .filter_map(|q| Some((q.source?, q.cue?)))
        .collect();
    region_sources.sort_by_key(|(source, _)| source.start);
    let is_region_source = |quote: &Quote| {
        let at = region_sources.partition_point(|(s, _)| s.start <= quote.content.start);
        at.checked_sub(1)
            .and_then(|i| region_sources.get(i))
            .is_some_and(|&(source, cue)| {
                source.end >= quote.content.end
                    && cue.end <= quote.content.start
                    && quote.source.is_none()
                    && quote.cue.is_some_and(|c| c.overlaps(cue))
            })
    };
    for quote in quotes.drain(..) {
        let nested = quote.source.is_some_and(inside_quote) && inside_quote(quote.content);
        if !nested && !is_region_source(&quote) {
            nested_free.push(quote);
        }
    }
    *quotes = nested_free;
    quotes.extend(added);
    quotes.sort_by_key(|q| (q.content.start, q.content.end));
}

/// Pronoun sources ("he said", "she told reporters", "it said in a statement") take the
/// nearest fitting entity named before them outside any quote: a person whose gender
/// agrees for he/she, an organisation or country for it/they.
pub fn resolve_pronouns(doc: &Document, regions: &[QuoteRegion], quotes: &mut [Quote]) {
    let outers: Vec<Span> = regions
        .iter()
        .filter(|r| r.depth == 0)
        .map(|r| r.outer())
        .collect();
    let in_quote = |span: Span| {
        let at = outers.partition_point(|o| o.end <= span.start);
        outers
            .get(at)
            .is_some_and(|o| o.start <= span.start && span.end <= o.end)
    };
    let mut mention_index: Option<crate::attribution::MentionIndex> = None;
    let entities: std::collections::HashMap<&str, &stancegraph_core::Entity> =
        doc.entities.iter().map(|e| (e.id.as_str(), e)).collect();
    for quote in quotes.iter_mut() {
        let Some(source) = quote.source else { continue };
        let words = doc.slice(source).trim().to_lowercase();
        let pronoun = speaking_pronoun(&words);
        let wanted: Option<Gender> = match pronoun {
            Some("he") => Some(Gender::Male),
            Some("she") => Some(Gender::Female),
            Some(_) => None,
            None => continue,
        };
        let person = wanted.is_some();
        // "they" after a group named without a name: the group speaks (see
        // `group_pronouns`), unless an organisation or country is named after it.
        let group = (pronoun == Some("they"))
            .then(|| crate::group_pronouns::group_before(doc, source, in_quote))
            .flatten();
        let group_end = group
            .and_then(|(_, last)| doc.tokens.get(last))
            .map(|t| t.span.end);
        let source_sentence = doc
            .tokens
            .get(doc.tokens.partition_point(|t| t.span.end <= source.start))
            .map_or(0, |t| t.sentence);
        let before = doc
            .mentions
            .partition_point(|m| m.span.start < source.start);
        let mut chosen = None;
        // The nearest fitting entity in an earlier sentence, and that sentence.
        let mut nearest_fitting: Option<(String, u32)> = None;
        let mut acted_upon: Option<String> = None;
        let speaks_in_main_clause = {
            let at = doc.tokens.partition_point(|t| t.span.end <= source.start);
            doc.tokens
                .get(at)
                .and_then(|t| t.head)
                .and_then(|h| doc.tokens.get(h as usize))
                .is_some_and(|verb| verb.head.is_none() || verb.deprel.as_deref() == Some("root"))
        };
        for mention in doc
            .mentions
            .get(..before)
            .unwrap_or(&[])
            .iter()
            .rev()
            .take(MAX_LOOKBACK)
        {
            if group_end.is_some_and(|end| mention.span.start < end) {
                break;
            }
            // A pronoun the entity layer resolved counts as its person only as a subject
            // ("Vickers said he … He said …").
            let pronoun = mention.kind == MentionKind::Pronoun;
            if (pronoun && !is_subject(doc, mention.span))
                || mention.span.end > source.start
                || in_quote(mention.span) && !in_quote(source)
            {
                continue;
            }
            let sentence = doc
                .tokens
                .get(
                    doc.tokens
                        .partition_point(|t| t.span.end <= mention.span.start),
                )
                .map_or(0, |t| t.sentence);
            // Past the latest sentence naming someone who fits: the nearest of it speaks.
            if source_sentence.saturating_sub(sentence) > PRONOUN_SENTENCES
                || nearest_fitting.as_ref().is_some_and(|&(_, s)| sentence < s)
            {
                break;
            }
            let Some(id) = &mention.entity else { continue };
            let Some(entity) = entities.get(id.as_str()) else {
                continue;
            };
            let fits = if person {
                entity.entity_type == EntityType::Per
                    && match entity.gender.as_ref().map(|g| g.gender) {
                        Some(Gender::Unknown) | None => true,
                        Some(g) => Some(g) == wanted,
                    }
            } else {
                matches!(entity.entity_type, EntityType::Org | EntityType::Gpe)
                    && mention.entity_type != EntityType::Norp
            };
            // A person the same sentence acts upon before its main clause ("After the
            // council praised Robert Jones, he said") is only a last resort; not when the
            // pronoun speaks in a clause of its own ("found McCabe lacked candor when he
            // said").
            if fits
                && person
                && sentence == source_sentence
                && speaks_in_main_clause
                && is_object(doc, mention.span)
            {
                acted_upon.get_or_insert_with(|| id.clone());
                continue;
            }
            // In the source's own sentence the nearest; before it, the nearest subject of
            // the latest sentence naming someone who fits ("… his father's friend, Martin
            // Legere, gave … “…,” he said" is not Legere), else its nearest.
            if fits && (!person || sentence == source_sentence || is_subject(doc, mention.span)) {
                chosen = Some(id.clone());
                break;
            }
            if fits && nearest_fitting.is_none() {
                nearest_fitting = Some((id.clone(), sentence));
            }
        }
        if let Some(id) = chosen.or(nearest_fitting.map(|(id, _)| id)).or(acted_upon) {
            quote.speaker = ActorRef::Entity { id };
        } else if group.is_some() {
            // Indexed once, and only when a group speaks (a flood of them stays linear).
            let index =
                mention_index.get_or_insert_with(|| crate::attribution::MentionIndex::new(doc));
            quote.speaker = crate::attribution::resolve_speaker_indexed(doc, index, group);
        }
    }
}

/// The pronoun that speaks in a source: the source itself ("he", "they") or the possessor
/// of a written text ("her statement said" is hers).
fn speaking_pronoun(source: &str) -> Option<&'static str> {
    let pronoun = match source.split_once(' ') {
        Some((possessor, text)) if crate::classes::WRITTEN_NOUNS.contains(&text) => match possessor
        {
            "his" => "he",
            "her" => "she",
            "its" => "it",
            "their" => "they",
            _ => return None,
        },
        _ => source,
    };
    ["he", "she", "it", "they"]
        .into_iter()
        .find(|&p| p == pronoun)
}

/// Whether the mention at `span` is the object of a verb or preposition (by its last token).
fn is_object(doc: &Document, span: Span) -> bool {
    let last = doc.tokens.partition_point(|t| t.span.end < span.end);
    doc.tokens.get(last).is_some_and(|t| t.span.end == span.end) && doc.is_object(last)
}

/// Whether the mention at `span` is the subject of its clause (by its last token).
fn is_subject(doc: &Document, span: Span) -> bool {
    let last = doc.tokens.partition_point(|t| t.span.end < span.end);
    doc.tokens.get(last).is_some_and(|t| t.span.end == span.end) && doc.is_subject(last)
}

/// A quote of someone's words without a cue or source (a quoted paragraph after the one that
/// named the speaker) continues the speaker of the quote just before it, when that quote is
/// at most two paragraphs back and names who spoke.
pub fn continue_speakers(doc: &Document, quotes: &mut [Quote]) {
    let mut previous: Option<(ActorRef, usize)> = None;
    for quote in quotes.iter_mut() {
        if !matches!(quote.class, CueClass::Speech | CueClass::Writing) {
            continue;
        }
        let here = paragraph(doc, quote.content.start);
        let silent = quote.cue.is_none()
            && quote.source.is_none()
            && matches!(&quote.speaker, ActorRef::Unresolved { text } if text.is_empty());
        if silent {
            if let Some((speaker, at)) = &previous {
                if here.saturating_sub(*at) <= CONTINUATION_PARAGRAPHS {
                    quote.speaker = speaker.clone();
                }
            }
        }
        let named = match &quote.speaker {
            ActorRef::Entity { .. } | ActorRef::Anonymous { .. } => true,
            ActorRef::Unresolved { text } => !text.is_empty(),
        };
        if named {
            previous = Some((
                quote.speaker.clone(),
                paragraph(doc, quote.content.end.saturating_sub(1)),
            ));
        }
    }
}

#[cfg(test)]
#[path = "speakers_tests.rs"]
mod tests;
