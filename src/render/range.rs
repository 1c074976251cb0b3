//! Tera's `range` with a budget per page, so a template cannot loop for hours.
//!
//! Tera caps one `range` at 100,000 numbers, but nested ranges multiply:
//! `range(end=100000)` inside another is ten billion turns of a loop that may
//! write nothing (so the output cap never trips) and runs for hours. Every
//! number a page's templates take from `range` is counted against
//! [`BUDGET`]; past it, the call is an error that points at itself. Each
//! call also checks the render's [`Deadline`].
//!
//! The budget and the deadline belong to one render, a [`PageScope`] that
//! the render call owns. They reach `range` through a thread-local, because
//! Tera's API leaves no other way: a function is registered once on the
//! `Tera` that every page shares (pages render in parallel), and the
//! `State` it is called with has no room for data of the render's own. The
//! scope sets the thread-local when the render starts and puts back what
//! was there when it is dropped, so nothing outlives the render, and a
//! render on another thread never sees it.

use std::cell::Cell;

use tera::{Error, Kwargs, State, TeraResult};

use super::watchdog::Deadline;

/// The most numbers one `range` call may produce (Tera's own limit).
pub const MOST_PER_CALL: i128 = 100_000;

/// The most numbers all `range` calls may produce for one page: ten full
/// ranges, far beyond any real template, a fraction of a second of looping.
pub const BUDGET: u64 = 1_000_000;

/// What one render has left, as `range` sees it.
#[derive(Debug, Clone, Copy)]
struct Allowance {
    left: u64,
    deadline: Option<Deadline>,
    /// Whether a call found the deadline passed.
    timed_out: bool,
}

const FULL: Allowance = Allowance {
    left: BUDGET,
    deadline: None,
    timed_out: false,
};

thread_local! {
    /// The allowance of the render this thread is running (see the module's
    /// documentation for why this is a thread-local).
    static CURRENT: Cell<Allowance> = const { Cell::new(FULL) };
}

/// One render's budget and deadline for `range`, in force on this thread
/// while it lives. Rendering is synchronous, so the render's calls all run
/// on the thread that made the scope.
#[must_use = "the scope ends when this is dropped"]
pub struct PageScope {
    previous: Allowance,
}

impl PageScope {
    /// Starts a render: a full budget, and `deadline` for its `range` calls.
    pub fn enter(deadline: Deadline) -> PageScope {
        let previous = CURRENT.with(|current| {
            current.replace(Allowance {
                deadline: Some(deadline),
                ..FULL
            })
        });
        PageScope { previous }
    }

    /// Whether a `range` call of this render stopped at the deadline.
    pub fn timed_out(&self) -> bool {
        CURRENT.with(|current| current.get().timed_out)
    }
}

impl Drop for PageScope {
    fn drop(&mut self) {
        CURRENT.with(|current| current.set(self.previous));
    }
}

/// Takes `len` numbers from the current render's allowance: an error when
/// the budget is spent or the deadline has passed.
fn take(len: u64) -> TeraResult<()> {
    let mut allowance = CURRENT.with(Cell::get);
    if allowance.deadline.is_some_and(|d| d.passed()) {
        allowance.timed_out = true;
        CURRENT.with(|current| current.set(allowance));
        return Err(Error::message("the page ran past its time limit"));
    }
    let Some(rest) = allowance.left.checked_sub(len) else {
        return Err(Error::message(format!(
            "the `range` calls of this page would produce more than {BUDGET} numbers in all: \
             a loop inside a loop that runs away?"
        )));
    };
    allowance.left = rest;
    CURRENT.with(|current| current.set(allowance));
    Ok(())
}

/// `range(end=…)`, `range(start=…, end=…, step_by=…)`: Tera's semantics
/// (start included, end excluded, a negative step counts down).
pub fn range(kwargs: Kwargs, _: &State) -> TeraResult<Vec<i128>> {
    let start = kwargs.get::<i128>("start")?.unwrap_or_default();
    let end = kwargs.must_get::<i128>("end")?;
    let step = kwargs.get::<i128>("step_by")?.unwrap_or(1);
    let len = length(start, end, step).map_err(Error::message)?;
    if len > MOST_PER_CALL {
        return Err(Error::message(format!(
            "`range` would produce {len} numbers; one call may produce at most {MOST_PER_CALL}"
        )));
    }
    take(len as u64)?;
    Ok((0..len as i128).map(|i| start + i * step).collect())
}

/// How many numbers `range` gives for these arguments, or why it cannot.
fn length(start: i128, end: i128, step: i128) -> Result<i128, &'static str> {
    const OVERFLOW: &str = "`range` was called with numbers too large to count";
    if step == 0 {
        return Err("`range` was called with `step_by=0`, which would never reach `end`");
    }
    if step > 0 {
        if start > end {
            return Err(
                "`range` was called with a `start` greater than its `end` and a positive `step_by`",
            );
        }
        let span = end.checked_sub(start).ok_or(OVERFLOW)?;
        Ok(span.checked_add(step - 1).ok_or(OVERFLOW)? / step)
    } else if start <= end {
        Ok(0)
    } else {
        let step = step.checked_neg().ok_or(OVERFLOW)?;
        let span = start.checked_sub(end).ok_or(OVERFLOW)?;
        Ok(span.checked_add(step - 1).ok_or(OVERFLOW)? / step)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(template: &str) -> TeraResult<String> {
        let mut tera = tera::Tera::new();
        tera.register_function("range", range);
        tera.add_raw_template("t", template)?;
        let _scope = PageScope::enter(Deadline::after(std::time::Duration::from_secs(60)));
        tera.render("t", &tera::Context::new())
    }

    #[test]
    fn counts_like_teras_range() {
        assert_eq!(length(0, 5, 1), Ok(5));
        assert_eq!(length(2, 9, 3), Ok(3)); // 2, 5, 8
        assert_eq!(length(5, 0, -2), Ok(3)); // 5, 3, 1
        assert_eq!(length(0, 5, -1), Ok(0));
        assert!(length(5, 0, 1).is_err());
        assert!(length(0, 5, 0).is_err());
        assert!(length(i128::MIN, i128::MAX, 1).is_err());
        assert_eq!(
            render("{% for i in range(start=5, end=0, step_by=-2) %}{{ i }},{% endfor %}").unwrap(),
            "5,3,1,"
        );
    }

    #[test]
    fn one_call_is_capped() {
        let err = render("{% for i in range(end=100001) %}{% endfor %}").unwrap_err();
        assert!(format!("{err:?}").contains("at most 100000"), "{err:?}");
    }

    #[test]
    fn nested_ranges_run_out_of_budget() {
        let err =
            render("{% for i in range(end=100000) %}{% for j in range(end=100000) %}{% endfor %}{% endfor %}")
                .unwrap_err();
        assert!(
            format!("{err:?}").contains("more than 1000000 numbers"),
            "{err:?}"
        );
    }

    #[test]
    fn each_page_starts_with_a_full_budget() {
        let nine =
            "{% for i in range(end=9) %}{% for j in range(end=100000) %}{% endfor %}{% endfor %}ok";
        assert_eq!(render(nine).unwrap(), "ok");
        assert_eq!(render(nine).unwrap(), "ok");
    }

    #[test]
    fn a_call_past_the_deadline_stops_the_render() {
        let mut tera = tera::Tera::new();
        tera.register_function("range", range);
        tera.add_raw_template("t", "{% for i in range(end=3) %}{{ i }}{% endfor %}")
            .unwrap();
        let scope = PageScope::enter(Deadline::after(std::time::Duration::ZERO));
        let err = tera.render("t", &tera::Context::new()).unwrap_err();
        assert!(format!("{err:?}").contains("time limit"), "{err:?}");
        assert!(scope.timed_out());
        drop(scope);
        let scope = PageScope::enter(Deadline::after(std::time::Duration::from_secs(60)));
        assert!(!scope.timed_out(), "a new render starts afresh");
        assert_eq!(tera.render("t", &tera::Context::new()).unwrap(), "012");
    }

    #[test]
    fn a_scope_puts_back_the_one_it_replaced() {
        let outer = PageScope::enter(Deadline::after(std::time::Duration::from_secs(60)));
        take(BUDGET - 5).unwrap();
        {
            let _inner = PageScope::enter(Deadline::after(std::time::Duration::from_secs(60)));
            take(BUDGET).unwrap();
        }
        assert!(take(6).is_err(), "the outer render's budget is its own");
        take(5).unwrap();
        drop(outer);
    }
}
