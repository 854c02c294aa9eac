#!/usr/bin/env bash
# Builds the app and serves it with the local Graph sandbox on 127.0.0.1 as one process, which
# prints the URL to open (the editor already pointed at the sandbox, with a demo token).
# PORT (default 8080) and SANDBOX_ARGS (extra sandbox options) may be set. Ctrl-C stops it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

SETUP_SKIP_BROWSER=1 bash scripts/setup.sh
cargo fetch --locked
trunk build --release
cargo build -p graph-sandbox --locked
exec target/debug/graph-sandbox --dist dist --port "${PORT:-8080}" --state "$ROOT/.sandbox-state.json" ${SANDBOX_ARGS:-}
