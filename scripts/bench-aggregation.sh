#!/usr/bin/env bash
# Aggregation benchmark (N = 1, 2, 4, 8 inferences in one proof): keygen and proving time, peak
# memory, proof and verifier sizes, gas of `verifyInferenceBatch` on anvil; writes
# docs/bench-aggregation.md. BENCH_AGG_SIZES picks the batch sizes, BENCH_AGG_K the circuit
# size (default 20), BENCH_AGG_ROOT_K a two-level tree with a root of that size (e.g.
# BENCH_AGG_SIZES=8 BENCH_AGG_ROOT_K=21), BENCH_AGG_TIMEOUT and BENCH_MEM_GB bound each run
# (seconds, GB).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
scripts/bootstrap.sh
cargo build --release --locked -p zkinfer-cli
exec python3 bench/aggregation.py
