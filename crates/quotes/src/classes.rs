//! Cue classes: what an attribution reports. `speech` and `writing` are quotes in the
//! newsroom sense (they make `said` edges), `belief` feeds stance, `perception_or_evidence`
//! (a study shows, a poll found) is kept but is no person's quote, `other` is everything
//! else a complement clause can hang from ("has blamed", "plans", "enjoyed").

use stancegraph_core::{CueClass, Document, Span};

const SPEECH: &[&str] = &[
    "say",
    "tell",
    "add",
    "according",
    "explain",
    "note",
    "ask",
    "answer",
    "respond",
    "reply",
    "claim",
    "insist",
    "argue",
    "warn",
    "announce",
    "confirm",
    "deny",
    "admit",
    "acknowledge",
    "urge",
    "call",
    "describe",
    "joke",
    "quip",
    "recall",
    "testify",
    "allege",
    "promise",
    "complain",
    "point",
    "stress",
    "emphasize",
    "emphasise",
    "caution",
    "predict",
    "speak",
    "remark",
    "comment",
    "reiterate",
    "assert",
    "maintain",
    "concede",
    "contend",
    "observe",
    "vow",
    "pledge",
    "repeat",
    "mention",
    "continue",
    "conclude",
    "advise",
    "declare",
    "agree",
    "disagree",
    "propose",
    "recommend",
    "accuse",
    "criticize",
    "criticise",
    "threaten",
    "demand",
    "question",
    "counter",
    "rebut",
    "boast",
    "lament",
    "laugh",
    "shout",
    "exclaim",
    "assure",
    "reassure",
    "tout",
    "hint",
    "estimate",
    "forecast",
    "suggest",
    "state",
    "report",
    "reveal",
    "brief",
    "inform",
    "ask",
    "plead",
    "muse",
    "chuckle",
    "sigh",
    "concur",
    "object",
    "protest",
    "interject",
    "reason",
    "acknowledged",
    "elaborate",
    "clarify",
    "signal",
    "told",
    "said",
    "says",
    ":",
    "—",
    "–",
    "noting",
    "stating",
    "characterize",
    "characterise",
    "saying",
    "adding",
    "telling",
    "explaining",
    "warning",
    "arguing",
    "asking",
];

const WRITING: &[&str] = &[
    "write", "post", "tweet", "publish", "blog", "email", "e-mail", "text", "read", "retweet",
];

const BELIEF: &[&str] = &[
    "believe",
    "think",
    "hope",
    "feel",
    "fear",
    "expect",
    "doubt",
    "worry",
    "know",
    "assume",
    "suspect",
    "wonder",
    "want",
    "wish",
    "consider",
    "reckon",
    "guess",
    "understand",
    "imagine",
    "trust",
    "anticipate",
    "suppose",
    "figure",
];

const EVIDENCE: &[&str] = &[
    "show",
    "find",
    "indicate",
    "demonstrate",
    "prove",
    "see",
    "hear",
    "notice",
    "learn",
    "appear",
    "seem",
    "discover",
    "suggest",
    "reveal",
    "confirm",
    "estimate",
    "project",
];

/// Nouns that name a document, study or figure: such a subject shows, it does not speak.
pub(crate) const DOCUMENT_NOUNS: &[&str] = &[
    "study",
    "studies",
    "report",
    "reports",
    "poll",
    "polls",
    "survey",
    "surveys",
    "data",
    "research",
    "findings",
    "analysis",
    "chart",
    "figures",
    "records",
    "documents",
    "document",
    "statistics",
    "numbers",
    "evidence",
    "review",
    "audit",
    "investigation",
    "test",
    "tests",
    "experiment",
    "model",
    "index",
    "readings",
    "results",
    "estimates",
    "projections",
    "trend",
    "trends",
    "image",
    "photo",
    "video",
    "footage",
    "map",
    "graph",
    "table",
];

/// Nouns that name a written text: with "say", "read" or "state" the attribution is writing.
pub(crate) const WRITTEN_NOUNS: &[&str] = &[
    "statement",
    "release",
    "letter",
    "memo",
    "post",
    "tweet",
    "email",
    "e-mail",
    "message",
    "note",
    "filing",
    "notice",
    "blog",
    "op-ed",
    "column",
    "editorial",
];

/// The lemma of the cue's main word: its first verb, else its first word.
fn cue_lemma(doc: &Document, cue: Span) -> String {
    let first = doc.tokens.partition_point(|t| t.span.end <= cue.start);
    let tokens = doc
        .tokens
        .get(first..)
        .unwrap_or(&[])
        .iter()
        .take_while(|t| t.span.start < cue.end);
    let mut fallback = None;
    let lemma_of = |token: &stancegraph_core::Token| {
        token
            .lemma
            .clone()
            .unwrap_or_else(|| doc.slice(token.span).to_lowercase())
            .to_lowercase()
    };
    for token in tokens {
        // An auxiliary tagged alone ("had" of "had said") stands for the verb it serves.
        if token.upos.as_deref() == Some("AUX") {
            if let Some(head) = token.head.and_then(|h| doc.tokens.get(h as usize)) {
                if head.upos.as_deref() == Some("VERB") {
                    return lemma_of(head);
                }
            }
        }
        let lemma = token
            .lemma
            .clone()
            .unwrap_or_else(|| doc.slice(token.span).to_lowercase())
            .to_lowercase();
        if token.upos.as_deref() == Some("VERB") {
            return lemma;
        }
        if fallback.is_none() && !matches!(token.upos.as_deref(), Some("AUX" | "PART" | "ADV")) {
            fallback = Some(lemma);
        }
    }
    fallback.unwrap_or_default()
}

/// The last word of the source before any break ("the survey of 1,000 voters" → survey).
fn source_head(doc: &Document, source: Span) -> String {
    let text = doc.slice(source).to_lowercase();
    let mut head = String::new();
    for word in text.split(|c: char| c.is_whitespace() || c == ',') {
        if matches!(
            word,
            "of" | "by" | "from" | "at" | "in" | "for" | "with" | "on"
        ) {
            break;
        }
        if !word.is_empty() {
            head = word
                .trim_matches(|c: char| !c.is_alphanumeric())
                .to_string();
        }
    }
    head
}

/// The class of an attribution from its cue and source. A quote without a cue is speech
/// (quoted words stand for what someone said).
pub fn classify(doc: &Document, cue: Option<Span>, source: Option<Span>) -> CueClass {
    let Some(cue) = cue else {
        return CueClass::Speech;
    };
    let lemma = cue_lemma(doc, cue);
    let cue_text = doc.slice(cue).to_lowercase();
    let head = source.map(|s| source_head(doc, s)).unwrap_or_default();
    let document = DOCUMENT_NOUNS.contains(&head.as_str());
    let written = WRITTEN_NOUNS.contains(&head.as_str());
    // A cue of punctuation only (the tagger's "." or "," beside quoted words) introduces
    // those words: speech.
    if cue_text.chars().all(|c| !c.is_alphanumeric()) {
        return CueClass::Speech;
    }
    let is = |list: &[&str]| list.contains(&lemma.as_str());
    if is(WRITING) || (written && (is(SPEECH) || lemma == "read")) {
        return CueClass::Writing;
    }
    if document && (is(SPEECH) || is(EVIDENCE)) {
        return CueClass::PerceptionOrEvidence;
    }
    if cue_text.contains("statement") || cue_text.contains("news release") {
        return CueClass::Writing;
    }
    if is(BELIEF) {
        return CueClass::Belief;
    }
    // "suggest", "reveal", "confirm", "estimate" are speech when someone does them.
    if is(SPEECH) || cue_text.starts_with("according") {
        return CueClass::Speech;
    }
    if is(EVIDENCE) {
        return CueClass::PerceptionOrEvidence;
    }
    CueClass::Other
}

/// Is this lemma a verb of saying or writing (a cue whatever the learned lexicon says)?
pub fn is_reporting_lemma(lemma: &str) -> bool {
    lemma.len() > 1 && (SPEECH.contains(&lemma) || WRITING.contains(&lemma))
}

/// Parses the `classes` option of `quotes.attribution`.
pub fn parse_classes(names: &[String]) -> Result<Vec<CueClass>, String> {
    names
        .iter()
        .map(|n| {
            CueClass::parse(n).ok_or_else(|| {
                format!(
                    "unknown cue class `{n}` (expected speech, writing, belief, perception_or_evidence, other)"
                )
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use stancegraph_core::{CueClass, Document, Span};

    use super::*;
    use crate::rules::test_docs::analysed;

    /// The span of the first occurrence of `words`.
    fn span(doc: &Document, words: &str) -> Span {
        let at = doc.text().find(words).expect("words in text");
        Span::new(at, at + words.len())
    }

    fn class(text: &str, cue: &str, source: &str) -> Option<CueClass> {
        let doc = analysed(text)?;
        Some(classify(
            &doc,
            Some(span(&doc, cue)),
            Some(span(&doc, source)),
        ))
    }

    #[test]
    fn verbs_of_saying_are_speech_and_a_missing_cue_too() {
        let Some(c) = class(
            "The minister said that taxes will rise.",
            "said",
            "The minister",
        ) else {
            return;
        };
        assert_eq!(c, CueClass::Speech);
        let doc = analysed("“Taxes will rise.”").expect("analysed once already");
        assert_eq!(classify(&doc, None, None), CueClass::Speech);
    }

    #[test]
    fn verbs_of_writing_and_written_sources_are_writing() {
        let Some(c) = class(
            "The minister wrote that taxes will rise.",
            "wrote",
            "The minister",
        ) else {
            return;
        };
        assert_eq!(c, CueClass::Writing);
        let said_in_a_tweet = class("Her tweet said that taxes will rise.", "said", "Her tweet");
        assert_eq!(said_in_a_tweet, Some(CueClass::Writing));
        let statement = class(
            "The ministry said in a statement that taxes will rise.",
            "said in a statement",
            "The ministry",
        );
        assert_eq!(statement, Some(CueClass::Writing));
    }

    #[test]
    fn documents_that_say_are_evidence() {
        let c = class("A new study says that prices fell.", "says", "A new study");
        assert!(
            c.is_none() || c == Some(CueClass::PerceptionOrEvidence),
            "{c:?}"
        );
    }

    #[test]
    fn verbs_of_belief_are_belief() {
        let c = class(
            "Officials believe that voters will agree.",
            "believe",
            "Officials",
        );
        assert!(c.is_none() || c == Some(CueClass::Belief), "{c:?}");
    }

    #[test]
    fn punctuation_cue_introduces_speech() {
        let c = class("The minister: “Taxes will rise.”", ":", "The minister");
        assert!(c.is_none() || c == Some(CueClass::Speech), "{c:?}");
    }

    #[test]
    fn other_verbs_are_other() {
        let c = class("The minister ate lunch.", "ate", "The minister");
        assert!(c.is_none() || c == Some(CueClass::Other), "{c:?}");
    }

    #[test]
    fn source_head_stops_at_a_preposition() {
        let Some(doc) = analysed("The survey of 1,000 voters shows gains.") else {
            return;
        };
        assert_eq!(
            source_head(&doc, span(&doc, "The survey of 1,000 voters")),
            "survey"
        );
    }

    #[test]
    fn class_names_parse_and_unknown_ones_are_errors() {
        let names = ["speech".to_string(), "writing".to_string()];
        assert_eq!(
            parse_classes(&names),
            Ok(vec![CueClass::Speech, CueClass::Writing])
        );
        assert!(parse_classes(&["shouting".to_string()])
            .unwrap_err()
            .contains("shouting"));
        assert!(is_reporting_lemma("say") && !is_reporting_lemma("eat"));
    }
}
