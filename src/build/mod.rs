//! Runs the pipeline stages in order: the one caller of them all.
//!
//! config → content → site → render → output. `check` runs the same stages
//! and writes nothing; `serve` keeps a [`Project`] and applies each change to
//! it, redoing only what the change touches. With `[search] enabled`, the
//! pages are indexed into `pagefind/` as they render (see [`crate::search`]);
//! a [`Project`] re-indexes on full reloads and template changes, and leaves
//! a page edit's index to be rebuilt on another thread
//! ([`Project::search_pages`], [`Project::replace_search_index`]).

use std::collections::HashSet;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::config::Config;
use crate::error::{Error, Result, Warning};
use crate::languages::Edition;
use crate::offline::{Precache, Recorder};
use crate::output::{Output, Staging};
use crate::render::Renderer;
use crate::render::Templates;
use crate::site::{Bodies, Site};

mod project;

pub use project::{Applied, Edit, Project};

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
            .as_ref()
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
        warnings: with_precache_warning(config, all_warnings(&site, &editions), &precache),
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
    precache: &Option<Precache>,
) -> Vec<Warning> {
    warnings.extend(precache.iter().flat_map(|p| p.warnings(config)));
    warnings
}

/// Renders the site into memory and, when search is on, adds its index.
pub(crate) fn render_and_index(r: Renderer<'_>, editions: &[Edition]) -> Result<Output> {
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

/// Puts `files` (a whole search index, paths below `language`, which is
/// `""` or `es/`) in place of those under `<language>pagefind/`.
pub(crate) fn replace_search_files(
    output: &mut Output,
    language: &str,
    files: Vec<(String, Vec<u8>)>,
) {
    let prefix = format!("{language}{}/", crate::search::DIR);
    let old: Vec<String> = output
        .iter()
        .filter(|(path, _)| path.starts_with(&prefix))
        .map(|(path, _)| path.to_string())
        .collect();
    for path in old {
        output.remove(&path);
    }
    for (path, bytes) in files {
        output.insert(format!("{language}{path}"), bytes);
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
        let languages: Vec<&Config> = std::iter::once(config)
            .chain(editions.iter().map(|e| &e.config))
            .collect();
        let (workers, precache) = recorder.workers(&languages, &aliases);
        for (path, script) in workers {
            store(path, script.as_bytes())?;
        }
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
    let Renderer {
        config,
        site,
        templates,
    } = r;
    let indexer = config
        .search
        .then(|| crate::search::Indexer::start(config, site, templates));
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
pub(crate) fn load(config: &Config, bodies: Bodies) -> Result<(Site, Vec<Edition>, Templates)> {
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
        warnings: with_precache_warning(config, warnings, &precache),
        site,
        editions,
        output: Output::default(),
        files,
        elapsed: started.elapsed(),
        stages,
        precache,
    })
}
