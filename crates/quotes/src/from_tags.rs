//! Quotes from role tags decided by another tagger (the encoder's attribution head, read by
//! the `quotes.encoder` stage): the post-decoding half of [`crate::Attributor::find`] (linking,
//! speaker resolution, the rules on quoted regions and speakers), plus two rules that keep the
//! spans such a tagger found as PolNeAR marks them, where the perceptron's linking would
//! reshape them:
//! - a content does not end with the comma, full stop, semicolon or bracket before its
//!   attribution, nor start with a comma (the tagger often runs on over them);
//! - a quoted region consolidated into one direct quote keeps the tagger's content span
//!   when the tagger tagged one content there (the region's cue and source are still used).
//!
//! An attribution that the tagger read as content, between two quoted parts or between the
//! commas after a sentence's first words, is read again by the perceptron (`run_over.rs`).
//! Two rules on sources: a cue takes the tagged source that holds its grammatical subject
//! over a nearer one, and a cue with neither a tagged source nor a subject shares the source
//! of the cue before it in the same sentence (its parsed subject when it has no tagged source
//! and the later cue is a participle after a comma, "announced …, saying …"; the default
//! path shares sources the same way). A content cut inside a phrase is completed along
//! the parse as in the default path (`clause_completion.rs`).

use stancegraph_core::{Document, Quote, Span};

use crate::attribution::{
    kind_of_indexed, role_spans, token_span, Linked, MentionIndex, OuterIndex, RoleSpan,
};
use crate::tagger::{CONTENT, SOURCE};

impl crate::Attributor {
    /// The quotes of `doc` from role tags decided by another tagger (the `quotes.encoder`
    /// stage): one tag per token in [`crate::tagger`]'s numbering (O, then B/I of source, cue
    /// and content) with its margin, then the same linking, speaker resolution and rules as
    /// [`crate::Attributor::find`], with the tagger's content spans kept (see the module
    /// docs); the quotes are marked as made by `stage`.
    pub fn find_with_tags(
        &self,
        doc: &Document,
        tags: &[usize],
        margins: &[f32],
        stage: &str,
    ) -> Vec<Quote> {
        if doc.tokens.is_empty() || tags.len() != doc.tokens.len() {
            return Vec::new();
        }
        let regions = crate::sentence_quote_regions(doc);
        let outer_index = OuterIndex::new(&regions);
        let mention_index = MentionIndex::new(doc);
        let (mut tags, mut margins) = (tags.to_vec(), margins.to_vec());
        let spliced = crate::run_over::split_run_over_attributions(
            doc,
            &regions,
            &self.lexicon,
            &mut tags,
            &mut margins,
            || {
                let features =
                    crate::tagger::extract(doc, &self.lexicon, &regions, self.weights.buckets);
                self.weights.decode(doc, &features)
            },
        );
        let (tags, margins) = (&tags[..], &margins[..]);
        let mut spans = trim_content_punctuation(doc, role_spans(tags, margins));
        crate::tidy_role_spans(doc, tags, &regions, &mut spans);
        let mut quotes = Vec::new();
        let mut links = crate::run_over::link_split_attributions(&spans, &spliced);
        prefer_subject_sources(doc, &spans, &mut links);
        crate::tidy_links(doc, &regions, &mut links);
        for linked in links {
            quotes.extend(self.quote_from_link(doc, &linked, &outer_index, &mention_index, stage));
        }
        let tagged: Vec<Span> = quotes.iter().map(|q| q.content).collect();
        self.add_rule_attributions(doc, &outer_index, &mention_index, &mut quotes);
        crate::speakers::consolidate_regions(doc, &self.lexicon, &regions, &mut quotes, stage);
        restore_tagged_contents(doc, &tagged, &outer_index, &mut quotes);
        crate::drop_non_speakers(doc, &mut quotes);
        crate::speakers::resolve_pronouns(doc, &regions, &mut quotes);
        crate::pull_quotes::drop_pull_quotes(doc, &mut quotes);
        crate::speakers::continue_speakers(doc, &mut quotes);
        if self.join_interrupted {
            crate::interrupted::join_interrupted_quotes(doc, &regions, &mut quotes);
            crate::fronted::join_fronted_parts(doc, &mut quotes);
        }
        crate::partial::start_partial_quotes_at_the_clause(doc, &regions, &mut quotes);
        crate::labelled::add_labelled_quotes(doc, &mention_index, &mut quotes, stage);
        quotes.retain(|q| self.classes.contains(&q.class));
        quotes.sort_by_key(|q| (q.content.start, q.content.end));
        for (i, quote) in quotes.iter_mut().enumerate() {
            quote.id = format!("Q{}", i + 1);
            quote.stage = stage.to_string();
        }
        quotes
    }
}

/// Punctuation a content span does not start or end with, outside its quote marks
/// ("the plan would cost more," he said → "the plan would cost more"; PolNeAR leaves such
/// a comma, a sentence's full stop, a semicolon or an opening bracket out of the content).
const TRIMMED_AT_END: &[&str] = &[",", ".", ";", "("];
const TRIMMED_AT_START: &[&str] = &[","];

/// The tagger's content spans without [`TRIMMED_AT_END`] / [`TRIMMED_AT_START`] tokens at
/// their edges (a span of such tokens only is left as it is).
fn trim_content_punctuation(doc: &Document, mut spans: Vec<RoleSpan>) -> Vec<RoleSpan> {
    let word = |i: usize| doc.tokens.get(i).map_or("", |t| doc.slice(t.span));
    for span in spans.iter_mut().filter(|s| s.role == CONTENT) {
        while span.last > span.first && TRIMMED_AT_END.contains(&word(span.last)) {
            span.last -= 1;
        }
        while span.first < span.last && TRIMMED_AT_START.contains(&word(span.first)) {
            span.first += 1;
        }
    }
    spans
}

/// The content span of a link, for [`crate::rules::subject_of`]'s `avoid`.
fn content_span(doc: &Document, linked: &Linked) -> Option<Span> {
    token_span(doc, linked.content.first, linked.content.last)
}

/// A cue takes the tagged source that holds its grammatical subject, when the nearest tagged
/// source (what [`link`] chose) does not: "Bessent, speaking alongside Trump at the White
/// House, characterized …" with both names tagged speaks for Bessent, not Trump.
fn prefer_subject_sources(doc: &Document, spans: &[RoleSpan], links: &mut [Linked]) {
    for linked in links.iter_mut() {
        let Some(cue) = linked.cue else { continue };
        let Some((first, last)) =
            crate::rules::subject_of(doc, cue.first, content_span(doc, linked))
        else {
            continue;
        };
        let holds = |s: &RoleSpan| s.first <= last && first <= s.last;
        if linked.source.is_some_and(|s| holds(&s)) {
            continue;
        }
        if let Some(subject) = spans
            .iter()
            .find(|s| s.role == SOURCE && holds(s) && crate::same_sentence(doc, s.first, cue.first))
        {
            linked.source = Some(*subject);
        }
    }
}

/// A cue left without a tagged source and without a grammatical subject the parse can find
/// ("Cutler … challenged Bessent's characterization, stating, “…”") shares the source of the
/// cue before it in the same sentence: one speaker, two attributions. A participle after a
/// comma also shares that cue's parsed subject when the tagger marked no source ("Brian
/// Gallant announced … that he'll be stepping down …, saying …").
pub(crate) fn share_sentence_sources(doc: &Document, links: &mut [Linked]) {
    let mut order: Vec<usize> = (0..links.len())
        .filter(|&i| links[i].cue.is_some())
        .collect();
    order.sort_by_key(|&i| links[i].cue.map(|c| c.first));
    // The previous cue, its source and whether that source was tagged.
    let mut previous: Option<(usize, RoleSpan, bool)> = None;
    for i in order {
        let linked = links[i];
        let Some(cue) = linked.cue else { continue };
        // Only a cue without a tagged source needs its parsed subject.
        let subject = linked
            .source
            .is_none()
            .then(|| crate::rules::subject_of(doc, cue.first, content_span(doc, &linked)))
            .flatten();
        let shared = previous.filter(|&(at, _, tagged)| {
            crate::same_sentence(doc, at, cue.first)
                && (tagged || is_participle_adjunct(doc, cue.first))
        });
        let mut here = linked.source.map(|source| (source, true));
        if here.is_none() && subject.is_none() {
            if let Some((_, source, tagged)) = shared {
                links[i].source = Some(source);
                here = Some((source, tagged));
            }
        }
        // A relative pronoun ("who said") is no speaker to pass on.
        let parsed = subject
            .filter(|&(first, last)| {
                first < last
                    || !matches!(
                        crate::speakers::lower(doc, first).as_str(),
                        "who" | "which" | "that"
                    )
            })
            .map(|(first, last)| {
                let source = RoleSpan {
                    role: SOURCE,
                    first,
                    last,
                    margin: cue.margin,
                };
                (source, false)
            });
        if let Some((source, tagged)) = here.or(parsed) {
            previous = Some((cue.first, source, tagged));
        }
    }
}

/// A participle after a comma ("…, saying", "…, insisting"): an adjunct of the clause before,
/// whose subject does the saying.
fn is_participle_adjunct(doc: &Document, cue: usize) -> bool {
    let word = |i: usize| doc.tokens.get(i).map_or("", |t| doc.slice(t.span));
    cue > 0
        && word(cue - 1) == ","
        && word(cue).ends_with("ing")
        && doc
            .tokens
            .get(cue)
            .is_some_and(|t| t.upos.as_deref() == Some("VERB"))
}

/// After [`crate::speakers::consolidate_regions`]: a direct quote made of a whole quoted
/// region that replaced exactly one of the tagger's contents takes that content's span back
/// (the tagger marks where PolNeAR's content starts and ends: "voter fraud “would be one
/// hell of a way to lose.”", a quote's words without its marks), unless it ran on past the
/// closing mark; its cue and source stay.
fn restore_tagged_contents(
    doc: &Document,
    tagged: &[Span],
    outer_index: &OuterIndex,
    quotes: &mut [Quote],
) {
    let kept: std::collections::HashSet<Span> = quotes.iter().map(|q| q.content).collect();
    let replaced: Vec<Span> = tagged
        .iter()
        .copied()
        .filter(|s| !kept.contains(s))
        .collect();
    for quote in quotes.iter_mut() {
        if tagged.contains(&quote.content) {
            continue;
        }
        let mut inside = replaced.iter().filter(|s| s.overlaps(quote.content));
        if let (Some(&span), None) = (inside.next(), inside.next()) {
            quote.content = span;
            quote.kind = kind_of_indexed(doc.text(), span, outer_index);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_docs::{analysed, data_dir, tag, token};
    use crate::tagger::O;
    use stancegraph_core::QuoteKind;

    // Tags in the tagger's numbering: O, then B/I of source (1, 2), cue (3, 4), content (5, 6).
    const B_SOURCE: usize = 1;
    const B_CUE: usize = 3;
    const B_CONTENT: usize = 5;

    fn attributor() -> Option<crate::Attributor> {
        crate::Attributor::load(&data_dir()).ok()
    }

    fn contents(doc: &Document, quotes: &[Quote]) -> Vec<String> {
        quotes
            .iter()
            .map(|q| doc.slice(q.content).to_string())
            .collect()
    }

    #[test]
    fn an_interrupted_quotation_tagged_as_one_content_keeps_its_own_cue_and_source() {
        let text =
            "Talks go on, Lee said.\n\n\"Coal isn't the villain,\" Kim said. \"Carbon is.\"\n";
        let Some(doc) = analysed(text) else {
            return;
        };
        let Some(attributor) = attributor() else {
            return;
        };
        let n = doc.tokens.len();
        let mut tags = vec![O; n];
        let lee = token(&doc, "Lee");
        let opening = token(&doc, "\"");
        // The encoder's reading: the attribution between the quoted parts is content too.
        tag(&mut tags, B_CONTENT, 0, lee - 2);
        tag(&mut tags, B_SOURCE, lee, lee);
        tag(&mut tags, B_CUE, lee + 1, lee + 1);
        tag(&mut tags, B_CONTENT, opening, n - 1);
        let margins = vec![3.0; n];
        let quotes = attributor.find_with_tags(&doc, &tags, &margins, "test");
        let interrupted = quotes
            .iter()
            .find(|q| doc.slice(q.content).starts_with('"'))
            .expect("the quotation is a quote");
        assert_eq!(
            doc.slice(interrupted.content),
            "\"Coal isn't the villain,\" Kim said. \"Carbon is.\""
        );
        assert_eq!(interrupted.source.map(|s| doc.slice(s)), Some("Kim"));
        let cue = interrupted.cue.expect("a cue");
        assert!(cue.start > doc.tokens[opening].span.start, "its own said");
        let earlier = quotes
            .iter()
            .find(|q| doc.slice(q.content).starts_with("Talks"))
            .expect("the first sentence's quote");
        assert_eq!(earlier.source.map(|s| doc.slice(s)), Some("Lee"));
    }

    #[test]
    fn a_fronted_attribution_tagged_as_content_is_the_quotes_cue_and_source() {
        let text = "Crowds marched on Sunday.\n\nActs of protest, Mr. Obama said, are acts of patriotism.\n";
        let Some(doc) = analysed(text) else {
            return;
        };
        let Some(attributor) = attributor() else {
            return;
        };
        let n = doc.tokens.len();
        let mut tags = vec![O; n];
        let acts = token(&doc, "Acts");
        // The encoder's reading: the whole sentence, attribution included, is content.
        tag(&mut tags, B_CONTENT, acts, n - 2);
        let margins = vec![3.0; n];
        let quotes = attributor.find_with_tags(&doc, &tags, &margins, "test");
        let quote = quotes
            .iter()
            .find(|q| doc.slice(q.content).contains("patriotism"))
            .expect("the reported speech is a quote");
        assert_eq!(
            doc.slice(quote.content),
            "Acts of protest, Mr. Obama said, are acts of patriotism"
        );
        assert_eq!(quote.cue.map(|c| doc.slice(c)), Some("said"));
        assert_eq!(quote.source.map(|s| doc.slice(s)), Some("Mr. Obama"));
    }

    #[test]
    fn a_content_ends_before_the_comma_that_leads_to_its_attribution() {
        let text = "The plan would cost more, Lee said. Kim left early.";
        let Some(doc) = analysed(text) else {
            return;
        };
        let Some(attributor) = attributor() else {
            return;
        };
        let mut tags = vec![O; doc.tokens.len()];
        let lee = token(&doc, "Lee");
        // The tagger ran the content on over the comma.
        tag(&mut tags, B_CONTENT, 0, lee - 1);
        tag(&mut tags, B_SOURCE, lee, lee);
        tag(&mut tags, B_CUE, lee + 1, lee + 1);
        let margins = vec![3.0; doc.tokens.len()];
        let quotes = attributor.find_with_tags(&doc, &tags, &margins, "test");
        assert_eq!(
            contents(&doc, &quotes),
            vec!["The plan would cost more".to_string()]
        );
        assert_eq!(quotes[0].cue.map(|c| doc.slice(c)), Some("said"));
    }

    #[test]
    fn punctuation_alone_or_inside_a_content_stays() {
        let Some(doc) = analysed("Lee said: taxes, in short, will rise. Kim left.") else {
            return;
        };
        let taxes = token(&doc, "taxes");
        let rise = token(&doc, "rise");
        let span = |first: usize, last: usize| RoleSpan {
            role: CONTENT,
            first,
            last,
            margin: 1.0,
        };
        // ", in short," keeps its inner commas; a lone "." is left alone; "rise ." loses the stop.
        let trimmed = trim_content_punctuation(
            &doc,
            vec![
                span(taxes, rise + 1),
                span(rise + 1, rise + 1),
                span(taxes - 1, taxes),
            ],
        );
        assert_eq!(
            trimmed,
            vec![
                span(taxes, rise),
                span(rise + 1, rise + 1),
                span(taxes - 1, taxes)
            ]
        );
        assert_eq!(doc.slice(doc.tokens[taxes - 1].span), ":");
        let cue = RoleSpan {
            role: 1,
            ..span(rise + 1, rise + 1)
        };
        assert_eq!(
            trim_content_punctuation(&doc, vec![cue]),
            vec![cue],
            "cues untouched"
        );
    }

    #[test]
    fn a_consolidated_region_keeps_the_tagged_content() {
        let text = "Lee said voter fraud “would be one hell of a way to lose.” Kim left.";
        let Some(doc) = analysed(text) else {
            return;
        };
        let Some(attributor) = attributor() else {
            return;
        };
        let mut tags = vec![O; doc.tokens.len()];
        let voter = token(&doc, "voter");
        let lee = token(&doc, "Lee");
        let closing = (voter..doc.tokens.len())
            .find(|&i| doc.slice(doc.tokens[i].span) == "”")
            .expect("closing mark");
        tag(&mut tags, B_SOURCE, lee, lee);
        tag(&mut tags, B_CUE, lee + 1, lee + 1);
        tag(&mut tags, B_CONTENT, voter, closing);
        let margins = vec![3.0; doc.tokens.len()];
        let quotes = attributor.find_with_tags(&doc, &tags, &margins, "test");
        assert_eq!(
            contents(&doc, &quotes),
            vec!["voter fraud “would be one hell of a way to lose.”".to_string()]
        );
        assert_eq!(quotes[0].kind, QuoteKind::Mixed);
        assert_eq!(quotes[0].source.map(|s| doc.slice(s)), Some("Lee"));
    }

    /// The quotes of `text` with a content tagged from the word `first` (the first token when
    /// `None`) to the word `last` and the token after it tagged as its cue.
    fn quotes_for_content_then_cue(
        text: &str,
        first: Option<&str>,
        last: &str,
    ) -> Option<(Document, Vec<Quote>)> {
        let doc = analysed(text)?;
        let attributor = attributor()?;
        let mut tags = vec![O; doc.tokens.len()];
        let (first, last) = (first.map_or(0, |w| token(&doc, w)), token(&doc, last));
        tag(&mut tags, B_CONTENT, first, last);
        tag(&mut tags, B_CUE, last + 1, last + 1);
        let margins = vec![3.0; doc.tokens.len()];
        let quotes = attributor.find_with_tags(&doc, &tags, &margins, "test");
        Some((doc, quotes))
    }

    #[test]
    fn a_long_source_phrase_run_into_a_quote_before_its_cue_is_cut_off() {
        let text = "\u{201c}You are only getting one new rink,\u{201d} Cloverdale Minor Hockey Association president Marty Jones told CTV News. Kim left.";
        let Some((doc, quotes)) = quotes_for_content_then_cue(text, None, "Jones") else {
            return;
        };
        assert_eq!(
            contents(&doc, &quotes),
            vec!["\u{201c}You are only getting one new rink,\u{201d}".to_string()]
        );
        assert_eq!(quotes[0].kind, QuoteKind::Direct);
        assert_eq!(
            quotes[0].source.map(|s| doc.slice(s)),
            Some("Cloverdale Minor Hockey Association president Marty Jones")
        );
    }

    #[test]
    fn a_name_run_into_a_quote_before_its_cue_is_the_source() {
        let text = "The tour \u{201c}was a real eye-opener\u{201d} Farinloye says. Kim left.";
        let Some((doc, quotes)) = quotes_for_content_then_cue(text, None, "Farinloye") else {
            return;
        };
        assert_eq!(quotes.len(), 1, "{quotes:?}");
        assert!(
            !doc.slice(quotes[0].content).contains("Farinloye"),
            "{}",
            doc.slice(quotes[0].content)
        );
        assert_eq!(quotes[0].source.map(|s| doc.slice(s)), Some("Farinloye"));
    }

    #[test]
    fn words_after_a_quoted_term_that_name_nobody_stay_content() {
        let text = "Officials said the \u{201c}core\u{201d} prices rose. Kim left.";
        let Some((doc, quotes)) = quotes_for_content_then_cue(text, Some("the"), "prices") else {
            return;
        };
        assert!(
            quotes
                .iter()
                .any(|q| doc.slice(q.content).ends_with("prices")),
            "{:?}",
            contents(&doc, &quotes)
        );
    }

    #[test]
    fn a_cue_takes_the_tagged_source_that_is_its_subject() {
        let text = "Bessent, speaking alongside Trump at the White House, characterized the curbs as an escalation. Markets fell.";
        let Some(doc) = analysed(text) else {
            return;
        };
        let Some(attributor) = attributor() else {
            return;
        };
        let mut tags = vec![O; doc.tokens.len()];
        let trump = token(&doc, "Trump");
        let house = token(&doc, "House");
        let cue = token(&doc, "characterized");
        let escalation = token(&doc, "escalation");
        tag(&mut tags, B_SOURCE, 0, 0);
        // The nearer source, what linking by distance alone would choose.
        tag(&mut tags, B_SOURCE, trump, house);
        tag(&mut tags, B_CUE, cue, cue);
        tag(&mut tags, B_CONTENT, cue + 1, escalation);
        let margins = vec![3.0; doc.tokens.len()];
        let quotes = attributor.find_with_tags(&doc, &tags, &margins, "test");
        assert_eq!(quotes.len(), 1);
        assert_eq!(quotes[0].source.map(|s| doc.slice(s)), Some("Bessent"));
    }

    #[test]
    fn a_cue_without_source_or_subject_shares_the_source_before_it() {
        let text = "Wendy Cutler, vice-president of the Asia Society Policy Institute, challenged Bessent’s characterization, stating, “The notion is not credible.” Li left.";
        let Some(doc) = analysed(text) else {
            return;
        };
        let Some(attributor) = attributor() else {
            return;
        };
        let mut tags = vec![O; doc.tokens.len()];
        let institute = token(&doc, "Institute");
        let challenged = token(&doc, "challenged");
        let stating = token(&doc, "stating");
        let closing = (stating..doc.tokens.len())
            .find(|&i| doc.slice(doc.tokens[i].span) == "”")
            .expect("closing mark");
        tag(&mut tags, B_SOURCE, 0, institute + 1);
        tag(&mut tags, B_CUE, challenged, challenged);
        tag(&mut tags, B_CONTENT, challenged + 1, stating - 2);
        tag(&mut tags, B_CUE, stating, stating);
        tag(&mut tags, B_CONTENT, stating + 2, closing);
        let margins = vec![3.0; doc.tokens.len()];
        let quotes = attributor.find_with_tags(&doc, &tags, &margins, "test");
        let quote = quotes
            .iter()
            .find(|q| doc.slice(q.content).contains("notion"))
            .expect("the quoted sentence");
        assert_eq!(
            quote.source.map(|s| doc.slice(s)),
            Some("Wendy Cutler, vice-president of the Asia Society Policy Institute,")
        );
    }

    #[test]
    fn a_participle_after_a_comma_shares_the_parsed_subject_before_it() {
        let text = "Former premier Brian Gallant announced recently that he will be stepping down as Liberal leader earlier than planned, saying the party needs to move on. Li left.";
        let Some(doc) = analysed(text) else {
            return;
        };
        let Some(attributor) = attributor() else {
            return;
        };
        let mut tags = vec![O; doc.tokens.len()];
        let announced = token(&doc, "announced");
        let saying = token(&doc, "saying");
        let on = token(&doc, "on");
        tag(&mut tags, B_CUE, announced, announced + 1);
        tag(&mut tags, B_CONTENT, announced + 2, saying - 2);
        tag(&mut tags, B_CUE, saying, saying);
        tag(&mut tags, B_CONTENT, saying + 1, on);
        let margins = vec![3.0; doc.tokens.len()];
        let quotes = attributor.find_with_tags(&doc, &tags, &margins, "test");
        let quote = quotes
            .iter()
            .find(|q| doc.slice(q.content).contains("party"))
            .expect("the participle's content");
        let source = quote.source.map(|s| doc.slice(s)).unwrap_or_default();
        assert!(source.ends_with("Brian Gallant"), "{source:?}");
    }

    #[test]
    fn a_sourced_reading_after_a_quoted_title_keeps_its_words() {
        let text = "Gallagher, speaking Sunday on \u{201c}Fox & Friends,\u{201d} alleged the Navy was acting in retaliation. Li left.";
        let Some(doc) = analysed(text) else {
            return;
        };
        let Some(attributor) = attributor() else {
            return;
        };
        let mut tags = vec![O; doc.tokens.len()];
        let alleged = token(&doc, "alleged");
        let retaliation = token(&doc, "retaliation");
        tag(&mut tags, B_SOURCE, 0, 0);
        tag(&mut tags, B_CUE, alleged, alleged);
        tag(&mut tags, B_CONTENT, alleged + 1, retaliation);
        let margins = vec![3.0; doc.tokens.len()];
        let quotes = attributor.find_with_tags(&doc, &tags, &margins, "test");
        let quote = quotes
            .iter()
            .find(|q| doc.slice(q.content) == "the Navy was acting in retaliation")
            .expect("the tagged reading stays");
        assert_eq!(quote.source.map(|s| doc.slice(s)), Some("Gallagher"));
    }
}
