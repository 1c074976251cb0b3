//! The HTTP side of `guide serve`: a tiny_http server that answers only
//! from the in-memory [`Output`] of the last good build.
//!
//! Request paths are percent-decoded and validated here, segment by
//! segment, before they are looked up: `..`, `.`, backslashes, NUL, empty
//! segments and encoded slashes are refused. Only keys of the `Output` are
//! ever answered, so nothing on the disk (symlinks included) can be reached.
//! [`answer`] is a pure function of the snapshot and the request line, and
//! is unit-tested as such. A request whose `Host` is not this server's is
//! refused first ([`host`]).

use std::io::Cursor;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, RwLock};

use percent_encoding::percent_decode_str;
use tiny_http::{Method, Request, Response, Server};

use super::header;
use super::host;
use super::reload::{self, Event, Hub};
use crate::error::{Error, Result};
use crate::output::Output;

/// How many ports after the default one are tried when it is taken.
const PORT_TRIES: u16 = 20;

/// How many connections may be open at once, each with its thread: a
/// browser opens at most six to a server per tab, plus its live-reload
/// stream, so this is some seventy tabs. One more is answered 503 and
/// closed, never left waiting.
pub const MAX_CONNECTIONS: usize = 512;

/// The environment variable that sets [`MAX_CONNECTIONS`] otherwise: for
/// tests.
pub const MAX_CONNECTIONS_VARIABLE: &str = "GUIDE_MAX_CONNECTIONS";

/// The connection cap: [`MAX_CONNECTIONS_VARIABLE`] when set to a positive
/// number, else [`MAX_CONNECTIONS`].
pub fn max_connections() -> usize {
    std::env::var(MAX_CONNECTIONS_VARIABLE)
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|n| *n > 0)
        .unwrap_or(MAX_CONNECTIONS)
}

/// What the server answers from: the last good build, and the error of the
/// last build when it failed.
#[derive(Clone, Default)]
pub struct Snapshot {
    /// `None` until a build has succeeded.
    pub output: Option<Arc<Output>>,
    /// The full error text of the last build, when it failed.
    pub error: Option<String>,
    /// The number of the last good build (0 before the first one).
    pub generation: u64,
}

/// The snapshot shared by the request threads and the rebuild loop.
pub type Shared = Arc<RwLock<Snapshot>>;

/// Reads the current snapshot (cheap: an `Arc` and a string).
pub fn current(shared: &Shared) -> Snapshot {
    shared.read().unwrap_or_else(|e| e.into_inner()).clone()
}

/// A response, before it is handed to tiny_http.
#[derive(Debug, PartialEq, Eq)]
pub struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
    /// Where a redirect points.
    pub location: Option<String>,
}

impl Reply {
    fn text(status: u16, text: &str) -> Reply {
        Reply {
            status,
            content_type: "text/plain; charset=utf-8",
            body: text.as_bytes().to_vec(),
            location: None,
        }
    }
}

/// Why a request path is refused.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Not a path this server could ever answer (`..`, NUL, `%2f`, …).
    BadPath,
}

/// The output key a request path names, percent-decoded and validated:
/// `/a/b/` → `a/b/`, `/` → ``. The query and fragment are dropped.
pub fn request_path(url: &str) -> std::result::Result<String, Refusal> {
    let path = url.split(['?', '#']).next().unwrap_or_default();
    let Some(rest) = path.strip_prefix('/') else {
        return Err(Refusal::BadPath);
    };
    if rest.is_empty() {
        return Ok(String::new());
    }
    let segments: Vec<&str> = rest.split('/').collect();
    let last = segments.len() - 1;
    let mut decoded = Vec::with_capacity(segments.len());
    for (i, raw) in segments.iter().enumerate() {
        if raw.is_empty() && i == last {
            decoded.push(String::new());
            continue;
        }
        let segment = percent_decode_str(raw)
            .decode_utf8()
            .map_err(|_| Refusal::BadPath)?;
        let bad = segment.is_empty()
            || segment == "."
            || segment == ".."
            || segment.contains(['/', '\\', '\0']);
        if bad {
            return Err(Refusal::BadPath);
        }
        decoded.push(segment.into_owned());
    }
    Ok(decoded.join("/"))
}

/// Answers one request from `snapshot`. `url` is the request target as
/// sent (`/a/b/?x=1`).
pub fn answer(snapshot: &Snapshot, method: &Method, url: &str) -> Reply {
    if !matches!(method, Method::Get | Method::Head) {
        return Reply::text(405, "guide serve answers only GET and HEAD\n");
    }
    let Ok(path) = request_path(url) else {
        return Reply::text(400, "bad request path\n");
    };
    let Some(output) = &snapshot.output else {
        return failed_build_page(snapshot);
    };
    let key = if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.clone()
    };
    if let Some(body) = output.get(&key) {
        return file(&key, body, 200, snapshot.generation);
    }
    if !path.ends_with('/') && output.get(&format!("{path}/index.html")).is_some() {
        // The raw path was validated above, so it is a local path.
        let raw = url.split(['?', '#']).next().unwrap_or_default();
        let query = url[raw.len()..].split('#').next().unwrap_or_default();
        return Reply {
            status: 302,
            content_type: "text/plain; charset=utf-8",
            body: Vec::new(),
            location: Some(format!("{raw}/{query}")),
        };
    }
    match output.get("404.html") {
        Some(body) => file("404.html", body, 404, snapshot.generation),
        None => Reply::text(404, "not found\n"),
    }
}

/// A file of the output; HTML gets the live-reload script.
fn file(key: &str, body: &[u8], status: u16, generation: u64) -> Reply {
    let content_type = content_type(key);
    let body = if content_type.starts_with("text/html") {
        reload::inject(body, generation)
    } else {
        body.to_vec()
    };
    Reply {
        status,
        content_type,
        body,
        location: None,
    }
}

/// The page shown for every request while no build has succeeded yet: the
/// error as text, and the script that shows it over the page and reloads
/// once a build succeeds.
fn failed_build_page(snapshot: &Snapshot) -> Reply {
    let error = snapshot
        .error
        .as_deref()
        .unwrap_or("the site is being built");
    let html = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>Build failed: guide serve</title></head>\n<body>\
         <h1>The site could not be built</h1>\n<pre>{}</pre>\n\
         <p>This page reloads once the error is fixed.</p>\n</body></html>\n",
        crate::escape::escape(error)
    );
    Reply {
        status: 500,
        content_type: "text/html; charset=utf-8",
        body: reload::inject(html.as_bytes(), snapshot.generation),
        location: None,
    }
}

/// The Content-Type for an output path, by its extension.
pub fn content_type(path: &str) -> &'static str {
    let extension = path
        .rsplit('/')
        .next()
        .and_then(|name| name.rsplit_once('.'))
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "pf_meta" | "pf_fragment" | "pf_index" | "pagefind" => "application/octet-stream",
        "wasm" => "application/wasm",
        "xml" => "application/xml",
        "rss" => "application/rss+xml",
        "atom" => "application/atom+xml",
        "txt" | "md" => "text/plain; charset=utf-8",
        "yaml" | "yml" => "text/yaml; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "pdf" => "application/pdf",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        _ => "application/octet-stream",
    }
}

/// Binds the server. With `port` unset, the default port is tried first,
/// then the next [`PORT_TRIES`]; a given port must be free.
pub fn bind(ip: IpAddr, port: Option<u16>, default_port: u16) -> Result<(Server, SocketAddr)> {
    let ports: Vec<u16> = match port {
        Some(port) => vec![port],
        None => (0..=PORT_TRIES)
            .filter_map(|i| default_port.checked_add(i))
            .collect(),
    };
    let mut last_error = String::new();
    for port in &ports {
        let address = SocketAddr::new(ip, *port);
        let listener = match std::net::TcpListener::bind(address) {
            Ok(listener) => listener,
            Err(error) => {
                last_error = error.to_string();
                continue;
            }
        };
        // Accepted connections inherit TCP_NODELAY: tiny_http writes a
        // response's head and body separately, and with Nagle's algorithm the
        // body then waits for the client's delayed ACK (about 40 ms a page).
        if let Err(error) = rustix::net::sockopt::set_tcp_nodelay(&listener, true) {
            last_error = error.to_string();
            continue;
        }
        // The patched tiny_http (vendor/tiny_http/PATCHES.md): a thread per
        // connection, so that connections opened together are all answered.
        match Server::from_listener_with_limit(listener, None, max_connections()) {
            Ok(server) => {
                let bound = server.server_addr().to_ip().unwrap_or(address);
                return Ok((server, bound));
            }
            Err(error) => last_error = error.to_string(),
        }
    }
    let tried = match ports.as_slice() {
        [one] => format!("port {one}"),
        [first, .., last] => format!("ports {first} to {last}"),
        [] => "no port".to_string(),
    };
    Err(Error::with_help(
        format!("cannot listen on {ip}, {tried}: {last_error}"),
        "choose a free port with --port",
    ))
}

/// Answers requests until the server is unblocked (on Ctrl-C). Each
/// request gets its own thread; live-reload streams are capped by `hub`.
/// `bound` is the address the server listens on, for the `Host` check.
pub fn run(server: &Server, bound: SocketAddr, shared: &Shared, hub: &Arc<Hub>) {
    while let Ok(request) = server.recv() {
        let shared = Arc::clone(shared);
        let hub = Arc::clone(hub);
        let spawned = std::thread::Builder::new()
            .name("guide-request".into())
            .spawn(move || handle(request, bound, &shared, &hub));
        if let Err(error) = spawned {
            eprintln!("warning: cannot start a thread for a request: {error}");
        }
    }
}

fn handle(request: Request, bound: SocketAddr, shared: &Shared, hub: &Arc<Hub>) {
    if let Err(refused) = check_host(&request, bound) {
        let reply = Reply::text(403, &refused.0);
        let is_head = *request.method() == Method::Head;
        let _ = request.respond(into_response(reply, is_head));
        return;
    }
    let snapshot = current(shared);
    let is_events = request.url().split('?').next() == Some(reload::EVENTS_URL);
    if is_events && *request.method() == Method::Get {
        let Some(subscription) = hub.subscribe() else {
            let _ = request.respond(reload::too_many());
            return;
        };
        let mut first = vec![Event::Hello(snapshot.generation)];
        first.extend(snapshot.error.map(Event::Error));
        reload::stream(request, subscription, first);
        return;
    }
    let reply = answer(&snapshot, request.method(), request.url());
    let is_head = *request.method() == Method::Head;
    let _ = request.respond(into_response(reply, is_head));
}

/// [`host::check`] on a request's `Host` headers.
fn check_host(request: &Request, bound: SocketAddr) -> std::result::Result<(), host::Refused> {
    let hosts: Vec<&str> = request
        .headers()
        .iter()
        .filter(|h| h.field.equiv("Host"))
        .map(|h| h.value.as_str())
        .collect();
    let version = request.http_version();
    let http_10 = version.0 == 1 && version.1 == 0;
    host::check(&hosts, http_10, bound, host::is_local_address)
}

fn into_response(reply: Reply, is_head: bool) -> Response<Cursor<Vec<u8>>> {
    let length = reply.body.len();
    let body = if is_head { Vec::new() } else { reply.body };
    let mut response = Response::from_data(body)
        .with_status_code(reply.status)
        .with_header(header("Content-Type", reply.content_type))
        .with_header(header("Cache-Control", "no-store"))
        .with_header(header("X-Content-Type-Options", "nosniff"));
    if is_head {
        response = response.with_header(header("Content-Length", &length.to_string()));
    }
    if reply.status == 405 {
        response = response.with_header(header("Allow", "GET, HEAD"));
    }
    if let Some(location) = reply.location {
        response = response.with_header(header("Location", &location));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot() -> Snapshot {
        let mut output = Output::default();
        output.insert("index.html".into(), b"<body>home</body>".to_vec());
        output.insert("guide/index.html".into(), b"<body>guide</body>".to_vec());
        output.insert(
            "guide/first/index.html".into(),
            b"<body>first</body>".to_vec(),
        );
        output.insert("style.css".into(), b"body{}".to_vec());
        output.insert("caf\u{e9} 1.txt".into(), b"tea".to_vec());
        output.insert("404.html".into(), b"<body>lost</body>".to_vec());
        Snapshot {
            output: Some(Arc::new(output)),
            error: None,
            generation: 1,
        }
    }

    fn get(url: &str) -> Reply {
        answer(&snapshot(), &Method::Get, url)
    }

    fn body(reply: &Reply) -> String {
        String::from_utf8(reply.body.clone()).unwrap()
    }

    #[test]
    fn paths_are_decoded_and_validated() {
        assert_eq!(request_path("/"), Ok(String::new()));
        assert_eq!(request_path("/a/b/?q=1#x"), Ok("a/b/".into()));
        assert_eq!(
            request_path("/caf%C3%A9%201.txt"),
            Ok("caf\u{e9} 1.txt".into())
        );
        for bad in [
            "",
            "a/b",
            "/../site.toml",
            "/a/../../site.toml",
            "/%2e%2e/site.toml",
            "/%2E%2E/site.toml",
            "/./a",
            "/guide%2f..%2f..%2fsite.toml",
            "/guide%5c..%5csite.toml",
            "/a\\b",
            "/a%00b",
            "//etc/passwd",
            "/a//b",
            "/%ff",
        ] {
            assert_eq!(request_path(bad), Err(Refusal::BadPath), "{bad}");
        }
    }

    #[test]
    fn folders_are_answered_with_their_index() {
        let home = get("/");
        assert_eq!(home.status, 200);
        assert_eq!(home.content_type, "text/html; charset=utf-8");
        assert!(body(&home).starts_with("<body>home<script>"));
        assert_eq!(
            body(&get("/guide/first/?x=1")).get(..11),
            Some("<body>first")
        );
    }

    #[test]
    fn a_folder_without_its_slash_is_redirected() {
        let reply = get("/guide");
        assert_eq!(reply.status, 302);
        assert_eq!(reply.location.as_deref(), Some("/guide/"));
        let with_query = get("/guide/first?x=1#top");
        assert_eq!(with_query.location.as_deref(), Some("/guide/first/?x=1"));
    }

    #[test]
    fn files_get_their_content_type_and_no_script() {
        let css = get("/style.css");
        assert_eq!(css.status, 200);
        assert_eq!(css.content_type, "text/css; charset=utf-8");
        assert_eq!(css.body, b"body{}");
        assert_eq!(get("/caf%C3%A9%201.txt").body, b"tea");
        assert_eq!(content_type("a/b.WOFF2"), "font/woff2");
        assert_eq!(content_type("a.b/c"), "application/octet-stream");
    }

    #[test]
    fn unknown_paths_get_the_sites_404_page() {
        let reply = get("/nowhere/");
        assert_eq!(reply.status, 404);
        assert!(body(&reply).starts_with("<body>lost<script>"));
        let mut bare = snapshot();
        bare.output = Some(Arc::new(Output::default()));
        assert_eq!(answer(&bare, &Method::Get, "/x").status, 404);
    }

    #[test]
    fn refused_paths_are_bad_requests() {
        assert_eq!(get("/../site.toml").status, 400);
        assert_eq!(get("/%2e%2e/site.toml").status, 400);
        assert_eq!(get("/guide%2f..%2f..%2fsite.toml").status, 400);
    }

    #[test]
    fn only_get_and_head_are_answered() {
        assert_eq!(answer(&snapshot(), &Method::Post, "/").status, 405);
        assert_eq!(answer(&snapshot(), &Method::Head, "/").status, 200);
    }

    #[test]
    fn without_a_good_build_every_page_shows_the_error() {
        let failed = Snapshot {
            output: None,
            error: Some("bad <front> matter".into()),
            generation: 0,
        };
        let reply = answer(&failed, &Method::Get, "/guide/");
        assert_eq!(reply.status, 500);
        let page = body(&reply);
        assert!(page.contains("bad &lt;front&gt; matter"), "{page}");
        assert!(page.contains(reload::EVENTS_URL));
    }
}
