// The page's offline copy. On install it caches the page's files; afterwards it answers from
// the cache first. It runs only when the page asks for a file, which the page does while it
// loads and never while it verifies: the files being checked are read in the tab and are
// never requests. A cached file is refreshed in the background when the page loads it, so a
// rebuilt package is used from the next load on.
const CACHE = "imza-page-v1";
const FILES = [
  "./",
  "index.html",
  "app.js",
  "i18n.js",
  "style.css",
  "imza/index.js",
  "imza/api.js",
  "imza/imza_wasm.js",
  "imza/imza_wasm_bg.wasm",
  "demo/root.pem",
];

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    // One by one: a file missing (e.g. no demo root) must not stop the others being cached.
    await Promise.all(FILES.map((file) => cache.add(new Request(file, { cache: "no-cache" })).catch(() => {})));
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("imza-page-") && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

/** Fetches `request` and keeps a good answer in the cache. */
async function refresh(cache, request) {
  const response = await fetch(request);
  if (response.ok && response.type === "basic") await cache.put(request, response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    const cached = await cache.match(request, { ignoreSearch: true });
    if (cached) {
      event.waitUntil(refresh(cache, request).catch(() => {}));
      return cached;
    }
    return refresh(cache, request);
  })());
});
