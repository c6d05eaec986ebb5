//! `eval quotes --ggt FILE [--config FILE]`: the default pipeline (or that of the config) on
//! each Gender Gap Tracker article's `rawtext`, scored with the tracker's metric (see
//! `stancegraph_quotes::ggt`). The quote stages keep the parts of an interrupted quotation
//! apart, as the tracker marks them.

use std::io::Write;
use std::ops::ControlFlow;
use std::path::Path;

use anyhow::Context;
use stancegraph_core::{ActorRef, CueClass, Document, Span};
use stancegraph_ingest::{Format, IngestEvent, Ingestor};
use stancegraph_quotes::ggt::{self, GgtArticle, GgtScorer, PredictedQuote, SpeakerKind};
use stancegraph_runner::Pipeline;

pub fn eval(file: &Path, dump: Option<&Path>, config: Option<&Path>) -> anyhow::Result<()> {
    let articles = ggt::read(file).with_context(|| format!("reading {}", file.display()))?;
    // The tracker marks each part of a quotation interrupted by its attribution as a
    // quote of its own (PolNeAR, and our default, make them one).
    let (config, pipeline) = super::adjusted_pipeline(
        config,
        |_| true,
        |stage, table| {
            super::set_on_quote_stages(stage, table, "join_interrupted", serde_json::json!(false))
        },
    )?;
    let mut source = config.source.clone();
    // Every article is scored, whatever its language or likeness to another.
    source.dedup = false;
    source.skip_other_languages = false;
    let ingestor = Ingestor::new(source).context("configuring [source]")?;
    let mut dump_file = match dump {
        Some(path) => Some(std::io::BufWriter::new(
            std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
        )),
        None => None,
    };
    let mut scorer = GgtScorer::default();
    let start = std::time::Instant::now();
    let mut words = 0;
    for article in &articles {
        let doc = annotate(&ingestor, &pipeline, article)?;
        words += doc.word_count();
        let predicted = predictions(&doc, &article.rawtext);
        scorer.add(&article.quotes, &predicted);
        if let Some(out) = dump_file.as_mut() {
            write_dump(out, article, &predicted, &doc)?;
        }
    }
    if let Some(mut out) = dump_file {
        out.flush()?;
    }
    let seconds = start.elapsed().as_secs_f64();
    let report = scorer.report();
    println!(
        "{} articles, {} gold quotes, {} predicted, {words} words in {seconds:.1}s",
        articles.len(),
        scorer.counts[0].gold,
        scorer.counts[0].predicted
    );
    for (threshold, scores) in [(0.3, report.low), (0.8, report.high)] {
        println!(
            "coverage >= {threshold}: P {:.3} R {:.3} F1 {:.3}  speaker accuracy {:.3}",
            scores.p, scores.r, scores.f1, scores.speaker_acc
        );
    }
    println!(
        "unresolved speakers: {:.3} of matched quotes",
        report.unresolved
    );
    let confusion: Vec<String> = report
        .confusion
        .iter()
        .map(|(k, v)| format!("{k} {v}"))
        .collect();
    println!(
        "speaker outcomes (coverage >= 0.3): {}",
        confusion.join(", ")
    );
    let cues: Vec<String> = report
        .false_positive_cues
        .iter()
        .map(|(k, v)| format!("{k} {v}"))
        .collect();
    println!("false-positive cues: {}", cues.join(", "));
    println!("{}", report.json_line());
    Ok(())
}

fn annotate(
    ingestor: &Ingestor,
    pipeline: &Pipeline,
    article: &GgtArticle,
) -> anyhow::Result<Document> {
    let mut doc = None;
    let mut problem = None;
    let _ = ingestor.read_bytes(
        &format!("{}.txt", article.id),
        Format::Text,
        article.rawtext.as_bytes(),
        &mut |event| {
            match event {
                IngestEvent::Document(d) => doc = Some(*d),
                IngestEvent::Failed { reason, .. } | IngestEvent::Skipped { reason, .. } => {
                    problem = Some(reason)
                }
            }
            ControlFlow::Continue(())
        },
    );
    let mut doc = doc.with_context(|| {
        format!(
            "article {}: not read ({})",
            article.id,
            problem.unwrap_or_default()
        )
    })?;
    pipeline
        .process(&mut doc)
        .map_err(|f| anyhow::anyhow!("article {}: {} failed: {}", article.id, f.stage, f.reason))?;
    Ok(doc)
}

/// The document's quotes in code points of the raw text.
fn predictions(doc: &Document, raw: &str) -> Vec<PredictedQuote> {
    let chars = ggt::char_index(raw);
    // Ingest normalises the text; its source map leads back to bytes of the raw text.
    let to_raw = |byte: usize| match &doc.source_map {
        Some(map) => map.to_raw(byte),
        None => byte,
    };
    let to_chars = |span: Span| (chars(to_raw(span.start)), chars(to_raw(span.end)));
    // What makes `said` edges: quotes of speech and writing (beliefs and evidence are
    // attributions, not quotes in the tracker's sense).
    doc.quotes
        .iter()
        .filter(|q| matches!(q.class, CueClass::Speech | CueClass::Writing))
        .map(|q| {
            let (speaker, kind) = match &q.speaker {
                ActorRef::Entity { id } => (
                    doc.entities
                        .iter()
                        .find(|e| &e.id == id)
                        .map(|e| e.canonical.clone())
                        .unwrap_or_default(),
                    SpeakerKind::Entity,
                ),
                ActorRef::Anonymous { description } => {
                    (description.clone(), SpeakerKind::Anonymous)
                }
                ActorRef::Unresolved { text } => (text.clone(), SpeakerKind::Unresolved),
            };
            PredictedQuote {
                content: to_chars(q.content),
                source: q.source.map(to_chars),
                speaker,
                kind,
                cue: q
                    .cue
                    .map(|c| doc.slice(c).to_lowercase())
                    .unwrap_or_default(),
            }
        })
        .collect()
}

/// One line per article: gold quotes with the predicted quote they matched at 0.3.
fn write_dump(
    out: &mut impl Write,
    article: &GgtArticle,
    predicted: &[PredictedQuote],
    doc: &Document,
) -> anyhow::Result<()> {
    let chars: Vec<char> = article.rawtext.chars().collect();
    let text = |(a, b): (usize, usize)| -> String {
        chars
            .get(a..b.min(chars.len()))
            .unwrap_or(&[])
            .iter()
            .collect()
    };
    let matches = ggt::match_quotes(&article.quotes, predicted, ggt::THRESHOLDS[0]);
    let gold: Vec<serde_json::Value> = article
        .quotes
        .iter()
        .zip(&matches)
        .map(|(g, m)| {
            let p = m.and_then(|i| predicted.get(i));
            serde_json::json!({
                "quote": text(g.quote),
                "speaker": g.speaker.map(text),
                "reference": g.reference,
                "verb": g.verb,
                "matched": m,
                "predicted_speaker": p.map(|p| format!("{:?}: {}", p.kind, p.speaker)),
                "predicted_source": p.and_then(|p| p.source.map(text)),
            })
        })
        .collect();
    let used: Vec<usize> = matches.iter().flatten().copied().collect();
    let false_positives: Vec<serde_json::Value> = predicted
        .iter()
        .enumerate()
        .filter(|(i, _)| !used.contains(i))
        .map(|(_, p)| {
            serde_json::json!({
                "content": text(p.content),
                "source": p.source.map(text),
                "speaker": format!("{:?}: {}", p.kind, p.speaker),
                "cue": p.cue,
            })
        })
        .collect();
    // Attributions of other classes (not scored), to see what the class filter removes.
    let other_classes: Vec<serde_json::Value> = doc
        .quotes
        .iter()
        .filter(|q| !matches!(q.class, CueClass::Speech | CueClass::Writing))
        .map(|q| {
            serde_json::json!({
                "class": q.class.as_str(),
                "content": doc.slice(q.content),
                "cue": q.cue.map(|c| doc.slice(c)),
                "source": q.source.map(|s| doc.slice(s)),
            })
        })
        .collect();
    writeln!(
        out,
        "{}",
        serde_json::json!({"id": article.id, "gold": gold, "false_positives": false_positives, "other_classes": other_classes})
    )?;
    Ok(())
}
