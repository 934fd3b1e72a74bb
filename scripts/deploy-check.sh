#!/usr/bin/env bash
# End-to-end check of script/Deploy.s.sol on a throwaway anvil chain:
#   1. deploys a ModelRegistry and RiskMlpVerifier, registering the demo model of
#      fixtures/risk_mlp/proof.json, and checks deployments/31337.json and, with cast, the
#      registration and verifyInference (true for the fixture, false with an output changed);
#   2. runs the script again with ZKINFER_REGISTRY set to that registry and another model id,
#      and checks that the registry was reused and the first model kept in the file;
#   3. runs it with ZKINFER_UNIVERSAL_KEY (the fixture's key for the universal verifier) on that
#      registry: a ZkinferVerifier is deployed and registered as version 1, the key registered
#      under it, verifyInference true for the fixture and false with an output changed; then
#      once more, which reuses version 1 (two transactions: key, registerModel) and keeps every
#      entry, the universal ones with their verifierVersion.
# Prints the gas of the deployment transactions and of verifyInference. Expects the contracts
# to compile (forge builds what it needs). anvil is stopped on exit, and deployments/31337.json
# is removed again, or restored if it existed before.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

CAST="$(foundry_bin cast)"
# anvil's first dev account (public, well-known key).
KEY=0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80
DEPLOYER=0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266
FIXTURE=fixtures/risk_mlp/proof.json
ARTIFACT=RiskMlpVerifier.sol:RiskMlpVerifier
CHAIN_ID=31337
BOOK=deployments/$CHAIN_ID.json
VERIFY_SIG="verifyInference(bytes32,int256[],int256[],bytes)"

say() { echo "deploy-check: $*"; }
fail() {
  echo "deploy-check: FAIL: $*" >&2
  exit 1
}

tmp="$(mktemp -d)"
anvil_pid=""
book_state="" # "absent" or "saved" once known; until then the file is left alone
cleanup() {
  local rc=$?
  if [ -n "$anvil_pid" ]; then
    kill "$anvil_pid" 2>/dev/null || true
    wait "$anvil_pid" 2>/dev/null || true
  fi
  case "$book_state" in
    absent) rm -f "$BOOK" ;;
    saved) cp -p "$tmp/book.json" "$BOOK" ;;
  esac
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

if [ -e "$BOOK" ]; then
  cp -p "$BOOK" "$tmp/book.json"
  book_state=saved
else
  book_state=absent
fi

# `jget FILE EXPR`: EXPR (JavaScript over the parsed JSON `d`) of a JSON file; strings bare,
# everything else as JSON, `undefined` as nothing. node is required anyway (solcjs).
jget() {
  node -e '
    const d = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const v = new Function("d", "return (" + process.argv[2] + ");")(d);
    if (v !== undefined) process.stdout.write(typeof v === "string" ? v : JSON.stringify(v));
  ' "$1" "$2"
}
lower() { tr '[:upper:]' '[:lower:]' <<<"$1"; }
has_code() { [ "$("$CAST" code --rpc-url "$RPC" "$1")" != "0x" ]; }
call_bool() { "$CAST" call --rpc-url "$RPC" "$@"; }

# ---------------------------------------------------------------------------- anvil
# Port 0: the OS picks a free port, anvil prints which (no probe-then-bind race).
"$ZKINFER_ANVIL" --host 127.0.0.1 --port 0 --chain-id "$CHAIN_ID" >"$tmp/anvil.log" 2>&1 &
anvil_pid=$!
port=""
for _ in $(seq 1 300); do
  kill -0 "$anvil_pid" 2>/dev/null || { cat "$tmp/anvil.log" >&2; fail "anvil exited"; }
  port="$(sed -n 's/^Listening on 127\.0\.0\.1:\([0-9][0-9]*\).*/\1/p' "$tmp/anvil.log" | head -n 1)"
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { cat "$tmp/anvil.log" >&2; fail "anvil did not start within 30s"; }
RPC="http://127.0.0.1:$port"
[ "$("$CAST" chain-id --rpc-url "$RPC")" = "$CHAIN_ID" ] || fail "anvil is not chain $CHAIN_ID"
say "anvil (pid $anvil_pid) on $RPC"

# ---------------------------------------------------------------------------- fixture
commitment="$(lower "$(jget "$FIXTURE" d.modelId)")"
inputs="$(jget "$FIXTURE" d.inputs)"
outputs="$(jget "$FIXTURE" d.outputs)"
changed_outputs="$(jget "$FIXTURE" '[d.outputs[0] + 1, ...d.outputs.slice(1)]')"
proof="$(jget "$FIXTURE" d.proof)"
input_count="$(jget "$FIXTURE" d.inputs.length)"
output_count="$(jget "$FIXTURE" d.outputs.length)"
input_scale="$(jget "$FIXTURE" d.inputScale)"
output_scale="$(jget "$FIXTURE" d.outputScale)"
proof_length=$(((${#proof} - 2) / 2))
[[ "$commitment" =~ ^0x[0-9a-f]{64}$ ]] || fail "$FIXTURE: bad modelId '$commitment'"

# ---------------------------------------------------------------------------- deploy
unset ZKINFER_REGISTRY ZKINFER_VERIFIER_ARTIFACT ZKINFER_UNIVERSAL_KEY ZKINFER_MODEL_COMMITMENT ZKINFER_MODEL_NAME \
  ZKINFER_INPUT_COUNT ZKINFER_OUTPUT_COUNT ZKINFER_INPUT_SCALE ZKINFER_OUTPUT_SCALE ZKINFER_PROOF_LENGTH
# `deploy NAME [VAR=value...]`: runs the forge script with these extra variables. Broadcast
# records go to the temp dir, not broadcast/.
deploy() {
  local name="$1"
  shift
  say "forge script script/Deploy.s.sol ($name)"
  if ! env FOUNDRY_BROADCAST="$tmp/broadcast-$name" \
    ZKINFER_VERIFIER_ARTIFACT="$ARTIFACT" \
    ZKINFER_INPUT_COUNT="$input_count" ZKINFER_OUTPUT_COUNT="$output_count" \
    ZKINFER_INPUT_SCALE="$input_scale" ZKINFER_OUTPUT_SCALE="$output_scale" \
    ZKINFER_PROOF_LENGTH="$proof_length" "$@" \
    "$FORGE" script script/Deploy.s.sol --rpc-url "$RPC" --broadcast --private-key "$KEY" \
    >"$tmp/forge-$name.log" 2>&1; then
    cat "$tmp/forge-$name.log" >&2
    fail "forge script ($name) failed"
  fi
  [ -f "$BOOK" ] || fail "forge script ($name) wrote no $BOOK"
}

# `check_model ID NAME COMMITMENT [VERSION]`: the file's entry for ID and the registry agree
# (verifier version VERSION, default 0); prints its verifier (or key) contract.
check_model() {
  local id="$1" name="$2" want="$3" version="${4:-0}" verifier recorded
  verifier="$(jget "$BOOK" "(d.models || {})[\"$id\"]?.verifier")"
  [ -n "$verifier" ] || fail "$BOOK has no verifier for model $id"
  [ "$(jget "$BOOK" "d.models[\"$id\"].name")" = "$name" ] || fail "$BOOK: model $id is not named '$name'"
  [ -z "$(jget "$BOOK" "d.models[\"$id\"].consumer")" ] || fail "$BOOK: model $id has a consumer"
  has_code "$verifier" || fail "verifier $verifier of model $id has no code"
  [ "$(call_bool "$registry" "isRegistered(bytes32)(bool)" "$id")" = true ] ||
    fail "isRegistered($id) is not true"
  [ "$(lower "$(jget "$BOOK" "d.models[\"$id\"].commitment")")" = "$want" ] ||
    fail "$BOOK: model $id does not record commitment $want"
  # ModelInfo is a static struct: decode it as its fields, one per line (commitment, verifier,
  # verifier version, code hash, counts, scales, proof length, registrant, block, time).
  "$CAST" call --rpc-url "$RPC" "$registry" \
    "getModel(bytes32)(bytes32,address,uint16,bytes32,uint32,uint32,uint8,uint8,uint32,address,uint48,uint48)" "$id" \
    >"$tmp/model.txt"
  recorded="$(sed -n 2p "$tmp/model.txt")"
  [ "$(lower "$recorded")" = "$(lower "$verifier")" ] ||
    fail "registry has verifier $recorded for $id, $BOOK says $verifier"
  [ "$(lower "$(sed -n 1p "$tmp/model.txt")")" = "$want" ] || fail "registry has another commitment for $id"
  [ "$(sed -n 3p "$tmp/model.txt")" = "$version" ] ||
    fail "registry records verifier version $(sed -n 3p "$tmp/model.txt") for $id, not $version"
  [ "$(jget "$BOOK" "d.models[\"$id\"].verifierVersion || 0")" = "$version" ] ||
    fail "$BOOK: model $id does not record verifierVersion $version"
  [ "$(lower "$(sed -n 4p "$tmp/model.txt")")" = "$(lower "$("$CAST" keccak "$("$CAST" code --rpc-url "$RPC" "$verifier")")")" ] ||
    fail "registry records another code hash for $id's verifier"
  [ "$(sed -n 9p "$tmp/model.txt" | cut -d' ' -f1)" = "$proof_length" ] || fail "registry records another proof length"
  echo "$verifier"
}

# `tx_gas NAME`: the gas of each transaction of a deploy run, from forge's broadcast record.
# Receipts are matched to transactions by what they did (created address, or called address),
# not by hash: with several transactions mined in one block, forge 1.7.1 has recorded them
# under each other's hashes. Calls to the same address are matched in order (by nonce).
tx_gas() {
  jget "$tmp/broadcast-$1/Deploy.s.sol/$CHAIN_ID/run-latest.json" '
    (() => { const used = new Set(); const nonce = (x) => parseInt(x.transaction.nonce, 16);
    const receipts = [...d.receipts].sort((a, b) => parseInt(a.blockNumber, 16) - parseInt(b.blockNumber, 16)
      || parseInt(a.transactionIndex, 16) - parseInt(b.transactionIndex, 16));
    return receipts.map((r) => {
      const same = (a, b) => (a || "").toLowerCase() === (b || "").toLowerCase();
      const t = [...d.transactions].sort((a, b) => nonce(a) - nonce(b)).find((t) => !used.has(t) && (r.contractAddress
        ? t.transactionType === "CREATE" && same(t.contractAddress, r.contractAddress)
        : t.transactionType === "CALL" && same(t.transaction.to, r.to))) || {};
      used.add(t);
      const what = r.contractAddress ? "deploy " + (t.contractName || r.contractAddress)
        : (t.function || "call").replace(/\(.*/, "") + " on " + r.to;
      return "    " + what + ": " + parseInt(r.gasUsed, 16) + " gas\n";
    }).join(""); })()'
}

# Run 1: fresh registry, verifier, registration.
deploy fresh ZKINFER_MODEL_COMMITMENT="$commitment" ZKINFER_MODEL_NAME=risk_mlp
[ "$(jget "$BOOK" d.chainId)" = "$CHAIN_ID" ] || fail "$BOOK: chainId is not $CHAIN_ID"
[[ "$(jget "$BOOK" d.startBlock)" =~ ^[0-9]+$ ]] || fail "$BOOK: startBlock is not a number"
registry="$(jget "$BOOK" d.modelRegistry)"
[ -n "$registry" ] && has_code "$registry" || fail "$BOOK: modelRegistry '$registry' has no code"
[ "$(jget "$BOOK" 'Object.keys(d.models).length')" = 1 ] || fail "$BOOK: expected exactly one model"
# The registry derived the id (content-addressed); the file records it.
model_id="$(lower "$(jget "$BOOK" 'Object.keys(d.models)[0]')")"
[ "$model_id" != "$commitment" ] || fail "the model id is the commitment, not derived by the registry"
verifier="$(check_model "$model_id" risk_mlp "$commitment")"

[ "$(call_bool "$registry" "$VERIFY_SIG(bool)" "$model_id" "$inputs" "$outputs" "$proof")" = true ] ||
  fail "verifyInference rejects the fixture's proof"
[ "$(call_bool "$registry" "$VERIFY_SIG(bool)" "$model_id" "$inputs" "$changed_outputs" "$proof")" = false ] ||
  fail "verifyInference accepts the fixture's proof with an output changed"
# Trailing and missing proof bytes revert (ProofLengthMismatch).
for bad in "${proof}00" "${proof:0:${#proof}-2}"; do
  if call_bool "$registry" "$VERIFY_SIG(bool)" "$model_id" "$inputs" "$outputs" "$bad" >"$tmp/bad.txt" 2>&1; then
    fail "verifyInference did not refuse a proof of $(((${#bad} - 2) / 2)) bytes"
  fi
done

# Gas of verifyInference, as a transaction. Not `cast estimate`: the verifier is called with
# all but 1/64 of the gas and a starved call makes verifyInference return false instead of
# reverting, so the estimate finds some (useless) low limit.
receipt="$("$CAST" send --rpc-url "$RPC" --private-key "$KEY" --gas-limit 3000000 --json \
  "$registry" "$VERIFY_SIG" "$model_id" "$inputs" "$outputs" "$proof")"
echo "$receipt" >"$tmp/verify-receipt.json"
[ "$(jget "$tmp/verify-receipt.json" d.status)" = 0x1 ] || fail "verifyInference transaction failed"
verify_gas="$(jget "$tmp/verify-receipt.json" 'parseInt(d.gasUsed, 16)')"

# Run 2: reuse the registry (ZKINFER_REGISTRY) for a second commitment, same verifier artifact.
second_commitment="$(lower "$("$CAST" keccak "zkinfer deploy-check: second model")")"
nonce_before="$("$CAST" nonce --rpc-url "$RPC" "$DEPLOYER")"
deploy reuse ZKINFER_REGISTRY="$registry" ZKINFER_MODEL_COMMITMENT="$second_commitment" ZKINFER_MODEL_NAME="risk_mlp (reused registry)"
nonce_after="$("$CAST" nonce --rpc-url "$RPC" "$DEPLOYER")"
[ "$(lower "$(jget "$BOOK" d.modelRegistry)")" = "$(lower "$registry")" ] ||
  fail "$BOOK: modelRegistry changed although ZKINFER_REGISTRY was set"
[ $((nonce_after - nonce_before)) = 2 ] ||
  fail "second run sent $((nonce_after - nonce_before)) transactions, expected 2 (verifier, registerModel)"
second_id="$(lower "$(jget "$BOOK" "Object.keys(d.models).find((k) => k.toLowerCase() !== \"$model_id\")")")"
[ -n "$second_id" ] || fail "$BOOK: no second model"
second_verifier="$(check_model "$second_id" "risk_mlp (reused registry)" "$second_commitment")"
[ "$(lower "$second_verifier")" != "$(lower "$verifier")" ] || fail "second run reused the verifier"
first_verifier="$(check_model "$model_id" risk_mlp "$commitment")"
[ "$(lower "$first_verifier")" = "$(lower "$verifier")" ] || fail "$BOOK: first model's verifier changed"
[ "$(jget "$BOOK" 'Object.keys(d.models).length')" = 2 ] || fail "$BOOK: expected exactly two models"
# The commitment is part of the public inputs: the first model's proof must not pass as the second's.
[ "$(call_bool "$registry" "$VERIFY_SIG(bool)" "$second_id" "$inputs" "$outputs" "$proof")" = false ] ||
  fail "verifyInference accepts model $model_id's proof for model $second_id"

# Run 3: a universal key on the same registry (whose owner is the deployer).
key_file=fixtures/risk_mlp/universal-key.json
deploy universal ZKINFER_VERIFIER_ARTIFACT= ZKINFER_UNIVERSAL_KEY="$key_file" ZKINFER_REGISTRY="$registry" \
  ZKINFER_MODEL_COMMITMENT="$commitment" ZKINFER_MODEL_NAME="risk_mlp (universal)"
[ "$(call_bool "$registry" "verifierCount()(uint16)")" = 1 ] || fail "run 3 did not register ZkinferVerifier as version 1"
known="$model_id $second_id"
new_ids() { jget "$BOOK" "Object.keys(d.models).map((k) => k.toLowerCase()).filter((k) => !\"$known\".includes(k)).join(' ')"; }
universal_id="$(new_ids)"
[ -n "$universal_id" ] && [ "${universal_id// /}" = "$universal_id" ] || fail "$BOOK: expected one new model after run 3, got '$universal_id'"
key="$(check_model "$universal_id" "risk_mlp (universal)" "$commitment" 1)"
[ "$(call_bool "$registry" "$VERIFY_SIG(bool)" "$universal_id" "$inputs" "$outputs" "$proof")" = true ] ||
  fail "verifyInference rejects the fixture's proof through the universal verifier"
[ "$(call_bool "$registry" "$VERIFY_SIG(bool)" "$universal_id" "$inputs" "$changed_outputs" "$proof")" = false ] ||
  fail "verifyInference accepts the fixture's proof with an output changed (universal verifier)"
receipt="$("$CAST" send --rpc-url "$RPC" --private-key "$KEY" --gas-limit 3000000 --json \
  "$registry" "$VERIFY_SIG" "$universal_id" "$inputs" "$outputs" "$proof")"
echo "$receipt" >"$tmp/universal-receipt.json"
[ "$(jget "$tmp/universal-receipt.json" d.status)" = 0x1 ] || fail "verifyInference transaction (universal) failed"
universal_gas="$(jget "$tmp/universal-receipt.json" 'parseInt(d.gasUsed, 16)')"

# Run 4: the same key file again reuses version 1: only the key and its registration.
known="$known $universal_id"
nonce_before="$("$CAST" nonce --rpc-url "$RPC" "$DEPLOYER")"
deploy universal-again ZKINFER_VERIFIER_ARTIFACT= ZKINFER_UNIVERSAL_KEY="$key_file" ZKINFER_REGISTRY="$registry" \
  ZKINFER_MODEL_COMMITMENT="$commitment" ZKINFER_MODEL_NAME="risk_mlp (universal, again)"
nonce_after="$("$CAST" nonce --rpc-url "$RPC" "$DEPLOYER")"
[ $((nonce_after - nonce_before)) = 2 ] ||
  fail "run 4 sent $((nonce_after - nonce_before)) transactions, expected 2 (key, registerModel)"
[ "$(call_bool "$registry" "verifierCount()(uint16)")" = 1 ] || fail "run 4 registered another verifier version"
again_id="$(new_ids)"
[ -n "$again_id" ] || fail "$BOOK: no model from run 4"
check_model "$again_id" "risk_mlp (universal, again)" "$commitment" 1 >/dev/null
check_model "$universal_id" "risk_mlp (universal)" "$commitment" 1 >/dev/null
check_model "$model_id" risk_mlp "$commitment" >/dev/null
[ "$(jget "$BOOK" 'Object.keys(d.models).length')" = 4 ] || fail "$BOOK: expected exactly four models"

say "OK"
echo "  ModelRegistry $registry"
echo "  model $model_id (commitment $commitment) -> verifier $verifier"
echo "  model $second_id -> verifier $second_verifier (registry reused)"
echo "  run 1 transactions:"
tx_gas fresh
echo "  run 2 transactions:"
tx_gas reuse
echo "  model $universal_id -> key $key (universal verifier version 1)"
echo "  run 3 transactions:"
tx_gas universal
echo "  run 4 transactions:"
tx_gas universal-again
echo "  verifyInference through the universal verifier: $universal_gas gas (transaction total)"
echo "  verifyInference (fixture proof, $(((${#proof} - 2) / 2)) proof bytes): $verify_gas gas (transaction total)"
