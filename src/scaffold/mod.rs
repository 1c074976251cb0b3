//! Scaffolding: `guide init` (a new, working site with the default theme)
//! and `guide new page|script` (a ready-to-edit file with every key
//! explained).
//!
//! The texts are real files beside this one, `site/` for init and `new/` for
//! new, with `%key%` placeholders. The default theme is every file of
//! `themes/bridges/`, embedded in the binary by the build script, so a new
//! site needs nothing but the `guide` binary. Nothing here ever replaces a
//! file: init wants a new or empty folder, new a name not taken yet.

use std::path::{Path, PathBuf};

use crate::config::{Channel, Config, Label};
use crate::content::{humanize, ScriptSource, SCRIPTS_DIR};
use crate::error::{display_path, Error, Result};
use crate::input::is_ignored_name;
use crate::slug::slugify;

mod translation;
pub use translation::new_translation;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_theme.rs"));
}
pub use embedded::{THEME_FILES, THEME_NAME};

const SITE_TOML: &str = include_str!("site/site.toml");
const HOME: &str = include_str!("site/home.md");
const SECTION: &str = include_str!("site/section.md");
const PAGE: &str = include_str!("site/page.md");
const SCRIPTS_INDEX: &str = include_str!("site/scripts.md");
const SCRIPT: &str = include_str!("site/script.yaml");
const PUBLISH: &str = include_str!("site/publish.yml");

/// Where a new site keeps the JSON Schemas its files name for editors.
pub const SITE_SCHEMA: &str = "schemas/site.schema.json";
pub const SCRIPT_SCHEMA: &str = "schemas/script.schema.json";

const NEW_PAGE: &str = include_str!("new/page.md");
const NEW_YAML_SCRIPT: &str = include_str!("new/script.yaml");
const NEW_MARKDOWN_SCRIPT: &str = include_str!("new/script.md");

/// What a scaffolding command wrote, and what to do next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Created {
    /// What was made (`Created a new site in \`my-guide\``).
    pub heading: String,
    /// The files written, as the user would type them.
    pub files: Vec<String>,
    /// Steps to suggest, most useful first.
    pub next: Vec<String>,
}

impl Created {
    /// The report printed after the command.
    pub fn report(&self) -> String {
        let mut text = format!("{}:\n", self.heading);
        for file in &self.files {
            text.push_str(&format!("  {file}\n"));
        }
        text.push_str("\nNext:\n");
        for step in &self.next {
            text.push_str(&format!("  {step}\n"));
        }
        text.pop();
        text
    }
}

/// Creates a new site in `dir`, which must not exist yet or be empty
/// (hidden files such as `.git` may be there).
pub fn init(dir: &Path) -> Result<Created> {
    refuse_non_empty(dir)?;
    crate::fs::create_dir_all(dir)?;
    let mut shown = Vec::new();
    for (relative, text) in site_files(&site_title(dir)?) {
        write_new(&dir.join(relative), text.as_bytes())?;
        shown.push(display_path(&dir.join(relative)));
    }
    let theme = Path::new("themes").join(THEME_NAME);
    for (relative, bytes) in THEME_FILES {
        write_new(&dir.join(&theme).join(relative), bytes)?;
    }
    shown.push(format!(
        "{}/ (the default theme, {} files)",
        display_path(&dir.join(&theme)),
        THEME_FILES.len()
    ));
    let cd = (display_path(dir) != ".").then(|| format!("cd {}", display_path(dir)));
    Ok(Created {
        heading: format!("Created a new site in `{}`", display_path(dir)),
        files: shown,
        next: cd
            .into_iter()
            .chain(INIT_NEXT.iter().map(|step| step.to_string()))
            .collect(),
    })
}

/// What to do in a new site, as printed after `guide init`.
const INIT_NEXT: [&str; 5] = [
    "guide serve                        # preview it, rebuilt on every save",
    "guide new page reaching-out/timing # a page, every front-matter key explained",
    "guide new script follow-up         # a script, every key explained",
    "guide check                        # broken links, missing files, orphan pages",
    "guide build                        # the site, written to public/",
];

/// The files of a new site but its theme: path in the site → text.
fn site_files(title: &str) -> [(&'static str, String); 9] {
    let version = env!("CARGO_PKG_VERSION");
    [
        ("site.toml", fill(SITE_TOML, &[("title", &quoted(title))])),
        (
            "content/_index.md",
            fill(HOME, &[("title", &yaml_string(title))]),
        ),
        ("content/reaching-out/_index.md", SECTION.to_string()),
        (
            "content/reaching-out/first-message.md",
            fill(PAGE, &[("date", &today())]),
        ),
        ("content/scripts/_index.md", SCRIPTS_INDEX.to_string()),
        ("content/scripts/reconnect-note.yaml", SCRIPT.to_string()),
        (SITE_SCHEMA, crate::schema::site()),
        (SCRIPT_SCHEMA, crate::schema::script()),
        (
            ".github/workflows/publish.yml",
            fill(PUBLISH, &[("version", version)]),
        ),
    ]
}

/// Creates the page `path` under `content/` (`first-message/timing`, with or
/// without `.md`), its folder too if needed.
pub fn new_page(config: &Config, path: &str) -> Result<Created> {
    let relative = page_file(path)?;
    refuse_unbuildable(config, &relative)?;
    let file = config.content_dir().join(&relative);
    refuse_existing(&file)?;
    let (dir, name) = relative.rsplit_once('/').unwrap_or(("", &relative));
    let stem = name.trim_end_matches(".md");
    let title = match (stem, dir.rsplit('/').next()) {
        ("_index", Some("")) | ("_index", None) => config.title.clone(),
        ("_index", Some(folder)) => humanize(folder),
        _ => humanize(stem),
    };
    let today = today();
    let text = fill(
        NEW_PAGE,
        &[
            ("title", &yaml_string(&title)),
            ("date", &today),
            ("slug", &slugify(stem)),
            ("taxonomies", &taxonomy_lines(config)),
        ],
    );
    // Parsed before it is written: a name guide cannot make a URL from is
    // refused here rather than at the next build.
    let document = crate::content::parse_document(config, file.clone(), &relative, text)?;
    if let Some(parent) = file.parent() {
        crate::fs::create_dir_all(parent)?;
    }
    write_new(&file, document.source.as_bytes())?;
    Ok(Created {
        heading: "Created a page".to_string(),
        files: vec![display_path(&file)],
        next: vec![
            format!("edit {}", display_path(&file)),
            format!(
                "link to it from its section or a related page: [{}](@/{relative})",
                document.title
            ),
            format!("guide serve   # it is at {}", document.url),
        ],
    })
}

/// Creates the script `content/scripts/<name>.yaml` (or `.md` when
/// `markdown` is set or the name ends in `.md`), with one field and one
/// message that build as they stand.
pub fn new_script(config: &Config, name: &str, markdown: bool) -> Result<Created> {
    let (slug, markdown) = script_name(name, markdown)?;
    let dir = config.content_dir().join(SCRIPTS_DIR);
    refuse_taken_slug(&dir, &slug)?;
    let extension = if markdown { "md" } else { "yaml" };
    let relative = format!("{SCRIPTS_DIR}/{slug}.{extension}");
    let file = dir.join(format!("{slug}.{extension}"));
    let text = script_text(config, &slug, markdown)?;
    // Loaded before it is written, so that what is written is known to build.
    let source = ScriptSource {
        relative: relative.clone(),
        path: file.clone(),
        source: text,
    };
    let (scripts, _) = crate::script::load(config, std::slice::from_ref(&source))?;
    crate::fs::create_dir_all(&dir)?;
    write_new(&file, source.source.as_bytes())?;
    let url = crate::script::url(config, &slug);
    let title = scripts
        .first()
        .map_or_else(|| humanize(&slug), |s| s.title.clone());
    Ok(Created {
        heading: "Created a script".to_string(),
        files: vec![display_path(&file)],
        next: vec![
            format!("edit {}", display_path(&file)),
            format!("link to it from the page about its moment: [{title}](@/{relative})"),
            format!("guide serve   # it is at {url}"),
        ],
    })
}

/// The text of a new script for this site: its first situation and
/// relationship, and a channel with room for the message.
fn script_text(config: &Config, slug: &str, markdown: bool) -> Result<String> {
    let situation = config.situations.first().ok_or_else(|| {
        Error::with_help(
            "site.toml declares no situations, and every script belongs to one",
            "add one to site.toml, such as:\n\n    [situations.first-contact]\n    label = \"Breaking the silence\"",
        )
    })?;
    let channel = roomiest_channel(config).ok_or_else(|| {
        Error::with_help(
            "site.toml declares no channels, and every message is sent on one",
            "add one to site.toml, such as:\n\n    [channels.email]\n    label = \"Email\"",
        )
    })?;
    let relationship = match config.relationships.first() {
        Some(first) => format!("relationship: [{}]", first.id),
        None => "# relationship: [peer]".to_string(),
    };
    let relationships = if config.relationships.is_empty() {
        "none declared yet".to_string()
    } else {
        wrapped(&ids(&config.relationships))
    };
    let channels: Vec<&str> = config.channels.iter().map(|c| c.id.as_str()).collect();
    let template = if markdown {
        NEW_MARKDOWN_SCRIPT
    } else {
        NEW_YAML_SCRIPT
    };
    Ok(fill(
        template,
        &[
            ("title", &yaml_string(&humanize(slug))),
            ("url", &crate::script::url(config, slug)),
            ("situation", &situation.id),
            ("situations", &wrapped(&ids(&config.situations))),
            ("relationship", &relationship),
            ("relationships", &relationships),
            ("channel", &channel.id),
            ("channels", &wrapped(&channels)),
        ],
    ))
}

fn ids(labels: &[Label]) -> Vec<&str> {
    labels.iter().map(|l| l.id.as_str()).collect()
}

/// The channel a new message fits best: email, else one without a limit,
/// else the one with the highest limit.
fn roomiest_channel(config: &Config) -> Option<&Channel> {
    let channels = &config.channels;
    channels
        .iter()
        .find(|c| c.id == "email" && c.limit.is_none())
        .or_else(|| channels.iter().find(|c| c.limit.is_none()))
        .or_else(|| channels.iter().max_by_key(|c| c.limit))
}

/// A list of ids for a `#` comment, continued on new comment lines when long.
fn wrapped(ids: &[&str]) -> String {
    let mut lines: Vec<String> = vec![String::new()];
    for (n, id) in ids.iter().enumerate() {
        let comma = if n + 1 < ids.len() { "," } else { "" };
        let piece = format!("{id}{comma}");
        let line = lines.last_mut().expect("starts with one line");
        if line.is_empty() {
            line.push_str(&piece);
        } else if line.len() + 1 + piece.len() > 72 {
            lines.push(piece);
        } else {
            line.push(' ');
            line.push_str(&piece);
        }
    }
    lines.join("\n#   ")
}

/// The script's slug and format from the name given: `follow-up`,
/// `follow-up.md`, `content/scripts/follow-up.yaml`.
fn script_name(name: &str, markdown: bool) -> Result<(String, bool)> {
    let name = name.trim().replace('\\', "/");
    let name = name.strip_prefix("content/").unwrap_or(&name);
    let name = name.strip_prefix("scripts/").unwrap_or(name);
    let (stem, markdown) = if let Some(stem) = name.strip_suffix(".md") {
        (stem, true)
    } else if let Some(stem) = name.strip_suffix(".yaml").or(name.strip_suffix(".yml")) {
        if markdown {
            return Err(Error::with_help(
                format!("`{name}` is a YAML file name, but --markdown asks for a Markdown script"),
                "drop the extension, or --markdown",
            ));
        }
        (stem, false)
    } else {
        (name, markdown)
    };
    let slug = slugify(stem);
    if slug.is_empty() || stem.contains('/') {
        return Err(Error::with_help(
            format!("cannot make a script name from `{name}`"),
            "give a short name of letters, digits and `-`, such as `follow-up`",
        ));
    }
    Ok((slug, markdown))
}

/// The path under `content/` of a new page, from what the user typed.
fn page_file(path: &str) -> Result<String> {
    let cleaned = path.trim().replace('\\', "/");
    let cleaned = cleaned.strip_prefix("./").unwrap_or(&cleaned);
    let cleaned = cleaned.strip_prefix("content/").unwrap_or(cleaned);
    let parts: Vec<&str> = cleaned.split('/').filter(|p| !p.is_empty()).collect();
    let outside = cleaned.starts_with('/') || parts.iter().any(|p| *p == "." || *p == "..");
    if parts.is_empty() || outside {
        return Err(Error::with_help(
            format!("`{path}` is not a path under content/"),
            "give a path such as `first-message/timing`, for content/first-message/timing.md",
        ));
    }
    if let Some(part) = parts.iter().find(|p| is_ignored_name(p)) {
        return Err(Error::with_help(
            format!("guide ignores files named like `{part}` (hidden files and editor leftovers)"),
            "choose a name that does not start with `.` or `#`",
        ));
    }
    let mut relative = parts.join("/");
    if !relative.ends_with(".md") {
        relative.push_str(".md");
    }
    if let Some((SCRIPTS_DIR, name)) = relative.rsplit_once('/') {
        if name != "_index.md" {
            return Err(Error::with_help(
                format!("content/{SCRIPTS_DIR}/ holds scripts, not pages"),
                format!(
                    "make a script with `guide new script {}`",
                    name.trim_end_matches(".md")
                ),
            ));
        }
    }
    Ok(relative)
}

/// Refuses a page path that would not build, or would build into the
/// wrong place: a name that is not already its own URL (spaces, capitals,
/// punctuation), a page in the folder of a taxonomy or of the search index,
/// or a page named like an existing section, whose URL it would take.
fn refuse_unbuildable(config: &Config, relative: &str) -> Result<()> {
    let parts: Vec<&str> = relative.split('/').collect();
    refuse_non_url_names(&parts)?;
    refuse_reserved_folder(config, parts[0].trim_end_matches(".md"))?;
    refuse_section_name(config, relative)
}

/// Refuses a file or folder name that is not already its own URL segment,
/// suggesting the path with that name slugified.
fn refuse_non_url_names(parts: &[&str]) -> Result<()> {
    for (i, part) in parts.iter().enumerate() {
        let name = if i + 1 == parts.len() {
            part.trim_end_matches(".md")
        } else {
            part
        };
        if name == "_index" && i + 1 == parts.len() {
            continue;
        }
        let slug = slugify(name);
        if slug != *name {
            let mut suggested: Vec<String> = parts.iter().map(|p| p.to_string()).collect();
            suggested[i] = slug.clone();
            let suggested = suggested.join("/");
            let suggested = suggested.trim_end_matches(".md");
            let why = if slug.is_empty() {
                format!("`{name}` has no letters or digits to make a URL from")
            } else {
                format!(
                    "`{name}` is not a URL segment: file and folder names become the page's URL"
                )
            };
            let help = if slug.is_empty() {
                "use lowercase letters, digits and `-`".to_string()
            } else {
                format!("use lowercase letters, digits and `-`: `guide new page {suggested}`")
            };
            return Err(Error::with_help(why, help));
        }
    }
    Ok(())
}

/// Refuses a page in a top folder that guide publishes into itself: a
/// taxonomy's or the search index's.
fn refuse_reserved_folder(config: &Config, first: &str) -> Result<()> {
    let reserved = config
        .taxonomies
        .iter()
        .find(|t| t.id == first)
        .map(|t| format!("the pages of the taxonomy `{}`", t.id))
        .or_else(|| (first == crate::search::DIR).then(|| "the search index".to_string()));
    match reserved {
        Some(what) => Err(Error::with_help(
            format!("/{first}/ is where guide publishes {what}, so a page cannot go there"),
            "choose another folder",
        )),
        None => Ok(()),
    }
}

/// Refuses a page named like an existing section folder, whose URL it
/// would take.
fn refuse_section_name(config: &Config, relative: &str) -> Result<()> {
    if let Some(stem) = relative.strip_suffix(".md") {
        let folder = config.content_dir().join(stem);
        if folder.is_dir() {
            return Err(Error::with_help(
                format!(
                    "`{}` is a section folder: a page named `{stem}` would take the section's URL",
                    display_path(&folder)
                ),
                format!("add a page inside it, such as `guide new page {stem}/NAME`, or edit its _index.md"),
            ));
        }
    }
    Ok(())
}

fn refuse_non_empty(dir: &Path) -> Result<()> {
    if !dir.exists() {
        return Ok(());
    }
    if !dir.is_dir() {
        return Err(Error::msg(format!(
            "`{}` is a file, not a folder",
            display_path(dir)
        )));
    }
    let mut visible: Vec<String> = crate::fs::read_dir_names(dir)?
        .into_iter()
        .map(|name| name.to_string_lossy().into_owned())
        .filter(|name| !name.starts_with('.'))
        .collect();
    if visible.is_empty() {
        return Ok(());
    }
    visible.sort();
    let shown = visible
        .iter()
        .take(3)
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let more = if visible.len() > 3 { ", …" } else { "" };
    Err(Error::with_help(
        format!(
            "`{}` is not empty (it holds {shown}{more}); guide init never overwrites",
            display_path(dir)
        ),
        "give a new folder name, or an empty folder (hidden files such as .git may be in it)",
    ))
}

fn refuse_existing(file: &Path) -> Result<()> {
    if file.exists() {
        return Err(Error::with_help(
            format!("`{}` already exists", display_path(file)),
            "guide new never overwrites a file: choose another name, or edit that file",
        ));
    }
    Ok(())
}

/// Refuses a script name whose slug a file of `content/scripts/` already has
/// (`follow-up.md` takes `follow-up` from a new `follow-up.yaml`).
fn refuse_taken_slug(dir: &Path, slug: &str) -> Result<()> {
    if !dir.is_dir() {
        return Ok(());
    }
    for name in crate::fs::read_dir_names(dir)? {
        let name = name.to_string_lossy();
        let script = [".md", ".yaml", ".yml"].iter().any(|e| name.ends_with(e));
        if script && name != "_index.md" && crate::script::slug_of(&name) == slug {
            return Err(Error::with_help(
                format!(
                    "a script named `{slug}` already exists: `{}`",
                    display_path(&dir.join(&*name))
                ),
                "guide new never overwrites a file: choose another name, or edit that file",
            ));
        }
    }
    Ok(())
}

fn write_new(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(parent) = path.parent() {
        crate::fs::create_dir_all(parent)?;
    }
    crate::fs::write_new(path, bytes)
}

/// The site's title, from its folder's name (`my-guide` → "My guide").
fn site_title(dir: &Path) -> Result<String> {
    let named: PathBuf = match dir.file_name() {
        Some(_) => dir.to_path_buf(),
        None => crate::fs::canonicalize(dir)?,
    };
    let name = named
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let title = humanize(name.trim());
    Ok(if slugify(&title).is_empty() {
        "My guide".to_string()
    } else {
        title
    })
}

fn today() -> String {
    jiff::Zoned::now().date().to_string()
}

/// Replaces each `%key%` of `template`.
/// A commented example line for each taxonomy the site declares besides tags.
fn taxonomy_lines(config: &Config) -> String {
    config
        .taxonomies
        .iter()
        .filter(|t| t.id != crate::config::TAGS)
        .map(|t| {
            let what = t.description.as_deref().unwrap_or(&t.label);
            format!("# {what}\n# {}: []\n", t.id)
        })
        .collect()
}

fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut text = template.to_string();
    for (key, value) in values {
        text = text.replace(&format!("%{key}%"), value);
    }
    text
}

/// A string as a TOML basic string (also a YAML double-quoted scalar).
fn quoted(text: &str) -> String {
    serde_json::Value::String(text.to_string()).to_string()
}

/// A string as a YAML scalar: plain when it cannot be read as anything else.
fn yaml_string(text: &str) -> String {
    let plain = text.chars().next().is_some_and(char::is_alphabetic)
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '\'' | ','))
        && !text.ends_with(' ')
        && !matches!(
            text.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "y" | "n"
        );
    if plain {
        text.to_string()
    } else {
        quoted(text)
    }
}

#[cfg(test)]
mod tests;
