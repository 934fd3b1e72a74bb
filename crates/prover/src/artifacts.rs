use std::path::Path;

use halo2_base::halo2_proofs::halo2curves::bn256::Fr;
use halo2_base::halo2_proofs::halo2curves::ff::PrimeField;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// Format tag of [`ProofFile`].
pub const PROOF_FORMAT: &str = "zkinfer.proof.v1";

/// A proof with everything needed to check it, as written to `proof.json`.
///
/// `inputs` and `outputs` are the signed fixed-point integers a contract passes to
/// `verifyInference` (real value = integer / 2^scale); `instances` are the field elements the
/// verifier checks (32-byte big-endian hex), derived from them.
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
}

impl ProofFile {
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
