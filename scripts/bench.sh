#!/usr/bin/env bash
# Benchmark: zkinfer against EZKL (../shared/bench/ezkl_peer.py) on the same model and machine;
# writes docs/bench.md. EZKL (pinned in bench/requirements.txt) goes into target/bench-venv.
# BENCH_MODEL / BENCH_INPUT choose another model, BENCH_REPEAT the number of runs (default 3).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bench-setup.sh"
exec "$venv/bin/python" bench/bench.py
