// Filtering on the scripts index (/scripts/).
//
// Every script is listed without JavaScript. This module shows the three
// filters (situation, relationship, channel), hides the cards that do not
// match and the situation groups left empty, and says how many scripts are
// shown in a live region. The choice is kept in the URL fragment
// (`#situation=first-contact&channel=email`) so a filtered list can be shared.

import { t } from "./strings.js";

const form = document.getElementById("scripts-filter");
const count = document.getElementById("scripts-count");
const empty = document.getElementById("scripts-empty");
const cards = [...document.querySelectorAll(".script-card")];
const groups = [...document.querySelectorAll("section.situation")];
const selects = form ? [...form.querySelectorAll("select[data-filter]")] : [];

/** Whether a card's space-separated `data-<key>` list holds the chosen value. */
function matches(card, key, value) {
  if (!value) return true;
  return (card.dataset[key] || "").split(/\s+/).includes(value);
}

function apply() {
  const chosen = selects.map((select) => [select.dataset.filter, select.value]);
  let shown = 0;
  for (const card of cards) {
    const visible = chosen.every(([key, value]) => matches(card, key, value));
    card.hidden = !visible;
    if (visible) shown += 1;
  }
  for (const group of groups) {
    group.hidden = !group.querySelector(".script-card:not([hidden])");
  }
  count.textContent = t("filter.count", { count: shown });
  if (empty) empty.hidden = shown !== 0;
}

function writeFragment() {
  const params = new URLSearchParams();
  for (const select of selects) if (select.value) params.set(select.dataset.filter, select.value);
  const fragment = params.toString();
  const url = `${location.pathname}${location.search}${fragment ? `#${fragment}` : ""}`;
  if (url !== `${location.pathname}${location.search}${location.hash}`) history.replaceState(history.state, "", url);
}

function restoreFromFragment() {
  const params = new URLSearchParams(location.hash.replace(/^#/, ""));
  for (const select of selects) {
    const value = params.get(select.dataset.filter) || "";
    const known = [...select.options].some((option) => option.value === value);
    select.value = known ? value : "";
  }
  apply();
}

if (form && count && cards.length) {
  form.addEventListener("submit", (event) => event.preventDefault());
  form.addEventListener("change", () => {
    apply();
    writeFragment();
  });
  form.addEventListener("reset", () => {
    // Runs before the browser resets the selects; read them afterwards.
    setTimeout(() => {
      apply();
      writeFragment();
    });
  });
  window.addEventListener("hashchange", restoreFromFragment);
  restoreFromFragment();
  form.hidden = false;
}
