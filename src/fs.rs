//! File-system calls whose errors name the path.
//!
//! Every read and write of guide goes through here, so that no user ever
//! sees "No such file or directory" without knowing which file was meant.

use std::path::Path;

use crate::error::{line_column, Diagnostic, Error, Result};

fn io<'a>(action: &'static str, path: &'a Path) -> impl FnOnce(std::io::Error) -> Error + 'a {
    move |source| Error::Io {
        action,
        path: path.to_path_buf(),
        source,
    }
}

/// Reads a whole file as bytes.
pub fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(io("read", path))
}

/// The size of a file in bytes (following symlinks).
pub fn size(path: &Path) -> Result<u64> {
    std::fs::metadata(path)
        .map(|m| m.len())
        .map_err(io("read", path))
}

/// Reads a UTF-8 text file, dropping a leading byte-order mark. Invalid UTF-8
/// is reported at the line and column of the first bad byte.
pub fn read_text(path: &Path) -> Result<String> {
    let bytes = read(path)?;
    text_from_bytes(path, bytes)
}

/// Decodes file contents as UTF-8 (see [`read_text`]).
pub fn text_from_bytes(path: &Path, bytes: Vec<u8>) -> Result<String> {
    let mut text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => {
            let valid = err.utf8_error().valid_up_to();
            let bytes = err.into_bytes();
            let good = String::from_utf8_lossy(&bytes[..valid]);
            let (line, column) = line_column(&good, good.len());
            let lossy = String::from_utf8_lossy(&bytes);
            return Err(Diagnostic::at(
                path,
                &lossy,
                line,
                column,
                format!("`{}` is not valid UTF-8", crate::error::display_path(path)),
            )
            .help("save the file as UTF-8 (most editors have an \"encoding\" menu)")
            .into());
        }
    };
    if text.starts_with('\u{feff}') {
        text.drain(..3);
    }
    Ok(text)
}

/// Writes a file, replacing it if it exists.
pub fn write(path: &Path, contents: &[u8]) -> Result<()> {
    std::fs::write(path, contents).map_err(io("write", path))
}

/// Creates a folder and its parents.
pub fn create_dir_all(path: &Path) -> Result<()> {
    std::fs::create_dir_all(path).map_err(io("create folder", path))
}

/// Removes a folder and everything in it.
pub fn remove_dir_all(path: &Path) -> Result<()> {
    std::fs::remove_dir_all(path).map_err(io("remove folder", path))
}

/// Renames a file or folder.
pub fn rename(from: &Path, to: &Path) -> Result<()> {
    std::fs::rename(from, to).map_err(io("rename", from))
}

/// Whether a path exists (following symlinks); errors count as "no".
pub fn exists(path: &Path) -> bool {
    path.exists()
}

/// Resolves symlinks and `..` in a path that exists.
pub fn canonicalize(path: &Path) -> Result<std::path::PathBuf> {
    std::fs::canonicalize(path).map_err(io("resolve", path))
}

/// The target of a symlink, as written in the link.
pub fn read_link(path: &Path) -> Result<std::path::PathBuf> {
    std::fs::read_link(path).map_err(io("read link", path))
}

/// Lists the names in a folder.
pub fn read_dir_names(path: &Path) -> Result<Vec<std::ffi::OsString>> {
    let entries = std::fs::read_dir(path).map_err(io("list", path))?;
    entries
        .map(|entry| entry.map(|e| e.file_name()).map_err(io("list", path)))
        .collect()
}

/// Creates a new file, failing (naming the path) if one is already there:
/// for files that must never replace an author's work.
pub fn write_new(path: &Path, contents: &[u8]) -> Result<()> {
    use std::io::Write as _;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(io("create", path))?;
    file.write_all(contents).map_err(io("write", path))
}
