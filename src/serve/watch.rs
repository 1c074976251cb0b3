//! Watching the site's sources, and deciding what a batch of file events
//! means for the build.
//!
//! The decision is a pure function, [`classify`], of the site root and the
//! events, so it is tested without touching the disk. [`Watcher`] is the
//! thin part that asks notify for those events: it watches `site.toml`
//! (through the root, non-recursively) and `content/`, `static/`,
//! `templates/` and `themes/` recursively, and starts watching one of those
//! folders when it appears later.
//!
//! Events are gathered into bursts here rather than by a debouncing crate:
//! a save is handed over as soon as it looks complete (on Linux, every file
//! written has been closed), so that an edit is not held back by a timer; a
//! burst that may not be complete yet (a write still open, a file created,
//! removed or renamed, or a system that reports no closes) waits for
//! [`DEBOUNCE`] of quiet.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode, CreateKind, EventKind, ModifyKind};
use notify::{RecommendedWatcher, RecursiveMode, Watcher as _};

use crate::config::FILE_NAME;
use crate::error::{Error, Result};

/// How long a burst that may not be complete waits for quiet before it is
/// handed over: editors save in several steps (write a temporary file,
/// rename it, remove a backup), a few milliseconds apart at most.
const DEBOUNCE: Duration = Duration::from_millis(20);
/// How long a burst that looks complete waits for stragglers.
const SETTLE: Duration = Duration::from_millis(2);
/// The longest a burst is held back while events keep coming.
const MOST_WAIT: Duration = Duration::from_millis(250);

/// The folders of a site whose files feed the build.
const SOURCE_FOLDERS: [&str; 4] = ["content", "static", "templates", "themes"];

/// What a batch of changes touches, from least to most work to redo.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    /// Nothing the build reads.
    None,
    /// Files copied as they are (`static/`, a theme's `static/`).
    Static,
    /// Pages, sections, scripts and their assets under `content/`.
    Content,
    /// Templates (the site's or the theme's) or a theme's `theme.toml`.
    Templates,
    /// `site.toml`, or events were lost (the system's queue overflowed):
    /// everything.
    Config,
}

impl Change {
    /// The word shown in the terminal for this kind of change.
    pub fn name(self) -> &'static str {
        match self {
            Change::None => "nothing",
            Change::Static => "static",
            Change::Content => "content",
            Change::Templates => "templates",
            Change::Config => "config",
        }
    }
}

/// A classified batch of file events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    /// The largest kind of change in the batch.
    pub change: Change,
    /// The relevant files, relative to the root, `/`-separated, sorted.
    pub paths: Vec<String>,
    /// Whether files or folders appeared, disappeared or were renamed, so
    /// that the site's structure (not only a page's text) may differ. A
    /// future incremental rebuild must rebuild the model for these.
    pub structural: bool,
}

impl Batch {
    /// Whether every changed file is a stylesheet, so that the browser can
    /// swap its stylesheets instead of reloading the page.
    pub fn is_css_only(&self) -> bool {
        self.change == Change::Static
            && !self.structural
            && !self.paths.is_empty()
            && self.paths.iter().all(|p| p.ends_with(".css"))
    }

    /// A short description for the terminal: `content/a.md`, or the first
    /// path and how many more.
    pub fn describe(&self) -> String {
        match self.paths.as_slice() {
            [] => self.change.name().to_string(),
            [one] => one.clone(),
            [first, rest @ ..] => format!("{first} and {} more", rest.len()),
        }
    }
}

/// Decides what a batch of events means for the site at `root` (absolute,
/// as the watcher reports paths). Access events, editor temporary and
/// backup files, and files outside the sources are ignored.
pub fn classify(root: &Path, events: &[notify::Event]) -> Batch {
    let mut change = Change::None;
    let mut paths = BTreeSet::new();
    let mut structural = false;
    for event in events {
        if event.need_rescan() {
            change = Change::Config;
            structural = true;
            continue;
        }
        if matches!(event.kind, EventKind::Access(_)) {
            continue;
        }
        let mut relevant = false;
        for path in &event.paths {
            let Some(relative) = source_path(root, path) else {
                continue;
            };
            change = change.max(kind_of(&relative));
            paths.insert(relative);
            relevant = true;
        }
        if relevant && changes_structure(&event.kind) {
            structural = true;
        }
    }
    Batch {
        change,
        paths: paths.into_iter().collect(),
        structural,
    }
}

/// `path` relative to `root` when it is a source the build reads and not
/// an editor's scratch file; `None` otherwise.
fn source_path(root: &Path, path: &Path) -> Option<String> {
    let relative = path.strip_prefix(root).ok()?;
    let mut parts = Vec::new();
    for component in relative.components() {
        let Component::Normal(name) = component else {
            return None;
        };
        let name = name.to_str()?;
        if is_scratch_name(name) {
            return None;
        }
        parts.push(name);
    }
    match parts.as_slice() {
        [name] if *name == FILE_NAME => {}
        [top, ..] if SOURCE_FOLDERS.contains(top) => {}
        _ => return None,
    }
    Some(parts.join("/"))
}

/// Names the build skips (hidden files, editor backups and swap files) and
/// the numbered file vim creates to test that a folder is writable.
fn is_scratch_name(name: &str) -> bool {
    crate::input::is_ignored_name(name)
        || (!name.is_empty() && name.bytes().all(|b| b.is_ascii_digit()))
}

/// The kind of change for one relevant path (as `source_path` returns it).
fn kind_of(relative: &str) -> Change {
    let parts: Vec<&str> = relative.split('/').collect();
    match parts.as_slice() {
        [name] if *name == FILE_NAME => Change::Config,
        ["content", ..] => Change::Content,
        ["static", ..] => Change::Static,
        ["templates", ..] => Change::Templates,
        ["themes", _, "static", ..] => Change::Static,
        ["themes", ..] => Change::Templates,
        _ => Change::None,
    }
}

/// Whether an event adds, removes or renames something (as opposed to
/// changing a file's bytes in place).
fn changes_structure(kind: &EventKind) -> bool {
    match kind {
        EventKind::Create(_) | EventKind::Remove(_) | EventKind::Any => true,
        EventKind::Modify(ModifyKind::Name(_)) => true,
        EventKind::Modify(_) | EventKind::Access(_) | EventKind::Other => false,
    }
}

/// Whether the batch creates a folder: notify can miss files written into a
/// folder it has only just seen, so such a batch needs a full rebuild and,
/// for a top-level source folder, a new watch.
fn creates_folder(events: &[notify::Event]) -> bool {
    events
        .iter()
        .any(|e| matches!(e.kind, EventKind::Create(CreateKind::Folder)))
}

/// Whether the batch adds, removes or renames one of the source folders
/// themselves (`themes/` moved away and back): notify drops its watch on a
/// folder moved away, even when the folder is back before the batch ends,
/// so such a batch needs a new watch on each source folder.
fn moves_source_folder(root: &Path, events: &[notify::Event]) -> bool {
    events
        .iter()
        .filter(|e| changes_structure(&e.kind))
        .flat_map(|e| &e.paths)
        .filter_map(|path| path.strip_prefix(root).ok())
        .any(|relative| {
            let mut parts = relative.components();
            let top = parts.next().and_then(|c| c.as_os_str().to_str());
            parts.next().is_none() && top.is_some_and(|top| SOURCE_FOLDERS.contains(&top))
        })
}

/// Whether an event can matter to the build: it names a source, or says
/// that events were lost. Reads (our own included) and closes after reading
/// do not; a close after writing does, since it ends a save.
fn matters(root: &Path, event: &notify::Event) -> bool {
    if event.need_rescan() {
        return true;
    }
    let written = match event.kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    };
    written && event.paths.iter().any(|p| source_path(root, p).is_some())
}

/// Whether a burst of events looks finished, so that it need not wait for
/// [`DEBOUNCE`] of quiet: every file written to has been closed since, and
/// nothing was created, removed or renamed (editors follow those with more
/// steps). Only inotify reports closes; elsewhere a burst with a write is
/// never finished early.
fn looks_complete(events: &[notify::Event]) -> bool {
    let mut open: BTreeSet<&Path> = BTreeSet::new();
    for event in events {
        match event.kind {
            EventKind::Modify(ModifyKind::Data(_) | ModifyKind::Any) => {
                open.extend(event.paths.iter().map(PathBuf::as_path));
            }
            EventKind::Access(AccessKind::Close(AccessMode::Write)) => {
                for path in &event.paths {
                    open.remove(path.as_path());
                }
            }
            EventKind::Modify(ModifyKind::Metadata(_)) | EventKind::Access(_) => {}
            _ => return false,
        }
    }
    open.is_empty()
}

/// The watch on a site's sources.
pub struct Watcher {
    root: PathBuf,
    watcher: RecommendedWatcher,
    events: Receiver<notify::Result<notify::Event>>,
    watched: BTreeSet<PathBuf>,
}

impl Watcher {
    /// Starts watching the site at `root` (made absolute here, so that the
    /// paths in events can be matched against it).
    pub fn start(root: &Path) -> Result<Watcher> {
        let root = crate::fs::canonicalize(root)?;
        let (sender, events) = std::sync::mpsc::channel();
        let mut watcher = notify::recommended_watcher(sender).map_err(watch_error)?;
        watcher
            .watch(&root, RecursiveMode::NonRecursive)
            .map_err(watch_error)?;
        let mut watcher = Watcher {
            root,
            watcher,
            events,
            watched: BTreeSet::new(),
        };
        watcher.refresh_watches(false);
        Ok(watcher)
    }

    /// The absolute root that event paths are relative to.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Waits for the next relevant batch of changes. `None` when the
    /// watcher has stopped.
    pub fn next_batch(&mut self) -> Option<Batch> {
        loop {
            let events = self.next_burst()?;
            let renew = creates_folder(&events) || moves_source_folder(&self.root, &events);
            self.refresh_watches(renew);
            let mut batch = classify(&self.root, &events);
            if renew && batch.change != Change::None {
                batch.structural = true;
            }
            if batch.change != Change::None {
                return Some(batch);
            }
        }
    }

    /// The events that matter from the next one on, until they have been
    /// quiet for [`SETTLE`] (when they look complete) or [`DEBOUNCE`], or
    /// for at most [`MOST_WAIT`] while they keep coming.
    fn next_burst(&mut self) -> Option<Vec<notify::Event>> {
        let first = loop {
            let event = self.receive(None)?;
            if let Some(event) = event.filter(|e| matters(&self.root, e)) {
                break event;
            }
        };
        let began = Instant::now();
        let mut last = began;
        let mut events = vec![first];
        loop {
            let quiet = if looks_complete(&events) {
                SETTLE
            } else {
                DEBOUNCE
            };
            let deadline = (last + quiet).min(began + MOST_WAIT);
            let Some(left) = deadline.checked_duration_since(Instant::now()) else {
                break;
            };
            match self.receive(Some(left)) {
                Some(Some(event)) if matters(&self.root, &event) => {
                    events.push(event);
                    last = Instant::now();
                }
                Some(_) => {}
                None => break,
            }
        }
        Some(events)
    }

    /// The next event, waiting at most `timeout` (forever when `None`):
    /// `None` when the time is up or the watcher has stopped, `Some(None)`
    /// for a watch error (reported here).
    fn receive(&self, timeout: Option<Duration>) -> Option<Option<notify::Event>> {
        let result = match timeout {
            None => self.events.recv().ok()?,
            Some(timeout) => match self.events.recv_timeout(timeout) {
                Ok(result) => result,
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => return None,
            },
        };
        match result {
            Ok(event) => Some(Some(event)),
            Err(error) => {
                eprintln!("warning: watching the site: {error}");
                Some(None)
            }
        }
    }

    /// Watches each source folder that exists and is not watched yet, and
    /// forgets those that disappeared. With `renew`, folders are watched
    /// again even when already known: one deleted and created again, or
    /// moved away and back, within a batch has lost its watch.
    fn refresh_watches(&mut self, renew: bool) {
        for name in SOURCE_FOLDERS {
            let folder = self.root.join(name);
            let known = self.watched.contains(&folder);
            if !folder.is_dir() {
                if known {
                    let _ = self.watcher.unwatch(&folder);
                    self.watched.remove(&folder);
                }
                continue;
            }
            if known && !renew {
                continue;
            }
            if known {
                let _ = self.watcher.unwatch(&folder);
            }
            match self.watcher.watch(&folder, RecursiveMode::Recursive) {
                Ok(()) => {
                    self.watched.insert(folder);
                }
                Err(error) => eprintln!("warning: cannot watch `{name}`: {error}"),
            }
        }
    }
}

fn watch_error(error: notify::Error) -> Error {
    Error::with_help(
        format!("cannot watch the site's files: {error}"),
        "on Linux, raise fs.inotify.max_user_watches if the limit was reached",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{DataChange, Flag, RemoveKind, RenameMode};
    use notify::Event;

    const ROOT: &str = "/site";

    fn event(kind: EventKind, paths: &[&str]) -> Event {
        paths
            .iter()
            .fold(Event::new(kind), |e, p| e.add_path(Path::new(ROOT).join(p)))
    }

    fn modify(path: &str) -> Event {
        event(
            EventKind::Modify(ModifyKind::Data(DataChange::Content)),
            &[path],
        )
    }

    fn batch(events: &[Event]) -> Batch {
        classify(Path::new(ROOT), events)
    }

    #[test]
    fn a_markdown_edit_is_a_content_change() {
        let b = batch(&[modify("content/guide/first.md")]);
        assert_eq!(b.change, Change::Content);
        assert_eq!(b.paths, ["content/guide/first.md"]);
        assert!(!b.structural);
        assert_eq!(b.describe(), "content/guide/first.md");
    }

    #[test]
    fn an_editor_rename_save_is_an_edit_of_the_original() {
        // VS Code and vim (backupcopy=no) write a temporary file, then
        // rename it over the original.
        let b = batch(&[
            event(
                EventKind::Create(CreateKind::File),
                &["content/guide/.first.md.swp"],
            ),
            modify("content/guide/.first.md.swp"),
            event(
                EventKind::Modify(ModifyKind::Name(RenameMode::Both)),
                &["content/guide/.first.md.swp", "content/guide/first.md"],
            ),
            event(EventKind::Create(CreateKind::File), &["content/guide/4913"]),
            event(EventKind::Remove(RemoveKind::File), &["content/guide/4913"]),
        ]);
        assert_eq!(b.change, Change::Content);
        assert_eq!(b.paths, ["content/guide/first.md"]);
    }

    #[test]
    fn a_backup_rename_save_is_an_edit_of_the_original() {
        // vim's default: the original becomes `first.md~`, a new file is
        // written, the backup removed.
        let b = batch(&[
            event(
                EventKind::Modify(ModifyKind::Name(RenameMode::Both)),
                &["content/guide/first.md", "content/guide/first.md~"],
            ),
            event(
                EventKind::Create(CreateKind::File),
                &["content/guide/first.md"],
            ),
            modify("content/guide/first.md"),
            event(
                EventKind::Remove(RemoveKind::File),
                &["content/guide/first.md~"],
            ),
        ]);
        assert_eq!(b.change, Change::Content);
        assert_eq!(b.paths, ["content/guide/first.md"]);
    }

    #[test]
    fn temporary_and_backup_files_alone_are_ignored() {
        for name in [
            "content/guide/.first.md.swp",
            "content/guide/first.md~",
            "content/guide/#first.md#",
            "content/guide/first.md.tmp",
            "content/.DS_Store",
            "templates/4913",
        ] {
            let b = batch(&[
                event(EventKind::Create(CreateKind::File), &[name]),
                modify(name),
                event(EventKind::Remove(RemoveKind::File), &[name]),
            ]);
            assert_eq!(b.change, Change::None, "{name}");
            assert!(b.paths.is_empty(), "{name}");
        }
    }

    #[test]
    fn access_events_are_ignored() {
        let b = batch(&[event(
            EventKind::Access(AccessKind::Read),
            &["content/guide/first.md"],
        )]);
        assert_eq!(b.change, Change::None);
    }

    #[test]
    fn files_outside_the_sources_are_ignored() {
        for path in [
            "public/index.html",
            "target/debug/guide",
            "README.md",
            ".git/index",
        ] {
            assert_eq!(batch(&[modify(path)]).change, Change::None, "{path}");
        }
        let elsewhere = Event::new(EventKind::Modify(ModifyKind::Any))
            .add_path(PathBuf::from("/other/content/a.md"));
        assert_eq!(batch(&[elsewhere]).change, Change::None);
    }

    #[test]
    fn a_template_edit_is_a_template_change() {
        assert_eq!(
            batch(&[modify("templates/page.html")]).change,
            Change::Templates
        );
        assert_eq!(
            batch(&[modify("themes/mini/templates/base.html")]).change,
            Change::Templates
        );
        assert_eq!(
            batch(&[modify("themes/mini/theme.toml")]).change,
            Change::Templates
        );
    }

    #[test]
    fn a_static_css_edit_is_a_static_change_the_browser_can_swap() {
        let b = batch(&[modify("static/style.css")]);
        assert_eq!(b.change, Change::Static);
        assert!(b.is_css_only());
        let theme = batch(&[modify("themes/mini/static/style.css")]);
        assert_eq!(theme.change, Change::Static);
        assert!(theme.is_css_only());
        let script = batch(&[modify("themes/mini/static/app.js")]);
        assert_eq!(script.change, Change::Static);
        assert!(!script.is_css_only());
    }

    #[test]
    fn site_toml_is_a_config_change_and_wins_over_the_rest() {
        let b = batch(&[modify("content/a.md"), modify("site.toml")]);
        assert_eq!(b.change, Change::Config);
        assert_eq!(b.paths, ["content/a.md", "site.toml"]);
        assert_eq!(b.describe(), "content/a.md and 1 more");
        // Only the root's site.toml counts.
        assert_eq!(
            batch(&[modify("content/site.toml")]).change,
            Change::Content
        );
    }

    #[test]
    fn a_deleted_file_changes_the_structure() {
        let b = batch(&[event(
            EventKind::Remove(RemoveKind::File),
            &["content/guide/second.md"],
        )]);
        assert_eq!(b.change, Change::Content);
        assert!(b.structural);
        let css = batch(&[event(
            EventKind::Remove(RemoveKind::File),
            &["static/style.css"],
        )]);
        assert!(!css.is_css_only(), "a removed stylesheet needs a reload");
    }

    #[test]
    fn a_created_folder_changes_the_structure() {
        let events = [event(
            EventKind::Create(CreateKind::Folder),
            &["content/new-section"],
        )];
        assert!(creates_folder(&events));
        let b = batch(&events);
        assert_eq!(b.change, Change::Content);
        assert!(b.structural);
        assert!(!creates_folder(&[modify("content/a.md")]));
    }

    #[test]
    fn a_source_folder_moved_away_or_back_is_watched_again() {
        let root = Path::new(ROOT);
        let from = EventKind::Modify(ModifyKind::Name(RenameMode::From));
        let to = EventKind::Modify(ModifyKind::Name(RenameMode::To));
        for folder in SOURCE_FOLDERS {
            let away = event(from, &[folder]);
            let back = event(to, &[folder]);
            assert!(
                moves_source_folder(root, std::slice::from_ref(&away)),
                "{folder}"
            );
            assert!(
                moves_source_folder(root, std::slice::from_ref(&back)),
                "{folder}"
            );
            assert!(moves_source_folder(root, &[away, back]), "{folder}");
            let removed = event(EventKind::Remove(RemoveKind::Folder), &[folder]);
            assert!(moves_source_folder(root, &[removed]), "{folder}");
        }
        // A folder inside one is watched again by notify itself; an edit
        // or an unrelated folder changes no watch.
        assert!(!moves_source_folder(root, &[event(from, &["themes/mini"])]));
        assert!(!moves_source_folder(
            root,
            &[modify("themes/mini/templates/page.html")]
        ));
        assert!(!moves_source_folder(root, &[modify("templates")]));
        assert!(!moves_source_folder(root, &[event(from, &["public"])]));
        assert!(!moves_source_folder(root, &[event(from, &["themes.old"])]));
    }

    #[test]
    fn a_created_top_level_folder_counts() {
        let b = batch(&[event(EventKind::Create(CreateKind::Folder), &["templates"])]);
        assert_eq!(b.change, Change::Templates);
        assert!(b.structural);
    }

    fn closed(path: &str) -> Event {
        event(
            EventKind::Access(AccessKind::Close(AccessMode::Write)),
            &[path],
        )
    }

    #[test]
    fn lost_events_reload_everything() {
        let lost = Event::new(EventKind::Other).set_flag(Flag::Rescan);
        assert!(matters(Path::new(ROOT), &lost));
        let b = batch(&[lost]);
        assert_eq!(b.change, Change::Config);
        assert!(b.structural);
    }

    #[test]
    fn reads_and_other_files_do_not_start_a_burst() {
        let root = Path::new(ROOT);
        let page = "content/guide/first.md";
        assert!(!matters(
            root,
            &event(
                EventKind::Access(AccessKind::Open(AccessMode::Any)),
                &[page]
            )
        ));
        assert!(!matters(
            root,
            &event(
                EventKind::Access(AccessKind::Close(AccessMode::Read)),
                &[page]
            )
        ));
        assert!(!matters(root, &modify("public/index.html")));
        assert!(!matters(root, &modify("content/guide/.first.md.swp")));
        assert!(matters(root, &modify(page)));
        assert!(matters(root, &closed(page)));
    }

    #[test]
    fn a_save_in_place_is_complete_once_the_file_is_closed() {
        // `std::fs::write`, and editors that write in place: truncate, write, close.
        let page = "content/guide/first.md";
        let mut events = vec![modify(page), modify(page)];
        assert!(!looks_complete(&events), "still open for writing");
        events.push(closed(page));
        assert!(looks_complete(&events));
        events.push(modify("content/guide/second.md"));
        assert!(!looks_complete(&events), "another file is being written");
    }

    #[test]
    fn creations_removals_and_renames_wait_for_the_debounce() {
        // Editors follow them with more steps (vim: rename to a backup,
        // write anew, remove the backup), and nothing reports a close on
        // every system.
        let page = "content/guide/first.md";
        for kind in [
            EventKind::Create(CreateKind::File),
            EventKind::Remove(RemoveKind::File),
            EventKind::Modify(ModifyKind::Name(RenameMode::Both)),
            EventKind::Any,
        ] {
            let events = [event(kind, &[page]), closed(page)];
            assert!(!looks_complete(&events), "{kind:?}");
        }
        assert!(!looks_complete(&[modify(page)]));
    }
}
