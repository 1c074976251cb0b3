//! A script's translation (`reconnect-email.es.yaml`,
//! `called-out-reply.es.md`): an overlay of the source script keyed by its
//! language-neutral names. It gives the title and summary, `label` and
//! `example` for every field (and may lower a field's `max` or translate
//! its `choices`), and `label` and `body` for every message; it may add
//! messages of its own, with their channel. Everything else (situation,
//! relationships, weight, kinds, channels) is the source's. A field or a
//! message left out or added, and a message that names no channel, are
//! errors at their place in the translation.

use std::collections::HashMap;

use indexmap::IndexMap;
use serde::Deserialize;

use super::from_yaml::{block_origin, compile, item_line, RawMessage};
use super::{point_at_key, url, Field, Format, Message, Origin, Script};
use crate::config::Config;
use crate::content::frontmatter::{self, Yaml};
use crate::content::TranslationFile;
use crate::error::{line_column, Diagnostic, Error, Result, Warning};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOverlay {
    source_hash: Option<String>,
    /// Left out of the build until translated (`guide new translation`
    /// writes `draft: true`).
    #[serde(default)]
    draft: bool,
    title: String,
    summary: Option<String>,
    tags: Option<Vec<String>>,
    #[serde(default)]
    fields: Vec<RawFieldText>,
    /// A YAML script's messages (a Markdown script's are its fences).
    #[serde(default)]
    messages: Vec<RawMessageText>,
    /// A YAML script's notes (a Markdown script's are its body).
    notes: Option<String>,
    /// A Markdown script with `uses:`: the template's fields' examples.
    #[serde(default)]
    examples: IndexMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFieldText {
    name: String,
    label: String,
    example: Option<String>,
    max: Option<usize>,
    choices: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMessageText {
    name: String,
    label: Option<String>,
    channel: Option<String>,
    body: String,
}

/// The translated script, and the source hash it records.
pub struct Translated {
    pub script: Script,
    pub source_hash: Option<String>,
    pub warnings: Vec<Warning>,
}

/// The script `base` in the language of `config`, from its translation
/// `file`; `templates` are the YAML scripts already translated, by slug,
/// for a Markdown script that `uses:` one.
pub fn apply(
    config: &Config,
    base: &Script,
    file: &TranslationFile,
    templates: &HashMap<String, Script>,
) -> Result<Option<Translated>> {
    let (text, path) = (&file.source, &file.path);
    let markdown = file.own.ends_with(".md");
    let (raw, body_offset) = read(file, markdown)?;
    if raw.draft && !config.drafts {
        return Ok(None);
    }
    let at = |key: &str, message: String| at_key(path, text, key, message);
    let template = template_of(config, base, templates, &at)?;
    let mut errors = Vec::new();
    let written = Written {
        text,
        path,
        source: &base.relative,
    };
    let fields = fields_of(
        base,
        template,
        &raw.examples,
        raw.fields,
        &written,
        &mut errors,
    );
    let own = Own {
        messages: raw.messages,
        notes: raw.notes,
        body_offset,
    };
    let (messages, notes, notes_origin) =
        messages_and_notes(base, template, own, &written, &at, &mut errors);
    Error::collect(errors)?;
    let script = Script {
        url: url(config, &base.slug),
        path: path.clone(),
        source: text.clone(),
        format: [Format::Yaml, Format::Markdown][usize::from(markdown)],
        title: raw.title,
        summary: raw.summary.unwrap_or_default(),
        fields,
        messages,
        notes,
        notes_origin,
        tags: raw.tags.unwrap_or_default(),
        source_hash: raw.source_hash.clone(),
        ..base.clone()
    };
    let warnings = super::check(config, &script)?;
    let source_hash = raw.source_hash;
    Ok(Some(Translated {
        script,
        source_hash,
        warnings,
    }))
}

/// The translated script's fields: its template's with this
/// translation's examples (a `uses:` script), then its own.
fn fields_of(
    base: &Script,
    template: Option<&Script>,
    examples: &IndexMap<String, String>,
    texts: Vec<RawFieldText>,
    written: &Written<'_>,
    errors: &mut Vec<Error>,
) -> Vec<Field> {
    let at = |key: &str, message: String| at_key(written.path, written.text, key, message);
    let own_fields = &base.fields[template.map_or(0, |t| t.fields.len())..];
    let mut fields = match template {
        Some(template) => examples_over(template, examples, &at, errors),
        None => Vec::new(),
    };
    fields.extend(fields_over(own_fields, texts, written, &at, errors));
    fields
}

/// The translated template a `uses:` script takes, if it uses one.
fn template_of<'a>(
    config: &Config,
    base: &Script,
    templates: &'a HashMap<String, Script>,
    at: &impl Fn(&str, String) -> Error,
) -> Result<Option<&'a Script>> {
    let Some(uses) = &base.uses else {
        return Ok(None);
    };
    let template = templates.get(uses).ok_or_else(|| {
        let message = format!(
            "`{}` uses the template `{uses}`, which has no translation into `{}`",
            base.relative, config.language
        );
        at("title", message)
    })?;
    Ok(Some(template))
}

/// A translation's own messages and notes, as written.
struct Own {
    messages: Vec<RawMessageText>,
    notes: Option<String>,
    /// Where a Markdown script's body (notes and fences) starts.
    body_offset: Option<usize>,
}

/// The translated script's messages (its template's first, for a `uses:`
/// script), its notes and where they start.
fn messages_and_notes(
    base: &Script,
    template: Option<&Script>,
    own: Own,
    written: &Written<'_>,
    at: &impl Fn(&str, String) -> Error,
    errors: &mut Vec<Error>,
) -> (Vec<Message>, String, Origin) {
    let (text, path) = (written.text, written.path);
    let own_messages: Vec<&Message> = base.messages.iter().filter(|m| m.file == 0).collect();
    let mut messages: Vec<Message> = template.map_or_else(Vec::new, |t| {
        let theirs = t.messages.iter().cloned();
        theirs.map(|m| Message { file: 1, ..m }).collect()
    });
    let Some(offset) = own.body_offset else {
        messages.extend(messages_over(
            &own_messages,
            own.messages,
            written,
            at,
            errors,
        ));
        let notes_line = super::find_key(text, 0, "notes").map_or(0, |(line, _)| line);
        let origin = block_origin(text, notes_line);
        return (messages, own.notes.unwrap_or_default(), origin);
    };
    match super::from_markdown::messages(path, text, offset) {
        Ok(found) => messages.extend(check_fences(found, &own_messages, written, errors)),
        Err(err) => errors.push(err),
    }
    let (line, _) = line_column(text, offset);
    (
        messages,
        text[offset..].to_string(),
        Origin { line, indent: 0 },
    )
}

/// The translation as written: its file, and the source it translates.
struct Written<'a> {
    text: &'a str,
    path: &'a std::path::Path,
    /// The source's content path (`scripts/x.yaml`).
    source: &'a str,
}

/// The translation's keys, and where a Markdown script's body starts.
fn read(file: &TranslationFile, markdown: bool) -> Result<(RawOverlay, Option<usize>)> {
    let (text, path) = (&file.source, &file.path);
    if !markdown {
        return Ok((
            frontmatter::from_yaml(path, text, 1, text, Yaml::Script)?,
            None,
        ));
    }
    let split = frontmatter::split(text)
        .map_err(|(message, help)| Diagnostic::at(path, text, 1, 1, message).help(help))?;
    let raw: RawOverlay = frontmatter::parse(path, text, &split)?;
    if !raw.messages.is_empty() || raw.notes.is_some() {
        let key = if raw.notes.is_some() {
            "notes"
        } else {
            "messages"
        };
        let message = format!("a Markdown script's translation has no `{key}:`: its messages are ```message fences and its notes the text below the front matter");
        return Err(at_key(path, text, key, message));
    }
    Ok((raw, Some(split.body_offset)))
}

fn at_key(path: &std::path::Path, text: &str, key: &str, message: String) -> Error {
    match point_at_key(text, key) {
        Some((line, column)) => Diagnostic::at(path, text, line, column, message).into(),
        None => Diagnostic::file(path, message).into(),
    }
}

/// A `uses:` script's fields: its template's, translated, with this
/// translation's `examples:`.
fn examples_over(
    template: &Script,
    examples: &IndexMap<String, String>,
    at: &impl Fn(&str, String) -> Error,
    errors: &mut Vec<Error>,
) -> Vec<Field> {
    let mut fields = template.fields.clone();
    for (name, example) in examples {
        match fields.iter_mut().find(|f| f.name == *name) {
            Some(field) => field.example = example.clone(),
            None => errors.push(at(
                "examples",
                format!(
                    "`examples:` names `{name}`, and the template `{}` has no field `{name}`",
                    template.slug
                ),
            )),
        }
    }
    fields
}

/// The source's own fields with the translation's texts: every field, by
/// name, once; none added.
fn fields_over(
    base: &[Field],
    texts: Vec<RawFieldText>,
    written_as: &Written<'_>,
    at: &impl Fn(&str, String) -> Error,
    errors: &mut Vec<Error>,
) -> Vec<Field> {
    let (text, path, source) = (written_as.text, written_as.path, written_as.source);
    let mut texts: Vec<Option<RawFieldText>> = texts.into_iter().map(Some).collect();
    for (i, written) in texts.iter().enumerate() {
        let Some(written) = written else { continue };
        if !base.iter().any(|f| f.name == written.name) {
            let line = item_line(text, "fields", &written.name, 0);
            let message = format!(
                "`{}` has no field `{}`: a translation gives the source's fields, and adds none",
                source, written.name
            );
            errors.push(located(path, text, line, message, at));
        } else if texts[..i].iter().flatten().any(|t| t.name == written.name) {
            let line = item_line(text, "fields", &written.name, 1);
            errors.push(located(
                path,
                text,
                line,
                format!("the field `{}` is given twice", written.name),
                at,
            ));
        }
    }
    let mut fields = Vec::with_capacity(base.len());
    for field in base {
        let Some(written) = texts
            .iter_mut()
            .find(|t| t.as_ref().is_some_and(|t| t.name == field.name))
            .and_then(Option::take)
        else {
            errors.push(at("fields", format!("the translation leaves out the field `{}` of `{source}`: give its `label` and `example`", field.name)).help(format!("add to `fields:`\n  - name: {}\n    label: …\n    example: …", field.name)));
            continue;
        };
        fields.push(Field {
            label: written.label,
            example: written.example.unwrap_or_default(),
            max: written.max.or(field.max),
            choices: written.choices.unwrap_or_else(|| field.choices.clone()),
            ..field.clone()
        });
    }
    fields
}

/// The source's messages with the translation's labels and bodies, then
/// the translation's own (which name their channel).
fn messages_over(
    base: &[&Message],
    texts: Vec<RawMessageText>,
    written_as: &Written<'_>,
    at: &impl Fn(&str, String) -> Error,
    errors: &mut Vec<Error>,
) -> Vec<Message> {
    let (text, path, source) = (written_as.text, written_as.path, written_as.source);
    let mut messages = Vec::new();
    for base_message in base {
        if !texts.iter().any(|t| t.name == base_message.name) {
            errors.push(at("messages", format!("the translation leaves out the message `{}` of `{source}`: give its `label` and `body`", base_message.name)));
        }
    }
    let mut names: Vec<String> = Vec::new();
    for written in texts {
        let occurrence = names.iter().filter(|n| **n == written.name).count();
        names.push(written.name.clone());
        let known = base.iter().find(|m| m.name == written.name);
        let channel = match (known, written.channel) {
            (Some(m), None) => m.channel.clone(),
            (Some(m), Some(channel)) if channel == m.channel => channel,
            (Some(m), Some(channel)) => {
                let line = item_line(text, "messages", &written.name, occurrence);
                errors.push(located(path, text, line, format!("the message `{}` goes by `{}` in `{source}`, not `{channel}`: a translation keeps the channel (leave `channel:` out)", m.name, m.channel), at));
                continue;
            }
            (None, Some(channel)) => channel,
            (None, None) => {
                let line = item_line(text, "messages", &written.name, occurrence);
                let message = format!(
                    "unknown message `{}`: `{source}` has no message `{}`",
                    written.name, written.name
                );
                let error = located(path, text, line, message, at)
                    .help("a message of the translation's own needs a `channel:`; one of the source's keeps its name");
                errors.push(error);
                continue;
            }
        };
        let raw = RawMessage {
            name: written.name,
            label: written.label,
            channel,
            body: written.body,
        };
        match compile(path, text, raw, occurrence, 0) {
            Ok(message) => messages.push(message),
            Err(err) => errors.push(err),
        }
    }
    messages
}

/// A Markdown translation's fences, checked against the source's own
/// messages: each is there, with its channel.
fn check_fences(
    found: Vec<Message>,
    base: &[&Message],
    written_as: &Written<'_>,
    errors: &mut Vec<Error>,
) -> Vec<Message> {
    let (text, path, source) = (written_as.text, written_as.path, written_as.source);
    for base_message in base {
        match found.iter().find(|m| m.name == base_message.name) {
            None => errors.push(Diagnostic::file(path, format!("the translation leaves out the message `{}` of `{source}`: add its ```message {} {} fence", base_message.name, base_message.name, base_message.channel)).into()),
            Some(m) if m.channel != base_message.channel => {
                let (line, column) = m.origin.place(1, 0);
                let line = line.saturating_sub(1).max(1);
                errors.push(Diagnostic::at(path, text, line, column.max(1), format!("the message `{}` goes by `{}` in `{source}`, not `{}`: a translation keeps the channel", m.name, base_message.channel, m.channel)).into());
            }
            Some(_) => {}
        }
    }
    found
}

/// An error at a line of the translation, or at its `fields:`/`messages:`
/// key when the line is unknown.
fn located(
    path: &std::path::Path,
    text: &str,
    line: Option<usize>,
    message: String,
    at: &impl Fn(&str, String) -> Error,
) -> Error {
    match line {
        Some(line) => {
            let column = text
                .lines()
                .nth(line - 1)
                .map_or(1, |l| l.len() - l.trim_start().len() + 1);
            Error::from(Diagnostic::at(path, text, line, column, message))
        }
        None => at("fields", message),
    }
}
