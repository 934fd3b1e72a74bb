//! The forge fixture (`fixtures/risk_mlp/proof.json`) and the committed verifier
//! (`contracts/generated/RiskMlpVerifier.sol`) must belong to the current circuit. When this
//! fails, regenerate them with `scripts/regen-fixtures.sh`.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use zkinfer_evm::verifier_solidity;
use zkinfer_prover::{dev_srs, layout, load_or_keygen, read_json, verify, ProofFile};
use zkinfer_tests::{committed_verifier, demo_model, fixture_dir, repo};

const HINT: &str = "stale: run scripts/regen-fixtures.sh and commit the result";

#[test]
fn fixture_and_verifier_match_the_current_circuit() {
    let (compiled, trace) = demo_model();
    let fixture: ProofFile = read_json(&fixture_dir().join("proof.json")).unwrap();
    assert_eq!(fixture.model_id, compiled.model_id, "model id {HINT}");
    assert_eq!(fixture.inputs, trace.inputs(&compiled.model), "inputs {HINT}");
    assert_eq!(fixture.outputs, trace.outputs(&compiled.model), "outputs {HINT}");

    let id = compiled.id();
    let layout = layout(&compiled.model, id).unwrap();
    let srs = dev_srs(layout.k(), &repo().join("target/test-srs")).unwrap();
    let (keys, _) =
        load_or_keygen(&repo().join("target/test-keys/risk_mlp"), &srs, &compiled.model, id, &layout)
            .unwrap();
    let instances = fixture.instance_values().unwrap();
    assert_eq!(instances, zkinfer_circuit::public_instances(&id, &fixture.inputs, &fixture.outputs));
    verify(&srs.params, keys.vk(), &instances, &fixture.proof_bytes().unwrap()).expect(HINT);

    let generated = verifier_solidity(&srs.params, keys.vk(), instances.len(), "RiskMlpVerifier");
    let committed = std::fs::read_to_string(committed_verifier()).unwrap();
    assert!(generated == committed, "contracts/generated/RiskMlpVerifier.sol {HINT}");
}
