//! What every browser test shares: finding Debian's Chromium (or skipping
//! without it), the bundled guide built once by the real binary and served
//! from memory on loopback, and talking to a page through `headless_chrome`.
//!
//! Without Chromium a browser test prints a notice and passes, unless
//! `GUIDE_BROWSER_TESTS=required`, which turns the missing browser into a
//! failure (`.ci/run` sets it).

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use headless_chrome::protocol::cdp::{Emulation, Runtime};
use headless_chrome::{Browser, LaunchOptions, Tab};
use serde_json::Value;

/// How long a test waits for a page to load or reach an expected state.
/// Generous, because CI runs several Chromiums beside the compiler on two
/// cores; a passing test never waits this long.
pub const PATIENCE: Duration = Duration::from_secs(30);

const CHROMIUM_ARGS: &[&str] = &[
    "--disable-gpu",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--mute-audio",
];

// ----- Chromium, or why the test skips -----

/// Whether a missing browser must fail the tests instead of skipping them.
pub fn required() -> bool {
    std::env::var("GUIDE_BROWSER_TESTS").is_ok_and(|value| value.trim() == "required")
}

/// Says why `tests` cannot run: a failure under `GUIDE_BROWSER_TESTS=required`,
/// otherwise a notice on the process's stderr (the harness captures
/// `eprintln!` of passing tests, and this notice must be seen).
pub fn cannot_run(tests: &str, reason: &str) {
    assert!(
        !required(),
        "{tests} cannot run: {reason} (GUIDE_BROWSER_TESTS=required makes this a failure)"
    );
    let _ = writeln!(
        std::io::stderr(),
        "{tests} skipped: {reason} (set GUIDE_BROWSER_TESTS=required to make this a failure)"
    );
}

/// Debian's Chromium, or `chromium` on PATH.
pub fn chromium() -> Option<PathBuf> {
    let debian = Path::new("/usr/bin/chromium");
    if debian.is_file() {
        return Some(debian.to_path_buf());
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("chromium"))
        .find(|candidate| candidate.is_file())
}

/// A headless Chromium for one test, or None (after `cannot_run`) without one.
pub fn launch(tests: &str) -> Option<Browser> {
    let Some(chromium) = chromium() else {
        cannot_run(
            tests,
            "no chromium at /usr/bin/chromium or on PATH (install Debian's chromium)",
        );
        return None;
    };
    let options = LaunchOptions::default_builder()
        .path(Some(chromium))
        .sandbox(false)
        .headless(true)
        .window_size(Some((1280, 900)))
        .idle_browser_timeout(Duration::from_secs(120))
        .args(CHROMIUM_ARGS.iter().map(OsStr::new).collect())
        .build()
        .expect("launch options");
    Some(Browser::new(options).expect("launch chromium"))
}

// ----- Opening pages -----

/// A new tab showing `url` once its document has loaded. `before` runs on the
/// blank tab first (to emulate a colour scheme, say).
///
/// `Tab::wait_until_navigated` is not used: headless_chrome marks the tab as
/// navigating only after `Page.navigate` has answered, so a fast loopback page
/// that finishes loading before that answer leaves the mark set for good and
/// the wait times out. Polling the document has no such race.
pub fn open_with(browser: &Browser, url: &str, before: impl FnOnce(&Tab)) -> Arc<Tab> {
    let tab = browser.new_tab().expect("new tab");
    tab.set_default_timeout(PATIENCE);
    before(&tab);
    // On a machine loaded by parallel builds a navigation has been seen to
    // stall; a second try, in the same tab, is what a reader would do.
    let mut answers = Vec::new();
    for _ in 0..2 {
        tab.navigate_to(url)
            .unwrap_or_else(|e| panic!("cannot open {url}: {e}"));
        match wait_loaded(&tab) {
            Ok(()) => return tab,
            Err(last) => answers.push(last),
        }
    }
    panic!(
        "{url} did not finish loading in two tries of {PATIENCE:?} each (the tab shows {:?}; last answers: {answers:?})",
        tab.get_url()
    );
}

/// Polls until the tab's document is a loaded page, not about:blank. While
/// the new document replaces the old, an evaluation may fail (its context is
/// destroyed under it): that is "not yet".
fn wait_loaded(tab: &Tab) -> Result<(), String> {
    let start = Instant::now();
    loop {
        let loaded = try_eval(
            tab,
            "location.href !== 'about:blank' && document.readyState === 'complete'",
        );
        if loaded == Ok(Value::Bool(true)) {
            return Ok(());
        }
        if start.elapsed() > PATIENCE {
            return Err(format!("{loaded:?}"));
        }
        std::thread::sleep(Duration::from_millis(25));
    }
}

/// A new tab showing `url` once its document has loaded.
pub fn open(browser: &Browser, url: &str) -> Arc<Tab> {
    open_with(browser, url, |_| {})
}

// ----- Talking to the page -----

/// A JavaScript string literal for `text`.
pub fn js(text: &str) -> String {
    serde_json::to_string(text).unwrap()
}

/// Evaluates `expression` in the page (awaiting a promise) and returns its
/// value as JSON, or what went wrong: the protocol call or a thrown exception.
pub fn try_eval(tab: &Tab, expression: &str) -> Result<Value, String> {
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
        .map_err(|e| format!("Runtime.evaluate failed: {e}"))?;
    if let Some(details) = returned.exception_details {
        let thrown = details
            .exception
            .and_then(|e| e.description.or(e.value.map(|v| v.to_string())))
            .unwrap_or_default();
        return Err(format!("JavaScript threw: {} {thrown}", details.text));
    }
    Ok(returned.result.value.unwrap_or(Value::Null))
}

/// Evaluates `expression` in the page (awaiting a promise) and returns its
/// value as JSON; a failure or a thrown exception fails the test.
pub fn eval(tab: &Tab, expression: &str) -> Value {
    try_eval(tab, expression).unwrap_or_else(|e| {
        let shown: String = expression.chars().take(400).collect();
        panic!("{e}\nin: {shown}")
    })
}

/// JavaScript's idea of a true value, for what `wait_for` polls.
fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64() != Some(0.0),
        Value::String(s) => !s.is_empty(),
        _ => true,
    }
}

/// Polls `condition` (a JavaScript expression) until it is truthy and returns
/// its value; fails after `PATIENCE` with `what` and the last answer. An
/// evaluation that fails counts as "not yet": while a page reloads, its
/// context is destroyed under the call.
pub fn wait_for(tab: &Tab, what: &str, condition: &str) -> Value {
    let start = Instant::now();
    loop {
        let answer = try_eval(tab, condition);
        if let Ok(value) = &answer {
            if truthy(value) {
                return value.clone();
            }
        }
        assert!(
            start.elapsed() < PATIENCE,
            "timed out after {PATIENCE:?} waiting until {what}\n(condition: {condition}, last answer: {answer:?})"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

// ----- The bundled site, built once and served from memory -----

/// The bundled guide, built by the real binary for a loopback port and
/// served from memory on it.
pub struct Served {
    /// `http://127.0.0.1:<port>/`, the base URL the site was built with.
    pub base: String,
    /// Every built file, keyed by `/`-separated path (`scripts/index.html`).
    pub files: Arc<BTreeMap<String, Vec<u8>>>,
}

impl Served {
    /// The origin, for permissions: `http://127.0.0.1:<port>`.
    pub fn origin(&self) -> &str {
        self.base.trim_end_matches('/')
    }

    /// The absolute URL of a site-relative `path` (which may hold a fragment).
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path.trim_start_matches('/'))
    }

    /// A built file as text.
    pub fn text(&self, path: &str) -> String {
        let bytes = self
            .files
            .get(path)
            .unwrap_or_else(|| panic!("the bundled site has no {path}"));
        String::from_utf8_lossy(bytes).into_owned()
    }
}

/// The bundled guide, built and served once per test process.
pub fn bundled_site() -> &'static Served {
    static SITE: OnceLock<Served> = OnceLock::new();
    SITE.get_or_init(build_and_serve)
}

fn build_and_serve() -> Served {
    // The port comes first: the site is built for the address it is served at.
    let server = tiny_http::Server::http("127.0.0.1:0").expect("bind a loopback port");
    let port = server.server_addr().to_ip().expect("an IP listener").port();
    let base = format!("http://127.0.0.1:{port}/");

    let temp = tempfile::tempdir().unwrap();
    let public = temp.path().join("public");
    let run = super::support::build_bundled(&public, &["--base-url", &base]);
    assert!(
        run.ok,
        "guide build of the bundled site failed:\n{}",
        run.stderr
    );

    let files = super::support::snapshot(&public);
    for needed in ["index.html", "js/message.js", "pagefind/pagefind.js"] {
        assert!(files.contains_key(needed), "the build wrote no {needed}");
    }
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

/// Answers one request from `files`, as a static host does.
pub fn respond(files: &BTreeMap<String, Vec<u8>>, request: tiny_http::Request) {
    let raw_path = request.url().split(['?', '#']).next().unwrap_or("/");
    let path = percent_decode(raw_path);
    let mut key = path.trim_start_matches('/').to_string();
    if key.is_empty() || key.ends_with('/') {
        key.push_str("index.html");
    }
    let response = if let Some(body) = files.get(&key) {
        tiny_http::Response::from_data(body.clone())
            .with_header(header("Content-Type", content_type(&key)))
            .with_header(header("Cache-Control", "no-store"))
    } else if files.contains_key(&format!("{key}/index.html")) {
        // A folder asked for without its slash: send the reader to the folder.
        tiny_http::Response::from_data(Vec::new())
            .with_status_code(301)
            .with_header(header("Location", &format!("{raw_path}/")))
    } else {
        tiny_http::Response::from_data(b"not found".to_vec())
            .with_status_code(404)
            .with_header(header("Content-Type", "text/plain; charset=utf-8"))
    };
    // The browser may have gone away already; nothing to do about it.
    let _ = request.respond(response);
}

fn header(name: &str, value: &str) -> tiny_http::Header {
    tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()).unwrap()
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, ext)| ext) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("xml") => "application/xml",
        Some("txt") => "text/plain; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("webmanifest") => "application/manifest+json",
        Some("png") => "image/png",
        _ => "application/octet-stream",
    }
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Sets the window to `width` × `height` CSS pixels, as a phone when
/// `mobile` (touch, the mobile viewport).
pub fn set_viewport(tab: &Tab, width: u32, height: u32, mobile: bool) {
    tab.call_method(Emulation::SetDeviceMetricsOverride {
        width,
        height,
        device_scale_factor: 1.0,
        mobile,
        scale: None,
        screen_width: None,
        screen_height: None,
        position_x: None,
        position_y: None,
        dont_set_visible_size: None,
        screen_orientation: None,
        viewport: None,
        display_feature: None,
        device_posture: None,
    })
    .expect("set the viewport");
}

/// A 375 × 812 phone.
pub fn emulate_phone(tab: &Tab) {
    set_viewport(tab, 375, 812, true);
}
