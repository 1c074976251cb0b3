//! guide: a static-site generator for a practical, interactive guide to
//! mending professional relationships.
//!
//! The modules, in pipeline order: `config` reads site.toml; `content`
//! walks content/; `script` loads and checks scripts; `markdown` renders
//! Markdown; `site` builds the model; `render` applies the templates;
//! `output` holds and writes the result; `search` indexes the rendered
//! pages for offline search; `offline` makes the service worker from
//! the whole output; `lint` finds what `check` reports
//! beyond a build's own checks; `build` runs the stages in order; `serve`
//! answers a build from memory and rebuilds it on change; `scaffold` makes
//! new sites, pages and scripts; `schema` gives editors the schemas of
//! the files they write; `cli` and `run` face the user. `error`,
//! `escape`, `fs`, `report` (diagnostics as JSON) and `slug` are leaves
//! every stage may use.

pub mod error;
pub mod escape;
pub mod fs;
pub mod input;
pub mod report;
pub mod slug;

pub mod build;
pub mod cli;
pub mod config;
pub mod content;
pub mod lint;
pub mod markdown;
pub mod offline;
pub mod output;
pub mod render;
pub mod scaffold;
pub mod schema;
pub mod script;
pub mod search;
pub mod serve;
pub mod site;

use cli::{Cli, Command, NewCommand};
use config::{Config, Overrides};
use error::{Error, Result};

/// How much to print, and whether in colour.
#[derive(Debug, Clone, Copy)]
pub struct Terminal {
    pub quiet: bool,
    pub verbose: bool,
    pub color: bool,
    /// `--message-format json`: diagnostics as JSON lines on standard
    /// output, status lines on standard error.
    pub json: bool,
}

impl Terminal {
    /// Paints `text` (an ANSI style number) when colour is on.
    pub fn paint(&self, style: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{style}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    /// Prints a warning to standard error, or as a JSON line.
    pub fn warn(&self, warning: &error::Warning) {
        if self.json {
            println!("{}", report::diagnostic(warning, report::Level::Warning));
        } else {
            eprintln!("{} {warning}\n", self.paint("1;33", "warning:"));
        }
    }

    /// Prints detail lines (stage timings) with `-v` only.
    pub fn detail(&self, lines: &[String]) {
        if self.verbose {
            // Under JSON, standard output holds nothing but diagnostics.
            if self.json {
                lines.iter().for_each(|line| eprintln!("{line}"));
            } else {
                lines.iter().for_each(|line| println!("{line}"));
            }
        }
    }

    /// Prints an error (one, not [`Error::Many`]) to standard error, or as
    /// a JSON line.
    pub fn error(&self, error: &Error) {
        if self.json {
            println!("{}", report::error(error, report::Level::Error));
        } else {
            eprintln!("{} {error}\n", self.paint("1;31", "error:"));
        }
    }

    /// Prints a status line unless quiet (to standard error under JSON, so
    /// that standard output holds nothing but diagnostics).
    pub fn say(&self, line: &str) {
        if self.quiet {
            return;
        }
        if self.json {
            eprintln!("{line}");
        } else {
            println!("{line}");
        }
    }
}

/// Runs one command line; the error is printed by `main`.
pub fn run(cli: Cli, terminal: Terminal) -> Result<()> {
    let config_file = cli.config;
    match cli.command {
        Command::Build(args) => {
            let overrides = Overrides {
                base_url: args.base_url,
                output_dir: args.output,
                drafts: args.drafts,
                config_file,
                serving: false,
            };
            let (config, errors) = Config::load_lenient(&args.root.root, &overrides)?;
            let built = build::build(&config, errors)?;
            built.warnings.iter().for_each(|w| terminal.warn(w));
            terminal.say(&built.summary("Built"));
            terminal.detail(&built.timings());
            Ok(())
        }
        Command::Check(args) => {
            let overrides = Overrides {
                drafts: args.drafts,
                config_file,
                ..Overrides::default()
            };
            let (config, errors) = Config::load_lenient(&args.root.root, &overrides)?;
            let built = build::render_site(&config, errors)?;
            let linting = std::time::Instant::now();
            let warnings: Vec<error::Warning> = built
                .warnings
                .iter()
                .cloned()
                .chain(lint::check(&config, &built.site, &built.output))
                .collect();
            let mut built = built;
            built
                .stages
                .push(("lint (check's own warnings)", linting.elapsed()));
            warnings.iter().for_each(|w| terminal.warn(w));
            if args.deny_warnings && !warnings.is_empty() {
                return Err(Error::msg(format!(
                    "{} warnings, and --deny-warnings makes them errors",
                    warnings.len()
                )));
            }
            terminal.say(&built.summary("Checked"));
            terminal.detail(&built.timings());
            Ok(())
        }
        Command::Serve(args) => serve::serve(args, config_file, terminal),
        Command::Completions(args) => {
            use clap::CommandFactory;
            let mut command = Cli::command();
            let mut out = std::io::stdout();
            clap_complete::generate(args.shell, &mut command, "guide", &mut out);
            Ok(())
        }
        Command::Init(args) => {
            let created = scaffold::init(&args.dir)?;
            terminal.say(&created.report());
            Ok(())
        }
        Command::New(args) => {
            let created = match args.what {
                NewCommand::Page { path, root } => {
                    let config = Config::load(&root.root, &given(config_file))?;
                    scaffold::new_page(&config, &path)?
                }
                NewCommand::Script {
                    name,
                    markdown,
                    root,
                } => {
                    let config = Config::load(&root.root, &given(config_file))?;
                    scaffold::new_script(&config, &name, markdown)?
                }
            };
            terminal.say(&created.report());
            Ok(())
        }
    }
}

/// The overrides of a command that takes nothing but `--config`.
fn given(config_file: Option<std::path::PathBuf>) -> Overrides {
    Overrides {
        config_file,
        ..Overrides::default()
    }
}
