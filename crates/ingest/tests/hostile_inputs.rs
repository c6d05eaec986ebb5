//! Hostile inputs at the reader level: devices, FIFOs, endless and oversized inputs,
//! pages built to be slow, and the order of events when extraction runs on threads.

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use stancegraph_ingest::{ExtractOptions, IngestConfig, IngestEvent, Ingestor, Input};

const STORY: &str = "The city council of Leeds approved a new budget for schools on Tuesday after a long debate, and the mayor said the plan would help thousands of families across the region next year.";

fn describe(event: &IngestEvent) -> String {
    match event {
        IngestEvent::Document(doc) => format!("doc {}", doc.id),
        IngestEvent::Failed { source, reason, .. } => format!("failed {source}: {reason}"),
        IngestEvent::Skipped { source, reason, .. } => format!("skipped {source}: {reason}"),
    }
}

fn read(ingestor: &Ingestor, inputs: &[Input], options: ExtractOptions) -> Vec<String> {
    let mut events = Vec::new();
    ingestor.read_with(inputs, options, &mut |e| {
        events.push(describe(&e));
        ControlFlow::Continue(())
    });
    events
}

fn mkfifo(path: &Path) -> bool {
    std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn devices_and_fifos_are_skipped_named_or_in_a_folder() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), STORY).unwrap();
    let fifo = dir.path().join("b.txt");
    if !mkfifo(&fifo) {
        eprintln!("notice: mkfifo unavailable, FIFO case not tested");
        return;
    }
    let ingestor = Ingestor::new(IngestConfig::default()).unwrap();
    let started = Instant::now();
    let events = read(
        &ingestor,
        &[
            Input::Path(dir.path().to_path_buf()),
            Input::Path(PathBuf::from("/dev/zero")),
            Input::Path(fifo.clone()),
        ],
        ExtractOptions::default(),
    );
    assert!(started.elapsed() < Duration::from_secs(10), "{events:?}");
    assert_eq!(events.len(), 4, "{events:?}");
    assert!(events[0].starts_with("doc "), "{events:?}");
    for (event, kind) in events[1..].iter().zip(["FIFO", "character device", "FIFO"]) {
        assert!(
            event.starts_with("skipped") && event.contains(&format!("not a regular file ({kind})")),
            "{events:?}"
        );
    }
}

#[test]
fn oversized_jsonl_lines_fail_alone_and_the_file_streams_on() {
    let dir = tempfile::tempdir().unwrap();
    let long = "word ".repeat(3_000);
    let jsonl =
        format!("{{\"id\":\"big\",\"text\":\"{long}\"}}\n{{\"id\":\"ok\",\"text\":\"{STORY}\"}}\n");
    std::fs::write(dir.path().join("x.jsonl"), jsonl).unwrap();
    let config = IngestConfig {
        max_bytes: 10_000,
        ..IngestConfig::default()
    };
    let events = read(
        &Ingestor::new(config).unwrap(),
        &[Input::Path(dir.path().to_path_buf())],
        ExtractOptions::default(),
    );
    assert_eq!(events.len(), 2, "{events:?}");
    assert!(
        events[0].contains("line 1: more than 10000 bytes"),
        "{events:?}"
    );
    assert_eq!(events[1], "doc ok");
}

#[test]
fn gzip_bombs_say_the_limit_not_a_made_up_size() {
    let dir = tempfile::tempdir().unwrap();
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut encoder, &vec![b'a'; 2_000_000]).unwrap();
    std::fs::write(dir.path().join("bomb.html.gz"), encoder.finish().unwrap()).unwrap();
    let config = IngestConfig {
        max_bytes: 100_000,
        ..IngestConfig::default()
    };
    let events = read(
        &Ingestor::new(config).unwrap(),
        &[Input::Path(dir.path().to_path_buf())],
        ExtractOptions::default(),
    );
    assert_eq!(events.len(), 1, "{events:?}");
    assert!(
        events[0].contains("decompresses to more than 100000 bytes"),
        "{events:?}"
    );
}

fn page(body: &str) -> String {
    format!("<html><head><title>T</title></head><body><article><p>{body}</p><p>{body} Officials welcomed the vote.</p></article></body></html>")
}

#[test]
fn threaded_extraction_keeps_input_order_and_refuses_hostile_pages() {
    let dir = tempfile::tempdir().unwrap();
    let stories = [
        STORY,
        "Farmers in the north of Wales protested outside the assembly on Monday, saying that new rules on water use would force many small farms to close within five years.",
        "A new railway bridge over the river opened in Newcastle this week, two years later than planned, and engineers said trains would cross it every ten minutes at peak times.",
        "The national orchestra announced a tour of twelve cities in the spring, with free concerts for school children and a new work by a young composer from Glasgow.",
        "Hospital waiting lists in the east of England fell for the third month in a row, the health service said, although doctors warned that winter would bring new pressure.",
        "A storm brought heavy rain and strong winds to the south coast overnight, closing roads and ferry ports and leaving thousands of homes without power until the morning.",
    ];
    for (i, story) in stories.iter().enumerate() {
        let story = story.to_string();
        if i % 2 == 0 {
            std::fs::write(dir.path().join(format!("{i}.html")), page(&story)).unwrap();
        } else {
            std::fs::write(dir.path().join(format!("{i}.txt")), story).unwrap();
        }
    }
    // A duplicate of the first page: whichever thread finishes first, the later input is
    // the one skipped.
    std::fs::write(dir.path().join("7.html"), page(STORY)).unwrap();
    std::fs::write(dir.path().join("8.html"), "<div/>".repeat(200_000)).unwrap();
    std::fs::write(
        dir.path().join("9.html"),
        format!(
            "<html><body><p{}>x</p></body></html>",
            " a".repeat(1_000_000)
        ),
    )
    .unwrap();
    let ingestor = Ingestor::new(IngestConfig::default()).unwrap();
    let inputs = [Input::Path(dir.path().to_path_buf())];
    let sequential = read(&ingestor, &inputs, ExtractOptions::default());
    let threaded = read(
        &ingestor,
        &inputs,
        ExtractOptions {
            threads: 3,
            budget: Some(Duration::from_secs(30)),
        },
    );
    assert_eq!(sequential, threaded);
    assert_eq!(threaded.len(), 9, "{threaded:?}");
    assert!(
        threaded[..6].iter().all(|e| e.starts_with("doc ")),
        "{threaded:?}"
    );
    assert!(
        threaded[6].starts_with("skipped") && threaded[6].contains("duplicate"),
        "{threaded:?}"
    );
    assert!(
        threaded[7].contains("nesting deeper than 512"),
        "{threaded:?}"
    );
    assert!(
        threaded[8].contains("more than 256 attributes"),
        "{threaded:?}"
    );
}

#[test]
fn a_page_over_the_time_budget_fails_and_the_rest_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    // Within every limit, but slow to score: 100 nests of 500 elements.
    let nest = format!("{}{STORY}{}", "<div>".repeat(500), "</div>".repeat(500));
    std::fs::write(
        dir.path().join("a.html"),
        format!("<html><body>{}</body></html>", nest.repeat(100)),
    )
    .unwrap();
    std::fs::write(dir.path().join("b.txt"), STORY).unwrap();
    let ingestor = Ingestor::new(IngestConfig::default()).unwrap();
    let events = read(
        &ingestor,
        &[Input::Path(dir.path().to_path_buf())],
        ExtractOptions {
            threads: 2,
            budget: Some(Duration::from_millis(1)),
        },
    );
    assert_eq!(events.len(), 2, "{events:?}");
    assert!(
        events[0].contains("took longer than the time budget"),
        "{events:?}"
    );
    assert!(events[1].starts_with("doc "), "{events:?}");
}
