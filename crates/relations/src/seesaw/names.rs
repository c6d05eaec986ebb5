//! How SEESAW's listed actors are found: their names matched against ours (titles and
//! punctuation ignored) and located in a sentence's text.

/// Titles and honorifics ignored when matching names.
const TITLES: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "dr",
    "sen",
    "rep",
    "gov",
    "president",
    "senator",
    "secretary",
    "vice",
    "minister",
    "prime",
    "leader",
    "the",
    "former",
    "speaker",
    "chairman",
    "judge",
    "justice",
    "general",
    "attorney",
    "u.s",
];

/// Lowercased words of a name without titles and punctuation.
pub fn name_words(name: &str) -> Vec<String> {
    name.to_lowercase()
        .replace(['’', '\''], "")
        .split(|c: char| !(c.is_alphanumeric() || c == '.'))
        .map(|w| w.trim_matches('.').to_string())
        .filter(|w| !w.is_empty() && !TITLES.contains(&w.as_str()))
        .collect()
}

/// Whether a name of ours (canonical or alias) and a gold name denote the same actor:
/// equal after canonicalisation, one a contiguous word sequence of the other (`Obama` ~
/// `Barack Obama`), or a party's members (`Republicans` ~ `Republican Party`, `Democrats` ~
/// `Democratic Party`).
pub fn names_match(ours: &str, gold: &str) -> bool {
    let a = name_words(ours);
    let b = name_words(gold);
    if a.is_empty() || b.is_empty() {
        return false;
    }
    if a == b
        || stancegraph_entities::same_person_name(&a.join(" "), &b.join(" "))
        || surnames_spelt_one_letter_apart(&a, &b)
    {
        return true;
    }
    let contains =
        |long: &[String], short: &[String]| long.windows(short.len()).any(|w| w == short);
    let (long, short) = if a.len() >= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    if contains(long, short) && short.iter().map(String::len).sum::<usize>() >= 3 {
        return true;
    }
    // "Republicans" ~ "Republican Party", "Democrats" ~ "Democratic Party": a party's
    // members for the party.
    let member = a[0].strip_suffix('s').unwrap_or(&a[0]);
    a.len() == 1
        && b.len() == 2
        && b.get(1).is_some_and(|w| w == "party")
        && (b[0] == member || b[0] == format!("{member}ic"))
}

/// Whether two two-word names share the first name and spell a surname of four letters or
/// more one letter apart ("Volodymyr Zelensky" ~ "Volodymyr Zelenskyy", "Thomas Modly" ~
/// "Thomas Modley", "George Hicks" ~ "george hick"): transliterations and typos, in the article or in the annotation.
fn surnames_spelt_one_letter_apart(a: &[String], b: &[String]) -> bool {
    let ([a_first, a_last], [b_first, b_last]) = (a, b) else {
        return false;
    };
    let (short, long) = if a_last.len() <= b_last.len() {
        (a_last, b_last)
    } else {
        (b_last, a_last)
    };
    a_first == b_first && short.chars().count() >= 4 && one_edit_apart(short, long)
}

/// Whether `long` is `short` with one letter changed or added (`short` no longer).
fn one_edit_apart(short: &str, long: &str) -> bool {
    let (s, l): (Vec<char>, Vec<char>) = (short.chars().collect(), long.chars().collect());
    let common_start = s.iter().zip(&l).take_while(|(x, y)| x == y).count();
    match l.len().checked_sub(s.len()) {
        Some(0) => s != l && s[common_start + 1..] == l[common_start + 1..],
        Some(1) => s[common_start..] == l[common_start + 1..],
        _ => false,
    }
}

/// The listed actor a predicted actor denotes (best by exactness), if any.
pub fn match_actor<'a>(names: &[String], actors: &'a [(String, String)]) -> Option<&'a str> {
    let exact = actors
        .iter()
        .find(|(gold, _)| names.iter().any(|n| name_words(n) == name_words(gold)));
    exact
        .or_else(|| {
            actors
                .iter()
                .find(|(gold, _)| names.iter().any(|n| names_match(n, gold)))
        })
        .map(|(n, _)| n.as_str())
}

/// Surface forms under which a listed actor is looked for in a training sentence.
pub(super) fn surface_forms(name: &str, kind: &str) -> Vec<String> {
    let mut forms = vec![name.to_string()];
    let words: Vec<&str> = name.split_whitespace().collect();
    if kind == "People" && words.len() > 1 {
        if let Some(last) = words.last() {
            forms.push(last.to_string());
        }
    }
    if let Some(base) = name.strip_suffix(" Party") {
        forms.push(format!("{base}s"));
        forms.push(base.to_string());
    }
    forms
}

/// Byte range of the first whole-word occurrence of any form of the actor in `sentence`.
pub fn locate(sentence: &str, name: &str, kind: &str) -> Option<std::ops::Range<usize>> {
    for form in surface_forms(name, kind) {
        let mut from = 0;
        while let Some(found) = sentence
            .get(from..)
            .and_then(|rest| rest.find(form.as_str()))
        {
            let start = from + found;
            let end = start + form.len();
            let before_ok = sentence[..start]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_alphanumeric());
            let after_ok = sentence[end..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_alphanumeric());
            if before_ok && after_ok {
                return Some(start..end);
            }
            from = end;
        }
    }
    None
}
