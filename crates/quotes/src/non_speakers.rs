//! Which source heads can speak: names, pronouns, anonymous heads ("officials"), speaker
//! nouns ("the mayor"), nouns of people by their ending ("businessman") and texts that hold
//! words ("the book") can; other common nouns ("alliances", "trends") cannot.

use stancegraph_core::Document;

use crate::attribution::ANONYMOUS_HEADS;
use crate::classes::{DOCUMENT_NOUNS, WRITTEN_NOUNS};
use crate::speakers::lower;

/// Nouns that can head a speaking subject although they are common nouns.
const SPEAKER_NOUNS: &[&str] = &[
    "mayor",
    "minister",
    "president",
    "premier",
    "spokesperson",
    "spokesman",
    "spokeswoman",
    "company",
    "government",
    "city",
    "police",
    "union",
    "agency",
    "department",
    "ministry",
    "office",
    "party",
    "court",
    "council",
    "board",
    "firm",
    "group",
    "organization",
    "organisation",
    "association",
    "team",
    "campaign",
    "administration",
    "commission",
    "committee",
    "authority",
    "authorities",
    "lawyer",
    "lawyers",
    "attorney",
    "judge",
    "director",
    "chief",
    "leader",
    "founder",
    "owner",
    "manager",
    "professor",
    "doctor",
    "researcher",
    "scientist",
    "author",
    "chair",
    "chairman",
    "chairwoman",
    "ceo",
    "coach",
    "player",
    "officer",
    "senator",
    "governor",
    "secretary",
    "ambassador",
    "candidate",
    "resident",
    "residents",
    "woman",
    "man",
    "mother",
    "father",
    "son",
    "daughter",
    "wife",
    "husband",
    "friend",
    "family",
    "student",
    "students",
    "teacher",
    "worker",
    "workers",
    "employee",
    "employees",
    "staff",
    "members",
    "member",
    "parents",
    "parent",
    "statement",
    "release",
    "letter",
    "memo",
    "post",
    "tweet",
    "email",
    "website",
    "bank",
    "military",
    "army",
    "regulator",
    "ministry",
    "embassy",
    "school",
    "university",
    "hospital",
    "club",
    "league",
    "network",
    "newspaper",
    "paper",
    "magazine",
    "citizens",
    "victims",
    "victim",
    "prosecutors",
    "prosecutor",
    "investigators",
    "detective",
    "sheriff",
    "official",
    "officials",
    "expert",
    "experts",
    "analyst",
    "analysts",
    "source",
    "sources",
    "critics",
    "supporters",
    "opponents",
    "voters",
    "people",
    "observers",
    "advocates",
    "activists",
    "protesters",
    "organizers",
    "participants",
    "executive",
    "executives",
    "head",
    "boss",
    "partner",
    "colleague",
    "neighbour",
    "neighbor",
    "host",
    "guest",
    "fan",
    "fans",
    "owner",
    "operator",
    "producer",
    "writer",
    "artist",
    "musician",
    "actor",
    "actress",
    "star",
    "athlete",
    "veteran",
    "nurse",
    "physician",
    "surgeon",
    "patient",
    "patients",
    "pilot",
    "driver",
    "farmer",
    "farmers",
    "economist",
    "economists",
    "strategist",
    "adviser",
    "advisor",
    "aide",
    "aides",
    "insiders",
    "diplomat",
    "diplomats",
    "lawmaker",
    "lawmakers",
    "legislator",
    "representative",
    "rep",
    "mp",
    "mla",
    "councillor",
    "councilor",
    "speaker",
    "chancellor",
    "king",
    "queen",
    "prince",
    "pope",
    "bishop",
    "priest",
    "rabbi",
    "imam",
    "commissioner",
    "inspector",
    "superintendent",
    "principal",
    "dean",
    "provost",
    "trustee",
    "treasurer",
    "auditor",
    "ombudsman",
    "coroner",
    "examiner",
    "mediator",
    "negotiator",
    "regulators",
    "bankers",
    "investors",
    "traders",
    "consumers",
    "customers",
    "users",
    "shoppers",
    "tenants",
    "landlord",
    "landlords",
    "developer",
    "developers",
    "builder",
    "contractor",
    "consultant",
    "engineer",
    "engineers",
    "planner",
    "planners",
    "founder",
    "co-founder",
    "cofounder",
    "president-elect",
    "premier-elect",
    "chief executive",
];

/// Is the source head a word that cannot speak ("alliances", "dimension", "that")?
/// Names, pronouns, anonymous heads ("officials"), speaker nouns ("the mayor") and
/// documents (which keep their evidence class) can.
pub fn is_non_speaker(doc: &Document, source: (usize, usize)) -> bool {
    let (first, last) = source;
    if matches!(lower(doc, first).as_str(), "that" | "which") && first == last {
        return true;
    }
    // Head: the last noun before a preposition or comma.
    let mut head = first;
    for i in first..=last {
        let word = lower(doc, i);
        if i > first
            && matches!(
                word.as_str(),
                "of" | "from" | "at" | "in" | "with" | "for" | "on" | "," | "who" | "that"
            )
        {
            break;
        }
        head = i;
    }
    while head > first && matches!(lower(doc, head).as_str(), "'s" | "’s" | "'" | "’") {
        head -= 1;
    }
    let Some(token) = doc.tokens.get(head) else {
        return false;
    };
    let word = lower(doc, head);
    let common = token.upos.as_deref() == Some("NOUN")
        && doc
            .slice(token.span)
            .chars()
            .next()
            .is_some_and(char::is_lowercase);
    let named = crate::attribution::mentions_over(doc, token.span)
        .next()
        .is_some();
    common
        && !named
        && !ANONYMOUS_HEADS.contains(&word.as_str())
        && !SPEAKER_NOUNS.contains(&word.as_str())
        && !DOCUMENT_NOUNS.contains(&word.as_str())
        && !WRITTEN_NOUNS.contains(&word.as_str())
        && !SPEAKING_TEXTS.contains(&word.as_str())
        && !is_person_noun(&word)
}

/// Whether token `head` names people who may speak together as "they": a name, or a
/// common noun of people ("senators", "owners", "critics", "businessmen", "MPs"), not a
/// text ("reports") nor a thing ("renovations", "galaxies").
pub(crate) fn names_people(doc: &Document, head: usize) -> bool {
    let Some(token) = doc.tokens.get(head) else {
        return false;
    };
    if crate::attribution::mentions_over(doc, token.span)
        .next()
        .is_some()
    {
        return true;
    }
    let word = lower(doc, head);
    let forms = [word.as_str(), word.strip_suffix('s').unwrap_or(&word)];
    let text = forms.iter().any(|w| {
        DOCUMENT_NOUNS.contains(w) || WRITTEN_NOUNS.contains(w) || SPEAKING_TEXTS.contains(w)
    });
    let people = forms
        .iter()
        .any(|w| ANONYMOUS_HEADS.contains(w) || SPEAKER_NOUNS.contains(w))
        || is_person_noun(&word);
    people && !text
}

/// Nouns of people by their ending, beyond the listed ones: "businessman",
/// "congresswomen", "chairperson", "analyst", "economists".
fn is_person_noun(word: &str) -> bool {
    const PERSON_ENDINGS: &[&str] = &["man", "men", "woman", "women", "person", "persons"];
    const AGENT_ENDINGS: &[&str] = &["ist", "ists"];
    // "human", "omen", "specimen" are no people nouns for this purpose; the endings need a
    // stem before them ("business|man").
    let stem_before = |ending: &str| word.len() >= ending.len() + 4;
    PERSON_ENDINGS
        .iter()
        .any(|e| word.ends_with(e) && stem_before(e))
        || AGENT_ENDINGS
            .iter()
            .any(|e| word.ends_with(e) && word.len() >= 7)
}

/// Texts that PolNeAR gives the words they hold ("…,” the book said; "said the ruling"),
/// besides documents and written messages.
const SPEAKING_TEXTS: &[&str] = &[
    "book",
    "ruling",
    "article",
    "opinion",
    "decision",
    "order",
    "complaint",
    "lawsuit",
    "indictment",
    "bill",
    "ad",
    "ads",
    "advertisement",
    "commercial",
    "memoir",
    "website",
    "speech",
    "transcript",
    "verdict",
];
