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
    /// The block's text (without its line break).
    pub span: Span,
    /// Body, heading or boilerplate.
    pub kind: BlockKind,
    /// Why the block got its kind, e.g. `promotional vocabulary, no shared actor`.
    #[serde(default)]
    pub reason: String,
    /// The stage that made the annotation.
    pub stage: String,
    /// How sure the stage is, from 0 to 1.
    pub confidence: f32,
}

/// Whether a sentence is article body, a heading or a dateline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SentenceKind {
    /// Part of the article's body.
    Body,
    /// A heading or subheading.
    Heading,
    /// The place and wire credit a story opens with ("WASHINGTON (AP) —"): its tokens stay,
    /// so that models read the text as written, but it names no actor and holds no quote.
    Dateline,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
/// One sentence of the text.
pub struct Sentence {
    /// The sentence's text.
    pub span: Span,
    /// Body or heading.
    pub kind: SentenceKind,
    /// The stage that made the annotation.
    pub stage: String,
    /// How sure the stage is, from 0 to 1.
    pub confidence: f32,
}

/// One token. Tagging and parsing stages fill the optional fields in place; which stage
/// filled which field is recorded in the document's provenance (per layer), not per token.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Token {
    /// The token's text.
    pub span: Span,
    /// Index of the sentence (in `Document::sentences`) this token belongs to.
    pub sentence: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Universal POS tag (`NOUN`, `VERB`, …): `text.pos`.
    pub upos: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Penn Treebank tag (`NN`, `VBD`, …): `text.pos`.
    pub xpos: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Lemma: `text.pos`.
    pub lemma: Option<String>,
    /// Document-level index of the head token; `None` for the root or when unparsed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Universal Dependencies relation to the head (`nsubj`, `obj`, …): `text.parse`.
    pub deprel: Option<String>,
}

/// Entity types. GPE covers countries, cities and governments acting as such.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum EntityType {
    /// A person.
    Per,
    /// An organisation.
    Org,
    /// A location that is not a political entity.
    Loc,
    /// A country, city or state (geo-political entity).
    Gpe,
    /// A nationality, religious or political group.
    Norp,
    /// Any other named thing.
    Misc,
    /// A date.
    Date,
    /// A sum of money.
    Money,
}

impl EntityType {
    /// The label used in exports and models (`PER`, `ORG`, …).
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
/// A mention of an entity: a name, a nominal ("the minister") or a pronoun.
pub struct Mention {
    /// The mention's text.
    pub span: Span,
    /// What kind of thing it names.
    pub entity_type: EntityType,
    /// Named, nominal or pronominal.
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
    /// The stage that made the annotation.
    pub stage: String,
    /// How sure the stage is, from 0 to 1.
    pub confidence: f32,
}

/// A role an actor holds: "Treasury Secretary" of the US Treasury, in the US.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Role {
    /// The role's title, e.g. `Treasury Secretary`.
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The organisation the role belongs to, when stated.
    pub organisation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The country the role belongs to, when stated.
    pub country: Option<String>,
    /// The text that states the role.
    pub evidence: Span,
    /// The stage that made the annotation.
    pub stage: String,
    /// How sure the stage is, from 0 to 1.
    pub confidence: f32,
}

/// An actor of the document: all mentions of one person, organisation or place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entity {
    /// Document-local id, e.g. `E3`.
    pub id: String,
    /// The fullest name: "Scott Bessent".
    pub canonical: String,
    /// What kind of actor it is.
    pub entity_type: EntityType,
    #[serde(default)]
    /// Every surface form of the actor in the document.
    pub aliases: Vec<String>,
    #[serde(default)]
    /// Titles and positions the document gives the actor.
    pub roles: Vec<Role>,
    /// Cross-document key: normalised canonical name and type, e.g. `per:scott bessent`.
    pub key: String,
    /// A person's gender as the text shows it, with its evidence; `None` when unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender: Option<GenderCall>,
    /// The stage that made the annotation.
    pub stage: String,
    /// How sure the stage is, from 0 to 1.
    pub confidence: f32,
}

/// A person's gender as far as the text shows it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    /// Female.
    Female,
    /// Male.
    Male,
    #[default]
    /// Not known (the default).
    Unknown,
}

impl Gender {
    /// The name used in exports (`female`, `male`, `unknown`).
    pub fn as_str(&self) -> &'static str {
        match self {
            Gender::Female => "female",
            Gender::Male => "male",
            Gender::Unknown => "unknown",
        }
    }
}

/// A gender decision and what it rests on: `pronoun` (pronouns resolved to the person),
/// `honorific` (Mr, Ms, Mrs), `kinship` (a kinship noun before the name: "her son Kody
/// Cook"), `first_name` (given-name statistics above a threshold).
/// Never a surname alone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GenderCall {
    /// The gender called.
    pub gender: Gender,
    /// What the call rests on (a pronoun, a title).
    pub evidence: String,
    /// How sure the call is, from 0 to 1.
    pub confidence: f32,
}

/// Who holds a quote, stance or relation.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ActorRef {
    /// A resolved entity of this document.
    Entity {
        /// The entity's id (`Entity::id`).
        id: String,
    },
    /// A source the text leaves unnamed: "multiple sources familiar with…", "analysts".
    Anonymous {
        /// How the text describes the source.
        description: String,
    },
    /// A source the attribution stage found but could not resolve.
    Unresolved {
        /// The source as written.
        text: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
/// How much of a quote is the speaker's own words.
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
    /// Anything else.
    Other,
}

impl CueClass {
    /// Every class, in order.
    pub const ALL: [CueClass; 5] = [
        CueClass::Speech,
        CueClass::Writing,
        CueClass::Belief,
        CueClass::PerceptionOrEvidence,
        CueClass::Other,
    ];

    /// The name used in configs and exports (`speech`, `writing`, …).
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
/// Who said what: content, cue and source of one attribution.
pub struct Quote {
    /// Document-local id, e.g. `Q2`.
    pub id: String,
    /// What was said (inside the quote marks for direct quotes).
    pub content: Span,
    /// The reporting verb or phrase: "stating", "according to".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cue: Option<Span>,
    /// The source as written: "Wendy Cutler", "the President", "he".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Span>,
    /// Who said it.
    pub speaker: ActorRef,
    /// Direct, mixed or indirect.
    pub kind: QuoteKind,
    /// What the cue reports (old documents without it read as speech).
    #[serde(default)]
    pub class: CueClass,
    /// The stage that made the annotation.
    pub stage: String,
    /// How sure the stage is, from 0 to 1.
    pub confidence: f32,
}

/// What a stance or relation points at.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Target {
    /// An actor of the document.
    Actor {
        /// The actor's id (`Entity::id`).
        id: String,
    },
    /// An issue: a normalised noun phrase ("export controls on rare earth minerals").
    Issue {
        /// The normalised label.
        label: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        /// Where the issue is named in the text, if one span names it.
        span: Option<Span>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
/// The direction of a stance.
pub enum Polarity {
    /// The holder is for the target.
    Support,
    /// The holder is against the target.
    Oppose,
    /// Neither for nor against.
    Neutral,
}

/// Where `holder` stands on `target`, and the text that shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stance {
    /// Who holds the stance.
    pub holder: ActorRef,
    /// Toward whom or what.
    pub target: Target,
    /// For, against or neutral.
    pub polarity: Polarity,
    /// The quote or sentence that justifies the stance.
    pub evidence: Span,
    /// The word or phrase that carries the polarity ("challenged", "escalation").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trigger: Option<Span>,
    /// Id of the quote the stance was read from, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
    /// The stage that made the annotation.
    pub stage: String,
    /// How sure the stage is, from 0 to 1.
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
    /// The actors work together.
    Cooperation,
    /// The actors are in conflict.
    Conflict,
    /// Neither cooperation nor conflict.
    Neutral,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
/// A relation between two actors (or an actor and an issue).
pub struct Relation {
    /// Interaction, affiliation or hierarchy.
    pub class: RelationClass,
    /// Specific kind: `meet`, `negotiate`, `threaten`, `accuse`, `member_of`, `reports_to`, ...
    pub kind: String,
    /// The actor the relation starts from.
    pub source: ActorRef,
    /// The actor or issue it points at.
    pub target: Target,
    /// Cooperation, conflict or neutral.
    pub sign: Sign,
    /// Free attributes: `title`, `location`, `issue`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, String>,
    /// The sentence (or clause) that states the relation.
    pub evidence: Span,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The word or phrase that triggered the relation, if any.
    pub trigger: Option<Span>,
    /// The stage that made the annotation.
    pub stage: String,
    /// How sure the stage is, from 0 to 1.
    pub confidence: f32,
}

/// Piecewise map from offsets in the normalised text back to byte offsets in the raw
/// input (file or HTML page). Anchors are `(text_byte, raw_byte)` pairs, sorted; between
/// anchors offsets advance together.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceMap {
    /// `(text_byte, raw_byte)` pairs, sorted.
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
