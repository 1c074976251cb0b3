//! Splitting a Markdown file into YAML front matter and body, and parsing the
//! front matter. This is the one place that knows serde_yaml: its errors are
//! turned into located diagnostics here, with the front-matter offset added.

use std::path::Path;

use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer};

use crate::error::{unknown_field, unknown_key_help, Diagnostic};

/// A file cut at its front-matter fences.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<'a> {
    /// The YAML between the fences.
    pub yaml: &'a str,
    /// The 1-based line of the file on which the YAML starts.
    pub yaml_line: usize,
    /// Everything after the closing fence.
    pub body: &'a str,
    /// The byte offset of the body in the file.
    pub body_offset: usize,
}

/// Cuts `source` at its `---` fences. The error says what is wrong and what to
/// do; the caller adds the path.
pub fn split(source: &str) -> Result<Split<'_>, (String, &'static str)> {
    if source.trim().is_empty() {
        return Err((
            "the file is empty".into(),
            "a page starts with front matter: `---`, `title: …`, `---`, then the text",
        ));
    }
    let first_line = source.lines().next().unwrap_or_default().trim_end();
    if first_line != "---" {
        let help = if first_line == "+++" {
            "guide reads YAML front matter between `---` lines, not TOML between `+++`"
        } else {
            "front matter must start with `---` on the first line"
        };
        return Err(("missing front matter".into(), help));
    }
    let yaml_start = source.find('\n').map_or(source.len(), |i| i + 1);
    let mut offset = yaml_start;
    for line in source[yaml_start..].split_inclusive('\n') {
        if line.trim_end() == "---" {
            let body_offset = offset + line.len();
            return Ok(Split {
                yaml: &source[yaml_start..offset],
                yaml_line: 2,
                body: &source[body_offset..],
                body_offset,
            });
        }
        offset += line.len();
    }
    Err((
        "the front matter is never closed".into(),
        "add a line `---` after the last front-matter key",
    ))
}

/// Parses front-matter YAML into `T`, turning serde_yaml's errors into
/// diagnostics located in the whole file (`source`).
pub fn parse<T: DeserializeOwned + Default>(
    path: &Path,
    source: &str,
    split: &Split<'_>,
) -> Result<T, crate::error::Error> {
    if split.yaml.trim().is_empty() {
        return Ok(T::default());
    }
    serde_yaml::from_str(split.yaml)
        .map_err(|err| yaml_error(path, source, split.yaml_line, &err).into())
}

/// Turns a serde_yaml error into a located diagnostic, `first_line` being the
/// line of the file on which the YAML text starts.
pub fn yaml_error(
    path: &Path,
    source: &str,
    first_line: usize,
    err: &serde_yaml::Error,
) -> Diagnostic {
    let (line, column) = err
        .location()
        .map_or((first_line, 1), |l| (l.line() + first_line - 1, l.column()));
    let message = strip_location(&err.to_string());
    // Errors raised by our own checks (dates, slugs) come back located at the
    // start of the mapping; point at the value they quote instead.
    let (line, column) =
        match quoted_value(&message).and_then(|v| find_value(source, first_line, v)) {
            Some(found) if (line, column) == (first_line, 1) => found,
            _ => (line, column),
        };
    if let Some((key, expected)) = unknown_field(&message) {
        return Diagnostic::at(
            path,
            source,
            line,
            column,
            format!("unknown front-matter key `{key}`"),
        )
        .width(key.chars().count())
        .help(unknown_key_help(&key, &expected));
    }
    if message.contains("repetition limit exceeded") || message.contains("recursion limit exceeded")
    {
        return Diagnostic::at(
            path,
            source,
            line,
            column,
            "the front matter expands too far",
        )
        .help("YAML anchors and aliases may not be used to build huge values");
    }
    let message = message
        .strip_prefix("missing field ")
        .map(|key| format!("missing front-matter key {key}"))
        .unwrap_or_else(|| format!("invalid front matter: {message}"));
    Diagnostic::at(path, source, line, column, message)
}

fn quoted_value(message: &str) -> Option<&str> {
    let start = message.find('`')? + 1;
    let end = start + message[start..].find('`')?;
    Some(&message[start..end]).filter(|v| !v.is_empty())
}

/// The line and column where `value` is written after a key, from line
/// `first_line` on.
fn find_value(source: &str, first_line: usize, value: &str) -> Option<(usize, usize)> {
    source
        .lines()
        .enumerate()
        .skip(first_line - 1)
        .find_map(|(i, line)| {
            let colon = line.find(':')?;
            let at = colon + line[colon..].find(value)?;
            Some((i + 1, line[..at].chars().count() + 1))
        })
}

fn strip_location(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) if message[i..].contains(" column ") => message[..i].to_string(),
        _ => message.to_string(),
    }
}

/// A date or date-time written in front matter, kept as written (ISO 8601)
/// with a key to sort by.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct Date {
    pub text: String,
    #[serde(skip)]
    pub sort_key: i64,
}

impl Date {
    /// Reads `2026-02-14`, `2026-02-14T09:30:00Z`, `2026-02-14T09:30:00+02:00`
    /// or `2026-02-14 09:30:00`.
    pub fn parse(text: &str) -> Result<Date, String> {
        let text = text.trim();
        let sort_key = if let Ok(ts) = text.parse::<jiff::Timestamp>() {
            ts.as_second()
        } else if let Ok(dt) = text.replacen(' ', "T", 1).parse::<jiff::civil::DateTime>() {
            dt.to_zoned(jiff::tz::TimeZone::UTC)
                .map_err(|e| e.to_string())?
                .timestamp()
                .as_second()
        } else {
            let date: jiff::civil::Date = text.parse().map_err(|_| {
                format!("invalid date `{text}`: write it as 2026-02-14 or 2026-02-14T09:30:00Z")
            })?;
            date.to_zoned(jiff::tz::TimeZone::UTC)
                .map_err(|e| e.to_string())?
                .timestamp()
                .as_second()
        };
        Ok(Date {
            text: text.to_string(),
            sort_key,
        })
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Date::parse(&text).map_err(D::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_at_the_fences() {
        let source = "---\ntitle: A\n---\nBody\n";
        let split = split(source).unwrap();
        assert_eq!(split.yaml, "title: A\n");
        assert_eq!(split.body, "Body\n");
        assert_eq!(&source[split.body_offset..], "Body\n");
    }

    #[test]
    fn splits_crlf_files() {
        let split = split("---\r\ntitle: A\r\n---\r\nBody\r\n").unwrap();
        assert_eq!(split.yaml, "title: A\r\n");
        assert_eq!(split.body, "Body\r\n");
    }

    #[test]
    fn refuses_files_without_fences() {
        assert_eq!(
            split("title: A\n").unwrap_err().1,
            "front matter must start with `---` on the first line"
        );
        assert_eq!(
            split("---\ntitle: A\n").unwrap_err().0,
            "the front matter is never closed"
        );
        assert_eq!(split("").unwrap_err().0, "the file is empty");
    }

    #[test]
    fn dates_are_checked() {
        assert!(Date::parse("2026-02-14").is_ok());
        assert!(Date::parse("2026-02-14T09:30:00Z").is_ok());
        assert!(Date::parse("2026-02-14T09:30:00+02:00").is_ok());
        assert!(Date::parse("2026-02-14 09:30:00").is_ok());
        assert_eq!(
            Date::parse("2026-02-30").unwrap_err(),
            "invalid date `2026-02-30`: write it as 2026-02-14 or 2026-02-14T09:30:00Z"
        );
        let early = Date::parse("2026-02-14").unwrap();
        let later = Date::parse("2026-02-14T09:30:00Z").unwrap();
        assert!(early.sort_key < later.sort_key);
    }
}
