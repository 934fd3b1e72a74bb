#!/usr/bin/env bash
# The demo: proves the bundled risk model's inference and verifies it on a local anvil chain
# that it starts and stops itself. Extra arguments go to `zkinfer demo` (see --help).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
scripts/bootstrap.sh
cargo build --release --locked -p zkinfer-cli
exec target/release/zkinfer demo "$@"
