//! guide: a static-site generator for a practical, interactive guide to
//! mending professional relationships.
//!
//! The modules, grouped by pipeline stage and in the order a build runs
//! them; each group uses only the groups above it.

// Leaves that every stage may use: the one error type and its places,
// HTML escaping, file reading and writing, the containment walk of the
// site's folders, diagnostics as JSON, slugs.
pub mod error;
pub mod escape;
pub mod fs;
pub mod input;
pub mod report;
pub mod slug;

// Reading the sources: site.toml, then content/ (pages and sections, with
// their front matter), then the scripts, then Markdown.
pub mod config;
pub mod content;
pub mod markdown;
pub mod script;

// The model: every document placed, ordered and linked (`site`), the same
// for each other language from its translations (`languages`), then
// rendered with the templates along the render plan (`render`).
pub mod languages;
pub mod render;
pub mod site;

// The built site: held in memory and written (`output`), indexed for
// search, made readable offline, and checked beyond the build (`lint`).
pub mod lint;
pub mod offline;
pub mod output;
pub mod search;

// The commands: a build from end to end, the dev server that rebuilds on
// change, new sites, pages and scripts, and editors' schemas.
pub mod build;
pub mod scaffold;
pub mod schema;
pub mod serve;

// Facing the user: the command line, running it, and the terminal.
pub mod cli;
pub mod run;
pub mod terminal;
