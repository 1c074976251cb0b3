//! Taxonomies: the terms pages are filed under (`tags`, and any declared in
//! site.toml), each term with its pages in reading order and the scripts
//! filed under it (a script's `tags:` are terms of `tags`, like a page's).

use std::collections::BTreeMap;

use super::reading_order;
use crate::config::Config;
use crate::content::Document;
use crate::error::{Diagnostic, Error};
use crate::script::Script;
use crate::slug::slugify;

/// A term (a tag, say) and the pages filed under it, in reading order.
#[derive(Debug, Clone)]
pub struct Term {
    /// The author's spelling: the first one written with a capital letter
    /// (`LinkedIn`), or else the first one written (`trust`).
    pub name: String,
    /// What readers see as its title: `name` with a capital first letter
    /// (`LinkedIn`, `Trust`).
    pub label: String,
    pub slug: String,
    pub pages: Vec<usize>,
    /// The scripts with this tag (indices into the site's scripts).
    pub scripts: Vec<usize>,
}

/// The URL of a taxonomy's list of terms (`/tags/`).
pub fn taxonomy_url(config: &Config, taxonomy: &str) -> String {
    format!("{}{taxonomy}/", config.base_path)
}

/// The URL of one term's page (`/tags/trust/`).
pub fn term_url(config: &Config, taxonomy: &str, slug: &str) -> String {
    format!("{}{taxonomy}/{slug}/", config.base_path)
}

/// A taxonomy some page uses (`tags`, or one declared in site.toml).
#[derive(Debug)]
pub struct Taxonomy {
    pub id: String,
    pub terms: Vec<Term>,
}

impl Taxonomy {
    /// The index of the term with this slug.
    pub fn term(&self, slug: &str) -> Option<usize> {
        self.terms.iter().position(|t| t.slug == slug)
    }
}

/// The taxonomies pages use, by id, each with its terms by slug and each
/// term's pages in reading order. Terms that slugify alike are one term,
/// named as first written.
pub(super) fn taxonomies(documents: &[Document], scripts: &[Script]) -> Vec<Taxonomy> {
    let mut found: BTreeMap<&str, BTreeMap<String, Term>> = BTreeMap::new();
    for (i, document) in documents.iter().enumerate() {
        for (taxonomy, names) in &document.meta.terms {
            for name in names {
                let pages = &mut term(found.entry(taxonomy).or_default(), name).pages;
                if pages.last() != Some(&i) {
                    pages.push(i);
                }
            }
        }
    }
    for (i, script) in scripts.iter().enumerate() {
        for name in &script.tags {
            let terms = found.entry(crate::config::TAGS).or_default();
            let listed = &mut term(terms, name).scripts;
            if listed.last() != Some(&i) {
                listed.push(i);
            }
        }
    }
    found
        .into_iter()
        .filter(|(_, terms)| !terms.is_empty())
        .map(|(id, terms)| {
            let mut terms: Vec<Term> = terms.into_values().collect();
            for term in &mut terms {
                term.pages
                    .sort_by(|&a, &b| reading_order(&documents[a], &documents[b]));
            }
            Taxonomy {
                id: id.to_string(),
                terms,
            }
        })
        .collect()
}

/// The term `name` of one taxonomy's terms (by slug), made on first use:
/// terms that slugify alike are one, named as first written, unless a later
/// spelling has the capitals the first one lacked (`linkedin`, `LinkedIn`).
fn term<'a>(terms: &'a mut BTreeMap<String, Term>, name: &str) -> &'a mut Term {
    let slug = slugify(name);
    let term = terms.entry(slug.clone()).or_insert_with(|| Term {
        name: name.to_string(),
        label: label(name),
        slug,
        pages: Vec::new(),
        scripts: Vec::new(),
    });
    if !has_capital(&term.name) && has_capital(name) {
        term.name = name.to_string();
        term.label = label(name);
    }
    term
}

fn has_capital(name: &str) -> bool {
    name.chars().any(char::is_uppercase)
}

/// A term's title: its spelling with the first letter made a capital, the
/// rest as written (`linkedin` → `Linkedin`, `LinkedIn` stays).
pub fn label(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A used taxonomy's pages live under `/<id>/`: no page or section may be there.
pub(super) fn check_taxonomy_urls(config: &Config, documents: &[Document]) -> Vec<Error> {
    let mut errors = Vec::new();
    for taxonomy in &config.taxonomies {
        if documents
            .iter()
            .all(|d| d.meta.terms_of(&taxonomy.id).is_empty())
        {
            continue;
        }
        let prefix = format!("{}{}/", config.base_path, taxonomy.id);
        // A real file before a section made up for a folder.
        let mut there = documents.iter().filter(|d| d.url.starts_with(&prefix));
        let found = there
            .clone()
            .find(|d| !d.source.is_empty())
            .or(there.next());
        if let Some(d) = found {
            errors.push(
                Diagnostic::file(
                    &d.path,
                    format!(
                        "this would be published at {}, where the pages of the taxonomy `{}` go",
                        d.url, taxonomy.id
                    ),
                )
                .help(format!(
                    "move or rename the file, or rename the taxonomy in {}",
                    crate::config::FILE_NAME
                ))
                .into(),
            );
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spelt(names: &[&str]) -> Term {
        let mut terms = BTreeMap::new();
        for name in names {
            term(&mut terms, name);
        }
        assert_eq!(terms.len(), 1, "{names:?} are one term");
        terms.into_values().next().unwrap()
    }

    #[test]
    fn a_term_keeps_the_spelling_with_capitals() {
        let linkedin = spelt(&["linkedin", "LinkedIn", "Linkedin"]);
        assert_eq!(
            (linkedin.name.as_str(), linkedin.label.as_str()),
            ("LinkedIn", "LinkedIn")
        );
        assert_eq!(linkedin.slug, "linkedin");
        let ceo = spelt(&["CEO", "ceo"]);
        assert_eq!((ceo.name.as_str(), ceo.label.as_str()), ("CEO", "CEO"));
    }

    #[test]
    fn a_lowercase_term_is_titled_with_a_capital() {
        let term = spelt(&["staying in touch"]);
        assert_eq!(term.name, "staying in touch");
        assert_eq!(term.label, "Staying in touch");
        assert_eq!(label("éclair"), "Éclair");
        assert_eq!(label(""), "");
    }
}
