//! `site.toml` → a validated [`Config`].
//!
//! Arguments and the file are merged here, once; every later stage takes a
//! `&Config` and never looks at the file or the command line again.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde::Deserialize;
use toml::Spanned;

mod languages;
pub use languages::{Direction, Language};

use crate::error::{
    line_column, plain_types, unknown_field, unknown_key_help, Diagnostic, Error, Result,
};

/// The name of the configuration file at the root of a site.
pub const FILE_NAME: &str = "site.toml";

/// A place a message is sent, and how long it may be there.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Channel {
    pub id: String,
    pub label: String,
    /// The strictest of `limits`: what the build checks the examples against.
    pub limit: Option<usize>,
    /// Every named limit, strictest first (`limit = N` is one, named for
    /// the channel). Empty when the channel has no limit.
    pub limits: Vec<Limit>,
    pub note: Option<String>,
}

/// One named length limit of a channel (LinkedIn's 200 characters for a
/// free account, 300 for Premium).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Limit {
    pub label: String,
    pub chars: usize,
}

impl Channel {
    /// The label of the strictest limit, for warnings: "LinkedIn connection
    /// note (Free account)" when there are several, the channel's when one.
    pub fn strictest_label(&self) -> String {
        match self.limits.as_slice() {
            [first, _, ..] => format!("{} ({})", self.label, first.label),
            _ => self.label.clone(),
        }
    }
}

/// A named group of scripts ("Owning a mistake") and, for relationships, who
/// the other person was; both are declared so that typos are caught.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Label {
    pub id: String,
    pub label: String,
    pub description: Option<String>,
}

/// The keys a page's front matter may hold besides its taxonomies. A
/// taxonomy may not take one of these names, since its terms are written
/// under its own name (`tags: [apology]`).
pub const PAGE_KEYS: &[&str] = &[
    "title",
    "description",
    "date",
    "updated",
    "draft",
    "weight",
    "slug",
    "aliases",
    "template",
    "image",
    "keywords",
    "extra",
    "source_hash",
];

/// The taxonomy every site has, declared or not.
pub const TAGS: &str = "tags";

/// Folders of the built site a taxonomy's pages would collide with.
const TAKEN_URLS: &[&str] = &["scripts", "pagefind"];

/// Markdown switches of `[markdown]`.
#[derive(Debug, Clone, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct MarkdownOptions {
    pub smart_punctuation: bool,
    pub footnotes: bool,
    pub tables: bool,
    pub strikethrough: bool,
    pub tasklists: bool,
    /// Adds `rel="noopener" target="_blank"` to links that leave the site.
    pub external_links_new_tab: bool,
    /// Publishes raw HTML written in Markdown as it is; `false` drops it.
    pub raw_html: bool,
}

impl Default for MarkdownOptions {
    fn default() -> Self {
        MarkdownOptions {
            smart_punctuation: true,
            footnotes: true,
            tables: true,
            strikethrough: true,
            tasklists: true,
            external_links_new_tab: false,
            raw_html: true,
        }
    }
}

/// What the command line may change in the configuration.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub base_url: Option<String>,
    pub output_dir: Option<PathBuf>,
    pub drafts: bool,
    /// `--config FILE`: the configuration file instead of `<root>/site.toml`.
    pub config_file: Option<PathBuf>,
    /// Set by `serve`: pages register no service worker, and the worker's
    /// URL gets one that unregisters itself.
    pub serving: bool,
}

/// `[offline]`: reading the site without a network, through a service worker.
#[derive(Debug, Clone, PartialEq)]
pub struct Offline {
    /// Whether `build` writes the manifest, the worker and the offline page.
    pub enabled: bool,
    /// The precache size past which `build` warns, in bytes.
    pub max_precache: u64,
    /// Where `max_precache` was written, for the warning's location.
    pub max_precache_span: std::ops::Range<usize>,
    /// The manifest's `short_name` (default: the title's first 12 characters).
    pub short_name: Option<String>,
    /// The browser's colour for the site's window, and its splash background.
    pub theme_color: String,
    pub background_color: String,
}

/// The validated configuration of one site.
#[derive(Debug, Clone)]
pub struct Config {
    /// The site's root folder, as the user named it.
    pub root: PathBuf,
    pub title: String,
    pub description: String,
    /// Absolute, always ending in `/`.
    pub base_url: String,
    /// The path part of `base_url`: `/` or `/guide/`.
    pub base_path: String,
    pub language: String,
    pub theme: Option<String>,
    /// Where `build` writes, relative to the current folder.
    pub output_dir: PathBuf,
    pub markdown: MarkdownOptions,
    pub channels: Vec<Channel>,
    pub situations: Vec<Label>,
    pub relationships: Vec<Label>,
    /// The taxonomies, `tags` always among them: pages list their terms
    /// under the taxonomy's id, and each term gets a page at `/<id>/<term>/`.
    pub taxonomies: Vec<Label>,
    pub extra: serde_json::Value,
    pub drafts: bool,
    pub feed_limit: usize,
    /// Whether `build` and `serve` write the offline search index (`[search]`).
    pub search: bool,
    /// `[offline]`: the service worker and web app manifest.
    pub offline: Offline,
    /// Whether `serve` built this: no worker is registered (see [`Overrides::serving`]).
    pub serving: bool,
    /// `[aliases] redirects_file`: also write aliases as a `_redirects` file.
    pub redirects_file: bool,
    /// The configuration file read (`site.toml`, or `--config FILE`).
    pub file: PathBuf,
    /// Every language of the site, its own (`language`) first
    /// (`[languages]`, see [`languages`]).
    pub languages: Vec<Language>,
    /// The URL path of the site's root, whatever the language.
    root_path: String,
    /// For each channel with named limits, where each limit as written
    /// went in the sorted `limits` (for their translated labels).
    limit_order: HashMap<String, Vec<usize>>,
}

/// `site.toml` as written. Its JSON Schema (`schemas/site.schema.json`,
/// for editors) is made from this type: see [`schema`].
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "guide site.toml",
    description = "The configuration of a guide site."
)]
struct RawConfig {
    /// The site's title.
    #[schemars(with = "String")]
    title: Spanned<String>,
    #[serde(default)]
    description: String,
    /// Where the site is published (http:// or https://), with its path.
    #[schemars(with = "String")]
    base_url: Spanned<String>,
    /// A BCP 47 language tag.
    #[serde(default = "default_language")]
    #[schemars(with = "String", default = "default_language_text")]
    language: Spanned<String>,
    theme: Option<String>,
    #[serde(default = "default_output")]
    output_dir: PathBuf,
    #[serde(default)]
    markdown: MarkdownOptions,
    #[serde(default)]
    #[schemars(with = "IdMap<RawChannel>")]
    channels: IndexMap<Spanned<String>, RawChannel>,
    #[serde(default)]
    #[schemars(with = "IdMap<RawLabel>")]
    situations: IndexMap<Spanned<String>, RawLabel>,
    #[serde(default)]
    #[schemars(with = "IdMap<RawLabel>")]
    relationships: IndexMap<Spanned<String>, RawLabel>,
    #[serde(default)]
    #[schemars(with = "IdMap<RawLabel>")]
    taxonomies: IndexMap<Spanned<String>, RawLabel>,
    #[serde(default)]
    feed: RawFeed,
    #[serde(default)]
    search: RawSearch,
    #[serde(default)]
    offline: RawOffline,
    #[serde(default)]
    aliases: RawAliases,
    #[serde(default)]
    #[schemars(with = "serde_json::Map<String, serde_json::Value>")]
    extra: toml::Table,
    /// The site's other languages, by BCP 47 tag.
    #[serde(default)]
    #[schemars(with = "IdMap<languages::RawLanguage>")]
    languages: IndexMap<Spanned<String>, languages::RawLanguage>,
}

/// A table of ids (`[channels.<id>]`) in the schema.
type IdMap<T> = std::collections::BTreeMap<String, T>;

fn default_language_text() -> String {
    "en".to_string()
}

/// The JSON Schema of `site.toml`, made from the types that read it.
pub fn schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(RawConfig)).expect("a schema serializes")
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawChannel {
    label: String,
    #[schemars(with = "Option<std::num::NonZeroUsize>")]
    limit: Option<Spanned<usize>>,
    #[schemars(with = "Option<Vec<RawLimit>>")]
    limits: Option<Spanned<Vec<RawLimit>>>,
    note: Option<String>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawLimit {
    #[schemars(with = "String")]
    label: Spanned<String>,
    #[schemars(with = "std::num::NonZeroUsize")]
    chars: Spanned<usize>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawLabel {
    label: String,
    description: Option<String>,
    #[serde(default)]
    weight: i64,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
struct RawFeed {
    limit: usize,
}

impl Default for RawFeed {
    fn default() -> Self {
        RawFeed { limit: 20 }
    }
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
struct RawSearch {
    enabled: bool,
}

impl Default for RawSearch {
    fn default() -> Self {
        RawSearch { enabled: true }
    }
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
struct RawOffline {
    enabled: bool,
    /// A size such as "20 MB": the build warns past it.
    #[schemars(with = "String")]
    max_precache: Spanned<String>,
    short_name: Option<String>,
    theme_color: String,
    background_color: String,
}

impl Default for RawOffline {
    fn default() -> Self {
        RawOffline {
            enabled: false,
            max_precache: Spanned::new(0..0, DEFAULT_MAX_PRECACHE.to_string()),
            short_name: None,
            theme_color: "#1b6a64".to_string(),
            background_color: "#faf8f4".to_string(),
        }
    }
}

/// The precache size past which `build` warns, unless `[offline] max_precache` says.
pub const DEFAULT_MAX_PRECACHE: &str = "20 MB";

#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
struct RawAliases {
    redirects_file: bool,
}

/// A size such as `20 MB`, `512 kB` or `1048576` (bytes), in bytes.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number
        .parse()
        .map_err(|_| format!("`max_precache` must be a size such as \"20 MB\", not `{text}`"))?;
    let factor = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "kb" | "k" => 1e3,
        "mb" | "m" => 1e6,
        "gb" | "g" => 1e9,
        "kib" => 1024.0,
        "mib" => 1024.0 * 1024.0,
        other => {
            return Err(format!(
                "`max_precache` has an unknown unit `{other}`: use B, kB, MB or GB"
            ))
        }
    };
    Ok((number * factor) as u64)
}

fn default_language() -> Spanned<String> {
    Spanned::new(0..0, "en".to_string())
}

fn default_output() -> PathBuf {
    PathBuf::from("public")
}

impl Config {
    /// Reads `site.toml` under `root` and applies the command line's overrides.
    pub fn load(root: &Path, overrides: &Overrides) -> Result<Config> {
        let path = config_path(root, overrides);
        if overrides.config_file.is_some() && !path.is_file() {
            return Err(Error::msg(format!(
                "--config: no file `{}`",
                crate::error::display_path(&path)
            )));
        }
        if !path.is_file() {
            return Err(Error::with_help(
                format!(
                    "no `{FILE_NAME}` in `{}`: this does not look like a guide site",
                    crate::error::display_path(root)
                ),
                "run guide in the site's folder, pass --root DIR, or create a site with `guide init DIR`",
            ));
        }
        let source = crate::fs::read_text(&path)?;
        Config::parse(root, &path, &source, overrides)
    }

    /// Reads `site.toml` as [`Config::load`] does, but keeps going past a
    /// bad value: the config comes back with a stand-in for it and the
    /// error beside it, so that a build can report the rest of the site's
    /// mistakes in the same run. Only a file that cannot be read as a
    /// whole (missing, not TOML, a wrong type) fails here.
    pub fn load_lenient(root: &Path, overrides: &Overrides) -> Result<(Config, Vec<Error>)> {
        let path = config_path(root, overrides);
        if !path.is_file() {
            // The same error as `load`'s.
            return Config::load(root, overrides).map(|c| (c, Vec::new()));
        }
        let source = crate::fs::read_text(&path)?;
        Config::parse_lenient(root, &path, &source, overrides)
    }

    /// Parses the text of a `site.toml` found at `path`.
    pub fn parse(root: &Path, path: &Path, source: &str, overrides: &Overrides) -> Result<Config> {
        let (config, errors) = Config::parse_lenient(root, path, source, overrides)?;
        Error::collect(errors)?;
        Ok(config)
    }

    /// Parses the text of a `site.toml`, as [`Config::load_lenient`] does.
    /// Every position comes from the TOML parser's spans.
    pub fn parse_lenient(
        root: &Path,
        path: &Path,
        source: &str,
        overrides: &Overrides,
    ) -> Result<(Config, Vec<Error>)> {
        let raw: RawConfig =
            toml::from_str(source).map_err(|err| toml_error(path, source, &err))?;
        let at = |span: std::ops::Range<usize>, message: String| -> Error {
            at_span(path, source, span, message)
        };
        let mut errors = Vec::new();

        let (base_url, base_path) = base_url(&raw.base_url, overrides, &mut errors, &at);
        if raw.title.get_ref().trim().is_empty() {
            errors.push(at(raw.title.span(), "`title` must not be empty".into()));
        }
        let language = language(&raw.language, &mut errors, &at);
        let limit_order = limit_order(&raw.channels);
        let channels = channels(raw.channels, &mut errors, &at);
        let situations = labels(raw.situations, &mut errors, &at);
        let relationships = labels(raw.relationships, &mut errors, &at);
        let taxonomies = taxonomies(raw.taxonomies, &mut errors, &at);
        let offline = offline(raw.offline, &mut errors, &at);
        let extra = serde_json::to_value(&raw.extra).map_err(|e| Error::msg(e.to_string()))?;
        let mut config = Config {
            root: root.to_path_buf(),
            title: raw.title.into_inner(),
            description: raw.description,
            base_url,
            base_path: base_path.clone(),
            language,
            theme: raw.theme,
            output_dir: overrides
                .output_dir
                .clone()
                .unwrap_or_else(|| root.join(raw.output_dir)),
            markdown: raw.markdown,
            channels,
            situations,
            relationships,
            taxonomies,
            extra,
            drafts: overrides.drafts,
            feed_limit: raw.feed.limit,
            search: raw.search.enabled,
            offline,
            serving: overrides.serving,
            redirects_file: raw.aliases.redirects_file,
            file: path.to_path_buf(),
            languages: Vec::new(),
            root_path: base_path.clone(),
            limit_order,
        };
        config.languages = languages::languages(raw.languages, &config, &mut errors, &at);
        Ok((config, errors))
    }

    /// The folder of Markdown and scripts.
    pub fn content_dir(&self) -> PathBuf {
        self.root.join("content")
    }

    /// The channel with this id, if declared.
    pub fn channel(&self, id: &str) -> Option<&Channel> {
        self.channels.iter().find(|c| c.id == id)
    }

    /// The taxonomy with this id, if declared (`tags` always is).
    pub fn taxonomy(&self, id: &str) -> Option<&Label> {
        self.taxonomies.iter().find(|t| t.id == id)
    }

    /// The absolute URL of a root-relative path such as `/a/b/`.
    pub fn permalink(&self, url: &str) -> String {
        let origin_end = self.base_url.len() - self.base_path.len();
        format!("{}{}", &self.base_url[..origin_end], url)
    }
}

/// The base URL and its path: `--base-url` when given, else `base_url`;
/// a bad one is recorded and replaced by a stand-in.
fn base_url(
    written: &Spanned<String>,
    overrides: &Overrides,
    errors: &mut Vec<Error>,
    at: &impl Fn(std::ops::Range<usize>, String) -> Error,
) -> (String, String) {
    match &overrides.base_url {
        Some(url) => normalize_base_url(url).unwrap_or_else(|message| {
            errors.push(Error::with_help(
                format!(
                    "--base-url: {}",
                    message.replace("`base_url`", "the base URL")
                ),
                "give an absolute URL such as https://example.org/guide/",
            ));
            placeholder_base_url()
        }),
        None => normalize_base_url(written.get_ref()).unwrap_or_else(|message| {
            errors.push(at(written.span(), message));
            placeholder_base_url()
        }),
    }
}

/// The site's language tag; a bad one is recorded and replaced by the
/// default.
fn language(
    written: &Spanned<String>,
    errors: &mut Vec<Error>,
    at: &impl Fn(std::ops::Range<usize>, String) -> Error,
) -> String {
    match check_language(written.get_ref()) {
        Ok(tag) => tag,
        Err(message) => {
            errors.push(
                at(written.span(), message)
                    .help("use a BCP 47 language tag such as `en`, `en-GB`, `es` or `pt-BR`"),
            );
            default_language().into_inner()
        }
    }
}

/// The declared channels, in the order written; one with a bad id is
/// recorded and left out.
fn channels(
    raw: IndexMap<Spanned<String>, RawChannel>,
    errors: &mut Vec<Error>,
    at: &impl Fn(std::ops::Range<usize>, String) -> Error,
) -> Vec<Channel> {
    let mut channels = Vec::new();
    for (id, channel) in raw {
        if let Err(message) = check_id(id.get_ref()) {
            // Left out, so that no script is told it meant this id.
            errors.push(at(id.span(), message));
            continue;
        }
        let id = id.into_inner();
        let limits = channel_limits(&id, &channel, errors, at);
        channels.push(Channel {
            id,
            limit: limits.first().map(|l| l.chars),
            limits,
            label: channel.label,
            note: channel.note,
        });
    }
    channels
}

/// For each channel with named `limits`, the place in the sorted list
/// (strictest first) of each limit as written.
fn limit_order(raw: &IndexMap<Spanned<String>, RawChannel>) -> HashMap<String, Vec<usize>> {
    let mut orders = HashMap::new();
    for (id, channel) in raw {
        let Some(limits) = &channel.limits else {
            continue;
        };
        let mut sorted: Vec<(usize, usize)> = limits
            .get_ref()
            .iter()
            .enumerate()
            .map(|(i, l)| (*l.chars.get_ref(), i))
            .collect();
        sorted.sort();
        let mut order = vec![0; sorted.len()];
        for (place, (_, written)) in sorted.into_iter().enumerate() {
            order[written] = place;
        }
        orders.insert(id.get_ref().clone(), order);
    }
    orders
}

/// The `[offline]` settings; a bad `max_precache` is recorded and read as 0.
fn offline(
    raw: RawOffline,
    errors: &mut Vec<Error>,
    at: &impl Fn(std::ops::Range<usize>, String) -> Error,
) -> Offline {
    let max_precache = parse_size(raw.max_precache.get_ref()).unwrap_or_else(|message| {
        errors.push(at(raw.max_precache.span(), message));
        0
    });
    Offline {
        enabled: raw.enabled,
        max_precache,
        max_precache_span: raw.max_precache.span(),
        short_name: raw.short_name,
        theme_color: raw.theme_color,
        background_color: raw.background_color,
    }
}

/// A channel's limits, strictest first, from `limit = N` or `limits = [{
/// label, chars }, …]`; every bad one is recorded and left out.
fn channel_limits(
    id: &str,
    channel: &RawChannel,
    errors: &mut Vec<Error>,
    at: &dyn Fn(std::ops::Range<usize>, String) -> Error,
) -> Vec<Limit> {
    let mut limits = Vec::new();
    if let Some(limit) = &channel.limit {
        if *limit.get_ref() == 0 {
            let message =
                format!("channel `{id}` has a limit of 0; leave `limit` out for no limit");
            errors.push(at(limit.span(), message));
        } else {
            limits.push(Limit {
                label: channel.label.clone(),
                chars: *limit.get_ref(),
            });
        }
    }
    let Some(named) = &channel.limits else {
        return limits;
    };
    if channel.limit.is_some() {
        let message = format!("channel `{id}` has both `limit` and `limits`");
        errors.push(at(named.span(), message).help("keep `limits`, and give each limit a label: limits = [{ label = \"Free account\", chars = 200 }]"));
        return limits;
    }
    if named.get_ref().is_empty() {
        let message = format!("channel `{id}` has an empty `limits`; leave it out for no limit");
        errors.push(at(named.span(), message));
    }
    for limit in named.get_ref() {
        if let Some(limit) = named_limit(id, limit, &limits, errors, at) {
            limits.push(limit);
        }
    }
    limits.sort_by_key(|l| l.chars);
    limits
}

/// One entry of a channel's `limits`, checked against the ones before it;
/// a bad one is recorded and left out.
fn named_limit(
    id: &str,
    limit: &RawLimit,
    earlier: &[Limit],
    errors: &mut Vec<Error>,
    at: &dyn Fn(std::ops::Range<usize>, String) -> Error,
) -> Option<Limit> {
    let label = limit.label.get_ref().trim();
    let (span, message) = if label.is_empty() {
        let message = format!("a limit of channel `{id}` has an empty label");
        (limit.label.span(), message)
    } else if earlier.iter().any(|l| l.label == label) {
        let message = format!("channel `{id}` has two limits labelled `{label}`");
        (limit.label.span(), message)
    } else if *limit.chars.get_ref() == 0 {
        let message =
            format!("limit `{label}` of channel `{id}` is 0 characters; leave it out for no limit");
        (limit.chars.span(), message)
    } else {
        return Some(Limit {
            label: label.to_string(),
            chars: *limit.chars.get_ref(),
        });
    };
    errors.push(at(span, message));
    None
}

/// The configuration file to read: `--config FILE`, else `<root>/site.toml`.
pub fn config_path(root: &Path, overrides: &Overrides) -> PathBuf {
    overrides
        .config_file
        .clone()
        .unwrap_or_else(|| root.join(FILE_NAME))
}

fn labels(
    raw: IndexMap<Spanned<String>, RawLabel>,
    errors: &mut Vec<Error>,
    at: &impl Fn(std::ops::Range<usize>, String) -> Error,
) -> Vec<Label> {
    let mut labelled: Vec<(i64, Label)> = raw
        .into_iter()
        .map(|(id, raw)| {
            if let Err(message) = check_id(id.get_ref()) {
                errors.push(at(id.span(), message));
            }
            let label = Label {
                id: id.into_inner(),
                label: raw.label,
                description: raw.description,
            };
            (raw.weight, label)
        })
        .collect();
    labelled.sort_by_key(|(weight, _)| *weight);
    labelled.into_iter().map(|(_, label)| label).collect()
}

/// The declared taxonomies in weight order, with `tags` first when it was
/// not declared; a name a page key or a folder of the site already has is
/// an error.
fn taxonomies(
    raw: IndexMap<Spanned<String>, RawLabel>,
    errors: &mut Vec<Error>,
    at: &impl Fn(std::ops::Range<usize>, String) -> Error,
) -> Vec<Label> {
    for id in raw.keys() {
        let name = id.get_ref().as_str();
        let taken = if PAGE_KEYS.contains(&name) {
            Some("a front-matter key of pages")
        } else if TAKEN_URLS.contains(&name) {
            Some("a folder of every built site")
        } else {
            None
        };
        if let Some(taken) = taken {
            errors.push(at(
                id.span(),
                format!("a taxonomy cannot be called `{name}`: that is {taken}"),
            ));
        }
    }
    let mut declared = labels(raw, errors, at);
    if !declared.iter().any(|t| t.id == TAGS) {
        declared.insert(
            0,
            Label {
                id: TAGS.to_string(),
                label: "Tags".to_string(),
                description: None,
            },
        );
    }
    declared
}

fn check_id(id: &str) -> Result<(), String> {
    let ok = !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{id}` is not a valid id: use lowercase letters, digits and `-`"
        ))
    }
}

fn normalize_base_url(url: &str) -> Result<(String, String), String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| format!("`base_url` must start with http:// or https://, not `{url}`"))?;
    if rest.is_empty() || rest.starts_with('/') {
        return Err(format!("`base_url` has no host: `{url}`"));
    }
    let path = rest.find('/').map_or("/", |i| &rest[i..]);
    let mut path = path.to_string();
    if !path.ends_with('/') {
        path.push('/');
    }
    let origin = &url[..url.len() - rest.len() + rest.find('/').unwrap_or(rest.len())];
    Ok((format!("{origin}{path}"), path))
}

/// The base URL that stands in for a bad one, so that the build can go on
/// to report the site's other mistakes (it is never published).
fn placeholder_base_url() -> (String, String) {
    ("http://localhost/".to_string(), "/".to_string())
}

/// A validated BCP 47 language tag (`en`, `en-GB`, `zh-Hant-TW`), in its
/// canonical case. It names files of the search index, so nothing but a
/// well-formed, registered tag gets through.
fn check_language(tag: &str) -> Result<String, String> {
    if tag.is_empty() || !tag.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(format!(
            "`language` must be a BCP 47 language tag, not `{tag}`: it may hold only letters, digits and `-`"
        ));
    }
    let parsed = language_tags::LanguageTag::parse(tag)
        .map_err(|e| format!("`language` must be a BCP 47 language tag, not `{tag}`: {e}"))?;
    parsed
        .validate()
        .map_err(|e| format!("`language` `{tag}` is not a registered language tag: {e}"))?;
    Ok(parsed
        .canonicalize()
        .map_or_else(|_| parsed.to_string(), |t| t.to_string()))
}

/// A located error at a span of site.toml, as the TOML parser gave it.
fn at_span(path: &Path, source: &str, span: std::ops::Range<usize>, message: String) -> Error {
    if span.is_empty() && span.start == 0 {
        // A default value (`language` left out): there is no place to show.
        return Diagnostic::file(path, message).into();
    }
    let (line, column) = line_column(source, span.start);
    let width = source
        .get(span)
        .map_or(1, |text| text.lines().next().unwrap_or("").chars().count());
    Diagnostic::at(path, source, line, column, message)
        .width(width.clamp(1, 60))
        .into()
}

fn toml_error(path: &Path, source: &str, err: &toml::de::Error) -> Error {
    let message = err.message().trim().to_string();
    let (line, column) = err
        .span()
        .map(|span| line_column(source, span.start))
        .unwrap_or((1, 1));
    let width = err
        .span()
        .map(|span| {
            source
                .get(span)
                .map_or(1, |s| s.chars().count().clamp(1, 40))
        })
        .unwrap_or(1);
    let diagnostic = if let Some((key, expected)) = unknown_field(&message) {
        Diagnostic::at(
            path,
            source,
            line,
            column,
            format!("unknown key `{key}` in site.toml"),
        )
        .width(key.chars().count())
        .help(unknown_key_help(&key, &expected))
    } else if message.starts_with("missing field") {
        let key = message.split('`').nth(1).unwrap_or_default().to_string();
        let message = format!("site.toml is missing `{key}`");
        // A key missing at the top is "located" at the start of the file,
        // which points at whatever key happens to come first.
        let whole_file = err.span().is_none_or(|span| span.start == 0);
        let diagnostic = if whole_file {
            Diagnostic::file(path, message)
        } else {
            Diagnostic::at(path, source, line, column, message)
        };
        diagnostic.help(format!("add a line such as `{key} = \"…\"`"))
    } else {
        Diagnostic::at(
            path,
            source,
            line,
            column,
            format!("invalid site.toml: {}", plain_types(&message, "table")),
        )
        .width(width)
    };
    diagnostic.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(source: &str) -> Result<Config> {
        Config::parse(
            Path::new("."),
            Path::new("site.toml"),
            source,
            &Overrides::default(),
        )
    }

    const MINIMAL: &str = "title = \"T\"\nbase_url = \"https://example.org/guide\"\n";

    #[test]
    fn base_url_gets_a_trailing_slash_and_a_path() {
        let config = parse(MINIMAL).unwrap();
        assert_eq!(config.base_url, "https://example.org/guide/");
        assert_eq!(config.base_path, "/guide/");
        assert_eq!(
            config.permalink("/guide/a/"),
            "https://example.org/guide/a/"
        );
        assert_eq!(config.language, "en");
        assert!(config.markdown.smart_punctuation);
    }

    #[test]
    fn channels_keep_their_order() {
        let source = format!(
            "{MINIMAL}[channels.zeta]\nlabel = \"Z\"\nlimit = 3\n[channels.alpha]\nlabel = \"A\"\n"
        );
        let config = parse(&source).unwrap();
        let ids: Vec<_> = config.channels.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["zeta", "alpha"]);
        assert_eq!(config.channel("zeta").unwrap().limit, Some(3));
    }

    #[test]
    fn an_unknown_key_is_located_with_a_suggestion() {
        let err =
            parse("title = \"T\"\nbase_url = \"https://x.org\"\ntheem = \"a\"\n").unwrap_err();
        let d = err.diagnostic().unwrap();
        assert_eq!(d.message, "unknown key `theem` in site.toml");
        assert_eq!(d.position, Some((3, 1)));
        assert!(d
            .help
            .as_ref()
            .unwrap()
            .starts_with("did you mean `theme`?"));
    }

    #[test]
    fn a_wrong_type_is_located() {
        let err = parse("title = [1]\nbase_url = \"https://x.org\"\n").unwrap_err();
        let d = err.diagnostic().unwrap();
        assert_eq!(d.position, Some((1, 9)));
        assert!(
            d.message
                .starts_with("invalid site.toml: invalid type: sequence"),
            "{}",
            d.message
        );
    }

    #[test]
    fn search_is_on_unless_switched_off() {
        assert!(parse(MINIMAL).unwrap().search);
        let off = parse(&format!("{MINIMAL}[search]\nenabled = false\n")).unwrap();
        assert!(!off.search);
        let err = parse(&format!("{MINIMAL}[search]\nenable = false\n")).unwrap_err();
        let d = err.diagnostic().unwrap();
        assert_eq!(d.message, "unknown key `enable` in site.toml");
        assert_eq!(d.position, Some((4, 1)));
    }

    #[test]
    fn a_channel_may_have_named_limits_strictest_first() {
        let config = parse(&format!(
            "{MINIMAL}[channels.note]\nlabel = \"Note\"\nlimits = [{{ label = \"Premium\", chars = 300 }}, {{ label = \"Free account\", chars = 200 }}]\n[channels.dm]\nlabel = \"DM\"\nlimit = 8000\n[channels.email]\nlabel = \"Email\"\n"
        ))
        .unwrap();
        let note = config.channel("note").unwrap();
        let labels: Vec<_> = note
            .limits
            .iter()
            .map(|l| (l.label.as_str(), l.chars))
            .collect();
        assert_eq!(labels, [("Free account", 200), ("Premium", 300)]);
        assert_eq!(note.limit, Some(200));
        assert_eq!(note.strictest_label(), "Note (Free account)");
        // `limit = N` still works: one limit, named for the channel.
        let dm = config.channel("dm").unwrap();
        assert_eq!(dm.limit, Some(8000));
        assert_eq!(dm.limits.len(), 1);
        assert_eq!(dm.strictest_label(), "DM");
        assert!(config.channel("email").unwrap().limits.is_empty());
    }

    #[test]
    fn bad_named_limits_are_each_located() {
        let source = format!(
            "{MINIMAL}[channels.a]\nlabel = \"A\"\nlimits = [{{ label = \"\", chars = 5 }}, {{ label = \"X\", chars = 0 }}, {{ label = \"Y\", chars = 9 }}, {{ label = \"Y\", chars = 10 }}]\n[channels.b]\nlabel = \"B\"\nlimit = 3\nlimits = [{{ label = \"Z\", chars = 4 }}]\n[channels.c]\nlabel = \"C\"\nlimits = []\n"
        );
        let (_, errors) = Config::parse_lenient(
            Path::new("."),
            Path::new("site.toml"),
            &source,
            &Overrides::default(),
        )
        .unwrap();
        let found: Vec<_> = errors
            .iter()
            .map(|e| {
                let d = e.diagnostic().unwrap();
                (d.message.clone(), d.position)
            })
            .collect();
        assert_eq!(
            found,
            [
                (
                    "a limit of channel `a` has an empty label".to_string(),
                    Some((5, 21))
                ),
                (
                    "limit `X` of channel `a` is 0 characters; leave it out for no limit"
                        .to_string(),
                    Some((5, 61))
                ),
                (
                    "channel `a` has two limits labelled `Y`".to_string(),
                    Some((5, 104))
                ),
                (
                    "channel `b` has both `limit` and `limits`".to_string(),
                    Some((9, 10))
                ),
                (
                    "channel `c` has an empty `limits`; leave it out for no limit".to_string(),
                    Some((12, 10))
                ),
            ]
        );
        // An unknown key inside a limit is the parser's located error.
        let err = parse(&format!(
            "{MINIMAL}[channels.a]\nlabel = \"A\"\nlimits = [{{ label = \"F\", characters = 5 }}]\n"
        ))
        .unwrap_err();
        let d = err.diagnostic().unwrap();
        assert!(
            d.message.contains("unknown key `characters`"),
            "{}",
            d.message
        );
        assert_eq!(d.position.map(|p| p.0), Some(5));
    }

    #[test]
    fn a_zero_limit_is_refused() {
        let err = parse(&format!(
            "{MINIMAL}[channels.x]\nlabel = \"X\"\nlimit = 0\n"
        ))
        .unwrap_err();
        let d = err.diagnostic().unwrap();
        assert_eq!(
            d.message,
            "channel `x` has a limit of 0; leave `limit` out for no limit"
        );
        // At the value, as the TOML parser placed it.
        assert_eq!(d.position, Some((5, 9)));
    }

    #[test]
    fn each_bad_value_is_placed_at_its_own_table() {
        // The same key in two tables: the second table's value is the bad one.
        let source = format!(
            "{MINIMAL}[channels.a]\nlabel = \"A\"\nlimit = 5\n[channels.b]\nlabel = \"B\"\nlimit = 0\n"
        );
        let d = parse(&source).unwrap_err().diagnostic().unwrap().clone();
        assert_eq!(d.position, Some((8, 9)), "{d}");
        let source = format!(
            "{MINIMAL}[situations.ok]\nlabel = \"A\"\n[situations.Not-Ok]\nlabel = \"B\"\n"
        );
        let d = parse(&source).unwrap_err().diagnostic().unwrap().clone();
        assert_eq!(d.position, Some((5, 13)), "{d}");
    }

    #[test]
    fn every_bad_value_is_reported_in_one_pass() {
        let source = "title = \" \"\nbase_url = \"example.org\"\nlanguage = \"en_GB\"\n\
                      [channels.x]\nlabel = \"X\"\nlimit = 0\n[relationships.Boss]\nlabel = \"B\"\n";
        let (config, errors) = Config::parse_lenient(
            Path::new("."),
            Path::new("site.toml"),
            source,
            &Overrides::default(),
        )
        .unwrap();
        let places: Vec<_> = errors
            .iter()
            .map(|e| e.diagnostic().unwrap().position.unwrap())
            .collect();
        assert_eq!(
            places,
            [(2, 12), (1, 9), (3, 12), (6, 9), (7, 16)],
            "{errors:?}"
        );
        // Stand-ins let the rest of the build run; it is never published.
        assert_eq!(config.base_url, "http://localhost/");
        assert_eq!(config.language, "en");
    }

    #[test]
    fn the_language_is_a_bcp_47_tag() {
        for good in ["en", "en-GB", "es-419", "zh-Hant-TW", "pt-br"] {
            let config = parse(&format!("language = \"{good}\"\n{MINIMAL}")).unwrap();
            assert!(config.language.eq_ignore_ascii_case(good), "{good}");
        }
        assert_eq!(
            parse(&format!("language = \"pt-br\"\n{MINIMAL}"))
                .unwrap()
                .language,
            "pt-BR"
        );
        let long = "x".repeat(40);
        for bad in [
            "../../x",
            "en_GB",
            "",
            "english-language",
            "en-",
            &long,
            "a/b",
            "12",
        ] {
            let err = parse(&format!("language = \"{bad}\"\n{MINIMAL}")).unwrap_err();
            let d = err.diagnostic().unwrap_or_else(|| panic!("{bad}: {err}"));
            assert_eq!(d.position, Some((1, 12)), "{bad}");
            assert!(d.message.contains("`language`"), "{bad}: {}", d.message);
        }
    }

    #[test]
    fn a_bad_base_url_from_the_command_line_is_not_blamed_on_the_file() {
        let overrides = Overrides {
            base_url: Some("localhost:1111".into()),
            ..Overrides::default()
        };
        let err =
            Config::parse(Path::new("."), Path::new("site.toml"), MINIMAL, &overrides).unwrap_err();
        assert!(err.diagnostic().is_none(), "{err}");
        assert!(err.to_string().starts_with("--base-url: "), "{err}");
    }

    #[test]
    fn tags_is_a_taxonomy_whether_declared_or_not() {
        let ids = |config: Config| -> Vec<String> {
            config.taxonomies.into_iter().map(|t| t.id).collect()
        };
        assert_eq!(ids(parse(MINIMAL).unwrap()), ["tags"]);
        let declared = parse(&format!(
            "{MINIMAL}[taxonomies.moments]\nlabel = \"Moments\"\nweight = 2\n\
             [taxonomies.tags]\nlabel = \"Topics\"\nweight = 1\n"
        ))
        .unwrap();
        assert_eq!(declared.taxonomy("tags").unwrap().label, "Topics");
        assert_eq!(ids(declared), ["tags", "moments"]);
        let added = parse(&format!(
            "{MINIMAL}[taxonomies.moments]\nlabel = \"Moments\"\n"
        ))
        .unwrap();
        assert_eq!(ids(added), ["tags", "moments"]);
    }

    #[test]
    fn a_taxonomy_may_not_take_a_page_key_or_a_sites_folder() {
        for (id, why) in [
            ("title", "a front-matter key of pages"),
            ("scripts", "a folder of every built site"),
        ] {
            let err = parse(&format!("{MINIMAL}[taxonomies.{id}]\nlabel = \"X\"\n")).unwrap_err();
            let d = err.diagnostic().unwrap();
            assert_eq!(
                d.message,
                format!("a taxonomy cannot be called `{id}`: that is {why}")
            );
            assert_eq!(d.position, Some((3, 13)));
        }
        let err = parse(&format!("{MINIMAL}[taxonomies.Big]\nlabel = \"X\"\n")).unwrap_err();
        assert!(err.to_string().contains("`Big` is not a valid id"), "{err}");
    }

    #[test]
    fn a_base_url_without_scheme_is_refused() {
        let err = parse("title = \"T\"\nbase_url = \"example.org\"\n").unwrap_err();
        assert_eq!(
            err.diagnostic().unwrap().message,
            "`base_url` must start with http:// or https://, not `example.org`"
        );
    }
}
