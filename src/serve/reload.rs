//! Live reload: the script every served page gets, and the Server-Sent
//! Events stream (`/__guide/events`) that tells it to reload, to swap its
//! stylesheets, or to show a build error.
//!
//! Each listener has its own channel in [`Hub`]; the number of listeners is
//! capped, and a listener is dropped as soon as a write to it fails. An idle
//! stream gets a comment line every [`HEARTBEAT`], so that a tab that has
//! gone is noticed (the second write after the client closed fails) and
//! its place freed within a second. Every stream also ends after the hub's
//! lifetime (the browser connects again by itself), so that even a client
//! that vanished without closing its connection holds a place for minutes
//! at most. The stream is written by hand through `Request::into_writer()`: a
//! streaming tiny_http `Response` body is buffered and would never arrive.
//! It is sent in chunks, so that the server can end it and leave the
//! connection open for the browser's next request.

use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The URL of the event stream.
pub const EVENTS_URL: &str = "/__guide/events";

/// How many browser tabs may listen at once.
pub const MAX_LISTENERS: usize = 32;

/// How often an idle stream gets a comment, so that dead connections are
/// noticed (the write fails) and proxies keep the stream open. A closed
/// connection takes two writes to fail (the first is answered with a
/// reset), so a gone client leaves within two of these.
pub const HEARTBEAT: Duration = Duration::from_millis(250);
const _: () = assert!(
    2 * HEARTBEAT.as_millis() < 1000,
    "a gone client must leave within 1 s"
);

/// How long a stream lasts before the server ends it, unless
/// [`LIFETIME_VARIABLE`] says otherwise.
pub const LIFETIME: Duration = Duration::from_secs(300);

/// The environment variable that sets a stream's lifetime, in seconds
/// (`0.5` works): for tests.
pub const LIFETIME_VARIABLE: &str = "GUIDE_STREAM_LIFETIME";

/// A stream's lifetime: [`LIFETIME_VARIABLE`] when set to a positive
/// number of seconds, else [`LIFETIME`].
pub fn lifetime() -> Duration {
    std::env::var(LIFETIME_VARIABLE)
        .ok()
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s > 0.0)
        .map_or(LIFETIME, Duration::from_secs_f64)
}

/// The browser side, inlined into every HTML response.
const SCRIPT: &str = include_str!("live-reload.js");

/// What the browser is told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Sent first on every stream: the current build's number, so that a tab
    /// that was hidden (and disconnected) during a rebuild reloads.
    Hello(u64),
    /// The site changed: reload the page.
    Reload,
    /// Only stylesheets changed: swap them without a reload.
    Css,
    /// A rebuild failed: show this text (the whole error) over the page.
    Error(String),
}

impl Event {
    /// The event as it is written on the stream.
    pub fn encode(&self) -> String {
        match self {
            Event::Hello(generation) => format!("event: hello\ndata: {generation}\n\n"),
            Event::Reload => "event: reload\ndata: {}\n\n".to_string(),
            Event::Css => "event: css\ndata: {}\n\n".to_string(),
            Event::Error(message) => {
                let data = serde_json::json!({ "message": message });
                // serde_json escapes newlines, so the data is one line.
                format!("event: error\ndata: {data}\n\n")
            }
        }
    }
}

/// The listeners of the event stream.
pub struct Hub {
    listeners: Mutex<Vec<(u64, Sender<Event>)>>,
    next_id: AtomicU64,
    /// How long each stream lasts.
    lifetime: Duration,
}

impl Default for Hub {
    fn default() -> Self {
        Hub::new(LIFETIME)
    }
}

/// One listener's end: events arrive on `events`; dropping it leaves the hub.
pub struct Subscription {
    id: u64,
    hub: Arc<Hub>,
    pub events: Receiver<Event>,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.hub.lock().retain(|(id, _)| *id != self.id);
    }
}

impl Hub {
    /// A hub whose streams last `lifetime` each.
    pub fn new(lifetime: Duration) -> Hub {
        Hub {
            listeners: Mutex::new(Vec::new()),
            next_id: AtomicU64::new(0),
            lifetime,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<(u64, Sender<Event>)>> {
        // A panicking listener thread leaves the list itself intact.
        self.listeners.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Adds a listener, or `None` when [`MAX_LISTENERS`] are listening.
    pub fn subscribe(self: &Arc<Self>) -> Option<Subscription> {
        let mut listeners = self.lock();
        if listeners.len() >= MAX_LISTENERS {
            return None;
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (sender, events) = channel();
        listeners.push((id, sender));
        Some(Subscription {
            id,
            hub: Arc::clone(self),
            events,
        })
    }

    /// Sends `event` to every listener, dropping those that are gone.
    pub fn broadcast(&self, event: &Event) {
        self.lock()
            .retain(|(_, sender)| sender.send(event.clone()).is_ok());
    }

    /// How many listeners there are.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether nobody listens.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Streams events to one browser tab until it goes away or the hub's
/// lifetime has passed. `first` are sent right after the headers (the build
/// number, and the current error if the last build failed).
pub fn stream(request: tiny_http::Request, subscription: Subscription, first: Vec<Event>) {
    let mut writer = request.into_writer();
    pump(&mut writer, &subscription, first, HEARTBEAT);
}

/// Writes the stream to `writer` (the whole HTTP response, head included)
/// until a write fails, the hub is gone or its lifetime has passed; an idle
/// stream gets a comment every `heartbeat`.
fn pump(
    writer: &mut dyn Write,
    subscription: &Subscription,
    first: Vec<Event>,
    heartbeat: Duration,
) {
    let ends = Instant::now() + subscription.hub.lifetime;
    let head = "HTTP/1.1 200 OK\r\n\
                Content-Type: text/event-stream\r\n\
                Cache-Control: no-store\r\n\
                Connection: keep-alive\r\n\
                Transfer-Encoding: chunked\r\n\
                X-Accel-Buffering: no\r\n\
                \r\n";
    let mut write = |bytes: &str| -> bool {
        writer.write_all(bytes.as_bytes()).is_ok() && writer.flush().is_ok()
    };
    if !write(head) {
        return;
    }
    let mut send = |text: &str| write(&chunk(text));
    if !send("retry: 1000\n: connected\n\n") {
        return;
    }
    for event in first {
        if !send(&event.encode()) {
            return;
        }
    }
    loop {
        let left = ends.saturating_duration_since(Instant::now());
        if left.is_zero() {
            // The last chunk: the response ends, the browser reconnects.
            send("");
            return;
        }
        let sent = match subscription.events.recv_timeout(left.min(heartbeat)) {
            Ok(event) => send(&event.encode()),
            Err(RecvTimeoutError::Timeout) if Instant::now() >= ends => continue,
            Err(RecvTimeoutError::Timeout) => send(": heartbeat\n\n"),
            Err(RecvTimeoutError::Disconnected) => return,
        };
        if !sent {
            return;
        }
    }
}

/// `text` as one chunk of a chunked HTTP body (an empty text is the last).
fn chunk(text: &str) -> String {
    format!("{:x}\r\n{text}\r\n", text.len())
}

/// The answer to a listener beyond the cap.
pub fn too_many() -> tiny_http::Response<std::io::Cursor<Vec<u8>>> {
    tiny_http::Response::from_string(format!(
        "guide serve: too many live-reload connections (at most {MAX_LISTENERS}); close some tabs\n"
    ))
    .with_status_code(503)
    .with_header(super::header("Retry-After", "5"))
    .with_header(super::header("Cache-Control", "no-store"))
}

/// Puts the live-reload script before the last `</body>` of an HTML page
/// (or at its end when there is none). `generation` is the number of the
/// build the page comes from.
pub fn inject(html: &[u8], generation: u64) -> Vec<u8> {
    let script = format!("<script>const guideBuild={generation};\n{SCRIPT}</script>");
    let at = find_last_ignore_case(html, b"</body>").unwrap_or(html.len());
    let mut page = Vec::with_capacity(html.len() + script.len());
    page.extend_from_slice(&html[..at]);
    page.extend_from_slice(script.as_bytes());
    page.extend_from_slice(&html[at..]);
    page
}

fn find_last_ignore_case(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.len() > haystack.len() {
        return None;
    }
    (0..=haystack.len() - needle.len())
        .rev()
        .find(|&i| haystack[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_goes_before_the_last_body_end() {
        let page = inject(b"<html><body><p>x</p></BODY></html>", 7);
        let page = String::from_utf8(page).unwrap();
        let script = page.find("<script>const guideBuild=7;").unwrap();
        assert!(script < page.find("</BODY>").unwrap());
        assert!(page.contains(EVENTS_URL));
        assert!(page.ends_with("</script></BODY></html>"));
    }

    #[test]
    fn a_page_without_body_end_gets_the_script_at_its_end() {
        let page = String::from_utf8(inject(b"<p>bare", 1)).unwrap();
        assert!(page.starts_with("<p>bare<script>"));
        assert!(page.ends_with("</script>"));
    }

    #[test]
    fn the_script_cannot_close_its_own_tag() {
        assert!(!SCRIPT.contains("</"), "`</` would end the inline script");
    }

    #[test]
    fn events_are_encoded_as_server_sent_events() {
        assert_eq!(Event::Reload.encode(), "event: reload\ndata: {}\n\n");
        assert_eq!(Event::Hello(3).encode(), "event: hello\ndata: 3\n\n");
        let error = Event::Error("bad \"front\" matter\n --> a.md:2:1".into()).encode();
        assert_eq!(
            error,
            "event: error\ndata: {\"message\":\"bad \\\"front\\\" matter\\n --> a.md:2:1\"}\n\n"
        );
    }

    #[test]
    fn listeners_are_capped_and_leave_when_dropped() {
        let hub = Arc::new(Hub::default());
        let subscriptions: Vec<_> = (0..MAX_LISTENERS)
            .map(|_| hub.subscribe().unwrap())
            .collect();
        assert!(hub.subscribe().is_none());
        hub.broadcast(&Event::Reload);
        assert_eq!(subscriptions[0].events.try_recv(), Ok(Event::Reload));
        drop(subscriptions);
        assert!(hub.is_empty());
        assert!(hub.subscribe().is_some());
    }

    #[test]
    fn events_are_sent_as_chunks() {
        assert_eq!(
            chunk(&Event::Reload.encode()),
            "18\r\nevent: reload\ndata: {}\n\n\r\n"
        );
        assert_eq!(chunk(""), "0\r\n\r\n");
    }

    /// A client that reads `accepted` writes, then is gone.
    struct Client {
        accepted: usize,
        received: Arc<Mutex<String>>,
    }

    impl Write for Client {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            if self.accepted == 0 {
                return Err(std::io::ErrorKind::BrokenPipe.into());
            }
            self.accepted -= 1;
            let mut received = self.received.lock().unwrap();
            received.push_str(&String::from_utf8_lossy(bytes));
            Ok(bytes.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn an_idle_stream_whose_client_has_gone_leaves_at_a_heartbeat() {
        // Streams last five minutes: only a failed heartbeat ends this one.
        let hub = Arc::new(Hub::new(LIFETIME));
        let subscription = hub.subscribe().unwrap();
        let received = Arc::new(Mutex::new(String::new()));
        let mut client = Client {
            accepted: 5,
            received: Arc::clone(&received),
        };
        let (done, ended) = channel();
        std::thread::spawn(move || {
            let heartbeat = Duration::from_millis(5);
            pump(&mut client, &subscription, vec![Event::Hello(1)], heartbeat);
            drop(subscription);
            let _ = done.send(());
        });
        ended
            .recv_timeout(Duration::from_secs(30))
            .expect("the stream outlived its client");
        assert!(hub.is_empty());
        let received = received.lock().unwrap();
        // The head, `retry`, hello, then two heartbeats the client read.
        assert!(received.starts_with("HTTP/1.1 200 OK\r\n"), "{received}");
        assert_eq!(received.matches(": heartbeat").count(), 2, "{received}");
    }

    #[test]
    fn a_stream_ends_after_its_lifetime_and_leaves_the_hub() {
        let hub = Arc::new(Hub::new(Duration::from_millis(50)));
        let subscription = hub.subscribe().unwrap();
        assert_eq!(hub.len(), 1);
        let request = tiny_http::TestRequest::new().with_path(EVENTS_URL).into();
        std::thread::spawn(move || stream(request, subscription, vec![Event::Hello(1)]))
            .join()
            .unwrap();
        assert!(hub.is_empty());
    }
}
