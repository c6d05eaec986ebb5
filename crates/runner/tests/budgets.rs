//! Per-document budgets: a document over its token or time budget fails with the setting
//! to change, and the next document is processed as usual.

use std::time::{Duration, Instant};

use stancegraph_core::{
    Document, Metadata, Sentence, SentenceKind, Span, Stage, StageError, Token,
};
use stancegraph_runner::Pipeline;

/// One token per whitespace-separated word.
struct Words;
impl Stage for Words {
    fn process(&self, doc: &mut Document) -> Result<(), StageError> {
        let text = doc.text().to_string();
        doc.sentences.push(Sentence {
            span: Span::new(0, text.len()),
            kind: SentenceKind::Body,
            stage: "test.words".into(),
            confidence: 1.0,
        });
        let mut offset = 0;
        for word in text.split_inclusive(' ') {
            let trimmed = word.trim_end();
            if !trimmed.is_empty() {
                doc.tokens.push(Token {
                    span: Span::new(offset, offset + trimmed.len()),
                    sentence: 0,
                    upos: None,
                    xpos: None,
                    lemma: None,
                    head: None,
                    deprel: None,
                });
            }
            offset += word.len();
        }
        Ok(())
    }
}

/// Works until the document's budget is spent on documents that say "slow" (a stage
/// that checks the deadline); at most five seconds, so a broken budget fails the test.
struct SlowOn;
impl Stage for SlowOn {
    fn process(&self, doc: &mut Document) -> Result<(), StageError> {
        let started = Instant::now();
        if doc.text().contains("slow") {
            while !stancegraph_core::over_budget() && started.elapsed() < Duration::from_secs(5) {
                std::thread::sleep(Duration::from_millis(1));
            }
        }
        Ok(())
    }
}

fn doc(text: &str) -> Document {
    Document::new(None, text, Metadata::default())
}

#[test]
fn a_document_over_the_token_budget_fails_after_tokenization() {
    let pipeline = Pipeline::from_stages(vec![
        ("test.words".into(), Box::new(Words) as Box<dyn Stage>),
        ("test.slow".into(), Box::new(SlowOn)),
    ])
    .with_budgets(None, Some(5));
    let failure = pipeline
        .process(&mut doc("one two three four five six seven"))
        .unwrap_err();
    assert_eq!(failure.stage, "test.words");
    assert!(
        failure.reason.contains("7 tokens is over the limit of 5")
            && failure.reason.contains("runner.max_tokens"),
        "{}",
        failure.reason
    );
    assert!(pipeline.process(&mut doc("one two three")).is_ok());
}

#[test]
fn a_document_over_the_time_budget_fails_and_the_next_one_runs() {
    let pipeline = Pipeline::from_stages(vec![
        ("test.words".into(), Box::new(Words) as Box<dyn Stage>),
        ("test.slow".into(), Box::new(SlowOn)),
    ])
    .with_budgets(Some(Duration::from_millis(200)), None);
    let started = Instant::now();
    let failure = pipeline.process(&mut doc("a slow document")).unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "the stage never saw the deadline"
    );
    assert_eq!(failure.stage, "test.slow");
    assert!(
        failure.reason.contains("time budget")
            && failure.reason.contains("runner.document_seconds"),
        "{}",
        failure.reason
    );
    assert!(pipeline.process(&mut doc("a quick document")).is_ok());
    assert!(
        !stancegraph_core::over_budget(),
        "the budget ends with the document"
    );
}
