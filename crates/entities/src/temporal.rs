//! Dates and amounts of money: the two non-actor mention types, found by rules over the
//! tokens (they are regular enough that patterns beat a tagger trained without them).
//!
//! DATE: "December 1", "1 December 2025", "Jan. 5, 2024", "September 2024", weekdays
//! ("Friday"), and years after a preposition ("in 2019"). MONEY: a currency sign or code
//! before a number ("$28,000", "US$ 3 billion", "€5m") or a number before a currency word
//! ("500 million yuan", "20 pence"). Tokens already inside a name mention are skipped
//! ("Theresa May" stays a person).

use stancegraph_core::{Document, EntityType, Mention, MentionKind, Span};

/// Stage recorded on the mentions.
pub const TEMPORAL_STAGE: &str = "entities.ner";

const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "jan.",
    "feb",
    "feb.",
    "mar.",
    "apr",
    "apr.",
    "jun.",
    "jul.",
    "aug",
    "aug.",
    "sep",
    "sep.",
    "sept",
    "sept.",
    "oct",
    "oct.",
    "nov",
    "nov.",
    "dec",
    "dec.",
];
const WEEKDAYS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];
const CURRENCY_SIGNS: &[&str] = &["$", "€", "£", "¥", "us$", "usd", "eur", "gbp", "rmb", "cny"];
const CURRENCY_WORDS: &[&str] = &[
    "dollar", "dollars", "euro", "euros", "pound", "pounds", "sterling", "yuan", "renminbi", "yen",
    "rupee", "rupees", "rouble", "roubles", "ruble", "rubles", "franc", "francs", "cents", "pence",
    "won", "pesos",
];
const SCALES: &[&str] = &[
    "million", "billion", "trillion", "thousand", "bn", "m", "mn", "k", "tn",
];
const YEAR_PREPOSITIONS: &[&str] = &[
    "in", "since", "by", "until", "from", "of", "during", "before", "after",
];

fn is_number(word: &str) -> bool {
    let digits = word.trim_start_matches(['$', '€', '£', '¥']);
    let digits = digits.trim_end_matches(['m', 'k', 'b', 'n']);
    !digits.is_empty()
        && digits.chars().next().is_some_and(|c| c.is_ascii_digit())
        && digits
            .chars()
            .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
}

fn day_number(word: &str) -> bool {
    let core = word.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    matches!(word.len() - core.len(), 0 | 2)
        && core.parse::<u32>().is_ok_and(|d| (1..=31).contains(&d))
}

fn year(word: &str) -> bool {
    word.len() == 4
        && word
            .parse::<u32>()
            .is_ok_and(|y| (1800..=2199).contains(&y))
}

/// DATE and MONEY mentions of `doc` (from its tokens), skipping tokens covered by
/// `existing` mentions. Sorted by position.
pub fn date_and_money_mentions(doc: &Document, existing: &[Mention]) -> Vec<Mention> {
    let words: Vec<String> = doc
        .tokens
        .iter()
        .map(|t| doc.slice(t.span).to_lowercase())
        .collect();
    // Tokens inside a name mention, marked in one pass over the mentions.
    let mut covered = vec![false; doc.tokens.len()];
    for mention in existing {
        let first = doc
            .tokens
            .partition_point(|t| t.span.end <= mention.span.start);
        let end = doc
            .tokens
            .partition_point(|t| t.span.start < mention.span.end);
        for slot in covered.get_mut(first..end.max(first)).into_iter().flatten() {
            *slot = true;
        }
    }
    let taken = |i: usize| covered.get(i).copied().unwrap_or(false);
    let same_sentence = |a: usize, b: usize| {
        doc.tokens.get(a).map(|t| t.sentence) == doc.tokens.get(b).map(|t| t.sentence)
    };
    let word = |i: usize| words.get(i).map(String::as_str).unwrap_or("");
    let capitalised = |i: usize| {
        doc.tokens
            .get(i)
            .and_then(|t| doc.slice(t.span).chars().next())
            .is_some_and(char::is_uppercase)
    };
    let mut found: Vec<(usize, usize, EntityType)> = Vec::new();
    let mut i = 0;
    while i < words.len() {
        if taken(i) {
            i += 1;
            continue;
        }
        let next =
            |k: usize| (k < words.len() && same_sentence(i, k) && !taken(k)).then(|| word(k));
        let w = word(i);
        // MONEY: sign + number [+ scale]
        let sign_glued = ["$", "€", "£", "¥"].iter().any(|s| w.starts_with(s)) && is_number(w);
        if sign_glued || (CURRENCY_SIGNS.contains(&w) && next(i + 1).is_some_and(is_number)) {
            let mut end = if sign_glued { i + 1 } else { i + 2 };
            if next(end).is_some_and(|s| SCALES.contains(&s)) {
                end += 1;
            }
            found.push((i, end, EntityType::Money));
            i = end;
            continue;
        }
        // MONEY: number [+ scale] + currency word
        if is_number(w) {
            let mut end = i + 1;
            if next(end).is_some_and(|s| SCALES.contains(&s)) {
                end += 1;
            }
            if next(end).is_some_and(|s| CURRENCY_WORDS.contains(&s)) {
                found.push((i, end + 1, EntityType::Money));
                i = end + 1;
                continue;
            }
        }
        // DATE: [day] Month [day][,] [year]   (months must be capitalised: "may" is a verb)
        if MONTHS.contains(&w) && capitalised(i) {
            let mut start = i;
            if i > 0 && !taken(i - 1) && same_sentence(i - 1, i) && day_number(word(i - 1)) {
                start = i - 1;
            }
            let mut end = i + 1;
            if next(end).is_some_and(day_number) {
                end += 1;
            }
            if next(end) == Some(",") && next(end + 1).is_some_and(year) {
                end += 2;
            } else if next(end).is_some_and(year) {
                end += 1;
            }
            // A bare "May" or "March" is too often a name or a verb.
            if end - start > 1 || w.len() > 5 {
                found.push((start, end, EntityType::Date));
                i = end;
                continue;
            }
        }
        let weekday = WEEKDAYS.contains(&w) && capitalised(i);
        let year_after_preposition =
            year(w) && i > 0 && same_sentence(i - 1, i) && YEAR_PREPOSITIONS.contains(&word(i - 1));
        if weekday || year_after_preposition {
            found.push((i, i + 1, EntityType::Date));
        }
        i += 1;
    }
    found
        .into_iter()
        .filter_map(|(start, end, entity_type)| {
            let first = doc.tokens.get(start)?;
            let last = doc.tokens.get(end.checked_sub(1)?)?;
            Some(Mention {
                span: Span::new(first.span.start, last.span.end),
                entity_type,
                kind: MentionKind::Name,
                entity: None,
                resolution: None,
                resolution_confidence: None,
                stage: TEMPORAL_STAGE.to_string(),
                confidence: 0.9,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use stancegraph_core::Metadata;

    use super::*;

    fn found(text: &str, existing: &[Mention]) -> Vec<(EntityType, String)> {
        let mut doc = Document::new(None, text, Metadata::default());
        stancegraph_text::tokenize_document(&mut doc, 200);
        date_and_money_mentions(&doc, existing)
            .into_iter()
            .map(|m| (m.entity_type, doc.slice(m.span).to_string()))
            .collect()
    }

    #[test]
    fn finds_news_dates_and_amounts() {
        let got = found(
            "The controls take effect December 1, and on Friday the firm said profit rose to \
             $1.13bn from £600m in 2003, while 500 million yuan went unpaid until Jan. 5, 2024.",
            &[],
        );
        let expected: Vec<(EntityType, String)> = [
            (EntityType::Date, "December 1"),
            (EntityType::Date, "Friday"),
            (EntityType::Money, "$1.13bn"),
            (EntityType::Money, "£600m"),
            (EntityType::Date, "2003"),
            (EntityType::Money, "500 million yuan"),
            (EntityType::Date, "Jan. 5, 2024"),
        ]
        .into_iter()
        .map(|(t, s)| (t, s.to_string()))
        .collect();
        assert_eq!(got, expected);
    }

    #[test]
    fn names_and_verbs_are_not_dates() {
        // "May" the verb, a bare year without a preposition, and a name mention.
        let text = "Officials may act, 2019 figures show, said Theresa May on Monday.";
        let mut doc = Document::new(None, text, Metadata::default());
        stancegraph_text::tokenize_document(&mut doc, 200);
        let start = text.find("Theresa").unwrap();
        let person = Mention {
            span: Span::new(start, start + "Theresa May".len()),
            entity_type: EntityType::Per,
            kind: MentionKind::Name,
            entity: None,
            resolution: None,
            resolution_confidence: None,
            stage: "test".into(),
            confidence: 1.0,
        };
        assert_eq!(
            found(text, &[person]),
            vec![(EntityType::Date, "Monday".to_string())]
        );
    }
}
