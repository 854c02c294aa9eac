// Offline app shell. The worker caches the build's own files (APP_FILES, written into this file
// by dist-seal at build time) and the schema files, and nothing else: never config.json (the
// host's settings, the sandbox's fresh demo token), the sign-in bridge, a Graph answer, a request
// carrying a token, a copy of the page per query string, or an answer marked no-store.
const CACHE = "intune-editor-shell-v1";
const APP_FILES = /* APP_FILES */ [];

const scope = self.registration.scope;
const appUrls = new Set(APP_FILES.map((f) => new URL(f, scope).href).concat([scope]));

// The cache key of a URL the worker may keep, or null.
function cacheKey(url) {
  let u;
  try { u = new URL(url); } catch (e) { return null; }
  if (u.origin !== self.location.origin || u.search || u.hash) return null;
  if (appUrls.has(u.href)) return u.href === scope + "index.html" ? scope : u.href;
  return u.href.startsWith(scope + "schema/") && u.pathname.endsWith(".json") ? u.href : null;
}

function noStore(res) {
  return /no-store/i.test(res.headers.get("Cache-Control") || "");
}

function keepable(res) {
  return res.ok && res.type === "basic" && !noStore(res);
}

self.addEventListener("install", () => { self.skipWaiting(); });
self.addEventListener("activate", (event) => { event.waitUntil(self.clients.claim()); });

// The page lists the files it loaded, so the shell is cached on the first visit.
self.addEventListener("message", (event) => {
  const asked = ((event.data && event.data.cache) || []).map(cacheKey).filter((k) => k);
  // A schema file of an API version the page used (a form's pack, the browser's catalog) brings
  // that version's whole schema: offline, a form of a type whose pack was never loaded opens
  // from it (the app falls back to it).
  const wholes = asked.map((k) => {
    const m = new URL(k).pathname.match(/^(.*\/schema\/)(v1\.0|beta)(\/[^/]+|\.catalog)\.json$/);
    return m ? cacheKey(new URL(m[1] + m[2] + ".json", k).href) : null;
  }).filter((k) => k);
  // What is cached already is not fetched again: the fetch handler keeps it fresh.
  const keep = (c, k) => c.match(k, { ignoreVary: true }).then((hit) => hit || fetch(k).then((res) => {
    if (keepable(res)) return c.put(k, res);
  })).catch(() => null);
  // Whatever is not this build's (an earlier build's renamed files, anything an older worker
  // kept) goes.
  const prune = (c) => c.keys().then((keys) => Promise.all(keys
    .filter((r) => cacheKey(r.url) !== r.url)
    .map((r) => c.delete(r))));
  // The list is the app's home: its module (home-<hash>/) comes with the shell, so a page first
  // opened on a form from a link still lists and starts drafts offline. After the page's own
  // load (the page reports a moment after it), never during it.
  const home = asked.length ? APP_FILES.filter((f) => /^home(-[0-9a-f]{16})?\//.test(f))
    .map((f) => cacheKey(new URL(f, scope).href)).filter((k) => k) : [];
  const all = Array.from(new Set(asked.concat(wholes, home)));
  event.waitUntil(caches.open(CACHE).then((c) => Promise.all(all.map((k) => keep(c, k)).concat([prune(c)]))));
});

self.addEventListener("fetch", (event) => {
  const req = event.request;
  if (req.method !== "GET" || req.headers.has("Authorization")) return;
  const url = new URL(req.url);
  // Any link into the app is the same page: one cached copy, under the app's own address.
  const page = req.mode === "navigate" && url.origin === self.location.origin
    && (url.href.split(/[?#]/)[0] === scope || url.href.split(/[?#]/)[0] === scope + "index.html");
  const key = page ? scope : cacheKey(req.url);
  if (!key) return;
  event.respondWith(
    fetch(req).then((res) => {
      if (keepable(res)) { const copy = res.clone(); caches.open(CACHE).then((c) => c.put(key, copy)); }
      return res;
    // Hosts vary their answers on request headers (the sandbox on Origin) that a cached copy of
    // the app's own file does not depend on. A missing file stays a network error.
    }).catch(() => caches.match(key, { ignoreVary: true }).then((hit) => hit || Response.error()))
  );
});
