// The interactive script page.
//
// Without JavaScript the page shows every message with its fields as labelled
// blanks. This module turns that into a workbench: one input per field, a live
// preview per message (tabs when there are several), a character counter, a
// copy button that warns while required fields are empty, an "open in your
// email app" link for emails, and the reader's values kept in the URL
// fragment so a filled script can be bookmarked.
//
// Reader input is only ever handled as text (input.value, textContent,
// createTextNode), never as HTML. Nothing the reader types leaves the browser:
// no requests, no storage; the fragment is never sent to a server.

import { h } from "./dom.js";
import { segments } from "./message.js";

const TAB_KEY = "_m";

const numberFormat = new Intl.NumberFormat(document.documentElement.lang || undefined);

/** Counts characters the way people (and LinkedIn) do: by code point. */
function characterCount(text) {
  return [...text].length;
}

/**
 * Splits an email's `Subject: …` first line from its body. The contract puts
 * the subject in the body's first line and in `subject`; the body's line wins
 * because it is the message-language source.
 */
function splitSubject(message) {
  if (message.subject === null || message.subject === undefined) {
    return { subject: null, body: message.body };
  }
  const match = /^Subject:[ \t]*(.*)(?:\r?\n|$)/.exec(message.body);
  if (!match) return { subject: message.subject, body: message.body };
  return { subject: match[1], body: message.body.slice(match[0].length).replace(/^(?:\r?\n)+/, "") };
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

function listLabels(labels) {
  if (labels.length <= 1) return labels.join("");
  return `${labels.slice(0, -1).join(", ")} and ${labels[labels.length - 1]}`;
}

class ScriptPage {
  constructor(data, workbench) {
    this.workbench = workbench;
    this.fields = data.fields || [];
    this.fieldsByName = new Map(this.fields.map((field) => [field.name, field]));
    this.values = new Map(this.fields.map((field) => [field.name, ""]));
    this.inputs = new Map();
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
    window.addEventListener("hashchange", () => this.restoreFromFragment());
  }

  // ----- The form -----

  buildForm() {
    const form = h(
      "form",
      { id: "script-form", className: "script-form", "aria-labelledby": "script-form-title", novalidate: true },
      h("h2", { className: "script-form__title", id: "script-form-title" }, "Your details"),
      h(
        "p",
        { className: "script-form__intro" },
        "Fill in what you know; the message updates as you type. Nothing is sent anywhere: your words stay on this page and in its address, so you can bookmark a filled-in script.",
      ),
    );
    for (const field of this.fields) form.append(this.buildField(field));
    form.append(
      h(
        "div",
        { className: "script-form__footer" },
        h("span", {}, "Fields marked (optional) may stay empty."),
        h("button", { type: "reset", className: "button button--quiet" }, "Clear all"),
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
    const id = `field-${field.name}`;
    const label = h("label", { for: id }, field.label);
    if (field.optional) label.append(" ", h("span", { className: "field__optional" }, "(optional)"));
    let control;
    let hint = null;
    if (field.kind === "choice" && field.choices && field.choices.length) {
      control = h("select", { id, "data-field": field.name });
      control.append(h("option", { value: "" }, field.optional ? "(none)" : "Choose…"));
      for (const choice of field.choices) control.append(h("option", { value: choice }, choice));
      if (field.example) {
        hint = h("p", { className: "field__hint", id: `${id}-hint` }, `For example: ${field.example}`);
        control.setAttribute("aria-describedby", hint.id);
      }
    } else if (field.kind === "textarea") {
      control = h("textarea", { id, "data-field": field.name, rows: 3, placeholder: field.example || null });
    } else {
      control = h("input", { id, type: "text", "data-field": field.name, placeholder: field.example || null, autocomplete: "off" });
    }
    if (typeof field.max === "number" && field.max > 0 && control.tagName !== "SELECT") {
      control.setAttribute("maxlength", String(field.max));
    }
    this.inputs.set(field.name, control);
    return h("div", { className: "field" }, label, control, hint);
  }

  // ----- Tabs (WAI-ARIA tabs pattern, automatic activation) -----

  buildTabs() {
    const tablist = h("div", { className: "tabs", role: "tablist", "aria-label": "Messages" });
    for (const message of this.messages) {
      const tab = h(
        "button",
        {
          type: "button",
          className: "tab",
          role: "tab",
          id: `tab-${message.name}`,
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
        h("p", { className: "message-subject", "data-message": name }, h("span", { className: "message-subject__label" }, "Subject"), message.subjectText),
        anchor,
      );
    }
    message.preview = h("div", {
      className: "message-card message-preview",
      "data-message": name,
      "aria-live": "polite",
    });
    message.counter = h("p", { className: "char-counter", "data-message": name });
    section.insertBefore(message.preview, anchor);
    section.insertBefore(message.counter, anchor);

    const isEmail = message.channel.id === "email";
    message.copyButton = h("button", { type: "button", className: "button copy", "data-message": name }, isEmail ? "Copy email text" : "Copy message");
    message.copyButton.addEventListener("click", () => this.copy(message));
    const actions = h("div", { className: "message-actions" }, message.copyButton);
    if (message.subject !== null) {
      const copySubject = h("button", { type: "button", className: "button button--quiet copy-subject", "data-message": name }, "Copy subject");
      copySubject.addEventListener("click", () => this.copySubject(message));
      actions.append(copySubject);
    }
    if (isEmail) {
      message.mailto = h("a", { className: "button button--quiet mailto", "data-message": name, href: "mailto:" }, "Open in your email app");
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

  renderCounter(message) {
    const count = characterCount(message.text);
    const limit = message.channel.limit;
    const unit = (n) => (n === 1 ? "character" : "characters");
    let text;
    if (typeof limit === "number") {
      text = `${numberFormat.format(count)} / ${numberFormat.format(limit)} ${unit(limit)}`;
      if (count > limit) text += `: ${numberFormat.format(count - limit)} over the ${message.channel.label} limit`;
    } else {
      text = `${numberFormat.format(count)} ${unit(count)}`;
    }
    message.counter.textContent = text;
    message.counter.classList.toggle("over", typeof limit === "number" && count > limit);
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
        `Fill in: ${listLabels(message.missing)} first. Or press “${message.copyButton.textContent}” again to copy it with the blanks left empty.`,
      );
      return;
    }
    message.confirmCopy = null;
    if (await copyText(message.text)) {
      this.setStatus(message, "ok", message.missing.length ? "Copied, with blanks left empty." : "Copied.");
    } else {
      selectContents(message.preview);
      this.setStatus(message, "warn", "Your browser did not let this page copy. The message is selected: copy it with Ctrl+C (⌘C on a Mac).");
    }
  }

  async copySubject(message) {
    if (await copyText(message.subjectValue)) {
      this.setStatus(message, "ok", "Subject copied.");
    } else {
      selectContents(message.subjectText);
      this.setStatus(message, "warn", "Your browser did not let this page copy. The subject is selected: copy it with Ctrl+C (⌘C on a Mac).");
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
          this.setStatus(message, "warn", `Fill in: ${listLabels(message.missing)} first.`);
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
      let value = params.get(field.name) || "";
      if (typeof field.max === "number" && field.max > 0) value = [...value].slice(0, field.max).join("");
      if (input.tagName === "SELECT" && !field.choices.includes(value)) value = "";
      input.value = value;
      this.values.set(field.name, input.value);
    }
    const tab = params.get(TAB_KEY);
    if (tab && this.messages.some((message) => message.name === tab)) this.select(tab, { focus: false, remember: false });
    this.update();
  }

  writeFragment() {
    const params = new URLSearchParams();
    for (const field of this.fields) {
      const value = this.values.get(field.name);
      if (value) params.set(field.name, value);
    }
    if (this.messages.length > 1 && this.selected) params.set(TAB_KEY, this.selected);
    const fragment = params.toString();
    const url = `${location.pathname}${location.search}${fragment ? `#${fragment}` : ""}`;
    if (url !== `${location.pathname}${location.search}${location.hash}`) {
      history.replaceState(history.state, "", url);
    }
  }
}

function start() {
  const dataElement = document.getElementById("guide-script-data");
  const workbench = document.getElementById("workbench");
  if (!dataElement || !workbench) return;
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

start();
