#!/usr/bin/env bash
# Every test the project has: formatting and lints, the native tests of every crate, the
# browser tests in headless Chromium, and the end-to-end tests against the sandbox.
# Installs what is missing first (scripts/setup.sh). CI runs exactly this (.ci/run).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

bash scripts/setup.sh
cargo fetch --locked

echo "== format and lints"
cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo clippy --target wasm32-unknown-unknown -p intune-editor --all-targets --locked -- -D warnings
cargo clippy --target wasm32-unknown-unknown -p catalog-ui -p home-ui --locked -- -D warnings

echo "== native tests (core, CLI, generator, sandbox, app logic, the lazy modules' logic)"
# The default members: every crate but e2e, which scripts/e2e.sh runs after building the app.
cargo test --locked

echo "== browser tests (wasm-bindgen-test, headless Chromium)"
cargo test --target wasm32-unknown-unknown -p intune-editor --test browser --locked

if [[ -x scripts/e2e.sh ]]; then
  echo "== end-to-end tests (built app + sandbox + headless Chromium)"
  bash scripts/e2e.sh
fi
