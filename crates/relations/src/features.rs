//! Surface features of a (holder, target) pair or of a target in a sentence. They read
//! only the sentence text and two byte ranges, so training (SEESAW and NewsMTSC, where
//! entities are found by name) and prediction (mentions from the entities stage) compute
//! exactly the same thing.

use std::ops::Range;

use crate::lexicon::{stem, Lexicon};

/// One word of a sentence: byte range and text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word<'a> {
    pub range: Range<usize>,
    pub text: &'a str,
}

/// Words of `text`: runs of letters, digits, apostrophes and hyphens; `n't` stays with its verb.
/// Quotation marks come out as the word `"` so features can tell quoted words.
pub fn words(text: &str) -> Vec<Word<'_>> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in text.char_indices() {
        let in_word = c.is_alphanumeric() || c == '\'' || c == '’' || c == '-';
        if in_word {
            start.get_or_insert(i);
            continue;
        }
        if let Some(s) = start.take() {
            out.push(Word {
                range: s..i,
                text: &text[s..i],
            });
        }
        if matches!(c, '"' | '“' | '”') {
            out.push(Word {
                range: i..i + c.len_utf8(),
                text: "\"",
            });
        } else if matches!(c, ',' | ';' | ':') {
            out.push(Word {
                range: i..i + c.len_utf8(),
                text: ",",
            });
        }
    }
    if let Some(s) = start {
        out.push(Word {
            range: s..text.len(),
            text: &text[s..],
        });
    }
    out
}

fn bucket(value: f32) -> &'static str {
    match value {
        v if v <= -2.0 => "neg2",
        v if v < -0.4 => "neg",
        v if v < 0.4 => "zero",
        v if v < 2.0 => "pos",
        _ => "pos2",
    }
}

fn distance_bucket(n: usize) -> &'static str {
    match n {
        0..=2 => "0-2",
        3..=5 => "3-5",
        6..=10 => "6-10",
        _ => "11+",
    }
}

/// Index of the first word at or after `byte`, and of the first word at or after `end`.
fn word_range(words: &[Word<'_>], range: &Range<usize>) -> Range<usize> {
    let first = words.partition_point(|w| w.range.end <= range.start);
    let last = words.partition_point(|w| w.range.start < range.end);
    first..last.max(first)
}

/// Whether word `index` lies between an odd number of quotation marks (inside a quote).
fn inside_quotes(words: &[Word<'_>], index: usize) -> bool {
    words.iter().take(index).filter(|w| w.text == "\"").count() % 2 == 1
}

fn is_speech(word: &str) -> bool {
    matches!(
        stem(word).as_str(),
        "said"
            | "say"
            | "told"
            | "tell"
            | "stat"
            | "add"
            | "argu"
            | "claim"
            | "insist"
            | "writ"
            | "wrot"
            | "according"
    )
}

/// What [`pair_features`] reads of a whole sentence, computed once for all its pairs (so a
/// sentence with many actors costs linear, not quadratic, time).
pub struct PairSentence<'a> {
    text: &'a str,
    words: Vec<Word<'a>>,
    /// Number of quotation marks among the first `i` words, for every `i`.
    quotes_before: Vec<usize>,
    all_valence: f32,
    speech: bool,
}

impl<'a> PairSentence<'a> {
    /// Splits `text` into words and reads its sentence-wide features.
    pub fn new(text: &'a str, lexicon: &Lexicon) -> Self {
        let words = words(text);
        let mut quotes_before = Vec::with_capacity(words.len() + 1);
        let mut quotes = 0;
        quotes_before.push(0);
        for w in &words {
            quotes += usize::from(w.text == "\"");
            quotes_before.push(quotes);
        }
        let all_valence = lexicon.score_words(words.iter().map(|w| w.text));
        let speech = words.iter().any(|w| is_speech(w.text));
        PairSentence {
            text,
            words,
            quotes_before,
            all_valence,
            speech,
        }
    }

    /// Whether word `index` lies between an odd number of quotation marks.
    fn inside_quotes(&self, index: usize) -> bool {
        let index = index.min(self.words.len());
        self.quotes_before.get(index).copied().unwrap_or(0) % 2 == 1
    }
}

/// Features of "does the actor at `holder` take a stance toward the actor at `target`".
pub fn pair_features(
    sentence: &str,
    holder: Range<usize>,
    target: Range<usize>,
    lexicon: &Lexicon,
) -> Vec<String> {
    pair_features_in(
        &PairSentence::new(sentence, lexicon),
        None,
        holder,
        target,
        lexicon,
    )
}

/// [`pair_features`] with the path features of the sentence's parse, when it has one.
pub fn pair_features_parsed(
    sentence: &str,
    parse: Option<&SentenceParse<'_>>,
    holder: Range<usize>,
    target: Range<usize>,
    lexicon: &Lexicon,
) -> Vec<String> {
    pair_features_in(
        &PairSentence::new(sentence, lexicon),
        parse,
        holder,
        target,
        lexicon,
    )
}

/// [`pair_features`] of a sentence already read, with the [`path_features`] of its parse
/// when there is one.
pub fn pair_features_in(
    context: &PairSentence<'_>,
    parse: Option<&SentenceParse<'_>>,
    holder: Range<usize>,
    target: Range<usize>,
    lexicon: &Lexicon,
) -> Vec<String> {
    let sentence = context.text;
    let words = &context.words;
    let h = word_range(words, &holder);
    let t = word_range(words, &target);
    let mut f = vec!["bias".to_string()];
    let holder_first = h.start <= t.start;
    let order = if holder_first { "ht" } else { "th" };
    f.push(format!("ord:{order}"));
    let (gap_start, gap_end) = if holder_first {
        (h.end, t.start)
    } else {
        (t.end, h.start)
    };
    let between: &[Word<'_>] = words.get(gap_start..gap_end.max(gap_start)).unwrap_or(&[]);
    f.push(format!("dist:{}", distance_bucket(between.len())));
    let mut negated = false;
    let mut commas = 0;
    for w in between.iter().take(20) {
        let s = stem(w.text);
        if w.text == "," {
            commas += 1;
        }
        if Lexicon::is_negator(w.text) {
            negated = true;
        }
        if w.text == "and" || w.text == "or" {
            f.push("and_between".into());
        }
        if is_speech(w.text) {
            f.push(format!("speech_between:{order}"));
        }
        f.push(format!("bw:{s}"));
        if let Some(trigger) = lexicon.trigger(w.text, false) {
            if let Some(p) = trigger.stance {
                f.push(format!("trig:{p:?}:{order}"));
            }
            if let Some((kind, _)) = trigger.interaction {
                f.push(format!("act:{kind}"));
            }
        }
    }
    f.push(format!("commas:{}", commas.min(3)));
    if negated {
        f.push("neg_between".into());
    }
    let between_valence = lexicon.score_words(between.iter().map(|w| w.text));
    f.push(format!("vb:{}:{order}", bucket(between_valence)));
    f.push(format!("vs:{}", bucket(context.all_valence)));
    // Words around the target: evaluative words usually sit next to what they evaluate.
    let window_start = t.start.saturating_sub(4);
    let window_end = (t.end + 4).min(words.len());
    let around: Vec<&str> = words
        .get(window_start..window_end)
        .unwrap_or(&[])
        .iter()
        .map(|w| w.text)
        .collect();
    f.push(format!(
        "vt:{}",
        bucket(lexicon.score_words(around.iter().copied()))
    ));
    if let Some(next) = words.get(h.end) {
        f.push(format!("h+1:{}", stem(next.text)));
    }
    if let Some(prev) = t.start.checked_sub(1).and_then(|i| words.get(i)) {
        f.push(format!("t-1:{}", stem(prev.text)));
    }
    if let Some(next) = words.get(t.end) {
        f.push(format!("t+1:{}", stem(next.text)));
    }
    if h.start == 0 {
        f.push("h_first".into());
    }
    if sentence
        .get(holder.end..)
        .is_some_and(|rest| rest.starts_with("'s") || rest.starts_with("’s"))
    {
        f.push("h_poss".into());
    }
    if sentence
        .get(target.end..)
        .is_some_and(|rest| rest.starts_with("'s") || rest.starts_with("’s"))
    {
        f.push("t_poss".into());
    }
    let t_quoted = context.inside_quotes(t.start);
    let h_quoted = context.inside_quotes(h.start);
    if t_quoted && !h_quoted {
        f.push("t_in_quote".into());
    }
    if h_quoted {
        f.push("h_in_quote".into());
    }
    if context.speech {
        f.push("speech_in_sentence".into());
    }
    if let Some(parse) = parse {
        path_features(parse, &holder, &target, lexicon, &mut f);
    }
    f
}

/// One token of a parsed sentence, as the path features read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedToken<'a> {
    /// Byte range in the sentence.
    pub range: Range<usize>,
    /// The token's text (the sentence's bytes at `range`).
    pub text: &'a str,
    /// Index of the head in the sentence's tokens; `None` for the root, or a head outside
    /// the sentence.
    pub head: Option<usize>,
    /// Dependency relation to the head (`nsubj`, `obj`, ...; empty when unparsed).
    pub deprel: &'a str,
}

/// The dependency parse of one sentence, for the features that read the path linking two
/// actors (the predicate between them, who is its subject, whether it is negated).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SentenceParse<'a> {
    /// The sentence's tokens in order; `head` indexes into this list.
    pub tokens: Vec<ParsedToken<'a>>,
}

impl<'a> SentenceParse<'a> {
    /// The parse of the tokens of `doc` inside `span` (byte ranges relative to
    /// `span.start`); `None` when the document carries no parse there.
    pub fn from_document(
        doc: &'a stancegraph_core::Document,
        span: stancegraph_core::Span,
    ) -> Option<Self> {
        let first = doc.tokens.partition_point(|t| t.span.start < span.start);
        let last = doc.tokens.partition_point(|t| t.span.start < span.end);
        let inside = doc.tokens.get(first..last)?;
        if inside.iter().all(|t| t.head.is_none()) {
            return None;
        }
        let tokens = inside
            .iter()
            .filter(|t| t.span.end <= span.end)
            .map(|t| ParsedToken {
                range: t.span.start - span.start..t.span.end - span.start,
                text: doc.slice(t.span),
                head: t
                    .head
                    .and_then(|h| (h as usize).checked_sub(first))
                    .filter(|&h| h < last - first),
                deprel: t.deprel.as_deref().unwrap_or(""),
            })
            .collect();
        Some(SentenceParse { tokens })
    }

    /// The token heading the words at `range`: the first one whose head lies outside it.
    fn span_head(&self, range: &Range<usize>) -> Option<usize> {
        let inside = |i: usize| {
            self.tokens
                .get(i)
                .is_some_and(|t| t.range.start >= range.start && t.range.end <= range.end)
        };
        (0..self.tokens.len()).filter(|&i| inside(i)).find(|&i| {
            self.tokens
                .get(i)
                .and_then(|t| t.head)
                .is_none_or(|h| !inside(h))
        })
    }

    /// `token` and its heads up to the root (bounded, so a cyclic parse ends).
    fn ancestors(&self, token: usize) -> Vec<usize> {
        let mut chain = vec![token];
        let mut at = token;
        while let Some(head) = self.tokens.get(at).and_then(|t| t.head) {
            if chain.len() > self.tokens.len() || chain.contains(&head) {
                break;
            }
            chain.push(head);
            at = head;
        }
        chain
    }
}

/// Whether a dependency relation makes its dependent the doer of its head's action: an
/// active subject or a passive's "by" agent.
fn agent_relation(deprel: &str) -> bool {
    matches!(deprel, "nsubj" | "csubj" | "obl:agent" | "agent")
}

/// Whether the relation marks a passive subject (the one acted on).
fn passive_subject(deprel: &str) -> bool {
    matches!(deprel, "nsubj:pass" | "nsubjpass" | "csubj:pass")
}

/// Features of the dependency path linking the holder and the target: the relations by
/// which each reaches their lowest common head, that head's stem, the direction they give
/// (holder as the doer, target as the one done to; a passive subject is the one done to),
/// the valence and stance triggers of the words on the path, and a negator attached to it.
pub fn path_features(
    parse: &SentenceParse<'_>,
    holder: &Range<usize>,
    target: &Range<usize>,
    lexicon: &Lexicon,
    f: &mut Vec<String>,
) {
    let (Some(h), Some(t)) = (parse.span_head(holder), parse.span_head(target)) else {
        return;
    };
    let h_chain = parse.ancestors(h);
    let t_chain = parse.ancestors(t);
    let Some((t_steps, lca)) = t_chain
        .iter()
        .enumerate()
        .find(|(_, a)| h_chain.contains(a))
        .map(|(i, a)| (i, *a))
    else {
        f.push("dp:unlinked".into());
        return;
    };
    let h_steps = h_chain.iter().position(|&a| a == lca).unwrap_or(0);
    // The relation by which each side attaches to the common head ("self" when it is it).
    // A "by" oblique is a passive's agent, whether or not the parser says so.
    let side_relation = |chain: &[usize], steps: usize| -> &str {
        let Some(&side) = steps.checked_sub(1).and_then(|i| chain.get(i)) else {
            return "self";
        };
        let deprel = parse.tokens.get(side).map_or("", |tok| tok.deprel);
        let by_case = parse.tokens.iter().any(|tok| {
            tok.head == Some(side) && tok.deprel == "case" && tok.text.eq_ignore_ascii_case("by")
        });
        if deprel == "obl" && by_case {
            "obl:agent"
        } else {
            deprel
        }
    };
    let h_rel = side_relation(&h_chain, h_steps);
    let t_rel = side_relation(&t_chain, t_steps);
    f.push(format!("dp:{h_rel}|{t_rel}"));
    f.push(format!("dpl:{}", distance_bucket(h_steps + t_steps)));
    let holder_acts = agent_relation(h_rel);
    let target_acts = agent_relation(t_rel);
    let direction = match (holder_acts, target_acts) {
        (true, false) => "fwd",
        (false, true) => "rev",
        _ if passive_subject(t_rel) && !passive_subject(h_rel) => "fwd",
        _ if passive_subject(h_rel) && !passive_subject(t_rel) => "rev",
        _ => "other",
    };
    f.push(format!("dir:{direction}"));
    // The words linking the two: the common head and the heads on the way to it.
    let path: Vec<usize> = h_chain
        .get(1..h_steps)
        .unwrap_or(&[])
        .iter()
        .chain(t_chain.get(1..t_steps).unwrap_or(&[]))
        .copied()
        .chain((lca != h && lca != t).then_some(lca))
        .collect();
    let text = |i: usize| parse.tokens.get(i).map_or("", |tok| tok.text);
    if let Some(head) = parse.tokens.get(lca) {
        f.push(format!("dlca:{}", stem(head.text)));
        f.push(format!("dlca:{}:{direction}", stem(head.text)));
    }
    let negated = parse.tokens.iter().any(|tok| {
        tok.head.is_some_and(|head| path.contains(&head)) && Lexicon::is_negator(tok.text)
    });
    let negation = if negated { "neg" } else { "pos" };
    let mut valence = 0.0;
    for &i in &path {
        valence += lexicon.valence(text(i));
        if let Some(trigger) = lexicon.trigger(text(i), false) {
            if let Some(p) = trigger.stance {
                f.push(format!("dtrig:{p:?}:{direction}:{negation}"));
            }
        }
    }
    if negated {
        f.push("dneg".into());
    }
    f.push(format!("dv:{}:{negation}", bucket(valence)));
}

/// Features of "what is the sentence's sentiment toward the target at `target`" (NewsMTSC).
pub fn target_features(sentence: &str, target: Range<usize>, lexicon: &Lexicon) -> Vec<String> {
    let words = words(sentence);
    let t = word_range(&words, &target);
    let mut f = vec!["bias".to_string()];
    let stems: Vec<String> = words.iter().map(|w| stem(w.text)).collect();
    let mut negated_left = 0usize;
    for (offset, w) in words.iter().enumerate() {
        if Lexicon::is_negator(w.text) {
            negated_left = 3;
            continue;
        }
        let negated = negated_left > 0;
        negated_left = negated_left.saturating_sub(1);
        if t.contains(&offset) {
            continue;
        }
        let Some(s) = stems.get(offset) else { continue };
        // The whole sentence's words: NewsMTSC sentences mostly speak of one matter.
        f.push(format!("s:{}{s}", if negated { "not_" } else { "" }));
        let distance = if offset < t.start {
            t.start - offset
        } else {
            offset + 1 - t.end
        };
        if distance <= 5 {
            let side = if offset < t.start { "l" } else { "r" };
            f.push(format!("w{side}:{s}"));
            if let Some(next) = stems.get(offset + 1).filter(|_| !t.contains(&(offset + 1))) {
                f.push(format!("b{side}:{s}_{next}"));
            }
        }
    }
    let window_start = t.start.saturating_sub(6);
    let window_end = (t.end + 6).min(words.len());
    let near = words.get(window_start..window_end).unwrap_or(&[]);
    f.push(format!(
        "vn:{}",
        bucket(lexicon.score_words(near.iter().map(|w| w.text)))
    ));
    f.push(format!(
        "va:{}",
        bucket(lexicon.score_words(words.iter().map(|w| w.text)))
    ));
    let after = words
        .get(t.end..(t.end + 8).min(words.len()))
        .unwrap_or(&[]);
    f.push(format!(
        "vafter:{}",
        bucket(lexicon.score_words(after.iter().map(|w| w.text)))
    ));
    if after.iter().any(|w| Lexicon::is_negator(w.text)) {
        f.push("neg_after".into());
    }
    if inside_quotes(&words, t.start) {
        f.push("t_in_quote".into());
    }
    if t.start == 0 {
        f.push("t_first".into());
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pair_features_see_triggers_between_the_actors() {
        let lexicon = Lexicon::from_valence(Default::default());
        let s = "Obama blasted Republicans for the delay.";
        let f = pair_features(s, 0..5, 14..25, &lexicon);
        assert!(f.contains(&"ord:ht".to_string()), "{f:?}");
        assert!(f.contains(&"trig:Oppose:ht".to_string()), "{f:?}");
        assert!(f.contains(&"bw:blast".to_string()), "{f:?}");
        let w = words("“No one,” he said.");
        assert_eq!(
            w.iter().map(|w| w.text).collect::<Vec<_>>(),
            vec!["\"", "No", "one", ",", "\"", "he", "said"]
        );
    }

    /// A hand-made parse of `words` (head index per word, `None` for the root).
    fn parse<'a>(sentence: &'a str, arcs: &[(Option<usize>, &'a str)]) -> SentenceParse<'a> {
        let tokens = words(sentence)
            .into_iter()
            .filter(|w| w.text != "," && w.text != "\"")
            .zip(arcs)
            .map(|(w, (head, deprel))| ParsedToken {
                range: w.range,
                text: w.text,
                head: *head,
                deprel,
            })
            .collect();
        SentenceParse { tokens }
    }

    #[test]
    fn the_path_tells_the_doer_from_the_one_done_to() {
        let lexicon = Lexicon::from_valence(Default::default());
        let s = "Merkel criticised Putin";
        let p = parse(s, &[(Some(1), "nsubj"), (None, "root"), (Some(1), "obj")]);
        let mut forward = Vec::new();
        path_features(&p, &(0..6), &(18..23), &lexicon, &mut forward);
        assert!(forward.contains(&"dir:fwd".to_string()), "{forward:?}");
        assert!(forward.contains(&"dp:nsubj|obj".to_string()), "{forward:?}");
        assert!(
            forward.contains(&"dtrig:Oppose:fwd:pos".to_string()),
            "{forward:?}"
        );
        let mut reverse = Vec::new();
        path_features(&p, &(18..23), &(0..6), &lexicon, &mut reverse);
        assert!(reverse.contains(&"dir:rev".to_string()), "{reverse:?}");
        // A passive subject is the one acted on, the "by" agent the doer.
        let s = "Putin was criticised by Merkel";
        let p = parse(
            s,
            &[
                (Some(2), "nsubj:pass"),
                (Some(2), "aux:pass"),
                (None, "root"),
                (Some(4), "case"),
                (Some(2), "obl:agent"),
            ],
        );
        let mut passive = Vec::new();
        path_features(&p, &(24..30), &(0..5), &lexicon, &mut passive);
        assert!(passive.contains(&"dir:fwd".to_string()), "{passive:?}");
    }

    #[test]
    fn a_negator_on_the_path_is_seen() {
        let lexicon = Lexicon::from_valence([("praised".to_string(), 2.0)].into_iter().collect());
        let s = "Merkel never praised Putin";
        let p = parse(
            s,
            &[
                (Some(2), "nsubj"),
                (Some(2), "advmod"),
                (None, "root"),
                (Some(2), "obj"),
            ],
        );
        let mut f = Vec::new();
        path_features(&p, &(0..6), &(21..26), &lexicon, &mut f);
        assert!(f.contains(&"dneg".to_string()), "{f:?}");
        assert!(f.contains(&"dv:pos2:neg".to_string()), "{f:?}");
    }
}
