//! The built site as `path → bytes` in memory, and the one way a site
//! reaches the disk: written in full to a new folder (a [`Staging`]), then
//! swapped in. `guide build` streams each page into the staging folder as
//! soon as it is rendered; `serve` keeps the whole [`Output`] in memory.
//!
//! Promises kept here: a failed or interrupted build never leaves a mix of
//! old and new files; guide only replaces a folder it created itself (it
//! leaves a marker file in it), and never one that holds the site's sources
//! or is the site itself.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::error::{display_path, Error, Result, Warning};

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
    pub fn insert(&mut self, path: String, bytes: impl Into<Arc<[u8]>>) {
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

    /// Writes the whole output to `target` through a [`Staging`] folder,
    /// returning the warnings of [`Staging::finish`].
    pub fn write(&self, target: &Path, site_root: &Path) -> Result<Vec<Warning>> {
        let staging = Staging::create(target, site_root)?;
        self.files
            .par_iter()
            .try_for_each(|(path, bytes)| staging.write(path, bytes))?;
        staging.finish(self.files.keys().map(|k| k.to_string()).collect())
    }
}

/// A build's output on its way to disk: a new folder beside the target,
/// filled file by file (from any number of threads) while the site renders,
/// and swapped in for the old output by [`Staging::finish`], in one rename.
/// Dropped unfinished (an error, a panic), it removes itself: the old output
/// stays exactly as it was, and no half-written copy is left behind.
#[derive(Debug)]
pub struct Staging {
    dir: PathBuf,
    target: PathBuf,
    finished: bool,
}

impl Staging {
    /// Checks that `target` may be replaced, removes what interrupted builds
    /// left behind, and creates the new folder with guide's marker in it.
    pub fn create(target: &Path, site_root: &Path) -> Result<Staging> {
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
        let dir = parent.join(format!(".{name}.guide-new-{}", std::process::id()));
        if dir.exists() {
            crate::fs::remove_dir_all(&dir)?;
        }
        // From here on, dropping `staging` removes the folder.
        let staging = Staging {
            dir,
            target: target.to_path_buf(),
            finished: false,
        };
        crate::fs::create_dir_all(&staging.dir)?;
        Ok(staging)
    }

    /// Writes one file (`a/b/index.html`), creating its folders; a file
    /// written again is replaced.
    pub fn write(&self, path: &str, bytes: &[u8]) -> Result<()> {
        let file = self.dir.join(path);
        if let Some(folder) = file.parent().filter(|f| *f != self.dir) {
            crate::fs::create_dir_all(folder)?;
        }
        crate::fs::write(&file, bytes)
    }

    /// Puts the new output in the target's place and removes the old one.
    /// `written` lists every file of the new output: they go into guide's
    /// marker, so that the next build can tell the files it wrote from files
    /// put in the output by hand (`CNAME`, `.well-known/`), which the new
    /// output does not have: each of those is named in a warning, since the
    /// swap removes it. An old output that cannot be removed (a read-only
    /// folder) is found before the swap, and stays in place.
    pub fn finish(mut self, mut written: Vec<String>) -> Result<Vec<Warning>> {
        written.sort_unstable();
        let mut marker = String::from(MARKER_TEXT);
        for path in &written {
            marker.push_str(path);
            marker.push('\n');
        }
        crate::fs::write(&self.dir.join(MARKER), marker.as_bytes())?;
        let warnings = if self.target.is_dir() {
            look_over(&self.target, &written)?
        } else {
            Vec::new()
        };
        let swapped = swap_in(&self.dir, &self.target);
        self.finished = swapped.is_ok();
        swapped.map(|()| warnings)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.finished {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// The first lines of guide's marker; the paths written follow, one a line.
const MARKER_TEXT: &str = "This folder is written by guide and replaced on every build.\n\
Keep files of your own in static/: anything else here is removed.\n\
files:\n";

/// Looks over the old output before it is replaced, in one walk: refuses
/// to go on when it cannot be removed after the swap (a folder in it is
/// read-only), which would leave both sites on disk; and names the files
/// no build wrote (put there by hand), which the swap removes. Only an
/// output whose marker lists its files can tell the second; an older
/// marker says nothing.
fn look_over(target: &Path, written: &[String]) -> Result<Vec<Warning>> {
    let marker = std::fs::read_to_string(target.join(MARKER)).unwrap_or_default();
    let built: Option<std::collections::HashSet<&str>> = marker
        .split_once("files:\n")
        .map(|(_, listed)| listed.lines().collect());
    let mut found = Vec::new();
    for entry in walkdir::WalkDir::new(target).into_iter().flatten() {
        if entry.file_type().is_dir() {
            if rustix::fs::access(entry.path(), rustix::fs::Access::WRITE_OK).is_err() {
                return Err(read_only(target, entry.path()));
            }
            continue;
        }
        let Some(built) = &built else { continue };
        let Some(relative) = entry
            .path()
            .strip_prefix(target)
            .ok()
            .and_then(Path::to_str)
        else {
            continue;
        };
        if relative == MARKER || built.contains(relative) {
            continue;
        }
        found.push(hand_placed(entry.path(), relative, written));
    }
    found.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(found)
}

/// The refusal of an output with a read-only folder in it.
fn read_only(target: &Path, folder: &Path) -> Error {
    Error::with_help(
        format!(
            "cannot replace `{}`: `{}` is read-only, so the old site could not be removed",
            display_path(target),
            display_path(folder)
        ),
        format!(
            "make it writable (`chmod -R u+w {}`), or build elsewhere with --output; nothing was changed",
            display_path(target)
        ),
    )
}

/// The warning for a file of the old output that no build wrote.
fn hand_placed(path: &Path, relative: &str, written: &[String]) -> Warning {
    let relative = relative.replace('\\', "/");
    let kept = written.binary_search(&relative).is_ok();
    let message = if kept {
        format!("`{relative}` was put in the output by hand; the build replaces it")
    } else {
        format!("`{relative}` was put in the output by hand; this build removes it")
    };
    crate::error::Diagnostic::file(path, message).help(format!(
        "the output is rebuilt from the sources each time: keep the file in static/{relative}"
    ))
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
