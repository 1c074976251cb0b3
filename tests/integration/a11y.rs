//! Accessibility: axe-core, run in Chromium on each kind of page of the
//! bundled guide (home page with the "where do I start?" helper unanswered,
//! at its safety answer and with a full plan, a section, a page, the scripts
//! index, a script page, a taxonomy's list, a term page, the 404 page, and a
//! section with the phone menu open), in the light and the dark scheme. Any
//! violation fails, listed with its rule and elements.
//!
//! The site and the browser come from `chrome.rs`, as for every browser
//! test: built once by the real binary and served from memory on loopback,
//! with a Chromium per test. axe-core
//! comes from npm (`package.json`; `npm ci`) and is injected with
//! `Runtime.evaluate`. Without Chromium or without `node_modules/`, the tests
//! print a notice and pass, unless `GUIDE_BROWSER_TESTS=required`.

use std::sync::{Arc, OnceLock};

use headless_chrome::protocol::cdp::Emulation;
use headless_chrome::{Browser, Tab};
use serde_json::Value;

use super::chrome::{self, eval, Served};

/// The rules axe runs: WCAG 2.x A and AA, and its best practices.
const AXE_OPTIONS: &str = r#"{
  runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] },
  resultTypes: ["violations"]
}"#;

#[derive(Clone, Copy, Debug)]
enum Scheme {
    Light,
    Dark,
}

impl Scheme {
    fn name(self) -> &'static str {
        match self {
            Scheme::Light => "light",
            Scheme::Dark => "dark",
        }
    }
}

// ----- What the tests need -----

/// axe-core's source, from the repository's `node_modules/` (`npm ci`).
fn axe_source() -> Option<&'static str> {
    static AXE: OnceLock<Option<String>> = OnceLock::new();
    AXE.get_or_init(|| {
        let path = super::support::repo().join("node_modules/axe-core/axe.min.js");
        std::fs::read_to_string(path).ok()
    })
    .as_deref()
}

// ----- A browser per test -----

struct Session {
    browser: Browser,
    site: &'static Served,
    axe: &'static str,
}

fn session() -> Option<Session> {
    const TESTS: &str = "accessibility tests";
    let Some(axe) = axe_source() else {
        chrome::cannot_run(
            TESTS,
            "no node_modules/axe-core/axe.min.js (run `npm ci` at the repository root)",
        );
        return None;
    };
    let browser = chrome::launch(TESTS)?;
    Some(Session {
        browser,
        site: chrome::bundled_site(),
        axe,
    })
}

impl Session {
    /// A new tab showing `path` with the system's colour scheme set to `scheme`.
    fn open(&self, path: &str, scheme: Scheme) -> Arc<Tab> {
        chrome::open_with(&self.browser, &self.site.url(path), |tab| {
            tab.call_method(Emulation::SetEmulatedMedia {
                media: None,
                features: Some(vec![Emulation::MediaFeature {
                    name: "prefers-color-scheme".to_string(),
                    value: scheme.name().to_string(),
                }]),
            })
            .expect("emulate prefers-color-scheme");
        })
    }

    /// Runs axe-core on the page and fails with every violation it finds.
    fn check(&self, tab: &Tab, what: &str, scheme: Scheme) {
        let applied = eval(
            tab,
            "getComputedStyle(document.documentElement).colorScheme",
        );
        assert_eq!(
            applied,
            Value::String(scheme.name().to_string()),
            "{what}: the page is not in the {} scheme",
            scheme.name()
        );
        if eval(tab, "typeof window.axe") != Value::String("object".into()) {
            // `;0`: the script's own completion value is not JSON.
            eval(tab, &format!("{}\n;0", self.axe));
        }
        let violations = eval(
            tab,
            &format!(
                "axe.run(document, {AXE_OPTIONS}).then((r) => r.violations.map((v) => ({{
                   id: v.id, impact: v.impact, help: v.help,
                   nodes: v.nodes.slice(0, 6).map((n) => n.target.join(' ') + ': ' + (n.failureSummary || '').replace(/\\s+/g, ' '))
                 }})))"
            ),
        );
        let violations = violations.as_array().expect("a list of violations");
        let report: Vec<String> = violations
            .iter()
            .map(|v| {
                let nodes: Vec<String> = v["nodes"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|n| format!("    {}", n.as_str().unwrap_or_default()))
                    .collect();
                format!(
                    "  {} ({}): {}\n{}",
                    v["id"].as_str().unwrap_or_default(),
                    v["impact"].as_str().unwrap_or("?"),
                    v["help"].as_str().unwrap_or_default(),
                    nodes.join("\n")
                )
            })
            .collect();
        assert!(
            report.is_empty(),
            "axe finds {} violation(s) on {what} in the {} scheme:\n{}",
            report.len(),
            scheme.name(),
            report.join("\n")
        );
    }
}

/// Waits until `condition` is true.
fn wait_for(tab: &Tab, what: &str, condition: &str) {
    chrome::wait_for(tab, what, &format!("Boolean({condition})"));
}

/// Opens `path` in both schemes, waits for `ready` (a JavaScript condition),
/// runs `prepare`, then axe.
fn check_page(what: &str, path: &str, ready: &str, prepare: &str) {
    let Some(session) = session() else { return };
    for scheme in [Scheme::Light, Scheme::Dark] {
        let tab = session.open(path, scheme);
        wait_for(&tab, &format!("{what} is ready"), ready);
        if !prepare.is_empty() {
            eval(&tab, prepare);
        }
        session.check(&tab, what, scheme);
        let _ = tab.close(true);
    }
}

// ----- The pages -----

/// Waits for the helper, then presses `answers` (question, value) in order.
fn answer_helper(answers: &[(&str, &str)]) -> String {
    let answers = serde_json::to_string(answers).unwrap();
    format!(
        r#"(() => {{
  for (const [question, value] of {answers}) {{
    const button = document.querySelector(`[data-question="${{question}}"] button[data-value="${{value}}"]`);
    if (!button) throw new Error(`the helper has no answer ${{value}} for ${{question}}`);
    button.click();
  }}
  return true;
}})()"#
    )
}

const HELPER_READY: &str = "document.querySelector('#where-to-start.is-enhanced')";

#[test]
fn home_page_without_answers_has_no_violations() {
    check_page("the home page (helper unanswered)", "/", HELPER_READY, "");
}

#[test]
fn home_page_with_the_safety_answer_has_no_violations() {
    check_page(
        "the home page (the helper's safety answer)",
        "/",
        HELPER_READY,
        &answer_helper(&[("safety", "harm")]),
    );
}

#[test]
fn home_page_with_the_helpers_plan_has_no_violations() {
    check_page(
        "the home page (the helper's plan)",
        "/",
        HELPER_READY,
        &answer_helper(&[
            ("safety", "ok"),
            ("part", "mine"),
            ("work", "no"),
            ("relationship", "former-manager"),
            ("since", "years"),
            ("channel", "email"),
        ]),
    );
}

#[test]
fn section_has_no_violations() {
    check_page(
        "a section",
        "/first-message/",
        "document.readyState === 'complete'",
        "",
    );
}

#[test]
fn page_has_no_violations() {
    check_page(
        "a page",
        "/first-message/connection-request/",
        "document.readyState === 'complete'",
        "",
    );
}

#[test]
fn scripts_index_has_no_violations() {
    check_page(
        "the scripts index",
        "/scripts/",
        "document.querySelector('#scripts-filter:not([hidden])')",
        "",
    );
}

#[test]
fn script_page_has_no_violations() {
    // Some values typed, one left blank, the second message selected: the
    // preview then holds values, blanks and a fallback.
    check_page(
        "a script page",
        "/scripts/can-we-chat/#name=Priya&topic=the%20migration&_m=email",
        "document.querySelector('#workbench.is-enhanced')",
        "",
    );
}

#[test]
fn toggle_to_dark_over_a_light_system_has_no_violations() {
    // The header toggle's path: `data-theme="dark"` while the system is light.
    let Some(session) = session() else { return };
    let tab = session.open("/scripts/connection-note/", Scheme::Light);
    wait_for(
        &tab,
        "the script page is enhanced",
        "document.querySelector('#workbench.is-enhanced')",
    );
    eval(&tab, "document.querySelector('.theme-toggle').click()");
    session.check(&tab, "a script page toggled to dark", Scheme::Dark);
}

#[test]
fn taxonomy_list_has_no_violations() {
    check_page(
        "a taxonomy's list of terms",
        "/tags/",
        "document.readyState === 'complete'",
        "",
    );
}

#[test]
fn term_page_has_no_violations() {
    // A term with pages and scripts: both lists, under their own headings.
    check_page(
        "a term page",
        "/tags/apology/",
        "document.querySelector('.term-scripts') && document.querySelector('.page-list')",
        "",
    );
}

#[test]
fn not_found_page_has_no_violations() {
    check_page(
        "the 404 page",
        "/404.html",
        "document.readyState === 'complete'",
        "",
    );
}

#[test]
fn scripts_index_with_the_how_to_open_has_no_violations() {
    check_page(
        "the scripts index with its how-to open",
        "/scripts/",
        "document.querySelector('#scripts-filter:not([hidden])')",
        "document.querySelector('details.how-to').open = true",
    );
}

#[test]
fn phone_menu_open_has_no_violations() {
    let Some(session) = session() else { return };
    for scheme in [Scheme::Light, Scheme::Dark] {
        let tab = session.open("/first-message/", scheme);
        crate::chrome::emulate_phone(&tab);
        wait_for(
            &tab,
            "the phone menu is ready",
            "document.querySelector('.site-nav.is-enhanced')",
        );
        eval(&tab, "document.querySelector('.site-nav__toggle').click()");
        session.check(&tab, "a section with the phone menu open", scheme);
        let _ = tab.close(true);
    }
}
/// Opens the search panel with a query that has more than ten results, so
/// the filters, the results with their context lines and "Show more" are
/// all checked.
const OPEN_SEARCH: &str = r##"(async () => {
  const input = document.querySelector("#site-search-input");
  input.focus();
  input.value = "you";
  input.dispatchEvent(new Event("input"));
  const start = Date.now();
  while (document.querySelectorAll(".search-result").length < 10 || document.querySelector(".site-search__more").hidden
         || !document.querySelector(".search-result__context")) {
    if (Date.now() - start > 20000) throw new Error("the search panel shows no results");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
})()"##;

#[test]
fn search_panel_with_results_has_no_violations() {
    check_page(
        "the search panel",
        "/first-message/timing/",
        "!document.querySelector('form.site-search').hidden",
        OPEN_SEARCH,
    );
}

// ----- The Spanish guide -----

#[test]
fn spanish_home_page_with_the_helpers_plan_has_no_violations() {
    check_page(
        "the Spanish home page (the helper's plan)",
        "/es/",
        HELPER_READY,
        &answer_helper(&[
            ("safety", "ok"),
            ("part", "mine"),
            ("work", "no"),
            ("relationship", "peer"),
            ("since", "months"),
            ("channel", "email"),
        ]),
    );
}

#[test]
fn spanish_pages_have_no_violations() {
    for (what, path) in [
        ("a Spanish section", "/es/first-message/"),
        ("a Spanish page", "/es/first-message/connection-request/"),
        ("the Spanish tags", "/es/tags/"),
    ] {
        check_page(what, path, "document.readyState === 'complete'", "");
    }
}

#[test]
fn spanish_script_page_has_no_violations() {
    check_page(
        "a Spanish script page",
        "/es/scripts/can-we-chat/#name=Luc%C3%ADa&topic=la%20migraci%C3%B3n&_m=email",
        "document.querySelector('#workbench.is-enhanced')",
        "",
    );
}
