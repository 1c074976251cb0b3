//! Helpers shared by the integration tests: run guide on a copy of a
//! fixture site and read what it wrote.
//!
//! A run is in this process by default ([`guide::run::run_captured`]): the
//! same parse and the same printed bytes as the binary, without a process
//! per build. The binary itself runs where it is the subject
//! ([`Site::run_binary`]): exit statuses, signals, the environment, the
//! current folder, `serve`.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The binary's allocator for the in-process builds too, so that they take
/// the time and memory the binary's take.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// The repository root (the bundled guide).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture site's folder.
pub fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures").join(name)
}

/// Every file under `dir` with its bytes, keyed by its `/`-separated path
/// below `dir`, in path order.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|entry| entry.unwrap())
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| {
            let relative = entry.path().strip_prefix(dir).unwrap();
            let key = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            (key, std::fs::read(entry.path()).unwrap())
        })
        .collect()
}

/// Copies a folder recursively (files and folders only).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A temporary copy of a fixture site, with the bundled theme copied in when
/// the fixture has no `themes/` of its own.
pub struct Site {
    pub dir: tempfile::TempDir,
}

impl Site {
    /// Copies fixture `name` into a new temporary folder.
    pub fn fixture(name: &str) -> Site {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&fixture(name), dir.path());
        Site { dir }
    }

    /// A new site made of the given files (path → text).
    pub fn from_files(files: &[(&str, &str)]) -> Site {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        Site { dir }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Writes (or replaces) a file of the site.
    pub fn write(&self, path: &str, text: &str) {
        let path = self.root().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// Runs `guide ARGS` as if from the site's folder, in this process:
    /// its paths are made absolute under the site (and `--root` added), and
    /// what it prints is shown as the binary run from the site's folder
    /// prints it ([`relative_to`]).
    pub fn run(&self, args: &[&str]) -> Run {
        let root = self.root();
        let run = Run::from(guide::run::run_captured(rooted(root, args)));
        Run {
            stdout: relative_to(root, &run.stdout),
            stderr: relative_to(root, &run.stderr),
            ..run
        }
    }

    /// Runs the real binary, `guide ARGS`, from the site's folder, with
    /// `NO_COLOR` set: for what only a process shows (its exit status,
    /// signals, the environment, the current folder) and for `serve`.
    pub fn run_binary(&self, args: &[&str]) -> Run {
        let output = Command::new(env!("CARGO_BIN_EXE_guide"))
            .args(args)
            .current_dir(self.root())
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        Run::from(output)
    }

    /// `guide build`, asserting success.
    pub fn build(&self) -> Run {
        let run = self.run(&["build"]);
        assert!(run.ok, "build failed:\n{}", run.stderr);
        run
    }

    /// The binary's `guide build`, asserting success.
    pub fn build_binary(&self) -> Run {
        let run = self.run_binary(&["build"]);
        assert!(run.ok, "build failed:\n{}", run.stderr);
        run
    }

    /// A file of the built site, as text.
    pub fn public(&self, path: &str) -> String {
        let path = self.root().join("public").join(path);
        std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
    }

    /// Whether the built site has this file.
    pub fn has(&self, path: &str) -> bool {
        self.root().join("public").join(path).exists()
    }
}

/// `guide build ARGS` of the bundled guide (this repository) into `output`,
/// which need not be under the repository, in this process.
pub fn build_bundled(output: &Path, args: &[&str]) -> Run {
    let mut line: Vec<OsString> = vec!["build".into()];
    line.extend(args.iter().map(OsString::from));
    line.extend([
        "--root".into(),
        repo().into(),
        "--output".into(),
        output.into(),
    ]);
    Run::from(guide::run::run_captured(line))
}

/// The options whose value is a path, taken from the current folder.
const PATH_OPTIONS: [&str; 4] = ["--root", "--output", "-o", "--config"];

/// The other options that take a value (so that it is not read as a command).
const VALUE_OPTIONS: [&str; 5] = ["--color", "--message-format", "--base-url", "--port", "-p"];

/// The command line `args`, given from `root`, made independent of the
/// current folder: each path it gives (the value of a [`PATH_OPTIONS`]
/// option, `init`'s folder) made absolute under `root`, and `--root` added
/// to a command that reads the site from the current folder.
fn rooted(root: &Path, args: &[&str]) -> Vec<OsString> {
    let mut line: Vec<OsString> = Vec::new();
    // The words that are neither options nor their values: `new page a`.
    let mut words = Vec::new();
    let mut value_next = None;
    let mut has_root = false;
    for arg in args {
        match value_next.take() {
            Some(true) => line.push(root.join(arg).into()),
            Some(false) => line.push(arg.into()),
            None => {
                let (option, inline) = match arg.split_once('=') {
                    Some((option, value)) if option.starts_with('-') => (option, Some(value)),
                    _ => (*arg, None),
                };
                has_root |= option == "--root";
                let is_path = PATH_OPTIONS.contains(&option);
                match inline {
                    Some(value) if is_path => {
                        line.push(format!("{option}={}", root.join(value).display()).into())
                    }
                    Some(_) => line.push(arg.into()),
                    None if is_path || VALUE_OPTIONS.contains(&option) => {
                        value_next = Some(is_path);
                        line.push(arg.into());
                    }
                    None if arg.starts_with('-') => line.push(arg.into()),
                    None => {
                        let is_init_folder = words.first() == Some(&"init");
                        words.push(*arg);
                        line.push(if is_init_folder {
                            root.join(arg).into()
                        } else {
                            arg.into()
                        });
                    }
                }
            }
        }
    }
    assert_ne!(
        words.first(),
        Some(&"serve"),
        "serve runs until stopped: use Site::run_binary"
    );
    let reads_site = matches!(
        words.as_slice(),
        ["build" | "check", ..] | ["new", "page" | "script" | "translation", ..]
    );
    if reads_site && !has_root {
        line.extend(["--root".into(), root.into()]);
    }
    line
}

/// `text`, printed by a run given `root` as an absolute path, as the binary
/// run from `root` prints it: a path under `root` relative
/// (`/tmp/.tmpX/content/a.md` is `content/a.md`), and `root` itself `.`.
pub fn relative_to(root: &Path, text: &str) -> String {
    let root = root.display().to_string();
    let mut shown = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(&root) {
        shown.push_str(&rest[..at]);
        let after = &rest[at + root.len()..];
        match after.chars().next() {
            Some('/') => rest = &after[1..],
            // A longer name that begins with the root's: not the root.
            Some(c) if c.is_alphanumeric() || "._-".contains(c) => {
                shown.push_str(&root);
                rest = after;
            }
            _ => {
                shown.push('.');
                rest = after;
            }
        }
    }
    shown.push_str(rest);
    shown
}

/// What one run of guide did, in this process or as the binary.
pub struct Run {
    pub ok: bool,
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl From<guide::run::Captured> for Run {
    fn from(run: guide::run::Captured) -> Self {
        Run {
            ok: run.ok(),
            code: Some(run.code),
            stdout: run.stdout,
            stderr: run.stderr,
        }
    }
}

impl From<Output> for Run {
    fn from(output: Output) -> Self {
        Run {
            ok: output.status.success(),
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

impl Run {
    /// Asserts the run failed with status 1, without a panic.
    pub fn failed(&self) -> &str {
        assert_eq!(
            self.code,
            Some(1),
            "expected failure, got {:?}\nstdout: {}\nstderr: {}",
            self.code,
            self.stdout,
            self.stderr
        );
        assert!(
            !self.stderr.contains("panicked"),
            "guide panicked:\n{}",
            self.stderr
        );
        &self.stderr
    }
}

/// Asserts that `haystack` contains `needle`, showing both when not.
#[macro_export]
macro_rules! assert_contains {
    ($haystack:expr, $needle:expr) => {{
        let haystack: &str = &$haystack;
        let needle: &str = &$needle;
        assert!(
            haystack.contains(needle),
            "expected to find:\n{needle}\n--- in:\n{haystack}"
        );
    }};
}
