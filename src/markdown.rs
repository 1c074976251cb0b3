//! Markdown → HTML with pulldown-cmark: stable heading ids, a table of
//! contents, and internal links (`@/path.md#anchor`, relative `.md` links)
//! rewritten to URLs.
//!
//! Rendering needs no file system: the caller says how a content path maps
//! to a URL. Links that do not resolve are returned, with their offsets, for
//! the site to report; anchors are checked by the site once every document's
//! ids are known.

use std::collections::HashMap;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Serialize;

use crate::config::MarkdownOptions;
use crate::slug::slugify;

/// One entry of a table of contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub title: String,
    pub children: Vec<Heading>,
}

/// An internal link found in a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The path under `content/` it points at (`a/b.md`); empty for a link to
    /// an anchor of the same document.
    pub target: String,
    pub anchor: Option<String>,
    /// Byte offset of the link in the Markdown text.
    pub offset: usize,
    /// The link as written.
    pub written: String,
    /// Whether the target exists (anchors are checked later).
    pub resolved: bool,
}

/// What rendering a document produced.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    pub toc: Vec<Heading>,
    /// Every heading id, in order.
    pub ids: Vec<String>,
    pub word_count: usize,
    pub links: Vec<Link>,
    /// Images and links to local files, for `guide check` to look for.
    pub references: Vec<Reference>,
    /// Raw HTML that runs code or embeds another page (`<script>`,
    /// `<iframe>`, `onclick=`), published as written: `guide check` names it.
    pub raw: Vec<Raw>,
    /// Links and images whose URL runs code (`javascript:`): a build error.
    pub scripted: Vec<Raw>,
    /// ```` ```script <slug> ```` fences, in order; the HTML holds
    /// [`embed_marker`] of each index where the script's form goes.
    pub embeds: Vec<Embed>,
}

/// A ```` ```script <slug> [messages=a,b] ```` fence: a script's form shown
/// inline. Which scripts and messages exist is the site's to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Embed {
    /// The script's slug, and the byte offset where it is written.
    pub slug: (String, usize),
    /// The messages to show (all when empty), each with its offset.
    pub messages: Vec<(String, usize)>,
    /// What is wrong with the info string itself, and where.
    pub problem: Option<(usize, String)>,
}

/// The comment that stands in the rendered HTML for embed `index`, replaced
/// by the script's form when the page is rendered.
pub fn embed_marker(index: usize) -> String {
    format!("<!--guide:embed {index}-->")
}

/// A place in the Markdown text and what was found there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Raw {
    /// Byte offset in the Markdown text.
    pub offset: usize,
    /// What it is, in words (`a <script> element`).
    pub what: String,
}

/// An image, or a link to a local file that is not a document
/// (`/files/plan.pdf`, `photo.png`): a path the built site must hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// Whether it is an image (`![alt](path)`) rather than a link.
    pub image: bool,
    /// The destination as written.
    pub destination: String,
    /// Byte offset of the image or link in the Markdown text.
    pub offset: usize,
}

/// How internal links are resolved for one document.
pub struct Links<'a> {
    /// The folder under `content/` of the document being rendered.
    pub dir: &'a str,
    /// Maps a path under `content/` to its URL, if it exists.
    pub resolve: &'a (dyn Fn(&str) -> Option<String> + Sync),
}

fn parser_options(options: &MarkdownOptions) -> Options {
    let mut flags = Options::ENABLE_HEADING_ATTRIBUTES;
    let switches = [
        (options.tables, Options::ENABLE_TABLES),
        (options.footnotes, Options::ENABLE_FOOTNOTES),
        (options.strikethrough, Options::ENABLE_STRIKETHROUGH),
        (options.tasklists, Options::ENABLE_TASKLISTS),
        (options.smart_punctuation, Options::ENABLE_SMART_PUNCTUATION),
    ];
    for (on, flag) in switches {
        if on {
            flags |= flag;
        }
    }
    flags
}

/// Whether a fenced block's info string marks a script message, which
/// Markdown scripts pull out of their prose.
pub fn is_message_fence(info: &str) -> bool {
    info.split_whitespace().next() == Some("message")
}

/// Whether a fenced block's info string embeds a script.
pub fn is_embed_fence(info: &str) -> bool {
    info.split_whitespace().next() == Some("script")
}

/// Reads the info string of a `script` fence that starts at byte `start`
/// of `markdown`, taking each word's offset from the fence line itself.
fn parse_embed(markdown: &str, start: usize, info: &str) -> Embed {
    let line = markdown[start..].lines().next().unwrap_or_default();
    let info_at = line.find(info.trim_start()).map_or(start, |at| start + at);
    let mut words = info.split_whitespace().map(|word| {
        let at = markdown[info_at..]
            .find(word)
            .map_or(info_at, |i| info_at + i);
        (word, at)
    });
    let keyword = words.next().map_or(info_at, |(_, at)| at);
    let mut embed = Embed {
        slug: (String::new(), keyword),
        messages: Vec::new(),
        problem: None,
    };
    let Some((slug, at)) = words.next() else {
        embed.problem = Some((
            keyword,
            "a `script` fence needs the script's slug: ```script connection-note".into(),
        ));
        return embed;
    };
    embed.slug = (slug.to_string(), at);
    for (word, at) in words {
        let Some(list) = word.strip_prefix("messages=") else {
            let message = format!(
                "unknown `{word}` in a `script` fence: only `messages=a,b` may follow the slug"
            );
            embed.problem.get_or_insert((at, message));
            continue;
        };
        let mut offset = at + "messages=".len();
        for name in list.split(',') {
            if name.is_empty() {
                embed
                    .problem
                    .get_or_insert((offset, "an empty message name in `messages=`".into()));
            } else {
                embed.messages.push((name.to_string(), offset));
            }
            offset += name.len() + 1;
        }
    }
    embed
}

/// Renders `markdown`; `message` fences are left out of the HTML, and
/// `script` fences become [`embed_marker`]s.
pub fn render(markdown: &str, options: &MarkdownOptions, links: &Links<'_>) -> Rendered {
    let mut walk = Walk {
        markdown,
        options,
        links,
        out: Rendered::default(),
        ids: Ids::default(),
        flat: Vec::new(),
        events: Vec::new(),
        heading: None,
        heading_text: String::new(),
        skipping_message: false,
        in_raw_code: false,
    };
    for (event, range) in Parser::new_ext(markdown, parser_options(options)).into_offset_iter() {
        walk.event(event, range);
    }
    walk.finish()
}

/// A heading being read: where its start event sits, its level, its
/// custom id and its classes.
type OpenHeading<'a> = (usize, HeadingLevel, Option<CowStr<'a>>, Vec<CowStr<'a>>);

/// One pass over a document's events: the HTML events kept so far and
/// what the pass has found (headings, links, raw HTML, embeds).
struct Walk<'a, 'o> {
    markdown: &'a str,
    options: &'o MarkdownOptions,
    links: &'o Links<'o>,
    out: Rendered,
    ids: Ids,
    flat: Vec<(u8, String, String)>,
    events: Vec<Event<'a>>,
    heading: Option<OpenHeading<'a>>,
    heading_text: String,
    skipping_message: bool,
    // Inside an inline `<script>` or `<style>`: its text is code, kept as
    // written (smart punctuation would curl its quotes).
    in_raw_code: bool,
}

impl<'a> Walk<'a, '_> {
    /// Takes one event of the parser, found at `range` of the document.
    fn event(&mut self, event: Event<'a>, range: std::ops::Range<usize>) {
        match event {
            Event::Html(_) | Event::InlineHtml(_) if !self.options.raw_html => {}
            Event::Html(ref html) | Event::InlineHtml(ref html) => {
                let inline = matches!(event, Event::InlineHtml(_));
                self.note_raw_html(html, inline, range.start);
                self.events.push(event);
            }
            Event::Text(_) if self.in_raw_code => {
                let code = self.markdown[range].to_string();
                self.events.push(Event::InlineHtml(code.into()));
            }
            Event::Start(Tag::CodeBlock(pulldown_cmark::CodeBlockKind::Fenced(ref info)))
                if is_message_fence(info) =>
            {
                self.skipping_message = true;
            }
            Event::Start(Tag::CodeBlock(pulldown_cmark::CodeBlockKind::Fenced(ref info)))
                if is_embed_fence(info) =>
            {
                self.embed(info, range.start);
            }
            Event::End(TagEnd::CodeBlock) if self.skipping_message => {
                self.skipping_message = false;
            }
            _ if self.skipping_message => {}
            Event::Start(Tag::Heading {
                level, id, classes, ..
            }) => {
                self.heading = Some((self.events.len(), level, id, classes));
                self.heading_text.clear();
                self.events.push(Event::Text("".into()));
            }
            Event::End(TagEnd::Heading(level)) => self.end_heading(level),
            Event::Text(ref text) | Event::Code(ref text) => {
                self.out.word_count += count_words(text);
                if self.heading.is_some() {
                    self.heading_text.push_str(text);
                }
                self.events.push(event);
            }
            Event::Start(Tag::Image { ref dest_url, .. }) => {
                self.image(dest_url, range.start);
                self.events.push(event);
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => self.link(link_type, &dest_url, title, id, range.start),
            other => self.events.push(other),
        }
    }

    /// Notes what in a piece of raw HTML runs code, and whether the text
    /// that follows is the code of an inline `<script>` or `<style>`.
    fn note_raw_html(&mut self, html: &str, inline: bool, offset: usize) {
        self.out.raw.extend(risky_html(html, offset));
        if inline {
            let tag = html.trim_start().to_ascii_lowercase();
            if tag.starts_with("<script") || tag.starts_with("<style") {
                self.in_raw_code = !tag.contains("</");
            } else if tag.starts_with("</script") || tag.starts_with("</style") {
                self.in_raw_code = false;
            }
        }
    }

    /// Replaces a `script` fence with its marker and skips its body.
    fn embed(&mut self, info: &str, start: usize) {
        let marker = embed_marker(self.out.embeds.len());
        self.out
            .embeds
            .push(parse_embed(self.markdown, start, info));
        self.events.push(Event::Html(format!("{marker}\n").into()));
        self.skipping_message = true;
    }

    /// Closes the open heading: claims its id and records it for the TOC.
    fn end_heading(&mut self, level: HeadingLevel) {
        let (start, _, custom, classes) =
            self.heading.take().expect("heading start precedes its end");
        let id = self.ids.claim(custom.as_deref(), &self.heading_text);
        let title = self.heading_text.trim().to_string();
        self.flat.push((level as u8, id.clone(), title));
        self.events[start] = Event::Start(Tag::Heading {
            level,
            id: Some(id.into()),
            classes,
            attrs: Vec::new(),
        });
        self.events.push(Event::End(TagEnd::Heading(level)));
    }

    /// Notes an image whose URL runs code or names a local file.
    fn image(&mut self, dest_url: &str, offset: usize) {
        if let Some(scheme) = scripted_url(dest_url) {
            self.out.scripted.push(Raw {
                offset,
                what: format!("an image whose URL runs code (`{scheme}`)"),
            });
        }
        if is_local_file(dest_url) {
            self.out.references.push(Reference {
                image: true,
                destination: dest_url.to_string(),
                offset,
            });
        }
    }

    /// Notes what a link points at, rewrites an internal one to its URL and
    /// opens an external one in a new tab when the site asks for it.
    fn link(
        &mut self,
        link_type: pulldown_cmark::LinkType,
        dest_url: &str,
        title: CowStr<'a>,
        id: CowStr<'a>,
        offset: usize,
    ) {
        self.note_link_target(dest_url, offset);
        let dest_url = rewrite_link(
            dest_url,
            offset,
            self.links,
            self.options,
            &mut self.out.links,
        );
        if self.options.external_links_new_tab && is_external(&dest_url) {
            let title_attr = if title.is_empty() {
                String::new()
            } else {
                format!(" title=\"{}\"", crate::escape::escape(&title))
            };
            let open = format!(
                "<a href=\"{}\"{title_attr} rel=\"noopener\" target=\"_blank\">",
                crate::escape::escape(&dest_url)
            );
            self.events.push(Event::InlineHtml(open.into()));
        } else {
            self.events.push(Event::Start(Tag::Link {
                link_type,
                dest_url: dest_url.into(),
                title,
                id,
            }));
        }
    }

    /// Notes a link whose URL runs code or names a local file.
    fn note_link_target(&mut self, dest_url: &str, offset: usize) {
        if let Some(scheme) = scripted_url(dest_url) {
            self.out.scripted.push(Raw {
                offset,
                what: format!("a link whose URL runs code (`{scheme}`)"),
            });
        }
        let path = dest_url.split(['#', '?']).next().unwrap_or_default();
        if is_local_file(dest_url) && !is_relative_content_link(path) {
            self.out.references.push(Reference {
                image: false,
                destination: dest_url.to_string(),
                offset,
            });
        }
    }

    /// Writes the kept events as HTML and hands back what was found.
    fn finish(self) -> Rendered {
        let mut out = self.out;
        pulldown_cmark::html::push_html(&mut out.html, self.events.into_iter());
        out.ids = self.ids.order;
        out.toc = nest(self.flat);
        // The site keeps every document's HTML until its page is written: the
        // room a growing string leaves spare (a quarter of it on average) would
        // be a tenth of a large build's memory.
        out.html.shrink_to_fit();
        out.ids.shrink_to_fit();
        out.links.shrink_to_fit();
        out
    }
}

/// The number of words in `text`, as `text.split_whitespace().count()`
/// counts them, with a byte loop for ASCII text (nearly all of it): the
/// general iterator decodes every character and was a tenth of the
/// Markdown stage.
fn count_words(text: &str) -> usize {
    if !text.is_ascii() {
        return text.split_whitespace().count();
    }
    let mut count = 0;
    let mut in_word = false;
    for &byte in text.as_bytes() {
        // `char::is_whitespace` on ASCII: space, and tab to carriage return.
        let space = matches!(byte, b' ' | b'\t'..=b'\r');
        count += usize::from(!space && !in_word);
        in_word = !space;
    }
    count
}

/// The scheme of a URL that runs code when followed (`javascript:`,
/// `vbscript:`, an HTML `data:` URL), read as a browser reads it: case and
/// the tabs and line breaks inside it do not matter.
fn scripted_url(url: &str) -> Option<&'static str> {
    // Every link passes here: no allocation, and nothing to do for the
    // usual first bytes of a path, an anchor or an internal link.
    if url.starts_with(['/', '#', '@', '.']) {
        return None;
    }
    let mut head = [0u8; 16];
    let mut len = 0;
    for byte in url.bytes() {
        if byte.is_ascii_whitespace() || byte.is_ascii_control() {
            continue;
        }
        head[len] = byte.to_ascii_lowercase();
        len += 1;
        if len == head.len() {
            break;
        }
    }
    ["javascript:", "vbscript:", "data:text/html"]
        .into_iter()
        .find(|scheme| head[..len].starts_with(scheme.as_bytes()))
}

/// The parts of a piece of raw HTML that run code or embed another page.
fn risky_html(html: &str, offset: usize) -> Vec<Raw> {
    let lower = html.to_ascii_lowercase();
    let mut found = Vec::new();
    for element in ["script", "iframe", "object", "embed"] {
        let open = format!("<{element}");
        for (at, _) in lower.match_indices(&open) {
            let next = lower[at + open.len()..].chars().next();
            if next.is_none_or(|c| c.is_ascii_whitespace() || c == '>' || c == '/') {
                found.push(Raw {
                    offset: offset + at,
                    what: format!(
                        "{} <{element}> element",
                        if element == "script" { "a" } else { "an" }
                    ),
                });
            }
        }
    }
    // `onclick=`, `onerror =`: an event handler attribute inside a tag.
    let bytes = lower.as_bytes();
    let mut in_tag = false;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'<' => in_tag = true,
            b'>' => in_tag = false,
            b'o' if in_tag
                && bytes.get(i + 1) == Some(&b'n')
                && i > 0
                && bytes[i - 1].is_ascii_whitespace() =>
            {
                let name: String = lower[i..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect();
                let rest = lower[i + name.len()..].trim_start();
                if name.len() > 2 && rest.starts_with('=') {
                    found.push(Raw {
                        offset: offset + i,
                        what: format!("an `{name}` attribute"),
                    });
                }
            }
            _ => {}
        }
    }
    for (at, _) in lower.match_indices("javascript:") {
        found.push(Raw {
            offset: offset + at,
            what: "a `javascript:` URL".to_string(),
        });
    }
    found.sort_by_key(|r| r.offset);
    found
}

/// Rewrites an internal link to its URL, recording it; other links pass.
fn rewrite_link(
    dest: &str,
    offset: usize,
    links: &Links<'_>,
    _options: &MarkdownOptions,
    found: &mut Vec<Link>,
) -> String {
    let (path, anchor) = match dest.split_once('#') {
        Some((path, anchor)) => (path, Some(anchor.to_string())),
        None => (dest, None),
    };
    let target = if let Some(target) = path.strip_prefix("@/") {
        normalize(target)
    } else if path.is_empty() && anchor.is_some() {
        Some(String::new())
    } else if is_relative_content_link(path) {
        normalize(&format!("{}/{}", links.dir, path))
    } else {
        return dest.to_string();
    };
    let Some(target) = target else {
        found.push(Link {
            target: path.to_string(),
            anchor,
            offset,
            written: dest.to_string(),
            resolved: false,
        });
        return dest.to_string();
    };
    let url = if target.is_empty() {
        Some(String::new())
    } else {
        (links.resolve)(&target)
    };
    let rewritten = match (&url, &anchor) {
        (Some(url), Some(anchor)) => format!("{url}#{anchor}"),
        (Some(url), None) => url.clone(),
        (None, _) => dest.to_string(),
    };
    found.push(Link {
        target,
        anchor,
        offset,
        written: dest.to_string(),
        resolved: url.is_some(),
    });
    rewritten
}

fn is_relative_content_link(path: &str) -> bool {
    let has_scheme = path
        .split('/')
        .next()
        .is_some_and(|first| first.contains(':'));
    !has_scheme && !path.starts_with('/') && (path.ends_with(".md") || path.ends_with(".yaml"))
}

/// Whether a destination is a path on this site (relative or root-relative),
/// rather than an anchor, an internal `@/` link or a URL with a scheme.
fn is_local_file(dest: &str) -> bool {
    let has_scheme = dest
        .split('/')
        .next()
        .is_some_and(|first| first.contains(':'));
    !dest.is_empty()
        && !dest.starts_with('#')
        && !dest.starts_with("@/")
        && !dest.starts_with("//")
        && !has_scheme
}

fn is_external(url: &str) -> bool {
    url.starts_with("http://") || url.starts_with("https://")
}

/// Resolves `.` and `..` in a `/`-separated path; `None` if it leaves the root.
pub fn normalize(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            part => parts.push(part),
        }
    }
    Some(parts.join("/"))
}

/// Hands out unique heading ids: the second "Intro" is `intro-1`.
#[derive(Default)]
struct Ids {
    counts: HashMap<String, usize>,
    order: Vec<String>,
}

impl Ids {
    fn claim(&mut self, custom: Option<&str>, text: &str) -> String {
        let base = match custom {
            Some(id) => id.to_string(),
            None => {
                let slug = slugify(text);
                if slug.is_empty() {
                    "section".to_string()
                } else {
                    slug
                }
            }
        };
        let mut id = base.clone();
        while let Some(count) = self.counts.get_mut(&id) {
            *count += 1;
            id = format!("{base}-{count}");
        }
        self.counts.insert(id.clone(), 0);
        self.counts.entry(base).or_insert(0);
        self.order.push(id.clone());
        id
    }
}

/// Nests a flat list of headings by level.
fn nest(flat: Vec<(u8, String, String)>) -> Vec<Heading> {
    let mut roots: Vec<Heading> = Vec::new();
    for (level, id, title) in flat {
        let heading = Heading {
            level,
            id,
            title,
            children: Vec::new(),
        };
        insert(&mut roots, heading);
    }
    roots
}

fn insert(list: &mut Vec<Heading>, heading: Heading) {
    match list.last_mut() {
        Some(last) if last.level < heading.level => insert(&mut last.children, heading),
        _ => list.push(heading),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render_with(markdown: &str, known: &'static [(&'static str, &'static str)]) -> Rendered {
        let resolve = |path: &str| {
            known
                .iter()
                .find(|(p, _)| *p == path)
                .map(|(_, url)| url.to_string())
        };
        let links = Links {
            dir: "guide",
            resolve: &resolve,
        };
        render(markdown, &MarkdownOptions::default(), &links)
    }

    fn render_options(markdown: &str, options: &MarkdownOptions) -> Rendered {
        let resolve = |_: &str| None;
        let links = Links {
            dir: "",
            resolve: &resolve,
        };
        render(markdown, options, &links)
    }

    #[test]
    fn links_and_images_that_run_code_are_found_however_written() {
        for written in [
            "[a](javascript:alert(1))",
            "[a](JavaScript:alert(1))",
            "[a](<java\tscript:x>)",
            "[a](<  javascript:x>)",
            "![i](vbscript:x)",
            "[a](data:text/html;base64,PHNjcmlwdD4=)",
            "[a][r]\n\n[r]: javascript:x",
        ] {
            let r = render_with(written, &[]);
            assert_eq!(r.scripted.len(), 1, "{written:?}: {:?}", r.scripted);
            assert_eq!(
                r.scripted[0].offset,
                written.find(['[', '!']).unwrap(),
                "{written:?}"
            );
        }
        for fine in [
            "[a](https://e.org/javascript:x)",
            "[a](java.md)",
            "[a](data:image/png;base64,AA)",
        ] {
            assert!(render_with(fine, &[]).scripted.is_empty(), "{fine}");
        }
    }

    #[test]
    fn raw_html_that_runs_code_is_found() {
        let r = render_with(
            "<script>x()</script>\n\nText <IFRAME src=a></IFRAME> <img src=x onError = \"y\"> <a href=\"javascript:z\">z</a>\n\n<object data=x></object>\n",
            &[],
        );
        let what: Vec<&str> = r.raw.iter().map(|r| r.what.as_str()).collect();
        assert_eq!(
            what,
            [
                "a <script> element",
                "an <iframe> element",
                "an `onerror` attribute",
                "a `javascript:` URL",
                "an <object> element"
            ]
        );
        // Words that only look like it: no element, no attribute.
        let calm = render_with(
            "<p class=\"scripture\">once = twice</p> <b>one=1</b>\n",
            &[],
        );
        assert!(calm.raw.is_empty(), "{:?}", calm.raw);
    }

    #[test]
    fn raw_html_can_be_switched_off() {
        let options = MarkdownOptions {
            raw_html: false,
            ..MarkdownOptions::default()
        };
        let r = render_options(
            "<div onclick=\"x\">a</div>\n\nSay <b>hi</b> <script>x()</script>.\n",
            &options,
        );
        assert!(
            !r.html.contains('<') || !r.html.contains("<b>"),
            "{}",
            r.html
        );
        assert!(!r.html.contains("script"), "{}", r.html);
        assert!(!r.html.contains("onclick"), "{}", r.html);
        assert!(r.html.contains("Say"), "{}", r.html);
    }

    #[test]
    fn smart_punctuation_leaves_inline_code_of_raw_html_alone() {
        let r = render_with("Say <script>var a = \"it's\";</script> \"hi\".\n", &[]);
        assert!(
            r.html.contains("<script>var a = \"it's\";</script>"),
            "{}",
            r.html
        );
        assert!(r.html.contains("\u{201c}hi\u{201d}"), "{}", r.html);
        let style = render_with(
            "A <style>p::after { content: \"--\" }</style> b -- c\n",
            &[],
        );
        assert!(style.html.contains("content: \"--\""), "{}", style.html);
        assert!(style.html.contains('\u{2013}'), "{}", style.html);
    }

    #[test]
    fn headings_get_unique_ids_and_a_nested_toc() {
        let r = render_with(
            "# Intro\n## Why\n## Why\n### Détails\n# Intro {#custom}\n",
            &[],
        );
        assert_eq!(r.ids, ["intro", "why", "why-1", "details", "custom"]);
        assert!(r.html.contains("<h2 id=\"why-1\">Why</h2>"), "{}", r.html);
        assert_eq!(r.toc.len(), 2);
        assert_eq!(r.toc[0].children.len(), 2);
        assert_eq!(r.toc[0].children[1].children[0].title, "Détails");
    }

    #[test]
    fn a_heading_named_like_a_suffixed_id_stays_unique() {
        let r = render_with("## A\n## A-1\n## A\n", &[]);
        assert_eq!(r.ids, ["a", "a-1", "a-2"]);
    }

    #[test]
    fn internal_links_become_urls() {
        let r = render_with(
            "[x](@/a/b.md#part) [y](other.md) [z](../top.md) [w](https://e.org) [v](#here)",
            &[
                ("a/b.md", "/a/b/"),
                ("guide/other.md", "/guide/other/"),
                ("top.md", "/top/"),
            ],
        );
        assert!(r.html.contains("href=\"/a/b/#part\""));
        assert!(r.html.contains("href=\"/guide/other/\""));
        assert!(r.html.contains("href=\"/top/\""));
        assert!(r.html.contains("href=\"https://e.org\""));
        assert!(r.html.contains("href=\"#here\""));
        let targets: Vec<_> = r.links.iter().map(|l| l.target.as_str()).collect();
        assert_eq!(targets, ["a/b.md", "guide/other.md", "top.md", ""]);
        assert!(r.links.iter().all(|l| l.resolved));
    }

    #[test]
    fn a_missing_target_is_reported_with_its_offset() {
        let r = render_with("Text\n\nSee [it](@/missing.md).", &[]);
        assert_eq!(r.links.len(), 1);
        assert!(!r.links[0].resolved);
        assert_eq!(r.links[0].offset, 10);
    }

    #[test]
    fn images_and_local_files_are_recorded() {
        let r = render_with(
            "![a](pic.png) [b](/files/x.pdf) [c](https://e.org/y.pdf) [d](#top) [e](@/a.md) [f](other.md#x) [g](mailto:a@b.c) ![h](//cdn.org/i.png)",
            &[("a.md", "/a/"), ("guide/other.md", "/guide/other/")],
        );
        let found: Vec<_> = r
            .references
            .iter()
            .map(|r| (r.image, r.destination.as_str(), r.offset))
            .collect();
        assert_eq!(found, [(true, "pic.png", 0), (false, "/files/x.pdf", 14)]);
    }

    #[test]
    fn message_fences_are_left_out() {
        let r = render_with(
            "Before\n\n```message hi email\nHello {{name}}\n```\n\nAfter\n",
            &[],
        );
        assert!(!r.html.contains("Hello"));
        assert!(r.html.contains("After"));
    }

    #[test]
    fn script_fences_become_markers_with_their_words_located() {
        let text = "Intro\n\n```script connection-note messages=note,short\n```\n\nMid\n\n```script can-we-chat\n```\n";
        let r = render_with(text, &[]);
        assert_eq!(r.embeds.len(), 2);
        assert_eq!(
            r.embeds[0].slug,
            (
                "connection-note".into(),
                text.find("connection-note").unwrap()
            )
        );
        assert_eq!(
            r.embeds[0].messages,
            [
                ("note".to_string(), text.find("note,").unwrap()),
                ("short".to_string(), text.find("short").unwrap())
            ]
        );
        assert_eq!(r.embeds[1].slug.0, "can-we-chat");
        assert!(r.embeds[1].messages.is_empty());
        assert!(r.html.contains(&embed_marker(0)), "{}", r.html);
        assert!(r.html.contains(&embed_marker(1)), "{}", r.html);
        assert!(!r.html.contains("<code"), "{}", r.html);
    }

    #[test]
    fn a_script_fence_with_bad_words_says_where() {
        let text =
            "```script\n```\n\n```script x colour=red\n```\n\n```script y messages=a,,b\n```\n";
        let r = render_with(text, &[]);
        let problems: Vec<_> = r
            .embeds
            .iter()
            .map(|e| e.problem.clone().unwrap())
            .collect();
        assert_eq!(problems[0].0, 3);
        assert!(problems[0].1.contains("needs the script's slug"));
        assert_eq!(problems[1].0, text.find("colour").unwrap());
        assert_eq!(problems[2].0, text.find(",,").unwrap() + 1);
        assert_eq!(r.embeds[2].messages.len(), 2);
    }

    #[test]
    fn words_are_counted_as_split_whitespace_counts_them() {
        for text in [
            "",
            " ",
            "one",
            "  two words ",
            "tab\tline\nfeed\x0bvertical\x0cform\rreturn",
            "non\u{a0}breaking space, naïve café",
            "em\u{2003}space",
        ] {
            assert_eq!(
                count_words(text),
                text.split_whitespace().count(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn extensions_and_smart_punctuation_work() {
        let r = render_with(
            "| a |\n|---|\n| b |\n\n~~old~~ \"quoted\" - [ ] task[^1]\n\n[^1]: Note.\n",
            &[],
        );
        assert!(r.html.contains("<table>"));
        assert!(r.html.contains("<del>old</del>"));
        assert!(r.html.contains("“quoted”"));
        assert!(r.html.contains("footnote"));
    }
}
