use halo2_base::halo2_proofs::halo2curves::bn256::Fr;
use halo2_base::halo2_proofs::halo2curves::ff::PrimeField;

/// The generated verifier's calldata: each public value as a 32-byte big-endian word, then
/// the proof bytes. The registry contract builds the same bytes with `abi.encodePacked`.
pub fn encode_calldata(instances: &[Fr], proof: &[u8]) -> Vec<u8> {
    let mut data = Vec::with_capacity(instances.len() * 32 + proof.len());
    for x in instances {
        let mut word = x.to_repr();
        word.reverse();
        data.extend_from_slice(&word);
    }
    data.extend_from_slice(proof);
    data
}
