//! One two- or three-sentence document per speaker rule, through the default pipeline's
//! text and entity stages, then this crate's `Attributor` (paragraphs are body blocks, as
//! ingest makes them).
use stancegraph_core::{
    ActorRef, Block, BlockKind, CueClass, Document, Gender, Metadata, QuoteKind, Span,
};
use stancegraph_quotes::Attributor;
use stancegraph_testkit::{annotate_until, data_dir};

fn analyse(text: &str) -> Document {
    let mut doc = Document::new(None, text.to_string(), Metadata::default());
    let mut at = 0;
    for paragraph in text.split_inclusive('\n') {
        let trimmed = paragraph.trim_end();
        if !trimmed.trim().is_empty() {
            doc.blocks.push(Block {
                span: Span::new(at, at + trimmed.len()),
                kind: BlockKind::Body,
                reason: String::new(),
                stage: "test".into(),
                confidence: 1.0,
            });
        }
        at += paragraph.len();
    }
    annotate_until(&mut doc, "entities.resolve");
    Attributor::load(&data_dir())
        .expect("quotes model")
        .annotate(&mut doc)
        .expect("quotes");
    doc
}

/// The canonical name (entity), description (anonymous) or text (unresolved) of the
/// speaker of the quote containing `words`.
fn speaker_of(doc: &Document, words: &str) -> Option<String> {
    let at = doc.text().find(words)?;
    let quote = doc
        .quotes
        .iter()
        .find(|q| q.content.start <= at && at < q.content.end)?;
    Some(match &quote.speaker {
        ActorRef::Entity { id } => doc.entities.iter().find(|e| &e.id == id)?.canonical.clone(),
        ActorRef::Anonymous { description } => format!("anonymous: {description}"),
        ActorRef::Unresolved { text } => format!("unresolved: {text}"),
    })
}

fn class_of(doc: &Document, words: &str) -> Option<CueClass> {
    let at = doc.text().find(words)?;
    doc.quotes
        .iter()
        .find(|q| q.content.start <= at && at < q.content.end)
        .map(|q| q.class)
}

#[test]
fn pronoun_speaker_agrees_in_gender_and_skips_names_inside_quotes() {
    let text = "Cindy Dalglish spoke to the council on Monday.\n\n\
                “I told Doug Smith the rink is too small,” she said.\n";
    let doc = analyse(text);
    assert_eq!(
        speaker_of(&doc, "rink is too small").as_deref(),
        Some("Cindy Dalglish")
    );
    let cindy = doc
        .entities
        .iter()
        .find(|e| e.canonical == "Cindy Dalglish");
    assert_eq!(
        cindy.and_then(|e| e.gender.as_ref()).map(|g| g.gender),
        Some(Gender::Female)
    );
}

#[test]
fn pronoun_speaker_in_a_later_sentence_is_the_last_subject_not_the_nearest_name() {
    let text = "Kevin Vickers said he wants to carry on the legacy of his father.\n\n\
                He said the business, along with a credit union run by his friend, Martin \
                Legere, gave the province a boost.\n\n\
                “They brought a lot of jobs,” he said.\n";
    let doc = analyse(text);
    assert_eq!(
        speaker_of(&doc, "a lot of jobs").as_deref(),
        Some("Kevin Vickers")
    );
}

#[test]
fn cue_after_the_closing_mark() {
    let text = "Security experts studied the attack.\n\n“We believe it is the same group,” he confirmed.\n";
    let doc = analyse(text);
    let quote = doc
        .quotes
        .iter()
        .find(|q| doc.slice(q.content).contains("same group"));
    let quote = quote.expect("the quoted paragraph is a quote");
    assert_eq!(quote.cue.map(|c| doc.slice(c)), Some("confirmed"));
    assert_eq!(quote.source.map(|s| doc.slice(s)), Some("he"));
}

#[test]
fn title_speaker_resolves_to_the_role_holder() {
    let text = "Mayor Doug McCallum opened the meeting on Monday.\n\n\
                “We will build the rink this year,” the mayor told reporters.\n";
    let doc = analyse(text);
    assert_eq!(
        speaker_of(&doc, "build the rink").as_deref(),
        Some("Doug McCallum")
    );
}

#[test]
fn continuation_paragraph_keeps_the_previous_speaker() {
    let text = "“The debt is too high,” Doug McCallum said on Monday.\n\n\
                “We have to cut the projects now.”\n";
    let doc = analyse(text);
    assert_eq!(
        speaker_of(&doc, "cut the projects").as_deref(),
        Some("Doug McCallum")
    );
}

#[test]
fn multi_paragraph_quote_is_one_quote() {
    let text = "Doug McCallum said: “The debt is too high.\n\n\
                “We have to cut the projects now.”\n";
    let doc = analyse(text);
    let quotes: Vec<_> = doc
        .quotes
        .iter()
        .filter(|q| doc.slice(q.content).contains("debt"))
        .collect();
    assert_eq!(quotes.len(), 1);
    assert!(doc.slice(quotes[0].content).contains("cut the projects"));
    assert_eq!(
        speaker_of(&doc, "cut the projects").as_deref(),
        Some("Doug McCallum")
    );
}

#[test]
fn apposition_resolves_to_the_person() {
    let text = "“It was a great game,” said Adam Fatkin, who played in the final.\n";
    let doc = analyse(text);
    assert_eq!(
        speaker_of(&doc, "great game").as_deref(),
        Some("Adam Fatkin")
    );
}

#[test]
fn a_name_and_its_apposition_between_the_mark_and_the_cue_speak() {
    let text = "\"Kim wants to remind the Trump administration that he does have options besides what Washington and Seoul can offer,\" Harry J. Kazianis, director of defence studies at the U.S.-based Centre for the National Interest, said in an e-mailed statement.\n\n\"That should make America quite concerned.\"\n";
    let doc = analyse(text);
    let quote = doc
        .quotes
        .iter()
        .find(|q| doc.slice(q.content).contains("remind"))
        .expect("the quoted paragraph is a quote");
    assert_eq!(quote.cue.map(|c| doc.slice(c)), Some("said"));
    assert_eq!(
        quote.source.map(|s| doc.slice(s)),
        Some("Harry J. Kazianis, director of defence studies at the U.S.-based Centre for the National Interest,")
    );
    assert_eq!(
        speaker_of(&doc, "remind").as_deref(),
        Some("Harry J. Kazianis")
    );
    assert_eq!(
        speaker_of(&doc, "quite concerned").as_deref(),
        Some("Harry J. Kazianis")
    );
}

#[test]
fn a_participle_after_a_comma_speaks_for_the_subject_of_the_clause_before() {
    let text = "Former premier Brian Gallant announced recently that he'll be stepping down as Liberal leader earlier than planned, saying the party needs to move on.\n";
    let doc = analyse(text);
    assert_eq!(
        speaker_of(&doc, "the party needs").as_deref(),
        Some("Brian Gallant")
    );
}

#[test]
fn a_pronoun_speaker_is_not_the_person_its_own_sentence_acts_upon() {
    let text = "David Miller left the meeting early.\n\nAfter the council praised Robert Jones for the grant, he said: \"We will build the school.\"\n";
    let doc = analyse(text);
    assert_eq!(
        speaker_of(&doc, "build the school").as_deref(),
        Some("David Miller")
    );
}

#[test]
fn two_curly_apostrophes_close_a_quote_whose_inverted_subject_is_no_quote() {
    let text = "I met Alfonso Espinos at his shop in Cambridge.\n\n“We print only independent comics and local creators,’’ says the 39-year-old founder of Studiocomix Press, which recently celebrated its first birthday. The shop is also a printer.\n";
    let doc = analyse(text);
    let quotes: Vec<(&str, Option<&str>, Option<&str>)> = doc
        .quotes
        .iter()
        .map(|q| {
            (
                doc.slice(q.content),
                q.cue.map(|c| doc.slice(c)),
                q.source.map(|s| doc.slice(s)),
            )
        })
        .collect();
    assert_eq!(
        quotes,
        vec![(
            "“We print only independent comics and local creators,’’",
            Some("says"),
            Some("the 39-year-old founder of Studiocomix Press")
        )]
    );
}

#[test]
fn a_statement_speaks_for_its_possessor() {
    let text = "Jody Wilson-Raybould was shuffled on Monday.\n\n“The system of justice must be free of interference,” her statement said.\n";
    let doc = analyse(text);
    assert_eq!(
        speaker_of(&doc, "free of interference").as_deref(),
        Some("Jody Wilson-Raybould")
    );
    assert_eq!(
        class_of(&doc, "free of interference"),
        Some(CueClass::Writing)
    );
}

#[test]
fn non_speaker_subject_is_no_speaker() {
    let text = "Recent geopolitical cyber alliances have shown that the region is unstable.\n\n\
                \u{201c}The region is unstable,\u{201d} the alliances have shown.\n";
    let doc = analyse(text);
    let reported = doc
        .quotes
        .iter()
        .find(|q| doc.slice(q.content) == "that the region is unstable")
        .expect("the reported claim is found");
    assert_eq!(
        reported.source.map(|s| doc.slice(s)),
        Some("Recent geopolitical cyber alliances"),
        "kept as written"
    );
    for q in &doc.quotes {
        let from_alliances = q.source.is_some_and(|s| doc.slice(s).contains("alliances"));
        // Reported content keeps its source as written, names nobody and is evidence; a
        // direct quote drops such a source and its cue.
        if from_alliances {
            assert_ne!(q.kind, QuoteKind::Direct, "{q:?}");
            assert!(matches!(q.speaker, ActorRef::Unresolved { .. }), "{q:?}");
            assert_eq!(q.class, CueClass::PerceptionOrEvidence, "{q:?}");
        }
    }
}

#[test]
fn cue_classes() {
    let text = "The minister said that taxes will rise.\n\n\
                The minister wrote on Twitter that the budget is ready.\n\n\
                Officials believe that voters will agree.\n\n\
                A new study shows that prices fell.\n";
    let doc = analyse(text);
    assert_eq!(class_of(&doc, "taxes will rise"), Some(CueClass::Speech));
    assert_eq!(class_of(&doc, "budget is ready"), Some(CueClass::Writing));
    assert_eq!(class_of(&doc, "voters will agree"), Some(CueClass::Belief));
    assert_eq!(
        class_of(&doc, "prices fell"),
        Some(CueClass::PerceptionOrEvidence)
    );
}

#[test]
fn pronoun_flood_and_verbless_quotes_scale_linearly() {
    // Models loaded and pipeline built before timing.
    analyse("x");
    let time = |text: String| {
        let start = std::time::Instant::now();
        analyse(&text);
        start.elapsed().as_secs_f64()
    };
    let pronouns = |n: usize| "he and she and they and it. ".repeat(n / 4);
    let paragraphs = |n: usize| "“Nothing to add here.”\n\n".repeat(n);
    for (small, large) in [
        (time(pronouns(500)), time(pronouns(2000))),
        (time(paragraphs(125)), time(paragraphs(500))),
    ] {
        // Four times the input: linear is ~4x; quadratic would be ~16x.
        assert!(large < small * 10.0 + 0.5, "{small:.3}s -> {large:.3}s");
    }
}

/// The quote containing `words`: (content, cue, source) as text.
fn parts_of(doc: &Document, words: &str) -> Option<(String, String, String)> {
    let at = doc.text().find(words)?;
    let quote = doc
        .quotes
        .iter()
        .find(|q| q.content.start <= at && at < q.content.end)?;
    let slice = |s: Option<Span>| s.map(|s| doc.slice(s).to_string()).unwrap_or_default();
    Some((
        slice(Some(quote.content)),
        slice(quote.cue),
        slice(quote.source),
    ))
}

#[test]
fn a_transcript_label_naming_a_person_is_the_speaker() {
    let text = "Chris Wallace interviewed Mike Pence on Sunday.\n\n\
                WALLACE: Will Gennifer Flowers be at the debate tomorrow night?\n\n\
                UPDATE: The debate starts at nine.\n";
    let doc = analyse(text);
    assert_eq!(
        parts_of(&doc, "Gennifer Flowers be"),
        Some((
            "Will Gennifer Flowers be at the debate tomorrow night?".to_string(),
            ":".to_string(),
            "WALLACE".to_string()
        ))
    );
    assert_eq!(
        speaker_of(&doc, "Gennifer Flowers be").as_deref(),
        Some("Chris Wallace")
    );
    // A label that names nobody of the document is not a speaker.
    assert!(
        parts_of(&doc, "starts at nine").is_none_or(|(_, cue, _)| cue != ":"),
        "{:?}",
        doc.quotes
    );
}

#[test]
fn a_labelled_headline_leaves_the_title_line_s_full_stop_out() {
    let text = "Pence: Gennifer Flowers Won't Be at Debate.\n\n\
                Chris Wallace interviewed Mike Pence on Sunday.\n\n\
                PENCE: Gennifer Flowers will not be attending the debate.\n";
    let doc = analyse(text);
    assert_eq!(
        parts_of(&doc, "Won't Be")
            .map(|(content, ..)| content)
            .as_deref(),
        Some("Gennifer Flowers Won't Be at Debate"),
        "{:?}",
        doc.quotes
    );
    // A transcript turn further down keeps the speaker's own full stop.
    assert_eq!(
        parts_of(&doc, "not be attending")
            .map(|(content, ..)| content)
            .as_deref(),
        Some("Gennifer Flowers will not be attending the debate.")
    );
}

#[test]
fn a_quotation_signed_with_a_dash_is_its_signers() {
    let text = "Readers shared their views on the debate.\n\n\
                \u{201c}He represents our greatest shame.\u{201d} \u{2015} Sonya Herridge\n";
    let doc = analyse(text);
    assert_eq!(
        parts_of(&doc, "greatest shame"),
        Some((
            "\u{201c}He represents our greatest shame.\u{201d}".to_string(),
            "\u{2015}".to_string(),
            "Sonya Herridge".to_string()
        ))
    );
}

#[test]
fn a_wire_dateline_is_neither_the_source_nor_an_actor() {
    let text = "LONDON (Reuters) - British Prime Minister Theresa May said on Monday she would meet European Union leaders.\n\n\
                WASHINGTON (AP) — Rep. Nancy Pelosi, D-Calif., called the plan reckless.\n";
    let doc = analyse(text);
    assert_eq!(
        speaker_of(&doc, "she would meet").as_deref(),
        Some("Theresa May"),
        "{:?}",
        doc.quotes
    );
    let names: Vec<&str> = doc.entities.iter().map(|e| e.canonical.as_str()).collect();
    for no_actor in [
        "Reuters",
        "Associated Press",
        "AP",
        "LONDON",
        "WASHINGTON",
        "Calif",
    ] {
        assert!(!names.iter().any(|n| n.contains(no_actor)), "{names:?}");
    }
    assert!(names.contains(&"Nancy Pelosi"), "{names:?}");
}

#[test]
fn a_subheading_that_repeats_a_body_quote_is_no_quote() {
    let doc = analyse(
        "The mayor spoke first.\n'Just listen to us'\nAsked what he would tell the mayor, Dennis Brooks said: 'Just listen. Just listen to us. We're people.'\n",
    );
    let contents: Vec<&str> = doc.quotes.iter().map(|q| doc.slice(q.content)).collect();
    assert!(!contents.contains(&"'Just listen to us'"), "{contents:?}");
    assert_eq!(
        speaker_of(&doc, "We're people").as_deref(),
        Some("Dennis Brooks")
    );
}

#[test]
fn a_quoted_line_the_body_does_not_repeat_stays_a_quote() {
    let doc =
        analyse("Dennis Brooks spoke to the mayor.\n'Just listen to us'\nThe mayor left early.\n");
    let contents: Vec<&str> = doc.quotes.iter().map(|q| doc.slice(q.content)).collect();
    assert!(contents.contains(&"'Just listen to us'"), "{contents:?}");
}
