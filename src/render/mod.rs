//! Rendering the Site model with Tera, in parallel.
//!
//! Every document, the 404 page, static files and content assets become
//! `path → bytes`, handed one by one to a sink (`guide build` writes each to
//! disk at once) or gathered into an [`Output`](crate::output::Output) in
//! memory (`serve`, `check`); nothing is read from or written to disk here.

pub mod context;
pub mod dates;
pub mod embeds;
pub mod feeds;
pub mod plan;
pub mod range;
pub mod scripts;
pub mod share;
pub mod strings;
pub mod templates;
pub mod views;
pub mod watchdog;

use rayon::prelude::*;
use tera::Context;

use crate::config::Config;
use crate::content::Kind;
use crate::error::{Diagnostic, Error, Result};
use crate::site::{NodeId, Site};
use context::{ConfigView, Views};
use templates::Engine;
pub use templates::Templates;

/// What every render takes: the configuration, the site model and the
/// templates, as one value. A language of the site is one more renderer
/// over the same templates.
#[derive(Clone, Copy)]
pub struct Renderer<'a> {
    pub config: &'a Config,
    pub site: &'a Site,
    pub templates: &'a Templates,
}

/// Where a rendered file comes from. The search index takes the documents
/// and scripts; the build leaves out a static file under the search folder
/// when the index takes its place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// A document's or a script's page.
    Node(NodeId),
    /// The 404 page, feeds, sitemap, robots.txt, redirects and tag pages.
    Generated,
    /// A static file of the theme or the site, or an asset of `content/`.
    Static,
}

/// Receives each rendered file: where it comes from, its output path and
/// its bytes. Called from several threads at once while documents render.
pub type Sink<'a> = dyn Fn(Origin, String, Vec<u8>) -> Result<()> + Sync + 'a;

/// Renders every file of the site and hands each to `sink` as soon as it is
/// ready, so that no page waits in memory for the others: documents and
/// scripts in parallel, then the 404 page and the generated files, then
/// static files and assets. Every path is claimed first, once
/// ([`plan::plan`]): a collision is an error before anything is rendered,
/// and a static file that replaces a generated one (`static/robots.txt`)
/// stops that one being made. All template errors are reported together;
/// the first error of `sink` (a full disk) stops the render.
pub fn render_into(r: Renderer<'_>, sink: &Sink<'_>) -> Result<()> {
    let Renderer {
        site, templates, ..
    } = r;
    let plan = plan::plan(r)?;
    let sink = &|origin: Origin, path: String, bytes: Vec<u8>| {
        debug_assert!(plan.allows(&path), "`{path}` was written but not planned");
        sink(origin, path, bytes)
    };
    let documents: Vec<usize> = (0..site.documents.len()).collect();
    let scripts: Vec<usize> = (0..site.scripts.len()).collect();
    render_some_into(r, &documents, &scripts, sink)?;
    let mut errors = Vec::new();
    for name in plan.generated() {
        match generated(r, name) {
            Ok(Some(bytes)) => sink(Origin::Generated, name.to_string(), bytes)?,
            Ok(None) => {}
            Err(err) => errors.push(err),
        }
    }
    match taxonomies_and_aliases(r) {
        Ok(files) => {
            for (path, bytes) in files {
                sink(Origin::Generated, path, bytes)?;
            }
        }
        Err(err) => errors.push(err),
    }
    Error::collect(errors)?;
    if !r.config.is_default_language() {
        return Ok(());
    }
    for (path, bytes) in &templates.statics {
        sink(Origin::Static, path.clone(), bytes.clone())?;
    }
    for asset in &site.assets {
        sink(Origin::Static, asset.relative.clone(), asset.bytes.clone())?;
    }
    Ok(())
}

/// A page of guide's own with a template of its name (the 404 page, the
/// offline page), or the built-in offline page when the theme has none.
fn render_lone_page(r: Renderer<'_>, page: &str) -> Result<String> {
    let Renderer {
        config, templates, ..
    } = r;
    if !templates.has(page) {
        let words = crate::offline::FALLBACK_WORDS
            .map(|(key, english)| templates.text(&config.language, key, english));
        return Ok(crate::offline::fallback_page(config, words));
    }
    let mut context = Context::new();
    let url = format!("{}{page}", config.base_path);
    context.insert("current_url", &config.permalink(&url));
    context.insert("current_path", &format!("/{page}"));
    context.insert("breadcrumbs", &Vec::<()>::new());
    // The title its template gives it, for its sharing metadata.
    let title = match page {
        "404.html" => templates.text(&config.language, "not_found.title", "Page not found"),
        _ => templates.text(&config.language, "offline.title", "Offline"),
    };
    if templates.shares() {
        context.insert("share", &share::view(r, &share::Subject::of(&url, title)));
    }
    if page == crate::offline::PAGE && r.site.versions.is_multilingual() {
        // Every language has one: the switcher leads to each.
        let views = Views {
            config,
            site: r.site,
        };
        context.insert("languages", &views.switcher_to(page));
    }
    let tera = prepare(r);
    templates::render(config, &tera, page, &context, None)
}

/// One of guide's generated files (see [`plan::Claimant::Generated`]), or
/// `None` when it is made later from the whole output (the service worker
/// of a build with `[offline]`) or is a page of its own
/// ([`render_lone_page`]).
fn generated(r: Renderer<'_>, name: &str) -> Result<Option<Vec<u8>>> {
    let Renderer {
        config,
        site,
        templates,
    } = r;
    let fixed = || prepare_fixed(r);
    let text = match name {
        feeds::ATOM => feeds::atom(config, site, templates, &fixed())?,
        feeds::SITEMAP => feeds::sitemap(config, site, &fixed())?,
        feeds::ROBOTS => feeds::robots(config, &fixed())?,
        feeds::REDIRECTS => feeds::redirects(config, site),
        crate::offline::MANIFEST => {
            let has = |path: &str| templates.statics.iter().any(|(p, _)| p == path);
            crate::offline::manifest(config, has)
        }
        crate::offline::WORKER if config.serving => crate::offline::unregistering_worker(config),
        "404.html" | crate::offline::PAGE => render_lone_page(r, name)?,
        _ => return Ok(None),
    };
    Ok(Some(text.into_bytes()))
}

/// The alias redirects and every taxonomy page.
fn taxonomies_and_aliases(r: Renderer<'_>) -> Result<Vec<(String, Vec<u8>)>> {
    let Renderer {
        config,
        site,
        templates,
    } = r;
    let views = Views { config, site };
    let tera = prepare(r);
    let mut files = feeds::aliases(config, site)?;
    files.extend(feeds::render_taxonomies(&views, &tera, templates, None)?);
    Ok(files)
}

/// Renders the jobs of these claims alone (what `serve` found stale after
/// an edit: [`plan::Plan::stale`]), each path with its bytes.
pub fn render_claims(
    r: Renderer<'_>,
    claims: &[(String, plan::Claimant)],
) -> Result<Vec<(String, Vec<u8>)>> {
    let Renderer {
        config,
        site,
        templates,
    } = r;
    use plan::Claimant;
    let (mut documents, mut scripts, mut lists, mut terms) = (vec![], vec![], vec![], vec![]);
    let (mut aliases, mut others) = (false, Vec::new());
    for (path, claimant) in claims {
        match claimant {
            Claimant::Node(NodeId::Document(i)) => documents.push(*i),
            Claimant::Node(NodeId::Script(i)) => scripts.push(*i),
            Claimant::TaxonomyList(t) => lists.push(*t),
            Claimant::Term(t, k) => terms.push((*t, *k)),
            Claimant::Alias { .. } => aliases = true,
            _ => others.push((path.as_str(), claimant)),
        }
    }
    let chosen = feeds::Chosen {
        lists: &lists,
        terms: &terms,
    };
    let (nodes, rest) = rayon::join(
        || render_some(r, &documents, &scripts),
        || -> Result<Vec<(String, Vec<u8>)>> {
            let mut files = Vec::new();
            if !lists.is_empty() || !terms.is_empty() {
                let views = Views { config, site };
                let tera = prepare(r);
                files = feeds::render_taxonomies(&views, &tera, templates, Some(chosen))?;
            }
            if aliases {
                files.extend(feeds::aliases(config, site)?);
            }
            for (path, claimant) in others {
                if let Some(bytes) = claimed_file(r, path, claimant)? {
                    files.push((path.to_string(), bytes));
                }
            }
            Ok(files)
        },
    );
    let mut files = nodes?;
    files.extend(rest?);
    Ok(files)
}

/// The bytes of a generated file, a static file or an asset.
fn claimed_file(r: Renderer<'_>, path: &str, claimant: &plan::Claimant) -> Result<Option<Vec<u8>>> {
    let Renderer {
        site, templates, ..
    } = r;
    Ok(match claimant {
        plan::Claimant::Generated(name) => generated(r, name)?,
        plan::Claimant::Static(_) => templates
            .statics
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, bytes)| bytes.clone()),
        plan::Claimant::Asset(i) => Some(site.assets[*i].bytes.clone()),
        _ => None,
    })
}

/// The Tera environment for guide's own XML and text templates (the feed,
/// the sitemap, robots.txt): variables are escaped for markup, whatever
/// the file's extension.
pub fn prepare_fixed(r: Renderer<'_>) -> Engine {
    let Renderer {
        config,
        site,
        templates,
    } = r;
    let views = Views { config, site };
    Engine::new(templates, |tera| {
        set_globals(tera, &views);
        tera.set_escape_fn(feeds::escape_markup);
    })
}

/// The Tera environment with the site-wide variables set.
fn prepare(r: Renderer<'_>) -> Engine {
    let Renderer {
        config,
        site,
        templates,
    } = r;
    let views = Views { config, site };
    Engine::new(templates, |tera| set_globals(tera, &views))
}

fn set_globals(tera: &mut tera::Tera, views: &Views) {
    let global = tera.global_context();
    global.insert("config", &ConfigView::new(views.config));
    // Set per page; null where guide has nothing to say (strict templates).
    global.insert("share", &Option::<()>::None);
    global.insert("menu", &views.menu());
    // The page's language (its direction, its switcher): each page of a
    // translated site sets `languages` and `translations` for itself.
    let language = views.config.current_language();
    global.insert("lang", &views.config.language);
    global.insert("dir", language.direction.as_str());
    global.insert("languages", &views.switcher(None));
    global.insert("translations", &Vec::<()>::new());
}

/// A node's language switcher and its pages in every language, for a
/// site in more than one.
fn insert_languages(context: &mut Context, views: &Views<'_>, relative: &str) {
    if views.site.versions.is_multilingual() {
        context.insert("languages", &views.switcher(Some(relative)));
        context.insert("translations", &views.translations(relative));
    }
}

/// Renders the given documents and scripts (indices into the site's lists)
/// in parallel, returning their output paths and HTML.
pub fn render_some(
    r: Renderer<'_>,
    documents: &[usize],
    scripts: &[usize],
) -> Result<Vec<(String, Vec<u8>)>> {
    let rendered = std::sync::Mutex::new(Vec::with_capacity(documents.len() + scripts.len()));
    render_some_into(r, documents, scripts, &|_, path, bytes| {
        rendered
            .lock()
            .expect("no push panics while holding the lock")
            .push((path, bytes));
        Ok(())
    })?;
    Ok(rendered
        .into_inner()
        .expect("the lock is free once rendering ends"))
}

/// What stopped one file: its template, or the sink it was handed to.
enum Failure {
    Template(Error),
    Sink(Error),
}

/// Renders the given documents and scripts in parallel, handing each file to
/// `sink` from the thread that rendered it. Every template error is
/// reported; a sink error is reported alone, being about the disk rather
/// than the site.
fn render_some_into(
    r: Renderer<'_>,
    documents: &[usize],
    scripts: &[usize],
    sink: &Sink<'_>,
) -> Result<()> {
    let Renderer {
        config,
        site,
        templates,
    } = r;
    let views = Views { config, site };
    let tera = &prepare(r);
    let deliver = |origin: Origin, rendered: Result<(String, Vec<u8>)>| match rendered {
        Ok((path, bytes)) => sink(origin, path, bytes).map_err(Failure::Sink),
        Err(err) => Err(Failure::Template(err)),
    };
    let failures: Vec<Failure> = documents
        .par_iter()
        .map(|&index| {
            deliver(
                Origin::Node(NodeId::Document(index)),
                render_document(&views, tera, templates, index),
            )
        })
        .chain(scripts.par_iter().map(|&index| {
            deliver(
                Origin::Node(NodeId::Script(index)),
                render_script(&views, tera, templates, index),
            )
        }))
        .filter_map(std::result::Result::err)
        .collect();
    let mut errors = Vec::new();
    for failure in failures {
        match failure {
            Failure::Sink(err) => return Err(err),
            Failure::Template(err) => errors.push(err),
        }
    }
    Error::collect(errors)
}

/// The output path of a URL: `/guide/a/b/` → `a/b/index.html`.
pub fn output_path(config: &Config, url: &str) -> String {
    let relative = url.strip_prefix(config.base_path.as_str()).unwrap_or(url);
    format!("{relative}index.html")
}

fn render_document(
    views: &Views<'_>,
    tera: &Engine,
    templates: &Templates,
    index: usize,
) -> Result<(String, Vec<u8>)> {
    let site = views.site;
    let document = &site.documents[index];
    let template = document_template(site, templates, index)?;
    let mut context = Context::new();
    context.insert("current_url", &views.config.permalink(&document.url));
    context.insert("current_path", &document.url);
    let crumbs = views.breadcrumbs(index);
    if templates.shares() {
        let subject = share::Subject {
            title: &document.title,
            description: document.meta.description.as_deref(),
            url: &document.url,
            date: document.meta.date.as_ref().map(|d| d.text.as_str()),
            updated: document.meta.updated.as_ref().map(|d| d.text.as_str()),
            image: share::page_image(site, templates, index)?,
            crumbs: &crumbs,
            home: site.section_index[index] == Some(0),
            draft: document.meta.draft,
        };
        let share = share::view(views.renderer(templates), &subject);
        context.insert("share", &share);
    }
    context.insert("breadcrumbs", &crumbs);
    insert_languages(&mut context, views, &document.relative);
    let content = embeds::fill(views, tera, index)?;
    match site.section_index[index] {
        None => {
            let mut page = views.page(index, true);
            page.content = Some(content);
            context.insert("page", &page);
        }
        Some(section) => {
            let mut view = views.section(section);
            view.content = content;
            context.insert("section", &view);
            // The home page gets the scripts' metadata too, for "where do I start?".
            if is_scripts_index(document) || section == 0 {
                views.insert_index(&mut context);
            }
            if section == 0 {
                context.insert("page_urls", &views.page_urls());
            }
        }
    }
    let html = templates::render(
        views.config,
        tera,
        template,
        &context,
        Some((&document.path, site.rendered[index].html.len())),
    )?;
    Ok((output_path(views.config, &document.url), html.into_bytes()))
}

fn is_scripts_index(document: &crate::content::Document) -> bool {
    document.kind == Kind::Section && document.dir == crate::content::SCRIPTS_DIR
}

/// The template a document renders with: its `template:`, else its kind's
/// (the home page's `index.html`, `/scripts/`'s `scripts.html` when the
/// theme has one); an error at the `template:` line when there is no such
/// template.
fn document_template<'a>(site: &'a Site, templates: &Templates, index: usize) -> Result<&'a str> {
    let document = &site.documents[index];
    let default = match (document.kind, site.section_index[index]) {
        (Kind::Page, _) => "page.html",
        (Kind::Section, Some(0)) => "index.html",
        (Kind::Section, _) if is_scripts_index(document) && templates.has("scripts.html") => {
            "scripts.html"
        }
        (Kind::Section, _) => "section.html",
    };
    let template = document.meta.template.as_deref().unwrap_or(default);
    if templates.has(template) {
        return Ok(template);
    }
    let message = format!("no template `{template}` in the site's templates/ or the theme");
    let line = document
        .source
        .lines()
        .position(|l| l.starts_with("template:"));
    let diagnostic = match line {
        Some(line) => Diagnostic::at(&document.path, &document.source, line + 1, 11, message),
        None => Diagnostic::file(&document.path, message),
    };
    Err(diagnostic
        .help("create the template, or fix the `template:` key")
        .into())
}

fn render_script(
    views: &Views<'_>,
    tera: &Engine,
    templates: &Templates,
    index: usize,
) -> Result<(String, Vec<u8>)> {
    let script = &views.site.scripts[index];
    let mut context = Context::new();
    context.insert("current_url", &views.config.permalink(&script.url));
    context.insert("current_path", &script.url);
    let scripts_section = views
        .site
        .sections
        .iter()
        .position(|s| views.site.documents[s.document].dir == crate::content::SCRIPTS_DIR);
    let mut breadcrumbs = vec![context::LinkView {
        title: &views.site.documents[views.site.root().document].title,
        url: &views.site.documents[views.site.root().document].url,
    }];
    if let Some(s) = scripts_section {
        let d = &views.site.documents[views.site.sections[s].document];
        breadcrumbs.push(context::LinkView {
            title: &d.title,
            url: &d.url,
        });
    }
    let subject = share::Subject {
        title: &script.title,
        description: Some(&script.summary),
        url: &script.url,
        date: None,
        updated: None,
        image: None,
        crumbs: &breadcrumbs,
        home: false,
        draft: script.draft,
    };
    if templates.shares() {
        context.insert("share", &share::view(views.renderer(templates), &subject));
    }
    context.insert("breadcrumbs", &breadcrumbs);
    insert_languages(&mut context, views, &script.relative);
    context.insert("script", &views.script(index));
    let html = templates::render(
        views.config,
        tera,
        "script.html",
        &context,
        Some((&script.path, views.site.script_notes[index].html.len())),
    )?;
    Ok((output_path(views.config, &script.url), html.into_bytes()))
}
