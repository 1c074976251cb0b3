//! The extra checks of `guide check`: what a build does not need but a
//! reader would trip over. Pages nothing links to, scripts no page links to,
//! and images and local files that the built site does not hold. All are
//! warnings (fatal with `--deny-warnings`). Declared fields that no message
//! uses are warned about where fields are checked, in `script`, so that a
//! build reports them too.
//!
//! **Linked** means: an internal link (`@/…`, a relative `.md` or `.yaml`
//! link) or a link to the published URL, from *another* page, section or
//! script's notes. The lists a template makes (a section's pages, the scripts
//! index) do not count: a page its section lists but no text points to is
//! one that readers are never sent to. The home page and sections are never
//! orphans.
//!
//! An embed (a ```` ```script <slug> ```` fence) counts as a link to its
//! script. The **message checker** (`script::checker`) runs over every
//! script's example output in each language, with that language's rules,
//! each finding a warning at its message.
//!
//! **Local references** are images and links whose destination is a path on
//! the site rather than a URL, an anchor or an `@/` link. A relative one is
//! resolved against the URL of the page it is on, as a browser does, and
//! must then be a file of the built site: a content asset, a static file, or
//! a page.

use std::collections::{HashMap, HashSet};

use crate::config::Config;
use crate::content::Kind;
use crate::error::{line_column, Diagnostic, Warning};
use crate::markdown::{Reference, Rendered};
use crate::output::Output;
use crate::site::{NodeId, Site};

/// Where a link is written: a document's body or a script's notes.
struct Source<'a> {
    target: NodeId,
    rendered: &'a Rendered,
    /// The URL of the page it is published on, for relative paths.
    url: &'a str,
}

/// Every target, by its path under `content/` (the key of `@/` links) and by
/// the output file it is published as.
struct Targets {
    by_relative: HashMap<String, NodeId>,
    by_output: HashMap<String, NodeId>,
}

impl Targets {
    fn new(config: &Config, site: &Site) -> Targets {
        let all = site
            .documents
            .iter()
            .enumerate()
            .map(|(i, d)| (&d.relative, &d.url, NodeId::Document(i)))
            .chain(
                site.scripts
                    .iter()
                    .enumerate()
                    .map(|(i, s)| (&s.relative, &s.url, NodeId::Script(i))),
            );
        let mut targets = Targets {
            by_relative: HashMap::new(),
            by_output: HashMap::new(),
        };
        for (relative, url, target) in all {
            targets.by_relative.insert(relative.clone(), target);
            let file = crate::render::output_path(config, url);
            targets.by_output.insert(file, target);
        }
        targets
    }
}

/// Every document's body and every script's notes.
fn sources(site: &Site) -> Vec<Source<'_>> {
    let documents = site.documents.iter().zip(&site.rendered).enumerate();
    let scripts = site.scripts.iter().zip(&site.script_notes).enumerate();
    documents
        .map(|(i, (d, rendered))| Source {
            target: NodeId::Document(i),
            rendered,
            url: &d.url,
        })
        .chain(scripts.map(|(i, (s, rendered))| Source {
            target: NodeId::Script(i),
            rendered,
            url: &s.url,
        }))
        .collect()
}

/// Runs every check on a built site, returning its warnings in order:
/// missing files, then orphan pages, then unlinked scripts.
pub fn check(config: &Config, site: &Site, output: &Output) -> Vec<Warning> {
    let targets = Targets::new(config, site);
    let mut warnings = Vec::new();
    let mut linked: HashSet<NodeId> = HashSet::new();
    for source in sources(site) {
        let mut found: HashSet<NodeId> = source
            .rendered
            .links
            .iter()
            .filter_map(|link| targets.by_relative.get(&link.target).copied())
            .collect();
        // A ```script fence shows the script where its moment is taught: a link.
        let embedded = source.rendered.embeds.iter();
        found.extend(embedded.filter_map(|e| site.script_by_slug(&e.slug.0).map(NodeId::Script)));
        for reference in &source.rendered.references {
            match resolve(config, source.url, &reference.destination) {
                Resolved::Path(path) => match published(output, &path) {
                    Some(file) => found.extend(targets.by_output.get(&file).copied()),
                    None => warnings.push(missing(config, site, &source, reference, &path)),
                },
                Resolved::Outside(why) => {
                    let message = format!("{} `{}` {why}", noun(reference), reference.destination);
                    warnings.push(
                        locate(site, source.target, reference.offset, message)
                            .help("write the path relative to the page, or from the site's root"),
                    );
                }
            }
        }
        for raw in &source.rendered.raw {
            let message = format!("raw HTML: {} is published as written", raw.what);
            warnings.push(locate(site, source.target, raw.offset, message).help(
                "readers' browsers run it; if that is not meant, remove it, or set `raw_html = false` under [markdown] in site.toml",
            ));
        }
        // A link to itself does not make a page any less of an orphan.
        found.remove(&source.target);
        linked.extend(found);
    }
    warnings.extend(orphans(site, &linked));
    warnings.extend(unlinked_scripts(site, &linked));
    warnings.extend(checked_examples(config, site));
    warnings
}

/// What the message checker finds in every script's example output, read
/// with the rules of the site's language ([`crate::script::checker::rules`]),
/// each at the line of the message where the words are written. `guide
/// check` runs it over the site in each of its languages.
pub fn checked_examples(config: &Config, site: &Site) -> Vec<Warning> {
    let language = &config.language;
    let mut warnings = Vec::new();
    for script in &site.scripts {
        for message in &script.messages {
            let example = script.example(message);
            for finding in crate::script::checker::check(&example, &script.slug, language) {
                let rule = crate::script::checker::rules(language)
                    .iter()
                    .find(|r| r.id == finding.rule)
                    .expect("a finding names its rule");
                let line = line_of(&message.body, &finding.text);
                let text = format!(
                    "message `{}` of script `{}`, with the example values, has “{}” ({})",
                    message.name, script.slug, finding.text, finding.rule
                );
                warnings.push(script.locate(message, line, 1, text).help(&rule.hint));
            }
        }
    }
    warnings
}

/// The line (from 1) of `body` where the most of `text`'s first words are
/// written together (the example fills in fields, so all may not be); the
/// message's first line when not even two are.
fn line_of(body: &str, text: &str) -> usize {
    let text = text.to_lowercase();
    let words: Vec<&str> = text.split_whitespace().collect();
    let lines: Vec<String> = body.lines().map(str::to_lowercase).collect();
    (2..=words.len().min(6))
        .rev()
        .find_map(|n| {
            let start = words[..n].join(" ");
            lines.iter().position(|line| line.contains(&start))
        })
        .map_or(1, |i| i + 1)
}

/// Pages that nothing links to.
fn orphans<'s>(site: &'s Site, linked: &'s HashSet<NodeId>) -> impl Iterator<Item = Warning> + 's {
    let unlinked = site
        .documents
        .iter()
        .enumerate()
        .filter(|(i, d)| d.kind == Kind::Page && !linked.contains(&NodeId::Document(*i)));
    unlinked.map(|(_, document)| {
        Diagnostic::file(
            &document.path,
            format!(
                "orphan page: no page, section or script links to `@/{}`",
                document.relative
            ),
        )
        .help(format!(
            "link to it where readers need it, e.g. from its section: [{}](@/{})",
            document.title, document.relative
        ))
    })
}

/// Scripts that no page, section or other script links to.
fn unlinked_scripts<'s>(
    site: &'s Site,
    linked: &'s HashSet<NodeId>,
) -> impl Iterator<Item = Warning> + 's {
    let unlinked = site
        .scripts
        .iter()
        .enumerate()
        .filter(|(i, _)| !linked.contains(&NodeId::Script(*i)));
    unlinked.map(|(_, script)| {
        Diagnostic::file(
            &script.path,
            format!("no page links to script `{}`", script.slug),
        )
        .help(format!(
            "readers find it only in the scripts index; link to it where its moment is discussed: [{}](@/{})",
            script.title, script.relative
        ))
    })
}

/// Where a local destination leads.
#[derive(Debug, PartialEq, Eq)]
enum Resolved {
    /// A path under the site's root, without the base path (`files/a.pdf`).
    Path(String),
    /// It leaves the site; the text says how.
    Outside(String),
}

/// Resolves a destination written on the page published at `page_url`, the
/// way a browser would, to a path under the site's root.
fn resolve(config: &Config, page_url: &str, destination: &str) -> Resolved {
    let path = destination.split(['#', '?']).next().unwrap_or_default();
    let path = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    let absolute = if path.starts_with('/') {
        path.into_owned()
    } else {
        format!("{page_url}{path}")
    };
    let Some(absolute) = normalize(&absolute) else {
        return Resolved::Outside("leads above the site's root".into());
    };
    match absolute.strip_prefix(config.base_path.as_str()) {
        Some(relative) => Resolved::Path(relative.to_string()),
        // `/a/` without its slash, when the base path is `/a/`.
        None if format!("{absolute}/") == config.base_path => Resolved::Path(String::new()),
        None => Resolved::Outside(format!(
            "is outside the site, which is published under {}",
            config.base_path
        )),
    }
}

/// Resolves `.` and `..` in an absolute URL path, keeping a trailing `/`;
/// `None` if it climbs above `/`.
fn normalize(path: &str) -> Option<String> {
    let parts = crate::markdown::normalize(path)?;
    let mut normal = format!("/{parts}");
    let directory = path.ends_with('/') || path.ends_with("/.") || path.ends_with("/..");
    if directory && !parts.is_empty() {
        normal.push('/');
    }
    Some(normal)
}

/// The file of the output a path under the root is answered with: the file
/// itself, or the `index.html` of the folder.
fn published(output: &Output, path: &str) -> Option<String> {
    let folder = path.trim_end_matches('/');
    let index = if folder.is_empty() {
        "index.html".to_string()
    } else {
        format!("{folder}/index.html")
    };
    [path.to_string(), index]
        .into_iter()
        .find(|file| !file.is_empty() && !file.ends_with('/') && output.get(file).is_some())
}

fn noun(reference: &Reference) -> &'static str {
    if reference.image {
        "image"
    } else {
        "link"
    }
}

/// The warning for a reference to a file the site does not have.
fn missing(
    config: &Config,
    site: &Site,
    source: &Source<'_>,
    reference: &Reference,
    path: &str,
) -> Warning {
    let url = format!("{}{path}", config.base_path);
    let message = if reference.image {
        format!(
            "missing image `{}`: nothing is published at {url}",
            reference.destination
        )
    } else {
        format!(
            "broken link `{}`: nothing is published at {url}",
            reference.destination
        )
    };
    let relative = !reference.destination.starts_with('/');
    let beside = relative
        .then(|| asset_beside(site, source, &reference.destination))
        .flatten();
    let help = match beside {
        Some(asset) => format!(
            "a relative path is resolved from the page's URL, {}; the file beside it in content/ is published at {}{asset}: write that path instead",
            source.url, config.base_path
        ),
        None if relative => format!(
            "a relative path is resolved from the page's URL, {}; put the file at static/{path} (or content/{path}), or fix the path",
            source.url
        ),
        None => format!("put the file at static/{path} (or content/{path}), or fix the path"),
    };
    locate(site, source.target, reference.offset, message).help(help)
}

/// The content asset a relative destination names when it is read from the
/// source file's folder instead of the page's URL: the usual slip.
fn asset_beside<'s>(site: &'s Site, source: &Source<'_>, destination: &str) -> Option<&'s str> {
    let dir = match source.target {
        NodeId::Document(i) => site.documents[i].dir.as_str(),
        NodeId::Script(_) => crate::content::SCRIPTS_DIR,
    };
    let path = destination.split(['#', '?']).next().unwrap_or_default();
    let wanted = normalize(&format!("/{dir}/{path}"))?;
    let wanted = wanted.trim_start_matches('/');
    site.assets
        .iter()
        .find(|a| a.relative == wanted)
        .map(|a| a.relative.as_str())
}

/// A warning at a byte offset of a document's body or a script's notes.
fn locate(site: &Site, target: NodeId, offset: usize, message: String) -> Diagnostic {
    match target {
        NodeId::Document(i) => site.documents[i].diagnostic_at(offset, message),
        NodeId::Script(i) => {
            let script = &site.scripts[i];
            let (line, column) = line_column(&script.notes, offset);
            let (line, column) = script.notes_origin.place(line, column);
            Diagnostic::at(&script.path, &script.source, line, column, message)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Overrides;
    use std::path::Path;

    fn config(base_url: &str) -> Config {
        let source = format!("title = \"T\"\nbase_url = \"{base_url}\"\n");
        Config::parse(
            Path::new("."),
            Path::new("site.toml"),
            &source,
            &Overrides::default(),
        )
        .unwrap()
    }

    #[test]
    fn relative_paths_resolve_against_the_page_url() {
        let config = config("https://example.org/");
        let path = |page: &str, dest: &str| resolve(&config, page, dest);
        assert_eq!(path("/a/b/", "x.png"), Resolved::Path("a/b/x.png".into()));
        assert_eq!(path("/a/b/", "../x.png"), Resolved::Path("a/x.png".into()));
        assert_eq!(
            path("/a/b/", "/files/none.pdf?v=1#p"),
            Resolved::Path("files/none.pdf".into())
        );
        assert_eq!(
            path("/a/", "my%20file.pdf"),
            Resolved::Path("a/my file.pdf".into())
        );
        assert_eq!(path("/a/", "../"), Resolved::Path(String::new()));
        assert!(matches!(path("/a/", "../../x"), Resolved::Outside(_)));
    }

    #[test]
    fn root_paths_must_stay_under_the_base_path() {
        let config = config("https://example.org/sub");
        let path = |page: &str, dest: &str| resolve(&config, page, dest);
        assert_eq!(path("/sub/a/", "x.png"), Resolved::Path("a/x.png".into()));
        assert_eq!(
            path("/sub/a/", "/sub/f.pdf"),
            Resolved::Path("f.pdf".into())
        );
        assert_eq!(path("/sub/a/", "/sub"), Resolved::Path(String::new()));
        assert!(matches!(path("/sub/a/", "/f.pdf"), Resolved::Outside(_)));
    }

    #[test]
    fn a_folder_is_published_as_its_index() {
        let mut output = Output::default();
        output.insert("index.html".into(), Vec::new());
        output.insert("a/index.html".into(), Vec::new());
        output.insert("files/x.pdf".into(), Vec::new());
        assert_eq!(published(&output, ""), Some("index.html".into()));
        assert_eq!(published(&output, "a/"), Some("a/index.html".into()));
        assert_eq!(published(&output, "a"), Some("a/index.html".into()));
        assert_eq!(
            published(&output, "files/x.pdf"),
            Some("files/x.pdf".into())
        );
        assert_eq!(published(&output, "files/"), None);
        assert_eq!(published(&output, "files/y.pdf"), None);
    }
}
