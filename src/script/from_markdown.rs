//! Markdown scripts: `content/scripts/<slug>.md`, front matter for the
//! script's keys, prose for its guidance, and each message a fenced block
//! whose info string is `message <name> <channel> [Label words]`. With
//! `uses: <yaml-slug>` a Markdown script takes a YAML template's fields and
//! messages and adds its own prose, examples and messages.

use std::collections::HashMap;

use indexmap::IndexMap;
use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};
use serde::Deserialize;

use super::from_yaml::{OneOrMany, RawMessage};
use super::{message, point_at_key, slug_of, url, Field, Format, Message, Origin, Script};
use crate::config::Config;
use crate::content::{frontmatter, ScriptSource};
use crate::error::{did_you_mean, line_column, Diagnostic, Error, Result};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMarkdownScript {
    title: String,
    summary: Option<String>,
    situation: Option<String>,
    #[serde(default)]
    relationship: OneOrMany,
    uses: Option<String>,
    #[serde(default)]
    fields: Vec<Field>,
    #[serde(default)]
    examples: IndexMap<String, String>,
    weight: Option<i64>,
    #[serde(default)]
    draft: bool,
    #[serde(default)]
    tags: Vec<String>,
}

/// A parsed script file: complete, waiting for its `uses:` template, or a
/// draft left out of this build.
pub enum Parsed {
    Complete(Box<Script>),
    Uses(Box<Partial>),
    Draft,
}

/// A Markdown script whose `uses:` is not resolved yet.
pub struct Partial {
    script: Script,
    uses: String,
    examples: IndexMap<String, String>,
}

impl Partial {
    /// The content path of the Markdown script (`scripts/x.md`).
    pub fn relative(&self) -> &str {
        &self.script.relative
    }
}

/// Whether a fenced block's info string marks a script message.
pub fn is_message_fence(info: &str) -> bool {
    info.split_whitespace().next() == Some("message")
}

/// Parses a Markdown script.
pub fn parse(config: &Config, source: &ScriptSource) -> Result<Parsed> {
    let text = &source.source;
    let path = &source.path;
    let split = frontmatter::split(text)
        .map_err(|(message, help)| Diagnostic::at(path, text, 1, 1, message).help(help))?;
    let raw: RawMarkdownScript = frontmatter::parse(path, text, &split)?;
    if raw.draft && !config.drafts {
        return Ok(Parsed::Draft);
    }
    if raw.title.trim().is_empty() {
        return Err(
            Diagnostic::at(path, text, 2, 1, "missing front-matter key `title`")
                .help("add a line such as `title: Reconnect after a long silence`")
                .into(),
        );
    }
    let messages = messages(path, text, split.body_offset)?;
    let (notes_line, _) = line_column(text, split.body_offset);
    let slug = slug_of(&source.relative);
    let uses = raw.uses.clone();
    let (summary, situation) = summary_and_situation(source, &uses, raw.summary, raw.situation)?;
    let script = Script {
        url: url(config, &slug),
        slug,
        relative: source.relative.clone(),
        path: path.clone(),
        source: text.clone(),
        format: Format::Markdown,
        title: raw.title,
        summary,
        situation,
        relationship: raw.relationship.into_vec(),
        fields: raw.fields,
        messages,
        notes: text[split.body_offset..].to_string(),
        notes_origin: Origin {
            line: notes_line,
            indent: 0,
        },
        uses: uses.clone(),
        weight: raw.weight,
        tags: raw.tags,
        draft: false,
        source_hash: None,
    };
    waiting_for(script, uses, raw.examples)
}

/// The script's summary and situation: its own, which a script without
/// `uses:` must give, or none yet, to be taken from the template.
fn summary_and_situation(
    source: &ScriptSource,
    uses: &Option<String>,
    summary: Option<String>,
    situation: Option<String>,
) -> Result<(String, String)> {
    if uses.is_some() {
        return Ok((summary.unwrap_or_default(), situation.unwrap_or_default()));
    }
    let required = |value: Option<String>, key: &str| -> Result<String> {
        value.ok_or_else(|| {
            Diagnostic::at(
                &source.path,
                &source.source,
                2,
                1,
                format!("missing front-matter key `{key}`"),
            )
            .help(format!("a script without `uses:` needs `{key}:`"))
            .into()
        })
    };
    Ok((
        required(summary, "summary")?,
        required(situation, "situation")?,
    ))
}

/// The parsed script: complete, or waiting for its `uses:` template with
/// the examples to set on the template's fields.
fn waiting_for(
    script: Script,
    uses: Option<String>,
    examples: IndexMap<String, String>,
) -> Result<Parsed> {
    if !examples.is_empty() && uses.is_none() {
        return Err(at_key(
            &script,
            "examples",
            "`examples:` only applies with `uses:`".into(),
        )
        .help("set each field's `example:` instead")
        .into());
    }
    Ok(match uses {
        Some(uses) => Parsed::Uses(Box::new(Partial {
            script,
            uses,
            examples,
        })),
        None => Parsed::Complete(Box::new(script)),
    })
}

fn at_key(script: &Script, key: &str, message: String) -> Diagnostic {
    match point_at_key(&script.source, key) {
        Some((line, column)) => Diagnostic::at(&script.path, &script.source, line, column, message),
        None => Diagnostic::file(&script.path, message),
    }
}

/// The `message` fences of the body, compiled.
pub(super) fn messages(
    path: &std::path::Path,
    text: &str,
    body_offset: usize,
) -> Result<Vec<Message>> {
    let body = &text[body_offset..];
    let mut found = Vec::new();
    let mut errors = Vec::new();
    let mut current: Option<(String, usize)> = None;
    let mut content = String::new();
    for (event, range) in Parser::new(body).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info)))
                if is_message_fence(&info) =>
            {
                current = Some((info.to_string(), body_offset + range.start));
                content.clear();
            }
            Event::Text(text) if current.is_some() => content.push_str(&text),
            Event::End(TagEnd::CodeBlock) => {
                if let Some((info, offset)) = current.take() {
                    match compile_fence(path, text, &info, offset, &content) {
                        Ok(message) => found.push(message),
                        Err(err) => errors.push(err),
                    }
                }
            }
            _ => {}
        }
    }
    Error::collect(errors)?;
    Ok(found)
}

fn compile_fence(
    path: &std::path::Path,
    text: &str,
    info: &str,
    offset: usize,
    content: &str,
) -> Result<Message> {
    let (fence_line, fence_column) = line_column(text, offset);
    let mut words = info.split_whitespace().skip(1);
    let (Some(name), Some(channel)) = (words.next(), words.next()) else {
        return Err(Diagnostic::at(
            path,
            text,
            fence_line,
            fence_column,
            "a message fence needs a name and a channel",
        )
        .help("write the fence as ```message NAME CHANNEL [Label]")
        .into());
    };
    let label: Vec<&str> = words.collect();
    let origin = Origin {
        line: fence_line + 1,
        indent: fence_column - 1,
    };
    let body = content.trim_end_matches(['\n', '\r']).to_string();
    let template = message::parse(&body).map_err(|err| {
        let (line, column) = origin.place(err.line, err.column);
        Error::from(Diagnostic::at(path, text, line, column, err.message))
    })?;
    let raw = RawMessage {
        name: name.to_string(),
        label: (!label.is_empty()).then(|| label.join(" ")),
        channel: channel.to_string(),
        body,
    };
    Ok(Message {
        label: raw.label.unwrap_or_default(),
        name: raw.name,
        channel: raw.channel,
        body: raw.body,
        template,
        origin,
        file: 0,
    })
}

impl Partial {
    /// Takes the named template's fields and messages; the script's own
    /// examples, fields and messages are added on top.
    pub fn resolve(self, templates: &HashMap<String, Script>, all: &[Script]) -> Result<Script> {
        let Partial {
            mut script,
            uses,
            examples,
        } = self;
        let Some(template) = templates.get(&uses) else {
            return Err(unknown_template(&script, &uses, templates, all));
        };
        let mut fields = template.fields.clone();
        set_examples(&mut fields, examples, &script, &uses)?;
        fields.append(&mut script.fields);
        let mut messages: Vec<Message> = template
            .messages
            .iter()
            .cloned()
            .map(|mut m| {
                m.file = 1;
                m
            })
            .collect();
        messages.append(&mut script.messages);
        script.fields = fields;
        script.messages = messages;
        if script.summary.is_empty() {
            script.summary = template.summary.clone();
        }
        if script.situation.is_empty() {
            script.situation = template.situation.clone();
        }
        if script.relationship.is_empty() {
            script.relationship = template.relationship.clone();
        }
        Ok(script)
    }
}

/// The error for a `uses:` that names no YAML template, with the nearest
/// one or the list of them.
fn unknown_template(
    script: &Script,
    uses: &str,
    templates: &HashMap<String, Script>,
    all: &[Script],
) -> Error {
    let is_markdown = all
        .iter()
        .any(|s| s.slug == uses && s.format == Format::Markdown);
    let names: Vec<&str> = templates.keys().map(String::as_str).collect();
    let help = if is_markdown {
        format!("`{uses}` is a Markdown script; `uses:` takes a YAML template")
    } else {
        match did_you_mean(uses, names.iter().copied()) {
            Some(near) => format!("did you mean `{near}`?"),
            None => format!("YAML templates: {}", sorted(names).join(", ")),
        }
    };
    at_key(
        script,
        "uses",
        format!("unknown template `{uses}` in `uses:`"),
    )
    .help(help)
    .into()
}

/// Sets the script's `examples:` on the template's fields (the template
/// `uses` names); every example naming no field is an error.
fn set_examples(
    fields: &mut [Field],
    examples: IndexMap<String, String>,
    script: &Script,
    uses: &str,
) -> Result<()> {
    let declared: Vec<String> = fields.iter().map(|f| f.name.clone()).collect();
    let mut errors = Vec::new();
    for (name, example) in examples {
        match fields.iter_mut().find(|f| f.name == name) {
            Some(field) => field.example = example,
            None => errors.push(
                at_key(
                    script,
                    &name,
                    format!("`examples:` names `{name}`, which `{uses}` does not declare"),
                )
                .help(format!("its fields: {}", declared.join(", ")))
                .into(),
            ),
        }
    }
    Error::collect(errors)
}

fn sorted(mut names: Vec<&str>) -> Vec<&str> {
    names.sort_unstable();
    names
}
