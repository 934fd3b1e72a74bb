//! Proof and public-value decoding, differentially: a real risk_mlp proof and its public values,
//! changed as the input says (byte patches, truncation, extension, a replaced public value),
//! are accepted by the universal verifier's reference algorithm exactly when halo2's verifier
//! accepts them and the lengths are the key's (halo2 ignores trailing proof bytes and pads
//! missing public values with zeros; the universal verifier refuses both); neither panics.
#![no_main]

use halo2_base::halo2_proofs::halo2curves::bn256::Fr;
use libfuzzer_sys::fuzz_target;
use zkinfer_evm::reference_verify;
use zkinfer_prover::verify;

fuzz_target!(|data: &[u8]| {
    let p = zkinfer_fuzz::proven();
    let (mut proof, mut instances) = (p.proof.clone(), p.instances.clone());
    let mut ops = data.chunks_exact(4);
    for op in &mut ops {
        let at = u16::from_le_bytes([op[1], op[2]]) as usize;
        match op[0] % 8 {
            0 => proof.truncate(at % (proof.len() + 1)),
            1 => proof.extend_from_slice(&op[1..]),
            2 => {
                if let Some(v) = instances.get_mut(at % p.instances.len()) {
                    *v += Fr::from(u64::from(op[3]) + 1);
                }
            }
            3 => instances.truncate(at % (instances.len() + 1)),
            _ => {
                if !proof.is_empty() {
                    let i = at % proof.len();
                    proof[i] ^= op[3].max(1);
                }
            }
        }
    }
    let native = verify(&p.srs.params, p.keys.vk(), &instances, &proof).is_ok();
    let reference =
        reference_verify(&p.vk, &instances, &proof, p.srs.params.g2(), p.srs.params.s_g2()).is_ok();
    let exact = proof.len() == p.proof.len() && instances.len() == p.instances.len();
    assert_eq!(
        native && exact,
        reference,
        "halo2 says {native} (lengths exact: {exact}), the universal verifier's reference {reference}"
    );
    if data.len() < 4 {
        assert!(native, "the untouched proof must verify");
    }
});
