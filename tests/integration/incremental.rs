//! `serve`'s incremental rebuild: each edit redoes only what it touches, and
//! the result is always what a full build of the same files gives.

use guide::build::{render_site, Applied, Edit, Project};
use guide::config::{Config, Overrides};

use crate::assert_contains;
use crate::support::Site;

fn project(site: &Site) -> Project {
    Project::load(Config::load(site.root(), &Overrides::default()).unwrap()).unwrap()
}

fn edit(paths: &[&str]) -> Edit {
    Edit::Content {
        paths: paths.iter().map(|p| p.to_string()).collect(),
        structural: false,
    }
}

fn page(project: &Project, path: &str) -> String {
    String::from_utf8(project.output.get(path).unwrap().to_vec()).unwrap()
}

/// What a full build of the site's files gives now.
fn full_build(site: &Site) -> guide::output::Output {
    let config = Config::load(site.root(), &Overrides::default()).unwrap();
    render_site(&config, Vec::new()).unwrap().output
}

/// The project's output is exactly what a full build would give now (but
/// for the search index, which page edits leave to serve's search thread).
fn assert_same_as_full_build(site: &Site, project: &Project) {
    let full = full_build(site);
    // The search index is rebuilt only by full reloads and template changes.
    let indexed = |(path, _): &(&str, &[u8])| !path.starts_with("pagefind/");
    let ours: Vec<_> = project.output.iter().filter(indexed).collect();
    let theirs: Vec<_> = full.iter().filter(indexed).collect();
    assert_eq!(ours.len(), theirs.len());
    for ((p1, b1), (p2, b2)) in ours.iter().zip(&theirs) {
        assert_eq!(p1, p2);
        assert!(b1 == b2, "{p1} differs from a full build");
    }
}

/// The basic fixture with a theme whose templates never name `word_count`,
/// so that listings cannot show it.
fn site_without_word_counts() -> Site {
    let site = Site::fixture("basic");
    let template = site.root().join("themes/mini/templates/page.html");
    let text = std::fs::read_to_string(&template)
        .unwrap()
        .replace(" words={{ page.word_count }}", "");
    assert!(!text.contains("word_count"));
    std::fs::write(&template, text).unwrap();
    site
}

const SECOND: &str = "content/guide/second.md";

/// Writes `text` as the second page and applies the edit as serve would.
fn edit_second(site: &Site, project: &mut Project, text: &str) -> Applied {
    site.write(SECOND, text);
    project.apply(&edit(&[SECOND])).unwrap()
}

/// The fixture's second page with `front` added to its front matter (each
/// key on a line of its own, ending in a newline) and `more` after its body.
fn second(front: &str, more: &str) -> String {
    format!(
        "---\ntitle: Second steps\ndate: 2026-01-12\ntags: [trust]\nweight: 2\n{front}---\n\
         Back to [the start](@/guide/first.md#a-detail).{more}\n"
    )
}

#[test]
fn a_body_edit_that_changes_the_word_count_renders_the_page_and_what_lists_it() {
    // What lists a page can show its word count, whether or not a template
    // names it (it may reach it through `pairs` or `values`).
    for site in [Site::fixture("basic"), site_without_word_counts()] {
        let mut project = project(&site);
        let applied = edit_second(&site, &mut project, &second("", " New sentence."));
        assert_eq!(
            (applied.rendered, applied.full),
            (2, false),
            "the page and its section"
        );
        assert_contains!(page(&project, "guide/second/index.html"), "New sentence.");
        assert_same_as_full_build(&site, &project);
    }
}

#[test]
fn a_body_edit_that_keeps_every_listed_value_renders_only_its_page() {
    let site = site_without_word_counts();
    let mut project = project(&site);
    edit_second(&site, &mut project, &second("", " Old sentence."));
    let applied = edit_second(&site, &mut project, &second("", " New sentence."));
    assert_eq!((applied.rendered, applied.full), (1, false));
    assert!(
        applied
            .because
            .iter()
            .any(|line| line == "guide/second.md changed"),
        "{:?}",
        applied.because
    );
    // The feed shows the content: it is current too.
    assert_contains!(page(&project, "atom.xml"), "New sentence.");
    assert_same_as_full_build(&site, &project);
}

#[test]
fn a_listed_field_edit_renders_what_lists_the_page() {
    let site = site_without_word_counts();
    let mut project = project(&site);
    // Every field a listing shows that does not move the page.
    for (i, front) in [
        "description: Now described.",
        "extra:\n  mood: calm",
        "updated: 2026-03-01",
    ]
    .iter()
    .enumerate()
    {
        let text = second(&format!("{front}\n"), &format!(" Edit {i}."));
        let applied = edit_second(&site, &mut project, &text);
        assert_eq!(applied.rendered, 2, "{front}: the page and its section");
        assert_same_as_full_build(&site, &project);
    }
    assert_contains!(page(&project, "sitemap.xml"), "2026-03-01");
}

#[test]
fn a_date_edit_updates_the_order_the_neighbours_and_the_sitemap() {
    let site = site_without_word_counts();
    let mut project = project(&site);
    let text = "---\ntitle: Second steps\ndate: 2025-06-30\ntags: [trust]\n---\nBack to [the start](@/guide/first.md#a-detail).\n";
    assert!(!edit_second(&site, &mut project, text).full);
    assert_contains!(page(&project, "sitemap.xml"), "2025-06-30");
    assert_same_as_full_build(&site, &project);
}

#[test]
fn a_new_link_to_a_script_renders_the_section_that_lists_its_scripts() {
    let site = site_without_word_counts();
    let mut project = project(&site);
    let text = second("", " Try [a script](@/scripts/hello.yaml).");
    let applied = edit_second(&site, &mut project, &text);
    assert_eq!(applied.rendered, 2, "the page and its section");
    assert_contains!(page(&project, "guide/index.html"), "class=\"script\"");
    assert_same_as_full_build(&site, &project);
}

#[test]
fn a_page_edit_leaves_the_search_index_to_be_rebuilt_elsewhere() {
    let site = Site::fixture("basic");
    let mut project = project(&site);
    assert!(!project.search_is_stale());
    let before = project
        .output
        .get("pagefind/pagefind-entry.json")
        .unwrap()
        .to_vec();
    site.write(SECOND, &second("", " Xylophonic."));
    project.apply(&edit(&[SECOND])).unwrap();
    assert!(project.search_is_stale());
    // What serve's search thread does.
    let files = guide::search::index_languages(&project.search_pages(), &project.output, &|| false)
        .unwrap()
        .expect("not cancelled");
    project.replace_search_index(files);
    assert!(!project.search_is_stale());
    assert!(project.output.get("pagefind/pagefind-entry.json").unwrap() != before);
    // The whole output, search index included, is a full build's.
    let full = full_build(&site);
    let ours: Vec<_> = project.output.iter().collect();
    let theirs: Vec<_> = full.iter().collect();
    assert_eq!(ours, theirs);
}

#[test]
fn an_index_being_built_stops_when_cancelled() {
    let site = Site::fixture("basic");
    let project = project(&site);
    let cancelled =
        guide::search::index_languages(&project.search_pages(), &project.output, &|| true).unwrap();
    assert!(cancelled.is_none());
}

#[test]
fn a_reordering_edit_updates_the_neighbours() {
    let site = Site::fixture("basic");
    let mut project = project(&site);
    site.write(
        "content/guide/third.md",
        "---\ntitle: Third steps\ndate: 2026-02-01\nslug: the-third\nweight: 0\n---\nNow first.\n",
    );
    let applied = project.apply(&edit(&["content/guide/third.md"])).unwrap();
    assert!(!applied.full);
    assert_contains!(
        page(&project, "guide/first/index.html"),
        "<a class=\"previous\" href=\"/guide/the-third/\">"
    );
    assert_same_as_full_build(&site, &project);
}

#[test]
fn a_broken_edit_changes_nothing_and_is_retried_with_the_next() {
    let site = Site::fixture("basic");
    let mut project = project(&site);
    let before = page(&project, "guide/second/index.html");
    // Removing a heading that another page links to breaks that link.
    site.write(
        "content/guide/first.md",
        "---\ntitle: First steps\ndate: 2026-01-10\nweight: 1\n---\nNo headings now.\n",
    );
    let err = project
        .apply(&edit(&["content/guide/first.md"]))
        .unwrap_err();
    assert_contains!(err.to_string(), "has no heading `#a-detail`");
    assert_eq!(page(&project, "guide/second/index.html"), before);
    // The links into it are fixed; the edit names only those files, and the
    // failed page is retried with them.
    site.write("content/guide/second.md", "---\ntitle: Second steps\ndate: 2026-01-12\nweight: 2\n---\nBack to [the start](@/guide/first.md).\n");
    site.write("content/guide/_index.md", "---\ntitle: The guide\ndescription: Everything in order.\n---\nRead [the first page](@/guide/first.md) first.\n");
    let applied = project
        .apply(&edit(&[
            "content/guide/second.md",
            "content/guide/_index.md",
        ]))
        .unwrap();
    assert!(applied.full, "a section edit reloads the content");
    assert_contains!(page(&project, "guide/first/index.html"), "No headings now.");
    assert_same_as_full_build(&site, &project);
}

#[test]
fn a_new_page_or_a_deleted_one_reloads_the_content() {
    let site = Site::fixture("basic");
    let mut project = project(&site);
    site.write("content/guide/fourth.md", "---\ntitle: Fourth\n---\nNew.\n");
    let structural = Edit::Content {
        paths: vec!["content/guide/fourth.md".into()],
        structural: true,
    };
    assert!(project.apply(&structural).unwrap().full);
    assert_contains!(page(&project, "guide/fourth/index.html"), "New.");
    std::fs::remove_file(site.root().join("content/guide/fourth.md")).unwrap();
    assert!(project.apply(&structural).unwrap().full);
    assert!(project.output.get("guide/fourth/index.html").is_none());
    assert_same_as_full_build(&site, &project);
}

#[test]
fn a_template_edit_re_renders_without_reloading_content() {
    let site = Site::fixture("basic");
    let mut project = project(&site);
    let template = site.root().join("themes/mini/templates/page.html");
    let text = std::fs::read_to_string(&template)
        .unwrap()
        .replace("<h1>", "<h1 class=\"changed\">");
    std::fs::write(&template, text).unwrap();
    let applied = project.apply(&Edit::Templates).unwrap();
    assert!(!applied.full);
    assert_contains!(
        page(&project, "guide/first/index.html"),
        "<h1 class=\"changed\">"
    );
    assert_same_as_full_build(&site, &project);
}

#[test]
fn a_static_edit_copies_only_that() {
    let site = Site::fixture("basic");
    let mut project = project(&site);
    site.write("static/style.css", "body { color: teal; }");
    let applied = project.apply(&Edit::Static).unwrap();
    assert_eq!((applied.rendered, applied.full), (0, false));
    assert_eq!(
        project.output.get("style.css").unwrap(),
        b"body { color: teal; }"
    );
    assert_same_as_full_build(&site, &project);
}

#[test]
fn a_tag_edit_updates_tag_pages_and_the_feed() {
    let site = Site::fixture("basic");
    let mut project = project(&site);
    site.write("content/guide/second.md", "---\ntitle: Second steps, renamed\ndate: 2026-01-12\nweight: 2\ntags: [listening]\n---\nBack to [the start](@/guide/first.md#a-detail).\n");
    assert!(
        !project
            .apply(&edit(&["content/guide/second.md"]))
            .unwrap()
            .full
    );
    assert_contains!(
        page(&project, "tags/listening/index.html"),
        "Second steps, renamed"
    );
    assert_contains!(
        page(&project, "atom.xml"),
        "<title>Second steps, renamed</title>"
    );
    assert_same_as_full_build(&site, &project);
}

/// A page that embeds a script shows the script as it is now: an edit of
/// the script re-renders the page that embeds it.
#[test]
fn editing_an_embedded_script_re_renders_the_page_that_embeds_it() {
    let site = Site::fixture("basic");
    site.write(
        SECOND,
        "---\ntitle: Second steps\n---\nTry it:\n\n```script hello\n```\n",
    );
    let mut project = project(&site);
    assert_contains!(
        page(&project, "guide/second/index.html"),
        "Fill in “Say hello”"
    );
    let yaml = std::fs::read_to_string(site.root().join("content/scripts/hello.yaml")).unwrap();
    site.write(
        "content/scripts/hello.yaml",
        &yaml.replace("title: Say hello", "title: Say hello again"),
    );
    project
        .apply(&edit(&["content/scripts/hello.yaml"]))
        .unwrap();
    assert_contains!(
        page(&project, "guide/second/index.html"),
        "Fill in “Say hello again”"
    );
    assert_same_as_full_build(&site, &project);
}
