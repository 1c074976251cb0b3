//! Script embeds: each ```` ```script <slug> ```` fence of a page, left in
//! its HTML as a marker by `markdown`, becomes the script's form and preview
//! through `partials/script-embed.html`, which sees the same `script` as
//! `script.html` (with only the chosen messages) and an `embed` naming the
//! embed's own prefix for ids and fragment keys, so that several embeds on
//! one page keep their values apart.

use std::borrow::Cow;

use serde::Serialize;
use tera::Context;

use super::context::Views;
use super::templates::{self, Engine};
use crate::error::Result;
use crate::markdown::embed_marker;

/// The partial every embed is rendered with; a site may override it.
pub const PARTIAL: &str = "partials/script-embed.html";

/// `embed` in `partials/script-embed.html`.
#[derive(Serialize)]
pub struct EmbedView<'a> {
    /// Unique on the page: the slug, or `slug-2` for its second embed.
    pub key: String,
    /// The prefix of every id inside the embed (`embed-<key>-`).
    pub ns: String,
    /// The full script page.
    pub url: &'a str,
    /// Whether only some of the script's messages are shown.
    pub partial: bool,
}

/// The document's HTML with every embed marker replaced by its form, or
/// the HTML as it is when the document embeds nothing.
pub fn fill<'a>(views: &Views<'a>, tera: &Engine, index: usize) -> Result<Cow<'a, str>> {
    let site = views.site;
    let rendered = &site.rendered[index];
    let html = rendered.html.as_str();
    if rendered.embeds.is_empty() {
        return Ok(Cow::Borrowed(html));
    }
    let document = &site.documents[index];
    let mut out = html.to_string();
    let mut keys: Vec<String> = Vec::new();
    for (n, embed) in rendered.embeds.iter().enumerate() {
        let Some(script) = site.script_by_slug(&embed.slug.0) else {
            // Reported when the site was built; nothing to show.
            continue;
        };
        let slug = &embed.slug.0;
        let seen = keys.iter().filter(|k| k.as_str() == slug).count();
        keys.push(slug.clone());
        let key = if seen == 0 {
            slug.clone()
        } else {
            format!("{slug}-{}", seen + 1)
        };
        let messages: Vec<&str> = embed.messages.iter().map(|(m, _)| m.as_str()).collect();
        let view = EmbedView {
            ns: format!("embed-{key}-"),
            key,
            url: &site.scripts[script].url,
            partial: !messages.is_empty(),
        };
        let mut context = Context::new();
        context.insert("current_url", &views.config.permalink(&document.url));
        context.insert("current_path", &document.url);
        context.insert("script", &views.script_with(script, &messages));
        context.insert("embed", &view);
        let form = templates::render(
            views.config,
            tera,
            PARTIAL,
            &context,
            Some((&document.path, 0)),
        )?;
        out = out.replacen(&embed_marker(n), &form, 1);
    }
    Ok(Cow::Owned(out))
}
