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

/// Heads too vague to name an issue on their own: "the rare earths action" is whatever
/// issue of the document shares its other words.
const VAGUE_HEADS: &[&str] = &[
    "action",
    "move",
    "measure",
    "step",
    "decision",
    "policy",
    "issue",
    "matter",
    "plan",
    "dispute",
    "row",
    "spat",
    "confrontation",
    "fight",
    "standoff",
    "crisis",
    "situation",
    "question",
    "problem",
    "development",
    "initiative",
    "announcement",
];

/// Words of a normalised label that carry its meaning (prepositions dropped, singular).
fn content_words(label: &str) -> Vec<String> {
    label
        .split_whitespace()
        .filter(|w| !PREPOSITIONS.contains(w) && !LEADING_STOPWORDS.contains(w) && *w != "and")
        .map(singular)
        .collect()
}

/// The head phrase of a normalised label: its words before the first preposition.
fn head_phrase(label: &str) -> String {
    label
        .split_whitespace()
        .take_while(|w| !PREPOSITIONS.contains(w))
        .collect::<Vec<_>>()
        .join(" ")
}

fn is_vague(head: &str) -> bool {
    head.split_whitespace()
        .last()
        .is_some_and(|w| VAGUE_HEADS.contains(&w))
}

/// Canonical issue keys for the normalised issue labels of one document (same order):
/// labels that name the same issue in other words get one key, so that "export controls on
/// rare earth minerals", "the export controls" and "the rare earths action" become one
/// issue node. Two labels are the same issue when their head phrases are equal, when the
/// content words of one are all in the other, or when a vague head ("action", "move")
/// shares at least two content words with the other. The key of a group is its most
/// frequent specific head phrase ("export control").
///
/// ```
/// use stancegraph_relations::canonical_issues;
/// let labels = ["export control on rare earth minerals", "export control", "rare earths action"];
/// assert_eq!(canonical_issues(&labels), vec!["export control"; 3]);
/// ```
pub fn canonical_issues<S: AsRef<str>>(labels: &[S]) -> Vec<String> {
    let n = labels.len();
    let heads: Vec<String> = labels.iter().map(|l| head_phrase(l.as_ref())).collect();
    let words: Vec<Vec<String>> = labels.iter().map(|l| content_words(l.as_ref())).collect();
    let mut parent: Vec<usize> = (0..n).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let subset = |a: &[String], b: &[String]| !a.is_empty() && a.iter().all(|w| b.contains(w));
    for i in 0..n {
        for j in i + 1..n {
            let shared = words[i].iter().filter(|w| words[j].contains(w)).count();
            let same = (!heads[i].is_empty() && heads[i] == heads[j])
                || subset(&words[i], &words[j])
                || subset(&words[j], &words[i])
                || ((is_vague(&heads[i]) || is_vague(&heads[j])) && shared >= 2);
            if same {
                let (a, b) = (root(&mut parent, i), root(&mut parent, j));
                parent[a] = b;
            }
        }
    }
    let roots: Vec<usize> = (0..n).map(|i| root(&mut parent, i)).collect();
    let mut groups: std::collections::BTreeMap<usize, Vec<usize>> = Default::default();
    for (i, r) in roots.iter().enumerate() {
        groups.entry(*r).or_default().push(i);
    }
    let mut key_of: std::collections::BTreeMap<usize, String> = Default::default();
    for (group, members) in &groups {
        let best = members
            .iter()
            .filter(|&&j| !heads[j].is_empty() && !is_vague(&heads[j]))
            .max_by_key(|&&j| {
                let count = members.iter().filter(|&&k| heads[k] == heads[j]).count();
                (
                    count,
                    std::cmp::Reverse(heads[j].len()),
                    std::cmp::Reverse(j),
                )
            });
        if let Some(&j) = best {
            key_of.insert(*group, heads[j].clone());
        }
    }
    let out: Vec<String> = labels
        .iter()
        .zip(&roots)
        .map(|(label, r)| {
            key_of
                .get(r)
                .cloned()
                .unwrap_or_else(|| label.as_ref().to_string())
        })
        .collect();
    out
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

    #[test]
    fn wordings_of_one_issue_share_a_key() {
        let labels: Vec<String> = [
            "export controls on rare earth minerals",
            "the export control",
            "the rare earths action",
            "a 100 percent tariff on Chinese goods",
            "the tariffs",
            "the summit",
        ]
        .iter()
        .map(|p| normalise_issue(p))
        .collect();
        let keys = canonical_issues(&labels);
        assert_eq!(keys[0], "export control");
        assert_eq!(keys[1], "export control");
        assert_eq!(keys[2], "export control");
        assert_eq!(keys[3], "tariff");
        assert_eq!(keys[4], "tariff");
        assert_eq!(keys[5], "summit");
    }
}
