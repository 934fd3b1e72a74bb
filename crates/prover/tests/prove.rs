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
        file_hash: String::new(),
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

/// A consistent ceremony-like file (another secret than the dev SRS's) is accepted with its
/// keccak256 reported and flagged as matching no published file; one changed G1 power, Lagrange
/// point, g[0] or [s]G2 (each a valid curve point) and a truncated file are refused with an error
/// naming the file.
#[test]
fn ceremony_files_are_checked_for_consistency_and_hashed() {
    use sha3::Digest;
    let dir = tempfile::tempdir().unwrap();
    let k = 8;
    let params = halo2_base::halo2_proofs::poly::kzg::commitment::ParamsKZG::setup(k, rand_seed(9));
    let good = dir.path().join("good.srs");
    write_srs(&good, &Srs { params, origin: SrsOrigin::InsecureDev, file_hash: String::new() });
    let bytes = std::fs::read(&good).unwrap();
    let hash = hex::encode(sha3::Keccak256::digest(&bytes));
    let loaded = load_srs(&good, None).unwrap();
    assert_eq!(loaded.file_hash, hash);
    assert_eq!(loaded.known_file(), None);
    assert!(KNOWN_CEREMONY_FILES.iter().all(|(h, _)| known_ceremony_file(h).is_some()));
    let text = loaded.describe();
    assert!(text.contains(&format!("0x{hash}")) && text.contains("NO published"), "{text}");
    // Cut to a smaller circuit: the same file, the same hash.
    assert_eq!(load_srs(&good, Some(6)).unwrap().file_hash, hash);

    // Raw layout: k (4 bytes), 2^k G1 points (64 bytes), 2^k Lagrange points, G2, [s]G2 (128).
    let n = 1usize << k;
    let g1 = |i: usize| 4 + 64 * i;
    let lagrange = |i: usize| g1(n + i);
    let s_g2 = g1(2 * n) + 128;
    let copy = |from: usize, to: usize, len: usize, name: &str| {
        let mut b = bytes.clone();
        b.copy_within(from..from + len, to);
        let path = dir.path().join(name);
        std::fs::write(&path, b).unwrap();
        load_srs(&path, None).unwrap_err().to_string()
    };
    let err = copy(g1(6), g1(5), 64, "power.srs");
    assert!(err.contains("power.srs") && err.contains("pairing check"), "{err}");
    let err = copy(g1(n - 1), g1(n - 2), 64, "last.srs");
    assert!(err.contains("pairing check"), "{err}");
    let err = copy(lagrange(3), lagrange(2), 64, "lagrange.srs");
    assert!(err.contains("lagrange.srs") && err.contains("Lagrange"), "{err}");
    let err = copy(g1(1), g1(0), 64, "g0.srs");
    assert!(err.contains("g[0] is not the BN254 G1 generator"), "{err}");
    let err = copy(s_g2 - 128, s_g2, 128, "sg2.srs");
    assert!(err.contains("sg2.srs") && err.contains("pairing check"), "{err}");
    let truncated = dir.path().join("cut.srs");
    std::fs::write(&truncated, &bytes[..bytes.len() - 64]).unwrap();
    let err = load_srs(&truncated, None).unwrap_err().to_string();
    assert!(err.contains("cut.srs") && err.contains("size"), "{err}");
}

/// Keys record the SRS file's hash and whether it is the dev SRS; dev-SRS keys deploy only to
/// the local chain 31337 unless explicitly allowed (with a loud warning), keys on another SRS
/// anywhere.
#[test]
fn dev_srs_keys_deploy_only_to_the_local_chain() {
    let (compiled, _) = demo();
    let id = compiled.id();
    let layout = layout(&compiled.model, id).unwrap();
    let srs = dev_srs(layout.k(), &cache()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (keys, _) = load_or_keygen(dir.path(), &srs, &compiled.model, id, &layout).unwrap();
    let saved: CircuitSettings = read_key_settings(dir.path()).unwrap();
    assert!(saved.srs_insecure);
    assert_eq!(saved.srs_hash, srs.file_hash);
    assert_eq!(saved.srs_hash.len(), 64);

    assert_eq!(check_deploy_srs(dir.path(), LOCAL_CHAIN_ID, false).unwrap(), None);
    for chain_id in [1, 1337, 11155111] {
        let err = check_deploy_srs(dir.path(), chain_id, false).unwrap_err();
        assert!(matches!(err, Error::InsecureSrs { chain_id: c, .. } if c == chain_id));
        let text = err.to_string();
        assert!(text.contains("INSECURE") && text.contains(&format!("chain id {chain_id}")), "{text}");
        assert!(text.contains("settings.json") && text.contains("--allow-insecure-srs"), "{text}");
        let warning = check_deploy_srs(dir.path(), chain_id, true).unwrap().unwrap();
        assert!(warning.contains("INSECURE") && warning.contains("forge"), "{warning}");
    }
    // Keys from another SRS deploy anywhere.
    let mut secure = keys.settings.clone();
    secure.srs_insecure = false;
    let path = dir.path().join("settings.json");
    assert_eq!(deploy_srs_policy(&secure, &path, 1, false).unwrap(), None);
    // No settings: refused, naming the file.
    let empty = tempfile::tempdir().unwrap();
    let err = check_deploy_srs(empty.path(), 1, true).unwrap_err().to_string();
    assert!(err.contains("settings.json"), "{err}");
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
