//! Text made safe to place in HTML or XML, in element content or in a quoted
//! attribute value: the five characters that could end either are written
//! as references. Every writer of markup (pages, the feed, the sitemap,
//! script previews, the error page) escapes through here.

/// `text` with `&`, `<`, `>`, `"` and `'` escaped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text);
    out
}

/// Appends `text` to `out`, escaped as [`escape`] does.
pub fn escape_into(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(at) = rest.find(['&', '<', '>', '"', '\'']) {
        out.push_str(&rest[..at]);
        out.push_str(match rest.as_bytes()[at] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => "&#39;",
        });
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_five_characters_are_escaped_and_nothing_else() {
        assert_eq!(escape("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
        assert_eq!(escape("it's > that"), "it&#39;s &gt; that");
        assert_eq!(escape("Café — ok"), "Café — ok");
        let mut out = String::from("x=");
        escape_into(&mut out, "<&>");
        assert_eq!(out, "x=&lt;&amp;&gt;");
    }
}
