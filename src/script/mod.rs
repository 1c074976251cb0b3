//! Scripts: reusable messages with named fields, written as YAML templates
//! (`content/scripts/<slug>.yaml`) or Markdown scripts
//! (`content/scripts/<slug>.md`), both loaded into one [`Script`] model and
//! checked here: declared situations, relationships and channels, unique
//! names, every message in the message language, `uses:` resolved.

pub mod checker;
pub mod from_markdown;
pub mod from_yaml;
pub mod message;
pub mod overlay;
pub mod subject;

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::config::{Config, Label};
use crate::content::ScriptSource;
use crate::error::{did_you_mean, Diagnostic, Error, Result, Warning};
use crate::slug::slugify;
use message::Template;
pub use subject::split_subject;

/// What kind of input a field asks for.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum FieldKind {
    #[default]
    Text,
    Textarea,
    Choice,
}

/// A blank the reader fills in.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Field {
    pub name: String,
    pub label: String,
    #[serde(default)]
    pub example: String,
    #[serde(default)]
    pub optional: bool,
    #[serde(default)]
    pub kind: FieldKind,
    #[serde(default)]
    pub choices: Vec<String>,
    pub max: Option<usize>,
}

/// Where a piece of a script's text starts in its file, so that an error at
/// line `l`, column `c` of that text can be shown at its place in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Origin {
    /// The 1-based file line of the text's first line.
    pub line: usize,
    /// How many characters each line of the text is indented by in the file.
    pub indent: usize,
}

impl Origin {
    /// The file position of line `line`, column `column` of the text.
    pub fn place(&self, line: usize, column: usize) -> (usize, usize) {
        (self.line + line - 1, self.indent + column)
    }
}

/// One message of a script.
#[derive(Debug, Clone)]
pub struct Message {
    pub name: String,
    pub label: String,
    pub channel: String,
    /// The body as written (for email, with a leading subject line:
    /// `Subject: …`, `Asunto: …`, see [`split_subject`]).
    pub body: String,
    pub template: Template,
    /// Where the body is in the script's file (or its template's, with `uses:`).
    pub origin: Origin,
    /// The file the body was written in.
    pub file: usize,
}

/// Which format a script was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Yaml,
    Markdown,
}

/// A loaded, checked script.
#[derive(Debug, Clone)]
pub struct Script {
    pub slug: String,
    /// Path under `content/` (`scripts/reconnect.yaml`): the key of `@/` links.
    pub relative: String,
    pub path: PathBuf,
    pub source: String,
    pub format: Format,
    pub title: String,
    pub summary: String,
    pub situation: String,
    pub relationship: Vec<String>,
    pub fields: Vec<Field>,
    pub messages: Vec<Message>,
    /// The guidance, in Markdown, and where it starts in the file.
    pub notes: String,
    pub notes_origin: Origin,
    pub uses: Option<String>,
    pub weight: Option<i64>,
    pub tags: Vec<String>,
    /// Left out of the site unless drafts are built (YAML templates only:
    /// a draft template can still be used by a published Markdown script).
    pub draft: bool,
    pub url: String,
    /// A translation's record of the source it was made from (see
    /// [`crate::content::FrontMatter::source_hash`]).
    pub source_hash: Option<String>,
}

impl Script {
    /// The field with this name.
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// The message rendered with the fields' example values.
    pub fn example(&self, message: &Message) -> String {
        message
            .template
            .render(|name| self.field(name).map(|f| f.example.as_str()))
    }
}

/// The length of a message as the page's counter shows it: Unicode scalar values.
pub fn length(text: &str) -> usize {
    text.chars().count()
}

/// Loads every script, resolves `uses:` and checks the lot, returning the
/// scripts in order (situation, weight, title) with the warnings found.
pub fn load(config: &Config, sources: &[ScriptSource]) -> Result<(Vec<Script>, Vec<Warning>)> {
    let loaded = load_each(config, sources);
    Error::collect(loaded.errors)?;
    Ok((loaded.scripts, loaded.warnings))
}

/// What [`load_each`] made of the scripts: the good ones, and every error
/// of the others, with the files that failed (whose links are not then
/// reported as broken) and the drafts left out.
#[derive(Default)]
pub struct Loaded {
    pub scripts: Vec<Script>,
    pub warnings: Vec<Warning>,
    pub errors: Vec<Error>,
    /// Content paths (`scripts/x.yaml`) of the scripts that failed.
    pub failed: Vec<String>,
    /// Content paths of the scripts left out as drafts.
    pub drafts: Vec<String>,
}

/// Loads every script as [`load`] does, keeping the good ones when others
/// fail, so that one build reports every mistake of the site.
pub fn load_each(config: &Config, sources: &[ScriptSource]) -> Loaded {
    let mut loaded = Loaded::default();
    let mut complete = Vec::new();
    let mut pending = Vec::new();
    for (result, source) in parse_each(config, sources).into_iter().zip(sources) {
        match result {
            Ok(from_markdown::Parsed::Complete(script)) => complete.push(*script),
            Ok(from_markdown::Parsed::Uses(partial)) => pending.push(*partial),
            Ok(from_markdown::Parsed::Draft) => loaded.drafts.push(source.relative.clone()),
            Err(err) => {
                loaded.errors.extend(err.flatten());
                loaded.failed.push(source.relative.clone());
            }
        }
    }
    resolve_uses(pending, &mut complete, &mut loaded);
    complete.retain(|script| match check(config, script) {
        Ok(mut found) => {
            loaded.warnings.append(&mut found);
            true
        }
        Err(err) => {
            loaded.errors.extend(err.flatten());
            loaded.failed.push(script.relative.clone());
            false
        }
    });
    for script in complete.iter().filter(|s| s.draft && !config.drafts) {
        loaded.drafts.push(script.relative.clone());
    }
    complete.retain(|s| !s.draft || config.drafts);
    label_messages(config, &mut complete);
    sort(config, &mut complete);
    loaded.scripts = complete;
    loaded
}

/// Parses every script file, in parallel, each by its format.
fn parse_each(config: &Config, sources: &[ScriptSource]) -> Vec<Result<from_markdown::Parsed>> {
    sources
        .par_iter()
        .map(|source| {
            if source.relative.ends_with(".md") {
                from_markdown::parse(config, source)
            } else {
                from_yaml::parse(config, source)
                    .map(|s| from_markdown::Parsed::Complete(Box::new(s)))
            }
        })
        .collect()
}

/// Completes each Markdown script that `uses:` a YAML template.
fn resolve_uses(
    pending: Vec<from_markdown::Partial>,
    complete: &mut Vec<Script>,
    loaded: &mut Loaded,
) {
    let templates: HashMap<String, Script> = complete
        .iter()
        .filter(|s| s.format == Format::Yaml)
        .map(|s| (s.slug.clone(), s.clone()))
        .collect();
    for partial in pending {
        let relative = partial.relative().to_string();
        match partial.resolve(&templates, complete) {
            Ok(script) => complete.push(script),
            Err(err) => {
                loaded.errors.extend(err.flatten());
                loaded.failed.push(relative);
            }
        }
    }
}

/// Gives each message without a label its channel's label.
fn label_messages(config: &Config, scripts: &mut [Script]) {
    for script in scripts {
        for message in &mut script.messages {
            if message.label.is_empty() {
                message.label = config
                    .channel(&message.channel)
                    .map_or_else(String::new, |c| c.label.clone());
            }
        }
    }
}

/// Puts scripts in reading order: situation as declared, weight, title.
fn sort(config: &Config, scripts: &mut [Script]) {
    let position = |id: &str| config.situations.iter().position(|s| s.id == id);
    scripts.sort_by(|a, b| {
        (
            position(&a.situation),
            a.weight.unwrap_or(i64::MAX),
            &a.title,
        )
            .cmp(&(
                position(&b.situation),
                b.weight.unwrap_or(i64::MAX),
                &b.title,
            ))
    });
}

/// The URL of the script with this slug.
pub fn url(config: &Config, slug: &str) -> String {
    format!(
        "{}{}/{slug}/",
        config.base_path,
        crate::content::SCRIPTS_DIR
    )
}

/// The slug of a script file: its name without extension, slugified.
pub fn slug_of(relative: &str) -> String {
    let name = relative.rsplit('/').next().unwrap_or(relative);
    let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
    slugify(stem)
}

/// Finds the line where `key:` is written in `source` (from line `from`,
/// 0-based), returning the 1-based line and the column of its value.
pub fn find_key(source: &str, from: usize, key: &str) -> Option<(usize, usize)> {
    source.lines().enumerate().skip(from).find_map(|(i, line)| {
        let trimmed = line.trim_start().trim_start_matches("- ");
        let rest = trimmed.strip_prefix(key)?.strip_prefix(':')?;
        let value_column = line.len() - rest.trim_start().len() + 1;
        Some((i + 1, value_column))
    })
}

/// Where an error about `key:` should point: at its value, or at the key
/// when the value is on the lines below (a list, a block of text).
pub fn point_at_key(source: &str, key: &str) -> Option<(usize, usize)> {
    let (line, column) = find_key(source, 0, key)?;
    let text = source.lines().nth(line - 1)?;
    if column <= text.trim_end().len() {
        return Some((line, column));
    }
    let key_column = text.find(key).map_or(1, |i| text[..i].chars().count() + 1);
    Some((line, key_column))
}

/// Checks what both formats share; the first errors are fatal, the rest
/// (unused fields, messages over their channel's limit) are warnings.
fn check(config: &Config, script: &Script) -> Result<Vec<Warning>> {
    let mut errors = check_declared(config, script);
    if script.messages.is_empty() {
        errors.push(
            Diagnostic::file(&script.path, "this script has no messages")
                .help("add a `messages:` list (YAML) or a ```message NAME CHANNEL fence (Markdown)")
                .into(),
        );
    }
    errors.extend(check_fields(script));
    errors.extend(check_messages(config, script));
    Error::collect(errors)?;
    Ok(warnings(config, script))
}

/// Checks that the script's situation and relationships are declared in
/// site.toml.
fn check_declared(config: &Config, script: &Script) -> Vec<Error> {
    let mut errors: Vec<Error> = Vec::new();
    let at_key = |key: &str, message: String| -> Diagnostic {
        match point_at_key(&script.source, key) {
            Some((line, column)) => {
                Diagnostic::at(&script.path, &script.source, line, column, message)
            }
            None => Diagnostic::file(&script.path, message),
        }
    };
    if !config.situations.iter().any(|s| s.id == script.situation) {
        errors.push(
            at_key(
                "situation",
                format!("unknown situation `{}`", script.situation),
            )
            .help(declared_help(
                &script.situation,
                &config.situations,
                "situations",
            ))
            .into(),
        );
    }
    for relationship in &script.relationship {
        if !config.relationships.iter().any(|r| &r.id == relationship) {
            errors.push(
                at_key(
                    "relationship",
                    format!("unknown relationship `{relationship}`"),
                )
                .help(declared_help(
                    relationship,
                    &config.relationships,
                    "relationships",
                ))
                .into(),
            );
        }
    }
    errors
}

/// Checks each message: its name is the script's only one of that name,
/// its channel is declared, and it uses only declared fields.
fn check_messages(config: &Config, script: &Script) -> Vec<Error> {
    let mut errors: Vec<Error> = Vec::new();
    let names: Vec<&str> = script.fields.iter().map(|f| f.name.as_str()).collect();
    let mut seen = HashSet::new();
    for message in &script.messages {
        if !seen.insert(&message.name) {
            errors.push(
                script
                    .locate(
                        message,
                        1,
                        1,
                        format!("two messages are named `{}`", message.name),
                    )
                    .help("give each message of a script its own name")
                    .into(),
            );
        }
        if config.channel(&message.channel).is_none() {
            errors.push(
                script
                    .locate_channel(message, format!("unknown channel `{}`", message.channel))
                    .help(channel_help(config, &message.channel))
                    .into(),
            );
        }
        for err in message.template.unknown_fields(&names) {
            errors.push(
                script
                    .locate(message, err.line, err.column, err.message)
                    .into(),
            );
        }
    }
    errors
}

/// The help for an unknown channel: the nearest declared one, and the list.
fn channel_help(config: &Config, channel: &str) -> String {
    let ids: Vec<&str> = config.channels.iter().map(|c| c.id.as_str()).collect();
    match did_you_mean(channel, ids.iter().copied()) {
        Some(near) => format!(
            "did you mean `{near}`? Channels are declared in site.toml: {}",
            ids.join(", ")
        ),
        None => format!("channels are declared in site.toml: {}", ids.join(", ")),
    }
}

/// Checks each field: its name is valid and the script's only one of that
/// name, its choices fit its kind, and its `max` is not 0.
fn check_fields(script: &Script) -> Vec<Error> {
    let mut errors = Vec::new();
    let mut seen = HashSet::new();
    for (index, field) in script.fields.iter().enumerate() {
        let before = script.fields[..index]
            .iter()
            .filter(|f| f.name == field.name)
            .count();
        let at = |message: String| script.locate_field(&field.name, before, message);
        if !seen.insert(&field.name) {
            errors.push(
                at(format!("two fields are named `{}`", field.name))
                    .help("give each field its own name")
                    .into(),
            );
        }
        if !is_field_name(&field.name) {
            errors.push(
                at(format!("invalid field name `{}`", field.name))
                    .help("a field name is an ASCII letter followed by letters, digits or `_`")
                    .into(),
            );
        }
        if let Some(problem) = choices_problem(field) {
            errors.push(at(problem.0).help(problem.1).into());
        }
        if field.max == Some(0) {
            errors.push(
                at(format!("field `{}` has `max: 0`", field.name))
                    .help("leave `max` out for no limit")
                    .into(),
            );
        }
    }
    errors
}

/// Whether `name` is an ASCII letter followed by letters, digits or `_`.
fn is_field_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// What is wrong with a field's choices for its kind, with the help.
fn choices_problem(field: &Field) -> Option<(String, String)> {
    let name = &field.name;
    match field.kind {
        FieldKind::Choice if field.choices.is_empty() => Some((
            format!("field `{name}` is a choice but has no `choices`"),
            "add `choices: [First, Second]`".into(),
        )),
        FieldKind::Choice
            if !field.example.is_empty() && !field.choices.contains(&field.example) =>
        {
            Some((
                format!("the example of field `{name}` is not one of its choices"),
                format!("choose one of: {}", field.choices.join(", ")),
            ))
        }
        FieldKind::Text | FieldKind::Textarea if !field.choices.is_empty() => Some((
            format!("field `{name}` has `choices` but is not `kind: choice`"),
            "add `kind: choice`, or remove the choices".into(),
        )),
        _ => None,
    }
}

fn warnings(config: &Config, script: &Script) -> Vec<Warning> {
    let mut warnings = Vec::new();
    let used: HashSet<&str> = script
        .messages
        .iter()
        .flat_map(|m| m.template.fields().map(|f| f.name.as_str()))
        .collect();
    for field in &script.fields {
        if !used.contains(field.name.as_str()) {
            warnings.push(
                script
                    .locate_field(
                        &field.name,
                        0,
                        format!("field `{}` is declared but no message uses it", field.name),
                    )
                    .help(format!(
                        "use it as {{{{{}}}}} in a message, or remove it",
                        field.name
                    )),
            );
        }
    }
    for message in &script.messages {
        let Some(limit) = config.channel(&message.channel).and_then(|c| c.limit) else {
            continue;
        };
        let length = length(&script.example(message));
        if length > limit {
            let label = config
                .channel(&message.channel)
                .map_or_else(String::new, |c| c.strictest_label());
            warnings.push(
                script
                    .locate(
                        message,
                        1,
                        1,
                        format!(
                            "message `{}` of script `{}` is {length} characters with the example values, over the {limit} of {label}",
                            message.name, script.slug
                        ),
                    )
                    .help("shorten the message or its examples"),
            );
        }
    }
    warnings
}

fn declared_help(id: &str, declared: &[Label], table: &str) -> String {
    let ids: Vec<&str> = declared.iter().map(|l| l.id.as_str()).collect();
    match did_you_mean(id, ids.iter().copied()) {
        Some(near) => format!(
            "did you mean `{near}`? Declared in site.toml's [{table}]: {}",
            ids.join(", ")
        ),
        None => format!(
            "declare it in site.toml as [{table}.{id}], or use one of: {}",
            ids.join(", ")
        ),
    }
}

impl Script {
    /// A diagnostic at line `line`, column `column` of a message's body.
    pub fn locate(
        &self,
        message: &Message,
        line: usize,
        column: usize,
        text: String,
    ) -> Diagnostic {
        let (line, column) = message.origin.place(line, column);
        if message.file == 0 {
            Diagnostic::at(&self.path, &self.source, line, column, text)
        } else {
            // The message comes from the template named by `uses:`.
            let uses = self.uses.as_deref().unwrap_or_default();
            Diagnostic::file(
                &self.path,
                format!("{text} (in the template `{uses}` it uses)"),
            )
        }
    }

    fn locate_channel(&self, message: &Message, text: String) -> Diagnostic {
        let fence_line = message.origin.line.saturating_sub(1);
        let found = match self.format {
            Format::Markdown => self
                .source
                .lines()
                .nth(fence_line.saturating_sub(1))
                .and_then(|line| {
                    line.find(&message.channel)
                        .map(|i| (fence_line, line[..i].chars().count() + 1))
                }),
            Format::Yaml => {
                let before = self
                    .messages
                    .iter()
                    .take_while(|m| !std::ptr::eq(*m, message))
                    .filter(|m| m.name == message.name && m.file == message.file)
                    .count();
                from_yaml::item_line(&self.source, "messages", &message.name, before)
                    .and_then(|item| find_key(&self.source, item - 1, "channel"))
            }
        };
        match found {
            Some((line, column)) if message.file == 0 => {
                Diagnostic::at(&self.path, &self.source, line, column, text)
                    .width(message.channel.chars().count())
            }
            _ => self.locate(message, 1, 1, text),
        }
    }

    /// A diagnostic at the `name:` line of a field (of the `occurrence`th
    /// field of that name, when two share it).
    fn locate_field(&self, name: &str, occurrence: usize, text: String) -> Diagnostic {
        match from_yaml::item_line(&self.source, "fields", name, occurrence) {
            Some(line) => {
                let column = self
                    .source
                    .lines()
                    .nth(line - 1)
                    .map_or(1, |l| l.find("name").map_or(1, |i| i + 1));
                Diagnostic::at(&self.path, &self.source, line, column, text)
            }
            None => Diagnostic::file(&self.path, text),
        }
    }
}
