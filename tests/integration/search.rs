//! Offline search: the Pagefind index a build writes under `pagefind/`, the
//! `[search]` switch, and the theme's search box driven in Chromium.
//!
//! The browser test follows the rules of `browser.rs`: without Chromium it
//! prints a notice and passes, unless `GUIDE_BROWSER_TESTS=required`.

use std::collections::HashMap;
use std::ffi::OsStr;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use headless_chrome::protocol::cdp::Runtime;
use headless_chrome::{Browser, LaunchOptions, Tab};
use serde_json::Value;

use crate::assert_contains;
use crate::support::{repo, Site};

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
const TIMEOUT: Duration = Duration::from_secs(30);

#[test]
fn the_search_box_finds_a_page_and_filters_scripts_by_channel() {
    let Some(chromium) = chromium() else {
        let required =
            std::env::var("GUIDE_BROWSER_TESTS").is_ok_and(|value| value.trim() == "required");
        assert!(!required, "search browser test failed: no chromium");
        let _ = writeln!(
            std::io::stderr(),
            "search browser test skipped: no chromium (set GUIDE_BROWSER_TESTS=required to fail)"
        );
        return;
    };
    let served = serve_bundled_site();
    let page =
        String::from_utf8_lossy(&served.files[&format!("{WORD_PAGE}index.html")]).to_lowercase();
    assert!(
        page.contains(WORD),
        "the bundled page {WORD_PAGE} no longer says `{WORD}`"
    );

    let browser = Browser::new(
        LaunchOptions::default_builder()
            .path(Some(chromium))
            .sandbox(false)
            .headless(true)
            .window_size(Some((1280, 900)))
            .idle_browser_timeout(Duration::from_secs(120))
            .args(
                ["--disable-gpu", "--no-first-run", "--disable-dev-shm-usage"]
                    .map(OsStr::new)
                    .to_vec(),
            )
            .build()
            .unwrap(),
    )
    .expect("launch chromium");
    let tab = browser.new_tab().unwrap();
    tab.set_default_timeout(TIMEOUT);
    tab.navigate_to(&served.base)
        .unwrap()
        .wait_until_navigated()
        .unwrap();

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

// ----- Helpers (a small copy of browser.rs's, which keeps its own private) -----

struct Served {
    base: String,
    files: Arc<HashMap<String, Vec<u8>>>,
}

fn chromium() -> Option<PathBuf> {
    let debian = Path::new("/usr/bin/chromium");
    if debian.is_file() {
        return Some(debian.to_path_buf());
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("chromium"))
        .find(|candidate| candidate.is_file())
}

/// Builds the bundled guide for a loopback port and serves it from memory.
fn serve_bundled_site() -> Served {
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let port = server.server_addr().to_ip().unwrap().port();
    let base = format!("http://127.0.0.1:{port}/");
    let temp = tempfile::tempdir().unwrap();
    let public = temp.path().join("public");
    let output = Command::new(env!("CARGO_BIN_EXE_guide"))
        .args(["build", "--root"])
        .arg(repo())
        .arg("--output")
        .arg(&public)
        .args(["--base-url", &base])
        .current_dir(temp.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut files = HashMap::new();
    read_tree(&public, &public, &mut files);
    let files = Arc::new(files);
    let shared = Arc::clone(&files);
    std::thread::spawn(move || {
        for request in server.incoming_requests() {
            let files = Arc::clone(&shared);
            std::thread::spawn(move || respond(&files, request));
        }
    });
    Served { base, files }
}

fn respond(files: &HashMap<String, Vec<u8>>, request: tiny_http::Request) {
    let path = request.url().split(['?', '#']).next().unwrap_or("/");
    let mut key = path.trim_start_matches('/').to_string();
    if key.is_empty() || key.ends_with('/') {
        key.push_str("index.html");
    }
    let response = match files.get(&key) {
        Some(body) => tiny_http::Response::from_data(body.clone()).with_header(content_type(&key)),
        None => tiny_http::Response::from_data(b"not found".to_vec()).with_status_code(404),
    };
    // The browser may have gone away already; nothing to do about it.
    let _ = request.respond(response);
}

fn read_tree(root: &Path, dir: &Path, files: &mut HashMap<String, Vec<u8>>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            read_tree(root, &path, files);
        } else {
            let key = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            files.insert(key, std::fs::read(&path).unwrap());
        }
    }
}

fn content_type(path: &str) -> tiny_http::Header {
    let kind = match path.rsplit_once('.').map(|(_, ext)| ext) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    };
    tiny_http::Header::from_bytes(&b"Content-Type"[..], kind.as_bytes()).unwrap()
}

fn js(text: &str) -> String {
    serde_json::to_string(text).unwrap()
}

/// Evaluates `expression` (awaiting a promise) and returns its value.
fn eval(tab: &Tab, expression: &str) -> Value {
    let returned = tab
        .call_method(Runtime::Evaluate {
            expression: expression.to_string(),
            object_group: None,
            include_command_line_api: None,
            silent: Some(false),
            context_id: None,
            return_by_value: Some(true),
            generate_preview: None,
            user_gesture: Some(true),
            await_promise: Some(true),
            throw_on_side_effect: None,
            timeout: None,
            disable_breaks: None,
            repl_mode: None,
            allow_unsafe_eval_blocked_by_csp: None,
            unique_context_id: None,
            serialization_options: None,
        })
        .unwrap_or_else(|e| panic!("Runtime.evaluate failed: {e}\n{expression}"));
    if let Some(details) = returned.exception_details {
        panic!("JavaScript threw: {details:?}\nin: {expression}");
    }
    returned.result.value.unwrap_or(Value::Null)
}

/// Polls `condition` until it is truthy; fails after `TIMEOUT` saying `what`.
fn wait_for(tab: &Tab, what: &str, condition: &str) -> Value {
    let start = Instant::now();
    loop {
        let value = eval(tab, condition);
        let truthy = match &value {
            Value::Null | Value::Bool(false) => false,
            Value::String(s) => !s.is_empty(),
            Value::Number(n) => n.as_f64() != Some(0.0),
            _ => true,
        };
        if truthy {
            return value;
        }
        if start.elapsed() > TIMEOUT {
            let status = eval(
                tab,
                "document.querySelector('#site-search-status')?.textContent",
            );
            panic!(
                "timed out waiting until {what}\n(last value: {value}, search status: {status})"
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
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
