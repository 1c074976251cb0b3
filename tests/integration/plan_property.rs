//! The render plan's promise, as a property: after every edit in a random
//! sequence (a body, a title, a date, a weight, tags, aliases, a draft, a
//! link, an embed, a new page, a deletion, a rename, a template; a
//! page's Spanish translation made, edited or removed), what
//! `serve` holds in memory is byte for byte what a full build of the same
//! files gives, and an edit fails exactly when a full build would.
//!
//! The sites' templates include one that prints its whole context, sorted,
//! so that whatever the plan says a job reads is checked against everything
//! its template could show. `GUIDE_PLAN_CASES` sets how many sequences run
//! (`GUIDE_PLAN_SEED` runs the one sequence a failure names),
//! (each of `STEPS` edits); a failure prints the seed and the edits.

use std::fmt::Write as _;

use guide::build::{render_site, Edit, Project};
use guide::config::{Config, Overrides};

use crate::support::Site;

/// Edits in one sequence.
const STEPS: usize = 8;

/// Sequences run when `GUIDE_PLAN_CASES` does not say.
const CASES: u64 = 120;

/// SplitMix64: small, seeded, the same on every machine.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// One page's front matter and body, as the test writes it.
#[derive(Debug, Clone)]
struct Page {
    /// Path under `content/`.
    path: String,
    title: String,
    date: Option<u32>,
    weight: Option<i64>,
    tags: Vec<&'static str>,
    aliases: Vec<String>,
    draft: bool,
    words: usize,
    /// Another page this one links to (`@/…`).
    link: Option<String>,
    /// Whether it links to the script, or embeds it.
    script: Option<&'static str>,
    /// Its Spanish translation (`x.es.md`), if it has one.
    translation: Option<Translation>,
}

/// A page's translation: what it gives of its own (the rest it takes from
/// its source).
#[derive(Debug, Clone)]
struct Translation {
    title: String,
    words: usize,
    date: Option<u32>,
    tags: Vec<&'static str>,
}

const TITULOS: [&str; 4] = [
    "Primeros pasos",
    "Pedir otra vez",
    "Una semana tranquila",
    "Asumirlo",
];

impl Translation {
    fn new(random: &mut Random) -> Translation {
        Translation {
            title: random.pick(&TITULOS).to_string(),
            words: 1 + random.below(30),
            date: random.chance(30).then(|| 1 + random.below(27) as u32),
            tags: TAGS.iter().copied().filter(|_| random.chance(30)).collect(),
        }
    }

    fn text(&self) -> String {
        let mut front = format!("---\ntitle: {}\n", self.title);
        if let Some(day) = self.date {
            writeln!(front, "date: 2026-04-{day:02}").unwrap();
        }
        if !self.tags.is_empty() {
            writeln!(front, "tags: [{}]", self.tags.join(", ")).unwrap();
        }
        front.push_str("---\n## Apartado\n\n");
        front.push_str(&vec!["palabra"; self.words].join(" "));
        front.push('\n');
        front
    }
}

/// The path of `page`'s Spanish translation (`a/one.md` → `a/one.es.md`).
fn spanish(page: &str) -> String {
    format!("{}.es.md", page.trim_end_matches(".md"))
}

const TAGS: [&str; 5] = ["Trust", "timing", "LinkedIn", "follow-up", "linkedin"];
const TITLES: [&str; 5] = [
    "First steps",
    "Asking again",
    "Zebra notes",
    "A quiet week",
    "Owning it",
];

impl Page {
    fn new(path: &str, random: &mut Random) -> Page {
        Page {
            path: path.to_string(),
            title: random.pick(&TITLES).to_string(),
            date: random.chance(70).then(|| 1 + random.below(27) as u32),
            weight: random.chance(40).then(|| random.below(4) as i64),
            tags: TAGS.iter().copied().filter(|_| random.chance(35)).collect(),
            aliases: Vec::new(),
            draft: false,
            words: 1 + random.below(30),
            link: None,
            script: None,
            translation: random.chance(50).then(|| Translation::new(random)),
        }
    }

    fn text(&self) -> String {
        let mut front = format!("---\ntitle: {}\n", self.title);
        if let Some(day) = self.date {
            writeln!(front, "date: 2026-03-{day:02}").unwrap();
        }
        if let Some(weight) = self.weight {
            writeln!(front, "weight: {weight}").unwrap();
        }
        if !self.tags.is_empty() {
            writeln!(front, "tags: [{}]", self.tags.join(", ")).unwrap();
        }
        if !self.aliases.is_empty() {
            writeln!(front, "aliases: [{}]", self.aliases.join(", ")).unwrap();
        }
        if self.draft {
            front.push_str("draft: true\n");
        }
        front.push_str("---\n## Heading\n\n");
        front.push_str(&vec!["word"; self.words].join(" "));
        front.push('\n');
        if let Some(target) = &self.link {
            writeln!(front, "\nSee [the other page](@/{target}).").unwrap();
        }
        match self.script {
            Some("link") => front.push_str("\nTry [the script](@/scripts/hello.yaml).\n"),
            Some(_) => front.push_str("\n```script hello\n```\n"),
            None => {}
        }
        front
    }
}

/// The site as the test holds it: its pages and which template variant is
/// on disk.
struct Model {
    site: Site,
    pages: Vec<Page>,
    template: usize,
    made: usize,
}

/// Every template prints the whole context it is given, in key order,
/// through nested loops (maps by sorted key, arrays by index), so that a
/// stale value anywhere in it shows. It names `share`, so guide gives it
/// sharing metadata too.
fn dump_template(variant: usize) -> String {
    fn dump(value: &str, depth: usize, out: &mut String) {
        if depth == 0 {
            write!(out, "{{{{ {value} is map or {value} is array }}}}").unwrap();
            return;
        }
        let (keys, key, child) = (
            format!("k{depth}"),
            format!("key{depth}"),
            format!("v{depth}"),
        );
        write!(
            out,
            "{{% if {value} is map %}}{{% set {keys} = {value} | keys | sort %}}\
             {{% elif {value} is array %}}{{% set {keys} = range(end={value} | length) %}}\
             {{% else %}}{{% set {keys} = [] %}}{{% endif %}}\
             {{% if {value} is map or {value} is array %}}(\
             {{% for {key} in {keys} %}}{{{{ {key} }}}}:\
             {{% if {value} is map %}}{{% set {child} = {value} | get(key={key}) %}}\
             {{% else %}}{{% set {child} = {value} | nth(n={key}) %}}{{% endif %}}"
        )
        .unwrap();
        dump(&child, depth - 1, out);
        write!(
            out,
            ";{{% endfor %}}){{% else %}}{{{{ {value} }}}}{{% endif %}}"
        )
        .unwrap();
    }
    let mut out = format!("<!-- variant {variant}; share -->{{% set v0 = __tera_context %}}");
    dump("v0", 14, &mut out);
    out
}

const TEMPLATES: [&str; 9] = [
    "index.html",
    "section.html",
    "page.html",
    "scripts.html",
    "script.html",
    "taxonomy_list.html",
    "taxonomy_term.html",
    "404.html",
    "partials/script-embed.html",
];

impl Model {
    fn new(random: &mut Random) -> Model {
        let site = Site::from_files(&[
            (
                "site.toml",
                "title = \"Plan\"\nbase_url = \"https://example.org/\"\ntheme = \"dump\"\n\
                 [search]\nenabled = false\n[offline]\nenabled = false\n\
                 [languages.en]\nname = \"English\"\n\
                 [languages.es]\nname = \"Español\"\ntitle = \"Plan en español\"\n\
                 [channels.email]\nlabel = \"Email\"\n\
                 [situations.first-contact]\nlabel = \"Breaking the silence\"\n\
                 [relationships.peer]\nlabel = \"A former peer\"\n",
            ),
            ("content/_index.md", "---\ntitle: Home\n---\nWelcome.\n"),
            ("content/_index.es.md", "---\ntitle: Inicio\n---\nBienvenida.\n"),
            ("content/a/_index.es.md", "---\ntitle: Sección A\n---\nLas páginas de A.\n"),
            ("content/a/_index.md", "---\ntitle: Section A\n---\nA's pages.\n"),
            ("content/b/_index.md", "---\ntitle: Section B\n---\nB's pages.\n"),
            ("content/scripts/_index.md", "---\ntitle: Scripts\n---\nAll.\n"),
            (
                "content/scripts/hello.yaml",
                "title: Say hello\nsummary: A first note.\nsituation: first-contact\n\
                 relationship: [peer]\nfields:\n  - name: name\n    label: Their name\n    example: Priya\n\
                 messages:\n  - name: email\n    channel: email\n    body: |\n      Subject: Hi\n      Dear {{name}}, hello.\n",
            ),
            ("themes/dump/static/style.css", "body { margin: 0 }\n"),
        ]);
        let mut model = Model {
            site,
            pages: Vec::new(),
            template: 0,
            made: 0,
        };
        model.write_templates();
        for path in [
            "a/one.md",
            "a/two.md",
            "a/three.md",
            "b/four.md",
            "b/five.md",
        ] {
            let page = Page::new(path, random);
            model.site.write(&format!("content/{path}"), &page.text());
            if let Some(translation) = &page.translation {
                model
                    .site
                    .write(&format!("content/{}", spanish(path)), &translation.text());
            }
            model.pages.push(page);
        }
        model
    }

    fn write_templates(&self) {
        for name in TEMPLATES {
            let text = dump_template(self.template);
            self.site
                .write(&format!("themes/dump/templates/{name}"), &text);
        }
    }

    fn write(&self, page: usize) -> Edit {
        let page = &self.pages[page];
        self.site
            .write(&format!("content/{}", page.path), &page.text());
        content_edit(&page.path, false)
    }

    /// Makes one random edit on disk and says what `serve`'s watcher would
    /// report, with the edit in words for a failure's message.
    fn edit(&mut self, random: &mut Random) -> (Edit, String) {
        let n = random.below(self.pages.len());
        let what = random.below(16);
        let others: Vec<String> = self
            .pages
            .iter()
            .filter(|p| p.path != self.pages[n].path)
            .map(|p| p.path.clone())
            .collect();
        let page = &mut self.pages[n];
        let path = page.path.clone();
        let said = match what {
            0 => {
                page.words = 1 + random.below(30);
                format!("{path}: body of {} words", page.words)
            }
            1 => {
                page.title = random.pick(&TITLES).to_string();
                format!("{path}: title {}", page.title)
            }
            2 => {
                page.date = random.chance(75).then(|| 1 + random.below(27) as u32);
                format!("{path}: date {:?}", page.date)
            }
            3 => {
                page.weight = random.chance(60).then(|| random.below(4) as i64);
                format!("{path}: weight {:?}", page.weight)
            }
            4 => {
                page.tags = TAGS.iter().copied().filter(|_| random.chance(40)).collect();
                format!("{path}: tags {:?}", page.tags)
            }
            5 => {
                page.aliases = match random.below(3) {
                    0 => Vec::new(),
                    1 => vec![format!("/old/{}/", random.below(3))],
                    _ => vec!["/old/0/".into(), "/legacy.html".into()],
                };
                format!("{path}: aliases {:?}", page.aliases)
            }
            6 => {
                page.draft = !page.draft;
                format!("{path}: draft {}", page.draft)
            }
            7 => {
                page.link = random.chance(70).then(|| random.pick(&others).clone());
                format!("{path}: link {:?}", page.link)
            }
            8 => {
                page.script = *random.pick(&[None, Some("link"), Some("embed")]);
                format!("{path}: script {:?}", page.script)
            }
            9 => return self.add(random),
            13 | 14 if page.translation.is_some() => return self.edit_translation(n, random),
            13..=15 => return self.toggle_translation(n, random),
            10 if self.pages.len() > 2 => return self.delete(n),
            11 => return self.rename(n, random),
            _ => {
                self.template += 1;
                self.write_templates();
                return (
                    Edit::Templates,
                    format!("template variant {}", self.template),
                );
            }
        };
        (self.write(n), said)
    }

    /// Changes one thing of a page's translation.
    fn edit_translation(&mut self, n: usize, random: &mut Random) -> (Edit, String) {
        let page = &mut self.pages[n];
        let translation = page.translation.as_mut().expect("a translated page");
        let said = match random.below(4) {
            0 => {
                translation.title = random.pick(&TITULOS).to_string();
                format!("title {}", translation.title)
            }
            1 => {
                translation.words = 1 + random.below(30);
                format!("body of {} words", translation.words)
            }
            2 => {
                translation.date = random.chance(50).then(|| 1 + random.below(27) as u32);
                format!("date {:?}", translation.date)
            }
            _ => {
                translation.tags = TAGS.iter().copied().filter(|_| random.chance(40)).collect();
                format!("tags {:?}", translation.tags)
            }
        };
        let path = spanish(&page.path);
        self.site
            .write(&format!("content/{path}"), &translation.text());
        (content_edit(&path, false), format!("{path}: {said}"))
    }

    /// Translates a page, or removes its translation.
    fn toggle_translation(&mut self, n: usize, random: &mut Random) -> (Edit, String) {
        let page = &mut self.pages[n];
        let path = spanish(&page.path);
        let file = self.site.root().join("content").join(&path);
        match page.translation.take() {
            Some(_) => {
                std::fs::remove_file(file).unwrap();
                (content_edit(&path, true), format!("removed {path}"))
            }
            None => {
                let translation = Translation::new(random);
                self.site
                    .write(&format!("content/{path}"), &translation.text());
                page.translation = Some(translation);
                (content_edit(&path, true), format!("translated {path}"))
            }
        }
    }

    fn add(&mut self, random: &mut Random) -> (Edit, String) {
        self.made += 1;
        let folder = *random.pick(&["a", "b"]);
        let path = format!("{folder}/new-{}.md", self.made);
        let page = Page::new(&path, random);
        self.site.write(&format!("content/{path}"), &page.text());
        let mut paths = vec![format!("content/{path}")];
        if let Some(translation) = &page.translation {
            let translated = format!("content/{}", spanish(&path));
            self.site.write(&translated, &translation.text());
            paths.push(translated);
        }
        self.pages.push(page);
        let edit = Edit::Content {
            paths,
            structural: true,
        };
        (edit, format!("new page {path}"))
    }

    fn delete(&mut self, n: usize) -> (Edit, String) {
        let page = self.pages.remove(n);
        let content = self.site.root().join("content");
        std::fs::remove_file(content.join(&page.path)).unwrap();
        let mut paths = vec![format!("content/{}", page.path)];
        if page.translation.is_some() {
            std::fs::remove_file(content.join(spanish(&page.path))).unwrap();
            paths.push(format!("content/{}", spanish(&page.path)));
        }
        let edit = Edit::Content {
            paths,
            structural: true,
        };
        (edit, format!("deleted {} and its translation", page.path))
    }

    fn rename(&mut self, n: usize, random: &mut Random) -> (Edit, String) {
        self.made += 1;
        let folder = *random.pick(&["a", "b"]);
        let to = format!("{folder}/renamed-{}.md", self.made);
        let from = std::mem::replace(&mut self.pages[n].path, to.clone());
        let content = self.site.root().join("content");
        std::fs::rename(content.join(&from), content.join(&to)).unwrap();
        let mut paths = vec![format!("content/{from}"), format!("content/{to}")];
        if self.pages[n].translation.is_some() {
            let (from, to) = (spanish(&from), spanish(&to));
            std::fs::rename(content.join(&from), content.join(&to)).unwrap();
            paths.extend([format!("content/{from}"), format!("content/{to}")]);
        }
        let edit = Edit::Content {
            paths,
            structural: true,
        };
        (edit, format!("renamed {from} to {to}"))
    }
}

fn content_edit(path: &str, structural: bool) -> Edit {
    Edit::Content {
        paths: vec![format!("content/{path}")],
        structural,
    }
}

fn config(site: &Site) -> Config {
    let overrides = Overrides {
        serving: true,
        ..Overrides::default()
    };
    Config::load(site.root(), &overrides).unwrap()
}

/// Where the served output and a full build part, if they do.
fn difference(project: &Project, full: &guide::output::Output) -> Option<String> {
    let ours: Vec<(&str, &[u8])> = project.output.iter().collect();
    let theirs: Vec<(&str, &[u8])> = full.iter().collect();
    let paths =
        |files: &[(&str, &[u8])]| files.iter().map(|(p, _)| p.to_string()).collect::<Vec<_>>();
    if paths(&ours) != paths(&theirs) {
        let (a, b) = (paths(&ours), paths(&theirs));
        let only_served: Vec<_> = a.iter().filter(|p| !b.contains(p)).collect();
        let only_built: Vec<_> = b.iter().filter(|p| !a.contains(p)).collect();
        return Some(format!(
            "paths differ: only served {only_served:?}, only built {only_built:?}"
        ));
    }
    let ((path, a), (_, b)) = ours.iter().zip(&theirs).find(|((_, a), (_, b))| a != b)?;
    let at = a.iter().zip(b.iter()).take_while(|(x, y)| x == y).count();
    let near = |bytes: &[u8]| {
        String::from_utf8_lossy(&bytes[at.saturating_sub(120)..(at + 120).min(bytes.len())])
            .into_owned()
    };
    Some(format!(
        "{path} differs from a full build at byte {at}:\n  served: …{}…\n  built:  …{}…",
        near(a),
        near(b)
    ))
}

/// Runs one sequence; the error says where it went wrong.
fn sequence(seed: u64) -> Result<(), String> {
    let mut random = Random(seed);
    let mut model = Model::new(&mut random);
    let mut project = Project::load(config(&model.site)).map_err(|e| format!("load: {e}"))?;
    let mut edits = Vec::new();
    for _ in 0..STEPS {
        let (edit, said) = model.edit(&mut random);
        edits.push(said);
        let served = project.apply(&edit);
        let full = render_site(&config(&model.site), Vec::new());
        let trail = || edits.join("\n  ");
        match (served, full) {
            (Ok(_), Ok(full)) => {
                if let Some(difference) = difference(&project, &full.output) {
                    return Err(format!("seed {seed}: {difference} after\n  {}", trail()));
                }
            }
            (Err(_), Err(_)) => {}
            (Ok(_), Err(e)) => {
                return Err(format!(
                    "seed {seed}: serve took an edit a full build refuses ({e}) after\n  {}",
                    trail()
                ))
            }
            (Err(e), Ok(_)) => {
                return Err(format!(
                    "seed {seed}: serve refused an edit a full build takes ({e}) after\n  {}",
                    trail()
                ))
            }
        }
    }
    Ok(())
}

#[test]
fn serve_after_every_edit_equals_a_full_build() {
    let cases: u64 = std::env::var("GUIDE_PLAN_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(CASES);
    if let Some(seed) = std::env::var("GUIDE_PLAN_SEED")
        .ok()
        .and_then(|n| n.parse().ok())
    {
        return sequence(seed).unwrap();
    }
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get()) as u64;
    let failures: Vec<String> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                scope.spawn(move || {
                    (0..cases)
                        .filter(|seed| seed % threads == t)
                        .filter_map(|seed| sequence(seed).err())
                        .take(3)
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect()
    });
    assert!(
        failures.is_empty(),
        "{} sequences failed:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn the_dump_template_shows_every_value_of_its_context() {
    // The property above is only as strong as this: a value that changes
    // changes the dump.
    let mut random = Random(7);
    let model = Model::new(&mut random);
    let built = render_site(&config(&model.site), Vec::new())
        .unwrap()
        .output;
    let page = String::from_utf8(built.get("a/one/index.html").unwrap().to_vec()).unwrap();
    for expected in [
        "word_count:",
        "reading_time:",
        "previous:",
        "breadcrumbs:",
        "menu:",
        "share:",
        "Section A",
        "translations:",
        "languages:",
    ] {
        assert!(page.contains(expected), "the dump lacks {expected}: {page}");
    }
    let home = String::from_utf8(built.get("es/index.html").unwrap().to_vec()).unwrap();
    assert!(
        home.contains("Inicio") && home.contains("lang:es"),
        "{home}"
    );
}
