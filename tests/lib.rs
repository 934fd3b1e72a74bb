//! Shared set-up of the end-to-end tests: the demo model proven with the dev SRS.

use std::path::PathBuf;

use zkinfer_model::{CompiledModel, InputData, Scales, Trace};
use zkinfer_prover::{dev_srs, layout, load_or_keygen, prove, Keys, ProofFile, Srs};

/// The repo root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The demo model, compiled with the default scales, and its trace on the sample input.
pub fn demo_model() -> (CompiledModel, Trace) {
    let dir = repo().join("models/risk_mlp");
    let data = InputData::read(&dir.join("input.json")).expect("demo input");
    let (compiled, _) = CompiledModel::compile(&dir.join("network.onnx"), Some(&data), Scales::default())
        .expect("demo model");
    let trace = compiled.trace(&data).expect("the demo input runs");
    (compiled, trace)
}

/// A proven demo model.
#[derive(Debug)]
pub struct Proven {
    /// The model.
    pub compiled: CompiledModel,
    /// The dev SRS it was keyed with.
    pub srs: Srs,
    /// Its keys.
    pub keys: Keys,
    /// A fresh proof of the sample input.
    pub proof: ProofFile,
}

/// Keys (cached under `target/`) and a fresh proof of the demo model.
pub fn prove_demo() -> Proven {
    let (compiled, trace) = demo_model();
    let id = compiled.id();
    let layout = layout(&compiled.model, id).expect("layout");
    let srs = dev_srs(layout.k(), &repo().join("target/test-srs")).expect("dev srs");
    let keys_dir = repo().join("target/test-keys/risk_mlp");
    let (keys, _) = load_or_keygen(&keys_dir, &srs, &compiled.model, id, &layout).expect("keys");
    let proof = prove(&srs, &keys, &compiled.model, id, &trace).expect("proof");
    Proven { compiled, srs, keys, proof }
}

/// `n` proofs for aggregation (Poseidon transcript) of the demo model on the sample input with
/// its first feature shifted by `0.05 * i` for member `i`, so that members differ.
pub fn demo_snarks(n: usize) -> Vec<zkinfer_prover::SnarkFile> {
    let dir = repo().join("models/risk_mlp");
    let data = InputData::read(&dir.join("input.json")).expect("demo input");
    let (compiled, _) = CompiledModel::compile(&dir.join("network.onnx"), Some(&data), Scales::default())
        .expect("demo model");
    let id = compiled.id();
    let layout = layout(&compiled.model, id).expect("layout");
    let srs = dev_srs(layout.k(), &repo().join("target/test-srs")).expect("dev srs");
    let (keys, _) =
        load_or_keygen(&repo().join("target/test-keys/risk_mlp"), &srs, &compiled.model, id, &layout)
            .expect("keys");
    (0..n)
        .map(|i| {
            let mut d = data.clone();
            d.values[0][0] += 0.05 * i as f32;
            let trace = compiled.trace(&d).expect("the shifted input runs");
            zkinfer_prover::prove_snark(&srs, &keys, &compiled.model, id, &trace).expect("snark")
        })
        .collect()
}

/// The dev SRS for aggregation circuits (k = 20), cached under `target/`.
pub fn aggregation_srs() -> Srs {
    dev_srs(AGGREGATION_K, &repo().join("target/test-srs")).expect("dev srs for aggregation")
}

/// Circuit size of the aggregation circuits in the tests.
pub const AGGREGATION_K: u32 = 20;

/// A client of `node` signing with its dev account 0, and a `ModelRegistry` freshly deployed
/// there (contracts compiled with the repo's solc).
pub async fn chain_with_registry(
    node: &zkinfer_chain::LocalNode,
) -> (zkinfer_chain::Chain, zkinfer_chain::Address) {
    let contracts = zkinfer_chain::compile(&zkinfer_evm::Solc::find().expect("solc")).expect("contracts");
    let key = node.dev_key(0).expect("anvil dev key");
    let chain = zkinfer_chain::Chain::connect(&node.endpoint(), &key).await.expect("connect to anvil");
    let registry = chain
        .deploy("ModelRegistry", contracts.registry.bytecode.clone())
        .await
        .expect("deploy ModelRegistry")
        .address;
    (chain, registry)
}
