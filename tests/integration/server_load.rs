//! `guide serve` under abuse, on loopback: path traversal in every
//! encoding, oversized request heads, many clients at once with live-reload
//! streams beyond the cap, a browser's simultaneous first connections,
//! streams whose clients have gone, connections beyond the cap, and slow
//! clients that never finish a request.
//! The server must refuse what it should, stay up, keep answering others,
//! and give back its threads.
//!
//! Each test starts the real binary (see `serve.rs`); every wait has a
//! deadline, and none of these is a timing benchmark (that is
//! `benches/load.sh`).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use guide::serve::reload::MAX_LISTENERS;

use crate::assert_contains;
use crate::serve::{get, Serve};

const PAGE: &str = "/guide/first/";

/// The number of threads of process `pid`.
fn threads(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/task"))
        .map(|entries| entries.count())
        .unwrap_or(0)
}

/// Waits until `serve` has at most `most` threads, and returns the count.
fn wait_for_threads(serve: &Serve, most: usize, within: Duration) -> usize {
    let deadline = Instant::now() + within;
    loop {
        let now = threads(serve.child.id());
        if now <= most || Instant::now() > deadline {
            return now;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Sends `bytes` as they are on a new connection, and returns the status of
/// the answer, if one came before the connection closed. Write errors are
/// expected: the server may close before reading everything.
fn send_raw(port: u16, bytes: &[u8]) -> Option<u16> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    stream
        .set_write_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let _ = stream.write_all(bytes);
    // The status line is all we need; the connection may be kept alive.
    let mut answer = Vec::new();
    let mut chunk = [0u8; 4096];
    while !answer.windows(2).any(|w| w == b"\r\n") {
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => answer.extend_from_slice(&chunk[..n]),
        }
    }
    let text = String::from_utf8_lossy(&answer);
    text.strip_prefix("HTTP/1.1 ")?.get(..3)?.parse().ok()
}

/// The page without its build number, which changes with every rebuild.
fn without_build_number(page: &str) -> String {
    match page.find("guideBuild=") {
        Some(at) => {
            let rest = &page[at..];
            let end = rest.find(';').unwrap_or(rest.len());
            format!("{}{}", &page[..at], &rest[end..])
        }
        None => page.to_string(),
    }
}

#[test]
fn path_traversal_in_every_encoding_is_refused() {
    let serve = Serve::start();
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    for path in [
        "/../site.toml",
        "/../../../../etc/passwd",
        "/%2e%2e/site.toml",
        "/%2E%2e/%2e%2E/etc/passwd",
        "/.%2e/site.toml",
        "/%252e%252e/site.toml",
        "/%252e%252e%252fsite.toml",
        "/guide/..%5c..%5csite.toml",
        "/guide/..%5Csite.toml",
        "/guide/..\\..\\site.toml",
        "/..\\site.toml",
        "/%c0%ae%c0%ae/site.toml",
        "/%c0%ae%c0%ae%c0%afsite.toml",
        "/%e0%80%ae%e0%80%ae/site.toml",
        "/site.toml%00.html",
        "/guide/%00/../../site.toml",
        "//etc/passwd",
        "///etc/passwd",
        "/guide//../../site.toml",
        "http://127.0.0.1/../site.toml",
        "http://127.0.0.1/site.toml",
        "http://127.0.0.1//etc/passwd",
        "http://evil.example/%2e%2e/site.toml",
        "site.toml",
        "*",
        "/site.toml",
        "/content/guide/first.md",
        "/static/style.css",
    ] {
        let reply = serve.get(path);
        assert_ne!(reply.status, 200, "{path} was served:\n{}", reply.body);
        assert!(!reply.body.contains("base_url"), "{path} leaked site.toml");
        assert!(!reply.body.contains("root:x:0:0"), "{path} leaked passwd");
        if !passwd.is_empty() {
            assert!(!reply.body.contains(passwd.trim()), "{path} leaked passwd");
        }
    }
    // The site itself is still served, from its own paths.
    assert_eq!(serve.get("/style.css").status, 200);
}

#[test]
fn huge_request_heads_are_refused_and_the_server_stays_up() {
    let mut serve = Serve::start();
    let megabyte = "a".repeat(1 << 20);
    let long_url = format!("GET /{megabyte} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    let many_headers = format!(
        "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n{}\r\n",
        (0..10_000)
            .map(|i| format!("X-Header-{i}: {i}\r\n"))
            .collect::<String>()
    );
    let long_value = format!("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: {megabyte}\r\n\r\n");
    let endless_line = format!("GET /{megabyte}");
    for (what, request) in [
        ("a 1 MB URL", &long_url),
        ("10,000 headers", &many_headers),
        ("a 1 MB header value", &long_value),
        ("a 1 MB line without an end", &endless_line),
    ] {
        // tiny_http has no limit of its own on a request's head: what counts
        // is that such a request is answered or dropped, never the server.
        let status = send_raw(serve.port, request.as_bytes());
        if let Some(status) = status {
            assert!(
                (200..600).contains(&status),
                "{what} was answered with {status}"
            );
        }
        let exited = serve.child.try_wait().unwrap();
        assert!(
            exited.is_none(),
            "the server died after {what}\n{}",
            serve.log()
        );
        let next = serve.get(PAGE);
        assert_eq!(next.status, 200, "after {what}: {}", next.body);
        assert!(next.body.contains("First steps"), "after {what}");
    }
}

/// A live-reload stream opened by hand: its status, and the socket.
fn open_events(port: u16) -> (u16, TcpStream) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    write!(
        stream,
        "GET /__guide/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    )
    .unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => break,
        }
    }
    let line = String::from_utf8_lossy(&head);
    let status = line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line: {line:?}"));
    (status, stream)
}

#[test]
fn many_clients_and_streams_are_bounded_and_all_answered() {
    const STREAMS: usize = 50;
    const CLIENTS: usize = 200;
    let serve = Serve::start();
    let reference = without_build_number(&serve.get(PAGE).body);
    assert!(reference.contains("First steps"));
    let before = threads(serve.child.id());

    let streams: Vec<(u16, TcpStream)> = (0..STREAMS).map(|_| open_events(serve.port)).collect();
    let accepted = streams.iter().filter(|(status, _)| *status == 200).count();
    let refused = streams.iter().filter(|(status, _)| *status == 503).count();
    assert_eq!(accepted, MAX_LISTENERS.min(STREAMS), "streams accepted");
    assert_eq!(accepted + refused, STREAMS, "every stream got 200 or 503");

    let started = Instant::now();
    let barrier = Arc::new(Barrier::new(CLIENTS + 1));
    let clients: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let (barrier, port) = (Arc::clone(&barrier), serve.port);
            std::thread::spawn(move || {
                barrier.wait();
                let reply = get(port, PAGE);
                (reply.status, without_build_number(&reply.body))
            })
        })
        .collect();
    barrier.wait();
    // Files change while the pages are fetched: every stream is told.
    let css = serve.path("static/style.css");
    let original = std::fs::read_to_string(&css).unwrap();
    for i in 0..3 {
        std::fs::write(&css, format!("{original}\n/* edit {i} */\n")).unwrap();
        std::thread::sleep(Duration::from_millis(100));
    }
    for client in clients {
        let (status, body) = client.join().unwrap();
        assert_eq!(status, 200, "{body}");
        assert!(body == reference, "a page came back wrong:\n{body}");
    }
    let elapsed = started.elapsed();
    assert!(
        elapsed < Duration::from_secs(30),
        "{CLIENTS} pages took {elapsed:?}"
    );
    let during = threads(serve.child.id());
    drop(streams);
    // Closed streams and finished clients give their threads back.
    // Each connection's thread ends with it (vendor/tiny_http/PATCHES.md);
    // the slack of four is for the request threads still finishing.
    let after = wait_for_threads(&serve, before + 4, Duration::from_secs(30));
    assert!(
        after <= before + 4,
        "threads: {before} before, {during} with the streams open, {after} after"
    );
    assert_eq!(serve.get(PAGE).status, 200);
}

#[test]
fn slow_clients_do_not_stop_others() {
    const SLOW: usize = 100;
    let serve = Serve::start();
    assert_eq!(serve.get(PAGE).status, 200);
    let before = threads(serve.child.id());
    let mut slow: Vec<TcpStream> = (0..SLOW)
        .map(|_| {
            let mut stream = TcpStream::connect(("127.0.0.1", serve.port)).unwrap();
            stream.write_all(b"GET /guide/fi").unwrap();
            stream
        })
        .collect();
    std::thread::sleep(Duration::from_millis(200));

    let started = Instant::now();
    let reply = serve.get(PAGE);
    let took = started.elapsed();
    assert_eq!(reply.status, 200);
    assert!(
        took < Duration::from_secs(2),
        "a normal GET took {took:?} beside {SLOW} slow clients"
    );

    // tiny_http gives no way to time out a connection that stops half-way
    // through its request (see SECURITY.md): each holds its connection's
    // thread until the client goes. Once they go, the threads end.
    let mut answer = [0u8; 1];
    for stream in &mut slow {
        stream
            .set_read_timeout(Some(Duration::from_millis(1)))
            .unwrap();
        assert!(
            stream.read(&mut answer).is_err(),
            "a slow client got an answer to half a request"
        );
    }
    drop(slow);
    let after = wait_for_threads(&serve, before + 4, Duration::from_secs(30));
    assert!(
        after <= before + 4,
        "threads: {before} before, {after} after"
    );
}

/// Reads an answer's head from `stream`, and returns its status (0 when
/// none came before the connection's read timeout or its end).
fn read_status(stream: &mut TcpStream) -> u16 {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => break,
        }
    }
    let text = String::from_utf8_lossy(&head);
    text.split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

/// Connects and sends a keep-alive GET for `path`, without reading.
fn send_keep_alive(port: u16, path: &str) -> TcpStream {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n"
    )
    .unwrap();
    stream
}

/// Sends a keep-alive GET for `path` on a new connection and reads the
/// answer's head; returns its status and the connection, still open.
fn keep_alive_get(port: u16, path: &str) -> (u16, TcpStream) {
    let mut stream = send_keep_alive(port, path);
    (read_status(&mut stream), stream)
}

/// What a browser's first load opens at once: the page, its stylesheet and
/// script, and the live-reload stream, over many keep-alive connections.
const FIRST_LOAD: [&str; 4] = [PAGE, "/style.css", "/app.js", "/__guide/events"];

/// Opens `count` keep-alive connections one right after the other, as a
/// browser's first load does, each asking for the next path of
/// [`FIRST_LOAD`], then reads their answers; returns for each its path,
/// status, how long its answer took from its request, and the connection
/// (still open). Connections that arrive together are what tiny_http's own
/// pool left unanswered.
fn open_together(port: u16, count: usize) -> Vec<(&'static str, u16, Duration, TcpStream)> {
    let sent: Vec<_> = (0..count)
        .map(|i| {
            let path = FIRST_LOAD[i % FIRST_LOAD.len()];
            (path, Instant::now(), send_keep_alive(port, path))
        })
        .collect();
    sent.into_iter()
        .map(|(path, started, mut stream)| {
            // Well past the 2 s asked for, so that a failure is quick.
            let left = (started + Duration::from_secs(5)).saturating_duration_since(Instant::now());
            let left = left.max(Duration::from_millis(10));
            stream.set_read_timeout(Some(left)).unwrap();
            let status = read_status(&mut stream);
            (path, status, started.elapsed(), stream)
        })
        .collect()
}

#[test]
fn simultaneous_keep_alive_connections_on_a_fresh_server_are_all_answered() {
    const CLIENTS: usize = 32;
    let serve = Serve::start();
    let first = open_together(serve.port, CLIENTS);
    // While those stay open (as a browser keeps them), as many again.
    let second = open_together(serve.port, CLIENTS);
    for (round, answers) in [("first", &first), ("second", &second)] {
        for (path, status, took, _) in answers {
            assert_eq!(
                *status,
                200,
                "{round} round: {path} got {status}\n{}",
                serve.log()
            );
            assert!(
                *took <= Duration::from_secs(2),
                "{round} round: {path} was answered after {took:?}"
            );
        }
    }
    // The connections are still usable for the browser's next requests.
    let (_, _, _, mut stream) = first
        .into_iter()
        .find(|(p, ..)| *p == "/style.css")
        .unwrap();
    let port = serve.port;
    write!(
        stream,
        "GET /style.css HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut rest = String::new();
    let _ = stream.read_to_string(&mut rest);
    assert_contains!(rest, "HTTP/1.1 200 OK");
}

#[test]
fn streams_whose_clients_have_gone_free_their_places() {
    const OPENED: usize = 64;
    let serve = Serve::start();
    let streams: Vec<(u16, TcpStream)> = (0..OPENED).map(|_| open_events(serve.port)).collect();
    let accepted = streams.iter().filter(|(status, _)| *status == 200).count();
    assert_eq!(accepted, MAX_LISTENERS, "streams accepted");
    assert!(streams.iter().all(|(s, _)| *s == 200 || *s == 503));
    drop(streams);

    // The server notices at its next heartbeats (a quarter of a second
    // apart). Without them the places stayed taken for 15 s and more; the
    // deadline here only keeps a loaded machine from failing the test.
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut new = Vec::new();
    while new.len() < MAX_LISTENERS {
        let (status, stream) = open_events(serve.port);
        match status {
            200 => new.push(stream),
            503 if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(50)),
            _ => panic!(
                "only {} of {MAX_LISTENERS} new streams accepted ({status})\n{}",
                new.len(),
                serve.log()
            ),
        }
    }
    assert_eq!(new.len(), MAX_LISTENERS);
}

#[test]
fn connections_past_the_cap_get_a_503_and_later_an_answer() {
    const CAP: usize = 8;
    let mut serve = Serve::start_with_env(|_| {}, &[("GUIDE_MAX_CONNECTIONS", "8")]);
    let mut held = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(20);
    while held.len() < CAP {
        // The start-up probe's connection may not have ended yet.
        match keep_alive_get(serve.port, PAGE) {
            (200, stream) => held.push(stream),
            (503, _) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(50)),
            (status, _) => panic!("connection {} got {status}", held.len() + 1),
        }
    }
    let refused = get(serve.port, PAGE);
    assert_eq!(refused.status, 503, "{}", refused.body);
    assert_eq!(refused.header("retry-after"), Some("1"));
    assert_contains!(refused.body, "too many open connections (at most 8)");
    assert_eq!(refused.body.lines().count(), 1, "{}", refused.body);

    held.pop();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let reply = get(serve.port, PAGE);
        if reply.status == 200 {
            assert_contains!(reply.body, "First steps");
            break;
        }
        assert!(
            Instant::now() < deadline,
            "never answered again: {}",
            reply.status
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(serve.child.try_wait().unwrap().is_none(), "{}", serve.log());
}
