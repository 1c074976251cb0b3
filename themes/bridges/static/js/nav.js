// The main menu on narrow screens: a "Chapters" button that opens and
// closes the list of chapters (a disclosure: `aria-expanded` on the button,
// Escape closes it and returns to the button). The button names the current
// chapter, so the reader sees where they are with the menu closed. Without
// JavaScript, or on wider screens, the list is shown as it is.

const nav = document.querySelector(".site-nav");
const button = nav && nav.querySelector(".site-nav__toggle");
const list = nav && nav.querySelector(".site-nav__list");

function setOpen(open) {
  button.setAttribute("aria-expanded", String(open));
}

function showCurrentChapter() {
  const current = list.querySelector("a[aria-current]");
  if (!current) return;
  const note = document.createElement("span");
  note.className = "site-nav__toggle-current";
  note.textContent = `· ${current.textContent.trim()}`;
  button.append(note);
}

if (button && list) {
  showCurrentChapter();
  button.addEventListener("click", () => setOpen(button.getAttribute("aria-expanded") !== "true"));
  nav.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
      setOpen(false);
      button.focus();
    }
  });
  button.hidden = false;
  nav.classList.add("is-enhanced");
}
