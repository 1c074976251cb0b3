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
//! the render call owns. Tera's API gives a function no data of the render
//! that calls it (a function is registered once on the `Tera` that every
//! page shares, and pages render in parallel), so the allowances live in
//! [`Budgets`], a value the templates own and the `range` function holds,
//! keyed by the thread that renders: a scope enters its render's allowance
//! when the render starts and puts back what was there when it is dropped.
//! No static, no thread-local: two sets of templates never share a budget.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::ThreadId;

use tera::{Error, Function, Kwargs, State, TeraResult};

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
    deadline: Deadline,
    /// Whether a call found the deadline passed.
    timed_out: bool,
}

/// The allowance of each render in progress, by the thread running it.
#[derive(Debug, Default)]
pub struct Budgets {
    renders: Mutex<HashMap<ThreadId, Allowance>>,
}

impl Budgets {
    /// A shared, empty set: one for the templates, one in their `range`.
    pub fn new() -> Arc<Budgets> {
        Arc::default()
    }

    fn with<T>(&self, change: impl FnOnce(&mut HashMap<ThreadId, Allowance>) -> T) -> T {
        // A panic elsewhere cannot leave a map of plain numbers half-made.
        let mut renders = self.renders.lock().unwrap_or_else(PoisonError::into_inner);
        change(&mut renders)
    }

    /// Takes `len` numbers from the allowance of the render on this thread:
    /// an error when the budget is spent or the deadline has passed. A call
    /// outside any render has only the per-call cap.
    fn take(&self, len: u64) -> TeraResult<()> {
        let me = std::thread::current().id();
        self.with(|renders| {
            let Some(allowance) = renders.get_mut(&me) else {
                return Ok(());
            };
            if allowance.deadline.passed() {
                allowance.timed_out = true;
                return Err(Error::message("the page ran past its time limit"));
            }
            let Some(rest) = allowance.left.checked_sub(len) else {
                return Err(Error::message(format!(
                    "the `range` calls of this page would produce more than {BUDGET} numbers \
                     in all: a loop inside a loop that runs away?"
                )));
            };
            allowance.left = rest;
            Ok(())
        })
    }
}

/// One render's budget and deadline for `range`, in force on this thread
/// while it lives. Rendering is synchronous, so the render's calls all run
/// on the thread that made the scope.
#[must_use = "the scope ends when this is dropped"]
pub struct PageScope<'a> {
    budgets: &'a Budgets,
    previous: Option<Allowance>,
}

impl<'a> PageScope<'a> {
    /// Starts a render: a full budget, and `deadline` for its `range` calls.
    pub fn enter(budgets: &'a Budgets, deadline: Deadline) -> PageScope<'a> {
        let fresh = Allowance {
            left: BUDGET,
            deadline,
            timed_out: false,
        };
        let me = std::thread::current().id();
        let previous = budgets.with(|renders| renders.insert(me, fresh));
        PageScope { budgets, previous }
    }

    /// Whether a `range` call of this render stopped at the deadline.
    pub fn timed_out(&self) -> bool {
        let me = std::thread::current().id();
        self.budgets
            .with(|renders| renders.get(&me).is_some_and(|a| a.timed_out))
    }
}

impl Drop for PageScope<'_> {
    fn drop(&mut self) {
        let me = std::thread::current().id();
        self.budgets.with(|renders| match self.previous {
            Some(previous) => renders.insert(me, previous),
            None => renders.remove(&me),
        });
    }
}

/// Tera's `range`, drawing on the budgets of the templates it belongs to.
pub struct Range(pub Arc<Budgets>);

impl Function<TeraResult<Vec<i128>>> for Range {
    fn call(&self, kwargs: Kwargs, state: &State) -> TeraResult<Vec<i128>> {
        range(&self.0, kwargs, state)
    }
}

/// `range(end=…)`, `range(start=…, end=…, step_by=…)`: Tera's semantics
/// (start included, end excluded, a negative step counts down).
fn range(budgets: &Budgets, kwargs: Kwargs, _: &State) -> TeraResult<Vec<i128>> {
    let start = kwargs.get::<i128>("start")?.unwrap_or_default();
    let end = kwargs.must_get::<i128>("end")?;
    let step = kwargs.get::<i128>("step_by")?.unwrap_or(1);
    let len = length(start, end, step).map_err(Error::message)?;
    if len > MOST_PER_CALL {
        return Err(Error::message(format!(
            "`range` would produce {len} numbers; one call may produce at most {MOST_PER_CALL}"
        )));
    }
    budgets.take(len as u64)?;
    Ok((0..len).map(|i| start + i * step).collect())
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
    use std::time::Duration;

    fn tera(budgets: &Arc<Budgets>, template: &str) -> tera::Tera {
        let mut tera = tera::Tera::new();
        tera.register_function("range", Range(Arc::clone(budgets)));
        tera.add_raw_template("t", template).unwrap();
        tera
    }

    fn render(template: &str) -> TeraResult<String> {
        let budgets = Budgets::new();
        let tera = tera(&budgets, template);
        let _scope = PageScope::enter(&budgets, Deadline::after(Duration::from_secs(60)));
        tera.render("t", &tera::Context::new())
    }

    fn later() -> Deadline {
        Deadline::after(Duration::from_secs(60))
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
        let budgets = Budgets::new();
        let tera = tera(&budgets, nine);
        for _ in 0..2 {
            let _scope = PageScope::enter(&budgets, later());
            assert_eq!(tera.render("t", &tera::Context::new()).unwrap(), "ok");
        }
    }

    #[test]
    fn a_call_past_the_deadline_stops_the_render() {
        let budgets = Budgets::new();
        let tera = tera(&budgets, "{% for i in range(end=3) %}{{ i }}{% endfor %}");
        let scope = PageScope::enter(&budgets, Deadline::after(Duration::ZERO));
        let err = tera.render("t", &tera::Context::new()).unwrap_err();
        assert!(format!("{err:?}").contains("time limit"), "{err:?}");
        assert!(scope.timed_out());
        drop(scope);
        let scope = PageScope::enter(&budgets, later());
        assert!(!scope.timed_out(), "a new render starts afresh");
        assert_eq!(tera.render("t", &tera::Context::new()).unwrap(), "012");
    }

    #[test]
    fn a_scope_puts_back_the_one_it_replaced_and_leaves_nothing() {
        let budgets = Budgets::new();
        let outer = PageScope::enter(&budgets, later());
        budgets.take(BUDGET - 5).unwrap();
        {
            let _inner = PageScope::enter(&budgets, later());
            budgets.take(BUDGET).unwrap();
        }
        assert!(
            budgets.take(6).is_err(),
            "the outer render's budget is its own"
        );
        budgets.take(5).unwrap();
        drop(outer);
        assert!(budgets.with(|renders| renders.is_empty()));
    }

    #[test]
    fn renders_on_other_threads_and_other_templates_have_their_own_budgets() {
        let budgets = Budgets::new();
        let _scope = PageScope::enter(&budgets, later());
        budgets.take(BUDGET).unwrap();
        std::thread::scope(|threads| {
            threads.spawn(|| {
                let _theirs = PageScope::enter(&budgets, later());
                budgets
                    .take(BUDGET)
                    .expect("another thread's render starts full");
            });
        });
        let others = Budgets::new();
        let _other = PageScope::enter(&others, later());
        others
            .take(BUDGET)
            .expect("other templates' budgets are apart");
        assert!(budgets.take(1).is_err());
    }
}
