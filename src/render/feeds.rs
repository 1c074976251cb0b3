//! What every published site needs besides its pages: the Atom feed, the
//! sitemap, robots.txt, tag pages and redirects from old URLs (aliases).
//!
//! The feed, the sitemap and robots.txt are templates like any other
//! (`atom.xml`, `sitemap.xml`, `robots.txt`): guide's own, in
//! `render/builtin/`, are found last, so a site's or theme's template of the
//! same name replaces them. This module gathers what they show; they are
//! rendered with guide's escaping of all five markup characters
//! ([`crate::escape`]), so the feed reads the same whoever writes it.

use serde::Serialize;
use tera::Context;

use super::share::Subject;
use super::templates::{Engine, Templates};

use super::context::{LinkView, PageView, Views};
use super::output_path;
use crate::config::Config;
use crate::content::{Document, Kind};
use crate::error::{Error, Result};
use crate::escape::escape;
use crate::site::{taxonomy_url, term_url, Site};

/// The feed's path in the output.
pub const ATOM: &str = "atom.xml";

/// A front-matter date as an RFC 3339 timestamp (`2026-02-14` →
/// `2026-02-14T00:00:00Z`).
fn rfc3339(sort_key: i64) -> String {
    jiff::Timestamp::from_second(sort_key)
        .map(|t| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".into())
}

/// When a document last changed, as a sort key: `updated`, else `date`.
fn last_change(document: &Document) -> Option<i64> {
    document
        .meta
        .updated
        .as_ref()
        .or(document.meta.date.as_ref())
        .map(|d| d.sort_key)
}

/// Tera's escape function for the feed, the sitemap and robots.txt:
/// guide's own, which writes `'` as `&#39;` too (Tera's fast escape leaves
/// it), so that a template of the site, the theme or guide escapes alike.
pub fn escape_markup(text: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    out.write_all(escape(text).as_bytes())
}

/// The path of the sitemap in the output.
pub const SITEMAP: &str = "sitemap.xml";

/// The path of robots.txt in the output.
pub const ROBOTS: &str = "robots.txt";

/// One entry of the feed, as `atom.xml` sees it.
#[derive(Serialize)]
struct FeedEntry<'a> {
    title: &'a str,
    permalink: String,
    /// RFC 3339; null when the page has no `date` (never, today: the
    /// feed lists dated pages only).
    published: Option<String>,
    /// RFC 3339: `updated`, else `date`.
    updated: String,
    summary: Option<&'a str>,
    categories: Vec<FeedCategory<'a>>,
    /// The page's HTML with absolute links, each embedded script as a link.
    content: String,
}

/// A taxonomy term of a feed entry: the term and its taxonomy's page.
#[derive(Serialize)]
struct FeedCategory<'a> {
    term: &'a str,
    scheme: String,
}

/// The Atom feed (RFC 4287) of the newest dated pages, rendered by the
/// template `atom.xml` (the site's, the theme's or guide's own).
pub fn atom(config: &Config, site: &Site, templates: &Templates, tera: &Engine) -> Result<String> {
    let mut pages: Vec<usize> = (0..site.documents.len())
        .filter(|&i| site.documents[i].kind == Kind::Page)
        .filter(|&i| site.documents[i].meta.date.is_some())
        .collect();
    pages.sort_by_key(|&i| std::cmp::Reverse(last_change(&site.documents[i])));
    pages.truncate(config.feed_limit);
    let updated = pages
        .iter()
        .filter_map(|&i| last_change(&site.documents[i]))
        .max()
        .unwrap_or(0);
    let author = config
        .extra
        .get("author")
        .and_then(|a| a.as_str())
        .unwrap_or(&config.title);
    let fill_in = templates.text(&config.language, FILL_IN.0, FILL_IN.1);
    let entries: Vec<FeedEntry<'_>> = pages
        .iter()
        .map(|&index| feed_entry(config, site, index, fill_in))
        .collect();
    let mut context = Context::new();
    context.insert("feed_url", &format!("{}{ATOM}", config.base_url));
    context.insert("last_updated", &rfc3339(updated));
    context.insert("author", author);
    context.insert("entries", &entries);
    super::templates::render(config, tera, ATOM, &context, None)
}

/// The feed's view of the document at `index`.
fn feed_entry<'a>(config: &Config, site: &'a Site, index: usize, fill_in: &str) -> FeedEntry<'a> {
    let page = &site.documents[index];
    let categories = page
        .meta
        .terms
        .iter()
        .flat_map(|(taxonomy, names)| {
            let scheme = config.permalink(&taxonomy_url(config, taxonomy));
            names.iter().map(move |name| FeedCategory {
                term: name,
                scheme: scheme.clone(),
            })
        })
        .collect();
    FeedEntry {
        title: &page.title,
        permalink: config.permalink(&page.url),
        published: page.meta.date.as_ref().map(|date| rfc3339(date.sort_key)),
        updated: rfc3339(last_change(page).unwrap_or(0)),
        summary: page.meta.description.as_deref(),
        categories,
        content: absolute_links(config, &embeds_as_links(site, index, fill_in)),
    }
}

/// The theme string of the link that stands for a script's form in a feed
/// (and in guide's own embed partial), and its English default.
const FILL_IN: (&str, &str) = ("guide.fill_in", "Fill in “{title}” on its own page");

/// A document's HTML for the feed: each embedded script (a form, which a
/// feed reader cannot run) becomes a link to the script's own page, whose
/// words are `fill_in` (with `{title}`, the script's title).
fn embeds_as_links(site: &Site, index: usize, fill_in: &str) -> String {
    let rendered = &site.rendered[index];
    let mut html = rendered.html.clone();
    for (i, embed) in rendered.embeds.iter().enumerate() {
        let slug = &embed.slug.0;
        let link = match site.scripts.iter().find(|s| s.slug == *slug) {
            Some(script) => format!(
                "<p><a href=\"{}\">{}</a></p>",
                escape(&script.url),
                escape(&fill_in.replace("{title}", &script.title))
            ),
            None => String::new(),
        };
        html = html.replace(&crate::markdown::embed_marker(i), &link);
    }
    html
}

/// Makes root-relative links absolute, since feed readers show content away
/// from the site.
fn absolute_links(config: &Config, html: &str) -> String {
    let origin = config.permalink("");
    html.replace("href=\"/", &format!("href=\"{origin}/"))
        .replace("src=\"/", &format!("src=\"{origin}/"))
}

/// One URL of the sitemap, as `sitemap.xml` sees it.
#[derive(Serialize)]
struct SitemapEntry {
    permalink: String,
    /// RFC 3339, where a date is known.
    lastmod: Option<String>,
    /// The page in every language of the site (empty for a site in one),
    /// each with `language` and `permalink`.
    alternates: Vec<Alternate>,
}

#[derive(Serialize)]
struct Alternate {
    language: String,
    permalink: String,
}

/// The sitemap: every page, section, script and tag page, with `lastmod`
/// where a date is known, then every page of the site's other languages,
/// each page with its alternates in every language; rendered by the
/// template `sitemap.xml`.
pub fn sitemap(config: &Config, site: &Site, tera: &Engine) -> Result<String> {
    let alternates = |relative: &str| -> Vec<Alternate> {
        let versions = &*site.versions;
        let Some(pages) = versions.of(relative) else {
            return Vec::new();
        };
        pages
            .iter()
            .zip(&versions.languages)
            .filter_map(|(version, home)| {
                Some(Alternate {
                    language: home.tag.clone(),
                    permalink: config.permalink(&version.as_ref()?.url),
                })
            })
            .collect()
    };
    let entry = |url: &str, lastmod: Option<i64>, relative: Option<&str>| SitemapEntry {
        permalink: config.permalink(url),
        lastmod: lastmod.map(rfc3339),
        alternates: relative.map_or_else(Vec::new, alternates),
    };
    let mut entries = Vec::with_capacity(site.documents.len() + site.scripts.len());
    for document in &site.documents {
        entries.push(entry(
            &document.url,
            last_change(document),
            Some(&document.relative),
        ));
    }
    for script in &site.scripts {
        entries.push(entry(&script.url, None, Some(&script.relative)));
    }
    for taxonomy in &site.taxonomies {
        entries.push(entry(&taxonomy_url(config, &taxonomy.id), None, None));
        for term in &taxonomy.terms {
            entries.push(entry(
                &term_url(config, &taxonomy.id, &term.slug),
                None,
                None,
            ));
        }
    }
    for place in 1..site.versions.languages.len() {
        let nodes = site
            .documents
            .iter()
            .map(|d| (d.relative.as_str(), last_change(d)));
        let nodes = nodes.chain(site.scripts.iter().map(|s| (s.relative.as_str(), None)));
        for (relative, lastmod) in nodes {
            let version = site.versions.of(relative).and_then(|v| v[place].as_ref());
            if let Some(version) = version {
                entries.push(entry(&version.url, lastmod, Some(relative)));
            }
        }
    }
    let mut context = Context::new();
    context.insert("entries", &entries);
    super::templates::render(config, tera, SITEMAP, &context, None)
}

/// robots.txt, pointing crawlers at the sitemap, rendered by the template
/// `robots.txt`.
pub fn robots(config: &Config, tera: &Engine) -> Result<String> {
    let mut context = Context::new();
    context.insert("sitemap_url", &format!("{}{SITEMAP}", config.base_url));
    super::templates::render(config, tera, ROBOTS, &context, None)
}

/// `taxonomy` in `taxonomy_list.html` and `taxonomy_term.html`.
#[derive(Serialize)]
struct TaxonomyView<'a> {
    id: &'a str,
    label: &'a str,
    description: Option<&'a str>,
    url: String,
}

#[derive(Serialize)]
struct TermView<'a> {
    name: &'a str,
    label: &'a str,
    slug: &'a str,
    url: String,
    count: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pages: Option<Vec<PageView<'a>>>,
    /// The scripts filed under the term, as cards.
    #[serde(skip_serializing_if = "Option::is_none")]
    scripts: Option<Vec<super::scripts::ScriptCard<'a>>>,
}

/// A term of the site: (taxonomy, term) indices into [`Site::taxonomies`].
pub type TermRef = (usize, usize);

/// Which taxonomy pages to render: the lists of these taxonomies (indices
/// into the site's taxonomies) and the pages of these terms.
#[derive(Debug, Clone, Copy)]
pub struct Chosen<'a> {
    pub lists: &'a [usize],
    pub terms: &'a [TermRef],
}

/// The taxonomy pages: for each taxonomy, `/<id>/` (`taxonomy_list.html`,
/// with `taxonomy` and `terms`) and one page per term
/// (`taxonomy_term.html`, with `taxonomy`, `term` and its `pages`), when
/// the theme has those templates. `only` limits them to the chosen lists
/// and terms, for incremental updates.
pub fn render_taxonomies(
    views: &Views<'_>,
    tera: &Engine,
    templates: &super::Templates,
    only: Option<Chosen<'_>>,
) -> Result<Vec<(String, Vec<u8>)>> {
    let site = views.site;
    let pages = TaxonomyPages {
        views,
        tera,
        templates,
    };
    let mut files = Vec::new();
    if tera.contains_template("taxonomy_list.html") {
        let lists: Vec<usize> = match only {
            Some(chosen) => chosen.lists.to_vec(),
            None => (0..site.taxonomies.len()).collect(),
        };
        for t in lists {
            files.push(pages.list(t)?);
        }
    }
    if tera.contains_template("taxonomy_term.html") {
        let chosen: Vec<TermRef> = match only {
            Some(chosen) => chosen.terms.to_vec(),
            None => (0..site.taxonomies.len())
                .flat_map(|t| (0..site.taxonomies[t].terms.len()).map(move |i| (t, i)))
                .collect(),
        };
        for term in chosen {
            files.push(pages.term(term)?);
        }
    }
    Ok(files)
}

/// What renders the pages of the taxonomies.
struct TaxonomyPages<'a> {
    views: &'a Views<'a>,
    tera: &'a Engine,
    templates: &'a super::Templates,
}

impl<'a> TaxonomyPages<'a> {
    /// `/<id>/`: the taxonomy and its terms, without their pages.
    fn list(&self, t: usize) -> Result<(String, Vec<u8>)> {
        let terms: Vec<TermView<'_>> = (0..self.views.site.taxonomies[t].terms.len())
            .map(|i| self.term_view((t, i), false))
            .collect();
        let taxonomy = self.taxonomy_view(t);
        let mut context = Context::new();
        context.insert("taxonomy", &taxonomy);
        context.insert("terms", &terms);
        let page = Subject::of(&taxonomy.url, taxonomy.label);
        self.render("taxonomy_list.html", page, None, &mut context)
    }

    /// `/<id>/<term>/`: the term with its pages and scripts.
    fn term(&self, (t, i): TermRef) -> Result<(String, Vec<u8>)> {
        let term = self.term_view((t, i), true);
        let taxonomy = self.taxonomy_view(t);
        let mut context = Context::new();
        context.insert("taxonomy", &taxonomy);
        context.insert("term", &term);
        let title = format!("{}: {}", taxonomy.label, term.label);
        let page = Subject::of(&term.url, &title);
        self.render("taxonomy_term.html", page, Some(&taxonomy), &mut context)
    }

    fn taxonomy_view(&self, t: usize) -> TaxonomyView<'a> {
        let (config, site) = (self.views.config, self.views.site);
        let id = site.taxonomies[t].id.as_str();
        let declared = config.taxonomy(id);
        TaxonomyView {
            id,
            label: declared.map_or(id, |d| d.label.as_str()),
            description: declared.and_then(|d| d.description.as_deref()),
            url: taxonomy_url(config, id),
        }
    }

    fn term_view(&self, (t, i): TermRef, pages: bool) -> TermView<'a> {
        let views = self.views;
        let taxonomy = &views.site.taxonomies[t];
        let term = &taxonomy.terms[i];
        TermView {
            name: &term.name,
            label: &term.label,
            slug: &term.slug,
            url: term_url(views.config, &taxonomy.id, &term.slug),
            count: term.pages.len() + term.scripts.len(),
            pages: pages.then(|| term.pages.iter().map(|&p| views.page(p, false)).collect()),
            scripts: pages.then(|| term.scripts.iter().map(|&s| views.script_card(s)).collect()),
        }
    }

    /// Renders one taxonomy page; a term page's breadcrumbs lead through
    /// its taxonomy's list.
    fn render(
        &self,
        template: &str,
        page: Subject<'_>,
        through: Option<&TaxonomyView<'_>>,
        context: &mut Context,
    ) -> Result<(String, Vec<u8>)> {
        let (config, templates) = (self.views.config, self.templates);
        let url = page.url;
        context.insert("current_url", &config.permalink(url));
        context.insert("current_path", url);
        let mut crumbs: Vec<LinkView<'_>> = self.views.home_crumb();
        if let Some(taxonomy) = through {
            crumbs.push(LinkView {
                title: taxonomy.label,
                url: &taxonomy.url,
            });
        }
        if templates.shares() {
            let subject = Subject {
                crumbs: &crumbs,
                ..page
            };
            context.insert(
                "share",
                &super::share::view(self.views.renderer(templates), &subject),
            );
        }
        context.insert("breadcrumbs", &crumbs);
        let html = super::templates::render(config, self.tera, template, context, None)?;
        Ok((output_path(config, url), html.into_bytes()))
    }
}

/// Redirect pages for every alias: a meta refresh and a canonical link to
/// the page's URL. An alias over a real page is an error.
pub fn aliases(config: &Config, site: &Site) -> Result<Vec<(String, Vec<u8>)>> {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for document in &site.documents {
        for alias in document.meta.aliases.iter().map(|a| a.0.as_str()) {
            // Collisions with other outputs are the plan's to report
            // (`render::plan`); here only an alias that is no path at all.
            let Some(path) = alias_path(alias) else {
                let found = document.source.lines().enumerate().find_map(|(i, line)| {
                    line.find(alias)
                        .map(|column| (i + 1, line[..column].chars().count() + 1))
                });
                let message = format!("alias `{alias}` is not a path on this site");
                let diagnostic = match found {
                    Some((line, column)) => crate::error::Diagnostic::at(
                        &document.path,
                        &document.source,
                        line,
                        column,
                        message,
                    )
                    .width(alias.chars().count()),
                    None => crate::error::Diagnostic::file(&document.path, message),
                };
                errors.push(
                    diagnostic
                        .help("write aliases as site paths, such as `/old/url/`")
                        .into(),
                );
                continue;
            };
            let target = escape(&config.permalink(&document.url));
            let html = format!(
                "<!doctype html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><title>Moved: {}</title>\n<link rel=\"canonical\" href=\"{target}\">\n<meta http-equiv=\"refresh\" content=\"0; url={target}\">\n<meta name=\"robots\" content=\"noindex\"></head>\n<body><p>This page has moved to <a href=\"{target}\">{target}</a>.</p></body></html>\n",
                escape(&config.language),
                escape(&document.title)
            );
            files.push((path, html.into_bytes()));
        }
    }
    Error::collect(errors)?;
    Ok(files)
}

/// The path of the `_redirects` file (`[aliases] redirects_file`).
pub const REDIRECTS: &str = "_redirects";

/// Every alias as a line of a `_redirects` file (`/old/ /guide/new/ 301`),
/// which Netlify, Cloudflare Pages and other hosts read to answer with real
/// 301s; the redirect pages stay for hosts that do not.
pub fn redirects(config: &Config, site: &Site) -> String {
    const SPACES: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS.add(b' ');
    let mut text = String::from("# Made by guide from the pages' aliases.\n");
    for document in &site.documents {
        for alias in document.meta.aliases.iter().map(|a| a.0.trim()) {
            if alias_path(alias).is_none() {
                continue;
            }
            let from = format!("{}{}", config.base_path, alias.trim_start_matches('/'));
            let from = percent_encoding::utf8_percent_encode(&from, SPACES);
            let to = percent_encoding::utf8_percent_encode(&document.url, SPACES);
            text.push_str(&format!("{from} {to} 301\n"));
        }
    }
    text
}

/// The output file of an alias: `/old/url/` → `old/url/index.html`,
/// `/old.html` → `old.html`; `None` for anything that leaves the site.
pub fn alias_path(alias: &str) -> Option<String> {
    let trimmed = alias.trim().trim_start_matches('/');
    if trimmed.contains("://")
        || trimmed.split('/').any(|s| s == ".." || s == ".")
        || trimmed.contains('\\')
    {
        return None;
    }
    if trimmed.is_empty() {
        return None;
    }
    if trimmed.ends_with(".html") {
        Some(trimmed.to_string())
    } else {
        Some(format!("{}/index.html", trimmed.trim_end_matches('/')))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_map_to_files_inside_the_site() {
        assert_eq!(
            alias_path("/old/url/").as_deref(),
            Some("old/url/index.html")
        );
        assert_eq!(alias_path("/old.html").as_deref(), Some("old.html"));
        assert_eq!(alias_path("/../etc/"), None);
        assert_eq!(alias_path("https://elsewhere.org/"), None);
        assert_eq!(alias_path("/"), None);
    }

    #[test]
    fn redirects_are_one_line_each() {
        let line = |from: &str, to: &str| format!("{from} {to} 301");
        assert_eq!(line("/a/", "/b/"), "/a/ /b/ 301");
    }

    #[test]
    fn dates_become_rfc3339() {
        let date = crate::content::frontmatter::Date::parse("2026-02-14").unwrap();
        assert_eq!(rfc3339(date.sort_key), "2026-02-14T00:00:00Z");
    }
}
