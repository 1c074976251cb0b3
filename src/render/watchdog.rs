//! A watch over template rendering, for the templates no cap can stop.
//!
//! Tera cannot be interrupted part-way through a template. The output cap
//! stops a loop that writes and the range budget ([`super::range`]) one that
//! counts, but a component that calls itself several times at each level
//! writes and counts nothing: ten calls a level to Tera's depth of twenty is
//! 10^20 renders. So every render is timed from a watch thread, and one that
//! has run past [`limit`] is reported (page and template) to a handler the
//! command chooses: `build` and `check` end with status 1 (nothing is lost:
//! output is swapped in only after every page has rendered, and a staging
//! folder left behind is removed by the next build); `serve` shows the error
//! over the page and goes on serving the last good site.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Once, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use crate::error::{display_path, Error};

/// How long one page's templates may run when `GUIDE_TEMPLATE_TIMEOUT` is unset.
pub const DEFAULT_LIMIT: Duration = Duration::from_secs(30);

/// The environment variable that sets the limit, in seconds (`2.5` works).
pub const LIMIT_VARIABLE: &str = "GUIDE_TEMPLATE_TIMEOUT";

/// One render in progress.
struct Render {
    since: Instant,
    template: String,
    page: Option<PathBuf>,
    /// Whether the handler has heard of it: each stuck render once.
    reported: bool,
}

static RUNNING: Mutex<BTreeMap<u64, Render>> = Mutex::new(BTreeMap::new());
static NEXT: AtomicU64 = AtomicU64::new(0);

type Handler = Arc<dyn Fn(Error) + Send + Sync>;
static HANDLER: Mutex<Option<Handler>> = Mutex::new(None);

/// Says what to do with the error of a render that ran past the limit,
/// replacing what was said before. The handler decides whether the process
/// ends. Without one, the error is printed plainly and the process ends
/// with status 1.
pub fn on_stuck(handler: impl Fn(Error) + Send + Sync + 'static) {
    *HANDLER.lock().unwrap_or_else(PoisonError::into_inner) = Some(Arc::new(handler));
}

/// How long one page's templates may run: [`LIMIT_VARIABLE`] in seconds,
/// or [`DEFAULT_LIMIT`] when it is unset or not a positive number.
pub fn limit() -> Duration {
    static LIMIT: OnceLock<Duration> = OnceLock::new();
    *LIMIT.get_or_init(|| {
        std::env::var(LIMIT_VARIABLE)
            .ok()
            .and_then(|text| text.trim().parse::<f64>().ok())
            .filter(|seconds| seconds.is_finite() && *seconds > 0.0)
            .map_or(DEFAULT_LIMIT, Duration::from_secs_f64)
    })
}

/// A render being watched; dropping it ends the watch.
#[must_use = "the watch ends when this is dropped"]
pub struct Watched(u64);

impl Drop for Watched {
    fn drop(&mut self) {
        running().remove(&self.0);
    }
}

/// Starts watching the render of `template` for `page` (None for pages
/// that come from no file, such as the 404 page).
pub fn watch(template: &str, page: Option<&Path>) -> Watched {
    static WATCHER: Once = Once::new();
    WATCHER.call_once(|| {
        // Without the thread the watch cannot report; rendering goes on.
        let _ = std::thread::Builder::new()
            .name("template-watch".into())
            .spawn(watch_loop);
    });
    let id = NEXT.fetch_add(1, Ordering::Relaxed);
    running().insert(
        id,
        Render {
            since: Instant::now(),
            template: template.to_string(),
            page: page.map(Path::to_path_buf),
            reported: false,
        },
    );
    Watched(id)
}

fn running() -> std::sync::MutexGuard<'static, BTreeMap<u64, Render>> {
    // A render that panicked leaves a consistent map behind.
    RUNNING.lock().unwrap_or_else(PoisonError::into_inner)
}

fn watch_loop() {
    let limit = limit();
    let tick = (limit / 4).clamp(Duration::from_millis(10), Duration::from_secs(1));
    loop {
        std::thread::sleep(tick);
        let stuck = running()
            .values_mut()
            .find(|render| !render.reported && render.since.elapsed() >= limit)
            .map(|render| {
                render.reported = true;
                stuck_error(render, limit)
            });
        let Some(error) = stuck else { continue };
        let handler = HANDLER
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        match handler {
            Some(handler) => handler(error),
            None => {
                eprintln!("error: {error}\n");
                std::process::exit(1);
            }
        }
    }
}

fn stuck_error(render: &Render, limit: Duration) -> Error {
    let page = render.page.as_deref().map_or_else(
        || "a page".to_string(),
        |page| format!("`{}`", display_path(page)),
    );
    Error::with_help(
        format!(
            "the template `{}` has been rendering {page} for more than {} s, and a \
             template cannot be stopped part-way",
            render.template,
            limit.as_secs_f64()
        ),
        format!(
            "a component that calls itself, or loops nested deep, that never end? Fix the \
             template and run guide again (if it truly needs longer, set {LIMIT_VARIABLE} \
             to a number of seconds)"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_watch_ends_when_dropped() {
        let watched = watch("page.html", Some(Path::new("content/a.md")));
        let id = watched.0;
        assert!(running().contains_key(&id));
        drop(watched);
        assert!(!running().contains_key(&id));
    }

    #[test]
    fn the_error_names_page_template_and_the_way_out() {
        let render = Render {
            since: Instant::now(),
            template: "page.html".into(),
            page: Some(PathBuf::from("content/a.md")),
            reported: false,
        };
        let text = stuck_error(&render, Duration::from_millis(1500)).to_string();
        assert!(
            text.contains("`page.html` has been rendering `content/a.md`"),
            "{text}"
        );
        assert!(text.contains("more than 1.5 s"), "{text}");
        assert!(text.contains(LIMIT_VARIABLE), "{text}");
    }
}
