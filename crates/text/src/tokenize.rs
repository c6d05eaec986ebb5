//! Rule-based tokenizer for English news, following the UD English (EWT) conventions:
//! contractions and possessives are split (`do|n't`, `Bush|'s`), hyphens between words
//! are their own tokens except after common prefixes (`non-stop`), abbreviations keep
//! their full stop (`U.S.`, `Sen.`), URLs, emails and handles stay whole.
//!
//! Every byte of the input that is not a separator (whitespace, control character,
//! zero-width space) ends up in exactly one token: nothing is lost or invented.

use stancegraph_core::Span;

/// Abbreviations (lowercase, without the final full stop) that keep their full stop.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "col", "lt", "sgt", "capt",
    "cmdr", "adm", "maj", "rev", "st", "mt", "ft", "jr", "sr", "inc", "corp", "co", "ltd", "bros",
    "no", "nos", "vol", "vols", "vs", "etc", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
    "sep", "sept", "oct", "nov", "dec", "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri",
    "sat", "sun", "ave", "blvd", "rd", "dept", "univ", "assn", "est", "approx", "al", "fig", "pp",
    "cf", "ca", "pres", "supt", "messrs", "mme", "mlle", "hon", "sens", "reps", "govs", "ph.d",
    "e.g", "i.e", "a.m", "p.m", "u.s", "u.k", "u.n", "u.s.a", "d.c", "n.y", "l.a", "ariz", "calif",
    "colo", "conn", "fla", "ill", "kan", "mass", "mich", "minn", "miss", "nev", "okla", "ore",
    "penn", "tenn", "tex", "va", "wash", "wis",
];

/// Abbreviations that precede a name or number and so never end a sentence.
const TITLES: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "col", "lt", "sgt", "capt",
    "cmdr", "adm", "maj", "rev", "st", "mt", "ft", "no", "nos", "vol", "vs", "pres", "supt",
    "messrs", "mme", "mlle", "hon", "sens", "reps", "govs", "fig", "pp", "cf",
];

/// Prefixes that stay attached to the word after a hyphen (`non-stop`, `e-mail`).
const HYPHEN_PREFIXES: &[&str] = &[
    "non", "post", "pre", "e", "co", "re", "anti", "mid", "cross", "self", "ex", "multi", "pro",
    "semi", "sub", "inter", "intra", "counter", "over", "under", "un", "de", "bi", "tri", "mis",
    "neo", "pan", "quasi", "ultra", "x",
];

/// True for characters that separate tokens and belong to none.
pub fn is_separator(c: char) -> bool {
    c.is_whitespace() || c.is_control() || matches!(c, '\u{200B}' | '\u{FEFF}' | '\u{2060}')
}

/// Tokens of the whole text, as byte spans.
pub fn tokenize(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    tokenize_into(text, 0, text.len(), &mut out);
    out
}

/// Appends the tokens of `text[start..end]` (byte offsets on char boundaries) to `out`.
pub fn tokenize_into(text: &str, start: usize, end: usize, out: &mut Vec<Span>) {
    let Some(region) = text.get(start..end) else {
        return;
    };
    let mut chunk_start: Option<usize> = None;
    for (offset, c) in region.char_indices() {
        let at = start + offset;
        if is_separator(c) {
            if let Some(cs) = chunk_start.take() {
                split_chunk(text, cs, at, out);
            }
        } else if chunk_start.is_none() {
            chunk_start = Some(at);
        }
    }
    if let Some(cs) = chunk_start {
        split_chunk(text, cs, end, out);
    }
}

fn is_opening(c: char) -> bool {
    matches!(
        c,
        '(' | '['
            | '{'
            | '"'
            | '“'
            | '‘'
            | '«'
            | '¿'
            | '¡'
            | '`'
            | '*'
            | '\''
            | '’'
            | '„'
            | '‹'
            | '<'
    )
}

fn is_closing(c: char) -> bool {
    matches!(
        c,
        ')' | ']'
            | '}'
            | '"'
            | '”'
            | '’'
            | '\''
            | '»'
            | ','
            | ';'
            | ':'
            | '!'
            | '?'
            | '…'
            | '%'
            | '*'
            | '`'
            | '›'
            | '>'
    )
}

fn is_dash(c: char) -> bool {
    matches!(c, '—' | '–' | '―' | '‒')
}

fn is_currency(c: char) -> bool {
    matches!(c, '$' | '£' | '€' | '¥' | '₹' | '₩')
}

/// Length in bytes of the run of `pred` chars at the start of `s`.
fn leading_run(s: &str, pred: impl Fn(char) -> bool) -> usize {
    s.char_indices()
        .find(|&(_, c)| !pred(c))
        .map_or(s.len(), |(i, _)| i)
}

/// Length in bytes of the run of `pred` chars at the end of `s`.
fn trailing_run(s: &str, pred: impl Fn(char) -> bool) -> usize {
    let keep = s
        .char_indices()
        .rev()
        .find(|&(_, c)| !pred(c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    s.len() - keep
}

fn is_url_like(s: &str) -> bool {
    let lower_prefix: String = s.chars().take(8).flat_map(char::to_lowercase).collect();
    if lower_prefix.starts_with("http://")
        || lower_prefix.starts_with("https://")
        || lower_prefix.starts_with("www.")
        || lower_prefix.starts_with("ftp://")
    {
        return s.len() > 4;
    }
    // Email: local@domain.tld
    if let Some(at) = s.find('@') {
        let (local, domain) = (&s[..at], &s[at + 1..]);
        if !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && local
                .chars()
                .all(|c| c.is_alphanumeric() || "._%+-".contains(c))
            && domain
                .chars()
                .all(|c| c.is_alphanumeric() || ".-".contains(c))
        {
            return true;
        }
    }
    false
}

fn is_handle(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some('@' | '#'))
        && s.len() > 1
        && chars.all(|c| c.is_alphanumeric() || c == '_')
        && s.chars()
            .nth(1)
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
}

/// True when `word` (ending in a full stop) is an abbreviation that keeps its full stop.
pub fn is_abbreviation(word: &str) -> bool {
    let Some(stem) = word.strip_suffix('.') else {
        return false;
    };
    if stem.is_empty() {
        return false;
    }
    let lower = stem.to_lowercase();
    if ABBREVIATIONS.contains(&lower.as_str()) {
        return true;
    }
    let mut chars = stem.chars();
    // An initial: "J."
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return c.is_uppercase();
    }
    // Dotted letters: "U.S", "e.g", "Ph.D"
    stem.contains('.')
        && stem.split('.').all(|part| {
            let n = part.chars().count();
            (1..=2).contains(&n) && part.chars().all(char::is_alphabetic)
        })
}

/// True when `word` is an abbreviation that precedes a name and never ends a sentence.
pub fn is_title_abbreviation(word: &str) -> bool {
    word.strip_suffix('.')
        .is_some_and(|stem| TITLES.contains(&stem.to_lowercase().as_str()))
}

fn push(out: &mut Vec<Span>, start: usize, end: usize) {
    if start < end {
        out.push(Span::new(start, end));
    }
}

/// Splits one whitespace-free chunk `text[start..end]` into tokens.
fn split_chunk(text: &str, start: usize, end: usize, out: &mut Vec<Span>) {
    let (mut a, mut b) = (start, end);
    // Leading punctuation.
    loop {
        let s = &text[a..b];
        let Some(c) = s.chars().next() else { return };
        if is_url_like(s) || is_handle(s) {
            break;
        }
        if (c == '\'' || c == '’') && is_leading_apostrophe_word(s) {
            break;
        }
        let len = if c == '`' || c == '\'' && s.starts_with("''") {
            leading_run(s, |x| x == c)
        } else if c == '-' || is_dash(c) {
            let run = leading_run(s, |x| x == '-' || is_dash(x));
            // "-5" is a negative number, "-" alone a token.
            if c == '-' && run == 1 && s[1..].starts_with(|x: char| x.is_ascii_digit()) {
                break;
            }
            run
        } else if c == '.' || c == '…' {
            let run = leading_run(s, |x| x == '.' || x == '…');
            if c == '.' && run == 1 {
                // ".5" is a number; a lone leading full stop is punctuation.
                if s[1..].starts_with(|x: char| x.is_ascii_digit()) {
                    break;
                }
            }
            run
        } else if is_opening(c)
            || is_currency(c) && s[c.len_utf8()..].starts_with(|x: char| x.is_ascii_digit())
        {
            c.len_utf8()
        } else {
            break;
        };
        if len == 0 {
            break;
        }
        push(out, a, (a + len).min(b));
        a += len;
        if a >= b {
            return;
        }
    }
    // Trailing punctuation, collected right to left.
    let mut trailing: Vec<Span> = Vec::new();
    while a < b {
        let s = &text[a..b];
        let Some(c) = s.chars().next_back() else {
            break;
        };
        let len = if c == '.' {
            let run = trailing_run(s, |x| x == '.');
            if run >= 2 {
                run
            } else if is_abbreviation(s) {
                break;
            } else {
                1
            }
        } else if c == '!' || c == '?' {
            trailing_run(s, |x| x == '!' || x == '?')
        } else if c == '-' || is_dash(c) {
            trailing_run(s, |x| x == '-' || is_dash(x))
        } else if c == '…' {
            trailing_run(s, |x| x == '…')
        } else if c == '\'' && s.ends_with("''") {
            trailing_run(s, |x| x == '\'')
        } else if is_closing(c) {
            if (c == '\'' || c == '’') && s.len() > c.len_utf8() && is_contraction_tail(s) {
                break;
            }
            c.len_utf8()
        } else {
            break;
        };
        if len >= b - a {
            break;
        }
        trailing.push(Span::new(b - len, b));
        b -= len;
    }
    let core = &text[a..b];
    if is_url_like(core) || is_handle(core) {
        push(out, a, b);
    } else {
        let split = contraction_split(core);
        match split {
            Some(at) => {
                split_inner(text, a, a + at, out);
                push(out, a + at, b);
            }
            None => split_inner(text, a, b, out),
        }
    }
    out.extend(trailing.into_iter().rev());
}

/// `'s`, `'90s`, `'em`: a word that starts with an apostrophe.
fn is_leading_apostrophe_word(s: &str) -> bool {
    let rest = s.trim_start_matches(['\'', '’']);
    if rest.len() + 3 < s.len() || rest.is_empty() {
        return false;
    }
    let lower = rest
        .trim_end_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase();
    matches!(
        lower.as_str(),
        "s" | "re" | "ve" | "ll" | "d" | "m" | "t" | "em" | "cause" | "til"
    ) || lower.len() == 3 && lower.starts_with(|c: char| c.is_ascii_digit()) && lower.ends_with('s')
}

/// True when the apostrophe at the end of `s` belongs to the word, not a closing quote.
fn is_contraction_tail(_s: &str) -> bool {
    // Plural possessives ("students'") are split like EWT does, so a trailing apostrophe
    // is always its own token.
    false
}

/// Byte offset where a contraction or possessive suffix starts in `core`, if any.
fn contraction_split(core: &str) -> Option<usize> {
    let lower = core.to_lowercase();
    if lower.len() != core.len() {
        // Case mapping changed byte lengths (rare scripts): offsets would not line up.
        return None;
    }
    for whole in [("cannot", 3), ("gonna", 3), ("gotta", 3), ("wanna", 3)] {
        if lower == whole.0 {
            return Some(whole.1);
        }
    }
    for suffix in ["n't", "n’t"] {
        if lower.ends_with(suffix) && lower.len() > suffix.len() {
            let at = core.len() - suffix.len();
            if core[..at]
                .chars()
                .next_back()
                .is_some_and(char::is_alphabetic)
            {
                return Some(at);
            }
        }
    }
    for apostrophe in ['\'', '’'] {
        for tail in ["s", "re", "ve", "ll", "d", "m"] {
            let len = apostrophe.len_utf8() + tail.len();
            if lower.len() > len
                && lower.ends_with(tail)
                && lower[..lower.len() - tail.len()].ends_with(apostrophe)
            {
                let at = core.len() - len;
                if core[..at]
                    .chars()
                    .next_back()
                    .is_some_and(char::is_alphanumeric)
                {
                    return Some(at);
                }
            }
        }
    }
    None
}

/// Splits a word core on inner punctuation: dashes, hyphens between words, slashes
/// between words, quotes and brackets, commas and colons outside numbers, ellipses.
fn split_inner(text: &str, start: usize, end: usize, out: &mut Vec<Span>) {
    let s = &text[start..end];
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let mut piece = 0usize; // byte offset in s where the current piece starts
    let mut k = 0usize;
    while k < chars.len() {
        let (at, c) = chars[k];
        let prev = k.checked_sub(1).and_then(|j| chars.get(j)).map(|p| p.1);
        let next = chars.get(k + 1).map(|n| n.1);
        let alpha = |x: Option<char>| x.is_some_and(char::is_alphabetic);
        let digit = |x: Option<char>| x.is_some_and(|y| y.is_ascii_digit());
        // How many chars the split token spans, 0 = no split here.
        let split_len = match c {
            '—' | '–' | '―' | '‒' | '…' | '“' | '”' | '"' | '(' | ')' | '[' | ']' | '{' | '}'
            | ';' | '!' | '?' | '‘' | '«' | '»' | '%' => {
                if c == '%' && k == 0 {
                    0
                } else {
                    1
                }
            }
            '-' => {
                let run = chars[k..].iter().take_while(|x| x.1 == '-').count();
                if run >= 2 {
                    run
                } else if alpha(prev) && alpha(next) {
                    let word = s[piece..at].to_lowercase();
                    if HYPHEN_PREFIXES.contains(&word.as_str()) {
                        0
                    } else {
                        1
                    }
                } else {
                    0
                }
            }
            '/' => usize::from(alpha(prev) && alpha(next)),
            ',' | ':' => usize::from(!(digit(prev) && digit(next))),
            '.' => {
                let run = chars[k..].iter().take_while(|x| x.1 == '.').count();
                if run >= 2 {
                    run
                } else {
                    0
                }
            }
            _ => 0,
        };
        if split_len == 0 {
            k += 1;
            continue;
        }
        push(out, start + piece, start + at);
        let stop = chars.get(k + split_len).map_or(s.len(), |n| n.0);
        push(out, start + at, start + stop);
        piece = stop;
        k += split_len;
    }
    push(out, start + piece, end);
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn words(text: &str) -> Vec<&str> {
        tokenize(text)
            .into_iter()
            .map(|s| &text[s.start..s.end])
            .collect()
    }

    #[test]
    fn contractions_and_possessives_split_like_ewt() {
        assert_eq!(words("I don't know."), ["I", "do", "n't", "know", "."]);
        assert_eq!(words("Beijing’s move"), ["Beijing", "’s", "move"]);
        assert_eq!(
            words("They can't, we're"),
            ["They", "ca", "n't", ",", "we", "'re"]
        );
        assert_eq!(
            words("the students' books"),
            ["the", "students", "'", "books"]
        );
        assert_eq!(words("I cannot"), ["I", "can", "not"]);
    }

    #[test]
    fn abbreviations_keep_their_full_stop() {
        assert_eq!(
            words("Sen. Smith met U.S. officials in Jan. 2020."),
            [
                "Sen.",
                "Smith",
                "met",
                "U.S.",
                "officials",
                "in",
                "Jan.",
                "2020",
                "."
            ]
        );
        assert_eq!(
            words("J. Smith, e.g. this"),
            ["J.", "Smith", ",", "e.g.", "this"]
        );
    }

    #[test]
    fn numbers_money_and_percentages() {
        assert_eq!(
            words("$1,000.50 and 157% or 3.5"),
            ["$", "1,000.50", "and", "157", "%", "or", "3.5"]
        );
        assert_eq!(
            words("at 10:30, -5 degrees"),
            ["at", "10:30", ",", "-5", "degrees"]
        );
    }

    #[test]
    fn urls_emails_handles_stay_whole() {
        assert_eq!(
            words("See https://example.com/a-b?x=1."),
            ["See", "https://example.com/a-b?x=1", "."]
        );
        assert_eq!(
            words("(mail jo.doe@ex.org)"),
            ["(", "mail", "jo.doe@ex.org", ")"]
        );
        assert_eq!(
            words("@user_1 and #Trade2025!"),
            ["@user_1", "and", "#Trade2025", "!"]
        );
    }

    #[test]
    fn quotes_dashes_ellipses_hyphens() {
        assert_eq!(
            words("“substantial unprovoked escalation”"),
            ["“", "substantial", "unprovoked", "escalation", "”"]
        );
        assert_eq!(words("‘go rogue’"), ["‘", "go", "rogue", "’"]);
        assert_eq!(
            words("applications—a move"),
            ["applications", "—", "a", "move"]
        );
        assert_eq!(words("the world… If"), ["the", "world", "…", "If"]);
        assert_eq!(words("wait... what"), ["wait", "...", "what"]);
        assert_eq!(
            words("US-China non-stop Vice-Premier"),
            ["US", "-", "China", "non-stop", "Vice", "-", "Premier"]
        );
        assert_eq!(
            words("\"Hi,\" he said."),
            ["\"", "Hi", ",", "\"", "he", "said", "."]
        );
        assert_eq!(words("and/or 11/28/2000"), ["and", "/", "or", "11/28/2000"]);
    }

    fn covers(text: &str) -> bool {
        let spans = tokenize(text);
        let mut last = 0;
        let mut rebuilt = String::new();
        for s in &spans {
            if s.start < last
                || s.start >= s.end
                || !text.is_char_boundary(s.start)
                || !text.is_char_boundary(s.end)
            {
                return false;
            }
            rebuilt.push_str(&text[s.start..s.end]);
            last = s.end;
        }
        let expected: String = text.chars().filter(|c| !is_separator(*c)).collect();
        // Separators never appear inside tokens either.
        rebuilt == expected
    }

    #[test]
    fn robust_on_odd_input() {
        let long = "word ".repeat(2000);
        assert!(covers(&long));
        assert!(covers("\u{0}\u{7}abc\u{1b}[0m def\r\n"));
        assert!(covers(
            "😀👍🏽 family 👨‍👩‍👧 日本語テキスト Ελληνικά русский عربى"
        ));
        assert!(covers("ALL CAPS TEXT! 1 2 3 | 4.5 | 6,7 |"));
        assert!(covers("'''\"\"\"''--—…...'s'"));
        assert!(covers("İstanbul ǅ ẞtraße’s"));
    }

    proptest! {
        #[test]
        fn no_character_lost_or_invented(text in "\\PC{0,80}") {
            prop_assert!(covers(&text));
        }

        #[test]
        fn no_character_lost_with_punctuation(text in "[a-zA-Z0-9 .,;:'’“”\"!?()\\-—/%$@#…]{0,60}") {
            prop_assert!(covers(&text));
        }
    }
}
