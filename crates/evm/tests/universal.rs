//! The universal verifier's reference algorithm against real proofs of the demo model: it
//! accepts exactly what halo2's verifier accepts on every tampering tried. Release mode.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::path::PathBuf;

use halo2_base::halo2_proofs::halo2curves::bn256::Fr;
use halo2_base::halo2_proofs::halo2curves::ff::Field;
use zkinfer_evm::{reference_verify, Rejection, VkData};
use zkinfer_model::{CompiledModel, InputData, Scales};
use zkinfer_prover::{dev_srs, layout, load_or_keygen, prove, verify, Keys, Srs};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

struct Proven {
    srs: Srs,
    keys: Keys,
    instances: Vec<Fr>,
    proof: Vec<u8>,
    _dir: tempfile::TempDir,
}

fn proven(model: &str, onnx: &str) -> Proven {
    let dir = repo().join(model);
    let data = InputData::read(&dir.join("input.json")).unwrap();
    let (compiled, _) = CompiledModel::compile(&dir.join(onnx), Some(&data), Scales::default()).unwrap();
    let trace = compiled.trace(&data).unwrap();
    let id = compiled.id();
    let layout = layout(&compiled.model, id).unwrap();
    let srs = dev_srs(layout.k(), &repo().join("target/test-srs")).unwrap();
    let keys_dir = tempfile::tempdir().unwrap();
    let (keys, _) = load_or_keygen(keys_dir.path(), &srs, &compiled.model, id, &layout).unwrap();
    let file = prove(&srs, &keys, &compiled.model, id, &trace).unwrap();
    Proven {
        instances: file.instance_values().unwrap(),
        proof: file.proof_bytes().unwrap(),
        srs,
        keys,
        _dir: keys_dir,
    }
}

fn check(p: &Proven, vk: &VkData, instances: &[Fr], proof: &[u8]) -> Result<(), Rejection> {
    reference_verify(vk, instances, proof, p.srs.params.g2(), p.srs.params.s_g2())
}

fn native(p: &Proven, instances: &[Fr], proof: &[u8]) -> bool {
    verify(&p.srs.params, p.keys.vk(), instances, proof).is_ok()
}

#[test]
fn reference_verifier_agrees_with_halo2() {
    let p = proven("models/risk_mlp", "network.onnx");
    let vk = VkData::new(&p.srs.params, p.keys.vk(), p.instances.len()).unwrap();
    assert_eq!(vk.proof_len(), p.proof.len());
    check(&p, &vk, &p.instances, &p.proof).unwrap();

    // Every 37th byte flipped: both verifiers refuse.
    for at in (0..p.proof.len()).step_by(37).chain([p.proof.len() - 1]) {
        let mut b = p.proof.clone();
        b[at] ^= 0x10;
        assert!(!native(&p, &p.instances, &b), "halo2 accepted byte {at}");
        assert!(check(&p, &vk, &p.instances, &b).is_err(), "reference accepted byte {at}");
    }
    // Each public value changed.
    for i in 0..p.instances.len() {
        let mut inst = p.instances.clone();
        inst[i] += Fr::ONE;
        assert!(check(&p, &vk, &inst, &p.proof).is_err(), "changed public value {i} accepted");
    }
    // Trailing and missing bytes.
    let mut longer = p.proof.clone();
    longer.push(0);
    assert_eq!(
        check(&p, &vk, &p.instances, &longer),
        Err(Rejection::ProofLength { expected: p.proof.len(), actual: p.proof.len() + 1 })
    );
    assert!(check(&p, &vk, &p.instances, &p.proof[..p.proof.len() - 32]).is_err());
    // Another SRS: the same circuit keyed on a different [s]G2 does not verify.
    let wrong_s = p.srs.params.g2();
    assert_eq!(
        reference_verify(&vk, &p.instances, &p.proof, p.srs.params.g2(), wrong_s),
        Err(Rejection::Pairing)
    );
}

#[test]
fn reference_verifier_refuses_another_models_key() {
    let a = proven("models/risk_mlp", "network.onnx");
    let b = proven("models/chess", "policy.onnx");
    let vk_b = VkData::new(&b.srs.params, b.keys.vk(), b.instances.len()).unwrap();
    check(&b, &vk_b, &b.instances, &b.proof).unwrap();
    assert!(check(&b, &vk_b, &a.instances, &a.proof).is_err());
}
