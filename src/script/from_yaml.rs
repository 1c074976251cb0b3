//! YAML templates: `content/scripts/<slug>.yaml`, the whole script in YAML.

use serde::Deserialize;

use super::{find_key, message, slug_of, url, Field, Format, Message, Origin, Script};
use crate::config::Config;
use crate::content::ScriptSource;
use crate::error::{Diagnostic, Error, Result};

/// One value or a list of them: `relationship: peer` or `[peer, rival]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    #[default]
    None,
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    /// The values as a list.
    pub fn into_vec(self) -> Vec<String> {
        match self {
            OneOrMany::None => Vec::new(),
            OneOrMany::One(one) => vec![one],
            OneOrMany::Many(many) => many,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMessage {
    pub name: String,
    pub label: Option<String>,
    pub channel: String,
    pub body: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTemplate {
    title: String,
    summary: String,
    situation: String,
    #[serde(default)]
    relationship: OneOrMany,
    #[serde(default)]
    fields: Vec<Field>,
    #[serde(default)]
    messages: Vec<RawMessage>,
    #[serde(default)]
    notes: String,
    weight: Option<i64>,
    #[serde(default)]
    draft: bool,
    #[serde(default)]
    tags: Vec<String>,
}

/// Parses a YAML template; drafts come back like any other (the caller has
/// no page for them to hide from, and `uses:` may still name them).
/// Parses a YAML template. Drafts are returned too, marked, since a
/// published Markdown script may still use them.
pub fn parse(config: &Config, source: &ScriptSource) -> Result<Script> {
    let text = &source.source;
    let raw: RawTemplate = if text.trim().is_empty() {
        return Err(Diagnostic::file(&source.path, "the script is empty")
            .help("a YAML template needs title, summary, situation, fields and messages")
            .into());
    } else {
        serde_yaml::from_str(text).map_err(|err| {
            let mut d = crate::content::frontmatter::yaml_error(&source.path, text, 1, &err);
            d.message = d
                .message
                .replace("front-matter key", "key")
                .replace("invalid front matter", "invalid script");
            d
        })?
    };
    let mut errors = Vec::new();
    let messages = raw
        .messages
        .into_iter()
        .filter_map(|m| match compile(&source.path, text, m, 0) {
            Ok(message) => Some(message),
            Err(err) => {
                errors.push(err);
                None
            }
        })
        .collect();
    Error::collect(errors)?;
    let notes_origin = block_origin(text, find_key(text, 0, "notes").map_or(0, |(line, _)| line));
    let slug = slug_of(&source.relative);
    Ok(Script {
        url: url(config, &slug),
        slug,
        relative: source.relative.clone(),
        path: source.path.clone(),
        source: text.clone(),
        format: Format::Yaml,
        title: raw.title,
        summary: raw.summary,
        situation: raw.situation,
        relationship: raw.relationship.into_vec(),
        fields: raw.fields,
        messages,
        notes: raw.notes,
        notes_origin,
        uses: None,
        weight: raw.weight,
        tags: raw.tags,
        draft: raw.draft,
    })
}

/// Parses a message body, locating its errors in the file.
pub fn compile(
    path: &std::path::Path,
    text: &str,
    raw: RawMessage,
    file: usize,
) -> Result<Message> {
    let origin = item_line(text, "messages", &raw.name)
        .and_then(|item| find_key(text, item - 1, "body"))
        .map_or(Origin { line: 1, indent: 0 }, |(line, column)| {
            value_origin(text, line, column)
        });
    let body = raw.body.trim_end_matches(['\n', '\r']).to_string();
    let template = message::parse(&body).map_err(|err| {
        let (line, column) = origin.place(err.line, err.column);
        Error::from(Diagnostic::at(path, text, line, column, err.message))
    })?;
    Ok(Message {
        label: raw
            .label
            .unwrap_or_else(|| crate::content::humanize(&raw.name)),
        name: raw.name,
        channel: raw.channel,
        body,
        template,
        origin,
        file,
    })
}

/// Where the value of a key written at `line`/`column` starts: the next line
/// for a block scalar (`|`, `>`), the same place otherwise.
fn value_origin(text: &str, line: usize, column: usize) -> Origin {
    let value = text
        .lines()
        .nth(line - 1)
        .map_or("", |l| l[column - 1..].trim());
    if value.starts_with('|') || value.starts_with('>') {
        block_origin(text, line)
    } else {
        let quoted = usize::from(value.starts_with('"') || value.starts_with('\''));
        Origin {
            line,
            indent: column - 1 + quoted,
        }
    }
}

/// The origin of a block scalar whose key is on 1-based line `key_line`.
fn block_origin(text: &str, key_line: usize) -> Origin {
    let first = text
        .lines()
        .enumerate()
        .skip(key_line)
        .find(|(_, l)| !l.trim().is_empty());
    match first {
        Some((i, line)) => Origin {
            line: i + 1,
            indent: line.len() - line.trim_start().len(),
        },
        None => Origin {
            line: key_line.max(1),
            indent: 0,
        },
    }
}

/// The 1-based line of the item named `name` in the top-level list `list`
/// (`fields`, `messages`), found by its `name:` key.
pub fn item_line(text: &str, list: &str, name: &str) -> Option<usize> {
    let mut in_list = false;
    for (i, line) in text.lines().enumerate() {
        if !line.starts_with([' ', '\t', '-']) && !line.trim().is_empty() {
            in_list = line
                .trim_end()
                .strip_prefix(list)
                .is_some_and(|r| r.starts_with(':'));
            continue;
        }
        if !in_list {
            continue;
        }
        let trimmed = line.trim_start().trim_start_matches("- ").trim_start();
        let Some(value) = trimmed.strip_prefix("name:") else {
            continue;
        };
        if value.trim().trim_matches(['"', '\'']) == name {
            return Some(i + 1);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_are_found_by_name() {
        let text = "title: T\nfields:\n  - name: a\n    label: A\n  - name: b\nmessages:\n  - name: a\n    body: |\n      Hi\n";
        assert_eq!(item_line(text, "fields", "b"), Some(5));
        assert_eq!(item_line(text, "messages", "a"), Some(7));
        let (line, column) = find_key(text, 6, "body").unwrap();
        assert_eq!(
            value_origin(text, line, column),
            Origin { line: 9, indent: 6 }
        );
    }
}
