#!/usr/bin/env bash
# Builds the app and serves it with the local Graph sandbox on 127.0.0.1 as one process, which
# prints the URL to open (the editor already pointed at the sandbox, with a demo token).
# PORT (default 8080), SANDBOX_ARGS (extra sandbox options, e.g. `--allow-origin
# http://localhost:8081` for a development server on another port) and SANDBOX_SECRET (the
# secret of the /_sandbox/* control routes; a random one otherwise) may be set. Ctrl-C stops it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

SETUP_SKIP_BROWSER=1 bash scripts/setup.sh
cargo fetch --locked
trunk build --release
cargo build -p graph-sandbox --locked

# The control secret goes to the sandbox in its environment, not on its command line (which
# other users of this machine could read in the process list).
if [ -z "${SANDBOX_SECRET:-}" ]; then
  SANDBOX_SECRET="$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')"
fi
export SANDBOX_SECRET
echo "The sandbox's control routes (/_sandbox/*) want the header x-sandbox-secret: $SANDBOX_SECRET"
echo "  e.g. curl -H 'x-sandbox-secret: $SANDBOX_SECRET' http://127.0.0.1:${PORT:-8080}/_sandbox/requests"
exec target/debug/graph-sandbox --dist dist --port "${PORT:-8080}" --state "$ROOT/.sandbox-state.json" ${SANDBOX_ARGS:-}
