//! Issue labels: noun phrases normalised so that the same issue gets the same label in
//! every sentence and every document ("China's sweeping export restrictions" and "the
//! export controls" both become `export control`).

/// Words dropped from the front of an issue phrase: determiners, possessive pronouns,
/// quantifiers and modifiers that describe the moment rather than the issue.
const LEADING_STOPWORDS: &[&str] = &[
    "the",
    "a",
    "an",
    "this",
    "that",
    "these",
    "those",
    "its",
    "their",
    "his",
    "her",
    "our",
    "my",
    "your",
    "some",
    "any",
    "such",
    "all",
    "both",
    "each",
    "every",
    "recent",
    "new",
    "additional",
    "further",
    "latest",
    "planned",
    "previous",
    "proposed",
    "current",
    "so-called",
    "sweeping",
    "possible",
    "potential",
    "latest",
    "upcoming",
    "anticipated",
    "critical",
    "ongoing",
    "own",
];

/// Words that end the head noun phrase: the head is the last word before them.
const PREPOSITIONS: &[&str] = &[
    "of", "on", "for", "in", "with", "against", "to", "from", "over", "about", "by", "at", "into",
    "between", "under",
];

/// Near-synonymous policy nouns folded onto one label.
const SYNONYMS: &[(&str, &str)] = &[
    ("restriction", "control"),
    ("curb", "control"),
    ("levy", "tariff"),
    ("duty", "tariff"),
    ("talk", "talks"),
];

/// Singular form of an English noun (regular plurals only; irregulars are rare in issues).
fn singular(word: &str) -> String {
    if word.len() <= 3 || word.ends_with("ss") || word.ends_with("us") || word.ends_with("is") {
        return word.to_string();
    }
    if let Some(stem) = word.strip_suffix("ies") {
        return format!("{stem}y");
    }
    for suffix in ["ches", "shes", "xes", "sses"] {
        if word.ends_with(suffix) {
            return word[..word.len() - 2].to_string();
        }
    }
    word.strip_suffix('s').unwrap_or(word).to_string()
}

/// Normalises an issue noun phrase: lowercase, straight punctuation, hyphens as spaces,
/// leading determiners and possessors dropped, head noun singular, synonyms folded.
///
/// ```
/// use stancegraph_relations::normalise_issue;
/// assert_eq!(normalise_issue("the Export Controls on rare earth minerals"), "export control on rare earth minerals");
/// assert_eq!(normalise_issue("China’s rare-earth export restrictions"), "rare earth export control");
/// assert_eq!(normalise_issue("an additional 100 percent tariff"), "100 percent tariff");
/// assert_eq!(normalise_issue("the summit"), "summit");
/// ```
pub fn normalise_issue(phrase: &str) -> String {
    let cleaned: String = phrase
        .to_lowercase()
        .replace(['’', '‘'], "'")
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '\'' || c == '%' || c == '.' {
                c
            } else {
                ' '
            }
        })
        .collect();
    let mut words: Vec<&str> = cleaned
        .split_whitespace()
        .map(|w| w.trim_matches(|c| c == '\'' || c == '.'))
        .filter(|w| !w.is_empty())
        .collect();
    // Drop leading determiners and possessors ("china's", "beijing's").
    while let Some(first) = words.first() {
        if LEADING_STOPWORDS.contains(first) || first.ends_with("'s") || first.ends_with("s'") {
            words.remove(0);
        } else {
            break;
        }
    }
    // Words like "china 's" split by the tokenizer leave a lone "s" after the possessor.
    if words.get(1) == Some(&"s") {
        words.drain(..2);
    }
    let head_end = words
        .iter()
        .position(|w| PREPOSITIONS.contains(w))
        .unwrap_or(words.len());
    let mut out: Vec<String> = words.iter().map(|w| w.to_string()).collect();
    if head_end > 0 {
        if let Some(head) = out.get_mut(head_end - 1) {
            let mut lemma = singular(head);
            if let Some((_, to)) = SYNONYMS.iter().find(|(from, _)| *from == lemma) {
                lemma = to.to_string();
            }
            *head = lemma;
        }
    }
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_issue_same_label() {
        assert_eq!(
            normalise_issue("export controls"),
            normalise_issue("the export restrictions")
        );
        assert_eq!(
            normalise_issue("Beijing's export controls"),
            "export control"
        );
        assert_eq!(normalise_issue("the talks"), "talks");
        assert_eq!(normalise_issue(""), "");
        assert_eq!(normalise_issue("  the  "), "");
    }
}
