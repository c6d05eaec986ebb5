//! Reading PolNeAR (brat standoff): `text/<article>.txt` and `attributions/<article>_<annotator>.ann`.
//! Offsets in the `.ann` files count code points; we turn them into byte spans of the text.
//! Discontinuous spans (`a b;c d`) become the span covering all their pieces.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use stancegraph_core::Span;

use crate::QuotesError;

/// One gold attribution relation: any role may be missing (e.g. `Attribution-no-source`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct GoldAttribution {
    /// Who is reported as speaking: byte span of the article text.
    pub source: Option<Span>,
    /// The reporting verb or phrase: byte span of the article text.
    pub cue: Option<Span>,
    /// What was said: byte span of the article text (covering all pieces if discontinuous).
    pub content: Option<Span>,
}

/// One article with the attributions of one annotator.
#[derive(Debug, Clone)]
pub struct Article {
    /// File stem of the text, e.g. `nyt_2016-05-01_some-title`.
    pub name: String,
    /// Annotator code whose `.ann` file was read.
    pub annotator: String,
    /// The article text, which the attribution spans index by byte.
    pub text: String,
    /// That annotator's attributions, in file order.
    pub attributions: Vec<GoldAttribution>,
}

/// Reads every article of a split directory (`DIR/text`, `DIR/attributions`), taking for each
/// article the annotation file of the first annotator by name. Articles are sorted by name.
pub fn read_split(dir: &Path) -> Result<Vec<Article>, QuotesError> {
    let text_dir = dir.join("text");
    let ann_dir = dir.join("attributions");
    let mut first_annotation: BTreeMap<String, (String, PathBuf)> = BTreeMap::new();
    for entry in std::fs::read_dir(&ann_dir).map_err(|e| QuotesError::io(&ann_dir, e))? {
        let path = entry.map_err(|e| QuotesError::io(&ann_dir, e))?.path();
        let Some(file) = path.file_name().and_then(|f| f.to_str()) else {
            continue;
        };
        let Some(stem) = file.strip_suffix(".ann") else {
            continue;
        };
        let Some((article, annotator)) = stem.rsplit_once('_') else {
            continue;
        };
        let keep = match first_annotation.get(article) {
            Some((existing, _)) => annotator < existing.as_str(),
            None => true,
        };
        if keep {
            first_annotation.insert(article.to_string(), (annotator.to_string(), path.clone()));
        }
    }
    if first_annotation.is_empty() {
        return Err(QuotesError::Corpus {
            path: ann_dir,
            message: "no .ann files".into(),
        });
    }
    let mut articles = Vec::with_capacity(first_annotation.len());
    for (name, (annotator, ann_path)) in first_annotation {
        let text_path = text_dir.join(format!("{name}.txt"));
        let text =
            std::fs::read_to_string(&text_path).map_err(|e| QuotesError::io(&text_path, e))?;
        let ann = std::fs::read_to_string(&ann_path).map_err(|e| QuotesError::io(&ann_path, e))?;
        let attributions = parse_ann(&text, &ann);
        articles.push(Article {
            name,
            annotator,
            text,
            attributions,
        });
    }
    Ok(articles)
}

/// Parses the attribution relations of one `.ann` file against its text. Malformed lines
/// and spans outside the text are skipped.
pub fn parse_ann(text: &str, ann: &str) -> Vec<GoldAttribution> {
    // Byte offset of every code point index (plus the end).
    let mut byte_of: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
    byte_of.push(text.len());
    let mut spans: HashMap<&str, Span> = HashMap::new();
    for line in ann.lines() {
        let mut fields = line.split('\t');
        let (Some(id), Some(body)) = (fields.next(), fields.next()) else {
            continue;
        };
        if !id.starts_with('T') {
            continue;
        }
        let Some((_, offsets)) = body.split_once(' ') else {
            continue;
        };
        let mut cover: Option<(usize, usize)> = None;
        for piece in offsets.split(';') {
            let mut numbers = piece.split_whitespace().map(str::parse::<usize>);
            let (Some(Ok(a)), Some(Ok(b))) = (numbers.next(), numbers.next()) else {
                continue;
            };
            cover = Some(match cover {
                Some((s, e)) => (s.min(a), e.max(b)),
                None => (a, b),
            });
        }
        let Some((a, b)) = cover else { continue };
        if let (Some(&start), Some(&end)) = (byte_of.get(a), byte_of.get(b)) {
            if start <= end {
                spans.insert(id, Span::new(start, end));
            }
        }
    }
    let mut out = Vec::new();
    for line in ann.lines() {
        let mut fields = line.split('\t');
        let (Some(id), Some(body)) = (fields.next(), fields.next()) else {
            continue;
        };
        if !id.starts_with('E') {
            continue;
        }
        let mut parts = body.split_whitespace();
        let Some(kind) = parts.next() else { continue };
        if !kind.starts_with("Attribution") {
            continue;
        }
        let mut gold = GoldAttribution::default();
        for part in parts {
            let Some((role, target)) = part.split_once(':') else {
                continue;
            };
            let span = spans.get(target).copied();
            match role.trim_end_matches(|c: char| c.is_ascii_digit()) {
                "Source" => gold.source = gold.source.or(span),
                "Cue" => gold.cue = gold.cue.or(span),
                "Content" => gold.content = gold.content.or(span),
                _ => {}
            }
        }
        if gold.source.is_some() || gold.cue.is_some() || gold.content.is_some() {
            out.push(gold);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_code_point_offsets_and_discontinuous_spans() {
        let text = "O’Malley’s campaign says it will go. Fine.";
        let ann = "T1\tSource 0 19\tO’Malley’s campaign\nT2\tCue 20 24\tsays\n\
                   T3\tContent 25 30;31 35\tit will go\nT4\tAttribution 20 24\tsays\n\
                   E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1\n#1\tAnnotatorNotes T1\tnote\n";
        let gold = parse_ann(text, ann);
        assert_eq!(gold.len(), 1);
        let g = gold[0];
        assert_eq!(
            &text[g.source.unwrap().start..g.source.unwrap().end],
            "O’Malley’s campaign"
        );
        assert_eq!(&text[g.cue.unwrap().start..g.cue.unwrap().end], "says");
        assert_eq!(
            &text[g.content.unwrap().start..g.content.unwrap().end],
            "it will go"
        );
    }

    #[test]
    fn malformed_lines_are_skipped() {
        let gold = parse_ann(
            "short",
            "T1\tSource 0 999\tx\nT2\tCue x y\nE1\tAttribution:T1 Cue:T2\nE2\tDiscuss:T1\n",
        );
        assert!(gold.is_empty());
    }
}
