//! The forge fixtures (`fixtures/risk_mlp/proof.json`, `fixtures/chess/policy-proof.json`) and
//! the committed verifiers (`contracts/generated/RiskMlpVerifier.sol`, `PolicyVerifier.sol`)
//! must belong to the current circuits. When this fails, regenerate them with
//! `scripts/regen-fixtures.sh`.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::path::Path;

use zkinfer_evm::verifier_solidity;
use zkinfer_model::{CompiledModel, InputData, Scales};
use zkinfer_prover::{dev_srs, layout, load_or_keygen, read_json, verify, ProofFile};
use zkinfer_tests::repo;

const HINT: &str = "stale: run scripts/regen-fixtures.sh and commit the result";

/// Compiles `models/<dir>/<onnx>` on its `input.json` and checks the fixture and the committed
/// verifier against it: model id, inputs, outputs, public instances, the proof under the
/// current verifying key, and the verifier source byte for byte.
fn check(dir: &str, onnx: &str, fixture: &str, contract: &str) {
    let models = repo().join("models").join(dir);
    let data = InputData::read(&models.join("input.json")).unwrap();
    let (compiled, _) = CompiledModel::compile(&models.join(onnx), Some(&data), Scales::default()).unwrap();
    let trace = compiled.trace(&data).unwrap();
    let fixture: ProofFile = read_json(&repo().join(fixture)).unwrap();
    assert_eq!(fixture.model_id, compiled.model_id, "{fixture:?}: model id {HINT}");
    assert_eq!(fixture.inputs, trace.inputs(&compiled.model), "{dir}: inputs {HINT}");
    assert_eq!(fixture.outputs, trace.outputs(&compiled.model), "{dir}: outputs {HINT}");

    let id = compiled.id();
    let layout = layout(&compiled.model, id).unwrap();
    let srs = dev_srs(layout.k(), &repo().join("target/test-srs")).unwrap();
    let keys_dir = repo().join("target/test-keys").join(dir);
    let (keys, _) = load_or_keygen(&keys_dir, &srs, &compiled.model, id, &layout).unwrap();
    let instances = fixture.instance_values().unwrap();
    assert_eq!(instances, zkinfer_circuit::public_instances(&id, &fixture.inputs, &fixture.outputs));
    verify(&srs.params, keys.vk(), &instances, &fixture.proof_bytes().unwrap()).expect(HINT);

    let generated = verifier_solidity(&srs.params, keys.vk(), instances.len(), contract);
    let path = Path::new("contracts/generated").join(format!("{contract}.sol"));
    let committed = std::fs::read_to_string(repo().join(&path)).unwrap();
    assert!(generated == committed, "{} {HINT}", path.display());
}

#[test]
fn risk_mlp_fixture_and_verifier_match_the_current_circuit() {
    check("risk_mlp", "network.onnx", "fixtures/risk_mlp/proof.json", "RiskMlpVerifier");
}

#[test]
fn chess_policy_fixture_and_verifier_match_the_current_circuit() {
    check("chess", "policy.onnx", "fixtures/chess/policy-proof.json", "PolicyVerifier");
}
