//! `guide init` and `guide new`: a new site that builds as it stands, new
//! pages and scripts that build as they stand, and nothing ever overwritten.

use crate::assert_contains;
use crate::support::Site;

/// A temporary folder with a new site made by `guide init` in it, at `my-guide`.
fn new_site() -> Site {
    let site = Site::from_files(&[]);
    let run = site.run(&["init", "my-guide"]);
    assert!(run.ok, "init failed:\n{}", run.stderr);
    assert_contains!(
        run.stdout,
        "Created a new site in `my-guide`:\n  my-guide/site.toml\n"
    );
    assert_contains!(run.stdout, "Next:\n  cd my-guide\n  guide serve");
    site
}

/// Runs guide on the new site made by [`new_site`].
fn guide(site: &Site, args: &[&str]) -> crate::support::Run {
    let mut args = args.to_vec();
    args.extend(["--root", "my-guide"]);
    site.run(&args)
}

#[test]
fn a_new_site_builds_without_warnings() {
    let site = new_site();
    let run = guide(&site, &["build"]);
    assert!(run.ok, "{}", run.stderr);
    assert_eq!(run.stderr, "", "a new site has warnings");
    assert_contains!(run.stdout, "Built 1 pages, 3 sections, 1 scripts");
    let public = site.root().join("my-guide/public");
    for path in [
        "index.html",
        "reaching-out/index.html",
        "reaching-out/first-message/index.html",
        "scripts/index.html",
        "scripts/reconnect-note/index.html",
        "css/style.css",
    ] {
        assert!(public.join(path).is_file(), "missing {path}");
    }
    let home = std::fs::read_to_string(public.join("index.html")).unwrap();
    assert_contains!(home, "My guide");
}

#[test]
fn a_new_site_passes_check_with_deny_warnings() {
    let site = new_site();
    let run = guide(&site, &["check", "--deny-warnings"]);
    assert!(run.ok, "{}", run.stderr);
    assert_eq!(run.stderr, "");
}

#[test]
fn the_theme_is_copied_whole_from_the_binary() {
    let site = new_site();
    let theme = crate::support::repo().join("themes/bridges");
    let copied = site.root().join("my-guide/themes/bridges");
    for path in [
        "theme.toml",
        "templates/base.html",
        "static/js/script-page.js",
    ] {
        assert_eq!(
            std::fs::read(copied.join(path)).unwrap(),
            std::fs::read(theme.join(path)).unwrap(),
            "{path} differs from the bundled theme"
        );
    }
}

#[test]
fn init_refuses_a_folder_that_is_not_empty() {
    let site = Site::from_files(&[("taken/notes.md", "mine")]);
    let err = site.run(&["init", "taken"]).failed().to_string();
    assert_contains!(
        err,
        "error: `taken` is not empty (it holds `notes.md`); guide init never overwrites"
    );
    assert!(!site.root().join("taken/site.toml").exists());
    assert_eq!(
        std::fs::read_to_string(site.root().join("taken/notes.md")).unwrap(),
        "mine"
    );
}

#[test]
fn init_accepts_an_empty_folder_and_hidden_files() {
    let site = Site::from_files(&[("repo/.git/HEAD", "ref: refs/heads/main\n")]);
    let run = site.run(&["init", "repo"]);
    assert!(run.ok, "{}", run.stderr);
    let build = site.run(&["build", "--root", "repo"]);
    assert!(build.ok, "{}", build.stderr);
}

#[test]
fn init_in_the_current_folder_says_no_cd() {
    let site = Site::from_files(&[]);
    // The current folder is the process's: the binary's.
    let run = site.run_binary(&["init", "."]);
    assert!(run.ok, "{}", run.stderr);
    assert!(!run.stdout.contains("cd "), "{}", run.stdout);
    site.build();
}

#[test]
fn a_new_script_builds_as_it_stands() {
    let site = new_site();
    let run = guide(&site, &["new", "script", "x"]);
    assert!(run.ok, "{}", run.stderr);
    assert_contains!(
        run.stdout,
        "Created a script:\n  my-guide/content/scripts/x.yaml\n"
    );
    assert_contains!(run.stdout, "[X](@/scripts/x.yaml)");
    let build = guide(&site, &["build"]);
    assert!(build.ok, "{}", build.stderr);
    assert_eq!(build.stderr, "", "a new script has warnings");
    let page =
        std::fs::read_to_string(site.root().join("my-guide/public/scripts/x/index.html")).unwrap();
    assert_contains!(page, "Priya");
}

#[test]
fn a_new_markdown_script_builds_as_it_stands() {
    let site = new_site();
    let run = guide(&site, &["new", "script", "follow-up", "--markdown"]);
    assert!(run.ok, "{}", run.stderr);
    let text =
        std::fs::read_to_string(site.root().join("my-guide/content/scripts/follow-up.md")).unwrap();
    assert_contains!(text, "situation: first-contact\n");
    assert_contains!(text, "```message message email The message\n");
    let build = guide(&site, &["build"]);
    assert!(build.ok, "{}", build.stderr);
    assert_eq!(build.stderr, "");
    assert!(site
        .root()
        .join("my-guide/public/scripts/follow-up/index.html")
        .is_file());
}

#[test]
fn new_script_refuses_to_overwrite() {
    let site = new_site();
    let existing = site
        .root()
        .join("my-guide/content/scripts/reconnect-note.yaml");
    let before = std::fs::read(&existing).unwrap();
    let err = guide(&site, &["new", "script", "reconnect-note"])
        .failed()
        .to_string();
    assert_contains!(
        err,
        "error: a script named `reconnect-note` already exists: `my-guide/content/scripts/reconnect-note.yaml`"
    );
    // The other format would take the same URL: refused too.
    let err = guide(&site, &["new", "script", "reconnect-note", "--markdown"])
        .failed()
        .to_string();
    assert_contains!(err, "already exists");
    assert_eq!(std::fs::read(&existing).unwrap(), before);
    assert!(!site
        .root()
        .join("my-guide/content/scripts/reconnect-note.md")
        .exists());
}

#[test]
fn a_new_page_builds_and_is_never_overwritten() {
    let site = new_site();
    let run = guide(&site, &["new", "page", "first-message/timing"]);
    assert!(run.ok, "{}", run.stderr);
    assert_contains!(
        run.stdout,
        "Created a page:\n  my-guide/content/first-message/timing.md\n"
    );
    assert_contains!(run.stdout, "it is at /first-message/timing/");
    let file = site.root().join("my-guide/content/first-message/timing.md");
    let text = std::fs::read_to_string(&file).unwrap();
    assert_contains!(text, "title: Timing\n");
    assert_contains!(text, "# weight: 1\n");
    let build = guide(&site, &["build"]);
    assert!(build.ok, "{}", build.stderr);
    assert!(site
        .root()
        .join("my-guide/public/first-message/timing/index.html")
        .is_file());

    std::fs::write(&file, "edited").unwrap();
    let err = guide(&site, &["new", "page", "first-message/timing.md"])
        .failed()
        .to_string();
    assert_contains!(
        err,
        "error: `my-guide/content/first-message/timing.md` already exists"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "edited");
}

#[test]
fn new_needs_a_site() {
    let site = Site::from_files(&[]);
    let err = site.run(&["new", "page", "a"]).failed().to_string();
    assert_contains!(err, "no `site.toml` in `.`");
    assert_contains!(err, "guide init DIR");
}

#[test]
fn a_new_page_cannot_leave_content() {
    let site = new_site();
    let err = guide(&site, &["new", "page", "../outside"])
        .failed()
        .to_string();
    assert_contains!(err, "error: `../outside` is not a path under content/");
    assert!(!site.root().join("my-guide/outside.md").exists());
}
