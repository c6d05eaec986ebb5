//! An actor's gender across documents: each document casts one vote (its strongest
//! call), and the majority of votes decides.

use std::collections::BTreeMap;

/// Of two `gender|evidence` calls for one actor in one document, the one to keep: the
/// stronger evidence (honorific or kinship noun, then agreeing pronouns, then first-name
/// statistics),
/// then the larger string, so the choice never depends on the order documents or parts
/// arrive in. An empty call is no call.
pub fn stronger_gender_call<'a>(a: &'a str, b: &'a str) -> &'a str {
    fn rank(call: &str) -> (u8, &str) {
        let strength = match call.split_once('|').map(|(_, evidence)| evidence) {
            _ if call.is_empty() => 0,
            Some("honorific" | "kinship") => 3,
            Some("pronoun") => 2,
            _ => 1,
        };
        (strength, call)
    }
    if rank(b) > rank(a) {
        b
    } else {
        a
    }
}

/// The gender most documents state for an actor (none on a tie) and its most frequent
/// evidence.
pub(super) fn majority_gender(calls: &BTreeMap<String, u64>) -> (Option<String>, Option<String>) {
    let mut totals: BTreeMap<&str, u64> = BTreeMap::new();
    for (call, count) in calls {
        let gender = call.split('|').next().unwrap_or("");
        *totals.entry(gender).or_default() += count;
    }
    let best = totals.values().copied().max().unwrap_or(0);
    let winners: Vec<&str> = totals
        .iter()
        .filter(|(_, &c)| c == best && best > 0)
        .map(|(g, _)| *g)
        .collect();
    let [gender] = winners.as_slice() else {
        return (None, None);
    };
    let evidence = calls
        .iter()
        .filter(|(call, _)| call.split('|').next() == Some(gender))
        .max_by_key(|(_, &c)| c)
        .and_then(|(call, _)| call.split_once('|').map(|(_, e)| e.to_string()));
    (Some(gender.to_string()), evidence)
}
