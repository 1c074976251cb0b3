//! The command line: argument types only (clap derive); no logic.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// guide: build and serve a practical, interactive guide to mending
/// professional relationships from Markdown and script templates.
#[derive(Debug, Parser)]
#[command(name = "guide", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Print only errors.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print more about what is happening.
    #[arg(short, long, global = true)]
    pub verbose: bool,
    /// When to colour the output (NO_COLOR is honoured by `auto`).
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// How to print errors and warnings: for people, or one JSON object a
    /// line (rustc's diagnostic shape) for CI and editors.
    #[arg(long, global = true, value_enum, default_value_t = MessageFormat::Human)]
    pub message_format: MessageFormat,
    /// Read this configuration file instead of the site's site.toml.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// How diagnostics are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MessageFormat {
    /// Text with the offending line and a caret.
    Human,
    /// One JSON object per diagnostic per line, on standard output.
    Json,
}

/// When to use colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

/// What to do.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output folder (public/ by default).
    Build(BuildArgs),
    /// Check everything a build checks, plus orphan pages, unlinked scripts
    /// and missing files; write nothing.
    Check(CheckArgs),
    /// Serve the site from memory, rebuild it on every change and reload the
    /// browser (public/ is not touched).
    Serve(ServeArgs),
    /// Create a new site, with sample content and the default theme, in a
    /// new or empty folder.
    Init(InitArgs),
    /// Create a ready-to-edit page or script, with every key explained
    /// (never overwrites a file).
    New(NewArgs),
    /// Print a shell completion script (`guide completions bash > …`).
    Completions(CompletionsArgs),
}

/// `guide completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

/// Where the site is.
#[derive(Debug, Args)]
pub struct RootArg {
    /// The site's folder (the one with site.toml).
    #[arg(long, default_value = ".", value_name = "DIR")]
    pub root: PathBuf,
}

/// `guide build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub root: RootArg,
    /// Where to write the site (default: `output_dir` of site.toml, or public/).
    #[arg(short, long, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Use this base URL instead of site.toml's.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Include pages marked `draft: true`.
    #[arg(long)]
    pub drafts: bool,
}

/// `guide check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub root: RootArg,
    /// Include pages marked `draft: true`.
    #[arg(long)]
    pub drafts: bool,
    /// Fail when there are warnings.
    #[arg(long)]
    pub deny_warnings: bool,
}

/// `guide init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder to create the site in: a new one, or an empty one (hidden
    /// files such as .git may be in it).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
}

/// `guide new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    #[command(subcommand)]
    pub what: NewCommand,
}

/// What `guide new` makes.
#[derive(Debug, Subcommand)]
pub enum NewCommand {
    /// A page: content/PATH.md, with its folder if needed.
    Page {
        /// The page's path under content/, with or without `.md`
        /// (`first-message/timing`).
        #[arg(value_name = "PATH")]
        path: String,
        #[command(flatten)]
        root: RootArg,
    },
    /// A script: content/scripts/NAME.yaml, or NAME.md with --markdown, with
    /// one field and one message that build as they stand.
    Script {
        /// The script's name, which becomes its URL (`follow-up`).
        #[arg(value_name = "NAME")]
        name: String,
        /// Write a Markdown script (front matter, prose, message fences)
        /// instead of a YAML template.
        #[arg(long)]
        markdown: bool,
        #[command(flatten)]
        root: RootArg,
    },
    /// A translation of a page or a script into one of the site's other
    /// languages, beside it (`timing.es.md`), with the source's hash
    /// recorded and its text in place to translate.
    Translation {
        /// The language's tag, as in `[languages.<tag>]` (`es`).
        #[arg(value_name = "LANGUAGE")]
        language: String,
        /// The source's path under content/ (`first-message/timing`,
        /// `scripts/reconnect-email.yaml`).
        #[arg(value_name = "PATH")]
        path: String,
        #[command(flatten)]
        root: RootArg,
    },
}

/// `guide serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub root: RootArg,
    /// The address to listen on (0.0.0.0 makes the site reachable from
    /// other machines).
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDR")]
    pub bind: String,
    /// The port to listen on [default: 1111, or the next free one].
    #[arg(short, long, value_name = "N")]
    pub port: Option<u16>,
    /// Open the site in the default browser.
    #[arg(long)]
    pub open: bool,
    /// Include pages marked `draft: true`.
    #[arg(long)]
    pub drafts: bool,
    /// The URL readers reach the server at (a tunnel's or a container's
    /// published address) instead of http://ADDR:PORT/.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
}
