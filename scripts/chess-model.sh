#!/usr/bin/env bash
# The chess policy end to end: training data from the Rust engine, training, ONNX export,
# strength figures. Everything but models/chess/policy.onnx and models/chess/input.json lands
# in target/ (not committed). Deterministic: same seeds, same data, same weights.
#
#   scripts/chess-model.sh            # data + training + export + matches
#   SKIP_DATA=1 scripts/chess-model.sh  # reuse target/chess/{train,test}.txt
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"   # cd to the repo root

OUT=target/chess
VENV=target/chess-venv
TRAIN_GAMES="${TRAIN_GAMES:-2000}"
TEST_GAMES="${TEST_GAMES:-60}"
DEPTH="${DEPTH:-3}"
mkdir -p "$OUT"

cargo build --release -p zkinfer-chess --bin chess-data
BIN="${CARGO_TARGET_DIR:-target}/release/chess-data"

if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q -r models/chess/requirements.txt
fi

if [ -z "${SKIP_DATA:-}" ]; then
  # Training games use seeds 1.., held-out games 100000.. (disjoint games).
  "$BIN" positions --seed 1 --games "$TRAIN_GAMES" --depth "$DEPTH" --out "$OUT/train.txt"
  "$BIN" positions --seed 100000 --games "$TEST_GAMES" --depth "$DEPTH" --out "$OUT/test.txt"
fi
"$BIN" encode --fen startpos --out models/chess/input.json

"$VENV/bin/python" models/chess/train.py --train "$OUT/train.txt" --test "$OUT/test.txt" \
  --input-json models/chess/input.json --onnx models/chess/policy.onnx \
  --weights-json "$OUT/policy-weights.json" --metrics-json "$OUT/metrics.json"

"$BIN" agree --weights "$OUT/policy-weights.json" --data "$OUT/test.txt"
"$BIN" match --weights "$OUT/policy-weights.json" --opponent random --games 50
"$BIN" match --weights "$OUT/policy-weights.json" --opponent engine --depth "$DEPTH" --games 20 --opening-plies 4
