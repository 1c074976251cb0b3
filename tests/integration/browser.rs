//! Browser tests: the bundled guide, built by the real binary, served over
//! HTTP on loopback and driven in Debian's Chromium through `headless_chrome`.
//!
//! The site is built and served once per test process; every test launches
//! its own Chromium (so nothing outlives the test that started it). Without
//! Chromium the tests print a notice and pass, unless
//! `GUIDE_BROWSER_TESTS=required`, which turns a missing browser into a failure.

use std::collections::HashMap;
use std::ffi::OsStr;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use headless_chrome::protocol::cdp::{Browser as BrowserDomain, Emulation, Runtime};
use headless_chrome::{Browser, LaunchOptions, Tab};
use serde_json::Value;

/// How long a test waits for the page to reach an expected state.
const TIMEOUT: Duration = Duration::from_secs(10);

const SKIP_NOTICE: &str = "browser tests skipped: no chromium (install Debian's chromium, \
     or set GUIDE_BROWSER_TESTS=required to make this a failure)";

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

// ----- Finding Chromium -----

/// Debian's Chromium, or `chromium` on PATH.
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

/// Whether a missing Chromium must fail the tests instead of skipping them.
fn browser_required() -> bool {
    std::env::var("GUIDE_BROWSER_TESTS").is_ok_and(|value| value.trim() == "required")
}

// ----- The site, built once and served from memory -----

/// The bundled site, built with the real binary and served on loopback.
struct Served {
    /// `http://127.0.0.1:<port>/`, the base URL the site was built with.
    base: String,
}

impl Served {
    /// The origin, for permissions: `http://127.0.0.1:<port>`.
    fn origin(&self) -> &str {
        self.base.trim_end_matches('/')
    }
}

fn site() -> &'static Served {
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
    let repo = super::support::repo();
    let output = Command::new(env!("CARGO_BIN_EXE_guide"))
        .arg("build")
        .arg("--root")
        .arg(&repo)
        .arg("--output")
        .arg(&public)
        .arg("--base-url")
        .arg(&base)
        .current_dir(temp.path())
        .env("NO_COLOR", "1")
        .output()
        .expect("run guide build");
    assert!(
        output.status.success(),
        "guide build of the bundled site failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );

    // Served from memory, so the temporary folder can go right away.
    let mut files = HashMap::new();
    read_tree(&public, &public, &mut files);
    assert!(
        files.contains_key("index.html"),
        "the build wrote no index.html"
    );
    assert!(
        files.contains_key("js/message.js"),
        "the build wrote no js/message.js"
    );
    drop(temp);

    let files = Arc::new(files);
    std::thread::spawn(move || {
        for request in server.incoming_requests() {
            let files = Arc::clone(&files);
            std::thread::spawn(move || respond(&files, request));
        }
    });
    Served { base }
}

/// Reads every file under `dir` into `files`, keyed by `/`-separated relative path.
fn read_tree(root: &Path, dir: &Path, files: &mut HashMap<String, Vec<u8>>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let path = entry.path();
        if entry.file_type().unwrap().is_dir() {
            read_tree(root, &path, files);
        } else {
            let relative = path.strip_prefix(root).unwrap();
            let key = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            files.insert(key, std::fs::read(&path).unwrap());
        }
    }
}

fn respond(files: &HashMap<String, Vec<u8>>, request: tiny_http::Request) {
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

/// JavaScript's `encodeURIComponent`.
fn encode_uri_component(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&byte) {
            out.push(byte as char);
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

// ----- A browser per test -----

struct Session {
    browser: Browser,
    site: &'static Served,
}

/// Launches Chromium on the served site, or returns None (after the notice)
/// when there is no Chromium and it is not required.
fn session() -> Option<Session> {
    let Some(chromium) = chromium() else {
        if browser_required() {
            panic!(
                "browser tests failed: no chromium at /usr/bin/chromium or on PATH \
                 (install Debian's chromium; GUIDE_BROWSER_TESTS=required makes this a failure)"
            );
        }
        // Straight to the process's stderr: the test harness captures
        // `eprintln!` of passing tests, and this notice must be seen.
        let _ = writeln!(std::io::stderr(), "{SKIP_NOTICE}");
        return None;
    };
    let site = site();
    let options = LaunchOptions::default_builder()
        .path(Some(chromium))
        .sandbox(false)
        .headless(true)
        .window_size(Some((1280, 900)))
        .idle_browser_timeout(Duration::from_secs(120))
        .args(CHROMIUM_ARGS.iter().map(OsStr::new).collect())
        .build()
        .expect("launch options");
    let browser = Browser::new(options).expect("launch chromium");
    Some(Session { browser, site })
}

impl Session {
    fn url(&self, path: &str) -> String {
        format!("{}{}", self.site.base, path.trim_start_matches('/'))
    }

    /// A new tab showing `path` (site-relative, may hold a fragment).
    fn open(&self, path: &str) -> Arc<Tab> {
        let tab = self.browser.new_tab().expect("new tab");
        tab.set_default_timeout(TIMEOUT);
        let url = self.url(path);
        tab.navigate_to(&url)
            .and_then(|tab| tab.wait_until_navigated())
            .unwrap_or_else(|e| panic!("cannot open {url}: {e}"));
        tab
    }

    /// A new tab showing a script page, once script-page.js has enhanced it.
    fn open_script(&self, path: &str) -> Arc<Tab> {
        let tab = self.open(path);
        wait_enhanced(&tab, path);
        tab
    }
}

fn wait_enhanced(tab: &Tab, path: &str) {
    wait_for(
        tab,
        &format!("{path}: script-page.js enhances the page"),
        "document.querySelector('#workbench.is-enhanced') !== null",
    );
}

// ----- Talking to the page -----

/// A JavaScript string literal for `text`.
fn js(text: &str) -> String {
    serde_json::to_string(text).unwrap()
}

/// Evaluates `expression` in the page (awaiting a promise) and returns its
/// value as JSON; a thrown exception fails the test.
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
        let thrown = details
            .exception
            .and_then(|e| e.description.or(e.value.map(|v| v.to_string())))
            .unwrap_or_default();
        panic!(
            "JavaScript threw: {} {thrown}\nin: {expression}",
            details.text
        );
    }
    returned.result.value.unwrap_or(Value::Null)
}

fn eval_string(tab: &Tab, expression: &str) -> String {
    match eval(tab, expression) {
        Value::String(text) => text,
        other => panic!("expected a string from {expression}, got {other}"),
    }
}

fn eval_bool(tab: &Tab, expression: &str) -> bool {
    match eval(tab, expression) {
        Value::Bool(value) => value,
        other => panic!("expected a boolean from {expression}, got {other}"),
    }
}

/// Polls `condition` (a JavaScript expression) until it is truthy, failing
/// after `TIMEOUT` with `what` and the last value seen.
fn wait_for(tab: &Tab, what: &str, condition: &str) -> Value {
    let start = Instant::now();
    loop {
        let value = eval(tab, condition);
        let truthy = match &value {
            Value::Null => false,
            Value::Bool(b) => *b,
            Value::Number(n) => n.as_f64() != Some(0.0),
            Value::String(s) => !s.is_empty(),
            _ => true,
        };
        if truthy {
            return value;
        }
        if start.elapsed() > TIMEOUT {
            panic!("timed out after {TIMEOUT:?} waiting until {what}\n(condition: {condition}, last value: {value})");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The text of the first element matching `selector`.
fn text_of(tab: &Tab, selector: &str) -> String {
    eval_string(
        tab,
        &format!(
            "(() => {{ const e = document.querySelector({0}); if (!e) throw new Error('no element ' + {0}); return e.textContent; }})()",
            js(selector)
        ),
    )
}

fn value_of(tab: &Tab, selector: &str) -> String {
    eval_string(
        tab,
        &format!(
            "(() => {{ const e = document.querySelector({0}); if (!e) throw new Error('no element ' + {0}); return e.value; }})()",
            js(selector)
        ),
    )
}

/// Whether an element takes part in layout (not hidden by itself or an ancestor).
fn is_shown(tab: &Tab, selector: &str) -> bool {
    eval_bool(
        tab,
        &format!(
            "(() => {{ const e = document.querySelector({0}); if (!e) throw new Error('no element ' + {0}); return e.getClientRects().length > 0; }})()",
            js(selector)
        ),
    )
}

/// Focuses a form control and selects its content, so typing replaces it.
fn focus_and_select(tab: &Tab, selector: &str) {
    eval(
        tab,
        &format!(
            "(() => {{ const e = document.querySelector({0}); if (!e) throw new Error('no element ' + {0}); e.focus(); if (e.select) e.select(); }})()",
            js(selector)
        ),
    );
}

/// Types with real key events (keydown, keypress, input, keyup) into a control,
/// replacing what it held. Every key is a round trip to Chromium (`headless_chrome`
/// answers about ten calls a second), so keep the text short; see `insert_text`.
fn type_keys(tab: &Tab, selector: &str, text: &str) {
    focus_and_select(tab, selector);
    tab.type_str(text)
        .unwrap_or_else(|e| panic!("cannot type into {selector}: {e}"));
}

/// Inserts text as an IME would (one `input` event), replacing what the control held.
fn insert_text(tab: &Tab, selector: &str, text: &str) {
    focus_and_select(tab, selector);
    tab.send_character(text)
        .unwrap_or_else(|e| panic!("cannot insert text into {selector}: {e}"));
}

/// Chooses an option of a `<select>` the way a reader's choice does: new
/// value, then `input` and `change` events that bubble.
fn choose(tab: &Tab, selector: &str, value: &str) {
    eval(
        tab,
        &format!(
            "(() => {{ const e = document.querySelector({0}); if (!e) throw new Error('no element ' + {0});
               if (![...e.options].some((o) => o.value === {1})) throw new Error('no option ' + {1});
               e.value = {1};
               e.dispatchEvent(new Event('input', {{ bubbles: true }}));
               e.dispatchEvent(new Event('change', {{ bubbles: true }})); }})()",
            js(selector),
            js(value)
        ),
    );
}

fn click(tab: &Tab, selector: &str) {
    tab.find_element(selector)
        .and_then(|element| element.click().map(|_| ()))
        .unwrap_or_else(|e| panic!("cannot click {selector}: {e}"));
}

// ----- The tests -----

#[test]
fn vectors_pass_in_the_browser() {
    let Some(session) = session() else { return };
    let source = include_str!("../vectors/message-language.json");
    let vectors: Vec<Value> = serde_json::from_str(source).expect("the vectors are JSON");
    assert!(vectors.len() >= 50, "only {} vectors", vectors.len());

    let tab = session.open("/");
    let script = format!(
        r#"import("/js/message.js").then((m) => {{
  const vectors = {vectors};
  return vectors.map((v) => {{
    try {{
      const parsed = m.parse(v.template);
      if (v.fields) m.check(parsed, v.fields);
      const text = m.render(parsed, v.values);
      const fromSource = v.fields ? text : m.render(v.template, v.values);
      const fromSegments = m.segments(parsed, v.values).map((s) => s.text).join("");
      return {{ text, same: text === fromSource && text === fromSegments }};
    }} catch (e) {{
      if (e instanceof m.MessageError) return {{ error: {{ message: e.message, line: e.line, column: e.column }} }};
      return {{ threw: String(e) }};
    }}
  }});
}})"#,
        vectors = Value::Array(vectors.clone())
    );
    let outcomes = eval(&tab, &script);
    let outcomes = outcomes.as_array().expect("an array of outcomes");
    assert_eq!(outcomes.len(), vectors.len(), "every vector ran");

    let mut failures = Vec::new();
    for (vector, outcome) in vectors.iter().zip(outcomes) {
        let name = vector["name"].as_str().unwrap();
        if let Some(threw) = outcome.get("threw") {
            failures.push(format!(
                "{name:?}: threw something else than a MessageError: {threw}"
            ));
        } else if let Some(expected) = vector.get("error") {
            if outcome.get("error") != Some(expected) {
                failures.push(format!(
                    "{name:?}: expected error {expected}, got {outcome}"
                ));
            }
        } else {
            let expected = &vector["expected"];
            if outcome.get("text") != Some(expected) {
                failures.push(format!("{name:?}: expected {expected}, got {outcome}"));
            } else if outcome.get("same") != Some(&Value::Bool(true)) {
                failures.push(format!(
                    "{name:?}: render(string), render(parsed) and segments disagree"
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} vectors fail in the browser:\n{}",
        failures.len(),
        vectors.len(),
        failures.join("\n")
    );
}

#[test]
fn typing_updates_preview_and_counter() {
    let Some(session) = session() else { return };
    let tab = session.open_script("/scripts/connection-note/");
    let preview = r#".message-preview[data-message="note"]"#;
    let counter = r#".char-counter[data-message="note"]"#;

    // The first message is the active one, and shows the name as a blank.
    assert_eq!(
        eval(
            &tab,
            "document.querySelector('#tab-note').getAttribute('aria-selected')"
        ),
        "true"
    );
    assert!(
        is_shown(&tab, preview),
        "the active message's preview is visible"
    );
    assert!(
        eval_bool(
            &tab,
            &format!(
                "document.querySelector({}).querySelector('mark.blank[data-field=name]') !== null",
                js(preview)
            )
        ),
        "the empty name is marked as a blank"
    );
    let counter_before = text_of(&tab, counter);
    assert!(
        counter_before.contains("/ 300"),
        "counter shows the limit: {counter_before:?}"
    );

    type_keys(&tab, "#field-name", "Priya");
    wait_for(
        &tab,
        "the preview shows the typed name",
        &format!(
            "document.querySelector({}).textContent.includes('Hi Priya,')",
            js(preview)
        ),
    );
    let value = text_of(&tab, &format!("{preview} span.value[data-field=name]"));
    assert_eq!(value, "Priya");
    assert!(
        !eval_bool(
            &tab,
            &format!(
                "document.querySelector({}).querySelector('mark.blank[data-field=name]') !== null",
                js(preview)
            )
        ),
        "the filled name is no longer a blank"
    );
    let counter_after = text_of(&tab, counter);
    assert_ne!(counter_after, counter_before, "the counter changed");
    // The counter counts the message as shown, by code point.
    let shown_length = eval(
        &tab,
        &format!(
            "[...document.querySelector({}).textContent].length",
            js(preview)
        ),
    );
    assert!(
        counter_after.starts_with(&format!("{shown_length} / 300")),
        "counter {counter_after:?} for a {shown_length}-character message"
    );
    assert!(!eval_bool(
        &tab,
        &format!(
            "document.querySelector({}).classList.contains('over')",
            js(counter)
        )
    ));

    // Field maxima hold: the connection note's fields are capped so that
    // this message cannot pass 300 characters by typing alone.
    insert_text(&tab, "#field-name", &"n".repeat(35));
    assert_eq!(
        value_of(&tab, "#field-name").chars().count(),
        30,
        "name is capped at max: 30"
    );

    // A connection note over the limit: the former-manager script's note,
    // whose `strength` field (a textarea) has no maximum.
    let tab = session.open_script("/scripts/former-manager-reconnect/");
    let counter = r#".char-counter[data-message="manager-note"]"#;
    click(&tab, "#tab-manager-note");
    wait_for(
        &tab,
        "the connection-note tab is shown",
        &format!(
            "document.querySelector({}).getClientRects().length > 0",
            js(counter)
        ),
    );
    let counter_before = text_of(&tab, counter);
    let over = format!(
        "document.querySelector({}).classList.contains('over')",
        js(counter)
    );
    assert!(
        !eval_bool(&tab, &over),
        "not over before typing: {counter_before:?}"
    );
    let chunk = "keeping a hard launch calm and kind, ";
    let mut strength = String::new();
    for _ in 0..20 {
        strength.push_str(chunk);
        insert_text(&tab, "#field-strength", &strength);
        wait_for(
            &tab,
            "the preview follows the strength field",
            &format!(
                "document.querySelector('.message-preview[data-message=\"manager-note\"]').textContent.includes({})",
                js(strength.trim())
            ),
        );
        if eval_bool(&tab, &over) {
            break;
        }
    }
    assert!(eval_bool(&tab, &over), "the counter never got class `over`");
    let counter_over = text_of(&tab, counter);
    let count: usize = counter_over
        .split(' ')
        .next()
        .and_then(|n| n.replace(',', "").parse().ok())
        .unwrap_or_else(|| panic!("no count in {counter_over:?}"));
    assert!(count > 300, "{counter_over:?}");
    assert!(
        counter_over.contains(&format!(
            "{} over the LinkedIn connection note limit",
            count - 300
        )),
        "{counter_over:?}"
    );

    // Clearing the form brings it back under the limit.
    click(&tab, "#script-form button[type=reset]");
    wait_for(
        &tab,
        "clearing the form removes `over`",
        &format!("!{over}"),
    );
    assert_eq!(value_of(&tab, "#field-strength"), "");
}

#[test]
fn tabs_switch_messages() {
    let Some(session) = session() else { return };
    let tab = session.open_script("/scripts/connection-note/");
    let tabs = eval(&tab, "[...document.querySelectorAll('[role=tab]')].map((t) => [t.id, t.getAttribute('aria-controls'), t.getAttribute('aria-selected')])");
    assert_eq!(
        tabs,
        serde_json::json!([
            ["tab-note", "message-note", "true"],
            ["tab-light-note", "message-light-note", "false"]
        ])
    );
    assert!(is_shown(&tab, "#message-note"));
    assert!(!is_shown(&tab, "#message-light-note"));

    click(&tab, "[role=tab]:nth-of-type(2)");
    wait_for(
        &tab,
        "the second tab is selected",
        "document.querySelector('#tab-light-note').getAttribute('aria-selected') === 'true'",
    );
    assert_eq!(
        eval(
            &tab,
            "document.querySelector('#tab-note').getAttribute('aria-selected')"
        ),
        "false"
    );
    assert!(
        is_shown(&tab, "#message-light-note"),
        "the second panel is visible"
    );
    assert!(is_shown(
        &tab,
        r#".message-preview[data-message="light-note"]"#
    ));
    assert!(
        !is_shown(&tab, "#message-note"),
        "the first panel is hidden"
    );
    assert!(eval_bool(
        &tab,
        "document.querySelector('#message-note').hidden"
    ));
    assert_eq!(
        eval(
            &tab,
            "document.querySelector('#message-light-note').getAttribute('role')"
        ),
        "tabpanel"
    );
    assert!(
        eval_string(&tab, "location.hash").contains("_m=light-note"),
        "the chosen message is kept in the fragment"
    );

    // Arrow keys move between tabs (the WAI-ARIA tabs pattern).
    tab.press_key("ArrowLeft").unwrap();
    wait_for(
        &tab,
        "ArrowLeft selects the first tab",
        "document.querySelector('#tab-note').getAttribute('aria-selected') === 'true'",
    );
    assert!(is_shown(&tab, "#message-note"));
    assert!(!is_shown(&tab, "#message-light-note"));
    assert_eq!(
        eval_string(&tab, "document.activeElement.id"),
        "tab-note",
        "focus follows the selection"
    );
}

#[test]
fn fragment_restores_values() {
    let Some(session) = session() else { return };
    let tab = session.open_script("/scripts/reconnect-email/#name=Priya&company=Acme");
    let preview = r#".message-preview[data-message="email"]"#;
    assert_eq!(value_of(&tab, "#field-name"), "Priya");
    assert_eq!(value_of(&tab, "#field-company"), "Acme");
    assert_eq!(
        value_of(&tab, "#field-strength"),
        "",
        "fields not in the fragment stay empty"
    );
    let text = text_of(&tab, preview);
    assert!(text.starts_with("Hi Priya,"), "{text:?}");
    assert!(text.contains("how things are going at Acme"), "{text:?}");
    let subject = text_of(
        &tab,
        r#".message-subject[data-message="email"] .message-subject__text"#,
    );
    assert_eq!(subject, "It's been a while, Priya");

    type_keys(&tab, "#field-name", "Jordan");
    wait_for(
        &tab,
        "the preview shows the new name",
        &format!(
            "document.querySelector({}).textContent.startsWith('Hi Jordan,')",
            js(preview)
        ),
    );
    let hash = wait_for(
        &tab,
        "the fragment holds the new name",
        "location.hash.includes('name=Jordan') && location.hash",
    );
    let hash = hash.as_str().unwrap();
    assert!(hash.contains("company=Acme"), "{hash}");
    assert!(!hash.contains("Priya"), "{hash}");

    // A reload (or a bookmark) brings the values back.
    eval(&tab, "window.__before_reload = true");
    tab.reload(false, None).expect("reload");
    wait_for(
        &tab,
        "the page reloads",
        "window.__before_reload === undefined",
    );
    wait_enhanced(&tab, "reloaded reconnect-email");
    assert_eq!(eval_string(&tab, "location.hash"), hash);
    assert_eq!(value_of(&tab, "#field-name"), "Jordan");
    assert_eq!(value_of(&tab, "#field-company"), "Acme");
    let text = text_of(&tab, preview);
    assert!(text.starts_with("Hi Jordan,"), "{text:?}");
    assert!(text.contains("how things are going at Acme"), "{text:?}");
}

#[test]
fn reader_input_is_text() {
    let Some(session) = session() else { return };
    let image = r#"<img src=x onerror="window.__xss=1">"#;
    let script = "</script><script>window.__xss=2</script>";
    let preview = r#".message-preview[data-message="email"]"#;
    let subject = r#".message-subject[data-message="email"] .message-subject__text"#;

    let check = |tab: &Tab, how: &str| {
        // Give an injected image a moment to fail and fire its handler.
        let xss = eval(
            tab,
            "new Promise((resolve) => setTimeout(() => resolve(typeof window.__xss), 300))",
        );
        assert_eq!(xss, "undefined", "{how}: reader input ran as script");
        // Nothing the reader typed became markup.
        assert_eq!(
            eval(tab, "document.images.length"),
            0,
            "{how}: an <img> appeared"
        );
        let markup = eval(
            tab,
            "document.querySelectorAll('#workbench script, .message-preview *:not(span.value):not(span.fallback):not(mark.blank), .message-subject__text *:not(span.value)').length",
        );
        assert_eq!(markup, 0, "{how}: reader input became elements");
        // And it is shown as the characters typed.
        let body = text_of(tab, preview);
        assert!(
            body.contains(&format!("Hi {script},")),
            "{how}: body {body:?}"
        );
        assert!(
            body.contains(&format!("going at {image}")),
            "{how}: body {body:?}"
        );
        assert_eq!(
            text_of(tab, subject),
            format!("It's been a while, {script}"),
            "{how}"
        );
    };

    // Typed into the form.
    let tab = session.open_script("/scripts/reconnect-email/");
    insert_text(&tab, "#field-name", script);
    insert_text(&tab, "#field-company", image);
    wait_for(
        &tab,
        "the preview shows both typed values",
        &format!(
            "document.querySelectorAll({}).length === 2",
            js(&format!(
                "{preview} .value[data-field=name], {preview} .value[data-field=company]"
            ))
        ),
    );
    check(&tab, "typed");

    // Through the fragment, swapped around.
    let fragment = format!(
        "name={}&company={}&strength={}",
        encode_uri_component(script),
        encode_uri_component(image),
        encode_uri_component(image)
    );
    let tab = session.open_script(&format!("/scripts/reconnect-email/#{fragment}"));
    assert_eq!(value_of(&tab, "#field-name"), script);
    assert_eq!(value_of(&tab, "#field-company"), image);
    assert_eq!(value_of(&tab, "#field-strength"), image);
    check(&tab, "fragment");
    let body = text_of(&tab, preview);
    assert!(
        body.contains(&format!("learned from you about {image}")),
        "{body:?}"
    );
}

#[test]
fn copy_puts_message_on_clipboard() {
    let Some(session) = session() else { return };
    let tab = session.open_script("/scripts/reconnect-email/");
    tab.call_method(BrowserDomain::GrantPermissions {
        permissions: vec![
            BrowserDomain::PermissionType::ClipboardReadWrite,
            BrowserDomain::PermissionType::ClipboardSanitizedWrite,
        ],
        origin: Some(session.site.origin().to_string()),
        browser_context_id: None,
    })
    .expect("grant clipboard permissions");
    // A background headless page is not focused; the clipboard wants focus.
    tab.call_method(Emulation::SetFocusEmulationEnabled { enabled: true })
        .expect("emulate focus");
    tab.bring_to_front().expect("bring the tab to front");

    let read_clipboard = "navigator.clipboard.readText()";
    eval(
        &tab,
        "navigator.clipboard.writeText('(nothing copied yet)')",
    );
    assert_eq!(
        eval_string(&tab, read_clipboard),
        "(nothing copied yet)",
        "the clipboard works here"
    );

    let preview = r#".message-preview[data-message="email"]"#;
    let status = r#".copy-status[data-message="email"]"#;
    let copy = r#"button.copy[data-message="email"]"#;

    // Everything required but "Your name".
    type_keys(&tab, "#field-name", "Priya");
    insert_text(
        &tab,
        "#field-strength",
        "turning a messy launch into a calm plan",
    );
    choose(&tab, "#field-tone", "Warmly");
    click(&tab, copy);
    let warning = wait_for(
        &tab,
        "the copy button warns about the empty field",
        &format!("(() => {{ const s = document.querySelector({}); return s.classList.contains('warn') && s.textContent; }})()", js(status)),
    );
    let warning = warning.as_str().unwrap();
    assert!(warning.contains("Fill in: Your name first."), "{warning:?}");
    assert!(
        !warning.contains("Their first name"),
        "a filled field is not named: {warning:?}"
    );
    assert_eq!(
        eval_string(&tab, read_clipboard),
        "(nothing copied yet)",
        "nothing is copied while a required field is empty"
    );

    // Filling it clears the warning; copying then puts the message on the clipboard.
    type_keys(&tab, "#field-your_name", "Sam");
    wait_for(
        &tab,
        "the warning goes once the field is filled",
        &format!("document.querySelector({}).textContent === ''", js(status)),
    );
    click(&tab, copy);
    let done = wait_for(
        &tab,
        "the copy button reports success",
        &format!("(() => {{ const s = document.querySelector({}); return s.classList.contains('ok') && s.textContent; }})()", js(status)),
    );
    assert_eq!(done, "Copied.");
    let shown = text_of(&tab, preview);
    let copied = eval_string(&tab, read_clipboard);
    assert_eq!(copied, shown, "the clipboard holds the previewed message");
    assert!(copied.starts_with("Hi Priya,\n"), "{copied:?}");
    assert!(
        copied.contains("learned from you about turning a messy launch into a calm plan"),
        "{copied:?}"
    );
    assert!(copied.trim_end().ends_with("Warmly,\nSam"), "{copied:?}");
    assert!(
        !copied.contains("Subject:"),
        "the body is copied without its subject line"
    );
}

#[test]
fn index_filters_scripts() {
    let Some(session) = session() else { return };
    let tab = session.open("/scripts/");
    wait_for(
        &tab,
        "the filters are shown",
        "document.querySelector('#scripts-filter').hidden === false",
    );
    let total = eval(&tab, "document.querySelectorAll('.script-card').length")
        .as_u64()
        .unwrap();
    assert!(total >= 10, "only {total} script cards");
    assert_eq!(text_of(&tab, "#scripts-count"), format!("{total} scripts"));

    let visible_cards = "[...document.querySelectorAll('.script-card')].filter((c) => c.getClientRects().length > 0).map((c) => c.dataset.channel)";
    choose(&tab, "#filter-channel", "linkedin-note");
    let count = wait_for(
        &tab,
        "the count follows the filter",
        &format!("document.querySelector('#scripts-count').textContent !== '{total} scripts' && document.querySelector('#scripts-count').textContent"),
    );
    let shown = eval(&tab, visible_cards);
    let shown = shown.as_array().unwrap();
    assert!(
        !shown.is_empty() && (shown.len() as u64) < total,
        "{} of {total} shown",
        shown.len()
    );
    for channels in shown {
        let channels = channels.as_str().unwrap();
        assert!(
            channels.split_whitespace().any(|c| c == "linkedin-note"),
            "a card sent as {channels:?} stayed visible"
        );
    }
    let hidden_matching = eval(
        &tab,
        "[...document.querySelectorAll('.script-card')].filter((c) => c.getClientRects().length === 0 && c.dataset.channel.split(/\\s+/).includes('linkedin-note')).length",
    );
    assert_eq!(hidden_matching, 0, "a matching card was hidden");
    let expected_count = if shown.len() == 1 {
        "1 script".to_string()
    } else {
        format!("{} scripts", shown.len())
    };
    assert_eq!(count, expected_count.as_str());
    assert!(eval_string(&tab, "location.hash").contains("channel=linkedin-note"));
    // Situation groups left empty are hidden with their heading.
    assert_eq!(
        eval(&tab, "[...document.querySelectorAll('section.situation')].filter((s) => !s.hidden && !s.querySelector('.script-card:not([hidden])')).length"),
        0
    );

    // "Show all" resets the filter.
    click(&tab, "#scripts-filter button[type=reset]");
    wait_for(
        &tab,
        "the reset restores every card",
        &format!("document.querySelector('#scripts-count').textContent === '{total} scripts'"),
    );
    assert_eq!(eval(&tab, &format!("{visible_cards}.length")), total);
    assert_eq!(value_of(&tab, "#filter-channel"), "");
    assert_eq!(eval_string(&tab, "location.hash"), "");
}

#[test]
fn email_link_is_built() {
    let Some(session) = session() else { return };
    let tab = session.open_script("/scripts/reconnect-email/");
    let link = r#"a.mailto[data-message="email"]"#;
    let href = |tab: &Tab| {
        eval_string(
            tab,
            &format!("document.querySelector({}).getAttribute('href')", js(link)),
        )
    };

    let name = "Zoë & Co";
    insert_text(&tab, "#field-name", name);
    let encoded = encode_uri_component(name);
    assert_eq!(encoded, "Zo%C3%AB%20%26%20Co");
    wait_for(
        &tab,
        "the link follows the name",
        &format!(
            "document.querySelector({}).getAttribute('href').includes({})",
            js(link),
            js(&encoded)
        ),
    );
    let href = href(&tab);
    assert!(href.starts_with("mailto:?subject="), "{href}");
    assert!(
        href.starts_with(&format!(
            "mailto:?subject={}&body=",
            encode_uri_component(&format!("It's been a while, {name}"))
        )),
        "{href}"
    );
    assert!(
        href.contains(&format!("&body=Hi%20{encoded}%2C%0D%0A")),
        "line breaks are CRLF: {href}"
    );
    assert!(!href.contains(name), "the name is not left raw: {href}");
    assert_eq!(
        href.matches('&').count(),
        1,
        "one & between subject and body: {href}"
    );
}
