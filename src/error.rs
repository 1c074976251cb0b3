//! The one error type of guide, and the one way it is shown.
//!
//! Every failure a user can cause is either a [`Diagnostic`] (a problem at a
//! place in a file: path, line, column, the offending line with a caret, a
//! hint) or a plain message. A build collects all of them before failing, so
//! [`Error::Many`] carries a whole build's worth.

use std::fmt;
use std::path::{Path, PathBuf};

/// A place in a source file, counted from the top of the file (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
}

/// A problem at a known place, shown the way rustc and `just` show theirs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub message: String,
    pub path: PathBuf,
    /// 1-based line and column; `None` when only the file is known.
    pub position: Option<(usize, usize)>,
    /// The text of the offending line, shown under the location.
    pub line_text: Option<String>,
    /// How many characters the caret underlines (at least one).
    pub width: usize,
    pub help: Option<String>,
}

impl Diagnostic {
    /// A problem with a whole file.
    pub fn file(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            message: message.into(),
            path: path.into(),
            position: None,
            line_text: None,
            width: 1,
            help: None,
        }
    }

    /// A problem at `line`:`column` of `path`, whose text is `source` (the
    /// whole file, used to show the offending line).
    pub fn at(
        path: impl Into<PathBuf>,
        source: &str,
        line: usize,
        column: usize,
        message: impl Into<String>,
    ) -> Self {
        let line = line.max(1);
        let line_text = source
            .lines()
            .nth(line - 1)
            .map(|text| text.trim_end_matches('\r').to_string());
        Diagnostic {
            message: message.into(),
            path: path.into(),
            position: Some((line, column.max(1))),
            line_text,
            width: 1,
            help: None,
        }
    }

    /// Sets how many characters the caret underlines.
    pub fn width(mut self, width: usize) -> Self {
        self.width = width.max(1);
        self
    }

    /// Adds a hint on what to do.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The `path:line:column` this diagnostic points at.
    pub fn location(&self) -> Location {
        let (line, column) = self.position.unwrap_or((0, 0));
        Location {
            path: self.path.clone(),
            line,
            column,
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Messages quote sources too (a key, a value): no control characters.
        let (message, _) = escape_controls(&self.message.replace('\n', "\u{0}"), 1);
        writeln!(f, "{}", message.replace("\\u{0}", "\n"))?;
        let path = display_path(&self.path);
        let Some((line, column)) = self.position else {
            write!(f, " --> {path}")?;
            if let Some(help) = &self.help {
                write!(f, "\n  = help: {help}")?;
            }
            return Ok(());
        };
        let gutter = line.to_string().len();
        let pad = " ".repeat(gutter);
        write!(f, "{pad}--> {path}:{line}:{column}")?;
        if let Some(text) = &self.line_text {
            let (text, column) = window(text, column);
            let (text, column) = escape_controls(&text, column);
            let before: String = text
                .chars()
                .take(column - 1)
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            let caret = "^".repeat(self.width);
            write!(f, "\n{pad} |\n{line} | {text}\n{pad} | {before}{caret}")?;
        }
        if let Some(help) = &self.help {
            write!(f, "\n{pad} = help: {help}")?;
        }
        Ok(())
    }
}

/// The longest line shown in full; longer ones are cut around the column.
const WIDEST_LINE: usize = 100;

/// Cuts a long line to the part around `column`, marking the cuts with `…`,
/// and returns the column within the cut text.
fn window(text: &str, column: usize) -> (String, usize) {
    let count = text.chars().count();
    if count <= WIDEST_LINE {
        return (text.to_string(), column);
    }
    let start = column
        .saturating_sub(WIDEST_LINE / 3)
        .min(count.saturating_sub(WIDEST_LINE));
    let end = (start + WIDEST_LINE).min(count);
    let mut shown: String = text.chars().skip(start).take(end - start).collect();
    let mut column = column - start;
    if start > 0 {
        shown.insert(0, '…');
        column += 1;
    }
    if end < count {
        shown.push('…');
    }
    (shown, column)
}

/// Shows the control characters of a quoted source line (below 0x20 but
/// tab, and DEL) escaped, `\u{1b}`, so that a file cannot move the cursor,
/// colour or clear the terminal it is reported in; returns the column of the
/// same character in the escaped text.
fn escape_controls(text: &str, column: usize) -> (String, usize) {
    let mut shown = String::with_capacity(text.len());
    let mut shifted = column;
    for (i, c) in text.chars().enumerate() {
        if (c < ' ' && c != '\t') || c == '\u{7f}' {
            let escaped = format!("\\u{{{:x}}}", c as u32);
            if i + 1 < column {
                shifted += escaped.chars().count() - 1;
            }
            shown.push_str(&escaped);
        } else {
            shown.push(c);
        }
    }
    (shown, shifted)
}

/// Shows a path the way a user typed it: without a leading `./`.
pub fn display_path(path: &Path) -> String {
    let shown = path.strip_prefix(".").unwrap_or(path);
    if shown.as_os_str().is_empty() {
        return ".".to_string();
    }
    shown.display().to_string()
}

/// Everything that can go wrong in guide.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A problem at a place in a file.
    #[error("{0}")]
    Located(Box<Diagnostic>),
    /// A file-system call failed; the path says where.
    #[error("cannot {action} `{}`: {source}", display_path(path))]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Anything else, said in a sentence (with a hint where one helps).
    #[error("{message}{}", help.as_ref().map(|h| format!("\n  = help: {h}")).unwrap_or_default())]
    Message {
        message: String,
        help: Option<String>,
    },
    /// All the errors of one build, reported together.
    #[error("{}", many(.0))]
    Many(Vec<Error>),
}

fn many(errors: &[Error]) -> String {
    let shown: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    shown.join("\n\nerror: ")
}

impl Error {
    /// A plain error message.
    pub fn msg(message: impl Into<String>) -> Self {
        Error::Message {
            message: message.into(),
            help: None,
        }
    }

    /// A plain error message with a hint on what to do.
    pub fn with_help(message: impl Into<String>, help: impl Into<String>) -> Self {
        Error::Message {
            message: message.into(),
            help: Some(help.into()),
        }
    }

    /// Folds a list of errors into one: nothing, the one, or [`Error::Many`].
    pub fn collect(mut errors: Vec<Error>) -> Result<()> {
        match errors.len() {
            0 => Ok(()),
            1 => Err(errors.remove(0)),
            _ => Err(Error::Many(errors)),
        }
    }

    /// Adds a hint on what to do to a located error or a message.
    pub fn help(self, help: impl Into<String>) -> Self {
        match self {
            Error::Located(d) => d.help(help).into(),
            Error::Message { message, .. } => Error::with_help(message, help),
            other => other,
        }
    }

    /// The individual errors inside, flattened.
    pub fn flatten(self) -> Vec<Error> {
        match self {
            Error::Many(errors) => errors.into_iter().flat_map(Error::flatten).collect(),
            other => vec![other],
        }
    }

    /// The diagnostic, when this error is located in a file.
    pub fn diagnostic(&self) -> Option<&Diagnostic> {
        match self {
            Error::Located(d) => Some(d),
            _ => None,
        }
    }
}

impl From<Diagnostic> for Error {
    fn from(diagnostic: Diagnostic) -> Self {
        Error::Located(Box::new(diagnostic))
    }
}

/// The result type of guide.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Errors in file order: by path, then line and column (a whole-file error
/// first in its file); errors without a file keep their place at the front.
pub fn sorted(mut errors: Vec<Error>) -> Vec<Error> {
    fn key(error: &Error) -> Option<(PathBuf, usize, usize)> {
        match error {
            Error::Located(d) => {
                let (line, column) = d.position.unwrap_or((0, 0));
                Some((d.path.clone(), line, column))
            }
            Error::Io { path, .. } => Some((path.clone(), 0, 0)),
            // Tera's reports carry their place as ` --> file:line:column`.
            Error::Message { message, .. } => {
                let place = message
                    .lines()
                    .find_map(|l| l.trim_start().strip_prefix("--> "))?;
                let mut parts = place.rsplitn(3, ':');
                let column = parts.next()?.trim().parse().ok()?;
                let line = parts.next()?.parse().ok()?;
                Some((PathBuf::from(parts.next()?), line, column))
            }
            Error::Many(_) => None,
        }
    }
    errors = errors.into_iter().flat_map(Error::flatten).collect();
    errors.sort_by_cached_key(key);
    errors
}

/// Runs one stage of the pipeline, turning a panic inside it (a bug of
/// guide's, or of a crate it uses, Pagefind included) into an error that
/// names the stage, so that `build` ends with a message and exit status 1
/// instead of an abort, and `serve` goes on to the next change.
pub fn guard<T>(stage: &str, run: impl FnOnce() -> Result<T>) -> Result<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(run))
        .unwrap_or_else(|panic| Err(panicked(stage, panic.as_ref())))
}

/// What a caught panic said.
pub fn panicked_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".to_string())
}

/// The error for a panic caught while `stage` ran.
pub fn panicked(stage: &str, panic: &(dyn std::any::Any + Send)) -> Error {
    let what = panicked_message(panic);
    Error::with_help(
        format!("guide failed while {stage}: {what}"),
        "this is a bug in guide, not in your site: please report it, with the file that was changed last",
    )
}

/// A non-fatal problem: printed, counted, and fatal under `--deny-warnings`.
pub type Warning = Diagnostic;

/// Turns a byte offset in `source` into a 1-based line and column (the column
/// counted in characters).
pub fn line_column(source: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(source.len());
    let before = &source[..floor_char_boundary(source, offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

fn floor_char_boundary(s: &str, mut index: usize) -> usize {
    while !s.is_char_boundary(index) {
        index -= 1;
    }
    index
}

/// The closest of `candidates` to a mistyped `word`, when one is close enough
/// to be a likely typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|candidate| (edit_distance(word, candidate), candidate))
        .filter(|(distance, candidate)| *distance <= 2.max(candidate.len() / 4))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous[j] + usize::from(ca != *cb);
            current.push(substitute.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

/// Reads serde's "unknown field `x`, expected one of `a`, `b`" message back
/// into the key and the expected keys, so that we can say it our way.
pub fn unknown_field(message: &str) -> Option<(String, Vec<String>)> {
    let rest = message.strip_prefix("unknown field `")?;
    let (key, rest) = rest.split_once('`')?;
    let expected = rest
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect();
    Some((key.to_string(), expected))
}

/// Says serde's Rust type names ("expected usize", "expected struct RawFeed")
/// in words a writer knows; `table` is what the file's language calls a set
/// of keys (TOML's "table", YAML's "mapping").
pub fn plain_types(message: &str, table: &str) -> String {
    let mut message = message
        .replace("expected usize", "expected a whole number, 0 or more")
        .replace("expected i64", "expected a whole number")
        .replace("expected path string", "expected a string")
        .replace("type: map,", &format!("type: {table},"))
        .replace("expected a map", &format!("expected a {table}"));
    const STRUCT: &str = "expected struct ";
    while let Some(start) = message.find(STRUCT) {
        let name = start + STRUCT.len();
        let end = message[name..]
            .find(|c: char| !c.is_alphanumeric() && c != '_')
            .map_or(message.len(), |i| name + i);
        message.replace_range(start..end, &format!("expected a {table}"));
    }
    message
}

/// The help line for an unknown key: a likely intended key, then the list.
pub fn unknown_key_help(key: &str, expected: &[String]) -> String {
    let list = expected.join(", ");
    match did_you_mean(key, expected.iter().map(String::as_str)) {
        Some(near) => format!("did you mean `{near}`? Allowed keys: {list}"),
        None => format!("allowed keys: {list}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_diagnostic_shows_the_line_and_a_caret() {
        let source = "---\ntitel: Hi\n---\n";
        let d = Diagnostic::at("content/a.md", source, 2, 1, "unknown key `titel`")
            .width(5)
            .help("did you mean `title`?");
        assert_eq!(
            d.to_string(),
            "unknown key `titel`\n --> content/a.md:2:1\n  |\n2 | titel: Hi\n  | ^^^^^\n  = help: did you mean `title`?"
        );
    }

    #[test]
    fn control_characters_of_a_source_are_shown_escaped() {
        let source = "---\ntitle: \u{1b}[2Jgone\u{7f}\u{7}\tx: y\n---\n";
        let d = Diagnostic::at("content/a.md", source, 2, 19, "unknown key `\u{1b}[31mx`");
        let shown = d.to_string();
        assert!(
            !shown.contains('\u{1b}') && !shown.contains('\u{7f}'),
            "{shown:?}"
        );
        assert_eq!(
            shown,
            "unknown key `\\u{1b}[31mx`\n --> content/a.md:2:19\n  |\n2 | title: \\u{1b}[2Jgone\\u{7f}\\u{7}\tx: y\n  |                                \t^"
        );
    }

    #[test]
    fn errors_are_sorted_by_file_then_place() {
        let at =
            |path: &str, line| -> Error { Diagnostic::at(path, "a\nb\nc\n", line, 1, "x").into() };
        let errors = vec![
            at("site.toml", 2),
            Error::Many(vec![at("content/b.md", 3), at("content/b.md", 1)]),
            Error::msg("no file"),
            Diagnostic::file("content/a.md", "whole file").into(),
        ];
        let places: Vec<String> = sorted(errors)
            .iter()
            .map(|e| match e.diagnostic() {
                Some(d) => format!("{}:{:?}", d.path.display(), d.position),
                None => e.to_string(),
            })
            .collect();
        assert_eq!(
            places,
            [
                "no file",
                "content/a.md:None",
                "content/b.md:Some((1, 1))",
                "content/b.md:Some((3, 1))",
                "site.toml:Some((2, 1))"
            ]
        );
    }

    #[test]
    fn a_panic_in_a_stage_becomes_an_error_naming_it() {
        let err = guard::<()>("indexing", || panic!("slice index 40 out of range")).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("guide failed while indexing: slice index 40 out of range"),
            "{err}"
        );
        let owned = guard::<()>("rendering", || panic!("{}", String::from("owned"))).unwrap_err();
        assert!(owned.to_string().contains("rendering: owned"), "{owned}");
        assert_eq!(guard("fine", || Ok(3)).unwrap(), 3);
    }

    #[test]
    fn a_long_line_is_cut_around_the_column() {
        let text = format!("{}X{}", "a".repeat(300), "b".repeat(300));
        let (shown, column) = window(&text, 301);
        assert_eq!(shown.chars().nth(column - 1), Some('X'));
        assert!(shown.starts_with('…') && shown.ends_with('…'));
        assert_eq!(shown.chars().count(), WIDEST_LINE + 2);
        assert_eq!(window("short", 3), ("short".to_string(), 3));
    }

    #[test]
    fn line_column_counts_characters() {
        let source = "ab\nçd€x\n";
        assert_eq!(line_column(source, 0), (1, 1));
        assert_eq!(line_column(source, 3), (2, 1));
        let x = source.find('x').unwrap();
        assert_eq!(line_column(source, x), (2, 4));
    }

    #[test]
    fn rust_type_names_become_words() {
        assert_eq!(
            plain_types(
                "invalid type: string \"x\", expected struct RawFeed",
                "table"
            ),
            "invalid type: string \"x\", expected a table"
        );
        assert_eq!(
            plain_types("invalid value: integer `-1`, expected usize", "table"),
            "invalid value: integer `-1`, expected a whole number, 0 or more"
        );
        assert_eq!(
            plain_types("invalid type: map, expected i64", "mapping"),
            "invalid type: mapping, expected a whole number"
        );
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn any_diagnostic_displays(
                source in "\\PC{0,300}(\n\\PC{0,300}){0,3}",
                line in 0usize..8,
                column in 0usize..700,
                width in 0usize..50,
            ) {
                let d = Diagnostic::at("a.md", &source, line, column, "wrong").width(width);
                let shown = d.to_string();
                let at = format!("a.md:{}:{}", line.max(1), column.max(1));
                prop_assert!(shown.contains(&at), "{}", shown);
            }

            #[test]
            fn line_column_is_inside_the_text(source in "\\PC{0,40}(\n\\PC{0,40}){0,3}", offset in 0usize..200) {
                let (line, column) = line_column(&source, offset);
                let text = source.split('\n').nth(line - 1);
                prop_assert!(text.is_some_and(|t| column <= t.chars().count() + 1));
            }
        }
    }
}
