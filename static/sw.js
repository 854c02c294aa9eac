// Offline app shell: same-origin GETs of the app's own files are served from a cache when the
// network fails. Graph requests (other origins, or carrying a token) are never cached.
const CACHE = "intune-editor-shell-v1";

self.addEventListener("install", (event) => { self.skipWaiting(); });
self.addEventListener("activate", (event) => { event.waitUntil(self.clients.claim()); });

// The page lists the files it loaded, so the shell is cached on the first visit.
self.addEventListener("message", (event) => {
  const urls = ((event.data && event.data.cache) || []).filter((u) => {
    try { return new URL(u).origin === self.location.origin && !u.includes("/_sandbox/") && !/\/redirect\.html/.test(u); } catch (e) { return false; }
  });
  event.waitUntil(caches.open(CACHE).then((c) => Promise.all(urls.map((u) => c.add(u).catch(() => null)))));
});

self.addEventListener("fetch", (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (req.method !== "GET" || url.origin !== self.location.origin || req.headers.has("Authorization")) return;
  if (/^\/(v1\.0|beta|_sandbox|_fault)\//.test(url.pathname)) return;
  // The sign-in bridge carries an authorization response and must come from the network, fresh.
  if (/\/redirect\.html$/.test(url.pathname)) return;
  event.respondWith(
    fetch(req).then((res) => {
      if (res.ok) { const copy = res.clone(); caches.open(CACHE).then((c) => c.put(req, copy)); }
      return res;
    }).catch(() => caches.match(req, { ignoreSearch: req.mode === "navigate" }).then((hit) => hit || caches.match("./", { ignoreSearch: true })))
  );
});
