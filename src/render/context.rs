//! What templates see: borrowed views of the Site model, serialized into
//! Tera contexts. Built per render call from references; nothing of the whole
//! site is cloned into a page's context.

use std::borrow::Cow;

use serde::Serialize;
use serde_json::Value;

use super::scripts::ScriptCard;
pub use super::views::Views;
use crate::config::Config;
use crate::content::{Document, Kind};
use crate::markdown::Heading;

/// `config` in every template.
#[derive(Serialize)]
pub struct ConfigView<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub base_url: &'a str,
    /// The path of the language's home (`/`, `/es/`): where its feed and
    /// its search index are.
    pub base_path: &'a str,
    pub language: &'a str,
    /// Every language of the site, its own first, as BCP 47 tags.
    pub languages: Vec<&'a str>,
    /// Whether the site has a search index (`[search] enabled`).
    pub search: bool,
    /// Whether pages register the service worker and link the manifest
    /// (`[offline] enabled`, and never under `serve`).
    pub offline: bool,
    /// The manifest's theme colour, for `<meta name="theme-color">`.
    pub theme_color: &'a str,
    pub extra: &'a Value,
}

impl<'a> ConfigView<'a> {
    pub fn new(config: &'a Config) -> Self {
        ConfigView {
            title: &config.title,
            description: &config.description,
            base_url: &config.base_url,
            base_path: &config.base_path,
            language: &config.language,
            languages: config.languages.iter().map(|l| l.tag.as_str()).collect(),
            search: config.search,
            offline: config.offline.enabled && !config.serving,
            theme_color: &config.offline.theme_color,
            extra: &config.extra,
        }
    }
}

/// A link with a title: menus, breadcrumbs, previous and next.
#[derive(Serialize)]
pub struct LinkView<'a> {
    pub title: &'a str,
    pub url: &'a str,
}

/// A term a page is filed under (a tag, or a term of another taxonomy).
#[derive(Serialize)]
pub struct TagView<'a> {
    /// The term's spelling ([`crate::site::Term::name`]), the same on every page.
    pub name: &'a str,
    /// Its title, with a capital first letter ([`crate::site::Term::label`]).
    pub label: &'a str,
    pub slug: String,
    pub url: String,
}

/// A taxonomy a page has terms in, with those terms.
#[derive(Serialize)]
pub struct PageTaxonomyView<'a> {
    pub id: &'a str,
    pub label: &'a str,
    pub url: String,
    pub terms: Vec<TagView<'a>>,
}

/// A section as seen from one of its pages or its parent.
#[derive(Serialize)]
pub struct SectionRef<'a> {
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub url: &'a str,
    pub permalink: String,
}

/// `page` in `page.html`, and each entry of `section.pages`.
#[derive(Serialize)]
pub struct PageView<'a> {
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub date: Option<&'a str>,
    pub updated: Option<&'a str>,
    pub draft: bool,
    pub weight: Option<i64>,
    pub tags: Vec<TagView<'a>>,
    /// Every taxonomy the page has terms in, `tags` included, in site.toml's order.
    pub taxonomies: Vec<PageTaxonomyView<'a>>,
    pub slug: &'a str,
    pub url: &'a str,
    pub permalink: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<Cow<'a, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub toc: Option<&'a [Heading]>,
    pub word_count: usize,
    pub reading_time: usize,
    pub previous: Option<LinkView<'a>>,
    pub next: Option<LinkView<'a>>,
    pub extra: &'a serde_json::Map<String, Value>,
    pub scripts: Vec<ScriptCard<'a>>,
    pub section: Option<SectionRef<'a>>,
    /// The page in every language of the site (its own page only, not in
    /// lists; empty for a site in one language).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub translations: Vec<TranslationView<'a>>,
}

/// `section` in `index.html` and `section.html`.
#[derive(Serialize)]
pub struct SectionView<'a> {
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub url: &'a str,
    pub permalink: String,
    pub content: Cow<'a, str>,
    pub toc: &'a [Heading],
    pub extra: &'a serde_json::Map<String, Value>,
    pub pages: Vec<PageView<'a>>,
    pub subsections: Vec<SectionRef<'a>>,
    pub scripts: Vec<ScriptCard<'a>>,
}

/// Minutes to read `words` at 200 words a minute, at least one.
pub fn reading_time(words: usize) -> usize {
    words.div_ceil(200).max(1)
}

impl<'a> Views<'a> {
    fn link(&self, index: usize) -> LinkView<'a> {
        let d = &self.site.documents[index];
        LinkView {
            title: &d.title,
            url: &d.url,
        }
    }

    /// The section document with this section index, as a reference.
    pub fn section_ref(&self, section: usize) -> SectionRef<'a> {
        let d = &self.site.documents[self.site.sections[section].document];
        SectionRef {
            title: &d.title,
            description: d.meta.description.as_deref(),
            url: &d.url,
            permalink: self.config.permalink(&d.url),
        }
    }

    /// A page; with its content and table of contents when `full`.
    pub fn page(&self, index: usize, full: bool) -> PageView<'a> {
        let site = self.site;
        let d = &site.documents[index];
        let rendered = &site.rendered[index];
        let (previous, next) = site.neighbours[index];
        PageView {
            title: &d.title,
            description: d.meta.description.as_deref(),
            date: d.meta.date.as_ref().map(|date| date.text.as_str()),
            updated: d.meta.updated.as_ref().map(|date| date.text.as_str()),
            draft: d.meta.draft,
            weight: d.meta.weight,
            tags: self.terms(d, crate::config::TAGS),
            taxonomies: self.taxonomies(d),
            slug: d
                .url
                .trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or_default(),
            url: &d.url,
            permalink: self.config.permalink(&d.url),
            content: full.then_some(Cow::Borrowed(rendered.html.as_str())),
            toc: full.then_some(rendered.toc.as_slice()),
            word_count: rendered.word_count,
            reading_time: reading_time(rendered.word_count),
            previous: previous.map(|p| self.link(p)),
            next: next.map(|n| self.link(n)),
            extra: &d.meta.extra,
            translations: match full {
                true => self.translations(&d.relative),
                false => Vec::new(),
            },
            scripts: if full {
                self.linked_scripts(&[index])
            } else {
                Vec::new()
            },
            section: site.section_of[index].map(|s| self.section_ref(s)),
        }
    }

    /// The page's terms in one taxonomy, linked to their pages.
    fn terms(&self, d: &'a Document, taxonomy: &str) -> Vec<TagView<'a>> {
        d.meta
            .terms_of(taxonomy)
            .iter()
            .map(|written| {
                let slug = crate::slug::slugify(written);
                let url = crate::site::term_url(self.config, taxonomy, &slug);
                let term = self.site.term(taxonomy, &slug);
                TagView {
                    name: term.map_or(written.as_str(), |t| t.name.as_str()),
                    label: term.map_or(written.as_str(), |t| t.label.as_str()),
                    slug,
                    url,
                }
            })
            .collect()
    }

    fn taxonomies(&self, d: &'a Document) -> Vec<PageTaxonomyView<'a>> {
        self.config
            .taxonomies
            .iter()
            .filter(|t| !d.meta.terms_of(&t.id).is_empty())
            .map(|t| PageTaxonomyView {
                id: &t.id,
                label: &t.label,
                url: crate::site::taxonomy_url(self.config, &t.id),
                terms: self.terms(d, &t.id),
            })
            .collect()
    }

    /// A section with its pages and subsections.
    pub fn section(&self, section: usize) -> SectionView<'a> {
        let site = self.site;
        let s = &site.sections[section];
        let d = &site.documents[s.document];
        let rendered = &site.rendered[s.document];
        SectionView {
            title: &d.title,
            description: d.meta.description.as_deref(),
            url: &d.url,
            permalink: self.config.permalink(&d.url),
            content: Cow::Borrowed(&rendered.html),
            toc: &rendered.toc,
            extra: &d.meta.extra,
            pages: s.pages.iter().map(|&p| self.page(p, false)).collect(),
            subsections: s
                .subsections
                .iter()
                .map(|&sub| self.section_ref(sub))
                .collect(),
            scripts: self.linked_scripts(&[&[s.document][..], &s.pages].concat()),
        }
    }

    /// The scripts these documents link to, each once, in order of first link.
    fn linked_scripts(&self, documents: &[usize]) -> Vec<ScriptCard<'a>> {
        let mut seen = Vec::new();
        for &d in documents {
            for &script in &self.site.linked_scripts[d] {
                if !seen.contains(&script) {
                    seen.push(script);
                }
            }
        }
        seen.into_iter().map(|i| self.script_card(i)).collect()
    }

    /// The URL of every page and section the site publishes, so a template
    /// can link a page by its path only when the page is there (the home
    /// page's helper does: `{% if url in page_urls %}`).
    pub fn page_urls(&self) -> Vec<&'a str> {
        self.site.documents.iter().map(|d| d.url.as_str()).collect()
    }

    /// The top-level sections, for the site's menu.
    pub fn menu(&self) -> Vec<LinkView<'a>> {
        let root = self.site.root();
        root.subsections
            .iter()
            .map(|&s| self.link(self.site.sections[s].document))
            .collect()
    }

    /// Breadcrumbs holding only the home page.
    pub fn home_crumb(&self) -> Vec<LinkView<'a>> {
        vec![self.link(self.site.root().document)]
    }

    /// The sections from the home page down to the document's parent.
    pub fn breadcrumbs(&self, index: usize) -> Vec<LinkView<'a>> {
        let site = self.site;
        let mut chain = Vec::new();
        let mut current = site.section_of[index];
        while let Some(s) = current {
            chain.push(self.link(site.sections[s].document));
            current = site.sections[s].parent;
        }
        if site.documents[index].kind == Kind::Page || site.section_of[index].is_some() {
            chain.reverse();
        }
        chain
    }
}

/// One language's page of the page being rendered (`translations`, and
/// `page.translations`): what `hreflang` alternates link to.
#[derive(Serialize)]
pub struct TranslationView<'a> {
    /// The BCP 47 tag.
    pub language: &'a str,
    /// The language's name in itself.
    pub name: &'a str,
    pub title: &'a str,
    pub url: &'a str,
    pub permalink: String,
    /// Whether this is the page being rendered.
    pub current: bool,
}

/// One entry of the language switcher (`languages`): where it leads in
/// that language, and whether that is this page or only the nearest
/// translated section above it.
#[derive(Serialize)]
pub struct SwitcherView<'a> {
    pub language: &'a str,
    pub name: &'a str,
    pub direction: &'a str,
    pub url: std::borrow::Cow<'a, str>,
    pub translated: bool,
    pub current: bool,
}

impl<'a> Views<'a> {
    /// Every language's page of `relative`, the site's own language first.
    pub fn translations(&self, relative: &str) -> Vec<TranslationView<'a>> {
        let versions = &*self.site.versions;
        let Some(pages) = versions.of(relative) else {
            return Vec::new();
        };
        let here = versions.place(&self.config.language);
        pages
            .iter()
            .enumerate()
            .filter_map(|(place, version)| {
                let version = version.as_ref()?;
                let home = &versions.languages[place];
                Some(TranslationView {
                    language: &home.tag,
                    name: &home.name,
                    title: &version.title,
                    url: &version.url,
                    permalink: self.config.permalink(&version.url),
                    current: Some(place) == here,
                })
            })
            .collect()
    }

    /// The language switcher of the page of `relative` (of a page of
    /// guide's own, such as a taxonomy's, when `None`: each language's home).
    pub fn switcher(&self, relative: Option<&str>) -> Vec<SwitcherView<'a>> {
        let versions = &*self.site.versions;
        let here = versions.place(&self.config.language);
        versions
            .languages
            .iter()
            .enumerate()
            .map(|(place, home)| {
                let (url, translated) = match relative {
                    Some(relative) => versions.nearest(relative, place),
                    None => (home.url.as_str(), false),
                };
                SwitcherView {
                    language: &home.tag,
                    name: &home.name,
                    direction: home.direction,
                    url: url.into(),
                    translated,
                    current: Some(place) == here,
                }
            })
            .collect()
    }

    /// The language switcher of a page guide makes in every language at
    /// the same place under each language's home (the offline page).
    pub fn switcher_to(&self, page: &str) -> Vec<SwitcherView<'a>> {
        let mut switcher = self.switcher(None);
        for entry in &mut switcher {
            entry.url = format!("{}{page}", entry.url).into();
            entry.translated = true;
        }
        switcher
    }
}
