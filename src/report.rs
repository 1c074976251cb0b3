//! Diagnostics as JSON, one object a line, for CI and editors
//! (`--message-format json`).
//!
//! The object has the flat keys a CI annotation needs (`level`, `message`,
//! `file`, `line`, `column`, `end`, `help`) beside the shape of rustc's JSON
//! diagnostics (`$message_type`, `spans`, `children`, `rendered`), so a tool
//! written for `cargo build --message-format json` reads it too. Like
//! cargo's, they go to standard output; status lines go to standard error.

use serde_json::{json, Value};

use crate::error::{display_path, Diagnostic, Error};

/// A diagnostic's severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Error,
    Warning,
}

impl Level {
    fn name(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
        }
    }
}

/// One error as a JSON object: located when it names a place, else with a
/// `null` file (a Tera error's ` --> file:line:column` is read back).
pub fn error(error: &Error, level: Level) -> Value {
    match error {
        Error::Located(d) => diagnostic(d, level),
        Error::Io { path, .. } => object(level, &error.to_string(), Some(place(path, None)), None),
        Error::Message { message, help } => {
            let found = tera_place(message);
            let first = message.lines().next().unwrap_or_default();
            let text = if found.is_some() { first } else { message };
            object(level, text, found, help.as_deref())
                .as_object()
                .cloned()
                .map(|mut o| {
                    o.insert("rendered".into(), Value::String(error.to_string()));
                    Value::Object(o)
                })
                .unwrap_or_default()
        }
        Error::Many(_) => object(level, &error.to_string(), None, None),
    }
}

/// One diagnostic as a JSON object.
pub fn diagnostic(d: &Diagnostic, level: Level) -> Value {
    let (line, column) = d.position.unzip();
    let found = Place {
        file: display_path(&d.path),
        line,
        column,
        end_column: column.map(|c| c + d.width),
        text: d.line_text.clone(),
    };
    let mut value = object(level, &d.message, Some(found), d.help.as_deref());
    value["rendered"] = Value::String(d.to_string());
    value
}

/// Where a diagnostic points.
struct Place {
    file: String,
    line: Option<usize>,
    column: Option<usize>,
    /// The column just past the underlined text, on the same line.
    end_column: Option<usize>,
    text: Option<String>,
}

fn place(path: &std::path::Path, position: Option<(usize, usize)>) -> Place {
    Place {
        file: display_path(path),
        line: position.map(|p| p.0),
        column: position.map(|p| p.1),
        end_column: position.map(|p| p.1 + 1),
        text: None,
    }
}

/// The ` --> file:line:column` line of a Tera error.
fn tera_place(message: &str) -> Option<Place> {
    let at = message
        .lines()
        .find_map(|l| l.trim_start().strip_prefix("--> "))?;
    let mut parts = at.rsplitn(3, ':');
    let column: usize = parts.next()?.trim().parse().ok()?;
    let line: usize = parts.next()?.parse().ok()?;
    Some(place(
        std::path::Path::new(parts.next()?),
        Some((line, column)),
    ))
}

fn object(level: Level, message: &str, found: Option<Place>, help: Option<&str>) -> Value {
    let children: Vec<Value> = help
        .map(|h| json!({"message": h, "level": "help", "spans": [], "children": [], "rendered": null}))
        .into_iter()
        .collect();
    let (file, line, column, end, spans) = match found {
        Some(p) => {
            let line_end = p.line.unwrap_or(1);
            let span = json!({
                "file_name": p.file,
                "line_start": p.line.unwrap_or(1),
                "line_end": line_end,
                "column_start": p.column.unwrap_or(1),
                "column_end": p.end_column.unwrap_or(1),
                "is_primary": true,
                "label": null,
                "text": p.text.iter().map(|t| json!({
                    "text": t,
                    "highlight_start": p.column.unwrap_or(1),
                    "highlight_end": p.end_column.unwrap_or(1),
                })).collect::<Vec<_>>(),
            });
            let end = p
                .line
                .map(|l| json!({"line": l, "column": p.end_column.unwrap_or(1)}));
            (Some(p.file), p.line, p.column, end, vec![span])
        }
        None => (None, None, None, None, Vec::new()),
    };
    json!({
        "$message_type": "diagnostic",
        "level": level.name(),
        "message": message,
        "code": null,
        "file": file,
        "line": line,
        "column": column,
        "end": end,
        "help": help,
        "spans": spans,
        "children": children,
        "rendered": message,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_located_diagnostic_has_its_place_and_span() {
        let d = Diagnostic::at("content/a.md", "---\ntitel: x\n---\n", 2, 1, "unknown key")
            .width(5)
            .help("did you mean `title`?");
        let value = diagnostic(&d, Level::Error);
        assert_eq!(value["level"], "error");
        assert_eq!(value["file"], "content/a.md");
        assert_eq!(
            (value["line"].as_u64(), value["column"].as_u64()),
            (Some(2), Some(1))
        );
        assert_eq!(value["end"], json!({"line": 2, "column": 6}));
        assert_eq!(value["help"], "did you mean `title`?");
        assert_eq!(value["spans"][0]["text"][0]["text"], "titel: x");
        assert_eq!(value["children"][0]["level"], "help");
    }

    #[test]
    fn a_tera_message_is_placed_from_its_arrow() {
        let err = Error::msg("bad filter\n --> templates/page.html:3:7\n  |");
        let value = error(&err, Level::Error);
        assert_eq!(value["file"], "templates/page.html");
        assert_eq!(value["line"], 3);
        assert_eq!(value["message"], "bad filter");
        let plain = error(&Error::msg("no file"), Level::Warning);
        assert_eq!(plain["file"], Value::Null);
        assert_eq!(plain["level"], "warning");
    }
}
