//! Every output path is claimed once: for any small site with random slugs,
//! aliases and tags, either the build fails with a located error that names
//! both claimants of a path, or no two sources write the same path (checked
//! with a recording writer in place of the disk).

use std::collections::BTreeMap;
use std::sync::Mutex;

use guide::config::{Config, Overrides};
use guide::site::{Bodies, Site};
use proptest::prelude::*;

use crate::support::repo;

/// Slugs, aliases and tags chosen to meet each other and guide's own paths.
const SLUGS: &[&str] = &["a", "b", "tags", "old", "style-css", "robots-txt"];
const ALIASES: &[&str] = &[
    "/a/",
    "/b/",
    "/old/",
    "/tags/",
    "/tags/trust/",
    "/404.html",
    "/robots.txt",
    "/atom.xml",
    "/sitemap.xml",
    "/style.css",
    "/style.css/",
    "/pagefind/",
    "/scripts/",
    "/scripts/hello/",
    "/guide/a/",
];
const TAGS: &[&str] = &["trust", "Trust", "a", "email", "old"];

#[derive(Debug, Clone)]
struct Page {
    folder: bool,
    slug: Option<usize>,
    aliases: Vec<usize>,
    tags: Vec<usize>,
}

fn page() -> impl Strategy<Value = Page> {
    (
        any::<bool>(),
        proptest::option::of(0..SLUGS.len()),
        proptest::collection::vec(0..ALIASES.len(), 0..3),
        proptest::collection::vec(0..TAGS.len(), 0..3),
    )
        .prop_map(|(folder, slug, aliases, tags)| Page {
            folder,
            slug,
            aliases,
            tags,
        })
}

/// Writes the pages over the bad-input catalogue's base site (which has a
/// static `style.css`, a YAML and a Markdown script) with a 404 template
/// and taxonomy templates, so that every kind of claimant is there.
fn write_site(dir: &std::path::Path, pages: &[Page]) {
    crate::support::copy_dir(&repo().join("tests/bad_inputs/_base"), dir);
    for (name, text) in [
        ("404.html", "<h1>Not found</h1>"),
        ("taxonomy_list.html", "{{ taxonomy.label }}"),
        ("taxonomy_term.html", "{{ term.name }}"),
    ] {
        std::fs::write(dir.join("templates").join(name), text).unwrap();
    }
    std::fs::create_dir_all(dir.join("content/guide")).unwrap();
    for (i, page) in pages.iter().enumerate() {
        let mut text = format!("---\ntitle: Page {i}\n");
        if let Some(slug) = page.slug {
            text.push_str(&format!("slug: {}\n", SLUGS[slug]));
        }
        if !page.aliases.is_empty() {
            let aliases: Vec<&str> = page.aliases.iter().map(|&a| ALIASES[a]).collect();
            text.push_str(&format!("aliases: [{}]\n", aliases.join(", ")));
        }
        if !page.tags.is_empty() {
            let tags: Vec<&str> = page.tags.iter().map(|&t| TAGS[t]).collect();
            text.push_str(&format!("tags: [{}]\n", tags.join(", ")));
        }
        text.push_str("---\nText.\n");
        let folder = if page.folder {
            "content/guide"
        } else {
            "content"
        };
        std::fs::write(dir.join(folder).join(format!("p{i}.md")), text).unwrap();
    }
}

/// Renders the site through the library into a recording writer: every
/// path written, with how many times.
fn render(dir: &std::path::Path) -> Result<BTreeMap<String, usize>, String> {
    let config = Config::load(dir, &Overrides::default()).map_err(|e| e.to_string())?;
    let content = guide::content::load(&config).map_err(|e| e.to_string())?;
    let site = Site::build(&config, content, Bodies::Keep).map_err(|e| e.to_string())?;
    let templates = guide::render::Templates::load(&config).map_err(|e| e.to_string())?;
    let written = Mutex::new(BTreeMap::new());
    guide::render::render_into(
        guide::render::Renderer {
            config: &config,
            site: &site,
            templates: &templates,
        },
        &|_, path, _| {
            *written.lock().unwrap().entry(path).or_insert(0) += 1;
            Ok(())
        },
    )
    .map_err(|e| e.to_string())?;
    Ok(written.into_inner().unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 160, ..ProptestConfig::default() })]

    #[test]
    fn a_path_is_written_once_or_the_build_names_both_claimants(
        pages in proptest::collection::vec(page(), 1..6)
    ) {
        let dir = tempfile::tempdir().unwrap();
        write_site(dir.path(), &pages);
        match render(dir.path()) {
            Ok(written) => {
                let twice: Vec<_> = written.iter().filter(|(_, &n)| n > 1).collect();
                prop_assert!(twice.is_empty(), "written more than once: {twice:?}");
            }
            Err(errors) => {
                for error in errors.split("\n\nerror: ") {
                    prop_assert!(error.contains("-->"), "not located: {error}");
                    let collision = error.contains("would both be published at")
                        || error.contains(", but ")
                        || error.contains("where guide writes the search index")
                        || error.contains("where the pages of the taxonomy");
                    prop_assert!(collision, "not a collision: {error}");
                    // Both claimants named (the search folder is guide's own).
                    let named = error.matches('`').count() >= 4
                        || error.contains("guide's")
                        || error.contains("the site's 404 page")
                        || error.contains("the list of")
                        || error.contains("search index")
                        || error.contains("where the pages of the taxonomy");
                    prop_assert!(named, "a claimant is not named: {error}");
                }
            }
        }
    }
}

/// Two claims on one path, of every kind of claimant against a page: one
/// error each, naming both.
#[test]
fn each_kind_of_claimant_is_named() {
    let cases = [
        ("aliases: [/404.html]", "the site's 404 page"),
        ("aliases: [/atom.xml]", "guide's feed"),
        ("aliases: [/sitemap.xml/]", "guide's sitemap"),
        ("aliases: [/scripts/hello/]", "content/scripts/hello.yaml`"),
        (
            "aliases: [/style.css/]",
            "the static file `static/style.css`",
        ),
        ("tags: [x]\naliases: [/tags/x/]", "the `tags` term `x`"),
        ("tags: [x]\naliases: [/tags/]", "the list of `tags` terms"),
        ("slug: b", "content/guide/b.md`"),
    ];
    for (front, named) in cases {
        let dir = tempfile::tempdir().unwrap();
        write_site(dir.path(), &[]);
        std::fs::write(
            dir.path().join("content/guide/b.md"),
            "---\ntitle: B\n---\n",
        )
        .unwrap();
        let text = format!("---\ntitle: Mine\n{front}\n---\n");
        std::fs::write(dir.path().join("content/guide/mine.md"), text).unwrap();
        let error = render(dir.path()).expect_err(front);
        assert!(error.contains(named), "{front}: {error}");
        assert!(error.contains("content/guide/mine.md"), "{front}: {error}");
        assert_eq!(
            error.matches("error: ").count(),
            0,
            "{front}: one error: {error}"
        );
    }
}
