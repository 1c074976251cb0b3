//! The integration tests of guide: one binary, a module per capability.
//! Fixture sites live in `tests/fixtures/`; each test copies what it needs
//! into a temporary folder, so no test writes into the repository.

mod chrome;
mod support;

mod a11y;
mod bad_inputs;
mod bilingual;
mod browser;
mod build;
mod check;
mod claims;
mod content;
mod editorial;
mod errors;
mod feeds;
mod finish;
mod helper;
mod incremental;
mod init;
mod languages;
mod offline_browser;
mod output;
mod plan_property;
mod publishing;
mod scripts;
mod search;
mod security;
mod serve;
mod server_load;
mod sharing;
mod source_rules;
mod sources;
mod theme_strings;
mod themes;
mod tooling;
