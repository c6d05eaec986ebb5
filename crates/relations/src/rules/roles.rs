//! Role nouns: an actor described by a relational noun toward another holds, or receives,
//! a stance. "Rep. Adam Kinzinger, a frequent critic of Trump" (Kinzinger opposes Trump),
//! "Trump appointee Neil Gorsuch" and "Judge Michael Barrett, appointed by Bush" (the one
//! who appoints supports the appointee), "his political rival, Joe Biden" (rivals oppose
//! each other), "Fox News has been a consistent supporter of the president".
//!
//! The other actor (the relatum) is the object of "of" after the noun, or the name or
//! possessive right before it ("a Trump critic", "Trump's rival", "his rival"); the
//! described actor stands in apposition before the noun phrase ("X, a critic of Y"), is the
//! subject of a copula ("X has been a critic of Y"), or follows the noun as a title or
//! apposition ("Trump critic Adam Kinzinger", "his rival, former Vice President Joe
//! Biden"), with the names coordinated to it.

use std::ops::Range;

use stancegraph_core::{ActorRef, EntityType, Polarity, Span, Target};

use crate::extract::findings::Findings;
use crate::extract::view::{Actor, Tok, View};
use crate::extract::Extractor;

/// Raw confidence of a role reading (the trigger source's calibration maps it).
const ROLE_CONFIDENCE: f32 = 0.8;
/// Modifiers skipped between the determiner and the noun ("a frequent, outspoken").
const MAX_MODIFIERS: usize = 3;
/// Title words skipped between the noun and a name it introduces ("former Vice President").
const MAX_TITLE_WORDS: usize = 4;

/// What a role noun says about the described actor (X) and the relatum (Y).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// X opposes Y ("critic").
    Critic,
    /// X supports Y ("supporter").
    Supporter,
    /// X and Y oppose each other ("rival").
    Rival,
    /// X and Y support each other ("ally").
    Ally,
    /// Y supports X ("appointee", "appointed by").
    Appointee,
}

impl Role {
    /// The role of a noun (singular or plural).
    fn of_noun(lower: &str) -> Option<Role> {
        let role = match lower {
            "critic" | "critics" | "detractor" | "detractors" => Role::Critic,
            "supporter" | "supporters" | "backer" | "backers" | "loyalist" | "loyalists"
            | "defender" | "defenders" | "admirer" | "admirers" => Role::Supporter,
            "rival" | "rivals" | "archrival" | "archrivals" | "opponent" | "opponents" | "foe"
            | "foes" | "adversary" | "adversaries" | "nemesis" => Role::Rival,
            "ally" | "allies" | "confidant" | "confidants" | "confidante" | "confidantes" => {
                Role::Ally
            }
            // Not "nominee": mostly awards ("Oscar nominee Alan Alda").
            "appointee" | "appointees" | "protege" | "protégé" => Role::Appointee,
            _ => return None,
        };
        Some(role)
    }

    /// (holder is X, polarity) readings: X → Y, Y → X, or both.
    fn readings(self) -> &'static [(bool, Polarity)] {
        match self {
            Role::Critic => &[(true, Polarity::Oppose)],
            Role::Supporter => &[(true, Polarity::Support)],
            Role::Rival => &[(true, Polarity::Oppose), (false, Polarity::Oppose)],
            Role::Ally => &[(true, Polarity::Support), (false, Polarity::Support)],
            Role::Appointee => &[(false, Polarity::Support)],
        }
    }

    /// Whether a "former" role says nothing about today ("a former ally").
    fn lapses(self) -> bool {
        matches!(self, Role::Supporter | Role::Ally)
    }
}

/// One role noun read in a segment: the noun, the relatum and the described actors.
struct RoleReading<'v> {
    role: Role,
    noun: Span,
    relatum: &'v Actor,
    described: Vec<&'v Actor>,
}

impl Extractor {
    /// Stances of role nouns ("a critic of", "appointee", "appointed by") in segment
    /// `segment`; a pair an earlier rule read in the segment keeps that reading.
    pub(crate) fn role_rules(&self, view: &View<'_>, segment: usize, findings: &mut Findings) {
        let range = view.sentence_range(segment);
        let evidence = view.sentence_span(segment);
        for i in range.clone() {
            let Some(reading) = read_role(view, &range, i) else {
                continue;
            };
            for x in &reading.described {
                if x.entity == reading.relatum.entity {
                    continue;
                }
                for &(x_holds, polarity) in reading.role.readings() {
                    let (holder, target) = if x_holds {
                        (*x, reading.relatum)
                    } else {
                        (reading.relatum, *x)
                    };
                    let holder = ActorRef::Entity {
                        id: holder.entity.clone(),
                    };
                    let target = Target::Actor {
                        id: target.entity.clone(),
                    };
                    if findings.has_pair(segment, &holder, &target) {
                        continue;
                    }
                    let stance = self.stance(
                        holder,
                        target,
                        polarity,
                        evidence,
                        Some(reading.noun),
                        ROLE_CONFIDENCE,
                    );
                    findings.push_stance(stance, segment);
                }
            }
        }
    }
}

/// The role reading of token `i`, when it is a role noun (or "appointed by") with a
/// relatum and at least one described actor inside `range`.
fn read_role<'v>(view: &'v View<'_>, range: &Range<usize>, i: usize) -> Option<RoleReading<'v>> {
    let tok = view.tokens.get(i)?;
    if tok.actor.is_some() {
        return None;
    }
    // "X, (who was) appointed by Y" / "nominated by Y".
    if matches!(tok.lower.as_str(), "appointed" | "nominated")
        && word(view, i + 1) == Some("by")
        && i + 2 < range.end
    {
        let relatum = name_from(view, i + 2, range)?;
        let described = described_before_participle(view, range, i)?;
        return Some(RoleReading {
            role: Role::Appointee,
            noun: tok.span,
            relatum,
            described: vec![described],
        });
    }
    let role = Role::of_noun(&tok.lower)?;
    if !tok.is_noun() {
        return None;
    }
    // The relatum: "of (the) Y" after the noun, else Y's / his / a Y-modifier before it.
    let (relatum, phrase_end) = match relatum_after(view, range, i) {
        Some((actor, end)) => (actor, end),
        None => (relatum_before(view, range, i)?, i + 1),
    };
    if relatum.is_adjectival_group() {
        return None;
    }
    let start = phrase_start(view, range, i, relatum);
    if role.lapses()
        && (start..i).any(|k| matches!(word(view, k), Some("former" | "onetime" | "ex")))
    {
        return None;
    }
    let described = match described_before(view, range, start) {
        Some(x) => vec![x],
        None => described_after(view, range, phrase_end),
    };
    if described.is_empty() {
        return None;
    }
    Some(RoleReading {
        role,
        noun: tok.span,
        relatum,
        described,
    })
}

/// The actor whose mention ends at token `end` and starts inside `range`.
fn actor_ending_at<'v>(view: &'v View<'_>, range: &Range<usize>, end: usize) -> Option<&'v Actor> {
    view.actor_at(end)
        .filter(|a| a.last == end && a.first >= range.start)
}

/// The lower-cased word at token `i`.
fn word<'v>(view: &'v View<'_>, i: usize) -> Option<&'v str> {
    view.tokens.get(i).map(|t| t.lower.as_str())
}

/// The actor named from token `i` on (inside `range`), across a determiner and up to
/// [`MAX_TITLE_WORDS`] title words: "the president", "then-President Viktor Yanukovych",
/// and the person after a party, nationality or country that modifies them ("Democrat Joe
/// Biden", "Republican President George W. Bush").
fn name_from<'v>(view: &'v View<'_>, i: usize, range: &Range<usize>) -> Option<&'v Actor> {
    let mut k = i;
    if matches!(word(view, k), Some("the" | "a" | "an")) {
        k += 1;
    }
    let mut titles = 0;
    while k < range.end {
        let tok = view.tokens.get(k)?;
        if let Some(index) = tok.actor {
            let actor = view.actors.get(index)?;
            if actor.first != k || actor.last >= range.end {
                return None;
            }
            return match view.person_after_modifier(index, range.end) {
                Some(person) => view.actors.get(person),
                None => Some(actor),
            };
        }
        let hyphen = titles > 0 && matches!(tok.lower.as_str(), "-" | "–");
        if !(is_title_word(tok) || hyphen) || titles >= MAX_TITLE_WORDS {
            return None;
        }
        titles += 1;
        k += 1;
    }
    None
}

/// A word of a title before a name: capitalised ("Vice", "President", "Sen.") or
/// "former", "then", "acting", "late".
fn is_title_word(tok: &Tok<'_>) -> bool {
    tok.actor.is_none()
        && (tok.text.chars().next().is_some_and(char::is_uppercase)
            || matches!(tok.lower.as_str(), "former" | "then" | "acting" | "late")
            || tok.lower.starts_with("then-"))
}

/// "critic of (the) Y": Y and the token after it.
fn relatum_after<'v>(
    view: &'v View<'_>,
    range: &Range<usize>,
    noun: usize,
) -> Option<(&'v Actor, usize)> {
    if word(view, noun + 1) != Some("of") {
        return None;
    }
    let actor = name_from(view, noun + 2, range)?;
    let mut end = actor.last + 1;
    // "a frequent critic of Trump's": the possessive ends the phrase.
    if matches!(word(view, end), Some("'s" | "’s" | "'")) {
        end += 1;
    }
    Some((actor, end))
}

/// "a Trump critic", "Trump's rival", "his rival", "a Clinton ally": the actor just
/// before the noun, across at most [`MAX_MODIFIERS`] adjectives or adverbs.
fn relatum_before<'v>(view: &'v View<'_>, range: &Range<usize>, noun: usize) -> Option<&'v Actor> {
    let mut k = noun;
    let mut skipped = 0;
    while k > range.start {
        k -= 1;
        let tok = view.tokens.get(k)?;
        if let Some(actor) = view.actor_at(k) {
            if actor.last != k || actor.first < range.start {
                return None;
            }
            // A "Democratic" rival names no one (a party word before the noun is an
            // adjective); keep looking past it.
            if actor.entity_type == EntityType::Norp && skipped < MAX_MODIFIERS {
                skipped += 1;
                k = actor.first;
                continue;
            }
            // A place before the noun is where the rival comes from ("Belgium rival Kim
            // Gevaert"), unless possessive ("China's rival").
            let place = !matches!(actor.entity_type, EntityType::Per | EntityType::Org);
            return (!place || actor.possessive).then_some(actor);
        }
        if matches!(tok.lower.as_str(), "'s" | "’s" | "'") {
            continue;
        }
        if skipped < MAX_MODIFIERS && matches!(tok.upos, Some("ADJ" | "ADV")) {
            skipped += 1;
            continue;
        }
        return None;
    }
    None
}

/// The first token of the noun phrase around role noun `noun`: back over the modifiers,
/// the relatum before it and one determiner.
fn phrase_start(view: &View<'_>, range: &Range<usize>, noun: usize, relatum: &Actor) -> usize {
    let mut k = noun;
    if relatum.last < noun {
        k = relatum.first;
    }
    while k > range.start {
        let Some(tok) = view.tokens.get(k - 1) else {
            break;
        };
        let modifier =
            tok.actor.is_none() && matches!(tok.upos, Some("ADJ" | "ADV" | "DET" | "NUM"));
        let adjectival = view
            .actor_at(k - 1)
            .is_some_and(|a| a.is_adjectival_group());
        if !(modifier || adjectival) {
            break;
        }
        k -= 1;
        if matches!(tok.lower.as_str(), "a" | "an" | "the") {
            break;
        }
    }
    k
}

/// The described actor before the phrase starting at `start`: "X, a critic …" (apposition)
/// or "X is / has been / remains a critic …" (copula).
fn described_before<'v>(
    view: &'v View<'_>,
    range: &Range<usize>,
    start: usize,
) -> Option<&'v Actor> {
    let mut k = start.checked_sub(1)?;
    if k < range.start {
        return None;
    }
    match word(view, k)? {
        "," | "-" | "—" | "–" => {}
        // "Democrats and other critics of the president".
        "and" if word(view, start) == Some("other") => {}
        "is" | "was" | "are" | "were" | "been" | "became" | "becomes" | "remains" | "remained" => {
            // "X has long been": auxiliaries and adverbs before the copula.
            while k > range.start {
                let prev = view.tokens.get(k - 1)?;
                if prev.actor.is_none() && matches!(prev.upos, Some("AUX" | "ADV")) {
                    k -= 1;
                } else {
                    break;
                }
            }
        }
        _ => return None,
    }
    let mut end = k.checked_sub(1)?;
    if end < range.start {
        return None;
    }
    // "Rep. Adam Kinzinger, R-Ill., a frequent critic": past the party and state.
    if let Some(before_tag) = party_tag_ending_at(view, range, end) {
        end = before_tag;
    }
    if let Some(actor) = actor_ending_at(view, range, end).filter(|a| !a.of_object) {
        return Some(actor);
    }
    // "Ted Lieu of California, a frequent Trump critic": the actor the "of" phrase
    // (a place or an actor) qualifies.
    let mut of = end;
    while of > range.start && word(view, of) != Some("of") {
        let tok = view.tokens.get(of)?;
        if tok.actor.is_none() && tok.place.is_none() && !is_title_word(tok) {
            return None;
        }
        of -= 1;
        if end - of > MAX_TITLE_WORDS {
            return None;
        }
    }
    let owner = of.checked_sub(1)?;
    if owner < range.start || word(view, of) != Some("of") {
        return None;
    }
    actor_ending_at(view, range, owner).filter(|a| !a.of_object)
}

/// Longest party and state tag between commas ("R-Ill.", "(D-N.Y.)").
const MAX_PARTY_TAG_TOKENS: usize = 6;

/// When the tokens up to `end` are a congressional party and state tag after a comma
/// ("Kinzinger, R-Ill."), the token before that comma.
fn party_tag_ending_at(view: &View<'_>, range: &Range<usize>, end: usize) -> Option<usize> {
    let mut comma = end;
    while word(view, comma)? != "," {
        if comma <= range.start || end - comma >= MAX_PARTY_TAG_TOKENS {
            return None;
        }
        comma -= 1;
    }
    let tag: String = (comma + 1..=end)
        .filter_map(|i| view.tokens.get(i).map(|t| t.text))
        .collect();
    (stancegraph_entities::is_party_state_tag(&tag) && comma > range.start).then(|| comma - 1)
}

/// "Judge Elrod, (who was) appointed by …": the actor before the participle.
fn described_before_participle<'v>(
    view: &'v View<'_>,
    range: &Range<usize>,
    participle: usize,
) -> Option<&'v Actor> {
    let mut k = participle;
    while k > range.start
        && matches!(
            word(view, k - 1),
            Some("who" | "was" | "were" | "is" | "had" | "been")
        )
    {
        k -= 1;
    }
    if k <= range.start || word(view, k - 1) != Some(",") {
        return None;
    }
    actor_ending_at(view, range, k.checked_sub(2)?)
}

/// "Trump critic Adam Kinzinger", "his rival, former Vice President Joe Biden", "Trump
/// appointees Neil Gorsuch and Brett Kavanaugh": the name right after the phrase ending at
/// `end` (after one comma or dash at most, see [`name_from`]), with the names coordinated
/// to it.
fn described_after<'v>(view: &'v View<'_>, range: &Range<usize>, end: usize) -> Vec<&'v Actor> {
    let start = if matches!(word(view, end), Some("," | "-" | "—" | "–")) {
        end + 1
    } else {
        end
    };
    let Some(first) = name_from(view, start, range) else {
        return Vec::new();
    };
    let mut described = vec![first];
    // "Neil Gorsuch and Brett Kavanaugh", "A, B and C".
    let mut k = first.last + 1;
    while k + 1 < range.end {
        let joiner = match word(view, k) {
            Some("and") => 1,
            Some(",") if word(view, k + 1) == Some("and") => 2,
            Some(",") => 1,
            _ => break,
        };
        let Some(next) = view
            .actor_at(k + joiner)
            .filter(|a| a.first == k + joiner && a.last < range.end)
        else {
            break;
        };
        described.push(next);
        k = next.last + 1;
    }
    described
}

#[cfg(test)]
mod tests {
    use stancegraph_core::Polarity;

    use crate::test_support::{named, opposes, pipeline_document, rule_findings};

    fn role_stances(text: &str) -> Vec<(String, Polarity, String)> {
        let doc = pipeline_document(text);
        let found = rule_findings(&doc, |x, view, out| {
            for segment in 0..view.segments.len() {
                x.role_rules(view, segment, out);
            }
        });
        named(&doc, &found.stances)
    }

    fn supports(found: &[(String, Polarity, String)], holder: &str, target: &str) -> bool {
        found
            .iter()
            .any(|(h, p, t)| h == holder && *p == Polarity::Support && t == target)
    }

    #[test]
    fn a_critic_in_apposition_opposes_whom_they_criticise() {
        let found = role_stances(
            "Rep. Adam Kinzinger, a frequent critic of Donald Trump, tweeted on Monday. He said nothing else.",
        );
        assert!(
            opposes(&found, "Adam Kinzinger", "Donald Trump"),
            "{found:?}"
        );
        assert_eq!(found.len(), 1, "{found:?}");
    }

    #[test]
    fn a_party_and_state_tag_between_name_and_role_is_read_past() {
        let found = role_stances(
            "Rep. Adam Kinzinger, R-Ill., a frequent critic of Donald Trump, tweeted on Monday. He said nothing else.",
        );
        assert!(
            opposes(&found, "Adam Kinzinger", "Donald Trump"),
            "{found:?}"
        );
    }

    #[test]
    fn appointees_named_after_the_noun_are_supported_by_who_appointed_them() {
        let found = role_stances(
            "Donald Trump appointed many judges. Trump appointees Neil Gorsuch and Brett Kavanaugh were confirmed by the Senate.",
        );
        assert!(
            supports(&found, "Donald Trump", "Neil Gorsuch"),
            "{found:?}"
        );
        assert!(
            supports(&found, "Donald Trump", "Brett Kavanaugh"),
            "{found:?}"
        );
    }

    #[test]
    fn appointed_by_gives_the_appointer_a_stance() {
        let found = role_stances(
            "Judge Michael Barrett, appointed by George W. Bush in 2006, issued an injunction. The state appealed.",
        );
        assert!(
            supports(&found, "George W. Bush", "Michael Barrett"),
            "{found:?}"
        );
    }

    #[test]
    fn rivals_oppose_each_other() {
        let found = role_stances(
            "Donald Trump asked Ukraine to investigate his political rival, former Vice President Joe Biden. The call was made in July.",
        );
        assert!(opposes(&found, "Donald Trump", "Joe Biden"), "{found:?}");
        assert!(opposes(&found, "Joe Biden", "Donald Trump"), "{found:?}");
    }

    #[test]
    fn a_copula_describes_its_subject() {
        let found = role_stances(
            "Fox News has been a consistent supporter of Donald Trump. He often cites it.",
        );
        assert!(supports(&found, "Fox News", "Donald Trump"), "{found:?}");
    }

    #[test]
    fn titles_and_a_qualifying_place_are_read_past() {
        let found = role_stances(
            "Donald Trump spoke on Monday. Democratic Rep. Ted Lieu of California, a frequent Trump critic, wrote that the decision was corrupt.",
        );
        assert!(opposes(&found, "Ted Lieu", "Donald Trump"), "{found:?}");
        let found = role_stances(
            "Judge Jennifer Elrod, who was appointed by Republican President George W. Bush, asked during the hearing. The lawyers answered.",
        );
        assert_eq!(
            found,
            [(
                "George W. Bush".to_string(),
                Polarity::Support,
                "Jennifer Elrod".to_string()
            )]
        );
        let found = role_stances(
            "The case against Yulia Tymoshenko was pushed by her rival, then-President Viktor Yanukovych. She was jailed.",
        );
        assert!(
            opposes(&found, "Viktor Yanukovych", "Yulia Tymoshenko"),
            "{found:?}"
        );
    }

    #[test]
    fn a_place_before_the_noun_is_no_relatum_and_award_nominees_no_appointees() {
        let found = role_stances(
            "The race was won by Christine Arron while Belgium rival Kim Gevaert was second. Oscar nominee Alan Alda spoke at the funeral.",
        );
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn a_former_ally_and_a_role_without_its_other_side_give_nothing() {
        let found = role_stances(
            "Michael Cohen, a former ally of Donald Trump, testified on Wednesday. Critics said the hearing was long.",
        );
        assert!(found.is_empty(), "{found:?}");
    }
}
