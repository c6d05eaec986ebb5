//! From decoded labels to the layers the default stages write: name mentions typed as
//! `entities.ner` types them, and attribution role tags in the quotes tagger's numbering.

use stancegraph_core::{Document, Mention, MentionKind, SentenceKind, Span};
use stancegraph_entities::{category, Lexicon};

/// Registered name of the NER stage (the `stage` of its mentions).
pub const ENTITIES_STAGE: &str = "entities.encoder";
/// Registered name of the quotes stage (the `stage` of its quotes).
pub const QUOTES_STAGE: &str = "quotes.encoder";

/// Token text as the encoder was fine-tuned on it: `entities.ner`'s normalisation.
pub use stancegraph_entities::normalise_token;

/// A typed run of tokens: `first..=last`, CoNLL type, mean probability of its labels.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelledRun {
    /// First token (document index).
    pub first: usize,
    /// Last token (inclusive).
    pub last: usize,
    /// Type after `B-`/`I-` (`PER`, `ORG`, `LOC`, `MISC`).
    pub kind: String,
    /// Mean probability of the run's labels.
    pub confidence: f32,
}

/// Runs of B-X I-X… in one decoded sequence (`offset` = document index of its first token).
pub fn bio_runs(
    labels: &[String],
    path: &[usize],
    probs: &[f32],
    offset: usize,
) -> Vec<LabelledRun> {
    let mut runs: Vec<LabelledRun> = Vec::new();
    let mut sum = 0.0;
    for (i, &label) in path.iter().enumerate() {
        let name = labels.get(label).map(String::as_str).unwrap_or("O");
        let p = probs.get(i).copied().unwrap_or(0.0);
        if let Some(kind) = name.strip_prefix("B-") {
            runs.push(LabelledRun {
                first: offset + i,
                last: offset + i,
                kind: kind.to_string(),
                confidence: p,
            });
            sum = p;
        } else if let Some(kind) = name.strip_prefix("I-") {
            match runs.last_mut() {
                Some(run) if run.last + 1 == offset + i && run.kind == kind => {
                    run.last = offset + i;
                    sum += p;
                    run.confidence = sum / (run.last - run.first + 1) as f32;
                }
                // Constrained decoding never leaves an I-X alone; keep it as a run anyway.
                _ => {
                    runs.push(LabelledRun {
                        first: offset + i,
                        last: offset + i,
                        kind: kind.to_string(),
                        confidence: p,
                    });
                    sum = p;
                }
            }
        }
    }
    runs
}

/// The cased tagger's second opinion on names (the encoder is uncased: "he lifeng" reads like
/// a pronoun and a word). A name the cased tagger found (`cased`, every token capitalised, as
/// `capitalised` says) replaces the encoder's runs inside it when the encoder missed it
/// (no run overlaps it) or broke it up (several runs, or a run that leaves part of the name
/// outside: "Li" ORG + "Chenggang" LOC, "He" + O). Where the encoder's run covers exactly
/// the same tokens, or reaches beyond the name, the encoder's run and type stay. Both lists
/// are in document order without overlaps; so is the result.
pub fn merge_cased_runs(
    encoder: Vec<LabelledRun>,
    cased: &[LabelledRun],
    capitalised: impl Fn(usize) -> bool,
) -> Vec<LabelledRun> {
    let mut replaced = vec![false; encoder.len()];
    let mut added = Vec::new();
    for name in cased {
        if !(name.first..=name.last).all(&capitalised) {
            continue;
        }
        let lo = encoder.partition_point(|e| e.last < name.first);
        let hi = encoder.partition_point(|e| e.first <= name.last);
        let inside = &encoder[lo..hi.max(lo)];
        if inside
            .iter()
            .any(|e| e.first < name.first || e.last > name.last)
        {
            continue;
        }
        if let [only] = inside {
            if only.first == name.first && only.last == name.last {
                continue;
            }
        }
        replaced[lo..hi.max(lo)].fill(true);
        added.push(name.clone());
    }
    if added.is_empty() {
        return encoder;
    }
    let mut runs: Vec<LabelledRun> = encoder
        .into_iter()
        .zip(replaced)
        .filter_map(|(run, gone)| (!gone).then_some(run))
        .chain(added)
        .collect();
    runs.sort_by_key(|r| r.first);
    runs
}

/// Runs with the edge words a tagger lets into a name cut off
/// (`stancegraph_entities::trim_name_edges`: "keycorp and", "new england", "In China");
/// `opens_sentence` tells whether a token is its sentence's first.
pub fn trim_run_edges(
    runs: Vec<LabelledRun>,
    words: &[String],
    opens_sentence: impl Fn(usize) -> bool,
    lexicon: &Lexicon,
) -> Vec<LabelledRun> {
    runs.into_iter()
        .map(|mut run| {
            if let Some(name) = words.get(run.first..=run.last) {
                let kept =
                    stancegraph_entities::trim_name_edges(name, opens_sentence(run.first), lexicon);
                run.last = run.first + kept.end - 1;
                run.first += kept.start;
            }
            run
        })
        .collect()
}

/// Lower-cased phrase tokens as the gazetteer keys them ("People's" → "people 's").
fn lexicon_key(phrase: &str) -> String {
    stancegraph_entities::phrase_tokens(phrase).join(" ")
}

/// Name mentions of typed runs, typed as `entities.ner` types them (LOC → GPE for
/// countries and cities, MISC → NORP for nationalities). A title-case heading's mention is
/// kept only when the body has the same phrase or the gazetteer knows it (headings look
/// like names to a tagger trained on Reuters).
pub fn name_mentions(
    doc: &Document,
    words: &[String],
    runs: &[LabelledRun],
    lexicon: &Lexicon,
    min_confidence: f32,
) -> Vec<Mention> {
    let phrase = |r: &LabelledRun| {
        words
            .get(r.first..=r.last)
            .map(|w| w.join(" "))
            .unwrap_or_default()
    };
    let in_heading = |r: &LabelledRun| {
        doc.tokens
            .get(r.first)
            .and_then(|t| doc.sentences.get(t.sentence as usize))
            .is_some_and(|s| s.kind == SentenceKind::Heading)
    };
    let body_phrases: std::collections::HashSet<String> = runs
        .iter()
        .filter(|r| !in_heading(r))
        .map(|r| phrase(r).to_lowercase())
        .collect();
    let known = category::COUNTRY
        | category::CITY
        | category::REGION
        | category::ORGANISATION
        | category::DEMONYM;
    let mut mentions = Vec::new();
    for run in runs {
        if run.confidence < min_confidence {
            continue;
        }
        let text = phrase(run);
        if in_heading(run)
            && lexicon.categories(&lexicon_key(&text)) & known == 0
            && !body_phrases.contains(&text.to_lowercase())
        {
            continue;
        }
        let (Some(first), Some(last)) = (doc.tokens.get(run.first), doc.tokens.get(run.last))
        else {
            continue;
        };
        let entity_type =
            stancegraph_entities::name_type(place_kind(run, &text, lexicon), &text, lexicon);
        mentions.push(Mention {
            span: Span::new(first.span.start, last.span.end),
            entity_type,
            kind: MentionKind::Name,
            entity: None,
            resolution: None,
            resolution_confidence: None,
            stage: ENTITIES_STAGE.to_string(),
            confidence: run.confidence,
        });
    }
    mentions
}

/// Below this mean label probability the encoder is unsure of a name's type, and the
/// gazetteer's type stands where it knows only one (CoNLL dev F1 0.9257 → 0.9265 at 0.7,
/// 0.9267 at 0.9 in a first version; SEESAW valid triplet F1 0.4271 → 0.4282).
const UNSURE_BELOW: f32 = 0.7;

/// The CoNLL type of a run. Where the encoder is unsure ([`UNSURE_BELOW`]), a name the
/// gazetteer knows only as an organisation is ORG ("Samsung", "FBI" read as persons) and one
/// it knows only as a country or region is LOC ("Vermont"); not cities, whose list holds
/// common words and surnames ("Most", "Obama", "Liberal"). A lone country or capital name the
/// encoder typed ORG or MISC ("Beijing's decision", "US-China") is the place (LOC, a GPE
/// after typing); its government reading is the resolver's metonymy, as for the cased
/// tagger, which the gazetteer tells.
fn place_kind<'a>(run: &'a LabelledRun, text: &str, lexicon: &Lexicon) -> &'a str {
    let kind = run.kind.as_str();
    if run.confidence < UNSURE_BELOW {
        let categories = lexicon.categories(&lexicon_key(text));
        let only = |bits: u16| categories != 0 && categories & !bits == 0;
        if only(category::ORGANISATION) {
            return "ORG";
        }
        if only(category::COUNTRY | category::REGION) {
            return "LOC";
        }
    }
    if matches!(kind, "ORG" | "MISC")
        && (lexicon.lookup(text, category::COUNTRY).is_some()
            || lexicon.capital_country(&lexicon_key(text)).is_some())
    {
        "LOC"
    } else {
        kind
    }
}

/// The quotes tagger's tag number of an attribution label (O 0, B/I-SOURCE 1/2, B/I-CUE
/// 3/4, B/I-CONTENT 5/6); unknown roles are O.
pub fn attribution_tag(label: &str) -> usize {
    let (begin, role) = match (label.strip_prefix("B-"), label.strip_prefix("I-")) {
        (Some(role), _) => (true, role),
        (_, Some(role)) => (false, role),
        _ => return 0,
    };
    let base = match role.to_ascii_uppercase().as_str() {
        "SOURCE" => 1,
        "CUE" => 3,
        "CONTENT" => 5,
        _ => return 0,
    };
    if begin {
        base
    } else {
        base + 1
    }
}

#[cfg(test)]
mod tests {
    use stancegraph_core::EntityType;

    use super::*;

    fn labels() -> Vec<String> {
        ["O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-MISC", "I-MISC"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    }

    #[test]
    fn runs_follow_bio() {
        let runs = bio_runs(
            &labels(),
            &[1, 2, 0, 3, 3, 4],
            &[0.9, 0.7, 1.0, 0.8, 0.6, 0.4],
            10,
        );
        assert_eq!(
            runs.iter()
                .map(|r| (r.first, r.last, r.kind.as_str()))
                .collect::<Vec<_>>(),
            [(10, 11, "PER"), (13, 13, "LOC"), (14, 15, "LOC")]
        );
        assert!((runs[0].confidence - 0.8).abs() < 1e-6);
        assert!((runs[2].confidence - 0.5).abs() < 1e-6);
    }

    fn run(first: usize, last: usize, kind: &str) -> LabelledRun {
        LabelledRun {
            first,
            last,
            kind: kind.to_string(),
            confidence: 0.5,
        }
    }

    /// A tokenized document of `text` and its words as the encoder stage reads them.
    fn tokenized(text: &str) -> (Document, Vec<String>) {
        let mut doc = Document::new(Some("test".into()), text.to_string(), Default::default());
        stancegraph_text::tokenize_document(&mut doc, 200);
        let words = doc
            .tokens
            .iter()
            .map(|t| normalise_token(doc.slice(t.span)))
            .collect();
        (doc, words)
    }

    fn spans(runs: &[LabelledRun]) -> Vec<(usize, usize, &str)> {
        runs.iter()
            .map(|r| (r.first, r.last, r.kind.as_str()))
            .collect()
    }

    /// Capitalisation of "Vice-Premier He Lifeng met Bessent . He said Li Chenggang , the
    /// negotiator , spoke ." (token indices 0..=14).
    fn capitalised(t: usize) -> bool {
        [0, 1, 2, 4, 6, 8, 9].contains(&t)
    }

    #[test]
    fn a_name_the_encoder_broke_up_or_cut_short_is_the_cased_taggers() {
        // "He" PER + "Lifeng" O, and "Li" ORG + "Chenggang" LOC.
        let encoder = vec![
            run(1, 1, "PER"),
            run(4, 4, "PER"),
            run(8, 8, "ORG"),
            run(9, 9, "LOC"),
        ];
        let cased = [run(1, 2, "PER"), run(4, 4, "PER"), run(8, 9, "PER")];
        let merged = merge_cased_runs(encoder, &cased, capitalised);
        assert_eq!(
            spans(&merged),
            [(1, 2, "PER"), (4, 4, "PER"), (8, 9, "PER")]
        );
    }

    #[test]
    fn a_capitalised_name_the_encoder_missed_is_added() {
        let merged = merge_cased_runs(vec![run(4, 4, "PER")], &[run(1, 2, "PER")], capitalised);
        assert_eq!(spans(&merged), [(1, 2, "PER"), (4, 4, "PER")]);
    }

    #[test]
    fn the_encoder_keeps_its_type_its_longer_names_and_lowercase_words() {
        // Same extent, other type: the encoder's type stays.
        let same = merge_cased_runs(vec![run(8, 9, "ORG")], &[run(8, 9, "PER")], capitalised);
        assert_eq!(spans(&same), [(8, 9, "ORG")]);
        // The encoder's run reaches beyond the cased name: the encoder's stays.
        let longer = merge_cased_runs(vec![run(0, 2, "PER")], &[run(1, 2, "PER")], capitalised);
        assert_eq!(spans(&longer), [(0, 2, "PER")]);
        // A cased name with a lowercase token ("said") is not a capitalised name run.
        let lower = merge_cased_runs(vec![], &[run(6, 7, "PER")], capitalised);
        assert!(lower.is_empty());
    }

    #[test]
    fn a_lone_country_or_capital_typed_org_or_misc_is_a_place() {
        let (doc, words) = tokenized(
            "Beijing's decision surprised them. The US-China talks resumed in Beijing Normal University.",
        );
        let at = |w: &str| words.iter().position(|x| x == w).unwrap();
        let us = at("US");
        let university = words.iter().rposition(|x| x == "University").unwrap();
        // Sure runs: the gazetteer's say over unsure types is another test's.
        let runs = [
            run(0, 0, "ORG"),
            run(us, us, "MISC"),
            run(us + 2, us + 2, "MISC"),
            run(university - 2, university, "ORG"),
        ]
        .map(|r| LabelledRun {
            confidence: 0.95,
            ..r
        });
        let mentions = name_mentions(&doc, &words, &runs, &Lexicon::builtin(), 0.0);
        let typed: Vec<(&str, EntityType)> = mentions
            .iter()
            .map(|m| (doc.slice(m.span), m.entity_type))
            .collect();
        assert_eq!(
            typed,
            [
                ("Beijing", EntityType::Gpe),
                ("US", EntityType::Gpe),
                ("China", EntityType::Gpe),
                ("Beijing Normal University", EntityType::Org),
            ]
        );
    }

    #[test]
    fn an_unsure_type_gives_way_to_a_gazetteer_that_knows_one_type() {
        let (doc, words) = tokenized("Samsung hired Vermont staff in Most.");
        let typed = |runs: &[LabelledRun]| -> Vec<(String, EntityType)> {
            name_mentions(&doc, &words, runs, &Lexicon::builtin(), 0.0)
                .iter()
                .map(|m| (doc.slice(m.span).to_string(), m.entity_type))
                .collect()
        };
        let with = |confidence: f32| {
            [run(0, 0, "PER"), run(2, 2, "PER"), run(5, 5, "PER")]
                .map(|r| LabelledRun { confidence, ..r })
        };
        assert_eq!(
            typed(&with(0.5)),
            [
                ("Samsung".to_string(), EntityType::Org),
                ("Vermont".to_string(), EntityType::Loc),
                // A city name that is also a common word keeps the encoder's type.
                ("Most".to_string(), EntityType::Per),
            ]
        );
        // A sure encoder keeps its type.
        assert!(typed(&with(0.95))
            .iter()
            .all(|(_, t)| *t == EntityType::Per));
    }

    #[test]
    fn attribution_labels_map_to_tagger_numbers() {
        let tags: Vec<usize> = [
            "O",
            "B-SOURCE",
            "I-SOURCE",
            "B-CUE",
            "I-CUE",
            "B-CONTENT",
            "I-CONTENT",
            "B-X",
        ]
        .iter()
        .map(|l| attribution_tag(l))
        .collect();
        assert_eq!(tags, [0, 1, 2, 3, 4, 5, 6, 0]);
    }

    #[test]
    fn lexicon_keys_split_possessives() {
        assert_eq!(lexicon_key("People's Republic"), "people 's republic");
        assert_eq!(normalise_token("“Don’t”"), "\"Don't\"");
    }
}
