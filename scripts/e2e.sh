#!/usr/bin/env bash
# The end-to-end tests: builds the web app (Trunk, dev profile: quick to build, same behaviour),
# then drives it in headless Chromium against the Graph sandbox (crates/e2e). Each test starts its
# own sandbox and browser; they run one at a time, which is what 2 cores do reliably.
# Installs what is missing first (scripts/setup.sh). Extra arguments go to the test binary, e.g.
#   bash scripts/e2e.sh office      # only the tests whose name contains "office"
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

bash scripts/setup.sh
cargo fetch --locked
trunk build
cargo test -p e2e --locked -- --test-threads=1 "$@"
