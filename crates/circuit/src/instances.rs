use halo2_base::halo2_proofs::halo2curves::bn256::Fr;
use zkinfer_model::{packed_words, VALUE_BITS, VALUE_MIN};

use crate::field::{fe, from_be_u128, pow2};

/// Number of public values for a model with `inputs` input and `outputs` output values:
/// the model id in two 128-bit halves, then the packed inputs, then the packed outputs.
pub fn num_instances(inputs: usize, outputs: usize) -> usize {
    2 + packed_words(inputs) + packed_words(outputs)
}

/// The public values a proof is checked against, computed natively; the circuit exposes
/// exactly these, and the registry contract builds the same words from `int256[]` values.
///
/// Layout: `[id_hi, id_lo, packed(inputs)..., packed(outputs)...]`, with
/// `id_hi = id >> 128`, `id_lo = id mod 2^128` and each packed word
/// `sum_j (x[7w + j] + 2^31) * 2^(32 j)`.
pub fn public_instances(model_id: &[u8; 32], inputs: &[i64], outputs: &[i64]) -> Vec<Fr> {
    let mut words = vec![from_be_u128(&model_id[..16]), from_be_u128(&model_id[16..])];
    words.extend(pack(inputs));
    words.extend(pack(outputs));
    words
}

fn pack(values: &[i64]) -> Vec<Fr> {
    values
        .chunks(zkinfer_model::LANES_PER_WORD)
        .map(|chunk| {
            chunk
                .iter()
                .enumerate()
                .fold(Fr::zero(), |word, (j, &v)| word + fe(v - VALUE_MIN) * pow2(VALUE_BITS * j as u32))
        })
        .collect()
}
