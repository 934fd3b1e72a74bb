//! The model id is defined once: Rust (`ModelEntry::model_id`) and the registry
//! (`computeModelId`, `registerModel`) agree on every field, on a real anvil chain.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use zkinfer_chain::{compile, Chain, LocalNode, ModelEntry, OnchainVisibility, B256, U256};
use zkinfer_evm::Solc;

#[test]
fn model_id_matches_the_registry() {
    let node = LocalNode::start().unwrap();
    let contracts = compile(&Solc::find().unwrap()).unwrap();
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let chain = Chain::connect(&node.endpoint(), &node.dev_key(0).unwrap()).await.unwrap();
        let registry =
            chain.deploy("ModelRegistry", contracts.registry.bytecode.clone()).await.unwrap().address;
        // Any contract with code serves as the verifier here: a second registry.
        let verifier = chain.deploy("verifier", contracts.registry.bytecode.clone()).await.unwrap().address;
        let code_hash = chain.code_hash(verifier).await.unwrap();
        let base = ModelEntry {
            commitment: B256::repeat_byte(0x42),
            input_count: 8,
            output_count: 3,
            input_scale: 8,
            output_scale: 16,
            visibility: OnchainVisibility::default(),
            circuit_digest: U256::ZERO,
            proof_length: 1376,
        };
        let hashed =
            OnchainVisibility { inputs: 2, outputs: 1, weights: 2, weights_hash: U256::from(0x1234) };
        let variants = [
            base,
            ModelEntry { commitment: B256::repeat_byte(0x43), ..base },
            ModelEntry { input_count: 9, ..base },
            ModelEntry { output_count: 4, ..base },
            ModelEntry { input_scale: 7, ..base },
            ModelEntry { output_scale: 15, ..base },
            ModelEntry { visibility: hashed, ..base },
            ModelEntry { circuit_digest: U256::from(0xd1), ..base },
            ModelEntry { proof_length: 1377, ..base },
        ];
        let mut ids = Vec::new();
        for entry in &variants {
            let ours = entry.model_id(verifier, code_hash);
            let theirs = chain.compute_model_id(registry, verifier, entry).await.unwrap();
            assert_eq!(ours, theirs, "{entry:?}");
            ids.push(ours);
        }
        // Every field changes the id, and so does the verifier address.
        let mut unique = ids.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), ids.len());
        assert_ne!(base.model_id(registry, chain.code_hash(registry).await.unwrap()), ids[0]);
        // registerModel derives the same id (register_model also checks it against ours).
        let registered = chain.register_model(registry, verifier, &variants[6]).await.unwrap();
        assert_eq!(registered.model_id, ids[6]);
        assert!(chain.is_registered(registry, ids[6]).await.unwrap());
        assert!(!chain.is_registered(registry, ids[0]).await.unwrap());
        // The same content again is refused (append-only).
        let err = chain.register_model(registry, verifier, &variants[6]).await.unwrap_err();
        assert!(err.to_string().contains("ModelAlreadyRegistered"), "{err}");
    });
}
