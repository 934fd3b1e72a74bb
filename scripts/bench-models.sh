#!/usr/bin/env bash
# Real proofs of conformance models, zkinfer against EZKL (../shared/bench/ezkl_peer.py) on the
# same machine; writes docs/bench-models.md. BENCH_MODELS chooses the models (space-separated
# folder names of ../shared/conformance/onnx), BENCH_TIMEOUT bounds each EZKL run (seconds).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bench-setup.sh"
exec "$venv/bin/python" bench/models.py
