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
use crate::content::{Kind, SCRIPTS_DIR};
use crate::error::{Error, Result, Warning};
use crate::offline::{Precache, Recorder};
use crate::output::{Output, Staging};
use crate::render::Templates;
use crate::site::{Bodies, Site};

/// What a successful build produced.
pub struct Built {
    pub site: Site,
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
        format!(
            "{verb} {pages} pages, {sections} sections, {} scripts, {} files in {} ms{offline}",
            self.site.scripts.len(),
            self.files,
            self.elapsed.as_millis()
        )
    }
}

/// The site and, with `[offline] enabled`, what its worker precaches.
type Rendered = (Site, Option<Precache>);

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
    let (site, precache) = render_checked(config, Bodies::Keep, earlier, &store, &mut stages)?;
    let output = output
        .into_inner()
        .expect("the lock is free once rendering ends");
    Ok(Built {
        warnings: with_precache_warning(config, site.warnings.clone(), precache),
        site,
        files: output.len(),
        output,
        elapsed: started.elapsed(),
        stages,
        precache,
    })
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
fn render_and_index(config: &Config, site: &Site, templates: &Templates) -> Result<Output> {
    let output = Mutex::new(Output::default());
    render_and_store(config, site, templates, &|path, bytes| {
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
    config: &Config,
    site: &Site,
    templates: &Templates,
    store: &(dyn Fn(String, &[u8]) -> Result<()> + Sync),
) -> Result<Option<Precache>> {
    crate::error::guard("rendering the site", || {
        if !config.offline.enabled || config.serving {
            return render_and_index_into(config, site, templates, store).map(|()| None);
        }
        // The worker is made last, from every other file.
        let recorder = Recorder::default();
        render_and_index_into(config, site, templates, &|path, bytes| {
            recorder.record(&path, bytes);
            store(path, bytes)
        })?;
        let aliases: Vec<String> = site
            .documents
            .iter()
            .flat_map(|d| &d.meta.aliases)
            .filter_map(|a| crate::render::feeds::alias_path(&a.0))
            .collect();
        let (worker, precache) = recorder.worker(config, &aliases);
        store(crate::offline::WORKER.to_string(), worker.as_bytes())?;
        Ok(Some(precache))
    })
}

/// [`render_and_store`]'s work, outside its guard.
fn render_and_index_into(
    config: &Config,
    site: &Site,
    templates: &Templates,
    store: &(dyn Fn(String, &[u8]) -> Result<()> + Sync),
) -> Result<()> {
    let indexer = config
        .search
        .then(|| crate::search::Indexer::start(config, site));
    crate::render::render_into(config, site, templates, &|origin, path, bytes| {
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
fn load(config: &Config, bodies: Bodies) -> Result<(Site, Templates)> {
    let loaded = load_all(config, bodies);
    Error::collect(loaded.errors)?;
    match (loaded.site, loaded.templates) {
        (Some(site), Some(templates)) => Ok((site, templates)),
        _ => unreachable!("a load without errors has a site and templates"),
    }
}

/// Everything a load made, with every error found on the way: a site and
/// templates are there whenever they could be made, errors or not, so that
/// one build checks as much as it can.
struct Loaded {
    site: Option<Site>,
    templates: Option<Templates>,
    errors: Vec<Error>,
}

/// Loads content and templates (in parallel) and builds the site model from
/// whatever loaded, guarding against a panic in any of it.
fn load_all(config: &Config, bodies: Bodies) -> Loaded {
    let (site, templates) = rayon::join(
        || {
            crate::error::guard("loading content", || {
                let content = crate::content::load(config)?;
                Ok(Site::assemble(config, content, bodies))
            })
        },
        || crate::error::guard("loading templates", || Templates::load(config)),
    );
    let mut errors = Vec::new();
    let site = match site {
        Ok((site, found)) => {
            errors.extend(found);
            Some(site)
        }
        Err(err) => {
            errors.extend(err.flatten());
            None
        }
    };
    let templates = templates.map_err(|e| errors.extend(e.flatten())).ok();
    Loaded {
        site,
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
        match render_and_store(config, site, templates, store) {
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
    Ok((site, precache))
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
    let (site, precache) = render_checked(config, Bodies::Drop, earlier, &store, &mut stages)?;
    let written: Vec<String> = written
        .into_inner()
        .expect("the lock is free once rendering ends")
        .into_iter()
        .collect();
    let files = written.len();
    let swapping = Instant::now();
    let replaced = staging.finish(written)?;
    stages.push(("swap into the output folder", swapping.elapsed()));
    let warnings = site.warnings.iter().cloned().chain(replaced).collect();
    Ok(Built {
        warnings: with_precache_warning(config, warnings, precache),
        site,
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
}

/// A site kept in memory between changes, as `serve` needs it: the model,
/// the templates and the output, each replaced only by a successful update.
pub struct Project {
    pub config: Config,
    pub site: Site,
    templates: Templates,
    pub output: Arc<Output>,
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
        let (site, templates) = load(&config, Bodies::Keep)?;
        let output = render_and_index(&config, &site, &templates)?;
        Ok(Project {
            config,
            site,
            templates,
            output: Arc::new(output),
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
        let result = match edit {
            Edit::Static if !self.stale => self.reload_static(),
            Edit::Templates if !self.stale => self.reload_templates(),
            Edit::Content { paths, structural } if !self.stale && !structural => {
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

    /// Re-reads the given pages and renders again what shows them: each
    /// page itself; its neighbours when the order or its title changed; its
    /// section and its terms' pages when what they list of it changed (see
    /// [`Project::listing`]); the sitemap when its dates changed; the feed
    /// when it is dated; everything extra when its terms or aliases changed.
    fn update_pages(&mut self, pages: &[String]) -> Result<Applied> {
        let content = self.config.content_dir();
        let mut documents = Vec::new();
        let mut listed_before = Vec::new();
        // Every (taxonomy, term slug) the edited pages had or now have.
        let mut touched: BTreeSet<(String, String)> = BTreeSet::new();
        let mut retag = false;
        let mut redate = false;
        let mut dated = false;
        for relative in pages {
            let file = content.join(relative);
            if !file.is_file() {
                return self.reload_all();
            }
            let source = crate::fs::read_text(&file)?;
            let path = self.config.root.join("content").join(relative);
            let document = crate::content::parse_document(&self.config, path, relative, source)?;
            if document.meta.draft && !self.config.drafts {
                return self.reload_all();
            }
            let Some(index) = self
                .site
                .documents
                .iter()
                .position(|d| d.relative == *relative)
            else {
                return self.reload_all();
            };
            let before = &self.site.documents[index];
            retag |= before.meta.terms != document.meta.terms
                || before.meta.aliases != document.meta.aliases;
            redate |= before.meta.date != document.meta.date
                || before.meta.updated != document.meta.updated;
            dated |= before.meta.date.is_some() || document.meta.date.is_some();
            for (taxonomy, names) in before.meta.terms.iter().chain(&document.meta.terms) {
                for name in names {
                    touched.insert((taxonomy.clone(), crate::slug::slugify(name)));
                }
            }
            listed_before.push(self.listing(index));
            documents.push(document);
        }
        let Some(replaced) = self.site.replace_pages(&self.config, documents)? else {
            return self.reload_all();
        };
        let relisted = replaced.rearranged
            || replaced
                .pages
                .iter()
                .zip(&listed_before)
                .any(|(&i, before)| self.listing(i) != *before);
        let mut documents = replaced.pages.clone();
        if replaced.rearranged {
            documents.extend(&replaced.neighbours);
        }
        if relisted || replaced.scripts_changed {
            documents.extend(&replaced.sections);
        }
        let terms: Vec<crate::render::feeds::TermRef> = touched
            .iter()
            .filter_map(|(taxonomy, slug)| {
                let t = self
                    .site
                    .taxonomies
                    .iter()
                    .position(|x| x.id == *taxonomy)?;
                Some((t, self.site.taxonomies[t].term(slug)?))
            })
            .collect();
        let (config, site, templates) = (&self.config, &self.site, &self.templates);
        let (pages, extras) = rayon::join(
            || crate::render::render_some(config, site, templates, &documents, &[]),
            || -> Result<Vec<(String, Vec<u8>)>> {
                // A page's terms or aliases changed: the lists of terms and
                // their counts, or the redirects, change too.
                if retag {
                    return crate::render::extras(config, site, templates, None);
                }
                let mut files = Vec::new();
                let fixed = (dated || redate)
                    .then(|| crate::render::prepare_fixed(config, site, templates));
                if let (true, Some(tera)) = (dated, &fixed) {
                    let atom = crate::render::feeds::atom(config, site, tera)?;
                    files.push((crate::render::feeds::ATOM.to_string(), atom.into_bytes()));
                }
                if let (true, Some(tera)) = (redate, &fixed) {
                    let sitemap = crate::render::feeds::sitemap(config, site, tera)?;
                    files.push((
                        crate::render::feeds::SITEMAP.to_string(),
                        sitemap.into_bytes(),
                    ));
                }
                if relisted {
                    files.extend(crate::render::term_pages(config, site, templates, &terms)?);
                }
                Ok(files)
            },
        );
        let files = pages?.into_iter().chain(extras?);
        let output = Arc::make_mut(&mut self.output);
        for (path, bytes) in files {
            output.insert(path, bytes);
        }
        if self.config.search {
            self.search_stale = true;
        }
        Ok(Applied {
            rendered: documents.len(),
            full: false,
        })
    }

    /// What the pages that list document `index` show of it (its section,
    /// its terms' pages, the sitemap): its view without content, as
    /// templates see it. Its word count is left out when no template names
    /// `word_count`, since most body edits change it and listings seldom
    /// show it.
    fn listing(&self, index: usize) -> serde_json::Value {
        let views = crate::render::context::Views {
            config: &self.config,
            site: &self.site,
        };
        let mut value = serde_json::to_value(views.page(index, false)).unwrap_or_default();
        if !self.templates.mention("word_count") {
            if let Some(fields) = value.as_object_mut() {
                fields.remove("word_count");
            }
        }
        value
    }

    fn reload_templates(&mut self) -> Result<Applied> {
        let templates = Templates::load(&self.config)?;
        let output = render_and_index(&self.config, &self.site, &templates)?;
        self.templates = templates;
        let rendered = self.site.documents.len() + self.site.scripts.len();
        self.output = Arc::new(output);
        self.search_stale = false;
        Ok(Applied {
            rendered,
            full: false,
        })
    }

    fn reload_static(&mut self) -> Result<Applied> {
        let templates = Templates::load(&self.config)?;
        // A new static file claims its path like any other output.
        let plan = crate::render::plan::plan(&self.config, &self.site, &templates)?;
        if templates
            .statics
            .iter()
            .any(|(path, _)| plan.is_replaced(path))
        {
            // It replaces a generated file (robots.txt): render everything.
            return self.reload_templates();
        }
        let output = Arc::make_mut(&mut self.output);
        for (path, _) in &self.templates.statics {
            output.remove(path);
        }
        for (path, bytes) in &templates.statics {
            output.insert(path.clone(), bytes.clone());
        }
        self.templates = templates;
        Ok(Applied {
            rendered: 0,
            full: false,
        })
    }

    fn reload_all(&mut self) -> Result<Applied> {
        let (site, templates) = load(&self.config, Bodies::Keep)?;
        let output = render_and_index(&self.config, &site, &templates)?;
        let rendered = site.documents.len() + site.scripts.len();
        self.site = site;
        self.templates = templates;
        self.output = Arc::new(output);
        self.search_stale = false;
        Ok(Applied {
            rendered,
            full: true,
        })
    }
}
