//! Splitting a Markdown file into YAML front matter and body, and parsing the
//! front matter. This is the one place that knows serde_yaml: its errors are
//! turned into located diagnostics here, with the front-matter offset added.

use std::path::Path;

use serde::de::{DeserializeOwned, DeserializeSeed, Error as _};
use serde::{Deserialize, Deserializer};

use crate::error::{
    did_you_mean, line_column, plain_types, unknown_field, unknown_key_help, Diagnostic,
};

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

/// What a YAML text is, for the words of its errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Yaml {
    /// The front matter of a page, a section or a Markdown script.
    FrontMatter,
    /// A whole YAML script (`content/scripts/*.yaml`).
    Script,
}

impl Yaml {
    fn noun(self) -> &'static str {
        match self {
            Yaml::FrontMatter => "front matter",
            Yaml::Script => "script",
        }
    }

    fn key(self) -> &'static str {
        match self {
            Yaml::FrontMatter => "front-matter key",
            Yaml::Script => "key",
        }
    }
}

/// How deep `[` and `{` may nest. serde_yaml refuses more than 128 levels of
/// anything, but only after libyaml has scanned the whole text, in a time
/// that grows with the square of the depth: 100,000 `[` take minutes.
pub const DEEPEST: usize = 128;

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
    from_yaml(path, source, split.yaml_line, split.yaml, Yaml::FrontMatter)
}

/// Parses front-matter YAML with `seed`, for front matter whose keys depend
/// on the site (a page's taxonomies); errors as [`parse`]'s.
pub fn parse_seeded<T: Default, S: for<'de> DeserializeSeed<'de, Value = T>>(
    path: &Path,
    source: &str,
    split: &Split<'_>,
    seed: S,
) -> Result<T, crate::error::Error> {
    if split.yaml.trim().is_empty() {
        return Ok(T::default());
    }
    check_depth(path, source, split.yaml_line, split.yaml, Yaml::FrontMatter)?;
    seed.deserialize(serde_yaml::Deserializer::from_str(split.yaml))
        .map_err(|err| yaml_error(path, source, split.yaml_line, Yaml::FrontMatter, &err).into())
}

/// Moves an error that serde_yaml placed at the start of the front matter
/// (where the errors of guide's own checks of a value land: a slug without
/// letters, a term without a URL) to the line of `key`, the key whose value
/// was being read.
pub fn at_key(
    err: crate::error::Error,
    source: &str,
    split: &Split<'_>,
    key: &str,
) -> crate::error::Error {
    let crate::error::Error::Located(diagnostic) = err else {
        return err;
    };
    let at_start = diagnostic.position == Some((split.yaml_line, 1));
    let found = source
        .lines()
        .enumerate()
        .skip(split.yaml_line - 1)
        .take(split.yaml.lines().count())
        .find(|(_, line)| {
            line.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
        });
    match found {
        Some((i, line)) if at_start && !key.is_empty() && i + 1 != split.yaml_line => {
            let value = line[key.len()..].trim_start()[1..].trim_start();
            let column = line.len() - value.len() + 1;
            let moved = Diagnostic {
                position: Some((i + 1, column.min(line.len() + 1))),
                line_text: Some(line.trim_end_matches('\r').to_string()),
                ..*diagnostic
            };
            moved.into()
        }
        _ => crate::error::Error::Located(diagnostic),
    }
}

/// Parses `yaml`, which starts on line `first_line` of `source` (the whole
/// file), into `T`: the one call of serde_yaml, behind a guard against
/// runaway nesting.
pub fn from_yaml<T: DeserializeOwned>(
    path: &Path,
    source: &str,
    first_line: usize,
    yaml: &str,
    kind: Yaml,
) -> Result<T, crate::error::Error> {
    check_depth(path, source, first_line, yaml, kind)?;
    serde_yaml::from_str(yaml)
        .map_err(|err| yaml_error(path, source, first_line, kind, &err).into())
}

/// Refuses YAML nested deeper than [`DEEPEST`] before libyaml sees it.
fn check_depth(
    path: &Path,
    source: &str,
    first_line: usize,
    yaml: &str,
    kind: Yaml,
) -> Result<(), crate::error::Error> {
    if let Some(offset) = too_deep(yaml) {
        let (line, column) = line_column(yaml, offset);
        return Err(Diagnostic::at(
            path,
            source,
            line + first_line - 1,
            column,
            format!("the {} is nested too deeply", kind.noun()),
        )
        .help(format!(
            "lists and mappings may be nested {DEEPEST} levels deep at most"
        ))
        .into());
    }
    Ok(())
}

/// The byte offset at which `[` and `{` nest deeper than [`DEEPEST`]. Every
/// bracket counts, quoted or not: an unbalanced one in prose can only make
/// the count higher, and a runaway `[[[[…` is caught wherever it is.
fn too_deep(yaml: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (offset, byte) in yaml.bytes().enumerate() {
        match byte {
            b'[' | b'{' => {
                depth += 1;
                if depth > DEEPEST {
                    return Some(offset);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// Turns a serde_yaml error into a located diagnostic, `first_line` being the
/// line of the file on which the YAML text starts.
fn yaml_error(
    path: &Path,
    source: &str,
    first_line: usize,
    kind: Yaml,
    err: &serde_yaml::Error,
) -> Diagnostic {
    let mark = err.location().map(|l| (l.line(), l.column()));
    let (line, column) = mark.map_or((first_line, 1), |(l, c)| (l + first_line - 1, c));
    let mut message = shift_marks(&err.to_string(), mark, first_line);
    if message.contains("found a tab character") {
        // Where the scalar around the tab began only blurs the point.
        message.truncate(message.find(", while").unwrap_or(message.len()));
    }
    let at = |(line, column): (usize, usize), message: String| {
        Diagnostic::at(path, source, line, column, message)
    };
    let noun = kind.noun();
    if message.contains("repetition limit exceeded") {
        let place = first_alias(source, first_line).unwrap_or((line, column));
        return at(place, format!("the {noun} expands too far"))
            .help("YAML anchors and aliases may not be used to build huge values");
    }
    if message.contains("recursion limit exceeded") {
        return at((line, column), format!("the {noun} is nested too deeply")).help(format!(
            "lists and mappings may be nested {DEEPEST} levels deep at most"
        ));
    }
    if let Some((key, expected)) = unknown_field(&message) {
        let mut help = unknown_key_help(&key, &expected);
        let no_near_key = did_you_mean(&key, expected.iter().map(String::as_str)).is_none();
        if kind == Yaml::FrontMatter && no_near_key {
            help.push_str(&format!(
                "; to file pages under `{key}`, declare a taxonomy: `[taxonomies.{key}]` in site.toml"
            ));
        }
        return at((line, column), format!("unknown {} `{key}`", kind.key()))
            .width(key.chars().count())
            .help(help);
    }
    if let Some(key) = duplicate_key(&message) {
        let place = second_key(source, first_line, key).unwrap_or((line, column));
        return at(place, format!("`{key}` is written twice"))
            .width(key.chars().count())
            .help("keep one of the two lines");
    }
    plain_error(path, source, first_line, kind, (line, column), &message)
}

/// Any other YAML error: serde's message in plain words, at its place (or,
/// for our own checks, at the value it quotes), with a word about tabs.
fn plain_error(
    path: &Path,
    source: &str,
    first_line: usize,
    kind: Yaml,
    (line, column): (usize, usize),
    message: &str,
) -> Diagnostic {
    // Errors raised by our own checks (dates, slugs) come back located at the
    // start of the mapping; point at the value they quote instead.
    let quoted = quoted_value(message).and_then(|v| find_value(source, first_line, v));
    let (line, column) = match quoted {
        Some(found) if (line, column) == (first_line, 1) => found,
        _ => (line, column),
    };
    let message = plain_types(message, "mapping");
    let message = match message.strip_prefix("missing field ") {
        Some(key) => format!("missing {} {key}", kind.key()),
        None => format!("invalid {}: {message}", kind.noun()),
    };
    let diagnostic = Diagnostic::at(path, source, line, column, message);
    let indented_by_tab = source.lines().nth(line - 1).is_some_and(|text| {
        let indent = &text[..text.len() - text.trim_start().len()];
        indent.contains('\t')
    });
    if indented_by_tab {
        return diagnostic.help("YAML is indented with spaces; this line starts with a tab");
    }
    diagnostic
}

/// Rewrites libyaml's ` at line L column C` marks: the problem's own mark
/// (shown as the location) is dropped, any other (where the construct being
/// parsed began) is shifted from YAML lines to file lines.
fn shift_marks(message: &str, mark: Option<(usize, usize)>, first_line: usize) -> String {
    const AT: &str = " at line ";
    let mut out = String::new();
    let mut rest = message;
    while let Some(start) = rest.find(AT) {
        out.push_str(&rest[..start]);
        let after = &rest[start + AT.len()..];
        let parsed = after.split_once(" column ").and_then(|(line, tail)| {
            let digits = tail.len() - tail.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            let column = tail[..digits].parse::<usize>().ok()?;
            Some((line.parse::<usize>().ok()?, column, &tail[digits..]))
        });
        match parsed {
            Some((line, column, tail)) => {
                if mark != Some((line, column)) {
                    let line = line + first_line - 1;
                    out.push_str(&format!("{AT}{line} column {column}"));
                }
                rest = tail;
            }
            None => {
                out.push_str(AT);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The key named by serde's "duplicate field `k`" or serde_yaml's
/// "duplicate entry with key \"k\"".
fn duplicate_key(message: &str) -> Option<&str> {
    if let Some(rest) = message.split("duplicate field `").nth(1) {
        return rest.split('`').next();
    }
    let rest = message.split("duplicate entry with key \"").nth(1)?;
    rest.split('"').next()
}

/// Where `key:` is written a second time, from line `first_line` on.
fn second_key(source: &str, first_line: usize, key: &str) -> Option<(usize, usize)> {
    source
        .lines()
        .enumerate()
        .skip(first_line - 1)
        .filter_map(|(i, line)| {
            let trimmed = line.trim_start().trim_start_matches("- ");
            let written = trimmed
                .strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with(':'));
            written.then(|| {
                (
                    i + 1,
                    line[..line.len() - trimmed.len()].chars().count() + 1,
                )
            })
        })
        .nth(1)
}

/// The first alias (`*name`) from line `first_line` on.
fn first_alias(source: &str, first_line: usize) -> Option<(usize, usize)> {
    source
        .lines()
        .enumerate()
        .skip(first_line - 1)
        .find_map(|(i, line)| {
            let at = line.char_indices().find_map(|(j, c)| {
                let before = line[..j].chars().next_back();
                let after = line[j + 1..].chars().next();
                let starts = before.is_none_or(|b| b.is_whitespace() || "[{,:".contains(b));
                (c == '*' && starts && after.is_some_and(|a| a.is_alphanumeric())).then_some(j)
            })?;
            Some((i + 1, line[..at].chars().count() + 1))
        })
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

    fn front_matter_error(source: &str) -> Diagnostic {
        let split = split(source).unwrap();
        let path = Path::new("content/a.md");
        let err = from_yaml::<crate::content::FrontMatter>(
            path,
            source,
            2,
            split.yaml,
            Yaml::FrontMatter,
        )
        .unwrap_err();
        err.diagnostic().unwrap().clone()
    }

    #[test]
    fn libyaml_positions_are_moved_to_file_lines() {
        let d = front_matter_error("---\ntitle: A\ntags: [one, two\n---\n");
        assert_eq!(
            d.message,
            "invalid front matter: did not find expected ',' or ']', while parsing a flow sequence at line 3 column 7"
        );
        assert_eq!(d.position, Some((4, 1)));
    }

    #[test]
    fn a_tab_is_named_as_the_problem() {
        let d = front_matter_error("---\ntitle: A\n\tdate: 2026-01-01\n---\n");
        assert_eq!(
            d.message,
            "invalid front matter: found a tab character that violates indentation"
        );
        assert_eq!(d.position, Some((3, 1)));
        assert_eq!(
            d.help.as_deref(),
            Some("YAML is indented with spaces; this line starts with a tab")
        );
    }

    #[test]
    fn a_key_written_twice_points_at_the_second() {
        let d = front_matter_error("---\ntitle: A\ndraft: true\ntitle: B\n---\n");
        assert_eq!(d.message, "`title` is written twice");
        assert_eq!(d.position, Some((4, 1)));
    }

    #[test]
    fn runaway_nesting_is_refused_before_libyaml_sees_it() {
        let deep = format!(
            "---\ntitle: A\nextra:\n  x: {}\n---\n",
            "[".repeat(1_000_000)
        );
        let started = std::time::Instant::now();
        let d = front_matter_error(&deep);
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
        assert_eq!(d.message, "the front matter is nested too deeply");
        assert_eq!(d.position, Some((4, 6 + DEEPEST)));
        let fine = format!(
            "x: {}{}\n",
            "[".repeat(DEEPEST - 2),
            "]".repeat(DEEPEST - 2)
        );
        assert_eq!(too_deep(&fine), None);
    }

    #[test]
    fn an_alias_bomb_points_at_the_first_alias() {
        let mut source =
            String::from("---\ntitle: A\nextra:\n  a: &a [x, x, x, x, x, x, x, x, x]\n");
        for (name, previous) in ["b", "c", "d", "e", "f", "g", "h", "i", "j"]
            .iter()
            .zip(["a", "b", "c", "d", "e", "f", "g", "h", "i"])
        {
            let items = vec![format!("*{previous}"); 9].join(", ");
            source.push_str(&format!("  {name}: &{name} [{items}]\n"));
        }
        source.push_str("---\n");
        let d = front_matter_error(&source);
        assert_eq!(d.message, "the front matter expands too far");
        assert_eq!(d.position, Some((5, 10)));
    }

    /// Properties: the splitter and the YAML reader never panic, whatever
    /// they are given, and every position they report is in the file.
    mod properties {
        use super::*;
        use proptest::prelude::*;

        /// Text made of what front matter is made of.
        fn yamlish() -> impl Strategy<Value = String> {
            let token = prop_oneof![
                Just("---".to_string()),
                Just("\n".to_string()),
                Just("\r\n".to_string()),
                Just("title: ".to_string()),
                Just("date: ".to_string()),
                Just("tags:".to_string()),
                Just("slug: ".to_string()),
                Just("extra:".to_string()),
                Just("  - ".to_string()),
                Just("\t".to_string()),
                Just("\u{feff}".to_string()),
                "[-:\\[\\]{}&*!|>'\"#%@, a-z0-9.]{0,6}",
            ];
            prop::collection::vec(token, 0..30).prop_map(|tokens| tokens.concat())
        }

        /// Lines that are not a fence.
        fn line() -> impl Strategy<Value = String> {
            "[^\r\n]{0,12}".prop_filter("a fence", |l| l.trim_end() != "---")
        }

        proptest! {
            #[test]
            fn split_never_panics_and_cuts_at_the_fences(source in prop_oneof![yamlish(), any::<String>()]) {
                if let Ok(split) = split(&source) {
                    prop_assert_eq!(&source[split.body_offset..], split.body);
                    prop_assert!(source.starts_with("---"));
                    let yaml_start = source.find('\n').unwrap() + 1;
                    prop_assert_eq!(&source[yaml_start..yaml_start + split.yaml.len()], split.yaml);
                    let fence = &source[yaml_start + split.yaml.len()..split.body_offset];
                    prop_assert_eq!(fence.trim_end(), "---");
                }
            }

            #[test]
            fn split_gives_back_what_was_joined(
                lines in prop::collection::vec(line(), 0..6),
                body in any::<String>(),
                crlf in any::<bool>(),
            ) {
                let eol = if crlf { "\r\n" } else { "\n" };
                let yaml: String = lines.iter().map(|l| format!("{l}{eol}")).collect();
                let source = format!("---{eol}{yaml}---{eol}{body}");
                let split = split(&source).unwrap();
                prop_assert_eq!(split.yaml, yaml.as_str());
                prop_assert_eq!(split.body, body.as_str());
                prop_assert_eq!(split.yaml_line, 2);
            }

            #[test]
            fn front_matter_errors_point_into_the_file(yaml in yamlish()) {
                let source = format!("---\n{yaml}\n---\nBody\n");
                let Ok(split) = split(&source) else { return Ok(()) };
                let path = Path::new("content/a.md");
                let parsed: Result<crate::content::FrontMatter, _> =
                    from_yaml(path, &source, 2, split.yaml, Yaml::FrontMatter);
                if let Some(d) = parsed.as_ref().err().and_then(|e| e.diagnostic()) {
                    if let Some((line, column)) = d.position {
                        let lines: Vec<&str> = source.split('\n').collect();
                        prop_assert!(line >= 1 && line <= lines.len(), "{d}");
                        prop_assert!(column >= 1, "{d}");
                    }
                    let _ = d.to_string();
                }
            }

            #[test]
            fn dates_never_panic(text in "[0-9T:+Z -]{0,30}|\\PC{0,30}") {
                let _ = Date::parse(&text);
            }
        }
    }
}
