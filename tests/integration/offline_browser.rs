//! Offline reading in Chromium: the bundled guide built with `[offline]
//! enabled`, served on loopback; the worker is awaited on the home page,
//! then the server goes away and the network is emulated offline, and a
//! script page and a chapter never opened before still render, the script
//! working, and a page never saved gets the offline page; then, in a
//! second browser (CDP's offline emulation sticks to the first one's
//! worker), a rebuilt site makes the page offer "A new version is
//! available — reload", whose click lets the new worker in and leaves one
//! cache; under `guide serve` no worker is registered.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use headless_chrome::protocol::cdp::Network;
use headless_chrome::Tab;

use super::chrome::{self, eval, js, wait_for};
use super::support::{copy_dir, repo, snapshot};

type Files = Arc<RwLock<BTreeMap<String, Vec<u8>>>>;

/// Serves `files` on `port` until the returned server is unblocked.
fn serve(port: u16, files: &Files) -> Arc<tiny_http::Server> {
    let server =
        Arc::new(tiny_http::Server::http(("127.0.0.1", port)).expect("bind the port again"));
    let (running, files) = (Arc::clone(&server), Arc::clone(files));
    std::thread::spawn(move || {
        for request in running.incoming_requests() {
            let files = files.read().unwrap().clone();
            std::thread::spawn(move || chrome::respond(&files, request));
        }
    });
    server
}

/// A copy of the bundled guide's sources, to edit and rebuild.
fn sources() -> tempfile::TempDir {
    let temp = tempfile::tempdir().unwrap();
    for dir in ["content", "themes"] {
        copy_dir(&repo().join(dir), &temp.path().join(dir));
    }
    std::fs::copy(repo().join("site.toml"), temp.path().join("site.toml")).unwrap();
    temp
}

fn build(root: &std::path::Path, base: &str) -> BTreeMap<String, Vec<u8>> {
    let public = root.join("public");
    let run = super::support::Run::from(
        std::process::Command::new(env!("CARGO_BIN_EXE_guide"))
            .args(["build", "--root"])
            .arg(root)
            .args(["--base-url", base])
            .env("NO_COLOR", "1")
            .output()
            .unwrap(),
    );
    assert!(run.ok, "build failed:\n{}", run.stderr);
    snapshot(&public)
}

/// The bundled guide built for a free port of loopback and served there.
struct Online {
    port: u16,
    base: String,
    site: tempfile::TempDir,
    files: Files,
    server: Arc<tiny_http::Server>,
}

fn online() -> Online {
    let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = probe.local_addr().unwrap().port();
    drop(probe);
    let base = format!("http://127.0.0.1:{port}/");
    let site = sources();
    let files: Files = Arc::new(RwLock::new(build(site.path(), &base)));
    let server = serve(port, &files);
    Online {
        port,
        base,
        site,
        files,
        server,
    }
}

fn go_offline(tab: &Tab) {
    set_offline(tab, true);
}

/// Emulates a network that is down, or brings it back.
fn set_offline(tab: &Tab, offline: bool) {
    tab.call_method(Network::Enable {
        max_total_buffer_size: None,
        max_resource_buffer_size: None,
        max_post_data_size: None,
        report_direct_socket_traffic: None,
        enable_durable_messages: None,
    })
    .expect("Network.enable");
    tab.call_method(Network::EmulateNetworkConditions {
        offline,
        latency: 0.0,
        download_throughput: -1.0,
        upload_throughput: -1.0,
        connection_Type: None,
        packet_loss: None,
        packet_queue_length: None,
        packet_reordering: None,
    })
    .expect("Network.emulateNetworkConditions");
}

fn controlled(tab: &Tab) {
    wait_for(
        tab,
        "the service worker controls the page",
        "navigator.serviceWorker.controller !== null",
    );
}

#[test]
fn the_guide_reads_offline_and_offers_a_new_version() {
    let Some(browser) = chrome::launch("offline browser test") else {
        return;
    };
    let Online {
        port,
        base,
        site,
        files,
        server,
    } = online();

    let home = chrome::open(&browser, &base);
    controlled(&home);
    let keys = eval(&home, "caches.keys().then((k) => k.join(' '))");
    assert!(keys.as_str().unwrap().starts_with("guide:/:"), "{keys}");

    // The server goes away, and the tabs are offline too.
    server.unblock();
    drop(server);
    std::thread::sleep(Duration::from_millis(200));
    let script = chrome::open_with(&browser, &format!("{base}scripts/coffee-ask/"), go_offline);
    wait_for(
        &script,
        "the script page is enhanced offline",
        "document.querySelector('#workbench.is-enhanced') !== null",
    );
    let first_field = eval(&script, "document.querySelector('#workbench input').id");
    let field = format!("#{}", first_field.as_str().unwrap());
    script
        .find_element(&field)
        .and_then(|e| e.click().map(|_| ()))
        .unwrap();
    script.type_str("Priya").unwrap();
    wait_for(
        &script,
        "the preview shows what was typed, offline",
        "[...document.querySelectorAll('.message-preview')].some((p) => p.textContent.includes('Priya'))",
    );
    let chapter = chrome::open_with(&browser, &format!("{base}the-conversation/"), go_offline);
    let heading = eval(&chapter, "document.querySelector('h1').textContent");
    assert!(
        !heading.as_str().unwrap().contains("not saved for offline"),
        "the chapter fell back to the offline page: {heading}"
    );
    assert!(
        eval(
            &chapter,
            "document.querySelector('link[rel=stylesheet]').sheet !== null"
        ) == true
    );
    let unknown = chrome::open_with(&browser, &format!("{base}never-written/"), go_offline);
    let shown = eval(&unknown, "document.querySelector('h1').textContent");
    assert!(
        shown.as_str().unwrap().contains("not saved for offline"),
        "{shown}"
    );

    drop(browser);

    // A reader online, in a browser of their own (offline emulation sticks
    // to the worker of the browser it was set in), with the first build.
    let server = serve(port, &files);
    let reader = chrome::launch("offline browser test").expect("a second Chromium");
    let home = chrome::open(&reader, &base);
    controlled(&home);
    let keys = eval(&home, "caches.keys().then((k) => k.join(' '))");

    // A new build: the open page offers it instead of reloading by itself.
    let page = site.path().join("content/the-conversation/_index.md");
    let text = std::fs::read_to_string(&page).unwrap();
    std::fs::write(&page, format!("{text}\nA sentence added since.\n")).unwrap();
    *files.write().unwrap() = build(site.path(), &base);
    // Browsers look for a new worker on navigation; ask at once instead.
    eval(
        &home,
        "navigator.serviceWorker.getRegistration().then((r) => r.update()).then(() => true)",
    );
    let prompt = wait_for(
        &home,
        "the page offers the new version",
        "document.querySelector('.update-prompt')?.textContent",
    );
    assert_eq!(prompt.as_str(), Some("A new version is available — reload"));
    home.find_element(".update-prompt__button")
        .and_then(|e| e.click().map(|_| ()))
        .unwrap();
    wait_for(
        &home,
        "the new version takes over and the old cache is gone",
        &format!(
            "caches.keys().then((k) => k.length === 1 && k[0] !== {})",
            js(keys.as_str().unwrap())
        ),
    );
    server.unblock();
}

#[test]
fn serve_registers_no_worker() {
    let Some(browser) = chrome::launch("offline browser test") else {
        return;
    };
    // The bundled guide, `[offline] enabled` and all, in place of the fixture.
    let serve = super::serve::Serve::start_with_args(
        |site| {
            for dir in ["content", "themes", "static", "templates"] {
                let _ = std::fs::remove_dir_all(site.root().join(dir));
            }
            let bundled = sources();
            copy_dir(bundled.path(), site.root());
        },
        &[],
        &[],
    );
    let url = format!("http://127.0.0.1:{}/", serve.port);
    let tab = chrome::open(&browser, &url);
    std::thread::sleep(Duration::from_millis(500));
    let registered = eval(
        &tab,
        "navigator.serviceWorker.getRegistrations().then((r) => r.length)",
    );
    assert_eq!(registered, 0);
    let offline = eval(
        &tab,
        "document.querySelector('script[src$=\"offline.js\"]') === null",
    );
    assert_eq!(
        offline, true,
        "a page served by `guide serve` loads offline.js"
    );
    let worker = eval(&tab, "fetch('/sw.js').then((r) => r.text())");
    assert!(worker.as_str().unwrap().contains("unregister"), "{worker}");
}

#[test]
fn a_spanish_reader_saves_the_spanish_pages_only() {
    let Some(browser) = chrome::launch("offline browser test") else {
        return;
    };
    let Online {
        base,
        site: _sources,
        files: _files,
        server,
        ..
    } = online();

    let home = chrome::open(&browser, &format!("{base}es/"));
    controlled(&home);
    let scope = eval(
        &home,
        "navigator.serviceWorker.getRegistration().then((r) => new URL(r.scope).pathname)",
    );
    assert_eq!(
        scope, "/es/",
        "the Spanish pages have a worker of their own"
    );
    let keys = eval(&home, "caches.keys().then((k) => k.join(' '))");
    assert!(keys.as_str().unwrap().starts_with("guide:/es/:"), "{keys}");
    // What it saved: Spanish pages and the shared styles, scripts and
    // fonts, and no English page.
    let saved = eval(
        &home,
        "caches.keys().then((k) => caches.open(k[0])).then((c) => c.keys())\
         .then((r) => r.map((q) => new URL(q.url).pathname))",
    );
    let saved: Vec<String> = serde_json::from_value(saved).unwrap();
    assert!(
        saved.contains(&"/es/scripts/coffee-ask/".to_string()),
        "{saved:?}"
    );
    assert!(saved.contains(&"/css/style.css".to_string()), "{saved:?}");
    let english: Vec<&String> = saved
        .iter()
        .filter(|p| !p.starts_with("/es/") && (p.ends_with('/') || p.ends_with(".html")))
        .collect();
    assert!(
        english.is_empty(),
        "the Spanish worker saved English pages: {english:?}"
    );

    server.unblock();
    drop(server);
    std::thread::sleep(Duration::from_millis(200));
    let script = chrome::open_with(
        &browser,
        &format!("{base}es/scripts/coffee-ask/"),
        go_offline,
    );
    wait_for(
        &script,
        "the Spanish script page is enhanced offline",
        "document.querySelector('#workbench.is-enhanced') !== null",
    );
    let unknown = chrome::open_with(&browser, &format!("{base}es/nunca-escrita/"), go_offline);
    let shown = eval(&unknown, "document.querySelector('h1').textContent");
    assert!(
        shown.as_str().unwrap().contains("sin conexión"),
        "the offline page is the Spanish one: {shown}"
    );
}
