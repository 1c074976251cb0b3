// The message checker, as src/script/checker.rs runs it: the phrases the
// guide teaches against, found in the reader's own text. The rules come
// from the generator, in the page's language (src/script/message-rules.json,
// message-rules.es.json, inside each script's data), so this engine knows
// no language; tests/vectors/message-checker.json keeps it and Rust's
// identical. Text is read as lowercase words (letters, digits, apostrophes;
// a curly apostrophe counts as a straight one), never with regular
// expressions over the whole text, so the two engines cannot disagree.

const WORD_CHAR = /[\p{Alphabetic}\p{N}'\u2019]/u;
const SENTENCE_END = new Set([".", "!", "?", "\n"]);

/** The words of `text`: { word, start, end, sentence }, offsets in UTF-16 units. */
function words(text) {
  const out = [];
  let sentence = 0;
  let current = null;
  let at = 0;
  for (const c of [...text, " "]) {
    if (WORD_CHAR.test(c)) {
      if (!current) current = { start: at, word: "" };
      current.word += (c === "\u2019" ? "'" : c).toLowerCase();
    } else {
      if (current) {
        out.push({ word: current.word, start: current.start, end: at, sentence });
        current = null;
      }
      if (SENTENCE_END.has(c) && out.length && out[out.length - 1].sentence === sentence) sentence += 1;
    }
    at += c.length;
  }
  return out;
}

const phraseWords = (phrase) => words(phrase).map((w) => w.word);

function startsAt(list, i, phrase) {
  return (
    phrase.length > 0 &&
    list.length >= i + phrase.length &&
    phrase.every((p, k) => list[i + k].word === p && list[i + k].sentence === list[i].sentence)
  );
}

/** The [start, end) of a rule's first match, or null. */
function find(rule, text, list) {
  const span = (a, b) => [list[a].start, list[b].end];
  if (rule.kind === "phrase") {
    const phrases = (rule.phrases || []).map(phraseWords);
    const except = (rule.except || []).map(phraseWords);
    for (let i = 0; i < list.length; i += 1) {
      if (rule.start && i > 0 && list[i - 1].sentence === list[i].sentence) continue;
      if (except.some((e) => startsAt(list, i, e))) continue;
      const phrase = phrases.find((p) => startsAt(list, i, p));
      if (phrase) return span(i, i + phrase.length - 1);
    }
    return null;
  }
  if (rule.kind === "after") {
    const within = rule.within ?? 12;
    for (let i = 0; i < list.length; i += 1) {
      if (!rule.first.includes(list[i].word)) continue;
      const last = Math.min(i + within, list.length - 1);
      for (let j = i + 1; j <= last; j += 1) if (rule.then.includes(list[j].word)) return span(i, j);
    }
    return null;
  }
  if (rule.kind === "question") {
    const at = text.indexOf("?");
    if (at < 0) return null;
    const before = list.findLastIndex((w) => w.end <= at);
    if (before < 0) return null;
    const first = list.findIndex((w) => w.sentence === list[before].sentence);
    return [list[first].start, at + 1];
  }
  if (rule.kind === "sentence") {
    const max = rule.max_words ?? 35;
    let first = 0;
    for (let i = 0; i < list.length; i += 1) {
      if (list[i].sentence !== list[first].sentence) first = i;
      if (i + 1 - first > max) {
        const end = list.findLastIndex((w) => w.sentence === list[i].sentence);
        return span(first, end);
      }
    }
  }
  return null;
}

/** Every finding ({ rule, text }) of the rules that apply to script `slug`, in rule order. */
export function check(rules, text, slug) {
  const list = words(text);
  const findings = [];
  for (const rule of rules) {
    if (rule.scripts && rule.scripts.length && !rule.scripts.includes(slug)) continue;
    const found = find(rule, text, list);
    if (found) findings.push({ rule: rule.id, text: text.slice(found[0], found[1]) });
  }
  return findings;
}
