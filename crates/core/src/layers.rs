//! The standard annotation layers. Every annotation holds byte [`Span`]s into the
//! document text, the name of the stage that made it and a confidence in 0..1.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{error::CoreError, span::MapSpans, Span};

type SpanFn<'a> = dyn FnMut(Span) -> Result<Span, CoreError> + 'a;

/// What a block of text is, as decided by ingest and boilerplate detection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockKind {
    /// Article body: later stages read it.
    Body,
    /// A title or section heading: kept as structure, read as its own sentence.
    Heading,
    /// Spam, advertising, disclaimers, navigation: no annotation may come from it.
    Boilerplate,
}

/// A line or paragraph of the text with its role in the article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Block {
    pub span: Span,
    pub kind: BlockKind,
    /// Why the block got its kind, e.g. `promotional vocabulary, no shared actor`.
    #[serde(default)]
    pub reason: String,
    pub stage: String,
    pub confidence: f32,
}

/// Whether a sentence is article body or a heading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SentenceKind {
    Body,
    Heading,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sentence {
    pub span: Span,
    pub kind: SentenceKind,
    pub stage: String,
    pub confidence: f32,
}

/// One token. Tagging and parsing stages fill the optional fields in place; which stage
/// filled which field is recorded in the document's provenance (per layer), not per token.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Token {
    pub span: Span,
    /// Index of the sentence (in `Document::sentences`) this token belongs to.
    pub sentence: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upos: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub xpos: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lemma: Option<String>,
    /// Document-level index of the head token; `None` for the root or when unparsed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deprel: Option<String>,
}

/// Entity types. GPE covers countries, cities and governments acting as such.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum EntityType {
    Per,
    Org,
    Loc,
    Gpe,
    Norp,
    Misc,
    Date,
    Money,
}

impl EntityType {
    pub fn as_str(&self) -> &'static str {
        match self {
            EntityType::Per => "PER",
            EntityType::Org => "ORG",
            EntityType::Loc => "LOC",
            EntityType::Gpe => "GPE",
            EntityType::Norp => "NORP",
            EntityType::Misc => "MISC",
            EntityType::Date => "DATE",
            EntityType::Money => "MONEY",
        }
    }

    /// Parses `PER`, `PERSON`, `ORG`, `LOC`, `GPE`, `NORP`, `MISC`, `DATE`, `MONEY` (any case).
    pub fn parse(label: &str) -> Option<Self> {
        Some(match label.to_ascii_uppercase().as_str() {
            "PER" | "PERSON" => EntityType::Per,
            "ORG" | "ORGANIZATION" | "ORGANISATION" => EntityType::Org,
            "LOC" | "LOCATION" => EntityType::Loc,
            "GPE" => EntityType::Gpe,
            "NORP" => EntityType::Norp,
            "MISC" => EntityType::Misc,
            "DATE" => EntityType::Date,
            "MONEY" => EntityType::Money,
            _ => return None,
        })
    }
}

/// How a mention refers to its entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MentionKind {
    /// A proper name: "Scott Bessent", "Bessent".
    Name,
    /// A description: "the President", "the Treasury Secretary", "the negotiator".
    Nominal,
    /// A pronoun: "he", "they".
    Pronoun,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mention {
    pub span: Span,
    pub entity_type: EntityType,
    pub kind: MentionKind,
    /// Id of the entity (in `Document::entities`) this mention resolves to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity: Option<String>,
    /// How the mention was resolved: `name`, `alias`, `title`, `metonymy`, `pronoun`, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<String>,
    /// Confidence of the resolution (the mention's own confidence is `confidence`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution_confidence: Option<f32>,
    pub stage: String,
    pub confidence: f32,
}

/// A role an actor holds: "Treasury Secretary" of the US Treasury, in the US.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Role {
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// The text that states the role.
    pub evidence: Span,
    pub stage: String,
    pub confidence: f32,
}

/// An actor of the document: all mentions of one person, organisation or place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entity {
    /// Document-local id, e.g. `E3`.
    pub id: String,
    /// The fullest name: "Scott Bessent".
    pub canonical: String,
    pub entity_type: EntityType,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub roles: Vec<Role>,
    /// Cross-document key: normalised canonical name and type, e.g. `per:scott bessent`.
    pub key: String,
    /// A person's gender as the text shows it, with its evidence; `None` when unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender: Option<GenderCall>,
    pub stage: String,
    pub confidence: f32,
}

/// A person's gender as far as the text shows it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    Female,
    Male,
    #[default]
    Unknown,
}

impl Gender {
    pub fn as_str(&self) -> &'static str {
        match self {
            Gender::Female => "female",
            Gender::Male => "male",
            Gender::Unknown => "unknown",
        }
    }
}

/// A gender decision and what it rests on: `pronoun` (pronouns resolved to the person),
/// `honorific` (Mr, Ms, Mrs), `first_name` (given-name statistics above a threshold).
/// Never a surname alone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GenderCall {
    pub gender: Gender,
    pub evidence: String,
    pub confidence: f32,
}

/// Who holds a quote, stance or relation.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ActorRef {
    /// A resolved entity of this document.
    Entity { id: String },
    /// A source the text leaves unnamed: "multiple sources familiar with…", "analysts".
    Anonymous { description: String },
    /// A source the attribution stage found but could not resolve.
    Unresolved { text: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuoteKind {
    /// Verbatim words inside quotation marks.
    Direct,
    /// Reported speech without quotation marks.
    Indirect,
    /// Reported speech containing a quoted fragment.
    Mixed,
}

/// What an attribution's cue reports: what someone said or wrote (a quote in the
/// newsroom sense), what they believe, what a study or document shows, or something else.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum CueClass {
    /// said, told, added, according to, ...
    #[default]
    Speech,
    /// wrote, posted, tweeted, stated in a statement, ...
    Writing,
    /// believes, thinks, hopes, fears, ...
    Belief,
    /// shows, found, suggests, with a study, poll or document as source.
    PerceptionOrEvidence,
    Other,
}

impl CueClass {
    pub const ALL: [CueClass; 5] = [
        CueClass::Speech,
        CueClass::Writing,
        CueClass::Belief,
        CueClass::PerceptionOrEvidence,
        CueClass::Other,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            CueClass::Speech => "speech",
            CueClass::Writing => "writing",
            CueClass::Belief => "belief",
            CueClass::PerceptionOrEvidence => "perception_or_evidence",
            CueClass::Other => "other",
        }
    }

    /// Parses the names of [`CueClass::as_str`].
    pub fn parse(name: &str) -> Option<Self> {
        CueClass::ALL.into_iter().find(|c| c.as_str() == name)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quote {
    /// Document-local id, e.g. `Q2`.
    pub id: String,
    pub content: Span,
    /// The reporting verb or phrase: "stating", "according to".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cue: Option<Span>,
    /// The source as written: "Wendy Cutler", "the President", "he".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Span>,
    pub speaker: ActorRef,
    pub kind: QuoteKind,
    /// What the cue reports (old documents without it read as speech).
    #[serde(default)]
    pub class: CueClass,
    pub stage: String,
    pub confidence: f32,
}

/// What a stance or relation points at.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Target {
    /// An actor of the document.
    Actor { id: String },
    /// An issue: a normalised noun phrase ("export controls on rare earth minerals").
    Issue {
        label: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        span: Option<Span>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Polarity {
    Support,
    Oppose,
    Neutral,
}

/// Where `holder` stands on `target`, and the text that shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stance {
    pub holder: ActorRef,
    pub target: Target,
    pub polarity: Polarity,
    /// The quote or sentence that justifies the stance.
    pub evidence: Span,
    /// The word or phrase that carries the polarity ("challenged", "escalation").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trigger: Option<Span>,
    /// Id of the quote the stance was read from, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
    pub stage: String,
    pub confidence: f32,
}

/// Broad class of a relation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RelationClass {
    /// An event between actors: meet, negotiate, threaten, accuse, sanction, support, criticise.
    Interaction,
    /// Membership or role: person → organisation or country.
    Affiliation,
    /// Reports to / works under.
    Hierarchy,
}

/// Cooperation or conflict, in the spirit of CAMEO's quad classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sign {
    Cooperation,
    Conflict,
    Neutral,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Relation {
    pub class: RelationClass,
    /// Specific kind: `meet`, `negotiate`, `threaten`, `accuse`, `member_of`, `reports_to`, ...
    pub kind: String,
    pub source: ActorRef,
    pub target: Target,
    pub sign: Sign,
    /// Free attributes: `title`, `location`, `issue`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, String>,
    pub evidence: Span,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trigger: Option<Span>,
    pub stage: String,
    pub confidence: f32,
}

/// Piecewise map from offsets in the normalised text back to byte offsets in the raw
/// input (file or HTML page). Anchors are `(text_byte, raw_byte)` pairs, sorted; between
/// anchors offsets advance together.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceMap {
    pub anchors: Vec<(usize, usize)>,
}

impl SourceMap {
    /// Raw-input byte offset of a text byte offset.
    pub fn to_raw(&self, text_byte: usize) -> usize {
        let after = self.anchors.partition_point(|&(t, _)| t <= text_byte);
        match after.checked_sub(1).and_then(|i| self.anchors.get(i)) {
            Some(&(t, r)) => r + (text_byte - t),
            None => text_byte,
        }
    }
}

impl MapSpans for Block {
    fn map_spans(&mut self, f: &mut SpanFn<'_>) -> Result<(), CoreError> {
        self.span.map_spans(f)
    }
}
impl MapSpans for Sentence {
    fn map_spans(&mut self, f: &mut SpanFn<'_>) -> Result<(), CoreError> {
        self.span.map_spans(f)
    }
}
impl MapSpans for Token {
    fn map_spans(&mut self, f: &mut SpanFn<'_>) -> Result<(), CoreError> {
        self.span.map_spans(f)
    }
}
impl MapSpans for Mention {
    fn map_spans(&mut self, f: &mut SpanFn<'_>) -> Result<(), CoreError> {
        self.span.map_spans(f)
    }
}
impl MapSpans for Role {
    fn map_spans(&mut self, f: &mut SpanFn<'_>) -> Result<(), CoreError> {
        self.evidence.map_spans(f)
    }
}
impl MapSpans for Entity {
    fn map_spans(&mut self, f: &mut SpanFn<'_>) -> Result<(), CoreError> {
        self.roles.map_spans(f)
    }
}
impl MapSpans for Quote {
    fn map_spans(&mut self, f: &mut SpanFn<'_>) -> Result<(), CoreError> {
        self.content.map_spans(f)?;
        self.cue.map_spans(f)?;
        self.source.map_spans(f)
    }
}
impl MapSpans for Target {
    fn map_spans(&mut self, f: &mut SpanFn<'_>) -> Result<(), CoreError> {
        match self {
            Target::Actor { .. } => Ok(()),
            Target::Issue { span, .. } => span.map_spans(f),
        }
    }
}
impl MapSpans for Stance {
    fn map_spans(&mut self, f: &mut SpanFn<'_>) -> Result<(), CoreError> {
        self.target.map_spans(f)?;
        self.evidence.map_spans(f)?;
        self.trigger.map_spans(f)
    }
}
impl MapSpans for Relation {
    fn map_spans(&mut self, f: &mut SpanFn<'_>) -> Result<(), CoreError> {
        self.target.map_spans(f)?;
        self.evidence.map_spans(f)?;
        self.trigger.map_spans(f)
    }
}
