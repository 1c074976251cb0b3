//! The output plan: every path the built site will have, and what claims
//! it, decided before anything is rendered or written.
//!
//! Each source of an output file (a page, a section, a script, an alias,
//! a taxonomy's list and each of its terms, guide's own files: the feed,
//! the sitemap, robots.txt, the 404 page, the search index's folder, the
//! web app manifest, the service worker, the offline page, `_redirects`; the
//! static files of the theme and the site; the files of `content/`) claims
//! its path here. A second claim on a path, or a file claimed where another
//! claim needs a folder (`css/style.css` and `css/style.css/index.html`),
//! is one located error naming both claimants, so nothing is ever replaced
//! in silence. The one deliberate replacement is a static file of the site
//! or theme over one of guide's generated files (`static/robots.txt`),
//! which the plan records so the generated one is not rendered at all.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;

use crate::config::Config;
use crate::error::{display_path, Diagnostic, Error, Result};
use crate::offline;
use crate::site::{NodeId, Site};

use super::feeds;
use super::Templates;

mod readers;
mod reads;
pub use reads::{listing, Before, Changes, Read};

/// What claims an output path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claimant {
    /// A document's or a script's page.
    Node(NodeId),
    /// An alias (written as it is in front matter) of a document.
    Alias { document: usize, alias: String },
    /// The list of a taxonomy's terms (index into the site's taxonomies).
    TaxonomyList(usize),
    /// One term's page: (taxonomy, term) indices.
    Term(usize, usize),
    /// A file guide makes itself (`atom.xml`, `sitemap.xml`, …).
    Generated(&'static str),
    /// A static file of the theme or the site: its path from the site root.
    Static(String),
    /// A file of `content/` copied as it is (index into the site's assets).
    Asset(usize),
}

/// What guide itself makes, and is therefore named as such in an error.
const GENERATED: [(&str, &str); 8] = [
    (feeds::ATOM, "guide's feed"),
    ("sitemap.xml", "guide's sitemap"),
    ("robots.txt", "guide's robots.txt"),
    ("404.html", "the site's 404 page"),
    (offline::MANIFEST, "guide's web app manifest"),
    (offline::WORKER, "guide's service worker"),
    (offline::PAGE, "guide's offline page"),
    (feeds::REDIRECTS, "guide's _redirects file"),
];

/// Whether guide makes this generated file for this site.
fn generates(config: &Config, templates: &Templates, path: &str) -> bool {
    let offline = config.offline.enabled && !config.serving;
    if !config.is_default_language() {
        // Another language has its own feed, and its own worker, manifest
        // and offline page; the rest is the site's.
        return match path {
            feeds::ATOM => true,
            offline::MANIFEST | offline::PAGE => offline,
            offline::WORKER => offline || config.serving,
            _ => false,
        };
    }
    match path {
        "404.html" => templates.has("404.html"),
        offline::MANIFEST | offline::PAGE => offline,
        offline::WORKER => offline || config.serving,
        feeds::REDIRECTS => config.redirects_file,
        _ => true,
    }
}

/// Every output path of the site and what claims it.
#[derive(Debug, Default)]
pub struct Plan {
    claims: HashMap<String, Claimant>,
    /// Every folder some claimed path lies in (`a`, `a/b` for
    /// `a/b/index.html`), so that a file claimed where a folder must be is
    /// found with one lookup.
    folders: HashSet<String>,
    /// Folders guide keeps for itself (`pagefind/` when search is on).
    reserved: Vec<&'static str>,
    /// Generated files a static file replaces, which are not rendered.
    replaced: BTreeSet<String>,
    /// The claims indexed by what their jobs read, made when first asked.
    readers: Option<readers::Readers>,
}

impl Plan {
    /// What claims `path`, if anything does.
    pub fn claimant(&self, path: &str) -> Option<&Claimant> {
        self.claims.get(path)
    }

    /// Whether `path` may be written: claimed, or inside a reserved folder.
    pub fn allows(&self, path: &str) -> bool {
        self.claims.contains_key(path) || self.reserved_folder(path).is_some()
    }

    /// Whether a generated file is replaced by a static one (and so is not
    /// rendered).
    pub fn is_replaced(&self, path: &str) -> bool {
        self.replaced.contains(path)
    }

    /// Every claimed path with what claims it, in no particular order.
    pub fn claims(&self) -> impl Iterator<Item = (&str, &Claimant)> {
        self.claims
            .iter()
            .map(|(path, claimant)| (path.as_str(), claimant))
    }

    /// The generated files this site has (not replaced by a static file),
    /// in a fixed order.
    pub fn generated(&self) -> impl Iterator<Item = &'static str> + '_ {
        GENERATED
            .iter()
            .map(|(path, _)| *path)
            .filter(|path| matches!(self.claims.get(*path), Some(Claimant::Generated(_))))
    }

    /// The claims whose jobs read something among `changes`, sorted by path:
    /// what `serve` renders again after an edit. `site` is the site after
    /// the edit; the first call indexes the jobs by their reads
    /// ([`Plan::index_reads`]).
    pub fn stale(
        &mut self,
        site: &Site,
        templates: &Templates,
        changes: &Changes,
    ) -> Vec<(String, Claimant)> {
        self.index_reads(site, templates);
        let readers = self.readers.as_mut().expect("indexed above");
        readers.stale(site, templates, changes)
    }

    /// Indexes the jobs by what they read in `site`, unless that is done:
    /// `serve` calls it after its first build, so the first edit is as
    /// quick as the next.
    pub fn index_reads(&mut self, site: &Site, templates: &Templates) {
        if self.readers.is_none() {
            self.readers = Some(readers::Readers::new(site, templates, self.claims()));
        }
    }

    fn reserved_folder(&self, path: &str) -> Option<&'static str> {
        self.reserved
            .iter()
            .copied()
            .find(|dir| path.strip_prefix(dir).is_some_and(|r| r.starts_with('/')))
    }
}

/// Claims every output path of the site, reporting every collision.
pub fn plan(r: super::Renderer<'_>) -> Result<Plan> {
    let super::Renderer {
        config,
        site,
        templates,
    } = r;
    let mut planner = Planner {
        config,
        site,
        plan: Plan::default(),
        errors: Vec::new(),
    };
    if config.search {
        planner.plan.reserved.push(crate::search::DIR);
    }
    // Fixed files first, so that an error points at the page, alias or term
    // that came to take their place.
    planner.claim_generated(templates);
    planner.claim_files(templates);
    planner.claim_nodes();
    planner.claim_taxonomies(templates);
    planner.claim_aliases();
    Error::collect(planner.errors)?;
    Ok(planner.plan)
}

struct Planner<'a> {
    config: &'a Config,
    site: &'a Site,
    plan: Plan,
    errors: Vec<Error>,
}

impl Planner<'_> {
    fn claim_generated(&mut self, templates: &Templates) {
        let overridden: BTreeSet<&str> =
            templates.statics.iter().map(|(p, _)| p.as_str()).collect();
        for (path, _) in GENERATED {
            if !generates(self.config, templates, path) {
                continue;
            }
            if overridden.contains(path) {
                self.plan.replaced.insert(path.to_string());
                continue;
            }
            self.claim(path.to_string(), Claimant::Generated(path));
        }
    }

    fn claim_nodes(&mut self) {
        let config = self.config;
        for (i, document) in self.site.documents.iter().enumerate() {
            self.claim(
                super::output_path(config, &document.url),
                Claimant::Node(NodeId::Document(i)),
            );
        }
        for (i, script) in self.site.scripts.iter().enumerate() {
            self.claim(
                super::output_path(config, &script.url),
                Claimant::Node(NodeId::Script(i)),
            );
        }
    }

    fn claim_aliases(&mut self) {
        for (i, document) in self.site.documents.iter().enumerate() {
            for alias in &document.meta.aliases {
                // One that is no path on the site is the feed's error to give.
                if let Some(path) = feeds::alias_path(&alias.0) {
                    let claimant = Claimant::Alias {
                        document: i,
                        alias: alias.0.clone(),
                    };
                    self.claim(path, claimant);
                }
            }
        }
    }

    fn claim_taxonomies(&mut self, templates: &Templates) {
        let config = self.config;
        for (t, taxonomy) in self.site.taxonomies.iter().enumerate() {
            if templates.has("taxonomy_list.html") {
                let url = crate::site::taxonomy_url(config, &taxonomy.id);
                self.claim(super::output_path(config, &url), Claimant::TaxonomyList(t));
            }
            if templates.has("taxonomy_term.html") {
                for (i, term) in taxonomy.terms.iter().enumerate() {
                    let url = crate::site::term_url(config, &taxonomy.id, &term.slug);
                    self.claim(super::output_path(config, &url), Claimant::Term(t, i));
                }
            }
        }
    }

    fn claim_files(&mut self, templates: &Templates) {
        if !self.config.is_default_language() {
            // Static files are the site's, at its root, in every language.
            return;
        }
        for (path, _) in &templates.statics {
            let source = templates
                .static_source(path)
                .unwrap_or_else(|| format!("static/{path}"));
            self.claim(path.clone(), Claimant::Static(source));
        }
        for (i, asset) in self.site.assets.iter().enumerate() {
            self.claim(asset.relative.clone(), Claimant::Asset(i));
        }
    }

    /// Claims `path` for `claimant`, or records why it cannot have it.
    fn claim(&mut self, path: String, claimant: Claimant) {
        if let Some(message) = self.refusal(&path, &claimant) {
            let help = match self.plan.reserved_folder(&path) {
                Some(_) => {
                    "move or rename it; the folder is guide's while `[search] enabled` is on"
                }
                None => self.advice(&claimant),
            };
            let error = self.locate(&claimant, message).help(help);
            self.errors.push(error.into());
            return;
        }
        for (at, _) in path.match_indices('/') {
            if !self.plan.folders.contains(&path[..at]) {
                self.plan.folders.insert(path[..at].to_string());
            }
        }
        self.plan.claims.insert(path, claimant);
    }

    /// Why `claimant` cannot have `path`, if it cannot: the path is inside
    /// a reserved folder, claimed already, inside a claimed file, or a
    /// claimed folder.
    fn refusal(&self, path: &str, claimant: &Claimant) -> Option<String> {
        // Described only when refused: most paths are claimed once.
        let this = || self.describe(claimant);
        if let Some(dir) = self.plan.reserved_folder(path) {
            return Some(format!(
                "{} would be published at {}, inside /{dir}/, where guide writes the search index",
                this(),
                shown(path)
            ));
        }
        if let Some(other) = self.plan.claims.get(path) {
            let other = self.describe(other);
            return Some(format!(
                "{other} and {} would both be published at {}",
                this(),
                shown(path)
            ));
        }
        if let Some((file, other)) = self.file_above(path) {
            return Some(format!(
                "{} would be published at {}, but {} is the file {}",
                this(),
                shown(path),
                self.describe(other),
                shown(file)
            ));
        }
        let (below, other) = self.file_below(path)?;
        Some(format!(
            "{} would be published as the file {}, but {} needs a folder there ({})",
            this(),
            shown(path),
            self.describe(other),
            shown(below)
        ))
    }

    /// A claimed file that `path` would have to sit inside.
    fn file_above(&self, path: &str) -> Option<(&str, &Claimant)> {
        path.match_indices('/').find_map(|(at, _)| {
            let (key, claimant) = self.plan.claims.get_key_value(&path[..at])?;
            Some((key.as_str(), claimant))
        })
    }

    /// A claimed path inside `path`, when `path` is to be a file (looked
    /// for only when there is one, which is an error and rare).
    fn file_below(&self, path: &str) -> Option<(&str, &Claimant)> {
        if !self.plan.folders.contains(path) {
            return None;
        }
        self.plan
            .claims
            .iter()
            .filter(|(key, _)| key.strip_prefix(path).is_some_and(|r| r.starts_with('/')))
            .min_by_key(|(key, _)| key.as_str())
            .map(|(key, claimant)| (key.as_str(), claimant))
    }

    /// A claimant in words: "`content/a.md`", "the alias `/old/` of …".
    fn describe(&self, claimant: &Claimant) -> String {
        let site = self.site;
        match claimant {
            Claimant::Node(NodeId::Document(i)) => {
                format!("`{}`", display_path(&site.documents[*i].path))
            }
            Claimant::Node(NodeId::Script(i)) => {
                format!("`{}`", display_path(&site.scripts[*i].path))
            }
            Claimant::Alias { document, alias } => format!(
                "the alias `{alias}` of `{}`",
                display_path(&site.documents[*document].path)
            ),
            Claimant::TaxonomyList(t) => {
                format!("the list of `{}` terms", site.taxonomies[*t].id)
            }
            Claimant::Term(t, i) => {
                let taxonomy = &site.taxonomies[*t];
                format!("the `{}` term `{}`", taxonomy.id, taxonomy.terms[*i].name)
            }
            Claimant::Generated(path) => GENERATED
                .iter()
                .find(|(p, _)| p == path)
                .map_or_else(|| format!("guide's `{path}`"), |(_, what)| what.to_string()),
            Claimant::Static(source) => format!("the static file `{source}`"),
            Claimant::Asset(i) => format!("`content/{}`", site.assets[*i].relative),
        }
    }

    /// What to do about a refused claim.
    fn advice(&self, claimant: &Claimant) -> &'static str {
        match claimant {
            Claimant::Node(_) => "rename one of the files, or give one a different `slug:`",
            Claimant::Alias { .. } => "remove the alias, or change it to a path nothing else uses",
            Claimant::TaxonomyList(_) | Claimant::Term(..) => {
                "rename the term, or move what is published at that path"
            }
            Claimant::Static(_) | Claimant::Asset(_) => "rename or move one of the two",
            Claimant::Generated(_) => "this path is guide's own; move the other file",
        }
    }

    /// Where to point the error for `claimant`: the line of the alias, the
    /// slug or the term where there is one, else its file.
    fn locate(&self, claimant: &Claimant, message: String) -> Diagnostic {
        let site = self.site;
        match claimant {
            Claimant::Node(NodeId::Document(i)) => {
                let d = &site.documents[*i];
                match d.meta.slug.as_ref() {
                    Some(_) => at_line(&d.path, &d.source, "slug:", message),
                    None => Diagnostic::file(&d.path, message),
                }
            }
            Claimant::Node(NodeId::Script(i)) => Diagnostic::file(&site.scripts[*i].path, message),
            Claimant::Alias { document, alias } => {
                let d = &site.documents[*document];
                at_value(&d.path, &d.source, "aliases", alias, message)
            }
            Claimant::TaxonomyList(t) | Claimant::Term(t, _) => {
                let taxonomy = &site.taxonomies[*t];
                let (term, name) = match claimant {
                    Claimant::Term(_, i) => (&taxonomy.terms[*i], taxonomy.terms[*i].name.as_str()),
                    _ => (&taxonomy.terms[0], taxonomy.id.as_str()),
                };
                match (term.pages.first(), term.scripts.first()) {
                    (Some(&page), _) => {
                        let d = &site.documents[page];
                        at_value(&d.path, &d.source, &taxonomy.id, name, message)
                    }
                    (None, Some(&s)) => {
                        let script = &site.scripts[s];
                        at_value(&script.path, &script.source, &taxonomy.id, name, message)
                    }
                    (None, None) => Diagnostic::file(self.config.root.join("site.toml"), message),
                }
            }
            Claimant::Generated(_) => Diagnostic::file(self.config.root.join("site.toml"), message),
            Claimant::Static(source) => Diagnostic::file(self.config.root.join(source), message),
            Claimant::Asset(i) => Diagnostic::file(
                self.config
                    .root
                    .join("content")
                    .join(&site.assets[*i].relative),
                message,
            ),
        }
    }
}

/// An output path as a reader would see it: `/a/b/` for `a/b/index.html`.
fn shown(path: &str) -> String {
    match path.strip_suffix("index.html") {
        Some(folder) if folder.is_empty() || folder.ends_with('/') => format!("/{folder}"),
        _ => format!("/{path}"),
    }
}

/// A diagnostic at the first front-matter line that starts with `key`.
fn at_line(path: &Path, source: &str, key: &str, message: String) -> Diagnostic {
    match source.lines().position(|line| line.starts_with(key)) {
        Some(i) => Diagnostic::at(path, source, i + 1, 1, message).width(key.len() - 1),
        None => Diagnostic::file(path, message),
    }
}

/// A diagnostic at `text` in the value of the front-matter key `key`
/// (on its line, or the list lines below it); at the key when `text` is
/// not found, at the file when the key is not.
fn at_value(path: &Path, source: &str, key: &str, text: &str, message: String) -> Diagnostic {
    let lines: Vec<&str> = source.lines().collect();
    let front = lines
        .iter()
        .skip(1)
        .position(|line| line.trim_end() == "---")
        .map_or(lines.len(), |end| end + 1);
    let Some(start) = (1..front).find(|&i| {
        lines[i]
            .strip_prefix(key)
            .is_some_and(|rest| rest.trim_start().starts_with(':'))
    }) else {
        return Diagnostic::file(path, message);
    };
    let value_lines = std::iter::once(start)
        .chain((start + 1..front).take_while(|&i| lines[i].starts_with([' ', '\t', '-'])));
    for i in value_lines {
        let from = if i == start { key.len() + 1 } else { 0 };
        if let Some(at) = lines[i].get(from..).and_then(|rest| find_item(rest, text)) {
            let column = lines[i][..from + at].chars().count() + 1;
            return Diagnostic::at(path, source, i + 1, column, message)
                .width(text.chars().count());
        }
    }
    Diagnostic::at(path, source, start + 1, 1, message).width(key.chars().count())
}

/// Where `text` is written as a whole item of a YAML value (`[a, b]`,
/// `- a`, `"a"`), not as part of a longer one.
fn find_item(line: &str, text: &str) -> Option<usize> {
    let apart = |c: Option<char>| c.is_none_or(|c| " \t,[]\"'-:".contains(c));
    line.match_indices(text).map(|(at, _)| at).find(|&at| {
        let before = line[..at].chars().next_back();
        let after = line[at + text.len()..].chars().next();
        apart(before) && (after.is_none() || after.is_some_and(|c| " \t,]\"'#".contains(c)))
    })
}

#[cfg(test)]
mod tests {
    use super::{find_item, shown};

    #[test]
    fn items_are_found_whole() {
        assert_eq!(find_item("[/tags/a/, /tags/]", "/tags/"), Some(11));
        assert_eq!(find_item("[/tags/a/, /tags/]", "/tags/a/"), Some(1));
        assert_eq!(find_item("  - \"x\"", "x"), Some(5));
        assert_eq!(find_item("[ab, b]", "b"), Some(5));
        assert_eq!(find_item("[ab]", "b"), None);
    }

    #[test]
    fn paths_are_shown_as_urls() {
        assert_eq!(shown("index.html"), "/");
        assert_eq!(shown("a/b/index.html"), "/a/b/");
        assert_eq!(shown("robots.txt"), "/robots.txt");
        assert_eq!(shown("old-index.html"), "/old-index.html");
    }
}
