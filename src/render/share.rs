//! What a link to a page shows where it is shared: Open Graph and Twitter
//! card tags, and JSON-LD (`Article` for dated pages, `WebSite` with a
//! `SearchAction` on the home page, `BreadcrumbList` below it), every URL
//! absolute from `base_url`.
//!
//! Templates get it as `share` (null on pages guide has nothing to say
//! about); the bundled themes write it out in `partials/share.html`. A
//! page's own card is its front matter's `image:` (a file of the site);
//! otherwise the theme's `img/card.png`. Its size is read from the file,
//! since Open Graph readers lay the card out before fetching it.

use serde::Serialize;
use serde_json::{json, Value};

use super::context::LinkView;
use super::Templates;
use crate::config::Config;
use crate::error::{Diagnostic, Result};
use crate::site::Site;

/// The theme's default card, used when a page names none.
pub const DEFAULT_CARD: &str = "img/card.png";

/// `share` in templates.
#[derive(Debug, Serialize)]
pub struct ShareView {
    pub title: String,
    pub description: String,
    pub url: String,
    /// `og:type`: `article` for dated pages, else `website`.
    pub kind: &'static str,
    /// `og:locale`: the language tag with `_` (`en_GB`).
    pub locale: String,
    pub site_name: String,
    pub image: Option<ImageView>,
    pub published: Option<String>,
    pub modified: Option<String>,
    /// A draft shown by `--drafts`: a banner, and `noindex`.
    pub draft: bool,
    /// The JSON-LD, ready for a `<script type="application/ld+json">`.
    pub json_ld: String,
}

/// A card image.
#[derive(Debug, Clone, Serialize)]
pub struct ImageView {
    pub url: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub mime: &'static str,
    pub alt: String,
}

/// What a page is, for its sharing metadata.
pub struct Subject<'a> {
    pub title: &'a str,
    pub description: Option<&'a str>,
    /// Site-relative (`/guide/a/`).
    pub url: &'a str,
    pub date: Option<&'a str>,
    pub updated: Option<&'a str>,
    /// The output path of the page's own image, or an absolute URL.
    pub image: Option<String>,
    /// Its ancestors, home first.
    pub crumbs: &'a [LinkView<'a>],
    pub home: bool,
    pub draft: bool,
}

impl<'a> Subject<'a> {
    /// A page of guide's own (a taxonomy's, the 404 page): a title and a
    /// URL, nothing more.
    pub fn of(url: &'a str, title: &'a str) -> Subject<'a> {
        Subject {
            title,
            description: None,
            url,
            date: None,
            updated: None,
            image: None,
            crumbs: &[],
            home: false,
            draft: false,
        }
    }
}

/// The sharing metadata of one page.
pub fn view(r: super::Renderer<'_>, page: &Subject<'_>) -> ShareView {
    let super::Renderer {
        config,
        site,
        templates,
    } = r;
    let url = config.permalink(page.url);
    let description = page
        .description
        .filter(|d| !d.trim().is_empty())
        .unwrap_or(&config.description)
        .to_string();
    let image = page
        .image
        .as_deref()
        .or_else(|| file(site, templates, DEFAULT_CARD).map(|_| DEFAULT_CARD))
        .map(|path| image(config, site, templates, path, page.title));
    let mut graph = Vec::new();
    if page.home {
        graph.push(website(config));
    }
    if let Some(date) = page.date {
        graph.push(article(
            config,
            page,
            &url,
            &description,
            date,
            image.as_ref(),
        ));
    }
    if !page.home && !page.crumbs.is_empty() {
        graph.push(breadcrumbs(config, page, &url));
    }
    ShareView {
        title: page.title.to_string(),
        description,
        url,
        kind: if page.date.is_some() {
            "article"
        } else {
            "website"
        },
        locale: config.language.replace('-', "_"),
        site_name: config.title.clone(),
        image,
        published: page.date.map(str::to_string),
        modified: page.updated.or(page.date).map(str::to_string),
        draft: page.draft,
        json_ld: script_json(&Value::Array(graph)),
    }
}

/// JSON safe inside a `<script>` element: no `</script>`, no `<!--`.
fn script_json(value: &Value) -> String {
    serde_json::to_string(value)
        .expect("JSON serializes")
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

fn website(config: &Config) -> Value {
    let mut site = json!({
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": config.title,
        "url": config.base_url,
        "inLanguage": config.language,
    });
    if !config.description.is_empty() {
        site["description"] = json!(config.description);
    }
    if config.search {
        site["potentialAction"] = json!({
            "@type": "SearchAction",
            "target": {
                "@type": "EntryPoint",
                "urlTemplate": format!("{}?q={{search_term_string}}", config.base_url),
            },
            "query-input": "required name=search_term_string",
        });
    }
    site
}

fn article(
    config: &Config,
    page: &Subject<'_>,
    url: &str,
    description: &str,
    date: &str,
    image: Option<&ImageView>,
) -> Value {
    let author = config.extra.get("author").and_then(Value::as_str);
    let mut article = json!({
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": page.title,
        "description": description,
        "url": url,
        "mainEntityOfPage": url,
        "datePublished": date,
        "dateModified": page.updated.unwrap_or(date),
        "inLanguage": config.language,
        "author": match author {
            Some(name) => json!({"@type": "Person", "name": name}),
            None => json!({"@type": "Organization", "name": config.title, "url": config.base_url}),
        },
        "publisher": {"@type": "Organization", "name": config.title, "url": config.base_url},
    });
    if let Some(image) = image {
        article["image"] = json!(image.url);
    }
    article
}

fn breadcrumbs(config: &Config, page: &Subject<'_>, url: &str) -> Value {
    let items: Vec<Value> = page
        .crumbs
        .iter()
        .map(|c| (c.title, config.permalink(c.url)))
        .chain(std::iter::once((page.title, url.to_string())))
        .enumerate()
        .map(|(i, (name, item))| {
            json!({"@type": "ListItem", "position": i + 1, "name": name, "item": item})
        })
        .collect();
    json!({
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": items,
    })
}

/// A card image by its output path (or absolute URL), with its size when
/// it is a PNG, JPEG or GIF of the site.
fn image(config: &Config, site: &Site, templates: &Templates, path: &str, alt: &str) -> ImageView {
    if path.contains("://") {
        return ImageView {
            url: path.to_string(),
            width: None,
            height: None,
            mime: mime(path),
            alt: alt.to_string(),
        };
    }
    let size = file(site, templates, path).and_then(dimensions);
    ImageView {
        // Files are the site's, at its root, whatever the page's language.
        url: config.permalink(&format!("{}{path}", config.root_path())),
        width: size.map(|s| s.0),
        height: size.map(|s| s.1),
        mime: mime(path),
        alt: alt.to_string(),
    }
}

fn mime(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()) {
        Some(e) if e == "png" => "image/png",
        Some(e) if e == "jpg" || e == "jpeg" => "image/jpeg",
        Some(e) if e == "gif" => "image/gif",
        Some(e) if e == "webp" => "image/webp",
        _ => "application/octet-stream",
    }
}

/// The bytes of a file the site publishes at `path`: a static file of the
/// theme or the site, or a file of `content/`.
fn file<'a>(site: &'a Site, templates: &'a Templates, path: &str) -> Option<&'a [u8]> {
    templates
        .statics
        .iter()
        .find(|(p, _)| p == path)
        .map(|(_, bytes)| bytes.as_slice())
        .or_else(|| {
            site.assets
                .iter()
                .find(|a| a.relative == path)
                .map(|a| a.bytes.as_slice())
        })
}

/// A document's `image:` as an output path (`/img/a.png` from the site's
/// root, `a.png` beside its Markdown file), or an absolute URL; an image
/// the site does not publish is an error at the key.
pub fn page_image(site: &Site, templates: &Templates, index: usize) -> Result<Option<String>> {
    let document = &site.documents[index];
    let Some(written) = document.meta.image.as_deref() else {
        return Ok(None);
    };
    if written.starts_with("https://") || written.starts_with("http://") {
        return Ok(Some(written.to_string()));
    }
    let path = match written.strip_prefix('/') {
        Some(rooted) => rooted.to_string(),
        None => match document.relative.rsplit_once('/') {
            Some((folder, _)) => format!("{folder}/{written}"),
            None => written.to_string(),
        },
    };
    if file(site, templates, &path).is_some() {
        return Ok(Some(path));
    }
    let message = format!("the image `{written}` is not a file of the site");
    let line = document
        .source
        .lines()
        .position(|l| l.starts_with("image:"));
    let diagnostic = match line {
        Some(i) => Diagnostic::at(&document.path, &document.source, i + 1, 8, message)
            .width(written.chars().count()),
        None => Diagnostic::file(&document.path, message),
    };
    Err(diagnostic
        .help("put the image beside the page or under static/, or write `/path/from/the/site/root.png`")
        .into())
}

/// The width and height of a PNG, GIF or JPEG.
pub fn dimensions(bytes: &[u8]) -> Option<(u32, u32)> {
    let be32 = |at: usize| -> Option<u32> {
        Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
    };
    let be16 = |at: usize| -> Option<u32> {
        Some(u16::from_be_bytes(bytes.get(at..at + 2)?.try_into().ok()?) as u32)
    };
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some((be32(16)?, be32(20)?));
    }
    if bytes.starts_with(b"GIF8") {
        let le16 = |at: usize| Some(u16::from_le_bytes(bytes.get(at..at + 2)?.try_into().ok()?));
        return Some((le16(6)? as u32, le16(8)? as u32));
    }
    if !bytes.starts_with(&[0xff, 0xd8]) {
        return None;
    }
    // JPEG: walk the segments to the first start-of-frame.
    let mut at = 2;
    while at + 9 < bytes.len() {
        if bytes[at] != 0xff {
            return None;
        }
        let marker = bytes[at + 1];
        let length = be16(at + 2)? as usize;
        if matches!(marker, 0xc0..=0xc3 | 0xc5..=0xc7 | 0xc9..=0xcb | 0xcd..=0xcf) {
            return Some((be16(at + 7)?, be16(at + 5)?));
        }
        at += 2 + length;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_read_from_png_and_gif_headers() {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        png.extend(1200u32.to_be_bytes());
        png.extend(630u32.to_be_bytes());
        assert_eq!(dimensions(&png), Some((1200, 630)));
        let gif = b"GIF89a\x10\x00\x20\x00";
        assert_eq!(dimensions(gif), Some((16, 32)));
        assert_eq!(dimensions(b"not an image"), None);
    }

    #[test]
    fn json_ld_cannot_close_its_script() {
        let shown = script_json(&json!({"headline": "</script><!-- a & b"}));
        assert!(!shown.contains('<') && !shown.contains('&'), "{shown}");
        let back: Value = serde_json::from_str(&shown).unwrap();
        assert_eq!(back["headline"], "</script><!-- a & b");
    }
}
