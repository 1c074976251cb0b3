//! Helpers shared by the integration tests: run the real binary on a copy of
//! a fixture site and read what it wrote.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

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

    /// Runs `guide ARGS --root <site>` from the site's folder.
    pub fn run(&self, args: &[&str]) -> Run {
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
/// which need not be under the repository.
pub fn build_bundled(output: &Path, args: &[&str]) -> Run {
    Run::from(
        Command::new(env!("CARGO_BIN_EXE_guide"))
            .arg("build")
            .args(args)
            .arg("--root")
            .arg(repo())
            .arg("--output")
            .arg(output)
            .env("NO_COLOR", "1")
            .output()
            .unwrap(),
    )
}

/// What one run of the binary did.
pub struct Run {
    pub ok: bool,
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
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
