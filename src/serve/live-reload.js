// guide serve's live reload: inlined into every page it serves (after a
// line that sets `guideBuild`, the number of the build the page comes from).
// It listens to /__guide/events while the tab is visible, reloads when the
// site changes, swaps stylesheets when only CSS changed, and shows a failed
// build's error over the page. The error is always shown as text. The
// server ends each stream after a few minutes; EventSource connects again by
// itself, and the `hello` that follows reloads only if the site changed.
(() => {
  "use strict";
  if (window.guideLiveReload) return;
  window.guideLiveReload = true;

  let source = null;
  let overlay = null;

  function connect() {
    if (source || document.hidden) return;
    source = new EventSource("/__guide/events");
    source.addEventListener("hello", (event) => {
      if (Number(event.data) !== guideBuild) location.reload();
    });
    source.addEventListener("reload", () => location.reload());
    source.addEventListener("css", () => {
      hideError();
      refreshStylesheets();
    });
    // EventSource reports its own connection failures as plain `error`
    // events; ours carry data.
    source.addEventListener("error", (event) => {
      if (!(event instanceof MessageEvent) || !event.data) return;
      try {
        showError(JSON.parse(event.data).message);
      } catch (_) {
        showError(String(event.data));
      }
    });
  }

  function disconnect() {
    if (source) source.close();
    source = null;
  }

  function refreshStylesheets() {
    for (const link of document.querySelectorAll('link[rel="stylesheet"]')) {
      const url = new URL(link.href, location.href);
      if (url.origin !== location.origin) continue;
      url.searchParams.set("guide-reload", Date.now().toString());
      link.href = url.href;
    }
  }

  function showError(message) {
    hideError();
    overlay = document.createElement("div");
    overlay.setAttribute("role", "alert");
    overlay.style.cssText =
      "position:fixed;inset:0;z-index:2147483647;overflow:auto;margin:0;" +
      "padding:1.5rem;background:rgba(24,8,8,.94);color:#fbe9e9;" +
      "font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;";
    const close = document.createElement("button");
    close.type = "button";
    close.textContent = "Close";
    close.style.cssText = "float:right;font:inherit;padding:.25rem .75rem;cursor:pointer;";
    close.addEventListener("click", hideError);
    const title = document.createElement("p");
    title.style.cssText = "margin:0 0 1rem;font-weight:bold;";
    title.textContent = "guide could not rebuild the site. It will reload when the error is fixed.";
    const text = document.createElement("pre");
    text.style.cssText = "margin:0;white-space:pre-wrap;font:inherit;";
    text.textContent = message;
    overlay.append(close, title, text);
    document.body.append(overlay);
    close.focus();
  }

  function hideError() {
    if (overlay) overlay.remove();
    overlay = null;
  }

  document.addEventListener("visibilitychange", () => {
    if (document.hidden) disconnect();
    else connect();
  });
  addEventListener("pagehide", disconnect);
  addEventListener("pageshow", connect);
  connect();
})();
