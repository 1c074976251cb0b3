// Offline search in the header, over the Pagefind index that `guide build`
// writes to /pagefind/.
//
// Nothing is loaded until the reader focuses the search box: then
// pagefind.js (which fetches only the index chunks a query needs) and the
// filter labels. Results show title, excerpt and link. Keyboard: "/" focuses
// the box, Down/Up move through the results, Escape closes them and returns
// to the box, Enter in the box opens the first result. Scripts can be
// narrowed by situation, relationship and channel; the filters work with an
// empty query too ("every LinkedIn note").

const SHOWN = 10;
const FILTERS = [
  ["situation", "Situation"],
  ["relationship", "Who"],
  ["channel", "Channel"],
];

const form = document.querySelector("form.site-search");
if (form) init(form);

function init(form) {
  const input = form.querySelector(".site-search__input");
  const panel = form.querySelector(".site-search__panel");
  const filterBox = form.querySelector(".site-search__filters");
  const status = form.querySelector(".site-search__status");
  const list = form.querySelector(".site-search__results");
  const base = form.dataset.pagefind;
  let loading = null;
  let pagefind = null;
  let generation = 0;
  let timer = 0;

  function load() {
    loading ??= (async () => {
      status.textContent = "Loading search…";
      open();
      try {
        const [module, labels] = await Promise.all([
          import(`${base}pagefind.js`),
          fetch(`${base}guide-filters.json`).then((r) => (r.ok ? r.json() : {})).catch(() => ({})),
        ]);
        // Indexed URLs already hold the base path (`/guide/a/`).
        await module.options({ baseUrl: "/", excerptLength: 24 });
        await module.init();
        pagefind = module;
        addFilters(labels);
        status.textContent = "";
        if (hasQuery()) search();
        else close();
      } catch {
        status.textContent = "Search is not available: this site was built without its search index.";
      }
    })();
    return loading;
  }

  function addFilters(labels) {
    for (const [key, title] of FILTERS) {
      const values = labels[key] || [];
      if (!values.length) continue;
      const id = `site-search-${key}`;
      const wrap = document.createElement("span");
      wrap.className = "site-search__filter";
      const label = document.createElement("label");
      label.htmlFor = id;
      label.textContent = title;
      const select = document.createElement("select");
      select.id = id;
      select.dataset.searchFilter = key;
      select.add(new Option("Any", ""));
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
      list.replaceChildren();
      status.textContent = "";
      open();
      return;
    }
    const found = await pagefind.search(term || null, { filters: chosen });
    if (!found) return; // a newer search replaced this one
    const data = await Promise.all(found.results.slice(0, SHOWN).map((r) => r.data()));
    if (mine !== generation) return;
    list.replaceChildren(...data.map(resultItem));
    const count = found.results.length;
    const more = count > SHOWN ? `; showing the first ${SHOWN}` : "";
    status.textContent =
      count === 0 ? "No results." : `${count} ${count === 1 ? "result" : "results"}${more}.`;
    open();
  }

  function resultItem(result) {
    const item = document.createElement("li");
    item.className = "search-result";
    item.dataset.url = result.url;
    const link = document.createElement("a");
    link.className = "search-result__link";
    link.href = result.url;
    if (result.filters && result.filters.channel) {
      const kind = document.createElement("span");
      kind.className = "search-result__kind";
      kind.textContent = "Script";
      link.append(kind, " ");
    }
    const title = document.createElement("span");
    title.className = "search-result__title";
    title.textContent = (result.meta && result.meta.title) || result.url;
    link.append(title);
    const excerpt = document.createElement("p");
    excerpt.className = "search-result__excerpt";
    excerpt.append(...excerptNodes(result.excerpt || ""));
    item.append(link, excerpt);
    return item;
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

  function links() {
    return [...list.querySelectorAll("a.search-result__link")];
  }

  input.addEventListener("focus", load);
  input.addEventListener("input", () => {
    load();
    clearTimeout(timer);
    timer = setTimeout(search, 120);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const first = links()[0];
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
    if (hasQuery() && pagefind) open();
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
