#!/usr/bin/env bash
# Every test: formatting and lints, cargo tests (release mode: they make real proofs), and the
# Foundry checks and tests. CI runs exactly this (.ci/run).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
scripts/bootstrap.sh

step() { echo; echo "==> $*"; }
step "cargo fmt --check"
cargo fmt --all --check
step "forge fmt --check"
"$FORGE" fmt --check
step "cargo clippy (-D warnings)"
cargo clippy --release --locked --workspace --all-targets -- -D warnings
step "cargo test --release"
cargo test --release --locked --workspace
step "forge build --sizes"
"$FORGE" build --sizes
step "forge test"
"$FORGE" test
