// Offline search in the header, over the Pagefind index that `guide build`
// writes to /pagefind/.
//
// Nothing is loaded until the reader focuses the search box: then
// pagefind.js (which fetches only the index chunks a query needs) and the
// filter labels, and the panel opens with the filters in one row. Results
// show title, a line of context (a script's situation and channels, a
// page's chapter), excerpt and link, ten at a time: "Show more" adds the
// next ten and moves focus to the first of them. Keyboard: "/" focuses the
// box, Down/Up move through the results (and onto "Show more"), Escape
// closes them and returns to the box, Enter in the box opens the first
// result. Scripts can be narrowed by situation, relationship and channel;
// the filters work with an empty query too ("every LinkedIn note").

import { t } from "./strings.js";

const PAGE = 10;
// Each filter's name for assistive technology, and its "no choice" option,
// which is what a sighted reader sees as its label.
const FILTERS = [
  ["situation", t("search.situation"), t("search.any_situation")],
  ["relationship", t("search.relationship"), t("search.any_relationship")],
  ["channel", t("search.channel"), t("search.any_channel")],
];
// How much a match in each piece of metadata counts (Pagefind's own
// weights are 5 for the title and 1 for any other). Keywords are the words
// readers use that a page does not ("former boss" on a page about a
// manager), so a match there counts well above one in the text; the labels
// of a result's sub-line count a little. (A weight of 0 leaves Pagefind 1.6
// searching for ever, so "kind" keeps the default: "script" finds scripts.)
const RANKING = { metaWeights: { title: 5, keywords: 3, chapter: 1, situation: 0.5, channels: 0.5 } };

const form = document.querySelector("form.site-search");
if (form) init(form);

function init(form) {
  const input = form.querySelector(".site-search__input");
  const panel = form.querySelector(".site-search__panel");
  const filterBox = form.querySelector(".site-search__filters");
  const status = form.querySelector(".site-search__status");
  const list = form.querySelector(".site-search__results");
  const more = form.querySelector(".site-search__more");
  const base = form.dataset.pagefind;
  let loading = null;
  let pagefind = null;
  let generation = 0;
  let timer = 0;
  // The results of the current search, and how many of them are shown.
  let found = [];
  let shown = 0;

  function load() {
    loading ??= (async () => {
      status.textContent = t("search.loading");
      open();
      try {
        const [module, labels] = await Promise.all([
          import(`${base}pagefind.js`),
          fetch(`${base}guide-filters.json`).then((r) => (r.ok ? r.json() : {})).catch(() => ({})),
        ]);
        // Indexed URLs already hold the base path (`/guide/a/`).
        await module.options({ baseUrl: "/", excerptLength: 24 });
        await module.init();
        await module.options({ ranking: RANKING });
        pagefind = module;
        addFilters(labels);
        status.textContent = "";
        if (hasQuery()) search();
      } catch {
        status.textContent = t("search.unavailable");
      }
    })();
    return loading;
  }

  function addFilters(labels) {
    for (const [key, title, any] of FILTERS) {
      const values = labels[key] || [];
      if (!values.length) continue;
      const id = `site-search-${key}`;
      const wrap = document.createElement("span");
      wrap.className = "site-search__filter";
      const label = document.createElement("label");
      label.className = "visually-hidden";
      label.htmlFor = id;
      label.textContent = title;
      const select = document.createElement("select");
      select.id = id;
      select.dataset.searchFilter = key;
      select.add(new Option(any, ""));
      for (const { id: value, label: text } of values) select.add(new Option(text, value));
      select.addEventListener("change", () => search());
      wrap.append(label, select);
      filterBox.append(wrap);
    }
    filterBox.hidden = filterBox.childElementCount === 0;
  }

  function filters() {
    const chosen = {};
    for (const select of filterBox.querySelectorAll("select")) {
      if (select.value) chosen[select.dataset.searchFilter] = select.value;
    }
    return chosen;
  }

  function hasQuery() {
    return input.value.trim() !== "" || Object.keys(filters()).length > 0;
  }

  function open() {
    panel.hidden = false;
  }

  function close() {
    panel.hidden = true;
  }

  async function search() {
    if (!pagefind) return;
    const mine = ++generation;
    const term = input.value.trim();
    const chosen = filters();
    if (!term && !Object.keys(chosen).length) {
      showResults([], 0);
      status.textContent = "";
      open();
      return;
    }
    const answer = await pagefind.search(term || null, { filters: chosen });
    if (!answer || mine !== generation) return; // a newer search replaced this one
    const first = await Promise.all(answer.results.slice(0, PAGE).map((r) => r.data()));
    if (mine !== generation) return;
    found = answer.results;
    showResults(first.map(resultItem), first.length);
    const count = found.length;
    status.textContent = count === 0 ? t("search.none") : t("search.count", { count });
    open();
  }

  // Replaces the list with `items`, the first `count` of `found`.
  function showResults(items, count) {
    list.replaceChildren(...items);
    shown = count;
    updateMore();
  }

  function updateMore() {
    const left = found.length - shown;
    more.hidden = left <= 0;
    more.textContent = left > PAGE ? t("search.more", { count: PAGE }) : t("search.last", { count: left });
  }

  // "Show more": the next ten results, with focus on the first of them so
  // that a keyboard or screen-reader user carries on where they were.
  async function showMore() {
    const mine = generation;
    const next = await Promise.all(found.slice(shown, shown + PAGE).map((r) => r.data()));
    if (mine !== generation || !next.length) return;
    const items = next.map(resultItem);
    list.append(...items);
    shown += next.length;
    updateMore();
    const link = items[0].querySelector("a");
    link.focus();
    // The status says where the reader is, for those who cannot see it.
    status.textContent = t("search.showing", { count: found.length, shown });
  }

  function resultItem(result) {
    const item = document.createElement("li");
    item.className = "search-result";
    item.dataset.url = result.url;
    const link = document.createElement("a");
    link.className = "search-result__link";
    link.href = result.url;
    if (result.meta && result.meta.kind) {
      const kind = document.createElement("span");
      kind.className = "search-result__kind";
      kind.textContent = result.meta.kind;
      link.append(kind, " ");
    }
    const title = document.createElement("span");
    title.className = "search-result__title";
    title.textContent = (result.meta && result.meta.title) || result.url;
    link.append(title);
    item.append(link);
    const about = context(result.meta || {});
    if (about) {
      const line = document.createElement("p");
      line.className = "search-result__context";
      line.textContent = about;
      item.append(line);
    }
    const excerpt = document.createElement("p");
    excerpt.className = "search-result__excerpt";
    excerpt.append(...excerptNodes(result.excerpt || ""));
    item.append(excerpt);
    return item;
  }

  // What a result is for: a script's situation and channels ("Breaking the
  // silence · LinkedIn connection note"), or the chapter a page is in.
  function context(meta) {
    if (meta.kind) return [meta.situation, meta.channels].filter(Boolean).join(" · ");
    return meta.chapter || "";
  }

  // Pagefind's excerpt is HTML with <mark> around the matches. Only text and
  // those marks are kept, so nothing from the index is ever run as markup.
  function excerptNodes(html) {
    const template = document.createElement("template");
    template.innerHTML = html;
    return [...template.content.childNodes].map((node) => {
      if (node.nodeName === "MARK") {
        const mark = document.createElement("mark");
        mark.textContent = node.textContent;
        return mark;
      }
      return document.createTextNode(node.textContent);
    });
  }

  // What Down and Up move through: the results, then "Show more".
  function links() {
    const all = [...list.querySelectorAll("a.search-result__link")];
    if (!more.hidden) all.push(more);
    return all;
  }

  more.addEventListener("click", showMore);
  // Focus from outside opens the panel; focus coming back from a result
  // (Escape, Up) leaves it as that key left it.
  input.addEventListener("focus", (event) => {
    const returning = form.contains(event.relatedTarget);
    load().then(() => {
      if (!returning) open();
    });
  });
  input.addEventListener("input", () => {
    load();
    clearTimeout(timer);
    timer = setTimeout(search, 120);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const first = list.querySelector("a.search-result__link");
    if (first) first.click();
  });
  form.addEventListener("keydown", (event) => {
    const all = links();
    const at = all.indexOf(document.activeElement);
    if (event.key === "Escape") {
      if (panel.hidden) input.value = "";
      close();
      input.focus();
      event.preventDefault();
    } else if (event.key === "ArrowDown" && (event.target === input || at >= 0) && all.length) {
      open();
      all[Math.min(at + 1, all.length - 1)].focus();
      event.preventDefault();
    } else if (event.key === "ArrowUp" && at >= 0) {
      (at === 0 ? input : all[at - 1]).focus();
      event.preventDefault();
    }
  });
  input.addEventListener("click", () => {
    if (pagefind) open();
  });
  // Leaving the search (by Tab or a click elsewhere) closes the results.
  form.addEventListener("focusout", (event) => {
    if (!form.contains(event.relatedTarget)) close();
  });
  document.addEventListener("keydown", (event) => {
    const typing = event.target.closest("input, textarea, select, [contenteditable]");
    if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      input.focus();
    }
  });
  form.hidden = false;
  // `?q=words` (the home page's SearchAction in its JSON-LD) opens a search.
  const asked = new URLSearchParams(location.search).get("q");
  if (asked) {
    input.value = asked;
    input.focus();
    load();
  }
}
