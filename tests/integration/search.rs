//! Offline search: the Pagefind index a build writes under `pagefind/`, the
//! `[search]` switch, and the theme's search box driven in Chromium.
//!
//! The browser test uses `chrome.rs`, as every browser test does: without
//! Chromium it prints a notice and passes, unless `GUIDE_BROWSER_TESTS=required`.

use serde_json::Value;

use super::chrome::{self, eval, js, wait_for};
use crate::assert_contains;
use crate::support::Site;

#[test]
fn a_build_writes_the_search_index() {
    let site = Site::fixture("basic");
    site.build();
    for file in [
        "pagefind/pagefind.js",
        "pagefind/pagefind-worker.js",
        "pagefind/pagefind-entry.json",
        "pagefind/wasm.en.pagefind",
        "pagefind/guide-filters.json",
    ] {
        assert!(site.has(file), "no {file} in the built site");
    }
    let dir = site.root().join("public/pagefind");
    for folder in ["index", "fragment", "filter"] {
        let count = std::fs::read_dir(dir.join(folder)).map_or(0, |d| d.count());
        assert!(count > 0, "no files in pagefind/{folder}/");
    }
    // The filter labels name only what the scripts use, in site.toml's order.
    let labels: Value = serde_json::from_str(&site.public("pagefind/guide-filters.json")).unwrap();
    assert_eq!(labels["situation"][0]["id"], "first-contact");
    assert!(labels["channel"].as_array().is_some_and(|c| !c.is_empty()));
}

/// Pagefind parses pages in parallel, in batches whose sizes depend on how
/// fast the pages render; the index must not depend on them (Pagefind
/// numbers pages in the order it records them, and browsers cache its
/// files by name). The bundled guide has enough pages for several batches.
#[test]
fn the_search_index_is_the_same_from_build_to_build() {
    let out = tempfile::tempdir().unwrap();
    let mut indexes = Vec::new();
    for name in ["first", "second", "third"] {
        let target = out.path().join(name);
        let run = crate::support::build_bundled(&target, &["--quiet"]);
        assert!(run.ok, "{}", run.stderr);
        indexes.push(crate::support::snapshot(&target.join("pagefind")));
    }
    let fragments = indexes[0]
        .keys()
        .filter(|p| p.starts_with("fragment/"))
        .count();
    assert!(fragments > 40, "only {fragments} pages indexed");
    for (n, index) in indexes.iter().enumerate().skip(1) {
        assert_eq!(
            index.keys().collect::<Vec<_>>(),
            indexes[0].keys().collect::<Vec<_>>(),
            "build {} wrote other index files",
            n + 1
        );
        for (path, bytes) in index {
            assert!(
                bytes == &indexes[0][path],
                "{path} differs in build {}",
                n + 1
            );
        }
    }
}

#[test]
fn search_can_be_switched_off() {
    let site = Site::fixture("basic");
    let toml = std::fs::read_to_string(site.root().join("site.toml")).unwrap();
    site.write("site.toml", &format!("{toml}\n[search]\nenabled = false\n"));
    let run = site.build();
    assert!(site.has("index.html"));
    assert!(
        !site.has("pagefind"),
        "a build without search wrote pagefind/"
    );
    assert!(run.stdout.starts_with("Built"), "{}", run.stdout);
}

#[test]
fn an_unknown_search_key_is_an_error() {
    let site = Site::fixture("basic");
    let toml = std::fs::read_to_string(site.root().join("site.toml")).unwrap();
    site.write("site.toml", &format!("{toml}\n[search]\nenable = false\n"));
    let stderr = site.run(&["build"]).failed().to_string();
    assert_contains!(stderr, "unknown key `enable` in site.toml");
    assert_contains!(stderr, "did you mean `enabled`?");
}

// ----- In the browser -----

/// A word of one page's body and nowhere else in the bundled guide.
const WORD: &str = "tessellate";
const WORD_PAGE: &str = "after-the-repair/staying-in-touch/";
const CHANNEL: &str = "linkedin-note";

#[test]
fn the_search_box_finds_a_page_and_filters_scripts_by_channel() {
    let Some(browser) = chrome::launch("the search browser test") else {
        return;
    };
    let served = chrome::bundled_site();
    let page = served
        .text(&format!("{WORD_PAGE}index.html"))
        .to_lowercase();
    assert!(
        page.contains(WORD),
        "the bundled page {WORD_PAGE} no longer says `{WORD}`"
    );
    let tab = chrome::open(&browser, &served.base);

    // Nothing of Pagefind is loaded before the reader uses the search box.
    wait_for(
        &tab,
        "search.js shows the box",
        "!document.querySelector('form.site-search').hidden",
    );
    assert_eq!(
        eval(&tab, "performance.getEntriesByType('resource').filter(e => e.name.includes('/pagefind/')).length"),
        0
    );

    // A word from one page's body finds that page, with title, excerpt and link.
    eval(&tab, "document.querySelector('#site-search-input').focus()");
    tab.type_str(WORD).unwrap();
    let url = format!("/{WORD_PAGE}");
    wait_for(
        &tab,
        "the page is among the results",
        &format!(
            "[...document.querySelectorAll('.search-result')].some(r => r.dataset.url === {})",
            js(&url)
        ),
    );
    let first = eval(
        &tab,
        "(() => { const r = document.querySelector('.search-result'); return { url: r.dataset.url, \
         href: r.querySelector('a').getAttribute('href'), title: r.querySelector('.search-result__title').textContent, \
         excerpt: r.querySelector('.search-result__excerpt').innerHTML }; })()",
    );
    assert_eq!(first["url"], url, "{first}");
    assert_eq!(first["href"], url);
    assert_eq!(first["title"], "Staying in touch", "{first}");
    assert_contains!(
        first["excerpt"].as_str().unwrap().to_lowercase(),
        "<mark>tessellate"
    );

    // Keyboard: Down moves into the results, Escape closes them and returns.
    tab.press_key("ArrowDown").unwrap();
    assert_eq!(
        eval(&tab, "document.activeElement.getAttribute('href')"),
        Value::String(url.clone())
    );
    tab.press_key("Escape").unwrap();
    assert_eq!(eval(&tab, "document.activeElement.id"), "site-search-input");
    assert_eq!(
        eval(&tab, "document.querySelector('#site-search-panel').hidden"),
        true
    );

    // Filtered by channel, with no words: exactly the scripts with that channel.
    let expected: Vec<String> = served
        .files
        .iter()
        .filter(|(path, html)| {
            path.starts_with("scripts/")
                && *path != "scripts/index.html"
                && String::from_utf8_lossy(html).contains(&format!("data-channel=\"{CHANNEL}\""))
        })
        .map(|(path, _)| format!("/{}", path.trim_end_matches("index.html")))
        .collect();
    assert!(
        !expected.is_empty(),
        "no script of the bundled guide uses {CHANNEL}"
    );
    eval(
        &tab,
        &format!(
            "(() => {{ const i = document.querySelector('#site-search-input'); i.value = ''; \
             const s = document.querySelector('#site-search-channel'); s.value = {}; \
             s.dispatchEvent(new Event('change')); }})()",
            js(CHANNEL)
        ),
    );
    let found = wait_for(
        &tab,
        "the channel filter shows its scripts",
        &format!(
            "(() => {{ const urls = [...document.querySelectorAll('.search-result')].map(r => r.dataset.url); \
             return urls.length === {} && !urls.includes({}) ? urls : null; }})()",
            expected.len(),
            js(&url)
        ),
    );
    let mut found: Vec<String> = serde_json::from_value(found).unwrap();
    let mut expected = expected;
    found.sort();
    expected.sort();
    assert_eq!(found, expected);
    let status = eval(
        &tab,
        "document.querySelector('#site-search-status').textContent",
    );
    assert_eq!(status, format!("{} results.", expected.len()));
}

#[test]
fn the_search_box_is_left_out_when_search_is_off() {
    let site = crate::support::Site::fixture("basic");
    let toml = std::fs::read_to_string(site.root().join("site.toml")).unwrap();
    site.write("site.toml", &format!("{toml}\n[search]\nenabled = false\n"));
    site.write(
        "themes/mini/templates/index.html",
        "{% if config.search %}SEARCH ON{% else %}SEARCH OFF{% endif %}",
    );
    site.build();
    assert_eq!(site.public("index.html"), "SEARCH OFF");
}
