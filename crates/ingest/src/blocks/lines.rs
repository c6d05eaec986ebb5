//! Candidate blocks: the non-empty lines of a text, or its paragraphs when the text is
//! hard-wrapped.

use stancegraph_core::Span;

use super::Line;

/// Non-empty lines with their trimmed spans; hard-wrapped paragraphs (lines broken
/// mid-sentence, separated by blank lines) are joined into one block each.
pub(super) fn split_lines(text: &str) -> Vec<Line<'_>> {
    let mut raw_lines = Vec::new();
    let mut offset = 0;
    for piece in text.split_inclusive('\n') {
        let content = piece.trim_end_matches(['\n', '\r']);
        raw_lines.push((offset, content));
        offset += piece.len();
    }
    // Paragraphs: runs of non-blank lines.
    let mut paragraphs: Vec<Vec<(usize, &str)>> = Vec::new();
    let mut current = Vec::new();
    for (start, content) in raw_lines {
        if content.trim().is_empty() {
            if !current.is_empty() {
                paragraphs.push(std::mem::take(&mut current));
            }
        } else {
            current.push((start, content));
        }
    }
    if !current.is_empty() {
        paragraphs.push(current);
    }
    let (mut inner, mut wrapped) = (0usize, 0usize);
    for paragraph in &paragraphs {
        for (_, content) in paragraph.iter().take(paragraph.len().saturating_sub(1)) {
            inner += 1;
            if !ends_sentence(content) && content.split_whitespace().count() >= 6 {
                wrapped += 1;
            }
        }
    }
    let hard_wrapped = inner >= 3 && wrapped * 10 >= inner * 6;
    let mut lines = Vec::new();
    for paragraph in paragraphs {
        if hard_wrapped && paragraph.len() > 1 {
            let (first_start, first) = paragraph[0];
            let (last_start, last) = paragraph[paragraph.len() - 1];
            let start = first_start + (first.len() - first.trim_start().len());
            let end = last_start + last.trim_end().len();
            if let Some(slice) = text.get(start..end) {
                lines.push(Line {
                    span: Span::new(start, end),
                    text: slice,
                });
            }
        } else {
            for (line_start, content) in paragraph {
                let start = line_start + (content.len() - content.trim_start().len());
                let end = line_start + content.trim_end().len();
                if let Some(slice) = text.get(start..end) {
                    lines.push(Line {
                        span: Span::new(start, end),
                        text: slice,
                    });
                }
            }
        }
    }
    lines
}

/// True when the line ends like a sentence (possibly inside closing quotes/brackets).
pub(super) fn ends_sentence(line: &str) -> bool {
    let trimmed = line
        .trim_end()
        .trim_end_matches(['"', '”', '’', '\'', ')', ']', '»']);
    trimmed.ends_with(['.', '!', '?', '…', ':', ';'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentence_ends_are_read_inside_closing_quotes_and_brackets() {
        assert!(ends_sentence("He said “no.”"));
        assert!(ends_sentence("It fell (again)."));
        assert!(ends_sentence("Read on:"));
        assert!(!ends_sentence("Path Forward Uncertain"));
        assert!(!ends_sentence("“A quote without an end”"));
    }

    #[test]
    fn lines_are_trimmed_and_blank_lines_dropped() {
        let text = "  Title Here \r\n\r\nThe council met.\n";
        let lines = split_lines(text);
        let spans: Vec<(&str, usize, usize)> = lines
            .iter()
            .map(|l| (l.text, l.span.start, l.span.end))
            .collect();
        assert_eq!(spans, [("Title Here", 2, 12), ("The council met.", 17, 33)]);
    }

    #[test]
    fn text_is_hard_wrapped_only_when_most_inner_lines_break_mid_sentence() {
        // Five inner lines, two of them broken mid-sentence: under 60 %, kept as lines.
        let text = "The minister said on Monday that the new\nrules would apply next year.\nShe added that the cost would be modest\nfor most firms.\nThe end of it all.\nDone.";
        assert_eq!(split_lines(text).len(), 6);
        let wrapped = "The minister said on Monday that the new\nrules would apply from next year and that\nfirms had time.\n\nShe added that the cost would be modest\nfor most companies.";
        assert_eq!(split_lines(wrapped).len(), 2);
    }
}
