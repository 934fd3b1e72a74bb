#!/usr/bin/env bash
# Regenerates the forge fixtures with the zkinfer CLI:
#   fixtures/risk_mlp/proof.json              a real proof (dev SRS) of the demo model
#   contracts/generated/RiskMlpVerifier.sol   the verifier generated for its current circuit
#   fixtures/risk_mlp/universal-key.json      its key for the universal ZkinferVerifier
#   fixtures/chess/policy-proof.json          a real proof of the chess policy's first move
#                                             (models/chess/input.json: the initial position)
#   contracts/generated/PolicyVerifier.sol    the verifier generated for the chess circuit
#   fixtures/aggregation/batch.json           a real aggregation proof of two demo-model
#                                             inferences (k=20; `zkinfer demo --aggregate 2`)
#   contracts/generated/AggregationVerifier.sol  its verifier
#   fixtures/aggregation/universal-key.json   its key for the universal ZkinferVerifier
# `cargo test -p zkinfer-tests --test fixture_fresh` fails while the risk_mlp or chess ones are
# stale; `cargo test -p zkinfer-tests --release --test aggregation aggregation_fixture` while the
# aggregation ones are.
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
# The universal verifier's key for that proof (fixtures/risk_mlp/universal-key.json).
ZKINFER_BLESS=1 cargo test --release --locked -p zkinfer-evm --test universal universal_key_fixture

chess=target/chess-fixture
rm -rf "$chess"
zk compile --model models/chess/policy.onnx --input models/chess/input.json --dir "$chess"
zk prove --input models/chess/input.json --dir "$chess"
zk create-evm-verifier --dir "$chess"
cp "$chess/proof.json" fixtures/chess/policy-proof.json
cp "$chess/PolicyVerifier.sol" contracts/generated/PolicyVerifier.sol
agg=target/aggregation-fixture
rm -rf "$agg"
zk demo --aggregate 2 --dir "$agg"
mkdir -p fixtures/aggregation
cp "$agg/aggregation/aggregation.json" fixtures/aggregation/batch.json
cp "$agg/aggregation/AggregationVerifier.sol" contracts/generated/AggregationVerifier.sol
# The root's key for the universal verifier, from the current circuit, through the staleness
# test (one writer; it also checks the batch just copied).
ZKINFER_BLESS=1 cargo test --release --locked -p zkinfer-tests --test aggregation aggregation_fixture
echo "regenerated fixtures/aggregation/batch.json, universal-key.json and contracts/generated/AggregationVerifier.sol,"
echo "regenerated fixtures/risk_mlp/proof.json, contracts/generated/RiskMlpVerifier.sol,"
echo "            fixtures/chess/policy-proof.json and contracts/generated/PolicyVerifier.sol"
