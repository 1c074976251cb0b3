//! `guide check`: the warnings a build does not give (orphan pages, scripts
//! no page links to, missing images and files) beside the ones it does
//! (unused fields), and `--deny-warnings`.

use crate::assert_contains;
use crate::support::{copy_dir, repo, Site};

/// The `check` fixture, with the bundled theme copied in.
fn fixture() -> Site {
    let site = Site::fixture("check");
    copy_dir(
        &repo().join("themes/bridges"),
        &site.root().join("themes/bridges"),
    );
    site
}

#[test]
fn check_finds_each_planted_problem() {
    let site = fixture();
    let run = site.run(&["check"]);
    assert!(run.ok, "{}", run.stderr);
    let stderr = &run.stderr;
    assert_contains!(
        stderr,
        "warning: field `unused` is declared but no message uses it\n --> content/scripts/hello.yaml:9:5"
    );
    assert_contains!(
        stderr,
        "warning: missing image `missing.png`: nothing is published at /guide/linked/missing.png\n --> content/guide/linked.md:7:1\n  |\n7 | ![a picture that is not there](missing.png)\n  | ^\n  = help: a relative path is resolved from the page's URL, /guide/linked/; put the file at static/guide/linked/missing.png (or content/guide/linked/missing.png), or fix the path"
    );
    assert_contains!(
        stderr,
        "warning: broken link `/files/none.pdf`: nothing is published at /files/none.pdf\n  --> content/guide/linked.md:11:10"
    );
    assert_contains!(
        stderr,
        "warning: orphan page: no page, section or script links to `@/guide/orphan.md`\n --> content/guide/orphan.md\n  = help: link to it where readers need it, e.g. from its section: [Orphan](@/guide/orphan.md)"
    );
    assert_contains!(
        stderr,
        "warning: no page links to script `lonely`\n --> content/scripts/lonely.yaml"
    );
    assert_eq!(
        stderr.matches("warning:").count(),
        5,
        "a reference that exists was reported:\n{stderr}"
    );
    assert_contains!(run.stdout, "Checked 3 pages, 3 sections, 2 scripts");
    assert!(!site.has("index.html"), "check wrote the site");
}

/// The binary's exit status and standard error.
#[test]
fn deny_warnings_makes_them_fail() {
    let site = fixture();
    let run = site.run_binary(&["check", "--deny-warnings"]);
    assert_contains!(
        run.failed(),
        "5 warnings, and --deny-warnings makes them errors"
    );
}

#[test]
fn build_leaves_the_extra_checks_to_check() {
    let site = fixture();
    let run = site.build();
    assert_contains!(run.stderr, "field `unused` is declared");
    assert!(!run.stderr.contains("orphan"), "{}", run.stderr);
    assert!(!run.stderr.contains("missing image"), "{}", run.stderr);
}

#[test]
fn a_file_beside_the_page_gets_its_real_address_as_help() {
    let site = fixture();
    site.write(
        "content/guide/_index.md",
        "---\ntitle: The guide\n---\nRead [the linked page](@/guide/linked.md) and [by URL](@/guide/by-url.md) and [the orphan](@/guide/orphan.md).\n",
    );
    site.write(
        "content/guide/orphan.md",
        "---\ntitle: Orphan\n---\nSee [the notes](notes.txt).\n",
    );
    let run = site.run(&["check"]);
    assert_contains!(
        run.stderr,
        "warning: broken link `notes.txt`: nothing is published at /guide/orphan/notes.txt"
    );
    assert_contains!(
        run.stderr,
        "the file beside it in content/ is published at /guide/notes.txt: write that path instead"
    );
    assert!(!run.stderr.contains("orphan page"), "{}", run.stderr);
}

#[test]
fn a_missing_file_in_a_scripts_notes_is_located_in_the_script() {
    let site = fixture();
    site.write(
        "content/scripts/lonely.yaml",
        "title: Lonely\nsummary: S\nsituation: first-contact\nfields:\n  - name: name\n    label: Name\n    example: Ana\nmessages:\n  - name: note\n    channel: email\n    body: Hello {{name}}.\nnotes: |\n  Back to [the page](@/guide/linked.md).\n\n  ![chart](/images/chart.svg)\n",
    );
    let run = site.run(&["check"]);
    assert_contains!(
        run.stderr,
        "warning: missing image `/images/chart.svg`: nothing is published at /images/chart.svg\n  --> content/scripts/lonely.yaml:15:3"
    );
}

#[test]
fn a_link_outside_the_base_path_is_reported() {
    let site = fixture();
    site.write(
        "site.toml",
        &std::fs::read_to_string(site.root().join("site.toml"))
            .unwrap()
            .replace("https://example.org/", "https://example.org/sub/"),
    );
    let run = site.run(&["check"]);
    assert_contains!(
        run.stderr,
        "warning: link `/files/none.pdf` is outside the site, which is published under /sub/"
    );
}

/// Raw HTML that runs code is published as written, and `check` names it;
/// `raw_html = false` drops it from the built page.
#[test]
fn check_names_raw_html_that_runs_code_and_raw_html_can_be_dropped() {
    let site = fixture();
    site.write(
        "content/guide/embed.md",
        "---\ntitle: Embed\n---\nA clip:\n\n<iframe src=\"https://video.example/1\"></iframe>\n\nA <button onclick=\"go()\">button</button>.\n",
    );
    let run = site.run(&["check"]);
    assert!(run.ok, "{}", run.stderr);
    assert_contains!(
        run.stderr,
        "warning: raw HTML: an <iframe> element is published as written\n --> content/guide/embed.md:6:1"
    );
    assert_contains!(
        run.stderr,
        "warning: raw HTML: an `onclick` attribute is published as written\n --> content/guide/embed.md:8:11"
    );

    let toml = std::fs::read_to_string(site.root().join("site.toml")).unwrap();
    site.write(
        "site.toml",
        &format!("{toml}\n[markdown]\nraw_html = false\n"),
    );
    let built = site.run(&["build"]);
    assert!(built.ok, "{}", built.stderr);
    let page = site.public("guide/embed/index.html");
    assert!(
        !page.contains("<iframe") && !page.contains("onclick"),
        "{page}"
    );
    assert!(page.contains("A clip:"), "{page}");
}
