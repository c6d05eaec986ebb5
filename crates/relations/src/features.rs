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
        holder,
        target,
        lexicon,
    )
}

/// [`pair_features`] of a sentence already read.
pub fn pair_features_in(
    context: &PairSentence<'_>,
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
    f
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
}
