//! The bundled guide in both its languages, and a small site in three: every
//! link to a `#fragment` in every built page (and in the data a page's
//! scripts read, the helper's list of pages among them) leads to an element
//! of its page; an email script's subject line is split off in the words of
//! the page's language, and left out of the text the page copies; and the
//! words guide writes itself (the author, the message checker's rules and
//! hints, what a script is in the search index, a feed's link for a form)
//! reach the Spanish pages in Spanish.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use serde_json::Value;

use crate::assert_contains;
use crate::support::{build_bundled, copy_dir, repo, snapshot, Site};

/// The bundled guide's `base_url`, which its permalinks start with.
const BASE: &str = "http://127.0.0.1:1111/";

/// The bundled guide, built once: every file it wrote, by path.
fn built() -> &'static BTreeMap<String, Vec<u8>> {
    static BUILT: OnceLock<BTreeMap<String, Vec<u8>>> = OnceLock::new();
    BUILT.get_or_init(|| {
        let out = tempfile::tempdir().unwrap();
        let public = out.path().join("public");
        let run = build_bundled(&public, &["--quiet"]);
        assert!(run.ok, "the bundled guide does not build:\n{}", run.stderr);
        snapshot(&public)
    })
}

fn text(path: &str) -> String {
    let bytes = built()
        .get(path)
        .unwrap_or_else(|| panic!("the bundled guide has no {path}"));
    String::from_utf8_lossy(bytes).into_owned()
}

/// The pages readers see, by path: every HTML file but alias redirects.
fn pages() -> BTreeMap<&'static str, String> {
    built()
        .iter()
        .filter(|(path, _)| path.ends_with(".html"))
        .map(|(path, bytes)| (path.as_str(), String::from_utf8_lossy(bytes).into_owned()))
        .filter(|(_, html)| !html.contains("http-equiv=\"refresh\""))
        .collect()
}

// ----- Reading HTML -----

/// One start tag: its name, its attributes (values unescaped), and where
/// it ends in the page.
struct Tag {
    name: String,
    attributes: Vec<(String, String)>,
    end: usize,
}

impl Tag {
    fn get(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&#x2F;", "/")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Every start tag of `html`, in order, with the text of each
/// `<script type="application/json">` (the data a page's scripts read).
fn tags(html: &str) -> (Vec<Tag>, Vec<String>) {
    let mut found = Vec::new();
    let mut data = Vec::new();
    let mut at = 0;
    while let Some(open) = html[at..].find('<').map(|i| at + i) {
        if html[open..].starts_with("<!--") {
            at = html[open..]
                .find("-->")
                .map_or(html.len(), |i| open + i + 3);
            continue;
        }
        let tag = tag_at(html, open);
        at = tag.end;
        if tag.name == "script" {
            let close = html[at..].find("</script>").map_or(html.len(), |i| at + i);
            if tag.get("type") == Some("application/json") {
                data.push(html[at..close].to_string());
            }
            at = close;
        }
        if !tag.name.is_empty() {
            found.push(tag);
        }
    }
    (found, data)
}

/// The tag that starts at `open` (a `<`); an end tag has no name here.
fn tag_at(html: &str, open: usize) -> Tag {
    let mut chars = html[open + 1..].char_indices().peekable();
    let mut name = String::new();
    while let Some(&(_, c)) = chars.peek() {
        if !(c.is_ascii_alphanumeric() || c == '-') {
            break;
        }
        name.push(c.to_ascii_lowercase());
        chars.next();
    }
    let mut attributes = Vec::new();
    let mut end = html.len();
    loop {
        while chars
            .next_if(|&(_, c)| c.is_whitespace() || c == '/')
            .is_some()
        {}
        let Some((i, c)) = chars.next() else { break };
        if c == '>' {
            end = open + 1 + i + 1;
            break;
        }
        let mut attribute = String::from(c);
        while let Some((_, c)) = chars.next_if(|&(_, c)| !"= \t\n>".contains(c)) {
            attribute.push(c);
        }
        let mut value = String::new();
        if chars.next_if(|&(_, c)| c == '=').is_some() {
            match chars.next() {
                Some((_, quote @ ('"' | '\''))) => {
                    for (_, c) in chars.by_ref() {
                        if c == quote {
                            break;
                        }
                        value.push(c);
                    }
                }
                Some((_, c)) => {
                    value.push(c);
                    while let Some((_, c)) = chars.next_if(|&(_, c)| !c.is_whitespace() && c != '>')
                    {
                        value.push(c);
                    }
                }
                None => {}
            }
        }
        attributes.push((attribute.to_ascii_lowercase(), unescape(&value)));
    }
    if !name.is_empty() && html[open + 1..].starts_with('/') {
        name.clear();
    }
    Tag {
        name,
        attributes,
        end,
    }
}

/// Every string inside a JSON value.
fn json_strings<'v>(value: &'v Value, into: &mut Vec<&'v str>) {
    match value {
        Value::String(s) => into.push(s),
        Value::Array(items) => items.iter().for_each(|v| json_strings(v, into)),
        Value::Object(map) => map.values().for_each(|v| json_strings(v, into)),
        _ => {}
    }
}

// ----- Every fragment leads somewhere -----

/// The output file a URL of the site names, from the page at `from`; `None`
/// for a URL elsewhere.
fn file_of(url: &str, from: &str) -> Option<String> {
    let path = match url.strip_prefix(BASE) {
        Some(rest) => format!("/{rest}"),
        None if url.contains("://") || url.starts_with("mailto:") || url.starts_with("//") => {
            return None
        }
        None => url.to_string(),
    };
    if path.is_empty() {
        return Some(from.to_string());
    }
    let mut parts: Vec<&str> = match path.strip_prefix('/') {
        Some(rest) => rest.split('/').collect(),
        None => from
            .rsplit_once('/')
            .map_or(Vec::new(), |(dir, _)| dir.split('/').collect())
            .into_iter()
            .chain(path.split('/'))
            .collect(),
    };
    let mut resolved: Vec<&str> = Vec::new();
    let last = parts.pop().unwrap_or("");
    for part in parts {
        match part {
            "" | "." => {}
            ".." => {
                resolved.pop();
            }
            part => resolved.push(part),
        }
    }
    let dir = resolved.join("/");
    let dir = if dir.is_empty() {
        dir
    } else {
        format!("{dir}/")
    };
    Some(match last {
        "" => format!("{dir}index.html"),
        file if file.contains('.') => format!("{dir}{file}"),
        folder => format!("{dir}{folder}/index.html"),
    })
}

/// A link to a fragment: the page it is on, what holds it, and the URL.
struct FragmentLink {
    page: &'static str,
    holder: String,
    url: String,
}

/// Every link to a fragment in the built pages: `href`s (those of
/// `<template>`s too, such as the helper's list of pages), any other
/// attribute that holds a URL of the site, and URLs in the pages' JSON data.
fn fragment_links(pages: &BTreeMap<&'static str, String>) -> Vec<FragmentLink> {
    let is_url = |value: &str| {
        value.contains('#')
            && !value.contains(char::is_whitespace)
            && (value.starts_with('/') || value.starts_with('#') || value.starts_with(BASE))
    };
    let mut links = Vec::new();
    for (page, html) in pages {
        let (tags, data) = tags(html);
        for tag in &tags {
            for (attribute, value) in &tag.attributes {
                let url_attribute = attribute == "href" || attribute.starts_with("data-");
                if url_attribute && (is_url(value) || (attribute == "href" && value.contains('#')))
                {
                    let holder = match tag.get("data-page") {
                        Some(key) => format!("<{} data-page={key}> {attribute}", tag.name),
                        None => format!("<{}> {attribute}", tag.name),
                    };
                    links.push(FragmentLink {
                        page,
                        holder,
                        url: value.clone(),
                    });
                }
            }
        }
        for json in data {
            let Ok(value) = serde_json::from_str::<Value>(&json) else {
                continue;
            };
            let mut strings = Vec::new();
            json_strings(&value, &mut strings);
            for url in strings.into_iter().filter(|s| is_url(s)) {
                links.push(FragmentLink {
                    page,
                    holder: "JSON data".to_string(),
                    url: url.to_string(),
                });
            }
        }
    }
    links
}

/// The `id`s of each page.
fn ids(pages: &BTreeMap<&'static str, String>) -> BTreeMap<&'static str, BTreeSet<String>> {
    pages
        .iter()
        .map(|(page, html)| {
            let ids = tags(html)
                .0
                .iter()
                .filter_map(|tag| tag.get("id").map(str::to_string))
                .collect();
            (*page, ids)
        })
        .collect()
}

#[test]
fn every_link_to_a_fragment_leads_to_an_id_of_its_page_in_both_languages() {
    let pages = pages();
    let ids = ids(&pages);
    let links = fragment_links(&pages);
    let mut broken = Vec::new();
    let mut checked = 0;
    for link in &links {
        let (path, fragment) = link.url.split_once('#').unwrap();
        if fragment.is_empty() {
            continue; // `#`: the page itself, as a script's "keep" link starts.
        }
        let Some(file) = file_of(path, link.page) else {
            continue;
        };
        checked += 1;
        match ids.get(file.as_str()) {
            None => broken.push(format!(
                "{} ({}): {} leads to {file}, which the site does not have",
                link.page, link.holder, link.url
            )),
            Some(found) if !found.contains(fragment) => broken.push(format!(
                "{} ({}): {} has no id `{fragment}` on {file}",
                link.page, link.holder, link.url
            )),
            Some(_) => {}
        }
    }
    assert!(
        broken.is_empty(),
        "{} of {checked} links to a fragment lead nowhere:\n{}",
        broken.len(),
        broken.join("\n")
    );
    // The test reads what it means to: both languages' pages, the helper's
    // list of pages in each, and links written in content.
    for (page, at_least) in [("index.html", 10), ("es/index.html", 10)] {
        let helper = links
            .iter()
            .filter(|l| l.page == page && l.holder.starts_with("<a data-page="))
            .count();
        assert!(
            helper >= at_least,
            "{page}: only {helper} of the helper's links have a heading"
        );
    }
    let spanish: Vec<&FragmentLink> = links.iter().filter(|l| l.page.starts_with("es/")).collect();
    let elsewhere = spanish.iter().filter(|l| !l.url.starts_with('#')).count();
    assert!(
        links.len() > 600 && spanish.len() > 300 && elsewhere > 50,
        "only {} links to a fragment, {} on Spanish pages, {elsewhere} of them to another page",
        links.len(),
        spanish.len()
    );
}

#[test]
fn a_fragment_link_to_a_heading_of_the_other_language_is_found() {
    // The check itself: an English heading's id on a Spanish page is broken.
    let mut pages = BTreeMap::new();
    pages.insert(
        "es/a/index.html",
        "<h2 id=\"la-espera\">La espera</h2><template><a data-page=\"x\" href=\"/es/a/#the-wait\">x</a></template>".to_string(),
    );
    pages.insert(
        "es/index.html",
        "<a href=\"a/#la-espera\">ok</a><script type=\"application/json\">{\"url\":\"/es/a/#waiting\"}</script>".to_string(),
    );
    let ids = ids(&pages);
    let broken: Vec<String> = fragment_links(&pages)
        .into_iter()
        .filter(|l| {
            let (path, fragment) = l.url.split_once('#').unwrap();
            let file = file_of(path, l.page).unwrap();
            !ids[file.as_str()].contains(fragment)
        })
        .map(|l| format!("{}: {}", l.holder, l.url))
        .collect();
    assert_eq!(
        broken,
        [
            "<a data-page=x> href: /es/a/#the-wait",
            "JSON data: /es/a/#waiting"
        ]
    );
}

// ----- An email's subject, in the page's language -----

/// The script data (`data_json`) of a built script page.
fn script_data(html: &str) -> Value {
    let (_, data) = tags(html);
    let json = data
        .iter()
        .find(|d| d.contains("\"messages\""))
        .expect("the page has its script's data");
    serde_json::from_str(json).unwrap()
}

/// Each message's example (`data-example`, the message filled in with the
/// fields' example values), by message name, on a built script page.
fn examples(html: &str) -> BTreeMap<String, String> {
    let tags = tags(html).0;
    let mut examples = BTreeMap::new();
    let mut message = None;
    for tag in &tags {
        if tag.name == "section" {
            if let Some(name) = tag.get("data-message") {
                message = Some(name.to_string());
            }
        }
        if let (Some(example), Some(name)) = (tag.get("data-example"), &message) {
            examples.insert(name.clone(), example.to_string());
        }
    }
    examples
}

/// What the page's JavaScript makes of each message of `data` filled in with
/// the fields' examples: `[subject or null, the text the copy button
/// copies]`, from the theme's js/subject.js and guide's js/message.js run
/// by Node; `None` (the test skipped) without Node.
fn copied(data: &Value) -> Option<Vec<(Option<String>, String)>> {
    let Ok(mut node) = Command::new("node")
        .args(["--input-type=module", "-e"])
        .arg(format!(
            "import {{ splitSubject }} from {subject};
             import {{ render }} from {message};
             let input = '';
             for await (const chunk of process.stdin) input += chunk;
             const data = JSON.parse(input);
             const values = Object.fromEntries(data.fields.map((f) => [f.name, f.example]));
             const out = data.messages.map((m) => {{
               const {{ subject, body }} = splitSubject(m);
               return [subject === null ? null : render(subject, values), render(body, values)];
             }});
             console.log(JSON.stringify(out));",
            subject = Value::from(format!(
                "file://{}",
                repo().join("themes/bridges/static/js/subject.js").display()
            )),
            message = Value::from(format!(
                "file://{}",
                repo().join("src/render/builtin/js/message.js").display()
            )),
        ))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    else {
        crate::chrome::cannot_run(
            "the subject line's JavaScript test",
            "no node on PATH (install Debian's nodejs)",
        );
        return None;
    };
    let mut stdin = node.stdin.take().unwrap();
    stdin.write_all(data.to_string().as_bytes()).unwrap();
    drop(stdin);
    let output = node.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "node: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(serde_json::from_slice(&output.stdout).unwrap())
}

#[test]
fn a_spanish_email_script_splits_its_subject_in_spanish_and_an_english_one_in_english() {
    let mut emails = 0;
    for (page, word, other) in [
        ("es/scripts/reconnect-email/index.html", "Asunto", "Subject"),
        (
            "es/scripts/reference-request/index.html",
            "Asunto",
            "Subject",
        ),
        ("es/scripts/one-follow-up/index.html", "Asunto", "Subject"),
        ("scripts/reconnect-email/index.html", "Subject", "Asunto"),
        ("scripts/reference-request/index.html", "Subject", "Asunto"),
    ] {
        let html = text(page);
        let data = script_data(&html);
        let examples = examples(&html);
        let messages = data["messages"].as_array().unwrap();
        let email: Vec<&Value> = messages
            .iter()
            .filter(|m| m["channel"]["id"] == "email")
            .collect();
        assert!(!email.is_empty(), "{page} has no email");
        for message in &email {
            let name = message["name"].as_str().unwrap();
            let body = message["body"].as_str().unwrap();
            assert!(
                body.starts_with(&format!("{word}:")),
                "{page} {name}: {body}"
            );
            // guide found the subject line, in the page's language's word.
            let subject = message["subject"].as_str();
            let (expected, _) = guide::script::split_subject(body, word);
            assert!(
                subject.is_some() && subject == expected,
                "{page} {name}: subject {subject:?}"
            );
            assert_eq!(guide::script::split_subject(body, other).0, None);
            emails += 1;
        }
        let Some(copied) = copied(&data) else {
            continue;
        };
        for (message, (subject, text)) in messages.iter().zip(&copied) {
            let name = message["name"].as_str().unwrap();
            if message["subject"].is_null() {
                assert_eq!(subject, &None, "{page} {name}");
                continue;
            }
            // The page copies the body alone, as guide splits it.
            let example = &examples[name];
            let (shown, body) = guide::script::split_subject(example, word);
            assert_eq!(subject.as_deref(), shown, "{page} {name}: the subject");
            assert_eq!(text, body, "{page} {name}: the copied text");
            assert!(
                !text.contains(&format!("{word}:")) && !text.starts_with('\n'),
                "{page} {name} copies {text:?}"
            );
        }
    }
    assert!(emails >= 5, "only {emails} emails");
}

/// A site in English and two other languages, with an email script in each.
fn trilingual() -> Site {
    let site = Site::from_files(&[
        (
            "site.toml",
            "title = \"Bridges\"\nbase_url = \"https://example.org/\"\ntheme = \"bridges\"\n\
             [search]\nenabled = false\n\
             [channels.email]\nlabel = \"Email\"\n\
             [situations.first-contact]\nlabel = \"Breaking the silence\"\n\
             [relationships.peer]\nlabel = \"A former peer\"\n\
             [extra]\nauthor = \"The team\"\n\
             [languages.en]\nname = \"English\"\n\
             [languages.es]\nname = \"Español\"\n\
             [languages.es.extra]\nauthor = \"El equipo\"\n\
             [languages.fr]\nname = \"Français\"\nsubject = \"Objet\"\n",
        ),
        ("content/_index.md", "---\ntitle: Bridges\n---\nSee [the script](@/scripts/hello.yaml).\n"),
        ("content/_index.es.md", "---\ntitle: Puentes\n---\nMira [el guion](@/scripts/hello.yaml).\n"),
        ("content/_index.fr.md", "---\ntitle: Ponts\n---\nVoir [le script](@/scripts/hello.yaml).\n"),
        ("content/scripts/_index.md", "---\ntitle: Scripts\n---\n"),
        ("content/scripts/_index.es.md", "---\ntitle: Guiones\n---\n"),
        ("content/scripts/_index.fr.md", "---\ntitle: Scripts\n---\n"),
        (
            "content/scripts/hello.yaml",
            "title: Hello\nsummary: A note.\nsituation: first-contact\nrelationship: peer\n\
             fields:\n  - name: name\n    label: Their first name\n    example: Priya\n\
             messages:\n  - name: email\n    channel: email\n    body: |\n      Subject: Hello, {{name}}\n\n      I'm sorry if I upset you.\n\
             notes: |\n  **When to use it.** Now.\n",
        ),
        (
            "content/scripts/hello.es.yaml",
            "title: Hola\nsummary: Una nota.\nfields:\n  - name: name\n    label: Su nombre\n    example: Lucía\n\
             messages:\n  - name: email\n    body: |\n      Asunto: Hola, {{name}}\n\n      Siento si te molestó lo que dije.\n\
             notes: |\n  **Cuándo usarlo.** Ahora.\n",
        ),
        (
            "content/scripts/hello.fr.yaml",
            "title: Bonjour\nsummary: Un mot.\nfields:\n  - name: name\n    label: Son prénom\n    example: Léa\n\
             messages:\n  - name: email\n    body: |\n      Objet : Bonjour, {{name}}\n\n      Je voulais te dire bonjour.\n\
             notes: |\n  **Quand.** Maintenant.\n",
        ),
    ]);
    copy_dir(
        &repo().join("themes/bridges"),
        &site.root().join("themes/bridges"),
    );
    site
}

#[test]
fn each_language_splits_the_subject_with_its_own_word() {
    let site = trilingual();
    site.build();
    let message = |path: &str| script_data(&site.public(path))["messages"][0].clone();
    assert_eq!(
        message("scripts/hello/index.html")["subject"],
        "Hello, {{name}}"
    );
    assert_eq!(
        message("es/scripts/hello/index.html")["subject"],
        "Hola, {{name}}"
    );
    // site.toml's word; French puts a space before its colon.
    assert_eq!(
        message("fr/scripts/hello/index.html")["subject"],
        "Bonjour, {{name}}"
    );
}

#[test]
fn a_languages_extra_is_the_sites_with_its_own_keys_over_it() {
    let site = trilingual();
    site.build();
    let footer = |path: &str| {
        let html = site.public(path);
        let at = html
            .find("site-footer__author")
            .expect("a footer with the author");
        html[at..at + html[at..].find("</p>").unwrap()].to_string()
    };
    assert_contains!(footer("index.html"), "The team");
    assert_contains!(footer("es/index.html"), "El equipo");
    assert_contains!(footer("fr/index.html"), "The team");
    assert_contains!(site.public("es/atom.xml"), "<name>El equipo</name>");
}

#[test]
fn check_reads_each_languages_examples_with_its_own_rules() {
    let site = trilingual();
    let run = site.run(&["check"]);
    assert!(run.ok, "{}", run.stderr);
    assert_contains!(
        run.stderr,
        "message `email` of script `hello`, with the example values, has “sorry if” (conditional-apology)"
    );
    assert_contains!(
        run.stderr,
        "message `email` of script `hello`, with the example values, has “Siento si” (conditional-apology)"
    );
    assert_contains!(run.stderr, "content/scripts/hello.es.yaml");
    assert_contains!(run.stderr, "«Siento si…» hace depender la disculpa");
    assert_contains!(run.stderr, "“Sorry if…” makes the apology depend");
    // French has no rules of its own: the English ones find nothing in it.
    assert_eq!(
        run.stderr.matches("(conditional-apology)").count(),
        2,
        "{}",
        run.stderr
    );
}

// ----- guide's own words, in the page's language -----

/// The words guide wrote into the English pages that a Spanish page must
/// say in Spanish: (what, the English, the Spanish), looked for in every
/// page of each language.
const OWN_WORDS: [(&str, &str, &str); 5] = [
    // `config.extra.author`, in the footer and the JSON-LD.
    ("the author", "The guide team", "El equipo de la guía"),
    // The message checker's hints and rules, in each script's data.
    (
        "a checker hint",
        "makes the apology depend on how they took it",
        "hace depender la disculpa de cómo se lo tomó",
    ),
    ("a checker phrase", "\"sorry if\"", "\"siento si\""),
    (
        "a checker hint",
        "is hard to follow on a phone",
        "cuesta de seguir en un teléfono",
    ),
    (
        "a checker exception",
        "\"i just wanted to say\"",
        "\"solo quería decir\"",
    ),
];

#[test]
fn the_spanish_pages_have_none_of_the_english_that_guide_writes() {
    let pages = pages();
    let (spanish, english): (Vec<_>, Vec<_>) = pages
        .iter()
        .filter(|(path, _)| !matches!(**path, "404.html" | "offline.html"))
        .partition(|(path, _)| path.starts_with("es/"));
    assert!(spanish.len() > 60 && english.len() > 60);
    for (what, en, es) in OWN_WORDS {
        let with = |pages: &[(&&str, &String)], words: &str| -> Vec<String> {
            pages
                .iter()
                .filter(|(_, html)| html.contains(words))
                .map(|(path, _)| path.to_string())
                .collect()
        };
        let leaks = with(&spanish, en);
        assert!(
            leaks.is_empty(),
            "{what} in English ({en}) on {} Spanish pages: {:?}…",
            leaks.len(),
            &leaks[..leaks.len().min(3)]
        );
        // The same pages in English say it, so the check can fail.
        assert!(!with(&english, en).is_empty(), "no English page has {en}");
        assert!(!with(&spanish, es).is_empty(), "no Spanish page has {es}");
    }
    // The checker's rules reach every script page, each in its language.
    for (page, html) in &spanish {
        if page.starts_with("es/scripts/") && **page != "es/scripts/index.html" {
            assert_contains!(html, "hace depender la disculpa");
        }
    }
    // A feed gives a link for each embedded form, in the feed's language.
    let feed = text("es/atom.xml");
    assert!(!feed.contains("Fill in"), "the Spanish feed says Fill in");
    assert_contains!(feed, "Rellena «");
    assert_contains!(feed, "<name>El equipo de la guía</name>");
    assert_contains!(text("atom.xml"), "Fill in “");
    assert_contains!(text("atom.xml"), "<name>The guide team</name>");
}

/// The metadata of every page of a language's search index (`prefix`: ""
/// or "es/"): each fragment is gzip holding `pagefind_dcd` and a page's JSON.
fn indexed_meta(prefix: &str) -> Vec<Value> {
    use std::io::Read as _;
    built()
        .iter()
        .filter(|(path, _)| {
            path.strip_prefix(prefix)
                .is_some_and(|p| p.starts_with("pagefind/fragment/"))
        })
        .map(|(_, bytes)| {
            let mut text = Vec::new();
            flate2::read::GzDecoder::new(&bytes[..])
                .read_to_end(&mut text)
                .unwrap();
            let json = text.strip_prefix(b"pagefind_dcd").unwrap();
            serde_json::from_slice::<Value>(json).unwrap()["meta"].clone()
        })
        .collect()
}

#[test]
fn a_script_is_a_guion_in_the_spanish_search_index_and_a_script_in_the_english() {
    for (prefix, kind) in [("", "Script"), ("es/", "Guion")] {
        let meta = indexed_meta(prefix);
        let kinds: BTreeSet<&str> = meta.iter().filter_map(|m| m["kind"].as_str()).collect();
        assert_eq!(kinds, BTreeSet::from([kind]), "{prefix}pagefind");
        let scripts = meta.iter().filter(|m| m["kind"] == kind).count();
        assert!(scripts >= 20, "{prefix}pagefind: {scripts} scripts");
    }
}
