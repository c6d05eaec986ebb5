//! `ingest.blocks`: classifies every line (or paragraph) of a document's text as article
//! body, heading or boilerplate, so that spam, advertising and disclaimers never become
//! sentences.
//!
//! The classifier scores each line with general features rather than known sentences:
//! promotional and product vocabulary, disclaimer and credit phrases, copyright and
//! trademark signs, lead-in markers such as `Note:`, whether the line shares a named actor
//! with the rest of the article, its position and its length. Headings are short lines
//! without terminal punctuation, title-cased or standing as the first line, followed by body.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use stancegraph_core::{
    layer, Block, BlockKind, BuildContext, Document, Span, Stage, StageError, StageIo, TypedFactory,
};

/// Name of the stage in configs.
pub const BLOCKS_STAGE: &str = "ingest.blocks";

/// Configuration of `ingest.blocks`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BlocksConfig {
    /// A line whose boilerplate score reaches this is boilerplate.
    pub boilerplate_threshold: f32,
    /// Headings have at most this many words.
    pub max_heading_words: usize,
    /// Keep the blocks a reader already set from the page structure (HTML headings stay
    /// headings) and only turn body blocks the scorer finds to be boilerplate into
    /// boilerplate; when false, every document is classified from its text alone.
    pub refine_existing: bool,
}

impl Default for BlocksConfig {
    fn default() -> Self {
        BlocksConfig {
            boilerplate_threshold: 1.0,
            max_heading_words: 14,
            refine_existing: true,
        }
    }
}

/// Factory of [`BlocksStage`].
pub struct BlocksFactory;

impl TypedFactory for BlocksFactory {
    type Config = BlocksConfig;
    const NAME: &'static str = BLOCKS_STAGE;
    const DESCRIPTION: &'static str =
        "Scores every line as body, heading or boilerplate (spam, ads, disclaimers) from general features";
    const VERSION: &'static str = "1";

    fn io(&self, _config: &BlocksConfig) -> StageIo {
        StageIo::new(&[], &[layer::BLOCKS])
    }

    fn check(&self, config: &BlocksConfig) -> Vec<stancegraph_core::ConfigIssue> {
        let mut issues = Vec::new();
        if !(config.boilerplate_threshold.is_finite() && config.boilerplate_threshold > 0.0) {
            issues.push(stancegraph_core::ConfigIssue::new(
                "boilerplate_threshold",
                "must be a positive number",
            ));
        }
        if config.max_heading_words == 0 {
            issues.push(stancegraph_core::ConfigIssue::new(
                "max_heading_words",
                "must be at least 1",
            ));
        }
        issues
    }

    fn build(
        &self,
        config: BlocksConfig,
        _context: &BuildContext,
    ) -> Result<Box<dyn Stage>, StageError> {
        Ok(Box::new(BlocksStage { config }))
    }
}

/// The stage: fills `doc.blocks` unless a reader already did (and `keep_existing`).
#[derive(Debug, Clone, Default)]
pub struct BlocksStage {
    pub config: BlocksConfig,
}

impl Stage for BlocksStage {
    fn process(&self, doc: &mut Document) -> Result<(), StageError> {
        let classified = classify_blocks(doc.text(), &self.config);
        if !self.config.refine_existing || doc.blocks.is_empty() {
            doc.blocks = classified;
            return Ok(());
        }
        for block in doc.blocks.iter_mut().filter(|b| b.kind == BlockKind::Body) {
            if let Some(found) = classified
                .iter()
                .find(|c| c.span == block.span && c.kind == BlockKind::Boilerplate)
            {
                block.kind = BlockKind::Boilerplate;
                block.reason = format!("{} (refined by {BLOCKS_STAGE})", found.reason);
                block.stage = BLOCKS_STAGE.to_string();
                block.confidence = found.confidence;
            }
        }
        Ok(())
    }
}

/// Promotional, advertising and product vocabulary (lower case, whole words).
const PROMO_WORDS: &[&str] = &[
    "supplier",
    "suppliers",
    "preferred",
    "leading",
    "provider",
    "providers",
    "solutions",
    "solution",
    "certified",
    "endorsed",
    "recommended",
    "advanced",
    "premium",
    "buy",
    "shop",
    "shopping",
    "discount",
    "discounts",
    "deal",
    "deals",
    "offer",
    "offers",
    "coupon",
    "promo",
    "subscribe",
    "subscription",
    "newsletter",
    "sponsored",
    "advertisement",
    "advertising",
    "advertiser",
    "click",
    "download",
    "trial",
    "manufacturer",
    "manufactures",
    "produces",
    "industrial",
    "pc",
    "pcs",
    "panel",
    "panels",
    "rugged",
    "affiliate",
    "commission",
    "cookies",
    "cookie",
    "integrators",
    "professionals",
    "demanding",
    "applications",
    "guaranteed",
    "warranty",
    "shipping",
    "order",
    "checkout",
    "cheapest",
    "best-selling",
    "bestselling",
    "top-rated",
    "trusted",
    "customers",
    "brand",
    "product",
    "products",
    "service",
    "services",
    "standards",
    "compliant",
    "distributor",
    "reseller",
    "oem",
    "screen",
    "touchscreen",
    "hardware",
    "devices",
    "www",
    "com",
    "visit",
    "learn",
    "sign",
    "app",
];

/// Phrases of disclaimers, credits and page furniture (lower case, substring match).
const DISCLAIMER_PHRASES: &[&str] = &[
    "for illustrative purposes",
    "does not represent",
    "all rights reserved",
    "trademarks",
    "copyrights",
    "respective owners",
    "aggregates information",
    "publicly available sources",
    "opinions expressed",
    "not financial advice",
    "not investment advice",
    "affiliate link",
    "may earn a commission",
    "this article was",
    "this post contains",
    "terms of use",
    "privacy policy",
    "cookie policy",
    "sign up for",
    "subscribe to",
    "follow us on",
    "share this article",
    "click here",
    "read more:",
    "related articles",
    "image credit",
    "photo credit",
    "featured image",
    "stock photo",
    "editorial standards",
    "the views expressed",
    "reproduction in whole or in part",
];

/// Lead-in words that mark a line as an editor's note, caption or page furniture.
const LEAD_MARKERS: &[&str] = &[
    "note:",
    "editor's note",
    "editor’s note",
    "disclaimer",
    "advertisement",
    "sponsored",
    "related:",
    "read more",
    "read also",
    "see also",
    "image:",
    "photo:",
    "caption:",
    "source:",
    "copyright",
    "©",
    "share this",
    "follow us",
    "subscribe",
    "sign up",
];

/// Short words that stay lower case in title case.
const TITLE_SMALL_WORDS: &[&str] = &[
    "a", "an", "the", "and", "or", "but", "nor", "of", "in", "on", "for", "to", "with", "at", "by",
    "from", "as", "vs", "vs.", "via", "into", "over", "per", "up", "is", "are",
];

/// Words that are capitalised at the start of sentences but are not names.
const NOT_NAMES: &[&str] = &[
    "The",
    "A",
    "An",
    "This",
    "That",
    "These",
    "Those",
    "It",
    "Its",
    "In",
    "On",
    "At",
    "As",
    "But",
    "And",
    "Or",
    "If",
    "When",
    "While",
    "Despite",
    "However",
    "Meanwhile",
    "He",
    "She",
    "They",
    "We",
    "I",
    "You",
    "Our",
    "Their",
    "His",
    "Her",
    "All",
    "Note",
    "For",
    "With",
    "From",
    "By",
    "To",
    "Of",
    "After",
    "Before",
    "Recent",
    "Some",
    "Many",
    "Most",
    "Mr",
    "Mrs",
    "Ms",
    "Dr",
    "There",
    "Here",
    "What",
    "Why",
    "How",
    "Who",
    "Maybe",
    "Even",
];

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

/// Non-empty lines with their trimmed spans; hard-wrapped paragraphs (lines broken
/// mid-sentence, separated by blank lines) are joined into one block each.
fn split_lines(text: &str) -> Vec<Line<'_>> {
    let mut raw_lines = Vec::new();
    let mut offset = 0;
    for piece in text.split_inclusive('\n') {
        let content = piece.trim_end_matches(['\n', '\r']);
        raw_lines.push((offset, content));
        offset += piece.len();
    }
    // Paragraphs: runs of non-blank lines.
    let mut paragraphs: Vec<Vec<(usize, &str)>> = Vec::new();
    let mut current = Vec::new();
    for (start, content) in raw_lines {
        if content.trim().is_empty() {
            if !current.is_empty() {
                paragraphs.push(std::mem::take(&mut current));
            }
        } else {
            current.push((start, content));
        }
    }
    if !current.is_empty() {
        paragraphs.push(current);
    }
    let (mut inner, mut wrapped) = (0usize, 0usize);
    for paragraph in &paragraphs {
        for (_, content) in paragraph.iter().take(paragraph.len().saturating_sub(1)) {
            inner += 1;
            if !ends_sentence(content) && content.split_whitespace().count() >= 6 {
                wrapped += 1;
            }
        }
    }
    let hard_wrapped = inner >= 3 && wrapped * 10 >= inner * 6;
    let mut lines = Vec::new();
    for paragraph in paragraphs {
        if hard_wrapped && paragraph.len() > 1 {
            let (first_start, first) = paragraph[0];
            let (last_start, last) = paragraph[paragraph.len() - 1];
            let start = first_start + (first.len() - first.trim_start().len());
            let end = last_start + last.trim_end().len();
            if let Some(slice) = text.get(start..end) {
                lines.push(Line {
                    span: Span::new(start, end),
                    text: slice,
                });
            }
        } else {
            for (line_start, content) in paragraph {
                let start = line_start + (content.len() - content.trim_start().len());
                let end = line_start + content.trim_end().len();
                if let Some(slice) = text.get(start..end) {
                    lines.push(Line {
                        span: Span::new(start, end),
                        text: slice,
                    });
                }
            }
        }
    }
    lines
}

/// True when the line ends like a sentence (possibly inside closing quotes/brackets).
fn ends_sentence(line: &str) -> bool {
    let trimmed = line
        .trim_end()
        .trim_end_matches(['"', '”', '’', '\'', ')', ']', '»']);
    trimmed.ends_with(['.', '!', '?', '…', ':', ';'])
}

/// Capitalised words not at the start of a sentence, plus acronyms: likely names of actors.
fn candidate_names(line: &str) -> HashSet<String> {
    let mut names = HashSet::new();
    let mut sentence_start = true;
    for raw in line.split_whitespace() {
        let word = raw.trim_matches(|c: char| !c.is_alphanumeric() && c != '-');
        let word = word
            .strip_suffix("’s")
            .or_else(|| word.strip_suffix("'s"))
            .unwrap_or(word);
        let capitalised =
            word.chars().next().is_some_and(char::is_uppercase) && word.chars().count() > 1;
        let acronym = word.chars().filter(|c| c.is_alphabetic()).count() >= 2
            && word
                .chars()
                .filter(|c| c.is_alphabetic())
                .all(char::is_uppercase);
        if capitalised && (!sentence_start || acronym) && !NOT_NAMES.contains(&word) {
            for part in word
                .split('-')
                .filter(|p| p.chars().next().is_some_and(char::is_uppercase))
            {
                names.insert(part.to_string());
            }
        }
        sentence_start =
            raw.ends_with(['.', '!', '?', ':']) || raw.ends_with(".”") || raw.ends_with(".\"");
    }
    names
}

#[derive(Debug, Clone, Default)]
struct Score {
    value: f32,
    reasons: Vec<String>,
}

impl Score {
    fn add(&mut self, weight: f32, reason: impl Into<String>) {
        self.value += weight;
        self.reasons.push(reason.into());
    }
}

/// Boilerplate evidence for line `i`. `link` says how the line connects to the lines the
/// first pass kept (`None` in the first pass).
fn score_line(lines: &[Line<'_>], words: &[Vec<&str>], i: usize, link: Option<Link>) -> Score {
    let mut score = Score::default();
    let text = lines[i].text;
    let lower = text.to_lowercase();
    let word_count = words[i].len();

    let disclaimers = DISCLAIMER_PHRASES
        .iter()
        .filter(|p| lower.contains(*p))
        .count();
    if disclaimers > 0 {
        score.add(
            (0.7 * disclaimers as f32).min(1.6),
            format!("{disclaimers} disclaimer phrase(s)"),
        );
    }
    if LEAD_MARKERS.iter().any(|m| lower.starts_with(m)) {
        score.add(0.7, "lead-in marker");
    }
    let promo = words[i]
        .iter()
        .filter(|w| {
            let w = w
                .trim_matches(|c: char| !c.is_alphanumeric() && c != '-')
                .to_lowercase();
            PROMO_WORDS.contains(&w.as_str())
        })
        .count();
    if promo > 0 {
        // One such word is common in news ("deal", "products"); density counts from two on.
        let density = promo as f32 / word_count.max(1) as f32;
        let weight = if promo >= 2 {
            (0.15 * promo as f32).min(0.6) + (2.5 * density).min(0.6)
        } else {
            0.2
        };
        score.add(weight, format!("{promo} promotional/product word(s)"));
        if word_count >= 25 && density < 0.15 {
            score.add(-0.3, "prose with sparse promotional words");
        }
    }
    if text.contains(['©', '™', '®']) || lower.contains("(c) ") {
        score.add(0.6, "copyright or trademark sign");
    }
    if lower.contains("http://")
        || lower.contains("https://")
        || lower.contains("www.")
        || lower.contains('@')
    {
        score.add(0.3, "link or address");
    }
    let n = lines.len();
    if n >= 5 && (i < 2 || i + 2 >= n) {
        score.add(0.3, "at the start or end");
    } else if n >= 5 {
        score.add(-0.3, "in the middle of the article");
    }
    if word_count > 60 {
        score.add(-0.5, "long paragraph");
    }
    if let Some(link) = link {
        if link.shared_names == 0 {
            if score.value > 0.0 {
                score.add(0.3, "no actor shared with the article");
            }
        } else {
            let shared = link.shared_names;
            score.add(
                -(0.4 * shared as f32).min(1.2),
                format!("{shared} actor(s) shared with the article"),
            );
        }
        match link.topic_overlap {
            Some(overlap) if overlap >= 0.3 => score.add(
                -0.5,
                format!("{:.0}% of its words recur in the article", overlap * 100.0),
            ),
            Some(overlap) if overlap < 0.1 && score.value > 0.0 => {
                score.add(0.2, "vocabulary foreign to the article")
            }
            _ => {}
        }
    }
    score
}

/// How a line links to the rest of the article (pass 2 of the scorer).
#[derive(Debug, Clone, Copy)]
struct Link {
    /// Names in the line found in other kept lines.
    shared_names: usize,
    /// Share of the line's topic words found in other kept lines (`None`: too few words).
    topic_overlap: Option<f32>,
}

/// Words that carry no topic.
const STOPWORDS: &[&str] = &[
    "about", "after", "also", "been", "before", "being", "could", "does", "from", "have", "into",
    "just", "more", "most", "much", "only", "other", "over", "said", "says", "some", "such",
    "than", "that", "their", "them", "there", "these", "they", "this", "those", "very", "were",
    "what", "when", "where", "which", "while", "will", "with", "would", "your", "should", "under",
    "until", "upon", "because", "through", "between",
];

/// Lower-cased content words of four letters or more, for topic overlap.
fn topic_words(line: &str) -> HashSet<String> {
    line.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 4)
        .map(str::to_lowercase)
        .filter(|w| !STOPWORDS.contains(&w.as_str()))
        .collect()
}

/// Why a kept line is a heading, with a confidence; `None` for body text.
fn heading_reason(
    text: &str,
    words: &[&str],
    first_kept: bool,
    next_is_body: bool,
    has_more: bool,
    config: &BlocksConfig,
) -> Option<(String, f32)> {
    let count = words.len();
    if count == 0 || count > config.max_heading_words + if first_kept { 6 } else { 0 } {
        return None;
    }
    let trimmed = text.trim_end();
    let unquoted = trimmed.trim_end_matches(['"', '”', '’', '\'']);
    // A quoted ending is a quotation ("..., he said.”) unless the quote closes a short
    // headline phrase; an ellipsis is a teaser title, not the end of a sentence.
    let ellipsis = unquoted.ends_with("...") || unquoted.ends_with('…');
    let terminal = !ellipsis && unquoted.ends_with(['.', '!', ';', ',', ':']);
    if terminal || (ellipsis && !first_kept) {
        return None;
    }
    let content: Vec<&str> = words
        .iter()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| w.chars().next().is_some_and(char::is_alphabetic))
        .filter(|w| !TITLE_SMALL_WORDS.contains(&w.to_lowercase().as_str()))
        .collect();
    if content.is_empty() {
        return None;
    }
    let capitalised = content
        .iter()
        .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
        .count();
    let title_cased = capitalised * 4 >= content.len() * 3;
    if first_kept && (next_is_body || has_more) {
        return Some((
            "first line, short, no terminal punctuation: title".into(),
            if title_cased { 0.9 } else { 0.75 },
        ));
    }
    if title_cased && next_is_body {
        return Some((
            "short title-cased line without terminal punctuation before body text".into(),
            0.85,
        ));
    }
    if title_cased && count <= 6 {
        return Some((
            "short title-cased line without terminal punctuation".into(),
            0.6,
        ));
    }
    None
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
    fn stage_refines_blocks_set_by_a_reader() {
        let text = "Council Votes\nThe council of Leeds voted on Tuesday to approve the plan, Leeds officials said.\nMore on the Leeds vote is expected from the council next week, officials said.\nShop the best deals on premium rugged tablets and accessories, trusted by professionals.";
        let mut doc = Document::new(None, text, Default::default());
        let mut start = 0;
        for (i, line) in text.split('\n').enumerate() {
            doc.blocks.push(Block {
                span: Span::new(start, start + line.len()),
                kind: if i == 0 {
                    BlockKind::Heading
                } else {
                    BlockKind::Body
                },
                reason: "from HTML".into(),
                stage: "ingest.html".into(),
                confidence: 1.0,
            });
            start += line.len() + 1;
        }
        BlocksStage::default().process(&mut doc).unwrap();
        let kinds: Vec<BlockKind> = doc.blocks.iter().map(|b| b.kind).collect();
        assert_eq!(
            kinds,
            vec![
                BlockKind::Heading,
                BlockKind::Body,
                BlockKind::Body,
                BlockKind::Boilerplate
            ],
            "{:?}",
            doc.blocks
        );
        let mut doc = Document::new(None, "", Default::default());
        BlocksStage::default().process(&mut doc).unwrap();
        assert!(doc.blocks.is_empty());
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
