#!/usr/bin/env bash
# Trunk's post-build hook (Trunk.toml): builds the app's two lazily loaded modules, each a wasm
# and JS of wasm-bindgen's `web` target with a boot.js and a stylesheet, into $TRUNK_STAGING_DIR:
# - catalog/ (crates/catalog-ui): the settings catalog editor, loaded when a configuration
#   policy opens;
# - home/ (crates/home-ui): the object list and the drafts panel, loaded when the list shows,
#   so a form opened from a link loads none of it.
# One cargo run builds both (shared dependencies). A release build is optimised with wasm-opt as
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

OUT="$STAGING/catalog"
rm -rf "$OUT"
mkdir -p "$OUT"
wasm-bindgen --target web --no-typescript --out-dir "$OUT" \
  "$TARGET_DIR/wasm32-unknown-unknown/$PROFILE/catalog_ui.wasm"
# The page starts the module with a <script type="module"> of this file (no code in the app's
# own bundle, no request before a configuration policy opens; index.html starts it at once for
# a link to one). It mounts the module into
# #catalog-root, again whenever that element is a new one, and has it read the page's policy
# anew when the element's data-rev changes; the same for the review's rows in #settings-diff.
# The page's side is window.wasmBindings (see
# crates/catalog-ui/src/lib.rs).
cat >"$OUT/boot.js" <<'JS'
// A start again after a failure comes with a query (boot.js?2): the module is fetched anew,
// its JS and its wasm (never an earlier failed answer).
// The wasm is asked for at once, beside its JS (not once that has come).
const wasm = fetch(new URL("./catalog_ui_bg.wasm" + new URL(import.meta.url).search, import.meta.url));
wasm.catch(() => {});
if (!document.getElementById("catalog-css")) {
  const css = document.createElement("link");
  css.id = "catalog-css";
  css.rel = "stylesheet";
  css.href = new URL("./catalog.css", import.meta.url).href;
  document.head.appendChild(css);
}
import("./catalog_ui.js" + new URL(import.meta.url).search).then(async (m) => {
  await m.default({ module_or_path: wasm });
  // Started by a link to a settings policy, this runs while the page itself still loads: what
  // the policy will need from the browser's cache is looked up now.
  m.prefetch_link(location.search);
  let root = null, rev = null, handle = null, table = null, tableRev = null;
  const sync = () => {
    const t = document.getElementById("settings-diff");
    if (t && (t !== table || t.dataset.rev !== tableRev)) {
      table = t;
      tableRev = t.dataset.rev;
      m.review(t);
    }
    const el = document.getElementById("catalog-root");
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
  // Started early (index.html, for a link to a settings policy), the page may not be up yet:
  // the failure waits for it.
  const report = () => self.wasmBindings ? self.wasmBindings.catalog_failed(e) : setTimeout(report, 100);
  report();
});
JS
# The module's own rules. A setting out of sight is laid out and painted only when it comes
# near (its place kept meanwhile): a policy of hundreds of settings is drawn as fast as a
# screenful.
cat >"$OUT/catalog.css" <<'CSS'
#catalog-root section.setting { content-visibility: auto; contain-intrinsic-size: auto 7rem; }
CSS
optimise "$OUT/catalog_ui_bg.wasm"

# The home view: mounted into #home-root (again whenever that element is a new one) and told
# to read the page's state anew when the element's data-rev changes (crates/home-ui/src/lib.rs).
OUT="$STAGING/home"
rm -rf "$OUT"
mkdir -p "$OUT"
wasm-bindgen --target web --no-typescript --out-dir "$OUT" \
  "$TARGET_DIR/wasm32-unknown-unknown/$PROFILE/home_ui.wasm"
cat >"$OUT/boot.js" <<'JS'
// A start again after a failure comes with a query (boot.js?2): the module is fetched anew,
// its JS and its wasm (never the failed answer index.html's preload may still hold).
const wasm = fetch(new URL("./home_ui_bg.wasm" + new URL(import.meta.url).search, import.meta.url));
wasm.catch(() => {});
import("./home_ui.js" + new URL(import.meta.url).search).then(async (m) => {
  await m.default({ module_or_path: wasm });
  let root = null, rev = null, handle = null;
  const sync = () => {
    const el = document.getElementById("home-root");
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
}).catch((e) => self.wasmBindings.home_failed(e));
JS
optimise "$OUT/home_ui_bg.wasm"
