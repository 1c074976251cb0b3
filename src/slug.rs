//! Text → URL-safe slug, shared by file names, tags and heading ids.

/// Folds `text` to lowercase ASCII words joined by `-`: `"Café & Co."` →
/// `"cafe-co"`. Returns an empty string when nothing is left.
pub fn slugify(text: &str) -> String {
    let ascii = deunicode::deunicode(text);
    let mut slug = String::with_capacity(ascii.len());
    let mut dash = false;
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            if dash && !slug.is_empty() {
                slug.push('-');
            }
            dash = false;
            slug.push(c.to_ascii_lowercase());
        } else if c == '_' && !slug.is_empty() {
            slug.push('_');
            dash = false;
        } else {
            dash = true;
        }
    }
    slug.trim_end_matches('_').to_string()
}

#[cfg(test)]
mod tests {
    use super::slugify;

    #[test]
    fn folds_unicode_and_punctuation() {
        assert_eq!(
            slugify("What success looks like"),
            "what-success-looks-like"
        );
        assert_eq!(slugify("Café & Co."), "cafe-co");
        assert_eq!(slugify("  --Hello,   World!-- "), "hello-world");
        assert_eq!(slugify("Ünïcödé Straße"), "unicode-strasse");
        assert_eq!(slugify("snake_case_name"), "snake_case_name");
        assert_eq!(slugify("!!!"), "");
    }
}
