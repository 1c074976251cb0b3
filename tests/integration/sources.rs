//! Checks over guide's own sources: no global mutable state and no
//! `process::exit` outside `main.rs`, read through
//! [`rust_sources`] (comments, strings and test modules left out). The render's limits (the watchdog's
//! deadline, the range budget) are values owned by the render call, and a
//! failure of any stage reaches `main` as an error, so that what a build
//! made half-way (its staging folder) is cleaned up on the way.

use crate::source_rules::{rust_sources, strip_comments};

/// What would be global mutable state or an exit, as written in Rust.
const FORBIDDEN: &[(&str, &str)] = &[
    ("static mut ", "a `static mut`"),
    ("process::exit", "`process::exit`"),
    ("thread_local!", "a thread-local"),
    ("lazy_static!", "`lazy_static!`"),
    ("LazyLock", "a lazily set static"),
    ("OnceLock", "a lazily set static"),
    ("OnceCell", "a lazily set static"),
];

/// Interior mutability that makes a `static` state rather than a constant.
const MUTABLE: &[&str] = &["Mutex", "RwLock", "Atomic", "Cell<", "RefCell"];

/// The uses allowed, each with its reason. Keep this list short.
const ALLOWED: &[(&str, &str, &str)] = &[
    (
        "src/main.rs",
        "process::exit",
        "main ends the process with the error's status",
    ),
    (
        "src/script/checker.rs",
        "OnceLock",
        "parses a constant file once: a cache of a constant, never changed",
    ),
];

/// Every forbidden use in `text` (file `name`), as `name:line: what`.
fn findings(name: &str, text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let code = line;
        let allowed = |needle: &str| {
            ALLOWED
                .iter()
                .any(|(file, what, _)| *file == name && *what == needle)
        };
        for (needle, what) in FORBIDDEN {
            if code.contains(needle) && !allowed(needle) {
                found.push(format!("{name}:{}: {what}", number + 1));
            }
        }
        let is_static = code.trim_start().starts_with("static ")
            || code.contains(" static ") && !code.contains("'static");
        if is_static && MUTABLE.iter().any(|m| code.contains(m)) && !allowed("static") {
            found.push(format!(
                "{name}:{}: a static with interior mutability",
                number + 1
            ));
        }
    }
    found
}

#[test]
fn no_global_mutable_state_and_no_exit_outside_main() {
    let files = rust_sources();
    assert!(files.len() > 30, "found only {} source files", files.len());
    let found: Vec<String> = files
        .iter()
        .flat_map(|file| findings(&file.path, &file.code))
        .collect();
    assert!(
        found.is_empty(),
        "global state or an exit:\n{}",
        found.join("\n")
    );
}

/// The check finds each kind it looks for, and lets comments and the
/// allowed uses be.
#[test]
fn the_source_check_finds_what_it_looks_for() {
    let cases = [
        ("static mut COUNT: u32 = 0;", 1),
        (
            "static RUNNING: Mutex<Vec<u8>> = Mutex::new(Vec::new());",
            1,
        ),
        ("    static NEXT: AtomicU64 = AtomicU64::new(0);", 1),
        (
            "pub static FLAG: std::sync::atomic::AtomicBool = AtomicBool::new(false);",
            1,
        ),
        ("        std::process::exit(1);", 1),
        ("thread_local! { static X: Cell<u8> = Cell::new(0); }", 2),
        ("static LIMIT: OnceLock<Duration> = OnceLock::new();", 1),
        ("const MOST: usize = 8;", 0),
        ("static NAME: &str = \"guide\";", 0),
        ("fn f(x: &'static Mutex<u8>) {}", 0),
        ("// the old code called process::exit here", 0),
    ];
    for (line, expected) in cases {
        let code = strip_comments(line);
        assert_eq!(findings("src/x.rs", &code).len(), expected, "{line}");
    }
    assert!(findings("src/main.rs", "std::process::exit(code)").is_empty());
    assert_eq!(findings("src/lib.rs", "std::process::exit(code)").len(), 1);
    assert_eq!(findings("src/render/range.rs", "thread_local! {").len(), 1);
    assert!(findings(
        "src/script/checker.rs",
        "static R: OnceLock<u8> = OnceLock::new();"
    )
    .is_empty());
    assert_eq!(
        findings(
            "src/render/mod.rs",
            "static R: OnceLock<u8> = OnceLock::new();"
        )
        .len(),
        1
    );
}
