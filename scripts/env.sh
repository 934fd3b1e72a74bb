# Sourced by the other scripts: the repo root and the npm-installed Foundry binaries.
# shellcheck shell=bash
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
foundry_bin() {
  # The real binary, not npm's node wrapper, so that stopping its PID stops it.
  local real="$ROOT/node_modules/@foundry-rs/$1-linux-amd64/bin/$1"
  if [ -x "$real" ]; then echo "$real"; else echo "$ROOT/node_modules/.bin/$1"; fi
}
FORGE="$(foundry_bin forge)"
export ZKINFER_ANVIL="${ZKINFER_ANVIL:-$(foundry_bin anvil)}"
export ZKINFER_SOLC="${ZKINFER_SOLC:-$ROOT/tools/solc}"
