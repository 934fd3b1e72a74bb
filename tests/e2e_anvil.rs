//! The whole path on a real chain: a fresh proof of the demo model, the generated verifier
//! compiled by solc, deployed on anvil with the registry and the RiskOracle consumer, checked
//! over JSON-RPC; and every tampered submission rejected.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use zkinfer_chain::{compile, Address, Chain, LocalNode, ModelEntry, B256};
use zkinfer_evm::{compile_verifier, evm_verify, verifier_solidity, Solc, EIP170_LIMIT};
use zkinfer_tests::prove_demo;

#[test]
fn proof_verifies_on_anvil_and_tampering_is_rejected() {
    let p = prove_demo();
    let instances = p.proof.instance_values().unwrap();
    let proof = p.proof.proof_bytes().unwrap();
    let solc = Solc::find().unwrap();
    let n = instances.len();
    let source = verifier_solidity(&p.srs.params, p.keys.vk(), n, "RiskMlpVerifier");
    let verifier = compile_verifier(&solc, &source, "RiskMlpVerifier", n).unwrap();
    assert!(verifier.runtime_size > 0 && verifier.runtime_size <= EIP170_LIMIT, "{}", verifier.runtime_size);
    // In-process EVM first (it also requires a tampered proof to fail).
    let revm = evm_verify(&verifier.creation_code(), &instances, &proof).unwrap();
    assert!(revm.gas > 100_000, "{revm:?}");

    let contracts = compile(&solc).unwrap();
    let node = LocalNode::start().unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let chain = Chain::connect(&node.endpoint(), &node.dev_key(0).unwrap()).await.unwrap();
        let registry =
            chain.deploy("ModelRegistry", contracts.registry.bytecode.clone()).await.unwrap().address;
        let v = chain.deploy("RiskMlpVerifier", verifier.creation_code()).await.unwrap();
        assert_eq!(v.code_size, verifier.runtime_size, "deployed verifier code must be the compiled runtime");

        let entry = ModelEntry::of(&p.compiled, proof.len()).unwrap();
        let id = chain.register_model(registry, v.address, &entry).await.unwrap().model_id;
        // The registry derives the id; it is not the circuit's commitment.
        assert_ne!(id, B256::from(p.compiled.id()));
        assert_eq!(id, chain.compute_model_id(registry, v.address, &entry).await.unwrap());

        // A verifier address without code cannot be registered (it would accept everything).
        let eoa: Address = chain.sender;
        let err = chain.register_model(registry, eoa, &entry).await.unwrap_err();
        assert!(err.to_string().contains("VerifierHasNoCode"), "{err}");
        // Entries are frozen: the same registration again is refused.
        let err = chain.register_model(registry, v.address, &entry).await.unwrap_err();
        assert!(err.to_string().contains("ModelAlreadyRegistered"), "{err}");

        // The registry encodes the public values exactly as the prover does.
        let onchain = chain.public_inputs(registry, id, &p.proof.inputs, &p.proof.outputs).await.unwrap();
        let ours: Vec<_> =
            p.proof.instances.iter().map(|h| h.parse().unwrap()).collect::<Vec<zkinfer_chain::U256>>();
        assert_eq!(onchain, ours);

        let (inputs, outputs) = (&p.proof.inputs, &p.proof.outputs);
        assert!(chain.verify_inference(registry, id, inputs, outputs, &proof).await.unwrap());
        let gas = chain.verify_inference_tx(registry, id, inputs, outputs, &proof).await.unwrap().gas_used;
        assert!(gas > revm.gas && gas < 1_000_000, "verifyInference gas {gas}, verifier alone {}", revm.gas);

        // Tampered: each must come back false.
        for at in [0, proof.len() / 2, proof.len() - 1] {
            let mut b = proof.clone();
            b[at] ^= 1;
            assert!(
                !chain.verify_inference(registry, id, inputs, outputs, &b).await.unwrap(),
                "flipped byte {at}"
            );
        }
        for i in 0..inputs.len() {
            let mut x = inputs.clone();
            x[i] -= 1;
            assert!(
                !chain.verify_inference(registry, id, &x, outputs, &proof).await.unwrap(),
                "changed input {i}"
            );
        }
        for i in 0..outputs.len() {
            let mut y = outputs.clone();
            y[i] += 1;
            assert!(
                !chain.verify_inference(registry, id, inputs, &y, &proof).await.unwrap(),
                "changed output {i}"
            );
        }
        // Trailing and missing proof bytes are refused before the verifier runs.
        let longer = [proof.as_slice(), &[0]].concat();
        for p in [&longer[..], &proof[..proof.len() - 1]] {
            let err = chain.verify_inference(registry, id, inputs, outputs, p).await.unwrap_err();
            assert!(err.to_string().contains("ProofLengthMismatch"), "{err}");
        }
        // Another registered model: the same verifier code with another commitment, and the
        // genuine verifier with another commitment. The commitment is a public value, so both
        // reject.
        let twin = chain.deploy("RiskMlpVerifier", verifier.creation_code()).await.unwrap();
        let other_entry = ModelEntry { commitment: B256::repeat_byte(0x42), ..entry };
        let other = chain.register_model(registry, twin.address, &other_entry).await.unwrap().model_id;
        assert!(!chain.verify_inference(registry, other, inputs, outputs, &proof).await.unwrap());
        let other2 = chain.register_model(registry, v.address, &other_entry).await.unwrap().model_id;
        assert_ne!(other, other2, "the verifier address is part of the id");
        assert!(!chain.verify_inference(registry, other2, inputs, outputs, &proof).await.unwrap());
        // Unknown model and wrong lengths revert with the registry's errors.
        let err = chain
            .verify_inference(registry, B256::repeat_byte(9), inputs, outputs, &proof)
            .await
            .unwrap_err();
        assert!(err.to_string().contains("UnknownModel"), "{err}");
        let err = chain.verify_inference(registry, id, &inputs[1..], outputs, &proof).await.unwrap_err();
        assert!(err.to_string().contains("InputLengthMismatch"), "{err}");

        // The consumer acts only on a verified output.
        let oracle =
            chain.deploy_risk_oracle(&contracts.risk_oracle.bytecode, registry, id).await.unwrap().address;
        let mut y = outputs.clone();
        y[0] += 1;
        let err = chain.post_assessment(oracle, inputs, &y, &proof).await.unwrap_err();
        assert!(err.to_string().contains("InferenceNotVerified"), "{err}");
        assert_eq!(chain.oracle_state(oracle).await.unwrap().1, 0);
        let tx = chain.post_assessment(oracle, inputs, outputs, &proof).await.unwrap();
        assert!(tx.gas_used > gas / 2, "postAssessment used {} gas", tx.gas_used);
        let (class, count, _) = chain.oracle_state(oracle).await.unwrap();
        assert_eq!(count, 1);
        let argmax = (0..outputs.len()).max_by_key(|&i| outputs[i]).unwrap();
        assert_eq!(class as usize, argmax);
    });
}
