//! The search index while serving: rebuilt on a thread of its own after a
//! page edit, so that the edit is served at once and its words reach search
//! a moment later (Pagefind cannot update an index in place, and indexing a
//! large site takes seconds).
//!
//! Each request carries the version of the project it indexes; a newer
//! request, or [`Indexer::supersede`] when the project is about to change,
//! stops an index being built (between two pages), so that it never holds
//! a CPU the next edit needs. A finished index is handed to `done` with its
//! version, for the caller to use only if the project is still that version.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{channel, Sender};
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::output::Output;
use crate::search::{Files, Language};

/// What to index: the pages of one version of the project in each of its
/// languages, and its output.
pub struct Request {
    pub version: u64,
    pub languages: Vec<Language>,
    pub output: Arc<Output>,
}

/// A finished index of one version of the project.
pub struct Indexed {
    pub version: u64,
    /// Each language's prefix in the output (`""`, `es/`) and the files of
    /// its `pagefind/`, paths relative to that prefix.
    pub indexes: Vec<(String, Files)>,
}

/// The thread that builds search indexes, one at a time, newest first.
pub struct Indexer {
    requests: Sender<Request>,
    /// The newest version asked for or announced: older work stops.
    wanted: Arc<AtomicU64>,
}

impl Indexer {
    /// Starts the thread; `done` receives each finished index.
    pub fn start(done: impl Fn(Indexed) + Send + 'static) -> Result<Indexer> {
        let (requests, received) = channel::<Request>();
        let wanted = Arc::new(AtomicU64::new(0));
        let current = Arc::clone(&wanted);
        // Pagefind's own parallel steps (building and compressing the index)
        // run in the caller's rayon pool: this one has a single thread, so
        // that the rendering of the next edit, in the global pool, always
        // has the other cores.
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .thread_name(|_| "guide-search-pool".into())
            .build()
            .map_err(|e| Error::msg(format!("cannot start the search thread: {e}")))?;
        std::thread::Builder::new()
            .name("guide-search".into())
            .spawn(move || {
                while let Ok(mut request) = received.recv() {
                    // Only the newest of the requests waiting matters.
                    while let Ok(newer) = received.try_recv() {
                        request = newer;
                    }
                    let version = request.version;
                    let stale = || current.load(Ordering::Relaxed) != version;
                    if stale() {
                        continue;
                    }
                    // A panic must not end this thread: later edits still
                    // want their index.
                    let indexed = super::caught(|| {
                        pool.install(|| {
                            crate::search::index_languages(
                                &request.languages,
                                &request.output,
                                &stale,
                            )
                        })
                    });
                    match indexed {
                        Ok(Ok(Some(indexes))) => done(Indexed { version, indexes }),
                        Ok(Ok(None)) => {}
                        Ok(Err(error)) => eprintln!("warning: {}", Error::from(error)),
                        Err(panic) => eprintln!(
                            "warning: building the search index panicked: {panic}; \
                             search shows the previous index until the next edit"
                        ),
                    }
                }
            })
            .map_err(|e| Error::msg(format!("cannot start the search thread: {e}")))?;
        Ok(Indexer { requests, wanted })
    }

    /// Asks for an index of `request.version`, stopping any older one.
    pub fn request(&self, request: Request) {
        self.wanted.store(request.version, Ordering::Relaxed);
        let _ = self.requests.send(request);
    }

    /// Stops any index older than `version`: the project is changing.
    pub fn supersede(&self, version: u64) {
        self.wanted.store(version, Ordering::Relaxed);
    }
}
