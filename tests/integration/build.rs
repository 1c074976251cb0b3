//! `guide build` on the fixture site: pages, sections, order, links, theme
//! overrides, drafts, assets.

use crate::assert_contains;
use crate::support::Site;

/// One of the few tests of the binary itself (the rest build in process).
#[test]
fn pages_and_sections_get_pretty_urls() {
    let site = Site::fixture("basic");
    let run = site.build_binary();
    assert_contains!(run.stdout, "Built 3 pages, 3 sections, 2 scripts");
    for path in [
        "index.html",
        "guide/index.html",
        "guide/first/index.html",
        "guide/second/index.html",
        "guide/the-third/index.html",
        "scripts/index.html",
        "scripts/hello/index.html",
        "scripts/hello-again/index.html",
    ] {
        assert!(site.has(path), "missing {path}");
    }
}

#[test]
fn a_section_lists_its_pages_by_weight_then_date() {
    let site = Site::fixture("basic");
    site.build();
    let section = site.public("guide/index.html");
    let first = section.find("First steps").unwrap();
    let second = section.find("Second steps").unwrap();
    let third = section.find("Third steps").unwrap();
    assert!(first < second && second < third, "{section}");
    assert_contains!(
        section,
        "<a class=\"script\" href=\"/scripts/hello/\">Say hello</a>"
    );
}

#[test]
fn pages_link_to_their_neighbours() {
    let site = Site::fixture("basic");
    site.build();
    let first = site.public("guide/first/index.html");
    assert!(!first.contains("class=\"previous\""));
    assert_contains!(
        first,
        "<a class=\"next\" href=\"/guide/second/\">Second steps</a>"
    );
    let second = site.public("guide/second/index.html");
    assert_contains!(
        second,
        "<a class=\"previous\" href=\"/guide/first/\">First steps</a>"
    );
    assert_contains!(
        second,
        "<a class=\"next\" href=\"/guide/the-third/\">Third steps</a>"
    );
}

#[test]
fn headings_get_unique_ids_and_a_nested_toc() {
    let site = Site::fixture("basic");
    site.build();
    let page = site.public("guide/first/index.html");
    assert_contains!(page, "<h2 id=\"why-it-matters\">Why it matters</h2>");
    assert_contains!(page, "<h2 id=\"why-it-matters-1\">Why it matters</h2>");
    assert_contains!(page, "<li>2:why-it-matters:Why it matters [3:a-detail]</li><li>2:why-it-matters-1:Why it matters</li>");
}

#[test]
fn internal_links_resolve_to_urls() {
    let site = Site::fixture("basic");
    site.build();
    let page = site.public("guide/first/index.html");
    assert_contains!(
        page,
        "<a href=\"/guide/second/\">link to the second page</a>"
    );
    assert_contains!(page, "<a href=\"/guide/the-third/\">relative one</a>");
    assert_contains!(page, "<a href=\"/scripts/hello/\">the hello script</a>");
    assert_contains!(
        site.public("guide/second/index.html"),
        "<a href=\"/guide/first/#a-detail\">the start</a>"
    );
    assert_contains!(
        site.public("guide/index.html"),
        "href=\"/guide/first/#why-it-matters\""
    );
}

#[test]
fn site_files_override_theme_files() {
    let site = Site::fixture("basic");
    site.build();
    assert_contains!(site.public("404.html"), "Site says not found");
    assert_contains!(site.public("style.css"), "/* site */");
    assert_contains!(site.public("app.js"), "theme");
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let site = Site::fixture("basic");
    site.build();
    assert!(!site.has("guide/unfinished/index.html"));
    let run = site.run(&["build", "--drafts"]);
    assert!(run.ok, "{}", run.stderr);
    assert!(site.has("guide/unfinished/index.html"));
}

#[test]
fn page_variables_reach_the_template() {
    let site = Site::fixture("basic");
    site.build();
    let page = site.public("guide/first/index.html");
    assert_contains!(page, "date=2026-01-10");
    assert_contains!(page, "permalink=https://example.org/guide/first/");
    assert_contains!(page, "<p class=\"section\">The guide</p>");
    assert_contains!(
        page,
        "<a href=\"/\">Home</a>/<a href=\"/guide/\">The guide</a>/"
    );
}

#[test]
fn assets_beside_pages_are_copied() {
    let site = Site::fixture("basic");
    site.build();
    assert_contains!(site.public("guide/photo.txt"), "an asset beside the pages");
}

#[test]
fn base_url_with_a_path_prefixes_every_url() {
    let site = Site::fixture("basic");
    let run = site.run(&["build", "--base-url", "https://example.org/sub"]);
    assert!(run.ok, "{}", run.stderr);
    let page = site.public("guide/first/index.html");
    assert_contains!(page, "href=\"/sub/guide/second/\"");
    assert_contains!(page, "href=\"/sub/style.css\"");
    assert_contains!(page, "permalink=https://example.org/sub/guide/first/");
}

#[test]
fn check_writes_nothing() {
    let site = Site::fixture("basic");
    let run = site.run(&["check"]);
    assert!(run.ok, "{}", run.stderr);
    assert_contains!(run.stdout, "Checked 3 pages");
    assert!(!site.root().join("public").exists());
}

#[test]
fn the_bundled_guide_builds() {
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("public");
    let run = crate::support::build_bundled(&target, &[]);
    assert!(run.ok, "{}", run.stderr);
    assert!(
        run.stderr.is_empty(),
        "the bundled guide has warnings:\n{}",
        run.stderr
    );
    for path in [
        "index.html",
        "scripts/index.html",
        "scripts/connection-note/index.html",
        "404.html",
        "css/style.css",
    ] {
        assert!(target.join(path).is_file(), "missing {path}");
    }
}

/// The binary's: clap prints help and version and exits the process.
#[test]
fn help_and_version_work() {
    let site = Site::fixture("basic");
    let help = site.run_binary(&["--help"]);
    assert!(help.ok);
    assert_contains!(help.stdout, "build");
    assert_contains!(help.stdout, "check");
    let version = site.run_binary(&["--version"]);
    assert_contains!(version.stdout, env!("CARGO_PKG_VERSION"));
}

#[test]
fn editor_leftovers_and_hidden_files_are_ignored() {
    let site = Site::fixture("basic");
    for name in [
        ".#first.md",
        "first.md~",
        ".first.md.swp",
        "#first.md#",
        ".hidden.md",
    ] {
        site.write(&format!("content/guide/{name}"), "not front matter at all");
    }
    site.build();
    assert!(!site.has("guide/first.md~"));
    assert!(!site.has(".hidden.md"));
}

#[test]
fn slugs_fold_unicode_file_names_to_ascii() {
    let site = Site::fixture("basic");
    site.write("content/guide/Café Olé!.md", "---\ntitle: Café\n---\n");
    site.write("content/Über Uns/_index.md", "---\ntitle: Über uns\n---\n");
    site.build();
    assert!(site.has("guide/cafe-ole/index.html"));
    assert!(site.has("uber-uns/index.html"));
}

/// `-v` says how long each stage took; without it, only the summary.
#[test]
fn verbose_prints_each_stage_with_its_time() {
    let site = Site::fixture("basic");
    let quiet = site.run(&["build"]);
    assert!(!quiet.stdout.contains(" ms\n  "), "{}", quiet.stdout);
    let run = site.run(&["build", "-v"]);
    assert!(run.ok, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(lines[0].starts_with("Built 3 pages"), "{}", run.stdout);
    let stages: Vec<&str> = lines[1..]
        .iter()
        .map(|line| line.trim().rsplitn(3, ' ').nth(2).unwrap_or(line).trim())
        .collect();
    assert_eq!(
        stages,
        [
            "load content, scripts and templates",
            "render (and index for search)",
            "swap into the output folder"
        ],
        "{}",
        run.stdout
    );
    assert!(
        lines[1..].iter().all(|l| l.ends_with(" ms")),
        "{}",
        run.stdout
    );
    let check = site.run(&["check", "-v"]);
    assert_contains!(check.stdout, "lint (check's own warnings)");
}
