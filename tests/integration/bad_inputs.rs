//! The catalogue of bad inputs (`tests/bad_inputs/`): every case is a few
//! files laid over the minimal site in `_base/`, built after one good build.
//! Each must end with exit status 1, no panic, the exact error of its
//! `expected.txt`, the last good `public/` byte for byte as it was, and all of
//! it within [`TIME_LIMIT`]. `tests/bad_inputs/README.md` describes a case.
//! The builds run in this process ([`guide::run::run_captured`]), on every
//! core; those as another user (`nobody`, from a root run) run the binary.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{copy_dir, relative_to, repo, snapshot};

/// The longest any one run of guide may take (a debug build, on a busy machine).
const TIME_LIMIT: Duration = Duration::from_secs(20);

/// The user a root run switches to, to see what a non-root user is refused.
const NOBODY: u32 = 65534;

/// Files of a case folder that describe it rather than belong to the site.
const CASE_FILES: [&str; 4] = ["expected.txt", "expected-root.txt", "PENDING", "SETUP"];

#[test]
fn every_bad_input_gets_a_clean_error_and_leaves_the_output_alone() {
    let catalogue = repo().join("tests/bad_inputs");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&catalogue)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_dir() && !name_of(path).starts_with('_'))
        .collect();
    cases.sort();
    assert!(cases.len() >= 50, "only {} cases", cases.len());
    let root = running_as_root();
    let mut pending = Vec::new();
    let mut runs = Vec::new();
    for case in &cases {
        if let Ok(reason) = std::fs::read_to_string(case.join("PENDING")) {
            pending.push(format!("  {}: {}", name_of(case), reason.trim()));
            continue;
        }
        runs.push((case, Runner::Me));
        if root && case.join("expected-root.txt").exists() {
            runs.push((case, Runner::Nobody));
        }
    }
    // The cases are independent builds of their own folders: run them on
    // every core (each case mostly waits on its build's threads).
    let next = std::sync::atomic::AtomicUsize::new(0);
    let failures = std::sync::Mutex::new(Vec::new());
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(&(case, runner)) = runs.get(i) else {
                    break;
                };
                if let Err(why) = check_case(case, runner, root) {
                    let line = format!("{} ({runner:?}): {why}", name_of(case));
                    failures.lock().unwrap().push(line);
                }
            });
        }
    });
    let mut failures = failures.into_inner().unwrap();
    failures.sort();
    eprintln!(
        "bad inputs: {} cases, {} checked, {} pending",
        cases.len(),
        cases.len() - pending.len(),
        pending.len()
    );
    for line in &pending {
        eprintln!("{line}");
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

/// Who runs guide: the test's own user, in this process, or (from a root
/// run) `nobody`, for whom file permissions hold, in a process of its own.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Runner {
    Me,
    Nobody,
}

fn name_of(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

/// Root reads files whatever their permissions; tests usually run as root.
fn running_as_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    let probe = tempfile::NamedTempFile::new().unwrap();
    probe.as_file().metadata().unwrap().uid() == 0
}

fn check_case(case: &Path, runner: Runner, root: bool) -> Result<(), String> {
    let site = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let logs = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("tests/bad_inputs/_base"), site.path());
    if runner == Runner::Nobody {
        open_to_everyone(site.path());
        open_to_everyone(logs.path());
    }
    let first = guide(site.path(), logs.path(), runner)?;
    if first.code != Some(0) {
        return Err(format!("the base site does not build:\n{}", first.stderr));
    }
    let public = site.path().join("public");
    let before = snapshot(&public);
    overlay(case, site.path());
    if let Ok(setup) = std::fs::read_to_string(case.join("SETUP")) {
        prepare(setup.trim(), site.path(), outside.path());
    }
    let run = guide(site.path(), logs.path(), runner);
    restore_permissions(site.path());
    let run = run?;
    let stderr = normalize(&run.stderr, outside.path());
    let expected_file = match (root && runner == Runner::Me, case.join("expected-root.txt")) {
        (true, file) if file.exists() => file,
        _ => case.join("expected.txt"),
    };
    let expected = std::fs::read_to_string(&expected_file).unwrap_or_default();
    if stderr.contains("panicked") {
        return Err(format!("guide panicked:\n{stderr}"));
    }
    if let Some(checks) = expected
        .strip_prefix("OK\n")
        .or((expected == "OK").then_some(""))
    {
        if run.code != Some(0) {
            return Err(format!("expected success, got {:?}:\n{stderr}", run.code));
        }
        return check_public(&public, checks, &stderr);
    }
    if run.code != Some(1) {
        return Err(format!(
            "expected exit status 1, got {:?}:\n{stderr}",
            run.code
        ));
    }
    if let Some(lines) = expected.strip_prefix("CONTAINS\n") {
        let missing: Vec<&str> = lines
            .lines()
            .filter(|line| !line.is_empty() && !stderr.contains(line))
            .collect();
        if !missing.is_empty() {
            return Err(format!("missing {missing:?} in:\n{stderr}"));
        }
    } else if stderr != expected {
        if std::env::var_os("BLESS").is_some() {
            std::fs::write(&expected_file, &stderr).unwrap();
        }
        return Err(format!("expected:\n{expected}\n--- got:\n{stderr}"));
    }
    if snapshot(&public) != before {
        return Err("the failed build changed public/".into());
    }
    Ok(())
}

/// Copies the case's site files over the base site.
fn overlay(case: &Path, site: &Path) {
    for entry in std::fs::read_dir(case).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        if CASE_FILES.contains(&name.as_str()) {
            continue;
        }
        let target = site.join(&name);
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Makes what cannot be committed: huge files, permissions, symlinks.
fn prepare(setup: &str, site: &Path, outside: &Path) {
    use std::os::unix::fs::{symlink, PermissionsExt};
    let content = site.join("content");
    match setup {
        "big-markdown" => {
            let paragraph = "Some *text* with a [link](https://example.org) and `code`.\n\n";
            let mut text = String::from("---\ntitle: Big\n---\n");
            while text.len() < 50 * 1024 * 1024 {
                text.push_str(paragraph);
            }
            std::fs::write(content.join("big.md"), text).unwrap();
        }
        "unreadable" => {
            let path = content.join("secret.md");
            std::fs::write(&path, "---\ntitle: Secret\n---\nText.\n").unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
        }
        "unreadable-folder" => {
            let folder = content.join("private");
            std::fs::create_dir(&folder).unwrap();
            std::fs::write(folder.join("secret.md"), "---\ntitle: Secret\n---\n").unwrap();
            std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o000)).unwrap();
        }
        "symlink-loop" => symlink(".", content.join("loop")).unwrap(),
        "broken-symlink" => symlink("nowhere.md", content.join("gone.md")).unwrap(),
        "symlink-outside" => {
            std::fs::write(outside.join("secret.md"), "---\ntitle: Secret\n---\n").unwrap();
            symlink(outside.join("secret.md"), content.join("secret.md")).unwrap();
        }
        "static-symlink-outside" => {
            std::fs::write(outside.join("secret.txt"), "CI_TOKEN=abc\n").unwrap();
            symlink(outside.join("secret.txt"), site.join("static/notes.txt")).unwrap();
        }
        "static-environ" => symlink("/proc/self/environ", site.join("static/env.txt")).unwrap(),
        "static-folder-symlink-outside" => {
            std::fs::write(outside.join("id_rsa"), "key\n").unwrap();
            symlink(outside, site.join("static/vendor")).unwrap();
        }
        "theme-static-symlink-outside" => {
            std::fs::write(outside.join("passwd"), "root:x:0:0\n").unwrap();
            let dir = site.join("themes/t/static");
            std::fs::create_dir_all(&dir).unwrap();
            symlink(outside.join("passwd"), dir.join("passwd")).unwrap();
        }
        "templates-symlink-outside" => {
            std::fs::write(outside.join("page.html"), "{{ page.title }}").unwrap();
            std::fs::remove_file(site.join("templates/page.html")).unwrap();
            symlink(outside.join("page.html"), site.join("templates/page.html")).unwrap();
        }
        "static-git-folder" => {
            for dir in ["static/.git/objects", "static/lib/.git", "static/lib/.svn"] {
                std::fs::create_dir_all(site.join(dir)).unwrap();
            }
            std::fs::write(site.join("static/.git/config"), "[core]\n").unwrap();
            std::fs::write(site.join("static/lib/.git/HEAD"), "ref\n").unwrap();
            std::fs::write(site.join("static/lib/.svn/entries"), "x\n").unwrap();
            std::fs::write(site.join("static/lib/app.js"), "1;\n").unwrap();
        }
        "read-only-output" => {
            let public = site.join("public");
            std::fs::set_permissions(&public, std::fs::Permissions::from_mode(0o555)).unwrap();
        }
        "hand-placed-output" => {
            std::fs::write(site.join("public/CNAME"), "guide.example.org\n").unwrap();
            std::fs::create_dir_all(site.join("public/.well-known")).unwrap();
            std::fs::write(site.join("public/.well-known/security.txt"), "x\n").unwrap();
        }
        "non-utf8-name" => {
            use std::os::unix::ffi::OsStrExt;
            let name = std::ffi::OsStr::from_bytes(b"caf\xe9.md");
            std::fs::write(content.join(name), "---\ntitle: Cafe\n---\n").unwrap();
        }
        other => panic!("unknown SETUP `{other}`"),
    }
}

/// Gives back what an `unreadable` SETUP took away, so that the temporary
/// folder can be removed by a user who is not root.
fn restore_permissions(site: &Path) {
    use std::os::unix::fs::PermissionsExt;
    for (path, mode) in [
        ("content/secret.md", 0o644),
        ("content/private", 0o755),
        ("public", 0o755),
    ] {
        let _ = std::fs::set_permissions(site.join(path), std::fs::Permissions::from_mode(mode));
    }
}

/// Lets `nobody` read and write the whole site (permissions set by a SETUP
/// afterwards still hold).
fn open_to_everyone(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.unwrap();
        let mode = if entry.file_type().is_dir() {
            0o777
        } else {
            0o666
        };
        std::fs::set_permissions(entry.path(), std::fs::Permissions::from_mode(mode)).unwrap();
    }
}

struct Run {
    code: Option<i32>,
    stderr: String,
}

/// Runs `guide build` of `site`, as its runner, within the time limit.
fn guide(site: &Path, logs: &Path, runner: Runner) -> Result<Run, String> {
    match runner {
        Runner::Me => build_in_process(site),
        Runner::Nobody => build_as_nobody(site, logs),
    }
}

/// Runs `guide build --root <site>` in this process, its standard error
/// shown as from the site's folder. Past the time limit the case fails; the
/// build, which nothing can stop, goes on in its thread until the tests end.
fn build_in_process(site: &Path) -> Result<Run, String> {
    let args = ["build".into(), "--root".into(), site.as_os_str().to_owned()];
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let run = std::panic::catch_unwind(|| guide::run::run_captured(args));
        let _ = sender.send(run);
    });
    match receiver.recv_timeout(TIME_LIMIT) {
        Ok(Ok(run)) => Ok(Run {
            code: Some(run.code),
            stderr: relative_to(site, &run.stderr),
        }),
        Ok(Err(panic)) => Err(format!(
            "guide panicked: {}",
            guide::error::panicked_message(panic.as_ref())
        )),
        Err(_) => Err(format!("guide took more than {TIME_LIMIT:?}")),
    }
}

/// Runs the binary's `guide build` in `site` as `nobody` (a process is what
/// takes another user's permissions), killing it past the time limit.
fn build_as_nobody(site: &Path, logs: &Path) -> Result<Run, String> {
    use std::os::unix::process::CommandExt;
    let stdout = logs.join("stdout");
    let stderr = logs.join("stderr");
    let mut command = Command::new(env!("CARGO_BIN_EXE_guide"));
    command
        .arg("build")
        .current_dir(site)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(File::create(&stdout).unwrap())
        .stderr(File::create(&stderr).unwrap())
        .uid(NOBODY)
        .gid(NOBODY);
    let mut child = command
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run guide: {e}"));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > TIME_LIMIT {
            child.kill().unwrap();
            child.wait().unwrap();
            return Err(format!("guide took more than {TIME_LIMIT:?}"));
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Ok(Run {
        code: status.code(),
        stderr: String::from_utf8_lossy(&std::fs::read(&stderr).unwrap()).into_owned(),
    })
}

/// Replaces the temporary folder outside the site with `<outside>`.
fn normalize(stderr: &str, outside: &Path) -> String {
    let real = std::fs::canonicalize(outside).unwrap();
    stderr.replace(&real.display().to_string(), "<outside>")
}

/// Checks the lines after `OK`: `path: text` says the built file holds
/// the text (in which `\n` stands for a line break), `absent: path` that
/// the build has no such file, `stderr: text` that guide said it.
fn check_public(public: &Path, checks: &str, stderr: &str) -> Result<(), String> {
    for line in checks.lines().filter(|l| !l.is_empty()) {
        let (path, text) = line.split_once(": ").expect("`path: text`");
        let text = text.replace("\\n", "\n");
        if path == "absent" {
            if public.join(&text).exists() {
                return Err(format!("`public/{text}` should not exist"));
            }
            continue;
        }
        if path == "stderr" {
            if !stderr.contains(&text) {
                return Err(format!("standard error lacks `{text}`:\n{stderr}"));
            }
            continue;
        }
        let file = std::fs::read_to_string(public.join(path)).unwrap_or_default();
        if !file.contains(&text) {
            return Err(format!("`public/{path}` lacks `{text}`:\n{file}"));
        }
    }
    Ok(())
}
