//! The Tera environment: the theme's templates with the site's own
//! `templates/` in front of them, and the static files of both.
//!
//! Template names are their paths from the site root
//! (`themes/bridges/templates/page.html`, `templates/page.html`), so Tera's
//! errors point at real files; a lookup of `page.html` tries the site's
//! folder first, then the theme's.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use tera::{Kwargs, State, Tera};

use super::range::Budgets;
use super::watchdog::Deadline;
use std::sync::Arc;

use crate::config::Config;
use crate::error::{display_path, Error, Result};

/// Where guide's own templates are found, after the site's and the theme's.
const BUILTIN_PREFIX: &str = "guide/";

/// guide's own templates, for what a site or theme may leave out: a theme
/// written before embeds still renders a ```` ```script ```` fence, and the
/// feed, the sitemap and robots.txt are templates a site or theme may
/// replace by writing its own of the same name.
const BUILTIN: &[(&str, &str)] = &[
    (
        "partials/script-embed.html",
        include_str!("builtin/partials/script-embed.html"),
    ),
    ("atom.xml", include_str!("builtin/atom.xml")),
    ("sitemap.xml", include_str!("builtin/sitemap.xml")),
    ("robots.txt", include_str!("builtin/robots.txt")),
];

/// guide's own static files, published unless the theme or the site has a
/// file of the same path: the message language of script bodies and the
/// message checker, the browser twins of `script::message` and
/// `script::checker` (shared test vectors keep each pair identical), so
/// every theme gets the generator's version rather than a copy of it.
const BUILTIN_STATIC: &[(&str, &[u8])] = &[
    ("js/message.js", include_bytes!("builtin/js/message.js")),
    ("js/checker.js", include_bytes!("builtin/js/checker.js")),
];

/// The templates and static files a build renders with.
pub struct Templates {
    pub tera: Tera,
    /// Static files (output path → bytes): the theme's, then the site's over them.
    pub statics: Vec<(String, Vec<u8>)>,
    /// Where each static file comes from (output path → path from the
    /// site root), for errors.
    static_sources: std::collections::HashMap<String, String>,
    /// Whether any template names `share` (see [`Templates::shares`]).
    shares: bool,
    /// What each render in progress has left of its `range` budget.
    budgets: Arc<Budgets>,
    /// The theme's strings found missing in a language (see
    /// [`super::strings`]), for the build to report.
    pub warnings: Vec<crate::error::Warning>,
    /// Every language's theme strings, for the words guide writes itself
    /// ([`Templates::text`]).
    strings: Arc<super::strings::Strings>,
}

/// The templates made ready for one build's renders: Tera with the
/// site-wide variables set, and the `range` budgets its renders draw on.
/// Everything that renders a template takes one.
pub struct Engine {
    tera: Tera,
    budgets: Arc<Budgets>,
}

impl Engine {
    /// A copy of the templates' Tera, changed by `prepare` (its global
    /// variables, its escaping).
    pub fn new(templates: &Templates, prepare: impl FnOnce(&mut Tera)) -> Engine {
        let mut tera = templates.tera.clone();
        prepare(&mut tera);
        Engine {
            tera,
            budgets: Arc::clone(&templates.budgets),
        }
    }
}

impl std::ops::Deref for Engine {
    type Target = Tera;

    fn deref(&self) -> &Tera {
        &self.tera
    }
}

impl Templates {
    /// Reads the theme named in the config and the site's overrides.
    pub fn load(config: &Config) -> Result<Templates> {
        let theme_dir = match &config.theme {
            Some(name) => Some(theme_dir(config, name)?),
            None => None,
        };
        let root = &config.root;
        let mut errors = Vec::new();
        let mut sources: Vec<(String, String)> = Vec::new();
        let mut prefixes = vec!["templates/".to_string()];
        if let Some((name, dir)) = &theme_dir {
            prefixes.push(format!("themes/{name}/templates/"));
            let prefix = format!("themes/{name}/templates");
            collect_templates(
                root,
                &dir.join("templates"),
                &prefix,
                &mut sources,
                &mut errors,
            )?;
        }
        let dir = root.join("templates");
        collect_templates(root, &dir, "templates", &mut sources, &mut errors)?;
        drop_shadowed(&mut sources);
        let (mut statics, static_sources) = load_statics(root, theme_dir.as_ref(), &mut errors)?;
        Error::collect(errors)?;

        // guide's own templates come last: any site or theme file of the
        // same name is found first.
        prefixes.push(BUILTIN_PREFIX.to_string());
        sources.extend(
            BUILTIN
                .iter()
                .map(|(name, text)| (format!("{BUILTIN_PREFIX}{name}"), text.to_string())),
        );
        let mut tera = Tera::new();
        tera.set_fallback_prefixes(prefixes)
            .map_err(|e| Error::msg(e.to_string()))?;
        let budgets = Budgets::new();
        let theme = theme_dir.as_ref().map(|(_, dir)| dir.as_path());
        let (strings, warnings) = super::strings::Strings::load(config, theme)?;
        let strings = Arc::new(strings);
        register_functions(&mut tera, config, &budgets);
        tera.register_function("t", super::strings::Translate(Arc::clone(&strings)));
        tera.register_function("strings", super::strings::Table(Arc::clone(&strings)));
        tera.add_raw_templates(sources.iter().map(|(n, s)| (n.as_str(), s.as_str())))
            .map_err(|e| match e.kind() {
                tera::ErrorKind::CircularInclude { tpl, include_chain } => {
                    circular_include(config, &sources, tpl, include_chain)
                }
                _ => template_error(&e, None),
            })?;

        keep_last_of_each_path(&mut statics);
        let shares = sources.iter().any(|(_, text)| text.contains("share"));
        Ok(Templates {
            tera,
            statics,
            static_sources,
            shares,
            budgets,
            warnings,
            strings,
        })
    }

    /// A word guide writes itself into a page or a feed (the link that
    /// stands for a form in a feed, the 404 page's title in its sharing
    /// metadata): the theme string `key` in `language` (see
    /// [`super::strings::Strings::get`]), or `english` when the theme has none.
    pub fn text<'s>(&'s self, language: &str, key: &str, english: &'s str) -> &'s str {
        self.strings.get(language, key).unwrap_or(english)
    }

    /// Where the static file published at `path` comes from, from the
    /// site root (`static/css/site.css`, `themes/bridges/static/…`).
    pub fn static_source(&self, path: &str) -> Option<String> {
        self.static_sources.get(path).cloned()
    }

    /// Whether the sharing metadata (`share`: Open Graph, JSON-LD) can show
    /// anywhere: a template reads it only by naming it, and making it is a
    /// twentieth of a large build, so a theme without it does not pay. The
    /// global `share` stays `none` otherwise.
    pub fn shares(&self) -> bool {
        self.shares
    }

    /// Whether a template of this name exists in the site or the theme.
    pub fn has(&self, name: &str) -> bool {
        self.tera.contains_template(name)
    }
}

/// Adds guide's own static files that neither the theme nor the site
/// replaces, named `guide/<path>` in errors.
fn add_builtin_statics(
    statics: &mut Vec<(String, Vec<u8>)>,
    sources: &mut std::collections::HashMap<String, String>,
) {
    for (path, bytes) in BUILTIN_STATIC {
        if sources.contains_key(*path) {
            continue;
        }
        statics.insert(0, (path.to_string(), bytes.to_vec()));
        sources.insert(path.to_string(), format!("{BUILTIN_PREFIX}{path}"));
    }
}

/// Leaves out the theme's templates that are never rendered, so that none
/// is checked against a parent it was not written for: Tera checks every
/// template it is given against its parents, and `extends "base.html"`
/// finds the site's base when the site has one.
///
/// A theme template is never rendered when the site's own of the same name
/// shadows it (a lookup of `section.html` finds the site's first), unless
/// some template names it by its full path to extend or include it; nor
/// when every template that names it (a partial, a parent) is itself left
/// out. A template no other names may be rendered by name (`template:` in
/// front matter), so it stays.
fn drop_shadowed(sources: &mut Vec<(String, String)>) {
    let own: HashSet<String> = sources
        .iter()
        .filter_map(|(name, _)| name.strip_prefix("templates/").map(str::to_string))
        .collect();
    let mut dropped: HashSet<String> = sources
        .iter()
        .filter(|(name, _)| theme_short_name(name).is_some_and(|short| own.contains(short)))
        .filter(|(name, _)| !sources.iter().any(|(_, text)| text.contains(name.as_str())))
        .map(|(name, _)| name.clone())
        .collect();
    // Then what only the left-out templates name, until nothing changes.
    loop {
        let unused: Vec<String> = sources
            .iter()
            .filter(|(name, _)| !dropped.contains(name))
            .filter(|(name, _)| only_named_by(sources, name, &dropped))
            .map(|(name, _)| name.clone())
            .collect();
        if unused.is_empty() {
            break;
        }
        dropped.extend(unused);
    }
    sources.retain(|(name, _)| !dropped.contains(name));
}

/// A theme template's name as templates look it up
/// (`themes/bridges/templates/partials/card.html` → `partials/card.html`).
fn theme_short_name(name: &str) -> Option<&str> {
    name.strip_prefix("themes/")?
        .split_once("/templates/")
        .map(|(_, short)| short)
}

/// Whether the theme template `name` is named, in quotes, by some other
/// template, and only by templates in `dropped`.
fn only_named_by(sources: &[(String, String)], name: &str, dropped: &HashSet<String>) -> bool {
    let Some(short) = theme_short_name(name) else {
        return false;
    };
    let quoted = [format!("\"{short}\""), format!("'{short}'")];
    let mut namers = sources
        .iter()
        .filter(|(other, _)| other != name)
        .filter(|(_, text)| quoted.iter().any(|q| text.contains(q.as_str())))
        .peekable();
    namers.peek().is_some() && namers.all(|(other, _)| dropped.contains(other))
}

/// Points at the `{% include %}` that makes a template include itself.
fn circular_include(
    config: &Config,
    sources: &[(String, String)],
    tpl: &str,
    chain: &[String],
) -> Error {
    let shown: Vec<&str> = chain.iter().map(String::as_str).collect();
    let message = format!("template `{tpl}` includes itself: {}", shown.join(" → "));
    let next = chain.get(1).map_or(tpl, String::as_str);
    let short = next.rsplit("templates/").next().unwrap_or(next);
    let found = sources
        .iter()
        .find(|(name, _)| name == tpl)
        .and_then(|(name, source)| {
            source.lines().enumerate().find_map(|(i, line)| {
                let at = line.find("include")?;
                line[at..]
                    .contains(short)
                    .then(|| (name, source, i + 1, line[..at].chars().count()))
            })
        });
    let diagnostic = match found {
        Some((name, source, line, column)) => {
            crate::error::Diagnostic::at(config.root.join(name), source, line, column, message)
                .width(3)
        }
        None => crate::error::Diagnostic::file(config.root.join(tpl), message),
    };
    diagnostic
        .help("remove the include that leads back to this template")
        .into()
}

/// The most a template may write for one page beyond twice the page's own
/// content: far beyond any real page, and the end of a loop that runs away.
const MOST_HTML: usize = 8 * 1024 * 1024;

/// How many writes go by between two looks at the clock: reading it costs
/// a few nanoseconds, which every write would make a measurable share.
const WRITES_PER_LOOK: u32 = 64;

/// A writer that refuses to grow past [`MOST_HTML`] or to go on past the
/// render's deadline.
struct Capped {
    html: Vec<u8>,
    most: usize,
    exceeded: bool,
    deadline: Deadline,
    writes: u32,
    timed_out: bool,
}

impl std::io::Write for Capped {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if self.html.len() + bytes.len() > self.most {
            self.exceeded = true;
            return Err(std::io::Error::other("page too large"));
        }
        self.writes = self.writes.wrapping_add(1);
        if self.writes % WRITES_PER_LOOK == 0 && self.deadline.passed() {
            self.timed_out = true;
            return Err(std::io::Error::other("past the time limit"));
        }
        self.html.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Renders one template for one page, with errors that name the template
/// and the page, a cap on how much one page may write (`content` is the
/// size of the page's own HTML content) and a time limit
/// ([`super::watchdog`]).
pub fn render(
    config: &Config,
    tera: &Engine,
    name: &str,
    context: &tera::Context,
    page: Option<(&Path, usize)>,
) -> Result<String> {
    let most = MOST_HTML + 2 * page.map_or(0, |(_, content)| content);
    let page = page.map(|(path, _)| path);
    let deadline = Deadline::after(super::watchdog::limit());
    let mut out = Capped {
        html: Vec::new(),
        most,
        exceeded: false,
        deadline,
        writes: 0,
        timed_out: false,
    };
    let scope = super::range::PageScope::enter(&tera.budgets, deadline);
    let rendered = tera.render_to(name, context, &mut out);
    let timed_out = out.timed_out || scope.timed_out();
    drop(scope);
    match rendered {
        Ok(()) => String::from_utf8(out.html)
            .map_err(|_| Error::msg(format!("`{name}` wrote invalid UTF-8"))),
        Err(_) if timed_out => Err(deadline.error(name, page)),
        Err(_) if out.exceeded => Err(too_large(config, tera, name, page, most)),
        Err(err) => Err(template_error(&err, page)),
    }
}

/// The error of a template that wrote more than `most` bytes for one page.
fn too_large(config: &Config, tera: &Tera, name: &str, page: Option<&Path>, most: usize) -> Error {
    let file = tera
        .get_template_names()
        .filter(|n| n.ends_with(&format!("templates/{name}")))
        .min_by_key(|n| !n.starts_with("templates/"))
        .unwrap_or(name)
        .to_string();
    let mut d = crate::error::Diagnostic::file(
        config.root.join(file),
        format!(
            "this template wrote more than {} MB for one page",
            most >> 20
        ),
    )
    .help("a loop that runs away? Look at the `for` loops and `range`s of this template");
    if let Some(page) = page {
        d.message.push_str(&format!(" (`{}`)", display_path(page)));
    }
    d.into()
}

fn theme_dir(config: &Config, name: &str) -> Result<(String, PathBuf)> {
    let themes = config.root.join("themes");
    let dir = themes.join(name);
    if dir.join("templates").is_dir() {
        return Ok((name.to_string(), dir));
    }
    let available: Vec<String> = crate::fs::read_dir_names(&themes)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|n| n.into_string().ok())
        .filter(|n| themes.join(n).join("templates").is_dir())
        .collect();
    let help = if available.is_empty() {
        format!("there is no theme in `{}`", display_path(&themes))
    } else {
        format!("themes available: {}", available.join(", "))
    };
    Err(Error::with_help(
        format!(
            "unknown theme `{name}`: there is no `{}`",
            display_path(&dir.join("templates"))
        ),
        help,
    ))
}

fn collect_templates(
    root: &Path,
    dir: &Path,
    prefix: &str,
    out: &mut Vec<(String, String)>,
    errors: &mut Vec<Error>,
) -> Result<()> {
    let mut files = Vec::new();
    collect_files(root, dir, &mut files, errors)?;
    for (relative, bytes) in files {
        if relative.ends_with(".html") || relative.ends_with(".xml") || relative.ends_with(".txt") {
            match crate::fs::text_from_bytes(&dir.join(&relative), bytes) {
                Ok(text) => out.push((format!("{prefix}/{relative}"), text)),
                Err(err) => errors.push(err),
            }
        }
    }
    Ok(())
}

/// Reads every file under `dir` (if it exists), with `/`-separated paths,
/// held to the site by [`crate::input::walk`]: a link out of the site or a
/// hidden file is never read, and every problem goes to `errors`.
fn collect_files(
    root: &Path,
    dir: &Path,
    out: &mut Vec<(String, Vec<u8>)>,
    errors: &mut Vec<Error>,
) -> Result<()> {
    let walk = crate::input::walk(dir, root)?;
    errors.extend(walk.errors);
    for relative in walk.files {
        match crate::fs::read(&dir.join(&relative)) {
            Ok(bytes) => out.push((relative, bytes)),
            Err(err) => errors.push(err),
        }
    }
    Ok(())
}

/// The static files, guide's own (those the theme and the site lack), the
/// theme's, then the site's (the later of two with one path wins: see
/// [`keep_last_of_each_path`]), and where each comes from, for errors.
#[allow(clippy::type_complexity)]
fn load_statics(
    root: &Path,
    theme_dir: Option<&(String, PathBuf)>,
    errors: &mut Vec<Error>,
) -> Result<(
    Vec<(String, Vec<u8>)>,
    std::collections::HashMap<String, String>,
)> {
    let mut statics = Vec::new();
    let mut static_sources = std::collections::HashMap::new();
    if let Some((name, dir)) = theme_dir {
        collect_files(root, &dir.join("static"), &mut statics, errors)?;
        for (path, _) in &statics {
            static_sources.insert(path.clone(), format!("themes/{name}/static/{path}"));
        }
    }
    let theirs = statics.len();
    collect_files(root, &root.join("static"), &mut statics, errors)?;
    for (path, _) in &statics[theirs..] {
        static_sources.insert(path.clone(), format!("static/{path}"));
    }
    add_builtin_statics(&mut statics, &mut static_sources);
    Ok((statics, static_sources))
}

/// Keeps, of the files with one path, the last in the list.
fn keep_last_of_each_path(statics: &mut Vec<(String, Vec<u8>)>) {
    let mut seen = std::collections::HashSet::new();
    statics.reverse();
    statics.retain(|(path, _)| seen.insert(path.clone()));
    statics.reverse();
}

fn register_functions(tera: &mut Tera, config: &Config, budgets: &Arc<Budgets>) {
    tera.register_function("range", super::range::Range(Arc::clone(budgets)));
    // `{{ page.date | date_long }}`: `11 March 2026` in the page's language
    // (`lang="es"` to choose another); keep the ISO value in `datetime`.
    let language = config.language.clone();
    tera.register_filter(
        "date_long",
        move |iso: &str, kwargs: Kwargs, state: &State| -> tera::TeraResult<String> {
            let asked: Option<String> = kwargs.get("lang")?;
            let page: Option<String> = state.get("lang")?;
            let lang = asked.or(page).unwrap_or_else(|| language.clone());
            super::dates::long_date(iso, &lang)
                .map_err(|message| tera::Error::message(format!("date_long: {message}")))
        },
    );
    let base_path = config.base_path.clone();
    tera.register_function(
        "get_url",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
            let path: &str = kwargs.must_get("path")?;
            if path.contains("://") {
                return Ok(path.to_string());
            }
            Ok(format!("{base_path}{}", path.trim_start_matches('/')))
        },
    );
}

/// Shows a Tera error as ours: its report (template, line, column, caret),
/// and the page being rendered.
pub fn template_error(err: &tera::Error, rendering: Option<&Path>) -> Error {
    let mut report = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        report.push_str(&format!("\n  caused by: {cause}"));
        source = cause.source();
    }
    let report = report
        .strip_prefix("error: ")
        .unwrap_or(&report)
        .to_string();
    match rendering {
        Some(page) => Error::Message {
            message: report,
            help: Some(format!(
                "this happened while rendering `{}`",
                display_path(page)
            )),
        },
        None => Error::msg(report),
    }
}
