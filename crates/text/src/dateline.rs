//! Datelines: "WASHINGTON (AP) —", "KUALA LUMPUR, Malaysia —", "PARIS, Aug 31 (Reuters) -",
//! "Washington (CNN)". They say where a story was filed and by which wire, and are not part
//! of its first sentence: the segmenter makes the dateline a sentence of its own (kind
//! `Dateline`), whose names entity resolution leaves out, so the place and the agency never
//! become actors, quote sources or stance holders. Its tokens stay: the encoder reads the
//! text as it was trained on it.

/// Wire services and outlets whose credit follows a title-case place ("Washington (CNN)").
/// After an all-capitals place any short credit in brackets counts.
const AGENCIES: &[&str] = &[
    "AP",
    "Reuters",
    "CNN",
    "AFP",
    "Bloomberg",
    "UPI",
    "AAP",
    "PA",
    "CP",
    "dpa",
    "Xinhua",
    "IANS",
    "PTI",
    "ANI",
    "BBC",
];

/// All-capitals words that open a line with a dash but name no place: kickers.
const KICKERS: &[&str] = &[
    "BREAKING",
    "UPDATE",
    "UPDATED",
    "EXCLUSIVE",
    "WATCH",
    "ANALYSIS",
    "OPINION",
    "EDITORIAL",
    "LIVE",
    "VIDEO",
    "PHOTOS",
    "CORRECTION",
    "NOTE",
    "EDITOR'S",
    "FILE",
];

/// Closed-class words that no place name holds: an all-capitals line made of them is a
/// subhead ("CONGRESS HAS INVESTIGATED HIM —", "HE'S BEEN CALLED OUT —").
const NOT_PLACE_WORDS: &[&str] = &[
    "IS", "ARE", "WAS", "WERE", "BE", "BEEN", "HAS", "HAVE", "HAD", "WILL", "WOULD", "CAN",
    "COULD", "SHOULD", "MAY", "MIGHT", "MUST", "DO", "DOES", "DID", "NOT", "HE", "HIM", "HIS",
    "HE'S", "SHE", "HER", "SHE'S", "IT", "IT'S", "ITS", "THEY", "THEM", "THEIR", "WE", "OUR",
    "YOU", "YOUR", "I", "ME", "MY", "THIS", "THAT", "THESE", "THOSE", "WHAT", "WHO", "WHY", "HOW",
    "WHEN", "WHERE",
];

const MONTHS: &[&str] = &[
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
];

/// Most words a place name or a region may have ("LAKE BUENA VISTA", "South Korea").
const MAX_PLACE_WORDS: usize = 4;
const MAX_REGION_WORDS: usize = 3;
/// Fewest words after a dateline that has a dash but no credit.
const MIN_WORDS_AFTER_DASH: usize = 6;
/// Most bytes between the brackets of a credit ("(Reuters)", "(The Canadian Press)").
const MAX_CREDIT_BYTES: usize = 24;

/// How a place name is written.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Case {
    /// "WASHINGTON", "N.H.".
    Capitals,
    /// "Washington", "Kuala Lumpur".
    Title,
}

/// A dateline read at the start of a line, or a subhead shaped like one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dateline {
    /// Bytes of the dateline, with its dash and the spaces after it.
    pub len: usize,
    /// Only all-capitals words and a dash ("WASHINGTON —"): no region, date or credit. A
    /// subhead reads the same ("QUESTIONABLE MEDICAL CLAIMS —"), so the segmenter takes
    /// such a line as a dateline only when it is the document's only one.
    pub place_only: bool,
    /// The capitals hold a pronoun or auxiliary ("CONGRESS HAS INVESTIGATED HIM —"): a
    /// subhead, never a dateline, though it counts among the place-only lines.
    pub subhead: bool,
    /// Bytes of the place with its regions, without the date ("KUALA LUMPUR, Malaysia",
    /// "PARIS" of "PARIS, Aug 31 (Reuters) -").
    pub place_len: usize,
    /// Byte range of the credit's name inside its brackets ("AP", "Reuters"), if any.
    pub credit: Option<(usize, usize)>,
}

impl Dateline {
    /// The place the story was filed from, as `line` (the line the dateline was read
    /// from) writes it.
    pub fn place<'a>(&self, line: &'a str) -> &'a str {
        line.get(..self.place_len).unwrap_or_default()
    }

    /// The wire service or outlet the dateline credits, if any.
    pub fn credit<'a>(&self, line: &'a str) -> Option<&'a str> {
        self.credit.and_then(|(start, end)| line.get(start..end))
    }
}

/// The dateline that opens `line`, if it opens with one (or with a subhead shaped like one).
/// What follows must read as a sentence: a capital, a digit or a quotation mark, then at
/// least two more words (five without a credit).
pub fn read_dateline(line: &str) -> Option<Dateline> {
    // Most lines end here: this runs on every body line.
    if !line.starts_with(char::is_uppercase) {
        return None;
    }
    let mut cursor = Cursor { line, pos: 0 };
    let (case, subhead) = cursor.place()?;
    let after_place = cursor.pos;
    let place_len = cursor.region_and_date();
    let place_only = cursor.pos == after_place;
    let credit = cursor.credit(case);
    let dash = cursor.dash();
    let closed = match case {
        Case::Capitals => dash || credit.is_some(),
        Case::Title => credit.is_some(),
    };
    // Without a credit, only a body sentence follows a dateline: "NATO - EU talks" is a
    // headline.
    let min_words = if credit.is_some() {
        3
    } else {
        MIN_WORDS_AFTER_DASH
    };
    if !closed || !opens_sentence(&line[cursor.pos..], min_words) {
        return None;
    }
    Some(Dateline {
        len: cursor.pos,
        place_only: place_only && credit.is_none(),
        subhead,
        place_len,
        credit,
    })
}

/// Whether `rest` starts like a sentence and has at least `min_words` words.
fn opens_sentence(rest: &str, min_words: usize) -> bool {
    let starts = rest
        .chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit() || "\"“‘'".contains(c));
    starts && rest.split_whitespace().nth(min_words - 1).is_some()
}

/// Whether `c` may stand inside a place word ("N.H.", "WINSTON-SALEM", "O'FALLON").
fn is_word_char(c: char) -> bool {
    c.is_alphabetic() || matches!(c, '.' | '\'' | '’' | '-')
}

/// A reading position in the line.
struct Cursor<'a> {
    line: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn rest(&self) -> &'a str {
        &self.line[self.pos..]
    }

    /// The word at the cursor (letters and word punctuation), without moving.
    fn peek_word(&self) -> &'a str {
        let rest = self.rest();
        let end = rest
            .char_indices()
            .find(|&(_, c)| !is_word_char(c))
            .map_or(rest.len(), |(i, _)| i);
        &rest[..end]
    }

    /// The place name: words all in capitals, or all in title case, one space apart; and
    /// whether capitals hold a word no place name holds.
    fn place(&mut self) -> Option<(Case, bool)> {
        let first = self.peek_word();
        let case = word_case(first)?;
        // "US - China talks": two capitals are a country's initials, not a dateline.
        if case == Case::Capitals && (first.chars().filter(|c| c.is_alphabetic()).count() < 3) {
            return None;
        }
        if case == Case::Capitals && KICKERS.contains(&first) {
            return None;
        }
        let mut words = vec![first];
        self.pos += first.len();
        for _ in 1..MAX_PLACE_WORDS {
            if !self.rest().starts_with(' ') {
                break;
            }
            let next = Cursor {
                line: self.line,
                pos: self.pos + 1,
            };
            let word = next.peek_word();
            if word.is_empty() || word_case(word) != Some(case) {
                break;
            }
            words.push(word);
            self.pos = next.pos + word.len();
        }
        let not_place = |word: &&str| NOT_PLACE_WORDS.contains(&word.replace('’', "'").as_str());
        Some((case, case == Case::Capitals && words.iter().any(not_place)))
    }

    /// Up to two comma parts after the place: a region ("N.H.", "South Korea") or a date
    /// ("Aug 31", "Dec. 5, 2019"). Returns where the place and its regions end.
    fn region_and_date(&mut self) -> usize {
        let mut place_end = self.pos;
        for _ in 0..2 {
            let Some(part) = self.rest().strip_prefix(", ") else {
                break;
            };
            let start = self.line.len() - part.len();
            if let Some(len) = date_len(part) {
                self.pos = start + len;
            } else if let Some(len) = region_len(part) {
                self.pos = start + len;
                place_end = self.pos;
            } else {
                break;
            }
        }
        place_end
    }

    /// A credit in brackets ("(AP)", "(Reuters)"), after an optional space: the byte range
    /// of its name. After a title-case place only a known agency counts.
    fn credit(&mut self, case: Case) -> Option<(usize, usize)> {
        let rest = self.rest();
        let skipped = usize::from(rest.starts_with(' '));
        let inner = rest[skipped..].strip_prefix('(')?;
        let close = inner
            .find(')')
            .filter(|&i| i > 0 && i <= MAX_CREDIT_BYTES)?;
        let name = &inner[..close];
        let known = AGENCIES.contains(&name);
        let plausible = name.starts_with(|c: char| c.is_uppercase())
            && name.split(' ').count() <= 4
            && name
                .chars()
                .all(|c| c.is_alphanumeric() || " .&'-".contains(c));
        if !(known || (case == Case::Capitals && plausible)) {
            return None;
        }
        let start = self.pos + skipped + 1;
        self.pos = start + close + 1;
        Some((start, start + close))
    }

    /// A dash after optional spaces, and the spaces after it.
    fn dash(&mut self) -> bool {
        let rest = self.rest().trim_start_matches(' ');
        let after = ["--", "—", "–", "―", "-"]
            .iter()
            .find_map(|d| rest.strip_prefix(d));
        match after {
            Some(after) if after.starts_with(char::is_whitespace) || after.is_empty() => {
                let after = after.trim_start();
                self.pos = self.line.len() - after.len();
                true
            }
            _ => {
                // "Washington (CNN)President …": no dash, no space.
                if self.rest().starts_with(' ') {
                    self.pos += self.rest().len() - self.rest().trim_start().len();
                }
                false
            }
        }
    }
}

/// How `word` is written: all capitals ("N.H."), or title case ("Kuala"); `None` for
/// anything else.
fn word_case(word: &str) -> Option<Case> {
    let mut letters = word.chars().filter(|c| c.is_alphabetic());
    let first = letters.next()?;
    if !first.is_uppercase() || !word.starts_with(first) {
        return None;
    }
    let rest: Vec<char> = letters.collect();
    if rest.iter().all(|c| c.is_uppercase()) {
        Some(Case::Capitals)
    } else if rest.iter().all(|c| c.is_lowercase()) {
        Some(Case::Title)
    } else {
        None
    }
}

/// Bytes of a date at the start of `part`: a month ("Aug", "Dec.", "October") and a day,
/// with an optional ", 2019".
fn date_len(part: &str) -> Option<usize> {
    let month = part.split(' ').next()?;
    let bare = month.trim_end_matches('.').to_lowercase();
    if !MONTHS.iter().any(|m| bare.starts_with(m)) || bare.len() > "september".len() {
        return None;
    }
    let after_month = part.get(month.len()..)?.strip_prefix(' ')?;
    let day = after_month
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(after_month.len());
    if day == 0 || day > 2 {
        return None;
    }
    let mut len = part.len() - after_month.len() + day;
    if let Some(year) = part[len..].strip_prefix(", ") {
        let digits = year
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(year.len());
        if digits == 4 {
            len += 2 + 4;
        }
    }
    Some(len)
}

/// Bytes of a region at the start of `part`: one to three capitalised words ("N.H.",
/// "South Korea").
fn region_len(part: &str) -> Option<usize> {
    let mut len = 0;
    for i in 0..MAX_REGION_WORDS {
        let rest = &part[len..];
        let rest = if i == 0 {
            rest
        } else {
            match rest.strip_prefix(' ') {
                Some(r) => r,
                None => break,
            }
        };
        let end = rest
            .char_indices()
            .find(|&(_, c)| !is_word_char(c))
            .map_or(rest.len(), |(j, _)| j);
        let word = &rest[..end];
        if word_case(word).is_none() {
            break;
        }
        len = part.len() - rest.len() + end;
    }
    (len > 0).then_some(len)
}

#[cfg(test)]
mod tests {
    use super::read_dateline;

    fn cut(line: &str) -> &str {
        let len = read_dateline(line)
            .filter(|d| !d.subhead)
            .map_or(0, |d| d.len);
        &line[..len]
    }

    #[test]
    fn wire_datelines_are_cut_with_their_dash() {
        assert_eq!(
            cut("WASHINGTON (AP) — President Donald Trump said on Tuesday."),
            "WASHINGTON (AP) — "
        );
        assert_eq!(
            cut("LONDON (Reuters) - British Prime Minister Theresa May said on Monday."),
            "LONDON (Reuters) - "
        );
        assert_eq!(
            cut("PARIS, Aug 31 (Reuters) - French officials said talks would resume."),
            "PARIS, Aug 31 (Reuters) - "
        );
        assert_eq!(
            cut("MANCHESTER, N.H. - Hillary Clinton told voters here on Monday."),
            "MANCHESTER, N.H. - "
        );
        assert_eq!(
            cut("KUALA LUMPUR, Malaysia — Malaysia's royal families will meet on Jan. 24."),
            "KUALA LUMPUR, Malaysia — "
        );
        assert_eq!(
            cut("Washington (CNN)President Donald Trump on Monday attacked the Fed."),
            "Washington (CNN)"
        );
        assert_eq!(
            cut("LAKE BUENA VISTA, Fla. – Brittany Lincicome stood off to the side."),
            "LAKE BUENA VISTA, Fla. – "
        );
    }

    #[test]
    fn the_place_and_the_credit_are_read() {
        let read = |line: &str| {
            let d = read_dateline(line).unwrap();
            (
                d.place(line).to_string(),
                d.credit(line).map(str::to_string),
            )
        };
        assert_eq!(
            read("PARIS, Aug 31 (Reuters) - French officials said talks would resume."),
            ("PARIS".into(), Some("Reuters".into()))
        );
        assert_eq!(
            read("KUALA LUMPUR, Malaysia — Malaysia's royal families will meet on Jan. 24."),
            ("KUALA LUMPUR, Malaysia".into(), None)
        );
        assert_eq!(
            read("Washington (CNN)President Donald Trump on Monday attacked the Fed."),
            ("Washington".into(), Some("CNN".into()))
        );
        assert_eq!(
            read("BEIJING (The Canadian Press) — China said it would retaliate."),
            ("BEIJING".into(), Some("The Canadian Press".into()))
        );
    }

    #[test]
    fn sentences_that_open_with_capitals_or_names_are_not_datelines() {
        for line in [
            "NATO said on Monday it would send more troops.",
            "BREAKING - Trump fires his chief of staff on Friday.",
            "Washington - the city, not the state - is where it happened.",
            "Senator Smith (Republican) said the bill would fail.",
            "Mr Smith (Labour) - who chairs the committee - said no.",
            "US - China trade talks resume in Geneva today.",
            "NATO - EU talks begin today.",
            "WASHINGTON —",
            "President Trump said on Monday that he would sign it.",
            "CONGRESS HAS INVESTIGATED HIM — Oz's dubious advice earned him a hearing there.",
            "HE'S BEEN CALLED OUT — He has been dragged before a Senate subcommittee twice.",
            "",
        ] {
            let dateline = read_dateline(line).filter(|d| !d.subhead);
            assert_eq!(dateline, None, "{line:?}");
        }
    }

    #[test]
    fn only_a_bare_capitals_place_is_place_only() {
        let place_only = |line: &str| read_dateline(line).map(|d| d.place_only);
        assert_eq!(
            place_only("MIAMI — The rising violence at rallies worries the party."),
            Some(true)
        );
        assert_eq!(
            place_only("MIAMI (AP) — The rising violence at rallies worries the party."),
            Some(false)
        );
        assert_eq!(
            place_only("MYRTLE BEACH, S.C. - Sen. Ted Cruz continued his attacks on Monday."),
            Some(false)
        );
        let subhead =
            read_dateline("CONGRESS HAS INVESTIGATED HIM — Oz's advice earned him a hearing.");
        assert!(
            subhead.is_some_and(|d| d.subhead && d.place_only),
            "{subhead:?}"
        );
    }
}
