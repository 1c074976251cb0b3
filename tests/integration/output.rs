//! Nothing is lost: a failed build leaves the old output as it was, and
//! guide refuses output folders it must not replace.

use std::path::Path;

use crate::assert_contains;
use crate::support::Site;

fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let relative = entry
                .path()
                .strip_prefix(dir)
                .unwrap()
                .display()
                .to_string();
            files.push((relative, std::fs::read(entry.path()).unwrap()));
        }
    }
    files
}

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
