#!/usr/bin/env bash
# Regenerates the forge fixture of the demo model with the zkinfer CLI:
#   fixtures/risk_mlp/proof.json              a real proof (dev SRS) with its inputs/outputs
#   contracts/generated/RiskMlpVerifier.sol   the verifier generated for the current circuit
# `cargo test -p zkinfer-tests --test fixture_fresh` fails while these are stale.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
scripts/bootstrap.sh
cargo build --release --locked -p zkinfer-cli
out=target/fixture-build
rm -rf "$out"
zk() { target/release/zkinfer "$@"; }
zk compile --model models/risk_mlp/network.onnx --input models/risk_mlp/input.json --dir "$out"
zk prove --input models/risk_mlp/input.json --dir "$out"
zk create-evm-verifier --dir "$out"
mkdir -p fixtures/risk_mlp contracts/generated
cp "$out/proof.json" fixtures/risk_mlp/proof.json
cp "$out/RiskMlpVerifier.sol" contracts/generated/RiskMlpVerifier.sol
echo "regenerated fixtures/risk_mlp/proof.json and contracts/generated/RiskMlpVerifier.sol"
