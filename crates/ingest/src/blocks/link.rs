//! What ties a line to the rest of the article: the names it shares with kept lines and
//! the share of its topic words that recur there.

use std::collections::HashSet;

use super::lexicon::lexicons;

/// How a line links to the rest of the article (pass 2 of the scorer).
#[derive(Debug, Clone, Copy)]
pub(super) struct Link {
    /// Names in the line found in other kept lines.
    pub(super) shared_names: usize,
    /// Share of the line's topic words found in other kept lines (`None`: too few words).
    pub(super) topic_overlap: Option<f32>,
}

/// Capitalised words not at the start of a sentence, plus acronyms: likely names of actors.
pub(super) fn candidate_names(line: &str) -> HashSet<String> {
    let mut names = HashSet::new();
    let mut sentence_start = true;
    for raw in line.split_whitespace() {
        let word = raw.trim_matches(|c: char| !c.is_alphanumeric() && c != '-');
        let word = word
            .strip_suffix("’s")
            .or_else(|| word.strip_suffix("'s"))
            .unwrap_or(word);
        let capitalised =
            word.chars().next().is_some_and(char::is_uppercase) && word.chars().count() > 1;
        let acronym = word.chars().filter(|c| c.is_alphabetic()).count() >= 2
            && word
                .chars()
                .filter(|c| c.is_alphabetic())
                .all(char::is_uppercase);
        if capitalised && (!sentence_start || acronym) && !lexicons().not_names.contains(word) {
            for part in word
                .split('-')
                .filter(|p| p.chars().next().is_some_and(char::is_uppercase))
            {
                names.insert(part.to_string());
            }
        }
        sentence_start =
            raw.ends_with(['.', '!', '?', ':']) || raw.ends_with(".”") || raw.ends_with(".\"");
    }
    names
}

/// Lower-cased content words of four letters or more, for topic overlap.
pub(super) fn topic_words(line: &str) -> HashSet<String> {
    line.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 4)
        .map(str::to_lowercase)
        .filter(|w| !lexicons().stopwords.contains(w.as_str()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(names: HashSet<String>) -> Vec<String> {
        let mut names: Vec<String> = names.into_iter().collect();
        names.sort();
        names
    }

    #[test]
    fn names_are_capitalised_words_inside_sentences_and_acronyms() {
        let names = candidate_names(
            "The talks in Geneva were led by Scott Bessent’s team and the IMF. Beijing replied.",
        );
        assert_eq!(sorted(names), ["Bessent", "Geneva", "IMF", "Scott"]);
    }

    #[test]
    fn sentence_starters_titles_and_hyphenated_names() {
        let names = candidate_names(
            "NATO met. However, talks with Mr Franco-German envoys and However stalled.",
        );
        // An acronym names an actor even at the start; `Mr` and `However` never do.
        assert_eq!(sorted(names), ["Franco", "German", "NATO"]);
    }

    #[test]
    fn topic_words_are_long_and_not_stopwords() {
        let words = topic_words("The committee approved these budgets, with new funding.");
        let mut words: Vec<String> = words.into_iter().collect();
        words.sort();
        assert_eq!(words, ["approved", "budgets", "committee", "funding"]);
    }
}
