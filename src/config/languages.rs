//! `[languages.<tag>]`: the languages a site is written in besides its own
//! (`language`), each with the texts readers see in it. Ids and limits are
//! the site's: a channel's limit belongs to the platform, not the language.
//! The default language stays at the site's root; another is published
//! under `/<tag>/`, from the translation files beside their sources
//! (`timing.es.md`).
//!
//! Besides texts, a language has the word its email scripts start their
//! subject line with (`Asunto: …`), and may set `[extra]` keys of its own
//! over the site's (an author's name, for one).

use std::collections::HashMap;
use std::ops::Range;

use indexmap::IndexMap;
use serde::Deserialize;
use toml::Spanned;

use super::{check_language, Config, Label};
use crate::error::{did_you_mean, Error};

/// Which way a language's text runs.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, serde::Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    #[default]
    Ltr,
    Rtl,
}

impl Direction {
    /// The value of HTML's `dir`.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Ltr => "ltr",
            Direction::Rtl => "rtl",
        }
    }
}

/// `[languages.<tag>]` as written.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct RawLanguage {
    /// The language's name in itself ("Español"), for the language switcher.
    name: Option<String>,
    /// The site's title in this language.
    title: Option<String>,
    description: Option<String>,
    #[serde(default)]
    direction: Direction,
    #[serde(default)]
    #[schemars(with = "std::collections::BTreeMap<String, RawChannelText>")]
    channels: IndexMap<Spanned<String>, RawChannelText>,
    #[serde(default)]
    #[schemars(with = "std::collections::BTreeMap<String, RawLabelText>")]
    situations: IndexMap<Spanned<String>, RawLabelText>,
    #[serde(default)]
    #[schemars(with = "std::collections::BTreeMap<String, RawLabelText>")]
    relationships: IndexMap<Spanned<String>, RawLabelText>,
    #[serde(default)]
    #[schemars(with = "std::collections::BTreeMap<String, RawLabelText>")]
    taxonomies: IndexMap<Spanned<String>, RawLabelText>,
    #[serde(default)]
    offline: RawOfflineText,
    /// The word an email script's first line starts with to give the
    /// subject, before its colon (`Asunto` in `Asunto: Hola`). Default:
    /// `Asunto` for Spanish, `Subject` for any other language.
    #[schemars(with = "Option<String>")]
    subject: Option<Spanned<String>>,
    /// `config.extra` in this language: these keys over the site's `[extra]`.
    #[serde(default)]
    #[schemars(with = "serde_json::Map<String, serde_json::Value>")]
    extra: toml::Table,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawChannelText {
    label: Option<String>,
    note: Option<String>,
    /// The labels of the channel's `limits`, in the order they are declared.
    #[schemars(with = "Option<Vec<String>>")]
    limits: Option<Spanned<Vec<String>>>,
}

#[derive(Deserialize, Clone, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawLabelText {
    label: Option<String>,
    description: Option<String>,
}

#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawOfflineText {
    short_name: Option<String>,
}

/// A channel's texts in a language: its label, its note, its limits' labels.
type ChannelText = (Option<String>, Option<String>, Option<Vec<String>>);

/// One language of the site, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct Language {
    /// The BCP 47 tag, canonical (`es`, `pt-BR`).
    pub tag: String,
    /// Its name in itself ("Español"); the tag when not given.
    pub name: String,
    pub direction: Direction,
    title: Option<String>,
    description: Option<String>,
    /// Per channel id: its label, its note, its limits' labels.
    channels: HashMap<String, ChannelText>,
    situations: HashMap<String, (Option<String>, Option<String>)>,
    relationships: HashMap<String, (Option<String>, Option<String>)>,
    taxonomies: HashMap<String, (Option<String>, Option<String>)>,
    short_name: Option<String>,
    /// The word before the colon of an email's subject line (`Subject`,
    /// `Asunto`): see [`crate::script::split_subject`].
    pub subject: String,
    /// `[languages.<tag>.extra]`, laid over the site's `extra`.
    extra: serde_json::Map<String, serde_json::Value>,
}

/// The word that starts an email's subject line in a language whose table
/// does not say: Spanish (`es`, `es-MX`, …) has its own, every other
/// language the English one.
fn default_subject(tag: &str) -> &'static str {
    match tag.split('-').next() {
        Some("es") => "Asunto",
        _ => "Subject",
    }
}

/// `subject` as written, checked: one word or a few, on one line, without
/// the colon that follows it in a script.
fn subject(
    tag: &str,
    written: Option<Spanned<String>>,
    errors: &mut Vec<Error>,
    at: &impl Fn(Range<usize>, String) -> Error,
) -> String {
    let Some(written) = written else {
        return default_subject(tag).to_string();
    };
    let word = written.get_ref().trim();
    let problem = if word.is_empty() {
        Some("is empty")
    } else if word.contains(':') {
        Some("has a colon: write the word alone (`subject = \"Asunto\"`), and guide reads it followed by `:`")
    } else if word.contains(['\n', '\r']) {
        Some("is more than one line")
    } else {
        None
    };
    match problem {
        Some(problem) => {
            errors.push(at(
                written.span(),
                format!("`[languages.{tag}] subject` {problem}"),
            ));
            default_subject(tag).to_string()
        }
        None => word.to_string(),
    }
}

/// Validates `[languages]`: the default language first (its name and
/// direction from its own table if it has one), then the others in the
/// order written.
pub(super) fn languages(
    raw: IndexMap<Spanned<String>, RawLanguage>,
    declared: &Config,
    errors: &mut Vec<Error>,
    at: &impl Fn(Range<usize>, String) -> Error,
) -> Vec<Language> {
    let mut default = Language::bare(&declared.language);
    let mut others: Vec<Language> = Vec::new();
    for (written, table) in raw {
        let span = written.span();
        let tag = match check_language(written.get_ref()) {
            Ok(tag) => tag,
            Err(message) => {
                let message = message.replace(
                    "`language`",
                    &format!("`[languages.{}]`", written.get_ref()),
                );
                errors.push(at(span, message));
                continue;
            }
        };
        if tag == declared.language {
            default = default_language(tag, table, span, errors, at);
            continue;
        }
        if others.iter().any(|l| l.tag == tag) {
            errors.push(at(span, format!("`[languages.{tag}]` is written twice")));
            continue;
        }
        if tag.contains('/') || tag == "pagefind" {
            continue;
        }
        let name = table.name.clone();
        if name.as_deref().is_none_or(|n| n.trim().is_empty()) {
            errors.push(at(
                span.clone(),
                format!("`[languages.{tag}]` needs `name`, the language's name in itself (`name = \"Español\"`)"),
            ));
        }
        others.push(other_language(tag, table, declared, errors, at));
    }
    std::iter::once(default).chain(others).collect()
}

fn default_language(
    tag: String,
    table: RawLanguage,
    span: Range<usize>,
    errors: &mut Vec<Error>,
    at: &impl Fn(Range<usize>, String) -> Error,
) -> Language {
    let has_texts = table.title.is_some()
        || table.description.is_some()
        || !table.channels.is_empty()
        || !table.situations.is_empty()
        || !table.relationships.is_empty()
        || !table.taxonomies.is_empty()
        || table.offline.short_name.is_some()
        || !table.extra.is_empty();
    if has_texts {
        errors.push(at(
            span,
            format!(
                "`[languages.{tag}]` is the site's own language (`language = \"{tag}\"`): its texts are the top-level ones; give it only `name`, `direction` and `subject`"
            ),
        ));
    }
    Language {
        name: table.name.unwrap_or_else(|| tag.clone()),
        direction: table.direction,
        subject: subject(&tag, table.subject, errors, at),
        ..Language::bare(&tag)
    }
}

fn other_language(
    tag: String,
    table: RawLanguage,
    declared: &Config,
    errors: &mut Vec<Error>,
    at: &impl Fn(Range<usize>, String) -> Error,
) -> Language {
    let mut language = Language {
        name: table.name.unwrap_or_else(|| tag.clone()),
        direction: table.direction,
        title: table.title,
        description: table.description,
        short_name: table.offline.short_name,
        subject: subject(&tag, table.subject, errors, at),
        extra: extra(table.extra),
        ..Language::bare(&tag)
    };
    for (id, text) in table.channels {
        if let Some(texts) = channel_text(&tag, id.clone(), text, declared, errors, at) {
            language.channels.insert(id.into_inner(), texts);
        }
    }
    for (table_name, texts, ids, into) in [
        (
            "situations",
            table.situations,
            &declared.situations[..],
            &mut language.situations,
        ),
        (
            "relationships",
            table.relationships,
            &declared.relationships[..],
            &mut language.relationships,
        ),
        (
            "taxonomies",
            table.taxonomies,
            &declared.taxonomies[..],
            &mut language.taxonomies,
        ),
    ] {
        for (id, text) in texts {
            if !ids.iter().any(|l| l.id == *id.get_ref()) {
                let known = ids.iter().map(|l| l.id.as_str());
                errors.push(unknown(at, &tag, table_name, &id, known));
                continue;
            }
            into.insert(id.into_inner(), (text.label, text.description));
        }
    }
    language
}

/// A channel's texts in a language, checked against the channel: it must
/// be declared, and give one label for each of its limits.
fn channel_text(
    tag: &str,
    id: Spanned<String>,
    text: RawChannelText,
    declared: &Config,
    errors: &mut Vec<Error>,
    at: &impl Fn(Range<usize>, String) -> Error,
) -> Option<ChannelText> {
    let Some(channel) = declared.channels.iter().find(|c| c.id == *id.get_ref()) else {
        let ids = declared.channels.iter().map(|c| c.id.as_str());
        errors.push(unknown(at, tag, "channels", &id, ids));
        return None;
    };
    if let Some(limits) = &text.limits {
        let expected = declared.limit_order.get(&channel.id).map_or(0, Vec::len);
        if limits.get_ref().len() != expected {
            errors.push(at(
                limits.span(),
                format!(
                    "`[languages.{tag}.channels.{}] limits` gives {} labels, and the channel has {expected} limits: give one label for each, in the order of `[channels.{}] limits`",
                    channel.id,
                    limits.get_ref().len(),
                    channel.id
                ),
            ));
        }
    }
    Some((text.label, text.note, text.limits.map(Spanned::into_inner)))
}

fn unknown<'a>(
    at: &impl Fn(Range<usize>, String) -> Error,
    tag: &str,
    table: &str,
    id: &Spanned<String>,
    known: impl Iterator<Item = &'a str>,
) -> Error {
    let known: Vec<&str> = known.collect();
    let help = match did_you_mean(id.get_ref(), known.iter().copied()) {
        Some(near) => format!("did you mean `{near}`?"),
        None => format!("the ids of `[{table}]` are: {}", known.join(", ")),
    };
    at(
        id.span(),
        format!(
            "`[languages.{tag}.{table}.{}]`: there is no `{}` in `[{table}]`",
            id.get_ref(),
            id.get_ref()
        ),
    )
    .help(help)
}

impl Language {
    fn bare(tag: &str) -> Language {
        Language {
            tag: tag.to_string(),
            name: tag.to_string(),
            direction: Direction::Ltr,
            title: None,
            description: None,
            channels: HashMap::new(),
            situations: HashMap::new(),
            relationships: HashMap::new(),
            taxonomies: HashMap::new(),
            short_name: None,
            subject: default_subject(tag).to_string(),
            extra: serde_json::Map::new(),
        }
    }
}

/// A TOML table as the JSON templates see (`config.extra`).
fn extra(table: toml::Table) -> serde_json::Map<String, serde_json::Value> {
    match serde_json::to_value(table) {
        Ok(serde_json::Value::Object(map)) => map,
        _ => unreachable!("a TOML table is a JSON object"),
    }
}

impl Config {
    /// The site's other languages (every one but the default).
    pub fn translations(&self) -> &[Language] {
        &self.languages[1..]
    }

    /// Whether this configuration is the site's own language (not one of
    /// [`Config::for_language`]'s).
    pub fn is_default_language(&self) -> bool {
        self.language == self.languages[0].tag
    }

    /// The language this configuration is in.
    pub fn current_language(&self) -> &Language {
        self.languages
            .iter()
            .find(|l| l.tag == self.language)
            .unwrap_or(&self.languages[0])
    }

    /// The site root's URL path (`/`, `/guide/`), whatever the language.
    pub fn root_path(&self) -> &str {
        &self.root_path
    }

    /// The URL path of a language's home: the root for the default.
    pub fn language_path(&self, tag: &str) -> String {
        match tag == self.languages[0].tag {
            true => self.root_path.clone(),
            false => format!("{}{tag}/", self.root_path),
        }
    }

    /// The configuration of the site in `language` (one of
    /// [`Config::translations`]): its texts, and URLs under `/<tag>/`.
    pub fn for_language(&self, language: &Language) -> Config {
        let mut config = self.clone();
        config.language = language.tag.clone();
        if let Some(title) = &language.title {
            config.title = title.clone();
        }
        if let Some(description) = &language.description {
            config.description = description.clone();
        }
        let origin_end = self.base_url.len() - self.base_path.len();
        config.base_path = self.language_path(&language.tag);
        config.base_url = format!("{}{}", &self.base_url[..origin_end], config.base_path);
        for channel in &mut config.channels {
            let Some((label, note, limits)) = language.channels.get(&channel.id) else {
                continue;
            };
            if let Some(label) = label {
                channel.label = label.clone();
            }
            if note.is_some() {
                channel.note = note.clone();
            }
            if let (Some(limits), Some(order)) = (limits, self.limit_order.get(&channel.id)) {
                for (declared, text) in order.iter().zip(limits) {
                    if let Some(limit) = channel.limits.get_mut(*declared) {
                        limit.label = text.clone();
                    }
                }
            }
        }
        relabel(&mut config.situations, &language.situations);
        relabel(&mut config.relationships, &language.relationships);
        relabel(&mut config.taxonomies, &language.taxonomies);
        if language.short_name.is_some() {
            config.offline.short_name = language.short_name.clone();
        }
        if let serde_json::Value::Object(extra) = &mut config.extra {
            extra.extend(language.extra.clone());
        }
        config
    }
}

fn relabel(labels: &mut [Label], texts: &HashMap<String, (Option<String>, Option<String>)>) {
    for label in labels {
        let Some((text, description)) = texts.get(&label.id) else {
            continue;
        };
        if let Some(text) = text {
            label.label = text.clone();
        }
        if description.is_some() {
            label.description = description.clone();
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::config::{Config, Overrides};

    const SITE: &str = "title = \"T\"\nbase_url = \"https://example.org/\"\n[extra]\nauthor = \"The team\"\nrepo = \"https://example.org/repo\"\n[languages.en]\nname = \"English\"\n";

    fn parse(more: &str) -> crate::error::Result<Config> {
        let source = format!("{SITE}{more}");
        Config::parse(
            Path::new("."),
            Path::new("site.toml"),
            &source,
            &Overrides::default(),
        )
    }

    /// The message and position of the one error a configuration has.
    fn error(more: &str) -> (String, Option<(usize, usize)>) {
        let err = parse(more).unwrap_err();
        let d = err.diagnostic().expect("a located error");
        (d.message.clone(), d.position)
    }

    fn language<'c>(config: &'c Config, tag: &str) -> &'c super::Language {
        config.languages.iter().find(|l| l.tag == tag).unwrap()
    }

    #[test]
    fn a_languages_subject_word_is_its_own_or_the_built_in_one() {
        let config = parse(
            "[languages.es]\nname = \"Español\"\n[languages.fr]\nname = \"Français\"\nsubject = \"Objet\"\n[languages.pt]\nname = \"Português\"\n",
        )
        .unwrap();
        assert_eq!(language(&config, "en").subject, "Subject");
        assert_eq!(language(&config, "es").subject, "Asunto");
        assert_eq!(language(&config, "fr").subject, "Objet");
        assert_eq!(language(&config, "pt").subject, "Subject");
        let es = config.for_language(language(&config, "es"));
        assert_eq!(es.current_language().subject, "Asunto");
        let own = parse("").unwrap();
        assert_eq!(own.current_language().subject, "Subject");
    }

    #[test]
    fn the_sites_own_language_may_name_its_subject_word() {
        let source = SITE.replace(
            "name = \"English\"\n",
            "name = \"English\"\nsubject = \"Re\"\n",
        );
        let config = Config::parse(
            Path::new("."),
            Path::new("site.toml"),
            &source,
            &Overrides::default(),
        )
        .unwrap();
        assert_eq!(config.current_language().subject, "Re");
    }

    #[test]
    fn a_bad_subject_word_is_located() {
        let (message, position) =
            error("[languages.es]\nname = \"Español\"\nsubject = \"Asunto:\"\n");
        assert!(
            message.starts_with("`[languages.es] subject` has a colon"),
            "{message}"
        );
        assert_eq!(position, Some((10, 11)));
        let (message, position) = error("[languages.es]\nname = \"Español\"\nsubject = \" \"\n");
        assert_eq!(message, "`[languages.es] subject` is empty");
        assert_eq!(position, Some((10, 11)));
    }

    #[test]
    fn a_languages_extra_replaces_the_sites_keys_and_keeps_the_others() {
        let config = parse(
            "[languages.es]\nname = \"Español\"\n[languages.es.extra]\nauthor = \"El equipo\"\nnew = 1\n[languages.fr]\nname = \"Français\"\n",
        )
        .unwrap();
        let es = config.for_language(language(&config, "es"));
        assert_eq!(es.extra["author"], "El equipo");
        assert_eq!(es.extra["repo"], "https://example.org/repo");
        assert_eq!(es.extra["new"], 1);
        let fr = config.for_language(language(&config, "fr"));
        assert_eq!(fr.extra["author"], "The team");
        assert_eq!(config.extra["author"], "The team");
        assert!(config.extra.get("new").is_none());
    }

    #[test]
    fn the_sites_own_language_takes_no_extra_of_its_own() {
        let (message, position) = error("[languages.en.extra]\nauthor = \"Someone\"\n");
        assert!(
            message.ends_with("give it only `name`, `direction` and `subject`"),
            "{message}"
        );
        assert_eq!(position, Some((6, 12)));
    }
}
