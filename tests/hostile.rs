//! The hostile corpus (issue 17's bar): pages built to stall HTML extraction, an element
//! with a million attributes, a 20 MB one-line text file and a 10 MB JSONL text field, an
//! endless device and a FIFO with no writer, run together with three good articles by the
//! release binary with two workers. The run must end in under 60 s in under 1 GB, the good
//! articles must be processed, and every hostile input must be in `failed.jsonl` or
//! `skipped.jsonl` with a reason a person understands. Everything is generated here; no
//! large file is committed.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The tests of this file time themselves: they take this lock so that they never run
/// beside each other (the hostile run alone keeps both cores of a CI machine busy).
static TIMED: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// The timing lock, also after another timed test failed while holding it.
fn timed() -> std::sync::MutexGuard<'static, ()> {
    TIMED
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

const SEED: &str = "data/samples/000_668776db8feb23be.txt";

const GOOD_TWO: &str = "Farmers in the north of Wales protested outside the Senedd in Cardiff on Monday over new rules on water use.\n\"These rules will force many small farms to close within five years,\" said Gareth Evans, who leads the Farmers' Union of Wales.\nThe Welsh government said it would meet the union next week and that the rules were needed to protect rivers.\n";

const GOOD_THREE: &str = "A new railway bridge over the River Tyne opened in Newcastle on Friday, two years later than planned.\nNetwork Rail said trains would cross it every ten minutes at peak times.\n\"It was worth the wait,\" the city's mayor, Anna Clarke, told reporters, adding that the council would now press for a new station.\n";

/// The embedded default pipeline without per-document budgets (the scaling tests time
/// whole stages).
fn default_pipeline() -> stancegraph_runner::Pipeline {
    let registry = stancegraph_cli::builtin_registry();
    let source = stancegraph_runner::ConfigSource::Embedded {
        name: "default".into(),
        toml: stancegraph_cli::DEFAULT_CONFIG.into(),
    };
    let config = stancegraph_runner::load_config(&source, &registry, false).unwrap();
    let context = stancegraph_core::BuildContext {
        data_dir: stancegraph_cli::data_dir(None),
        config_path: String::new(),
    };
    stancegraph_runner::Pipeline::build(&config, &registry, &context)
        .unwrap()
        .with_budgets(None, None)
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `bytes` bytes of news-like sentences on one line (names, organisations, quotes,
/// pronouns), drawn by a generator seeded with `seed`: varied enough that duplicate
/// detection keeps it, and read as article text by the boilerplate stage.
fn one_line_news(bytes: usize, seed: u64) -> String {
    const FIRST: &[&str] = &[
        "Anna", "Tom", "Maria", "James", "Li", "Ahmed", "Sofia", "David", "Elena", "Omar", "Grace",
        "Peter",
    ];
    const LAST: &[&str] = &[
        "Clarke", "Evans", "Moreno", "Chen", "Okafor", "Novak", "Schmidt", "Rossi", "Tanaka",
        "Haddad", "Brown", "Silva",
    ];
    const PLACES: &[&str] = &[
        "Cardiff", "Leeds", "Lagos", "Madrid", "Osaka", "Warsaw", "Lyon", "Toronto", "Nairobi",
        "Lima",
    ];
    const ORGS: &[&str] = &[
        "the Treasury",
        "the health ministry",
        "the city council",
        "Network Rail",
        "the central bank",
        "the European Commission",
        "the trade union",
        "the World Bank",
    ];
    const VERBS: &[&str] = &[
        "cut", "raise", "review", "delay", "approve", "block", "fund", "expand",
    ];
    const NOUNS: &[&str] = &[
        "taxes",
        "fares",
        "budgets",
        "subsidies",
        "tariffs",
        "salaries",
        "pensions",
        "permits",
    ];
    const DAYS: &[&str] = &["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"];
    let mut state = seed | 1;
    let mut next = move |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    let mut out = String::with_capacity(bytes + 200);
    while out.len() < bytes {
        let (f, l, p) = (FIRST[next(12)], LAST[next(12)], PLACES[next(10)]);
        let (o, v, n, d) = (ORGS[next(8)], VERBS[next(8)], NOUNS[next(8)], DAYS[next(5)]);
        let sentence = match next(4) {
            0 => format!(
                "{f} {l}, a spokesperson in {p}, said on {d} that {o} would {v} {} {n}. ",
                next(900) + 2
            ),
            1 => format!("\"We will not {v} the {n},\" {l} told reporters in {p}. "),
            2 => format!("She added that {o} had agreed to {v} {n} by {d}, according to {f} {l}. "),
            _ => format!("Critics in {p} accused {o} of trying to {v} {n} without a vote. "),
        };
        out.push_str(&sentence);
    }
    out.truncate(bytes);
    out
}

/// Writes the corpus; returns the extra inputs named on the command line.
fn generate(dir: &Path) -> Vec<PathBuf> {
    std::fs::create_dir_all(dir).unwrap();
    // Good articles.
    std::fs::copy(root().join(SEED), dir.join("good-1.txt")).unwrap();
    std::fs::write(dir.join("good-2.txt"), GOOD_TWO).unwrap();
    std::fs::write(dir.join("good-3.txt"), GOOD_THREE).unwrap();
    // Item 1: nesting hidden from a naive guard (`<div/>` opens a div; `</x>` closes none).
    let body = "<p>Officials said the plan would go ahead.</p>";
    std::fs::write(
        dir.join("hostile-div-slash.html"),
        format!(
            "<html><body>{body}{}</body></html>",
            "<div/>".repeat(200_000)
        ),
    )
    .unwrap();
    std::fs::write(
        dir.join("hostile-div-unclosed.html"),
        format!(
            "<html><body>{body}{}</body></html>",
            "<div></x>".repeat(200_000)
        ),
    )
    .unwrap();
    // Item 2: one element with 1,000,000 attributes (12 MB).
    let mut attributes = String::with_capacity(12_000_000);
    for i in 0..1_000_000 {
        attributes.push_str(&format!(" a{i}=x"));
    }
    std::fs::write(
        dir.join("hostile-attributes.html"),
        format!("<html><body><div{attributes}>{body}</div></body></html>"),
    )
    .unwrap();
    // Item 3: a 20 MB single-line text file and a 10 MB `text` field (under max_bytes).
    std::fs::write(
        dir.join("hostile-one-line.txt"),
        one_line_news(20_000_000, 17),
    )
    .unwrap();
    let record = serde_json::json!({"id": "hostile-jsonl", "text": one_line_news(10_000_000, 29)});
    std::fs::write(dir.join("hostile-field.jsonl"), format!("{record}\n")).unwrap();
    // Item 7: a FIFO with no writer, inside the folder and named; and /dev/zero.
    let fifo = dir.join("hostile-fifo.txt");
    let made = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    let mut extra = vec![PathBuf::from("/dev/zero")];
    if made {
        extra.push(fifo);
    } else {
        eprintln!("notice: mkfifo unavailable, the FIFO case is not part of this run");
    }
    extra
}

fn lines(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// `reason` of the record whose `source` ends with `name`.
fn reason_for<'a>(records: &'a [serde_json::Value], name: &str) -> Option<&'a str> {
    records
        .iter()
        .filter(|r| r["source"].as_str().is_some_and(|s| s.ends_with(name)))
        .find_map(|r| r["reason"].as_str())
}

#[test]
fn hostile_corpus_with_good_articles_finishes_fast_and_small() {
    let _timed = timed();
    let temp = tempfile::tempdir().unwrap();
    let input = temp.path().join("in");
    let out = temp.path().join("out");
    let extra = generate(&input);
    let time = Path::new("/usr/bin/time");
    let binary = env!("CARGO_BIN_EXE_stancegraph");
    let mut command = if time.exists() {
        let mut c = Command::new(time);
        c.arg("-v").arg(binary);
        c
    } else {
        eprintln!("notice: /usr/bin/time missing, peak RSS not measured");
        Command::new(binary)
    };
    command
        .args(["run", "--workers", "2", "--out"])
        .arg(&out)
        .arg(&input)
        .args(&extra)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = command.spawn().unwrap();
    // Never hang the test suite: give up (and fail) at three times the bar.
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(180) {
            let _ = child.kill();
            panic!("the hostile run did not finish in 180 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let elapsed = started.elapsed();
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    eprintln!("hostile run: {:.1} s\n{stderr}", elapsed.as_secs_f64());
    assert!(elapsed < Duration::from_secs(60), "took {elapsed:?}");
    if let Some(line) = stderr
        .lines()
        .find(|l| l.contains("Maximum resident set size"))
    {
        let kb: u64 = line
            .rsplit(':')
            .next()
            .and_then(|v| v.trim().parse().ok())
            .unwrap();
        assert!(kb < 1024 * 1024, "peak RSS {kb} kB");
    }

    let documents = lines(&out.join("documents.jsonl"));
    let sources: Vec<&str> = documents
        .iter()
        .filter_map(|d| d["metadata"]["source"].as_str())
        .collect();
    assert_eq!(documents.len(), 3, "{sources:?}\n{stderr}");
    for good in ["good-1.txt", "good-2.txt", "good-3.txt"] {
        assert!(sources.iter().any(|s| s.ends_with(good)), "{sources:?}");
    }
    let failed = lines(&out.join("failed.jsonl"));
    let skipped = lines(&out.join("skipped.jsonl"));
    let expectations = [
        (&failed, "hostile-div-slash.html", "nesting deeper than 512"),
        (
            &failed,
            "hostile-div-unclosed.html",
            "nesting deeper than 512",
        ),
        (
            &failed,
            "hostile-attributes.html",
            "more than 256 attributes",
        ),
        (&failed, "hostile-one-line.txt", "runner.max_tokens"),
        (&failed, "hostile-field.jsonl:1", "runner.max_tokens"),
        (
            &skipped,
            "/dev/zero",
            "not a regular file (character device)",
        ),
        (&skipped, "hostile-fifo.txt", "not a regular file (FIFO)"),
    ];
    for (records, name, phrase) in expectations {
        if name == "hostile-fifo.txt" && extra.len() < 2 {
            continue;
        }
        let reason = reason_for(records, name);
        assert!(
            reason.is_some_and(|r| r.contains(phrase)),
            "{name}: {reason:?}\nfailed: {failed:?}\nskipped: {skipped:?}"
        );
    }
}

/// Stages found superlinear by this test in crates owned elsewhere (issue 17; each is
/// logged with its figures for its owners). They are reported, not failed, until fixed:
/// remove a stage from this list when its fix lands. Empty since entities.resolve's fix
/// (issue 15: one token table per document, galloping token ranges).
const KNOWN_SUPERLINEAR: &[&str] = &[];

/// Every stage of the default pipeline is linear or n·log n in the document's size:
/// from 0.25 to 2 MB of real news text, each doubling of the document may at most take
/// 2.5 times as long, per stage (checked where both times are long enough to measure,
/// and over the whole range). The token budget is lifted for this test.
#[test]
fn every_stage_scales_linearly_with_document_size() {
    let _timed = timed();
    let Some(text) = stancegraph_testkit::bbc_text(2 << 20) else {
        eprintln!("notice: ../shared/data/bbc-news absent; scaling test skipped");
        return;
    };
    let pipeline = default_pipeline();
    let mut rows: Vec<(usize, Vec<(String, Duration)>)> = Vec::new();
    for size in [256 << 10, 512 << 10, 1 << 20, 2 << 20] {
        let cut = text.floor_char_boundary(size);
        // Each stage's CPU time on this thread (the stages run on it), the faster of two
        // runs: other processes on the machine lengthen wall time, not this.
        let clock = stancegraph_testkit::thread_clock();
        let mut timings: Vec<(String, Duration)> = Vec::new();
        for _ in 0..2 {
            let mut doc = stancegraph_core::Document::new(
                None,
                &text[..cut],
                stancegraph_core::Metadata::default(),
            );
            let run = pipeline.process_clocked(&mut doc, &clock).unwrap();
            if timings.is_empty() {
                timings = run;
            } else {
                for ((_, best), (_, d)) in timings.iter_mut().zip(run) {
                    *best = (*best).min(d);
                }
            }
        }
        eprintln!(
            "{} KiB: {}",
            size >> 10,
            timings
                .iter()
                .map(|(stage, d)| format!("{stage} {:.3}s", d.as_secs_f64()))
                .collect::<Vec<_>>()
                .join(", ")
        );
        rows.push((size, timings));
    }
    // A stage is superlinear when both of the last two doublings take more than 2.5x
    // (times of at least 0.1 s; one doubling alone is within this machine's noise), or
    // when 8x the text takes more than 2.5^3 = 15.6x the time.
    let mut slow = Vec::new();
    let stages = rows[0].1.len();
    for s in 0..stages {
        let stage = &rows[0].1[s].0;
        let t: Vec<f64> = rows.iter().map(|r| r.1[s].1.as_secs_f64()).collect();
        let steep = |i: usize| t[i] >= 0.1 && t[i + 1] / t[i] > 2.5;
        // Below 20 ms the timer and the scheduler dominate.
        let overall = t[3] / t[0].max(0.02);
        if (steep(1) && steep(2)) || overall > 15.6 {
            let line = format!(
                "{stage}: {:.3} / {:.3} / {:.3} / {:.3} s ({overall:.1}x for 8x the text)",
                t[0], t[1], t[2], t[3]
            );
            if KNOWN_SUPERLINEAR.contains(&stage.as_str()) {
                eprintln!("known superlinear stage, reported to its owners: {line}");
            } else {
                slow.push(line);
            }
        }
    }
    assert!(slow.is_empty(), "superlinear stages:\n{}", slow.join("\n"));
}

/// Text floods the fuzz target aims at (quote marks, brackets, one endless token,
/// pronoun chains, reporting verbs without speakers) and floods of what later rules read
/// (role nouns, transcript and signed lines, opening "According to", addressees, pull
/// quotes), at two sizes: the whole default pipeline must stay linear on each (at most 6x
/// the CPU time for 4x the text) and never fail on them.
#[test]
fn floods_of_quotes_brackets_tokens_and_pronouns_stay_linear() {
    let _timed = timed();
    let pipeline = default_pipeline();
    let floods: [(&str, &str); 17] = [
        ("quote marks", "\u{201c}\"' "),
        ("open quotes in prose", "\u{201c}We will act, he said. "),
        ("brackets", "(( [ { Smith ( said "),
        ("one token", "x"),
        (
            "pronouns",
            "He said she told them they knew he had said it to her. ",
        ),
        ("speakers", "Smith said. Jones said. Brown told Reuters. "),
        ("fronted reports", "Too often, Smith said, we act. "),
        (
            "interrupted quotes",
            "\u{201c}We will act,\u{201d} Smith said. \u{201c}Soon.\u{201d} ",
        ),
        ("names", "Anna Clarke Tom Evans Maria Moreno Li Chen "),
        (
            "groups before they, no sentence break",
            "Republican senators are eager, and they say they wait, ",
        ),
        ("untagged titled names", "Chief Namoks and Mr Dubs agreed, "),
        (
            "clauses before closing attributions",
            "Most of the support comes through the \u{201c}Activate\u{201d} website, says Kim. ",
        ),
        (
            "role nouns",
            "Anna Clarke, a frequent and very vocal critic of Tom Evans, met Evans ally Li Chen. ",
        ),
        (
            "opening according-to attributions, with quotes between",
            "According to Smith, the plan will fail. \u{201c}Soon.\u{201d} ",
        ),
        (
            "addressees before reported clauses",
            "Lee told her staff the plan was dead, and Brown told CNN on Tuesday he agreed. ",
        ),
        (
            "pull quotes repeating body quotes",
            "'Just listen to us'\nBrooks said: 'Just listen to us. We are people.'\n",
        ),
        (
            "transcript and signed lines",
            "Chris Wallace spoke.\nWALLACE: We will see.\n\u{201c}It was fine.\u{201d} \u{2015} Ann Lee\n",
        ),
    ];
    let mut slow = Vec::new();
    for (name, unit) in floods {
        let mut times = Vec::new();
        for bytes in [10_000, 40_000] {
            let text = unit.repeat(bytes / unit.len() + 1);
            // CPU time of this thread (the stages run on it), best of three: other
            // processes on the machine lengthen wall time, not this.
            let best = (0..3)
                .map(|_| {
                    let mut doc = stancegraph_core::Document::new(
                        None,
                        text.clone(),
                        stancegraph_core::Metadata::default(),
                    );
                    let (timings, cpu) = stancegraph_testkit::time_on_this_thread(|| {
                        pipeline.process_timed(&mut doc)
                    });
                    let timings = timings.unwrap_or_else(|e| panic!("{name}: {e:?}"));
                    let slowest = timings
                        .into_iter()
                        .max_by_key(|(_, d)| *d)
                        .map(|(stage, _)| stage)
                        .unwrap_or_default();
                    (cpu.as_secs_f64(), slowest)
                })
                .fold(
                    (f64::MAX, String::new()),
                    |a, b| if b.0 < a.0 { b } else { a },
                );
            times.push(best);
        }
        let line = format!(
            "{name}: {:.3}s -> {:.3}s (slowest stage: {})",
            times[0].0, times[1].0, times[1].1
        );
        eprintln!("{line}");
        // 4x the text: linear work takes ~4x, quadratic ~16x; 6x allows n^1.3. Below
        // 50 ms the timer and the scheduler dominate.
        if times[1].0 / times[0].0.max(0.05) > 6.0 {
            slow.push(line);
        }
    }
    assert!(
        slow.is_empty(),
        "superlinear on floods:\n{}",
        slow.join("\n")
    );
}

/// The encoder's quote path (`find_with_tags`) on a flood of interrupted quotations and
/// fronted attributions that the tags read as content: each one is read again and linked
/// first, and the work stays linear.
#[test]
fn a_flood_of_run_over_attributions_stays_linear_on_the_encoders_quote_path() {
    let _timed = timed();
    let pipeline = default_pipeline();
    let attributor =
        stancegraph_quotes::Attributor::load(&stancegraph_cli::data_dir(None)).unwrap();
    let unit =
        "\u{201c}We will act,\u{201d} Smith said. \u{201c}Soon.\u{201d} Too often, Smith said, we act. ";
    let mut times = Vec::new();
    let mut found = 0;
    for bytes in [80_000, 640_000] {
        let mut doc = stancegraph_core::Document::new(
            None,
            unit.repeat(bytes / unit.len() + 1),
            stancegraph_core::Metadata::default(),
        );
        pipeline.process(&mut doc).unwrap();
        // One content over everything, as the encoder reads such quotations.
        let mut tags = vec![6; doc.tokens.len()];
        tags[0] = 5;
        let margins = vec![3.0; doc.tokens.len()];
        let best = (0..3)
            .map(|_| {
                let (quotes, cpu) = stancegraph_testkit::time_on_this_thread(|| {
                    attributor.find_with_tags(&doc, &tags, &margins, "quotes.encoder")
                });
                found = quotes.iter().filter(|q| q.cue.is_some()).count();
                cpu.as_secs_f64()
            })
            .fold(f64::MAX, f64::min);
        times.push(best);
    }
    eprintln!(
        "run-over attributions: {:.3}s -> {:.3}s",
        times[0], times[1]
    );
    assert!(found > 100, "each quotation is read with its cue ({found})");
    // 8x the text: linear ~8x, quadratic ~64x. This path alone is fast (≈ 0.02 s for the
    // smaller text): a 10 ms floor keeps the ratio meaningful.
    assert!(
        times[1] / times[0].max(0.01) <= 16.0,
        "superlinear: {:.3}s -> {:.3}s",
        times[0],
        times[1]
    );
}
