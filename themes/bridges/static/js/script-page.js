// The interactive script page.
//
// Without JavaScript the page shows every message with its fields as labelled
// blanks. This module turns that into a workbench: one input per field, a live
// preview per message (tabs when there are several), a character counter, a
// copy button that warns while required fields are empty, an "open in your
// email app" link for emails, and the reader's values kept in the URL
// fragment so a filled script can be bookmarked.
//
// A page may hold several workbenches: the script page has one, and a guide
// page has one per ```script fence (an embed). Each names its own prefix for
// ids (data-ns) and for its keys in the fragment (data-key), so embeds keep
// their values apart and leave each other's keys in the fragment alone.
//
// Reader input is only ever handled as text (input.value, textContent,
// createTextNode), never as HTML. Nothing the reader types leaves the browser:
// no requests, nothing stored; the fragment is never sent to a server. Only
// the reader's choice of limit per channel is kept, in localStorage.

import { h } from "./dom.js";
import { segments } from "./message.js";
import { check } from "./checker.js";
import { t, has, list } from "./strings.js";
import { splitSubject } from "./subject.js";

const TAB_KEY = "_m";
const LIMIT_KEY = "guide-limit:";

/** The reader's chosen limit of a channel (its label), or null: kept in localStorage. */
function storedLimit(channel) {
  try {
    return localStorage.getItem(LIMIT_KEY + channel.id);
  } catch {
    return null;
  }
}

function storeLimit(channel, label) {
  try {
    localStorage.setItem(LIMIT_KEY + channel.id, label);
  } catch {
    // Storage refused (private mode): the choice lasts for this page only.
  }
}

/** A channel's named limits, strictest first; `limit = N` alone is one. */
function limitsOf(channel) {
  if (Array.isArray(channel.limits) && channel.limits.length) return channel.limits;
  return typeof channel.limit === "number" ? [{ label: channel.label, chars: channel.limit }] : [];
}

/** Counts characters the way people (and LinkedIn) do: by code point. */
function characterCount(text) {
  return [...text].length;
}

/** Copies text to the clipboard, falling back to a hidden textarea. */
async function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      // Permission refused or unsupported: try the old way below.
    }
  }
  const focused = document.activeElement;
  const area = h("textarea", { readonly: true, "aria-hidden": "true", tabindex: "-1" });
  area.value = text;
  Object.assign(area.style, { position: "fixed", top: "0", left: "-9999px", opacity: "0" });
  document.body.append(area);
  area.select();
  let copied = false;
  try {
    copied = document.execCommand("copy");
  } catch {
    copied = false;
  }
  area.remove();
  if (focused instanceof HTMLElement) focused.focus();
  return copied;
}

/** Selects an element's text, so a reader can copy it by hand when copying failed. */
function selectContents(element) {
  const range = document.createRange();
  range.selectNodeContents(element);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
}

class ScriptPage {
  constructor(data, workbench) {
    this.workbench = workbench;
    this.ns = workbench.dataset.ns || "";
    this.keyPrefix = workbench.dataset.key ? `${workbench.dataset.key}.` : "";
    this.heading = workbench.dataset.heading === "h3" ? "h3" : "h2";
    this.fields = data.fields || [];
    this.slug = data.slug || "";
    this.rules = data.rules || [];
    this.fieldsByName = new Map(this.fields.map((field) => [field.name, field]));
    this.values = new Map(this.fields.map((field) => [field.name, ""]));
    this.inputs = new Map();
    this.fullMarks = new Map();
    this.messages = (data.messages || []).map((message) => ({
      ...message,
      ...splitSubject(message),
      section: workbench.querySelector(`section.message[data-message="${CSS.escape(message.name)}"]`),
    }));
    this.selected = this.messages.length ? this.messages[0].name : null;
  }

  /** Throws before touching the page if a message cannot be rendered. */
  check() {
    for (const message of this.messages) {
      if (!message.section) throw new Error(`no section for message ${message.name}`);
      segments(message.body, this.values);
      if (message.subject !== null) segments(message.subject, this.values);
    }
  }

  enhance() {
    const messagesContainer = this.workbench.querySelector(".messages");
    const intro = this.workbench.querySelector(".workbench__nojs");
    if (intro) intro.hidden = true;
    if (this.fields.length) this.workbench.insertBefore(this.buildForm(), messagesContainer);
    for (const message of this.messages) this.enhanceMessage(message);
    if (this.messages.length > 1) messagesContainer.prepend(this.buildTabs());
    this.workbench.classList.add("is-enhanced");

    this.restoreFromFragment();
    for (const message of this.messages) message.ready = true;
    window.addEventListener("hashchange", () => this.restoreFromFragment());
  }

  // ----- The form -----

  buildForm() {
    const form = h(
      "form",
      { id: `${this.ns}script-form`, className: "script-form", "aria-labelledby": `${this.ns}script-form-title`, novalidate: true },
      h(this.heading, { className: "script-form__title", id: `${this.ns}script-form-title` }, t("form.title")),
      h("p", { className: "script-form__intro" }, t("form.intro")),
    );
    for (const field of this.fields) form.append(this.buildField(field));
    form.append(
      h(
        "div",
        { className: "script-form__footer" },
        h("span", {}, t("form.optional_note")),
        h("button", { type: "reset", className: "button button--quiet" }, t("form.clear")),
      ),
    );
    // The form is never submitted: submitting would put the values in a request.
    form.addEventListener("submit", (event) => event.preventDefault());
    form.addEventListener("input", (event) => {
      const name = event.target.dataset && event.target.dataset.field;
      if (!name || !this.values.has(name)) return;
      this.values.set(name, event.target.value);
      this.changed();
    });
    form.addEventListener("reset", () => {
      // Runs before the browser resets the controls; read them afterwards.
      setTimeout(() => {
        for (const [name, input] of this.inputs) this.values.set(name, input.value);
        this.changed();
      });
    });
    return form;
  }

  buildField(field) {
    const id = `${this.ns}field-${field.name}`;
    const label = h("label", { for: id }, field.label);
    if (field.optional) label.append(" ", h("span", { className: "field__optional" }, t("form.optional")));
    let control;
    let hint = null;
    if (field.kind === "choice" && field.choices && field.choices.length) {
      control = h("select", { id, "data-field": field.name });
      control.append(h("option", { value: "" }, t(field.optional ? "form.none" : "form.choose")));
      for (const choice of field.choices) control.append(h("option", { value: choice }, choice));
      if (field.example) {
        hint = h("p", { className: "field__hint", id: `${id}-hint` }, t("form.example", { example: field.example }));
        control.setAttribute("aria-describedby", hint.id);
      }
    } else if (field.kind === "textarea") {
      control = h("textarea", { id, "data-field": field.name, rows: 3, placeholder: field.example || null });
    } else {
      control = h("input", { id, type: "text", "data-field": field.name, placeholder: field.example || null, autocomplete: "off" });
    }
    let max = null;
    if (typeof field.max === "number" && field.max > 0 && control.tagName !== "SELECT") {
      control.setAttribute("maxlength", String(field.max));
      // Says the maximum before the reader meets it, and when the field is full.
      const full = h("span", { className: "field__full", role: "status" });
      max = h("p", { className: "field__hint field__max", id: `${id}-max` }, t("form.max", { count: field.max }), " ", full);
      control.setAttribute("aria-describedby", max.id);
      control.addEventListener("input", () => this.showFull(field, control, full));
      this.fullMarks.set(field.name, full);
    }
    this.inputs.set(field.name, control);
    return h("div", { className: "field" }, label, control, hint, max);
  }

  /** Marks a capped field full (announced once, as it fills) or clears the mark. */
  showFull(field, control, full) {
    const isFull = characterCount(control.value) >= field.max;
    const text = isFull ? t("form.full", { count: field.max }) : "";
    if (full.textContent !== text) full.textContent = text;
    control.closest(".field").classList.toggle("is-full", isFull);
  }

  // ----- Tabs (WAI-ARIA tabs pattern, automatic activation) -----

  buildTabs() {
    const tablist = h("div", { className: "tabs", role: "tablist", "aria-label": t("message.tabs") });
    for (const message of this.messages) {
      const tab = h(
        "button",
        {
          type: "button",
          className: "tab",
          role: "tab",
          id: `${this.ns}tab-${message.name}`,
          "data-message": message.name,
          "aria-controls": message.section.id,
        },
        h("span", { className: "tab__label" }, message.label),
        message.label !== message.channel.label ? h("span", { className: "tab__channel" }, message.channel.label) : null,
      );
      tab.addEventListener("click", () => this.select(message.name, { focus: false, remember: true }));
      message.tab = tab;
      message.section.setAttribute("role", "tabpanel");
      message.section.setAttribute("aria-labelledby", tab.id);
      message.section.setAttribute("tabindex", "0");
      message.section.classList.add("is-tab-panel");
      tablist.append(tab);
    }
    tablist.addEventListener("keydown", (event) => this.onTabKey(event));
    this.showSelected();
    return tablist;
  }

  onTabKey(event) {
    const index = this.messages.findIndex((message) => message.name === this.selected);
    const last = this.messages.length - 1;
    const target = {
      ArrowRight: index === last ? 0 : index + 1,
      ArrowLeft: index === 0 ? last : index - 1,
      Home: 0,
      End: last,
    }[event.key];
    if (target === undefined) return;
    event.preventDefault();
    this.select(this.messages[target].name, { focus: true, remember: true });
  }

  select(name, { focus, remember }) {
    if (!this.messages.some((message) => message.name === name)) return;
    this.selected = name;
    this.showSelected();
    if (focus) this.messages.find((message) => message.name === name).tab.focus();
    if (remember) this.writeFragment();
  }

  showSelected() {
    if (this.messages.length < 2) return;
    for (const message of this.messages) {
      const selected = message.name === this.selected;
      if (message.tab) {
        message.tab.setAttribute("aria-selected", String(selected));
        message.tab.tabIndex = selected ? 0 : -1;
      }
      message.section.hidden = !selected;
    }
  }

  // ----- One message: preview, counter, copy, mailto -----

  enhanceMessage(message) {
    const { section } = message;
    const name = message.name;
    for (const noscript of section.querySelectorAll(".message-blanks, .char-info")) noscript.hidden = true;

    const anchor = section.querySelector(".message-blanks");
    if (message.subject !== null) {
      message.subjectText = h("span", { className: "message-subject__text" });
      section.insertBefore(
        h("p", { className: "message-subject", "data-message": name }, h("span", { className: "message-subject__label" }, t("message.subject")), message.subjectText),
        anchor,
      );
    }
    // Not a live region: a screen reader would read it again on every key.
    message.preview = h("div", { className: "message-card message-preview", "data-message": name });
    message.counter = h("p", { className: "char-counter", "data-message": name });
    // Announces only crossing a limit, never each keystroke's count.
    message.announcer = h("p", { className: "visually-hidden char-announcer", role: "status", "data-message": name });
    message.limits = limitsOf(message.channel);
    message.overBefore = new Set();
    const meter = h("div", { className: "char-meter" }, message.counter);
    if (message.limits.length > 1) meter.append(this.buildLimitChoice(message));
    message.hints = h("ul", { className: "message-hints", "data-message": name, hidden: true });
    section.insertBefore(message.preview, anchor);
    section.insertBefore(meter, anchor);
    section.insertBefore(message.announcer, anchor);
    section.insertBefore(message.hints, anchor);

    const isEmail = message.channel.id === "email";
    message.copyButton = h("button", { type: "button", className: "button copy", "data-message": name }, t(isEmail ? "message.copy_email" : "message.copy"));
    message.copyButton.addEventListener("click", () => this.copy(message));
    const actions = h("div", { className: "message-actions" }, message.copyButton);
    if (message.subject !== null) {
      const copySubject = h("button", { type: "button", className: "button button--quiet copy-subject", "data-message": name }, t("message.copy_subject"));
      copySubject.addEventListener("click", () => this.copySubject(message));
      actions.append(copySubject);
    }
    if (isEmail) {
      message.mailto = h("a", { className: "button button--quiet mailto", "data-message": name, href: "mailto:" }, t("message.mailto"));
      actions.append(message.mailto);
    }
    message.status = h("p", { className: "copy-status", role: "status", "data-message": name });
    section.append(actions, message.status);
    message.confirmCopy = null; // the blanks a first click warned about
  }

  renderMessage(message) {
    const bodySegments = segments(message.body, this.values);
    message.text = bodySegments.map((segment) => segment.text).join("");
    message.preview.replaceChildren(...bodySegments.map((segment) => this.segmentNode(segment)));

    let subjectSegments = [];
    if (message.subject !== null) {
      subjectSegments = segments(message.subject, this.values);
      message.subjectValue = subjectSegments.map((segment) => segment.text).join("");
      message.subjectText.replaceChildren(...subjectSegments.map((segment) => this.segmentNode(segment)));
    }

    // Required fields this message still shows as blanks.
    const missing = new Set();
    for (const segment of [...subjectSegments, ...bodySegments]) {
      const field = segment.field && this.fieldsByName.get(segment.field);
      if (field && !field.optional && !segment.filled && segment.text === "") missing.add(field.label);
    }
    message.missing = [...missing];

    this.renderCounter(message);
    this.renderHints(message);
    if (message.mailto) {
      const crlf = (text) => text.replace(/\r?\n/g, "\r\n");
      const subject = message.subject !== null ? `subject=${encodeURIComponent(crlf(message.subjectValue))}&` : "";
      message.mailto.setAttribute("href", `mailto:?${subject}body=${encodeURIComponent(crlf(message.text))}`);
    }
  }

  /** One preview segment as DOM: reader values are text nodes, never HTML. */
  segmentNode(segment) {
    if (!segment.field) return document.createTextNode(segment.text);
    if (segment.filled) {
      const value = h("span", { className: "value", "data-field": segment.field });
      value.textContent = segment.text;
      return value;
    }
    if (segment.text === "") {
      const field = this.fieldsByName.get(segment.field);
      const blank = h("mark", { className: "blank", "data-field": segment.field });
      blank.textContent = field ? field.label : segment.field;
      return blank;
    }
    const fallback = h("span", { className: "fallback", "data-field": segment.field });
    fallback.textContent = segment.text;
    return fallback;
  }

  /** A choice of which named limit to count against, remembered per channel. */
  buildLimitChoice(message) {
    const id = `${this.ns}limit-${message.name}`;
    const select = h("select", { id, className: "limit-choice__select", "data-message": message.name });
    for (const limit of message.limits) {
      select.append(h("option", { value: limit.label }, t("counter.option", { label: limit.label, limit: limit.chars })));
    }
    select.addEventListener("change", () => {
      storeLimit(message.channel, select.value);
      document.dispatchEvent(new CustomEvent("guide-limit-change", { detail: { channel: message.channel.id, label: select.value } }));
    });
    document.addEventListener("guide-limit-change", (event) => {
      if (event.detail.channel !== message.channel.id) return;
      select.value = event.detail.label;
      this.renderCounter(message);
    });
    message.limitSelect = select;
    return h("p", { className: "limit-choice" }, h("label", { for: id }, t("counter.choose")), " ", select);
  }

  /** The limit the reader counts against: their choice, else the strictest. */
  chosenLimit(message) {
    if (!message.limits.length) return null;
    const wanted = message.limitSelect ? message.limitSelect.value : storedLimit(message.channel);
    return message.limits.find((limit) => limit.label === wanted) || message.limits[0];
  }

  renderCounter(message) {
    const count = characterCount(message.text);
    if (message.limitSelect && !message.limitSelect.dataset.restored) {
      const stored = storedLimit(message.channel);
      if (message.limits.some((limit) => limit.label === stored)) message.limitSelect.value = stored;
      message.limitSelect.dataset.restored = "true";
    }
    const chosen = this.chosenLimit(message);
    const over = message.limits.filter((limit) => count > limit.chars);
    let text;
    if (chosen) {
      text = t("counter.of", { length: count, count: chosen.chars });
      const name = (label) => t("counter.limit_name", { label });
      if (count > chosen.chars) {
        text = t("counter.over", { text, over: count - chosen.chars, name: name(message.limits.length > 1 ? chosen.label : message.channel.label) });
      } else if (over.length) {
        text = t("counter.fits_but", { text, over: count - over[0].chars, name: name(over[0].label), limit: over[0].chars });
      }
    } else {
      text = t("counter.chars", { count });
    }
    message.counter.textContent = text;
    message.counter.classList.toggle("over", Boolean(chosen) && count > chosen.chars);
    message.counter.classList.toggle("over-some", over.length > 0);
    this.announceCrossing(message, over, count);
  }

  /** Speaks once when the text goes over a limit, or comes back within it. */
  announceCrossing(message, over, count) {
    const now = new Set(over.map((limit) => limit.label));
    const crossedUp = over.filter((limit) => !message.overBefore.has(limit.label));
    const crossedDown = message.limits.filter((limit) => message.overBefore.has(limit.label) && !now.has(limit.label));
    message.overBefore = now;
    if (!message.ready) return; // restoring the page is no crossing
    const name = (limit) => (message.limits.length > 1 ? t("announce.named", { label: limit.label, limit: limit.chars }) : t("announce.plain", { limit: limit.chars }));
    if (crossedUp.length) {
      message.announcer.textContent = t("announce.over", { count, limit: name(crossedUp[0]) });
    } else if (crossedDown.length) {
      message.announcer.textContent = t("announce.within", { count, limit: name(crossedDown[crossedDown.length - 1]) });
    }
  }

  /** The checker's hints for the reader's own words: gentle, linked, never blocking. */
  renderHints(message) {
    const typed = this.fields.some((field) => this.values.get(field.name));
    const findings = typed ? check(this.rules, message.text, this.slug) : [];
    const items = findings.map((finding) => {
      const rule = this.rules.find((r) => r.id === finding.rule);
      const item = h("li", { className: "message-hint", "data-rule": finding.rule });
      // The hint in the page's language; the rule's own (English) where the theme has none.
      const hint = has(`checker.${rule.id}`) ? t(`checker.${rule.id}`) : rule.hint;
      item.append(h("q", {}, finding.text), " ", hint);
      if (rule.url) item.append(" ", h("a", { href: rule.url }, t("checker.why")));
      return item;
    });
    message.hints.replaceChildren(...items);
    message.hints.hidden = items.length === 0;
  }

  setStatus(message, kind, text) {
    message.status.className = `copy-status${kind ? ` ${kind}` : ""}`;
    message.status.textContent = text;
  }

  async copy(message) {
    const missingKey = message.missing.join("\n");
    if (message.missing.length && message.confirmCopy !== missingKey) {
      // First click with blanks left: warn, and let a second click copy anyway.
      message.confirmCopy = missingKey;
      this.setStatus(
        message,
        "warn",
        t("copy.missing_again", { fields: list(message.missing), button: message.copyButton.textContent }),
      );
      return;
    }
    message.confirmCopy = null;
    if (await copyText(message.text)) {
      const cut = this.cutNote(message);
      if (cut) this.setStatus(message, "warn", cut);
      else this.setStatus(message, "ok", t(message.missing.length ? "copy.done_blanks" : "copy.done"));
    } else {
      selectContents(message.preview);
      this.setStatus(message, "warn", t("copy.failed"));
    }
  }

  /** What copying an over-limit message should say: how much will be cut, and where. */
  cutNote(message) {
    const count = characterCount(message.text);
    const chosen = this.chosenLimit(message);
    const over = message.limits.filter((limit) => count > limit.chars);
    if (!over.length) return "";
    const channel = message.channel.label;
    if (chosen && count > chosen.chars) {
      const values = { label: chosen.label, limit: chosen.chars, channel, count: count - chosen.chars };
      return t(message.limits.length > 1 ? "copy.cut_named" : "copy.cut", values);
    }
    const strict = over[0];
    return t("copy.fits", { label: chosen.label, strict: strict.label, limit: strict.chars, count: count - strict.chars });
  }

  async copySubject(message) {
    if (await copyText(message.subjectValue)) {
      this.setStatus(message, "ok", t("copy.subject_done"));
    } else {
      selectContents(message.subjectText);
      this.setStatus(message, "warn", t("copy.subject_failed"));
    }
  }

  // ----- State -----

  changed() {
    this.update();
    this.writeFragment();
  }

  update() {
    for (const message of this.messages) {
      this.renderMessage(message);
      // A status about an earlier state would mislead: refresh or clear it.
      if (message.status.classList.contains("warn") && message.confirmCopy !== null) {
        if (message.missing.length) {
          message.confirmCopy = null;
          this.setStatus(message, "warn", t("copy.missing", { fields: list(message.missing) }));
        } else {
          message.confirmCopy = null;
          this.setStatus(message, "", "");
        }
      } else if (message.status.textContent) {
        this.setStatus(message, "", "");
      }
    }
  }

  /** Reads `#name=Priya&company=Acme&_m=note`; values only ever become input values. */
  restoreFromFragment() {
    const params = new URLSearchParams(location.hash.replace(/^#/, ""));
    for (const field of this.fields) {
      const input = this.inputs.get(field.name);
      let value = params.get(this.keyPrefix + field.name) || "";
      if (typeof field.max === "number" && field.max > 0) value = [...value].slice(0, field.max).join("");
      if (input.tagName === "SELECT" && !field.choices.includes(value)) value = "";
      input.value = value;
      this.values.set(field.name, input.value);
      const full = this.fullMarks.get(field.name);
      if (full) this.showFull(field, input, full);
    }
    const tab = params.get(this.keyPrefix + TAB_KEY);
    if (tab && this.messages.some((message) => message.name === tab)) this.select(tab, { focus: false, remember: false });
    this.update();
  }

  /** Writes this workbench's values into the fragment, keeping every other key (another embed's). */
  writeFragment() {
    const params = new URLSearchParams(location.hash.replace(/^#/, ""));
    for (const field of this.fields) {
      const value = this.values.get(field.name);
      const key = this.keyPrefix + field.name;
      if (value) params.set(key, value);
      else params.delete(key);
    }
    const tabKey = this.keyPrefix + TAB_KEY;
    if (this.messages.length > 1 && this.selected) params.set(tabKey, this.selected);
    else params.delete(tabKey);
    const fragment = params.toString();
    const url = `${location.pathname}${location.search}${fragment ? `#${fragment}` : ""}`;
    if (url !== `${location.pathname}${location.search}${location.hash}`) {
      history.replaceState(history.state, "", url);
    }
  }
}

/** Enhances one workbench; on any error it stays as it is without JavaScript. */
function startOne(workbench) {
  const dataElement = document.getElementById(workbench.dataset.data || "guide-script-data");
  if (!dataElement) return;
  let page;
  try {
    page = new ScriptPage(JSON.parse(dataElement.textContent), workbench);
    page.check();
  } catch (error) {
    // The page stays as it is without JavaScript: every message with its blanks.
    console.error("script page:", error);
    return;
  }
  page.enhance();
}

function start() {
  // Each embed loads this module; the browser runs it once for them all.
  for (const workbench of document.querySelectorAll("[data-workbench]")) startOne(workbench);
}

start();
