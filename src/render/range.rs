//! Tera's `range` with a budget per page, so a template cannot loop for hours.
//!
//! Tera caps one `range` at 100,000 numbers, but nested ranges multiply:
//! `range(end=100000)` inside another is ten billion turns of a loop that may
//! write nothing (so the output cap never trips) and runs for hours. Every
//! number a page's templates take from `range` is counted against
//! [`BUDGET`]; past it, the call is an error that points at itself.

use std::cell::Cell;

use tera::{Error, Kwargs, State, TeraResult};

/// The most numbers one `range` call may produce (Tera's own limit).
pub const MOST_PER_CALL: i128 = 100_000;

/// The most numbers all `range` calls may produce for one page: ten full
/// ranges, far beyond any real template, a fraction of a second of looping.
pub const BUDGET: u64 = 1_000_000;

thread_local! {
    /// What is left of the budget of the page this thread is rendering.
    static LEFT: Cell<u64> = const { Cell::new(BUDGET) };
}

/// Starts a page: a full budget for the `range` calls of its templates.
/// Rendering is synchronous, so the page's calls all run on this thread.
pub fn start_page() {
    LEFT.with(|left| left.set(BUDGET));
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
    let len = len as u64;
    let over = LEFT.with(|left| match left.get().checked_sub(len) {
        Some(rest) => {
            left.set(rest);
            false
        }
        None => true,
    });
    if over {
        return Err(Error::message(format!(
            "the `range` calls of this page would produce more than {BUDGET} numbers in all: \
             a loop inside a loop that runs away?"
        )));
    }
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
        start_page();
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
}
