// The message language of script bodies, for the live preview:
// `{{field}}`, `{{field|fallback}}`, optional `[[ … ]]` segments and the
// `\{{` / `\[[` escapes.
//
// The generator implements the same language in src/script/message.rs. Both
// run tests/vectors/message-language.json, so a change here is a change there
// too, with a vector that pins it; error messages are identical word for word.
//
// Reader input is only ever text: values are looked up as own properties (or
// in a Map), never through the object prototype, and never parsed as syntax.

/** A mistake in a message body, located at the start of the offending construct. */
export class MessageError extends Error {
  /**
   * @param {string} message what is wrong, without the position
   * @param {number} line 1-based line within the body
   * @param {number} column 1-based column within the line, in Unicode scalar values
   */
  constructor(message, line, column) {
    super(message);
    this.name = "MessageError";
    /** @type {number} */
    this.line = line;
    /** @type {number} */
    this.column = column;
  }
}

/**
 * @typedef {{ type: "text", text: string }} TextPart
 * @typedef {{ type: "field", name: string, fallback: string | null, line: number, column: number }} FieldPart
 * @typedef {{ type: "optional", parts: Array<TextPart | FieldPart>, line: number, column: number }} OptionalPart
 * @typedef {{ parts: Array<TextPart | FieldPart | OptionalPart> }} Template
 * @typedef {Map<string, unknown> | Record<string, unknown> | null | undefined} Values
 * @typedef {{ text: string, field: string | null, filled: boolean, optional: boolean }} Segment
 */

const UNCLOSED_FIELD = "unclosed {{: expected }} on the same line (write \\{{ for literal braces)";
const UNCLOSED_SEGMENT =
  "unclosed [[: expected ]] to close the optional segment (write \\[[ for literal brackets)";
const NESTED_SEGMENT =
  "nested [[: optional segments cannot nest; close the first with ]] (or write \\[[ for literal brackets)";
const EMPTY_NAME = "empty field name: write a name between the braces, like {{name}}";
const invalidName = (name) =>
  `invalid field name "${name}": use an ASCII letter followed by letters, digits or _`;
const unknownField = (name, declared) =>
  declared.length === 0
    ? `unknown field "${name}" (no fields are declared)`
    : `unknown field "${name}" (declared: ${declared.join(", ")})`;

const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

// Unicode White_Space, the set Rust's `str::trim` uses. `String.prototype.trim`
// differs (it trims U+FEFF and keeps U+0085), so it is not used.
const WHITESPACE = "\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const EDGE_WHITESPACE = new RegExp(`^[${WHITESPACE}]+|[${WHITESPACE}]+$`, "gu");

/** @param {string} text */
function trim(text) {
  return text.replace(EDGE_WHITESPACE, "");
}

/**
 * Parses a message body.
 * @param {string} source
 * @returns {Template}
 * @throws {MessageError} on the first unclosed `{{` or `[[`, nested `[[`, or
 *   empty or invalid field name
 */
export function parse(source) {
  // Positions count Unicode scalar values, like Rust's `chars()`.
  const chars = Array.from(source);
  let pos = 0;
  let line = 1;
  let column = 1;
  const at = (token) => [...token].every((c, i) => chars[pos + i] === c);
  const advance = (count) => {
    for (const c of chars.slice(pos, pos + count)) {
      if (c === "\n") {
        line += 1;
        column = 1;
      } else {
        column += 1;
      }
    }
    pos += count;
  };

  const parts = [];
  // The run being collected: top level, or the open segment's contents.
  let inlines = [];
  let text = "";
  /** @type {OptionalPart | null} */
  let segment = null;
  const flush = () => {
    if (text !== "") inlines.push({ type: "text", text });
    text = "";
  };

  const field = () => {
    const start = pos + 2;
    let end = start;
    while (end < chars.length && chars[end] !== "\n" && !(chars[end] === "}" && chars[end + 1] === "}")) {
      end += 1;
    }
    if (chars[end] !== "}") throw new MessageError(UNCLOSED_FIELD, line, column);
    const inside = chars.slice(start, end).join("");
    const bar = inside.indexOf("|");
    const name = trim(bar === -1 ? inside : inside.slice(0, bar));
    const fallback = bar === -1 ? null : trim(inside.slice(bar + 1));
    if (name === "") throw new MessageError(EMPTY_NAME, line, column);
    if (!FIELD_NAME.test(name)) throw new MessageError(invalidName(name), line, column);
    const ref = { type: "field", name, fallback, line, column };
    advance(end + 2 - pos);
    return ref;
  };

  while (pos < chars.length) {
    if (at("\\{{") || at("\\[[")) {
      text += chars[pos + 1] + chars[pos + 2];
      advance(3);
    } else if (at("{{")) {
      flush();
      inlines.push(field());
    } else if (at("[[")) {
      if (segment) throw new MessageError(NESTED_SEGMENT, line, column);
      flush();
      parts.push(...inlines);
      inlines = [];
      segment = { type: "optional", parts: [], line, column };
      advance(2);
    } else if (segment && at("]]")) {
      flush();
      segment.parts = inlines;
      parts.push(segment);
      inlines = [];
      segment = null;
      advance(2);
    } else {
      text += chars[pos];
      advance(1);
    }
  }
  if (segment) throw new MessageError(UNCLOSED_SEGMENT, segment.line, segment.column);
  flush();
  parts.push(...inlines);
  return { parts };
}

/**
 * Every field reference in source order, including those inside optional segments.
 * @param {string | Template} template
 * @returns {FieldPart[]}
 */
export function fields(template) {
  const { parts } = toTemplate(template);
  return parts
    .flatMap((part) => (part.type === "optional" ? part.parts : [part]))
    .filter((part) => part.type === "field");
}

/**
 * Parses a message body and checks every field against the declared names.
 * @param {string | Template} template
 * @param {Iterable<string>} declaredNames
 * @returns {Template}
 * @throws {MessageError} on a syntax error or the first undeclared field
 */
export function check(template, declaredNames) {
  const parsed = toTemplate(template);
  const declared = Array.from(declaredNames);
  for (const ref of fields(parsed)) {
    if (!declared.includes(ref.name)) {
      throw new MessageError(unknownField(ref.name, declared), ref.line, ref.column);
    }
  }
  return parsed;
}

/**
 * What a live preview shows, piece by piece: literal text (`field: null`,
 * `filled: true`), filled fields, and empty fields with their fallback or ""
 * as `filled: false`. Pieces of a kept optional segment have `optional: true`;
 * dropped segments are left out. Joining the `text`s gives `render(...)`.
 * @param {string | Template} template
 * @param {Values} values a Map, or an object whose own properties are read
 * @returns {Segment[]}
 * @throws {MessageError} when `template` is a string that does not parse
 */
export function segments(template, values) {
  const valueOf = reader(values);
  const piece = (part, optional) => {
    if (part.type === "text") return { text: part.text, field: null, filled: true, optional };
    const value = valueOf(part.name);
    return value === ""
      ? { text: part.fallback ?? "", field: part.name, filled: false, optional }
      : { text: value, field: part.name, filled: true, optional };
  };
  const out = [];
  for (const part of toTemplate(template).parts) {
    if (part.type !== "optional") {
      out.push(piece(part, false));
    } else if (part.parts.every((inner) => inner.type === "text" || valueOf(inner.name) !== "")) {
      out.push(...part.parts.map((inner) => piece(inner, true)));
    }
  }
  return out;
}

/**
 * Renders a message as plain text with the reader's values.
 * @param {string | Template} template
 * @param {Values} values a Map, or an object whose own properties are read
 * @returns {string}
 * @throws {MessageError} when `template` is a string that does not parse
 */
export function render(template, values) {
  return segments(template, values)
    .map((segment) => segment.text)
    .join("");
}

/** @param {string | Template} template */
function toTemplate(template) {
  return typeof template === "string" ? parse(template) : template;
}

/**
 * A lookup that returns a field's trimmed value, "" when missing or blank.
 * @param {Values} values
 */
function reader(values) {
  return (name) => {
    let value;
    if (values instanceof Map) value = values.get(name);
    else if (values != null && Object.hasOwn(values, name)) value = values[name];
    return value == null ? "" : trim(String(value));
  };
}
