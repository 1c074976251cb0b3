// The light/dark toggle in the header.
//
// The page follows the system's colour scheme until the reader presses the
// toggle; their choice is then kept in localStorage and applied as
// `<html data-theme="light|dark">`. A one-line script in <head> applies a
// stored choice before the first paint, so the page never flashes.

const STORAGE_KEY = "guide-theme";
const root = document.documentElement;
const systemDark = window.matchMedia("(prefers-color-scheme: dark)");

function storedTheme() {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return value === "light" || value === "dark" ? value : null;
  } catch {
    return null; // storage can be blocked; the toggle then lasts for this page only
  }
}

function currentTheme() {
  return root.dataset.theme || storedTheme() || (systemDark.matches ? "dark" : "light");
}

function store(theme) {
  try {
    localStorage.setItem(STORAGE_KEY, theme);
  } catch {
    // Nothing to do: the choice still applies to this page.
  }
}

function init(button) {
  const sync = () => button.setAttribute("aria-pressed", String(currentTheme() === "dark"));
  button.addEventListener("click", () => {
    const next = currentTheme() === "dark" ? "light" : "dark";
    root.dataset.theme = next;
    store(next);
    sync();
  });
  systemDark.addEventListener("change", sync);
  // Another tab changed the choice: follow it.
  window.addEventListener("storage", (event) => {
    if (event.key !== STORAGE_KEY) return;
    const theme = storedTheme();
    if (theme) root.dataset.theme = theme;
    else delete root.dataset.theme;
    sync();
  });
  sync();
  button.hidden = false;
}

const button = document.querySelector(".theme-toggle");
if (button) init(button);
