//! End-to-end runs of the runner with small test stages: fault isolation, ordering,
//! atomic outputs.

use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use stancegraph_core::{Document, Sentence, SentenceKind, Span, Stage, StageError};
use stancegraph_ingest::{IngestConfig, Ingestor, Input};
use stancegraph_runner::{
    run, DocumentsSink, OutputSettings, Pipeline, PipelineConfig, RunOptions, RunOutcome,
    RunnerSettings,
};

/// One sentence per non-empty line.
struct LineSentences;
impl Stage for LineSentences {
    fn process(&self, doc: &mut Document) -> Result<(), StageError> {
        let mut offset = 0;
        let mut sentences = Vec::new();
        for line in doc.text().split_inclusive('\n') {
            let trimmed = line.trim_end();
            if !trimmed.is_empty() {
                sentences.push(Sentence {
                    span: Span::new(offset, offset + trimmed.len()),
                    kind: SentenceKind::Body,
                    stage: "test.lines".into(),
                    confidence: 1.0,
                });
            }
            offset += line.len();
        }
        doc.sentences = sentences;
        Ok(())
    }
}

/// Panics on documents that mention a trigger word, as a buggy plugin would.
struct PanicOn(&'static str);
impl Stage for PanicOn {
    fn process(&self, doc: &mut Document) -> Result<(), StageError> {
        if doc.text().contains(self.0) {
            panic!("cannot handle {}", self.0);
        }
        Ok(())
    }
}

/// Returns a span past the end of the text.
struct BadSpan;
impl Stage for BadSpan {
    fn process(&self, doc: &mut Document) -> Result<(), StageError> {
        if doc.text().contains("bad span") {
            let end = doc.text().len() + 5;
            doc.sentences.push(Sentence {
                span: Span::new(0, end),
                kind: SentenceKind::Body,
                stage: "t".into(),
                confidence: 1.0,
            });
        }
        Ok(())
    }
}

/// Test inputs are synthetic: keep every one of them.
fn source() -> IngestConfig {
    IngestConfig {
        dedup: false,
        skip_other_languages: false,
        ..IngestConfig::default()
    }
}

fn config(batch_size: usize) -> PipelineConfig {
    PipelineConfig {
        origin: "test".into(),
        source: source(),
        runner: RunnerSettings {
            batch_size,
            ..RunnerSettings::default()
        },
        output: OutputSettings::default(),
        graph: Default::default(),
        stages: Vec::new(),
        exports: Vec::new(),
    }
}

fn run_dir(
    input: &Path,
    out: &Path,
    (workers, batch_size): (usize, usize),
    stages: Vec<(String, Box<dyn Stage>)>,
) -> RunOutcome {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let options = RunOptions {
        inputs: vec![Input::Path(input.to_path_buf())],
        out_dir: out.to_path_buf(),
        workers,
        progress: false,
        existing_graph: None,
        sink: DocumentsSink::Files,
    };
    let pipeline = Arc::new(Pipeline::from_stages(stages));
    let ingestor = Arc::new(Ingestor::new(source()).unwrap());
    runtime
        .block_on(run(
            pipeline,
            ingestor,
            &config(batch_size),
            options,
            Arc::new(AtomicBool::new(false)),
        ))
        .unwrap()
}

fn lines(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn a_panicking_stage_fails_one_document_and_the_rest_are_processed() {
    let input = tempfile::tempdir().unwrap();
    std::fs::write(
        input.path().join("a.txt"),
        "Bessent met He Lifeng in Madrid.\n",
    )
    .unwrap();
    std::fs::write(input.path().join("b.txt"), "This one says KABOOM.\n").unwrap();
    std::fs::write(
        input.path().join("c.txt"),
        "Trump threatened a 100 percent tariff.\nA second line.\n",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let stages: Vec<(String, Box<dyn Stage>)> = vec![
        ("test.lines".into(), Box::new(LineSentences)),
        ("test.panic".into(), Box::new(PanicOn("KABOOM"))),
    ];
    let RunOutcome::Completed(summary) = run_dir(input.path(), out.path(), (2, 1), stages) else {
        panic!("cancelled")
    };
    assert_eq!((summary.documents, summary.failed), (2, 1));

    let documents = lines(&out.path().join("documents.jsonl"));
    assert_eq!(documents.len(), 2);
    assert_eq!(documents[1]["sentences"].as_array().unwrap().len(), 2);
    assert_eq!(documents[0]["provenance"][1]["stage"], "test.panic");
    let failed = lines(&out.path().join("failed.jsonl"));
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["stage"], "test.panic");
    assert!(failed[0]["reason"]
        .as_str()
        .unwrap()
        .contains("cannot handle KABOOM"));
    assert!(failed[0]["source"].as_str().unwrap().ends_with("b.txt"));
    assert!(out.path().join("graph.json").exists());
}

#[test]
fn invalid_spans_from_a_stage_fail_only_that_document() {
    let input = tempfile::tempdir().unwrap();
    std::fs::write(input.path().join("a.txt"), "fine\n").unwrap();
    std::fs::write(input.path().join("b.txt"), "a bad span here\n").unwrap();
    let out = tempfile::tempdir().unwrap();
    let RunOutcome::Completed(summary) = run_dir(
        input.path(),
        out.path(),
        // In one batch of both documents: the bad one still fails alone.
        (1, 4),
        vec![("test.bad".into(), Box::new(BadSpan))],
    ) else {
        panic!("cancelled")
    };
    assert_eq!((summary.documents, summary.failed), (1, 1));
    let failed = lines(&out.path().join("failed.jsonl"));
    assert!(
        failed[0]["reason"]
            .as_str()
            .unwrap()
            .contains("invalid span"),
        "{}",
        failed[0]
    );
}

#[test]
fn output_is_identical_whatever_the_number_of_workers() {
    let input = tempfile::tempdir().unwrap();
    let words = [
        "tariff",
        "talks",
        "“summit”",
        "Beijing",
        "minister",
        "export",
        "said",
        "Xi",
        "rare",
        "earth",
        "Geneva",
        "truce",
    ];
    let mut state = 7u64;
    for i in 0..200 {
        let mut text = format!("Document {i}.\n");
        for line in 0..(1 + i % 7) {
            for _ in 0..12 {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                text.push_str(words[(state >> 33) as usize % words.len()]);
                text.push(' ');
            }
            text.push_str(&format!("{line}.\n"));
        }
        std::fs::write(input.path().join(format!("{i:03}.txt")), text).unwrap();
    }
    let read = |workers_and_batch| {
        let out = tempfile::tempdir().unwrap();
        run_dir(
            input.path(),
            out.path(),
            workers_and_batch,
            vec![("test.lines".into(), Box::new(LineSentences))],
        );
        (
            std::fs::read(out.path().join("documents.jsonl")).unwrap(),
            std::fs::read(out.path().join("graph.json")).unwrap(),
        )
    };
    let one = read((1, 1));
    assert_eq!(one.0.iter().filter(|&&b| b == b'\n').count(), 200);
    assert_eq!(one, read((4, 1)));
    // Batches change nothing either.
    assert_eq!(one, read((2, 8)));
}
