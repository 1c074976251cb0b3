//! Themes: switching `theme` in site.toml restyles the whole site. The
//! bundled guide is built twice, with `bridges` and with the minimal `plain`
//! theme, and every page of the first must exist in the second, in the
//! second theme's markup and with its stylesheet only.

use std::collections::BTreeSet;
use std::path::Path;

use crate::assert_contains;
use crate::support::{copy_dir, repo, Site};

/// A copy of the bundled guide (site.toml, content/, themes/) using `theme`.
fn bundled_with_theme(theme: &str) -> Site {
    let site = Site::from_files(&[]);
    let repo = repo();
    copy_dir(&repo.join("content"), &site.root().join("content"));
    copy_dir(&repo.join("themes"), &site.root().join("themes"));
    let config = std::fs::read_to_string(repo.join("site.toml")).unwrap();
    let line = config
        .lines()
        .find(|line| line.trim_start().starts_with("theme ="))
        .expect("site.toml names a theme");
    site.write(
        "site.toml",
        &config.replacen(line, &format!("theme = \"{theme}\""), 1),
    );
    site
}

/// Every HTML file under `public/`, as `/`-separated paths.
fn html_files(site: &Site) -> BTreeSet<String> {
    fn walk(root: &Path, dir: &Path, found: &mut BTreeSet<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, found);
            } else if path.extension().is_some_and(|ext| ext == "html") {
                let relative = path.strip_prefix(root).unwrap();
                let parts: Vec<_> = relative
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                found.insert(parts.join("/"));
            }
        }
    }
    let public = site.root().join("public");
    let mut found = BTreeSet::new();
    walk(&public, &public, &mut found);
    found
}

#[test]
fn plain_theme_restyles_every_page() {
    let bridges = bundled_with_theme("bridges");
    bridges.build();
    let plain = bundled_with_theme("plain");
    plain.build();

    let bridges_pages = html_files(&bridges);
    let plain_pages = html_files(&plain);
    assert!(
        bridges_pages.len() > 40,
        "the bundled guide builds {} pages",
        bridges_pages.len()
    );
    let missing: Vec<_> = bridges_pages.difference(&plain_pages).collect();
    assert!(
        missing.is_empty(),
        "pages built with bridges but not with plain: {missing:?}"
    );

    // The theme's own static files, and none of bridges'.
    assert!(plain.has("css/plain.css"));
    assert!(plain.has("js/message.js"));
    assert!(plain.has("js/fill.js"));
    for bridges_only in ["css/style.css", "js/script-page.js", "js/theme-toggle.js"] {
        assert!(
            !plain.has(bridges_only),
            "the plain build has bridges' {bridges_only}"
        );
    }

    for page in &plain_pages {
        let html = plain.public(page);
        assert!(
            html.contains(r#"<link rel="stylesheet" href="/css/plain.css">"#),
            "{page} does not use plain.css"
        );
        assert!(
            html.contains(r#"<body class="plain">"#),
            "{page} is not in plain's markup"
        );
        for bridges_marker in ["css/style.css", "site-header", "theme-toggle"] {
            assert!(
                !html.contains(bridges_marker),
                "{page} still has bridges' {bridges_marker}"
            );
        }
        // The landmarks every theme should have.
        for landmark in ["<header", "<main id=\"main\"", "<footer", "href=\"#main\""] {
            assert!(html.contains(landmark), "{page} has no {landmark}");
        }
    }
}

#[test]
fn plain_theme_renders_each_template() {
    let site = bundled_with_theme("plain");
    site.build();

    // index.html: the home page, with its list of where to start.
    let home = site.public("index.html");
    assert_contains!(home, "Where do I start?");
    assert_contains!(home, r#"<a href="/scripts/connection-note/">"#);
    // section.html and page.html.
    let section = site.public("first-message/index.html");
    assert_contains!(section, "<h1>The first message</h1>");
    assert_contains!(section, r#"<a href="/first-message/connection-request/">"#);
    let page = site.public("first-message/connection-request/index.html");
    assert_contains!(page, "<h1>The connection request</h1>");
    assert_contains!(page, r#"rel="next""#);
    // scripts.html: every situation with its scripts.
    let index = site.public("scripts/index.html");
    assert_contains!(index, r#"<h2 id="situation-first-contact">"#);
    assert_contains!(index, r#"<ul class="plain-scripts">"#);
    // script.html: labelled blanks without JavaScript, a form and message.js with it.
    let script = site.public("scripts/can-we-chat/index.html");
    assert_contains!(script, r#"<div class="plain-card plain-blanks">"#);
    assert_contains!(script, r#"<mark class="blank" data-field="name">"#);
    assert_contains!(script, r#"<form id="plain-fill""#);
    assert_contains!(script, r#"id="guide-script-data""#);
    assert_contains!(script, r#"src="/js/fill.js""#);
    // 404.html.
    let not_found = site.public("404.html");
    assert_contains!(not_found, "<h1>Page not found</h1>");
}

/// A site that overrides `base.html` with blocks of its own, and every
/// template that extends it, builds: the theme's shadowed templates, which
/// it never renders, are not checked against a base they were not written
/// for. A theme template that is still rendered is checked as before.
#[test]
fn a_site_that_overrides_base_and_the_templates_on_it_builds() {
    let site = bundled_with_theme("bridges");
    site.write(
        "templates/base.html",
        "<!doctype html><html lang=\"en\"><head><title>{% block title %}{% endblock %}</title></head><body>{% block main %}{% endblock %}</body></html>\n",
    );
    let overrides = [
        ("index.html", "section.title"),
        ("section.html", "section.title"),
        ("scripts.html", "section.title"),
        ("page.html", "page.title"),
        ("script.html", "script.title"),
        ("taxonomy_list.html", "taxonomy.label"),
        ("taxonomy_term.html", "term.name"),
        ("404.html", "\"Not found\""),
        ("offline.html", "\"Offline\""),
    ];
    for (name, title) in overrides {
        site.write(
            &format!("templates/{name}"),
            &format!("{{% extends \"base.html\" %}}{{% block title %}}{{{{ {title} }}}}{{% endblock %}}{{% block main %}}<h1 class=\"own\">{{{{ {title} }}}}</h1>{{% endblock %}}\n"),
        );
    }
    let run = site.build();
    assert!(run.ok, "{}", run.stderr);
    assert_contains!(site.public("index.html"), "<h1 class=\"own\">");

    // Drop one override: the theme's page.html is rendered again, and is
    // checked against the site's base, which lacks its blocks.
    std::fs::remove_file(site.root().join("templates/page.html")).unwrap();
    let run = site.run(&["build"]);
    assert!(
        !run.ok,
        "the theme's page.html needs blocks the site's base.html lacks"
    );
    assert_contains!(run.stderr, "themes/bridges/templates/page.html");
}

/// A small theme `t` whose listings go through an intermediate layout and
/// a partial that extend its base's `content` block, with a site that
/// replaces the theme's base by one with a `main` block only.
fn site_over_theme_t(extra: &[(&str, &str)]) -> Site {
    let on = |block: &str, body: &str| {
        format!("{{% extends \"base.html\" %}}{{% block {block} %}}{body}{{% endblock %}}")
    };
    let theme_index = on(
        "content",
        "{{ section.title }}{% include \"partials/intro.html\" %}",
    );
    let theme_section =
        "{% extends \"layouts/listing.html\" %}{% block list %}{{ section.title }}{% endblock %}";
    let theme_layout = on("content", "<ul>{% block list %}{% endblock %}</ul>");
    let theme_partial = on("content", "theme intro");
    let theme_page = on("content", "<p class=\"theme-page\">{{ page.title }}</p>");
    let site_index = on("main", "<h1 class=\"own\">{{ section.title }}</h1>");
    let site_section = on("main", "<h1 class=\"own\">{{ section.title }}</h1>");
    let mut files = vec![
        (
            "site.toml",
            "title = \"T\"\nbase_url = \"https://example.org/\"\ntheme = \"t\"\n",
        ),
        ("content/_index.md", "---\ntitle: Home\n---\n"),
        ("content/guide/_index.md", "---\ntitle: The guide\n---\n"),
        ("content/guide/a.md", "---\ntitle: Page A\n---\nWords.\n"),
        (
            "themes/t/templates/base.html",
            "<body class=\"theme\">{% block content %}{% endblock %}</body>\n",
        ),
        ("themes/t/templates/index.html", &theme_index),
        ("themes/t/templates/section.html", theme_section),
        ("themes/t/templates/layouts/listing.html", &theme_layout),
        ("themes/t/templates/partials/intro.html", &theme_partial),
        ("themes/t/templates/page.html", &theme_page),
        (
            "templates/base.html",
            "<body class=\"site\">{% block main %}{% endblock %}</body>\n",
        ),
        ("templates/index.html", &site_index),
        ("templates/section.html", &site_section),
    ];
    files.extend_from_slice(extra);
    Site::from_files(&files)
}

/// The issue's case: the site overrides `base.html` without the theme's
/// blocks, and every template it renders fits its base. The theme's
/// shadowed `index.html` and `section.html` are not checked, nor the
/// layout and the partial that only they name.
#[test]
fn a_site_base_without_the_themes_blocks_builds_when_what_it_renders_fits() {
    let page = "{% extends \"base.html\" %}{% block main %}<p class=\"own\">{{ page.title }}</p>{% endblock %}";
    let site = site_over_theme_t(&[("templates/page.html", page)]);
    let run = site.run(&["build"]);
    assert!(run.ok, "{}", run.stderr);
    assert_contains!(
        site.public("index.html"),
        "<body class=\"site\"><h1 class=\"own\">Home</h1>"
    );
    assert_contains!(
        site.public("guide/index.html"),
        "<h1 class=\"own\">The guide</h1>"
    );
    assert_contains!(
        site.public("guide/a/index.html"),
        "<p class=\"own\">Page A</p>"
    );
}

/// A theme template that is rendered (`page.html`) extends the site's
/// base, the parent it really has: it is checked against it, and an error
/// when its block is missing there; it builds, inside the site's base, when
/// the site's base has the block.
#[test]
fn a_rendered_theme_template_is_checked_against_the_sites_base() {
    let site = site_over_theme_t(&[]);
    let run = site.run(&["build"]);
    assert!(
        !run.ok,
        "page.html's `content` block is not in the site's base"
    );
    assert_contains!(run.stderr, "themes/t/templates/page.html");
    assert_contains!(run.stderr, "content");
    assert!(
        !run.stderr.contains("layouts/listing.html"),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("partials/intro.html"),
        "{}",
        run.stderr
    );

    let base = "<body class=\"site\">{% block main %}{% endblock %}{% block content %}{% endblock %}</body>\n";
    let site = site_over_theme_t(&[("templates/base.html", base)]);
    let run = site.run(&["build"]);
    assert!(run.ok, "{}", run.stderr);
    assert_contains!(
        site.public("guide/a/index.html"),
        "<body class=\"site\"><p class=\"theme-page\">Page A</p></body>"
    );
}

/// A partial that a shadowed template names is still checked when a
/// template that is rendered names it too.
#[test]
fn a_partial_that_a_rendered_template_includes_is_still_checked() {
    let page = "{% extends \"base.html\" %}{% block main %}{% include \"partials/intro.html\" %}{% endblock %}";
    let site = site_over_theme_t(&[("templates/page.html", page)]);
    let run = site.run(&["build"]);
    assert!(
        !run.ok,
        "the partial's `content` block is not in the site's base"
    );
    assert_contains!(run.stderr, "themes/t/templates/partials/intro.html");
    assert!(
        !run.stderr.contains("layouts/listing.html"),
        "{}",
        run.stderr
    );
}
