//! A small tokenizer and sentence splitter used only when no text stage ran (training and
//! evaluation harnesses, tests). The shipped stage reads the document's own layers.
//! Tokens follow Penn Treebank habits that PolNeAR span boundaries respect: clitics
//! (`’s`, `n't`) and punctuation are split off, hyphenated words and `O’Malley` stay whole.

use stancegraph_core::{BlockKind, Document, Sentence, SentenceKind, Span, Token};

const STAGE: &str = "quotes.basic_text";

const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "sen", "rep", "gov", "gen", "lt", "col", "sgt", "capt", "st", "jr",
    "sr", "prof", "rev", "hon", "pres", "jan", "feb", "mar", "apr", "aug", "sept", "sep", "oct",
    "nov", "dec", "inc", "corp", "co", "ltd", "vs", "u.s", "u.k", "u.n", "d.c", "a.m", "p.m",
    "e.g", "i.e", "ft", "mt", "ave", "calif", "fla", "ga", "ill", "mass", "mich", "minn", "pa",
    "va", "wash", "wis", "ariz", "colo", "conn", "ky", "la", "md", "mo", "nev", "okla", "ore",
    "tenn", "tex",
];

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '’'
}

/// Token byte spans of `text` (offsets relative to `text`).
pub fn tokenize(text: &str) -> Vec<Span> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let end_of = |k: usize| chars.get(k).map(|&(b, _)| b).unwrap_or(text.len());
    while let Some(&(start, c)) = chars.get(i) {
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c.is_alphanumeric() {
            let mut j = i + 1;
            while let Some(&(_, d)) = chars.get(j) {
                let next = chars.get(j + 1).map(|&(_, n)| n);
                let joins = d.is_alphanumeric()
                    || ((d == '-' || d == '.' || d == ',' || is_apostrophe(d) || d == '&')
                        && next.is_some_and(|n| n.is_alphanumeric())
                        && (d != ','
                            || chars.get(j - 1).is_some_and(|&(_, p)| p.is_ascii_digit()))
                        && (d != '.' || is_dotted_word(&chars, i, j)));
                if !joins {
                    break;
                }
                j += 1;
            }
            // Abbreviation or initial with a final period: "Mr.", "U.S.", "J."
            if chars.get(j).is_some_and(|&(_, d)| d == '.') {
                let word: String = chars[i..j]
                    .iter()
                    .map(|&(_, c)| c.to_ascii_lowercase())
                    .collect();
                let single_initial = j - i == 1 && c.is_uppercase();
                if ABBREVIATIONS.contains(&word.as_str()) || single_initial || word.contains('.') {
                    j += 1;
                }
            }
            // Split clitics: he’s → he ’s ; don't → do n't
            let word: String = chars[i..j].iter().map(|&(_, c)| c).collect();
            let lower = word.to_lowercase().replace('’', "'");
            let clitic_len = ["n't", "'s", "'re", "'ve", "'ll", "'d", "'m"]
                .iter()
                .find(|s| lower.ends_with(*s) && lower.len() > s.len())
                .map(|s| s.chars().count());
            match clitic_len {
                Some(n) if j - i > n => {
                    out.push(Span::new(start, end_of(j - n)));
                    out.push(Span::new(end_of(j - n), end_of(j)));
                }
                _ => out.push(Span::new(start, end_of(j))),
            }
            i = j;
            continue;
        }
        // Clitic after a closing token, e.g. "Trump’s" handled above; lone "’s" here.
        if is_apostrophe(c) {
            let mut j = i + 1;
            while chars.get(j).is_some_and(|&(_, d)| d.is_alphabetic()) && j - i <= 3 {
                j += 1;
            }
            let tail: String = chars[i + 1..j]
                .iter()
                .map(|&(_, c)| c.to_ascii_lowercase())
                .collect();
            let boundary = !chars.get(j).is_some_and(|&(_, d)| d.is_alphanumeric());
            if j > i + 1 && boundary && ["s", "re", "ve", "ll", "d", "m"].contains(&tail.as_str()) {
                out.push(Span::new(start, end_of(j)));
                i = j;
                continue;
            }
        }
        // Runs of the same punctuation ("...", "--") stay together.
        let mut j = i + 1;
        if c == '.' || c == '-' {
            while chars.get(j).is_some_and(|&(_, d)| d == c) {
                j += 1;
            }
        }
        out.push(Span::new(start, end_of(j)));
        i = j;
    }
    out
}

/// True for "U.S" style words: single letters separated by periods.
fn is_dotted_word(chars: &[(usize, char)], start: usize, dot: usize) -> bool {
    dot > start
        && dot - start == 1
        && chars
            .get(dot + 2)
            .is_none_or(|&(_, c)| c == '.' || !c.is_alphanumeric())
}

fn ends_sentence(text: &str, tokens: &[Span], k: usize) -> bool {
    let Some(tok) = tokens.get(k) else {
        return false;
    };
    let word = text.get(tok.start..tok.end).unwrap_or("");
    let terminal = matches!(word, "." | "!" | "?" | "..." | "…")
        || (word.ends_with('.') && word.len() > 1 && {
            // "U.S." ends a sentence only before a capitalised word after a line break.
            false
        });
    if !terminal {
        return false;
    }
    match tokens.get(k + 1) {
        None => true,
        Some(next) => {
            let first = text
                .get(next.start..)
                .and_then(|s| s.chars().next())
                .unwrap_or(' ');
            first.is_uppercase() || first.is_numeric() || "\"“‘'(".contains(first)
        }
    }
}

/// Fills `doc.sentences` and `doc.tokens` from scratch (no tags, no parse). Reads only
/// body and heading blocks when blocks exist; otherwise every line of the text.
pub fn annotate(doc: &mut Document) {
    let text = doc.text().to_string();
    let regions: Vec<(Span, SentenceKind)> = if doc.blocks.is_empty() {
        let mut lines = Vec::new();
        let mut offset = 0;
        for line in text.split_inclusive('\n') {
            lines.push((Span::new(offset, offset + line.len()), SentenceKind::Body));
            offset += line.len();
        }
        lines
    } else {
        doc.blocks
            .iter()
            .filter_map(|b| match b.kind {
                BlockKind::Body => Some((b.span, SentenceKind::Body)),
                BlockKind::Heading => Some((b.span, SentenceKind::Heading)),
                BlockKind::Boilerplate => None,
            })
            .collect()
    };
    let mut sentences = Vec::new();
    let mut tokens = Vec::new();
    for (region, kind) in regions {
        let Some(slice) = text.get(region.start..region.end) else {
            continue;
        };
        let spans: Vec<Span> = tokenize(slice)
            .into_iter()
            .map(|s| Span::new(s.start + region.start, s.end + region.start))
            .collect();
        let mut begin = 0;
        for k in 0..spans.len() {
            let mut end_here = k + 1 == spans.len() || ends_sentence(&text, &spans, k);
            // Keep closing quotes and brackets with the sentence they close.
            if end_here {
                if let Some(next) = spans.get(k + 1) {
                    let w = text.get(next.start..next.end).unwrap_or("");
                    if matches!(w, "”" | "\"" | "’" | "'" | ")") && next.start == spans[k].end {
                        end_here = false;
                    }
                }
            }
            if !end_here && k > 0 {
                let w = text.get(spans[k].start..spans[k].end).unwrap_or("");
                let prev = text.get(spans[k - 1].start..spans[k - 1].end).unwrap_or("");
                if matches!(w, "”" | "\"" | "’" | "'" | ")") && matches!(prev, "." | "!" | "?")
                {
                    end_here = ends_sentence(&text, &spans, k - 1) || k + 1 == spans.len() || {
                        let next = spans
                            .get(k + 1)
                            .and_then(|n| text.get(n.start..))
                            .and_then(|s| s.chars().next());
                        next.is_some_and(|c| c.is_uppercase())
                    };
                }
            }
            if end_here {
                let (Some(first), Some(last)) = (spans.get(begin), spans.get(k)) else {
                    continue;
                };
                let sentence = sentences.len() as u32;
                sentences.push(Sentence {
                    span: Span::new(first.start, last.end),
                    kind,
                    stage: STAGE.into(),
                    confidence: 0.5,
                });
                for s in &spans[begin..=k] {
                    tokens.push(Token {
                        span: *s,
                        sentence,
                        ..Token::default()
                    });
                }
                begin = k + 1;
            }
        }
    }
    doc.sentences = sentences;
    doc.tokens = tokens;
}

#[cfg(test)]
mod tests {
    use super::*;
    use stancegraph_core::Metadata;

    fn words(text: &str) -> Vec<&str> {
        tokenize(text)
            .iter()
            .map(|s| &text[s.start..s.end])
            .collect()
    }

    #[test]
    fn splits_clitics_and_punctuation() {
        assert_eq!(
            words("He’s O’Malley’s man, don't."),
            ["He", "’s", "O’Malley", "’s", "man", ",", "do", "n't", "."]
        );
        assert_eq!(
            words("The U.S. paid $3.2 million—“no.”"),
            ["The", "U.S.", "paid", "$", "3.2", "million", "—", "“", "no", ".", "”"]
        );
        assert_eq!(
            words("Mr. Smith, 800,000 US-China"),
            ["Mr.", "Smith", ",", "800,000", "US-China"]
        );
    }

    #[test]
    fn sentences_keep_closing_quotes() {
        let mut doc = Document::new(
            None,
            "He said “go.” Then he left.\nNext line",
            Metadata::default(),
        );
        annotate(&mut doc);
        let s: Vec<&str> = doc.sentences.iter().map(|s| doc.slice(s.span)).collect();
        assert_eq!(s, ["He said “go.”", "Then he left.", "Next line"]);
    }
}
