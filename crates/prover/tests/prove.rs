//! Real proofs on the demo model with the dev SRS: keygen, prove, verify natively, and the
//! tampered cases that must fail. Build in release mode (`cargo test --release`).
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::path::{Path, PathBuf};

use halo2_base::halo2_proofs::halo2curves::bn256::Fr;
use zkinfer_model::{CompiledModel, InputData, QuantOp, Scales, Trace};
use zkinfer_prover::*;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn demo() -> (CompiledModel, Trace) {
    let dir = repo().join("models/risk_mlp");
    let data = InputData::read(&dir.join("input.json")).unwrap();
    let (compiled, _) =
        CompiledModel::compile(&dir.join("network.onnx"), Some(&data), Scales::default()).unwrap();
    let trace = compiled.trace(&data).expect("the demo input runs");
    (compiled, trace)
}

/// The shared dev-SRS cache of the test run (generation is the slow part).
fn cache() -> PathBuf {
    repo().join("target/test-srs")
}

#[test]
fn prove_verify_and_reject_tampering() {
    let (compiled, trace) = demo();
    let id = compiled.id();
    let layout = layout(&compiled.model, id).unwrap();
    let srs = dev_srs(layout.k(), &cache()).unwrap();
    assert!(srs.is_insecure());
    assert!(srs.describe().contains("INSECURE"));

    let keys_dir = tempfile::tempdir().unwrap();
    let (keys, cached) = load_or_keygen(keys_dir.path(), &srs, &compiled.model, id, &layout).unwrap();
    assert!(!cached);
    let proof = prove(&srs, &keys, &compiled.model, id, &trace).unwrap();
    assert_eq!(proof.outputs, trace.outputs(&compiled.model));
    let instances = proof.instance_values().unwrap();
    let bytes = proof.proof_bytes().unwrap();
    verify(&srs.params, keys.vk(), &instances, &bytes).unwrap();

    // Keys come back from the cache, and a proof made with them verifies with the saved vk.
    let (again, cached) = load_or_keygen(keys_dir.path(), &srs, &compiled.model, id, &layout).unwrap();
    assert!(cached);
    let (vk, settings) = read_vk(keys_dir.path()).unwrap();
    assert_eq!(settings.model_id, compiled.model_id);
    verify(&srs.params, &vk, &instances, &bytes).unwrap();
    verify(&srs.params, again.vk(), &instances, &bytes).unwrap();

    // Tampered: a flipped proof byte anywhere, a changed public value, a truncated proof.
    for at in [0, bytes.len() / 2, bytes.len() - 1] {
        let mut b = bytes.clone();
        b[at] ^= 1;
        assert!(verify(&srs.params, keys.vk(), &instances, &b).is_err(), "flipped byte {at} accepted");
    }
    for index in 0..instances.len() {
        let mut i = instances.clone();
        i[index] += Fr::one();
        assert!(verify(&srs.params, keys.vk(), &i, &bytes).is_err(), "changed public value {index} accepted");
    }
    assert!(verify(&srs.params, keys.vk(), &instances, &bytes[..bytes.len() - 32]).is_err());

    // Another model (one weight changed) has other keys: the proof does not verify under them.
    let mut other = compiled.model.clone();
    if let QuantOp::Linear { weight, .. } = &mut other.nodes[4].op {
        weight[0] += 1;
    }
    let other_id = zkinfer_model::model_id(&other);
    let other_keys = keygen(&srs, &other, other_id, &layout).unwrap();
    assert!(verify(&srs.params, other_keys.vk(), &instances, &bytes).is_err());

    // Changing the model invalidates the cached keys.
    let (_, cached) = load_or_keygen(keys_dir.path(), &srs, &other, other_id, &layout).unwrap();
    assert!(!cached);
}

fn write_srs(path: &Path, srs: &Srs) {
    let mut f = std::fs::File::create(path).unwrap();
    srs.params.write_custom(&mut f, halo2_base::halo2_proofs::SerdeFormat::RawBytes).unwrap();
}

#[test]
fn srs_files_are_checked_and_the_dev_srs_is_recognised() {
    let dir = tempfile::tempdir().unwrap();
    let dev = dev_srs(10, &cache()).unwrap();
    // The dev SRS is recognised by its [s]G2 wherever it is, even downsized from a larger file.
    let copied = dir.path().join("copied.srs");
    write_srs(&copied, &dev);
    assert!(load_srs(&copied, Some(9)).unwrap().is_insecure());

    // A file from another secret is not the dev SRS.
    let other = Srs {
        params: halo2_base::halo2_proofs::poly::kzg::commitment::ParamsKZG::setup(9, rand_seed(7)),
        origin: SrsOrigin::InsecureDev,
    };
    let ceremony = dir.path().join("ceremony.srs");
    write_srs(&ceremony, &other);
    let loaded = load_srs(&ceremony, Some(9)).unwrap();
    assert_eq!(loaded.origin, SrsOrigin::File(ceremony.clone()));
    assert!(!loaded.describe().contains("INSECURE"));

    // Too small, truncated, garbage.
    let err = load_srs(&ceremony, Some(12)).unwrap_err().to_string();
    assert!(err.contains("k=12"), "{err}");
    let bytes = std::fs::read(&ceremony).unwrap();
    let truncated = dir.path().join("truncated.srs");
    std::fs::write(&truncated, &bytes[..bytes.len() - 10]).unwrap();
    let err = load_srs(&truncated, Some(9)).unwrap_err().to_string();
    assert!(err.contains("truncated.srs") && err.contains("size"), "{err}");
    let garbage = dir.path().join("garbage.srs");
    let mut g = bytes.clone();
    for b in &mut g[4..2000] {
        *b = 0xAB;
    }
    std::fs::write(&garbage, &g).unwrap();
    let err = load_srs(&garbage, Some(9)).unwrap_err().to_string();
    assert!(err.contains("garbage.srs"), "{err}");
}

fn rand_seed(seed: u8) -> rand_chacha::ChaCha20Rng {
    rand_chacha::rand_core::SeedableRng::from_seed([seed; 32])
}

#[test]
fn hex_round_trip() {
    let x = Fr::from(123456789u64) * Fr::from(987654321u64);
    assert_eq!(fr_from_hex(&fr_to_hex(&x)), Some(x));
    assert_eq!(fr_from_hex("0x12"), None);
    assert_eq!(fr_from_hex(&format!("0x{}", "ff".repeat(32))), None);
}

/// A model with lookup-table functions (gelu without approximation: Erf, Div, Mul, Add) proves,
/// its keys reload from disk (the table columns are part of the configuration), and a proof
/// for other outputs or a flipped byte fails.
#[test]
fn function_tables_prove_and_reject_tampering() {
    let dir = repo().join("../shared/conformance/onnx/1l_gelu_noappx");
    let data = InputData::read(&dir.join("input.json")).unwrap();
    let (compiled, _) =
        CompiledModel::compile(&dir.join("network.onnx"), Some(&data), Scales::default()).unwrap();
    assert!(compiled.model.nodes.iter().any(|n| matches!(n.op, QuantOp::Function { .. })));
    let trace = compiled.trace(&data).unwrap();
    let id = compiled.id();
    let layout = layout(&compiled.model, id).unwrap();
    assert!(layout.function_lookup_columns > 0 && layout.table_rows > 1);
    let srs = dev_srs(layout.k(), &cache()).unwrap();
    let keys_dir = tempfile::tempdir().unwrap();
    let (keys, _) = load_or_keygen(keys_dir.path(), &srs, &compiled.model, id, &layout).unwrap();
    let proof = prove(&srs, &keys, &compiled.model, id, &trace).unwrap();
    let (instances, bytes) = (proof.instance_values().unwrap(), proof.proof_bytes().unwrap());
    let (vk, _) = read_vk(keys_dir.path()).unwrap();
    verify(&srs.params, &vk, &instances, &bytes).unwrap();

    let mut flipped = bytes.clone();
    flipped[bytes.len() / 3] ^= 1;
    assert!(verify(&srs.params, &vk, &instances, &flipped).is_err());
    let mut other = instances.clone();
    *other.last_mut().unwrap() += Fr::one();
    assert!(verify(&srs.params, &vk, &other, &bytes).is_err(), "changed output word accepted");
}
