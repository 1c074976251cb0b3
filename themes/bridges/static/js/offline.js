// Offline reading: registers the service worker of the page's language
// (sw.js, or es/sw.js on a Spanish page, made by `guide build` with
// `[offline] enabled`) and, when a newer version of the language's pages
// has been saved in the background, offers "A new version is
// available — reload" instead of reloading by itself. A script's values
// live in the URL fragment, so the reload keeps them. `guide serve` never
// includes this file.

import { t, parts } from "./strings.js";

// The page names its language's worker (`/es/sw.js` on a Spanish page, whose
// scope is `/es/`); a page that names none has the site's, beside js/.
const named = document.querySelector('meta[name="guide-worker"]');
const worker = new URL(named ? named.content : "../sw.js", named ? location.href : import.meta.url);
const scope = new URL("./", worker).pathname;

function offer(waiting) {
  if (document.querySelector(".update-prompt")) return;
  const prompt = document.createElement("div");
  prompt.className = "update-prompt";
  prompt.setAttribute("role", "status");
  const text = document.createElement("p");
  text.className = "update-prompt__text";
  const button = document.createElement("button");
  button.type = "button";
  button.className = "update-prompt__button";
  button.textContent = t("offline.reload");
  button.addEventListener("click", () => {
    button.disabled = true;
    navigator.serviceWorker.addEventListener("controllerchange", () => location.reload(), { once: true });
    waiting.postMessage({ type: "skip-waiting" });
  });
  text.append(...parts("offline.available", { reload: button }));
  prompt.append(text);
  document.body.append(prompt);
}

function watch(registration) {
  // A new worker that waits behind the one controlling this page is a new version.
  if (registration.waiting && navigator.serviceWorker.controller) offer(registration.waiting);
  registration.addEventListener("updatefound", () => {
    const incoming = registration.installing;
    if (!incoming) return;
    incoming.addEventListener("statechange", () => {
      if (incoming.state === "installed" && navigator.serviceWorker.controller) offer(incoming);
    });
  });
}

if ("serviceWorker" in navigator) {
  navigator.serviceWorker
    .register(worker, { scope })
    .then(watch)
    .catch(() => {
      // No worker (a private window, a file:// page): the site still works online.
    });
}
