//! Laws of merging, checked on random small corpora: the same documents in any order, any
//! number of times, or split across a save and a reload give the same graph.

use proptest::prelude::*;
use stancegraph_core::*;
use stancegraph_graph::KnowledgeGraph;

/// (canonical, key, aliases): full names, surname-only keys and a metonym, so that merging
/// by alias is exercised.
const ACTORS: [(&str, &str, &[&str], EntityType); 7] = [
    (
        "Scott Bessent",
        "per:scott bessent",
        &["Bessent"],
        EntityType::Per,
    ),
    ("Bessent", "per:bessent", &[], EntityType::Per),
    ("He Lifeng", "per:he lifeng", &[], EntityType::Per),
    ("China", "gpe:china", &["Beijing"], EntityType::Gpe),
    ("Beijing", "gpe:beijing", &[], EntityType::Gpe),
    (
        "Donald Trump",
        "per:donald trump",
        &["Trump", "the President"],
        EntityType::Per,
    ),
    ("Xi Jinping", "per:xi jinping", &["Xi"], EntityType::Per),
];
const ISSUES: [&str; 3] = [
    "export controls",
    "the export controls",
    "100 percent tariff",
];
const DATES: [Option<&str>; 3] = [Some("2025-10-11"), Some("2025-09-15"), None];

/// One sentence: `a` acts on `b` (an actor or an issue) in one of several ways.
#[derive(Debug, Clone)]
struct Act {
    a: usize,
    b: usize,
    action: u8,
    polarity: u8,
}

fn act() -> impl Strategy<Value = Act> {
    (0..ACTORS.len(), 0..ACTORS.len(), 0u8..5, 0u8..3).prop_map(|(a, b, action, polarity)| Act {
        a,
        b,
        action,
        polarity,
    })
}

fn corpus() -> impl Strategy<Value = Vec<(Vec<Act>, usize)>> {
    prop::collection::vec((prop::collection::vec(act(), 1..5), 0..DATES.len()), 1..5)
}

fn polarity(p: u8) -> Polarity {
    match p {
        0 => Polarity::Support,
        1 => Polarity::Oppose,
        _ => Polarity::Neutral,
    }
}

fn build(index: usize, acts: &[Act], date: usize) -> Document {
    let mut text = String::new();
    let mut spans = Vec::new();
    for act in acts {
        let start = text.len();
        let a_start = text.len();
        text.push_str(ACTORS[act.a].0);
        let a_span = Span::new(a_start, text.len());
        text.push_str(" said “this” about ");
        let b_start = text.len();
        text.push_str(if act.action == 1 {
            ISSUES[act.b % ISSUES.len()]
        } else {
            ACTORS[act.b].0
        });
        let b_span = Span::new(b_start, text.len());
        text.push_str(". ");
        spans.push((Span::new(start, text.len() - 1), a_span, b_span));
    }
    let metadata = Metadata {
        published: DATES[date].map(String::from),
        ..Metadata::default()
    };
    let mut doc = Document::new(Some(format!("d{index}")), text.as_str(), metadata);
    let mut used: Vec<usize> = acts.iter().flat_map(|a| [a.a, a.b]).collect();
    used.sort();
    used.dedup();
    for &i in &used {
        let (canonical, key, aliases, t) = ACTORS[i];
        doc.entities.push(Entity {
            id: format!("E{i}"),
            canonical: canonical.into(),
            entity_type: t,
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            roles: Vec::new(),
            key: key.into(),
            gender: None,
            stage: "t".into(),
            confidence: 0.9,
        });
    }
    for (n, (act, (sentence, a_span, b_span))) in acts.iter().zip(spans).enumerate() {
        doc.sentences.push(Sentence {
            span: sentence,
            kind: SentenceKind::Body,
            stage: "t".into(),
            confidence: 1.0,
        });
        let entity = |i: usize| ActorRef::Entity {
            id: format!("E{i}"),
        };
        let mention = |span: Span, i: usize| Mention {
            span,
            entity_type: ACTORS[i].3,
            kind: MentionKind::Name,
            entity: Some(format!("E{i}")),
            resolution: None,
            resolution_confidence: None,
            stage: "t".into(),
            confidence: 0.5 + 0.1 * (i as f32),
        };
        doc.mentions.push(mention(a_span, act.a));
        let confidence = 0.3 + 0.2 * f32::from(act.polarity);
        match act.action {
            0 => {
                doc.mentions.push(mention(b_span, act.b));
                doc.stances.push(Stance {
                    holder: entity(act.a),
                    target: Target::Actor {
                        id: format!("E{}", act.b),
                    },
                    polarity: polarity(act.polarity),
                    evidence: sentence,
                    trigger: None,
                    quote: None,
                    stage: "t".into(),
                    confidence,
                });
            }
            1 => doc.stances.push(Stance {
                holder: if act.polarity == 2 {
                    ActorRef::Anonymous {
                        description: "analysts".into(),
                    }
                } else {
                    entity(act.a)
                },
                target: Target::Issue {
                    label: ISSUES[act.b % ISSUES.len()].into(),
                    span: Some(b_span),
                },
                polarity: polarity(act.polarity),
                evidence: sentence,
                trigger: Some(b_span),
                quote: None,
                stage: "t".into(),
                confidence,
            }),
            2 => {
                doc.mentions.push(mention(b_span, act.b));
                doc.relations.push(Relation {
                    class: RelationClass::Interaction,
                    kind: "meet".into(),
                    source: entity(act.a),
                    target: Target::Actor {
                        id: format!("E{}", act.b),
                    },
                    sign: if act.polarity == 1 {
                        Sign::Conflict
                    } else {
                        Sign::Cooperation
                    },
                    attributes: Default::default(),
                    evidence: sentence,
                    trigger: None,
                    stage: "t".into(),
                    confidence,
                });
            }
            3 => doc.quotes.push(Quote {
                id: format!("Q{n}"),
                content: sentence,
                cue: None,
                source: Some(a_span),
                speaker: if act.polarity == 2 {
                    ActorRef::Unresolved {
                        text: ACTORS[act.a].0.into(),
                    }
                } else {
                    entity(act.a)
                },
                kind: QuoteKind::Direct,
                class: Default::default(),
                stage: "t".into(),
                confidence,
            }),
            _ => doc.mentions.push(mention(b_span, act.b)),
        }
    }
    doc
}

fn merged<'a>(docs: impl IntoIterator<Item = &'a Document>) -> KnowledgeGraph {
    let mut graph = KnowledgeGraph::new();
    for doc in docs {
        graph.merge_document(doc);
    }
    graph
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    // Law: merging is idempotent and does not depend on the order of documents.
    #[test]
    fn merge_is_idempotent_and_order_independent(corpus in corpus(), rotate in 0usize..5) {
        let docs: Vec<Document> = corpus.iter().enumerate().map(|(i, (acts, date))| build(i, acts, *date)).collect();
        let expected = merged(&docs).to_node_link();
        let mut rotated = docs.clone();
        let shift = rotate % docs.len();
        rotated.rotate_left(shift);
        prop_assert_eq!(&merged(rotated.iter().rev()).to_node_link(), &expected);
        prop_assert_eq!(&merged(docs.iter().chain(&docs)).to_node_link(), &expected);
    }

    // Law: save after k documents, reload, merge the rest = merging everything at once.
    #[test]
    fn incremental_merge_equals_batch(corpus in corpus(), split in 0usize..5) {
        let docs: Vec<Document> = corpus.iter().enumerate().map(|(i, (acts, date))| build(i, acts, *date)).collect();
        let split = split.min(docs.len());
        let saved = merged(&docs[..split]).to_node_link();
        let mut resumed = KnowledgeGraph::from_node_link(&saved).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&resumed.to_node_link(), &saved);
        for doc in &docs[split..] {
            resumed.merge_document(doc);
        }
        prop_assert_eq!(resumed.to_node_link(), merged(&docs).to_node_link());
    }
}
