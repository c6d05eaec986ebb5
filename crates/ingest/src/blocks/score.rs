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

#[cfg(test)]
mod tests {
    use super::super::lines::split_lines;
    use super::*;

    /// The score of line `i` of `text`, linked to the article by `link`.
    fn scored(text: &str, i: usize, link: Option<Link>) -> Score {
        let lines = split_lines(text);
        let words: Vec<Vec<&str>> = lines
            .iter()
            .map(|l| l.text.split_whitespace().collect())
            .collect();
        score_line(&lines, &words, i, link)
    }

    fn close(a: f32, b: f32) -> bool {
        (a - b).abs() < 1e-5
    }

    fn has(score: &Score, reason: &str) -> bool {
        score.reasons.iter().any(|r| r == reason)
    }

    #[test]
    fn disclaimer_phrases_add_weight_each_up_to_a_cap() {
        let text = "Officials met on Monday.\nAll rights reserved. Terms of use and our privacy policy apply.\nThe opinions expressed are the author's own.";
        let body = scored(text, 0, None);
        assert!(close(body.value, 0.0), "{body:?}");
        let three = scored(text, 1, None);
        assert!(close(three.value, 1.6), "{three:?}");
        assert!(has(&three, "3 disclaimer phrase(s)"), "{three:?}");
        let one = scored(text, 2, None);
        assert!(close(one.value, 0.7), "{one:?}");
    }

    #[test]
    fn lead_in_markers_count_only_at_the_start_of_a_line() {
        let text = "Note: the figures are provisional.\nThe minister made a note: the figures are provisional.";
        let marked = scored(text, 0, None);
        assert!(has(&marked, "lead-in marker") && close(marked.value, 0.7));
        let inside = scored(text, 1, None);
        assert!(!has(&inside, "lead-in marker"), "{inside:?}");
    }

    #[test]
    fn one_promotional_word_is_news_two_or_more_weigh_by_density() {
        let text = "The deal was signed on Monday.\nBuy premium rugged tablets.";
        let one = scored(text, 0, None);
        assert!(close(one.value, 0.2), "{one:?}");
        // Three of four words: 0.15 * 3 plus the density weight capped at 0.6.
        let dense = scored(text, 1, None);
        assert!(close(dense.value, 0.45 + 0.6), "{dense:?}");
        assert!(has(&dense, "3 promotional/product word(s)"));
    }

    #[test]
    fn sparse_promotional_words_in_long_prose_weigh_less() {
        let text = "The minister said the trade deal would cover farm products and that talks on the remaining questions of quotas, tariffs and inspections would continue in Brussels next month with officials from both sides.\nTalks continue.";
        let prose = scored(text, 0, None);
        assert!(
            has(&prose, "prose with sparse promotional words"),
            "{prose:?}"
        );
        assert!(has(&prose, "2 promotional/product word(s)"), "{prose:?}");
        let words = text
            .lines()
            .next()
            .map_or(0, |l| l.split_whitespace().count());
        let density = 2.0 / words as f32;
        assert!(
            close(prose.value, 0.15 * 2.0 + 2.5 * density - 0.3),
            "{prose:?}"
        );
    }

    #[test]
    fn copyright_and_trademark_signs_and_links_are_furniture() {
        let text = "Pictures courtesy of Example Media™\nThe report is online at https://example.org/report today.\nThe council met (c) 2024 here.";
        let sign = scored(text, 0, None);
        assert!(has(&sign, "copyright or trademark sign") && close(sign.value, 0.6));
        let link = scored(text, 1, None);
        assert!(
            has(&link, "link or address") && close(link.value, 0.3),
            "{link:?}"
        );
        assert!(has(&scored(text, 2, None), "copyright or trademark sign"));
        let mail = scored("Write to press@example.org with questions.", 0, None);
        assert!(has(&mail, "link or address"), "{mail:?}");
    }

    #[test]
    fn position_counts_only_in_articles_of_five_lines_or_more() {
        let short = "First line here.\nSecond line here.\nThird line here.";
        for i in 0..3 {
            assert!(close(scored(short, i, None).value, 0.0));
        }
        // Five lines is the least the position rule reads.
        let long =
            "One line here.\nTwo line here.\nThree line here.\nFour line here.\nFive line here.";
        let edge = scored(long, 0, None);
        assert!(has(&edge, "at the start or end") && close(edge.value, 0.3));
        let middle = scored(long, 2, None);
        assert!(has(&middle, "in the middle of the article") && close(middle.value, -0.3));
        assert!(has(&scored(long, 4, None), "at the start or end"));
    }

    #[test]
    fn long_paragraphs_are_body_evidence() {
        let long = "word ".repeat(61);
        let text = format!("Short line.\n{}", long.trim_end());
        let score = scored(&text, 1, None);
        assert!(
            has(&score, "long paragraph") && close(score.value, -0.5),
            "{score:?}"
        );
        let sixty = format!("Short line.\n{}", "word ".repeat(60).trim_end());
        assert!(!has(&scored(&sixty, 1, None), "long paragraph"));
    }

    #[test]
    fn shared_actors_lower_the_score_and_none_shared_raises_a_suspect_line() {
        let text = "The deal was signed on Monday.\nThe council met on Monday.";
        let alone = |shared_names| Link {
            shared_names,
            topic_overlap: None,
        };
        let suspect = scored(text, 0, Some(alone(0)));
        assert!(close(suspect.value, 0.2 + 0.3), "{suspect:?}");
        let clean = scored(text, 1, Some(alone(0)));
        assert!(close(clean.value, 0.0), "{clean:?}");
        let two = scored(text, 0, Some(alone(2)));
        assert!(close(two.value, 0.2 - 0.8), "{two:?}");
        assert!(has(&two, "2 actor(s) shared with the article"));
        let capped = scored(text, 0, Some(alone(5)));
        assert!(close(capped.value, 0.2 - 1.2), "{capped:?}");
    }

    #[test]
    fn topic_overlap_lowers_the_score_and_foreign_vocabulary_raises_a_suspect_line() {
        let text = "The deal was signed on Monday.\nThe council met on Monday.";
        let overlap = |o| Link {
            shared_names: 1,
            topic_overlap: Some(o),
        };
        let recurring = scored(text, 0, Some(overlap(0.3)));
        assert!(close(recurring.value, 0.2 - 0.4 - 0.5), "{recurring:?}");
        assert!(has(&recurring, "30% of its words recur in the article"));
        let foreign = Link {
            shared_names: 0,
            topic_overlap: Some(0.05),
        };
        let suspect = scored(text, 0, Some(foreign));
        assert!(close(suspect.value, 0.2 + 0.3 + 0.2), "{suspect:?}");
        assert!(has(&suspect, "vocabulary foreign to the article"));
        // A line with no boilerplate evidence is not made suspect by its vocabulary alone.
        let clean = scored(text, 1, Some(foreign));
        assert!(close(clean.value, 0.0), "{clean:?}");
        let between = scored(text, 0, Some(overlap(0.2)));
        assert!(close(between.value, 0.2 - 0.4), "{between:?}");
    }
}
