//! The built site as `path → bytes` in memory, and the one way it reaches
//! the disk: written in full to a new folder, then swapped in.
//!
//! Promises kept here: a failed or interrupted build never leaves a mix of
//! old and new files; guide only replaces a folder it created itself (it
//! leaves a marker file in it), and never one that holds the site's sources
//! or is the site itself.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::error::{display_path, Error, Result};

/// The name of the file that marks a folder as guide's own output.
pub const MARKER: &str = ".guide-output";

/// A rendered site: output paths (`a/b/index.html`) → contents. Paths and
/// contents are shared, so that `serve` can copy a whole site cheaply and
/// change a few files of the copy.
#[derive(Debug, Default, Clone)]
pub struct Output {
    files: BTreeMap<Arc<str>, Arc<[u8]>>,
}

impl Output {
    /// Adds or replaces a file.
    pub fn insert(&mut self, path: String, bytes: Vec<u8>) {
        self.files.insert(path.into(), bytes.into());
    }

    /// The file at `path`, if any.
    pub fn get(&self, path: &str) -> Option<&[u8]> {
        self.files.get(path).map(|b| &b[..])
    }

    /// Removes a file; whether it was there.
    pub fn remove(&mut self, path: &str) -> bool {
        self.files.remove(path).is_some()
    }

    /// All files, in path order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.files.iter().map(|(p, b)| (&p[..], &b[..]))
    }

    /// How many files there are.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether there are no files.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Writes the whole output to `target`: first into a new sibling folder,
    /// then swapped with the old one in one rename, then the old one removed.
    pub fn write(&self, target: &Path, site_root: &Path) -> Result<()> {
        check_target(target, site_root)?;
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        crate::fs::create_dir_all(parent)?;
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        remove_leftovers(parent, &name);
        let staging = parent.join(format!(".{name}.guide-new-{}", std::process::id()));
        if staging.exists() {
            crate::fs::remove_dir_all(&staging)?;
        }
        let written = self.write_into(&staging);
        if let Err(err) = written {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(err);
        }
        swap_in(&staging, target)
    }

    fn write_into(&self, dir: &Path) -> Result<()> {
        crate::fs::create_dir_all(dir)?;
        crate::fs::write(
            &dir.join(MARKER),
            b"This folder is written by guide and replaced on every build.\n",
        )?;
        let mut folders: Vec<PathBuf> = self
            .files
            .keys()
            .filter_map(|p| Path::new(&p[..]).parent().map(|parent| dir.join(parent)))
            .collect();
        folders.dedup();
        for folder in &folders {
            crate::fs::create_dir_all(folder)?;
        }
        self.files
            .par_iter()
            .try_for_each(|(path, bytes)| crate::fs::write(&dir.join(&path[..]), bytes))
    }
}

/// Removes the staging folders of earlier builds into `parent/name` that were
/// interrupted (their process is gone), so that no copy of a site is left
/// behind. Where processes cannot be looked up, nothing is removed.
fn remove_leftovers(parent: &Path, name: &str) {
    let prefix = format!(".{name}.guide-new-");
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = file_name.strip_prefix(&prefix) else {
            continue;
        };
        let pid = pid.trim_end_matches(".old");
        let alive = Path::new("/proc").join(pid).exists() || !Path::new("/proc/self").exists();
        if !alive && pid.chars().all(|c| c.is_ascii_digit()) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Moves `staging` to `target`, atomically where the system allows it.
fn swap_in(staging: &Path, target: &Path) -> Result<()> {
    if !target.exists() {
        return crate::fs::rename(staging, target);
    }
    if rustix::fs::renameat_with(
        rustix::fs::CWD,
        staging,
        rustix::fs::CWD,
        target,
        rustix::fs::RenameFlags::EXCHANGE,
    )
    .is_ok()
    {
        // `staging` now holds the old site.
        return crate::fs::remove_dir_all(staging);
    }
    // No atomic exchange on this file system: two renames, the old site kept
    // aside until the new one is in place.
    let old = staging.with_extension("old");
    crate::fs::rename(target, &old)?;
    if let Err(err) = crate::fs::rename(staging, target) {
        let _ = std::fs::rename(&old, target);
        return Err(err);
    }
    crate::fs::remove_dir_all(&old)
}

/// Refuses output folders that would lose the user's files.
pub fn check_target(target: &Path, site_root: &Path) -> Result<()> {
    let shown = display_path(target);
    let refuse = |why: String| {
        Err(Error::with_help(
            format!("refusing to write the site to `{shown}`: {why}"),
            "choose an empty or new folder with --output, such as `public`",
        ))
    };
    let resolved = resolve(target)?;
    let root = crate::fs::canonicalize(site_root)?;
    if resolved.parent().is_none() {
        return refuse("it is the file system's root".into());
    }
    if root.starts_with(&resolved) {
        return refuse("it is the site's folder or contains it".into());
    }
    if resolved.starts_with(root.join("content"))
        || resolved.starts_with(root.join("templates"))
        || resolved.starts_with(root.join("static"))
        || resolved.starts_with(root.join("themes"))
    {
        return refuse("it is inside the site's sources".into());
    }
    if !resolved.exists() {
        return Ok(());
    }
    if !resolved.is_dir() {
        return refuse("it is a file".into());
    }
    for source in ["content", "site.toml", ".git", "Cargo.toml"] {
        if resolved.join(source).exists() {
            return refuse(format!("it holds `{source}`"));
        }
    }
    let is_empty = crate::fs::read_dir_names(&resolved)?.is_empty();
    if !is_empty && !resolved.join(MARKER).is_file() {
        return refuse("guide did not create it, and it is not empty".into());
    }
    Ok(())
}

/// The absolute, symlink-free form of a path that may not exist yet.
fn resolve(path: &Path) -> Result<PathBuf> {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map_err(|source| Error::Io {
                action: "find the current folder",
                path: ".".into(),
                source,
            })?
            .join(path)
    };
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => break,
        }
    }
    let mut resolved = crate::fs::canonicalize(existing)?;
    for name in rest.into_iter().rev() {
        if name == ".." {
            resolved.pop();
        } else if name != "." {
            resolved.push(name);
        }
    }
    Ok(resolved)
}
