//! [guide patch] One thread per connection, at most a given number of them.
//!
//! tiny_http 0.12 handed each connection to a `TaskPool` whose `spawn`
//! races: it counts a worker as idle until that worker has woken up, so
//! connections arriving together are queued behind the four first workers,
//! which each keep serving their own keep-alive connection. Those queued
//! connections are never answered while the first four stay open. Here each
//! accepted connection gets a thread of its own at once, and past the limit
//! a connection is answered `503 Service Unavailable` and closed instead of
//! left waiting.

use std::io::{Read, Write};
use std::net::Shutdown;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use crate::connection::Connection;

/// How many refused connections may be answered at once; beyond that they
/// are closed without a word (a flood, not a browser).
const MAX_REFUSING: usize = 64;

/// How long a refused connection is given to send its request head, and
/// to close after the answer.
const REFUSAL_WAIT: Duration = Duration::from_secs(1);

/// Counts the threads of open connections (and of refusals) and says
/// whether another may start.
pub struct ConnectionLimit {
    max: usize,
    open: Arc<AtomicUsize>,
    refusing: Arc<AtomicUsize>,
}

/// One place in a count, given back when dropped.
pub struct Slot {
    count: Arc<AtomicUsize>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.count.fetch_sub(1, Ordering::AcqRel);
    }
}

impl ConnectionLimit {
    /// A limit of `max` connections at once (`usize::MAX`: no limit).
    pub fn new(max: usize) -> ConnectionLimit {
        ConnectionLimit {
            max,
            open: Arc::new(AtomicUsize::new(0)),
            refusing: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// A place for one more connection, or `None` when `max` are open.
    /// Only the accepting thread takes places, so the check cannot race.
    pub fn take(&self) -> Option<Slot> {
        take(&self.open, self.max)
    }

    /// Answers `sock` with a 503 on a short-lived thread of its own (or
    /// closes it when too many are being refused already).
    pub fn refuse(&self, sock: Connection) {
        let Some(slot) = take(&self.refusing, MAX_REFUSING) else {
            return;
        };
        let max = self.max;
        let spawned = thread::Builder::new()
            .name("tiny_http refusal".into())
            .spawn(move || {
                let _slot = slot;
                answer_busy(sock, max);
            });
        if let Err(e) = spawned {
            log::error!("Cannot start a thread to refuse a connection: {}", e);
        }
    }
}

fn take(count: &Arc<AtomicUsize>, max: usize) -> Option<Slot> {
    if count.load(Ordering::Acquire) >= max {
        return None;
    }
    count.fetch_add(1, Ordering::AcqRel);
    Some(Slot {
        count: Arc::clone(count),
    })
}

/// Reads the request head (so that closing does not reset the connection
/// before the client has read the answer), answers 503, and closes.
fn answer_busy(mut sock: Connection, max: usize) {
    let _ = set_read_timeout(&sock, Some(REFUSAL_WAIT));
    let deadline = Instant::now() + REFUSAL_WAIT;
    let mut head = Vec::new();
    let mut buffer = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n")
        && head.len() < 64 * 1024
        && Instant::now() < deadline
    {
        match sock.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(n) => head.extend_from_slice(&buffer[..n]),
        }
    }
    let body = format!(
        "The server has too many open connections (at most {}); \
         close some and try again.\n",
        max
    );
    let answer = format!(
        "HTTP/1.1 503 Service Unavailable\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\
         Content-Length: {}\r\n\
         Retry-After: 1\r\n\
         Connection: close\r\n\r\n{}",
        body.len(),
        body
    );
    if sock.write_all(answer.as_bytes()).is_err() {
        return;
    }
    let _ = sock.flush();
    let _ = sock.shutdown(Shutdown::Write);
    // Wait for the client to close (or the deadline), reading what it sends.
    let deadline = Instant::now() + REFUSAL_WAIT;
    while Instant::now() < deadline {
        match sock.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
    }
}

fn set_read_timeout(sock: &Connection, timeout: Option<Duration>) -> std::io::Result<()> {
    match sock {
        Connection::Tcp(s) => s.set_read_timeout(timeout),
        #[cfg(unix)]
        Connection::Unix(s) => s.set_read_timeout(timeout),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_are_limited_and_given_back() {
        let limit = ConnectionLimit::new(2);
        let a = limit.take().unwrap();
        let _b = limit.take().unwrap();
        assert!(limit.take().is_none());
        drop(a);
        assert!(limit.take().is_some());
    }
}
