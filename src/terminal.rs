//! How guide talks to the person at the terminal: status lines, warnings
//! and errors, in colour or not, as text or as JSON lines.

use crate::error::{self, Error};
use crate::report;

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
