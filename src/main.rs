//! The `guide` binary: parse arguments, run, print any error, exit.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use guide::cli::Cli;
use guide::terminal::Standard;

/// jemalloc: faster than glibc's allocator for the many small allocations
/// that parsing, rendering and indexing make from several threads, and
/// leaner with them (BENCHMARKS.md).
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    // A panic is a bug: each stage turns one into an error naming the stage
    // (`guide::error::guard`), which says the rest; this says where.
    std::panic::set_hook(Box::new(|info| {
        let place = info
            .location()
            .map_or(String::new(), |l| format!(" at {}:{}", l.file(), l.line()));
        eprintln!("note: internal error{place}");
    }));
    let cli = Cli::parse();
    let on_terminal = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && std::io::stderr().is_terminal();
    if guide::run::run_and_report(cli, on_terminal, Standard) {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
