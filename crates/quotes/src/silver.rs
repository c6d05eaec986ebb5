//! Silver attribution data for distillation: the quotes another attributor (the accurate
//! preset's `quotes.encoder`) wrote into annotated documents, read back as training examples
//! with source, cue and content spans as PolNeAR's gold ones are.

use std::path::Path;

use stancegraph_core::Document;

use crate::polnear::GoldAttribution;
use crate::train::Example;
use crate::QuotesError;

/// Which quotes of a labelled document are the teacher's, and which documents count.
#[derive(Debug, Clone, PartialEq)]
pub struct SilverSettings {
    /// Only quotes written by this stage count (e.g. `quotes.encoder`).
    pub stage: String,
    /// A document holding a teacher quote less confident than this is left out whole: its
    /// other tokens would otherwise teach "no attribution" where the teacher was unsure.
    pub min_confidence: f32,
}

impl Default for SilverSettings {
    fn default() -> Self {
        SilverSettings {
            stage: "quotes.encoder".to_string(),
            min_confidence: 0.0,
        }
    }
}

/// The teacher's quotes of `doc` as gold attributions (an empty content span means the
/// attribution has none), or `None` when the document fails `settings`. The example's
/// document keeps the text layers only, as training documents are prepared.
pub fn silver_example(mut doc: Document, settings: &SilverSettings) -> Option<Example> {
    let mut gold = Vec::new();
    for quote in doc.quotes.iter().filter(|q| q.stage == settings.stage) {
        if quote.confidence < settings.min_confidence {
            return None;
        }
        let attribution = GoldAttribution {
            source: quote.source.filter(|s| !s.is_empty()),
            cue: quote.cue.filter(|s| !s.is_empty()),
            content: Some(quote.content).filter(|s| !s.is_empty()),
        };
        if attribution != GoldAttribution::default() {
            gold.push(attribution);
        }
    }
    doc.mentions.clear();
    doc.entities.clear();
    doc.quotes.clear();
    doc.relations.clear();
    doc.stances.clear();
    Some(Example { doc, gold })
}

/// Silver examples of every line of an annotated `documents.jsonl` (the `run` output, code
/// point offsets) that passes `settings`. A line that is not a document is an error naming
/// file and line.
pub fn read_silver_examples(
    path: &Path,
    settings: &SilverSettings,
) -> Result<Vec<Example>, QuotesError> {
    let text = std::fs::read_to_string(path).map_err(|e| QuotesError::io(path, e))?;
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let doc = Document::from_export(line).map_err(|e| QuotesError::Document {
            doc: format!("{} line {}", path.display(), n + 1),
            message: e.to_string(),
        })?;
        out.extend(silver_example(doc, settings));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use stancegraph_core::{
        ActorRef, Metadata, Quote, QuoteKind, Sentence, SentenceKind, Span, Token,
    };

    fn quote(text: &str, source: &str, cue: &str, content: &str, stage: &str) -> Quote {
        let span = |part: &str| {
            let start = text.find(part).unwrap();
            Span::new(start, start + part.len())
        };
        Quote {
            id: String::new(),
            content: span(content),
            cue: Some(span(cue)),
            source: Some(span(source)),
            speaker: ActorRef::Unresolved {
                text: source.to_string(),
            },
            kind: QuoteKind::Indirect,
            class: Default::default(),
            stage: stage.to_string(),
            confidence: 0.8,
        }
    }

    const TEXT: &str = "The minister said talks would resume. Critics doubt it.";

    fn labelled() -> Document {
        let mut doc = Document::new(Some("t".into()), TEXT.to_string(), Metadata::default());
        doc.quotes = vec![
            quote(
                TEXT,
                "The minister",
                "said",
                "talks would resume",
                "quotes.encoder",
            ),
            quote(TEXT, "Critics", "doubt", "it", "quotes.attribution"),
        ];
        doc
    }

    #[test]
    fn the_teachers_quotes_become_gold_spans() {
        let example = silver_example(labelled(), &SilverSettings::default()).unwrap();
        assert_eq!(example.gold.len(), 1);
        let g = example.gold[0];
        let part = |s: Option<Span>| s.map(|s| &TEXT[s.start..s.end]);
        assert_eq!(part(g.source), Some("The minister"));
        assert_eq!(part(g.cue), Some("said"));
        assert_eq!(part(g.content), Some("talks would resume"));
        assert!(example.doc.quotes.is_empty());
    }

    #[test]
    fn an_empty_content_is_no_content_and_unsure_documents_are_left_out() {
        let mut doc = labelled();
        doc.quotes[0].content = Span::new(0, 0);
        let example = silver_example(doc.clone(), &SilverSettings::default()).unwrap();
        assert_eq!(example.gold[0].content, None);
        assert!(example.gold[0].cue.is_some());
        let strict = SilverSettings {
            min_confidence: 0.9,
            ..SilverSettings::default()
        };
        assert!(silver_example(doc, &strict).is_none());
    }

    #[test]
    fn the_teachers_quotes_become_the_taggers_tags() {
        let mut doc = labelled();
        // Tokens at whitespace and before the periods, two sentences.
        let mut start = None;
        for (i, c) in TEXT.char_indices().chain([(TEXT.len(), ' ')]) {
            let boundary = c == ' ' || c == '.';
            if let (true, Some(s)) = (boundary, start) {
                doc.tokens.push(Token {
                    span: Span::new(s, i),
                    ..Token::default()
                });
                start = None;
            }
            if c == '.' {
                doc.tokens.push(Token {
                    span: Span::new(i, i + 1),
                    ..Token::default()
                });
            } else if c != ' ' && start.is_none() {
                start = Some(i);
            }
        }
        let second = TEXT.find("Critics").unwrap();
        for token in &mut doc.tokens {
            token.sentence = u32::from(token.span.start >= second);
        }
        for span in [Span::new(0, second - 1), Span::new(second, TEXT.len())] {
            doc.sentences.push(Sentence {
                span,
                kind: SentenceKind::Body,
                stage: String::new(),
                confidence: 1.0,
            });
        }
        let example = silver_example(doc, &SilverSettings::default()).unwrap();
        let tags = crate::tagger::gold_tags(&example.doc, &crate::train::role_spans(&example.gold));
        // The minister | said | talks would resume | . Critics doubt it . (O: not the teacher's)
        assert_eq!(tags, vec![1, 2, 3, 5, 6, 6, 0, 0, 0, 0, 0]);
    }
}
