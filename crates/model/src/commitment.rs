use sha3::{Digest, Keccak256};

use crate::quantize::QuantizedModel;

/// Domain separator of the model commitment.
pub const MODEL_ID_DOMAIN: &[u8] = b"zkinfer.model.v1\0";

/// The model commitment: `keccak256(MODEL_ID_DOMAIN || canonical JSON of the quantized model)`.
///
/// The JSON holds the architecture (ops, shapes, wiring), every quantized weight and bias, and
/// the scales, so changing any of them changes the id. The circuit exposes the id as its first
/// two public values and the registry keys models by it.
pub fn model_id(model: &QuantizedModel) -> [u8; 32] {
    let json = serde_json::to_vec(model).expect("a quantized model always serializes");
    let mut hasher = Keccak256::new();
    hasher.update(MODEL_ID_DOMAIN);
    hasher.update(&json);
    hasher.finalize().into()
}

/// `0x`-prefixed lowercase hex of a 32-byte id.
pub fn id_hex(id: &[u8; 32]) -> String {
    format!("0x{}", hex::encode(id))
}
