//! Nothing is lost: a failed build leaves the old output as it was, and
//! guide refuses output folders it must not replace.

use std::collections::BTreeMap;

use crate::assert_contains;
use crate::support::{snapshot, Site};

#[test]
fn a_failed_build_leaves_the_old_output_intact() {
    let site = Site::fixture("basic");
    site.build();
    let before = snapshot(&site.root().join("public"));
    site.write(
        "themes/mini/templates/page.html",
        "{{ page.missing_variable }}",
    );
    site.write(
        "content/guide/first.md",
        "---\ntitle: Changed\n---\n## Why it matters\n### A detail\n",
    );
    let run = site.run(&["build"]);
    assert_contains!(run.failed(), "missing_variable");
    assert_eq!(snapshot(&site.root().join("public")), before);
}

#[test]
fn a_second_build_replaces_the_first() {
    let site = Site::fixture("basic");
    site.build();
    site.write(
        "content/guide/first.md",
        "---\ntitle: Renamed first\n---\n## Why it matters\n### A detail\n",
    );
    std::fs::remove_file(site.root().join("content/guide/third.md")).unwrap();
    site.build();
    assert_contains!(site.public("guide/first/index.html"), "Renamed first");
    assert!(
        !site.has("guide/the-third/index.html"),
        "a deleted page must disappear"
    );
    assert!(site.has(guide::output::MARKER));
    let leftovers: Vec<_> = std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("guide-new"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

fn refused(site: &Site, output: &str, reason: &str) {
    let before = snapshot(site.root());
    let run = site.run(&["build", "--output", output]);
    assert_contains!(run.failed(), reason);
    assert_eq!(snapshot(site.root()), before, "nothing may change");
}

#[test]
fn the_site_root_is_refused() {
    let site = Site::fixture("basic");
    refused(&site, ".", "it is the site's folder or contains it");
}

#[test]
fn a_parent_of_the_site_is_refused() {
    let site = Site::fixture("basic");
    refused(&site, "..", "it is the site's folder or contains it");
}

#[test]
fn the_content_folder_is_refused() {
    let site = Site::fixture("basic");
    refused(&site, "content", "it is inside the site's sources");
}

#[test]
fn a_folder_guide_did_not_create_is_refused() {
    let site = Site::fixture("basic");
    site.write("mine/notes.txt", "precious");
    refused(
        &site,
        "mine",
        "guide did not create it, and it is not empty",
    );
    assert_eq!(
        std::fs::read_to_string(site.root().join("mine/notes.txt")).unwrap(),
        "precious"
    );
}

#[test]
fn a_folder_holding_git_is_refused() {
    let site = Site::fixture("basic");
    site.write("elsewhere/.git/HEAD", "ref: refs/heads/main");
    site.write("elsewhere/.guide-output", "");
    refused(&site, "elsewhere", "it holds `.git`");
}

#[cfg(unix)]
#[test]
fn a_symlink_to_the_root_is_refused() {
    let site = Site::fixture("basic");
    std::os::unix::fs::symlink(site.root(), site.root().join("link")).unwrap();
    refused(&site, "link", "it is the site's folder or contains it");
}

#[test]
fn the_file_system_root_is_refused() {
    let site = Site::fixture("basic");
    refused(&site, "/", "refusing to write the site to `/`");
}

#[cfg(unix)]
#[test]
fn a_symlink_to_a_refused_folder_is_refused_too() {
    let site = Site::fixture("basic");
    site.write("elsewhere/.git/HEAD", "ref: refs/heads/main");
    let links = [
        (
            "to-content",
            site.root().join("content"),
            "it is inside the site's sources",
        ),
        (
            "to-parent",
            site.root().join(".."),
            "it is the site's folder or contains it",
        ),
        ("to-fs-root", "/".into(), "it is the file system's root"),
        ("to-git", site.root().join("elsewhere"), "it holds `.git`"),
    ];
    for (link, target, reason) in links {
        std::os::unix::fs::symlink(&target, site.root().join(link)).unwrap();
        refused(&site, link, reason);
    }
}

#[test]
fn a_folder_holding_git_is_refused_even_with_the_marker_missing() {
    let site = Site::fixture("basic");
    site.write("repo/.git/HEAD", "ref: refs/heads/main");
    refused(&site, "repo", "it holds `.git`");
}

/// A site big enough that writing it takes a while, so that a kill can land
/// in the middle of the write.
fn write_big_site(site: &Site, version: &str) {
    for i in 0..800 {
        let text = format!(
            "---\ntitle: Page {i} {version}\n---\n{}\n",
            "Text. ".repeat(200)
        );
        site.write(&format!("content/guide/page-{i:04}.md"), &text);
    }
}

/// Starts `guide build` and stops it after `delay`: with SIGKILL (a crash)
/// or SIGINT (Ctrl-C).
#[cfg(unix)]
fn interrupt(site: &Site, delay: std::time::Duration, crash: bool) {
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_guide"))
        .arg("build")
        .current_dir(site.root())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(delay);
    if crash {
        let _ = child.kill();
    } else {
        let _ = Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status();
    }
    child.wait().unwrap();
}

/// The unfinished folders a build leaves beside the output when stopped.
fn staging_folders(site: &Site) -> Vec<String> {
    std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("guide-new"))
        .collect()
}

/// Kills `guide build` at moments spread over a whole build: `public/` must
/// be the old site or the new one, whole, every time (the write goes to a new
/// folder that is then swapped in); the next build must then succeed.
#[cfg(unix)]
#[test]
fn an_interrupted_build_leaves_the_old_site_or_the_new_one() {
    let site = Site::fixture("basic");
    write_big_site(&site, "old");
    site.build();
    let old = snapshot(&site.root().join("public"));
    write_big_site(&site, "new");
    // Timed as the binary that is interrupted below.
    let started = std::time::Instant::now();
    site.build_binary();
    let full = started.elapsed();
    let new = snapshot(&site.root().join("public"));

    let (mut kept_old, mut got_new) = (0, 0);
    for step in 0..8 {
        write_big_site(&site, "old");
        site.build();
        write_big_site(&site, "new");
        let delay = full * step / 6;
        interrupt(&site, delay, step % 2 == 0);
        let now = snapshot(&site.root().join("public"));
        if now == old {
            kept_old += 1;
        } else if now == new {
            got_new += 1;
        } else {
            panic!("stopped after {delay:?}: public/ is neither the old site nor the new one");
        }
    }
    eprintln!(
        "interrupted builds: {kept_old} kept the old site, {got_new} had the new one, {} stopped while writing ({full:?} a build)",
        staging_folders(&site).len()
    );
    site.build();
    same_site(&snapshot(&site.root().join("public")), &new);
}

/// Asserts two snapshots are equal, naming the files that differ.
fn same_site(got: &BTreeMap<String, Vec<u8>>, expected: &BTreeMap<String, Vec<u8>>) {
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>()
    );
    let differ: Vec<&str> = got
        .iter()
        .filter(|(path, bytes)| expected[*path] != **bytes)
        .map(|(path, _)| path.as_str())
        .collect();
    assert!(differ.is_empty(), "these files differ: {differ:?}");
}

/// A build killed while writing leaves its staging folder (named after its
/// process); the next build removes the folders of processes that are gone,
/// and keeps those of builds still running.
#[cfg(unix)]
#[test]
fn a_build_after_an_interrupted_one_removes_its_leftovers() {
    let site = Site::fixture("basic");
    write_big_site(&site, "old");
    // Timed as the binary that is interrupted below.
    let started = std::time::Instant::now();
    site.build_binary();
    let full = started.elapsed();
    write_big_site(&site, "new");
    for step in 1..20 {
        interrupt(&site, full * step / 20, true);
        if !staging_folders(&site).is_empty() {
            break;
        }
    }
    // On a busy machine no kill may land in the write: then leave behind
    // what such a kill leaves, the staging folder of a process that is gone.
    if staging_folders(&site).is_empty() {
        let gone = (100_000..u32::MAX)
            .find(|pid| !std::path::Path::new(&format!("/proc/{pid}")).exists())
            .unwrap();
        site.write(
            &format!(".public.guide-new-{gone}/index.html"),
            "half a site",
        );
    }
    // A build still running (this test's own process stands in for it)
    // keeps its staging folder; the build is a process of its own, since
    // one in this process would take the folder for its own.
    let running = format!(".public.guide-new-{}", std::process::id());
    site.write(&format!("{running}/index.html"), "being written");
    site.build_binary();
    assert_eq!(staging_folders(&site), vec![running]);
}

/// `guide build` writes each page as soon as it is rendered: a build that
/// fails after hundreds of pages are on disk must still leave the old
/// output as it was, and remove what it wrote.
#[test]
fn a_build_failing_after_writing_pages_leaves_the_old_output_and_no_staging_folder() {
    let site = Site::fixture("basic");
    site.build();
    let before = snapshot(&site.root().join("public"));
    write_big_site(&site, "new");
    site.write(
        "content/guide/zz-broken.md",
        "---\ntitle: Broken\ntemplate: missing.html\n---\nText.\n",
    );
    let run = site.run(&["build"]);
    assert_contains!(run.failed(), "no template `missing.html`");
    assert_eq!(snapshot(&site.root().join("public")), before);
    assert!(
        staging_folders(&site).is_empty(),
        "{:?}",
        staging_folders(&site)
    );
}
