//! Unit tests of the SEESAW readers, matching and pair examples.

use super::*;

#[test]
fn names_match_by_last_name_and_subsequence() {
    assert!(names_match("Obama", "Barack Obama"));
    assert!(names_match("President Barack Obama", "Barack Obama"));
    assert!(names_match("Republicans", "Republican Party"));
    assert!(names_match("Democrats", "Democratic Party"));
    assert!(names_match("Democrat", "Democratic Party"));
    assert!(!names_match("Democrats", "Republican Party"));
    assert!(!names_match("Michelle Obama", "Barack Obama"));
    assert!(!names_match("Senate", "Barack Obama"));
}

#[test]
fn names_match_without_middle_initials_and_suffixes_and_with_familiar_first_names() {
    assert!(names_match("Bennie G. Thompson", "Bennie Thompson"));
    assert!(names_match("Christopher Wray", "Christopher A. Wray"));
    assert!(!names_match("George W. Bush", "George H. W. Bush"));
    assert!(!names_match("Bennie G. Thompson", "Bennie Johnson"));
    assert!(names_match("Joseph R. Biden", "Joe Biden"));
    assert!(names_match("James Clyburn", "Jim Clyburn"));
    assert!(names_match("William B. Taylor Jr.", "Bill Taylor"));
    assert!(!names_match("Hunter Biden", "Joe Biden"));
    assert!(names_match("Volodymyr Zelensky", "Volodymyr Zelenskyy"));
    assert!(names_match("Thomas Modley", "Thomas Modly"));
    assert!(names_match("George Hicks", "george hick"));
    assert!(!names_match("John Smith", "Jane Smyth"));
    assert!(!names_match("Kim Jong-un", "Kim Jong-il"));
    assert!(!names_match("Ann Lee", "Ann Leo"));
}

#[test]
fn counts_compute_prf() {
    let article = SeesawArticle {
        id: "x".into(),
        title: String::new(),
        sentences: vec!["Obama blasted Republicans.".into()],
        actors: vec![
            ("Barack Obama".into(), "People".into()),
            ("Republican Party".into(), "Organization".into()),
        ],
        triplets: vec![GoldTriplet {
            sentence: 0,
            subject: "Barack Obama".into(),
            positive: false,
            object: "Republican Party".into(),
        }],
    };
    let mut counts = StanceCounts::default();
    counts.add(
        &article,
        &[PredictedStance {
            holder_names: vec!["Obama".into()],
            target_names: vec!["Republicans".into()],
            positive: false,
            confidence: 0.9,
            source: "trigger",
        }],
    );
    assert_eq!(counts.triplet_prf(), (1.0, 1.0, 1.0));
    let lexicon = Lexicon::from_valence(Default::default());
    let examples = pair_examples(std::slice::from_ref(&article), None, &lexicon);
    assert_eq!(examples.iter().filter(|(_, l)| *l == 2).count(), 1);
    assert_eq!(examples.len(), 2);
}

/// Two sentences, one line each; the gold stance is in the second, where Obama is
/// named by his title alone.
fn two_sentence_article() -> (SeesawArticle, stancegraph_core::Document) {
    use stancegraph_core::EntityType;
    let article = SeesawArticle {
        id: "x".into(),
        title: String::new(),
        sentences: vec![
            "Obama met Putin in Moscow.".into(),
            "Later Obama blasted Putin over Ukraine.".into(),
        ],
        actors: vec![
            ("Barack Obama".into(), "People".into()),
            ("Vladimir Putin".into(), "People".into()),
        ],
        triplets: vec![GoldTriplet {
            sentence: 1,
            subject: "Barack Obama".into(),
            positive: false,
            object: "Vladimir Putin".into(),
        }],
    };
    let doc = crate::test_support::document(
        &article.text(),
        &[("Obama", EntityType::Per), ("Putin", EntityType::Per)],
        &[],
    );
    (article, doc)
}

#[test]
fn pipeline_candidates_take_the_gold_label_of_their_own_sentence() {
    let (article, doc) = two_sentence_article();
    let lexicon = Lexicon::from_valence(Default::default());
    let examples = pipeline_pair_examples(
        std::slice::from_ref(&article),
        std::slice::from_ref(&doc),
        &lexicon,
    );
    // Both orders in both sentences; only Obama -> Putin of the second is a stance.
    assert_eq!(examples.len(), 4, "{examples:?}");
    let labels: Vec<usize> = examples.iter().map(|(_, l)| *l).collect();
    assert_eq!(labels.iter().filter(|l| **l == 2).count(), 1, "{labels:?}");
    assert!(labels.iter().all(|l| *l != 1));
}

#[test]
fn the_error_breakdown_lists_misses_with_their_sentences() {
    let (article, doc) = two_sentence_article();
    let breakdown = error_breakdown(&article, &doc);
    let misses = breakdown["misses"].as_array().expect("misses");
    assert_eq!(misses.len(), 1);
    assert_eq!(misses[0]["holder"], "Barack Obama");
    assert_eq!(misses[0]["shared_sentences"], 2);
    assert!(breakdown["predictions"]
        .as_array()
        .is_some_and(|p| p.is_empty()));
}

/// Three lines: Graham's quote about Trump (gold: support, on the quote's line), a quote
/// about Pelosi (no gold stance: none) and Schiff's quote about Trump, whose gold stance
/// lies on another line only (no example).
#[test]
fn quote_examples_take_the_gold_stance_of_their_line() {
    let article = SeesawArticle {
        id: "q".into(),
        title: String::new(),
        sentences: vec![
            "Lindsey Graham said Donald Trump did nothing wrong.".into(),
            "Lindsey Graham said Nancy Pelosi would speak on Friday.".into(),
            "Adam Schiff met reporters in Washington.".into(),
            "The hearing ended at noon.".into(),
            "Adam Schiff said Donald Trump would testify.".into(),
        ],
        actors: vec![
            ("Lindsey Graham".into(), "People".into()),
            ("Donald Trump".into(), "People".into()),
            ("Nancy Pelosi".into(), "People".into()),
            ("Adam Schiff".into(), "People".into()),
        ],
        triplets: vec![
            GoldTriplet {
                sentence: 0,
                subject: "Lindsey Graham".into(),
                positive: true,
                object: "Donald Trump".into(),
            },
            GoldTriplet {
                sentence: 2,
                subject: "Adam Schiff".into(),
                positive: false,
                object: "Donald Trump".into(),
            },
        ],
    };
    let doc = crate::test_support::pipeline_document(&article.text());
    let examples = pipeline_quote_examples(std::slice::from_ref(&article), &[doc]);
    let found: Vec<(&str, usize)> = examples
        .iter()
        .map(|e| (&e.sentence[e.target.clone()], e.label))
        .collect();
    assert_eq!(
        found,
        [("Donald Trump", 2), ("Nancy Pelosi", 1)],
        "{examples:?}"
    );
    let line = examples[0].to_newsmtsc();
    assert_eq!(line["targets"][0]["polarity"], 6.0);
    assert_eq!(line["targets"][0]["mention"], "Donald Trump");
}

/// A denied content is labelled with its own side: the quote rule turns the reading back
/// into the speaker's stance.
#[test]
fn a_denied_quote_is_labelled_with_the_side_of_its_content() {
    let article = SeesawArticle {
        id: "d".into(),
        title: String::new(),
        sentences: vec![
            "Lindsey Graham denied that Donald Trump broke the law.".into(),
            "The hearing ended at noon.".into(),
        ],
        actors: vec![
            ("Lindsey Graham".into(), "People".into()),
            ("Donald Trump".into(), "People".into()),
        ],
        triplets: vec![GoldTriplet {
            sentence: 0,
            subject: "Lindsey Graham".into(),
            positive: true,
            object: "Donald Trump".into(),
        }],
    };
    let doc = crate::test_support::pipeline_document(&article.text());
    let examples = pipeline_quote_examples(std::slice::from_ref(&article), &[doc]);
    let found: Vec<(&str, usize)> = examples
        .iter()
        .map(|e| (&e.sentence[e.target.clone()], e.label))
        .collect();
    assert_eq!(found, [("Donald Trump", 0)], "{examples:?}");
}
