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
/// `Barack Obama`), or a party's plural (`Republicans` ~ `Republican Party`).
pub fn names_match(ours: &str, gold: &str) -> bool {
    let a = name_words(ours);
    let b = name_words(gold);
    if a.is_empty() || b.is_empty() {
        return false;
    }
    if a == b || same_but_middle_initials(&a, &b) {
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
    // "Republicans" ~ "Republican Party": plural of the first word of a party name.
    let trim_plural = |w: &str| w.strip_suffix('s').unwrap_or(w).to_string();
    a.len() == 1
        && b.len() == 2
        && b.get(1).is_some_and(|w| w == "party")
        && trim_plural(&a[0]) == b[0]
}

/// Whether two names differ only in middle initials that one of them leaves out (`Bennie G.
/// Thompson` ~ `Bennie Thompson`). Names that both carry initials must agree on them, so that
/// `George W. Bush` and `George H. W. Bush` stay apart.
fn same_but_middle_initials(a: &[String], b: &[String]) -> bool {
    let is_initial = |w: &String| w.chars().count() == 1;
    let without_initials = |words: &[String]| -> Vec<String> {
        words.iter().filter(|w| !is_initial(w)).cloned().collect()
    };
    let (a_has, b_has) = (a.iter().any(is_initial), b.iter().any(is_initial));
    if a_has == b_has {
        return false;
    }
    let (a_core, b_core) = (without_initials(a), without_initials(b));
    a_core.len() >= 2 && a_core == b_core
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
