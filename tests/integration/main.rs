//! The integration tests of guide: one binary, a module per capability.
//! Fixture sites live in `tests/fixtures/`; each test copies what it needs
//! into a temporary folder, so no test writes into the repository.

mod support;

mod browser;
mod build;
mod errors;
mod incremental;
mod output;
mod scripts;
mod serve;
