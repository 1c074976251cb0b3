// The theme's words for its scripts, in the page's language.
//
// base.html puts every `js.` string of the page's language into
// `<script type="application/json" id="guide-strings">` (from the theme's
// i18n/<tag>.toml, keys without the `js.` prefix); this module reads it
// once. `t("copy.done")` is a string; `{name}` placeholders are filled from
// `values`. Plurals are keys ending in `.one`, `.other` (and `.zero`, `.two`,
// `.few`, `.many` where a language has them), picked by Intl.PluralRules
// from a number; lists and numbers are formatted in the same locale.

const element = document.getElementById("guide-strings");
const strings = (() => {
  try {
    return element ? JSON.parse(element.textContent) : {};
  } catch {
    return {};
  }
})();

/** The locale the scripts format with: `locale` in the strings, else the page's language. */
export const locale = strings.locale || document.documentElement.lang || undefined;

const plurals = new Intl.PluralRules(locale);
const numbers = new Intl.NumberFormat(locale);
const lists = new Intl.ListFormat(locale, { style: "long", type: "conjunction" });

/** A number as the page's language writes it: `1,200`, `1.200`. */
export const number = (n) => numbers.format(n);

/** Labels joined as the page's language joins them: `A, B and C`. */
export const list = (items) => lists.format(items);

/** Whether the page has the string `key`. */
export const has = (key) => typeof strings[key] === "string";

/** The text of `key`, or of its plural form for `count`; the key itself when the page lacks it. */
function text(key, count) {
  if (typeof count === "number") {
    const form = `${key}.${plurals.select(count)}`;
    if (has(form)) return strings[form];
    if (has(`${key}.other`)) return strings[`${key}.other`];
  }
  if (has(key)) return strings[key];
  console.warn(`strings.js: no string "${key}" on this page`);
  return key;
}

/** The pieces of a string: text between the placeholders, and each placeholder's value as given. */
function pieces(template, values) {
  return template.split(/(\{[A-Za-z_][A-Za-z0-9_]*\})/).map((piece) => {
    const name = /^\{(.+)\}$/.exec(piece)?.[1];
    if (!name || !(name in values)) return piece;
    const value = values[name];
    return typeof value === "number" ? number(value) : value;
  }).filter((piece) => piece !== "");
}

/**
 * The string `key` with `{name}` placeholders filled in from `values`
 * (numbers are formatted). When `values.count` is a number, the plural form
 * for it is used (`key.one`, `key.other`).
 */
export function t(key, values = {}) {
  return pieces(text(key, values.count), values).join("");
}

/**
 * Like `t`, but as a list of pieces for `h()`: a value may be an element
 * (a link, a `<time>`), which is kept as it is, in the place its
 * placeholder takes in the page's language.
 */
export function parts(key, values = {}) {
  return pieces(text(key, values.count), values);
}
