#!/usr/bin/env bash
# Real proofs of conformance models, zkinfer against EZKL (../shared/bench/ezkl_peer.py) on the
# same machine; writes docs/bench-models.md. BENCH_MODELS chooses the models (space-separated
# folder names of ../shared/conformance/onnx), BENCH_TIMEOUT bounds each EZKL run and
# BENCH_ZK_TIMEOUT each zkinfer run (seconds), BENCH_MEM_GB the resident memory of either (GB).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bench-setup.sh"
cargo run --release --locked -p zkinfer-model --example make_mnist_mlp -- target/models/mnist_mlp >&2
exec "$venv/bin/python" bench/models.py
