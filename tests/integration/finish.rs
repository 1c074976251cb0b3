//! The finish of the default theme, seen in Chromium: the favicon and touch
//! icon load on a first visit with no failed request and no console error; a
//! menu of twelve chapters keeps every label on one line at 1280 px and
//! leaves no label alone on a row; on a phone the menu opens and closes
//! (and is a plain list without JavaScript); dates read `11 March 2026` with
//! the ISO date kept in `datetime`; term pages are titled with the author's
//! spelling (`LinkedIn`) and list their pages without numbers.
//!
//! The site is a copy of the bundled guide with three more chapters (long
//! titles, so the menu has to wrap) and one dated page filed under
//! `linkedin` in lower case, built for a loopback port and served from
//! memory by a server that records every request it answers.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use headless_chrome::protocol::cdp::Emulation;
use headless_chrome::{Browser, Tab};
use serde_json::Value;

use super::chrome::{self, eval, wait_for};
use super::support::{self, Site};

/// The chapters added to the bundled guide's nine (with "Scripts").
const EXTRA_CHAPTERS: [(&str, &str); 3] = [
    ("recruiters", "Working with a recruiter again"),
    ("co-founders", "When a co-founder walked away"),
    ("hurt", "When you were the one who was hurt"),
];

/// A page with a date, an update with a time, and a tag in lower case.
const DATED_PAGE: &str = "---
title: A dated page
description: Written for the finish tests.
date: 2026-03-11
updated: 2026-02-14T09:30:00Z
tags: [linkedin, staying in touch]
---
Some words, so the page has a body.
";

/// The test site, served, with the log of the paths it was asked for.
struct Served {
    base: String,
    files: Arc<BTreeMap<String, Vec<u8>>>,
    asked: Arc<Mutex<Vec<String>>>,
    _site: Site,
}

impl Served {
    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path.trim_start_matches('/'))
    }

    /// Whether the server has an answer other than 404 for `path`.
    fn answers(&self, path: &str) -> bool {
        let key = path.split(['?', '#']).next().unwrap_or_default();
        let key = key.trim_start_matches('/');
        let file = if key.is_empty() || key.ends_with('/') {
            format!("{key}index.html")
        } else {
            key.to_string()
        };
        self.files.contains_key(&file) || self.files.contains_key(&format!("{file}/index.html"))
    }

    /// The paths asked for since the last call.
    fn take_asked(&self) -> Vec<String> {
        std::mem::take(&mut *self.asked.lock().unwrap())
    }
}

fn site() -> &'static Served {
    static SITE: OnceLock<Served> = OnceLock::new();
    SITE.get_or_init(build_and_serve)
}

fn build_and_serve() -> Served {
    let server = tiny_http::Server::http("127.0.0.1:0").expect("bind a loopback port");
    let port = server.server_addr().to_ip().expect("an IP listener").port();
    let base = format!("http://127.0.0.1:{port}/");

    let site = Site::from_files(&[]);
    for part in ["site.toml", "content", "themes"] {
        let from = support::repo().join(part);
        if from.is_dir() {
            support::copy_dir(&from, &site.root().join(part));
        } else {
            std::fs::copy(&from, site.root().join(part)).unwrap();
        }
    }
    for (i, (folder, title)) in EXTRA_CHAPTERS.iter().enumerate() {
        let weight = 100 + i;
        site.write(
            &format!("content/{folder}/_index.md"),
            &format!("---\ntitle: {title}\ndescription: A chapter for the menu test.\nweight: {weight}\n---\nA chapter.\n"),
        );
    }
    site.write("content/why-mend/a-dated-page.md", DATED_PAGE);
    let run = site.run(&["build", "--base-url", &base]);
    assert!(run.ok, "the test site does not build:\n{}", run.stderr);

    let files = Arc::new(support::snapshot(&site.root().join("public")));
    let asked = Arc::new(Mutex::new(Vec::new()));
    let (shared, log) = (Arc::clone(&files), Arc::clone(&asked));
    std::thread::spawn(move || {
        for request in server.incoming_requests() {
            log.lock().unwrap().push(request.url().to_string());
            let files = Arc::clone(&shared);
            std::thread::spawn(move || chrome::respond(&files, request));
        }
    });
    Served {
        base,
        files,
        asked,
        _site: site,
    }
}

fn browser() -> Option<(Browser, &'static Served)> {
    let browser = chrome::launch("finish tests")?;
    Some((browser, site()))
}

/// Records console errors, uncaught errors and failed promises from the
/// first script on: `window.__errors`.
const RECORD_ERRORS: &str = r#"
window.__errors = [];
const record = (what) => window.__errors.push(String(what));
window.addEventListener("error", (e) => record(e.message || (e.target && (e.target.src || e.target.href)) || "error"), true);
window.addEventListener("unhandledrejection", (e) => record(e.reason));
const consoleError = console.error.bind(console);
console.error = (...args) => { record(args.join(" ")); consoleError(...args); };
"#;

fn open_recording(browser: &Browser, url: &str) -> Arc<Tab> {
    chrome::open_with(browser, url, |tab| {
        tab.call_method(
            headless_chrome::protocol::cdp::Page::AddScriptToEvaluateOnNewDocument {
                source: RECORD_ERRORS.to_string(),
                world_name: None,
                include_command_line_api: None,
                run_immediately: None,
            },
        )
        .expect("record errors");
    })
}

fn set_width(tab: &Tab, width: u32, mobile: bool) {
    crate::chrome::set_viewport(tab, width, 900, mobile);
}

/// Opens `path` at `width`, and waits for nav.js.
fn open_at(browser: &Browser, site: &Served, path: &str, width: u32) -> Arc<Tab> {
    let tab = chrome::open_with(browser, &site.url(path), |tab| {
        set_width(tab, width, width < 600)
    });
    wait_for(
        &tab,
        "the menu is enhanced",
        "Boolean(document.querySelector('.site-nav.is-enhanced'))",
    );
    tab
}

// ----- Favicon -----

#[test]
fn a_first_visit_loads_the_icons_with_no_failed_request_and_no_error() {
    let Some((browser, site)) = browser() else {
        return;
    };
    for path in ["/", "/scripts/connection-note/", "/tags/linkedin/"] {
        site.take_asked();
        let tab = open_recording(&browser, &site.url(path));
        let icons = eval(
            &tab,
            r#"(async () => {
              const out = [];
              for (const rel of ["icon", "apple-touch-icon"]) {
                const link = document.querySelector(`link[rel="${rel}"]`);
                if (!link) { out.push(`${rel}: no link`); continue; }
                const answer = await fetch(link.href);
                const image = new Image();
                image.src = link.href;
                const drawn = await image.decode().then(() => image.naturalWidth > 0, () => false);
                out.push(`${rel}: ${answer.status} ${answer.headers.get("content-type")} ${drawn ? "drawn" : "not drawn"}`);
              }
              return out;
            })()"#,
        );
        assert_eq!(
            icons,
            serde_json::json!([
                "icon: 200 image/svg+xml drawn",
                "apple-touch-icon: 200 image/png drawn"
            ]),
            "{path}"
        );
        // Give the browser time to ask for anything it asks for after load.
        std::thread::sleep(Duration::from_millis(500));
        let asked = site.take_asked();
        let missing: Vec<&String> = asked.iter().filter(|p| !site.answers(p)).collect();
        assert!(missing.is_empty(), "{path}: 404 for {missing:?}");
        assert!(
            !asked.iter().any(|p| p.contains("favicon.ico")),
            "{path}: the browser fell back to /favicon.ico: {asked:?}"
        );
        let errors = eval(&tab, "window.__errors");
        assert_eq!(errors, serde_json::json!([]), "{path}: console errors");
        let _ = tab.close(true);
    }
}

// ----- The menu -----

/// Each menu label's line count, and the number of labels on each row.
const MENU_SHAPE: &str = r#"(() => {
  const links = [...document.querySelectorAll(".site-nav__list a")];
  const lines = links.map((a) => {
    const lineHeight = parseFloat(getComputedStyle(a).lineHeight);
    const style = getComputedStyle(a);
    const text = a.getBoundingClientRect().height - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom) - parseFloat(style.borderBottomWidth);
    return Math.round(text / lineHeight);
  });
  const rows = {};
  for (const a of links) {
    const top = Math.round(a.getBoundingClientRect().top);
    rows[top] = (rows[top] || 0) + 1;
  }
  return { count: links.length, lines, rows: Object.keys(rows).sort((x, y) => x - y).map((k) => rows[k]) };
})()"#;

#[test]
fn twelve_chapters_fit_the_menu_at_1280_px_with_no_label_alone_on_a_row() {
    let Some((browser, site)) = browser() else {
        return;
    };
    for path in ["/", "/recruiters/"] {
        let tab = open_at(&browser, site, path, 1280);
        let shape = eval(&tab, MENU_SHAPE);
        assert_eq!(shape["count"], 12, "{path}: {shape}");
        let lines: Vec<i64> = serde_json::from_value(shape["lines"].clone()).unwrap();
        assert!(
            lines.iter().all(|&n| n == 1),
            "{path}: a menu label breaks over lines: {shape}"
        );
        let rows: Vec<i64> = serde_json::from_value(shape["rows"].clone()).unwrap();
        assert!(rows.len() <= 2, "{path}: the menu takes {rows:?} rows");
        assert!(
            rows.iter().all(|&n| n >= 3),
            "{path}: a row of the menu holds too few labels: {rows:?}"
        );
        let button = eval(
            &tab,
            "getComputedStyle(document.querySelector('.site-nav__toggle')).display",
        );
        assert_eq!(
            button, "none",
            "{path}: the phone menu's button shows at 1280 px"
        );
        let _ = tab.close(true);
    }
}

/// Whether the menu's list is shown, and the button's `aria-expanded`.
const MENU_STATE: &str = r#"(() => {
  const list = document.querySelector(".site-nav__list");
  const button = document.querySelector(".site-nav__toggle");
  return [list.getBoundingClientRect().height > 0, button.getAttribute("aria-expanded"), document.activeElement === button];
})()"#;

#[test]
fn on_a_phone_the_menu_opens_and_closes() {
    let Some((browser, site)) = browser() else {
        return;
    };
    let tab = open_at(&browser, site, "/first-message/", 375);
    let button = eval(
        &tab,
        "(() => { const b = document.querySelector('.site-nav__toggle'); const r = b.getBoundingClientRect(); return [b.hidden, r.width > 200, r.height >= 44, b.textContent.replace(/\\s+/g, ' ').trim()]; })()",
    );
    assert_eq!(
        button,
        serde_json::json!([false, true, true, "Chapters · The first message"])
    );
    assert_eq!(
        eval(&tab, MENU_STATE),
        serde_json::json!([false, "false", false])
    );

    eval(&tab, "document.querySelector('.site-nav__toggle').click()");
    let open = eval(&tab, MENU_STATE);
    assert_eq!(
        (&open[0], &open[1]),
        (&Value::Bool(true), &Value::from("true"))
    );
    let one_per_line = eval(
        &tab,
        "(() => { const tops = [...document.querySelectorAll('.site-nav__list a')].map((a) => a.getBoundingClientRect().top); return tops.every((t, i) => i === 0 || t > tops[i - 1]); })()",
    );
    assert_eq!(
        one_per_line, true,
        "the open menu lists one chapter per line"
    );

    eval(&tab, "document.querySelector('.site-nav__list a').focus()");
    tab.press_key("Escape").expect("press Escape");
    assert_eq!(
        eval(&tab, MENU_STATE),
        serde_json::json!([false, "false", true])
    );

    eval(&tab, "document.querySelector('.site-nav__toggle').click()");
    eval(&tab, "document.querySelector('.site-nav__toggle').click()");
    assert_eq!(eval(&tab, MENU_STATE)[0], false, "a second click closes it");
}

#[test]
fn without_javascript_the_phone_menu_is_a_plain_list() {
    let Some((browser, site)) = browser() else {
        return;
    };
    let tab = chrome::open_with(&browser, &site.url("/first-message/"), |tab| {
        tab.call_method(Emulation::SetScriptExecutionDisabled { value: true })
            .expect("turn JavaScript off");
        set_width(tab, 375, true);
    });
    let shown = tab
        .find_element(".site-nav__list a")
        .ok()
        .and_then(|a| a.get_box_model().ok())
        .map(|b| b.height > 0.0);
    assert_eq!(
        shown,
        Some(true),
        "the menu's links are shown without JavaScript"
    );
    let button = tab
        .find_element(".site-nav__toggle")
        .expect("the button is in the page")
        .get_box_model();
    assert!(button.is_err(), "the button has no box without JavaScript");
}

// ----- Dates and term labels -----

#[test]
fn dates_read_in_words_with_the_iso_date_kept_in_datetime() {
    let Some((browser, site)) = browser() else {
        return;
    };
    let tab = chrome::open(&browser, &site.url("/why-mend/a-dated-page/"));
    let times = eval(
        &tab,
        "[...document.querySelectorAll('.page-meta time')].map((t) => [t.parentElement.textContent.trim(), t.getAttribute('datetime')])",
    );
    assert_eq!(
        times,
        serde_json::json!([
            ["Published 11 March 2026", "2026-03-11"],
            ["Updated 14 February 2026", "2026-02-14T09:30:00Z"]
        ])
    );
    // A page of the bundled guide, whose date is read from its source.
    let source = std::fs::read_to_string(
        support::repo().join("content/after-the-repair/staying-in-touch.md"),
    )
    .unwrap();
    let date = source
        .lines()
        .find_map(|l| l.strip_prefix("date: "))
        .expect("the page has a date")
        .trim()
        .to_string();
    let tab = chrome::open(&browser, &site.url("/after-the-repair/staying-in-touch/"));
    let shown = eval(
        &tab,
        "(() => { const t = document.querySelector('.page-meta time'); return [t.textContent, t.getAttribute('datetime')]; })()",
    );
    assert_eq!(shown[1], Value::String(date.clone()));
    let text = shown[0].as_str().unwrap();
    assert!(
        !text.contains('-') && text.split(' ').count() == 3 && text.ends_with(&date[..4]),
        "{date} is shown as {text:?}"
    );
}

#[test]
fn term_pages_are_titled_as_the_author_spells_the_term() {
    let Some((browser, site)) = browser() else {
        return;
    };
    for (path, title) in [
        ("/tags/linkedin/", "LinkedIn"),
        ("/tags/staying-in-touch/", "Staying in touch"),
        ("/tags/trust/", "Trust"),
    ] {
        let tab = chrome::open(&browser, &site.url(path));
        let shown = eval(
            &tab,
            "[document.querySelector('h1').textContent, document.querySelectorAll('.card__num').length, document.querySelectorAll('ol.page-list').length, [...document.querySelectorAll('h1, h2, h3')].map((h) => h.tagName).join(' ')]",
        );
        assert_eq!(shown[0], title, "{path}");
        assert_eq!(shown[1], 0, "{path}: numbered badges on a term page");
        assert_eq!(
            shown[2], 0,
            "{path}: a term's pages are not in an ordered list"
        );
        let headings = shown[3].as_str().unwrap();
        assert!(
            headings.starts_with("H1 H2") && !headings.contains("H1 H3"),
            "{path}: headings skip a level: {headings}"
        );
        let _ = tab.close(true);
    }
    // The lede counts what the page lists, in words.
    for path in ["/tags/apology/", "/tags/linkedin/"] {
        let tab = chrome::open(&browser, &site.url(path));
        let counted = eval(
            &tab,
            "(() => { const n = (s) => document.querySelectorAll(s).length; const words = (k, w) => k ? `${k} ${w}${k === 1 ? '' : 's'}` : ''; const said = [words(n('.page-card'), 'page'), words(n('.script-card'), 'script')].filter(Boolean).join(' and '); return [document.querySelector('.lede').textContent.startsWith(said + ' filed under'), said]; })()",
        );
        assert_eq!(
            counted[0], true,
            "{path}: the lede does not say {}",
            counted[1]
        );
        let _ = tab.close(true);
    }
    // The page wrote `linkedin`: its tag list shows the term's spelling.
    let tab = chrome::open(&browser, &site.url("/why-mend/a-dated-page/"));
    let tags = eval(
        &tab,
        "[...document.querySelectorAll('.page-footer .tag')].map((a) => a.textContent.trim())",
    );
    assert_eq!(tags, serde_json::json!(["#LinkedIn", "#staying in touch"]));
    let list = chrome::open(&browser, &site.url("/tags/"));
    let names = eval(
        &list,
        "[...document.querySelectorAll('.tag-cloud .tag')].map((a) => a.firstChild.textContent.trim())",
    );
    let names: Vec<String> = serde_json::from_value(names).unwrap();
    assert!(names.contains(&"LinkedIn".to_string()), "{names:?}");
    assert!(
        names
            .iter()
            .all(|n| n.chars().next().is_some_and(char::is_uppercase)),
        "a term is listed without a capital: {names:?}"
    );
}
