//! An example stage plugin: tags the issues of a user-supplied TOML lexicon in each
//! sentence, stores them in its own extension layer `ext:issues`, and links the actors of
//! the same sentence to each issue with a `discusses` relation, which the graph shows as
//! an edge of its own label. It depends on `stancegraph-core` only.

#![deny(missing_docs)]

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use stancegraph_core::{
    layer, ActorRef, BuildContext, ConfigIssue, Document, Registry, Relation, RelationClass, Sign,
    Span, Stage, StageError, StageIo, Target, TypedFactory,
};

/// Name of this plugin's extension layer (`ext:issues`).
pub const NAMESPACE: &str = "issues";

/// Why the lexicon could not be loaded; both variants name the file so the user can fix it.
/// [`IssueTaggerFactory::build`] wraps them in [`StageError::other`].
#[derive(Debug, thiserror::Error)]
pub enum IssueTaggerError {
    /// The lexicon file could not be read (missing, unreadable).
    #[error("reading lexicon {path}: {source}")]
    Read {
        /// The resolved path that was tried, as displayed to the user.
        path: String,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// The lexicon is not valid TOML of the expected shape, or an issue has no phrases.
    #[error("lexicon {path}: {message}")]
    Parse {
        /// The lexicon path, as displayed to the user.
        path: String,
        /// What is wrong, from the TOML parser or the phrase check.
        message: String,
    },
}

/// The lexicon file: `[issues.<key>]` tables with a label and phrases.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lexicon {
    /// Issues by key (the `<key>` of `[issues.<key>]`), which [`IssueHit::issue`] reports.
    pub issues: BTreeMap<String, IssueEntry>,
}

/// One `[issues.<key>]` table of the lexicon.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IssueEntry {
    /// Human-readable issue name, used as the target of the `discusses` relations.
    pub label: String,
    /// Phrases that signal the issue, matched case-insensitively on word boundaries; blank
    /// phrases are ignored, but at least one must be non-blank.
    pub phrases: Vec<String>,
}

impl Lexicon {
    /// Parses lexicon TOML; `path` is only used in error messages. Fails with
    /// [`IssueTaggerError::Parse`] on bad TOML, unknown fields or an issue without phrases.
    pub fn parse(text: &str, path: &str) -> Result<Lexicon, IssueTaggerError> {
        let lexicon: Lexicon = toml::from_str(text).map_err(|e| IssueTaggerError::Parse {
            path: path.into(),
            message: e.to_string(),
        })?;
        if let Some((key, _)) = lexicon
            .issues
            .iter()
            .find(|(_, e)| e.phrases.iter().all(|p| p.trim().is_empty()))
        {
            return Err(IssueTaggerError::Parse {
                path: path.into(),
                message: format!("issue `{key}` has no phrases"),
            });
        }
        Ok(lexicon)
    }
}

/// The `[stages.<name>]` options of `example.issues`; every field has a default, unknown
/// fields are config errors.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct IssueTaggerConfig {
    /// TOML lexicon path (relative paths resolve against the working directory, then data/).
    pub lexicon: String,
    /// Issues mentioned fewer times in a document are not linked to actors (they still appear
    /// in `ext:issues`). Must be at least 1; defaults to 1.
    pub min_mentions: usize,
}

impl Default for IssueTaggerConfig {
    fn default() -> Self {
        IssueTaggerConfig {
            lexicon: "issues.toml".into(),
            min_mentions: 1,
        }
    }
}

/// One issue occurrence in the extension layer (code point offsets, like exports).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IssueHit {
    /// Lexicon key of the issue (`trade_war` for `[issues.trade_war]`).
    pub issue: String,
    /// The issue's label from the lexicon.
    pub label: String,
    /// Start of the matched phrase, in code points from the start of the document.
    pub start: usize,
    /// End of the matched phrase (exclusive), in code points.
    pub end: usize,
    /// Index of the sentence in the document's sentence layer.
    pub sentence: usize,
}

/// The factory of `example.issues`: declares its layers, checks its config and builds an
/// [`IssueTagger`] from the lexicon file. Register it with [`register`].
pub struct IssueTaggerFactory;

impl TypedFactory for IssueTaggerFactory {
    type Config = IssueTaggerConfig;
    const NAME: &'static str = "example.issues";
    const DESCRIPTION: &'static str =
        "Tags lexicon issues per sentence and links co-occurring actors to them";
    const VERSION: &'static str = "1";

    fn io(&self, _config: &IssueTaggerConfig) -> StageIo {
        StageIo::new(
            &[layer::SENTENCES, layer::ENTITIES],
            &[layer::Layer::extension("issues"), layer::RELATIONS],
        )
    }

    fn check(&self, config: &IssueTaggerConfig) -> Vec<ConfigIssue> {
        if config.min_mentions == 0 {
            vec![ConfigIssue::new("min_mentions", "must be at least 1")]
        } else {
            Vec::new()
        }
    }

    fn build(
        &self,
        config: IssueTaggerConfig,
        context: &BuildContext,
    ) -> Result<Box<dyn Stage>, StageError> {
        let path = context.resolve(&config.lexicon);
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(&path).map_err(|source| {
            StageError::other(IssueTaggerError::Read {
                path: shown.clone(),
                source,
            })
        })?;
        let lexicon = Lexicon::parse(&text, &shown).map_err(StageError::other)?;
        Ok(Box::new(IssueTagger::new(lexicon, config.min_mentions)))
    }
}

/// The `example.issues` stage: tags lexicon phrases per sentence into `ext:issues` and adds
/// `discusses` relations from each actor of the sentence to the issue. Rerunning it on a
/// document replaces its earlier relations.
pub struct IssueTagger {
    /// (issue key, label, lowercase phrase), longest phrases first so they win overlaps.
    phrases: Vec<(String, String, String)>,
    min_mentions: usize,
}

impl IssueTagger {
    /// Builds the stage from a parsed lexicon; `min_mentions` as in
    /// [`IssueTaggerConfig::min_mentions`]. Phrases are lowercased and blank ones dropped.
    pub fn new(lexicon: Lexicon, min_mentions: usize) -> Self {
        let mut phrases: Vec<(String, String, String)> = lexicon
            .issues
            .into_iter()
            .flat_map(|(key, entry)| {
                entry
                    .phrases
                    .into_iter()
                    .map(move |p| (key.clone(), entry.label.clone(), p.to_lowercase()))
            })
            .filter(|(_, _, p)| !p.trim().is_empty())
            .collect();
        phrases.sort_by(|a, b| b.2.len().cmp(&a.2.len()).then(a.cmp(b)));
        IssueTagger {
            phrases,
            min_mentions,
        }
    }

    /// Every issue phrase in the document's sentences, without overlaps (longer phrases win),
    /// in text order, as (phrase index, sentence index, byte span). The phrase index is
    /// internal to this tagger; use the stage's `ext:issues` output for keys and labels.
    pub fn find(&self, doc: &Document) -> Vec<(usize, usize, Span)> {
        let mut hits: Vec<(usize, usize, Span)> = Vec::new();
        for (sentence_index, sentence) in doc.sentences.iter().enumerate() {
            let text = doc.slice(sentence.span);
            // ASCII lowercasing keeps byte offsets aligned with the original text.
            let lower = text.to_ascii_lowercase();
            for (phrase_index, (_, _, phrase)) in self.phrases.iter().enumerate() {
                for (at, _) in lower.match_indices(phrase.as_str()) {
                    let end = at + phrase.len();
                    let bounded = !lower[..at]
                        .chars()
                        .next_back()
                        .is_some_and(char::is_alphanumeric)
                        && !lower[end..]
                            .chars()
                            .next()
                            .is_some_and(char::is_alphanumeric);
                    let span = Span::new(sentence.span.start + at, sentence.span.start + end);
                    if bounded && !hits.iter().any(|(_, _, s)| s.overlaps(span)) {
                        hits.push((phrase_index, sentence_index, span));
                    }
                }
            }
        }
        hits.sort_by_key(|(_, _, span)| *span);
        hits
    }
}

impl Stage for IssueTagger {
    fn process(&self, doc: &mut Document) -> Result<(), StageError> {
        let hits = self.find(doc);
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for (phrase, _, _) in &hits {
            *counts.entry(self.phrases[*phrase].0.as_str()).or_default() += 1;
        }
        let layer: Vec<IssueHit> = hits
            .iter()
            .map(|&(phrase, sentence, span)| {
                let (issue, label, _) = &self.phrases[phrase];
                let chars = doc.export_span(span);
                IssueHit {
                    issue: issue.clone(),
                    label: label.clone(),
                    start: chars.start,
                    end: chars.end,
                    sentence,
                }
            })
            .collect();
        // Link the resolved actors mentioned in the same sentence to the issue.
        let mut relations = Vec::new();
        for &(phrase, sentence, span) in &hits {
            let (issue, label, _) = &self.phrases[phrase];
            if counts.get(issue.as_str()).copied().unwrap_or(0) < self.min_mentions {
                continue;
            }
            let Some(sentence_span) = doc.sentences.get(sentence).map(|s| s.span) else {
                continue;
            };
            let mut actors: Vec<&str> = doc
                .mentions
                .iter()
                .filter(|m| sentence_span.contains(m.span))
                .filter_map(|m| m.entity.as_deref())
                .collect();
            actors.sort_unstable();
            actors.dedup();
            for actor in actors {
                relations.push(Relation {
                    class: RelationClass::Interaction,
                    kind: "discusses".into(),
                    source: ActorRef::Entity {
                        id: actor.to_string(),
                    },
                    target: Target::Issue {
                        label: label.clone(),
                        span: Some(span),
                    },
                    sign: Sign::Neutral,
                    attributes: BTreeMap::new(),
                    evidence: sentence_span,
                    trigger: Some(span),
                    stage: IssueTaggerFactory::NAME.into(),
                    confidence: 0.6,
                });
            }
        }
        doc.relations
            .retain(|r| r.stage != IssueTaggerFactory::NAME);
        doc.relations.extend(relations);
        let value = serde_json::to_value(layer).map_err(StageError::other)?;
        doc.extensions.insert(NAMESPACE.to_string(), value);
        Ok(())
    }
}

/// Registers `example.issues`.
pub fn register(registry: &mut Registry) {
    registry.register_typed(IssueTaggerFactory);
}

#[cfg(test)]
mod tests {
    use super::*;
    use stancegraph_core::{Metadata, Sentence, SentenceKind};

    fn tagger() -> IssueTagger {
        let text =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/issues.toml")).unwrap();
        IssueTagger::new(Lexicon::parse(&text, "issues.toml").unwrap(), 1)
    }

    fn one_sentence_doc(text: &str) -> Document {
        let mut doc = Document::new(None, text, Metadata::default());
        doc.sentences.push(Sentence {
            span: Span::new(0, text.len()),
            kind: SentenceKind::Body,
            stage: "t".into(),
            confidence: 1.0,
        });
        doc
    }

    #[test]
    fn tags_phrases_on_word_boundaries_with_code_point_offsets() {
        let mut doc = one_sentence_doc("Beijing’s export controls on rare earths and a 100 percent tariff; tariffication is not one.");
        tagger().process(&mut doc).unwrap();
        let hits: Vec<IssueHit> =
            serde_json::from_value(doc.extensions[NAMESPACE].clone()).unwrap();
        let labels: Vec<&str> = hits.iter().map(|h| h.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "rare earth export controls",
                "rare earth export controls",
                "trade war"
            ]
        );
        // "’" is one code point: "export" starts at code point 10.
        assert_eq!((hits[0].start, hits[0].end), (10, 25));
    }

    #[test]
    fn lexicon_errors_name_the_file() {
        let error =
            Lexicon::parse("[issues.x]\nlabel = \"x\"\nphrases = []\n", "my.toml").unwrap_err();
        assert!(error.to_string().contains("my.toml") && error.to_string().contains("no phrases"));
        assert!(Lexicon::parse("[issues.x]\nlabel = 3\n", "bad.toml").is_err());
    }
}
