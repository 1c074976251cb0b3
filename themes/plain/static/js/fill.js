// The plain theme's script page: a form that fills in the blanks.
//
// Without JavaScript each message is shown with labelled blanks. This shows
// the form, and under each message its text with the reader's values and a
// character count. Values are only ever text (textContent), and nothing is
// stored or sent. message.js is guide's own (published by the generator
// unless a theme brings its own), the same for every theme.

import { render } from "./message.js";

const data = JSON.parse(document.getElementById("guide-script-data").textContent);
const form = document.getElementById("plain-fill");

function update() {
  const values = {};
  for (const control of form.querySelectorAll("[data-field]")) values[control.dataset.field] = control.value;
  for (const message of data.messages) {
    const text = render(message.body, values);
    const filled = document.querySelector(`.plain-filled[data-message="${CSS.escape(message.name)}"]`);
    const count = document.querySelector(`[data-count="${CSS.escape(message.name)}"]`);
    filled.textContent = text;
    const length = [...text].length;
    const limit = message.channel.limit;
    count.textContent = limit ? `${length} / ${limit} characters${length > limit ? ": too long" : ""}` : `${length} characters`;
  }
}

if (form) {
  form.addEventListener("input", update);
  form.addEventListener("submit", (event) => event.preventDefault());
  for (const blanks of document.querySelectorAll(".plain-blanks")) blanks.hidden = true;
  for (const filled of document.querySelectorAll(".plain-filled")) filled.hidden = false;
  form.hidden = false;
  update();
}
