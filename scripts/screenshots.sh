#!/usr/bin/env bash
# The README's pictures from the real build: builds the web app (Trunk, dev profile, into dist/ as
# scripts/e2e.sh does) and the end-to-end harness's screenshots driver
# (crates/e2e/src/bin/screenshots.rs), which serves the app with the Graph sandbox (fresh seeds),
# opens it in headless Chromium at 1280x800 and writes docs/screenshots/list.png, form.png,
# review.png and error.png. Not part of scripts/test.sh: it checks nothing, it draws.
# Installs what is missing first (scripts/setup.sh). An argument names another output folder:
#   bash scripts/screenshots.sh /tmp/shots
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

bash scripts/setup.sh
cargo fetch --locked
trunk build
cargo run --locked --quiet -p e2e --bin screenshots -- "$@"
