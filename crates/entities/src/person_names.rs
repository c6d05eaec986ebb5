//! When two full names name the same person: news and annotators write "Joe Biden" and "Jim
//! Clyburn", official names "Joseph R. Biden Jr." and "James E. Clyburn".

/// Familiar form and the given name it stands for, lower-cased. A familiar form shared by
/// two given names ("Al": Albert, Alan, Alexander) is left out.
const FAMILIAR_FORMS: &[(&str, &str)] = &[
    ("abe", "abraham"),
    ("andy", "andrew"),
    ("barb", "barbara"),
    ("ben", "benjamin"),
    ("bernie", "bernard"),
    ("beth", "elizabeth"),
    ("bill", "william"),
    ("billy", "william"),
    ("bob", "robert"),
    ("bobby", "robert"),
    ("cathy", "catherine"),
    ("charlie", "charles"),
    ("chris", "christopher"),
    ("chuck", "charles"),
    ("dan", "daniel"),
    ("danny", "daniel"),
    ("dave", "david"),
    ("dick", "richard"),
    ("don", "donald"),
    ("doug", "douglas"),
    ("ed", "edward"),
    ("eddie", "edward"),
    ("fred", "frederick"),
    ("greg", "gregory"),
    ("jack", "john"),
    ("jeff", "jeffrey"),
    ("jim", "james"),
    ("jimmy", "james"),
    ("joe", "joseph"),
    ("jon", "jonathan"),
    ("ken", "kenneth"),
    ("kathy", "katherine"),
    ("larry", "lawrence"),
    ("liz", "elizabeth"),
    ("matt", "matthew"),
    ("mike", "michael"),
    ("mitch", "mitchell"),
    ("nick", "nicholas"),
    ("pat", "patrick"),
    ("pete", "peter"),
    ("phil", "philip"),
    ("rick", "richard"),
    ("rob", "robert"),
    ("ron", "ronald"),
    ("rudy", "rudolph"),
    ("sam", "samuel"),
    ("steve", "steven"),
    ("sue", "susan"),
    ("ted", "edward"),
    ("tim", "timothy"),
    ("tom", "thomas"),
    ("tony", "anthony"),
    ("vicky", "victoria"),
    ("will", "william"),
    ("zach", "zachary"),
];

/// The given name a lower-cased first name stands for: itself unless it is a familiar form
/// ("jim" → "james").
pub fn formal_given_name(lower: &str) -> &str {
    FAMILIAR_FORMS
        .iter()
        .find(|(familiar, _)| *familiar == lower)
        .map_or(lower, |(_, formal)| formal)
}

/// Suffixes after a surname ("Jr.", "III"), lower-cased, without their full stop.
const NAME_SUFFIXES: &[&str] = &["jr", "sr", "ii", "iii", "iv", "esq"];

/// Whether a lower-cased word is a suffix after a surname ("jr.", "iii", "esq").
pub(crate) fn is_name_suffix(lower: &str) -> bool {
    NAME_SUFFIXES.contains(&lower.trim_end_matches('.'))
}

/// A person's first and last name, lower-cased, the first in its formal form ("joseph",
/// "biden" for "Joe R. Biden Jr."), without initials and suffixes; none for fewer than two
/// words.
pub(crate) fn person_name_key(full_name: &str) -> Option<(String, String)> {
    let words: Vec<String> = full_name
        .split_whitespace()
        .map(|w| w.trim_end_matches('.').to_lowercase())
        .filter(|w| w.chars().count() > 1 && !is_name_suffix(w))
        .collect();
    match words.as_slice() {
        [first, .., last] => Some((formal_given_name(first).to_string(), last.clone())),
        _ => None,
    }
}

/// The middle initials of a name ("w" of "George W. Bush"), in order.
fn initials(full_name: &str) -> Vec<String> {
    full_name
        .split_whitespace()
        .map(|w| w.trim_end_matches('.'))
        .filter(|w| w.chars().count() == 1)
        .map(str::to_lowercase)
        .collect()
}

/// Whether two full names name the same person: the same first and last name once middle
/// names, initials and suffixes are left out and a familiar first name is read as the formal
/// one ("Joe Biden" ~ "Joseph R. Biden Jr.", "Bennie G. Thompson" ~ "Bennie Thompson"),
/// unless both give middle initials and they differ ("George W. Bush", "George H. W. Bush").
pub fn same_person_name(a: &str, b: &str) -> bool {
    let Some(key) = person_name_key(a) else {
        return false;
    };
    if person_name_key(b).as_ref() != Some(&key) {
        return false;
    }
    let (a_initials, b_initials) = (initials(a), initials(b));
    a_initials.is_empty() || b_initials.is_empty() || a_initials == b_initials
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn familiar_forms_give_the_formal_name_and_others_stay() {
        assert_eq!(formal_given_name("jim"), "james");
        assert_eq!(formal_given_name("joe"), "joseph");
        assert_eq!(formal_given_name("james"), "james");
        assert_eq!(formal_given_name("xi"), "xi");
    }

    #[test]
    fn full_names_match_without_middle_parts_and_with_familiar_first_names() {
        assert!(same_person_name("Joseph R. Biden Jr.", "Joe Biden"));
        assert!(same_person_name("Jason LeBlanc", "Jason Marcel LeBlanc"));
        assert!(same_person_name("Bennie G. Thompson", "Bennie Thompson"));
        assert!(!same_person_name("George W. Bush", "George H. W. Bush"));
        assert!(!same_person_name("Hunter Biden", "Joe Biden"));
        assert!(!same_person_name("Biden", "Biden"));
    }

    #[test]
    fn each_familiar_form_is_listed_once() {
        let mut forms: Vec<&str> = FAMILIAR_FORMS.iter().map(|(f, _)| *f).collect();
        forms.sort_unstable();
        let listed = forms.len();
        forms.dedup();
        assert_eq!(forms.len(), listed);
    }
}
