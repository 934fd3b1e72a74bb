use std::path::Path;

use halo2_base::halo2_proofs::halo2curves::bn256::Fr;
use halo2_base::halo2_proofs::halo2curves::ff::PrimeField;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use zkinfer_circuit::{weights_hash, Exposed, PublicValues};
use zkinfer_model::{ParamVisibility, QuantizedModel, Visibility};

use crate::{Error, Result};

/// Format tag of [`ProofFile`].
pub const PROOF_FORMAT: &str = "zkinfer.proof.v1";

/// A proof with everything needed to check it, as written to `proof.json`.
///
/// `inputs` and `outputs` are the signed fixed-point integers a contract passes to
/// `verifyInference` (real value = integer / 2^scale); `instances` are the field elements the
/// verifier checks (32-byte big-endian hex), derived from them. A side that is not public has
/// no values here (they are not revealed): a hashed side has its hash instead, a private side
/// nothing; hashed weights add their hash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProofFile {
    /// Always [`PROOF_FORMAT`].
    pub format: String,
    /// The model commitment, `0x` + 64 hex digits.
    pub model_id: String,
    /// Flattened inputs at `input_scale`.
    pub inputs: Vec<i64>,
    /// Flattened outputs at `output_scale`.
    pub outputs: Vec<i64>,
    /// Fixed-point scale of the inputs, in bits.
    pub input_scale: u32,
    /// Fixed-point scale of the outputs, in bits.
    pub output_scale: u32,
    /// Public values as `0x`-hex 32-byte big-endian words.
    pub instances: Vec<String>,
    /// The proof bytes (SHPLONK, Keccak transcript), `0x`-hex.
    pub proof: String,
    /// With hashed inputs: their Poseidon hash, `0x`-hex (the inputs are then left out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_hash: Option<String>,
    /// With hashed outputs: their Poseidon hash, `0x`-hex (the outputs are then left out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_hash: Option<String>,
    /// With hashed weights: their Poseidon hash, `0x`-hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weights_hash: Option<String>,
}

impl ProofFile {
    /// Sets the values and hashes of `public` (inputs and outputs empty where not public).
    pub fn set_public_values(&mut self, public: &PublicValues) {
        let split = |e: &Exposed| match e {
            Exposed::Values(v) => (v.clone(), None),
            Exposed::Hash(h) => (Vec::new(), Some(fr_to_hex(h))),
            Exposed::Hidden => (Vec::new(), None),
        };
        (self.inputs, self.input_hash) = split(&public.inputs);
        (self.outputs, self.output_hash) = split(&public.outputs);
        self.weights_hash = public.weights_hash.as_ref().map(fr_to_hex);
    }

    /// The public values this proof claims, read under `model`'s visibilities. The weights'
    /// hash is computed from `model` (that is what binds the weights) and must equal the one
    /// the file names; a missing hash, values where none belong, or a malformed hash is an
    /// error naming the field.
    pub fn public_values(&self, model: &QuantizedModel) -> Result<PublicValues> {
        let bad = |m: String| Error::Rejected(m);
        let vis = model.visibility;
        let side = |name: &str, v: Visibility, values: &[i64], hash: &Option<String>| -> Result<Exposed> {
            let hash = hash
                .as_deref()
                .map(|h| fr_from_hex(h).ok_or_else(|| bad(format!("{name}Hash {h} is not a field element"))))
                .transpose()?;
            match (v, hash) {
                (Visibility::Public, None) => Ok(Exposed::Values(values.to_vec())),
                (Visibility::Hashed, Some(h)) if values.is_empty() => Ok(Exposed::Hash(h)),
                (Visibility::Private, None) if values.is_empty() => Ok(Exposed::Hidden),
                (Visibility::Hashed, None) => {
                    Err(bad(format!("the model's {name}s are hashed: {name}Hash is missing")))
                }
                (Visibility::Public, Some(_)) => {
                    Err(bad(format!("the model's {name}s are public, the file has {name}Hash")))
                }
                (v, _) => Err(bad(format!("the model's {name}s are {v}: the file must not list them"))),
            }
        };
        let expected = (vis.params == ParamVisibility::Hashed).then(|| weights_hash(&model.parameters()));
        let claimed = self
            .weights_hash
            .as_deref()
            .map(|h| fr_from_hex(h).ok_or_else(|| bad(format!("weightsHash {h} is not a field element"))))
            .transpose()?;
        if claimed != expected {
            return Err(bad(match (expected, claimed) {
                (Some(e), Some(c)) => format!(
                    "weightsHash {} is not the hash of the model's weights ({})",
                    fr_to_hex(&c),
                    fr_to_hex(&e)
                ),
                (Some(_), None) => "the model's weights are hashed: weightsHash is missing".into(),
                _ => "the model's weights are not hashed, the file has weightsHash".into(),
            }));
        }
        Ok(PublicValues {
            inputs: side("input", vis.input, &self.inputs, &self.input_hash)?,
            outputs: side("output", vis.output, &self.outputs, &self.output_hash)?,
            weights_hash: expected,
        })
    }

    /// The public values as field elements.
    pub fn instance_values(&self) -> Result<Vec<Fr>> {
        self.instances
            .iter()
            .map(|h| {
                fr_from_hex(h).ok_or_else(|| Error::Rejected(format!("instance {h} is not a field element")))
            })
            .collect()
    }

    /// The proof bytes.
    pub fn proof_bytes(&self) -> Result<Vec<u8>> {
        hex::decode(self.proof.trim_start_matches("0x"))
            .map_err(|e| Error::Rejected(format!("proof hex: {e}")))
    }
}

/// A field element as `0x` + 64 hex digits, big-endian (the EVM's word order).
pub fn fr_to_hex(x: &Fr) -> String {
    let mut bytes = x.to_repr();
    bytes.reverse();
    format!("0x{}", hex::encode(bytes))
}

/// The inverse of [`fr_to_hex`]; `None` for malformed hex or a value not below the modulus.
pub fn fr_from_hex(s: &str) -> Option<Fr> {
    let mut bytes: [u8; 32] = hex::decode(s.trim_start_matches("0x")).ok()?.try_into().ok()?;
    bytes.reverse();
    Option::from(Fr::from_repr(bytes))
}

/// Writes `value` as pretty JSON.
pub fn write_json(path: &Path, value: &impl Serialize) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(Error::io(dir))?;
    }
    let text = serde_json::to_string_pretty(value).expect("artifacts always serialize") + "\n";
    std::fs::write(path, text).map_err(Error::io(path))
}

/// Reads a JSON artifact, naming the file in errors.
pub fn read_json<T: DeserializeOwned>(path: &Path) -> Result<T> {
    let text = std::fs::read_to_string(path).map_err(Error::io(path))?;
    serde_json::from_str(&text).map_err(|e| Error::Artifact { path: path.to_owned(), reason: e.to_string() })
}
