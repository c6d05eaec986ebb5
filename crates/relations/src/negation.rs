//! Negation, refusal, hedging and exculpation: contexts where a critical word or a
//! negative-sounding sentence does not mean that the holder opposes the target.
//!
//! "Bessent did not criticise Xi", "Bessent declined to blame Xi" and "Bessent suggested
//! that Xi may have been unaware of the action" all name Xi near negative words, yet none
//! of them is opposition. The checks read lowercased words of one sentence; the extractor
//! calls them before it writes an oppose stance (trigger rules, quotes, pair model).

/// Why a reading is withheld (recorded only in tests and debugging output).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Withheld {
    /// A negator right before the trigger: "did not criticise", "never blamed".
    Negated,
    /// A refusal or avoidance verb governs the trigger: "declined to blame",
    /// "stopped short of condemning".
    Refused,
    /// The words after the target excuse it: "may have been unaware", "was not to blame".
    Exculpated,
    /// The words about the target are hedged: "might have been confused".
    Hedged,
}

/// Negators that withhold a trigger within a few words before it.
const NEGATORS: &[&str] = &[
    "not", "n't", "never", "no", "without", "hardly", "barely", "neither", "nor", "nobody",
];

/// Stems of verbs that withhold the verb after them ("declined to blame").
const REFUSALS: &[&str] = &[
    "declin",
    "refus",
    "avoid",
    "fail",
    "hesitat",
    "reluctant",
    "unwilling",
    "shied",
    "shy",
    "stopped",
    "stop",
    "resist",
    "refrain",
    "balk",
    "won't",
    "wouldn't",
];

/// Words before a trigger that may stand between the negator and the trigger.
const FILLERS: &[&str] = &[
    "to",
    "of",
    "from",
    "short",
    "away",
    "back",
    "publicly",
    "openly",
    "directly",
    "explicitly",
    "personally",
    "yet",
    "even",
    "really",
    "actually",
    "be",
    "been",
    "have",
    "has",
    "had",
    "do",
    "did",
    "does",
    "is",
    "was",
    "were",
    "are",
    "will",
    "would",
    "could",
    "should",
    "can",
    "also",
    "so",
    "far",
    "specifically",
    "immediately",
    "necessarily",
    "any",
    "a",
    "the",
    "single",
    "word",
    "longer",
];

/// Words after a target that excuse it (lack of knowledge, responsibility or fault).
const EXCULPATIONS: &[&str] = &[
    "unaware",
    "unwitting",
    "unwittingly",
    "innocent",
    "blameless",
    "misled",
    "misinformed",
    "uninformed",
    "deceived",
    "duped",
    "exonerated",
    "cleared",
    "absolved",
];

/// Phrases after a target that excuse it when negated: "not aware", "did not know",
/// "not responsible", "not to blame", "no role", "nothing to do".
const NEGATED_EXCULPATIONS: &[&str] = &[
    "aware",
    "know",
    "knew",
    "known",
    "responsible",
    "blame",
    "fault",
    "involved",
    "role",
    "knowledge",
    "behind",
    "informed",
    "consulted",
    "nothing",
];

/// Modal hedges: the claim is a possibility, not an assertion.
const HEDGES: &[&str] = &[
    "may",
    "might",
    "could",
    "perhaps",
    "possibly",
    "maybe",
    "allegedly",
    "reportedly",
    "apparently",
    "conceivably",
];

/// Words that end the stretch of words read about a target.
const STOPS: &[&str] = &[
    ",", ";", ":", ".", "but", "while", "although", "though", "whereas", "because", "and", "which",
    "who",
];

/// How far before a trigger an "if" or "whether" makes it a question ("whether he would
/// publicly support").
const QUESTION_WINDOW: usize = 4;

fn is_negator(word: &str) -> bool {
    NEGATORS.contains(&word) || word.ends_with("n't")
}

fn is_refusal(word: &str) -> bool {
    let word = word.trim_end_matches(|c: char| !c.is_alphanumeric() && c != '\'');
    REFUSALS.iter().any(|r| word.starts_with(r))
        && !matches!(word, "stopover" | "failure" | "fails-safe")
}

/// Whether the trigger at `trigger` (index into `words`, lowercased) is negated or refused
/// by the up to five words before it, not looking before `clause_start`, or asked about
/// after an "if" / "whether" in the four words before it.
///
/// "did not criticise", "has never blamed", "declined to blame", "stopped short of
/// condemning", "refused to criticise", "no criticism of".
pub fn trigger_withheld(words: &[&str], trigger: usize, clause_start: usize) -> Option<Withheld> {
    // "hasn't said if he would support", "asked whether she backs": an open question (the
    // clause may start at the "if").
    let question = (0..trigger)
        .rev()
        .take(QUESTION_WINDOW)
        .map_while(|i| words.get(i).filter(|w| !matches!(**w, "," | ";" | ":")))
        .any(|w| matches!(*w, "if" | "whether"));
    if question {
        return Some(Withheld::Hedged);
    }
    let mut i = trigger;
    let mut steps = 0;
    while i > clause_start && steps < 5 {
        i -= 1;
        steps += 1;
        let Some(&word) = words.get(i) else { break };
        if is_negator(word) {
            return Some(Withheld::Negated);
        }
        if is_refusal(word) {
            return Some(Withheld::Refused);
        }
        if !FILLERS.contains(&word) {
            break;
        }
    }
    None
}

/// Whether the words right after a target (from `after`, at most eight, up to a clause
/// boundary) excuse or hedge it: "Xi may have been unaware of the action", "Li was not to
/// blame", "Xi might have been misinformed", "Xi did not know".
pub fn target_shielded(words: &[&str], after: usize) -> Option<Withheld> {
    let window: Vec<&str> = words
        .iter()
        .skip(after)
        .take(8)
        .copied()
        .take_while(|w| !STOPS.contains(w))
        .collect();
    let mut negated = false;
    let mut hedged = false;
    for &word in &window {
        if EXCULPATIONS.contains(&word) {
            return Some(Withheld::Exculpated);
        }
        if is_negator(word) {
            negated = true;
            continue;
        }
        if negated && NEGATED_EXCULPATIONS.contains(&word) {
            return Some(Withheld::Exculpated);
        }
        if HEDGES.contains(&word) {
            hedged = true;
        }
    }
    // "X may have been ...", "X might have ...": a possibility about X, not an accusation.
    let modal_perfect = window
        .windows(2)
        .any(|w| HEDGES.contains(&w[0]) && w[1] == "have");
    (hedged && modal_perfect).then_some(Withheld::Hedged)
}

/// Fault words a negation turns into a defence: "did nothing wrong", "was not guilty".
const FAULTS: &[&str] = &["wrong", "guilty", "illegal", "improper", "inappropriate"];

/// Whether the words right after a target (from `after`, at most eight, up to a clause
/// boundary) deny its fault: "the president did nothing wrong", "Craig is not guilty",
/// "he did not do anything improper". Saying so stands by the target.
pub fn target_defended(words: &[&str], after: usize) -> bool {
    let mut negated = false;
    for &word in words
        .iter()
        .skip(after)
        .take(8)
        .take_while(|w| !STOPS.contains(w))
    {
        if is_negator(word) || word == "nothing" {
            negated = true;
        } else if negated && FAULTS.contains(&word) {
            return true;
        }
    }
    false
}

/// Whether the words before a target excuse it: "cleared Xi", "defended Xi against",
/// "exonerated Li" (the holder speaks for the target, not against it).
pub fn target_excused_before(words: &[&str], first: usize) -> bool {
    words
        .get(first.saturating_sub(3)..first)
        .unwrap_or(&[])
        .iter()
        .any(|w| matches!(*w, "cleared" | "exonerated" | "absolved" | "excused"))
}

/// Every reason an oppose reading of (holder, target) is withheld in this sentence, given
/// the target's word range `first..end`: target-side exculpation and hedging.
pub fn oppose_withheld(words: &[&str], first: usize, end: usize) -> Option<Withheld> {
    if target_excused_before(words, first) {
        return Some(Withheld::Exculpated);
    }
    target_shielded(words, end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<String> {
        text.to_lowercase()
            .replace(',', " ,")
            .replace("n't", " n't")
            .split_whitespace()
            .map(String::from)
            .collect()
    }

    fn at(words: &[String], word: &str) -> usize {
        words.iter().position(|w| w == word).unwrap_or(usize::MAX)
    }

    #[test]
    fn a_denied_fault_defends_the_target() {
        for (text, target, defended) in [
            (
                "the president did nothing wrong in the call",
                "president",
                true,
            ),
            ("craig is not guilty of the charges", "craig", true),
            ("he did not do anything improper", "he", true),
            ("the president did something wrong", "president", false),
            (
                "the president was wrong , and nothing changed",
                "president",
                false,
            ),
        ] {
            let words = split(text);
            let refs: Vec<&str> = words.iter().map(String::as_str).collect();
            assert_eq!(
                target_defended(&refs, at(&words, target) + 1),
                defended,
                "{text}"
            );
        }
    }

    #[test]
    fn negated_and_refused_triggers_are_withheld() {
        for (text, trigger, expected) in [
            (
                "bessent did not criticise xi",
                "criticise",
                Withheld::Negated,
            ),
            ("bessent didn't blame xi", "blame", Withheld::Negated),
            ("bessent has never blamed xi", "blamed", Withheld::Negated),
            ("bessent declined to blame xi", "blame", Withheld::Refused),
            (
                "bessent has not said if he would support xi",
                "support",
                Withheld::Hedged,
            ),
            ("asked whether he backs xi", "backs", Withheld::Hedged),
            (
                "bessent stopped short of condemning xi",
                "condemning",
                Withheld::Refused,
            ),
        ] {
            let words = split(text);
            let refs: Vec<&str> = words.iter().map(String::as_str).collect();
            assert_eq!(
                trigger_withheld(&refs, at(&words, trigger), 0),
                Some(expected),
                "{text}"
            );
        }
        let words = split("bessent sharply criticised xi");
        let refs: Vec<&str> = words.iter().map(String::as_str).collect();
        assert_eq!(trigger_withheld(&refs, at(&words, "criticised"), 0), None);
    }

    #[test]
    fn exculpated_and_hedged_targets_are_shielded() {
        for (text, expected) in [
            (
                "xi may have been unaware of the action",
                Some(Withheld::Exculpated),
            ),
            ("xi was not to blame", Some(Withheld::Exculpated)),
            ("xi did not know about it", Some(Withheld::Exculpated)),
            ("xi might have been confused", Some(Withheld::Hedged)),
            ("xi lied about the action", None),
            ("xi , who is unaware", None),
        ] {
            let words = split(text);
            let refs: Vec<&str> = words.iter().map(String::as_str).collect();
            assert_eq!(target_shielded(&refs, 1), expected, "{text}");
        }
    }
}

/// Each pattern on a two-sentence document through the whole extractor: no oppose edge.
#[cfg(test)]
mod document_tests {
    use stancegraph_core::EntityType::{Gpe, Per};

    use crate::test_support::{document, opposes, stances};

    fn check(text: &str, holder: &str, target: &str, quotes: &[(&str, &str)]) {
        let doc = document(
            text,
            &[(holder, Per), (target, Per), ("China", Gpe)],
            quotes,
        );
        let found = stances(&doc);
        assert!(!opposes(&found, holder, target), "{text}\n{found:?}");
    }

    #[test]
    fn a_negated_criticism_is_no_opposition() {
        check(
            "Bessent did not criticise Xi on Friday. The talks resumed in Madrid.",
            "Bessent",
            "Xi",
            &[],
        );
    }

    #[test]
    fn a_declined_blame_is_no_opposition() {
        check(
            "Bessent declined to blame Xi for the export controls. China said nothing.",
            "Bessent",
            "Xi",
            &[],
        );
    }

    #[test]
    fn a_refused_condemnation_is_no_opposition() {
        check(
            "Bessent refused to condemn Xi over the decision. The markets fell.",
            "Bessent",
            "Xi",
            &[],
        );
    }

    #[test]
    fn an_exculpation_is_no_opposition() {
        check(
            "Bessent has suggested that Xi may have been unaware of the rare earths action. China disagreed.",
            "Bessent",
            "Xi",
            &[("that Xi may have been unaware of the rare earths action", "Bessent")],
        );
    }

    #[test]
    fn a_denied_responsibility_is_no_opposition() {
        check(
            "Bessent said Xi was not responsible for the disastrous escalation. China agreed.",
            "Bessent",
            "Xi",
            &[(
                "Xi was not responsible for the disastrous escalation",
                "Bessent",
            )],
        );
    }

    #[test]
    fn a_hedge_is_no_opposition() {
        check(
            "Bessent said that Xi might have been badly misadvised by his aides. The talks went on.",
            "Bessent",
            "Xi",
            &[("that Xi might have been badly misadvised by his aides", "Bessent")],
        );
    }

    #[test]
    fn a_plain_criticism_still_is_opposition() {
        let text = "Bessent sharply criticised Xi on Friday. The talks resumed in Madrid.";
        let doc = document(text, &[("Bessent", Per), ("Xi", Per)], &[]);
        let found = stances(&doc);
        assert!(opposes(&found, "Bessent", "Xi"), "{found:?}");
    }
}
