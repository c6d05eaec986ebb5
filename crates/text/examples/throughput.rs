//! Throughput of tokenize + split + tag + parse over a directory of text files (default:
//! `../shared/data/bbc-news`), single-threaded, per stage, in CPU time of the thread:
//! `cargo run --release -p stancegraph-text --example throughput -- [DIR] [MAX_FILES]`.
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use stancegraph_core::{Document, Metadata};
use stancegraph_text::{
    default_data_dir, parse_document, tag_document, tokenize_document, Analyzer,
};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "txt") {
            out.push(path);
        }
    }
}

/// Time this thread has spent on a CPU (Linux), else wall time since `start`: the
/// machine may be shared, and per-core speed is what we report.
fn cpu_time(start: Instant) -> Duration {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| {
            s.split_whitespace()
                .next()
                .and_then(|n| n.parse::<u64>().ok())
        })
        .map_or_else(|| start.elapsed(), Duration::from_nanos)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = args
        .first()
        .map(PathBuf::from)
        .unwrap_or_else(|| default_data_dir().join("../../shared/data/bbc-news"));
    let max: usize = args
        .get(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(usize::MAX);
    let started = Instant::now();
    let analyzer = Analyzer::load(&default_data_dir())?;
    eprintln!(
        "models loaded in {:.3} s wall, {:.3} s CPU",
        started.elapsed().as_secs_f64(),
        cpu_time(started).as_secs_f64()
    );
    let mut files = Vec::new();
    collect(&dir, &mut files);
    files.truncate(max);
    let texts: Vec<String> = files
        .iter()
        .filter_map(|p| std::fs::read(p).ok())
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .collect();
    let (mut tokenize, mut tag, mut parse) = (Duration::ZERO, Duration::ZERO, Duration::ZERO);
    let mut tokens = 0usize;
    for text in &texts {
        let mut doc = Document::new(None, text.as_str(), Metadata::default());
        let t0 = cpu_time(started);
        tokenize_document(&mut doc, analyzer.max_sentence_tokens);
        let t1 = cpu_time(started);
        tag_document(&analyzer.tagger, &mut doc);
        let t2 = cpu_time(started);
        parse_document(&analyzer.parser, &mut doc);
        let t3 = cpu_time(started);
        tokenize += t1 - t0;
        tag += t2 - t1;
        parse += t3 - t2;
        tokens += doc.tokens.len();
    }
    let total = (tokenize + tag + parse).as_secs_f64();
    println!(
        "{} documents, {tokens} tokens: tokenize {:.2} s, tag {:.2} s, parse {:.2} s; {:.0} tokens/s overall",
        texts.len(),
        tokenize.as_secs_f64(),
        tag.as_secs_f64(),
        parse.as_secs_f64(),
        tokens as f64 / total.max(1e-9)
    );
    println!(
        "{{\"task\":\"throughput\",\"documents\":{},\"tokens\":{tokens},\"seconds\":{total:.3},\"tokens_per_second\":{:.0}}}",
        texts.len(),
        tokens as f64 / total.max(1e-9)
    );
    Ok(())
}
