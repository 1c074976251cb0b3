//! `guide serve` under abuse, on loopback: path traversal in every
//! encoding, oversized request heads, many clients at once with live-reload
//! streams beyond the cap, and slow clients that never finish a request.
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
    // tiny_http keeps four idle workers and lets the others go after 5 s.
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
    // through its request (see SECURITY.md): each holds a worker until the
    // client goes. Once they go, the workers are given back.
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
