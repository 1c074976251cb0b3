//! What a published site needs besides pages: the Atom feed, the sitemap,
//! robots.txt, tag pages and alias redirects.

use quick_xml::events::Event;
use quick_xml::Reader;

use crate::assert_contains;
use crate::support::Site;

/// A parsed XML element: its name, attributes, text and children.
#[derive(Debug, Default)]
struct Element {
    name: String,
    attributes: Vec<(String, String)>,
    text: String,
    children: Vec<Element>,
}

impl Element {
    fn children<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> {
        self.children.iter().filter(move |c| c.name == name)
    }

    fn child(&self, name: &str) -> &Element {
        self.children
            .iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("no <{name}> in <{}>", self.name))
    }

    fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Parses a whole XML document with quick-xml, failing on any error.
fn parse(xml: &str) -> Element {
    let mut reader = Reader::from_str(xml);
    let mut stack = vec![Element::default()];
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(start) => stack.push(element(&start)),
            Event::Empty(start) => {
                let element = element(&start);
                stack.last_mut().unwrap().children.push(element);
            }
            Event::End(_) => {
                let done = stack.pop().unwrap();
                stack.last_mut().unwrap().children.push(done);
            }
            Event::Text(text) => {
                let text = text.decode().unwrap();
                let text = quick_xml::escape::unescape(&text).unwrap();
                stack.last_mut().unwrap().text.push_str(&text);
            }
            Event::GeneralRef(reference) => {
                let name = reference.decode().unwrap();
                let character = match name.as_ref() {
                    "lt" => '<',
                    "gt" => '>',
                    "amp" => '&',
                    "quot" => '"',
                    "apos" => '\'',
                    other => other
                        .strip_prefix('#')
                        .and_then(|code| match code.strip_prefix('x') {
                            Some(hex) => u32::from_str_radix(hex, 16).ok(),
                            None => code.parse().ok(),
                        })
                        .and_then(char::from_u32)
                        .unwrap_or_else(|| panic!("unexpected entity &{other};")),
                };
                stack.last_mut().unwrap().text.push(character);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(stack.len(), 1, "unclosed elements");
    stack.pop().unwrap().children.pop().expect("a root element")
}

fn element(start: &quick_xml::events::BytesStart<'_>) -> Element {
    Element {
        name: String::from_utf8(start.name().as_ref().to_vec()).unwrap(),
        attributes: start
            .attributes()
            .map(|a| {
                let a = a.unwrap();
                (
                    String::from_utf8(a.key.as_ref().to_vec()).unwrap(),
                    a.unescape_value().unwrap().into_owned(),
                )
            })
            .collect(),
        ..Element::default()
    }
}

#[test]
fn the_atom_feed_lists_dated_pages_newest_first() {
    let site = Site::fixture("basic");
    site.build();
    let feed = parse(&site.public("atom.xml"));
    assert_eq!(feed.name, "feed");
    assert_eq!(feed.attribute("xmlns"), Some("http://www.w3.org/2005/Atom"));
    assert_eq!(feed.child("title").text, "Fixture");
    assert_eq!(feed.child("id").text, "https://example.org/");
    assert_eq!(feed.child("updated").text, "2026-02-01T00:00:00Z");
    assert!(feed.child("author").child("name").text.len() > 1);
    let entries: Vec<&Element> = feed.children("entry").collect();
    let titles: Vec<&str> = entries
        .iter()
        .map(|e| e.child("title").text.as_str())
        .collect();
    assert_eq!(titles, ["Third steps", "Second steps", "First steps"]);
    let first = entries[2];
    assert_eq!(first.child("id").text, "https://example.org/guide/first/");
    assert_eq!(
        first.child("link").attribute("href"),
        Some("https://example.org/guide/first/")
    );
    assert_eq!(first.child("updated").text, "2026-01-10T00:00:00Z");
    assert_eq!(first.child("summary").text, "The very first steps.");
    let content = &first.child("content");
    assert_eq!(content.attribute("type"), Some("html"));
    assert_contains!(
        content.text,
        "<h2 id=\"why-it-matters\">Why it matters</h2>"
    );
    assert_contains!(content.text, "href=\"https://example.org/guide/second/\"");
}

#[test]
fn the_sitemap_lists_every_page_with_absolute_urls() {
    let site = Site::fixture("basic");
    site.build();
    let sitemap = parse(&site.public("sitemap.xml"));
    let locations: Vec<&str> = sitemap
        .children("url")
        .map(|u| u.child("loc").text.as_str())
        .collect();
    for url in [
        "https://example.org/",
        "https://example.org/guide/",
        "https://example.org/guide/first/",
        "https://example.org/guide/second/",
        "https://example.org/guide/the-third/",
        "https://example.org/scripts/",
        "https://example.org/scripts/hello/",
        "https://example.org/tags/",
        "https://example.org/tags/trust/",
    ] {
        assert!(locations.contains(&url), "{url} missing from {locations:?}");
    }
    let first = sitemap
        .children("url")
        .find(|u| u.child("loc").text.ends_with("/guide/first/"))
        .unwrap();
    assert_eq!(first.child("lastmod").text, "2026-01-10T00:00:00Z");
    assert_contains!(
        site.public("robots.txt"),
        "Sitemap: https://example.org/sitemap.xml"
    );
}

#[test]
fn tag_pages_list_their_pages() {
    let site = Site::fixture("basic");
    site.build();
    let trust = site.public("tags/trust/index.html");
    assert_contains!(trust, "<h1>trust</h1>");
    assert_contains!(trust, "<a class=\"page\" href=\"/guide/first/\">First steps</a><a class=\"page\" href=\"/guide/second/\">Second steps</a>");
    let list = site.public("tags/index.html");
    assert_contains!(
        list,
        "<a class=\"term\" href=\"/tags/mindset/\">Mindset (1)</a>"
    );
    assert_contains!(
        list,
        "<a class=\"term\" href=\"/tags/trust/\">trust (2)</a>"
    );
}

/// A taxonomy declared in site.toml: its terms are written under its id in
/// front matter, and get a list page, term pages, links from the pages,
/// sitemap entries and feed categories, as tags do.
#[test]
fn a_declared_taxonomy_gets_pages_like_tags() {
    let site = Site::fixture("basic");
    let toml = std::fs::read_to_string(site.root().join("site.toml")).unwrap();
    site.write(
        "site.toml",
        &format!(
            "{toml}\n[taxonomies.people]\nlabel = \"People\"\ndescription = \"Who it is with.\"\n"
        ),
    );
    let first = std::fs::read_to_string(site.root().join("content/guide/first.md")).unwrap();
    site.write(
        "content/guide/first.md",
        &first.replace(
            "tags: [Mindset, trust]",
            "tags: [Mindset, trust]\npeople: [Former managers, Peers]",
        ),
    );
    let second = std::fs::read_to_string(site.root().join("content/guide/second.md")).unwrap();
    site.write(
        "content/guide/second.md",
        &second.replacen("---\n", "---\npeople: [Peers]\n", 1),
    );
    site.write(
        "themes/mini/templates/taxonomy_list.html",
        "{{ taxonomy.label }}: {{ taxonomy.description }}|{% for term in terms %}{{ term.name }} ({{ term.count }}) {{ term.url }};{% endfor %}",
    );
    site.write(
        "themes/mini/templates/taxonomy_term.html",
        "{{ taxonomy.id }}/{{ term.name }}|{% for p in term.pages %}{{ p.url }};{% endfor %}|{% for c in breadcrumbs %}{{ c.title }}>{% endfor %}",
    );
    site.write(
        "themes/mini/templates/page.html",
        "{% for t in page.taxonomies %}[{{ t.label }} {{ t.url }}:{% for term in t.terms %} {{ term.name }}={{ term.url }}{% endfor %}]{% endfor %}",
    );
    site.build();

    assert_eq!(
        site.public("people/index.html"),
        "People: Who it is with.|Former managers (1) /people/former-managers/;Peers (2) /people/peers/;"
    );
    assert_eq!(
        site.public("people/peers/index.html"),
        "people/Peers|/guide/first/;/guide/second/;|Home>People>"
    );
    assert_eq!(
        site.public("guide/first/index.html"),
        "[Tags /tags/: Mindset=/tags/mindset/ trust=/tags/trust/]\
         [People /people/: Former managers=/people/former-managers/ Peers=/people/peers/]"
    );
    assert!(site.has("tags/trust/index.html"), "tags lost their pages");
    let sitemap = site.public("sitemap.xml");
    assert_contains!(sitemap, "<loc>https://example.org/people/</loc>");
    assert_contains!(
        sitemap,
        "<loc>https://example.org/people/former-managers/</loc>"
    );
    assert_contains!(
        site.public("atom.xml"),
        "<category term=\"Peers\" scheme=\"https://example.org/people/\"/>"
    );
}

#[test]
fn a_taxonomy_key_that_is_not_declared_is_an_error() {
    let site = Site::fixture("basic");
    let first = std::fs::read_to_string(site.root().join("content/guide/first.md")).unwrap();
    site.write(
        "content/guide/first.md",
        &first.replace(
            "tags: [Mindset, trust]",
            "tags: [Mindset, trust]\npeople: [Peers]",
        ),
    );
    let stderr = site.run(&["build"]).failed().to_string();
    assert_contains!(
        stderr,
        "error: unknown front-matter key `people`\n --> content/guide/first.md:6:1"
    );
    assert_contains!(stderr, "declare a taxonomy");
}

#[test]
fn a_page_where_a_taxonomy_publishes_is_an_error() {
    let site = Site::fixture("basic");
    site.write("content/tags/hello.md", "---\ntitle: Hello\n---\nHi.\n");
    let stderr = site.run(&["build"]).failed().to_string();
    assert_contains!(
        stderr,
        "this would be published at /tags/hello/, where the pages of the taxonomy `tags` go"
    );
}

#[test]
fn aliases_redirect_to_the_page() {
    let site = Site::fixture("basic");
    site.build();
    for path in ["old/first/index.html", "first.html"] {
        let page = site.public(path);
        assert_contains!(
            page,
            "<link rel=\"canonical\" href=\"https://example.org/guide/first/\">"
        );
        assert_contains!(
            page,
            "<meta http-equiv=\"refresh\" content=\"0; url=https://example.org/guide/first/\">"
        );
    }
}

#[test]
fn an_alias_over_a_page_is_an_error() {
    let site = Site::fixture("basic");
    site.write(
        "content/guide/second.md",
        "---\ntitle: Second steps\naliases: [/guide/first/]\n---\n",
    );
    let err = site.run(&["build"]).failed().to_string();
    assert_contains!(
        err,
        "error: `content/guide/first.md` and the alias `/guide/first/` of `content/guide/second.md` would both be published at /guide/first/\n --> content/guide/second.md:3:11"
    );
}

/// A script's `tags:` are terms like a page's: every tagged script of the
/// bundled guide has a card on each of its terms' pages.
#[test]
fn tagged_scripts_are_listed_on_their_term_pages() {
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let run = crate::support::build_bundled(&public, &["--base-url", "https://example.org/"]);
    assert!(run.ok, "{}", run.stderr);
    let config = guide::config::Config::load(
        &crate::support::repo(),
        &guide::config::Overrides::default(),
    )
    .unwrap();
    let content = guide::content::load(&config).unwrap();
    let (scripts, _) = guide::script::load(&config, &content.scripts).unwrap();
    let tagged: Vec<_> = scripts.iter().filter(|s| !s.tags.is_empty()).collect();
    assert!(tagged.len() >= 10, "only {} tagged scripts", tagged.len());
    for script in tagged {
        for tag in &script.tags {
            let slug = guide::slug::slugify(tag);
            let page = std::fs::read_to_string(public.join(format!("tags/{slug}/index.html")))
                .unwrap_or_else(|e| panic!("no term page for `{tag}` of {}: {e}", script.slug));
            assert!(
                page.contains(&format!("href=\"{}\"", script.url)) && page.contains("script-card"),
                "/tags/{slug}/ has no card for the script `{}`",
                script.slug
            );
        }
    }
}

/// The feed, the sitemap and robots.txt are templates: a site's own
/// `atom.xml` replaces guide's, and sees the same variables.
#[test]
fn a_site_template_atom_xml_replaces_the_built_in_feed() {
    let site = Site::fixture("basic");
    site.write(
        "templates/atom.xml",
        "<feed by=\"{{ author }}\" at=\"{{ feed_url }}\" updated=\"{{ last_updated }}\">\
         {% for entry in entries %}<e t=\"{{ entry.title }}\" p=\"{{ entry.permalink }}\" \
         d=\"{{ entry.published }}\" c=\"{{ entry.categories | length }}\"/>{% endfor %}</feed>\n",
    );
    site.build();
    let feed = parse(&site.public("atom.xml"));
    assert_eq!(feed.attribute("at"), Some("https://example.org/atom.xml"));
    assert_eq!(feed.attribute("updated"), Some("2026-02-01T00:00:00Z"));
    let first = feed
        .children("e")
        .find(|e| e.attribute("t") == Some("First steps"))
        .expect("the first page is in the site's feed");
    assert_eq!(
        first.attribute("p"),
        Some("https://example.org/guide/first/")
    );
    assert_eq!(first.attribute("d"), Some("2026-01-10T00:00:00Z"));
    assert_eq!(first.attribute("c"), Some("2"));
    // The sitemap and robots.txt are still guide's.
    assert_contains!(site.public("sitemap.xml"), "<urlset xmlns=");
    assert_contains!(
        site.public("robots.txt"),
        "Sitemap: https://example.org/sitemap.xml"
    );
}

/// A theme's `sitemap.xml` and `robots.txt` replace guide's; the site's own
/// would replace the theme's.
#[test]
fn a_themes_sitemap_and_robots_replace_the_built_in_ones() {
    let site = Site::fixture("basic");
    site.write(
        "themes/mini/templates/sitemap.xml",
        "<urls>{% for entry in entries %}<u loc=\"{{ entry.permalink }}\"{% if entry.lastmod %} mod=\"{{ entry.lastmod }}\"{% endif %}/>{% endfor %}</urls>\n",
    );
    site.write(
        "themes/mini/templates/robots.txt",
        "User-agent: *\nDisallow: /scripts/\nSitemap: {{ sitemap_url }}\n",
    );
    site.build();
    let sitemap = parse(&site.public("sitemap.xml"));
    assert_eq!(sitemap.name, "urls");
    let first = sitemap
        .children("u")
        .find(|u| u.attribute("loc") == Some("https://example.org/guide/first/"))
        .expect("the first page is in the theme's sitemap");
    assert_eq!(first.attribute("mod"), Some("2026-01-10T00:00:00Z"));
    assert_eq!(
        site.public("robots.txt"),
        "User-agent: *\nDisallow: /scripts/\nSitemap: https://example.org/sitemap.xml\n"
    );

    site.write("templates/robots.txt", "User-agent: *\nAllow: /\n");
    site.build();
    assert_eq!(site.public("robots.txt"), "User-agent: *\nAllow: /\n");
}

/// A mistake in a feed template is a located error like any template's,
/// and nothing is written.
#[test]
fn a_broken_feed_template_is_a_located_error() {
    let site = Site::fixture("basic");
    site.build();
    let before = site.public("atom.xml");
    site.write(
        "templates/atom.xml",
        "<feed>\n{{ entries | no_such_filter }}</feed>\n",
    );
    let run = site.run(&["build"]);
    let stderr = run.failed();
    assert_contains!(stderr, "templates/atom.xml");
    assert_contains!(stderr, "no_such_filter");
    assert_eq!(
        site.public("atom.xml"),
        before,
        "the last good feed is kept"
    );

    site.write(
        "templates/atom.xml",
        "<feed>{{ entries.nothing.here }}</feed>\n",
    );
    let run = site.run(&["build"]);
    assert_contains!(run.failed(), "templates/atom.xml:1:");
}

/// guide's templates escape all five markup characters, as its pages'
/// writers do, so a title with an apostrophe or an ampersand stays one.
#[test]
fn the_built_in_feed_escapes_titles_and_content() {
    let site = Site::fixture("basic");
    site.write(
        "content/guide/quotes.md",
        "---\ntitle: Don't say \"sorry\" & <run>\ndate: 2026-03-01\n---\nIt's <b>fine</b>.\n",
    );
    site.build();
    let text = site.public("atom.xml");
    assert_contains!(
        text,
        "<title>Don&#39;t say &quot;sorry&quot; &amp; &lt;run&gt;</title>"
    );
    let feed = parse(&text);
    let entry = feed.children("entry").next().unwrap();
    assert_eq!(entry.child("title").text, "Don't say \"sorry\" & <run>");
    assert_contains!(entry.child("content").text, "fine</b>");
}
