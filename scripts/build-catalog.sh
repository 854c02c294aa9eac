#!/usr/bin/env bash
# Trunk's post-build hook (Trunk.toml): builds crates/catalog-ui, the settings catalog editor the
# app loads only when a configuration policy opens, into $TRUNK_STAGING_DIR/catalog/
# (catalog_ui.js + catalog_ui_bg.wasm, wasm-bindgen's `web` target). A release build is
# optimised with wasm-opt as Trunk does the app's own wasm. Before dist-seal, which lists the
# files for the service worker.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STAGING="${TRUNK_STAGING_DIR:?build-catalog: run by Trunk (TRUNK_STAGING_DIR is not set)}"
PROFILE="${TRUNK_PROFILE:-debug}"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
flags=(build --locked --quiet -p catalog-ui --lib --target wasm32-unknown-unknown)
if [[ "$PROFILE" == release ]]; then flags+=(--release); fi
(cd "$ROOT" && cargo "${flags[@]}")
OUT="$STAGING/catalog"
rm -rf "$OUT"
mkdir -p "$OUT"
wasm-bindgen --target web --no-typescript --out-dir "$OUT" \
  "$TARGET_DIR/wasm32-unknown-unknown/$PROFILE/catalog_ui.wasm"
# The page starts the module with a <script type="module"> of this file (no code in the app's
# own bundle, no request before a configuration policy opens) and learns that it is ready
# through the functions it set.
cat >"$OUT/boot.js" <<'JS'
import init, * as m from "./catalog_ui.js";
init().then(() => self.__intuneCatalogReady(m), (e) => self.__intuneCatalogFailed(e));
JS
if [[ "$PROFILE" == release ]]; then
  wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types \
    -o "$OUT/catalog_ui_bg.wasm" "$OUT/catalog_ui_bg.wasm"
fi
echo "build-catalog: $(du -b "$OUT/catalog_ui_bg.wasm" | cut -f1) bytes of catalog wasm in catalog/"
