//! Hand-built documents with the layers the stages produce, drawn from the seed article
//! (data/samples/000_668776db8feb23be.txt) and a short second article.
#![allow(dead_code)]

use std::collections::BTreeMap;

use stancegraph_core::*;

/// The seed article (testkit's one copy of its path).
pub fn seed_text() -> Option<String> {
    std::fs::read_to_string(stancegraph_testkit::seed_path()).ok()
}

/// Builds layers by searching the text, as a test would state them by hand.
pub struct Builder {
    pub doc: Document,
}

impl Builder {
    pub fn new(id: &str, text: &str, title: &str, date: &str) -> Builder {
        let metadata = Metadata {
            title: Some(title.into()),
            published: Some(date.into()),
            source: Some(format!("{id}.txt")),
            ..Metadata::default()
        };
        let mut doc = Document::new(Some(id.into()), text, metadata);
        doc.sentences = split_sentences(doc.text());
        Builder { doc }
    }

    /// Byte span of the `nth` occurrence of `needle`.
    pub fn find_nth(&self, needle: &str, nth: usize) -> Span {
        let (start, _) = self
            .doc
            .text()
            .match_indices(needle)
            .nth(nth)
            .unwrap_or_else(|| panic!("fixture text lacks {needle:?} #{nth}"));
        Span::new(start, start + needle.len())
    }

    pub fn find(&self, needle: &str) -> Span {
        self.find_nth(needle, 0)
    }

    /// The sentence around the first occurrence of `needle`.
    pub fn sentence(&self, needle: &str) -> Span {
        let at = self.find(needle);
        self.doc
            .sentences
            .iter()
            .map(|s| s.span)
            .find(|s| s.start <= at.start && at.end <= s.end)
            .unwrap_or_else(|| panic!("no sentence holds {needle:?}"))
    }

    pub fn entity(
        &mut self,
        id: &str,
        canonical: &str,
        t: EntityType,
        aliases: &[&str],
        key: &str,
    ) -> &mut Self {
        self.doc.entities.push(Entity {
            id: id.into(),
            canonical: canonical.into(),
            entity_type: t,
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            roles: Vec::new(),
            key: key.into(),
            gender: None,
            stage: "entities.rules".into(),
            confidence: 0.9,
        });
        self
    }

    pub fn role(
        &mut self,
        entity: &str,
        title: &str,
        org: Option<&str>,
        country: Option<&str>,
        evidence: &str,
    ) -> &mut Self {
        let span = self.find(evidence);
        if let Some(e) = self.doc.entities.iter_mut().find(|e| e.id == entity) {
            e.roles.push(Role {
                title: title.into(),
                organisation: org.map(String::from),
                country: country.map(String::from),
                evidence: span,
                stage: "entities.roles".into(),
                confidence: 0.8,
            });
        }
        self
    }

    /// Mentions of `entity` at every occurrence of `surface` inside a sentence.
    pub fn mentions(&mut self, entity: &str, surface: &str, t: EntityType) -> &mut Self {
        let spans: Vec<Span> = self
            .doc
            .text()
            .match_indices(surface)
            .map(|(s, _)| Span::new(s, s + surface.len()))
            .filter(|span| {
                self.doc
                    .sentences
                    .iter()
                    .any(|s| s.span.start <= span.start && span.end <= s.span.end)
            })
            .collect();
        for span in spans {
            self.doc.mentions.push(Mention {
                span,
                entity_type: t,
                kind: MentionKind::Name,
                entity: Some(entity.into()),
                resolution: Some("name".into()),
                resolution_confidence: Some(0.95),
                stage: "entities.rules".into(),
                confidence: 0.9,
            });
        }
        self
    }

    pub fn quote(
        &mut self,
        id: &str,
        speaker: ActorRef,
        content: &str,
        cue: Option<&str>,
    ) -> &mut Self {
        let content = self.find(content);
        let cue = cue.map(|c| self.find(c));
        self.doc.quotes.push(Quote {
            id: id.into(),
            content,
            cue,
            source: None,
            speaker,
            kind: QuoteKind::Direct,
            class: Default::default(),
            stage: "quotes.rules".into(),
            confidence: 0.85,
        });
        self
    }

    pub fn stance(
        &mut self,
        holder: ActorRef,
        target: Target,
        polarity: Polarity,
        sentence_of: &str,
        trigger: &str,
    ) -> &mut Self {
        let evidence = self.sentence(sentence_of);
        let trigger = Some(self.find(trigger));
        self.doc.stances.push(Stance {
            holder,
            target,
            polarity,
            evidence,
            trigger,
            quote: None,
            stage: "relations.stance".into(),
            confidence: 0.7,
        });
        self
    }

    #[allow(clippy::too_many_arguments)]
    pub fn relation(
        &mut self,
        class: RelationClass,
        kind: &str,
        source: ActorRef,
        target: Target,
        sign: Sign,
        sentence_of: &str,
        attributes: &[(&str, &str)],
    ) -> &mut Self {
        let evidence = self.sentence(sentence_of);
        self.doc.relations.push(Relation {
            class,
            kind: kind.into(),
            source,
            target,
            sign,
            attributes: attributes
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<BTreeMap<_, _>>(),
            evidence,
            trigger: None,
            stage: "relations.rules".into(),
            confidence: 0.6,
        });
        self
    }

    pub fn build(&mut self) -> Document {
        let mut doc = self.doc.clone();
        doc.validate().expect("fixture spans are valid");
        doc
    }
}

/// Sentences: non-empty lines that are not the seed's spam lines, split after `. `.
fn split_sentences(text: &str) -> Vec<Sentence> {
    let spam = [
        "Note: Featured image",
        "Industrial Monitor Direct",
        "This article aggregates",
    ];
    let mut sentences = Vec::new();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end();
        if !body.is_empty() && !spam.iter().any(|s| body.starts_with(s)) {
            let mut start = line_start;
            let line_end = line_start + body.len();
            let mut search = 0;
            while let Some(at) = body[search..].find(". ") {
                let end = line_start + search + at + 1;
                let next = body[search + at + 2..].chars().next();
                if next.is_some_and(|c| c.is_uppercase()) {
                    sentences.push(sentence(start, end));
                    start = end + 1;
                }
                search += at + 2;
            }
            sentences.push(sentence(start, line_end));
        }
        line_start += line.len();
    }
    sentences
}

fn sentence(start: usize, end: usize) -> Sentence {
    Sentence {
        span: Span::new(start, end),
        kind: SentenceKind::Body,
        stage: "text.sentences".into(),
        confidence: 1.0,
    }
}

pub fn entity(id: &str) -> ActorRef {
    ActorRef::Entity { id: id.into() }
}

pub fn actor(id: &str) -> Target {
    Target::Actor { id: id.into() }
}

pub fn issue(label: &str) -> Target {
    Target::Issue {
        label: label.into(),
        span: None,
    }
}

pub const EXPORT_CONTROLS: &str = "export controls on rare earth minerals";

/// The seed article with the annotations the pipeline should produce for it.
pub fn seed_document() -> Option<Document> {
    let text = seed_text()?;
    let mut b = Builder::new(
        "000_668776db8feb23be",
        &text,
        "US-China rare earth talks",
        "2025-10-11",
    );
    b.entity(
        "E1",
        "Scott Bessent",
        EntityType::Per,
        &["Bessent"],
        "per:scott bessent",
    )
    .entity("E2", "He Lifeng", EntityType::Per, &[], "per:he lifeng")
    .entity(
        "E3",
        "Donald Trump",
        EntityType::Per,
        &["Trump", "the President"],
        "per:donald trump",
    )
    .entity(
        "E4",
        "Xi Jinping",
        EntityType::Per,
        &["Xi", "President Xi"],
        "per:xi jinping",
    )
    .entity("E5", "China", EntityType::Gpe, &["Beijing"], "gpe:china")
    .entity(
        "E6",
        "Li Chenggang",
        EntityType::Per,
        &["Li"],
        "per:li chenggang",
    )
    .entity(
        "E7",
        "Wendy Cutler",
        EntityType::Per,
        &["Cutler"],
        "per:wendy cutler",
    )
    .entity(
        "E8",
        "Asia Society Policy Institute",
        EntityType::Org,
        &[],
        "org:asia society policy institute",
    )
    .entity("E9", "US", EntityType::Gpe, &["United States"], "gpe:us")
    .entity("E10", "Malaysia", EntityType::Gpe, &[], "gpe:malaysia");
    b.role(
        "E1",
        "Treasury Secretary",
        Some("US Treasury"),
        Some("US"),
        "US Treasury Secretary Scott Bessent",
    )
    .role(
        "E2",
        "Vice-Premier",
        None,
        Some("China"),
        "Chinese Vice-Premier He Lifeng",
    )
    .role(
        "E6",
        "top trade negotiator",
        None,
        Some("China"),
        "Li Chenggang, the top trade negotiator",
    )
    .role(
        "E7",
        "vice-president",
        Some("Asia Society Policy Institute"),
        None,
        "Wendy Cutler, vice-president of the Asia Society Policy Institute",
    )
    .role(
        "E3",
        "President",
        None,
        Some("US"),
        "President Donald Trump",
    );
    b.mentions("E1", "Bessent", EntityType::Per)
        .mentions("E2", "He Lifeng", EntityType::Per)
        .mentions("E3", "Trump", EntityType::Per)
        .mentions("E4", "Xi", EntityType::Per)
        .mentions("E5", "Beijing", EntityType::Gpe)
        .mentions("E5", "China", EntityType::Gpe)
        .mentions("E6", "Li Chenggang", EntityType::Per)
        .mentions("E7", "Wendy Cutler", EntityType::Per)
        .mentions("E8", "Asia Society Policy Institute", EntityType::Org)
        .mentions("E10", "Malaysia", EntityType::Gpe);
    b.quote(
        "Q1",
        entity("E1"),
        "substantial unprovoked escalation",
        Some("characterized"),
    )
    .quote(
        "Q2",
        entity("E7"),
        "The notion that a longtime experienced",
        Some("stating"),
    )
    .quote(
        "Q3",
        entity("E3"),
        "It looks like it’s going forward",
        Some("stating"),
    )
    .quote(
        "Q4",
        entity("E1"),
        "Maybe there is some Leninist business model",
        Some("noted"),
    );
    b.stance(
        entity("E1"),
        issue(EXPORT_CONTROLS),
        Polarity::Oppose,
        "substantial unprovoked escalation",
        "substantial unprovoked escalation",
    )
    .stance(
        entity("E7"),
        actor("E1"),
        Polarity::Oppose,
        "challenged Bessent’s characterization",
        "challenged",
    )
    .stance(
        entity("E3"),
        actor("E4"),
        Polarity::Support,
        "a very good relationship",
        "a very good relationship",
    )
    .stance(
        ActorRef::Anonymous {
            description: "analysts".into(),
        },
        issue("The Chinese export controls"),
        Polarity::Oppose,
        "a move that analysts say",
        "severely impact",
    );
    b.relation(
        RelationClass::Interaction,
        "threaten",
        entity("E3"),
        actor("E5"),
        Sign::Conflict,
        "additional 100 percent tariff",
        &[("issue", "100 percent tariff")],
    )
    .relation(
        RelationClass::Interaction,
        "accuse",
        entity("E5"),
        actor("E9"),
        Sign::Conflict,
        "charges of hypocrisy",
        &[("issue", "hypocrisy")],
    )
    .relation(
        RelationClass::Hierarchy,
        "reports_to",
        entity("E6"),
        actor("E2"),
        Sign::Neutral,
        "the top trade negotiator under",
        &[],
    )
    .relation(
        RelationClass::Interaction,
        "meet",
        entity("E1"),
        actor("E2"),
        Sign::Cooperation,
        "critical talks with Chinese",
        &[("location", "Malaysia")],
    );
    Some(b.build())
}

pub const SECOND_TEXT: &str = "Bessent met He Lifeng in Madrid on Monday. Bessent said the export controls on rare earth minerals were a mistake. Beijing defended the export controls on rare earth minerals as lawful. President Trump also criticised the export controls on rare earth minerals.\n";

/// A short second article, with "Bessent" alone (key `per:bessent`) so that merging
/// by alias is needed, and China supporting the export controls (conflict with Bessent).
pub fn second_document() -> Document {
    let mut b = Builder::new("doc-madrid", SECOND_TEXT, "Madrid talks", "2025-09-15");
    b.entity("E1", "Bessent", EntityType::Per, &[], "per:bessent")
        .entity("E2", "He Lifeng", EntityType::Per, &[], "per:he lifeng")
        .entity("E3", "China", EntityType::Gpe, &["Beijing"], "gpe:china")
        .entity(
            "E4",
            "Trump",
            EntityType::Per,
            &["President Trump"],
            "per:trump",
        );
    b.mentions("E1", "Bessent", EntityType::Per)
        .mentions("E2", "He Lifeng", EntityType::Per)
        .mentions("E3", "Beijing", EntityType::Gpe)
        .mentions("E4", "Trump", EntityType::Per);
    b.stance(
        entity("E1"),
        issue(EXPORT_CONTROLS),
        Polarity::Oppose,
        "were a mistake",
        "a mistake",
    )
    .stance(
        entity("E3"),
        issue(EXPORT_CONTROLS),
        Polarity::Support,
        "defended the export",
        "defended",
    )
    .stance(
        entity("E4"),
        issue("the export controls on rare earth minerals"),
        Polarity::Oppose,
        "also criticised",
        "criticised",
    )
    .relation(
        RelationClass::Interaction,
        "meet",
        entity("E1"),
        actor("E2"),
        Sign::Cooperation,
        "met He Lifeng",
        &[("location", "Madrid")],
    );
    b.build()
}
