//! The offline search index: the rendered pages and scripts of an
//! [`Output`], indexed by Pagefind into files served under `pagefind/`.
//!
//! Pagefind splits its index into small chunks that the browser fetches only
//! as a query needs them, so a search stays cheap however large the site
//! grows, and works on any static host, offline included. It indexes the
//! HTML the theme rendered (the theme marks what counts with
//! `data-pagefind-body`); the filters of scripts (situation, relationship,
//! channel) come from the site model, not from the theme, so that any theme
//! gets them. During a build Pagefind runs on a thread of its own
//! ([`Indexer`]), fed pages as they are rendered. Nothing here touches the
//! disk: the files come back as `(path, bytes)` for the caller to put into
//! the output.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::sync::mpsc;

use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;
use serde::Serialize;

use crate::config::{Config, Label};
use crate::content::Kind;
use crate::output::Output;
use crate::render::{output_path, Origin, Templates};
use crate::script::Script;
use crate::site::{NodeId, Site};

/// The folder of the search files in the output.
pub const DIR: &str = "pagefind";

/// Files of the index, as `(path, bytes)` with paths from the output root.
pub type Files = Vec<(String, Vec<u8>)>;

/// The file, next to Pagefind's own, that names the filter values (ids) the
/// index holds, with their labels, in the order `site.toml` declares them.
pub const FILTERS_FILE: &str = "guide-filters.json";

/// Why the index could not be built. Pagefind's own failures are internal
/// (the pages are already valid HTML), so this carries its message as is.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("cannot start the indexer: {0}")]
    Runtime(#[source] std::io::Error),
    #[error("Pagefind refused its options: {0}")]
    Options(String),
    #[error("Pagefind could not index `{url}`: {message}")]
    Page { url: String, message: String },
    #[error("Pagefind stopped while parsing pages: {0}")]
    Batch(String),
    #[error("Pagefind could not write its index: {0}")]
    Files(String),
    #[error("the rendered page `{0}` is missing from the output")]
    Missing(String),
    #[error("Pagefind failed: {0} (a bug; please report it)")]
    Panic(String),
}

impl From<SearchError> for crate::error::Error {
    fn from(error: SearchError) -> Self {
        crate::error::Error::with_help(
            format!("cannot build the search index: {error}"),
            "set `enabled = false` under `[search]` in site.toml to build without search",
        )
    }
}

/// One page to index: its URL, the filters it carries (ids, for narrowing)
/// and its metadata (labels, for showing, and searched: Pagefind 1.5 and
/// later match a query against metadata too, without showing it in the
/// excerpt).
struct Entry {
    url: String,
    filters: Vec<(&'static str, String)>,
    meta: Vec<(&'static str, String)>,
}

/// Whether a file of the output belongs to the search index, which replaces
/// whatever the site's static files hold at the same place.
pub fn is_search_file(path: &str) -> bool {
    path.strip_prefix(DIR)
        .is_some_and(|rest| rest.starts_with('/'))
}

/// What a language's index needs, taken out of the site model for `serve`
/// to build it on another thread: the language's configuration, its pages,
/// and where its files go in the output (`""`, or `es/`).
pub struct Language {
    pub config: Config,
    pub pages: Pages,
    pub prefix: String,
}

impl Language {
    pub fn of(config: &Config, site: &Site, templates: &Templates, prefix: &str) -> Language {
        Language {
            config: config.clone(),
            pages: Pages::of(config, site, templates),
            prefix: prefix.to_string(),
        }
    }
}

/// Each language's index, built from `output`: its prefix in the output
/// (`""`, `es/`) and its files (paths below that prefix); `None` once
/// `cancelled` says so.
pub fn index_languages(
    languages: &[Language],
    output: &Output,
    cancelled: &dyn Fn() -> bool,
) -> Result<Option<Vec<(String, Files)>>, SearchError> {
    let mut indexes = Vec::new();
    for language in languages {
        let files = language
            .pages
            .index(&language.config, output, &language.prefix, cancelled)?;
        let Some(files) = files else {
            return Ok(None);
        };
        indexes.push((language.prefix.clone(), files));
    }
    Ok(Some(indexes))
}

/// What indexing needs of the site model, taken out of it, so that an index
/// can be built on another thread while the model moves on (as `serve` does
/// after a page edit, and [`Indexer`] while the site renders).
///
/// Only pages and scripts are indexed: they are what a reader is looking
/// for. Sections (the home page, `/scripts/`, each chapter's index) list
/// other pages, so a search would find them beside every page they list,
/// with an excerpt of titles; term lists, redirects and the 404 page are
/// generated and left out too. The choice is made here, from the site
/// model, so that it holds for every theme.
pub struct Pages {
    /// The pages and scripts, in site order.
    entries: Vec<Entry>,
    /// For each document of the site, its place in `entries`, if indexed.
    positions: Vec<Option<usize>>,
    /// The place of the first script in `entries` (they follow the pages).
    first_script: usize,
    /// [`FILTERS_FILE`]'s contents.
    labels: Vec<u8>,
}

impl Pages {
    /// The pages of `site` to index.
    pub fn of(config: &Config, site: &Site, templates: &Templates) -> Pages {
        let mut entries = Vec::with_capacity(site.documents.len() + site.scripts.len());
        let mut positions = Vec::with_capacity(site.documents.len());
        for (index, document) in site.documents.iter().enumerate() {
            if document.kind != Kind::Page {
                positions.push(None);
                continue;
            }
            positions.push(Some(entries.len()));
            entries.push(Entry {
                url: document.url.clone(),
                filters: Vec::new(),
                meta: document_meta(site, index),
            });
        }
        let first_script = entries.len();
        let kind = script_kind(config, templates);
        entries.extend(
            site.scripts
                .iter()
                .map(|script| script_entry(config, script, &kind)),
        );
        Pages {
            entries,
            positions,
            first_script,
            labels: filter_labels(config, site),
        }
    }

    /// Indexes every page, section and script from its rendered HTML in
    /// `output`, and returns Pagefind's files (its index, `pagefind.js`, the
    /// WebAssembly and worker files, its UI files) and [`FILTERS_FILE`], with
    /// paths relative to the output root (`pagefind/pagefind.js`); `None`
    /// when `cancelled` said so before the index was finished.
    ///
    /// This is serve's index, built in the background while the author
    /// edits, so it must never hold a CPU an edit needs: the pages are
    /// parsed one at a time on the calling thread (Pagefind's own way),
    /// `cancelled` is asked before each, and Pagefind's other parallel
    /// steps run in the caller's rayon pool (serve's is one thread).
    ///
    /// The pages are read under `prefix` in `output` (`es/` for a language
    /// of the site other than its own); the files come back without it.
    pub fn index(
        &self,
        config: &Config,
        output: &Output,
        prefix: &str,
        cancelled: &dyn Fn() -> bool,
    ) -> Result<Option<Files>, SearchError> {
        self.run(&config.language, Parse::OneByOne, &mut |next| {
            if cancelled() {
                return Ok(None);
            }
            let path = format!("{prefix}{}", output_path(config, &self.entries[next].url));
            let html = output.get(&path).ok_or(SearchError::Missing(path))?;
            Ok(Some(vec![html.to_vec()]))
        })
    }

    /// Gives Pagefind every page in site order, in batches asked of `html`
    /// (with the position of the first page wanted; `None` stops, and
    /// nothing is returned), parsed as `parse` says, then builds the index:
    /// Pagefind's files and [`FILTERS_FILE`].
    fn run(
        &self,
        language: &str,
        parse: Parse,
        html: &mut PageSource<'_>,
    ) -> Result<Option<Files>, SearchError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .map_err(SearchError::Runtime)?;
        let files = runtime.block_on(async {
            let options = PagefindServiceConfig::builder()
                .force_language(language.to_string())
                .build();
            let mut index = PagefindIndex::new(Some(options))
                .map_err(|e| SearchError::Options(e.to_string()))?;
            let mut next = 0;
            while next < self.entries.len() {
                let Some(pages) = html(next)? else {
                    return Ok(None);
                };
                debug_assert!(!pages.is_empty(), "a page source gives at least one page");
                let entries = &self.entries[next..next + pages.len()];
                add_pages(&mut index, parse, pages, entries).await?;
                next += entries.len();
            }
            index
                .into_files()
                .await
                .map(Some)
                .map_err(|e| SearchError::Files(e.to_string()))
        })?;
        let Some(files) = files else {
            return Ok(None);
        };
        let mut files: Vec<(String, Vec<u8>)> = files
            .into_iter()
            .map(|file| {
                let name = file.filename.to_string_lossy().replace('\\', "/");
                (format!("{DIR}/{name}"), file.contents)
            })
            .collect();
        files.push((format!("{DIR}/{FILTERS_FILE}"), self.labels.clone()));
        Ok(Some(files))
    }
}

/// Adds one batch of rendered pages (with their entries, in order) to the
/// index: marked for the result's sub-line, keywords and filters, then
/// parsed by Pagefind in parallel or one by one.
async fn add_pages(
    index: &mut PagefindIndex,
    parse: Parse,
    pages: Vec<Vec<u8>>,
    entries: &[Entry],
) -> Result<(), SearchError> {
    let files: Vec<(Option<String>, Option<String>, String)> = pages
        .into_iter()
        .zip(entries)
        .map(|(page, entry)| {
            let page = String::from_utf8(page)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
            let page = with_marks(indexed_part(page), entry);
            (None, Some(entry.url.clone()), page)
        })
        .collect();
    let results = match parse {
        Parse::InParallel => index
            .add_html_files(files)
            .await
            .map_err(|e| SearchError::Batch(e.to_string()))?,
        Parse::OneByOne => {
            let mut results = Vec::with_capacity(files.len());
            for (path, url, page) in files {
                results.push(index.add_html_file(path, url, page).await);
            }
            results
        }
    };
    for (result, entry) in results.into_iter().zip(entries) {
        result.map_err(|e| SearchError::Page {
            url: entry.url.clone(),
            message: e.to_string(),
        })?;
    }
    Ok(())
}

/// A page's metadata: the chapter it belongs to, for the result's sub-line,
/// and its `keywords`, searched but never shown.
fn document_meta(site: &Site, index: usize) -> Vec<(&'static str, String)> {
    let mut meta = Vec::new();
    let section = site.section_of[index].map(|s| site.sections[s].document);
    // The home page is every page's section at the top; it names no chapter.
    if let Some(section) = section.filter(|s| !site.documents[*s].dir.is_empty()) {
        meta.push(("chapter", site.documents[section].title.clone()));
    }
    let keywords = &site.documents[index].meta.keywords;
    if !keywords.is_empty() {
        meta.push(("keywords", keywords.join(", ")));
    }
    meta
}

/// The theme string of what a script is, in a result, and its English
/// default.
const SCRIPT_KIND: (&str, &str) = ("guide.script", "Script");

/// The word that says a result is a script, in the site's language: the
/// theme's (`guide.script`), else "Script". Searched too, so that "guion"
/// finds the scripts of a Spanish site.
pub fn script_kind(config: &Config, templates: &Templates) -> String {
    templates
        .text(&config.language, SCRIPT_KIND.0, SCRIPT_KIND.1)
        .to_string()
}

/// A script's filters (the ids of its situation, relationships and
/// channels) and metadata: that it is a script (`kind`, in the site's
/// language), and the labels of its situation and channels, for the
/// sub-line of its result.
fn script_entry(config: &Config, script: &Script, kind: &str) -> Entry {
    let channels: BTreeSet<&str> = script.messages.iter().map(|m| &m.channel[..]).collect();
    let mut filters = vec![("situation", script.situation.clone())];
    filters.extend(
        script
            .relationship
            .iter()
            .map(|r| ("relationship", r.clone())),
    );
    filters.extend(channels.iter().map(|c| ("channel", c.to_string())));
    let mut meta = vec![("kind", kind.to_string())];
    if let Some(situation) = config.situations.iter().find(|s| s.id == script.situation) {
        meta.push(("situation", situation.label.clone()));
    }
    // In site.toml's order, as the filters list them.
    let labels: Vec<&str> = config
        .channels
        .iter()
        .filter(|c| channels.contains(&c.id[..]))
        .map(|c| &c.label[..])
        .collect();
    if !labels.is_empty() {
        meta.push(("channels", labels.join(", ")));
    }
    Entry {
        url: script.url.clone(),
        filters,
        meta,
    }
}

/// How Pagefind parses the pages it is given.
#[derive(Clone, Copy)]
enum Parse {
    /// All the pages of a batch at once, with rayon (the patched Pagefind's
    /// `add_html_files`): a build, which wants every core.
    InParallel,
    /// One after another on the calling thread: serve's background index.
    OneByOne,
}

/// Where [`Pages::run`] gets the pages' HTML: given the position (in site
/// order) of the next page it needs, the HTML of that page and of any that
/// follow it, at least one; `None` stops the index.
type PageSource<'a> = dyn FnMut(usize) -> Result<Option<Vec<Vec<u8>>>, SearchError> + 'a;

/// Pagefind at work on a thread of its own, so that indexing runs beside
/// the rendering and writing of the site instead of after it. Pages may
/// come in any order, from any thread; they are indexed in site order
/// (documents, then scripts), because Pagefind numbers pages in the order
/// it gets them and the index must not change from one build to the next.
pub struct Indexer {
    /// [`Pages::positions`]: where each document goes, if anywhere.
    positions: Vec<Option<usize>>,
    /// [`Pages::first_script`].
    first_script: usize,
    pages: mpsc::Sender<(usize, Vec<u8>)>,
    thread: std::thread::JoinHandle<Result<Files, SearchError>>,
}

impl Indexer {
    /// Starts the indexer for every page, section and script of `site`;
    /// each is then given with [`Indexer::add`].
    pub fn start(config: &Config, site: &Site, templates: &Templates) -> Indexer {
        let pages = Pages::of(config, site, templates);
        let (positions, first_script) = (pages.positions.clone(), pages.first_script);
        let language = config.language.clone();
        let (sender, received) = mpsc::channel::<(usize, Vec<u8>)>();
        let thread = std::thread::spawn(move || {
            // Pages rendered ahead of the next one wanted wait here.
            let mut early = BTreeMap::new();
            let files = pages.run(&language, Parse::InParallel, &mut |next| {
                // Wait for the next page, take whatever else has arrived,
                // and give Pagefind the run of pages that follows in order.
                while !early.contains_key(&next) {
                    match received.recv() {
                        Ok((at, html)) => early.insert(at, html),
                        // The render stopped on an error, which the build reports.
                        Err(_) => {
                            return Err(SearchError::Missing(pages.entries[next].url.clone()))
                        }
                    };
                }
                early.extend(received.try_iter());
                let mut batch = Vec::new();
                while let Some(html) = early.remove(&(next + batch.len())) {
                    batch.push(html);
                }
                Ok(Some(batch))
            })?;
            Ok(files.expect("an indexer is never cancelled"))
        });
        Indexer {
            positions,
            first_script,
            pages: sender,
            thread,
        }
    }

    /// Gives the indexer a rendered file; only pages and scripts are
    /// indexed ([`Pages`] says why), the rest is left out.
    pub fn add(&self, origin: Origin, html: Vec<u8>) {
        let position = match origin {
            Origin::Node(NodeId::Document(index)) => match self.positions.get(index) {
                Some(Some(position)) => *position,
                _ => return,
            },
            Origin::Node(NodeId::Script(index)) => self.first_script + index,
            Origin::Generated | Origin::Static => return,
        };
        // A send fails only once the indexer has stopped on an error, which
        // `finish` reports.
        let _ = self.pages.send((position, html));
    }

    /// Waits for the index: the files of [`Pages::index`].
    pub fn finish(self) -> Result<Vec<(String, Vec<u8>)>, SearchError> {
        drop(self.pages);
        self.thread.join().unwrap_or_else(|panic| {
            Err(SearchError::Panic(crate::error::panicked_message(
                panic.as_ref(),
            )))
        })
    }
}

/// What Pagefind needs of a page: the element that holds its text, with the
/// page's `<title>`, in a bare document. That element is the one the theme
/// marks `data-pagefind-body`, or, on a page that marks none, its `<main>`
/// (HTML's element for the page's own content), so that a theme that marks
/// nothing is not searched by its menus and footers. Parsing those was also
/// half of Pagefind's work. The page is kept whole when cutting could change
/// what the theme asked for: no such element, several of them, another
/// element of the same name to confuse its end with, or a Pagefind attribute
/// (`data-pagefind-…`), `<h1>` or `<img>` outside it (Pagefind takes the
/// title and image of a result from the first ones on the page).
fn indexed_part(html: String) -> String {
    let start = match html.find("data-pagefind-body") {
        Some(mark) => html[..mark].rfind('<'),
        None => html.find("<main").filter(|at| {
            html[at + "<main".len()..].starts_with(|c: char| c.is_ascii_whitespace() || c == '>')
        }),
    };
    let Some(start) = start else {
        return html;
    };
    let name: String = html[start + 1..]
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect();
    let (open, close) = (format!("<{name}"), format!("</{name}>"));
    let opened = html.match_indices(&open).filter(|(at, _)| {
        html[at + open.len()..]
            .starts_with(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/')
    });
    if name.is_empty() || opened.count() != 1 {
        return html;
    }
    let Some(end) = html[start..]
        .find(&close)
        .map(|at| start + at + close.len())
    else {
        return html;
    };
    let outside = [&html[..start], &html[end..]];
    let needed = ["data-pagefind-", "<h1", "<img"];
    if outside
        .iter()
        .any(|part| needed.iter().any(|n| part.contains(n)))
    {
        return html;
    }
    let title = html[..start]
        .find("<title>")
        .and_then(|at| Some(&html[at..at + html[at..].find("</title>")? + "</title>".len()]))
        .unwrap_or_default();
    format!(
        "<html><head>{title}</head><body>{}</body></html>",
        &html[start..end]
    )
}

/// The page with its entry's filters and metadata added as empty
/// `data-pagefind-filter` and `data-pagefind-meta` elements just before
/// `</body>` (Pagefind reads both anywhere in the page; metadata the theme
/// set itself under the same name is replaced).
fn with_marks(mut html: String, entry: &Entry) -> String {
    let marks = [("filter", &entry.filters), ("meta", &entry.meta)];
    let mut tags = String::new();
    for (kind, pairs) in marks {
        for (name, value) in pairs {
            let _ = write!(
                tags,
                "<span data-pagefind-{kind}=\"{name}:{}\"></span>",
                crate::escape::escape(value)
            );
        }
    }
    if tags.is_empty() {
        return html;
    }
    let at = html.rfind("</body>").unwrap_or(html.len());
    html.insert_str(at, &tags);
    html
}

#[derive(Serialize)]
struct FilterLabel<'a> {
    id: &'a str,
    label: &'a str,
}

/// The filters' values with their labels, in declaration order, each list
/// holding only the values some script has.
fn filter_labels(config: &Config, site: &Site) -> Vec<u8> {
    let mut situations = BTreeSet::new();
    let mut relationships = BTreeSet::new();
    let mut channels = BTreeSet::new();
    for script in &site.scripts {
        situations.insert(&script.situation[..]);
        relationships.extend(script.relationship.iter().map(|r| &r[..]));
        channels.extend(script.messages.iter().map(|m| &m.channel[..]));
    }
    let channel_labels: Vec<FilterLabel<'_>> = config
        .channels
        .iter()
        .filter(|c| channels.contains(&c.id[..]))
        .map(|c| FilterLabel {
            id: &c.id,
            label: &c.label,
        })
        .collect();
    let json = serde_json::json!({
        "situation": used_labels(&config.situations, &situations),
        "relationship": used_labels(&config.relationships, &relationships),
        "channel": channel_labels,
    });
    serde_json::to_vec(&json).expect("plain JSON values serialize")
}

fn used_labels<'a>(list: &'a [Label], used: &BTreeSet<&str>) -> Vec<FilterLabel<'a>> {
    list.iter()
        .filter(|l| used.contains(&l.id[..]))
        .map(|l| FilterLabel {
            id: &l.id,
            label: &l.label,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(filters: &[(&'static str, &str)], meta: &[(&'static str, &str)]) -> Entry {
        let owned = |pairs: &[(&'static str, &str)]| {
            pairs.iter().map(|(k, v)| (*k, v.to_string())).collect()
        };
        Entry {
            url: "/a/".into(),
            filters: owned(filters),
            meta: owned(meta),
        }
    }

    #[test]
    fn filters_and_metadata_go_just_before_the_end_of_the_body() {
        let html = "<html><body><main>x</main></body></html>";
        let marked = entry(
            &[("channel", "email"), ("situation", "a\"b")],
            &[("channels", "Email, LinkedIn message")],
        );
        assert_eq!(
            with_marks(html.to_string(), &marked),
            "<html><body><main>x</main>\
             <span data-pagefind-filter=\"channel:email\"></span>\
             <span data-pagefind-filter=\"situation:a&quot;b\"></span>\
             <span data-pagefind-meta=\"channels:Email, LinkedIn message\"></span></body></html>"
        );
        assert_eq!(with_marks(html.to_string(), &entry(&[], &[])), html);
    }

    #[test]
    fn pagefind_gets_only_the_body_element_when_that_changes_nothing() {
        let page = |header: &str| {
            format!(
                "<html lang=\"en\"><head><title>T</title></head><body>\
                 <form data-pagefind=\"/pagefind/\"></form>{header}\
                 <main class=\"m\" data-pagefind-body><h1>A</h1><p>b</p></main>\
                 <footer>f</footer></body></html>"
            )
        };
        assert_eq!(
            indexed_part(page("<nav>menu</nav>")),
            "<html><head><title>T</title></head><body>\
             <main class=\"m\" data-pagefind-body><h1>A</h1><p>b</p></main></body></html>"
        );
        for kept in [
            "<h1>Site</h1>",
            "<img src=\"logo.png\">",
            "<span data-pagefind-filter=\"x:y\"></span>",
            "<main>another</main>",
            "<div data-pagefind-body>second body</div>",
        ] {
            assert_eq!(indexed_part(page(kept)), page(kept), "{kept}");
        }
        let plain = "<html><body><p>no body element</p></body></html>".to_string();
        assert_eq!(indexed_part(plain.clone()), plain);
    }

    #[test]
    fn a_page_that_marks_no_body_is_indexed_from_its_main_element() {
        let page = |header: &str, main: &str| {
            format!(
                "<html><head><title>T</title></head><body>{header}<nav>menu</nav>\
                 {main}<footer>f</footer></body></html>"
            )
        };
        let main = "<main id=\"m\"><h1>A</h1><p>b</p></main>";
        assert_eq!(
            indexed_part(page("", main)),
            format!("<html><head><title>T</title></head><body>{main}</body></html>")
        );
        // Kept whole: a heading or a Pagefind mark outside it, two mains,
        // an element only named like it.
        for (header, main) in [
            ("<h1>Site</h1>", main),
            ("<span data-pagefind-meta=\"x:y\"></span>", main),
            ("<main>one</main>", main),
            ("", "<mainly>not main</mainly>"),
        ] {
            let whole = page(header, main);
            assert_eq!(indexed_part(whole.clone()), whole, "{header} {main}");
        }
    }

    /// Pagefind's files for `pages` (URL and HTML): given one at a time
    /// (Pagefind's own way), or all in one parallel batch and built by
    /// moving the pages (`add_html_files` and `into_files`, from guide's
    /// patch of Pagefind: `vendor/pagefind/PATCHES.md`).
    fn pagefind_files(pages: &[(&str, String)], batch: bool) -> BTreeMap<String, Vec<u8>> {
        pagefind_files_in("en", pages, batch)
    }

    fn pagefind_files_in(
        language: &str,
        pages: &[(&str, String)],
        batch: bool,
    ) -> BTreeMap<String, Vec<u8>> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let config = PagefindServiceConfig::builder()
            .force_language(language.into())
            .build();
        let files = runtime.block_on(async {
            let mut index = PagefindIndex::new(Some(config)).unwrap();
            if batch {
                let files = pages
                    .iter()
                    .map(|(url, html)| (None, Some(url.to_string()), html.clone()))
                    .collect();
                for result in index.add_html_files(files).await.unwrap() {
                    result.unwrap();
                }
                index.into_files().await.unwrap()
            } else {
                for (url, html) in pages {
                    index
                        .add_html_file(None, Some(url.to_string()), html.clone())
                        .await
                        .unwrap();
                }
                index.get_files().await.unwrap()
            }
        });
        files
            .into_iter()
            .map(|f| (f.filename.to_string_lossy().into_owned(), f.contents))
            .collect()
    }

    #[test]
    fn a_long_language_tag_is_indexed() {
        // A valid BCP 47 tag of 40 bytes: Pagefind 1.6.0 cut its hashes past
        // their end for any language over 32 bytes, and panicked.
        let language = "en-GB-x-abcdefgh-abcdefgh-abcdefgh-abcde";
        assert_eq!(language.len(), 40);
        let pages: Vec<(String, String)> = (0..40)
            .map(|n| {
                let html = format!(
                    "<html lang=\"en\"><head><title>P{n}</title></head><body data-pagefind-filter=\"kind:k{n}\">\
                     <main data-pagefind-body><h1>P{n}</h1><p>word{n} shared</p></main></body></html>"
                );
                (format!("/p{n}/"), html)
            })
            .collect();
        let pages: Vec<(&str, String)> =
            pages.iter().map(|(u, h)| (u.as_str(), h.clone())).collect();
        let files = pagefind_files_in(language, &pages, true);
        let fragments = files.keys().filter(|f| f.starts_with("fragment/")).count();
        assert_eq!(fragments, 40, "{:?}", files.keys().collect::<Vec<_>>());
        // A short tag's file names are what they were before the patch.
        let short = pagefind_files_in("en", &pages, true);
        assert!(
            short
                .keys()
                .filter(|f| f.starts_with("fragment/"))
                .all(|f| f.len() == "fragment/en_".len() + 7 + ".pf_fragment".len()),
            "{:?}",
            short.keys().collect::<Vec<_>>()
        );
    }

    #[test]
    fn pagefind_parses_a_batch_in_parallel_into_the_same_index() {
        let page = |n: usize, words: &str| {
            format!(
                "<html lang=\"en\"><head><title>Page {n}</title></head><body>\
                 <main data-pagefind-body><h1>Page {n}</h1><p>{words} number{n}</p></main>\
                 </body></html>"
            )
        };
        let mut pages: Vec<(String, String)> = (0..40)
            .map(|n| (format!("/p/{n}/"), page(n, "apology coffee repair")))
            .collect();
        // A URL given twice keeps its place and takes the later page.
        pages.push(("/p/3/".into(), page(3, "replaced entirely")));
        let pages: Vec<(&str, String)> = pages.iter().map(|(u, h)| (&u[..], h.clone())).collect();

        let one_by_one = pagefind_files(&pages, false);
        let batched = pagefind_files(&pages, true);
        assert_eq!(
            one_by_one.keys().collect::<Vec<_>>(),
            batched.keys().collect::<Vec<_>>()
        );
        for (name, bytes) in &one_by_one {
            assert!(bytes == &batched[name], "{name} differs");
        }
        let entry: serde_json::Value =
            serde_json::from_slice(&batched["pagefind-entry.json"]).unwrap();
        assert_eq!(entry["languages"]["en"]["page_count"], 40, "{entry}");
    }

    #[test]
    fn pagefind_indexes_a_page_in_memory() {
        let html = with_marks(
            "<html><body><main data-pagefind-body><h1>Mending</h1><p>apology</p></main></body></html>"
                .to_string(),
            &entry(&[("channel", "email")], &[]),
        );
        let files = pagefind_files(&[("/a/", html)], false);
        let names: Vec<&String> = files.keys().collect();
        assert!(files.contains_key("pagefind.js"), "{names:?}");
        assert!(names.iter().any(|n| n.starts_with("filter/")), "{names:?}");
        assert!(
            names.iter().any(|n| n.starts_with("fragment/")),
            "{names:?}"
        );
    }
}
