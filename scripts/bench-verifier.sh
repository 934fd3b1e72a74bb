#!/usr/bin/env bash
# The universal verifier beside snark-verifier's on the models of issue 13, with real proofs on
# the dev SRS, in revm and through the registry on anvil: writes docs/bench-verifier.md. Takes
# minutes (keygen and proofs up to k=19 on 2 cores); a benchmark, not a test.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
scripts/bootstrap.sh
conf=../shared/conformance/onnx
cargo run --release --locked -p zkinfer-model --example make_mnist_mlp -- target/models/mnist_mlp >&2
out=docs/bench-verifier.md
tmp="$(mktemp)"
trap 'rm -f "$tmp"' EXIT
cargo run --release --locked -p zkinfer-chain --example verifier_table -- \
  risk_mlp=models/risk_mlp/network.onnx \
  chess_policy=models/chess/policy.onnx \
  4l_relu_conv_fc=$conf/4l_relu_conv_fc/network.onnx \
  large_mlp=$conf/large_mlp/network.onnx \
  lenet_5=$conf/lenet_5/network.onnx \
  mnist_mlp_784_128_10=target/models/mnist_mlp/network.onnx >"$tmp"
{
  echo "# Verifiers on-chain: the universal verifier and snark-verifier's"
  echo
  echo "Written by \`scripts/bench-verifier.sh\` on $(date -u +%Y-%m-%d) ($(nproc) cores, dev SRS). revm"
  echo "columns: Ethereum mainnet rules, gas of the whole \`verify\` transaction (packed public values and"
  echo "proof as calldata). anvil columns: one \`ModelRegistry\` and one \`ZkinferVerifier\` (version 1) for"
  echo "every row; registering a model deploys its key contract and calls \`registerModel\`; \`verifyInference\`"
  echo "is the whole transaction of the consumer interface, whose \`int256[]\` inputs and outputs (32"
  echo "calldata bytes per value, packed 7 per word by the registry) are what it adds over the verifier alone."
  echo
  cat "$tmp"
} >"$out"
cat "$out"
