// The main menu on narrow screens: one row that scrolls sideways. This
// brings the current chapter into view, so the reader sees where they are
// without scrolling the menu first. Wider screens show every item anyway.

const list = document.querySelector(".site-nav__list");
const current = list && list.querySelector("a[aria-current]");
if (current && list.scrollWidth > list.clientWidth) {
  const item = current.parentElement;
  list.scrollLeft = Math.max(0, item.offsetLeft - list.offsetLeft - (list.clientWidth - item.offsetWidth) / 2);
}
