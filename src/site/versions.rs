//! The site's languages side by side: for each content path, its page in
//! every language that has it. The language switcher, `hreflang`
//! alternates, `page.translations` and the sitemap read it; every
//! language's [`Site`](super::Site) shares one.

use std::collections::HashMap;

/// A language's home, for the switcher.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Home {
    pub tag: String,
    /// The language's name in itself.
    pub name: String,
    /// `ltr` or `rtl`.
    pub direction: &'static str,
    /// Its home page's URL path (`/`, `/es/`).
    pub url: String,
}

/// One language's page of a content path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    pub url: String,
    pub title: String,
}

/// Every language's pages, by content path.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Versions {
    /// Every language, the site's own first; empty for a site in one language.
    pub languages: Vec<Home>,
    /// Content path → each language's page of it (by the place of the
    /// language in `languages`), `None` where it is not translated.
    pages: HashMap<String, Vec<Option<Version>>>,
}

impl Versions {
    /// Versions of the site's languages, with no pages yet.
    pub fn new(languages: Vec<Home>) -> Versions {
        Versions {
            languages,
            pages: HashMap::new(),
        }
    }

    /// Records the page of `path` in language `language` (its place).
    pub fn add(&mut self, path: &str, language: usize, version: Version) {
        let count = self.languages.len();
        let slots = self
            .pages
            .entry(path.to_string())
            .or_insert_with(|| vec![None; count]);
        slots[language] = Some(version);
    }

    /// Whether the site has more than one language.
    pub fn is_multilingual(&self) -> bool {
        self.languages.len() > 1
    }

    /// The pages of `path`, by language place (all `None` if unknown).
    pub fn of(&self, path: &str) -> Option<&[Option<Version>]> {
        self.pages.get(path).map(Vec::as_slice)
    }

    /// The place of a language tag.
    pub fn place(&self, tag: &str) -> Option<usize> {
        self.languages.iter().position(|l| l.tag == tag)
    }

    /// Where the switcher leads for `path` in language `language`: its
    /// page there, else the nearest section above it that is translated,
    /// else the language's home; and whether that is the page itself.
    pub fn nearest(&self, path: &str, language: usize) -> (&str, bool) {
        if let Some(Some(version)) = self.of(path).map(|v| &v[language]) {
            return (&version.url, true);
        }
        let mut dir = path.rsplit_once('/').map_or("", |(d, _)| d);
        if path.ends_with("_index.md") {
            dir = dir.rsplit_once('/').map_or("", |(d, _)| d);
            if path == "_index.md" {
                return (&self.languages[language].url, false);
            }
        }
        loop {
            let section = match dir {
                "" => "_index.md".to_string(),
                _ => format!("{dir}/_index.md"),
            };
            if let Some(Some(version)) = self.of(&section).map(|v| &v[language]) {
                return (&version.url, false);
            }
            if dir.is_empty() {
                return (&self.languages[language].url, false);
            }
            dir = dir.rsplit_once('/').map_or("", |(d, _)| d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn versions() -> Versions {
        let home = |tag: &str, url: &str| Home {
            tag: tag.into(),
            name: tag.into(),
            direction: "ltr",
            url: url.into(),
        };
        let mut v = Versions::new(vec![home("en", "/"), home("es", "/es/")]);
        let page = |url: &str| Version {
            url: url.into(),
            title: "t".into(),
        };
        v.add("_index.md", 0, page("/"));
        v.add("_index.md", 1, page("/es/"));
        v.add("a/_index.md", 0, page("/a/"));
        v.add("a/b/_index.md", 0, page("/a/b/"));
        v.add("a/b/_index.md", 1, page("/es/a/b/"));
        v.add("a/b/c.md", 0, page("/a/b/c/"));
        v.add("a/d.md", 0, page("/a/d/"));
        v
    }

    #[test]
    fn the_switcher_leads_to_the_nearest_translated_page() {
        let v = versions();
        assert_eq!(v.nearest("a/b/c.md", 0), ("/a/b/c/", true));
        assert_eq!(v.nearest("a/b/c.md", 1), ("/es/a/b/", false));
        assert_eq!(
            v.nearest("a/d.md", 1),
            ("/es/", false),
            "a/ is not translated"
        );
        assert_eq!(v.nearest("a/_index.md", 1), ("/es/", false));
        assert_eq!(v.nearest("a/b/_index.md", 1), ("/es/a/b/", true));
        assert_eq!(v.nearest("unknown/x.md", 1), ("/es/", false));
    }
}
