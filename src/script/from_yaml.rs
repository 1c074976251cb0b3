//! YAML templates: `content/scripts/<slug>.yaml`, the whole script in YAML.

use serde::Deserialize;

use super::{find_key, message, slug_of, url, Field, Format, Message, Origin, Script};
use crate::config::Config;
use crate::content::frontmatter::{self, Yaml};
use crate::content::ScriptSource;
use crate::error::{Diagnostic, Error, Result};

/// One value or a list of them: `relationship: peer` or `[peer, rival]`.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
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

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawMessage {
    pub name: String,
    pub label: Option<String>,
    pub channel: String,
    pub body: String,
}

/// A YAML template as written. Its JSON Schema
/// (`schemas/script.schema.json`, for editors) is made from this type.
#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "guide script",
    description = "A YAML script template of a guide site: content/scripts/<slug>.yaml."
)]
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

/// The JSON Schema of a YAML script template, made from the type that reads it.
pub fn schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(RawTemplate)).expect("a schema serializes")
}

/// Parses a YAML template. Drafts are returned too, marked, since a
/// published Markdown script may still use them.
pub fn parse(config: &Config, source: &ScriptSource) -> Result<Script> {
    let text = &source.source;
    if text.trim().is_empty() {
        return Err(Diagnostic::file(&source.path, "the script is empty")
            .help("a YAML template needs title, summary, situation, fields and messages")
            .into());
    }
    let raw: RawTemplate = frontmatter::from_yaml(&source.path, text, 1, text, Yaml::Script)?;
    let mut errors = Vec::new();
    let mut names: Vec<String> = Vec::new();
    let messages = raw
        .messages
        .into_iter()
        .filter_map(|m| {
            let occurrence = names.iter().filter(|n| **n == m.name).count();
            names.push(m.name.clone());
            compile(&source.path, text, m, occurrence, 0)
                .map_err(|e| errors.push(e))
                .ok()
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
        source_hash: None,
    })
}

/// Parses a message body, locating its errors in the file; `occurrence`
/// counts the messages of the same name before this one.
pub fn compile(
    path: &std::path::Path,
    text: &str,
    raw: RawMessage,
    occurrence: usize,
    file: usize,
) -> Result<Message> {
    let origin = item_line(text, "messages", &raw.name, occurrence)
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
/// for a block scalar (`|`, `>`) or a value written below its key, the same
/// place otherwise.
fn value_origin(text: &str, line: usize, column: usize) -> Origin {
    let value = text
        .lines()
        .nth(line - 1)
        .map_or("", |l| l[column - 1..].trim());
    if value.is_empty() || value.starts_with('|') || value.starts_with('>') {
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
pub(super) fn block_origin(text: &str, key_line: usize) -> Origin {
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
/// (`fields`, `messages`), found by its `name:` key: the one after
/// `occurrence` others of that name, or the last there is.
pub fn item_line(text: &str, list: &str, name: &str, mut occurrence: usize) -> Option<usize> {
    let mut found = None;
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
            found = Some(i + 1);
            if occurrence == 0 {
                break;
            }
            occurrence -= 1;
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_are_found_by_name() {
        let text = "title: T\nfields:\n  - name: a\n    label: A\n  - name: b\nmessages:\n  - name: a\n    body: |\n      Hi\n";
        assert_eq!(item_line(text, "fields", "b", 0), Some(5));
        assert_eq!(item_line(text, "messages", "a", 0), Some(7));
        let (line, column) = find_key(text, 6, "body").unwrap();
        assert_eq!(
            value_origin(text, line, column),
            Origin { line: 9, indent: 6 }
        );
    }

    #[test]
    fn a_name_used_twice_is_found_twice() {
        let text = "messages:\n  - name: a\n    body: one\n  - name: a\n    body: two\n";
        assert_eq!(item_line(text, "messages", "a", 0), Some(2));
        assert_eq!(item_line(text, "messages", "a", 1), Some(4));
        assert_eq!(item_line(text, "messages", "a", 5), Some(4));
        assert_eq!(item_line(text, "messages", "b", 0), None);
    }
}
