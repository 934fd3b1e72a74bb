//! The universal verifier's reference algorithm against real proofs of the demo model: it
//! accepts exactly what halo2's verifier accepts on every tampering tried. Release mode.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::path::PathBuf;

use halo2_base::halo2_proofs::halo2curves::bn256::Fr;
use halo2_base::halo2_proofs::halo2curves::ff::{Field, PrimeField};
use zkinfer_circuit::DenseGate;
use zkinfer_evm::{
    compile_universal_verifier, constructor_args, reference_verify, LocalEvm, Rejection, Solc, VerifyOutcome,
    VkData, EIP170_LIMIT,
};
use zkinfer_model::{CompiledModel, InputData, Scales};
use zkinfer_prover::{dev_srs, layout_with, load_or_keygen, prove, verify, Keys, Srs};

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
    proven_with(model, onnx, DenseGate::Auto)
}

fn proven_with(model: &str, onnx: &str, gate: DenseGate) -> Proven {
    let dir = repo().join(model);
    let data = InputData::read(&dir.join("input.json")).unwrap();
    let (compiled, _) = CompiledModel::compile(&dir.join(onnx), Some(&data), Scales::default()).unwrap();
    let trace = compiled.trace(&data).unwrap();
    let id = compiled.id();
    let layout = layout_with(&compiled.model, id, gate).unwrap();
    assert_eq!(layout.dense_columns > 0, gate == DenseGate::On, "dense columns {}", layout.dense_columns);
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

    // A number over the key layout's 16 bits is refused by name, never truncated.
    let mut wide = vk.clone();
    wide.num_instance = 1 << 16;
    let err = wide.try_to_bytes().unwrap_err().to_string();
    assert!(err.contains("public value count is 65536"), "{err}");
    assert!(wide.to_bytes().is_empty());
    // A rotation past the signed 16 bits is named with its sign.
    let mut far = vk.clone();
    far.rotations[0] = -40_000;
    let err = far.try_to_bytes().unwrap_err().to_string();
    assert!(err.contains("rotation is -40000"), "{err}");

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

struct OnChain {
    evm: LocalEvm,
    verifier: [u8; 20],
}

fn universal_verifier(p: &Proven) -> OnChain {
    let solc = Solc::at(repo().join("tools/solc"));
    let mut code = compile_universal_verifier(&solc).unwrap();
    code.extend(constructor_args(&p.srs.params.g2(), &p.srs.params.s_g2()));
    let mut evm = LocalEvm::new();
    let (verifier, gas) = evm.deploy(code).unwrap();
    let size = evm.code_size(verifier);
    eprintln!("ZkinferVerifier: {size} bytes runtime, deployed for {gas} gas");
    assert!(size > 0 && size <= EIP170_LIMIT);
    OnChain { evm, verifier }
}

fn deploy_key(chain: &mut OnChain, vk: &VkData) -> [u8; 20] {
    let (address, gas) = chain.evm.deploy(vk.creation_code()).unwrap();
    eprintln!("key: {} bytes, deployed for {gas} gas", vk.to_bytes().len());
    assert_eq!(chain.evm.code_size(address), vk.to_bytes().len() + 1);
    address
}

/// The verifier and `vk`'s key contract deployed, the valid proof accepted (its gas printed).
fn accepting_verifier(p: &Proven, vk: &VkData, label: &str) -> (OnChain, [u8; 20]) {
    let mut chain = universal_verifier(p);
    let key = deploy_key(&mut chain, vk);
    match chain.evm.verify(chain.verifier, key, &p.instances, &p.proof).unwrap() {
        VerifyOutcome::Accepted(gas) => eprintln!("{label}: verify {gas} gas (transaction)"),
        other => panic!("the valid proof was not accepted: {other:?}"),
    }
    (chain, key)
}

/// The EVM verifier's answer, as accept or not.
fn on_chain(chain: &mut OnChain, vk: [u8; 20], instances: &[Fr], proof: &[u8]) -> bool {
    matches!(chain.evm.verify(chain.verifier, vk, instances, proof).unwrap(), VerifyOutcome::Accepted(_))
}

#[test]
fn universal_verifier_accepts_exactly_what_halo2_accepts() {
    let p = proven("models/risk_mlp", "network.onnx");
    let vk = VkData::new(&p.srs.params, p.keys.vk(), p.instances.len()).unwrap();
    eprintln!(
        "phases {:?} chunks {} evals {} proof {}",
        vk.phases,
        vk.num_chunks,
        vk.num_evals,
        vk.proof_len()
    );
    let (mut chain, key) = accepting_verifier(&p, &vk, "risk_mlp");
    // Each evaluation changed by one, and made non-canonical (+ r, same value mod r).
    let evals_at = vk.proof_len() - 128 - 32 * vk.num_evals;
    for j in 0..vk.num_evals {
        let at = evals_at + 32 * j;
        let mut b = p.proof.clone();
        b[at + 31] ^= 1;
        assert!(!on_chain(&mut chain, key, &p.instances, &b), "changed evaluation {j} accepted");
        let mut b = p.proof.clone();
        add_modulus(&mut b[at..at + 32]);
        assert!(!native(&p, &p.instances, &b), "halo2 accepted a non-canonical evaluation");
        assert!(!on_chain(&mut chain, key, &p.instances, &b), "non-canonical evaluation {j} accepted");
    }
    // A point off the curve (W', y + 1) and a non-canonical public value.
    let mut b = p.proof.clone();
    let last = b.len() - 1;
    b[last] ^= 1;
    assert!(!on_chain(&mut chain, key, &p.instances, &b));
    let mut words: Vec<[u8; 32]> = p.instances.iter().map(fr_word).collect();
    add_modulus(&mut words[2]);
    let data = verify_calldata_words(key, &words, &p.proof);
    let (ok, out, _) = chain.evm.call(chain.verifier, data).unwrap();
    assert!(ok && out.iter().all(|b| *b == 0), "a non-canonical public value was accepted");
    for at in (0..p.proof.len()).step_by(29).chain([p.proof.len() - 1]) {
        let mut b = p.proof.clone();
        b[at] ^= 0x04;
        assert_eq!(on_chain(&mut chain, key, &p.instances, &b), native(&p, &p.instances, &b), "byte {at}");
    }
    for i in 0..p.instances.len() {
        let mut inst = p.instances.clone();
        inst[i] += Fr::ONE;
        assert!(!on_chain(&mut chain, key, &inst, &p.proof), "changed public value {i} accepted");
    }
    // Trailing and missing bytes revert with ProofLength; a missing value with InstanceCount.
    let mut longer = p.proof.clone();
    longer.extend([0u8; 32]);
    assert!(matches!(
        chain.evm.verify(chain.verifier, key, &p.instances, &longer).unwrap(),
        VerifyOutcome::Reverted(_)
    ));
    let shorter = &p.proof[..p.proof.len() - 32];
    assert!(matches!(
        chain.evm.verify(chain.verifier, key, &p.instances, shorter).unwrap(),
        VerifyOutcome::Reverted(_)
    ));
    let fewer = &p.instances[1..];
    assert!(matches!(
        chain.evm.verify(chain.verifier, key, fewer, &p.proof).unwrap(),
        VerifyOutcome::Reverted(_)
    ));
}

#[test]
fn dense_gate_proofs_verify_on_chain_exactly_as_natively() {
    // The demo model's layers through the dense-layer gate: a new gate, the same verifier.
    let p = proven_with("models/risk_mlp", "network.onnx", DenseGate::On);
    let vk = VkData::new(&p.srs.params, p.keys.vk(), p.instances.len()).unwrap();
    check(&p, &vk, &p.instances, &p.proof).unwrap();
    let (mut chain, key) = accepting_verifier(&p, &vk, "risk_mlp, dense gate");
    let evals_at = vk.proof_len() - 128 - 32 * vk.num_evals;
    for j in 0..vk.num_evals {
        let mut b = p.proof.clone();
        b[evals_at + 32 * j + 31] ^= 1;
        assert!(!on_chain(&mut chain, key, &p.instances, &b), "changed evaluation {j} accepted");
    }
    for at in (0..p.proof.len()).step_by(41).chain([p.proof.len() - 1]) {
        let mut b = p.proof.clone();
        b[at] ^= 0x08;
        let halo2 = native(&p, &p.instances, &b);
        assert_eq!(check(&p, &vk, &p.instances, &b).is_ok(), halo2, "reference, byte {at}");
        assert_eq!(on_chain(&mut chain, key, &p.instances, &b), halo2, "contract, byte {at}");
    }
    for i in 0..p.instances.len() {
        let mut inst = p.instances.clone();
        inst[i] += Fr::ONE;
        assert!(!on_chain(&mut chain, key, &inst, &p.proof), "changed public value {i} accepted");
    }
}

/// `word + r` (big-endian), the same field element in a non-canonical encoding.
fn add_modulus(word: &mut [u8]) {
    let r = hex::decode("30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001").unwrap();
    let mut carry = 0u16;
    for i in (0..32).rev() {
        let s = word[i] as u16 + r[i] as u16 + carry;
        word[i] = s as u8;
        carry = s >> 8;
    }
}

fn fr_word(x: &Fr) -> [u8; 32] {
    let mut w = x.to_repr();
    w.reverse();
    w
}

/// `verify` calldata with raw public value words.
fn verify_calldata_words(vk: [u8; 20], words: &[[u8; 32]], proof: &[u8]) -> Vec<u8> {
    let mut data = zkinfer_evm::verify_calldata(vk, &vec![Fr::ZERO; words.len()], proof);
    for (i, w) in words.iter().enumerate() {
        let at = 4 + 32 * 4 + 32 * i;
        data[at..at + 32].copy_from_slice(w);
    }
    data
}

#[test]
fn universal_verifier_refuses_another_srs_and_another_key() {
    let a = proven("models/risk_mlp", "network.onnx");
    let b = proven("models/chess", "policy.onnx");
    let vk_a = VkData::new(&a.srs.params, a.keys.vk(), a.instances.len()).unwrap();
    let vk_b = VkData::new(&b.srs.params, b.keys.vk(), b.instances.len()).unwrap();
    let mut chain = universal_verifier(&a);
    let key_a = deploy_key(&mut chain, &vk_a);
    let key_b = deploy_key(&mut chain, &vk_b);
    // One verifier, two models.
    match chain.evm.verify(chain.verifier, key_b, &b.instances, &b.proof).unwrap() {
        VerifyOutcome::Accepted(gas) => eprintln!("chess policy: verify {gas} gas (transaction)"),
        other => panic!("the chess proof was not accepted: {other:?}"),
    }
    assert!(on_chain(&mut chain, key_a, &a.instances, &a.proof));
    // A proof under another model's key: refused (here the lengths differ, so it reverts).
    assert!(!on_chain(&mut chain, key_b, &a.instances, &a.proof));
    // A verifier pinned to another SRS ([s]G2 = [1]G2) refuses the same key and proof.
    let solc = Solc::at(repo().join("tools/solc"));
    let mut code = compile_universal_verifier(&solc).unwrap();
    code.extend(constructor_args(&a.srs.params.g2(), &a.srs.params.g2()));
    let (other, _) = chain.evm.deploy(code).unwrap();
    assert_eq!(chain.evm.verify(other, key_a, &a.instances, &a.proof).unwrap(), VerifyOutcome::Rejected);
    // An address without code, and a contract that is not a key, revert.
    assert!(matches!(
        chain.evm.verify(chain.verifier, [7u8; 20], &a.instances, &a.proof).unwrap(),
        VerifyOutcome::Reverted(_)
    ));
    let verifier = chain.verifier;
    assert!(matches!(
        chain.evm.verify(chain.verifier, verifier, &a.instances, &a.proof).unwrap(),
        VerifyOutcome::Reverted(_)
    ));
    // A key whose domain numbers disagree (w^-1 or 1/n not the inverse) reverts as unsupported;
    // a key with a rotation or a Lagrange row moved (the verifier derives w^r from it) refuses.
    let mut bad_inv = vk_a.clone();
    bad_inv.omega_inv = vk_a.omega;
    let mut bad_n = vk_a.clone();
    bad_n.n_inv = vk_a.n_inv.double();
    for bad in [&bad_inv, &bad_n] {
        let key = deploy_key(&mut chain, bad);
        assert!(matches!(
            chain.evm.verify(chain.verifier, key, &a.instances, &a.proof).unwrap(),
            VerifyOutcome::Reverted(_)
        ));
    }
    let mut moved_rotation = vk_a.clone();
    *moved_rotation.rotations.last_mut().unwrap() += 1;
    let mut moved_row = vk_a.clone();
    moved_row.program.lagranges[0] -= 1;
    for bad in [&moved_rotation, &moved_row] {
        let key = deploy_key(&mut chain, bad);
        assert!(!on_chain(&mut chain, key, &a.instances, &a.proof));
        assert!(check(&a, bad, &a.instances, &a.proof).is_err());
    }
}

#[test]
fn solidity_header_indices_match_the_key_layout() {
    let src = std::fs::read_to_string(repo().join("contracts/verifier/ZkinferVerifier.sol")).unwrap();
    for (prefix, fields) in [("H_", &zkinfer_evm::HEADER[..]), ("W_", &zkinfer_evm::HEADER_WORDS[..])] {
        for (name, index) in fields {
            let decl = format!("uint256 private constant {name} = {index};");
            assert!(src.contains(&decl), "ZkinferVerifier.sol lacks `{decl}`");
        }
        let declared = src.matches(&format!("uint256 private constant {prefix}")).count();
        assert_eq!(
            declared,
            fields.len(),
            "the verifier declares {prefix} header fields the key does not have"
        );
    }
    for (name, value) in [
        ("HEADER_FIELD_BYTES", zkinfer_evm::HEADER_FIELD_BYTES),
        ("HEADER_BYTES", zkinfer_evm::HEADER_BYTES),
        ("ACC_LIMBS", zkinfer_evm::ACCUMULATOR_LIMBS),
        ("ACC_LIMB_BITS", zkinfer_evm::ACCUMULATOR_LIMB_BITS),
    ] {
        let decl = format!("uint256 private constant {name} = {value};");
        assert!(src.contains(&decl), "ZkinferVerifier.sol lacks `{decl}`");
    }
    let version = format!("uint256 public constant VK_VERSION = {};", zkinfer_evm::VK_VERSION);
    assert!(src.contains(&version));
}

/// `fixtures/risk_mlp/universal-key.json`: the demo model's key for the committed proof
/// (`fixtures/risk_mlp/proof.json`) and the dev SRS's G2 points, which the forge test
/// `tests/forge/UniversalVerifier.t.sol` reads. `ZKINFER_BLESS=1` rewrites it (as
/// scripts/regen-fixtures.sh does); otherwise a stale file fails this test.
#[test]
fn universal_key_fixture_matches_the_current_circuit() {
    let dir = repo().join("models/risk_mlp");
    let data = InputData::read(&dir.join("input.json")).unwrap();
    let (compiled, _) =
        CompiledModel::compile(&dir.join("network.onnx"), Some(&data), Scales::default()).unwrap();
    let id = compiled.id();
    let layout = layout_with(&compiled.model, id, DenseGate::Auto).unwrap();
    let srs = dev_srs(layout.k(), &repo().join("target/test-srs")).unwrap();
    let keys_dir = tempfile::tempdir().unwrap();
    let (keys, _) = load_or_keygen(keys_dir.path(), &srs, &compiled.model, id, &layout).unwrap();
    let proof_file: zkinfer_prover::ProofFile =
        zkinfer_prover::read_json(&repo().join("fixtures/risk_mlp/proof.json")).unwrap();
    let instances = proof_file.instance_values().unwrap();
    let vk = VkData::new(&srs.params, keys.vk(), instances.len()).unwrap();
    let words =
        |p| zkinfer_evm::g2_words(p).iter().map(|w| format!("0x{}", hex::encode(w))).collect::<Vec<_>>();
    let (g2, s_g2) = (srs.params.g2(), srs.params.s_g2());
    let expected = serde_json::json!({
        "keyCreationCode": format!("0x{}", hex::encode(vk.creation_code())),
        "g2": words(&g2),
        "sG2": words(&s_g2),
    });
    let path = repo().join("fixtures/risk_mlp/universal-key.json");
    let text = serde_json::to_string_pretty(&expected).unwrap() + "\n";
    if std::env::var_os("ZKINFER_BLESS").is_some() {
        std::fs::write(&path, &text).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(committed == text, "{} is stale: run scripts/regen-fixtures.sh", path.display());
    // The committed proof verifies under it.
    let proof = proof_file.proof_bytes().unwrap();
    reference_verify(&vk, &instances, &proof, srs.params.g2(), srs.params.s_g2()).unwrap();
}
