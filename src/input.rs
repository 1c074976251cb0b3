//! The one containment rule for every input folder of a site: `content/`,
//! `static/`, `templates/` and the theme's folders.
//!
//! [`walk`] lists a folder's files for the stage that reads them, and holds
//! each to the site: a symlink whose target is outside the site root is an
//! error naming the link and its target (a link to `/proc/self/environ` in
//! `static/` would otherwise publish the build's environment), a symlink
//! loop or a broken link is an error, and hidden files and folders (`.git`,
//! `.DS_Store`) and editors' leftovers are never listed, at any depth. Every
//! stage that reads an input folder goes through here, so a new input
//! (translations, say) gets the same rule by calling it.

use std::path::{Path, PathBuf};

use crate::error::{Diagnostic, Error, Result};

/// What [`walk`] found: the files, as `/`-separated paths relative to the
/// folder walked, sorted; and every problem, to be reported with the rest.
#[derive(Debug, Default)]
pub struct Walk {
    pub files: Vec<String>,
    pub errors: Vec<Error>,
}

/// Whether a file or folder name is one guide never reads nor publishes:
/// hidden names (`.git`, `.DS_Store`, `.env`) and the leftovers of editors
/// (`.#x`, `x~`, `x.swp`, `#x#`).
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || (name.starts_with('#') && name.ends_with('#'))
}

/// Lists the files under `dir` (nothing when it does not exist), holding
/// every one to the site at `root`: symlinks are followed only while their
/// targets stay inside the site, and hidden names are skipped at any depth.
pub fn walk(dir: &Path, root: &Path) -> Result<Walk> {
    let mut found = Walk::default();
    if !dir.is_dir() {
        return Ok(found);
    }
    let real_root = crate::fs::canonicalize(root)?;
    // The folder itself may be a link (themes/x → elsewhere).
    let real_dir = crate::fs::canonicalize(dir)?;
    if !real_dir.starts_with(&real_root) {
        found.errors.push(outside(dir, &real_dir));
        return Ok(found);
    }
    let mut walker = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored_name(&e.file_name().to_string_lossy()));
    while let Some(entry) = walker.next() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                found.errors.push(unreadable(dir, &err));
                continue;
            }
        };
        if entry.path_is_symlink() {
            let target = crate::fs::canonicalize(entry.path())?;
            if !target.starts_with(&real_root) {
                found.errors.push(outside(entry.path(), &target));
                if entry.file_type().is_dir() {
                    // Not one file of a linked folder outside is read.
                    walker.skip_current_dir();
                }
                continue;
            }
        }
        if !entry.file_type().is_file() {
            continue;
        }
        let relative = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let Some(relative) = relative.to_str() else {
            found.errors.push(
                Diagnostic::file(entry.path(), "file name is not valid UTF-8")
                    .help("rename the file; its name becomes part of a URL")
                    .into(),
            );
            continue;
        };
        found.files.push(relative.replace('\\', "/"));
    }
    Ok(found)
}

/// The error for a link (or a linked folder) that leads out of the site:
/// its target as written when that is absolute (`/proc/self/environ`),
/// else where it resolves to.
fn outside(link: &Path, target: &Path) -> Error {
    let shown = match crate::fs::read_link(link) {
        Ok(written) if written.is_absolute() => written,
        _ => target.to_path_buf(),
    };
    Diagnostic::file(
        link,
        format!("symlink points outside the site, to `{}`", shown.display()),
    )
    .help("copy the file into the site instead of linking to it")
    .into()
}

/// The error for an entry walkdir could not read: a loop, a broken link, a
/// folder or file without permission.
fn unreadable(dir: &Path, err: &walkdir::Error) -> Error {
    let path = err.path().unwrap_or(dir).to_path_buf();
    let diagnostic = if err.loop_ancestor().is_some() {
        Diagnostic::file(
            path,
            "symlink loop: this link points at a folder that contains it",
        )
        .help("remove the link, or point it at a folder beside this one")
    } else if let Some(target) = broken_link(&path) {
        Diagnostic::file(
            &path,
            format!("broken symlink: `{}` does not exist", target.display()),
        )
        .help("remove the link, or point it at a file that exists")
    } else {
        let message = err.io_error().map_or(err.to_string(), |e| e.to_string());
        let what = if path.is_dir() { "folder" } else { "file" };
        Diagnostic::file(path, format!("cannot read this {what}: {message}"))
    };
    diagnostic.into()
}

/// The target of `path` when it is a symlink to nothing.
fn broken_link(path: &Path) -> Option<PathBuf> {
    let target = crate::fs::read_link(path).ok()?;
    (!crate::fs::exists(path)).then_some(target)
}

/// The name a file would need to be a page, when its name is close to a
/// Markdown page's but is not one (`page.MD`, `page.markdown`,
/// `page.md.orig`): such a file is copied as it is, source and all, which
/// is rarely what its author meant.
pub fn near_markdown(name: &str) -> Option<String> {
    if name.ends_with(".md") {
        return None;
    }
    let lower = name.to_ascii_lowercase();
    for extension in [".md", ".markdown", ".mdown", ".mkd", ".mkdn"] {
        if let Some(stem) = lower.strip_suffix(extension) {
            return Some(format!("{}.md", &name[..stem.len()]));
        }
    }
    // A backup or merge leftover of a page: `page.md.orig`, `page.md.bak`.
    let at = lower.rfind(".md.")?;
    Some(name[..at + 3].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_markdown_names_get_the_name_that_would_make_a_page() {
        assert_eq!(near_markdown("page.MD").as_deref(), Some("page.md"));
        assert_eq!(near_markdown("Page.Md").as_deref(), Some("Page.md"));
        assert_eq!(near_markdown("notes.markdown").as_deref(), Some("notes.md"));
        assert_eq!(near_markdown("a.mdown").as_deref(), Some("a.md"));
        assert_eq!(near_markdown("a.md.orig").as_deref(), Some("a.md"));
        assert_eq!(near_markdown("a.MD.bak").as_deref(), Some("a.MD"));
        for fine in ["a.md", "photo.png", "mdfile.txt", "a.mdx.json", "README"] {
            assert_eq!(near_markdown(fine), None, "{fine}");
        }
    }

    #[test]
    fn hidden_folders_are_skipped_at_any_depth_and_links_out_refused() {
        use std::os::unix::fs::symlink;
        let site = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret"), "s").unwrap();
        let dir = site.path().join("static");
        for folder in [".git/objects", "vendor/lib/.git", "css"] {
            std::fs::create_dir_all(dir.join(folder)).unwrap();
        }
        std::fs::write(dir.join(".git/config"), "x").unwrap();
        std::fs::write(dir.join("vendor/lib/.git/HEAD"), "x").unwrap();
        std::fs::write(dir.join("vendor/lib/a.js"), "x").unwrap();
        std::fs::write(dir.join("css/.DS_Store"), "x").unwrap();
        std::fs::write(dir.join("css/site.css"), "x").unwrap();
        symlink(outside.path().join("secret"), dir.join("env")).unwrap();
        symlink(outside.path(), dir.join("elsewhere")).unwrap();
        symlink(dir.join("css/site.css"), dir.join("inside.css")).unwrap();

        let walk = walk(&dir, site.path()).unwrap();
        assert_eq!(
            walk.files,
            ["css/site.css", "inside.css", "vendor/lib/a.js"]
        );
        let errors: Vec<String> = walk.errors.iter().map(ToString::to_string).collect();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors
            .iter()
            .all(|e| e.contains("symlink points outside the site")));
        assert!(errors[0].contains("static/elsewhere"), "{errors:?}");
        assert!(errors[1].contains("static/env"), "{errors:?}");
    }

    #[test]
    fn a_linked_input_folder_that_leaves_the_site_is_refused() {
        use std::os::unix::fs::symlink;
        let site = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("style.css"), "s").unwrap();
        symlink(outside.path(), site.path().join("static")).unwrap();
        let walk = walk(&site.path().join("static"), site.path()).unwrap();
        assert!(walk.files.is_empty());
        assert_eq!(walk.errors.len(), 1);
    }
}
