//! The bundled guide built for a subpath (`--base-url
//! https://example.org/mending/`), as the README's publishing steps do:
//! sharing metadata on every page, JSON-LD that parses, and offline reading
//! whose every URL stays under the subpath.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde_json::Value;

use crate::support::{build_bundled, snapshot, Run};

const BASE: &str = "https://example.org/mending/";

/// The bundled guide built once for `BASE`: its files and the build's output.
fn built() -> &'static (BTreeMap<String, Vec<u8>>, Run) {
    static BUILT: OnceLock<(BTreeMap<String, Vec<u8>>, Run)> = OnceLock::new();
    BUILT.get_or_init(|| {
        let temp = tempfile::tempdir().unwrap();
        let public = temp.path().join("public");
        let run = build_bundled(&public, &["--base-url", BASE]);
        assert!(run.ok, "build failed:\n{}", run.stderr);
        (snapshot(&public), run)
    })
}

fn text(path: &str) -> String {
    String::from_utf8_lossy(&built().0[path]).into_owned()
}

/// The `content` of `<meta property|name="key" content="…">`, unescaped enough for URLs.
fn meta(html: &str, key: &str) -> Option<String> {
    ["property", "name"].iter().find_map(|attribute| {
        let start = format!("<meta {attribute}=\"{key}\" content=\"");
        let at = html.find(&start)? + start.len();
        let end = html[at..].find('"')?;
        Some(
            html[at..at + end]
                .replace("&amp;", "&")
                .replace("&#x2F;", "/"),
        )
    })
}

/// The pages readers see: every HTML file but alias redirects.
fn pages() -> Vec<(&'static str, String)> {
    built()
        .0
        .iter()
        .filter(|(path, _)| path.ends_with(".html"))
        .map(|(path, bytes)| (path.as_str(), String::from_utf8_lossy(bytes).into_owned()))
        .filter(|(_, html)| !html.contains("http-equiv=\"refresh\""))
        .collect()
}

/// The file an absolute URL of the site names.
fn file_of(url: &str) -> String {
    let path = url
        .strip_prefix(BASE)
        .unwrap_or_else(|| panic!("{url} is not under {BASE}"));
    let path = path.split(['?', '#']).next().unwrap();
    if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.to_string()
    }
}

#[test]
fn every_page_has_open_graph_tags_with_absolute_urls_and_an_image_that_exists() {
    let pages = pages();
    assert!(pages.len() > 40, "{}", pages.len());
    for (path, html) in &pages {
        for key in [
            "og:title",
            "og:description",
            "og:url",
            "og:type",
            "og:image",
            "og:image:width",
            "og:image:height",
            "og:locale",
            "twitter:card",
            "twitter:image",
        ] {
            let value = meta(html, key).unwrap_or_else(|| panic!("{path} has no {key}"));
            assert!(!value.trim().is_empty(), "{path}: empty {key}");
        }
        let url = meta(html, "og:url").unwrap();
        assert!(url.starts_with(BASE), "{path}: og:url {url}");
        assert_eq!(file_of(&url), *path, "{path}: og:url names another page");
        let image = meta(html, "og:image").unwrap();
        assert!(
            built().0.contains_key(&file_of(&image)),
            "{path}: og:image {image} is not a file of the site"
        );
        assert_eq!(
            meta(html, "og:image:width").as_deref(),
            Some("1200"),
            "{path}"
        );
        assert_eq!(
            meta(html, "og:image:height").as_deref(),
            Some("630"),
            "{path}"
        );
        // Each language's pages are in their language.
        let locale = if path.starts_with("es/") { "es" } else { "en" };
        assert_eq!(meta(html, "og:locale").as_deref(), Some(locale), "{path}");
    }
}

/// The JSON-LD items of a page.
fn json_ld(html: &str) -> Vec<Value> {
    let open = "<script type=\"application/ld+json\">";
    let Some(at) = html.find(open) else {
        return Vec::new();
    };
    let body = &html[at + open.len()..];
    let body = &body[..body.find("</script>").unwrap()];
    match serde_json::from_str(body)
        .unwrap_or_else(|e| panic!("JSON-LD does not parse: {e}\n{body}"))
    {
        Value::Array(items) => items,
        other => vec![other],
    }
}

fn of_type<'a>(items: &'a [Value], kind: &str) -> Option<&'a Value> {
    items.iter().find(|item| item["@type"] == kind)
}

#[test]
fn json_ld_parses_and_has_the_keys_its_types_require() {
    let home = json_ld(&text("index.html"));
    let site = of_type(&home, "WebSite").expect("the home page is a WebSite");
    assert_eq!(site["@context"], "https://schema.org");
    assert_eq!(site["url"], BASE);
    assert!(site["name"].is_string());
    let action = &site["potentialAction"];
    assert_eq!(action["@type"], "SearchAction");
    let target = action["target"]["urlTemplate"].as_str().unwrap();
    assert!(
        target.starts_with(BASE) && target.contains("{search_term_string}"),
        "{target}"
    );
    assert_eq!(action["query-input"], "required name=search_term_string");

    let (mut articles, mut trails) = (0, 0);
    for (path, html) in pages() {
        let items = json_ld(&html);
        for item in &items {
            assert_eq!(item["@context"], "https://schema.org", "{path}");
        }
        if let Some(article) = of_type(&items, "Article") {
            articles += 1;
            for key in [
                "headline",
                "datePublished",
                "dateModified",
                "author",
                "image",
                "url",
            ] {
                assert!(!article[key].is_null(), "{path}: Article without {key}");
            }
            assert!(
                html.contains("<meta property=\"og:type\" content=\"article\">"),
                "{path}"
            );
        }
        if let Some(trail) = of_type(&items, "BreadcrumbList") {
            trails += 1;
            let list = trail["itemListElement"].as_array().unwrap();
            assert!(list.len() >= 2, "{path}: {list:?}");
            for (i, item) in list.iter().enumerate() {
                assert_eq!(item["@type"], "ListItem");
                assert_eq!(item["position"], i + 1);
                assert!(item["name"].is_string());
                let url = item["item"].as_str().unwrap();
                assert!(built().0.contains_key(&file_of(url)), "{path}: crumb {url}");
            }
            assert_eq!(
                list.last().unwrap()["item"].as_str().map(file_of),
                Some(path.to_string())
            );
        }
    }
    assert!(articles >= 5, "{articles} dated pages have an Article");
    assert!(trails >= 40, "{trails} pages have breadcrumbs");
}

#[test]
fn offline_reading_works_under_the_subpath() {
    let manifest: Value = serde_json::from_str(&text("manifest.webmanifest")).unwrap();
    assert_eq!(manifest["start_url"], "/mending/");
    assert_eq!(manifest["scope"], "/mending/");
    assert_eq!(manifest["lang"], "en");
    assert_eq!(manifest["short_name"], "Mending");
    for icon in manifest["icons"].as_array().unwrap() {
        let src = icon["src"].as_str().unwrap();
        let file = src.strip_prefix("/mending/").unwrap();
        assert!(built().0.contains_key(file), "icon {src}");
    }
    assert_eq!(manifest["icons"].as_array().unwrap().len(), 2);

    let worker = text("sw.js");
    let list = worker
        .lines()
        .find_map(|l| l.strip_prefix("const PRECACHE = "))
        .expect("the worker lists what it precaches");
    let urls: Vec<String> = serde_json::from_str(list.trim_end_matches(';')).unwrap();
    for url in &urls {
        let absolute = format!("https://example.org{url}");
        assert!(
            built().0.contains_key(&file_of(&absolute)),
            "precached {url} is no file"
        );
    }
    for needed in [
        "/mending/",
        "/mending/offline.html",
        "/mending/css/style.css",
        "/mending/js/script-page.js",
        "/mending/js/offline.js",
        "/mending/pagefind/pagefind.js",
        "/mending/pagefind/pagefind-entry.json",
        "/mending/scripts/coffee-ask/",
    ] {
        assert!(
            urls.iter().any(|u| u == needed),
            "{needed} is not precached"
        );
    }
    assert!(!urls.iter().any(|u| u.contains("/pagefind/fragment/")));
    assert!(
        worker.contains("const PREFIX = \"guide:/mending/:\";"),
        "{worker}"
    );
    assert!(worker.contains("const OFFLINE = \"/mending/offline.html\";"));
    // Every page registers the worker and links the manifest.
    let home = text("index.html");
    assert!(
        home.contains("<link rel=\"manifest\" href=\"/mending/manifest.webmanifest\">"),
        "{home}"
    );
    assert!(home.contains("/mending/js/offline.js"));
    // The build says what readers download.
    assert!(
        built().1.stdout.contains("; offline: "),
        "{}",
        built().1.stdout
    );
    assert!(
        built().1.stdout.contains(&format!("{} files", urls.len())),
        "{}",
        built().1.stdout
    );
}
