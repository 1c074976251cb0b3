//! The bridges theme's words come from `i18n/<tag>.toml`: every key its
//! templates and scripts ask for is in en.toml, every language has the same
//! keys, the Spanish pages show no English of the theme's, and a key a
//! language lacks is named in a warning.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::assert_contains;
use crate::support::{build_bundled, repo, Site};

fn theme() -> std::path::PathBuf {
    repo().join("themes/bridges")
}

/// A theme's strings file, flattened to dotted keys as guide reads it.
fn strings(tag: &str) -> BTreeMap<String, String> {
    let path = theme().join(format!("i18n/{tag}.toml"));
    let text = std::fs::read_to_string(&path).unwrap();
    let table: toml::Table = toml::from_str(&text).unwrap_or_else(|e| panic!("{tag}.toml: {e}"));
    let mut flat = BTreeMap::new();
    flatten("", &table, &mut flat);
    flat
}

fn flatten(prefix: &str, table: &toml::Table, into: &mut BTreeMap<String, String>) {
    for (key, value) in table {
        let key = format!("{prefix}{key}");
        match value {
            toml::Value::String(text) => {
                into.insert(key, text.clone());
            }
            toml::Value::Table(inner) => flatten(&format!("{key}."), inner, into),
            other => panic!("`{key}` is not text: {other}"),
        }
    }
}

/// The files under `dir` whose name ends in `ext`, with their text.
fn sources(dir: &Path, ext: &str) -> Vec<(String, String)> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|entry| entry.unwrap())
        .filter(|entry| {
            entry.file_type().is_file() && entry.path().to_string_lossy().ends_with(ext)
        })
        .map(|entry| {
            let name = entry
                .path()
                .strip_prefix(dir)
                .unwrap()
                .display()
                .to_string();
            (name, std::fs::read_to_string(entry.path()).unwrap())
        })
        .collect()
}

/// The string literals ('…' or "…") in a template's code, in order.
fn literals(code: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = code;
    while let Some(start) = rest.find(['"', '\'']) {
        let quote = rest.as_bytes()[start] as char;
        let after = &rest[start + 1..];
        let Some(end) = after.find(quote) else { break };
        found.push(&after[..end]);
        rest = &after[end + 1..];
    }
    found
}

/// The double-quoted strings of a script, its comments left out (their
/// apostrophes and quotes are prose).
fn js_literals(code: &str) -> Vec<&str> {
    let mut found = Vec::new();
    for line in code.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("//") || trimmed.starts_with('*') || trimmed.starts_with("/*") {
            continue;
        }
        let code = line.find(" // ").map_or(line, |at| &line[..at]);
        let mut pieces = code.split('"');
        pieces.next();
        found.extend(pieces.step_by(2));
    }
    found
}

/// The argument of every `t(key=…)` call in a template, up to its closing
/// parenthesis (it may hold parentheses of its own).
fn template_calls(text: &str) -> Vec<&str> {
    let mut calls = Vec::new();
    for (at, _) in text.match_indices("t(key=") {
        if at > 0 && text.as_bytes()[at - 1].is_ascii_alphanumeric() {
            continue;
        }
        let argument = &text[at + "t(key=".len()..];
        let mut depth = 1;
        let end = argument
            .char_indices()
            .find(|&(_, c)| {
                depth += match c {
                    '(' => 1,
                    ')' => -1,
                    _ => 0,
                };
                depth == 0
            })
            .map(|(i, _)| i)
            .expect("a t(key=…) call is closed");
        calls.push(&argument[..end]);
    }
    calls
}

/// Whether `key` is a string of `table`, or a plural with an `other` form.
fn has(table: &BTreeMap<String, String>, key: &str) -> bool {
    table.contains_key(key) || table.contains_key(&format!("{key}.other"))
}

/// The `{name}` placeholders of a string.
fn placeholders(text: &str) -> BTreeSet<&str> {
    text.split('{')
        .skip(1)
        .filter_map(|part| part.split_once('}').map(|(name, _)| name))
        .filter(|name| {
            !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
        .collect()
}

#[test]
fn every_key_the_templates_ask_for_is_in_en_toml() {
    let en = strings("en");
    let mut asked = 0;
    let mut missing = Vec::new();
    for (file, text) in sources(&theme().join("templates"), ".html") {
        for call in template_calls(&text) {
            let parts = literals(call);
            assert!(!parts.is_empty(), "{file}: t(key={call}) names no key");
            let mut keys = Vec::new();
            if call.contains('~') {
                // "terms.pages." ~ ("one" if … else "other"): the prefix with each ending;
                // "helper.pages." ~ link[0]: a prefix the list in the template completes.
                let (prefix, endings) = parts.split_first().unwrap();
                if endings.is_empty() {
                    assert!(
                        en.keys().any(|k| k.starts_with(prefix)),
                        "{file}: no key starts with {prefix}"
                    );
                }
                keys.extend(endings.iter().map(|e| format!("{prefix}{e}")));
            } else {
                // A key, or "a" if … else "b".
                keys.extend(parts.iter().map(|k| k.to_string()));
            }
            for key in keys {
                asked += 1;
                if !en.contains_key(&key) {
                    missing.push(format!("{file}: {key}"));
                }
            }
        }
    }
    assert!(asked > 100, "only {asked} keys found in the templates");
    assert!(
        missing.is_empty(),
        "keys missing from en.toml:\n{}",
        missing.join("\n")
    );
}

#[test]
fn every_page_the_helper_links_to_has_its_text_and_each_heading_its_id_in_every_language() {
    let text =
        std::fs::read_to_string(theme().join("templates/partials/where-to-start.html")).unwrap();
    let list = &text[text.find("<template id=\"starter-pages\">").unwrap()..];
    let list = &list[..list.find("] %}").unwrap()];
    // [key, path, anchored]
    let links: Vec<(&str, bool)> = list
        .split("[\"")
        .skip(1)
        .map(|entry| {
            let key = entry.split('"').next().unwrap();
            let anchored = entry
                .split(']')
                .next()
                .unwrap()
                .trim_end()
                .ends_with("true");
            (key, anchored)
        })
        .collect();
    assert!(links.len() > 15, "only {} pages", links.len());
    assert!(links.iter().filter(|(_, a)| *a).count() > 10);
    for language in ["en", "es"] {
        let table = strings(language);
        for (key, anchored) in &links {
            assert!(
                table.contains_key(&format!("helper.pages.{key}")),
                "{language}: no helper.pages.{key}"
            );
            assert_eq!(
                table.contains_key(&format!("helper.anchors.{key}")),
                *anchored,
                "{language}: helper.anchors.{key} and the template disagree on whether the link has a heading"
            );
        }
    }
}

#[test]
fn every_key_the_javascript_asks_for_is_in_en_toml() {
    let en = strings("en");
    let js: BTreeMap<String, String> = en
        .iter()
        .filter_map(|(k, v)| k.strip_prefix("js.").map(|k| (k.to_string(), v.clone())))
        .collect();
    // The areas of the scripts' strings: "copy" of "copy.done".
    let areas: BTreeSet<&str> = js
        .keys()
        .filter_map(|k| k.split_once('.'))
        .map(|(a, _)| a)
        .collect();
    // A CSS selector (`form.site-search`) is not a key.
    let selector = |text: &str| {
        let tag = text.split('.').next().unwrap_or("");
        [
            "form", "div", "a", "button", "input", "ol", "ul", "li", "p", "span", "nav", "section",
        ]
        .contains(&tag)
            && text.contains('-')
    };
    let is_key = |text: &str| {
        !selector(text)
            && text.contains('.')
            && text
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c))
            && areas.contains(text.split('.').next().unwrap())
    };
    let mut asked = 0;
    let mut missing = Vec::new();
    for (file, text) in sources(&theme().join("static/js"), ".js") {
        for literal in js_literals(&text).into_iter().filter(|l| is_key(l)) {
            asked += 1;
            if !has(&js, literal) {
                missing.push(format!("{file}: {literal}"));
            }
        }
        // `checker.${rule.id}`: a prefix completed at run time.
        for (at, _) in text.match_indices(".${") {
            let start = text[..at].rfind('`').unwrap() + 1;
            let prefix = format!("{}.", &text[start..at]);
            if areas.contains(prefix.split('.').next().unwrap()) {
                assert!(
                    js.keys().any(|k| k.starts_with(&prefix)),
                    "{file}: no key starts with {prefix}"
                );
            }
        }
    }
    assert!(asked > 80, "only {asked} keys found in the scripts");
    assert!(
        missing.is_empty(),
        "keys missing from en.toml:\n{}",
        missing.join("\n")
    );
    for area in [
        "copy", "counter", "search", "helper", "calendar", "filter", "form",
    ] {
        assert!(areas.contains(area), "no js.{area} strings");
    }
}

#[test]
fn each_languages_checker_hints_are_its_rule_files() {
    for (language, file) in [
        ("en", "src/script/message-rules.json"),
        ("es", "src/script/message-rules.es.json"),
    ] {
        let theme = strings(language);
        let rules: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(repo().join(file)).unwrap()).unwrap();
        let rules = rules["rules"].as_array().unwrap();
        assert!(rules.len() >= 8, "{file} has {} rules", rules.len());
        for rule in rules {
            let id = rule["id"].as_str().unwrap();
            assert_eq!(
                theme.get(&format!("js.checker.{id}")).map(String::as_str),
                rule["hint"].as_str(),
                "js.checker.{id} of {language}.toml is not {file}'s hint"
            );
        }
    }
}

#[test]
fn every_language_has_the_same_keys_and_placeholders() {
    let en = strings("en");
    let es = strings("es");
    let only = |a: &BTreeMap<String, String>, b: &BTreeMap<String, String>| -> Vec<String> {
        a.keys().filter(|k| !b.contains_key(*k)).cloned().collect()
    };
    assert_eq!(only(&en, &es), Vec::<String>::new(), "keys es.toml lacks");
    assert_eq!(
        only(&es, &en),
        Vec::<String>::new(),
        "keys only es.toml has"
    );
    for (key, english) in &en {
        let spanish = &es[key];
        let (want, got) = (placeholders(english), placeholders(spanish));
        // A language may say "one" in words ("el último carácter"), nothing else.
        if key.ends_with(".one") {
            assert!(
                got.is_subset(&want),
                "{key}: {got:?} is not within {want:?}"
            );
        } else {
            assert_eq!(got, want, "{key}: the placeholders differ");
        }
        assert!(!spanish.trim().is_empty(), "{key} is empty in es.toml");
    }
    assert_eq!(es["js.locale"], "es");
}

/// The text a reader meets on a page: its text and the words of its
/// labels, placeholders and titles; no scripts, styles or templates.
fn reader_text(html: &str) -> String {
    let mut html = html.to_string();
    for element in ["script", "style", "template"] {
        while let Some(start) = html.find(&format!("<{element}")) {
            let close = format!("</{element}>");
            let end = html[start..]
                .find(&close)
                .map(|e| start + e + close.len())
                .unwrap();
            html.replace_range(start..end, " ");
        }
    }
    let mut text = String::new();
    let mut rest = html.as_str();
    while let Some(open) = rest.find('<') {
        text.push_str(&rest[..open]);
        let close = rest[open..].find('>').unwrap() + open;
        let tag = &rest[open..close];
        for attribute in ["aria-label", "placeholder", "title", "alt"] {
            if let Some(at) = tag.find(&format!(" {attribute}=\"")) {
                let value = &tag[at + attribute.len() + 3..];
                text.push('\n');
                text.push_str(&value[..value.find('"').unwrap()]);
            }
        }
        text.push('\n');
        rest = &rest[close + 1..];
    }
    text.push_str(rest);
    text.replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Whether `words` occur in `text` as words (not inside a longer word).
fn has_words(text: &str, words: &str) -> bool {
    text.match_indices(words).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + words.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// The guide-strings block of a page, as JSON.
fn page_strings(html: &str) -> BTreeMap<String, String> {
    let start = html
        .find("<script type=\"application/json\" id=\"guide-strings\">")
        .expect("the page has its strings");
    let json = &html[start..];
    let json = &json[json.find('>').unwrap() + 1..json.find("</script>").unwrap()];
    serde_json::from_str(json).unwrap()
}

#[test]
fn the_spanish_pages_show_no_english_of_the_theme() {
    let out = tempfile::tempdir().unwrap();
    let run = build_bundled(out.path(), &["--quiet"]);
    assert!(run.ok, "the bundled guide does not build:\n{}", run.stderr);
    assert!(
        !run.stderr.contains("theme string"),
        "a language lacks theme strings:\n{}",
        run.stderr
    );
    let en = strings("en");
    let es = strings("es");
    let spanish_js: BTreeMap<String, String> = es
        .iter()
        .filter_map(|(k, v)| k.strip_prefix("js.").map(|k| (k.to_string(), v.clone())))
        .collect();
    for page in [
        "es/index.html",
        "es/scripts/connection-note/index.html",
        "es/scripts/index.html",
    ] {
        let html = std::fs::read_to_string(out.path().join(page)).unwrap();
        let text = reader_text(&html);
        for (key, english) in en.iter().filter(|(k, _)| !k.starts_with("js.")) {
            if es[key] == *english {
                continue; // "No", "Error 404": the same in both
            }
            for words in english.split(['{', '}']).step_by(2).map(str::trim) {
                if words.chars().filter(|c| c.is_alphabetic()).count() >= 3 {
                    assert!(
                        !has_words(&text, words),
                        "{page} shows {key}'s English {words:?}"
                    );
                }
            }
        }
        // The scripts' words are the Spanish ones, with no English fallback.
        assert_eq!(
            page_strings(&html),
            spanish_js,
            "{page}: the scripts' strings"
        );
    }
    let note =
        std::fs::read_to_string(out.path().join("es/scripts/connection-note/index.html")).unwrap();
    assert_contains!(note, "<html lang=\"es\"");
    assert_contains!(note, "\"message.copy\":\"Copiar mensaje\"");
    assert_contains!(note, "Guion · Romper el silencio");
    assert_contains!(reader_text(&note), "Copia un mensaje de abajo");
    assert!(!note.contains("Copy"), "the Spanish script page says Copy");
    let home = reader_text(&std::fs::read_to_string(out.path().join("es/index.html")).unwrap());
    assert_contains!(home, "¿Por dónde empiezo?");
    assert_contains!(home, "Buscar en la guía");
    // And the English pages keep theirs.
    let english =
        std::fs::read_to_string(out.path().join("scripts/connection-note/index.html")).unwrap();
    assert_contains!(english, "\"message.copy\":\"Copy message\"");
    assert_contains!(english, "Script · Breaking the silence");
}

/// A two-language site whose theme has `farewell` in English only.
fn site_lacking_a_key() -> Site {
    Site::from_files(&[
        (
            "site.toml",
            "title = \"T\"\nbase_url = \"https://example.org/\"\nlanguage = \"en\"\ntheme = \"t\"\n\
             [search]\nenabled = false\n\
             [languages.en]\nname = \"English\"\n[languages.es]\nname = \"Español\"\n",
        ),
        ("content/_index.md", "---\ntitle: Home\n---\n"),
        ("content/_index.es.md", "---\ntitle: Inicio\n---\n"),
        (
            "themes/t/templates/index.html",
            "{{ t(key=\"greeting\") }} / {{ t(key=\"farewell\") }} / {{ strings(prefix=\"js.\") | safe }}",
        ),
        ("themes/t/templates/section.html", "{{ section.title }}"),
        ("themes/t/templates/page.html", "{{ page.title }}"),
        (
            "themes/t/i18n/en.toml",
            "greeting = \"Hello\"\nfarewell = \"Goodbye\"\n[js]\ncopy = \"Copy\"\n",
        ),
        ("themes/t/i18n/es.toml", "greeting = \"Hola\"\n[js]\ncopy = \"Copiar\"\n"),
    ])
}

#[test]
fn a_key_a_language_lacks_is_named_in_a_warning_and_shown_in_english() {
    let site = site_lacking_a_key();
    let run = site.build();
    assert_contains!(
        run.stderr,
        "warning: 1 theme string with no Español (`es`) text: `farewell`; the English text is shown"
    );
    assert_contains!(run.stderr, "themes/t/i18n/es.toml");
    assert_contains!(
        site.public("index.html"),
        "Hello / Goodbye / {\"copy\":\"Copy\"}"
    );
    assert_contains!(
        site.public("es/index.html"),
        "Hola / Goodbye / {\"copy\":\"Copiar\"}"
    );
}
