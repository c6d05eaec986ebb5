//! Unit tests of the speaker rules on short documents through the real text and entity
//! stages (whole-chain tests of the same rules are in tests/speakers.rs).

use super::*;
use crate::marks::find_quotes;
use crate::rules::test_docs::{analysed, cue_lexicon, token, words};

/// The outer span of the first quoted region.
fn first_region(doc: &Document) -> QuoteRegion {
    find_quotes(doc.text())
        .into_iter()
        .next()
        .expect("a quoted region")
}

#[test]
fn cue_after_the_closing_mark_else_before_the_opening_one() {
    let (Some(doc), Some(lexicon)) = (
        analysed("“Taxes will rise,” the minister said. Nobody agreed."),
        cue_lexicon(),
    ) else {
        return;
    };
    let cue = region_cue(&doc, &lexicon, &first_region(&doc)).expect("cue");
    assert_eq!(doc.slice(doc.tokens[cue].span), "said");
    let Some(before) = analysed("Nobody agreed. The minister said: “Taxes will rise.”") else {
        return;
    };
    let cue = region_cue(&before, &lexicon, &first_region(&before)).expect("cue");
    assert_eq!(before.slice(before.tokens[cue].span), "said");
    let Some(none) = analysed("“Taxes will rise.” The minister ate lunch.") else {
        return;
    };
    assert_eq!(region_cue(&none, &lexicon, &first_region(&none)), None);
}

#[test]
fn a_cue_behind_a_name_and_its_apposition_is_the_quote_s_cue() {
    let (Some(doc), Some(lexicon)) = (
        analysed("“Taxes will rise,” Wendy Cutler, vice-president of the Asia Society Policy Institute and a former trade negotiator, said in a statement. Nobody agreed."),
        cue_lexicon(),
    ) else {
        return;
    };
    let cue = region_cue(&doc, &lexicon, &first_region(&doc)).expect("cue");
    assert_eq!(doc.slice(doc.tokens[cue].span), "said");
    // After a full stop the name opens a sentence of its own.
    let Some(stop) = analysed("“Taxes will rise.” Wendy Cutler, vice-president of the Asia Society Policy Institute and a former trade negotiator, said nothing more.") else {
        return;
    };
    assert_eq!(region_cue(&stop, &lexicon, &first_region(&stop)), None);
}

#[test]
fn name_touching_an_inverted_cue_is_the_source() {
    let Some(doc) = analysed("“Not today,” quipped Wendy Cutler. Nobody laughed.") else {
        return;
    };
    let region = first_region(&doc);
    let cue = token(&doc, "quipped");
    let source = adjacent_name(&doc, cue, region.outer()).expect("name beside the cue");
    assert_eq!(words(&doc, source), "Wendy Cutler");
}

#[test]
fn words_between_the_mark_and_the_cue_are_the_source_as_written() {
    let Some(doc) = analysed("“Come back soon,” the affable proprietor says. We will.") else {
        return;
    };
    let region = first_region(&doc);
    let cue = token(&doc, "says");
    let source = phrase_beside(&doc, cue, region.outer()).expect("phrase");
    assert_eq!(words(&doc, source), "the affable proprietor");
}

#[test]
fn an_inverted_subject_is_a_noun_phrase_not_a_clause() {
    let Some(doc) = analysed("“Come back soon,” said the bow-tied maverick, smiling. We will.")
    else {
        return;
    };
    let region = first_region(&doc);
    let source = phrase_beside(&doc, token(&doc, "said"), region.outer()).expect("phrase");
    assert_eq!(words(&doc, source), "the bow-tied maverick");
    let Some(clause) =
        analysed("Gallagher spoke on “Fox & Friends,” alleged the Navy was acting in retaliation.")
    else {
        return;
    };
    let region = first_region(&clause);
    assert_eq!(
        phrase_beside(&clause, token(&clause, "alleged"), region.outer()),
        None
    );
}

#[test]
fn words_that_cannot_speak_are_no_source() {
    let Some(doc) = analysed("The alliances said nothing. The mayor said little.") else {
        return;
    };
    let alliances = token(&doc, "alliances");
    assert!(is_non_speaker(&doc, (alliances - 1, alliances)));
    let mayor = token(&doc, "mayor");
    assert!(!is_non_speaker(&doc, (mayor - 1, mayor)));
}

#[test]
fn nouns_of_people_by_their_ending_can_speak() {
    let Some(doc) =
        analysed("The New York businessman says little. The economists said more. The omen said.")
    else {
        return;
    };
    for noun in ["businessman", "economists"] {
        let at = token(&doc, noun);
        assert!(!is_non_speaker(&doc, (at - 1, at)), "{noun}");
    }
    let omen = token(&doc, "omen");
    assert!(is_non_speaker(&doc, (omen - 1, omen)));
}

#[test]
fn texts_that_hold_words_can_be_sources_other_things_cannot() {
    let Some(doc) =
        analysed("“Nobody knew,” the book said. Geopolitical alliances have shown the way.")
    else {
        return;
    };
    let book = token(&doc, "book");
    assert!(!is_non_speaker(&doc, (book - 1, book)), "the book");
    let alliances = token(&doc, "alliances");
    assert!(is_non_speaker(&doc, (alliances - 1, alliances)));
    let Some(ruling) = analysed("“Enough,” said the ruling. The statement said more.") else {
        return;
    };
    for noun in ["ruling", "statement"] {
        let at = token(&ruling, noun);
        assert!(!is_non_speaker(&ruling, (at - 1, at)), "{noun}");
    }
}

#[test]
fn a_cue_before_a_colon_introduces_the_next_quote() {
    let (Some(doc), Some(lexicon)) = (
        analysed("“Prices rose.” Caddell continued: “Then they fell.”"),
        cue_lexicon(),
    ) else {
        return;
    };
    let regions = find_quotes(doc.text());
    assert_eq!(region_cue(&doc, &lexicon, &regions[0]), None);
    let cue = region_cue(&doc, &lexicon, &regions[1]).expect("the second quote's cue");
    assert_eq!(doc.slice(doc.tokens[cue].span), "continued");
}

/// A quote of `doc` whose source is the token `source` and whose content is `content`.
fn pronoun_quote(doc: &Document, source: usize, content: Span) -> Quote {
    Quote {
        id: String::new(),
        content,
        cue: None,
        source: Some(doc.tokens[source].span),
        speaker: ActorRef::Unresolved { text: "he".into() },
        kind: QuoteKind::Indirect,
        class: CueClass::Speech,
        stage: "test".into(),
        confidence: 1.0,
    }
}

#[test]
fn a_person_acted_upon_before_the_main_clause_is_the_pronoun_s_last_resort() {
    let Some(mut doc) = analysed(
        "David Miller left early. After the council praised Robert Jones, he said the school will open.",
    ) else {
        return;
    };
    // The parse as the preset's parser gives it: "Robert Jones" the object of "praised",
    // "he" the subject of the root "said".
    let (praised, robert, said) = (
        token(&doc, "praised"),
        token(&doc, "Robert"),
        token(&doc, "said"),
    );
    let he = token(&doc, "he");
    doc.tokens[robert].deprel = Some("obj".into());
    doc.tokens[robert].head = Some(praised as u32);
    doc.tokens[he].deprel = Some("nsubj".into());
    doc.tokens[he].head = Some(said as u32);
    doc.tokens[said].deprel = Some("root".into());
    doc.tokens[said].head = None;
    let content = Span::new(doc.tokens[said + 1].span.start, doc.text().len() - 1);
    let mut quotes = vec![pronoun_quote(&doc, he, content)];
    resolve_pronouns(&doc, &[], &mut quotes);
    let miller = doc
        .entities
        .iter()
        .find(|e| e.canonical == "David Miller")
        .expect("Miller");
    assert_eq!(
        quotes[0].speaker,
        ActorRef::Entity {
            id: miller.id.clone()
        }
    );
    // In a clause of its own ("… when he said") the pronoun may well be that person.
    doc.tokens[said].deprel = Some("advcl".into());
    doc.tokens[said].head = Some(praised as u32);
    let mut quotes = vec![pronoun_quote(&doc, he, content)];
    resolve_pronouns(&doc, &[], &mut quotes);
    let jones = doc
        .entities
        .iter()
        .find(|e| e.canonical == "Robert Jones")
        .expect("Jones");
    assert_eq!(
        quotes[0].speaker,
        ActorRef::Entity {
            id: jones.id.clone()
        }
    );
}
