//! What each job of the plan reads: the nodes and site-wide facts whose
//! change makes its output stale.
//!
//! The reads mirror what a job's template context is made of (see
//! `render::context`, `render::scripts` and `render::feeds`), worked out from
//! the site's data, never from the templates' source: a template can show
//! anything its context holds, so a job reads all of it. `serve` compares
//! the site before and after an edit ([`Changes`]) and renders again exactly
//! the jobs with a read among the changes; `build` runs every job.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use serde_json::Value;

use crate::config::Config;
use crate::content::Kind;
use crate::site::{NodeId, Site};

use super::super::context::Views;

use super::super::Templates;
use super::Claimant;

/// One thing a job reads.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Read {
    /// All of a node: its body, its front matter, what it links to and
    /// embeds, as its own page shows it.
    Node(NodeId),
    /// What lists show of a node: its view without content (title, URL,
    /// dates, description, weight, terms, extra, word count), and the
    /// scripts it links to.
    Listing(NodeId),
    /// A node's title and URL, as a link to it shows them (previous and
    /// next, breadcrumbs, the menu).
    Link(NodeId),
    /// A document's previous and next pages.
    Neighbours(usize),
    /// The pages of a section, in order (by section index).
    Order(usize),
    /// A term's pages and scripts, in order: (taxonomy, term) indices into
    /// the site's taxonomies.
    Term(usize, usize),
    /// A taxonomy's terms, with their names and counts (by index).
    Terms(usize),
    /// The site's menu: its top-level sections, their titles and URLs.
    Menu,
    /// Which pages have a date (what the feed may list).
    Dated,
    /// All of some dated page (the feed shows their content): recorded
    /// with the page's own `Node`, so that the feed reads one thing, not
    /// every page.
    SomeDatedPage,
    /// A document's `date` and `updated`.
    Dates(usize),
    /// Some document's dates (the sitemap shows every document's).
    SomeDates,
    /// Every document's URL (the home page's `page_urls`). An edit that
    /// moves a URL reloads the whole site, so no edit changes this alone.
    Urls,
    /// The aliases pages have.
    Aliases,
    /// The bytes of static files and content assets (a shared image's
    /// size, the manifest's icons).
    Files,
}

/// What an edit changed, as reads: a job is stale when it reads one.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Changes {
    reads: HashSet<Read, BuildHasherDefault<Quick>>,
    /// Whether a term or a taxonomy appeared or went.
    terms_moved: bool,
}

/// A fast, unkeyed hash for the few reads an edit changes, looked up for
/// every job of the site after each edit (FxHash's multiply and rotate).
#[derive(Default)]
pub struct Quick(u64);

impl Hasher for Quick {
    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.write_u64(u64::from(byte));
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl Changes {
    /// Records a change.
    pub fn add(&mut self, read: Read) {
        self.reads.insert(read);
    }

    /// Whether a job with these reads is stale.
    pub fn touch(&self, reads: &[Read]) -> bool {
        reads.iter().any(|read| self.reads.contains(read))
    }

    /// Whether the change moves output paths: an alias, a term that
    /// appears or goes.
    pub fn moves_paths(&self) -> bool {
        self.reads
            .iter()
            .any(|read| matches!(read, Read::Aliases | Read::Terms(_)))
            || self.terms_moved
    }

    pub fn is_empty(&self) -> bool {
        self.reads.is_empty()
    }

    /// The changed reads, in no particular order.
    pub fn reads(&self) -> impl Iterator<Item = &Read> {
        self.reads.iter()
    }

    /// The changes, sorted, in words (for `serve -v`).
    pub fn describe(&self, site: &Site) -> Vec<String> {
        let mut lines: Vec<String> = self.reads.iter().map(|r| describe(site, r)).collect();
        lines.sort();
        lines
    }
}

fn describe(site: &Site, read: &Read) -> String {
    match read {
        Read::Node(node) => format!("{} changed", site.relative(*node)),
        Read::Listing(node) => format!("what lists show of {} changed", site.relative(*node)),
        Read::Link(node) => format!("the title of {} changed", site.relative(*node)),
        Read::Neighbours(i) => format!("the neighbours of {} changed", site.documents[*i].relative),
        Read::Order(s) => format!(
            "the order of {} changed",
            site.documents[site.sections[*s].document].relative
        ),
        Read::Term(t, k) => {
            let taxonomy = &site.taxonomies[*t];
            let slug = &taxonomy.terms[*k].slug;
            format!("what the {} term `{slug}` lists changed", taxonomy.id)
        }
        Read::Terms(t) => format!("the {} terms changed", site.taxonomies[*t].id),
        Read::Menu => "the menu changed".into(),
        Read::Dated => "the dated pages changed".into(),
        Read::Dates(i) => format!("the dates of {} changed", site.documents[*i].relative),
        Read::SomeDatedPage => "a dated page changed".into(),
        Read::SomeDates => "some page's dates changed".into(),
        Read::Urls => "the pages' URLs changed".into(),
        Read::Aliases => "the aliases changed".into(),
        Read::Files => "static files changed".into(),
    }
}

/// Every read of the job that makes a claimed path, into `list` (cleared
/// first: one list serves many jobs).
pub fn into(site: &Site, templates: &Templates, claimant: &Claimant, list: &mut Vec<Read>) {
    list.clear();
    let mut reads = Reads {
        site,
        list: std::mem::take(list),
    };
    match claimant {
        Claimant::Node(NodeId::Document(i)) => reads.document(*i),
        Claimant::Node(NodeId::Script(i)) => reads.script(*i),
        Claimant::Alias { document, .. } => {
            reads.push(Read::Aliases);
            reads.push(Read::Link(NodeId::Document(*document)));
        }
        Claimant::TaxonomyList(t) => {
            reads.chrome();
            reads.push(Read::Terms(*t));
        }
        Claimant::Term(t, k) => reads.term(*t, *k),
        Claimant::Generated(path) => reads.generated(path),
        Claimant::Static(_) | Claimant::Asset(_) => reads.push(Read::Files),
    }
    if templates.shares() && !matches!(claimant, Claimant::Static(_) | Claimant::Asset(_)) {
        // Sharing metadata gives an image's size, read from its file.
        reads.push(Read::Files);
    }
    *list = reads.list;
}

struct Reads<'a> {
    site: &'a Site,
    list: Vec<Read>,
}

impl Reads<'_> {
    fn push(&mut self, read: Read) {
        self.list.push(read);
    }

    /// What every page's frame shows: the menu and the home page's link.
    fn chrome(&mut self) {
        self.push(Read::Menu);
        let home = self.site.root().document;
        self.push(Read::Link(NodeId::Document(home)));
    }

    /// A page or a section: itself, its place, its ancestors, the scripts
    /// it shows; a section also reads what it lists.
    fn document(&mut self, i: usize) {
        let site = self.site;
        self.push(Read::Node(NodeId::Document(i)));
        self.chrome();
        let mut ancestor = site.section_of[i];
        while let Some(s) = ancestor {
            self.push(Read::Listing(NodeId::Document(site.sections[s].document)));
            ancestor = site.sections[s].parent;
        }
        self.scripts_of(i);
        match site.section_index[i] {
            None => self.page(i),
            Some(s) => self.section(i, s),
        }
    }

    fn page(&mut self, i: usize) {
        self.push(Read::Neighbours(i));
        let (previous, next) = self.site.neighbours[i];
        for n in previous.into_iter().chain(next) {
            self.push(Read::Link(NodeId::Document(n)));
        }
    }

    fn section(&mut self, i: usize, s: usize) {
        let site = self.site;
        let section = &site.sections[s];
        self.push(Read::Order(s));
        for &p in &section.pages {
            self.push(Read::Listing(NodeId::Document(p)));
        }
        for &sub in &section.subsections {
            self.push(Read::Listing(NodeId::Document(site.sections[sub].document)));
        }
        let is_scripts_index = site.documents[i].kind == Kind::Section
            && site.documents[i].dir == crate::content::SCRIPTS_DIR;
        if s == 0 {
            self.push(Read::Urls);
        }
        if s == 0 || is_scripts_index {
            // The home page and the scripts' index list every script.
            for script in 0..site.scripts.len() {
                self.push(Read::Listing(NodeId::Script(script)));
            }
        }
    }

    /// The scripts a document links to (their cards) and embeds (whole).
    fn scripts_of(&mut self, i: usize) {
        let site = self.site;
        for &script in &site.linked_scripts[i] {
            self.push(Read::Listing(NodeId::Script(script)));
        }
        for embed in &site.rendered[i].embeds {
            if let Some(script) = site.script_by_slug(&embed.slug.0) {
                self.push(Read::Node(NodeId::Script(script)));
            }
        }
    }

    fn script(&mut self, i: usize) {
        self.push(Read::Node(NodeId::Script(i)));
        self.chrome();
        let site = self.site;
        let scripts_index = site
            .sections
            .iter()
            .find(|s| site.documents[s.document].dir == crate::content::SCRIPTS_DIR);
        if let Some(section) = scripts_index {
            self.push(Read::Link(NodeId::Document(section.document)));
        }
    }

    fn term(&mut self, t: usize, k: usize) {
        self.chrome();
        let taxonomy = &self.site.taxonomies[t];
        let term = &taxonomy.terms[k];
        self.push(Read::Term(t, k));
        for &p in &term.pages {
            self.push(Read::Listing(NodeId::Document(p)));
        }
        for &s in &term.scripts {
            self.push(Read::Listing(NodeId::Script(s)));
        }
    }

    fn generated(&mut self, path: &str) {
        let site = self.site;
        match path {
            super::super::feeds::ATOM => {
                self.push(Read::Dated);
                self.push(Read::SomeDatedPage);
            }
            "sitemap.xml" => {
                // Every URL is there too, but a URL changes only with a
                // full reload.
                self.push(Read::SomeDates);
                for t in 0..site.taxonomies.len() {
                    self.push(Read::Terms(t));
                }
            }
            super::super::feeds::REDIRECTS => self.push(Read::Aliases),
            crate::offline::MANIFEST => self.push(Read::Files),
            "404.html" | crate::offline::PAGE => self.chrome(),
            // robots.txt and the service worker read the configuration alone.
            _ => {}
        }
    }
}

/// What lists show of a node, as templates see it: a document's view
/// without content, with the scripts it links to; a script's card.
pub fn listing(config: &Config, site: &Site, node: NodeId) -> Value {
    let views = Views { config, site };
    match node {
        NodeId::Document(i) => serde_json::json!({
            "page": views.page(i, false),
            "scripts": site.linked_scripts[i],
        }),
        NodeId::Script(i) => serde_json::to_value(views.script_card(i)).unwrap_or_default(),
    }
}

/// A term as its page shows it: its name, pages and scripts.
type TermShown = (String, Vec<usize>, Vec<usize>);

/// What an edit of some pages may change, taken before it: compared with
/// the site after, it gives the edit's [`Changes`].
pub struct Before {
    /// Each edited page: its index, its title, its dates, its aliases.
    pages: Vec<(usize, String, Dates, Vec<String>)>,
    /// The listings of the edited pages and of their neighbours (a listing
    /// shows its previous and next pages' titles).
    listings: Vec<(usize, Value)>,
    neighbours: Vec<(Option<usize>, Option<usize>)>,
    orders: Vec<Vec<usize>>,
    /// Each taxonomy's id and terms, by slug.
    terms: Vec<(String, BTreeMap<String, TermShown>)>,
}

impl Before {
    pub fn of(config: &Config, site: &Site, pages: &[usize]) -> Before {
        let mut listed: Vec<usize> = pages.to_vec();
        for &i in pages {
            let (previous, next) = site.neighbours[i];
            listed.extend(previous.into_iter().chain(next));
        }
        listed.sort_unstable();
        listed.dedup();
        Before {
            pages: pages
                .iter()
                .map(|&i| {
                    let d = &site.documents[i];
                    (i, d.title.clone(), dates(site, i), aliases(site, i))
                })
                .collect(),
            listings: listed
                .into_iter()
                .map(|i| (i, listing(config, site, NodeId::Document(i))))
                .collect(),
            neighbours: site.neighbours.clone(),
            orders: site.sections.iter().map(|s| s.pages.clone()).collect(),
            terms: terms(site),
        }
    }

    /// What changed between this and `site`, the same site after the edit
    /// (same documents and sections; pages edited in place).
    pub fn changes(&self, config: &Config, site: &Site) -> Changes {
        let mut changes = Changes::default();
        let top: Vec<usize> = std::iter::once(0)
            .chain(site.root().subsections.iter().copied())
            .map(|s| site.sections[s].document)
            .collect();
        for (i, title, dated, aliased) in &self.pages {
            changes.add(Read::Node(NodeId::Document(*i)));
            let page = site.documents[*i].kind == Kind::Page;
            if page && (dated.0.is_some() || site.documents[*i].meta.date.is_some()) {
                changes.add(Read::SomeDatedPage);
            }
            if site.documents[*i].title != *title {
                changes.add(Read::Link(NodeId::Document(*i)));
                if top.contains(i) {
                    changes.add(Read::Menu);
                }
            }
            let now = dates(site, *i);
            if now != *dated {
                changes.add(Read::Dates(*i));
                changes.add(Read::SomeDates);
            }
            if now.0.is_some() != dated.0.is_some() {
                changes.add(Read::Dated);
            }
            if aliases(site, *i) != *aliased {
                changes.add(Read::Aliases);
            }
        }
        let mut relisted: Vec<usize> = self
            .listings
            .iter()
            .filter(|(i, listed)| listing(config, site, NodeId::Document(*i)) != *listed)
            .map(|(i, _)| *i)
            .collect();
        let moved = self.neighbours.iter().zip(&site.neighbours);
        for (i, _) in moved.enumerate().filter(|(_, (a, b))| a != b) {
            changes.add(Read::Neighbours(i));
            // Its listing links its neighbours.
            relisted.push(i);
        }
        for i in relisted {
            changes.add(Read::Listing(NodeId::Document(i)));
        }
        for (s, section) in site.sections.iter().enumerate() {
            if self.orders.get(s) != Some(&section.pages) {
                changes.add(Read::Order(s));
            }
        }
        self.term_changes(site, &mut changes);
        changes
    }

    fn term_changes(&self, site: &Site, changes: &mut Changes) {
        // (What a respelt term shows is recorded by `respelt`.)
        let after = terms(site);
        let empty = BTreeMap::new();
        let ids: BTreeSet<&str> = self
            .terms
            .iter()
            .chain(&after)
            .map(|(t, _)| t.as_str())
            .collect();
        for id in ids {
            let old = find(&self.terms, id).unwrap_or(&empty);
            let new = find(&after, id).unwrap_or(&empty);
            let taxonomy = site.taxonomies.iter().position(|t| t.id == id);
            let term = |slug: &str| {
                let t = taxonomy?;
                let k = site.taxonomies[t]
                    .terms
                    .iter()
                    .position(|term| term.slug == slug)?;
                Some((t, k))
            };
            let slugs: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
            let mut counted = false;
            for slug in slugs {
                let (was, is) = (old.get(slug), new.get(slug));
                if was != is {
                    match term(slug) {
                        Some((t, k)) if was.is_some() => changes.add(Read::Term(t, k)),
                        _ => changes.terms_moved = true,
                    }
                }
                if let (Some(was), Some(is)) = (was, is) {
                    if was.0 != is.0 {
                        // Every page and script filed under it shows its
                        // name, whoever spelt it anew.
                        respelt(&is.1, &is.2, changes);
                    }
                }
                let count =
                    |t: Option<&TermShown>| t.map(|(name, p, s)| (name.clone(), p.len() + s.len()));
                counted |= count(was) != count(is);
            }
            match (counted, taxonomy) {
                (true, Some(t)) => changes.add(Read::Terms(t)),
                (true, None) => changes.terms_moved = true,
                (false, _) => {}
            }
        }
    }
}

/// What shows a term's name: the pages and scripts filed under it, and
/// what lists them.
fn respelt(pages: &[usize], scripts: &[usize], changes: &mut Changes) {
    for &p in pages {
        changes.add(Read::Node(NodeId::Document(p)));
        changes.add(Read::Listing(NodeId::Document(p)));
    }
    // The feed shows the pages' terms only through their content, which a
    // term's spelling does not change; but be safe: a respelt page is a
    // changed page.
    if !pages.is_empty() {
        changes.add(Read::SomeDatedPage);
    }
    for &s in scripts {
        changes.add(Read::Node(NodeId::Script(s)));
        changes.add(Read::Listing(NodeId::Script(s)));
    }
}

/// A taxonomy's terms in a list of [`terms`].
fn find<'a>(
    list: &'a [(String, BTreeMap<String, TermShown>)],
    id: &str,
) -> Option<&'a BTreeMap<String, TermShown>> {
    list.iter().find(|(t, _)| t == id).map(|(_, terms)| terms)
}

/// A document's `date` and `updated`, as written.
type Dates = (Option<String>, Option<String>);

fn dates(site: &Site, i: usize) -> Dates {
    let meta = &site.documents[i].meta;
    let text = |d: &Option<crate::content::frontmatter::Date>| d.as_ref().map(|d| d.text.clone());
    (text(&meta.date), text(&meta.updated))
}

fn aliases(site: &Site, i: usize) -> Vec<String> {
    let aliases = &site.documents[i].meta.aliases;
    aliases.iter().map(|a| a.0.clone()).collect()
}

fn terms(site: &Site) -> Vec<(String, BTreeMap<String, TermShown>)> {
    let shown = |t: &crate::site::Term| (t.name.clone(), t.pages.clone(), t.scripts.clone());
    site.taxonomies
        .iter()
        .map(|taxonomy| {
            let terms = taxonomy.terms.iter().map(|t| (t.slug.clone(), shown(t)));
            (taxonomy.id.clone(), terms.collect())
        })
        .collect()
}
