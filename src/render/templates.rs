//! The Tera environment: the theme's templates with the site's own
//! `templates/` in front of them, and the static files of both.
//!
//! Template names are their paths from the site root
//! (`themes/bridges/templates/page.html`, `templates/page.html`), so Tera's
//! errors point at real files; a lookup of `page.html` tries the site's
//! folder first, then the theme's.

use std::path::{Path, PathBuf};

use tera::{Kwargs, State, Tera};

use crate::config::Config;
use crate::error::{display_path, Error, Result};

/// Where guide's own templates are found, after the site's and the theme's.
const BUILTIN_PREFIX: &str = "guide/";

/// guide's own templates, for what a site or theme may leave out: a theme
/// written before embeds still renders a ```` ```script ```` fence.
const BUILTIN: &[(&str, &str)] = &[(
    "partials/script-embed.html",
    include_str!("builtin/partials/script-embed.html"),
)];

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
        let mut statics = Vec::new();
        let mut static_sources = std::collections::HashMap::new();
        if let Some((name, dir)) = &theme_dir {
            collect_files(root, &dir.join("static"), &mut statics, &mut errors)?;
            for (path, _) in &statics {
                static_sources.insert(path.clone(), format!("themes/{name}/static/{path}"));
            }
        }
        let theirs = statics.len();
        collect_files(root, &root.join("static"), &mut statics, &mut errors)?;
        for (path, _) in &statics[theirs..] {
            static_sources.insert(path.clone(), format!("static/{path}"));
        }
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
        register_functions(&mut tera, config);
        tera.add_raw_templates(sources.iter().map(|(n, s)| (n.as_str(), s.as_str())))
            .map_err(|e| match e.kind() {
                tera::ErrorKind::CircularInclude { tpl, include_chain } => {
                    circular_include(config, &sources, tpl, include_chain)
                }
                _ => template_error(&e, None),
            })?;

        let mut seen = std::collections::HashSet::new();
        statics.reverse();
        statics.retain(|(path, _)| seen.insert(path.clone()));
        statics.reverse();
        let shares = sources.iter().any(|(_, text)| text.contains("share"));
        Ok(Templates {
            tera,
            statics,
            static_sources,
            shares,
        })
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

/// Leaves out the theme's templates that the site's own shadow (a lookup of
/// `section.html` finds the site's first, so the theme's is never rendered)
/// unless a template names one by its full path to extend or include it.
/// Tera checks every template it is given against its parents, and a
/// shadowed one was checked against the site's `base.html`, which it was
/// never written for.
fn drop_shadowed(sources: &mut Vec<(String, String)>) {
    let own: std::collections::HashSet<String> = sources
        .iter()
        .filter_map(|(name, _)| name.strip_prefix("templates/").map(str::to_string))
        .collect();
    let shadowed: Vec<String> = sources
        .iter()
        .filter(|(name, _)| name.starts_with("themes/"))
        .filter(|(name, _)| {
            let short = name
                .split_once("/templates/")
                .map_or("", |(_, short)| short);
            own.contains(short)
        })
        .map(|(name, _)| name.clone())
        .collect();
    let named: std::collections::HashSet<&String> = shadowed
        .iter()
        .filter(|full| sources.iter().any(|(_, text)| text.contains(full.as_str())))
        .collect();
    let dropped: std::collections::HashSet<String> = shadowed
        .iter()
        .filter(|full| !named.contains(full))
        .cloned()
        .collect();
    sources.retain(|(name, _)| !dropped.contains(name));
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

/// A writer that refuses to grow past [`MOST_HTML`].
struct Capped {
    html: Vec<u8>,
    most: usize,
    exceeded: bool,
}

impl std::io::Write for Capped {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if self.html.len() + bytes.len() > self.most {
            self.exceeded = true;
            return Err(std::io::Error::other("page too large"));
        }
        self.html.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Renders one template for one page, with errors that name the template
/// and the page, and a cap on how much one page may write (`content` is the
/// size of the page's own HTML content).
pub fn render(
    config: &Config,
    tera: &Tera,
    name: &str,
    context: &tera::Context,
    page: Option<(&Path, usize)>,
) -> Result<String> {
    let most = MOST_HTML + 2 * page.map_or(0, |(_, content)| content);
    let page = page.map(|(path, _)| path);
    let mut out = Capped {
        html: Vec::new(),
        most,
        exceeded: false,
    };
    super::range::start_page();
    let _watched = super::watchdog::watch(name, page);
    match tera.render_to(name, context, &mut out) {
        Ok(()) => String::from_utf8(out.html)
            .map_err(|_| Error::msg(format!("`{name}` wrote invalid UTF-8"))),
        Err(_) if out.exceeded => {
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
            Err(d.into())
        }
        Err(err) => Err(template_error(&err, page)),
    }
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

fn register_functions(tera: &mut Tera, config: &Config) {
    tera.register_function("range", super::range::range);
    // `{{ page.date | date_long }}`: `11 March 2026` in the site's language
    // (`lang="es"` to choose another); keep the ISO value in `datetime`.
    let language = config.language.clone();
    tera.register_filter(
        "date_long",
        move |iso: &str, kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
            let lang: Option<&str> = kwargs.get("lang")?;
            super::dates::long_date(iso, lang.unwrap_or(&language))
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
