use halo2_base::halo2_proofs::halo2curves::bn256::Fr;
use snark_verifier_sdk::halo2::POSEIDON_SPEC;
use snark_verifier_sdk::snark_verifier::util::hash::Poseidon;
use snark_verifier_sdk::NativeLoader;
use zkinfer_model::{
    packed_words, ParamVisibility, Parameters, QuantizedModel, Visibility, VALUE_BITS, VALUE_MIN,
    WIDE_LANES_PER_WORD, WIDE_LANE_BITS,
};

use crate::field::{fe, from_be_u128, pow2};

/// Number of public values for a model with `inputs` input and `outputs` output values, both
/// public: the model id in two 128-bit halves, then the packed inputs, then the packed outputs.
pub fn num_instances(inputs: usize, outputs: usize) -> usize {
    2 + packed_words(inputs) + packed_words(outputs)
}

/// Number of public values of `model` under its visibilities: the id's two halves, then per
/// side its packed words (public), one hash (hashed) or nothing (private), then the weights'
/// hash when the weights are hashed.
pub fn model_num_instances(model: &QuantizedModel) -> usize {
    let side = |v: Visibility, n: usize| match v {
        Visibility::Public => packed_words(n),
        Visibility::Hashed => 1,
        Visibility::Private => 0,
    };
    let vis = model.visibility;
    2 + side(vis.input, model.input_len())
        + side(vis.output, model.output_len())
        + usize::from(vis.params == ParamVisibility::Hashed)
}

/// The public values of a model whose inputs and outputs are both public, computed natively;
/// the circuit exposes exactly these, and the registry contract builds the same words from
/// `int256[]` values.
///
/// Layout: `[id_hi, id_lo, packed(inputs)..., packed(outputs)...]`, with
/// `id_hi = id >> 128`, `id_lo = id mod 2^128` and each packed word
/// `sum_j (x[7w + j] + 2^31) * 2^(32 j)`.
pub fn public_instances(model_id: &[u8; 32], inputs: &[i64], outputs: &[i64]) -> Vec<Fr> {
    let mut words = id_words(model_id);
    words.extend(pack(inputs));
    words.extend(pack(outputs));
    words
}

/// What the public values show of one side (inputs or outputs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Exposed {
    /// The values (packed into words).
    Values(Vec<i64>),
    /// Their hash, [`values_hash`].
    Hash(Fr),
    /// Nothing.
    Hidden,
}

impl Exposed {
    /// What `visibility` shows of `values`.
    pub fn of(visibility: Visibility, values: &[i64]) -> Self {
        match visibility {
            Visibility::Public => Self::Values(values.to_vec()),
            Visibility::Hashed => Self::Hash(values_hash(values)),
            Visibility::Private => Self::Hidden,
        }
    }

    fn words(&self) -> Vec<Fr> {
        match self {
            Self::Values(v) => pack(v),
            Self::Hash(h) => vec![*h],
            Self::Hidden => Vec::new(),
        }
    }
}

/// Everything a proof's public values are made of, besides the model id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicValues {
    /// The inputs' part.
    pub inputs: Exposed,
    /// The outputs' part.
    pub outputs: Exposed,
    /// The weights' hash ([`weights_hash`]), when the weights are hashed.
    pub weights_hash: Option<Fr>,
}

impl PublicValues {
    /// The public values of an inference of `model` on `inputs` giving `outputs`, under the
    /// model's visibilities (hashes computed natively).
    pub fn of(model: &QuantizedModel, inputs: &[i64], outputs: &[i64]) -> Self {
        let vis = model.visibility;
        Self {
            inputs: Exposed::of(vis.input, inputs),
            outputs: Exposed::of(vis.output, outputs),
            weights_hash: (vis.params == ParamVisibility::Hashed).then(|| weights_hash(&model.parameters())),
        }
    }

    /// The field elements a proof is checked against: `[id_hi, id_lo, inputs' part, outputs'
    /// part, weights' hash if hashed]`.
    pub fn instances(&self, model_id: &[u8; 32]) -> Vec<Fr> {
        let mut words = id_words(model_id);
        words.extend(self.inputs.words());
        words.extend(self.outputs.words());
        words.extend(self.weights_hash);
        words
    }
}

/// Poseidon (BN254, width 3, rate 2, 8 full and 57 partial rounds: halo2-base's hasher with
/// snark-verifier's spec) of a fixed-length list of field elements, natively.
pub fn poseidon(words: &[Fr]) -> Fr {
    let mut hasher = Poseidon::<Fr, Fr, 3, 2>::from_spec(&NativeLoader, POSEIDON_SPEC.clone());
    hasher.update(words);
    hasher.squeeze()
}

/// The hash of a side's values: Poseidon of their packed words (the words a public side would
/// expose).
pub fn values_hash(values: &[i64]) -> Fr {
    poseidon(&pack(values))
}

/// The hash of a model's parameters: Poseidon of the weights and constants packed like values
/// (seven 32-bit lanes per word), then the biases packed three 64-bit lanes per word
/// (`b + 2^63`).
pub fn weights_hash(params: &Parameters) -> Fr {
    let mut words = pack(&params.narrow);
    words.extend(pack_wide(&params.wide));
    poseidon(&words)
}

fn id_words(model_id: &[u8; 32]) -> Vec<Fr> {
    vec![from_be_u128(&model_id[..16]), from_be_u128(&model_id[16..])]
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

fn pack_wide(values: &[i64]) -> Vec<Fr> {
    let offset = pow2(WIDE_LANE_BITS - 1);
    values
        .chunks(WIDE_LANES_PER_WORD)
        .map(|chunk| {
            chunk
                .iter()
                .enumerate()
                .fold(Fr::zero(), |word, (j, &v)| word + (fe(v) + offset) * pow2(WIDE_LANE_BITS * j as u32))
        })
        .collect()
}
