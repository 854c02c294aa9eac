#!/usr/bin/env bash
# The end-to-end tests: builds the web app (Trunk, dev profile: quick to build, same behaviour),
# then drives it in headless Chromium against the Graph sandbox (crates/e2e). Each test starts its
# own sandbox and browser; they run one at a time, which is what 2 cores do reliably.
# The tests are one binary, one module per topic (crates/e2e/tests/e2e/: forms, failures,
# schema_loading, drafts, sign_in, trust, retries, secrets, hostile, accessibility); a test's full name starts
# with its topic. Installs what is missing first (scripts/setup.sh). Extra arguments go to the
# test binaries as name filters, e.g.
#   bash scripts/e2e.sh office      # only the tests whose name contains "office"
#   bash scripts/e2e.sh failures::  # one topic
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

bash scripts/setup.sh
cargo fetch --locked
trunk build
cargo test -p e2e --locked -- --test-threads=1 "$@"
