//! The views and pages of scripts: one interactive page per script and the
//! scripts index at `/scripts/`.

use serde::Serialize;
use tera::Context;

use super::views::Views;
use crate::config::{Channel, Label};
use crate::script::checker::{self, Rule};
use crate::script::{self, Field, Format, Message, Script};

/// `{ id, label, description }` of a situation, relationship or channel.
#[derive(Serialize)]
pub struct LabelView<'a> {
    pub id: &'a str,
    pub label: &'a str,
    pub description: Option<&'a str>,
}

/// A channel has no description: its note is shown beside the counter.
impl<'a> From<&'a Channel> for LabelView<'a> {
    fn from(channel: &'a Channel) -> Self {
        LabelView {
            id: &channel.id,
            label: &channel.label,
            description: None,
        }
    }
}

impl<'a> From<&'a Label> for LabelView<'a> {
    fn from(label: &'a Label) -> Self {
        LabelView {
            id: &label.id,
            label: &label.label,
            description: label.description.as_deref(),
        }
    }
}

/// A message as the script page shows it.
#[derive(Serialize)]
pub struct MessageView<'a> {
    pub name: &'a str,
    pub label: &'a str,
    pub channel: &'a Channel,
    pub body: &'a str,
    pub subject: Option<String>,
    pub example: String,
    pub example_length: usize,
    pub over_limit: bool,
    pub blanks_html: String,
}

/// `script` in `script.html`.
#[derive(Serialize)]
pub struct ScriptView<'a> {
    pub title: &'a str,
    pub summary: &'a str,
    pub url: &'a str,
    pub permalink: String,
    pub source: Format,
    pub situation: Option<LabelView<'a>>,
    pub relationship: Vec<LabelView<'a>>,
    pub fields: &'a [Field],
    pub messages: Vec<MessageView<'a>>,
    /// The channels of its messages, each once.
    pub channels: Vec<LabelView<'a>>,
    pub notes: &'a str,
    pub toc: &'a [crate::markdown::Heading],
    pub tags: &'a [String],
    pub data_json: String,
}

/// A script in lists: the index, "scripts for this situation" boxes.
#[derive(Serialize)]
pub struct ScriptCard<'a> {
    pub title: &'a str,
    pub summary: &'a str,
    pub url: &'a str,
    pub situation: Option<LabelView<'a>>,
    pub relationship: Vec<LabelView<'a>>,
    pub channels: Vec<LabelView<'a>>,
}

/// One situation of the index with its scripts.
#[derive(Serialize)]
pub struct SituationGroup<'a> {
    pub id: &'a str,
    pub label: &'a str,
    pub description: Option<&'a str>,
    pub scripts: Vec<ScriptCard<'a>>,
}

#[derive(Serialize)]
struct DataMessage<'a> {
    name: &'a str,
    label: &'a str,
    body: &'a str,
    subject: Option<&'a str>,
    channel: &'a Channel,
}

#[derive(Serialize)]
struct Data<'a> {
    slug: &'a str,
    fields: &'a [Field],
    messages: Vec<DataMessage<'a>>,
    /// The checker's rules that apply to this script, in the page's
    /// language, for the reader's text.
    rules: Vec<RuleView<'a>>,
}

/// A checker rule as the page sees it: the rule, and the URL of the page
/// that explains it (none when this site has no such page).
#[derive(Serialize)]
struct RuleView<'a> {
    #[serde(flatten)]
    rule: &'a Rule,
    url: Option<String>,
}

/// JSON that is safe inside `<script type="application/json">`: nothing in
/// it can close the element or start a comment.
pub fn embeddable_json(value: &impl Serialize) -> String {
    let json = serde_json::to_string(value).expect("script data serializes");
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

impl<'a> Views<'a> {
    fn situation(&self, id: &str) -> Option<LabelView<'a>> {
        self.config
            .situations
            .iter()
            .find(|s| s.id == id)
            .map(LabelView::from)
    }

    fn relationships(&self, ids: &[String]) -> Vec<LabelView<'a>> {
        ids.iter()
            .filter_map(|id| self.config.relationships.iter().find(|r| &r.id == id))
            .map(LabelView::from)
            .collect()
    }

    /// The word an email's subject line starts with in the page's language.
    fn subject_word(&self) -> &'a str {
        &self.config.current_language().subject
    }

    fn channel(&self, id: &str) -> &'a Channel {
        self.config
            .channel(id)
            .expect("channels are checked when scripts load")
    }

    fn message(&self, script: &'a Script, message: &'a Message) -> MessageView<'a> {
        let channel = self.channel(&message.channel);
        let example = script.example(message);
        let (subject, body) = script::split_subject(&example, self.subject_word());
        let example_length = script::length(body);
        let blanks = |name: &str| {
            script
                .field(name)
                .map_or_else(|| name.to_string(), |f| f.label.clone())
        };
        MessageView {
            name: &message.name,
            label: &message.label,
            channel,
            body: &message.body,
            subject: subject.map(str::to_string),
            over_limit: channel.limit.is_some_and(|limit| example_length > limit),
            example_length,
            blanks_html: message.template.render_html_blanks(blanks),
            example,
        }
    }

    /// The full view of one script.
    pub fn script(&self, index: usize) -> ScriptView<'a> {
        self.script_with(index, &[])
    }

    /// The view of one script with only the named messages (all when
    /// `only` is empty), as an embed shows it.
    pub fn script_with(&self, index: usize, only: &[&str]) -> ScriptView<'a> {
        let script = &self.site.scripts[index];
        let shown = |m: &&'a Message| only.is_empty() || only.contains(&m.name.as_str());
        let notes = &self.site.script_notes[index];
        let data = Data {
            slug: &script.slug,
            fields: &script.fields,
            messages: script
                .messages
                .iter()
                .filter(shown)
                .map(|m| DataMessage {
                    name: &m.name,
                    label: &m.label,
                    body: &m.body,
                    subject: script::split_subject(&m.body, self.subject_word()).0,
                    channel: self.channel(&m.channel),
                })
                .collect(),
            rules: self.rules_for(&script.slug),
        };
        ScriptView {
            title: &script.title,
            summary: &script.summary,
            url: &script.url,
            permalink: self.config.permalink(&script.url),
            source: script.format,
            situation: self.situation(&script.situation),
            relationship: self.relationships(&script.relationship),
            fields: &script.fields,
            messages: script
                .messages
                .iter()
                .filter(shown)
                .map(|m| self.message(script, m))
                .collect(),
            channels: self.channels_of(script),
            notes: &notes.html,
            toc: &notes.toc,
            tags: &script.tags,
            data_json: embeddable_json(&data),
        }
    }

    /// The checker's rules for the script `slug` in the page's language,
    /// each with its page's URL.
    fn rules_for(&self, slug: &str) -> Vec<RuleView<'a>> {
        checker::rules(&self.config.language)
            .iter()
            .filter(|rule| rule.scripts.is_empty() || rule.scripts.iter().any(|s| s == slug))
            .map(|rule| {
                let target = rule.explains.trim_start_matches("@/");
                let (path, anchor) = target.split_once('#').unwrap_or((target, ""));
                let url = self.site.urls.get(path).map(|url| match anchor {
                    "" => url.clone(),
                    anchor => format!("{url}#{anchor}"),
                });
                RuleView { rule, url }
            })
            .collect()
    }

    /// A script as a card in lists.
    pub fn script_card(&self, index: usize) -> ScriptCard<'a> {
        let script = &self.site.scripts[index];
        ScriptCard {
            title: &script.title,
            summary: &script.summary,
            url: &script.url,
            situation: self.situation(&script.situation),
            relationship: self.relationships(&script.relationship),
            channels: self.channels_of(script),
        }
    }

    /// The channels a script's messages go to, each once, in message order.
    fn channels_of(&self, script: &'a Script) -> Vec<LabelView<'a>> {
        let mut channels: Vec<LabelView<'a>> = Vec::new();
        for message in &script.messages {
            let channel = self.channel(&message.channel);
            if !channels.iter().any(|c| c.id == channel.id) {
                channels.push(channel.into());
            }
        }
        channels
    }

    /// Adds what `scripts.html` needs to a context.
    pub fn insert_index(&self, context: &mut Context) {
        let cards: Vec<ScriptCard<'_>> = (0..self.site.scripts.len())
            .map(|i| self.script_card(i))
            .collect();
        let groups: Vec<SituationGroup<'_>> = self
            .config
            .situations
            .iter()
            .map(|s| SituationGroup {
                id: &s.id,
                label: &s.label,
                description: s.description.as_deref(),
                scripts: (0..self.site.scripts.len())
                    .filter(|&i| self.site.scripts[i].situation == s.id)
                    .map(|i| self.script_card(i))
                    .collect(),
            })
            .filter(|group| !group.scripts.is_empty())
            .collect();
        let relationships: Vec<LabelView<'_>> = self
            .config
            .relationships
            .iter()
            .map(LabelView::from)
            .collect();
        let channels: Vec<LabelView<'_>> =
            self.config.channels.iter().map(LabelView::from).collect();
        context.insert("scripts", &cards);
        context.insert("situations", &groups);
        context.insert("relationships", &relationships);
        context.insert("channels", &channels);
    }
}
