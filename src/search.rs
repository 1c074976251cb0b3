//! The offline search index: the rendered pages and scripts of an
//! [`Output`], indexed by Pagefind into files served under `pagefind/`.
//!
//! Pagefind splits its index into small chunks that the browser fetches only
//! as a query needs them, so a search stays cheap however large the site
//! grows, and works on any static host, offline included. It indexes the
//! HTML the theme rendered (the theme marks what counts with
//! `data-pagefind-body`); the filters of scripts (situation, relationship,
//! channel) come from the site model, not from the theme, so that any theme
//! gets them. Nothing here touches the disk: the files come back as
//! `(path, bytes)` for the caller to put into the output.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;
use serde::Serialize;

use crate::config::{Config, Label};
use crate::output::Output;
use crate::render::output_path;
use crate::site::Site;

/// The folder of the search files in the output.
pub const DIR: &str = "pagefind";

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
    #[error("Pagefind could not write its index: {0}")]
    Files(String),
    #[error("the rendered page `{0}` is missing from the output")]
    Missing(String),
}

impl From<SearchError> for crate::error::Error {
    fn from(error: SearchError) -> Self {
        crate::error::Error::with_help(
            format!("cannot build the search index: {error}"),
            "set `enabled = false` under `[search]` in site.toml to build without search",
        )
    }
}

/// One page to index: its URL, its HTML and the filters it carries.
struct Entry {
    url: String,
    html: String,
    filters: Vec<(&'static str, String)>,
}

/// Indexes every page, section and script of `site` from its rendered HTML in
/// `output`, and returns Pagefind's files (its index, `pagefind.js`, the
/// WebAssembly and worker files, its UI files) and [`FILTERS_FILE`], with
/// paths relative to the output root (`pagefind/pagefind.js`).
pub fn index(
    config: &Config,
    site: &Site,
    output: &Output,
) -> Result<Vec<(String, Vec<u8>)>, SearchError> {
    let entries = entries(config, site, output)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(SearchError::Runtime)?;
    let files = runtime.block_on(run_pagefind(config, entries))?;
    let mut files: Vec<(String, Vec<u8>)> = files
        .into_iter()
        .map(|file| {
            let name = file.filename.to_string_lossy().replace('\\', "/");
            (format!("{DIR}/{name}"), file.contents)
        })
        .collect();
    files.push((format!("{DIR}/{FILTERS_FILE}"), filter_labels(config, site)));
    Ok(files)
}

async fn run_pagefind(
    config: &Config,
    entries: Vec<Entry>,
) -> Result<Vec<pagefind::api::SyntheticFile>, SearchError> {
    let options = PagefindServiceConfig::builder()
        .force_language(config.language.clone())
        .build();
    let mut index =
        PagefindIndex::new(Some(options)).map_err(|e| SearchError::Options(e.to_string()))?;
    for entry in entries {
        let html = with_filters(&entry.html, &entry.filters);
        index
            .add_html_file(None, Some(entry.url.clone()), html)
            .await
            .map_err(|e| SearchError::Page {
                url: entry.url,
                message: e.to_string(),
            })?;
    }
    index
        .get_files()
        .await
        .map_err(|e| SearchError::Files(e.to_string()))
}

/// The documents and scripts to index, in site order; generated pages (tag
/// lists, redirects, the 404 page) are left out.
fn entries(config: &Config, site: &Site, output: &Output) -> Result<Vec<Entry>, SearchError> {
    let html = |url: &str| {
        let path = output_path(config, url);
        output
            .get(&path)
            .map(|bytes| String::from_utf8_lossy(bytes).into_owned())
            .ok_or(SearchError::Missing(path))
    };
    let mut entries = Vec::with_capacity(site.documents.len() + site.scripts.len());
    for document in &site.documents {
        entries.push(Entry {
            url: document.url.clone(),
            html: html(&document.url)?,
            filters: Vec::new(),
        });
    }
    for script in &site.scripts {
        let mut filters = vec![("situation", script.situation.clone())];
        filters.extend(
            script
                .relationship
                .iter()
                .map(|r| ("relationship", r.clone())),
        );
        let channels: BTreeSet<&str> = script.messages.iter().map(|m| &m.channel[..]).collect();
        filters.extend(channels.into_iter().map(|c| ("channel", c.to_string())));
        entries.push(Entry {
            url: script.url.clone(),
            html: html(&script.url)?,
            filters,
        });
    }
    Ok(entries)
}

/// The page with its filters added as empty `data-pagefind-filter` elements
/// just before `</body>` (Pagefind reads filters anywhere in the page).
fn with_filters(html: &str, filters: &[(&str, String)]) -> String {
    if filters.is_empty() {
        return html.to_string();
    }
    let mut tags = String::new();
    for (name, value) in filters {
        let _ = write!(
            tags,
            "<span data-pagefind-filter=\"{name}:{}\"></span>",
            escape_attribute(value)
        );
    }
    let at = html.rfind("</body>").unwrap_or(html.len());
    let mut out = String::with_capacity(html.len() + tags.len());
    out.push_str(&html[..at]);
    out.push_str(&tags);
    out.push_str(&html[at..]);
    out
}

fn escape_attribute(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
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

    #[test]
    fn filters_go_just_before_the_end_of_the_body() {
        let html = "<html><body><main>x</main></body></html>";
        let filters = [
            ("channel", "email".to_string()),
            ("situation", "a\"b".into()),
        ];
        assert_eq!(
            with_filters(html, &filters),
            "<html><body><main>x</main>\
             <span data-pagefind-filter=\"channel:email\"></span>\
             <span data-pagefind-filter=\"situation:a&quot;b\"></span></body></html>"
        );
        assert_eq!(with_filters(html, &[]), html);
    }

    #[test]
    fn pagefind_indexes_a_page_in_memory() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let config = PagefindServiceConfig::builder()
            .force_language("en".into())
            .build();
        let files = runtime.block_on(async {
            let mut index = PagefindIndex::new(Some(config)).unwrap();
            let html = with_filters(
                "<html><body><main data-pagefind-body><h1>Mending</h1><p>apology</p></main></body></html>",
                &[("channel", "email".into())],
            );
            index
                .add_html_file(None, Some("/a/".into()), html)
                .await
                .unwrap();
            index.get_files().await.unwrap()
        });
        let names: Vec<String> = files
            .iter()
            .map(|f| f.filename.to_string_lossy().into_owned())
            .collect();
        assert!(names.iter().any(|n| n == "pagefind.js"), "{names:?}");
        assert!(names.iter().any(|n| n.starts_with("filter/")), "{names:?}");
        assert!(
            names.iter().any(|n| n.starts_with("fragment/")),
            "{names:?}"
        );
    }
}
