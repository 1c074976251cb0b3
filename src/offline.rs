//! Reading the site offline (`[offline] enabled`): the web app manifest,
//! the service worker and its precache list, and the worker `serve` answers
//! instead, which unregisters itself.
//!
//! Each language has its own worker, manifest and offline page under its
//! prefix (`es/sw.js`, scope `/es/`): a reader downloads the pages of the
//! language they read, with the styles, scripts, fonts and icons the
//! languages share, and not every language's pages.
//!
//! The worker is made last, from every other file of the output: its list
//! names each page, stylesheet, script, font and icon, and Pagefind's core
//! files (its index chunks are cached when a search first fetches them);
//! its cache is named after a hash of the whole output, so that any change
//! to the site makes a new worker, which the page offers to the reader
//! ("A new version is available") instead of reloading by itself. Large
//! sites were mdBook's reason not to do this: the build reports the
//! precache size and warns past `[offline] max_precache`.

use std::hash::{Hash, Hasher};
use std::sync::Mutex;

use crate::config::Config;
use crate::error::{Diagnostic, Warning};
use crate::escape::escape;

/// The worker's path in the output (at the base path, so its scope is the site).
pub const WORKER: &str = "sw.js";
/// The web app manifest's path in the output.
pub const MANIFEST: &str = "manifest.webmanifest";
/// The page a navigation falls back to when neither network nor cache has it.
pub const PAGE: &str = "offline.html";

/// The icons a theme may ship for the manifest: (path, size).
pub const ICONS: [(&str, u32); 2] = [("img/icon-192.png", 192), ("img/icon-512.png", 512)];

/// The tab icon every page links to (the touch icon is `img/icon-192.png`).
pub const FAVICON: &str = "img/favicon.svg";

/// What each language's worker precaches, the site's own language first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Precache {
    pub workers: Vec<Worker>,
}

/// What one language's worker precaches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Worker {
    /// The language's name in itself (`English`, `Español`).
    pub language: String,
    pub files: usize,
    pub bytes: u64,
}

impl Precache {
    /// "214 files, 3.1 MB", or with several languages "English: 214 files,
    /// 3.1 MB; Español: 210 files, 3.0 MB".
    pub fn describe(&self) -> String {
        let one = |w: &Worker| format!("{} files, {}", w.files, size(w.bytes));
        match self.workers.as_slice() {
            [only] => one(only),
            all => all
                .iter()
                .map(|w| format!("{}: {}", w.language, one(w)))
                .collect::<Vec<_>>()
                .join("; "),
        }
    }

    /// A warning for each worker whose precache is larger than `[offline]
    /// max_precache`.
    pub fn warnings(&self, config: &Config) -> Vec<Warning> {
        let several = self.workers.len() > 1;
        self.workers
            .iter()
            .filter_map(|w| w.warning(config, several))
            .collect()
    }
}

impl Worker {
    /// The warning when the precache is larger than `[offline] max_precache`.
    fn warning(&self, config: &Config, name_it: bool) -> Option<Warning> {
        if self.bytes <= config.offline.max_precache {
            return None;
        }
        let whose = match name_it {
            true => format!(" in {}", self.language),
            false => String::new(),
        };
        let message = format!(
            "the offline precache{whose} is {}, over `max_precache` ({}): every reader's first visit downloads all of it",
            size(self.bytes),
            size(config.offline.max_precache)
        );
        let span = &config.offline.max_precache_span;
        let source = std::fs::read_to_string(&config.file).unwrap_or_default();
        let diagnostic = if span.is_empty() || source.is_empty() {
            Diagnostic::file(&config.file, message)
        } else {
            let (line, column) = crate::error::line_column(&source, span.start);
            Diagnostic::at(&config.file, &source, line, column, message).width(span.len())
        };
        Some(diagnostic.help(
            "raise `[offline] max_precache`, or switch offline reading off with `[offline] enabled = false`",
        ))
    }
}

/// A size in bytes, in words: `812 B`, `14.2 kB`, `3.1 MB`.
pub fn size(bytes: u64) -> String {
    match bytes {
        b if b < 1_000 => format!("{b} B"),
        b if b < 1_000_000 => format!("{:.1} kB", b as f64 / 1e3),
        b => format!("{:.1} MB", b as f64 / 1e6),
    }
}

/// Notes every file of the output as it is stored (from several threads),
/// for the worker made after them.
#[derive(Default)]
pub struct Recorder {
    files: Mutex<Vec<(String, u64, u64)>>,
}

impl Recorder {
    /// Notes one file: its path, a hash of its bytes, its size.
    pub fn record(&self, path: &str, bytes: &[u8]) {
        // std's SipHash with its fixed keys: the same bytes give the same
        // name on every build made by the same guide, which is all a cache
        // name needs (a new guide may rename the cache once).
        let mut hasher = std::hash::DefaultHasher::new();
        bytes.hash(&mut hasher);
        let entry = (path.to_string(), hasher.finish(), bytes.len() as u64);
        self.files
            .lock()
            .expect("no push panics while holding the lock")
            .push(entry);
    }

    /// Each language's worker for the recorded output, as (its path in
    /// the output, its script), and what they precache. `languages` are the
    /// configurations of the site's languages, its own first; `aliases`
    /// are the redirect pages, left out of the precache.
    pub fn workers(
        self,
        languages: &[&Config],
        aliases: &[String],
    ) -> (Vec<(String, String)>, Precache) {
        let mut files = self
            .files
            .into_inner()
            .expect("the lock is free once rendering ends");
        files.sort();
        let prefixes: Vec<String> = languages.iter().skip(1).map(|c| prefix(c)).collect();
        let theirs = |path: &str| prefixes.iter().any(|p| path.starts_with(p.as_str()));
        let own: Vec<_> = files.iter().filter(|(path, ..)| !theirs(path)).collect();
        // What every language's reader needs of the site's own files.
        let shared: Vec<_> = own
            .iter()
            .copied()
            .filter(|(path, ..)| is_shared(path))
            .collect();
        let mut scripts = Vec::new();
        let mut workers = Vec::new();
        for (place, config) in languages.iter().enumerate() {
            let prefix = prefix(config);
            let mine: Vec<_> = match place {
                0 => own.clone(),
                _ => files
                    .iter()
                    .filter(|(path, ..)| path.starts_with(&prefix))
                    .chain(shared.iter().copied())
                    .collect(),
            };
            let (script, worker) = worker(config, &prefix, languages[0], &mine, aliases);
            scripts.push((format!("{prefix}{WORKER}"), script));
            workers.push(worker);
        }
        (scripts, Precache { workers })
    }
}

/// A language's prefix in the output: `""` for the site's own, `es/`.
fn prefix(config: &Config) -> String {
    match config.is_default_language() {
        true => String::new(),
        false => format!("{}/", config.language),
    }
}

/// Whether a file of the site's own language is one every language's
/// worker precaches: its styles, scripts, fonts and icons, not its pages,
/// manifest or search index.
fn is_shared(path: &str) -> bool {
    precached(path)
        && !path.ends_with(".html")
        && !path.starts_with("pagefind/")
        && path != MANIFEST
}

/// One language's worker and what it precaches: `files` are its own (paths
/// under `prefix`) and the shared ones (from the site root, `root`'s).
fn worker(
    config: &Config,
    prefix: &str,
    root: &Config,
    files: &[&(String, u64, u64)],
    aliases: &[String],
) -> (String, Worker) {
    let mut hasher = std::hash::DefaultHasher::new();
    files.hash(&mut hasher);
    let version = format!("{:016x}", hasher.finish());
    let mut urls = Vec::new();
    let mut bytes = 0;
    for (path, _, len) in files {
        let url = match path.strip_prefix(prefix).filter(|_| !prefix.is_empty()) {
            Some(inside) if precached(inside) => url_of(config, inside),
            Some(_) => continue,
            None if precached(path) => url_of(root, path),
            None => continue,
        };
        if !aliases.contains(path) {
            urls.push(url);
            bytes += len;
        }
    }
    let worker = Worker {
        language: config.current_language().name.clone(),
        files: urls.len(),
        bytes,
    };
    (worker_script(config, &version, &urls), worker)
}

/// Whether a file of the output is fetched ahead: pages, styles, scripts,
/// fonts, the manifest and its icons, and Pagefind's files but its index
/// chunks and fragments (cached as searches fetch them).
fn precached(path: &str) -> bool {
    if path == WORKER || path == "404.html" {
        return false;
    }
    if let Some(inside) = path.strip_prefix("pagefind/") {
        return !(inside.starts_with("index/") || inside.starts_with("fragment/"));
    }
    let extension = path.rsplit_once('.').map_or("", |(_, e)| e);
    matches!(
        extension,
        "html" | "css" | "js" | "mjs" | "woff2" | "woff" | "ttf" | "otf" | "webmanifest"
    ) || ICONS.iter().any(|(icon, _)| *icon == path)
        || path == FAVICON
}

/// The URL the worker asks for: a folder's `index.html` by its folder.
fn url_of(config: &Config, path: &str) -> String {
    let folder = path
        .strip_suffix("index.html")
        .filter(|f| f.is_empty() || f.ends_with('/'));
    format!("{}{}", config.base_path, folder.unwrap_or(path))
}

/// The worker itself: precache on install, wait to be let in, drop the
/// older caches of this site on activate, and answer from the cache.
fn worker_script(config: &Config, version: &str, urls: &[String]) -> String {
    let list = serde_json::to_string(urls).expect("strings serialize");
    let prefix =
        serde_json::to_string(&format!("guide:{}:", config.base_path)).expect("strings serialize");
    let offline =
        serde_json::to_string(&format!("{}{PAGE}", config.base_path)).expect("strings serialize");
    format!(
        "// guide's service worker for {base}: made by `guide build`, do not edit.\n\
         const PREFIX = {prefix};\nconst CACHE = PREFIX + \"{version}\";\n\
         const OFFLINE = {offline};\nconst PRECACHE = {list};\n{WORKER_BODY}",
        base = config.base_url
    )
}

/// What every worker does, whatever the site (see themes' README).
const WORKER_BODY: &str = include_str!("offline/worker.js");

/// The worker `serve` answers at the worker's URL: it removes this site's
/// caches, unregisters itself and reloads the pages it controlled, so a
/// worker left by a build never hides an author's edits.
pub fn unregistering_worker(config: &Config) -> String {
    let prefix =
        serde_json::to_string(&format!("guide:{}:", config.base_path)).expect("strings serialize");
    format!(
        "// guide serve: this worker removes the one a build installed.\n\
         const PREFIX = {prefix};\n{}",
        include_str!("offline/unregister.js")
    )
}

/// The web app manifest of a language: its name, start URL and scope at
/// its base path (`/es/`), the colours, the theme's icons that exist (at
/// the site root, which every language shares), its language and
/// direction.
pub fn manifest(config: &Config, has: impl Fn(&str) -> bool) -> String {
    let icons: Vec<serde_json::Value> = ICONS
        .iter()
        .filter(|(path, _)| has(path))
        .map(|(path, px)| {
            serde_json::json!({
                "src": format!("{}{path}", config.root_path()),
                "sizes": format!("{px}x{px}"),
                "type": "image/png",
                "purpose": "any maskable",
            })
        })
        .collect();
    let short: String = config.title.chars().take(12).collect();
    let manifest = serde_json::json!({
        "name": config.title,
        "short_name": config.offline.short_name.clone().unwrap_or(short),
        "description": config.description,
        "start_url": config.base_path,
        "scope": config.base_path,
        "display": "standalone",
        "theme_color": config.offline.theme_color,
        "background_color": config.offline.background_color,
        "lang": config.language,
        "dir": config.current_language().direction.as_str(),
        "icons": icons,
    });
    serde_json::to_string_pretty(&manifest).expect("JSON serializes") + "\n"
}

/// The theme strings guide's own offline page says, with their English
/// for themes without them: its title, heading, text and home link.
pub const FALLBACK_WORDS: [(&str, &str); 4] = [
    ("offline.title", "Offline"),
    ("offline.heading", "You are offline"),
    (
        "offline.lede",
        "This page has not been saved for reading offline yet. The pages you have opened \
         before, and every page of the guide, open without a network once the site has been saved.",
    ),
    ("offline.home", "Go to the start"),
];

/// The offline page when the theme has no `offline.html`: `words` are
/// [`FALLBACK_WORDS`] in the page's language.
pub fn fallback_page(config: &Config, words: [&str; 4]) -> String {
    let [label, heading, lede, home] = words.map(escape);
    format!(
        "<!doctype html>\n<html lang=\"{lang}\" dir=\"{dir}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{label} · {title}</title></head><body><main>\
         <h1>{heading}</h1><p>{lede}</p><p><a href=\"{base}\">{home}</a></p>\
         </main></body></html>\n",
        lang = escape(&config.language),
        dir = config.current_language().direction.as_str(),
        title = escape(&config.title),
        base = escape(&config.base_path),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_styles_scripts_and_pagefind_core_are_precached() {
        for yes in [
            "index.html",
            "a/b/index.html",
            "css/style.css",
            "js/nav.js",
            "fonts/x.woff2",
            "pagefind/pagefind.js",
            "pagefind/wasm.en.pagefind",
            "pagefind/pagefind-entry.json",
            "pagefind/filter/tags.pf_filter",
            "img/icon-192.png",
            "img/favicon.svg",
        ] {
            assert!(precached(yes), "{yes}");
        }
        for no in [
            "sw.js",
            "404.html",
            "pagefind/index/en_1.pf_index",
            "pagefind/fragment/en_1.pf_fragment",
            "atom.xml",
            "img/card.png",
            "img/other.svg",
        ] {
            assert!(!precached(no), "{no}");
        }
    }

    fn config(toml: &str) -> Config {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("site.toml"), toml).unwrap();
        Config::load(dir.path(), &crate::config::Overrides::default()).unwrap()
    }

    #[test]
    fn each_language_precaches_its_pages_and_the_shared_files() {
        let site = config(
            "title = \"T\"\nbase_url = \"https://example.org/\"\n\
             [languages.en]\nname = \"English\"\n[languages.es]\nname = \"Español\"\n",
        );
        let spanish = site.for_language(&site.languages[1]);
        let recorder = Recorder::default();
        for path in [
            "index.html",
            "a/index.html",
            "css/style.css",
            "manifest.webmanifest",
            "pagefind/pagefind.js",
            "es/index.html",
            "es/a/index.html",
            "es/manifest.webmanifest",
            "es/pagefind/pagefind.js",
            "es/atom.xml",
        ] {
            recorder.record(path, path.as_bytes());
        }
        let (workers, precache) = recorder.workers(&[&site, &spanish], &[]);
        let paths: Vec<&str> = workers.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(paths, ["sw.js", "es/sw.js"]);
        let list = |script: &str| -> Vec<String> {
            let line = script
                .lines()
                .find(|l| l.starts_with("const PRECACHE"))
                .unwrap();
            let json = line
                .trim_start_matches("const PRECACHE = ")
                .trim_end_matches(';');
            serde_json::from_str(json).unwrap()
        };
        let english = list(&workers[0].1);
        assert_eq!(
            english,
            [
                "/a/",
                "/css/style.css",
                "/",
                "/manifest.webmanifest",
                "/pagefind/pagefind.js"
            ]
        );
        let theirs = list(&workers[1].1);
        assert_eq!(
            theirs,
            [
                "/es/a/",
                "/es/",
                "/es/manifest.webmanifest",
                "/es/pagefind/pagefind.js",
                "/css/style.css"
            ]
        );
        assert!(workers[1].1.contains("const PREFIX = \"guide:/es/:\""));
        assert_eq!(precache.workers.len(), 2);
        assert_eq!(precache.workers[1].files, 5);
        assert_eq!(
            precache.describe(),
            format!(
                "English: 5 files, {}; Español: 5 files, {}",
                size(precache.workers[0].bytes),
                size(precache.workers[1].bytes)
            )
        );
    }

    #[test]
    fn sizes_read_as_words() {
        assert_eq!(size(812), "812 B");
        assert_eq!(size(14_200), "14.2 kB");
        assert_eq!(size(3_100_000), "3.1 MB");
    }
}
