#!/usr/bin/env bash
# The benchmark: what a user waits for with two heavy objects, a Windows 10 general profile with
# every property set and a custom profile with 500 OMA settings, and a settings catalog policy of
# 300 settings with its definitions (crates/e2e/bench-data/, built from the metadata or written
# by the project, and committed; a test keeps them current) in a catalog of 16,000.
# Builds the release app (`trunk build --release`, into target/bench/dist) and the driver
# (crates/e2e/src/bin/bench/), serves the app with the Graph sandbox seeded with both objects,
# and measures them in headless Chromium: the bytes until the form is ready, navigation → form
# over cold loads (each in a new browser with a fresh profile), keystroke → next frame and →
# repaint, one validation in wasm. Prints a table beside the targets and a React reference's
# figures, and writes them to target/bench/results.json. It is not part of scripts/test.sh: its
# figures are times, so run it on an otherwise idle machine.
# Installs what is missing first (scripts/setup.sh). Extra arguments go to the driver, e.g.
#   bash scripts/bench.sh --loads 5 --keys 50     # quicker and rougher (default 20 and 200)
#   bash scripts/bench.sh --throttle --warm       # also throttled, and a warm second visit
# BENCH_DATA names another folder of benchmark objects (the same *.data.json file names).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

DATA="${BENCH_DATA:-$ROOT/crates/e2e/bench-data}"
if [[ ! -d "$DATA" ]]; then
  echo "bench: $DATA is missing; it holds the benchmark objects (*.data.json)." >&2
  exit 1
fi

bash scripts/setup.sh
cargo fetch --locked
# The release build goes to its own folder, so the dev build in dist/ that scripts/e2e.sh makes
# and this one never replace each other. The builds are niced; the measurements are not.
nice -n 10 trunk build --release --dist target/bench/dist
nice -n 10 cargo build --locked --profile bench-driver -p e2e --bin bench
"${CARGO_TARGET_DIR:-target}/bench-driver/bench" --dist target/bench/dist --data "$DATA" \
  --out target/bench/results.json "$@"
echo "bench: done in ${SECONDS} s, builds included"
