// Offline app shell: same-origin GETs of the app's own files are served from a cache when the
// network fails. Graph requests (other origins, or carrying a token) are never cached.
const CACHE = "intune-editor-shell-v1";

self.addEventListener("install", (event) => { self.skipWaiting(); });
self.addEventListener("activate", (event) => { event.waitUntil(self.clients.claim()); });

// The page lists the files it loaded, so the shell is cached on the first visit.
self.addEventListener("message", (event) => {
  // Only the app's own files: never a Graph request the page made (a same-origin Graph, such as
  // the sandbox, or a proxy), the sandbox's own routes or the sign-in bridge.
  const urls = ((event.data && event.data.cache) || []).filter((u) => {
    try {
      const url = new URL(u);
      const graph = /\/(v1\.0|beta)\//.test(url.pathname) && !/\/schema\//.test(url.pathname);
      return url.origin === self.location.origin && !graph && !/\/(_sandbox|_fault)\//.test(url.pathname)
        && !/\/redirect\.html/.test(url.pathname);
    } catch (e) { return false; }
  });
  // A schema file of an API version the page used (a form's pack, the browser's catalog) brings
  // that version's whole schema: offline, a form of a type whose pack was never loaded opens
  // from it (the app falls back to it).
  const wholes = urls.map((u) => {
    const url = new URL(u);
    const m = url.pathname.match(/^(.*\/schema\/)(v1\.0|beta)(\/[^/]+|\.catalog)\.json$/);
    return m ? new URL(m[1] + m[2] + ".json", url).href : null;
  }).filter((u) => u);
  // What is cached already is not fetched again: the fetch handler keeps it fresh.
  const keep = (c, u) => c.match(u, { ignoreVary: true }).then((hit) => hit || c.add(u)).catch(() => null);
  // A new build's app files have new names: the files of earlier builds go.
  const build = /\/intune-editor-[0-9a-f]+(_bg\.wasm|\.js)$/;
  const current = urls.filter((u) => build.test(new URL(u).pathname));
  const prune = (c) => current.length === 0 ? null : c.keys().then((keys) => Promise.all(keys
    .filter((r) => build.test(new URL(r.url).pathname) && !current.includes(r.url))
    .map((r) => c.delete(r))));
  const all = Array.from(new Set(urls.concat(wholes)));
  event.waitUntil(caches.open(CACHE).then((c) => Promise.all(all.map((u) => keep(c, u)).concat([prune(c)]))));
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
    // Hosts vary their answers on request headers (the sandbox on Origin) that a cached copy of
    // the app's own file does not depend on. Any link into the app opens the cached page; a
    // missing file stays a network error.
    }).catch(() => caches.match(req, { ignoreSearch: req.mode === "navigate", ignoreVary: true }).then((hit) =>
      hit || (req.mode === "navigate" ? caches.match("./", { ignoreSearch: true, ignoreVary: true }) : Response.error())))
  );
});
