//! A site kept in memory while `serve` runs: each edit is applied to it,
//! redoing only what the edit touches, in every language of the site.

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::config::Config;
use crate::content::{Document, Kind, SCRIPTS_DIR};
use crate::error::{Result, Warning};
use crate::languages::Edition;
use crate::output::Output;
use crate::render::plan::{self, Before, Changes, Claimant, Plan, Read};
use crate::render::{Renderer, Templates};
use crate::site::{Bodies, NodeId, Site};

use super::{load, render_and_index, replace_search_files};

/// What changed on disk, as `serve` saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    /// Files of `static/` (the site's or the theme's).
    Static,
    /// Files under `content/` (paths relative to the site root); `structural`
    /// when files appeared, disappeared or were renamed.
    Content {
        paths: Vec<String>,
        structural: bool,
    },
    /// Templates of the site or the theme.
    Templates,
}

/// What applying an edit did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    /// How many pages, sections and scripts were rendered again.
    pub rendered: usize,
    /// Whether the whole content was loaded again.
    pub full: bool,
    /// Why, in words: what the edit changed (`serve -v` shows it).
    pub because: Vec<String>,
}

impl Applied {
    /// Every page, section and script rendered again, for this reason.
    pub fn everything(site: &Site, full: bool, reason: &str) -> Applied {
        Applied {
            rendered: site.documents.len() + site.scripts.len(),
            full,
            because: vec![reason.to_string()],
        }
    }
}

/// A site kept in memory between changes, as `serve` needs it: the model,
/// the templates and the output, each replaced only by a successful update.
pub struct Project {
    pub config: Config,
    pub site: Site,
    /// The site in its other languages, rendered under `/<tag>/`.
    editions: Vec<Edition>,
    templates: Templates,
    pub output: Arc<Output>,
    /// The render plan of the site and templates above.
    plan: Plan,
    /// The render plan of each edition, in the same order.
    plans: Vec<Plan>,
    /// Content files whose last update failed: tried again with the next one.
    pending: BTreeSet<String>,
    /// Whether the last failure needs a full reload to recover from.
    stale: bool,
    /// Whether page edits have changed the pages since the search index was
    /// built (they leave it to be rebuilt elsewhere: see
    /// [`Project::search_pages`]).
    search_stale: bool,
}

/// The pages an edit changed, by language, by their sources' paths under
/// `content/`.
struct PageEdits {
    own: Vec<String>,
    /// For each edition, in order: its pages to read again.
    translated: Vec<BTreeSet<String>>,
}

/// Pages read again, not yet in the site: their indices and documents.
type Reread = (Vec<usize>, Vec<Document>);

impl Project {
    /// Loads and renders the whole site.
    pub fn load(config: Config) -> Result<Project> {
        let (site, editions, templates) = load(&config, Bodies::Keep)?;
        let r = Renderer {
            config: &config,
            site: &site,
            templates: &templates,
        };
        let (output, plan, plans) = render_planned(r, &editions)?;
        Ok(Project {
            config,
            site,
            editions,
            templates,
            output: Arc::new(output),
            plan,
            plans,
            pending: BTreeSet::new(),
            stale: false,
            search_stale: false,
        })
    }

    /// The warnings of the site in every language.
    pub fn warnings(&self) -> impl Iterator<Item = &Warning> {
        let theirs = self.editions.iter().flat_map(|e| &e.site.warnings);
        self.site.warnings.iter().chain(theirs)
    }

    /// Applies a change, redoing only what it touches: one page's Markdown
    /// (or its translation's) re-renders that page and the pages that list
    /// it; templates re-render everything without reloading content; static
    /// files are re-read alone. On error nothing changes, and the next edit
    /// retries what failed.
    pub fn apply(&mut self, edit: &Edit) -> Result<Applied> {
        // A content edit that failed is still waiting: whatever comes next
        // must take it too, or the site would go on without it.
        let settled = !self.stale && self.pending.is_empty();
        let result = match edit {
            Edit::Static if settled => self.reload_static(),
            Edit::Templates if settled => self.reload_templates(),
            Edit::Content { paths, structural } if !self.stale && !structural => {
                let mut paths: BTreeSet<String> = paths.iter().cloned().collect();
                paths.extend(self.pending.iter().cloned());
                match self.page_edits(&paths) {
                    Some(edits) => self.update_pages(&edits),
                    None => self.reload_all(),
                }
            }
            _ => self.reload_all(),
        };
        if result.is_err() {
            if let Edit::Content {
                paths,
                structural: false,
            } = edit
            {
                self.pending.extend(paths.iter().cloned());
            } else {
                self.stale = true;
            }
        } else {
            self.pending.clear();
            self.stale = false;
        }
        result
    }

    /// Whether page edits have changed pages since the search index in the
    /// output was built.
    pub fn search_is_stale(&self) -> bool {
        self.search_stale
    }

    /// What a new search index needs of the site in each language, to be
    /// built from [`Project::output`] on another thread.
    pub fn search_pages(&self) -> Vec<crate::search::Language> {
        let templates = &self.templates;
        let own = crate::search::Language::of(&self.config, &self.site, templates, "");
        let theirs = self.editions.iter().map(|e| {
            let prefix = format!("{}/", e.config.language);
            crate::search::Language::of(&e.config, &e.site, templates, &prefix)
        });
        std::iter::once(own).chain(theirs).collect()
    }

    /// Puts a search index built from the current output in place of the
    /// old one (each language's, under its prefix).
    pub fn replace_search_index(&mut self, indexes: Vec<(String, crate::search::Files)>) {
        let output = Arc::make_mut(&mut self.output);
        for (prefix, files) in indexes {
            replace_search_files(output, &prefix, files);
        }
        self.search_stale = false;
    }

    /// The pages `paths` edit, by language, or `None` when one is not an
    /// existing page (a section, a script, an asset, a new file) in its
    /// language. An edited source's translations are edited too: they take
    /// what they leave out from it.
    fn page_edits(&self, paths: &BTreeSet<String>) -> Option<PageEdits> {
        let mut edits = PageEdits {
            own: Vec::new(),
            translated: vec![BTreeSet::new(); self.editions.len()],
        };
        for path in paths {
            let relative = path.strip_prefix("content/")?;
            let is_page = relative.ends_with(".md")
                && !relative.ends_with("_index.md")
                && !relative.starts_with(&format!("{SCRIPTS_DIR}/"));
            if !is_page {
                return None;
            }
            match crate::content::translation_of(&self.config, relative) {
                Some((tag, source)) => {
                    let place = self
                        .editions
                        .iter()
                        .position(|e| e.config.language == tag)?;
                    has_page(&self.editions[place].site, &source).then_some(())?;
                    edits.translated[place].insert(source);
                }
                None => {
                    has_page(&self.site, relative).then_some(())?;
                    edits.own.push(relative.to_string());
                }
            }
        }
        for (edition, translated) in self.editions.iter().zip(&mut edits.translated) {
            let sources = edits.own.iter().filter(|p| has_page(&edition.site, p));
            translated.extend(sources.cloned());
        }
        Some(edits)
    }

    /// Re-reads the edited pages of every language and renders again
    /// exactly the jobs of each language's render plan that read what the
    /// edit changed ([`Plan::stale`]). Every file is read and parsed before
    /// anything changes.
    fn update_pages(&mut self, edits: &PageEdits) -> Result<Applied> {
        let Some(own) = read_pages(&self.config, &self.site, &edits.own)? else {
            return self.reload_all();
        };
        let mut theirs = Vec::new();
        for (edition, pages) in self.editions.iter().zip(&edits.translated) {
            let pages: Vec<String> = pages.iter().cloned().collect();
            match read_pages(&edition.config, &edition.site, &pages)? {
                Some(read) => theirs.push(read),
                None => return self.reload_all(),
            }
        }
        // The model changes from here: if what follows fails, the next
        // edit loads everything again.
        self.stale = true;
        let Some(mut changes) = replace(&self.config, &mut self.site, own)? else {
            return self.reload_all();
        };
        let mut their_changes = Vec::new();
        for (edition, (indices, documents)) in self.editions.iter_mut().zip(theirs) {
            let completed: Option<Vec<Document>> = documents
                .into_iter()
                .map(|d| crate::languages::complete(d, &self.site, &edition.config))
                .collect();
            let Some(documents) = completed else {
                return self.reload_all();
            };
            match replace(&edition.config, &mut edition.site, (indices, documents))? {
                Some(changes) => their_changes.push(changes),
                None => return self.reload_all(),
            }
        }
        self.renew_versions(edits, &mut changes, &mut their_changes);
        let applied = self.render_changes(&changes, &their_changes)?;
        self.stale = false;
        Ok(applied)
    }

    /// Gives every language the new [`Versions`](crate::site::versions)
    /// when the edit changed a title in one, and marks each language's page
    /// of that path changed (its `page.translations` shows the titles).
    fn renew_versions(
        &mut self,
        edits: &PageEdits,
        changes: &mut Changes,
        their_changes: &mut [Changes],
    ) {
        if self.editions.is_empty() {
            return;
        }
        let versions = crate::languages::versions(&self.config, &self.site, &self.editions);
        let edited = edits.own.iter().chain(edits.translated.iter().flatten());
        let renamed: BTreeSet<&String> = edited
            .filter(|path| versions.of(path) != self.site.versions.of(path))
            .collect();
        if renamed.is_empty() {
            return;
        }
        let versions = Arc::new(versions);
        self.site.versions = Arc::clone(&versions);
        for edition in &mut self.editions {
            edition.site.versions = Arc::clone(&versions);
        }
        let sites = std::iter::once((&self.site, changes))
            .chain(self.editions.iter().map(|e| &e.site).zip(their_changes));
        for (site, changes) in sites {
            for path in &renamed {
                if let Some(node) = site.node(path) {
                    changes.add(Read::Node(node));
                }
            }
        }
    }

    /// Renders the stale jobs of every language's plan into the output.
    fn render_changes(&mut self, changes: &Changes, theirs: &[Changes]) -> Result<Applied> {
        let output = Arc::make_mut(&mut self.output);
        let own = Renderer {
            config: &self.config,
            site: &self.site,
            templates: &self.templates,
        };
        let mut rendered = render_stale(own, &mut self.plan, output, "", changes)?;
        let mut because = changes.describe(&self.site);
        let languages = self.editions.iter().zip(&mut self.plans).zip(theirs);
        for ((edition, plan), changes) in languages {
            if changes.is_empty() {
                continue;
            }
            let r = Renderer {
                config: &edition.config,
                site: &edition.site,
                templates: &self.templates,
            };
            let prefix = format!("{}/", edition.config.language);
            rendered += render_stale(r, plan, output, &prefix, changes)?;
            let name = &edition.config.current_language().name;
            let said = changes.describe(&edition.site).into_iter();
            because.extend(said.map(|line| format!("{line} (in {name})")));
        }
        if self.config.search {
            self.search_stale = true;
        }
        Ok(Applied {
            rendered,
            full: false,
            because,
        })
    }

    fn reload_templates(&mut self) -> Result<Applied> {
        let templates = Templates::load(&self.config)?;
        let r = Renderer {
            config: &self.config,
            site: &self.site,
            templates: &templates,
        };
        let (output, plan, plans) = render_planned(r, &self.editions)?;
        self.templates = templates;
        self.output = Arc::new(output);
        self.plan = plan;
        self.plans = plans;
        self.search_stale = false;
        Ok(Applied::everything(
            &self.site,
            false,
            "the templates changed",
        ))
    }

    /// Static files changed: they take their paths, and the jobs that read
    /// files (shared images' sizes, the manifest's icons) render again, in
    /// every language.
    fn reload_static(&mut self) -> Result<Applied> {
        let templates = Templates::load(&self.config)?;
        // A new static file claims its path like any other output.
        let mut plan = plan::plan(Renderer {
            config: &self.config,
            site: &self.site,
            templates: &templates,
        })?;
        if templates
            .statics
            .iter()
            .any(|(path, _)| plan.is_replaced(path) != self.plan.is_replaced(path))
        {
            // It replaces a generated file (robots.txt), or no longer does.
            return self.reload_templates();
        }
        let mut changes = Changes::default();
        changes.add(Read::Files);
        let stale = plan.stale(&self.site, &templates, &changes);
        let mut rendered = nodes(&stale);
        let mut files = crate::render::render_claims(
            Renderer {
                config: &self.config,
                site: &self.site,
                templates: &templates,
            },
            &stale,
        )?;
        for (edition, plan) in self.editions.iter().zip(&mut self.plans) {
            let r = Renderer {
                config: &edition.config,
                site: &edition.site,
                templates: &templates,
            };
            let stale = plan.stale(&edition.site, &templates, &changes);
            rendered += nodes(&stale);
            let theirs = crate::render::render_claims(r, &stale)?;
            let prefix = format!("{}/", edition.config.language);
            files.extend(
                theirs
                    .into_iter()
                    .map(|(path, bytes)| (format!("{prefix}{path}"), bytes)),
            );
        }
        let output = Arc::make_mut(&mut self.output);
        for (path, _) in &self.templates.statics {
            output.remove(path);
        }
        for (path, bytes) in files {
            output.insert(path, bytes);
        }
        self.templates = templates;
        self.plan = plan;
        Ok(Applied {
            rendered,
            full: false,
            because: changes.describe(&self.site),
        })
    }

    fn reload_all(&mut self) -> Result<Applied> {
        let (site, editions, templates) = load(&self.config, Bodies::Keep)?;
        let r = Renderer {
            config: &self.config,
            site: &site,
            templates: &templates,
        };
        let (output, plan, plans) = render_planned(r, &editions)?;
        self.site = site;
        self.editions = editions;
        self.templates = templates;
        self.output = Arc::new(output);
        self.plan = plan;
        self.plans = plans;
        self.search_stale = false;
        Ok(Applied::everything(&self.site, true, "the content changed"))
    }
}

/// Whether `relative` is a page (not a section) of `site`.
fn has_page(site: &Site, relative: &str) -> bool {
    match site.node(relative) {
        Some(NodeId::Document(i)) => site.documents[i].kind == Kind::Page,
        _ => false,
    }
}

/// The pages' indices and their files parsed again, or `None` when one is
/// gone, is not a page of the site or became a draft (a full reload is
/// needed then). A translation is read from its own file, under its
/// source's path.
fn read_pages(config: &Config, site: &Site, pages: &[String]) -> Result<Option<Reread>> {
    let mut indices = Vec::new();
    let mut documents = Vec::new();
    for relative in pages {
        let Some(NodeId::Document(index)) = site.node(relative) else {
            return Ok(None);
        };
        let file = site.documents[index].path.clone();
        if !file.is_file() {
            return Ok(None);
        }
        let source = crate::fs::read_text(&file)?;
        let document = crate::content::parse_document(config, file, relative, source)?;
        if document.meta.draft && !config.drafts {
            return Ok(None);
        }
        indices.push(index);
        documents.push(document);
    }
    Ok(Some((indices, documents)))
}

/// Puts pages read again in place in `site`, and says what changed; `None`
/// when a page moved, so that only a full reload will do.
fn replace(
    config: &Config,
    site: &mut Site,
    (indices, documents): Reread,
) -> Result<Option<Changes>> {
    if indices.is_empty() {
        return Ok(Some(Changes::default()));
    }
    let before = Before::of(config, site, &indices);
    if site.replace_pages(config, documents)?.is_none() {
        return Ok(None);
    }
    Ok(Some(before.changes(config, site)))
}

/// Renders the stale jobs of `plan` into `output`, each path under
/// `prefix`; when paths moved (an alias, a term), plans again and drops
/// what is no longer claimed. Returns how many pages, sections and scripts
/// it rendered.
fn render_stale(
    r: Renderer<'_>,
    plan: &mut Plan,
    output: &mut Output,
    prefix: &str,
    changes: &Changes,
) -> Result<usize> {
    let Renderer {
        site, templates, ..
    } = r;
    if changes.is_empty() {
        return Ok(0);
    }
    let mut replanned = match changes.moves_paths() {
        true => Some(plan::plan(r)?),
        false => None,
    };
    let current = replanned.as_mut().unwrap_or(plan);
    let stale = current.stale(site, templates, changes);
    let files = crate::render::render_claims(r, &stale)?;
    if let Some(new) = &replanned {
        for (path, _) in plan.claims() {
            if new.claimant(path).is_none() {
                output.remove(&format!("{prefix}{path}"));
            }
        }
    }
    for (path, bytes) in files {
        output.insert(format!("{prefix}{path}"), bytes);
    }
    if let Some(new) = replanned {
        *plan = new;
    }
    Ok(nodes(&stale))
}

/// How many pages, sections and scripts these claims render.
fn nodes(claims: &[(String, Claimant)]) -> usize {
    let nodes = claims
        .iter()
        .filter(|(_, c)| matches!(c, Claimant::Node(_)));
    nodes.count()
}

/// The whole site rendered and indexed, with the plan of each language and
/// its jobs indexed by their reads (kept by a [`Project`] to find what an
/// edit makes stale).
fn render_planned(r: Renderer<'_>, editions: &[Edition]) -> Result<(Output, Plan, Vec<Plan>)> {
    let output = render_and_index(r, editions)?;
    let plans = editions
        .iter()
        .map(|edition| {
            planned(Renderer {
                config: &edition.config,
                site: &edition.site,
                templates: r.templates,
            })
        })
        .collect::<Result<_>>()?;
    Ok((output, planned(r)?, plans))
}

/// A language's plan, with its jobs indexed by their reads.
fn planned(r: Renderer<'_>) -> Result<Plan> {
    let mut plan = plan::plan(r)?;
    plan.index_reads(r.site, r.templates);
    Ok(plan)
}
