//! The Site model: every document placed in its section, ordered, linked to
//! its neighbours, its Markdown rendered with internal links resolved and
//! checked. No file system here: the model is built from loaded content.

use std::collections::{BTreeMap, HashMap, HashSet};

use rayon::prelude::*;

use crate::config::Config;
use crate::content::{dir_url, humanize, Asset, Content, Document, FrontMatter, Kind};
use crate::error::{did_you_mean, Diagnostic, Error, Result};
use crate::markdown::{self, Links, Rendered};
use crate::slug::slugify;

/// A section's place in the tree.
#[derive(Debug, Clone)]
pub struct Section {
    /// Index of its `_index.md` in [`Site::documents`].
    pub document: usize,
    /// Its pages, in reading order (indices into `documents`).
    pub pages: Vec<usize>,
    /// Its direct subsections (indices into [`Site::sections`]), in order.
    pub subsections: Vec<usize>,
    pub parent: Option<usize>,
}

/// A tag and the pages that carry it.
#[derive(Debug, Clone)]
pub struct Term {
    pub name: String,
    pub slug: String,
    pub pages: Vec<usize>,
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
    pub tags: Vec<Term>,
    pub assets: Vec<Asset>,
}

impl Site {
    /// Builds the model from loaded content, reporting every broken link,
    /// missing anchor and URL collision together.
    pub fn build(config: &Config, content: Content) -> Result<Site> {
        let Content { mut documents, assets, .. } = content;
        add_implicit_sections(config, &mut documents);
        documents.sort_by(|a, b| a.relative.cmp(&b.relative));

        let mut errors = check_urls(&documents);
        let urls: HashMap<&str, &str> = documents
            .iter()
            .map(|d| (d.relative.as_str(), d.url.as_str()))
            .collect();
        let resolve = |path: &str| urls.get(path).map(|url| url.to_string());
        let rendered: Vec<Rendered> = documents
            .par_iter()
            .map(|d| {
                let links = Links { dir: &d.dir, resolve: &resolve };
                markdown::render(d.body(), &config.markdown, &links)
            })
            .collect();
        errors.extend(check_links(&documents, &rendered));
        Error::collect(errors)?;

        let (sections, section_of, section_index) = place(&documents);
        let neighbours = neighbours(&documents, &sections);
        let tags = tags(&documents);
        Ok(Site {
            documents,
            rendered,
            sections,
            section_of,
            section_index,
            neighbours,
            tags,
            assets,
        })
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
        let relative = if dir.is_empty() { "_index.md".to_string() } else { format!("{dir}/_index.md") };
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
            meta: FrontMatter::default(),
            title,
            dir: dir.clone(),
            url: dir_url(config, dir),
        });
    }
}

fn check_urls(documents: &[Document]) -> Vec<Error> {
    let mut seen: HashMap<&str, &Document> = HashMap::new();
    let mut errors = Vec::new();
    for document in documents {
        if let Some(first) = seen.insert(&document.url, document) {
            errors.push(
                Diagnostic::file(
                    &document.path,
                    format!(
                        "`{}` and `{}` would both be published at {}",
                        crate::error::display_path(&first.path),
                        crate::error::display_path(&document.path),
                        document.url
                    ),
                )
                .help("rename one of the files, or give one a different `slug:`")
                .into(),
            );
        }
    }
    errors
}

fn check_links(documents: &[Document], rendered: &[Rendered]) -> Vec<Error> {
    let index: HashMap<&str, usize> = documents
        .iter()
        .enumerate()
        .map(|(i, d)| (d.relative.as_str(), i))
        .collect();
    let mut errors = Vec::new();
    for (i, (document, output)) in documents.iter().zip(rendered).enumerate() {
        for link in &output.links {
            if !link.resolved {
                let help = match did_you_mean(&link.target, index.keys().copied()) {
                    Some(near) => format!("did you mean `@/{near}`?"),
                    None => "internal links are written `@/path/from/content.md#anchor`".into(),
                };
                let message = format!("broken link `{}`: there is no `content/{}`", link.written, link.target);
                errors.push(document.diagnostic_at(link.offset, message).help(help).into());
                continue;
            }
            let Some(anchor) = &link.anchor else { continue };
            let (target, ids) = match index.get(link.target.as_str()) {
                Some(&t) => (t, &rendered[t].ids),
                None => (i, &output.ids),
            };
            if ids.iter().any(|id| id == anchor) {
                continue;
            }
            let help = match did_you_mean(anchor, ids.iter().map(String::as_str)) {
                Some(near) => format!("did you mean `#{near}`?"),
                None if ids.is_empty() => "that page has no headings".to_string(),
                None => format!("its headings are: {}", ids.iter().map(|id| format!("#{id}")).collect::<Vec<_>>().join(", ")),
            };
            let message = format!(
                "broken link `{}`: `{}` has no heading `#{anchor}`",
                link.written, documents[target].relative
            );
            errors.push(document.diagnostic_at(link.offset, message).help(help).into());
        }
    }
    errors
}

/// Places documents in sections; returns the sections (root first), each
/// document's section and each section document's own section index.
#[allow(clippy::type_complexity)]
fn place(documents: &[Document]) -> (Vec<Section>, Vec<Option<usize>>, Vec<Option<usize>>) {
    let mut by_dir: BTreeMap<&str, usize> = BTreeMap::new();
    let mut sections = Vec::new();
    let mut section_index = vec![None; documents.len()];
    // Root first: "" sorts before every other folder.
    let mut section_docs: Vec<usize> = (0..documents.len())
        .filter(|&i| documents[i].kind == Kind::Section)
        .collect();
    section_docs.sort_by(|&a, &b| documents[a].dir.cmp(&documents[b].dir));
    for i in section_docs {
        by_dir.insert(&documents[i].dir, sections.len());
        section_index[i] = Some(sections.len());
        sections.push(Section {
            document: i,
            pages: Vec::new(),
            subsections: Vec::new(),
            parent: None,
        });
    }
    let parent_dir = |dir: &str| -> String { dir.rsplit_once('/').map_or(String::new(), |(p, _)| p.to_string()) };
    let mut section_of = vec![None; documents.len()];
    for (i, document) in documents.iter().enumerate() {
        match document.kind {
            Kind::Page => {
                let s = by_dir[document.dir.as_str()];
                section_of[i] = Some(s);
                sections[s].pages.push(i);
            }
            Kind::Section if !document.dir.is_empty() => {
                let parent = by_dir[parent_dir(&document.dir).as_str()];
                let own = by_dir[document.dir.as_str()];
                section_of[i] = Some(parent);
                sections[own].parent = Some(parent);
                sections[parent].subsections.push(own);
            }
            Kind::Section => {}
        }
    }
    for s in 0..sections.len() {
        let mut pages = std::mem::take(&mut sections[s].pages);
        pages.sort_by(|&a, &b| reading_order(&documents[a], &documents[b]));
        sections[s].pages = pages;
        let mut subsections = std::mem::take(&mut sections[s].subsections);
        subsections.sort_by(|&a, &b| reading_order(&documents[sections[a].document], &documents[sections[b].document]));
        sections[s].subsections = subsections;
    }
    (sections, section_of, section_index)
}

/// Weight first (unweighted last), then newest date, then title.
pub fn reading_order(a: &Document, b: &Document) -> std::cmp::Ordering {
    let weight = |d: &Document| d.meta.weight.unwrap_or(i64::MAX);
    let date = |d: &Document| d.meta.date.as_ref().map_or(i64::MIN, |date| date.sort_key);
    weight(a)
        .cmp(&weight(b))
        .then_with(|| date(b).cmp(&date(a)))
        .then_with(|| a.title.cmp(&b.title))
        .then_with(|| a.relative.cmp(&b.relative))
}

fn neighbours(documents: &[Document], sections: &[Section]) -> Vec<(Option<usize>, Option<usize>)> {
    let mut result = vec![(None, None); documents.len()];
    for section in sections {
        for (n, &page) in section.pages.iter().enumerate() {
            let previous = n.checked_sub(1).map(|p| section.pages[p]);
            let next = section.pages.get(n + 1).copied();
            result[page] = (previous, next);
        }
    }
    result
}

fn tags(documents: &[Document]) -> Vec<Term> {
    let mut terms: BTreeMap<String, Term> = BTreeMap::new();
    for (i, document) in documents.iter().enumerate() {
        for name in &document.meta.tags {
            let slug = slugify(name);
            let term = terms.entry(slug.clone()).or_insert_with(|| Term {
                name: name.clone(),
                slug,
                pages: Vec::new(),
            });
            term.pages.push(i);
        }
    }
    let mut terms: Vec<Term> = terms.into_values().collect();
    for term in &mut terms {
        term.pages.sort_by(|&a, &b| reading_order(&documents[a], &documents[b]));
    }
    terms
}
