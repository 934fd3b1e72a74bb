//! Shared set-up of the fuzz targets: the demo model (risk_mlp) compiled once, and for the proof
//! decoding target a real proof of it with its verifying key.
#![allow(clippy::unwrap_used, clippy::expect_used)] // set-up failures are harness bugs

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use halo2_base::halo2_proofs::halo2curves::bn256::Fr;
use zkinfer_evm::VkData;
use zkinfer_model::{CompiledModel, InputData, Scales};
use zkinfer_prover::{dev_srs, layout, load_or_keygen, prove, Keys, Srs};

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A name for the fuzzed input in error messages.
pub fn source() -> &'static Path {
    Path::new("fuzz-input")
}

/// risk_mlp compiled from its ONNX file and sample input.
pub fn risk_mlp() -> &'static CompiledModel {
    static MODEL: OnceLock<CompiledModel> = OnceLock::new();
    MODEL.get_or_init(|| {
        let dir = repo().join("models/risk_mlp");
        let data = InputData::read(&dir.join("input.json")).unwrap();
        CompiledModel::compile(&dir.join("network.onnx"), Some(&data), Scales::default()).unwrap().0
    })
}

/// A real risk_mlp proof with what checks it: the dev SRS, the keys, the universal verifier's
/// key data, the public values and the proof bytes.
pub struct Proven {
    pub srs: Srs,
    pub keys: Keys,
    pub vk: VkData,
    pub instances: Vec<Fr>,
    pub proof: Vec<u8>,
}

/// Keys are cached under target/fuzz-keys, the dev SRS under target/test-srs (as the tests').
pub fn proven() -> &'static Proven {
    static PROVEN: OnceLock<Proven> = OnceLock::new();
    PROVEN.get_or_init(|| {
        let compiled = risk_mlp();
        let data = InputData::read(&repo().join("models/risk_mlp/input.json")).unwrap();
        let trace = compiled.trace(&data).unwrap();
        let id = compiled.id();
        let layout = layout(&compiled.model, id).unwrap();
        let srs = dev_srs(layout.k(), &repo().join("target/test-srs")).unwrap();
        let keys_dir = repo().join("target/fuzz-keys/risk_mlp");
        let (keys, _) = load_or_keygen(&keys_dir, &srs, &compiled.model, id, &layout).unwrap();
        let file = prove(&srs, &keys, &compiled.model, id, &trace).unwrap();
        let instances = file.instance_values().unwrap();
        let vk = VkData::new(&srs.params, keys.vk(), instances.len()).unwrap();
        Proven { proof: file.proof_bytes().unwrap(), instances, vk, srs, keys }
    })
}

/// Valid UTF-8 text of the input, or `None` (the JSON readers take text).
pub fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}
