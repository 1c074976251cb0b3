//! `guide serve`: the same build as `guide build`, kept in memory, answered
//! over HTTP, rebuilt when a source changes, and pushed to the browser.
//!
//! This module only composes: [`watch`] turns file events into a
//! [`watch::Batch`] (pure), [`http`] answers from the last good
//! [`Output`](crate::output::Output), [`reload`] streams the live-reload
//! events, [`indexer`] rebuilds the search index after page edits. One
//! thread applies every change, in order, to the [`Project`]. A failed
//! build never replaces the served site; its error goes to the terminal and
//! over the page in the browser, and the next good build clears it.
//! `public/` is never touched.

pub mod host;
pub mod http;
pub mod indexer;
pub mod reload;
pub mod watch;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::mpsc::channel;
use std::sync::{Arc, RwLock};
use std::time::Instant;

use crate::build::{Applied, Edit, Project};
use crate::cli::ServeArgs;
use crate::config::{Config, Overrides};
use crate::error::{Error, Result};
use crate::output::Output;
use crate::terminal::Terminal;
use http::{Shared, Snapshot};
use indexer::{Indexed, Indexer};
use reload::{Event, Hub};
use watch::{Batch, Change, Watcher};

/// The port tried first when `--port` is not given.
pub const DEFAULT_PORT: u16 = 1111;

/// What `guide serve` was asked for, checked (see [`ServeConfig::new`]).
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// The site's folder.
    pub root: PathBuf,
    /// `--config`: a site.toml other than the root's.
    pub config_file: Option<PathBuf>,
    /// The address to listen on.
    pub ip: IpAddr,
    /// The port; the default one or the next free one when `None`.
    pub port: Option<u16>,
    /// Whether to open the site in the default browser.
    pub open: bool,
    pub drafts: bool,
    /// The URL readers reach the server at, when not the server's own.
    pub base_url: Option<String>,
}

impl ServeConfig {
    /// Checks `serve`'s options: the address to listen on is one, and the
    /// folder is a site (the usual error when it has no site.toml).
    pub fn new(args: ServeArgs, config_file: Option<PathBuf>) -> Result<ServeConfig> {
        let root = args.root.root;
        let given = Overrides {
            config_file: config_file.clone(),
            ..Overrides::default()
        };
        if !crate::config::config_path(&root, &given).is_file() {
            Config::load(&root, &given)?;
        }
        Ok(ServeConfig {
            ip: parse_bind(&args.bind)?,
            root,
            config_file,
            port: args.port,
            open: args.open,
            drafts: args.drafts,
            base_url: args.base_url,
        })
    }

    /// How each build sees the site: under serve, at the server's URL (or
    /// `--base-url`: a tunnel's address), with drafts when asked for. No
    /// worker is registered, and `sw.js` unregisters any left from a build.
    fn overrides(&self, url: &str) -> Overrides {
        Overrides {
            base_url: Some(self.base_url.clone().unwrap_or_else(|| url.to_string())),
            drafts: self.drafts,
            serving: true,
            config_file: self.config_file.clone(),
            ..Overrides::default()
        }
    }
}

/// Builds the site, serves it, and rebuilds it on every change until Ctrl-C.
pub fn serve(config: ServeConfig, terminal: Terminal) -> Result<()> {
    let (server, address) = http::bind(config.ip, config.port, DEFAULT_PORT)?;
    if config.port.is_none() && address.port() != DEFAULT_PORT {
        terminal.say(&format!(
            "Port {DEFAULT_PORT} is taken; using {} instead",
            address.port()
        ));
    }
    let url = format!("http://{}/", shown_address(address));
    let overrides = config.overrides(&url);
    // Watch before the first build, so that no edit made during it is lost.
    let watcher = Watcher::start(&config.root)?;
    let shared: Shared = Arc::new(RwLock::new(Snapshot::default()));
    let hub = Arc::new(Hub::new(reload::lifetime()));
    let project = first_build(&config.root, &overrides, &shared, &hub, &terminal);
    if !config.ip.is_loopback() {
        eprintln!(
            "{} serving on {}: other machines on the network can read this site\n",
            terminal.paint("1;33", "warning:"),
            config.ip
        );
    }
    terminal.say(&format!("Serving at {url} (Ctrl-C to stop)"));
    if config.open {
        open_browser(&url, &terminal);
    }
    let server = Arc::new(server);
    let stopper = Arc::clone(&server);
    if let Err(error) = ctrlc::set_handler(move || stopper.unblock()) {
        eprintln!("warning: cannot catch Ctrl-C ({error}); stop guide with a signal instead");
    }
    let (root, rebuilt, announced) = (config.root, Arc::clone(&shared), Arc::clone(&hub));
    rebuild_on_change(watcher, move |indexer| Rebuilder {
        project,
        root,
        overrides,
        shared: rebuilt,
        hub: announced,
        terminal,
        indexer,
        version: 0,
    })?;
    http::run(&server, address, &shared, &hub);
    terminal.say("Stopped.");
    Ok(())
}

/// The first build, published to the server whether it worked or not.
fn first_build(
    root: &Path,
    overrides: &Overrides,
    shared: &Shared,
    hub: &Arc<Hub>,
    terminal: &Terminal,
) -> Option<Project> {
    let started = Instant::now();
    match caught(|| load(root, overrides)).unwrap_or_else(|p| Err(panicked(&p))) {
        Ok(project) => {
            project.warnings().for_each(|w| terminal.warn(w));
            let (pages, sections) = project.site.counts();
            terminal.say(&format!(
                "Built {pages} pages, {sections} sections, {} scripts, {} files in {} ms",
                project.site.scripts.len(),
                project.output.len(),
                started.elapsed().as_millis()
            ));
            publish(shared, hub, Ok(Arc::clone(&project.output)), false);
            Some(project)
        }
        Err(error) => {
            report(terminal, &error);
            publish(shared, hub, Err(messages(&error)), false);
            None
        }
    }
}

/// Starts the threads that watch the sources, rebuild on each change and
/// index the site for search in the background.
fn rebuild_on_change(
    mut watcher: Watcher,
    rebuilder: impl FnOnce(Indexer) -> Rebuilder,
) -> Result<()> {
    let (messages, inbox) = channel();
    let watched = messages.clone();
    spawn("guide-watch", move || {
        while let Some(batch) = watcher.next_batch() {
            if watched.send(Message::Changed(batch)).is_err() {
                break;
            }
        }
    })?;
    let indexer = Indexer::start(move |indexed| {
        let _ = messages.send(Message::Indexed(indexed));
    })?;
    let mut rebuilder = rebuilder(indexer);
    spawn("guide-build", move || {
        for message in inbox {
            match message {
                Message::Changed(batch) => rebuilder.on_change(&batch),
                Message::Indexed(indexed) => rebuilder.on_indexed(indexed),
            }
        }
    })
}

fn spawn(name: &str, work: impl FnOnce() + Send + 'static) -> Result<()> {
    std::thread::Builder::new()
        .name(name.into())
        .spawn(work)
        .map(|_| ())
        .map_err(|e| Error::msg(format!("cannot start the thread {name}: {e}")))
}

/// What the thread that rebuilds the site hears about.
enum Message {
    /// Sources changed.
    Changed(Batch),
    /// A search index was built in the background.
    Indexed(Indexed),
}

/// The site being served, and what it takes to rebuild and announce it.
struct Rebuilder {
    /// `None` until a build has succeeded, and after a failed load.
    project: Option<Project>,
    root: PathBuf,
    overrides: Overrides,
    shared: Shared,
    hub: Arc<Hub>,
    terminal: Terminal,
    indexer: Indexer,
    /// Counts the changes applied, so that an index of an older project is
    /// recognised and dropped.
    version: u64,
}

impl Rebuilder {
    /// Applies `batch` to the project (loading it whole when there is none,
    /// or when `site.toml` changed) and tells the browsers. A panic in any
    /// stage is a failed build like another: the next change loads the
    /// project anew, since the panic may have left it half changed.
    fn on_change(&mut self, batch: &Batch) {
        if batch.change == Change::None {
            return;
        }
        self.version += 1;
        self.indexer.supersede(self.version);
        let started = Instant::now();
        let result = caught(|| self.rebuild(batch)).unwrap_or_else(|panic| {
            self.project = None;
            Err(panicked(&panic))
        });
        let ms = started.elapsed().as_micros() as f64 / 1000.0;
        let what = format!("{} ({})", batch.describe(), batch.change.name());
        let terminal = &self.terminal;
        match &result {
            Ok((applied, _)) => {
                if let Some(project) = &self.project {
                    project.warnings().for_each(|w| terminal.warn(w));
                }
                let how = if applied.full {
                    "reloaded everything, "
                } else {
                    ""
                };
                terminal.say(&format!(
                    "Changed {what}: {how}rendered {} pages in {ms:.1} ms",
                    applied.rendered
                ));
                let because = applied
                    .because
                    .iter()
                    .map(|line| format!("  because {line}"));
                terminal.detail(&because.collect::<Vec<_>>());
            }
            Err(error) => {
                eprintln!("Changed {what}: the build failed in {ms:.1} ms");
                report(terminal, error);
            }
        }
        publish(
            &self.shared,
            &self.hub,
            result
                .map(|(_, output)| output)
                .map_err(|error| messages(&error)),
            batch.is_css_only(),
        );
        self.request_index();
    }

    /// The project after `batch`, and its output.
    fn rebuild(&mut self, batch: &Batch) -> Result<(Applied, Arc<Output>)> {
        match (self.project.as_mut(), edit_of(batch)) {
            (Some(project), Some(edit)) => project
                .apply(&edit)
                .map(|applied| (applied, Arc::clone(&project.output))),
            _ => {
                self.project = None;
                load(&self.root, &self.overrides).map(|loaded| {
                    let applied = Applied::everything(&loaded.site, true, "loaded everything");
                    let output = Arc::clone(&loaded.output);
                    self.project = Some(loaded);
                    (applied, output)
                })
            }
        }
    }

    /// Asks for a new search index when page edits left the old one behind.
    fn request_index(&self) {
        let Some(project) = &self.project else {
            return;
        };
        if project.search_is_stale() {
            self.indexer.request(indexer::Request {
                version: self.version,
                languages: project.search_pages(),
                output: Arc::clone(&project.output),
            });
        }
    }

    /// Serves a search index built in the background, if the project has
    /// not changed since. The pages are the same, so browsers are not told.
    fn on_indexed(&mut self, indexed: Indexed) {
        let Some(project) = self.project.as_mut() else {
            return;
        };
        if indexed.version != self.version {
            return;
        }
        project.replace_search_index(indexed.indexes);
        let output = Arc::clone(&project.output);
        let mut snapshot = self.shared.write().unwrap_or_else(|e| e.into_inner());
        if snapshot.error.is_none() {
            let old = snapshot.output.replace(output);
            drop(snapshot);
            drop(old);
        }
    }
}

/// The edit `batch` makes to a loaded project, or `None` when the project
/// must be loaded anew: a new configuration may change anything.
fn edit_of(batch: &Batch) -> Option<Edit> {
    match batch.change {
        // `None` is never handed over by the watcher.
        Change::None | Change::Static => Some(Edit::Static),
        Change::Content => Some(Edit::Content {
            paths: batch.paths.clone(),
            structural: batch.structural,
        }),
        Change::Templates => Some(Edit::Templates),
        Change::Config => None,
    }
}

/// Runs `work`, turning a panic into its message, so that a bug in one
/// stage does not end the thread that applies every change.
pub(crate) fn caught<T>(work: impl FnOnce() -> T) -> std::result::Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)).map_err(|payload| {
        if let Some(text) = payload.downcast_ref::<&str>() {
            (*text).to_string()
        } else if let Some(text) = payload.downcast_ref::<String>() {
            text.clone()
        } else {
            "(a panic without a message)".to_string()
        }
    })
}

/// The error shown for a build that panicked with `panic`.
fn panicked(panic: &str) -> Error {
    Error::with_help(
        format!("the build panicked: {panic}"),
        "guide serve goes on serving the last good site, if there is one, and loads the \
         whole site again at the next change",
    )
}

/// Loads the configuration and the whole project.
fn load(root: &Path, overrides: &Overrides) -> Result<Project> {
    Config::load(root, overrides).and_then(Project::load)
}

fn messages(error: &Error) -> Vec<String> {
    match error {
        Error::Many(errors) => errors.iter().flat_map(messages).collect(),
        other => vec![other.to_string()],
    }
}

/// Swaps in a good build, or records a failed one, and tells the browsers.
fn publish(
    shared: &Shared,
    hub: &Hub,
    result: std::result::Result<Arc<Output>, Vec<String>>,
    css_only: bool,
) {
    let mut snapshot = shared.write().unwrap_or_else(|e| e.into_inner());
    match result {
        Ok(output) => {
            let had_error = snapshot.error.take().is_some();
            let old = snapshot.output.replace(output);
            snapshot.generation += 1;
            drop(snapshot);
            let event = if css_only && !had_error {
                Event::Css
            } else {
                Event::Reload
            };
            hub.broadcast(&event);
            // Freeing a large site's old output takes milliseconds: not
            // while the requests wait for the lock.
            drop(old);
        }
        Err(errors) => {
            let text = error_text(&errors, |s| s.to_string());
            snapshot.error = Some(text.clone());
            drop(snapshot);
            hub.broadcast(&Event::Error(text));
        }
    }
}

/// Prints a failed build's errors the way `main` does (as JSON lines under
/// `--message-format json`).
fn report(terminal: &Terminal, error: &Error) {
    if terminal.json {
        let errors: Vec<Error> = crate::error::sorted(vec![clone_error(error)]);
        errors.iter().for_each(|e| terminal.error(e));
    } else {
        report_text(terminal, &messages(error));
    }
}

/// Prints errors known only as text the way `main` does.
fn report_text(terminal: &Terminal, errors: &[String]) {
    if terminal.json {
        errors
            .iter()
            .for_each(|e| terminal.error(&Error::msg(e.clone())));
    } else {
        eprintln!("{}", error_text(errors, |s| terminal.paint("1;31", s)));
    }
}

/// A copy of an error good enough to print: located ones keep their place.
fn clone_error(error: &Error) -> Error {
    match error {
        Error::Located(d) => Error::Located(d.clone()),
        Error::Many(errors) => Error::Many(errors.iter().map(clone_error).collect()),
        other => Error::msg(other.to_string()),
    }
}

/// The errors of a build, each after `error:` (painted by `paint`), and a
/// count when there are several.
fn error_text(errors: &[String], paint: impl Fn(&str) -> String) -> String {
    let label = paint("error:");
    let mut text: Vec<String> = errors.iter().map(|e| format!("{label} {e}")).collect();
    if errors.len() > 1 {
        text.push(format!(
            "{label} {} errors; still serving the last good build",
            errors.len()
        ));
    }
    text.join("\n\n")
}

/// The address to bind, from `--bind`.
fn parse_bind(bind: &str) -> Result<IpAddr> {
    if bind == "localhost" {
        return Ok(IpAddr::V4(Ipv4Addr::LOCALHOST));
    }
    bind.parse().map_err(|_| {
        Error::with_help(
            format!("`{bind}` is not an IP address to listen on"),
            "use 127.0.0.1 (the default), ::1, or 0.0.0.0 to be reachable from other machines",
        )
    })
}

/// How the server's address appears in URLs: an unspecified address
/// (0.0.0.0) is reached locally as 127.0.0.1.
fn shown_address(address: SocketAddr) -> SocketAddr {
    match address.ip() {
        ip if ip.is_unspecified() && ip.is_ipv4() => {
            SocketAddr::new(Ipv4Addr::LOCALHOST.into(), address.port())
        }
        ip if ip.is_unspecified() => {
            SocketAddr::new(std::net::Ipv6Addr::LOCALHOST.into(), address.port())
        }
        _ => address,
    }
}

/// Opens `url` in the default browser, or says where to point one.
fn open_browser(url: &str, terminal: &Terminal) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    let opened = std::process::Command::new(opener)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if opened.is_err() {
        terminal.say(&format!("Open {url} in your browser"));
    }
}

/// A header from two ASCII strings known to be valid (the HTTP answers'
/// and the live-reload stream's).
pub fn header(name: &str, value: &str) -> tiny_http::Header {
    tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("a valid ASCII header")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_shown_like_main_shows_them() {
        let one = error_text(&["bad key".into()], |s| s.to_string());
        assert_eq!(one, "error: bad key");
        let two = error_text(&["a".into(), "b".into()], |s| s.to_string());
        assert_eq!(
            two,
            "error: a\n\nerror: b\n\nerror: 2 errors; still serving the last good build"
        );
    }

    #[test]
    fn a_panic_becomes_its_message() {
        assert_eq!(caught(|| 7), Ok(7));
        let text = caught(|| -> u8 { panic!("hash of {} bytes", 31) });
        assert_eq!(text, Err("hash of 31 bytes".to_string()));
        let bare = caught(|| std::panic::panic_any(5_u8));
        assert_eq!(bare, Err("(a panic without a message)".to_string()));
    }

    #[test]
    fn bind_addresses_are_checked() {
        assert_eq!(parse_bind("127.0.0.1").unwrap(), Ipv4Addr::LOCALHOST);
        assert!(parse_bind("::1").unwrap().is_loopback());
        assert!(parse_bind("localhost").unwrap().is_loopback());
        assert!(parse_bind("example.org").is_err());
        let any: SocketAddr = "0.0.0.0:1111".parse().unwrap();
        assert_eq!(shown_address(any).to_string(), "127.0.0.1:1111");
    }
}
