//! The message checker: the phrases the guide teaches against ("sorry
//! if", a "but" after an apology, "mistakes were made", a sentence that
//! starts "I just", …), found in a message's text.
//!
//! The rules are data, one file per language beside this one:
//! `message-rules.json` (English) and `message-rules.<tag>.json`
//! (`message-rules.es.json`), each the same mistakes with the same ids as
//! that language writes them. `guide check` runs a language's rules here
//! over every script's example output in it, and a script page carries its
//! language's rules inside each script's data for the reader's own text; a
//! language with no file of its own is read with the English rules. The two
//! engines are kept identical by the shared vectors in
//! `tests/vectors/message-checker.json` (and each language's rules by its
//! own, `message-checker.es.json`). Text is read as lowercase words
//! (letters, digits, apostrophes), so that no regular expression dialect
//! can make them disagree.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// Each language's rule file, as written: its tag and its text. The first
/// is the one a language without a file of its own is read with.
pub const RULE_FILES: [(&str, &str); 2] = [
    ("en", include_str!("message-rules.json")),
    ("es", include_str!("message-rules.es.json")),
];

/// One rule of the checker.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub id: String,
    pub kind: Kind,
    /// The scripts (by slug) it applies to; every script when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scripts: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phrases: Vec<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub start: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub except: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub first: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub then: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_words: Option<usize>,
    /// What the reader is told, gently.
    pub hint: String,
    /// The page that explains why (`@/path.md#anchor`).
    pub explains: String,
}

/// What a rule looks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Phrase,
    After,
    Question,
    Sentence,
}

#[derive(Deserialize)]
struct File {
    #[allow(dead_code)]
    about: String,
    rules: Vec<Rule>,
}

/// A rule's finding: which rule, and the words it found as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub rule: String,
    pub text: String,
}

/// The rules the text of a page in `language` (a BCP 47 tag) is checked
/// with: its language's file (`es` for `es-MX` too), else the English one.
/// Every file is checked by a unit test, so a bad edit fails `cargo test`
/// rather than a reader's page.
pub fn rules(language: &str) -> &'static [Rule] {
    static RULES: OnceLock<Vec<(&str, Vec<Rule>)>> = OnceLock::new();
    let files = RULES.get_or_init(|| {
        RULE_FILES
            .iter()
            .map(|(tag, text)| {
                let file: File = serde_json::from_str(text)
                    .unwrap_or_else(|e| panic!("the `{tag}` message rules are not valid: {e}"));
                (*tag, file.rules)
            })
            .collect()
    });
    let primary = language.split('-').next().unwrap_or(language);
    files
        .iter()
        .find(|(tag, _)| *tag == language)
        .or_else(|| files.iter().find(|(tag, _)| *tag == primary))
        .unwrap_or(&files[0])
        .1
        .as_slice()
}

/// A word of the text: lowercased, with its byte range in the text.
struct Word {
    word: String,
    start: usize,
    end: usize,
    /// The index of its sentence.
    sentence: usize,
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '\'' || c == '\u{2019}'
}

/// The words of `text`, each with its sentence (sentences end at `.`, `!`,
/// `?` and line breaks).
fn words(text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut sentence = 0;
    let mut current: Option<(usize, String)> = None;
    for (at, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        if is_word_char(c) {
            let (_, word) = current.get_or_insert_with(|| (at, String::new()));
            let c = if c == '\u{2019}' { '\'' } else { c };
            word.extend(c.to_lowercase());
            continue;
        }
        if let Some((start, word)) = current.take() {
            out.push(Word {
                word,
                start,
                end: at,
                sentence,
            });
        }
        if matches!(c, '.' | '!' | '?' | '\n') && out.last().is_some_and(|w| w.sentence == sentence)
        {
            sentence += 1;
        }
    }
    out
}

fn phrase_words(phrase: &str) -> Vec<String> {
    words(phrase).into_iter().map(|w| w.word).collect()
}

/// Whether the phrase's words start at word `i`, within one sentence.
fn starts_at(words: &[Word], i: usize, phrase: &[String]) -> bool {
    !phrase.is_empty()
        && words.len() >= i + phrase.len()
        && words[i..i + phrase.len()]
            .iter()
            .zip(phrase)
            .all(|(w, p)| &w.word == p && w.sentence == words[i].sentence)
}

/// Every finding of every rule of `language` that applies to the script
/// `slug`, in rule order, each rule at most once.
pub fn check(text: &str, slug: &str, language: &str) -> Vec<Finding> {
    let words = words(text);
    rules(language)
        .iter()
        .filter(|rule| rule.scripts.is_empty() || rule.scripts.iter().any(|s| s == slug))
        .filter_map(|rule| {
            let (from, to) = find(rule, text, &words)?;
            Some(Finding {
                rule: rule.id.clone(),
                text: text[from..to].to_string(),
            })
        })
        .collect()
}

/// The byte range of a rule's first match in the text.
fn find(rule: &Rule, text: &str, words: &[Word]) -> Option<(usize, usize)> {
    let span = |a: usize, b: usize| (words[a].start, words[b].end);
    match rule.kind {
        Kind::Phrase => {
            let phrases: Vec<Vec<String>> = rule.phrases.iter().map(|p| phrase_words(p)).collect();
            let except: Vec<Vec<String>> = rule.except.iter().map(|p| phrase_words(p)).collect();
            (0..words.len()).find_map(|i| {
                if rule.start && i > 0 && words[i - 1].sentence == words[i].sentence {
                    return None;
                }
                if except.iter().any(|e| starts_at(words, i, e)) {
                    return None;
                }
                let phrase = phrases.iter().find(|p| starts_at(words, i, p))?;
                Some(span(i, i + phrase.len() - 1))
            })
        }
        Kind::After => {
            let within = rule.within.unwrap_or(12);
            (0..words.len()).find_map(|i| {
                if !rule.first.contains(&words[i].word) {
                    return None;
                }
                let last = (i + within).min(words.len() - 1);
                let j = (i + 1..=last).find(|&j| rule.then.contains(&words[j].word))?;
                Some(span(i, j))
            })
        }
        Kind::Question => {
            let at = text.find('?')?;
            let before = words.iter().rposition(|w| w.end <= at)?;
            let first = words
                .iter()
                .position(|w| w.sentence == words[before].sentence)?;
            Some((words[first].start, at + 1))
        }
        Kind::Sentence => {
            let max = rule.max_words.unwrap_or(35);
            let mut first = 0;
            for i in 0..words.len() {
                if words[i].sentence != words[first].sentence {
                    first = i;
                }
                if i + 1 - first > max {
                    let end = words
                        .iter()
                        .rposition(|w| w.sentence == words[i].sentence)?;
                    return Some(span(first, end));
                }
            }
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Vector {
        #[allow(dead_code)]
        name: String,
        text: String,
        #[serde(default)]
        script: String,
        expected: Vec<Finding>,
    }

    #[test]
    fn every_languages_rules_load_and_each_kind_has_what_it_needs() {
        for (tag, _) in RULE_FILES {
            for rule in rules(tag) {
                let ok = match rule.kind {
                    Kind::Phrase => !rule.phrases.is_empty(),
                    Kind::After => !rule.first.is_empty() && !rule.then.is_empty(),
                    Kind::Question => true,
                    Kind::Sentence => rule.max_words.is_some(),
                };
                assert!(ok, "{tag}: rule `{}` lacks its words", rule.id);
                assert!(rule.explains.starts_with("@/"), "{tag}: {}", rule.explains);
            }
        }
    }

    #[test]
    fn every_language_has_the_english_rules_with_their_kinds_and_pages() {
        // The theme's hints (`js.checker.<id>`) and the pages that explain
        // them are found by id, whatever the page's language.
        let shape = |rules: &[Rule]| -> Vec<(String, Kind, Vec<String>, String)> {
            rules
                .iter()
                .map(|r| (r.id.clone(), r.kind, r.scripts.clone(), r.explains.clone()))
                .collect()
        };
        let english = shape(rules("en"));
        for (tag, _) in RULE_FILES {
            assert_eq!(shape(rules(tag)), english, "the `{tag}` rules");
        }
    }

    #[test]
    fn a_language_is_read_with_its_own_rules_or_else_the_english() {
        let hint = |language: &str| rules(language)[0].hint.clone();
        assert!(hint("en").starts_with("“Sorry if…”"), "{}", hint("en"));
        assert!(hint("es").starts_with("«Siento si…»"), "{}", hint("es"));
        assert_eq!(hint("es-MX"), hint("es"));
        assert_eq!(hint("fr"), hint("en"));
        let text = "Siento si te molestó. I'm sorry if it hurt.";
        let found = |language: &str| -> Vec<String> {
            check(text, "", language)
                .into_iter()
                .map(|f| f.text)
                .collect()
        };
        assert_eq!(found("es"), ["Siento si"]);
        assert_eq!(found("en"), ["sorry if"]);
    }

    /// The vectors of one language's rules.
    fn vectors(text: &str, language: &str, at_least: usize) {
        let vectors: Vec<Vector> = serde_json::from_str(text).unwrap();
        assert!(vectors.len() >= at_least, "only {} vectors", vectors.len());
        for v in vectors {
            assert_eq!(
                check(&v.text, &v.script, language),
                v.expected,
                "{language}: {}",
                v.name
            );
        }
    }

    #[test]
    fn the_shared_vectors_pass() {
        vectors(
            include_str!("../../tests/vectors/message-checker.json"),
            "en",
            10,
        );
    }

    #[test]
    fn the_spanish_vectors_pass() {
        vectors(
            include_str!("../../tests/vectors/message-checker.es.json"),
            "es",
            16,
        );
    }
}
