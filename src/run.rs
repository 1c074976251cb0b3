//! One command line, run: each command's options become the validated
//! configuration its stage takes, and its results are printed.

use std::path::PathBuf;

use crate::cli::{BuildArgs, CheckArgs, Cli, Command, NewCommand};
use crate::config::{Config, Overrides};
use crate::error::{self, Error, Result};
use crate::terminal::Terminal;
use crate::{build, lint, scaffold, serve};

/// Runs one command line; the error is printed by `main`.
pub fn run(cli: Cli, terminal: Terminal) -> Result<()> {
    let config_file = cli.config;
    match cli.command {
        Command::Build(args) => build_site(args, config_file, terminal),
        Command::Check(args) => check_site(args, config_file, terminal),
        Command::Serve(args) => serve::serve(serve::ServeConfig::new(args, config_file)?, terminal),
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
                NewCommand::Translation {
                    language,
                    path,
                    root,
                } => {
                    let config = Config::load(&root.root, &given(config_file))?;
                    scaffold::new_translation(&config, &language, &path)?
                }
            };
            terminal.say(&created.report());
            Ok(())
        }
    }
}

/// `guide build`: the site written to its output folder.
fn build_site(args: BuildArgs, config_file: Option<PathBuf>, terminal: Terminal) -> Result<()> {
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

/// `guide check`: a build in memory, its warnings and lint's.
fn check_site(args: CheckArgs, config_file: Option<PathBuf>, terminal: Terminal) -> Result<()> {
    let overrides = Overrides {
        drafts: args.drafts,
        config_file,
        ..Overrides::default()
    };
    let (config, errors) = Config::load_lenient(&args.root.root, &overrides)?;
    let mut built = build::render_site(&config, errors)?;
    let linting = std::time::Instant::now();
    let (coverage, stale) = crate::languages::report(&config, &built.site, &built.editions);
    let warnings: Vec<error::Warning> = built
        .warnings
        .iter()
        .cloned()
        .chain(lint::check(&config, &built.site, &built.output))
        .chain(stale)
        .collect();
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
    for line in &coverage {
        terminal.say(line);
    }
    terminal.say(&built.summary("Checked"));
    terminal.detail(&built.timings());
    Ok(())
}

/// The overrides of a command that takes nothing but `--config`.
fn given(config_file: Option<PathBuf>) -> Overrides {
    Overrides {
        config_file,
        ..Overrides::default()
    }
}
