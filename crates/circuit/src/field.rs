use halo2_base::halo2_proofs::halo2curves::bn256::Fr;
use halo2_base::halo2_proofs::halo2curves::ff::Field;

/// A signed integer as a field element (negative values are `p - |v|`).
pub fn fe(v: i64) -> Fr {
    if v < 0 {
        -Fr::from(v.unsigned_abs())
    } else {
        Fr::from(v as u64)
    }
}

/// `2^n` as a field element.
pub fn pow2(n: u32) -> Fr {
    Fr::from(2u64).pow([n as u64])
}

/// A field element from the low 128 bits of a big-endian 16-byte half of an id.
pub(crate) fn from_be_u128(bytes: &[u8]) -> Fr {
    let v = u128::from_be_bytes(bytes.try_into().expect("16 bytes"));
    Fr::from_raw([v as u64, (v >> 64) as u64, 0, 0])
}
