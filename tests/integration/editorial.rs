//! The bundled guide keeps to its editorial policy: every message of every
//! script, rendered with its example values, is within the word budget of its
//! kind, read from the table in EDITORIAL.md (not repeated here), and within
//! its channel's character limit from site.toml; connection notes fit a free
//! LinkedIn account even with every field filled to its maximum; and the guide
//! keeps the size the policy promises.

use std::collections::BTreeMap;

use guide::config::{Config, Overrides};
use guide::content::{self, Kind};
use guide::script::{self, FieldKind, Message, Script};

/// What a free LinkedIn account lets a connection note carry.
const FREE_NOTE_LIMIT: usize = 200;

/// Words as the policy counts them: whitespace-separated tokens with a letter
/// or a digit, so list dashes and quotation marks alone are not words.
fn words(text: &str) -> usize {
    text.split_whitespace()
        .filter(|token| token.chars().any(char::is_alphanumeric))
        .count()
}

/// The word budgets of EDITORIAL.md: the table whose header has a "Channel"
/// column and a "Words" column, keyed by the channel id written in backticks.
fn budgets(policy: &str) -> BTreeMap<String, usize> {
    let cells = |line: &str| -> Vec<String> {
        line.trim()
            .trim_matches('|')
            .split('|')
            .map(|cell| cell.trim().to_string())
            .collect()
    };
    let lines: Vec<&str> = policy.lines().collect();
    for (at, line) in lines.iter().enumerate() {
        if !line.trim_start().starts_with('|') {
            continue;
        }
        let header = cells(line);
        let channel = header
            .iter()
            .position(|c| c.eq_ignore_ascii_case("channel"));
        let budget = header
            .iter()
            .position(|c| c.to_ascii_lowercase().contains("words"));
        let (Some(channel), Some(budget)) = (channel, budget) else {
            continue;
        };
        let mut found = BTreeMap::new();
        for row in lines[at + 1..]
            .iter()
            .take_while(|l| l.trim_start().starts_with('|'))
        {
            let row = cells(row);
            if row
                .iter()
                .all(|c| c.chars().all(|ch| ch == '-' || ch == ':'))
            {
                continue; // the separator row
            }
            let id = row
                .get(channel)
                .unwrap_or_else(|| panic!("EDITORIAL.md: a budget row has no channel: {row:?}"))
                .trim_matches('`')
                .to_string();
            let number = row
                .get(budget)
                .and_then(|c| c.split_whitespace().next())
                .and_then(|n| n.parse::<usize>().ok())
                .unwrap_or_else(|| panic!("EDITORIAL.md: no number of words for `{id}`: {row:?}"));
            found.insert(id, number);
        }
        return found;
    }
    panic!("EDITORIAL.md has no table with a Channel column and a Words column");
}

/// The longest text a reader can give a field: its `max`, or its longest
/// choice; `None` when nothing caps it.
fn longest(script: &Script, name: &str) -> Option<String> {
    let field = script.field(name)?;
    if let Some(max) = field.max {
        return Some("x".repeat(max));
    }
    if field.kind == FieldKind::Choice {
        return field
            .choices
            .iter()
            .max_by_key(|c| c.chars().count())
            .cloned();
    }
    None
}

/// The longest the message can get: every field at its longest, each optional
/// field both filled and empty (so a fallback longer than the value counts).
fn worst_case(script: &Script, message: &Message) -> Result<usize, String> {
    let mut names: Vec<&str> = message.template.fields().map(|f| f.name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    let mut longest_values = BTreeMap::new();
    for name in &names {
        match longest(script, name) {
            Some(value) => {
                longest_values.insert(*name, value);
            }
            None => return Err(format!("field `{name}` has no max")),
        }
    }
    let optional: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| script.field(n).is_some_and(|f| f.optional))
        .collect();
    let mut worst = 0;
    for mask in 0u32..(1 << optional.len()) {
        let empty = |name: &str| {
            optional
                .iter()
                .position(|o| *o == name)
                .is_some_and(|i| mask & (1 << i) != 0)
        };
        let text = message.template.render(|name| {
            if empty(name) {
                None
            } else {
                longest_values.get(name).map(String::as_str)
            }
        });
        worst = worst.max(script::length(&text));
    }
    Ok(worst)
}

/// The bundled guide's scripts in every language, each with the
/// configuration of its language (its channels' labels; the same limits).
fn scripts_in_every_language() -> Vec<(Config, Vec<Script>)> {
    let root = super::support::repo();
    let config = Config::load(&root, &Overrides::default()).expect("site.toml loads");
    let mut content = content::load(&config).expect("content/ loads");
    let translations = std::mem::take(&mut content.translations);
    let (mut site, errors) =
        guide::site::Site::assemble(&config, content, guide::site::Bodies::Keep);
    assert!(errors.is_empty(), "the guide builds: {errors:?}");
    let editions =
        guide::languages::assemble(&config, &mut site, translations, guide::site::Bodies::Keep);
    assert!(
        editions.errors.is_empty(),
        "the translations build: {:?}",
        editions.errors
    );
    let mut every = vec![(config, site.scripts)];
    for edition in editions.editions {
        every.push((edition.config, edition.site.scripts));
    }
    every
}

/// The budget, limit and worst-case failures of these scripts' messages,
/// and how many messages there are.
fn check_messages(
    config: &Config,
    scripts: &[Script],
    budgets: &BTreeMap<String, usize>,
) -> (usize, Vec<String>) {
    let mut failures = Vec::new();
    let mut messages = 0;
    for script in scripts {
        for message in &script.messages {
            messages += 1;
            let text = script.example(message);
            let count = words(&text);
            let characters = script::length(&text);
            let name = format!(
                "{} ({}, {}, {})",
                script.slug, config.language, message.name, message.channel
            );
            println!("{count:>4} words {characters:>5} characters  {name}");
            match budgets.get(&message.channel) {
                Some(&budget) if count > budget => failures.push(format!(
                    "{name}: {count} words, over the budget of {budget} for `{}`",
                    message.channel
                )),
                Some(_) => {}
                None => failures.push(format!(
                    "{name}: EDITORIAL.md has no budget for `{}`",
                    message.channel
                )),
            }
            if let Some(limit) = config.channel(&message.channel).and_then(|c| c.limit) {
                if characters > limit {
                    failures.push(format!(
                        "{name}: {characters} characters, over the channel's limit of {limit}"
                    ));
                }
            }
            if message.channel == "linkedin-note" {
                if characters > FREE_NOTE_LIMIT {
                    failures.push(format!(
                        "{name}: {characters} characters with its examples, over a free account's {FREE_NOTE_LIMIT}"
                    ));
                }
                match worst_case(script, message) {
                    Ok(worst) if worst > FREE_NOTE_LIMIT => failures.push(format!(
                        "{name}: {worst} characters with every field at its max, over a free account's {FREE_NOTE_LIMIT}"
                    )),
                    Ok(_) => {}
                    Err(why) => failures.push(format!(
                        "{name}: its longest version cannot be bounded: {why}"
                    )),
                }
            }
        }
    }
    (messages, failures)
}

/// Every message in every language (the Spanish too, EDITORIAL.md §8).
#[test]
fn every_message_keeps_to_its_budget_and_its_channel() {
    let root = super::support::repo();
    let policy =
        std::fs::read_to_string(root.join("EDITORIAL.md")).expect("EDITORIAL.md is readable");
    let budgets = budgets(&policy);
    let every = scripts_in_every_language();
    assert!(every.len() >= 2, "the guide is in English and Spanish");
    for channel in &every[0].0.channels {
        assert!(
            budgets.contains_key(&channel.id),
            "EDITORIAL.md gives no word budget for channel `{}` of site.toml",
            channel.id
        );
    }
    let mut failures = Vec::new();
    for (config, scripts) in &every {
        let (messages, found) = check_messages(config, scripts, &budgets);
        assert!(
            messages > 0,
            "the guide has no messages in `{}`",
            config.language
        );
        assert_eq!(
            scripts.len(),
            every[0].1.len(),
            "every script is translated into `{}`",
            config.language
        );
        failures.extend(found);
    }
    assert!(
        failures.is_empty(),
        "{} messages break the editorial policy:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn the_guide_has_the_pages_and_scripts_the_policy_promises() {
    let root = super::support::repo();
    let config = Config::load(&root, &Overrides::default()).expect("site.toml loads");
    let content = content::load(&config).expect("content/ loads");
    let (scripts, _warnings) = script::load(&config, &content.scripts).expect("the scripts load");
    let pages = content
        .documents
        .iter()
        .filter(|d| d.kind == Kind::Page)
        .count();
    assert!(pages >= 32, "at least 32 pages, found {pages}");
    assert!(
        scripts.len() >= 24,
        "at least 24 scripts, found {}",
        scripts.len()
    );
    for script in &scripts {
        assert!(
            !script.situation.is_empty() && !script.relationship.is_empty(),
            "script {} needs a situation and a relationship, or the home page's helper cannot offer it",
            script.slug
        );
    }
}
