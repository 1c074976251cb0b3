// The home page's "Where do I start?" helper: a triage that ends in a plan.
//
// Without JavaScript the helper is two plain lists of links (scripts by
// situation and by relationship). This module asks six questions with
// toggle buttons. The first is whether reaching out is safe and wise: any
// answer but "yes" leads to when-not-to-mend and offers no script. Otherwise
// the answers make a short, dated plan from the guide's waiting rule: what
// to send, what to send if they answer, when to look again and follow up,
// and when to stop, each step linked to the page that explains it.
//
// Everything it knows is in the page, made by the build (see the comment at
// the top of partials/where-to-start.html): the scripts' metadata, the pages
// it links to, and the waiting rule's numbers of days. It fetches nothing.
// The answers, and the day the plan was made, are kept in the URL fragment
// (`#safety=ok&…&start=2026-03-02`), so a plan can be bookmarked; a
// fragment's `start` also fixes "today". The plan prints, and its dates
// download as an .ics file made here: nothing is sent anywhere.

import { h } from "./dom.js";
import { calendar } from "./calendar.js";
import { t, parts, locale } from "./strings.js";

const root = document.getElementById("where-to-start");

const QUESTIONS = ["safety", "part", "work", "relationship", "since", "channel"];
const GO_BETWEEN = "go-between";
const ids = (text) => (text || "").split(/\s+/).filter(Boolean);
const path = (href) => new URL(href, location.href).pathname;

// ----- Dates: ISO days (YYYY-MM-DD), counted in UTC so no clock change moves them -----

function localToday() {
  const now = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

const isIsoDay = (text) => /^\d{4}-\d{2}-\d{2}$/.test(text || "") && !Number.isNaN(Date.parse(`${text}T00:00:00Z`));

function addDays(iso, days) {
  const date = new Date(`${iso}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** The day itself on a weekday, else the Monday after. */
function workingDay(iso) {
  const weekday = new Date(`${iso}T00:00:00Z`).getUTCDay();
  return weekday === 6 ? addDays(iso, 2) : weekday === 0 ? addDays(iso, 1) : iso;
}

/**
 * `2026-03-04` → "Wednesday 4 March 2026", the guide's way of writing a date:
 * the names in the page's language, their order from its `helper.date`.
 */
function longDate(iso) {
  const date = new Date(`${iso}T00:00:00Z`);
  const part = (options) => date.toLocaleDateString(locale, { ...options, timeZone: "UTC" });
  return t("helper.date", {
    weekday: part({ weekday: "long" }),
    day: String(date.getUTCDate()),
    month: part({ month: "long" }),
    year: String(date.getUTCFullYear()),
  });
}

// ----- What the page holds -----

/** The scripts, from the no-JavaScript list. */
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

/** The situations in the guide's order (the no-JavaScript list's). */
const readSituations = () => [...root.querySelectorAll("li.starter-group[data-situation]")].map((item) => item.dataset.situation);

/** The pages the plan links to, by key. */
function readPages() {
  const template = document.getElementById("starter-pages");
  const links = template ? [...template.content.querySelectorAll("a[data-page]")] : [];
  return new Map(links.map((a) => [a.dataset.page, { href: a.getAttribute("href"), title: a.textContent.trim() }]));
}

/** The waiting rule's numbers of days, from the helper's data attributes. */
function readWaiting() {
  const days = (name, fallback) => {
    const value = Number.parseInt(root.dataset[name], 10);
    return Number.isFinite(value) && value >= 0 ? value : fallback;
  };
  return {
    coolOff: days("coolOff", 14),
    answerWithin: days("answerWithin", 7),
    followUpAfter: days("followUpAfter", 21),
    stopAfter: days("stopAfter", 21),
  };
}

// ----- The words of the plan: strings `helper.stop.<answer>`, `helper.prepare.<answer>`
// and `helper.since.<answer>`, and the page each sentence links to -----

const STOPS = ["harm", "formal", "asked"];

const PREPARE = {
  mine: ["helper.prepare.mine", "your-part"],
  both: ["helper.prepare.both", "your-part"],
  theirs: ["helper.prepare.theirs", "theirs"],
  drift: ["helper.prepare.drift", "hook"],
};

const SINCE = {
  days: ["helper.since.days", "how-long"],
  weeks: ["helper.since.weeks", "how-long"],
  months: ["helper.since.months", "hook"],
  years: ["helper.since.years", "how-long"],
};

class Helper {
  constructor() {
    this.scripts = readScripts();
    this.situations = readSituations();
    this.pages = readPages();
    this.waiting = readWaiting();
    this.questions = new Map(QUESTIONS.map((q) => [q, root.querySelector(`fieldset[data-question="${q}"]`)]).filter(([, f]) => f));
    this.answers = new Map(); // question → value
    this.start = null; // the day the plan was made
    this.status = document.getElementById("starter-status");
    this.answer = document.getElementById("starter-answer");
    this.reset = root.querySelector(".starter__reset");
    this.calendarUrl = null;
  }

  button(question, value) {
    const fieldset = this.questions.get(question);
    return fieldset ? [...fieldset.querySelectorAll("button.answer")].find((b) => b.dataset.value === value) || null : null;
  }

  /** An answer's label, for sentences. */
  label(question, value) {
    const button = this.button(question, value);
    return button ? (button.querySelector(".answer__label") || button).textContent.trim() : value;
  }

  enhance() {
    // A channel no script is written for is left out rather than offered.
    for (const button of this.questions.get("channel")?.querySelectorAll("button.answer") || []) {
      if (button.dataset.value !== GO_BETWEEN) button.hidden = !this.scripts.some((s) => s.channel.includes(button.dataset.value));
    }
    for (const [question, fieldset] of this.questions) {
      fieldset.addEventListener("click", (event) => {
        const button = event.target.closest("button.answer");
        if (button) this.choose(question, button.dataset.value);
      });
    }
    this.reset.addEventListener("click", () => this.startOver());
    for (const element of root.querySelectorAll("[data-starter-nojs]")) element.hidden = true;
    for (const element of root.querySelectorAll("[data-starter-js]")) element.hidden = false;
    root.classList.add("is-enhanced");
    this.restore(location.hash);
    this.update();
  }

  /** Takes the answers from a fragment such as `#safety=ok&part=mine&start=2026-03-02`. */
  restore(hash) {
    const params = new URLSearchParams(hash.replace(/^#/, ""));
    if (!params.has("safety")) return;
    for (const question of this.questions.keys()) {
      const value = params.get(question);
      if (value && this.button(question, value)) this.answers.set(question, value);
    }
    if (isIsoDay(params.get("start"))) this.start = params.get("start");
  }

  /** Writes the answers into the fragment, without adding to the history. */
  remember() {
    const params = new URLSearchParams([...this.answers]);
    if (this.start && this.answers.get("safety") === "ok") params.set("start", this.start);
    const fragment = this.answers.size ? `#${params}` : "";
    history.replaceState(history.state, "", `${location.pathname}${location.search}${fragment}`);
  }

  /** Presses an answer, or releases it when it was already pressed. */
  choose(question, value) {
    const wasComplete = this.complete();
    if (this.answers.get(question) === value) this.answers.delete(question);
    else this.answers.set(question, value);
    if (this.answers.get("safety") === "ok") this.start ||= localToday();
    this.remember();
    this.update();
    if (this.stopped() || (this.complete() && !wasComplete)) this.showResult();
    else this.showNext(question);
  }

  startOver() {
    this.answers.clear();
    this.start = null;
    this.remember();
    this.update();
    this.questions.get("safety")?.querySelector("button.answer")?.focus();
  }

  stopped() {
    const safety = this.answers.get("safety");
    return Boolean(safety) && Boolean(this.button("safety", safety)?.hasAttribute("data-stop"));
  }

  /** Whether every question on show has an answer. */
  complete() {
    return [...this.questions].every(([question, fieldset]) => fieldset.hidden || this.answers.has(question));
  }

  /** Moves focus to the result's heading and brings it into view: the answer is below the tap. */
  showResult() {
    const heading = this.answer.querySelector("h3");
    if (!heading) return;
    heading.focus({ preventScroll: true });
    heading.scrollIntoView({ block: "start", behavior: matchMedia("(prefers-reduced-motion: reduce)").matches ? "auto" : "smooth" });
  }

  /** On a narrow screen, brings the next unanswered question into view. */
  showNext(question) {
    if (!matchMedia("(max-width: 40rem)").matches) return;
    const order = [...this.questions.keys()];
    const next = order.slice(order.indexOf(question) + 1).find((q) => !this.questions.get(q).hidden && !this.answers.has(q));
    this.questions.get(next)?.scrollIntoView({ block: "start", behavior: "auto" });
  }

  update() {
    const safe = this.answers.get("safety") === "ok";
    for (const [question, fieldset] of this.questions) {
      if (question !== "safety") fieldset.hidden = !safe || (question === "relationship" && this.answers.get("work") === "yes");
      for (const button of fieldset.querySelectorAll("button.answer")) {
        button.setAttribute("aria-pressed", String(this.answers.get(question) === button.dataset.value));
      }
    }
    this.reset.hidden = this.answers.size === 0;
    if (this.calendarUrl) URL.revokeObjectURL(this.calendarUrl);
    this.calendarUrl = null;
    root.classList.toggle("has-plan", safe);
    if (!this.answers.has("safety")) {
      this.status.textContent = t(this.answers.size ? "helper.first" : "helper.start");
      this.answer.replaceChildren();
    } else if (this.stopped()) this.renderStop();
    else this.renderPlan(this.plan());
  }

  // ----- Choosing scripts -----

  /** The relationship in force: a colleague when you still work together. */
  relationship() {
    return this.answers.get("work") === "yes" ? "colleague" : this.answers.get("relationship");
  }

  /**
   * The best script in these situations for this person and channel, the
   * `prefers` URLs first; `channelFits` is false when none is written for
   * the channel asked.
   */
  pick(situations, channel, prefers = []) {
    const relationship = this.relationship();
    let pool = this.scripts.filter((s) => situations.includes(s.situation));
    const forThem = relationship ? pool.filter((s) => s.relationship.includes(relationship)) : [];
    if (forThem.length) pool = forThem;
    const strong = prefers.filter((p) => p.strong).map((p) => pool.find((s) => s.url === path(p.url)));
    const onChannel = channel ? pool.filter((s) => s.channel.includes(channel)) : pool;
    if (onChannel.length) pool = onChannel;
    const weak = prefers.filter((p) => !p.strong).map((p) => pool.find((s) => s.url === path(p.url)));
    // A script written for them (they come first in its short list) before one for everyone.
    const forThemFirst = (s) => Number(s.relationship[0] === relationship && s.relationship.length <= 2);
    const ranked = [...pool].sort(
      (a, b) =>
        (relationship ? forThemFirst(b) - forThemFirst(a) : 0) ||
        (channel ? Number(b.channel[0] === channel) - Number(a.channel[0] === channel) : 0) ||
        a.order - b.order,
    );
    const script = strong.find(Boolean) || weak.find(Boolean) || ranked[0] || null;
    return { script, channelFits: !channel || Boolean(script?.channel.includes(channel)) };
  }

  /** The URLs the answers prefer for the first message, the strongest first. */
  preferences() {
    const prefer = (question, strong) => {
      const url = this.button(question, this.answers.get(question))?.dataset.prefers;
      return url ? [{ url, strong }] : [];
    };
    return [...prefer("channel", true), ...prefer("part", true), ...prefer("since", false)];
  }

  /** The situation after this one in the guide's order (first message → asking to talk → …). */
  nextSituation(id) {
    const index = this.situations.indexOf(id);
    return index >= 0 && index + 1 < this.situations.length ? this.situations[index + 1] : id;
  }

  // ----- The plan -----

  /** The plan as data: its dated steps, each with a script and the pages that explain it. */
  plan() {
    const { coolOff, answerWithin, followUpAfter, stopAfter } = this.waiting;
    const start = this.start || localToday();
    const since = this.answers.get("since");
    const planned = since === "days" ? addDays(start, coolOff) : start;
    const send = workingDay(planned);
    const followUp = addDays(send, followUpAfter);
    const stop = addDays(followUp, stopAfter);
    const channel = this.answers.get("channel");
    const direct = channel && channel !== GO_BETWEEN ? channel : null;
    const firstSituations = this.answers.get("work") === "yes" ? ["first-contact", "asking-to-talk"] : ["first-contact"];
    const first = this.pick(firstSituations, direct, this.preferences());
    const replyChannel = direct === "linkedin-note" ? "linkedin-message" : direct;
    const reply = this.pick([this.nextSituation(first.script?.situation || "first-contact")], replyChannel);
    const followChannel = direct === "linkedin-note" || !direct ? "email" : direct;
    const follow = this.pick(["no-reply"], followChannel);
    return {
      start,
      steps: [
        this.sendStep(send, planned, first, direct),
        {
          id: "reply",
          date: null,
          when: t("helper.reply_when", { within: answerWithin === 7 ? t("helper.reply_week") : t("helper.reply_days", { count: answerWithin }) }),
          title: t("helper.reply_title"),
          text: [t("helper.reply_text")],
          script: reply.script,
          links: ["replies", "asking", "waiting-rule"],
        },
        {
          id: "follow-up",
          date: followUp,
          title: t("helper.follow_title"),
          text: [t(direct === "linkedin-note" ? "helper.follow_text_note" : "helper.follow_text")],
          script: follow.script,
          links: ["follow-up", "waiting-rule"],
        },
        {
          id: "stop",
          date: stop,
          title: t("helper.stop_step_title"),
          text: [t("helper.stop_step_text")],
          script: null,
          links: ["moving-on"],
        },
      ],
    };
  }

  /** The first step: what to send, and when, with what to do before. */
  sendStep(send, planned, first, channel) {
    const text = [];
    const links = [];
    const add = ([key, page]) => {
      text.push(t(key));
      if (page) links.push(page);
    };
    const part = this.answers.get("part");
    const since = this.answers.get("since");
    if (since) add(SINCE[since]);
    if (part) add(PREPARE[part]);
    if (this.answers.get("channel") === GO_BETWEEN) add(["helper.go_between", "go-between"]);
    if (this.answers.get("work") === "yes") add(["helper.colleague", "colleague"]);
    const who = this.relationship();
    if (who && this.pages.has(who) && who !== "colleague") links.push(who);
    if (send !== planned) add(["helper.working_day", "working-day"]);
    if (channel && first.script && !first.channelFits) text.push(t("helper.no_script", { channel: this.label("channel", channel).toLocaleLowerCase(locale) }));
    return {
      id: "send",
      date: send,
      title: t(this.answers.get("channel") === GO_BETWEEN ? "helper.ask_title" : "helper.send_title"),
      text,
      script: first.script,
      links,
    };
  }

  // ----- Showing it -----

  link(key) {
    const page = this.pages.get(key);
    return page ? h("a", { href: page.href }, page.title) : null;
  }

  renderStop() {
    const value = this.answers.get("safety");
    this.status.textContent = t("helper.stop_status");
    this.answer.replaceChildren(
      h(
        "div",
        { className: "starter__stop" },
        h("h3", { className: "starter__plan-title", id: "starter-plan-title", tabindex: "-1" }, t("helper.stop_title")),
        h("p", {}, t(`helper.stop.${STOPS.includes(value) ? value : "harm"}`)),
        h("p", {}, t("helper.stop_career")),
        h("ul", { className: "plan__links" }, ["not-to-mend", "instead"].map((key) => this.link(key)).filter(Boolean).map((a) => h("li", {}, a))),
      ),
    );
  }

  renderStep(step) {
    const when = step.date ? h("time", { datetime: step.date }, longDate(step.date)) : step.when;
    const links = step.links.map((key) => this.link(key)).filter(Boolean);
    return h(
      "li",
      { className: "plan__step", "data-step": step.id },
      h("p", { className: "plan__when" }, when),
      h("h4", { className: "plan__title" }, step.title),
      step.text.map((sentence) => h("p", { className: "plan__text" }, sentence)),
      step.script
        ? h(
            "p",
            { className: "plan__script" },
            parts("helper.script", { link: h("a", { href: step.script.href }, step.script.title) }),
            step.script.summary ? h("span", { className: "plan__summary" }, ` ${step.script.summary}`) : null,
          )
        : null,
      links.length ? h("ul", { className: "plan__links", "aria-label": t("helper.read_more") }, links.map((a) => h("li", {}, a))) : null,
    );
  }

  renderPlan(plan) {
    const dated = plan.steps.filter((step) => step.date);
    this.status.textContent = t("helper.ready", { count: plan.steps.length, date: longDate(plan.steps[0].date) });
    this.calendarUrl = URL.createObjectURL(new Blob([this.calendarText(dated)], { type: "text/calendar" }));
    this.answer.replaceChildren(
      h(
        "div",
        { className: "starter__plan" },
        h("h3", { className: "starter__plan-title", id: "starter-plan-title", tabindex: "-1" }, t("helper.title")),
        h("p", { className: "starter__plan-made" }, parts("helper.made", { date: h("time", { datetime: plan.start }, longDate(plan.start)) })),
        h("ol", { className: "plan" }, plan.steps.map((step) => this.renderStep(step))),
        h(
          "p",
          { className: "plan__actions" },
          h("a", { className: "button", href: this.calendarUrl, download: t("calendar.file"), "data-calendar": true }, t("helper.calendar")),
          h("button", { type: "button", className: "button button--quiet", "data-print": true }, t("helper.print")),
          h("a", { className: "plan__keep", href: location.hash || "#" }, t("helper.keep")),
        ),
        h("p", { className: "plan__private" }, t("helper.private")),
      ),
    );
    this.answer.querySelector("[data-print]").addEventListener("click", () => window.print());
  }

  calendarText(steps) {
    const absolute = (href) => new URL(href, location.href).href;
    // The site's title, as the header shows it.
    const site = document.querySelector(".site-title")?.textContent.trim() || document.title;
    const events = steps.map((step) => {
      const page = this.pages.get(step.links[0]);
      const script = step.script ? [t("calendar.script", { title: step.script.title, url: absolute(step.script.href) })] : [];
      return {
        date: step.date,
        summary: t("calendar.summary", { site, title: step.title }),
        description: [...step.text, ...script].join(" "),
        url: absolute(page ? page.href : location.href),
      };
    });
    return calendar(events, { name: t("calendar.name", { site }), host: location.hostname });
  }
}

if (root) {
  const helper = new Helper();
  if (helper.scripts.length && helper.status && helper.answer && helper.reset && helper.questions.has("safety")) helper.enhance();
}
