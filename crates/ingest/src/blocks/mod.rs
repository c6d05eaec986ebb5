//! `ingest.blocks`: classifies every line (or paragraph) of a document's text as article
//! body, heading or boilerplate, so that spam, advertising and disclaimers never become
//! sentences.
//!
//! The classifier scores each line with general features rather than known sentences:
//! promotional and product vocabulary, disclaimer and credit phrases, copyright and
//! trademark signs, lead-in markers such as `Note:`, whether the line shares a named actor
//! with the rest of the article, its position and its length. Headings are short lines
//! without terminal punctuation, title-cased or standing as the first line, followed by body.

//!
//! - `lines`: the candidate blocks (lines, or paragraphs of hard-wrapped text);
//! - `score`: the boilerplate score of a line and the reasons for it;
//! - `link`: what ties a line to the rest of the article (names, topic words);
//! - `heading`: which kept lines are headings;
//! - `lexicon`: the word lists, read from `crates/ingest/lexicons/*.txt`.

mod heading;
mod lexicon;
mod lines;
mod link;
mod score;

use std::collections::{HashMap, HashSet};

use stancegraph_core::{Block, BlockKind, Span};

use crate::stage::{BlocksConfig, BLOCKS_STAGE};
use heading::heading_reason;
use lines::{ends_sentence, split_lines};
use link::{candidate_names, topic_words, Link};
use score::{score_line, Score};

/// One candidate block: a trimmed line or paragraph.
#[derive(Debug, Clone)]
struct Line<'a> {
    span: Span,
    text: &'a str,
}

/// Classifies every non-empty line (or, for hard-wrapped text, every paragraph) of `text`.
pub fn classify_blocks(text: &str, config: &BlocksConfig) -> Vec<Block> {
    let lines = split_lines(text);
    if lines.is_empty() {
        return Vec::new();
    }
    let words: Vec<Vec<&str>> = lines
        .iter()
        .map(|l| l.text.split_whitespace().collect())
        .collect();
    let names: Vec<HashSet<String>> = lines.iter().map(|l| candidate_names(l.text)).collect();

    // Pass 1 scores without the actor link; pass 2 links each line to the names of the
    // lines pass 1 kept, so that two spam lines naming the same advertiser do not vouch
    // for each other.
    let first: Vec<Score> = (0..lines.len())
        .map(|i| score_line(&lines, &words, i, None))
        .collect();
    let topics: Vec<HashSet<String>> = lines.iter().map(|l| topic_words(l.text)).collect();
    let mut name_lines: HashMap<&str, usize> = HashMap::new();
    let mut topic_lines: HashMap<&str, usize> = HashMap::new();
    for i in 0..lines.len() {
        if first[i].value < config.boilerplate_threshold {
            for name in &names[i] {
                *name_lines.entry(name.as_str()).or_default() += 1;
            }
            for word in &topics[i] {
                *topic_lines.entry(word.as_str()).or_default() += 1;
            }
        }
    }
    let scores: Vec<Score> = (0..lines.len())
        .map(|i| {
            let own = usize::from(first[i].value < config.boilerplate_threshold);
            let shared = names[i]
                .iter()
                .filter(|n| name_lines.get(n.as_str()).copied().unwrap_or(0) > own)
                .count();
            let shared_topics = topics[i]
                .iter()
                .filter(|w| topic_lines.get(w.as_str()).copied().unwrap_or(0) > own)
                .count();
            let overlap =
                (topics[i].len() >= 4).then(|| shared_topics as f32 / topics[i].len() as f32);
            score_line(
                &lines,
                &words,
                i,
                Some(Link {
                    shared_names: shared,
                    topic_overlap: overlap,
                }),
            )
        })
        .collect();

    let is_boilerplate: Vec<bool> = scores
        .iter()
        .map(|s| s.value >= config.boilerplate_threshold)
        .collect();
    let first_kept = is_boilerplate.iter().position(|b| !b);
    let mut blocks = Vec::with_capacity(lines.len());
    for (i, line) in lines.iter().enumerate() {
        let score = &scores[i];
        if is_boilerplate[i] {
            let margin = score.value - config.boilerplate_threshold;
            blocks.push(Block {
                span: line.span,
                kind: BlockKind::Boilerplate,
                reason: score.reasons.join(", "),
                stage: BLOCKS_STAGE.to_string(),
                confidence: logistic(1.5 + 2.0 * margin),
            });
            continue;
        }
        let next_is_body = (i + 1..lines.len())
            .find(|&j| !is_boilerplate[j])
            .is_some_and(|j| {
                words[j].len() > config.max_heading_words
                    || ends_sentence(lines[j].text)
                    || words[j].len() >= words[i].len() + 4
            });
        let has_more = i + 1 < lines.len();
        let heading = heading_reason(
            line.text,
            &words[i],
            Some(i) == first_kept,
            next_is_body,
            has_more,
            config,
        );
        match heading {
            Some((reason, confidence)) => blocks.push(Block {
                span: line.span,
                kind: BlockKind::Heading,
                reason,
                stage: BLOCKS_STAGE.to_string(),
                confidence,
            }),
            None => {
                let mut reason = String::from("body text");
                if !score.reasons.is_empty() {
                    reason.push_str(&format!(
                        " (boilerplate score {:.2}: {})",
                        score.value,
                        score.reasons.join(", ")
                    ));
                }
                blocks.push(Block {
                    span: line.span,
                    kind: BlockKind::Body,
                    reason,
                    stage: BLOCKS_STAGE.to_string(),
                    confidence: logistic(1.5 + 2.0 * (config.boilerplate_threshold - score.value)),
                })
            }
        }
    }
    blocks
}

fn logistic(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seed() -> Option<String> {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../data/samples/000_668776db8feb23be.txt"
        );
        std::fs::read_to_string(path).ok()
    }

    fn kinds(text: &str) -> Vec<(BlockKind, String)> {
        classify_blocks(text, &BlocksConfig::default())
            .into_iter()
            .map(|b| (b.kind, text[b.span.start..b.span.end].to_string()))
            .collect()
    }

    #[test]
    fn a_title_cased_line_is_a_heading_when_body_text_follows() {
        let before_body = "The ministers met in Geneva on Monday.\nTrade Partners Respond To The New Tariff Plan\nOfficials in Brussels said they would respond within a week.";
        let blocks = classify_blocks(before_body, &BlocksConfig::default());
        assert_eq!(blocks[1].kind, BlockKind::Heading, "{blocks:?}");
        assert_eq!(blocks[1].confidence, 0.85);
        // Eight title-cased words before another short line: no heading.
        let before_title = "The ministers met in Geneva on Monday.\nTrade Partners Respond To The New Tariff Plan\nOfficials In Brussels";
        let blocks = classify_blocks(before_title, &BlocksConfig::default());
        assert_eq!(blocks[1].kind, BlockKind::Body, "{blocks:?}");
    }

    #[test]
    fn spam_lines_naming_one_advertiser_do_not_vouch_for_each_other() {
        let text = "The council of Leeds approved the harbour budget on Tuesday, the mayor said.\nShop premium rugged tablets from Acme, trusted by professionals.\nPremium rugged tablets by Acme, trusted by professionals worldwide.";
        let found: Vec<BlockKind> = kinds(text).into_iter().map(|(k, _)| k).collect();
        assert_eq!(
            found,
            [
                BlockKind::Body,
                BlockKind::Boilerplate,
                BlockKind::Boilerplate
            ]
        );
        let blocks = classify_blocks(text, &BlocksConfig::default());
        assert!(
            blocks[2]
                .reason
                .contains("no actor shared with the article"),
            "{}",
            blocks[2].reason
        );
    }

    #[test]
    fn golden_seed_article() {
        let Some(text) = seed() else {
            eprintln!("skipping: data/samples seed article not found");
            return;
        };
        let blocks = kinds(&text);
        let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
        assert_eq!(blocks.len(), lines.len());
        let n = blocks.len();
        let headings = [
            "High-Stakes Diplomatic Maneuvers",
            "Economic Weapons and Countermeasures",
            "Internal Dynamics and Diplomatic Posturing",
            "Global Economic Implications",
            "Broader Geopolitical Context",
            "Path Forward Uncertain",
        ];
        for (i, (kind, line)) in blocks.iter().enumerate() {
            let expected = if i < 2 || i + 2 >= n {
                BlockKind::Boilerplate
            } else if headings.contains(&line.as_str()) {
                BlockKind::Heading
            } else {
                BlockKind::Body
            };
            assert_eq!(*kind, expected, "line {i}: {line}");
        }
        assert!(blocks
            .iter()
            .any(|(k, l)| *k == BlockKind::Body && l.contains("ASUS beating Dell")));
    }

    #[test]
    fn spam_is_recognised_in_an_unseen_article() {
        let text = "Lawmakers Approve Harbour Budget\n\
            The city council of Rotterdam approved a new harbour budget on Tuesday, Mayor Ahmed Aboutaleb said.\n\
            Aboutaleb told reporters that the Rotterdam port would need the money to expand its container terminals.\n\
            Opposition Response\n\
            Council member Sara Jansen said the Rotterdam plan ignored the costs for residents of the city.\n\
            Shop the best deals on rugged tablets and premium accessories, trusted by professionals worldwide.\n\
            © 2024 Example Media. All rights reserved.\n";
        let blocks = kinds(text);
        let kinds: Vec<BlockKind> = blocks.iter().map(|b| b.0).collect();
        assert_eq!(
            kinds,
            vec![
                BlockKind::Heading,
                BlockKind::Body,
                BlockKind::Body,
                BlockKind::Heading,
                BlockKind::Body,
                BlockKind::Boilerplate,
                BlockKind::Boilerplate
            ],
            "{blocks:?}"
        );
    }

    #[test]
    fn hard_wrapped_paragraphs_become_one_block() {
        let text = "A Short Title\n\nThe minister said on Monday that the new\nrules would apply from next year and that\nfirms had time to adapt to them.\n\nShe added that the cost would be modest\nfor most companies in the sector and that\nsmall firms would get more help.\n";
        let blocks = kinds(text);
        assert_eq!(blocks.len(), 3, "{blocks:?}");
        assert_eq!(blocks[0].0, BlockKind::Heading);
        assert!(blocks[1].1.contains("the new\nrules"));
    }

    #[test]
    fn bbc_articles_have_a_title_and_no_boilerplate() {
        let root = std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/data/bbc-news/bbc"
        ));
        if !root.exists() {
            eprintln!("skipping: ../shared/data not found");
            return;
        }
        let mut files: Vec<_> = ["business", "entertainment", "politics", "sport", "tech"]
            .iter()
            .flat_map(|topic| {
                std::fs::read_dir(root.join(topic))
                    .into_iter()
                    .flatten()
                    .filter_map(|e| e.ok().map(|e| e.path()))
            })
            .collect();
        files.sort();
        let mut problems = Vec::new();
        let mut checked = 0;
        for path in files.iter().step_by(10) {
            let Ok(text) = std::fs::read_to_string(path) else {
                continue;
            };
            checked += 1;
            let blocks = classify_blocks(&text, &BlocksConfig::default());
            if blocks.first().map(|b| b.kind) != Some(BlockKind::Heading) {
                problems.push(format!("{}: first line not a heading", path.display()));
            }
            for block in blocks.iter().filter(|b| b.kind == BlockKind::Boilerplate) {
                problems.push(format!(
                    "{}: boilerplate `{}` ({})",
                    path.display(),
                    &text[block.span.start..block.span.end],
                    block.reason
                ));
            }
        }
        assert!(checked > 200, "{checked}");
        assert!(
            problems.is_empty(),
            "{} problems:\n{}",
            problems.len(),
            problems.join("\n")
        );
    }
}
