//! Theme strings: every word a theme shows (buttons, counters, hints),
//! from `themes/<theme>/i18n/<tag>.toml` and the site's own
//! `i18n/<tag>.toml` over it, one file per language. Templates read them
//! with `t(key="copy")` in the page's language, and JavaScript from the
//! data `strings(prefix="js.")` puts in the page. A key missing in a
//! language falls back to the site's own language, with a warning that
//! names the key and the language; a key missing there too is an error
//! at the template that asked for it, unless it gives a `default`.
//!
//! guide's own words (the search index's kind of a result, the link that
//! stands for a script's form in a feed, the titles of the 404 and offline
//! pages in their sharing metadata) are theme strings too, with an English
//! default where the theme has none: see [`super::Templates::text`].
//!
//! Tables may nest: `[search] placeholder = "…"` is `search.placeholder`.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

use tera::{Function, Kwargs, State, TeraResult};

use crate::config::Config;
use crate::error::{Diagnostic, Error, Result, Warning};

/// The language whose strings stand in when neither the page's nor the
/// site's own language has a key: themes are written in English first.
const LAST_RESORT: &str = "en";

/// Every language's strings, by tag, then key.
#[derive(Debug, Default)]
pub struct Strings {
    default: String,
    tables: HashMap<String, BTreeMap<String, String>>,
}

impl Strings {
    /// Reads the strings of every language of the site; `theme` is the
    /// theme's folder, if the site has a theme. Returns the warnings for
    /// the keys a language lacks.
    pub fn load(config: &Config, theme: Option<&Path>) -> Result<(Strings, Vec<Warning>)> {
        let strings = Strings::read(config, theme)?;
        let warnings = strings.missing(config, theme);
        Ok((strings, warnings))
    }

    /// Reads the strings of every language of the site, as [`Strings::load`]
    /// does, without looking for missing keys.
    fn read(config: &Config, theme: Option<&Path>) -> Result<Strings> {
        let mut tables = HashMap::new();
        let mut errors = Vec::new();
        // English too, the last resort for a site whose own language the
        // theme has no strings in.
        let tags = config
            .languages
            .iter()
            .map(|l| l.tag.as_str())
            .chain([LAST_RESORT]);
        for tag in tags {
            if tables.contains_key(tag) {
                continue;
            }
            let mut table = BTreeMap::new();
            let file = format!("{tag}.toml");
            let dirs = theme
                .map(|t| t.join("i18n"))
                .into_iter()
                .chain([config.root.join("i18n")]);
            for dir in dirs {
                let path = dir.join(&file);
                if !path.is_file() {
                    continue;
                }
                match read(&path) {
                    Ok(read) => table.extend(read),
                    Err(err) => errors.push(err),
                }
            }
            tables.insert(tag.to_string(), table);
        }
        Error::collect(errors)?;
        Ok(Strings {
            default: config.languages[0].tag.clone(),
            tables,
        })
    }

    /// A warning for each key of the site's own language that another
    /// language lacks.
    fn missing(&self, config: &Config, theme: Option<&Path>) -> Vec<Warning> {
        let Some(own) = self.tables.get(&self.default) else {
            return Vec::new();
        };
        let mut warnings = Vec::new();
        for language in config.translations() {
            let table = self.tables.get(&language.tag);
            let missing: Vec<&str> = own
                .keys()
                .filter(|k| table.is_none_or(|t| !t.contains_key(*k)))
                .map(String::as_str)
                .collect();
            if missing.is_empty() {
                continue;
            }
            let file = theme.map_or_else(
                || {
                    config
                        .root
                        .join("i18n")
                        .join(format!("{}.toml", language.tag))
                },
                |t| t.join("i18n").join(format!("{}.toml", language.tag)),
            );
            let shown: Vec<String> = missing.iter().take(8).map(|k| format!("`{k}`")).collect();
            let more = match missing.len() > 8 {
                true => format!(" and {} more", missing.len() - 8),
                false => String::new(),
            };
            warnings.push(
                Diagnostic::file(
                    file,
                    format!(
                        "{} theme string{} with no {} (`{}`) text: {}{more}; the {} text is shown",
                        missing.len(),
                        if missing.len() == 1 { "" } else { "s" },
                        language.name,
                        language.tag,
                        shown.join(", "),
                        config.languages[0].name,
                    ),
                )
                .help("add each key to the language's file, translated"),
            );
        }
        warnings
    }

    /// The string `key` in `language`, else in the site's own language.
    pub fn get(&self, language: &str, key: &str) -> Option<&str> {
        [language, self.default.as_str(), LAST_RESORT]
            .into_iter()
            .find_map(|tag| self.tables.get(tag)?.get(key))
            .map(String::as_str)
    }

    /// Every string whose key starts with `prefix`, without it, in
    /// `language` (the site's own where it lacks one).
    pub fn with_prefix(&self, language: &str, prefix: &str) -> BTreeMap<String, String> {
        let mut found = BTreeMap::new();
        for tag in [LAST_RESORT, self.default.as_str(), language] {
            let Some(table) = self.tables.get(tag) else {
                continue;
            };
            for (key, text) in table.range(prefix.to_string()..) {
                let Some(rest) = key.strip_prefix(prefix) else {
                    break;
                };
                found.insert(rest.to_string(), text.clone());
            }
        }
        found
    }
}

/// One file's strings, nested tables flattened with dots.
fn read(path: &Path) -> Result<BTreeMap<String, String>> {
    let text = crate::fs::read_text(path)?;
    let table: toml::Table = toml::from_str(&text).map_err(|err| {
        let (line, column) = err
            .span()
            .map_or((1, 1), |span| crate::error::line_column(&text, span.start));
        Error::from(Diagnostic::at(
            path,
            &text,
            line,
            column,
            err.message().to_string(),
        ))
    })?;
    let mut strings = BTreeMap::new();
    flatten(path, "", &table, &mut strings)?;
    Ok(strings)
}

fn flatten(
    path: &Path,
    prefix: &str,
    table: &toml::Table,
    into: &mut BTreeMap<String, String>,
) -> Result<()> {
    for (key, value) in table {
        let key = format!("{prefix}{key}");
        match value {
            toml::Value::String(text) => {
                into.insert(key, text.clone());
            }
            toml::Value::Table(inner) => flatten(path, &format!("{key}."), inner, into)?,
            _ => {
                return Err(Diagnostic::file(
                    path,
                    format!("theme string `{key}` is not text: write it in quotes"),
                )
                .into())
            }
        }
    }
    Ok(())
}

/// `t(key="copy")`: the string in the page's language (`lang`);
/// `t(key="copy", default="Copy")` gives `default` where no language has
/// the key (guide's own templates, which any theme may use, do).
pub struct Translate(pub Arc<Strings>);

impl Function<TeraResult<String>> for Translate {
    fn call(&self, kwargs: Kwargs, state: &State) -> TeraResult<String> {
        let key: &str = kwargs.must_get("key")?;
        let default: Option<String> = kwargs.get("default")?;
        let lang: Option<String> = state.get("lang")?;
        let lang = lang.unwrap_or_else(|| self.0.default.clone());
        let found = self.0.get(&lang, key).map(str::to_string);
        found.or(default).ok_or_else(|| {
            tera::Error::message(format!(
                "no theme string `{key}`: add it to the theme's i18n/{}.toml",
                self.0.default
            ))
        })
    }
}

/// `strings(prefix="js.")`: the strings under a prefix, as JSON safe in a
/// `<script type="application/json">`, for the page's JavaScript.
pub struct Table(pub Arc<Strings>);

impl Function<TeraResult<String>> for Table {
    fn call(&self, kwargs: Kwargs, state: &State) -> TeraResult<String> {
        let prefix: &str = kwargs.must_get("prefix")?;
        let lang: Option<String> = state.get("lang")?;
        let lang = lang.unwrap_or_else(|| self.0.default.clone());
        Ok(super::scripts::embeddable_json(
            &self.0.with_prefix(&lang, prefix),
        ))
    }

    fn is_safe(&self) -> bool {
        true
    }
}
