// ---- What every guide worker does (src/offline/worker.js) ----
// Install: fetch every precached file (bypassing the HTTP cache) into this
// version's cache, then wait: the page offers the reader a reload, and
// only their click lets this worker in ("skip-waiting"). The first worker
// of a reader has no one to wait for and takes the open pages at once.
self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) =>
      cache.addAll(PRECACHE.map((url) => new Request(url, { cache: "reload" }))),
    ),
  );
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "skip-waiting") self.skipWaiting();
});

// Activate: remove this site's older caches, then control the open pages.
self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(
          keys.filter((key) => key.startsWith(PREFIX) && key !== CACHE).map((key) => caches.delete(key)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

// How long a navigation waits for the network before the cache answers.
const PATIENCE_MS = 2500;

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(navigate(event));
  } else {
    event.respondWith(fromCache(request, url));
  }
});

// A page: the network briefly (kept in the cache when it answers), then the
// cache, then the offline page.
async function navigate(event) {
  const request = event.request;
  const cache = await caches.open(CACHE);
  const network = fetch(request).then((response) => {
    if (response.ok) cache.put(request, response.clone());
    return response;
  });
  event.waitUntil(network.catch(() => undefined));
  const answer = await Promise.race([network.catch(() => null), after(PATIENCE_MS)]);
  if (answer) return answer;
  const url = new URL(request.url);
  const folder = url.pathname.endsWith("/") || url.pathname.includes(".") ? url.pathname : url.pathname + "/";
  const cached = (await cache.match(request, { ignoreSearch: true })) || (await cache.match(folder));
  if (cached) return cached;
  // Not saved: wait for the network a little longer (a network that
  // neither answers nor fails must not hang the page), then the offline page.
  const slow = await Promise.race([network.catch(() => null), after(3 * PATIENCE_MS)]);
  return slow || (await cache.match(OFFLINE)) || Response.error();
}

function after(ms) {
  return new Promise((resolve) => setTimeout(() => resolve(null), ms));
}

// Anything else: the cache first; Pagefind's index chunks and fragments are
// kept when a search first fetches them.
async function fromCache(request, url) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request, { ignoreSearch: true });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok && url.pathname.includes("/pagefind/")) cache.put(request, response.clone());
  return response;
}
