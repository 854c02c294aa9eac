#!/usr/bin/env bash
# Trunk's post-build hook (Trunk.toml): builds the app's two lazily loaded modules, each a wasm
# and JS of wasm-bindgen's `web` target with a boot.js and a stylesheet, into $TRUNK_STAGING_DIR:
# - catalog/ (crates/catalog-ui): the settings catalog editor, loaded when a configuration
#   policy opens;
# - home/ (crates/home-ui): the object list and the drafts panel, loaded when the list shows,
#   so a form opened from a link loads none of it.
# dist-seal, next, renames each folder by its content (catalog-<hash>/, home-<hash>/) and
# names them in index.html. One cargo run builds both (shared dependencies). A release build is optimised with wasm-opt as
# Trunk does the app's own wasm. Before dist-seal, which lists the files for the service worker.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STAGING="${TRUNK_STAGING_DIR:?build-modules: run by Trunk (TRUNK_STAGING_DIR is not set)}"
PROFILE="${TRUNK_PROFILE:-debug}"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
flags=(build --locked --quiet -p catalog-ui -p home-ui --lib --target wasm32-unknown-unknown)
if [[ "$PROFILE" == release ]]; then flags+=(--release); fi
(cd "$ROOT" && cargo "${flags[@]}")

optimise() {
  if [[ "$PROFILE" == release ]]; then
    wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
      --enable-mutable-globals --enable-reference-types -o "$1" "$1"
  fi
  echo "build-modules: $(du -b "$1" | cut -f1) bytes of wasm in ${1#"$STAGING"/}"
}

# A module's boot.js, which the page starts with a <script type="module"> (no code in the app's
# own bundle). It asks for the wasm at once, beside its JS; a start again after a failure comes
# with a query (boot.js?2), so the JS and the wasm are fetched anew (never an earlier failed
# answer, such as one index.html's preload may still hold). Once the module is in, it runs
# $4 (JS, may be empty), then mounts the module into the element #$2 with m.mount, again
# whenever that element is a new one, and calls the handle's update() when the element's
# data-rev changes; $5 (JS, may be empty) runs on every change of the page too. A failure goes
# to the page's export $3 and waits for the page if it is not up yet (a module index.html
# started early). The page's side is window.wasmBindings.
# Arguments: out folder, root element id, failure export, JS at start, JS at each change,
# module name (catalog_ui, home_ui).
write_boot() {
  cat >"$1/boot.js" <<JS
const wasm = fetch(new URL("./$6_bg.wasm" + new URL(import.meta.url).search, import.meta.url));
wasm.catch(() => {});
import("./$6.js" + new URL(import.meta.url).search).then(async (m) => {
  await m.default({ module_or_path: wasm });
  $4
  let root = null, rev = null, handle = null;
  const sync = () => {
    $5
    const el = document.getElementById("$2");
    if (el !== root) {
      if (handle) handle.unmount();
      handle = null;
      root = el;
      rev = el && el.dataset.rev;
      if (el) handle = m.mount(el);
    } else if (el && el.dataset.rev !== rev) {
      rev = el.dataset.rev;
      handle.update();
    }
  };
  new MutationObserver(sync).observe(document.body,
    { childList: true, subtree: true, attributes: true, attributeFilter: ["data-rev"] });
  sync();
}).catch((e) => {
  const report = () => self.wasmBindings ? self.wasmBindings.$3(e) : setTimeout(report, 100);
  report();
});
JS
}

# The settings catalog editor, started when a configuration policy or an intent opens (index.html
# starts it at once for a link to a configuration policy): mounted into #catalog-root
# (crates/catalog-ui/src/lib.rs); its exports are the page's as window.intuneCatalog. At
# start it looks up what the link's policy will need from the browser's cache; it also writes
# the review's rows into #settings-diff whenever that element is new or its data-rev changed;
# and it brings its stylesheet.
OUT="$STAGING/catalog"
rm -rf "$OUT"
mkdir -p "$OUT"
wasm-bindgen --target web --no-typescript --out-dir "$OUT" \
  "$TARGET_DIR/wasm32-unknown-unknown/$PROFILE/catalog_ui.wasm"
write_boot "$OUT" catalog-root catalog_failed \
  'self.intuneCatalog = m; m.prefetch_link(location.search); let table = null, tableRev = null;
  if (!document.getElementById("catalog-css")) {
    const css = document.createElement("link");
    css.id = "catalog-css";
    css.rel = "stylesheet";
    css.href = new URL("./catalog.css", import.meta.url).href;
    document.head.appendChild(css);
  }' \
  'const t = document.getElementById("settings-diff");
    if (t && (t !== table || t.dataset.rev !== tableRev)) {
      table = t;
      tableRev = t.dataset.rev;
      m.review(t);
    }' \
  catalog_ui
# The module's own rules. A setting out of sight is laid out and painted only when it comes
# near (its place kept meanwhile): a policy of hundreds of settings is drawn as fast as a
# screenful.
cat >"$OUT/catalog.css" <<'CSS'
#catalog-root section.setting { content-visibility: auto; contain-intrinsic-size: auto 7rem; }
CSS
optimise "$OUT/catalog_ui_bg.wasm"

# The home view (the list and the drafts panel), started when the list shows (index.html
# preloads it for a page that opens on the list): mounted into #home-root
# (crates/home-ui/src/lib.rs).
OUT="$STAGING/home"
rm -rf "$OUT"
mkdir -p "$OUT"
wasm-bindgen --target web --no-typescript --out-dir "$OUT" \
  "$TARGET_DIR/wasm32-unknown-unknown/$PROFILE/home_ui.wasm"
write_boot "$OUT" home-root home_failed "" "" home_ui
optimise "$OUT/home_ui_bg.wasm"
