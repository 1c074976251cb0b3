//! Runs the pipeline stages in order: the one caller of them all.
//!
//! config → content → site → render → output. `check` runs the same stages
//! and writes nothing; `serve` keeps a [`Project`] and applies each change to
//! it, redoing only what the change touches. With `[search] enabled`, the
//! pages are indexed into `pagefind/` as they render (see [`crate::search`]);
//! a [`Project`] re-indexes on full reloads and template changes, and leaves
//! a page edit's index to be rebuilt on another thread
//! ([`Project::search_pages`], [`Project::replace_search_index`]).

use std::collections::{BTreeSet, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::config::Config;
use crate::content::Document;
use crate::content::{Kind, SCRIPTS_DIR};
use crate::error::{Error, Result, Warning};
use crate::languages::Edition;
use crate::offline::{Precache, Recorder};
use crate::output::{Output, Staging};
use crate::render::plan::{self, Before, Changes, Claimant, Plan, Read};
use crate::render::Renderer;
use crate::render::Templates;
use crate::site::{Bodies, NodeId, Site};

/// What a successful build produced.
pub struct Built {
    pub site: Site,
    /// The site in its other languages.
    pub editions: Vec<Edition>,
    /// The files in memory: empty after [`build`], which writes them as
    /// they are rendered.
    pub output: Output,
    /// How many files the output holds.
    pub files: usize,
    pub warnings: Vec<Warning>,
    pub elapsed: Duration,
    /// How long each stage took, in order, for `-v`.
    pub stages: Vec<(&'static str, Duration)>,
    /// What the service worker precaches, with `[offline] enabled`.
    pub precache: Option<Precache>,
}

impl Built {
    /// One line per stage with its time, for `-v`.
    pub fn timings(&self) -> Vec<String> {
        self.stages
            .iter()
            .map(|(stage, took)| format!("  {stage:<34} {:>8.1} ms", took.as_secs_f64() * 1e3))
            .collect()
    }

    /// The closing line of a build: pages, sections, files, time, and what
    /// readers download to read offline.
    pub fn summary(&self, verb: &str) -> String {
        let (pages, sections) = self.site.counts();
        let offline = self
            .precache
            .map(|p| format!("; offline: {} precached", p.describe()))
            .unwrap_or_default();
        let languages: String = self
            .editions
            .iter()
            .map(|e| {
                let (pages, sections) = e.site.counts();
                let name = &e.config.current_language().name;
                let scripts = e.site.scripts.len();
                format!("; in {name}: {pages} pages, {sections} sections, {scripts} scripts")
            })
            .collect();
        format!(
            "{verb} {pages} pages, {sections} sections, {} scripts{languages}, {} files in {} ms{offline}",
            self.site.scripts.len(),
            self.files,
            self.elapsed.as_millis()
        )
    }
}

/// The site and, with `[offline] enabled`, what its worker precaches.
type Rendered = (Site, Vec<Edition>, Option<Precache>);

/// Loads and renders the whole site into memory, failing with every error
/// of the site (`earlier` ones, found in site.toml, among them).
pub fn render_site(config: &Config, earlier: Vec<Error>) -> Result<Built> {
    let started = Instant::now();
    let output = Mutex::new(Output::default());
    let mut stages = Vec::new();
    let store = |path: String, bytes: &[u8]| {
        output
            .lock()
            .expect("no insert panics while holding the lock")
            .insert(path, bytes.to_vec());
        Ok(())
    };
    let (site, editions, precache) =
        render_checked(config, Bodies::Keep, earlier, &store, &mut stages)?;
    let output = output
        .into_inner()
        .expect("the lock is free once rendering ends");
    Ok(Built {
        warnings: with_precache_warning(config, all_warnings(&site, &editions), precache),
        site,
        editions,
        files: output.len(),
        output,
        elapsed: started.elapsed(),
        stages,
        precache,
    })
}

/// The warnings of the site in every language.
fn all_warnings(site: &Site, editions: &[Edition]) -> Vec<Warning> {
    let theirs = editions
        .iter()
        .flat_map(|e| e.site.warnings.iter().cloned());
    site.warnings.iter().cloned().chain(theirs).collect()
}

/// The warnings, with the one for a precache past `[offline] max_precache`.
fn with_precache_warning(
    config: &Config,
    mut warnings: Vec<Warning>,
    precache: Option<Precache>,
) -> Vec<Warning> {
    warnings.extend(precache.and_then(|p| p.warning(config)));
    warnings
}

/// Renders the site into memory and, when search is on, adds its index.
fn render_and_index(r: Renderer<'_>, editions: &[Edition]) -> Result<Output> {
    let output = Mutex::new(Output::default());
    render_and_store(r, editions, &|path, bytes| {
        output
            .lock()
            .expect("no insert panics while holding the lock")
            .insert(path, bytes);
        Ok(())
    })
    .map(|_| ())?;
    Ok(output
        .into_inner()
        .expect("the lock is free once rendering ends"))
}

/// Puts `files` (a whole search index) in place of those under `pagefind/`.
fn replace_search_files(output: &mut Output, files: Vec<(String, Vec<u8>)>) {
    let prefix = format!("{}/", crate::search::DIR);
    let old: Vec<String> = output
        .iter()
        .filter(|(path, _)| path.starts_with(&prefix))
        .map(|(path, _)| path.to_string())
        .collect();
    for path in old {
        output.remove(&path);
    }
    for (path, bytes) in files {
        output.insert(path, bytes);
    }
}

/// Renders the site and, when search is on, indexes its pages while they
/// render (Pagefind on a thread of its own); every file, the index's
/// included, goes to `store`, from several threads at once. The index
/// replaces whatever static files lie where it goes. Pagefind cannot update
/// an index in place, so every call indexes the whole site.
fn render_and_store(
    r: Renderer<'_>,
    editions: &[Edition],
    store: &(dyn Fn(String, &[u8]) -> Result<()> + Sync),
) -> Result<Option<Precache>> {
    let Renderer { config, site, .. } = r;
    crate::error::guard("rendering the site", || {
        if !config.offline.enabled || config.serving {
            return render_every_language(r, editions, store).map(|()| None);
        }
        // The worker is made last, from every other file.
        let recorder = Recorder::default();
        render_every_language(r, editions, &|path, bytes| {
            recorder.record(&path, bytes);
            store(path, bytes)
        })?;
        let aliases: Vec<String> = site
            .documents
            .iter()
            .chain(editions.iter().flat_map(|e| &e.site.documents))
            .flat_map(|d| &d.meta.aliases)
            .filter_map(|a| crate::render::feeds::alias_path(&a.0))
            .collect();
        let (worker, precache) = recorder.worker(config, &aliases);
        store(crate::offline::WORKER.to_string(), worker.as_bytes())?;
        Ok(Some(precache))
    })
}

/// The site in its own language, then in each other one under `/<tag>/`
/// (its pages, scripts, taxonomies, feed and search index).
fn render_every_language(
    r: Renderer<'_>,
    editions: &[Edition],
    store: &(dyn Fn(String, &[u8]) -> Result<()> + Sync),
) -> Result<()> {
    // Each other language on a thread of its own, beside the site's own:
    // each has its own search index to build (threads outside the render's
    // pool, which every language shares).
    let errors: Vec<Error> = std::thread::scope(|scope| {
        let others: Vec<_> = editions
            .iter()
            .map(|edition| {
                scope.spawn(move || {
                    let prefix = format!("{}/", edition.config.language);
                    let translated = Renderer {
                        config: &edition.config,
                        site: &edition.site,
                        templates: r.templates,
                    };
                    render_and_index_into(translated, &|path, bytes| {
                        store(format!("{prefix}{path}"), bytes)
                    })
                })
            })
            .collect();
        let own = render_and_index_into(r, store);
        let theirs = others.into_iter().map(|thread| {
            thread
                .join()
                .unwrap_or_else(|_| Err(Error::msg("rendering a language of the site panicked")))
        });
        std::iter::once(own)
            .chain(theirs)
            .filter_map(Result::err)
            .collect()
    });
    Error::collect(errors)
}

/// [`render_and_store`]'s work, outside its guard.
fn render_and_index_into(
    r: Renderer<'_>,
    store: &(dyn Fn(String, &[u8]) -> Result<()> + Sync),
) -> Result<()> {
    let Renderer { config, site, .. } = r;
    let indexer = config
        .search
        .then(|| crate::search::Indexer::start(config, site));
    crate::render::render_into(r, &|origin, path, bytes| {
        let Some(indexer) = &indexer else {
            return store(path, &bytes);
        };
        if crate::search::is_search_file(&path) {
            return Ok(());
        }
        store(path, &bytes)?;
        indexer.add(origin, bytes);
        Ok(())
    })?;
    if let Some(indexer) = indexer {
        for (path, bytes) in indexer.finish()? {
            store(path, &bytes)?;
        }
    }
    Ok(())
}

/// Loads content and templates (in parallel) and builds the site model,
/// keeping the Markdown bodies or not; any error fails the load.
fn load(config: &Config, bodies: Bodies) -> Result<(Site, Vec<Edition>, Templates)> {
    let loaded = load_all(config, bodies);
    Error::collect(loaded.errors)?;
    match (loaded.site, loaded.templates) {
        (Some(site), Some(templates)) => Ok((site, loaded.editions, templates)),
        _ => unreachable!("a load without errors has a site and templates"),
    }
}

/// Everything a load made, with every error found on the way: a site and
/// templates are there whenever they could be made, errors or not, so that
/// one build checks as much as it can.
struct Loaded {
    site: Option<Site>,
    /// The site in each of its other languages.
    editions: Vec<Edition>,
    templates: Option<Templates>,
    errors: Vec<Error>,
}

/// Loads content and templates (in parallel) and builds the site model from
/// whatever loaded, guarding against a panic in any of it.
fn load_all(config: &Config, bodies: Bodies) -> Loaded {
    let (site, templates) = rayon::join(
        || {
            crate::error::guard("loading content", || {
                let mut content = crate::content::load(config)?;
                let translations = std::mem::take(&mut content.translations);
                let (mut site, mut found) = Site::assemble(config, content, bodies);
                let editions = crate::languages::assemble(config, &mut site, translations, bodies);
                found.extend(editions.errors);
                Ok((site, editions.editions, found))
            })
        },
        || crate::error::guard("loading templates", || Templates::load(config)),
    );
    let mut errors = Vec::new();
    let (site, editions) = match site {
        Ok((site, editions, found)) => {
            errors.extend(found);
            (Some(site), editions)
        }
        Err(err) => {
            errors.extend(err.flatten());
            (None, Vec::new())
        }
    };
    let templates = templates.map_err(|e| errors.extend(e.flatten())).ok();
    let mut site = site;
    if let (Some(site), Some(templates)) = (&mut site, &templates) {
        site.warnings.extend(templates.warnings.iter().cloned());
    }
    Loaded {
        site,
        editions,
        templates,
        errors,
    }
}

/// Loads and renders whatever can be, then fails with every error found
/// (`earlier` ones, from site.toml, first in their file's place), sorted by
/// file and position; `store` gets each rendered file.
fn render_checked(
    config: &Config,
    bodies: Bodies,
    earlier: Vec<Error>,
    store: &(dyn Fn(String, &[u8]) -> Result<()> + Sync),
    stages: &mut Vec<(&'static str, Duration)>,
) -> Result<Rendered> {
    let started = Instant::now();
    let loaded = load_all(config, bodies);
    stages.push(("load content, scripts and templates", started.elapsed()));
    let mut errors = earlier;
    errors.extend(loaded.errors);
    let mut precache = None;
    if let (Some(site), Some(templates)) = (&loaded.site, &loaded.templates) {
        let started = Instant::now();
        let r = Renderer {
            config,
            site,
            templates,
        };
        match render_and_store(r, &loaded.editions, store) {
            Ok(made) => precache = made,
            Err(err) => errors.extend(err.flatten()),
        }
        let stage = if config.search {
            "render (and index for search)"
        } else {
            "render"
        };
        stages.push((stage, started.elapsed()));
    }
    Error::collect(crate::error::sorted(errors))?;
    let site = loaded.site.expect("a load without errors has a site");
    Ok((site, loaded.editions, precache))
}

/// Builds the site and writes it to the configured output folder. Each file
/// goes into a staging folder as soon as it is rendered, so that no copy of
/// the whole site waits in memory; the staging folder replaces the old
/// output only once everything has succeeded, and is removed otherwise.
/// The [`Built`] it returns has an empty `output`.
pub fn build(config: &Config, earlier: Vec<Error>) -> Result<Built> {
    let started = Instant::now();
    let staging = Staging::create(&config.output_dir, &config.root)?;
    // The paths written, to count the files: a static file may replace a
    // generated one.
    let written = Mutex::new(HashSet::new());
    let mut stages = Vec::new();
    let store = |path: String, bytes: &[u8]| {
        staging.write(&path, bytes)?;
        written
            .lock()
            .expect("no insert panics while holding the lock")
            .insert(path);
        Ok(())
    };
    let (site, editions, precache) =
        render_checked(config, Bodies::Drop, earlier, &store, &mut stages)?;
    let written: Vec<String> = written
        .into_inner()
        .expect("the lock is free once rendering ends")
        .into_iter()
        .collect();
    let files = written.len();
    let swapping = Instant::now();
    let replaced = staging.finish(written)?;
    stages.push(("swap into the output folder", swapping.elapsed()));
    let warnings = all_warnings(&site, &editions)
        .into_iter()
        .chain(replaced)
        .collect();
    Ok(Built {
        warnings: with_precache_warning(config, warnings, precache),
        site,
        editions,
        output: Output::default(),
        files,
        elapsed: started.elapsed(),
        stages,
        precache,
    })
}

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
    /// The site in its other languages. While there are any, every edit
    /// loads and renders everything again (a translation inherits from its
    /// source, and every page's language switcher reads every language).
    editions: Vec<Edition>,
    templates: Templates,
    pub output: Arc<Output>,
    /// The render plan of the site and templates above.
    plan: Plan,
    /// Content files whose last update failed: tried again with the next one.
    pending: BTreeSet<String>,
    /// Whether the last failure needs a full reload to recover from.
    stale: bool,
    /// Whether page edits have changed the pages since the search index was
    /// built (they leave it to be rebuilt elsewhere: see
    /// [`Project::search_pages`]).
    search_stale: bool,
}

impl Project {
    /// Loads and renders the whole site.
    pub fn load(config: Config) -> Result<Project> {
        let (site, editions, templates) = load(&config, Bodies::Keep)?;
        let r = Renderer {
            config: &config,
            site: &site,
            templates: &templates,
        };
        let (output, plan) = render_planned(r, &editions)?;
        Ok(Project {
            config,
            site,
            editions,
            templates,
            output: Arc::new(output),
            plan,
            pending: BTreeSet::new(),
            stale: false,
            search_stale: false,
        })
    }

    /// Applies a change, redoing only what it touches: one page's Markdown
    /// re-renders that page and the pages that list it; templates re-render
    /// everything without reloading content; static files are re-read alone.
    /// On error nothing changes, and the next edit retries what failed.
    pub fn apply(&mut self, edit: &Edit) -> Result<Applied> {
        // A content edit that failed is still waiting: whatever comes next
        // must take it too, or the site would go on without it.
        let settled = !self.stale && self.pending.is_empty() && self.editions.is_empty();
        let result = match edit {
            Edit::Static if settled => self.reload_static(),
            Edit::Templates if settled => self.reload_templates(),
            Edit::Content { paths, structural }
                if !self.stale && !structural && self.editions.is_empty() =>
            {
                let mut paths: BTreeSet<String> = paths.iter().cloned().collect();
                paths.extend(self.pending.iter().cloned());
                match self.page_edits(&paths) {
                    Some(pages) => self.update_pages(&pages),
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

    /// What a new search index needs of the site, to be built from
    /// [`Project::output`] on another thread.
    pub fn search_pages(&self) -> crate::search::Pages {
        crate::search::Pages::of(&self.config, &self.site)
    }

    /// Puts a search index built from the current output in place of the
    /// old one.
    pub fn replace_search_index(&mut self, files: Vec<(String, Vec<u8>)>) {
        replace_search_files(Arc::make_mut(&mut self.output), files);
        self.search_stale = false;
    }

    /// The content-relative paths of `paths` when every one is an existing
    /// page (not a section, script or asset), or `None`.
    fn page_edits(&self, paths: &BTreeSet<String>) -> Option<Vec<String>> {
        paths
            .iter()
            .map(|path| {
                let relative = path.strip_prefix("content/")?;
                let is_page = relative.ends_with(".md")
                    && !relative.ends_with("_index.md")
                    && !relative.starts_with(&format!("{SCRIPTS_DIR}/"));
                let known = self
                    .site
                    .documents
                    .iter()
                    .any(|d| d.relative == relative && d.kind == Kind::Page);
                (is_page && known).then(|| relative.to_string())
            })
            .collect()
    }

    /// Re-reads the given pages and renders again exactly the jobs of the
    /// render plan that read what the edit changed ([`Plan::stale`]).
    fn update_pages(&mut self, pages: &[String]) -> Result<Applied> {
        let Some((indices, documents)) = self.read_pages(pages)? else {
            return self.reload_all();
        };
        let before = Before::of(&self.config, &self.site, &indices);
        if self.site.replace_pages(&self.config, documents)?.is_none() {
            return self.reload_all();
        }
        // The model has changed: if what follows fails, the next edit
        // loads everything again.
        self.stale = true;
        let changes = before.changes(&self.config, &self.site);
        let applied = self.render_changes(&changes)?;
        self.stale = false;
        Ok(applied)
    }

    /// The pages' indices and their files parsed again, or `None` when one
    /// is gone, is not a page of the site or became a draft (a full reload
    /// is needed then).
    fn read_pages(&self, pages: &[String]) -> Result<Option<(Vec<usize>, Vec<Document>)>> {
        let content = self.config.content_dir();
        let mut indices = Vec::new();
        let mut documents = Vec::new();
        for relative in pages {
            let file = content.join(relative);
            let Some(NodeId::Document(index)) = self.site.node(relative) else {
                return Ok(None);
            };
            if !file.is_file() {
                return Ok(None);
            }
            let source = crate::fs::read_text(&file)?;
            let path = self.config.root.join("content").join(relative);
            let document = crate::content::parse_document(&self.config, path, relative, source)?;
            if document.meta.draft && !self.config.drafts {
                return Ok(None);
            }
            indices.push(index);
            documents.push(document);
        }
        Ok(Some((indices, documents)))
    }

    /// Renders the stale jobs of the plan into the output; when paths
    /// moved (an alias, a term), plans again and drops what is no longer
    /// claimed.
    fn render_changes(&mut self, changes: &Changes) -> Result<Applied> {
        let (config, site, templates) = (&self.config, &self.site, &self.templates);
        let r = Renderer {
            config,
            site,
            templates,
        };
        let mut replanned = match changes.moves_paths() {
            true => Some(plan::plan(r)?),
            false => None,
        };
        let plan = replanned.as_mut().unwrap_or(&mut self.plan);
        let stale = plan.stale(site, templates, changes);
        let files = crate::render::render_claims(r, &stale)?;
        let output = Arc::make_mut(&mut self.output);
        if let Some(plan) = &replanned {
            for (path, _) in self.plan.claims() {
                if plan.claimant(path).is_none() {
                    output.remove(path);
                }
            }
        }
        for (path, bytes) in files {
            output.insert(path, bytes);
        }
        if let Some(plan) = replanned {
            self.plan = plan;
        }
        if self.config.search {
            self.search_stale = true;
        }
        let nodes = stale.iter().filter(|(_, c)| matches!(c, Claimant::Node(_)));
        Ok(Applied {
            rendered: nodes.count(),
            full: false,
            because: changes.describe(&self.site),
        })
    }

    fn reload_templates(&mut self) -> Result<Applied> {
        let templates = Templates::load(&self.config)?;
        let r = Renderer {
            config: &self.config,
            site: &self.site,
            templates: &templates,
        };
        let (output, plan) = render_planned(r, &self.editions)?;
        self.templates = templates;
        self.output = Arc::new(output);
        self.plan = plan;
        self.search_stale = false;
        Ok(Applied::everything(
            &self.site,
            false,
            "the templates changed",
        ))
    }

    /// Static files changed: they take their paths, and the jobs that read
    /// files (shared images' sizes, the manifest's icons) render again.
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
        let files = crate::render::render_claims(
            Renderer {
                config: &self.config,
                site: &self.site,
                templates: &templates,
            },
            &stale,
        )?;
        let output = Arc::make_mut(&mut self.output);
        for (path, _) in &self.templates.statics {
            output.remove(path);
        }
        for (path, bytes) in files {
            output.insert(path, bytes);
        }
        let nodes = stale.iter().filter(|(_, c)| matches!(c, Claimant::Node(_)));
        let rendered = nodes.count();
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
        let (output, plan) = render_planned(r, &editions)?;
        self.site = site;
        self.editions = editions;
        self.templates = templates;
        self.output = Arc::new(output);
        self.plan = plan;
        self.search_stale = false;
        Ok(Applied::everything(&self.site, true, "the content changed"))
    }
}

/// The whole site rendered and indexed, and its plan with its jobs indexed
/// by their reads (kept by a [`Project`] to find what an edit makes stale).
fn render_planned(r: Renderer<'_>, editions: &[Edition]) -> Result<(Output, Plan)> {
    let Renderer {
        site, templates, ..
    } = r;
    let output = render_and_index(r, editions)?;
    let mut plan = plan::plan(r)?;
    plan.index_reads(site, templates);
    Ok((output, plan))
}
