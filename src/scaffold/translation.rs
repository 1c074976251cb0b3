//! `guide new translation <tag> <path>`: the file that translates a page or
//! a script into one of the site's other languages, beside its source,
//! with the source's hash recorded and its structure ready to fill in:
//! the keys a translation gives, the source's text under them, and for a
//! script every field and message by name.

use serde::Serialize;

use super::{display_path, refuse_existing, write_new, Created};
use crate::config::Config;
use crate::error::{Error, Result};

#[derive(Serialize)]
struct FieldText<'a> {
    name: &'a str,
    label: &'a str,
    example: &'a str,
}

#[derive(Serialize)]
struct MessageText<'a> {
    name: &'a str,
    label: &'a str,
    body: String,
}

#[derive(Serialize)]
struct YamlOverlay<'a> {
    source_hash: String,
    draft: bool,
    title: &'a str,
    summary: &'a str,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    tags: &'a [String],
    fields: Vec<FieldText<'a>>,
    messages: Vec<MessageText<'a>>,
    notes: &'a str,
}

/// The first line of a new translation: it is a draft until translated.
const DRAFT_NOTE: &str = "# A translation to write: every text below is the source's. Remove `draft: true`\n# once it is translated, to publish it (guide check says what is left).\n";

/// The source's and the translation's words for an email's subject line.
#[derive(Clone, Copy)]
struct Words<'a> {
    from: &'a str,
    to: &'a str,
}

impl Words<'_> {
    fn reword(self, body: &str) -> String {
        crate::script::subject::reword_subject(body, self.from, self.to)
    }

    /// A Markdown script's body with the first line of each message fence
    /// reworded.
    fn reword_fences(self, body: &str) -> String {
        let mut out = String::with_capacity(body.len());
        let mut after_fence = false;
        for line in body.split_inclusive('\n') {
            match after_fence {
                true => out.push_str(&self.reword(line)),
                false => out.push_str(line),
            }
            after_fence = line.trim_start().starts_with("```message");
        }
        out
    }
}

/// Writes the translation of the content file `path` into `tag`.
pub fn new_translation(config: &Config, tag: &str, path: &str) -> Result<Created> {
    let language = config
        .translations()
        .iter()
        .find(|l| l.tag.eq_ignore_ascii_case(tag))
        .ok_or_else(|| unknown_language(config, tag))?;
    let relative = source_path(config, path)?;
    let source_file = config.content_dir().join(&relative);
    let bytes = crate::fs::read(&source_file)?;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let hash = crate::languages::source_hash(&bytes);
    let (stem, extension) = relative.rsplit_once('.').expect("a path with an extension");
    let own = format!("{stem}.{}.{extension}", language.tag);
    let file = config.content_dir().join(&own);
    refuse_existing(&file)?;
    // An email's subject line starts with the translation's word for it.
    let words = Words {
        from: &config.current_language().subject,
        to: &language.subject,
    };
    let written = match extension {
        "md" if relative.starts_with("scripts/") && !relative.ends_with("_index.md") => {
            markdown_script(config, &relative, &text, &hash, words)?
        }
        "md" => page(&text, &hash),
        _ => yaml_script(config, &relative, &text, &hash, words)?,
    };
    write_new(&file, written.as_bytes())?;
    Ok(Created {
        heading: format!(
            "Created the {} translation of `content/{relative}`",
            language.name
        ),
        files: vec![display_path(&file)],
        next: vec![
            format!(
                "translate the text of {}: every key and paragraph is the source's",
                display_path(&file)
            ),
            format!(
                "guide check   # says what is left to translate in {}",
                language.name
            ),
        ],
    })
}

fn unknown_language(config: &Config, tag: &str) -> Error {
    let known: Vec<&str> = config
        .translations()
        .iter()
        .map(|l| l.tag.as_str())
        .collect();
    let help = match known.as_slice() {
        [] => format!("declare it in site.toml first:\n\n    [languages.{tag}]\n    name = \"…\"  # the language's name in itself"),
        _ => format!("the site's other languages are: {}", known.join(", ")),
    };
    Error::with_help(format!("the site has no language `{tag}`"), help)
}

/// The content path of the source, from what the user typed
/// (`first-message/timing`, `content/scripts/x.yaml`).
fn source_path(config: &Config, path: &str) -> Result<String> {
    let cleaned = path.trim().replace('\\', "/");
    let cleaned = cleaned.trim_start_matches("./");
    let cleaned = cleaned
        .strip_prefix("content/")
        .unwrap_or(cleaned)
        .to_string();
    let content = config.content_dir();
    let candidates = [
        cleaned.clone(),
        format!("{cleaned}.md"),
        format!("{cleaned}.yaml"),
        format!("{cleaned}/_index.md"),
    ];
    for candidate in candidates {
        let is_source = crate::content::translation_of(config, &candidate).is_none();
        if is_source && candidate.contains('.') && content.join(&candidate).is_file() {
            return Ok(candidate);
        }
    }
    Err(Error::with_help(
        format!("there is no `content/{cleaned}` to translate"),
        "give the source's path under content/, such as `first-message/timing` or `scripts/reconnect-email.yaml`",
    ))
}

/// A page's translation: the front matter a translation gives (the rest
/// is inherited), then the source's body to translate.
fn page(text: &str, hash: &str) -> String {
    let split = crate::content::frontmatter::split(text).ok();
    let (yaml, body) = split.map_or(("", text), |s| (s.yaml, &text[s.body_offset..]));
    let mut out = format!("---\n{DRAFT_NOTE}source_hash: {hash}\ndraft: true\n");
    let inherited = [
        "date:",
        "updated:",
        "weight:",
        "draft:",
        "slug:",
        "aliases:",
        "template:",
        "image:",
        "extra:",
    ];
    let mut skipping = false;
    for line in yaml.lines() {
        let is_key = !line.starts_with([' ', '\t', '-']) && line.contains(':');
        if is_key {
            skipping = inherited.iter().any(|k| line.starts_with(k));
        }
        if !skipping {
            out.push_str(line);
            out.push('\n');
        }
    }
    out.push_str("---\n");
    out.push_str(body);
    out
}

/// A YAML script's translation: every field and message by name, with the
/// source's text in place.
fn yaml_script(
    config: &Config,
    relative: &str,
    text: &str,
    hash: &str,
    words: Words<'_>,
) -> Result<String> {
    let script = load_script(config, relative, text)?;
    let overlay = YamlOverlay {
        source_hash: hash.to_string(),
        draft: true,
        title: &script.title,
        summary: &script.summary,
        tags: &script.tags,
        fields: field_texts(&script),
        messages: script
            .messages
            .iter()
            .map(|m| MessageText {
                name: &m.name,
                label: &m.label,
                body: format!("{}\n", words.reword(&m.body)),
            })
            .collect(),
        notes: &script.notes,
    };
    let yaml = serde_yaml::to_string(&overlay).map_err(|e| Error::msg(e.to_string()))?;
    Ok(format!("{DRAFT_NOTE}{yaml}"))
}

/// A Markdown script's translation: its fields by name in the front
/// matter, then the source's notes and message fences.
fn markdown_script(
    config: &Config,
    relative: &str,
    text: &str,
    hash: &str,
    words: Words<'_>,
) -> Result<String> {
    let script = load_script(config, relative, text)?;
    #[derive(Serialize)]
    struct Front<'a> {
        source_hash: &'a str,
        draft: bool,
        title: &'a str,
        summary: &'a str,
        #[serde(skip_serializing_if = "<[String]>::is_empty")]
        tags: &'a [String],
        #[serde(skip_serializing_if = "Vec::is_empty")]
        fields: Vec<FieldText<'a>>,
    }
    let own = field_texts(&script);
    let front = Front {
        source_hash: hash,
        draft: true,
        title: &script.title,
        summary: &script.summary,
        tags: &script.tags,
        fields: own,
    };
    let yaml = serde_yaml::to_string(&front).map_err(|e| Error::msg(e.to_string()))?;
    let body = crate::content::frontmatter::split(text).map_or(text, |s| &text[s.body_offset..]);
    let body = words.reword_fences(body);
    Ok(format!("---\n{DRAFT_NOTE}{yaml}---\n{body}"))
}

/// Each field of `script` by name, with its source text to translate.
fn field_texts(script: &crate::script::Script) -> Vec<FieldText<'_>> {
    let fields = script.fields.iter().map(|f| FieldText {
        name: &f.name,
        label: &f.label,
        example: &f.example,
    });
    fields.collect()
}

fn load_script(config: &Config, relative: &str, text: &str) -> Result<crate::script::Script> {
    let source = crate::content::ScriptSource {
        relative: relative.to_string(),
        path: config.content_dir().join(relative),
        source: text.to_string(),
    };
    let (mut scripts, _) = crate::script::load(config, std::slice::from_ref(&source)).map_err(|_| {
        Error::with_help(
            format!("`content/{relative}` does not build on its own, so its translation cannot be started from it"),
            "run `guide check` and fix the script first (a script that `uses:` a template: translate the template first, then copy this one by hand)",
        )
    })?;
    scripts
        .pop()
        .ok_or_else(|| Error::msg(format!("`content/{relative}` is a draft")))
}
