//! Batching: a stage that overrides `process_batch` receives the documents of a batch
//! together, and a document that fails in a batch fails alone.

use std::sync::Mutex;

use stancegraph_core::{Document, Metadata, Stage, StageError};
use stancegraph_runner::Pipeline;

/// Records the size of every batch it gets; fails documents whose text says "bad".
struct Batching {
    sizes: std::sync::Arc<Mutex<Vec<usize>>>,
}

impl Stage for Batching {
    fn process(&self, _doc: &mut Document) -> Result<(), StageError> {
        unreachable!("the runner hands this stage batches")
    }

    fn process_batch(&self, docs: &mut [Document]) -> Vec<Result<(), StageError>> {
        self.sizes.lock().unwrap().push(docs.len());
        docs.iter_mut()
            .map(|doc| {
                if doc.text().contains("bad") {
                    Err(StageError::Message("bad document".into()))
                } else {
                    doc.metadata.title = Some(format!("seen: {}", doc.text()));
                    Ok(())
                }
            })
            .collect()
    }
}

/// Counts the documents it sees one at a time (through the default `process_batch`).
struct Counting(std::sync::Arc<Mutex<Vec<String>>>);

impl Stage for Counting {
    fn process(&self, doc: &mut Document) -> Result<(), StageError> {
        self.0.lock().unwrap().push(doc.text().to_string());
        Ok(())
    }
}

/// Returns one result too few.
struct Short;

impl Stage for Short {
    fn process(&self, _doc: &mut Document) -> Result<(), StageError> {
        Ok(())
    }

    fn process_batch(&self, docs: &mut [Document]) -> Vec<Result<(), StageError>> {
        docs.iter().skip(1).map(|_| Ok(())).collect()
    }
}

fn docs(texts: &[&str]) -> Vec<Document> {
    texts
        .iter()
        .map(|t| Document::new(None, *t, Metadata::default()))
        .collect()
}

#[test]
fn a_batching_stage_gets_the_batch_and_a_bad_document_fails_alone() {
    let sizes = std::sync::Arc::new(Mutex::new(Vec::new()));
    let later = std::sync::Arc::new(Mutex::new(Vec::new()));
    let pipeline = Pipeline::from_stages(vec![
        (
            "test.batching".into(),
            Box::new(Batching {
                sizes: sizes.clone(),
            }),
        ),
        ("test.counting".into(), Box::new(Counting(later.clone()))),
    ]);
    let results = pipeline.process_batch(docs(&["one", "bad two", "three"]));
    assert_eq!(*sizes.lock().unwrap(), vec![3]);
    assert_eq!(results.len(), 3);
    let first = results[0].as_ref().expect("first document");
    assert_eq!(first.metadata.title.as_deref(), Some("seen: one"));
    let failure = results[1].as_ref().expect_err("the bad document fails");
    assert_eq!(failure.stage, "test.batching");
    assert_eq!(failure.reason, "bad document");
    assert!(results[2].is_ok());
    // The failed document skips the later stages; the others go on, in order.
    assert_eq!(*later.lock().unwrap(), vec!["one", "three"]);
    // Provenance of both stages, recorded by the runner.
    let stages: Vec<&str> = first.provenance.iter().map(|p| p.stage.as_str()).collect();
    assert_eq!(stages, ["test.batching", "test.counting"]);
}

#[test]
fn a_wrong_number_of_results_fails_the_whole_batch() {
    let pipeline = Pipeline::from_stages(vec![("test.short".into(), Box::new(Short))]);
    let results = pipeline.process_batch(docs(&["one", "two"]));
    for result in results {
        let failure = result.expect_err("no result for some document");
        assert!(
            failure
                .reason
                .contains("returned 1 results for a batch of 2"),
            "{}",
            failure.reason
        );
    }
}

#[test]
fn one_document_goes_through_process_batch_too() {
    let sizes = std::sync::Arc::new(Mutex::new(Vec::new()));
    let pipeline = Pipeline::from_stages(vec![(
        "test.batching".into(),
        Box::new(Batching {
            sizes: sizes.clone(),
        }),
    )]);
    let mut doc = Document::new(None, "bad", Metadata::default());
    let failure = pipeline.process(&mut doc).expect_err("fails");
    assert_eq!(failure.reason, "bad document");
    assert_eq!(*sizes.lock().unwrap(), vec![1]);
}
