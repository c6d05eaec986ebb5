//! CoNLL-U reading: the training and evaluation format of Universal Dependencies.

use std::path::Path;

use crate::TextError;

/// One syntactic word of a treebank sentence.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Word {
    /// The word as written (column 2); for a multiword token's part, the part (`n't`).
    pub form: String,
    /// The gold lemma (column 3); `_` when the treebank gives none, which training skips.
    pub lemma: String,
    /// Universal POS tag (column 4: `NOUN`, `VERB`, ...).
    pub upos: String,
    /// Language-specific tag (column 5); Penn Treebank tags (`NNS`, `VBD`) in UD English.
    pub xpos: String,
    /// 1-based index of the head word; 0 for the root.
    pub head: usize,
    /// Universal dependency relation to the head (column 8: `nsubj`, `obj`, `root`, ...).
    pub deprel: String,
    /// False when the MISC column says `SpaceAfter=No`.
    pub space_after: bool,
}

/// A multiword token (`don't` = `do` + `n't`): word indices `first..=last` (1-based).
#[derive(Debug, Clone, PartialEq)]
pub struct MultiwordToken {
    /// Index of the first word of the token (1-based).
    pub first: usize,
    /// Index of the last word of the token (1-based, inclusive).
    pub last: usize,
    /// The surface form (`don't`), as it appears in the raw text.
    pub form: String,
    /// False when the MISC column says `SpaceAfter=No`.
    pub space_after: bool,
}

/// One sentence of a CoNLL-U file: its syntactic words and the multiword tokens over them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TreebankSentence {
    /// The syntactic words in order; word `i` (1-based in the file) is `words[i - 1]`.
    pub words: Vec<Word>,
    /// Multiword tokens, in file order; empty nodes (`8.1`) are not kept.
    pub multiword: Vec<MultiwordToken>,
    /// The sentence starts a document (`# newdoc`); implies `new_paragraph`.
    pub new_document: bool,
    /// The sentence starts a paragraph (`# newpar` or `# newdoc`).
    pub new_paragraph: bool,
}

impl TreebankSentence {
    /// The word forms, in order: the input the tagger and parser see with gold tokens.
    pub fn forms(&self) -> Vec<&str> {
        self.words.iter().map(|w| w.form.as_str()).collect()
    }
}

/// Reads a CoNLL-U file.
pub fn read_conllu(path: &Path) -> Result<Vec<TreebankSentence>, TextError> {
    let text = std::fs::read_to_string(path).map_err(|e| TextError::io(path, e))?;
    parse_conllu(&text, path)
}

/// Parses CoNLL-U text; `path` is only used in error messages. Empty nodes (`8.1`) are skipped.
pub fn parse_conllu(text: &str, path: &Path) -> Result<Vec<TreebankSentence>, TextError> {
    let mut sentences = Vec::new();
    let mut current = TreebankSentence::default();
    let error = |line: usize, message: String| TextError::Conllu {
        path: path.to_path_buf(),
        line,
        message,
    };
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.is_empty() {
            if !current.words.is_empty() {
                sentences.push(std::mem::take(&mut current));
            }
            continue;
        }
        if let Some(comment) = line.strip_prefix('#') {
            let comment = comment.trim_start();
            if comment.starts_with("newdoc") {
                current.new_document = true;
                current.new_paragraph = true;
            } else if comment.starts_with("newpar") {
                current.new_paragraph = true;
            }
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() != 10 {
            return Err(error(
                n + 1,
                format!("expected 10 tab-separated columns, found {}", cols.len()),
            ));
        }
        let space_after = !cols[9].split('|').any(|m| m == "SpaceAfter=No");
        if let Some((a, b)) = cols[0].split_once('-') {
            let first = a
                .parse()
                .map_err(|_| error(n + 1, format!("bad token id `{}`", cols[0])))?;
            let last = b
                .parse()
                .map_err(|_| error(n + 1, format!("bad token id `{}`", cols[0])))?;
            current.multiword.push(MultiwordToken {
                first,
                last,
                form: cols[1].to_string(),
                space_after,
            });
            continue;
        }
        if cols[0].contains('.') {
            continue;
        }
        let head = if cols[6] == "_" {
            0
        } else {
            cols[6]
                .parse()
                .map_err(|_| error(n + 1, format!("bad head `{}`", cols[6])))?
        };
        current.words.push(Word {
            form: cols[1].to_string(),
            lemma: cols[2].to_string(),
            upos: cols[3].to_string(),
            xpos: cols[4].to_string(),
            head,
            deprel: cols[7].to_string(),
            space_after,
        });
    }
    if !current.words.is_empty() {
        sentences.push(current);
    }
    Ok(sentences)
}

/// The raw text of a treebank with the gold byte spans of its words and sentences, for
/// scoring tokenization and sentence splitting. Sentences of a paragraph are joined by
/// a space, paragraphs by a blank line.
pub struct RawTreebank {
    /// The rebuilt text, words joined as their `SpaceAfter` says.
    pub text: String,
    /// Per sentence, per word: the byte span of the word (empty when a multiword token's
    /// parts cannot be located in its surface form).
    pub word_spans: Vec<Vec<(usize, usize)>>,
    /// The byte span of each sentence in `text`, trailing spaces excluded.
    pub sentence_spans: Vec<(usize, usize)>,
}

/// Rebuilds the raw text of `sentences` with the byte spans of their words and sentences.
pub fn raw_text(sentences: &[TreebankSentence]) -> RawTreebank {
    let mut text = String::new();
    let mut word_spans = Vec::with_capacity(sentences.len());
    let mut sentence_spans = Vec::with_capacity(sentences.len());
    for (i, sentence) in sentences.iter().enumerate() {
        if i > 0 {
            let trimmed = text.trim_end().len();
            text.truncate(trimmed);
            text.push_str(if sentence.new_paragraph { "\n\n" } else { " " });
        }
        let start = text.len();
        let mut spans = vec![(0usize, 0usize); sentence.words.len()];
        let mut w = 1usize;
        while w <= sentence.words.len() {
            if let Some(mwt) = sentence
                .multiword
                .iter()
                .find(|m| m.first == w && m.last >= w)
            {
                let surface_start = text.len();
                text.push_str(&mwt.form);
                let surface = mwt.form.to_lowercase();
                let mut pos = 0usize;
                for k in mwt.first..=mwt.last.min(sentence.words.len()) {
                    let form = sentence.words[k - 1].form.to_lowercase();
                    let rest = surface.get(pos..).unwrap_or("");
                    if !form.is_empty()
                        && rest.starts_with(&form)
                        && surface.len() == mwt.form.len()
                    {
                        spans[k - 1] = (surface_start + pos, surface_start + pos + form.len());
                        pos += form.len();
                    } else {
                        spans[k - 1] = (surface_start + pos, surface_start + pos);
                    }
                }
                if mwt.space_after {
                    text.push(' ');
                }
                w = mwt.last.max(w) + 1;
            } else {
                let word = &sentence.words[w - 1];
                let s = text.len();
                text.push_str(&word.form);
                spans[w - 1] = (s, text.len());
                if word.space_after {
                    text.push(' ');
                }
                w += 1;
            }
        }
        let end = text.trim_end().len();
        sentence_spans.push((start, end));
        word_spans.push(spans);
    }
    let end = text.trim_end().len();
    text.truncate(end);
    RawTreebank {
        text,
        word_spans,
        sentence_spans,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str =
        "# newdoc id = x\n# text = I don't.\n1-2\tdon't\t_\t_\t_\t_\t_\t_\t_\tSpaceAfter=No\n\
1\tdo\tdo\tAUX\tVBP\t_\t0\troot\t_\t_\n2\tn't\tnot\tPART\tRB\t_\t1\tadvmod\t_\tSpaceAfter=No\n\
3\t.\t.\tPUNCT\t.\t_\t1\tpunct\t_\t_\n\n1\tYes\tyes\tINTJ\tUH\t_\t0\troot\t_\t_\n";

    #[test]
    fn reads_words_multiword_tokens_and_raw_text() {
        let sentences = parse_conllu(SAMPLE, Path::new("x")).unwrap();
        assert_eq!(sentences.len(), 2);
        assert_eq!(sentences[0].forms(), ["do", "n't", "."]);
        assert_eq!(sentences[0].words[1].head, 1);
        let raw = raw_text(&sentences);
        assert_eq!(raw.text, "don't. Yes");
        assert_eq!(raw.word_spans[0], [(0, 2), (2, 5), (5, 6)]);
        assert_eq!(raw.sentence_spans, [(0, 6), (7, 10)]);
        assert!(parse_conllu("1\tbad\n", Path::new("x")).is_err());
    }
}
