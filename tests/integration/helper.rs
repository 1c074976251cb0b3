//! The home page's "Where do I start?" helper, tried as a reader would in
//! Chromium: the safety answers stop at when-not-to-mend with no script;
//! a full set of answers makes a dated plan from the waiting rule, with an
//! `.ics` download that a real iCalendar parser reads and a URL that brings
//! the plan back; it fetches no pages; on a phone the plan is focused and in
//! view. Without a browser, the built home page is checked too: every page
//! the helper links to exists (anchor included), its numbers of days agree
//! with the timing page, and the no-JavaScript lists stay.
//!
//! "Today" is fixed by the fragment's `start` (the day a plan was made), so
//! the dates are checkable.

use std::io::BufReader;
use std::sync::Arc;

use headless_chrome::protocol::cdp::Emulation;
use headless_chrome::{Browser, Tab};
use serde_json::Value;

use super::chrome::{self, eval, js, wait_for, Served};

// ----- A browser per test -----

struct Session {
    browser: Browser,
    site: &'static Served,
}

fn session() -> Option<Session> {
    let browser = chrome::launch("helper browser tests")?;
    Some(Session {
        browser,
        site: chrome::bundled_site(),
    })
}

impl Session {
    /// The home page (with `fragment`, which may be empty), once the helper is enhanced.
    fn home(&self, fragment: &str) -> Arc<Tab> {
        let tab = chrome::open(&self.browser, &self.site.url(&format!("/{fragment}")));
        wait_enhanced(&tab);
        tab
    }
}

fn wait_enhanced(tab: &Tab) {
    wait_for(
        tab,
        "where-to-start.js enhances the helper",
        "document.querySelector('#where-to-start.is-enhanced') !== null",
    );
}

/// Presses the answer `value` of `question`.
fn answer(tab: &Tab, question: &str, value: &str) {
    let selector = format!("[data-question={question}] button[data-value={value}]");
    let clicked = eval(
        tab,
        &format!(
            "(() => {{ const b = document.querySelector({}); if (!b || b.closest('[hidden]') || b.hidden) return false; b.click(); return true; }})()",
            js(&selector)
        ),
    );
    assert_eq!(
        clicked,
        Value::Bool(true),
        "no answer {value} to press for {question}"
    );
}

fn answer_all(tab: &Tab, answers: &[(&str, &str)]) {
    for (question, value) in answers {
        answer(tab, question, value);
    }
}

fn string(tab: &Tab, expression: &str) -> String {
    match eval(tab, expression) {
        Value::String(s) => s,
        other => panic!("{expression} is {other:?}, not a string"),
    }
}

fn boolean(tab: &Tab, expression: &str) -> bool {
    eval(tab, expression) == Value::Bool(true)
}

/// The plan's steps as (step id, datetime or "", script path or "", link paths).
fn steps(tab: &Tab) -> Vec<(String, String, String, Vec<String>)> {
    let value = eval(
        tab,
        "[...document.querySelectorAll('#starter-answer .plan__step')].map((li) => [
           li.dataset.step,
           li.querySelector('time')?.getAttribute('datetime') || '',
           li.querySelector('.plan__script a') ? new URL(li.querySelector('.plan__script a').href).pathname : '',
           [...li.querySelectorAll('.plan__links a')].map((a) => new URL(a.href).pathname + new URL(a.href).hash),
         ])",
    );
    serde_json::from_value(value).expect("a list of steps")
}

fn step<'a>(
    steps: &'a [(String, String, String, Vec<String>)],
    id: &str,
) -> &'a (String, String, String, Vec<String>) {
    steps
        .iter()
        .find(|s| s.0 == id)
        .unwrap_or_else(|| panic!("the plan has no {id} step: {steps:?}"))
}

/// Peer, email, both at fault, a few weeks ago, no longer working together.
const FULL: &[(&str, &str)] = &[
    ("part", "both"),
    ("work", "no"),
    ("relationship", "peer"),
    ("since", "weeks"),
    ("channel", "email"),
];

// ----- Safety first -----

#[test]
fn each_safety_answer_leads_to_when_not_to_mend_and_offers_no_script() {
    let Some(session) = session() else { return };
    for value in ["harm", "formal", "asked"] {
        let tab = session.home("");
        answer(&tab, "safety", value);
        let links: Vec<String> = serde_json::from_value(eval(
            &tab,
            "[...document.querySelectorAll('#starter-answer a')].map((a) => new URL(a.href).pathname)",
        ))
        .unwrap();
        assert!(
            links.iter().any(|l| l == "/why-mend/when-not-to-mend/"),
            "{value}: no link to when-not-to-mend in {links:?}"
        );
        assert!(
            links.iter().all(|l| !l.starts_with("/scripts/")),
            "{value}: a script is offered: {links:?}"
        );
        assert!(
            !boolean(
                &tab,
                "Boolean(document.querySelector('#starter-answer .plan'))"
            ),
            "{value}: a plan is shown"
        );
        let open_questions = string(
            &tab,
            "[...document.querySelectorAll('fieldset[data-question]')].filter((f) => !f.hidden).map((f) => f.dataset.question).join(' ')",
        );
        assert_eq!(
            open_questions, "safety",
            "{value}: the other questions are offered"
        );
        let status = string(
            &tab,
            "document.getElementById('starter-status').textContent",
        );
        assert!(
            status.contains("Do not reach out"),
            "{value}: status {status:?}"
        );
        let _ = tab.close(true);
    }
}

#[test]
fn releasing_the_safety_answer_and_saying_yes_brings_the_questions_back() {
    let Some(session) = session() else { return };
    let tab = session.home("");
    answer(&tab, "safety", "asked");
    answer(&tab, "safety", "ok");
    assert!(boolean(
        &tab,
        "!document.querySelector('[data-question=part]').hidden && Boolean(document.querySelector('#starter-answer .plan'))"
    ));
    assert!(!boolean(
        &tab,
        "Boolean(document.querySelector('#starter-answer .starter__stop'))"
    ));
}

// ----- The plan -----

#[test]
fn a_full_set_of_answers_makes_a_plan_dated_by_the_waiting_rule() {
    let Some(session) = session() else { return };
    // A Wednesday: the first message goes today, then three weeks, then three more.
    let tab = session.home("#safety=ok&start=2026-03-04");
    answer_all(&tab, FULL);
    let plan = steps(&tab);
    let ids: Vec<&str> = plan.iter().map(|s| s.0.as_str()).collect();
    assert_eq!(ids, ["send", "reply", "follow-up", "stop"]);
    assert_eq!(step(&plan, "send").1, "2026-03-04");
    assert_eq!(step(&plan, "reply").1, "", "the reply waits for theirs");
    assert_eq!(step(&plan, "follow-up").1, "2026-03-25");
    assert_eq!(step(&plan, "stop").1, "2026-04-15");
    assert!(step(&plan, "send").2.starts_with("/scripts/"));
    assert_eq!(step(&plan, "follow-up").2, "/scripts/one-follow-up/");
    assert_eq!(step(&plan, "stop").2, "", "stopping needs no script");
    assert!(step(&plan, "send")
        .3
        .contains(&"/before-you-reach-out/your-part/#say-it-in-one-sentence".to_string()));
    assert!(step(&plan, "follow-up")
        .3
        .contains(&"/first-message/timing/#the-waiting-rule".to_string()));
    assert!(step(&plan, "stop")
        .3
        .contains(&"/no-answer/moving-on/".to_string()));
    let shown = string(
        &tab,
        "document.querySelector('[data-step=follow-up] time').textContent",
    );
    assert_eq!(shown, "Wednesday 25 March 2026");
}

#[test]
fn the_timing_answers_each_change_the_plan() {
    let Some(session) = session() else { return };
    let plan_for = |since: &str, start: &str| {
        let tab = session.home(&format!("#safety=ok&start={start}"));
        answer_all(&tab, &[("relationship", "peer"), ("since", since)]);
        let plan = steps(&tab);
        let _ = tab.close(true);
        plan
    };
    // Less than a fortnight: the plan starts two weeks on.
    let days = plan_for("days", "2026-03-04");
    assert_eq!(step(&days, "send").1, "2026-03-18");
    assert_eq!(step(&days, "follow-up").1, "2026-04-08");
    assert!(step(&days, "send")
        .3
        .contains(&"/first-message/timing/#how-long-after-the-parting".to_string()));
    // A year or more: the lighter reconnection email, and why lighter.
    let years = plan_for("years", "2026-03-04");
    assert_eq!(step(&years, "send").2, "/scripts/reconnect-email/");
    assert!(step(&years, "send")
        .3
        .contains(&"/first-message/timing/#how-long-after-the-parting".to_string()));
    // Some months: a hook, and the script of the first move, not a year's.
    let months = plan_for("months", "2026-03-04");
    assert!(step(&months, "send")
        .3
        .contains(&"/first-message/timing/#moments-that-make-it-easier".to_string()));
    assert_eq!(step(&months, "send").2, "/scripts/connection-note/");
    // A few weeks: write now, with the first move too.
    let weeks = plan_for("weeks", "2026-03-04");
    assert_eq!(step(&weeks, "send").1, "2026-03-04");
    assert_ne!(step(&weeks, "send").3, step(&months, "send").3);
    // A Saturday start moves the first message to Monday, and the rest with it.
    let weekend = plan_for("weeks", "2026-03-07");
    assert_eq!(step(&weekend, "send").1, "2026-03-09");
    assert_eq!(step(&weekend, "stop").1, "2026-04-20");
}

#[test]
fn the_answers_pick_the_script_that_fits() {
    let Some(session) = session() else { return };
    let first_script = |answers: &[(&str, &str)]| {
        let tab = session.home("#safety=ok&start=2026-03-04");
        answer_all(&tab, answers);
        let plan = steps(&tab);
        let _ = tab.close(true);
        plan
    };
    let wronged = first_script(&[("part", "theirs"), ("relationship", "former-manager")]);
    assert_eq!(
        step(&wronged, "send").2,
        "/scripts/someone-who-wronged-you/"
    );
    let rival = first_script(&[("relationship", "rival"), ("channel", "email")]);
    assert_eq!(step(&rival, "send").2, "/scripts/rival-truce/");
    let go_between = first_script(&[("relationship", "rival"), ("channel", "go-between")]);
    assert_eq!(step(&go_between, "send").2, "/scripts/mutual-introduction/");
    assert!(step(&go_between, "send")
        .3
        .iter()
        .any(|l| l.starts_with("/first-message/through-a-mutual-contact/")));
    // Only a connection note: the note itself, and the follow-up by email.
    let note = first_script(&[("channel", "linkedin-note")]);
    assert_eq!(step(&note, "send").2, "/scripts/connection-note/");
    let tab = session.home("#safety=ok&channel=linkedin-note&start=2026-03-04");
    let follow = string(
        &tab,
        "document.querySelector('[data-step=follow-up]').textContent",
    );
    assert!(follow.contains("by email"), "{follow}");
    let _ = tab.close(true);
    // Still working together: no "who are they" question, and the one-to-one ask.
    let tab = session.home("#safety=ok&start=2026-03-04");
    answer(&tab, "work", "yes");
    assert!(boolean(
        &tab,
        "document.querySelector('[data-question=relationship]').hidden"
    ));
    answer(&tab, "channel", "work-chat");
    let plan = steps(&tab);
    assert_eq!(step(&plan, "send").2, "/scripts/still-work-together/");
    assert!(step(&plan, "send")
        .3
        .iter()
        .any(|l| l.starts_with("/special-cases/someone-you-still-work-with/")));
}

#[test]
fn the_url_restores_the_plan() {
    let Some(session) = session() else { return };
    let tab = session.home("#safety=ok&start=2026-03-04");
    answer_all(&tab, FULL);
    let href = string(&tab, "location.href");
    let plan = string(&tab, "document.querySelector('.starter__plan').innerText");
    for (question, value) in FULL {
        assert!(href.contains(&format!("{question}={value}")), "{href}");
    }
    let again = chrome::open(&session.browser, &href);
    wait_enhanced(&again);
    let restored = string(&again, "document.querySelector('.starter__plan').innerText");
    assert_eq!(restored, plan);
    let pressed = string(
        &again,
        "[...document.querySelectorAll('button.answer[aria-pressed=true]')].map((b) => b.closest('fieldset').dataset.question + '=' + b.dataset.value).join('&')",
    );
    assert_eq!(
        pressed,
        "safety=ok&part=both&work=no&relationship=peer&since=weeks&channel=email"
    );
    // A made-up value is ignored, not shown.
    let odd = session.home("#safety=ok&part=nonsense&start=not-a-date");
    assert!(boolean(
        &odd,
        "!document.querySelector('[data-question=part] [aria-pressed=true]') && Boolean(document.querySelector('.plan'))"
    ));
}

// ----- The calendar file -----

/// The text of the plan's `.ics` download, read from its Blob URL.
fn calendar_text(tab: &Tab) -> String {
    string(
        tab,
        "fetch(document.querySelector('a[data-calendar]').href).then((r) => r.text())",
    )
}

fn property<'a>(
    event: &'a ical::parser::ical::component::IcalEvent,
    name: &str,
) -> &'a ical::property::Property {
    event
        .properties
        .iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("an event has no {name}: {:?}", event.properties))
}

#[test]
fn the_calendar_download_is_valid_icalendar_with_the_plans_dates() {
    let Some(session) = session() else { return };
    let tab = session.home("#safety=ok&start=2026-03-04");
    answer_all(&tab, FULL);
    let download = string(
        &tab,
        "document.querySelector('a[data-calendar]').getAttribute('download')",
    );
    assert!(download.ends_with(".ics"), "{download}");
    assert!(string(&tab, "document.querySelector('a[data-calendar]').href").starts_with("blob:"));
    let text = calendar_text(&tab);
    // RFC 5545: CRLF line ends, no line over 75 octets.
    assert!(text.ends_with("\r\n"));
    assert!(!text.replace("\r\n", "").contains('\n'), "a bare LF");
    for line in text.split("\r\n") {
        assert!(
            line.len() <= 75,
            "a line of {} octets: {line:?}",
            line.len()
        );
    }
    let calendars: Vec<_> = ical::IcalParser::new(BufReader::new(text.as_bytes()))
        .collect::<Result<_, _>>()
        .unwrap_or_else(|e| panic!("the .ics does not parse: {e}\n{text}"));
    assert_eq!(calendars.len(), 1);
    let events = &calendars[0].events;
    let starts: Vec<&str> = events
        .iter()
        .map(|e| property(e, "DTSTART").value.as_deref().unwrap())
        .collect();
    assert_eq!(starts, ["20260304", "20260325", "20260415"]);
    let site = session.site.url("/");
    let mut uids = Vec::new();
    for event in events {
        let start = property(event, "DTSTART");
        assert_eq!(
            start.params.as_ref().unwrap(),
            &vec![("VALUE".to_string(), vec!["DATE".to_string()])]
        );
        let stamp = property(event, "DTSTAMP").value.clone().unwrap();
        assert!(
            stamp.len() == 16 && stamp.ends_with('Z') && stamp.as_bytes()[8] == b'T',
            "{stamp}"
        );
        assert!(property(event, "SUMMARY")
            .value
            .as_deref()
            .unwrap()
            .starts_with("Mending Bridges: "));
        let description = property(event, "DESCRIPTION").value.clone().unwrap();
        assert!(
            description.contains(&site),
            "no page link in {description:?}"
        );
        uids.push(property(event, "UID").value.clone().unwrap());
    }
    uids.dedup();
    assert_eq!(uids.len(), 3, "the UIDs are not unique");
    let descriptions: String = events
        .iter()
        .map(|e| property(e, "DESCRIPTION").value.clone().unwrap())
        .collect();
    assert!(descriptions.contains(&session.site.url("/no-answer/one-follow-up/")));
    assert!(descriptions.contains(&session.site.url("/no-answer/moving-on/")));
}

#[test]
fn a_long_description_is_folded_and_parses_back_whole() {
    let Some(session) = session() else { return };
    let tab = session.home("#safety=ok&start=2026-03-04");
    // Every sentence the first step can carry, so its description is long.
    answer_all(
        &tab,
        &[
            ("part", "theirs"),
            ("work", "yes"),
            ("since", "days"),
            ("channel", "go-between"),
        ],
    );
    let text = calendar_text(&tab);
    assert!(text.contains("\r\n "), "nothing was folded:\n{text}");
    let calendar = ical::IcalParser::new(BufReader::new(text.as_bytes()))
        .next()
        .expect("a calendar")
        .expect("it parses");
    let description = property(&calendar.events[0], "DESCRIPTION")
        .value
        .clone()
        .unwrap();
    let shown = string(
        &tab,
        "document.querySelector('[data-step=send] .plan__text').textContent",
    );
    assert!(
        description
            .replace("\\,", ",")
            .replace("\\;", ";")
            .contains(&shown),
        "{description:?} lost {shown:?}"
    );
}

// ----- What it asks of the network, and of a phone -----

#[test]
fn the_helper_requests_no_pages() {
    let Some(session) = session() else { return };
    let tab = session.home("");
    answer(&tab, "safety", "harm");
    answer(&tab, "safety", "ok");
    answer_all(&tab, FULL);
    std::thread::sleep(std::time::Duration::from_millis(300));
    let requested: Vec<String> = serde_json::from_value(eval(
        &tab,
        "performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname)",
    ))
    .unwrap();
    let pages: Vec<&String> = requested
        .iter()
        .filter(|p| p.ends_with('/') || p.ends_with(".html"))
        .collect();
    assert!(pages.is_empty(), "the helper fetched pages: {pages:?}");
    assert!(
        requested
            .iter()
            .any(|p| p.ends_with("/js/where-to-start.js")),
        "the resource list is not being read: {requested:?}"
    );
}

const RESULT_FOCUSED_IN_VIEW: &str = "(() => { const h = document.getElementById('starter-plan-title'); if (!h || document.activeElement !== h) return false; const r = h.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; })()";

#[test]
fn on_a_phone_the_result_is_focused_and_in_view() {
    let Some(session) = session() else { return };
    for (fragment, answers) in [
        ("#safety=ok&start=2026-03-04", FULL),
        ("", &[("safety", "formal")][..]),
    ] {
        let url = session.site.url(&format!("/{fragment}"));
        let tab = chrome::open_with(&session.browser, &url, chrome::emulate_phone);
        wait_enhanced(&tab);
        assert_eq!(eval(&tab, "innerWidth"), Value::from(375));
        answer_all(&tab, answers);
        wait_for(
            &tab,
            &format!("the result after {answers:?} is focused and in view"),
            RESULT_FOCUSED_IN_VIEW,
        );
        let live = string(
            &tab,
            "document.getElementById('starter-status').getAttribute('aria-live') || ''",
        );
        assert_eq!(live, "polite");
        let overflow = boolean(&tab, "document.documentElement.scrollWidth > innerWidth");
        assert!(!overflow, "the page is wider than the phone");
        let _ = tab.close(true);
    }
}

#[test]
fn the_plan_prints_without_the_questions() {
    let Some(session) = session() else { return };
    let tab = session.home("#safety=ok&start=2026-03-04&part=mine&channel=email");
    tab.call_method(Emulation::SetEmulatedMedia {
        media: Some("print".to_string()),
        features: None,
    })
    .expect("emulate print");
    let shown = |selector: &str| {
        boolean(
            &tab,
            &format!(
                "(() => {{ const e = document.querySelector({}); return Boolean(e) && getComputedStyle(e).display !== 'none' && e.getBoundingClientRect().height > 0; }})()",
                js(selector)
            ),
        )
    };
    assert!(shown(".starter__plan .plan"), "the plan is not printed");
    assert!(!shown(".starter__questions"), "the questions are printed");
    assert!(!shown(".plan__actions"), "the buttons are printed");
}

// ----- The built page, without a browser -----

/// The values of `attribute="…"` in `html`.
fn attribute_values<'a>(html: &'a str, attribute: &str) -> Vec<&'a str> {
    let needle = format!("{attribute}=\"");
    html.match_indices(&needle)
        .map(|(at, _)| {
            let rest = &html[at + needle.len()..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect()
}

/// The built file of a site-relative URL path: `/a/b/` → `a/b/index.html`.
fn file_of(path: &str) -> String {
    format!("{}index.html", path.trim_start_matches('/'))
}

fn helper_html(site: &Served) -> String {
    let home = site.text("index.html");
    let start = home
        .find("id=\"where-to-start\"")
        .expect("the home page has the helper");
    let end = home[start..]
        .find("</section>\n</article>")
        .map_or(home.len(), |e| start + e);
    home[start..end].to_string()
}

#[test]
fn every_page_the_helper_links_to_is_in_the_site() {
    let site = chrome::bundled_site();
    let html = helper_html(site);
    let template = &html[html
        .find("id=\"starter-pages\"")
        .expect("the pages template")..];
    let mut links: Vec<&str> = attribute_values(template, "href");
    links.extend(attribute_values(&html, "data-prefers"));
    assert!(links.len() > 15, "only {} links", links.len());
    for link in links {
        let path = link.strip_prefix(site.origin()).unwrap_or(link);
        let (page, anchor) = path.split_once('#').unwrap_or((path, ""));
        let body = site.text(&file_of(page));
        assert!(body.contains("<html"), "{page} is not a page of the site");
        if !anchor.is_empty() {
            assert!(
                body.contains(&format!("id=\"{anchor}\"")),
                "{page} has no #{anchor}"
            );
        }
    }
}

/// How the guide writes a number of days.
fn in_words(days: &str) -> &'static str {
    match days {
        "7" => "a week",
        "14" => "a fortnight",
        "21" => "three weeks",
        other => panic!("the helper waits {other} days, which the guide never says"),
    }
}

#[test]
fn the_helpers_days_are_the_waiting_rules() {
    let html = helper_html(chrome::bundled_site());
    let timing =
        std::fs::read_to_string(super::support::repo().join("content/first-message/timing.md"))
            .unwrap();
    let rule = &timing[timing.find("## The waiting rule").unwrap()..];
    let rule = &rule[..rule[3..].find("\n## ").unwrap()];
    let day = |name: &str| attribute_values(&html, name)[0].to_string();
    assert!(rule.contains(&format!(
        "answer within {}",
        in_words(&day("data-answer-within"))
    )));
    assert!(rule.contains(&format!("wait {}", in_words(&day("data-follow-up-after")))));
    assert!(rule.contains(&format!(
        "If {} pass in silence",
        in_words(&day("data-stop-after")).replace("three", "three more")
    )));
    let cool_off = in_words(&day("data-cool-off"));
    assert!(
        timing.contains(&format!("less than {cool_off} ago")),
        "the timing page does not say to wait {cool_off}"
    );
}

#[test]
fn without_javascript_the_helper_is_links_by_situation_and_by_person() {
    let html = helper_html(chrome::bundled_site());
    assert!(html.contains("By where things are now") && html.contains("By who they are"));
    for script in [
        "connection-note",
        "someone-who-wronged-you",
        "mutual-introduction",
    ] {
        let filed = format!("data-url=\"/scripts/{script}/\" data-situation=\"first-contact\"");
        assert!(
            html.contains(&filed),
            "{script} is not under Breaking the silence"
        );
    }
    assert!(
        !html.contains(">A mutual contact<"),
        "a mutual contact is offered as who they are"
    );
    assert!(
        html.contains("/why-mend/when-not-to-mend/"),
        "no way to when-not-to-mend without JavaScript"
    );
}
