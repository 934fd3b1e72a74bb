#!/usr/bin/env bash
# Benchmark: zkinfer against EZKL (../shared/bench/ezkl_peer.py) on the same model and machine;
# writes docs/bench.md. EZKL (pinned in bench/requirements.txt) goes into target/bench-venv.
# BENCH_MODEL / BENCH_INPUT choose another model, BENCH_REPEAT the number of runs (default 3).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
scripts/bootstrap.sh
cargo build --release --locked -p zkinfer-cli
venv=target/bench-venv
if [ ! -x "$venv/bin/python" ] || ! cmp -s bench/requirements.txt "$venv/.requirements"; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet -r bench/requirements.txt
  cp bench/requirements.txt "$venv/.requirements"
fi
exec "$venv/bin/python" bench/bench.py
