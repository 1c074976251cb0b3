//! A time limit on template rendering, for the templates no cap can stop.
//!
//! Tera cannot be interrupted from outside part-way through a template. The
//! output cap stops a loop that writes and the range budget
//! ([`super::range`]) one that counts, but a component that calls itself
//! several times at each level can write and count little: ten calls a
//! level to Tera's depth of twenty is 10^20 renders. So each render carries
//! a [`Deadline`], a value owned by the render call, and the places where a
//! template hands control back to guide (every write of its output, every
//! `range` call) check it: past it, the render stops with an ordinary
//! located error, so `build` fails as for any other template error (the
//! staging folder is removed, the last good output kept) and `serve` shows
//! it over the page and goes on. No thread, no global state, no exit.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::error::{display_path, Error};

/// How long one page's templates may run when `GUIDE_TEMPLATE_TIMEOUT` is unset.
pub const DEFAULT_LIMIT: Duration = Duration::from_secs(30);

/// The environment variable that sets the limit, in seconds (`2.5` works).
pub const LIMIT_VARIABLE: &str = "GUIDE_TEMPLATE_TIMEOUT";

/// How long one page's templates may run: [`LIMIT_VARIABLE`] in seconds,
/// or [`DEFAULT_LIMIT`] when it is unset or not a positive number.
pub fn limit() -> Duration {
    parse_limit(std::env::var(LIMIT_VARIABLE).ok().as_deref())
}

fn parse_limit(text: Option<&str>) -> Duration {
    text.and_then(|text| text.trim().parse::<f64>().ok())
        .filter(|seconds| seconds.is_finite() && *seconds > 0.0)
        .map_or(DEFAULT_LIMIT, Duration::from_secs_f64)
}

/// When one render must be over by.
#[derive(Debug, Clone, Copy)]
pub struct Deadline {
    at: Instant,
    limit: Duration,
}

impl Deadline {
    /// A deadline `limit` from now.
    pub fn after(limit: Duration) -> Deadline {
        Deadline {
            at: Instant::now() + limit,
            limit,
        }
    }

    /// Whether the render has run past its limit.
    pub fn passed(&self) -> bool {
        Instant::now() >= self.at
    }

    /// The error of a render of `template` for `page` (None for pages that
    /// come from no file, such as the 404 page) that ran past its limit.
    pub fn error(&self, template: &str, page: Option<&Path>) -> Error {
        let page = page.map_or_else(
            || "a page".to_string(),
            |page| format!("`{}`", display_path(page)),
        );
        Error::with_help(
            format!(
                "the template `{template}` has been rendering {page} for more than {} s, \
                 and was stopped",
                self.limit.as_secs_f64()
            ),
            format!(
                "a component that calls itself, or loops nested deep, that never end? Fix the \
                 template and run guide again (if it truly needs longer, set {LIMIT_VARIABLE} \
                 to a number of seconds)"
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_is_a_positive_number_of_seconds() {
        assert_eq!(parse_limit(Some("2.5")), Duration::from_millis(2500));
        assert_eq!(parse_limit(Some(" 1 ")), Duration::from_secs(1));
        for bad in [
            None,
            Some(""),
            Some("0"),
            Some("-3"),
            Some("soon"),
            Some("inf"),
        ] {
            assert_eq!(parse_limit(bad), DEFAULT_LIMIT, "{bad:?}");
        }
    }

    #[test]
    fn a_deadline_passes_after_its_limit() {
        let deadline = Deadline::after(Duration::from_millis(20));
        assert!(!deadline.passed());
        std::thread::sleep(Duration::from_millis(30));
        assert!(deadline.passed());
        assert!(Deadline::after(Duration::ZERO).passed());
    }

    #[test]
    fn the_error_names_page_template_and_the_way_out() {
        let deadline = Deadline::after(Duration::from_millis(1500));
        let text = deadline
            .error("page.html", Some(Path::new("content/a.md")))
            .to_string();
        assert!(
            text.contains("`page.html` has been rendering `content/a.md`"),
            "{text}"
        );
        assert!(text.contains("more than 1.5 s"), "{text}");
        assert!(text.contains(LIMIT_VARIABLE), "{text}");
        let text = deadline.error("404.html", None).to_string();
        assert!(
            text.contains("`404.html` has been rendering a page"),
            "{text}"
        );
    }
}
