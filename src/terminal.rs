//! How guide talks to the person at the terminal: status lines, warnings
//! and errors, in colour or not, as text or as JSON lines, written to a
//! [`Sink`]: the process's standard streams, or a [`Capture`] in memory for
//! a caller that runs a command and reads what it printed.

use std::sync::Mutex;

use crate::error::{self, Error};
use crate::report;

/// One of the two streams a command prints to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// Where a [`Terminal`]'s text goes. A sink is `Copy` (a unit value, or a
/// reference to a buffer) so that a terminal is passed around by value.
pub trait Sink: Copy {
    /// Writes `text`, whole lines with their line breaks, to `stream`.
    fn write(self, stream: Stream, text: &str);
}

/// The process's standard output and standard error.
#[derive(Debug, Clone, Copy, Default)]
pub struct Standard;

impl Sink for Standard {
    fn write(self, stream: Stream, text: &str) {
        match stream {
            Stream::Stdout => print!("{text}"),
            Stream::Stderr => eprint!("{text}"),
        }
    }
}

/// Standard output and standard error kept in memory: what one command
/// printed, for the caller to read once it is over.
#[derive(Debug, Default)]
pub struct Capture {
    stdout: Mutex<String>,
    stderr: Mutex<String>,
}

impl Capture {
    /// What was printed: standard output, then standard error.
    pub fn into_parts(self) -> (String, String) {
        let text = |stream: Mutex<String>| stream.into_inner().unwrap_or_else(|e| e.into_inner());
        (text(self.stdout), text(self.stderr))
    }
}

impl Sink for &Capture {
    fn write(self, stream: Stream, text: &str) {
        let buffer = match stream {
            Stream::Stdout => &self.stdout,
            Stream::Stderr => &self.stderr,
        };
        // A panic elsewhere while holding the lock leaves the text whole.
        buffer
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push_str(text);
    }
}

/// How much to print, whether in colour, and where to.
#[derive(Debug, Clone, Copy)]
pub struct Terminal<S = Standard> {
    pub quiet: bool,
    pub verbose: bool,
    pub color: bool,
    /// `--message-format json`: diagnostics as JSON lines on standard
    /// output, status lines on standard error.
    pub json: bool,
    pub sink: S,
}

impl<S: Sink> Terminal<S> {
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
            let line = report::diagnostic(warning, report::Level::Warning);
            self.line(Stream::Stdout, &line.to_string());
        } else {
            let text = format!("{} {warning}\n", self.paint("1;33", "warning:"));
            self.line(Stream::Stderr, &text);
        }
    }

    /// Prints detail lines (stage timings) with `-v` only.
    pub fn detail(&self, lines: &[String]) {
        if self.verbose {
            // Under JSON, standard output holds nothing but diagnostics.
            let stream = if self.json {
                Stream::Stderr
            } else {
                Stream::Stdout
            };
            lines.iter().for_each(|line| self.line(stream, line));
        }
    }

    /// Prints an error (one, not [`Error::Many`]) to standard error, or as
    /// a JSON line.
    pub fn error(&self, error: &Error) {
        if self.json {
            let line = report::error(error, report::Level::Error);
            self.line(Stream::Stdout, &line.to_string());
        } else {
            let text = format!("{} {error}\n", self.paint("1;31", "error:"));
            self.line(Stream::Stderr, &text);
        }
    }

    /// Prints the error a command failed with: each of the errors it holds,
    /// then, for people, how many there were when more than one. The one
    /// place a failed command's errors are printed, by the binary and by
    /// [`crate::run::run_captured`] alike.
    pub fn fail(&self, error: Error) {
        let errors = error.flatten();
        for error in &errors {
            self.error(error);
        }
        if errors.len() > 1 && !self.json {
            let text = format!(
                "{} {} errors; nothing was written",
                self.paint("1;31", "error:"),
                errors.len()
            );
            self.line(Stream::Stderr, &text);
        }
    }

    /// Prints a status line unless quiet (to standard error under JSON, so
    /// that standard output holds nothing but diagnostics).
    pub fn say(&self, line: &str) {
        if self.quiet {
            return;
        }
        let stream = if self.json {
            Stream::Stderr
        } else {
            Stream::Stdout
        };
        self.line(stream, line);
    }

    /// The same settings, printing to `sink` instead.
    pub fn to<T: Sink>(&self, sink: T) -> Terminal<T> {
        Terminal {
            quiet: self.quiet,
            verbose: self.verbose,
            color: self.color,
            json: self.json,
            sink,
        }
    }

    /// Writes `text` and a line break, in one write (as `println!` does).
    fn line(&self, stream: Stream, text: &str) {
        self.sink.write(stream, &format!("{text}\n"));
    }
}
