//! The Site model: every document placed in its section, ordered, linked to
//! its neighbours, its Markdown rendered with internal links resolved and
//! checked. No file system here: the model is built from loaded content.

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;

use crate::config::Config;
use crate::content::{dir_url, humanize, Asset, Content, Document, FrontMatter, Kind};
use crate::error::{did_you_mean, Diagnostic, Error, Result, Warning};
use crate::markdown::{self, Links, Rendered};
use crate::script::Script;

mod order;
mod taxonomy;
pub mod versions;

use order::{neighbours, place};
pub use order::{reading_order, Section};
use taxonomy::{check_taxonomy_urls, taxonomies};
pub use taxonomy::{taxonomy_url, term_url, Taxonomy, Term};

/// One source-backed thing the site renders: a document (page or section)
/// or a script, by its index in [`Site::documents`] or [`Site::scripts`].
/// Render, search, lint and serve all name nodes this way; a translation
/// will be a node too, with its language beside the index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NodeId {
    Document(usize),
    Script(usize),
}

/// The whole site, ready to render.
#[derive(Debug)]
pub struct Site {
    pub documents: Vec<Document>,
    /// The rendered Markdown of each document (same index).
    pub rendered: Vec<Rendered>,
    pub sections: Vec<Section>,
    /// For each document, its section (for a section: its parent, if any).
    pub section_of: Vec<Option<usize>>,
    /// For each document, the section it *is*, if it is one.
    pub section_index: Vec<Option<usize>>,
    /// Previous and next page within the section, for pages.
    pub neighbours: Vec<(Option<usize>, Option<usize>)>,
    /// Every taxonomy some page uses, by id, each with its terms in order.
    pub taxonomies: Vec<Taxonomy>,
    pub assets: Vec<Asset>,
    /// Every script, in index order (situation, weight, title).
    pub scripts: Vec<Script>,
    /// The rendered guidance of each script (same index).
    pub script_notes: Vec<Rendered>,
    /// For each document, the scripts it links to (indices into `scripts`).
    pub linked_scripts: Vec<Vec<usize>>,
    /// Problems that do not stop the build.
    pub warnings: Vec<Warning>,
    /// Every content path (`a/b.md`, `scripts/x.yaml`) → its URL.
    pub urls: HashMap<String, String>,
    /// Every content path → its node.
    nodes: HashMap<String, NodeId>,
    /// Content paths that exist but are not in the site, and why.
    absent: HashMap<String, Absent>,
    /// Every language's page of each content path (shared by every
    /// language's site; empty for a site in one language).
    pub versions: std::sync::Arc<versions::Versions>,
}

/// Why a file of `content/` is not in the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Absent {
    /// It has `draft: true`, and drafts are not being built.
    Draft,
    /// It has errors of its own, reported already.
    Failed,
    /// It is not translated into this site's language: links to it lead to
    /// its page in the site's own language.
    Elsewhere,
}

impl Site {
    /// Builds the model from loaded content, reporting every broken link,
    /// missing anchor and URL collision together.
    pub fn build(config: &Config, content: Content, bodies: Bodies) -> Result<Site> {
        let (site, errors) = Site::assemble(config, content, bodies);
        Error::collect(errors)?;
        Ok(site)
    }

    /// Builds the model from whatever content loaded, with every error found
    /// on the way: the content's own, the scripts', URL collisions, broken
    /// links. The site is whole enough to render (bad files are left out),
    /// so that templates can be checked in the same run; it must not be
    /// published while there are errors.
    pub fn assemble(config: &Config, content: Content, bodies: Bodies) -> (Site, Vec<Error>) {
        let loaded = crate::script::load_each(config, &content.scripts);
        Site::assemble_with(config, content, loaded, &HashMap::new(), bodies)
    }

    /// [`Site::assemble`] with the scripts already loaded, and `elsewhere`:
    /// content paths this site lacks, each with the URL of its page in the
    /// site's own language, where links to it lead (a translation's link
    /// to a page not translated yet).
    pub fn assemble_with(
        config: &Config,
        content: Content,
        loaded: crate::script::Loaded,
        elsewhere: &HashMap<String, String>,
        bodies: Bodies,
    ) -> (Site, Vec<Error>) {
        let Content {
            mut documents,
            assets,
            warnings: content_warnings,
            mut errors,
            failed,
            drafts,
            ..
        } = content;
        add_implicit_sections(config, &mut documents);
        documents.sort_by(|a, b| a.relative.cmp(&b.relative));
        let scripts = loaded.scripts;
        let warnings: Vec<Warning> = content_warnings
            .into_iter()
            .chain(loaded.warnings)
            .collect();
        errors.extend(loaded.errors);
        let failed = failed.into_iter().chain(loaded.failed);
        let drafts = drafts.into_iter().chain(loaded.drafts);
        let mut absent = absent_of(failed, drafts);
        errors.extend(check_taxonomy_urls(config, &documents));
        let urls = urls_of(&documents, &scripts, &mut absent, elsewhere);
        let (rendered, script_notes) =
            render_markdown(config, &urls, &mut documents, &scripts, bodies);
        let mut site = Site {
            documents,
            rendered,
            sections: Vec::new(),
            section_of: Vec::new(),
            section_index: Vec::new(),
            neighbours: Vec::new(),
            taxonomies: Vec::new(),
            assets,
            scripts,
            script_notes,
            linked_scripts: Vec::new(),
            warnings,
            urls,
            nodes: HashMap::new(),
            absent,
            versions: Default::default(),
        };
        site.nodes = site.nodes_by_path();
        let every_node: Vec<NodeId> = site.every_node().collect();
        errors.extend(site.check_links(&every_node));
        site.arrange();
        site.linked_scripts = (0..site.documents.len())
            .map(|i| site.scripts_linked_from(i))
            .collect();
        (site, errors)
    }

    /// Whether `relative` is a draft left out of this build.
    pub fn is_draft(&self, relative: &str) -> bool {
        self.absent.get(relative) == Some(&Absent::Draft)
    }

    /// Every node by its content path.
    fn nodes_by_path(&self) -> HashMap<String, NodeId> {
        self.every_node()
            .map(|node| (self.relative(node).to_string(), node))
            .collect()
    }

    /// Every node: the documents in order, then the scripts.
    pub fn every_node(&self) -> impl Iterator<Item = NodeId> {
        let documents = (0..self.documents.len()).map(NodeId::Document);
        documents.chain((0..self.scripts.len()).map(NodeId::Script))
    }

    /// The node of a content path (`a/b.md`, `scripts/x.yaml`).
    pub fn node(&self, relative: &str) -> Option<NodeId> {
        self.nodes.get(relative).copied()
    }

    /// A node's content path.
    pub fn relative(&self, node: NodeId) -> &str {
        match node {
            NodeId::Document(i) => &self.documents[i].relative,
            NodeId::Script(i) => &self.scripts[i].relative,
        }
    }

    /// A node's place in the list of every node (documents, then scripts).
    fn flat(&self, node: NodeId) -> usize {
        match node {
            NodeId::Document(i) => i,
            NodeId::Script(i) => self.documents.len() + i,
        }
    }

    /// The index of the script with this slug.
    /// The term with this slug in the taxonomy `taxonomy`, if some page uses it.
    pub fn term(&self, taxonomy: &str, slug: &str) -> Option<&Term> {
        let taxonomy = self.taxonomies.iter().find(|t| t.id == taxonomy)?;
        taxonomy.term(slug).map(|i| &taxonomy.terms[i])
    }

    pub fn script_by_slug(&self, slug: &str) -> Option<usize> {
        self.scripts.iter().position(|s| s.slug == slug)
    }

    /// The root section (the home page).
    pub fn root(&self) -> &Section {
        &self.sections[0]
    }

    /// Pages and sections, counted.
    pub fn counts(&self) -> (usize, usize) {
        let sections = self.sections.len();
        (self.documents.len() - sections, sections)
    }

    /// Orders sections and pages, and finds neighbours and tags.
    fn arrange(&mut self) {
        let (sections, section_of, section_index) = place(&self.documents);
        self.neighbours = neighbours(&self.documents, &sections);
        self.sections = sections;
        self.section_of = section_of;
        self.section_index = section_index;
        self.taxonomies = taxonomies(&self.documents, &self.scripts);
    }

    /// The scripts document `index` links to, each once, in link order.
    fn scripts_linked_from(&self, index: usize) -> Vec<usize> {
        let mut linked: Vec<usize> = Vec::new();
        let rendered = &self.rendered[index];
        let linked_paths = rendered.links.iter().map(|l| &l.target);
        for link in linked_paths {
            if let Some(i) = self.scripts.iter().position(|s| &s.relative == link) {
                if !linked.contains(&i) {
                    linked.push(i);
                }
            }
        }
        for embed in &rendered.embeds {
            if let Some(i) = self.script_by_slug(&embed.slug.0) {
                if !linked.contains(&i) {
                    linked.push(i);
                }
            }
        }
        linked
    }

    /// Checks the links written in the given nodes.
    fn check_links(&self, sources: &[NodeId]) -> Vec<Error> {
        let nodes: Vec<Node<'_>> = self
            .documents
            .iter()
            .zip(&self.rendered)
            .map(|(d, r)| Node {
                relative: &d.relative,
                rendered: r,
                document: true,
                at: Box::new(move |offset, message| d.diagnostic_at(offset, message)),
            })
            .chain(
                self.scripts
                    .iter()
                    .zip(&self.script_notes)
                    .map(|(s, r)| Node {
                        relative: &s.relative,
                        rendered: r,
                        document: false,
                        at: Box::new(move |offset, message| {
                            let (line, column) = crate::error::line_column(&s.notes, offset);
                            let (line, column) = s.notes_origin.place(line, column);
                            Diagnostic::at(&s.path, &s.source, line, column, message)
                        }),
                    }),
            )
            .collect();
        let sources: Vec<usize> = sources.iter().map(|&node| self.flat(node)).collect();
        let index = Index {
            nodes: &self.nodes,
            flat: &|node| self.flat(node),
        };
        let mut errors = check_links(&nodes, &index, &self.absent, &sources);
        for node in sources.iter().map(|&i| &nodes[i]) {
            errors.extend(check_embeds(node, &self.scripts, &self.absent));
        }
        errors
    }

    /// Replaces pages whose files changed (same URL, same draft state),
    /// re-rendering only their Markdown and re-checking only the links from
    /// and into them, then arranging the site again when a page's place may
    /// have moved. `None` when a page moved (a new URL), so that only a full
    /// rebuild will do. On error the site is left as it was. What to render
    /// again is the render plan's to say ([`crate::render::plan::Plan::stale`]).
    pub fn replace_pages(
        &mut self,
        config: &Config,
        pages: Vec<Document>,
    ) -> Result<Option<Replaced>> {
        let mut indices = Vec::new();
        for page in &pages {
            match self.nodes.get(&page.relative) {
                Some(&NodeId::Document(i))
                    if self.documents[i].url == page.url && page.kind == Kind::Page =>
                {
                    indices.push(i)
                }
                _ => return Ok(None),
            }
        }
        let rendered: Vec<Rendered> = pages
            .par_iter()
            .map(|d| render_document(config, &self.urls, d))
            .collect();
        let mut old = Vec::new();
        for ((&i, page), rendered) in indices.iter().zip(pages).zip(rendered) {
            let document = std::mem::replace(&mut self.documents[i], page);
            let rendered = std::mem::replace(&mut self.rendered[i], rendered);
            old.push((i, document, rendered));
        }
        let errors = self.check_links(&self.links_into(&indices));
        if !errors.is_empty() {
            for (i, document, rendered) in old {
                self.documents[i] = document;
                self.rendered[i] = rendered;
            }
            return Error::collect(errors).map(|_| None);
        }
        let rearranged = old.iter().any(|(i, before, _)| {
            let after = &self.documents[*i];
            before.meta.weight != after.meta.weight
                || before.meta.date != after.meta.date
                || before.title != after.title
                || before.meta.terms != after.meta.terms
        });
        if rearranged {
            self.arrange();
        }
        for &(i, _, _) in &old {
            self.linked_scripts[i] = self.scripts_linked_from(i);
        }
        Ok(Some(Replaced {
            pages: indices,
            rearranged,
        }))
    }

    /// The given documents and every node that links to a heading of one
    /// of them: whose links need checking again when they change.
    fn links_into(&self, documents: &[usize]) -> Vec<NodeId> {
        let changed: Vec<&str> = documents
            .iter()
            .map(|&i| self.documents[i].relative.as_str())
            .collect();
        let linking = self.every_node().filter(|&node| {
            let rendered = match node {
                NodeId::Document(i) => &self.rendered[i],
                NodeId::Script(i) => &self.script_notes[i],
            };
            rendered
                .links
                .iter()
                .any(|l| l.anchor.is_some() && changed.contains(&l.target.as_str()))
        });
        let given = documents.iter().map(|&i| NodeId::Document(i));
        let mut sources: Vec<NodeId> = given.chain(linking).collect();
        sources.sort_unstable();
        sources.dedup();
        sources
    }
}

/// What [`Site::replace_pages`] changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replaced {
    /// The replaced pages, as indices into [`Site::documents`] (each keeps
    /// its index).
    pub pages: Vec<usize>,
    /// Whether sections, neighbours and terms were arranged again, because a
    /// page's weight, date, title or terms changed.
    pub rearranged: bool,
}

/// Every folder that holds pages becomes a section, with a made-up
/// `_index.md` when it has none; the home page always exists.
fn add_implicit_sections(config: &Config, documents: &mut Vec<Document>) {
    let existing: HashSet<String> = documents
        .iter()
        .filter(|d| d.kind == Kind::Section)
        .map(|d| d.dir.clone())
        .collect();
    let mut needed: HashSet<String> = HashSet::from([String::new()]);
    for document in documents.iter() {
        let mut dir = document.dir.as_str();
        loop {
            needed.insert(dir.to_string());
            match dir.rsplit_once('/') {
                Some((parent, _)) => dir = parent,
                None if !dir.is_empty() => dir = "",
                None => break,
            }
        }
    }
    for dir in needed.difference(&existing) {
        let relative = if dir.is_empty() {
            "_index.md".to_string()
        } else {
            format!("{dir}/_index.md")
        };
        let title = if dir.is_empty() {
            config.title.clone()
        } else {
            humanize(dir.rsplit('/').next().unwrap_or(dir))
        };
        documents.push(Document {
            kind: Kind::Section,
            path: config.root.join("content").join(&relative),
            relative,
            source: String::new(),
            body_offset: 0,
            body_dropped: false,
            meta: FrontMatter::default(),
            title,
            dir: dir.clone(),
            url: dir_url(config, dir),
        });
    }
}

/// Something whose rendered Markdown has links to check.
struct Node<'a> {
    relative: &'a str,
    rendered: &'a Rendered,
    /// Whether it is a page or section (embeds work there, not in a script's notes).
    document: bool,
    /// A diagnostic at a byte offset of the rendered Markdown.
    at: Box<dyn Fn(usize, String) -> Diagnostic + 'a>,
}

/// The site's nodes by content path, and each node's place in the list
/// [`check_links`] is given.
struct Index<'a> {
    nodes: &'a HashMap<String, NodeId>,
    flat: &'a dyn Fn(NodeId) -> usize,
}

/// The error of an embed of a script this language has no translation of.
fn untranslated_embed(
    node: &Node<'_>,
    slug: &str,
    at: usize,
    absent: &HashMap<String, Absent>,
) -> Option<Error> {
    let path = ["yaml", "md"]
        .map(|extension| format!("{}/{slug}.{extension}", crate::content::SCRIPTS_DIR))
        .into_iter()
        .find(|path| absent.get(path) == Some(&Absent::Elsewhere))?;
    let message = format!("the script `{slug}` is not translated into this page's language yet, so it cannot be embedded here");
    let help = format!("translate `content/{path}` first (`guide new translation <language> {path}`), or link to it for now: [its title](@/{path})");
    Some(
        (node.at)(at, message)
            .width(slug.chars().count())
            .help(help)
            .into(),
    )
}

/// Why each path that is not in the site is absent.
fn absent_of(
    failed: impl Iterator<Item = String>,
    drafts: impl Iterator<Item = String>,
) -> HashMap<String, Absent> {
    let failed = failed.map(|path| (path, Absent::Failed));
    failed
        .chain(drafts.map(|path| (path, Absent::Draft)))
        .collect()
}

/// Every node's URL by content path, and the paths of `elsewhere` this
/// site lacks, whose links lead to their pages in the site's own language.
fn urls_of(
    documents: &[Document],
    scripts: &[Script],
    absent: &mut HashMap<String, Absent>,
    elsewhere: &HashMap<String, String>,
) -> HashMap<String, String> {
    let mut urls: HashMap<String, String> = documents
        .iter()
        .map(|d| (d.relative.clone(), d.url.clone()))
        .chain(scripts.iter().map(|s| (s.relative.clone(), s.url.clone())))
        .collect();
    for (path, url) in elsewhere {
        if !urls.contains_key(path) {
            urls.insert(path.clone(), url.clone());
            absent.entry(path.clone()).or_insert(Absent::Elsewhere);
        }
    }
    urls
}

/// The Markdown of every document and of every script's notes, rendered
/// in parallel with links resolved through `urls`; each document's body is
/// dropped once rendered when `bodies` says so.
fn render_markdown(
    config: &Config,
    urls: &HashMap<String, String>,
    documents: &mut [Document],
    scripts: &[Script],
    bodies: Bodies,
) -> (Vec<Rendered>, Vec<Rendered>) {
    rayon::join(
        || {
            documents
                .par_iter_mut()
                .map(|d| {
                    let rendered = render_document(config, urls, d);
                    if bodies == Bodies::Drop {
                        d.drop_body();
                    }
                    rendered
                })
                .collect()
        },
        || {
            let resolve = |path: &str| urls.get(path).cloned();
            let links = Links {
                dir: crate::content::SCRIPTS_DIR,
                resolve: &resolve,
            };
            scripts
                .par_iter()
                .map(|s| markdown::render(&s.notes, &config.markdown, &links))
                .collect()
        },
    )
}

fn check_links(
    nodes: &[Node<'_>],
    index: &Index<'_>,
    absent: &HashMap<String, Absent>,
    sources: &[usize],
) -> Vec<Error> {
    let mut errors = Vec::new();
    for node in sources.iter().map(|&i| &nodes[i]) {
        for scripted in &node.rendered.scripted {
            let message = format!("{} would be published", scripted.what);
            let help = "link to a page or a file instead; guide publishes no link that runs code";
            errors.push((node.at)(scripted.offset, message).help(help).into());
        }
        for link in &node.rendered.links {
            if let Some(error) = link_error(nodes, index, absent, node, link) {
                errors.push(error);
            }
        }
    }
    errors
}

/// What is wrong with one link of `node`, if anything: it points at a
/// draft, at no file, or at a heading its target lacks (a file that failed
/// to load is reported once, by itself).
fn link_error(
    nodes: &[Node<'_>],
    index: &Index<'_>,
    absent: &HashMap<String, Absent>,
    node: &Node<'_>,
    link: &markdown::Link,
) -> Option<Error> {
    match absent.get(&link.target) {
        Some(Absent::Failed | Absent::Elsewhere) => return None,
        Some(Absent::Draft) => {
            let message = format!(
                "link `{}` points at a draft: `content/{}` has `draft: true`",
                link.written, link.target
            );
            let help = "build with --drafts to include drafts, or remove the link until the page is published";
            return Some((node.at)(link.offset, message).help(help).into());
        }
        None => {}
    }
    if !link.resolved {
        let help = match did_you_mean(&link.target, index.nodes.keys().map(String::as_str)) {
            Some(near) => format!("did you mean `@/{near}`?"),
            None => "internal links are written `@/path/from/content.md#anchor`".into(),
        };
        let message = format!(
            "broken link `{}`: there is no `content/{}`",
            link.written, link.target
        );
        return Some((node.at)(link.offset, message).help(help).into());
    }
    let anchor = link.anchor.as_ref()?;
    let target = index
        .nodes
        .get(link.target.as_str())
        .map_or(node, |&t| &nodes[(index.flat)(t)]);
    let ids = &target.rendered.ids;
    if ids.iter().any(|id| id == anchor) {
        return None;
    }
    let help = match did_you_mean(anchor, ids.iter().map(String::as_str)) {
        Some(near) => format!("did you mean `#{near}`?"),
        None if ids.is_empty() => "that page has no headings".to_string(),
        None => format!(
            "its headings are: {}",
            ids.iter()
                .map(|id| format!("#{id}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let message = format!(
        "broken link `{}`: `{}` has no heading `#{anchor}`",
        link.written, target.relative
    );
    Some((node.at)(link.offset, message).help(help).into())
}

/// The errors of a node's ```` ```script ```` fences: a bad info string, a
/// script or message that does not exist, an embed in a script's notes.
fn check_embeds(
    node: &Node<'_>,
    scripts: &[Script],
    absent: &HashMap<String, Absent>,
) -> Vec<Error> {
    let mut errors = Vec::new();
    for embed in &node.rendered.embeds {
        let (slug, at) = &embed.slug;
        if let Some((offset, message)) = &embed.problem {
            errors.push((node.at)(*offset, message.clone()).into());
            continue;
        }
        if !node.document {
            let message = "a script's notes cannot embed a script".to_string();
            let help = "link to it instead: [its title](@/scripts/<slug>.yaml)";
            errors.push((node.at)(*at, message).help(help).into());
            continue;
        }
        let Some(script) = scripts.iter().find(|s| &s.slug == slug) else {
            if let Some(error) = untranslated_embed(node, slug, *at, absent) {
                errors.push(error);
                continue;
            }
            let help = match did_you_mean(slug, scripts.iter().map(|s| s.slug.as_str())) {
                Some(near) => format!("did you mean `{near}`?"),
                None => "the slug is the script's file name without `.yaml` or `.md`".into(),
            };
            let message = format!("no script `{slug}` to embed");
            errors.push(
                (node.at)(*at, message)
                    .width(slug.chars().count())
                    .help(help)
                    .into(),
            );
            continue;
        };
        for (name, at) in &embed.messages {
            if script.messages.iter().any(|m| &m.name == name) {
                continue;
            }
            let names: Vec<&str> = script.messages.iter().map(|m| m.name.as_str()).collect();
            let help = match did_you_mean(name, names.iter().copied()) {
                Some(near) => format!("did you mean `{near}`?"),
                None => format!("its messages are: {}", names.join(", ")),
            };
            let message = format!("script `{slug}` has no message `{name}`");
            errors.push(
                (node.at)(*at, message)
                    .width(name.chars().count())
                    .help(help)
                    .into(),
            );
        }
    }
    errors
}

/// Whether [`Site::build`] keeps each document's Markdown body once it is
/// rendered: `serve` re-renders and `check` lints them; `guide build` needs
/// them no more ([`Document::drop_body`]).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Bodies {
    Keep,
    Drop,
}

/// Renders one document's Markdown with links resolved through `urls`.
fn render_document(
    config: &Config,
    urls: &HashMap<String, String>,
    document: &Document,
) -> Rendered {
    let resolve = |path: &str| urls.get(path).cloned();
    let links = Links {
        dir: &document.dir,
        resolve: &resolve,
    };
    markdown::render(document.body(), &config.markdown, &links)
}
