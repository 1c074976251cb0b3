//! Browser tests: the bundled guide, built by the real binary, served over
//! HTTP on loopback and driven in Debian's Chromium through `headless_chrome`.
//!
//! The site is built and served once per test process; every test launches
//! its own Chromium (so nothing outlives the test that started it). Without
//! Chromium the tests print a notice and pass, unless
//! `GUIDE_BROWSER_TESTS=required`, which turns a missing browser into a failure.

use std::fmt::Write as _;
use std::sync::Arc;

use headless_chrome::protocol::cdp::{Browser as BrowserDomain, Emulation};
use headless_chrome::{Browser, Tab};
use serde_json::Value;

use super::chrome::{self, eval, js, wait_for, Served};

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
    let browser = chrome::launch("browser tests")?;
    Some(Session {
        browser,
        site: chrome::bundled_site(),
    })
}

impl Session {
    /// A new tab showing `path` (site-relative, may hold a fragment).
    fn open(&self, path: &str) -> Arc<Tab> {
        chrome::open(&self.browser, &self.site.url(path))
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
        counter_before.contains("/ 200"),
        "counter shows the strictest limit by default: {counter_before:?}"
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
    // The counter counts the message as shown, by code point: the typed
    // values, not the labels of the blanks still empty.
    let shown_length = shown_length(&tab, preview);
    assert!(
        counter_after.starts_with(&format!("{shown_length} / 200")),
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

    // A connection note over the limit: the former-manager script's note.
    // Its fields are capped so that it always fits (EDITORIAL.md), so the
    // cap of `strength` is lifted here to see the counter go over.
    let tab = session.open_script("/scripts/former-manager-reconnect/");
    eval(
        &tab,
        "document.querySelector('#field-strength').removeAttribute('maxlength'), true",
    );
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
    assert!(count > 200, "{counter_over:?}");
    assert!(
        counter_over.contains(&format!("{} over the Free account limit", count - 200)),
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

/// The length of a message preview as its counter counts it, by code
/// point: the values shown, not the labels of the blanks still empty.
fn shown_length(tab: &Tab, preview: &str) -> usize {
    let length = eval(
        tab,
        &format!(
            "(() => {{ const p = document.querySelector({}).cloneNode(true);
               p.querySelectorAll('mark.blank').forEach((m) => m.remove());
               return [...p.textContent].length; }})()",
            js(preview)
        ),
    );
    length.as_u64().expect("a length") as usize
}

/// Forgets the reader's chosen LinkedIn limit (kept in localStorage), so a
/// test starts from the default and leaves none behind.
fn forget_limit_choice(tab: &Tab) {
    eval(
        tab,
        "localStorage.removeItem('guide-limit:linkedin-note'), true",
    );
}

/// Lets the page read and write the clipboard, as a reader's click does.
fn allow_clipboard(session: &Session, tab: &Tab) {
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
}

#[test]
fn copy_puts_message_on_clipboard() {
    let Some(session) = session() else { return };
    let tab = session.open_script("/scripts/reconnect-email/");
    allow_clipboard(&session, &tab);

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

// ----- Embeds, print, phone, named limits, the checker, announcements -----

/// Waits for the embed with this key to be enhanced.
fn wait_embed(tab: &Tab, key: &str) {
    wait_for(
        tab,
        &format!("the `{key}` embed is enhanced"),
        &format!("document.querySelector('#embed-{key}-workbench.is-enhanced') !== null"),
    );
}

#[test]
fn an_embedded_script_works_inline() {
    let Some(session) = session() else { return };
    let tab = session.open("/first-message/connection-request/");
    wait_embed(&tab, "connection-note");
    let preview = "#embed-connection-note-workbench .message-preview[data-message=note]";
    type_keys(&tab, "#embed-connection-note-field-name", "Priya");
    wait_for(
        &tab,
        "the embed's preview shows the typed name",
        &format!(
            "document.querySelector({}).textContent.includes('Hi Priya,')",
            js(preview)
        ),
    );
    assert!(eval_bool(
        &tab,
        "document.querySelector('#embed-connection-note-box').hasAttribute('data-pagefind-ignore')"
    ));
    assert!(eval_bool(
        &tab,
        "document.querySelector('#embed-connection-note-box .script-embed__more a').getAttribute('href').endsWith('/scripts/connection-note/')"
    ));
    assert!(eval_string(&tab, "location.hash").contains("connection-note.name=Priya"));
}

#[test]
fn two_embeds_on_a_page_keep_their_own_values_and_fragment_keys() {
    let Some(session) = session() else { return };
    let path = "/first-message/asking-to-catch-up/";
    let tab = session.open(path);
    wait_embed(&tab, "coffee-ask");
    wait_embed(&tab, "can-we-chat");
    type_keys(&tab, "#embed-coffee-ask-field-name", "Ana");
    type_keys(&tab, "#embed-can-we-chat-field-name", "Ben");
    let coffee = "#embed-coffee-ask-workbench .message-preview";
    let chat = "#embed-can-we-chat-workbench .message-preview";
    wait_for(
        &tab,
        "coffee-ask shows Ana",
        &format!(
            "document.querySelector({}).textContent.includes('Ana')",
            js(coffee)
        ),
    );
    wait_for(
        &tab,
        "can-we-chat shows Ben",
        &format!(
            "document.querySelector({}).textContent.includes('Ben')",
            js(chat)
        ),
    );
    assert!(!text_of(&tab, coffee).contains("Ben"));
    assert!(!text_of(&tab, chat).contains("Ana"));
    let hash = eval_string(&tab, "location.hash");
    assert!(
        hash.contains("coffee-ask.name=Ana") && hash.contains("can-we-chat.name=Ben"),
        "{hash}"
    );
    // The bookmarked page comes back with each embed's own value.
    let again = session.open(&format!("{path}{hash}"));
    wait_embed(&again, "coffee-ask");
    wait_embed(&again, "can-we-chat");
    assert_eq!(value_of(&again, "#embed-coffee-ask-field-name"), "Ana");
    assert_eq!(value_of(&again, "#embed-can-we-chat-field-name"), "Ben");
}

#[test]
fn printing_shows_every_message_and_no_form() {
    let Some(session) = session() else { return };
    let tab = session.open_script("/scripts/called-out-reply/#true_part=the%20deadline%20slipped");
    tab.call_method(Emulation::SetEmulatedMedia {
        media: Some("print".into()),
        features: None,
    })
    .expect("emulate print");
    let shown = eval(
        &tab,
        "[...document.querySelectorAll('section.message')].map((s) => s.getClientRects().length > 0 && s.querySelector('.message__title').getClientRects().length > 0)",
    );
    assert_eq!(
        shown,
        serde_json::json!([true, true]),
        "every message panel and its label print"
    );
    for hidden in ["#script-form", ".tabs", ".message-actions", ".site-header"] {
        assert!(!is_shown(&tab, hidden), "{hidden} does not print");
    }
    assert!(
        text_of(&tab, ".message-preview[data-message=written-reply]")
            .contains("the deadline slipped")
    );
}

#[test]
fn on_a_phone_the_preview_stays_in_view_while_typing() {
    let Some(session) = session() else { return };
    let tab = session.open("/");
    crate::chrome::emulate_phone(&tab);
    let tab_path = "/scripts/connection-note/";
    tab.navigate_to(&session.site.url(tab_path))
        .expect("open the script");
    tab.wait_until_navigated().expect("navigated");
    wait_enhanced(&tab, tab_path);
    let in_view = "(() => { const r = document.querySelector('.message-preview[data-message=note]').getBoundingClientRect(); return r.bottom > 0 && r.top < innerHeight && r.top >= 0; })()";
    for field in ["#field-name", "#field-strength"] {
        focus_and_select(&tab, field);
        eval(
            &tab,
            &format!(
                "document.querySelector({}).scrollIntoView({{block: 'center'}}), true",
                js(field)
            ),
        );
        assert!(
            eval_bool(&tab, in_view),
            "the preview is in view after focusing {field}"
        );
    }
    // The tabs fit the width: none is cut at the right edge.
    let clipped = eval_bool(&tab, "[...document.querySelectorAll('.tab')].some((t) => t.getBoundingClientRect().right > innerWidth)");
    assert!(!clipped, "a tab runs off the screen");
}

#[test]
fn a_250_character_connection_note_warns_for_free_accounts() {
    let Some(session) = session() else { return };
    let tab = session.open_script("/scripts/connection-note/");
    forget_limit_choice(&tab);
    eval(
        &tab,
        "document.querySelector('#field-owned').removeAttribute('maxlength'), true",
    );
    let counter = ".char-counter[data-message=note]";
    let preview = ".message-preview[data-message=note]";
    // Grow the message to 250 characters.
    let base = shown_length(&tab, preview);
    let strength = "x".repeat(250 - base);
    insert_text(&tab, "#field-owned", &strength);
    wait_for(
        &tab,
        "the preview is 250 characters",
        &format!(
            "document.querySelector({}).textContent.includes('xxxxxxxxxx')",
            js(preview)
        ),
    );
    let count = shown_length(&tab, preview) as u64;
    assert!(count > 200 && count <= 300, "{count}");
    let text = text_of(&tab, counter);
    assert!(
        text.contains("/ 200") && text.contains("over the Free account limit"),
        "{text}"
    );
    // The reader picks Premium: it fits, and still says it is over the free limit.
    choose(&tab, "#limit-note", "Premium");
    wait_for(
        &tab,
        "the counter counts against 300",
        &format!(
            "document.querySelector({}).textContent.includes('/ 300')",
            js(counter)
        ),
    );
    let text = text_of(&tab, counter);
    assert!(
        text.contains("over the Free account limit of 200"),
        "{text}"
    );
    assert_eq!(
        eval_string(&tab, "localStorage.getItem('guide-limit:linkedin-note')"),
        "Premium"
    );
    forget_limit_choice(&tab);
}

#[test]
fn the_checker_hints_at_a_conditional_apology() {
    let Some(session) = session() else { return };
    let tab = session.open_script("/scripts/own-a-mistake/");
    insert_text(&tab, "#field-mistake", "say I'm sorry if you felt left out");
    let hint = ".message-hint[data-rule=conditional-apology]";
    wait_for(
        &tab,
        "the checker's hint appears",
        &format!("document.querySelector({}) !== null", js(hint)),
    );
    assert!(text_of(&tab, hint).contains("Sorry if"));
    assert!(eval_bool(&tab, &format!("document.querySelector({} + ' a').getAttribute('href').endsWith('/called-out/apologising-without-but/')", js(hint))));
    // It never blocks: the copy button is still there and enabled.
    assert!(!eval_bool(
        &tab,
        "document.querySelector('button.copy').disabled"
    ));
}

#[test]
fn checker_vectors_pass_in_the_browser() {
    let Some(session) = session() else { return };
    let vectors: Value =
        serde_json::from_str(include_str!("../vectors/message-checker.json")).unwrap();
    let rules: Value =
        serde_json::from_str(include_str!("../../src/script/message-rules.json")).unwrap();
    let tab = session.open("/");
    let outcome = eval(
        &tab,
        &format!(
            "import('/js/checker.js').then((m) => {{ const rules = {}; return {}.filter((v) => JSON.stringify(m.check(rules, v.text, v.script)) !== JSON.stringify(v.expected)).map((v) => v.name); }})",
            rules["rules"], vectors
        ),
    );
    assert_eq!(
        outcome,
        serde_json::json!([]),
        "vectors that fail in the browser"
    );
}

#[test]
fn the_counter_announces_once_when_crossing_a_limit() {
    let Some(session) = session() else { return };
    let tab = session.open_script("/scripts/connection-note/");
    forget_limit_choice(&tab);
    assert!(
        !eval_bool(
            &tab,
            "document.querySelector('.message-preview').hasAttribute('aria-live')"
        ),
        "the preview is not a live region"
    );
    eval(
        &tab,
        "document.querySelector('#field-owned').removeAttribute('maxlength'), true",
    );
    eval(&tab, "window.announced = []; new MutationObserver(() => announced.push(document.querySelector('.char-announcer[data-message=note]').textContent)).observe(document.querySelector('.char-announcer[data-message=note]'), {childList: true, characterData: true, subtree: true}); true");
    for n in [10, 120, 130, 140] {
        insert_text(&tab, "#field-owned", &"y".repeat(n));
    }
    let announced = eval(
        &tab,
        "new Promise((r) => setTimeout(() => r(announced), 100))",
    );
    let announced = announced.as_array().unwrap();
    assert_eq!(announced.len(), 1, "{announced:?}");
    assert!(
        announced[0]
            .as_str()
            .unwrap()
            .contains("over the Free account limit"),
        "{announced:?}"
    );
}

#[test]
fn a_capped_field_says_its_maximum_and_when_it_is_full() {
    let Some(session) = session() else { return };
    let tab = session.open_script("/scripts/connection-note/");
    let hint = eval_string(&tab, "document.getElementById(document.querySelector('#field-name').getAttribute('aria-describedby')).textContent");
    assert!(hint.contains("Up to 30 characters"), "{hint}");
    insert_text(&tab, "#field-name", &"n".repeat(30));
    wait_for(&tab, "the field says it is full", "document.querySelector('#field-name').closest('.field').querySelector('.field__full').textContent.includes('Full')");
}

/// Copying a connection note over the reader's limit copies it all and says
/// how much LinkedIn will cut.
#[test]
fn copying_an_over_limit_note_says_how_much_will_be_cut() {
    let Some(session) = session() else { return };
    let tab = session.open_script("/scripts/connection-note/");
    allow_clipboard(&session, &tab);
    forget_limit_choice(&tab);
    eval(
        &tab,
        "document.querySelector('#field-owned').removeAttribute('maxlength'), true",
    );
    type_keys(&tab, "#field-name", "Priya");
    insert_text(&tab, "#field-owned", &"y".repeat(240));
    let preview = ".message-preview[data-message=note]";
    wait_for(
        &tab,
        "the preview shows the long field",
        &format!(
            "document.querySelector({}).textContent.includes('yyyyyyyyyy')",
            js(preview)
        ),
    );
    let length = shown_length(&tab, preview);
    assert!(length > 200, "{length}");
    let status = ".copy-status[data-message=note]";
    // Blanks left: the first click warns, the second copies.
    for _ in 0..2 {
        click(&tab, "button.copy[data-message=note]");
        if text_of(&tab, status).contains("Copied") {
            break;
        }
    }
    wait_for(
        &tab,
        "the status says it was copied",
        &format!(
            "document.querySelector({}).textContent.includes('Copied')",
            js(status)
        ),
    );
    let said = text_of(&tab, status);
    assert!(
        said.contains(&format!("will cut the last {} characters", length - 200)),
        "{said} (a {length}-character note)"
    );
    let copied = eval_string(&tab, "navigator.clipboard.readText()");
    assert!(
        copied.contains(&"y".repeat(240)),
        "all of it was copied: {copied}"
    );
    forget_limit_choice(&tab);
}

// ----- In Spanish -----

#[test]
fn a_spanish_script_page_works_with_spanish_strings() {
    let Some(session) = session() else { return };
    let tab = session.open_script("/es/scripts/connection-note/");
    assert_eq!(eval_string(&tab, "document.documentElement.lang"), "es");
    assert_eq!(text_of(&tab, ".script-form__title"), "Tus datos");
    let copy = r#".button.copy[data-message="note"]"#;
    assert_eq!(text_of(&tab, copy), "Copiar mensaje");
    let preview = r#".message-preview[data-message="note"]"#;
    let counter = r#".char-counter[data-message="note"]"#;
    type_keys(&tab, "#field-name", "Lucía");
    wait_for(
        &tab,
        "the Spanish preview shows the typed name",
        &format!(
            "document.querySelector({}).textContent.includes('Hola, Lucía:')",
            js(preview)
        ),
    );
    let shown = shown_length(&tab, preview);
    let counted = text_of(&tab, counter);
    assert!(
        counted.starts_with(&format!("{shown} / 200 caracteres")),
        "the counter speaks Spanish and counts the message: {counted:?}"
    );
    for english in ["characters", "Copy", "Your details", "optional)"] {
        let page = eval_string(&tab, "document.querySelector('#workbench').innerText");
        assert!(
            !page.contains(english),
            "English {english:?} on the Spanish page:\n{page}"
        );
    }
}

#[test]
fn switching_language_on_a_filled_script_keeps_what_was_filled_in() {
    let Some(session) = session() else { return };
    let tab = session.open_script("/scripts/reconnect-email/#name=Priya&company=Acme");
    let preview = r#".message-preview[data-message="email"]"#;
    assert!(text_of(&tab, preview).starts_with("Hi Priya,"));
    // The reader types one more field, then switches to Spanish.
    type_keys(&tab, "#field-your_name", "Sam");
    wait_for(
        &tab,
        "the fragment holds the new field",
        "location.hash.includes('your_name=Sam')",
    );
    eval(&tab, "window.__english = true");
    click(&tab, ".language-switcher a[hreflang=es]");
    wait_for(
        &tab,
        "the Spanish page opens",
        "window.__english === undefined && location.pathname === '/es/scripts/reconnect-email/'",
    );
    wait_enhanced(&tab, "/es/scripts/reconnect-email/");
    let hash = eval_string(&tab, "location.hash");
    for kept in ["name=Priya", "company=Acme", "your_name=Sam"] {
        assert!(hash.contains(kept), "{kept} lost on the way: {hash}");
    }
    assert_eq!(value_of(&tab, "#field-name"), "Priya");
    assert_eq!(value_of(&tab, "#field-company"), "Acme");
    assert_eq!(value_of(&tab, "#field-your_name"), "Sam");
    let text = text_of(&tab, preview);
    assert!(text.contains("Hola, Priya:"), "{text:?}");
    assert!(text.contains("en Acme"), "{text:?}");
    // And back: the English page comes back filled in too.
    eval(&tab, "window.__spanish = true");
    click(&tab, ".language-switcher a[hreflang=en]");
    wait_for(
        &tab,
        "the English page opens",
        "window.__spanish === undefined && location.pathname === '/scripts/reconnect-email/'",
    );
    wait_enhanced(&tab, "/scripts/reconnect-email/");
    assert_eq!(value_of(&tab, "#field-your_name"), "Sam");
    assert!(text_of(&tab, preview).starts_with("Hi Priya,"));
}
