#!/usr/bin/env bash
# Install the tools needed to build and test the web app on a fresh Debian machine (run as root).
# Idempotent: every step checks first and skips what is already present at the right version.
# Network: crates.io, the npm registry (tools, and MSAL.js and axe-core as pinned in package-lock.json) and Debian
# apt only (GitHub downloads are not reachable).
# Versions and traps are explained in TOOLCHAIN.md.
#
#   bash scripts/setup.sh                        # everything
#   SETUP_SKIP_BROWSER=1 bash scripts/setup.sh   # no Chromium / chromedriver
#   SETUP_NATIVE_ONLY=1 bash scripts/setup.sh    # only what native `cargo test` needs
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TRUNK_VERSION=0.21.14     # Trunk 0.22 needs a newer rustc than 1.95
BINARYEN_VERSION=132.0.0  # Debian's binaryen (108) rejects current wasm-bindgen output
BINARYEN_DIR="$ROOT/.tools/binaryen"   # .tools/ is git-ignored

# Installs are niced so they do not starve compiles running at the same time.
run() { nice -n 10 "$@"; }
# cargo install runs outside the repo so a project .cargo/config.toml (e.g. build.target) cannot affect it.
cargo_install() { (cd /tmp && run cargo install "$@"); }

# 1. PATH: cargo-installed tools and the local wasm-opt (Trunk looks both up on PATH).
export PATH="$HOME/.cargo/bin:$BINARYEN_DIR/node_modules/.bin:$PATH"
command -v cargo >/dev/null || { echo "setup: cargo not found; install Rust (rustup) first" >&2; exit 1; }
echo "setup: PATH includes ~/.cargo/bin and .tools/binaryen/node_modules/.bin"

if [[ "${SETUP_NATIVE_ONLY:-}" == 1 ]]; then
  echo "setup: SETUP_NATIVE_ONLY=1, skipping wasm target, trunk, wasm-opt, wasm-bindgen, chromium"
  exit 0
fi

# 2. wasm32 target (run in ROOT so a rust-toolchain.toml there picks the toolchain).
# (Output captured before grepping: grep -q can exit early and SIGPIPE the writer under pipefail.)
targets="$(cd "$ROOT" && rustup target list --installed)"
if grep -qx wasm32-unknown-unknown <<<"$targets"; then
  echo "setup: wasm32-unknown-unknown target already installed"
else
  (cd "$ROOT" && run rustup target add wasm32-unknown-unknown)
  echo "setup: installed wasm32-unknown-unknown target"
fi

# 3. Trunk (--locked: its own lock file builds on this toolchain; takes ~8.5 min).
if [[ "$(trunk --version 2>/dev/null || true)" == *" $TRUNK_VERSION" ]]; then
  echo "setup: trunk $TRUNK_VERSION already installed"
else
  cargo_install --locked trunk --version "$TRUNK_VERSION"
  echo "setup: installed trunk $TRUNK_VERSION"
fi

# 4. wasm-opt from npm's binaryen package, local to the repo.
# binaryen's wasm-opt prints "wasm-opt version 132 (version_132)".
if [[ "$("$BINARYEN_DIR/node_modules/.bin/wasm-opt" --version 2>/dev/null || true)" == *"version ${BINARYEN_VERSION%%.*} "* ]]; then
  echo "setup: wasm-opt (binaryen $BINARYEN_VERSION) already installed"
else
  run npm install --prefix "$BINARYEN_DIR" --no-audit --no-fund "binaryen@$BINARYEN_VERSION"
  echo "setup: installed wasm-opt (binaryen $BINARYEN_VERSION) in .tools/binaryen"
fi

# 4b. The browser libraries the app ships in dist/ (MSAL.js) and the one the end-to-end tests inject
#     into the test browser (axe-core, never in dist/), at the versions in package-lock.json.
#     `npm ci` when node_modules lacks one or holds another version (a lock file update).
locked() { node -e 'const l=require(process.argv[1]);console.log(l.packages["node_modules/"+process.argv[2]].version)' \
             "$ROOT/package-lock.json" "$1" 2>/dev/null || true; }
present() { node -e 'console.log(require(process.argv[1]).version)' \
              "$ROOT/node_modules/$1/package.json" 2>/dev/null || true; }
msal_wanted="$(locked @azure/msal-browser)"
axe_wanted="$(locked axe-core)"
if [[ -n "$msal_wanted" && "$(present @azure/msal-browser)" == "$msal_wanted" &&
      -n "$axe_wanted" && "$(present axe-core)" == "$axe_wanted" ]]; then
  echo "setup: @azure/msal-browser $msal_wanted and axe-core $axe_wanted already installed in node_modules"
else
  (cd "$ROOT" && run npm ci --no-audit --no-fund)
  echo "setup: installed node_modules from package-lock.json (@azure/msal-browser $msal_wanted, axe-core $axe_wanted)"
fi

# 5. wasm-bindgen-cli, which must match the wasm-bindgen version in Cargo.lock exactly.
#    No --locked: its lock file pins a webpki-roots version the registry lacks.
WB_VERSION=""
if [[ -f "$ROOT/Cargo.lock" ]]; then
  WB_VERSION="$(awk '/^\[\[package\]\]/ { name = "" }
                     /^name = /         { name = $3 }
                     /^version = / && name == "\"wasm-bindgen\"" { gsub(/"/, "", $3); print $3; exit }' \
                "$ROOT/Cargo.lock")"
fi
if [[ -z "$WB_VERSION" ]]; then
  echo "setup: no wasm-bindgen in Cargo.lock, skipping wasm-bindgen-cli"
elif [[ "$(wasm-bindgen --version 2>/dev/null || true)" == *" $WB_VERSION" ]]; then
  echo "setup: wasm-bindgen-cli $WB_VERSION already installed"
else
  cargo_install wasm-bindgen-cli --version "$WB_VERSION"
  echo "setup: installed wasm-bindgen-cli $WB_VERSION"
fi

# 6. Chromium and chromedriver for browser tests, in one apt command so their versions match.
if [[ "${SETUP_SKIP_BROWSER:-}" == 1 ]]; then
  echo "setup: SETUP_SKIP_BROWSER=1, skipping chromium"
elif [[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]]; then
  echo "setup: chromium and chromedriver already installed"
else
  run apt-get update
  run env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver
  echo "setup: installed chromium and chromedriver"
fi

# 7. The TLS headers the end-to-end tests' WebDriver client builds against (fantoccini's default
#    native-tls links OpenSSL through pkg-config). Plain `cargo test` does not build that crate.
installed() { [[ "$(dpkg -s "$1" 2>/dev/null | grep '^Status:')" == "Status: install ok installed" ]]; }
if [[ "${SETUP_SKIP_BROWSER:-}" == 1 ]]; then
  echo "setup: SETUP_SKIP_BROWSER=1, skipping libssl-dev and pkg-config"
elif installed libssl-dev && installed pkg-config; then
  echo "setup: libssl-dev and pkg-config already installed"
else
  run apt-get update
  run env DEBIAN_FRONTEND=noninteractive apt-get install -y libssl-dev pkg-config
  echo "setup: installed libssl-dev and pkg-config"
fi
