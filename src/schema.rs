//! The JSON Schemas of `site.toml` and of YAML scripts, for editors
//! (taplo's `#:schema`, yaml-language-server's `$schema`), made from the
//! very types that read those files, so that they cannot drift: the
//! repository keeps them in `schemas/` and a test compares the two
//! (`GUIDE_UPDATE_SCHEMAS=1 cargo test --test integration schemas` writes
//! them anew), and `guide init` writes them into a new site.

/// The schema of `site.toml`, as pretty JSON.
pub fn site() -> String {
    pretty(&crate::config::schema())
}

/// The schema of a YAML script (`content/scripts/<slug>.yaml`), as pretty JSON.
pub fn script() -> String {
    pretty(&crate::script::from_yaml::schema())
}

fn pretty(schema: &serde_json::Value) -> String {
    serde_json::to_string_pretty(schema).expect("a schema serializes") + "\n"
}
