//! Walking `content/` and parsing what is there: sections (`_index.md`),
//! pages (any other `.md`), script sources (`scripts/*.yaml`, `scripts/*.md`)
//! and assets (every other file, copied as-is).
//!
//! Files are found with walkdir and read and parsed in parallel; every bad
//! file is reported, not just the first.

pub mod frontmatter;
mod meta;

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::Config;
use crate::error::{Diagnostic, Error, Result, Warning};
use crate::slug::slugify;
pub use meta::{Alias, FrontMatter, FrontMatterSeed, Slug};

/// The folder under `content/` that holds scripts.
pub const SCRIPTS_DIR: &str = "scripts";

/// The largest page or script guide reads, in bytes. Far above any real
/// page, and low enough that a stray huge file fails at once instead of
/// tying up the build (and every `serve` rebuild) for many seconds.
pub const LARGEST: u64 = 10_000_000;

/// Whether a document is a section (`_index.md`) or a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Section,
    Page,
}

/// A parsed Markdown file of `content/`.
#[derive(Debug, Clone)]
pub struct Document {
    pub kind: Kind,
    /// The path under `content/`, with `/` separators: the key of `@/` links.
    pub relative: String,
    /// The path shown in messages (the site root joined with the file).
    pub path: PathBuf,
    /// The whole file, for showing the lines that errors point at; only its
    /// front matter once the body is dropped ([`Document::drop_body`]).
    pub source: String,
    /// Where the Markdown body starts in `source`.
    pub body_offset: usize,
    /// Whether `source` has lost its body.
    pub body_dropped: bool,
    pub meta: FrontMatter,
    pub title: String,
    /// The folder under `content/` this document belongs to: a section's own
    /// folder, a page's parent folder (`""` for the root).
    pub dir: String,
    /// Root-relative URL with the base path (`/guide/a/b/`).
    pub url: String,
}

impl Document {
    /// The Markdown body.
    pub fn body(&self) -> &str {
        debug_assert!(
            !self.body_dropped,
            "the body of {} was dropped",
            self.relative
        );
        &self.source[self.body_offset..]
    }

    /// Frees the Markdown body, keeping the front matter (which errors found
    /// while rendering templates point into). `guide build` drops each body
    /// as soon as it is rendered: at 100,000 pages the bodies are a sixth of
    /// the build's memory at its peak.
    pub fn drop_body(&mut self) {
        self.source.truncate(self.body_offset);
        self.source.shrink_to_fit();
        self.body_dropped = true;
    }

    /// A diagnostic at a byte offset of the body. A dropped body is read
    /// from the file again (errors are rare). If the file no longer starts
    /// with the front matter read before, the diagnostic names the file
    /// alone; a body edited during the build may still be pointed into a
    /// line off, as any tool that reads a file twice would.
    pub fn diagnostic_at(&self, body_offset: usize, message: impl Into<String>) -> Diagnostic {
        let reread;
        let source = if self.body_dropped {
            match crate::fs::read_text(&self.path) {
                Ok(text) if text.starts_with(&self.source) => {
                    reread = text;
                    &reread
                }
                _ => return Diagnostic::file(&self.path, message),
            }
        } else {
            &self.source
        };
        let (line, column) = crate::error::line_column(source, self.body_offset + body_offset);
        Diagnostic::at(&self.path, source, line, column, message)
    }
}

/// A file of `content/scripts/`, left for the script module to parse.
#[derive(Debug, Clone)]
pub struct ScriptSource {
    pub relative: String,
    pub path: PathBuf,
    pub source: String,
}

/// A file in another language of the site beside its source
/// (`timing.es.md` beside `timing.md`), read but not parsed: it is parsed
/// in its language's configuration (see [`crate::languages`]).
#[derive(Debug, Clone)]
pub struct TranslationFile {
    /// The language's tag (`es`).
    pub language: String,
    /// The source's path under `content/` (`first-message/timing.md`).
    pub relative: String,
    /// The translation's own path under `content/`.
    pub own: String,
    pub path: PathBuf,
    pub source: String,
}

/// Any other file of `content/`, copied to the same place in the output.
#[derive(Debug, Clone)]
pub struct Asset {
    pub relative: String,
    pub bytes: Vec<u8>,
}

/// Everything found in `content/`, with every problem: a bad file is left
/// out and its error kept, so that the rest of the build still runs and
/// one build reports every mistake.
#[derive(Debug, Default)]
pub struct Content {
    pub documents: Vec<Document>,
    pub scripts: Vec<ScriptSource>,
    pub assets: Vec<Asset>,
    /// Problems that do not stop the build (a near-Markdown file copied as is).
    pub warnings: Vec<Warning>,
    /// Problems that do: each bad file's.
    pub errors: Vec<Error>,
    /// Content paths of the pages that could not be read or parsed (links
    /// to them are not reported again as broken).
    pub failed: Vec<String>,
    /// Content paths of the pages left out as drafts.
    pub drafts: Vec<String>,
    /// The files in the site's other languages.
    pub translations: Vec<TranslationFile>,
}

enum Found {
    Translation(TranslationFile),
    Document(Box<Document>),
    Script(ScriptSource),
    Asset(Asset),
    Draft,
}

/// Loads everything under the site's `content/` folder. Only a missing
/// folder is an error here; bad files are in [`Content::errors`].
pub fn load(config: &Config) -> Result<Content> {
    let dir = config.content_dir();
    if !dir.is_dir() {
        return Err(Error::with_help(
            format!(
                "no `content` folder in `{}`",
                crate::error::display_path(&config.root)
            ),
            "create content/_index.md for the home page",
        ));
    }
    let crate::input::Walk { files, errors } = crate::input::walk(&dir, &config.root)?;
    let found: Vec<Result<Found>> = files
        .par_iter()
        .map(|relative| load_file(config, &dir, relative))
        .collect();
    let mut content = Content {
        errors,
        ..Content::default()
    };
    for (result, relative) in found.into_iter().zip(files) {
        match result {
            Ok(Found::Document(d)) => content.documents.push(*d),
            Ok(Found::Script(s)) => content.scripts.push(s),
            Ok(Found::Asset(a)) => {
                content
                    .warnings
                    .extend(near_markdown_warning(&dir, &a.relative));
                content.assets.push(a);
            }
            Ok(Found::Draft) => content.drafts.push(relative),
            Ok(Found::Translation(t)) => content.translations.push(t),
            Err(e) => {
                content.errors.extend(e.flatten());
                content.failed.push(relative);
            }
        }
    }
    Ok(content)
}

/// Whether a file name is one guide never reads (see [`crate::input`]).
pub use crate::input::is_ignored_name;

/// The warning for a file whose name is close to a page's but is not one
/// (`page.MD`, `notes.markdown`, `page.md.orig`): it is published as it is,
/// Markdown source and front matter (a draft's too) for anyone to read.
fn near_markdown_warning(dir: &Path, relative: &str) -> Option<Warning> {
    let name = relative.rsplit('/').next().unwrap_or(relative);
    let page = crate::input::near_markdown(name)?;
    Some(
        Diagnostic::file(
            dir.join(relative),
            format!("`{name}` is copied as a file, not made a page"),
        )
        .help(format!(
            "rename it `{page}` to make it a page, or move it out of content/ if it is not for publishing"
        )),
    )
}

fn load_file(config: &Config, dir: &Path, relative: &str) -> Result<Found> {
    let path = config.root.join("content").join(relative);
    let (parent, name) = relative.rsplit_once('/').unwrap_or(("", relative));
    let is_markdown = name.ends_with(".md");
    let is_yaml = name.ends_with(".yaml") || name.ends_with(".yml");
    let is_script = parent == SCRIPTS_DIR && name != "_index.md" && (is_markdown || is_yaml);
    if is_markdown || is_script {
        check_size(&path, crate::fs::size(&dir.join(relative))?)?;
    }
    if let Some((language, source)) = translation_of(config, relative) {
        return Ok(Found::Translation(TranslationFile {
            language,
            relative: source,
            own: relative.to_string(),
            source: crate::fs::read_text(&dir.join(relative))?,
            path,
        }));
    }
    if is_script {
        return Ok(Found::Script(ScriptSource {
            relative: relative.to_string(),
            source: crate::fs::read_text(&dir.join(relative))?,
            path,
        }));
    }
    if !is_markdown {
        return Ok(Found::Asset(Asset {
            relative: relative.to_string(),
            bytes: crate::fs::read(&dir.join(relative))?,
        }));
    }
    let source = crate::fs::read_text(&dir.join(relative))?;
    let document = parse_document(config, path, relative, source)?;
    if document.meta.draft && !config.drafts {
        return Ok(Found::Draft);
    }
    Ok(Found::Document(Box::new(document)))
}

/// The language and the source of a translation file: `a/timing.es.md` is
/// `("es", "a/timing.md")` when the site has `[languages.es]`.
pub fn translation_of(config: &Config, relative: &str) -> Option<(String, String)> {
    let (parent, name) = relative.rsplit_once('/').unwrap_or(("", relative));
    let (stem, extension) = name.rsplit_once('.')?;
    if !matches!(extension, "md" | "yaml" | "yml") {
        return None;
    }
    let (base, tag) = stem.rsplit_once('.')?;
    let language = config.translations().iter().find(|l| l.tag == tag)?;
    let source = match parent {
        "" => format!("{base}.{extension}"),
        _ => format!("{parent}/{base}.{extension}"),
    };
    Some((language.tag.clone(), source))
}

/// Parses one Markdown file of `content/` (the text already read).
pub fn parse_document(
    config: &Config,
    path: PathBuf,
    relative: &str,
    source: String,
) -> Result<Document> {
    let (parent, name) = relative.rsplit_once('/').unwrap_or(("", relative));
    check_size(&path, source.len() as u64)?;
    let split = frontmatter::split(&source)
        .map_err(|(message, help)| Diagnostic::at(&path, &source, 1, 1, message).help(help))?;
    let reading = std::cell::RefCell::new(String::new());
    let seed = FrontMatterSeed {
        taxonomies: config.taxonomies.iter().map(|t| t.id.as_str()).collect(),
        reading: Some(&reading),
    };
    let meta = frontmatter::parse_seeded(&path, &source, &split, seed)
        .map_err(|err| frontmatter::at_key(err, &source, &split, &reading.borrow()))?;
    let body_offset = split.body_offset;
    let kind = if name == "_index.md" {
        Kind::Section
    } else {
        Kind::Page
    };
    let dir_url = dir_url(config, parent);
    let (title, url) = match kind {
        Kind::Section => (section_title(config, parent, &meta), dir_url),
        Kind::Page => page_title_and_url(&path, &source, name, &meta, &dir_url)?,
    };
    Ok(Document {
        kind,
        relative: relative.to_string(),
        path,
        source,
        body_offset,
        body_dropped: false,
        meta,
        title,
        dir: parent.to_string(),
        url,
    })
}

/// A section's title: its own, else the site's for the root section, else
/// its folder's name made readable.
fn section_title(config: &Config, parent: &str, meta: &FrontMatter) -> String {
    meta.title.clone().unwrap_or_else(|| match parent {
        "" => config.title.clone(),
        _ => humanize(parent.rsplit('/').next().unwrap_or(parent)),
    })
}

/// A page's title, which it must have, and its URL under its folder's
/// `dir_url`, from its `slug:` or its file name.
fn page_title_and_url(
    path: &Path,
    source: &str,
    name: &str,
    meta: &FrontMatter,
    dir_url: &str,
) -> Result<(String, String)> {
    let Some(title) = meta.title.clone() else {
        return Err(
            Diagnostic::at(path, source, 2, 1, "missing front-matter key `title`")
                .help("add a line such as `title: My page` between the `---` lines")
                .into(),
        );
    };
    let stem = name.trim_end_matches(".md");
    let slug = match &meta.slug {
        Some(Slug(slug)) => slug.clone(),
        None => slugify(stem),
    };
    if slug.is_empty() {
        return Err(Diagnostic::file(
            path,
            format!("cannot make a URL from the file name `{name}`"),
        )
        .help("rename the file, or set `slug:` in the front matter")
        .into());
    }
    Ok((title, format!("{dir_url}{slug}/")))
}

/// Refuses a page or script larger than [`LARGEST`].
fn check_size(path: &Path, size: u64) -> Result<()> {
    if size <= LARGEST {
        return Ok(());
    }
    let megabytes = |bytes: u64| format!("{:.1} MB", bytes as f64 / 1e6);
    Err(Diagnostic::file(
        path,
        format!(
            "the file is too large: {}, and guide reads pages and scripts of up to {}",
            megabytes(size),
            megabytes(LARGEST)
        ),
    )
    .help("split it into several files")
    .into())
}

/// The URL of a folder under `content/`: each segment slugified.
pub fn dir_url(config: &Config, dir: &str) -> String {
    let mut url = config.base_path.clone();
    for segment in dir.split('/').filter(|s| !s.is_empty()) {
        url.push_str(&slugify(segment));
        url.push('/');
    }
    url
}

/// `"before-you-reach-out"` → `"Before you reach out"`.
pub fn humanize(name: &str) -> String {
    let words = name.replace(['-', '_'], " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Overrides;

    fn config() -> Config {
        let source = "title = \"T\"\nbase_url = \"https://example.org/\"\n";
        Config::parse(
            Path::new("."),
            Path::new("site.toml"),
            source,
            &Overrides::default(),
        )
        .unwrap()
    }

    fn parse(source: &str) -> Result<Document> {
        parse_document(&config(), "content/a.md".into(), "a.md", source.into())
    }

    #[test]
    fn a_dropped_body_is_read_again_for_an_error_and_only_if_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.md");
        let source = "---\ntitle: A\n---\nFirst line.\nSee [this](@/b.md) now.\n";
        std::fs::write(&path, source).unwrap();
        let mut document = parse_document(&config(), path.clone(), "a.md", source.into()).unwrap();
        let at = document.body().find("[this]").unwrap();
        let kept = document.diagnostic_at(at, "broken link").to_string();
        assert!(kept.contains(":5:5"), "{kept}");

        document.drop_body();
        assert_eq!(document.source, "---\ntitle: A\n---\n");
        assert_eq!(document.diagnostic_at(at, "broken link").to_string(), kept);

        // Changed since: no line to point at that could be the wrong one.
        std::fs::write(&path, "---\ntitle: Changed\n---\nOther.\n").unwrap();
        let changed = document.diagnostic_at(at, "broken link");
        assert_eq!(changed.position, None, "{changed}");
        assert!(changed.to_string().contains("broken link"));
    }

    #[test]
    fn aliases_stay_on_the_site() {
        assert!(parse("---\ntitle: A\naliases: [/old/place/, old.html]\n---\n").is_ok());
        for alias in ["/a/../../etc/", "./x", "a\\\\b", "/a?b", "' '"] {
            let err = parse(&format!("---\ntitle: A\naliases: [{alias}]\n---\n")).unwrap_err();
            let message = &err.diagnostic().unwrap().message;
            assert!(message.contains("must be a URL path"), "{alias}: {message}");
        }
    }

    #[test]
    fn a_huge_page_is_refused() {
        let source = format!("---\ntitle: A\n---\n{}", "x".repeat(LARGEST as usize));
        let err = parse(&source).unwrap_err();
        assert_eq!(
            err.diagnostic().unwrap().message,
            "the file is too large: 10.0 MB, and guide reads pages and scripts of up to 10.0 MB"
        );
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn any_page_parses_or_fails_without_panicking(source in "(---\n)?\\PC{0,80}(\n\\PC{0,40}){0,6}") {
                let _ = parse(&source).map_err(|e| e.to_string());
            }
        }
    }
}
