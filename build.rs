//! Embeds the default theme in the binary, for `guide init`.
//!
//! Walks `themes/bridges/` and writes `embedded_theme.rs` into `OUT_DIR`: one
//! `(path, include_bytes!(…))` entry per file, so that a file added to the
//! theme is embedded without touching the code. Cargo re-runs this script
//! whenever anything under the theme's folder changes.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

const THEME: &str = "bridges";

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let theme = manifest.join("themes").join(THEME);
    println!("cargo:rerun-if-changed=themes/{THEME}");

    let mut files = Vec::new();
    collect(&theme, &theme, &mut files);
    files.sort();

    let mut code = String::new();
    writeln!(
        code,
        "/// The name of the embedded theme's folder under `themes/`."
    )
    .unwrap();
    writeln!(code, "pub const THEME_NAME: &str = {THEME:?};").unwrap();
    writeln!(code).unwrap();
    writeln!(
        code,
        "/// Every file of the embedded theme: its `/`-separated path inside the\n/// theme's folder, and its bytes."
    )
    .unwrap();
    writeln!(code, "pub static THEME_FILES: &[(&str, &[u8])] = &[").unwrap();
    for (relative, absolute) in &files {
        let absolute = absolute.to_str().expect("theme paths are UTF-8");
        writeln!(code, "    ({relative:?}, include_bytes!({absolute:?})),").unwrap();
    }
    writeln!(code, "];").unwrap();

    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo"));
    std::fs::write(out.join("embedded_theme.rs"), code).expect("cannot write embedded_theme.rs");
}

/// Lists the files under `dir` (relative to `root`, `/`-separated), leaving
/// out hidden files and editor leftovers, as guide itself does.
fn collect(root: &Path, dir: &Path, files: &mut Vec<(String, PathBuf)>) {
    let entries =
        std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
    for entry in entries {
        let entry = entry.unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || name.ends_with('~') || name.ends_with(".swp") {
            continue;
        }
        let path = entry.path();
        if path.is_dir() {
            collect(root, &path, files);
        } else {
            let relative = path
                .strip_prefix(root)
                .expect("walked from the root")
                .to_string_lossy()
                .replace('\\', "/");
            files.push((relative, path));
        }
    }
}
