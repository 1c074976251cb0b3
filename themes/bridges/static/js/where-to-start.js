// The home page's "Where do I start?" helper.
//
// Without JavaScript the helper is two plain lists of links (scripts by
// situation and by relationship). This module shows four questions answered
// with toggle buttons and, below them, a chapter to read first and the
// scripts that fit. Everything it knows comes from the page's markup, which
// the template builds from the site's metadata:
// - the scripts: `li[data-script]` with their situation, relationship and
//   channel ids (the same ids as the answers' `data-value`);
// - "how long ago": an answer's `data-suggests` names a situation to use
//   while the reader has not picked one;
// - the chapters: `template#starter-chapters`, each with the script URLs it
//   links to in `data-scripts`, or, when the generator does not provide
//   them, read from the chapter pages' "Scripts for this situation" boxes.
// Nothing is stored or sent; the only requests are for the guide's own pages.

import { h } from "./dom.js";

const root = document.getElementById("where-to-start");

/** The most scripts the answer lists; the rest are a link to the scripts index. */
const SHOWN = 4;

const ids = (text) => (text || "").split(/\s+/).filter(Boolean);
const path = (href) => new URL(href, location.href).pathname;

/** Reads the scripts from the no-JavaScript list. */
function readScripts() {
  return [...root.querySelectorAll("li[data-script]")].map((item, order) => {
    const link = item.querySelector("a");
    return {
      order,
      url: path(link.getAttribute("href")),
      href: link.getAttribute("href"),
      title: link.textContent.trim(),
      summary: item.dataset.summary || "",
      situation: item.dataset.situation,
      relationship: ids(item.dataset.relationship),
      channel: ids(item.dataset.channel),
    };
  });
}

/** Reads the chapters; `scripts` is null when the page does not say which scripts a chapter links to. */
function readChapters() {
  const template = document.getElementById("starter-chapters");
  if (!template) return [];
  return [...template.content.querySelectorAll("a[href]")].map((link, order) => ({
    order,
    href: link.getAttribute("href"),
    title: link.textContent.trim(),
    description: link.dataset.description || "",
    scripts: link.hasAttribute("data-scripts") ? new Set(ids(link.dataset.scripts).map(path)) : null,
  }));
}

/** Fills in each chapter's scripts from its page's "Scripts for this situation" box. */
async function fetchChapterScripts(chapters) {
  await Promise.all(
    chapters
      .filter((chapter) => chapter.scripts === null)
      .map(async (chapter) => {
        try {
          const response = await fetch(chapter.href, { credentials: "same-origin" });
          if (!response.ok) throw new Error(`${response.status}`);
          const page = new DOMParser().parseFromString(await response.text(), "text/html");
          chapter.scripts = new Set([...page.querySelectorAll(".scripts-box a[href]")].map((a) => path(a.getAttribute("href"))));
        } catch {
          chapter.scripts = new Set(); // offline or from file://: the helper still lists scripts
        }
      }),
  );
}

class Helper {
  constructor() {
    this.scripts = readScripts();
    this.chapters = readChapters();
    this.chaptersReady = this.chapters.every((chapter) => chapter.scripts !== null);
    this.scriptsIndex = root.dataset.scriptsIndex || "";
    this.questions = new Map(
      [...root.querySelectorAll("fieldset[data-question]")].map((fieldset) => [fieldset.dataset.question, fieldset]),
    );
    this.answers = new Map(); // question → value
    this.status = document.getElementById("starter-status");
    this.answer = document.getElementById("starter-answer");
    this.reset = root.querySelector(".starter__reset");
  }

  /** The label of an answer button, for sentences: "A former peer", "Email". */
  label(question, value) {
    const button = this.button(question, value);
    if (!button) return value;
    const label = button.querySelector(".answer__label");
    return (label || button).textContent.trim();
  }

  button(question, value) {
    const fieldset = this.questions.get(question);
    return fieldset ? [...fieldset.querySelectorAll("button.answer")].find((b) => b.dataset.value === value) : null;
  }

  enhance() {
    // An answer no script could ever match is left out rather than offered.
    for (const [question, key] of [["relationship", "relationship"], ["situation", "situation"], ["channel", "channel"]]) {
      const fieldset = this.questions.get(question);
      if (!fieldset) continue;
      for (const button of fieldset.querySelectorAll("button.answer")) {
        button.hidden = !this.scripts.some((s) => [].concat(s[key]).includes(button.dataset.value));
      }
      fieldset.hidden = ![...fieldset.querySelectorAll("button.answer")].some((b) => !b.hidden);
    }
    for (const [question, fieldset] of this.questions) {
      fieldset.addEventListener("click", (event) => {
        const button = event.target.closest("button.answer");
        if (button) this.choose(question, button.dataset.value);
      });
    }
    this.reset.addEventListener("click", () => {
      this.answers.clear();
      this.update();
      const first = root.querySelector("fieldset[data-question]:not([hidden]) button.answer:not([hidden])");
      if (first) first.focus();
    });
    for (const element of root.querySelectorAll("[data-starter-nojs]")) element.hidden = true;
    for (const element of root.querySelectorAll("[data-starter-js]")) element.hidden = false;
    root.classList.add("is-enhanced");
    this.update();
  }

  /** Presses an answer, or releases it when it was already pressed. */
  choose(question, value) {
    if (this.answers.get(question) === value) this.answers.delete(question);
    else this.answers.set(question, value);
    this.update();
  }

  /** The situation in force: the reader's, or the one their silence suggests. */
  situation() {
    if (this.answers.has("situation")) return { id: this.answers.get("situation"), suggested: false };
    const silence = this.answers.get("silence");
    const suggests = silence && this.button("silence", silence)?.dataset.suggests;
    return suggests ? { id: suggests, suggested: true } : null;
  }

  update() {
    const situation = this.situation();
    for (const [question, fieldset] of this.questions) {
      for (const button of fieldset.querySelectorAll("button.answer")) {
        const pressed = this.answers.get(question) === button.dataset.value;
        button.setAttribute("aria-pressed", String(pressed));
        const suggested = question === "situation" && situation?.suggested && situation.id === button.dataset.value;
        button.classList.toggle("is-suggested", Boolean(suggested));
        const tag = button.querySelector(".answer__suggested");
        if (tag) tag.hidden = !suggested;
      }
    }
    this.reset.hidden = this.answers.size === 0;
    this.render(situation);
  }

  /** The scripts that fit the answers, loosening them one by one when none fits them all. */
  match(situation) {
    const criteria = [
      ["channel", this.answers.get("channel")],
      ["relationship", this.answers.get("relationship")],
      ["situation", situation?.id],
    ].filter(([, value]) => value);
    const fits = (script, list) => list.every(([key, value]) => [].concat(script[key]).includes(value));
    let dropped = [];
    let active = criteria;
    let found = this.scripts.filter((s) => fits(s, active));
    // Drop the channel first, then the relationship; the situation is what the reader came for.
    while (!found.length && active.length > 1) {
      dropped = [...dropped, active[0]];
      active = active.slice(1);
      found = this.scripts.filter((s) => fits(s, active));
    }
    const relationship = this.answers.get("relationship");
    const channel = this.answers.get("channel");
    // Scripts written for fewer people fit better; then those sent as asked; then the index order.
    found.sort(
      (a, b) =>
        (relationship ? a.relationship.length - b.relationship.length : 0) ||
        (channel ? Number(b.channel[0] === channel) - Number(a.channel[0] === channel) : 0) ||
        a.order - b.order,
    );
    return { found, active, dropped };
  }

  /**
   * The chapter that links to the most of `pool`, and one more for the scripts it misses. With
   * a situation every script counts the same (the chapter should fit where things are); with
   * only a relationship, scripts written for fewer people weigh more.
   */
  pickChapters(pool, bySituation) {
    const weight = (script) => (bySituation ? 1 : 1 / Math.max(1, script.relationship.length));
    const rank = (chapters, scripts) =>
      chapters
        .map((chapter) => {
          const linked = scripts.filter((s) => chapter.scripts && chapter.scripts.has(s.url));
          const score = linked.reduce((sum, s) => sum + weight(s), 0);
          const precision = chapter.scripts && chapter.scripts.size ? linked.length / chapter.scripts.size : 0;
          return { chapter, linked, score, precision };
        })
        .filter((entry) => entry.score > 0)
        .sort((a, b) => b.score - a.score || b.precision - a.precision || a.chapter.order - b.chapter.order);
    const [best] = rank(this.chapters, pool);
    if (!best) return [];
    const missed = pool.filter((s) => !best.chapter.scripts.has(s.url));
    const [also] = rank(this.chapters.filter((c) => c !== best.chapter), missed);
    return also ? [best.chapter, also.chapter] : [best.chapter];
  }

  render(situation) {
    if (this.answers.size === 0) {
      this.status.textContent = "Pick an answer above to see where to start.";
      this.answer.replaceChildren();
      return;
    }
    const relationship = this.answers.get("relationship");
    if (!situation && !relationship && !this.answers.has("channel")) {
      this.status.textContent = "Now choose who it is or where things stand, to see where to start.";
      this.answer.replaceChildren();
      return;
    }
    const { found, active, dropped } = this.match(situation);
    this.status.textContent = `${found.length === 1 ? "1 script fits" : `${found.length} scripts fit`} your answers${
      situation?.suggested ? `, starting from “${this.label("situation", situation.id)}”, which fits a long silence` : ""
    }.`;

    const children = [];
    if (dropped.length) {
      const left = dropped.map(([key, value]) => `“${this.label(key, value)}”`).join(" and ");
      children.push(h("p", { className: "starter__note" }, `No script fits every answer yet, so these leave out ${left}. Their advice still applies.`));
    }

    // Read first: judged on the situation's scripts (for this person when some are), so the
    // chapter fits where things are, not the channel.
    const chapterSlot = h("div", { className: "starter__read" });
    children.push(chapterSlot);
    const pool = (() => {
      const inSituation = situation ? this.scripts.filter((s) => s.situation === situation.id) : found;
      const forThem = relationship ? inSituation.filter((s) => s.relationship.includes(relationship)) : inSituation;
      return forThem.length ? forThem : inSituation;
    })();
    const fillChapters = () => {
      const chapters = this.pickChapters(pool, Boolean(situation));
      chapterSlot.replaceChildren(
        ...(chapters.length
          ? [
              h("h3", { className: "starter__label" }, "Read first"),
              h(
                "ul",
                { className: "starter__chapters" },
                chapters.map((chapter, index) =>
                  h(
                    "li",
                    { className: index === 0 ? "starter__chapter" : "starter__chapter starter__chapter--also" },
                    index > 0 ? h("span", { className: "starter__also" }, "Also see ") : null,
                    h("a", { href: chapter.href }, chapter.title),
                    chapter.description && index === 0 ? h("p", {}, chapter.description) : null,
                  ),
                ),
              ),
            ]
          : []),
      );
    };
    if (this.chaptersReady) fillChapters();
    else {
      this.loading ||= fetchChapterScripts(this.chapters).then(() => {
        this.chaptersReady = true;
      });
      this.loading.then(() => {
        if (chapterSlot.isConnected) fillChapters();
      });
    }

    children.push(
      h("h3", { className: "starter__label" }, "Scripts that fit"),
      h(
        "ul",
        { className: "starter__scripts" },
        found.slice(0, SHOWN).map((script) =>
          h(
            "li",
            { className: "card starter-script" },
            h("h4", { className: "card__title" }, h("a", { href: script.href }, script.title)),
            script.summary ? h("p", { className: "card__text" }, script.summary) : null,
            h(
              "ul",
              { className: "labels", "aria-label": "Sent as" },
              script.channel.map((id) => h("li", { className: "label label--channel" }, this.label("channel", id))),
            ),
          ),
        ),
      ),
    );
    if (this.scriptsIndex) {
      const params = new URLSearchParams(active.map(([key, value]) => [key, value]));
      const more = found.length > SHOWN ? `See all ${found.length} on the scripts page` : "Compare them on the scripts page";
      children.push(h("p", { className: "starter__more" }, h("a", { href: `${this.scriptsIndex}#${params}` }, more, " ", h("span", { "aria-hidden": "true" }, "→"))));
    }
    this.answer.replaceChildren(...children);
  }
}

if (root) {
  const helper = new Helper();
  if (helper.scripts.length && helper.status && helper.answer && helper.reset) helper.enhance();
}
