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

/// The templates and static files a build renders with.
pub struct Templates {
    pub tera: Tera,
    /// Static files (output path → bytes): the theme's, then the site's over them.
    pub statics: Vec<(String, Vec<u8>)>,
}

impl Templates {
    /// Reads the theme named in the config and the site's overrides.
    pub fn load(config: &Config) -> Result<Templates> {
        let theme_dir = match &config.theme {
            Some(name) => Some(theme_dir(config, name)?),
            None => None,
        };
        let mut sources: Vec<(String, String)> = Vec::new();
        let mut prefixes = vec!["templates/".to_string()];
        if let Some((name, dir)) = &theme_dir {
            prefixes.push(format!("themes/{name}/templates/"));
            collect_templates(
                &dir.join("templates"),
                &format!("themes/{name}/templates"),
                &mut sources,
            )?;
        }
        collect_templates(&config.root.join("templates"), "templates", &mut sources)?;

        let mut tera = Tera::new();
        tera.set_fallback_prefixes(prefixes)
            .map_err(|e| Error::msg(e.to_string()))?;
        register_functions(&mut tera, config);
        tera.add_raw_templates(sources.iter().map(|(n, s)| (n.as_str(), s.as_str())))
            .map_err(|e| template_error(&e, None))?;

        let mut statics = Vec::new();
        if let Some((_, dir)) = &theme_dir {
            collect_files(&dir.join("static"), &mut statics)?;
        }
        collect_files(&config.root.join("static"), &mut statics)?;
        let mut seen = std::collections::HashSet::new();
        statics.reverse();
        statics.retain(|(path, _)| seen.insert(path.clone()));
        statics.reverse();
        Ok(Templates { tera, statics })
    }

    /// Whether a template of this name exists in the site or the theme.
    pub fn has(&self, name: &str) -> bool {
        self.tera.contains_template(name)
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

fn collect_templates(dir: &Path, prefix: &str, out: &mut Vec<(String, String)>) -> Result<()> {
    let mut files = Vec::new();
    collect_files(dir, &mut files)?;
    for (relative, bytes) in files {
        if relative.ends_with(".html") || relative.ends_with(".xml") || relative.ends_with(".txt") {
            let path = dir.join(&relative);
            out.push((
                format!("{prefix}/{relative}"),
                crate::fs::text_from_bytes(&path, bytes)?,
            ));
        }
    }
    Ok(())
}

/// Reads every file under `dir` (if it exists), with `/`-separated paths.
fn collect_files(dir: &Path, out: &mut Vec<(String, Vec<u8>)>) -> Result<()> {
    if !dir.is_dir() {
        return Ok(());
    }
    for entry in walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
    {
        let entry =
            entry.map_err(|e| Error::msg(format!("cannot read `{}`: {e}", display_path(dir))))?;
        let name = entry.file_name().to_string_lossy();
        if !entry.file_type().is_file() || crate::content::is_ignored_name(&name) {
            continue;
        }
        let relative = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let relative = relative.to_string_lossy().replace('\\', "/");
        out.push((relative, crate::fs::read(entry.path())?));
    }
    Ok(())
}

fn register_functions(tera: &mut Tera, config: &Config) {
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
