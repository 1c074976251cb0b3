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

/// Every page of the search index, by URL, as the browser gets it: each
/// fragment of `pagefind/fragment/` is gzip holding `pagefind_dcd` and the
/// page's JSON (its URL, text, metadata and filters).
fn indexed_pages(pagefind: &std::path::Path) -> std::collections::BTreeMap<String, Value> {
    use std::io::Read as _;
    let mut pages = std::collections::BTreeMap::new();
    for entry in std::fs::read_dir(pagefind.join("fragment")).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        let mut text = Vec::new();
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_end(&mut text)
            .unwrap();
        let json = text
            .strip_prefix(b"pagefind_dcd")
            .expect("a fragment starts with Pagefind's signature");
        let page: Value = serde_json::from_slice(json).unwrap();
        pages.insert(page["url"].as_str().unwrap().to_string(), page);
    }
    pages
}

/// The bundled guide, built once for the tests that read its index.
fn bundled_index() -> &'static (tempfile::TempDir, std::collections::BTreeMap<String, Value>) {
    static BUILT: std::sync::OnceLock<(
        tempfile::TempDir,
        std::collections::BTreeMap<String, Value>,
    )> = std::sync::OnceLock::new();
    BUILT.get_or_init(|| {
        let out = tempfile::tempdir().unwrap();
        let run = crate::support::build_bundled(&out.path().join("public"), &["--quiet"]);
        assert!(run.ok, "{}", run.stderr);
        let pages = indexed_pages(&out.path().join("public/pagefind"));
        (out, pages)
    })
}

#[test]
fn list_pages_are_left_out_of_the_index() {
    let (out, pages) = bundled_index();
    let public = out.path().join("public");
    // What the build wrote: every page with an index.html, sorted into the
    // pages and scripts a reader looks for and the pages that list them.
    let content = crate::support::repo().join("content");
    let sections = [
        "/",
        "/scripts/",
        "/first-message/",
        "/called-out/",
        "/no-answer/",
    ];
    for url in sections {
        assert!(
            public
                .join(url.trim_start_matches('/'))
                .join("index.html")
                .is_file(),
            "the bundled guide has no {url}"
        );
        assert!(
            !pages.contains_key(url),
            "the list page {url} is in the search index"
        );
    }
    for term in ["/tags/", "/tags/apology/"] {
        assert!(
            !pages.contains_key(term),
            "the term list {term} is in the search index"
        );
    }
    // Every page and script is there: one for each Markdown page that is not
    // an `_index.md`, and each script file.
    let mut expected = std::collections::BTreeSet::new();
    for entry in walk(&content) {
        let relative = entry
            .strip_prefix(&content)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let Some(stem) = relative
            .strip_suffix(".md")
            .or_else(|| relative.strip_suffix(".yaml"))
        else {
            continue;
        };
        if stem.ends_with("_index") || stem.contains('.') {
            continue; // sections, and translations (`name.fr.md`)
        }
        expected.insert(format!("/{stem}/"));
    }
    let indexed: std::collections::BTreeSet<String> = pages.keys().cloned().collect();
    assert_eq!(indexed, expected);
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[test]
fn a_script_is_indexed_by_its_messages_and_guidance_not_its_labels() {
    let (_, pages) = bundled_index();
    for (url, message, guidance) in [
        (
            "/scripts/connection-note/",
            "Hi Priya, I still think about the Atlas launch, and I was wrong to push the migration through without you.",
            "One clause of ownership fits in 200 characters",
        ),
        (
            "/scripts/coffee-ask/",
            "Hi Priya",
            "When to use it.",
        ),
    ] {
        let page = &pages[url];
        let text = page["content"].as_str().unwrap();
        assert_contains!(text, message);
        assert_contains!(text, guidance);
        for label in [
            "With the example values",
            "characters.",
            "Sent as",
            "Who they were to you",
            "Their first name",
            "it follows",
            "How to use it",
            "Script ·",
            "Free LinkedIn accounts get",
        ] {
            assert!(!text.contains(label), "{url} is indexed with `{label}`:\n{text}");
        }
    }
    // Its result says what it is for, from the script's metadata.
    let meta = &pages["/scripts/connection-note/"]["meta"];
    assert_eq!(meta["kind"], "Script", "{meta}");
    assert_eq!(meta["situation"], "Breaking the silence", "{meta}");
    assert_eq!(meta["channels"], "LinkedIn connection note", "{meta}");
    let meta = &pages["/scripts/coffee-ask/"]["meta"];
    assert_eq!(meta["channels"], "LinkedIn message, Email", "{meta}");
}

#[test]
fn a_page_is_indexed_with_its_chapter_and_keywords_but_not_its_counters() {
    let (_, pages) = bundled_index();
    let page = &pages["/special-cases/former-manager/"];
    assert_eq!(page["meta"]["chapter"], "Special cases", "{page}");
    assert_contains!(page["meta"]["keywords"].as_str().unwrap(), "former boss");
    let text = page["content"].as_str().unwrap();
    assert!(!text.contains("min read"), "{text}");
    assert!(!text.contains("Published 2026"), "{text}");
    assert!(
        !text.contains("former boss"),
        "keywords are searched, never shown: {text}"
    );
    // A page of the home section names no chapter.
    assert!(pages
        .values()
        .all(|p| p["meta"]["chapter"] != "Mending Bridges"));
}

#[test]
fn a_theme_that_marks_nothing_is_indexed_from_main_and_lists_nothing() {
    let site = Site::fixture("basic");
    let themes = site.root().join("themes");
    let theme = std::fs::read_dir(&themes)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .file_name();
    let theme = theme.to_string_lossy();
    let page = |main: &str| {
        format!(
            "<!doctype html><html lang=\"en\"><head><title>T</title></head><body>\
             <nav>MENUWORD</nav><main>{main}</main><footer>FOOTERWORD</footer></body></html>"
        )
    };
    site.write(
        &format!("themes/{theme}/templates/page.html"),
        &page("{{ page.content | safe }}"),
    );
    for list in ["section.html", "index.html"] {
        site.write(
            &format!("themes/{theme}/templates/{list}"),
            &page("SECTIONWORD"),
        );
    }
    let run = site.build();
    assert!(run.ok, "{}", run.stderr);
    let pages = indexed_pages(&site.root().join("public/pagefind"));
    let documents: Vec<&Value> = pages
        .iter()
        .filter(|(url, _)| !url.starts_with("/scripts/"))
        .map(|(_, page)| page)
        .collect();
    assert!(!documents.is_empty(), "no page indexed: {:?}", pages.keys());
    for page in documents {
        let text = page["content"].as_str().unwrap();
        for chrome in ["MENUWORD", "FOOTERWORD", "SECTIONWORD"] {
            assert!(!text.contains(chrome), "{}: {text}", page["url"]);
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

// ----- Search that answers readers, in the browser -----

/// Emulates a window `width` pixels wide (375: a phone).
fn set_width(tab: &headless_chrome::Tab, width: u32) {
    crate::chrome::set_viewport(tab, width, 800, width < 600);
}

/// A tab on a page of the bundled guide, `width` wide, with the search box shown.
fn search_tab(
    browser: &headless_chrome::Browser,
    served: &chrome::Served,
    width: u32,
) -> std::sync::Arc<headless_chrome::Tab> {
    search_tab_on(browser, served, width, "/first-message/timing/")
}

/// [`search_tab`] on the page at `path`.
fn search_tab_on(
    browser: &headless_chrome::Browser,
    served: &chrome::Served,
    width: u32,
    path: &str,
) -> std::sync::Arc<headless_chrome::Tab> {
    let tab = chrome::open_with(browser, &served.url(path), |tab| set_width(tab, width));
    wait_for(
        &tab,
        "search.js shows the box",
        "!document.querySelector('form.site-search').hidden",
    );
    tab
}

/// Searches for `query` through the box and returns the URLs of the results
/// shown, once the status line has answered it.
fn search_for(tab: &headless_chrome::Tab, query: &str) -> Vec<String> {
    let set = |value: &str| {
        eval(
            tab,
            &format!(
                "(() => {{ const i = document.querySelector('#site-search-input'); i.focus(); i.value = {}; \
                 i.dispatchEvent(new Event('input')); }})()",
                js(value)
            ),
        );
    };
    // An empty box empties the status, so the next answer is this query's.
    set("");
    wait_for(
        tab,
        "the empty box clears the results",
        "document.querySelector('#site-search-status').textContent === '' && !document.querySelector('.search-result')",
    );
    set(query);
    let urls = wait_for(
        tab,
        &format!("the results for {query:?} show"),
        "document.querySelector('#site-search-status').textContent !== '' && \
         !document.querySelector('#site-search-status').textContent.startsWith('Loading') && \
         [...document.querySelectorAll('.search-result')].map(r => r.dataset.url)",
    );
    serde_json::from_value(urls).unwrap()
}

#[test]
fn the_filters_show_on_focus_in_one_compact_row() {
    let Some(browser) = chrome::launch("the search filter test") else {
        return;
    };
    let served = chrome::bundled_site();
    for width in [1280, 375] {
        let tab = search_tab(&browser, served, width);
        eval(&tab, "document.querySelector('#site-search-input').focus()");
        let row = wait_for(
            &tab,
            &format!("the filters show on focus at {width} px"),
            "(() => { const f = document.querySelector('.site-search__filters'); \
             const s = [...f.querySelectorAll('select')]; \
             if (f.hidden || document.querySelector('#site-search-panel').hidden || !s.length) return null; \
             return { tops: s.map(x => Math.round(x.getBoundingClientRect().top)), \
               height: f.getBoundingClientRect().height, \
               names: s.map(x => x.labels[0].textContent), \
               first: s.map(x => x.options[0].textContent), \
               results: document.querySelectorAll('.search-result').length }; })()",
        );
        let tops = row["tops"].as_array().unwrap();
        assert!(
            tops.iter().all(|t| t == &tops[0]),
            "{width} px: not one row: {row}"
        );
        assert!(
            row["height"].as_f64().unwrap() < 48.0,
            "{width} px: not compact: {row}"
        );
        assert_eq!(
            row["names"],
            serde_json::json!(["Situation", "Who they were to you", "Channel"]),
            "{row}"
        );
        assert_eq!(
            row["first"],
            serde_json::json!(["Any situation", "Anyone", "Any channel"]),
            "{row}"
        );
        assert_eq!(row["results"], 0, "{row}");
        let _ = tab.close(true);
    }
}

#[test]
fn show_more_reveals_the_next_ten_results_and_moves_focus_to_them() {
    let Some(browser) = chrome::launch("the search 'Show more' test") else {
        return;
    };
    let served = chrome::bundled_site();
    let tab = search_tab(&browser, served, 1280);
    let first = search_for(&tab, "you");
    assert_eq!(first.len(), 10, "{first:?}");
    // What Pagefind itself ranks 11th to 20th for the same words (the module
    // is the page's own, with search.js's ranking).
    let expected: Vec<String> = serde_json::from_value(eval(
        &tab,
        "(async () => { const pf = await import('/pagefind/pagefind.js'); const r = await pf.search('you'); \
         if (r.results.length <= 20) throw new Error('only ' + r.results.length + ' results'); \
         return Promise.all(r.results.slice(10, 20).map(x => x.data().then(d => d.url))); })()",
    ))
    .unwrap();
    let button = "document.querySelector('.site-search__more')";
    assert_eq!(eval(&tab, &format!("{button}.hidden")), false);
    assert_eq!(eval(&tab, &format!("{button}.textContent")), "Show 10 more");
    // By keyboard: Down from the last result reaches the button; Enter presses it.
    eval(
        &tab,
        "[...document.querySelectorAll('.search-result__link')].at(-1).focus()",
    );
    tab.press_key("ArrowDown").unwrap();
    assert_eq!(
        eval(&tab, "document.activeElement.className"),
        "site-search__more"
    );
    tab.press_key("Enter").unwrap();
    let shown = wait_for(
        &tab,
        "twenty results show",
        "(() => { const r = [...document.querySelectorAll('.search-result')]; return r.length === 20 ? r.map(x => x.dataset.url) : null; })()",
    );
    let shown: Vec<String> = serde_json::from_value(shown).unwrap();
    assert_eq!(shown[..10], first[..], "the first ten stay as they were");
    assert_eq!(shown[10..], expected[..], "results 11 to 20");
    // Focus is on the first new result, and the status says how many show.
    assert_eq!(
        eval(
            &tab,
            "document.activeElement.closest('.search-result').dataset.url"
        ),
        Value::String(expected[0].clone())
    );
    assert_contains!(
        eval(
            &tab,
            "document.querySelector('#site-search-status').textContent"
        )
        .to_string(),
        "showing 20."
    );
    // A new search starts again at ten.
    let again = search_for(&tab, "apology");
    assert!(again.len() <= 10, "{again:?}");
}

#[test]
fn a_script_result_says_its_situation_and_channel_and_quotes_its_message() {
    let Some(browser) = chrome::launch("the search result test") else {
        return;
    };
    let served = chrome::bundled_site();
    let tab = search_tab(&browser, served, 1280);
    for (query, url, context, quoted) in [
        (
            "Atlas launch",
            "/scripts/connection-note/",
            "Breaking the silence · LinkedIn connection note",
            "<mark>launch,</mark> and I was wrong",
        ),
        (
            "floating",
            "/scripts/one-follow-up/",
            "No reply, or a no · LinkedIn message, Email",
            "Hi Priya, I'm <mark>floating</mark>",
        ),
    ] {
        let urls = search_for(&tab, query);
        assert!(urls.contains(&url.to_string()), "{query}: {urls:?}");
        let result = eval(
            &tab,
            &format!(
                "(() => {{ const r = [...document.querySelectorAll('.search-result')].find(r => r.dataset.url === {}); \
                 return {{ kind: r.querySelector('.search-result__kind')?.textContent, \
                 context: r.querySelector('.search-result__context')?.textContent, \
                 excerpt: r.querySelector('.search-result__excerpt').innerHTML }}; }})()",
                js(url)
            ),
        );
        assert_eq!(result["kind"], "Script", "{result}");
        assert_eq!(result["context"], context, "{result}");
        let excerpt = result["excerpt"].as_str().unwrap();
        assert_contains!(excerpt, quoted);
        for label in [
            "With the example values",
            "Sent as",
            "Who they were to you",
            "it follows",
        ] {
            assert!(
                !excerpt.contains(label),
                "{query}: the excerpt shows `{label}`: {excerpt}"
            );
        }
    }
    // A page's result names its chapter.
    let urls = search_for(&tab, "tessellate");
    assert_eq!(urls, [format!("/{WORD_PAGE}")]);
    assert_eq!(
        eval(
            &tab,
            "document.querySelector('.search-result__context').textContent"
        ),
        "After the repair"
    );
}

/// What readers type, and where the guide answers it: each query's top three
/// must hold a page whose URL has one of the given parts. The top three of
/// each are printed (`--nocapture`), to compare one change with the next.
const READER_QUERIES: &[(&str, &[&str])] = &[
    ("apology", &["apolog"]),
    ("LinkedIn", &["/connection-request/", "/connection-note/"]),
    ("they ignored me", &["/no-answer/"]),
    ("former boss", &["/former-manager"]),
    (
        "reference",
        &["/asking-for-a-reference/", "/reference-request/"],
    ),
    ("coffee", &["/coffee-ask/", "/asking-to-catch-up/"]),
    ("what do I say", &[]),
    ("called out", &["/called-out"]),
];

#[test]
fn reader_queries_find_the_page_that_answers_them() {
    let Some(browser) = chrome::launch("the reader-query search test") else {
        return;
    };
    let served = chrome::bundled_site();
    let tab = search_tab(&browser, served, 1280);
    let mut report = Vec::new();
    let mut misses = Vec::new();
    for (query, answers) in READER_QUERIES {
        let urls = search_for(&tab, query);
        let top: Vec<&str> = urls.iter().take(3).map(String::as_str).collect();
        report.push(format!("{query:?}: {}", top.join(" | ")));
        let answered =
            answers.is_empty() || top.iter().any(|u| answers.iter().any(|a| u.contains(a)));
        if !answered {
            misses.push(format!("{query:?} → {top:?}, none of {answers:?}"));
        }
    }
    eprintln!("Top three for each reader query:\n{}", report.join("\n"));
    assert!(
        misses.is_empty(),
        "{}\n(all: {})",
        misses.join("\n"),
        report.join("; ")
    );
}

#[test]
fn each_language_searches_its_own_pages_only() {
    let Some(browser) = chrome::launch("the search-per-language test") else {
        return;
    };
    let served = chrome::bundled_site();
    let spanish = search_tab_on(&browser, served, 1280, "/es/first-message/timing/");
    assert_eq!(
        eval(
            &spanish,
            "document.querySelector('form.site-search').dataset.pagefind"
        ),
        "/es/pagefind/",
        "the Spanish pages search the Spanish index"
    );
    // Spanish words find Spanish pages, and only those.
    for query in ["silencio", "disculpa", "correo"] {
        let urls = search_for(&spanish, query);
        assert!(!urls.is_empty(), "{query:?} finds nothing in Spanish");
        assert!(
            urls.iter().all(|u| u.starts_with("/es/")),
            "{query:?} in Spanish finds pages of another language: {urls:?}"
        );
    }
    // The English box searches the English pages: a Spanish word that
    // appears in no English page finds nothing there.
    let english = search_tab(&browser, served, 1280);
    for query in ["silencio", "disculpa"] {
        let urls = search_for(&english, query);
        assert!(
            urls.iter().all(|u| !u.starts_with("/es/")),
            "{query:?} in English finds Spanish pages: {urls:?}"
        );
    }
    let urls = search_for(&english, "apology");
    assert!(
        !urls.is_empty() && urls.iter().all(|u| !u.starts_with("/es/")),
        "{urls:?}"
    );
}
