//! The boilerplate score of a line: general features (disclaimer and promotional
//! vocabulary, lead-in markers, signs, links, position, length, ties to the article),
//! each adding or removing weight with a reason that ends up in the block.

use super::lexicon::lexicons;
use super::link::Link;
use super::Line;

#[derive(Debug, Clone, Default)]
pub(super) struct Score {
    pub(super) value: f32,
    pub(super) reasons: Vec<String>,
}

impl Score {
    fn add(&mut self, weight: f32, reason: impl Into<String>) {
        self.value += weight;
        self.reasons.push(reason.into());
    }
}

/// Boilerplate evidence for line `i`. `link` says how the line connects to the lines the
/// first pass kept (`None` in the first pass).
pub(super) fn score_line(
    lines: &[Line<'_>],
    words: &[Vec<&str>],
    i: usize,
    link: Option<Link>,
) -> Score {
    let mut score = Score::default();
    let text = lines[i].text;
    let lower = text.to_lowercase();
    let word_count = words[i].len();

    let disclaimers = lexicons()
        .disclaimer_phrases
        .iter()
        .filter(|p| lower.contains(*p))
        .count();
    if disclaimers > 0 {
        score.add(
            (0.7 * disclaimers as f32).min(1.6),
            format!("{disclaimers} disclaimer phrase(s)"),
        );
    }
    if lexicons().lead_markers.iter().any(|m| lower.starts_with(m)) {
        score.add(0.7, "lead-in marker");
    }
    let promo = words[i]
        .iter()
        .filter(|w| {
            let w = w
                .trim_matches(|c: char| !c.is_alphanumeric() && c != '-')
                .to_lowercase();
            lexicons().promo_words.contains(w.as_str())
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
