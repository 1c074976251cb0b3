//! Writes a deterministic benchmark site: `--pages N` pages in ten sections,
//! with a minimal theme, either as a guide site or (`--hugo`) as the
//! equivalent Hugo site.
//!
//! ```text
//! cargo run --release --example corpus -- --pages 10000 --out /tmp/corpus-10k
//! cargo run --release --example corpus -- --pages 10000 --out /tmp/corpus-10k-hugo --hugo
//! ```
//!
//! Both variants hold the same Markdown, byte for byte, except for internal
//! links: guide's are `@/section-3/page-17.md`, which guide resolves and
//! checks; Hugo's are the plain root-relative URLs they become
//! (`/section-3/page-17/`), which Hugo passes through. The templates have the
//! same shape (menu, breadcrumb, title, meta line, tags as text, a two-level
//! table of contents, the content, previous/next; sections list their pages),
//! so the two builds do the same work: one HTML file per page and per section.
//!
//! The generator depends on nothing but the standard library, so that
//! `benches/compare.sh` can compile it with `rustc` alone and never rebuilds
//! the crate it measures. Everything is drawn from a SplitMix64 generator
//! seeded per page, so page `i` is the same whatever else changes (except its
//! link targets, which depend on `--pages`).

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// How many sections the pages are spread over.
const SECTIONS: usize = 10;
/// How many distinct tags pages draw from.
const TAG_POOL: usize = 50;

const USAGE: &str = "\
usage: corpus --pages N --out DIR [--hugo] [--seed S] [--search on|off]

  --pages N        how many pages (spread over 10 sections)
  --out DIR        the folder to create (refused if it exists and is not empty)
  --hugo           write the equivalent Hugo site instead of a guide site
  --seed S         another deterministic corpus (default 1)
  --search on|off  guide only: write `[search] enabled = …` in site.toml
                   (leave out until guide knows the key: unknown keys are errors)";

struct Options {
    pages: usize,
    out: PathBuf,
    hugo: bool,
    seed: u64,
    search: Option<bool>,
}

fn main() -> ExitCode {
    let options = match parse_args(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("error: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match write_site(&options) {
        Ok(files) => {
            println!(
                "wrote a {} site: {} pages, {SECTIONS} sections, {files} files in {}",
                if options.hugo { "Hugo" } else { "guide" },
                options.pages,
                options.out.display()
            );
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut pages = None;
    let mut out = None;
    let mut hugo = false;
    let mut seed = 1;
    let mut search = None;
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--pages" => {
                let v = value("--pages")?;
                pages = Some(
                    v.parse()
                        .map_err(|_| format!("--pages: `{v}` is not a number"))?,
                );
            }
            "--out" => out = Some(PathBuf::from(value("--out")?)),
            "--hugo" => hugo = true,
            "--seed" => {
                let v = value("--seed")?;
                seed = v
                    .parse()
                    .map_err(|_| format!("--seed: `{v}` is not a number"))?;
            }
            "--search" => {
                search = Some(match value("--search")?.as_str() {
                    "on" => true,
                    "off" => false,
                    other => return Err(format!("--search takes on or off, not `{other}`")),
                })
            }
            "-h" | "--help" => return Err("help".into()),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    let pages: usize = pages.ok_or("--pages is required")?;
    if pages < SECTIONS {
        return Err(format!("--pages must be at least {SECTIONS}"));
    }
    let out = out.ok_or("--out is required")?;
    if hugo && search.is_some() {
        return Err("--search is for guide sites only".into());
    }
    Ok(Options {
        pages,
        out,
        hugo,
        seed,
        search,
    })
}

/// SplitMix64: small, fast and good enough to vary text; no dependency.
struct Rng(u64);

impl Rng {
    fn new(seed: u64, stream: u64) -> Rng {
        let mut rng = Rng(seed ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        rng.next();
        rng
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// A number in `low..=high`.
    fn between(&mut self, low: usize, high: usize) -> usize {
        low + self.below(high - low + 1)
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const WORDS: &[&str] = &[
    "account",
    "advice",
    "agenda",
    "answer",
    "apology",
    "approach",
    "attention",
    "balance",
    "boundary",
    "brief",
    "budget",
    "calendar",
    "call",
    "career",
    "change",
    "choice",
    "client",
    "coffee",
    "colleague",
    "comment",
    "company",
    "context",
    "contract",
    "conversation",
    "credit",
    "culture",
    "deadline",
    "decision",
    "detail",
    "draft",
    "effort",
    "email",
    "energy",
    "example",
    "expectation",
    "experience",
    "feedback",
    "field",
    "follow-up",
    "friend",
    "goal",
    "habit",
    "history",
    "honest",
    "idea",
    "impact",
    "intent",
    "interest",
    "issue",
    "kind",
    "language",
    "leader",
    "lesson",
    "letter",
    "limit",
    "listen",
    "manager",
    "meeting",
    "memory",
    "message",
    "mistake",
    "moment",
    "network",
    "note",
    "offer",
    "opinion",
    "outcome",
    "partner",
    "pause",
    "peer",
    "person",
    "plan",
    "point",
    "practice",
    "pressure",
    "priority",
    "problem",
    "process",
    "progress",
    "project",
    "promise",
    "question",
    "reason",
    "record",
    "reference",
    "relief",
    "reply",
    "report",
    "request",
    "respect",
    "result",
    "review",
    "risk",
    "role",
    "routine",
    "schedule",
    "signal",
    "silence",
    "situation",
    "skill",
    "space",
    "steady",
    "step",
    "story",
    "strength",
    "support",
    "team",
    "thanks",
    "time",
    "tone",
    "topic",
    "trust",
    "update",
    "value",
    "version",
    "voice",
    "week",
    "work",
    "writing",
    "the",
    "a",
    "of",
    "and",
    "to",
    "in",
    "with",
    "for",
    "on",
    "that",
    "it",
    "as",
    "when",
    "after",
    "before",
    "because",
    "while",
    "every",
    "some",
    "your",
    "their",
    "our",
    "this",
    "one",
    "more",
    "less",
    "often",
    "rarely",
    "clearly",
    "quietly",
    "quickly",
    "slowly",
    "gently",
    "plainly",
    "really",
    "simply",
    "still",
    "again",
    "is",
    "was",
    "can",
    "will",
    "should",
    "may",
    "might",
    "ask",
    "offer",
    "keep",
    "make",
    "say",
    "send",
    "share",
    "show",
    "start",
    "take",
    "tell",
    "thank",
    "try",
    "wait",
    "write",
    "read",
];

const TAGS: [&str; TAG_POOL] = [
    "apology",
    "budgets",
    "calls",
    "career",
    "clients",
    "coffee",
    "conflict",
    "context",
    "culture",
    "deadlines",
    "email",
    "feedback",
    "first-steps",
    "follow-up",
    "friendship",
    "goals",
    "habits",
    "history",
    "honesty",
    "interviews",
    "leadership",
    "letters",
    "limits",
    "listening",
    "managers",
    "meetings",
    "mentoring",
    "mistakes",
    "networking",
    "notes",
    "offers",
    "peers",
    "planning",
    "practice",
    "pressure",
    "priorities",
    "projects",
    "promises",
    "references",
    "reports",
    "respect",
    "reviews",
    "rivals",
    "routines",
    "silence",
    "skills",
    "teams",
    "thanks",
    "tone",
    "trust",
];

const LANGUAGES: &[&str] = &["rust", "python", "text", "toml", "shell"];

/// Where each variant's files differ.
struct Flavour {
    hugo: bool,
}

impl Flavour {
    /// An internal link to page `target`, optionally to its last heading.
    fn link(&self, target: usize, anchor: bool) -> String {
        let section = target % SECTIONS;
        let anchor = if anchor { "#further-reading" } else { "" };
        if self.hugo {
            format!("/section-{section}/page-{target}/{anchor}")
        } else {
            format!("@/section-{section}/page-{target}.md{anchor}")
        }
    }
}

/// Writes the whole site; returns how many files were written.
fn write_site(options: &Options) -> io::Result<usize> {
    let out = &options.out;
    if out.exists() && fs::read_dir(out)?.next().is_some() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("`{}` exists and is not empty", out.display()),
        ));
    }
    let flavour = Flavour { hugo: options.hugo };
    let content = out.join("content");
    let mut files = 0;
    let mut write = |path: &Path, text: &str| -> io::Result<()> {
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        files += 1;
        fs::write(path, text).map_err(|e| {
            io::Error::new(e.kind(), format!("cannot write `{}`: {e}", path.display()))
        })
    };

    if options.hugo {
        write(&out.join("config.toml"), HUGO_CONFIG)?;
        for (name, text) in HUGO_LAYOUTS {
            write(&out.join("layouts").join(name), text)?;
        }
    } else {
        let mut config = GUIDE_CONFIG.to_string();
        if let Some(on) = options.search {
            writeln!(config, "\n[search]\nenabled = {on}").unwrap();
        }
        write(&out.join("site.toml"), &config)?;
        for (name, text) in GUIDE_TEMPLATES {
            write(&out.join("templates").join(name), text)?;
        }
    }
    write(&out.join("static").join("style.css"), STYLE)?;

    let mut rng = Rng::new(options.seed, u64::MAX);
    write(&content.join("_index.md"), &home(&mut rng))?;
    for s in 0..SECTIONS {
        let mut rng = Rng::new(options.seed, u64::MAX - 1 - s as u64);
        write(
            &content.join(format!("section-{s}")).join("_index.md"),
            &section(s, &mut rng),
        )?;
    }
    let mut text = String::with_capacity(8 * 1024);
    for i in 0..options.pages {
        let mut rng = Rng::new(options.seed, i as u64);
        text.clear();
        page(i, options.pages, &flavour, &mut rng, &mut text);
        let path = content
            .join(format!("section-{}", i % SECTIONS))
            .join(format!("page-{i}.md"));
        write(&path, &text)?;
    }
    Ok(files)
}

fn home(rng: &mut Rng) -> String {
    let mut text = String::from(
        "---\ntitle: \"Corpus\"\ndescription: \"A generated site for measuring build times.\"\n---\n\n",
    );
    paragraph(rng, (4, 4), &mut text);
    text
}

fn section(s: usize, rng: &mut Rng) -> String {
    let mut text = format!(
        "---\ntitle: \"Section {s}\"\ndescription: \"{}\"\nweight: {}\n---\n\n",
        sentence_plain(rng, 8, 12),
        s + 1
    );
    paragraph(rng, (3, 3), &mut text);
    text
}

/// One page: front matter and 600–900 words of varied Markdown.
fn page(i: usize, pages: usize, flavour: &Flavour, rng: &mut Rng, out: &mut String) {
    let target = rng.between(600, 900);
    let title = title_case(&words(rng, 3, 6));
    let day = rng.below(6 * 365);
    let (year, month, date) = civil_from_days(day as i64 + days_from_civil(2020, 1, 1));
    let tag_count = rng.between(1, 3);
    let mut tags: Vec<&str> = Vec::new();
    while tags.len() < tag_count {
        let tag = TAGS[rng.below(TAG_POOL)];
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    writeln!(out, "---").unwrap();
    writeln!(out, "title: \"{title} {i}\"").unwrap();
    writeln!(out, "date: {year:04}-{month:02}-{date:02}").unwrap();
    writeln!(out, "description: \"{}\"", sentence_plain(rng, 10, 18)).unwrap();
    writeln!(out, "tags: [{}]", tags.join(", ")).unwrap();
    writeln!(out, "---\n").unwrap();

    // The closing links are drawn first so that their words are known; the
    // blocks in between are added while they fit, then one plain paragraph
    // brings the page to exactly `target` words.
    let mut further = String::from("## Further reading\n\n");
    let mut further_count = 2;
    for _ in 0..rng.between(2, 3) {
        let t = other_page(rng, pages, i);
        let text = words(rng, 3, 6);
        let anchor = rng.chance(30);
        let about = sentence_plain(rng, 4, 8);
        further_count += text.split_whitespace().count() + about.split_whitespace().count();
        writeln!(further, "- [{text}]({}): {about}", flavour.link(t, anchor)).unwrap();
    }
    further.push('\n');

    let mut count = paragraph_with_links(rng, (3, 3), flavour, pages, i, out);
    let mut block = String::new();
    for n in 0.. {
        block.clear();
        let heading = title_case(&words(rng, 2, 5));
        let mut c = heading.split_whitespace().count();
        writeln!(block, "## {heading}\n").unwrap();
        c += paragraph_with_links(rng, (2, 4), flavour, pages, i, &mut block);
        c += match n {
            // Every page gets one quote and one code block, early on.
            0 => quote(rng, &mut block),
            1 => code_block(rng, &mut block),
            _ => match rng.below(4) {
                0 => list(rng, false, &mut block),
                1 => list(rng, true, &mut block),
                2 => {
                    let sub = title_case(&words(rng, 2, 4));
                    writeln!(block, "### {sub}\n").unwrap();
                    sub.split_whitespace().count() + paragraph(rng, (2, 3), &mut block)
                }
                _ => paragraph(rng, (1, 3), &mut block),
            },
        };
        if count + c + further_count > target {
            break;
        }
        out.push_str(&block);
        count += c;
    }
    let mut left = target - count - further_count;
    if left > 1 {
        out.push_str("## Notes\n\n");
        left -= 1;
        let mut in_paragraph = 0;
        while left > 0 {
            let mut n = rng.between(8, 18).min(left);
            if left - n < 4 {
                n = left;
            }
            if in_paragraph > 0 {
                out.push(' ');
            }
            sentence_of(rng, n, out);
            left -= n;
            in_paragraph += 1;
            if in_paragraph == 4 && left > 0 {
                out.push_str("\n\n");
                in_paragraph = 0;
            }
        }
        out.push_str("\n\n");
    } else if left == 1 {
        out.push_str("Finally.\n\n");
    }
    out.push_str(&further);
}

/// Any page but `me`.
fn other_page(rng: &mut Rng, pages: usize, me: usize) -> usize {
    loop {
        let t = rng.below(pages);
        if t != me {
            break t;
        }
    }
}

/// A paragraph of `low..=high` sentences; returns the word count.
fn paragraph(rng: &mut Rng, (low, high): (usize, usize), out: &mut String) -> usize {
    let n = rng.between(low, high);
    let mut count = 0;
    for k in 0..n {
        if k > 0 {
            out.push(' ');
        }
        count += sentence(rng, out);
    }
    out.push_str("\n\n");
    count
}

/// A paragraph where some sentences end with a link to another page.
fn paragraph_with_links(
    rng: &mut Rng,
    (low, high): (usize, usize),
    flavour: &Flavour,
    pages: usize,
    me: usize,
    out: &mut String,
) -> usize {
    let n = rng.between(low, high);
    let mut count = 0;
    for k in 0..n {
        if k > 0 {
            out.push(' ');
        }
        count += sentence(rng, out);
        if rng.chance(25) {
            let target = other_page(rng, pages, me);
            let text = words(rng, 2, 4);
            count += text.split_whitespace().count() + 1;
            let anchor = rng.chance(20);
            write!(out, " See [{text}]({}).", flavour.link(target, anchor)).unwrap();
        }
    }
    out.push_str("\n\n");
    count
}

/// A sentence of 8–18 words with some inline markup; returns the word count.
fn sentence(rng: &mut Rng, out: &mut String) -> usize {
    let n = rng.between(8, 18);
    sentence_of(rng, n, out);
    n
}

/// A sentence of exactly `n` words with some inline markup.
fn sentence_of(rng: &mut Rng, n: usize, out: &mut String) {
    for k in 0..n {
        if k > 0 {
            out.push(' ');
        }
        let word = rng.pick(WORDS);
        let word = if k == 0 {
            capitalise(word)
        } else {
            word.to_string()
        };
        match rng.below(40) {
            0 => write!(out, "*{word}*").unwrap(),
            1 => write!(out, "**{word}**").unwrap(),
            2 if k > 0 => write!(out, "`{word}`").unwrap(),
            3 if k > 0 && k + 1 < n => write!(out, "{word},").unwrap(),
            _ => out.push_str(&word),
        }
    }
    out.push('.');
}

/// A plain sentence for front matter: no markup, no quotes.
fn sentence_plain(rng: &mut Rng, low: usize, high: usize) -> String {
    let mut text = capitalise(&words(rng, low, high));
    text.push('.');
    text
}

fn words(rng: &mut Rng, low: usize, high: usize) -> String {
    let n = rng.between(low, high);
    let mut text = String::new();
    for k in 0..n {
        if k > 0 {
            text.push(' ');
        }
        text.push_str(rng.pick(WORDS));
    }
    text
}

fn list(rng: &mut Rng, numbered: bool, out: &mut String) -> usize {
    let mut count = 0;
    for k in 0..rng.between(3, 6) {
        if numbered {
            write!(out, "{}. ", k + 1).unwrap();
        } else {
            out.push_str("- ");
        }
        count += sentence(rng, out);
        out.push('\n');
    }
    out.push('\n');
    count
}

fn quote(rng: &mut Rng, out: &mut String) -> usize {
    out.push_str("> ");
    let count = sentence(rng, out) + sentence_after_space(rng, out);
    out.push_str("\n>\n> ");
    let count = count + sentence(rng, out);
    out.push_str("\n\n");
    count
}

fn sentence_after_space(rng: &mut Rng, out: &mut String) -> usize {
    out.push(' ');
    sentence(rng, out)
}

fn code_block(rng: &mut Rng, out: &mut String) -> usize {
    let language = rng.pick(LANGUAGES);
    writeln!(out, "```{language}").unwrap();
    let mut count = 0;
    for _ in 0..rng.between(3, 7) {
        let a = rng.pick(WORDS).replace('-', "_");
        let b = rng.pick(WORDS).replace('-', "_");
        writeln!(out, "let {a} = {b}({});", rng.below(1000)).unwrap();
        count += 4;
    }
    out.push_str("```\n\n");
    count
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn title_case(text: &str) -> String {
    text.split(' ')
        .map(capitalise)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day count since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

const GUIDE_CONFIG: &str = r##"# A generated benchmark site (examples/corpus.rs).
title = "Corpus"
description = "A generated site for measuring build times."
base_url = "http://localhost/"
language = "en"
"##;

const STYLE: &str =
    "body{font:1rem/1.5 system-ui,sans-serif;max-width:42rem;margin:0 auto;padding:1rem}\n\
nav ul{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:1rem}\n\
pre{overflow:auto;background:#eee;padding:.5rem}\n";

/// The minimal guide theme (Tera 2): the same shape as the Hugo layouts below.
const GUIDE_TEMPLATES: [(&str, &str); 4] = [
    (
        "base.html",
        r##"<!doctype html>
<html lang="{{ config.language }}">
<head>
<meta charset="utf-8">
<title>{% block title %}{{ config.title }}{% endblock title %}</title>
<meta name="description" content="{% block description %}{{ config.description }}{% endblock description %}">
<link rel="canonical" href="{{ current_url }}">
<link rel="stylesheet" href="{{ get_url(path='style.css') }}">
</head>
<body>
<header>
<a href="{{ get_url(path='/') }}">{{ config.title }}</a>
<nav><ul>{% for item in menu %}<li><a href="{{ item.url }}">{{ item.title }}</a></li>{% endfor %}</ul></nav>
</header>
<main>
{% block content %}{% endblock content %}
</main>
<footer><p>{{ config.description }}</p></footer>
</body>
</html>
"##,
    ),
    (
        "index.html",
        r##"{% extends "base.html" %}
{% block content %}
<h1>{{ section.title }}</h1>
{{ section.content | safe }}
<ul>
{% for s in section.subsections %}<li><a href="{{ s.url }}">{{ s.title }}</a>{% if s.description %}: {{ s.description }}{% endif %}</li>
{% endfor %}</ul>
{% endblock content %}
"##,
    ),
    (
        "section.html",
        r##"{% extends "base.html" %}
{% block title %}{{ section.title }} · {{ config.title }}{% endblock title %}
{% block content %}
<h1>{{ section.title }}</h1>
{{ section.content | safe }}
<ul>
{% for p in section.pages %}<li><a href="{{ p.url }}">{{ p.title }}</a>{% if p.date %} <time>{{ p.date }}</time>{% endif %} · {{ p.reading_time }} min{% if p.description %}<br>{{ p.description }}{% endif %}</li>
{% endfor %}</ul>
{% endblock content %}
"##,
    ),
    (
        "page.html",
        r##"{% extends "base.html" %}
{% block title %}{{ page.title }} · {{ config.title }}{% endblock title %}
{% block description %}{% if page.description %}{{ page.description }}{% else %}{{ config.description }}{% endif %}{% endblock description %}
{% block content %}
<article>
<p><a href="{{ page.section.url }}">{{ page.section.title }}</a></p>
<h1>{{ page.title }}</h1>
<p>{% if page.date %}<time datetime="{{ page.date }}">{{ page.date }}</time> · {% endif %}{{ page.reading_time }} min read</p>
{% if page.tags %}<ul class="tags">{% for tag in page.tags %}<li>{{ tag.name }}</li>{% endfor %}</ul>{% endif %}
<nav class="toc"><ul>
{% for h in page.toc %}<li><a href="#{{ h.id }}">{{ h.title }}</a>{% if h.children %}<ul>{% for c in h.children %}<li><a href="#{{ c.id }}">{{ c.title }}</a></li>{% endfor %}</ul>{% endif %}</li>
{% endfor %}</ul></nav>
{{ page.content | safe }}
<nav class="pager">{% if page.previous %}<a rel="prev" href="{{ page.previous.url }}">{{ page.previous.title }}</a>{% endif %} {% if page.next %}<a rel="next" href="{{ page.next.url }}">{{ page.next.title }}</a>{% endif %}</nav>
</article>
{% endblock content %}
"##,
    ),
];

/// Hugo does the same work as guide: one HTML file per page and section; no
/// taxonomies, feeds, sitemap, robots.txt, 404 page or syntax highlighting.
const HUGO_CONFIG: &str = r##"# A generated benchmark site (examples/corpus.rs --hugo).
baseURL = "http://localhost/"
languageCode = "en"
title = "Corpus"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
disableAliases = true
enableRobotsTXT = false

[params]
description = "A generated site for measuring build times."

[markup.highlight]
codeFences = false

[markup.tableOfContents]
startLevel = 2
endLevel = 3
ordered = false
"##;

const HUGO_LAYOUTS: [(&str, &str); 4] = [
    (
        "_default/baseof.html",
        r##"<!doctype html>
<html lang="{{ .Site.LanguageCode }}">
<head>
<meta charset="utf-8">
<title>{{ block "title" . }}{{ .Site.Title }}{{ end }}</title>
<meta name="description" content="{{ block "description" . }}{{ .Site.Params.description }}{{ end }}">
<link rel="canonical" href="{{ .Permalink }}">
<link rel="stylesheet" href="{{ "style.css" | relURL }}">
</head>
<body>
<header>
<a href="{{ "/" | relURL }}">{{ .Site.Title }}</a>
<nav><ul>{{ range .Site.Sections }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul></nav>
</header>
<main>
{{ block "main" . }}{{ end }}
</main>
<footer><p>{{ .Site.Params.description }}</p></footer>
</body>
</html>
"##,
    ),
    (
        "index.html",
        r##"{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ .Content }}
<ul>
{{ range .Sections }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ with .Description }}: {{ . }}{{ end }}</li>
{{ end }}</ul>
{{ end }}
"##,
    ),
    (
        "_default/list.html",
        r##"{{ define "title" }}{{ .Title }} · {{ .Site.Title }}{{ end }}
{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ .Content }}
<ul>
{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ if not .Date.IsZero }} <time>{{ .Date.Format "2006-01-02" }}</time>{{ end }} · {{ .ReadingTime }} min{{ with .Description }}<br>{{ . }}{{ end }}</li>
{{ end }}</ul>
{{ end }}
"##,
    ),
    (
        "_default/single.html",
        r##"{{ define "title" }}{{ .Title }} · {{ .Site.Title }}{{ end }}
{{ define "description" }}{{ with .Description }}{{ . }}{{ else }}{{ .Site.Params.description }}{{ end }}{{ end }}
{{ define "main" }}
<article>
<p><a href="{{ .Parent.RelPermalink }}">{{ .Parent.Title }}</a></p>
<h1>{{ .Title }}</h1>
<p>{{ if not .Date.IsZero }}<time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2006-01-02" }}</time> · {{ end }}{{ .ReadingTime }} min read</p>
{{ with .Params.tags }}<ul class="tags">{{ range . }}<li>{{ . }}</li>{{ end }}</ul>{{ end }}
{{ .TableOfContents }}
{{ .Content }}
<nav class="pager">{{ with .PrevInSection }}<a rel="prev" href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }} {{ with .NextInSection }}<a rel="next" href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</nav>
</article>
{{ end }}
"##,
    ),
];
