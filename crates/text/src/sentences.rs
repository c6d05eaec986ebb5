//! Sentence splitting over tokens, and segmentation of a whole document into sentences
//! and tokens. Line breaks always end a sentence (headings and list items have no full
//! stop); inside a line a sentence ends after `.`, `!`, `?` or an ellipsis, together with
//! the closing quotes and brackets that follow it, when the next token looks like the
//! start of a sentence.

use std::ops::Range;

use stancegraph_core::{BlockKind, Document, Sentence, SentenceKind, Span, Token};

use crate::tokenize::{is_abbreviation, is_title_abbreviation, tokenize_into};

/// Words that start a sentence after an ambiguous abbreviation ("... in the U.S. The ...").
const SENTENCE_STARTERS: &[&str] = &[
    "The",
    "A",
    "An",
    "He",
    "She",
    "It",
    "They",
    "We",
    "I",
    "You",
    "But",
    "And",
    "This",
    "That",
    "These",
    "Those",
    "In",
    "On",
    "At",
    "His",
    "Her",
    "Their",
    "Its",
    "Our",
    "There",
    "Some",
    "Many",
    "Most",
    "If",
    "When",
    "While",
    "As",
    "After",
    "Before",
    "Meanwhile",
    "However",
    "So",
    "Yet",
    "What",
    "Why",
    "How",
    "Who",
    "For",
    "Still",
];

fn is_terminal_punct(word: &str) -> bool {
    !word.is_empty()
        && word
            .chars()
            .all(|c| matches!(c, '.' | '!' | '?' | '…' | '‽'))
}

fn is_closer(word: &str) -> bool {
    matches!(
        word,
        "”" | "’" | ")" | "]" | "}" | "»" | "\"" | "'" | "''" | "›"
    )
}

fn starts_sentence(word: &str) -> bool {
    let Some(c) = word.chars().next() else {
        return false;
    };
    c.is_uppercase()
        || c.is_ascii_digit()
        || matches!(
            c,
            '“' | '‘'
                | '"'
                | '\''
                | '('
                | '['
                | '«'
                | '¿'
                | '¡'
                | '-'
                | '—'
                | '*'
                | '•'
                | '@'
                | '#'
        )
        || !c.is_alphabetic() && !c.is_ascii_punctuation() && !c.is_lowercase()
}

/// True when token `j` opens a quotation whose first word is capitalised ("… in the U.S.
/// “Forget about Ford,” Ellison said."): after an abbreviation that can end a sentence, a
/// quote opened apart from it and starting with a capital begins a new sentence. A straight
/// `"` counts only when it touches the next word and not the abbreviation.
fn opens_quoted_sentence(text: &str, tokens: &[Span], j: usize) -> bool {
    let word = |i: usize| {
        tokens
            .get(i)
            .and_then(|s| text.get(s.start..s.end))
            .unwrap_or("")
    };
    let (Some(mark), Some(first)) = (tokens.get(j), tokens.get(j + 1)) else {
        return false;
    };
    let apart = j > 0 && tokens[j - 1].end < mark.start;
    let touches_next = mark.end == first.start;
    let opener = match word(j) {
        "“" => true,
        "\"" => touches_next,
        _ => false,
    };
    opener && apart && touches_next && word(j + 1).chars().next().is_some_and(char::is_uppercase)
}

/// Splits the tokens of one line into sentences, as ranges of token indices.
pub fn split_sentences(text: &str, tokens: &[Span]) -> Vec<Range<usize>> {
    let word = |i: usize| {
        tokens
            .get(i)
            .and_then(|s| text.get(s.start..s.end))
            .unwrap_or("")
    };
    let mut sentences = Vec::new();
    let mut start = 0usize;
    let mut i = 0usize;
    while i < tokens.len() {
        let current = word(i);
        let strong = is_terminal_punct(current);
        let weak = !strong
            && current.len() > 1
            && is_abbreviation(current)
            && !is_title_abbreviation(current);
        if !strong && !weak {
            i += 1;
            continue;
        }
        // Absorb further terminal punctuation and closing quotes or brackets.
        let mut j = i + 1;
        while j < tokens.len() {
            let w = word(j);
            let attached = tokens[j].start == tokens[j - 1].end;
            if is_terminal_punct(w) && attached
                || is_closer(w) && (attached || !matches!(w, "\"" | "'"))
            {
                j += 1;
            } else {
                break;
            }
        }
        let boundary = match tokens.get(j) {
            None => true,
            Some(_) => {
                let next = word(j);
                if strong {
                    starts_sentence(next)
                } else {
                    SENTENCE_STARTERS.contains(&next) || opens_quoted_sentence(text, tokens, j)
                }
            }
        };
        if boundary {
            sentences.push(start..j);
            start = j;
        }
        i = j;
    }
    if start < tokens.len() {
        sentences.push(start..tokens.len());
    }
    sentences
}

/// A region of the text that becomes sentences, with the kind they get.
fn regions(doc: &Document) -> Vec<(Span, SentenceKind)> {
    if doc.blocks.is_empty() {
        return vec![(Span::new(0, doc.text().len()), SentenceKind::Body)];
    }
    doc.blocks
        .iter()
        .filter_map(|b| match b.kind {
            BlockKind::Body => Some((b.span, SentenceKind::Body)),
            BlockKind::Heading => Some((b.span, SentenceKind::Heading)),
            BlockKind::Boilerplate => None,
        })
        .collect()
}

fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\u{2028}' | '\u{2029}' | '\u{0B}' | '\u{0C}' | '\u{85}'
    )
}

/// How many of a body line's tokens make its dateline ("WASHINGTON (AP) —"): 0 when the
/// line opens with none, when a token runs across the dateline's end, or when it is a bare
/// capitals place and `bare_places` is false (the document has several such lines: they are
/// subheads).
fn dateline_tokens(text: &str, line: &Line, tokens: &[Span], bare_places: bool) -> usize {
    let Some(dateline) = line.dateline.filter(|d| !d.subhead) else {
        return 0;
    };
    if dateline.place_only && !bare_places {
        return 0;
    }
    let line_text = &text[line.span.start..line.span.end];
    let indent = line_text.len() - line_text.trim_start().len();
    let end = line.span.start + indent + dateline.len;
    let inside = tokens.partition_point(|t| t.end <= end);
    if tokens.get(inside).is_some_and(|t| t.start < end) {
        return 0;
    }
    inside
}

/// A line of a block to segment (without its line break), the block's kind, and the
/// dateline (or subhead shaped like one) a body line opens with.
struct Line {
    span: Span,
    kind: SentenceKind,
    dateline: Option<crate::Dateline>,
}

/// The lines of the blocks to read, in text order, each byte read once.
fn lines_of(text: &str, doc: &Document) -> Vec<Line> {
    let mut regions = regions(doc);
    regions.sort_by_key(|r| r.0.start);
    let mut lines = Vec::new();
    let mut covered = 0usize;
    for (span, kind) in regions {
        // Overlapping blocks must not produce the same token twice.
        let start = span.start.max(covered);
        let end = span.end.min(text.len());
        if start >= end || !text.is_char_boundary(start) || !text.is_char_boundary(end) {
            continue;
        }
        covered = end;
        let mut line_start = start;
        let breaks = text[start..end]
            .char_indices()
            .filter(|&(_, c)| is_line_break(c))
            .map(|(i, c)| (start + i, c.len_utf8()));
        for (line_end, width) in breaks.chain(std::iter::once((end, 0))) {
            let dateline = match kind {
                SentenceKind::Body => crate::read_dateline(text[line_start..line_end].trim_start()),
                SentenceKind::Heading | SentenceKind::Dateline => None,
            };
            lines.push(Line {
                span: Span::new(line_start, line_end),
                kind,
                dateline,
            });
            line_start = line_end + width;
        }
    }
    lines
}

/// The sentences and tokens of a document being segmented, and the limits on them.
struct Segmented<'s> {
    stage: &'s str,
    max_tokens: usize,
    budget: Option<usize>,
    sentences: Vec<Sentence>,
    tokens: Vec<Token>,
}

impl Segmented<'_> {
    /// Adds the tokens `range` of `line_tokens` as one sentence of `kind`, cut into pieces
    /// of at most `max_tokens`. Returns false once past the document's token budget.
    fn push(&mut self, line_tokens: &[Span], range: Range<usize>, kind: SentenceKind) -> bool {
        let mut chunk_start = range.start;
        while chunk_start < range.end {
            let chunk_end = (chunk_start + self.max_tokens).min(range.end);
            let (first, last) = (line_tokens[chunk_start], line_tokens[chunk_end - 1]);
            let index = self.sentences.len() as u32;
            self.sentences.push(Sentence {
                span: Span::new(first.start, last.end),
                kind,
                stage: self.stage.to_string(),
                confidence: 0.95,
            });
            self.tokens.extend(
                line_tokens[chunk_start..chunk_end]
                    .iter()
                    .map(|&span| Token {
                        span,
                        sentence: index,
                        ..Token::default()
                    }),
            );
            chunk_start = chunk_end;
            if self.budget.is_some_and(|b| self.tokens.len() > b) {
                return false;
            }
        }
        true
    }
}

/// Sentences and tokens of a document: only body and heading blocks are read (the whole
/// text when there are no blocks), a body line's dateline is a sentence of its own (kind
/// `Dateline`), every line break ends a sentence, and a sentence has at most `max_tokens`
/// tokens (longer runs are cut, which keeps later stages linear).
pub fn segment(doc: &Document, stage: &str, max_tokens: usize) -> (Vec<Sentence>, Vec<Token>) {
    let text = doc.text();
    let mut out = Segmented {
        stage,
        max_tokens: max_tokens.max(1),
        // Past the document's token budget the runner fails it: stop one token over, so a
        // huge document never holds more tokens than that in memory.
        budget: stancegraph_core::token_budget(),
        sentences: Vec::new(),
        tokens: Vec::new(),
    };
    let mut line_tokens: Vec<Span> = Vec::new();
    let lines = lines_of(text, doc);
    // A story has one dateline: several bare capitals places ("QUESTIONABLE MEDICAL
    // CLAIMS —") are the subheads of a feature.
    let bare_places = lines
        .iter()
        .filter(|line| line.dateline.is_some_and(|d| d.place_only))
        .count()
        <= 1;
    for line in &lines {
        line_tokens.clear();
        tokenize_into(text, line.span.start, line.span.end, &mut line_tokens);
        let dateline = dateline_tokens(text, line, &line_tokens, bare_places);
        if dateline > 0 && !out.push(&line_tokens, 0..dateline, SentenceKind::Dateline) {
            return (out.sentences, out.tokens);
        }
        for range in split_sentences(text, &line_tokens[dateline..]) {
            let range = range.start + dateline..range.end + dateline;
            if !out.push(&line_tokens, range, line.kind) {
                return (out.sentences, out.tokens);
            }
        }
    }
    (out.sentences, out.tokens)
}

#[cfg(test)]
mod tests {
    use super::*;
    use stancegraph_core::{Block, Metadata};

    fn sentences_of(text: &str) -> Vec<String> {
        let doc = Document::new(None, text, Metadata::default());
        let (sentences, _) = segment(&doc, "test", 500);
        sentences
            .iter()
            .map(|s| doc.slice(s.span).to_string())
            .collect()
    }

    #[test]
    fn tokenization_stops_just_past_the_document_token_budget() {
        let doc = Document::new(
            None,
            "One two three. Four five six. Seven eight nine. Ten eleven twelve.",
            Metadata::default(),
        );
        let (_, all) = segment(&doc, "test", 500);
        assert_eq!(all.len(), 16);
        let _budget = stancegraph_core::start_document_budget(None, Some(5));
        let (sentences, tokens) = segment(&doc, "test", 500);
        // Stopped at the end of the sentence that went over: two sentences, eight tokens.
        assert_eq!((sentences.len(), tokens.len()), (2, 8));
    }

    #[test]
    fn a_dateline_is_a_sentence_of_its_own_and_keeps_its_tokens() {
        let text = "Trump Criticises Fed\nWASHINGTON (AP) — President Donald Trump criticized the Fed on Tuesday. He said so.";
        let doc = Document::new(None, text, Metadata::default());
        let (sentences, tokens) = segment(&doc, "test", 500);
        let kinds: Vec<(&str, SentenceKind)> = sentences
            .iter()
            .map(|s| (doc.slice(s.span), s.kind))
            .collect();
        assert_eq!(
            kinds,
            [
                ("Trump Criticises Fed", SentenceKind::Body),
                ("WASHINGTON (AP) —", SentenceKind::Dateline),
                (
                    "President Donald Trump criticized the Fed on Tuesday.",
                    SentenceKind::Body
                ),
                ("He said so.", SentenceKind::Body),
            ]
        );
        // The same tokens as without the dateline rule: the encoder reads the text as written.
        let words: Vec<&str> = tokens.iter().map(|t| doc.slice(t.span)).collect();
        assert_eq!(&words[3..8], ["WASHINGTON", "(", "AP", ")", "—"]);
        // In a heading block, the same words stay a heading.
        let mut doc = Document::new(
            None,
            "WASHINGTON (AP) — Trump Criticises The Fed Again",
            Metadata::default(),
        );
        doc.blocks.push(Block {
            span: Span::new(0, doc.text().len()),
            kind: BlockKind::Heading,
            reason: String::new(),
            stage: "test".into(),
            confidence: 1.0,
        });
        let (sentences, _) = segment(&doc, "test", 500);
        assert!(sentences.iter().all(|s| s.kind == SentenceKind::Heading));
    }

    #[test]
    fn one_bare_capitals_place_is_a_dateline_several_are_subheads() {
        let kinds = |text: &str| -> Vec<SentenceKind> {
            let doc = Document::new(None, text, Metadata::default());
            segment(&doc, "test", 500)
                .0
                .iter()
                .map(|s| s.kind)
                .collect()
        };
        let story = "MIAMI — The rising violence at the rallies worries the party.
It met today.";
        assert_eq!(
            kinds(story),
            [
                SentenceKind::Dateline,
                SentenceKind::Body,
                SentenceKind::Body
            ]
        );
        let feature = "QUESTIONABLE MEDICAL CLAIMS — For years, Oz has been dogged by charges.\n\
                       MEDICAL BOARD STEPS IN — The state board opened a case against him.";
        assert_eq!(kinds(feature), [SentenceKind::Body, SentenceKind::Body]);
        // A subhead that names no place still counts against the other.
        let feature = "QUESTIONABLE MEDICAL CLAIMS — For years, Oz has been dogged by charges.\n\
                       CONGRESS HAS INVESTIGATED HIM — Oz's advice earned him a hearing there.";
        assert_eq!(kinds(feature), [SentenceKind::Body, SentenceKind::Body]);
    }

    #[test]
    fn splits_on_full_stops_but_not_abbreviations() {
        assert_eq!(
            sentences_of("Sen. Smith met U.S. officials. They left."),
            ["Sen. Smith met U.S. officials.", "They left."]
        );
        assert_eq!(
            sentences_of("He lives in the U.S. The weather is fine."),
            ["He lives in the U.S.", "The weather is fine."]
        );
        assert_eq!(
            sentences_of("Go! he said. What? No."),
            ["Go! he said.", "What?", "No."]
        );
    }

    #[test]
    fn a_capitalised_quotation_after_an_abbreviation_starts_a_sentence() {
        assert_eq!(
            sentences_of("It sold best in the U.S. \u{201c}Forget about GM,\u{201d} Ellison said."),
            [
                "It sold best in the U.S.",
                "\u{201c}Forget about GM,\u{201d} Ellison said."
            ]
        );
        assert_eq!(
            sentences_of("Sales grew in the U.S. \"We won,\" he said."),
            ["Sales grew in the U.S.", "\"We won,\" he said."]
        );
        // A title before a quoted name, and a quoted phrase in lower case, do not split.
        assert_eq!(
            sentences_of("He met the U.S. \u{201c}war on drugs\u{201d} team."),
            ["He met the U.S. \u{201c}war on drugs\u{201d} team."]
        );
    }

    #[test]
    fn quotes_closing_after_the_full_stop_stay_with_the_sentence() {
        assert_eq!(
            sentences_of("\"We will win,\" he said. \"It is over.\" Then he left."),
            [
                "\"We will win,\" he said.",
                "\"It is over.\"",
                "Then he left."
            ]
        );
        assert_eq!(
            sentences_of("called it a “substantial unprovoked escalation.” Others agreed."),
            [
                "called it a “substantial unprovoked escalation.”",
                "Others agreed."
            ]
        );
    }

    #[test]
    fn line_breaks_end_sentences() {
        assert_eq!(
            sentences_of("A Heading Without Stop\nBody text here. More text\n\n- item one\n"),
            [
                "A Heading Without Stop",
                "Body text here.",
                "More text",
                "- item one"
            ]
        );
    }

    #[test]
    fn seed_article_headings_quotes_and_boilerplate() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../data/samples/000_668776db8feb23be.txt"
        );
        let Ok(text) = std::fs::read_to_string(path) else {
            eprintln!("skipping: sample article not found");
            return;
        };
        let mut doc = Document::new(None, text.as_str(), Metadata::default());
        // Mark the first two lines as boilerplate and the third as heading, like ingest does.
        let mut offset = 0;
        for (n, line) in text.split_inclusive('\n').enumerate() {
            let kind = match n {
                0 | 1 => BlockKind::Boilerplate,
                2 | 5 => BlockKind::Heading,
                _ => BlockKind::Body,
            };
            let end = offset + line.trim_end_matches('\n').len();
            doc.blocks.push(Block {
                span: Span::new(offset, end),
                kind,
                reason: String::new(),
                stage: "t".into(),
                confidence: 1.0,
            });
            offset += line.len();
        }
        let (sentences, tokens) = segment(&doc, "text.tokenize", 500);
        let texts: Vec<&str> = sentences.iter().map(|s| doc.slice(s.span)).collect();
        assert_eq!(texts[0], "High-Stakes Diplomatic Maneuvers");
        assert_eq!(sentences[0].kind, SentenceKind::Heading);
        assert!(texts[1].starts_with("US Treasury Secretary Scott Bessent is preparing"));
        assert!(texts[1].ends_with("rare earth minerals."));
        assert!(
            texts
                .iter()
                .any(|t| t.starts_with("Bessent, speaking alongside Trump")
                    && t.contains("“substantial unprovoked escalation” that threatens")
                    && t.ends_with("worldwide.")),
            "{texts:#?}"
        );
        assert!(texts.contains(&"Economic Weapons and Countermeasures"));
        assert!(texts.iter().any(|t| t.ends_with("is not credible.")));
        assert!(
            texts
                .iter()
                .any(|t| t.starts_with("Li must have been") && t.ends_with("assertive stance.”")),
            "{texts:#?}"
        );
        // Nothing from the boilerplate lines.
        let spam_end = text.find("High-Stakes").unwrap_or(0);
        assert!(tokens.iter().all(|t| t.span.start >= spam_end));
        assert!(sentences.iter().all(|s| s.span.start >= spam_end));
        // Tokens sorted, sentence indices valid.
        assert!(tokens
            .windows(2)
            .all(|w| w[0].span.end <= w[1].span.start && w[0].sentence <= w[1].sentence));
        assert!(tokens
            .iter()
            .all(|t| (t.sentence as usize) < sentences.len()));
    }

    #[test]
    fn long_unpunctuated_text_is_cut_into_bounded_sentences() {
        let text = "word ".repeat(2000);
        let doc = Document::new(None, text.as_str(), Metadata::default());
        let (sentences, tokens) = segment(&doc, "t", 400);
        assert_eq!(tokens.len(), 2000);
        assert_eq!(sentences.len(), 5);
    }
}
