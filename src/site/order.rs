//! Sections and order: which section each document belongs to, pages in
//! reading order, and each page's previous and next within its section.

use std::collections::BTreeMap;

use crate::content::{Document, Kind};

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

/// Places documents in sections; returns the sections (root first), each
/// document's section and each section document's own section index.
#[allow(clippy::type_complexity)]
pub(super) fn place(
    documents: &[Document],
) -> (Vec<Section>, Vec<Option<usize>>, Vec<Option<usize>>) {
    let (mut sections, by_dir, section_index) = create_sections(documents);
    let section_of = attach(documents, &by_dir, &mut sections);
    for section in &mut sections {
        section
            .pages
            .sort_by(|&a, &b| reading_order(&documents[a], &documents[b]));
    }
    for s in 0..sections.len() {
        let mut subsections = std::mem::take(&mut sections[s].subsections);
        subsections.sort_by(|&a, &b| {
            reading_order(
                &documents[sections[a].document],
                &documents[sections[b].document],
            )
        });
        sections[s].subsections = subsections;
    }
    (sections, section_of, section_index)
}

/// One empty section per `_index.md`, root first, with the section of each
/// folder and each section document's own section index.
#[allow(clippy::type_complexity)]
fn create_sections(
    documents: &[Document],
) -> (Vec<Section>, BTreeMap<&str, usize>, Vec<Option<usize>>) {
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
    (sections, by_dir, section_index)
}

/// Puts each page in its folder's section and each section under its
/// parent's, returning each document's section.
fn attach(
    documents: &[Document],
    by_dir: &BTreeMap<&str, usize>,
    sections: &mut [Section],
) -> Vec<Option<usize>> {
    let parent_dir = |dir: &str| -> String {
        dir.rsplit_once('/')
            .map_or(String::new(), |(p, _)| p.to_string())
    };
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
    section_of
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

pub(super) fn neighbours(
    documents: &[Document],
    sections: &[Section],
) -> Vec<(Option<usize>, Option<usize>)> {
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
