//! The rule families of the extractor, one module each. Every rule reads the per-document
//! [`View`](crate::extract::view::View) and writes candidates into
//! [`Findings`](crate::extract::findings::Findings); the extractor then calibrates and
//! deduplicates them (see [`crate::extract`]).
//!
//! - [`triggers`]: reporting and evaluative verbs and nouns ("criticised", "threats",
//!   "met"), active and passive: stances and interactions.
//! - [`predication`]: "X described Y as Z": a stance from the valence of Z.
//! - [`hierarchy`]: "X, the negotiator under Y", "X reports to Y": `reports_to`.
//! - [`roles`]: role nouns ("a critic of Y", "Trump appointee X", "appointed by Y"):
//!   stances between the described actor and the other.
//! - [`quotes`]: a speaker's stance toward the actors their quote names.
//! - [`pair_model`]: the SEESAW-trained classifier over actor pairs of a sentence.
//! - [`affiliations`]: entity roles as `holds_role` and `member_of`.
//!
//! Negation, refusal, hedging and exculpation ([`crate::negation`]) withhold triggers and
//! oppose readings in the trigger, quote and pair-model rules.

pub(crate) mod affiliations;
pub(crate) mod hierarchy;
pub(crate) mod pair_model;
pub(crate) mod predication;
pub(crate) mod quotes;
pub(crate) mod roles;
pub(crate) mod triggers;
