//! One command line, run: each command's options become the validated
//! configuration its stage takes, and its results are printed.
//!
//! The binary and [`run_captured`] share everything after clap has parsed
//! the arguments ([`run_and_report`]), so a command prints the same bytes
//! in this process as from the binary.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::Parser;

use crate::cli::{BuildArgs, CheckArgs, Cli, Color, Command, MessageFormat, NewCommand};
use crate::config::{Config, Overrides};
use crate::error::{self, Error, Result};
use crate::terminal::{Capture, Sink, Standard, Stream, Terminal};
use crate::{build, lint, scaffold, serve};

/// The stack a command runs on in [`run_captured`]: a Linux main thread's
/// (8 MiB), which the binary runs on, rather than a spawned thread's 2 MiB.
const MAIN_STACK: usize = 8 << 20;

/// What one command line printed, and how it ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Captured {
    /// The binary's exit status: 0, 1 for a failed command, 2 for a
    /// command line clap refused.
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Captured {
    /// Whether the command succeeded.
    pub fn ok(&self) -> bool {
        self.code == 0
    }
}

/// Runs `guide ARGS` (the arguments, without the program's name) in this
/// process, as the binary would with its output going to files: the same
/// parse, the same bytes printed, the same exit status, kept in memory.
///
/// What the binary takes from its process is not taken here: colour is
/// off under `--color auto` (a buffer is no terminal, whatever `NO_COLOR`
/// says), and relative paths are the process's current folder's (pass
/// `--root`). A panic is the process's: a stage that catches one reports
/// it as the binary does, less the `note: internal error at …` line of the
/// binary's panic hook, and one no stage catches is resumed in the caller.
/// `serve` prints to the real standard streams, and returns only when
/// stopped.
pub fn run_captured<I, T>(args: I) -> Captured
where
    I: IntoIterator<Item = T>,
    T: Into<OsString>,
{
    let args: Vec<OsString> = std::iter::once("guide".into())
        .chain(args.into_iter().map(Into::into))
        .collect();
    let capture = Capture::default();
    let code = std::thread::scope(|scope| {
        let running = std::thread::Builder::new()
            .name("guide".into())
            .stack_size(MAIN_STACK)
            .spawn_scoped(scope, || parse_and_run(args, &capture))
            .expect("cannot start a thread to run guide on");
        running
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    });
    let (stdout, stderr) = capture.into_parts();
    Captured {
        code,
        stdout,
        stderr,
    }
}

/// `main` without the process: clap's refusal printed as clap prints it,
/// or the command run; the exit status.
fn parse_and_run(args: Vec<OsString>, capture: &Capture) -> i32 {
    match Cli::try_parse_from(args) {
        Ok(cli) => i32::from(!run_and_report(cli, false, capture)),
        Err(refusal) => {
            let stream = if refusal.use_stderr() {
                Stream::Stderr
            } else {
                Stream::Stdout
            };
            // Plain text: what `Error::exit` prints when not on a terminal.
            capture.write(stream, &refusal.render().to_string());
            refusal.exit_code()
        }
    }
}

/// Runs a parsed command line and prints its error if it fails, as the
/// binary does: `true` when it succeeded. `on_terminal` is whether
/// `--color auto` means colour (the binary's standard error is a terminal
/// and `NO_COLOR` is unset).
pub fn run_and_report<S: Sink>(cli: Cli, on_terminal: bool, sink: S) -> bool {
    let terminal = Terminal {
        quiet: cli.quiet,
        verbose: cli.verbose,
        color: match cli.color {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => on_terminal,
        },
        json: cli.message_format == MessageFormat::Json,
        sink,
    };
    match run(cli, terminal) {
        Ok(()) => true,
        Err(error) => {
            terminal.fail(error);
            false
        }
    }
}

/// Runs one command line; the error is the caller's to print
/// ([`Terminal::fail`]). `serve` always talks to the standard streams: it
/// runs until Ctrl-C, so nothing waits to read a capture of it.
pub fn run<S: Sink>(cli: Cli, terminal: Terminal<S>) -> Result<()> {
    let config_file = cli.config;
    match cli.command {
        Command::Build(args) => build_site(args, config_file, terminal),
        Command::Check(args) => check_site(args, config_file, terminal),
        Command::Serve(args) => serve::serve(
            serve::ServeConfig::new(args, config_file)?,
            terminal.to(Standard),
        ),
        Command::Completions(args) => {
            use clap::CommandFactory;
            let mut command = Cli::command();
            let mut script = Vec::new();
            clap_complete::generate(args.shell, &mut command, "guide", &mut script);
            terminal
                .sink
                .write(Stream::Stdout, &String::from_utf8_lossy(&script));
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
fn build_site<S: Sink>(
    args: BuildArgs,
    config_file: Option<PathBuf>,
    terminal: Terminal<S>,
) -> Result<()> {
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
fn check_site<S: Sink>(
    args: CheckArgs,
    config_file: Option<PathBuf>,
    terminal: Terminal<S>,
) -> Result<()> {
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
        // Each language's scripts, read with that language's checker rules.
        .chain(
            built
                .editions
                .iter()
                .flat_map(|e| lint::checked_examples(&e.config, &e.site)),
        )
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
