//! The site in its other languages: each language of `[languages]` is one
//! more [`Site`], assembled from the translation files beside their
//! sources (`timing.es.md`, `reconnect-email.es.yaml`) in that language's
//! configuration ([`Config::for_language`]), and rendered under `/<tag>/`.
//!
//! A translated page takes what its translation leaves out from its source
//! (date, updated, weight, template, slug, image, extra, draft); it gives
//! its own title, description, keywords and terms, so each language has
//! taxonomies of its own. An untranslated page is not published in the
//! language: no silent fallback. Links from a translation to it lead to
//! its page in the site's own language, and the switcher to the nearest
//! translated section ([`Versions::nearest`]).

use std::collections::HashMap;
use std::sync::Arc;

use crate::config::Config;
use crate::content::{Content, Document, TranslationFile};
use crate::error::{Diagnostic, Error};
use crate::script::Script;
use crate::site::versions::{Home, Version, Versions};
use crate::site::{Bodies, Site};

/// The site in one of its other languages.
pub struct Edition {
    pub config: Config,
    pub site: Site,
}

/// What the translations made: each language's site, and every error.
pub struct Editions {
    pub editions: Vec<Edition>,
    pub errors: Vec<Error>,
}

/// Assembles each other language's site from its translation files over
/// the site in its own language, then gives every site (`default`'s too)
/// the [`Versions`] of all.
pub fn assemble(
    config: &Config,
    default: &mut Site,
    files: Vec<TranslationFile>,
    bodies: Bodies,
) -> Editions {
    let mut errors = Vec::new();
    let mut editions = Vec::new();
    for language in config.translations() {
        let config = config.for_language(language);
        let mine: Vec<&TranslationFile> = files
            .iter()
            .filter(|f| f.language == language.tag)
            .collect();
        let (site, found) = assemble_one(&config, default, &mine, bodies);
        errors.extend(found);
        editions.push(Edition { config, site });
    }
    let versions = Arc::new(versions(config, default, &editions));
    default.versions = Arc::clone(&versions);
    for edition in &mut editions {
        edition.site.versions = Arc::clone(&versions);
    }
    Editions { editions, errors }
}

/// One language's site.
fn assemble_one(
    config: &Config,
    default: &Site,
    files: &[&TranslationFile],
    bodies: Bodies,
) -> (Site, Vec<Error>) {
    let mut content = Content::default();
    let mut scripts = crate::script::Loaded::default();
    let mut overlays = Vec::new();
    for file in files {
        if file
            .relative
            .starts_with(&format!("{}/", crate::content::SCRIPTS_DIR))
            && !file.relative.ends_with("/_index.md")
        {
            overlays.push(*file);
            continue;
        }
        match translate_document(config, default, file) {
            Ok(Some(document)) => content.documents.push(document),
            Ok(None) => {}
            Err(err) => {
                content.errors.extend(err.flatten());
                content.failed.push(file.relative.clone());
            }
        }
    }
    translate_scripts(config, default, &overlays, &mut scripts);
    // Links to a page not translated lead to the site's own language.
    let translated: std::collections::HashSet<&str> = content
        .documents
        .iter()
        .map(|d| d.relative.as_str())
        .chain(scripts.scripts.iter().map(|s| s.relative.as_str()))
        .collect();
    let elsewhere: HashMap<String, String> = default
        .every_node()
        .map(|node| default.relative(node))
        .filter(|path| !translated.contains(path))
        .filter_map(|path| Some((path.to_string(), default.urls.get(path)?.clone())))
        .collect();
    Site::assemble_with(config, content, scripts, &elsewhere, bodies)
}

/// A translated page or section, with what its translation leaves out
/// taken from its source; `None` when the source is a draft left out.
fn translate_document(
    config: &Config,
    default: &Site,
    file: &TranslationFile,
) -> crate::error::Result<Option<Document>> {
    let source = default
        .documents
        .iter()
        .find(|d| d.relative == file.relative);
    let Some(source) = source else {
        if default.is_draft(&file.relative) {
            return Ok(None);
        }
        return Err(Diagnostic::file(
            &file.path,
            format!(
                "`{}` translates `content/{}`, which does not exist",
                file.own, file.relative
            ),
        )
        .help("rename the translation after its source (`page.md` → `page.es.md`), or remove it")
        .into());
    };
    let document = crate::content::parse_document(
        config,
        file.path.clone(),
        &file.relative,
        file.source.clone(),
    )?;
    Ok(finish(document, source, config))
}

/// A translated page parsed again (by `serve`), completed from its source
/// in `default`, the site in its own language; `None` when it is a draft
/// left out or its source is gone.
pub fn complete(document: Document, default: &Site, config: &Config) -> Option<Document> {
    let source = default
        .documents
        .iter()
        .find(|d| d.relative == document.relative)?;
    finish(document, source, config)
}

/// A translation with what it leaves out taken from its source; `None`
/// when it is a draft left out.
fn finish(mut document: Document, source: &Document, config: &Config) -> Option<Document> {
    inherit(&mut document, source, config);
    if document.meta.draft && !config.drafts {
        return None;
    }
    Some(document)
}

/// What a translation takes from its source when it leaves it out.
fn inherit(document: &mut Document, source: &Document, config: &Config) {
    let (meta, from) = (&mut document.meta, &source.meta);
    meta.date = meta.date.take().or_else(|| from.date.clone());
    meta.updated = meta.updated.take().or_else(|| from.updated.clone());
    meta.weight = meta.weight.or(from.weight);
    meta.template = meta.template.take().or_else(|| from.template.clone());
    meta.image = meta.image.take().or_else(|| from.image.clone());
    meta.draft |= from.draft;
    if meta.extra.is_empty() {
        meta.extra = from.extra.clone();
    }
    if meta.slug.is_none() && from.slug.is_some() {
        meta.slug = from.slug.clone();
        // The URL follows the source's slug.
        let base = source
            .url
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or("");
        let dir = crate::content::dir_url(config, &source.dir);
        if source.kind == crate::content::Kind::Page {
            document.url = format!("{dir}{base}/");
        }
    }
}

/// The scripts' translations, YAML templates first (a Markdown script's
/// translation may use one).
fn translate_scripts(
    config: &Config,
    default: &Site,
    overlays: &[&TranslationFile],
    loaded: &mut crate::script::Loaded,
) {
    let mut ordered: Vec<&&TranslationFile> = overlays.iter().collect();
    ordered.sort_by_key(|f| f.own.ends_with(".md"));
    let mut templates: HashMap<String, Script> = HashMap::new();
    for file in ordered {
        let Some(base) = default.scripts.iter().find(|s| s.relative == file.relative) else {
            if default.is_draft(&file.relative) {
                continue;
            }
            let error = Diagnostic::file(
                &file.path,
                format!(
                    "`{}` translates `content/{}`, which is not a script of the site",
                    file.own, file.relative
                ),
            )
            .help("rename the translation after its source (`x.yaml` → `x.es.yaml`), or remove it");
            loaded.errors.push(error.into());
            loaded.failed.push(file.relative.clone());
            continue;
        };
        match crate::script::overlay::apply(config, base, file, &templates) {
            Ok(None) => {}
            Ok(Some(translated)) => {
                loaded.warnings.extend(translated.warnings);
                if translated.script.format == crate::script::Format::Yaml {
                    templates.insert(translated.script.slug.clone(), translated.script.clone());
                }
                loaded.scripts.push(translated.script);
            }
            Err(err) => {
                loaded.errors.extend(err.flatten());
                loaded.failed.push(file.relative.clone());
            }
        }
    }
    // The site's order: as the source scripts are.
    let place = |s: &Script| {
        default
            .scripts
            .iter()
            .position(|d| d.relative == s.relative)
    };
    loaded.scripts.sort_by_key(place);
}

/// Every language's pages, by content path.
pub fn versions(config: &Config, default: &Site, editions: &[Edition]) -> Versions {
    if editions.is_empty() {
        return Versions::default();
    }
    let homes = config
        .languages
        .iter()
        .map(|language| Home {
            tag: language.tag.clone(),
            name: language.name.clone(),
            direction: language.direction.as_str(),
            url: config.language_path(&language.tag),
        })
        .collect();
    let mut versions = Versions::new(homes);
    let sites = std::iter::once(default).chain(editions.iter().map(|e| &e.site));
    for (place, site) in sites.enumerate() {
        for document in &site.documents {
            let version = Version {
                url: document.url.clone(),
                title: document.title.clone(),
            };
            versions.add(&document.relative, place, version);
        }
        for script in &site.scripts {
            let version = Version {
                url: script.url.clone(),
                title: script.title.clone(),
            };
            versions.add(&script.relative, place, version);
        }
    }
    versions
}

/// The first 12 hex digits of the SHA-256 of `bytes`, as a translation's
/// `source_hash` records them (`sha256sum FILE | cut -c1-12`).
pub fn source_hash(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(bytes);
    digest.iter().take(6).map(|b| format!("{b:02x}")).collect()
}

/// What `guide check` says of the translations: a line per language with
/// how much of the site it covers, and a warning for each translation
/// whose source changed since it was made (or that records no
/// `source_hash`).
pub fn report(
    config: &Config,
    default: &Site,
    editions: &[Edition],
) -> (Vec<String>, Vec<crate::error::Warning>) {
    let sources: Vec<&str> = default.every_node().map(|n| default.relative(n)).collect();
    let mut lines = Vec::new();
    let mut warnings = Vec::new();
    for edition in editions {
        let translated = translated_files(&edition.site);
        lines.push(coverage(edition, &sources, &translated));
        let name = &edition.config.current_language().name;
        for (relative, path, recorded) in translated {
            warnings.extend(staleness(config, name, relative, path, recorded));
        }
    }
    (lines, warnings)
}

/// The translation files a language's site was made from: each one's
/// source path, own path and recorded `source_hash` (the sections made up
/// for folders with no `_index` are not among them).
fn translated_files(site: &Site) -> Vec<(&str, &std::path::Path, Option<&str>)> {
    let documents = site.documents.iter().filter(|d| d.path.is_file());
    let documents = documents.map(|d| {
        let hash = d.meta.source_hash.as_deref();
        (d.relative.as_str(), d.path.as_path(), hash)
    });
    let scripts = site.scripts.iter().map(|s| {
        let hash = s.source_hash.as_deref();
        (s.relative.as_str(), s.path.as_path(), hash)
    });
    documents.chain(scripts).collect()
}

/// A language's line: how many of the sources it translates, and which not.
fn coverage(
    edition: &Edition,
    sources: &[&str],
    translated: &[(&str, &std::path::Path, Option<&str>)],
) -> String {
    let missing: Vec<&str> = sources
        .iter()
        .copied()
        .filter(|s| !translated.iter().any(|(t, _, _)| t == s))
        .collect();
    let language = edition.config.current_language();
    let done = translated.len();
    let share = (done * 100).checked_div(sources.len()).unwrap_or(100);
    let mut line = format!(
        "{} ({}): {done} of {} pages and scripts translated ({share}%)",
        language.name,
        language.tag,
        sources.len()
    );
    if !missing.is_empty() {
        let shown: Vec<&str> = missing.iter().take(10).copied().collect();
        let more = match missing.len() > 10 {
            true => format!(" and {} more", missing.len() - 10),
            false => String::new(),
        };
        line.push_str(&format!("; not yet: {}{more}", shown.join(", ")));
    }
    line
}

/// The warning for a translation whose source changed since it was made,
/// or that records no hash; none when it is up to date.
fn staleness(
    config: &Config,
    language: &str,
    relative: &str,
    path: &std::path::Path,
    recorded: Option<&str>,
) -> Option<crate::error::Warning> {
    let bytes = std::fs::read(config.content_dir().join(relative)).ok()?;
    let now = source_hash(&bytes);
    match recorded {
        Some(recorded) if recorded == now => None,
        Some(recorded) => Some(
            Diagnostic::file(path, format!("this {language} translation is older than its source: `content/{relative}` changed since it was made (`source_hash: {recorded}`, the source's is now `{now}`)"))
                .help(format!("bring the translation up to date with the source, then set `source_hash: {now}`")),
        ),
        None => Some(
            Diagnostic::file(path, format!("this translation records no `source_hash`, so guide cannot tell when `content/{relative}` changes"))
                .help(format!("add `source_hash: {now}` to its front matter once it matches the source")),
        ),
    }
}
