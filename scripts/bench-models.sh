#!/usr/bin/env bash
# Real proofs of conformance models, zkinfer against EZKL (../shared/bench/ezkl_peer.py) on the
# same machine; writes docs/bench-models.md. BENCH_MODELS chooses the models (space-separated
# folder names of ../shared/conformance/onnx), BENCH_TIMEOUT bounds each EZKL run (seconds).
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
exec "$venv/bin/python" bench/models.py
