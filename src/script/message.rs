//! The message language of script bodies: `{{field}}`, `{{field|fallback}}`,
//! optional `[[ … ]]` segments and the `\{{` / `\[[` escapes.
//!
//! This module owns parsing a message body into a [`Template`], the errors a
//! bad body produces (with line and column inside the body), and rendering a
//! template either as plain text with the reader's values or as HTML with
//! labelled blanks for readers without JavaScript.
//!
//! guide's own `js/message.js` (`render/builtin/js/`, published for every
//! theme) implements the same language for the live preview. Both run the vectors in `tests/vectors/message-language.json`,
//! so a change here is a change there too, with a vector that pins it.
//!
//! The rules:
//! - A field is `{{name}}` or `{{name|fallback}}`, closed on the same line;
//!   whitespace around the name is allowed. A name is an ASCII letter
//!   followed by ASCII letters, digits or `_`.
//! - A value is empty when it is missing or only whitespace (Unicode
//!   `White_Space`); values and fallbacks are trimmed.
//! - An optional segment `[[ … ]]` is kept only when every field inside it is
//!   non-empty: a fallback does not rescue it. Segments do not nest.
//! - `\{{` writes `{{` and `\[[` writes `[[`; any other backslash, and a lone
//!   `}}` or `]]`, is plain text.

use std::fmt;

/// A parsed message body, ready to render any number of times.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    parts: Vec<Part>,
}

/// One top-level piece of a [`Template`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// Text or a field outside any optional segment.
    Inline(Inline),
    /// An optional `[[ … ]]` segment, shown only when all its fields are filled.
    Optional(Vec<Inline>),
}

/// Literal text or a field reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inline {
    /// Literal text, escapes already resolved.
    Text(String),
    /// A `{{name}}` or `{{name|fallback}}` reference.
    Field(FieldRef),
}

/// A `{{name}}` reference and where it starts in the message body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldRef {
    /// The field's name, trimmed.
    pub name: String,
    /// The trimmed text after `|`, shown when the value is empty.
    pub fallback: Option<String>,
    /// 1-based line of the opening `{{`.
    pub line: usize,
    /// 1-based column of the opening `{{`, counted in characters.
    pub column: usize,
}

/// A mistake in a message body, located at the start of the offending construct.
///
/// `message` is identical to the one the JavaScript implementation gives, so
/// the build and the browser say the same thing. `line` and `column` are
/// 1-based and count characters (Unicode scalar values) within the body; the
/// caller adds the body's own position in its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageError {
    /// What is wrong, without the position.
    pub message: String,
    /// 1-based line within the message body.
    pub line: usize,
    /// 1-based column within that line, in characters.
    pub column: usize,
}

impl fmt::Display for MessageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (line {}, column {})",
            self.message, self.line, self.column
        )
    }
}

impl std::error::Error for MessageError {}

/// Parses a message body.
///
/// Whether the names are declared is a separate check,
/// [`Template::unknown_fields`].
///
/// # Errors
///
/// The first unclosed `{{` or `[[`, nested `[[`, or empty or invalid field
/// name, located in the body.
pub fn parse(source: &str) -> Result<Template, MessageError> {
    Parser::new(source).parse()
}

impl Template {
    /// The template's parts in source order.
    pub fn parts(&self) -> &[Part] {
        &self.parts
    }

    /// Every field reference in source order, including those inside optional
    /// segments: what the build checks against the declared fields.
    pub fn fields(&self) -> impl Iterator<Item = &FieldRef> {
        self.parts
            .iter()
            .flat_map(Part::inlines)
            .filter_map(|inline| match inline {
                Inline::Field(field) => Some(field),
                Inline::Text(_) => None,
            })
    }

    /// One error for each reference to a field missing from `declared`, in
    /// source order; empty when every reference is declared.
    pub fn unknown_fields<S: AsRef<str>>(&self, declared: &[S]) -> Vec<MessageError> {
        let declared: Vec<&str> = declared.iter().map(AsRef::as_ref).collect();
        self.fields()
            .filter(|field| !declared.contains(&field.name.as_str()))
            .map(|field| MessageError {
                message: unknown_field_message(&field.name, &declared),
                line: field.line,
                column: field.column,
            })
            .collect()
    }

    /// Renders the template as plain text. `value` gives a field's value, or
    /// `None` when there is none; whitespace-only values count as empty.
    pub fn render<'v>(&self, value: impl Fn(&str) -> Option<&'v str>) -> String {
        let filled = |name: &str| value(name).map(str::trim).filter(|v| !v.is_empty());
        let mut out = String::new();
        for part in &self.parts {
            let inlines = part.inlines();
            let kept = inlines.iter().all(|inline| match inline {
                Inline::Field(field) => filled(&field.name).is_some(),
                Inline::Text(_) => true,
            });
            if matches!(part, Part::Optional(_)) && !kept {
                continue;
            }
            for inline in inlines {
                match inline {
                    Inline::Text(text) => out.push_str(text),
                    Inline::Field(field) => {
                        let text = filled(&field.name).or(field.fallback.as_deref());
                        out.push_str(text.unwrap_or(""));
                    }
                }
            }
        }
        out
    }

    /// Renders the template as HTML for readers without JavaScript.
    ///
    /// Text is escaped; each field becomes
    /// `<mark class="blank" data-field="NAME">LABEL</mark>` with `label(NAME)`
    /// escaped; each optional segment is wrapped in
    /// `<span class="optional">…</span>`. Newlines stay as they are, for a
    /// `white-space: pre-wrap` block.
    pub fn render_html_blanks(&self, label: impl Fn(&str) -> String) -> String {
        let mut out = String::new();
        for part in &self.parts {
            let optional = matches!(part, Part::Optional(_));
            if optional {
                out.push_str("<span class=\"optional\">");
            }
            for inline in part.inlines() {
                match inline {
                    Inline::Text(text) => crate::escape::escape_into(&mut out, text),
                    Inline::Field(field) => {
                        out.push_str("<mark class=\"blank\" data-field=\"");
                        crate::escape::escape_into(&mut out, &field.name);
                        out.push_str("\">");
                        crate::escape::escape_into(&mut out, &label(&field.name));
                        out.push_str("</mark>");
                    }
                }
            }
            if optional {
                out.push_str("</span>");
            }
        }
        out
    }
}

impl Part {
    /// The text and fields this part holds: one for an inline part, the
    /// segment's contents for an optional one.
    pub fn inlines(&self) -> &[Inline] {
        match self {
            Part::Inline(inline) => std::slice::from_ref(inline),
            Part::Optional(inlines) => inlines,
        }
    }
}

// The messages below are shared word for word with message.js.

const UNCLOSED_FIELD: &str =
    r"unclosed {{: expected }} on the same line (write \{{ for literal braces)";
const UNCLOSED_SEGMENT: &str =
    r"unclosed [[: expected ]] to close the optional segment (write \[[ for literal brackets)";
const NESTED_SEGMENT: &str = r"nested [[: optional segments cannot nest; close the first with ]] (or write \[[ for literal brackets)";
const EMPTY_NAME: &str = "empty field name: write a name between the braces, like {{name}}";

fn invalid_name_message(name: &str) -> String {
    format!("invalid field name \"{name}\": use an ASCII letter followed by letters, digits or _")
}

fn unknown_field_message(name: &str, declared: &[&str]) -> String {
    if declared.is_empty() {
        format!("unknown field \"{name}\" (no fields are declared)")
    } else {
        format!(
            "unknown field \"{name}\" (declared: {})",
            declared.join(", ")
        )
    }
}

/// Walks the body one character at a time, keeping the line and column that
/// errors and field references report.
struct Parser {
    chars: Vec<char>,
    pos: usize,
    line: usize,
    column: usize,
}

impl Parser {
    fn new(source: &str) -> Self {
        Parser {
            chars: source.chars().collect(),
            pos: 0,
            line: 1,
            column: 1,
        }
    }

    fn parse(mut self) -> Result<Template, MessageError> {
        let mut parts = Vec::new();
        // The run being collected: top-level, or the open segment's contents.
        let mut inlines = Vec::new();
        let mut text = String::new();
        // Where the open segment's `[[` is, to report it if never closed.
        let mut segment: Option<(usize, usize)> = None;
        while let Some(&c) = self.chars.get(self.pos) {
            if self.at("\\{{") || self.at("\\[[") {
                text.extend(&self.chars[self.pos + 1..self.pos + 3]);
                self.advance(3);
            } else if self.at("{{") {
                flush(&mut text, &mut inlines);
                inlines.push(Inline::Field(self.field()?));
            } else if self.at("[[") {
                if segment.is_some() {
                    return Err(self.error(NESTED_SEGMENT));
                }
                flush(&mut text, &mut inlines);
                parts.extend(inlines.drain(..).map(Part::Inline));
                segment = Some((self.line, self.column));
                self.advance(2);
            } else if segment.is_some() && self.at("]]") {
                flush(&mut text, &mut inlines);
                parts.push(Part::Optional(std::mem::take(&mut inlines)));
                segment = None;
                self.advance(2);
            } else {
                text.push(c);
                self.advance(1);
            }
        }
        if let Some((line, column)) = segment {
            let message = UNCLOSED_SEGMENT.to_string();
            return Err(MessageError {
                message,
                line,
                column,
            });
        }
        flush(&mut text, &mut inlines);
        parts.extend(inlines.into_iter().map(Part::Inline));
        Ok(Template { parts })
    }

    /// Reads a `{{ … }}` starting at the current position.
    fn field(&mut self) -> Result<FieldRef, MessageError> {
        let (line, column) = (self.line, self.column);
        let start = self.pos + 2;
        let end = (start..self.chars.len())
            .take_while(|&i| self.chars[i] != '\n')
            .find(|&i| self.chars[i] == '}' && self.chars.get(i + 1) == Some(&'}'))
            .ok_or_else(|| self.error(UNCLOSED_FIELD))?;
        let inside: String = self.chars[start..end].iter().collect();
        let (name, fallback) = match inside.split_once('|') {
            Some((name, fallback)) => (name.trim(), Some(fallback.trim().to_string())),
            None => (inside.trim(), None),
        };
        if name.is_empty() {
            return Err(self.error(EMPTY_NAME));
        }
        if !is_field_name(name) {
            return Err(self.error(invalid_name_message(name)));
        }
        self.advance(end + 2 - self.pos);
        Ok(FieldRef {
            name: name.to_string(),
            fallback,
            line,
            column,
        })
    }

    fn at(&self, token: &str) -> bool {
        token
            .chars()
            .enumerate()
            .all(|(i, c)| self.chars.get(self.pos + i) == Some(&c))
    }

    fn advance(&mut self, count: usize) {
        for &c in &self.chars[self.pos..self.pos + count] {
            if c == '\n' {
                self.line += 1;
                self.column = 1;
            } else {
                self.column += 1;
            }
        }
        self.pos += count;
    }

    fn error(&self, message: impl Into<String>) -> MessageError {
        MessageError {
            message: message.into(),
            line: self.line,
            column: self.column,
        }
    }
}

fn flush(text: &mut String, inlines: &mut Vec<Inline>) {
    if !text.is_empty() {
        inlines.push(Inline::Text(std::mem::take(text)));
    }
}

fn is_field_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    /// Parses `source` and returns its error as (message, line, column).
    fn parse_error(source: &str) -> (String, usize, usize) {
        let error = parse(source).expect_err(source);
        (error.message, error.line, error.column)
    }

    fn render_with(source: &str, values: &[(&str, &str)]) -> String {
        let values: HashMap<&str, &str> = values.iter().copied().collect();
        parse(source)
            .unwrap()
            .render(|name| values.get(name).copied())
    }

    #[test]
    fn unclosed_field_at_end_of_text() {
        let expected = r"unclosed {{: expected }} on the same line (write \{{ for literal braces)";
        assert_eq!(parse_error("Hi {{name"), (expected.into(), 1, 4));
    }

    #[test]
    fn unclosed_field_stops_at_the_newline() {
        assert_eq!(parse_error("Hi {{name\n}}"), (UNCLOSED_FIELD.into(), 1, 4));
        assert_eq!(
            parse_error("ok\r\n\r\nyes {{name\r\n}}"),
            (UNCLOSED_FIELD.into(), 3, 5)
        );
    }

    #[test]
    fn unclosed_field_after_multi_byte_characters() {
        assert_eq!(parse_error("Zoë 😀 {{name"), (UNCLOSED_FIELD.into(), 1, 7));
        assert_eq!(
            parse_error("a\r\nb\r\n田中さん{{x"),
            (UNCLOSED_FIELD.into(), 3, 5)
        );
    }

    #[test]
    fn unclosed_segment() {
        let expected = r"unclosed [[: expected ]] to close the optional segment (write \[[ for literal brackets)";
        assert_eq!(parse_error("Hi[[ there"), (expected.into(), 1, 3));
        assert_eq!(
            parse_error("a\r\nb\r\n€ [[ {{x}}\r\nmore"),
            (expected.into(), 3, 3)
        );
    }

    #[test]
    fn nested_segment_points_at_the_inner_one() {
        let expected = r"nested [[: optional segments cannot nest; close the first with ]] (or write \[[ for literal brackets)";
        assert_eq!(parse_error("[[a [[b]] c]]"), (expected.into(), 1, 5));
        assert_eq!(
            parse_error("x[[\r\n ok\r\n é[[y]]"),
            (expected.into(), 3, 3)
        );
    }

    #[test]
    fn empty_field_name() {
        let expected = "empty field name: write a name between the braces, like {{name}}";
        assert_eq!(parse_error("Hi {{}}"), (expected.into(), 1, 4));
        assert_eq!(parse_error("Hi {{ |x}}"), (expected.into(), 1, 4));
        assert_eq!(
            parse_error("1\r\n2\r\n😀😀 {{  }}"),
            (expected.into(), 3, 4)
        );
    }

    #[test]
    fn invalid_field_name() {
        let expected =
            r#"invalid field name "x y": use an ASCII letter followed by letters, digits or _"#;
        assert_eq!(parse_error("Hi {{x y}}"), (expected.into(), 1, 4));
        assert_eq!(
            parse_error("\r\n\r\nà [[{{ x y |z}}]]"),
            (expected.into(), 3, 5)
        );
        assert_eq!(
            parse_error("{{__proto__}}").0,
            invalid_name_message("__proto__")
        );
        assert_eq!(parse_error("{{1st}}").0, invalid_name_message("1st"));
    }

    #[test]
    fn unknown_fields_name_the_declared_ones() {
        let template = parse("Hi {{nmae}},\r\n\r\n[[ {{compnay}}]] {{name}}").unwrap();
        let errors = template.unknown_fields(&["name", "company"]);
        let found: Vec<_> = errors
            .iter()
            .map(|e| (e.message.as_str(), e.line, e.column))
            .collect();
        assert_eq!(
            found,
            [
                (r#"unknown field "nmae" (declared: name, company)"#, 1, 4),
                (r#"unknown field "compnay" (declared: name, company)"#, 3, 4),
            ]
        );
        let none: [String; 0] = [];
        assert_eq!(
            template.unknown_fields(&none)[0].message,
            r#"unknown field "nmae" (no fields are declared)"#
        );
        assert!(template
            .unknown_fields(&["name", "nmae", "compnay"])
            .is_empty());
    }

    #[test]
    fn fields_lists_every_reference_with_its_position() {
        let template = parse("{{a}}\n[[ {{b|x}} ]] {{ a }}").unwrap();
        let fields: Vec<_> = template
            .fields()
            .map(|f| (f.name.as_str(), f.fallback.as_deref(), f.line, f.column))
            .collect();
        assert_eq!(
            fields,
            [
                ("a", None, 1, 1),
                ("b", Some("x"), 2, 4),
                ("a", None, 2, 15)
            ]
        );
    }

    #[test]
    fn error_display_includes_the_position() {
        let error = parse("{{").unwrap_err();
        assert_eq!(
            error.to_string(),
            format!("{UNCLOSED_FIELD} (line 1, column 1)")
        );
    }

    #[test]
    fn render_uses_values_fallbacks_and_segments() {
        let source = "Hi {{name|there}}[[ at {{company}}]]!";
        assert_eq!(render_with(source, &[("name", " Priya ")]), "Hi Priya!");
        assert_eq!(
            render_with(source, &[("company", "Acme")]),
            "Hi there at Acme!"
        );
    }

    #[test]
    fn html_blanks_escape_text_and_labels() {
        let template = parse("<b>Hi</b> {{name}} & \"co\"[[ at {{company|x}}]]\nBye").unwrap();
        let html = template.render_html_blanks(|name| format!("<{name}'s label>"));
        assert_eq!(
            html,
            "&lt;b&gt;Hi&lt;/b&gt; \
             <mark class=\"blank\" data-field=\"name\">&lt;name&#39;s label&gt;</mark> \
             &amp; &quot;co&quot;<span class=\"optional\"> at \
             <mark class=\"blank\" data-field=\"company\">&lt;company&#39;s label&gt;</mark>\
             </span>\nBye"
        );
    }

    #[test]
    fn shared_vectors() {
        use serde_json::Value;
        let source = include_str!("../../tests/vectors/message-language.json");
        let vectors: Vec<Value> = serde_json::from_str(source).unwrap();
        assert!(vectors.len() >= 50, "only {} vectors", vectors.len());
        for vector in &vectors {
            let name = vector["name"].as_str().unwrap();
            let template = vector["template"].as_str().unwrap();
            let declared: Option<Vec<&str>> = vector.get("fields").map(|fields| {
                let fields = fields.as_array().unwrap();
                fields.iter().map(|f| f.as_str().unwrap()).collect()
            });
            let result = parse(template).and_then(|parsed| {
                let unknown = declared
                    .map(|d| parsed.unknown_fields(&d))
                    .unwrap_or_default();
                unknown.into_iter().next().map_or(Ok(parsed), Err)
            });
            match vector.get("error") {
                Some(expected) => {
                    let error = result.expect_err(name);
                    let position = |key: &str| expected[key].as_u64().unwrap() as usize;
                    assert_eq!(
                        (error.message.as_str(), error.line, error.column),
                        (
                            expected["message"].as_str().unwrap(),
                            position("line"),
                            position("column")
                        ),
                        "vector {name:?}"
                    );
                }
                None => {
                    let parsed = result.unwrap_or_else(|e| panic!("vector {name:?}: {e}"));
                    let values = vector["values"].as_object().unwrap();
                    let text = parsed.render(|field| values.get(field).and_then(Value::as_str));
                    assert_eq!(
                        text,
                        vector["expected"].as_str().unwrap(),
                        "vector {name:?}"
                    );
                }
            }
        }
    }

    /// Properties over generated bodies: the parser never panics and keeps
    /// its positions inside the text; a body written from known pieces parses
    /// back to those pieces and renders as they say.
    mod properties {
        use super::*;
        use proptest::prelude::*;
        use std::collections::{BTreeSet, HashMap};

        /// A body made of the language's own tokens and some text around them.
        fn body() -> impl Strategy<Value = String> {
            let token = prop_oneof![
                Just("{{".to_string()),
                Just("}}".to_string()),
                Just("[[".to_string()),
                Just("]]".to_string()),
                Just("\\".to_string()),
                Just("|".to_string()),
                Just("\n".to_string()),
                Just("\r\n".to_string()),
                Just("é😀".to_string()),
                "[{}\\[\\] a-z_0-9]{0,4}",
            ];
            prop::collection::vec(token, 0..24).prop_map(|tokens| tokens.concat())
        }

        /// Checks that a position points into `source` (one past the end of
        /// a line at most).
        fn inside(source: &str, line: usize, column: usize) -> bool {
            let lines: Vec<&str> = source.split('\n').collect();
            line >= 1
                && column >= 1
                && lines
                    .get(line - 1)
                    .is_some_and(|text| column <= text.chars().count() + 1)
        }

        proptest! {
            #[test]
            fn any_text_parses_or_fails_inside_itself(source in prop_oneof![body(), any::<String>()]) {
                match parse(&source) {
                    Err(error) => prop_assert!(
                        inside(&source, error.line, error.column),
                        "{error} is outside {source:?}"
                    ),
                    Ok(template) => {
                        for field in template.fields() {
                            prop_assert!(inside(&source, field.line, field.column));
                        }
                        let _ = template.render(|_| Some("x"));
                        let _ = template.render(|_| None);
                        let _ = template.render_html_blanks(|name| name.to_string());
                        let names: Vec<&str> = template.fields().map(|f| f.name.as_str()).collect();
                        prop_assert!(template.unknown_fields(&names).is_empty());
                    }
                }
            }
        }

        /// A piece of a body, as written.
        #[derive(Debug, Clone)]
        enum Piece {
            Text(String),
            Field {
                name: String,
                fallback: Option<String>,
                padded: bool,
            },
        }

        /// A top-level part: a piece, or an optional segment of pieces.
        #[derive(Debug, Clone)]
        enum Written {
            Piece(Piece),
            Optional(Vec<Piece>),
        }

        /// Text that holds the language's characters one at a time, never
        /// where they would pair up with a neighbour into a token.
        fn text() -> impl Strategy<Value = String> {
            let chars: Vec<char> = "ab Z9,.!?'\"é😀\n\t{}[]|\\".chars().collect();
            prop::collection::vec(prop::sample::select(chars), 1..10).prop_map(|chars| {
                let special = |c: char| "{}[]\\".contains(c);
                let last = chars.len() - 1;
                chars
                    .iter()
                    .enumerate()
                    .map(|(i, &c)| {
                        let paired = i > 0 && chars[i - 1] == c;
                        let at_edge = i == 0 || i == last;
                        if special(c) && (paired || at_edge) {
                            'x'
                        } else {
                            c
                        }
                    })
                    .collect()
            })
        }

        fn piece() -> impl Strategy<Value = Piece> {
            prop_oneof![
                text().prop_map(Piece::Text),
                (
                    "[a-zA-Z][a-zA-Z0-9_]{0,6}",
                    proptest::option::of("[a-z ]{0,6}"),
                    any::<bool>()
                )
                    .prop_map(|(name, fallback, padded)| Piece::Field {
                        name,
                        fallback,
                        padded
                    }),
            ]
        }

        fn written() -> impl Strategy<Value = Vec<Written>> {
            let part = prop_oneof![
                3 => piece().prop_map(Written::Piece),
                1 => prop::collection::vec(piece(), 1..4).prop_map(Written::Optional),
            ];
            prop::collection::vec(part, 0..8)
        }

        fn pieces(parts: &[Written]) -> impl Iterator<Item = &Piece> {
            parts.iter().flat_map(|part| match part {
                Written::Piece(piece) => std::slice::from_ref(piece),
                Written::Optional(pieces) => pieces.as_slice(),
            })
        }

        fn write(parts: &[Written]) -> String {
            let write_piece = |piece: &Piece| match piece {
                Piece::Text(text) => text.clone(),
                Piece::Field {
                    name,
                    fallback,
                    padded,
                } => {
                    let pad = if *padded { " " } else { "" };
                    let fallback = fallback
                        .as_ref()
                        .map(|f| format!("|{f}"))
                        .unwrap_or_default();
                    format!("{{{{{pad}{name}{pad}{fallback}}}}}")
                }
            };
            parts
                .iter()
                .map(|part| match part {
                    Written::Piece(piece) => write_piece(piece),
                    Written::Optional(pieces) => {
                        format!("[[{}]]", pieces.iter().map(write_piece).collect::<String>())
                    }
                })
                .collect()
        }

        /// What the rules of the module's documentation say the body renders to.
        fn expected(parts: &[Written], values: &HashMap<String, Option<String>>) -> String {
            let filled = |name: &str| {
                values[name]
                    .as_deref()
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
            };
            let show = |piece: &Piece| match piece {
                Piece::Text(text) => text.clone(),
                Piece::Field { name, fallback, .. } => filled(name)
                    .or(fallback.as_deref().map(str::trim))
                    .unwrap_or("")
                    .to_string(),
            };
            let mut out = String::new();
            for part in parts {
                match part {
                    Written::Piece(piece) => out.push_str(&show(piece)),
                    Written::Optional(pieces) => {
                        let kept = pieces.iter().all(|piece| match piece {
                            Piece::Field { name, .. } => filled(name).is_some(),
                            Piece::Text(_) => true,
                        });
                        if kept {
                            out.extend(pieces.iter().map(show));
                        }
                    }
                }
            }
            out
        }

        /// A body with a value (or none, or blanks) for each of its fields.
        fn body_and_values(
        ) -> impl Strategy<Value = (Vec<Written>, HashMap<String, Option<String>>)> {
            written()
                .prop_flat_map(|parts| {
                    let names: BTreeSet<String> = pieces(&parts)
                        .filter_map(|piece| match piece {
                            Piece::Field { name, .. } => Some(name.clone()),
                            Piece::Text(_) => None,
                        })
                        .collect();
                    let values: Vec<_> = names
                        .into_iter()
                        .map(|name| {
                            let value = prop_oneof![
                                Just(None),
                                Just(Some(" \t".to_string())),
                                "[A-Za-z0-9]{1,5}( [a-z]{1,3})?".prop_map(Some),
                            ];
                            (Just(name), value)
                        })
                        .collect();
                    (Just(parts), values)
                })
                .prop_map(|(parts, values)| (parts, values.into_iter().collect()))
        }

        proptest! {
            #[test]
            fn a_written_body_parses_back_and_renders_by_the_rules(
                (parts, values) in body_and_values()
            ) {
                let source = write(&parts);
                let template = parse(&source).map_err(|e| TestCaseError::fail(format!("{source:?}: {e}")))?;
                let names: Vec<&str> = template.fields().map(|f| f.name.as_str()).collect();
                let written: Vec<&str> = pieces(&parts)
                    .filter_map(|piece| match piece {
                        Piece::Field { name, .. } => Some(name.as_str()),
                        Piece::Text(_) => None,
                    })
                    .collect();
                prop_assert_eq!(names, written);
                let rendered = template.render(|name| values[name].as_deref());
                prop_assert_eq!(rendered, expected(&parts, &values), "{:?}", source);
            }

            #[test]
            fn every_field_filled_leaves_no_braces_or_brackets(parts in written()) {
                let source = write(&parts);
                let rendered = parse(&source)
                    .map_err(|e| TestCaseError::fail(format!("{source:?}: {e}")))?
                    .render(|_| Some("Priya"));
                for token in ["{{", "}}", "[[", "]]"] {
                    prop_assert!(!rendered.contains(token), "{source:?} → {rendered:?}");
                }
            }
        }
    }
}
