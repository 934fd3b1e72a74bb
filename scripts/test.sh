#!/usr/bin/env bash
# Every test: formatting and lints, cargo tests (release mode: they make real proofs), a short
# fuzz run of every parser, and the Foundry checks and tests. CI runs exactly this (.ci/run).
#   scripts/test.sh --fast   for development: fmt, clippy, unit tests, the compiler's and the
#                            circuit's (MockProver) tests, forge; no proofs, no fuzzing, no chain.
set -euo pipefail
fast=0
if [ "${1:-}" = "--fast" ]; then fast=1; fi
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
scripts/bootstrap.sh

step() { echo; echo "==> $*"; }
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
step "cargo fmt --check"
cargo fmt --all --check
step "forge fmt --check"
"$FORGE" fmt --check
step "cargo clippy (-D warnings)"
cargo clippy --release --locked --workspace --all-targets -- -D warnings
if [ "$fast" = 1 ]; then
  step "cargo test --release: unit tests, compiler and MockProver tests (fast tier)"
  cargo test --release --locked --workspace --lib 2>&1 | tee -a "$log"
  cargo test --release --locked -p zkinfer-model -p zkinfer-circuit --test '*' 2>&1 | tee -a "$log"
else
  step "cargo test --release"
  cargo test --release --locked --workspace 2>&1 | tee -a "$log"
  step "fuzz: every parser, ${ZKINFER_FUZZ_SECONDS:-20} s each (scripts/fuzz.sh)"
  scripts/fuzz.sh
fi
step "forge build --sizes"
"$FORGE" build --sizes
step "forge test"
# The gas snapshot (snapshots/chess.json, written by vm.snapshotValue) must match: a plain
# `forge test` rewrites it after an intended gas change.
FORGE_SNAPSHOT_CHECK=true "$FORGE" test 2>&1 | tee -a "$log"
if [ "$fast" = 0 ]; then
  step "forge script script/Deploy.s.sol against anvil"
  scripts/deploy-check.sh
fi

# One closing line over both runners: cargo's per-binary "test result" lines and forge's total.
awk '
  /^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
  /^Ran [0-9]+ test suites/ { for (i = 1; i <= NF; i++) { if ($(i+1) == "tests" && $(i+2) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
  END { printf "\nall tests: %d passed, %d failed\n", p, f }
' "$log"
