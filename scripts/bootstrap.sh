#!/usr/bin/env bash
# Installs what zkinfer needs, from the package registries only:
#   - npm packages pinned by package-lock.json: Foundry's forge/anvil/cast and solcjs 0.8.19
#     (the Solidity compiler, behind the tools/solc shim);
#   - Rust crates pinned by Cargo.lock, fetched by cargo itself.
# Safe to run again: npm ci runs only when the lock file changed since the last install.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

need() { command -v "$1" >/dev/null 2>&1 || { echo "bootstrap: '$1' is required: $2" >&2; exit 1; }; }
need cargo "install Rust with rustup (https://rustup.rs)"
need node "install Node.js 18 or newer"
need npm "install npm (comes with Node.js)"

stamp=node_modules/.zkinfer-lock
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  echo "bootstrap: npm ci (Foundry 1.7.1, solc 0.8.19)" >&2
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json "$stamp"
fi
"$ZKINFER_ANVIL" --version >/dev/null
"$ZKINFER_SOLC" --version >/dev/null
"$FORGE" --version >/dev/null
