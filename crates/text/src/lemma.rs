//! Lemmatizer learned from a treebank: an exception table of (form, PTB tag) → lemma for
//! every word seen in training, and suffix rewrite rules per tag for unseen words
//! (`-ies` NNS → `-y`, `-ed` VBD → ``), picked by the longest known suffix.

use std::collections::HashMap;

use crate::conllu::TreebankSentence;
use stancegraph_linear::{hash_str, mix, FormatError, KeyMap, Reader, Writer};

/// How a lemma is made from its form.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Rule {
    lowercase: bool,
    /// Chars removed from the end.
    strip: u8,
    append: String,
}

impl Rule {
    fn derive(form: &str, lemma: &str) -> Rule {
        let plain = Rule::between(form, lemma, false);
        let lower = Rule::between(&form.to_lowercase(), lemma, true);
        if lower.strip < plain.strip {
            lower
        } else {
            plain
        }
    }

    fn between(form: &str, lemma: &str, lowercase: bool) -> Rule {
        let common = form
            .chars()
            .zip(lemma.chars())
            .take_while(|(a, b)| a == b)
            .count();
        let strip = (form.chars().count() - common).min(255) as u8;
        let append: String = lemma.chars().skip(common).collect();
        Rule {
            lowercase,
            strip,
            append,
        }
    }

    fn apply(&self, form: &str) -> Option<String> {
        let base = if self.lowercase {
            form.to_lowercase()
        } else {
            form.to_string()
        };
        let n = base.chars().count();
        let keep = n
            .checked_sub(self.strip as usize)
            .filter(|&k| k > 0 || !self.append.is_empty())?;
        let mut out: String = base.chars().take(keep).collect();
        out.push_str(&self.append);
        Some(out)
    }
}

const MAX_SUFFIX: usize = 5;

fn suffix_key(tag: u64, lower: &str, k: usize) -> u64 {
    let start = lower
        .char_indices()
        .rev()
        .nth(k.saturating_sub(1))
        .map_or(0, |(i, _)| i);
    let suffix = if k == 0 { "" } else { &lower[start..] };
    mix(mix(tag, 0x5u64), hash_str(suffix))
}

fn form_key(form: &str, tag: u64) -> u64 {
    mix(hash_str(form), tag)
}

/// The lemmatizer: exact (form, PTB tag) exceptions first (as written, then lowercased),
/// then the suffix rule of the longest known suffix; proper nouns fall back to the form,
/// other words to their lowercase. Stored inside the tagger model.
#[derive(Default, Clone)]
pub struct Lemmatizer {
    exceptions: KeyMap<String>,
    rules: Vec<Rule>,
    /// (tag, suffix) → (index into rules, support)
    suffixes: KeyMap<(u32, u32)>,
}

impl Lemmatizer {
    /// Learns from training sentences. Tags are PTB (xpos) tags.
    pub fn train(sentences: &[TreebankSentence]) -> Lemmatizer {
        let mut counts: HashMap<(String, String), HashMap<String, u32>> = HashMap::new();
        for s in sentences {
            for w in &s.words {
                if w.lemma == "_" {
                    continue;
                }
                *counts
                    .entry((w.form.clone(), w.xpos.clone()))
                    .or_default()
                    .entry(w.lemma.clone())
                    .or_default() += 1;
            }
        }
        let mut lemmatizer = Lemmatizer::default();
        let mut rule_ids: HashMap<Rule, u32> = HashMap::new();
        let mut suffix_counts: KeyMap<HashMap<u32, u32>> = KeyMap::default();
        let mut entries: Vec<_> = counts.into_iter().collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        for ((form, xpos), lemmas) in entries {
            let Some((lemma, _)) = lemmas
                .into_iter()
                .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
            else {
                continue;
            };
            let tag = hash_str(&xpos);
            let rule = Rule::derive(&form, &lemma);
            let next = rule_ids.len() as u32;
            let id = *rule_ids.entry(rule.clone()).or_insert(next);
            if id == next {
                lemmatizer.rules.push(rule);
            }
            let lower = form.to_lowercase();
            for k in 0..=MAX_SUFFIX.min(lower.chars().count()) {
                *suffix_counts
                    .entry(suffix_key(tag, &lower, k))
                    .or_default()
                    .entry(id)
                    .or_default() += 1;
            }
            lemmatizer.exceptions.insert(form_key(&form, tag), lemma);
        }
        for (key, rules) in suffix_counts {
            if let Some((rule, support)) = rules
                .into_iter()
                .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
            {
                lemmatizer.suffixes.insert(key, (rule, support));
            }
        }
        lemmatizer
    }

    /// The lemma of `form` tagged `xpos` (with `upos` as a fallback guide).
    pub fn lemma(&self, form: &str, xpos: &str, upos: &str) -> String {
        let tag = hash_str(xpos);
        if let Some(lemma) = self.exceptions.get(&form_key(form, tag)) {
            return lemma.clone();
        }
        let lower = form.to_lowercase();
        if let Some(lemma) = self.exceptions.get(&form_key(&lower, tag)) {
            return lemma.clone();
        }
        for k in (0..=MAX_SUFFIX.min(lower.chars().count())).rev() {
            if let Some(&(rule, support)) = self.suffixes.get(&suffix_key(tag, &lower, k)) {
                if support < 2 && k > 0 {
                    continue;
                }
                if let Some(lemma) = self.rules.get(rule as usize).and_then(|r| r.apply(form)) {
                    return lemma;
                }
            }
        }
        if upos == "PROPN" {
            form.to_string()
        } else {
            lower
        }
    }

    /// Appends the lemmatizer to a model being written (the tail of the tagger's model file).
    /// Entries are sorted, so equal lemmatizers write equal bytes.
    pub fn write(&self, out: &mut Writer) {
        out.u32(self.rules.len() as u32);
        for r in &self.rules {
            out.u8(u8::from(r.lowercase));
            out.u8(r.strip);
            out.str(&r.append);
        }
        let mut suffixes: Vec<_> = self.suffixes.iter().collect();
        suffixes.sort_unstable();
        out.u32(suffixes.len() as u32);
        for (key, (rule, support)) in suffixes {
            out.u64(*key);
            out.u32(*rule);
            out.u32(*support);
        }
        let mut exceptions: Vec<_> = self.exceptions.iter().collect();
        exceptions.sort_unstable();
        out.u32(exceptions.len() as u32);
        for (key, lemma) in exceptions {
            out.u64(*key);
            out.str(lemma);
        }
    }

    /// Reads a lemmatizer written by [`Lemmatizer::write`].
    pub fn read(input: &mut Reader) -> Result<Lemmatizer, FormatError> {
        let mut lemmatizer = Lemmatizer::default();
        for _ in 0..input.u32()? {
            let lowercase = input.u8()? != 0;
            let strip = input.u8()?;
            let append = input.str()?;
            lemmatizer.rules.push(Rule {
                lowercase,
                strip,
                append,
            });
        }
        for _ in 0..input.u32()? {
            let key = input.u64()?;
            let rule = input.u32()?;
            let support = input.u32()?;
            lemmatizer.suffixes.insert(key, (rule, support));
        }
        for _ in 0..input.u32()? {
            let key = input.u64()?;
            lemmatizer.exceptions.insert(key, input.str()?);
        }
        Ok(lemmatizer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conllu::Word;

    fn word(form: &str, lemma: &str, xpos: &str) -> Word {
        Word {
            form: form.into(),
            lemma: lemma.into(),
            upos: "X".into(),
            xpos: xpos.into(),
            ..Word::default()
        }
    }

    #[test]
    fn learns_exceptions_and_suffix_rules() {
        let s = TreebankSentence {
            words: vec![
                word("was", "be", "VBD"),
                word("studies", "study", "NNS"),
                word("cities", "city", "NNS"),
                word("parties", "party", "NNS"),
                word("walked", "walk", "VBD"),
                word("talked", "talk", "VBD"),
                word("The", "the", "DT"),
            ],
            ..TreebankSentence::default()
        };
        let l = Lemmatizer::train(&[s]);
        assert_eq!(l.lemma("was", "VBD", "AUX"), "be");
        assert_eq!(l.lemma("ladies", "NNS", "NOUN"), "lady");
        assert_eq!(l.lemma("jumped", "VBD", "VERB"), "jump");
        assert_eq!(l.lemma("The", "DT", "DET"), "the");
        let mut w = Writer::default();
        l.write(&mut w);
        let back = Lemmatizer::read(&mut Reader::new(w.as_bytes())).unwrap();
        assert_eq!(back.lemma("ladies", "NNS", "NOUN"), "lady");
    }
}
