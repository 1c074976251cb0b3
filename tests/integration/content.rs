//! The bundled guide's size, pinned: the minimums the guide promises its
//! readers (chapters, long-enough pages, scripts for every channel, both
//! script formats) so they cannot shrink without a test saying so. The
//! counts are printed, so `cargo test content -- --nocapture` reports them.

use std::collections::BTreeMap;
use std::process::Command;

use guide::config::{Config, Overrides};
use guide::content::{self, Content, Kind};
use guide::script::{self, Format, Script};

/// The words a page's body must have to count as a real page of the guide.
const PAGE_WORDS: std::ops::RangeInclusive<usize> = 300..=1200;

/// What LinkedIn lets a free account write in a connection note.
const FREE_NOTE_LIMIT: usize = 200;

struct Guide {
    config: Config,
    content: Content,
    scripts: Vec<Script>,
}

fn load() -> Guide {
    let root = super::support::repo();
    let config = Config::load(&root, &Overrides::default()).expect("site.toml loads");
    let content = content::load(&config).expect("content/ loads");
    let (scripts, _warnings) = script::load(&config, &content.scripts).expect("the scripts load");
    Guide {
        config,
        content,
        scripts,
    }
}

/// Words of prose: whitespace-separated tokens with a letter or a digit, so
/// Markdown punctuation (`-`, `##`, `>`) is not counted.
fn words(markdown: &str) -> usize {
    markdown
        .split_whitespace()
        .filter(|token| token.chars().any(char::is_alphanumeric))
        .count()
}

#[test]
fn the_guide_keeps_its_size() {
    let guide = load();
    let mut report = String::new();

    // Chapters: sections (other than the home page and the scripts) with pages.
    let mut pages_per_section: BTreeMap<&str, usize> = BTreeMap::new();
    for document in &guide.content.documents {
        if document.kind == Kind::Section && !document.dir.is_empty() && document.dir != "scripts" {
            pages_per_section.entry(&document.dir).or_default();
        }
    }
    let mut page_words = Vec::new();
    for document in &guide.content.documents {
        if document.kind != Kind::Page {
            continue;
        }
        if let Some(count) = pages_per_section.get_mut(document.dir.as_str()) {
            *count += 1;
        }
        page_words.push((document.relative.as_str(), words(document.body())));
    }
    let chapters_with_pages = pages_per_section.values().filter(|&&n| n >= 2).count();
    report.push_str(&format!(
        "chapters: {} ({} with two pages or more): {pages_per_section:?}\n",
        pages_per_section.len(),
        chapters_with_pages
    ));
    assert!(
        chapters_with_pages >= 8,
        "at least 8 chapters with several pages each, found {chapters_with_pages}: {pages_per_section:?}"
    );

    let in_range: Vec<_> = page_words
        .iter()
        .filter(|(_, n)| PAGE_WORDS.contains(n))
        .collect();
    let total_words: usize = page_words.iter().map(|(_, n)| n).sum();
    report.push_str(&format!(
        "pages: {} ({} of {}–{} words), {} body words in all\n",
        page_words.len(),
        in_range.len(),
        PAGE_WORDS.start(),
        PAGE_WORDS.end(),
        total_words
    ));
    for (path, n) in &page_words {
        let flag = if PAGE_WORDS.contains(n) {
            ""
        } else {
            "  (out of range)"
        };
        report.push_str(&format!("  {n:>5} words  {path}{flag}\n"));
    }
    assert!(
        in_range.len() >= 20,
        "at least 20 pages of {}–{} body words, found {}",
        PAGE_WORDS.start(),
        PAGE_WORDS.end(),
        in_range.len()
    );

    // Scripts: how many, in which format, for which channels.
    let scripts = &guide.scripts;
    let yaml = scripts.iter().filter(|s| s.format == Format::Yaml).count();
    let markdown: Vec<&Script> = scripts
        .iter()
        .filter(|s| s.format == Format::Markdown)
        .collect();
    let with_uses = markdown.iter().filter(|s| s.uses.is_some()).count();
    report.push_str(&format!(
        "scripts: {} ({yaml} YAML templates, {} Markdown scripts, {with_uses} of them with uses:)\n",
        scripts.len(),
        markdown.len()
    ));
    let mut per_channel: BTreeMap<&str, (usize, usize)> = guide
        .config
        .channels
        .iter()
        .map(|c| (c.id.as_str(), (0, 0)))
        .collect();
    for script in scripts {
        let mut seen = Vec::new();
        for message in &script.messages {
            let entry = per_channel.entry(&message.channel).or_default();
            entry.1 += 1;
            if !seen.contains(&&message.channel) {
                entry.0 += 1;
                seen.push(&message.channel);
            }
        }
    }
    for (channel, (scripts, messages)) in &per_channel {
        report.push_str(&format!(
            "  {channel}: {scripts} scripts, {messages} messages\n"
        ));
    }
    println!("{report}");

    assert!(
        scripts.len() >= 18,
        "at least 18 scripts, found {}",
        scripts.len()
    );
    assert!(yaml >= 6, "at least 6 YAML templates, found {yaml}");
    assert!(
        markdown.len() >= 6,
        "at least 6 Markdown scripts, found {}",
        markdown.len()
    );
    assert!(
        with_uses >= 3,
        "at least 3 Markdown scripts with uses:, found {with_uses}"
    );
    let unused: Vec<_> = per_channel
        .iter()
        .filter(|(_, (scripts, _))| *scripts == 0)
        .map(|(id, _)| *id)
        .collect();
    assert!(
        unused.is_empty(),
        "every channel of site.toml has a script; none for {unused:?}"
    );
}

#[test]
fn connection_notes_fit_a_free_account() {
    let guide = load();
    let mut notes = 0;
    let mut too_long = Vec::new();
    for script in &guide.scripts {
        for message in script
            .messages
            .iter()
            .filter(|m| m.channel == "linkedin-note")
        {
            notes += 1;
            let example = script.example(message);
            let length = script::length(&example);
            println!(
                "{:>4} characters  {}: {}",
                length, script.slug, message.name
            );
            if length > FREE_NOTE_LIMIT {
                too_long.push(format!(
                    "{} ({}): {length} characters\n{example}",
                    script.slug, message.name
                ));
            }
        }
    }
    assert!(notes >= 2, "expected connection notes, found {notes}");
    assert!(
        too_long.is_empty(),
        "connection notes over {FREE_NOTE_LIMIT} characters with their example values:\n{}",
        too_long.join("\n\n")
    );
}

#[test]
fn the_guide_checks_without_warnings() {
    let output = Command::new(env!("CARGO_BIN_EXE_guide"))
        .args(["check", "--deny-warnings", "--root"])
        .arg(super::support::repo())
        .env("NO_COLOR", "1")
        .output()
        .expect("run guide check");
    assert!(
        output.status.success(),
        "guide check --deny-warnings fails on the bundled guide:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
