//! `guide serve` on a copy of the fixture site: pages answered from memory
//! with the live-reload script, edits rebuilt and announced, errors shown
//! and recovered from, paths outside the site refused.
//!
//! Each test starts the real binary on a free port and talks plain HTTP to
//! it over a `TcpStream`; every wait polls with a deadline.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::assert_contains;
use crate::support::Site;

/// How long a rebuild may take to show (debug builds on a busy machine).
const PATIENCE: Duration = Duration::from_secs(30);

/// A running `guide serve`, stopped when dropped.
pub(crate) struct Serve {
    pub(crate) child: Child,
    pub(crate) port: u16,
    pub(crate) site: Site,
    logs: tempfile::TempDir,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Serve {
    /// Starts `guide serve` on a copy of the basic fixture.
    pub(crate) fn start() -> Serve {
        Serve::start_with(|_| {})
    }

    /// Starts `guide serve` after `prepare` has changed the site.
    fn start_with(prepare: impl FnOnce(&Site)) -> Serve {
        Serve::start_with_env(prepare, &[])
    }

    /// Starts `guide serve` after `prepare` has changed the site, with these
    /// environment variables set.
    pub(crate) fn start_with_env(prepare: impl FnOnce(&Site), env: &[(&str, &str)]) -> Serve {
        Serve::start_with_args(prepare, env, &[])
    }

    /// Starts `guide serve` with these extra arguments (`--base-url`, `--config`).
    pub(crate) fn start_with_args(
        prepare: impl FnOnce(&Site),
        env: &[(&str, &str)],
        args: &[&str],
    ) -> Serve {
        let site = Site::fixture("basic");
        prepare(&site);
        let port = free_port();
        let logs = tempfile::tempdir().unwrap();
        let out = std::fs::File::create(logs.path().join("stdout")).unwrap();
        let err = std::fs::File::create(logs.path().join("stderr")).unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_guide"))
            .args(["serve", "--root"])
            .arg(site.root())
            .args(["--port", &port.to_string()])
            .args(args)
            .env("NO_COLOR", "1")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .unwrap();
        let mut serve = Serve {
            child,
            port,
            site,
            logs,
        };
        serve.wait_until_up();
        serve
    }

    fn wait_until_up(&mut self) {
        let deadline = Instant::now() + PATIENCE;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("guide serve exited with {status}\n{}", self.log());
            }
            if TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("guide serve did not answer\n{}", self.log());
    }

    /// What the server printed so far.
    pub(crate) fn log(&self) -> String {
        let read =
            |name: &str| std::fs::read_to_string(self.logs.path().join(name)).unwrap_or_default();
        format!("stdout:\n{}\nstderr:\n{}", read("stdout"), read("stderr"))
    }

    pub(crate) fn get(&self, path: &str) -> Reply {
        get(self.port, path)
    }

    /// Polls `path` until `check` holds, and returns that answer.
    fn wait_for(&self, path: &str, what: &str, check: impl Fn(&Reply) -> bool) -> Reply {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let reply = self.get(path);
            if check(&reply) {
                return reply;
            }
            if Instant::now() > deadline {
                panic!(
                    "{path} never showed {what}; last answer {} {}\n{}",
                    reply.status,
                    reply.body,
                    self.log()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn events(&self) -> Events {
        Events::open(self.port)
    }

    pub(crate) fn path(&self, relative: &str) -> PathBuf {
        self.site.root().join(relative)
    }
}

/// A port nobody listens on right now.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// One HTTP answer.
pub(crate) struct Reply {
    pub(crate) status: u16,
    /// The header lines, lower-cased.
    pub(crate) headers: String,
    pub(crate) body: String,
}

impl Reply {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        let prefix = format!("{}:", name.to_ascii_lowercase());
        self.headers
            .lines()
            .find_map(|line| line.strip_prefix(&prefix))
            .map(str::trim)
    }
}

/// A GET over a new connection, sending `path` exactly as given.
pub(crate) fn get(port: u16, path: &str) -> Reply {
    send(
        port,
        &format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"),
    )
}

/// Sends `request` (a whole request head, which must end the connection
/// after the answer) over a new connection, and reads the answer.
pub(crate) fn send(port: u16, request: &str) -> Reply {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).unwrap();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {text:?}"));
    Reply {
        status,
        headers: head.to_ascii_lowercase(),
        body: body.to_string(),
    }
}

/// A live-reload stream, read with deadlines.
struct Events {
    stream: TcpStream,
    /// Everything received, headers included.
    received: String,
    /// How much of `received` has been read as events.
    consumed: usize,
}

impl Events {
    /// Connects and waits for the first event (`hello`), so that the
    /// server is known to deliver the events that follow.
    fn open(port: u16) -> Events {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        write!(
            stream,
            "GET /__guide/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        )
        .unwrap();
        let mut events = Events {
            stream,
            received: String::new(),
            consumed: 0,
        };
        events.wait("hello");
        let head = events.received.to_ascii_lowercase();
        assert!(head.starts_with("http/1.1 200 ok\r\n"), "{head}");
        assert_contains!(head, "content-type: text/event-stream\r\n");
        assert_contains!(head, "cache-control: no-store\r\n");
        events
    }

    /// Waits until the server ends the stream: the last chunk of the
    /// response (a browser's EventSource then connects again).
    fn wait_for_end(&mut self) {
        let deadline = Instant::now() + PATIENCE;
        while !self.received.ends_with("\r\n0\r\n\r\n") {
            assert!(
                Instant::now() < deadline,
                "the stream never ended:\n{}",
                self.received
            );
            let mut chunk = [0u8; 4096];
            match self.stream.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => self
                    .received
                    .push_str(&String::from_utf8_lossy(&chunk[..n])),
                Err(_) => {} // read timeout: poll again until the deadline
            }
        }
        assert!(
            self.received.ends_with("\r\n0\r\n\r\n"),
            "{}",
            self.received
        );
    }

    /// Waits for an event named `name` (skipping others) and returns its
    /// data.
    fn wait(&mut self, name: &str) -> String {
        let deadline = Instant::now() + PATIENCE;
        let mut seen = Vec::new();
        while Instant::now() < deadline {
            while let Some(end) = self.received[self.consumed..].find("\n\n") {
                let frame = &self.received[self.consumed..self.consumed + end];
                self.consumed += end + 2;
                let event = frame.lines().find_map(|l| l.strip_prefix("event: "));
                let data = frame.lines().find_map(|l| l.strip_prefix("data: "));
                match event {
                    Some(event) if event == name => return data.unwrap_or_default().to_string(),
                    Some(event) => seen.push(event.to_string()),
                    None => {}
                }
            }
            let mut chunk = [0u8; 4096];
            match self.stream.read(&mut chunk) {
                Ok(0) => panic!("the event stream closed; saw {seen:?}"),
                Ok(n) => self
                    .received
                    .push_str(&String::from_utf8_lossy(&chunk[..n])),
                Err(_) => {} // read timeout: poll again until the deadline
            }
        }
        panic!("no `{name}` event; saw {seen:?}\n{}", self.received);
    }
}

const FIRST: &str = "content/guide/first.md";

#[test]
fn pages_are_served_with_the_live_reload_script() {
    let serve = Serve::start();
    let page = serve.get("/guide/first/");
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(page.header("cache-control"), Some("no-store"));
    assert_contains!(page.body, "First steps");
    assert_contains!(page.body, "new EventSource(\"/__guide/events\")");
    let script = page.body.find("<script>const guideBuild=").unwrap();
    assert!(script < page.body.rfind("</body>").unwrap());

    let css = serve.get("/style.css");
    assert_eq!(css.status, 200);
    assert_eq!(css.header("content-type"), Some("text/css; charset=utf-8"));
    assert!(!css.body.contains("EventSource"));
    assert_contains!(serve.log(), "Serving at http://127.0.0.1:");
    assert!(
        !serve.path("public").exists(),
        "serve must not write public/"
    );
}

#[test]
fn an_edit_is_served_and_reloads_the_browser() {
    let serve = Serve::start();
    let mut events = serve.events();
    let source = std::fs::read_to_string(serve.path(FIRST)).unwrap();
    let edited = source.replace("Some words here.", "Freshly edited words.");
    std::fs::write(serve.path(FIRST), edited).unwrap();
    events.wait("reload");
    serve.wait_for("/guide/first/", "the edit", |r| {
        r.body.contains("Freshly edited words.")
    });
    assert_contains!(
        serve.log(),
        "Changed content/guide/first.md (content): rendered"
    );
}

#[test]
fn pages_can_be_added_and_deleted() {
    let serve = Serve::start();
    assert_eq!(serve.get("/guide/fourth/").status, 404);
    serve.site.write(
        "content/guide/fourth.md",
        "---\ntitle: Fourth steps\n---\nA page added while serving.\n",
    );
    serve.wait_for("/guide/fourth/", "the new page", |r| {
        r.status == 200 && r.body.contains("A page added while serving.")
    });
    let section = serve.get("/guide/");
    assert_contains!(section.body, "Fourth steps");
    std::fs::remove_file(serve.path("content/guide/fourth.md")).unwrap();
    serve.wait_for("/guide/fourth/", "a 404", |r| r.status == 404);
    assert!(!serve.get("/guide/").body.contains("Fourth steps"));
}

#[test]
fn a_broken_page_keeps_the_last_good_site_and_shows_the_error() {
    let serve = Serve::start();
    let mut events = serve.events();
    let source = std::fs::read_to_string(serve.path(FIRST)).unwrap();
    let broken = source.replace("weight: 1", "wieght: 1");
    std::fs::write(serve.path(FIRST), &broken).unwrap();
    let data = events.wait("error");
    let error: serde_json::Value = serde_json::from_str(&data).unwrap();
    let message = error["message"].as_str().unwrap();
    assert_contains!(message, "first.md");
    assert_contains!(message, "wieght");

    let page = serve.get("/guide/first/");
    assert_eq!(page.status, 200);
    assert_contains!(page.body, "First steps");
    assert_contains!(serve.log(), "wieght");

    // A tab opened now learns about the error as it connects.
    let mut late = serve.events();
    assert_contains!(late.wait("error"), "wieght");

    let fixed = source.replace("Some words here.", "Fixed words.");
    std::fs::write(serve.path(FIRST), fixed).unwrap();
    events.wait("reload");
    serve.wait_for("/guide/first/", "the fix", |r| {
        r.body.contains("Fixed words.")
    });
}

#[test]
fn a_failed_first_build_is_shown_and_recovered_from() {
    let serve = Serve::start_with(|site| {
        let path = site.root().join(FIRST);
        let source = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, source.replace("weight: 1", "wieght: 1")).unwrap();
    });
    let page = serve.get("/guide/first/");
    assert_eq!(page.status, 500);
    assert_contains!(page.body, "wieght");
    assert_contains!(page.body, "/__guide/events");
    let mut events = serve.events();
    assert_contains!(events.wait("error"), "first.md");

    let source = std::fs::read_to_string(serve.path(FIRST)).unwrap();
    std::fs::write(serve.path(FIRST), source.replace("wieght: 1", "weight: 1")).unwrap();
    events.wait("reload");
    serve.wait_for("/guide/first/", "the page", |r| {
        r.status == 200 && r.body.contains("First steps")
    });
}

#[test]
fn paths_outside_the_site_are_refused() {
    let serve = Serve::start();
    for path in [
        "/../site.toml",
        "/%2e%2e/site.toml",
        "/guide%2f..%2f..%2fsite.toml",
        "/guide/..%5c..%5csite.toml",
        "/site.toml",
        "/content/guide/first.md",
    ] {
        let reply = serve.get(path);
        assert_ne!(reply.status, 200, "{path} was served");
        assert!(!reply.body.contains("base_url"), "{path} leaked site.toml");
    }
}

#[test]
fn unknown_urls_get_the_sites_404_page() {
    let serve = Serve::start();
    let reply = serve.get("/no/such/page/");
    assert_eq!(reply.status, 404);
    assert_contains!(reply.body, "Site says not found");
    assert_contains!(reply.body, "/__guide/events");
}

#[test]
fn a_folder_without_its_slash_is_redirected() {
    let serve = Serve::start();
    let reply = serve.get("/guide");
    assert!(matches!(reply.status, 301 | 302), "{}", reply.status);
    assert_eq!(reply.header("location"), Some("/guide/"));
}

#[test]
fn a_taken_port_given_with_port_is_an_error() {
    let site = Site::fixture("basic");
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let run = site.run_binary(&["serve", "--port", &port]);
    let stderr = run.failed();
    assert_contains!(stderr, &format!("cannot listen on 127.0.0.1, port {port}"));
    assert_contains!(stderr, "--port");
}

/// The injected script in Chromium: the error overlay appears and goes,
/// a fix reloads the page, a CSS edit swaps the stylesheet without one.
/// Skipped (with a notice) without Debian's Chromium, unless
/// `GUIDE_BROWSER_TESTS=required`.
#[test]
fn the_browser_shows_errors_reloads_and_swaps_stylesheets() {
    let Some(browser) = super::chrome::launch("the serve browser test") else {
        return;
    };
    let serve = Serve::start();
    let url = format!("http://127.0.0.1:{}/guide/first/", serve.port);
    let tab = super::chrome::open(&browser, &url);
    let until = |what: &str, condition: &str| {
        let deadline = Instant::now() + PATIENCE;
        loop {
            // While the page reloads, an evaluation may fail: that is "not yet".
            let value = super::chrome::try_eval(&tab, condition);
            if value == Ok(serde_json::Value::Bool(true)) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting until {what}\n{}",
                serve.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    };
    until("the page has loaded", "document.readyState === 'complete'");
    tab.evaluate("window.unreloaded = true", false).unwrap();
    let overlay = "document.querySelector('div[role=alert]')";

    let source = std::fs::read_to_string(serve.path(FIRST)).unwrap();
    std::fs::write(serve.path(FIRST), source.replace("weight: 1", "wieght: 1")).unwrap();
    until(
        "the error is shown over the page",
        &format!("!!{overlay} && {overlay}.textContent.includes('wieght')"),
    );
    until("the page was not reloaded", "window.unreloaded === true");

    std::fs::write(
        serve.path(FIRST),
        source.replace("Some words here.", "Fixed words."),
    )
    .unwrap();
    until(
        "the fix reloads the page",
        &format!("!window.unreloaded && !{overlay} && document.body.textContent.includes('Fixed words.')"),
    );

    tab.evaluate("window.unreloaded = true", false).unwrap();
    let css = std::fs::read_to_string(serve.path("static/style.css")).unwrap();
    std::fs::write(
        serve.path("static/style.css"),
        css + "\nbody { color: rgb(1, 2, 3); }\n",
    )
    .unwrap();
    until(
        "the stylesheet is swapped in place",
        "window.unreloaded === true && getComputedStyle(document.body).color === 'rgb(1, 2, 3)'",
    );
}

#[test]
fn live_reload_streams_end_after_their_lifetime_and_browsers_reconnect() {
    let serve = Serve::start_with_env(|_| {}, &[("GUIDE_STREAM_LIFETIME", "1")]);
    let mut events = serve.events();
    events.wait_for_end();
    // The server is still there for the reconnection, and tells the same
    // build number, so the page does not reload.
    let mut again = serve.events();
    assert_contains!(again.received, "event: hello\ndata: 1\n\n");
    again.wait_for_end();
}

#[test]
fn an_edited_page_reaches_the_search_index() {
    let serve = Serve::start();
    let entry = "/pagefind/pagefind-entry.json";
    let before = serve.get(entry);
    assert_eq!(before.status, 200);
    let text = std::fs::read_to_string(serve.path(FIRST)).unwrap();
    std::fs::write(
        serve.path(FIRST),
        format!("{text}\nQuixotically zephyrous.\n"),
    )
    .unwrap();
    serve.wait_for("/guide/first/", "the edit", |r| {
        r.body.contains("Quixotically zephyrous.")
    });
    // The index is rebuilt in the background, then served in place of the old.
    serve.wait_for(entry, "a new index", |r| {
        r.status == 200 && r.body != before.body
    });
}

/// A template that never ends is stopped at its deadline: serve keeps
/// serving the last good site, says over the page and in the terminal what
/// was stopped, and recovers when the template is fixed.
#[test]
fn a_template_that_never_ends_is_shown_and_the_last_good_site_kept() {
    let mut serve = Serve::start_with_env(|_| {}, &[("GUIDE_TEMPLATE_TIMEOUT", "0.5")]);
    let mut events = serve.events();
    std::fs::write(
        serve.path("templates/page.html"),
        "{% component bomb(n) %}{% if n < 19 %}{% for i in range(end=10) %}\
         {{ <bomb n={n+1}/> }}{% endfor %}{% endif %}{% endcomponent bomb %}{{ <bomb n={0}/> }}",
    )
    .unwrap();
    let data = events.wait("error");
    assert_contains!(data, "has been rendering");
    let page = serve.get("/guide/first/");
    assert_eq!(page.status, 200);
    assert_contains!(page.body, "First steps");
    assert!(
        serve.child.try_wait().unwrap().is_none(),
        "serve ended:\n{}",
        serve.log()
    );
    assert_contains!(serve.log(), "has been rendering");
    std::fs::write(
        serve.path("templates/page.html"),
        "<h1 class=\"fixed\">{{ page.title }}</h1>",
    )
    .unwrap();
    serve.wait_for("/guide/first/", "the fixed template", |r| {
        r.body.contains("class=\"fixed\"")
    });
}

/// A request for `path` with this `Host` line (or none), ending the
/// connection after the answer.
fn with_host(serve: &Serve, version: &str, host: Option<&str>) -> Reply {
    let host = host.map(|h| format!("Host: {h}\r\n")).unwrap_or_default();
    send(
        serve.port,
        &format!("GET /guide/first/ {version}\r\n{host}Connection: close\r\n\r\n"),
    )
}

#[test]
fn requests_for_a_foreign_host_are_refused() {
    let serve = Serve::start();
    let port = serve.port;
    for host in [
        format!("evil.example:{port}"),
        format!("localhost.evil.com:{port}"),
        format!("127.0.0.1.nip.io:{port}"),
        format!("127.0.0.1:{}", port.wrapping_add(1)),
        format!("[::2]:{port}"),
        "evil.example".to_string(),
    ] {
        let reply = with_host(&serve, "HTTP/1.1", Some(&host));
        assert_eq!(reply.status, 403, "{host} was answered: {}", reply.body);
        assert_eq!(
            reply.header("content-type"),
            Some("text/plain; charset=utf-8")
        );
        assert_eq!(reply.body.lines().count(), 1, "{}", reply.body);
        assert_contains!(reply.body, "DNS rebinding");
        assert_contains!(reply.body, &format!("{host:?}"));
        assert!(!reply.body.contains("First steps"), "{host} read the page");
    }
    // Nor can a foreign page listen to the live-reload stream.
    let stream = send(
        port,
        "GET /__guide/events HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(stream.status, 403);
    // An HTTP/1.1 request must name its host; HTTP/1.0 need not.
    assert_eq!(with_host(&serve, "HTTP/1.1", None).status, 403);
    assert_eq!(with_host(&serve, "HTTP/1.0", None).status, 200);

    for host in [
        format!("localhost:{port}"),
        format!("LOCALHOST:{port}"),
        format!("docs.localhost:{port}"),
        format!("127.0.0.1:{port}"),
        format!("127.0.0.2:{port}"),
        format!("[::1]:{port}"),
        "localhost".to_string(),
    ] {
        let reply = with_host(&serve, "HTTP/1.1", Some(&host));
        assert_eq!(reply.status, 200, "{host} was refused: {}", reply.body);
        assert_contains!(reply.body, "First steps");
    }
}

/// Moves `folder` of the site away and back, as `mv` does.
fn move_away_and_back(serve: &Serve, folder: &str, between: impl FnOnce()) {
    let away = serve.path(&format!("{folder}.away"));
    std::fs::rename(serve.path(folder), &away).unwrap();
    between();
    std::fs::rename(&away, serve.path(folder)).unwrap();
}

/// Edits the theme's page template so that pages show `marker`.
fn mark_page_template(serve: &Serve, marker: &str) {
    let path = serve.path("themes/mini/templates/page.html");
    let template = std::fs::read_to_string(&path).unwrap();
    let edited = template.replace(
        "<h1>{{ page.title }}</h1>",
        &format!("<h1>{{{{ page.title }}}}</h1>{marker}"),
    );
    assert_ne!(edited, template, "the fixture's page template changed");
    std::fs::write(&path, edited).unwrap();
}

#[test]
fn the_theme_moved_away_and_back_is_watched_again() {
    let serve = Serve::start();
    let mut events = serve.events();
    // Away long enough for serve to see it go: the build fails without it.
    move_away_and_back(&serve, "themes", || {
        events.wait("error");
    });
    events.wait("reload");
    serve.wait_for("/guide/first/", "the theme back", |r| {
        r.status == 200 && r.body.contains("First steps")
    });
    mark_page_template(&serve, "Marked after the move");
    events.wait("reload");
    serve.wait_for("/guide/first/", "the template edit", |r| {
        r.body.contains("Marked after the move")
    });
}

#[test]
fn source_folders_moved_away_and_straight_back_are_watched_again() {
    let serve = Serve::start();
    // Away and back at once: both moves fall in one batch of events.
    for folder in ["themes", "templates", "static", "content"] {
        move_away_and_back(&serve, folder, || {});
    }
    // Let that batch be applied before the edits, so that they are seen
    // through the new watches.
    std::thread::sleep(Duration::from_millis(500));
    mark_page_template(&serve, "Theme seen again");
    serve.wait_for("/guide/first/", "the theme edit", |r| {
        r.body.contains("Theme seen again")
    });
    serve
        .site
        .write("templates/404.html", "Templates seen again");
    serve.wait_for("/nowhere/", "the template edit", |r| {
        r.status == 404 && r.body.contains("Templates seen again")
    });
    serve
        .site
        .write("static/style.css", "/* static seen again */");
    serve.wait_for("/style.css", "the static edit", |r| {
        r.body.contains("static seen again")
    });
    let source = std::fs::read_to_string(serve.path(FIRST)).unwrap();
    std::fs::write(
        serve.path(FIRST),
        source.replace("Some words here.", "Content seen again."),
    )
    .unwrap();
    serve.wait_for("/guide/first/", "the content edit", |r| {
        r.body.contains("Content seen again.")
    });
}

/// A language tag long enough to make Pagefind panic (issue #12), unless
/// it is refused before it reaches Pagefind: either way serve reports an
/// error, keeps serving, and applies the next change.
#[test]
fn a_build_that_panics_is_reported_and_the_next_change_applied() {
    let mut serve = Serve::start();
    let mut events = serve.events();
    let config = std::fs::read_to_string(serve.path("site.toml")).unwrap();
    let long = "x".repeat(40);
    let broken = config.replacen(
        "theme = \"mini\"",
        &format!("theme = \"mini\"\nlanguage = \"{long}\""),
        1,
    );
    assert_ne!(broken, config);
    std::fs::write(serve.path("site.toml"), broken).unwrap();
    events.wait("error");
    assert!(
        serve.child.try_wait().unwrap().is_none(),
        "serve ended:\n{}",
        serve.log()
    );
    assert_eq!(serve.get("/guide/first/").status, 200, "{}", serve.log());

    std::fs::write(serve.path("site.toml"), &config).unwrap();
    events.wait("reload");
    let source = std::fs::read_to_string(serve.path(FIRST)).unwrap();
    std::fs::write(
        serve.path(FIRST),
        source.replace("Some words here.", "After the panic."),
    )
    .unwrap();
    serve.wait_for("/guide/first/", "the edit after the error", |r| {
        r.status == 200 && r.body.contains("After the panic.")
    });
}
